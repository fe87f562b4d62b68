//! RPS and IPD: a wide history grid, one column per round and bands of rounds down the
//! space (numbered every ten), the round's winner in bold, IPD's noise flips marked `~`,
//! the current round highlighted; and the running scores for the viewer's chart.

use super::canvas::Canvas;
use crate::game::GameKind;
use crate::referee::describe::{round, scores, Round};
use crate::referee::Frame;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use serde_json::Value;

/// Columns left of the grid for the row labels.
const LABEL: usize = 6;

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
