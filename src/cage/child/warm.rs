//! The warm-up a Python bot process runs after caging, before it reports itself ready:
//! a made-up bot run and asked one move, then dropped. A forked process shares the
//! zygote's memory, but its page tables start nearly empty: the first time it runs the
//! evaluation loop or the observation conversion, every page of code and data those
//! touch is a page fault. Paid here, that cost falls before the spawn is handed out — in
//! the pool, off every match's clock — instead of inside the bot's load.
//!
//! The made-up bot (`zygote/warm_bot.rs`) is compiled once, in the zygote: a bot's own
//! code now reaches its process compiled (`compiled.rs`), so faulting in the compiler's
//! pages in every process only cost CPU (a pooled process's fork-to-ready fell from
//! 2.0–2.3 ms to 1.6–1.7 ms, and its CPU from 2.2–2.8 ms to 2.0 ms, loads unchanged).
//!
//! It runs under the full cage (after `lock`) and needs nothing the bot's own code does
//! not: memory only, no import, no system call. It leaves nothing behind but freed
//! memory, the same in every bot, and it never sees a bot's source or an observation.

use super::convert::{action_value, to_py};
use crate::cage::zygote::interpreter::Prepared;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde_json::Value;

/// What the made-up bot is asked (not a message: it never leaves the process).
const WARM_OBSERVATION: &str = r#"{"board": [0, 1, 2, 0, 0, 1], "step": 3}"#;
const WARM_CONFIGURATION: &str = r#"{"columns": 7, "rows": 6}"#;

/// Runs the warm-up; failures are ignored (the bot's own load reports its own errors).
pub fn warm_up(py: Python<'_>, prep: &Prepared) {
    let globals = PyDict::new(py);
    let _ = (|| -> PyResult<()> {
        globals.set_item("__builtins__", prep.builtins.bind(py))?;
        prep.exec
            .bind(py)
            .call1((prep.warm_code.bind(py), &globals))?;
        let parse = |text: &str| serde_json::from_str::<Value>(text).unwrap_or(Value::Null);
        let observation = to_py(py, prep, &parse(WARM_OBSERVATION))?;
        let configuration = to_py(py, prep, &parse(WARM_CONFIGURATION))?;
        if let Some(agent) = globals.get_item("agent")? {
            let action = agent.call1((observation, configuration))?;
            let _ = action_value(py, prep, &action);
        }
        Ok(())
    })();
    globals.clear();
}
