//! `cagematch check BOT|FOLDER --game GAME`: everything a bot author (or an organiser
//! with an inbox of submissions) needs to know before a tournament, in plain words — the
//! sandbox a bot gets, whether it loads, and how it plays a few games against the game's
//! built-in random bot. Exits 1 if any bot has a problem.

mod bot;
mod inbox;
mod report;
mod verdict;

use super::shared::{game_settings, start_cage, time_control};
use crate::cli::CheckArgs;
use crate::error::Error;
use crate::referee::SeedKey;
use std::process::ExitCode;

pub fn run(args: &CheckArgs) -> Result<ExitCode, Error> {
    let game = super::shared::game_or_environment(&args.game, args.game_venv.as_deref())?;
    let path = args.path.as_path();
    if std::fs::symlink_metadata(path).is_err() {
        return Err(Error::Usage(format!(
            "{}: no such file or folder; give a bot file, or a folder of bots",
            super::shared::shown(path)
        )));
    }
    if args.jobs == Some(0) {
        return Err(Error::Usage("--jobs must be at least 1".into()));
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
                    "{}: this is a tournament file, not a bot; check its bots (a bot file, or a folder of bots)",
                    super::shared::shown(path)
                )));
            }
            Err(e) => return Err(e.into()),
        }
    };
    let rules = &args.rules;
    let seats = game.default_seats();
    let (config, made) = game_settings(game, seats, rules)?;
    let clock = time_control(game, rules)?;
    let turns = made.turns();
    let cage = start_cage(rules)?;
    let trial = bot::Trial {
        game,
        seats,
        config,
        clock,
        key: SeedKey::local()?,
        games: args.games,
        turns,
        modules: super::shared::module_lines("  ", &cage.info()),
        cgroup: super::shared::cgroup_line("  ", &cage.cgroups()),
    };
    let Some(bot) = single else {
        return inbox::run(&cage, &trial, args);
    };
    let verdict = bot::check_read(&cage, &trial, path, Ok(bot), &mut |line| say!("{line}"));
    if verdict.status == verdict::Status::GameError {
        say!("the game failed, not the bot: fix the game, then check again");
        Ok(ExitCode::from(1))
    } else if verdict.is_problem() {
        say!("{} problem(s) found", verdict.problems);
        Ok(ExitCode::from(1))
    } else {
        say!(
            "no problems found{}",
            match verdict.warnings {
                0 => String::new(),
                n => format!(" ({n} warning(s) above)"),
            }
        );
        Ok(ExitCode::SUCCESS)
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
