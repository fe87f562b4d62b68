//! A living ladder's versions: every bot file ever entered under a name is a version;
//! a changed file retires the old version and adds a new one, a removed file retires
//! its version. Retired versions' games stay in the journal and count no more.

use super::config::Tournament;
use super::journal::{RunBot, RunInfo};
use crate::cage::sanitize;
use crate::error::ConfigError;

/// The run's versions as bots: each named `name@hash` so versions are told apart in
/// the standings, the UI and the export.
pub fn versions(info: &RunInfo, jobs: usize) -> Result<Tournament, ConfigError> {
    Tournament::from_run(&named(info), jobs)
}

/// The run with each active version named `name@hash` (the first 8 hex digits), as the
/// standings, the UI, the reports and the export tell versions apart.
pub fn named(info: &RunInfo) -> RunInfo {
    let mut shown = info.clone();
    for v in shown.bots.iter_mut().filter(|v| v.retired.is_none()) {
        v.name = format!("{}@{}", v.name, &v.sha256[..8]);
    }
    shown
}

/// Brings the versions up to the bots the ladder names now; what changed, in words.
pub fn reconcile(versions: &mut Vec<RunBot>, current: &Tournament, now: &str) -> Vec<String> {
    let mut said = Vec::new();
    let short = |sha: &str| sha[..8].to_string();
    for bot in &current.bots {
        let file = bot.path.display().to_string();
        let active = versions
            .iter()
            .position(|v| v.retired.is_none() && v.name == bot.name);
        match active {
            Some(i) if versions[i].sha256 == bot.sha256 => versions[i].file = file,
            Some(i) => {
                versions[i].retired = Some(format!("replaced {now}"));
                said.push(format!(
                    "{}: version {} replaces {} (retired)",
                    sanitize(bot.name.as_bytes()),
                    short(&bot.sha256),
                    short(&versions[i].sha256)
                ));
                versions.push(new_version(bot, file, now));
            }
            None => {
                said.push(format!(
                    "{}: added, version {}",
                    sanitize(bot.name.as_bytes()),
                    short(&bot.sha256)
                ));
                versions.push(new_version(bot, file, now));
            }
        }
    }
    for v in versions.iter_mut().filter(|v| v.retired.is_none()) {
        if !current.bots.iter().any(|b| b.name == v.name) {
            v.retired = Some(format!("removed {now}"));
            said.push(format!(
                "{}: removed, version {} retired",
                sanitize(v.name.as_bytes()),
                short(&v.sha256)
            ));
        }
    }
    if said.is_empty() {
        said.push("no bot changed".into());
    }
    said
}

fn new_version(bot: &crate::botfile::BotFile, file: String, now: &str) -> RunBot {
    RunBot {
        name: bot.name.clone(),
        file,
        sha256: bot.sha256.clone(),
        added: Some(now.to_string()),
        retired: None,
    }
}
