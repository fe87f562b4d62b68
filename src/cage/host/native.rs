//! Compiled bots, on the host's side: any ELF executable, run in the same cage as
//! Python bots.
//!
//! The host reads the executable once (it is hashed for replays) and hands each new bot
//! process a sealed in-memory copy. The caged child applies every layer, reports them,
//! and only then `execveat`s that copy (`child/exec.rs`): the bytes that run are the
//! bytes that were hashed, no path is opened at exec time, and the seccomp filter allows
//! exactly that one exec.

use crate::cage::protocol::ExecSpec;
use std::io::Write;
use std::os::fd::{FromRawFd, OwnedFd};
use std::path::PathBuf;
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
    /// The folder the bot starts in (a manifest's folder), absolute. It cannot list or
    /// read it: other bots' files are often there.
    pub folder: Option<PathBuf>,
    /// The only files of its own it may read (a manifest's `files:`), absolute.
    pub files: Vec<PathBuf>,
    /// The image's ELF interpreter, from [`elf_interpreter`] when the bot was read.
    pub interpreter: Option<PathBuf>,
}

#[cfg(target_arch = "x86_64")]
const ELF_MACHINE: u16 = 62; // EM_X86_64
#[cfg(target_arch = "aarch64")]
const ELF_MACHINE: u16 = 183; // EM_AARCH64

/// Checks that `bytes` is an executable this machine can run and returns its ELF
/// interpreter, if it has one (statically linked programs do not). Errors say what is
/// wrong in words.
pub fn elf_interpreter(bytes: &[u8]) -> Result<Option<PathBuf>, String> {
    // Every offset comes from the file: all arithmetic on them is checked.
    let field = |at: usize, n: usize| bytes.get(at..at.checked_add(n)?);
    let u16_at = |at: usize| field(at, 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    let u32_at = |at: usize| field(at, 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    let u64_at = |at: usize| {
        field(at, 8).map(|b| u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
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
        let at = i
            .checked_mul(phentsize)
            .and_then(|o| o.checked_add(phoff))
            .ok_or_else(malformed)?;
        if u32_at(at).ok_or_else(malformed)? != PT_INTERP {
            continue;
        }
        let offset = at.checked_add(8).and_then(u64_at).ok_or_else(malformed)? as usize;
        let size = at.checked_add(32).and_then(u64_at).ok_or_else(malformed)? as usize;
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
            files: self.files.clone(),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// An ELF header for this machine with `phnum` program headers at `phoff`.
    fn header(phoff: u64, phnum: u16) -> Vec<u8> {
        let mut elf = vec![0u8; 64];
        elf[..4].copy_from_slice(b"\x7fELF");
        elf[4] = 2; // 64-bit
        elf[5] = 1; // little-endian
        elf[16..18].copy_from_slice(&3u16.to_le_bytes()); // ET_DYN
        elf[18..20].copy_from_slice(&ELF_MACHINE.to_le_bytes());
        elf[0x20..0x28].copy_from_slice(&phoff.to_le_bytes());
        elf[0x36..0x38].copy_from_slice(&56u16.to_le_bytes());
        elf[0x38..0x3a].copy_from_slice(&phnum.to_le_bytes());
        elf
    }

    #[test]
    fn huge_offsets_are_malformed_not_a_panic() {
        for phoff in [u64::MAX, u64::MAX - 7, u64::MAX - 31, 1 << 63] {
            assert_eq!(
                elf_interpreter(&header(phoff, 3)),
                Err("a malformed ELF executable".to_string()),
                "phoff {phoff:#x}"
            );
        }
        // A program header whose PT_INTERP points past the end of the file.
        let mut elf = header(64, 1);
        elf.extend_from_slice(&3u32.to_le_bytes());
        elf.extend_from_slice(&[0; 4]);
        elf.extend_from_slice(&u64::MAX.to_le_bytes());
        elf.extend_from_slice(&[0; 16]);
        elf.extend_from_slice(&u64::MAX.to_le_bytes());
        elf.extend_from_slice(&[0; 16]);
        assert!(elf_interpreter(&elf).is_err());
    }

    #[test]
    fn a_static_header_has_no_interpreter() {
        assert_eq!(elf_interpreter(&header(64, 0)), Ok(None));
        assert!(elf_interpreter(b"#!/bin/sh\n").unwrap_err().contains("#!"));
    }
}
