//! The zygote's own walls, built once before any bot is forked: the bots' shared network
//! and PID namespaces, and the drop from root to `nobody`.

use crate::cage::child::setup;
use crate::cage::pidfd;
use std::os::fd::AsRawFd;

/// User and group that bots run as when the runner is root.
const NOBODY: libc::uid_t = 65534;

/// Moves the zygote into a new, empty network namespace and makes every process it forks
/// from now on live in a new PID namespace; every bot inherits both. One of each for all
/// bots instead of one created and torn down per bot (the kernel tears network namespaces
/// down in shared workers, which cost tournaments throughput; a PID namespace per bot
/// needs an extra process per bot). Bots cannot create sockets or signal anyone anyway;
/// the namespaces are one more wall. As root these are plain `unshare`s; otherwise the
/// zygote first enters a user namespace that maps only its own ids. If the kernel
/// refuses, each bot tries for its network namespace itself, and the PID namespace is
/// reported missing.
pub fn shared_namespaces() {
    shared_network();
    // SAFETY: unshare of the namespace for our future children; single-threaded here.
    if unsafe { libc::unshare(libc::CLONE_NEWPID) } == 0 && pid_namespace_init() {
        setup::SHARED_PID.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Forks the new PID namespace's first process, its init: it only waits, so the
/// namespace lives as long as the zygote (when it dies, the kernel kills every bot in it).
/// A failure leaves a namespace without an init, where a second fork would fail: fatal.
fn pid_namespace_init() -> bool {
    // SAFETY: our own pid; fork in a single-threaded process; the child only makes
    // async-signal-safe calls and never returns.
    unsafe {
        let Ok(zygote) = pidfd::open(libc::getpid()) else {
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
    setup::SHARED_NETWORK.store(ok, std::sync::atomic::Ordering::Relaxed);
}

/// Bots never run as root: a root runner's zygote becomes `nobody` once Python has read
/// everything it needs. Credential changes clear the parent-death signal, so it is set again.
pub fn drop_root(host: libc::pid_t) -> Result<libc::uid_t, String> {
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
