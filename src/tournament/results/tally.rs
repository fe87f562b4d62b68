//! A run's standings and export from its journal, as its format ranks them: the one
//! function `run` (when it ends), `merge` (merged shards) and `report` (to share) call,
//! so every output of a run reads alike.

use super::export::Export;
use super::standings::Standings;
use crate::files::shown;
use crate::tournament::journal::{Entry, RunInfo};
use std::path::Path;

impl Export {
    /// The standings of `entries` (the run's finished matches) and their export.
    pub fn of_run(info: &RunInfo, entries: &[Entry]) -> (Standings, Export) {
        let standings = info.standings(entries);
        let export = Export::of_standings(info, &standings, entries);
        (standings, export)
    }

    /// The export of standings already computed for `entries` (`run` keeps the runner's).
    pub fn of_standings(info: &RunInfo, standings: &Standings, entries: &[Entry]) -> Export {
        let bots: Vec<(String, String)> = info
            .bots
            .iter()
            .map(|b| {
                (
                    crate::cage::sanitize(b.name.as_bytes()),
                    shown(Path::new(&b.file)),
                )
            })
            .collect();
        Export::of_format(
            &crate::cage::sanitize(info.name.as_bytes()),
            info.game,
            info.schedule.name(),
            &bots,
            standings,
        )
        .with_pairs(&bots, entries)
        .with_place_points(&info.place_points)
    }
}
