//! The transport to one caged bot process: its pipes, its CPU clock, what it prints, and
//! how it ended. It moves bytes with deadlines and knows nothing of what they mean (that
//! is `dialect.rs`); every failure comes back as a [`Fault`] for the caller to record.

use super::cgroup::BotCgroup;
use super::exit;
use crate::cage::fault::{Fault, FaultKind};
use crate::cage::frame::{FrameBuffer, FrameError, LineBuffer};
use crate::cage::log::LogCapture;
use crate::cage::pidfd;
use crate::cage::policy::Limits;
use crate::cage::protocol::{ExitReport, BOT_FDS};
use serde_json::Value;
use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};
use std::time::{Duration, Instant};

/// Below this, a move is charged its wall time without asking the kernel for the wait.
const SHORT_MOVE: Duration = Duration::from_millis(1);
/// How long the host waits for the zygote to report a dead bot's status.
const STATUS_WAIT: Duration = Duration::from_secs(2);
/// How long a bot that closed its reply pipe has to actually exit.
const STATUS_GRACE: Duration = Duration::from_millis(250);

/// How replies are cut out of the byte stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wire {
    /// Length-prefixed frames (the set-up report; Python bots).
    Frames,
    /// JSON lines (compiled bots).
    Lines,
}

/// One reply and what it cost.
pub struct Exchange {
    pub reply: Value,
    /// What the time control charges (see [`Meter`]).
    pub charged: Duration,
    pub wall: Duration,
    pub logs: Vec<String>,
}

pub struct BotProcess {
    pid: libc::pid_t,
    pidfd: OwnedFd,
    request: OwnedFd,
    reply: OwnedFd,
    log: Option<OwnedFd>,
    status: OwnedFd,
    cpu_clock: Option<libc::clockid_t>,
    limits: Limits,
    logs: LogCapture,
    /// Read buffer, kept so no move allocates one.
    scratch: Vec<u8>,
    /// Lines read while finding out how the process died, until they are taken.
    carried: Vec<String>,
    /// `/proc/PID/schedstat`, kept open: the kernel's count of the time the bot spent
    /// runnable but waiting for a CPU. `None` where it cannot be read.
    schedstat: Option<std::fs::File>,
    /// Stopped (SIGSTOP) since its last reply; continued when next asked.
    frozen: bool,
    /// Charge plain wall time (a benchmark's baseline), not [`Meter`]'s rule.
    wall_only: bool,
    /// The kernel's count of out-of-memory kills when the bot started.
    oom_kills: Option<u64>,
    /// Its cgroup (memory, pids, CPU weight), removed after it (fields drop after
    /// `drop`, which kills the bot).
    cgroup: Option<BotCgroup>,
}

/// How long a bot kept the match waiting, less what the machine stole: wall time minus
/// the time it sat in the run queue, runnable but without a CPU (`/proc/PID/schedstat`,
/// second field). Sleeping, blocking on a pipe or spinning are all charged; waiting for
/// a busy CPU is not. Where schedstat cannot be read, CPU time is charged instead (a
/// sleeping bot is then stopped only by the wall-clock backstop).
struct Meter {
    start: Instant,
    cpu0: Duration,
    wait0: Option<Duration>,
    wall_only: bool,
}

impl Meter {
    fn start(process: &BotProcess) -> Meter {
        Meter {
            start: Instant::now(),
            cpu0: process.cpu_time().unwrap_or_default(),
            wait0: process.run_queue_wait(),
            wall_only: process.wall_only,
        }
    }

    fn cpu(&self, process: &BotProcess) -> Duration {
        process
            .cpu_time()
            .unwrap_or_default()
            .saturating_sub(self.cpu0)
    }

    /// What the time control charges so far, and the run-queue wait it forgave.
    fn charged(&self, process: &BotProcess) -> (Duration, Duration) {
        if self.wall_only {
            return (self.start.elapsed(), Duration::ZERO);
        }
        match (self.wait0, process.run_queue_wait()) {
            (Some(w0), Some(w)) => {
                let stolen = w.saturating_sub(w0);
                (self.start.elapsed().saturating_sub(stolen), stolen)
            }
            _ => (self.cpu(process), Duration::ZERO),
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

fn set_nonblocking(fd: RawFd) {
    // SAFETY: fcntl flag changes on a descriptor we own.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK);
    }
}

/// Reads what is there without blocking: `Ok(0)` is end of file, `Err(WouldBlock)` is
/// nothing yet.
fn read_some(fd: RawFd, buf: &mut [u8]) -> std::io::Result<usize> {
    // SAFETY: reading into a buffer we own, of its length.
    let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
    if n < 0 {
        Err(std::io::Error::last_os_error())
    } else {
        Ok(n as usize)
    }
}

fn pollfd(fd: RawFd, events: libc::c_short) -> libc::pollfd {
    libc::pollfd {
        fd,
        events,
        revents: 0,
    }
}

impl BotProcess {
    /// Wraps the descriptors the zygote sent, in [`BOT_FDS`] order.
    pub fn new(
        pid: libc::pid_t,
        fds: Vec<OwnedFd>,
        limits: &Limits,
        cgroup: Option<BotCgroup>,
    ) -> Result<BotProcess, String> {
        let [request, reply, log, status, pidfd]: [OwnedFd; BOT_FDS] = fds
            .try_into()
            .map_err(|fds: Vec<_>| format!("the zygote sent {} descriptors, not 5", fds.len()))?;
        for fd in [&request, &reply, &log, &status] {
            set_nonblocking(fd.as_raw_fd());
        }
        let mut clock: libc::clockid_t = 0;
        // SAFETY: asks for the pid's CPU clock id; the pid is our live (unreaped) bot.
        let cpu_clock =
            (unsafe { libc::clock_getcpuclockid(pid, &mut clock) } == 0).then_some(clock);
        Ok(BotProcess {
            pid,
            pidfd,
            request,
            reply,
            log: Some(log),
            status,
            cpu_clock,
            limits: limits.clone(),
            logs: LogCapture::new(limits.log_bytes),
            scratch: vec![0u8; 64 * 1024],
            carried: Vec::new(),
            schedstat: std::fs::File::open(format!("/proc/{pid}/schedstat")).ok(),
            frozen: false,
            wall_only: false,
            oom_kills: global_oom_kills(),
            cgroup,
        })
    }

    /// Its cgroup's limits in words, when it has one.
    pub fn cgroup(&self) -> Option<String> {
        self.cgroup
            .as_ref()
            .map(|c| format!("{} MiB of memory, no swap, one process", c.memory_mb()))
    }

    /// Stops the bot until it is next asked something: it cannot compute meanwhile.
    /// SIGSTOP cannot be caught, blocked or ignored; a stopped process still dies of
    /// SIGKILL, and the zygote's `waitid` (exits only) does not see the stop.
    pub fn freeze(&mut self) {
        if !self.frozen {
            self.frozen = pidfd::signal(self.pidfd.as_fd(), libc::SIGSTOP);
        }
    }

    fn thaw(&mut self) {
        if self.frozen {
            pidfd::signal(self.pidfd.as_fd(), libc::SIGCONT);
            self.frozen = false;
        }
    }

    /// Charge plain wall time from now on (see [`crate::cage::Fairness`]).
    pub fn charge_wall_time(&mut self, on: bool) {
        self.wall_only = on;
    }

    pub fn pid(&self) -> libc::pid_t {
        self.pid
    }

    /// The bot's total CPU time so far.
    pub fn cpu_time(&self) -> Option<Duration> {
        let clock = self.cpu_clock?;
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: clock_gettime fills ts; the clock is our bot's CPU clock.
        (unsafe { libc::clock_gettime(clock, &mut ts) } == 0)
            .then(|| Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32))
    }

    /// Time spent runnable but waiting for a CPU, as the kernel counts it.
    fn run_queue_wait(&self) -> Option<Duration> {
        use std::os::unix::fs::FileExt;
        let mut buf = [0u8; 128];
        let n = self.schedstat.as_ref()?.read_at(&mut buf, 0).ok()?;
        let text = std::str::from_utf8(&buf[..n]).ok()?;
        let waited: u64 = text.split_whitespace().nth(1)?.parse().ok()?;
        Some(Duration::from_nanos(waited))
    }

    /// Which clock the time control uses for this bot.
    pub fn clock(&self) -> &'static str {
        if self.wall_only {
            "wall time (run-queue wait not forgiven)"
        } else if self.run_queue_wait().is_some() {
            "wall time less run-queue wait (/proc/PID/schedstat)"
        } else {
            "CPU time (schedstat unavailable)"
        }
    }

    pub fn kill(&self) {
        pidfd::kill(self.pidfd.as_fd());
    }

    /// True when the bot has written bytes nobody asked for yet (between moves a bot has
    /// nothing to say; bytes now would be read as the answer to a question it has not
    /// seen).
    pub fn spoke_unasked(&self) -> bool {
        let mut probe = [0u8; 1];
        matches!(read_some(self.reply.as_raw_fd(), &mut probe), Ok(1..))
    }

    /// Sends `out` and waits for one reply. The bot is charged CPU time, not wall time,
    /// so a busy machine does not make it lose; `backstop` bounds the wall-clock wait
    /// for a bot that sleeps or blocks.
    pub fn exchange(
        &mut self,
        out: &[u8],
        wire: Wire,
        budget: Duration,
        backstop: Duration,
    ) -> Result<Exchange, Fault> {
        let asked = !out.is_empty();
        if asked && self.spoke_unasked() {
            return Err(Fault::new(
                FaultKind::Protocol,
                "sent bytes nobody asked for",
            ));
        }
        let meter = Meter::start(self);
        // The request is in the pipe before a frozen bot wakes: from then on it can only
        // answer (or compute on its own clock), never get ahead while the host writes.
        let mut written = if asked { self.write_some(out)? } else { 0 };
        self.thaw();
        let start = meter.start;
        let hard_stop = start + backstop;
        let mut deadline = start + budget;
        let mut incoming = Incoming::new(wire, self.limits.frame_bytes);
        self.logs.begin_move();
        let reply = loop {
            let now = Instant::now();
            if now >= deadline {
                deadline = self.next_deadline(now, &meter, budget, hard_stop)?;
                continue;
            }
            let mut pfds = [
                pollfd(self.reply.as_raw_fd(), libc::POLLIN),
                pollfd(self.status.as_raw_fd(), libc::POLLIN),
                pollfd(
                    if written < out.len() {
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
            ];
            let wait = deadline
                .duration_since(now)
                .as_millis()
                .clamp(1, i32::MAX as u128) as i32;
            // SAFETY: pfds is a valid pollfd array for the call.
            if unsafe { libc::poll(pfds.as_mut_ptr(), pfds.len() as libc::nfds_t, wait) } < 0 {
                continue; // EINTR
            }
            if pfds[3].revents != 0 {
                self.drain_log();
            }
            if pfds[2].revents != 0 {
                written += self.write_some(&out[written..])?;
            }
            if pfds[0].revents != 0 {
                let want = incoming.want().min(self.scratch.len());
                match read_some(self.reply.as_raw_fd(), &mut self.scratch[..want]) {
                    Ok(0) => return Err(self.death_fault()),
                    Ok(n) => match incoming.push(&self.scratch[..n]) {
                        Ok(Some(v)) => break v,
                        Ok(None) => {}
                        Err(e) => return Err(frame_fault(e)),
                    },
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                    Err(_) => return Err(self.death_fault()),
                }
            } else if pfds[1].revents != 0 {
                return Err(self.death_fault());
            }
        };
        let wall = start.elapsed();
        // A move this short is far below any budget: its wall time is charged as is (at
        // most its run-queue wait more), which saves reading schedstat on the hot path.
        // Without schedstat the charge is CPU time, short move or not.
        let charged = if wall < SHORT_MOVE && (meter.wait0.is_some() || meter.wall_only) {
            wall
        } else {
            meter.charged(self).0
        };
        // Output written before the reply is already in the pipe: take it with this move.
        self.drain_log();
        if asked && self.spoke_unasked() {
            return Err(frame_fault(FrameError::Trailing(1)));
        }
        Ok(Exchange {
            reply,
            charged,
            wall,
            logs: self.logs.take_move(),
        })
    }

    /// Writes what the request pipe takes now; the count, or the fault of a dead bot.
    fn write_some(&mut self, bytes: &[u8]) -> Result<usize, Fault> {
        // SAFETY: writing from our own buffer, of its length.
        let n =
            unsafe { libc::write(self.request.as_raw_fd(), bytes.as_ptr().cast(), bytes.len()) };
        if n >= 0 {
            Ok(n as usize)
        } else if std::io::Error::last_os_error().kind() == std::io::ErrorKind::WouldBlock {
            Ok(0)
        } else {
            Err(self.death_fault())
        }
    }

    /// The deadline has passed: a timeout if the bot was charged its budget or the
    /// backstop is reached, otherwise the time left of its budget (never past the
    /// backstop) — the machine kept it from running.
    fn next_deadline(
        &self,
        now: Instant,
        meter: &Meter,
        budget: Duration,
        hard_stop: Instant,
    ) -> Result<Instant, Fault> {
        let (charged, stolen) = meter.charged(self);
        let wall = now.duration_since(meter.start).as_secs_f64();
        if now >= hard_stop {
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
        Ok((now + (budget - charged)).min(hard_stop))
    }

    /// What the bot printed since the last move.
    pub fn take_logs(&mut self) -> Vec<String> {
        self.drain_log_all();
        let mut lines = std::mem::take(&mut self.carried);
        lines.extend(self.logs.take_move());
        lines
    }

    /// Reads what the bot printed, up to a bound per call so a flood cannot hold the
    /// host here (the rest waits for the next poll), and nothing once the move's log is
    /// full.
    fn drain_log(&mut self) {
        if !self.logs.full() {
            self.drain_log_all();
        }
    }

    /// [`Self::drain_log`] past a full log: for a bot that is dead or being killed, whose
    /// pipe holds at most its capacity.
    fn drain_log_all(&mut self) {
        let Some(fd) = self.log.as_ref().map(|l| l.as_raw_fd()) else {
            return;
        };
        for _ in 0..16 {
            match read_some(fd, &mut self.scratch) {
                Ok(0) => {
                    self.log = None;
                    return;
                }
                Ok(n) => self.logs.feed(&self.scratch[..n]),
                Err(_) => return,
            }
        }
    }

    /// The bot process is gone (or going): find out how it ended.
    fn death_fault(&mut self) -> Fault {
        self.drain_log_all();
        // Normally the zygote reports within a millisecond of the pipes closing. A bot
        // still alive after a moment closed its own pipe: it is killed, and said so.
        let fault = match self.wait_status(STATUS_GRACE) {
            Status::Report(report) => self.classify(report),
            Status::ZygoteGone => Fault::new(
                FaultKind::Runner,
                "the zygote died under the bot (the runner failed, not the bot)",
            ),
            Status::Silent => {
                self.kill();
                let _ = self.wait_status(STATUS_WAIT);
                Fault::new(FaultKind::Protocol, "closed its reply pipe without exiting")
            }
        };
        // It is dead now: what it wrote last is all in the pipe. Those lines are the
        // evidence of the fault, so they are kept for the record, not only quoted.
        self.drain_log_all();
        let logs = self.logs.take_move();
        let fault = match logs.iter().rev().find(|l| !l.trim().is_empty()) {
            Some(last) if matches!(fault.kind, FaultKind::Crash | FaultKind::Exited) => Fault::new(
                fault.kind,
                format!("{} (last output: {})", fault.detail, last),
            ),
            _ => fault,
        };
        self.carried.extend(logs);
        fault
    }

    /// The zygote's report, read as a fault; a SIGKILL that came from the kernel's
    /// out-of-memory killer while the machine (not the bot's limit) ran out of memory is
    /// the runner's failure.
    fn classify(&self, report: ExitReport) -> Fault {
        let fault = exit::classify(report, &self.limits);
        let sigkill = report.code != libc::CLD_EXITED && report.value == libc::SIGKILL;
        if let Some(group) = self.cgroup.as_ref().filter(|g| g.oom_killed()) {
            let peak = group
                .peak_mb()
                .map_or(String::new(), |p| format!(" ({p} MiB at its peak)"));
            return Fault::new(
                FaultKind::Memory,
                format!(
                    "ran out of memory: killed by the kernel at its cgroup's limit of {} MiB{peak}",
                    group.memory_mb()
                ),
            );
        }
        if fault.kind == FaultKind::Crash && sigkill {
            if let (Some(before), Some(now)) = (self.oom_kills, global_oom_kills()) {
                if now > before {
                    return Fault::new(
                        FaultKind::Runner,
                        "killed by the kernel's out-of-memory killer while the machine ran out of memory (the runner's failure, not the bot's)",
                    );
                }
            }
        }
        fault
    }

    /// Waits up to `wait` for the zygote's report of how the process ended.
    fn wait_status(&mut self, wait: Duration) -> Status {
        let deadline = Instant::now() + wait;
        let mut msg = [0u8; ExitReport::SIZE];
        let mut got = 0;
        while got < msg.len() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Status::Silent;
            }
            pidfd::poll_in(self.status.as_fd(), left.max(Duration::from_millis(1)));
            match read_some(self.status.as_raw_fd(), &mut msg[got..]) {
                // The zygote writes a report before it closes a bot's status pipe; the
                // pipe closing without one means the zygote itself is gone.
                Ok(0) => return Status::ZygoteGone,
                Ok(n) => got += n,
                Err(_) => {}
            }
        }
        Status::Report(ExitReport::decode(&msg))
    }
}

/// What the status pipe said about a bot's end.
enum Status {
    Report(ExitReport),
    /// Closed without a report: the zygote died.
    ZygoteGone,
    /// Nothing in time: the bot closed its pipes but is still alive.
    Silent,
}

/// How many processes the kernel's out-of-memory killer has killed since boot
/// (`oom_kill` in `/proc/vmstat`).
fn global_oom_kills() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/vmstat").ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("oom_kill "))
        .and_then(|n| n.trim().parse().ok())
}

fn frame_fault(e: FrameError) -> Fault {
    Fault::new(
        FaultKind::Protocol,
        super::bot::cut(&e.to_string(), super::bot::DETAIL_CHARS),
    )
}

impl Drop for BotProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
