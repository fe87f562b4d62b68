//! What comes into the UI (runner messages, keys, clicks, ticks) and what it asks of
//! the loop around it.

use crate::referee::{Frame, MatchRecord};
use crate::tournament::results::standings::Standings;
use crate::tournament::Entry;
use crossterm::event::{KeyEvent, MouseEvent};
use std::sync::Arc;
use std::time::Duration;

/// What the runner thread tells the UI (owned copies of the runner's events).
#[derive(Debug, Clone)]
pub enum RunnerMsg {
    Started {
        id: usize,
        /// Bot indexes, seat 1 first.
        seats: Vec<usize>,
    },
    /// New frames of the match the viewer watches (the runner sends only those).
    Frames {
        id: usize,
        frames: Vec<Frame>,
    },
    /// How far a running match nobody watches has got, and its newest frame (for the
    /// live wall), sent a few times a second at most.
    Progress {
        id: usize,
        count: usize,
        latest: Box<Frame>,
    },
    Finished {
        entry: Box<Entry>,
        /// None for a void match.
        record: Option<Arc<MatchRecord>>,
        standings: Box<Standings>,
    },
    Abandoned {
        id: usize,
    },
    /// How many matches the run will have (a Swiss or knockout run learns as it goes).
    Planned {
        total: usize,
    },
    /// The runner failed under a match, which starts again (`attempt` failed, from 1).
    Retried {
        id: usize,
        attempt: usize,
        reason: String,
    },
    /// The run is over (`interrupted`: stopped before the end).
    Done {
        interrupted: bool,
    },
    Failed(String),
}

#[derive(Debug, Clone)]
pub enum AppEvent {
    Runner(RunnerMsg),
    Key(KeyEvent),
    Mouse(MouseEvent),
    /// The terminal's size (sent before the first draw and on every resize), so clicks
    /// can be mapped to what is drawn where.
    Resize(u16, u16),
    /// Time passes: `elapsed` since the UI started.
    Tick(Duration),
    /// A replay read back from the run folder.
    Loaded {
        id: usize,
        record: Arc<MatchRecord>,
    },
}

/// What the loop around the app must do (the pure update function cannot: it has no
/// terminal, files or run to touch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Quit,
    /// Write the standings as YAML; the loop reports the path with [`App::said`].
    Export,
    /// Read a finished match's replay (its record was dropped to bound memory) and hand
    /// it back with [`AppEvent::Loaded`].
    /// A replay of the run folder `dir`, named as the journal names it.
    Load {
        id: usize,
        dir: std::path::PathBuf,
        replay: String,
    },
    /// Close the UI (stopping the run, resumably) and run `cagematch` with these
    /// arguments in this terminal: an SPRT started from the crosstable.
    Then(Vec<String>),
}
