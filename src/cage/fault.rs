//! Faults: every way a bot can fail, each with a kind and a human detail.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What went wrong with a bot, in one word. A fault always loses the game for the bot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// The move took longer than its budget (CPU time, or the wall-clock backstop).
    Timeout,
    /// The bot used up its CPU allowance for the whole match (`RLIMIT_CPU`).
    Cpu,
    /// The bot ran out of memory (`MemoryError` under the address-space limit).
    Memory,
    /// The bot's own code failed: syntax error, exception, segfault.
    Crash,
    /// The kernel killed the bot for a forbidden system call (seccomp).
    Violation,
    /// The game rejected the bot's action.
    IllegalAction,
    /// The bot sent bytes that are not a well-formed reply.
    Protocol,
    /// The bot process ended without replying.
    Exited,
    /// Not the bot's fault: the runner failed under it (the zygote died, the machine ran
    /// out of memory). Never scored: the referee turns it into an error and the match is
    /// played again. Not in [`FaultKind::ALL`], which lists what a bot can be blamed for.
    Runner,
}

impl FaultKind {
    pub const ALL: [FaultKind; 8] = [
        FaultKind::Timeout,
        FaultKind::Cpu,
        FaultKind::Memory,
        FaultKind::Crash,
        FaultKind::Violation,
        FaultKind::IllegalAction,
        FaultKind::Protocol,
        FaultKind::Exited,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FaultKind::Timeout => "timeout",
            FaultKind::Cpu => "cpu",
            FaultKind::Memory => "memory",
            FaultKind::Crash => "crash",
            FaultKind::Violation => "violation",
            FaultKind::IllegalAction => "illegal_action",
            FaultKind::Protocol => "protocol",
            FaultKind::Exited => "exited",
            FaultKind::Runner => "runner",
        }
    }
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A bot's failure: its kind, a one-line human detail, and (for crashes) the bot's traceback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    pub kind: FaultKind,
    pub detail: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traceback: Option<String>,
}

impl Fault {
    pub fn new(kind: FaultKind, detail: impl Into<String>) -> Fault {
        Fault {
            kind,
            detail: detail.into(),
            traceback: None,
        }
    }

    pub fn with_traceback(mut self, traceback: impl Into<String>) -> Fault {
        self.traceback = Some(traceback.into());
        self
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.detail)
    }
}

impl std::error::Error for Fault {}
