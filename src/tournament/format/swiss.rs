//! Swiss pairing. Round 1 pairs a seeded shuffle of the bots (top half against bottom
//! half); each later round, once the previous one is finished, sorts the bots by points
//! (byes count as a win) and pairs each unpaired bot with the nearest one below it that
//! it has not met, backtracking when that leaves someone without a partner. With an odd
//! number of bots the lowest-placed bot without a bye yet sits out with a bye. The
//! higher-placed bot of a pairing takes seat 1 in its first game unless it already sat
//! first more often; games then alternate seats.

use super::plan::{pairing_games, points_of, Plan};
use crate::game::SplitMix64;
use crate::tournament::journal::record::Entry;
use crate::tournament::schedule::Scheduled;
use std::collections::{HashMap, HashSet};

/// Pairing attempts before giving up on avoiding a repeated pairing (the search is
/// exponential in the worst case; real fields pair in a few steps).
const SEARCH_STEPS: usize = 200_000;

pub fn plan(bots: usize, games: u32, seed: u64, rounds: u32, done: &[Entry]) -> Plan {
    let finished: HashMap<usize, &Entry> = done.iter().map(|e| (e.id, e)).collect();
    let initial = shuffled(bots, seed);
    let mut plan = Plan {
        total: rounds as usize * (bots / 2) * games as usize,
        ..Plan::default()
    };
    let mut met: HashSet<(usize, usize)> = HashSet::new();
    let mut first_seats = vec![0u32; bots];
    let mut pairings = 0;
    for round in 0..rounds {
        if round > 0 && !plan.matches.iter().all(|m| finished.contains_key(&m.id)) {
            return plan;
        }
        let mut order = if round == 0 {
            fold(&initial)
        } else {
            by_points(&plan, &finished, &initial)
        };
        if order.len() % 2 == 1 {
            take_bye(&mut plan, &mut order);
        }
        for [a, b] in pair(&order, &met) {
            met.insert((a.min(b), a.max(b)));
            // The higher-placed bot sits first unless it has sat first more often.
            let seats = if first_seats[a] <= first_seats[b] {
                [a, b]
            } else {
                [b, a]
            };
            first_seats[seats[0]] += games.div_ceil(2);
            first_seats[seats[1]] += games / 2;
            let first = plan.matches.len();
            let new: Vec<Scheduled> = pairing_games(pairings, seats, games, first, seed);
            plan.matches.extend(new);
            pairings += 1;
        }
    }
    plan.complete = true;
    plan
}

/// The bots by the points of the matches planned so far (all finished; byes count as a
/// win), then by the seeded starting order `initial`.
pub(super) fn by_points(
    plan: &Plan,
    finished: &HashMap<usize, &Entry>,
    initial: &[usize],
) -> Vec<usize> {
    let mut points = vec![0.0; initial.len()];
    for m in &plan.matches {
        let e = finished[&m.id];
        for &b in &e.seats {
            points[b] += points_of(e, b);
        }
    }
    for &b in &plan.byes {
        points[b] += 1.0;
    }
    let place: HashMap<usize, usize> = initial.iter().enumerate().map(|(i, &b)| (b, i)).collect();
    let mut order = initial.to_vec();
    order.sort_by(|a, b| {
        points[*b]
            .total_cmp(&points[*a])
            .then(place[a].cmp(&place[b]))
    });
    order
}

/// Takes a bye out of `order` for the lowest-placed bot without one yet (the last bot
/// when every bot has had one) and records it in the plan.
pub(super) fn take_bye(plan: &mut Plan, order: &mut Vec<usize>) {
    let bye = order
        .iter()
        .rposition(|b| !plan.byes.contains(b))
        .unwrap_or(order.len() - 1);
    plan.byes.push(order.remove(bye));
}

/// The bots in a seeded random order (the starting order, since bots have no rating).
pub(super) fn shuffled(bots: usize, seed: u64) -> Vec<usize> {
    let mut rng = SplitMix64::new(seed ^ 0x5157_1555_0000_0001);
    let mut order: Vec<usize> = (0..bots).collect();
    for i in (1..bots).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    order
}

/// Round 1: the top half meets the bottom half (1 v n/2+1, 2 v n/2+2, …), as Swiss
/// tournaments start; `pair` then takes neighbours.
fn fold(order: &[usize]) -> Vec<usize> {
    let half = order.len().div_ceil(2);
    let (top, bottom) = order.split_at(half);
    let mut out = Vec::with_capacity(order.len());
    for (i, &a) in top.iter().enumerate() {
        out.push(a);
        out.extend(bottom.get(i));
    }
    out
}

/// Pairs `order` (even length) top-down, each with the nearest unmet bot below it,
/// backtracking; falls back to neighbours (repeats allowed) when no such pairing exists
/// or the search runs long.
fn pair(order: &[usize], met: &HashSet<(usize, usize)>) -> Vec<[usize; 2]> {
    let mut steps = 0;
    let mut used = vec![false; order.len()];
    let mut out = Vec::new();
    if search(order, met, &mut used, &mut out, &mut steps) {
        return out;
    }
    order.chunks(2).map(|c| [c[0], c[1]]).collect()
}

fn search(
    order: &[usize],
    met: &HashSet<(usize, usize)>,
    used: &mut [bool],
    out: &mut Vec<[usize; 2]>,
    steps: &mut usize,
) -> bool {
    let Some(i) = used.iter().position(|u| !u) else {
        return true;
    };
    used[i] = true;
    for j in i + 1..order.len() {
        *steps += 1;
        if used[j] || *steps > SEARCH_STEPS {
            continue;
        }
        let (a, b) = (order[i], order[j]);
        if met.contains(&(a.min(b), a.max(b))) {
            continue;
        }
        used[j] = true;
        out.push([a, b]);
        if search(order, met, used, out, steps) {
            return true;
        }
        out.pop();
        used[j] = false;
    }
    used[i] = false;
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::Outcome;

    /// Finishes every planned match: the lower bot index wins (a strict order).
    fn play(plan: &Plan) -> Vec<Entry> {
        plan.matches
            .iter()
            .map(|m| {
                let first_wins = m.seats[0] < m.seats[1];
                Entry::test_entry(
                    m.id,
                    &m.seats,
                    m.seed,
                    if first_wins {
                        Outcome::Win
                    } else {
                        Outcome::Loss
                    },
                )
            })
            .collect()
    }

    fn run(bots: usize, games: u32, rounds: u32, seed: u64) -> (Plan, Vec<Entry>) {
        let mut done = Vec::new();
        loop {
            let plan = plan(bots, games, seed, rounds, &done);
            let new: Vec<Entry> = play(&plan)
                .into_iter()
                .filter(|e| !done.iter().any(|d: &Entry| d.id == e.id))
                .collect();
            if plan.complete && new.is_empty() {
                return (plan, done);
            }
            done.extend(new);
        }
    }

    #[test]
    fn no_pairing_repeats_byes_rotate_and_the_seed_fixes_everything() {
        for bots in [4usize, 5, 7, 8, 9] {
            for rounds in 1..bots.min(6) as u32 {
                let (plan, done) = run(bots, 2, rounds, 11);
                let pairs_per_round = bots / 2;
                assert_eq!(plan.matches.len(), rounds as usize * pairs_per_round * 2);
                assert_eq!(plan.total, plan.matches.len());
                assert_eq!(done.len(), plan.matches.len());
                let mut seen = HashSet::new();
                for pairing in plan.matches.chunks(2) {
                    let (a, b) = (pairing[0].seats[0], pairing[0].seats[1]);
                    assert_eq!(pairing[1].seats, [b, a], "seats swapped within a pairing");
                    assert!(
                        seen.insert((a.min(b), a.max(b))),
                        "{bots} bots, {rounds} rounds: {a}-{b} twice"
                    );
                }
                if bots % 2 == 1 {
                    assert_eq!(plan.byes.len(), rounds as usize);
                    let unique: HashSet<_> = plan.byes.iter().collect();
                    assert_eq!(unique.len(), plan.byes.len(), "no second bye");
                } else {
                    assert!(plan.byes.is_empty());
                }
                assert_eq!(run(bots, 2, rounds, 11).0, plan, "deterministic");
            }
        }
        assert_ne!(run(8, 2, 3, 1).0.matches, run(8, 2, 3, 2).0.matches);
    }

    #[test]
    fn later_rounds_wait_for_the_round_before_and_pair_equal_scores() {
        let first = plan(8, 1, 4, 3, &[]);
        assert!(!first.complete);
        assert_eq!(first.matches.len(), 4, "only round 1 is known");
        let done = play(&first);
        let second = plan(8, 1, 4, 3, &done[..3]);
        assert_eq!(
            second.matches.len(),
            4,
            "round 1 not finished: still only round 1"
        );
        let second = plan(8, 1, 4, 3, &done);
        assert_eq!(second.matches.len(), 8);
        assert_eq!(second.matches[..4], first.matches[..], "ids stay");
        // Round 2 pairs winners with winners.
        let winners: HashSet<usize> = done
            .iter()
            .map(|e| {
                if e.outcomes[0] == Outcome::Win {
                    e.seats[0]
                } else {
                    e.seats[1]
                }
            })
            .collect();
        for m in &second.matches[4..] {
            let (a, b) = (m.seats[0], m.seats[1]);
            assert_eq!(winners.contains(&a), winners.contains(&b), "{a} and {b}");
        }
    }
}
