//! Which environment a game name names: a folder, a module, or `kaggle:NAME`.

use super::process::GameError;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// Where an environment's code is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `kaggle_environments/envs/NAME/`-style folder.
    Folder(PathBuf),
    /// One `.py` module.
    Module(PathBuf),
    /// `kaggle:NAME`.
    Kaggle(String),
}

impl Source {
    /// The environment a game name names, if it names one (`None`: a built-in name).
    pub fn of(name: &str) -> Option<Result<Source, GameError>> {
        if let Some(env) = name.strip_prefix("kaggle:") {
            let valid = !env.is_empty()
                && env.len() <= 100
                && env.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            return Some(if valid {
                Ok(Source::Kaggle(env.to_string()))
            } else {
                Err(GameError::Start(format!(
                    "`{}` is not a kaggle_environments name (letters, digits, _)",
                    crate::cage::log::sanitize(env.as_bytes())
                )))
            });
        }
        let path = Path::new(name);
        if !(name.contains('/') || name.ends_with(".py") || path.is_dir()) {
            return None;
        }
        let shown = crate::cage::log::sanitize(path.display().to_string().as_bytes());
        Some(if path.is_dir() {
            let stem = path
                .canonicalize()
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()));
            match stem {
                Some(stem) if path.join(format!("{stem}.py")).is_file() => {
                    Ok(Source::Folder(path.to_path_buf()))
                }
                _ => Err(GameError::Start(format!(
                    "{shown}: an environment folder holds NAME.py (and NAME.json), named as the folder"
                ))),
            }
        } else if path.is_file() && name.ends_with(".py") {
            Ok(Source::Module(path.to_path_buf()))
        } else {
            Err(GameError::Start(format!(
                "{shown}: no such environment (a folder with NAME.py, or a .py module)"
            )))
        })
    }

    pub(super) fn start_value(&self) -> Value {
        let (kind, place) = match self {
            Source::Folder(p) => ("folder", absolute(p)),
            Source::Module(p) => ("module", absolute(p)),
            Source::Kaggle(n) => ("kaggle", n.clone()),
        };
        json!({ "kind": kind, "where": place })
    }
}

/// What a digest of an environment's code reads at most: files, and bytes in all.
const DIGEST_FILES: usize = 2000;
const DIGEST_BYTES: u64 = 256 << 20;

impl Source {
    /// The sha256 of the environment's code, so a run notices when it changed: the
    /// module, or every regular file under the folder (`kaggle:NAME`: the package's
    /// `envs/NAME/` in the game venv's site-packages), by path, links not followed.
    pub fn digest(&self, site: Option<&Path>) -> Result<String, GameError> {
        use sha2::{Digest, Sha256};
        let root = match self {
            Source::Module(p) => p.clone(),
            Source::Folder(p) => p.clone(),
            // The package as installed: its RECORD lists the hash of every file it
            // installed (150 MB of them; OpenSpiel's games have no folder of their own).
            Source::Kaggle(_) => match site.and_then(kaggle_record) {
                Some(record) => record,
                None => return Ok(String::new()),
            },
        };
        let mut files = Vec::new();
        walk(&root, &root, &mut files)?;
        files.sort();
        let mut digest = Sha256::new();
        let mut total = 0u64;
        for (name, path) in files {
            let bytes = read_file(&path)?;
            total += bytes.len() as u64;
            if total > DIGEST_BYTES {
                return Err(GameError::Start(format!(
                    "{}: more than {} MiB of files",
                    crate::cage::log::sanitize(root.display().to_string().as_bytes()),
                    DIGEST_BYTES >> 20
                )));
            }
            digest.update((name.len() as u64).to_le_bytes());
            digest.update(name.as_bytes());
            digest.update((bytes.len() as u64).to_le_bytes());
            digest.update(&bytes);
        }
        Ok(digest
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect())
    }
}

/// `kaggle_environments-*.dist-info/RECORD` in the site-packages, if there is one.
fn kaggle_record(site: &Path) -> Option<PathBuf> {
    std::fs::read_dir(site)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("kaggle_environments-") && n.ends_with(".dist-info"))
        })
        .map(|info| info.join("RECORD"))
        .filter(|record| record.is_file())
}

/// Every regular file under `dir` (or `dir` itself when it is a file), named relative
/// to `root`; bytecode caches left out (Python writes them as it imports).
fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> Result<(), GameError> {
    let meta = std::fs::symlink_metadata(dir)
        .map_err(|e| GameError::Start(format!("{}: {e}", shown(dir))))?;
    if meta.is_file() {
        let name = dir.strip_prefix(root).unwrap_or(dir).display().to_string();
        out.push((name, dir.to_path_buf()));
    }
    if !meta.is_dir() {
        return Ok(());
    }
    let entries =
        std::fs::read_dir(dir).map_err(|e| GameError::Start(format!("{}: {e}", shown(dir))))?;
    for entry in entries.flatten() {
        if entry.file_name() == "__pycache__" {
            continue;
        }
        if out.len() >= DIGEST_FILES {
            return Err(GameError::Start(format!(
                "{}: more than {DIGEST_FILES} files",
                shown(root)
            )));
        }
        walk(root, &entry.path(), out)?;
    }
    Ok(())
}

/// A regular file's bytes (at most [`DIGEST_BYTES`]), never through a link, never
/// blocking on a FIFO. (Not `crate::files`: that module's errors know the games.)
fn read_file(path: &Path) -> Result<Vec<u8>, GameError> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let fail = |e: std::io::Error| GameError::Start(format!("{}: {e}", shown(path)));
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)
        .map_err(fail)?;
    if !file.metadata().map_err(fail)?.is_file() {
        return Err(GameError::Start(format!(
            "{}: not a regular file",
            shown(path)
        )));
    }
    let mut bytes = Vec::new();
    file.take(DIGEST_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(fail)?;
    Ok(bytes)
}

fn shown(p: &Path) -> String {
    crate::cage::log::sanitize(p.display().to_string().as_bytes())
}

fn absolute(p: &Path) -> String {
    p.canonicalize()
        .unwrap_or_else(|_| p.to_path_buf())
        .display()
        .to_string()
}
