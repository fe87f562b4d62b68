//! Fixed schedules: every listed pair plays `games_per_pair` games, in pairs of games
//! that share a seed with the seats swapped (like colour-swapped chess openings). Rounds
//! go over all pairs before repeating, so standings are fair at any moment. A round robin
//! lists every pair; a gauntlet the named bots' pairs ([`super::format`]).

use crate::game::SplitMix64;
use serde::{Deserialize, Serialize};

/// One scheduled match: which bots (indexes into the tournament's list) sit where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scheduled {
    /// Position in the schedule; stable across runs of the same tournament.
    pub id: usize,
    /// `seats[0]` is seat 1; two, or the tournament's `seats:`.
    pub seats: Vec<usize>,
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
            let seats = if swapped { vec![b, a] } else { vec![a, b] };
            out.push(Scheduled {
                id: out.len(),
                seats,
                seed: match_seed(seed, p, swap_pair),
            });
        }
    }
    out
}

/// Seat groups listed whole (every k-subset of the bots) up to this many; beyond, about
/// this many balanced random groups (see [`seat_groups`]).
pub const MAX_GROUPS: usize = 250;

/// C(n, k), saturating.
pub fn binomial(n: usize, k: usize) -> u64 {
    if k > n {
        return 0;
    }
    let k = k.min(n - k) as u64;
    let mut c: u64 = 1;
    for i in 0..k {
        // Exact at every step: c · (n − i) is divisible by i + 1.
        c = c.saturating_mul(n as u64 - i) / (i + 1);
    }
    c
}

/// Every `k`-subset of `items`, in lexicographic order.
pub fn subsets(items: &[usize], k: usize) -> Vec<Vec<usize>> {
    let n = items.len();
    if k > n {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut pick: Vec<usize> = (0..k).collect();
    loop {
        out.push(pick.iter().map(|&i| items[i]).collect());
        // The rightmost index that can still move right.
        let Some(i) = (0..k).rev().find(|&i| pick[i] < n - k + i) else {
            return out;
        };
        pick[i] += 1;
        for j in i + 1..k {
            pick[j] = pick[j - 1] + 1;
        }
    }
}

/// The groups of a round robin of `seats`-seat matches: every `seats`-subset of the
/// bots while there are at most [`MAX_GROUPS`]; beyond, rounds in which the bots, in an
/// order drawn from the seed, are cut into groups (the last group filled from the
/// round's start, so a few bots play twice), until about [`MAX_GROUPS`] groups: every
/// pair of bots meets about equally often.
pub fn seat_groups(bots: usize, seats: usize, seed: u64) -> Vec<Vec<usize>> {
    let all: Vec<usize> = (0..bots).collect();
    if binomial(bots, seats) <= MAX_GROUPS as u64 {
        return subsets(&all, seats);
    }
    let per_round = bots.div_ceil(seats);
    let rounds = MAX_GROUPS.div_ceil(per_round);
    let mut rng = SplitMix64::new(seed ^ 0x5EA7_6B0C_u64);
    let mut out = Vec::with_capacity(rounds * per_round);
    for _ in 0..rounds {
        let mut order = all.clone();
        for i in (1..bots).rev() {
            order.swap(i, (rng.next_u64() % (i as u64 + 1)) as usize);
        }
        for g in 0..per_round {
            out.push((0..seats).map(|t| order[(g * seats + t) % bots]).collect());
        }
    }
    out
}

/// Every match of `groups`, `games` games each, ids from 0: game k of a group seats it
/// rotated k places (over `seats` games every bot sits in every seat once), and the
/// `seats` games of one rotation cycle share a seed (as a seat-swapped pair does).
pub fn of_groups(groups: &[Vec<usize>], games: u32, seed: u64) -> Vec<Scheduled> {
    let mut out = Vec::new();
    for game in 0..games as usize {
        for (p, group) in groups.iter().enumerate() {
            let n = group.len().max(1);
            let mut seats = group.clone();
            seats.rotate_left(game % n);
            out.push(Scheduled {
                id: out.len(),
                seats,
                seed: match_seed(seed, p, game / n),
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
        assert_eq!(binomial(8, 4), 70);
        assert_eq!(binomial(3, 5), 0);
        assert_ne!(round_robin(4, 2, 1)[0].seed, round_robin(4, 2, 2)[0].seed);
    }
}

#[cfg(test)]
mod group_tests {
    use super::*;

    #[test]
    fn small_fields_play_every_group_and_every_bot_sits_in_every_seat() {
        let groups = seat_groups(6, 3, 1);
        assert_eq!(groups.len(), 20, "C(6, 3)");
        let mut sorted = groups.clone();
        sorted.dedup();
        assert_eq!(sorted.len(), 20);
        let s = of_groups(&groups, 3, 9);
        assert_eq!(s.len(), 60);
        // Over a group's 3 games every bot sat in every seat once, under one seed.
        for (p, g) in groups.iter().enumerate() {
            let games: Vec<&Scheduled> = s.iter().skip(p).step_by(groups.len()).collect();
            for seat in 0..3 {
                let mut at: Vec<usize> = games.iter().map(|m| m.seats[seat]).collect();
                at.sort_unstable();
                assert_eq!(&at, g, "group {p} seat {seat}");
            }
            assert!(games.iter().all(|m| m.seed == games[0].seed));
        }
        assert_eq!(s, of_groups(&seat_groups(6, 3, 1), 3, 9), "deterministic");
    }

    #[test]
    fn large_fields_get_balanced_random_groups() {
        // C(40, 4) = 91,390 groups: too many to list; about MAX_GROUPS drawn instead.
        let groups = seat_groups(40, 4, 5);
        assert!(
            (MAX_GROUPS..MAX_GROUPS + 10).contains(&groups.len()),
            "{}",
            groups.len()
        );
        let mut meets = vec![vec![0u32; 40]; 40];
        let mut plays = [0u32; 40];
        for g in &groups {
            let mut distinct = g.clone();
            distinct.sort_unstable();
            distinct.dedup();
            assert_eq!(distinct.len(), 4, "a bot twice in one group: {g:?}");
            for &a in g {
                plays[a] += 1;
                for &b in g {
                    if a != b {
                        meets[a][b] += 1;
                    }
                }
            }
        }
        let (lo, hi) = (plays.iter().min().unwrap(), plays.iter().max().unwrap());
        assert!(hi - lo <= 6, "matches per bot {lo} to {hi}");
        let pair_counts: Vec<u32> = (0..40)
            .flat_map(|a| (a + 1..40).map(move |b| (a, b)))
            .map(|(a, b)| meets[a][b])
            .collect();
        let mean = pair_counts.iter().sum::<u32>() as f64 / pair_counts.len() as f64;
        assert!(mean > 0.5, "pairs meet {mean:.2} times on average");
        assert_ne!(
            seat_groups(40, 4, 5),
            seat_groups(40, 4, 6),
            "drawn from the seed"
        );
        assert_eq!(seat_groups(40, 4, 5), groups, "deterministic");
    }
}
