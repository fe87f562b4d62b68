//! `cagematch ladder DIR --watch` as a website's organiser runs it: submissions dropped
//! into the inbox one after another (a broken one, a changed one, one still being
//! written, one uploaded under a hidden name), the public folder checked after every
//! batch, SIGTERM, and a restart that carries on.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

fn start(dir: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_cagematch"))
        .args([
            "ladder",
            dir.to_str().unwrap(),
            "--watch",
            "--settle",
            "1",
            "--jobs",
            "2",
        ])
        .stdout(std::fs::File::create(dir.join("watch.log")).unwrap())
        .stderr(std::fs::File::create(dir.join("watch.err")).unwrap())
        .spawn()
        .unwrap()
}

fn log(dir: &Path) -> String {
    let out = std::fs::read_to_string(dir.join("watch.log")).unwrap_or_default();
    out + &std::fs::read_to_string(dir.join("watch.err")).unwrap_or_default()
}

/// `public/standings.json` once its batch is at least `batch`.
fn published(dir: &Path, batch: u64) -> Value {
    let end = Instant::now() + Duration::from_secs(240);
    loop {
        let text = std::fs::read_to_string(dir.join("public/standings.json")).unwrap_or_default();
        // Never half a file: whatever is there parses.
        if !text.is_empty() {
            let doc: Value = serde_json::from_str(&text).expect("standings.json parses");
            if doc["batch"].as_u64().unwrap() >= batch {
                return doc;
            }
        }
        assert!(Instant::now() < end, "no batch {batch}:\n{}", log(dir));
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn names(doc: &Value) -> Vec<String> {
    let mut n: Vec<String> = doc["bots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            format!(
                "{}@{}",
                b["name"].as_str().unwrap(),
                b["version"].as_str().unwrap()
            )
        })
        .collect();
    n.sort();
    n
}

fn bot(name: &str) -> String {
    std::fs::read_to_string(repo(&format!("bots/rps/{name}.py"))).unwrap()
}

fn terminate(child: &mut Child) {
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "SIGTERM ends the watch cleanly");
}

#[test]
fn a_watched_ladder_checks_admits_plays_and_publishes_each_batch() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(
        dir.join("ladder.yaml"),
        "name: Web ladder\ngame: rps\nconfiguration:\n  episodeSteps: 20\nbots:\n  folder: entries\ngames_per_pair: 2\n",
    )
    .unwrap();
    let inbox = dir.join("submissions");
    let mut watch = start(dir);
    let first = published(dir, 1);
    assert_eq!(first["schema"], "cagematch-standings");
    assert_eq!(first["version"], 1);
    assert_eq!(first["bots"].as_array().unwrap().len(), 0);

    // Two bots: admitted, their pair played, the report and its pages published.
    std::fs::write(inbox.join("rock.py"), bot("rock")).unwrap();
    std::fs::write(inbox.join("random.py"), bot("random")).unwrap();
    let two = published(dir, 2);
    assert_eq!(two["bots"].as_array().unwrap().len(), 2, "{}", log(dir));
    assert_eq!(two["games_played"], 2);
    assert!(dir.join("entries/rock.py").is_file());
    let report = std::fs::read_to_string(dir.join("public/report.html")).unwrap();
    assert!(
        report.contains("replays-000002/00001.html"),
        "the report links its pages"
    );
    assert!(dir.join("public/replays-000002/00002.html").is_file());
    assert!(!inbox.join("rock.py").exists(), "taken out of the inbox");

    // A broken bot: rejected with its check beside it; the standings unchanged.
    std::fs::write(
        inbox.join("broken.py"),
        "def agent(obs, conf):\n    return 1/0\n",
    )
    .unwrap();
    let three = published(dir, 3);
    assert_eq!(names(&three), names(&two));
    assert!(dir.join("rejected/broken.py").is_file(), "{}", log(dir));
    let why = std::fs::read_to_string(dir.join("rejected/broken.py.check.txt")).unwrap();
    assert!(why.contains("ZeroDivisionError"), "{why}");
    let latest = std::fs::read_to_string(dir.join("public/checks/latest.json")).unwrap();
    assert!(latest.contains("broken.py"), "{latest}");
    // The batch's pages: the earlier matches' are the previous batch's, linked.
    use std::os::unix::fs::MetadataExt;
    let ino = |b: &str| {
        std::fs::metadata(dir.join(format!("public/replays-{b}/00001.html")))
            .unwrap()
            .ino()
    };
    assert_eq!(ino("000003"), ino("000002"));

    // One uploaded under a hidden name is not looked at until it is renamed into
    // place; one written in pieces is taken whole.
    std::fs::write(inbox.join(".counter.py.upload"), bot("counter")).unwrap();
    let pattern = bot("pattern");
    let (a, b) = pattern.split_at(pattern.len() / 2);
    std::fs::write(inbox.join("pattern.py"), a).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    use std::io::Write as _;
    let mut rest = std::fs::OpenOptions::new()
        .append(true)
        .open(inbox.join("pattern.py"))
        .unwrap();
    rest.write_all(b.as_bytes()).unwrap();
    drop(rest);
    std::fs::rename(inbox.join(".counter.py.upload"), inbox.join("counter.py")).unwrap();
    let mut four = published(dir, 4);
    while four["bots"].as_array().unwrap().len() < 4 {
        four = published(dir, four["batch"].as_u64().unwrap() + 1);
    }
    assert_eq!(
        std::fs::read_to_string(dir.join("entries/pattern.py")).unwrap(),
        pattern
    );
    assert_eq!(
        four["games_played"], 12,
        "four bots, six pairs of two games"
    );

    // A changed rock: the old version is retired (its file kept in retired/), the new
    // one plays everyone.
    let old_rock = names(&four)
        .into_iter()
        .find(|n| n.starts_with("rock@"))
        .unwrap();
    std::fs::write(inbox.join("rock.py"), bot("rock") + "# version 2\n").unwrap();
    let batch = four["batch"].as_u64().unwrap() + 1;
    let five = published(dir, batch);
    assert!(!names(&five).contains(&old_rock), "{:?}", names(&five));
    assert_eq!(five["retired"][0]["name"], "rock");
    assert!(dir.join("retired/rock.py").is_file());
    assert_eq!(five["games_played"], 18);
    assert_eq!(five["games_counted"], 12);

    // SIGTERM, a submission while it is stopped, a restart: it carries on.
    terminate(&mut watch);
    assert!(log(dir).contains("ladder: stopped"), "{}", log(dir));
    std::fs::write(inbox.join("copy.py"), bot("random") + "# a copy\n").unwrap();
    let mut again = start(dir);
    let mut six = published(dir, batch + 1);
    while six["bots"].as_array().unwrap().len() < 5 {
        six = published(dir, six["batch"].as_u64().unwrap() + 1);
    }
    assert_eq!(six["games_played"], 26, "only copy's four pairs are new");
    terminate(&mut again);
    // Every file in public/ parses or is a page; no draft is left behind.
    for entry in std::fs::read_dir(dir.join("public")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.starts_with('.'), "a draft left in public/: {name}");
    }
}

#[test]
fn a_watched_ladder_refuses_a_linked_inbox_and_a_public_folder_it_cannot_write() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(
        dir.join("ladder.yaml"),
        "name: L\ngame: rps\nbots:\n  folder: entries\n",
    )
    .unwrap();
    let run = |dir: &Path| {
        let out = Command::new(env!("CARGO_BIN_EXE_cagematch"))
            .args(["ladder", dir.to_str().unwrap(), "--watch"])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    std::os::unix::fs::symlink("/tmp", dir.join("submissions")).unwrap();
    let (code, err) = run(dir);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("submissions") && err.contains("symbolic link"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    std::fs::remove_file(dir.join("submissions")).unwrap();
    std::fs::write(dir.join("public"), "a file, not a folder").unwrap();
    let (code, err) = run(dir);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("public") && err.contains("cannot make the folder"),
        "{err}"
    );
    // A ladder whose bots are not a folder cannot admit anything.
    std::fs::remove_file(dir.join("public")).unwrap();
    std::fs::write(
        dir.join("ladder.yaml"),
        "name: L\ngame: rps\nbots:\n  files: [a.py, b.py]\n",
    )
    .unwrap();
    let (code, err) = run(dir);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("bots: {folder: entries}"), "{err}");
}
