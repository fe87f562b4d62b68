//! Tournaments: the file format, the formats (round robin, gauntlet, Swiss, knockout)
//! and their schedules, the parallel runner, the crash-safe journal, standings with
//! Bradley–Terry ratings, and the YAML export.

pub mod config;
pub mod export;
pub mod format;
pub mod journal;
mod knockout;
pub mod merge;
pub mod rating;
pub mod runner;
pub mod schedule;
pub mod shard;
pub mod sprt;
pub mod standings;
mod swiss;

pub use config::Tournament;
pub use export::{Export, ExportRow, HeadToHead};
pub use journal::{Entry, Journal, RunInfo};
pub use runner::{Event, Options, Summary};
pub use standings::Standings;
