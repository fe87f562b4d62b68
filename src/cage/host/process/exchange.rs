//! One request and its reply, within a budget, for one bot process or for several at
//! once (the seats of a simultaneous game): every request is written before any reply
//! is awaited, then one `poll` watches them all. Each bot keeps its own clock, deadline
//! and faults, exactly as if it were asked alone.

use super::{pollfd, read_some, BotProcess, Wire, SHORT_MOVE};
use crate::cage::fault::{Fault, FaultKind};
use crate::cage::frame::{FrameBuffer, FrameError, LineBuffer};
use serde_json::Value;
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

/// Bots asked at once, at most (a match's seats).
pub const AT_ONCE: usize = crate::game::MAX_SEATS;
/// Descriptors watched per bot: reply, status, request (while unwritten), log.
const FDS: usize = 4;
/// The kernel adds a wait to a task's run-queue count only when the task next runs, so
/// a bot queued behind others right now has its current wait charged as if it were its
/// own (seen here: 30 ms with 16 thinking bots on 2 cores). While such a wait can
/// explain the excess, a bot over its budget that is runnable and has used less CPU
/// than its budget is looked at again every [`RECHECK`], up to this much over.
/// A bot that ran since the last look (more CPU than [`RAN`]) has had its waits counted
/// up to then: only the wait since that look can still be uncounted, so it is forgiven
/// no more than that — a bot spinning past its deadline times out within a look or two,
/// one preempted again after a moment's run is looked at again.
const PENDING_WAIT: Duration = Duration::from_millis(100);
const RECHECK: Duration = Duration::from_millis(2);
const RAN: Duration = Duration::from_micros(500);
/// Where the charge is trusted (wall time less the kernel's run-queue wait), the
/// wall-clock backstop does not end a move the charge says is within budget: a busy
/// machine is not the bot's fault. This far bound only catches an accounting failure.
fn far_stop(budget: Duration) -> Duration {
    budget * 20 + Duration::from_secs(30)
}

/// One reply and what it cost.
pub struct Exchange {
    pub reply: Value,
    /// What the time control charges (see [`Meter`]).
    pub charged: Duration,
    pub wall: Duration,
    pub logs: Vec<String>,
}

/// What to send one bot and how long it may take.
pub struct Ask<'a> {
    /// The request's bytes; empty to only wait (for the set-up report).
    pub out: &'a [u8],
    pub wire: Wire,
    /// What the time control may charge.
    pub budget: Duration,
    /// The wall-clock limit, whatever is charged.
    pub backstop: Duration,
}

/// How long a bot kept the match waiting, less what the machine stole: wall time minus
/// the time it sat in the run queue, runnable but without a CPU (`/proc/PID/schedstat`,
/// second field). Sleeping, blocking on a pipe or spinning are all charged; waiting for
/// a busy CPU is not (a seat waiting while the other seat of a simultaneous game runs on
/// its core included). Where schedstat cannot be read, CPU time is charged instead (a
/// sleeping bot is then stopped only by the wall-clock backstop).
///
/// Reading schedstat costs about a microsecond, a tenth of a fast move, so the count a
/// move starts from may be a reading up to [`SHORT_MOVE`] old: between moves a bot runs
/// only the cage's own code on its way to wait for the next request, so at most that
/// much wait from before the move can be forgiven in it. Moves shorter than
/// [`SHORT_MOVE`] are charged their wall time as is (at most that much wait unforgiven).
pub(super) struct Meter {
    pub(super) start: Instant,
    cpu0: Duration,
    /// Run-queue wait at the start; `None` where schedstat cannot be read, and then CPU
    /// time comes from the process's CPU clock instead of schedstat's first field.
    wait0: Option<Duration>,
    wall_only: bool,
}

impl Meter {
    /// One read of schedstat gives both counts (the bot is one thread: it cannot start
    /// another), and most moves reuse a recent one.
    fn start(process: &mut BotProcess) -> Meter {
        let (cpu0, wait0) = match process.recent_schedstat() {
            Some((cpu, wait)) => (cpu, Some(wait)),
            None => (process.cpu_time().unwrap_or_default(), None),
        };
        Meter {
            start: Instant::now(),
            cpu0,
            wait0,
            wall_only: process.wall_only,
        }
    }

    fn cpu(&self, process: &BotProcess) -> Duration {
        let now = match self.wait0 {
            Some(_) => process.schedstat().map(|(cpu, _)| cpu),
            None => process.cpu_time(),
        };
        now.unwrap_or_default().saturating_sub(self.cpu0)
    }

    /// What the time control charges so far, and the run-queue wait it forgave.
    fn charged(&self, process: &BotProcess) -> (Duration, Duration) {
        if self.wall_only {
            return (self.start.elapsed(), Duration::ZERO);
        }
        match (self.wait0, process.schedstat()) {
            (Some(w0), Some((_, w))) => {
                let stolen = w.saturating_sub(w0);
                (self.start.elapsed().saturating_sub(stolen), stolen)
            }
            _ => (self.cpu(process), Duration::ZERO),
        }
    }

    /// The charge for a move that just ended after `wall`. A move this short is far
    /// below any budget: its wall time is charged as is, which saves reading schedstat
    /// again. Without schedstat the charge is CPU time, short move or not.
    fn final_charge(&self, process: &BotProcess, wall: Duration) -> Duration {
        if wall < SHORT_MOVE && (self.wait0.is_some() || self.wall_only) {
            wall
        } else {
            self.charged(process).0
        }
    }
}

/// Reads replies: frames or lines.
enum Incoming {
    Frames(FrameBuffer),
    Lines(LineBuffer),
}

impl Incoming {
    fn new(wire: Wire, cap: usize) -> Incoming {
        match wire {
            Wire::Frames => Incoming::Frames(FrameBuffer::new(cap)),
            Wire::Lines => Incoming::Lines(LineBuffer::new(cap)),
        }
    }

    fn want(&self) -> usize {
        match self {
            Incoming::Frames(f) => f.want(),
            Incoming::Lines(l) => l.want(),
        }
    }

    fn push(&mut self, bytes: &[u8]) -> Result<Option<Value>, FrameError> {
        match self {
            Incoming::Frames(f) => f.push(bytes),
            Incoming::Lines(l) => l.push(bytes),
        }
    }
}

/// One bot's exchange under way.
struct Pending<'a> {
    ask: Ask<'a>,
    written: usize,
    meter: Meter,
    deadline: Instant,
    hard_stop: Instant,
    /// See [`far_stop`].
    far_stop: Instant,
    /// When the bot was last looked at past its budget, and its CPU time then (see
    /// [`RAN`]).
    last_look: Option<(Instant, Duration)>,
    incoming: Incoming,
    /// Whether the last poll saw output waiting: a Python bot's process flushes what the
    /// bot printed before it writes its reply, so if that poll saw none, there is none
    /// before the reply (no need to ask the kernel again).
    log_seen: bool,
}

impl BotProcess {
    /// Sends `ask.out` and waits for one reply (see [`exchange_all`]).
    pub fn exchange(&mut self, ask: Ask<'_>) -> Result<Exchange, Fault> {
        exchange_all(vec![(self, ask)])
            .pop()
            .expect("one reply per bot")
    }

    /// Checks that the bot has not spoken before being asked.
    fn quiet(&self, ask: &Ask<'_>) -> Result<(), Fault> {
        if !ask.out.is_empty() && self.spoke_unasked() {
            return Err(Fault::new(
                FaultKind::Protocol,
                "sent bytes nobody asked for",
            ));
        }
        Ok(())
    }

    /// Starts the bot's clock and writes what the pipe takes of the request. The request
    /// is in the pipe before a frozen bot wakes: from then on it can only answer (or
    /// compute on its own clock), never get ahead while the host writes.
    fn begin<'a>(&mut self, ask: Ask<'a>) -> Result<Pending<'a>, Fault> {
        let meter = Meter::start(self);
        let written = if ask.out.is_empty() {
            0
        } else {
            self.write_some(ask.out)?
        };
        self.thaw();
        self.logs.begin_move();
        Ok(Pending {
            written,
            deadline: meter.start + ask.budget,
            hard_stop: meter.start + ask.backstop,
            far_stop: meter.start + far_stop(ask.budget).max(ask.backstop),
            last_look: None,
            incoming: Incoming::new(ask.wire, self.limits.frame_bytes),
            meter,
            log_seen: false,
            ask,
        })
    }

    fn pollfds(&self, p: &Pending<'_>) -> [libc::pollfd; FDS] {
        [
            pollfd(self.reply.as_raw_fd(), libc::POLLIN),
            pollfd(self.status.as_raw_fd(), libc::POLLIN),
            pollfd(
                if p.written < p.ask.out.len() {
                    self.request.as_raw_fd()
                } else {
                    -1
                },
                libc::POLLOUT,
            ),
            // A full log is not read: the bot's writes block, and that is charged.
            pollfd(
                match &self.log {
                    Some(log) if !self.logs.full() => log.as_raw_fd(),
                    _ => -1,
                },
                libc::POLLIN,
            ),
        ]
    }

    /// Acts on what `poll` reported for this bot; the reply once it is complete.
    fn ready(
        &mut self,
        p: &mut Pending<'_>,
        fds: &[libc::pollfd; FDS],
    ) -> Result<Option<Value>, Fault> {
        p.log_seen = fds[3].revents != 0;
        if p.log_seen {
            self.drain_log();
        }
        if fds[2].revents != 0 {
            p.written += self.write_some(&p.ask.out[p.written..])?;
        }
        if fds[0].revents != 0 {
            let want = p.incoming.want().min(self.scratch.len());
            return match read_some(self.reply.as_raw_fd(), &mut self.scratch[..want]) {
                Ok(0) => Err(self.death_fault()),
                Ok(n) => p.incoming.push(&self.scratch[..n]).map_err(frame_fault),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => Ok(None),
                Err(_) => Err(self.death_fault()),
            };
        }
        if fds[1].revents != 0 {
            return Err(self.death_fault());
        }
        Ok(None)
    }

    /// The reply is in: what it cost, and the output that came with it.
    fn finish(&mut self, p: &Pending<'_>, reply: Value) -> Result<Exchange, Fault> {
        let wall = p.meter.start.elapsed();
        let charged = p.meter.final_charge(self, wall);
        // Output written before the reply is already in the pipe: take it with this move.
        let lines = p.ask.wire == Wire::Lines;
        if p.log_seen || lines {
            self.drain_log();
        }
        // A frame read takes what followed it in the same read (refused as trailing), and
        // the next request checks for anything later; a compiled bot's lines are checked
        // now too, since its output has no such order.
        if lines && !p.ask.out.is_empty() && self.spoke_unasked() {
            return Err(frame_fault(FrameError::Trailing(1)));
        }
        Ok(Exchange {
            reply,
            charged,
            wall,
            logs: self.logs.take_move(),
        })
    }

    /// The deadline has passed: a timeout if the bot was charged its budget or the
    /// backstop is reached, otherwise the time left of its budget (never past the
    /// backstop) — the machine kept it from running. Where the charge is trusted, the
    /// backstop is [`far_stop`]: a bot waiting for a CPU is never timed out for it.
    fn next_deadline(&self, now: Instant, p: &mut Pending<'_>) -> Result<Instant, Fault> {
        let (meter, budget) = (&p.meter, p.ask.budget);
        let (charged, stolen) = meter.charged(self);
        let wall = now.duration_since(meter.start).as_secs_f64();
        let trusted = !meter.wall_only && meter.wait0.is_some();
        let stop = if trusted { p.far_stop } else { p.hard_stop };
        if now >= stop {
            return Err(Fault::new(
                FaultKind::Timeout,
                format!(
                    "no reply after {wall:.2} s of wall-clock time (the backstop for a {:.2} s budget; charged {:.2} s, CPU used {:.2} s)",
                    budget.as_secs_f64(),
                    charged.as_secs_f64(),
                    meter.cpu(self).as_secs_f64()
                ),
            ));
        }
        if charged >= budget {
            let cpu = meter.cpu(self);
            // What may still be uncounted: all of it while the bot has not run since the
            // last look (or at the first), else only the wait since that look.
            let unseen = match p.last_look {
                Some((at, before)) if cpu.saturating_sub(before) > RAN => now - at,
                _ => PENDING_WAIT,
            };
            p.last_look = Some((now, cpu));
            if trusted
                && charged - budget < unseen.min(PENDING_WAIT)
                && cpu < budget
                && self.runnable()
            {
                return Ok((now + RECHECK).min(stop));
            }
            let blocked = if self.logs.full() {
                format!(
                    "; its output filled the log (the host keeps {} bytes a match and reads at most {} more a move), so its writes blocked",
                    self.logs.cap(),
                    crate::cage::log::DRAIN_PER_MOVE
                )
            } else {
                String::new()
            };
            return Err(Fault::new(
                FaultKind::Timeout,
                format!(
                    "kept the match waiting {:.2} s ({wall:.2} s of wall-clock time, less {:.2} s waiting for a CPU; CPU used {:.2} s); the budget was {:.2} s{blocked}",
                    charged.as_secs_f64(),
                    stolen.as_secs_f64(),
                    meter.cpu(self).as_secs_f64(),
                    budget.as_secs_f64()
                ),
            ));
        }
        Ok((now + (budget - charged)).min(stop))
    }
}

/// Asks every bot at once and waits for every reply: all requests go out before any
/// reply is awaited, so the bots think at the same time. Each result is that bot's own,
/// charged on its own clock, as if it had been asked alone.
pub fn exchange_all<'p, 'a>(
    asks: Vec<(&'p mut BotProcess, Ask<'a>)>,
) -> Vec<Result<Exchange, Fault>> {
    assert!(asks.len() <= AT_ONCE, "at most {AT_ONCE} bots at once");
    // Every seat is checked before any clock starts, so the seats' clocks start as
    // close together as their writes allow.
    let quiet: Vec<Result<(), Fault>> = asks
        .iter()
        .map(|(process, ask)| process.quiet(ask))
        .collect();
    let mut slots: Vec<Slot<'p, 'a>> = asks
        .into_iter()
        .zip(quiet)
        .map(
            |((process, ask), checked)| match checked.and_then(|()| process.begin(ask)) {
                Ok(p) => Slot::Waiting(process, p),
                Err(fault) => Slot::Done(Err(fault)),
            },
        )
        .collect();
    wait(&mut slots);
    slots
        .into_iter()
        .map(|slot| match slot {
            Slot::Done(result) => result,
            // `wait` returns only when every slot is done.
            Slot::Waiting(..) => Err(Fault::new(
                FaultKind::Runner,
                "the host stopped waiting without a reply",
            )),
        })
        .collect()
}

/// One bot of [`exchange_all`].
enum Slot<'p, 'a> {
    Waiting(&'p mut BotProcess, Pending<'a>),
    Done(Result<Exchange, Fault>),
}

impl Slot<'_, '_> {
    /// A bot whose exchange failed is killed at once: one that ran out of time must not
    /// go on using the CPU the other seat is still thinking on.
    fn failed(process: &BotProcess, fault: Fault) -> Self {
        process.kill();
        Slot::Done(Err(fault))
    }
}

/// Polls until every slot has its reply or its fault.
fn wait(slots: &mut [Slot<'_, '_>]) {
    let mut fds = [pollfd(-1, 0); FDS * AT_ONCE];
    loop {
        let now = Instant::now();
        let mut soonest: Option<Instant> = None;
        for slot in slots.iter_mut() {
            if let Slot::Waiting(process, p) = slot {
                if now >= p.deadline {
                    match process.next_deadline(now, p) {
                        Ok(d) => p.deadline = d,
                        Err(fault) => {
                            *slot = Slot::failed(process, fault);
                            continue;
                        }
                    }
                }
                soonest = Some(soonest.map_or(p.deadline, |s| s.min(p.deadline)));
            }
        }
        let Some(soonest) = soonest else {
            return;
        };
        for (k, slot) in slots.iter().enumerate() {
            fds[k * FDS..(k + 1) * FDS].copy_from_slice(&match slot {
                Slot::Waiting(process, p) => process.pollfds(p),
                Slot::Done(_) => [pollfd(-1, 0); FDS],
            });
        }
        let used = &mut fds[..slots.len() * FDS];
        let wait = soonest
            .saturating_duration_since(now)
            .as_millis()
            .clamp(1, i32::MAX as u128) as i32;
        // SAFETY: `used` is a valid pollfd array for the call.
        if unsafe { libc::poll(used.as_mut_ptr(), used.len() as libc::nfds_t, wait) } < 0 {
            continue; // EINTR
        }
        for (k, slot) in slots.iter_mut().enumerate() {
            let Slot::Waiting(process, p) = slot else {
                continue;
            };
            let mine: &[libc::pollfd; FDS] = used[k * FDS..(k + 1) * FDS]
                .try_into()
                .expect("FDS descriptors per bot");
            *slot = match process.ready(p, mine).and_then(|r| match r {
                Some(reply) => process.finish(p, reply).map(Some),
                None => Ok(None),
            }) {
                Ok(Some(exchange)) => Slot::Done(Ok(exchange)),
                Ok(None) => continue,
                Err(fault) => Slot::failed(process, fault),
            };
        }
    }
}

fn frame_fault(e: FrameError) -> Fault {
    Fault::new(
        FaultKind::Protocol,
        crate::cage::log::cut(&e.to_string(), crate::cage::log::DETAIL_CHARS),
    )
}
