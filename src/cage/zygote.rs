//! The zygote: a single-threaded process, exec'd once per cage, that starts CPython,
//! preloads the allowed modules, drops root, and then forks caged bot processes on
//! request. It holds no bot source and no secrets, and it reaps every bot it forks.

use super::child::{self, ChildFds};
use super::control;
use super::native::{self, ExecSpec};
use super::policy::Limits;
use super::python::{self, Prepared};
use pyo3::Python;
use serde::Deserialize;
use serde_json::json;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

/// The control socket's descriptor number in the zygote.
pub const CONTROL_FD: RawFd = 3;
/// The argument that turns `cagematch` into a zygote.
pub const ARG: &str = "__zygote";
/// The argument that runs the bench's cold-start baseline (`cagematch __cold SOURCE`).
pub const COLD_ARG: &str = "__cold";

/// `cagematch __cold SOURCE`: see [`super::python::cold_start`].
pub fn cold(args: &[String]) -> i32 {
    match super::python::cold_start(args.first().map_or("", String::as_str)) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("{e}");
            1
        }
    }
}
/// User and group that bots run as when the runner is root.
const NOBODY: libc::uid_t = 65534;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Setup {
    modules: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpawnRequest {
    spawn: Limits,
    /// A compiled bot: its image comes as the message's one descriptor.
    #[serde(default)]
    exec: Option<ExecSpec>,
}

struct Bot {
    pidfd: OwnedFd,
    status: OwnedFd,
}

/// Entry point of `cagematch __zygote HOST_PID`. Returns the exit code.
pub fn main(args: &[String]) -> i32 {
    // SAFETY: the host dup2'd the control socket onto fd 3 before exec.
    let control = unsafe { OwnedFd::from_raw_fd(CONTROL_FD) };
    let host: libc::pid_t = args.first().and_then(|a| a.parse().ok()).unwrap_or(-1);
    // SAFETY: getppid cannot fail.
    if unsafe { libc::getppid() } != host {
        return 1;
    }
    // Its own session: a Ctrl-C at the terminal is the runner's to handle (it stops
    // cleanly and kills the bots); it must not kill the zygote under running matches.
    // SAFETY: setsid has no memory effects; failing (already a leader) is harmless.
    unsafe { libc::setsid() };
    match run(control.as_fd(), host) {
        Ok(()) => 0,
        Err(e) => {
            let _ = control::send(control.as_fd(), &json!({ "error": e }), &[]);
            1
        }
    }
}

fn run(control: BorrowedFd<'_>, host: libc::pid_t) -> Result<(), String> {
    let setup: Setup = match control::recv(control).map_err(|e| e.to_string())? {
        Some((v, _)) => serde_json::from_value(v).map_err(|e| e.to_string())?,
        None => return Ok(()),
    };
    shared_namespaces();
    python::initialize()?;
    Python::attach(|py| {
        let prep = Prepared::new(py, &setup.modules)?;
        let uid = drop_root(host)?;
        control::send(
            control,
            &json!({ "ready": { "python": prep.version, "uid": uid, "modules": setup.modules } }),
            &[],
        )
        .map_err(|e| e.to_string())?;
        serve(py, &prep, control);
        Ok(())
    })
}

/// Moves the zygote into a new, empty network namespace and makes every process it forks
/// from now on live in a new PID namespace; every bot inherits both. One of each for all
/// bots instead of one created and torn down per bot (the kernel tears network namespaces
/// down in shared workers, which cost tournaments throughput; a PID namespace per bot
/// needs an extra process per bot). Bots cannot create sockets or signal anyone anyway;
/// the namespaces are one more wall. As root these are plain `unshare`s; otherwise the
/// zygote first enters a user namespace that maps only its own ids. If the kernel
/// refuses, each bot tries for its network namespace itself, and the PID namespace is
/// reported missing.
fn shared_namespaces() {
    shared_network();
    // SAFETY: unshare of the namespace for our future children; single-threaded here.
    if unsafe { libc::unshare(libc::CLONE_NEWPID) } == 0 && pid_namespace_init() {
        super::child::SHARED_PID.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Forks the new PID namespace's first process, its init: it only waits, so the
/// namespace lives as long as the zygote (when it dies, the kernel kills every bot in it).
/// A failure leaves a namespace without an init, where a second fork would fail: fatal.
fn pid_namespace_init() -> bool {
    // SAFETY: our own pid; fork in a single-threaded process; the child only makes
    // async-signal-safe calls and never returns.
    unsafe {
        let Ok(zygote) = pidfd_open(libc::getpid()) else {
            return false;
        };
        match libc::fork() {
            0 => {
                // Not root: the zygote drops to nobody later, and a parent-death signal
                // is only delivered if the dying parent could have sent it itself.
                if libc::geteuid() == 0
                    && (libc::setgroups(0, std::ptr::null()) != 0
                        || libc::setresgid(NOBODY, NOBODY, NOBODY) != 0
                        || libc::setresuid(NOBODY, NOBODY, NOBODY) != 0)
                {
                    libc::_exit(1);
                }
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0);
                // The zygote may have died before the prctl: then nothing would kill us.
                let mut pfd = libc::pollfd {
                    fd: zygote.as_raw_fd(),
                    events: libc::POLLIN,
                    revents: 0,
                };
                if libc::poll(&mut pfd, 1, 0) != 0 {
                    libc::_exit(0);
                }
                libc::syscall(libc::SYS_close_range, 0u32, u32::MAX, 0u32);
                loop {
                    libc::pause();
                }
            }
            pid if pid > 0 => true,
            _ => {
                eprintln!(
                    "cannot start the bots' PID namespace: {}",
                    std::io::Error::last_os_error()
                );
                libc::_exit(1)
            }
        }
    }
}

fn shared_network() {
    // SAFETY: unshare and writes to our own /proc files; single-threaded here.
    let ok = unsafe {
        if libc::geteuid() == 0 {
            libc::unshare(libc::CLONE_NEWNET) == 0
        } else {
            let (uid, gid) = (libc::geteuid(), libc::getegid());
            libc::unshare(libc::CLONE_NEWUSER | libc::CLONE_NEWNET) == 0
                && std::fs::write("/proc/self/setgroups", "deny").is_ok()
                && std::fs::write("/proc/self/uid_map", format!("{uid} {uid} 1")).is_ok()
                && std::fs::write("/proc/self/gid_map", format!("{gid} {gid} 1")).is_ok()
        }
    };
    super::child::SHARED_NETWORK.store(ok, std::sync::atomic::Ordering::Relaxed);
}

/// Bots never run as root: a root runner's zygote becomes `nobody` once Python has read
/// everything it needs. Credential changes clear the parent-death signal, so it is set again.
fn drop_root(host: libc::pid_t) -> Result<libc::uid_t, String> {
    // SAFETY: plain credential syscalls on this single-threaded process.
    unsafe {
        if libc::geteuid() == 0
            && (libc::setgroups(0, std::ptr::null()) != 0
                || libc::setresgid(NOBODY, NOBODY, NOBODY) != 0
                || libc::setresuid(NOBODY, NOBODY, NOBODY) != 0)
        {
            return Err(format!(
                "running as root, and could not switch bots to user nobody: {}",
                std::io::Error::last_os_error()
            ));
        }
        if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) != 0
            || libc::getppid() != host
        {
            return Err("the runner went away during start-up".into());
        }
        Ok(libc::getuid())
    }
}

/// Waits for spawn requests and for bots to exit, until the host closes the socket.
fn serve(py: Python<'_>, prep: &Prepared, control: BorrowedFd<'_>) {
    let mut bots: Vec<Bot> = Vec::new();
    loop {
        let mut pfds: Vec<libc::pollfd> = std::iter::once(control.as_raw_fd())
            .chain(bots.iter().map(|b| b.pidfd.as_raw_fd()))
            .map(|fd| libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            })
            .collect();
        // SAFETY: pfds is a valid array of pollfd for the duration of the call.
        let n = unsafe { libc::poll(pfds.as_mut_ptr(), pfds.len() as libc::nfds_t, -1) };
        if n < 0 {
            continue; // EINTR
        }
        // Reap first, newest index last so removal keeps the others' positions.
        for i in (1..pfds.len()).rev() {
            if pfds[i].revents != 0 {
                let bot = bots.swap_remove(i - 1);
                report_exit(&bot);
            }
        }
        if pfds[0].revents == 0 {
            continue;
        }
        let (request, mut fds) = match control::recv(control) {
            Ok(Some(message)) => message,
            Ok(None) | Err(_) => break,
        };
        let request = serde_json::from_value::<SpawnRequest>(request)
            .map_err(|e| e.to_string())
            .and_then(|req| match (req.exec, fds.pop(), fds.is_empty()) {
                (None, None, _) => Ok((req.spawn, None)),
                (Some(exec), Some(image), true) => Ok((req.spawn, Some((exec, image)))),
                _ => Err("a compiled bot comes with exactly one descriptor".into()),
            });
        let reply = match request {
            Ok((limits, exec)) => match spawn(py, prep, &limits, exec.as_ref()) {
                Ok((pid, host_fds, bot)) => {
                    bots.push(bot);
                    let raw: Vec<RawFd> = host_fds.iter().map(|f| f.as_raw_fd()).collect();
                    control::send(control, &json!({ "spawned": { "pid": pid } }), &raw)
                }
                Err(e) => control::send(control, &json!({ "error": e }), &[]),
            },
            Err(e) => control::send(control, &json!({ "error": e }), &[]),
        };
        if reply.is_err() {
            break;
        }
    }
    for bot in &bots {
        kill(bot.pidfd.as_fd());
    }
}

/// Sends SIGKILL through a pidfd (no risk of hitting a recycled pid).
pub fn kill(pidfd: BorrowedFd<'_>) {
    // SAFETY: pidfd_send_signal on a descriptor we own; failure means it is already gone.
    unsafe {
        libc::syscall(
            libc::SYS_pidfd_send_signal,
            pidfd.as_raw_fd(),
            libc::SIGKILL,
            std::ptr::null::<libc::siginfo_t>(),
            0,
        );
    }
}

/// Reaps a bot and tells the host how it ended: `[si_code, si_status, cpu_ms, peak_kib]`
/// as four little-endian i32 (the CPU total lets the host tell a CPU-limit kill from
/// others, the peak resident memory an out-of-memory crash from others).
fn report_exit(bot: &Bot) {
    const P_PIDFD: libc::c_int = 3;
    // SAFETY: the raw waitid (which, unlike glibc's wrapper, fills a rusage) on our own
    // child's pidfd, with zeroed structures to fill.
    let (code, status, usage) = unsafe {
        let mut info: libc::siginfo_t = std::mem::zeroed();
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::syscall(
            libc::SYS_waitid,
            P_PIDFD,
            bot.pidfd.as_raw_fd(),
            &mut info as *mut libc::siginfo_t,
            libc::WEXITED,
            &mut usage as *mut libc::rusage,
        ) != 0
        {
            return;
        }
        (info.si_code, info.si_status(), usage)
    };
    let ms = |t: libc::timeval| t.tv_sec * 1000 + t.tv_usec / 1000;
    let cpu_ms = (ms(usage.ru_utime) + ms(usage.ru_stime)).clamp(0, i32::MAX as i64) as i32;
    let peak_kib = usage.ru_maxrss.clamp(0, i32::MAX as i64) as i32;
    let mut msg = [0u8; 16];
    msg[..4].copy_from_slice(&code.to_le_bytes());
    msg[4..8].copy_from_slice(&status.to_le_bytes());
    msg[8..12].copy_from_slice(&cpu_ms.to_le_bytes());
    msg[12..].copy_from_slice(&peak_kib.to_le_bytes());
    // SAFETY: writing 16 bytes to a pipe we own; a closed reader is fine.
    unsafe { libc::write(bot.status.as_raw_fd(), msg.as_ptr().cast(), msg.len()) };
}

fn pipe() -> Result<(OwnedFd, OwnedFd), String> {
    let mut fds = [0; 2];
    // SAFETY: pipe2 fills two descriptors we then own.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(format!("pipe: {}", std::io::Error::last_os_error()));
    }
    // SAFETY: both are fresh descriptors.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// A pidfd for a child the caller has not reaped yet (so the pid cannot be recycled).
pub fn pidfd_open(pid: libc::pid_t) -> std::io::Result<OwnedFd> {
    // SAFETY: pidfd_open on our own unreaped child.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: a fresh descriptor.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

type Spawned = (libc::pid_t, Vec<OwnedFd>, Bot);

/// Forks one bot process, which cages itself and then serves the host (a Python bot) or
/// executes `exec`'s image (a compiled bot).
fn spawn(
    py: Python<'_>,
    prep: &Prepared,
    limits: &Limits,
    exec: Option<&(ExecSpec, OwnedFd)>,
) -> Result<Spawned, String> {
    let (req_r, req_w) = pipe()?;
    let (rep_r, rep_w) = pipe()?;
    let (log_r, log_w) = pipe()?;
    let (status_r, status_w) = pipe()?;
    // SAFETY: getpid cannot fail.
    let zygote = unsafe { libc::getpid() };
    // SAFETY: the GIL is held (we are inside Python::attach) and this process has one
    // thread, so fork is safe; the Py*Fork calls keep CPython's locks consistent.
    let pid = unsafe {
        pyo3::ffi::PyOS_BeforeFork();
        let pid = libc::fork();
        if pid == 0 {
            pyo3::ffi::PyOS_AfterFork_Child();
            let fds = ChildFds {
                request: req_r.as_raw_fd(),
                log: log_w.as_raw_fd(),
                reply: rep_w.as_raw_fd(),
                image: exec.map(|(_, image)| image.as_raw_fd()),
            };
            match exec {
                Some((spec, _)) => native_main(fds, zygote, limits, spec),
                None => bot_main(py, prep, fds, zygote, limits),
            }
        }
        pyo3::ffi::PyOS_AfterFork_Parent();
        pid
    };
    if pid < 0 {
        return Err(format!("fork: {}", std::io::Error::last_os_error()));
    }
    drop((req_r, rep_w, log_w));
    let pidfd = |pid| pidfd_open(pid).map_err(|e| format!("pidfd_open: {e}"));
    let host_pidfd = pidfd(pid)?;
    let own_pidfd = pidfd(pid)?;
    Ok((
        pid,
        vec![req_w, rep_r, log_r, status_r, host_pidfd],
        Bot {
            pidfd: own_pidfd,
            status: status_w,
        },
    ))
}

/// The bot process: cage, then serve. Never returns into the zygote's code.
fn bot_main(
    py: Python<'_>,
    prep: &Prepared,
    fds: ChildFds,
    zygote: libc::pid_t,
    limits: &Limits,
) -> ! {
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let caged = child::isolate(fds, zygote, limits).and_then(|isolated| {
            let streams = python::redirect_output(py, prep)?;
            Ok((child::lock(isolated)?, streams))
        });
        match caged {
            Ok((layers, streams)) => python::serve(py, prep, &layers, streams),
            Err(e) => report(child::FD_REPLY, &json!({ "cage_error": e })),
        }
    }));
    // SAFETY: leave without running destructors or Python finalisation.
    unsafe { libc::_exit(101) }
}

/// Writes one trusted frame (the set-up report) on the child's reply descriptor.
fn report(fd: RawFd, value: &serde_json::Value) {
    // SAFETY: `fd` is the reply pipe once the descriptors are in place (isolate returns
    // errors only after that); ManuallyDrop keeps it open.
    let mut reply = std::mem::ManuallyDrop::new(unsafe { std::fs::File::from_raw_fd(fd) });
    let _ = super::frame::write_frame(&mut *reply, value);
}

/// A compiled bot's process: cage, report the layers, execute the image. If the exec
/// fails the reason goes to the bot's log and the process exits 127.
fn native_main(fds: ChildFds, zygote: libc::pid_t, limits: &Limits, spec: &ExecSpec) -> ! {
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let caged = child::isolate(fds, zygote, limits).and_then(|isolated| {
            let prepared = native::Prepared::new(spec)?;
            Ok((child::lock_native(isolated, spec)?, prepared))
        });
        match caged {
            Ok((layers, prepared)) => {
                report(fds.reply_fd(), &json!({ "caged": layers }));
                let error = prepared.exec();
                let line = format!("cagematch: cannot execute the bot: {error}\n");
                // SAFETY: writing our own buffer to the log descriptor.
                unsafe {
                    libc::write(child::FD_NATIVE_LOG, line.as_ptr().cast(), line.len());
                    libc::_exit(127)
                }
            }
            Err(e) => report(fds.reply_fd(), &json!({ "cage_error": e })),
        }
    }));
    // SAFETY: leave without running destructors.
    unsafe { libc::_exit(101) }
}
