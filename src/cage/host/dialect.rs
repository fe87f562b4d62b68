//! The two ways a bot process speaks once its own code runs: a Python bot process's
//! frames ([`Request`]/[`Reply`]) and a compiled bot's JSON lines
//! ([`NativeRequest`]/[`NativeReply`]). Everything here is pure: bytes to send, and a
//! hostile reply turned into an answer or a fault.

use super::process::Wire;
use crate::cage::fault::{Fault, FaultKind};
use crate::cage::frame;
use crate::cage::log::{cut, DETAIL_CHARS};
use crate::cage::protocol::{
    Act, ErrorKind, Module, NativeReply, NativeRequest, ReadyName, Reply, Request, MAX_CODE_TEXT,
};
use serde_json::value::RawValue;
use serde_json::Value;
use std::borrow::Cow;

/// Caps on a traceback taken from a bot's error reply.
const TRACEBACK_CHARS: usize = 8 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// The embedded CPython's bot process (frames).
    Python,
    /// A compiled program (JSON lines on its stdin and stdout).
    Native,
}

/// What a bot said when it answered as it should.
pub enum Answer {
    /// Loaded; a compiled bot that answered `{"ready": true}` leaves naming it to us.
    Ready {
        agent: Option<String>,
        arity: usize,
    },
    Action(Value),
    /// A compiled bot's `{"ready": false}`.
    NotReady,
    /// A Python bot's source compiled, its code as text (checked), or `None`.
    Compiled(Option<String>),
}

impl Dialect {
    pub fn wire(self) -> Wire {
        match self {
            Dialect::Python => Wire::Frames,
            Dialect::Native => Wire::Lines,
        }
    }

    /// A Python bot's load request: its source, seed and a bundle's modules.
    pub fn load(
        name: &str,
        source: &str,
        seed: u64,
        modules: &[Module],
        code: Option<&str>,
    ) -> Vec<u8> {
        frame::encode(&Request::Load {
            name: Cow::Borrowed(name),
            source: Cow::Borrowed(source),
            seed,
            modules: Cow::Borrowed(modules),
            code: code.map(Cow::Borrowed),
        })
    }

    /// A one-file Python bot's compile request (see `compiled.rs`).
    pub fn compile(name: &str, source: &str) -> Vec<u8> {
        frame::encode(&Request::Compile {
            name: Cow::Borrowed(name),
            source: Cow::Borrowed(source),
        })
    }

    /// A compiled bot's first line: its seed.
    pub fn seed(seed: u64) -> Vec<u8> {
        frame::encode_line(&NativeRequest::Seed { seed })
    }

    /// The request for one move.
    pub fn act(self, obs: &Value, config: &RawValue) -> Vec<u8> {
        let act = Act {
            obs: Cow::Borrowed(obs),
            config: Cow::Borrowed(config),
        };
        match self {
            Dialect::Python => frame::encode(&Request::Act(act)),
            Dialect::Native => frame::encode_line(&NativeRequest::Act(act)),
        }
    }

    /// Reads a reply; a malformed one, or a Python bot's error report, is a fault.
    pub fn read(self, reply: Value) -> Result<Answer, Fault> {
        match self {
            Dialect::Python => read_python(reply),
            Dialect::Native => read_native(reply),
        }
    }
}

fn read_native(line: Value) -> Result<Answer, Fault> {
    match serde_json::from_value::<NativeReply>(line) {
        Ok(NativeReply::Action(action)) => Ok(Answer::Action(action)),
        Ok(NativeReply::Ready(ReadyName::Name(name))) => Ok(Answer::Ready {
            agent: Some(cut(&name, DETAIL_CHARS)),
            arity: 2,
        }),
        Ok(NativeReply::Ready(ReadyName::Flag(true))) => Ok(Answer::Ready {
            agent: None,
            arity: 2,
        }),
        Ok(NativeReply::Ready(ReadyName::Flag(false))) => Ok(Answer::NotReady),
        Err(e) => {
            let why = format!(r#"sent a line that is not {{"action": …}} or {{"ready": …}}: {e}"#);
            Err(Fault::new(FaultKind::Protocol, cut(&why, DETAIL_CHARS)))
        }
    }
}

fn read_python(frame: Value) -> Result<Answer, Fault> {
    match serde_json::from_value::<Reply>(frame) {
        Ok(Reply::Compiled { code }) => Ok(Answer::Compiled(code.filter(|c| {
            c.len() <= MAX_CODE_TEXT
                && c.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
        }))),
        Ok(Reply::Ready { agent, arity }) => Ok(Answer::Ready {
            agent: Some(cut(&agent, DETAIL_CHARS)),
            arity,
        }),
        Ok(Reply::Action(action)) => Ok(Answer::Action(action)),
        Ok(Reply::Error(e)) => {
            let kind = match e.kind {
                ErrorKind::Memory => FaultKind::Memory,
                ErrorKind::BadAction | ErrorKind::Protocol => FaultKind::Protocol,
                ErrorKind::Crash => FaultKind::Crash,
            };
            let detail = if e.ty.is_empty() {
                cut(&e.message, DETAIL_CHARS)
            } else {
                cut(&format!("{}: {}", e.ty, e.message), DETAIL_CHARS)
            };
            let mut fault = Fault::new(kind, detail);
            if !e.traceback.is_empty() {
                fault = fault.with_traceback(cut(&e.traceback, TRACEBACK_CHARS));
            }
            Err(fault)
        }
        Err(e) => Err(Fault::new(
            FaultKind::Protocol,
            cut(
                &format!("sent a reply of the wrong shape: {e}"),
                DETAIL_CHARS,
            ),
        )),
    }
}
