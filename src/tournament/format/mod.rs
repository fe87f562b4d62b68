//! Who plays whom: the tournament's format. A format is a pure function from the run's
//! fixed facts (bots, games per pair, seed) and the matches finished so far to the
//! matches known now — so Swiss rounds and knockout ties appear as results come in, the
//! same journal always gives the same plan, and a resumed run plays exactly the matches
//! an uninterrupted one would.
//!
//! Every pairing is played as `games_per_pair` games in seat-swapped pairs sharing a seed
//! ([`schedule::match_seed`]), as in a round robin.

pub mod gauntlet;
pub mod knockout;
pub mod ladder;
pub mod matchmaking;
pub mod plan;
pub mod shard;
pub mod simulate;
pub mod sprt;
pub mod swiss;
pub mod swiss_groups;

pub use plan::{pairing_games, points_of, Plan};

use crate::game::Ranking;
use crate::tournament::journal::record::Entry;
use crate::tournament::results::standings::{self, Extras, Outcomes, PlacePoints, Standings};
use crate::tournament::schedule;
use serde::{Deserialize, Serialize};

/// The most matches one run may plan (a hostile `run.json` or tournament file must not
/// make the runner list billions).
pub const MAX_MATCHES: u64 = 10_000_000;

/// The format as a run keeps it (`run.json`): names already turned into bot indexes.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Format {
    /// Every pair plays.
    #[default]
    RoundRobin,
    /// The `named` bots play every other bot (and each other); the others do not meet.
    Gauntlet { named: Vec<usize> },
    /// `rounds` rounds, each pairing bots with equal or nearest scores who have not met.
    Swiss { rounds: u32 },
    /// A seeded single-elimination bracket (`seeds[0]` is the top seed); a tied pairing
    /// plays up to `tiebreak_pairs` extra seat-swapped pairs, then the higher seed goes on.
    Knockout {
        seeds: Vec<usize>,
        tiebreak_pairs: u32,
    },
    /// Two bots play seat-swapped pairs until the SPRT decides (bot 0 is A).
    Sprt(sprt::SprtSpec),
    /// A living ladder: the bots are every version ever entered, the `active` ones
    /// play a round robin among themselves (or, with `games_per_version`, each a budget
    /// of games chosen by [`matchmaking`]); a retired version's games stay recorded.
    Ladder {
        active: Vec<usize>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        games_per_version: Option<u32>,
    },
}

impl Plan {
    /// Standings after `finished`, with this plan's byes and rounds reached (and, in a
    /// ladder, only the active versions and their games among themselves).
    pub fn standings(
        &self,
        bots: usize,
        finished: &[Outcomes],
        (ranking, place_points): (Ranking, &PlacePoints),
        format: &Format,
    ) -> Standings {
        let extras = Extras {
            byes: &self.byes,
            buchholz: matches!(format, Format::Swiss { .. }),
            stage: self.stage.as_deref(),
            active: match format {
                Format::Ladder { active, .. } => Some(active),
                _ => None,
            },
            by_score: matches!(format, Format::Gauntlet { .. }),
            place_points: place_points.clone(),
        };
        standings::compute_with(bots, finished, ranking, &extras)
    }
}

impl Format {
    pub fn name(&self) -> &'static str {
        match self {
            Format::RoundRobin => "round-robin",
            Format::Gauntlet { .. } => "gauntlet",
            Format::Swiss { .. } => "swiss",
            Format::Knockout { .. } => "knockout",
            Format::Sprt(_) => "sprt",
            Format::Ladder { .. } => "ladder",
        }
    }

    /// In words, for the run's first line: "swiss, 5 rounds".
    pub fn describe(&self) -> String {
        match self {
            Format::Swiss { rounds } => format!("swiss, {rounds} rounds"),
            Format::Gauntlet { named } => format!("gauntlet of {}", named.len()),
            Format::Knockout { tiebreak_pairs, .. } => {
                // The engine knows nothing of the UI's helpers: the plural by hand.
                let s = if *tiebreak_pairs == 1 { "" } else { "s" };
                format!("knockout, up to {tiebreak_pairs} pair{s} of tie-breaks")
            }
            Format::RoundRobin => "round-robin".into(),
            Format::Ladder {
                active,
                games_per_version: None,
            } => format!("ladder of {} active versions", active.len()),
            Format::Ladder {
                active,
                games_per_version: Some(g),
            } => format!(
                "ladder of {} active versions, {g} games per new version",
                active.len()
            ),
            Format::Sprt(s) => format!(
                "sprt, elo [{}, {}], alpha {}, beta {}, at most {} pairs",
                s.elo0, s.elo1, s.alpha, s.beta, s.max_pairs
            ),
        }
    }

    /// The plan of a two-seat run after `done` (finished matches, any order).
    pub fn plan(&self, bots: usize, games_per_pair: u32, seed: u64, done: &[Entry]) -> Plan {
        self.plan_seated(crate::game::SEATS, bots, games_per_pair, seed, done)
    }

    /// The plan after `done` of a run whose matches have `seats` seats: more than two
    /// play groups ([`schedule::seat_groups`]; a gauntlet's each hold a challenger, see
    /// [`gauntlet::groups`]; a Swiss's are cut by score, see [`swiss_groups`]).
    pub fn plan_seated(
        &self,
        seats: usize,
        bots: usize,
        games_per_pair: u32,
        seed: u64,
        done: &[Entry],
    ) -> Plan {
        if seats > crate::game::SEATS {
            let groups = match self {
                Format::Gauntlet { named } => gauntlet::groups(bots, named, seats),
                Format::Swiss { rounds } => {
                    return swiss_groups::plan(bots, games_per_pair, seed, *rounds, seats, done)
                }
                Format::Ladder { active, .. } => {
                    return ladder::plan_groups(active, bots, seats, games_per_pair, seed, done)
                }
                _ => schedule::seat_groups(bots, seats, seed),
            };
            return plan::fixed(schedule::of_groups(&groups, games_per_pair, seed));
        }
        match self {
            Format::RoundRobin => plan::fixed(schedule::round_robin(bots, games_per_pair, seed)),
            Format::Gauntlet { named } => plan::fixed(schedule::of_pairs(
                &gauntlet::pairs(bots, named),
                games_per_pair,
                seed,
            )),
            Format::Swiss { rounds } => swiss::plan(bots, games_per_pair, seed, *rounds, done),
            Format::Knockout {
                seeds,
                tiebreak_pairs,
            } => knockout::plan(seeds, games_per_pair, seed, *tiebreak_pairs, done),
            Format::Sprt(spec) => sprt::plan(spec, seed, done),
            Format::Ladder {
                active,
                games_per_version: Some(g),
            } => matchmaking::plan(active, bots, *g, seed, done),
            Format::Ladder { active, .. } => ladder::plan(active, games_per_pair, seed, done),
        }
    }

    /// Whether its schedule is known before any result (and so can be sharded).
    pub fn is_fixed(&self) -> bool {
        matches!(self, Format::RoundRobin | Format::Gauntlet { .. })
    }

    /// The most matches it can plan for `bots` bots (before planning any: a hostile
    /// `run.json` must not make the runner list billions), in matches of `seats` seats.
    pub fn bound_seated(&self, seats: usize, bots: usize, games_per_pair: u32) -> u64 {
        if seats <= crate::game::SEATS {
            return self.bound(bots, games_per_pair);
        }
        let groups = match self {
            Format::Swiss { rounds } => u64::from(*rounds) * (bots / seats) as u64,
            Format::Ladder { .. } => (bots * ladder::GROUPS_PER_VERSION) as u64,
            Format::Gauntlet { named } => {
                let challengers = bots.saturating_sub(named.len()) as u64;
                challengers.saturating_mul(schedule::binomial(named.len(), seats - 1))
            }
            _ => schedule::binomial(bots, seats).min(schedule::MAX_GROUPS as u64 + bots as u64),
        };
        groups.saturating_mul(u64::from(games_per_pair))
    }

    /// The most matches it can plan for `bots` bots in two-seat matches.
    pub fn bound(&self, bots: usize, games_per_pair: u32) -> u64 {
        let (n, g) = (bots as u64, u64::from(games_per_pair));
        let pairs = n * n.saturating_sub(1) / 2;
        match self {
            Format::Knockout { tiebreak_pairs, .. } => {
                n.saturating_sub(1) * (g + 2 * u64::from(*tiebreak_pairs))
            }
            Format::Sprt(s) => 2 * u64::from(s.max_pairs),
            Format::Ladder {
                games_per_version: Some(per),
                ..
            } => n.saturating_mul(matchmaking::block(*per) as u64),
            _ => pairs.saturating_mul(g),
        }
    }

    /// [`Format::check`] for matches of `seats` seats: more than two are played by a
    /// round robin of seat groups or a gauntlet; the other formats pair two bots.
    pub fn check_seated(&self, seats: usize, bots: usize) -> Result<(), String> {
        self.check(bots)?;
        if seats <= crate::game::SEATS {
            return Ok(());
        }
        match self {
            Format::RoundRobin if bots < seats => Err(format!(
                "{bots} bots cannot fill a match of {seats} seats"
            )),
            Format::Gauntlet { named } if named.len() + 1 < seats => Err(format!(
                "a gauntlet of {seats} seats names at least {} bots (each match is a challenger with {} of them)",
                seats - 1,
                seats - 1
            )),
            Format::Swiss { .. } if bots < seats => Err(format!(
                "{bots} bots cannot fill a match of {seats} seats"
            )),
            Format::RoundRobin
            | Format::Gauntlet { .. }
            | Format::Swiss { .. }
            | Format::Ladder { .. } => Ok(()),
            other => Err(format!(
                "a {} pairs two bots; matches of {seats} seats are played as a round-robin, a gauntlet, a swiss or a ladder",
                other.name()
            )),
        }
    }

    /// The first thing wrong with it for `bots` bots, if anything (`run.json` is read
    /// back, so this is checked there too).
    pub fn check(&self, bots: usize) -> Result<(), String> {
        match self {
            Format::RoundRobin => Ok(()),
            Format::Gauntlet { named } => {
                if named.is_empty() || named.len() >= bots {
                    return Err("a gauntlet names at least one bot and leaves others".into());
                }
                distinct_indexes(named, bots)
            }
            Format::Swiss { rounds } => {
                if !(1..=64).contains(rounds) || *rounds as usize >= bots.max(2) {
                    return Err(format!(
                        "1 to {} for {bots} bots (fewer than the bots, at most 64)",
                        (bots - 1).min(64)
                    ));
                }
                Ok(())
            }
            Format::Knockout {
                seeds,
                tiebreak_pairs,
            } => {
                if seeds.len() != bots {
                    return Err("a knockout seeds every bot once".into());
                }
                if *tiebreak_pairs > 50 {
                    return Err("at most 50".into());
                }
                distinct_indexes(seeds, bots)
            }
            Format::Sprt(spec) => {
                if bots != 2 {
                    return Err("an SPRT is between exactly two bots".into());
                }
                spec.check()
            }
            Format::Ladder {
                games_per_version: Some(g),
                ..
            } if !(2..=1000).contains(g) => Err("games_per_version: 2 to 1000".into()),
            Format::Ladder { active, .. } => distinct_indexes(active, bots),
        }
    }
}

fn distinct_indexes(list: &[usize], bots: usize) -> Result<(), String> {
    let mut seen = vec![false; bots];
    for &i in list {
        if i >= bots || std::mem::replace(&mut seen[i], true) {
            return Err("a bot named twice, or one not in the run".into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod matchmaking_tests;

#[cfg(test)]
mod tests {
    use super::ladder::{ladder_pair, ladder_versions};
    use super::*;
    use crate::game::Outcome;

    #[test]
    fn ladder_pair_numbers_are_stable_and_invertible() {
        for p in 0..5000 {
            let (i, j) = ladder_versions(p);
            assert!(i < j && ladder_pair(i, j) == p, "{p}: {i}, {j}");
        }
        // Adding version 3 keeps every id of versions 0-2 and adds only its own pairs.
        let three = Format::Ladder {
            active: vec![0, 1, 2],
            games_per_version: None,
        }
        .plan(3, 2, 7, &[]);
        let four = Format::Ladder {
            active: vec![0, 1, 2, 3],
            games_per_version: None,
        }
        .plan(4, 2, 7, &[]);
        assert_eq!(four.matches[..6], three.matches[..]);
        assert!(four.matches[6..].iter().all(|m| m.seats.contains(&3)));
        // Retiring version 1: its played games stay planned, nothing new of it is.
        let done: Vec<Entry> = three
            .matches
            .iter()
            .map(|m| Entry::test_entry(m.id, &m.seats, m.seed, Outcome::Draw))
            .collect();
        let retired = Format::Ladder {
            active: vec![0, 2, 3],
            games_per_version: None,
        }
        .plan(4, 2, 7, &done);
        assert_eq!(
            retired.total,
            6 + 4,
            "three old pairs' games and two new pairs"
        );
        assert!(retired
            .matches
            .iter()
            .filter(|m| m.seats.contains(&1))
            .all(|m| m.id < 6));
    }

    #[test]
    fn a_gauntlet_plays_every_pair_with_a_named_bot_once_per_game() {
        let plan = Format::Gauntlet { named: vec![1] }.plan(5, 2, 3, &[]);
        assert!(plan.complete);
        assert_eq!(plan.matches.len(), 4 * 2);
        assert!(plan.matches.iter().all(|m| m.seats.contains(&1)));
        for other in [0, 2, 3, 4] {
            let games: Vec<_> = plan
                .matches
                .iter()
                .filter(|m| m.seats.contains(&other))
                .collect();
            assert_eq!(games.len(), 2);
            assert_ne!(games[0].seats, games[1].seats, "seats swapped");
            assert_eq!(games[0].seed, games[1].seed, "one seed per pair of games");
        }
        let two = Format::Gauntlet { named: vec![0, 3] }.plan(4, 1, 3, &[]);
        assert_eq!(two.matches.len(), 5, "0-1 0-2 0-3 1-3 2-3");
        assert!(Format::Gauntlet { named: vec![0, 0] }.check(3).is_err());
        assert!(Format::Gauntlet {
            named: vec![0, 1, 2]
        }
        .check(3)
        .is_err());
    }
}
