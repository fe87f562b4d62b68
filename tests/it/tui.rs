//! The terminal UI without a terminal: every screen rendered into ratatui's TestBackend
//! at 80×24, 120×40 and 200×60 from real replays, keys and clicks as pure state
//! updates, themes, and each bug found in use (named in the test).

use cagematch::game::Ranking;
use cagematch::game::{GameKind, Outcome};
use cagematch::referee::MatchRecord;
use cagematch::tournament::results::standings::{self, Outcomes};
use cagematch::tournament::Entry;
use cagematch::tui::app::{App, AppEvent, Effect, RunState, RunnerMsg, Screen, SortKey};
use cagematch::tui::theme::{distance, Theme, MEANINGFUL, SEAT_SLOTS};
use cagematch::tui::{board, live, ui};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
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

/// The three sizes every screen is checked at.
const SIZES: [(u16, u16); 3] = [(80, 24), (120, 40), (200, 60)];

fn buffer(app: &mut App, width: u16, height: u16) -> Buffer {
    app.update(AppEvent::Resize(width, height));
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| ui::draw(app, f)).unwrap();
    terminal.backend().buffer().clone()
}

/// The screen as text lines (the app learns the size first, as the loop tells it).
fn render(app: &mut App, width: u16, height: u16) -> Vec<String> {
    let buffer = buffer(app, width, height);
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

/// No escape or bell byte reaches the screen at any size.
fn assert_no_control_characters(app: &mut App, what: &str) {
    for (w, h) in SIZES {
        let lines = render(app, w, h);
        assert!(
            lines
                .iter()
                .all(|l| !l.contains('\u{1b}') && !l.contains('\u{7}')),
            "{what}: a control character reached the screen at {w}×{h}"
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
        app.update(AppEvent::Runner(RunnerMsg::Started {
            id,
            seats: seats.to_vec(),
        }));
        let entry = Entry::from_record(id, seats.to_vec(), &record, "replays/x.json");
        outcomes.push(entry.outcomes());
        let s = standings::compute(3, &outcomes, Ranking::Points);
        app.update(AppEvent::Runner(RunnerMsg::Finished {
            entry: Box::new(entry),
            record: Some(Arc::new(record)),
            standings: Box::new(s),
        }));
    }
    app.update(AppEvent::Runner(RunnerMsg::Started {
        id: 2,
        seats: vec![0, 2],
    }));
    let latest = Box::new(replay("connectx").frames[4].clone());
    app.update(AppEvent::Runner(RunnerMsg::Progress {
        id: 2,
        count: 5,
        latest,
    }));
    app.update(AppEvent::Tick(Duration::from_secs(2)));
    app
}

/// Selects bot `bot` in the standings and opens its page.
fn open_bot_page(app: &mut App, bot: usize) {
    app.dashboard.selected = app
        .standings_order()
        .iter()
        .position(|&i| app.run.standings.rows[i].bot == bot)
        .unwrap();
    press(app, KeyCode::Enter);
}

fn press(app: &mut App, code: KeyCode) -> Option<Effect> {
    app.update(key(code))
}

fn chars(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn click(app: &mut App, kind: MouseEventKind, x: u16, y: u16) -> Option<Effect> {
    app.update(AppEvent::Mouse(MouseEvent {
        kind,
        column: x,
        row: y,
        modifiers: KeyModifiers::NONE,
    }))
}

fn left_click(app: &mut App, x: u16, y: u16) -> Option<Effect> {
    click(app, MouseEventKind::Down(MouseButton::Left), x, y)
}

/// Where `needle` is on the screen (column, line), counted in cells.
fn find(lines: &[String], needle: &str) -> Option<(u16, u16)> {
    lines.iter().enumerate().find_map(|(y, l)| {
        let byte = l.find(needle)?;
        Some((l[..byte].chars().count() as u16, y as u16))
    })
}

/// Columns from the first to the last non-blank cell of the board's box rows.
fn used_columns(lines: &[String]) -> usize {
    lines
        .iter()
        .map(|l| l.trim_end().chars().count())
        .max()
        .unwrap_or(0)
}

fn finish_run(app: &mut App) {
    app.update(AppEvent::Runner(RunnerMsg::Abandoned { id: 2 }));
    app.update(AppEvent::Runner(RunnerMsg::Done { interrupted: false }));
}

#[test]
fn the_dashboard_at_every_size_while_running_and_after() {
    let mut app = tournament_app();
    for (w, h) in SIZES {
        let lines = render(&mut app, w, h);
        assert_has(
            &lines,
            &[
                "cagematch",
                "Render cup",
                "2/6 matches",
                "finished/time",
                "standings",
                "games",
                "greedy",
                "1-0-0",
                "points over the run",
                "running (1)",
                "#3",
                "4 steps",
                "latest results",
                "faults (1)",
                "#2   random crashed: on move 3: ValueError",
                "q quit",
            ],
        );
    }
    // Games played differ mid-run: the order is by score %, and the title says so.
    assert!(app.run.games_differ());
    assert_has(
        &render(&mut app, 200, 60),
        &["by score % while games differ"],
    );
    // After the run: its story instead of an empty running panel.
    finish_run(&mut app);
    for (w, h) in SIZES {
        let lines = render(&mut app, w, h);
        assert_has(
            &lines,
            &["the run's story", "winner", "1 fault", "longest: #"],
        );
        assert!(!screen_has(&lines, "running (0)"), "{}", lines.join("\n"));
    }
}

#[test]
fn crosstable_matches_wall_and_bot_screens_at_every_size() {
    let mut app = tournament_app();
    press(&mut app, KeyCode::Char('2'));
    for (w, h) in SIZES {
        assert_has(
            &render(&mut app, w, h),
            &["crosstable", "#1", "1/1", "0/1", "enter: their matches"],
        );
    }
    press(&mut app, KeyCode::Char('3'));
    for (w, h) in SIZES {
        assert_has(
            &render(&mut app, w, h),
            &[
                "matches (3)",
                "running, 4 steps",
                "greedy won · 31 steps",
                "random crash",
            ],
        );
    }
    press(&mut app, KeyCode::Char('4'));
    assert_eq!(app.screen, Screen::Wall);
    for (w, h) in SIZES {
        let lines = render(&mut app, w, h);
        assert_has(
            &lines,
            &["live wall", "#3 greedy v prints_e", "4 steps", "0 "],
        );
    }
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Bot);
    for (w, h) in SIZES {
        assert_has(
            &render(&mut app, w, h),
            &[
                "greedy",
                "rank 1",
                "sandbox layers",
                "seccomp",
                "matches (2)",
                "think time per move",
            ],
        );
    }
    assert_has(
        &render(&mut app, 200, 60),
        &["no faults", "output (newest matches first)"],
    );
}

#[test]
fn the_bot_screen_shows_faults_with_tracebacks_and_scrolls() {
    let mut app = tournament_app();
    open_bot_page(&mut app, 1);
    assert_eq!(app.bot_page.bot, 1);
    let lines = render(&mut app, 120, 40);
    assert_has(
        &lines,
        &[
            "random",
            "faults (1)",
            "match #2: crash",
            "File \"<bot>\", line 10, in agent",
            "output (newest matches first)",
        ],
    );
    let top = render(&mut app, 80, 24);
    for _ in 0..8 {
        press(&mut app, KeyCode::Down);
    }
    assert_ne!(render(&mut app, 80, 24), top, "the page scrolls");
    press(&mut app, KeyCode::Char('m'));
    assert_eq!(app.screen, Screen::Matches);
    assert_eq!(app.listed().len(), 2, "its matches");
}

fn viewer_for(name: &str) -> App {
    App::for_replay(replay(name), dark())
}

#[test]
fn the_viewer_draws_every_game_at_every_size() {
    let cases: [(&str, &[&str]); 4] = [
        ("connectx", &["board", "seat 1 connected 4", "moves"]),
        ("tron", &["seat 2 crashed", "moves"]),
        (
            "rps",
            &[
                "rewards",
                "round",
                "39 rounds played",
                "rock → rock (0)",
                "rewards through the match",
            ],
        ),
        (
            "ipd",
            &[
                "payoffs",
                "seat1",
                "30 turns played",
                "payoffs through the match",
            ],
        ),
    ];
    for (name, needles) in cases {
        let mut app = viewer_for(name);
        press(&mut app, KeyCode::End);
        for (w, h) in SIZES {
            let lines = render(&mut app, w, h);
            assert_has(&lines, needles);
            assert_has(&lines, &["replay", "step ", "think", "●"]);
        }
    }
}

#[test]
fn boards_fill_the_screen() {
    // ConnectX at 200×60: discs of 10×5 cells, the board at least 70 columns wide.
    let mut app = viewer_for("connectx");
    press(&mut app, KeyCode::End);
    let lines = render(&mut app, 200, 60);
    let board: Vec<String> = lines
        .iter()
        .map(|l| l.chars().take_while(|&c| c != '┐').collect::<String>())
        .collect();
    assert!(used_columns(&board) >= 70, "{}", lines.join("\n"));
    assert!(
        lines.iter().filter(|l| l.contains("▄███████▄")).count() >= 1,
        "{}",
        lines.join("\n")
    );
    // Tron at 200×60: cells scaled up (▓ trails several wide), not one character each.
    let mut app = viewer_for("tron");
    press(&mut app, KeyCode::End);
    let lines = render(&mut app, 200, 60);
    assert!(screen_has(&lines, "▓▓▓▓"), "{}", lines.join("\n"));
    // RPS at 200×60: the history grid runs across the screen.
    let mut app = viewer_for("rps");
    press(&mut app, KeyCode::End);
    let lines = render(&mut app, 200, 60);
    let seat_line = lines.iter().find(|l| l.contains("seat1 ")).unwrap();
    assert!(seat_line.trim_end().chars().count() > 40, "{seat_line}");
}

#[test]
fn the_connectx_board_marks_the_last_move_and_the_winning_line() {
    let mut app = viewer_for("connectx");
    press(&mut app, KeyCode::End);
    let t = app.run.theme().clone();
    let b = buffer(&mut app, 120, 40);
    let cells = (0..40).flat_map(|y| (0..120).map(move |x| (x, y)));
    let cells: Vec<_> = cells.map(|(x, y)| b[(x, y)].clone()).collect();
    assert!(
        cells.iter().any(|c| c.symbol() == "◆"),
        "the last disc is marked"
    );
    assert!(
        cells.iter().any(|c| c.bg == t.win),
        "the winning line is highlighted"
    );
    // Issue 33: at large sizes the win colour showed only in the gaps (a one-column
    // sliver); now a bar of it runs through each winning disc, at every size.
    for (w, h) in [(200u16, 60u16), (120, 40), (80, 24)] {
        let b = buffer(&mut app, w, h);
        let bars = b
            .content()
            .iter()
            .filter(|c| (c.symbol() == "━" || c.symbol() == "✱") && c.fg == t.win)
            .count();
        assert!(bars >= 4, "{w}×{h}: {bars} winning cells barred");
    }
}

#[test]
fn the_viewer_shows_logs_and_faults_and_never_passes_escapes_through() {
    let mut app = viewer_for("faults");
    press(&mut app, KeyCode::Right);
    let lines = render(&mut app, 120, 40);
    assert_has(
        &lines,
        &[
            "step 1/",
            "prints_escape_codes → 1",
            "│ \\x1b[2J\\x1b]0;owned\\x07clear",
            "\\x1b]0;owned by a replay file\\x07",
        ],
    );
    assert_no_control_characters(&mut app, "faults");
    press(&mut app, KeyCode::End);
    assert_has(
        &render(&mut app, 80, 24),
        &["FAULT crash: on move 3: ValueError"],
    );
    press(&mut app, KeyCode::Home);
    assert_has(&render(&mut app, 80, 24), &["✖"]);
}

#[test]
fn help_and_quit_confirmation_overlays() {
    let mut app = tournament_app();
    press(&mut app, KeyCode::Char('?'));
    assert!(app.help.is_some());
    for (w, h) in SIZES {
        assert_has(
            &render(&mut app, w, h),
            &[
                "keys",
                "viewer: play / pause",
                "export the standings as YAML",
                "TV mode",
            ],
        );
    }
    assert_eq!(
        press(&mut app, KeyCode::Char('x')),
        None,
        "any key closes help"
    );
    assert!(app.help.is_none());
    // A run in progress: q asks first, and the dialog says which key confirms (bug 10:
    // its last line used to be cut off by a box too small for the wrapped text).
    assert_eq!(press(&mut app, KeyCode::Char('q')), None);
    assert!(app.confirm_quit);
    for (w, h) in SIZES {
        assert_has(
            &render(&mut app, w, h),
            &["A run is in progress. Quit now?", "y or q: quit"],
        );
    }
    assert_eq!(
        press(&mut app, KeyCode::Char('n')),
        None,
        "any other key stays"
    );
    assert!(!app.confirm_quit);
    press(&mut app, KeyCode::Char('q'));
    assert_eq!(press(&mut app, KeyCode::Char('y')), Some(Effect::Quit));
    app.update(AppEvent::Runner(RunnerMsg::Done { interrupted: false }));
    assert_eq!(app.run.state, RunState::Finished);
    let ctrl_c = AppEvent::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert_eq!(app.update(ctrl_c), Some(Effect::Quit));
}

#[test]
fn keys_drive_the_viewer() {
    let mut app = viewer_for("rps");
    let len = app.run.matches[&0].frames().len();
    let frame = |app: &App| app.viewer.as_ref().unwrap().frame;
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Right);
    assert_eq!(frame(&app), 2);
    press(&mut app, KeyCode::Left);
    assert_eq!(frame(&app), 1);
    press(&mut app, KeyCode::PageDown);
    assert_eq!(frame(&app), 11);
    press(&mut app, KeyCode::PageUp);
    press(&mut app, KeyCode::PageUp);
    assert_eq!(frame(&app), 0);
    press(&mut app, KeyCode::Char('>'));
    assert_eq!(frame(&app), len - 1, "+100 stops at the end");
    press(&mut app, KeyCode::Char('<'));
    assert_eq!(frame(&app), 0);
    press(&mut app, KeyCode::Char('g'));
    chars(&mut app, "17");
    assert_has(&render(&mut app, 80, 24), &["go to step: 17"]);
    press(&mut app, KeyCode::Enter);
    assert_eq!(frame(&app), 17);
    press(&mut app, KeyCode::Char('g'));
    chars(&mut app, "x");
    press(&mut app, KeyCode::Enter);
    assert_has(&render(&mut app, 80, 24), &["`x` is not a step number"]);
    press(&mut app, KeyCode::End);
    assert_eq!(frame(&app), len - 1);
    press(&mut app, KeyCode::Home);
    // Play at 10 frames/s: one second of ticks is ten frames.
    press(&mut app, KeyCode::Char('+'));
    assert_eq!(app.viewer.as_ref().unwrap().speed, 10);
    press(&mut app, KeyCode::Char(' '));
    app.update(AppEvent::Tick(Duration::from_millis(1000)));
    assert_eq!(frame(&app), 10);
    press(&mut app, KeyCode::Char(' '));
    app.update(AppEvent::Tick(Duration::from_millis(2000)));
    assert_eq!(frame(&app), 10, "paused");
    press(&mut app, KeyCode::Char('-'));
    press(&mut app, KeyCode::Char('-'));
    press(&mut app, KeyCode::Char('-'));
    press(&mut app, KeyCode::Char('-'));
    assert_eq!(app.viewer.as_ref().unwrap().speed, 1);
    // "1 frame/s", never "1 frames/s" (bug 5).
    assert_has(&render(&mut app, 120, 40), &["(1 frame/s)"]);
    // A replay: esc quits, as the footer says (bug 7: it did nothing).
    assert_has(&render(&mut app, 120, 40), &["esc/q quit"]);
    assert_eq!(press(&mut app, KeyCode::Esc), Some(Effect::Quit));
}

#[test]
fn faults_and_marked_events_can_be_jumped_to() {
    let mut app = viewer_for("faults");
    let faults: Vec<usize> = board::marks(GameKind::Connectx, app.run.matches[&0].frames())
        .iter()
        .map(|m| m.0)
        .collect();
    assert!(!faults.is_empty());
    press(&mut app, KeyCode::Char(']'));
    assert_eq!(app.viewer.as_ref().unwrap().frame, faults[0]);
    press(&mut app, KeyCode::Char(']'));
    assert_has(
        &render(&mut app, 120, 40),
        &["no more faults or marked events"],
    );
    press(&mut app, KeyCode::Home);
    press(&mut app, KeyCode::End);
    press(&mut app, KeyCode::Char('['));
    assert_eq!(app.viewer.as_ref().unwrap().frame, *faults.last().unwrap());
}

#[test]
fn playback_after_the_run_steps_at_its_speed() {
    // Bug 1: `Tick` advanced the clock only while the run was going, so after it ended
    // the first tick's delta was the whole time since, and playback jumped to the end.
    let mut app = tournament_app();
    app.update(AppEvent::Runner(RunnerMsg::Done { interrupted: false }));
    app.update(AppEvent::Tick(Duration::from_secs(100)));
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Viewer);
    press(&mut app, KeyCode::Char(' '));
    app.update(AppEvent::Tick(Duration::from_millis(100_400)));
    assert_eq!(
        app.viewer.as_ref().unwrap().frame,
        2,
        "5 frames/s for 0.4 s"
    );
    let rate = app.run.rate();
    app.update(AppEvent::Tick(Duration::from_secs(200)));
    assert_eq!(app.run.rate(), rate, "the run's rate stops with the run");
}

#[test]
fn a_running_match_can_be_followed_paused_and_stepped_back() {
    let mut app = tournament_app();
    let record = replay("connectx");
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Viewer);
    assert_eq!(app.watched(), Some(2));
    assert!(app.viewer.as_ref().unwrap().follow);
    app.update(AppEvent::Runner(RunnerMsg::Frames {
        id: 2,
        frames: record.frames[..3].to_vec(),
    }));
    assert_eq!(
        app.viewer.as_ref().unwrap().frame,
        2,
        "following the newest frame"
    );
    press(&mut app, KeyCode::Left);
    app.update(AppEvent::Runner(RunnerMsg::Frames {
        id: 2,
        frames: record.frames[3..5].to_vec(),
    }));
    assert_eq!(app.viewer.as_ref().unwrap().frame, 1, "paused: stays put");
    press(&mut app, KeyCode::End);
    assert_eq!(app.viewer.as_ref().unwrap().frame, 4);
    assert_has(&render(&mut app, 80, 24), &["● following live"]);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.screen, Screen::Matches, "back where it was opened");
}

#[test]
fn tv_mode_follows_the_newest_match_and_moves_on() {
    let mut app = tournament_app();
    press(&mut app, KeyCode::Char('v'));
    assert!(app.tv);
    assert_eq!(app.screen, Screen::Viewer);
    assert_eq!(app.watched(), Some(2));
    assert_has(&render(&mut app, 120, 40), &["TV: following live matches"]);
    // The watched match ends; the next one to start is picked up by itself.
    let record = replay("connectx");
    let entry = Entry::from_record(2, vec![0, 2], &record, "replays/x.json");
    let s = app.run.standings.clone();
    app.update(AppEvent::Runner(RunnerMsg::Finished {
        entry: Box::new(entry),
        record: Some(Arc::new(record)),
        standings: Box::new(s),
    }));
    assert_eq!(app.viewer.as_ref().unwrap().id, 2, "stays to show the end");
    app.update(AppEvent::Runner(RunnerMsg::Started {
        id: 3,
        seats: vec![1, 2],
    }));
    assert_eq!(app.watched(), Some(3));
    press(&mut app, KeyCode::Char('v'));
    assert!(!app.tv);
}

#[test]
fn the_wall_selects_and_opens_matches() {
    let mut app = tournament_app();
    press(&mut app, KeyCode::Char('w'));
    assert_eq!(
        app.run.wall_matches().len(),
        3,
        "the running match, then the finished ones"
    );
    assert_eq!(app.run.wall_matches()[0].id, 2);
    press(&mut app, KeyCode::Right);
    assert_eq!(app.wall.selected, 1);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Viewer);
    assert_eq!(app.viewer.as_ref().unwrap().id, 1);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.screen, Screen::Wall);
}

#[test]
fn a_crosstable_cell_opens_that_pairs_matches() {
    let mut app = tournament_app();
    press(&mut app, KeyCode::Char('x'));
    // Row and column in standings order: find greedy (0) and random (1).
    let pos = |app: &App, bot| {
        app.run
            .standings
            .rows
            .iter()
            .position(|r| r.bot == bot)
            .unwrap()
    };
    app.crosstable.row = pos(&app, 0);
    app.crosstable.column = pos(&app, 1);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Matches);
    assert_eq!(app.listed().len(), 1);
    assert_has(
        &render(&mut app, 80, 24),
        &["matches between greedy and random (1)"],
    );
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.listed().len(), 3, "esc shows all again");
}

#[test]
fn a_fault_in_the_feed_opens_its_match_at_the_fault() {
    let mut app = tournament_app();
    press(&mut app, KeyCode::Right);
    assert_has(&render(&mut app, 120, 40), &["enter: open at the fault"]);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Viewer);
    let v = app.viewer.clone().unwrap();
    assert_eq!(v.id, 1);
    let frames = app.run.matches[&1].frames();
    assert!(
        frames[v.frame].moves.iter().any(|m| m.fault.is_some()),
        "at the fault's frame"
    );
}

#[test]
fn search_finds_bots_and_matches() {
    let mut app = tournament_app();
    press(&mut app, KeyCode::Char('/'));
    chars(&mut app, "ran");
    // The standings filter as you type (k9s, lazygit): one bot left, the filter in
    // the title.
    let lines = render(&mut app, 80, 24);
    assert_has(&lines, &["filter bots: ran", "filter “ran” (1 bot)"]);
    let table = lines
        .iter()
        .position(|l| l.contains("filter “ran”"))
        .unwrap();
    assert!(lines[table + 2].contains("random"), "{}", lines.join("\n"));
    assert!(
        lines[table + 3].trim_matches(['│', ' ']).is_empty(),
        "{}",
        lines.join("\n")
    );
    chars(&mut app, "d");
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        app.selected_bot(),
        Some(1),
        "the standings select the bot found"
    );
    assert_eq!(app.listed().len(), 2);
    press(&mut app, KeyCode::Char('/'));
    chars(&mut app, "#3");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.listed().iter().map(|m| m.id).collect::<Vec<_>>(), [2]);
    press(&mut app, KeyCode::Char('3'));
    assert_has(&render(&mut app, 80, 24), &["found by “#3”"]);
    // On the matches screen `/` filters as you type; esc clears it: every match.
    press(&mut app, KeyCode::Char('/'));
    chars(&mut app, "zzz");
    assert_eq!(app.listed().len(), 0);
    assert_has(&render(&mut app, 80, 24), &["filter matches: zzz"]);
    press(&mut app, KeyCode::Esc);
    assert!(app.prompt.is_none());
    assert_eq!(app.listed().len(), 3);
    // The standings' filter: esc on the dashboard clears it too.
    press(&mut app, KeyCode::Char('1'));
    assert!(screen_has(&render(&mut app, 80, 24), "filter “#3”"));
    press(&mut app, KeyCode::Esc);
    let lines = render(&mut app, 80, 24);
    assert!(!screen_has(&lines, "filter “"), "{}", lines.join("\n"));
    assert_eq!(app.standings_order().len(), 3);
}

#[test]
fn standings_sort_by_each_column() {
    let mut app = tournament_app();
    let bots = |app: &App| -> Vec<usize> {
        app.standings_order()
            .iter()
            .map(|&i| app.run.standings.rows[i].bot)
            .collect()
    };
    press(&mut app, KeyCode::Char('s'));
    assert_eq!(app.dashboard.sort, SortKey::Name);
    assert_eq!(bots(&app), [0, 2, 1], "greedy, prints_escape_codes, random");
    assert_has(&render(&mut app, 120, 40), &["by name", "bot▼"]);
    while app.dashboard.sort != SortKey::Faults {
        press(&mut app, KeyCode::Char('s'));
    }
    assert_eq!(bots(&app)[0], 1, "random has the fault");
}

#[test]
fn the_matches_filter_cycles_through_bots() {
    let mut app = tournament_app();
    press(&mut app, KeyCode::Char('m'));
    assert_eq!(app.listed().len(), 3);
    press(&mut app, KeyCode::Char('f'));
    assert_eq!(app.match_list.filter.bot, Some(0));
    assert_eq!(app.listed().len(), 2, "greedy played two of them");
    assert_has(&render(&mut app, 80, 24), &["matches of greedy"]);
    for _ in 0..3 {
        press(&mut app, KeyCode::Char('f'));
    }
    assert!(app.match_list.filter.is_empty());
}

#[test]
fn the_mouse_clicks_tabs_rows_and_seeks_on_the_timeline() {
    let mut app = tournament_app();
    let lines = render(&mut app, 120, 40);
    let (x, y) = find(&lines, "3 matches").unwrap();
    left_click(&mut app, x + 1, y);
    assert_eq!(app.screen, Screen::Matches);
    let lines = render(&mut app, 120, 40);
    let (x, y) = find(&lines, "#2 ").unwrap();
    left_click(&mut app, x, y);
    assert_eq!(
        app.match_list.selected, 1,
        "a click selects (#3 runs, so is listed first)"
    );
    let effect = left_click(&mut app, x, y);
    assert_eq!(effect, None);
    assert_eq!(app.screen, Screen::Viewer, "a click on the selected opens");
    assert_eq!(app.viewer.as_ref().unwrap().id, 1);
    // The timeline is the body's last line: click its end, drag to the middle.
    let len = app.run.matches[&1].frames().len();
    left_click(&mut app, 119, 38);
    assert_eq!(app.viewer.as_ref().unwrap().frame, len - 1);
    click(&mut app, MouseEventKind::Drag(MouseButton::Left), 0, 38);
    assert_eq!(app.viewer.as_ref().unwrap().frame, 0);
    click(&mut app, MouseEventKind::Up(MouseButton::Left), 0, 38);
    click(&mut app, MouseEventKind::Drag(MouseButton::Left), 119, 38);
    assert_eq!(
        app.viewer.as_ref().unwrap().frame,
        0,
        "no drag after release"
    );
    click(&mut app, MouseEventKind::ScrollDown, 50, 10);
    assert_eq!(app.viewer.as_ref().unwrap().frame, 1, "the wheel steps");
    // Standings: a header sorts, a row selects, the selected row opens.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('1'));
    let lines = render(&mut app, 120, 40);
    let (x, y) = find(&lines, "elo").unwrap();
    left_click(&mut app, x, y);
    assert_eq!(app.dashboard.sort, SortKey::Elo);
    let lines = render(&mut app, 120, 40);
    let (x, y) = find(&lines, "random").unwrap();
    left_click(&mut app, x, y);
    assert_eq!(app.selected_bot(), Some(1));
    left_click(&mut app, x, y);
    assert_eq!(app.screen, Screen::Bot);
    // Crosstable: a cell selects, then opens the pair's matches.
    press(&mut app, KeyCode::Char('2'));
    let lines = render(&mut app, 120, 40);
    let (x, y) = find(&lines, "1/1").unwrap();
    left_click(&mut app, x, y);
    left_click(&mut app, x, y);
    assert_eq!(app.screen, Screen::Matches);
    assert!(app.match_list.filter.pair.is_some());
}

#[test]
fn themes_cycle_every_built_in_renders_and_paints_its_background() {
    let mut app = tournament_app();
    let first = app.run.theme().name.clone();
    let mut seen = vec![first.clone()];
    for _ in 0..Theme::built_in().len() {
        let t = app.run.theme().clone();
        // Bug 6: the light theme set no background and was unreadable on a dark
        // terminal. Every built-in paints one, under every cell.
        assert_ne!(t.background, Color::Reset, "{} has no background", t.name);
        let b = buffer(&mut app, 80, 24);
        let unpainted = b.content().iter().position(|c| c.bg == Color::Reset);
        assert_eq!(unpainted, None, "{}: a cell without the background", t.name);
        press(&mut app, KeyCode::Char('t'));
        seen.push(app.run.theme().name.clone());
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen, ["dark", "high-contrast", "light"]);
    assert_eq!(app.run.theme().name, first);
}

#[test]
fn every_theme_tells_its_meaningful_colours_apart() {
    // Bug 2: Tron heads were drawn in `title`, close to `seat1`; `loss` was `seat2`'s
    // red, so seat 2's names read as losers. Every pair of the colours that carry
    // meaning, and each against the background, must be far apart.
    for t in Theme::built_in() {
        for (i, a) in MEANINGFUL.iter().enumerate() {
            for b in &MEANINGFUL[i + 1..] {
                let d = distance(t.slot(a).unwrap(), t.slot(b).unwrap()).unwrap();
                assert!(d >= 100.0, "{}: {a} and {b} are {d:.0} apart", t.name);
            }
            let d = distance(t.slot(a).unwrap(), t.background).unwrap();
            assert!(d >= 150.0, "{}: {a} on the background: {d:.0}", t.name);
        }
        // A free-for-all's eight seats: each told from every other and the background.
        for (i, a) in SEAT_SLOTS.iter().enumerate() {
            for b in &SEAT_SLOTS[i + 1..] {
                let d = distance(t.slot(a).unwrap(), t.slot(b).unwrap()).unwrap();
                assert!(d >= 150.0, "{}: {a} and {b} are {d:.0} apart", t.name);
            }
            let d = distance(t.slot(a).unwrap(), t.background).unwrap();
            assert!(d >= 150.0, "{}: {a} on the background: {d:.0}", t.name);
        }
        assert_eq!(t.seat(7), t.slot("seat8").unwrap());
    }
}

#[test]
fn tron_heads_stand_out_from_both_trails() {
    let mut app = viewer_for("tron");
    press(&mut app, KeyCode::PageDown);
    let t = app.run.theme().clone();
    let b = buffer(&mut app, 200, 60);
    let heads: Vec<_> = b.content().iter().filter(|c| c.symbol() == "◆").collect();
    assert_eq!(heads.len(), 2, "one mark per head");
    assert!(heads.iter().any(|c| c.bg == t.seat1) && heads.iter().any(|c| c.bg == t.seat2));
    // Crashed heads: ✖ on the fault colour (at the end seat 2 crashed).
    press(&mut app, KeyCode::End);
    let b = buffer(&mut app, 200, 60);
    assert!(b
        .content()
        .iter()
        .any(|c| c.symbol() == "✖" && c.bg == t.fault));
    // Two rows a character (80×24): each head its own ◆ in its seat's colour — both were
    // the same white square — from the first step to the crash.
    for step in [KeyCode::Home, KeyCode::PageDown] {
        press(&mut app, step);
        let b = buffer(&mut app, 80, 24);
        let heads: Vec<_> = b.content().iter().filter(|c| c.symbol() == "◆").collect();
        assert_eq!(heads.len(), 2, "one mark per head at 80×24");
        assert!(heads.iter().any(|c| c.fg == t.seat1) && heads.iter().any(|c| c.fg == t.seat2));
    }
    press(&mut app, KeyCode::End);
    let b = buffer(&mut app, 80, 24);
    assert!(b
        .content()
        .iter()
        .any(|c| c.symbol() == "✖" && c.fg == t.fault));
}

#[test]
fn nothing_is_cut_off_at_80_columns() {
    // Bug 3: crosstable cells, match results, names and the bot screen's seccomp line
    // were cut off at 80 columns.
    let bots: Vec<(String, String)> = (0..16)
        .map(|i| {
            (
                format!("a_rather_long_bot_name_{i}"),
                format!("bots/{i}.py"),
            )
        })
        .collect();
    let mut app = App::new("Wide field".into(), GameKind::Rps, bots, 120, dark());
    let mut outcomes = Vec::new();
    for (id, (a, b)) in (0..16)
        .flat_map(|a| (a + 1..16).map(move |b| (a, b)))
        .enumerate()
    {
        outcomes.push(Outcomes {
            id,
            seats: vec![a, b],
            outcomes: vec![Outcome::Win, Outcome::Loss],
            faults: vec![None, None],
            scores: vec![None, None],
            turns: 0,
            void: false,
        });
    }
    app.run.standings = standings::compute(16, &outcomes, Ranking::Points);
    press(&mut app, KeyCode::Char('2'));
    let lines = render(&mut app, 80, 24);
    assert_has(&lines, &["1/1", "0/1", "columns 1–", "a_rather_long…"]);
    for _ in 0..15 {
        press(&mut app, KeyCode::Right);
    }
    assert_has(&render(&mut app, 80, 24), &["#16", "of 16 (←→)"]);
    // The bot screen wraps its layer lines instead of cutting them.
    let mut app = tournament_app();
    press(&mut app, KeyCode::Enter);
    let lines = render(&mut app, 80, 24);
    assert_has(&lines, &["seccomp:", "executable memory"]);
    // Match results fit.
    press(&mut app, KeyCode::Char('3'));
    assert_has(&render(&mut app, 80, 24), &["greedy won · 31 steps"]);
}

#[test]
fn numbers_read_right() {
    // Bug 5: `-0` Elo, `0.0%` for a bot with no games, "1 frames/s", and the matches
    // list counting frames where the viewer counts steps.
    assert_eq!(
        cagematch::tui::widgets::elo_text(-0.3, -10.0, 10.0),
        "+0 ±10"
    );
    assert_eq!(cagematch::tui::widgets::percent(0.0, 0), "—");
    assert_eq!(cagematch::tui::widgets::count(1, "move", "moves"), "1 move");
    let bots = vec![("a".into(), "a.py".into()), ("b".into(), "b.py".into())];
    let mut fresh = App::new("Fresh".into(), GameKind::Rps, bots, 1, dark());
    assert_has(&render(&mut fresh, 120, 40), &["—"]);
    assert!(!screen_has(&render(&mut fresh, 120, 40), "0.0%"));
    let mut app = tournament_app();
    let steps = app.run.matches[&0].entry.as_ref().unwrap().frames - 1;
    press(&mut app, KeyCode::Char('3'));
    assert_has(&render(&mut app, 120, 40), &[&format!("{steps} steps")]);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::End);
    assert_has(
        &render(&mut app, 120, 40),
        &[&format!("step {steps}/{steps}")],
    );
    // The YAML export writes 0.0, never -0.0.
    let export =
        cagematch::tournament::Export::new("t", GameKind::Rps, &app.run.bots(), &app.run.standings);
    let yaml = serde_yaml::to_string(&export).unwrap();
    assert!(
        !yaml.lines().any(|l| l.trim_end().ends_with(": -0.0")),
        "{yaml}"
    );
}

#[test]
fn bad_themes_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let good =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/dark.yaml"))
            .unwrap();
    let cases = [
        (
            good.replace("win: \"#a6e3a1\"", "win: \"#zzzzzz\""),
            ":12: win: `#zzzzzz` is not a colour",
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
    // A theme from before `background` existed still loads (the terminal's own).
    let path = dir.path().join("old.yaml");
    std::fs::write(&path, good.replace("background: \"#191724\"\n", "")).unwrap();
    assert_eq!(
        Theme::load(path.to_str().unwrap()).unwrap().background,
        Color::Reset
    );
    let err = Theme::load("neon").unwrap_err().to_string();
    assert!(err.contains("dark, light, high-contrast"), "{err}");
}

#[test]
fn a_resumed_run_shows_its_earlier_matches_and_faults() {
    // Bug 4: faults from before a --resume vanished from the feed.
    let dir = tempfile::tempdir().unwrap();
    let record = replay("faults");
    let path = dir.path().join("replays/00000.json");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    cagematch::replay::write(&path, &record, true).unwrap();
    let entry = Entry::from_record(0, vec![0, 1], &record, "replays/00000.json");
    let bots = vec![("a".into(), "a.py".into()), ("b".into(), "b.py".into())];
    let header = live::RunHeader {
        title: "Resumed".into(),
        game: GameKind::Connectx,
        bots,
        total: 4,
        ranking: Ranking::Points,
        standings: None,
    };
    let mut app = live::app_for_run(header, dark(), dir.path(), &[entry]);
    assert_eq!(app.run.done(), 1);
    assert_eq!(
        app.run.rate(),
        0.0,
        "matches from before the resume do not count"
    );
    assert_eq!(app.run.feed.len(), 1);
    let lines = render(&mut app, 80, 24);
    assert_has(&lines, &["1/4 matches", "faults (1)", "#1   b crashed"]);
    assert!(
        app.run.matches[&0].record.is_some(),
        "its replay was read back"
    );
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
                seats: vec![a, b],
                outcomes: if (a + b) % 3 == 0 {
                    vec![Outcome::Draw, Outcome::Draw]
                } else {
                    vec![Outcome::Win, Outcome::Loss]
                },
                faults: vec![None, None],
                scores: vec![None, None],
                turns: 0,
                void: false,
            });
            id += 1;
        }
    }
    app.run.standings = standings::compute(64, &outcomes, Ranking::Points);
    let last = app.run.standings.rows.last().unwrap().bot;
    for _ in 0..70 {
        press(&mut app, KeyCode::Down);
    }
    assert_eq!(app.dashboard.selected, 63);
    for (w, h) in SIZES {
        assert_has(&render(&mut app, w, h), &[&format!("bot{last:02}")]);
    }
    // A click lands on the row drawn there, even scrolled.
    press(&mut app, KeyCode::Up);
    let lines = render(&mut app, 120, 40);
    let above = app.run.standings.rows[app.standings_order()[61]].bot;
    let (x, y) = find(&lines, &format!("bot{above:02}")).unwrap();
    left_click(&mut app, x, y);
    assert_eq!(app.selected_bot(), Some(above));
    press(&mut app, KeyCode::Char('2'));
    assert_has(&render(&mut app, 120, 40), &["crosstable"]);
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
    app.run.run_dir = Some(std::path::PathBuf::from("/runs/long"));
    let n = cagematch::tui::app::KEEP_RECORDS + 6;
    for id in 0..n {
        app.update(AppEvent::Runner(RunnerMsg::Started {
            id,
            seats: vec![0, 1],
        }));
        let entry = Entry::from_record(id, vec![0, 1], &record, &format!("replays/{id:05}.json"));
        app.update(AppEvent::Runner(RunnerMsg::Finished {
            entry: Box::new(entry),
            record: Some(Arc::new(record.clone())),
            standings: Box::new(standings::compute(2, &[], Ranking::Points)),
        }));
    }
    let kept = app
        .run
        .matches
        .values()
        .filter(|m| m.record.is_some())
        .count();
    assert_eq!(
        kept,
        cagematch::tui::app::KEEP_RECORDS,
        "only the newest keep their frames"
    );
    assert!(app.run.matches[&0].record.is_none() && app.run.matches[&(n - 1)].record.is_some());
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::End);
    let cmd = press(&mut app, KeyCode::Enter);
    assert_eq!(
        cmd,
        Some(Effect::Load {
            id: 0,
            dir: "/runs/long".into(),
            replay: "replays/00000.json".into()
        })
    );
    app.update(AppEvent::Loaded {
        id: 0,
        record: Arc::new(record.clone()),
    });
    press(&mut app, KeyCode::End);
    assert_has(&render(&mut app, 80, 24), &["step 30/30"]);
}

/// A replay file is hostile input: frames with absurd boards, unknown actions or a huge
/// `inarow` draw what fits, at every size, without a panic.
#[test]
fn hostile_frames_draw_what_fits() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, serde_json::Value, serde_json::Value); 4] = [
        (
            "connectx",
            serde_json::json!({"columns": 1, "board": vec![1; 50_000]}),
            serde_json::json!(1_000_000_000u64),
        ),
        (
            "tron",
            serde_json::json!({
                "rows": vec!["12".repeat(5_000); 3_000],
                "heads": [[-5, 9_000_000_000i64], [1, 1]],
                "crashed": [true, false]
            }),
            serde_json::json!("Q"),
        ),
        (
            "rps",
            serde_json::json!({"signs": 3, "actions": [-1, 1_000_000_000_000i64], "rewards": [1e308, -1e308]}),
            serde_json::json!(-7),
        ),
        (
            "ipd",
            serde_json::json!({"actions": ["X", "\u{1b}[2J"], "flipped": [true, true], "scores": [0, 0]}),
            serde_json::json!("\u{1b}]0;owned\u{7}"),
        ),
    ];
    for (game, state, action) in cases {
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("tests/fixtures/replays/{game}.json")),
        )
        .unwrap();
        let mut replay: serde_json::Value = serde_json::from_str(&text).unwrap();
        replay["configuration"]["inarow"] = serde_json::json!(u64::MAX);
        let last = replay["frames"].as_array().unwrap().len() - 1;
        replay["frames"][last]["state"] = state;
        replay["frames"][last]["moves"][0]["action"] = action;
        let path = dir.path().join(format!("{game}.json"));
        std::fs::write(&path, replay.to_string()).unwrap();
        let mut app = App::for_replay(cagematch::replay::read(&path).unwrap(), dark());
        press(&mut app, KeyCode::End);
        assert_no_control_characters(&mut app, game);
    }
}

#[test]
fn an_sprt_run_shows_its_test_and_a_knockout_its_order() {
    let mut app = tournament_app();
    app.run.sprt = Some(cagematch::tournament::format::sprt::SprtSpec {
        elo0: 0.0,
        elo1: 5.0,
        alpha: 0.05,
        beta: 0.05,
        max_pairs: 100,
    });
    // Matches #1 and #2 (ids 0 and 1) count as the first pair, for bot 0.
    assert_has(
        &render(&mut app, 120, 40),
        &["SPRT LLR -0.01 (-2.94, 2.94) after 1 pair"],
    );
    // Knockout standings keep their order (round reached), though games differ.
    let mut rows = app.run.standings.rows.clone();
    for (i, r) in rows.iter_mut().enumerate() {
        r.stage = Some(3 - i as u32);
    }
    let last = rows.last().unwrap().bot;
    app.run.standings.rows = rows;
    assert!(app.run.games_differ() && !app.run.live_by_score());
    assert_eq!(*app.standings_order().last().unwrap(), 2);
    assert_eq!(app.run.standings.rows[2].bot, last);
    assert_has(&render(&mut app, 120, 40), &["knockout: by round reached"]);
}

const ALL_SCREENS: [Screen; 6] = [
    Screen::Dashboard,
    Screen::Crosstable,
    Screen::Matches,
    Screen::Wall,
    Screen::Viewer,
    Screen::Bot,
];

#[test]
fn the_footer_and_the_help_say_what_the_keys_do() {
    use cagematch::tui::keymap::{self, KEYS};
    // Every hint the footer can show is for a key that does that binding's action
    // there: no earlier line of the table takes the key first.
    for replay in [false, true] {
        for screen in ALL_SCREENS {
            for b in KEYS {
                let Some((_, Some(hint))) = b.on.iter().find(|(on, _)| match on {
                    keymap::On::All => true,
                    keymap::On::Run => !replay,
                    keymap::On::Replay => replay,
                    keymap::On::Screen(s) => *s == screen,
                }) else {
                    continue;
                };
                for &(code, action) in b.codes {
                    assert_eq!(
                        keymap::action(code, screen, replay),
                        Some(action),
                        "{screen:?} (replay: {replay}): the footer says `{} {}` but {code:?} does something else",
                        hint.0,
                        hint.1
                    );
                }
            }
        }
    }
    // Each key of a line is in the help: the help is the table.
    let help: Vec<(&str, &str)> = keymap::help().collect();
    assert_eq!(help.len(), KEYS.len());
    // Each line fits the help box on an 80-column terminal (keys, gap, words, borders).
    for (keys, what) in &help {
        assert!(
            keys.chars().count() <= 11 && what.chars().count() <= 64,
            "{keys}: {what}"
        );
    }
    // The footer always keeps help and quit, at any width a terminal has.
    for screen in [
        Screen::Dashboard,
        Screen::Crosstable,
        Screen::Matches,
        Screen::Wall,
        Screen::Bot,
    ] {
        for width in [40, 70, 80, 120, 200] {
            let footer = keymap::footer(screen, false, width);
            assert!(
                footer.ends_with("? help  q quit"),
                "{screen:?} at {width}: {footer}"
            );
        }
    }
    assert!(keymap::footer(Screen::Viewer, true, 40).ends_with("esc/q quit"));
}

#[test]
fn the_help_scrolls_to_its_last_line_and_keeps_quit_in_view_at_80_by_24() {
    let mut app = tournament_app();
    press(&mut app, KeyCode::Char('?'));
    let first = render(&mut app, 80, 24);
    assert_has(
        &first,
        &[
            "quit (asks while a run is in progress)",
            "↓ more",
            "↑↓ scroll",
        ],
    );
    assert!(
        !screen_has(&first, "click tabs, rows"),
        "the last line is below"
    );
    for _ in 0..40 {
        press(&mut app, KeyCode::Down);
    }
    assert!(app.help.is_some(), "move keys scroll, they do not close");
    let last = render(&mut app, 80, 24);
    assert_has(&last, &["click tabs, rows, cells", "↑ more"]);
    assert!(!screen_has(&last, "↓ more"));
    press(&mut app, KeyCode::Home);
    assert_eq!(render(&mut app, 80, 24), first);
    // Tall enough for every line: nothing to scroll, nothing said about it.
    let tall = render(&mut app, 120, 40);
    assert_has(&tall, &["click tabs, rows, cells", "keys (any key closes)"]);
    press(&mut app, KeyCode::Char('z'));
    assert!(app.help.is_none());
}

#[test]
fn a_key_that_is_not_in_the_table_changes_nothing() {
    let mut app = tournament_app();
    for key in [
        KeyCode::Char('1'),
        KeyCode::Char('2'),
        KeyCode::Char('3'),
        KeyCode::Char('4'),
    ] {
        press(&mut app, key);
        let before = render(&mut app, 120, 40);
        for unbound in [
            KeyCode::Char('z'),
            KeyCode::Char('Z'),
            KeyCode::F(5),
            KeyCode::Insert,
        ] {
            assert_eq!(press(&mut app, unbound), None);
            assert_eq!(
                render(&mut app, 120, 40),
                before,
                "{key:?} then {unbound:?}"
            );
        }
    }
}

#[test]
fn the_bot_screen_lists_a_bundles_files_with_their_sizes_as_text() {
    let mut app = tournament_app();
    app.run.contents = vec![
        vec![
            ("main.py".into(), 410),
            ("model/weights\u{1b}[2J.bin".into(), 52_428_800),
        ],
        Vec::new(),
        Vec::new(),
    ];
    open_bot_page(&mut app, 0);
    assert_eq!(app.bot_page.bot, 0);
    let lines = render(&mut app, 120, 40);
    assert_has(
        &lines,
        &["bundle (2 files, 50.0 MiB)", "main.py", "410 B", "50.0 MiB"],
    );
    assert!(!lines.iter().any(|l| l.contains('\u{1b}')), "{lines:?}");
    // A one-file bot has no bundle section.
    press(&mut app, KeyCode::Esc);
    open_bot_page(&mut app, 1);
    assert!(!screen_has(&render(&mut app, 120, 40), "bundle ("));
}

#[test]
fn the_fault_feed_lists_matches_newest_first_whatever_order_they_finish_in() {
    let mut app = tournament_app();
    // Matches finish out of order with several workers; long messages get an ellipsis.
    for id in [17usize, 20, 5, 19, 18] {
        app.run.push_feed(cagematch::tui::match_view::FeedItem {
            id,
            seat: Some(0),
            text: format!("greedy crashed: {}", "x".repeat(200)),
        });
    }
    let lines = render(&mut app, 120, 40);
    let order: Vec<usize> = lines
        .iter()
        .filter_map(|l| {
            let text = l.find("greedy crashed")?;
            let at = l[..text].rfind('#')?;
            l[at + 1..text].trim().parse().ok()
        })
        .collect();
    assert_eq!(order, [21, 20, 19, 18, 6], "{lines:#?}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("greedy crashed: xxx") && l.contains('…')),
        "{lines:#?}"
    );
}

#[test]
fn the_crosstable_starts_on_the_leader_against_the_runner_up_not_the_diagonal() {
    let mut app = tournament_app();
    press(&mut app, KeyCode::Char('2'));
    assert_eq!(app.screen, Screen::Crosstable);
    let (row, column) = (app.crosstable.row, app.crosstable.column);
    assert_ne!(row, column, "a bot against itself");
    let lines = render(&mut app, 120, 40);
    assert!(!screen_has(&lines, "0 matches"), "{lines:#?}");
}

#[test]
fn end_on_the_bot_page_shows_its_last_lines_and_up_scrolls_back() {
    let mut app = tournament_app();
    open_bot_page(&mut app, 1);
    assert_eq!(app.screen, Screen::Bot);
    // At 80×24 the page does not fit.
    let top = render(&mut app, 80, 24);
    press(&mut app, KeyCode::End);
    let end = render(&mut app, 80, 24);
    assert_ne!(top, end, "End moved the page");
    assert!(
        !screen_has(&end, "sandbox layers"),
        "the page's first lines scrolled away"
    );
    let at_end = app.bot_page.scroll;
    assert!(at_end > 0);
    press(&mut app, KeyCode::Up);
    assert_eq!(
        app.bot_page.scroll,
        at_end - 1,
        "Up after End scrolls at once"
    );
}

#[test]
fn tv_mode_with_no_match_running_shows_the_last_one_to_finish() {
    // Every match has finished (or the last has started and ended): TV does not wait
    // for a match that will not come.
    let bots = vec![
        ("greedy".to_string(), "bots/connectx/greedy.py".to_string()),
        ("random".to_string(), "bots/connectx/random.py".to_string()),
    ];
    let mut app = App::new("Done cup".into(), GameKind::Connectx, bots, 1, dark());
    let record = replay("connectx");
    app.update(AppEvent::Runner(RunnerMsg::Started {
        id: 0,
        seats: vec![0, 1],
    }));
    let entry = Entry::from_record(0, vec![0, 1], &record, "replays/x.json");
    let s = standings::compute(2, &[entry.outcomes()], Ranking::Points);
    app.update(AppEvent::Runner(RunnerMsg::Finished {
        entry: Box::new(entry),
        record: Some(Arc::new(record)),
        standings: Box::new(s),
    }));
    press(&mut app, KeyCode::Char('v'));
    assert!(app.tv);
    assert_eq!(app.viewer.as_ref().map(|v| v.id), Some(0));
    assert!(!screen_has(
        &render(&mut app, 120, 40),
        "waiting for a match to start"
    ));
}

#[test]
fn the_story_of_a_stopped_run_with_an_exact_tie_names_a_shared_lead_in_order() {
    // Two bots, one win each with seats swapped: level on points, score, Elo and SB.
    let bots = vec![
        ("alpha".to_string(), "bots/connectx/greedy.py".to_string()),
        ("beta".to_string(), "bots/connectx/random.py".to_string()),
    ];
    let mut app = App::new("Tie cup".into(), GameKind::Connectx, bots, 4, dark());
    let record = replay("connectx");
    assert_eq!(record.result.faults, [None, None]);
    play_a_seat_swapped_pair(&mut app, &record);
    // Stopped after 2 of 4 matches.
    app.update(AppEvent::Runner(RunnerMsg::Done { interrupted: true }));
    let lines = render(&mut app, 120, 40);
    let story: Vec<&String> = lines.iter().filter(|l| l.contains("│")).collect();
    let at = |needle: &str| story.iter().position(|l| l.contains(needle));
    assert_eq!(
        lines.iter().filter(|l| l.contains("=1st")).count(),
        2,
        "{lines:#?}"
    );
    assert!(!screen_has(&lines, "winner"), "a stopped run has no winner");
    assert!(
        at("=1st").unwrap() < at("stopped: 2 of 4").unwrap(),
        "podium first"
    );
    assert!(
        !screen_has(&lines, "→ faults"),
        "no faults, no key for them"
    );
    assert!(!screen_has(&lines, "longest:"), "every match is as long");
    // The standings table says the place is shared too.
    let shared = lines
        .iter()
        .filter(|l| l.starts_with("│=1 ") && (l.contains("alpha") || l.contains("beta")))
        .count();
    assert_eq!(shared, 2, "{lines:#?}");
}

#[test]
fn a_click_on_a_crosstable_cells_first_character_selects_that_cell() {
    let mut app = tournament_app();
    press(&mut app, KeyCode::Char('2'));
    for (w, h) in SIZES {
        for k in 1..=3usize {
            let lines = render(&mut app, w, h);
            let header = lines
                .iter()
                .position(|l| l.contains(" pts"))
                .expect("the header row");
            let column = lines[header]
                .find(&format!("#{k}"))
                .map(|b| lines[header][..b].chars().count() as u16)
                .expect("the column's header");
            // The first row's cell in that column, at its first character.
            left_click(&mut app, column, header as u16 + 1);
            assert_eq!(
                (app.crosstable.row, app.crosstable.column),
                (0, k - 1),
                "{w}×{h}: a click on #{k}'s first character"
            );
        }
    }
}

#[test]
fn a_fault_frame_is_numbered_once_as_the_fault() {
    // The faults replay: steps 0 to 5, then the frame the crash adds (step 5 again).
    let record = replay("faults");
    let last = record.frames.len() - 1;
    assert_eq!(record.frames[last].step, record.frames[last - 1].step);
    let mut app = App::for_replay(record, dark());
    let viewer = app.viewer.as_mut().unwrap();
    viewer.frame = last;
    viewer.playing = false;
    let lines = render(&mut app, 120, 40);
    assert!(screen_has(&lines, "step 5 (fault)/5"), "{lines:#?}");
    assert!(!screen_has(&lines, "step 6/6"), "{lines:#?}");
    let fives = lines.iter().filter(|l| l.contains("│    5 ")).count();
    assert_eq!(fives, 1, "one move row numbered 5: {lines:#?}");
    assert!(screen_has(&lines, "fault "), "the fault's row: {lines:#?}");
}

#[test]
fn an_ipd_noise_flip_shows_the_chosen_and_the_played_action() {
    // Turn 5 of the IPD replay, as if noise had flipped seat 1's choice.
    let mut record = replay("ipd");
    let at = 5;
    let chosen = record.frames[at]
        .moves
        .iter()
        .find(|m| m.seat == 0)
        .unwrap()
        .action
        .as_str()
        .unwrap()
        .to_string();
    let played = if chosen == "C" { "D" } else { "C" };
    record.frames[at].state["actions"][0] = serde_json::json!(played);
    record.frames[at].state["flipped"][0] = serde_json::json!(true);
    let mut app = App::for_replay(record, dark());
    let viewer = app.viewer.as_mut().unwrap();
    viewer.frame = at;
    viewer.playing = false;
    let lines = render(&mut app, 120, 40);
    assert!(
        screen_has(&lines, &format!("played {played}: noise flipped it")),
        "the step panel: {lines:#?}"
    );
    assert!(
        screen_has(&lines, &format!("{chosen}→{played}~")),
        "the move list: {lines:#?}"
    );
}

#[test]
fn chart_legends_sit_on_the_frame_not_on_the_lines() {
    let mut app = tournament_app();
    finish_run(&mut app);
    for (w, h) in SIZES {
        let lines = render(&mut app, w, h);
        assert!(
            !lines
                .iter()
                .any(|l| l.contains("││greedy") || l.contains("│┌─────")),
            "a legend box over the plot at {w}×{h}: {lines:#?}"
        );
        let legend = lines
            .iter()
            .find(|l| l.contains("■ greedy"))
            .unwrap_or_else(|| panic!("no legend at {w}×{h}: {lines:#?}"));
        assert!(legend.contains('└'), "on the frame's bottom edge: {legend}");
    }
}

#[test]
fn a_bot_has_one_colour_on_the_chart_and_in_the_latest_results_and_no_two_lines_share_one() {
    let mut app = tournament_app();
    finish_run(&mut app);
    let (w, h) = (120, 40);
    let lines = render(&mut app, w, h);
    let buf = buffer(&mut app, w, h);
    let colour_at = |needle: &str| {
        let (x, y) = find(&lines, needle).unwrap_or_else(|| panic!("{needle}: {lines:#?}"));
        buf[(x, y)].fg
    };
    // "■ greedy" on the chart's edge; "greedy beat random" among the latest results.
    let chart = colour_at("■ greedy");
    let result = colour_at("greedy beat random");
    assert_eq!(
        chart, result,
        "greedy's colour on the chart and in the results"
    );
    // The runner-up won its match from seat 1 too: its colour is its own, not seat 1's.
    let chart = colour_at("■ prints");
    let result = colour_at("prints_escape… beat");
    assert_eq!(
        chart, result,
        "the runner-up's colour on the chart and in the results"
    );
    // The chart's lines: every pair of colours apart (the seats' six first colours, which
    // the theme test holds apart; the old palette had seat1 beside `draw`).
    for theme in ["dark", "light", "high-contrast"] {
        let t = Theme::load(theme).unwrap();
        let colours: Vec<_> = (0..6).map(|k| t.seat(k)).collect();
        for i in 0..6 {
            for j in i + 1..6 {
                assert_ne!(colours[i], colours[j], "{theme}: lines {i} and {j}");
            }
        }
    }
}

#[test]
fn the_bot_pages_match_rows_line_up_whatever_the_opponents_names() {
    let mut app = tournament_app();
    open_bot_page(&mut app, 1);
    let lines = render(&mut app, 120, 40);
    let columns: Vec<usize> = lines
        .iter()
        .filter(|l| l.contains(" vs ") && l.contains("lost · "))
        .map(|l| l[..l.find("lost · ").unwrap()].chars().count())
        .collect();
    assert_eq!(columns.len(), 2, "{lines:#?}");
    assert_eq!(columns[0], columns[1], "results in one column: {lines:#?}");
}

#[test]
fn z_zooms_the_board_to_the_whole_viewer_and_back() {
    // Issue 33: at 120×40 a 50×30 Tron arena was drawn at its smallest scale while the
    // step panel took most of the width; `z` gives the board the whole space (as btop
    // and bottom zoom a panel), and `z` again gives it back.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wide.replay");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = crate::common::cagematch_in(
        root,
        &[
            "match",
            "tron",
            "bots/tron/space_fill.py",
            "bots/tron/wall_follower.py",
            "--set",
            "width=50",
            "--set",
            "height=30",
            "--seed",
            "1",
            "--replay",
            file.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut app = App::for_replay(cagematch::replay::read(&file).unwrap(), dark());
    press(&mut app, KeyCode::End);
    let trail = |app: &mut App| {
        let b = buffer(app, 120, 40);
        b.content().iter().filter(|c| c.symbol() == "▓").count()
    };
    let before = trail(&mut app);
    assert!(screen_has(&render(&mut app, 120, 40), "┌ step "));
    press(&mut app, KeyCode::Char('z'));
    let zoomed = render(&mut app, 120, 40);
    assert!(
        screen_has(&zoomed, "board · z: back"),
        "{}",
        zoomed.join("\n")
    );
    assert!(!screen_has(&zoomed, "┌ step "), "{}", zoomed.join("\n"));
    assert!(
        trail(&mut app) > before,
        "the board did not grow: {}",
        zoomed.join("\n")
    );
    press(&mut app, KeyCode::Char('z'));
    assert!(screen_has(&render(&mut app, 120, 40), "┌ step "));
}

#[test]
fn the_viewers_charts_read_out_their_values_at_the_cursor() {
    // Issue 33, charts like btop: the values under the cursor, in the series' colours.
    let mut app = viewer_for("rps");
    press(&mut app, KeyCode::PageDown);
    let at = app.viewer.as_ref().unwrap().frame;
    let record = replay("rps");
    let [a, b] = cagematch::referee::describe::scores(GameKind::Rps, &record.frames[at]).unwrap();
    let step = record.frames[at].step;
    let lines = render(&mut app, 120, 40);
    let want = format!(" at {step}: {a:.0} · {b:.0} ");
    assert!(
        screen_has(&lines, &want),
        "{want} not in\n{}",
        lines.join("\n")
    );
}

#[test]
fn help_puts_the_focused_screens_keys_first() {
    // Issue 33, context help like lazygit's `?`: this screen's keys, then the rest.
    let mut app = viewer_for("rps");
    press(&mut app, KeyCode::Char('?'));
    let lines = render(&mut app, 120, 60);
    let row = |needle: &str| {
        lines
            .iter()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle} not in\n{}", lines.join("\n")))
    };
    let (here, everywhere) = (row(" on this screen"), row(" everywhere"));
    assert!(here < everywhere);
    let zoom = row("zoom the board");
    let theme = row("next colour theme");
    assert!(here < zoom && zoom < everywhere, "{}", lines.join("\n"));
    assert!(everywhere < theme, "{}", lines.join("\n"));
}

#[test]
fn a_click_on_a_move_goes_to_it() {
    // Issue 33, a move list like lichess: every move selectable with the mouse too.
    let mut app = viewer_for("rps");
    press(&mut app, KeyCode::PageDown);
    let lines = render(&mut app, 120, 40);
    let (x, y) = find(&lines, "   13 ").unwrap_or_else(|| panic!("{}", lines.join("\n")));
    left_click(&mut app, x + 3, y);
    assert_eq!(app.viewer.as_ref().unwrap().frame, 13);
    let lines = render(&mut app, 120, 40);
    assert!(screen_has(&lines, "┌ step 13 "), "{}", lines.join("\n"));
}

#[test]
fn the_crosstable_shows_a_pairs_head_to_head() {
    // Issue 33, a head-to-head page: the pair's games over time, the pentanomial Elo with
    // its interval, and the SPRT that would settle it.
    let bots = vec![
        ("greedy".to_string(), "bots/connectx/greedy.py".to_string()),
        ("random".to_string(), "bots/connectx/random.py".to_string()),
    ];
    let mut app = App::new("Pair".into(), GameKind::Connectx, bots, 2, dark());
    let record = replay("connectx");
    play_a_seat_swapped_pair(&mut app, &record);
    press(&mut app, KeyCode::Char('2'));
    let lines = render(&mut app, 120, 40);
    assert_has(
        &lines,
        &[
            "over time: ",
            "pairs by its points (0 ½ 1 1½ 2): ",
            "Elo",
            "settle it (s): cagematch sprt connectx bots/connectx/",
        ],
    );
}

/// Two bots play `record`'s match twice, seats swapped (the same seed): a pair.
fn play_a_seat_swapped_pair(app: &mut App, record: &MatchRecord) {
    let mut outcomes = Vec::new();
    for (id, seats) in [(0usize, vec![0usize, 1]), (1, vec![1, 0])] {
        app.update(AppEvent::Runner(RunnerMsg::Started {
            id,
            seats: seats.clone(),
        }));
        let entry = Entry::from_record(id, seats, record, "replays/x.json");
        outcomes.push(entry.outcomes());
        let s = standings::compute(2, &outcomes, Ranking::Points);
        app.update(AppEvent::Runner(RunnerMsg::Finished {
            entry: Box::new(entry),
            record: Some(Arc::new(record.clone())),
            standings: Box::new(s),
        }));
    }
}

#[test]
fn slash_filters_a_bots_matches_as_you_type() {
    // Issue 33, item 4: the bot page's list filters too, by opponent or `#number`.
    let mut app = tournament_app();
    let random = app.run.names.iter().position(|n| n == "random").unwrap();
    open_bot_page(&mut app, random);
    assert!(screen_has(&render(&mut app, 100, 40), "matches (2)"));
    press(&mut app, KeyCode::Char('/'));
    chars(&mut app, "gre");
    let lines = render(&mut app, 100, 40);
    assert_has(&lines, &["matches against “gre” (esc: all) (1)"]);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Bot);
    press(&mut app, KeyCode::Esc);
    assert!(screen_has(&render(&mut app, 100, 40), "matches (2)"));
    assert_eq!(app.screen, Screen::Bot, "the first esc clears the filter");
}

#[test]
fn slash_filters_the_fault_feed_with_the_standings() {
    // Issue 33, item 4: on the dashboard the filter applies to the fault feed too.
    let mut app = tournament_app();
    press(&mut app, KeyCode::Char('/'));
    chars(&mut app, "greedy");
    assert_has(
        &render(&mut app, 100, 30),
        &["faults with “greedy” (0 of 1)"],
    );
    for _ in 0..6 {
        press(&mut app, KeyCode::Backspace);
    }
    chars(&mut app, "crash");
    let lines = render(&mut app, 100, 30);
    assert_has(&lines, &["faults with “crash” (1 of 1)", "random crashed"]);
    press(&mut app, KeyCode::Esc);
    assert!(screen_has(&render(&mut app, 100, 30), "faults (1)"));
}

#[test]
fn the_wall_and_the_bot_page_show_each_running_bots_cpu_and_memory() {
    let mut app = tournament_app();
    let mib = 1024 * 1024;
    let usage = |cpu: f64, mb: u64| cagematch::cage::Usage {
        cpu_percent: cpu,
        rss_bytes: mb * mib,
    };
    // Match #3 (id 2) is running: greedy in seat 1, prints_escape_codes in seat 2.
    app.run.resources.seats.insert((2, 0), usage(12.0, 34));
    app.run.resources.seats.insert((2, 1), usage(3.0, 20));
    app.run.resources.runner = Some(usage(45.0, 80));
    press(&mut app, KeyCode::Char('4'));
    let wall = render(&mut app, 120, 40);
    assert_has(&wall, &["12% 34M / 3% 20M", "runner CPU 45% · 80 MiB"]);
    press(&mut app, KeyCode::Char('1'));
    open_bot_page(&mut app, 0);
    let page = render(&mut app, 120, 40);
    assert_has(&page, &["now #3: CPU 12% · 34 MiB"]);
    // A bot not running shows no "now".
    press(&mut app, KeyCode::Esc);
    open_bot_page(&mut app, 1);
    let page = render(&mut app, 120, 40);
    assert!(!screen_has(&page, "now #"), "{page:#?}");
}

#[test]
fn s_on_the_crosstable_asks_then_starts_an_sprt_of_the_selected_pair() {
    let mut app = tournament_app();
    press(&mut app, KeyCode::Char('2'));
    let screen = render(&mut app, 120, 40);
    assert_has(&screen, &["settle it (s): cagematch sprt connectx"]);
    // While the run plays, the first `s` asks; the second starts it.
    assert_eq!(press(&mut app, KeyCode::Char('s')), None);
    assert!(app
        .said
        .as_deref()
        .unwrap_or("")
        .starts_with("s again: stop this run"));
    let (a, b) = (app.run.standings.rows[0].bot, app.run.standings.rows[1].bot);
    let expected = vec![
        "sprt".to_string(),
        "connectx".to_string(),
        app.run.files[a].clone(),
        app.run.files[b].clone(),
    ];
    assert_eq!(
        press(&mut app, KeyCode::Char('s')),
        Some(Effect::Then(expected.clone()))
    );
    // A finished run: at once. A bot against itself: nothing.
    let mut app = tournament_app();
    finish_run(&mut app);
    press(&mut app, KeyCode::Char('2'));
    assert_eq!(
        press(&mut app, KeyCode::Char('s')),
        Some(Effect::Then(expected))
    );
    app.crosstable.column = app.crosstable.row;
    assert_eq!(press(&mut app, KeyCode::Char('s')), None);
}
