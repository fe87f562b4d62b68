//! The dashboard: progress, live standings, running matches and the fault feed.

use super::app::{App, RunState};
use super::widgets::{block, clean, elo_text};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, List, ListItem, Row, Table, TableState};
use ratatui::Frame;

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let rows = app.standings.rows.len() as u16 + 3;
    let [progress, table, bottom] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Max(rows.max(4)),
        Constraint::Min(4),
    ])
    .areas(area);
    draw_progress(app, frame, progress);
    draw_standings(app, frame, table);
    let [running, feed] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(bottom);
    draw_running(app, frame, running);
    draw_feed(app, frame, feed);
}

fn draw_progress(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.theme();
    let done = app.done();
    let rate = app.rate();
    let eta = if app.state == RunState::Running && rate > 0.0 {
        let s = (app.total.saturating_sub(done) as f64 / rate).round() as u64;
        format!("ETA {}:{:02}", s / 60, s % 60)
    } else {
        String::new()
    };
    let label = format!("{done}/{} matches · {rate:.1}/s {eta}", app.total);
    let ratio = if app.total > 0 {
        (done as f64 / app.total as f64).clamp(0.0, 1.0)
    } else {
        0.0
    };
    frame.render_widget(
        Gauge::default()
            .ratio(ratio)
            .label(Span::styled(label, Style::new().fg(t.text)))
            .gauge_style(Style::new().fg(t.gauge).bg(t.highlight)),
        area,
    );
}

pub fn draw_standings(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.theme();
    let header = Row::new(["#", "bot", "pts", "W-D-L", "score", "elo", "faults"])
        .style(Style::new().fg(t.muted));
    let rows: Vec<Row> = app
        .standings
        .rows
        .iter()
        .map(|r| {
            let faults: u32 = r.faults.values().sum();
            Row::new(vec![
                Line::from(r.rank.to_string()),
                Line::from(app.names[r.bot].clone()),
                Line::from(format!("{}", r.points)),
                Line::from(vec![
                    Span::styled(r.wins.to_string(), Style::new().fg(t.win)),
                    Span::raw("-"),
                    Span::styled(r.draws.to_string(), Style::new().fg(t.draw)),
                    Span::raw("-"),
                    Span::styled(r.losses.to_string(), Style::new().fg(t.loss)),
                ]),
                Line::from(format!("{:.1}%", r.score * 100.0)),
                Line::from(elo_text(r.elo, r.elo_low, r.elo_high)),
                if faults > 0 {
                    Line::styled(faults.to_string(), Style::new().fg(t.fault))
                } else {
                    Line::styled("-", Style::new().fg(t.muted))
                },
            ])
            .style(Style::new().fg(t.text))
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Length(3),
            Constraint::Min(10),
            Constraint::Length(5),
            Constraint::Length(9),
            Constraint::Length(6),
            Constraint::Length(10),
            Constraint::Length(6),
        ],
    )
    .header(header)
    .row_highlight_style(Style::new().bg(t.highlight).add_modifier(Modifier::BOLD))
    .block(block(app, " standings "));
    let mut state = TableState::default().with_selected(Some(app.selected));
    frame.render_stateful_widget(table, area, &mut state);
}

fn draw_running(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.theme();
    let items: Vec<ListItem> = app
        .running()
        .map(|m| {
            ListItem::new(Line::from(vec![
                Span::styled(format!("#{:<4}", m.id + 1), Style::new().fg(t.muted)),
                Span::styled(format!("{:>5} fr  ", m.count), Style::new().fg(t.muted)),
                Span::styled(app.names[m.seats[0]].clone(), Style::new().fg(t.seat1)),
                Span::styled(" vs ", Style::new().fg(t.muted)),
                Span::styled(app.names[m.seats[1]].clone(), Style::new().fg(t.seat2)),
            ]))
        })
        .collect();
    let title = format!(" running ({}) ", items.len());
    frame.render_widget(List::new(items).block(block(app, title)), area);
}

fn draw_feed(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.theme();
    let height = area.height.saturating_sub(2) as usize;
    let items: Vec<ListItem> = app
        .feed
        .iter()
        .rev()
        .take(height)
        .map(|f| ListItem::new(Line::styled(clean(f), Style::new().fg(t.fault))))
        .collect();
    let title = format!(" faults ({}) ", app.feed.len());
    frame.render_widget(List::new(items).block(block(app, title)), area);
}
