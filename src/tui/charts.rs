//! Line charts for series over time (scores through a match, think times, points over a
//! run), with an optional cursor at the frame being viewed.

use super::theme::Theme;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType};
use ratatui::Frame;

/// One line of a chart.
pub struct Series {
    pub name: String,
    pub colour: Color,
    pub points: Vec<(f64, f64)>,
}

/// Every `n`-th point so a line has about `max` points (the ends are kept).
pub fn thin(points: Vec<(f64, f64)>, max: usize) -> Vec<(f64, f64)> {
    let max = max.max(2);
    if points.len() <= max {
        return points;
    }
    let step = points.len().div_ceil(max);
    let last = points.last().copied();
    let mut out: Vec<(f64, f64)> = points.into_iter().step_by(step).collect();
    if out.last().copied() != last {
        out.extend(last);
    }
    out
}

fn label(v: f64) -> String {
    if v.abs() >= 100.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else if v.abs() >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// The series' names in their colours (`■ name`), as many as fit in `width` columns,
/// then `…`; `None` for an unnamed single line.
fn legend(series: &[Series], width: usize) -> Option<Line<'static>> {
    if series.iter().all(|s| s.name.is_empty()) {
        return None;
    }
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for s in series.iter().filter(|s| !s.name.is_empty()) {
        let text = format!("■ {} ", s.name);
        let n = text.chars().count();
        if used + n > width {
            spans.push(Span::raw("… "));
            break;
        }
        used += n;
        spans.push(Span::styled(text, Style::new().fg(s.colour)));
    }
    Some(Line::from(spans))
}

/// Draws the series in `area` inside `block`; `cursor` is an x drawn as a vertical line.
/// `at 12: 5 · 3`: each series' value at `x` (its last point not after it), in the
/// series' colour; none when no series has a point there yet.
pub fn readout(series: &[Series], x: f64, t: &Theme) -> Option<Line<'static>> {
    let values: Vec<(f64, Color)> = series
        .iter()
        .filter_map(|s| {
            let v = s.points.iter().take_while(|p| p.0 <= x).last()?.1;
            Some((v, s.colour))
        })
        .collect();
    if values.is_empty() {
        return None;
    }
    let mut spans = vec![Span::styled(
        format!(" at {}: ", label(x)),
        Style::new().fg(t.muted),
    )];
    for (i, (v, colour)) in values.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", Style::new().fg(t.muted)));
        }
        spans.push(Span::styled(label(v), Style::new().fg(colour)));
    }
    spans.push(Span::raw(" "));
    Some(Line::from(spans))
}

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    block: Block<'_>,
    series: &[Series],
    cursor: Option<f64>,
    t: &Theme,
) {
    let all = series.iter().flat_map(|s| s.points.iter());
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, y) in all {
        if x.is_finite() && y.is_finite() {
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
    }
    if x0 > x1 {
        (x0, x1, y0, y1) = (0.0, 1.0, 0.0, 1.0);
    }
    if y1 - y0 < 1e-9 {
        y1 = y0 + 1.0;
    }
    if x1 - x0 < 1e-9 {
        x1 = x0 + 1.0;
    }
    let cursor_points: Vec<(f64, f64)> = cursor.map(|x| vec![(x, y0), (x, y1)]).unwrap_or_default();
    let mut datasets: Vec<Dataset> = series
        .iter()
        .map(|s| {
            Dataset::default()
                .name(s.name.clone())
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(Style::new().fg(s.colour))
                .data(&s.points)
        })
        .collect();
    if cursor.is_some() {
        datasets.push(
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(Style::new().fg(t.muted))
                .data(&cursor_points),
        );
    }
    let axis_style = Style::new().fg(t.muted);
    // The legend goes on the frame's bottom edge, never over the lines (as btop does).
    let block = match legend(series, usize::from(area.width.saturating_sub(4))) {
        Some(line) => block.title_bottom(line),
        None => block,
    };
    // The values at the cursor, top right (btop's readout).
    let block = match cursor.and_then(|x| readout(series, x, t)) {
        Some(line) => block.title_top(line.right_aligned()),
        None => block,
    };
    // The chart's canvas paints its own background: the theme's, not the terminal's.
    let chart = Chart::new(datasets)
        .style(Style::new().bg(t.background))
        .block(block)
        .legend_position(None)
        .x_axis(
            Axis::default()
                .bounds([x0, x1])
                .style(axis_style)
                .labels([Span::raw(label(x0)), Span::raw(label(x1))]),
        )
        .y_axis(
            Axis::default()
                .bounds([y0, y1])
                .style(axis_style)
                .labels([Span::raw(label(y0)), Span::raw(label(y1))]),
        );
    frame.render_widget(chart, area);
}
