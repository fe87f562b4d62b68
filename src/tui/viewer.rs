//! The match viewer: the board drawn by each game's renderer, the moves of the current
//! frame (action, think time, what the bot printed, faults) and a timeline with faults
//! marked. Works the same on a running match, a finished one and a replay file.

use super::app::App;
use super::theme::Theme;
use super::widgets::{block, clean};
use crate::game::connectx::BoardFrame;
use crate::game::ipd::TurnFrame;
use crate::game::rps::RoundFrame;
use crate::game::tron::ArenaFrame;
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
    let frame = BoardFrame::decode(state);
    let mut lines: Vec<Line> = frame
        .rows()
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
        (0..frame.columns)
            .map(|c| format!("{} ", c % 10))
            .collect::<String>(),
        Style::new().fg(t.muted),
    ));
    lines
}

/// Two grid rows per line with half blocks, so a 20×20 arena fits in 10 lines.
fn tron(state: &Value, t: &Theme) -> Vec<Line<'static>> {
    let frame = ArenaFrame::decode(state);
    let heads: Vec<Option<(usize, usize)>> = (0..2).map(|s| frame.head(s)).collect();
    let colour = |x: usize, y: usize| -> Option<Color> {
        if (0..2).any(|s| heads[s] == Some((x, y)) && frame.crashed[s]) {
            return Some(t.fault);
        }
        if heads.contains(&Some((x, y))) {
            return Some(t.title);
        }
        frame.trail(x, y).map(|seat| t.seat(seat))
    };
    let rows = &frame.rows;
    let width = rows.first().map_or(0, String::len);
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
/// One played round of RPS or IPD as the viewer lists it.
struct Round {
    step: u64,
    shown: [String; 2],
    /// Positive when seat 1 won the round, negative when seat 2 did (RPS only).
    winner: f64,
}

/// A frame's round and running totals, read with the game's own frame decoder.
fn round_of(game: GameKind, frame: &MatchFrame) -> (Option<Round>, String) {
    let step = frame.step;
    if game == GameKind::Rps {
        let Some(f) = RoundFrame::decode(&frame.state) else {
            return (None, String::new());
        };
        let totals = format!("rewards {} : {}", f.rewards[0], f.rewards[1]);
        let round = f.actions.map(|[a, b]| Round {
            step,
            shown: [a, b].map(|x| crate::game::rps::sign_name(&Value::from(x))),
            winner: crate::game::rps::get_score(a, b),
        });
        (round, totals)
    } else {
        let Some(f) = TurnFrame::decode(&frame.state) else {
            return (None, String::new());
        };
        let totals = format!("payoffs {} : {}", f.scores[0], f.scores[1]);
        let round = f.actions.map(|shown| Round {
            step,
            shown,
            winner: 0.0,
        });
        (round, totals)
    }
}

/// RPS and IPD: the running totals and the latest rounds, newest at the bottom.
fn history(game: GameKind, frames: &[MatchFrame], t: &Theme, height: usize) -> Vec<Line<'static>> {
    let totals = frames
        .last()
        .map(|f| round_of(game, f).1)
        .unwrap_or_default();
    let mut lines = vec![Line::styled(totals, Style::new().fg(t.title))];
    let rounds: Vec<Round> = frames.iter().filter_map(|f| round_of(game, f).0).collect();
    let room = height.saturating_sub(1).max(1);
    for round in rounds.iter().skip(rounds.len().saturating_sub(room)) {
        let Round {
            step,
            shown,
            winner,
        } = round;
        let winner = *winner;
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
            Span::styled(format!("{:<9}", shown[0]), style(0)),
            Span::styled(format!("{:<9}", shown[1]), style(1)),
        ]));
    }
    lines
}
