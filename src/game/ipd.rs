//! The iterated Prisoner's Dilemma as the Axelrod library defines it: `turns` rounds
//! (200 by default, and known to both players as Axelrod's match attributes make it),
//! actions `"C"` and `"D"`, payoffs (R, S, T, P) = (3, 0, 5, 1). With `noise`, each
//! player's action is flipped with that probability by the match (not the players), and
//! the histories and payoffs record what was actually played. The higher total wins.

use super::rules::{
    number, End, Game, Illegal, SettingError, SplitMix64, TimeControl, Turns, SEATS,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(non_snake_case)]
pub struct Payoffs {
    /// Reward: both cooperate.
    pub R: f64,
    /// Sucker: I cooperate, you defect.
    pub S: f64,
    /// Temptation: I defect, you cooperate.
    pub T: f64,
    /// Punishment: both defect.
    pub P: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub turns: u64,
    pub noise: f64,
    pub payoffs: Payoffs,
    /// Axelrod's `prob_end`: after each turn the match ends with this probability (at
    /// most `turns` turns), drawn from the match's keyed seed; the players are not told
    /// `turns`, so no strategy can play a known last turn. 0: exactly `turns`.
    pub prob_end: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            turns: 200,
            noise: 0.0,
            payoffs: Payoffs {
                R: 3.0,
                S: 0.0,
                T: 5.0,
                P: 1.0,
            },
            prob_end: 0.0,
        }
    }
}

pub struct Ipd {
    config: Config,
    rng: SplitMix64,
    history: [Vec<char>; SEATS],
    scores: [f64; SEATS],
    /// Which seats' last actions the noise flipped.
    flipped: [bool; SEATS],
    /// The turns this match lasts: `turns`, or fewer drawn with `prob_end`.
    length: u64,
}

impl Ipd {
    pub fn new(config: Config, seed: u64) -> Result<Ipd, SettingError> {
        if !(1..=100_000).contains(&config.turns) {
            return Err(SettingError::range(
                "turns",
                "between 1 and 100000",
                config.turns,
            ));
        }
        if !(0.0..=1.0).contains(&config.noise) {
            return Err(SettingError::range(
                "noise",
                "between 0 and 1",
                config.noise,
            ));
        }
        if !(0.0..1.0).contains(&config.prob_end) {
            return Err(SettingError::range(
                "prob_end",
                "at least 0 and below 1",
                config.prob_end,
            ));
        }
        let mut length = config.turns;
        if config.prob_end > 0.0 {
            // Its own stream: the noise's draws are as without it.
            let mut rng = SplitMix64::new(seed ^ 0x00E1_D000_0000_0000);
            length = 1;
            while length < config.turns && rng.next_f64() >= config.prob_end {
                length += 1;
            }
        }
        let p = config.payoffs;
        if [p.R, p.S, p.T, p.P].iter().any(|v| !v.is_finite()) {
            return Err(SettingError::range(
                "payoffs",
                "finite numbers",
                format!("{}, {}, {} and {}", p.R, p.S, p.T, p.P),
            ));
        }
        Ok(Ipd {
            config,
            rng: SplitMix64::new(seed),
            history: [Vec::new(), Vec::new()],
            scores: [0.0; SEATS],
            flipped: [false; SEATS],
            length,
        })
    }

    /// Axelrod's `Game.score`: (mine, theirs) for one round.
    pub fn payoff(&self, mine: char, theirs: char) -> (f64, f64) {
        let p = self.config.payoffs;
        match (mine, theirs) {
            ('C', 'C') => (p.R, p.R),
            ('C', _) => (p.S, p.T),
            (_, 'C') => (p.T, p.S),
            _ => (p.P, p.P),
        }
    }

    fn played(&self, seat: usize) -> Vec<String> {
        self.history[seat].iter().map(char::to_string).collect()
    }
}

fn flip(action: char) -> char {
    if action == 'C' {
        'D'
    } else {
        'C'
    }
}

impl Game for Ipd {
    fn turns(&self) -> Turns {
        Turns::Simultaneous
    }

    fn observation(&self, seat: usize) -> Map<String, Value> {
        let mut obs = Map::new();
        obs.insert("step".into(), json!(self.history[0].len()));
        obs.insert("history".into(), json!(self.played(seat)));
        obs.insert("opponentHistory".into(), json!(self.played(1 - seat)));
        obs.insert("score".into(), number(self.scores[seat]));
        obs.insert("opponentScore".into(), number(self.scores[1 - seat]));
        obs
    }

    fn configuration(&self, clock: &TimeControl, run_timeout: u64) -> Map<String, Value> {
        let p = self.config.payoffs;
        let mut config = Map::new();
        // With prob_end the length is not told: only the chance of ending.
        if self.config.prob_end > 0.0 {
            config.insert("prob_end".into(), number(self.config.prob_end));
        } else {
            config.insert("turns".into(), json!(self.config.turns));
        }
        config.insert("noise".into(), number(self.config.noise));
        config.insert(
            "payoffs".into(),
            json!({ "R": number(p.R), "S": number(p.S), "T": number(p.T), "P": number(p.P) }),
        );
        clock.kaggle_fields(&mut config, run_timeout);
        config
    }

    fn validate(&self, _seat: usize, action: &Value) -> Result<(), Illegal> {
        match action.as_str() {
            Some("C") | Some("D") => Ok(()),
            _ => Err(Illegal(format!(
                "the action must be \"C\" or \"D\", not {}",
                super::rules::describe(action)
            ))),
        }
    }

    fn apply(&mut self, actions: &[Value]) {
        let mut played = ['C'; SEATS];
        for (seat, slot) in played.iter_mut().enumerate() {
            let chosen = if actions.get(seat).and_then(Value::as_str) == Some("D") {
                'D'
            } else {
                'C'
            };
            // As Axelrod's `Match.simultaneous_play`: the match's generator, seat order.
            let noisy = self.config.noise > 0.0 && self.rng.next_f64() < self.config.noise;
            self.flipped[seat] = noisy;
            *slot = if noisy { flip(chosen) } else { chosen };
        }
        let (a, b) = self.payoff(played[0], played[1]);
        self.scores[0] += a;
        self.scores[1] += b;
        self.history[0].push(played[0]);
        self.history[1].push(played[1]);
    }

    fn end(&self) -> Option<End> {
        (self.history[0].len() as u64 >= self.length).then(|| End {
            scores: self.scores.to_vec(),
            reason: format!(
                "{} turns played; total payoffs {} to {}",
                self.history[0].len(),
                self.scores[0],
                self.scores[1]
            ),
        })
    }

    fn forfeit(&self, faulted: &[bool]) -> Vec<Option<f64>> {
        faulted
            .iter()
            .zip(self.scores)
            .map(|(f, score)| (!f).then_some(score))
            .collect()
    }

    fn frame(&self) -> Value {
        let last = |seat: usize| self.history[seat].last().map(char::to_string);
        json!({
            "actions": self.history[0].last().map(|_| [last(0), last(1)]),
            "flipped": self.flipped,
            "scores": [number(self.scores[0]), number(self.scores[1])],
        })
    }
}

/// What an IPD frame holds (`Game::frame` writes `actions`, `flipped`, `scores`); the
/// text lines below and the viewer read it with [`TurnFrame::decode`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TurnFrame {
    /// The turn just played (`"C"` or `"D"` each), `None` before the first.
    pub actions: Option<[String; SEATS]>,
    /// Whose action noise flipped this turn.
    pub flipped: [bool; SEATS],
    /// Running payoffs, as numbers were written.
    pub scores: [serde_json::Number; SEATS],
}

impl TurnFrame {
    /// A frame's state; a malformed one (a hostile replay) reads as no turn at all.
    pub fn decode(state: &Value) -> Option<TurnFrame> {
        serde_json::from_value(state.clone()).ok()
    }
}

/// The last round and the running totals.
pub fn draw(state: &Value) -> Vec<String> {
    let Some(frame) = TurnFrame::decode(state) else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    if let Some(actions) = &frame.actions {
        let shown = |i: usize| {
            if frame.flipped[i] {
                format!("{} (noise)", actions[i])
            } else {
                actions[i].clone()
            }
        };
        lines.push(format!("last turn: {} vs {}", shown(0), shown(1)));
    }
    let [a, b] = &frame.scores;
    lines.push(format!("payoffs: {a} to {b}"));
    lines
}
