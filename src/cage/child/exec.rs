//! A compiled bot's last step in its process: after every layer is on (and reported),
//! execute the sealed image the host sent — the one `execveat` the native seccomp table
//! allows. Runs in the bot process; `Exec::new` and `enter` run before `lock`.

use crate::cage::protocol::ExecSpec;
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
}

impl Exec {
    pub fn new(spec: &ExecSpec) -> Result<Exec, String> {
        let argv = spec
            .argv
            .iter()
            .map(|a| {
                CString::new(a.as_str()).map_err(|_| "an argument holds a NUL byte".to_string())
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Exec { argv })
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
                c"".as_ptr(),
                argv.as_ptr(),
                envp.as_ptr(),
                libc::AT_EMPTY_PATH,
            )
        };
        std::io::Error::last_os_error()
    }
}

/// Enters the bot's folder (a manifest bot reads its own files relative to it).
pub fn enter(folder: Option<&Path>) -> Result<(), String> {
    let target = folder.unwrap_or(Path::new("/"));
    std::env::set_current_dir(target).map_err(|e| {
        format!(
            "cannot enter the bot's folder {} as the bots' user: {e}; make it readable by every user",
            target.display()
        )
    })
}
