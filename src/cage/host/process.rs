//! The transport to one caged bot process: its pipes, its CPU clock, what it prints, and
//! how it ended. It moves bytes with deadlines and knows nothing of what they mean (that
//! is `dialect.rs`); every failure comes back as a [`Fault`] for the caller to record.

use super::cgroup::BotCgroup;
use super::exit;
use crate::cage::fault::{Fault, FaultKind};
use crate::cage::log::LogCapture;
use crate::cage::pidfd;
use crate::cage::policy::Limits;
use crate::cage::protocol::{ExitReport, BOT_FDS};
use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};
use std::time::{Duration, Instant};

/// Below this, a move is charged its wall time without asking the kernel for the wait.
const SHORT_MOVE: Duration = Duration::from_millis(1);
/// How long the host waits for the zygote to report a dead bot's status.
const STATUS_WAIT: Duration = Duration::from_secs(2);
/// How long a bot that closed its reply pipe has to actually exit.
const STATUS_GRACE: Duration = Duration::from_millis(250);

pub mod exchange;

/// How replies are cut out of the byte stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wire {
    /// Length-prefixed frames (the set-up report; Python bots).
    Frames,
    /// JSON lines (compiled bots).
    Lines,
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
    /// The last schedstat reading a move started from: when, CPU time, run-queue wait.
    last_reading: Option<(Instant, Duration, Duration)>,
    /// `/proc/PID/stat`, kept open: whether the bot is runnable right now.
    stat: Option<std::fs::File>,
    /// Stopped (SIGSTOP) since its last reply; continued when next asked.
    frozen: bool,
    /// Charge plain wall time (a benchmark's baseline), not the usual rule (see `exchange.rs`).
    wall_only: bool,
    /// The kernel's count of out-of-memory kills when the bot started.
    oom_kills: Option<u64>,
    /// Its cgroup (memory, pids, CPU weight), removed after it (fields drop after
    /// `drop`, which kills the bot).
    cgroup: Option<BotCgroup>,
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
            last_reading: None,
            stat: std::fs::File::open(format!("/proc/{pid}/stat")).ok(),
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

    /// Charge plain wall time from now on (see [`crate::cage::policy::Fairness`]).
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

    /// [`Self::schedstat`], or the last reading if it is younger than [`SHORT_MOVE`].
    fn recent_schedstat(&mut self) -> Option<(Duration, Duration)> {
        let now = Instant::now();
        match self.last_reading {
            Some((at, cpu, wait)) if now.duration_since(at) < SHORT_MOVE => Some((cpu, wait)),
            _ => {
                let (cpu, wait) = self.schedstat()?;
                self.last_reading = Some((now, cpu, wait));
                Some((cpu, wait))
            }
        }
    }

    /// (time on a CPU, time runnable but waiting for one), as the kernel counts them.
    fn schedstat(&self) -> Option<(Duration, Duration)> {
        use std::os::unix::fs::FileExt;
        let mut buf = [0u8; 128];
        let n = self.schedstat.as_ref()?.read_at(&mut buf, 0).ok()?;
        let text = std::str::from_utf8(&buf[..n]).ok()?;
        let mut fields = text.split_whitespace();
        let ran: u64 = fields.next()?.parse().ok()?;
        let waited: u64 = fields.next()?.parse().ok()?;
        Some((Duration::from_nanos(ran), Duration::from_nanos(waited)))
    }

    /// True when the kernel has the bot runnable (running, or queued for a CPU), not
    /// sleeping or blocked. `/proc/PID/stat`'s third field, after the parenthesised name.
    fn runnable(&self) -> bool {
        use std::os::unix::fs::FileExt;
        let mut buf = [0u8; 512];
        let Some(n) = self.stat.as_ref().and_then(|f| f.read_at(&mut buf, 0).ok()) else {
            return false;
        };
        let text = &buf[..n];
        let after = text.iter().rposition(|&b| b == b')').map_or(n, |i| i + 1);
        text.get(after..)
            .and_then(|rest| rest.iter().find(|b| !b.is_ascii_whitespace()))
            .is_some_and(|&state| state == b'R')
    }

    /// Which clock the time control uses for this bot.
    pub fn clock(&self) -> &'static str {
        if self.wall_only {
            "wall time (run-queue wait not forgiven)"
        } else if self.schedstat().is_some() {
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

impl Drop for BotProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
