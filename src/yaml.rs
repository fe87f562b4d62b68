//! One-line errors for YAML files written by people (tournaments, themes, bot manifests).

use crate::error::ConfigError;

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
