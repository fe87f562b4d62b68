//! What a format says at a moment: the matches known now, how many there will be, and
//! the helpers every format builds its games with.

use crate::game::Outcome;
use crate::tournament::journal::record::Entry;
use crate::tournament::schedule::{self, Scheduled};

/// What a format says now.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// Every match known now (finished or not), ordered by id. Ids are stable: a match
    /// keeps its id in every later plan.
    pub matches: Vec<Scheduled>,
    /// How many matches the run will have played in all: exact for fixed formats, what
    /// is known so far plus what is still certain to come for the others.
    pub total: usize,
    /// No match will be added.
    pub complete: bool,
    /// Swiss: one entry per bye a bot got (worth a win's point).
    pub byes: Vec<usize>,
    /// Knockout: the round each bot reached (higher is further), which ranks first.
    pub stage: Option<Vec<u32>>,
}

/// The plan of a format whose every match is known from the start.
pub fn fixed(matches: Vec<Scheduled>) -> Plan {
    Plan {
        total: matches.len(),
        matches,
        complete: true,
        ..Plan::default()
    }
}

/// The games of one pairing (`index` numbers pairings across the run, for the seed),
/// ids from `first`: seats swap within each pair of games; `seat1` sits first in even
/// games.
pub fn pairing_games(
    index: usize,
    [seat1, seat2]: [usize; 2],
    games: u32,
    first: usize,
    seed: u64,
) -> Vec<Scheduled> {
    (0..games as usize)
        .map(|g| Scheduled {
            id: first + g,
            seats: if g % 2 == 0 {
                vec![seat1, seat2]
            } else {
                vec![seat2, seat1]
            },
            seed: schedule::match_seed(seed, index, g / 2),
        })
        .collect()
}

/// Points `bot` scored in `entry` (win 1, draw ½; a free-for-all's by place, the
/// default table; a void match none).
pub fn points_of(entry: &Entry, bot: usize) -> f64 {
    if entry.void.is_some() {
        return 0.0;
    }
    let seat = entry.seats.iter().position(|&b| b == bot);
    if entry.seats.len() > crate::game::SEATS {
        // A free-for-all: the default points of its place.
        let places = crate::referee::seat_places(&entry.outcomes, &entry.scores);
        let points = crate::tournament::results::standings::place_points(&places);
        return seat.and_then(|s| points.get(s).copied()).unwrap_or(0.0);
    }
    match seat.map(|s| entry.outcomes[s]) {
        Some(Outcome::Win) => 1.0,
        Some(Outcome::Draw) => 0.5,
        _ => 0.0,
    }
}
