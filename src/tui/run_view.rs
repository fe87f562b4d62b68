//! The run as the UI knows it: bots, standings, every match seen, the fault feed, the
//! clock, the theme and the terminal's size. Every screen reads it; none owns it.

use super::history::RunHistory;
use super::match_view::{fault_words, FeedItem, MatchView};
use super::theme::Theme;
use crate::cage::sanitize;
use crate::game::{GameKind, Ranking};
use crate::tournament::results::standings::{self, Standings};
use crate::tournament::Entry;
use ratatui::layout::Rect;
use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunState {
    Running,
    Finished,
    Stopped,
    /// Viewing a replay file: no run at all.
    Replay,
}

/// Fault feed lines kept (the oldest go first).
const FEED: usize = 500;

pub struct Run {
    pub title: String,
    pub game: GameKind,
    pub names: Vec<String>,
    pub files: Vec<String>,
    /// A bundle's files and their sizes, per bot (empty for a one-file bot).
    pub contents: Vec<Vec<(String, u64)>>,
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
    pub themes: Vec<Theme>,
    pub theme: usize,
    /// The run folder, where evicted matches' replays are read back from.
    pub run_dir: Option<std::path::PathBuf>,
    /// Points over the run and finishing times, for the dashboard's charts.
    pub history: RunHistory,
    /// The terminal's area (from a resize event), for layouts and the mouse.
    pub area: Rect,
    /// A head-to-head SPRT run: its test, shown with the progress.
    pub sprt: Option<crate::tournament::format::sprt::SprtSpec>,
    /// Live CPU and memory of the running bots and the runner (a live run only).
    pub resources: crate::tui::resources::Resources,
}

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

impl Run {
    pub fn new(
        title: String,
        game: GameKind,
        bots: Vec<(String, String)>,
        total: usize,
        theme: Theme,
    ) -> Run {
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
        Run {
            title,
            game,
            names: bots.iter().map(|(n, _)| sanitize(n.as_bytes())).collect(),
            files: bots.iter().map(|(_, f)| sanitize(f.as_bytes())).collect(),
            contents: Vec::new(),
            total,
            standings: standings::compute(n, &[], game.ranking()),
            matches: BTreeMap::new(),
            feed: VecDeque::new(),
            state: RunState::Running,
            elapsed: Duration::ZERO,
            clock: Duration::ZERO,
            already: 0,
            themes,
            theme: theme_index,
            run_dir: None,
            history: RunHistory::new(n),
            area: Rect::new(0, 0, 80, 24),
            sprt: None,
            resources: Default::default(),
        }
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

    pub fn rate(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.done().saturating_sub(self.already) as f64 / secs
        } else {
            0.0
        }
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

    /// Whether a match passes a filter.
    fn shown(&self, filter: &Filter, m: &MatchView) -> bool {
        let f = filter;
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

    /// The matches a filter lets through, in the matches screen's order: running
    /// first, then finished, newest first.
    pub fn listed(&self, filter: &Filter) -> Vec<&MatchView> {
        let mut list: Vec<&MatchView> = self
            .matches
            .values()
            .filter(|m| self.shown(filter, m))
            .collect();
        list.sort_by_key(|m| (!m.running(), std::cmp::Reverse(m.id)));
        list
    }

    /// What the live wall shows: running matches (newest first), then the newest
    /// finished ones whose frames are still in memory.
    pub fn wall_matches(&self) -> Vec<&MatchView> {
        let mut running: Vec<&MatchView> = self.running().collect();
        running.sort_by_key(|m| std::cmp::Reverse(m.id));
        let finished = self
            .matches
            .values()
            .rev()
            .filter(|m| !m.running() && m.record.is_some());
        running.into_iter().chain(finished).collect()
    }

    /// Adds a finished match's faults to the feed (also for matches before a resume).
    pub fn note_faults(&mut self, entry: &Entry) {
        if let Some(why) = &entry.void {
            self.push_feed(FeedItem {
                id: entry.id,
                seat: None,
                text: format!("void (not a bot's fault): {why}"),
            });
        }
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

    /// Adds a fault to the feed, kept in match order (by id, then seat), whatever order
    /// matches finish in; beyond [`FEED`] the oldest match's go.
    pub fn push_feed(&mut self, item: FeedItem) {
        let key = |f: &FeedItem| (f.id, f.seat.map_or(0, |s| s + 1));
        let at = self.feed.partition_point(|f| key(f) <= key(&item));
        self.feed.insert(at, item);
        if self.feed.len() > FEED {
            self.feed.pop_front();
        }
    }
}
