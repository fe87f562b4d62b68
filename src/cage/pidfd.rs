//! Process handles that cannot hit a recycled pid. Used by the host (the zygote and its
//! bots) and by the zygote (the bots it reaps).

use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

/// A pidfd for a child the caller has not reaped yet (so the pid cannot be recycled).
pub fn open(pid: libc::pid_t) -> std::io::Result<OwnedFd> {
    // SAFETY: pidfd_open on our own unreaped child.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: a fresh descriptor.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// Sends SIGKILL through a pidfd.
pub fn kill(pidfd: BorrowedFd<'_>) {
    signal(pidfd, libc::SIGKILL);
}

/// Sends `sig` through a pidfd; false when the process is already gone.
pub fn signal(pidfd: BorrowedFd<'_>, sig: libc::c_int) -> bool {
    // SAFETY: pidfd_send_signal on a descriptor we own; failure means it is already gone.
    unsafe {
        libc::syscall(
            libc::SYS_pidfd_send_signal,
            pidfd.as_raw_fd(),
            sig,
            std::ptr::null::<libc::siginfo_t>(),
            0,
        ) == 0
    }
}

/// Waits up to `timeout` for `fd` to become readable (or hung up).
pub fn poll_in(fd: BorrowedFd<'_>, timeout: std::time::Duration) -> bool {
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
            timeout.as_millis().clamp(0, i32::MAX as u128) as i32,
        )
    };
    n > 0
}
