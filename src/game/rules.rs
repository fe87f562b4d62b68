//! The vocabulary every game speaks: seats, turns, outcomes, the time control, the
//! [`Game`] trait, how its players are ranked, and the helpers games share (a
//! fixed-stream generator, action checks).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::time::Duration;

/// Every built-in game has two seats, and so has a match unless its tournament or
/// command line asks more of a game that allows them.
pub const SEATS: usize = 2;
/// The most seats a match may have (an environment may allow more; cagematch plays 2 to
/// 8).
pub const MAX_SEATS: usize = 8;

/// The time a seat gets, as Kaggle gives it: a budget per move plus a bank that moves
/// may overdraw, and a budget for loading the bot. Charged in CPU time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeControl {
    /// Seconds per move (Kaggle's `actTimeout`).
    #[serde(rename = "move")]
    pub per_move: f64,
    /// Seconds of bank a seat may spend beyond `move`, over the whole match (Kaggle's
    /// `remainingOverageTime` at the start).
    pub overage: f64,
    /// Seconds to load the bot: run its top level and find the agent (`agentTimeout`).
    pub load: f64,
}

impl TimeControl {
    /// Checks the values; an error names the field (`move`, `overage`, `load`) and why.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        for (name, v, min) in [
            ("move", self.per_move, f64::MIN_POSITIVE),
            ("overage", self.overage, 0.0),
            ("load", self.load, f64::MIN_POSITIVE),
        ] {
            if !v.is_finite() || v < min || v > 3600.0 {
                let low = if min > 0.0 { "above 0" } else { "at least 0" };
                return Err((
                    name,
                    format!("must be {low} and at most 3600 seconds, not {v}"),
                ));
            }
        }
        Ok(())
    }

    pub fn per_move(&self) -> Duration {
        Duration::from_secs_f64(self.per_move)
    }

    pub fn load(&self) -> Duration {
        Duration::from_secs_f64(self.load)
    }

    /// The timing fields every Kaggle environment puts in `configuration`.
    pub(super) fn kaggle_fields(&self, config: &mut Map<String, Value>, run_timeout: u64) {
        config.insert("actTimeout".into(), number(self.per_move));
        config.insert("agentTimeout".into(), number(self.load));
        config.insert("runTimeout".into(), run_timeout.into());
    }
}

/// A whole number of seconds stays an integer in JSON (`2`, not `2.0`), as Kaggle's are.
pub fn number(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        Value::from(v as i64)
    } else {
        Value::from(v)
    }
}

/// Who moves next: one seat (alternating games), or every seat at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Turns {
    Alternating { next: usize },
    Simultaneous,
}

/// A seat's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Win,
    Loss,
    Draw,
}

impl Outcome {
    /// Higher score wins; equal scores draw.
    pub fn from_scores(mine: f64, theirs: f64) -> Outcome {
        if mine > theirs {
            Outcome::Win
        } else if mine < theirs {
            Outcome::Loss
        } else {
            Outcome::Draw
        }
    }

    /// The other seat's outcome of the same game.
    pub fn opposite(self) -> Outcome {
        match self {
            Outcome::Win => Outcome::Loss,
            Outcome::Loss => Outcome::Win,
            Outcome::Draw => Outcome::Draw,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Win => "win",
            Outcome::Loss => "loss",
            Outcome::Draw => "draw",
        }
    }
}

/// How a game ended by its own rules.
#[derive(Debug, Clone, PartialEq)]
pub struct End {
    /// One per seat.
    pub scores: Vec<f64>,
    /// In words, e.g. "seat 1 connected four".
    pub reason: String,
}

/// The rules of one game, one match long.
pub trait Game: Send {
    fn turns(&self) -> Turns;
    /// The match's seat count.
    fn seats(&self) -> usize {
        SEATS
    }
    /// Seats whose agents are asked for an action now, in order; empty once over.
    fn to_move(&self) -> Vec<usize> {
        if self.end().is_some() {
            return vec![];
        }
        match self.turns() {
            Turns::Alternating { next } => vec![next],
            Turns::Simultaneous => (0..self.seats()).collect(),
        }
    }
    /// What `seat` sees (without `remainingOverageTime`, which the referee adds).
    fn observation(&self, seat: usize) -> Map<String, Value>;
    /// What every seat's agent gets as `configuration`.
    fn configuration(&self, clock: &TimeControl, run_timeout: u64) -> Map<String, Value>;
    /// The action a bot's `None` stands for, as Kaggle's runner fills it from the action
    /// schema's default (`process_schema` in kaggle_environments' `core.py`, `step`);
    /// `None`: a `None` is an illegal action.
    fn default_action(&self) -> Option<Value> {
        None
    }
    /// Checks one seat's action against the rules without changing anything.
    /// The error says what was wrong, e.g. "column 3 is full".
    fn validate(&self, seat: usize, action: &Value) -> Result<(), Illegal>;
    /// Applies the (valid) actions of the seats `to_move()` named, in that order.
    fn apply(&mut self, actions: &[Value]);
    /// `Some` once the game is over by its rules.
    fn end(&self) -> Option<End>;
    /// The scores when the seats marked in `faulted` broke the rules or failed: theirs is
    /// `None` (as Kaggle reports them), the others' is what the game gives them.
    fn forfeit(&self, faulted: &[bool]) -> Vec<Option<f64>>;
    /// A seat faulted in a match of more than two seats: the others play on without it
    /// (an environment hears it as Kaggle's status in the next step: TIMEOUT when it
    /// `timed_out`, else ERROR). Two-seat matches end at a fault instead.
    fn drop_seat(&mut self, _seat: usize, _timed_out: bool) {}
    /// The state as the screen draws it and the replay stores it.
    fn frame(&self) -> Value;
    /// Seats the rules themselves disqualified in the last step (an environment that
    /// marks a move INVALID), with the words for their fault.
    fn ruled_out(&self) -> Vec<(usize, String)> {
        Vec::new()
    }
    /// The game's own code failed (an environment's interpreter raised, hung or died):
    /// the match is void, never a bot's loss.
    fn failure(&self) -> Option<String> {
        None
    }
}

/// How a tournament ranks its players: the game says (see `GameKind::ranking`), the
/// tournament file may say otherwise (`ranking:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Ranking {
    /// Match points (win 1, draw ½), then Sonneborn–Berger: chess, ConnectX, RPS, Tron.
    #[default]
    Points,
    /// Mean payoff per turn over every match played, as `axelrod.Tournament` ranks the
    /// iterated Prisoner's Dilemma (a player that never loses head-to-head can still
    /// rank low); then points.
    Payoff,
}

impl Ranking {
    pub fn name(self) -> &'static str {
        match self {
            Ranking::Points => "points",
            Ranking::Payoff => "payoff",
        }
    }
}

/// Why a game's settings were refused, naming the setting.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingError {
    /// Not one of the game's settings, or a value of the wrong type (serde's words,
    /// which name the field).
    #[error("{0}")]
    Shape(String),
    /// A setting outside what the rules allow.
    #[error("{setting} must be {allowed}, not {value}")]
    Range {
        setting: &'static str,
        allowed: String,
        value: String,
    },
    /// A starting board that does not fit the settings.
    #[error("the board does not fit the configuration")]
    Board,
}

impl SettingError {
    pub fn range(setting: &'static str, allowed: impl Into<String>, value: impl ToString) -> Self {
        SettingError::Range {
            setting,
            allowed: allowed.into(),
            value: value.to_string(),
        }
    }
}

/// Why a seat's action breaks the rules, in words for its fault ("column 3 is full").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Illegal(pub String);

/// A game name that names no game.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown game `{name}`: the games are {known}")]
pub struct UnknownGame {
    pub name: String,
    pub known: String,
}

pub fn parse<T: serde::de::DeserializeOwned>(config: Value) -> Result<T, SettingError> {
    serde_json::from_value(config).map_err(|e| SettingError::Shape(e.to_string()))
}

/// An integer action, as Kaggle's schema checks it: a JSON integer, not `2.0` or `true`.
pub fn int_action(action: &Value) -> Result<i64, Illegal> {
    action.as_i64().ok_or_else(|| {
        Illegal(format!(
            "the action must be an integer, not {}",
            describe(action)
        ))
    })
}

/// A short, safe description of a value a bot returned, for fault details.
pub fn describe(action: &Value) -> String {
    let text = action.to_string();
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text
    }
}

/// SplitMix64: a tiny, well-mixed generator whose stream never changes between builds,
/// so a seed means the same match forever.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}
