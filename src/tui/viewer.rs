//! The match viewer: the board drawn by each game's renderer, the moves of the current
//! frame (action, think time, what the bot printed, faults) and a timeline with faults
//! marked. Works the same on a running match, a finished one and a replay file.

use super::app::App;
use super::theme::Theme;
use super::widgets::{block, clean};
use crate::game::GameKind;
use crate::referee::Frame as MatchFrame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;
use serde_json::Value;

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.theme();
    let (Some(v), Some(m)) = (
        app.viewer.as_ref(),
        app.viewer.as_ref().and_then(|v| app.matches.get(&v.id)),
    ) else {
        frame.render_widget(
            Paragraph::new("no match selected").block(block(app, " viewer ")),
            area,
        );
        return;
    };
    let frames = m.frames();
    let len = frames.len();
    let at = v.frame.min(len.saturating_sub(1));
    let [title, middle, timeline] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(5),
        Constraint::Length(1),
    ])
    .areas(area);

    let mode = if v.playing {
        format!("▶ playing {} frames/s", v.speed)
    } else if v.follow && m.running() {
        "● following live".to_string()
    } else {
        format!("❚❚ paused ({} frames/s)", v.speed)
    };
    let result = match &m.entry {
        Some(e) => clean(&e.reason),
        None => match m.record.as_ref() {
            Some(r) => clean(&r.result.reason),
            None => "running".into(),
        },
    };
    frame.render_widget(
        Line::from(vec![
            Span::styled(format!(" #{} ", m.id + 1), Style::new().fg(t.muted)),
            Span::styled(
                app.names[m.seats[0]].clone(),
                Style::new().fg(t.seat1).add_modifier(Modifier::BOLD),
            ),
            Span::styled(" vs ", Style::new().fg(t.muted)),
            Span::styled(
                app.names[m.seats[1]].clone(),
                Style::new().fg(t.seat2).add_modifier(Modifier::BOLD),
            ),
            Span::styled(
                format!("  frame {}/{}  ", at, len.saturating_sub(1)),
                Style::new().fg(t.text),
            ),
            Span::styled(mode, Style::new().fg(t.title)),
            Span::styled(format!("  {result}"), Style::new().fg(t.muted)),
        ]),
        title,
    );

    let board = board_lines(
        app.game,
        frames,
        at,
        t,
        middle.height.saturating_sub(2) as usize,
    );
    let board_width = board.iter().map(Line::width).max().unwrap_or(10) as u16 + 2;
    let [left, right] = Layout::horizontal([
        Constraint::Length(board_width.clamp(12, middle.width / 2)),
        Constraint::Min(20),
    ])
    .areas(middle);
    frame.render_widget(Paragraph::new(board).block(block(app, " board ")), left);
    let moves = frames
        .get(at)
        .map(|f| move_lines(app, m.seats, f))
        .unwrap_or_default();
    frame.render_widget(
        Paragraph::new(moves)
            .wrap(Wrap { trim: false })
            .block(block(
                app,
                format!(" step {} ", frames.get(at).map_or(0, |f| f.step)),
            )),
        right,
    );
    frame.render_widget(
        timeline_line(frames, at, timeline.width as usize, t),
        timeline,
    );
}

/// Each seat's move that led to this frame: action, time, printed lines, fault.
fn move_lines(app: &App, seats: [usize; 2], f: &MatchFrame) -> Vec<Line<'static>> {
    let t = app.theme();
    let mut lines = Vec::new();
    if f.moves.is_empty() {
        lines.push(Line::styled(
            "the start: no move yet",
            Style::new().fg(t.muted),
        ));
    }
    for mv in &f.moves {
        let seat = mv.seat.min(1);
        let mut head = vec![
            Span::styled(
                app.names[seats[seat]].clone(),
                Style::new().fg(t.seat(seat)).add_modifier(Modifier::BOLD),
            ),
            Span::styled(
                format!(" → {}", action_text(app.game, &mv.action)),
                Style::new().fg(t.text),
            ),
        ];
        if let Some(tm) = mv.timing {
            head.push(Span::styled(
                format!(
                    "  think {:.1} ms · overhead {:.2} ms · bank {:.1} s",
                    tm.think_ms, tm.overhead_ms, tm.bank_s
                ),
                Style::new().fg(t.muted),
            ));
        }
        lines.push(Line::from(head));
        if let Some(fault) = &mv.fault {
            lines.push(Line::styled(
                format!("  FAULT {}: {}", fault.kind, clean(&fault.detail)),
                Style::new().fg(t.fault),
            ));
        }
        for log in mv.logs.iter().take(8) {
            lines.push(Line::styled(
                format!("  │ {}", clean(log)),
                Style::new().fg(t.muted),
            ));
        }
        if mv.logs.len() > 8 {
            lines.push(Line::styled(
                format!("  │ … {} more lines", mv.logs.len() - 8),
                Style::new().fg(t.muted),
            ));
        }
    }
    lines
}

/// An action as the game names it: RPS signs by name, everything else as JSON.
fn action_text(game: GameKind, action: &Value) -> String {
    let json = clean(&action.to_string());
    match game {
        GameKind::Rps if action.as_u64().is_some_and(|a| a < 5) => {
            format!("{} ({json})", crate::game::rps::sign_name(action))
        }
        _ => json,
    }
}

/// `───●───✖──`: one cell per stretch of frames, faults marked, the current frame as ●.
fn timeline_line(frames: &[MatchFrame], at: usize, width: usize, t: &Theme) -> Line<'static> {
    let width = width.max(1);
    let len = frames.len().max(1);
    // The first frame on the first cell, the last on the last.
    let cell_of = |i: usize| i * (width - 1) / (len - 1).max(1);
    let mut cells: Vec<(char, Color)> = vec![('─', t.border); width];
    for (i, f) in frames.iter().enumerate() {
        if f.moves.iter().any(|m| m.fault.is_some()) {
            cells[cell_of(i).min(width - 1)] = ('✖', t.fault);
        }
    }
    cells[cell_of(at).min(width - 1)] = ('●', t.title);
    Line::from(
        cells
            .into_iter()
            .map(|(c, col)| Span::styled(c.to_string(), Style::new().fg(col)))
            .collect::<Vec<_>>(),
    )
}

/// The board at frame `at`, drawn by the game's renderer, in at most `height` lines.
pub fn board_lines(
    game: GameKind,
    frames: &[MatchFrame],
    at: usize,
    t: &Theme,
    height: usize,
) -> Vec<Line<'static>> {
    let Some(f) = frames.get(at) else {
        return vec![];
    };
    match game {
        GameKind::Connectx => connectx(&f.state, t),
        GameKind::Tron => tron(&f.state, t),
        GameKind::Rps | GameKind::Ipd => history(game, &frames[..=at], t, height),
    }
}

fn connectx(state: &Value, t: &Theme) -> Vec<Line<'static>> {
    let columns = state["columns"].as_u64().unwrap_or(7).max(1) as usize;
    let cells: Vec<u64> = state["board"]
        .as_array()
        .map(|b| b.iter().map(|c| c.as_u64().unwrap_or(0)).collect())
        .unwrap_or_default();
    let mut lines: Vec<Line> = cells
        .chunks(columns)
        .map(|row| {
            Line::from(
                row.iter()
                    .map(|c| match c {
                        1 => Span::styled("● ", Style::new().fg(t.seat1)),
                        2 => Span::styled("● ", Style::new().fg(t.seat2)),
                        _ => Span::styled("· ", Style::new().fg(t.muted)),
                    })
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    lines.push(Line::styled(
        (0..columns)
            .map(|c| format!("{} ", c % 10))
            .collect::<String>(),
        Style::new().fg(t.muted),
    ));
    lines
}

/// Two grid rows per line with half blocks, so a 20×20 arena fits in 10 lines.
fn tron(state: &Value, t: &Theme) -> Vec<Line<'static>> {
    let rows: Vec<Vec<char>> = state["rows"]
        .as_array()
        .map(|r| {
            r.iter()
                .map(|s| s.as_str().unwrap_or("").chars().collect())
                .collect()
        })
        .unwrap_or_default();
    let heads: Vec<(usize, usize)> = (0..2)
        .filter_map(|s| {
            let h = &state["heads"][s];
            Some((h[0].as_u64()? as usize, h[1].as_u64()? as usize))
        })
        .collect();
    let colour = |x: usize, y: usize| -> Option<Color> {
        if heads
            .iter()
            .enumerate()
            .any(|(s, &h)| h == (x, y) && state["crashed"][s].as_bool() == Some(true))
        {
            return Some(t.fault);
        }
        if heads.contains(&(x, y)) {
            return Some(t.title);
        }
        match rows.get(y)?.get(x)? {
            '1' => Some(t.seat1),
            '2' => Some(t.seat2),
            _ => None,
        }
    };
    let width = rows.first().map_or(0, Vec::len);
    (0..rows.len())
        .step_by(2)
        .map(|y| {
            Line::from(
                (0..width)
                    .map(|x| match (colour(x, y), colour(x, y + 1)) {
                        (None, None) => Span::styled("·", Style::new().fg(t.border)),
                        (Some(top), None) => Span::styled("▀", Style::new().fg(top)),
                        (None, Some(bottom)) => Span::styled("▄", Style::new().fg(bottom)),
                        (Some(top), Some(bottom)) => {
                            Span::styled("▀", Style::new().fg(top).bg(bottom))
                        }
                    })
                    .collect::<Vec<_>>(),
            )
        })
        .collect()
}

/// RPS and IPD: the running totals and the latest rounds, newest at the bottom.
fn history(game: GameKind, frames: &[MatchFrame], t: &Theme, height: usize) -> Vec<Line<'static>> {
    let last = frames.last().map(|f| &f.state);
    let totals = match (game, last) {
        (GameKind::Rps, Some(s)) => format!("rewards {} : {}", s["rewards"][0], s["rewards"][1]),
        (_, Some(s)) => format!("payoffs {} : {}", s["scores"][0], s["scores"][1]),
        _ => String::new(),
    };
    let mut lines = vec![Line::styled(totals, Style::new().fg(t.title))];
    let rounds: Vec<(u64, Value)> = frames
        .iter()
        .filter(|f| !f.state["actions"].is_null())
        .map(|f| (f.step, f.state["actions"].clone()))
        .collect();
    let room = height.saturating_sub(1).max(1);
    for (step, actions) in rounds.iter().skip(rounds.len().saturating_sub(room)) {
        let shown = |i: usize| match game {
            GameKind::Rps => crate::game::rps::sign_name(&actions[i]),
            _ => actions[i].as_str().unwrap_or("?").to_string(),
        };
        let winner = match game {
            GameKind::Rps => {
                let (a, b) = (
                    actions[0].as_i64().unwrap_or(0),
                    actions[1].as_i64().unwrap_or(0),
                );
                crate::game::rps::get_score(a, b)
            }
            _ => 0.0,
        };
        let style = |seat: usize| {
            let won = (seat == 0 && winner > 0.0) || (seat == 1 && winner < 0.0);
            let s = Style::new().fg(t.seat(seat));
            if won {
                s.add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
            } else {
                s
            }
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{step:>4} "), Style::new().fg(t.muted)),
            Span::styled(format!("{:<9}", shown(0)), style(0)),
            Span::styled(format!("{:<9}", shown(1)), style(1)),
        ]));
    }
    lines
}
