//! Tournaments of more than two seats (`seats: N`): a round robin of seat groups on the
//! repository's own 3-to-8-seat game runs headless, is killed (SIGKILL) and resumes to
//! the same standings; its export ranks by place; seat counts a game, a format, a
//! `run.json` or a journal line gets wrong are one-line errors that write nothing.

use crate::common::{cagematch_in, only_run, text};
use std::path::Path;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A competition folder: five bots of `games/lowest_unique_bots/` and `t.yaml` with
/// `extra` lines (seats, format).
fn competition(dir: &Path, extra: &str) {
    std::fs::create_dir_all(dir.join("bots")).unwrap();
    for b in ["one", "two", "gap", "random"] {
        let from = repo().join(format!("games/lowest_unique_bots/{b}.py"));
        std::fs::copy(from, dir.join(format!("bots/{b}.py"))).unwrap();
    }
    std::fs::write(
        dir.join("bots/three.py"),
        "def agent(observation, configuration):\n    return 3\n",
    )
    .unwrap();
    let game = repo().join("games/lowest_unique.py");
    std::fs::write(
        dir.join("t.yaml"),
        format!(
            "name: lowest unique\ngame: {}\nbots:\n  folder: bots\ngames_per_pair: 3\nseed: 11\noutput: runs\n{extra}",
            game.display()
        ),
    )
    .unwrap();
}

#[test]
fn a_free_for_all_runs_is_killed_and_resumes_to_the_same_standings() {
    let whole = tempfile::tempdir().unwrap();
    competition(whole.path(), "seats: 3\njobs: 2\n");
    let out = cagematch_in(whole.path(), &["run", "t.yaml", "--headless"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(
        said.contains("[30/30]"),
        "C(5, 3) groups × 3 games:\n{said}"
    );
    assert!(said.contains(" 1st  2nd  3rd place"), "{said}");
    assert!(said.contains("finished ahead of"), "{said}");
    let run = only_run(whole.path());
    let export: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(run.join("standings.yaml")).unwrap())
            .unwrap();
    assert_eq!(export["seats"], serde_yaml::Value::from(3));
    for row in export["standings"].as_sequence().unwrap() {
        let places: Vec<u64> = row["places"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|p| p.as_u64().unwrap())
            .collect();
        assert_eq!(places.len(), 3, "{row:?}");
        assert_eq!(
            places.iter().sum::<u64>(),
            18,
            "every bot is in 6 groups × 3 games"
        );
        assert!(row["elo_low"].as_f64().unwrap() < row["elo_high"].as_f64().unwrap());
    }
    // A Swiss by groups of three (five bots: two byes a round).
    let swiss = tempfile::tempdir().unwrap();
    competition(swiss.path(), "seats: 3\nformat: swiss\nrounds: 3\n");
    let out = cagematch_in(swiss.path(), &["run", "t.yaml", "--headless"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("[9/9]"),
        "3 rounds × 1 group × 3 games"
    );
    assert!(
        text(&out.stdout).contains("buchholz"),
        "{}",
        text(&out.stdout)
    );
    // `one` always picks 1, unique unless `random` or `gap` also does: it tops the table.
    assert_eq!(
        export["standings"][0]["name"],
        serde_yaml::Value::from("one")
    );

    // The same run killed outright after a few matches, then resumed.
    let killed = tempfile::tempdir().unwrap();
    competition(killed.path(), "seats: 3\njobs: 1\n");
    let mut runner = std::process::Command::new(env!("CARGO_BIN_EXE_cagematch"))
        .args(["run", "t.yaml", "--headless"])
        .current_dir(killed.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let lines = || {
        std::fs::read_dir(killed.path().join("runs"))
            .ok()
            .and_then(|mut d| d.next())
            .and_then(|e| std::fs::read_to_string(e.ok()?.path().join("journal.jsonl")).ok())
            .map_or(0, |t| t.lines().count())
    };
    while lines() < 8 {
        assert!(started.elapsed().as_secs() < 120, "the run never got going");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // SAFETY: a signal to our own child.
    unsafe { libc::kill(runner.id() as i32, libc::SIGKILL) };
    runner.wait().unwrap();
    let run_killed = only_run(killed.path());
    assert!(lines() < 30, "killed before the end");
    let out = cagematch_in(
        killed.path(),
        &[
            "run",
            "--resume",
            run_killed.to_str().unwrap(),
            "--headless",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // `jobs` differs (1 against 2) and is no part of the results.
    assert_eq!(
        crate::common::standings_without_date(&run_killed),
        crate::common::standings_without_date(&run)
    );
}

#[test]
fn wrong_seat_counts_are_one_line_errors_that_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        // A two-seat game asked for four.
        (
            "seats: 4\n",
            Some("game: rps"),
            "rps is a two-seat game, not a 4-seat one",
        ),
        // More than the game allows, fewer than it needs.
        ("seats: 9\n", None, "not 9"),
        (
            "seats: 2\n",
            None,
            "played by 3, 4, 5, 6, 7 or 8 seats, not 2",
        ),
        (
            "seats: 3\nformat: knockout\n",
            None,
            "a knockout pairs two bots",
        ),
        // More seats than bots.
        ("seats: 6\n", None, "5 bots cannot fill a match of 6 seats"),
        // Points by place: one number per place, for more than two seats.
        (
            "seats: 3\nplace_points: [1, 0]\n",
            None,
            "3 for 3 seats, not 2",
        ),
        (
            "seats: 3\nplace_points: [1, x, 0]\n",
            None,
            "must be a number",
        ),
        (
            "seats: 3\nplace_points: best\n",
            None,
            "`linear` or `rewards`",
        ),
        (
            "place_points: [1, 0.5, 0]\n",
            Some("game: rps"),
            "for matches of more than two seats",
        ),
    ];
    for (extra, game, words) in cases {
        let case = tempfile::tempdir_in(dir.path()).unwrap();
        competition(case.path(), extra);
        if let Some(game) = game {
            let text_now = std::fs::read_to_string(case.path().join("t.yaml")).unwrap();
            let line = text_now.lines().find(|l| l.starts_with("game:")).unwrap();
            std::fs::write(case.path().join("t.yaml"), text_now.replace(line, game)).unwrap();
        }
        let out = cagematch_in(case.path(), &["run", "t.yaml", "--headless"]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{extra}: {err}");
        assert!(err.contains(words), "{extra}: {err}");
        assert!(
            err.contains("seats:") || err.contains("place_points:"),
            "{extra}: {err}"
        );
        assert_eq!(err.lines().count(), 1, "{extra}: {err}");
        assert!(
            !case.path().join("runs").exists(),
            "{extra}: nothing written"
        );
    }

    // A run folder whose run.json or journal says another seat count than its schedule.
    let played = tempfile::tempdir_in(dir.path()).unwrap();
    competition(played.path(), "seats: 3\n");
    let out = cagematch_in(played.path(), &["run", "t.yaml", "--headless"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let run = only_run(played.path());
    let info = std::fs::read_to_string(run.join("run.json")).unwrap();
    assert!(info.contains("\"seats\": 3"), "{info}");
    let journal = std::fs::read_to_string(run.join("journal.jsonl")).unwrap();
    for (file, from, to, words) in [
        (
            "run.json",
            "\"seats\": 3",
            "\"seats\": 9",
            "a match has 2 to 8 seats, not 9",
        ),
        ("run.json", "\"seats\": 3", "\"seats\": 2", "has seats"),
    ] {
        std::fs::write(run.join(file), info.replacen(from, to, 1)).unwrap();
        let out = cagematch_in(played.path(), &["report", run.to_str().unwrap()]);
        let err = text(&out.stderr);
        assert_ne!(out.status.code(), Some(0), "{to}: {err}");
        assert!(err.contains(words), "{to}: {err}");
        assert_eq!(err.lines().count(), 1, "{to}: {err}");
    }
    std::fs::write(run.join("run.json"), &info).unwrap();
    // The first match with a seat of the three left out.
    let first = journal.lines().next().unwrap();
    let v: serde_json::Value = serde_json::from_str(first).unwrap();
    let mut cut = v.clone();
    for key in ["seats", "names", "outcomes", "scores", "faults"] {
        cut[key].as_array_mut().unwrap().pop();
    }
    let rest: Vec<&str> = journal.lines().skip(1).collect();
    std::fs::write(
        run.join("journal.jsonl"),
        format!("{}\n{}\n", cut, rest.join("\n")),
    )
    .unwrap();
    let out = cagematch_in(played.path(), &["report", run.to_str().unwrap()]);
    let err = text(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains(" has seats [") && err.contains("but the schedule gives"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    // One entry per seat in every list, or the line is refused.
    let mut short = v.clone();
    short["scores"].as_array_mut().unwrap().pop();
    std::fs::write(
        run.join("journal.jsonl"),
        format!("{}\n{}\n", short, rest.join("\n")),
    )
    .unwrap();
    let out = cagematch_in(played.path(), &["report", run.to_str().unwrap()]);
    let err = text(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("one name, outcome, score and fault per seat"),
        "{err}"
    );
}

/// `check` on a game of three or more seats: the bot takes each seat in turn, the
/// built-in opponent (a legal action from the observation's `legalActions`, as the
/// game gives it) fills the others.
#[test]
fn check_plays_a_free_for_all_bot_in_every_seat() {
    let dir = tempfile::tempdir().unwrap();
    let out = cagematch_in(
        dir.path(),
        &[
            "check",
            repo()
                .join("games/lowest_unique_bots/gap.py")
                .to_str()
                .unwrap(),
            "--game",
            repo().join("games/lowest_unique.py").to_str().unwrap(),
            "--games",
            "3",
        ],
    );
    let said = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{said}{}", text(&out.stderr));
    for seat in 1..=3 {
        assert!(
            said.contains(&format!("(seat {seat}, seed {seat})")),
            "{said}"
        );
    }
    // The opponents pick legal numbers: no game ends at once on their faults.
    assert!(!said.contains("after 1 move,"), "{said}");
    assert!(said.contains("no problems found"), "{said}");
}

/// A tournament's own points by place (`place_points: [3, 1, 0]`), or the game's rewards
/// as points (`place_points: rewards`, as Kaggle adds them up): standings count them,
/// and `run.json` keeps them for a resume.
#[test]
fn a_tournament_may_give_each_place_its_own_points() {
    let dir = tempfile::tempdir().unwrap();
    competition(dir.path(), "seats: 3\nplace_points: [3, 1, 0]\n");
    let out = cagematch_in(dir.path(), &["run", "t.yaml", "--headless"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let run = only_run(dir.path());
    let info = std::fs::read_to_string(run.join("run.json")).unwrap();
    assert!(info.contains("\"table\""), "{info}");
    let yaml = std::fs::read_to_string(run.join("standings.yaml")).unwrap();
    assert!(
        yaml.contains("place_points:\n- 3.0\n- 1.0\n- 0.0\n"),
        "{yaml}"
    );
    let export: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(run.join("standings.yaml")).unwrap())
            .unwrap();
    for row in export["standings"].as_sequence().unwrap() {
        let places: Vec<f64> = row["places"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|p| p.as_f64().unwrap())
            .collect();
        let points = row["points"].as_f64().unwrap();
        // Ties share, so points lie between what the places alone would give when
        // every tie went one way or the other; with no tie exactly 3·firsts + seconds.
        assert!(
            points <= 3.0 * (places[0] + places[1] + places[2]) + 1e-9,
            "{row:?}"
        );
        assert!(points >= places[0] * 1.0 - 1e-9, "{row:?}");
    }
    let top = &export["standings"][0];
    assert_eq!(top["name"], serde_yaml::Value::from("one"));
    assert!(top["points"].as_f64().unwrap() > 18.0, "{top:?}");

    let rewards = tempfile::tempdir().unwrap();
    competition(rewards.path(), "seats: 3\nplace_points: rewards\n");
    let out = cagematch_in(rewards.path(), &["run", "t.yaml", "--headless"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let run = only_run(rewards.path());
    let export: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(run.join("standings.yaml")).unwrap())
            .unwrap();
    for row in export["standings"].as_sequence().unwrap() {
        // The rewards are the rounds won: points are their sum, as is the payoff.
        assert_eq!(row["points"], row["payoff"], "{row:?}");
    }
}

/// A free-for-all ladder: each version plays a fixed number of groups; a new version
/// plays only its own; a replaced one's games stay and it plays no more; the seat count
/// cannot change under a running ladder.
#[test]
fn a_free_for_all_ladder_plays_a_fixed_number_of_groups_per_version() {
    let dir = tempfile::tempdir().unwrap();
    competition(dir.path(), "seats: 3\ngames_per_pair: 1\njobs: 2\n");
    let text_now = std::fs::read_to_string(dir.path().join("t.yaml")).unwrap();
    // A ladder file plays its own games per group (1 here) and has no output folder.
    let ladder_yaml = text_now
        .replace("games_per_pair: 3\n", "")
        .replace("output: runs\n", "");
    std::fs::write(dir.path().join("ladder.yaml"), ladder_yaml).unwrap();
    let ladder = |dir: &Path| -> (String, usize) {
        let out = cagematch_in(dir, &["ladder", dir.to_str().unwrap(), "--headless"]);
        let said = text(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{said}{}", text(&out.stderr));
        let lines = std::fs::read_to_string(dir.join("run/journal.jsonl"))
            .unwrap()
            .lines()
            .count();
        (said, lines)
    };
    let groups = cagematch::tournament::format::ladder::GROUPS_PER_VERSION;
    let (said, first) = ladder(dir.path());
    assert_eq!(first, 5 * groups, "{said}");
    assert!(said.contains(" 1st  2nd  3rd place"), "{said}");
    // A sixth bot: only its groups are played.
    std::fs::write(
        dir.path().join("bots/four.py"),
        "def agent(observation, configuration):\n    return 4\n",
    )
    .unwrap();
    let (said, second) = ladder(dir.path());
    assert_eq!(second, first + groups, "{said}");
    // `three` replaced: the new version plays its groups, the old one no more.
    std::fs::write(
        dir.path().join("bots/three.py"),
        "def agent(observation, configuration):\n    return 2\n",
    )
    .unwrap();
    let (said, third) = ladder(dir.path());
    assert_eq!(third, second + groups, "{said}");
    assert!(said.contains("three: version"), "{said}");
    // The seat count is the ladder's for good.
    let file = dir.path().join("ladder.yaml");
    let changed = std::fs::read_to_string(&file)
        .unwrap()
        .replace("seats: 3", "seats: 4");
    std::fs::write(&file, changed).unwrap();
    let out = cagematch_in(dir.path(), &["ladder", dir.path().to_str().unwrap()]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("seats: the ladder was started with 3 seats"),
        "{err}"
    );
}
