//! What the UI knows of each match and fault: the match's frames so far or its whole
//! record, the fault feed's lines, and their words.

use crate::game::Outcome;
use crate::referee::{Frame, MatchRecord};
use crate::tournament::Entry;
use std::sync::Arc;

/// A match the UI knows: running (frames streaming in) or finished.
#[derive(Debug, Clone)]
pub struct MatchView {
    pub id: usize,
    /// Bot indexes, seat 1 first.
    pub seats: Vec<usize>,
    /// Frames received so far (only for a watched running match).
    pub frames: Vec<Frame>,
    /// Frames played so far, watched or not.
    pub count: usize,
    /// The newest frame of a running match nobody watches (the live wall draws it).
    pub latest: Option<Frame>,
    pub entry: Option<Entry>,
    pub record: Option<Arc<MatchRecord>>,
}

impl MatchView {
    pub fn new(id: usize, seats: Vec<usize>) -> MatchView {
        MatchView {
            id,
            seats,
            frames: Vec::new(),
            count: 0,
            latest: None,
            entry: None,
            record: None,
        }
    }

    pub fn frames(&self) -> &[Frame] {
        match &self.record {
            Some(r) => &r.frames,
            None => &self.frames,
        }
    }

    /// The newest frame known: the last streamed or recorded one, else the wall's.
    pub fn newest(&self) -> Option<&Frame> {
        self.frames().last().or(self.latest.as_ref())
    }

    /// Not finished: no journal entry and no whole record (a replay file has the
    /// record only).
    pub fn running(&self) -> bool {
        self.entry.is_none() && self.record.is_none()
    }
}

/// A line of the fault feed, with the match (and seat) it opens.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedItem {
    pub id: usize,
    /// The seat that faulted; `None` for a runner note (a retry).
    pub seat: Option<usize>,
    pub text: String,
}

/// A fault kind in words for the feed: "greedy timed out: on move 12: …".
pub fn fault_words(kind: crate::cage::FaultKind) -> &'static str {
    use crate::cage::FaultKind::*;
    match kind {
        Timeout => "timed out",
        Cpu => "ran out of CPU time",
        Memory => "ran out of memory",
        Crash => "crashed",
        Violation => "was killed by the sandbox",
        IllegalAction => "made an illegal move",
        Protocol => "sent a malformed reply",
        Exited => "exited",
        Runner => "lost its runner (not its fault)",
    }
}

pub fn outcome_word(o: Outcome) -> &'static str {
    match o {
        Outcome::Win => "won",
        Outcome::Loss => "lost",
        Outcome::Draw => "drew",
    }
}
