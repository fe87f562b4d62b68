//! Shared helpers for the integration tests: a cage running the real `cagematch` binary
//! as its zygote, fixture loading, and process-table checks.
#![allow(dead_code)]

pub mod report;
pub mod tmux;

use cagematch::cage::{Bot, BotSource, Cage, CagePolicy, Fault, Limits};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn policy(limits: Limits) -> CagePolicy {
    let mut policy = CagePolicy::new(env!("CARGO_BIN_EXE_cagematch"));
    policy.limits = limits;
    policy
}

pub fn test_limits() -> Limits {
    Limits {
        memory_mb: 256,
        cpu_seconds: 10,
        ..Limits::default()
    }
}

pub fn cage() -> Cage {
    Cage::start(&policy(test_limits())).expect("the cage starts")
}

pub fn source(path: &Path) -> BotSource {
    BotSource {
        name: path.file_name().unwrap().to_string_lossy().into_owned(),
        code: std::fs::read_to_string(path).expect("fixture readable"),
        bundle: None,
    }
}

pub fn good(name: &str) -> BotSource {
    source(&fixtures().join("good").join(name))
}

pub fn loaded(cage: &Cage, bot: &BotSource, seed: u64) -> Result<Bot, Fault> {
    let mut b = cage.spawn().expect("spawn");
    b.load(bot, seed, Duration::from_secs(5))?;
    Ok(b)
}

/// Bot processes of a zygote: its children except the init of the bots' PID namespace
/// (the process that is pid 1 inside it).
pub fn bots_of(zygote: i32) -> Vec<i32> {
    all_children_of(zygote)
        .into_iter()
        .filter(|pid| {
            let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
            let nspid = status.lines().find(|l| l.starts_with("NSpid:"));
            nspid.and_then(|l| l.split_whitespace().last()) != Some("1")
        })
        .collect()
}

/// Pids whose parent is `parent`, from /proc.
pub fn all_children_of(parent: i32) -> Vec<i32> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // Fields after the command name, which may hold spaces: "state ppid ...".
        let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
            continue;
        };
        let ppid = rest
            .split_whitespace()
            .nth(1)
            .and_then(|p| p.parse::<i32>().ok());
        if ppid == Some(parent) {
            out.push(pid);
        }
    }
    out
}

/// Waits until `cond` holds, up to `limit`.
pub fn eventually(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + limit;
    loop {
        if cond() {
            return true;
        }
        if Instant::now() > end {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A line of /proc/PID/status, e.g. `Seccomp`.
pub fn proc_status(pid: i32, key: &str) -> Option<String> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    text.lines().find_map(|l| {
        l.strip_prefix(&format!("{key}:"))
            .map(|v| v.trim().to_string())
    })
}

pub fn action_str(v: &Value) -> String {
    v.as_str()
        .map(str::to_string)
        .unwrap_or_else(|| v.to_string())
}

/// A fixed seed key, so tests replay the same seeds run after run.
#[allow(dead_code)]
pub fn seed_key() -> cagematch::referee::SeedKey {
    cagematch::referee::SeedKey::from_hex(&"5e".repeat(32)).expect("64 hex digits")
}

/// A round-robin RPS tournament of repository bots (paths from the repository root) in
/// `dir`, its run folders under `dir/runs`. Returns the file's name, relative to `dir`.
pub fn rps_tournament(dir: &Path, bots: &[&str], episode_steps: u32) -> &'static str {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files: Vec<String> = bots
        .iter()
        .map(|b| format!("\"{}\"", root.join(b).display()))
        .collect();
    let yaml = format!(
        "name: Shards\ngame: rps\nconfiguration:\n  episodeSteps: {episode_steps}\nbots:\n  files: [{}]\ngames_per_pair: 2\nseed: 9\njobs: 2\noutput: runs\n",
        files.join(", ")
    );
    std::fs::write(dir.join("t.yaml"), yaml).expect("write the tournament");
    "t.yaml"
}

/// A run folder's standings.yaml without its date line.
pub fn standings_without_date(run: &Path) -> String {
    std::fs::read_to_string(run.join("standings.yaml"))
        .expect("standings.yaml")
        .lines()
        .filter(|l| !l.starts_with("date: "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The `cagematch` binary run in `dir` with `args`.
pub fn cagematch_in(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_cagematch"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run cagematch")
}

/// `cagematch bench` with small counts and `--json`: a report's shape, not the
/// machine's speed.
pub const SMALL_BENCH: &[&str] = &[
    "bench",
    "--spawns",
    "10",
    "--moves",
    "50",
    "--matches",
    "4",
    "--fairness-matches",
    "2",
    "--json",
];

/// A process's output as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The one run folder in `dir/runs` (a test that ran one tournament there).
pub fn only_run(dir: &Path) -> PathBuf {
    let runs: Vec<PathBuf> = std::fs::read_dir(dir.join("runs"))
        .expect("a runs folder")
        .map(|e| e.expect("a folder entry").path())
        .collect();
    assert_eq!(runs.len(), 1, "{runs:?}");
    runs[0].clone()
}
