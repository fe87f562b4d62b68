//! A run's results as every report format reads them: the export's rows, the figures
//! each table shows, and the columns that rank or explain the format.

use crate::cage::FaultKind;
use crate::tournament::{Export, ExportRow};

/// What every format shows: the export, and how far the run got.
pub struct Results {
    pub export: Export,
    /// Matches the run's schedule holds (more than played when it was interrupted).
    pub matches: usize,
    pub played: usize,
    pub started: String,
    /// Matches the game's own code broke: (match number, the bots, why), escaped.
    pub void: Vec<crate::report::VoidMatch>,
    /// Every fault, in match order, with what it said.
    pub faulted: Vec<Faulted>,
    /// The latest matches played, newest first (at most [`LATEST`]).
    pub latest: Vec<Played>,
}

/// Most matches the report lists (newest first); every page is in its folder.
pub const LATEST: usize = 200;

/// A played match as the report lists it.
pub struct Played {
    pub number: usize,
    /// The seats' bots, made safe for a terminal.
    pub names: Vec<String>,
    /// "A won", "draw", or the order of places ("A > B = C"), or "void".
    pub result: String,
}

/// The latest [`LATEST`] matches of `entries`, newest (highest number) first.
pub fn latest(entries: &[crate::tournament::Entry]) -> Vec<Played> {
    let mut sorted: Vec<&crate::tournament::Entry> = entries.iter().collect();
    sorted.sort_by_key(|e| std::cmp::Reverse(e.id));
    sorted
        .into_iter()
        .take(LATEST)
        .map(|e| {
            let names: Vec<String> = e
                .names
                .iter()
                .map(|n| crate::cage::sanitize(n.as_bytes()))
                .collect();
            let places = crate::referee::seat_places(&e.outcomes, &e.scores);
            let result = if e.void.is_some() {
                "void".to_string()
            } else if places.iter().all(|&p| p == places[0]) {
                "draw".to_string()
            } else if let ([a, b], [x, y]) = (&names[..], &places[..]) {
                format!("{} won", if x < y { a } else { b })
            } else {
                let mut order: Vec<(usize, &String)> = places.iter().copied().zip(&names).collect();
                order.sort_by_key(|(p, _)| *p);
                let mut text = order[0].1.clone();
                for w in order.windows(2) {
                    text.push_str(if w[0].0 == w[1].0 { " = " } else { " > " });
                    text.push_str(w[1].1);
                }
                text
            };
            Played {
                number: e.id + 1,
                names,
                result,
            }
        })
        .collect()
}

/// One bot's fault in one match, as the reports list it (text from the journal, made
/// safe for a terminal; each format escapes it again).
pub struct Faulted {
    pub number: usize,
    pub bot: String,
    pub kind: FaultKind,
    pub detail: String,
}

/// Longest fault message a report shows.
const FAULT_CHARS: usize = 300;

/// The faults of `entries`, in match order.
pub fn faulted(entries: &[crate::tournament::Entry]) -> Vec<Faulted> {
    let mut out: Vec<Faulted> = entries
        .iter()
        .flat_map(|e| {
            e.faults.iter().enumerate().filter_map(move |(seat, f)| {
                let f = f.as_ref()?;
                Some(Faulted {
                    number: e.id + 1,
                    bot: crate::cage::sanitize(e.names.get(seat)?.as_bytes()),
                    kind: f.kind,
                    detail: crate::cage::sanitize(
                        crate::cage::log::cut(&f.detail, FAULT_CHARS).as_bytes(),
                    ),
                })
            })
        })
        .collect();
    out.sort_by_key(|f| f.number);
    out
}

impl Results {
    /// The fault kinds any bot has, in `FaultKind::ALL`'s order (the tables leave out
    /// the columns that would be all zeros).
    pub fn fault_kinds(&self) -> Vec<FaultKind> {
        FaultKind::ALL
            .into_iter()
            .filter(|k| self.export.standings.iter().any(|r| faults(r, *k) > 0))
            .collect()
    }

    /// One line under the title: game, format, progress, ranking, dates; `escape` is
    /// for the one part that comes from the run folder (its start time).
    pub fn summary(&self, escape: fn(&str) -> String) -> String {
        let e = &self.export;
        format!(
            "{} · {} · {} of {} matches played{} · ranked by {} · started {} · report {} by cagematch {}",
            e.game,
            e.format,
            self.played,
            self.matches,
            if self.played < self.matches {
                " (unfinished)"
            } else {
                ""
            },
            e.ranking.name(),
            escape(&self.started),
            e.date,
            env!("CARGO_PKG_VERSION")
        )
    }
}

/// A bot's count of one fault kind.
/// Row `i`'s place as the reports show it: `=1` for bots level on every figure (an exact
/// tie: neither is ahead), else its rank.
pub fn place(rows: &[ExportRow], i: usize) -> String {
    match crate::tournament::results::ties::shared_place(rows, i, |r| r.rank, ExportRow::level_with)
    {
        Some(place) => format!("={place}"),
        None => rows.get(i).map_or(String::new(), |r| r.rank.to_string()),
    }
}

pub fn faults(row: &ExportRow, kind: FaultKind) -> u32 {
    row.faults.get(&kind).copied().unwrap_or(0)
}

/// A bot's standing as every format shows it, in this order: points, games, wins,
/// draws, losses, score, Elo, and its interval's low and high ends.
pub fn figures(row: &ExportRow) -> [String; 9] {
    [
        number(row.points),
        row.games.to_string(),
        row.wins.to_string(),
        row.draws.to_string(),
        row.losses.to_string(),
        number(row.score),
        number(row.elo),
        number(row.elo_low),
        number(row.elo_high),
    ]
}

/// [`figures`] as people read them (the HTML and Markdown tables, like the terminal's):
/// the score as a percentage and Elo with its sign.
pub fn shown_figures(row: &ExportRow) -> [String; 9] {
    let mut shown = figures(row);
    let signed = crate::report::signed;
    shown[5] = format!("{:.1} %", row.score * 100.0);
    shown[6] = signed(row.elo);
    shown[7] = signed(row.elo_low);
    shown[8] = signed(row.elo_high);
    shown
}

/// A column the standings show only for some formats.
pub struct Column {
    pub header: &'static str,
    pub value: fn(&ExportRow) -> String,
}

/// The columns beyond [`figures`] that rank or explain this run's standings: the mean
/// payoff per turn when it ranks them (the iterated Prisoner's Dilemma), Swiss's
/// Buchholz and byes, the knockout round each bot reached, a free-for-all's places.
pub fn extra_columns(e: &Export) -> Vec<Column> {
    let mut columns = Vec::new();
    if e.seats.is_some() {
        columns.push(Column {
            header: "Places (1st · 2nd · …)",
            value: |r| places(r).join(" · "),
        });
        columns.push(Column {
            header: "Mean place",
            value: |r| r.mean_place.map(number).unwrap_or_default(),
        });
    }
    if e.ranking == crate::game::Ranking::Payoff {
        columns.push(Column {
            header: "Payoff/turn",
            value: |r| number(r.payoff_per_turn),
        });
    }
    if e.standings.iter().any(|r| r.buchholz.is_some()) {
        columns.push(Column {
            header: "Buchholz",
            value: |r| r.buchholz.map(number).unwrap_or_default(),
        });
        columns.push(Column {
            header: "Byes",
            value: |r| r.byes.map(|b| b.to_string()).unwrap_or_default(),
        });
    }
    if e.standings.iter().any(|r| r.round_reached.is_some()) {
        columns.push(Column {
            header: "Round",
            value: |r| r.round_reached.map(|n| n.to_string()).unwrap_or_default(),
        });
    }
    columns
}

/// A free-for-all bot's counts of each place, 1st first (empty with two seats).
pub fn places(row: &ExportRow) -> Vec<String> {
    row.places.iter().flatten().map(u32::to_string).collect()
}

/// A crosstable's points, short: `2` for 2.0, `1.5` for 1.5.
pub fn points(v: f64) -> String {
    format!("{v}")
}

/// All of a bot's faults.
pub fn total_faults(row: &ExportRow) -> u32 {
    row.faults.values().sum()
}

/// A number as the YAML export writes it (`serde_yaml` writes `12.0` for 12).
pub fn number(v: f64) -> String {
    if v.is_finite() && v.fract() == 0.0 {
        format!("{v:.1}")
    } else {
        format!("{v}")
    }
}
