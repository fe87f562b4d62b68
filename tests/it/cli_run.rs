//! `cagematch run` as a user runs it: the default tournament, export, Ctrl-C and resume.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

fn cagematch(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cagematch"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run cagematch")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The run folder a run printed (`run folder: …`), relative to `dir`.
fn run_folder(dir: &Path, stdout: &str) -> PathBuf {
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("run folder: "))
        .expect("run folder line");
    dir.join(line)
}

/// standings.yaml without its date line.
fn standings(run: &Path) -> String {
    std::fs::read_to_string(run.join("standings.yaml"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("date: "))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn bare_cagematch_runs_the_default_tournament_and_exports() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("tournaments")).unwrap();
    let default = std::fs::read_to_string(repo("tournaments/default.yaml"))
        .unwrap()
        .replace(
            "../bots/connectx",
            &repo("bots/connectx").display().to_string(),
        );
    std::fs::write(dir.path().join("tournaments/default.yaml"), default).unwrap();
    // Four Python bots, and the compiled example too once `make -C bots` built it.
    let bots = cagematch::botfile::bots_in(&repo("bots/connectx"))
        .unwrap()
        .len();
    let matches = bots * (bots - 1);
    let out = cagematch(dir.path(), &[]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.starts_with(&format!("ConnectX showcase: round-robin, {bots} bots")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("[{matches}/{matches}]")),
        "{stdout}"
    );
    assert!(stdout.contains("rank  bot"), "{stdout}");
    assert!(stdout.contains("crosstable"), "{stdout}");
    let run = run_folder(dir.path(), &stdout);
    assert_eq!(
        std::fs::read_to_string(run.join("journal.jsonl"))
            .unwrap()
            .lines()
            .count(),
        matches
    );
    assert_eq!(
        std::fs::read_dir(run.join("replays")).unwrap().count(),
        matches
    );

    let export = dir.path().join("standings.yaml");
    let out = cagematch(
        dir.path(),
        &[
            "run",
            "tournaments/default.yaml",
            "--headless",
            "--export",
            export.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let yaml: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(&export).unwrap()).unwrap();
    assert_eq!(yaml["tournament"].as_str(), Some("ConnectX showcase"));
    assert_eq!(yaml["games_played"].as_u64(), Some(matches as u64));
    assert_eq!(yaml["standings"].as_sequence().unwrap().len(), bots);
    let winner = yaml["standings"][0]["name"].as_str().unwrap();
    assert!(winner.starts_with("negamax"), "{winner}");
}

#[test]
fn a_missing_default_tournament_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = cagematch(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("cagematch: tournaments/default.yaml: not found here"),
        "{stderr}"
    );
}

#[test]
fn usage_and_config_errors_exit_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let not_a_run = dir.path().join("not-a-run");
    std::fs::create_dir(&not_a_run).unwrap();
    let bad_tournament = dir.path().join("bad.yaml");
    let rps = repo("bots/rps");
    std::fs::write(
        &bad_tournament,
        format!(
            "name: x\ngame: rps\njobs: 0\nbots:\n  folder: {}\n",
            rps.display()
        ),
    )
    .unwrap();
    let default = repo("tournaments/default.yaml");
    let cases: [(Vec<&str>, &str); 5] = [
        (vec!["run", "--jobs", "0"], "--jobs must be at least 1"),
        (
            vec!["run", default.to_str().unwrap(), "--resume", "x"],
            "--resume continues a run as it began",
        ),
        (
            vec!["run", "--resume", not_a_run.to_str().unwrap()],
            "not a run folder",
        ),
        (
            vec!["run", bad_tournament.to_str().unwrap()],
            "bad.yaml:3: jobs:",
        ),
        (
            vec!["run", default.to_str().unwrap(), "--theme", "neon"],
            "unknown theme `neon`",
        ),
    ];
    for (args, expected) in cases {
        let out = cagematch(dir.path(), &args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
    // Refused before anything was made: no run folder is left behind.
    assert!(!dir.path().join("runs").exists());
    // clap's own usage errors use the same code.
    let out = cagematch(dir.path(), &["run", "--jobs", "many"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn ctrl_c_stops_cleanly_and_resume_finishes_with_the_same_standings() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rps.yaml");
    std::fs::write(
        &file,
        format!(
            "name: Long RPS\ngame: rps\nbots:\n  folder: {}\ngames_per_pair: 4\nseed: 9\njobs: 2\n",
            repo("bots/rps").display()
        ),
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let bots = cagematch::botfile::bots_in(&repo("bots/rps"))
        .unwrap()
        .len();
    let total = 2 * bots * (bots - 1);
    let first = format!("[{:>w$}/{total}]", 1, w = total.to_string().len());

    // The reference: one uninterrupted run.
    let whole = cagematch(dir.path(), &["run", file]);
    assert_eq!(whole.status.code(), Some(0), "{}", text(&whole.stderr));
    let whole_run = run_folder(dir.path(), &text(&whole.stdout));

    // The same run, interrupted with SIGINT after its first finished match.
    let mut child = Command::new(env!("CARGO_BIN_EXE_cagematch"))
        .args(["run", file])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = String::new();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while reader.read_line(&mut line).unwrap() > 0 {
        stdout.push_str(&line);
        if line.starts_with(&first) {
            // SAFETY: signalling our own child.
            unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
        }
        line.clear();
    }
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("stopped after"), "{stdout}");
    assert!(
        stdout.contains("rank  bot"),
        "standings so far are printed: {stdout}"
    );
    let part_run = run_folder(dir.path(), &stdout);
    let played = std::fs::read_to_string(part_run.join("journal.jsonl"))
        .unwrap()
        .lines()
        .count();
    assert!(
        (1..total).contains(&played),
        "{played} matches before stopping"
    );
    assert!(
        standings(&part_run).contains("games_played: "),
        "standings so far exported"
    );

    let resumed = cagematch(dir.path(), &["run", "--resume", part_run.to_str().unwrap()]);
    let out = text(&resumed.stdout);
    assert_eq!(
        resumed.status.code(),
        Some(0),
        "{out}{}",
        text(&resumed.stderr)
    );
    assert!(
        out.contains(&format!("resuming: {played} matches already played")),
        "{out}"
    );
    assert!(!out.contains("stopped after"), "{out}");
    assert_eq!(standings(&part_run), standings(&whole_run));
}

/// Every byte of every command's output that came from a file name is safe for a
/// terminal: a bot named with ESC, OSC, BEL, CR, LF and bidi controls changes nothing
/// on the screen but its own visible, escaped name.
#[test]
fn hostile_names_reach_no_terminal_raw() {
    let dir = tempfile::tempdir().unwrap();
    let bots = dir.path().join("bots");
    std::fs::create_dir(&bots).unwrap();
    let evil = "x\u{1b}]0;pwned\u{7}\u{1b}[2J\r\nline\u{202e}gnp";
    let rock = std::fs::read_to_string(repo("bots/rps/rock.py")).unwrap();
    std::fs::write(bots.join(format!("{evil}.py")), &rock).unwrap();
    std::fs::write(bots.join("rock.py"), &rock).unwrap();
    std::fs::write(bots.join(format!("{evil}.txt")), "not a bot").unwrap();
    let tournament = dir.path().join("t.yaml");
    std::fs::write(
        &tournament,
        "name: \"n\\e[31m\\a\"\ngame: rps\nconfiguration:\n  episodeSteps: 20\nbots:\n  folder: bots\ngames_per_pair: 2\n",
    )
    .unwrap();
    let evil_py = format!("bots/{evil}.py");
    let evil_txt = format!("bots/{evil}.txt");
    let runs: [&[&str]; 4] = [
        &["match", "rps", &evil_py, "bots/rock.py", "--seed", "1"],
        &["check", &evil_py, "--game", "rps", "--games", "2"],
        &["run", "--headless", "t.yaml"],
        &["match", "rps", &evil_txt, "bots/rock.py"],
    ];
    for args in runs {
        let out = cagematch(dir.path(), args);
        for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            let text = text(bytes);
            let raw = text
                .chars()
                .find(|&c| (c.is_control() && c != '\n' && c != '\t') || c == '\u{202e}');
            assert_eq!(raw, None, "{args:?} {stream}: {text:?}");
        }
        let all = text(&out.stdout) + &text(&out.stderr);
        assert!(all.contains("\\x1b]0;pwned"), "{args:?}: {all}");
    }
}

#[test]
fn sprt_decides_a_lopsided_head_to_head_and_refuses_bad_hypotheses() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (repo("bots/rps/pattern.py"), repo("bots/rps/rock.py"));
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let out = cagematch(
        dir.path(),
        &[
            "sprt",
            "rps",
            a,
            b,
            "--elo1",
            "300",
            "--set",
            "episodeSteps=100",
            "--jobs",
            "2",
        ],
    );
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("SPRT pattern vs rock: sprt, elo [0, 300]"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "H1 accepted: the games favour pattern being 300 Elo stronger than rock over 0"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("(bounds -2.94, 2.94)"), "{stdout}");
    // Progress lines say where the test stands. Which line first shows a finished pair
    // depends on which worker finishes first (pairs 0 and 1 can complete together), so
    // the form is checked, and the LLR of one won pair where a line shows one.
    assert!(stdout.contains("pattern beat rock  (LLR "), "{stdout}");
    assert!(!stdout.contains(" 1 pairs)"), "{stdout}");
    for line in stdout.lines().filter(|l| l.ends_with(" after 1 pair)")) {
        assert!(line.ends_with("(LLR 0.53 after 1 pair)"), "{line}");
    }
    assert!(
        stdout.contains("pentanomial (pairs by pattern's points: 0 ½ 1 1½ 2): 0 0 0 0 "),
        "{stdout}"
    );
    let yaml = standings(&run_folder(dir.path(), &stdout));
    assert!(yaml.contains("format: sprt"), "{yaml}");
    let out = cagematch(
        dir.path(),
        &["sprt", "rps", a, b, "--elo0", "5", "--elo1", "0"],
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("sprt: elo0 must be below elo1"), "{stderr}");
}
