//! Standings from finished matches: points (win 1, draw ½), W/D/L, score, faults by
//! kind, Bradley–Terry Elo with its 95% interval, the Sonneborn–Berger tie-break and the
//! head-to-head crosstable. A function of the set of results only, so a resumed run
//! ends with exactly the standings of an uninterrupted one.

use super::rating::{self, Results};
use crate::cage::FaultKind;
use crate::game::Outcome;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What standings need from one finished match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcomes {
    pub id: usize,
    /// Bot indexes, seat 1 first.
    pub seats: [usize; 2],
    pub outcomes: [Outcome; 2],
    pub faults: [Option<FaultKind>; 2],
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Index into the tournament's bots.
    pub bot: usize,
    pub rank: usize,
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
    pub faults: BTreeMap<FaultKind, u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Standings {
    /// Best first.
    pub rows: Vec<Row>,
    /// `cross[i][j]`: (points, games) of bot i against bot j.
    pub cross: Vec<Vec<(f64, u32)>>,
    pub games_played: usize,
    /// Whether the Elo fit needed its virtual draws (see `rating`).
    pub regularised: bool,
}

fn points(o: Outcome) -> f64 {
    match o {
        Outcome::Win => 1.0,
        Outcome::Draw => 0.5,
        Outcome::Loss => 0.0,
    }
}

/// Standings of `bots` bots after `finished` (in any order).
pub fn compute(bots: usize, finished: &[Outcomes]) -> Standings {
    let mut rows: Vec<Row> = (0..bots)
        .map(|bot| Row {
            bot,
            rank: 0,
            points: 0.0,
            games: 0,
            wins: 0,
            draws: 0,
            losses: 0,
            score: 0.0,
            elo: 0.0,
            elo_low: 0.0,
            elo_high: 0.0,
            sonneborn_berger: 0.0,
            faults: BTreeMap::new(),
        })
        .collect();
    let mut cross = vec![vec![(0.0, 0u32); bots]; bots];
    let mut results = Results::new(bots);
    // Sorted by id so that float sums do not depend on the order matches finished in.
    let mut sorted: Vec<&Outcomes> = finished.iter().collect();
    sorted.sort_by_key(|m| m.id);
    for m in &sorted {
        for seat in 0..2 {
            let (me, them) = (m.seats[seat], m.seats[1 - seat]);
            let row = &mut rows[me];
            let p = points(m.outcomes[seat]);
            row.points += p;
            row.games += 1;
            match m.outcomes[seat] {
                Outcome::Win => row.wins += 1,
                Outcome::Draw => row.draws += 1,
                Outcome::Loss => row.losses += 1,
            }
            if let Some(kind) = m.faults[seat] {
                *row.faults.entry(kind).or_insert(0) += 1;
            }
            cross[me][them].0 += p;
            cross[me][them].1 += 1;
        }
        results.add(m.seats[0], m.seats[1], points(m.outcomes[0]));
    }
    let totals: Vec<f64> = rows.iter().map(|r| r.points).collect();
    for m in &sorted {
        for seat in 0..2 {
            let (me, them) = (m.seats[seat], m.seats[1 - seat]);
            rows[me].sonneborn_berger += points(m.outcomes[seat]) * totals[them];
        }
    }
    let fit = rating::fit(&results);
    for row in &mut rows {
        row.score = if row.games > 0 {
            row.points / row.games as f64
        } else {
            0.0
        };
        let r = &fit.ratings[row.bot];
        row.elo = r.elo;
        row.elo_low = r.low;
        row.elo_high = r.high;
    }
    rows.sort_by(|a, b| {
        b.points
            .total_cmp(&a.points)
            .then(b.sonneborn_berger.total_cmp(&a.sonneborn_berger))
            .then(a.bot.cmp(&b.bot))
    });
    for (i, row) in rows.iter_mut().enumerate() {
        row.rank = i + 1;
    }
    Standings {
        rows,
        cross,
        games_played: finished.len(),
        regularised: fit.regularised,
    }
}
