//! The bot detail screen: one bot's results, its faults with tracebacks, and the
//! sandbox layers it got.

use super::app::App;
use super::widgets::{block, clean, elo_text};
use crate::cage::{Layers, Supervision};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let [top, bottom] = Layout::vertical([Constraint::Length(9), Constraint::Min(3)]).areas(area);
    let [results, layers_area] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(top);
    draw_results(app, frame, results);
    let (faults, layers) = faults_and_layers(app);
    draw_layers(app, frame, layers_area, layers.as_ref());
    draw_faults(app, frame, bottom, &faults);
}

/// A fault of the bot's: the match, what happened, and the traceback when still in memory.
type FaultLine = (usize, String, Option<String>);

fn draw_results(app: &App, frame: &mut Frame, results: Rect) {
    let t = app.theme();
    let bot = app.bot;
    let mut lines = vec![Line::styled(
        app.files[bot].clone(),
        Style::new().fg(t.muted),
    )];
    if let Some(r) = app.standings.rows.iter().find(|r| r.bot == bot) {
        lines.push(Line::from(format!(
            "rank {} · {} points in {} games",
            r.rank, r.points, r.games
        )));
        lines.push(Line::from(format!(
            "won {} · drew {} · lost {}",
            r.wins, r.draws, r.losses
        )));
        lines.push(Line::from(format!("score {:.1}%", r.score * 100.0)));
        lines.push(Line::from(format!(
            "elo {}",
            elo_text(r.elo, r.elo_low, r.elo_high)
        )));
        lines.push(Line::from(format!(
            "Sonneborn-Berger {:.2}",
            r.sonneborn_berger
        )));
        let faults: Vec<String> = r.faults.iter().map(|(k, n)| format!("{k} {n}")).collect();
        lines.push(Line::styled(
            format!(
                "faults: {}",
                if faults.is_empty() {
                    "none".into()
                } else {
                    faults.join(", ")
                }
            ),
            Style::new().fg(if faults.is_empty() { t.text } else { t.fault }),
        ));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .style(Style::new().fg(t.text))
            .block(block(app, format!(" {} ", app.names[bot]))),
        results,
    );
}

/// Faults from the journal entries (always kept); tracebacks and the sandbox layers
/// from the full records still in memory (the newest matches).
fn faults_and_layers(app: &App) -> (Vec<FaultLine>, Option<(Layers, Option<Supervision>)>) {
    let bot = app.bot;
    let mut faults: Vec<FaultLine> = Vec::new();
    let mut layers = None;
    for m in app.matches.values().rev() {
        let Some(entry) = &m.entry else { continue };
        for (seat, &b) in m.seats.iter().enumerate() {
            if b != bot {
                continue;
            }
            let record = m.record.as_ref();
            if layers.is_none() {
                layers = record.and_then(|r| {
                    let seat = &r.bots[seat];
                    Some((seat.layers.clone()?, seat.supervision.clone()))
                });
            }
            if let Some(f) = &entry.faults[seat] {
                let traceback = record
                    .and_then(|r| r.result.faults[seat].as_ref())
                    .and_then(|f| f.traceback.clone());
                faults.push((
                    m.id,
                    format!("{} — {}", f.kind, clean(&f.detail)),
                    traceback,
                ));
            }
        }
    }
    (faults, layers)
}

fn draw_layers(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    layers: Option<&(Layers, Option<Supervision>)>,
) {
    let t = app.theme();
    let layer_lines: Vec<Line> = match layers {
        Some((l, supervision)) => {
            let mut lines = l.lines();
            lines.extend(supervision.iter().flat_map(Supervision::lines));
            let mut v: Vec<Line> = lines.into_iter().map(|s| Line::from(clean(&s))).collect();
            if !l.complete() {
                v.push(Line::styled(
                    "WARNING: some layers are missing",
                    Style::new().fg(t.fault),
                ));
            }
            v
        }
        None => vec![Line::styled(
            "no finished match yet",
            Style::new().fg(t.muted),
        )],
    };
    frame.render_widget(
        Paragraph::new(layer_lines)
            .style(Style::new().fg(t.text))
            .wrap(Wrap { trim: false })
            .block(block(app, " sandbox layers ")),
        area,
    );
}

fn draw_faults(app: &App, frame: &mut Frame, area: Rect, faults: &[FaultLine]) {
    let t = app.theme();
    let mut fault_lines = Vec::new();
    for (id, what, traceback) in faults {
        fault_lines.push(Line::styled(
            format!("match #{}: {what}", id + 1),
            Style::new().fg(t.fault),
        ));
        if let Some(tb) = traceback {
            for l in tb.lines() {
                fault_lines.push(Line::styled(
                    format!("  {}", clean(l)),
                    Style::new().fg(t.muted),
                ));
            }
        }
    }
    if fault_lines.is_empty() {
        fault_lines.push(Line::styled("no faults", Style::new().fg(t.muted)));
    }
    frame.render_widget(
        Paragraph::new(fault_lines)
            .wrap(Wrap { trim: false })
            .block(block(app, format!(" faults ({}) ", faults.len()))),
        area,
    );
}
