//! A free-for-all: Kaggle's Hungry Geese, four greedy geese (`bots/hungry_geese/
//! greedy.py`), through cagematch (four caged bots asked at once each step, the
//! environment in its game process) and through `kaggle_environments`' own `env.run`
//! (four agents in one process, no cage). Steps per second, both ways, same run; only
//! with `--game-venv` (the environment is the package's).

use super::figures::{GeeseFigures, GeeseRun};
use crate::cage::{Cage, CagePolicy};
use crate::referee::{self, MatchSpec, SeedKey};
use serde_json::json;
use std::path::Path;
use std::time::Instant;

/// The bots: one greedy goose per seat.
const GREEDY: &str = include_str!("../../../bots/hungry_geese/greedy.py");
const SEATS: usize = 4;
/// Matches timed each way (after one to warm up): Hungry Geese matches are short.
const MATCHES: u64 = 10;

pub(super) fn measure(policy: &CagePolicy, venv: &Path) -> Result<GeeseFigures, String> {
    let game = crate::commands::shared::game_or_environment("kaggle:hungry_geese", Some(venv))
        .map_err(|e| e.to_string())?;
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let path = dir.path().join("greedy.py");
    std::fs::write(&path, GREEDY).map_err(|e| e.to_string())?;
    let bot = crate::botfile::BotFile::read(&path).map_err(|e| e.to_string())?;
    // A match's worth of seats kept ready, as a tournament's worker has.
    let mut policy = policy.clone();
    policy.pool = SEATS;
    let cage = Cage::start(&policy).map_err(|e| e.to_string())?;
    // The public key: the same geese and food every run (match lengths, which per-match
    // costs weigh on, do not vary between runs); bench bots have nothing to hide.
    let key = SeedKey::public();
    // A match's steps, the time from asking for it to its first frame (its bots started
    // and loaded, the environment reset: what comes before the first move), and its
    // steps' exchanges with the seats (each the slowest seat's: all four are asked at
    // once, on one core, so the slowest answers after every seat has run).
    let spec = |seed: u64| MatchSpec {
        game,
        config: json!({}),
        seed,
        key,
        time_control: game.default_time_control(),
        bots: vec![&bot; SEATS],
        fairness: Default::default(),
        monitor: None,
    };
    let play = |seed: u64| -> Result<(u64, f64, f64), String> {
        let spec = spec(seed);
        let asked = Instant::now();
        let mut first = None;
        let record = referee::play(&cage, &spec, &mut |_| {
            first.get_or_insert_with(Instant::now);
        })
        .map_err(|e| e.to_string())?;
        let started = first.map_or(0.0, |f| (f - asked).as_secs_f64());
        let exchanges = super::rounds::slowest_exchanges_us(&record) / 1e6;
        Ok((record.frames.len() as u64 - 1, started, exchanges))
    };
    let (ours, exchanging) = crate::affinity::pinned(0, || -> Result<(GeeseRun, f64), String> {
        play(0)?;
        let start = Instant::now();
        let (mut steps, mut starting, mut exchanging) = (0, 0.0, 0.0);
        for seed in 1..=MATCHES {
            let (n, started, exchanges) = play(seed)?;
            steps += n;
            starting += started;
            exchanging += exchanges;
        }
        let total = start.elapsed().as_secs_f64();
        Ok((GeeseRun::of(steps, MATCHES, total, starting), exchanging))
    })?;
    // env.run plays the same matches: the game seeds the referee hands the game process.
    let seeds: Vec<u64> = (1..=MATCHES)
        .map(|s| referee::game_seed(&spec(s)))
        .collect();
    Ok(GeeseFigures {
        seats_exchange_us: exchanging * 1e6 / ours.steps.max(1) as f64,
        ours,
        kaggle: kaggle_run(venv, &path, &seeds),
    })
}

/// kaggle_environments' `env.run` with four greedy agents (each its own namespace, as
/// a goose keeps its last move), the same figures. Python's `random` is seeded with each
/// match's game seed just before `run` (whose reset places the geese and food), as the
/// game process seeds it before its reset: the same matches, step for step. A match's
/// start is timed to its first agent's first call (each agent wrapped to note it).
fn kaggle_run(venv: &Path, bot: &Path, seeds: &[u64]) -> Result<GeeseRun, String> {
    let script = format!(
        "import time, kaggle_environments as k\n\
         source = open({bot:?}).read()\n\
         first = []\n\
         def noted(agent):\n\
         \x20   def call(observation, configuration):\n\
         \x20       if not first:\n\
         \x20           first.append(time.perf_counter())\n\
         \x20       return agent(observation, configuration)\n\
         \x20   return call\n\
         def agents():\n\
         \x20   out = []\n\
         \x20   for _ in range({SEATS}):\n\
         \x20       scope = {{}}\n\
         \x20       exec(source, scope)\n\
         \x20       out.append(noted(scope['agent']))\n\
         \x20   return out\n\
         k.make('hungry_geese').run(agents())\n\
         steps, starting, t = 0, 0.0, time.perf_counter()\n\
         import random\n\
         for seed in {seeds:?}:\n\
         \x20   first.clear()\n\
         \x20   asked = time.perf_counter()\n\
         \x20   env = k.make('hungry_geese')\n\
         \x20   players = agents()\n\
         \x20   random.seed(seed)\n\
         \x20   env.run(players)\n\
         \x20   starting += first[0] - asked\n\
         \x20   steps += len(env.steps) - 1\n\
         print(steps, time.perf_counter() - t, starting)\n",
        bot = bot.display().to_string()
    );
    let [steps, total, starting] = super::kaggle_baseline::python_figures(venv, &script)?;
    Ok(GeeseRun::of(steps as u64, MATCHES, total, starting))
}
