//! Real bots with the scientific stack: numpy, pandas and scikit-learn from a real venv
//! (`.venv-test`, made by `scripts/test` from tests/requirements.txt), preloaded by the
//! zygote, imported by bots inside the full cage. Then what that admits, attacked:
//! ctypes reached through numpy trying files, libraries, sockets, exec, executable memory
//! and signals — each contained by the kernel layers.

use crate::common;

use cagematch::botfile::BotFile;
use cagematch::cage::{self, Cage, FaultKind};
use cagematch::game::{GameKind, Outcome};
use cagematch::referee::{self, MatchRecord, MatchSpec};
use common::*;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The test venv; the README's test command (`scripts/test`) makes it.
fn venv() -> PathBuf {
    let venv = root().join(".venv-test");
    assert!(
        venv.join("pyvenv.cfg").is_file(),
        "{} is missing: run the tests with scripts/test, which makes it",
        venv.display()
    );
    venv
}

fn science_cage(modules: &[&str]) -> Cage {
    let mut policy = policy(test_limits());
    let modules: Vec<String> = modules.iter().map(|m| m.to_string()).collect();
    cage::add_python(&mut policy, &modules, Some(&venv())).expect("the venv serves");
    Cage::start(&policy).expect("the cage starts with the scientific stack")
}

/// One cage for the whole file: starting one walks numpy, pandas and scikit-learn.
fn shared() -> &'static Cage {
    static CAGE: OnceLock<Cage> = OnceLock::new();
    CAGE.get_or_init(|| science_cage(&["numpy", "pandas", "sklearn"]))
}

fn bot(name: &str) -> BotFile {
    BotFile::read(&fixtures().join("science").join(name)).expect("the fixture reads")
}

fn builtin(game: GameKind) -> BotFile {
    let (file, code) = game.builtin_opponent();
    BotFile::from_code("built-in random".into(), PathBuf::from(file), code.into())
}

fn play(
    cage: &Cage,
    game: GameKind,
    seats: [&BotFile; 2],
    config: serde_json::Value,
) -> MatchRecord {
    let spec = MatchSpec {
        game,
        config,
        seed: 7,
        key: seed_key(),
        time_control: game.default_time_control(),
        bots: seats.to_vec(),
        fairness: Default::default(),
        monitor: None,
    };
    referee::play(cage, &spec, &mut |_| {}).expect("refereed")
}

/// A short RPS match of `me` (seat 1) against the built-in random bot, in `cage`.
fn rps_against_random(cage: &Cage, me: &BotFile, rounds: u64) -> MatchRecord {
    let other = builtin(GameKind::Rps);
    play(
        cage,
        GameKind::Rps,
        [me, &other],
        json!({"episodeSteps": rounds}),
    )
}

/// Plays `name` against the built-in random bot in both seats: no fault either time.
fn plays_both_seats(name: &str, game: GameKind, config: serde_json::Value) -> [MatchRecord; 2] {
    let (me, other) = (bot(name), builtin(game));
    let first = play(shared(), game, [&me, &other], config.clone());
    let second = play(shared(), game, [&other, &me], config);
    for (record, seat) in [(&first, 0), (&second, 1)] {
        assert_eq!(
            record.result.faults,
            [None, None],
            "{name} in seat {}: {:?}",
            seat + 1,
            record.result
        );
        assert!(record.frames.len() > 2, "{name}: a full match");
    }
    [first, second]
}

#[test]
fn a_numpy_markov_chain_rps_bot_plays_both_seats_and_learns_a_constant_opponent() {
    let [first, _] = plays_both_seats(
        "numpy_markov.py",
        GameKind::Rps,
        json!({"episodeSteps": 200}),
    );
    assert_eq!(first.frames.len(), 200);
    // Against a bot that always plays rock it learns within a few rounds.
    let rock = BotFile::read(&root().join("bots/rps/rock.py")).unwrap();
    let record = play(
        shared(),
        GameKind::Rps,
        [&bot("numpy_markov.py"), &rock],
        json!({"episodeSteps": 100}),
    );
    assert_eq!(
        record.result.outcomes[0],
        Outcome::Win,
        "{:?}",
        record.result
    );
}

#[test]
fn a_pandas_frequency_bot_plays_full_matches_in_both_seats() {
    plays_both_seats(
        "pandas_frequency.py",
        GameKind::Rps,
        json!({"episodeSteps": 100}),
    );
}

#[test]
fn a_scikit_learn_tree_trained_every_move_plays_full_matches_in_both_seats() {
    plays_both_seats(
        "sklearn_tree.py",
        GameKind::Rps,
        json!({"episodeSteps": 60}),
    );
}

#[test]
fn a_numpy_bitboard_connectx_bot_beats_random_in_both_seats() {
    let [first, second] = plays_both_seats("numpy_bitboard.py", GameKind::Connectx, json!({}));
    assert_eq!(first.result.outcomes[0], Outcome::Win, "{:?}", first.result);
    assert_eq!(
        second.result.outcomes[1],
        Outcome::Win,
        "{:?}",
        second.result
    );
}

#[test]
fn blas_backed_numpy_works_inside_the_cage() {
    let code = "import numpy as np\n\n\ndef agent(obs, config):\n    a = np.arange(1.0, 10.0).reshape(3, 3) + np.eye(3)\n    x = np.linalg.solve(a, np.ones(3))\n    assert np.allclose(a @ x, 1.0)\n    w = np.linalg.eigvalsh(a @ a.T)\n    return int(w.argmax()) % 3\n";
    let me = BotFile::from_code("blas".into(), PathBuf::from("blas.py"), code.into());
    let record = rps_against_random(shared(), &me, 5);
    assert_eq!(record.result.faults, [None, None], "{:?}", record.result);
}

/// Plays a hostile fixture (its `# expect:` and `# detail:` lines say what must happen).
fn contained(name: &str) {
    let me = bot(name);
    let code = std::fs::read_to_string(fixtures().join("science").join(name)).unwrap();
    let field = |key: &str| {
        code.lines()
            .find_map(|l| l.strip_prefix(&format!("# {key}: ")).map(str::to_string))
    };
    let expect = field("expect").expect("# expect:");
    let record = rps_against_random(shared(), &me, 3);
    let fault = record.result.faults[0]
        .as_ref()
        .unwrap_or_else(|| panic!("{name}: the attack went through: {:?}", record));
    assert_eq!(fault.kind.as_str(), expect, "{name}: {fault:?}");
    if let Some(detail) = field("detail") {
        assert!(fault.detail.contains(&detail), "{name}: {}", fault.detail);
    }
    // Nothing of /etc/passwd reached the record.
    let text = serde_json::to_string(&record).unwrap();
    assert!(!text.contains("root:x:0"), "{name} read /etc/passwd");
    // The cage serves the next bot as before.
    let next = rps_against_random(shared(), &bot("numpy_markov.py"), 3);
    assert_eq!(next.result.faults, [None, None], "after {name}");
}

#[test]
fn ctypes_through_numpy_cannot_open_files() {
    contained("hostile_ctypes_open.py");
}

#[test]
fn ctypes_through_numpy_cannot_load_a_library_from_a_file() {
    // A real shared library, readable by everyone, that no process has loaded yet (a
    // library already in memory, like libc, is found without reading a file at all).
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let c = dir.path().join("probe.c");
    std::fs::write(&c, "int probe(void) { return 42; }\n").unwrap();
    let lib = dir.path().join("libprobe.so");
    let built = std::process::Command::new("gcc")
        .args(["-shared", "-fPIC", "-o"])
        .arg(&lib)
        .arg(&c)
        .status()
        .expect("gcc runs");
    assert!(built.success());
    std::fs::set_permissions(&lib, std::fs::Permissions::from_mode(0o755)).unwrap();
    let code = format!(
        "import numpy\n\n\ndef agent(obs, config):\n    lib = numpy.ctypeslib.ctypes.CDLL({:?})\n    return lib.probe() % 3\n",
        lib.display().to_string()
    );
    let me = BotFile::from_code("dlopen".into(), PathBuf::from("dlopen.py"), code);
    let record = rps_against_random(shared(), &me, 3);
    let fault = record.result.faults[0]
        .as_ref()
        .expect("the load is refused");
    assert_eq!(fault.kind, FaultKind::Crash, "{fault:?}");
    assert!(
        fault.detail.contains("OSError") && fault.detail.contains("Permission denied"),
        "{}",
        fault.detail
    );
}

#[test]
fn ctypes_through_numpy_cannot_open_sockets() {
    contained("hostile_ctypes_socket.py");
}

#[test]
fn ctypes_through_numpy_cannot_exec() {
    contained("hostile_ctypes_exec.py");
}

#[test]
fn ctypes_through_numpy_cannot_map_executable_memory() {
    contained("hostile_ctypes_exec_memory.py");
}

#[test]
fn ctypes_through_numpy_cannot_signal_anyone() {
    contained("hostile_ctypes_kill.py");
}

#[test]
fn importing_ctypes_itself_is_refused_even_when_numpy_loaded_it() {
    contained("hostile_import_ctypes.py");
    let info = shared().info();
    assert!(
        info.native.iter().any(|m| m == "ctypes"),
        "{:?}",
        info.native
    );
}

#[test]
fn a_module_that_cannot_load_faults_only_the_bots_that_import_it() {
    let cage = science_cage(&["numpy", "nosuchmodule"]);
    let info = cage.info();
    assert_eq!(info.failed.len(), 1, "{:?}", info.failed);
    assert_eq!(info.failed[0].0, "nosuchmodule");
    let needs = bot("needs_missing_module.py");
    let fine = bot("numpy_markov.py");
    let record = play(
        &cage,
        GameKind::Rps,
        [&needs, &fine],
        json!({"episodeSteps": 5}),
    );
    let fault = record.result.faults[0]
        .as_ref()
        .expect("the bot that needs it faults");
    assert_eq!(fault.kind, FaultKind::Crash, "{fault:?}");
    assert!(
        fault.detail.contains("could not be loaded by the runner"),
        "{}",
        fault.detail
    );
    assert!(
        fault.detail.contains("No module named 'nosuchmodule'"),
        "{}",
        fault.detail
    );
    assert!(record.result.faults[1].is_none());
    let other = rps_against_random(&cage, &fine, 5);
    assert_eq!(other.result.faults, [None, None], "the rest still plays");
}

#[test]
fn a_venv_of_another_python_is_a_one_line_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pyvenv.cfg"),
        "home = /usr/bin\nversion = 3.9.18\n",
    )
    .unwrap();
    let typed = cage::site_packages(dir.path()).unwrap_err();
    assert!(matches!(typed, cage::PythonError::OtherPython { .. }));
    let err = typed.to_string();
    assert!(
        err.contains("its Python is 3.9.18, but cagematch embeds"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
    let none = cage::site_packages(&dir.path().join("nothing"))
        .unwrap_err()
        .to_string();
    assert!(none.contains("not a venv"), "{none}");
}

#[test]
fn check_works_for_a_numpy_bot_with_venv_and_module() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cagematch"))
        .arg("check")
        .arg(fixtures().join("science/numpy_markov.py"))
        .args([
            "--game", "rps", "--games", "2", "--module", "numpy", "--venv",
        ])
        .arg(venv())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("numpy"), "{stdout}");
    assert!(stdout.contains("no problems found"), "{stdout}");
    // A venv that is not one: a usage error naming the flag, exit 2.
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_cagematch"))
        .arg("check")
        .arg(fixtures().join("science/numpy_markov.py"))
        .args([
            "--game",
            "rps",
            "--module",
            "numpy",
            "--venv",
            "/nonexistent",
        ])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("--venv") && stderr.contains("not a venv"),
        "{stderr}"
    );
}

#[test]
fn a_worker_pool_is_an_error_the_bot_can_read_not_a_kill() {
    contained("sklearn_n_jobs.py");
}

#[test]
fn the_same_seed_gives_the_same_match_for_numpy_pandas_and_sklearn_bots() {
    // numpy's global generator and an unseeded default_rng() are seeded per match and
    // seat, as `random` is: two plays of one seed are the same match, whatever the bot
    // imports (before, `np.random.randint(3)` against rock scored [0, 0] then [53, -53]).
    // pandas' `sample()` and scikit-learn's `random_state=None` draw from numpy's global
    // generator, so they replay too.
    let code = |name: &str, body: &str| {
        BotFile::from_code(
            name.into(),
            PathBuf::from(format!("{name}.py")),
            format!("import numpy as np\nimport pandas as pd\nfrom sklearn.utils import shuffle\n\ndef agent(observation, configuration):\n    return int({body})\n"),
        )
    };
    for me in [
        code("legacy", "np.random.randint(3)"),
        code("generator", "np.random.default_rng().integers(3)"),
        code("pandas", "pd.Series([0, 1, 2]).sample(1).iloc[0]"),
        code("sklearn", "shuffle([0, 1, 2], random_state=None)[0]"),
    ] {
        let moves = |record: &MatchRecord| -> Vec<serde_json::Value> {
            record
                .moves()
                .filter(|(_, m)| m.seat == 0)
                .map(|(_, m)| m.action.clone())
                .collect()
        };
        let first = rps_against_random(shared(), &me, 60);
        let second = rps_against_random(shared(), &me, 60);
        assert_eq!(first.result.faults, [None, None], "{}", me.name);
        assert_eq!(moves(&first), moves(&second), "{}", me.name);
        assert_eq!(first.result.scores, second.result.scores, "{}", me.name);
        // Byte for byte, as a replay file.
        assert_eq!(
            cagematch::replay::to_string(&first, false),
            cagematch::replay::to_string(&second, false),
            "{}",
            me.name
        );
        // Another match seed, other draws.
        let other = builtin(GameKind::Rps);
        let spec = MatchSpec {
            game: GameKind::Rps,
            config: json!({"episodeSteps": 60}),
            seed: 8,
            key: seed_key(),
            time_control: GameKind::Rps.default_time_control(),
            bots: vec![&me, &other],
            fairness: Default::default(),
            monitor: None,
        };
        let reseeded = referee::play(shared(), &spec, &mut |_| {}).expect("refereed");
        assert_ne!(moves(&first), moves(&reseeded), "{}", me.name);
        // Not one sign over and over: the generator is seeded, not stuck.
        let signs: std::collections::HashSet<String> =
            moves(&first).iter().map(|v| v.to_string()).collect();
        assert!(signs.len() > 1, "{}: {signs:?}", me.name);
    }
}
