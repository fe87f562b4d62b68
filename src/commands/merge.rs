//! `cagematch merge SHARD_DIR... --out DIR`: shards' run folders into one run folder —
//! the journal in schedule order, every replay copied byte for byte, the standings
//! written as a single machine's run writes them.

use crate::beneath::{open_error, Folder};
use crate::cli::MergeArgs;
use crate::error::{ConfigError, Error};
use crate::tournament::merge::{self, ShardRun};
use crate::tournament::{Entry, Journal};
use std::process::ExitCode;

pub fn run(args: &MergeArgs) -> Result<ExitCode, Error> {
    if args.out.exists() {
        return Err(Error::Usage(format!(
            "{}: already exists; merge writes a new run folder (give another --out)",
            super::shared::shown(&args.out)
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
    // Written beside the target and renamed into place when complete: a merge that fails
    // half-way (a shard's replay refused, a full disk) leaves no half-merged run behind.
    let name = args.out.file_name().unwrap_or_default().to_string_lossy();
    let draft = args
        .out
        .with_file_name(format!(".{name}.merging-{}", std::process::id()));
    let written = write(&merged, &draft);
    let done = written.and_then(|n| {
        std::fs::rename(&draft, &args.out).map_err(|e| {
            Error::Runtime(format!(
                "{}: cannot finish the merge: {e}",
                super::shared::shown(&args.out)
            ))
        })?;
        Ok(n)
    });
    if done.is_err() {
        let _ = std::fs::remove_dir_all(&draft);
    }
    let (standings, info) = done?;
    say!(
        "merged {} shards, {} matches, into {}",
        args.shards.len(),
        info.matches,
        super::shared::shown(&args.out)
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

/// Writes the merged run into `dir`: `run.json`, every replay, the journal, the
/// standings. Returns the standings and the run.
fn write(
    merged: &merge::Merged,
    dir: &std::path::Path,
) -> Result<
    (
        crate::tournament::results::standings::Standings,
        crate::tournament::RunInfo,
    ),
    Error,
> {
    let mut journal = Journal::create_at(dir, &merged.info)?;
    for (entry, from) in &merged.entries {
        if entry.void.is_some() {
            journal.append(entry)?;
            continue;
        }
        // The journal checked that a replay's name is a plain file in replays/; a shard
        // folder may still come from a machine we do not control, so the replay is read
        // beneath the shard's folder (no link at any depth), capped, inflated and parsed
        // (a zstd bomb or garbage is refused here), and written anew.
        let shard = Folder::open(from).map_err(|e| {
            Error::Config(ConfigError::new(
                crate::files::shown(from),
                open_error(&e, "folder"),
            ))
        })?;
        let bytes = shard.read(&entry.replay, crate::replay::MAX_BYTES, "replay")?;
        crate::replay::check_bytes(&from.join(&entry.replay), bytes.clone())?;
        journal.write_replay(&entry.replay, &bytes)?;
        journal.append(entry)?;
    }
    let entries: Vec<Entry> = merged.entries.iter().map(|(e, _)| e.clone()).collect();
    let (standings, export) = crate::tournament::Export::of_run(&merged.info, &entries);
    export.write(&dir.join("standings.yaml"))?;
    Ok((standings, merged.info.clone()))
}
