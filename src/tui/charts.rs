//! Line charts for series over time (scores through a match, think times, points over a
//! run), with an optional cursor at the frame being viewed.

use super::theme::Theme;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::Span;
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType, LegendPosition};
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

/// Draws the series in `area` inside `block`; `cursor` is an x drawn as a vertical line.
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
    // The chart's canvas paints its own background: the theme's, not the terminal's.
    let chart = Chart::new(datasets)
        .style(Style::new().bg(t.background))
        .block(block)
        .legend_position(Some(LegendPosition::TopLeft))
        .hidden_legend_constraints((
            ratatui::layout::Constraint::Percentage(60),
            ratatui::layout::Constraint::Percentage(60),
        ))
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
