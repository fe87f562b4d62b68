//! The hostile-bot suite: every fixture in tests/fixtures/hostile attacks the cage. Each
//! test checks three things: the attack had no effect outside the bot (canary untouched,
//! no file created, no process left), the runner reported the expected fault, and the
//! same cage immediately serves a fresh, well-behaved bot.

use crate::common;

use cagematch::cage::{Cage, FaultKind, Limits};
use common::*;
use serde_json::json;
use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

const SECRET: &str = "CANARY-SECRET";

struct Expectation {
    kinds: Vec<String>,
    detail: Option<String>,
    budget: Duration,
    cpu_seconds: u64,
}

fn header(code: &str) -> Expectation {
    let field = |key: &str| {
        code.lines().find_map(|l| {
            l.strip_prefix(&format!("# {key}:"))
                .map(|v| v.trim().to_string())
        })
    };
    Expectation {
        kinds: field("expect")
            .expect("every hostile fixture has '# expect:'")
            .split('|')
            .map(str::to_string)
            .collect(),
        detail: field("detail"),
        budget: Duration::from_secs_f64(field("budget").map_or(1.0, |b| b.parse().unwrap())),
        cpu_seconds: field("cpu").map_or(10, |c| c.parse().unwrap()),
    }
}

fn run_hostile(name: &str) {
    let path = fixtures().join("hostile").join(format!("{name}.py"));
    let bot_source = source(&path);
    let expect = header(&bot_source.code);

    // A world-readable canary: only the cage, not file permissions, keeps it safe.
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let canary = dir.path().join("canary.txt");
    std::fs::write(&canary, SECRET).unwrap();
    std::fs::set_permissions(&canary, std::fs::Permissions::from_mode(0o666)).unwrap();

    let limits = Limits {
        cpu_seconds: expect.cpu_seconds,
        ..test_limits()
    };
    let cage = Cage::start(&policy(limits)).expect("the cage starts");
    let zygote = cage.zygote_pid();
    let mut bot = cage.spawn().expect("spawn");
    let bot_pid = bot.pid();
    let obs = json!({
        "canary": canary.to_string_lossy(),
        "canary_dir": dir.path().to_string_lossy(),
        "zygote_pid": zygote,
        "step": 0,
    });

    // Two moves: some attacks (a second frame, state left behind) show on the next one.
    let outcome = bot
        .load(&bot_source, 7, Duration::from_secs(5))
        .and_then(|_| bot.act(&obs, &json!({}), expect.budget))
        .and_then(|_| bot.act(&obs, &json!({}), expect.budget));
    let (kind, text) = match &outcome {
        Ok(m) => {
            let action = action_str(&m.action);
            assert_eq!(action, "contained", "{name}: the attack was not contained");
            ("ok".to_string(), action)
        }
        Err(f) => (
            f.kind.to_string(),
            format!("{} {}", f.detail, f.traceback.clone().unwrap_or_default()),
        ),
    };
    assert!(
        expect.kinds.contains(&kind),
        "{name}: expected {:?}, got {kind}: {text}",
        expect.kinds
    );
    if let Some(detail) = &expect.detail {
        assert!(text.contains(detail), "{name}: '{detail}' not in: {text}");
    }
    if let Ok(m) = &outcome {
        assert!(
            !m.logs.iter().any(|l| l.contains("PAYLOAD")),
            "{name}: a shutdown hook ran"
        );
    }

    // No effect outside the bot.
    assert_eq!(
        std::fs::read_to_string(&canary).unwrap(),
        SECRET,
        "{name}: canary changed"
    );
    let entries: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(entries.len(), 1, "{name}: files appeared: {entries:?}");

    // The bot is gone, reaped, and left nothing behind.
    drop(bot);
    assert!(
        eventually(Duration::from_secs(3), || bots_of(zygote).is_empty()
            && !std::path::Path::new(&format!("/proc/{bot_pid}")).exists()),
        "{name}: bot process {bot_pid} or a child of the zygote is still there"
    );

    // The runner is alive and serves the next bot at once.
    let mut fresh = loaded(&cage, &good("stateful.py"), 1).expect("a fresh bot loads");
    let m = fresh
        .act(&json!({"step": 5}), &json!({}), Duration::from_secs(5))
        .expect("a fresh bot moves");
    assert_eq!(m.action, json!([5]), "{name}: fresh bot misbehaved");
}

macro_rules! hostile {
    ($($name:ident),* $(,)?) => {
        $( #[test] fn $name() { run_hostile(stringify!($name)); } )*
        const LISTED: &[&str] = &[$(stringify!($name)),*];
    };
}

hostile!(
    gadget_subclass_os_system,
    gadget_builtin_importer_posix,
    gadget_catch_warnings_import,
    gadget_abcmeta_builtins,
    gadget_random_globals_os,
    gadget_signal_module,
    read_etc_passwd,
    read_canary,
    write_canary,
    create_file,
    socket_connect,
    fork,
    thread,
    fork_bomb,
    execve_shell,
    kill_parent,
    segfault_code_object,
    memory_bomb,
    memory_grow,
    cpu_loop,
    power_tower,
    int_str_unlimited,
    recursion_default,
    recursion_unlimited,
    deep_repr,
    output_flood,
    sleep_forever,
    sigxcpu_handler,
    except_baseexception_loop,
    monkeypatch_json,
    raw_huge_frame,
    raw_deep_nesting,
    raw_nan,
    raw_invalid_utf8,
    raw_huge_number,
    raw_duplicate_keys,
    raw_forged_extra_frame,
    raw_stalled_partial_frame,
    exit_without_reply,
    close_reply_pipe,
    del_atexit_payload,
    hostile_repr_action,
    dict_subclass_action,
    frame_walk,
    environment_and_fds,
    gc_host_objects,
);

#[test]
fn every_fixture_is_listed_and_there_are_at_least_thirty() {
    let mut files: Vec<String> = std::fs::read_dir(fixtures().join("hostile"))
        .unwrap()
        .flatten()
        .filter_map(|e| {
            e.file_name()
                .to_string_lossy()
                .strip_suffix(".py")
                .map(str::to_string)
        })
        .collect();
    files.sort();
    let mut listed: Vec<String> = LISTED.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(
        files, listed,
        "a fixture is not run, or a test has no fixture"
    );
    assert!(files.len() >= 30);
}

#[test]
fn expected_kinds_are_real_fault_kinds() {
    for name in LISTED {
        let code =
            std::fs::read_to_string(fixtures().join("hostile").join(format!("{name}.py"))).unwrap();
        for kind in header(&code).kinds {
            assert!(
                kind == "ok" || FaultKind::ALL.iter().any(|k| k.as_str() == kind),
                "{name}: unknown kind {kind}"
            );
        }
    }
}
