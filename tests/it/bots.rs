//! Well-behaved bots in the cage: allowed modules work, `random` is seeded per bot, state
//! survives between moves, tracebacks name the bot file's lines, Kaggle's calling convention
//! holds, and mistakes get clear one-line faults.

use crate::common;

use cagematch::cage::{Cage, CagePolicy, FaultKind};
use common::*;
use serde_json::json;
use std::time::Duration;

const BUDGET: Duration = Duration::from_secs(5);

#[test]
fn allowed_modules_work() {
    let cage = cage();
    let mut bot = loaded(&cage, &good("modules.py"), 0).unwrap();
    let m = bot.act(&json!({}), &json!({}), BUDGET).unwrap();
    assert_eq!(
        m.action,
        json!({
            "sqrt": 4.0, "perm": [2, 1], "most": "a", "heap": 1, "mean": 2, "re": "a#b#",
            "json": {"k": [1]}, "point": {"x": 1, "y": 2}, "deque": [2, 3], "time": true,
            "ops": 24, "copy": [[1]], "abc": true
        })
    );
}

fn draws(cage: &Cage, seed: u64) -> serde_json::Value {
    let mut bot = loaded(cage, &good("random_stream.py"), seed).unwrap();
    bot.act(&json!({}), &json!({}), BUDGET).unwrap().action
}

#[test]
fn random_repeats_for_a_seed_and_differs_across_seeds() {
    let cage = cage();
    assert_eq!(draws(&cage, 1), draws(&cage, 1));
    assert_ne!(draws(&cage, 1), draws(&cage, 2));
    // A fresh zygote gives the same stream: nothing leaks from earlier forks.
    let other = common::cage();
    assert_eq!(draws(&cage, 3), draws(&other, 3));
}

#[test]
fn state_survives_between_moves_and_prints_are_kept_per_move() {
    let cage = cage();
    let mut bot = loaded(&cage, &good("stateful.py"), 0).unwrap();
    for step in 0..3 {
        let m = bot.act(&json!({"step": step}), &json!({}), BUDGET).unwrap();
        assert_eq!(m.logs, vec![format!("move {step} seen {}", step + 1)]);
        if step == 2 {
            assert_eq!(m.action, json!([0, 1, 2]));
        }
        assert!(m.charged <= m.wall + Duration::from_millis(20));
    }
}

#[test]
fn the_configuration_is_a_fresh_copy_every_move() {
    let cage = cage();
    let mut bot = loaded(&cage, &good("changes_configuration.py"), 0).unwrap();
    // The same configuration every move, as a match sends it.
    let config = json!({"signs": 3, "rows": [1], "inner": {"a": 1, "b": [2]}});
    for step in 0..3 {
        let m = bot.act(&json!({"step": step}), &config, BUDGET).unwrap();
        assert_eq!(m.action, json!([null, 3, [1], 1]), "move {step}");
    }
}

#[test]
fn tracebacks_name_bot_lines() {
    let cage = cage();
    let mut bot = loaded(&cage, &good("traceback.py"), 0).unwrap();
    let fault = bot.act(&json!({}), &json!({}), BUDGET).unwrap_err();
    assert_eq!(fault.kind, FaultKind::Crash);
    assert_eq!(fault.detail, "KeyError: 'missing'");
    let tb = fault.traceback.unwrap();
    assert!(
        tb.contains("File \"traceback.py\", line 2, in helper"),
        "{tb}"
    );
    assert!(tb.contains("return x[\"missing\"]"), "{tb}");
    assert!(tb.contains("line 5, in agent"), "{tb}");
}

#[test]
fn tracebacks_leave_out_the_hosts_own_frames() {
    let cage = cage();
    let mut bot = loaded(&cage, &good("missing_attribute.py"), 0).unwrap();
    let fault = bot.act(&json!({}), &json!({}), BUDGET).unwrap_err();
    assert_eq!(fault.detail, "AttributeError: no_such_key");
    let tb = fault.traceback.unwrap();
    assert!(
        tb.contains("File \"missing_attribute.py\", line 4, in agent"),
        "{tb}"
    );
    assert!(
        !tb.contains("__getattr__") && !tb.contains("<string>") && !tb.contains("<cagematch>"),
        "a host frame in the bot's traceback: {tb}"
    );
}

#[test]
fn kaggle_attribute_access_and_arity() {
    let cage = cage();
    let mut bot = loaded(&cage, &good("attribute_access.py"), 0).unwrap();
    let obs = json!({"board": [0, 0, 1], "mark": 2, "nested": {"inner": 5}});
    let m = bot.act(&obs, &json!({"columns": 7}), BUDGET).unwrap();
    assert_eq!(m.action, json!([2, 3, 7]));

    let mut none = loaded(&cage, &good("no_args.py"), 0).unwrap();
    assert_eq!(
        none.act(&obs, &json!({}), BUDGET).unwrap().action,
        json!("no arguments")
    );
    let mut one = loaded(&cage, &good("random_stream.py"), 0).unwrap();
    assert!(one.act(&obs, &json!({}), BUDGET).unwrap().action.is_array());
}

#[test]
fn stripped_builtins_say_why() {
    let cage = cage();
    let mut bot = loaded(&cage, &good("open_file.py"), 0).unwrap();
    let fault = bot.act(&json!({}), &json!({}), BUDGET).unwrap_err();
    assert_eq!(fault.kind, FaultKind::Crash);
    assert_eq!(
        fault.detail,
        "PermissionError: open() is not available to cagematch bots: bots have no file access"
    );
}

#[test]
fn forbidden_import_lists_the_allowed_modules() {
    let cage = cage();
    let fault = loaded(&cage, &good("import_os.py"), 0).unwrap_err();
    assert_eq!(fault.kind, FaultKind::Crash);
    assert!(
        fault.detail.starts_with("ImportError: module 'os' is not available to cagematch bots; allowed modules: bisect, collections, copy"),
        "{}",
        fault.detail
    );
}

#[test]
fn syntax_errors_name_the_line() {
    let cage = cage();
    let fault = loaded(&cage, &good("syntax_error.py"), 0).unwrap_err();
    assert_eq!(fault.kind, FaultKind::Crash);
    assert!(fault.detail.starts_with("SyntaxError:"), "{}", fault.detail);
    assert!(
        fault.detail.contains("syntax_error.py, line 2"),
        "{}",
        fault.detail
    );
}

#[test]
fn a_file_without_a_function_is_explained() {
    let cage = cage();
    let fault = loaded(&cage, &good("no_callable.py"), 0).unwrap_err();
    assert!(
        fault
            .detail
            .contains("the agent is the last callable in the file"),
        "{}",
        fault.detail
    );
}

#[test]
fn printed_control_sequences_are_neutralised() {
    let cage = cage();
    let mut bot = loaded(&cage, &good("prints_escape_codes.py"), 0).unwrap();
    let m = bot.act(&json!({}), &json!({}), BUDGET).unwrap();
    assert_eq!(m.logs, vec!["\\x1b[2J\\x1b]0;owned\\x07clear"]);
}

#[test]
fn every_layer_is_reported_and_visible_to_the_kernel() {
    let cage = cage();
    let bot = cage.spawn().unwrap();
    let layers = bot.layers().unwrap().clone();
    assert_ne!(layers.uid, 0, "bots never run as root");
    assert!(layers.seccomp.starts_with("kill by default"));
    assert!(layers.rlimits.contains("address space 256 MiB"));
    // What the bot reported is what the kernel shows for its pid.
    assert_eq!(proc_status(bot.pid(), "Seccomp").as_deref(), Some("2"));
    assert_eq!(proc_status(bot.pid(), "NoNewPrivs").as_deref(), Some("1"));
    assert_eq!(
        proc_status(bot.pid(), "CapEff").as_deref(),
        Some("0000000000000000")
    );
    let uid = proc_status(bot.pid(), "Uid").unwrap();
    assert!(
        uid.split_whitespace().all(|u| u == layers.uid.to_string()),
        "{uid}"
    );
    // This machine supports every layer; elsewhere the report says what is missing.
    if std::env::var_os("CAGEMATCH_ALLOW_PARTIAL_CAGE").is_none() {
        assert!(layers.complete(), "{layers}");
        assert_eq!(
            layers.namespaces,
            ["user", "net", "ipc", "uts", "mount", "pid"]
        );
    }
}

#[test]
fn the_zygote_refuses_modules_that_give_native_code() {
    let mut policy = policy(test_limits());
    policy.modules.push("ctypes".into());
    let err = Cage::start(&policy)
        .err()
        .expect("ctypes must be refused")
        .to_string();
    assert!(err.contains("module 'ctypes' is loaded"), "{err}");
}

#[test]
fn an_unknown_module_is_reported_and_faults_only_the_bots_that_import_it() {
    let mut policy = policy(test_limits());
    policy.modules.push("no_such_module_here".into());
    let cage = Cage::start(&policy).expect("one missing module does not stop the cage");
    let failed = cage.info().failed;
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(
        failed[0]
            .1
            .contains("No module named 'no_such_module_here'"),
        "{failed:?}"
    );
    let needs = cagematch::cage::BotSource {
        name: "needs.py".into(),
        code: "import no_such_module_here\n\ndef agent(o, c):\n    return 0\n".into(),
        bundle: None,
    };
    let fault = loaded(&cage, &needs, 1).expect_err("the bot that needs it faults");
    assert!(
        fault.detail.contains("could not be loaded by the runner"),
        "{fault:?}"
    );
    assert!(
        loaded(&cage, &good("stateful.py"), 1).is_ok(),
        "the others play"
    );
}

#[test]
fn a_missing_program_is_a_clear_start_error() {
    let err = Cage::start(&CagePolicy::new("/nonexistent/cagematch"))
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.starts_with("cannot start the zygote /nonexistent/cagematch"),
        "{err}"
    );
}

/// A stand-in "zygote": a script that says something on stderr, then hangs or exits.
fn fake_zygote(dir: &std::path::Path, body: &str) -> CagePolicy {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("zygote.sh");
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut policy = CagePolicy::new(path);
    policy.start_timeout = Duration::from_secs(1);
    policy
}

#[test]
fn a_hung_zygote_is_a_clear_start_error_not_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    let policy = fake_zygote(
        dir.path(),
        "echo 'stuck preloading' >&2\nexec /bin/sleep 1000",
    );
    let started = std::time::Instant::now();
    let err = Cage::start(&policy).err().expect("must fail").to_string();
    assert!(
        err.ends_with("the zygote did not start in time: stuck preloading"),
        "{err}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "start-up waited too long"
    );
}

#[test]
fn a_zygote_that_dies_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let policy = fake_zygote(
        dir.path(),
        "echo 'Fatal Python error: no stdlib' >&2\nexit 1",
    );
    let err = Cage::start(&policy).err().expect("must fail").to_string();
    assert!(
        err.ends_with("the zygote exited during start-up: Fatal Python error: no stdlib"),
        "{err}"
    );
}

#[test]
fn dropping_the_cage_kills_every_bot() {
    let cage = cage();
    let zygote = cage.zygote_pid();
    let bots: Vec<_> = (0..4).map(|_| cage.spawn().unwrap()).collect();
    let pids: Vec<i32> = bots.iter().map(|b| b.pid()).collect();
    drop(cage);
    assert!(eventually(Duration::from_secs(3), || {
        pids.iter()
            .chain([&zygote])
            .all(|p| !std::path::Path::new(&format!("/proc/{p}")).exists())
    }));
    drop(bots);
}

#[test]
fn many_bots_at_once_from_many_threads() {
    let cage = cage();
    std::thread::scope(|s| {
        for t in 0..4 {
            let cage = &cage;
            s.spawn(move || {
                for i in 0..5 {
                    let mut bot = loaded(cage, &good("stateful.py"), i).unwrap();
                    let m = bot.act(&json!({"step": t}), &json!({}), BUDGET).unwrap();
                    assert_eq!(m.action, json!([t]));
                }
            });
        }
    });
    assert!(eventually(Duration::from_secs(3), || bots_of(
        cage.zygote_pid()
    )
    .is_empty()));
}

#[test]
fn a_pool_hands_out_fresh_caged_bots_and_dies_with_the_cage() {
    let mut policy = policy(test_limits());
    policy.pool = 2;
    let cage = Cage::start(&policy).unwrap();
    let zygote = cage.zygote_pid();
    // The filler keeps two caged bots waiting.
    assert!(eventually(Duration::from_secs(10), || bots_of(zygote)
        .len()
        == 2));
    let mut pids = Vec::new();
    for seed in 0..5 {
        let mut bot = cage.spawn().unwrap();
        assert_eq!(
            proc_status(bot.pid(), "Seccomp").as_deref(),
            Some("2"),
            "caged before use"
        );
        bot.load(&good("stateful.py"), seed, BUDGET).unwrap();
        // A fresh process every time: module state starts over.
        let first = bot.act(&json!({"step": 7}), &json!({}), BUDGET).unwrap();
        assert_eq!(first.action, json!([7]));
        pids.push(bot.pid());
    }
    pids.dedup();
    assert_eq!(pids.len(), 5);
    // Different limits bypass the pool.
    let mut other = test_limits();
    other.memory_mb = 200;
    let bot = cage.spawn_with(&other).unwrap();
    assert!(!pids.contains(&bot.pid()));
    drop(bot);
    let waiting = all_children_of(zygote); // the PID namespace's init too
    drop(cage);
    for pid in waiting {
        // SAFETY: probing whether a pid still exists.
        assert!(
            eventually(Duration::from_secs(5), || unsafe { libc::kill(pid, 0) }
                != 0),
            "pooled bot {pid} outlived the cage"
        );
    }
}

#[test]
fn bots_share_one_empty_network_namespace_that_is_not_the_hosts() {
    let cage = cage();
    let zygote = cage.zygote_pid();
    let ns = |pid: &str| std::fs::read_link(format!("/proc/{pid}/ns/net")).ok();
    let host = ns("self").unwrap();
    let zygote_ns = ns(&zygote.to_string()).expect("the zygote's namespace is readable");
    assert_ne!(
        zygote_ns, host,
        "the zygote (and so every bot) left the host's network"
    );
    let (a, b) = (cage.spawn().unwrap(), cage.spawn().unwrap());
    // Bots are not dumpable: only root may look at their namespaces.
    if let (Some(na), Some(nb)) = (ns(&a.pid().to_string()), ns(&b.pid().to_string())) {
        assert_eq!(na, zygote_ns);
        assert_eq!(nb, zygote_ns);
    } else {
        // SAFETY: geteuid cannot fail.
        assert_ne!(
            unsafe { libc::geteuid() },
            0,
            "root can read every namespace"
        );
    }
    assert!(a.layers().unwrap().namespaces.contains(&"net".to_string()));
}

#[test]
fn a_bot_past_its_cgroup_memory_is_a_memory_fault_and_without_cgroups_the_runner_says_so() {
    let limits = cagematch::cage::Limits {
        memory_mb: 1024,
        resident_mb: Some(64),
        ..test_limits()
    };
    let cage = Cage::start(&policy(limits)).expect("the cage starts");
    let hog = source(&fixtures().join("games/resident_hog.py"));
    let mut bot = loaded(&cage, &hog, 1).expect("loads");
    let joined = std::fs::read_to_string(format!("/proc/{}/cgroup", bot.pid())).unwrap();
    let answer = bot.act(&json!({"step": 0}), &json!({}), Duration::from_secs(20));
    // CI's root run sets this: there, the cgroup path must be the one tested.
    let expected =
        std::env::var_os("CAGEMATCH_EXPECT_CGROUPS").is_some() && unsafe { libc::geteuid() } == 0;
    let sandbox = std::process::Command::new(env!("CARGO_BIN_EXE_cagematch"))
        .arg("sandbox")
        .output()
        .unwrap();
    let sandbox = String::from_utf8_lossy(&sandbox.stdout);
    // Which Python is embedded, and how to make a venv with it.
    assert!(
        sandbox.contains(&format!("embedded:   {}", env!("CAGEMATCH_PYTHON_EXE"))),
        "{sandbox}"
    );
    assert!(sandbox.contains(" -m venv DIR"), "{sandbox}");
    match cage.cgroups() {
        Ok(limits) => {
            assert!(limits.contains("memory 64 MiB"), "{limits}");
            assert!(
                joined.contains("/cagematch-"),
                "the bot is in its cgroup: {joined}"
            );
            let fault = answer.expect_err("the hog is stopped");
            assert_eq!(fault.kind, FaultKind::Memory, "{fault:?}");
            assert!(
                fault.detail.contains("cgroup's limit of 64 MiB"),
                "{}",
                fault.detail
            );
            assert!(sandbox.contains("cgroup:     v"), "{sandbox}");
        }
        Err(why) => {
            assert!(!expected, "root here must get cgroups: {why}");
            // Everything else holds: the bot is caged as ever, and the address-space
            // limit (not the missing cgroup) is what bounds it, so 200 MiB plays.
            assert!(
                bot.layers().is_some_and(|l| l.complete()),
                "{:?}",
                bot.layers()
            );
            assert!(answer.is_ok(), "{answer:?}");
            assert!(sandbox.contains("cgroup:     WARNING: none"), "{sandbox}");
        }
    }
}

#[test]
fn a_third_party_import_without_a_venv_says_who_can_provide_it() {
    let cage = cage();
    let bot = cagematch::cage::BotSource {
        name: "numpy_bot.py".into(),
        code: "import numpy as np\n\ndef agent(o, c):\n    return 0\n".into(),
        bundle: None,
    };
    let fault = loaded(&cage, &bot, 1).expect_err("numpy is not there");
    assert!(
        fault.detail.contains("module 'numpy' is not available to cagematch bots (third-party: the organiser provides it with `python: {venv: DIR, modules: [numpy]}` or --venv DIR --module numpy)"),
        "{}",
        fault.detail
    );
    // A standard-library module gets no such hint (it needs no venv).
    let os = cagematch::cage::BotSource {
        name: "os_bot.py".into(),
        code: "import os\n\ndef agent(o, c):\n    return 0\n".into(),
        bundle: None,
    };
    let fault = loaded(&cage, &os, 1).expect_err("os is refused");
    assert!(!fault.detail.contains("third-party"), "{}", fault.detail);
}

/// A bot runs on the CPUs of the thread that spawned it (a worker's core), wherever the
/// zygote was started: a zygote started on another core must not leave its bots there
/// (every move would cross cores).
#[test]
fn a_bot_runs_on_its_workers_core_wherever_the_zygote_started() {
    let cpus = cagematch::affinity::allowed_cpus();
    if cpus.len() < 2 {
        eprintln!("one CPU: nothing to check");
        return;
    }
    let cage = cagematch::affinity::pinned(1, common::cage);
    let allowed = |pid: i32| proc_status(pid, "Cpus_allowed_list").unwrap_or_default();
    let zygote_cpus = allowed(cage.zygote_pid());
    assert_eq!(zygote_cpus, cpus[1].to_string());
    let bot = cagematch::affinity::pinned(0, || cage.spawn().expect("spawn"));
    assert_eq!(allowed(bot.pid()), cpus[0].to_string());
}
