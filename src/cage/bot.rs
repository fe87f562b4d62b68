//! The host's handle on one caged bot process: it sends requests, reads replies with
//! caps and deadlines, collects what the bot prints, and turns every failure into a
//! [`Fault`]. Nothing a bot sends can make it panic or block past a deadline.

use super::fault::{Fault, FaultKind};
use super::frame::{self, FrameBuffer, FrameError, LineBuffer};
use super::layers::Layers;
use super::log::{sanitize, LogCapture};
use super::policy::Limits;
use super::zygote;
use serde::Deserialize;
use serde_json::{json, Value};
use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};
use std::time::{Duration, Instant};

/// The bot's source file, as read by the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotSource {
    /// Shown in errors and replays, e.g. `greedy.py`.
    pub name: String,
    pub code: String,
}

/// One move: the action and what it cost.
#[derive(Debug, Clone)]
pub struct Move {
    pub action: Value,
    /// The bot's CPU time during the move (what the time control charges).
    pub cpu: Duration,
    /// Wall-clock time from sending the request to having the reply.
    pub wall: Duration,
    /// Lines the bot printed during the move, neutralised.
    pub logs: Vec<String>,
}

/// A loaded bot: the agent the host found and what loading cost.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub agent: String,
    pub arity: usize,
    pub cpu: Duration,
    pub wall: Duration,
    pub logs: Vec<String>,
}

/// The first frame a bot process sends, before it has read any bot code.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum Hello {
    Caged(Layers),
    CageError(String),
}

/// Every later frame.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum Reply {
    Ready { agent: String, arity: usize },
    Action(Value),
    Error(ErrorReply),
}

/// A compiled bot's lines: `{"ready": "name"}` (or `true`) once, then `{"action": …}`.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum NativeReply {
    Ready(ReadyName),
    Action(Value),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ReadyName {
    Name(String),
    Flag(bool),
}

/// Reads replies: frames from a Python bot, lines from a compiled one.
enum Incoming {
    Frames(FrameBuffer),
    Lines(LineBuffer),
}

impl Incoming {
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ErrorReply {
    kind: String,
    #[serde(rename = "type")]
    ty: String,
    message: String,
    traceback: String,
}

/// Caps on text taken from a bot's error reply.
const DETAIL_CHARS: usize = 300;
const TRACEBACK_CHARS: usize = 8 * 1024;
/// How long the host waits for the zygote to report a dead bot's status.
const STATUS_WAIT: Duration = Duration::from_secs(2);
/// How long a bot that closed its reply pipe has to actually exit.
const STATUS_GRACE: Duration = Duration::from_millis(250);

pub struct Bot {
    pid: libc::pid_t,
    pidfd: OwnedFd,
    request: OwnedFd,
    reply: OwnedFd,
    log: Option<OwnedFd>,
    status: OwnedFd,
    cpu_clock: Option<libc::clockid_t>,
    layers: Option<Layers>,
    limits: Limits,
    logs: LogCapture,
    dead: Option<Fault>,
    name: String,
    /// Read buffer, kept so no move allocates one.
    scratch: Vec<u8>,
    /// Lines of a move whose reply turned out to be a fault, until the referee asks.
    unclaimed: Vec<String>,
    /// A compiled bot (JSON lines on its stdin and stdout) once it reported its cage.
    native: bool,
}

struct Exchange {
    frame: Value,
    cpu: Duration,
    wall: Duration,
    logs: Vec<String>,
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

fn cut(text: &str, max: usize) -> String {
    sanitize_multiline(&text.chars().take(max).collect::<String>())
}

fn sanitize_multiline(text: &str) -> String {
    text.split('\n')
        .map(|l| sanitize(l.as_bytes()))
        .collect::<Vec<_>>()
        .join("\n")
}

fn signal_name(sig: i32) -> String {
    match sig {
        libc::SIGSEGV => "a segmentation fault (SIGSEGV)".into(),
        libc::SIGABRT => "an abort (SIGABRT)".into(),
        libc::SIGBUS => "a bus error (SIGBUS)".into(),
        libc::SIGILL => "an illegal instruction (SIGILL)".into(),
        libc::SIGFPE => "an arithmetic fault (SIGFPE)".into(),
        libc::SIGKILL => "SIGKILL".into(),
        other => format!("signal {other}"),
    }
}

impl Bot {
    /// Wraps the descriptors the zygote sent (request, reply, log, status, pidfd) and
    /// waits for the child's report that it is caged.
    pub(super) fn new(
        pid: libc::pid_t,
        mut fds: Vec<OwnedFd>,
        limits: &Limits,
        setup_deadline: Duration,
        native: bool,
    ) -> Result<(Bot, Layers), String> {
        if fds.len() != super::control::BOT_FDS {
            return Err(format!("the zygote sent {} descriptors, not 5", fds.len()));
        }
        let pidfd = fds.pop().expect("five descriptors");
        let status = fds.pop().expect("five descriptors");
        let log = fds.pop().expect("five descriptors");
        let reply = fds.pop().expect("five descriptors");
        let request = fds.pop().expect("five descriptors");
        for fd in [&request, &reply, &log, &status] {
            set_nonblocking(fd.as_raw_fd());
        }
        let mut clock: libc::clockid_t = 0;
        // SAFETY: asks for the pid's CPU clock id; the pid is our live (unreaped) bot.
        let cpu_clock =
            (unsafe { libc::clock_getcpuclockid(pid, &mut clock) } == 0).then_some(clock);
        let mut bot = Bot {
            pid,
            pidfd,
            request,
            reply,
            log: Some(log),
            status,
            cpu_clock,
            layers: None,
            limits: limits.clone(),
            logs: LogCapture::new(limits.log_bytes),
            dead: None,
            name: String::from("bot"),
            scratch: vec![0u8; 64 * 1024],
            unclaimed: Vec::new(),
            native: false,
        };
        // The child sends this frame before it reads any bot code, so it is trusted;
        // it is still parsed strictly.
        let hello = bot
            .exchange(None, setup_deadline, setup_deadline)
            .map_err(|f| format!("the bot process failed while caging itself: {f}"))?;
        match serde_json::from_value::<Hello>(hello.frame) {
            Ok(Hello::Caged(layers)) => {
                bot.layers = Some(layers.clone());
                // From here on a compiled bot's own code speaks.
                bot.native = native;
                Ok((bot, layers))
            }
            Ok(Hello::CageError(e)) => Err(format!("a mandatory sandbox layer failed: {e}")),
            Err(e) => Err(format!(
                "the bot process sent a malformed set-up report: {e}"
            )),
        }
    }

    pub fn pid(&self) -> libc::pid_t {
        self.pid
    }

    /// The sandbox layers this bot process got.
    pub fn layers(&self) -> Option<&Layers> {
        self.layers.as_ref()
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

    /// Sends the bot's source, seeds its `random`, runs its top level and finds its agent.
    pub fn load(
        &mut self,
        source: &BotSource,
        seed: u64,
        budget: Duration,
    ) -> Result<Loaded, Fault> {
        self.name = source.name.clone();
        let request =
            json!({ "load": { "name": source.name, "source": source.code, "seed": seed } });
        let ex = self.exchange(Some(&request), budget, backstop(budget))?;
        self.unclaimed = ex.logs;
        match self.parse(ex.frame)? {
            Reply::Ready { agent, arity } if arity <= 2 => Ok(Loaded {
                agent: cut(&agent, DETAIL_CHARS),
                arity,
                cpu: ex.cpu,
                wall: ex.wall,
                logs: std::mem::take(&mut self.unclaimed),
            }),
            _ => Err(self.fail(Fault::new(
                FaultKind::Protocol,
                "sent a reply that is not a load report",
            ))),
        }
    }

    /// Loads `program`: sends a Python bot its source, or starts a compiled bot (which
    /// the cage already executed) with its seed and waits for it to say it is ready.
    pub fn load_program(
        &mut self,
        program: &super::Program,
        seed: u64,
        budget: Duration,
    ) -> Result<Loaded, Fault> {
        let native = match program {
            super::Program::Python(source) => return self.load(source, seed, budget),
            super::Program::Native(native) => native,
        };
        self.name = native.name.clone();
        let ex = self.exchange(Some(&json!({ "seed": seed })), budget, backstop(budget))?;
        self.unclaimed = ex.logs;
        let agent = match self.parse_native(ex.frame)? {
            NativeReply::Ready(ReadyName::Name(name)) => cut(&name, DETAIL_CHARS),
            NativeReply::Ready(ReadyName::Flag(true)) => native.name.clone(),
            _ => {
                return Err(self.fail(Fault::new(
                    FaultKind::Protocol,
                    r#"answered its seed with something other than {"ready": "name"}"#,
                )))
            }
        };
        Ok(Loaded {
            agent,
            arity: 2,
            cpu: ex.cpu,
            wall: ex.wall,
            logs: std::mem::take(&mut self.unclaimed),
        })
    }

    /// Asks the agent for one action, within `budget` of CPU time.
    pub fn act(
        &mut self,
        observation: &Value,
        configuration: &Value,
        budget: Duration,
    ) -> Result<Move, Fault> {
        let request = if self.native {
            json!({ "obs": observation, "config": configuration })
        } else {
            json!({ "act": { "obs": observation, "config": configuration } })
        };
        let ex = self.exchange(Some(&request), budget, backstop(budget))?;
        self.unclaimed = ex.logs;
        let reply = if self.native {
            match self.parse_native(ex.frame)? {
                NativeReply::Action(action) => Reply::Action(action),
                NativeReply::Ready(_) => {
                    return Err(self.fail(Fault::new(
                        FaultKind::Protocol,
                        r#"answered a move with {"ready": …} instead of {"action": …}"#,
                    )))
                }
            }
        } else {
            self.parse(ex.frame)?
        };
        match reply {
            Reply::Action(action) => Ok(Move {
                action,
                cpu: ex.cpu,
                wall: ex.wall,
                logs: std::mem::take(&mut self.unclaimed),
            }),
            _ => Err(self.fail(Fault::new(
                FaultKind::Protocol,
                "sent a reply that is not an action",
            ))),
        }
    }

    /// What the bot printed during a move that ended in a fault (a successful move hands
    /// its lines back in [`Move::logs`]).
    pub fn take_logs(&mut self) -> Vec<String> {
        self.drain_log();
        let mut lines = std::mem::take(&mut self.unclaimed);
        lines.extend(self.logs.take_move());
        lines
    }

    /// Kills the bot process now (it is also killed when dropped).
    pub fn kill(&mut self) {
        zygote::kill(self.pidfd.as_fd());
    }

    /// Records a fault, kills the bot and hands the fault back.
    fn fail(&mut self, fault: Fault) -> Fault {
        self.kill();
        self.dead = Some(fault.clone());
        fault
    }

    fn parse_native(&mut self, line: Value) -> Result<NativeReply, Fault> {
        serde_json::from_value::<NativeReply>(line).map_err(|e| {
            let why = format!(r#"sent a line that is not {{"action": …}} or {{"ready": …}}: {e}"#);
            self.fail(Fault::new(FaultKind::Protocol, cut(&why, DETAIL_CHARS)))
        })
    }

    fn parse(&mut self, frame: Value) -> Result<Reply, Fault> {
        match serde_json::from_value::<Reply>(frame) {
            Ok(Reply::Error(e)) => {
                let kind = match e.kind.as_str() {
                    "memory" => FaultKind::Memory,
                    "bad_action" | "protocol" => FaultKind::Protocol,
                    _ => FaultKind::Crash,
                };
                let detail = if e.ty.is_empty() {
                    cut(&e.message, DETAIL_CHARS)
                } else {
                    cut(&format!("{}: {}", e.ty, e.message), DETAIL_CHARS)
                };
                let mut fault = Fault::new(kind, detail);
                if !e.traceback.is_empty() {
                    fault = fault.with_traceback(cut(&e.traceback, TRACEBACK_CHARS));
                }
                Err(self.fail(fault))
            }
            Ok(reply) => Ok(reply),
            Err(e) => Err(self.fail(Fault::new(
                FaultKind::Protocol,
                cut(
                    &format!("sent a reply of the wrong shape: {e}"),
                    DETAIL_CHARS,
                ),
            ))),
        }
    }

    /// Sends `request` (if any) and waits for one reply frame. The bot is charged CPU
    /// time, not wall time, so a busy machine does not make it lose; `backstop` bounds
    /// the wall-clock wait for a bot that sleeps or blocks.
    fn exchange(
        &mut self,
        request: Option<&Value>,
        budget: Duration,
        backstop: Duration,
    ) -> Result<Exchange, Fault> {
        if let Some(fault) = &self.dead {
            return Err(fault.clone());
        }
        // Between moves a bot has nothing to say; bytes now would be read as the answer
        // to a question it has not seen yet.
        let mut probe = [0u8; 1];
        if request.is_some() && matches!(read_some(self.reply.as_raw_fd(), &mut probe), Ok(1..)) {
            return Err(self.fail(Fault::new(
                FaultKind::Protocol,
                "sent bytes nobody asked for",
            )));
        }
        let out = match (request, self.native) {
            (Some(r), true) => frame::encode_line(r),
            (Some(r), false) => frame::encode(r),
            (None, _) => Vec::new(),
        };
        let mut written = 0;
        let cpu0 = self.cpu_time().unwrap_or_default();
        let start = Instant::now();
        let hard_stop = start + backstop;
        let mut deadline = start + budget;
        let mut frames = if self.native {
            Incoming::Lines(LineBuffer::new(self.limits.frame_bytes))
        } else {
            Incoming::Frames(FrameBuffer::new(self.limits.frame_bytes))
        };
        let reply = loop {
            let now = Instant::now();
            if now >= deadline {
                let cpu = self.cpu_time().unwrap_or_default().saturating_sub(cpu0);
                if now >= hard_stop {
                    return Err(self.timeout(format!(
                        "no reply after {:.2} s of wall-clock time (the backstop for a {:.2} s budget; CPU used {:.2} s)",
                        now.duration_since(start).as_secs_f64(),
                        budget.as_secs_f64(),
                        cpu.as_secs_f64()
                    )));
                }
                if cpu >= budget {
                    return Err(self.timeout(format!(
                        "used {:.2} s of CPU time; the budget was {:.2} s",
                        cpu.as_secs_f64(),
                        budget.as_secs_f64()
                    )));
                }
                // Not yet charged its budget (the machine is busy, or it sleeps):
                // wait for the rest, never past the backstop.
                deadline = (now + (budget - cpu)).min(hard_stop);
                continue;
            }
            let mut pfds = vec![
                libc::pollfd {
                    fd: self.reply.as_raw_fd(),
                    events: libc::POLLIN,
                    revents: 0,
                },
                libc::pollfd {
                    fd: self.status.as_raw_fd(),
                    events: libc::POLLIN,
                    revents: 0,
                },
                libc::pollfd {
                    fd: if written < out.len() {
                        self.request.as_raw_fd()
                    } else {
                        -1
                    },
                    events: libc::POLLOUT,
                    revents: 0,
                },
                libc::pollfd {
                    fd: self.log.as_ref().map_or(-1, |l| l.as_raw_fd()),
                    events: libc::POLLIN,
                    revents: 0,
                },
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
                // SAFETY: writing the unsent tail of our own buffer.
                let n = unsafe {
                    libc::write(
                        self.request.as_raw_fd(),
                        out[written..].as_ptr().cast(),
                        out.len() - written,
                    )
                };
                if n > 0 {
                    written += n as usize;
                } else if std::io::Error::last_os_error().kind() != std::io::ErrorKind::WouldBlock {
                    return Err(self.death_fault());
                }
            }
            if pfds[0].revents != 0 {
                let want = frames.want().min(self.scratch.len());
                match read_some(self.reply.as_raw_fd(), &mut self.scratch[..want]) {
                    Ok(0) => return Err(self.death_fault()),
                    Ok(n) => match frames.push(&self.scratch[..n]) {
                        Ok(Some(v)) => break v,
                        Ok(None) => {}
                        Err(e) => return Err(self.fail(frame_fault(e))),
                    },
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                    Err(_) => return Err(self.death_fault()),
                }
            } else if pfds[1].revents != 0 {
                return Err(self.death_fault());
            }
        };
        let cpu = self.cpu_time().unwrap_or_default().saturating_sub(cpu0);
        let wall = start.elapsed();
        // Output written before the reply is already in the pipe: take it with this move.
        self.drain_log();
        if request.is_some() && matches!(read_some(self.reply.as_raw_fd(), &mut probe), Ok(1..)) {
            return Err(self.fail(frame_fault(FrameError::Trailing(1))));
        }
        Ok(Exchange {
            frame: reply,
            cpu,
            wall,
            logs: self.logs.take_move(),
        })
    }

    fn timeout(&mut self, detail: String) -> Fault {
        self.fail(Fault::new(FaultKind::Timeout, detail))
    }

    /// Reads what the bot printed, up to a bound per call so a flood cannot hold the
    /// host here; the rest waits for the next poll.
    fn drain_log(&mut self) {
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
        self.drain_log();
        // Normally the zygote reports within a millisecond of the pipes closing. A bot
        // still alive after a moment closed its own pipe: it is killed, and said so.
        let fault = match self.wait_status(STATUS_GRACE) {
            Some(status) => self.classify(status),
            None => {
                self.kill();
                let _ = self.wait_status(STATUS_WAIT);
                Fault::new(FaultKind::Protocol, "closed its reply pipe without exiting")
            }
        };
        let logs = self.logs.take_move();
        let fault = match logs.iter().rev().find(|l| !l.trim().is_empty()) {
            Some(last) if matches!(fault.kind, FaultKind::Crash | FaultKind::Exited) => Fault::new(
                fault.kind,
                format!("{} (last output: {})", fault.detail, last),
            ),
            _ => fault,
        };
        self.fail(fault)
    }

    /// Waits up to `wait` for the zygote's report of how the process ended.
    fn wait_status(&mut self, wait: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + wait;
        let mut msg = [0u8; 16];
        let mut got = 0;
        while got < msg.len() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            let mut pfd = libc::pollfd {
                fd: self.status.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid pollfd.
            unsafe { libc::poll(&mut pfd, 1, left.as_millis().max(1) as i32) };
            match read_some(self.status.as_raw_fd(), &mut msg[got..]) {
                Ok(0) => return None,
                Ok(n) => got += n,
                Err(_) => {}
            }
        }
        let word = |i: usize| i32::from_le_bytes([msg[i], msg[i + 1], msg[i + 2], msg[i + 3]]);
        Some(ExitStatus {
            code: word(0),
            value: word(4),
            cpu_ms: word(8),
            peak_kib: word(12),
        })
    }

    fn classify(&self, status: ExitStatus) -> Fault {
        let ExitStatus {
            code,
            value,
            cpu_ms,
            peak_kib,
        } = status;
        let cpu_limit_ms = self.limits.cpu_seconds.saturating_mul(1000);
        let memory_kib = self.limits.memory_mb.saturating_mul(1024);
        // A compiled bot that runs out of memory gets a failed allocation, and usually
        // dies of it (abort, segfault, or an exit). Resident memory near the limit says why.
        let killed_by_a_limit = code != libc::CLD_EXITED
            && matches!(value, libc::SIGSYS | libc::SIGXCPU | libc::SIGKILL);
        let out_of_memory = peak_kib as u64 >= memory_kib / 10 * 9 && !killed_by_a_limit;
        match code {
            _ if out_of_memory => Fault::new(
                FaultKind::Memory,
                format!(
                    "ran out of memory: {} MiB resident at its peak, the limit is {} MiB",
                    peak_kib / 1024,
                    self.limits.memory_mb
                ),
            ),
            libc::CLD_EXITED => Fault::new(
                FaultKind::Exited,
                format!("exited with status {value} without replying"),
            ),
            _ if value == libc::SIGSYS => Fault::new(
                FaultKind::Violation,
                "made a forbidden system call and was killed by the kernel (seccomp)",
            ),
            _ if value == libc::SIGXCPU
                || (value == libc::SIGKILL && cpu_ms as u64 >= cpu_limit_ms) =>
            {
                Fault::new(
                    FaultKind::Cpu,
                    format!(
                        "used up its CPU allowance of {} s for the match ({:.2} s used)",
                        self.limits.cpu_seconds,
                        cpu_ms as f64 / 1000.0
                    ),
                )
            }
            _ => Fault::new(
                FaultKind::Crash,
                format!("crashed with {}", signal_name(value)),
            ),
        }
    }
}

/// How a bot process ended, as the zygote saw it when reaping it.
#[derive(Debug, Clone, Copy)]
struct ExitStatus {
    /// `si_code`: exited, killed or dumped.
    code: i32,
    /// The exit status or the signal.
    value: i32,
    cpu_ms: i32,
    /// Peak resident memory (`ru_maxrss`).
    peak_kib: i32,
}

fn frame_fault(e: FrameError) -> Fault {
    Fault::new(FaultKind::Protocol, cut(&e.to_string(), DETAIL_CHARS))
}

/// The wall-clock limit for a move whose CPU budget is `budget`.
pub fn backstop(budget: Duration) -> Duration {
    budget * 2 + Duration::from_secs(1)
}

impl Drop for Bot {
    fn drop(&mut self) {
        self.kill();
    }
}

impl std::fmt::Debug for Bot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bot")
            .field("pid", &self.pid)
            .field("name", &self.name)
            .finish()
    }
}
