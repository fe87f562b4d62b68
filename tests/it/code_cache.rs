//! A one-file bot's code is compiled once a run: its first load asks the bot process for
//! the code before any of the bot runs, and later loads run that code. They behave as a
//! compiled source does (tracebacks name the file's lines, a fresh process every time),
//! a bot that rewrites its own code at load changes only that process, and what cannot
//! be kept (a syntax error, a huge source, a bundle) compiles at every load as before.

use crate::common::*;
use cagematch::cage::{code_is_kept, BotSource, Cage, FaultKind};
use serde_json::json;
use std::time::Duration;

const BUDGET: Duration = Duration::from_secs(5);

/// A bot whose text no other test has (the kept code is the test process's).
fn unique(name: &str, body: &str) -> BotSource {
    let nonce = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    BotSource {
        name: name.into(),
        code: format!("# {nonce}\n{body}"),
        bundle: None,
    }
}

fn act(cage: &Cage, bot: &BotSource) -> Result<serde_json::Value, cagematch::cage::Fault> {
    let mut b = loaded(cage, bot, 0)?;
    b.act(&json!({}), &json!({}), BUDGET).map(|m| m.action)
}

#[test]
fn a_sources_code_is_compiled_once_and_runs_like_the_source() {
    let cage = cage();
    // Each load rewrites the agent's constants (1 becomes 2), counts its loads in a
    // global, and the agent fails on a line of its own when asked with `fail`.
    let bot = unique(
        "rewrites.py",
        "loads = 0\n\
         def helper(obs):\n    return obs['missing']\n\
         def agent(obs, config):\n    if 'fail' in obs:\n        return helper(obs)\n    return [1, loads]\n\
         loads += 1\n\
         agent.__code__ = agent.__code__.replace(co_consts=tuple(c + 1 if type(c) is int and c == 1 else c for c in agent.__code__.co_consts))\n",
    );
    assert!(!code_is_kept(&bot));
    for load in 0..3 {
        // The process's own rewrite, once, on the compiler's code: never the last
        // process's code carried over.
        assert_eq!(act(&cage, &bot).unwrap(), json!([2, 1]), "load {load}");
        assert!(code_is_kept(&bot), "kept after the first load");
        let mut b = loaded(&cage, &bot, 0).unwrap();
        let fault = b.act(&json!({"fail": 1}), &json!({}), BUDGET).unwrap_err();
        assert_eq!(fault.kind, FaultKind::Crash);
        let tb = fault.traceback.unwrap_or_default();
        assert!(
            tb.contains("File \"rewrites.py\", line 4, in helper") && tb.contains("obs['missing']"),
            "load {load}: {tb}"
        );
    }
}

#[test]
fn what_cannot_be_kept_compiles_at_every_load() {
    let cage = cage();
    let broken = unique("broken.py", "def agent(obs, config):\n    return (\n");
    for _ in 0..2 {
        let fault = loaded(&cage, &broken, 0).unwrap_err();
        assert!(fault.detail.starts_with("SyntaxError:"), "{}", fault.detail);
        assert!(
            fault.detail.contains("broken.py, line 3"),
            "{}",
            fault.detail
        );
        assert!(!code_is_kept(&broken));
    }
    // Code text past what a reply may carry (a 700 KB constant) is not kept.
    let huge = unique(
        "huge.py",
        &format!(
            "BIG = '{}'\ndef agent(obs, config):\n    return len(BIG)\n",
            "x".repeat(700_000)
        ),
    );
    for _ in 0..2 {
        assert_eq!(act(&cage, &huge).unwrap(), json!(700_000));
        assert!(!code_is_kept(&huge));
    }
}
