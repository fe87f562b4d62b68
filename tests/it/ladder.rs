//! `cagematch ladder DIR` as an organiser uses it over weeks: bots added, replaced and
//! removed between runs, and each run plays exactly the games that are new.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// Runs the ladder; returns its output and the journal's ids.
fn ladder(dir: &Path) -> (String, Vec<u64>) {
    let out = Command::new(env!("CARGO_BIN_EXE_cagematch"))
        .args(["ladder", dir.to_str().unwrap(), "--headless", "--jobs", "2"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let journal = std::fs::read_to_string(dir.join("run/journal.jsonl")).unwrap();
    let ids = journal
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_u64()
                .unwrap()
        })
        .collect();
    (stdout, ids)
}

/// The standings' bot column, best first.
fn ranked(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .skip_while(|l| !l.starts_with("rank"))
        .skip(1)
        .take_while(|l| !l.is_empty() && !l.starts_with('('))
        .map(|l| l.split_whitespace().nth(1).unwrap().to_string())
        .collect()
}

#[test]
fn a_ladder_plays_only_new_games_and_retires_replaced_and_removed_versions() {
    let dir = tempfile::tempdir().unwrap();
    let bots = dir.path().join("bots");
    std::fs::create_dir(&bots).unwrap();
    for b in ["rock", "random", "pattern"] {
        std::fs::copy(
            repo(&format!("bots/rps/{b}.py")),
            bots.join(format!("{b}.py")),
        )
        .unwrap();
    }
    std::fs::write(
        dir.path().join("ladder.yaml"),
        "name: Class ladder\ngame: rps\nconfiguration:\n  episodeSteps: 30\nbots:\n  folder: bots\ngames_per_pair: 2\n",
    )
    .unwrap();
    let (out, first) = ladder(dir.path());
    assert!(out.contains("ladder: 3 versions entered"), "{out}");
    assert_eq!(first.len(), 3 * 2, "three pairs, two games each");
    assert_eq!(ranked(&out).len(), 3);

    // A new bot: only its three pairings are played.
    std::fs::copy(repo("bots/rps/counter.py"), bots.join("counter.py")).unwrap();
    let (out, second) = ladder(dir.path());
    assert!(out.contains("ladder: counter: added, version "), "{out}");
    assert_eq!(second[..6], first[..], "nothing old played again");
    assert_eq!(second.len(), 12);
    assert_eq!(ranked(&out).len(), 4);

    // A new version of rock: the old one is retired, the new one plays everyone.
    let mut rock = std::fs::read_to_string(bots.join("rock.py")).unwrap();
    rock.push_str("# version 2\n");
    std::fs::write(bots.join("rock.py"), rock).unwrap();
    let (out, third) = ladder(dir.path());
    assert!(
        out.contains("ladder: rock: version ") && out.contains(" (retired)"),
        "{out}"
    );
    assert_eq!(third.len(), 18, "three new pairings");
    let ranks = ranked(&out);
    assert_eq!(
        ranks.len(),
        4,
        "the old rock is out of the standings: {ranks:?}"
    );
    // Every active version has played every other active one twice, the old rock's
    // games left out.
    for line in out
        .lines()
        .skip_while(|l| !l.starts_with("rank"))
        .skip(1)
        .take(4)
    {
        assert_eq!(line.split_whitespace().nth(3), Some("6"), "{line}");
    }
    assert!(
        !out.contains("[-inf, +inf]"),
        "the fit leaves retired versions out: {out}"
    );

    // A removed bot is retired; nothing is played; an unchanged ladder plays nothing.
    std::fs::remove_file(bots.join("random.py")).unwrap();
    let (out, fourth) = ladder(dir.path());
    assert!(out.contains("ladder: random: removed, version "), "{out}");
    assert_eq!(fourth, third);
    assert_eq!(ranked(&out).len(), 3);
    let (out, fifth) = ladder(dir.path());
    assert!(out.contains("ladder: no bot changed"), "{out}");
    assert_eq!(fifth, third);
    // The run folder keeps every version, retired ones with why.
    let run = std::fs::read_to_string(dir.path().join("run/run.json")).unwrap();
    assert_eq!(run.matches("\"retired\": \"replaced ").count(), 1, "{run}");
    assert_eq!(run.matches("\"retired\": \"removed ").count(), 1, "{run}");
    assert!(out.contains("versions (newest first):"), "{out}");
    assert_eq!(out.matches("  retired: ").count(), 2, "{out}");
}

#[test]
fn a_folder_without_ladder_yaml_is_a_one_line_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cagematch"))
        .args(["ladder", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("ladder.yaml: not found"), "{stderr}");
}

#[test]
fn a_ladder_with_a_budget_plays_a_new_version_a_fixed_number_of_games() {
    let dir = tempfile::tempdir().unwrap();
    let bots = dir.path().join("bots");
    std::fs::create_dir(&bots).unwrap();
    // Eight versions: three bots and copies told apart by a comment.
    for (i, b) in ["rock", "random", "pattern", "counter"].iter().enumerate() {
        let code = std::fs::read_to_string(repo(&format!("bots/rps/{b}.py"))).unwrap();
        std::fs::write(bots.join(format!("{b}.py")), &code).unwrap();
        std::fs::write(bots.join(format!("{b}_{i}.py")), code + "# a copy\n").unwrap();
    }
    let yaml = "name: Budget ladder\ngame: rps\nconfiguration:\n  episodeSteps: 20\nbots:\n  folder: bots\ngames_per_version: 4\n";
    std::fs::write(dir.path().join("ladder.yaml"), yaml).unwrap();
    let (out, first) = ladder(dir.path());
    assert!(out.contains("4 games per new version"), "{out}");
    // Eight versions, each its four games, a trickle pair, and at most two more.
    assert!((8 * 6..=8 * 8).contains(&first.len()), "{}", first.len());
    assert_eq!(ranked(&out).len(), 8);
    // A new version: its own block only — not a game against each of the eight.
    std::fs::copy(repo("bots/rps/template.py"), bots.join("template.py")).unwrap();
    let (out, second) = ladder(dir.path());
    assert_eq!(second[..first.len()], first[..], "nothing old played again");
    let new = second.len() - first.len();
    assert!(
        (6..=8).contains(&new),
        "{new} games for one new version\n{out}"
    );
    // How a ladder pairs is kept for good.
    std::fs::write(
        dir.path().join("ladder.yaml"),
        yaml.replace("games_per_version: 4\n", ""),
    )
    .unwrap();
    let refused = Command::new(env!("CARGO_BIN_EXE_cagematch"))
        .args(["ladder", dir.path().to_str().unwrap(), "--headless"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("games_per_version: the ladder was started with 4"),
        "{stderr}"
    );
    // A tournament (not a ladder) with a budget is told where it belongs.
    let t = dir.path().join("t.yaml");
    std::fs::write(&t, yaml).unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_cagematch"))
        .args(["run", t.to_str().unwrap(), "--headless"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("games_per_version: a living ladder's budget"),
        "{stderr}"
    );
}
