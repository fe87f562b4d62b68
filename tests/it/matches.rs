//! Whole matches between real caged bots: determinism, Kaggle-style agents, faults ending
//! the match with the right outcome, the time bank, and replays.

use crate::common;

use cagematch::botfile::BotFile;
use cagematch::cage::{Cage, FaultKind};
use cagematch::game::{GameKind, Outcome, TimeControl};
use cagematch::referee::{self, MatchRecord, MatchSpec};
use cagematch::replay;
use serde_json::{json, Value};
use std::path::Path;

fn bot(path: &str) -> BotFile {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    BotFile::read(&root.join(path)).expect("bot file")
}

fn fixture(name: &str) -> BotFile {
    bot(&format!("tests/fixtures/games/{name}"))
}

fn play_with(
    cage: &Cage,
    game: GameKind,
    config: Value,
    seed: u64,
    clock: TimeControl,
    a: &BotFile,
    b: &BotFile,
) -> MatchRecord {
    let spec = MatchSpec {
        game,
        config,
        seed,
        key: common::seed_key(),
        time_control: clock,
        bots: vec![a, b],
        fairness: Default::default(),
        monitor: None,
    };
    referee::play(cage, &spec, &mut |_| {}).expect("the match is refereed")
}

fn play(cage: &Cage, game: GameKind, seed: u64, a: &BotFile, b: &BotFile) -> MatchRecord {
    play_with(
        cage,
        game,
        json!({}),
        seed,
        game.default_time_control(),
        a,
        b,
    )
}

fn random_bot(game: GameKind) -> BotFile {
    bot(&format!("bots/{game}/random.py"))
}

#[test]
fn same_seed_gives_byte_identical_replays() {
    let cage = common::cage();
    for game in GameKind::ALL {
        let (a, b) = (random_bot(game), random_bot(game));
        let first = replay::to_string(&play(&cage, game, 11, &a, &b), false);
        let again = replay::to_string(&play(&cage, game, 11, &a, &b), false);
        assert_eq!(first, again, "{game}: same seed, different replay");
        let other = replay::to_string(&play(&cage, game, 12, &a, &b), false);
        assert_ne!(first, other, "{game}: the seed changes nothing");
    }
}

#[test]
fn seats_get_different_random_streams() {
    let cage = common::cage();
    let random = random_bot(GameKind::Rps);
    let record = play(&cage, GameKind::Rps, 5, &random, &random);
    let actions: Vec<(Value, Value)> = record
        .frames
        .iter()
        .filter(|f| f.moves.len() == 2)
        .map(|f| (f.moves[0].action.clone(), f.moves[1].action.clone()))
        .collect();
    assert_eq!(actions.len(), 999);
    let same = actions.iter().filter(|(a, b)| a == b).count();
    assert!(same < 500, "seats play the same signs {same} times of 999");
}

#[test]
fn kaggle_connectx_agents_run_unmodified() {
    let cage = common::cage();
    let two_args = fixture("kaggle_connectx.py");
    let one_arg = fixture("kaggle_one_arg.py");
    for (a, b) in [(&two_args, &one_arg), (&one_arg, &two_args)] {
        let record = play(&cage, GameKind::Connectx, 3, a, b);
        assert_eq!(record.result.faults, [None, None], "{record:?}");
        assert_eq!(record.bots[0].agent.as_deref(), Some(agent_name(a)));
        let outcomes = &record.result.outcomes;
        assert!(
            matches!(
                (outcomes[0], outcomes[1]),
                (Outcome::Win, Outcome::Loss)
                    | (Outcome::Loss, Outcome::Win)
                    | (Outcome::Draw, Outcome::Draw)
            ),
            "{outcomes:?}"
        );
        // Every move is in the replay, one seat per frame, alternating.
        for (i, frame) in record.frames.iter().enumerate().skip(1) {
            assert_eq!(frame.moves.len(), 1);
            assert_eq!(frame.moves[0].seat, (i - 1) % 2);
        }
    }
}

fn agent_name(bot: &BotFile) -> &'static str {
    if bot.name == "kaggle_connectx" {
        "my_agent"
    } else {
        "agent"
    }
}

#[test]
fn example_bots_of_every_game_play_clean_matches() {
    let cage = common::cage();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("bots");
    for game in GameKind::ALL {
        let files = cagematch::botfile::bots_in(&root.join(game.name())).unwrap();
        assert!(files.len() >= 4, "{game}: a template and three bots");
        let opponent = random_bot(game);
        for file in &files {
            let me = BotFile::read(file).unwrap();
            let record = play(&cage, game, 1, &me, &opponent);
            assert_eq!(
                record.result.faults,
                [None, None],
                "{}: {:?}",
                file.display(),
                record.result
            );
        }
    }
}

#[test]
fn stronger_example_bots_beat_weaker_ones() {
    let cage = common::cage();
    let wins = |game: GameKind, strong: &str, weak: &str| {
        let (s, w) = (bot(strong), bot(weak));
        (1..=4)
            .map(|seed| {
                let (a, b, seat) = if seed % 2 == 0 {
                    (&s, &w, 0)
                } else {
                    (&w, &s, 1)
                };
                play(&cage, game, seed, a, b).result.outcomes[seat]
            })
            .filter(|o| *o == Outcome::Win)
            .count()
    };
    assert!(
        wins(
            GameKind::Connectx,
            "bots/connectx/negamax.py",
            "bots/connectx/random.py"
        ) >= 3
    );
    assert!(
        wins(
            GameKind::Connectx,
            "bots/connectx/greedy.py",
            "bots/connectx/random.py"
        ) >= 3
    );
    assert_eq!(
        wins(GameKind::Rps, "bots/rps/counter.py", "bots/rps/rock.py"),
        4
    );
    assert!(wins(GameKind::Rps, "bots/rps/pattern.py", "bots/rps/counter.py") >= 3);
    assert_eq!(
        wins(
            GameKind::Ipd,
            "bots/ipd/defector.py",
            "bots/ipd/tit_for_tat.py"
        ),
        4
    );
    assert!(
        wins(
            GameKind::Tron,
            "bots/tron/space_fill.py",
            "bots/tron/random.py"
        ) >= 3
    );
}

#[test]
fn a_crash_ends_the_match_and_loses_it() {
    let cage = common::cage();
    let record = play(
        &cage,
        GameKind::Connectx,
        1,
        &fixture("crash_on_third.py"),
        &fixture("kaggle_one_arg.py"),
    );
    let fault = record.result.faults[0].clone().expect("seat 1 faulted");
    assert_eq!(fault.kind, FaultKind::Crash);
    assert_eq!(fault.move_number, 3);
    assert!(
        fault.detail.starts_with("on move 3: ValueError: no idea"),
        "{}",
        fault.detail
    );
    assert!(fault
        .traceback
        .unwrap()
        .contains("File \"crash_on_third.py\", line 10"));
    assert_eq!(record.result.faults[1], None);
    assert_eq!(record.result.outcomes, [Outcome::Loss, Outcome::Win]);
    assert_eq!(record.result.scores, [None, Some(0.0)], "Kaggle's rewards");
    // The last frame shows the failed move; the board is as it was before it.
    let last = record.frames.last().unwrap();
    assert_eq!(last.moves[0].fault.as_ref().unwrap().kind, FaultKind::Crash);
    assert_eq!(
        last.moves[0].logs,
        ["about to fail"],
        "what it printed before failing"
    );
    assert_eq!(last.step, record.frames[record.frames.len() - 2].step);
}

#[test]
fn an_illegal_action_in_a_simultaneous_game_loses() {
    let cage = common::cage();
    let record = play(
        &cage,
        GameKind::Rps,
        1,
        &random_bot(GameKind::Rps),
        &fixture("plays_seven.py"),
    );
    let fault = record.result.faults[1].clone().expect("seat 2 faulted");
    assert_eq!(fault.kind, FaultKind::IllegalAction);
    assert_eq!(fault.detail, "on move 1: sign 7 is not one of 0 to 2");
    assert_eq!(record.result.outcomes, [Outcome::Win, Outcome::Loss]);
    assert_eq!(record.result.scores, [Some(1.0), None], "Kaggle's rewards");
    assert_eq!(record.frames.last().unwrap().moves[1].action, json!(7));
}

#[test]
fn both_seats_failing_to_load_is_a_draw() {
    let cage = common::cage();
    let broken = fixture("syntax_error.py");
    let record = play(&cage, GameKind::Ipd, 1, &broken, &broken);
    assert_eq!(record.result.outcomes, [Outcome::Draw, Outcome::Draw]);
    for fault in &record.result.faults {
        let fault = fault.as_ref().unwrap();
        assert_eq!(fault.kind, FaultKind::Crash);
        assert_eq!(fault.move_number, 0);
        assert!(
            fault.detail.starts_with("while loading: SyntaxError"),
            "{}",
            fault.detail
        );
        assert!(fault.detail.contains("line 2"), "{}", fault.detail);
    }
    assert_eq!(record.frames.len(), 1, "no move was asked for");
}

#[test]
fn a_spinning_bot_times_out_after_its_move_time_and_bank() {
    let cage = common::cage();
    let clock = TimeControl {
        per_move: 0.2,
        overage: 0.3,
        load: 5.0,
    };
    let record = play_with(
        &cage,
        GameKind::Tron,
        json!({}),
        1,
        clock,
        &random_bot(GameKind::Tron),
        &fixture("spin.py"),
    );
    let fault = record.result.faults[1].clone().expect("seat 2 timed out");
    assert_eq!(fault.kind, FaultKind::Timeout, "{fault:?}");
    assert!(
        fault.detail.contains("budget was 0.50 s"),
        "{}",
        fault.detail
    );
    assert_eq!(record.result.outcomes, [Outcome::Win, Outcome::Loss]);
    // Both seats were asked at once: the round that timed seat 2 out still holds seat
    // 1's answer, unfaulted, on its own clock.
    let last = record.frames.last().unwrap();
    assert_eq!(last.moves.len(), 2, "{last:?}");
    assert!(last.moves[0].fault.is_none() && !last.moves[0].action.is_null());
    assert!(last.moves[0].timing.as_ref().unwrap().think_ms < 200.0);
    assert_eq!(
        last.moves[1].fault.as_ref().map(|f| f.kind),
        Some(FaultKind::Timeout)
    );
}

#[test]
fn moves_over_the_move_time_draw_on_the_bank_until_it_is_gone() {
    let cage = common::cage();
    let clock = TimeControl {
        per_move: 0.1,
        overage: 0.2,
        load: 5.0,
    };
    let record = play_with(
        &cage,
        GameKind::Rps,
        json!({}),
        1,
        clock,
        &fixture("overdraw.py"),
        &random_bot(GameKind::Rps),
    );
    let fault = record.result.faults[0].clone().expect("the bank ran out");
    assert_eq!(fault.kind, FaultKind::Timeout, "{fault:?}");
    // Each move costs about 0.05 s of bank: about four moves, then a timeout.
    assert!((3..=6).contains(&fault.move_number), "{fault:?}");
    let banks: Vec<f64> = record
        .moves()
        .filter(|(_, m)| m.seat == 0)
        .flat_map(|(_, m)| m.logs.clone())
        .map(|line| line.trim_start_matches("bank ").parse::<f64>().unwrap())
        .collect();
    assert_eq!(banks[0], 0.2, "the bank starts full");
    assert!(
        banks.windows(2).all(|w| w[1] < w[0]),
        "the bank shrinks: {banks:?}"
    );
}

#[test]
fn replays_round_trip_and_say_what_they_are() {
    let cage = common::cage();
    let (a, b) = (bot("bots/ipd/grudger.py"), bot("bots/ipd/random.py"));
    let record = play(&cage, GameKind::Ipd, 9, &a, &b);
    let dir = tempfile::tempdir().unwrap();
    for timings in [false, true] {
        let path = dir.path().join(format!("replay-{timings}.json"));
        replay::write(&path, &record, timings).unwrap();
        let back = replay::read(&path).unwrap();
        let expected = if timings {
            record.clone()
        } else {
            record.without_timings()
        };
        assert_eq!(back, expected);
        let text = std::fs::read_to_string(&path).unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["format"], "cagematch-replay");
        assert_eq!(v["version"], 1);
        assert_eq!(v["bots"][0]["sha256"], json!(a.sha256));
        assert_eq!(v["bots"][0]["file"], json!(a.path.display().to_string()));
        assert_eq!(v["frames"].as_array().unwrap().len(), 201);
        assert_eq!(v["frames"][1]["moves"][0].get("timing").is_some(), timings);
        // One frame per line.
        assert_eq!(
            text.lines()
                .filter(|l| l.starts_with("    {\"moves\""))
                .count(),
            201
        );
    }
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        r#"{"format": "cagematch-replay", "version": 99, "timings": false}"#,
    )
    .unwrap();
    let err = replay::read(&bad).unwrap_err().to_string();
    assert!(err.contains("version 99 is not supported"), "{err}");
}

#[test]
fn the_observer_sees_every_frame_as_it_happens() {
    let cage = common::cage();
    let (a, b) = (
        bot("bots/tron/wall_follower.py"),
        random_bot(GameKind::Tron),
    );
    let spec = MatchSpec {
        game: GameKind::Tron,
        config: json!({"width": 10, "height": 10}),
        seed: 2,
        key: common::seed_key(),
        time_control: GameKind::Tron.default_time_control(),
        bots: vec![&a, &b],
        fairness: Default::default(),
        monitor: None,
    };
    let mut seen = Vec::new();
    let record = referee::play(&cage, &spec, &mut |f| seen.push(f.clone())).unwrap();
    assert_eq!(seen, record.frames);
    assert_eq!(record.configuration["width"], 10);
}

#[test]
fn bad_game_settings_are_runner_errors_not_faults() {
    let cage = common::cage();
    let a = random_bot(GameKind::Rps);
    let spec = MatchSpec {
        game: GameKind::Rps,
        config: json!({"sings": 3}),
        seed: 1,
        key: common::seed_key(),
        time_control: GameKind::Rps.default_time_control(),
        bots: vec![&a, &a],
        fairness: Default::default(),
        monitor: None,
    };
    let err = referee::play(&cage, &spec, &mut |_| {})
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("rps configuration: unknown field `sings`"),
        "{err}"
    );
}

/// A replay is a file handed to us: one with the wrong number of seats, outcomes or a
/// move of a seat that does not exist is a one-line error, not a panic in the viewer.
#[test]
fn crafted_replays_are_refused_in_one_line() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/replays/rps.json"),
    )
    .unwrap();
    let replay: serde_json::Value = serde_json::from_str(&text).unwrap();
    let dir = tempfile::tempdir().unwrap();
    type Breaks = Box<dyn Fn(&mut serde_json::Value)>;
    let cases: Vec<(Breaks, &str)> = vec![
        (
            Box::new(|r| r["result"]["outcomes"] = serde_json::json!([])),
            "malformed replay",
        ),
        (
            Box::new(|r| {
                let one = r["bots"][0].clone();
                r["bots"] = serde_json::json!([one]);
            }),
            "malformed replay",
        ),
        (
            Box::new(|r| r["frames"][1]["moves"][0]["seat"] = 5.into()),
            "has a move of seat 6",
        ),
    ];
    for (i, (break_it, says)) in cases.iter().enumerate() {
        let mut r = replay.clone();
        break_it(&mut r);
        let path = dir.path().join(format!("r{i}.json"));
        std::fs::write(&path, r.to_string()).unwrap();
        let err = replay::read(&path).unwrap_err().to_string();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(says), "expected `{says}` in `{err}`");
    }
}

#[test]
fn kaggle_agents_that_import_kaggle_environments_run_unmodified_in_both_seats() {
    let cage = common::cage();
    for (game, name, config) in [
        (
            GameKind::Rps,
            "kaggle_rps_utils.py",
            json!({"episodeSteps": 100}),
        ),
        (GameKind::Connectx, "kaggle_connectx_negamax.py", json!({})),
    ] {
        let me = fixture(name);
        let other = random_bot(game);
        let clock = game.default_time_control();
        let first = play_with(&cage, game, config.clone(), 3, clock, &me, &other);
        let second = play_with(&cage, game, config, 4, clock, &other, &me);
        for record in [&first, &second] {
            assert_eq!(
                record.result.faults,
                [None, None],
                "{name}: {:?}",
                record.result
            );
            assert!(record.frames.len() > 5, "{name}: a full match");
        }
        if game == GameKind::Connectx {
            // Kaggle's negamax beats Kaggle's random agent.
            assert_eq!(first.result.outcomes[0], Outcome::Win, "{:?}", first.result);
            assert_eq!(
                second.result.outcomes[1],
                Outcome::Win,
                "{:?}",
                second.result
            );
        }
    }
    // `make` is there for notebooks' imports, and says why it cannot be used.
    let code = "from kaggle_environments import make\n\ndef agent(o, c):\n    make('rps')\n";
    let calls_make = BotFile::from_code("calls_make".into(), "calls_make.py".into(), code.into());
    let record = play(
        &cage,
        GameKind::Rps,
        1,
        &calls_make,
        &random_bot(GameKind::Rps),
    );
    let fault = record.result.faults[0].as_ref().expect("make() is refused");
    assert!(
        fault.detail.contains("cagematch runs the match"),
        "{}",
        fault.detail
    );
}

#[test]
fn compressed_replays_are_a_twentieth_of_the_size_and_read_back_the_same() {
    // A full 1,000-round RPS match, as run folders keep it (with timings).
    let cage = common::cage();
    let (a, b) = (bot("bots/rps/pattern.py"), bot("bots/rps/random.py"));
    let record = play(&cage, GameKind::Rps, 3, &a, &b);
    assert_eq!(record.frames.len(), 1000);
    let dir = tempfile::tempdir().unwrap();
    let (plain, packed) = (dir.path().join("r.json"), dir.path().join("r.json.zst"));
    replay::write(&plain, &record, true).unwrap();
    replay::write(&packed, &record, true).unwrap();
    let (p, z) = (
        std::fs::metadata(&plain).unwrap().len(),
        std::fs::metadata(&packed).unwrap().len(),
    );
    eprintln!(
        "1,000-round RPS replay: {p} bytes plain, {z} compressed ({:.1} %)",
        100.0 * z as f64 / p as f64
    );
    assert!(z * 20 <= p, "{z} compressed of {p}");
    assert_eq!(
        replay::read(&packed).unwrap(),
        replay::read(&plain).unwrap()
    );
    // Standard zstd: any decoder gives back the plain file, byte for byte.
    let unpacked = zstd::stream::decode_all(std::fs::File::open(&packed).unwrap()).unwrap();
    assert_eq!(unpacked, std::fs::read(&plain).unwrap());
}

#[test]
fn a_compressed_bomb_or_a_broken_frame_is_a_one_line_error() {
    let bomb = zstd::bulk::compress(&vec![b' '; 4 << 20], 3).unwrap();
    assert!(
        bomb.len() < 4096,
        "4 MiB of spaces compress to {} bytes",
        bomb.len()
    );
    let err = replay::inflate(bomb, 1 << 20).unwrap_err().to_string();
    assert!(
        err.contains("decompresses to more than 1048576 bytes"),
        "{err}"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.json.zst");
    std::fs::write(&path, [0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3, 4, 5]).unwrap();
    let err = replay::read(&path).unwrap_err().to_string();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("broken zstd file"), "{err}");
}

/// The replays in `tests/fixtures/replays/asked-in-turn/` were written by cagematch
/// 614fb6c, which asked a simultaneous game's seats one after the other; seats are now
/// asked at once. Same seed, same key: the same bytes, faults included (one seat's crash,
/// both seats' crash in the same round, an illegal sign), but for the lines that name
/// where the bot file was and which cage layers this machine gave it.
#[test]
fn asking_both_seats_at_once_changes_no_replay() {
    let cage = common::cage();
    let golden = common::fixtures().join("replays/asked-in-turn");
    let crash = "tests/fixtures/games/crash_on_third.py";
    let seven = "tests/fixtures/games/plays_seven.py";
    let random = |g: GameKind| format!("bots/{g}/random.py");
    let mut cases: Vec<(String, GameKind, String, String)> = GameKind::ALL
        .iter()
        .map(|&g| (g.to_string(), g, random(g), random(g)))
        .collect();
    let rps = GameKind::Rps;
    cases.push(("rps-crash".into(), rps, random(rps), crash.into()));
    cases.push(("rps-both-crash".into(), rps, crash.into(), crash.into()));
    cases.push(("rps-illegal".into(), rps, seven.into(), random(rps)));
    let ipd = GameKind::Ipd;
    cases.push(("ipd-crash".into(), ipd, crash.into(), random(ipd)));
    for (name, game, a, b) in cases {
        let record = play(&cage, game, 11, &bot(&a), &bot(&b));
        let now = replay::to_string(&record, false);
        let then = std::fs::read_to_string(golden.join(format!("{name}.json"))).unwrap();
        let (now, then): (Vec<&str>, Vec<&str>) = (now.lines().collect(), then.lines().collect());
        assert_eq!(now.len(), then.len(), "{name}: a different number of lines");
        let bots = then
            .iter()
            .position(|l| l.starts_with("  \"bots\""))
            .unwrap();
        for (i, (n, t)) in now.iter().zip(&then).enumerate() {
            if (bots + 1..bots + 3).contains(&i) {
                assert_eq!(seat_line(n), seat_line(t), "{name}: bot line {i}");
            } else {
                assert_eq!(n, t, "{name}: line {i} differs");
            }
        }
    }
}

/// A replay's bot line without what depends on the machine: the file's path and the
/// cage layers and supervision it got.
fn seat_line(line: &str) -> Value {
    let mut v: Value = serde_json::from_str(line.trim().trim_end_matches(',')).unwrap();
    let seat = v.as_object_mut().unwrap();
    for key in ["file", "layers", "supervision"] {
        assert!(seat.remove(key).is_some(), "no {key} in {line}");
    }
    v
}

/// In a simultaneous game both seats are asked before either answers: the two moves of
/// a round overlap, so their wall times add up to more than the round took. (Asked one
/// after the other, two disjoint intervals inside the round could never do so, however
/// slow the machine.) Each is still charged its own move.
#[test]
fn simultaneous_seats_think_at_the_same_time() {
    let cage = common::cage();
    let sleeper = fixture("sleeper.py");
    let config = json!({"episodeSteps": 4});
    let clock = GameKind::Rps.default_time_control();
    let mut stamps = Vec::new();
    let spec = MatchSpec {
        game: GameKind::Rps,
        config,
        seed: 1,
        key: common::seed_key(),
        time_control: clock,
        bots: vec![&sleeper, &sleeper],
        fairness: Default::default(),
        monitor: None,
    };
    let record = referee::play(&cage, &spec, &mut |_| {
        stamps.push(std::time::Instant::now())
    })
    .expect("the match is refereed");
    assert_eq!(record.result.faults, [None, None], "{:?}", record.result);
    assert_eq!(record.frames.len(), 4);
    for (round, frame) in record.frames.iter().enumerate().skip(1) {
        let took = stamps[round]
            .duration_since(stamps[round - 1])
            .as_secs_f64();
        let walls: Vec<f64> = frame
            .moves
            .iter()
            .map(|m| {
                let t = m.timing.as_ref().expect("timed");
                // A sleeping bot is charged its sleep (less any wait for a CPU): it
                // kept the match waiting.
                assert!(t.think_ms > 100.0, "{t:?}");
                (t.think_ms + t.overhead_ms) / 1e3
            })
            .collect();
        assert!(
            walls[0] + walls[1] > took,
            "round {round}: moves of {walls:?} s in a round of {took} s did not overlap"
        );
    }
}

#[test]
fn a_running_matchs_bots_are_seen_by_the_monitor_and_forgotten_after() {
    // One seat thinks for 0.3 s of CPU a move; the other answers at once.
    let dir = tempfile::tempdir().unwrap();
    let busy = dir.path().join("busy.py");
    std::fs::write(
        &busy,
        "import time\ndef agent(obs, conf):\n    end = time.process_time() + 0.3\n    while time.process_time() < end:\n        pass\n    return 0\n",
    )
    .unwrap();
    let busy = BotFile::read(&busy).unwrap();
    let rock = bot("bots/rps/rock.py");
    let cage = common::cage();
    let monitor = cagematch::cage::Monitor::default();
    let spec = MatchSpec {
        game: GameKind::Rps,
        config: json!({"episodeSteps": 8}),
        seed: 1,
        key: common::seed_key(),
        time_control: GameKind::Rps.default_time_control(),
        bots: vec![&busy, &rock],
        fairness: Default::default(),
        monitor: Some((&monitor, 41)),
    };
    let seen = std::thread::scope(|s| {
        let play = s.spawn(|| referee::play(&cage, &spec, &mut |_| {}).expect("refereed"));
        let mut seen = None;
        // Both seats appear; a second sample a moment later has a rate.
        while !play.is_finished() {
            let now = monitor.sample();
            if now.len() == 2 && now.values().any(|u| u.cpu_percent > 0.0) {
                seen = Some(now);
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(150));
        }
        play.join().unwrap();
        seen
    });
    let seen = seen.expect("the busy seat's CPU was seen while it played");
    let busy_seat = seen[&(41, 0)];
    assert!(busy_seat.cpu_percent > 0.0, "{seen:?}");
    assert!(busy_seat.rss_bytes > 1024 * 1024, "{seen:?}");
    assert!(
        monitor.sample().is_empty(),
        "forgotten when the match ended"
    );
}
