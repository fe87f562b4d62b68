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

fn absolute(p: &Path) -> String {
    p.canonicalize()
        .unwrap_or_else(|_| p.to_path_buf())
        .display()
        .to_string()
}
