//! Games of one's own: Kaggle-format environments played by `cagematch match`, their
//! code in a game process of its own. A broken environment is a one-line error before
//! any match; one that raises, hangs or floods during a match is a game error, never a
//! bot's loss; the game process cannot write outside its scratch folder or connect.

use crate::common::{cagematch_in, text};
use serde_json::Value;
use std::path::Path;
use std::process::Output;

fn cagematch(args: &[&str]) -> Output {
    cagematch_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// A bot file in `dir` whose agent is `body` (one expression of observation and
/// configuration).
fn bot(dir: &Path, name: &str, body: &str) -> String {
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!("def agent(observation, configuration):\n    return {body}\n"),
    )
    .unwrap();
    path.display().to_string()
}

fn json_match(game: &str, a: &str, b: &str, extra: &[&str]) -> (Output, Value) {
    let mut args = vec!["match", game, a, b, "--seed", "3", "--json"];
    args.extend_from_slice(extra);
    let out = cagematch(&args);
    let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out, v)
}

/// Plays `game` between `a` and `b` with a replay in `dir` (the match must end well):
/// the replay's record.
fn replayed(dir: &Path, game: &str, a: &str, b: &str) -> Value {
    let replay = dir.join("replay.json");
    let out = cagematch(&["match", game, a, b, "--replay", replay.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    serde_json::from_slice(&std::fs::read(&replay).unwrap()).unwrap()
}

#[test]
fn the_docs_environment_plays_by_its_own_rules() {
    let dir = tempfile::tempdir().unwrap();
    let one = bot(dir.path(), "take_one.py", "1");
    let perfect = bot(
        dir.path(),
        "perfect.py",
        "(observation.pile % (configuration.maxTake + 1)) or 1",
    );
    let (out, v) = json_match("games/takeaway.py", &one, &perfect, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(v["outcomes"], serde_json::json!(["loss", "win"]), "{v}");
    assert_eq!(v["scores"], serde_json::json!([0, 1]));
    // Settings are the specification's, checked like the built-in games'.
    let (out, v) = json_match("games/takeaway.py", &perfect, &one, &["--set", "stones=4"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(v["outcomes"], serde_json::json!(["win", "loss"]), "{v}");
    let out = cagematch(&[
        "match",
        "games/takeaway.py",
        &one,
        &perfect,
        "--set",
        "stones=0",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("stones") && err.contains("minimum"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn a_move_the_rules_refuse_or_the_schema_refuses_is_the_movers_fault() {
    let dir = tempfile::tempdir().unwrap();
    let one = bot(dir.path(), "take_one.py", "1");
    // Taking more than `maxTake`: the interpreter marks it INVALID.
    let greedy = bot(dir.path(), "greedy.py", "9");
    let (out, v) = json_match("games/takeaway.py", &greedy, &one, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(v["outcomes"], serde_json::json!(["loss", "win"]), "{v}");
    assert_eq!(v["faults"][0]["kind"], "illegal_action", "{v}");
    assert!(v["faults"][0]["detail"]
        .as_str()
        .unwrap()
        .contains("the game ruled its action invalid"));
    // Not an integer: refused by the action schema before the interpreter sees it.
    let words = bot(dir.path(), "words.py", "'all of them'");
    let (_, v) = json_match("games/takeaway.py", &one, &words, &[]);
    assert_eq!(v["outcomes"], serde_json::json!(["win", "loss"]), "{v}");
    assert_eq!(v["faults"][1]["kind"], "illegal_action");
    assert!(
        v["faults"][1]["detail"]
            .as_str()
            .unwrap()
            .contains("is not of type 'integer'"),
        "{v}"
    );
    // None takes the schema's default (1 stone), as on Kaggle.
    let none = bot(dir.path(), "none.py", "None");
    let (_, v) = json_match("games/takeaway.py", &none, &one, &["--set", "stones=2"]);
    assert_eq!(v["outcomes"], serde_json::json!(["loss", "win"]), "{v}");
    assert_eq!(v["faults"], serde_json::json!([null, null]));
}

#[test]
fn an_environment_that_raises_or_hangs_is_a_game_error_not_a_loss() {
    let dir = tempfile::tempdir().unwrap();
    let one = bot(dir.path(), "take_one.py", "1");
    let out = cagematch(&["match", "tests/envs/raises.py", &one, &one]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("game error (not a bot's fault)")
            && err.contains("ValueError: the organiser's bug on step 3 (raises.py, line 7)"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    let started = std::time::Instant::now();
    let out = cagematch(&["match", "tests/envs/hangs.py", &one, &one]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("did not answer within 10s"));
    assert!(
        started.elapsed().as_secs() < 60,
        "the runner never hangs with it"
    );
}

#[test]
fn a_flood_of_output_or_a_huge_state_is_bounded_and_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let one = bot(dir.path(), "take_one.py", "1");
    let replay = dir.path().join("floods.json");
    let out = cagematch(&[
        "match",
        "tests/envs/floods.py",
        &one,
        &one,
        "--replay",
        replay.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        !text(&out.stdout).contains('\x1b'),
        "no escape reaches the terminal"
    );
}

#[test]
fn the_game_process_cannot_write_outside_its_scratch_folder_or_connect() {
    let dir = tempfile::tempdir().unwrap();
    let one = bot(dir.path(), "take_one.py", "1");
    let record = replayed(dir.path(), "tests/envs/escapes.py", &one, &one);
    let probe = record["frames"][0]["state"]["observations"][0]["probe"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(probe.contains("write outside: refused"), "{probe}");
    assert!(probe.contains("write scratch: ALLOWED"), "{probe}");
    assert!(probe.contains("connect: refused"), "{probe}");
    assert!(!Path::new("/var/tmp/cagematch-game-escaped").exists());
}

#[test]
fn a_broken_environment_is_a_one_line_error_before_any_match() {
    let dir = tempfile::tempdir().unwrap();
    let one = bot(dir.path(), "take_one.py", "1");
    let cases: [(&str, &[&str], &str); 7] = [
        (
            "tests/envs/broken.py",
            &[],
            "SyntaxError: '{' was never closed (broken.py, line 1)",
        ),
        (
            "tests/envs/no_interpreter.py",
            &[],
            "defines no `interpreter` function",
        ),
        ("tests/envs/four_seats.py", &[], "played by 4 seats, not 2"),
        ("tests/envs/nine_seats.py", &[], "allows [1, 9] seats"),
        ("tests/envs/nothing_here.py", &[], "no such environment"),
        ("kaggle:connectx", &[], "--game-venv"),
        ("kaggle:../x", &[], "not a kaggle_environments name"),
    ];
    for (game, extra, words) in cases {
        let mut args = vec!["match", game, &one, &one];
        args.extend_from_slice(extra);
        let out = cagematch(&args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{game}: {err}");
        assert!(err.contains(words), "{game}: {err}");
        assert_eq!(err.lines().count(), 1, "{game}: {err}");
    }
}

#[test]
fn check_plays_a_bot_against_a_random_legal_opponent_of_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let out = cagematch(&[
        "check",
        "games/takeaway_bots/perfect.py",
        "--game",
        "games/takeaway.py",
    ]);
    let said = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{said}{}", text(&out.stderr));
    assert!(
        said.contains("vs built-in random: win") && said.contains("no problems found"),
        "{said}"
    );
    let words = bot(dir.path(), "words.py", "'all of them'");
    let out = cagematch(&["check", &words, "--game", "games/takeaway.py"]);
    let said = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("the action schema refuses it"), "{said}");
}

/// A game process outlives the worker thread that started it: another worker may be
/// playing a match in it (its parent-death signal must not follow that thread).
#[test]
fn a_game_process_survives_the_thread_that_started_it() {
    use cagematch::game::env::{opened, Environment, Source};
    use cagematch::game::Game;
    let module = Path::new(env!("CARGO_MANIFEST_DIR")).join("games/takeaway.py");
    let label = module.display().to_string();
    let source = Source::of(&label).unwrap().unwrap();
    let program = env!("CARGO_BIN_EXE_cagematch").into();
    let id = Environment::open_with(&label, source, None, program).unwrap();
    // The probe's process is busy here, so a worker thread starts a process of its own
    // for its match, which ends; the process waits for the next match.
    let env = opened(id).unwrap();
    let busy = env.create(&serde_json::json!({}), 0, 2).unwrap();
    let (release, released) = std::sync::mpsc::channel::<()>();
    let (done, exit) = std::sync::mpsc::channel::<()>();
    let worker = std::thread::spawn(move || {
        let game = opened(id)
            .unwrap()
            .create(&serde_json::json!({}), 1, 2)
            .unwrap();
        let _ = released.recv();
        drop(game);
        let _ = exit.recv();
    });
    std::thread::sleep(std::time::Duration::from_millis(500));
    drop(busy);
    release.send(()).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    // This thread's match takes the worker's process (the newest idle one); the worker
    // ends in the middle of it.
    let mut game = env.create(&serde_json::json!({}), 2, 2).unwrap();
    game.apply(&[serde_json::json!(1)]);
    drop(done);
    worker.join().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    while game.end().is_none() && game.failure().is_none() {
        game.apply(&[serde_json::json!(1)]);
    }
    assert_eq!(game.failure(), None);
    assert!(game.end().is_some());
}

#[test]
fn the_same_seed_deals_an_environments_chance_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let one = bot(dir.path(), "take_one.py", "1");
    let dice = |seed: &str, name: &str| {
        let replay = dir.path().join(name);
        let out = cagematch(&[
            "match",
            "tests/envs/dice.py",
            &one,
            &one,
            "--seed",
            seed,
            "--replay",
            replay.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let record: Value = serde_json::from_slice(&std::fs::read(&replay).unwrap()).unwrap();
        record["frames"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["state"]["observations"][0]["die"].clone())
            .collect::<Vec<_>>()
    };
    let first = dice("11", "a.json");
    assert_eq!(first, dice("11", "b.json"), "same seed, same dice");
    assert_ne!(first, dice("12", "c.json"), "another seed, other dice");
}

/// A match a fault ends before the game steps keeps, in its last frame, the position
/// the faulting seat was asked about (the viewer shows it).
#[test]
fn a_fault_before_the_step_leaves_the_last_frame_its_position() {
    let dir = tempfile::tempdir().unwrap();
    // Raises ValueError on its first move.
    let crash = bot(dir.path(), "crash.py", "int('no')");
    let one = bot(dir.path(), "take_one.py", "1");
    let record = replayed(dir.path(), "games/takeaway.py", &crash, &one);
    let frames = record["frames"].as_array().unwrap();
    let (first, last) = (&frames[0]["state"], &frames[frames.len() - 1]["state"]);
    assert!(first["observations"][0].get("pile").is_some(), "{first}");
    assert_eq!(last["observations"], first["observations"], "{last}");
}

/// What the game process hands an interpreter is what the bot sent, whatever it
/// remembers of earlier verdicts: `1`, `1.0` and `True` are three actions (the last
/// refused: the schema takes numbers and strings), `-0.0` stays `-0.0`, and a long
/// string (never remembered) is passed on each time.
#[test]
fn an_interpreter_gets_each_action_as_the_bot_sent_it() {
    let dir = tempfile::tempdir().unwrap();
    let plays = bot(
        dir.path(),
        "plays.py",
        "[1, 1.0, -0.0, 0.0, 1, 'x' * 100, 'x' * 100, True][observation.step]",
    );
    let one = bot(dir.path(), "one.py", "1");
    let record = replayed(dir.path(), "tests/envs/echoes.py", &plays, &one);
    let frames = record["frames"].as_array().unwrap();
    let seen = &frames.last().unwrap()["state"]["observations"][0]["seen"];
    let long = format!("str:'{}'", "x".repeat(100));
    assert_eq!(
        seen,
        &serde_json::json!([
            "int:1",
            "float:1.0",
            "float:-0.0",
            "float:0.0",
            "int:1",
            long,
            long,
            // As in Kaggle, a refused action's seat is INVALID and the interpreter runs.
            "NoneType:None"
        ]),
        "{seen}"
    );
    // `True` is no number (though `True == 1`, accepted before): refused, the mover's
    // fault, the match over.
    let fault = &record["result"]["faults"][0];
    assert_eq!(fault["kind"], "illegal_action", "{fault}");
    assert!(
        fault["detail"]
            .as_str()
            .unwrap()
            .contains("True is not of type 'number', 'string'"),
        "{fault}"
    );
}

/// A free-for-all of the repository's own 3-to-8-seat game: every seat is asked at
/// once, each gets its place; a seat whose move the rules refuse is out, placed last,
/// while the others play on; a seat count the game does not allow is a usage error.
#[test]
fn a_free_for_all_places_every_seat_and_plays_on_without_a_faulted_one() {
    let dir = tempfile::tempdir().unwrap();
    let one = bot(dir.path(), "one.py", "1");
    let two = bot(dir.path(), "two.py", "2");
    let ten = bot(
        dir.path(),
        "ten.py",
        "10 if observation['round'] == 3 else 3",
    );
    let game = "games/lowest_unique.py";
    let out = cagematch(&["match", game, &one, &two, &two, "--seed", "1", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    // 1 is always unique: 30 points to seat 1, none to the twos.
    assert_eq!(v["scores"], serde_json::json!([30, 0, 0]), "{v}");
    assert_eq!(v["places"], serde_json::json!([1, 2, 2]), "{v}");
    assert_eq!(v["outcomes"], serde_json::json!(["win", "loss", "loss"]));
    // Seat 3 breaks the rules in round 4: out, last, and the two others play on.
    let out = cagematch(&[
        "match", game, &two, &ten, &one, &one, "--seed", "1", "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["scores"][1], Value::Null, "{v}");
    assert!(
        v["faults"][1]["detail"]
            .as_str()
            .unwrap()
            .contains("on move 4"),
        "{v}"
    );
    assert_eq!(v["places"], serde_json::json!([1, 4, 2, 2]), "{v}");
    assert_eq!(
        v["frames"],
        serde_json::json!(31),
        "the others played all 30 rounds"
    );
    // A seat that spins past its time in round 2 is out (Kaggle's ERROR): the others
    // play on, and it places last.
    let spinner = dir.path().join("spinner.py");
    std::fs::write(
        &spinner,
        "def agent(observation, configuration):\n    while observation['round'] == 1:\n        pass\n    return 3\n",
    )
    .unwrap();
    let spinner = spinner.display().to_string();
    let replay = dir.path().join("spin.json");
    let out = cagematch(&[
        "match",
        game,
        &spinner,
        &two,
        &one,
        "--seed",
        "1",
        "--json",
        "--move-time",
        "0.2",
        "--overage",
        "0",
        "--replay",
        replay.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["faults"][0]["kind"], "timeout", "{v}");
    assert_eq!(v["scores"], serde_json::json!([null, 0, 30]), "{v}");
    assert_eq!(v["places"], serde_json::json!([3, 2, 1]), "{v}");
    assert_eq!(v["frames"], serde_json::json!(31), "{v}");
    // The environment heard it as Kaggle's runner says it: TIMEOUT, from then on.
    let record: Value = serde_json::from_slice(&std::fs::read(&replay).unwrap()).unwrap();
    let statuses: Vec<&Value> = record["frames"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["state"]["statuses"][0])
        .collect();
    assert_eq!(statuses[1], "ACTIVE");
    assert!(
        statuses[3..].iter().all(|s| *s == "TIMEOUT"),
        "{statuses:?}"
    );
    // A seat count the game does not allow, or more bots than any game has.
    let out = cagematch(&["match", game, &one, &two]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("played by 3, 4, 5, 6, 7 or 8 seats, not 2"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    let mut nine = vec!["match", game];
    nine.extend(std::iter::repeat_n(one.as_str(), 9));
    assert_eq!(cagematch(&nine).status.code(), Some(2));
}

/// The game process's `structify` is written in Rust for speed: it makes and refuses
/// exactly what the Python one makes and refuses (which `tests/e2e/kaggle_env.rs` checks
/// against kaggle_environments' own), nested data and odd keys included.
#[test]
fn the_game_processs_structify_makes_and_refuses_what_the_python_one_does() {
    let dir = tempfile::tempdir().unwrap();
    let zero = bot(dir.path(), "zero.py", "0");
    let (out, v) = json_match("tests/envs/structify_probe.py", &zero, &zero, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(v["outcomes"], serde_json::json!(["win", "loss"]), "{v}");
}

/// The step wire the game process writes in Rust reads and writes what its Python
/// (`json.loads`, `state_of`, the JSON encoder) does, and leaves to Python what it
/// cannot write the same way (`tests/envs/wire_probe.py`).
#[test]
fn the_game_processs_step_wire_writes_what_the_python_one_does() {
    let dir = tempfile::tempdir().unwrap();
    let zero = bot(dir.path(), "zero.py", "0");
    let (out, v) = json_match("tests/envs/wire_probe.py", &zero, &zero, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(v["outcomes"], serde_json::json!(["win", "loss"]), "{v}");
}

/// A game process whose environment imports numpy starts no thread pool: OpenBLAS's
/// idle threads spin, and would take CPU from other workers' bots.
#[test]
fn a_game_process_that_imports_numpy_has_one_thread() {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv-test");
    assert!(
        venv.join("pyvenv.cfg").is_file(),
        "{} is missing: run the tests with scripts/test, which makes it",
        venv.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let zero = bot(dir.path(), "zero.py", "0");
    let venv = venv.display().to_string();
    let (out, v) = json_match(
        "tests/envs/threads.py",
        &zero,
        &zero,
        &["--game-venv", &venv],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(v["outcomes"], serde_json::json!(["win", "loss"]), "{v}");
}
