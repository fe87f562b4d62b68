//! A bot as a file on disk: read once, checked, named and hashed, so a replay can say
//! exactly which code played. Three kinds:
//!
//! - `name.py`: Python source, run by the cage's embedded CPython;
//! - an ELF executable with the exec bit: a compiled bot, run with no arguments;
//! - `name.yaml`: a manifest naming an executable (relative to the manifest) and its
//!   arguments; the bot may read the manifest's folder.

use crate::bundle::Bundle;
use crate::cage::{elf_interpreter, sanitize, BotSource, BundleFiles, Native, Program};
use crate::error::ConfigError;
use crate::files::{read_capped, Links};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The largest Python bot accepted. Bigger files are refused before they are read.
pub const MAX_BOT_BYTES: u64 = 1024 * 1024;
/// The largest executable accepted.
pub const MAX_EXECUTABLE_BYTES: u64 = 64 * 1024 * 1024;
/// The largest manifest accepted.
const MAX_MANIFEST_BYTES: u64 = 64 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotFile {
    /// The display name: the file name without `.py` or `.yaml`.
    pub name: String,
    /// The path as given (shown in errors and stored in replays).
    pub path: PathBuf,
    pub program: Program,
    /// SHA-256 in hex of the file's bytes (a manifest's: of the manifest, then of the
    /// executable it names).
    pub sha256: String,
}

/// `name.yaml` next to a compiled bot.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    /// The executable, a file in the manifest's folder (or below it).
    command: PathBuf,
    #[serde(default)]
    args: Vec<String>,
    /// Files of the bot's own it may read at run time (weights, tables), in the same
    /// folder or below. Nothing else there is readable: other bots often share it.
    #[serde(default)]
    files: Vec<PathBuf>,
}

/// Whether a manifest (named `owner`, in `folder`) may list `path` as a data file: a file
/// beside it that is a bot by itself — a `.py`, a manifest, or a compiled bot not named
/// after the manifest — is another bot's (the folder is often an inbox), and listing it
/// would let this bot read it. Files in subfolders are the manifest's to name.
fn claimable(folder: &Path, owner: &str, path: &Path) -> Result<(), String> {
    if path.parent() != Some(folder) {
        return Ok(());
    }
    let shown = file_name(path);
    let py = path.extension().is_some_and(|x| x == "py");
    if py || is_manifest(path) {
        return Err(format!(
            "`{shown}` is a bot of its own; a manifest names only its own files"
        ));
    }
    if is_compiled_bot(path) && stem(path) != owner {
        return Err(format!(
            "`{shown}` beside the manifest is a compiled bot of its own; a manifest lists only its own files"
        ));
    }
    Ok(())
}

/// Most data files a manifest may list.
const MAX_MANIFEST_FILES: usize = 64;

/// `path` (from a manifest in `folder`) as an absolute path inside `folder`: relative,
/// no `..`, and no symbolic link on the way out of it.
fn inside(folder: &Path, path: &Path, field: &str) -> Result<PathBuf, String> {
    let plain = !path.as_os_str().is_empty()
        && path
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
    if !plain {
        return Err(format!(
            "{field}: `{}` must be a file in the manifest's folder (a relative path without `..`)",
            crate::cage::sanitize(path.as_os_str().as_encoded_bytes())
        ));
    }
    let joined = folder.join(path);
    let parent = joined.parent().unwrap_or(folder);
    match std::fs::canonicalize(parent) {
        Ok(real) if real.starts_with(folder) => Ok(real.join(joined.file_name().unwrap_or_default())),
        _ => Err(format!(
            "{field}: `{}` leaves the manifest's folder through a symbolic link, or its folder does not exist",
            crate::cage::sanitize(path.as_os_str().as_encoded_bytes())
        )),
    }
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A bot's display name: its file name without the extension, made safe for a terminal
/// here, once, since names reach every output (standings, progress, replays, the UI).
/// A bundle's name is its folder's, or its archive's without `.tar.gz`, `.tgz` or `.zip`.
pub fn stem(path: &Path) -> String {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if let Some(kind) = crate::bundle::Kind::of(name) {
        return sanitize(kind.stem(name).as_bytes());
    }
    let whole = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir());
    let part = if whole {
        path.file_name()
    } else {
        path.file_stem()
    };
    part.map(|s| sanitize(s.as_encoded_bytes()))
        .unwrap_or_else(|| "bot".into())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|s| sanitize(s.as_encoded_bytes()))
        .unwrap_or_else(|| "bot".into())
}

/// The bots in a folder, sorted: `.py` files, `.yaml` manifests, ELF executables (except
/// those a manifest there names: they are that manifest's bot), and bundles — subfolders
/// holding `main.py`, and `.tar.gz`/`.tgz`/`.zip` archives. Sources, build files, other
/// files and other subfolders are not bots.
pub fn bots_in(dir: &Path) -> Result<Vec<PathBuf>, ConfigError> {
    Ok(list(dir)?.bots)
}

/// A folder's files as a tournament sees them.
pub struct Listing {
    /// The bots, sorted (see [`bots_in`]).
    pub bots: Vec<PathBuf>,
    /// Files that are not bots and not a manifest's executable, hidden ones left out
    /// (sources, notes, a `.zip` someone sent), sorted.
    pub others: Vec<PathBuf>,
}

/// Lists a folder's files (not its subfolders).
pub fn list(dir: &Path) -> Result<Listing, ConfigError> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        ConfigError::setting(format!("cannot read the folder {}: {e}", dir.display()))
    })?;
    let mut bundles = Vec::new();
    let mut files = Vec::new();
    for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
        if crate::bundle::is_bundle(&path) {
            bundles.push(path);
        } else if path.is_file() {
            files.push(path);
        }
    }
    // What manifests here name as their program, and by whom. An executable here is a
    // manifest's own (not a bot by itself) only when the manifest has its name
    // (`alice.yaml` → `alice`): a stranger's manifest cannot claim another entrant's
    // compiled bot (see `claimable`).
    let named: Vec<(String, PathBuf)> = files
        .iter()
        .filter(|p| is_manifest(p))
        .filter_map(|p| Some((stem(p), manifest_command(p)?)))
        .filter_map(|(owner, c)| Some((owner, std::fs::canonicalize(c).ok()?)))
        .collect();
    let named_by = |p: &Path, same_name: bool| {
        std::fs::canonicalize(p).is_ok_and(|c| {
            named
                .iter()
                .any(|(owner, n)| *n == c && (!same_name || stem(p) == *owner))
        })
    };
    let (mut bots, rest): (Vec<PathBuf>, Vec<PathBuf>) = files.into_iter().partition(|p| {
        p.extension().is_some_and(|x| x == "py")
            || is_manifest(p)
            || (is_compiled_bot(p) && !named_by(p, true))
    });
    let mut others: Vec<PathBuf> = rest
        .into_iter()
        .filter(|p| !named_by(p, false))
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.as_encoded_bytes().starts_with(b"."))
        })
        .collect();
    bots.extend(bundles);
    bots.sort();
    others.sort();
    Ok(Listing { bots, others })
}

/// The executable itself names the path the cage grants read and execute on (its
/// `PT_INTERP`), so it must be a regular file inside the system library folders: a
/// crafted `/tmp` or `/` would otherwise open a whole tree to the bot.
fn check_interpreter(interp: &Path) -> Result<(), String> {
    let refuse = || {
        format!(
            "its ELF interpreter `{}` is not a program loader in the system library folders",
            sanitize(interp.as_os_str().as_encoded_bytes())
        )
    };
    let real = std::fs::canonicalize(interp).map_err(|_| refuse())?;
    let regular = std::fs::metadata(&real).is_ok_and(|m| m.is_file());
    let inside = crate::cage::LIBRARY_PATHS
        .iter()
        .filter_map(|dir| std::fs::canonicalize(dir).ok())
        .any(|dir| real.starts_with(&dir) && real != dir);
    if regular && inside {
        Ok(())
    } else {
        Err(refuse())
    }
}

/// True for an executable ELF file (the first four bytes are read).
pub fn is_compiled_bot(path: &Path) -> bool {
    use std::io::Read;
    let executable =
        std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0);
    let mut magic = [0u8; 4];
    executable
        && std::fs::File::open(path)
            .and_then(|mut f| f.read_exact(&mut magic))
            .is_ok()
        && &magic == b"\x7fELF"
}

/// True for a `.yaml`/`.yml` file, the bot manifest's extension.
pub fn is_manifest(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

/// The executable a manifest names, if it parses (for folder listings).
pub fn manifest_command(path: &Path) -> Option<PathBuf> {
    let text =
        crate::files::read_text(path, MAX_MANIFEST_BYTES, "bot manifest", Links::Refuse).ok()?;
    let manifest: Manifest = crate::yaml::parse("", &text).ok()?;
    Some(path.parent()?.join(manifest.command))
}

/// Every file a manifest names (its executable, then its data files), as paths in its
/// folder, if it parses (for an inbox's check of who claims what).
pub fn manifest_claims(path: &Path) -> Vec<PathBuf> {
    let read = || -> Option<Manifest> {
        let text = crate::files::read_text(path, MAX_MANIFEST_BYTES, "bot manifest", Links::Refuse)
            .ok()?;
        crate::yaml::parse("", &text).ok()
    };
    let (Some(manifest), Some(folder)) = (read(), path.parent()) else {
        return Vec::new();
    };
    std::iter::once(manifest.command)
        .chain(manifest.files.into_iter().take(MAX_MANIFEST_FILES))
        .map(|p| folder.join(p))
        .collect()
}

impl BotFile {
    /// Reads a bot of any kind. Errors are one line naming the file and what to do.
    pub fn read(path: &Path) -> Result<BotFile, ConfigError> {
        if crate::bundle::is_bundle(path) {
            return BotFile::read_bundle(path);
        }
        match path.extension().and_then(|e| e.to_str()) {
            Some("py") => BotFile::read_python(path),
            Some("yaml" | "yml") => BotFile::read_manifest(path),
            _ => BotFile::read_executable(path),
        }
    }

    fn read_python(path: &Path) -> Result<BotFile, ConfigError> {
        let (bytes, _) = read_capped(path, MAX_BOT_BYTES, "bot file", Links::Refuse)?;
        let code = String::from_utf8(bytes).map_err(|_| {
            ConfigError::new(
                path.display(),
                "the bot is not UTF-8 text; save it as UTF-8",
            )
        })?;
        Ok(BotFile::from_code(stem(path), path.to_path_buf(), code))
    }

    fn read_executable(path: &Path) -> Result<BotFile, ConfigError> {
        let shown = path.display();
        let (image, meta) = read_capped(path, MAX_EXECUTABLE_BYTES, "bot file", Links::Refuse)?;
        if meta.permissions().mode() & 0o111 == 0 {
            return Err(ConfigError::new(
                shown,
                "a bot is a .py file, an executable (chmod +x) or a .yaml manifest naming one",
            ));
        }
        let interpreter = elf_interpreter(&image).map_err(|why| ConfigError::new(&shown, why))?;
        if let Some(interp) = &interpreter {
            check_interpreter(interp).map_err(|why| ConfigError::new(&shown, why))?;
        }
        let sha256 = hex(&Sha256::digest(&image));
        Ok(BotFile {
            name: stem(path),
            path: path.to_path_buf(),
            program: Program::Native(Native {
                name: file_name(path),
                image: Arc::from(image),
                args: Vec::new(),
                folder: None,
                files: Vec::new(),
                interpreter,
            }),
            sha256,
        })
    }

    fn read_manifest(path: &Path) -> Result<BotFile, ConfigError> {
        let shown = path.display();
        let (text, _) = read_capped(path, MAX_MANIFEST_BYTES, "bot manifest", Links::Refuse)?;
        let text = String::from_utf8(text).map_err(|_| {
            ConfigError::new(&shown, "the manifest is not UTF-8 text; save it as UTF-8")
        })?;
        let manifest: Manifest =
            crate::yaml::parse(&shown.to_string(), &text).map_err(|mut e| {
                e.message += " (a bot manifest has `command:` and optional `args:` and `files:`)";
                e
            })?;
        let folder = path.parent().unwrap_or(Path::new("."));
        let folder = std::fs::canonicalize(folder)
            .map_err(|e| ConfigError::new(&shown, format!("cannot resolve its folder: {e}")))?;
        let within = |p: &Path, field: &str| {
            inside(&folder, p, field).map_err(|why| ConfigError::new(&shown, why))
        };
        let owner = stem(path);
        // The command may be an engine several manifests share (house bots with other
        // args); an inbox's check flags one beside it that is another entrant's bot.
        let command = within(&manifest.command, "command")?;
        let mut bot = BotFile::read_executable(&command)
            .map_err(|e| ConfigError::new(&shown, format!("command: {e}")))?;
        if manifest.files.len() > MAX_MANIFEST_FILES {
            return Err(ConfigError::new(
                &shown,
                format!("files: at most {MAX_MANIFEST_FILES} files"),
            ));
        }
        let mut digest = Sha256::new();
        digest.update(text.as_bytes());
        digest.update(bot.sha256.as_bytes());
        let mut files = Vec::with_capacity(manifest.files.len());
        for file in &manifest.files {
            let file = within(file, "files")?;
            claimable(&folder, &owner, &file)
                .map_err(|why| ConfigError::new(&shown, format!("files: {why}")))?;
            // A data file is part of the bot: a changed one changes its hash.
            let (bytes, _) = read_capped(&file, MAX_EXECUTABLE_BYTES, "data file", Links::Refuse)
                .map_err(|e| ConfigError::new(&shown, format!("files: {e}")))?;
            digest.update(Sha256::digest(&bytes));
            files.push(file);
        }
        if let Program::Native(native) = &mut bot.program {
            native.args = manifest.args;
            native.folder = Some(folder);
            native.files = files;
        }
        bot.sha256 = hex(&digest.finalize());
        bot.name = stem(path);
        bot.path = path.to_path_buf();
        Ok(bot)
    }

    /// A bundle: a folder holding `main.py`, or an archive of one, read into its private
    /// copy.
    fn read_bundle(path: &Path) -> Result<BotFile, ConfigError> {
        let bundle = Bundle::read(path).map_err(|why| ConfigError::new(path.display(), why))?;
        let source = BotSource {
            name: "main.py".into(),
            code: bundle.main.clone(),
            bundle: Some(BundleFiles {
                base: bundle.copy.base().to_path_buf(),
                modules: bundle.modules.clone().into(),
                keep: Arc::new(bundle.clone()),
            }),
        };
        Ok(BotFile {
            name: stem(path),
            path: path.to_path_buf(),
            program: Program::Python(source),
            sha256: bundle.sha256,
        })
    }

    /// The bundle this bot is, if it is one.
    pub fn bundle(&self) -> Option<&Bundle> {
        match &self.program {
            Program::Python(BotSource {
                bundle: Some(files),
                ..
            }) => files.keep.downcast_ref::<Bundle>(),
            _ => None,
        }
    }

    /// A Python bot whose code is already in memory (the built-in opponents).
    pub fn from_code(name: String, path: PathBuf, code: String) -> BotFile {
        let sha256 = hex(&Sha256::digest(code.as_bytes()));
        let source = BotSource {
            name: file_name(&path),
            code,
            bundle: None,
        };
        BotFile {
            name,
            path,
            program: Program::Python(source),
            sha256,
        }
    }

    /// True for a compiled bot.
    pub fn is_native(&self) -> bool {
        matches!(self.program, Program::Native(_))
    }
}
