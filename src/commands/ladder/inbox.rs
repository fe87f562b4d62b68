//! A watched ladder's inbox (`DIR/submissions/`): which submissions are complete and may
//! be taken. A submission is a file (a `.py`, an executable, an archive, a manifest) or a
//! bundle folder; it is taken once it has looked the same — size, times, inode — for the
//! settle time, so a file still being uploaded waits. Names an uploader writes to before
//! renaming into place (hidden, `.part`, `.tmp`, `~`) are never taken. Links and other
//! odd entries are refused, and a flood is cut: at most [`MAX_BATCH`] are taken a batch,
//! and past [`MAX_WAITING`] the newest are refused — one line each, nothing deleted.

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Most submissions one batch takes (the oldest first); the rest wait for the next.
pub const MAX_BATCH: usize = 32;
/// Most submissions the inbox holds; past it, the newest are refused.
pub const MAX_WAITING: usize = 1000;
/// Most files a bundle folder may hold to be looked at.
const MAX_TREE: usize = 10_000;

/// What an entry looks like; a change in any part means it is still being written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Look {
    len: u64,
    files: u64,
    mtime_ns: i128,
    ctime_ns: i128,
    ino: u64,
}

/// One scan's findings.
#[derive(Debug, Default)]
pub struct Scan {
    /// Complete submissions to take now, oldest first.
    pub ready: Vec<PathBuf>,
    /// Entries refused as they are, with why (they go to `rejected/`).
    pub refused: Vec<(PathBuf, String)>,
    /// Entries that changed since they were last seen, or have not settled yet.
    pub unsettled: usize,
}

pub struct Inbox {
    dir: PathBuf,
    settle: Duration,
    /// Each entry's look and since when it has looked so.
    seen: HashMap<OsString, (Look, Instant)>,
    /// Entries put back as they were (the game failed checking them): not taken again
    /// until they change.
    held: HashMap<OsString, Look>,
    /// Entries already said to be still changing (said once, not every scan).
    said: HashSet<OsString>,
}

impl Inbox {
    pub fn new(dir: &Path, settle: Duration) -> Inbox {
        Inbox {
            dir: dir.to_path_buf(),
            settle,
            seen: HashMap::new(),
            held: HashMap::new(),
            said: HashSet::new(),
        }
    }

    /// Looks at every entry; `now` is when.
    pub fn scan(&mut self, now: Instant) -> Scan {
        let mut scan = Scan::default();
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return scan;
        };
        let mut complete: Vec<(i128, PathBuf)> = Vec::new();
        let mut present: HashSet<OsString> = HashSet::new();
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name();
            if in_progress(&name) {
                continue;
            }
            let path = entry.path();
            let look = match look(&path) {
                Ok(look) => look,
                Err(why) => {
                    scan.refused.push((path, why));
                    continue;
                }
            };
            present.insert(name.clone());
            if self.held.get(&name) == Some(&look) {
                continue;
            }
            self.held.remove(&name);
            let (since, changed) = match self.seen.get(&name) {
                Some((before, since)) if *before == look => (*since, false),
                before => {
                    let changed = before.is_some();
                    self.seen.insert(name.clone(), (look, now));
                    (now, changed)
                }
            };
            if now.duration_since(since) >= self.settle {
                complete.push((look.mtime_ns, path));
            } else {
                scan.unsettled += 1;
                // Said once: a submission replacing itself every second is one line.
                if changed && self.said.insert(name.clone()) {
                    say!(
                        "inbox: {} is still changing; it is taken once unchanged for {:.1} s",
                        crate::files::shown(Path::new(&name)),
                        self.settle.as_secs_f64()
                    );
                }
            }
        }
        self.seen.retain(|n, _| present.contains(n));
        self.said.retain(|n| present.contains(n));
        // The oldest first; a flood past MAX_WAITING loses its newest, a batch takes at
        // most MAX_BATCH.
        complete.sort();
        for (_, path) in complete.drain(MAX_WAITING.min(complete.len())..) {
            scan.refused.push((
                path,
                format!("the inbox holds more than {MAX_WAITING} submissions; send it again later"),
            ));
        }
        scan.unsettled += complete.len().saturating_sub(MAX_BATCH);
        scan.ready = complete
            .into_iter()
            .take(MAX_BATCH)
            .map(|(_, p)| p)
            .collect();
        for path in &scan.ready {
            if let Some(name) = path.file_name() {
                self.seen.remove(name);
                self.said.remove(name);
            }
        }
        scan
    }

    /// `path` (now back in the inbox) is not taken again until it changes.
    pub fn hold(&mut self, path: &Path) {
        if let (Some(name), Ok(look)) = (path.file_name(), look(path)) {
            self.held.insert(name.to_os_string(), look);
        }
    }
}

/// Names uploads are written under before they are renamed into place.
fn in_progress(name: &std::ffi::OsStr) -> bool {
    let b = name.as_encoded_bytes();
    b.starts_with(b".")
        || b.ends_with(b"~")
        || [&b".part"[..], b".tmp", b".partial", b".crdownload"]
            .iter()
            .any(|end| b.ends_with(end))
}

/// What an entry looks like now, or why it is no submission.
fn look(path: &Path) -> Result<Look, String> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| format!("cannot be read: {e}"))?;
    let kind = meta.file_type();
    if kind.is_symlink() {
        return Err("a symbolic link, not a submission; submit the file itself".into());
    }
    let mut look = Look {
        len: meta.len(),
        files: 1,
        mtime_ns: nanos(meta.mtime(), meta.mtime_nsec()),
        ctime_ns: nanos(meta.ctime(), meta.ctime_nsec()),
        ino: meta.ino(),
    };
    if kind.is_file() {
        if crate::botfile::is_manifest(path) {
            // A manifest names other files, which would arrive (and be admitted) apart
            // from it; an entrant's files come as one entry here.
            return Err("a manifest names files of its own; submit the bot as one file, an archive or a bundle folder".into());
        }
        return Ok(look);
    }
    if !kind.is_dir() {
        return Err("not a regular file or a folder".into());
    }
    if !crate::bundle::is_bundle(path) {
        return Err(
            "a folder that is not a bundle (a bundle holds main.py at its top); submit a bot file or a bundle"
                .into(),
        );
    }
    // A bundle: every file's size and times count, so one still being copied in waits.
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("cannot be read: {e}"))?;
        for entry in entries.filter_map(Result::ok) {
            look.files += 1;
            if look.files as usize > MAX_TREE {
                return Err(format!("a bundle of more than {MAX_TREE} files"));
            }
            let Ok(meta) = entry.metadata() else { continue };
            look.len += meta.len();
            look.mtime_ns = look.mtime_ns.max(nanos(meta.mtime(), meta.mtime_nsec()));
            look.ctime_ns = look.ctime_ns.max(nanos(meta.ctime(), meta.ctime_nsec()));
            if meta.is_dir() && !entry.file_type().is_ok_and(|t| t.is_symlink()) {
                stack.push(entry.path());
            }
        }
    }
    Ok(look)
}

fn nanos(secs: i64, nsec: i64) -> i128 {
    i128::from(secs) * 1_000_000_000 + i128::from(nsec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_submission_is_taken_once_it_has_stopped_changing() {
        let dir = tempfile::tempdir().unwrap();
        let settle = Duration::from_millis(500);
        let mut inbox = Inbox::new(dir.path(), settle);
        let t0 = Instant::now();
        std::fs::write(dir.path().join("a.py"), "def agent(o, c):\n").unwrap();
        std::fs::write(dir.path().join(".b.py.upload"), "half").unwrap();
        std::fs::write(dir.path().join("c.py.part"), "half").unwrap();
        let first = inbox.scan(t0);
        assert!(first.ready.is_empty(), "seen once: not yet");
        assert_eq!(
            first.unsettled, 1,
            "the hidden and .part uploads are not looked at"
        );
        // Written again before it settled: the clock starts over.
        std::fs::write(dir.path().join("a.py"), "def agent(o, c):\n    return 0\n").unwrap();
        assert!(inbox.scan(t0 + settle).ready.is_empty());
        let later = inbox.scan(t0 + settle * 2 + Duration::from_millis(1));
        assert_eq!(later.ready, vec![dir.path().join("a.py")]);
    }

    #[test]
    fn links_odd_folders_and_a_flood_are_refused_one_by_one() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("/etc/passwd", dir.path().join("x.py")).unwrap();
        std::fs::create_dir(dir.path().join("notes")).unwrap();
        std::fs::write(dir.path().join("m.yaml"), "command: bob\n").unwrap();
        let mut inbox = Inbox::new(dir.path(), Duration::ZERO);
        let scan = inbox.scan(Instant::now());
        let mut why: Vec<&str> = scan.refused.iter().map(|(_, w)| w.as_str()).collect();
        why.sort();
        assert_eq!(why.len(), 3);
        assert!(
            why[0].starts_with("a folder that is not a bundle"),
            "{why:?}"
        );
        assert!(why[1].starts_with("a manifest names files"), "{why:?}");
        assert!(why[2].starts_with("a symbolic link"), "{why:?}");
        let flood = tempfile::tempdir().unwrap();
        for i in 0..MAX_WAITING + 3 {
            std::fs::write(flood.path().join(format!("b{i}.py")), "").unwrap();
        }
        let mut inbox = Inbox::new(flood.path(), Duration::ZERO);
        let scan = inbox.scan(Instant::now());
        assert_eq!(scan.ready.len(), MAX_BATCH);
        assert_eq!(scan.refused.len(), 3);
        assert_eq!(scan.unsettled, MAX_WAITING - MAX_BATCH);
    }
}
