//! Shards' run folders put together: checked to be the shards of one tournament, every
//! match once, none missing; the result is the whole run, as one machine would have
//! recorded it.

use super::journal::{Entry, RunInfo};
use crate::files::shown;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One shard's folder as read.
pub struct ShardRun {
    pub dir: PathBuf,
    pub info: RunInfo,
    pub entries: Vec<Entry>,
}

/// The whole run: its `run.json` and every match with the folder its replay is in.
pub struct Merged {
    pub info: RunInfo,
    /// In id order.
    pub entries: Vec<(Entry, PathBuf)>,
}

/// A folder as quoted in errors: its name may come from another machine, so it is made
/// safe for a terminal.
/// Most match ids an error lists.
const LISTED: usize = 10;

/// Checks and combines `shards`; the error is one line naming the folder and what to do.
pub fn merge(shards: Vec<ShardRun>) -> Result<Merged, String> {
    let first = shards.first().ok_or("give the shards' run folders")?;
    let count = shard_count(first)?;
    let mut by_index: BTreeMap<usize, &Path> = BTreeMap::new();
    for s in &shards {
        let here = shard_count(s)?;
        if here != count {
            return Err(format!(
                "{}: a shard of {here}, but {} is a shard of {count}; merge the shards of one cut",
                shown(&s.dir),
                shown(&first.dir)
            ));
        }
        if !s.info.same_tournament(&first.info) {
            return Err(format!(
                "{}: not a shard of the same run as {} ({} differs); merge shards of one tournament, seed and bot files",
                shown(&s.dir),
                shown(&first.dir),
                differing(&s.info, &first.info)
            ));
        }
        let index = s.info.shard.map_or(0, |sh| sh.index);
        if let Some(other) = by_index.insert(index, &s.dir) {
            return Err(format!(
                "{} and {} are both shard {index}/{count}; give each shard once",
                shown(other),
                shown(&s.dir)
            ));
        }
    }
    let whole = RunInfo {
        shard: None,
        started: shards
            .iter()
            .map(|s| s.info.started.clone())
            .min()
            .unwrap_or_default(),
        ..first.info.clone()
    };
    let plan = whole.plan(&[]);
    let mut found: BTreeMap<usize, (Entry, PathBuf)> = BTreeMap::new();
    for s in &shards {
        for e in &s.entries {
            if let Some((_, other)) = found.insert(e.id, (e.clone(), s.dir.clone())) {
                return Err(format!(
                    "match #{} is in both {} and {}; shards never overlap, so one of them is not what it says",
                    e.id + 1,
                    shown(&other),
                    shown(&s.dir)
                ));
            }
        }
    }
    let missing: Vec<usize> = plan
        .matches
        .iter()
        .map(|m| m.id)
        .filter(|id| !found.contains_key(id))
        .collect();
    if !missing.is_empty() {
        return Err(missing_error(&missing, &plan.matches, count, &by_index));
    }
    Ok(Merged {
        info: RunInfo {
            matches: plan.total,
            ..whole
        },
        entries: found.into_values().collect(),
    })
}

fn shard_count(s: &ShardRun) -> Result<usize, String> {
    s.info.shard.map(|sh| sh.count).ok_or_else(|| {
        format!(
            "{}: not a shard's run folder (its run.json names no shard); merge folders written by run --shard",
            shown(&s.dir)
        )
    })
}

/// The first `run.json` field in which two runs differ.
fn differing(a: &RunInfo, b: &RunInfo) -> String {
    let (a, b) = (serde_json::to_value(a), serde_json::to_value(b));
    if let (Ok(serde_json::Value::Object(a)), Ok(serde_json::Value::Object(b))) = (a, b) {
        for (key, value) in &a {
            if !["started", "shard", "matches"].contains(&key.as_str()) && b.get(key) != Some(value)
            {
                return key.clone();
            }
        }
    }
    "run.json".into()
}

/// Which matches are missing, and from which shards.
fn missing_error(
    missing: &[usize],
    matches: &[super::schedule::Scheduled],
    count: usize,
    given: &BTreeMap<usize, &Path>,
) -> String {
    let owner = super::format::shard::assign(matches, count);
    let mut shards: BTreeMap<usize, usize> = BTreeMap::new();
    for id in missing {
        *shards
            .entry(owner.get(id).copied().unwrap_or(0))
            .or_default() += 1;
    }
    let ids: Vec<String> = missing
        .iter()
        .take(LISTED)
        .map(|id| format!("#{}", id + 1))
        .collect();
    let more = if missing.len() > LISTED { ", …" } else { "" };
    let whose: Vec<String> = shards
        .iter()
        .map(|(index, n)| match given.get(index) {
            Some(dir) => format!(
                "{n} of shard {index}/{count} ({} is unfinished: run it again, it resumes)",
                shown(dir)
            ),
            None => format!("{n} of shard {index}/{count} (no folder given)"),
        })
        .collect();
    format!(
        "{} matches missing: {}{more}; {}",
        missing.len(),
        ids.join(", "),
        whose.join("; ")
    )
}
