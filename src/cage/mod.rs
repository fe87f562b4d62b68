//! The cage: every bot in its own forked process, caged by the kernel before any of its
//! code runs. [`Cage::start`] starts the zygote; [`Cage::spawn`] forks a caged bot from it.
//!
//! ```text
//! host ──control socket──► zygote (one CPython, preloaded, never runs bot code)
//!   ▲                          │ fork per bot
//!   └── pipes + pidfd ◄────── bot process: cage_self() → load source → serve moves
//! ```

mod bot;
pub(crate) mod child;
mod control;
mod fault;
pub mod frame;
mod layers;
mod log;
mod native;
mod policy;
mod pool;
mod python;
pub mod seccomp;
pub mod zygote;

pub use bot::{backstop, Bot, BotSource, Loaded, Move};
pub use child::{cage_self as apply_layers_to_current_process, ChildFds};
pub use fault::{Fault, FaultKind};
pub use layers::Layers;
pub use log::sanitize;
pub use native::{elf_interpreter, Native, LIBRARY_PATHS};
pub use policy::{CagePolicy, Limits, DEFAULT_MODULES, FORBIDDEN_MODULES};

use serde::Deserialize;
use serde_json::json;
use std::io::Read;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// How long the zygote may take to answer a spawn request, and a new bot to cage itself.
const SPAWN_TIMEOUT: Duration = Duration::from_secs(10);

/// Failures of the runner itself (never of a bot).
#[derive(Debug, thiserror::Error)]
pub enum CageError {
    #[error("cannot start the zygote {program}: {reason}")]
    Start { program: String, reason: String },
    #[error("the zygote stopped answering: {0}")]
    Zygote(String),
    #[error("cannot cage a bot: {0}")]
    Layer(String),
}

/// What the zygote reported once ready.
#[derive(Debug, Clone, Deserialize)]
pub struct ZygoteInfo {
    /// `sys.version` of the embedded interpreter (first line).
    pub python: String,
    /// The user id bots run as.
    pub uid: u32,
    /// Modules bots may import.
    pub modules: Vec<String>,
}

/// A bot's code as the cage runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Program {
    /// Source sent to a caged process of the embedded CPython.
    Python(BotSource),
    /// An executable run by a caged process (see `native.rs`).
    Native(Native),
}

/// A running zygote. Dropping it kills the zygote and with it every bot it forked.
pub struct Cage {
    control: Arc<Mutex<OwnedFd>>,
    pool: Option<Arc<pool::Pool>>,
    filler: Option<JoinHandle<()>>,
    zygote_pidfd: OwnedFd,
    zygote_pid: libc::pid_t,
    keeper: Option<JoinHandle<()>>,
    info: ZygoteInfo,
    limits: Limits,
}

fn poll_in(fd: std::os::fd::BorrowedFd<'_>, timeout: Duration) -> bool {
    let mut pfd = libc::pollfd {
        fd: fd.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    let n = unsafe {
        libc::poll(
            &mut pfd,
            1,
            timeout.as_millis().min(i32::MAX as u128) as i32,
        )
    };
    n > 0
}

impl Cage {
    /// Starts the zygote (`policy.program __zygote`), which initialises CPython and
    /// preloads `policy.modules`. Fails with a readable reason if Python cannot start or
    /// a forbidden module would be loaded.
    pub fn start(policy: &CagePolicy) -> Result<Cage, CageError> {
        let start_err = |reason: String| CageError::Start {
            program: policy.program.display().to_string(),
            reason,
        };
        let (host, zygote_end) = socketpair().map_err(|e| start_err(format!("socketpair: {e}")))?;
        let program = policy.program.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        // The zygote dies with the thread that forked it (PR_SET_PDEATHSIG follows the
        // thread), so a dedicated thread forks it and lives exactly as long as it does.
        let keeper = std::thread::Builder::new()
            .name("cagematch-zygote".into())
            .spawn(move || {
                let raw = zygote_end.as_raw_fd();
                let mut cmd = Command::new(&program);
                cmd.arg(zygote::ARG)
                    .arg(std::process::id().to_string())
                    .env_clear()
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped());
                // SAFETY: only async-signal-safe calls between fork and exec.
                unsafe {
                    cmd.pre_exec(move || {
                        if raw == zygote::CONTROL_FD {
                            libc::fcntl(raw, libc::F_SETFD, 0);
                        } else if libc::dup2(raw, zygote::CONTROL_FD) < 0 {
                            return Err(std::io::Error::last_os_error());
                        }
                        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0);
                        Ok(())
                    });
                }
                let spawned = cmd.spawn();
                drop(zygote_end);
                match spawned {
                    Ok(mut child) => {
                        let pid = child.id() as libc::pid_t;
                        let _ = tx.send(Ok((pid, zygote::pidfd_open(pid), child.stderr.take())));
                        let _ = child.wait();
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e.to_string()));
                    }
                }
            })
            .map_err(|e| start_err(format!("cannot start a thread: {e}")))?;
        let (zygote_pid, pidfd, stderr) = match rx.recv() {
            Ok(Ok((pid, Ok(pidfd), stderr))) => (pid, pidfd, stderr),
            Ok(Ok((_, Err(e), _))) => return Err(start_err(format!("pidfd_open: {e}"))),
            Ok(Err(e)) => return Err(start_err(e)),
            Err(_) => return Err(start_err("the start-up thread died".into())),
        };
        match handshake(&host, policy) {
            Ok(info) => {
                let control = Arc::new(Mutex::new(host));
                let (pool, filler) = if policy.pool > 0 {
                    let pool = Arc::new(pool::Pool::new(policy.pool));
                    let (p, c, limits) = (
                        Arc::clone(&pool),
                        Arc::clone(&control),
                        policy.limits.clone(),
                    );
                    let filler = std::thread::Builder::new()
                        .name("cagematch-pool".into())
                        .spawn(move || p.fill(|| spawn_on(&c, &limits, None).ok()))
                        .map_err(|e| start_err(format!("cannot start a thread: {e}")))?;
                    (Some(pool), Some(filler))
                } else {
                    (None, None)
                };
                Ok(Cage {
                    control,
                    pool,
                    filler,
                    zygote_pidfd: pidfd,
                    zygote_pid,
                    keeper: Some(keeper),
                    info,
                    limits: policy.limits.clone(),
                })
            }
            Err(reason) => {
                // Kill first: a hung zygote holds its stderr open, and reading that to
                // the end would wait forever. Its last line usually says what went wrong.
                zygote::kill(pidfd.as_fd());
                let _ = keeper.join();
                let mut text = String::new();
                if let Some(mut s) = stderr {
                    let _ = s.read_to_string(&mut text);
                }
                Err(match text.trim().lines().last() {
                    Some(last) => start_err(format!("{reason}: {last}")),
                    None => start_err(reason),
                })
            }
        }
    }

    /// The zygote's process id (the parent of every bot process).
    pub fn zygote_pid(&self) -> libc::pid_t {
        self.zygote_pid
    }

    pub fn info(&self) -> &ZygoteInfo {
        &self.info
    }

    /// The limits bots get from [`Cage::spawn`].
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Forks a caged bot process with the cage's limits.
    pub fn spawn(&self) -> Result<Bot, CageError> {
        self.spawn_with(&self.limits)
    }

    /// A caged bot process with the given limits: from the pool of ready ones when the
    /// cage keeps one and the limits are the cage's, otherwise forked now. The bot is
    /// caged (every layer applied and reported) before this returns; its source is sent
    /// by [`Bot::load`]. It runs on the CPUs the calling thread is pinned to.
    pub fn spawn_with(&self, limits: &Limits) -> Result<Bot, CageError> {
        let pooled = match &self.pool {
            Some(pool) if *limits == self.limits => pool.take(),
            _ => None,
        };
        let bot = match pooled {
            Some(bot) => bot,
            None => spawn_on(&self.control, limits, None)?,
        };
        // A bot runs where the spawning thread is pinned to (a worker's core).
        crate::affinity::share_with(bot.pid());
        Ok(bot)
    }

    /// A caged process for `program`, with the cage's limits: a Python process (from the
    /// pool when there is one) or a compiled bot's, caged and about to execute its image.
    pub fn spawn_program(&self, program: &Program) -> Result<Bot, CageError> {
        match program {
            Program::Python(_) => self.spawn(),
            Program::Native(native) => {
                let bot = spawn_on(&self.control, &self.limits, Some(native))?;
                crate::affinity::share_with(bot.pid());
                Ok(bot)
            }
        }
    }
}

/// Asks the zygote for one caged bot: a Python one, or one that executes `native`.
fn spawn_on(
    control: &Mutex<OwnedFd>,
    limits: &Limits,
    native: Option<&Native>,
) -> Result<Bot, CageError> {
    let image = native
        .map(Native::memfd)
        .transpose()
        .map_err(|e| CageError::Layer(format!("cannot copy the bot's executable: {e}")))?;
    let request = match native {
        Some(n) => json!({ "spawn": limits, "exec": n.exec_spec() }),
        None => json!({ "spawn": limits }),
    };
    let (pid, fds) = {
        let control = control
            .lock()
            .map_err(|_| CageError::Zygote("a spawn panicked".into()))?;
        let image_fd: Vec<_> = image.iter().map(|f| f.as_raw_fd()).collect();
        control::send(control.as_fd(), &request, &image_fd)
            .map_err(|e| CageError::Zygote(e.to_string()))?;
        if !poll_in(control.as_fd(), SPAWN_TIMEOUT) {
            return Err(CageError::Zygote("no answer to a spawn request".into()));
        }
        match control::recv(control.as_fd()) {
            Ok(Some((v, fds))) => match v
                .get("spawned")
                .and_then(|s| s.get("pid"))
                .and_then(|p| p.as_i64())
            {
                Some(pid) => (pid as libc::pid_t, fds),
                None => {
                    let why = v
                        .get("error")
                        .and_then(|e| e.as_str())
                        .unwrap_or("unexpected reply");
                    return Err(CageError::Zygote(why.to_string()));
                }
            },
            Ok(None) => return Err(CageError::Zygote("the zygote has exited".into())),
            Err(e) => return Err(CageError::Zygote(e.to_string())),
        }
    };
    Bot::new(pid, fds, limits, SPAWN_TIMEOUT, native.is_some())
        .map(|(bot, _)| bot)
        .map_err(CageError::Layer)
}

impl Drop for Cage {
    fn drop(&mut self) {
        if let Some(pool) = &self.pool {
            pool.close();
        }
        // Killing the zygote also ends a spawn the filler may be waiting on.
        zygote::kill(self.zygote_pidfd.as_fd());
        if let Some(filler) = self.filler.take() {
            let _ = filler.join();
        }
        if let Some(pool) = &self.pool {
            pool.close();
        }
        if let Some(keeper) = self.keeper.take() {
            let _ = keeper.join();
        }
    }
}

/// Sends the zygote its set-up and waits for it to report ready.
fn handshake(control: &OwnedFd, policy: &CagePolicy) -> Result<ZygoteInfo, String> {
    // A send can only fail because the zygote is already gone.
    control::send(control.as_fd(), &json!({ "modules": policy.modules }), &[])
        .map_err(|_| "the zygote exited during start-up".to_string())?;
    if !poll_in(control.as_fd(), policy.start_timeout) {
        return Err("the zygote did not start in time".into());
    }
    let message = match control::recv(control.as_fd()) {
        Ok(Some((v, _))) => v,
        Ok(None) | Err(_) => return Err("the zygote exited during start-up".into()),
    };
    if let Some(info) = message.get("ready") {
        return serde_json::from_value(info.clone()).map_err(|e| format!("bad ready message: {e}"));
    }
    Err(message
        .get("error")
        .and_then(|e| e.as_str())
        .unwrap_or("unexpected message from the zygote")
        .to_string())
}

fn socketpair() -> std::io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: socketpair fills two descriptors we then own.
    if unsafe {
        libc::socketpair(
            libc::AF_UNIX,
            libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC,
            0,
            fds.as_mut_ptr(),
        )
    } != 0
    {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: fresh descriptors.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}
