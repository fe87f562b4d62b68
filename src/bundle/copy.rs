//! The private read-only copy of a bundle, written entry by entry from a folder or an
//! archive with every cap checked as bytes arrive (never trusting a header's size), and
//! hashed as it is written: what the cage shows the bot is exactly what was hashed.
//!
//! Layout: `BASE/kaggle_simulations/agent/<the bundle's files>`. `BASE` is a fresh
//! folder of the runner's (not listable by others, 0711); the cage makes `BASE` the
//! bot's whole filesystem where it can (so Kaggle's absolute path works), and grants
//! read access beneath `agent/` either way.

use super::limits::{self, Caps};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Component, Path, PathBuf};

/// Where the bundle's files sit under the copy's base: Kaggle's path, without the `/`.
pub const AGENT_DIR: &str = "kaggle_simulations/agent";

/// One file of a bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Relative, `/`-separated, checked (no `..`, no absolute path, printable).
    pub path: String,
    pub size: u64,
    pub sha256: [u8; 32],
}

/// A private copy being written. Dropped unfinished, it removes itself.
pub struct Writer {
    base: tempfile::TempDir,
    /// Where entries land (`AGENT_DIR` under the base, or a staging folder beside it).
    into: PathBuf,
    caps: Caps,
    members: Vec<Member>,
    bytes: u64,
    entries: usize,
}

/// A finished copy: read-only, removed (made writable first) when dropped.
#[derive(Debug)]
pub struct PrivateCopy {
    base: Option<tempfile::TempDir>,
    root: PathBuf,
}

impl PrivateCopy {
    /// The copy's base: the bot's whole filesystem where the cage can give it one.
    pub fn base(&self) -> &Path {
        self.base.as_ref().map_or(Path::new("/"), |b| b.path())
    }

    /// The bundle's own folder (`BASE/kaggle_simulations/agent`).
    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl Drop for PrivateCopy {
    fn drop(&mut self) {
        if let Some(base) = self.base.take() {
            let _ = writable(base.path());
            drop(base);
        }
    }
}

/// Makes every folder under `dir` writable again, so the copy can be removed.
fn writable(dir: &Path) -> std::io::Result<()> {
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    for entry in std::fs::read_dir(dir)?.flatten() {
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            writable(&entry.path())?;
        }
    }
    Ok(())
}

/// A checked relative path: `/`-separated parts, none empty after `.` is dropped, none
/// `..`, not absolute, printable UTF-8, not too deep or long. Errors say what is wrong.
pub fn checked(raw: &str) -> Result<Option<String>, String> {
    let shown = crate::cage::sanitize(raw.as_bytes());
    if raw.starts_with('/') || Path::new(raw).has_root() {
        return Err(format!("`{shown}` is an absolute path"));
    }
    if raw.contains('\\') {
        return Err(format!("`{shown}` has a backslash; archive paths use `/`"));
    }
    if raw.chars().any(char::is_control) {
        return Err(format!("`{shown}` has a control character in its name"));
    }
    let mut parts = Vec::new();
    for part in Path::new(raw).components() {
        match part {
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            Component::CurDir => {}
            _ => return Err(format!("`{shown}` leaves the bundle (`..`)")),
        }
    }
    if parts.len() > limits::MAX_DEPTH || raw.len() > limits::MAX_PATH {
        return Err(format!("`{shown}` is nested too deep or named too long"));
    }
    Ok((!parts.is_empty()).then(|| parts.join("/")))
}

/// A library's error as one printable line: archive crates quote raw header bytes and
/// break lines.
pub fn said(e: impl std::fmt::Display) -> String {
    let text = e.to_string();
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::cage::sanitize(flat.as_bytes())
}

/// True for entries a bundle leaves out: hidden files and folders, bytecode caches.
pub fn skipped(path: &str) -> bool {
    path.split('/')
        .any(|p| p.starts_with('.') || p == "__pycache__")
}

impl Writer {
    /// A fresh, empty copy under the system's temporary folder.
    pub fn new(caps: Caps) -> std::io::Result<Writer> {
        let base = tempfile::Builder::new()
            .prefix("cagematch-bundle-")
            .tempdir()?;
        // Others (the `nobody` a root runner's bots run as) may pass, not list.
        std::fs::set_permissions(base.path(), std::fs::Permissions::from_mode(0o711))?;
        let into = base.path().join(AGENT_DIR);
        std::fs::create_dir_all(&into)?;
        Ok(Writer {
            base,
            into,
            caps,
            members: Vec::new(),
            bytes: 0,
            entries: 0,
        })
    }

    /// Counts one entry of any kind against the cap (an archive of 10⁶ empty entries is
    /// refused at the cap, not after).
    pub fn count(&mut self) -> Result<(), String> {
        self.entries += 1;
        if self.entries > self.caps.files {
            return Err(format!(
                "more than {} files; a bundle holds at most that many",
                self.caps.files
            ));
        }
        Ok(())
    }

    /// A folder (already checked by [`checked`]).
    pub fn dir(&mut self, path: &str) -> Result<(), String> {
        std::fs::create_dir_all(self.into.join(path)).map_err(|e| format!("`{path}`: {e}"))
    }

    /// A file (its path already checked), copied from `from` with the size caps applied
    /// to the bytes actually read.
    pub fn file(&mut self, path: &str, from: &mut dyn Read) -> Result<(), String> {
        if self.members.iter().any(|m| m.path == path) {
            return Err(format!("`{path}` appears twice"));
        }
        let target = self.into.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("`{path}`: {e}"))?;
        }
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&target)
            .map_err(|e| format!("`{path}`: {e}"))?;
        let mut digest = Sha256::new();
        let mut size = 0u64;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = from
                .read(&mut buf)
                .map_err(|e| format!("`{path}`: {}", said(e)))?;
            if n == 0 {
                break;
            }
            size += n as u64;
            self.bytes += n as u64;
            if self.bytes > self.caps.bytes {
                return Err(format!(
                    "more than {} MiB unpacked (at `{path}`); a bundle holds at most that",
                    self.caps.bytes >> 20
                ));
            }
            self.caps.check_ratio(self.bytes)?;
            digest.update(&buf[..n]);
            out.write_all(&buf[..n])
                .map_err(|e| format!("`{path}`: {e}"))?;
        }
        self.members.push(Member {
            path: path.to_string(),
            size,
            sha256: digest.finalize().into(),
        });
        Ok(())
    }

    /// Ends the copy: the bundle's root is the copy's top, or its one folder when the
    /// top holds only that folder and it holds `main.py` (an archive of `submission/`).
    /// Everything is made read-only. Returns the members relative to that root, sorted.
    pub fn finish(mut self) -> Result<(PrivateCopy, Vec<Member>), String> {
        let io = |e: std::io::Error| format!("cannot make the private copy: {e}");
        if !self.members.iter().any(|m| m.path == "main.py") {
            let tops: std::collections::BTreeSet<&str> = self
                .members
                .iter()
                .map(|m| m.path.split('/').next().unwrap_or_default())
                .collect();
            let one = tops.iter().next().copied().unwrap_or_default().to_string();
            let inside = format!("{one}/main.py");
            if tops.len() != 1 || !self.members.iter().any(|m| m.path == inside) {
                return Err(
                    "no `main.py` at its top (Kaggle's layout: main.py defines the agent)".into(),
                );
            }
            let staged = self.base.path().join("kaggle_simulations/staged");
            std::fs::rename(&self.into, &staged).map_err(io)?;
            std::fs::rename(staged.join(&one), &self.into).map_err(io)?;
            std::fs::remove_dir_all(&staged).map_err(io)?;
            let prefix = format!("{one}/");
            for m in &mut self.members {
                m.path = m.path[prefix.len()..].to_string();
            }
        }
        read_only(self.base.path()).map_err(io)?;
        self.members.sort_by(|a, b| a.path.cmp(&b.path));
        let copy = PrivateCopy {
            root: self.into,
            base: Some(self.base),
        };
        Ok((copy, self.members))
    }
}

/// Files 0444 and folders 0555 below `dir`; `dir` itself stays passable, not listable.
fn read_only(dir: &Path) -> std::io::Result<()> {
    fn walk(dir: &Path) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                walk(&path)?;
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o555))?;
            } else {
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444))?;
            }
        }
        Ok(())
    }
    walk(dir)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o711))
}

/// The bundle's identity: SHA-256 over its sorted members' paths and contents' hashes.
pub fn identity(members: &[Member]) -> String {
    let mut digest = Sha256::new();
    for m in members {
        digest.update(m.path.as_bytes());
        digest.update([0]);
        digest.update(m.sha256);
    }
    digest
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_leave_or_hide_are_refused() {
        assert_eq!(checked("a/./b.py"), Ok(Some("a/b.py".into())));
        assert_eq!(checked("./"), Ok(None));
        for bad in ["/etc/passwd", "../x", "a/../../x", "a\\b", "a\u{1b}[2J"] {
            assert!(checked(bad).is_err(), "{bad}");
        }
        assert!(checked(&"a/".repeat(40)).is_err());
        assert!(skipped(".git/config") && skipped("a/__pycache__/m.pyc") && !skipped("a/b"));
    }
}
