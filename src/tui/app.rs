//! The UI's state and its pure update function: events in, state changed, maybe a
//! command out. Nothing here touches the terminal, so every key can be unit-tested.

use super::theme::Theme;
use crate::cage::sanitize;
use crate::game::{GameKind, Outcome};
use crate::referee::{Frame, MatchRecord};
use crate::tournament::standings::{self, Standings};
use crate::tournament::Entry;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
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
    /// How many frames a running match has, for the ones nobody watches.
    FrameCount {
        id: usize,
        count: usize,
    },
    Finished {
        entry: Box<Entry>,
        record: Arc<MatchRecord>,
        standings: Box<Standings>,
    },
    Abandoned {
        id: usize,
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
    /// Time passes: `elapsed` since the run started.
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
    Viewer,
    Bot,
}

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
    pub entry: Option<Entry>,
    pub record: Option<Arc<MatchRecord>>,
}

impl MatchView {
    pub fn frames(&self) -> &[Frame] {
        match &self.record {
            Some(r) => &r.frames,
            None => &self.frames,
        }
    }

    pub fn running(&self) -> bool {
        self.entry.is_none()
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
}

pub const SPEEDS: [u32; 7] = [1, 2, 5, 10, 20, 50, 100];

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
    pub feed: VecDeque<String>,
    pub state: RunState,
    pub elapsed: Duration,
    /// Matches already finished before this process (resume), for the rate.
    pub already: usize,
    pub screen: Screen,
    pub help: bool,
    pub confirm_quit: bool,
    pub themes: Vec<Theme>,
    pub theme: usize,
    /// Selected row on the standings, matches and crosstable screens.
    pub selected: usize,
    pub match_selected: usize,
    /// Show only matches of this bot on the matches screen.
    pub filter: Option<usize>,
    /// The bot shown on the bot screen.
    pub bot: usize,
    pub viewer: Option<Viewer>,
    /// A status line (export path, errors).
    pub said: Option<String>,
    /// The run folder, where evicted matches' replays are read back from.
    pub run_dir: Option<std::path::PathBuf>,
}

impl App {
    /// The running match the viewer shows, whose frames the runner must send.
    pub fn watched(&self) -> Option<usize> {
        let v = self.viewer.as_ref()?;
        self.matches
            .get(&v.id)
            .filter(|m| m.running())
            .map(|m| m.id)
    }
}

const FEED: usize = 200;
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
            standings: standings::compute(n, &[]),
            matches: BTreeMap::new(),
            feed: VecDeque::new(),
            state: RunState::Running,
            elapsed: Duration::ZERO,
            already: 0,
            screen: Screen::Dashboard,
            help: false,
            confirm_quit: false,
            themes,
            theme: theme_index,
            selected: 0,
            match_selected: 0,
            filter: None,
            bot: 0,
            viewer: None,
            said: None,
            run_dir: None,
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
        };
        app.standings = standings::compute(2, &[outcomes]);
        app.matches.insert(
            0,
            MatchView {
                id: 0,
                seats: [0, 1],
                frames: Vec::new(),
                count: 0,
                entry: None,
                record: Some(Arc::new(record)),
            },
        );
        app.screen = Screen::Viewer;
        app.viewer = Some(Viewer {
            id: 0,
            frame: 0,
            playing: false,
            speed: 5,
            follow: false,
            carry: Duration::ZERO,
        });
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

    /// Matches on the matches screen, in order: running first, then finished, newest
    /// first; only the filtered bot's if a filter is set.
    pub fn listed(&self) -> Vec<&MatchView> {
        let mut list: Vec<&MatchView> = self
            .matches
            .values()
            .filter(|m| self.filter.is_none_or(|b| m.seats.contains(&b)))
            .collect();
        list.sort_by_key(|m| (!m.running(), std::cmp::Reverse(m.id)));
        list
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
            AppEvent::Tick(elapsed) => {
                let dt = elapsed.saturating_sub(self.elapsed);
                if self.state == RunState::Running || self.state == RunState::Replay {
                    self.elapsed = elapsed;
                }
                self.play(dt);
                None
            }
            AppEvent::Key(key) => self.key(key),
            AppEvent::Loaded { id, record } => {
                if let Some(m) = self.matches.get_mut(&id) {
                    m.record = Some(record);
                }
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

    fn runner(&mut self, msg: RunnerMsg) {
        match msg {
            RunnerMsg::Started { id, seats } => {
                self.matches.insert(
                    id,
                    MatchView {
                        id,
                        seats,
                        frames: Vec::new(),
                        count: 0,
                        entry: None,
                        record: None,
                    },
                );
            }
            RunnerMsg::Frames { id, frames } => {
                if let Some(m) = self.matches.get_mut(&id) {
                    m.frames.extend(frames);
                    m.count = m.count.max(m.frames.len());
                }
                self.follow(id);
            }
            RunnerMsg::FrameCount { id, count } => {
                if let Some(m) = self.matches.get_mut(&id) {
                    m.count = count;
                }
            }
            RunnerMsg::Finished {
                entry,
                record,
                standings,
            } => {
                for (seat, fault) in entry.faults.iter().enumerate() {
                    if let Some(f) = fault {
                        self.feed.push_back(format!(
                            "{} {}: {}",
                            self.names[entry.seats[seat]],
                            fault_words(f.kind),
                            f.detail
                        ));
                        if self.feed.len() > FEED {
                            self.feed.pop_front();
                        }
                    }
                }
                let id = entry.id;
                let view = self.matches.entry(id).or_insert_with(|| MatchView {
                    id,
                    seats: entry.seats,
                    frames: Vec::new(),
                    count: 0,
                    entry: None,
                    record: None,
                });
                view.frames = Vec::new();
                view.record = Some(record);
                view.entry = Some(*entry);
                self.standings = *standings;
                self.follow(id);
                self.evict();
            }
            RunnerMsg::Retried {
                id,
                attempt,
                reason,
            } => {
                if let Some(m) = self.matches.get_mut(&id) {
                    m.frames.clear();
                    m.count = 0;
                }
                self.feed.push_back(format!(
                    "match #{} not scored, the runner failed: {reason}; playing it again ({} of {})",
                    id + 1,
                    attempt + 1,
                    crate::tournament::runner::ATTEMPTS
                ));
                if self.feed.len() > FEED {
                    self.feed.pop_front();
                }
            }
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

    fn key(&mut self, key: KeyEvent) -> Option<Effect> {
        let ctrl_c =
            key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
        if self.confirm_quit {
            self.confirm_quit = false;
            return match key.code {
                KeyCode::Char('y') | KeyCode::Char('q') | KeyCode::Enter => Some(Effect::Quit),
                _ if ctrl_c => Some(Effect::Quit),
                _ => None,
            };
        }
        if self.help {
            self.help = false;
            return if ctrl_c { self.quit() } else { None };
        }
        if ctrl_c {
            return self.quit();
        }
        self.said = None;
        match key.code {
            KeyCode::Char('q') => return self.quit(),
            KeyCode::Char('?') => self.help = true,
            KeyCode::Char('e') => return Some(Effect::Export),
            KeyCode::Char('t') => self.theme = (self.theme + 1) % self.themes.len(),
            KeyCode::Char('1') | KeyCode::Char('d') if self.state != RunState::Replay => {
                self.screen = Screen::Dashboard
            }
            KeyCode::Char('2') | KeyCode::Char('x') if self.state != RunState::Replay => {
                self.screen = Screen::Crosstable
            }
            KeyCode::Char('3') | KeyCode::Char('m') if self.state != RunState::Replay => {
                self.screen = Screen::Matches
            }
            KeyCode::Tab if self.state != RunState::Replay => {
                self.screen = match self.screen {
                    Screen::Dashboard => Screen::Crosstable,
                    Screen::Crosstable => Screen::Matches,
                    _ => Screen::Dashboard,
                }
            }
            _ => match self.screen {
                Screen::Dashboard | Screen::Crosstable => self.standings_key(key.code),
                Screen::Matches => return self.matches_key(key.code),
                Screen::Viewer => self.viewer_key(key.code),
                Screen::Bot => self.bot_key(key.code),
            },
        }
        None
    }

    fn quit(&mut self) -> Option<Effect> {
        if self.state == RunState::Running {
            self.confirm_quit = true;
            None
        } else {
            Some(Effect::Quit)
        }
    }

    fn standings_key(&mut self, code: KeyCode) {
        let n = self.standings.rows.len();
        match code {
            KeyCode::Up | KeyCode::Char('k') => self.selected = self.selected.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => {
                self.selected = (self.selected + 1).min(n.saturating_sub(1))
            }
            KeyCode::Enter => {
                if let Some(row) = self.standings.rows.get(self.selected) {
                    self.bot = row.bot;
                    self.screen = Screen::Bot;
                }
            }
            _ => {}
        }
    }

    fn matches_key(&mut self, code: KeyCode) -> Option<Effect> {
        let n = self.listed().len();
        match code {
            KeyCode::Up | KeyCode::Char('k') => {
                self.match_selected = self.match_selected.saturating_sub(1)
            }
            KeyCode::Down | KeyCode::Char('j') => {
                self.match_selected = (self.match_selected + 1).min(n.saturating_sub(1))
            }
            KeyCode::Char('f') => {
                // Cycle the bot filter: all → bot 1 → bot 2 → … → all.
                self.filter = match self.filter {
                    None if !self.names.is_empty() => Some(0),
                    Some(b) if b + 1 < self.names.len() => Some(b + 1),
                    _ => None,
                };
                self.match_selected = 0;
            }
            KeyCode::Enter => {
                let picked = self.listed().get(self.match_selected).map(|m| {
                    let replay = m
                        .entry
                        .as_ref()
                        .filter(|_| m.record.is_none())
                        .map(|e| e.replay.clone());
                    (m.id, m.frames().len(), m.running(), replay)
                });
                if let Some((id, len, running, replay)) = picked {
                    self.viewer = Some(Viewer {
                        id,
                        frame: if running { len.saturating_sub(1) } else { 0 },
                        playing: false,
                        speed: 5,
                        follow: running,
                        carry: Duration::ZERO,
                    });
                    self.screen = Screen::Viewer;
                    if let (Some(replay), Some(dir)) = (replay, &self.run_dir) {
                        return Some(Effect::Load {
                            id,
                            path: dir.join(replay),
                        });
                    }
                }
            }
            _ => {}
        }
        None
    }

    fn viewer_key(&mut self, code: KeyCode) {
        let replay = self.state == RunState::Replay;
        let Some(v) = self.viewer.as_mut() else {
            self.screen = Screen::Matches;
            return;
        };
        let len = self.matches.get(&v.id).map_or(0, |m| m.frames().len());
        let last = len.saturating_sub(1);
        match code {
            KeyCode::Left | KeyCode::Char('h') => {
                v.frame = v.frame.saturating_sub(1);
                v.follow = false;
                v.playing = false;
            }
            KeyCode::Right | KeyCode::Char('l') => {
                v.frame = (v.frame + 1).min(last);
                v.follow = false;
                v.playing = false;
            }
            KeyCode::Home => {
                v.frame = 0;
                v.follow = false;
            }
            KeyCode::End => {
                v.frame = last;
                v.follow = true;
            }
            KeyCode::Char(' ') => {
                v.playing = !v.playing;
                v.follow = false;
                if v.playing && v.frame >= last {
                    v.frame = 0;
                }
            }
            KeyCode::Char('+') | KeyCode::Char('=') => {
                let i = SPEEDS.iter().position(|&s| s == v.speed).unwrap_or(2);
                v.speed = SPEEDS[(i + 1).min(SPEEDS.len() - 1)];
            }
            KeyCode::Char('-') => {
                let i = SPEEDS.iter().position(|&s| s == v.speed).unwrap_or(2);
                v.speed = SPEEDS[i.saturating_sub(1)];
            }
            KeyCode::Esc | KeyCode::Backspace if !replay => self.screen = Screen::Matches,
            _ => {}
        }
    }

    fn bot_key(&mut self, code: KeyCode) {
        if matches!(code, KeyCode::Esc | KeyCode::Backspace) {
            self.screen = Screen::Dashboard;
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
