//! Errors where callers branch, and the exit code each one means: 2 when the user must
//! change an argument or a file they handed us, 1 when the run itself failed. Every one
//! prints as one line.

use crate::game::GameKind;
use std::fmt;

/// A file a user handed us (tournament, theme, bot file, manifest, replay, run folder)
/// is wrong: which file, the line when known, and what is wrong or what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl ConfigError {
    pub fn new(file: impl fmt::Display, message: impl Into<String>) -> ConfigError {
        ConfigError {
            file: file.to_string(),
            line: None,
            message: message.into(),
        }
    }

    /// A setting that names no file of its own (a theme name, a flag's value).
    pub fn setting(message: impl Into<String>) -> ConfigError {
        ConfigError::new("", message)
    }

    pub fn at(file: impl fmt::Display, line: usize, message: impl Into<String>) -> ConfigError {
        ConfigError {
            line: Some(line),
            ..ConfigError::new(file, message)
        }
    }
}

/// `file:line: message`, the form editors and terminals make clickable.
impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file, self.message),
            None if self.file.is_empty() => f.write_str(&self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// A file of ours (a replay, the standings, a report, the seed key) could not be
/// written: `path: cannot write the replay: reason`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: cannot {doing}: {reason}")]
pub struct WriteError {
    /// The path as it may be shown (escaped: it may hold anything).
    pub path: String,
    pub doing: String,
    pub reason: String,
}

impl WriteError {
    pub fn new(
        path: impl Into<String>,
        doing: impl Into<String>,
        reason: impl fmt::Display,
    ) -> Self {
        WriteError {
            path: path.into(),
            doing: doing.into(),
            reason: reason.to_string(),
        }
    }
}

/// A run folder that cannot be continued, or a journal that cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// The folder, its `run.json` or a journal line is not what a run leaves behind.
    #[error(transparent)]
    Unreadable(#[from] ConfigError),
    /// Creating, writing or cutting a file failed.
    #[error("{0}")]
    Write(String),
    /// The folder named for a new run holds another run.
    #[error("{0}")]
    OtherRun(String),
}

/// Failures of the runner (never of a bot): the match could not be refereed.
#[derive(Debug, thiserror::Error)]
pub enum RefereeError {
    #[error("{game} configuration: {reason}")]
    Config {
        game: GameKind,
        reason: crate::game::SettingError,
    },
    #[error("{game} configuration: time_control.{field} {why}")]
    Clock {
        game: GameKind,
        field: &'static str,
        why: String,
    },
    #[error(transparent)]
    Cage(#[from] CageError),
    /// The runner failed under a bot (see [`FaultKind::Runner`]): nothing is scored.
    ///
    /// [`FaultKind::Runner`]: crate::cage::FaultKind::Runner
    #[error("the runner failed during the match (not a bot): {0}")]
    Infrastructure(String),
    /// The game's own code failed (an organiser's environment raised, hung or died):
    /// the match is void, not a loss for anyone.
    #[error("game error (not a bot's fault): {0}")]
    Game(String),
    /// The runner was asked to stop; the match was dropped and its bots killed.
    #[error("the match was abandoned")]
    Abandoned,
}

impl RefereeError {
    /// A failure of the runner's own machinery, which playing the match again may cure
    /// (as opposed to a bad configuration, or a stop that was asked for).
    pub fn is_infrastructure(&self) -> bool {
        matches!(
            self,
            RefereeError::Infrastructure(_) | RefereeError::Cage(_)
        )
    }
}

/// Failures of the runner itself (never of a bot).
#[derive(Debug, thiserror::Error)]
pub enum CageError {
    #[error("cannot start the zygote {program}: {reason}")]
    Start { program: String, reason: String },
    #[error("the zygote stopped answering: {0}")]
    Zygote(String),
    /// A mandatory sandbox layer failed in the bot process (no bot code ran).
    #[error("cannot cage a bot: a mandatory sandbox layer failed: {0}")]
    Layer(crate::cage::protocol::SetupError),
    /// The host could not prepare a bot process or hear from it (its image, its
    /// cgroup, its set-up report).
    #[error("cannot cage a bot: {0}")]
    Spawn(String),
}

/// Why a tournament stopped before its end (not a bot's fault: those are scored).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error(transparent)]
    Match(#[from] RefereeError),
    /// A replay or the standings could not be written.
    #[error("{0}")]
    Output(String),
    /// The runner's own failures kept a match from being played (see the journal's retry
    /// lines); nothing of it was scored.
    #[error("match #{} failed {attempts} times for reasons of the runner, not the bots, and the run stopped; the last: {reason} (fix the machine, then finish the run with --resume)", id + 1)]
    Infrastructure {
        id: usize,
        attempts: usize,
        reason: String,
    },
}

/// Everything a command can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A bad argument or combination of flags.
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error(transparent)]
    Run(#[from] RunError),
    #[error(transparent)]
    Cage(#[from] CageError),
    #[error(transparent)]
    Write(#[from] WriteError),
    /// A module or venv the cage cannot give bots.
    #[error(transparent)]
    Python(#[from] crate::cage::policy::PythonError),
    /// Anything else that went wrong while running (a terminal, a measurement).
    #[error("{0}")]
    Runtime(String),
}

/// `EX_TEMPFAIL`: the run did not finish for reasons running it again can cure (the
/// runner's own failure, or a SIGTERM from a scheduler). Schedulers retry on it.
pub const RETRY: u8 = 75;

impl Error {
    /// A failure of the run itself, in its own words (a terminal, a measurement).
    pub fn runtime(e: impl fmt::Display) -> Error {
        Error::Runtime(e.to_string())
    }

    /// 2 for usage and configuration errors (as clap's own: not worth retrying),
    /// [`RETRY`] for the runner's own failures, 1 for the rest.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) | Error::Config(_) => 2,
            Error::Journal(JournalError::Unreadable(_) | JournalError::OtherRun(_)) => 2,
            Error::Run(RunError::Journal(JournalError::Unreadable(_))) => 2,
            Error::Run(RunError::Match(
                RefereeError::Config { .. } | RefereeError::Clock { .. },
            )) => 2,
            Error::Python(_) => 2,
            Error::Run(RunError::Infrastructure { .. }) | Error::Cage(_) => RETRY,
            Error::Run(RunError::Match(e)) if e.is_infrastructure() => RETRY,
            Error::Journal(_) | Error::Run(_) | Error::Write(_) | Error::Runtime(_) => 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_errors_read_as_one_clickable_line() {
        assert_eq!(
            ConfigError::at("t.yaml", 3, "jobs: must be between 1 and 256").to_string(),
            "t.yaml:3: jobs: must be between 1 and 256"
        );
        assert_eq!(
            ConfigError::new("bots/x.py", "no such bot file; check the path").to_string(),
            "bots/x.py: no such bot file; check the path"
        );
    }

    #[test]
    fn users_errors_exit_2_and_the_runs_exit_1() {
        assert_eq!(
            Error::Usage("--jobs must be at least 1".into()).exit_code(),
            2
        );
        assert_eq!(Error::from(ConfigError::new("f", "m")).exit_code(), 2);
        assert_eq!(
            Error::from(JournalError::Unreadable(ConfigError::new("d", "m"))).exit_code(),
            2
        );
        assert_eq!(
            Error::from(JournalError::Write("disk full".into())).exit_code(),
            1
        );
        assert_eq!(
            Error::Runtime("cannot open the terminal".to_string()).exit_code(),
            1
        );
        let venv = crate::cage::PythonError::NotAVenv { venv: "v".into() };
        assert_eq!(Error::from(venv).exit_code(), 2);
        let write = WriteError::new("runs/x/standings.yaml", "write the standings", "disk full");
        assert_eq!(
            write.to_string(),
            "runs/x/standings.yaml: cannot write the standings: disk full"
        );
        assert_eq!(Error::from(write).exit_code(), 1);
    }

    /// The bot process reports which step of its cage failed; the host keeps the step
    /// (to branch on) and says it in one line, and the runner may retry it.
    #[test]
    fn a_failed_layer_travels_typed_from_the_bot_process_to_the_host() {
        use crate::cage::protocol::{Hello, SetupError, Step};
        let sent = Hello::CageError(SetupError::new(Step::Landlock, "landlock: EPERM"));
        let wire = serde_json::to_value(&sent).unwrap();
        let Ok(Hello::CageError(got)) = serde_json::from_value::<Hello>(wire) else {
            panic!("the report does not read back");
        };
        assert_eq!(got.step, Step::Landlock);
        let e = Error::from(CageError::Layer(got));
        assert_eq!(
            e.to_string(),
            "cannot cage a bot: a mandatory sandbox layer failed: landlock: EPERM"
        );
        assert_eq!(e.exit_code(), RETRY);
        // A game setting out of range says which, and is the user's to fix.
        let bad = crate::game::GameKind::Connectx
            .create(&serde_json::json!({"rows": 0}), 0, 2)
            .err()
            .unwrap();
        let e = Error::Run(RunError::Match(RefereeError::Config {
            game: crate::game::GameKind::Connectx,
            reason: bad,
        }));
        assert_eq!(
            e.to_string(),
            "connectx configuration: columns and rows must be between 1 and 100, not 7 and 0"
        );
        assert_eq!(e.exit_code(), 2);
    }
}
