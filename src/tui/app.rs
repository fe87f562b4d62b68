//! The UI's state and its pure update function: events in, state changed, maybe an
//! effect out. Nothing here touches the terminal, so every key and click can be
//! unit-tested. `App` holds the run as the UI knows it ([`Run`]), each screen's own
//! state, and what sits above the screens (overlays, the prompt, the status line);
//! keys and clicks reach the screens through [`super::input`].

use super::screens::bot::BotPage;
use super::screens::crosstable::Crosstable;
use super::screens::dashboard::Dashboard;
use super::screens::matches::MatchList;
use super::screens::wall::Wall;
use super::screens::Go;
use super::theme::Theme;
use crate::game::GameKind;
use crate::referee::MatchRecord;
use crate::tournament::results::standings::{self, Standings};
use crate::tournament::Entry;
use ratatui::layout::Rect;
use std::sync::Arc;

pub use super::events::{AppEvent, Effect, RunnerMsg};
pub use super::match_view::{FeedItem, MatchView};
pub use super::run_view::{Filter, Run, RunState};
pub use super::screens::dashboard::{Focus, SortKey};
pub use super::screens::viewer::{Viewer, SPEEDS};
pub use super::screens::Screen;

/// A line being typed at the bottom of the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    /// `/`: search bots and matches.
    Search(String),
    /// `g` in the viewer: go to a step number.
    Goto(String),
}

pub struct App {
    pub run: Run,
    pub screen: Screen,
    /// Where `esc` goes from the viewer and the bot screen.
    pub back: Screen,
    /// The help overlay is open, scrolled this many lines down.
    pub help: Option<u16>,
    pub confirm_quit: bool,
    pub dashboard: Dashboard,
    pub crosstable: Crosstable,
    pub match_list: MatchList,
    pub wall: Wall,
    pub viewer: Option<Viewer>,
    pub bot_page: BotPage,
    /// TV mode: the viewer follows live matches by itself, moving on when one ends.
    pub tv: bool,
    pub prompt: Option<Prompt>,
    /// A status line (export path, errors).
    pub said: Option<String>,
    /// The timeline is being dragged.
    pub dragging: bool,
    /// The pair a first `s` on the crosstable asked an SPRT of (a second starts it).
    pub pending_sprt: Option<[usize; 2]>,
}

/// Finished matches whose every frame stays in memory.
pub const KEEP_RECORDS: usize = 64;

impl App {
    pub fn new(
        title: String,
        game: GameKind,
        bots: Vec<(String, String)>,
        total: usize,
        theme: Theme,
    ) -> App {
        App {
            run: Run::new(title, game, bots, total, theme),
            screen: Screen::Dashboard,
            back: Screen::Dashboard,
            help: None,
            confirm_quit: false,
            dashboard: Dashboard::default(),
            crosstable: Crosstable::default(),
            match_list: MatchList::default(),
            wall: Wall::default(),
            viewer: None,
            bot_page: BotPage::default(),
            tv: false,
            prompt: None,
            said: None,
            dragging: false,
            pending_sprt: None,
        }
    }

    /// An app that only views one replay.
    pub fn for_replay(record: MatchRecord, theme: Theme) -> App {
        let bots = record
            .bots
            .iter()
            .map(|b| (b.name.clone(), b.file.clone()))
            .collect();
        let mut app = App::new("replay".into(), record.game, bots, 1, theme);
        app.run.state = RunState::Replay;
        let seats: Vec<usize> = (0..record.bots.len()).collect();
        let outcomes = standings::Outcomes {
            id: 0,
            seats: seats.clone(),
            outcomes: record.result.outcomes.clone(),
            faults: record
                .result
                .faults
                .iter()
                .map(|f| f.as_ref().map(|f| f.kind))
                .collect(),
            scores: record.result.scores.clone(),
            turns: record.frames.len().saturating_sub(1) as u32,
            void: false,
        };
        app.run.standings = standings::compute(seats.len(), &[outcomes], record.game.ranking());
        let mut view = MatchView::new(0, seats);
        view.record = Some(Arc::new(record));
        app.run.matches.insert(0, view);
        app.screen = Screen::Viewer;
        app.viewer = Some(Viewer::new(0));
        app
    }

    /// The running match the viewer shows, whose frames the runner must send.
    pub fn watched(&self) -> Option<usize> {
        let v = self.viewer.as_ref()?;
        let m = self.run.matches.get(&v.id)?;
        m.running().then_some(m.id)
    }

    /// Indexes into the standings' rows, in the order the dashboard shows them.
    pub fn standings_order(&self) -> Vec<usize> {
        self.dashboard.standings_order(&self.run)
    }

    /// The bot on the dashboard's selected standings row.
    pub fn selected_bot(&self) -> Option<usize> {
        self.dashboard.selected_bot(&self.run)
    }

    /// The matches the matches screen lists, in order.
    pub fn listed(&self) -> Vec<&MatchView> {
        self.match_list.listed(&self.run)
    }

    /// Applies one event. Returns what the surrounding loop must do, if anything.
    pub fn update(&mut self, event: AppEvent) -> Option<Effect> {
        match event {
            AppEvent::Runner(msg) => {
                self.runner(msg);
                None
            }
            AppEvent::Tick(now) => {
                // Playback runs on the clock, which keeps going after the run ends; the
                // run's own time stops with it.
                let run = &mut self.run;
                let dt = now.saturating_sub(run.clock);
                run.clock = now;
                if run.state == RunState::Running || run.state == RunState::Replay {
                    run.elapsed = run.elapsed.max(now);
                }
                if let Some(v) = self.viewer.as_mut() {
                    v.play(&self.run, dt);
                }
                self.run.resources.tick(now);
                None
            }
            AppEvent::Key(key) => self.key(key),
            AppEvent::Mouse(mouse) => self.mouse(mouse),
            AppEvent::Resize(w, h) => {
                self.run.area = Rect::new(0, 0, w, h);
                None
            }
            AppEvent::Loaded { id, record } => {
                if let Some(m) = self.run.matches.get_mut(&id) {
                    m.record = Some(record);
                }
                if let Some(v) = self.viewer.as_mut() {
                    v.seek_pending(&self.run);
                }
                None
            }
        }
    }

    fn runner(&mut self, msg: RunnerMsg) {
        let run = &mut self.run;
        match msg {
            RunnerMsg::Started { id, seats } => {
                run.matches.insert(id, MatchView::new(id, seats));
                if self.tv {
                    self.tv_next();
                }
            }
            RunnerMsg::Frames { id, frames } => {
                if let Some(m) = run.matches.get_mut(&id) {
                    m.frames.extend(frames);
                    m.count = m.count.max(m.frames.len());
                }
                self.follow(id);
            }
            RunnerMsg::Progress { id, count, latest } => {
                if let Some(m) = run.matches.get_mut(&id) {
                    m.count = count;
                    m.latest = Some(*latest);
                }
            }
            RunnerMsg::Finished {
                entry,
                record,
                standings,
            } => self.finished(*entry, record, *standings),
            RunnerMsg::Retried {
                id,
                attempt,
                reason,
            } => {
                if let Some(m) = run.matches.get_mut(&id) {
                    m.frames.clear();
                    m.latest = None;
                    m.count = 0;
                }
                let text = format!(
                    "not scored, the runner failed: {reason}; playing it again ({} of {})",
                    attempt + 1,
                    crate::tournament::journal::ATTEMPTS
                );
                run.push_feed(FeedItem {
                    id,
                    seat: None,
                    text,
                });
            }
            RunnerMsg::Planned { total } => run.total = total,
            RunnerMsg::Abandoned { id } => {
                run.matches.remove(&id);
                if self.viewer.as_ref().is_some_and(|v| v.id == id) {
                    self.viewer = None;
                    self.screen = Screen::Matches;
                }
            }
            RunnerMsg::Done { interrupted } => {
                run.state = if interrupted {
                    RunState::Stopped
                } else {
                    RunState::Finished
                };
            }
            RunnerMsg::Failed(e) => {
                run.state = RunState::Stopped;
                self.said = Some(format!("the run failed: {e}"));
            }
        }
    }

    fn finished(&mut self, entry: Entry, record: Option<Arc<MatchRecord>>, standings: Standings) {
        let run = &mut self.run;
        run.note_faults(&entry);
        let id = entry.id;
        let seats = entry.seats.clone();
        let view = run
            .matches
            .entry(id)
            .or_insert_with(|| MatchView::new(id, seats));
        view.frames = Vec::new();
        view.latest = None;
        view.record = record;
        view.entry = Some(entry);
        run.standings = standings;
        run.history.finished(&run.standings, run.elapsed);
        self.follow(id);
        self.evict();
    }

    /// Keeps the full records (every frame) of the newest finished matches only; older
    /// ones are read back from the run folder when opened. Bounds memory on long runs.
    fn evict(&mut self) {
        let viewed = self.viewer.as_ref().map(|v| v.id);
        if self.run.run_dir.is_none() {
            return;
        }
        let mut kept = 0;
        for m in self.run.matches.values_mut().rev() {
            if m.entry.is_some() && m.record.is_some() {
                kept += 1;
                if kept > KEEP_RECORDS && Some(m.id) != viewed {
                    m.record = None;
                }
            }
        }
    }

    /// Keeps a following viewer on the newest frame of match `id`.
    fn follow(&mut self, id: usize) {
        if let Some(v) = self.viewer.as_mut() {
            v.follow(&self.run, id);
        }
    }

    pub(super) fn toggle_tv(&mut self) {
        self.tv = !self.tv;
        if !self.tv {
            return;
        }
        if self.screen != Screen::Viewer {
            self.back = self.screen;
        }
        self.screen = Screen::Viewer;
        self.tv_next();
        if self.viewer.is_none() {
            self.said = Some("TV: waiting for a match to start".into());
        }
    }

    /// The match TV shows when none is running: the last one to finish that is still
    /// in memory (every match has started, or the run is over), so TV never waits for a
    /// match that will not come.
    fn tv_fallback(&self) -> Option<usize> {
        self.run
            .matches
            .values()
            .rev()
            .find(|m| !m.running() && m.record.is_some())
            .map(|m| m.id)
    }

    /// TV mode: watch the newest running match (the viewer stays on a finished one
    /// until another starts, so its end can be seen).
    pub fn tv_next(&mut self) {
        let current = self.viewer.as_ref().map(|v| v.id);
        if current
            .and_then(|id| self.run.matches.get(&id))
            .is_some_and(MatchView::running)
        {
            return;
        }
        let running = self.run.running().map(|m| m.id).max();
        let Some(next) = running.or_else(|| current.is_none().then(|| self.tv_fallback())?) else {
            return;
        };
        let mut viewer = Viewer::new(next);
        viewer.follow = true;
        self.viewer = Some(viewer);
        self.follow(next);
    }

    /// Does what a screen asked for.
    pub(super) fn go(&mut self, go: Go) -> Option<Effect> {
        match go {
            Go::OpenMatch { id, fault } => return self.open_match(id, fault),
            Go::OpenBot(bot) => {
                self.bot_page = BotPage {
                    bot,
                    scroll: 0,
                    filter: None,
                };
                if self.screen != Screen::Bot {
                    self.back = self.screen;
                }
                self.screen = Screen::Bot;
            }
            Go::ShowMatches(filter) => {
                self.match_list = MatchList::showing(filter);
                self.screen = Screen::Matches;
            }
            Go::Back if self.run.state == RunState::Replay => return Some(Effect::Quit),
            Go::Back => {
                self.tv = false;
                self.screen = self.back;
            }
            Go::Goto => self.prompt = Some(Prompt::Goto(String::new())),
            Go::Say(words) => self.said = Some(words),
            Go::Sprt(pair) => return self.sprt(pair),
        }
        None
    }

    /// An SPRT between two bots, in this terminal once the UI closes: while the run
    /// plays, a second `s` confirms (stopping it is resumable).
    fn sprt(&mut self, [a, b]: [usize; 2]) -> Option<Effect> {
        if let GameKind::Env(_) = self.run.game {
            self.said =
                Some("an environment's SPRT needs its --game-venv: run the command shown".into());
            return None;
        }
        // The pair as a set: the standings may reorder the cell's two bots between keys.
        let pair = [a.min(b), a.max(b)];
        if self.run.state == RunState::Running && self.pending_sprt != Some(pair) {
            self.pending_sprt = Some(pair);
            self.said = Some(format!(
                "s again: stop this run (cagematch run --resume finishes it) and start an SPRT of {} against {}",
                self.run.names[a], self.run.names[b]
            ));
            return None;
        }
        let game = self.run.game.to_string();
        let files = [self.run.files[a].clone(), self.run.files[b].clone()];
        Some(Effect::Then(
            ["sprt".to_string(), game]
                .into_iter()
                .chain(files)
                .collect(),
        ))
    }

    /// Opens the viewer on a match; asks for its replay if its frames were dropped.
    pub fn open_match(&mut self, id: usize, fault_seat: Option<usize>) -> Option<Effect> {
        let m = self.run.matches.get(&id)?;
        if let Some(why) = m.entry.as_ref().and_then(|e| e.void.as_ref()) {
            // Nothing to replay: the game's own code failed.
            let why = crate::cage::log::cut(&crate::cage::sanitize(why.as_bytes()), 200);
            self.said = Some(format!("match #{} is void: {why}", id + 1));
            return None;
        }
        let running = m.running();
        let len = m.frames().len();
        let replay = m
            .entry
            .as_ref()
            .filter(|_| m.record.is_none())
            .map(|e| e.replay.clone());
        let mut viewer = Viewer::new(id);
        viewer.frame = if running { len.saturating_sub(1) } else { 0 };
        viewer.follow = running;
        viewer.seek_fault = fault_seat;
        viewer.seek_pending(&self.run);
        self.viewer = Some(viewer);
        if self.screen != Screen::Viewer {
            self.back = self.screen;
        }
        self.screen = Screen::Viewer;
        self.tv = false;
        match (replay, &self.run.run_dir) {
            (Some(replay), Some(dir)) => Some(Effect::Load {
                id,
                dir: dir.clone(),
                replay,
            }),
            _ => None,
        }
    }

    pub fn quit(&mut self) -> Option<Effect> {
        if self.run.state == RunState::Running {
            self.confirm_quit = true;
            None
        } else {
            Some(Effect::Quit)
        }
    }
}
