//! What a run's results say: standings (points, W-D-L, faults, the crosstable), ratings
//! (Bradley–Terry Elo with intervals), and the export every output is built from.

pub mod export;
pub mod rating;
pub mod standings;
pub mod tally;
pub mod ties;

pub use export::{Export, ExportRow, HeadToHead};
pub use standings::{Outcomes, Row, Standings};
