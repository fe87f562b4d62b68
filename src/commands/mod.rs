//! What each subcommand does, kept out of `main.rs`.

pub mod bench;
mod check;
mod init;
mod ladder;
pub mod merge;
mod play;
mod report;
mod run;
mod sprt;

use crate::cage::{Cage, CagePolicy};
use crate::cli::{Cli, Command, ReplayArgs, Rules};
use crate::error::Error;
use crate::game::{GameKind, TimeControl};
use serde_json::{Map, Value};
use std::process::ExitCode;

pub fn run(cli: Cli) -> Result<ExitCode, Error> {
    match cli.command.unwrap_or(Command::Run(Default::default())) {
        Command::Sandbox => sandbox(),
        Command::Run(args) => run::run(args),
        Command::Match(args) => play::run(args),
        Command::Sprt(args) => sprt::run(&args),
        Command::Ladder(args) => ladder::run(&args),
        Command::Replay(args) => replay(&args),
        Command::Check(args) => check::run(&args),
        Command::Merge(args) => merge::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Bench(args) => bench::run(&args).map(|()| ExitCode::SUCCESS),
    }
}

/// The game a `match` or `check` names.
fn game(name: &str) -> Result<GameKind, Error> {
    GameKind::parse(name).map_err(Error::Usage)
}

/// Opens a saved replay in the match viewer, or a run folder in the whole UI.
fn replay(args: &ReplayArgs) -> Result<ExitCode, Error> {
    let theme = crate::tui::theme::Theme::load(args.theme.as_deref().unwrap_or("dark"))?;
    let app = if args.file.is_dir() {
        crate::tui::live::app_for_folder(&args.file, theme)?
    } else {
        let record = crate::replay::read(&args.file)?;
        let mut app = crate::tui::app::App::for_replay(record, theme);
        // The file's name: a path cut short by the header would say nothing.
        app.title = args
            .file
            .file_name()
            .map_or_else(|| shown(&args.file), |n| shown(std::path::Path::new(n)));
        app
    };
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        return Err(Error::Usage(
            "replay needs a terminal (stdout is not one)".into(),
        ));
    }
    let (tx, rx) = std::sync::mpsc::channel();
    crate::tui::run(app, tx, rx, None, None, &mut |app| {
        let path = std::path::PathBuf::from("standings.yaml");
        crate::tournament::Export::new(&app.title, app.game, &app.bots(), &app.standings)
            .write(&path)?;
        Ok(path.display().to_string())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// A path as printed: names come from strangers, so it is made safe for a terminal.
fn shown(path: &std::path::Path) -> String {
    crate::cage::sanitize(path.as_os_str().as_encoded_bytes())
}

/// Starts the zygote for this binary with the default policy.
/// The cage for `match` and `check`: the default modules, plus `--module`s from `--venv`.
fn start_cage(rules: &Rules) -> Result<Cage, Error> {
    let mut policy =
        CagePolicy::for_current_exe().map_err(|e| format!("cannot find own executable: {e}"))?;
    crate::cage::add_python(&mut policy, &rules.modules, rules.venv.as_deref())
        .map_err(|why| Error::Usage(format!("--venv/--module: {why}")))?;
    let cage = Cage::start(&policy)?;
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
fn module_lines(indent: &str, info: &crate::cage::ZygoteInfo) -> Vec<String> {
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
fn say_failed_modules(cage: &Cage) {
    for (module, why) in cage.info().failed {
        eprintln!(
            "cagematch: WARNING: module {} could not be loaded; bots that import it will fault: {}",
            crate::cage::sanitize(module.as_bytes()),
            crate::cage::sanitize(why.as_bytes())
        );
    }
}

/// The game settings from `--set KEY=VALUE` flags: values read as JSON when they parse
/// (`5`, `0.1`, `true`), as text otherwise.
fn settings(rules: &Rules) -> Result<Value, Error> {
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

/// The game's time control with any `--move-time`, `--overage`, `--load-time` applied.
fn time_control(game: GameKind, rules: &Rules) -> Result<TimeControl, Error> {
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
fn fresh_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    crate::game::SplitMix64::new(nanos ^ u64::from(std::process::id())).next_u64() % 1_000_000_000
}

/// Prints the cgroup line (`indent` before it); true when bots get no cgroup.
pub(crate) fn say_cgroup(indent: &str, cgroups: &Result<String, String>) -> bool {
    let (line, missing) = cgroup_line(indent, cgroups);
    say!("{line}");
    missing
}

/// The line of [`say_cgroup`], and whether bots get no cgroup.
fn cgroup_line(indent: &str, cgroups: &Result<String, String>) -> (String, bool) {
    match cgroups {
        Ok(limits) => (format!("{indent}cgroup:     {limits}"), false),
        Err(why) => (
            format!(
                "{indent}cgroup:     WARNING: none ({})",
                crate::cage::sanitize(why.as_bytes())
            ),
            true,
        ),
    }
}

/// Starts one caged bot and prints what it got, loudly flagging anything missing.
fn sandbox() -> Result<ExitCode, Error> {
    let cage = start_cage(&Rules::default())?;
    let bot = cage.spawn()?;
    let info = cage.info();
    say!("python:     {}", info.python);
    say_modules("", &info);
    let layers = bot.layers().ok_or("the bot sent no layer report")?;
    for line in layers.lines() {
        say!("{line}");
    }
    say!("clock:      {}", bot.clock());
    say!("off turn:   frozen in alternating games (SIGSTOP from its reply to its next request, SIGCONT, through a pidfd); running in simultaneous ones");
    let cgroup_missing = say_cgroup("", &cage.cgroups());
    if layers.complete() && !cgroup_missing {
        say!("\nEvery sandbox layer is in place.");
    } else if layers.complete() {
        say!(
            "\nWARNING: bots get no cgroup here (see above): memory is bounded by the address-space limit alone,\n\
             and nothing but the seccomp table bounds processes. Every other layer is in place."
        );
    } else {
        say!(
            "\nWARNING: some sandbox layers are missing on this machine (see above).\n\
             seccomp and the resource limits still hold: bots cannot open files, sockets or processes."
        );
    }
    Ok(ExitCode::SUCCESS)
}
