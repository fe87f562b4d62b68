//! A format's plan played out without bots, as the runner plays it: up to `jobs`
//! matches at once, a new plan after every result, each result from `outcome`. For the
//! bench's ladder rows and the formats' tests: what a schedule costs, and whether a
//! started match keeps its seats in every later plan.

use super::Format;
use crate::game::Outcome;
use crate::tournament::journal::record::Entry;
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// What playing a plan out took.
pub struct PlayedOut {
    /// Matches played.
    pub games: usize,
    /// Time spent planning (after every result).
    pub planning: Duration,
}

/// Plays `format`'s plan for `versions` bots out from `done` (which grows), `jobs` at a
/// time; with `check`, each match is looked up again in a fresh plan before it is
/// recorded, and one that changed is an error.
pub fn play_out(
    format: &Format,
    versions: usize,
    done: &mut Vec<Entry>,
    jobs: usize,
    check: bool,
    outcome: &dyn Fn(usize, &[usize]) -> Outcome,
) -> Result<PlayedOut, String> {
    let (games_per_pair, seed) = (2, 7);
    let mut out = PlayedOut {
        games: 0,
        planning: Duration::ZERO,
    };
    let mut played: HashSet<usize> = done.iter().map(|e| e.id).collect();
    loop {
        let start = Instant::now();
        let plan = format.plan(versions, games_per_pair, seed, done);
        out.planning += start.elapsed();
        let open: Vec<_> = plan
            .matches
            .iter()
            .filter(|m| !played.contains(&m.id))
            .take(jobs.max(1))
            .cloned()
            .collect();
        if open.is_empty() {
            return match plan.complete {
                true => Ok(out),
                false => Err("nothing to play, yet the plan is not complete".into()),
            };
        }
        for m in open {
            if check {
                let again = format.plan(versions, games_per_pair, seed, done);
                if again.matches.iter().find(|x| x.id == m.id) != Some(&m) {
                    return Err(format!("match {} changed after it started", m.id));
                }
            }
            let result = outcome(m.id, &m.seats);
            done.push(Entry::test_entry(m.id, &m.seats, m.seed, result));
            played.insert(m.id);
            out.games += 1;
        }
    }
}

/// The standings after `done`, ranked by points (what the runner computes at a batch's
/// end).
pub fn standings(
    format: &Format,
    versions: usize,
    done: &[Entry],
) -> crate::tournament::results::Standings {
    let outcomes: Vec<_> = done.iter().map(Entry::outcomes).collect();
    let points = crate::tournament::results::standings::PlacePoints::default();
    format.plan(versions, 2, 7, done).standings(
        versions,
        &outcomes,
        (crate::game::Ranking::Points, &points),
        format,
    )
}
