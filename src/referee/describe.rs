//! A match's frames and moves in words, as every viewer names them (the terminal viewer
//! and the HTML replay page): each frame numbered once, actions as the game names them,
//! IPD's noise flips. Text from bots is made safe for a terminal here; a page escapes it
//! again for HTML.

use super::Frame;
use crate::cage::sanitize;
use crate::game::ipd::TurnFrame;
use crate::game::rps::RoundFrame;
use crate::game::GameKind;
use serde_json::Value;

fn clean(text: &str) -> String {
    sanitize(text.as_bytes()).replace('\t', " ")
}

/// True for frame `i` when it is the frame a fault adds after the game's last step: it
/// repeats that step's number, and is shown as the fault, not as a second step.
pub fn fault_frame(frames: &[Frame], i: usize) -> bool {
    i > 0 && frames.get(i).map(|f| f.step) == frames.get(i - 1).map(|f| f.step)
}

/// Frame `i`'s step as viewers number it everywhere: the game's step, and `" (fault)"`
/// after it on a fault's frame.
pub fn step_text(frames: &[Frame], i: usize) -> String {
    let step = frames.get(i).map_or(0, |f| f.step);
    if fault_frame(frames, i) {
        format!("{step} (fault)")
    } else {
        step.to_string()
    }
}

/// An action as the game names it: RPS signs by name, everything else as JSON.
pub fn action_text(game: GameKind, action: &Value) -> String {
    let json = clean(&action.to_string());
    match game {
        GameKind::Rps if action.as_u64().is_some_and(|a| a < 5) => {
            format!("{} ({json})", crate::game::rps::sign_name(action))
        }
        _ => json,
    }
}

/// An action in a moves list: RPS signs by name, strings without quotes.
pub fn short_action(game: GameKind, action: &Value) -> String {
    match (game, action) {
        (GameKind::Rps, a) if a.as_u64().is_some_and(|a| a < 5) => crate::game::rps::sign_name(a),
        (_, Value::String(s)) => clean(s),
        // An environment's one-field action (OpenSpiel's `{"submission": 4}`): its value.
        (GameKind::Env(_), Value::Object(fields)) if fields.len() == 1 => {
            let value = fields.values().next().unwrap_or(&Value::Null);
            match value {
                Value::Object(_) | Value::Array(_) => clean(&action.to_string()),
                other => short_action(game, other),
            }
        }
        _ => clean(&action.to_string()),
    }
}

/// What seat `seat` actually played on an IPD frame where noise flipped its action (the
/// moves hold what the bot chose; the board and payoffs show what was played).
pub fn noise_played(game: GameKind, f: &Frame, seat: usize) -> Option<String> {
    if game != GameKind::Ipd {
        return None;
    }
    let turn = crate::game::ipd::TurnFrame::decode(&f.state)?;
    let played = turn.actions?.get(seat)?.clone();
    turn.flipped
        .get(seat)
        .copied()
        .unwrap_or(false)
        .then(|| clean(&played))
}

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
