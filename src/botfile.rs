//! A bot as a file on disk: read once, checked, named and hashed, so a replay can say
//! exactly which code played.

use crate::cage::BotSource;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The largest bot source accepted. Bigger files are refused before they are read.
pub const MAX_BOT_BYTES: u64 = 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotFile {
    /// The display name: the file name without `.py`.
    pub name: String,
    /// The path as given (shown in errors and stored in replays).
    pub path: PathBuf,
    pub code: String,
    /// SHA-256 of the file's bytes, in hex.
    pub sha256: String,
}

impl BotFile {
    /// Reads a `.py` bot. Errors are one line naming the file and what to do.
    pub fn read(path: &Path) -> Result<BotFile, String> {
        let shown = path.display();
        if path.extension().and_then(|e| e.to_str()) != Some("py") {
            return Err(format!(
                "{shown}: a bot is a Python file ending in .py (compiled bots are not supported yet)"
            ));
        }
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("{shown}: no such bot file; check the path"),
            _ => format!("{shown}: cannot read the bot: {e}"),
        })?;
        if !meta.is_file() {
            return Err(format!("{shown}: not a file; give the path of a .py bot"));
        }
        if meta.len() > MAX_BOT_BYTES {
            return Err(format!(
                "{shown}: {} bytes is more than the {MAX_BOT_BYTES} a bot may have",
                meta.len()
            ));
        }
        let bytes =
            std::fs::read(path).map_err(|e| format!("{shown}: cannot read the bot: {e}"))?;
        let code = String::from_utf8(bytes)
            .map_err(|_| format!("{shown}: the bot is not UTF-8 text; save it as UTF-8"))?;
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "bot".into());
        Ok(BotFile::from_code(name, path.to_path_buf(), code))
    }

    /// A bot whose code is already in memory (the built-in opponents).
    pub fn from_code(name: String, path: PathBuf, code: String) -> BotFile {
        let sha256 = Sha256::digest(code.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        BotFile {
            name,
            path,
            code,
            sha256,
        }
    }

    /// What the cage sends the bot process.
    pub fn source(&self) -> BotSource {
        BotSource {
            name: self
                .path
                .file_name()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| self.name.clone()),
            code: self.code.clone(),
        }
    }
}
