//! Rock-Paper-Scissors, exactly as Kaggle's `rps` environment plays it: both seats pick a
//! sign (0 rock, 1 paper, 2 scissors, up to 5 signs with Spock and lizard) each step;
//! a round scores ±1 by Kaggle's `get_score`; the game lasts `episodeSteps - 1` rounds;
//! at the end a total below `tieRewardThreshold` (in absolute value) counts as a tie
//! (both rewards 0). An invalid sign loses at once: reward `None`, the other seat 1.

use super::rules::{int_action, End, Game, Illegal, SettingError, TimeControl, Turns, SEATS};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

pub const SIGN_NAMES: [&str; 5] = ["rock", "paper", "scissors", "spock", "lizard"];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct Config {
    pub signs: i64,
    pub episode_steps: u64,
    pub tie_reward_threshold: i64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            signs: 3,
            episode_steps: 1000,
            tie_reward_threshold: 20,
        }
    }
}

pub struct Rps {
    config: Config,
    step: u64,
    rewards: [f64; SEATS],
    last: Option<[i64; SEATS]>,
    end: Option<End>,
}

/// Kaggle's `get_score(left, right)`: +1 when left wins the round, -1 when it loses.
pub fn get_score(left: i64, right: i64) -> f64 {
    let delta = if (left + right) % 2 == 0 {
        right - left
    } else {
        left - right
    };
    delta.signum() as f64
}

impl Rps {
    pub fn new(config: Config) -> Result<Rps, SettingError> {
        if !(3..=5).contains(&config.signs) {
            return Err(SettingError::range("signs", "3, 4 or 5", config.signs));
        }
        if !(2..=1_000_000).contains(&config.episode_steps) {
            return Err(SettingError::range(
                "episodeSteps",
                "between 2 and 1000000",
                config.episode_steps,
            ));
        }
        if !(1..=1000).contains(&config.tie_reward_threshold) {
            return Err(SettingError::range(
                "tieRewardThreshold",
                "between 1 and 1000",
                config.tie_reward_threshold,
            ));
        }
        Ok(Rps {
            config,
            step: 0,
            rewards: [0.0; SEATS],
            last: None,
            end: None,
        })
    }
}

impl Game for Rps {
    fn turns(&self) -> Turns {
        Turns::Simultaneous
    }

    fn observation(&self, seat: usize) -> Map<String, Value> {
        let mut obs = Map::new();
        obs.insert("step".into(), json!(self.step));
        obs.insert("reward".into(), json!(self.rewards[seat] as i64));
        // Absent on the first step, as on Kaggle.
        if let Some(last) = self.last {
            obs.insert("lastOpponentAction".into(), json!(last[1 - seat]));
        }
        obs
    }

    fn configuration(&self, clock: &TimeControl, run_timeout: u64) -> Map<String, Value> {
        let mut config = Map::new();
        config.insert("signs".into(), json!(self.config.signs));
        config.insert("episodeSteps".into(), json!(self.config.episode_steps));
        config.insert(
            "tieRewardThreshold".into(),
            json!(self.config.tie_reward_threshold),
        );
        clock.kaggle_fields(&mut config, run_timeout);
        config
    }

    /// Kaggle's action schema default: a bot's `None` plays 0, as on Kaggle.
    fn default_action(&self) -> Option<Value> {
        Some(Value::from(0))
    }

    fn validate(&self, _seat: usize, action: &Value) -> Result<(), Illegal> {
        let sign = int_action(action)?;
        if !(0..self.config.signs).contains(&sign) {
            return Err(Illegal(format!(
                "sign {sign} is not one of 0 to {}",
                self.config.signs - 1
            )));
        }
        Ok(())
    }

    fn apply(&mut self, actions: &[Value]) {
        let sign = |i: usize| actions.get(i).and_then(Value::as_i64).unwrap_or(0);
        let (a, b) = (sign(0), sign(1));
        let score = get_score(a, b);
        self.rewards[0] += score;
        self.rewards[1] -= score;
        self.last = Some([a, b]);
        let remaining = self.config.episode_steps as i64 - self.step as i64 - 1;
        self.step += 1;
        if remaining <= 1 {
            let threshold = self.config.tie_reward_threshold as f64;
            let (scores, reason) = if self.rewards[0].abs() < threshold {
                (
                    [0.0; SEATS],
                    format!(
                        "{} rounds played; {} to {} is within the tie threshold of {}",
                        self.step, self.rewards[0], self.rewards[1], threshold
                    ),
                )
            } else {
                (
                    self.rewards,
                    format!(
                        "{} rounds played; {} to {}",
                        self.step, self.rewards[0], self.rewards[1]
                    ),
                )
            };
            self.end = Some(End {
                scores: scores.to_vec(),
                reason,
            });
        }
    }

    fn end(&self) -> Option<End> {
        self.end.clone()
    }

    fn forfeit(&self, faulted: &[bool]) -> Vec<Option<f64>> {
        // Kaggle: the invalid seat's reward is None; a valid opponent's becomes 1.
        faulted.iter().map(|f| (!f).then_some(1.0)).collect()
    }

    fn frame(&self) -> Value {
        json!({ "signs": self.config.signs, "actions": self.last, "rewards": self.rewards })
    }
}

pub fn sign_name(sign: &Value) -> String {
    sign.as_u64()
        .and_then(|s| SIGN_NAMES.get(s as usize))
        .map_or_else(|| sign.to_string(), |s| s.to_string())
}

/// What an RPS frame holds (`Game::frame` writes `signs`, `actions`, `rewards`); the
/// text lines below and the viewer read it with [`RoundFrame::decode`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundFrame {
    pub signs: u64,
    /// The round just played, `None` before the first.
    pub actions: Option<[i64; SEATS]>,
    /// Running totals, as numbers were written (`3.0` stays `3.0`).
    pub rewards: [serde_json::Number; SEATS],
}

impl RoundFrame {
    /// A frame's state; a malformed one (a hostile replay) reads as no round at all.
    pub fn decode(state: &Value) -> Option<RoundFrame> {
        serde_json::from_value(state.clone()).ok()
    }
}

/// The last round and the running totals.
pub fn draw(state: &Value) -> Vec<String> {
    let Some(frame) = RoundFrame::decode(state) else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    if let Some([a, b]) = frame.actions {
        lines.push(format!(
            "last round: {} vs {}",
            sign_name(&Value::from(a)),
            sign_name(&Value::from(b))
        ));
    }
    let [a, b] = &frame.rewards;
    lines.push(format!("rewards: {a} to {b}"));
    lines
}
