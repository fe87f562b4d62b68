//! What a check found about one file, as the summary table, the Markdown report and the
//! JSON report show it.

use serde::Serialize;

/// A file's verdict. Every text in it is already safe for a terminal (`sanitize`d).
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    /// The file as given (the folder joined with its name), made safe to show.
    pub file: String,
    /// The file itself (its name may hold bytes `file` shows escaped).
    #[serde(skip)]
    pub path: std::path::PathBuf,
    /// The bot's name in a tournament (its file's stem); empty when it is not a bot.
    pub name: String,
    #[serde(flatten)]
    pub status: Status,
    /// Milliseconds of CPU time the bot took to load (its first game).
    pub load_ms: Option<f64>,
    /// Its slowest move over every game, in milliseconds of CPU time.
    pub slowest_move_ms: Option<f64>,
    /// One line: the problem, the slow move, or how it played.
    pub reason: String,
    /// Warnings in the detailed report: missing sandbox layers, moves past the budget.
    pub warnings: usize,
    /// Faults seen over its games (a repeated one counts each time).
    #[serde(skip)]
    pub problems: usize,
    /// Where `--move-to` put it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved_to: Option<String>,
    /// Every line of the detailed check (`--verbose`).
    pub details: Vec<String>,
}

/// OK, SLOW (a move past the per-move budget, or a slow load), a PROBLEM of some kind
/// (a fault kind, `invalid` for a file that does not read as a bot), or IGNORED (not a
/// bot: a tournament would not load it either).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", content = "problem", rename_all = "lowercase")]
pub enum Status {
    Ok,
    Slow,
    Problem(String),
    Ignored,
    /// The game's own code failed (an environment of the organiser's): nothing is known
    /// of the bot, and it is not moved aside.
    #[serde(rename = "game_error")]
    GameError,
}

impl Status {
    /// As the summary table shows it.
    pub fn label(&self) -> String {
        match self {
            Status::Ok => "OK".into(),
            Status::Slow => "SLOW".into(),
            Status::Problem(kind) => format!("PROBLEM {kind}"),
            Status::Ignored => "IGNORED".into(),
            Status::GameError => "GAME ERROR".into(),
        }
    }
}

impl Verdict {
    pub fn new(path: &std::path::Path) -> Verdict {
        Verdict {
            file: crate::files::shown(path),
            path: path.to_path_buf(),
            name: String::new(),
            status: Status::Ok,
            load_ms: None,
            slowest_move_ms: None,
            reason: String::new(),
            warnings: 0,
            problems: 0,
            moved_to: None,
            details: Vec::new(),
        }
    }

    pub fn is_problem(&self) -> bool {
        matches!(self.status, Status::Problem(_))
    }
}

/// A file's name (not its folder), made safe to show.
pub(super) fn file_name(path: &std::path::Path) -> String {
    path.file_name().map_or_else(String::new, |n| {
        crate::files::shown(std::path::Path::new(n))
    })
}
