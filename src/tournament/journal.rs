//! A run folder: `run.json` (the tournament as it was when the run began, bots hashed),
//! `journal.jsonl` (one finished match per line, flushed to disk as each ends),
//! `replays/`, and the standings. It is what makes a run resumable and crash-safe.

use super::config::{Rules, Tournament};
use super::format::Format;
use super::schedule::Scheduled;
use super::shard::Shard;
use super::standings::{Outcomes, Ranking};
use crate::cage::{FaultKind, Limits};
use crate::error::{ConfigError, JournalError};
use crate::files::{read_text, Links};
use crate::game::{GameKind, Outcome, TimeControl};
use crate::referee::{MatchRecord, SeedKey};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const RUN_FORMAT: &str = "cagematch-run";
/// The most bots a run folder may name: its schedule (at most ~5·10¹⁰ matches with 1000
/// games per pair) is only built once `matches` agrees with it and is at most
/// [`MAX_MATCHES`].
const MAX_BOTS: usize = 10_000;
pub const MAX_MATCHES: u64 = 10_000_000;
/// Largest `run.json` read (10,000 bots with names and paths fit in a few MB).
const MAX_RUN_JSON_BYTES: u64 = 16 * 1024 * 1024;

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
    /// How standings rank (runs from before it existed ranked by points).
    #[serde(default)]
    pub ranking: Ranking,
    /// Who plays whom (runs from before it existed were round robins).
    #[serde(default)]
    pub schedule: Format,
    pub seed: u64,
    pub time_control: TimeControl,
    pub limits: Limits,
    pub modules: Vec<String>,
    /// The venv third-party modules come from, as the tournament file named it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venv: Option<String>,
    pub bots: Vec<RunBot>,
    pub started: String,
    pub matches: usize,
    /// The run's seed key (64 hex digits): bots' seeds come from it and the match seed.
    /// Secret like the run folder itself; replays do not hold it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed_key: Option<String>,
    /// The part of the schedule this run plays, when it is one shard of several
    /// (`cagematch merge` puts them together).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<Shard>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunBot {
    pub name: String,
    pub file: String,
    pub sha256: String,
    /// A ladder's versions: when this one joined (UTC), and why it left if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub added: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retired: Option<String>,
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
struct RetryLine {
    retry: RetryNote,
}

/// Longest retry reason kept (it is the runner's own text, but the file is read back).
const RETRY_REASON_CHARS: usize = 1000;

/// Largest journal read back (a 100-bot double round-robin is ~5 MB).
const MAX_JOURNAL_BYTES: u64 = 256 * 1024 * 1024;

/// The journal's text (a missing journal is an empty one: the run stopped before its
/// first match ended).
fn read_journal(path: &Path) -> Result<String, ConfigError> {
    if !path.exists() {
        return Ok(String::new());
    }
    read_text(path, MAX_JOURNAL_BYTES, "journal", Links::Follow)
}

/// The journal's complete lines, each checked against the run's schedule — which for
/// Swiss and knockout runs is the plan those very results give; a match recorded twice
/// is refused. `origin` names the file in errors.
pub fn parse_entries(origin: &str, lines: &str, info: &RunInfo) -> Result<Vec<Entry>, ConfigError> {
    let mut entries = Vec::new();
    let mut retries = Vec::new();
    // The line each match was recorded on, to refuse a second one.
    let mut seen: HashMap<usize, usize> = HashMap::new();
    for (n, line) in lines.lines().enumerate() {
        let at = |why: String| ConfigError::at(origin, n + 1, why);
        if line.starts_with(r#"{"retry":"#) {
            let RetryLine { retry } =
                serde_json::from_str(line).map_err(|e| at(format!("malformed retry line: {e}")))?;
            retries.push((n, retry));
            continue;
        }
        let entry: Entry =
            serde_json::from_str(line).map_err(|e| at(format!("malformed journal line: {e}")))?;
        if let Some(first) = seen.insert(entry.id, n + 1) {
            return Err(at(format!(
                "match #{} is already recorded on line {first}; a journal holds each match once (remove one of the lines)",
                entry.id + 1
            )));
        }
        entries.push((n, entry));
    }
    let done: Vec<Entry> = entries.iter().map(|(_, e)| e.clone()).collect();
    let plan = info.plan(&done);
    let planned: HashMap<usize, &Scheduled> = plan.matches.iter().map(|m| (m.id, m)).collect();
    for (n, entry) in &entries {
        entry
            .check(planned.get(&entry.id).copied(), plan.matches.len())
            .map_err(|why| ConfigError::at(origin, n + 1, why))?;
    }
    for (n, retry) in retries {
        if !planned.contains_key(&retry.id)
            || !(1..=super::runner::ATTEMPTS).contains(&retry.attempt)
            || retry.reason.chars().count() > RETRY_REASON_CHARS
        {
            return Err(ConfigError::at(
                origin,
                n + 1,
                format!(
                    "retry line for match #{} does not fit this run (remove the line)",
                    retry.id.saturating_add(1)
                ),
            ));
        }
    }
    Ok(entries.into_iter().map(|(_, e)| e).collect())
}

impl RunInfo {
    /// What the run's format plans after `done`.
    pub fn plan(&self, done: &[Entry]) -> super::format::Plan {
        let plan = self
            .schedule
            .plan(self.bots.len(), self.games_per_pair, self.seed, done);
        super::shard::part(self.shard, plan)
    }

    /// Parses and checks a `run.json` (named `origin` in errors).
    pub fn parse(origin: &str, text: &str) -> Result<RunInfo, ConfigError> {
        let info: RunInfo = serde_json::from_str(text)
            .map_err(|e| ConfigError::new(origin, format!("malformed: {e}")))?;
        if info.format != RUN_FORMAT || info.version != 1 {
            return Err(ConfigError::new(origin, "not a version 1 cagematch run"));
        }
        info.check().map_err(|why| ConfigError::new(origin, why))?;
        Ok(info)
    }

    /// `run.json` is hostile too: held to the checks its tournament file got, and its
    /// numbers and hashes to their shapes.
    pub fn check(&self) -> Result<(), String> {
        Rules {
            games_per_pair: self.games_per_pair,
            time_control: &self.time_control,
            limits: &self.limits,
            modules: &self.modules,
        }
        .check()
        .map_err(|(field, why)| format!("{field}: {why}"))?;
        if !(2..=MAX_BOTS).contains(&self.bots.len()) {
            return Err(format!("bots: a run has 2 to {MAX_BOTS} bots"));
        }
        for bot in &self.bots {
            let hex = bot.sha256.len() == 64 && bot.sha256.bytes().all(|b| b.is_ascii_hexdigit());
            if !hex {
                return Err(format!(
                    "bots: the sha256 of {} is not 64 hexadecimal digits",
                    crate::cage::sanitize(bot.name.as_bytes())
                ));
            }
        }
        self.schedule
            .check(self.bots.len())
            .map_err(|why| format!("schedule: {why}"))?;
        if let Some(s) = self.shard {
            if !(1..=super::shard::MAX_SHARDS).contains(&s.count) || s.index >= s.count {
                return Err(format!("shard: {s} is not shard I (from 0) of N shards"));
            }
            if !self.schedule.is_fixed() {
                return Err(format!(
                    "shard: a {} cannot be sharded (its next matches depend on results)",
                    self.schedule.name()
                ));
            }
        }
        if self.schedule.bound(self.bots.len(), self.games_per_pair) > MAX_MATCHES {
            return Err(format!("matches: more than {MAX_MATCHES} in one run"));
        }
        let total = self.plan(&[]).total as u64;
        if self.matches as u64 != total {
            return Err(format!(
                "matches: {} bots playing {} games per pair in a {} play {total} matches, not {}",
                self.bots.len(),
                self.games_per_pair,
                self.schedule.name(),
                self.matches
            ));
        }
        if self
            .seed_key
            .as_deref()
            .is_some_and(|k| SeedKey::from_hex(k).is_none())
        {
            return Err("seed_key: not 64 hexadecimal digits".into());
        }
        if total > MAX_MATCHES {
            return Err(format!("matches: more than {MAX_MATCHES} in one run"));
        }
        Ok(())
    }
}

impl Entry {
    /// A journal line must be a match of the run's schedule, with its seats, and its
    /// replay inside the run folder's `replays/`.
    fn check(&self, planned: Option<&Scheduled>, matches: usize) -> Result<(), String> {
        let Some(planned) = planned else {
            return Err(format!(
                "match #{} is not in this run's schedule of {matches} matches",
                self.id + 1,
            ));
        };
        if planned.seats != self.seats {
            return Err(format!(
                "match #{} has seats {:?}, but the schedule gives {:?}",
                self.id + 1,
                self.seats,
                planned.seats
            ));
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

    /// A finished match with only what schedules read (for the formats' unit tests).
    #[cfg(test)]
    pub fn test_entry(id: usize, seats: [usize; 2], seed: u64, first: Outcome) -> Entry {
        Entry {
            id,
            seats,
            names: [String::new(), String::new()],
            seed,
            outcomes: [first, first.opposite()],
            scores: [None, None],
            faults: [None, None],
            frames: 1,
            reason: String::new(),
            replay: String::new(),
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
            scores: self.scores,
            turns: self.frames.saturating_sub(1) as u32,
        }
    }
}

impl RunInfo {
    /// The same run: the same tournament, bots, seeds and shard, whenever it started.
    pub fn same_run(&self, other: &RunInfo) -> bool {
        let started = |i: &RunInfo| RunInfo {
            started: String::new(),
            ..i.clone()
        };
        started(self) == started(other)
    }

    /// The same tournament, whichever shard of it each plays (what merging needs).
    pub fn same_tournament(&self, other: &RunInfo) -> bool {
        let whole = |i: &RunInfo| RunInfo {
            started: String::new(),
            shard: None,
            matches: 0,
            ..i.clone()
        };
        whole(self) == whole(other)
    }

    pub fn of(t: &Tournament, matches: usize) -> RunInfo {
        RunInfo {
            format: RUN_FORMAT.into(),
            version: 1,
            tournament_file: t.file.display().to_string(),
            name: t.name.clone(),
            game: t.game,
            configuration: t.configuration.clone(),
            games_per_pair: t.games_per_pair,
            ranking: t.ranking,
            schedule: t.format.clone(),
            seed: t.seed,
            time_control: t.time_control,
            limits: t.limits.clone(),
            modules: t.modules.clone(),
            venv: t.venv.as_ref().map(|v| v.display().to_string()),
            bots: t
                .bots
                .iter()
                .map(|b| RunBot {
                    name: b.name.clone(),
                    file: b.path.display().to_string(),
                    sha256: b.sha256.clone(),
                    added: None,
                    retired: None,
                })
                .collect(),
            started: super::export::now_utc(),
            matches,
            seed_key: Some(t.key.hex()),
            shard: t.shard,
        }
    }
}

/// A tournament's name as a folder name: lower-case letters, digits and dashes.
pub fn slug(name: &str) -> String {
    let slug: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    slug.trim_matches('-').to_string()
}

/// An open run folder.
pub struct Journal {
    pub dir: PathBuf,
    file: std::fs::File,
}

impl Journal {
    /// Creates `output/<name>-<UTC time>/` with `run.json` and an empty journal.
    /// A run folder at exactly `dir` (a ladder's), made if missing; `run.json` written.
    pub fn create_at(dir: &Path, info: &RunInfo) -> Result<Journal, JournalError> {
        std::fs::create_dir_all(dir.join("replays")).map_err(|e| {
            JournalError::Write(format!(
                "{}: cannot create the run folder: {e}",
                dir.display()
            ))
        })?;
        Journal::write_info(dir, info)?;
        Journal::open(dir)
    }

    /// Writes `run.json` (whole, then renamed over the old one).
    pub fn write_info(dir: &Path, info: &RunInfo) -> Result<(), JournalError> {
        let text =
            serde_json::to_string_pretty(info).map_err(|e| JournalError::Write(e.to_string()))?;
        let tmp = dir.join("run.json.new");
        std::fs::write(&tmp, text + "\n")
            .and_then(|()| std::fs::rename(&tmp, dir.join("run.json")))
            .map_err(|e| {
                JournalError::Write(format!("{}: cannot write run.json: {e}", dir.display()))
            })
    }

    pub fn create(output: &Path, info: &RunInfo) -> Result<Journal, JournalError> {
        let slug = slug(&info.name);
        let stamp: String = info
            .started
            .chars()
            .filter(|c| c.is_ascii_digit())
            .collect();
        let mut dir = output.join(format!("{slug}-{stamp}"));
        let mut n = 1;
        while dir.exists() {
            n += 1;
            dir = output.join(format!("{slug}-{stamp}-{n}"));
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
        let (info, entries, complete, len) = Journal::read_parts(dir)?;
        let path = dir.join("journal.jsonl");
        if complete < len {
            let f = std::fs::OpenOptions::new()
                .write(true)
                .open(&path)
                .map_err(|e| JournalError::Write(format!("{}: {e}", path.display())))?;
            f.set_len(complete as u64)
                .map_err(|e| JournalError::Write(format!("{}: {e}", path.display())))?;
        }
        Ok((Journal::open(dir)?, info, entries))
    }

    /// Reads a run folder without changing it (`cagematch replay RUN_DIR`): what it was
    /// and the matches it finished (a half-written last line is ignored).
    pub fn read(dir: &Path) -> Result<(RunInfo, Vec<Entry>), JournalError> {
        let (info, entries, _, _) = Journal::read_parts(dir)?;
        Ok((info, entries))
    }

    /// The run, its complete entries, and the journal's complete and whole lengths.
    fn read_parts(dir: &Path) -> Result<(RunInfo, Vec<Entry>, usize, usize), JournalError> {
        let shown = dir.display();
        let run_file = dir.join("run.json");
        if !run_file.is_file() {
            return Err(ConfigError::new(&shown, "not a run folder (no run.json in it)").into());
        }
        let text = read_text(&run_file, MAX_RUN_JSON_BYTES, "run.json", Links::Follow)?;
        let info = RunInfo::parse(&format!("{shown}/run.json"), &text)?;
        let path = dir.join("journal.jsonl");
        let journal = read_journal(&path)?;
        let complete = journal.rfind('\n').map_or(0, |i| i + 1);
        let entries = parse_entries(&path.display().to_string(), &journal[..complete], &info)?;
        Ok((info, entries, complete, journal.len()))
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
        self.write_line(entry)
    }

    /// Records that a match is being played again after the runner failed under it.
    pub fn append_retry(&mut self, note: &RetryNote) -> Result<(), JournalError> {
        let mut retry = note.clone();
        retry.reason = retry.reason.chars().take(RETRY_REASON_CHARS).collect();
        self.write_line(&RetryLine { retry })
    }

    fn write_line(&mut self, value: &impl Serialize) -> Result<(), JournalError> {
        let mut line =
            serde_json::to_string(value).map_err(|e| JournalError::Write(e.to_string()))?;
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
