//! `cagematch merge SHARD_DIR... --out DIR`: shards' run folders into one run folder —
//! the journal in schedule order, every replay copied byte for byte, the standings
//! written as a single machine's run writes them.

use crate::cli::MergeArgs;
use crate::error::Error;
use crate::tournament::merge::{self, ShardRun};
use crate::tournament::{Entry, Journal};
use std::process::ExitCode;

pub fn run(args: &MergeArgs) -> Result<ExitCode, Error> {
    if args.out.exists() {
        return Err(Error::Usage(format!(
            "{}: already exists; merge writes a new run folder (give another --out)",
            super::shown(&args.out)
        )));
    }
    let mut shards = Vec::with_capacity(args.shards.len());
    for dir in &args.shards {
        let (info, entries) = Journal::read(dir)?;
        shards.push(ShardRun {
            dir: dir.clone(),
            info,
            entries,
        });
    }
    let merged = merge::merge(shards).map_err(Error::Usage)?;
    let mut journal = Journal::create_at(&args.out, &merged.info)?;
    for (entry, from) in &merged.entries {
        // The journal checked that a replay's name is a plain file in replays/.
        let (source, target) = (from.join(&entry.replay), args.out.join(&entry.replay));
        std::fs::copy(&source, &target).map_err(|e| {
            Error::Runtime(format!(
                "{}: cannot copy the replay of match #{}: {e}",
                super::shown(&source),
                entry.id + 1
            ))
        })?;
        journal.append(entry)?;
    }
    let entries: Vec<Entry> = merged.entries.into_iter().map(|(e, _)| e).collect();
    let outcomes: Vec<_> = entries.iter().map(Entry::outcomes).collect();
    let info = &merged.info;
    let standings =
        info.plan(&entries)
            .standings(info.bots.len(), &outcomes, info.ranking, &info.schedule);
    super::run::standings_export(info, &standings, &entries)
        .write(&args.out.join("standings.yaml"))?;
    say!(
        "merged {} shards, {} matches, into {}",
        args.shards.len(),
        entries.len(),
        super::shown(&args.out)
    );
    let names: Vec<String> = info
        .bots
        .iter()
        .map(|b| crate::cage::sanitize(b.name.as_bytes()))
        .collect();
    for line in crate::report::standings(&names, &standings) {
        say!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}
