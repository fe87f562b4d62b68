//! The bridge from a running tournament to the UI: the runner thread hands every
//! [`Event`] to a [`Bridge`], which keeps the frames of running matches (so a viewer
//! opened mid-match gets the match so far) and sends the UI thread owned
//! [`RunnerMsg`]s — every frame only for the match the viewer watches. The UI says which
//! match that is with [`Watch`] messages on a channel of their own.

use super::app::{App, AppEvent, MatchView, RunnerMsg};
use super::theme::Theme;
use crate::game::GameKind;
use crate::referee::Frame;
use crate::tournament::{results::standings, Entry, Event, Summary};
use std::collections::HashMap;
use std::path::Path;
use std::sync::mpsc::{Receiver, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The UI → runner back-channel: the running match the viewer now shows (`None`: none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Watch(pub Option<usize>);

/// Unwatched running matches report their progress (and newest frame, for the live
/// wall) at most this often.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// Frames of one running match, how many of them the UI already has, and when its
/// progress was last reported.
#[derive(Default)]
struct Running {
    frames: Vec<Frame>,
    sent: usize,
    reported: Option<Instant>,
}

/// Runs on the runner thread; see the module doc.
pub struct Bridge {
    to_ui: Sender<AppEvent>,
    watch: Receiver<Watch>,
    watched: Option<usize>,
    running: HashMap<usize, Running>,
}

impl Bridge {
    pub fn new(to_ui: Sender<AppEvent>, watch: Receiver<Watch>) -> Bridge {
        Bridge {
            to_ui,
            watch,
            watched: None,
            running: HashMap::new(),
        }
    }

    fn send(&self, message: RunnerMsg) {
        // The UI may already be gone (the user quit); the runner is stopping then.
        let _ = self.to_ui.send(AppEvent::Runner(message));
    }

    /// Takes one runner event.
    pub fn event(&mut self, event: Event<'_>) {
        if let Some(Watch(id)) = self.watch.try_iter().last() {
            self.watched = id;
        }
        match event {
            Event::Started { id, seats } => self.send(RunnerMsg::Started { id, seats }),
            Event::Frame { id, frame } => self.frame(id, frame),
            Event::Finished {
                entry,
                record,
                standings,
                total,
                ..
            } => {
                self.running.remove(&entry.id);
                self.send(RunnerMsg::Planned { total });
                self.send(RunnerMsg::Finished {
                    entry: Box::new(entry.clone()),
                    record: record.map(|r| Arc::new(r.clone())),
                    standings: Box::new(standings.clone()),
                });
            }
            Event::Abandoned { id } => self.send(RunnerMsg::Abandoned { id }),
            Event::Retried {
                id,
                attempt,
                reason,
            } => {
                self.running.remove(&id);
                self.send(RunnerMsg::Retried {
                    id,
                    attempt,
                    reason: crate::cage::sanitize(reason.as_bytes()),
                });
            }
            Event::Fault { .. } => {}
        }
    }

    fn frame(&mut self, id: usize, frame: &Frame) {
        let watched = self.watched == Some(id);
        let running = self.running.entry(id).or_default();
        running.frames.push(frame.clone());
        let count = running.frames.len();
        if watched {
            let frames = running.frames[running.sent..].to_vec();
            running.sent = count;
            self.send(RunnerMsg::Frames { id, frames });
        } else {
            running.sent = running.sent.min(count);
            let now = Instant::now();
            if running
                .reported
                .is_none_or(|at| now.duration_since(at) >= PROGRESS_EVERY)
            {
                running.reported = Some(now);
                let latest = Box::new(frame.clone());
                self.send(RunnerMsg::Progress { id, count, latest });
            }
        }
    }

    /// The run is over: tells the UI how.
    pub fn finish<E: std::fmt::Display>(&self, result: &Result<Summary, E>) {
        self.send(match result {
            Ok(s) => RunnerMsg::Done {
                interrupted: s.interrupted,
            },
            Err(e) => RunnerMsg::Failed(e.to_string()),
        });
    }
}

/// The app for a tournament run, with the matches of a resumed run already in it (their
/// replays read back from `run_dir` while still readable).
/// What the UI shows of a run before any match: its name, game, bots (name, file), how
/// many matches it has and how it ranks.
pub struct RunHeader {
    pub title: String,
    pub game: GameKind,
    pub bots: Vec<(String, String)>,
    pub total: usize,
    pub ranking: crate::game::Ranking,
    /// The standings of the matches already played, as the run's format ranks them (a
    /// ladder's active versions only, a knockout by round); `None`: by `ranking` alone.
    pub standings: Option<standings::Standings>,
}

pub fn app_for_run(run: RunHeader, theme: Theme, run_dir: &Path, done: &[Entry]) -> App {
    let RunHeader {
        title,
        game,
        bots,
        total,
        ranking,
        standings: played,
    } = run;
    let mut app = App::new(title, game, bots.clone(), total, theme);
    app.run.already = done.len();
    app.run.run_dir = Some(run_dir.to_path_buf());
    let outcomes: Vec<_> = done.iter().map(Entry::outcomes).collect();
    app.run.standings =
        played.unwrap_or_else(|| standings::compute(bots.len(), &outcomes, ranking));
    app.run.history = history_of(bots.len(), &outcomes, ranking);
    // Only the newest replays are read back (what the app would have kept in memory).
    let keep = done.len().saturating_sub(super::app::KEEP_RECORDS);
    for (i, e) in done.iter().enumerate() {
        let mut view = MatchView::new(e.id, e.seats.clone());
        view.count = e.frames;
        view.entry = Some(e.clone());
        if i >= keep && e.void.is_none() {
            view.record = crate::replay::read_beneath(run_dir, &e.replay)
                .ok()
                .map(Arc::new);
        }
        app.run.matches.insert(e.id, view);
        app.run.note_faults(e);
    }
    app
}

/// The points chart's history of matches played before this process: standings at up
/// to 200 evenly spaced points of the journal (each is a full recount).
fn history_of(
    bots: usize,
    outcomes: &[standings::Outcomes],
    ranking: crate::game::Ranking,
) -> super::history::RunHistory {
    let mut history = super::history::RunHistory::new(bots);
    let n = outcomes.len();
    let every = n.div_ceil(200).max(1);
    let mut sorted = outcomes.to_vec();
    sorted.sort_by_key(|o| o.id);
    for i in 1..=n {
        if i % every == 0 || i == n {
            history.add(i, &standings::compute(bots, &sorted[..i], ranking));
        }
    }
    history
}

/// A run folder opened read-only (`cagematch replay RUN_DIR`): the whole UI over what
/// its journal holds, nothing played.
pub fn app_for_folder(dir: &Path, theme: Theme) -> Result<App, crate::error::Error> {
    let (info, done) = crate::tournament::Journal::read(dir)?;
    // A ladder's versions share names: each is shown with its hash.
    let ladder = matches!(
        info.schedule,
        crate::tournament::format::Format::Ladder { .. }
    );
    let bots = info
        .bots
        .iter()
        .map(|b| {
            let name = if ladder {
                format!("{}@{}", b.name, &b.sha256[..8])
            } else {
                b.name.clone()
            };
            (name, b.file.clone())
        })
        .collect();
    let outcomes: Vec<_> = done.iter().map(Entry::outcomes).collect();
    let plan = info.plan(&done);
    let header = RunHeader {
        title: info.name.clone(),
        game: info.game,
        bots,
        total: plan.total,
        ranking: info.ranking,
        standings: Some(plan.standings(
            info.bots.len(),
            &outcomes,
            (info.ranking, &info.place_points),
            &info.schedule,
        )),
    };
    let mut app = app_for_run(header, theme, dir, &done);
    app.run.already = done.len();
    if let crate::tournament::format::Format::Sprt(spec) = &info.schedule {
        app.run.sprt = Some(*spec);
    }
    let folder = crate::cage::sanitize(dir.as_os_str().as_encoded_bytes());
    if done.len() < info.matches {
        app.run.state = super::app::RunState::Stopped;
        app.said = Some(format!(
            "read-only: {} of {} matches were played; finish with cagematch run --resume {folder}",
            done.len(),
            info.matches
        ));
    } else {
        app.run.state = super::app::RunState::Finished;
        app.said = Some(format!("read-only: the finished run in {folder}"));
    }
    Ok(app)
}
