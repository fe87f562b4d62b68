//! Tournaments: the file format (`config`), who plays whom (`format`: round robin,
//! gauntlet, Swiss, knockout, SPRT, ladder, shards) over the fixed `schedule` of seeds,
//! the parallel `runner`, the crash-safe run folder (`journal`), what the results say
//! (`results`: standings, ratings, the export), and `merge` for shards.
//!
//! The arrows point one way (`tests/it/layout/` checks it): config → format →
//! results; journal → config, format, results; runner → all of them.

pub mod config;
pub mod format;
pub mod journal;
pub mod ladder;
pub mod merge;
pub mod results;
pub mod runner;
pub mod schedule;

pub use config::Tournament;
pub use journal::{Entry, Journal, RunInfo};
pub use results::{Export, ExportRow, HeadToHead, Row, Standings};
pub use runner::{Event, Options, Summary};
