//! A game of one's own against the built-in RPS and against Kaggle's runner: the same
//! rules (`rps_env.py`, Kaggle's RPS environment as one module) played 999 rounds by two
//! trivial bots through cagematch's game process, through the built-in Rust RPS, and (with
//! `--game-venv`) through `kaggle_environments`' own `env.run`.

use super::figures::{EnvFigures, TRIVIAL_BOT};
use crate::cage::{Cage, CagePolicy};
use crate::error::Error;
use crate::game::env::{Environment, Source};
use crate::game::GameKind;
use crate::referee::{self, MatchSpec, SeedKey};
use serde_json::json;
use std::path::Path;
use std::time::Instant;

/// RPS as a Kaggle-format environment (kaggle_environments' own rules).
const RPS_ENV: &str = include_str!("rps_env.py");
/// Rounds of one match (Kaggle's RPS default: 1000 steps, 999 rounds).
const STEPS: u32 = 1000;
/// Matches timed per way of playing (after one to warm up), the two ways alternating so
/// that a slow spell of a shared machine falls on both; the median of each is the figure.
const MATCHES: usize = 5;

/// The bench's environment: `rps_env.py` written to a folder of its own (kept while the
/// environment is used) and opened.
pub(super) struct BenchEnv {
    pub(super) game: GameKind,
    module: std::path::PathBuf,
    dir: tempfile::TempDir,
}

pub(super) fn open() -> Result<BenchEnv, Error> {
    let dir = tempfile::tempdir().map_err(Error::runtime)?;
    let module = dir.path().join("rps_env.py");
    std::fs::write(&module, RPS_ENV).map_err(Error::runtime)?;
    let label = module.display().to_string();
    let source = Source::of(&label)
        .ok_or_else(|| Error::runtime("the bench environment is not a path"))?
        .map_err(Error::runtime)?;
    let game = GameKind::Env(Environment::open(&label, source, None).map_err(Error::runtime)?);
    Ok(BenchEnv { game, module, dir })
}

pub(super) fn measure(
    policy: &CagePolicy,
    bench: &BenchEnv,
    game_venv: Option<&Path>,
) -> Result<EnvFigures, Error> {
    // Two seats kept ready, as a tournament's worker has (without a pool every match
    // would fork its bots on its own clock, which weighs on the fastest game most).
    let mut pooled = policy.clone();
    pooled.pool = 2;
    let cage = &Cage::start(&pooled)?;
    let (dir, module, env) = (&bench.dir, &bench.module, bench.game);
    let bot = dir.path().join("rock.py");
    std::fs::write(&bot, TRIVIAL_BOT).map_err(Error::runtime)?;
    let bot = crate::botfile::BotFile::read(&bot)?;
    let key = SeedKey::random().map_err(Error::runtime)?;
    let spec = |game: GameKind| MatchSpec {
        game,
        config: json!({ "episodeSteps": STEPS }),
        seed: 1,
        key,
        time_control: game.default_time_control(),
        bots: vec![&bot, &bot],
        fairness: Default::default(),
        monitor: None,
    };
    let (env_spec, builtin_spec) = (spec(env), spec(GameKind::Rps));
    // A match's time, and the part of it its rounds spent on the seats' exchanges.
    let play = |spec: &MatchSpec<'_>| -> Result<(f64, f64), Error> {
        let start = Instant::now();
        let record = referee::play(cage, spec, &mut |_| {}).map_err(Error::runtime)?;
        let exchanges = super::rounds::slowest_exchanges_us(&record) / 1e6;
        Ok((start.elapsed().as_secs_f64(), exchanges))
    };
    // Pinned to one core, as a tournament's worker is (the game process and the bots
    // follow it).
    let (env_match, builtin_match) = crate::affinity::pinned(0, || -> Result<_, Error> {
        play(&env_spec)?;
        play(&builtin_spec)?;
        let (mut envs, mut builtins) = (Vec::new(), Vec::new());
        for _ in 0..MATCHES {
            envs.push(play(&env_spec)?);
            builtins.push(play(&builtin_spec)?);
        }
        let medians = |runs: Vec<(f64, f64)>| {
            let (times, exchanges) = runs.into_iter().unzip();
            (
                super::figures::median(times),
                super::figures::median(exchanges),
            )
        };
        Ok((medians(envs), medians(builtins)))
    })?;
    let per_round = |seconds: f64| seconds * 1e6 / f64::from(STEPS - 1);
    Ok(EnvFigures {
        env_round_us: per_round(env_match.0),
        builtin_round_us: per_round(builtin_match.0),
        env_seats_us: per_round(env_match.1),
        builtin_seats_us: per_round(builtin_match.1),
        env_matches_per_s: 1.0 / env_match.0,
        kaggle: game_venv.map(|venv| kaggle_run(venv, module)),
        geese: game_venv.map(|venv| super::free_for_all::measure(policy, venv)),
    })
}

/// kaggle_environments' `env.run` on the same module and trivial agents: matches/s.
fn kaggle_run(venv: &Path, module: &Path) -> Result<f64, String> {
    let script = format!(
        "import importlib.util, time, kaggle_environments as k\n\
         s = importlib.util.spec_from_file_location('rps_env', {module:?})\n\
         m = importlib.util.module_from_spec(s); s.loader.exec_module(m)\n\
         env = {{'specification': m.specification, 'interpreter': m.interpreter, 'renderer': m.renderer, 'html_renderer': lambda: ''}}\n\
         agent = lambda o, c: 0\n\
         k.make(env, configuration={{'episodeSteps': {STEPS}}}).run([agent, agent])\n\
         t = time.perf_counter()\n\
         for _ in range({MATCHES}):\n    k.make(env, configuration={{'episodeSteps': {STEPS}}}).run([agent, agent])\n\
         print({MATCHES} / (time.perf_counter() - t))\n",
        module = module.display().to_string()
    );
    super::kaggle_baseline::python_figure(venv, &script)
}
