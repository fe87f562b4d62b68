//! Replay files: one JSON object per match, versioned, one frame per line so that two
//! replays diff line by line. Without timings (the default for `cagematch match`), a
//! replay of deterministic bots is byte-for-byte the same for the same seed.
//!
//! A file named `*.zst` is that same text compressed with zstd (run folders write
//! them: a 1,000-round RPS replay goes from ~270 KB to ~9.5 KB at level 9, and
//! `zstd -dc FILE | jq` reads it); reading tells the two apart by zstd's magic number,
//! and never inflates past [`MAX_BYTES`], so a compressed bomb is a one-line error.

use crate::cage::sanitize;
use crate::error::{ConfigError, WriteError};
use crate::files::{shown, Links};
use crate::game::{MAX_SEATS, SEATS};
use crate::referee::MatchRecord;
use serde_json::Value;
use std::path::Path;

pub const FORMAT: &str = "cagematch-replay";
pub const VERSION: u32 = 1;
/// Largest replay read back (a 1,000-round RPS replay is ~280 KB; Tron's are larger).
pub const MAX_BYTES: u64 = 256 * 1024 * 1024;

/// The replay's text: a JSON object with one member per line and one frame per line.
pub fn to_string(record: &MatchRecord, timings: bool) -> String {
    let record = if timings {
        record.clone()
    } else {
        record.without_timings()
    };
    let mut members: Vec<(String, Value)> = vec![
        ("format".into(), FORMAT.into()),
        ("version".into(), VERSION.into()),
        ("timings".into(), timings.into()),
    ];
    if let Ok(Value::Object(m)) = serde_json::to_value(&record) {
        // serde_json's map keeps keys sorted; the record's own field order reads better.
        for key in [
            "game",
            "seed",
            "configuration",
            "time_control",
            "bots",
            "result",
            "frames",
        ] {
            if let Some(v) = m.get(key) {
                members.push((key.to_string(), v.clone()));
            }
        }
    }
    let mut out = String::from("{\n");
    for (i, (key, value)) in members.iter().enumerate() {
        out.push_str(&format!("  {}: ", Value::String(key.clone())));
        match value {
            Value::Array(items) if key == "frames" || key == "bots" => {
                out.push_str("[\n");
                for (j, item) in items.iter().enumerate() {
                    out.push_str("    ");
                    out.push_str(&item.to_string());
                    out.push_str(if j + 1 < items.len() { ",\n" } else { "\n" });
                }
                out.push_str("  ]");
            }
            other => out.push_str(&other.to_string()),
        }
        out.push_str(if i + 1 < members.len() { ",\n" } else { "\n" });
    }
    out.push_str("}\n");
    out
}

/// zstd's level for replays: measured on a 1,000-round RPS replay (272,681 bytes):
/// level 3 11,612 bytes, 9 9,533 (3.5 %), 19 8,034 but 0.24 s; 9 takes under 5 ms.
const LEVEL: i32 = 9;

/// The first bytes of every zstd frame.
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// Writes the replay (to a file the user named: `match --replay`); compressed when the
/// name ends in `.zst`.
pub fn write(path: &Path, record: &MatchRecord, timings: bool) -> Result<(), WriteError> {
    let bytes = bytes(&path.to_string_lossy(), record, timings)
        .map_err(|e| WriteError::new(shown(path), "compress the replay", e))?;
    std::fs::write(path, bytes).map_err(|e| WriteError::new(shown(path), "write the replay", e))
}

/// A replay file's bytes for a file named `name`: compressed when it ends in `.zst`.
pub fn bytes(name: &str, record: &MatchRecord, timings: bool) -> std::io::Result<Vec<u8>> {
    let text = to_string(record, timings);
    if name.ends_with(".zst") {
        compress(&text)
    } else {
        Ok(text.into_bytes())
    }
}

/// Why bytes are not a replay this cagematch can open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    #[error("not a replay ({0})")]
    NotReplay(String),
    #[error("the replay decompresses to more than {0} bytes; it is not one cagematch wrote")]
    TooBig(u64),
    #[error("replay version {0} is not supported (this cagematch reads version {VERSION})")]
    Version(u32),
    #[error("malformed replay: {0}")]
    Malformed(String),
}

/// A replay's text as run folders keep it: one zstd frame.
pub fn compress(text: &str) -> std::io::Result<Vec<u8>> {
    zstd::bulk::compress(text.as_bytes(), LEVEL)
}

/// Reads a replay (plain or zstd-compressed), checking its format and version.
pub fn read(path: &Path) -> Result<MatchRecord, ConfigError> {
    let (bytes, _) = crate::files::read_capped(path, MAX_BYTES, "replay", Links::Follow)?;
    check_bytes(path, bytes)
}

/// Reads the replay `rel` of the run folder `dir`, beneath it (no link at any depth; a
/// run folder may come from another machine).
pub fn read_beneath(dir: &Path, rel: &str) -> Result<MatchRecord, ConfigError> {
    let folder = crate::beneath::Folder::open(dir).map_err(|e| {
        ConfigError::new(
            crate::files::shown(dir),
            crate::beneath::open_error(&e, "folder"),
        )
    })?;
    let bytes = folder.read(rel, MAX_BYTES, "replay")?;
    check_bytes(&dir.join(rel), bytes)
}

/// A replay file's bytes (read from `path`, named in errors) as a match: inflated at
/// most to [`MAX_BYTES`], UTF-8, format and version checked.
pub fn check_bytes(path: &Path, bytes: Vec<u8>) -> Result<MatchRecord, ConfigError> {
    let bytes =
        inflate(bytes, MAX_BYTES).map_err(|e| ConfigError::new(path.display(), e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        ConfigError::new(path.display(), "the replay is not UTF-8 text".to_string())
    })?;
    parse(&text).map_err(|e| ConfigError::new(path.display(), e.to_string()))
}

/// The bytes as they are, or decompressed when they are a zstd frame — never more
/// than `max` of them.
pub fn inflate(bytes: Vec<u8>, max: u64) -> Result<Vec<u8>, ReplayError> {
    if !bytes.starts_with(&ZSTD_MAGIC) {
        return Ok(bytes);
    }
    use std::io::Read;
    let broken = |e: std::io::Error| ReplayError::NotReplay(format!("a broken zstd file: {e}"));
    let decoder = zstd::stream::read::Decoder::new(&bytes[..]).map_err(broken)?;
    let mut out = Vec::new();
    decoder
        .take(max + 1)
        .read_to_end(&mut out)
        .map_err(broken)?;
    if out.len() as u64 > max {
        return Err(ReplayError::TooBig(max));
    }
    Ok(out)
}

pub fn parse(text: &str) -> Result<MatchRecord, ReplayError> {
    let mut value: Value = serde_json::from_str(text)
        .map_err(|e| ReplayError::NotReplay(format!("invalid JSON: {e}")))?;
    let object = value
        .as_object_mut()
        .ok_or_else(|| ReplayError::NotReplay("not a JSON object".into()))?;
    let format: String = take(object, "format")?;
    let version: u32 = take(object, "version")?;
    // Whether moves carry timings is visible in the moves themselves.
    let _timings: bool = take(object, "timings")?;
    if format != FORMAT {
        return Err(ReplayError::NotReplay(format!(
            "format is `{format}`, expected `{FORMAT}`"
        )));
    }
    if version != VERSION {
        return Err(ReplayError::Version(version));
    }
    let mut record: MatchRecord =
        serde_json::from_value(value).map_err(|e| ReplayError::Malformed(e.to_string()))?;
    // Names and paths are shown everywhere a replay is: made safe once, here.
    for bot in &mut record.bots {
        bot.name = sanitize(bot.name.as_bytes());
        bot.file = sanitize(bot.file.as_bytes());
    }
    let seats = record.bots.len();
    if !(SEATS..=MAX_SEATS).contains(&seats) {
        return Err(ReplayError::Malformed(format!(
            "{seats} bots; a match has {SEATS} to {MAX_SEATS} seats"
        )));
    }
    let r = &record.result;
    if [r.scores.len(), r.outcomes.len(), r.faults.len()] != [seats; 3] {
        return Err(ReplayError::Malformed(format!(
            "the result does not have one score, outcome and fault per seat ({seats} bots)"
        )));
    }
    if let Some((step, m)) = record.moves().find(|(_, m)| m.seat >= seats) {
        return Err(ReplayError::Malformed(format!(
            "step {step} has a move of seat {}; this match has {seats} seats",
            m.seat + 1
        )));
    }
    Ok(record)
}

fn take<T: serde::de::DeserializeOwned>(
    object: &mut serde_json::Map<String, Value>,
    key: &str,
) -> Result<T, ReplayError> {
    let v = object
        .remove(key)
        .ok_or_else(|| ReplayError::NotReplay(format!("no `{key}` field")))?;
    serde_json::from_value(v).map_err(|e| ReplayError::Malformed(format!("bad `{key}`: {e}")))
}
