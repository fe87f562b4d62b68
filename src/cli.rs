//! Command-line interface (clap derive): doc comments are the help text.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "cagematch",
    version,
    about = "Run untrusted game bots against each other, each caged by the kernel",
    long_about = None
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The key that turns match seeds into the seats' seeds: a key file (64 hex digits,
    /// private to you), or `none` for the public key (docs and examples only; refused by
    /// `ladder`). Default: $CAGEMATCH_SEED_KEY, else this machine's key
    #[arg(long, global = true, value_name = "FILE|none")]
    pub seed_key: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a round-robin tournament (a bare `cagematch` runs tournaments/default.yaml)
    Run(RunArgs),
    /// Play one match between two bots and print the result
    Match(MatchArgs),
    /// Keep a living ladder in DIR (DIR/ladder.yaml names the bots): new bots and new
    /// versions play only their own games; replaced and removed ones are retired
    Ladder(LadderArgs),
    /// Test whether bot A is stronger than bot B: seat-swapped pairs of games until a
    /// sequential probability ratio test decides (resume with `run --resume`)
    Sprt(SprtArgs),
    /// Open a saved replay in the match viewer, or a run folder (finished or
    /// interrupted) read-only in the full UI
    #[command(alias = "open")]
    Replay(ReplayArgs),
    /// Load a bot (or every bot in a folder, at once) in the cage, play a few games
    /// against a built-in opponent and report anything wrong in plain words
    Check(CheckArgs),
    /// Start a caged bot and report which sandbox layers this machine gives it
    Sandbox,
    /// Put shards' run folders together into one, as if one machine had played them all
    Merge(MergeArgs),
    /// Write a run's results to share: standings, crosstable (a heatmap in HTML), Elo
    /// intervals and faults, as a self-contained HTML page, Markdown or CSV
    Report(ReportArgs),
    /// Make a competition folder: the game's template and example bots, submissions/,
    /// and a tournament file with every field explained
    Init(InitArgs),
    /// Measure spawn time, per-move round trip, throughput and memory against same-run
    /// baselines, and check them against the project's targets
    Bench(BenchArgs),
}

#[derive(Debug, Default, Args)]
pub struct RunArgs {
    /// The tournament file (default: tournaments/default.yaml)
    pub tournament: Option<PathBuf>,
    /// Print progress lines and the final standings instead of the terminal UI
    /// (automatic when stdout is not a terminal)
    #[arg(long)]
    pub headless: bool,
    /// Colour theme: dark, light, high-contrast, or a theme .yaml file
    #[arg(long)]
    pub theme: Option<String>,
    /// Matches played at once (default: the tournament's `jobs`, or the number of cores)
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Override the tournament's seed
    #[arg(long)]
    pub seed: Option<u64>,
    /// Also write the final standings to this YAML file
    #[arg(long, value_name = "FILE")]
    pub export: Option<PathBuf>,
    /// Finish an interrupted run from its folder (runs/...)
    #[arg(long, value_name = "RUN_DIR")]
    pub resume: Option<PathBuf>,
    /// Play only shard I (from 0) of N of a round robin or gauntlet, e.g. 2/8; /8 takes I
    /// from SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX
    #[arg(long, value_name = "I/N", conflicts_with = "shards")]
    pub shard: Option<String>,
    /// The same as --shard /N
    #[arg(long, value_name = "N")]
    pub shards: Option<usize>,
    /// Play into exactly this run folder, finishing the run it holds if it holds this one
    /// (default for a shard: OUTPUT/NAME-shard-I-of-N)
    #[arg(long, value_name = "DIR", conflicts_with = "resume")]
    pub run_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to make (new, or empty)
    pub dir: PathBuf,
    /// The game: connectx, rps, ipd or tron, or an environment of your own (a folder
    /// with NAME.py, a .py module, or kaggle:NAME with --game-venv)
    #[arg(long)]
    pub game: String,
    /// The venv an environment's game process uses (see `cagematch match --help`)
    #[arg(long, value_name = "DIR")]
    pub game_venv: Option<PathBuf>,
    /// The tournament's name (default: the folder's)
    #[arg(long)]
    pub name: Option<String>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The run folder (runs/..., finished or not; a merged one too)
    pub run_dir: PathBuf,
    /// html (one self-contained page), markdown, or csv (the standings)
    #[arg(long, value_enum, default_value_t = ReportFormat::Html)]
    pub format: ReportFormat,
    /// CSV's table: standings (a row per bot) or crosstable (a row per pair)
    #[arg(long, value_enum, default_value_t = ReportTable::Standings)]
    pub table: ReportTable,
    /// The file to write, or - for standard output (default: RUN_DIR/report.html, .md,
    /// .csv or .crosstable.csv)
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportTable {
    Standings,
    Crosstable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Html,
    #[value(alias = "md")]
    Markdown,
    Csv,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Every shard's run folder (all N of them)
    #[arg(required = true, value_name = "SHARD_DIR")]
    pub shards: Vec<PathBuf>,
    /// The merged run folder to write (must not exist)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct MatchArgs {
    /// The game: connectx, rps, ipd or tron; or your own Kaggle-format environment: a
    /// folder with NAME.py and NAME.json, one .py module, or kaggle:NAME (with --game-venv)
    pub game: String,
    /// The bots, seat 1 first (seat 1 moves first in ConnectX): two, or as many as the
    /// game's seats (an environment may allow 3 to 8)
    #[arg(value_name = "BOT", num_args = 2..=8, required = true)]
    pub bots: Vec<PathBuf>,
    /// Match seed: the same seed gives the same match (random when omitted; printed)
    #[arg(long)]
    pub seed: Option<u64>,
    /// Write the replay (JSON) to this file
    #[arg(long, value_name = "FILE")]
    pub replay: Option<PathBuf>,
    /// Keep think times in the replay (they differ from run to run)
    #[arg(long)]
    pub timings: bool,
    /// Print one JSON object instead of text
    #[arg(long)]
    pub json: bool,
    /// The venv an environment's game process uses (kaggle:NAME needs one with
    /// kaggle_environments), made with the embedded Python
    #[arg(long, value_name = "DIR")]
    pub game_venv: Option<PathBuf>,
    #[command(flatten)]
    pub rules: Rules,
}

#[derive(Debug, Args)]
pub struct LadderArgs {
    /// The ladder's folder: ladder.yaml (a tournament file) and, once run, run/
    pub dir: PathBuf,
    /// Print progress lines instead of the terminal UI (automatic without a terminal)
    #[arg(long)]
    pub headless: bool,
    /// Matches played at once (default: ladder.yaml's `jobs`, or the number of cores)
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Colour theme: dark, light, high-contrast, or a theme .yaml file
    #[arg(long)]
    pub theme: Option<String>,
    /// Run for good: watch DIR/submissions/, check what arrives, admit it as new
    /// versions, play their games and publish DIR/public/ after every batch (headless;
    /// SIGTERM stops it cleanly)
    #[arg(long)]
    pub watch: bool,
    /// --watch: seconds a submission must stay unchanged before it is taken (a file
    /// still being written waits)
    #[arg(long, value_name = "SECS", default_value_t = 2.0, requires = "watch")]
    pub settle: f64,
    /// --watch: look at the inbox every SECS seconds instead of waiting for the
    /// kernel's word (inotify); for network filesystems, where inotify sees nothing
    #[arg(long, value_name = "SECS", requires = "watch")]
    pub poll: Option<f64>,
}

#[derive(Debug, Args)]
pub struct SprtArgs {
    /// The game: connectx, rps, ipd or tron, or an environment of your own (a folder
    /// with NAME.py, a .py module, or kaggle:NAME with --game-venv)
    pub game: String,
    /// The venv an environment's game process uses (see `cagematch match --help`)
    #[arg(long, value_name = "DIR")]
    pub game_venv: Option<PathBuf>,
    /// Bot A, the one whose strength is tested
    pub bot_a: PathBuf,
    /// Bot B, the reference
    pub bot_b: PathBuf,
    /// H0: A is this many Elo stronger (logistic Elo)
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    pub elo0: f64,
    /// H1: A is this many Elo stronger
    #[arg(long, default_value_t = 5.0, allow_negative_numbers = true)]
    pub elo1: f64,
    /// The chance of accepting H1 when H0 is true
    #[arg(long, default_value_t = 0.05)]
    pub alpha: f64,
    /// The chance of accepting H0 when H1 is true
    #[arg(long, default_value_t = 0.05)]
    pub beta: f64,
    /// Pairs of games at most; then the test is inconclusive
    #[arg(long, default_value_t = 10_000)]
    pub max_pairs: u32,
    /// Seed (default 1)
    #[arg(long)]
    pub seed: Option<u64>,
    /// Matches played at once (default: the number of cores)
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Where the run folder goes
    #[arg(long, value_name = "DIR", default_value = "runs")]
    pub output: PathBuf,
    /// Print progress lines instead of the terminal UI (automatic without a terminal)
    #[arg(long)]
    pub headless: bool,
    #[command(flatten)]
    pub rules: Rules,
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// A replay file (from `match --replay` or a run folder's replays/), or a run
    /// folder (runs/NAME-…) to browse read-only
    pub file: PathBuf,
    /// Colour theme: dark, light, high-contrast, or a theme .yaml file
    #[arg(long)]
    pub theme: Option<String>,
    /// Write the replay as one self-contained HTML page to share (board, step controls,
    /// move list, scores) instead of opening the viewer
    #[arg(long, value_name = "OUT.html")]
    pub html: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The bot to check, or a folder of bots (every bot in it, at once); with
    /// --tournament, default: the tournament's bots folder
    #[arg(value_name = "BOT|FOLDER")]
    pub path: Option<PathBuf>,
    /// The game it is written for: connectx, rps, ipd or tron, or an environment of your
    /// own (a folder with NAME.py, a .py module, or kaggle:NAME with --game-venv)
    #[arg(
        long,
        required_unless_present = "tournament",
        conflicts_with = "tournament"
    )]
    pub game: Option<String>,
    /// Check as this tournament will play: its game, configuration, seats, time control,
    /// limits, venv and modules; then say whether the tournament loads with its bots
    #[arg(long, value_name = "FILE")]
    pub tournament: Option<PathBuf>,
    /// The venv an environment's game process uses (see `cagematch match --help`)
    #[arg(long, value_name = "DIR")]
    pub game_venv: Option<PathBuf>,
    /// How many games to play, each with its own seed, seats taken in turn (8 catch a
    /// fault that shows in one game of three with probability 96%)
    #[arg(long, default_value_t = 8)]
    pub games: u64,
    /// Folder: bots checked at once (default: the number of cores)
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Folder: write the report to STEM.md and STEM.json (default: check-report beside
    /// the folder, e.g. club/check-report.md for club/submissions)
    #[arg(long, value_name = "STEM")]
    pub report: Option<PathBuf>,
    /// Folder: move every bot with a problem into DIR (made if missing; never
    /// overwrites, never deletes)
    #[arg(long, value_name = "DIR")]
    pub move_to: Option<PathBuf>,
    /// Folder: print every bot's whole check, as for a single bot, before the table
    #[arg(long)]
    pub verbose: bool,
    #[command(flatten)]
    pub rules: Rules,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Number of bots to spawn for the spawn figure
    #[arg(long, default_value_t = 200)]
    pub spawns: usize,
    /// Number of moves for the round-trip figure
    #[arg(long, default_value_t = 10_000)]
    pub moves: usize,
    /// RPS matches per throughput run (ConnectX plays three times as many)
    #[arg(long, default_value_t = 40)]
    pub matches: usize,
    /// Matches per game and per mode in the fairness figure (played 4 × cores at once)
    #[arg(long, default_value_t = 8)]
    pub fairness_matches: usize,
    /// Also measure a bot importing numpy from this venv (spawn and memory)
    #[arg(long, value_name = "DIR")]
    pub venv: Option<PathBuf>,
    /// Also time kaggle_environments' own env.run on the bench's RPS environment, with
    /// this venv's Python (it must have kaggle_environments)
    #[arg(long, value_name = "DIR")]
    pub game_venv: Option<PathBuf>,
    /// Print one JSON object instead of a table
    #[arg(long)]
    pub json: bool,
}

/// Game settings and time control shared by `match` and `check`.
#[derive(Debug, Default, Args)]
pub struct Rules {
    /// A game setting, e.g. `--set rows=5` (repeatable; docs/games.md lists each game's)
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub settings: Vec<String>,
    /// Seconds of CPU time per move (default: the game's, e.g. 2 for ConnectX)
    #[arg(long, value_name = "SECONDS")]
    pub move_time: Option<f64>,
    /// Seconds of overage bank per seat for the match (default 60)
    #[arg(long, value_name = "SECONDS")]
    pub overage: Option<f64>,
    /// Seconds to load a bot (default 10)
    #[arg(long, value_name = "SECONDS")]
    pub load_time: Option<f64>,
    /// A venv whose packages bots may use (with --module), made with the embedded Python
    #[arg(long, value_name = "DIR")]
    pub venv: Option<PathBuf>,
    /// A module bots may import on top of the default list, e.g. --module numpy (repeatable)
    #[arg(long = "module", value_name = "NAME")]
    pub modules: Vec<String>,
}
