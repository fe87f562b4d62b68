//! Drawing: a read-only view of [`App`]. The header names the screens (tabs the mouse
//! can click), the footer holds the keys, a prompt or the status line; overlays (help,
//! quit confirmation) go on top. The theme's background is painted under everything.

use super::app::{App, Prompt, RunState};
use super::keymap;
use super::screens::{bot, crosstable, dashboard, matches, viewer, wall, Screen, TABS};
use super::widgets::clean;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

pub use super::widgets::{body, regions};

pub fn draw(app: &App, frame: &mut Frame) {
    let run = &app.run;
    let t = run.theme();
    frame.render_widget(
        Block::new().style(Style::new().bg(t.background).fg(t.text)),
        frame.area(),
    );
    let [header, body, footer] = regions(frame.area());
    draw_header(app, frame, header);
    match app.screen {
        Screen::Dashboard => dashboard::draw(run, &app.dashboard, frame, body),
        Screen::Crosstable => crosstable::draw(run, &app.crosstable, frame, body),
        Screen::Matches => matches::draw(run, &app.match_list, frame, body),
        Screen::Wall => wall::draw(run, &app.wall, frame, body),
        Screen::Viewer => viewer::draw(run, app.viewer.as_ref(), app.tv, frame, body),
        Screen::Bot => bot::draw(run, &app.bot_page, frame, body),
    }
    draw_footer(app, frame, footer);
    if let Some(scroll) = app.help {
        draw_help(app, frame, scroll);
    }
    if app.confirm_quit {
        draw_confirm(app, frame);
    }
}

/// The tournament's title and game, cut to leave the tabs room.
fn title(app: &App) -> String {
    let tabs: usize = TABS
        .iter()
        .enumerate()
        .map(|(i, (_, name))| format!(" {} {name} ", i + 1).chars().count())
        .sum();
    let room = (app.run.area.width as usize).saturating_sub(tabs + " cagematch ".len() + 1);
    let text = format!("{} · {}", clean(&app.run.title), app.run.game);
    format!("{} ", super::widgets::fit(&text, room.max(8)))
}

/// Each tab's columns on the header line, for drawing and for clicks.
pub fn tabs(app: &App) -> Vec<(u16, u16, Screen)> {
    if app.run.state == RunState::Replay {
        return Vec::new();
    }
    let mut x = (" cagematch ".len() + title(app).chars().count()) as u16;
    TABS.iter()
        .enumerate()
        .map(|(i, (screen, name))| {
            let w = format!(" {} {name} ", i + 1).chars().count() as u16;
            let tab = (x, x + w, *screen);
            x += w;
            tab
        })
        .collect()
}

fn draw_header(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.run.theme();
    let mut spans = vec![
        Span::styled(
            " cagematch ",
            Style::new().fg(t.title).add_modifier(Modifier::BOLD),
        ),
        Span::styled(title(app), Style::new().fg(t.text)),
    ];
    for (i, (_, _, screen)) in tabs(app).into_iter().enumerate() {
        let on = app.screen == screen;
        let style = if on {
            Style::new().fg(t.title).add_modifier(Modifier::REVERSED)
        } else {
            Style::new().fg(t.muted)
        };
        spans.push(Span::styled(format!(" {} {} ", i + 1, TABS[i].1), style));
    }
    frame.render_widget(Line::from(spans), area);
}

fn draw_footer(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.run.theme();
    let line = if let Some(prompt) = &app.prompt {
        let (label, text, keys) = match prompt {
            // The standings and the matches filter as you type.
            Prompt::Search(s) if app.screen == Screen::Dashboard => {
                ("filter bots: ", s, "  enter: keep  esc: clear")
            }
            Prompt::Search(s) if app.screen == Screen::Matches => {
                ("filter matches: ", s, "  enter: keep  esc: clear")
            }
            Prompt::Search(s) if app.screen == Screen::Bot => (
                "filter its matches by opponent or #number: ",
                s,
                "  enter: keep  esc: clear",
            ),
            Prompt::Search(s) => ("search bots and matches: ", s, "  enter: go  esc: cancel"),
            Prompt::Goto(s) => ("go to step: ", s, "  enter: go  esc: cancel"),
        };
        Line::from(vec![
            Span::styled(format!(" {label}"), Style::new().fg(t.title)),
            Span::styled(format!("{}▏", clean(text)), Style::new().fg(t.text)),
            Span::styled(keys, Style::new().fg(t.muted)),
        ])
    } else if let Some(said) = &app.said {
        Line::styled(format!(" {}", clean(said)), Style::new().fg(t.title))
    } else {
        let state = match app.run.state {
            RunState::Running => "running",
            RunState::Finished => "finished",
            RunState::Stopped => "stopped",
            RunState::Replay => "replay",
        };
        let room = (area.width as usize).saturating_sub(state.len() + 2);
        let keys = keymap::footer(app.screen, app.run.state == RunState::Replay, room);
        Line::from(vec![
            Span::styled(format!(" {state} "), Style::new().fg(t.title)),
            Span::styled(keys, Style::new().fg(t.muted)),
        ])
    };
    frame.render_widget(line, area);
}

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

/// Where the help overlay goes: as tall as its lines, at most the terminal.
fn help_area(area: Rect) -> Rect {
    centered(area, 80, keymap::HELP_LINES as u16 + 2)
}

/// How many lines of help do not fit (how far it can scroll).
pub fn help_overflow(area: Rect) -> u16 {
    let shown = help_area(area).height.saturating_sub(2);
    (keymap::HELP_LINES as u16).saturating_sub(shown)
}

/// Every key, from the key table, scrolled to `scroll`; the border says when there
/// is more above or below.
fn draw_help(app: &App, frame: &mut Frame, scroll: u16) {
    let t = app.run.theme();
    let area = help_area(frame.area());
    let more = help_overflow(frame.area());
    let scroll = scroll.min(more);
    let lines: Vec<Line> = keymap::help_for(app.screen)
        .into_iter()
        .skip(scroll as usize)
        .map(|line| match line {
            Ok((k, what)) => Line::from(vec![
                Span::styled(format!("{k:>11}  "), Style::new().fg(t.title)),
                Span::styled(what, Style::new().fg(t.text)),
            ]),
            Err(heading) => Line::styled(
                format!(" {heading}"),
                Style::new().fg(t.muted).add_modifier(Modifier::BOLD),
            ),
        })
        .collect();
    let title = if more > 0 {
        " keys (↑↓ scroll · any other key closes) "
    } else {
        " keys (any key closes) "
    };
    let mut block = Block::bordered()
        .title(title)
        .border_style(Style::new().fg(t.border));
    if scroll < more {
        block = block.title_bottom(Line::from(" ↓ more ").right_aligned());
    }
    if scroll > 0 {
        block = block.title_bottom(Line::from(" ↑ more ").left_aligned());
    }
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .style(Style::new().bg(t.background))
            .block(block),
        area,
    );
}

/// The quit question: sized to its text, so the confirming key is always visible.
pub const CONFIRM: [&str; 3] = [
    "A run is in progress. Quit now?",
    "Running matches are abandoned; finish later with --resume.",
    "y or q: quit     any other key: stay",
];

fn draw_confirm(app: &App, frame: &mut Frame) {
    let t = app.run.theme();
    let width = CONFIRM
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(40) as u16
        + 4;
    let area = centered(frame.area(), width, CONFIRM.len() as u16 + 2);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(vec![
            Line::styled(CONFIRM[0], Style::new().fg(t.text)),
            Line::styled(CONFIRM[1], Style::new().fg(t.muted)),
            Line::styled(
                CONFIRM[2],
                Style::new().fg(t.title).add_modifier(Modifier::BOLD),
            ),
        ])
        .style(Style::new().bg(t.background))
        .wrap(Wrap { trim: true })
        .block(Block::bordered().border_style(Style::new().fg(t.fault))),
        area,
    );
}
