//! A bot's code as the host hands it to the cage: Python source, or a checked executable.

use super::native::Native;

/// The bot's source file, as read by the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotSource {
    /// Shown in errors and replays, e.g. `greedy.py`.
    pub name: String,
    pub code: String,
}

/// A bot's code as the cage runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Program {
    /// Source sent to a caged process of the embedded CPython.
    Python(BotSource),
    /// An executable run by a caged process (see `native.rs`).
    Native(Native),
}
