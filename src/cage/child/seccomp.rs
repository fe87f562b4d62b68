//! The seccomp allowlists, as tables with a reason per entry: one for Python bot
//! processes (which never execute new code) and one for compiled bots (which are
//! `execve`d once from a descriptor the cage opened, then run as ordinary programs).
//!
//! Written as classic BPF by hand because the filters need different actions for
//! different calls (allow, an errno, kill) and a few argument checks; every call not in
//! a table kills the whole process.

use std::io;

/// What the filter finally does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allow,
    /// Fail with this errno instead of killing, for calls programs make and cope with.
    Errno(i32),
    Kill,
}

/// A check on one argument of a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Test {
    /// The whole 64-bit argument equals this value.
    Eq(u64),
    /// The argument's low 32 bits (an `int`: a command, a pid) are one of these.
    OneOf(Vec<u32>),
    /// The argument's low 32 bits have none of these bits set.
    NoBits(u32),
    /// The argument's low 32 bits have at least one of these bits set.
    AnyBits(u32),
}

/// What the filter does with one system call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Allow,
    /// Allowed unless the protection argument (argument 2) asks for `PROT_EXEC`.
    AllowWithoutExec,
    /// Fails with this errno instead of killing, for calls CPython makes and copes with.
    Errno(i32),
    /// `then` when every `(argument, test)` holds, `otherwise` when one does not.
    When {
        tests: Vec<(u8, Test)>,
        then: Verdict,
        otherwise: Verdict,
    },
}

/// Allowed only when every test holds; a call that fails one kills the process.
fn allow_if(tests: &[(u8, Test)]) -> Action {
    Action::When {
        tests: tests.to_vec(),
        then: Verdict::Allow,
        otherwise: Verdict::Kill,
    }
}

/// One allowed or softened call, and why it is there.
pub struct Rule {
    pub name: &'static str,
    pub nr: libc::c_long,
    pub action: Action,
    pub why: &'static str,
}

macro_rules! rule {
    ($sys:ident, $action:expr, $why:expr) => {
        Rule {
            name: stringify!($sys),
            nr: libc::$sys,
            action: $action,
            why: $why,
        }
    };
}

/// The whole policy. Anything else is `SECCOMP_RET_KILL_PROCESS`: a violation.
#[allow(clippy::too_many_lines)] // a table: one rule and its reason per entry
pub fn rules() -> Vec<Rule> {
    use Action::*;
    vec![
        rule!(SYS_read, Allow, "requests arrive on fd 0"),
        rule!(
            SYS_write,
            Allow,
            "replies on fd 3, printed output on fds 1 and 2"
        ),
        rule!(
            SYS_mmap,
            AllowWithoutExec,
            "the allocator maps memory; never executable"
        ),
        rule!(
            SYS_mprotect,
            AllowWithoutExec,
            "glibc adjusts heap protection; never executable"
        ),
        rule!(SYS_munmap, Allow, "the allocator returns memory"),
        rule!(SYS_mremap, Allow, "growing large lists and strings"),
        rule!(SYS_brk, Allow, "the main heap"),
        rule!(SYS_madvise, Allow, "the allocator releases pages"),
        rule!(
            SYS_futex,
            Allow,
            "uncontended locks inside CPython and glibc"
        ),
        rule!(
            SYS_rt_sigaction,
            Allow,
            "CPython and glibc set signal dispositions"
        ),
        rule!(
            SYS_rt_sigprocmask,
            Allow,
            "glibc masks signals around critical sections"
        ),
        rule!(SYS_rt_sigreturn, Allow, "returning from a signal handler"),
        rule!(
            SYS_restart_syscall,
            Allow,
            "the kernel resumes a sleep or poll after the host's SIGSTOP/SIGCONT (off-turn freeze); it only restarts a call this table already allowed"
        ),
        rule!(
            SYS_clock_gettime,
            Allow,
            "time.process_time and clocks outside the vDSO"
        ),
        rule!(
            SYS_clock_nanosleep,
            Allow,
            "time.sleep (charged to the move; the host ends it at its budget)"
        ),
        rule!(SYS_getrandom, Allow, "os.urandom and hash/random seeding"),
        rule!(
            SYS_fstat,
            Allow,
            "io objects ask the size of their own descriptors"
        ),
        rule!(
            SYS_lseek,
            Allow,
            "io objects ask the position of their own descriptors"
        ),
        rule!(
            SYS_close,
            Allow,
            "closing the bot's own descriptors harms only itself"
        ),
        rule!(SYS_exit, Allow, "leaving"),
        rule!(SYS_exit_group, Allow, "leaving"),
        // Probes of the filesystem: tracebacks and warnings try to read source files.
        // Failing them keeps a bot's error readable instead of turning it into a kill.
        rule!(
            SYS_open,
            Errno(libc::EACCES),
            "file probe (linecache, imports)"
        ),
        rule!(
            SYS_openat,
            Errno(libc::EACCES),
            "file probe (linecache, imports)"
        ),
        rule!(SYS_openat2, Errno(libc::EACCES), "file probe"),
        rule!(SYS_stat, Errno(libc::EACCES), "file probe"),
        rule!(SYS_lstat, Errno(libc::EACCES), "file probe"),
        rule!(
            SYS_newfstatat,
            Errno(libc::EACCES),
            "file probe (os.stat, imports)"
        ),
        rule!(SYS_statx, Errno(libc::EACCES), "file probe"),
        rule!(SYS_access, Errno(libc::EACCES), "file probe"),
        rule!(SYS_faccessat, Errno(libc::EACCES), "file probe"),
        rule!(SYS_faccessat2, Errno(libc::EACCES), "file probe"),
        rule!(SYS_readlink, Errno(libc::EACCES), "file probe"),
        rule!(SYS_readlinkat, Errno(libc::EACCES), "file probe"),
        rule!(
            SYS_getcwd,
            Errno(libc::EACCES),
            "os.getcwd in path handling"
        ),
        rule!(
            SYS_ioctl,
            Errno(libc::ENOTTY),
            "isatty checks; never reaches a terminal"
        ),
        // New processes and threads: glibc falls back from clone3 to clone only on ENOSYS,
        // and clone then fails cleanly with EPERM, so `os.system` returns an error.
        rule!(
            SYS_clone3,
            Errno(libc::ENOSYS),
            "makes glibc fall back to clone"
        ),
        rule!(SYS_clone, Errno(libc::EPERM), "no new processes or threads"),
        // Before a thread, glibc's pthread_create asks its own thread id and scheduling
        // (and copes when it cannot know the latter): so `threading.Thread.start` gets
        // its RuntimeError from the clone above instead of a kill. Its own id is no
        // secret; the scheduling calls only read, and are refused anyway.
        rule!(SYS_gettid, Allow, "pthread_create asks its own thread id"),
        rule!(
            SYS_sched_getparam,
            Errno(libc::EPERM),
            "pthread_create reads its own scheduling first"
        ),
        rule!(
            SYS_sched_getscheduler,
            Errno(libc::EPERM),
            "pthread_create reads its own scheduling first"
        ),
        rule!(SYS_fork, Errno(libc::EPERM), "no new processes"),
        rule!(SYS_vfork, Errno(libc::EPERM), "no new processes"),
        // Worker pools (multiprocessing, scikit-learn's n_jobs through joblib) make a pipe
        // before anything else: refused as the descriptor limit would, so the bot sees an
        // OSError it can read instead of being killed. No descriptor is ever created.
        rule!(SYS_pipe, Errno(libc::EMFILE), "no new descriptors (worker pools)"),
        rule!(SYS_pipe2, Errno(libc::EMFILE), "no new descriptors (worker pools)"),
    ]
}

/// `openat` without any flag that writes, creates, truncates or appends (those get
/// `EACCES`); which files it reaches is Landlock's (and a bundle's private root's) call.
fn read_only_openat(why: &'static str) -> Rule {
    let action = Action::When {
        tests: vec![(2, Test::NoBits(WRITE_FLAGS))],
        then: Verdict::Allow,
        otherwise: Verdict::Errno(libc::EACCES),
    };
    rule!(SYS_openat, action, why)
}

/// `fcntl` on a process's own descriptors: flags and copies only.
fn fcntl() -> Rule {
    rule!(
        SYS_fcntl,
        Action::When {
            tests: vec![(
                1,
                Test::OneOf(vec![
                    libc::F_DUPFD as u32,
                    libc::F_DUPFD_CLOEXEC as u32,
                    libc::F_GETFD as u32,
                    libc::F_SETFD as u32,
                    libc::F_GETFL as u32,
                    libc::F_SETFL as u32,
                ])
            )],
            then: Verdict::Allow,
            otherwise: Verdict::Errno(libc::EINVAL),
        },
        "descriptor flags and copies (under RLIMIT_NOFILE); F_SETOWN/F_SETSIG would aim signals at others, leases and notifications reach outside: refused"
    )
}

/// The policy for a bundle's bot: the Python table, but it may open (read-only) and
/// list files, which Landlock and its private root confine to its bundle. `stat` and
/// access probes are allowed only when the bundle is its whole filesystem (Landlock does
/// not cover them: elsewhere they would tell it what else is on the disk).
pub fn bundle_rules(private_root: bool) -> Vec<Rule> {
    use Action::*;
    let probe = if private_root {
        Allow
    } else {
        Errno(libc::EACCES)
    };
    let mut extra = vec![
        read_only_openat(
            "read-only opens of its bundle's files (Landlock and its private root decide which); writing, creating or truncating is refused",
        ),
        rule!(
            SYS_getdents64,
            Allow,
            "listing a folder of its bundle (opened read-only above)"
        ),
        rule!(SYS_pread64, Allow, "reading its own descriptors at an offset"),
        fcntl(),
        rule!(
            SYS_getcwd,
            Allow,
            "its working folder is its bundle (path handling asks it)"
        ),
        rule!(SYS_newfstatat, probe.clone(), "os.stat and os.path.exists"),
        rule!(SYS_statx, probe.clone(), "os.stat on newer C libraries"),
        rule!(SYS_faccessat, probe.clone(), "os.access"),
        rule!(SYS_faccessat2, probe, "os.access"),
    ];
    let replaced: Vec<&str> = extra.iter().map(|r| r.name).collect();
    let mut table: Vec<Rule> = rules()
        .into_iter()
        .filter(|r| !replaced.contains(&r.name))
        .collect();
    table.append(&mut extra);
    table
}

/// The descriptor a compiled bot's image is executed from, opened close-on-exec by the
/// cage. It is above the descriptor limit a bot gets, so after the `execveat` the bot can
/// never hold a descriptor of that number again.
pub const EXEC_FD: i32 = 100;

/// Flags that would make `openat` write, create or truncate. `O_TMPFILE` is its own bit
/// plus `O_DIRECTORY`: only its own bit is tested, or listing a folder would be refused.
const WRITE_FLAGS: u32 = (libc::O_WRONLY
    | libc::O_RDWR
    | libc::O_CREAT
    | libc::O_TRUNC
    | libc::O_APPEND
    | (libc::O_TMPFILE & !libc::O_DIRECTORY)) as u32;

/// The policy for a compiled bot: what a normal single-process program needs (the
/// dynamic loader included), with the cage's one `execveat` of [`EXEC_FD`] and signals
/// only to `pid`, the bot itself. Anything else kills the process: sockets, `ptrace`,
/// `process_vm_*`, `mount`, `bpf`, `keyctl`, `io_uring`, new processes, `prctl`,
/// raising limits, `execve` of anything.
#[allow(clippy::too_many_lines)] // a table: one rule and its reason per entry
pub fn native_rules(pid: libc::pid_t, exec_path: u64) -> Vec<Rule> {
    use Action::*;
    let me = Test::Eq(pid as u64);
    // Calls that name a process: itself (0 or its pid), never a neighbour in the shared
    // PID namespace.
    let itself = Test::OneOf(vec![0, pid as u32]);
    vec![
        rule!(SYS_read, Allow, "requests arrive on stdin"),
        rule!(SYS_write, Allow, "replies on stdout, log on stderr"),
        rule!(SYS_readv, Allow, "buffered input"),
        rule!(SYS_writev, Allow, "buffered output"),
        rule!(SYS_pread64, Allow, "the loader reads library headers"),
        rule!(SYS_lseek, Allow, "positions in the bot's own descriptors"),
        rule!(
            SYS_close,
            Allow,
            "closing its own descriptors harms only itself"
        ),
        fcntl(),
        rule!(
            SYS_mmap,
            Allow,
            "memory and the loader's code mappings (native code is the point)"
        ),
        rule!(
            SYS_mprotect,
            Allow,
            "the loader and the allocator change protections"
        ),
        rule!(SYS_munmap, Allow, "the allocator returns memory"),
        rule!(SYS_mremap, Allow, "growing allocations"),
        rule!(SYS_brk, Allow, "the main heap"),
        rule!(SYS_madvise, Allow, "the allocator releases pages"),
        rule!(SYS_futex, Allow, "uncontended locks inside the C library"),
        rule!(SYS_rt_sigaction, Allow, "signal dispositions"),
        rule!(
            SYS_rt_sigprocmask,
            Allow,
            "masking signals around critical sections"
        ),
        rule!(SYS_rt_sigreturn, Allow, "returning from a signal handler"),
        rule!(
            SYS_restart_syscall,
            Allow,
            "the kernel resumes a sleep or poll after the host's SIGSTOP/SIGCONT (off-turn freeze); it only restarts a call this table already allowed"
        ),
        rule!(SYS_sigaltstack, Allow, "Rust's stack-overflow handler"),
        rule!(SYS_clock_gettime, Allow, "clocks outside the vDSO"),
        rule!(SYS_clock_getres, Allow, "clock resolution"),
        rule!(SYS_gettimeofday, Allow, "the wall clock"),
        rule!(
            SYS_clock_nanosleep,
            Allow,
            "sleeping (charged to the move; the host ends it at its budget)"
        ),
        rule!(
            SYS_nanosleep,
            Allow,
            "sleeping (charged to the move; the host ends it at its budget)"
        ),
        rule!(SYS_getrandom, Allow, "seeding random generators"),
        rule!(SYS_fstat, Allow, "sizes of its own descriptors"),
        rule!(
            SYS_newfstatat,
            Allow,
            "glibc's fstat; the loader stats libraries"
        ),
        rule!(SYS_statx, Allow, "the same, for newer C libraries"),
        rule!(
            SYS_getdents64,
            Allow,
            "listing a folder Landlock lets it read"
        ),
        read_only_openat(
            "read-only opens; Landlock decides which files (libraries, its own folder)",
        ),
        rule!(
            SYS_open,
            Errno(libc::EACCES),
            "old-style open: refused softly"
        ),
        rule!(
            SYS_openat2,
            Errno(libc::ENOSYS),
            "makes a C library fall back to openat"
        ),
        rule!(
            SYS_access,
            Errno(libc::EACCES),
            "file probe (the loader's ld.so.preload)"
        ),
        rule!(SYS_faccessat, Errno(libc::EACCES), "file probe"),
        rule!(SYS_faccessat2, Errno(libc::EACCES), "file probe"),
        rule!(
            SYS_readlink,
            Errno(libc::EACCES),
            "file probe (/proc/self/exe)"
        ),
        rule!(SYS_readlinkat, Errno(libc::EACCES), "file probe"),
        rule!(
            SYS_getcwd,
            Errno(libc::EACCES),
            "the working folder is not its business"
        ),
        rule!(
            SYS_ioctl,
            Errno(libc::ENOTTY),
            "isatty checks; never reaches a terminal"
        ),
        rule!(
            SYS_poll,
            Allow,
            "Rust checks its standard descriptors at start"
        ),
        rule!(SYS_ppoll, Allow, "waiting on its own descriptors"),
        rule!(
            SYS_arch_prctl,
            Allow,
            "thread-local storage set-up at start"
        ),
        rule!(SYS_set_tid_address, Allow, "C library start-up"),
        rule!(SYS_set_robust_list, Allow, "C library start-up"),
        rule!(SYS_rseq, Allow, "C library start-up"),
        rule!(SYS_getpid, Allow, "its own process id"),
        rule!(SYS_gettid, Allow, "its own thread id"),
        rule!(
            SYS_getppid,
            Allow,
            "harmless: signalling the parent still kills"
        ),
        rule!(SYS_getuid, Allow, "its own ids"),
        rule!(SYS_geteuid, Allow, "its own ids"),
        rule!(SYS_getgid, Allow, "its own ids"),
        rule!(SYS_getegid, Allow, "its own ids"),
        rule!(SYS_uname, Allow, "system name (its own UTS namespace)"),
        rule!(SYS_getrusage, Allow, "its own CPU time"),
        rule!(
            SYS_sched_getaffinity,
            allow_if(&[(0, itself.clone())]),
            "how many CPUs it may use; another process's kills"
        ),
        rule!(SYS_sched_yield, Allow, "yielding its CPU"),
        rule!(
            SYS_prlimit64,
            allow_if(&[(0, itself), (2, Test::Eq(0))]),
            "reading its own limits (the stack size at start); setting one, or reading another process's, kills"
        ),
        rule!(
            SYS_kill,
            allow_if(&[(0, me.clone())]),
            "abort() and raise() signal only itself"
        ),
        rule!(SYS_tkill, allow_if(&[(0, me.clone())]), "signals to itself only"),
        rule!(
            SYS_tgkill,
            allow_if(&[(0, me)]),
            "raise() signals its own thread"
        ),
        rule!(
            SYS_clone,
            When {
                tests: vec![(0, Test::AnyBits(libc::CLONE_THREAD as u32))],
                then: Verdict::Errno(libc::EPERM),
                otherwise: Verdict::Kill,
            },
            "threads fail cleanly; a new process kills"
        ),
        rule!(
            SYS_clone3,
            Errno(libc::ENOSYS),
            "makes the C library fall back to clone"
        ),
        rule!(
            SYS_execveat,
            allow_if(&[
                (0, Test::Eq(EXEC_FD as u64)),
                (1, Test::Eq(exec_path)),
                (4, Test::Eq(libc::AT_EMPTY_PATH as u64))
            ]),
            "the cage's one exec of the bot's image: that descriptor cannot exist afterwards, and the empty path lives at a random address only the filter knows, so an absolute path (the loader) cannot pass"
        ),
        rule!(SYS_exit, Allow, "leaving"),
        rule!(SYS_exit_group, Allow, "leaving"),
    ]
}

// Classic BPF opcodes and seccomp return values (linux/filter.h, linux/seccomp.h).
const BPF_LD_W_ABS: u16 = 0x20; // BPF_LD (0) | BPF_W (0) | BPF_ABS (0x20)
const BPF_JEQ_K: u16 = 0x05 | 0x10; // BPF_JMP | BPF_JEQ | BPF_K
const BPF_JGE_K: u16 = 0x05 | 0x30; // BPF_JMP | BPF_JGE | BPF_K
const BPF_JSET_K: u16 = 0x05 | 0x40; // BPF_JMP | BPF_JSET | BPF_K
const BPF_RET_K: u16 = 0x06;
const RET_KILL_PROCESS: u32 = 0x8000_0000;
const RET_ERRNO: u32 = 0x0005_0000;
const RET_ALLOW: u32 = 0x7fff_0000;
const X32_SYSCALL_BIT: u32 = 0x4000_0000;

#[cfg(target_arch = "x86_64")]
const AUDIT_ARCH: u32 = 0xc000_003e; // AUDIT_ARCH_X86_64
#[cfg(target_arch = "aarch64")]
const AUDIT_ARCH: u32 = 0xc000_00b7; // AUDIT_ARCH_AARCH64

// Offsets into struct seccomp_data.
const OFF_NR: u32 = 0;
const OFF_ARCH: u32 = 4;
const OFF_ARGS: u32 = 16;

fn ret(verdict: Verdict) -> libc::sock_filter {
    stmt(
        BPF_RET_K,
        match verdict {
            Verdict::Allow => RET_ALLOW,
            Verdict::Errno(errno) => RET_ERRNO | (errno as u32 & 0xffff),
            Verdict::Kill => RET_KILL_PROCESS,
        },
    )
}

/// The instructions for one call once its number matched: each test jumps to the last
/// instruction (`otherwise`) when it fails; passing them all reaches `then`. The
/// accumulator is only changed here, after the number matched, so the next rule's
/// comparison still sees the call number.
fn block(tests: &[(u8, Test)], then: Verdict, otherwise: Verdict) -> Vec<libc::sock_filter> {
    // (instruction, jumps to `otherwise` when the test holds rather than when it fails)
    let mut code: Vec<(libc::sock_filter, Option<bool>)> = Vec::new();
    for (arg, test) in tests {
        let low = OFF_ARGS + 8 * *arg as u32;
        match *test {
            Test::Eq(value) => {
                code.push((stmt(BPF_LD_W_ABS, low), None));
                code.push((jump(BPF_JEQ_K, value as u32, 0, 0), Some(false)));
                code.push((stmt(BPF_LD_W_ABS, low + 4), None));
                code.push((jump(BPF_JEQ_K, (value >> 32) as u32, 0, 0), Some(false)));
            }
            Test::OneOf(ref values) => {
                // A match jumps past the rest of the list; only the last miss fails.
                code.push((stmt(BPF_LD_W_ABS, low), None));
                let n = values.len();
                for (i, &value) in values.iter().enumerate() {
                    if i + 1 == n {
                        code.push((jump(BPF_JEQ_K, value, 0, 0), Some(false)));
                    } else {
                        code.push((jump(BPF_JEQ_K, value, (n - 1 - i) as u8, 0), None));
                    }
                }
            }
            Test::NoBits(mask) => {
                code.push((stmt(BPF_LD_W_ABS, low), None));
                code.push((jump(BPF_JSET_K, mask, 0, 0), Some(true)));
            }
            Test::AnyBits(mask) => {
                code.push((stmt(BPF_LD_W_ABS, low), None));
                code.push((jump(BPF_JSET_K, mask, 0, 0), Some(false)));
            }
        }
    }
    let otherwise_at = code.len() + 1;
    let mut out: Vec<libc::sock_filter> = code
        .into_iter()
        .enumerate()
        .map(|(i, (mut ins, fail))| {
            let to_otherwise = (otherwise_at - i - 1) as u8;
            match fail {
                Some(true) => ins.jt = to_otherwise,
                Some(false) => ins.jf = to_otherwise,
                None => {}
            }
            ins
        })
        .collect();
    out.push(ret(then));
    out.push(ret(otherwise));
    if tests.is_empty() {
        out.pop(); // nothing can fail: `otherwise` is unreachable
    }
    out
}

fn stmt(code: u16, k: u32) -> libc::sock_filter {
    libc::sock_filter {
        code,
        jt: 0,
        jf: 0,
        k,
    }
}

fn jump(code: u16, k: u32, jt: u8, jf: u8) -> libc::sock_filter {
    libc::sock_filter { code, jt, jf, k }
}

/// Compiles the rules into a BPF program.
pub fn program(rules: &[Rule]) -> Vec<libc::sock_filter> {
    let mut p = vec![
        stmt(BPF_LD_W_ABS, OFF_ARCH),
        jump(BPF_JEQ_K, AUDIT_ARCH, 1, 0),
        stmt(BPF_RET_K, RET_KILL_PROCESS),
        stmt(BPF_LD_W_ABS, OFF_NR),
        // The x32 ABI shares AUDIT_ARCH_X86_64: refuse its numbers outright.
        jump(BPF_JGE_K, X32_SYSCALL_BIT, 0, 1),
        stmt(BPF_RET_K, RET_KILL_PROCESS),
    ];
    for rule in rules {
        let nr = rule.nr as u32;
        let (tests, then, otherwise) = match &rule.action {
            Action::Allow => (Vec::new(), Verdict::Allow, Verdict::Kill),
            Action::Errno(errno) => (Vec::new(), Verdict::Errno(*errno), Verdict::Kill),
            Action::AllowWithoutExec => (
                vec![(2, Test::NoBits(libc::PROT_EXEC as u32))],
                Verdict::Allow,
                Verdict::Kill,
            ),
            Action::When {
                tests,
                then,
                otherwise,
            } => (tests.clone(), *then, *otherwise),
        };
        let block = block(&tests, then, otherwise);
        p.push(jump(BPF_JEQ_K, nr, 0, block.len() as u8));
        p.extend(block);
    }
    p.push(stmt(BPF_RET_K, RET_KILL_PROCESS));
    p
}

/// Sets `no_new_privs` and installs a filter of `rules` on the calling (single-threaded)
/// process.
pub fn install(rules: &[Rule]) -> io::Result<()> {
    let prog = program(rules);
    let fprog = libc::sock_fprog {
        len: prog.len() as u16,
        filter: prog.as_ptr() as *mut libc::sock_filter,
    };
    // SAFETY: plain prctl/seccomp calls; `fprog` points at `prog`, alive across the call.
    unsafe {
        if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 {
            return Err(io::Error::last_os_error());
        }
        if libc::syscall(
            libc::SYS_seccomp,
            libc::SECCOMP_SET_MODE_FILTER,
            0,
            &fprog as *const libc::sock_fprog,
        ) != 0
        {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_is_distinct_and_the_program_ends_in_kill() {
        let rules = rules();
        let mut nrs: Vec<_> = rules.iter().map(|r| r.nr).collect();
        nrs.sort();
        nrs.dedup();
        assert_eq!(nrs.len(), rules.len(), "a syscall is listed twice");
        let prog = program(&rules);
        assert!(prog.len() < u16::MAX as usize);
        let last = prog.last().unwrap();
        assert_eq!((last.code, last.k), (BPF_RET_K, RET_KILL_PROCESS));
    }

    #[test]
    fn the_native_table_kills_what_isolate_and_nsjail_deny() {
        let rules = native_rules(1, 0x7f00_dead_b000);
        let mut nrs: Vec<_> = rules.iter().map(|r| r.nr).collect();
        nrs.sort();
        nrs.dedup();
        assert_eq!(nrs.len(), rules.len(), "a syscall is listed twice");
        for nr in [
            libc::SYS_socket,
            libc::SYS_socketpair,
            libc::SYS_connect,
            libc::SYS_execve,
            libc::SYS_fork,
            libc::SYS_vfork,
            libc::SYS_ptrace,
            libc::SYS_process_vm_readv,
            libc::SYS_process_vm_writev,
            libc::SYS_mount,
            libc::SYS_umount2,
            libc::SYS_pivot_root,
            libc::SYS_bpf,
            libc::SYS_keyctl,
            libc::SYS_add_key,
            libc::SYS_io_uring_setup,
            libc::SYS_io_uring_enter,
            libc::SYS_prctl,
            libc::SYS_setrlimit,
            libc::SYS_unshare,
            libc::SYS_setns,
            libc::SYS_perf_event_open,
            libc::SYS_userfaultfd,
            libc::SYS_init_module,
            libc::SYS_kexec_load,
            libc::SYS_pidfd_open,
            libc::SYS_pidfd_send_signal,
            libc::SYS_rt_sigqueueinfo,
            libc::SYS_flock,
            libc::SYS_memfd_create,
        ] {
            assert!(!nrs.contains(&nr), "syscall {nr} must kill");
        }
        // The conditional rules kill (or refuse) when their test fails.
        for (name, otherwise) in [
            ("SYS_kill", Verdict::Kill),
            ("SYS_tgkill", Verdict::Kill),
            ("SYS_execveat", Verdict::Kill),
            ("SYS_prlimit64", Verdict::Kill),
            ("SYS_sched_getaffinity", Verdict::Kill),
            ("SYS_fcntl", Verdict::Errno(libc::EINVAL)),
            ("SYS_clone", Verdict::Kill),
            ("SYS_openat", Verdict::Errno(libc::EACCES)),
        ] {
            let rule = rules.iter().find(|r| r.name == name).unwrap();
            assert!(
                matches!(&rule.action, Action::When { otherwise: o, .. } if *o == otherwise),
                "{name}"
            );
        }
        let prog = program(&rules);
        assert!(prog.len() < 255 * 4, "jump offsets stay small");
    }

    #[test]
    fn dangerous_calls_are_not_in_the_table() {
        let listed: Vec<_> = rules().iter().map(|r| r.nr).collect();
        for nr in [
            libc::SYS_socket,
            libc::SYS_execve,
            libc::SYS_execveat,
            libc::SYS_ptrace,
            libc::SYS_kill,
            libc::SYS_tgkill,
            libc::SYS_prctl,
            libc::SYS_prlimit64,
            libc::SYS_setrlimit,
            libc::SYS_unshare,
            libc::SYS_bpf,
            libc::SYS_io_uring_setup,
            libc::SYS_keyctl,
            libc::SYS_process_vm_readv,
            libc::SYS_process_vm_writev,
            libc::SYS_mount,
            libc::SYS_pkey_mprotect,
        ] {
            assert!(!listed.contains(&nr), "syscall {nr} must kill");
        }
    }
}
