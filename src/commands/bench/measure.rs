//! Measuring: every figure of `cagematch bench` and the same-run baselines it is
//! compared with. Nothing here prints or judges.

use super::baselines::{in_process, Cat, JsonLines};
use super::cold;
use super::figures::{median, Figure, Measured, Name, Spawns, Throughput, BUDGET, TRIVIAL_BOT};
use super::pss::pss_kib;
use crate::affinity;
use crate::botfile::BotFile;
use crate::cage::protocol::{Act, Request};
use crate::cage::{BotSource, Cage, CagePolicy, Question};
use crate::cli::BenchArgs;
use crate::error::Error;
use crate::game::GameKind;
use crate::referee::{self, MatchSpec, SeedKey};
use serde_json::json;
use std::borrow::Cow;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Every figure, in the order they are taken.
pub fn everything(opts: &BenchArgs) -> Result<Measured, Error> {
    let policy = CagePolicy::for_current_exe().map_err(Error::runtime)?;
    let trivial = BotSource {
        name: "trivial.py".into(),
        code: TRIVIAL_BOT.into(),
        bundle: None,
    };
    let cpus = affinity::allowed_cpus();
    // First: no bot, only the scheduler's arithmetic.
    let ladder = super::ladder::measure().map_err(Error::Runtime)?;
    let env = super::environment::open()?;
    let spawns = spawns(&policy, &trivial, opts.spawns.max(10))?;
    let moves = moves(&policy, &trivial, opts.moves.max(10), cpus.len() >= 2)?;
    let in_process = affinity::pinned(0, || in_process(opts.moves.max(10)))?;
    let rounds = super::rounds::measure(&policy)?;
    // Before the figures whose bots hold more memory (numpy, the memory figure): their
    // cgroups' teardown slows the kernel's process work for a while after.
    let environment = super::environment::measure(&policy, &env, opts.game_venv.as_deref())?;
    let throughput = throughput(&policy, opts.matches.max(2), cpus.len().max(1), env.game)?;
    // Unavailable (e.g. /proc hidden) is reported, not fatal.
    let python = std::ffi::OsStr::new(env!("CAGEMATCH_PYTHON_EXE"));
    let memory = memory(&policy, &trivial, python).map_err(|e| e.to_string());
    let numpy = numpy_figures(&policy, opts)?;
    let fairness = super::fairness::measure(&policy, cpus.len(), opts.fairness_matches.max(1))?;
    // Last: bots that held 50 MB leave the kernel slower to start and end processes for a
    // while (memory cgroup teardown), which would weigh on whatever came next.
    let bundle =
        super::bundle::measure(&policy, opts.spawns.clamp(10, 50)).map_err(|e| e.to_string());
    Ok(Measured {
        spawns,
        moves,
        in_process,
        rounds,
        jobs_all: cpus.len().max(1),
        throughput,
        memory,
        bundle,
        numpy,
        environment,
        fairness,
        ladder,
    })
}

/// Forked and pooled spawns, and the two cold baselines.
fn spawns(policy: &CagePolicy, trivial: &BotSource, spawns: usize) -> Result<Spawns, Error> {
    let cage = Cage::start(policy).map_err(Error::runtime)?;
    let forked = sample(
        ("forked", "spawn: fork from the zygote, cage, load"),
        spawns,
        |i| {
            let mut bot = cage.spawn().map_err(Error::runtime)?;
            bot.load(trivial, i as u64, BUDGET)
                .map_err(Error::runtime)?;
            Ok(())
        },
    )?;
    drop(cage);
    let pooled = pooled_spawns(
        policy,
        trivial,
        spawns,
        ("pooled", "spawn: from the pool of caged bots, load"),
    )?;
    let cold_runs = (spawns / 4).max(20);
    let script = format!("{TRIVIAL_BOT}agent({{}}, {{}})\n");
    let python = env!("CAGEMATCH_PYTHON_EXE");
    let cold_python = time_runs(
        (
            "cold_python",
            "baseline: cold `python3 -c` running the same bot",
        ),
        cold_runs,
        || {
            Command::new(python)
                .args(["-c", &script])
                .stdin(Stdio::null())
                .status()
        },
    )?;
    let exe = std::env::current_exe().map_err(Error::runtime)?;
    let cold_embedded = time_runs(
        (
            "cold_embedded",
            "baseline: cold embedded interpreter, no zygote",
        ),
        cold_runs,
        || {
            Command::new(&exe)
                .args([cold::ARG, TRIVIAL_BOT])
                .env_clear()
                .stdin(Stdio::null())
                .status()
        },
    )?;
    Ok(Spawns {
        pooled,
        forked,
        cold_python,
        cold_embedded,
    })
}

/// Spawns from a pool of two, one per 5 ms as match starts come (the pool refills in
/// between), each loading `bot`.
fn pooled_spawns(
    policy: &CagePolicy,
    bot: &BotSource,
    spawns: usize,
    name: Name,
) -> Result<Figure, Error> {
    let mut pooled_policy = policy.clone();
    pooled_policy.pool = 2;
    let cage = Cage::start(&pooled_policy).map_err(Error::runtime)?;
    let mut pooled = Figure::new(name);
    for i in 0..spawns {
        std::thread::sleep(Duration::from_millis(5));
        let t = Instant::now();
        let mut caged = cage.spawn().map_err(Error::runtime)?;
        caged.load(bot, i as u64, BUDGET).map_err(Error::runtime)?;
        pooled.samples.push(t.elapsed());
    }
    Ok(pooled)
}

/// With `--venv`: a numpy bot's pooled spawn and memory, next to a plain python3 of that
/// venv running the same bot.
fn numpy_figures(
    policy: &CagePolicy,
    opts: &BenchArgs,
) -> Result<Option<super::figures::NumpyFigures>, Error> {
    let Some(venv) = &opts.venv else {
        return Ok(None);
    };
    let mut policy = policy.clone();
    crate::cage::add_python(&mut policy, &["numpy".to_string()], Some(venv))
        .map_err(|why| Error::Usage(format!("--venv: {why}")))?;
    let bot = BotSource {
        name: "numpy_bot.py".into(),
        code: NUMPY_BOT.into(),
        bundle: None,
    };
    let python = venv.join("bin/python");
    Ok(Some(super::figures::NumpyFigures {
        pooled: pooled_spawns(
            &policy,
            &bot,
            opts.spawns.max(10),
            (
                "pooled_numpy",
                "spawn: from the pool, a bot importing numpy, load",
            ),
        )?,
        memory: memory(&policy, &bot, python.as_os_str()).map_err(|e| e.to_string()),
    }))
}

const NUMPY_BOT: &str = "import numpy as np\n\n\ndef agent(observation, configuration):\n    return int(np.zeros(3).sum())\n";

/// Per-move round trips of a caged bot, a raw pipe and a JSON-lines python3, on the
/// host's core and (with two cores) across cores.
fn moves(
    policy: &CagePolicy,
    trivial: &BotSource,
    moves: usize,
    two_cores: bool,
) -> Result<Vec<[Figure; 3]>, Error> {
    let cage = Cage::start(policy).map_err(Error::runtime)?;
    let (obs, config) = (json!({"step": 0}), json!({}));
    let request_len = crate::cage::frame::encode(&Request::Act(Act {
        obs: Cow::Borrowed(&obs),
        config: Cow::Borrowed(&crate::cage::encoded(&config)),
    }))
    .len();
    let config = crate::cage::encoded(&config);
    let others: &[usize] = if two_cores { &[0, 1] } else { &[0] };
    let mut figures = Vec::new();
    for &other in others {
        figures.push(affinity::pinned(0, || -> Result<_, Error> {
            let mut bot = cage.spawn().map_err(Error::runtime)?;
            affinity::pin(bot.pid(), other);
            bot.load(trivial, 0, BUDGET).map_err(Error::runtime)?;
            let mut cat = Cat::start(request_len, other)?;
            let mut lines = JsonLines::start(other)?;
            let mut caged = || {
                let question = Question {
                    observation: &obs,
                    configuration: &config,
                    budget: BUDGET,
                };
                bot.ask_move(question).map(|_| ()).map_err(Error::runtime)
            };
            interleaved(
                [
                    on(
                        other,
                        ("caged_same_core", "move: caged bot, same core"),
                        ("caged_across_cores", "move: caged bot, across cores"),
                    ),
                    on(
                        other,
                        (
                            "pipe_floor_same_core",
                            "baseline: raw pipe ping-pong (cat), same core",
                        ),
                        (
                            "pipe_floor_across_cores",
                            "baseline: raw pipe ping-pong (cat), across cores",
                        ),
                    ),
                    on(
                        other,
                        (
                            "json_lines_same_core",
                            "baseline: python3 subprocess, JSON lines, same core",
                        ),
                        (
                            "json_lines_across_cores",
                            "baseline: python3 subprocess, JSON lines, across cores",
                        ),
                    ),
                ],
                moves,
                [&mut caged, &mut || cat.once(), &mut || lines.once()],
            )
        })?);
    }
    Ok(figures)
}

/// Moves per block in [`interleaved`].
const BLOCK: usize = 500;

/// `moves` samples of each round trip, taken in alternating blocks, so that a slow spell
/// of a shared machine falls on the caged bot and its baselines alike.
fn interleaved<const N: usize>(
    names: [Name; N],
    moves: usize,
    mut round_trips: [&mut dyn FnMut() -> Result<(), Error>; N],
) -> Result<[Figure; N], Error> {
    let mut figures = names.map(Figure::new);
    let mut done = 0;
    while done < moves {
        let block = BLOCK.min(moves - done);
        for (figure, once) in figures.iter_mut().zip(round_trips.iter_mut()) {
            for _ in 0..block {
                let t = Instant::now();
                once()?;
                figure.samples.push(t.elapsed());
            }
        }
        done += block;
    }
    Ok(figures)
}

/// Matches per second on one core and on all, median of three runs each (these VMs have
/// noisy neighbours).
fn throughput(
    policy: &CagePolicy,
    matches: usize,
    jobs_all: usize,
    env: GameKind,
) -> Result<Vec<Throughput>, Error> {
    let mut out = Vec::new();
    for (game, a, b, count) in [
        (
            GameKind::Rps,
            "bots/rps/pattern.py",
            "bots/rps/counter.py",
            matches,
        ),
        // ConnectX matches are shorter: three times as many for a similar duration.
        (
            GameKind::Connectx,
            "bots/connectx/greedy.py",
            "bots/connectx/random.py",
            3 * matches,
        ),
        // The same RPS bots on RPS as an environment (one game process per worker);
        // its matches are slower: half as many.
        (
            env,
            "bots/rps/pattern.py",
            "bots/rps/counter.py",
            matches.div_ceil(2),
        ),
    ] {
        let bots = [BotFile::read(a.as_ref()), BotFile::read(b.as_ref())];
        let [Ok(a), Ok(b)] = bots else {
            return Err(Error::Usage(format!("throughput needs the example bots ({a}, {b}); run the bench from the project folder")));
        };
        let mut one = Vec::new();
        let mut all = Vec::new();
        for _ in 0..3 {
            one.push(matches_per_second(policy, game, [&a, &b], count, 1)?);
            all.push(matches_per_second(policy, game, [&a, &b], count, jobs_all)?);
        }
        out.push(Throughput {
            game,
            one: median(one),
            all: median(all),
        });
    }
    Ok(out)
}

/// Times `n` calls of `once` (given the call's index), one sample each.
fn sample(
    name: Name,
    n: usize,
    mut once: impl FnMut(usize) -> Result<(), Error>,
) -> Result<Figure, Error> {
    let mut fig = Figure::new(name);
    for i in 0..n {
        let t = Instant::now();
        once(i)?;
        fig.samples.push(t.elapsed());
    }
    Ok(fig)
}

/// The name of a figure measured on CPU `cpu` relative to the host thread on CPU 0.
fn on(cpu: usize, same: Name, across: Name) -> Name {
    if cpu == 0 {
        same
    } else {
        across
    }
}

/// Times `runs` whole processes.
fn time_runs(
    name: Name,
    runs: usize,
    mut run: impl FnMut() -> std::io::Result<std::process::ExitStatus>,
) -> Result<Figure, Error> {
    sample(name, runs, |_| match run() {
        Ok(status) if status.success() => Ok(()),
        Ok(_) => Err(Error::runtime(format!(
            "{}: the baseline process failed",
            name.1
        ))),
        Err(e) => Err(Error::runtime(format!("{}: {e}", name.1))),
    })
}

/// Full matches per second with `jobs` pinned workers sharing one pooled cage, on
/// `jobs` cores: with one job the whole runner (zygote, pool, worker, bots) is held to
/// one core, so the ratio measures what a second core adds.
fn matches_per_second(
    policy: &CagePolicy,
    game: GameKind,
    bots: [&BotFile; 2],
    count: usize,
    jobs: usize,
) -> Result<f64, Error> {
    if jobs == 1 {
        affinity::pinned(0, || play_matches(policy, game, bots, count, 1))
    } else {
        play_matches(policy, game, bots, count, jobs)
    }
}

fn play_matches(
    policy: &CagePolicy,
    game: GameKind,
    bots: [&BotFile; 2],
    count: usize,
    jobs: usize,
) -> Result<f64, Error> {
    let mut policy = policy.clone();
    policy.pool = 2 * jobs;
    let cage = Cage::start(&policy).map_err(Error::runtime)?;
    // Let the pool fill before the clock starts, as it is between a tournament's matches.
    std::thread::sleep(Duration::from_millis(100));
    let next = AtomicUsize::new(0);
    let key = SeedKey::random().map_err(Error::runtime)?;
    let start = Instant::now();
    let failures: Vec<Error> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..jobs)
            .map(|w| {
                let (cage, next) = (&cage, &next);
                s.spawn(move || -> Result<(), Error> {
                    affinity::pin_current_thread(w);
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= count {
                            return Ok(());
                        }
                        let seats = if i % 2 == 0 {
                            [bots[0], bots[1]]
                        } else {
                            [bots[1], bots[0]]
                        };
                        let spec = MatchSpec {
                            game,
                            config: json!({}),
                            seed: i as u64,
                            key,
                            time_control: game.default_time_control(),
                            bots: seats.to_vec(),
                            fairness: Default::default(),
                            monitor: None,
                        };
                        referee::play(cage, &spec, &mut |_| {}).map_err(Error::runtime)?;
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .filter_map(|w| w.join().ok().and_then(Result::err))
            .collect()
    });
    if let Some(e) = failures.into_iter().next() {
        return Err(e);
    }
    Ok(count as f64 / start.elapsed().as_secs_f64())
}

/// (mean PSS of 8 caged bots, PSS of a plain `python` running the same bot), in KiB.
fn memory(
    policy: &CagePolicy,
    trivial: &BotSource,
    python: &std::ffi::OsStr,
) -> Result<(f64, f64), Error> {
    let cage = Cage::start(policy).map_err(Error::runtime)?;
    let mut bots = Vec::new();
    for i in 0..8 {
        let mut bot = cage.spawn().map_err(Error::runtime)?;
        bot.load(trivial, i, BUDGET).map_err(Error::runtime)?;
        bot.act(&json!({"step": 0}), &json!({}), BUDGET)
            .map_err(Error::runtime)?;
        bots.push(bot);
    }
    let mut total = 0.0;
    for bot in &bots {
        total += pss_kib(bot.pid())?;
    }
    let caged = total / bots.len() as f64;
    let script = format!(
        "import sys\n{}agent({{}}, {{}})\nsys.stdout.write('ready\\n')\nsys.stdout.flush()\nsys.stdin.read()\n",
        trivial.code
    );
    let mut child = Command::new(python)
        .args(["-c", &script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(Error::runtime)?;
    let mut ready = String::new();
    BufReader::new(
        child
            .stdout
            .take()
            .ok_or_else(|| Error::runtime("no stdout"))?,
    )
    .read_line(&mut ready)
    .map_err(Error::runtime)?;
    let plain = pss_kib(child.id() as libc::pid_t);
    drop(child.stdin.take());
    let _ = child.wait();
    Ok((caged, plain?))
}
