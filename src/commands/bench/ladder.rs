//! A ladder's batch when one version arrives, with 30, 100 and 300 versions already in
//! it: how many games the new version plays under `games_per_version` and under the
//! round robin (every pair), and what the runner spends besides the games — planning
//! after every result, and the standings' fit at the batch's end. Games are simulated
//! (a version's strength is its index, with a seeded coin for upsets): the figures are
//! the schedule's, not a game's; multiply the games by a match's time (the throughput
//! rows) for the batch's wall time.

use crate::game::{Outcome, SplitMix64};
use crate::tournament::format::simulate::{play_out, standings};
use crate::tournament::format::Format;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Entrants already in the ladder.
pub(super) const SIZES: [usize; 3] = [30, 100, 300];
/// The budget measured (the docs' example).
pub(super) const BUDGET: u32 = 20;
/// Jobs, as the runner's on this machine's two cores.
const JOBS: usize = 2;

pub(super) struct LadderRow {
    pub(super) entrants: usize,
    /// Games the new version's batch played with `games_per_version`.
    pub(super) games: usize,
    /// The same with every pair playing two games.
    pub(super) round_robin_games: usize,
    /// Planning after every result, over the batch.
    pub(super) planning: Duration,
    /// The standings (the Bradley–Terry fit over the active versions), once.
    pub(super) standings: Duration,
}

/// The stronger (higher) version wins three games in four.
fn result(id: usize, seats: &[usize]) -> Outcome {
    let upset = SplitMix64::new(id as u64 ^ 0xBE_4C11).next_u64() % 4 == 0;
    match (seats[0] > seats[1]) != upset {
        true => Outcome::Win,
        false => Outcome::Loss,
    }
}

pub(super) fn measure() -> Result<Vec<LadderRow>, String> {
    SIZES
        .iter()
        .map(|&n| {
            let ladder = |active: Vec<usize>, budget: Option<u32>| Format::Ladder {
                active,
                games_per_version: budget,
            };
            let mut done = Vec::new();
            // The ladder as it stands (built fast: its cost is not what is measured).
            let before = ladder((0..n).collect(), Some(BUDGET));
            play_out(&before, n, &mut done, 256, false, &result)?;
            let all = ladder((0..=n).collect(), Some(BUDGET));
            let batch = play_out(&all, n + 1, &mut done, JOBS, false, &result)?;
            let start = Instant::now();
            let _ = standings(&all, n + 1, &done);
            let standings = start.elapsed();
            Ok(LadderRow {
                entrants: n,
                games: batch.games,
                round_robin_games: 2 * n,
                planning: batch.planning,
                standings,
            })
        })
        .collect()
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e4).round() / 10.0
}

pub(super) fn json(rows: &[LadderRow]) -> Value {
    json!({
        "games_per_version": BUDGET,
        "rows": rows.iter().map(|r| json!({
            "entrants": r.entrants,
            "games": r.games,
            "round_robin_games": r.round_robin_games,
            "planning_ms": ms(r.planning),
            "standings_ms": ms(r.standings),
        })).collect::<Vec<_>>(),
    })
}

pub(super) fn table(rows: &[LadderRow]) {
    say!(
        "\n{:<40} {:>8} {:>10} {:>10} {:>11}",
        format!("ladder: one new version, games_per_version {BUDGET}"),
        "games",
        "every pair",
        "plan ms",
        "standings ms"
    );
    for r in rows {
        say!(
            "{:<40} {:>8} {:>10} {:>10.1} {:>11.1}",
            format!("  {} versions already in", r.entrants),
            r.games,
            r.round_robin_games,
            ms(r.planning),
            ms(r.standings)
        );
    }
}
