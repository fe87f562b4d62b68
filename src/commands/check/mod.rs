//! `cagematch check BOT|FOLDER --game GAME`: everything a bot author (or an organiser
//! with an inbox of submissions) needs to know before a tournament, in plain words — the
//! sandbox a bot gets, whether it loads, and how it plays a few games against the game's
//! built-in random bot. Exits 1 if any bot has a problem.

mod bot;
mod field;
mod inbox;
mod report;
mod verdict;

pub use inbox::move_one;
pub use verdict::{Status, Verdict};

use super::shared::{game_settings, time_control};
use crate::cli::CheckArgs;
use crate::error::Error;
use crate::referee::SeedKey;
use crate::tournament::Tournament;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What the bots are checked under: from the command line, or from a tournament file.
struct Setting {
    game: crate::game::GameKind,
    seats: usize,
    config: serde_json::Value,
    clock: crate::game::TimeControl,
    cage: crate::cage::Cage,
    /// The bot or folder to check.
    path: PathBuf,
}

impl Setting {
    fn of_args(args: &CheckArgs) -> Result<Setting, Error> {
        let name = args.game.as_deref().unwrap_or_default();
        let game = super::shared::game_or_environment(name, args.game_venv.as_deref())?;
        let path = args
            .path
            .clone()
            .ok_or_else(|| Error::Usage("give the bot to check, or a folder of bots".into()))?;
        let rules = &args.rules;
        let seats = game.default_seats();
        let (config, _) = game_settings(game, seats, rules)?;
        Ok(Setting {
            game,
            seats,
            config,
            clock: time_control(game, rules)?,
            // Every game seats the bot and the built-in opponent(s): a game's worth of
            // seats ready for each bot checked at once.
            cage: super::shared::start_cage_ready(
                rules,
                seats * args.jobs.unwrap_or_else(crate::tournament::config::cores),
            )?,
            path,
        })
    }

    /// The tournament's game and rules (its bots are read afterwards, to say whether it
    /// loads); the path defaults to its bots folder.
    fn of_tournament(file: &Path, args: &CheckArgs) -> Result<Setting, Error> {
        let r = &args.rules;
        let given = !r.settings.is_empty()
            || r.move_time.is_some()
            || r.overage.is_some()
            || r.load_time.is_some()
            || r.venv.is_some()
            || !r.modules.is_empty()
            || args.game_venv.is_some();
        if given {
            return Err(Error::Usage(format!(
                "{}: --tournament takes the game, its settings, the time control, venv and modules from the file; drop --set, --move-time, --overage, --load-time, --venv, --module and --game-venv",
                super::shared::shown(file)
            )));
        }
        let t = Tournament::rules_of(file)?;
        let path = match (&args.path, &t.bots_folder) {
            (Some(p), _) => p.clone(),
            (None, Some(folder)) => folder.clone(),
            (None, None) => {
                return Err(Error::Usage(format!(
                    "{}: the tournament names no bots folder; give the bot or folder to check",
                    super::shared::shown(file)
                )))
            }
        };
        let cage = super::shared::start_cage_with(&t.policy()?)?;
        Ok(Setting {
            game: t.game,
            seats: t.seats,
            config: t.configuration.clone(),
            clock: t.time_control,
            cage,
            path,
        })
    }
}

pub fn run(args: &CheckArgs) -> Result<ExitCode, Error> {
    let (_, code) = checked(args)?;
    if let Some(file) = &args.tournament {
        let (line, ok) = field::loads(file);
        say!("{line}");
        if !ok {
            return Ok(ExitCode::from(1));
        }
    }
    Ok(code)
}

/// A folder checked as `check FOLDER --tournament FILE --move-to DIR` checks it (a
/// watched ladder's batch), without the last line on whether the tournament loads: the
/// verdicts, each with where it was moved.
pub fn folder(args: &CheckArgs) -> Result<Vec<Verdict>, Error> {
    Ok(checked(args)?.0)
}

/// Every bot checked and its verdict said; what is wanted from the tournament file.
fn checked(args: &CheckArgs) -> Result<(Vec<Verdict>, ExitCode), Error> {
    if args.jobs == Some(0) {
        return Err(Error::Usage("--jobs must be at least 1".into()));
    }
    let setting = match &args.tournament {
        Some(file) => Setting::of_tournament(file, args)?,
        None => Setting::of_args(args)?,
    };
    let path = setting.path.as_path();
    if std::fs::symlink_metadata(path).is_err() {
        return Err(Error::Usage(format!(
            "{}: no such file or folder; give a bot file, or a folder of bots",
            super::shared::shown(path)
        )));
    }
    let folder = path.is_dir();
    if !folder && (args.move_to.is_some() || args.report.is_some()) {
        return Err(Error::Usage(format!(
            "{}: --move-to and --report are for a folder of bots; this is one file",
            super::shared::shown(path)
        )));
    }
    // One file: one that is not a bot at all is a usage error, before any cage starts.
    let single = if folder {
        None
    } else {
        match crate::botfile::BotFile::read(path) {
            Ok(bot) => Some(bot),
            Err(_) if looks_like_tournament(path) => {
                return Err(Error::Usage(format!(
                    "{}: this is a tournament file, not a bot; check its bots (a bot file, or a folder of bots), or give it as --tournament",
                    super::shared::shown(path)
                )));
            }
            Err(e) => return Err(e.into()),
        }
    };
    let made = setting
        .game
        .create(&setting.config, 0, setting.seats)
        .map_err(|e| Error::Usage(format!("{} settings: {e}", setting.game)))?;
    let cage = &setting.cage;
    let trial = bot::Trial {
        game: setting.game,
        seats: setting.seats,
        config: setting.config.clone(),
        clock: setting.clock,
        key: SeedKey::local()?,
        games: args.games,
        turns: made.turns(),
        modules: super::shared::module_lines("  ", &cage.info()),
        cgroup: super::shared::cgroup_line("  ", &cage.cgroups()),
    };
    drop(made);
    let (verdicts, code) = match single {
        None => inbox::run(cage, &trial, path, args)?,
        Some(bot) => {
            let verdict = bot::check_read(cage, &trial, path, Ok(bot), &mut |line| say!("{line}"));
            let code = conclude_one(&verdict);
            (vec![verdict], code)
        }
    };
    for line in field::modules_wanted(&verdicts, args.tournament.as_deref()) {
        say!("{line}");
    }
    Ok((verdicts, code))
}

/// One bot's last line, and its exit code.
fn conclude_one(verdict: &verdict::Verdict) -> ExitCode {
    if verdict.status == verdict::Status::GameError {
        say!("the game failed, not the bot: fix the game, then check again");
        ExitCode::from(1)
    } else if verdict.is_problem() {
        say!("{} problem(s) found", verdict.problems);
        ExitCode::from(1)
    } else {
        say!(
            "no problems found{}",
            match verdict.warnings {
                0 => String::new(),
                n => format!(" ({n} warning(s) above)"),
            }
        );
        ExitCode::SUCCESS
    }
}

/// A `.yaml` file with top-level `game:` and `bots:` keys: someone gave `check` the
/// tournament instead of its bots.
fn looks_like_tournament(path: &std::path::Path) -> bool {
    let Ok(text) = crate::files::read_text(
        path,
        64 * 1024,
        "tournament file",
        crate::files::Links::Refuse,
    ) else {
        return false;
    };
    let top = |key: &str| text.lines().any(|l| l.starts_with(key));
    crate::botfile::is_manifest(path) && top("game:") && top("bots:")
}
