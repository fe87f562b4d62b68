//! The game process: an organiser's Kaggle-format environment, run in a process of its
//! own (this binary, `cagematch __game`), never in the host. The host starts one per
//! worker and talks to it in JSON lines: the start line on stdin names the environment,
//! its settings and seats; then one request per line (check an action, step, render)
//! and one reply per line on the descriptor that was stdout. What the environment
//! prints is captured and returned with the reply, so it can never corrupt the wire.
//!
//! The Kaggle semantics themselves are in `kaggle_core.py` (embedded): the part of
//! `kaggle_environments`' core that a runner needs, checked against it by
//! `scripts/kaggle_env_crosscheck.py`.

mod sandbox;
mod structify;
mod wire;

use pyo3::prelude::*;
use pyo3::types::PyModule;
use serde::Deserialize;
use std::io::Write;
use std::os::fd::FromRawFd;
use std::path::PathBuf;

pub const ARG: &str = "__game";

/// The Python half: Kaggle's core semantics and the request loop.
const CORE: &str = include_str!("kaggle_core.py");
/// kaggle_environments.utils's Struct and structify: the same module bots get.
const UTILS: &str = include_str!("../cage/zygote/kaggle/utils.py");

/// The start line's longest allowed length.
const MAX_START: usize = 1 << 20;

#[derive(Deserialize)]
struct Start {
    /// Folders added to `sys.path` after the standard library (the game venv).
    #[serde(default)]
    site: Vec<PathBuf>,
    scratch: PathBuf,
    memory_mb: u64,
    cpu_seconds: u64,
}

/// Runs the game process; its exit code.
pub fn main(_args: &[String]) -> i32 {
    // The reply channel is a private copy of stdout; fd 1 then points at stderr, so a
    // `print` from C code cannot reach the wire either.
    // SAFETY: dup and dup2 on our own descriptors.
    let wire = unsafe { libc::dup(1) };
    if wire < 0 || unsafe { libc::dup2(2, 1) } < 0 {
        return 3;
    }
    // SAFETY: `wire` is a fresh descriptor we own.
    let mut out = unsafe { std::fs::File::from_raw_fd(wire) };
    let Some(line) = start_line() else {
        return fail(&mut out, "no start line");
    };
    let start: Start = match serde_json::from_str(&line) {
        Ok(s) => s,
        Err(e) => return fail(&mut out, &format!("a malformed start line: {e}")),
    };
    let walls = sandbox::Walls {
        memory_mb: start.memory_mb,
        cpu_seconds: start.cpu_seconds,
        scratch: &start.scratch,
    };
    if let Err(e) = sandbox::apply(&walls) {
        return fail(&mut out, &format!("cannot wall the game process in: {e}"));
    }
    if let Err(e) = crate::cage::zygote::interpreter::initialize() {
        return fail(&mut out, &e);
    }
    let served = Python::attach(|py| -> PyResult<()> {
        let sys = py.import("sys")?;
        let path = sys.getattr("path")?;
        for s in &start.site {
            path.call_method1("append", (s.display().to_string(),))?;
        }
        let utils = PyModule::from_code(
            py,
            &std::ffi::CString::new(UTILS).expect("no NUL in the utils"),
            c"kaggle_utils.py",
            c"kaggle_utils",
        )?;
        structify::install(py, &utils)?;
        sys.getattr("modules")?.set_item("kaggle_utils", utils)?;
        wire::install(py, wire)?;
        let core = PyModule::from_code(
            py,
            &std::ffi::CString::new(CORE).expect("no NUL in the core"),
            c"kaggle_core.py",
            c"kaggle_core",
        )?;
        let json = py.import("json")?;
        let start_value = json.call_method1("loads", (line.as_str(),))?;
        let wire_module = sys.getattr("modules")?.get_item("cagematch_wire")?;
        let (read, write) = (wire_module.getattr("read")?, wire_module.getattr("write")?);
        core.getattr("serve")?.call1((start_value, read, write))?;
        Ok(())
    });
    match served {
        Ok(()) => 0,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "game process: {e}");
            4
        }
    }
}

/// The first line of stdin, read a byte at a time so nothing after it is taken from the
/// request reader (`wire::read`), which reads the rest.
fn start_line() -> Option<String> {
    let mut bytes = Vec::new();
    let mut byte = [0u8; 1];
    while bytes.len() < MAX_START {
        // SAFETY: reading one byte into our own buffer.
        if unsafe { libc::read(0, byte.as_mut_ptr().cast(), 1) } != 1 {
            return None;
        }
        if byte[0] == b'\n' {
            return String::from_utf8(bytes).ok();
        }
        bytes.push(byte[0]);
    }
    None
}

/// Reports a failure before the environment could start, as the one reply.
fn fail(out: &mut std::fs::File, why: &str) -> i32 {
    let line = serde_json::json!({ "error": why }).to_string();
    let _ = writeln!(out, "{line}");
    2
}
