//! A compiled bot's last step in its process: after every layer is on (and reported),
//! execute the sealed image the host sent — the one `execveat` the native seccomp table
//! allows. Runs in the bot process; `Exec::new` and `enter` run before `lock`.

use crate::cage::protocol::{ExecSpec, SetupError, Step};
use std::ffi::CString;
use std::path::Path;

/// Folders of shared libraries every dynamically linked program reads, and the loader's
/// cache. Read-only; nothing in them may be executed except the loader itself.
pub const LIBRARY_PATHS: &[&str] = &[
    "/lib",
    "/lib64",
    "/usr/lib",
    "/usr/lib64",
    "/usr/local/lib",
    "/etc/ld.so.cache",
];

/// Everything `execveat` needs, built between `isolate` and `lock` (allocating the
/// arguments is fine under seccomp, but failing there could not be reported as clearly).
pub struct Exec {
    argv: Vec<CString>,
    /// An empty string on a page at a random address: the path `execveat` is given, and
    /// the only one the seccomp rule accepts (see [`Exec::path`]).
    path: *const libc::c_char,
}

impl Exec {
    pub fn new(spec: &ExecSpec) -> Result<Exec, SetupError> {
        let argv = spec
            .argv
            .iter()
            .map(|a| {
                CString::new(a.as_str())
                    .map_err(|_| SetupError::new(Step::Image, "an argument holds a NUL byte"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Exec {
            argv,
            path: random_empty_string()?,
        })
    }

    /// The address the seccomp rule for `execveat` requires. After the exec the bot's
    /// address space is new: to pass the rule with a path of its own (the loader, run as
    /// a second program) it would have to guess this address — 34 random bits, and each
    /// wrong guess is killed.
    pub fn path(&self) -> u64 {
        self.path as u64
    }

    /// Executes the image on [`super::seccomp::EXEC_FD`] with an empty environment.
    /// Returns only on failure.
    pub fn exec(&self) -> std::io::Error {
        let mut argv: Vec<*const libc::c_char> = self.argv.iter().map(|a| a.as_ptr()).collect();
        argv.push(std::ptr::null());
        let envp: [*const libc::c_char; 1] = [std::ptr::null()];
        // SAFETY: NUL-terminated argument and environment arrays that outlive the call.
        unsafe {
            libc::syscall(
                libc::SYS_execveat,
                super::seccomp::EXEC_FD,
                self.path,
                argv.as_ptr(),
                envp.as_ptr(),
                libc::AT_EMPTY_PATH,
            )
        };
        std::io::Error::last_os_error()
    }
}

/// Maps one zeroed, read-only page at a random page-aligned address in [2^32, 2^46) and
/// returns it (its first byte is the empty string).
fn random_empty_string() -> Result<*const libc::c_char, SetupError> {
    const PAGE: u64 = 4096;
    const LOW: u64 = 1 << 32;
    const HIGH: u64 = 1 << 46;
    for _ in 0..16 {
        let mut random = [0u8; 8];
        // SAFETY: getrandom fills our own 8 bytes.
        if unsafe { libc::getrandom(random.as_mut_ptr().cast(), 8, 0) } != 8 {
            return Err(SetupError::os(Step::Image, "getrandom"));
        }
        let addr = (LOW + u64::from_le_bytes(random) % (HIGH - LOW)) & !(PAGE - 1);
        // SAFETY: a new anonymous mapping where nothing is mapped (NOREPLACE).
        let got = unsafe {
            libc::mmap(
                addr as *mut libc::c_void,
                PAGE as usize,
                libc::PROT_READ,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED_NOREPLACE,
                -1,
                0,
            )
        };
        if got as u64 == addr {
            return Ok(got as *const libc::c_char);
        }
        if got != libc::MAP_FAILED {
            // An old kernel that ignores NOREPLACE put it elsewhere: fine, but not random.
            // SAFETY: unmapping the page we were just given.
            unsafe { libc::munmap(got, PAGE as usize) };
        }
    }
    Err(SetupError::new(
        Step::Image,
        "cannot map the exec path page",
    ))
}

/// Enters the bot's folder (a manifest bot reads its own files relative to it).
pub fn enter(folder: Option<&Path>) -> Result<(), SetupError> {
    let target = folder.unwrap_or(Path::new("/"));
    std::env::set_current_dir(target).map_err(|e| {
        SetupError::new(
            Step::Folder,
            format!(
                "cannot enter the bot's folder {} as the bots' user: {e}; make it readable by every user",
                target.display()
            ),
        )
    })
}
