//! Run folders are their own: a `replays/`, `journal.jsonl` or `run.json` planted in a
//! run folder as a symbolic link, or a ladder's `DIR/run` planted as one, is a one-line
//! error (exit 2), and nothing is read or written through it.

use crate::common::{cagematch_in, only_run, text};
use std::path::Path;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A finished two-bot run in `dir/runs`.
fn played(dir: &Path) -> std::path::PathBuf {
    std::fs::write(
        dir.join("t.yaml"),
        format!(
            "name: t\ngame: rps\nconfiguration: {{episodeSteps: 5}}\ngames_per_pair: 2\nbots:\n  files: [{0}/bots/rps/rock.py, {0}/bots/rps/random.py]\n",
            repo().display()
        ),
    )
    .unwrap();
    let out = cagematch_in(dir, &["run", "t.yaml", "--headless"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    only_run(dir)
}

#[test]
fn a_run_folder_whose_parts_are_links_is_refused_and_nothing_goes_through_them() {
    for part in ["replays", "journal.jsonl", "run.json"] {
        let dir = tempfile::tempdir().unwrap();
        let run = played(dir.path());
        // The part moved outside, a link left in its place.
        let outside = dir.path().join(format!("outside-{part}"));
        std::fs::rename(run.join(part), &outside).unwrap();
        std::os::unix::fs::symlink(&outside, run.join(part)).unwrap();
        let before = snapshot(&outside);
        for args in [
            vec!["run", "--resume", run.to_str().unwrap(), "--headless"],
            vec!["report", run.to_str().unwrap()],
        ] {
            let out = cagematch_in(dir.path(), &args);
            let err = text(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{part} {args:?}: {err}");
            assert!(err.contains("is a symbolic link"), "{part}: {err}");
            assert_eq!(err.lines().count(), 1, "{err}");
        }
        assert_eq!(
            snapshot(&outside),
            before,
            "{part}: nothing written outside"
        );
        assert!(!run.join("report.html").exists());
    }
}

/// A file's bytes, or a folder's file names.
fn snapshot(path: &Path) -> Vec<String> {
    if path.is_dir() {
        let mut names: Vec<String> = std::fs::read_dir(path)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    } else {
        vec![String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned()]
    }
}

#[test]
fn a_ladder_whose_run_folder_is_a_link_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let bots = dir.path().join("bots");
    std::fs::create_dir(&bots).unwrap();
    for b in ["rock.py", "random.py"] {
        std::fs::copy(repo().join("bots/rps").join(b), bots.join(b)).unwrap();
    }
    std::fs::write(
        dir.path().join("ladder.yaml"),
        "name: l\ngame: rps\nconfiguration: {episodeSteps: 5}\nbots: {folder: bots}\n",
    )
    .unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), dir.path().join("run")).unwrap();
    let out = cagematch_in(
        dir.path(),
        &["ladder", dir.path().to_str().unwrap(), "--headless"],
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("is a symbolic link"), "{err}");
    assert_eq!(
        std::fs::read_dir(elsewhere.path()).unwrap().count(),
        0,
        "nothing written through the link"
    );
}

#[test]
fn standings_written_over_a_planted_link_replace_it_and_leave_its_target_alone() {
    let dir = tempfile::tempdir().unwrap();
    let run = played(dir.path());
    let outside = dir.path().join("outside.yaml");
    std::fs::write(&outside, "mine\n").unwrap();
    std::fs::remove_file(run.join("standings.yaml")).unwrap();
    std::os::unix::fs::symlink(&outside, run.join("standings.yaml")).unwrap();
    let out = cagematch_in(
        dir.path(),
        &["run", "--resume", run.to_str().unwrap(), "--headless"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "mine\n");
    let meta = std::fs::symlink_metadata(run.join("standings.yaml")).unwrap();
    assert!(meta.is_file(), "replaced by a file of its own");
}
