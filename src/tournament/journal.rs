//! A run folder: `run.json` (the tournament as it was when the run began, bots hashed),
//! `journal.jsonl` (one finished match per line, flushed to disk as each ends),
//! `replays/`, and the standings. It is what makes a run resumable and crash-safe.

use super::config::Tournament;
use super::standings::Outcomes;
use crate::cage::{FaultKind, Limits};
use crate::error::{ConfigError, JournalError};
use crate::game::{GameKind, Outcome, TimeControl};
use crate::referee::MatchRecord;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const RUN_FORMAT: &str = "cagematch-run";

/// `run.json`: enough to rebuild the exact schedule, and to notice changed bots.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunInfo {
    pub format: String,
    pub version: u32,
    pub tournament_file: String,
    pub name: String,
    pub game: GameKind,
    pub configuration: Value,
    pub games_per_pair: u32,
    pub seed: u64,
    pub time_control: TimeControl,
    pub limits: Limits,
    pub modules: Vec<String>,
    pub bots: Vec<RunBot>,
    pub started: String,
    pub matches: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunBot {
    pub name: String,
    pub file: String,
    pub sha256: String,
}

/// One line of `journal.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub id: usize,
    /// Bot indexes (into `run.json`'s `bots`), seat 1 first, and their names.
    pub seats: [usize; 2],
    pub names: [String; 2],
    pub seed: u64,
    pub outcomes: [Outcome; 2],
    pub scores: [Option<f64>; 2],
    pub faults: [Option<FaultNote>; 2],
    pub frames: usize,
    pub reason: String,
    /// The replay, relative to the run folder.
    pub replay: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultNote {
    pub kind: FaultKind,
    pub detail: String,
}

impl Entry {
    pub fn from_record(id: usize, seats: [usize; 2], record: &MatchRecord, replay: &str) -> Entry {
        let r = &record.result;
        Entry {
            id,
            seats,
            names: [record.bots[0].name.clone(), record.bots[1].name.clone()],
            seed: record.seed,
            outcomes: [r.outcomes[0], r.outcomes[1]],
            scores: [r.scores[0], r.scores[1]],
            faults: std::array::from_fn(|i| {
                r.faults[i].as_ref().map(|f| FaultNote {
                    kind: f.kind,
                    detail: f.detail.clone(),
                })
            }),
            frames: record.frames.len(),
            reason: r.reason.clone(),
            replay: replay.to_string(),
        }
    }

    pub fn outcomes(&self) -> Outcomes {
        Outcomes {
            id: self.id,
            seats: self.seats,
            outcomes: self.outcomes,
            faults: [
                self.faults[0].as_ref().map(|f| f.kind),
                self.faults[1].as_ref().map(|f| f.kind),
            ],
        }
    }
}

impl RunInfo {
    pub fn of(t: &Tournament, matches: usize) -> RunInfo {
        RunInfo {
            format: RUN_FORMAT.into(),
            version: 1,
            tournament_file: t.file.display().to_string(),
            name: t.name.clone(),
            game: t.game,
            configuration: t.configuration.clone(),
            games_per_pair: t.games_per_pair,
            seed: t.seed,
            time_control: t.time_control,
            limits: t.limits.clone(),
            modules: t.modules.clone(),
            bots: t
                .bots
                .iter()
                .map(|b| RunBot {
                    name: b.name.clone(),
                    file: b.path.display().to_string(),
                    sha256: b.sha256.clone(),
                })
                .collect(),
            started: super::export::now_utc(),
            matches,
        }
    }
}

/// An open run folder.
pub struct Journal {
    pub dir: PathBuf,
    file: std::fs::File,
}

impl Journal {
    /// Creates `output/<name>-<UTC time>/` with `run.json` and an empty journal.
    pub fn create(output: &Path, info: &RunInfo) -> Result<Journal, JournalError> {
        let slug: String = info
            .name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        let stamp: String = info
            .started
            .chars()
            .filter(|c| c.is_ascii_digit())
            .collect();
        let mut dir = output.join(format!("{}-{stamp}", slug.trim_matches('-')));
        let mut n = 1;
        while dir.exists() {
            n += 1;
            dir = output.join(format!("{}-{stamp}-{n}", slug.trim_matches('-')));
        }
        std::fs::create_dir_all(dir.join("replays")).map_err(|e| {
            JournalError::Write(format!(
                "{}: cannot create the run folder: {e}",
                dir.display()
            ))
        })?;
        let text =
            serde_json::to_string_pretty(info).map_err(|e| JournalError::Write(e.to_string()))?;
        std::fs::write(dir.join("run.json"), text + "\n").map_err(|e| {
            JournalError::Write(format!("{}: cannot write run.json: {e}", dir.display()))
        })?;
        Journal::open(&dir)
    }

    /// Opens an existing run folder for appending, cutting off a half-written last line
    /// (the runner was killed mid-write), and returns what it already holds.
    pub fn resume(dir: &Path) -> Result<(Journal, RunInfo, Vec<Entry>), JournalError> {
        let shown = dir.display();
        let text = std::fs::read_to_string(dir.join("run.json")).map_err(|e| {
            ConfigError::new(
                &shown,
                format!("not a run folder (no readable run.json: {e})"),
            )
        })?;
        let run_json = format!("{shown}/run.json");
        let info: RunInfo = serde_json::from_str(&text)
            .map_err(|e| ConfigError::new(&run_json, format!("malformed: {e}")))?;
        if info.format != RUN_FORMAT || info.version != 1 {
            return Err(ConfigError::new(&run_json, "not a version 1 cagematch run").into());
        }
        let path = dir.join("journal.jsonl");
        let journal = std::fs::read_to_string(&path).unwrap_or_default();
        let complete = journal.rfind('\n').map_or(0, |i| i + 1);
        let mut entries = Vec::new();
        for (n, line) in journal[..complete].lines().enumerate() {
            let entry: Entry = serde_json::from_str(line).map_err(|e| {
                ConfigError::at(
                    path.display(),
                    n + 1,
                    format!("malformed journal line: {e}"),
                )
            })?;
            entries.push(entry);
        }
        if complete < journal.len() {
            let f = std::fs::OpenOptions::new()
                .write(true)
                .open(&path)
                .map_err(|e| JournalError::Write(format!("{}: {e}", path.display())))?;
            f.set_len(complete as u64)
                .map_err(|e| JournalError::Write(format!("{}: {e}", path.display())))?;
        }
        Ok((Journal::open(dir)?, info, entries))
    }

    fn open(dir: &Path) -> Result<Journal, JournalError> {
        let path = dir.join("journal.jsonl");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| JournalError::Write(format!("{}: cannot open: {e}", path.display())))?;
        Ok(Journal {
            dir: dir.to_path_buf(),
            file,
        })
    }

    /// Appends one finished match and makes sure it is on disk.
    pub fn append(&mut self, entry: &Entry) -> Result<(), JournalError> {
        let mut line =
            serde_json::to_string(entry).map_err(|e| JournalError::Write(e.to_string()))?;
        line.push('\n');
        self.file
            .write_all(line.as_bytes())
            .and_then(|()| self.file.sync_data())
            .map_err(|e| {
                JournalError::Write(format!(
                    "{}/journal.jsonl: cannot write: {e}",
                    self.dir.display()
                ))
            })
    }
}
