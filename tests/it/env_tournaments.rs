//! Tournaments on a game of one's own: `init --game PATH` makes a competition folder
//! that runs, a tournament file names an environment by path (relative to the file),
//! a run folder of one resumes, reports and replays, and a match the game's own code
//! breaks is void — recorded with the error, counted for no one — while the run goes on.

use crate::common::{cagematch_in, only_run, text};
use serde_json::Value;
use std::path::Path;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn bot(dir: &Path, name: &str, action: &str) {
    std::fs::create_dir_all(dir).unwrap();
    let code = format!("def agent(observation, configuration):\n    return {action}\n");
    std::fs::write(dir.join(name), code).unwrap();
}

fn journal(run: &Path) -> Vec<Value> {
    std::fs::read_to_string(run.join("journal.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn init_with_an_environment_makes_a_competition_that_runs_resumes_and_reports() {
    let dir = tempfile::tempdir().unwrap();
    let club = dir.path().join("club");
    let game = repo().join("games/takeaway.py");
    let out = cagematch_in(
        dir.path(),
        &["init", "club", "--game", game.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let file = std::fs::read_to_string(club.join("tournaments/club.yaml")).unwrap();
    let quoted = serde_json::to_string(&game.display().to_string()).unwrap();
    assert!(file.contains(&format!("game: {quoted}")), "{file}");
    for made in ["template.py", "random.py", "first.py"] {
        let out = cagematch_in(
            dir.path(),
            &[
                "check",
                club.join("bots").join(made).to_str().unwrap(),
                "--game",
                game.to_str().unwrap(),
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{made}: {}", text(&out.stdout));
    }
    std::fs::copy(
        repo().join("games/takeaway_bots/perfect.py"),
        club.join("submissions/perfect.py"),
    )
    .unwrap();
    let out = cagematch_in(&club, &["run", "tournaments/club.yaml", "--headless"]);
    let said = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{said}{}", text(&out.stderr));
    let first = said
        .lines()
        .find(|l| l.trim_start().starts_with("1 "))
        .unwrap();
    assert!(first.contains("perfect"), "the perfect player wins: {said}");
    let run = only_run(&club);
    let info: Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("run.json")).unwrap()).unwrap();
    assert_eq!(info["game"], Value::from(game.display().to_string()));
    // The run folder reads back: resumed (the environment opened again from its label),
    // reported, and its replays open.
    let out = cagematch_in(
        &club,
        &["run", "--resume", run.to_str().unwrap(), "--headless"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = cagematch_in(
        &club,
        &[
            "report",
            run.to_str().unwrap(),
            "--format",
            "markdown",
            "--out",
            "-",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("perfect"));
    let replay = journal(&run)[0]["replay"].as_str().unwrap().to_string();
    let record = cagematch_replay_json(&run.join(replay));
    assert_eq!(record["game"], Value::from(game.display().to_string()));
}

/// A replay file's JSON (zstd-compressed).
fn cagematch_replay_json(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap();
    let json = zstd::decode_all(&bytes[..]).unwrap();
    serde_json::from_slice(&json).unwrap()
}

#[test]
fn a_match_the_games_code_breaks_is_void_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let bots = dir.path().join("bots");
    bot(&bots, "one.py", "1");
    bot(&bots, "seven.py", "7");
    std::fs::copy(
        repo().join("games/takeaway_bots/perfect.py"),
        bots.join("perfect.py"),
    )
    .unwrap();
    // The game is named relative to the tournament file's folder.
    std::fs::create_dir(dir.path().join("tournaments")).unwrap();
    std::fs::copy(
        repo().join("tests/envs/fragile.py"),
        dir.path().join("fragile.py"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("tournaments/t.yaml"),
        "name: fragile\ngame: ../fragile.py\nbots: {folder: ../bots}\n",
    )
    .unwrap();
    let out = cagematch_in(dir.path(), &["run", "tournaments/t.yaml", "--headless"]);
    let said = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{said}{}", text(&out.stderr));
    assert!(
        said.contains("4 matches are void") && said.contains("KeyError: 'seven'"),
        "{said}"
    );
    let run = only_run(dir.path());
    let entries = journal(&run);
    assert_eq!(entries.len(), 6);
    for e in &entries {
        let names = e["names"].to_string();
        let void = e.get("void").and_then(Value::as_str);
        match names.contains("seven") {
            true => {
                assert!(void.unwrap().contains("fragile.py, line 33"), "{e}");
                assert_eq!(
                    e["faults"],
                    serde_json::json!([null, null]),
                    "no bot's fault"
                );
            }
            false => assert!(void.is_none(), "{e}"),
        }
    }
    // Standings: the void matches count for no one.
    let standings = std::fs::read_to_string(run.join("standings.yaml")).unwrap();
    let export: Value = serde_yaml::from_str(&standings).unwrap();
    let rows = export["standings"].as_array().unwrap();
    let games = |name: &str| {
        rows.iter().find(|r| r["name"] == name).unwrap()["games"]
            .as_u64()
            .unwrap()
    };
    assert_eq!((games("perfect"), games("one"), games("seven")), (2, 2, 0));
    // Reports list them with the error.
    let out = cagematch_in(dir.path(), &["report", run.to_str().unwrap(), "--out", "-"]);
    let html = text(&out.stdout);
    assert!(
        html.contains("Void matches") && html.contains("KeyError: &#39;seven&#39;")
            || html.contains("KeyError: &#x27;seven&#x27;"),
        "{html}"
    );
    // A merge or a resume keeps them.
    let out = cagematch_in(
        dir.path(),
        &["run", "--resume", run.to_str().unwrap(), "--headless"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(journal(&run).len(), 6);
}

#[test]
fn a_tournament_file_naming_a_bad_environment_is_a_one_line_error_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    bot(&dir.path().join("bots"), "a.py", "1");
    bot(&dir.path().join("bots"), "b.py", "1");
    let broken = repo().join("tests/envs/broken.py");
    let cases = [
        (
            "game: nothing_here.py\n",
            "t.yaml:2: game:",
            "no such environment",
        ),
        (
            &format!("game: {}\n", broken.display()) as &str,
            "t.yaml:2: game:",
            "SyntaxError",
        ),
        ("game: rps\ngame_venv: v\n", "game_venv", "built-in game"),
        ("game: kaggle:connectx\n", "game:", "--game-venv"),
        ("game: chess\n", "game:", "unknown game"),
    ];
    for (game, field, words) in cases {
        std::fs::write(
            dir.path().join("t.yaml"),
            format!("name: x\n{game}bots: {{folder: bots}}\n"),
        )
        .unwrap();
        let out = cagematch_in(dir.path(), &["run", "t.yaml", "--headless"]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{game}: {err}");
        assert!(err.contains(field) && err.contains(words), "{game}: {err}");
        assert_eq!(err.lines().count(), 1, "{game}: {err}");
    }
}

#[test]
fn sprt_plays_an_environment() {
    let dir = tempfile::tempdir().unwrap();
    bot(dir.path(), "one.py", "1");
    std::fs::copy(
        repo().join("games/takeaway_bots/perfect.py"),
        dir.path().join("perfect.py"),
    )
    .unwrap();
    let game = repo().join("games/takeaway.py");
    let out = cagematch_in(
        dir.path(),
        &[
            "sprt",
            game.to_str().unwrap(),
            "perfect.py",
            "one.py",
            "--headless",
            "--max-pairs",
            "6",
        ],
    );
    let said = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{said}{}", text(&out.stderr));
    assert!(said.contains("perfect beat one"), "{said}");
}

#[test]
fn check_says_a_game_error_is_the_games_and_moves_no_bot_aside() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    bot(&inbox, "one.py", "1");
    let game = repo().join("tests/envs/raises.py");
    let out = cagematch_in(
        dir.path(),
        &[
            "check",
            inbox.join("one.py").to_str().unwrap(),
            "--game",
            game.to_str().unwrap(),
        ],
    );
    let said = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("GAME ERROR (not the bot's fault)")
            && said.contains("the game failed, not the bot"),
        "{said}"
    );
    let out = cagematch_in(
        dir.path(),
        &[
            "check",
            inbox.to_str().unwrap(),
            "--game",
            game.to_str().unwrap(),
            "--move-to",
            dir.path().join("rejected").to_str().unwrap(),
        ],
    );
    let said = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("1 GAME ERROR"), "{said}");
    assert!(inbox.join("one.py").exists(), "the bot stays: {said}");
}

#[test]
fn a_run_refuses_to_resume_on_a_changed_game() {
    let dir = tempfile::tempdir().unwrap();
    bot(&dir.path().join("bots"), "a.py", "1");
    bot(&dir.path().join("bots"), "b.py", "2");
    let game = dir.path().join("takeaway.py");
    std::fs::copy(repo().join("games/takeaway.py"), &game).unwrap();
    std::fs::write(
        dir.path().join("t.yaml"),
        "name: t\ngame: takeaway.py\nbots: {folder: bots}\n",
    )
    .unwrap();
    let out = cagematch_in(dir.path(), &["run", "t.yaml", "--headless"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let run = only_run(dir.path());
    let info = std::fs::read_to_string(run.join("run.json")).unwrap();
    assert!(info.contains("\"game_sha256\""), "{info}");
    let mut code = std::fs::read_to_string(&game).unwrap();
    code.push_str("\n# a change\n");
    std::fs::write(&game, code).unwrap();
    let out = cagematch_in(
        dir.path(),
        &["run", "--resume", run.to_str().unwrap(), "--headless"],
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("changed since the run began"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// Every process under `root` (its children, theirs, …), by pid.
fn descendants(root: u32) -> Vec<u32> {
    let parent = |pid: u32| -> Option<u32> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // After the command's closing parenthesis: state, then the parent's pid.
        stat.rsplit_once(')')?
            .1
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()
    };
    let all: Vec<u32> = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    let mut found = vec![root];
    let mut grew = true;
    while grew {
        grew = false;
        for &pid in &all {
            if !found.contains(&pid) && parent(pid).is_some_and(|p| found.contains(&p)) {
                found.push(pid);
                grew = true;
            }
        }
    }
    found.retain(|&p| p != root);
    found
}

/// Whether `pid` is still a live process (a zombie waiting for a parent that does not
/// reap it has ended).
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            s.rsplit_once(')')
                .map(|(_, rest)| rest.trim_start().starts_with('Z'))
        })
        .is_some_and(|zombie| !zombie)
}

#[test]
fn nothing_of_a_run_killed_with_sigkill_outlives_it_past_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    bot(&dir.path().join("bots"), "one.py", "1");
    std::fs::copy(
        repo().join("games/takeaway_bots/perfect.py"),
        dir.path().join("bots/perfect.py"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("t.yaml"),
        format!(
            "name: k\ngame: {}\ngames_per_pair: 1000\njobs: 2\nbots: {{folder: bots}}\n",
            repo().join("games/takeaway.py").display()
        ),
    )
    .unwrap();
    let mut runner = std::process::Command::new(env!("CARGO_BIN_EXE_cagematch"))
        .args(["run", "t.yaml", "--headless"])
        .current_dir(dir.path())
        .env("TMPDIR", &tmp)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid = runner.id();
    // Under way: matches in the journal, game processes and bots running.
    let started = std::time::Instant::now();
    let journal = || {
        std::fs::read_dir(dir.path().join("runs"))
            .ok()
            .and_then(|mut d| d.next())
            .and_then(|e| std::fs::read_to_string(e.ok()?.path().join("journal.jsonl")).ok())
            .map_or(0, |t| t.lines().count())
    };
    while journal() < 4 {
        assert!(started.elapsed().as_secs() < 120, "the run never got going");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let family = descendants(pid);
    assert!(!family.is_empty(), "a zygote, bots and game processes");
    let scratch = format!("cagematch-game-{pid}-");
    let ours = |dir: &Path| {
        std::fs::read_dir(dir)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with(&scratch)
            })
            .count()
    };
    assert!(ours(&tmp) > 0, "game processes have scratch folders");
    let cgroups = |pid: u32| -> usize {
        let out = std::process::Command::new("find")
            .args(["/sys/fs/cgroup", "-maxdepth", "8", "-type", "d"])
            .args(["-name", &format!("cagematch-{pid}-*")])
            .output()
            .unwrap();
        text(&out.stdout).lines().count()
    };
    let had_cgroups = cgroups(pid) > 0;
    // SAFETY: a signal to our own child.
    unsafe { libc::kill(pid as i32, libc::SIGKILL) };
    runner.wait().unwrap();
    // Every process of the run ends with it (parent-death signals), at once.
    let killed = std::time::Instant::now();
    while family.iter().any(|&p| alive(p)) {
        let left: Vec<u32> = family.iter().copied().filter(|&p| alive(p)).collect();
        assert!(killed.elapsed().as_secs() < 30, "still running: {left:?}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // The next runner's start removes what the killed one could not: its game
    // processes' scratch folders and its cgroups.
    let out = cagematch_in_with_tmp(
        dir.path(),
        &tmp,
        &[
            "match",
            repo().join("games/takeaway.py").to_str().unwrap(),
            "bots/one.py",
            "bots/perfect.py",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(ours(&tmp), 0, "the killed run's scratch folders are gone");
    if had_cgroups {
        assert_eq!(cgroups(pid), 0, "the killed run's cgroups are gone");
    }
    // And a run that ends normally leaves none of its own.
    let left: Vec<String> = std::fs::read_dir(&tmp)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("cagematch-game-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

fn cagematch_in_with_tmp(dir: &Path, tmp: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_cagematch"))
        .args(args)
        .current_dir(dir)
        .env("TMPDIR", tmp)
        .output()
        .unwrap()
}
