//! The bridge from a running tournament to the UI: the runner thread hands every
//! [`Event`] to a [`Bridge`], which keeps the frames of running matches (so a viewer
//! opened mid-match gets the match so far) and sends the UI thread owned
//! [`RunnerMsg`]s — every frame only for the match the viewer watches. The UI says which
//! match that is with [`Watch`] messages on a channel of their own.

use super::app::{App, AppEvent, MatchView, RunnerMsg};
use super::theme::Theme;
use crate::game::GameKind;
use crate::referee::Frame;
use crate::tournament::{standings, Entry, Event, Summary};
use std::collections::HashMap;
use std::path::Path;
use std::sync::mpsc::{Receiver, Sender};
use std::sync::Arc;

/// The UI → runner back-channel: the running match the viewer now shows (`None`: none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Watch(pub Option<usize>);

/// Unwatched running matches report their frame count every this many frames.
const COUNT_EVERY: usize = 20;

/// Frames of one running match, and how many of them the UI already has.
#[derive(Default)]
struct Running {
    frames: Vec<Frame>,
    sent: usize,
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
                ..
            } => {
                self.running.remove(&entry.id);
                self.send(RunnerMsg::Finished {
                    entry: Box::new(entry.clone()),
                    record: Arc::new(record.clone()),
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
            if count % COUNT_EVERY == 1 {
                self.send(RunnerMsg::FrameCount { id, count });
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
pub fn app_for_run(
    title: String,
    game: GameKind,
    bots: Vec<(String, String)>,
    total: usize,
    theme: Theme,
    run_dir: &Path,
    done: &[Entry],
) -> App {
    let mut app = App::new(title, game, bots.clone(), total, theme);
    app.already = done.len();
    app.run_dir = Some(run_dir.to_path_buf());
    let outcomes: Vec<_> = done.iter().map(Entry::outcomes).collect();
    app.standings = standings::compute(bots.len(), &outcomes);
    for e in done {
        app.matches.insert(
            e.id,
            MatchView {
                id: e.id,
                seats: e.seats,
                frames: Vec::new(),
                count: e.frames,
                entry: Some(e.clone()),
                record: crate::replay::read(&run_dir.join(&e.replay))
                    .ok()
                    .map(Arc::new),
            },
        );
    }
    app
}
