//! One tournament cut into shards (`run --shard`), each played on its own, then put
//! together (`merge`): the merged run folder is the run one machine would have written.
//! The same on a real Slurm cluster is in tests/e2e/slurm.rs.

use crate::common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Four quick bots: 12 matches.
const QUICK: [&str; 4] = [
    "bots/rps/counter.py",
    "bots/rps/pattern.py",
    "bots/rps/random.py",
    "bots/rps/rock.py",
];
/// Three bots, one of which sleeps 0.2 s a move: 6 matches, shard 1 of 3 is the
/// sleeper's games against counter (about 1 s each).
const SLOW: [&str; 3] = [
    "bots/rps/counter.py",
    "bots/rps/random.py",
    "tests/fixtures/games/sleeper.py",
];

fn cagematch(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cagematch"))
        .args(args)
        .current_dir(dir)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX")
        .env_remove("AWS_BATCH_JOB_ARRAY_INDEX")
        .envs(env.iter().copied())
        .output()
        .expect("run cagematch")
}

fn ok(out: &Output) -> String {
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

/// The one-line error of a command that must exit `code`.
fn fails(out: &Output, code: i32) -> String {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(code), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    err
}

fn journal_ids(run: &Path) -> Vec<u64> {
    std::fs::read_to_string(run.join("journal.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_u64()
                .unwrap()
        })
        .collect()
}

/// Runs cagematch, sends it `signal` when it prints a line starting with `at`, and waits.
fn signal_at(
    d: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    at: &str,
    signal: i32,
) -> std::process::ExitStatus {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cagematch"))
        .args(args)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .envs(env.iter().copied())
        .current_dir(d)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for line in lines.map_while(Result::ok) {
        if line.starts_with(at) {
            // SAFETY: signalling our own child.
            unsafe { libc::kill(child.id() as i32, signal) };
        }
    }
    child.wait().unwrap()
}

/// The reference: the tournament played whole on this machine, into `whole`.
fn whole_run(d: &Path, t: &str) {
    ok(&cagematch(
        d,
        &["run", t, "--headless", "--run-dir", "whole"],
        &[],
    ));
}

#[test]
fn shards_merge_into_the_standings_of_one_run_and_open_like_one() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let t = common::rps_tournament(d, &QUICK, 30);
    whole_run(d, t);
    let mut shards = Vec::new();
    for i in 0..3 {
        let out = ok(&cagematch(
            d,
            &["run", t, "--headless", "--shard", &format!("{i}/3")],
            &[],
        ));
        assert!(
            out.contains(&format!("run folder: runs/shards-shard-{i}-of-3")),
            "{out}"
        );
        shards.push(format!("runs/shards-shard-{i}-of-3"));
    }
    // Disjoint, and together the schedule: 4 matches each (two pairs, both seatings).
    let mut all: Vec<u64> = shards
        .iter()
        .flat_map(|s| journal_ids(&d.join(s)))
        .collect();
    assert!(shards.iter().all(|s| journal_ids(&d.join(s)).len() == 4));
    all.sort_unstable();
    assert_eq!(all, (0..12).collect::<Vec<_>>());

    let mut args = vec!["merge"];
    args.extend(shards.iter().map(String::as_str));
    args.extend(["--out", "merged"]);
    let out = ok(&cagematch(d, &args, &[]));
    assert!(
        out.contains("merged 3 shards, 12 matches, into merged"),
        "{out}"
    );
    let (whole, merged) = (d.join("whole"), d.join("merged"));
    assert_eq!(
        common::standings_without_date(&merged),
        common::standings_without_date(&whole)
    );
    assert_eq!(
        journal_ids(&merged),
        (0..12).collect::<Vec<_>>(),
        "in schedule order"
    );
    // Replays are the shards' own files, byte for byte.
    for shard in &shards {
        for file in std::fs::read_dir(d.join(shard).join("replays")).unwrap() {
            let file = file.unwrap();
            let copy = merged.join("replays").join(file.file_name());
            assert_eq!(
                std::fs::read(file.path()).unwrap(),
                std::fs::read(copy).unwrap()
            );
        }
    }
    let info: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(merged.join("run.json")).unwrap()).unwrap();
    assert!(
        info.get("shard").is_none() && info["matches"] == 12,
        "{info}"
    );
    // A merged folder is a run folder like any: nothing left to play, the export works.
    let out = ok(&cagematch(
        d,
        &[
            "run",
            "--resume",
            "merged",
            "--headless",
            "--export",
            "x.yaml",
        ],
        &[],
    ));
    assert!(out.contains("resuming: 12 matches already played"), "{out}");
    let export = std::fs::read_to_string(d.join("x.yaml")).unwrap();
    let export: Vec<&str> = export
        .lines()
        .filter(|l| !l.starts_with("date: "))
        .collect();
    assert_eq!(export.join("\n"), common::standings_without_date(&whole));
}

#[test]
fn a_killed_shard_run_again_plays_only_what_it_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let t = common::rps_tournament(d, &SLOW, 5);
    whole_run(d, t);
    // Shard 1 killed (SIGKILL: no clean-up at all) once its first match is in; one job,
    // so its second (about a second of sleeping) is surely still being played.
    let args = ["run", t, "--headless", "--shards", "3", "--jobs", "1"];
    signal_at(
        d,
        &args,
        &[("SLURM_ARRAY_TASK_ID", "1")],
        "[1/2]",
        libc::SIGKILL,
    );
    let shard = d.join("runs/shards-shard-1-of-3");
    assert_eq!(
        journal_ids(&shard).len(),
        1,
        "killed after one of its two matches"
    );
    // Run again, the same command: it resumes into its own folder.
    let out = ok(&cagematch(
        d,
        &["run", t, "--headless", "--shards", "3"],
        &[("SLURM_ARRAY_TASK_ID", "1")],
    ));
    assert!(out.contains("resuming: 1 matches already played"), "{out}");
    assert_eq!(journal_ids(&shard).len(), 2, "each match once");
    // And again: nothing left, nothing added.
    ok(&cagematch(
        d,
        &["run", t, "--headless", "--shard", "1/3"],
        &[],
    ));
    assert_eq!(journal_ids(&shard).len(), 2);
    for i in [0, 2] {
        ok(&cagematch(
            d,
            &["run", t, "--headless", "--shards", "3"],
            &[("JOB_COMPLETION_INDEX", &i.to_string())],
        ));
    }
    ok(&cagematch(
        d,
        &[
            "merge",
            "runs/shards-shard-0-of-3",
            "runs/shards-shard-1-of-3",
            "runs/shards-shard-2-of-3",
            "--out",
            "merged",
        ],
        &[],
    ));
    assert_eq!(
        common::standings_without_date(&d.join("merged")),
        common::standings_without_date(&d.join("whole"))
    );
}

#[test]
fn a_shard_stopped_by_sigterm_exits_75_for_the_scheduler_to_retry() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let t = common::rps_tournament(d, &SLOW, 5);
    let args = ["run", t, "--headless", "--shard", "1/3"];
    let status = signal_at(d, &args, &[], "run folder:", libc::SIGTERM);
    assert_eq!(status.code(), Some(75));
    ok(&cagematch(
        d,
        &["run", t, "--headless", "--shard", "1/3"],
        &[],
    ));
    assert_eq!(journal_ids(&d.join("runs/shards-shard-1-of-3")).len(), 2);
}

#[test]
fn bad_shards_and_bad_merges_are_one_line_errors_that_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let t = common::rps_tournament(d, &QUICK, 10);
    for (args, env, says) in [
        (&["--shard", "3/3"][..], &[][..], "must be below 3"),
        (&["--shard", "x/3"][..], &[][..], "I must be a whole number"),
        (&["--shards", "3"][..], &[][..], "no shard index in the environment (SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX)"),
        (&["--shards", "3"][..], &[("AWS_BATCH_JOB_ARRAY_INDEX", "seven")][..], "AWS_BATCH_JOB_ARRAY_INDEX=seven"),
    ] {
        let mut all = vec!["run", t, "--headless"];
        all.extend(args);
        let err = fails(&cagematch(d, &all, env), 2);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    // A resumed run keeps the shard it began with.
    let err = fails(
        &cagematch(d, &["run", "--resume", "runs", "--shard", "0/2"], &[]),
        2,
    );
    assert!(err.contains("its shard too"), "{err}");
    // A format whose next matches depend on results cannot be cut.
    let swiss = std::fs::read_to_string(d.join(t)).unwrap() + "format: swiss\nrounds: 2\n";
    std::fs::write(d.join("swiss.yaml"), swiss).unwrap();
    let err = fails(
        &cagematch(d, &["run", "swiss.yaml", "--shard", "0/2"], &[]),
        2,
    );
    assert!(err.contains("a swiss cannot be sharded"), "{err}");

    for i in 0..2 {
        ok(&cagematch(
            d,
            &["run", t, "--headless", "--shard", &format!("{i}/2")],
            &[],
        ));
    }
    ok(&cagematch(
        d,
        &[
            "run",
            t,
            "--headless",
            "--seed",
            "10",
            "--shard",
            "1/2",
            "--run-dir",
            "other-seed",
        ],
        &[],
    ));
    ok(&cagematch(
        d,
        &["run", t, "--headless", "--run-dir", "unsharded"],
        &[],
    ));
    let (s0, s1) = ("runs/shards-shard-0-of-2", "runs/shards-shard-1-of-2");
    for (args, says) in [
        (vec![s0], "6 matches missing: #"),
        (vec![s0, s0], "are both shard 0/2"),
        (
            vec![s0, "other-seed"],
            "not a shard of the same run as runs/shards-shard-0-of-2 (seed differs)",
        ),
        (vec![s0, "unsharded"], "unsharded: not a shard's run folder"),
        (vec![s0, "nowhere"], "nowhere"),
    ] {
        let mut all = vec!["merge"];
        all.extend(args.iter().copied());
        all.extend(["--out", "m"]);
        let err = fails(&cagematch(d, &all, &[]), 2);
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(!d.join("m").exists(), "nothing written");
    }
    // A shard folder from a machine we do not control: a replay that is a link to some
    // other file is refused, not copied into the merged run.
    let linked = d.join("linked");
    std::fs::create_dir_all(linked.join("replays")).unwrap();
    for name in ["run.json", "journal.jsonl"] {
        std::fs::copy(d.join(s1).join(name), linked.join(name)).unwrap();
    }
    for (i, file) in std::fs::read_dir(d.join(s1).join("replays"))
        .unwrap()
        .enumerate()
    {
        let file = file.unwrap();
        let to = linked.join("replays").join(file.file_name());
        if i == 0 {
            std::os::unix::fs::symlink(d.join(t), &to).unwrap();
        } else {
            std::fs::copy(file.path(), &to).unwrap();
        }
    }
    let err = fails(
        &cagematch(d, &["merge", s0, "linked", "--out", "m"], &[]),
        2,
    );
    assert!(err.contains("is a symbolic link"), "{err}");
    assert!(!d.join("m").exists(), "no half-merged run is left behind");
    // A shard whose replays/ folder is a link to an outside folder: refused, nothing of
    // that folder copied.
    std::fs::remove_dir_all(&linked).unwrap();
    std::fs::create_dir(&linked).unwrap();
    for name in ["run.json", "journal.jsonl"] {
        std::fs::copy(d.join(s1).join(name), linked.join(name)).unwrap();
    }
    std::os::unix::fs::symlink(d.join(s1).join("replays"), linked.join("replays")).unwrap();
    let err = fails(
        &cagematch(d, &["merge", s0, "linked", "--out", "m"], &[]),
        2,
    );
    assert!(err.contains("replays: is a symbolic link"), "{err}");
    assert!(!d.join("m").exists());
    // A shard whose replay is a zstd bomb (300 MiB of zeros in a few KiB): refused
    // before anything is copied, not merged for `replay` to refuse later.
    std::fs::remove_file(linked.join("replays")).unwrap();
    std::fs::create_dir(linked.join("replays")).unwrap();
    for (i, file) in std::fs::read_dir(d.join(s1).join("replays"))
        .unwrap()
        .enumerate()
    {
        let file = file.unwrap();
        let to = linked.join("replays").join(file.file_name());
        if i == 0 {
            use std::io::Write;
            let mut bomb =
                zstd::stream::Encoder::new(std::fs::File::create(&to).unwrap(), 19).unwrap();
            let zeros = vec![0u8; 1 << 20];
            for _ in 0..300 {
                bomb.write_all(&zeros).unwrap();
            }
            bomb.finish().unwrap();
        } else {
            std::fs::copy(file.path(), &to).unwrap();
        }
    }
    let err = fails(
        &cagematch(d, &["merge", s0, "linked", "--out", "m"], &[]),
        2,
    );
    assert!(err.contains("more than"), "{err}");
    assert!(!d.join("m").exists());
    let left: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        !left.iter().any(|n| n.to_string_lossy().contains("merging")),
        "{left:?}"
    );
    std::fs::create_dir(d.join("m")).unwrap();
    let err = fails(&cagematch(d, &["merge", s0, s1, "--out", "m"], &[]), 2);
    assert!(err.contains("m: already exists"), "{err}");
    // A folder that holds another run is not played into.
    let err = fails(
        &cagematch(
            d,
            &[
                "run",
                t,
                "--headless",
                "--shard",
                "0/2",
                "--run-dir",
                "unsharded",
            ],
            &[],
        ),
        2,
    );
    assert!(err.contains("unsharded: holds another run"), "{err}");
}
