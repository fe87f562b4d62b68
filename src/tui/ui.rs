//! Drawing: a read-only view of [`App`]. The header names the screens, the footer holds
//! the keys or the status line; overlays (help, quit confirmation) go on top.

use super::app::{App, RunState, Screen};
use super::widgets::clean;
use super::{bot_detail, crosstable, dashboard, matches, viewer};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

pub fn draw(app: &App, frame: &mut Frame) {
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    draw_header(app, frame, header);
    match app.screen {
        Screen::Dashboard => dashboard::draw(app, frame, body),
        Screen::Crosstable => crosstable::draw(app, frame, body),
        Screen::Matches => matches::draw(app, frame, body),
        Screen::Viewer => viewer::draw(app, frame, body),
        Screen::Bot => bot_detail::draw(app, frame, body),
    }
    draw_footer(app, frame, footer);
    if app.help {
        draw_help(app, frame);
    }
    if app.confirm_quit {
        draw_confirm(app, frame);
    }
}

fn draw_header(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.theme();
    let mut spans = vec![
        Span::styled(
            " cagematch ",
            Style::new().fg(t.title).add_modifier(Modifier::BOLD),
        ),
        Span::styled(
            format!("{} · {} ", clean(&app.title), app.game),
            Style::new().fg(t.text),
        ),
    ];
    if app.state != RunState::Replay {
        for (key, name, screen) in [
            ("1", "dashboard", Screen::Dashboard),
            ("2", "crosstable", Screen::Crosstable),
            ("3", "matches", Screen::Matches),
        ] {
            let on = app.screen == screen;
            let style = if on {
                Style::new().fg(t.title).add_modifier(Modifier::REVERSED)
            } else {
                Style::new().fg(t.muted)
            };
            spans.push(Span::styled(format!(" {key} {name} "), style));
        }
    }
    frame.render_widget(Line::from(spans), area);
}

fn draw_footer(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.theme();
    let line = match &app.said {
        Some(said) => Line::styled(format!(" {}", clean(said)), Style::new().fg(t.title)),
        None => {
            let keys = match app.screen {
                Screen::Dashboard => {
                    "↑↓ select  ⏎ bot  tab screens  e export  t theme  ? help  q quit"
                }
                Screen::Crosstable => {
                    "↑↓ select  ⏎ bot  tab screens  e export  t theme  ? help  q quit"
                }
                Screen::Matches => {
                    "↑↓ select  ⏎ view  f filter  tab screens  t theme  ? help  q quit"
                }
                Screen::Viewer => {
                    "←→ step  home/end  space play  +/- speed  esc back  ? help  q quit"
                }
                Screen::Bot => "esc back  e export  t theme  ? help  q quit",
            };
            let state = match app.state {
                RunState::Running => "running",
                RunState::Finished => "finished",
                RunState::Stopped => "stopped",
                RunState::Replay => "replay",
            };
            Line::from(vec![
                Span::styled(format!(" {state} "), Style::new().fg(t.title)),
                Span::styled(keys, Style::new().fg(t.muted)),
            ])
        }
    };
    frame.render_widget(line, area);
}

/// Every key, in one box.
pub const HELP: &[(&str, &str)] = &[
    (
        "1 / d",
        "dashboard: standings, progress, running matches, faults",
    ),
    ("2 / x", "crosstable: head-to-head points"),
    ("3 / m", "matches: finished and running"),
    ("tab", "next screen"),
    ("↑ ↓  j k", "select a row"),
    ("enter", "open the selected bot or match"),
    ("f", "matches: filter by bot (cycles)"),
    ("← →  h l", "viewer: previous / next frame"),
    (
        "home / end",
        "viewer: first / last frame (end follows a live match)",
    ),
    ("space", "viewer: play / pause"),
    ("+ / -", "viewer: faster / slower"),
    ("esc", "back"),
    ("e", "export the standings as YAML"),
    ("t", "next colour theme"),
    ("?", "this help (any key closes it)"),
    ("q / ctrl-c", "quit (asks while a run is in progress)"),
];

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

fn draw_help(app: &App, frame: &mut Frame) {
    let t = app.theme();
    let area = centered(frame.area(), 76, HELP.len() as u16 + 2);
    let lines: Vec<Line> = HELP
        .iter()
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(format!("{k:>11}  "), Style::new().fg(t.title)),
                Span::styled(*what, Style::new().fg(t.text)),
            ])
        })
        .collect();
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(" keys ")
                .border_style(Style::new().fg(t.border)),
        ),
        area,
    );
}

fn draw_confirm(app: &App, frame: &mut Frame) {
    let t = app.theme();
    let area = centered(frame.area(), 56, 5);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(vec![
            Line::styled("A run is in progress. Quit now?", Style::new().fg(t.text)),
            Line::styled(
                "Running matches are abandoned; resume later with --resume.",
                Style::new().fg(t.muted),
            ),
            Line::styled(
                "y / q: quit     any other key: stay",
                Style::new().fg(t.title),
            ),
        ])
        .wrap(Wrap { trim: true })
        .block(Block::bordered().border_style(Style::new().fg(t.fault))),
        area,
    );
}
