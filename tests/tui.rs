//! The terminal UI without a terminal: every screen rendered into ratatui's TestBackend
//! at 80×24 and 120×40 from real replays, keys as pure state updates, and themes.

use cagematch::game::{GameKind, Outcome};
use cagematch::referee::MatchRecord;
use cagematch::tournament::standings::{self, Outcomes};
use cagematch::tournament::{Entry, Journal};
use cagematch::tui::app::{App, AppEvent, Effect, MatchView, RunState, RunnerMsg, Screen};
use cagematch::tui::theme::Theme;
use cagematch::tui::ui;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

fn replay(name: &str) -> MatchRecord {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/replays")
        .join(format!("{name}.json"));
    cagematch::replay::read(&path).expect("fixture replay")
}

fn dark() -> Theme {
    Theme::load("dark").unwrap()
}

/// The screen as text lines.
fn render(app: &App, width: u16, height: u16) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| ui::draw(app, f)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    (0..height)
        .map(|y| {
            (0..width)
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect()
}

fn screen_has(lines: &[String], needle: &str) -> bool {
    lines.iter().any(|l| l.contains(needle))
}

fn assert_has(lines: &[String], needles: &[&str]) {
    for n in needles {
        assert!(
            screen_has(lines, n),
            "`{n}` not on screen:\n{}",
            lines.join("\n")
        );
    }
}

fn key(code: KeyCode) -> AppEvent {
    AppEvent::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// A tournament app of three bots with two finished matches (real replays) and one
/// running, as the runner would have reported them.
fn tournament_app() -> App {
    let bots = vec![
        ("greedy".to_string(), "bots/connectx/greedy.py".to_string()),
        ("random".to_string(), "bots/connectx/random.py".to_string()),
        (
            "prints_escape_codes".to_string(),
            "tests/fixtures/good/prints_escape_codes.py".to_string(),
        ),
    ];
    let mut app = App::new("Render cup".into(), GameKind::Connectx, bots, 6, dark());
    let finished = [
        (0usize, [0usize, 1usize], replay("connectx")),
        (1, [2, 1], replay("faults")),
    ];
    let mut outcomes = Vec::new();
    for (id, seats, record) in finished {
        app.update(AppEvent::Runner(RunnerMsg::Started { id, seats }));
        let entry = Entry::from_record(id, seats, &record, "replays/x.json");
        outcomes.push(entry.outcomes());
        let s = standings::compute(3, &outcomes);
        app.update(AppEvent::Runner(RunnerMsg::Finished {
            entry: Box::new(entry),
            record: Arc::new(record),
            standings: Box::new(s),
        }));
    }
    app.update(AppEvent::Runner(RunnerMsg::Started {
        id: 2,
        seats: [0, 2],
    }));
    app.update(AppEvent::Runner(RunnerMsg::FrameCount { id: 2, count: 4 }));
    app.update(AppEvent::Tick(Duration::from_secs(2)));
    app
}

#[test]
fn dashboard_shows_progress_standings_running_matches_and_faults() {
    let app = tournament_app();
    for (w, h) in [(80, 24), (120, 40)] {
        let lines = render(&app, w, h);
        assert_has(
            &lines,
            &[
                "cagematch",
                "Render cup",
                "2/6 matches",
                "standings",
                "greedy",
                "1-0-0",
                "running (1)",
                "#3       4 fr  greedy vs prints_es",
                "faults (1)",
                "random crashed: on move 3: ValueError",
                "q quit",
            ],
        );
    }
}

#[test]
fn crosstable_matches_and_bot_screens_render() {
    let mut app = tournament_app();
    app.update(key(KeyCode::Char('2')));
    for (w, h) in [(80, 24), (120, 40)] {
        assert_has(&render(&app, w, h), &["crosstable", "#1", "1/1", "0/1"]);
    }
    app.update(key(KeyCode::Char('3')));
    for (w, h) in [(80, 24), (120, 40)] {
        assert_has(
            &render(&app, w, h),
            &[
                "matches (3)",
                "running, 4 frames",
                "greedy won",
                "random crash",
            ],
        );
    }
    app.update(key(KeyCode::Char('1')));
    app.update(key(KeyCode::Enter));
    assert_eq!(app.screen, Screen::Bot);
    for (w, h) in [(80, 24), (120, 40)] {
        assert_has(
            &render(&app, w, h),
            &["greedy", "rank 1", "sandbox layers", "seccomp", "no faults"],
        );
    }
}

#[test]
fn the_bot_screen_shows_faults_with_tracebacks() {
    let mut app = tournament_app();
    app.selected = app.standings.rows.iter().position(|r| r.bot == 1).unwrap();
    app.update(key(KeyCode::Enter));
    let lines = render(&app, 120, 40);
    assert_has(
        &lines,
        &[
            "random",
            "faults (1)",
            "match #2: crash",
            "File \"<bot>\", line 10, in agent",
        ],
    );
}

fn viewer_for(name: &str) -> App {
    App::for_replay(replay(name), dark())
}

#[test]
fn the_viewer_draws_every_game() {
    let cases: [(&str, &[&str]); 4] = [
        (
            "connectx",
            &["board", "● ", "0 1 2 3 4 5 6", "seat 1 connected 4"],
        ),
        ("tron", &["▀", "seat 2 crashed"]),
        (
            "rps",
            &["rewards", "paper", "39 rounds played", "rock → rock (0)"],
        ),
        ("ipd", &["payoffs", " C ", "30 turns played"]),
    ];
    for (name, needles) in cases {
        let mut app = viewer_for(name);
        app.update(key(KeyCode::End));
        for (w, h) in [(80, 24), (120, 40)] {
            let lines = render(&app, w, h);
            assert_has(&lines, needles);
            assert_has(&lines, &["frame ", "think ", "●"]);
        }
    }
}

#[test]
fn the_viewer_shows_logs_and_faults_and_never_passes_escapes_through() {
    let mut app = viewer_for("faults");
    app.update(key(KeyCode::Right));
    let lines = render(&app, 120, 40);
    assert_has(
        &lines,
        &[
            "frame 1/",
            "prints_escape_codes → 1",
            "│ \\x1b[2J\\x1b]0;owned\\x07clear",
            "\\x1b]0;owned by a replay file\\x07",
        ],
    );
    assert!(
        lines
            .iter()
            .all(|l| !l.contains('\u{1b}') && !l.contains('\u{7}')),
        "a control character reached the screen"
    );
    app.update(key(KeyCode::End));
    assert_has(
        &render(&app, 80, 24),
        &["FAULT crash: on move 3: ValueError"],
    );
    app.update(key(KeyCode::Home));
    assert_has(&render(&app, 80, 24), &["✖"]);
}

#[test]
fn help_and_quit_confirmation_overlays() {
    let mut app = tournament_app();
    app.update(key(KeyCode::Char('?')));
    assert!(app.help);
    let lines = render(&app, 80, 24);
    assert_has(
        &lines,
        &[
            "keys",
            "viewer: play / pause",
            "export the standings as YAML",
            "next colour theme",
        ],
    );
    assert_eq!(
        app.update(key(KeyCode::Char('x'))),
        None,
        "any key closes help"
    );
    assert!(!app.help);
    // A run in progress: q asks first.
    assert_eq!(app.update(key(KeyCode::Char('q'))), None);
    assert!(app.confirm_quit);
    assert_has(&render(&app, 80, 24), &["A run is in progress. Quit now?"]);
    assert_eq!(
        app.update(key(KeyCode::Char('n'))),
        None,
        "any other key stays"
    );
    assert!(!app.confirm_quit);
    app.update(key(KeyCode::Char('q')));
    assert_eq!(app.update(key(KeyCode::Char('y'))), Some(Effect::Quit));
    // Ctrl-C is a quit too; once the run is over, no question.
    app.update(AppEvent::Runner(RunnerMsg::Done { interrupted: false }));
    assert_eq!(app.state, RunState::Finished);
    let ctrl_c = AppEvent::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert_eq!(app.update(ctrl_c), Some(Effect::Quit));
}

#[test]
fn keys_drive_the_viewer() {
    let mut app = viewer_for("rps");
    let len = app.matches[&0].frames().len();
    let frame = |app: &App| app.viewer.as_ref().unwrap().frame;
    assert_eq!(frame(&app), 0);
    app.update(key(KeyCode::Right));
    app.update(key(KeyCode::Right));
    assert_eq!(frame(&app), 2);
    app.update(key(KeyCode::Left));
    assert_eq!(frame(&app), 1);
    app.update(key(KeyCode::End));
    assert_eq!(frame(&app), len - 1);
    app.update(key(KeyCode::Right));
    assert_eq!(frame(&app), len - 1, "stays on the last frame");
    app.update(key(KeyCode::Home));
    assert_eq!(frame(&app), 0);
    // Play at 10 frames/s: one second of ticks is ten frames.
    app.update(key(KeyCode::Char('+')));
    assert_eq!(app.viewer.as_ref().unwrap().speed, 10);
    app.update(key(KeyCode::Char(' ')));
    assert!(app.viewer.as_ref().unwrap().playing);
    app.update(AppEvent::Tick(Duration::from_millis(1000)));
    assert_eq!(frame(&app), 10);
    app.update(key(KeyCode::Char(' ')));
    app.update(AppEvent::Tick(Duration::from_millis(2000)));
    assert_eq!(frame(&app), 10, "paused");
    app.update(key(KeyCode::Char('-')));
    app.update(key(KeyCode::Char('-')));
    assert_eq!(app.viewer.as_ref().unwrap().speed, 2);
    // A replay has no other screens to go back to.
    app.update(key(KeyCode::Esc));
    assert_eq!(app.screen, Screen::Viewer);
    assert_eq!(app.update(key(KeyCode::Char('q'))), Some(Effect::Quit));
}

#[test]
fn a_running_match_can_be_followed_paused_and_stepped_back() {
    let mut app = tournament_app();
    let record = replay("connectx");
    app.update(key(KeyCode::Char('3')));
    // The running match is listed first.
    app.update(key(KeyCode::Enter));
    assert_eq!(app.screen, Screen::Viewer);
    assert_eq!(app.watched(), Some(2));
    let v = app.viewer.clone().unwrap();
    assert!(v.follow);
    app.update(AppEvent::Runner(RunnerMsg::Frames {
        id: 2,
        frames: record.frames[..3].to_vec(),
    }));
    assert_eq!(
        app.viewer.as_ref().unwrap().frame,
        2,
        "following the newest frame"
    );
    app.update(key(KeyCode::Left));
    app.update(AppEvent::Runner(RunnerMsg::Frames {
        id: 2,
        frames: record.frames[3..5].to_vec(),
    }));
    assert_eq!(app.viewer.as_ref().unwrap().frame, 1, "paused: stays put");
    app.update(key(KeyCode::End));
    assert_eq!(app.viewer.as_ref().unwrap().frame, 4);
    assert_has(&render(&app, 80, 24), &["● following live"]);
    app.update(key(KeyCode::Esc));
    assert_eq!(app.screen, Screen::Matches);
}

#[test]
fn the_matches_filter_cycles_through_bots() {
    let mut app = tournament_app();
    app.update(key(KeyCode::Char('m')));
    assert_eq!(app.listed().len(), 3);
    app.update(key(KeyCode::Char('f')));
    assert_eq!(app.filter, Some(0));
    assert_eq!(app.listed().len(), 2, "greedy played two of them");
    assert_has(&render(&app, 80, 24), &["matches of greedy"]);
    app.update(key(KeyCode::Char('f')));
    app.update(key(KeyCode::Char('f')));
    app.update(key(KeyCode::Char('f')));
    assert_eq!(app.filter, None);
}

#[test]
fn themes_cycle_and_every_built_in_renders() {
    let mut app = tournament_app();
    let first = app.theme().name.clone();
    let mut seen = vec![first.clone()];
    for _ in 0..Theme::built_in().len() - 1 {
        app.update(key(KeyCode::Char('t')));
        seen.push(app.theme().name.clone());
        assert_has(&render(&app, 80, 24), &["standings"]);
    }
    seen.sort();
    assert_eq!(seen, ["dark", "high-contrast", "light"]);
    app.update(key(KeyCode::Char('t')));
    assert_eq!(app.theme().name, first);
}

#[test]
fn bad_themes_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let good =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/dark.yaml"))
            .unwrap();
    let cases = [
        (
            good.replace("win: \"#9ccfd8\"", "win: \"#zzzzzz\""),
            ":9: win: `#zzzzzz` is not a colour",
        ),
        (good.replace("loss:", "lost:"), "unknown field `lost`"),
        (
            good.replace("gauge: \"#31748f\"\n", ""),
            "missing field `gauge`",
        ),
    ];
    for (i, (text, expected)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("t{i}.yaml"));
        std::fs::write(&path, text).unwrap();
        let err = Theme::load(path.to_str().unwrap()).unwrap_err().to_string();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(&path.display().to_string()), "{err}");
        assert!(err.contains(expected), "expected `{expected}` in `{err}`");
    }
    let err = Theme::load("neon").unwrap_err().to_string();
    assert!(err.contains("dark, light, high-contrast"), "{err}");
}

#[test]
fn a_resumed_run_shows_its_earlier_matches() {
    // The runner's events for matches played before a resume are not replayed; the UI
    // is seeded from the journal instead. This checks that path's pieces fit.
    let record = replay("ipd");
    let entry = Entry::from_record(0, [0, 1], &record, "replays/x.json");
    let mut app = App::new(
        "Resumed".into(),
        GameKind::Ipd,
        vec![("a".into(), "a.py".into()), ("b".into(), "b.py".into())],
        4,
        dark(),
    );
    app.already = 1;
    app.standings = standings::compute(
        2,
        &[Outcomes {
            id: 0,
            seats: [0, 1],
            outcomes: [record.result.outcomes[0], record.result.outcomes[1]],
            faults: [None, None],
        }],
    );
    app.matches.insert(
        0,
        MatchView {
            id: 0,
            seats: [0, 1],
            frames: vec![],
            count: entry.frames,
            entry: Some(entry),
            record: Some(Arc::new(record.clone())),
        },
    );
    assert_eq!(app.done(), 1);
    assert_eq!(
        app.rate(),
        0.0,
        "matches from before the resume do not count"
    );
    let lines = render(&app, 80, 24);
    assert_has(&lines, &["1/4 matches"]);
    assert_ne!(record.result.outcomes[0], Outcome::Draw);
    let _ = Journal::resume; // the journal feeds these entries (see commands/run.rs)
}

#[test]
fn sixty_four_bots_fit_and_the_selection_scrolls_into_view() {
    let bots: Vec<(String, String)> = (0..64)
        .map(|i| (format!("bot{i:02}"), format!("bots/{i}.py")))
        .collect();
    let mut app = App::new("Big field".into(), GameKind::Rps, bots, 2016, dark());
    let mut outcomes = Vec::new();
    let mut id = 0;
    for a in 0..64 {
        for b in a + 1..64 {
            outcomes.push(Outcomes {
                id,
                seats: [a, b],
                outcomes: if (a + b) % 3 == 0 {
                    [Outcome::Draw, Outcome::Draw]
                } else {
                    [Outcome::Win, Outcome::Loss]
                },
                faults: [None, None],
            });
            id += 1;
        }
    }
    app.standings = standings::compute(64, &outcomes);
    let last = app.standings.rows.last().unwrap().bot;
    for _ in 0..70 {
        app.update(key(KeyCode::Down));
    }
    assert_eq!(app.selected, 63);
    for (w, h) in [(80, 24), (120, 40)] {
        let lines = render(&app, w, h);
        assert_has(&lines, &[&format!("bot{last:02}")]);
    }
    app.update(key(KeyCode::Char('2')));
    assert_has(&render(&app, 120, 40), &["crosstable"]);
}

#[test]
fn old_matches_keep_only_their_results_and_are_read_back_when_opened() {
    let record = replay("ipd");
    let mut app = App::new(
        "Long run".into(),
        GameKind::Ipd,
        vec![("a".into(), "a.py".into()), ("b".into(), "b.py".into())],
        100,
        dark(),
    );
    app.run_dir = Some(std::path::PathBuf::from("/runs/long"));
    let n = cagematch::tui::app::KEEP_RECORDS + 6;
    for id in 0..n {
        app.update(AppEvent::Runner(RunnerMsg::Started { id, seats: [0, 1] }));
        let entry = Entry::from_record(id, [0, 1], &record, &format!("replays/{id:05}.json"));
        app.update(AppEvent::Runner(RunnerMsg::Finished {
            entry: Box::new(entry),
            record: Arc::new(record.clone()),
            standings: Box::new(standings::compute(2, &[])),
        }));
    }
    let kept = app.matches.values().filter(|m| m.record.is_some()).count();
    assert_eq!(
        kept,
        cagematch::tui::app::KEEP_RECORDS,
        "only the newest keep their frames"
    );
    assert!(app.matches[&0].record.is_none() && app.matches[&(n - 1)].record.is_some());
    // Open the oldest: the app asks for its replay, then shows it.
    app.update(key(KeyCode::Char('3')));
    for _ in 0..n {
        app.update(key(KeyCode::Down));
    }
    let cmd = app.update(key(KeyCode::Enter));
    assert_eq!(
        cmd,
        Some(Effect::Load {
            id: 0,
            path: "/runs/long/replays/00000.json".into()
        })
    );
    app.update(AppEvent::Loaded {
        id: 0,
        record: Arc::new(record.clone()),
    });
    app.update(key(KeyCode::End));
    assert_has(&render(&app, 80, 24), &["frame 30/30"]);
}
