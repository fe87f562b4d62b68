//! The runner: plays the scheduled matches that are not in the journal yet on `jobs`
//! worker threads, one match per worker at a time, each with its own caged bots. The
//! calling thread writes the journal and replays and reports events; workers only play.

use super::config::Tournament;
use super::journal::{Entry, FaultNote, Journal, RetryNote};
use super::schedule::{self, Scheduled};
use super::standings::{self, Standings};
use crate::cage::Cage;
use crate::error::RunError;
use crate::referee::{self, Frame, MatchRecord, MatchSpec, RefereeError};
use crate::replay;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Mutex};

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
    let schedule = schedule::round_robin(t.bots.len(), t.games_per_pair, t.seed);
    let total = schedule.len();
    let finished: std::collections::HashSet<usize> = done.iter().map(|e| e.id).collect();
    let queue: Mutex<VecDeque<Scheduled>> = Mutex::new(
        schedule
            .into_iter()
            .filter(|m| !finished.contains(&m.id))
            .collect(),
    );
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
        for msg in rx {
            match msg {
                Msg::Started(m) => on_event(Event::Started {
                    id: m.id,
                    seats: m.seats,
                }),
                Msg::Frame(id, frame) => on_event(Event::Frame { id, frame: &frame }),
                Msg::Retried(m, attempt, reason) => {
                    let note = RetryNote {
                        id: m.id,
                        attempt,
                        reason: reason.clone(),
                    };
                    if let Err(e) = journal.append_retry(&note) {
                        failure.get_or_insert(e.into());
                        halt.store(true, Ordering::Relaxed);
                    }
                    on_event(Event::Retried {
                        id: m.id,
                        attempt,
                        reason: &reason,
                    });
                }
                Msg::Done(m, Ok(record)) => match save(journal, &m, &record) {
                    Ok(entry) => {
                        outcomes.push(entry.outcomes());
                        let standings = standings::compute(t.bots.len(), &outcomes, t.ranking);
                        done.push(entry);
                        let entry = done.last().expect("just pushed");
                        on_event(Event::Finished {
                            entry,
                            record: &record,
                            standings: &standings,
                            done: done.len(),
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
                    Err(e) => {
                        failure.get_or_insert(e);
                        halt.store(true, Ordering::Relaxed);
                    }
                },
                Msg::Done(m, Err(RefereeError::Abandoned)) => {
                    on_event(Event::Abandoned { id: m.id })
                }
                Msg::Done(m, Err(e)) if e.is_infrastructure() => {
                    failure.get_or_insert(RunError::Infrastructure {
                        id: m.id,
                        attempts: ATTEMPTS,
                        reason: e.to_string(),
                    });
                    halt.store(true, Ordering::Relaxed);
                }
                Msg::Done(_, Err(e)) => {
                    failure.get_or_insert(e.into());
                    halt.store(true, Ordering::Relaxed);
                }
            }
        }
    });
    if let Some(e) = failure {
        return Err(e);
    }
    done.sort_by_key(|e| e.id);
    Ok(Summary {
        standings: standings::compute(t.bots.len(), &outcomes, t.ranking),
        interrupted: done.len() < total,
        entries: done,
        total,
    })
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
    queue: &Mutex<VecDeque<Scheduled>>,
    halt: &AtomicBool,
    stop: &AtomicBool,
    tx: &mpsc::Sender<Msg>,
) {
    if opts.pin {
        crate::affinity::pin_current_thread(worker);
    }
    while !(stop.load(Ordering::Relaxed) || halt.load(Ordering::Relaxed)) {
        let Some(m) = queue.lock().ok().and_then(|mut q| q.pop_front()) else {
            break;
        };
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
        "replays/{:05}-{}-vs-{}.json",
        m.id,
        clean(&record.bots[0].name),
        clean(&record.bots[1].name)
    )
}
