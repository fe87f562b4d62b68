//! What a check says of the field as a whole: the third-party modules bots asked for
//! that were not provided (and the one line that provides them), and whether the
//! tournament file loads with the bots as they now are.

use super::verdict::Verdict;
use std::collections::BTreeMap;
use std::path::Path;

/// The words the import gate puts in a bot's fault when it asked for a third-party
/// module the cage does not provide (`cage/child/gate.rs`).
const NOT_PROVIDED: &str = "is not available to cagematch bots (third-party";

/// The modules bots failed to import for want of them, most wanted first: a line each,
/// and the line to add (to the tournament file, or to the command).
pub fn modules_wanted(verdicts: &[Verdict], tournament: Option<&Path>) -> Vec<String> {
    let mut wanted: BTreeMap<String, usize> = BTreeMap::new();
    for v in verdicts {
        let Some(at) = v.reason.find(NOT_PROVIDED) else {
            continue;
        };
        let before = &v.reason[..at];
        let Some(start) = before.rfind("module '") else {
            continue;
        };
        let name = before[start + "module '".len()..]
            .trim_end()
            .trim_end_matches('\'');
        let top = name.split('.').next().unwrap_or(name);
        if crate::cage::policy::check_module(top).is_ok() {
            *wanted.entry(top.to_string()).or_default() += 1;
        }
    }
    if wanted.is_empty() {
        return Vec::new();
    }
    let mut by_count: Vec<(&String, &usize)> = wanted.iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let counts: Vec<String> = by_count
        .iter()
        .map(|(m, n)| format!("{m} ({})", crate::tui::widgets::count(**n, "bot", "bots")))
        .collect();
    let names: Vec<&str> = by_count.iter().map(|(m, _)| m.as_str()).collect();
    let fix = match tournament {
        Some(file) => format!(
            "add to {}:  python: {{venv: DIR, modules: [{}]}}  (DIR: a venv with them, made with the embedded Python)",
            crate::files::shown(file),
            names.join(", ")
        ),
        None => format!(
            "check again with: --venv DIR {}",
            names
                .iter()
                .map(|m| format!("--module {m}"))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    };
    vec![
        format!("modules not provided: {}", counts.join(", ")),
        format!("  {fix}"),
    ]
}

/// Whether the tournament file loads with its bots as they now are, in one line.
pub fn loads(file: &Path) -> (String, bool) {
    match crate::tournament::Tournament::load(file) {
        Ok(t) => (
            format!(
                "tournament: {} loads ({} bots)",
                crate::files::shown(file),
                t.bots.len()
            ),
            true,
        ),
        Err(e) => (
            format!(
                "tournament: {} would NOT load: {}",
                crate::files::shown(file),
                crate::cage::sanitize(e.to_string().as_bytes())
            ),
            false,
        ),
    }
}
