//! Bots as bundles (Kaggle's submission layout): a folder or an archive holding `main.py`,
//! its own modules and data files, run by the real binary in `match`, `check` and a
//! tournament; what a bundle may read inside the cage, and what it may not; and
//! neural-network bundles (numpy weights, an onnxruntime model) in the test venv.

use crate::common::{self, cagematch_in as cagematch, fixtures, text};
use cagematch::botfile::BotFile;
use cagematch::game::GameKind;
use cagematch::referee::{self, MatchSpec};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn bundle(name: &str) -> PathBuf {
    fixtures().join("bundles").join(name)
}

/// `submission.tar.gz` in `dir` as Kaggle's instructions make it (`tar czf
/// submission.tar.gz *` in the bundle's folder): its files at the top.
fn submission(from: &Path, dir: &Path) -> PathBuf {
    let path = dir.join("submission.tar.gz");
    let gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&path).unwrap(),
        flate2::Compression::default(),
    );
    let mut tar = tar::Builder::new(gz);
    let mut names: Vec<_> = std::fs::read_dir(from)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    for name in names {
        tar.append_path_with_name(from.join(&name), &name).unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap();
    path
}

/// `cagematch match … --json`, parsed; the command must succeed.
fn match_json(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["match"];
    all.extend_from_slice(args);
    all.push("--json");
    let out = cagematch(dir, &all);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

#[test]
fn a_kaggle_submission_tar_gz_runs_unmodified_in_match_check_and_a_tournament() {
    let dir = tempfile::tempdir().unwrap();
    let bots = dir.path().join("bots");
    std::fs::create_dir(&bots).unwrap();
    let archive = submission(&bundle("kaggle_connectx"), &bots);
    let random = root().join("bots/connectx/random.py");
    std::fs::copy(&random, bots.join("random.py")).unwrap();
    let archive_arg = archive.to_str().unwrap();
    let random_arg = random.to_str().unwrap();

    // match: main.py imports its module (which imports another), reads its weights at
    // Kaggle's absolute path, and plays the centre column on an empty board.
    let both = ["--module", "os", "--module", "sys", "--seed", "3"];
    let mut args = vec!["connectx", archive_arg, random_arg];
    args.extend(both);
    let v = match_json(dir.path(), &args);
    assert_eq!(v["bots"], serde_json::json!(["submission", "random"]));
    assert_eq!(v["faults"], serde_json::json!([null, null]), "{v}");

    // check: the layers say what the bundle may read.
    let mut args = vec!["check", archive_arg, "--game", "connectx", "--games", "2"];
    args.extend(&both[..4]);
    let out = cagematch(dir.path(), &args);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("files:      its bundle only, read-only"),
        "{stdout}"
    );
    assert!(stdout.contains("/kaggle_simulations/agent"), "{stdout}");

    // A tournament whose bots folder holds the archive and a one-file bot.
    std::fs::write(
        dir.path().join("t.yaml"),
        "name: bundles\ngame: connectx\nbots:\n  folder: bots\ngames_per_pair: 2\nseed: 1\npython: {modules: [os, sys]}\n",
    )
    .unwrap();
    let out = cagematch(dir.path(), &["run", "t.yaml"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    // Both games end at four in the centre column, unfaulted.
    assert_eq!(
        stdout.matches("submission beat random").count(),
        2,
        "{stdout}"
    );
}

#[test]
fn a_bundle_reads_its_own_files_and_nothing_else() {
    // The fixture faults, naming what worked, if any read or write outside its own
    // files succeeds or its own files are not where Kaggle puts them.
    let snoop = bundle("snoop");
    let args = [
        "rps",
        snoop.to_str().unwrap(),
        "bots/rps/rock.py",
        "--module",
        "os",
        "--set",
        "episodeSteps=5",
        "--seed",
        "1",
    ];
    let v = match_json(root(), &args);
    assert_eq!(v["faults"], serde_json::json!([null, null]), "{v}");
}

#[test]
fn a_bundle_changed_while_it_plays_is_still_the_bundle_that_was_read() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("kaggle_connectx");
    std::fs::create_dir(&folder).unwrap();
    for entry in std::fs::read_dir(bundle("kaggle_connectx")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), folder.join(entry.file_name())).unwrap();
    }
    let read = BotFile::read(&folder).unwrap();
    // The entrant replaces the module and the weights after the bot was read.
    std::fs::write(folder.join("features.py"), "raise SystemExit('changed')\n").unwrap();
    std::fs::remove_file(folder.join("weights.json")).unwrap();
    let random = BotFile::read(&root().join("bots/connectx/random.py")).unwrap();
    let mut policy = common::policy(common::test_limits());
    cagematch::cage::add_python(&mut policy, &["os".into(), "sys".into()], None).unwrap();
    let cage = cagematch::cage::Cage::start(&policy).unwrap();
    let spec = MatchSpec {
        game: GameKind::Connectx,
        config: Value::Null,
        seed: 5,
        key: common::seed_key(),
        time_control: GameKind::Connectx.default_time_control(),
        bots: vec![&read, &random],
        fairness: Default::default(),
        monitor: None,
    };
    let record = referee::play(&cage, &spec, &mut |_| {}).expect("refereed");
    assert_eq!(record.result.faults, [None, None], "{:?}", record.result);
    // Read again, it is another bundle, with another identity.
    assert_ne!(
        BotFile::read(&folder).map(|b| b.sha256).unwrap_or_default(),
        read.sha256
    );
}

#[test]
fn hostile_bundles_are_one_line_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    // An archive with a link to a file outside it.
    let evil = dir.path().join("evil.tar.gz");
    let gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&evil).unwrap(),
        flate2::Compression::default(),
    );
    let mut tar = tar::Builder::new(gz);
    let main = b"def agent(o, c):\n    return 0\n";
    let mut header = tar::Header::new_gnu();
    header.set_size(main.len() as u64);
    header.set_mode(0o644);
    tar.append_data(&mut header, "main.py", &main[..]).unwrap();
    let mut link = tar::Header::new_gnu();
    link.set_entry_type(tar::EntryType::Symlink);
    link.set_size(0);
    tar.append_link(&mut link, "secret", "/etc/shadow").unwrap();
    tar.into_inner().unwrap().finish().unwrap();
    // A folder without main.py is not a bot; an archive without one is refused.
    let empty = dir.path().join("empty.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&empty).unwrap());
    zip.start_file("agent.py", zip::write::SimpleFileOptions::default())
        .unwrap();
    std::io::Write::write_all(&mut zip, main).unwrap();
    zip.finish().unwrap();
    for (file, expected) in [
        (&evil, "`secret` is a link"),
        (&empty, "no `main.py` at its top"),
    ] {
        let out = cagematch(
            root(),
            &["match", "rps", file.to_str().unwrap(), "bots/rps/rock.py"],
        );
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
        assert!(stderr.contains(file.file_name().unwrap().to_str().unwrap()));
    }
    // Two bots of one name: a bundle and a file.
    let bots = dir.path().join("bots");
    std::fs::create_dir_all(bots.join("twin")).unwrap();
    std::fs::write(bots.join("twin/main.py"), main).unwrap();
    std::fs::write(bots.join("twin.py"), main).unwrap();
    std::fs::write(
        dir.path().join("t.yaml"),
        "name: twins\ngame: rps\nbots:\n  folder: bots\n",
    )
    .unwrap();
    let out = cagematch(dir.path(), &["run", "t.yaml"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("two bots are named `twin`"), "{stderr}");
}

/// The test venv (numpy, onnxruntime), made by the README's test command.
fn venv() -> String {
    let venv = root().join(".venv-test");
    assert!(
        venv.join("pyvenv.cfg").is_file(),
        "{} is missing: run the tests with scripts/test, which makes it",
        venv.display()
    );
    venv.display().to_string()
}

/// `name` against rock in both seats with these modules: no fault, and it wins (both
/// fixtures learn to play paper).
fn beats_rock_in_both_seats(name: &str, modules: &[&str]) {
    let me = bundle(name);
    let me = me.to_str().unwrap();
    let venv = venv();
    for seats in [[me, "bots/rps/rock.py"], ["bots/rps/rock.py", me]] {
        let mut args = vec!["rps", seats[0], seats[1], "--seed", "2", "--venv", &venv];
        for m in modules {
            args.extend(["--module", m]);
        }
        let v = match_json(root(), &args);
        assert_eq!(v["faults"], serde_json::json!([null, null]), "{v}");
        let mine = if seats[0] == me { 0 } else { 1 };
        assert_eq!(v["outcomes"][mine], "win", "{v}");
        assert!(v["frames"].as_u64().unwrap() > 900, "a full match: {v}");
    }
}

#[test]
fn a_bundle_loads_numpy_weights_with_np_load() {
    beats_rock_in_both_seats("numpy_weights", &["numpy", "mmap"]);
}

#[test]
fn an_onnxruntime_network_plays_full_matches_in_the_cage() {
    beats_rock_in_both_seats("onnx_rps", &["numpy", "onnxruntime"]);
}

#[test]
fn a_library_shipped_in_a_bundle_cannot_be_loaded_even_through_numpys_ctypes() {
    // A bundle's files are readable, so its own `.so` is too: what stops it running is
    // the kernel (no executable mapping: seccomp; the private root is mounted noexec).
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("evil");
    std::fs::create_dir(&folder).unwrap();
    let c = dir.path().join("evil.c");
    std::fs::write(
        &c,
        "#include <unistd.h>\n__attribute__((constructor)) static void run(void) { write(2, \"ESCAPED\\n\", 8); }\nint answer(void) { return 42; }\n",
    )
    .unwrap();
    let gcc = Command::new("gcc")
        .args(["-shared", "-fPIC", "-o"])
        .arg(folder.join("evil.so"))
        .arg(&c)
        .status()
        .expect("gcc runs");
    assert!(gcc.success());
    std::fs::write(
        folder.join("main.py"),
        "import numpy\n\nlib = numpy.ctypeslib.ctypes.CDLL('/kaggle_simulations/agent/evil.so')\n\n\ndef agent(observation, configuration):\n    return lib.answer() % 3\n",
    )
    .unwrap();
    let replay = dir.path().join("replay.json");
    let venv = venv();
    let args = [
        "rps",
        folder.to_str().unwrap(),
        "bots/rps/rock.py",
        "--venv",
        &venv,
        "--module",
        "numpy",
        "--replay",
        replay.to_str().unwrap(),
    ];
    let v = match_json(root(), &args);
    assert_eq!(v["faults"][0]["kind"], "violation", "{v}");
    let replay = std::fs::read_to_string(&replay).unwrap();
    assert!(!replay.contains("ESCAPED"), "the library's code ran");
}

#[test]
fn check_of_a_folder_checks_bundles_and_moves_a_failing_one_whole() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir(&inbox).unwrap();
    submission(&bundle("kaggle_connectx"), &inbox);
    let broken = inbox.join("broken");
    std::fs::create_dir_all(broken.join("net")).unwrap();
    std::fs::write(
        broken.join("main.py"),
        "from net.layers import forward\n\ndef agent(o, c):\n    return forward()\n",
    )
    .unwrap();
    std::fs::write(
        broken.join("net/layers.py"),
        "def forward():\n    return 99\n",
    )
    .unwrap();
    std::fs::write(broken.join("weights.bin"), [1u8; 100]).unwrap();
    let out = cagematch(
        dir.path(),
        &[
            "check",
            "inbox",
            "--game",
            "connectx",
            "--games",
            "2",
            "--module",
            "os",
            "--module",
            "sys",
            "--move-to",
            "rejected",
        ],
    );
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    let row = |name: &str| {
        stdout
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name}: {stdout}"))
            .to_string()
    };
    assert!(row("submission.tar.gz").contains("OK"), "{stdout}");
    assert!(row("broken").contains("PROBLEM illegal_action"), "{stdout}");
    // Moved whole, every file with it; the good one stays.
    for file in ["main.py", "net/layers.py", "weights.bin"] {
        assert!(
            dir.path().join("rejected/broken").join(file).is_file(),
            "{file}"
        );
    }
    assert!(!broken.exists());
    assert!(inbox.join("submission.tar.gz").is_file());
}

#[test]
fn a_bundle_is_a_ladder_version_and_new_weights_are_a_new_version() {
    let dir = tempfile::tempdir().unwrap();
    let bots = dir.path().join("bots");
    let mine = bots.join("weighted");
    std::fs::create_dir_all(&mine).unwrap();
    std::fs::copy(root().join("bots/rps/rock.py"), bots.join("rock.py")).unwrap();
    std::fs::write(
        mine.join("main.py"),
        "with open('sign.txt') as f:\n    SIGN = int(f.read())\n\n\ndef agent(o, c):\n    return SIGN\n",
    )
    .unwrap();
    std::fs::write(mine.join("sign.txt"), "1").unwrap();
    std::fs::write(
        dir.path().join("ladder.yaml"),
        "name: Bundle ladder\ngame: rps\nconfiguration:\n  episodeSteps: 20\nbots:\n  folder: bots\ngames_per_pair: 2\n",
    )
    .unwrap();
    let ladder = |dir: &Path| {
        let out = cagematch(
            dir,
            &["ladder", dir.to_str().unwrap(), "--headless", "--jobs", "2"],
        );
        let stdout = text(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
        stdout
    };
    let first = ladder(dir.path());
    assert!(first.contains("ladder: 2 versions entered"), "{first}");
    // Its weights change (one data file, no code): a new version replaces the old.
    std::fs::write(mine.join("sign.txt"), "2").unwrap();
    let second = ladder(dir.path());
    assert!(second.contains("weighted: version "), "{second}");
    assert!(second.contains("(retired)"), "{second}");
    // Unchanged, nothing new.
    let third = ladder(dir.path());
    assert!(!third.contains("version "), "{third}");
}
