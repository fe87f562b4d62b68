//! Swiss by groups, for matches of more than two seats: round 1 cuts a seeded shuffle of
//! the bots into groups of N; each later round, once the previous one is finished, sorts
//! the bots by points (the default points by place; byes count as a win) and cuts that
//! order into groups of N, so bots of like score meet. When the bots do not divide into
//! groups, the lowest-placed ones without a bye yet sit the round out with a bye. Within
//! a group the seats rotate one place a game, the N games of a rotation sharing a seed.

use super::plan::Plan;
use crate::tournament::journal::record::Entry;
use crate::tournament::schedule::{match_seed, Scheduled};
use std::collections::HashMap;

pub fn plan(bots: usize, games: u32, seed: u64, rounds: u32, seats: usize, done: &[Entry]) -> Plan {
    let finished: HashMap<usize, &Entry> = done.iter().map(|e| (e.id, e)).collect();
    let initial = super::swiss::shuffled(bots, seed);
    let groups_per_round = bots / seats;
    let mut plan = Plan {
        total: rounds as usize * groups_per_round * games as usize,
        ..Plan::default()
    };
    let mut group_index = 0;
    for round in 0..rounds {
        if round > 0 && !plan.matches.iter().all(|m| finished.contains_key(&m.id)) {
            return plan;
        }
        let mut order = if round == 0 {
            initial.clone()
        } else {
            super::swiss::by_points(&plan, &finished, &initial)
        };
        // Byes for those left over: the lowest placed without one yet.
        for _ in 0..bots % seats {
            super::swiss::take_bye(&mut plan, &mut order);
        }
        for group in order.chunks(seats) {
            for game in 0..games as usize {
                let mut at = group.to_vec();
                at.rotate_left(game % seats);
                plan.matches.push(Scheduled {
                    id: plan.matches.len(),
                    seats: at,
                    seed: match_seed(seed, group_index, game / seats),
                });
            }
            group_index += 1;
        }
    }
    plan.complete = true;
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::Outcome;

    /// Finishes every planned match: the lower bot index places ahead.
    fn play(plan: &Plan, done: &mut Vec<Entry>) {
        for m in &plan.matches {
            if done.iter().any(|d| d.id == m.id) {
                continue;
            }
            let mut e = Entry::test_entry(m.id, &m.seats[..2], m.seed, Outcome::Draw);
            e.seats = m.seats.clone();
            e.names = vec![String::new(); m.seats.len()];
            e.faults = vec![None; m.seats.len()];
            e.scores = m.seats.iter().map(|&b| Some(-(b as f64))).collect();
            let best = *m.seats.iter().min().unwrap();
            e.outcomes = m
                .seats
                .iter()
                .map(|&b| {
                    if b == best {
                        Outcome::Win
                    } else {
                        Outcome::Loss
                    }
                })
                .collect();
            done.push(e);
        }
    }

    #[test]
    fn rounds_group_bots_of_like_score_and_leftovers_get_byes() {
        let mut done = Vec::new();
        let mut plan = plan(10, 3, 4, 3, 3, &done);
        assert_eq!(plan.total, 3 * 3 * 3, "3 groups of 3 a round, 3 games each");
        assert_eq!(plan.matches.len(), 9, "only round 1 before any result");
        assert_eq!(plan.byes.len(), 1);
        for _ in 0..3 {
            play(&plan, &mut done);
            plan = super::plan(10, 3, 4, 3, 3, &done);
        }
        assert!(plan.complete);
        assert_eq!(plan.matches.len(), 27);
        let byes: std::collections::HashSet<usize> = plan.byes.iter().copied().collect();
        assert_eq!(byes.len(), 3, "a different bot sits out each round");
        // Round 3's first group: the three best so far (bots 0, 1, 2 win their groups).
        let last_round = &plan.matches[18..];
        let mut first: Vec<usize> = last_round[0].seats.clone();
        first.sort_unstable();
        assert!(first.contains(&0), "{first:?}");
        // Seats rotate within a group; one seed per rotation.
        assert_eq!(last_round[1].seats[2], last_round[0].seats[0]);
        assert_eq!(last_round[0].seed, last_round[2].seed);
        assert_eq!(
            super::plan(10, 3, 4, 3, 3, &done),
            plan,
            "a function of the journal"
        );
    }
}
