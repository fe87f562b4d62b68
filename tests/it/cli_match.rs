//! `cagematch match` and `cagematch check` as a user runs them: the real binary, real
//! bot files, exit codes and output.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn cagematch(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cagematch"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run cagematch")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn match_json_prints_one_object_with_the_documented_fields() {
    let out = cagematch(&[
        "match",
        "connectx",
        "bots/connectx/negamax.py",
        "bots/connectx/random.py",
        "--seed",
        "4",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().count(), 1, "one line: {stdout}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        ["bots", "faults", "frames", "game", "outcomes", "scores", "seed"]
    );
    assert_eq!(v["game"], "connectx");
    assert_eq!(v["seed"], 4);
    assert_eq!(v["bots"], serde_json::json!(["negamax", "random"]));
    assert_eq!(v["outcomes"], serde_json::json!(["win", "loss"]));
    assert_eq!(v["scores"], serde_json::json!([1, -1]));
    assert_eq!(v["faults"], serde_json::json!([null, null]));
    assert!(v["frames"].as_u64().unwrap() > 7);
}

#[test]
fn a_faulting_bot_still_exits_zero_with_the_fault_in_the_json() {
    let out = cagematch(&[
        "match",
        "rps",
        "bots/rps/rock.py",
        "tests/fixtures/games/plays_seven.py",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["outcomes"], serde_json::json!(["win", "loss"]));
    assert_eq!(v["faults"][0], Value::Null);
    assert_eq!(v["faults"][1]["kind"], "illegal_action");
    assert_eq!(
        v["faults"][1]["detail"],
        "on move 1: sign 7 is not one of 0 to 2"
    );
    assert_eq!(v["scores"], serde_json::json!([1, null]));
}

#[test]
fn replays_from_the_cli_are_byte_identical_for_the_same_seed() {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<PathBuf> = (0..3)
        .map(|i| dir.path().join(format!("{i}.json")))
        .collect();
    for (file, seed) in files.iter().zip(["21", "21", "22"]) {
        let out = cagematch(&[
            "match",
            "tron",
            "bots/tron/random.py",
            "bots/tron/space_fill.py",
            "--seed",
            seed,
            "--replay",
            file.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert!(text(&out.stdout).contains("replay: "));
    }
    let bytes: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    assert_eq!(bytes[0], bytes[1]);
    assert_ne!(bytes[0], bytes[2]);
}

#[test]
fn match_text_output_shows_result_and_board() {
    let out = cagematch(&[
        "match",
        "connectx",
        "bots/connectx/greedy.py",
        "bots/connectx/greedy.py",
        "--seed",
        "1",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("connectx · seed 1 · "), "{stdout}");
    assert!(stdout.contains("seat 1  greedy    "), "{stdout}");
    assert!(stdout.contains("seat 2  greedy (2)"), "{stdout}");
    assert!(stdout.contains("0 1 2 3 4 5 6"), "{stdout}");
}

#[test]
/// Bad arguments and bad files are the user's to fix: one line, exit 2 (as clap's own
/// usage errors), never 1 as a failure of the run.
fn usage_and_file_errors_are_one_line_and_exit_2() {
    let cases: [(&[&str], &str); 8] = [
        (
            &[
                "match",
                "connectx",
                "bots/nope.py",
                "bots/connectx/random.py",
            ],
            "bots/nope.py: no such bot file; check the path",
        ),
        (
            &["match", "chess", "bots/rps/rock.py", "bots/rps/rock.py"],
            "unknown game `chess`: the games are connectx, rps, ipd, tron",
        ),
        (
            &[
                "match",
                "rps",
                "bots/rps/rock.py",
                "bots/rps/rock.py",
                "--set",
                "sings=4",
            ],
            "rps settings: unknown field `sings`",
        ),
        (
            &[
                "match",
                "rps",
                "bots/rps/rock.py",
                "bots/rps/rock.py",
                "--set",
                "signs",
            ],
            "--set signs: write it as KEY=VALUE",
        ),
        (
            &[
                "match",
                "rps",
                "bots/rps/rock.py",
                "bots/rps/rock.py",
                "--move-time",
                "0",
            ],
            "--move-time must be above 0",
        ),
        (
            &["match", "rps", "README.md", "bots/rps/rock.py"],
            "README.md: a bot is a .py file, an executable (chmod +x) or a .yaml manifest naming one",
        ),
        (
            &["match", "rps", ".ci/run", "bots/rps/rock.py"],
            ".ci/run: a script with #! is not a compiled program",
        ),
        (
            &["match", "rps", "tournaments/rps.yaml", "bots/rps/rock.py"],
            "tournaments/rps.yaml:2: unknown field `name`, expected one of `command`, `args`, `files`",
        ),
    ];
    for (args, expected) in cases {
        let out = cagematch(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = text(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(
            stderr.starts_with(&format!("cagematch: {expected}")),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn check_passes_a_good_bot() {
    let out = cagematch(&["check", "bots/connectx/greedy.py", "--game", "connectx"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("sandbox:"), "{stdout}");
    assert!(stdout.contains("seccomp:"), "{stdout}");
    assert!(stdout.contains("loads: the agent is `agent`"), "{stdout}");
    assert_eq!(
        stdout.matches(" vs built-in random: ").count(),
        8,
        "{stdout}"
    );
    // Where bots get no cgroup (an unprivileged user), that is a warning, not a problem.
    let last = stdout.trim_end().lines().last().unwrap_or_default();
    if stdout.contains("cgroup:     WARNING: none") {
        assert_eq!(last, "no problems found (1 warning(s) above)", "{stdout}");
    } else {
        assert_eq!(last, "no problems found", "{stdout}");
    }
}

fn check_fails(bot: &str, game: &str, extra: &[&str], expected: &[&str]) {
    let mut args = vec!["check", bot, "--game", game];
    args.extend_from_slice(extra);
    let out = cagematch(&args);
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{bot}: {stdout}{}",
        text(&out.stderr)
    );
    for line in expected {
        assert!(
            stdout.contains(line),
            "{bot}: `{line}` missing from\n{stdout}"
        );
    }
    assert!(stdout.contains("problem(s) found"), "{stdout}");
}

#[test]
fn check_reports_a_syntax_error_with_its_line() {
    check_fails(
        "tests/fixtures/games/syntax_error.py",
        "rps",
        &[],
        &[
            "loads: NO",
            "PROBLEM (crash)",
            "SyntaxError: invalid syntax (syntax_error.py, line 2)",
        ],
    );
}

#[test]
fn check_reports_a_forbidden_import_with_the_allowed_list() {
    check_fails(
        "tests/fixtures/good/import_os.py",
        "rps",
        &[],
        &[
            "module 'os' is not available",
            "allowed modules: bisect, collections",
        ],
    );
}

#[test]
fn check_reports_a_file_without_an_agent() {
    check_fails(
        "tests/fixtures/good/no_callable.py",
        "ipd",
        &[],
        &["the bot defines no function"],
    );
}

#[test]
fn check_reports_crashes_with_the_traceback() {
    check_fails(
        "tests/fixtures/games/crash_on_third.py",
        "connectx",
        &[],
        &[
            "PROBLEM (crash): its code raised an error or crashed: on move 3: ValueError",
            "File \"crash_on_third.py\", line 10, in agent",
        ],
    );
}

#[test]
fn check_reports_illegal_moves() {
    check_fails(
        "tests/fixtures/games/plays_seven.py",
        "rps",
        &[],
        &["PROBLEM (illegal_action): it returned an action the rules do not allow: on move 1: sign 7 is not one of 0 to 2"],
    );
}

#[test]
fn check_reports_slow_moves_against_the_time_control() {
    // 0.15 s per move against 0.1 s: the bank pays, then runs out.
    check_fails(
        "tests/fixtures/games/overdraw.py",
        "rps",
        &["--move-time", "0.1", "--overage", "0.2", "--games", "1"],
        &[
            "SLOW: move 1 used 0.1",
            "more than the 0.1 s per move; the overage bank paid the rest",
            "PROBLEM (timeout): it ran out of time",
        ],
    );
}

#[test]
fn check_calls_a_move_near_its_budget_slow_with_the_margin_said() {
    // 0.15 s of CPU on the first move against 0.18 s: within the budget, but past 80% of
    // it — SLOW (a warning, not a problem) on a quiet machine as on a busy one.
    let out = cagematch(&[
        "check",
        "tests/fixtures/games/slow_first.py",
        "--game",
        "rps",
        "--move-time",
        "0.18",
        "--games",
        "1",
    ]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("more than 80% of the 0.18 s per move: a busier or slower machine may not leave it enough"),
        "{stdout}"
    );
    assert!(stdout.contains("no problems found"), "{stdout}");
}

#[test]
fn bench_json_reports_every_figure_and_target() {
    // Small counts: this checks the report's shape, not the machine's speed (the
    // figures are in the README; tests never assert timings).
    let out = cagematch(crate::common::SMALL_BENCH);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    for (section, n) in [("spawn", 4), ("move", 7), ("throughput", 3)] {
        let obj = v[section]
            .as_object()
            .unwrap_or_else(|| panic!("{section}: {v}"));
        assert_eq!(obj.len(), n, "{section}: {obj:?}");
    }
    for f in v["spawn"]
        .as_object()
        .unwrap()
        .values()
        .chain(v["move"].as_object().unwrap().values())
    {
        assert!(f["median_us"].as_f64().unwrap() > 0.0, "{f}");
        assert!(
            f["p95_us"].as_f64().unwrap() >= f["median_us"].as_f64().unwrap(),
            "{f}"
        );
    }
    // The keys docs/performance.md documents.
    for key in [
        "caged_same_core",
        "pipe_floor_same_core",
        "json_lines_same_core",
        "caged_across_cores",
        "pipe_floor_across_cores",
        "json_lines_across_cores",
        "in_process_python",
    ] {
        assert!(v["move"][key]["median_us"].as_f64().is_some(), "{key}: {v}");
    }
    for key in ["pooled", "forked", "cold_python", "cold_embedded"] {
        assert!(
            v["spawn"][key]["median_us"].as_f64().is_some(),
            "{key}: {v}"
        );
    }
    let round = &v["rps_round"];
    assert_eq!(round["rounds"], 999, "{round}");
    for key in ["round_us", "slower_seat_us", "referee_overhead_us"] {
        assert!(round[key].as_f64().is_some(), "{key}: {round}");
    }
    // The slower seat's round trip is part of the round.
    assert!(round["slower_seat_us"].as_f64() < round["round_us"].as_f64());
    let replay = &v["replay"];
    assert_eq!(replay["frames"], 1000, "{replay}");
    assert!(replay["zstd_bytes"].as_u64() < replay["json_bytes"].as_u64());
    assert!(replay["zstd_bytes_per_frame"].as_f64().unwrap() > 0.0);
    for game in ["rps", "connectx", "environment"] {
        assert!(
            v["throughput"][game]["scaling"].as_f64().unwrap() > 0.0,
            "{game}"
        );
    }
    let fairness = &v["fairness"];
    for game in ["connectx", "rps"] {
        let losses = &fairness["time_losses_per_1000_moves"][game];
        assert!(losses["charged"].as_f64().is_some(), "{fairness}");
        assert!(losses["moves"][0].as_u64().unwrap() > 0, "{fairness}");
    }
    let crowd = &fairness["oversubscribed"];
    assert!(crowd["moves"].as_u64().unwrap() > 0, "{fairness}");
    assert!(crowd["timeouts"].as_u64().is_some(), "{fairness}");
    let stalls = fairness["stalls"].as_array().unwrap();
    assert_eq!(stalls.len(), 2, "{fairness}");
    for s in stalls {
        // Wide bounds (a shared machine): it ends at its budget, not at a backstop.
        let wall = s["wall_s"].as_f64().unwrap();
        assert!((1.0..10.0).contains(&wall), "{s}");
    }
    // Root can read a caged bot's /proc files; its own user cannot (not dumpable).
    // SAFETY: geteuid cannot fail.
    let root = unsafe { libc::geteuid() } == 0;
    let targets = v["targets"].as_array().unwrap();
    if root {
        let pss = v["memory"]["caged_bot_pss_kib"].as_f64();
        assert!(pss.is_some_and(|p| p > 0.0), "{}", v["memory"]);
        assert!(v["bundle"]["pss_kib"].as_f64().is_some(), "{}", v["bundle"]);
        assert_eq!(targets.len(), 20);
    } else {
        let why = v["memory"]["unavailable"].as_str().unwrap_or_default();
        assert!(why.contains("run the bench as root"), "{}", v["memory"]);
        assert!(v["bundle"]["pss_kib"]["unavailable"].is_string());
        assert_eq!(targets.len(), 19);
    }
    // The ladder rows: a new version's games do not grow with the ladder.
    let rows = v["ladder"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3, "{}", v["ladder"]);
    for r in rows {
        let games = r["games"].as_u64().unwrap();
        assert!((22..=32).contains(&games), "{r}");
        assert_eq!(r["round_robin_games"], 2 * r["entrants"].as_u64().unwrap());
        assert!(r["planning_ms"].as_f64().is_some() && r["standings_ms"].as_f64().is_some());
    }
    // The bundle row: the runner's one read, spawns against their baseline, the load.
    let b = &v["bundle"];
    assert_eq!(b["weights_mb"], 50, "{b}");
    for key in ["read_ms", "load_charged_ms", "load_wall_ms"] {
        assert!(b[key].as_f64().is_some_and(|x| x > 0.0), "{key}: {b}");
    }
    for key in ["spawn", "baseline_spawn"] {
        assert!(
            b[key]["median_us"].as_f64().is_some_and(|x| x > 0.0),
            "{key}: {b}"
        );
    }
    // A game of one's own against the built-in RPS (kaggle's env.run only with
    // --game-venv, which this run does not give).
    let e = &v["environment"];
    for key in ["env_round_us", "builtin_round_us", "env_matches_per_s"] {
        assert!(e[key].as_f64().is_some_and(|x| x > 0.0), "{key}: {e}");
    }
    assert!(e["kaggle_env_run_matches_per_s"].is_null(), "{e}");
    assert!(targets
        .iter()
        .any(|t| t["name"] == "python game round vs built-in rps round"));
    assert!(targets
        .iter()
        .all(|t| t["met"].is_boolean() && t["goal"].is_string()));
}

#[test]
fn a_none_action_plays_the_schemas_default_as_on_kaggle() {
    // Kaggle's runner fills a `None` with the action schema's default (0) in ConnectX and
    // RPS; Kaggle's own `statistical` RPS agent returns None on its first move.
    let dir = tempfile::tempdir().unwrap();
    let none = dir.path().join("none.py");
    std::fs::write(
        &none,
        "def agent(observation, configuration):\n    return None\n",
    )
    .unwrap();
    let none = none.to_str().unwrap();
    // ConnectX with room for every move in column 0.
    for (game, other, rows) in [
        ("rps", "bots/rps/rock.py", None),
        ("connectx", "bots/connectx/random.py", Some("rows=10")),
    ] {
        let out = cagematch(&[
            "match",
            game,
            none,
            other,
            "--seed",
            "1",
            "--json",
            "--set",
            "episodeSteps=9",
            "--set",
            rows.unwrap_or("signs=3"),
        ]);
        assert_eq!(out.status.code(), Some(0), "{game}: {}", text(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["faults"], serde_json::json!([null, null]), "{game}: {v}");
    }
}

#[test]
fn a_bot_starting_a_thread_gets_a_python_error_it_can_catch_not_a_kill() {
    // Real code starts a thread "just in case": the cage refuses the thread (clone with
    // thread flags: EPERM), and Python raises RuntimeError("can't start new thread").
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "threading",
            "import threading\n\ndef agent(observation, configuration):\n    try:\n        threading.Thread(target=print).start()\n        print('started')\n    except RuntimeError as e:\n        print('caught', e)\n    return 0\n",
        ),
        (
            "_thread",
            "import _thread\n\ndef agent(observation, configuration):\n    try:\n        _thread.start_new_thread(print, ('x',))\n        print('started')\n    except RuntimeError as e:\n        print('caught', e)\n    return 0\n",
        ),
    ];
    for (module, code) in cases {
        let bot = dir.path().join(format!("t{module}.py"));
        std::fs::write(&bot, code).unwrap();
        let replay = dir.path().join(format!("{module}.json"));
        let out = cagematch(&[
            "match",
            "rps",
            bot.to_str().unwrap(),
            "bots/rps/rock.py",
            "--module",
            module,
            "--set",
            "episodeSteps=3",
            "--replay",
            replay.to_str().unwrap(),
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{module}: {}",
            text(&out.stderr)
        );
        let record = std::fs::read_to_string(&replay).unwrap();
        assert!(!record.contains("\"violation\""), "{module}: {record}");
        assert!(
            record.contains("caught can't start new thread"),
            "{module}: {record}"
        );
        assert!(!record.contains("started"), "{module}: {record}");
    }
}

#[test]
fn a_python_bot_that_sleeps_to_its_deadline_then_spins_past_it_times_out() {
    // Sleeping is charged; spinning past the deadline is running, not waiting for a CPU:
    // no grace, a timeout on that very move (before, 85 ms past a 300 ms budget passed).
    let dir = tempfile::tempdir().unwrap();
    let bot = dir.path().join("farm.py");
    std::fs::write(
        &bot,
        "import time\n\ndef agent(observation, configuration):\n    budget = configuration.actTimeout\n    start = time.perf_counter()\n    time.sleep(max(0.0, budget - 0.005))\n    while time.perf_counter() - start < budget + 0.085:\n        pass\n    return 0\n",
    )
    .unwrap();
    let out = cagematch(&[
        "match",
        "rps",
        bot.to_str().unwrap(),
        "bots/rps/rock.py",
        "--set",
        "episodeSteps=4",
        "--move-time",
        "0.3",
        "--overage",
        "0",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["faults"][0]["kind"], "timeout", "{v}");
    assert!(
        v["faults"][0]["detail"]
            .as_str()
            .unwrap()
            .starts_with("on move 1:"),
        "{v}"
    );
}
