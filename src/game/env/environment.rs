//! An environment opened once per run: where it is, what its first start said, and the
//! game processes waiting for the next match.

use super::game::{EnvGame, State};
use super::process::{GameError, GameProcess};
use super::source::Source;
use crate::game::rules::{SettingError, Turns, MAX_SEATS, SEATS};
use serde_json::{json, Map, Value};
use std::cell::RefCell;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

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
    /// The action schema (what `check`'s opponent plays from).
    pub action: Value,
    /// The game venv's site-packages, if any.
    pub site: Option<PathBuf>,
    /// The `cagematch` binary the game processes run.
    pub program: PathBuf,
    /// The sha256 of its code (see [`Source::digest`]).
    pub sha256: String,
    pub limits: Walls,
    /// Game processes whose match is over, kept for the next match.
    idle: Arc<Mutex<Vec<GameProcess>>>,
}

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
            // A process serves many matches (see `RETIRE`); a hang is caught per step.
            cpu_seconds: 86_400,
            step: Duration::from_secs(10),
            start: Duration::from_secs(120),
        }
    }
}

/// Environments by the index a [`super::GameKind::Env`] holds: a game kind stays a small
/// `Copy` value however many matches share it. An entry is opened (started once, its
/// specification known) or only named: a replay or a run folder read back names its
/// game by label, and nothing of it runs until a command opens it (see [`open_named`]).
static REGISTRY: OnceLock<Mutex<Vec<Entry>>> = OnceLock::new();

#[derive(Debug, Clone)]
enum Entry {
    Opened(Arc<Environment>),
    Named(String),
}

impl Entry {
    fn label(&self) -> &str {
        match self {
            Entry::Opened(env) => &env.label,
            Entry::Named(label) => label,
        }
    }
}

fn registry() -> std::sync::MutexGuard<'static, Vec<Entry>> {
    let list = REGISTRY.get_or_init(Mutex::default);
    list.lock().unwrap_or_else(|p| p.into_inner())
}

/// The most environments one process names (labels read from files included).
const MAX_ENVIRONMENTS: usize = 1000;
/// The longest label kept.
const MAX_LABEL: usize = 300;

/// The environment behind an index, if it was opened.
pub fn opened(id: u16) -> Result<Arc<Environment>, GameError> {
    match registry().get(id as usize) {
        Some(Entry::Opened(env)) => Ok(Arc::clone(env)),
        Some(Entry::Named(label)) => Err(GameError::Start(format!(
            "{label}: the environment was named but not opened"
        ))),
        None => Err(GameError::Start("no such environment".into())),
    }
}

/// Ends every idle game process of every opened environment (and removes their scratch
/// folders): what a command does before it exits, since the registry is never dropped.
pub fn close_all() {
    let opened: Vec<Arc<Environment>> = registry()
        .iter()
        .filter_map(|e| match e {
            Entry::Opened(env) => Some(Arc::clone(env)),
            Entry::Named(_) => None,
        })
        .collect();
    for env in opened {
        let idle = std::mem::take(&mut *env.idle.lock().unwrap_or_else(|p| p.into_inner()));
        drop(idle);
    }
}

/// The label an environment goes by (a path or `kaggle:NAME`, escaped).
pub fn label(id: u16) -> String {
    registry()
        .get(id as usize)
        .map_or_else(|| "environment".to_string(), |e| e.label().to_string())
}

/// The index of the environment a label names, registering it (not started) when no
/// environment goes by it yet. The label is a file's (a replay's, `run.json`'s), so it is
/// escaped and cut first; `None` when the registry is full.
pub fn named(label: &str) -> Option<u16> {
    let label = clean(label);
    let mut list = registry();
    if let Some(i) = list.iter().position(|e| e.label() == label) {
        return Some(i as u16);
    }
    if list.len() >= MAX_ENVIRONMENTS {
        return None;
    }
    list.push(Entry::Named(label));
    Some((list.len() - 1) as u16)
}

/// Opens an environment known by label only (a run folder's, read back to be resumed):
/// its label names where it is, `site` the game venv's site-packages.
pub fn open_named(id: u16, site: Option<PathBuf>) -> Result<(), GameError> {
    let label = match registry().get(id as usize) {
        Some(Entry::Named(label)) => label.clone(),
        Some(Entry::Opened(_)) => return Ok(()),
        None => return Err(GameError::Start("no such environment".into())),
    };
    let source = Source::of(&label).unwrap_or_else(|| {
        Err(GameError::Start(format!(
            "{label}: not a path or kaggle:NAME"
        )))
    })?;
    Environment::open(&label, source, site).map(|_| ())
}

fn clean(label: &str) -> String {
    crate::cage::log::sanitize(crate::cage::log::cut(label, MAX_LABEL).as_bytes())
}

impl Environment {
    /// Opens the environment a game name names (starting it once, two seats, default
    /// settings, to learn its specification), or says in one line why it cannot.
    /// `site`: the game venv's site-packages (checked by the caller). A label already
    /// opened is that environment; one only named is opened in its place.
    pub fn open(label: &str, source: Source, site: Option<PathBuf>) -> Result<u16, GameError> {
        let program = std::env::current_exe()
            .map_err(|e| GameError::Start(format!("cannot find own executable: {e}")))?;
        Environment::open_with(label, source, site, program)
    }

    /// [`Environment::open`] with the `cagematch` binary to run as the game process
    /// (a test's own executable is not one).
    pub fn open_with(
        label: &str,
        source: Source,
        site: Option<PathBuf>,
        program: PathBuf,
    ) -> Result<u16, GameError> {
        if matches!(source, Source::Kaggle(_)) && site.is_none() {
            return Err(GameError::Start(
                "kaggle:NAME needs the venv that has kaggle_environments: --game-venv DIR".into(),
            ));
        }
        let label = clean(label);
        let sha256 = source.digest(site.as_deref())?;
        let existing = registry().iter().position(|e| e.label() == label);
        if let Some(i) = existing {
            if let Entry::Opened(env) = &registry()[i] {
                if env.site == site {
                    return Ok(i as u16);
                }
                return Err(GameError::Start(format!(
                    "{label}: already opened with another game venv"
                )));
            }
        }
        let mut env = Environment {
            source,
            label,
            name: String::new(),
            title: String::new(),
            agents: Vec::new(),
            defaults: Map::new(),
            action: Value::Null,
            site,
            program,
            sha256,
            limits: Walls::default(),
            idle: Arc::default(),
        };
        let (probe, ready) = env.start(&Value::Object(Map::new()), 0, None)?;
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
        env.action = ready.get("action").cloned().unwrap_or(Value::Null);
        env.defaults = ready
            .get("configuration")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        if env.seat_counts().is_empty() {
            return Err(GameError::Start(format!(
                "{}: the environment allows {:?} seats; cagematch plays 2 to {MAX_SEATS}",
                env.label, env.agents
            )));
        }
        // The probe serves the first match.
        env.idle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(probe);
        let mut list = registry();
        let entry = Entry::Opened(Arc::new(env));
        // Another thread may have named (or opened) it meanwhile: one label, one index.
        let label = entry.label().to_string();
        match list.iter().position(|e| e.label() == label) {
            Some(i) => {
                if let Entry::Named(_) = list[i] {
                    list[i] = entry;
                }
                Ok(i as u16)
            }
            None if list.len() >= MAX_ENVIRONMENTS => {
                Err(GameError::Start("too many environments opened".into()))
            }
            None => {
                list.push(entry);
                Ok((list.len() - 1) as u16)
            }
        }
    }

    /// The seat counts a match of this environment may have: those its specification
    /// allows, from 2 to [`MAX_SEATS`].
    pub fn seat_counts(&self) -> Vec<usize> {
        let mut counts: Vec<usize> = self
            .agents
            .iter()
            .copied()
            .filter(|n| (2..=MAX_SEATS).contains(n))
            .collect();
        counts.sort_unstable();
        counts.dedup();
        counts
    }

    /// The seat count a match has unless told: two where allowed, else the fewest.
    pub fn default_seats(&self) -> usize {
        let counts = self.seat_counts();
        if counts.contains(&SEATS) {
            SEATS
        } else {
            counts.first().copied().unwrap_or(SEATS)
        }
    }

    /// Whether a match may have `seats` seats, and if not, why in words.
    pub fn check_seats(&self, seats: usize) -> Result<(), String> {
        if self.seat_counts().contains(&seats) {
            return Ok(());
        }
        Err(format!(
            "{} is played by {} seats, not {seats}",
            self.label,
            words(&self.seat_counts())
        ))
    }

    /// A game process for one match with these settings (`seats`: `None` for the probe
    /// that opens the environment); its ready line.
    fn start(
        &self,
        config: &Value,
        seed: u64,
        seats: Option<usize>,
    ) -> Result<(GameProcess, Value), GameError> {
        let start = json!({
            "source": self.source.start_value(),
            "configuration": config,
            "seats": seats,
            "seed": seed,
            "site": self.site.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
            "memory_mb": self.limits.memory_mb,
            "cpu_seconds": self.limits.cpu_seconds,
        });
        GameProcess::start(&self.program, start, self.limits.start)
    }

    /// A game process for a match: an idle one reset to these settings (the
    /// environment's code stays loaded: a worker's matches share one process), or a new
    /// one.
    fn process_for(
        &self,
        config: &Value,
        seed: u64,
        seats: usize,
    ) -> Result<(GameProcess, Value), GameError> {
        let idle = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        if let Some(mut process) = idle {
            let reset =
                json!({ "reset": { "configuration": config, "seed": seed, "seats": seats } });
            match process.ask(&reset, self.limits.start) {
                Ok(reply) if reply.get("ready").is_some() => {
                    process.count_match();
                    return Ok((process, reply["ready"].clone()));
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
        self.start(config, seed, Some(seats))
    }

    /// A match of this environment with `seats` seats, with `config`.
    pub fn create(
        self: &Arc<Self>,
        config: &Value,
        seed: u64,
        seats: usize,
    ) -> Result<EnvGame, SettingError> {
        self.check_seats(seats).map_err(SettingError::Shape)?;
        let config = if config.is_null() {
            Value::Object(Map::new())
        } else {
            config.clone()
        };
        let (process, mut ready) = self
            .process_for(&config, seed, seats)
            .map_err(|e| match e {
                GameError::Start(why) => SettingError::Shape(why),
                other => SettingError::Shape(other.to_string()),
            })?;
        process.follow();
        let state = State::read(ready.get_mut("state"), seats)
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
            idle: Arc::clone(&self.idle),
            process: RefCell::new(Some(process)),
            state,
            configuration,
            turns,
            failure: RefCell::new(None),
            refused: Vec::new(),
            dropped: vec![None; seats],
            step_deadline: self.limits.step,
        })
    }
}

/// Seat counts in words: "2", "2 or 4", "2, 3 or 4".
fn words(counts: &[usize]) -> String {
    let text: Vec<String> = counts.iter().map(usize::to_string).collect();
    match text.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => "no number of".into(),
    }
}
