//! `run.json`: the tournament as it was when the run began (bots hashed, the seed key,
//! the shard), enough to rebuild the exact schedule and to notice changed bots.

use super::record::Entry;
use crate::botfile::BotFile;
use crate::cage::{sanitize, Limits};
use crate::error::ConfigError;
use crate::game::{GameKind, Ranking, TimeControl};
use crate::referee::SeedKey;
use crate::tournament::config::{KeySource, Rules, Tournament};
use crate::tournament::format::shard::{self, Shard};
use crate::tournament::format::{Format, Plan, MAX_MATCHES};
use crate::tournament::results::standings::PlacePoints;
use crate::tournament::results::Standings;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::{Path, PathBuf};

pub const RUN_FORMAT: &str = "cagematch-run";
/// The most bots a run folder may name: its schedule (at most ~5·10¹⁰ matches with 1000
/// games per pair) is only built once `matches` agrees with it and is at most
/// [`MAX_MATCHES`].
const MAX_BOTS: usize = 10_000;
/// Largest `run.json` read (10,000 bots with names and paths fit in a few MB).
pub const MAX_RUN_JSON_BYTES: u64 = 16 * 1024 * 1024;

/// `run.json`: enough to rebuild the exact schedule, and to notice changed bots.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunInfo {
    pub format: String,
    pub version: u32,
    pub tournament_file: String,
    pub name: String,
    pub game: GameKind,
    /// The venv an environment's game process reads, as the tournament file named it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub game_venv: Option<String>,
    /// The sha256 of an environment's code when the run began (a resume refuses a
    /// changed game, as it refuses a changed bot).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub game_sha256: Option<String>,
    pub configuration: Value,
    /// Seats per match, when more than two.
    #[serde(default = "two", skip_serializing_if = "is_two")]
    pub seats: usize,
    /// What a place is worth, when not the default.
    #[serde(default, skip_serializing_if = "PlacePoints::is_linear")]
    pub place_points: PlacePoints,
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

impl RunInfo {
    /// What the run's format plans after `done`.
    pub fn plan(&self, done: &[Entry]) -> Plan {
        let plan = self.schedule.plan_seated(
            self.seats,
            self.bots.len(),
            self.games_per_pair,
            self.seed,
            done,
        );
        shard::part(self.shard, plan)
    }

    /// The standings after `done`, as this run's format ranks them.
    pub fn standings(&self, done: &[Entry]) -> Standings {
        let outcomes: Vec<_> = done.iter().map(Entry::outcomes).collect();
        self.plan(done).standings(
            self.bots.len(),
            &outcomes,
            (self.ranking, &self.place_points),
            &self.schedule,
        )
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
        if !(crate::game::SEATS..=crate::game::MAX_SEATS).contains(&self.seats) {
            return Err(format!(
                "seats: a match has {} to {} seats, not {}",
                crate::game::SEATS,
                crate::game::MAX_SEATS,
                self.seats
            ));
        }
        self.place_points
            .check(self.seats)
            .map_err(|why| format!("place_points: {why}"))?;
        self.schedule
            .check_seated(self.seats, self.bots.len())
            .map_err(|why| format!("schedule: {why}"))?;
        if let Some(s) = self.shard {
            if !(1..=shard::MAX_SHARDS).contains(&s.count) || s.index >= s.count {
                return Err(format!("shard: {s} is not shard I (from 0) of N shards"));
            }
            if !self.schedule.is_fixed() {
                return Err(format!(
                    "shard: a {} cannot be sharded (its next matches depend on results)",
                    self.schedule.name()
                ));
            }
        }
        if self
            .schedule
            .bound_seated(self.seats, self.bots.len(), self.games_per_pair)
            > MAX_MATCHES
        {
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
        let hex = |h: &str| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit());
        if self.game_sha256.as_deref().is_some_and(|h| !hex(h)) {
            return Err("game_sha256: not 64 hexadecimal digits".into());
        }
        if total > MAX_MATCHES {
            return Err(format!("matches: more than {MAX_MATCHES} in one run"));
        }
        Ok(())
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

    /// A new run of `t`, as many matches as its plan holds before any is played.
    pub fn new_run(t: &Tournament) -> RunInfo {
        RunInfo::of(t, t.plan(&[]).total)
    }

    /// Another format for the same bots (a ladder's new set of active versions), its
    /// match count planned again.
    pub fn reschedule(&mut self, format: Format) {
        self.schedule = format;
        self.matches = self.plan(&[]).total;
    }

    pub fn of(t: &Tournament, matches: usize) -> RunInfo {
        RunInfo {
            format: RUN_FORMAT.into(),
            version: 1,
            tournament_file: t.file.display().to_string(),
            name: t.name.clone(),
            game: t.game,
            game_venv: t.game_venv.as_ref().map(|v| v.display().to_string()),
            game_sha256: match t.game {
                GameKind::Env(id) => crate::game::env::opened(id).ok().map(|e| e.sha256.clone()),
                _ => None,
            },
            configuration: t.configuration.clone(),
            seats: t.seats,
            place_points: t.place_points.clone(),
            games_per_pair: t.games_per_pair,
            ranking: t.ranking,
            schedule: t.format.clone(),
            seed: t.seed(),
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
            started: crate::tournament::results::export::now_utc(),
            matches,
            seed_key: Some(t.key().hex()),
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

impl Tournament {
    /// The tournament a run folder was started with, its bots read again from their
    /// files. A bot whose file changed since is an error: mixing versions in one set of
    /// standings would be silently wrong.
    pub fn from_run(info: &RunInfo, jobs: usize) -> Result<Tournament, ConfigError> {
        // `Journal::resume` checked the key's shape; a run from before keys has none.
        let key = info
            .seed_key
            .as_deref()
            .and_then(SeedKey::from_hex)
            .ok_or_else(|| {
                ConfigError::new(
                    &info.tournament_file,
                    "this run was started by an older cagematch (its run.json has no seed key); start a new run",
                )
            })?;
        let game_venv = info.game_venv.as_ref().map(PathBuf::from);
        if let GameKind::Env(id) = info.game {
            // The run's environment plays again: opened (started) here, from its label.
            let site = match &game_venv {
                Some(v) => Some(crate::cage::site_packages(v).map_err(|e| {
                    ConfigError::new(&info.tournament_file, format!("game_venv: {e}"))
                })?),
                None => None,
            };
            crate::game::env::open_named(id, site)
                .map_err(|e| ConfigError::new(&info.tournament_file, format!("game: {e}")))?;
            let now = crate::game::env::opened(id)
                .map(|e| e.sha256.clone())
                .unwrap_or_default();
            if let Some(then) = info.game_sha256.as_deref().filter(|then| *then != now) {
                return Err(ConfigError::new(
                    &info.tournament_file,
                    format!(
                        "game: {} changed since the run began (sha256 {} then, {} now); restore it, or start a new run",
                        info.game,
                        then.get(..12).unwrap_or(then),
                        now.get(..12).unwrap_or(&now)
                    ),
                ));
            }
        }
        let mut bots = Vec::new();
        for b in &info.bots {
            if b.retired.is_some() {
                // A retired ladder version never plays again (its file may be gone):
                // it stands in by name and hash only, for its recorded games.
                bots.push(BotFile {
                    name: format!("{}@{}", sanitize(b.name.as_bytes()), &b.sha256[..8]),
                    path: PathBuf::from(&b.file),
                    program: crate::cage::Program::Python(crate::cage::BotSource {
                        name: b.name.clone(),
                        code: String::new(),
                        bundle: None,
                    }),
                    sha256: b.sha256.clone(),
                });
                continue;
            }
            let mut bot = BotFile::read(Path::new(&b.file))?;
            if bot.sha256 != b.sha256 {
                return Err(ConfigError::new(
                    &b.file,
                    format!(
                        "the bot changed since the run began (sha256 {} then, {} now); restore it, or start a new run",
                        &b.sha256[..12],
                        &bot.sha256[..12]
                    ),
                ));
            }
            bot.name = sanitize(b.name.as_bytes());
            bots.push(bot);
        }
        Ok(Tournament {
            file: PathBuf::from(&info.tournament_file),
            name: sanitize(info.name.as_bytes()),
            game: info.game,
            game_venv,
            configuration: info.configuration.clone(),
            bots,
            bots_folder: None,
            seats: info.seats,
            place_points: info.place_points.clone(),
            games_per_pair: info.games_per_pair,
            games_per_version: match info.schedule {
                Format::Ladder {
                    games_per_version, ..
                } => games_per_version,
                _ => None,
            },
            ranking: info.ranking,
            format: info.schedule.clone(),
            seed: info.seed,
            jobs,
            time_control: info.time_control,
            limits: info.limits.clone(),
            modules: info.modules.clone(),
            venv: info.venv.as_ref().map(PathBuf::from),
            output: PathBuf::new(),
            key: KeySource::Run(key),
            theme: None,
            shard: info.shard,
        })
    }
}

fn two() -> usize {
    crate::game::SEATS
}

fn is_two(seats: &usize) -> bool {
    *seats == crate::game::SEATS
}
