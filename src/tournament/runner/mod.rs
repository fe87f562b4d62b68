//! The runner: plays the matches the tournament's format plans that are not in the
//! journal yet on `jobs` worker threads, one match per worker at a time, each with its
//! own caged bots. The calling thread writes the journal and replays, plans again as
//! results come in (a Swiss round, a knockout's next pairing) and reports events;
//! workers only play.

mod queue;

use queue::{Backlog, CloseOnDrop, WorkQueue};

use super::config::Tournament;
use super::format::Plan;
use super::journal::{Entry, FaultNote, Journal, RetryNote, ATTEMPTS};
use super::results::Standings;
use super::schedule::Scheduled;
use crate::cage::Cage;
use crate::error::RunError;
use crate::referee::{self, Frame, MatchRecord, MatchSpec, RefereeError};
use crate::replay;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// What happens during a run, as it happens.
#[derive(Debug)]
pub enum Event<'a> {
    Started {
        id: usize,
        /// Bot indexes, seat 1 first.
        seats: Vec<usize>,
    },
    /// Only when [`Options::frames`] is on.
    Frame { id: usize, frame: &'a Frame },
    /// The match is in the journal; `standings` include it, or, while results come
    /// faster than every [`STANDINGS_EVERY`], a match at most that much earlier (the
    /// rating fit costs O(bots³); a 100-bot run could not keep up otherwise). The last
    /// match's are always its own.
    Finished {
        entry: &'a Entry,
        /// None for a void match (the game's code failed: nothing to replay).
        record: Option<&'a MatchRecord>,
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
    Abandoned { id: usize },
    /// The runner failed under the match (not a bot): nothing was scored, and it is being
    /// played again from the start (`attempt` is the one that failed, from 1).
    Retried {
        id: usize,
        attempt: usize,
        reason: &'a str,
    },
}

pub struct Options {
    pub jobs: usize,
    /// Stream every frame of running matches (for live viewers).
    pub frames: bool,
    /// Pin each worker, and the bots of its match, to one core (worker k to the k-th
    /// allowed CPU, modulo). Measured on the 2-core machine: RPS 4.3 → 14.0 matches/s
    /// with one job (pipe round trips stay on one core), 15.6 → 20.7 with two.
    pub pin: bool,
    /// Where running bots' processes are registered, for a live UI's CPU and memory.
    pub monitor: Option<std::sync::Arc<crate::cage::Monitor>>,
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

/// How often, at most, a run's standings are computed again while matches finish.
pub const STANDINGS_EVERY: Duration = Duration::from_millis(250);

enum Msg {
    Started(Scheduled),
    Retried(Scheduled, usize, String),
    Frame(usize, Frame),
    /// Played and its replay written (named so), or why not.
    Done(Scheduled, Result<(Box<MatchRecord>, String), RefereeError>),
    /// Played, but its replay could not be written.
    Unwritten(Scheduled, String),
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
        // A fixed schedule is the same after every result: it is planned once (a shard's
        // cut of a 100-bot round robin costs 2.5 ms, which every result would pay).
        if !(t.format.is_fixed() && self.plan.complete) {
            self.plan = t.plan(done);
            for m in &self.plan.matches {
                if self.queued.insert(m.id) {
                    self.in_flight += 1;
                    queue.push(m.clone());
                }
            }
            if self.plan.complete {
                let planned: HashSet<usize> = self.plan.matches.iter().map(|m| m.id).collect();
                self.in_flight -= queue.retain(|m| planned.contains(&m.id));
            }
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
    let backlog = Backlog::new(opts.jobs);
    let folder = journal.folder()?;
    let mut latest = Latest(None);
    let context = Worker {
        t,
        cage,
        opts,
        queue: &queue,
        backlog: &backlog,
        halt: &halt,
        stop,
        folder: &folder,
    };

    std::thread::scope(|scope| {
        for worker in 0..opts.jobs.max(1) {
            let (tx, context) = (tx.clone(), &context);
            scope.spawn(move || work(worker, context, &tx));
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
            if matches!(msg, Msg::Done(..) | Msg::Unwritten(..)) {
                backlog.leave();
            }
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
                Msg::Unwritten(m, why) => {
                    fail(
                        RunError::Output(format!("match #{}: {why}", m.id + 1)),
                        &mut failure,
                    );
                }
                Msg::Done(m, result @ (Ok(_) | Err(RefereeError::Game(_)))) => {
                    let (entry, record) = entry_of(t, &m, result);
                    if let Err(e) = journal.append(&entry) {
                        fail(e.into(), &mut failure);
                        continue;
                    }
                    progress.in_flight -= 1;
                    outcomes.push(entry.outcomes());
                    done.push(entry);
                    if !stop.load(Ordering::Relaxed) {
                        progress.replan(t, &done, &queue);
                    }
                    let standings = latest.update(t, &progress, &outcomes, done.len());
                    let counts = (done.len(), progress.plan.total);
                    finished(
                        done.last().expect("just pushed"),
                        record.as_deref(),
                        standings,
                        counts,
                        on_event,
                    );
                }
                Msg::Done(m, Err(RefereeError::Abandoned)) => {
                    progress.in_flight -= 1;
                    on_event(Event::Abandoned { id: m.id })
                }
                Msg::Done(m, Err(e)) => fail(failed(&m, e), &mut failure),
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

/// The journal line of a match that ended: its result, or void when the organiser's
/// game failed (the run goes on).
fn entry_of(
    t: &Tournament,
    m: &Scheduled,
    result: Result<(Box<MatchRecord>, String), RefereeError>,
) -> (Entry, Option<Box<MatchRecord>>) {
    match result {
        Ok((record, replay)) => (
            Entry::from_record(m.id, m.seats.clone(), &record, &replay),
            Some(record),
        ),
        Err(e) => {
            let names = m.seats.iter().map(|&b| t.bots[b].name.clone()).collect();
            let entry = Entry::void(m.id, m.seats.clone(), names, m.seed, &e.to_string());
            (entry, None)
        }
    }
}

/// A match that could not be played: the runner's failure after [`ATTEMPTS`] plays, or
/// the error as it is.
fn failed(m: &Scheduled, e: RefereeError) -> RunError {
    if e.is_infrastructure() {
        RunError::Infrastructure {
            id: m.id,
            attempts: ATTEMPTS,
            reason: e.to_string(),
        }
    } else {
        e.into()
    }
}

/// The standings last computed, and when.
struct Latest(Option<(Instant, Standings)>);

impl Latest {
    /// The standings after `played` matches: computed again when the last ones are older
    /// than [`STANDINGS_EVERY`] or this is the run's last match.
    fn update(
        &mut self,
        t: &Tournament,
        progress: &Progress,
        outcomes: &[super::results::Outcomes],
        played: usize,
    ) -> &Standings {
        let last = played >= progress.plan.total || progress.in_flight == 0;
        let stale = self
            .0
            .as_ref()
            .is_none_or(|(at, _)| at.elapsed() >= STANDINGS_EVERY);
        if last || stale {
            let fresh = progress
                .plan
                .standings(t.bots.len(), outcomes, t.scoring(), &t.format);
            self.0 = Some((Instant::now(), fresh));
        }
        &self.0.as_ref().expect("computed above").1
    }
}

/// A match is in the journal: its event, then one per fault.
fn finished(
    entry: &Entry,
    record: Option<&MatchRecord>,
    standings: &Standings,
    (done, total): (usize, usize),
    on_event: &mut dyn FnMut(Event<'_>),
) {
    on_event(Event::Finished {
        entry,
        record,
        standings,
        done,
        total,
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
fn summary(t: &Tournament, mut done: Vec<Entry>, outcomes: &[super::results::Outcomes]) -> Summary {
    done.sort_by_key(|e| e.id);
    let plan = t.plan(&done);
    Summary {
        standings: plan.standings(t.bots.len(), outcomes, t.scoring(), &t.format),
        interrupted: !plan.complete || done.len() < plan.matches.len(),
        entries: done,
        total: plan.total,
    }
}

/// What every worker thread works with, borrowed from [`run`].
struct Worker<'a> {
    t: &'a Tournament,
    cage: &'a Cage,
    opts: &'a Options,
    queue: &'a WorkQueue,
    backlog: &'a Backlog,
    halt: &'a AtomicBool,
    stop: &'a AtomicBool,
    /// The run folder, whose `replays/` the worker writes (beneath it, see
    /// [`crate::beneath`]).
    folder: &'a crate::beneath::Folder,
}

/// One worker thread: plays matches from the queue until it is empty or the run stops,
/// writes each one's replay (compressing it here, in parallel, not on the thread that
/// journals) and sends what happens to the thread that journals it. The journal line
/// comes after the replay is on disk.
fn work(worker: usize, w: &Worker<'_>, tx: &mpsc::Sender<Msg>) {
    let (t, cage, opts, queue, stop) = (w.t, w.cage, w.opts, w.queue, w.stop);
    if opts.pin {
        crate::affinity::pin_current_thread(worker);
    }
    let quit = || stop.load(Ordering::Relaxed) || w.halt.load(Ordering::Relaxed);
    while let Some(m) = queue.pop(&quit) {
        let _ = tx.send(Msg::Started(m.clone()));
        let spec = MatchSpec {
            game: t.game,
            config: t.configuration.clone(),
            seed: m.seed,
            key: t.key(),
            time_control: t.time_control,
            bots: m.seats.iter().map(|&s| &t.bots[s]).collect(),
            fairness: Default::default(),
            monitor: opts.monitor.as_deref().map(|monitor| (monitor, m.id)),
        };
        let mut observe = |f: &Frame| {
            if opts.frames {
                let _ = tx.send(Msg::Frame(m.id, f.clone()));
            }
        };
        let result = play_with_retries(cage, &spec, &mut observe, stop, |attempt, e| {
            let _ = tx.send(Msg::Retried(m.clone(), attempt, e.to_string()));
        });
        let msg = match result {
            Ok(record) => {
                let replay = replay_name(&m, &record);
                let written = replay::bytes(&replay, &record, true)
                    .map_err(|e| e.to_string())
                    .and_then(|bytes| {
                        crate::tournament::journal::write_replay(w.folder, &replay, &bytes)
                            .map_err(|e| e.to_string())
                    });
                match written {
                    Ok(()) => Msg::Done(m, Ok((Box::new(record), replay))),
                    Err(why) => Msg::Unwritten(m, why),
                }
            }
            Err(e) => Msg::Done(m, Err(e)),
        };
        w.backlog.enter(&|| quit() || queue.is_closed());
        let _ = tx.send(msg);
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
