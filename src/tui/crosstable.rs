//! The crosstable: points of each bot (row) against each other bot (column).

use super::app::App;
use super::widgets::block;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Row, Table, TableState};
use ratatui::Frame;

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.theme();
    let order: Vec<usize> = app.standings.rows.iter().map(|r| r.bot).collect();
    let mut header = vec![Line::from(""), Line::from("bot")];
    header.extend((1..=order.len()).map(|i| Line::from(format!("#{i}"))));
    header.push(Line::from("pts"));
    let rows: Vec<Row> = order
        .iter()
        .enumerate()
        .map(|(i, &a)| {
            let mut cells = vec![
                Line::from(format!("#{}", i + 1)),
                Line::from(app.names[a].clone()),
            ];
            for &b in &order {
                let (p, g) = app.standings.cross[a][b];
                cells.push(if a == b {
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
                });
            }
            cells.push(Line::from(format!("{}", app.standings.rows[i].points)));
            Row::new(cells).style(Style::new().fg(t.text))
        })
        .collect();
    let mut widths = vec![Constraint::Length(4), Constraint::Min(8)];
    widths.extend(order.iter().map(|_| Constraint::Length(7)));
    widths.push(Constraint::Length(5));
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(Style::new().fg(t.muted)))
        .row_highlight_style(Style::new().bg(t.highlight).add_modifier(Modifier::BOLD))
        .block(block(
            app,
            " crosstable: points of the row bot against the column bot ",
        ));
    let mut state = TableState::default().with_selected(Some(app.selected));
    frame.render_stateful_widget(table, area, &mut state);
}
