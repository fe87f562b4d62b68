//! The zygote: a single-threaded process, exec'd once per cage, that starts CPython,
//! preloads the allowed modules, drops root, and then forks caged bot processes on
//! request. It holds no bot source and no secrets, and it reaps every bot it forks.
//! It speaks to the host only in `protocol.rs` messages over the control socket.

mod fork;
pub mod interpreter;
mod namespaces;
mod numpy_rng;
mod warm_bot;

use crate::cage::child::setup::MAX_CGROUPS;
use crate::cage::control;
use crate::cage::pidfd;
use crate::cage::protocol::{
    ExecSpec, ExitReport, Setup, SpawnRequest, ZygoteInfo, ZygoteReply, CONTROL_FD,
};
use fork::Reaped;
use interpreter::Prepared;
use pyo3::Python;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

pub use crate::cage::protocol::ZYGOTE_ARG as ARG;

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
            let _ = control::send(control.as_fd(), &ZygoteReply::Error(e), &[]);
            1
        }
    }
}

fn run(control: BorrowedFd<'_>, host: libc::pid_t) -> Result<(), String> {
    let setup: Setup = match control::recv(control).map_err(|e| e.to_string())? {
        Some((setup, _)) => setup,
        None => return Ok(()),
    };
    namespaces::shared_namespaces();
    interpreter::initialize()?;
    Python::attach(|py| {
        let prep = Prepared::new(py, &setup.modules, &setup.site)?;
        let uid = namespaces::drop_root(host)?;
        let info = ZygoteInfo {
            python: prep.version.clone(),
            uid,
            modules: setup.modules,
            failed: prep.failed.clone(),
            native: prep.native.clone(),
        };
        control::send(control, &ZygoteReply::Ready(info), &[]).map_err(|e| e.to_string())?;
        serve(py, &prep, control);
        Ok(())
    })
}

/// Waits for spawn requests and for bots to exit, until the host closes the socket.
fn serve(py: Python<'_>, prep: &Prepared, control: BorrowedFd<'_>) {
    let mut bots: Vec<Reaped> = Vec::new();
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
        let request = match control::recv::<SpawnRequest>(control) {
            Ok(Some(message)) => Ok(message),
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => Err(e.to_string()),
            Ok(None) | Err(_) => break,
        };
        let request = request.and_then(|(req, fds)| split_descriptors(req, fds));
        let reply = match request {
            Ok(parts) => {
                let kind = match (&parts.exec, &parts.bundle) {
                    (Some(exec), _) => fork::Kind::Native(exec),
                    (None, Some(base)) => fork::Kind::Bundle(base),
                    (None, None) => fork::Kind::Python,
                };
                match fork::spawn(py, prep, &parts.limits, kind, &parts.cgroups) {
                    Ok((pid, host_fds, bot)) => {
                        bots.push(bot);
                        let raw: Vec<RawFd> = host_fds.iter().map(|f| f.as_raw_fd()).collect();
                        control::send(control, &ZygoteReply::Spawned { pid }, &raw)
                    }
                    Err(e) => control::send(control, &ZygoteReply::Error(e), &[]),
                }
            }
            Err(e) => control::send(control, &ZygoteReply::Error(e), &[]),
        };
        if reply.is_err() {
            break;
        }
    }
    for bot in &bots {
        pidfd::kill(bot.pidfd.as_fd());
    }
}

/// A spawn request with its descriptors in place.
struct Parts {
    limits: crate::cage::policy::Limits,
    exec: Option<(ExecSpec, OwnedFd)>,
    cgroups: Vec<OwnedFd>,
    bundle: Option<std::path::PathBuf>,
}

/// A spawn request's descriptors: a compiled bot's image first, then the cgroups to join.
fn split_descriptors(req: SpawnRequest, mut fds: Vec<OwnedFd>) -> Result<Parts, String> {
    if req.cgroups > MAX_CGROUPS || req.cgroups > fds.len() {
        return Err(format!("a spawn request names {} cgroups", req.cgroups));
    }
    let cgroups = fds.split_off(fds.len() - req.cgroups);
    let exec = match (req.exec, fds.pop(), fds.is_empty()) {
        (None, None, _) => None,
        (Some(exec), Some(image), true) => Some((exec, image)),
        _ => return Err("a compiled bot comes with exactly one image descriptor".into()),
    };
    if exec.is_some() && req.bundle.is_some() {
        return Err("a compiled bot is not a bundle".into());
    }
    Ok(Parts {
        limits: req.spawn,
        exec,
        cgroups,
        bundle: req.bundle,
    })
}

/// Reaps a bot and tells the host how it ended ([`ExitReport`]).
fn report_exit(bot: &Reaped) {
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
    let msg = ExitReport {
        code,
        value: status,
        cpu_ms,
        peak_kib,
    }
    .encode();
    // SAFETY: writing the report to a pipe we own; a closed reader is fine.
    unsafe { libc::write(bot.status.as_raw_fd(), msg.as_ptr().cast(), msg.len()) };
}
