//! `cagematch sprt A B --game G`: a head-to-head SPRT, as a two-bot tournament of
//! format `sprt` (so it journals, resumes and shows in the UI like any run).

use super::{settings, time_control};
use crate::cli::{RunArgs, SprtArgs};
use crate::error::Error;
use crate::tournament::Tournament;
use serde_yaml::{Mapping, Value};
use std::path::Path;
use std::process::ExitCode;

pub fn run(args: &SprtArgs) -> Result<ExitCode, Error> {
    let game = super::game(&args.game)?;
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
    let bot = |path: &Path, name: String| -> Value {
        let mut m = Mapping::new();
        m.insert("file".into(), path.to_string_lossy().into_owned().into());
        m.insert("name".into(), name.into());
        Value::Mapping(m)
    };
    let mut file = Mapping::new();
    file.insert("name".into(), format!("SPRT {a} vs {b}").into());
    file.insert("game".into(), game.name().into());
    file.insert(
        "configuration".into(),
        serde_yaml::to_value(&config).unwrap_or_default(),
    );
    let mut bots = Mapping::new();
    let files = vec![bot(&args.bot_a, a), bot(&args.bot_b, b)];
    bots.insert("files".into(), Value::Sequence(files));
    file.insert("bots".into(), Value::Mapping(bots));
    file.insert("format".into(), "sprt".into());
    let mut sprt = Mapping::new();
    for (key, value) in [
        ("elo0", args.elo0),
        ("elo1", args.elo1),
        ("alpha", args.alpha),
        ("beta", args.beta),
    ] {
        sprt.insert(key.into(), value.into());
    }
    sprt.insert("max_pairs".into(), args.max_pairs.into());
    file.insert("sprt".into(), Value::Mapping(sprt));
    let mut tc = Mapping::new();
    tc.insert("move".into(), clock.per_move.into());
    tc.insert("overage".into(), clock.overage.into());
    tc.insert("load".into(), clock.load.into());
    file.insert("time_control".into(), Value::Mapping(tc));
    let mut python = Mapping::new();
    let modules: Vec<Value> = args
        .rules
        .modules
        .iter()
        .map(|m| m.as_str().into())
        .collect();
    python.insert("modules".into(), Value::Sequence(modules));
    if let Some(v) = &args.rules.venv {
        python.insert("venv".into(), v.to_string_lossy().into_owned().into());
    }
    file.insert("python".into(), Value::Mapping(python));
    file.insert(
        "output".into(),
        args.output.to_string_lossy().into_owned().into(),
    );
    let text = serde_yaml::to_string(&file).map_err(|e| Error::Usage(e.to_string()))?;
    // Paths are the user's, relative to the current folder; errors name the command.
    let t = Tournament::parse(Path::new("cagematch sprt"), &text)?;
    let run_args = RunArgs {
        headless: args.headless,
        jobs: args.jobs,
        seed: args.seed,
        ..RunArgs::default()
    };
    let (t, journal, done, theme) = super::run::start(t, &run_args)?;
    super::run::play(t, journal, done, theme, &run_args)
}
