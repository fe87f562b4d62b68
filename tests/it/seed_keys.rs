//! Portable seed keys: `--seed-key FILE` (or `CAGEMATCH_SEED_KEY`, or a tournament's
//! `seed_key_file:`) plays the same matches on any machine that has the file;
//! `--seed-key none` is the public key, for docs and examples, said loudly and refused by
//! a ladder. Without either, each machine's own key keeps seats' seeds secret.

use crate::common::text;
use std::path::Path;
use std::process::{Command, Output};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `cagematch` with a home of its own (so a machine key of its own) and `extra` env.
fn cagematch(home: &Path, args: &[&str], extra: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cagematch"));
    cmd.args(args)
        .current_dir(repo())
        .env("XDG_STATE_HOME", home)
        .env_remove("CAGEMATCH_SEED_KEY");
    for (k, v) in extra {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// Two random RPS bots, seed 3, 30 rounds: the moves, which the seats' seeds decide,
/// and what was said on stderr.
fn random_match(home: &Path, key: &[&str], extra: &[(&str, &str)]) -> (String, String) {
    let replay = home.join("replay.json");
    let mut args = vec![
        "match",
        "rps",
        "bots/rps/random.py",
        "bots/rps/random.py",
        "--seed",
        "3",
        "--set",
        "episodeSteps=30",
        "--replay",
        replay.to_str().unwrap(),
    ];
    args.extend_from_slice(key);
    let out = cagematch(home, &args, extra);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&replay).unwrap()).unwrap();
    (record["frames"].to_string(), text(&out.stderr))
}

fn key_file(dir: &Path, mode: u32) -> String {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("key");
    std::fs::write(&path, format!("{}\n", "ab".repeat(32))).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    path.display().to_string()
}

#[test]
fn a_key_file_or_the_public_key_plays_the_same_match_on_any_machine() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    // Two machines' own keys: the same seed, different seats' seeds.
    let (mine, quiet) = random_match(a.path(), &[], &[]);
    let (theirs, _) = random_match(b.path(), &[], &[]);
    assert_ne!(mine, theirs, "machine keys differ");
    assert!(!quiet.contains("seed key"), "{quiet}");
    // The public key: the same match anywhere, and said.
    let (public_a, said) = random_match(a.path(), &["--seed-key", "none"], &[]);
    let (public_b, _) = random_match(b.path(), &[], &[("CAGEMATCH_SEED_KEY", "none")]);
    assert_eq!(public_a, public_b);
    assert!(said.contains("the public one (--seed-key none)"), "{said}");
    assert_eq!(said.lines().count(), 1, "{said}");
    // A key file both machines have.
    let shared = tempfile::tempdir().unwrap();
    let file = key_file(shared.path(), 0o600);
    let (with_a, _) = random_match(a.path(), &["--seed-key", &file], &[]);
    let (with_b, _) = random_match(b.path(), &[], &[("CAGEMATCH_SEED_KEY", file.as_str())]);
    assert_eq!(with_a, with_b);
    assert_ne!(with_a, public_a);
}

#[test]
fn bad_key_files_and_a_public_ladder_are_one_line_errors() {
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let open = key_file(dir.path(), 0o644);
    let missing = dir.path().join("nope").display().to_string();
    for (key, words) in [
        (open.as_str(), "can be read by others"),
        (missing.as_str(), "nope"),
    ] {
        let out = cagematch(
            home.path(),
            &[
                "match",
                "rps",
                "bots/rps/rock.py",
                "bots/rps/rock.py",
                "--seed-key",
                key,
            ],
            &[],
        );
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(words), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    let out = cagematch(
        home.path(),
        &["ladder", dir.path().to_str().unwrap(), "--seed-key", "none"],
        &[],
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("a ladder is a competition"), "{err}");
    // A watched ladder too, before it makes any of its folders.
    let out = cagematch(
        home.path(),
        &[
            "ladder",
            dir.path().to_str().unwrap(),
            "--watch",
            "--seed-key",
            "none",
        ],
        &[],
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("a ladder is a competition"), "{err}");
    assert!(!dir.path().join("submissions").exists());
}

/// Shards on machines without a shared home: the tournament file names the key file.
#[test]
fn a_tournament_file_names_its_key_file() {
    let dir = tempfile::tempdir().unwrap();
    key_file(dir.path(), 0o600);
    let bots = repo().join("bots/rps");
    std::fs::write(
        dir.path().join("t.yaml"),
        format!(
            "name: keyed\ngame: rps\nconfiguration:\n  episodeSteps: 30\nbots:\n  files: ['{b}/random.py', '{b}/counter.py']\ngames_per_pair: 2\nseed: 4\nseed_key_file: key\noutput: runs\n",
            b = bots.display()
        ),
    )
    .unwrap();
    let standings = |home: &Path| -> String {
        let out = Command::new(env!("CARGO_BIN_EXE_cagematch"))
            .args(["run", "t.yaml", "--headless"])
            .current_dir(dir.path())
            .env("XDG_STATE_HOME", home)
            .env_remove("CAGEMATCH_SEED_KEY")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let runs = dir.path().join("runs");
        let run = std::fs::read_dir(&runs)
            .unwrap()
            .map(|e| e.unwrap().path())
            .max()
            .unwrap();
        let yaml = crate::common::standings_without_date(&run);
        std::fs::remove_dir_all(&runs).unwrap();
        yaml
    };
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    assert_eq!(standings(a.path()), standings(b.path()));
}
