//! A tournament as a Slurm job array on a real single-node cluster (slurmctld, slurmd and
//! munged on this machine; scripts/slurm-cluster writes its configuration and starts it,
//! and scripts/test runs that before the tests): three shards submitted with `sbatch
//! --array`, merged, equal to one machine's run; then one shard killed mid-run and
//! resubmitted, merged again, still equal. Skipped, loudly, only where no cluster is up
//! and none can be started (not root), with the reason.

use crate::common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// How long a submission may take before the test gives up (and cancels it).
const LIMIT: Duration = Duration::from_secs(240);

fn run(cmd: &mut Command) -> Output {
    cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"))
}

fn cluster_up() -> bool {
    run(Command::new("sinfo")
        .args(["-h", "-o", "%t"])
        .stderr(Stdio::null()))
    .stdout
    .starts_with(b"idle")
}

/// Why no cluster can be had here, or `None` once one is up.
fn cluster() -> Option<String> {
    if Command::new("sinfo").arg("--version").output().is_err() {
        return Some("Slurm is not installed (scripts/test installs it as root)".into());
    }
    if cluster_up() {
        return None;
    }
    // SAFETY: geteuid cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        return Some("no Slurm node is idle and starting the daemons needs root (run scripts/slurm-cluster start as root)".into());
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/slurm-cluster");
    let out = run(Command::new(script).arg("start"));
    if cluster_up() {
        None
    } else {
        Some(format!(
            "the daemons did not start: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Submits `script` as a job array of `indexes` in `dir` and waits for it (bounded).
/// Returns the job id; the tasks' output goes to `dir/slurm-JOB_TASK.out`.
fn submit(dir: &Path, indexes: &str, script: &Path, until: impl Fn() -> bool) -> String {
    let out = run(Command::new("sbatch")
        .args(["--parsable", "--array", indexes, "--time", "5"])
        .arg(format!("--chdir={}", dir.display()))
        .arg(format!("--output={}/slurm-%A_%a.out", dir.display()))
        .arg(script));
    assert!(
        out.status.success(),
        "sbatch: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let job = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let end = Instant::now() + LIMIT;
    while !until() {
        if Instant::now() > end {
            let _ = run(Command::new("scancel").arg(&job));
            panic!(
                "job {job} did not finish within {LIMIT:?}; squeue: {}",
                queue(&job)
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    job
}

fn queue(job: &str) -> String {
    String::from_utf8_lossy(&run(Command::new("squeue").args(["-h", "-j", job])).stdout)
        .into_owned()
}

/// Waits (bounded) until the job has left the queue: every task ended, however.
fn wait_gone(job: &str) {
    let end = Instant::now() + LIMIT;
    while !queue(job).trim().is_empty() {
        assert!(
            Instant::now() < end,
            "job {job} still queued after {LIMIT:?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn played(run: &Path) -> usize {
    std::fs::read_to_string(run.join("journal.jsonl")).map_or(0, |j| j.lines().count())
}

fn merge(dir: &Path, out: &str) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cagematch"));
    cmd.arg("merge").current_dir(dir);
    for i in 0..3 {
        cmd.arg(format!("runs/shards-shard-{i}-of-3"));
    }
    let out = run(cmd.args(["--out", out]));
    assert!(
        out.status.success(),
        "merge: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_tournament_runs_as_a_slurm_job_array_and_merges_exactly() {
    if let Some(why) = cluster() {
        eprintln!("SKIPPED: no Slurm cluster: {why}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Three bots, one sleeping 0.2 s a move: shard 1's two games (the sleeper against
    // counter) take about 6 s each, so a kill sent through Slurm after the first surely
    // lands in the second, however slowly the daemons pass it on.
    let t = common::rps_tournament(
        d,
        &[
            "bots/rps/counter.py",
            "bots/rps/random.py",
            "tests/fixtures/games/sleeper.py",
        ],
        31,
    );
    let whole = run(Command::new(env!("CARGO_BIN_EXE_cagematch"))
        .args(["run", t, "--headless", "--run-dir", "whole"])
        .current_dir(d));
    assert!(
        whole.status.success(),
        "{}",
        String::from_utf8_lossy(&whole.stderr)
    );

    // The job script of docs/scale-out.md (the index comes from SLURM_ARRAY_TASK_ID),
    // noting its process id, which `exec` keeps, for the crash below.
    let script = d.join("shard.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho $$ > pid-$SLURM_ARRAY_TASK_ID\nexec {} run {t} --headless --shards 3 --jobs 1\n",
            env!("CARGO_BIN_EXE_cagematch")
        ),
    )
    .unwrap();
    let shard = |i: usize| d.join(format!("runs/shards-shard-{i}-of-3"));
    let all_done = || (0..3).all(|i| played(&shard(i)) == 2);
    let job = submit(d, "0-2", &script, all_done);
    wait_gone(&job);
    merge(d, "merged");
    assert_eq!(
        common::standings_without_date(&d.join("merged")),
        common::standings_without_date(&d.join("whole"))
    );
    let log = std::fs::read_to_string(d.join(format!("slurm-{job}_1.out"))).unwrap();
    assert!(
        log.contains("run folder: runs/shards-shard-1-of-3"),
        "{log}"
    );

    // Again, with shard 1's process killed (SIGKILL, as a crashed node leaves it) after
    // its first match, then resubmitted alone. (Killing through `scancel --signal=KILL`
    // reached the task only some of the time on this single-node cluster.)
    for i in 0..3 {
        std::fs::remove_dir_all(shard(i)).unwrap();
    }
    let job = submit(d, "0-2", &script, || played(&shard(1)) >= 1);
    let pid: i32 = std::fs::read_to_string(d.join("pid-1"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // SAFETY: a signal to the shard's process, which runs as this test's user.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGKILL) }, 0, "kill {pid}");
    wait_gone(&job);
    assert_eq!(played(&shard(1)), 1, "killed in the middle");
    assert!(played(&shard(0)) == 2 && played(&shard(2)) == 2);
    let job = submit(d, "1", &script, || played(&shard(1)) == 2);
    wait_gone(&job);
    let retried = std::fs::read_to_string(shard(1).join("journal.jsonl")).unwrap();
    assert_eq!(retried.lines().count(), 2, "no match twice: {retried}");
    merge(d, "merged-after-retry");
    assert_eq!(
        common::standings_without_date(&d.join("merged-after-retry")),
        common::standings_without_date(&d.join("whole"))
    );
}
