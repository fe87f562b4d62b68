//! Unpacking a `.tar.gz`/`.tgz` or `.zip` bundle into its private copy. Only plain files
//! and folders are taken: a link, a device, a FIFO, an absolute path or `..` refuses the
//! whole archive (a one-line reason), and every cap counts the bytes actually unpacked.

use super::copy::{checked, said, skipped, Writer};
use std::io::Read;

/// The kinds of archive a bundle may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    TarGz,
    Zip,
}

impl Kind {
    /// The archive kind of a file name, if it is one (`.tar.gz`, `.tgz`, `.zip`).
    pub fn of(name: &str) -> Option<Kind> {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".tar.gz") || lower.ends_with(".tgz") {
            Some(Kind::TarGz)
        } else if lower.ends_with(".zip") {
            Some(Kind::Zip)
        } else {
            None
        }
    }

    /// The bot's name: the file name without the archive's extension.
    pub fn stem(self, name: &str) -> &str {
        let lower = name.to_ascii_lowercase();
        let cut = [".tar.gz", ".tgz", ".zip"]
            .iter()
            .find(|x| lower.ends_with(*x))
            .map_or(0, |x| x.len());
        &name[..name.len() - cut]
    }
}

/// Unpacks `file` (already opened without following links) into `into`.
pub fn unpack(kind: Kind, file: std::fs::File, into: &mut Writer) -> Result<(), String> {
    match kind {
        Kind::TarGz => tar_gz(file, into),
        Kind::Zip => zip(file, into),
    }
}

/// An entry's path as bytes, checked; `None` for the top itself or a left-out entry.
fn entry_path(raw: &[u8]) -> Result<Option<String>, String> {
    let text = std::str::from_utf8(raw)
        .map_err(|_| format!("`{}` is not a UTF-8 name", crate::cage::sanitize(raw)))?;
    Ok(checked(text)?.filter(|p| !skipped(p)))
}

fn tar_gz(file: std::fs::File, into: &mut Writer) -> Result<(), String> {
    use tar::EntryType;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let entries = archive
        .entries()
        .map_err(|e| format!("not a readable .tar.gz: {}", said(e)))?;
    for entry in entries {
        into.count()?;
        let mut entry = entry.map_err(|e| format!("not a readable .tar.gz: {}", said(e)))?;
        let kind = entry.header().entry_type();
        let raw = entry.path_bytes().into_owned();
        let shown = || crate::cage::sanitize(&raw);
        match kind {
            EntryType::XGlobalHeader | EntryType::XHeader => continue,
            EntryType::Directory => {
                if let Some(path) = entry_path(&raw)? {
                    into.dir(&path)?;
                }
            }
            EntryType::Regular | EntryType::Continuous => {
                if let Some(path) = entry_path(&raw)? {
                    into.file(&path, &mut entry)?;
                }
            }
            EntryType::Symlink | EntryType::Link => {
                return Err(format!(
                    "`{}` is a link; a bundle holds plain files and folders only",
                    shown()
                ))
            }
            EntryType::Char | EntryType::Block | EntryType::Fifo => {
                return Err(format!(
                    "`{}` is a device or a FIFO; a bundle holds plain files and folders only",
                    shown()
                ))
            }
            _ => {
                return Err(format!(
                "`{}` is a kind of tar entry a bundle cannot hold (plain files and folders only)",
                shown()
            ))
            }
        }
    }
    Ok(())
}

fn zip(file: std::fs::File, into: &mut Writer) -> Result<(), String> {
    let mut archive =
        zip::ZipArchive::new(file).map_err(|e| format!("not a readable .zip: {}", said(e)))?;
    if archive.len() > super::limits::MAX_FILES {
        return Err(format!(
            "{} entries; a bundle holds at most {}",
            archive.len(),
            super::limits::MAX_FILES
        ));
    }
    for i in 0..archive.len() {
        into.count()?;
        let mut entry = archive
            .by_index(i)
            .map_err(|e| format!("entry {i} cannot be read: {}", said(e)))?;
        let raw = entry.name_raw().to_vec();
        let shown = || crate::cage::sanitize(&raw);
        // The top four bits of a Unix mode say the kind: 0o04 folder, 0o10 file.
        let kind = entry.unix_mode().map(|m| m & 0o170_000);
        if entry.is_symlink() || kind.is_some_and(|k| k != 0o040_000 && k != 0o100_000) {
            return Err(format!(
                "`{}` is a link or a device; a bundle holds plain files and folders only",
                shown()
            ));
        }
        let Some(path) = entry_path(&raw)? else {
            continue;
        };
        if entry.is_dir() {
            into.dir(&path)?;
        } else {
            into.file(&path, &mut entry as &mut dyn Read)?;
        }
    }
    Ok(())
}
