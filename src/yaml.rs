//! YAML files written by people (tournaments, themes, bot manifests): read as hostile
//! input, with one-line errors.

use crate::error::ConfigError;
use serde::de::DeserializeOwned;

/// Largest YAML file read (the shipped ones are under 2 KB).
pub const MAX_BYTES: usize = 1024 * 1024;
/// Deepest `[`/`{` nesting accepted; serde_yaml's own limit comes only after the scanner
/// has spent seconds on a file nested 100,000 deep.
const MAX_FLOW_DEPTH: usize = 64;

/// Parses `text` (from `origin`) after the size and nesting checks.
pub fn parse<T: DeserializeOwned>(origin: &str, text: &str) -> Result<T, ConfigError> {
    if text.len() > MAX_BYTES {
        return Err(ConfigError::new(
            origin,
            format!(
                "{} bytes is more than the {MAX_BYTES} a YAML file here may have",
                text.len()
            ),
        ));
    }
    // Every bracket counts, quoted or not: over-counting only ever refuses a file with
    // dozens of unmatched brackets in its strings, and a quote cannot hide real nesting.
    let mut depth = 0usize;
    for (n, line) in text.lines().enumerate() {
        for c in line.chars() {
            match c {
                '[' | '{' => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        return Err(ConfigError::at(
                            origin,
                            n + 1,
                            format!("nested deeper than {MAX_FLOW_DEPTH} levels"),
                        ));
                    }
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    serde_yaml::from_str(text).map_err(|e| error(origin, &e))
}

/// `origin:LINE: what is wrong` — serde_yaml appends " at line L column C"; the line is
/// put up front instead, where editors and terminals make it clickable.
pub fn error(origin: &str, e: &serde_yaml::Error) -> ConfigError {
    let msg = e.to_string();
    let msg = msg.split(" at line ").next().unwrap_or(&msg);
    match e.location() {
        Some(loc) => ConfigError::at(origin, loc.line(), msg),
        None => ConfigError::new(origin, msg),
    }
}
