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
mod house_bots;
mod process;
mod source;

pub use environment::{close_all, label, named, open_named, opened, Environment, Walls};
pub use game::EnvGame;
pub use process::GameError;
pub use source::Source;

use serde_json::Value;

/// Lines of the renderer's text kept in a frame, and characters of each.
const TEXT_LINES: usize = 40;
const TEXT_WIDTH: usize = 200;

/// An environment's frame as text: the renderer's drawing where the frame has it (the
/// last frame of a match), else what the observations hold (a field with several lines,
/// such as OpenSpiel's `observationString`, as its lines; the others as `key: value`;
/// seat 2's only where they differ from seat 1's), escaped and cut; then each seat's
/// status and reward.
pub fn lines(frame: &Value) -> Vec<String> {
    let clean =
        |l: &str| crate::cage::log::sanitize(crate::cage::log::cut(l, TEXT_WIDTH).as_bytes());
    let mut out: Vec<String> = match frame.get("text").and_then(Value::as_str) {
        Some(text) => text.lines().take(TEXT_LINES).map(clean).collect(),
        None => observation_lines(frame).iter().map(|l| clean(l)).collect(),
    };
    out.truncate(TEXT_LINES);
    let list = |k: &str| {
        frame
            .get(k)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let (statuses, rewards) = (list("statuses"), list("rewards"));
    for (i, status) in statuses
        .iter()
        .take(crate::game::rules::MAX_SEATS)
        .enumerate()
    {
        out.push(format!(
            "seat {}: {} reward {}",
            i + 1,
            crate::cage::log::sanitize(status.as_str().unwrap_or("?").as_bytes()),
            rewards.get(i).map_or("-".to_string(), |r| r.to_string())
        ));
    }
    out
}

/// Fields every observation has that say nothing of the position.
const QUIET: [&str; 3] = ["remainingOverageTime", "step", "serializedGameAndState"];
/// Characters of a field's value shown on its line.
const VALUE_CHARS: usize = 80;

/// The observations of a frame as lines (unescaped, uncut: [`lines`] does both).
fn observation_lines(frame: &Value) -> Vec<String> {
    let seats: Vec<&serde_json::Map<String, Value>> = frame
        .get("observations")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_object).collect())
        .unwrap_or_default();
    let Some(first) = seats.first() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut fields = |seat: usize, obs: &serde_json::Map<String, Value>| {
        // A drawing (a field of several lines) first, then the rest.
        let drawing = |v: &Value| v.as_str().is_some_and(|t| t.contains('\n'));
        let order = obs.iter().filter(|(_, v)| drawing(v));
        for (key, value) in order.chain(obs.iter().filter(|(_, v)| !drawing(v))) {
            if QUIET.contains(&key.as_str()) || (seat > 0 && first.get(key) == Some(value)) {
                continue;
            }
            let label = match seat {
                0 => key.clone(),
                n => format!("seat {} {key}", n + 1),
            };
            match value.as_str() {
                Some(text) if text.contains('\n') => {
                    out.push(format!("{label}:"));
                    out.extend(text.lines().take(TEXT_LINES).map(|l| format!("  {l}")));
                }
                _ => {
                    let shown = value.to_string();
                    out.push(format!(
                        "{label}: {}",
                        crate::cage::log::cut(&shown, VALUE_CHARS)
                    ));
                }
            }
        }
    };
    for (seat, obs) in seats.iter().enumerate().take(crate::game::rules::MAX_SEATS) {
        fields(seat, obs);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::lines;
    use serde_json::json;

    #[test]
    fn a_frame_shows_the_drawing_in_its_observation_then_what_differs_by_seat_escaped() {
        let frame = json!({
            "statuses": ["ACTIVE", "INACTIVE"],
            "rewards": [0, null],
            "observations": [
                {"observationString": "xo.\n...\n..\u{1b}[31m.", "legalActions": [2, 3],
                 "playerId": 0, "step": 3, "remainingOverageTime": 12},
                {"observationString": "xo.\n...\n..\u{1b}[31m.", "legalActions": [],
                 "playerId": 1, "step": 3, "remainingOverageTime": 12},
            ],
        });
        let shown = lines(&frame);
        assert_eq!(shown[0], "observationString:");
        assert_eq!(shown[1], "  xo.");
        assert!(
            shown[3].starts_with("  ..") && !shown[3].contains('\u{1b}'),
            "{shown:?}"
        );
        assert!(
            shown.contains(&"legalActions: [2,3]".to_string()),
            "{shown:?}"
        );
        assert!(
            shown.contains(&"seat 2 playerId: 1".to_string()),
            "{shown:?}"
        );
        assert!(
            !shown.iter().any(|l| l.contains("seat 2 observationString")),
            "same as seat 1"
        );
        assert!(!shown.iter().any(|l| l.contains("remainingOverageTime")));
        assert_eq!(shown.last().unwrap(), "seat 2: INACTIVE reward null");
        // The renderer's drawing, where the frame has it, instead.
        let end = json!({"text": "pile: 0", "statuses": ["DONE", "DONE"], "rewards": [1, 0],
                         "observations": [{"pile": 0}, {"pile": 0}]});
        assert_eq!(lines(&end)[0], "pile: 0");
        assert!(!lines(&end).iter().any(|l| l.starts_with("pile: 0 ")));
    }
}
