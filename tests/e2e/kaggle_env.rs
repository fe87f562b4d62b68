//! Kaggle's own environments through cagematch: the real `kaggle_environments` (in
//! `.venv-games`, made by `scripts/test`) as the game venv, checked against that
//! package's own runner by `scripts/kaggle_env_crosscheck.py`.

use crate::common::text;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn games_venv() -> PathBuf {
    let venv = root().join(".venv-games");
    assert!(
        venv.join("pyvenv.cfg").is_file(),
        "{} is missing: run the tests with scripts/test, which makes it",
        venv.display()
    );
    venv
}

#[test]
fn kaggle_environments_and_cagematch_play_every_crosscheck_case_alike() {
    let venv = games_venv();
    let out = Command::new(venv.join("bin/python"))
        .arg("scripts/kaggle_env_crosscheck.py")
        .arg(env!("CARGO_BIN_EXE_cagematch"))
        .arg(&venv)
        .current_dir(root())
        .output()
        .expect("run the cross-check");
    let table = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{table}\n{}", text(&out.stderr));
    assert!(table.contains("11 cases, 0 with differences"), "{table}");
    for game in [
        "games/takeaway.py",
        "kaggle:rps",
        "kaggle:connectx",
        "kaggle:open_spiel_tic_tac_toe",
        "kaggle:open_spiel_connect_four",
        "kaggle:open_spiel_chess",
    ] {
        assert!(table.contains(game), "{game} missing from\n{table}");
    }
}

#[test]
fn a_kaggle_environment_that_does_not_exist_is_a_one_line_error() {
    let venv = games_venv();
    let out = Command::new(env!("CARGO_BIN_EXE_cagematch"))
        .args([
            "match",
            "kaggle:no_such_game",
            "bots/rps/rock.py",
            "bots/rps/rock.py",
        ])
        .arg("--game-venv")
        .arg(&venv)
        .current_dir(root())
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("kaggle_environments has no environment `no_such_game`"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    // A venv of another Python is refused before anything starts.
    let other = tempfile::tempdir().unwrap();
    std::fs::write(other.path().join("pyvenv.cfg"), "version = 3.9.18\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cagematch"))
        .args([
            "match",
            "kaggle:rps",
            "bots/rps/rock.py",
            "bots/rps/rock.py",
        ])
        .arg("--game-venv")
        .arg(other.path())
        .current_dir(root())
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--game-venv") && err.contains("its Python is 3.9.18"),
        "{err}"
    );
}
