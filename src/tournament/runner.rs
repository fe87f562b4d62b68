//! The runner: plays the matches the tournament's format plans that are not in the
//! journal yet on `jobs` worker threads, one match per worker at a time, each with its
//! own caged bots. The calling thread writes the journal and replays, plans again as
//! results come in (a Swiss round, a knockout's next pairing) and reports events;
//! workers only play.

use super::config::Tournament;
use super::format::Plan;
use super::journal::{Entry, FaultNote, Journal, RetryNote};
use super::schedule::Scheduled;
use super::standings::Standings;
use crate::cage::Cage;
use crate::error::RunError;
use crate::referee::{self, Frame, MatchRecord, MatchSpec, RefereeError};
use crate::replay;
use std::collections::{HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Condvar, Mutex};

/// What happens during a run, as it happens.
#[derive(Debug)]
pub enum Event<'a> {
    Started {
        id: usize,
        seats: [usize; 2],
    },
    /// Only when [`Options::frames`] is on.
    Frame {
        id: usize,
        frame: &'a Frame,
    },
    /// The match is in the journal; `standings` include it.
    Finished {
        entry: &'a Entry,
        record: &'a MatchRecord,
        standings: &'a Standings,
        done: usize,
        total: usize,
    },
    /// A bot faulted in a finished match (sent right after its `Finished`).
    Fault {
        id: usize,
        bot: usize,
        fault: &'a FaultNote,
    },
    /// Dropped because the run is stopping; it will be played on resume.
    Abandoned {
        id: usize,
    },
    /// The runner failed under the match (not a bot): nothing was scored, and it is being
    /// played again from the start (`attempt` is the one that failed, from 1).
    Retried {
        id: usize,
        attempt: usize,
        reason: &'a str,
    },
}

/// Plays of one match the runner's own failures may cost before the run stops.
pub const ATTEMPTS: usize = 3;

pub struct Options {
    pub jobs: usize,
    /// Stream every frame of running matches (for live viewers).
    pub frames: bool,
    /// Pin each worker, and the bots of its match, to one core (worker k to the k-th
    /// allowed CPU, modulo). Measured on the 2-core machine: RPS 4.3 → 14.0 matches/s
    /// with one job (pipe round trips stay on one core), 15.6 → 20.7 with two.
    pub pin: bool,
}

/// How a run ended.
#[derive(Debug)]
pub struct Summary {
    pub entries: Vec<Entry>,
    pub standings: Standings,
    pub total: usize,
    /// Stopped before every match was played (Ctrl-C, SIGTERM).
    pub interrupted: bool,
}

enum Msg {
    Started(Scheduled),
    Retried(Scheduled, usize, String),
    Frame(usize, Frame),
    Done(Scheduled, Result<Box<MatchRecord>, RefereeError>),
}

/// The matches waiting for a worker. Workers wait for more while the format may still
/// add some (a Swiss round after the one being played); `close` sends them home.
struct WorkQueue {
    state: Mutex<(VecDeque<Scheduled>, bool)>,
    ready: Condvar,
}

impl WorkQueue {
    fn new() -> WorkQueue {
        WorkQueue {
            state: Mutex::new((VecDeque::new(), false)),
            ready: Condvar::new(),
        }
    }

    fn push(&self, m: Scheduled) {
        if let Ok(mut s) = self.state.lock() {
            s.0.push_back(m);
        }
        self.ready.notify_one();
    }

    /// Drops waiting matches `keep` says no to (an SPRT that has decided); how many.
    fn retain(&self, keep: impl Fn(&Scheduled) -> bool) -> usize {
        let Ok(mut s) = self.state.lock() else {
            return 0;
        };
        let before = s.0.len();
        s.0.retain(|m| keep(m));
        before - s.0.len()
    }

    fn close(&self) {
        if let Ok(mut s) = self.state.lock() {
            s.1 = true;
        }
        self.ready.notify_all();
    }

    /// The next match; `None` once closed, or when `quit` says so (checked every 100 ms).
    fn pop(&self, quit: &dyn Fn() -> bool) -> Option<Scheduled> {
        let mut s = self.state.lock().ok()?;
        loop {
            if quit() {
                return None;
            }
            if let Some(m) = s.0.pop_front() {
                return Some(m);
            }
            if s.1 {
                return None;
            }
            s = self
                .ready
                .wait_timeout(s, std::time::Duration::from_millis(100))
                .ok()?
                .0;
        }
    }
}

/// Closes the queue when dropped.
struct CloseOnDrop<'a>(&'a WorkQueue);

impl Drop for CloseOnDrop<'_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// What the coordinating thread knows of the run's matches.
struct Progress {
    plan: Plan,
    /// Ids already handed to the queue (or finished before this process).
    queued: HashSet<usize>,
    /// Handed out and not finished or abandoned.
    in_flight: usize,
}

impl Progress {
    /// Plans again after `done` and queues what is new; closes the queue when nothing
    /// is left to wait for.
    fn replan(&mut self, t: &Tournament, done: &[Entry], queue: &WorkQueue) {
        self.plan = t.plan(done);
        for m in &self.plan.matches {
            if self.queued.insert(m.id) {
                self.in_flight += 1;
                queue.push(*m);
            }
        }
        if self.plan.complete {
            let planned: HashSet<usize> = self.plan.matches.iter().map(|m| m.id).collect();
            self.in_flight -= queue.retain(|m| planned.contains(&m.id));
        }
        if self.in_flight == 0 && self.plan.complete {
            queue.close();
        }
    }
}

/// Plays what `journal` is missing of `t`'s schedule. `done` are the entries it holds.
pub fn run(
    t: &Tournament,
    cage: &Cage,
    journal: &mut Journal,
    mut done: Vec<Entry>,
    opts: &Options,
    stop: &AtomicBool,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<Summary, RunError> {
    let queue = WorkQueue::new();
    let mut progress = Progress {
        plan: Plan::default(),
        queued: done.iter().map(|e| e.id).collect(),
        in_flight: 0,
    };
    progress.replan(t, &done, &queue);
    let halt = AtomicBool::new(false);
    let mut failure: Option<RunError> = None;
    let mut outcomes: Vec<_> = done.iter().map(Entry::outcomes).collect();
    let (tx, rx) = mpsc::channel::<Msg>();

    std::thread::scope(|scope| {
        for worker in 0..opts.jobs.max(1) {
            let tx = tx.clone();
            let (queue, halt) = (&queue, &halt);
            scope.spawn(move || work(worker, t, cage, opts, queue, halt, stop, &tx));
        }
        drop(tx);
        // Whatever ends this loop — a panic in `on_event` included — sends the workers
        // home, so the scope can end instead of waiting for them forever.
        let _close = CloseOnDrop(&queue);
        let fail = |e: RunError, failure: &mut Option<RunError>| {
            failure.get_or_insert(e);
            halt.store(true, Ordering::Relaxed);
            queue.close();
        };
        for msg in rx {
            match msg {
                Msg::Started(m) => on_event(Event::Started {
                    id: m.id,
                    seats: m.seats,
                }),
                Msg::Frame(id, frame) => on_event(Event::Frame { id, frame: &frame }),
                Msg::Retried(m, attempt, reason) => {
                    if let Err(e) = retried(journal, &m, attempt, &reason, on_event) {
                        fail(e, &mut failure);
                    }
                }
                Msg::Done(m, Ok(record)) => match save(journal, &m, &record) {
                    Ok(entry) => {
                        progress.in_flight -= 1;
                        outcomes.push(entry.outcomes());
                        done.push(entry);
                        if !stop.load(Ordering::Relaxed) {
                            progress.replan(t, &done, &queue);
                        }
                        let standings =
                            progress
                                .plan
                                .standings(t.bots.len(), &outcomes, t.ranking, &t.format);
                        let entry = done.last().expect("just pushed");
                        on_event(Event::Finished {
                            entry,
                            record: &record,
                            standings: &standings,
                            done: done.len(),
                            total: progress.plan.total,
                        });
                        for (seat, fault) in entry.faults.iter().enumerate() {
                            if let Some(fault) = fault {
                                on_event(Event::Fault {
                                    id: entry.id,
                                    bot: entry.seats[seat],
                                    fault,
                                });
                            }
                        }
                    }
                    Err(e) => fail(e, &mut failure),
                },
                Msg::Done(m, Err(RefereeError::Abandoned)) => {
                    progress.in_flight -= 1;
                    on_event(Event::Abandoned { id: m.id })
                }
                Msg::Done(m, Err(e)) if e.is_infrastructure() => fail(
                    RunError::Infrastructure {
                        id: m.id,
                        attempts: ATTEMPTS,
                        reason: e.to_string(),
                    },
                    &mut failure,
                ),
                Msg::Done(_, Err(e)) => fail(e.into(), &mut failure),
            }
            if stop.load(Ordering::Relaxed) && progress.in_flight == 0 {
                queue.close();
            }
        }
    });
    match failure {
        Some(e) => Err(e),
        None => Ok(summary(t, done, &outcomes)),
    }
}

/// A retry is a journal line and an event.
fn retried(
    journal: &mut Journal,
    m: &Scheduled,
    attempt: usize,
    reason: &str,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<(), RunError> {
    let note = RetryNote {
        id: m.id,
        attempt,
        reason: reason.to_string(),
    };
    let written = journal.append_retry(&note);
    on_event(Event::Retried {
        id: m.id,
        attempt,
        reason,
    });
    Ok(written?)
}

/// How the run stands once the workers are done.
fn summary(
    t: &Tournament,
    mut done: Vec<Entry>,
    outcomes: &[super::standings::Outcomes],
) -> Summary {
    done.sort_by_key(|e| e.id);
    let plan = t.plan(&done);
    Summary {
        standings: plan.standings(t.bots.len(), outcomes, t.ranking, &t.format),
        interrupted: !plan.complete || done.len() < plan.matches.len(),
        entries: done,
        total: plan.total,
    }
}

/// Writes a finished match's replay, then its journal line.
fn save(journal: &mut Journal, m: &Scheduled, record: &MatchRecord) -> Result<Entry, RunError> {
    let replay = replay_name(m, record);
    replay::write(&journal.dir.join(&replay), record, true).map_err(RunError::Output)?;
    let entry = Entry::from_record(m.id, m.seats, record, &replay);
    journal.append(&entry)?;
    Ok(entry)
}

/// One worker thread: plays matches from the queue until it is empty or the run stops,
/// sending what happens to the thread that journals it.
#[allow(clippy::too_many_arguments)] // the worker's whole context, borrowed from `run`
fn work(
    worker: usize,
    t: &Tournament,
    cage: &Cage,
    opts: &Options,
    queue: &WorkQueue,
    halt: &AtomicBool,
    stop: &AtomicBool,
    tx: &mpsc::Sender<Msg>,
) {
    if opts.pin {
        crate::affinity::pin_current_thread(worker);
    }
    let quit = || stop.load(Ordering::Relaxed) || halt.load(Ordering::Relaxed);
    while let Some(m) = queue.pop(&quit) {
        let _ = tx.send(Msg::Started(m));
        let spec = MatchSpec {
            game: t.game,
            config: t.configuration.clone(),
            seed: m.seed,
            key: t.key,
            time_control: t.time_control,
            bots: [&t.bots[m.seats[0]], &t.bots[m.seats[1]]],
            fairness: Default::default(),
        };
        let mut observe = |f: &Frame| {
            if opts.frames {
                let _ = tx.send(Msg::Frame(m.id, f.clone()));
            }
        };
        let result = play_with_retries(cage, &spec, &mut observe, stop, |attempt, e| {
            let _ = tx.send(Msg::Retried(m, attempt, e.to_string()));
        });
        let _ = tx.send(Msg::Done(m, result.map(Box::new)));
    }
}

/// Plays a match; a failure of the runner's own (a dead zygote, a spawn that failed, the
/// machine out of memory) is never scored: `retried` hears of it and the match is played
/// again from the start, up to [`ATTEMPTS`] plays in all. The same seed and seat seeds
/// give the same match, so a retried match records exactly what one play would have.
fn play_with_retries(
    cage: &Cage,
    spec: &MatchSpec<'_>,
    observe: &mut dyn FnMut(&Frame),
    stop: &AtomicBool,
    mut retried: impl FnMut(usize, &RefereeError),
) -> Result<MatchRecord, RefereeError> {
    let mut attempt = 1;
    loop {
        match referee::play_until(cage, spec, observe, stop) {
            Err(e)
                if e.is_infrastructure() && attempt < ATTEMPTS && !stop.load(Ordering::Relaxed) =>
            {
                retried(attempt, &e);
                // A moment for whatever failed (memory pressure, a zygote's restart).
                std::thread::sleep(std::time::Duration::from_millis(100 * attempt as u64));
                attempt += 1;
            }
            result => return result,
        }
    }
}

fn replay_name(m: &Scheduled, record: &MatchRecord) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect()
    };
    format!(
        "replays/{:05}-{}-vs-{}.json.zst",
        m.id,
        clean(&record.bots[0].name),
        clean(&record.bots[1].name)
    )
}
