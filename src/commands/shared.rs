//! What several commands share: the cage for `match` and `check`, the game and settings
//! they name, and the lines that report a cage's modules and cgroups.

use crate::cage::{Cage, CagePolicy, CgroupError};
use crate::cli::Rules;
use crate::error::Error;
use crate::game::{Game, GameKind, TimeControl};
use serde_json::{Map, Value};

/// The game a command names: a built-in one, or an environment (started once here, so a
/// broken one is a one-line error before any bot runs).
pub fn game_or_environment(name: &str, venv: Option<&std::path::Path>) -> Result<GameKind, Error> {
    use crate::game::env::{Environment, Source};
    // A built-in name is the built-in game, even where a folder of that name exists.
    if let Ok(game) = GameKind::parse(name) {
        return Ok(game);
    }
    match Source::of(name) {
        None => GameKind::parse(name).map_err(|e| Error::Usage(e.to_string())),
        Some(source) => {
            let fail = |e: crate::game::env::GameError| {
                Error::Usage(format!("{}: {e}", crate::cage::sanitize(name.as_bytes())))
            };
            let site = match venv {
                Some(v) => Some(
                    crate::cage::site_packages(v)
                        .map_err(|e| Error::Usage(format!("--game-venv: {e}")))?,
                ),
                None => None,
            };
            let id = Environment::open(name, source.map_err(fail)?, site).map_err(fail)?;
            Ok(GameKind::Env(id))
        }
    }
}

/// A path as printed: names come from strangers, so it is made safe for a terminal.
pub use crate::files::shown;

/// Starts the zygote for this binary with the default policy.
/// The cage for `match` and `check`: the default modules, plus `--module`s from `--venv`.
pub fn start_cage(rules: &Rules) -> Result<Cage, Error> {
    start_cage_ready(rules, 0)
}

/// [`start_cage`], keeping `ready` caged bots forked ahead of their spawns (as a
/// tournament's worker does: a spawn then costs a pipe write, not a fork).
pub fn start_cage_ready(rules: &Rules, ready: usize) -> Result<Cage, Error> {
    let mut policy = CagePolicy::for_current_exe()
        .map_err(|e| Error::Runtime(format!("cannot find own executable: {e}")))?;
    crate::cage::add_python(&mut policy, &rules.modules, rules.venv.as_deref())
        .map_err(|why| Error::Usage(format!("--venv/--module: {why}")))?;
    policy.pool = ready;
    start_cage_with(&policy)
}

/// A cage for `policy`, saying which modules failed to load.
pub fn start_cage_with(policy: &CagePolicy) -> Result<Cage, Error> {
    let cage = Cage::start(policy)?;
    say_failed_modules(&cage);
    Ok(cage)
}

/// What bots may import, what failed to load, and what native-code modules came in as
/// dependencies (never importable by bots).
pub(crate) fn say_modules(indent: &str, info: &crate::cage::ZygoteInfo) {
    for line in module_lines(indent, info) {
        say!("{line}");
    }
}

/// The lines of [`say_modules`].
pub fn module_lines(indent: &str, info: &crate::cage::ZygoteInfo) -> Vec<String> {
    let clean = |names: Vec<&str>| crate::cage::sanitize(names.join(", ").as_bytes());
    let mut lines = vec![format!(
        "{indent}modules:    {}",
        clean(info.modules.iter().map(String::as_str).collect())
    )];
    for (module, why) in &info.failed {
        lines.push(format!(
            "{indent}            FAILED: {}: {}",
            crate::cage::sanitize(module.as_bytes()),
            crate::cage::sanitize(why.as_bytes())
        ));
    }
    if !info.native.is_empty() {
        lines.push(format!(
            "{indent}            loaded for them, never importable: {} (what they reach, the kernel layers contain)",
            clean(info.native.iter().map(String::as_str).collect())
        ));
    }
    lines
}

/// Modules that could not be preloaded: bots that import one fault, the others play.
pub fn say_failed_modules(cage: &Cage) {
    for (module, why) in cage.info().failed {
        // Not found: most often a third-party module named without the venv it is in.
        let hint = if why.contains("No module named") {
            " (a third-party module is loaded from the venv it is installed in: give --venv DIR, or python: {venv: DIR} in a tournament file)"
        } else {
            ""
        };
        eprintln!(
            "cagematch: WARNING: module {} could not be loaded; bots that import it will fault: {}{hint}",
            crate::cage::sanitize(module.as_bytes()),
            crate::cage::sanitize(why.as_bytes())
        );
    }
}

/// The game settings from `--set KEY=VALUE` flags: values read as JSON when they parse
/// (`5`, `0.1`, `true`), as text otherwise.
pub fn settings(rules: &Rules) -> Result<Value, Error> {
    let mut map = Map::new();
    for item in &rules.settings {
        let (key, value) = item.split_once('=').ok_or_else(|| {
            Error::Usage(format!(
                "--set {item}: write it as KEY=VALUE, e.g. --set rows=5"
            ))
        })?;
        let value = serde_json::from_str(value).unwrap_or_else(|_| Value::from(value));
        map.insert(key.trim().to_string(), value);
    }
    Ok(Value::Object(map))
}

/// The game's settings from `--set`, checked by the game before any process starts (a
/// bad one is the user's to fix), and the game they make (with `seats` seats).
pub fn game_settings(
    game: GameKind,
    seats: usize,
    rules: &Rules,
) -> Result<(Value, Box<dyn Game>), Error> {
    let config = settings(rules)?;
    let made = game
        .create(&config, 0, seats)
        .map_err(|e| Error::Usage(format!("{game} settings: {e}")))?;
    Ok((config, made))
}

/// The game's time control with any `--move-time`, `--overage`, `--load-time` applied.
pub fn time_control(game: GameKind, rules: &Rules) -> Result<TimeControl, Error> {
    let mut clock = game.default_time_control();
    if let Some(v) = rules.move_time {
        clock.per_move = v;
    }
    if let Some(v) = rules.overage {
        clock.overage = v;
    }
    if let Some(v) = rules.load_time {
        clock.load = v;
    }
    clock.check().map_err(|(field, why)| {
        let flag = match field {
            "move" => "--move-time",
            "overage" => "--overage",
            _ => "--load-time",
        };
        Error::Usage(format!("{flag} {why}"))
    })?;
    Ok(clock)
}

/// A fresh seed when none is given: the clock mixed with the process id.
pub fn fresh_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    crate::game::SplitMix64::new(nanos ^ u64::from(std::process::id())).next_u64() % 1_000_000_000
}

/// Prints the cgroup line (`indent` before it); true when bots get no cgroup.
pub(crate) fn say_cgroup(indent: &str, cgroups: &Result<String, CgroupError>) -> bool {
    let (line, missing) = cgroup_line(indent, cgroups);
    say!("{line}");
    missing
}

/// The line of [`say_cgroup`], and whether bots get no cgroup.
pub fn cgroup_line(indent: &str, cgroups: &Result<String, CgroupError>) -> (String, bool) {
    match cgroups {
        Ok(limits) => (format!("{indent}cgroup:     {limits}"), false),
        Err(why) => (
            format!(
                "{indent}cgroup:     WARNING: none ({})",
                crate::cage::sanitize(why.to_string().as_bytes())
            ),
            true,
        ),
    }
}

/// Runs `cagematch` with `args` in this terminal and exits as it does: what the UI asked
/// for on closing (an SPRT from the crosstable).
pub fn run_next(args: &[String]) -> Result<std::process::ExitCode, Error> {
    let shown: Vec<String> = args
        .iter()
        .map(|a| crate::cage::sanitize(a.as_bytes()))
        .collect();
    say!("");
    say!("starting: cagematch {}", shown.join(" "));
    let exe = std::env::current_exe()
        .map_err(|e| Error::Runtime(format!("cannot find cagematch itself: {e}")))?;
    let status = std::process::Command::new(exe)
        .args(args)
        .status()
        .map_err(|e| Error::Runtime(format!("cannot start cagematch {}: {e}", shown.join(" "))))?;
    Ok(std::process::ExitCode::from(
        status.code().map_or(1, |c| c.clamp(0, 255) as u8),
    ))
}
