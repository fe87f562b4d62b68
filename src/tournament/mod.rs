//! Round-robin tournaments: the file format, the schedule, the parallel runner, the
//! crash-safe journal, standings with Bradley–Terry ratings, and the YAML export.

pub mod config;
pub mod export;
pub mod journal;
pub mod rating;
pub mod runner;
pub mod schedule;
pub mod standings;

pub use config::Tournament;
pub use export::Export;
pub use journal::{Entry, Journal, RunInfo};
pub use runner::{Event, Options, Summary};
pub use standings::Standings;
