//! Drawing: a read-only view of [`App`]. The header names the screens (tabs the mouse
//! can click), the footer holds the keys, a prompt or the status line; overlays (help,
//! quit confirmation) go on top. The theme's background is painted under everything.

use super::app::{App, Prompt, RunState, Screen, TABS};
use super::widgets::clean;
use super::{bot_detail, crosstable, dashboard, matches, viewer, wall};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

pub use super::widgets::{body, regions};

pub fn draw(app: &App, frame: &mut Frame) {
    let t = app.theme();
    frame.render_widget(
        Block::new().style(Style::new().bg(t.background).fg(t.text)),
        frame.area(),
    );
    let [header, body, footer] = regions(frame.area());
    draw_header(app, frame, header);
    match app.screen {
        Screen::Dashboard => dashboard::draw(app, frame, body),
        Screen::Crosstable => crosstable::draw(app, frame, body),
        Screen::Matches => matches::draw(app, frame, body),
        Screen::Wall => wall::draw(app, frame, body),
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

/// The tournament's title and game, cut to leave the tabs room.
fn title(app: &App) -> String {
    let tabs: usize = TABS
        .iter()
        .enumerate()
        .map(|(i, (_, name))| format!(" {} {name} ", i + 1).chars().count())
        .sum();
    let room = (app.area.width as usize).saturating_sub(tabs + " cagematch ".len() + 1);
    let text = format!("{} · {}", clean(&app.title), app.game);
    format!("{} ", super::widgets::fit(&text, room.max(8)))
}

/// Each tab's columns on the header line, for drawing and for clicks.
pub fn tabs(app: &App) -> Vec<(u16, u16, Screen)> {
    if app.state == RunState::Replay {
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
    let t = app.theme();
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

fn keys(app: &App) -> &'static str {
    if app.area.width < 110 {
        return short_keys(app);
    }
    match app.screen {
        Screen::Dashboard => "↑↓ select  ←→ standings/faults  ⏎ open  s sort  / search  v TV  e export  ? help  q quit",
        Screen::Crosstable => "↑↓←→ cell  ⏎ the pair's matches  / search  tab screens  ? help  q quit",
        Screen::Matches => "↑↓ select  ⏎ view  f by bot  / search  esc all  tab screens  ? help  q quit",
        Screen::Wall => "arrows select  ⏎ watch  v TV mode  tab screens  ? help  q quit",
        Screen::Viewer if app.state == RunState::Replay => {
            "←→ step  pgup/pgdn ±10  [ ] faults  g go to  space play  +/- speed  esc/q quit"
        }
        Screen::Viewer => {
            "←→ step  pgup/pgdn ±10  [ ] faults  g go to  space play  +/- speed  esc back  ? help"
        }
        Screen::Bot => "↑↓ scroll  m its matches  esc back  e export  ? help  q quit",
    }
}

/// The footer's keys on a narrow terminal (`?` lists them all).
fn short_keys(app: &App) -> &'static str {
    match app.screen {
        Screen::Dashboard => "↑↓ ←→ ⏎ open  s sort  / search  v TV  ? help  q quit",
        Screen::Crosstable => "↑↓←→ cell  ⏎ pair's matches  / search  ? help  q quit",
        Screen::Matches => "↑↓ ⏎ view  f by bot  / search  esc all  ? help  q quit",
        Screen::Wall => "arrows ⏎ watch  v TV  ? help  q quit",
        Screen::Viewer if app.state == RunState::Replay => {
            "←→ pgup/pgdn [ ] g space +/-  esc/q quit"
        }
        Screen::Viewer => "←→ pgup/pgdn [ ] faults g go space play  esc back  ? help",
        Screen::Bot => "↑↓ scroll  m matches  esc back  ? help  q quit",
    }
}

fn draw_footer(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.theme();
    let line = if let Some(prompt) = &app.prompt {
        let (label, text) = match prompt {
            Prompt::Search(s) => ("search bots and matches: ", s),
            Prompt::Goto(s) => ("go to step: ", s),
        };
        Line::from(vec![
            Span::styled(format!(" {label}"), Style::new().fg(t.title)),
            Span::styled(format!("{}▏", clean(text)), Style::new().fg(t.text)),
            Span::styled("  enter: go  esc: cancel", Style::new().fg(t.muted)),
        ])
    } else if let Some(said) = &app.said {
        Line::styled(format!(" {}", clean(said)), Style::new().fg(t.title))
    } else {
        let state = match app.state {
            RunState::Running => "running",
            RunState::Finished => "finished",
            RunState::Stopped => "stopped",
            RunState::Replay => "replay",
        };
        Line::from(vec![
            Span::styled(format!(" {state} "), Style::new().fg(t.title)),
            Span::styled(keys(app), Style::new().fg(t.muted)),
        ])
    };
    frame.render_widget(line, area);
}

/// Every key, in one box.
pub const HELP: &[(&str, &str)] = &[
    (
        "1 / d",
        "dashboard: standings, charts, running matches, faults",
    ),
    (
        "2 / x",
        "crosstable: head-to-head points (enter: the pair's matches)",
    ),
    ("3 / m", "matches: finished and running"),
    ("4 / w", "live wall: running matches as mini-boards"),
    ("tab", "next screen"),
    ("v", "TV mode: the viewer follows live matches by itself"),
    ("/", "search bots and matches (by name or #number)"),
    ("↑ ↓  j k", "select a row (pgup/pgdn: ten)"),
    ("← →", "dashboard: standings / faults; crosstable: column"),
    ("enter", "open the selected bot, match, cell or fault"),
    ("s", "dashboard: sort the standings (or click a header)"),
    ("f", "matches: filter by bot (cycles)"),
    ("← →  h l", "viewer: previous / next frame"),
    ("pgup pgdn  < >", "viewer: back / forward 10 or 100 frames"),
    ("[ ]", "viewer: previous / next fault or marked event"),
    ("g", "viewer: go to a step number"),
    (
        "home / end",
        "viewer: first / last frame (end follows a live match)",
    ),
    ("space  + -", "viewer: play / pause, faster / slower"),
    (
        "mouse",
        "click tabs, rows, cells, the timeline; wheel scrolls",
    ),
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
    let area = centered(frame.area(), 78, HELP.len() as u16 + 2);
    let lines: Vec<Line> = HELP
        .iter()
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(format!("{k:>14}  "), Style::new().fg(t.title)),
                Span::styled(*what, Style::new().fg(t.text)),
            ])
        })
        .collect();
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .style(Style::new().bg(t.background))
            .block(
                Block::bordered()
                    .title(" keys (any key closes) ")
                    .border_style(Style::new().fg(t.border)),
            ),
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
    let t = app.theme();
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
