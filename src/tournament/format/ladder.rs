//! A living ladder's schedule: every pair of active versions plays; the ids of a pair's
//! games never change as versions are added or retired. With more than two seats, each
//! version plays a fixed number of groups instead ([`plan_groups`]).

use super::plan::{fixed, pairing_games, Plan};
use crate::tournament::journal::record::Entry;
use crate::tournament::schedule::Scheduled;
use std::collections::BTreeSet;

/// A ladder's pair of versions `i < j` has the number `j(j−1)/2 + i`: stable as
/// versions are added, so a match's id never changes.
pub fn ladder_pair(i: usize, j: usize) -> usize {
    j * (j - 1) / 2 + i
}

/// The versions of ladder pair number `p` (the inverse of [`ladder_pair`]).
pub fn ladder_versions(p: usize) -> (usize, usize) {
    let mut j = (((8 * p + 1) as f64).sqrt() as usize).div_ceil(2);
    while ladder_pair(0, j) > p {
        j -= 1;
    }
    while ladder_pair(0, j + 1) <= p {
        j += 1;
    }
    (p - ladder_pair(0, j), j)
}

/// The games of ladder pair `p`, ids `p·games ..`, seats swapping game by game.
fn ladder_games(p: usize, games: u32, seed: u64) -> Vec<Scheduled> {
    let (i, j) = ladder_versions(p);
    pairing_games(p, [i, j], games, p * games as usize, seed)
}

/// Every pair of active versions plays; games of pairs with a retired version stay
/// planned only where they were played (the journal holds them).
pub fn plan(active: &[usize], games: u32, seed: u64, done: &[Entry]) -> Plan {
    let mut pairs: BTreeSet<usize> = BTreeSet::new();
    for (n, &a) in active.iter().enumerate() {
        for &b in &active[n + 1..] {
            pairs.insert(ladder_pair(a.min(b), a.max(b)));
        }
    }
    let played: BTreeSet<usize> = done.iter().map(|e| e.id).collect();
    let mut matches: Vec<Scheduled> = pairs
        .iter()
        .flat_map(|&p| ladder_games(p, games, seed))
        .collect();
    let retired: BTreeSet<usize> = played
        .iter()
        .map(|&id| id / games.max(1) as usize)
        .filter(|p| !pairs.contains(p))
        .collect();
    for p in retired {
        let kept = ladder_games(p, games, seed).into_iter();
        matches.extend(kept.filter(|m| played.contains(&m.id)));
    }
    matches.sort_by_key(|m| m.id);
    matches.dedup_by_key(|m| m.id);
    // The retired versions' games count too: they are in the journal.
    fixed(matches)
}

/// Groups each version of a free-for-all ladder plays (with `games` games each).
pub const GROUPS_PER_VERSION: usize = 8;

/// A free-for-all ladder (`seats` > 2): version `v` plays [`GROUPS_PER_VERSION`] groups,
/// each `v` with `seats − 1` other active versions drawn from the seed (group `k`'s
/// games have the ids `((v·G + k)·games ..`, so they never change as versions come and
/// go). A game already played stays planned as the journal has it (its draw was made
/// among the versions active then); an unplayed one is drawn among the versions active
/// now, and is not planned while fewer than `seats − 1` others are active. A journal
/// line whose seats could not be such a group is left out of the plan (and so refused
/// by the journal's check).
pub fn plan_groups(
    active: &[usize],
    versions: usize,
    seats: usize,
    games: u32,
    seed: u64,
    done: &[Entry],
) -> Plan {
    let games = games.max(1) as usize;
    let block = GROUPS_PER_VERSION * games;
    let mut matches: Vec<Scheduled> = Vec::new();
    let mut played: BTreeSet<usize> = BTreeSet::new();
    for e in done {
        let v = e.id / block;
        let mut distinct = e.seats.clone();
        distinct.sort_unstable();
        distinct.dedup();
        let plausible = v < versions
            && e.seats.len() == seats
            && distinct.len() == seats
            && e.seats.contains(&v)
            && e.seats.iter().all(|&b| b < versions);
        if plausible && played.insert(e.id) {
            matches.push(Scheduled {
                id: e.id,
                seats: e.seats.clone(),
                seed: group_seed(seed, e.id, games, seats),
            });
        }
    }
    for &v in active {
        let others: Vec<usize> = active.iter().copied().filter(|&b| b != v).collect();
        if others.len() + 1 < seats {
            continue;
        }
        for k in 0..GROUPS_PER_VERSION {
            let group = draw(&others, seats - 1, seed, v * GROUPS_PER_VERSION + k);
            for g in 0..games {
                let id = (v * GROUPS_PER_VERSION + k) * games + g;
                if played.contains(&id) {
                    continue;
                }
                let mut at = vec![v];
                at.extend(&group);
                at.rotate_left(g % seats);
                matches.push(Scheduled {
                    id,
                    seats: at,
                    seed: group_seed(seed, id, games, seats),
                });
            }
        }
    }
    matches.sort_by_key(|m| m.id);
    fixed(matches)
}

/// The seed of game `id`: the games of one rotation of one group share it.
fn group_seed(seed: u64, id: usize, games: usize, seats: usize) -> u64 {
    crate::tournament::schedule::match_seed(seed, id / games, (id % games) / seats)
}

/// `n` of `pool`, drawn from the seed and the group's number (a partial shuffle).
fn draw(pool: &[usize], n: usize, seed: u64, group: usize) -> Vec<usize> {
    let mut rng = crate::game::SplitMix64::new(
        seed ^ 0x1ADD_E500_0000_0000 ^ (group as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
    );
    let mut pool = pool.to_vec();
    for i in 0..n.min(pool.len()) {
        let j = i + (rng.next_u64() % (pool.len() - i) as u64) as usize;
        pool.swap(i, j);
    }
    pool.truncate(n);
    pool
}

#[cfg(test)]
mod group_tests {
    use super::*;
    use crate::game::Outcome;

    fn finish(plan: &Plan) -> Vec<Entry> {
        plan.matches
            .iter()
            .map(|m| {
                let mut e = Entry::test_entry(m.id, &m.seats[..2], m.seed, Outcome::Draw);
                e.seats = m.seats.clone();
                e
            })
            .collect()
    }

    #[test]
    fn each_version_plays_its_groups_and_played_games_never_move() {
        let five = plan_groups(&[0, 1, 2, 3, 4], 5, 3, 3, 9, &[]);
        assert_eq!(five.total, 5 * GROUPS_PER_VERSION * 3);
        assert!(five.matches.iter().all(|m| m.seats.len() == 3));
        assert!(five
            .matches
            .iter()
            .all(|m| m.seats.contains(&(m.id / (GROUPS_PER_VERSION * 3)))));
        // Version 5 joins: only its own block is new; the rest is as planned.
        let done = finish(&five);
        let six = plan_groups(&[0, 1, 2, 3, 4, 5], 6, 3, 3, 9, &done);
        assert_eq!(six.total, 6 * GROUPS_PER_VERSION * 3);
        assert_eq!(six.matches[..five.matches.len()], five.matches[..]);
        // Version 1 retires: its played games stay, nothing new of it is planned.
        let seven = plan_groups(&[0, 2, 3, 4, 5, 6], 7, 3, 3, 9, &finish(&six));
        let new: Vec<&Scheduled> = seven.matches.iter().filter(|m| m.id >= six.total).collect();
        assert_eq!(new.len(), GROUPS_PER_VERSION * 3);
        assert!(new.iter().all(|m| !m.seats.contains(&1)));
        // A forged line (a group without its version) is left out of the plan.
        let mut forged = finish(&five);
        forged[0].seats = vec![2, 3, 4];
        let plan = plan_groups(&[0, 1, 2, 3, 4], 5, 3, 3, 9, &forged);
        let m0 = plan.matches.iter().find(|m| m.id == 0).unwrap();
        assert_ne!(m0.seats, forged[0].seats);
    }
}
