//! Standings from finished matches: points (win 1, draw ½; with more than two seats, by
//! place: the winner 1, the last 0, linear between, ties sharing), W/D/L, places, score,
//! mean payoff per turn, faults by kind, Bradley–Terry Elo with its 95% interval, the
//! Sonneborn–Berger tie-break and the head-to-head crosstable ("finished ahead of"),
//! ranked by the game's own measure ([`Ranking`]). A function of the set of results only, so a resumed run ends
//! with exactly the standings of an uninterrupted one.

use super::rating::{self, Results};
use crate::cage::FaultKind;
use crate::game::{Outcome, Ranking};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What standings need from one finished match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcomes {
    pub id: usize,
    /// Bot indexes, seat 1 first; the vectors have one entry per seat.
    pub seats: Vec<usize>,
    pub outcomes: Vec<Outcome>,
    pub faults: Vec<Option<FaultKind>>,
    /// The game's own numbers (IPD payoffs); a faulted seat's `None` counts as 0.
    pub scores: Vec<Option<f64>>,
    /// Turns played (frames after the start).
    pub turns: u32,
    /// The game's own code failed: the match counts for no one (see `Entry::void`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub void: bool,
}

impl Outcomes {
    /// A match without faults in which seat 1 (`a`) had `outcome_a` against `b`.
    pub fn decided(id: usize, a: usize, b: usize, outcome_a: Outcome) -> Outcomes {
        Outcomes {
            id,
            seats: vec![a, b],
            outcomes: vec![outcome_a, outcome_a.opposite()],
            faults: vec![None, None],
            scores: vec![None, None],
            turns: 0,
            void: false,
        }
    }

    /// Each seat's place, 1 first (see [`crate::referee::seat_places`]).
    pub fn places(&self) -> Vec<usize> {
        crate::referee::seat_places(&self.outcomes, &self.scores)
    }
}

/// What a place is worth in a match of more than two seats (two-seat matches always
/// count a win 1, a draw ½, a loss 0).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PlacePoints {
    /// The winner 1, the last 0, linear between.
    #[default]
    Linear,
    /// The points of 1st, 2nd, … (one per seat).
    Table(Vec<f64>),
    /// Each seat's reward as its points, as Kaggle's leaderboards add them up (a faulted
    /// seat's `null` counts 0).
    Rewards,
}

impl PlacePoints {
    /// `None` when it is the default (so files and `run.json` leave it out).
    pub fn is_linear(&self) -> bool {
        *self == PlacePoints::Linear
    }

    /// Checks a table against the seat count: one finite number per place.
    pub fn check(&self, seats: usize) -> Result<(), String> {
        match self {
            PlacePoints::Table(t) if t.len() != seats => Err(format!(
                "one number per place: {seats} for {seats} seats, not {}",
                t.len()
            )),
            PlacePoints::Table(t) if t.iter().any(|v| !v.is_finite() || v.abs() > 1e6) => {
                Err("numbers between -1000000 and 1000000".into())
            }
            _ => Ok(()),
        }
    }

    /// Each seat's points in a match whose seats placed `places` and scored `scores`:
    /// seats sharing a place share the points of the places they fill. Two seats: a win
    /// 1, a draw ½, a loss 0, whatever the table.
    pub fn of(&self, places: &[usize], scores: &[Option<f64>]) -> Vec<f64> {
        let n = places.len();
        if n < 2 {
            return vec![1.0; n];
        }
        let worth = |q: usize| -> f64 {
            match self {
                PlacePoints::Table(t) if n > 2 && t.len() == n => t[q - 1],
                _ => (n - q) as f64 / (n - 1) as f64,
            }
        };
        if n > 2 && *self == PlacePoints::Rewards {
            return scores
                .iter()
                .map(|s| s.filter(|v| v.is_finite()).unwrap_or(0.0))
                .collect();
        }
        places
            .iter()
            .map(|&p| {
                let tied = places.iter().filter(|&&q| q == p).count();
                let filled = (p..p + tied).filter(|&q| q <= n);
                filled.map(worth).sum::<f64>() / tied as f64
            })
            .collect()
    }
}

/// Points for each place of `places` by the default table (see [`PlacePoints::of`]).
pub fn place_points(places: &[usize]) -> Vec<f64> {
    PlacePoints::Linear.of(places, &[])
}

/// What the seat at place `a` scored against the seat at place `b`: 1 ahead, ½ level,
/// 0 behind.
pub fn ahead(a: usize, b: usize) -> f64 {
    match a.cmp(&b) {
        std::cmp::Ordering::Less => 1.0,
        std::cmp::Ordering::Equal => 0.5,
        std::cmp::Ordering::Greater => 0.0,
    }
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
    /// How often the bot finished 1st, 2nd, … (index 0 is 1st); in two-seat
    /// tournaments first is a win or a draw, second a loss.
    pub placed: Vec<u32>,
    /// The sum of its places (mean place = this / games).
    pub place_sum: u64,
    /// Points per game, 0 to 1.
    pub score: f64,
    pub elo: f64,
    pub elo_low: f64,
    pub elo_high: f64,
    pub sonneborn_berger: f64,
    /// Swiss: the sum of the opponents' points over every game (the first tie-break).
    pub buchholz: f64,
    /// Swiss: byes received (each worth a win's point, counted in `points`).
    pub byes: u32,
    /// Knockout: the round reached (the champion's is the highest); ranks first.
    pub stage: Option<u32>,
    /// The game's numbers summed over every match, and per turn played (0 before any).
    pub payoff: f64,
    pub payoff_per_turn: f64,
    pub turns: u64,
    pub faults: BTreeMap<FaultKind, u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Standings {
    /// Best first.
    pub rows: Vec<Row>,
    /// `cross[i][j]`: (points, games) of bot i against bot j: in a match of more than
    /// two seats, 1 when i finished ahead of j, ½ level, 0 behind.
    pub cross: Vec<Vec<(f64, u32)>>,
    /// The most seats a counted match had (2 when none had more).
    pub seats: usize,
    pub games_played: usize,
    /// Whether the Elo fit needed its virtual draws (see `rating`).
    pub regularised: bool,
    pub ranking: Ranking,
}

impl Row {
    fn empty(bot: usize, stage: Option<u32>) -> Row {
        Row {
            bot,
            rank: 0,
            points: 0.0,
            games: 0,
            wins: 0,
            draws: 0,
            losses: 0,
            placed: Vec::new(),
            place_sum: 0,
            score: 0.0,
            elo: 0.0,
            elo_low: 0.0,
            elo_high: 0.0,
            sonneborn_berger: 0.0,
            buchholz: 0.0,
            byes: 0,
            stage,
            payoff: 0.0,
            payoff_per_turn: 0.0,
            turns: 0,
            faults: BTreeMap::new(),
        }
    }
}

/// What a format adds to the results: Swiss byes and its Buchholz tie-break, the
/// knockout's rounds reached.
#[derive(Debug, Clone, Default)]
pub struct Extras<'a> {
    pub byes: &'a [usize],
    pub buchholz: bool,
    pub stage: Option<&'a [u32]>,
    /// A ladder: only these bots rank, on their games among themselves.
    pub active: Option<&'a [usize]>,
    /// A gauntlet: bots play different numbers of games by design, so points per game
    /// rank before points.
    pub by_score: bool,
    /// What a place is worth in a free-for-all.
    pub place_points: PlacePoints,
}

/// Standings of `bots` bots after `finished` (in any order), ranked by `ranking`.
pub fn compute(bots: usize, finished: &[Outcomes], ranking: Ranking) -> Standings {
    compute_with(bots, finished, ranking, &Extras::default())
}

/// [`compute`], with what the tournament's format adds.
pub fn compute_with(
    bots: usize,
    finished: &[Outcomes],
    ranking: Ranking,
    extras: &Extras,
) -> Standings {
    let mut rows: Vec<Row> = (0..bots)
        .map(|bot| Row::empty(bot, extras.stage.and_then(|s| s.get(bot).copied())))
        .collect();
    let mut cross = vec![vec![(0.0, 0u32); bots]; bots];
    // The rating fit sees only the bots that rank (a ladder's retired versions, with no
    // counted games, would leave the fit without a finite interval).
    let fitted: Vec<usize> = match extras.active {
        Some(active) => active.iter().copied().filter(|&b| b < bots).collect(),
        None => (0..bots).collect(),
    };
    let slot: Vec<Option<usize>> = (0..bots)
        .map(|b| fitted.iter().position(|&f| f == b))
        .collect();
    let mut results = Results::new(fitted.len());
    // Sorted by id so that float sums do not depend on the order matches finished in.
    let counted = |m: &&Outcomes| {
        !m.void
            && extras
                .active
                .is_none_or(|a| m.seats.iter().all(|s| a.contains(s)))
    };
    let mut sorted: Vec<&Outcomes> = finished.iter().filter(counted).collect();
    sorted.sort_by_key(|m| m.id);
    let mut seats = crate::game::SEATS;
    for m in &sorted {
        seats = seats.max(m.seats.len());
        tally(
            m,
            &extras.place_points,
            &mut rows,
            &mut cross,
            &mut results,
            &slot,
        );
    }
    for &b in extras.byes {
        if let Some(row) = rows.get_mut(b) {
            row.byes += 1;
            row.points += 1.0;
        }
    }
    let totals: Vec<f64> = rows.iter().map(|r| r.points).collect();
    for m in &sorted {
        let places = m.places();
        for seat in 0..m.seats.len() {
            let me = m.seats[seat];
            for other in (0..m.seats.len()).filter(|&o| o != seat) {
                let them = m.seats[other];
                rows[me].sonneborn_berger += ahead(places[seat], places[other]) * totals[them];
                if extras.buchholz {
                    rows[me].buchholz += totals[them];
                }
            }
        }
    }
    let fit = rating::fit(&results);
    for row in &mut rows {
        // Points per game played: a Swiss bye's point is not a game.
        row.score = if row.games > 0 {
            (row.points - f64::from(row.byes)) / row.games as f64
        } else {
            0.0
        };
        row.payoff_per_turn = if row.turns > 0 {
            row.payoff / row.turns as f64
        } else {
            0.0
        };
        if let Some(r) = slot[row.bot].map(|i| &fit.ratings[i]) {
            row.elo = r.elo;
            row.elo_low = r.low;
            row.elo_high = r.high;
        }
    }
    rows.sort_by(|a, b| {
        let score = if extras.by_score && ranking == Ranking::Points {
            b.score.total_cmp(&a.score)
        } else {
            std::cmp::Ordering::Equal
        };
        score.then(rank_order(a, b, ranking, extras.buchholz))
    });
    if let Some(active) = extras.active {
        rows.retain(|r| active.contains(&r.bot));
    }
    for (i, row) in rows.iter_mut().enumerate() {
        row.rank = i + 1;
    }
    Standings {
        rows,
        cross,
        seats,
        games_played: finished.len(),
        regularised: fit.regularised,
        ranking,
    }
}

/// Adds one match to the rows, the crosstable and the rating fit's games (`slot`: each
/// bot's place in the fit, if it is fitted).
fn tally(
    m: &Outcomes,
    worth: &PlacePoints,
    rows: &mut [Row],
    cross: &mut [Vec<(f64, u32)>],
    results: &mut Results,
    slot: &[Option<usize>],
) {
    let n = m.seats.len();
    let places = m.places();
    let points = worth.of(&places, &m.scores);
    for seat in 0..n {
        let me = m.seats[seat];
        let row = &mut rows[me];
        row.points += points[seat];
        row.games += 1;
        match m.outcomes[seat] {
            Outcome::Win => row.wins += 1,
            Outcome::Draw => row.draws += 1,
            Outcome::Loss => row.losses += 1,
        }
        let place = places[seat].clamp(1, n);
        if row.placed.len() < place {
            row.placed.resize(place, 0);
        }
        row.placed[place - 1] += 1;
        row.place_sum += place as u64;
        if let Some(kind) = m.faults[seat] {
            *row.faults.entry(kind).or_insert(0) += 1;
        }
        let payoff = m.scores[seat].filter(|s| s.is_finite()).unwrap_or(0.0);
        row.payoff += payoff;
        row.turns += u64::from(m.turns);
        for other in (0..n).filter(|&o| o != seat) {
            let cell = &mut cross[me][m.seats[other]];
            cell.0 += ahead(places[seat], places[other]);
            cell.1 += 1;
        }
    }
    // Bradley–Terry on the placement's pairs; each of a seat's n − 1 pairs weighs
    // 1/(n − 1), so a match counts as one game per bot (the pairs of one placement are
    // not independent games: counting each fully would narrow the intervals).
    let weight = 1.0 / (n - 1).max(1) as f64;
    for i in 0..n {
        for j in i + 1..n {
            if let (Some(a), Some(b)) = (slot[m.seats[i]], slot[m.seats[j]]) {
                results.add_weighted(a, b, ahead(places[i], places[j]), weight);
            }
        }
    }
}

/// Best first: the knockout round reached, then the measure (payoff per turn, or
/// points), then Buchholz (Swiss), Sonneborn–Berger, and the file order.
fn rank_order(a: &Row, b: &Row, ranking: Ranking, buchholz: bool) -> std::cmp::Ordering {
    let tie_break = if buchholz {
        b.buchholz.total_cmp(&a.buchholz)
    } else {
        std::cmp::Ordering::Equal
    };
    let by_points = b
        .points
        .total_cmp(&a.points)
        .then(tie_break)
        .then(b.sonneborn_berger.total_cmp(&a.sonneborn_berger));
    let measure = match ranking {
        Ranking::Points => by_points,
        Ranking::Payoff => b
            .payoff_per_turn
            .total_cmp(&a.payoff_per_turn)
            .then(by_points),
    };
    b.stage.cmp(&a.stage).then(measure).then(a.bot.cmp(&b.bot))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cage::FaultKind;

    #[test]
    fn standings_points_record_and_sonneborn_berger_by_hand() {
        // A beat B, A drew C, B beat C; then C beat B on a timeout of B's.
        let mut games = vec![
            Outcomes::decided(0, 0, 1, Outcome::Win),
            Outcomes::decided(1, 0, 2, Outcome::Draw),
            Outcomes::decided(2, 1, 2, Outcome::Win),
        ];
        let mut timeout = Outcomes::decided(3, 2, 1, Outcome::Win);
        timeout.faults[1] = Some(FaultKind::Timeout);
        games.push(timeout);
        let s = compute(3, &games, Ranking::Points);
        // Points: A 1.5, B 1, C 1.5. SB = Σ points scored × opponent's total:
        // A: 1×1 (B) + ½×1.5 (C) = 1.75;  C: ½×1.5 (A) + 1×1 (B) = 1.75;  B: 1×1.5 = 1.5.
        // A and C tie on points and SB; the file order breaks the tie.
        let order: Vec<usize> = s.rows.iter().map(|r| r.bot).collect();
        assert_eq!(order, vec![0, 2, 1]);
        let a = &s.rows[0];
        assert_eq!(
            (a.points, a.games, a.wins, a.draws, a.losses),
            (1.5, 2, 1, 1, 0)
        );
        assert_eq!(a.score, 0.75);
        assert_eq!(a.sonneborn_berger, 1.75);
        let b = &s.rows[2];
        assert_eq!((b.points, b.wins, b.losses), (1.0, 1, 2));
        assert_eq!(b.sonneborn_berger, 1.5);
        assert_eq!(b.faults.get(&FaultKind::Timeout), Some(&1));
        assert_eq!(s.cross[1][2], (1.0, 2), "B against C: 1 of 2");
        assert_eq!(s.cross[0][1], (1.0, 1));
        assert_eq!(
            s.rows.iter().map(|r| r.rank).collect::<Vec<_>>(),
            vec![1, 2, 3]
        );
        assert_eq!(s.games_played, 4);
        // The order matches finished in does not matter.
        games.reverse();
        assert_eq!(compute(3, &games, Ranking::Payoff).ranking, Ranking::Payoff);
        assert_eq!(compute(3, &games, Ranking::Points), s);
    }

    /// 200-turn IPD: two Tit For Tats cooperate (600 each); each against Defector gets
    /// 199 to its 204. Defector wins every match yet has the lowest payoff per turn —
    /// the ranking Axelrod's tournaments give.
    #[test]
    fn payoff_ranking_puts_defector_last_though_it_never_loses() {
        let ipd = |id, a, b, sa: f64, sb: f64| {
            let outcome = if sa > sb {
                Outcome::Win
            } else if sa < sb {
                Outcome::Loss
            } else {
                Outcome::Draw
            };
            let mut o = Outcomes::decided(id, a, b, outcome);
            o.scores = vec![Some(sa), Some(sb)];
            o.turns = 200;
            o
        };
        let games = vec![
            ipd(0, 0, 1, 600.0, 600.0),
            ipd(1, 0, 2, 199.0, 204.0),
            ipd(2, 1, 2, 199.0, 204.0),
        ];
        let by_points = compute(3, &games, Ranking::Points);
        assert_eq!(by_points.rows[0].bot, 2, "Defector has the most points");
        let by_payoff = compute(3, &games, Ranking::Payoff);
        let order: Vec<usize> = by_payoff.rows.iter().map(|r| r.bot).collect();
        assert_eq!(order, [0, 1, 2]);
        assert_eq!(by_payoff.rows[0].payoff, 799.0);
        assert_eq!(by_payoff.rows[0].payoff_per_turn, 799.0 / 400.0);
        assert_eq!(by_payoff.rows[2].payoff_per_turn, 408.0 / 400.0);
    }
}

#[cfg(test)]
mod place_tests {
    use super::*;

    #[test]
    fn places_are_worth_linear_points_a_table_or_the_rewards_and_ties_share() {
        let linear = PlacePoints::Linear;
        assert_eq!(
            linear.of(&[1, 2, 3, 4], &[]),
            [1.0, 2.0 / 3.0, 1.0 / 3.0, 0.0]
        );
        // Two sharing 2nd fill 2nd and 3rd: (⅔ + ⅓) / 2 each.
        assert_eq!(linear.of(&[1, 2, 2, 4], &[]), [1.0, 0.5, 0.5, 0.0]);
        // Two seats: a win, a draw, whatever the table.
        let table = PlacePoints::Table(vec![10.0, 5.0, 1.0]);
        assert_eq!(table.of(&[2, 1], &[]), [0.0, 1.0]);
        assert_eq!(table.of(&[1, 1], &[]), [0.5, 0.5]);
        assert_eq!(table.of(&[3, 1, 1], &[]), [1.0, 7.5, 7.5]);
        let rewards = PlacePoints::Rewards;
        assert_eq!(
            rewards.of(&[2, 1, 3], &[Some(3.0), Some(9.0), None]),
            [3.0, 9.0, 0.0]
        );
        assert!(table.check(3).is_ok());
        assert!(table.check(4).unwrap_err().contains("4 for 4 seats, not 3"));
        assert!(PlacePoints::Table(vec![1.0, f64::NAN, 0.0])
            .check(3)
            .is_err());
    }
}
