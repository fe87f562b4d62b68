//! An organiser's own game: a Kaggle-format environment (a specification, an
//! `interpreter`, a `renderer`), run in a game process of its own (see `src/gameproc/`)
//! and refereed like a built-in game. This side runs in the host: it names the
//! environment, starts one game process per match and speaks to it; the environment's
//! code never runs here.
//!
//! A game name is an environment when it is a path (a folder holding `NAME.json` and
//! `NAME.py`, as `kaggle_environments/envs/NAME/`, or one `.py` module defining
//! `specification`, `interpreter` and `renderer`) or `kaggle:NAME` (an environment of
//! the `kaggle_environments` package in the game venv).

mod process;

use super::rules::{End, Game, Illegal, SettingError, TimeControl, Turns, SEATS};
pub use process::GameError;
use process::GameProcess;
use serde_json::{json, Map, Value};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// Where an environment's code is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `kaggle_environments/envs/NAME/`-style folder.
    Folder(PathBuf),
    /// One `.py` module.
    Module(PathBuf),
    /// `kaggle:NAME`.
    Kaggle(String),
}

impl Source {
    /// The environment a game name names, if it names one (`None`: a built-in name).
    pub fn of(name: &str) -> Option<Result<Source, GameError>> {
        if let Some(env) = name.strip_prefix("kaggle:") {
            let valid = !env.is_empty()
                && env.len() <= 100
                && env.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            return Some(if valid {
                Ok(Source::Kaggle(env.to_string()))
            } else {
                Err(GameError::Start(format!(
                    "`{}` is not a kaggle_environments name (letters, digits, _)",
                    crate::cage::log::sanitize(env.as_bytes())
                )))
            });
        }
        let path = Path::new(name);
        if !(name.contains('/') || name.ends_with(".py") || path.is_dir()) {
            return None;
        }
        let shown = crate::cage::log::sanitize(path.display().to_string().as_bytes());
        Some(if path.is_dir() {
            let stem = path
                .canonicalize()
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()));
            match stem {
                Some(stem) if path.join(format!("{stem}.py")).is_file() => {
                    Ok(Source::Folder(path.to_path_buf()))
                }
                _ => Err(GameError::Start(format!(
                    "{shown}: an environment folder holds NAME.py (and NAME.json), named as the folder"
                ))),
            }
        } else if path.is_file() && name.ends_with(".py") {
            Ok(Source::Module(path.to_path_buf()))
        } else {
            Err(GameError::Start(format!(
                "{shown}: no such environment (a folder with NAME.py, or a .py module)"
            )))
        })
    }

    fn start_value(&self) -> Value {
        let (kind, place) = match self {
            Source::Folder(p) => ("folder", absolute(p)),
            Source::Module(p) => ("module", absolute(p)),
            Source::Kaggle(n) => ("kaggle", n.clone()),
        };
        json!({ "kind": kind, "where": place })
    }
}

fn absolute(p: &Path) -> String {
    p.canonicalize()
        .unwrap_or_else(|_| p.to_path_buf())
        .display()
        .to_string()
}

/// An environment, opened once: where it is, what it needs, and what it said when it
/// first started (its name, seat counts, settings).
#[derive(Debug)]
pub struct Environment {
    pub source: Source,
    /// The name it was given by (a path or `kaggle:NAME`), as shown.
    pub label: String,
    /// The specification's `name`.
    pub name: String,
    pub title: String,
    /// Seat counts the specification allows.
    pub agents: Vec<usize>,
    /// Every setting with its default.
    pub defaults: Map<String, Value>,
    /// The game venv's site-packages, if any.
    pub site: Option<PathBuf>,
    pub limits: Walls,
    /// Game processes whose match is over, kept for the next match.
    idle: Mutex<Vec<GameProcess>>,
}

/// Idle game processes kept per environment (one per worker is enough).
const IDLE: usize = 64;

/// The game process's limits.
#[derive(Debug, Clone, Copy)]
pub struct Walls {
    pub memory_mb: u64,
    pub cpu_seconds: u64,
    /// How long one request (a step, a check, the start) may take.
    pub step: Duration,
    pub start: Duration,
}

impl Default for Walls {
    fn default() -> Walls {
        Walls {
            memory_mb: 4096,
            cpu_seconds: 3600,
            step: Duration::from_secs(10),
            start: Duration::from_secs(120),
        }
    }
}

/// Opened environments, by the index a [`super::GameKind::Env`] holds: a game kind stays
/// a small `Copy` value however many matches share it.
static OPENED: OnceLock<Mutex<Vec<Arc<Environment>>>> = OnceLock::new();

/// The environment behind an index.
pub fn opened(id: u16) -> Arc<Environment> {
    let list = OPENED.get_or_init(Mutex::default);
    let list = list.lock().unwrap_or_else(|p| p.into_inner());
    Arc::clone(&list[id as usize])
}

impl Environment {
    /// Opens the environment a game name names (starting it once, two seats, default
    /// settings, to learn its specification), or says in one line why it cannot.
    /// `site`: the game venv's site-packages (checked by the caller).
    pub fn open(label: &str, source: Source, site: Option<PathBuf>) -> Result<u16, GameError> {
        if matches!(source, Source::Kaggle(_)) && site.is_none() {
            return Err(GameError::Start(
                "kaggle:NAME needs the venv that has kaggle_environments: --game-venv DIR".into(),
            ));
        }
        let mut env = Environment {
            source,
            label: crate::cage::log::sanitize(label.as_bytes()),
            name: String::new(),
            title: String::new(),
            agents: Vec::new(),
            defaults: Map::new(),
            site,
            limits: Walls::default(),
            idle: Mutex::default(),
        };
        let (probe, ready) = env.start(&Value::Object(Map::new()), 0)?;
        let text = |k: &str| {
            let v = ready.get(k).and_then(Value::as_str).unwrap_or("");
            crate::cage::log::sanitize(crate::cage::log::cut(v, 100).as_bytes())
        };
        env.name = text("name");
        env.title = text("title");
        env.agents = ready
            .get("agents")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_u64)
                    .map(|n| n as usize)
                    .collect()
            })
            .unwrap_or_default();
        env.defaults = ready
            .get("configuration")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        if !env.agents.contains(&SEATS) {
            return Err(GameError::Start(format!(
                "{}: the environment allows {:?} seats; cagematch plays {SEATS}-seat games (more seats: not yet)",
                env.label, env.agents
            )));
        }
        // The probe serves the first match.
        env.idle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(probe);
        let list = OPENED.get_or_init(Mutex::default);
        let mut list = list.lock().unwrap_or_else(|p| p.into_inner());
        if list.len() >= u16::MAX as usize {
            return Err(GameError::Start("too many environments opened".into()));
        }
        list.push(Arc::new(env));
        Ok((list.len() - 1) as u16)
    }

    /// A game process for one match with these settings; its ready line.
    fn start(&self, config: &Value, seed: u64) -> Result<(GameProcess, Value), GameError> {
        let start = json!({
            "source": self.source.start_value(),
            "configuration": config,
            "seats": SEATS,
            "seed": seed,
            "site": self.site.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
            "memory_mb": self.limits.memory_mb,
            "cpu_seconds": self.limits.cpu_seconds,
        });
        GameProcess::start(start, self.limits.start)
    }

    /// A game process for a match: an idle one reset to these settings (the
    /// environment's code stays loaded: a worker's matches share one process), or a new
    /// one.
    fn process_for(&self, config: &Value, seed: u64) -> Result<(GameProcess, Value), GameError> {
        let idle = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        if let Some(mut process) = idle {
            let reset = json!({ "reset": { "configuration": config, "seed": seed } });
            match process.ask(&reset, self.limits.start) {
                Ok(reply) if reply.get("ready").is_some() => {
                    return Ok((process, reply["ready"].clone()))
                }
                Ok(reply) => {
                    let why = reply
                        .get("error")
                        .and_then(Value::as_str)
                        .unwrap_or("no ready line");
                    return Err(GameError::Start(crate::cage::log::cut(why, 2000)));
                }
                // A process that failed to reset is dropped; a new one is started.
                Err(_) => {}
            }
        }
        self.start(config, seed)
    }

    /// A match of this environment, with `config`.
    pub fn create(self: &Arc<Self>, config: &Value, seed: u64) -> Result<EnvGame, SettingError> {
        let config = if config.is_null() {
            Value::Object(Map::new())
        } else {
            config.clone()
        };
        let (process, ready) = self.process_for(&config, seed).map_err(|e| match e {
            GameError::Start(why) => SettingError::Shape(why),
            other => SettingError::Shape(other.to_string()),
        })?;
        let state = State::read(ready.get("state"))
            .ok_or_else(|| SettingError::Shape("the game process sent no state".into()))?;
        let configuration = ready
            .get("configuration")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let turns = match state.active().as_slice() {
            [one] => Turns::Alternating { next: *one },
            _ => Turns::Simultaneous,
        };
        Ok(EnvGame {
            env: Arc::clone(self),
            process: RefCell::new(Some(process)),
            state,
            configuration,
            turns,
            failure: RefCell::new(None),
            refused: Vec::new(),
            step_deadline: self.limits.step,
        })
    }
}

/// The agents' states after a step, as the game process reports them.
#[derive(Debug, Clone)]
struct State {
    statuses: Vec<String>,
    rewards: Vec<Option<f64>>,
    observations: Vec<Map<String, Value>>,
    step: u64,
}

impl State {
    fn read(v: Option<&Value>) -> Option<State> {
        let v = v?;
        let statuses: Vec<String> = v
            .get("statuses")?
            .as_array()?
            .iter()
            .map(|s| s.as_str().unwrap_or("ERROR").to_string())
            .collect();
        let rewards = v
            .get("rewards")?
            .as_array()?
            .iter()
            .map(Value::as_f64)
            .collect();
        let observations = v
            .get("observations")?
            .as_array()?
            .iter()
            .map(|o| o.as_object().cloned().unwrap_or_default())
            .collect::<Vec<_>>();
        (statuses.len() == SEATS && observations.len() == SEATS).then_some(State {
            statuses,
            rewards,
            observations,
            step: v.get("step").and_then(Value::as_u64).unwrap_or(0),
        })
    }

    fn active(&self) -> Vec<usize> {
        (0..SEATS)
            .filter(|&i| self.statuses[i] == "ACTIVE")
            .collect()
    }

    fn reward(&self, seat: usize) -> Option<f64> {
        self.rewards.get(seat).copied().flatten()
    }
}

/// One match of an environment: the game process and the last state it reported.
pub struct EnvGame {
    env: Arc<Environment>,
    /// Given back to the environment's idle processes when the match ends well.
    process: RefCell<Option<GameProcess>>,
    state: State,
    configuration: Map<String, Value>,
    turns: Turns,
    /// The environment's code failed: the match is void.
    failure: RefCell<Option<String>>,
    /// Why the last step's action schema refused each seat's action, if it did.
    refused: Vec<Option<String>>,
    step_deadline: Duration,
}

impl EnvGame {
    fn ask(&self, request: Value) -> Option<Value> {
        if self.failure.borrow().is_some() {
            return None;
        }
        let mut process = self.process.borrow_mut();
        let process = process.as_mut()?;
        match process.ask(&request, self.step_deadline) {
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
            let mut idle = self.env.idle.lock().unwrap_or_else(|p| p.into_inner());
            if idle.len() < IDLE {
                idle.push(process);
            }
        }
    }
}

impl Game for EnvGame {
    fn turns(&self) -> Turns {
        self.turns
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
        let movers = self.state.active();
        let mut step: Vec<Value> = (0..SEATS).map(|_| json!(["ok", null])).collect();
        for (seat, action) in movers.iter().zip(actions) {
            step[*seat] = json!(["ok", action]);
        }
        if let Some(reply) = self.ask(json!({ "step": step })) {
            match State::read(reply.get("state")) {
                Some(state) => self.state = state,
                None => *self.failure.borrow_mut() = Some("the game process sent no state".into()),
            }
            self.refused = (0..SEATS)
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
        let scores: [f64; SEATS] = std::array::from_fn(|i| self.state.reward(i).unwrap_or(0.0));
        Some(End {
            scores,
            reason: format!(
                "the environment ended the game after {} steps (statuses {})",
                self.state.step,
                self.state.statuses.join(", ")
            ),
        })
    }

    fn forfeit(&self, faulted: [bool; SEATS]) -> [Option<f64>; SEATS] {
        // A bot that failed, as Kaggle's runner records it: its status ERROR, and the
        // interpreter decides what the others get.
        let ruled: Vec<usize> = self.ruled_out().into_iter().map(|(i, _)| i).collect();
        let state = if ruled.is_empty() && self.failure.borrow().is_none() {
            let step: Vec<Value> = (0..SEATS)
                .map(|i| {
                    if faulted[i] {
                        json!(["status", "ERROR"])
                    } else {
                        json!(["ok", null])
                    }
                })
                .collect();
            self.ask(json!({ "step": step }))
                .and_then(|r| State::read(r.get("state")))
                .unwrap_or_else(|| self.state.clone())
        } else {
            self.state.clone()
        };
        std::array::from_fn(|i| if faulted[i] { None } else { state.reward(i) })
    }

    fn frame(&self) -> Value {
        json!({
            "step": self.state.step,
            "statuses": self.state.statuses,
            "rewards": self.state.rewards,
            "observations": self.state.observations,
        })
    }

    fn ruled_out(&self) -> Vec<(usize, String)> {
        (0..SEATS)
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
