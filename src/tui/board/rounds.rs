//! RPS and IPD: a wide history grid, one column per round and bands of rounds down the
//! space (numbered every ten), the round's winner in bold, IPD's noise flips marked `~`,
//! the current round highlighted; and the running scores for the viewer's chart.

use super::canvas::Canvas;
use crate::game::ipd::TurnFrame;
use crate::game::rps::RoundFrame;
use crate::game::GameKind;
use crate::referee::Frame;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use serde_json::Value;

/// Columns left of the grid for the row labels.
const LABEL: usize = 6;

/// One played round as the grid shows it.
#[derive(Debug, Clone)]
pub struct Round {
    pub step: u64,
    /// One letter per seat: R P S K L, or C D.
    pub shown: [char; 2],
    /// 1 when seat 1 won the round, -1 when seat 2 did, 0 otherwise (RPS only).
    pub winner: i8,
    pub flipped: [bool; 2],
}

fn letter(sign: i64) -> char {
    match usize::try_from(sign)
        .ok()
        .and_then(|s| crate::game::rps::SIGN_NAMES.get(s))
    {
        Some(&"spock") => 'K',
        Some(name) => name.chars().next().map_or('?', |c| c.to_ascii_uppercase()),
        None => '?',
    }
}

fn ipd_letter(action: &str) -> char {
    match action {
        "C" => 'C',
        "D" => 'D',
        _ => '?',
    }
}

/// The round a frame records, if it records one.
pub fn round(game: GameKind, frame: &Frame) -> Option<Round> {
    let step = frame.step;
    if game == GameKind::Rps {
        let [a, b] = RoundFrame::decode(&frame.state)?.actions?;
        let score = crate::game::rps::get_score(a, b);
        Some(Round {
            step,
            shown: [letter(a), letter(b)],
            winner: if score > 0.0 {
                1
            } else if score < 0.0 {
                -1
            } else {
                0
            },
            flipped: [false; 2],
        })
    } else {
        let f = TurnFrame::decode(&frame.state)?;
        let [a, b] = f.actions?;
        Some(Round {
            step,
            shown: [ipd_letter(&a), ipd_letter(&b)],
            winner: 0,
            flipped: f.flipped,
        })
    }
}

pub fn flipped(frame: &Frame) -> bool {
    TurnFrame::decode(&frame.state).is_some_and(|f| f.flipped.iter().any(|&x| x))
}

/// Each seat's running score at a frame (RPS rewards, IPD payoffs).
pub fn scores(game: GameKind, frame: &Frame) -> Option<[f64; 2]> {
    let number = |n: &serde_json::Number| n.as_f64().unwrap_or(0.0);
    if game == GameKind::Rps {
        RoundFrame::decode(&frame.state).map(|f| f.rewards.each_ref().map(number))
    } else {
        TurnFrame::decode(&frame.state).map(|f| f.scores.each_ref().map(number))
    }
}

pub fn draw(game: GameKind, frames: &[Frame], canvas: &Canvas) -> Vec<Line<'static>> {
    let t = canvas.theme;
    let Some(last) = frames.last() else {
        return vec![];
    };
    let mut lines = Vec::new();
    let word = if game == GameKind::Rps {
        "rewards"
    } else {
        "payoffs"
    };
    if let Some([a, b]) = scores(game, last) {
        lines.push(Line::from(vec![
            Span::styled(format!("{word} "), Style::new().fg(t.muted)),
            Span::styled(Value::from(a).to_string(), Style::new().fg(t.seat1)),
            Span::styled(" : ", Style::new().fg(t.muted)),
            Span::styled(Value::from(b).to_string(), Style::new().fg(t.seat2)),
        ]));
    }
    let rounds: Vec<Round> = frames.iter().filter_map(|f| round(game, f)).collect();
    let per_band = canvas.width.saturating_sub(LABEL).max(1);
    // A band: numbers, seat 1, seat 2, marks (flips, or the round's winner).
    let band_lines = 4;
    let room = canvas.height.saturating_sub(lines.len()) / band_lines;
    let bands = rounds.len().div_ceil(per_band);
    let first_band = bands.saturating_sub(room.max(1));
    for band in first_band..bands {
        let chunk = &rounds[band * per_band..((band + 1) * per_band).min(rounds.len())];
        lines.extend(band_of(game, chunk, t, band * per_band, band + 1 == bands));
    }
    lines
}

/// Four lines for one stretch of rounds; the newest round (the current one) reversed.
fn band_of(
    game: GameKind,
    chunk: &[Round],
    t: &crate::tui::theme::Theme,
    first: usize,
    newest: bool,
) -> Vec<Line<'static>> {
    let mut numbers = format!("{:<LABEL$}", "round");
    for i in 0..chunk.len() {
        let n = first + i + 1;
        if n % 10 == 0 || i == 0 {
            let label = n.to_string();
            // Numbers are written at their round's column when there is room.
            if numbers.chars().count() <= LABEL + i {
                numbers.truncate(LABEL + i);
                while numbers.chars().count() < LABEL + i {
                    numbers.push(' ');
                }
                numbers.push_str(&label);
            }
        }
    }
    let mut seat_lines: [Vec<Span>; 2] = [
        vec![Span::styled(
            format!("{:<LABEL$}", "seat1"),
            Style::new().fg(t.seat1),
        )],
        vec![Span::styled(
            format!("{:<LABEL$}", "seat2"),
            Style::new().fg(t.seat2),
        )],
    ];
    let mut marks = vec![Span::raw(" ".repeat(LABEL))];
    for (i, r) in chunk.iter().enumerate() {
        let current = newest && i + 1 == chunk.len();
        for (seat, line) in seat_lines.iter_mut().enumerate() {
            let won = (seat == 0 && r.winner > 0) || (seat == 1 && r.winner < 0);
            let mut style = if game == GameKind::Rps && r.winner != 0 && !won {
                Style::new().fg(t.muted)
            } else {
                Style::new().fg(t.seat(seat))
            };
            if won || (game == GameKind::Ipd && r.shown[seat] == 'D') {
                style = style.add_modifier(Modifier::BOLD);
            }
            if r.flipped[seat] {
                style = style.add_modifier(Modifier::UNDERLINED);
            }
            if current {
                style = style.add_modifier(Modifier::REVERSED);
            }
            line.push(Span::styled(r.shown[seat].to_string(), style));
        }
        let mark = match (game, r.winner) {
            (GameKind::Ipd, _) if r.flipped.iter().any(|&f| f) => ("~", t.title),
            (GameKind::Rps, 1) => ("▲", t.seat1),
            (GameKind::Rps, -1) => ("▼", t.seat2),
            _ => (" ", t.muted),
        };
        marks.push(Span::styled(mark.0, Style::new().fg(mark.1)));
    }
    let [one, two] = seat_lines;
    vec![
        Line::styled(numbers, Style::new().fg(t.muted)),
        Line::from(one),
        Line::from(two),
        Line::from(marks),
    ]
}
