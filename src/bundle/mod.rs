//! A bot of several files — Kaggle's submission layout: `main.py` (the agent is its last
//! callable) beside its own modules and read-only data such as model weights. A bundle
//! is a folder holding `main.py`, or a `.tar.gz`/`.tgz`/`.zip` of one.
//!
//! Read once, on the host, into a private read-only copy ([`copy`]) hashed as it is
//! written; its Python modules are read from that copy and travel to the cage with
//! `main.py` (imports need no file access), and the cage grants the bot read access to
//! the copy alone (`cage/child/files.rs`). A bundle changed while it plays changes
//! nothing: the copy is what plays.

mod archive;
mod copy;
pub mod limits;

pub use archive::Kind;
pub use copy::{Member, PrivateCopy, AGENT_DIR};

use crate::cage::protocol::Module;
use crate::files::Links;
use copy::{checked, skipped, Writer};
use limits::Caps;
use std::path::Path;
use std::sync::Arc;

/// A bundle read into its private copy.
#[derive(Debug, Clone)]
pub struct Bundle {
    /// The copy; removed when the last clone of the bundle is dropped.
    pub copy: Arc<PrivateCopy>,
    /// Every file, relative to the bundle's top, sorted.
    pub members: Vec<Member>,
    /// `main.py`'s source.
    pub main: String,
    /// Its importable modules (every other `.py` file, and their packages).
    pub modules: Vec<Module>,
    /// SHA-256 over every member's path and content.
    pub sha256: String,
}

impl PartialEq for Bundle {
    fn eq(&self, other: &Bundle) -> bool {
        self.sha256 == other.sha256 && self.copy.root() == other.copy.root()
    }
}
impl Eq for Bundle {}

/// True when `path` is a bundle by its shape: a folder (not a link to one) holding
/// `main.py`, or an archive by its name (a link to one is a bundle that reading refuses).
pub fn is_bundle(path: &Path) -> bool {
    let folder = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
        && std::fs::symlink_metadata(path.join("main.py")).is_ok_and(|m| m.is_file());
    let archive = path.is_file()
        && path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(Kind::of)
            .is_some();
    folder || archive
}

impl Bundle {
    /// Reads a folder or an archive into a private copy. Errors are one line (the caller
    /// names the file).
    pub fn read(path: &Path) -> Result<Bundle, String> {
        let meta = std::fs::symlink_metadata(path).map_err(|e| e.to_string())?;
        if meta.file_type().is_symlink() {
            return Err(
                "is a symbolic link; give the bundle itself (links are not followed)".into(),
            );
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let mut writer;
        if meta.is_dir() {
            writer = Writer::new(Caps::folder()).map_err(cannot_copy)?;
            copy_folder(path, "", &mut writer)?;
        } else if let Some(kind) = Kind::of(name) {
            let (file, meta) =
                crate::files::open_checked(path, Links::Refuse).map_err(|e| e.message)?;
            writer = Writer::new(Caps::archive(meta.len())).map_err(cannot_copy)?;
            archive::unpack(kind, file, &mut writer)?;
        } else {
            return Err(
                "a bundle is a folder holding main.py, or a .tar.gz, .tgz or .zip of one".into(),
            );
        }
        let (copy, members) = writer.finish()?;
        let (main, modules) = python(copy.root(), &members)?;
        Ok(Bundle {
            sha256: copy::identity(&members),
            copy: Arc::new(copy),
            members,
            main,
            modules,
        })
    }

    /// Bytes of all its files together.
    pub fn bytes(&self) -> u64 {
        self.members.iter().map(|m| m.size).sum()
    }
}

fn cannot_copy(e: std::io::Error) -> String {
    format!("cannot make its private copy: {e}")
}

/// Copies `dir` (the bundle folder, or a folder in it at `rel`) into `into`: plain files
/// and folders only, no link followed.
fn copy_folder(dir: &Path, rel: &str, into: &mut Writer) -> Result<(), String> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        into.count()?;
        let name = entry.file_name();
        let name = name.to_str().ok_or_else(|| {
            format!(
                "`{}` is not a UTF-8 name",
                crate::cage::sanitize(name.as_encoded_bytes())
            )
        })?;
        let joined = if rel.is_empty() {
            name.to_string()
        } else {
            format!("{rel}/{name}")
        };
        let Some(path) = checked(&joined)?.filter(|p| !skipped(p)) else {
            continue;
        };
        let kind = entry.file_type().map_err(|e| e.to_string())?;
        if kind.is_dir() {
            into.dir(&path)?;
            copy_folder(&entry.path(), &path, into)?;
        } else if kind.is_file() {
            let (mut file, _) = crate::files::open_checked(&entry.path(), Links::Refuse)
                .map_err(|e| format!("`{path}`: {}", e.message))?;
            into.file(&path, &mut file)?;
        } else {
            return Err(format!(
                "`{path}` is a link, a device or a FIFO; a bundle holds plain files and folders only"
            ));
        }
    }
    Ok(())
}

/// A Python identifier, as module names need (ASCII: bundles are written for Kaggle's
/// importer, which takes these).
fn identifier(part: &str) -> bool {
    let mut chars = part.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `main.py`'s source and the bundle's importable modules, read from the copy: every
/// `.py` file whose path is made of identifiers, and the folders above them as packages
/// (a folder without `__init__.py` is a namespace package, as in Python).
fn python(root: &Path, members: &[Member]) -> Result<(String, Vec<Module>), String> {
    let mut total = 0u64;
    let mut read = |path: &str| -> Result<String, String> {
        let (bytes, _) = crate::files::read_capped(
            &root.join(path),
            limits::MAX_SOURCE_BYTES,
            "module",
            Links::Refuse,
        )
        .map_err(|e| format!("`{path}`: {}", e.message))?;
        total += bytes.len() as u64;
        if total > limits::MAX_SOURCE_BYTES {
            return Err(format!(
                "more than {} MiB of Python source; put data in data files",
                limits::MAX_SOURCE_BYTES >> 20
            ));
        }
        String::from_utf8(bytes)
            .map_err(|_| format!("`{path}` is not UTF-8 text; save it as UTF-8"))
    };
    let main = read("main.py")?;
    let mut modules: Vec<Module> = Vec::new();
    for member in members {
        let Some(stem) = member.path.strip_suffix(".py") else {
            continue;
        };
        let parts: Vec<&str> = stem.split('/').collect();
        if member.path == "main.py" || !parts.iter().all(|p| identifier(p)) {
            continue;
        }
        let (package, parts) = match parts.split_last() {
            Some((&"__init__", above)) if !above.is_empty() => (true, above.to_vec()),
            _ => (false, parts),
        };
        for depth in 1..parts.len() {
            let name = parts[..depth].join(".");
            if !modules.iter().any(|m| m.name == name) {
                modules.push(Module {
                    name,
                    path: format!("{}/__init__.py", parts[..depth].join("/")),
                    code: String::new(),
                    package: true,
                });
            }
        }
        let name = parts.join(".");
        let code = read(&member.path)?;
        match modules.iter_mut().find(|m| m.name == name) {
            Some(m) => m.code = code,
            None => modules.push(Module {
                name,
                path: member.path.clone(),
                code,
                package,
            }),
        }
    }
    modules.sort_by(|a, b| a.name.cmp(&b.name));
    Ok((main, modules))
}

#[cfg(test)]
mod tests;
