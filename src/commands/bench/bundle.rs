//! The bundle row: a bundle with a 50 MB weights file. What the runner pays once per run
//! (copying and hashing it), what a spawn costs (fork, cage and private root: bundles are
//! not pooled, since the cage must know the bundle before it locks), what its load costs
//! and whom it is charged to (the bot, like any load), and its memory.

use super::figures::{round1, Figure, Name, BUDGET};
use crate::botfile::BotFile;
use crate::cage::{Cage, CagePolicy, Program};
use crate::error::Error;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// The weights file's size.
const WEIGHTS_MB: usize = 50;

/// Reads its weights whole at load, as most bundles do.
const MAIN: &str = "with open('weights.bin', 'rb') as f:\n    WEIGHTS = f.read()\n\n\ndef agent(observation, configuration):\n    return len(WEIGHTS) % 3\n";

/// The baseline: a one-file bot that holds as much memory (the bytes written, so the
/// pages are its own), spawned and loaded the same way. Ending a bot with 50 MB costs
/// the next spawn time whatever it is; this keeps that out of the comparison.
const HEAVY: &str = "WEIGHTS = b'\\x01' * (50 << 20)\n\n\ndef agent(observation, configuration):\n    return len(WEIGHTS) % 3\n";

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

/// Measures the bundle row with `spawns` spawns.
pub(super) fn measure(policy: &CagePolicy, spawns: usize) -> Result<BundleFigures, Error> {
    let dir = tempfile::tempdir().map_err(Error::runtime)?;
    let folder = dir.path().join("weighted");
    std::fs::create_dir(&folder).map_err(Error::runtime)?;
    std::fs::write(folder.join("main.py"), MAIN).map_err(Error::runtime)?;
    // Incompressible-looking bytes, so nothing along the way gets it cheaper.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let weights: Vec<u8> = (0..WEIGHTS_MB << 20)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    std::fs::write(folder.join("weights.bin"), weights).map_err(Error::runtime)?;
    let t = Instant::now();
    let bot = BotFile::read(&folder)?;
    let read = t.elapsed();
    let cage = Cage::start(policy).map_err(Error::runtime)?;
    let heavy = BotFile::from_code("heavy".into(), "heavy.py".into(), HEAVY.into());
    let baseline = spawn_and_load(
        &cage,
        &heavy,
        ("bundle_baseline", "baseline: one-file bot holding 50 MB"),
        spawns,
    )?;
    let run = spawn_and_load(
        &cage,
        &bot,
        ("bundle_spawn", "bundle: fork, cage, private root"),
        spawns,
    )?;
    Ok(BundleFigures {
        read,
        spawn: run.spawn,
        baseline: baseline.spawn,
        load_charged: run.charged,
        load_wall: run.wall,
        pss_kib: run.pss_kib,
    })
}

/// Spawns and loads `bot` `n` times: the spawns, the median load (charged and wall) and
/// the first one's PSS once loaded.
struct Runs {
    spawn: Figure,
    charged: Duration,
    wall: Duration,
    pss_kib: Result<f64, String>,
}

fn spawn_and_load(cage: &Cage, bot: &BotFile, name: Name, n: usize) -> Result<Runs, Error> {
    let Program::Python(source) = &bot.program else {
        return Err(Error::runtime("the bench's bundle is not a Python bot"));
    };
    let mut spawn = Figure::new(name);
    let (mut charged, mut wall) = (Vec::new(), Vec::new());
    let mut pss_kib = Err("not measured".to_string());
    for i in 0..n {
        let t = Instant::now();
        let mut caged = cage.spawn_program(&bot.program).map_err(Error::runtime)?;
        spawn.samples.push(t.elapsed());
        let loaded = caged
            .load(source, i as u64, BUDGET)
            .map_err(Error::runtime)?;
        charged.push(loaded.charged);
        wall.push(loaded.wall);
        if i == 0 {
            pss_kib = super::measure::pss_kib(caged.pid()).map_err(|e| e.to_string());
        }
    }
    charged.sort();
    wall.sort();
    Ok(Runs {
        spawn,
        charged: charged[charged.len() / 2],
        wall: wall[wall.len() / 2],
        pss_kib,
    })
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

pub(super) fn json(b: &BundleFigures) -> Value {
    json!({
        "weights_mb": WEIGHTS_MB,
        "read_ms": round1(ms(b.read)),
        "spawn": b.spawn.json(),
        "baseline_spawn": b.baseline.json(),
        "load_charged_ms": round1(ms(b.load_charged)),
        "load_wall_ms": round1(ms(b.load_wall)),
        "pss_kib": match &b.pss_kib {
            Ok(k) => json!(k.round()),
            Err(e) => json!({"unavailable": e}),
        },
    })
}

pub(super) fn table(b: &BundleFigures) {
    let line = |what: &str, value: f64, unit: &str| say!("{what:<58} {value:>8.1} {unit}");
    line(
        &format!("bundle, {WEIGHTS_MB} MB weights: read and copied, once per run"),
        ms(b.read),
        "ms",
    );
    line(
        "bundle: spawn (fork, cage, private root), median",
        b.spawn.median_us() / 1e3,
        "ms",
    );
    line(
        "bundle: load reading the weights, charged to the bot",
        ms(b.load_charged),
        "ms",
    );
    line("bundle: the same load, wall clock", ms(b.load_wall), "ms");
    match &b.pss_kib {
        Ok(k) => line("bundle bot, loaded (proportional set size)", *k, "KiB"),
        Err(e) => say!("  bundle memory unavailable: {e}"),
    }
}
