//! Fixed schedules: every listed pair plays `games_per_pair` games, in pairs of games
//! that share a seed with the seats swapped (like colour-swapped chess openings). Rounds
//! go over all pairs before repeating, so standings are fair at any moment. A round robin
//! lists every pair; a gauntlet the named bots' pairs ([`super::format`]).

use crate::game::SplitMix64;
use serde::{Deserialize, Serialize};

/// One scheduled match: which bots (indexes into the tournament's list) sit where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scheduled {
    /// Position in the schedule; stable across runs of the same tournament.
    pub id: usize,
    /// `seats[0]` is seat 1.
    pub seats: [usize; 2],
    pub seed: u64,
}

/// Every match of a round robin among `bots` bots.
pub fn round_robin(bots: usize, games_per_pair: u32, seed: u64) -> Vec<Scheduled> {
    let pairs: Vec<(usize, usize)> = (0..bots)
        .flat_map(|a| (a + 1..bots).map(move |b| (a, b)))
        .collect();
    of_pairs(&pairs, games_per_pair, seed)
}

/// Every match of `pairs`, `games_per_pair` games each, ids from 0.
pub fn of_pairs(pairs: &[(usize, usize)], games_per_pair: u32, seed: u64) -> Vec<Scheduled> {
    let mut out = Vec::new();
    for game in 0..games_per_pair as usize {
        let swap_pair = game / 2;
        for (p, &(a, b)) in pairs.iter().enumerate() {
            // Games 2k and 2k+1 of a pair share a seed and swap seats. An odd last game
            // alternates its seating between pairs, so seat counts stay balanced.
            let swapped = if game % 2 == 1 {
                true
            } else if game + 1 == games_per_pair as usize && games_per_pair % 2 == 1 {
                p % 2 == 1
            } else {
                false
            };
            let seats = if swapped { [b, a] } else { [a, b] };
            out.push(Scheduled {
                id: out.len(),
                seats,
                seed: match_seed(seed, p, swap_pair),
            });
        }
    }
    out
}

/// The seed of the `k`-th pair of games of pair `p`.
pub fn match_seed(seed: u64, p: usize, k: usize) -> u64 {
    let mut rng = SplitMix64::new(seed);
    let a = rng.next_u64();
    let mut rng = SplitMix64::new(a ^ (p as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let b = rng.next_u64();
    SplitMix64::new(b ^ (k as u64).wrapping_mul(0xD1B5_4A32_D192_ED03)).next_u64() >> 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pair_plays_every_game_with_seats_swapped_in_pairs() {
        for bots in 2..7 {
            for gpp in 1..6u32 {
                let s = round_robin(bots, gpp, 42);
                let pairs = bots * (bots - 1) / 2;
                assert_eq!(s.len(), pairs * gpp as usize);
                assert!(s.iter().enumerate().all(|(i, m)| m.id == i));
                for a in 0..bots {
                    for b in a + 1..bots {
                        let games: Vec<_> = s
                            .iter()
                            .filter(|m| m.seats.contains(&a) && m.seats.contains(&b))
                            .collect();
                        assert_eq!(games.len(), gpp as usize, "{a} vs {b}");
                        let a_first = games.iter().filter(|m| m.seats[0] == a).count() as i64;
                        let diff = (2 * a_first - gpp as i64).abs();
                        assert!(
                            diff <= 1,
                            "seats unbalanced for {a}-{b}: {a_first} of {gpp}"
                        );
                        // Games 2k and 2k+1 share a seed with the seats swapped.
                        for k in 0..(gpp as usize / 2) {
                            let (x, y) = (games[2 * k], games[2 * k + 1]);
                            assert_eq!(x.seed, y.seed);
                            assert_eq!(x.seats, [y.seats[1], y.seats[0]]);
                        }
                    }
                }
                if gpp % 2 == 0 {
                    for bot in 0..bots {
                        let first = s.iter().filter(|m| m.seats[0] == bot).count();
                        let second = s.iter().filter(|m| m.seats[1] == bot).count();
                        assert_eq!(first, second, "bot {bot} seat balance");
                    }
                }
            }
        }
        assert_eq!(round_robin(4, 2, 1), round_robin(4, 2, 1), "deterministic");
        assert_ne!(round_robin(4, 2, 1)[0].seed, round_robin(4, 2, 2)[0].seed);
    }
}
