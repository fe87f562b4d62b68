//! The matches list: running first, then finished (newest first); filter by bot; enter
//! opens the viewer.

use super::app::{outcome_word, App};
use super::widgets::block;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Row, Table, TableState};
use ratatui::Frame;

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.theme();
    let rows: Vec<Row> = app
        .listed()
        .iter()
        .map(|m| {
            let (result, fault) = match &m.entry {
                None => (
                    Line::styled(
                        format!("running, {} frames", m.count),
                        Style::new().fg(t.title),
                    ),
                    Line::from(""),
                ),
                Some(e) => {
                    let text = match e.outcomes[0] {
                        crate::game::Outcome::Draw => "draw".to_string(),
                        o => format!("{} {}", app.names[e.seats[0]], outcome_word(o)),
                    };
                    let fault = e
                        .faults
                        .iter()
                        .enumerate()
                        .find_map(|(s, f)| {
                            f.as_ref()
                                .map(|f| format!("{} {}", app.names[e.seats[s]], f.kind))
                        })
                        .unwrap_or_default();
                    (
                        Line::from(format!("{text} ({} frames)", e.frames)),
                        Line::styled(fault, Style::new().fg(t.fault)),
                    )
                }
            };
            Row::new(vec![
                Line::styled(format!("#{}", m.id + 1), Style::new().fg(t.muted)),
                Line::from(vec![
                    Span::styled(app.names[m.seats[0]].clone(), Style::new().fg(t.seat1)),
                    Span::styled(" vs ", Style::new().fg(t.muted)),
                    Span::styled(app.names[m.seats[1]].clone(), Style::new().fg(t.seat2)),
                ]),
                result,
                fault,
            ])
            .style(Style::new().fg(t.text))
        })
        .collect();
    let title = match app.filter {
        Some(b) => format!(" matches of {} (f: next filter) ", app.names[b]),
        None => format!(" matches ({}) ", rows.len()),
    };
    let table = Table::new(
        rows,
        [
            Constraint::Length(5),
            Constraint::Min(20),
            Constraint::Min(18),
            Constraint::Length(24),
        ],
    )
    .header(Row::new(["id", "seats", "result", "fault"]).style(Style::new().fg(t.muted)))
    .row_highlight_style(Style::new().bg(t.highlight).add_modifier(Modifier::BOLD))
    .block(block(app, title));
    let mut state = TableState::default().with_selected(Some(app.match_selected));
    frame.render_stateful_widget(table, area, &mut state);
}
