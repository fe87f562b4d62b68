//! Reading a file someone handed us (bot files, manifests, tournaments, themes, replays,
//! run folders): a regular file only, never more than a cap, opened without blocking (a
//! FIFO would hang the open) and, for bots, without following a symbolic link — so a
//! `bot.py` that links to `/etc/shadow` is refused, not quoted back in a traceback.
//! Errors are one line naming the file.

use crate::error::{ConfigError, WriteError};
use std::fs::Metadata;
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Whether the last component of the path may be a symbolic link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Links {
    /// A file the user named on purpose (a tournament, a replay).
    Follow,
    /// A bot's files: what runs and is hashed must be the file itself.
    Refuse,
}

/// The file's bytes and metadata, taken from the one descriptor that was opened.
pub fn read_capped(
    path: &Path,
    max: u64,
    what: &str,
    links: Links,
) -> Result<(Vec<u8>, Metadata), ConfigError> {
    let (file, meta) = open_checked_as(path, links, what)?;
    let bytes = read_opened(file, &meta, max, what)
        .map_err(|message| ConfigError::new(path.display(), message))?;
    Ok((bytes, meta))
}

/// A regular file opened for reading without blocking (and, with [`Links::Refuse`],
/// without following a link), with its metadata from that descriptor.
pub fn open_checked(path: &Path, links: Links) -> Result<(std::fs::File, Metadata), ConfigError> {
    let (file, meta) = open_checked_as(path, links, "file")?;
    if !meta.is_file() {
        return Err(ConfigError::new(
            path.display(),
            "not a regular file".to_string(),
        ));
    }
    Ok((file, meta))
}

fn open_checked_as(
    path: &Path,
    links: Links,
    what: &str,
) -> Result<(std::fs::File, Metadata), ConfigError> {
    let shown = path.display();
    let err = |message: String| ConfigError::new(&shown, message);
    let mut flags = libc::O_NONBLOCK | libc::O_CLOEXEC;
    if links == Links::Refuse {
        flags |= libc::O_NOFOLLOW;
    }
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => err(format!("no such {what}; check the path")),
            _ if e.raw_os_error() == Some(libc::ELOOP) => err(format!(
                "is a symbolic link; give the {what} itself (links are not followed)"
            )),
            _ => err(format!("cannot read the {what}: {e}")),
        })?;
    let meta = file
        .metadata()
        .map_err(|e| err(format!("cannot read the {what}: {e}")))?;
    Ok((file, meta))
}

/// The bytes of a file already opened (`meta` its metadata): a regular file only, at
/// most `max` bytes even if it grows while it is read. The error is the message alone.
pub fn read_opened(
    file: std::fs::File,
    meta: &Metadata,
    max: u64,
    what: &str,
) -> Result<Vec<u8>, String> {
    if !meta.is_file() {
        return Err(format!("not a regular file; give the path of a {what}"));
    }
    if meta.len() > max {
        return Err(format!(
            "{} bytes is more than the {max} a {what} may have",
            meta.len()
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the {what}: {e}"))?;
    if bytes.len() as u64 > max {
        return Err(format!("is more than the {max} bytes a {what} may have"));
    }
    Ok(bytes)
}

/// As [`read_capped`], as UTF-8 text.
pub fn read_text(path: &Path, max: u64, what: &str, links: Links) -> Result<String, ConfigError> {
    let (bytes, _) = read_capped(path, max, what, links)?;
    String::from_utf8(bytes).map_err(|_| {
        ConfigError::new(
            path.display(),
            format!("the {what} is not UTF-8 text; save it as UTF-8"),
        )
    })
}

/// Writes `text` to `path` through a new file renamed into place: a link planted at
/// `path` (a run folder may come from another machine) is replaced, never followed,
/// and a reader never sees half a file. Errors name the path and the `what`.
pub fn write_replacing(path: &Path, text: &str, what: &str) -> Result<(), WriteError> {
    use std::io::Write as _;
    let fail = |e: std::io::Error| WriteError::new(shown(path), format!("write the {what}"), e);
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let draft = path.with_file_name(format!(".{name}.{}", std::process::id()));
    // A draft left by a killed run of the same pid is ours to replace (`create_new`
    // never follows a link planted there; removing one removes the link).
    let _ = std::fs::remove_file(&draft);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&draft)
        .map_err(fail)?;
    let written = file
        .write_all(text.as_bytes())
        .and_then(|()| std::fs::rename(&draft, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&draft);
        return Err(fail(e));
    }
    Ok(())
}

/// Refuses a run folder (or a ladder's, a shard's) whose own parts are symbolic links:
/// `names` inside `dir` that exist must not be links, so nothing read or written there
/// goes elsewhere (a `replays/` planted as a link would take a resumed run's replays, or
/// a merge's copies, outside). `dir` itself is the user's to name. Missing parts are
/// fine (they are made as real ones).
pub fn refuse_links_in(dir: &Path, names: &[&str]) -> Result<(), ConfigError> {
    for name in names {
        let path = dir.join(name);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(ConfigError::new(
                shown(&path),
                "is a symbolic link; a run folder's parts must be its own (links are not followed)",
            ));
        }
    }
    Ok(())
}

/// A path as the terminal may show it: control bytes escaped (a file name is anyone's).
pub fn shown(path: &Path) -> String {
    crate::cage::log::sanitize(path.as_os_str().as_encoded_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_fifos_folders_and_big_files_are_refused_in_one_line() {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("secret");
        std::fs::write(&secret, "hunter2").unwrap();
        let link = dir.path().join("bot.py");
        std::os::unix::fs::symlink(&secret, &link).unwrap();
        let e = read_capped(&link, 100, "bot file", Links::Refuse).unwrap_err();
        assert!(e.to_string().contains("is a symbolic link"), "{e}");
        assert!(!e.to_string().contains("hunter2"));
        assert!(read_capped(&link, 100, "replay", Links::Follow).is_ok());

        let fifo = dir.path().join("fifo.py");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo on a path in our own temporary folder.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = read_capped(&fifo, 100, "bot file", Links::Refuse).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");

        let e = read_capped(dir.path(), 100, "bot file", Links::Refuse).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
        let e = read_capped(Path::new("/dev/zero"), 100, "replay", Links::Follow).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");

        let e = read_capped(&secret, 3, "bot file", Links::Refuse).unwrap_err();
        assert!(e.to_string().contains("more than the 3"), "{e}");
        let e = read_text(&dir.path().join("nope"), 3, "theme", Links::Follow).unwrap_err();
        assert!(
            e.to_string().ends_with("no such theme; check the path"),
            "{e}"
        );
    }
}
