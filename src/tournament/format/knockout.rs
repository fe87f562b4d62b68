//! Single elimination. Bots are placed in a bracket by seed as tennis and chess place
//! them (1 and 2 can only meet in the final; with fewer bots than the bracket's size the
//! top seeds get byes). A pairing is a mini-match of `games_per_pair` games; level on
//! points, it plays extra seat-swapped pairs of games, one pair at a time, up to
//! `tiebreak_pairs`; still level, the higher seed goes through. A pairing is scheduled
//! as soon as both its bots are known.
//!
//! Ids: pairing `t` (numbered round by round, top of the bracket first) owns the ids
//! `t·block .. (t+1)·block` with `block = games_per_pair + 2·tiebreak_pairs`, so a
//! match's id never depends on when the results that led to it came in.

use super::plan::{pairing_games, points_of, Plan};
use crate::tournament::journal::record::Entry;
use crate::tournament::schedule::{match_seed, Scheduled};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Slot {
    Bot(usize),
    /// A bye: nobody.
    Empty,
    /// Not decided yet.
    Pending,
}

/// Seed numbers (0 = top seed) in bracket order for a bracket of `size` (a power of 2):
/// [0, 1] → [0, 3, 1, 2] → [0, 7, 3, 4, 1, 6, 2, 5] …
pub fn bracket(size: usize) -> Vec<usize> {
    let mut order = vec![0];
    while order.len() < size {
        let n = order.len() * 2;
        order = order.iter().flat_map(|&s| [s, n - 1 - s]).collect();
    }
    order
}

pub fn plan(seeds: &[usize], games: u32, seed: u64, tiebreak_pairs: u32, done: &[Entry]) -> Plan {
    let bots = seeds.len();
    let finished: HashMap<usize, &Entry> = done.iter().map(|e| (e.id, e)).collect();
    let size = bots.next_power_of_two().max(2);
    let block = games as usize + 2 * tiebreak_pairs as usize;
    let seed_of: HashMap<usize, usize> = seeds.iter().enumerate().map(|(s, &b)| (b, s)).collect();
    let mut slots: Vec<Slot> = bracket(size)
        .into_iter()
        .map(|s| seeds.get(s).map_or(Slot::Empty, |&b| Slot::Bot(b)))
        .collect();
    let mut plan = Plan::default();
    let mut stage = vec![0u32; bots];
    let mut tie = 0;
    let mut round = 0;
    // Real pairings still to come after the known ones (for the total).
    let mut unknown = 0;
    while slots.len() > 1 {
        round += 1;
        let mut next = Vec::with_capacity(slots.len() / 2);
        for pair in slots.chunks(2) {
            let t = tie;
            tie += 1;
            let winner = match (pair[0], pair[1]) {
                (Slot::Bot(a), Slot::Empty) | (Slot::Empty, Slot::Bot(a)) => Slot::Bot(a),
                (Slot::Empty, Slot::Empty) => Slot::Empty,
                (Slot::Bot(a), Slot::Bot(b)) => {
                    let higher = if seed_of[&a] < seed_of[&b] { a } else { b };
                    let lower = if higher == a { b } else { a };
                    decide(
                        &mut plan,
                        &finished,
                        [higher, lower],
                        t * block,
                        (games, tiebreak_pairs),
                        (t, seed),
                    )
                }
                _ => {
                    unknown += 1;
                    Slot::Pending
                }
            };
            if let Slot::Bot(w) = winner {
                stage[w] = round;
            }
            next.push(winner);
        }
        slots = next;
    }
    if let Slot::Bot(champion) = slots[0] {
        stage[champion] = round + 1;
        plan.complete = true;
    }
    plan.matches.sort_by_key(|m| m.id);
    plan.total = plan.matches.len() + unknown * games as usize;
    plan.stage = Some(stage);
    plan
}

/// Schedules one pairing's games as far as they are known and says who went through.
fn decide(
    plan: &mut Plan,
    finished: &HashMap<usize, &Entry>,
    [higher, lower]: [usize; 2],
    first: usize,
    (games, tiebreak_pairs): (u32, u32),
    (index, seed): (usize, u64),
) -> Slot {
    let mut planned: Vec<Scheduled> = pairing_games(index, [higher, lower], games, first, seed);
    let mut extra = 0;
    let outcome = loop {
        let played: Option<Vec<&Entry>> = planned
            .iter()
            .map(|m| finished.get(&m.id).copied())
            .collect();
        let Some(played) = played else {
            break Slot::Pending;
        };
        let (h, l) = played.iter().fold((0.0, 0.0), |(h, l), e| {
            (h + points_of(e, higher), l + points_of(e, lower))
        });
        if h != l {
            break Slot::Bot(if h > l { higher } else { lower });
        }
        if extra == tiebreak_pairs {
            break Slot::Bot(higher);
        }
        // Level: one more seat-swapped pair, with a seed of its own.
        let pair_seed = match_seed(seed, index, games.div_ceil(2) as usize + extra as usize);
        let id = first + planned.len();
        for (k, seats) in [[higher, lower], [lower, higher]].into_iter().enumerate() {
            planned.push(Scheduled {
                id: id + k,
                seats: seats.to_vec(),
                seed: pair_seed,
            });
        }
        extra += 1;
    };
    plan.matches.extend(planned);
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::Outcome;
    use std::collections::HashSet;

    #[test]
    fn brackets_keep_the_top_seeds_apart() {
        assert_eq!(bracket(2), [0, 1]);
        assert_eq!(bracket(4), [0, 3, 1, 2]);
        assert_eq!(bracket(8), [0, 7, 3, 4, 1, 6, 2, 5]);
        let b = bracket(16);
        let first_half: HashSet<_> = b[..8].iter().collect();
        assert!(
            first_half.contains(&0) && !first_half.contains(&1),
            "1 and 2 meet only in the final"
        );
    }

    /// Plays every planned match with `result(id, seats)` until the plan completes.
    fn run(
        seeds: &[usize],
        games: u32,
        tb: u32,
        result: impl Fn(usize, [usize; 2]) -> Outcome,
    ) -> (Plan, Vec<Entry>) {
        let mut done: Vec<Entry> = Vec::new();
        loop {
            let plan = plan(seeds, games, 9, tb, &done);
            let new: Vec<Entry> = plan
                .matches
                .iter()
                .filter(|m| !done.iter().any(|d| d.id == m.id))
                .map(|m| {
                    Entry::test_entry(
                        m.id,
                        &m.seats,
                        m.seed,
                        result(m.id, [m.seats[0], m.seats[1]]),
                    )
                })
                .collect();
            if new.is_empty() {
                return (plan, done);
            }
            done.extend(new);
        }
    }

    #[test]
    fn the_better_bot_wins_every_tie_and_byes_go_to_the_top_seeds() {
        // Five bots seeded 4, 3, 2, 1, 0 (bot 4 top); the lower index always wins.
        let seeds = [4, 3, 2, 1, 0];
        let (plan, done) = run(&seeds, 2, 1, |_, [a, b]| {
            if a < b {
                Outcome::Win
            } else {
                Outcome::Loss
            }
        });
        assert!(plan.complete);
        let stage = plan.stage.clone().unwrap();
        assert_eq!(
            stage.iter().enumerate().max_by_key(|(_, s)| **s).unwrap().0,
            0,
            "bot 0 wins"
        );
        // Bracket of 8, five bots: three byes, for seeds 1-3 (bots 4, 3, 2).
        let round1: HashSet<usize> = done
            .iter()
            .filter(|e| e.id < 4 * 4)
            .flat_map(|e| e.seats.clone())
            .collect();
        assert_eq!(
            round1,
            HashSet::from([1, 0]),
            "only seeds 4 and 5 play in round 1"
        );
        // 4 real pairings (5 bots), two games each, no tiebreaks needed.
        assert_eq!(done.len(), 4 * 2);
        assert_eq!(plan.total, done.len());
    }

    #[test]
    fn a_level_tie_plays_extra_pairs_then_the_higher_seed_goes_through() {
        let draws = |_: usize, _: [usize; 2]| Outcome::Draw;
        let (plan, done) = run(&[1, 0], 2, 2, draws);
        assert_eq!(done.len(), 2 + 4, "the mini-match and both extra pairs");
        assert_eq!(
            plan.stage.unwrap(),
            vec![0, 2],
            "bot 1, the top seed, goes through"
        );
        let ids: Vec<usize> = plan.matches.iter().map(|m| m.id).collect();
        assert_eq!(ids, [0, 1, 2, 3, 4, 5]);
        let seeds: HashSet<u64> = plan.matches.iter().map(|m| m.seed).collect();
        assert_eq!(seeds.len(), 3, "each seat-swapped pair has its own seed");
        // Decided by the first extra pair: no second one.
        let (_, done) = run(&[0, 1], 2, 2, |id, [a, _]| {
            if id < 2 {
                Outcome::Draw
            } else if a == 1 {
                Outcome::Win
            } else {
                Outcome::Draw
            }
        });
        assert_eq!(done.len(), 4);
    }
}
