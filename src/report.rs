//! Headless output: one progress line per finished match, faults as they happen, and
//! the standings table with the crosstable at the end. Plain text for logs and pipes.

use crate::cage::sanitize;
use crate::game::Outcome;
use crate::game::Ranking;
use crate::tournament::results::Row;
use crate::tournament::{Entry, Standings};
use std::time::Instant;

pub struct Progress {
    start: Instant,
    /// Matches already in the journal when this process started (resume).
    already: usize,
}

impl Progress {
    pub fn new(already: usize) -> Progress {
        Progress {
            start: Instant::now(),
            already,
        }
    }

    /// The progress line for a finished match, and a line per fault in it.
    pub fn finished(&self, entry: &Entry, done: usize, total: usize) -> Vec<String> {
        let played = done.saturating_sub(self.already);
        let secs = self.start.elapsed().as_secs_f64();
        let rate = if secs > 0.0 {
            played as f64 / secs
        } else {
            0.0
        };
        let eta = if rate > 0.0 {
            clock(total.saturating_sub(done) as f64 / rate)
        } else {
            "-".into()
        };
        let width = total.to_string().len();
        // Names and details may come from a run folder someone else wrote.
        let names: Vec<String> = entry.names.iter().map(|n| sanitize(n.as_bytes())).collect();
        let what = match (&entry.outcomes[..], &names[..]) {
            _ if entry.void.is_some() => format!(
                "{} VOID: {}",
                names.join(" vs "),
                sanitize(
                    crate::cage::log::cut(entry.void.as_deref().unwrap_or(""), 300).as_bytes()
                )
            ),
            ([Outcome::Win, _], [a, b]) => format!("{a} beat {b}"),
            ([_, Outcome::Win], [a, b]) => format!("{b} beat {a}"),
            (_, [a, b]) => format!("{a} drew with {b}"),
            _ => placings(entry, &names),
        };
        let mut lines = vec![format!(
            "[{done:>width$}/{total}] {rate:5.2} matches/s  ETA {eta:>5}  {what}"
        )];
        for (seat, fault) in entry.faults.iter().enumerate() {
            if let Some(f) = fault {
                lines.push(format!(
                    "  fault: {} ({}) {}",
                    sanitize(entry.names[seat].as_bytes()),
                    f.kind,
                    sanitize(f.detail.as_bytes())
                ));
            }
        }
        lines
    }
}

/// A free-for-all's result in words, best first: "1st a, 2nd b, 2nd c, 4th d".
pub fn placings(entry: &Entry, names: &[String]) -> String {
    let places = crate::referee::seat_places(&entry.outcomes, &entry.scores);
    let mut order: Vec<usize> = (0..names.len().min(places.len())).collect();
    order.sort_by_key(|&i| places[i]);
    order
        .iter()
        .map(|&i| format!("{} {}", crate::referee::ordinal(places[i]), names[i]))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A void match as reports show it: escaped, its error cut.
#[derive(Debug, Clone, PartialEq)]
pub struct VoidMatch {
    /// From 1.
    pub number: usize,
    /// The seats' names, seat 1 first.
    pub names: Vec<String>,
    pub why: String,
}

/// The void matches among `entries`, by match number.
pub fn void_matches(entries: &[Entry]) -> Vec<VoidMatch> {
    let mut out: Vec<VoidMatch> = entries
        .iter()
        .filter_map(|e| {
            let why = e.void.as_ref()?;
            Some(VoidMatch {
                number: e.id + 1,
                names: e.names.iter().map(|n| sanitize(n.as_bytes())).collect(),
                why: sanitize(crate::cage::log::cut(why, 500).as_bytes()),
            })
        })
        .collect();
    out.sort_by_key(|v| v.number);
    out
}

/// The lines under the standings that say which matches are void, if any.
pub fn void_lines(entries: &[Entry]) -> Vec<String> {
    let void = void_matches(entries);
    let Some(first) = void.first() else {
        return Vec::new();
    };
    let n = match void.len() {
        1 => "1 match is".to_string(),
        n => format!("{n} matches are"),
    };
    vec![format!(
        "{n} void: the game's own code failed, and they count for no one (journal.jsonl has each error); the first, #{}: {}",
        first.number,
        first.why
    )]
}

fn clock(secs: f64) -> String {
    let s = secs.round() as u64;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// An Elo difference as people read it: signed and whole (`+201`, `-45`, `+0`).
pub fn signed(v: f64) -> String {
    if v.is_finite() {
        // Rounded first, then `+ 0.0`: -0.3 reads `+0`, never `-0`.
        format!("{:+.0}", v.round() + 0.0)
    } else if v > 0.0 {
        "+inf".into()
    } else {
        "-inf".into()
    }
}

/// Points as people read them: halves as they are (`17.5`), a free-for-all's thirds and
/// sixths to two places (`25.33`).
pub fn points_text(v: f64) -> String {
    if (v * 2.0).fract() == 0.0 {
        v.to_string()
    } else {
        format!("{v:.2}")
    }
}

/// The columns of results: W D L with two seats; with more, how often each place was
/// reached and the mean place.
fn result_columns(s: &Standings, row: Option<&crate::tournament::Row>) -> String {
    if s.seats <= crate::game::SEATS {
        return match row {
            None => format!("{:>4} {:>4} {:>4}", "W", "D", "L"),
            Some(r) => format!("{:>4} {:>4} {:>4}", r.wins, r.draws, r.losses),
        };
    }
    let mut cells: Vec<String> = (1..=s.seats)
        .map(|p| match row {
            None => format!("{:>4}", crate::referee::ordinal(p)),
            Some(r) => format!("{:>4}", r.placed.get(p - 1).copied().unwrap_or(0)),
        })
        .collect();
    cells.push(match row {
        None => format!("{:>5}", "place"),
        Some(r) => format!("{:>5.2}", r.place_sum as f64 / f64::from(r.games.max(1))),
    });
    cells.join(" ")
}

/// The standings table and the crosstable, as lines.
pub fn standings(names: &[String], s: &Standings) -> Vec<String> {
    let names: Vec<String> = names.iter().map(|n| sanitize(n.as_bytes())).collect();
    let w = names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(3)
        .max(3)
        + 4;
    // What ranks first leads the table: a knockout's round reached, the payoff, and a
    // Swiss tournament's Buchholz after the points.
    let payoff = s.ranking == Ranking::Payoff;
    let knockout = s.rows.iter().any(|r| r.stage.is_some());
    let swiss = s.rows.iter().any(|r| r.byes > 0 || r.buchholz > 0.0) && !knockout;
    let mut lead = String::new();
    if knockout {
        lead.push_str("reached     ");
    }
    if payoff {
        lead.push_str("payoff/turn  ");
    }
    if swiss {
        lead.push_str("buchholz  ");
    }
    let mut out = vec![format!(
        "{:>4}  {:w$}  {lead}{:>6}  {:>5}  {}  {:>6}  {:>5}  {:>13}  {:>7}  faults",
        "rank",
        "bot",
        "points",
        "games",
        result_columns(s, None),
        "score",
        "elo",
        "95%",
        "SB"
    )];
    for (i, r) in s.rows.iter().enumerate() {
        let faults: Vec<String> = r.faults.iter().map(|(k, n)| format!("{k} {n}")).collect();
        let mut lead = String::new();
        if let Some(stage) = r.stage {
            let rounds = s.rows.iter().filter_map(|r| r.stage).max().unwrap_or(0);
            // A stage is the last round won; the champion's is one past the final, so
            // the finalist is two behind it and the semi-finalists three.
            let reached = match rounds.saturating_sub(stage) {
                0 if stage > 0 => "champion".to_string(),
                2 => "final".to_string(),
                3 => "semi-final".to_string(),
                _ => format!("round {}", stage + 1),
            };
            lead.push_str(&format!("{reached:<10}  "));
        }
        if payoff {
            lead.push_str(&format!("{:>11.4}  ", r.payoff_per_turn));
        }
        if swiss {
            lead.push_str(&format!("{:>8}  ", r.buchholz));
        }
        let rank = match crate::tournament::results::ties::shared_place(
            &s.rows,
            i,
            |r| r.rank,
            Row::level_with,
        ) {
            Some(place) => format!("={place}"),
            None => r.rank.to_string(),
        };
        out.push(format!(
            "{:>4}  {:w$}  {lead}{:>6}  {:>5}  {}  {:>5.1}%  {:>5}  {:>13}  {:>7.2}  {}",
            rank,
            names[r.bot],
            points_text(r.points),
            r.games,
            result_columns(s, Some(r)),
            r.score * 100.0,
            signed(r.elo),
            format!("[{}, {}]", signed(r.elo_low), signed(r.elo_high)),
            r.sonneborn_berger,
            if faults.is_empty() {
                "-".into()
            } else {
                faults.join(", ")
            }
        ));
    }
    if s.regularised {
        out.push(
            "(elo: someone won or lost every game, so one virtual draw per pair keeps ratings finite)"
                .into(),
        );
    }
    out.push(String::new());
    out.extend(crosstable(&names, s, w));
    out
}

/// The crosstable under the standings, in their order.
fn crosstable(names: &[String], s: &Standings, w: usize) -> Vec<String> {
    let mut out = Vec::new();
    out.push(if s.seats > crate::game::SEATS {
        "crosstable (matches the row bot finished ahead of the column bot, level ½):".into()
    } else {
        "crosstable (points of the row bot against the column bot):".into()
    });
    let order: Vec<usize> = s.rows.iter().map(|r| r.bot).collect();
    let cell = 7;
    let mut header = format!("{:w$}", "");
    for (i, _) in order.iter().enumerate() {
        header.push_str(&format!(" {:>cell$}", format!("#{}", i + 1)));
    }
    out.push(header);
    for (i, &a) in order.iter().enumerate() {
        let mut line = format!("{:w$}", format!("#{} {}", i + 1, names[a]));
        for &b in &order {
            let (p, g) = s.cross[a][b];
            let text = if a == b {
                "·".to_string()
            } else if g == 0 {
                "-".to_string()
            } else {
                format!("{}/{g}", points_text(p))
            };
            line.push_str(&format!(" {text:>cell$}"));
        }
        out.push(line);
    }
    out
}

/// An SPRT's outcome in words: the verdict, the LLR against its bounds, the pairs, the
/// pentanomial counts and A's Elo.
pub fn sprt(
    names: &[String],
    spec: &crate::tournament::format::sprt::SprtSpec,
    entries: &[Entry],
) -> Vec<String> {
    use crate::tournament::format::sprt::{self, Verdict};
    let s = sprt::status(spec, entries);
    let (lower, upper) = spec.bounds();
    let [a, b] = [0, 1].map(|i| sanitize(names.get(i).map_or("?", |n| n).as_bytes()));
    let verdict = match s.verdict {
        Verdict::H1 => format!(
            "H1 accepted: the games favour {a} being {} Elo stronger than {b} over {}",
            spec.elo1, spec.elo0
        ),
        Verdict::H0 => format!(
            "H0 accepted: the games favour {a} being {} Elo stronger than {b} over {}",
            spec.elo0, spec.elo1
        ),
        Verdict::Inconclusive => format!("inconclusive after the {} pairs allowed", spec.max_pairs),
        Verdict::Continue => "not decided yet (the run stopped early)".to_string(),
    };
    let [ll, ld, dd, wd, ww] = s.penta;
    let elo = sprt::elo(&s.penta).map_or_else(
        || "no finite estimate (one bot scored every point)".into(),
        |(e, w)| format!("{e:+.1} ± {w:.1} (95%, pentanomial)"),
    );
    vec![
        String::new(),
        format!(
            "SPRT elo0 {} elo1 {} alpha {} beta {}: {verdict}",
            spec.elo0, spec.elo1, spec.alpha, spec.beta
        ),
        format!(
            "LLR {:.2} (bounds {lower:.2}, {upper:.2}) after {} ({})",
            s.llr,
            crate::tui::widgets::count(s.pairs as usize, "pair", "pairs"),
            crate::tui::widgets::count(2 * s.pairs as usize, "game", "games")
        ),
        format!("pentanomial (pairs by {a}'s points: 0 ½ 1 1½ 2): {ll} {ld} {dd} {wd} {ww}"),
        format!("{a} against {b}: Elo {elo}"),
    ]
}
