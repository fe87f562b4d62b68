//! `cagematch init DIR --game GAME`: a competition folder of one's own — the game's
//! template and example bots in `bots/`, an empty `submissions/`, and a tournament file
//! with every field explained — so an organiser starts from something that runs. The
//! bots are built into the binary, so it works outside this repository too.

use crate::cli::InitArgs;
use crate::error::Error;
use crate::game::env::Source;
use crate::game::GameKind;
use std::path::Path;
use std::process::ExitCode;

/// The files `bots/` gets for each game: the template first, then the examples. An
/// environment's are made from its action schema (see [`Environment::opponent`]).
fn bots(game: GameKind) -> Vec<(&'static str, String)> {
    macro_rules! bot {
        ($game:literal, $file:literal) => {
            (
                $file,
                include_str!(concat!("../../../bots/", $game, "/", $file)).to_string(),
            )
        };
    }
    match game {
        GameKind::Connectx => vec![
            bot!("connectx", "template.py"),
            bot!("connectx", "random.py"),
            bot!("connectx", "greedy.py"),
            bot!("connectx", "negamax.py"),
        ],
        GameKind::Rps => vec![
            bot!("rps", "template.py"),
            bot!("rps", "rock.py"),
            bot!("rps", "random.py"),
            bot!("rps", "counter.py"),
            bot!("rps", "pattern.py"),
        ],
        GameKind::Ipd => vec![
            bot!("ipd", "template.py"),
            bot!("ipd", "random.py"),
            bot!("ipd", "defector.py"),
            bot!("ipd", "tit_for_tat.py"),
            bot!("ipd", "grudger.py"),
        ],
        GameKind::Tron => vec![
            bot!("tron", "template.py"),
            bot!("tron", "random.py"),
            bot!("tron", "wall_follower.py"),
            bot!("tron", "space_fill.py"),
        ],
        GameKind::Env(id) => match crate::game::env::opened(id) {
            Ok(env) => vec![
                ("template.py", env.template()),
                ("random.py", env.opponent()),
                ("first.py", env.first_mover()),
            ],
            Err(_) => Vec::new(),
        },
    }
}

/// A setting of the game's to show in the tournament file's comment.
fn setting(game: GameKind) -> &'static str {
    match game {
        GameKind::Connectx => "rows: 6",
        GameKind::Rps => "episodeSteps: 1000",
        GameKind::Ipd => "turns: 200",
        GameKind::Tron => "width: 20",
        GameKind::Env(_) => "episodeSteps: 1000",
    }
}

/// How the tournament file names the game: an environment by its absolute path (the
/// competition folder may move; the game stays where it is), with its venv.
fn game_lines(game: GameKind, venv: Option<&Path>) -> String {
    let absolute = |p: &Path| {
        p.canonicalize()
            .unwrap_or_else(|_| p.to_path_buf())
            .display()
            .to_string()
    };
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let mut line = match game {
        GameKind::Env(id) => match crate::game::env::opened(id).map(|e| e.source.clone()) {
            Ok(Source::Folder(p) | Source::Module(p)) => quote(&absolute(&p)),
            _ => quote(&game.to_string()),
        },
        built_in => built_in.to_string(),
    };
    // A comment after the value, at column 32 where the value leaves room.
    let comment = |value: String, why: &str| format!("{value:<30} # {why}");
    line = comment(
        format!("game: {line}"),
        "built in: connectx, rps, ipd, tron; or an environment",
    );
    if let Some(v) = venv {
        line.push('\n');
        line.push_str(&comment(
            format!("game_venv: {}", quote(&absolute(v))),
            "the venv the game process reads",
        ));
    }
    line
}

pub fn run(args: &InitArgs) -> Result<ExitCode, Error> {
    let game = super::shared::game_or_environment(&args.game, args.game_venv.as_deref())?;
    let dir = &args.dir;
    let occupied = std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some());
    if occupied || (dir.exists() && !dir.is_dir()) {
        return Err(Error::Usage(format!(
            "{}: already exists and is not an empty folder; init makes a new competition folder (give another DIR)",
            super::shared::shown(dir)
        )));
    }
    let name = match &args.name {
        Some(n) => n.clone(),
        None => dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| "competition".into()),
    };
    let slug = match crate::tournament::journal::slug(&name) {
        s if s.is_empty() => "competition".to_string(),
        s => s,
    };
    let write = |path: &Path, text: &str| -> Result<(), Error> {
        std::fs::write(dir.join(path), text).map_err(|e| {
            Error::Runtime(format!(
                "{}: cannot write: {e}",
                super::shared::shown(&dir.join(path))
            ))
        })
    };
    for sub in ["bots", "submissions", "tournaments"] {
        std::fs::create_dir_all(dir.join(sub)).map_err(|e| {
            Error::Runtime(format!(
                "{}: cannot create: {e}",
                super::shared::shown(&dir.join(sub))
            ))
        })?;
    }
    let files = bots(game);
    for (file, text) in &files {
        write(&Path::new("bots").join(file), text)?;
    }
    let tournament = Path::new("tournaments").join(format!("{slug}.yaml"));
    let game_lines = game_lines(game, args.game_venv.as_deref());
    write(
        &tournament,
        &tournament_file(&name, game, &game_lines, &files),
    )?;
    let shown = |p: &str| super::shared::shown(&dir.join(p));
    say!("made {} for {game}:", super::shared::shown(dir));
    say!(
        "  {:<28} template.py to start from, and {} example bots every entry plays",
        shown("bots/"),
        files.len() - 1
    );
    say!(
        "  {:<28} put the bots you receive here",
        shown("submissions/")
    );
    say!(
        "  {:<28} the tournament, every field explained",
        super::shared::shown(&dir.join(&tournament))
    );
    say!("next:");
    let venv = match &args.game_venv {
        Some(v) => format!(" --game-venv {}", super::shared::shown(v)),
        None => String::new(),
    };
    say!(
        "  cagematch check {} --game {}{venv}",
        shown("bots/template.py"),
        super::shared::shown(Path::new(&args.game))
    );
    say!(
        "  cagematch run {}",
        super::shared::shown(&dir.join(&tournament))
    );
    Ok(ExitCode::SUCCESS)
}

/// The tournament file: the examples (not the template) and every submission.
fn tournament_file(
    name: &str,
    game: GameKind,
    game_lines: &str,
    files: &[(&str, String)],
) -> String {
    let clock = game.default_time_control();
    let examples: Vec<String> = files
        .iter()
        .skip(1)
        .map(|(f, _)| {
            let stem = f.strip_suffix(".py").unwrap_or(f);
            format!("    - {{file: ../bots/{f}, name: house-{stem}}}")
        })
        .collect();
    let quoted = serde_json::to_string(name).unwrap_or_else(|_| "\"competition\"".into());
    format!(
        include_str!("tournament.yaml"),
        name_line = format!("{:<31}", format!("name: {quoted}")),
        game_lines = game_lines,
        setting = setting(game),
        examples = examples.join("\n"),
        moves = clock.per_move,
        overage = clock.overage,
        load = clock.load,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_setting_in_each_tournament_file_is_one_the_game_takes() {
        for game in GameKind::ALL {
            let config: serde_json::Value =
                serde_yaml::from_str(&format!("{{{}}}", setting(game))).unwrap();
            if let Err(e) = game.create(&config, 0, game.default_seats()) {
                panic!("{game}: `{}` is refused: {e}", setting(game));
            }
        }
    }
}
