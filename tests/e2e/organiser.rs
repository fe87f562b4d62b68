//! The organiser's path end to end, with the real binary and a real terminal: `init` a
//! competition, drop three submissions (one broken) into it, `check` the inbox (it flags
//! the broken one and moves it aside), `run` the tournament in the terminal UI, and
//! `report` it as HTML whose tables equal the run's YAML export.

use crate::common;

use common::report::{assert_html_matches, export};
use common::tmux::Tmux;
use common::{cagematch_in as cagematch, text};
use std::path::Path;

#[test]
fn init_check_run_report() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let bin = env!("CARGO_BIN_EXE_cagematch");
    let out = cagematch(d, &["init", "club", "--game", "rps"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    // Three strangers' bots: two that play, one that crashes on its third move.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let inbox = d.join("club/submissions");
    std::fs::copy(d.join("club/bots/template.py"), inbox.join("alice.py")).unwrap();
    std::fs::copy(root.join("bots/rps/pattern.py"), inbox.join("bob.py")).unwrap();
    std::fs::copy(
        root.join("tests/fixtures/games/crash_on_third.py"),
        inbox.join("carol.py"),
    )
    .unwrap();

    let out = cagematch(
        d,
        &[
            "check",
            "club/submissions",
            "--game",
            "rps",
            "--move-to",
            "club/rejected",
        ],
    );
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    let row = |name: &str| {
        stdout
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("no row for {name}:\n{stdout}"))
    };
    assert!(row("alice.py").contains(" OK "), "{stdout}");
    assert!(row("bob.py").contains(" OK "), "{stdout}");
    assert!(row("carol.py").contains("PROBLEM crash"), "{stdout}");
    assert!(
        stdout.contains("3 bots: 2 OK, 0 SLOW, 1 PROBLEM"),
        "{stdout}"
    );
    assert!(d.join("club/rejected/carol.py").is_file());
    // The report lands beside the inbox.
    assert!(d.join("club/check-report.md").is_file() && d.join("club/check-report.json").is_file());

    // The tournament in the terminal UI, as an organiser runs it.
    let cmd = format!("{bin} run club/tournaments/club.yaml");
    let tmux = Tmux::start(d, &cmd, 110, 32);
    let screen = tmux.wait_for(" finished ", 240);
    assert!(screen.contains("club · rps"), "{screen}");
    // Four house bots and the two accepted submissions: 6 × 5 pairs × 2 games / 2.
    assert!(screen.contains("30/30 matches"), "{screen}");
    assert!(
        screen.contains("alice") && screen.contains("bob"),
        "{screen}"
    );
    assert!(!screen.contains("carol"), "{screen}");
    tmux.keys(&["q"]);
    tmux.wait_for("EXITED 0", 10);

    let run = &common::only_run(d);
    let out = cagematch(d, &["report", run.to_str().unwrap(), "--format", "html"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let html = std::fs::read_to_string(run.join("report.html")).unwrap();
    let e = export(run);
    assert_eq!(e.standings.len(), 6);
    assert_html_matches(&html, &e);
}

/// `check FOLDER` on a terminal: while a slow bot holds back the rows after it, a line
/// under the table says how far the check is and which bot the next row waits for; it
/// is gone once the table is done (and never written to a pipe: the other tests read
/// stdout without it).
#[test]
fn checking_an_inbox_on_a_terminal_shows_what_the_next_row_waits_for() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir(&inbox).unwrap();
    std::fs::write(
        inbox.join("a_slow.py"),
        "import time\n\ndef agent(obs, config):\n    start = time.process_time()\n    while time.process_time() - start < 0.6:\n        pass\n    return 0\n",
    )
    .unwrap();
    for b in ["b", "c", "d"] {
        std::fs::write(
            inbox.join(format!("{b}.py")),
            "def agent(obs, config):\n    return 1\n",
        )
        .unwrap();
    }
    let cmd = format!(
        "{} check inbox --game rps --set episodeSteps=6 --move-time 2 --games 2 --jobs 2",
        env!("CARGO_BIN_EXE_cagematch")
    );
    let tmux = common::tmux::Tmux::start(dir.path(), &cmd, 140, 30);
    let screen = tmux.wait_for("the next row waits for a_slow.py", 60);
    assert!(screen.contains("of 4 checked"), "{screen}");
    let screen = tmux.wait_for("EXITED", 60);
    assert!(screen.contains("4 bots: "), "{screen}");
    assert!(!screen.contains("the next row waits"), "cleared: {screen}");
}
