//! The report of which sandbox layers a bot process got, sent by the child before any
//! bot code runs (so it can be trusted) and shown by `cagematch check` and the UI.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layers {
    /// The bot's user id as the host sees it (never 0: root runners drop to `nobody`).
    pub uid: u32,
    /// Namespaces the bot got its own copy of (`user`, `net`, `ipc`, `uts`, `mount`).
    pub namespaces: Vec<String>,
    /// Why some namespaces are missing, when they are.
    pub namespaces_error: Option<String>,
    /// Landlock: `fully enforced`, `partially enforced` or `not enforced`.
    pub landlock: String,
    /// The kernel's Landlock ABI version (0 when Landlock is unavailable).
    pub landlock_abi: u32,
    /// Resource limits applied (always; the bot is not started otherwise).
    pub rlimits: String,
    /// The seccomp filter (always; the bot is not started otherwise).
    pub seccomp: String,
    /// A bundle's files: what it may read, and where (`None` for other bots: no file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<String>,
    /// Why a bundle's files are not shown as Kaggle shows them, when they are not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files_error: Option<String>,
}

/// What the host applies to a bot from outside, recorded next to [`Layers`] (which the
/// bot process reports about itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Supervision {
    /// The clock the time control charges, in words.
    pub clock: String,
    /// What happens to the bot while it is not its turn, in words.
    pub off_turn: String,
    /// The bot's cgroup limits, or `None` when the runner could create none.
    pub cgroup: Option<String>,
}

impl Supervision {
    /// The off-turn line for a bot that is frozen, and for one that keeps running.
    pub const FROZEN: &'static str =
        "frozen: SIGSTOP from its reply to its next request (SIGCONT), through a pidfd";
    pub const RUNNING: &'static str = "running (simultaneous game: both seats think at once)";

    /// One line per measure, aligned with [`Layers::lines`].
    pub fn lines(&self) -> Vec<String> {
        vec![
            format!("clock:      {}", self.clock),
            format!("off turn:   {}", self.off_turn),
            format!(
                "cgroup:     {}",
                self.cgroup
                    .as_deref()
                    .unwrap_or("none (WARNING: no cgroup on that machine)")
            ),
        ]
    }
}

impl Layers {
    /// True when every layer cagematch knows how to apply is in place.
    pub fn complete(&self) -> bool {
        self.namespaces_error.is_none()
            && self.files_error.is_none()
            && self.landlock == "fully enforced"
    }

    /// One line per layer, for `cagematch check` and the bot detail screen.
    pub fn lines(&self) -> Vec<String> {
        let ns = if self.namespaces.is_empty() {
            "none".to_string()
        } else {
            self.namespaces.join(", ")
        };
        let mut out = vec![
            format!("uid:        {}", self.uid),
            format!("namespaces: {ns}"),
        ];
        if let Some(e) = &self.namespaces_error {
            out.push(format!("            MISSING: {e}"));
        }
        out.push(format!("rlimits:    {}", self.rlimits));
        out.push(format!(
            "landlock:   {} (kernel ABI {})",
            self.landlock, self.landlock_abi
        ));
        out.push(format!("seccomp:    {}", self.seccomp));
        if let Some(files) = &self.files {
            out.push(format!("files:      {files}"));
        }
        if let Some(e) = &self.files_error {
            out.push(format!("            MISSING: {e}"));
        }
        out
    }
}

impl fmt::Display for Layers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.lines().join("\n"))
    }
}
