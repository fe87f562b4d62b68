//! The kernel layers against native code: a forked, single-threaded child applies the
//! same cage a bot process gets, then makes raw system calls the way a bot that escaped
//! Python entirely would. Each must fail with the right errno or kill the child (SIGSYS).
//!
//! A custom harness (no libtest threads) so that fork is safe.

use cagematch::cage::{apply_layers_to_current_process, Limits};
use std::os::fd::RawFd;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    Killed,
    Errno(i32),
}

fn pipe() -> (RawFd, RawFd) {
    let mut fds = [0; 2];
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    (fds[0], fds[1])
}

/// Runs `probe` in a caged child; returns how it ended: killed by a signal, or the errno
/// its system call failed with (0 for success).
fn caged(probe: fn() -> i64) -> Result<i64, i32> {
    let (req_r, req_w) = pipe();
    let (rep_r, rep_w) = pipe();
    let (log_r, log_w) = pipe();
    let parent = unsafe { libc::getpid() };
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        let fds = cagematch::cage::ChildFds {
            request: req_r,
            log: log_w,
            reply: rep_w,
            image: None,
            cgroups: [-1; 3],
        };
        if apply_layers_to_current_process(fds, parent, &Limits::default()).is_err() {
            unsafe { libc::_exit(100) };
        }
        let result = probe();
        let errno = if result < 0 {
            std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
        } else {
            0
        };
        let bytes = (errno as i64).to_le_bytes();
        unsafe {
            libc::write(3, bytes.as_ptr().cast(), 8);
            libc::_exit(0);
        }
    }
    unsafe {
        libc::close(req_r);
        libc::close(rep_w);
        libc::close(log_w);
    }
    let mut status = 0;
    unsafe { libc::waitpid(pid, &mut status, 0) };
    let mut buf = [0u8; 8];
    let n = unsafe { libc::read(rep_r, buf.as_mut_ptr().cast(), 8) };
    unsafe {
        libc::close(rep_r);
        libc::close(req_w);
        libc::close(log_r);
    }
    if libc::WIFSIGNALED(status) {
        return Err(libc::WTERMSIG(status));
    }
    assert_eq!(libc::WEXITSTATUS(status), 0, "the cage failed to apply");
    assert_eq!(n, 8);
    Ok(i64::from_le_bytes(buf))
}

unsafe fn sys(nr: libc::c_long, a: i64, b: i64, c: i64, d: i64, e: i64) -> i64 {
    libc::syscall(nr, a, b, c, d, e)
}

/// A name, a raw system call to make inside the cage, and what must happen.
type Probe = (&'static str, fn() -> i64, Expect);

fn probes() -> Vec<Probe> {
    use Expect::*;
    vec![
        (
            "open /etc/passwd",
            || unsafe { libc::open(c"/etc/passwd".as_ptr(), libc::O_RDONLY) as i64 },
            Errno(libc::EACCES),
        ),
        (
            "create /tmp file",
            || unsafe {
                libc::open(
                    c"/tmp/cagematch-native-escape".as_ptr(),
                    libc::O_CREAT | libc::O_WRONLY,
                    0o644,
                ) as i64
            },
            Errno(libc::EACCES),
        ),
        (
            "stat /etc/shadow",
            || unsafe {
                let mut st: libc::stat = std::mem::zeroed();
                libc::stat(c"/etc/shadow".as_ptr(), &mut st) as i64
            },
            Errno(libc::EACCES),
        ),
        (
            "socket AF_INET",
            || unsafe { libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0) as i64 },
            Killed,
        ),
        (
            "socket AF_UNIX",
            || unsafe { libc::socket(libc::AF_UNIX, libc::SOCK_STREAM, 0) as i64 },
            Killed,
        ),
        (
            "execve /bin/sh",
            || unsafe {
                let argv = [c"sh".as_ptr(), std::ptr::null()];
                libc::execve(c"/bin/sh".as_ptr(), argv.as_ptr(), std::ptr::null()) as i64
            },
            Killed,
        ),
        (
            "ptrace attach parent",
            || unsafe {
                sys(
                    libc::SYS_ptrace,
                    libc::PTRACE_ATTACH as i64,
                    libc::getppid() as i64,
                    0,
                    0,
                    0,
                )
            },
            Killed,
        ),
        (
            "kill parent",
            || unsafe { sys(libc::SYS_kill, 1, libc::SIGKILL as i64, 0, 0, 0) },
            Killed,
        ),
        (
            "tgkill",
            || unsafe { sys(libc::SYS_tgkill, 1, 1, libc::SIGKILL as i64, 0, 0) },
            Killed,
        ),
        (
            "process_vm_readv",
            || unsafe { sys(libc::SYS_process_vm_readv, 1, 0, 0, 0, 0) },
            Killed,
        ),
        (
            "fork",
            || unsafe { sys(libc::SYS_fork, 0, 0, 0, 0, 0) },
            Errno(libc::EPERM),
        ),
        (
            "clone",
            || unsafe { sys(libc::SYS_clone, libc::SIGCHLD as i64, 0, 0, 0, 0) },
            Errno(libc::EPERM),
        ),
        (
            "clone3",
            || unsafe { sys(libc::SYS_clone3, 0, 0, 0, 0, 0) },
            Errno(libc::ENOSYS),
        ),
        (
            "mmap PROT_EXEC",
            || unsafe {
                sys(
                    libc::SYS_mmap,
                    0,
                    4096,
                    (libc::PROT_READ | libc::PROT_EXEC) as i64,
                    (libc::MAP_PRIVATE | libc::MAP_ANONYMOUS) as i64,
                    -1,
                )
            },
            Killed,
        ),
        (
            "mprotect PROT_EXEC",
            || unsafe {
                let p = libc::mmap(
                    std::ptr::null_mut(),
                    4096,
                    libc::PROT_READ,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                    -1,
                    0,
                );
                libc::mprotect(p, 4096, libc::PROT_READ | libc::PROT_EXEC) as i64
            },
            Killed,
        ),
        (
            "prctl PR_SET_DUMPABLE",
            || unsafe { sys(libc::SYS_prctl, libc::PR_SET_DUMPABLE as i64, 1, 0, 0, 0) },
            Killed,
        ),
        (
            "setrlimit raise",
            || unsafe {
                let r = libc::rlimit {
                    rlim_cur: libc::RLIM_INFINITY,
                    rlim_max: libc::RLIM_INFINITY,
                };
                sys(
                    libc::SYS_setrlimit,
                    libc::RLIMIT_CPU as i64,
                    &r as *const _ as i64,
                    0,
                    0,
                    0,
                )
            },
            Killed,
        ),
        (
            "prlimit64",
            || unsafe { sys(libc::SYS_prlimit64, 0, libc::RLIMIT_AS as i64, 0, 0, 0) },
            Killed,
        ),
        (
            "unshare user",
            || unsafe { sys(libc::SYS_unshare, libc::CLONE_NEWUSER as i64, 0, 0, 0, 0) },
            Killed,
        ),
        (
            "mount",
            || unsafe { sys(libc::SYS_mount, 0, 0, 0, 0, 0) },
            Killed,
        ),
        (
            "bpf",
            || unsafe { sys(libc::SYS_bpf, 0, 0, 0, 0, 0) },
            Killed,
        ),
        (
            "io_uring_setup",
            || unsafe { sys(libc::SYS_io_uring_setup, 1, 0, 0, 0, 0) },
            Killed,
        ),
        (
            "keyctl",
            || unsafe { sys(libc::SYS_keyctl, 0, 0, 0, 0, 0) },
            Killed,
        ),
        (
            "x32 ABI write",
            || unsafe { sys(libc::SYS_write | 0x4000_0000, 1, 0, 0, 0, 0) },
            Killed,
        ),
        (
            "pipe (new descriptors: refused as at the descriptor limit)",
            || unsafe {
                let mut f = [0; 2];
                libc::pipe(f.as_mut_ptr()) as i64
            },
            Errno(libc::EMFILE),
        ),
        (
            "getppid (no process ids)",
            || unsafe { sys(libc::SYS_getppid, 0, 0, 0, 0, 0) },
            Killed,
        ),
        (
            "write to own reply pipe (allowed)",
            || unsafe { libc::write(1, b"ok".as_ptr().cast(), 2) as i64 },
            Errno(0),
        ),
    ]
}

fn main() {
    let mut passed = 0;
    let mut failed = 0;
    for (name, probe, expect) in probes() {
        let got = match caged(probe) {
            Err(sig) if sig == libc::SIGSYS => Expect::Killed,
            Err(sig) => {
                println!("test {name} ... FAILED (killed by signal {sig}, not SIGSYS)");
                failed += 1;
                continue;
            }
            Ok(errno) => Expect::Errno(errno as i32),
        };
        if got == expect {
            println!("test {name} ... ok");
            passed += 1;
        } else {
            println!("test {name} ... FAILED (expected {expect:?}, got {got:?})");
            failed += 1;
        }
    }
    assert!(
        !std::path::Path::new("/tmp/cagematch-native-escape").exists(),
        "a file was created"
    );
    println!("\n{passed} passed, {failed} failed");
    if failed > 0 {
        std::process::exit(1);
    }
}
