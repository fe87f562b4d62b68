//! The bench's "cold embedded interpreter" baseline, run as `cagematch __cold SOURCE`:
//! everything a bot process needs (start CPython, preload the modules, load the bot,
//! answer one move) in a fresh process, without the zygote. Not a sandbox: it runs only
//! the bench's own trivial bot, to measure what the zygote saves.

use crate::cage::child::agent;
use crate::cage::protocol::Reply;
use crate::cage::zygote::interpreter::{self, Prepared};
use crate::cage::DEFAULT_MODULES;
use crate::error::Error;
use pyo3::Python;
use serde_json::json;

/// The argument that runs the baseline.
pub const ARG: &str = "__cold";

/// Entry point of `cagematch __cold SOURCE`. Returns the exit code.
pub fn main(args: &[String]) -> i32 {
    match start(args.first().map_or("", String::as_str)) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("{e}");
            1
        }
    }
}

fn start(source: &str) -> Result<(), Error> {
    interpreter::initialize().map_err(Error::runtime)?;
    Python::attach(|py| {
        let modules: Vec<String> = DEFAULT_MODULES.iter().map(|m| m.to_string()).collect();
        let prep = Prepared::new(py, &modules, &[]).map_err(Error::runtime)?;
        let describe = |reply: &Reply| serde_json::to_string(reply).unwrap_or_default();
        let (agent, _) = agent::load(py, &prep, "bot.py", source, 0, &[], None)
            .map_err(|r| Error::runtime(describe(&r)))?;
        let config = agent::ConfigView::default()
            .get(py, &prep, &crate::cage::encoded(&json!({})))
            .map_err(Error::runtime)?;
        match agent::act(py, &prep, &agent, &json!({}), &config) {
            Reply::Action(_) => Ok(()),
            other => Err(Error::runtime(describe(&other))),
        }
    })
}
