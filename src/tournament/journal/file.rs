//! A run folder on disk: `run.json`, `journal.jsonl` (one finished match per line,
//! flushed as each ends) and `replays/` — created, read back checked, resumed.

use super::record::{Entry, RetryLine, RetryNote, ATTEMPTS, RETRY_REASON_CHARS};
use super::run_info::{slug, RunInfo, MAX_RUN_JSON_BYTES};
use crate::beneath::{open_error, Folder};
use crate::error::{ConfigError, JournalError};
use crate::tournament::schedule::Scheduled;
use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Largest journal read back (a 100-bot double round-robin is ~5 MB).
const MAX_JOURNAL_BYTES: u64 = 256 * 1024 * 1024;

/// A file of the run folder as text, or `None` when it is not there.
fn read_part(
    folder: &Folder,
    name: &str,
    max: u64,
    what: &str,
) -> Result<Option<String>, ConfigError> {
    let bytes = match folder.read(name, max, what) {
        Ok(bytes) => bytes,
        Err(_) if folder.absent(name) => return Ok(None),
        Err(e) => return Err(e),
    };
    String::from_utf8(bytes).map(Some).map_err(|_| {
        ConfigError::new(
            folder.shown(name),
            format!("the {what} is not UTF-8 text; save it as UTF-8"),
        )
    })
}

/// The run folder, opened (a missing one is not a run folder).
fn open_folder(dir: &Path) -> Result<Folder, ConfigError> {
    Folder::open(dir).map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "no run.json in it".to_string(),
            _ => open_error(&e, "folder"),
        };
        ConfigError::new(
            crate::files::shown(dir),
            format!("not a run folder ({why})"),
        )
    })
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

/// An open run folder. Everything in it is opened beneath its descriptor, never through
/// a link (see [`crate::beneath`]): a run folder may come from another machine.
pub struct Journal {
    pub dir: PathBuf,
    folder: Folder,
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
        let cannot = |e: std::io::Error| {
            JournalError::Write(format!(
                "{}: cannot create the run folder: {e}",
                crate::files::shown(dir)
            ))
        };
        std::fs::create_dir_all(dir).map_err(cannot)?;
        let folder = open_folder(dir)?;
        folder.make_dir("replays").map_err(|e| {
            JournalError::Write(format!(
                "{}: {}",
                folder.shown("replays"),
                open_error(&e, "folder")
            ))
        })?;
        Journal::write_info_in(&folder, info)?;
        Journal::open(dir, folder)
    }

    /// Writes `run.json` (whole, then renamed over the old one; never through a link),
    /// readable by the user only: it holds the run's seed key.
    pub fn write_info(dir: &Path, info: &RunInfo) -> Result<(), JournalError> {
        Journal::write_info_in(&open_folder(dir)?, info)
    }

    fn write_info_in(folder: &Folder, info: &RunInfo) -> Result<(), JournalError> {
        let text =
            serde_json::to_string_pretty(info).map_err(|e| JournalError::Write(e.to_string()))?;
        folder
            .write_whole("run.json", (text + "\n").as_bytes(), 0o600)
            .map_err(|e| {
                JournalError::Write(format!(
                    "{}: cannot write: {}",
                    folder.shown("run.json"),
                    open_error(&e, "file")
                ))
            })
    }

    /// Writes a replay (`replays/…`, as the journal names it) whole into the run folder.
    pub fn write_replay(&self, name: &str, bytes: &[u8]) -> Result<(), JournalError> {
        write_replay(&self.folder, name, bytes)
    }

    /// The run folder on a descriptor of its own, for the threads that write replays.
    pub fn folder(&self) -> Result<Folder, JournalError> {
        self.folder
            .try_clone()
            .map_err(|e| JournalError::Write(format!("{}: {e}", self.dir.display())))
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
        Journal::create_at(&dir, info)
    }

    /// Opens an existing run folder for appending, cutting off a half-written last line
    /// (the runner was killed mid-write), and returns what it already holds.
    pub fn resume(dir: &Path) -> Result<(Journal, RunInfo, Vec<Entry>), JournalError> {
        let (info, entries, complete, len) = Journal::read_parts(dir)?;
        let folder = open_folder(dir)?;
        if complete < len {
            let shown = folder.shown("journal.jsonl");
            folder
                .write_existing("journal.jsonl")
                .and_then(|f| f.set_len(complete as u64))
                .map_err(|e| JournalError::Write(format!("{shown}: {e}")))?;
        }
        Ok((Journal::open(dir, folder)?, info, entries))
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
        let folder = open_folder(dir)?;
        // The replays are read later, one by one; a `replays` that is a link is refused
        // now, with the rest of the folder.
        if !folder.absent("replays") {
            folder
                .sub("replays", false)
                .map_err(|e| ConfigError::new(folder.shown("replays"), open_error(&e, "folder")))?;
        }
        let Some(text) = read_part(&folder, "run.json", MAX_RUN_JSON_BYTES, "run.json")? else {
            return Err(ConfigError::new(&shown, "not a run folder (no run.json in it)").into());
        };
        let info = RunInfo::parse(&format!("{shown}/run.json"), &text)?;
        // A missing journal is an empty one: the run stopped before its first match ended.
        let journal =
            read_part(&folder, "journal.jsonl", MAX_JOURNAL_BYTES, "journal")?.unwrap_or_default();
        let complete = journal.rfind('\n').map_or(0, |i| i + 1);
        let origin = folder.shown("journal.jsonl");
        let entries = parse_entries(&origin, &journal[..complete], &info)?;
        Ok((info, entries, complete, journal.len()))
    }

    fn open(dir: &Path, folder: Folder) -> Result<Journal, JournalError> {
        let file = folder.append("journal.jsonl").map_err(|e| {
            JournalError::Write(format!(
                "{}: cannot open: {}",
                folder.shown("journal.jsonl"),
                open_error(&e, "journal")
            ))
        })?;
        Ok(Journal {
            dir: dir.to_path_buf(),
            folder,
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

/// Writes a replay (`replays/…`) whole into a run folder, beneath it.
pub fn write_replay(folder: &Folder, name: &str, bytes: &[u8]) -> Result<(), JournalError> {
    folder.write_whole(name, bytes, 0o644).map_err(|e| {
        JournalError::Write(format!(
            "{}: cannot write: {}",
            folder.shown(name),
            open_error(&e, "replay")
        ))
    })
}
