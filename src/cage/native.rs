//! Compiled bots: any ELF executable, run in the same cage as Python bots.
//!
//! The host reads the executable once (it is hashed for replays) and hands each new bot
//! process a sealed in-memory copy. The caged child applies every layer, reports them,
//! and only then `execveat`s that copy: the bytes that run are the bytes that were hashed,
//! no path is opened at exec time, and the seccomp filter allows exactly that one exec.

use serde::{Deserialize, Serialize};
use std::ffi::CString;
use std::io::Write;
use std::os::fd::{FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A compiled bot as the cage needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Native {
    /// `argv[0]`: the executable's file name.
    pub name: String,
    /// The executable's bytes, as hashed.
    pub image: Arc<[u8]>,
    /// Arguments after `argv[0]` (from a manifest).
    pub args: Vec<String>,
    /// The folder the bot may read and starts in (a manifest's folder), absolute.
    pub folder: Option<PathBuf>,
    /// The image's ELF interpreter, from [`elf_interpreter`] when the bot was read.
    pub interpreter: Option<PathBuf>,
}

/// What the zygote's child needs to exec the image it was given.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExecSpec {
    pub argv: Vec<String>,
    pub folder: Option<PathBuf>,
    /// The ELF interpreter (dynamic loader) the kernel opens during the exec.
    pub interpreter: Option<PathBuf>,
}

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

#[cfg(target_arch = "x86_64")]
const ELF_MACHINE: u16 = 62; // EM_X86_64
#[cfg(target_arch = "aarch64")]
const ELF_MACHINE: u16 = 183; // EM_AARCH64

/// Checks that `bytes` is an executable this machine can run and returns its ELF
/// interpreter, if it has one (statically linked programs do not). Errors say what is
/// wrong in words.
pub fn elf_interpreter(bytes: &[u8]) -> Result<Option<PathBuf>, String> {
    let u16_at = |at: usize| {
        bytes
            .get(at..at + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
    };
    let u32_at = |at: usize| {
        bytes
            .get(at..at + 4)
            .map(|b| u32::from_le_bytes(b.try_into().expect("four bytes")))
    };
    let u64_at = |at: usize| {
        bytes
            .get(at..at + 8)
            .map(|b| u64::from_le_bytes(b.try_into().expect("eight bytes")))
    };
    if bytes.get(..4) != Some(b"\x7fELF") {
        return Err(if bytes.starts_with(b"#!") {
            "a script with #! is not a compiled program; the cage runs ELF executables only (for Python, give the .py file)".into()
        } else {
            "not an ELF executable".into()
        });
    }
    if bytes.get(4) != Some(&2) || bytes.get(5) != Some(&1) {
        return Err("not a 64-bit little-endian ELF executable".into());
    }
    const ET_EXEC: u16 = 2;
    const ET_DYN: u16 = 3;
    if !matches!(u16_at(16), Some(ET_EXEC | ET_DYN)) {
        return Err("an ELF file, but not an executable (an object file or a core?)".into());
    }
    if u16_at(18) != Some(ELF_MACHINE) {
        return Err("built for another kind of processor than this machine's".into());
    }
    let malformed = || "a malformed ELF executable".to_string();
    let phoff = u64_at(0x20).ok_or_else(malformed)? as usize;
    let phentsize = u16_at(0x36).ok_or_else(malformed)? as usize;
    let phnum = u16_at(0x38).ok_or_else(malformed)? as usize;
    const PT_INTERP: u32 = 3;
    for i in 0..phnum {
        let at = phoff.saturating_add(i.saturating_mul(phentsize));
        if u32_at(at).ok_or_else(malformed)? != PT_INTERP {
            continue;
        }
        let offset = u64_at(at + 8).ok_or_else(malformed)? as usize;
        let size = u64_at(at + 32).ok_or_else(malformed)? as usize;
        let raw = bytes
            .get(offset..offset.saturating_add(size))
            .filter(|r| r.len() < 4096)
            .ok_or_else(malformed)?;
        let path = raw.split(|&b| b == 0).next().unwrap_or_default();
        let path = std::str::from_utf8(path).map_err(|_| malformed())?;
        if !path.starts_with('/') {
            return Err(malformed());
        }
        return Ok(Some(PathBuf::from(path)));
    }
    Ok(None)
}

impl Native {
    /// The exec request sent with the image.
    pub fn exec_spec(&self) -> ExecSpec {
        let mut argv = vec![self.name.clone()];
        argv.extend(self.args.iter().cloned());
        ExecSpec {
            argv,
            folder: self.folder.clone(),
            interpreter: self.interpreter.clone(),
        }
    }

    /// A sealed, close-on-exec, in-memory copy of the image: nobody can change it once
    /// made, and executing it needs no path.
    pub fn memfd(&self) -> std::io::Result<OwnedFd> {
        const MFD_EXEC: libc::c_uint = 0x10;
        let name = c"cagematch-bot";
        let flags = libc::MFD_CLOEXEC | libc::MFD_ALLOW_SEALING;
        // SAFETY: memfd_create with a valid name; older kernels refuse MFD_EXEC (EINVAL).
        let mut fd = unsafe { libc::memfd_create(name.as_ptr(), flags | MFD_EXEC) };
        if fd < 0 {
            // SAFETY: as above.
            fd = unsafe { libc::memfd_create(name.as_ptr(), flags) };
        }
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: a fresh descriptor we own.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        std::fs::File::from(fd.try_clone()?).write_all(&self.image)?;
        let seals =
            libc::F_SEAL_SEAL | libc::F_SEAL_SHRINK | libc::F_SEAL_GROW | libc::F_SEAL_WRITE;
        // SAFETY: adding seals to our own memfd.
        if unsafe {
            libc::fcntl(
                std::os::fd::AsRawFd::as_raw_fd(&fd),
                libc::F_ADD_SEALS,
                seals,
            )
        } != 0
        {
            return Err(std::io::Error::last_os_error());
        }
        Ok(fd)
    }
}

/// Everything `execveat` needs, built before the seccomp filter goes on.
pub struct Prepared {
    argv: Vec<CString>,
}

impl Prepared {
    pub fn new(spec: &ExecSpec) -> Result<Prepared, String> {
        let argv = spec
            .argv
            .iter()
            .map(|a| {
                CString::new(a.as_str()).map_err(|_| "an argument holds a NUL byte".to_string())
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Prepared { argv })
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
