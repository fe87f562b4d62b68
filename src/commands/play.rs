//! `cagematch match`: one match between bot files (two, or as many as the game's seats),
//! as text or one JSON object.

use super::shared::{fresh_seed, game_settings, start_cage, time_control};
use crate::botfile::BotFile;
use crate::cli::MatchArgs;
use crate::error::{Error, RunError};
use crate::game::{number, SEATS};
use crate::referee::{self, MatchRecord, MatchSpec, SeedKey};
use crate::replay;
use serde_json::json;
use std::collections::HashMap;
use std::process::ExitCode;

pub fn run(opts: MatchArgs) -> Result<ExitCode, Error> {
    let game = super::shared::game_or_environment(&opts.game, opts.game_venv.as_deref())?;
    game.check_seats(opts.bots.len())
        .map_err(|why| Error::Usage(format!("{why}: give one bot per seat")))?;
    let mut files = Vec::with_capacity(opts.bots.len());
    for path in &opts.bots {
        files.push(BotFile::read(path)?);
    }
    // Copies of one bot need telling apart: the second is "NAME (2)", and so on.
    let mut seen: HashMap<String, usize> = HashMap::new();
    for file in &mut files {
        let n = seen.entry(file.name.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            file.name = format!("{} ({n})", file.name);
        }
    }
    let (config, _) = game_settings(game, files.len(), &opts.rules)?;
    let time_control = time_control(game, &opts.rules)?;
    let seed = opts.seed.unwrap_or_else(fresh_seed);
    let cage = start_cage(&opts.rules)?;
    let spec = MatchSpec {
        game,
        config,
        seed,
        key: SeedKey::local()?,
        time_control,
        bots: files.iter().collect(),
        fairness: Default::default(),
        monitor: None,
    };
    // A match and its bots on one core: a move is a pipe round trip, several times
    // cheaper when neither side has to wake another CPU (see docs/performance.md).
    crate::affinity::pin_current_thread_here();
    let record = referee::play(&cage, &spec, &mut |_| {}).map_err(RunError::Match)?;
    if let Some(path) = &opts.replay {
        replay::write(path, &record, opts.timings)?;
    }
    if opts.json {
        say!("{}", summary_json(&record));
    } else {
        print_summary(&record, opts.replay.as_deref());
    }
    Ok(ExitCode::SUCCESS)
}

/// The one-object summary `--json` prints.
pub fn summary_json(record: &MatchRecord) -> serde_json::Value {
    let r = &record.result;
    let mut summary = json!({
        "game": record.game,
        "seed": record.seed,
        "bots": record.bots.iter().map(|b| &b.name).collect::<Vec<_>>(),
        "scores": r.scores.iter().map(|s| s.map(number)).collect::<Vec<_>>(),
        "outcomes": r.outcomes,
        "faults": r.faults.iter().map(|f| f.as_ref().map(|f| json!({
            "kind": f.kind,
            "detail": f.detail,
        }))).collect::<Vec<_>>(),
        "frames": record.frames.len(),
    });
    if record.bots.len() > SEATS {
        summary["places"] = json!(r.places());
    }
    summary
}

fn print_summary(record: &MatchRecord, replay: Option<&std::path::Path>) {
    let r = &record.result;
    say!(
        "{} · seed {} · {} frames",
        record.game,
        record.seed,
        record.frames.len()
    );
    let width = record.bots.iter().map(|b| b.name.len()).max().unwrap_or(0);
    let places = r.places();
    for (i, bot) in record.bots.iter().enumerate() {
        let score = r.scores[i].map_or_else(|| "-".to_string(), |s| s.to_string());
        // Two seats: win, loss or draw; more: the place.
        let result = match record.bots.len() {
            SEATS => r.outcomes[i].as_str().to_string(),
            _ => referee::ordinal(places[i]),
        };
        say!(
            "  seat {}  {:width$}  {result:4}  score {score}",
            i + 1,
            bot.name
        );
    }
    say!("{}", r.reason);
    for (i, fault) in r.faults.iter().enumerate() {
        if let Some(tb) = fault.as_ref().and_then(|f| f.traceback.as_ref()) {
            say!("traceback of {}:\n{tb}", record.bots[i].name);
        }
    }
    if let Some(last) = record.frames.last() {
        for line in record.game.draw(&last.state) {
            say!("  {line}");
        }
    }
    if let Some(path) = replay {
        say!("replay: {}", super::shared::shown(path));
    }
}
