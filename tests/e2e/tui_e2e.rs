//! The real binary in a real terminal (tmux): run a small tournament, open a match in
//! the viewer, step frames, seek with the mouse, export, resize, quit, reopen the run
//! folder; watch the live wall and TV mode during a run — and read what is on screen.

use crate::common;

use common::tmux::Tmux;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn tournament(dir: &Path, episode_steps: u32, games_per_pair: u32) -> PathBuf {
    let bots = Path::new(env!("CARGO_MANIFEST_DIR")).join("bots/rps");
    let file = dir.join("t.yaml");
    std::fs::write(
        &file,
        format!(
            "name: Terminal cup\ngame: rps\nconfiguration:\n  episodeSteps: {episode_steps}\nbots:\n  files:\n    - {b}/rock.py\n    - {b}/pattern.py\n    - {b}/counter.py\ngames_per_pair: {games_per_pair}\njobs: 2\n",
            b = bots.display()
        ),
    )
    .unwrap();
    file
}

#[test]
fn watch_a_tournament_open_a_match_step_export_and_quit() {
    let dir = tempfile::tempdir().unwrap();
    let file = tournament(dir.path(), 60, 2);
    let cmd = format!("{} run {}", env!("CARGO_BIN_EXE_cagematch"), file.display());
    let tmux = Tmux::start(dir.path(), &cmd, 100, 30);
    let screen = tmux.wait_for(" finished ", 60);
    assert!(screen.contains("Terminal cup · rps"), "{screen}");
    assert!(screen.contains("6/6 matches"), "{screen}");
    assert!(screen.contains("standings"), "{screen}");
    assert!(screen.contains("pattern"), "{screen}");

    assert!(screen.contains("the run's story"), "{screen}");

    // The matches tab by mouse, then the viewer by keys.
    let tab = screen.lines().next().unwrap().find("3 matches").unwrap();
    tmux.click(
        screen.lines().next().unwrap()[..tab].chars().count() as u16 + 1,
        0,
    );
    tmux.wait_for("matches (6)", 5);
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("step 0/", 5);
    assert!(screen.contains("the start: no move yet"), "{screen}");
    assert!(screen.contains("rewards through the match"), "{screen}");
    tmux.keys(&["Right", "Right"]);
    let screen = tmux.wait_for("step 2/", 5);
    assert!(screen.contains("think "), "per-move think time: {screen}");
    tmux.keys(&["Left"]);
    tmux.wait_for("step 1/", 5);
    tmux.keys(&["PageDown"]);
    tmux.wait_for("step 11/", 5);
    tmux.keys(&["g", "4", "2", "Enter"]);
    tmux.wait_for("step 42/", 5);
    // The timeline is the line above the footer: a click at its far right is the end.
    tmux.click(99, 28);
    tmux.wait_for("step 59/59", 5);
    tmux.click(0, 28);
    tmux.wait_for("step 0/59", 5);
    tmux.keys(&["End"]);
    tmux.wait_for("step 59/59", 5);

    // Smallest supported size, then back.
    tmux.resize(80, 24);
    tmux.wait_for("step 59/59", 5);
    tmux.resize(100, 30);

    tmux.keys(&["?"]);
    tmux.wait_for("this help (any key closes it)", 5);
    tmux.keys(&["Escape", "e"]);
    let screen = tmux.wait_for("standings exported to", 5);
    assert!(screen.contains("standings.yaml"), "{screen}");
    tmux.keys(&["t", "1", "q"]);
    let screen = tmux.wait_for("EXITED 0", 10);
    // The terminal is back to normal and the final standings are printed on it.
    assert!(screen.contains("rank  bot"), "{screen}");
    assert!(!screen.contains("┌ standings"), "the UI is gone: {screen}");
    let run = common::only_run(dir.path());
    let yaml = std::fs::read_to_string(run.join("standings.yaml")).unwrap();
    assert!(yaml.contains("games_played: 6"), "{yaml}");
    drop(tmux);

    // The finished run reopens read-only from its folder.
    let cmd = format!(
        "{} replay {}",
        env!("CARGO_BIN_EXE_cagematch"),
        run.display()
    );
    let tmux = Tmux::start(dir.path(), &cmd, 100, 30);
    let screen = tmux.wait_for("read-only: the finished run", 10);
    assert!(screen.contains("6/6 matches"), "{screen}");
    tmux.keys(&["3"]);
    tmux.wait_for("matches (6)", 5);
    tmux.keys(&["q"]);
    tmux.wait_for("EXITED 0", 10);
    drop(tmux);

    // One replay file: labelled as a replay, titled by its file name, esc quits.
    let replay = std::fs::read_dir(run.join("replays"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let name = replay.file_name().unwrap().to_str().unwrap().to_string();
    let cmd = format!(
        "{} replay {}",
        env!("CARGO_BIN_EXE_cagematch"),
        replay.display()
    );
    let tmux = Tmux::start(dir.path(), &cmd, 120, 40);
    let screen = tmux.wait_for(" replay ", 10);
    assert!(screen.lines().next().unwrap().contains(&name), "{screen}");
    assert!(!screen.contains(" #1 "), "{screen}");
    tmux.keys(&["Escape"]);
    tmux.wait_for("EXITED 0", 10);
}

#[test]
fn the_live_wall_and_tv_mode_follow_a_running_tournament() {
    let dir = tempfile::tempdir().unwrap();
    // Matches of 20,000 rounds (about half a second each, several of the wall's 100 ms
    // progress reports): still running, and visibly moving, while the wall is watched.
    let file = tournament(dir.path(), 20_000, 20);
    let cmd = format!("{} run {}", env!("CARGO_BIN_EXE_cagematch"), file.display());
    let tmux = Tmux::start(dir.path(), &cmd, 120, 40);
    tmux.wait_for(" running ", 30);
    tmux.keys(&["4"]);
    tmux.wait_for("live wall:", 5);
    // The mini-boards draw their rows once a match's first frames are in (on a loaded
    // machine, a moment after the wall itself).
    let screen = tmux.wait_for("seat1", 10);
    // Two jobs: two live cards, each counting its steps as it plays.
    let steps = |screen: &str| -> Vec<String> {
        screen
            .lines()
            .filter_map(|l| l.split('└').nth(1))
            .filter(|l| l.contains(" steps"))
            .map(|l| l.split(" steps").next().unwrap().to_string())
            .collect()
    };
    let first = steps(&screen);
    assert!(screen.matches("┌ #").count() >= 2, "{screen}");
    // Watched until a card moves on (a loaded machine may hold a frame back a while).
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    let mut later = steps(&tmux.screen());
    while later == first && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
        later = steps(&tmux.screen());
    }
    assert_ne!(first, later, "the wall updates live");
    tmux.keys(&["v"]);
    let screen = tmux.wait_for("TV: following live matches", 5);
    assert!(screen.contains("rewards through the match"), "{screen}");
    tmux.keys(&["q"]);
    tmux.wait_for("Quit now?", 5);
    tmux.keys(&["y"]);
    tmux.wait_for("EXITED 0", 20);
}

#[test]
fn quitting_a_running_tournament_asks_then_stops_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let file = tournament(dir.path(), 1000, 20);
    let cmd = format!("{} run {}", env!("CARGO_BIN_EXE_cagematch"), file.display());
    let tmux = Tmux::start(dir.path(), &cmd, 100, 30);
    tmux.wait_for(" running ", 30);
    tmux.keys(&["q"]);
    tmux.wait_for("A run is in progress. Quit now?", 5);
    tmux.keys(&["n"]);
    std::thread::sleep(Duration::from_millis(300));
    assert!(!tmux.screen().contains("Quit now?"), "stays after `n`");
    tmux.keys(&["C-c"]);
    tmux.wait_for("Quit now?", 5);
    tmux.keys(&["y"]);
    let screen = tmux.wait_for("EXITED 0", 20);
    assert!(screen.contains("stopped after"), "{screen}");
    assert!(screen.contains("cagematch run --resume"), "{screen}");
    drop(tmux);

    // The interrupted run reopens read-only: it says how to finish, and changes nothing.
    let run = common::only_run(dir.path());
    let journal = std::fs::read(run.join("journal.jsonl")).unwrap();
    let cmd = format!("{} open {}", env!("CARGO_BIN_EXE_cagematch"), run.display());
    let tmux = Tmux::start(dir.path(), &cmd, 120, 40);
    tmux.wait_for(
        "matches were played; finish with cagematch run --resume",
        10,
    );
    tmux.keys(&["q"]);
    tmux.wait_for("EXITED 0", 10);
    assert_eq!(std::fs::read(run.join("journal.jsonl")).unwrap(), journal);
}

#[test]
fn sigterm_closes_the_ui_and_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let file = tournament(dir.path(), 20_000, 20);
    let pidfile = dir.path().join("pid");
    let cmd = format!(
        "{} run {} & echo $! > {}; wait $!",
        env!("CARGO_BIN_EXE_cagematch"),
        file.display(),
        pidfile.display()
    );
    let tmux = Tmux::start(dir.path(), &cmd, 100, 30);
    tmux.wait_for(" running ", 30);
    let pid: i32 = std::fs::read_to_string(&pidfile)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // SAFETY: signalling the cagematch this test started.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    // SIGTERM is how schedulers stop a job: 75 asks for it to be run again (it resumes).
    let screen = tmux.wait_for("EXITED 75", 20);
    assert!(screen.contains("stopped after"), "{screen}");
    assert!(!screen.contains("┌ standings"), "the UI is gone: {screen}");
}

#[test]
fn s_on_a_crosstable_cell_stops_the_run_and_starts_an_sprt_between_the_pair() {
    let dir = tempfile::tempdir().unwrap();
    let file = tournament(dir.path(), 1000, 20);
    let cmd = format!("{} run {}", env!("CARGO_BIN_EXE_cagematch"), file.display());
    let tmux = Tmux::start(dir.path(), &cmd, 120, 40);
    tmux.wait_for(" running ", 30);
    // A few results first, so the standings (and the selected cell's pair) settle.
    std::thread::sleep(Duration::from_secs(3));
    tmux.keys(&["2"]);
    tmux.wait_for("settle it (s): cagematch sprt rps", 10);
    tmux.keys(&["s"]);
    tmux.wait_for("s again: stop this run", 5);
    tmux.keys(&["s"]);
    // The run stops resumably, then the SPRT runs in the same terminal, in its own UI,
    // until it decides; quitting it ends the command.
    tmux.wait_for("cagematch SPRT ", 60);
    tmux.wait_for(" finished ↑↓", 240);
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("EXITED 0", 30);
    assert!(screen.contains("starting: cagematch sprt rps "), "{screen}");
    assert!(
        screen.contains("stopped after"),
        "the run said how to finish: {screen}"
    );
    // Two run folders: the stopped tournament (resumable) and the SPRT's.
    let runs = std::fs::read_dir(dir.path().join("runs")).unwrap().count();
    assert_eq!(runs, 2, "{screen}");
}
