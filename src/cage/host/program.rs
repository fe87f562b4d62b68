//! A bot's code as the host hands it to the cage: Python source (one file, or a bundle's
//! `main.py` with its modules and files), or a checked executable.

use super::native::Native;
use crate::cage::protocol::Module;
use std::path::PathBuf;
use std::sync::Arc;

/// The bot's source file, as read by the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotSource {
    /// Shown in errors and replays, e.g. `greedy.py`.
    pub name: String,
    pub code: String,
    /// A bundle's modules and files; `None` for a one-file bot.
    pub bundle: Option<BundleFiles>,
}

/// What the cage needs of a bundle: its private copy and its modules.
#[derive(Debug, Clone)]
pub struct BundleFiles {
    /// The copy's base: the files are under `kaggle_simulations/agent` in it. The bot
    /// process may read there and nowhere else.
    pub base: PathBuf,
    pub modules: Arc<[Module]>,
    /// Keeps the copy on disk while a bot may read it.
    pub keep: Arc<dyn std::any::Any + Send + Sync>,
}

impl PartialEq for BundleFiles {
    fn eq(&self, other: &BundleFiles) -> bool {
        self.base == other.base && self.modules == other.modules
    }
}
impl Eq for BundleFiles {}

/// A bot's code as the cage runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Program {
    /// Source sent to a caged process of the embedded CPython.
    Python(BotSource),
    /// An executable run by a caged process (see `native.rs`).
    Native(Native),
}
