//! The matches list: running first, then finished (newest first); filtered by a bot
//! (`f`), a crosstable pair or a search (`/`); enter opens the viewer.

use super::app::{outcome_word, App};
use super::board::{self, Canvas};
use super::widgets::{block, clean, count, fit};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;

/// Column widths (id, seats, result, fault) in a table `width` wide.
pub fn widths(width: u16) -> [u16; 4] {
    let inner = width.saturating_sub(2 + 3);
    let id = 6;
    let fault = (inner / 5).clamp(10, 28);
    let rest = inner.saturating_sub(id + fault);
    let seats = rest * 11 / 20;
    [id, seats, rest - seats, fault]
}

/// The list (sized to its rows) and the selected match's preview: beside it on a wide
/// terminal, below it on a narrow one.
pub fn areas(app: &App, area: Rect) -> [Rect; 2] {
    if area.width >= 120 {
        return Layout::horizontal([Constraint::Percentage(62), Constraint::Percentage(38)])
            .areas(area);
    }
    let rows = app.listed().len() as u16 + 3;
    let list = rows.clamp(4, area.height * 3 / 5);
    Layout::vertical([Constraint::Length(list), Constraint::Min(3)]).areas(area)
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let [list, preview] = areas(app, area);
    draw_list(app, frame, list);
    draw_preview(app, frame, preview);
}

/// The selected match's board at its newest frame, and how it ended.
fn draw_preview(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.theme();
    let Some(m) = app.listed().get(app.match_selected).copied() else {
        frame.render_widget(
            Paragraph::new("no match here (esc: all matches)")
                .style(Style::new().fg(t.muted))
                .block(block(app, " preview ")),
            area,
        );
        return;
    };
    let title = format!(
        " #{} {} vs {} · enter: watch ",
        m.id + 1,
        app.names[m.seats[0]],
        app.names[m.seats[1]]
    );
    let outer = block(app, title);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let [summary, board_area] =
        Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(inner);
    let text = match &m.entry {
        Some(e) => clean(&e.reason),
        None => format!(
            "running, {}",
            count(m.count.saturating_sub(1), "step", "steps")
        ),
    };
    let note = if m.record.is_none() && m.entry.is_some() {
        "its frames are on disk: enter reads them back"
    } else {
        ""
    };
    frame.render_widget(
        Paragraph::new(vec![
            Line::styled(text, Style::new().fg(t.text)),
            Line::styled(note, Style::new().fg(t.muted)),
        ])
        .wrap(Wrap { trim: true }),
        summary,
    );
    let canvas = Canvas {
        theme: t,
        width: board_area.width as usize,
        height: board_area.height as usize,
        inarow: 4,
    };
    let lines = board::newest(app.game, m.frames(), m.latest.as_ref(), &canvas);
    frame.render_widget(Paragraph::new(lines), board_area);
}

fn draw_list(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.theme();
    let w = widths(area.width);
    let name = (w[1] as usize).saturating_sub(4) / 2;
    let rows: Vec<Row> = app
        .listed()
        .iter()
        .map(|m| {
            let (result, fault) = match &m.entry {
                None => (
                    Line::styled(
                        format!(
                            "running, {}",
                            count(m.count.saturating_sub(1), "step", "steps")
                        ),
                        Style::new().fg(t.title),
                    ),
                    Line::from(""),
                ),
                Some(e) => {
                    let steps = count(e.frames.saturating_sub(1), "step", "steps");
                    // The name gives way, never the result.
                    let room = (w[2] as usize).saturating_sub(steps.len() + 9);
                    let text = match e.outcomes[0] {
                        crate::game::Outcome::Draw => "draw".to_string(),
                        o => format!("{} {}", fit(&app.names[e.seats[0]], room), outcome_word(o)),
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
                        Line::from(fit(&format!("{text} · {steps}"), w[2] as usize)),
                        Line::styled(fit(&fault, w[3] as usize), Style::new().fg(t.fault)),
                    )
                }
            };
            Row::new(vec![
                Line::styled(format!("#{}", m.id + 1), Style::new().fg(t.muted)),
                Line::from(vec![
                    Span::styled(fit(&app.names[m.seats[0]], name), Style::new().fg(t.seat1)),
                    Span::styled(" vs ", Style::new().fg(t.muted)),
                    Span::styled(fit(&app.names[m.seats[1]], name), Style::new().fg(t.seat2)),
                ]),
                result,
                fault,
            ])
            .style(Style::new().fg(t.text))
        })
        .collect();
    let title = title(app, rows.len());
    let table = Table::new(rows, w.map(Constraint::Length))
        .header(Row::new(["id", "seats", "result", "fault"]).style(Style::new().fg(t.muted)))
        .row_highlight_style(Style::new().bg(t.highlight).add_modifier(Modifier::BOLD))
        .block(block(app, title));
    let mut state = TableState::default().with_selected(Some(app.match_selected));
    frame.render_stateful_widget(table, area, &mut state);
}

fn title(app: &App, n: usize) -> String {
    let f = &app.filter;
    if f.is_empty() {
        return format!(" matches ({n}) · f: by bot · /: search ");
    }
    let what = match (f.bot, f.pair, &f.query) {
        (Some(b), _, _) => format!("of {} (f: next bot)", app.names[b]),
        (_, Some([a, b]), _) => format!("between {} and {}", app.names[a], app.names[b]),
        (_, _, Some(q)) => format!("found by “{}”", super::widgets::clean(q)),
        _ => String::new(),
    };
    format!(" matches {what} ({n}) · esc: all ")
}
