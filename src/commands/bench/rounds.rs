//! A simultaneous round's cost, split the way the match itself saw it: each seat's round
//! trip (request written to reply read, as the replay records it) and the referee's own
//! work around them; and what a round costs in a replay. One RPS match at a time, its
//! host thread and both bots on one core (a tournament worker's layout).

use crate::affinity;
use crate::botfile::BotFile;
use crate::cage::{Cage, CagePolicy};
use crate::error::Error;
use crate::game::GameKind;
use crate::referee::{self, MatchRecord, MatchSpec, MoveRecord, SeedKey};
use crate::replay;
use serde_json::json;
use std::time::Instant;

/// The trivial agent both seats run: the round is then as cheap as it gets, and the
/// referee's share of it the largest.
const BOT: &str = "bots/rps/rock.py";
const MATCHES: usize = 5;

pub struct RoundFigures {
    pub rounds: usize,
    /// Wall time per round, first frame to last (no spawn, load or teardown).
    pub round_us: f64,
    /// Per round, the slower seat's round trip (seats are asked at once).
    pub slower_seat_us: f64,
    /// Each seat's mean round trip.
    pub seats_us: [f64; 2],
    /// The same match's replay, as run folders keep it (with timings).
    pub replay_json_bytes: usize,
    pub replay_zstd_bytes: usize,
}

impl RoundFigures {
    /// What the referee adds to a round beyond waiting for the slower seat.
    pub fn overhead_us(&self) -> f64 {
        self.round_us - self.slower_seat_us
    }

    pub fn frames(&self) -> usize {
        self.rounds + 1
    }
}

/// Plays [`MATCHES`] matches and keeps the one with the median referee overhead.
pub fn measure(policy: &CagePolicy) -> Result<RoundFigures, Error> {
    let bot = BotFile::read(BOT.as_ref()).map_err(|e| {
        Error::Usage(format!(
            "the round figure needs {BOT}; run the bench from the project folder ({e})"
        ))
    })?;
    let cage = Cage::start(policy).map_err(Error::runtime)?;
    let key = SeedKey::random().map_err(Error::runtime)?;
    let mut runs = Vec::with_capacity(MATCHES);
    for seed in 0..MATCHES as u64 {
        runs.push(affinity::pinned(0, || one(&cage, &bot, key, seed))?);
    }
    runs.sort_by(|a, b| a.overhead_us().total_cmp(&b.overhead_us()));
    Ok(runs.swap_remove(MATCHES / 2))
}

fn one(cage: &Cage, bot: &BotFile, key: SeedKey, seed: u64) -> Result<RoundFigures, Error> {
    let spec = MatchSpec {
        game: GameKind::Rps,
        config: json!({}),
        seed,
        key,
        time_control: GameKind::Rps.default_time_control(),
        bots: vec![bot, bot],
        fairness: Default::default(),
        monitor: None,
    };
    let mut first: Option<Instant> = None;
    let mut last = Instant::now();
    let record = referee::play(cage, &spec, &mut |_| {
        last = Instant::now();
        first.get_or_insert(last);
    })
    .map_err(Error::runtime)?;
    let rounds = record.frames.len().saturating_sub(1).max(1);
    let elapsed = last.duration_since(first.unwrap_or(last));
    let (slower, seats) = seat_times(&record);
    let text = replay::to_string(&record, true);
    let zstd = replay::compress(&text).map_err(Error::runtime)?;
    Ok(RoundFigures {
        rounds,
        round_us: elapsed.as_secs_f64() * 1e6 / rounds as f64,
        slower_seat_us: slower / rounds as f64,
        seats_us: seats.map(|s| s / rounds as f64),
        replay_json_bytes: text.len(),
        replay_zstd_bytes: zstd.len(),
    })
}

/// (sum over rounds of the slower seat's round trip, each seat's sum), in µs, from the
/// timings the referee recorded (think + overhead = the move's wall time).
fn seat_times(record: &MatchRecord) -> (f64, [f64; 2]) {
    let mut seats = [0.0; 2];
    for m in record.frames.iter().flat_map(|f| &f.moves) {
        if let Some(s) = seats.get_mut(m.seat) {
            *s += wall_us(m);
        }
    }
    (slowest_exchanges_us(record), seats)
}

/// The sum over a match's rounds of the slowest seat's exchange (request written to
/// reply read), in µs: seats asked at once on one core all run before the slowest
/// answers, so it is what the round spent on its seats.
pub(super) fn slowest_exchanges_us(record: &MatchRecord) -> f64 {
    record
        .frames
        .iter()
        .map(|f| f.moves.iter().map(wall_us).fold(0.0, f64::max))
        .sum()
}

/// A move's wall time as the referee recorded it (think + overhead), in µs.
fn wall_us(m: &MoveRecord) -> f64 {
    m.timing
        .as_ref()
        .map_or(0.0, |t| (t.think_ms + t.overhead_ms) * 1e3)
}
