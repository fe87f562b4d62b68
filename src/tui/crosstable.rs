//! The crosstable: points of each bot (row) against each other bot (column). A cell
//! opens that pair's matches; columns that do not fit scroll with the selected one.

use super::app::App;
use super::widgets::{block, count, fit};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, TableState};
use ratatui::Frame;

/// How the crosstable's columns are laid out in a given width.
pub struct Columns {
    pub name: u16,
    pub cell: u16,
    /// The first bot column shown and how many are shown.
    pub first: usize,
    pub shown: usize,
}

/// Row number, name, cells, points: the cells get what is left after the name's minimum.
pub fn columns(app: &App, width: u16) -> Columns {
    let n = app.standings.rows.len();
    let widest = app
        .standings
        .cross
        .iter()
        .flatten()
        .map(|(p, g)| format!("{p}/{g}").len())
        .max()
        .unwrap_or(3)
        .max(3) as u16;
    let cell = widest + 1;
    let longest = app
        .names
        .iter()
        .map(|s| s.chars().count())
        .max()
        .unwrap_or(3) as u16;
    let inner = width.saturating_sub(2 + 4 + 6);
    let fits_with = |name: u16| ((inner.saturating_sub(name + 1)) / (cell + 1)).max(1) as usize;
    let mut name = longest.clamp(6, 32).min(inner.saturating_sub(cell).max(6));
    // Names give way to columns when not every column fits.
    if fits_with(name) < n {
        name = name.min(14);
    }
    let fits = fits_with(name);
    let shown = fits.min(n);
    let first = if app.column >= shown {
        app.column + 1 - shown
    } else {
        0
    };
    Columns {
        name,
        cell,
        first,
        shown,
    }
}

/// The table (sized to its rows) and, below it, the selected pair's matches.
pub fn areas(app: &App, area: Rect) -> [Rect; 2] {
    let rows = app.standings.rows.len() as u16 + 3;
    let table = rows.min(area.height.saturating_sub(6)).max(area.height / 2);
    let table = if rows < area.height.saturating_sub(6) {
        rows
    } else {
        table
    };
    Layout::vertical([Constraint::Length(table), Constraint::Min(3)]).areas(area)
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let [table, pair] = areas(app, area);
    draw_table(app, frame, table);
    draw_pair(app, frame, pair);
}

/// The matches of the selected cell's two bots, as the matches screen lists them.
fn draw_pair(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.theme();
    let rows = &app.standings.rows;
    let (Some(a), Some(b)) = (rows.get(app.selected), rows.get(app.column)) else {
        return;
    };
    let (a, b) = (a.bot, b.bot);
    let mut lines = Vec::new();
    if a == b {
        lines.push(Line::styled(
            "a bot against itself: enter opens its page",
            Style::new().fg(t.muted),
        ));
    }
    let pair: Vec<_> = app
        .matches
        .values()
        .rev()
        .filter(|m| a != b && (m.seats == [a, b] || m.seats == [b, a]))
        .collect();
    for m in &pair {
        let result = match &m.entry {
            None => format!(
                "running, {}",
                count(m.count.saturating_sub(1), "step", "steps")
            ),
            Some(e) => {
                let winner = match e.outcomes[0] {
                    crate::game::Outcome::Win => format!("{} won", app.names[m.seats[0]]),
                    crate::game::Outcome::Loss => format!("{} won", app.names[m.seats[1]]),
                    crate::game::Outcome::Draw => "draw".into(),
                };
                let fault = if e.faults.iter().any(Option::is_some) {
                    " · fault"
                } else {
                    ""
                };
                format!(
                    "{winner} · {}{fault}",
                    count(e.frames.saturating_sub(1), "step", "steps")
                )
            }
        };
        lines.push(Line::from(vec![
            Span::styled(format!("#{:<5}", m.id + 1), Style::new().fg(t.muted)),
            Span::styled(app.names[m.seats[0]].clone(), Style::new().fg(t.seat1)),
            Span::styled(" vs ", Style::new().fg(t.muted)),
            Span::styled(app.names[m.seats[1]].clone(), Style::new().fg(t.seat2)),
            Span::styled(format!("  {result}"), Style::new().fg(t.text)),
        ]));
    }
    if a != b && pair.is_empty() {
        lines.push(Line::styled("not played yet", Style::new().fg(t.muted)));
    }
    let title = format!(
        " {} against {}: {} (enter: open the list) ",
        app.names[a],
        app.names[b],
        count(pair.len(), "match", "matches")
    );
    frame.render_widget(Paragraph::new(lines).block(block(app, title)), area);
}

fn draw_table(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.theme();
    let order: Vec<usize> = app.standings.rows.iter().map(|r| r.bot).collect();
    let c = columns(app, area.width);
    let visible = c.first..(c.first + c.shown).min(order.len());
    let mut header = vec![Line::from(""), Line::from("bot")];
    header.extend(visible.clone().map(|i| {
        let text = format!("#{}", i + 1);
        if i == app.column {
            Line::styled(text, Style::new().fg(t.title).add_modifier(Modifier::BOLD))
        } else {
            Line::from(text)
        }
    }));
    header.push(Line::from("pts"));
    let rows: Vec<Row> = order
        .iter()
        .enumerate()
        .map(|(i, &a)| {
            let mut cells = vec![
                Line::from(format!("#{}", i + 1)),
                Line::from(fit(&app.names[a], c.name as usize)),
            ];
            for j in visible.clone() {
                let b = order[j];
                let (p, g) = app.standings.cross[a][b];
                let mut cell = if a == b {
                    Line::styled("·", Style::new().fg(t.muted))
                } else if g == 0 {
                    Line::styled("-", Style::new().fg(t.muted))
                } else {
                    let colour = if p * 2.0 > g as f64 {
                        t.win
                    } else if p * 2.0 < g as f64 {
                        t.loss
                    } else {
                        t.draw
                    };
                    Line::styled(format!("{p}/{g}"), Style::new().fg(colour))
                };
                if i == app.selected && j == app.column {
                    cell = cell.patch_style(Style::new().add_modifier(Modifier::REVERSED));
                }
                cells.push(cell);
            }
            cells.push(Line::from(format!("{}", app.standings.rows[i].points)));
            Row::new(cells).style(Style::new().fg(t.text))
        })
        .collect();
    let mut widths = vec![Constraint::Length(4), Constraint::Length(c.name)];
    widths.extend(visible.clone().map(|_| Constraint::Length(c.cell)));
    widths.push(Constraint::Length(5));
    let more = if c.shown < order.len() {
        format!(
            "columns {}–{} of {} (←→) · ",
            visible.start + 1,
            visible.end,
            order.len()
        )
    } else {
        String::new()
    };
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(Style::new().fg(t.muted)))
        .row_highlight_style(Style::new().bg(t.highlight))
        .block(block(
            app,
            format!(" crosstable: row's points against column · {more}enter: their matches "),
        ));
    let mut state = TableState::default().with_selected(Some(app.selected));
    frame.render_stateful_widget(table, area, &mut state);
}
