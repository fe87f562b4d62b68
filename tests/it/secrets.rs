//! Secrets kept secret: the machine's seed key is used only when it is the user's own
//! private regular file (a link, a FIFO, a key others can read are one-line errors that
//! say how to fix them, and nothing hangs), and `run.json`, which holds a run's key, is
//! readable by its user only.

use crate::common::{cagematch_in, only_run, text};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Output;

/// `cagematch match rps` with the seed key kept under `state`.
fn match_with_state(state: &Path) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_cagematch"))
        .args(["match", "rps", "bots/rps/rock.py", "bots/rps/random.py"])
        .args(["--set", "episodeSteps=5"])
        .env("XDG_STATE_HOME", state)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

fn key_path(state: &Path) -> std::path::PathBuf {
    state.join("cagematch/seed-key")
}

#[test]
fn the_seed_key_is_used_only_when_it_is_the_users_own_private_file() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path();
    // Made private the first time.
    let out = match_with_state(state);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let key = key_path(state);
    let mode = std::fs::metadata(&key).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    // Readable by others: refused, with the fix.
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = match_with_state(state);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("can be read by others") && err.contains("chmod 600"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    // A link (to /dev/zero, which would read until memory ran out): refused.
    let real = std::fs::read(&key).unwrap();
    std::fs::remove_file(&key).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &key).unwrap();
    let out = match_with_state(state);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("symbolic link"), "{err}");
    // A FIFO: refused at once, never waited on.
    std::fs::remove_file(&key).unwrap();
    nix::unistd::mkfifo(&key, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
    let started = std::time::Instant::now();
    let out = match_with_state(state);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("not a regular file"), "{err}");
    assert!(started.elapsed().as_secs() < 60);
    // Another user's key (only root can make one here): refused.
    // SAFETY: geteuid cannot fail.
    if unsafe { libc::geteuid() } == 0 {
        std::fs::remove_file(&key).unwrap();
        std::fs::write(&key, &real).unwrap();
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::os::unix::fs::chown(&key, Some(65534), None).unwrap();
        let out = match_with_state(state);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("belongs to another user"), "{err}");
    }
}

#[test]
fn run_json_holds_the_runs_key_and_only_its_user_can_read_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::write(
        dir.path().join("t.yaml"),
        format!(
            "name: t\ngame: rps\nconfiguration: {{episodeSteps: 5}}\nbots:\n  files: [{0}/bots/rps/rock.py, {0}/bots/rps/random.py]\n",
            root.display()
        ),
    )
    .unwrap();
    let out = cagematch_in(dir.path(), &["run", "t.yaml", "--headless"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let run = only_run(dir.path());
    let info = run.join("run.json");
    assert!(std::fs::read_to_string(&info).unwrap().contains("seed_key"));
    let mode = std::fs::metadata(&info).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "run.json is {mode:o}");
}
