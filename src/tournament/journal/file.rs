//! A run folder on disk: `run.json`, `journal.jsonl` (one finished match per line,
//! flushed as each ends) and `replays/` — created, read back checked, resumed.

use super::record::{Entry, RetryLine, RetryNote, ATTEMPTS, RETRY_REASON_CHARS};
use super::run_info::{slug, RunInfo, MAX_RUN_JSON_BYTES};
use crate::error::{ConfigError, JournalError};
use crate::files::{read_text, Links};
use crate::tournament::schedule::Scheduled;
use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

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
            || !(1..=ATTEMPTS).contains(&retry.attempt)
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

/// An open run folder.
pub struct Journal {
    pub dir: PathBuf,
    file: std::fs::File,
}

impl Journal {
    /// Whether `dir` holds a run (its `run.json`).
    pub fn is_run_folder(dir: &Path) -> bool {
        dir.join("run.json").is_file()
    }

    /// The run folder for a new run of `info`: a fresh one under `output`, or `dir` when
    /// one is named (`--run-dir`, a shard's own folder) — made if missing, or finished
    /// where it stopped if it holds this very run (a retried shard plays what it is
    /// missing). Returns the journal and the matches it already holds.
    pub fn start(
        output: &Path,
        dir: Option<&Path>,
        info: &RunInfo,
    ) -> Result<(Journal, Vec<Entry>), JournalError> {
        let Some(dir) = dir else {
            return Ok((Journal::create(output, info)?, Vec::new()));
        };
        if !dir.join("run.json").exists() {
            return Ok((Journal::create_at(dir, info)?, Vec::new()));
        }
        let (journal, held, done) = Journal::resume(dir)?;
        if !held.same_run(info) {
            return Err(JournalError::OtherRun(format!(
                "{}: holds another run ({}, shard {}); give another --run-dir or remove it",
                crate::files::shown(dir),
                crate::cage::sanitize(held.name.as_bytes()),
                held.shard.map_or("none".to_string(), |s| s.to_string())
            )));
        }
        Ok((journal, done))
    }

    /// Creates `output/<name>-<UTC time>/` with `run.json` and an empty journal.
    /// A run folder at exactly `dir` (a ladder's), made if missing; `run.json` written.
    pub fn create_at(dir: &Path, info: &RunInfo) -> Result<Journal, JournalError> {
        crate::files::refuse_links_in(dir, &crate::files::RUN_PARTS)?;
        std::fs::create_dir_all(dir.join("replays")).map_err(|e| {
            JournalError::Write(format!(
                "{}: cannot create the run folder: {e}",
                dir.display()
            ))
        })?;
        Journal::write_info(dir, info)?;
        Journal::open(dir)
    }

    /// Writes `run.json` (whole, then renamed over the old one; never through a link),
    /// readable by the user only: it holds the run's seed key.
    pub fn write_info(dir: &Path, info: &RunInfo) -> Result<(), JournalError> {
        let text =
            serde_json::to_string_pretty(info).map_err(|e| JournalError::Write(e.to_string()))?;
        crate::files::write_private(&dir.join("run.json"), &(text + "\n"), "run.json")
            .map_err(|e| JournalError::Write(e.to_string()))
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
        Journal::write_info(&dir, info)?;
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
        crate::files::refuse_links_in(dir, &crate::files::RUN_PARTS)?;
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
            // Never through a link planted there (checked before too; this closes the gap).
            .custom_flags(libc::O_NOFOLLOW)
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
