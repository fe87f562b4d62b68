//! The host's side of the zygote: start it, hand it the policy, ask it for caged bots.

use super::bot::Bot;
use super::cgroup::{CgroupError, Cgroups};
use super::dialect::Dialect;
use super::native::Native;
use super::pool::Pool;
use super::program::{BotSource, Program};
use crate::cage::control;
use crate::cage::pidfd::{self, poll_in};
use crate::cage::policy::{CagePolicy, Limits};
use crate::cage::protocol::{self, Setup, SpawnRequest, ZygoteInfo, ZygoteReply};
pub use crate::error::CageError;
use std::io::Read;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::Duration;

/// How long the zygote may take to answer a spawn request, and a new bot to cage itself.
const SPAWN_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a zygote that stopped answering may take to be seen exiting.
const ZYGOTE_EXIT_WAIT: Duration = Duration::from_secs(1);

/// A running zygote and the bots it keeps ready. Dropping it kills the zygote and with it
/// every bot it forked.
struct Zygote {
    control: Arc<Mutex<OwnedFd>>,
    pool: Option<Arc<Pool>>,
    filler: Option<JoinHandle<()>>,
    zygote_pidfd: OwnedFd,
    zygote_pid: libc::pid_t,
    keeper: Option<JoinHandle<()>>,
    info: ZygoteInfo,
}

/// The cage: a zygote that forks caged bots, started again if it dies (the matches it
/// was serving fail as the runner's fault, never the bots', and are played again).
pub struct Cage {
    policy: CagePolicy,
    /// Where each bot gets a cgroup of its own, or why it cannot.
    cgroups: Result<Arc<Cgroups>, CgroupError>,
    zygote: RwLock<Arc<Zygote>>,
    /// Zygotes started after the first one died.
    restarts: AtomicUsize,
}

impl Cage {
    /// Starts the zygote (`policy.program __zygote`), which initialises CPython and
    /// preloads `policy.modules`. Fails with a readable reason if Python cannot start or
    /// a forbidden module would be loaded.
    pub fn start(policy: &CagePolicy) -> Result<Cage, CageError> {
        let cgroups = Cgroups::probe().map(Arc::new);
        Ok(Cage {
            policy: policy.clone(),
            zygote: RwLock::new(Arc::new(Zygote::start(policy, cgroups.as_ref().ok())?)),
            cgroups,
            restarts: AtomicUsize::new(0),
        })
    }

    fn current(&self) -> Arc<Zygote> {
        match self.zygote.read() {
            Ok(z) => Arc::clone(&z),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// The zygote to spawn from: the current one, or a new one if it has died.
    fn live(&self) -> Result<Arc<Zygote>, CageError> {
        let current = self.current();
        if !current.dead() {
            return Ok(current);
        }
        let mut slot = self.zygote.write().unwrap_or_else(|p| p.into_inner());
        if Arc::ptr_eq(&slot, &current) {
            *slot = Arc::new(Zygote::start(&self.policy, self.cgroups.as_ref().ok())?);
            self.restarts.fetch_add(1, Ordering::Relaxed);
        }
        Ok(Arc::clone(&slot))
    }

    /// Each bot's cgroup limits in words, or why bots get none (the other layers hold).
    pub fn cgroups(&self) -> Result<String, CgroupError> {
        match &self.cgroups {
            Ok(c) => Ok(c.describe(self.policy.limits.resident())),
            Err(e) => Err(e.clone()),
        }
    }

    /// How many times the zygote died and was started again.
    pub fn restarts(&self) -> usize {
        self.restarts.load(Ordering::Relaxed)
    }

    /// The zygote's process id (the parent of every bot process).
    pub fn zygote_pid(&self) -> libc::pid_t {
        self.current().zygote_pid
    }

    pub fn info(&self) -> ZygoteInfo {
        self.current().info.clone()
    }

    /// The limits bots get from [`Cage::spawn`].
    pub fn limits(&self) -> &Limits {
        &self.policy.limits
    }

    /// Forks a caged bot process with the cage's limits.
    pub fn spawn(&self) -> Result<Bot, CageError> {
        self.spawn_with(&self.policy.limits)
    }

    /// A caged bot process with the given limits: from the pool of ready ones when the
    /// cage keeps one and the limits are the cage's, otherwise forked now. The bot is
    /// caged (every layer applied and reported) before this returns; its source is sent
    /// by [`Bot::load`]. It runs on the CPUs the calling thread is pinned to.
    pub fn spawn_with(&self, limits: &Limits) -> Result<Bot, CageError> {
        let bot = self.on_live_zygote(|zygote| {
            let pooled = match &zygote.pool {
                Some(pool) if *limits == self.policy.limits => pool.take(),
                _ => None,
            };
            match pooled {
                Some(bot) => Ok(bot),
                None => spawn_on(
                    &zygote.control,
                    limits,
                    Spawn::Python,
                    self.cgroups.as_deref().ok(),
                ),
            }
        })?;
        // A bot runs where the spawning thread is pinned to (a worker's core).
        crate::affinity::share_with(bot.pid());
        Ok(bot)
    }

    /// `spawn` on the live zygote; if the zygote turns out to be dying (its socket closes
    /// a moment before its pidfd says it exited), once more on the one started after it.
    fn on_live_zygote(
        &self,
        spawn: impl Fn(&Zygote) -> Result<Bot, CageError>,
    ) -> Result<Bot, CageError> {
        let zygote = self.live()?;
        match spawn(&zygote) {
            Err(CageError::Zygote(_)) if zygote.exits_within(ZYGOTE_EXIT_WAIT) => {
                spawn(self.live()?.as_ref())
            }
            other => other,
        }
    }

    /// A caged process for `program`, with the cage's limits: a Python process (from the
    /// pool when there is one) or a compiled bot's, caged and about to execute its image.
    pub fn spawn_program(&self, program: &Program) -> Result<Bot, CageError> {
        let kind = match program {
            Program::Python(BotSource { bundle: None, .. }) => return self.spawn(),
            Program::Python(BotSource {
                bundle: Some(bundle),
                ..
            }) => Spawn::Bundle(&bundle.base),
            Program::Native(native) => Spawn::Native(native),
        };
        let cgroups = self.cgroups.as_deref().ok();
        let bot = self.on_live_zygote(|zygote| {
            spawn_on(&zygote.control, &self.policy.limits, kind, cgroups)
        })?;
        crate::affinity::share_with(bot.pid());
        Ok(bot)
    }
}

impl Zygote {
    fn start(policy: &CagePolicy, cgroups: Option<&Arc<Cgroups>>) -> Result<Zygote, CageError> {
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
                cmd.arg(protocol::ZYGOTE_ARG)
                    .arg(std::process::id().to_string())
                    .env_clear()
                    .envs(crate::cage::policy::ZYGOTE_ENV.iter().copied())
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped());
                // SAFETY: only async-signal-safe calls between fork and exec.
                unsafe {
                    cmd.pre_exec(move || {
                        if raw == protocol::CONTROL_FD {
                            libc::fcntl(raw, libc::F_SETFD, 0);
                        } else if libc::dup2(raw, protocol::CONTROL_FD) < 0 {
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
                        let _ = tx.send(Ok((pid, pidfd::open(pid), child.stderr.take())));
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
                    let pool = Arc::new(Pool::new(policy.pool));
                    let (p, c, limits) = (
                        Arc::clone(&pool),
                        Arc::clone(&control),
                        policy.limits.clone(),
                    );
                    let groups = cgroups.cloned();
                    let filler = std::thread::Builder::new()
                        .name("cagematch-pool".into())
                        .spawn(move || {
                            p.fill(|| spawn_on(&c, &limits, Spawn::Python, groups.as_deref()).ok())
                        })
                        .map_err(|e| start_err(format!("cannot start a thread: {e}")))?;
                    (Some(pool), Some(filler))
                } else {
                    (None, None)
                };
                Ok(Zygote {
                    control,
                    pool,
                    filler,
                    zygote_pidfd: pidfd,
                    zygote_pid,
                    keeper: Some(keeper),
                    info,
                })
            }
            Err(reason) => {
                // Kill first: a hung zygote holds its stderr open, and reading that to
                // the end would wait forever. Its last line usually says what went wrong.
                pidfd::kill(pidfd.as_fd());
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

    /// True once the zygote process has exited.
    fn dead(&self) -> bool {
        poll_in(self.zygote_pidfd.as_fd(), Duration::ZERO)
    }

    /// True if the zygote has exited, or does within `wait`.
    fn exits_within(&self, wait: Duration) -> bool {
        poll_in(self.zygote_pidfd.as_fd(), wait)
    }
}

/// What kind of bot process to fork.
#[derive(Clone, Copy)]
enum Spawn<'a> {
    /// A one-file Python bot (it can read no file at all).
    Python,
    /// A Python bundle, which may read its private copy (this base) and nothing else.
    Bundle(&'a Path),
    /// A compiled bot, which executes this image.
    Native(&'a Native),
}

/// Asks the zygote for one caged bot of `kind`, in a cgroup of its own when `cgroups`
/// can make one.
fn spawn_on(
    control: &Mutex<OwnedFd>,
    limits: &Limits,
    kind: Spawn<'_>,
    cgroups: Option<&Cgroups>,
) -> Result<Bot, CageError> {
    let native = match kind {
        Spawn::Native(native) => Some(native),
        _ => None,
    };
    let image = native
        .map(Native::memfd)
        .transpose()
        .map_err(|e| CageError::Spawn(format!("cannot copy the bot's executable: {e}")))?;
    let (cgroup, procs) = match cgroups {
        Some(c) => {
            let (group, procs) = c
                .create(limits.resident())
                .map_err(|e| CageError::Spawn(format!("cannot create the bot's cgroup: {e}")))?;
            (Some(group), procs)
        }
        None => (None, Vec::new()),
    };
    let request = SpawnRequest {
        spawn: limits.clone(),
        exec: native.map(Native::exec_spec),
        cgroups: procs.len(),
        bundle: match kind {
            Spawn::Bundle(base) => Some(base.to_path_buf()),
            _ => None,
        },
    };
    let (pid, fds) = {
        let control = control
            .lock()
            .map_err(|_| CageError::Zygote("a spawn panicked".into()))?;
        let sent: Vec<_> = image.iter().chain(&procs).map(|f| f.as_raw_fd()).collect();
        control::send(control.as_fd(), &request, &sent)
            .map_err(|e| CageError::Zygote(e.to_string()))?;
        if !poll_in(control.as_fd(), SPAWN_TIMEOUT) {
            return Err(CageError::Zygote("no answer to a spawn request".into()));
        }
        match control::recv::<ZygoteReply>(control.as_fd()) {
            Ok(Some((ZygoteReply::Spawned { pid }, fds))) => (pid, fds),
            Ok(Some((ZygoteReply::Error(why), _))) => return Err(CageError::Zygote(why)),
            Ok(Some((ZygoteReply::Ready(_), _))) => {
                return Err(CageError::Zygote("unexpected reply".into()))
            }
            Ok(None) => return Err(CageError::Zygote("the zygote has exited".into())),
            Err(e) => return Err(CageError::Zygote(e.to_string())),
        }
    };
    let dialect = match native {
        Some(_) => Dialect::Native,
        None => Dialect::Python,
    };
    Bot::new(pid, fds, limits, SPAWN_TIMEOUT, dialect, cgroup)
}

impl Drop for Zygote {
    fn drop(&mut self) {
        if let Some(pool) = &self.pool {
            pool.close();
        }
        // Killing the zygote also ends a spawn the filler may be waiting on.
        pidfd::kill(self.zygote_pidfd.as_fd());
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
    let setup = Setup {
        modules: policy.modules.clone(),
        site: policy.site.clone(),
    };
    control::send(control.as_fd(), &setup, &[])
        .map_err(|_| "the zygote exited during start-up".to_string())?;
    if !poll_in(control.as_fd(), policy.start_timeout) {
        return Err("the zygote did not start in time".into());
    }
    match control::recv::<ZygoteReply>(control.as_fd()) {
        Ok(Some((ZygoteReply::Ready(info), _))) => Ok(info),
        Ok(Some((ZygoteReply::Error(why), _))) => Err(why),
        Ok(Some(_)) => Err("unexpected message from the zygote".into()),
        Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
            Err(format!("bad message from the zygote: {e}"))
        }
        Ok(None) | Err(_) => Err("the zygote exited during start-up".into()),
    }
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
