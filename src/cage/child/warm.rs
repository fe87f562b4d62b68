//! The warm-up a Python bot process runs after caging, before it reports itself ready:
//! a made-up bot compiled, run and asked one move, then dropped. A forked process
//! shares the zygote's memory, but its page tables start nearly empty: the first time it
//! runs the compiler, the evaluation loop or the observation conversion, every page of
//! code and data those touch is a page fault (about half of a small bot's load time, the
//! bench showed). Paid here, that cost falls before the spawn is handed out — in the
//! pool, off every match's clock — instead of inside the bot's load.
//!
//! It runs under the full cage (after `lock`) and needs nothing the bot's own code does
//! not: memory only, no import, no system call. It leaves nothing behind but freed
//! memory, the same in every bot, and it never sees a bot's source or an observation.

use super::convert::{action_value, to_py};
use crate::cage::zygote::interpreter::Prepared;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde_json::Value;

/// Common syntax: a module-level table, a class, a function with loops, comprehensions,
/// arithmetic and a dict/attribute read of its observation.
const WARM_BOT: &str = r#"
MOVES = {"a": (0, 1), "b": (1, 0), "c": (0, -1)}

class Memory:
    def __init__(self):
        self.seen = []

memory = Memory()

def agent(observation, configuration):
    board = observation.board
    counts = {}
    for cell in board:
        counts[cell] = counts.get(cell, 0) + 1
    free = [i for i, c in enumerate(board) if c == 0]
    best = max(free, key=lambda i: (abs(i - len(board) // 2), i)) if free else 0
    memory.seen.append(best)
    total = sum(v * 2 for v in counts.values()) % max(1, configuration["columns"])
    return int(best + total - total)
"#;

/// What the made-up bot is asked (not a message: it never leaves the process).
const WARM_OBSERVATION: &str = r#"{"board": [0, 1, 2, 0, 0, 1], "step": 3}"#;
const WARM_CONFIGURATION: &str = r#"{"columns": 7, "rows": 6}"#;

/// Runs the warm-up; failures are ignored (the bot's own load reports its own errors).
pub fn warm_up(py: Python<'_>, prep: &Prepared) {
    let globals = PyDict::new(py);
    let _ = (|| -> PyResult<()> {
        globals.set_item("__builtins__", prep.builtins.bind(py))?;
        let code = prep
            .compile
            .bind(py)
            .call1((WARM_BOT, "<warm-up>", "exec"))?;
        prep.exec.bind(py).call1((code, &globals))?;
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
