//! A bundle's files, as its bot process sees them. Runs in `setup::isolate`, in the bot's
//! fresh user and mount namespaces while it still holds their capabilities, before any
//! bot code: the private copy's base (`BASE/kaggle_simulations/agent/…`, made by the
//! host) becomes the process's root, read-only, so the bundle shows at
//! Kaggle's absolute path `/kaggle_simulations/agent/` and nothing else exists. Where the
//! kernel gives no mount namespace, the bot sees its copy at the copy's real path and
//! Landlock alone keeps it there (`setup::lock`): then stat calls stay refused, since
//! Landlock does not cover them and they would tell it what else is on the disk.

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Kaggle's path for a submission's files.
pub const KAGGLE_AGENT: &str = "/kaggle_simulations/agent";

/// Where this bot process sees its bundle (set once, before bot code runs).
static ROOT: OnceLock<PathBuf> = OnceLock::new();

/// The bundle's folder as the bot sees it; `None` for a one-file bot.
pub fn root() -> Option<&'static Path> {
    ROOT.get().map(PathBuf::as_path)
}

/// How the bundle's files were shown.
pub struct Shown {
    /// The folder the bot sees its files in (and starts in).
    pub root: PathBuf,
    /// True when the copy is the bot's whole filesystem.
    pub private_root: bool,
    /// Why it is not, when it is not.
    pub error: Option<String>,
}

fn c_path(path: &Path) -> CString {
    CString::new(path.as_os_str().as_bytes()).unwrap_or_default()
}

fn check(result: libc::c_int, what: &str) -> Result<(), String> {
    if result == 0 {
        Ok(())
    } else {
        Err(format!("{what}: {}", std::io::Error::last_os_error()))
    }
}

/// Makes `base` the root of this process, read-only, in its own mount namespace. Needs
/// `CAP_SYS_ADMIN` and `CAP_SYS_CHROOT` in the namespace's owner (the bot's fresh user
/// namespace; both are dropped right after). `chroot` rather than `pivot_root` and an
/// unmount of the old root: the unmount waits for an RCU grace period, which made one
/// spawn in three 8 ms slower; and a chroot cannot be left by a process that holds no
/// descriptor outside it, may not call `chroot` again (seccomp) and has no `/proc`.
fn enter_root(base: &Path) -> Result<(), String> {
    let base = c_path(base);
    let none = std::ptr::null::<libc::c_char>();
    // SAFETY: mount/chroot/chdir/statvfs with valid C strings and null pointers where the
    // calls take none; they affect only this process and its own mount namespace (whose
    // mounts, made by a new user namespace, propagate nothing back).
    unsafe {
        check(
            libc::mount(
                base.as_ptr(),
                base.as_ptr(),
                none,
                libc::MS_BIND,
                std::ptr::null(),
            ),
            "binding the bundle's copy",
        )?;
        // A remount must keep the flags the kernel locked on the original mount (atime
        // among them); adding read-only, nosuid, nodev and noexec is always allowed.
        let mut stat: libc::statvfs = std::mem::zeroed();
        check(libc::statvfs(base.as_ptr(), &mut stat), "statvfs")?;
        let kept = stat.f_flag
            & (libc::ST_NOATIME | libc::ST_NODIRATIME | libc::ST_RELATIME) as libc::c_ulong;
        let flags = libc::MS_REMOUNT
            | libc::MS_BIND
            | libc::MS_RDONLY
            | libc::MS_NOSUID
            | libc::MS_NODEV
            | libc::MS_NOEXEC
            | kept;
        check(
            libc::mount(none, base.as_ptr(), none, flags, std::ptr::null()),
            "remounting read-only",
        )?;
        check(libc::chdir(base.as_ptr()), "entering the copy")?;
        check(libc::chroot(c".".as_ptr()), "chroot")?;
        check(libc::chdir(c"/".as_ptr()), "entering the new root")?;
    }
    Ok(())
}

/// Shows the bundle whose copy is at `base`: as the whole filesystem when `namespaced`
/// (this process has its own user and mount namespaces) and the kernel lets it, else at
/// its real path. Either way the process starts in the bundle's folder.
pub fn show(base: &Path, namespaced: bool) -> Result<Shown, String> {
    let real = base.join("kaggle_simulations/agent");
    let pivoted = if namespaced {
        enter_root(base)
    } else {
        Err("no mount namespace of its own".into())
    };
    let (root, error) = match pivoted {
        Ok(()) => (PathBuf::from(KAGGLE_AGENT), None),
        Err(why) => (real, Some(why)),
    };
    // SAFETY: chdir with a valid C string.
    check(
        unsafe { libc::chdir(c_path(&root).as_ptr()) },
        "entering the bundle",
    )?;
    let _ = ROOT.set(root.clone());
    Ok(Shown {
        private_root: error.is_none(),
        root,
        error,
    })
}
