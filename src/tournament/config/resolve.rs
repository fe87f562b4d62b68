//! From a file as written to what runs: its bots read, its format's names turned into
//! bot indexes, its paths made tidy. Errors name the field.

use super::file::{BotEntry, BotsSpec, FormatName, TournamentFile};
use crate::botfile::{bots_in, BotFile};
use crate::cage::sanitize;
use crate::files::{read_text, Links};
use crate::game::GameKind;
use crate::tournament::format::{self, Format};
use crate::tournament::results::standings::PlacePoints;
use std::path::{Path, PathBuf};

/// The game a file names: a built-in one, or an environment (a path relative to the
/// file's folder, or `kaggle:NAME`), opened here so a broken one is an error before any
/// bot runs. Its label is the path as seen from the current folder, as bots' paths are.
pub(super) fn game(
    name: &str,
    base: &Path,
    venv: Option<&Path>,
) -> Result<GameKind, (&'static str, String)> {
    if let Ok(game) = GameKind::parse(name) {
        if venv.is_some() {
            return Err((
                "game_venv",
                format!("{name} is a built-in game; game_venv is for environments"),
            ));
        }
        return Ok(game);
    }
    let path_like = name.starts_with("kaggle:")
        || name.contains('/')
        || name.ends_with(".py")
        || base.join(name).is_dir();
    if !path_like {
        return Err(("game", GameKind::parse(name).unwrap_err().to_string()));
    }
    let label = match name.strip_prefix("kaggle:") {
        Some(_) => name.to_string(),
        None if Path::new(name).is_absolute() => name.to_string(),
        None => {
            let path = tidy(&base.join(name)).display().to_string();
            // `./x`, not `x`: a label without a slash could read back as a game name.
            match path.contains('/') {
                true => path,
                false => format!("./{path}"),
            }
        }
    };
    let Some(source) = crate::game::env::Source::of(&label) else {
        return Err(("game", GameKind::parse(name).unwrap_err().to_string()));
    };
    let site = match venv {
        Some(v) => Some(crate::cage::site_packages(v).map_err(|e| ("game_venv", e.to_string()))?),
        None => None,
    };
    let opened = source.and_then(|s| crate::game::env::Environment::open(&label, s, site));
    opened
        .map(GameKind::Env)
        .map_err(|e| ("game", e.to_string()))
}

/// `tournaments/../bots/x.py` → `bots/x.py`, without touching the file system.
pub(super) fn tidy(path: &Path) -> PathBuf {
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

pub(super) fn load_bots(spec: &BotsSpec, base: &Path) -> Result<Vec<BotFile>, String> {
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

/// The file's format with bot names turned into indexes; an error names the field.
pub(super) fn resolve_format(
    raw: &TournamentFile,
    bots: &[BotFile],
    seats: usize,
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
    format
        .check_seated(seats, bots.len())
        .map_err(|why| ("seats", why))?;
    let max = format::MAX_MATCHES;
    if format.bound_seated(seats, bots.len(), raw.games_per_pair) > max {
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
                    raw.format.label()
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
            let export: crate::tournament::results::export::Export =
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

/// A free-for-all's points by place from the file: a list of one number per place, or
/// `rewards`; absent, the default (linear).
pub(super) fn place_points(
    raw: Option<&serde_yaml::Value>,
    seats: usize,
) -> Result<PlacePoints, String> {
    let points = match raw {
        None => return Ok(PlacePoints::Linear),
        Some(serde_yaml::Value::String(s)) if s == "rewards" => PlacePoints::Rewards,
        Some(serde_yaml::Value::String(s)) if s == "linear" => PlacePoints::Linear,
        Some(serde_yaml::Value::Sequence(list)) => PlacePoints::Table(
            list.iter()
                .map(|v| v.as_f64().ok_or("every place's points must be a number"))
                .collect::<Result<Vec<f64>, _>>()?,
        ),
        Some(_) => {
            return Err(
                "a list of points, one per place (`[1, 0.5, 0.2, 0]`), `linear` or `rewards`"
                    .into(),
            )
        }
    };
    if seats <= crate::game::SEATS && !points.is_linear() {
        return Err("points by place are for matches of more than two seats".into());
    }
    points.check(seats)?;
    Ok(points)
}

/// `openings:` and `adjudicate:` as the game's own settings in `configuration` (where a
/// replay and every bot's `configuration` show them): ConnectX `openingPlies` and
/// `adjudicatePlies`, Tron `randomStarts`, IPD `prob_end`. A field for another game, or
/// one the configuration sets too, is refused.
pub(super) fn openings_and_adjudication(
    game: GameKind,
    raw: &TournamentFile,
    configuration: &mut serde_json::Value,
) -> Result<(), (&'static str, String)> {
    use serde_json::json;
    let spec = raw.openings.clone().unwrap_or_default();
    let adjudicate = raw.adjudicate.as_ref().map(|a| json!(a.plies));
    let given: [(&'static str, GameKind, &str, Option<serde_json::Value>); 4] = [
        (
            "openings.plies",
            GameKind::Connectx,
            "openingPlies",
            spec.plies.map(|p| json!(p)),
        ),
        (
            "openings.random_starts",
            GameKind::Tron,
            "randomStarts",
            spec.random_starts.map(|r| json!(r)),
        ),
        (
            "openings.prob_end",
            GameKind::Ipd,
            "prob_end",
            spec.prob_end.map(|p| json!(p)),
        ),
        (
            "adjudicate.plies",
            GameKind::Connectx,
            "adjudicatePlies",
            adjudicate,
        ),
    ];
    if let GameKind::Env(_) = game {
        let field = if raw.adjudicate.is_some() {
            "adjudicate"
        } else {
            "openings"
        };
        if raw.openings.is_some() || raw.adjudicate.is_some() {
            return Err((
                field,
                "an environment's start and end are its own settings: set them under `configuration` (e.g. OpenSpiel's useOpenings: true)".into(),
            ));
        }
        return Ok(());
    }
    for (field, owner, key, value) in given {
        let Some(value) = value else { continue };
        if game != owner {
            return Err((
                field,
                format!("is for {owner}; this tournament plays {game}"),
            ));
        }
        let map = configuration
            .as_object_mut()
            .ok_or(("configuration", "must be a mapping".to_string()))?;
        if map.contains_key(key) {
            return Err((
                field,
                format!("configuration.{key} sets it too; set it in one place"),
            ));
        }
        map.insert(key.into(), value);
    }
    Ok(())
}

/// A ladder's `games_per_version`: 2 to 1000, two seats.
pub(super) fn budget(games: Option<u32>, seats: usize) -> Result<(), &'static str> {
    match games {
        Some(g) if !(2..=1000).contains(&g) => Err("must be between 2 and 1000"),
        Some(_) if seats > crate::game::SEATS => {
            Err("a free-for-all ladder plays 8 groups per version; remove it")
        }
        _ => Ok(()),
    }
}
