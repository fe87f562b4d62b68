//! Every message between the host, the zygote and a bot process, as types both ends use.
//!
//! ```text
//! host ──Setup──────────► zygote ──ZygoteReply::Ready──► host        (control socket, once)
//! host ──SpawnRequest───► zygote ──ZygoteReply::Spawned─► host       (+ the bot's descriptors)
//! bot process ──Hello──► host                                         (before any bot code)
//! host ──Request────────► Python bot ──Reply──────────► host          (frames)
//! host ──NativeRequest──► compiled bot ──NativeReply──► host          (JSON lines)
//! zygote ──ExitReport───► host                                        (status pipe, 16 bytes)
//! ```
//!
//! The wire encodings (frames, lines, packets) live in `frame.rs` and `control.rs`; this
//! module only says what travels. Messages a bot process sends after its own code has run
//! are hostile: the host parses them strictly (`deny_unknown_fields`) and caps every text.

use super::layers::Layers;
use super::policy::Limits;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;
use std::borrow::Cow;
use std::path::PathBuf;

/// The argument that turns `cagematch` into a zygote (`cagematch __zygote HOST_PID`).
pub const ZYGOTE_ARG: &str = "__zygote";
/// The control socket's descriptor number in the zygote.
pub const CONTROL_FD: std::os::fd::RawFd = 3;
/// Descriptors that come with a spawned bot, in this order: request, reply, log, status,
/// pidfd.
pub const BOT_FDS: usize = 5;

/// Host → zygote, once: the modules to preload.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Setup {
    pub modules: Vec<String>,
    /// Third-party package folders for `sys.path`.
    #[serde(default)]
    pub site: Vec<PathBuf>,
}

/// Host → zygote: fork one caged bot process with these limits. A compiled bot's image
/// comes as the message's first descriptor, then the cgroups to join.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpawnRequest {
    pub spawn: Limits,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exec: Option<ExecSpec>,
    /// How many of the message's descriptors (after the image) are `cgroup.procs` files
    /// the bot process joins before anything else.
    #[serde(default)]
    pub cgroups: usize,
    /// A bundle's private copy (its base; the files are under `kaggle_simulations/agent`):
    /// the only files the bot process may read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle: Option<PathBuf>,
}

/// What the zygote's child needs to exec the image it was given.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExecSpec {
    pub argv: Vec<String>,
    /// The folder it starts in (it is granted nothing there).
    pub folder: Option<PathBuf>,
    /// The files it may read, each one alone.
    #[serde(default)]
    pub files: Vec<PathBuf>,
    /// The ELF interpreter (dynamic loader) the kernel opens during the exec.
    pub interpreter: Option<PathBuf>,
}

/// Zygote → host.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZygoteReply {
    /// Start-up is done (answers [`Setup`]).
    Ready(ZygoteInfo),
    /// A bot process was forked (answers [`SpawnRequest`]); its descriptors come along.
    Spawned { pid: i32 },
    /// Start-up or a spawn failed, in words.
    Error(String),
}

/// What the zygote reported once ready.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ZygoteInfo {
    /// `sys.version` of the embedded interpreter (first line).
    pub python: String,
    /// The user id bots run as.
    pub uid: u32,
    /// Modules bots may import.
    pub modules: Vec<String>,
    /// Listed modules that failed to preload, and why: bots that import one fault with
    /// that reason; the others play.
    #[serde(default)]
    pub failed: Vec<(String, String)>,
    /// Modules that give native code or sockets, loaded as dependencies of a listed
    /// package (never handed to bots by the import gate).
    #[serde(default)]
    pub native: Vec<String>,
}

/// Bot process → host, the first message, before it has read any bot code (so it can be
/// trusted; it is still parsed strictly).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Hello {
    Caged(Layers),
    CageError(SetupError),
}

/// The step of caging a bot process that failed (no bot code had run).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Joining the bot's cgroup.
    Cgroup,
    /// Own session, die with the zygote.
    Session,
    /// The bot's descriptors and nothing else open.
    Descriptors,
    /// Resource limits and not dumpable.
    Rlimits,
    /// The bot's printed output, redirected to the host.
    Output,
    Landlock,
    Seccomp,
    /// A compiled bot's arguments and exec page.
    Image,
    /// A compiled bot's folder.
    Folder,
}

/// Why a bot process could not cage itself: which step, and the kernel's words. A
/// mandatory layer failed, so no bot code ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(deny_unknown_fields)]
#[error("{detail}")]
pub struct SetupError {
    pub step: Step,
    pub detail: String,
}

impl SetupError {
    pub fn new(step: Step, detail: impl Into<String>) -> SetupError {
        SetupError {
            step,
            detail: detail.into(),
        }
    }

    /// `what` failed with the last OS error.
    pub fn os(step: Step, what: &str) -> SetupError {
        SetupError::new(step, format!("{what}: {}", std::io::Error::last_os_error()))
    }
}

/// The longest code text a [`Reply::Compiled`] carries (it fits the host's 1 MiB reply
/// frame); a longer one is not sent, and that bot compiles at every load.
pub const MAX_CODE_TEXT: usize = 768 * 1024;

/// Host → Python bot process.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Request<'a> {
    /// Compile a one-file bot's source and send its code back as text ([`Reply::Compiled`]),
    /// before anything of the bot runs; a load request follows. Asked once a run per
    /// source, so later loads of it skip the compiler.
    Compile {
        name: Cow<'a, str>,
        source: Cow<'a, str>,
    },
    /// Seed `random`, run the source, find the agent.
    Load {
        name: Cow<'a, str>,
        source: Cow<'a, str>,
        seed: u64,
        /// A bundle's own modules (none for a one-file bot).
        #[serde(default, skip_serializing_if = "<[Module]>::is_empty")]
        modules: Cow<'a, [Module]>,
        /// The source's code as an earlier [`Request::Compile`] of it sent it (run
        /// instead of compiling the source, which still serves tracebacks).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        code: Option<Cow<'a, str>>,
    },
    /// Call the agent once.
    Act(Act<'a>),
}

/// One of a bundle's own Python modules, sent with its `main.py`: the bot process
/// imports it from memory, so imports need no file access.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Module {
    /// Dotted name (`model`, `net.layers`).
    pub name: String,
    /// Its file, relative to the bundle (`net/__init__.py`), for `__file__` and tracebacks.
    pub path: String,
    pub code: String,
    /// A package (a folder): its submodules import from it.
    pub package: bool,
}

/// One move's question, as Kaggle agents get it: the seat's observation and the game's
/// configuration. Borrowed when the host sends it, owned when the bot process reads it.
/// The configuration is the same all match: the host encodes it once, and the bot
/// process compares its text with the last one's before it parses it again.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Act<'a> {
    pub obs: Cow<'a, Value>,
    pub config: Cow<'a, RawValue>,
}

/// Python bot process → host, after its own code has run (hostile).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Reply {
    /// A compile request's answer, sent before any of the bot's code ran: its code as
    /// base64 of `marshal`, or `None` where that would be too long to keep.
    Compiled {
        code: Option<String>,
    },
    Ready {
        agent: String,
        arity: usize,
    },
    Action(Value),
    Error(ErrorReply),
}

/// Why a Python bot's load or move failed, as its process saw it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorReply {
    pub kind: ErrorKind,
    /// The exception's type name, or empty.
    #[serde(rename = "type")]
    pub ty: String,
    pub message: String,
    pub traceback: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// `MemoryError`.
    Memory,
    /// The agent returned something that cannot be an action.
    BadAction,
    /// The request was not what the bot process expected.
    Protocol,
    /// Any other exception (an unknown kind reads as one too).
    #[serde(other)]
    Crash,
}

impl Reply {
    /// An error reply (the bot process's side).
    pub fn error(kind: ErrorKind, ty: &str, message: &str, traceback: &str) -> Reply {
        Reply::Error(ErrorReply {
            kind,
            ty: ty.into(),
            message: message.into(),
            traceback: traceback.into(),
        })
    }
}

/// Host → compiled bot, one JSON line each: `{"seed": N}` once, then `{"obs", "config"}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum NativeRequest<'a> {
    Seed { seed: u64 },
    Act(Act<'a>),
}

/// A compiled bot's lines: `{"ready": "name"}` (or `true`) once, then `{"action": …}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum NativeReply {
    Ready(ReadyName),
    Action(Value),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ReadyName {
    Name(String),
    Flag(bool),
}

/// Zygote → host: how a bot process ended, written on its status pipe when the zygote
/// reaps it. The CPU total lets the host tell a CPU-limit kill from others, the peak
/// resident memory an out-of-memory crash from others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExitReport {
    /// `si_code`: exited, killed or dumped.
    pub code: i32,
    /// The exit status or the signal.
    pub value: i32,
    pub cpu_ms: i32,
    /// Peak resident memory (`ru_maxrss`).
    pub peak_kib: i32,
}

impl ExitReport {
    /// Bytes on the wire: four little-endian `i32`, in field order.
    pub const SIZE: usize = 16;

    pub fn encode(&self) -> [u8; Self::SIZE] {
        let mut out = [0u8; Self::SIZE];
        for (i, word) in [self.code, self.value, self.cpu_ms, self.peak_kib]
            .into_iter()
            .enumerate()
        {
            out[i * 4..i * 4 + 4].copy_from_slice(&word.to_le_bytes());
        }
        out
    }

    pub fn decode(bytes: &[u8; Self::SIZE]) -> ExitReport {
        let word = |i: usize| {
            i32::from_le_bytes([
                bytes[i * 4],
                bytes[i * 4 + 1],
                bytes[i * 4 + 2],
                bytes[i * 4 + 3],
            ])
        };
        ExitReport {
            code: word(0),
            value: word(1),
            cpu_ms: word(2),
            peak_kib: word(3),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn exit_report_round_trips() {
        let report = ExitReport {
            code: libc::CLD_KILLED,
            value: libc::SIGSYS,
            cpu_ms: i32::MAX,
            peak_kib: -1,
        };
        assert_eq!(ExitReport::decode(&report.encode()), report);
    }

    #[test]
    fn messages_keep_their_wire_shape() {
        // The shapes replays, compiled bots and the README document.
        let load = Request::Load {
            name: "a.py".into(),
            source: "x".into(),
            seed: 7,
            modules: Cow::Borrowed(&[]),
            code: None,
        };
        assert_eq!(
            serde_json::to_value(&load).unwrap(),
            json!({"load": {"name": "a.py", "source": "x", "seed": 7}})
        );
        let obs = json!({"step": 1});
        let act = NativeRequest::Act(Act {
            obs: Cow::Borrowed(&obs),
            config: Cow::Owned(crate::cage::encoded(&json!({}))),
        });
        assert_eq!(
            serde_json::to_value(&act).unwrap(),
            json!({"obs": {"step": 1}, "config": {}})
        );
        assert_eq!(
            serde_json::to_value(NativeRequest::Seed { seed: 3 }).unwrap(),
            json!({"seed": 3})
        );
        let act = Request::Act(Act {
            obs: Cow::Borrowed(&obs),
            config: Cow::Owned(crate::cage::encoded(&json!({}))),
        });
        assert_eq!(
            serde_json::to_value(&act).unwrap(),
            json!({"act": {"obs": {"step": 1}, "config": {}}})
        );
        assert_eq!(
            serde_json::to_value(ZygoteReply::Spawned { pid: 9 }).unwrap(),
            json!({"spawned": {"pid": 9}})
        );
        assert_eq!(
            serde_json::to_value(Reply::error(ErrorKind::BadAction, "", "m", "")).unwrap(),
            json!({"error": {"kind": "bad_action", "type": "", "message": "m", "traceback": ""}})
        );
    }

    #[test]
    fn hostile_replies_are_refused_or_read_safely() {
        let unknown_kind =
            json!({"error": {"kind": "lol", "type": "", "message": "", "traceback": ""}});
        match serde_json::from_value::<Reply>(unknown_kind).unwrap() {
            Reply::Error(e) => assert_eq!(e.kind, ErrorKind::Crash),
            other => panic!("{other:?}"),
        }
        for bad in [
            json!({"action": 1, "extra": 2}),
            json!({"ready": {"agent": "a", "arity": 1, "more": 1}}),
            json!({"caged": 1}),
        ] {
            assert!(serde_json::from_value::<Reply>(bad).is_err());
        }
        assert!(serde_json::from_value::<NativeReply>(json!({"ready": 3})).is_err());
    }
}
