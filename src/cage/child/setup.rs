//! The bot process's set-up, run right after the zygote forks it and before a single
//! byte of bot code is read. Each step is one function; the order is the point:
//! session → descriptors → namespaces → rlimits → Landlock → no_new_privs + seccomp.
//! [`isolate`] returns an [`Isolated`], which only [`lock`] or [`lock_native`] consume:
//! the types keep a bot from running between the halves.

use super::exec;
use super::files::{self, Shown};
use super::namespaces::namespaces;
pub use super::namespaces::{SHARED_NETWORK, SHARED_PID};
use super::seccomp;
use crate::cage::layers::Layers;
use crate::cage::policy::Limits;
use crate::cage::protocol::{ExecSpec, SetupError, Step};
use landlock::{
    path_beneath_rules, Access, AccessFs, AccessNet, BitFlags, Ruleset, RulesetAttr,
    RulesetCreatedAttr, RulesetStatus, Scope, ABI,
};
use std::os::fd::RawFd;
use std::path::PathBuf;
use std::sync::atomic::Ordering;

/// The three pipe ends a bot process keeps, and a compiled bot's image.
#[derive(Debug, Clone, Copy)]
pub struct ChildFds {
    pub request: RawFd,
    pub log: RawFd,
    pub reply: RawFd,
    /// The sealed copy of a compiled bot's executable; `None` for a Python bot.
    pub image: Option<RawFd>,
    /// `cgroup.procs` files the process joins first (-1: none).
    pub cgroups: [RawFd; MAX_CGROUPS],
}

/// Cgroups a bot joins at most: v1's memory, pids and cpu hierarchies.
pub const MAX_CGROUPS: usize = 3;

/// Fixed descriptor numbers inside a Python bot process.
pub const FD_REQUEST: RawFd = 0;
pub const FD_LOG: RawFd = 1;
pub const FD_LOG_ERR: RawFd = 2;
pub const FD_REPLY: RawFd = 3;
/// A compiled bot replies on its standard output and logs on its standard error.
pub const FD_NATIVE_REPLY: RawFd = 1;
pub const FD_NATIVE_LOG: RawFd = 2;

impl ChildFds {
    /// Where the child's set-up report goes once the descriptors are in place.
    pub fn reply_fd(&self) -> RawFd {
        if self.image.is_some() {
            FD_NATIVE_REPLY
        } else {
            FD_REPLY
        }
    }
}

/// Descriptors a Python bot process may hold (its four pipes and the Landlock ruleset
/// while it is built); the bot itself cannot create any.
const PYTHON_NOFILE: u64 = 8;
/// A bundle's bot may also open a few of its own files at once.
const BUNDLE_NOFILE: u64 = 16;
/// A compiled program's loader opens its libraries one at a time; well below
/// [`seccomp::EXEC_FD`], so that number can never be reused after the exec.
const NATIVE_NOFILE: u64 = 32;

/// Layers applied so far, waiting for the last two.
pub struct Isolated {
    uid: u32,
    namespaces: Vec<String>,
    namespaces_error: Option<String>,
    rlimits: String,
    /// A bundle's files, as shown to it.
    files: Option<Shown>,
}

/// What a Landlock ruleset grants: these rights beneath these paths (missing paths are
/// skipped).
type Grants<'a> = &'a [(Vec<PathBuf>, BitFlags<AccessFs>)];

/// First half of the cage: session, descriptors, namespaces (and a bundle's files, given
/// its private copy's `bundle` base), rlimits. An error means a mandatory layer failed and
/// no bot code may run; best-effort layers are recorded.
pub fn isolate(
    fds: ChildFds,
    zygote: libc::pid_t,
    limits: &Limits,
    bundle: Option<&std::path::Path>,
) -> Result<Isolated, SetupError> {
    // The cgroups before anything else, so every page and process of the bot is
    // counted; their descriptors are closed with the rest just after.
    let joined = join_cgroups(&fds.cgroups);
    // Descriptors first: until they are in place, fd 3 is still the zygote's control
    // socket, so a failure here cannot even be reported.
    if descriptors(fds).is_err() {
        // SAFETY: leave at once; nothing of the bot has run.
        unsafe { libc::_exit(2) };
    }
    joined?;
    session(zygote)?;
    // SAFETY: getuid cannot fail. Read before the user namespace hides the real id.
    let uid = unsafe { libc::getuid() };
    // A Python bot starts inside the zygote's address space (the interpreter and every
    // preloaded package: 40 MiB bare, ~360 MiB with numpy, pandas and scikit-learn), so
    // its limit is what it may add to that; a compiled bot's exec starts afresh. Read
    // before a bundle's private root hides /proc.
    let base = if fds.image.is_none() {
        own_address_space()
    } else {
        0
    };
    let (namespaces, namespaces_error, files) = namespaces(bundle);
    let files = files
        .transpose()
        .map_err(|why| SetupError::new(Step::Landlock, format!("bundle files: {why}")))?;
    let nofile = match (fds.image.is_some(), files.is_some()) {
        (true, _) => NATIVE_NOFILE,
        (false, true) => BUNDLE_NOFILE,
        (false, false) => PYTHON_NOFILE,
    };
    let rlimits = rlimits(limits, nofile, base)?;
    Ok(Isolated {
        uid,
        namespaces,
        namespaces_error,
        rlimits,
        files,
    })
}

/// Second half: Landlock, then no_new_privs and seccomp. Anything the bot process needs
/// that the filter refuses (such as `fstat`) must be done before this.
/// A bundle's bot may also read beneath its bundle's folder, and nowhere else: where its
/// copy is not its whole filesystem, Landlock must be enforced or it does not start.
pub fn lock(isolated: Isolated) -> Result<Layers, SetupError> {
    let read = AccessFs::ReadFile | AccessFs::ReadDir;
    let grants: Vec<(Vec<PathBuf>, BitFlags<AccessFs>)> = match &isolated.files {
        Some(shown) => vec![(vec![shown.root.clone()], read)],
        None => Vec::new(),
    };
    let (landlock, landlock_abi) = landlock(&grants)?;
    let rules = match &isolated.files {
        Some(shown) => {
            if !shown.private_root && landlock == "not enforced" {
                return Err(SetupError::new(
                    Step::Landlock,
                    "a bundle's files need Landlock or a mount namespace to stay its own, and this kernel gives neither; run single-file bots here",
                ));
            }
            seccomp::bundle_rules(shown.private_root)
        }
        None => seccomp::rules(),
    };
    seccomp::install(&rules)
        .map_err(|e| SetupError::new(Step::Seccomp, format!("seccomp: {e}")))?;
    Ok(isolated.layers(
        landlock,
        landlock_abi,
        format!(
            "kill by default, {} calls allowed or failed softly, no executable memory",
            rules.len()
        ),
    ))
}

/// Second half for a compiled bot: it starts in its folder (if it has one), Landlock lets
/// it read only the system libraries and the files its manifest lists (not the folder:
/// bots often share one) and execute only the dynamic
/// loader, and the native seccomp filter allows exactly one `execveat`: of the image.
pub fn lock_native(
    isolated: Isolated,
    spec: &ExecSpec,
    image: &exec::Exec,
) -> Result<Layers, SetupError> {
    exec::enter(spec.folder.as_deref())?;
    let read = AccessFs::ReadFile | AccessFs::ReadDir;
    let mut grants = vec![(
        exec::LIBRARY_PATHS.iter().map(PathBuf::from).collect(),
        read,
    )];
    if let Some(interpreter) = &spec.interpreter {
        grants.push((
            vec![interpreter.clone()],
            AccessFs::Execute | AccessFs::ReadFile,
        ));
    }
    // Each data file alone, never the folder: bots often share one.
    if !spec.files.is_empty() {
        grants.push((spec.files.clone(), AccessFs::ReadFile.into()));
    }
    let (landlock, landlock_abi) = landlock(&grants)?;
    // SAFETY: getpid cannot fail; the pid stays the same across the exec.
    let pid = unsafe { libc::getpid() };
    let rules = seccomp::native_rules(pid, image.path());
    seccomp::install(&rules)
        .map_err(|e| SetupError::new(Step::Seccomp, format!("seccomp: {e}")))?;
    Ok(isolated.layers(
        landlock,
        landlock_abi,
        format!(
            "kill by default, {} calls allowed or failed softly, one exec (the bot's own image), signals to itself only",
            rules.len()
        ),
    ))
}

impl Isolated {
    fn layers(self, landlock: String, landlock_abi: u32, seccomp: String) -> Layers {
        let files = self.files.as_ref().map(|shown| {
            if shown.private_root {
                format!(
                    "its bundle only, read-only, as its whole filesystem ({}, also its working folder)",
                    shown.root.display()
                )
            } else {
                format!(
                    "its bundle only, read-only, at {} (its working folder; Landlock)",
                    shown.root.display()
                )
            }
        });
        let files_error = self.files.as_ref().and_then(|shown| {
            shown.error.as_ref().map(|why| {
                format!(
                    "Kaggle's path {} is not shown ({why}); bundles that use it fail",
                    files::KAGGLE_AGENT
                )
            })
        });
        Layers {
            files,
            files_error,
            uid: self.uid,
            namespaces: self.namespaces,
            namespaces_error: self.namespaces_error,
            landlock,
            landlock_abi,
            rlimits: self.rlimits,
            seccomp,
        }
    }
}

/// The whole cage at once, for processes that need nothing between the halves.
pub fn cage_self(
    fds: ChildFds,
    zygote: libc::pid_t,
    limits: &Limits,
) -> Result<Layers, SetupError> {
    lock(isolate(fds, zygote, limits, None)?)
}

/// Moves this process into each cgroup whose `cgroup.procs` the host opened (writing
/// `0` means "the writer"; the kernel checks the opener's rights, not ours).
fn join_cgroups(procs: &[RawFd]) -> Result<(), SetupError> {
    for &fd in procs.iter().filter(|&&fd| fd >= 0) {
        // SAFETY: writing two bytes from a static buffer to a descriptor we were given.
        if unsafe { libc::write(fd, b"0\n".as_ptr().cast(), 2) } != 2 {
            return Err(SetupError::os(Step::Cgroup, "joining the bot's cgroup"));
        }
    }
    Ok(())
}

/// Own session (no controlling terminal, so no TIOCSTI), and die with the zygote.
fn session(zygote: libc::pid_t) -> Result<(), SetupError> {
    // SAFETY: plain syscalls on the calling process.
    unsafe {
        if libc::setsid() < 0 {
            return Err(SetupError::os(Step::Session, "setsid"));
        }
        if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) != 0 {
            return Err(SetupError::os(Step::Session, "PR_SET_PDEATHSIG"));
        }
        // The zygote may have died between fork and prctl; then nobody would kill us.
        // In the bots' PID namespace the zygote is outside, so it shows as pid 0 (an
        // orphan would show its new parent, the namespace's init, as 1).
        let parent = if SHARED_PID.load(Ordering::Relaxed) {
            0
        } else {
            zygote
        };
        if libc::getppid() != parent {
            libc::_exit(1);
        }
    }
    Ok(())
}

/// A Python bot: requests on 0, printed output on 1 and 2, replies on 3. A compiled bot:
/// requests on 0, replies on 1, log on 2, its image on [`seccomp::EXEC_FD`]
/// (close-on-exec). Nothing else open.
fn descriptors(fds: ChildFds) -> Result<(), SetupError> {
    let exec_fd = seccomp::EXEC_FD;
    // SAFETY: descriptor juggling on our own table. The pipe ends are first moved above
    // the target numbers so no dup2 clobbers another.
    unsafe {
        let high = |fd: RawFd| libc::fcntl(fd, libc::F_DUPFD, exec_fd + 1);
        let (req, log, rep) = (high(fds.request), high(fds.log), high(fds.reply));
        if req < 0 || log < 0 || rep < 0 {
            return Err(SetupError::os(Step::Descriptors, "F_DUPFD"));
        }
        let moves = match fds.image {
            None => [
                (req, FD_REQUEST),
                (log, FD_LOG),
                (log, FD_LOG_ERR),
                (rep, FD_REPLY),
            ],
            Some(image) => {
                if libc::dup2(image, exec_fd) < 0
                    || libc::fcntl(exec_fd, libc::F_SETFD, libc::FD_CLOEXEC) != 0
                {
                    return Err(SetupError::os(Step::Descriptors, "dup2"));
                }
                [
                    (req, FD_REQUEST),
                    (rep, FD_NATIVE_REPLY),
                    (log, FD_NATIVE_LOG),
                    (log, FD_NATIVE_LOG),
                ]
            }
        };
        for (from, to) in moves {
            if libc::dup2(from, to) < 0 {
                return Err(SetupError::os(Step::Descriptors, "dup2"));
            }
        }
        let (first, last) = if fds.image.is_some() {
            (3, exec_fd - 1)
        } else {
            (4, exec_fd)
        };
        if libc::syscall(libc::SYS_close_range, first as u32, last as u32, 0u32) != 0
            || libc::syscall(libc::SYS_close_range, exec_fd as u32 + 1, u32::MAX, 0u32) != 0
        {
            return Err(SetupError::os(Step::Descriptors, "close_range"));
        }
    }
    Ok(())
}

fn set_limit(resource: rlimit::Resource, soft: u64, hard: u64) -> Result<(), SetupError> {
    resource.set(soft, hard).map_err(|e| {
        SetupError::new(
            Step::Rlimits,
            format!("setrlimit {}: {e}", resource.as_name()),
        )
    })
}

/// This process's address space in bytes (`/proc/self/statm`, read before Landlock).
fn own_address_space() -> u64 {
    // SAFETY: sysconf has no memory effects.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(4096) as u64;
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|t| t.split_whitespace().next()?.parse::<u64>().ok())
        .map_or(0, |pages| pages.saturating_mul(page))
}

fn rlimits(limits: &Limits, nofile: u64, base: u64) -> Result<String, SetupError> {
    use rlimit::Resource;
    let mem = limits
        .memory_mb
        .saturating_mul(1024 * 1024)
        .saturating_add(base);
    set_limit(Resource::AS, mem, mem)?;
    let hard = limits.cpu_seconds.saturating_add(1);
    set_limit(Resource::CPU, limits.cpu_seconds, hard)?;
    set_limit(Resource::NOFILE, nofile, nofile)?;
    for resource in [
        Resource::FSIZE,
        Resource::CORE,
        Resource::NPROC,
        Resource::MEMLOCK,
        Resource::MSGQUEUE,
    ] {
        set_limit(resource, 0, 0)?;
    }
    // SAFETY: plain prctl on the calling process.
    if unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) } != 0 {
        return Err(SetupError::os(Step::Rlimits, "PR_SET_DUMPABLE"));
    }
    let inherited = if base > 0 {
        format!(" on top of the interpreter's {} MiB", base / (1024 * 1024))
    } else {
        String::new()
    };
    Ok(format!(
        "address space {} MiB{inherited}, CPU {} s (hard {} s), no files, no core, no processes, not dumpable",
        limits.memory_mb, limits.cpu_seconds, hard
    ))
}

/// Landlock with every right handled and only `grants` allowed (none for a Python bot):
/// no other file, no TCP, no signal or abstract socket outside the bot's own domain.
/// Best effort on older kernels, and reported.
fn landlock(grants: Grants<'_>) -> Result<(String, u32), SetupError> {
    let abi = ABI::V6;
    let kernel_abi = kernel_landlock_abi();
    let status = Ruleset::default()
        .handle_access(AccessFs::from_all(abi))
        .and_then(|r| r.handle_access(AccessNet::from_all(abi)))
        .and_then(|r| r.scope(Scope::from_all(abi)))
        .and_then(|r| r.create())
        .and_then(|mut r| {
            for (paths, access) in grants {
                r = r.add_rules(path_beneath_rules(paths, *access))?;
            }
            Ok(r)
        })
        .and_then(|r| r.restrict_self())
        .map_err(|e| SetupError::new(Step::Landlock, format!("landlock: {e}")))?;
    let level = match status.ruleset {
        RulesetStatus::FullyEnforced => "fully enforced",
        RulesetStatus::PartiallyEnforced => "partially enforced",
        RulesetStatus::NotEnforced => "not enforced",
    };
    Ok((level.to_string(), kernel_abi))
}

fn kernel_landlock_abi() -> u32 {
    const LANDLOCK_CREATE_RULESET_VERSION: u32 = 1;
    // SAFETY: the documented version query: no ruleset is created.
    let v = unsafe {
        libc::syscall(
            libc::SYS_landlock_create_ruleset,
            std::ptr::null::<u8>(),
            0usize,
            LANDLOCK_CREATE_RULESET_VERSION,
        )
    };
    v.max(0) as u32
}
