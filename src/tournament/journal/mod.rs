//! A run folder: `run.json` (the tournament as it was when the run began, bots hashed),
//! `journal.jsonl` (one finished match per line, flushed to disk as each ends),
//! `replays/`, and the standings. It is what makes a run resumable and crash-safe.

pub mod file;
pub mod record;
pub mod run_info;

pub use file::{parse_entries, write_replay, Journal};
pub use record::{Entry, FaultNote, RetryNote, ATTEMPTS};
pub use run_info::{slug, RunBot, RunInfo, RUN_FORMAT};
