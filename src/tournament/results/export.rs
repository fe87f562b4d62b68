//! Standings as YAML (serde_yaml): the schema README's "Standings export" documents.

use super::standings::Standings;
use crate::cage::FaultKind;
use crate::game::GameKind;
use crate::game::Ranking;
use crate::tournament::format::plan::points_of;
use crate::tournament::format::sprt;
use crate::tournament::journal::record::Entry;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Export {
    pub tournament: String,
    pub game: GameKind,
    /// round-robin, gauntlet, swiss or knockout.
    #[serde(default = "round_robin")]
    pub format: String,
    /// UTC, ISO 8601.
    pub date: String,
    pub games_played: usize,
    /// What `rank` orders by: `points`, or `payoff` (mean payoff per turn).
    #[serde(default)]
    pub ranking: Ranking,
    /// Whether the Elo fit needed virtual draws (someone won or lost everything).
    pub elo_regularised: bool,
    /// Seats per match, when more than two (absent: two).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seats: Option<usize>,
    /// What a place was worth, when not the default, as the tournament file says it: a
    /// list of points by place, or `rewards`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_points: Option<serde_json::Value>,
    pub standings: Vec<ExportRow>,
    /// `crosstable[bot][opponent]`: points bot scored against opponent, and games (more
    /// than two seats: 1 for each match it finished ahead, ½ level).
    pub crosstable: BTreeMap<String, BTreeMap<String, HeadToHead>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportRow {
    pub rank: usize,
    pub name: String,
    pub file: String,
    pub points: f64,
    pub games: u32,
    pub wins: u32,
    pub draws: u32,
    pub losses: u32,
    /// Points per game, 0 to 1.
    pub score: f64,
    pub elo: f64,
    pub elo_low: f64,
    pub elo_high: f64,
    pub sonneborn_berger: f64,
    /// The game's own numbers summed over every match (IPD payoffs), and per turn.
    #[serde(default)]
    pub payoff: f64,
    #[serde(default)]
    pub payoff_per_turn: f64,
    /// Swiss: the Buchholz tie-break (opponents' points) and byes received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buchholz: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub byes: Option<u32>,
    /// Knockout: the round reached (the champion's is one past the final).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round_reached: Option<u32>,
    /// More than two seats: how often the bot finished 1st, 2nd, … (one count per place),
    /// and its mean place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub places: Option<Vec<u32>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean_place: Option<f64>,
    /// Every fault kind, with its count (0 included, so the schema is fixed).
    pub faults: BTreeMap<FaultKind, u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeadToHead {
    pub points: f64,
    pub games: u32,
    /// Their seat-swapped pairs of games (one seed, seats swapped) by the row bot's
    /// points over the pair: [0, ½, 1, 1½, 2]; and the row bot's Elo against the column
    /// bot with half its 95% interval under the pentanomial model (fastchess's), which
    /// counts the pair as one observation — narrower than the per-game interval when the
    /// seed decides much of a game. Absent without complete pairs, or the Elo when one
    /// side scored every point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pentanomial: Option<[u32; 5]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elo: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elo_pm: Option<f64>,
}

fn round_robin() -> String {
    "round-robin".into()
}

fn round(v: f64, places: i32) -> f64 {
    if v.is_finite() {
        let f = 10f64.powi(places);
        // `+ 0.0`: a value that rounds to zero is written `0.0`, never `-0.0`.
        (v * f).round() / f + 0.0
    } else {
        v
    }
}

impl Export {
    /// `bots`: (name, file) in the tournament's order.
    pub fn new(
        tournament: &str,
        game: GameKind,
        bots: &[(String, String)],
        standings: &Standings,
    ) -> Export {
        Export::of_format(tournament, game, "round-robin", bots, standings)
    }

    /// An export naming the run's format (`round-robin`, `swiss`, …).
    pub fn of_format(
        tournament: &str,
        game: GameKind,
        format: &str,
        bots: &[(String, String)],
        standings: &Standings,
    ) -> Export {
        let standings_rows = standings
            .rows
            .iter()
            .map(|r| ExportRow {
                rank: r.rank,
                name: bots[r.bot].0.clone(),
                file: bots[r.bot].1.clone(),
                // A free-for-all's thirds to four places (halves are exact either way).
                points: round(r.points, 4),
                games: r.games,
                wins: r.wins,
                draws: r.draws,
                losses: r.losses,
                score: round(r.score, 4),
                elo: round(r.elo, 1),
                elo_low: round(r.elo_low, 1),
                elo_high: round(r.elo_high, 1),
                sonneborn_berger: round(r.sonneborn_berger, 2),
                payoff: round(r.payoff, 4),
                payoff_per_turn: round(r.payoff_per_turn, 6),
                buchholz: (format == "swiss").then(|| round(r.buchholz, 2)),
                byes: (format == "swiss").then_some(r.byes),
                round_reached: r.stage,
                places: (standings.seats > crate::game::SEATS).then(|| {
                    let mut counts = r.placed.clone();
                    counts.resize(standings.seats, 0);
                    counts
                }),
                mean_place: (standings.seats > crate::game::SEATS)
                    .then(|| round(r.place_sum as f64 / f64::from(r.games.max(1)), 3)),
                faults: FaultKind::ALL
                    .iter()
                    .map(|&k| (k, r.faults.get(&k).copied().unwrap_or(0)))
                    .collect(),
            })
            .collect();
        let mut crosstable = BTreeMap::new();
        for (i, (name, _)) in bots.iter().enumerate() {
            let row: BTreeMap<String, HeadToHead> = bots
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .map(|(j, (other, _))| {
                    let (points, games) = standings.cross[i][j];
                    let h2h = HeadToHead {
                        points: round(points, 4),
                        games,
                        pentanomial: None,
                        elo: None,
                        elo_pm: None,
                    };
                    (other.clone(), h2h)
                })
                .collect();
            crosstable.insert(name.clone(), row);
        }
        Export {
            tournament: tournament.to_string(),
            game,
            format: format.to_string(),
            date: now_utc(),
            games_played: standings.games_played,
            ranking: standings.ranking,
            elo_regularised: standings.regularised,
            seats: (standings.seats > crate::game::SEATS).then_some(standings.seats),
            place_points: None,
            standings: standings_rows,
            crosstable,
        }
    }

    /// Adds each head-to-head's seat-swapped pairs from the run's finished matches
    /// (`bots` as given to [`Export::new`]).
    pub fn with_pairs(mut self, bots: &[(String, String)], entries: &[Entry]) -> Export {
        let penta = pentanomials(entries);
        for (i, (name, _)) in bots.iter().enumerate() {
            for (j, (other, _)) in bots.iter().enumerate() {
                let (Some(p), Some(row)) = (penta.get(&(i, j)), self.crosstable.get_mut(name))
                else {
                    continue;
                };
                if let Some(h2h) = row.get_mut(other) {
                    h2h.pentanomial = Some(*p);
                    if let Some((elo, pm)) = sprt::elo(p) {
                        h2h.elo = Some(round(elo, 1));
                        h2h.elo_pm = Some(round(pm, 1));
                    }
                }
            }
        }
        self
    }

    /// Says what a place was worth (a tournament's own `place_points:`).
    pub fn with_place_points(mut self, points: &super::standings::PlacePoints) -> Export {
        use super::standings::PlacePoints;
        self.place_points = match points {
            PlacePoints::Linear => None,
            PlacePoints::Table(t) => Some(serde_json::json!(t)),
            PlacePoints::Rewards => Some("rewards".into()),
        };
        self
    }

    pub fn write(&self, path: &Path) -> Result<(), crate::error::WriteError> {
        let fail = |e: &dyn std::fmt::Display| {
            crate::error::WriteError::new(crate::files::shown(path), "write the standings", e)
        };
        let text = serde_yaml::to_string(self).map_err(|e| fail(&e))?;
        // Whole, through a new file renamed into place: a link planted at the name (a
        // run folder from another machine) is replaced, never written through.
        crate::files::write_replacing(path, &text, "standings")
    }
}

/// The current UTC time as `YYYY-MM-DDTHH:MM:SSZ` (no date crate needed for this).
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Each ordered pair of bots' seat-swapped pairs of games (two games with the same seed,
/// seats swapped), counted by the first bot's points over the pair: 0, ½, 1, 1½, 2.
pub fn pentanomials<'a>(
    entries: impl IntoIterator<Item = &'a Entry>,
) -> std::collections::HashMap<(usize, usize), [u32; 5]> {
    use std::collections::HashMap;
    let mut by_seed: HashMap<(u64, usize, usize), Vec<&Entry>> = HashMap::new();
    // Seat-swapped pairs are a two-seat schedule's.
    for e in entries {
        let [a, b] = e.seats[..] else {
            continue;
        };
        by_seed
            .entry((e.seed, a.min(b), a.max(b)))
            .or_default()
            .push(e);
    }
    let mut penta: HashMap<(usize, usize), [u32; 5]> = HashMap::new();
    for ((_, a, b), games) in by_seed {
        if let [x, y] = games[..] {
            if x.seats == [y.seats[1], y.seats[0]] {
                let points = points_of(x, a) + points_of(y, a);
                let i = ((points * 2.0).round() as usize).min(4);
                penta.entry((a, b)).or_default()[i] += 1;
                penta.entry((b, a)).or_default()[4 - i] += 1;
            }
        }
    }
    penta
}
