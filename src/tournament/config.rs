//! Tournament files (`tournaments/*.yaml`): parsed strictly, checked, and every error
//! turned into one line naming the file, the line and the field.

use super::format::shard;
use super::format::{Format, Plan};
use super::journal::record::Entry;
use super::results::Standings;
use crate::botfile::{bots_in, BotFile};
use crate::cage::{sanitize, Limits};
use crate::error::ConfigError;
use crate::files::{read_text, Links};
use crate::game::{GameKind, Ranking, TimeControl};
use crate::referee::SeedKey;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The file as written. Paths in `bots` are relative to the file's folder.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TournamentFile {
    pub name: String,
    pub game: GameKind,
    /// The game's own settings (see docs/games.md).
    #[serde(default)]
    pub configuration: serde_yaml::Mapping,
    pub bots: BotsSpec,
    #[serde(default = "default_games_per_pair")]
    pub games_per_pair: u32,
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
    pub fn new(name: String, game: GameKind, bots: BotsSpec) -> TournamentFile {
        TournamentFile {
            name,
            game,
            configuration: serde_yaml::Mapping::new(),
            bots,
            games_per_pair: default_games_per_pair(),
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

/// A checked tournament, ready to run.
#[derive(Debug, Clone)]
pub struct Tournament {
    /// The file it came from.
    pub file: PathBuf,
    pub name: String,
    pub game: GameKind,
    pub configuration: Value,
    pub bots: Vec<BotFile>,
    pub games_per_pair: u32,
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
        let plan = self
            .format
            .plan(self.bots.len(), self.games_per_pair, self.seed, done);
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
            .standings(self.bots.len(), &outcomes, self.ranking, &self.format)
    }

    /// Reads and checks a tournament file.
    pub fn load(file: &Path) -> Result<Tournament, ConfigError> {
        let max = crate::yaml::MAX_BYTES as u64;
        let text = read_text(file, max, "tournament file", Links::Follow)?;
        Tournament::parse(file, &text)
    }

    pub fn parse(file: &Path, text: &str) -> Result<Tournament, ConfigError> {
        let raw: TournamentFile = crate::yaml::parse(&file.display().to_string(), text)?;
        Tournament::resolve(file, text, raw)
    }

    /// A tournament built by a command, not read from a file: checked as a file would
    /// be, errors naming `origin` (no line numbers: there is no text).
    pub fn from_spec(origin: &Path, raw: TournamentFile) -> Result<Tournament, ConfigError> {
        Tournament::resolve(origin, "", raw)
    }

    /// Checks the file as written (`text`, for the line of a field in errors) and
    /// resolves its names, paths and defaults.
    fn resolve(file: &Path, text: &str, raw: TournamentFile) -> Result<Tournament, ConfigError> {
        let err = |field: &str, why: &str| field_error(file, text, field, why);
        if raw.name.trim().is_empty() {
            return Err(err("name", "give the tournament a name"));
        }
        let configuration = serde_json::to_value(&raw.configuration)
            .map_err(|e| err("configuration", &e.to_string()))?;
        raw.game
            .create(&configuration, 0)
            .map_err(|e| err("configuration", &e.to_string()))?;
        let jobs = raw.jobs.unwrap_or_else(cores);
        if !(1..=256).contains(&jobs) {
            return Err(err("jobs", "must be between 1 and 256"));
        }
        let mut clock = raw.game.default_time_control();
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
        let base = file.parent().unwrap_or(Path::new("."));
        let venv = raw.python.venv.as_ref().map(|v| tidy(&base.join(v)));
        if let Some(v) = &venv {
            crate::cage::site_packages(v).map_err(|why| err("python.venv", &why.to_string()))?;
        }
        let bots = load_bots(&raw.bots, base).map_err(|why| err("bots", &why))?;
        let format = resolve_format(&raw, &bots, base).map_err(|(field, why)| err(field, &why))?;
        Ok(Tournament {
            format,
            file: file.to_path_buf(),
            name: sanitize(raw.name.as_bytes()),
            game: raw.game,
            configuration,
            bots,
            games_per_pair: raw.games_per_pair,
            ranking: raw.ranking.unwrap_or(raw.game.ranking()),
            seed: raw.seed,
            jobs,
            time_control: clock,
            limits,
            modules,
            venv,
            output: raw.output,
            key: KeySource::Machine(SeedKey::local()?),
            theme: raw.theme,
            shard: None,
        })
    }
}

/// `tournaments/../bots/x.py` → `bots/x.py`, without touching the file system.
fn tidy(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    if out.is_empty() {
        PathBuf::from(".")
    } else {
        out.iter().collect()
    }
}

impl Tournament {
    /// The cage policy for this tournament's limits and modules.
    pub fn policy(&self) -> Result<crate::cage::CagePolicy, crate::error::Error> {
        let mut policy = crate::cage::CagePolicy::for_current_exe().map_err(|e| {
            crate::error::Error::Runtime(format!("cannot find own executable: {e}"))
        })?;
        policy.limits = self.limits.clone();
        policy.modules = self.modules.clone();
        crate::cage::add_python(&mut policy, &[], self.venv.as_deref())?;
        // Two seats per match: keep a match's worth ready for each worker.
        policy.pool = 2 * self.jobs;
        Ok(policy)
    }
}

fn load_bots(spec: &BotsSpec, base: &Path) -> Result<Vec<BotFile>, String> {
    let mut bots = Vec::new();
    if let Some(folder) = &spec.folder {
        for path in bots_in(&tidy(&base.join(folder))).map_err(|e| e.to_string())? {
            bots.push(BotFile::read(&path).map_err(|e| e.to_string())?);
        }
    }
    for entry in &spec.files {
        let (file, name) = match entry {
            BotEntry::Path(p) => (p, None),
            BotEntry::Named { file, name } => (file, name.clone()),
        };
        let mut bot = BotFile::read(&tidy(&base.join(file))).map_err(|e| e.to_string())?;
        if let Some(name) = name {
            bot.name = sanitize(name.as_bytes());
        }
        bots.push(bot);
    }
    if bots.len() < 2 {
        return Err(format!(
            "a tournament needs at least two bots, found {}; list them under bots.folder or bots.files",
            bots.len()
        ));
    }
    for (i, bot) in bots.iter().enumerate() {
        if let Some(other) = bots[..i].iter().find(|b| b.name == bot.name) {
            return Err(format!(
                "two bots are named `{}` ({} and {}); give one a `name:`",
                bot.name,
                other.path.display(),
                bot.path.display()
            ));
        }
    }
    Ok(bots)
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
    pub fn spec(&self) -> super::format::sprt::SprtSpec {
        super::format::sprt::SprtSpec {
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

/// The file's format with bot names turned into indexes; an error names the field.
fn resolve_format(
    raw: &TournamentFile,
    bots: &[BotFile],
    base: &Path,
) -> Result<Format, (&'static str, String)> {
    let index = |field: &'static str, name: &str| {
        bots.iter().position(|b| b.name == name).ok_or_else(|| {
            let known: Vec<&str> = bots.iter().map(|b| b.name.as_str()).collect();
            (
                field,
                format!(
                    "no bot is named `{}`; the bots are {}",
                    sanitize(name.as_bytes()),
                    known.join(", ")
                ),
            )
        })
    };
    refuse_unused(raw)?;
    let format = match raw.format {
        FormatName::RoundRobin => Format::RoundRobin,
        FormatName::Gauntlet => {
            let field = if raw.champions.is_empty() {
                "challengers"
            } else {
                "champions"
            };
            let names = raw.champions.iter().chain(&raw.challengers);
            let named = names
                .map(|n| index(field, n))
                .collect::<Result<Vec<_>, _>>()?;
            Format::Gauntlet { named }
        }
        FormatName::Swiss => Format::Swiss {
            rounds: raw
                .rounds
                .ok_or(("rounds", "a Swiss tournament needs `rounds: N`".to_string()))?,
        },
        FormatName::Knockout => Format::Knockout {
            seeds: seeding(
                raw.seeding.as_deref().unwrap_or("file"),
                bots,
                base,
                raw.seed,
            )
            .map_err(|why| ("seeding", why))?,
            tiebreak_pairs: raw.tiebreak_pairs.unwrap_or(2),
        },
        FormatName::Sprt => Format::Sprt(raw.sprt.unwrap_or_default().spec()),
    };
    let field = match raw.format {
        FormatName::Gauntlet => "champions",
        FormatName::Swiss => "rounds",
        FormatName::Knockout => "tiebreak_pairs",
        FormatName::Sprt => "sprt",
        FormatName::RoundRobin => "format",
    };
    format.check(bots.len()).map_err(|why| (field, why))?;
    let max = super::format::MAX_MATCHES;
    if format.bound(bots.len(), raw.games_per_pair) > max {
        return Err((
            "games_per_pair",
            format!("these bots and games per pair make more than {max} matches"),
        ));
    }
    Ok(format)
}

/// A format's own field in a file of another format is a mistake worth saying.
fn refuse_unused(raw: &TournamentFile) -> Result<(), (&'static str, String)> {
    let unused = |field: &'static str, set: bool| -> Result<(), (&'static str, String)> {
        if set {
            return Err((
                field,
                format!(
                    "not used by a {} tournament; remove it or set `format:`",
                    format_label(raw.format)
                ),
            ));
        }
        Ok(())
    };
    if raw.format != FormatName::Gauntlet {
        unused(
            "champions",
            !raw.champions.is_empty() || !raw.challengers.is_empty(),
        )?;
    }
    if raw.format != FormatName::Swiss {
        unused("rounds", raw.rounds.is_some())?;
    }
    if raw.format != FormatName::Knockout {
        unused(
            "seeding",
            raw.seeding.is_some() || raw.tiebreak_pairs.is_some(),
        )?;
    }
    if raw.format != FormatName::Sprt {
        unused("sprt", raw.sprt.is_some())?;
    }
    Ok(())
}

fn format_label(f: FormatName) -> &'static str {
    match f {
        FormatName::RoundRobin => "round-robin",
        FormatName::Gauntlet => "gauntlet",
        FormatName::Swiss => "swiss",
        FormatName::Knockout => "knockout",
        FormatName::Sprt => "sprt",
    }
}

/// A knockout's seeds (bot indexes, top seed first).
fn seeding(how: &str, bots: &[BotFile], base: &Path, seed: u64) -> Result<Vec<usize>, String> {
    let mut order: Vec<usize> = (0..bots.len()).collect();
    match how {
        "file" => {}
        "random" => {
            let mut rng = crate::game::SplitMix64::new(seed ^ 0x6b6e_6f63_6b6f_7574);
            for i in (1..order.len()).rev() {
                order.swap(i, (rng.next_u64() % (i as u64 + 1)) as usize);
            }
        }
        path => {
            let path = base.join(path);
            let max = crate::yaml::MAX_BYTES as u64;
            let text = read_text(&path, max, "standings export", Links::Follow)
                .map_err(|e| e.to_string())?;
            let export: super::results::export::Export =
                crate::yaml::parse(&path.display().to_string(), &text)
                    .map_err(|e| e.to_string())?;
            // By rank in the export; bots it does not list after them, in file order.
            let rank = |b: usize| {
                export
                    .standings
                    .iter()
                    .find(|r| r.name == bots[b].name)
                    .map_or(usize::MAX, |r| r.rank)
            };
            order.sort_by_key(|&b| (rank(b), b));
        }
    }
    Ok(order)
}
