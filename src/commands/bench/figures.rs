//! What a bench run measures and judges: figures, targets and their names.

use super::{fairness, rounds};
use crate::game::GameKind;
use serde_json::{json, Value};
use std::time::Duration;

pub(super) const TRIVIAL_BOT: &str = "def agent(observation, configuration):\n    return 0\n";
pub(super) const BUDGET: Duration = Duration::from_secs(5);

/// A figure's key in `--json` (stable, documented in docs) and its label in the table.
pub(super) type Name = (&'static str, &'static str);

pub(super) struct Figure {
    pub(super) key: &'static str,
    pub(super) name: &'static str,
    pub(super) samples: Vec<Duration>,
}

impl Figure {
    pub(super) fn new((key, name): Name) -> Figure {
        Figure {
            key,
            name,
            samples: Vec::new(),
        }
    }

    pub(super) fn quantile(&self, q: f64) -> Duration {
        let mut s = self.samples.clone();
        s.sort();
        s.get(((s.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or_default()
    }

    pub(super) fn median_us(&self) -> f64 {
        us(self.quantile(0.5))
    }

    pub(super) fn json(&self) -> Value {
        json!({ "n": self.samples.len(), "median_us": round1(self.median_us()), "p95_us": round1(us(self.quantile(0.95))) })
    }
}

pub(super) fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

pub(super) fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

pub(super) fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

pub(super) struct Target {
    pub(super) name: &'static str,
    pub(super) goal: String,
    pub(super) value: String,
    pub(super) met: bool,
}

/// Spawn figures: the pool, a fork per spawn, and two cold baselines.
pub(super) struct Spawns {
    pub(super) pooled: Figure,
    pub(super) forked: Figure,
    pub(super) cold_python: Figure,
    pub(super) cold_embedded: Figure,
}

/// Matches per second of one game on one core and on all.
pub(super) struct Throughput {
    pub(super) game: GameKind,
    pub(super) one: f64,
    pub(super) all: f64,
}

/// Everything measured in one run.
pub(super) struct Measured {
    pub(super) spawns: Spawns,
    /// Per layout (same core, then across cores): caged bot, pipe floor, JSON lines.
    pub(super) moves: Vec<[Figure; 3]>,
    /// The agent called in-process by a plain Python loop (no isolation).
    pub(super) in_process: Figure,
    pub(super) rounds: rounds::RoundFigures,
    pub(super) jobs_all: usize,
    pub(super) throughput: Vec<Throughput>,
    /// (caged bot, plain python3) PSS in KiB, or why it could not be read.
    pub(super) memory: Result<(f64, f64), String>,
    pub(super) fairness: fairness::FairnessFigures,
    /// With `--venv`: a numpy bot's spawn and memory.
    /// A bundle with 50 MB of weights, or why it could not be measured.
    pub(super) bundle: Result<BundleFigures, String>,
    pub(super) numpy: Option<NumpyFigures>,
    /// A game of one's own (RPS as an environment) against the built-in RPS.
    pub(super) environment: EnvFigures,
    /// A ladder's batch for one new version, by the ladder's size.
    pub(super) ladder: Vec<super::ladder::LadderRow>,
}

/// A game of one's own (RPS as a Kaggle environment, 999 rounds) against the built-in
/// RPS and Kaggle's own runner.
pub(super) struct EnvFigures {
    /// Microseconds per round: the environment in its game process.
    pub(super) env_round_us: f64,
    /// The same, the built-in RPS.
    pub(super) builtin_round_us: f64,
    /// Of `env_round_us`, the seats' exchange (the slower seat's, request written to
    /// reply read); the rest is the game's step and the referee.
    pub(super) env_seats_us: f64,
    /// The same, the built-in RPS.
    pub(super) builtin_seats_us: f64,
    /// Matches per second: the environment through cagematch.
    pub(super) env_matches_per_s: f64,
    /// With `--game-venv`: kaggle_environments' env.run, or why it could not run.
    pub(super) kaggle: Option<Result<f64, String>>,
    /// With `--game-venv`: a 4-seat Hungry Geese, or why it could not run.
    pub(super) geese: Option<Result<GeeseFigures, String>>,
}

/// Four greedy geese through cagematch, and through kaggle_environments' env.run (or
/// why it could not run).
pub(super) struct GeeseFigures {
    pub(super) ours: GeeseRun,
    /// Per step through cagematch, the exchange with the four seats (asked at once on
    /// one core: the slowest seat's, request written to reply read); the rest of a
    /// running step is the game's step and the referee's work.
    pub(super) seats_exchange_us: f64,
    pub(super) kaggle: Result<GeeseRun, String>,
}

/// One way of running the geese's matches: whole matches, and the two parts of one.
pub(super) struct GeeseRun {
    /// The matches' steps (both ways play the same matches, so the same steps).
    pub(super) steps: u64,
    /// Steps per second over whole matches (the target's figure).
    pub(super) steps_per_s: f64,
    /// Steps per second from the first agent's first move to the match's end: the
    /// steps alone, without the match's start.
    pub(super) running_steps_per_s: f64,
    /// Milliseconds from asking for a match to its first move, per match: cagematch
    /// starts four caged bot processes and the environment's reset; env.run makes the
    /// environment, resets it and makes its agent runner.
    pub(super) start_ms: f64,
}

impl GeeseRun {
    /// Microseconds a step takes once the match runs.
    pub(super) fn running_step_us(&self) -> f64 {
        1e6 / self.running_steps_per_s
    }

    /// From the matches' total steps, their total time and the part of it before the
    /// first moves.
    pub(super) fn of(steps: u64, matches: u64, total_s: f64, start_s: f64) -> GeeseRun {
        GeeseRun {
            steps,
            steps_per_s: steps as f64 / total_s,
            running_steps_per_s: steps as f64 / (total_s - start_s),
            start_ms: start_s * 1e3 / matches as f64,
        }
    }
}

pub(super) struct NumpyFigures {
    pub(super) pooled: Figure,
    /// (caged numpy bot, plain python3 with numpy) PSS in KiB, or why not.
    pub(super) memory: Result<(f64, f64), String>,
}

/// A bundle with 50 MB of weights (`bundle.rs` measures it).
pub(super) struct BundleFigures {
    /// Reading the bundle into its private copy, once per run (the runner's cost).
    pub(super) read: Duration,
    /// Fork, cage, private root (no weights read yet).
    pub(super) spawn: Figure,
    /// The same for a one-file bot holding as much memory.
    pub(super) baseline: Figure,
    /// The load (reading 50 MB), as charged to the bot and as the wall clock saw it.
    pub(super) load_charged: Duration,
    pub(super) load_wall: Duration,
    /// PSS of a loaded bundle bot, in KiB, or why it could not be read.
    pub(super) pss_kib: Result<f64, String>,
}

/// The middle value (the upper of the two middle ones).
pub(super) fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}
