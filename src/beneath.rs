//! Files inside a folder that may come from someone else (a run folder copied from
//! another machine, a shard): opened relative to the folder's descriptor, never through a
//! symbolic link at any depth and never outside it — `openat2` with `RESOLVE_BENEATH |
//! RESOLVE_NO_SYMLINKS`, or, where the kernel has no `openat2` (before 5.6), one
//! `openat(O_NOFOLLOW)` per component. The folder itself is the user's to name (a link to
//! it is followed once, when it is opened).

use crate::error::ConfigError;
use std::ffi::CString;
use std::fs::File;
use std::io::Write;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};

/// A folder, held open: what is opened in it stays in it.
#[derive(Debug)]
pub struct Folder {
    fd: OwnedFd,
    path: PathBuf,
}

impl Folder {
    /// Opens the folder at `path` (a link to it is followed: the user named it).
    pub fn open(path: &Path) -> std::io::Result<Folder> {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_DIRECTORY | libc::O_CLOEXEC)
            .open(path)?;
        Ok(Folder {
            fd: OwnedFd::from(file),
            path: path.to_path_buf(),
        })
    }

    /// The same folder, on a descriptor of its own (for another thread).
    pub fn try_clone(&self) -> std::io::Result<Folder> {
        Ok(Folder {
            fd: self.fd.try_clone()?,
            path: self.path.clone(),
        })
    }

    /// Where the folder is, for messages.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `rel` as shown in messages: the folder's path joined with it, escaped.
    pub fn shown(&self, rel: &str) -> String {
        crate::files::shown(&self.path.join(rel))
    }

    /// Opens `rel` beneath the folder with `flags` (and `mode` when creating).
    fn open_at(&self, rel: &str, flags: i32, mode: u32) -> std::io::Result<OwnedFd> {
        let path = plain(rel)?;
        let flags = flags | libc::O_CLOEXEC | libc::O_NOFOLLOW;
        let opened = match openat2(self.fd.as_raw_fd(), &path, flags, mode) {
            Err(e) if e.raw_os_error() == Some(libc::ENOSYS) => {
                walk(self.fd.as_raw_fd(), &path, flags, mode)
            }
            other => other,
        };
        // A link where a folder was asked for reads as "not a folder": say what it is.
        match opened {
            Err(e) if e.raw_os_error() == Some(libc::ENOTDIR) && self.is_link(rel) => {
                Err(std::io::Error::from_raw_os_error(libc::ELOOP))
            }
            other => other,
        }
    }

    /// Whether `rel` (one name) is a symbolic link.
    fn is_link(&self, rel: &str) -> bool {
        self.lstat(rel)
            .is_ok_and(|st| st.st_mode & libc::S_IFMT == libc::S_IFLNK)
    }

    /// `rel`'s own status (a link's, not its target's), if it is there.
    fn lstat(&self, rel: &str) -> std::io::Result<libc::stat> {
        let name = c_name(&plain(rel)?)?;
        // SAFETY: zeroed is a valid stat buffer.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: a NUL-terminated name relative to our own descriptor, our buffer.
        let r = unsafe {
            libc::fstatat(
                self.fd.as_raw_fd(),
                name.as_ptr(),
                &mut st,
                libc::AT_SYMLINK_NOFOLLOW,
            )
        };
        if r == 0 {
            Ok(st)
        } else {
            Err(std::io::Error::last_os_error())
        }
    }

    /// A subfolder, opened beneath (made first when `make` and missing).
    pub fn sub(&self, rel: &str, make: bool) -> std::io::Result<Folder> {
        if make {
            self.make_dir(rel)?;
        }
        let fd = self.open_at(rel, libc::O_RDONLY | libc::O_DIRECTORY, 0)?;
        Ok(Folder {
            fd,
            path: self.path.join(rel),
        })
    }

    /// Makes the folder `rel` (one component, beneath) unless it is there already.
    pub fn make_dir(&self, rel: &str) -> std::io::Result<()> {
        let name = c_name(&plain(rel)?)?;
        // SAFETY: a NUL-terminated name relative to our own descriptor.
        if unsafe { libc::mkdirat(self.fd.as_raw_fd(), name.as_ptr(), 0o777) } == 0 {
            return Ok(());
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::AlreadyExists {
            return Err(e);
        }
        // It exists: it must be a folder of its own, not a link.
        self.open_at(rel, libc::O_RDONLY | libc::O_DIRECTORY, 0)
            .map(drop)
    }

    /// A regular file's bytes (at most `max`), named `what` in errors; one line, naming
    /// the file, whatever went wrong.
    pub fn read(&self, rel: &str, max: u64, what: &str) -> Result<Vec<u8>, ConfigError> {
        let shown = self.shown(rel);
        let err = |message: String| ConfigError::new(&shown, message);
        let fd = self
            .open_at(rel, libc::O_RDONLY | libc::O_NONBLOCK, 0)
            .map_err(|e| err(open_error(&e, what)))?;
        let file = File::from(fd);
        let meta = file
            .metadata()
            .map_err(|e| err(format!("cannot read the {what}: {e}")))?;
        crate::files::read_opened(file, &meta, max, what).map_err(err)
    }

    /// Whether nothing is at `rel` (a link, even a dangling one, is something).
    pub fn absent(&self, rel: &str) -> bool {
        matches!(self.lstat(rel), Err(e) if e.kind() == std::io::ErrorKind::NotFound)
    }

    /// `rel` opened for appending (made if missing), beneath.
    pub fn append(&self, rel: &str) -> std::io::Result<File> {
        let flags = libc::O_WRONLY | libc::O_APPEND | libc::O_CREAT;
        self.open_at(rel, flags, 0o666).map(File::from)
    }

    /// `rel` opened for writing as it is (not made), beneath.
    pub fn write_existing(&self, rel: &str) -> std::io::Result<File> {
        self.open_at(rel, libc::O_WRONLY, 0).map(File::from)
    }

    /// Writes `rel` whole, with `mode`: a new file beside it, renamed into place, so a
    /// reader never sees half of it and a link planted at the name is replaced.
    pub fn write_whole(&self, rel: &str, bytes: &[u8], mode: u32) -> std::io::Result<()> {
        let rel = plain(rel)?;
        let parent = rel.parent().filter(|p| !p.as_os_str().is_empty());
        let dir = match parent {
            Some(p) => self.sub(&p.to_string_lossy(), false)?,
            None => Folder {
                fd: self.fd.try_clone()?,
                path: self.path.clone(),
            },
        };
        let name = rel
            .file_name()
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::InvalidInput))?
            .to_string_lossy()
            .into_owned();
        let draft = format!(".{name}.{}", std::process::id());
        let (draft_c, name_c) = (c_name(Path::new(&draft))?, c_name(Path::new(&name))?);
        // A draft left by a killed process of the same pid is ours to replace.
        // SAFETY: a NUL-terminated name relative to our own descriptor.
        unsafe { libc::unlinkat(dir.fd.as_raw_fd(), draft_c.as_ptr(), 0) };
        let flags = libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL;
        let mut file = File::from(dir.open_at(&draft, flags, mode)?);
        let written = file.write_all(bytes).and_then(|()| {
            // SAFETY: two NUL-terminated names relative to our own descriptor.
            let r = unsafe {
                libc::renameat(
                    dir.fd.as_raw_fd(),
                    draft_c.as_ptr(),
                    dir.fd.as_raw_fd(),
                    name_c.as_ptr(),
                )
            };
            if r == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        });
        if written.is_err() {
            // SAFETY: as above.
            unsafe { libc::unlinkat(dir.fd.as_raw_fd(), draft_c.as_ptr(), 0) };
        }
        written
    }
}

/// Words for a failed open of a `what` in a folder.
pub fn open_error(e: &std::io::Error, what: &str) -> String {
    match e.raw_os_error() {
        Some(libc::ENOENT) => format!("no such {what}"),
        Some(libc::ELOOP) => {
            "is a symbolic link, or lies behind one; a folder's parts must be its own (links are not followed)".into()
        }
        Some(libc::EXDEV) => "lies outside its folder".into(),
        _ => format!("cannot open the {what}: {e}"),
    }
}

/// A path as the C string a system call takes (a NUL inside is refused).
fn c_name(path: &Path) -> std::io::Result<CString> {
    CString::new(path.as_os_str().as_bytes())
        .map_err(|_| std::io::Error::from(std::io::ErrorKind::InvalidInput))
}

/// A relative path of plain components (no `..`, no root): the only kind opened here.
fn plain(rel: &str) -> std::io::Result<PathBuf> {
    let path = Path::new(rel);
    let ok = !rel.is_empty() && path.components().all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(path.to_path_buf())
    } else {
        Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a plain relative path",
        ))
    }
}

fn openat2(dir: i32, rel: &Path, flags: i32, mode: u32) -> std::io::Result<OwnedFd> {
    let path = c_name(rel)?;
    // SAFETY: open_how is plain data; zeroed is its documented default.
    let mut how: libc::open_how = unsafe { std::mem::zeroed() };
    how.flags = flags as u64;
    how.mode = if flags & libc::O_CREAT != 0 {
        u64::from(mode)
    } else {
        0
    };
    how.resolve = libc::RESOLVE_BENEATH | libc::RESOLVE_NO_SYMLINKS;
    // SAFETY: the documented openat2 call with our descriptor, path and struct.
    let fd = unsafe {
        libc::syscall(
            libc::SYS_openat2,
            dir,
            path.as_ptr(),
            &how as *const libc::open_how,
            std::mem::size_of::<libc::open_how>(),
        )
    };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: a descriptor the kernel just gave us.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) })
}

/// The fallback without `openat2`: each folder on the way opened with `O_NOFOLLOW`
/// relative to the last, then the file itself.
fn walk(dir: i32, rel: &Path, flags: i32, mode: u32) -> std::io::Result<OwnedFd> {
    let parts: Vec<&std::ffi::OsStr> = rel.iter().collect();
    let mut held: Option<OwnedFd> = None;
    for (i, part) in parts.iter().enumerate() {
        let name = c_name(Path::new(part))?;
        let at = held.as_ref().map_or(dir, AsRawFd::as_raw_fd);
        let last = i + 1 == parts.len();
        let (f, m) = if last {
            (flags, mode)
        } else {
            (
                libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC,
                0,
            )
        };
        // SAFETY: a NUL-terminated name relative to a descriptor we hold.
        let fd = unsafe { libc::openat(at, name.as_ptr(), f, m) };
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: a descriptor the kernel just gave us.
        held = Some(unsafe { OwnedFd::from_raw_fd(fd) });
    }
    held.ok_or_else(|| std::io::Error::from(std::io::ErrorKind::InvalidInput))
}

use std::os::unix::fs::OpenOptionsExt;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_opened_through_a_link_or_outside_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "x").unwrap();
        std::fs::create_dir(dir.path().join("real")).unwrap();
        std::fs::write(dir.path().join("real/file"), "ok").unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("linked")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), dir.path().join("leaf")).unwrap();
        let folder = Folder::open(dir.path()).unwrap();
        assert_eq!(folder.read("real/file", 10, "file").unwrap(), b"ok");
        for rel in ["linked/secret", "leaf", "../x", "/etc/passwd", ""] {
            assert!(folder.read(rel, 10, "file").is_err(), "{rel}");
            assert!(folder.append(rel).is_err(), "{rel}");
        }
        assert!(folder.sub("linked", false).is_err());
        assert!(
            folder.make_dir("linked").is_err(),
            "a link is not a folder of its own"
        );
        // The fallback walk refuses the same.
        let fd = folder.fd.as_raw_fd();
        assert!(walk(
            fd,
            Path::new("linked/secret"),
            libc::O_RDONLY | libc::O_NOFOLLOW,
            0
        )
        .is_err());
        assert!(walk(fd, Path::new("leaf"), libc::O_RDONLY | libc::O_NOFOLLOW, 0).is_err());
        assert!(walk(
            fd,
            Path::new("real/file"),
            libc::O_RDONLY | libc::O_NOFOLLOW,
            0
        )
        .is_ok());
        // A whole write replaces a link planted at its name, never writes through it.
        folder.write_whole("leaf", b"new", 0o600).unwrap();
        assert_eq!(std::fs::read(outside.path().join("secret")).unwrap(), b"x");
        assert_eq!(std::fs::read(dir.path().join("leaf")).unwrap(), b"new");
    }
}
