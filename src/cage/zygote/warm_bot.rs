//! The made-up bot a bot process runs as its warm-up (see `child/warm.rs`), compiled
//! here once: a bot's own code reaches a bot process compiled (`child/compiled.rs`), so
//! running the compiler in every process would only fault in pages no load uses.

use pyo3::prelude::*;

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

/// The made-up bot's code object, made with the builtins' `compile`.
pub fn compile(compile: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    Ok(compile.call1((WARM_BOT, "<warm-up>", "exec"))?.unbind())
}
