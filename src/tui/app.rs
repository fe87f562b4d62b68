//! The UI's state and its pure update function: events in, state changed, maybe a
//! command out. Nothing here touches the terminal, so every key and click can be
//! unit-tested. Keys are handled in [`super::keys`], the mouse in [`super::mouse`].

use super::history::RunHistory;
use super::theme::Theme;
use crate::cage::sanitize;
use crate::game::Ranking;
use crate::game::{GameKind, Outcome};
use crate::referee::{Frame, MatchRecord};
use crate::tournament::results::standings::{self, Standings};
use crate::tournament::Entry;
use crossterm::event::{KeyEvent, MouseEvent};
use ratatui::layout::Rect;
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

/// What the runner thread tells the UI (owned copies of the runner's events).
#[derive(Debug, Clone)]
pub enum RunnerMsg {
    Started {
        id: usize,
        seats: [usize; 2],
    },
    /// New frames of the match the viewer watches (the runner sends only those).
    Frames {
        id: usize,
        frames: Vec<Frame>,
    },
    /// How far a running match nobody watches has got, and its newest frame (for the
    /// live wall), sent a few times a second at most.
    Progress {
        id: usize,
        count: usize,
        latest: Box<Frame>,
    },
    Finished {
        entry: Box<Entry>,
        record: Arc<MatchRecord>,
        standings: Box<Standings>,
    },
    Abandoned {
        id: usize,
    },
    /// How many matches the run will have (a Swiss or knockout run learns as it goes).
    Planned {
        total: usize,
    },
    /// The runner failed under a match, which starts again (`attempt` failed, from 1).
    Retried {
        id: usize,
        attempt: usize,
        reason: String,
    },
    /// The run is over (`interrupted`: stopped before the end).
    Done {
        interrupted: bool,
    },
    Failed(String),
}

#[derive(Debug, Clone)]
pub enum AppEvent {
    Runner(RunnerMsg),
    Key(KeyEvent),
    Mouse(MouseEvent),
    /// The terminal's size (sent before the first draw and on every resize), so clicks
    /// can be mapped to what is drawn where.
    Resize(u16, u16),
    /// Time passes: `elapsed` since the UI started.
    Tick(Duration),
    /// A replay read back from the run folder.
    Loaded {
        id: usize,
        record: Arc<MatchRecord>,
    },
}

/// What the loop around the app must do (the pure update function cannot: it has no
/// terminal, files or run to touch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Quit,
    /// Write the standings as YAML; the loop reports the path with [`App::said`].
    Export,
    /// Read a finished match's replay (its record was dropped to bound memory) and hand
    /// it back with [`AppEvent::Loaded`].
    Load {
        id: usize,
        path: std::path::PathBuf,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Dashboard,
    Crosstable,
    Matches,
    Wall,
    Viewer,
    Bot,
}

/// The screens with a tab in the header, in order (key `1` is the first).
pub const TABS: [(Screen, &str); 4] = [
    (Screen::Dashboard, "dashboard"),
    (Screen::Crosstable, "crosstable"),
    (Screen::Matches, "matches"),
    (Screen::Wall, "wall"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunState {
    Running,
    Finished,
    Stopped,
    /// Viewing a replay file: no run at all.
    Replay,
}

/// A match the UI knows: running (frames streaming in) or finished.
#[derive(Debug, Clone)]
pub struct MatchView {
    pub id: usize,
    pub seats: [usize; 2],
    /// Frames received so far (only for a watched running match).
    pub frames: Vec<Frame>,
    /// Frames played so far, watched or not.
    pub count: usize,
    /// The newest frame of a running match nobody watches (the live wall draws it).
    pub latest: Option<Frame>,
    pub entry: Option<Entry>,
    pub record: Option<Arc<MatchRecord>>,
}

impl MatchView {
    pub fn new(id: usize, seats: [usize; 2]) -> MatchView {
        MatchView {
            id,
            seats,
            frames: Vec::new(),
            count: 0,
            latest: None,
            entry: None,
            record: None,
        }
    }

    pub fn frames(&self) -> &[Frame] {
        match &self.record {
            Some(r) => &r.frames,
            None => &self.frames,
        }
    }

    /// The newest frame known: the last streamed or recorded one, else the wall's.
    pub fn newest(&self) -> Option<&Frame> {
        self.frames().last().or(self.latest.as_ref())
    }

    /// Not finished: no journal entry and no whole record (a replay file has the
    /// record only).
    pub fn running(&self) -> bool {
        self.entry.is_none() && self.record.is_none()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Viewer {
    pub id: usize,
    pub frame: usize,
    pub playing: bool,
    /// Frames per second while playing.
    pub speed: u32,
    /// On the last frame of a running match: stay on the newest as frames arrive.
    pub follow: bool,
    /// Time banked towards the next frame while playing.
    pub carry: Duration,
    /// Go to this seat's first fault once the frames are here (opened from a fault).
    pub seek_fault: Option<usize>,
}

impl Viewer {
    pub fn new(id: usize) -> Viewer {
        Viewer {
            id,
            frame: 0,
            playing: false,
            speed: 5,
            follow: false,
            carry: Duration::ZERO,
            seek_fault: None,
        }
    }
}

pub const SPEEDS: [u32; 7] = [1, 2, 5, 10, 20, 50, 100];

/// A line of the fault feed, with the match (and seat) it opens.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedItem {
    pub id: usize,
    /// The seat that faulted; `None` for a runner note (a retry).
    pub seat: Option<usize>,
    pub text: String,
}

/// How the standings are ordered on screen (the rank column stays the table's own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// Points; by score % while games played differ (see [`App::standings_order`]).
    Rank,
    Name,
    Games,
    Score,
    Elo,
    Faults,
}

pub const SORT_KEYS: [SortKey; 6] = [
    SortKey::Rank,
    SortKey::Name,
    SortKey::Games,
    SortKey::Score,
    SortKey::Elo,
    SortKey::Faults,
];

/// Which matches the matches screen lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Matches of this bot.
    pub bot: Option<usize>,
    /// Matches between these two bots (from a crosstable cell).
    pub pair: Option<[usize; 2]>,
    /// Matches whose bot names contain this text, or whose number it is (`/`).
    pub query: Option<String>,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }
}

/// A line being typed at the bottom of the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    /// `/`: search bots and matches.
    Search(String),
    /// `g` in the viewer: go to a step number.
    Goto(String),
}

/// Which dashboard panel the arrow keys move in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Standings,
    Feed,
}

pub struct App {
    pub title: String,
    pub game: GameKind,
    pub names: Vec<String>,
    pub files: Vec<String>,
    pub total: usize,
    pub standings: Standings,
    /// Every match seen, by id.
    pub matches: BTreeMap<usize, MatchView>,
    /// Faults in plain words, newest last.
    pub feed: VecDeque<FeedItem>,
    pub state: RunState,
    /// Run time: stops when the run does (for the rate and the ETA).
    pub elapsed: Duration,
    /// The last tick's time, which keeps running after the run (for playback).
    pub clock: Duration,
    /// Matches already finished before this process (resume), for the rate.
    pub already: usize,
    pub screen: Screen,
    /// Where `esc` goes from the viewer and the bot screen.
    pub back: Screen,
    pub help: bool,
    pub confirm_quit: bool,
    pub themes: Vec<Theme>,
    pub theme: usize,
    /// Selected row on the standings (in display order) and crosstable screens.
    pub selected: usize,
    /// Selected column on the crosstable (in standings order).
    pub column: usize,
    pub match_selected: usize,
    pub feed_selected: usize,
    pub focus: Focus,
    pub sort: SortKey,
    pub filter: Filter,
    /// The bot shown on the bot screen, and how far its page is scrolled.
    pub bot: usize,
    pub bot_scroll: u16,
    pub wall_selected: usize,
    /// TV mode: the viewer follows live matches by itself, moving on when one ends.
    pub tv: bool,
    pub viewer: Option<Viewer>,
    pub prompt: Option<Prompt>,
    /// A status line (export path, errors).
    pub said: Option<String>,
    /// The run folder, where evicted matches' replays are read back from.
    pub run_dir: Option<std::path::PathBuf>,
    /// Points over the run and finishing times, for the dashboard's charts.
    pub history: RunHistory,
    /// The terminal's area (from [`AppEvent::Resize`]), for the mouse.
    pub area: Rect,
    /// The timeline is being dragged.
    pub dragging: bool,
    /// A head-to-head SPRT run: its test, shown with the progress.
    pub sprt: Option<crate::tournament::format::sprt::SprtSpec>,
}

const FEED: usize = 500;
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
        let mut themes = Theme::built_in();
        let theme_index = match themes.iter().position(|t| t.name == theme.name) {
            Some(i) => {
                themes[i] = theme;
                i
            }
            None => {
                themes.insert(0, theme);
                0
            }
        };
        let n = bots.len();
        App {
            title,
            game,
            names: bots.iter().map(|(n, _)| sanitize(n.as_bytes())).collect(),
            files: bots.iter().map(|(_, f)| sanitize(f.as_bytes())).collect(),
            total,
            standings: standings::compute(n, &[], game.ranking()),
            matches: BTreeMap::new(),
            feed: VecDeque::new(),
            state: RunState::Running,
            elapsed: Duration::ZERO,
            clock: Duration::ZERO,
            already: 0,
            screen: Screen::Dashboard,
            back: Screen::Dashboard,
            help: false,
            confirm_quit: false,
            themes,
            theme: theme_index,
            selected: 0,
            column: 0,
            match_selected: 0,
            feed_selected: 0,
            focus: Focus::Standings,
            sort: SortKey::Rank,
            filter: Filter::default(),
            bot: 0,
            bot_scroll: 0,
            wall_selected: 0,
            tv: false,
            viewer: None,
            prompt: None,
            said: None,
            run_dir: None,
            history: RunHistory::new(n),
            area: Rect::new(0, 0, 80, 24),
            dragging: false,
            sprt: None,
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
        app.state = RunState::Replay;
        let outcomes = standings::Outcomes {
            id: 0,
            seats: [0, 1],
            outcomes: [record.result.outcomes[0], record.result.outcomes[1]],
            faults: [
                record.result.faults[0].as_ref().map(|f| f.kind),
                record.result.faults[1].as_ref().map(|f| f.kind),
            ],
            scores: record.result.scores,
            turns: record.frames.len().saturating_sub(1) as u32,
        };
        app.standings = standings::compute(2, &[outcomes], record.game.ranking());
        let mut view = MatchView::new(0, [0, 1]);
        view.record = Some(Arc::new(record));
        app.matches.insert(0, view);
        app.screen = Screen::Viewer;
        app.viewer = Some(Viewer::new(0));
        app
    }

    /// (name, file) of every bot, in the tournament's order (what an export needs).
    pub fn bots(&self) -> Vec<(String, String)> {
        self.names
            .iter()
            .cloned()
            .zip(self.files.iter().cloned())
            .collect()
    }

    pub fn theme(&self) -> &Theme {
        &self.themes[self.theme]
    }

    pub fn done(&self) -> usize {
        self.matches.values().filter(|m| !m.running()).count()
    }

    pub fn running(&self) -> impl Iterator<Item = &MatchView> {
        self.matches.values().filter(|m| m.running())
    }

    /// The running match the viewer shows, whose frames the runner must send.
    pub fn watched(&self) -> Option<usize> {
        let v = self.viewer.as_ref()?;
        self.matches
            .get(&v.id)
            .filter(|m| m.running())
            .map(|m| m.id)
    }

    /// Whether a match passes the matches screen's filter.
    fn shown(&self, m: &MatchView) -> bool {
        let f = &self.filter;
        f.bot.is_none_or(|b| m.seats.contains(&b))
            && f.pair
                .is_none_or(|[a, b]| m.seats == [a, b] || m.seats == [b, a])
            && f.query.as_ref().is_none_or(|q| {
                let q = q.to_lowercase();
                let number = q.trim_start_matches('#');
                number.parse::<usize>().ok() == Some(m.id + 1)
                    || m.seats
                        .iter()
                        .any(|&s| self.names[s].to_lowercase().contains(&q))
            })
    }

    /// Matches on the matches screen, in order: running first, then finished, newest
    /// first; only those the filter lets through.
    pub fn listed(&self) -> Vec<&MatchView> {
        let mut list: Vec<&MatchView> = self.matches.values().filter(|m| self.shown(m)).collect();
        list.sort_by_key(|m| (!m.running(), std::cmp::Reverse(m.id)));
        list
    }

    /// Whether bots have played different numbers of games (mid-run): points then
    /// favour whoever played more, so the live order is by score %.
    pub fn games_differ(&self) -> bool {
        let mut games = self.standings.rows.iter().map(|r| r.games);
        let first = games.next();
        games.any(|g| Some(g) != first)
    }

    /// Whether the live order is by score % rather than the standings' own: points
    /// ranked while games played differ (a knockout's order, by round reached, and a
    /// payoff ranking, already per turn, stay as they are).
    pub fn live_by_score(&self) -> bool {
        self.standings.ranking == Ranking::Points
            && self.standings.rows.iter().all(|r| r.stage.is_none())
            && self.games_differ()
    }

    /// Indexes into `standings.rows`, in the order the standings are shown.
    pub fn standings_order(&self) -> Vec<usize> {
        let rows = &self.standings.rows;
        let mut order: Vec<usize> = (0..rows.len()).collect();
        let faults = |i: usize| rows[i].faults.values().sum::<u32>();
        match self.sort {
            // Payoff per turn is already per game played; points are not.
            SortKey::Rank if self.live_by_score() => order.sort_by(|&a, &b| {
                rows[b]
                    .score
                    .total_cmp(&rows[a].score)
                    .then(rows[a].rank.cmp(&rows[b].rank))
            }),
            SortKey::Rank => {}
            SortKey::Name => order.sort_by(|&a, &b| {
                self.names[rows[a].bot]
                    .to_lowercase()
                    .cmp(&self.names[rows[b].bot].to_lowercase())
            }),
            SortKey::Games => order.sort_by_key(|&i| std::cmp::Reverse(rows[i].games)),
            SortKey::Score => order.sort_by(|&a, &b| rows[b].score.total_cmp(&rows[a].score)),
            SortKey::Elo => order.sort_by(|&a, &b| rows[b].elo.total_cmp(&rows[a].elo)),
            SortKey::Faults => order.sort_by_key(|&i| std::cmp::Reverse(faults(i))),
        }
        order
    }

    /// The bot on the selected standings row.
    pub fn selected_bot(&self) -> Option<usize> {
        let order = self.standings_order();
        order
            .get(self.selected)
            .map(|&i| self.standings.rows[i].bot)
    }

    /// What the live wall shows: running matches (newest first), then the newest
    /// finished ones whose frames are still in memory.
    pub fn wall(&self) -> Vec<&MatchView> {
        let mut running: Vec<&MatchView> = self.running().collect();
        running.sort_by_key(|m| std::cmp::Reverse(m.id));
        let finished = self
            .matches
            .values()
            .rev()
            .filter(|m| !m.running() && m.record.is_some());
        running.into_iter().chain(finished).collect()
    }

    pub fn rate(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.done().saturating_sub(self.already) as f64 / secs
        } else {
            0.0
        }
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
                let dt = now.saturating_sub(self.clock);
                self.clock = now;
                if self.state == RunState::Running || self.state == RunState::Replay {
                    self.elapsed = self.elapsed.max(now);
                }
                self.play(dt);
                None
            }
            AppEvent::Key(key) => self.key(key),
            AppEvent::Mouse(mouse) => self.mouse(mouse),
            AppEvent::Resize(w, h) => {
                self.area = Rect::new(0, 0, w, h);
                None
            }
            AppEvent::Loaded { id, record } => {
                if let Some(m) = self.matches.get_mut(&id) {
                    m.record = Some(record);
                }
                self.seek_pending();
                None
            }
        }
    }

    /// Keeps the full records (every frame) of the newest finished matches only; older
    /// ones are read back from the run folder when opened. Bounds memory on long runs.
    fn evict(&mut self) {
        let viewed = self.viewer.as_ref().map(|v| v.id);
        if self.run_dir.is_none() {
            return;
        }
        let mut kept = 0;
        for m in self.matches.values_mut().rev() {
            if m.entry.is_some() && m.record.is_some() {
                kept += 1;
                if kept > KEEP_RECORDS && Some(m.id) != viewed {
                    m.record = None;
                }
            }
        }
    }

    /// Adds a finished match's faults to the feed (also for matches before a resume).
    pub fn note_faults(&mut self, entry: &Entry) {
        for (seat, fault) in entry.faults.iter().enumerate() {
            if let Some(f) = fault {
                let text = format!(
                    "{} {}: {}",
                    self.names[entry.seats[seat]],
                    fault_words(f.kind),
                    f.detail
                );
                self.push_feed(FeedItem {
                    id: entry.id,
                    seat: Some(seat),
                    text,
                });
            }
        }
    }

    fn push_feed(&mut self, item: FeedItem) {
        self.feed.push_back(item);
        if self.feed.len() > FEED {
            self.feed.pop_front();
        }
    }

    fn runner(&mut self, msg: RunnerMsg) {
        match msg {
            RunnerMsg::Started { id, seats } => {
                self.matches.insert(id, MatchView::new(id, seats));
                if self.tv {
                    self.tv_next();
                }
            }
            RunnerMsg::Frames { id, frames } => {
                if let Some(m) = self.matches.get_mut(&id) {
                    m.frames.extend(frames);
                    m.count = m.count.max(m.frames.len());
                }
                self.follow(id);
            }
            RunnerMsg::Progress { id, count, latest } => {
                if let Some(m) = self.matches.get_mut(&id) {
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
                if let Some(m) = self.matches.get_mut(&id) {
                    m.frames.clear();
                    m.latest = None;
                    m.count = 0;
                }
                let text = format!(
                    "not scored, the runner failed: {reason}; playing it again ({} of {})",
                    attempt + 1,
                    crate::tournament::journal::ATTEMPTS
                );
                self.push_feed(FeedItem {
                    id,
                    seat: None,
                    text,
                });
            }
            RunnerMsg::Planned { total } => self.total = total,
            RunnerMsg::Abandoned { id } => {
                self.matches.remove(&id);
                if self.viewer.as_ref().is_some_and(|v| v.id == id) {
                    self.viewer = None;
                    self.screen = Screen::Matches;
                }
            }
            RunnerMsg::Done { interrupted } => {
                self.state = if interrupted {
                    RunState::Stopped
                } else {
                    RunState::Finished
                };
            }
            RunnerMsg::Failed(e) => {
                self.state = RunState::Stopped;
                self.said = Some(format!("the run failed: {e}"));
            }
        }
    }

    fn finished(&mut self, entry: Entry, record: Arc<MatchRecord>, standings: Standings) {
        self.note_faults(&entry);
        let id = entry.id;
        let seats = entry.seats;
        let view = self
            .matches
            .entry(id)
            .or_insert_with(|| MatchView::new(id, seats));
        view.frames = Vec::new();
        view.latest = None;
        view.record = Some(record);
        view.entry = Some(entry);
        self.standings = standings;
        self.history.finished(&self.standings, self.elapsed);
        self.follow(id);
        self.evict();
    }

    /// TV mode: watch the newest running match (the viewer stays on a finished one
    /// until another starts, so its end can be seen).
    pub fn tv_next(&mut self) {
        let current = self.viewer.as_ref().map(|v| v.id);
        if current
            .and_then(|id| self.matches.get(&id))
            .is_some_and(MatchView::running)
        {
            return;
        }
        let Some(next) = self.running().map(|m| m.id).max() else {
            return;
        };
        let mut viewer = Viewer::new(next);
        viewer.follow = true;
        self.viewer = Some(viewer);
        self.follow(next);
    }

    /// Keeps a following viewer on the newest frame.
    fn follow(&mut self, id: usize) {
        let last = self
            .matches
            .get(&id)
            .map_or(0, |m| m.frames().len().saturating_sub(1));
        if let Some(v) = self.viewer.as_mut().filter(|v| v.id == id && v.follow) {
            v.frame = last;
        }
    }

    /// A viewer opened from a fault goes to that fault once its frames are here.
    pub fn seek_pending(&mut self) {
        let Some(v) = self.viewer.as_mut() else {
            return;
        };
        let Some(seat) = v.seek_fault else { return };
        let Some(m) = self.matches.get(&v.id) else {
            return;
        };
        if m.record.is_none() {
            return;
        }
        let at = m.frames().iter().position(|f| {
            f.moves
                .iter()
                .any(|mv| mv.seat == seat && mv.fault.is_some())
        });
        if let Some(at) = at {
            v.frame = at;
        }
        v.seek_fault = None;
    }

    fn play(&mut self, dt: Duration) {
        let Some(v) = self.viewer.as_mut() else {
            return;
        };
        if !v.playing {
            return;
        }
        let len = self.matches.get(&v.id).map_or(0, |m| m.frames().len());
        v.carry += dt;
        let step = Duration::from_secs_f64(1.0 / v.speed as f64);
        while v.carry >= step {
            v.carry -= step;
            if v.frame + 1 < len {
                v.frame += 1;
            } else {
                // At the end of a running match, playing becomes following.
                v.playing = false;
                v.follow = true;
                v.carry = Duration::ZERO;
                break;
            }
        }
    }

    /// Opens the viewer on a match; asks for its replay if its frames were dropped.
    pub fn open_match(&mut self, id: usize, fault_seat: Option<usize>) -> Option<Effect> {
        let m = self.matches.get(&id)?;
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
        self.viewer = Some(viewer);
        if self.screen != Screen::Viewer {
            self.back = self.screen;
        }
        self.screen = Screen::Viewer;
        self.tv = false;
        self.seek_pending();
        match (replay, &self.run_dir) {
            (Some(replay), Some(dir)) => Some(Effect::Load {
                id,
                path: dir.join(replay),
            }),
            _ => None,
        }
    }

    pub fn quit(&mut self) -> Option<Effect> {
        if self.state == RunState::Running {
            self.confirm_quit = true;
            None
        } else {
            Some(Effect::Quit)
        }
    }
}

/// A fault kind in words for the feed: "greedy timed out: on move 12: …".
pub fn fault_words(kind: crate::cage::FaultKind) -> &'static str {
    use crate::cage::FaultKind::*;
    match kind {
        Timeout => "timed out",
        Cpu => "ran out of CPU time",
        Memory => "ran out of memory",
        Crash => "crashed",
        Violation => "was killed by the sandbox",
        IllegalAction => "made an illegal move",
        Protocol => "sent a malformed reply",
        Exited => "exited",
        Runner => "lost its runner (not its fault)",
    }
}

pub fn outcome_word(o: Outcome) -> &'static str {
    match o {
        Outcome::Win => "won",
        Outcome::Loss => "lost",
        Outcome::Draw => "drew",
    }
}
