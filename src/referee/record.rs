//! What a match leaves behind: every frame with each seat's action, logs, fault and
//! timing, and the result. This is what replays store and screens draw.

use crate::cage::{FaultKind, Layers, Supervision};
use crate::game::{GameKind, Outcome, TimeControl};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One seat's bot as it played.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeatRecord {
    pub name: String,
    /// The bot's file as given to the runner.
    pub file: String,
    /// SHA-256 of the file's bytes.
    pub sha256: String,
    /// The function the cage picked as the agent, once loaded.
    pub agent: Option<String>,
    /// The sandbox layers the bot process got.
    pub layers: Option<Layers>,
    /// What the host applied from outside (absent in replays from before it was kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supervision: Option<Supervision>,
    /// What the bot printed while loading.
    pub logs: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timing: Option<Timing>,
}

/// Time spent on a move (or on loading). Timings vary from run to run, so replays keep
/// them only when asked.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timing {
    /// The bot's CPU time: what the time control charges.
    pub think_ms: f64,
    /// Wall-clock time of the exchange minus the bot's CPU time: pipes, scheduling,
    /// (de)serialising — the runner's share.
    pub overhead_ms: f64,
    /// The seat's overage bank after the move, in seconds.
    pub bank_s: f64,
}

/// A fault pinned to the moment it happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeatFault {
    pub kind: FaultKind,
    /// One line in plain words, starting with when: "on move 12: …" or "while loading: …".
    pub detail: String,
    /// The seat's move number (1 = its first move; 0 = while loading).
    #[serde(rename = "move")]
    pub move_number: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traceback: Option<String>,
}

/// One seat's part in a frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoveRecord {
    pub seat: usize,
    /// What the bot returned (`null` when it failed to return anything).
    pub action: Value,
    /// What it printed during this move.
    pub logs: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<SeatFault>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timing: Option<Timing>,
}

/// The state after a step, and the moves that led to it. Frame 0 is the start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Frame {
    pub step: u64,
    pub state: Value,
    pub moves: Vec<MoveRecord>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchResult {
    /// The game's own numbers (Kaggle's rewards for its games); `null` for a seat that
    /// faulted, as Kaggle reports it.
    /// One per seat.
    pub scores: Vec<Option<f64>>,
    /// One per seat: in a match of more than two seats, the sole first wins, a shared
    /// first draws, every other place loses (see [`MatchResult::places`]).
    pub outcomes: Vec<Outcome>,
    pub faults: Vec<Option<SeatFault>>,
    /// Why the game ended, in words.
    pub reason: String,
}

impl MatchResult {
    /// Each seat's place, 1 first: by outcome in a two-seat match (a draw shares first),
    /// by score with more seats (see [`places`]).
    pub fn places(&self) -> Vec<usize> {
        seat_places(&self.outcomes, &self.scores)
    }
}

/// Each seat's place, 1 first: by outcome in a two-seat match (a draw shares first), by
/// score with more seats (see [`places`]).
pub fn seat_places(outcomes: &[Outcome], scores: &[Option<f64>]) -> Vec<usize> {
    if let [a, b] = outcomes[..] {
        return match (a, b) {
            (Outcome::Win, _) | (_, Outcome::Loss) if a != b => vec![1, 2],
            (Outcome::Loss, _) | (_, Outcome::Win) if a != b => vec![2, 1],
            _ => vec![1, 1],
        };
    }
    places(scores)
}

/// Places from scores, 1 first: a higher score places ahead, equal scores share a place
/// (the next place skips: 1, 1, 3), and a seat without a score (it faulted) places after
/// every seat with one.
pub fn places(scores: &[Option<f64>]) -> Vec<usize> {
    let ahead = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => a > b,
        (Some(_), None) => true,
        (None, _) => false,
    };
    scores
        .iter()
        .map(|&mine| 1 + scores.iter().filter(|&&other| ahead(other, mine)).count())
        .collect()
}

/// A place in words: 1st, 2nd, 3rd, 4th, … 11th, 12th, 13th, 21st.
pub fn ordinal(place: usize) -> String {
    let suffix = match (place % 10, place % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{place}{suffix}")
}

/// Everything about one match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchRecord {
    pub game: GameKind,
    /// The `configuration` object every agent received.
    pub configuration: Value,
    pub seed: u64,
    pub time_control: TimeControl,
    /// Seat 1 first; one per seat, 2 to 8 (a replay whose result has another count is
    /// refused).
    pub bots: Vec<SeatRecord>,
    pub frames: Vec<Frame>,
    pub result: MatchResult,
}

impl MatchRecord {
    /// The same record without timings: for deterministic bots, a function of the seed.
    pub fn without_timings(&self) -> MatchRecord {
        let mut record = self.clone();
        for bot in &mut record.bots {
            bot.timing = None;
        }
        for frame in &mut record.frames {
            for m in &mut frame.moves {
                m.timing = None;
            }
        }
        record
    }

    /// Every move of every frame, with its frame's step.
    pub fn moves(&self) -> impl Iterator<Item = (u64, &MoveRecord)> {
        self.frames
            .iter()
            .flat_map(|f| f.moves.iter().map(move |m| (f.step, m)))
    }
}

#[cfg(test)]
mod tests {
    use super::{ordinal, places};

    #[test]
    fn places_share_ties_skip_after_them_and_put_faulted_seats_last() {
        assert_eq!(places(&[Some(1.0), Some(3.0), Some(2.0)]), [3, 1, 2]);
        assert_eq!(
            places(&[Some(5.0), Some(5.0), Some(2.0), None]),
            [1, 1, 3, 4]
        );
        assert_eq!(places(&[None, Some(-1.0), None]), [2, 1, 2]);
        assert_eq!(places(&[None, None]), [1, 1]);
        let words: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 101].map(ordinal).into();
        assert_eq!(
            words,
            ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st"]
        );
    }
}
