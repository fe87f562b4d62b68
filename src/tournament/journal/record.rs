//! One line of `journal.jsonl`: a finished match ([`Entry`]), or a note that a match was
//! played again because the runner failed under it ([`RetryNote`]).

use crate::cage::FaultKind;
use crate::game::Outcome;
use crate::referee::MatchRecord;
use crate::tournament::results::standings::Outcomes;
use crate::tournament::schedule::Scheduled;
use serde::{Deserialize, Serialize};

/// Plays of one match the runner's own failures may cost before the run stops.
pub const ATTEMPTS: usize = 3;

/// One line of `journal.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub id: usize,
    /// Bot indexes (into `run.json`'s `bots`), seat 1 first, and their names; the
    /// vectors have one entry per seat (two, or the run's `seats`).
    pub seats: Vec<usize>,
    pub names: Vec<String>,
    pub seed: u64,
    pub outcomes: Vec<Outcome>,
    pub scores: Vec<Option<f64>>,
    pub faults: Vec<Option<FaultNote>>,
    pub frames: usize,
    pub reason: String,
    /// The replay, relative to the run folder (none for a void match).
    pub replay: String,
    /// Why the match is void: the game's own code failed (an environment raised, hung or
    /// died). It counts for no one; `reason` says so too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub void: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultNote {
    pub kind: FaultKind,
    pub detail: String,
}

/// A journal line saying a match was played again because the runner failed under it
/// (`{"retry": {...}}`): a record of what happened, never a result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryNote {
    pub id: usize,
    /// The play that failed, from 1.
    pub attempt: usize,
    pub reason: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryLine {
    pub retry: RetryNote,
}

/// Longest game error kept in a void match's line (the traceback's end).
pub const VOID_REASON_CHARS: usize = 4000;

/// Longest retry reason kept (it is the runner's own text, but the file is read back).
pub const RETRY_REASON_CHARS: usize = 1000;

impl Entry {
    /// A journal line must be a match of the run's schedule, with its seats, and its
    /// replay inside the run folder's `replays/`.
    pub(super) fn check(&self, planned: Option<&Scheduled>, matches: usize) -> Result<(), String> {
        let Some(planned) = planned else {
            return Err(format!(
                "match #{} is not in this run's schedule of {matches} matches",
                self.id + 1,
            ));
        };
        let n = self.seats.len();
        if [
            self.names.len(),
            self.outcomes.len(),
            self.scores.len(),
            self.faults.len(),
        ] != [n; 4]
        {
            return Err(format!(
                "match #{} does not have one name, outcome, score and fault per seat",
                self.id + 1
            ));
        }
        if planned.seats != self.seats {
            return Err(format!(
                "match #{} has seats {:?}, but the schedule gives {:?}",
                self.id + 1,
                self.seats,
                planned.seats
            ));
        }
        if self.void.is_some() && self.replay.is_empty() {
            return Ok(());
        }
        let name = self.replay.strip_prefix("replays/").unwrap_or("");
        let plain =
            !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\', '\0']);
        if !plain {
            return Err(format!(
                "match #{}: its replay must be a file in replays/",
                self.id + 1
            ));
        }
        Ok(())
    }

    pub fn from_record(id: usize, seats: Vec<usize>, record: &MatchRecord, replay: &str) -> Entry {
        let r = &record.result;
        Entry {
            id,
            seats,
            names: record.bots.iter().map(|b| b.name.clone()).collect(),
            seed: record.seed,
            outcomes: r.outcomes.clone(),
            scores: r.scores.clone(),
            faults: r
                .faults
                .iter()
                .map(|f| {
                    f.as_ref().map(|f| FaultNote {
                        kind: f.kind,
                        detail: f.detail.clone(),
                    })
                })
                .collect(),
            frames: record.frames.len(),
            reason: r.reason.clone(),
            replay: replay.to_string(),
            void: None,
        }
    }

    /// A match the game's own code broke: recorded, with why, and counted for no one.
    pub fn void(id: usize, seats: Vec<usize>, names: Vec<String>, seed: u64, why: &str) -> Entry {
        let why = crate::cage::log::cut(why, VOID_REASON_CHARS);
        let n = seats.len();
        Entry {
            id,
            seats,
            names,
            seed,
            outcomes: vec![Outcome::Draw; n],
            scores: vec![None; n],
            faults: vec![None; n],
            frames: 0,
            reason: format!("void: {why}"),
            replay: String::new(),
            void: Some(why),
        }
    }

    /// A finished match with only what schedules read (the formats' unit tests, and
    /// the bench's simulated ladders).
    pub fn test_entry(id: usize, seats: &[usize], seed: u64, first: Outcome) -> Entry {
        Entry {
            id,
            seats: seats.to_vec(),
            names: vec![String::new(), String::new()],
            seed,
            outcomes: vec![first, first.opposite()],
            scores: vec![None, None],
            faults: vec![None, None],
            frames: 1,
            reason: String::new(),
            replay: String::new(),
            void: None,
        }
    }

    pub fn outcomes(&self) -> Outcomes {
        Outcomes {
            id: self.id,
            seats: self.seats.clone(),
            outcomes: self.outcomes.clone(),
            faults: self
                .faults
                .iter()
                .map(|f| f.as_ref().map(|f| f.kind))
                .collect(),
            scores: self.scores.clone(),
            turns: self.frames.saturating_sub(1) as u32,
            void: self.void.is_some(),
        }
    }
}
