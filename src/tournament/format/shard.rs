//! Shards: a fixed schedule cut into `count` disjoint parts that together are the whole
//! of it, for running one tournament on many machines (Slurm job arrays, Kubernetes
//! Indexed Jobs, AWS Batch array jobs). Deterministic: every machine computes the same
//! cut from the schedule alone. A pair's games (both seatings) stay in one shard, and
//! shards are balanced by expected cost.

use super::plan::Plan;
use crate::tournament::schedule::Scheduled;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The environment variables a scheduler sets to a task's index, in the order read.
pub const INDEX_VARIABLES: [&str; 3] = [
    "SLURM_ARRAY_TASK_ID",
    "JOB_COMPLETION_INDEX",
    "AWS_BATCH_JOB_ARRAY_INDEX",
];

/// The most shards a run may be cut into.
pub const MAX_SHARDS: usize = 100_000;

/// Shard `index` (from 0) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// `I/N`, or `/N` with `I` from the scheduler's environment (`env` looks a variable
    /// up). The error is one line naming what to fix.
    pub fn parse(spec: &str, env: impl Fn(&str) -> Option<String>) -> Result<Shard, String> {
        // Quoted back in errors: made safe for a terminal first.
        let shown = crate::cage::sanitize(spec.as_bytes());
        let Some((index, count)) = spec.split_once('/') else {
            return Err(format!(
                "--shard {shown}: give I/N (shard I, from 0, of N), or /N to take I from the scheduler"
            ));
        };
        let count: usize = count
            .trim()
            .parse()
            .ok()
            .filter(|n| (1..=MAX_SHARDS).contains(n))
            .ok_or_else(|| {
                format!("--shard {shown}: N must be a whole number from 1 to {MAX_SHARDS}")
            })?;
        let index = if index.trim().is_empty() {
            from_environment(&env)?
        } else {
            index
                .trim()
                .parse()
                .map_err(|_| format!("--shard {shown}: I must be a whole number from 0"))?
        };
        if index >= count {
            return Err(format!(
                "--shard {index}/{count}: the index counts from 0, so it must be below {count}"
            ));
        }
        Ok(Shard { index, count })
    }

    /// Keeps this shard's matches of a fixed plan (ids unchanged).
    pub fn filter(&self, mut plan: Plan) -> Plan {
        let owner = assign(&plan.matches, self.count);
        plan.matches
            .retain(|m| owner.get(&m.id) == Some(&self.index));
        plan.total = plan.matches.len();
        plan
    }

    /// A folder name for this shard's run, e.g. `league-shard-2-of-8`.
    pub fn folder(&self, slug: &str) -> String {
        format!("{slug}-shard-{}-of-{}", self.index, self.count)
    }
}

/// `plan`, or the part of it `shard` plays.
pub fn part(shard: Option<Shard>, plan: Plan) -> Plan {
    match shard {
        Some(shard) => shard.filter(plan),
        None => plan,
    }
}

/// The task index from the first of [`INDEX_VARIABLES`] that is set.
fn from_environment(env: &impl Fn(&str) -> Option<String>) -> Result<usize, String> {
    for name in INDEX_VARIABLES {
        if let Some(value) = env(name) {
            return value.trim().parse().map_err(|_| {
                let value = crate::cage::sanitize(value.as_bytes());
                format!("{name}={value}: not a shard index (a whole number from 0)")
            });
        }
    }
    Err(format!(
        "--shard /N: no shard index in the environment ({}); give it as --shard I/N",
        INDEX_VARIABLES.join(", ")
    ))
}

/// Which shard plays each match (by id). Matches are grouped by the set of bots that
/// play them (a pair's games, both seatings, in one group; a seat group's likewise); the groups, largest first and then in schedule order,
/// each go to the shard with the least expected cost so far (the lowest index on a
/// tie). Every match of a tournament costs the same in expectation (one game, one
/// configuration), so a group's cost is its number of games.
pub fn assign(matches: &[Scheduled], count: usize) -> BTreeMap<usize, usize> {
    let mut groups: BTreeMap<Vec<usize>, Vec<usize>> = BTreeMap::new();
    let mut first_seen: BTreeMap<Vec<usize>, usize> = BTreeMap::new();
    for m in matches {
        let mut pair = m.seats.clone();
        pair.sort_unstable();
        groups.entry(pair.clone()).or_default().push(m.id);
        first_seen.entry(pair).or_insert(m.id);
    }
    let mut order: Vec<(Vec<usize>, usize)> = groups
        .iter()
        .map(|(p, ids)| (p.clone(), ids.len()))
        .collect();
    order.sort_by_key(|(pair, size)| (std::cmp::Reverse(*size), first_seen[pair]));
    let mut load = vec![0usize; count.max(1)];
    let mut owner = BTreeMap::new();
    for (pair, size) in order {
        let shard = (0..load.len()).min_by_key(|&s| (load[s], s)).unwrap_or(0);
        load[shard] += size;
        for &id in &groups[&pair] {
            owner.insert(id, shard);
        }
    }
    owner
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tournament::schedule::round_robin;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn shards_are_disjoint_cover_the_schedule_keep_pairs_together_and_balance() {
        for (bots, games, count) in [(4, 2, 3), (10, 2, 4), (7, 1, 3), (3, 4, 5), (30, 2, 8)] {
            let all = round_robin(bots, games, 7);
            let owner = assign(&all, count);
            assert_eq!(owner.len(), all.len());
            let mut covered = Vec::new();
            let mut sizes = Vec::new();
            for index in 0..count {
                let plan = Shard { index, count }.filter(Plan {
                    matches: all.clone(),
                    total: all.len(),
                    complete: true,
                    ..Plan::default()
                });
                assert_eq!(plan.total, plan.matches.len());
                sizes.push(plan.total);
                covered.extend(plan.matches.iter().map(|m| m.id));
            }
            covered.sort_unstable();
            let ids: Vec<usize> = all.iter().map(|m| m.id).collect();
            assert_eq!(covered, ids, "disjoint and complete");
            for m in &all {
                let twin = all.iter().find(|o| o.seats == [m.seats[1], m.seats[0]]);
                if let Some(twin) = twin {
                    assert_eq!(owner[&m.id], owner[&twin.id], "a pair stays together");
                }
            }
            let pairs = bots * (bots - 1) / 2;
            let (lo, hi) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
            // At most one pair's games apart (with fewer pairs than shards, some are empty).
            assert!(hi - lo <= games as usize, "{sizes:?}");
            if pairs >= count {
                assert!(*lo > 0, "{sizes:?}");
            }
        }
    }

    #[test]
    fn the_index_comes_from_the_argument_or_the_schedulers_environment() {
        let none = env(&[]);
        assert_eq!(Shard::parse("2/5", &none), Ok(Shard { index: 2, count: 5 }));
        let slurm = env(&[("SLURM_ARRAY_TASK_ID", "3"), ("JOB_COMPLETION_INDEX", "1")]);
        assert_eq!(Shard::parse("/4", &slurm), Ok(Shard { index: 3, count: 4 }));
        let k8s = env(&[
            ("JOB_COMPLETION_INDEX", "1"),
            ("AWS_BATCH_JOB_ARRAY_INDEX", "0"),
        ]);
        assert_eq!(Shard::parse("/4", &k8s), Ok(Shard { index: 1, count: 4 }));
        let aws = env(&[("AWS_BATCH_JOB_ARRAY_INDEX", "0")]);
        assert_eq!(Shard::parse("/2", &aws), Ok(Shard { index: 0, count: 2 }));
        for (spec, vars, says) in [
            ("/4", &[][..], "no shard index in the environment"),
            (
                "/4",
                &[("SLURM_ARRAY_TASK_ID", "x")][..],
                "SLURM_ARRAY_TASK_ID=x",
            ),
            ("4/4", &[][..], "must be below 4"),
            ("/0", &[][..], "N must be a whole number from 1"),
            ("3", &[][..], "give I/N"),
            ("-1/3", &[][..], "I must be a whole number"),
            // Escape codes from an argument or the environment reach no terminal.
            ("\x1b[2J/3", &[][..], "--shard \\x1b[2J/3: I must be"),
            (
                "/3",
                &[("JOB_COMPLETION_INDEX", "\x1b]0;x\x07")][..],
                "JOB_COMPLETION_INDEX=\\x1b]0;x\\x07:",
            ),
        ] {
            let err = Shard::parse(spec, env(vars)).unwrap_err();
            assert!(err.contains(says), "{spec}: {err}");
            assert!(!err.contains('\n'));
        }
    }
}
