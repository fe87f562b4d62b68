//! A living ladder's schedule: every pair of active versions plays; the ids of a pair's
//! games never change as versions are added or retired.

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
