//! `cagematch sprt A B --game G`: a head-to-head SPRT, as a two-bot tournament of
//! format `sprt` (so it journals, resumes and shows in the UI like any run).

use super::shared::{settings, time_control};
use crate::cli::{RunArgs, SprtArgs};
use crate::error::Error;
use crate::tournament::config::{
    BotEntry, BotsSpec, FormatName, PythonSpec, SprtFile, TimeControlSpec, TournamentFile,
};
use crate::tournament::Tournament;
use std::path::Path;
use std::process::ExitCode;

pub fn run(args: &SprtArgs) -> Result<ExitCode, Error> {
    let game = super::shared::game_or_environment(&args.game, args.game_venv.as_deref())?;
    let clock = time_control(game, &args.rules)?;
    let config = settings(&args.rules)?;
    let stem = |p: &Path| {
        p.file_stem()
            .map_or_else(|| "bot".into(), |s| s.to_string_lossy().into_owned())
    };
    let (mut a, mut b) = (stem(&args.bot_a), stem(&args.bot_b));
    if a == b {
        a.push_str(" (A)");
        b.push_str(" (B)");
    }
    let named = |path: &Path, name: String| BotEntry::Named {
        file: path.to_path_buf(),
        name: Some(name),
    };
    let bots = BotsSpec {
        folder: None,
        files: vec![named(&args.bot_a, a.clone()), named(&args.bot_b, b.clone())],
    };
    let mut file = TournamentFile::new(format!("SPRT {a} vs {b}"), game.to_string(), bots);
    file.game_venv = args.game_venv.clone();
    file.configuration = match serde_yaml::to_value(&config) {
        Ok(serde_yaml::Value::Mapping(m)) => m,
        _ => serde_yaml::Mapping::new(),
    };
    file.format = FormatName::Sprt;
    file.sprt = Some(SprtFile {
        elo0: Some(args.elo0),
        elo1: Some(args.elo1),
        alpha: Some(args.alpha),
        beta: Some(args.beta),
        max_pairs: Some(args.max_pairs),
    });
    file.time_control = Some(TimeControlSpec {
        per_move: Some(clock.per_move),
        overage: Some(clock.overage),
        load: Some(clock.load),
    });
    file.python = PythonSpec {
        modules: args.rules.modules.clone(),
        venv: args.rules.venv.clone(),
    };
    file.output = args.output.clone();
    // Paths are the user's, relative to the current folder; errors name the command.
    let t = Tournament::from_spec(Path::new("cagematch sprt"), file)?;
    let run_args = RunArgs {
        headless: args.headless,
        jobs: args.jobs,
        seed: args.seed,
        ..RunArgs::default()
    };
    let theme = super::run::theme(&run_args, None)?;
    let (t, journal, done) = super::run::start(t, &run_args)?;
    super::run::play(t, journal, done, theme, &run_args)
}
