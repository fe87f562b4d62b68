//! One match of an environment, played as a [`Game`]: the last state its game process
//! reported, and the process itself, given back for the next match when this one ends
//! well.

use super::process::GameProcess;
use crate::game::rules::{End, Game, Illegal, TimeControl, Turns};
use serde_json::{json, Map, Value};
use std::cell::RefCell;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Idle game processes kept per environment (one per worker is enough).
const IDLE: usize = 64;
/// Matches one game process serves before a fresh one replaces it (bounding what an
/// environment's leaks or its CPU-time limit can do to a long run).
const RETIRE: u32 = 200;

/// The agents' states after a step, as the game process reports them.
#[derive(Debug, Clone)]
pub(super) struct State {
    statuses: Vec<String>,
    rewards: Vec<Option<f64>>,
    observations: Vec<Map<String, Value>>,
    step: u64,
}

impl State {
    /// The state in a reply, if it has one entry per seat (taken, not copied: a step's
    /// observations are the largest part of a reply).
    pub(super) fn read(v: Option<&mut Value>, seats: usize) -> Option<State> {
        let v = v?.as_object_mut()?;
        let mut list = |key: &str| match v.get_mut(key).map(Value::take) {
            Some(Value::Array(items)) => Some(items),
            _ => None,
        };
        let statuses: Vec<String> = list("statuses")?
            .into_iter()
            .map(|s| match s {
                Value::String(s) => s,
                _ => "ERROR".to_string(),
            })
            .collect();
        let rewards = list("rewards")?.iter().map(Value::as_f64).collect();
        let observations = list("observations")?
            .into_iter()
            .map(|o| match o {
                Value::Object(o) => o,
                _ => Map::new(),
            })
            .collect::<Vec<_>>();
        (statuses.len() == seats && observations.len() == seats).then_some(State {
            statuses,
            rewards,
            observations,
            step: v.get("step").and_then(Value::as_u64).unwrap_or(0),
        })
    }

    pub(super) fn active(&self) -> Vec<usize> {
        (0..self.statuses.len())
            .filter(|&i| self.statuses[i] == "ACTIVE")
            .collect()
    }

    fn reward(&self, seat: usize) -> Option<f64> {
        self.rewards.get(seat).copied().flatten()
    }
}

/// One match of an environment: the game process and the last state it reported.
pub struct EnvGame {
    /// The environment's idle processes, where this one goes back.
    pub(super) idle: Arc<Mutex<Vec<GameProcess>>>,
    /// Given back to the environment's idle processes when the match ends well.
    pub(super) process: RefCell<Option<GameProcess>>,
    pub(super) state: State,
    pub(super) configuration: Map<String, Value>,
    pub(super) turns: Turns,
    /// The environment's code failed: the match is void.
    pub(super) failure: RefCell<Option<String>>,
    /// Why the last step's action schema refused each seat's action, if it did.
    pub(super) refused: Vec<Option<String>>,
    /// Seats that faulted in a match of more than two seats, with the status a step tells
    /// the interpreter while they were still in play (TIMEOUT or ERROR, as Kaggle's
    /// runner does). One entry per seat.
    pub(super) dropped: Vec<Option<&'static str>>,
    pub(super) step_deadline: Duration,
}

impl EnvGame {
    fn ask(&self, request: Value) -> Option<Value> {
        self.ask_line(request.to_string())
    }

    /// [`EnvGame::ask`] with the request already a line of JSON.
    fn ask_line(&self, request: String) -> Option<Value> {
        if self.failure.borrow().is_some() {
            return None;
        }
        let mut process = self.process.borrow_mut();
        let process = process.as_mut()?;
        match process.ask_line(request, self.step_deadline) {
            Ok(v) => Some(v),
            Err(e) => {
                *self.failure.borrow_mut() = Some(e.to_string());
                None
            }
        }
    }

    /// What the renderer draws now (capped), or why it cannot.
    pub fn render(&self) -> String {
        match self.ask(json!({ "render": null })) {
            Some(v) => v
                .get("text")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            None => String::new(),
        }
    }
}

impl Drop for EnvGame {
    /// A process whose match ended without a game error serves the next match.
    fn drop(&mut self) {
        if self.failure.borrow().is_some() {
            return;
        }
        if let Some(process) = self.process.borrow_mut().take() {
            let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
            if idle.len() < IDLE && process.matches() < RETIRE {
                idle.push(process);
            }
        }
    }
}

impl Game for EnvGame {
    fn turns(&self) -> Turns {
        self.turns
    }

    fn seats(&self) -> usize {
        self.dropped.len()
    }

    fn drop_seat(&mut self, seat: usize, timed_out: bool) {
        if let Some(d) = self.dropped.get_mut(seat) {
            *d = Some(if timed_out { "TIMEOUT" } else { "ERROR" });
        }
    }

    fn to_move(&self) -> Vec<usize> {
        if self.failure.borrow().is_some() {
            return Vec::new();
        }
        self.state.active()
    }

    fn observation(&self, seat: usize) -> Map<String, Value> {
        self.state.observations[seat].clone()
    }

    fn configuration(&self, clock: &TimeControl, run_timeout: u64) -> Map<String, Value> {
        let mut config = self.configuration.clone();
        clock.kaggle_fields(&mut config, run_timeout);
        config
    }

    /// As Kaggle's runner: the action schema is checked as part of the step (a refused
    /// action makes its seat INVALID and the interpreter still runs, deciding what the
    /// others get), so nothing is refused here; [`Game::ruled_out`] reports it.
    fn validate(&self, _seat: usize, _action: &Value) -> Result<(), Illegal> {
        Ok(())
    }

    fn apply(&mut self, actions: &[Value]) {
        let seats = self.seats();
        let mut step: Vec<Option<&Value>> = vec![None; seats];
        for (seat, action) in self.state.active().into_iter().zip(actions) {
            step[seat] = Some(action);
        }
        // `{"step": [["ok", action] | ["status", "TIMEOUT" | "ERROR"], …]}`, written out
        // (a step's request is a handful of bytes; a Value tree would be most of its cost).
        let mut line = String::from(r#"{"step":["#);
        for (seat, action) in step.into_iter().enumerate() {
            if seat > 0 {
                line.push(',');
            }
            let in_play = matches!(self.state.statuses[seat].as_str(), "ACTIVE" | "INACTIVE");
            match (self.dropped[seat], in_play) {
                (Some(status), true) => line.push_str(&format!(r#"["status","{status}"]"#)),
                _ => {
                    line.push_str(r#"["ok","#);
                    line.push_str(&action.unwrap_or(&Value::Null).to_string());
                    line.push(']');
                }
            }
        }
        line.push_str("]}");
        if let Some(mut reply) = self.ask_line(line) {
            match State::read(reply.get_mut("state"), seats) {
                Some(state) => self.state = state,
                None => *self.failure.borrow_mut() = Some("the game process sent no state".into()),
            }
            self.refused = (0..seats)
                .map(|i| {
                    reply["refused"][i]
                        .as_str()
                        .map(|why| crate::cage::log::cut(why, 300))
                })
                .collect();
        }
    }

    fn end(&self) -> Option<End> {
        if self.failure.borrow().is_some() || !self.state.active().is_empty() {
            return None;
        }
        Some(End {
            scores: (0..self.seats())
                .map(|i| self.state.reward(i).unwrap_or(0.0))
                .collect(),
            reason: format!(
                "the environment ended the game after {} steps (statuses {})",
                self.state.step,
                self.state.statuses.join(", ")
            ),
        })
    }

    fn forfeit(&self, faulted: &[bool]) -> Vec<Option<f64>> {
        // A bot that failed, as Kaggle's runner records it: its status ERROR, and the
        // interpreter decides what the others get.
        let ruled: Vec<usize> = self.ruled_out().into_iter().map(|(i, _)| i).collect();
        let state = if ruled.is_empty() && self.failure.borrow().is_none() {
            let step: Vec<Value> = (0..self.seats())
                .map(|i| {
                    if faulted[i] {
                        json!(["status", "ERROR"])
                    } else {
                        json!(["ok", null])
                    }
                })
                .collect();
            self.ask(json!({ "step": step }))
                .and_then(|mut r| State::read(r.get_mut("state"), self.seats()))
                .unwrap_or_else(|| self.state.clone())
        } else {
            self.state.clone()
        };
        (0..self.seats())
            .map(|i| if faulted[i] { None } else { state.reward(i) })
            .collect()
    }

    fn frame(&self) -> Value {
        let mut frame = json!({
            "step": self.state.step,
            "statuses": self.state.statuses,
            "rewards": self.state.rewards,
            "observations": self.state.observations,
        });
        // The renderer's drawing of the end (one request a match, capped).
        if self.state.active().is_empty() && self.failure.borrow().is_none() {
            let text = self.render();
            frame["text"] = Value::from(crate::cage::log::cut(&text, 64 * 1024));
        }
        frame
    }

    fn ruled_out(&self) -> Vec<(usize, String)> {
        (0..self.seats())
            .filter(|&i| matches!(self.state.statuses[i].as_str(), "INVALID" | "ERROR"))
            .map(|i| {
                let why = match self.refused.get(i).cloned().flatten() {
                    Some(schema) => format!("the action schema refuses it: {schema}"),
                    None => format!(
                        "the game ruled its action {}",
                        self.state.statuses[i].to_lowercase()
                    ),
                };
                (i, why)
            })
            .collect()
    }

    fn failure(&self) -> Option<String> {
        self.failure.borrow().clone()
    }
}
