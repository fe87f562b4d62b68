//! The bundle row: a bundle with a 50 MB weights file. What the runner pays once per run
//! (copying and hashing it), what a spawn costs (fork, cage and private root: bundles are
//! not pooled, since the cage must know the bundle before it locks), what its load costs
//! and whom it is charged to (the bot, like any load), and its memory.

use super::figures::{round1, BundleFigures, Figure, Name, BUDGET};
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
/// pages are its own), spawned and loaded the same way.
const HEAVY: &str = "WEIGHTS = b'\\x01' * (50 << 20)\n\n\ndef agent(observation, configuration):\n    return len(WEIGHTS) % 3\n";

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
    let mut baseline = Runs::new(("bundle_baseline", "baseline: one-file bot holding 50 MB"));
    let mut run = Runs::new(("bundle_spawn", "bundle: fork, cage, private root"));
    // Each after a bot of its own kind has ended: ending a bot that held 50 MB costs the
    // next spawn something (its cgroup is removed then), and that belongs to its kind.
    for i in 0..spawns {
        baseline.spawn_and_load(&cage, &heavy, i)?;
    }
    for i in 0..spawns {
        run.spawn_and_load(&cage, &bot, i)?;
    }
    Ok(BundleFigures {
        read,
        spawn: run.spawn,
        baseline: baseline.spawn,
        load_charged: median(&mut run.charged),
        load_wall: median(&mut run.wall),
        pss_kib: run.pss_kib,
    })
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

/// A bot's spawns, loads (charged and wall) and its first PSS once loaded.
struct Runs {
    spawn: Figure,
    charged: Vec<Duration>,
    wall: Vec<Duration>,
    pss_kib: Result<f64, String>,
}

impl Runs {
    fn new(name: Name) -> Runs {
        Runs {
            spawn: Figure::new(name),
            charged: Vec::new(),
            wall: Vec::new(),
            pss_kib: Err("not measured".to_string()),
        }
    }

    /// Spawns and loads `bot` once (the `i`th time).
    fn spawn_and_load(&mut self, cage: &Cage, bot: &BotFile, i: usize) -> Result<(), Error> {
        let Program::Python(source) = &bot.program else {
            return Err(Error::runtime("the bench's bundle is not a Python bot"));
        };
        let t = Instant::now();
        let mut caged = cage.spawn_program(&bot.program).map_err(Error::runtime)?;
        self.spawn.samples.push(t.elapsed());
        let loaded = caged
            .load(source, i as u64, BUDGET)
            .map_err(Error::runtime)?;
        self.charged.push(loaded.charged);
        self.wall.push(loaded.wall);
        if i == 0 {
            self.pss_kib = super::pss::pss_kib(caged.pid()).map_err(|e| e.to_string());
        }
        let pid = caged.pid();
        drop(caged);
        ended(pid);
        Ok(())
    }
}

/// Waits (at most a second) until the process has ended (gone or a zombie), then a few
/// ms for the zygote to reap it, as between two matches: freeing its 50 MB is not the
/// next spawn's.
fn ended(pid: libc::pid_t) {
    let deadline = Instant::now() + Duration::from_secs(1);
    while Instant::now() < deadline {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let state = stat
            .rsplit_once(')')
            .and_then(|(_, r)| r.trim().chars().next());
        if matches!(state, None | Some('Z' | 'X')) {
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    std::thread::sleep(Duration::from_millis(5));
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
        "baseline: one-file bot holding 50 MB, spawn median",
        b.baseline.median_us() / 1e3,
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
