//! Forking one bot process from the warm interpreter. What the child does next is in
//! `child/`; the zygote keeps only what it needs to reap it.

use super::interpreter::Prepared;
use crate::cage::child::{
    self,
    setup::{ChildFds, MAX_CGROUPS},
};
use crate::cage::pidfd;
use crate::cage::policy::Limits;
use crate::cage::protocol::ExecSpec;
use pyo3::Python;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::Path;

/// The zygote's handle on a bot it forked: a pidfd to reap it and the pipe to report how
/// it ended.
pub struct Reaped {
    pub pidfd: OwnedFd,
    pub status: OwnedFd,
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

/// A forked bot: its pid, the host's descriptors (in `BOT_FDS` order), and the zygote's
/// own handle on it.
pub type Spawned = (libc::pid_t, Vec<OwnedFd>, Reaped);

/// What the forked process becomes.
#[derive(Clone, Copy)]
pub enum Kind<'a> {
    /// A one-file Python bot.
    Python,
    /// A Python bundle, given its private copy's base.
    Bundle(&'a Path),
    /// A compiled bot: the exec request and its image.
    Native(&'a (ExecSpec, OwnedFd)),
}

/// Forks one bot process, which cages itself and then serves the host (a Python bot) or
/// executes its image (a compiled bot).
pub fn spawn(
    py: Python<'_>,
    prep: &Prepared,
    limits: &Limits,
    kind: Kind<'_>,
    cgroups: &[OwnedFd],
) -> Result<Spawned, String> {
    let mut joins = [-1; MAX_CGROUPS];
    for (slot, fd) in joins.iter_mut().zip(cgroups) {
        *slot = fd.as_raw_fd();
    }
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
                image: match kind {
                    Kind::Native((_, image)) => Some(image.as_raw_fd()),
                    _ => None,
                },
                cgroups: joins,
            };
            match kind {
                Kind::Native((spec, _)) => child::native_bot(fds, zygote, limits, spec),
                Kind::Bundle(base) => child::python_bot(py, prep, fds, zygote, limits, Some(base)),
                Kind::Python => child::python_bot(py, prep, fds, zygote, limits, None),
            }
        }
        pyo3::ffi::PyOS_AfterFork_Parent();
        pid
    };
    if pid < 0 {
        return Err(format!("fork: {}", std::io::Error::last_os_error()));
    }
    drop((req_r, rep_w, log_w));
    let pidfd = |pid| pidfd::open(pid).map_err(|e| format!("pidfd_open: {e}"));
    let host_pidfd = pidfd(pid)?;
    let own_pidfd = pidfd(pid)?;
    Ok((
        pid,
        vec![req_w, rep_r, log_r, status_r, host_pidfd],
        Reaped {
            pidfd: own_pidfd,
            status: status_w,
        },
    ))
}
