//! A tournament file as written: its fields, their defaults, and nothing resolved yet
//! (names, paths and formats are checked in [`super::resolve`]).

use crate::game::Ranking;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// `openings:` as written: one field per game that has openings.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OpeningsSpec {
    /// ConnectX: random plies (even), kept only if no side wins or can win at once.
    #[serde(default)]
    pub plies: Option<usize>,
    /// Tron: random mirrored starting cells.
    #[serde(default)]
    pub random_starts: Option<bool>,
    /// IPD: after each turn the match ends with this chance (its length untold).
    #[serde(default)]
    pub prob_end: Option<f64>,
}

/// `adjudicate:` as written.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AdjudicateSpec {
    /// ConnectX: the deepest forced win looked for after each move.
    pub plies: usize,
}

/// The file as written. Paths in `bots` are relative to the file's folder.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TournamentFile {
    pub name: String,
    /// A built-in game's name, or an environment: a path relative to the file's folder
    /// (a folder with NAME.py, or a .py module) or `kaggle:NAME`.
    pub game: String,
    /// The venv whose site-packages the game process reads (`kaggle:NAME` needs the one
    /// with `kaggle_environments`), relative to the file's folder.
    #[serde(default)]
    pub game_venv: Option<PathBuf>,
    /// The game's own settings (see docs/games.md).
    #[serde(default)]
    pub configuration: serde_yaml::Mapping,
    pub bots: BotsSpec,
    /// Seats per match: default two where the game allows it (else its fewest); more
    /// than two only where the game's specification allows them (round-robin and
    /// gauntlet formats).
    #[serde(default)]
    pub seats: Option<usize>,
    /// A free-for-all's points by place: `[1, 0.5, 0.2, 0]` (one per seat), or
    /// `rewards` (each seat's reward); default: the winner 1, the last 0, linear between.
    #[serde(default)]
    pub place_points: Option<serde_yaml::Value>,
    #[serde(default = "default_games_per_pair")]
    pub games_per_pair: u32,
    /// Where each match starts, drawn from its keyed seed (a seat-swapped pair shares
    /// it): ConnectX `plies`, Tron `random_starts`, IPD `prob_end`.
    #[serde(default)]
    pub openings: Option<OpeningsSpec>,
    /// ConnectX: end a game a bounded search proves won (`{plies: N}`, N up to 6).
    #[serde(default)]
    pub adjudicate: Option<AdjudicateSpec>,
    /// A ladder's budget: each new version plays this many games against opponents
    /// chosen where they inform its rating most, instead of every other version.
    #[serde(default)]
    pub games_per_version: Option<u32>,
    /// How standings rank: `points` or `payoff`; default: the game's (IPD: payoff).
    #[serde(default)]
    pub ranking: Option<Ranking>,
    /// Who plays whom: `round-robin` (default), `gauntlet`, `swiss` or `knockout`.
    #[serde(default)]
    pub format: FormatName,
    /// Gauntlet: the bots (by name) that play every other bot (`challengers:` says the
    /// same for a new bot against the field).
    #[serde(default)]
    pub champions: Vec<String>,
    #[serde(default)]
    pub challengers: Vec<String>,
    /// Swiss: how many rounds.
    #[serde(default)]
    pub rounds: Option<u32>,
    /// Knockout: `file` (the bots' order, the default), `random` (from the seed), or a
    /// standings export (`…/standings.yaml`, e.g. of a round robin) to seed by rank.
    #[serde(default)]
    pub seeding: Option<String>,
    /// Knockout: extra seat-swapped pairs a level pairing plays (default 2).
    #[serde(default)]
    pub tiebreak_pairs: Option<u32>,
    /// SPRT (two bots, the first is A): the hypotheses and error rates.
    #[serde(default)]
    pub sprt: Option<SprtFile>,
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// A key file for the seats' seeds (relative to this file; see `--seed-key`), so
    /// machines without a shared home play the same matches; default: `--seed-key`, or
    /// this machine's key.
    #[serde(default)]
    pub seed_key_file: Option<PathBuf>,
    /// Worker threads; default: the number of cores.
    #[serde(default)]
    pub jobs: Option<usize>,
    /// Default: the game's (Kaggle's for ConnectX and RPS).
    #[serde(default)]
    pub time_control: Option<TimeControlSpec>,
    #[serde(default)]
    pub limits: LimitsSpec,
    #[serde(default)]
    pub python: PythonSpec,
    /// Where run folders go, relative to the current directory.
    #[serde(default = "default_output")]
    pub output: PathBuf,
    /// The UI's colour theme: a built-in name or a theme file.
    #[serde(default)]
    pub theme: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BotsSpec {
    /// Every bot in this folder (not its subfolders): `.py` files, `.yaml` manifests and
    /// ELF executables (except those a manifest there names).
    #[serde(default)]
    pub folder: Option<PathBuf>,
    #[serde(default)]
    pub files: Vec<BotEntry>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum BotEntry {
    Path(PathBuf),
    Named {
        file: PathBuf,
        #[serde(default)]
        name: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TimeControlSpec {
    #[serde(rename = "move")]
    pub per_move: Option<f64>,
    pub overage: Option<f64>,
    pub load: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsSpec {
    pub memory_mb: Option<u64>,
    /// Resident memory held by the bot's cgroup; default: `memory_mb`.
    pub resident_mb: Option<u64>,
    /// CPU seconds per bot for a whole match.
    pub cpu_seconds: Option<u64>,
    pub log_bytes: Option<usize>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PythonSpec {
    /// Modules bots may import on top of the default list.
    #[serde(default)]
    pub modules: Vec<String>,
    /// A venv (made with the embedded Python) whose packages those modules come from,
    /// relative to the tournament file.
    #[serde(default)]
    pub venv: Option<PathBuf>,
}

impl TournamentFile {
    /// A file naming only what must be named, every other field at its default (what
    /// a command that builds a tournament starts from, e.g. `cagematch sprt`).
    pub fn new(name: String, game: String, bots: BotsSpec) -> TournamentFile {
        TournamentFile {
            name,
            game,
            game_venv: None,
            configuration: serde_yaml::Mapping::new(),
            bots,
            seats: None,
            place_points: None,
            seed_key_file: None,
            games_per_pair: default_games_per_pair(),
            games_per_version: None,
            openings: None,
            adjudicate: None,
            ranking: None,
            format: FormatName::default(),
            champions: Vec::new(),
            challengers: Vec::new(),
            rounds: None,
            seeding: None,
            tiebreak_pairs: None,
            sprt: None,
            seed: default_seed(),
            jobs: None,
            time_control: None,
            limits: LimitsSpec::default(),
            python: PythonSpec::default(),
            output: default_output(),
            theme: None,
        }
    }
}

fn default_games_per_pair() -> u32 {
    2
}
fn default_seed() -> u64 {
    1
}
fn default_output() -> PathBuf {
    PathBuf::from("runs")
}

/// `sprt:` in a tournament file; every field has fastchess's usual default.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SprtFile {
    pub elo0: Option<f64>,
    pub elo1: Option<f64>,
    pub alpha: Option<f64>,
    pub beta: Option<f64>,
    pub max_pairs: Option<u32>,
}

impl SprtFile {
    pub fn spec(&self) -> crate::tournament::format::sprt::SprtSpec {
        crate::tournament::format::sprt::SprtSpec {
            elo0: self.elo0.unwrap_or(0.0),
            elo1: self.elo1.unwrap_or(5.0),
            alpha: self.alpha.unwrap_or(0.05),
            beta: self.beta.unwrap_or(0.05),
            max_pairs: self.max_pairs.unwrap_or(10_000),
        }
    }
}

/// The `format:` a tournament file names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FormatName {
    #[default]
    RoundRobin,
    Gauntlet,
    Swiss,
    Knockout,
    Sprt,
}

impl FormatName {
    /// The name as a file writes it.
    pub fn label(self) -> &'static str {
        match self {
            FormatName::RoundRobin => "round-robin",
            FormatName::Gauntlet => "gauntlet",
            FormatName::Swiss => "swiss",
            FormatName::Knockout => "knockout",
            FormatName::Sprt => "sprt",
        }
    }
}
