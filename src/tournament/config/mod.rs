//! Tournament files (`tournaments/*.yaml`): parsed strictly, checked, and every error
//! turned into one line naming the file, the line and the field.

mod file;
mod resolve;

pub use file::{
    BotEntry, BotsSpec, FormatName, LimitsSpec, PythonSpec, SprtFile, TimeControlSpec,
    TournamentFile,
};

use super::format::shard;
use super::format::{Format, Plan};
use super::journal::record::Entry;
use super::results::Standings;
use crate::botfile::BotFile;
use crate::cage::{sanitize, Limits};
use crate::error::ConfigError;
use crate::files::{read_text, Links};
use crate::game::{GameKind, Ranking, TimeControl};
use crate::referee::SeedKey;
use crate::tournament::results::standings::PlacePoints;
use resolve::{load_bots, resolve_format, tidy};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A checked tournament, ready to run.
#[derive(Debug, Clone)]
pub struct Tournament {
    /// The file it came from.
    pub file: PathBuf,
    pub name: String,
    pub game: GameKind,
    /// The game venv an environment's process reads (checked when the file was read).
    pub game_venv: Option<PathBuf>,
    pub configuration: Value,
    pub bots: Vec<BotFile>,
    /// The folder the file's `bots.folder` names (resolved), if it names one.
    pub bots_folder: Option<PathBuf>,
    /// Seats per match (2 to 8).
    pub seats: usize,
    /// What a place is worth when there are more than two seats.
    pub place_points: PlacePoints,
    pub games_per_pair: u32,
    /// A ladder's games per version (`cagematch ladder` only).
    pub games_per_version: Option<u32>,
    pub ranking: Ranking,
    pub format: Format,
    /// Read with [`Tournament::seed`], changed with [`Tournament::set_seed`] (so the key
    /// follows it).
    pub(in crate::tournament) seed: u64,
    /// Where the key that turns match seeds into the seats' seeds comes from (see
    /// [`Tournament::key`]).
    pub(in crate::tournament) key: KeySource,
    pub jobs: usize,
    pub time_control: TimeControl,
    pub limits: Limits,
    pub modules: Vec<String>,
    /// Where third-party modules come from (checked when the file was read).
    pub venv: Option<PathBuf>,
    pub output: PathBuf,
    pub theme: Option<String>,
    /// The part of the schedule this run plays (`run --shard`), or all of it.
    pub shard: Option<super::format::shard::Shard>,
}

/// Where a tournament's seed key comes from. Never seen by a bot; kept in `run.json`
/// (never in a replay).
#[derive(Debug, Clone, Copy)]
pub(in crate::tournament) enum KeySource {
    /// This machine's key (as a file is loaded): the tournament's key follows from it and
    /// the seed, so the same file and seed play the same matches here, whoever loads it.
    Machine(SeedKey),
    /// A run's own key (`run.json`), fixed with the run's seed.
    Run(SeedKey),
}

/// The line of the first `key:` in the text, for errors about values.
fn line_of(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let t = l.trim_start().trim_start_matches("- ");
            t.starts_with(&format!("{key}:"))
        })
        .map(|i| i + 1)
}

/// A one-line error about `field` in `file`, with its line when it can be found.
fn field_error(file: &Path, text: &str, field: &str, why: &str) -> ConfigError {
    let key = field.rsplit('.').next().unwrap_or(field);
    let message = format!("{field}: {why}");
    match line_of(text, key) {
        Some(line) => ConfigError::at(file.display(), line, message),
        None => ConfigError::new(file.display(), message),
    }
}

/// What a tournament file and a run folder's `run.json` must both satisfy: `run.json` is
/// held to exactly the checks the tournament file got.
pub struct Rules<'a> {
    pub games_per_pair: u32,
    pub time_control: &'a TimeControl,
    pub limits: &'a Limits,
    /// Modules beyond the default ones.
    pub modules: &'a [String],
}

impl Rules<'_> {
    /// The first field out of range, and why.
    pub fn check(&self) -> Result<(), (String, String)> {
        let fail = |field: &str, why: &str| Err((field.to_string(), why.to_string()));
        if !(1..=1000).contains(&self.games_per_pair) {
            return fail("games_per_pair", "must be between 1 and 1000");
        }
        self.time_control
            .check()
            .map_err(|(field, why)| (format!("time_control.{field}"), why))?;
        let limits = self.limits;
        if !(64..=65536).contains(&limits.memory_mb) {
            return fail("limits.memory_mb", "must be between 64 and 65536 (MiB)");
        }
        if limits
            .resident_mb
            .is_some_and(|m| !(16..=65536).contains(&m))
        {
            return fail("limits.resident_mb", "must be between 16 and 65536 (MiB)");
        }
        if !(1..=86400).contains(&limits.cpu_seconds) {
            return fail("limits.cpu_seconds", "must be between 1 and 86400");
        }
        if limits.log_bytes > 64 * 1024 * 1024 {
            return fail("limits.log_bytes", "must be at most 64 MiB");
        }
        if !(1024..=16 * 1024 * 1024).contains(&limits.frame_bytes) {
            return fail("limits.frame_bytes", "must be between 1 KiB and 16 MiB");
        }
        for m in self.modules {
            crate::cage::policy::check_module(m)
                .map_err(|why| ("python.modules".to_string(), why.to_string()))?;
        }
        Ok(())
    }
}

pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

impl Tournament {
    /// What the format plans after `done`.
    pub fn plan(&self, done: &[Entry]) -> Plan {
        let plan = self.format.plan_seated(
            self.seats,
            self.bots.len(),
            self.games_per_pair,
            self.seed,
            done,
        );
        shard::part(self.shard, plan)
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Another seed (`--seed`); the key follows it. A run's tournament keeps its seed.
    pub fn set_seed(&mut self, seed: u64) -> Result<(), ConfigError> {
        if let KeySource::Run(_) = self.key {
            return Err(ConfigError::new(
                self.file.display(),
                "a run keeps the seed it began with",
            ));
        }
        self.seed = seed;
        Ok(())
    }

    /// The key that turns match seeds into the seats' seeds, so no bot can compute its
    /// opponent's: this machine's key for this seed, or the run's own.
    pub fn key(&self) -> SeedKey {
        match self.key {
            KeySource::Machine(machine) => machine.for_tournament(self.seed),
            KeySource::Run(key) => key,
        }
    }

    /// How many matches the run will have played in all, once `done` are.
    pub fn total(&self, done: &[Entry]) -> usize {
        self.plan(done).total
    }

    /// The standings after `done`, as this tournament's format ranks them.
    pub fn standings(&self, done: &[Entry]) -> Standings {
        let outcomes: Vec<_> = done.iter().map(Entry::outcomes).collect();
        self.plan(done)
            .standings(self.bots.len(), &outcomes, self.scoring(), &self.format)
    }

    /// Reads and checks a tournament file.
    pub fn load(file: &Path) -> Result<Tournament, ConfigError> {
        let max = crate::yaml::MAX_BYTES as u64;
        let text = read_text(file, max, "tournament file", Links::Follow)?;
        Tournament::parse(file, &text)
    }

    pub fn parse(file: &Path, text: &str) -> Result<Tournament, ConfigError> {
        let raw: TournamentFile = crate::yaml::parse(&file.display().to_string(), text)?;
        Tournament::resolve(file, text, raw, true)
    }

    /// A tournament file's game and rules, its bots left unread (`bots` empty, the
    /// format a round robin): what `check --tournament` checks bots under, even when the
    /// bots as they are would stop the file from loading.
    pub fn rules_of(file: &Path) -> Result<Tournament, ConfigError> {
        let max = crate::yaml::MAX_BYTES as u64;
        let text = read_text(file, max, "tournament file", Links::Follow)?;
        let raw: TournamentFile = crate::yaml::parse(&file.display().to_string(), &text)?;
        Tournament::resolve(file, &text, raw, false)
    }

    /// A tournament built by a command, not read from a file: checked as a file would
    /// be, errors naming `origin` (no line numbers: there is no text).
    pub fn from_spec(origin: &Path, raw: TournamentFile) -> Result<Tournament, ConfigError> {
        Tournament::resolve(origin, "", raw, true)
    }

    /// Checks the file as written (`text`, for the line of a field in errors) and
    /// resolves its names, paths and defaults (and, `with_bots`, reads its bots and
    /// resolves its format).
    fn resolve(
        file: &Path,
        text: &str,
        raw: TournamentFile,
        with_bots: bool,
    ) -> Result<Tournament, ConfigError> {
        let err = |field: &str, why: &str| field_error(file, text, field, why);
        if raw.name.trim().is_empty() {
            return Err(err("name", "give the tournament a name"));
        }
        let mut configuration = serde_json::to_value(&raw.configuration)
            .map_err(|e| err("configuration", &e.to_string()))?;
        let base = file.parent().unwrap_or(Path::new("."));
        let game_venv = raw.game_venv.as_ref().map(|v| tidy(&base.join(v)));
        let game = resolve::game(&raw.game, base, game_venv.as_deref())
            .map_err(|(field, why)| err(field, &why))?;
        resolve::openings_and_adjudication(game, &raw, &mut configuration)
            .map_err(|(field, why)| err(field, &why))?;
        let seats = raw.seats.unwrap_or_else(|| game.default_seats());
        game.check_seats(seats).map_err(|why| err("seats", &why))?;
        let place_points = resolve::place_points(raw.place_points.as_ref(), seats)
            .map_err(|why| err("place_points", &why))?;
        game.create(&configuration, 0, seats)
            .map_err(|e| err("configuration", &e.to_string()))?;
        let jobs = raw.jobs.unwrap_or_else(cores);
        if !(1..=256).contains(&jobs) {
            return Err(err("jobs", "must be between 1 and 256"));
        }
        let mut clock = game.default_time_control();
        if let Some(tc) = raw.time_control {
            clock.per_move = tc.per_move.unwrap_or(clock.per_move);
            clock.overage = tc.overage.unwrap_or(clock.overage);
            clock.load = tc.load.unwrap_or(clock.load);
        }
        let mut limits = Limits::default();
        limits.memory_mb = raw.limits.memory_mb.unwrap_or(limits.memory_mb);
        limits.resident_mb = raw.limits.resident_mb;
        limits.cpu_seconds = raw.limits.cpu_seconds.unwrap_or(limits.cpu_seconds);
        limits.log_bytes = raw.limits.log_bytes.unwrap_or(limits.log_bytes);
        let mut modules: Vec<String> = crate::cage::DEFAULT_MODULES
            .iter()
            .map(|m| m.to_string())
            .collect();
        for m in &raw.python.modules {
            if !modules.contains(m) {
                modules.push(m.clone());
            }
        }
        let rules = Rules {
            games_per_pair: raw.games_per_pair,
            time_control: &clock,
            limits: &limits,
            modules: &raw.python.modules,
        };
        rules.check().map_err(|(field, why)| err(&field, &why))?;
        resolve::budget(raw.games_per_version, seats)
            .map_err(|why| err("games_per_version", why))?;
        let venv = raw.python.venv.as_ref().map(|v| tidy(&base.join(v)));
        if let Some(v) = &venv {
            crate::cage::site_packages(v).map_err(|why| err("python.venv", &why.to_string()))?;
        }
        let bots_folder = raw.bots.folder.as_ref().map(|f| tidy(&base.join(f)));
        let (bots, format) = if with_bots {
            let bots = load_bots(&raw.bots, base).map_err(|why| err("bots", &why))?;
            let format = resolve_format(&raw, &bots, seats, base)
                .map_err(|(field, why)| err(field, &why))?;
            (bots, format)
        } else {
            (Vec::new(), Format::RoundRobin)
        };
        Ok(Tournament {
            format,
            file: file.to_path_buf(),
            name: sanitize(raw.name.as_bytes()),
            game,
            game_venv,
            configuration,
            bots,
            bots_folder,
            seats,
            place_points,
            games_per_pair: raw.games_per_pair,
            games_per_version: raw.games_per_version,
            ranking: raw.ranking.unwrap_or(game.ranking()),
            seed: raw.seed,
            jobs,
            time_control: clock,
            limits,
            modules,
            venv,
            output: raw.output,
            key: KeySource::Machine(match &raw.seed_key_file {
                Some(path) => SeedKey::from_file(&base.join(path))
                    .map_err(|e| err("seed_key_file", &e.to_string()))?,
                None => SeedKey::local()?,
            }),
            theme: raw.theme,
            shard: None,
        })
    }
}

impl Tournament {
    /// How standings count: the ranking and what a place is worth.
    pub fn scoring(&self) -> (Ranking, &PlacePoints) {
        (self.ranking, &self.place_points)
    }

    /// The cage policy for this tournament's limits and modules.
    pub fn policy(&self) -> Result<crate::cage::CagePolicy, crate::error::Error> {
        let mut policy = crate::cage::CagePolicy::for_current_exe().map_err(|e| {
            crate::error::Error::Runtime(format!("cannot find own executable: {e}"))
        })?;
        policy.limits = self.limits.clone();
        policy.modules = self.modules.clone();
        crate::cage::add_python(&mut policy, &[], self.venv.as_deref())?;
        // A match's worth of seats ready for each worker.
        policy.pool = self.seats * self.jobs;
        Ok(policy)
    }
}
