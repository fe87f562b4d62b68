//! The seccomp allowlist for a bot process, as a table with a reason per entry.
//!
//! Written as classic BPF by hand because the filter needs different actions for
//! different calls (allow, `EACCES`, `ENOSYS`, `EPERM`, kill) and one argument check
//! (no executable mappings); every call not in the table kills the whole process.

use std::io;

/// What the filter does with one system call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Allow,
    /// Allowed unless the protection argument (argument 2) asks for `PROT_EXEC`.
    AllowWithoutExec,
    /// Fails with this errno instead of killing, for calls CPython makes and copes with.
    Errno(i32),
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
            SYS_clock_gettime,
            Allow,
            "time.process_time and clocks outside the vDSO"
        ),
        rule!(
            SYS_clock_nanosleep,
            Allow,
            "time.sleep (the host's wall-clock backstop bounds it)"
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
        rule!(SYS_fork, Errno(libc::EPERM), "no new processes"),
        rule!(SYS_vfork, Errno(libc::EPERM), "no new processes"),
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
const OFF_ARG2_LOW: u32 = 16 + 2 * 8;

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
        match rule.action {
            Action::Allow => {
                p.push(jump(BPF_JEQ_K, nr, 0, 1));
                p.push(stmt(BPF_RET_K, RET_ALLOW));
            }
            Action::Errno(errno) => {
                p.push(jump(BPF_JEQ_K, nr, 0, 1));
                p.push(stmt(BPF_RET_K, RET_ERRNO | (errno as u32 & 0xffff)));
            }
            Action::AllowWithoutExec => {
                p.push(jump(BPF_JEQ_K, nr, 0, 4));
                p.push(stmt(BPF_LD_W_ABS, OFF_ARG2_LOW));
                p.push(jump(BPF_JSET_K, libc::PROT_EXEC as u32, 0, 1));
                p.push(stmt(BPF_RET_K, RET_KILL_PROCESS));
                p.push(stmt(BPF_RET_K, RET_ALLOW));
            }
        }
    }
    p.push(stmt(BPF_RET_K, RET_KILL_PROCESS));
    p
}

/// Sets `no_new_privs` and installs the filter on the calling (single-threaded) process.
pub fn install() -> io::Result<()> {
    let prog = program(&rules());
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
