//! A watched ladder's public folder (`DIR/public/`), what a website serves: the HTML
//! report with a page per match, `standings.json` (schema `cagematch-standings` 1,
//! docs/organising.md), and the latest batch's check report. Every file is written
//! under a hidden name and renamed into place, and the replay pages go into a new
//! folder per batch that the report names only once it is whole (the previous batch's
//! stays, for pages already open), so a website never serves half of anything.

use crate::error::Error;
use crate::tournament::{Entry, Journal, RunInfo};
use serde::Serialize;
use std::path::Path;

/// `standings.json`'s schema name and version (a change that drops or renames a field
/// is a new version).
pub const SCHEMA: &str = "cagematch-standings";
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Standings<'a> {
    schema: &'static str,
    version: u32,
    ladder: String,
    game: String,
    updated: &'a str,
    batch: u64,
    seats: usize,
    ranking: crate::game::Ranking,
    /// Games among the active versions (those the standings count).
    games_counted: usize,
    /// Every game in the journal, retired versions' too.
    games_played: usize,
    rating: RatingModel,
    bots: Vec<Bot>,
    retired: Vec<Retired>,
    report: &'static str,
    checks: &'static str,
}

#[derive(Serialize)]
struct RatingModel {
    model: &'static str,
    scale: &'static str,
    interval: f64,
}

#[derive(Serialize)]
struct Bot {
    rank: usize,
    name: String,
    version: String,
    sha256: String,
    added: Option<String>,
    games: u32,
    wins: u32,
    draws: u32,
    losses: u32,
    points: f64,
    score: f64,
    rating: Rating,
    /// Free-for-all ladders: how often it finished 1st, 2nd, …
    #[serde(skip_serializing_if = "Option::is_none")]
    places: Option<Vec<u32>>,
    faults: u32,
}

#[derive(Serialize)]
struct Rating {
    elo: f64,
    low: f64,
    high: f64,
}

#[derive(Serialize)]
struct Retired {
    name: String,
    version: String,
    sha256: String,
    added: Option<String>,
    retired: String,
}

/// Publishes the ladder's run (if it has one) into `public`: batch `batch`, at `now`.
pub fn all(run_dir: &Path, public: &Path, batch: u64, now: &str) -> Result<(), Error> {
    let (info, entries) = if Journal::is_run_folder(run_dir) {
        let (info, entries) = Journal::read(run_dir)?;
        (Some(info), entries)
    } else {
        (None, Vec::new())
    };
    // One fit for the report and standings.json alike.
    let run = info.as_ref().map(|info| (info, info.standings(&entries)));
    if let Some((info, standings)) = &run {
        report(run_dir, info, standings, &entries, public, batch)?;
    }
    let json = standings_json(run.as_ref().map(|(i, s)| (*i, s)), &entries, batch, now);
    crate::files::write_replacing(&public.join("standings.json"), &json, "standings")?;
    Ok(())
}

/// The report and its pages: pages into `replays-BATCH/`, then the report naming them,
/// then every older pages folder but the one before goes.
fn report(
    run_dir: &Path,
    info: &RunInfo,
    standings: &crate::tournament::Standings,
    entries: &[Entry],
    public: &Path,
    batch: u64,
) -> Result<(), Error> {
    let name = format!("replays-{batch:06}");
    let pages = public.join(&name);
    // Left by a batch cut short: made again whole.
    let _ = std::fs::remove_dir_all(&pages);
    // The newest earlier pages folder: its pages are linked, not drawn again.
    let previous = newest_pages(public, &name);
    let html = super::super::report::html_with_pages(
        run_dir,
        &crate::tournament::ladder::named(info),
        standings,
        entries,
        &pages,
        previous.as_deref().map(|p| public.join(p)).as_deref(),
    )?;
    crate::files::write_replacing(&public.join("report.html"), &html, "report")?;
    let previous = previous.unwrap_or_default();
    if let Ok(listing) = std::fs::read_dir(public) {
        for entry in listing.filter_map(Result::ok) {
            let n = entry.file_name().to_string_lossy().into_owned();
            if n.starts_with("replays-") && n != name && n != previous {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    Ok(())
}

/// The name of the newest `replays-*` folder in `public` but `current`.
fn newest_pages(public: &std::path::Path, current: &str) -> Option<String> {
    std::fs::read_dir(public)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("replays-") && n != current)
        .max()
}

fn standings_json(
    run: Option<(&RunInfo, &crate::tournament::Standings)>,
    entries: &[Entry],
    batch: u64,
    now: &str,
) -> String {
    let clean = |s: &str| crate::cage::sanitize(s.as_bytes());
    let short = |sha: &str| sha.get(..8).unwrap_or(sha).to_string();
    let mut doc = Standings {
        schema: SCHEMA,
        version: SCHEMA_VERSION,
        ladder: String::new(),
        game: String::new(),
        updated: now,
        batch,
        seats: crate::game::SEATS,
        ranking: Default::default(),
        games_counted: 0,
        games_played: entries.len(),
        rating: RatingModel {
            model: "bradley-terry",
            scale: "elo",
            interval: 0.95,
        },
        bots: Vec::new(),
        retired: Vec::new(),
        report: "report.html",
        checks: "checks/latest.json",
    };
    if let Some((info, standings)) = run {
        doc.ladder = clean(&info.name);
        doc.game = info.game.to_string();
        doc.seats = info.seats;
        doc.ranking = info.ranking;
        let active = |b: usize| info.bots.get(b).is_some_and(|v| v.retired.is_none());
        doc.games_counted = entries
            .iter()
            .filter(|e| e.void.is_none() && e.seats.iter().all(|&b| active(b)))
            .count();
        let mut last: Option<(usize, usize)> = None;
        for (i, row) in standings.rows.iter().filter(|r| active(r.bot)).enumerate() {
            let v = &info.bots[row.bot];
            // Ties share a place, as in the standings (ranks renumbered without the
            // retired versions' rows).
            let rank = match last {
                Some((was, shown)) if was == row.rank => shown,
                _ => i + 1,
            };
            last = Some((row.rank, rank));
            doc.bots.push(Bot {
                rank,
                name: clean(&v.name),
                version: short(&v.sha256),
                sha256: v.sha256.clone(),
                added: v.added.as_deref().map(clean),
                games: row.games,
                wins: row.wins,
                draws: row.draws,
                losses: row.losses,
                points: row.points,
                score: (row.score * 10_000.0).round() / 10_000.0,
                rating: Rating {
                    elo: tenth(row.elo),
                    low: tenth(row.elo_low),
                    high: tenth(row.elo_high),
                },
                places: (info.seats > crate::game::SEATS).then(|| row.placed.clone()),
                faults: row.faults.values().sum(),
            });
        }
        for v in info.bots.iter().filter(|v| v.retired.is_some()) {
            doc.retired.push(Retired {
                name: clean(&v.name),
                version: short(&v.sha256),
                sha256: v.sha256.clone(),
                added: v.added.as_deref().map(clean),
                retired: clean(v.retired.as_deref().unwrap_or_default()),
            });
        }
    }
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

/// To a tenth of a point (no fit is finer). JSON has no infinity: an interval without
/// an end (a version with no games yet) is given as ±10000.
fn tenth(x: f64) -> f64 {
    if x.is_nan() {
        0.0
    } else {
        (x.clamp(-10_000.0, 10_000.0) * 10.0).round() / 10.0 + 0.0
    }
}

/// The batch the public folder's `standings.json` says (0 when there is none): a
/// restart numbers its batches on from there.
pub fn last_batch(public: &Path) -> u64 {
    let Ok(text) = crate::files::read_text(
        &public.join("standings.json"),
        16 * 1024 * 1024,
        "standings",
        crate::files::Links::Refuse,
    ) else {
        return 0;
    };
    serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v.get("batch")?.as_u64())
        .unwrap_or(0)
}
