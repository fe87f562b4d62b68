//! An organiser's own game: a Kaggle-format environment (a specification, an
//! `interpreter`, a `renderer`), run in a game process of its own (see `src/gameproc/`)
//! and refereed like a built-in game. This side runs in the host: it names the
//! environment, starts one game process per match and speaks to it; the environment's
//! code never runs here.
//!
//! A game name is an environment when it is a path (a folder holding `NAME.json` and
//! `NAME.py`, as `kaggle_environments/envs/NAME/`, or one `.py` module defining
//! `specification`, `interpreter` and `renderer`) or `kaggle:NAME` (an environment of
//! the `kaggle_environments` package in the game venv).

mod environment;
mod game;
mod process;
mod source;

pub use environment::{label, named, open_named, opened, Environment, Walls};
pub use game::EnvGame;
pub use process::GameError;
pub use source::Source;

use serde_json::Value;

/// Lines of the renderer's text kept in a frame, and characters of each.
const TEXT_LINES: usize = 40;
const TEXT_WIDTH: usize = 200;

/// An environment's frame as text: the renderer's drawing where the frame has it (the
/// last frame of a match), escaped and cut, then each seat's status and reward.
pub fn lines(frame: &Value) -> Vec<String> {
    let text = frame.get("text").and_then(Value::as_str).unwrap_or("");
    let mut out: Vec<String> = text
        .lines()
        .take(TEXT_LINES)
        .map(|l| crate::cage::log::sanitize(crate::cage::log::cut(l, TEXT_WIDTH).as_bytes()))
        .collect();
    let list = |k: &str| {
        frame
            .get(k)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let (statuses, rewards) = (list("statuses"), list("rewards"));
    for (i, status) in statuses.iter().take(crate::game::rules::SEATS).enumerate() {
        out.push(format!(
            "seat {}: {} reward {}",
            i + 1,
            crate::cage::log::sanitize(status.as_str().unwrap_or("?").as_bytes()),
            rewards.get(i).map_or("-".to_string(), |r| r.to_string())
        ));
    }
    out
}
