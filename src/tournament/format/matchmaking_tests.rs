//! The scaling ladder's plans, played out: a new version costs the same whatever the
//! ladder's size, ids never move, and the near games find its rivals.

use super::matchmaking::{block, plan};
use super::{simulate, Format};
use crate::game::Outcome;
use crate::tournament::journal::record::Entry;

/// The stronger version (the higher index, in these tests) wins; equals draw.
fn result(seats: &[usize]) -> Outcome {
    match seats[0].cmp(&seats[1]) {
        std::cmp::Ordering::Greater => Outcome::Win,
        std::cmp::Ordering::Less => Outcome::Loss,
        std::cmp::Ordering::Equal => Outcome::Draw,
    }
}

/// Plays the plan out (`check`: a started match must keep its seats); the games.
fn play_out(
    active: &[usize],
    versions: usize,
    games: u32,
    done: &mut Vec<Entry>,
    jobs: usize,
    check: bool,
) -> usize {
    let format = Format::Ladder {
        active: active.to_vec(),
        games_per_version: Some(games),
    };
    simulate::play_out(&format, versions, done, jobs, check, &|_, s| result(s))
        .unwrap()
        .games
}

#[test]
fn a_new_version_costs_the_same_whatever_the_ladders_size() {
    let games = 10;
    let mut costs = Vec::new();
    for n in [10, 40, 80] {
        let mut done = Vec::new();
        let all: Vec<usize> = (0..n).collect();
        play_out(&all, n, games, &mut done, 64, false);
        // Every game is in its version's block, and ids are unique.
        let mut ids: Vec<usize> = done.iter().map(|e| e.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), done.len());
        let mut more: Vec<usize> = all.clone();
        more.push(n);
        let cost = play_out(&more, n + 1, games, &mut done, 2, true);
        assert!(done
            .iter()
            .filter(|e| e.id >= n * block(games))
            .all(|e| e.seats.len() == 2));
        costs.push(cost);
    }
    // The budget, a trickle pair, and at most half as many again while its interval is
    // wide (ten games: five pairs, three more).
    for &c in &costs {
        assert!((10 + 2..=10 + 6 + 2).contains(&c), "{costs:?}");
    }
}

#[test]
fn the_plan_read_back_from_the_journal_is_the_plan_that_was_played() {
    let mut done = Vec::new();
    let all: Vec<usize> = (0..12).collect();
    play_out(&all, 12, 8, &mut done, 3, true);
    let p = plan(&all, 12, 8, 7, &done);
    assert!(p.complete);
    let mut planned: Vec<(usize, Vec<usize>)> =
        p.matches.iter().map(|m| (m.id, m.seats.clone())).collect();
    let mut played: Vec<(usize, Vec<usize>)> =
        done.iter().map(|e| (e.id, e.seats.clone())).collect();
    planned.sort();
    played.sort();
    assert_eq!(planned, played);
    // In any order: the plan does not depend on the order games finished in.
    done.reverse();
    assert_eq!(plan(&all, 12, 8, 7, &done).matches, p.matches);
    // A slot's second game played and its first not (the two run at once, and the run
    // was killed): the first is planned with the second's pair.
    let mut cut = done.clone();
    let at = cut.iter().position(|e| e.id % 2 == 0).unwrap();
    let gone = cut.remove(at);
    let resumed = plan(&all, 12, 8, 7, &cut);
    assert!(resumed
        .matches
        .iter()
        .any(|m| m.id == gone.id && m.seats == gone.seats));
    assert_eq!(resumed.matches.len(), p.matches.len());
    // A version retired: its games stay, nothing new of it; a forged line is left out.
    let fewer: Vec<usize> = (1..12).collect();
    let after = plan(&fewer, 12, 8, 7, &done);
    assert_eq!(after.matches.len(), p.matches.len());
    let mut forged = done.clone();
    forged[0].seats = vec![3, 3];
    let read = plan(&all, 12, 8, 7, &forged);
    assert!(!read.matches.iter().any(|m| m.seats == vec![3, 3]));
}

#[test]
fn the_near_games_find_the_new_versions_rivals() {
    // Thirty versions ordered by strength; a new one as strong as the 20th.
    let mut done = Vec::new();
    let all: Vec<usize> = (0..30).collect();
    play_out(&all, 30, 10, &mut done, 64, false);
    let start = done.len();
    let mut more = all.clone();
    more.push(30);
    play_out(&more, 31, 10, &mut done, 2, true);
    // The strongest so far (index 30 wins against all): its chosen games are against
    // the top of the ladder, not drawn across it.
    let near: Vec<usize> = done[start..]
        .iter()
        .filter(|e| e.seats.contains(&30))
        .map(|e| {
            if e.seats[0] == 30 {
                e.seats[1]
            } else {
                e.seats[0]
            }
        })
        .collect();
    // Ten games: three spread pairs drawn across the ladder, then each later pair
    // against the top half, climbing as its rating does.
    let (spread, chosen) = near.split_at(6);
    assert!(chosen.iter().all(|&o| o >= 15), "near the top? {near:?}");
    let mean = |s: &[usize]| s.iter().sum::<usize>() as f64 / s.len() as f64;
    assert!(mean(chosen) > mean(spread), "{near:?}");
}
