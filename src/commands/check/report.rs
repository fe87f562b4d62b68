//! The folder check's report for the organiser's review: `STEM.md` for people (the
//! table, then every bot's whole check) and `STEM.json` for scripts.

use super::bot::Trial;
use super::verdict::Verdict;
use crate::error::Error;
use crate::markup::markdown;
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Serialize)]
struct Report<'a> {
    folder: String,
    game: crate::game::GameKind,
    checked_at: String,
    cagematch: &'static str,
    games_per_bot: u64,
    time_control: crate::game::TimeControl,
    bots: &'a [Verdict],
}

/// Writes `stem.md` and `stem.json` (a `.md` or `.json` ending on `stem` is dropped).
pub fn write(
    stem: &Path,
    dir: &Path,
    trial: &Trial,
    verdicts: &[Verdict],
) -> Result<(PathBuf, PathBuf), Error> {
    let stem = match stem.extension().and_then(|e| e.to_str()) {
        Some("md" | "json") => stem.with_extension(""),
        _ => stem.to_path_buf(),
    };
    let report = Report {
        folder: crate::files::shown(dir),
        game: trial.game,
        checked_at: crate::tournament::results::export::now_utc(),
        cagematch: env!("CARGO_PKG_VERSION"),
        games_per_bot: trial.games.max(1),
        time_control: trial.clock,
        bots: verdicts,
    };
    let (md, json) = (with_ending(&stem, ".md"), with_ending(&stem, ".json"));
    let text = serde_json::to_string_pretty(&report)
        .map_err(|e| Error::Runtime(format!("cannot encode the report: {e}")))?;
    for (path, text) in [(&md, markdown_of(&report)), (&json, text + "\n")] {
        crate::files::write_replacing(path, &text, "report")?;
    }
    Ok((md, json))
}

fn with_ending(stem: &Path, ending: &str) -> PathBuf {
    let mut s = stem.as_os_str().to_os_string();
    s.push(ending);
    PathBuf::from(s)
}

fn markdown_of(r: &Report) -> String {
    let ms = |x: Option<f64>| x.map_or_else(|| "-".to_string(), |ms| format!("{ms:.1} ms"));
    let mut out = format!(
        "# Check of {} for {}\n\n\
         - checked {} by cagematch {}\n\
         - {} game(s) per bot against the built-in random bot, seats alternating\n\
         - time control: {} s a move, {} s of overage bank, {} s to load\n\n\
         | bot | status | load | slowest move | reason |\n\
         |---|---|--:|--:|---|\n",
        markdown(&r.folder),
        r.game,
        r.checked_at,
        r.cagematch,
        r.games_per_bot,
        r.time_control.per_move,
        r.time_control.overage,
        r.time_control.load,
    );
    for v in r.bots {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            markdown(&super::verdict::file_name(&v.path)),
            markdown(&v.status.label()),
            ms(v.load_ms),
            ms(v.slowest_move_ms),
            markdown(&v.reason)
        ));
    }
    out.push_str("\n## Every bot's check\n");
    for v in r.bots.iter().filter(|v| !v.details.is_empty()) {
        out.push_str(&format!(
            "\n### {}: {}\n\n",
            markdown(&super::verdict::file_name(&v.path)),
            markdown(&v.status.label())
        ));
        // An indented code block: whatever a line holds, it stays literal text.
        for line in &v.details {
            out.push_str("    ");
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}
