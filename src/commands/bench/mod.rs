//! `cagematch bench`: spawn time, per-move round trip, match throughput and memory, each
//! next to a baseline measured in the same run on the same machine, and checked against
//! the project's targets (ratios, so they hold on any machine).

pub mod cold;

use crate::affinity;
use crate::botfile::BotFile;
use crate::cage::protocol::Request;
use crate::cage::{BotSource, Cage, CagePolicy};
use crate::cli::BenchArgs;
use crate::error::Error;
use crate::game::GameKind;
use crate::referee::{self, MatchSpec};
use serde_json::{json, Value};
use std::borrow::Cow;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const TRIVIAL_BOT: &str = "def agent(observation, configuration):\n    return 0\n";
const BUDGET: Duration = Duration::from_secs(5);

struct Figure {
    name: &'static str,
    samples: Vec<Duration>,
}

impl Figure {
    fn new(name: &'static str) -> Figure {
        Figure {
            name,
            samples: Vec::new(),
        }
    }

    fn quantile(&self, q: f64) -> Duration {
        let mut s = self.samples.clone();
        s.sort();
        s.get(((s.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or_default()
    }

    fn median_us(&self) -> f64 {
        us(self.quantile(0.5))
    }

    fn json(&self) -> Value {
        json!({ "n": self.samples.len(), "median_us": round1(self.median_us()), "p95_us": round1(us(self.quantile(0.95))) })
    }
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

struct Target {
    name: &'static str,
    goal: String,
    value: String,
    met: bool,
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

pub fn run(opts: &BenchArgs) -> Result<(), Error> {
    let policy = CagePolicy::for_current_exe().map_err(err)?;
    let trivial = BotSource {
        name: "trivial.py".into(),
        code: TRIVIAL_BOT.into(),
    };
    let spawns = opts.spawns.max(10);
    let moves = opts.moves.max(10);
    if !opts.json {
        say!("measuring (about a minute)…");
    }

    // ---- Spawn ----
    let cage = Cage::start(&policy).map_err(err)?;
    let forked = sample("spawn: fork from the zygote, cage, load", spawns, |i| {
        let mut bot = cage.spawn().map_err(err)?;
        bot.load(&trivial, i as u64, BUDGET).map_err(err)?;
        Ok(())
    })?;
    drop(cage);
    let mut pooled_policy = policy.clone();
    pooled_policy.pool = 2;
    let cage = Cage::start(&pooled_policy).map_err(err)?;
    let mut pooled = Figure::new("spawn: from the pool of caged bots, load");
    for i in 0..spawns {
        // One spawn per 5 ms, as match starts come: the pool refills in between.
        std::thread::sleep(Duration::from_millis(5));
        let t = Instant::now();
        let mut bot = cage.spawn().map_err(err)?;
        bot.load(&trivial, i as u64, BUDGET).map_err(err)?;
        pooled.samples.push(t.elapsed());
    }
    drop(cage);
    let cold_runs = (spawns / 4).max(20);
    let script = format!("{TRIVIAL_BOT}agent({{}}, {{}})\n");
    let python = env!("CAGEMATCH_PYTHON_EXE");
    let cold_python = time_runs(
        "baseline: cold `python3 -c` running the same bot",
        cold_runs,
        || {
            Command::new(python)
                .args(["-c", &script])
                .stdin(Stdio::null())
                .status()
        },
    )?;
    let exe = std::env::current_exe().map_err(err)?;
    let cold_embedded = time_runs(
        "baseline: cold embedded interpreter, no zygote",
        cold_runs,
        || {
            Command::new(&exe)
                .args([cold::ARG, TRIVIAL_BOT])
                .env_clear()
                .stdin(Stdio::null())
                .status()
        },
    )?;

    // ---- Per-move round trip ----
    let cpus = affinity::allowed_cpus();
    let two_cores = cpus.len() >= 2;
    let cage = Cage::start(&policy).map_err(err)?;
    let (obs, config) = (json!({"step": 0}), json!({}));
    let request_len = crate::cage::frame::encode(&Request::Act {
        obs: Cow::Borrowed(&obs),
        config: Cow::Borrowed(&config),
    })
    .len();
    let mut move_figures = Vec::new();
    let layouts: &[(usize, &str)] = if two_cores {
        &[(0, "same core"), (1, "across cores")]
    } else {
        &[(0, "same core")]
    };
    for &(other, layout) in layouts {
        let (caged, floor, lines) = affinity::pinned(0, || -> Result<_, String> {
            let mut bot = cage.spawn().map_err(err)?;
            affinity::pin(bot.pid(), other);
            bot.load(&trivial, 0, BUDGET).map_err(err)?;
            let (obs, config) = (json!({"step": 0}), json!({}));
            let caged = sample(
                on(
                    other,
                    "move: caged bot, same core",
                    "move: caged bot, across cores",
                ),
                moves,
                |_| bot.act(&obs, &config, BUDGET).map(|_| ()).map_err(err),
            )?;
            let floor = pipe_floor(moves, request_len, other)?;
            let lines = json_lines(moves, other)?;
            Ok((caged, floor, lines))
        })?;
        let _ = layout;
        move_figures.push((caged, floor, lines));
    }
    drop(cage);

    // ---- Throughput ----
    let jobs_all = cpus.len().max(1);
    let mut throughput = Vec::new();
    for (game, a, b, count) in [
        (
            GameKind::Rps,
            "bots/rps/pattern.py",
            "bots/rps/counter.py",
            opts.matches.max(2),
        ),
        (
            GameKind::Connectx,
            "bots/connectx/greedy.py",
            "bots/connectx/random.py",
            // ConnectX matches are shorter: three times as many for a similar duration.
            3 * opts.matches.max(2),
        ),
    ] {
        let bots = [BotFile::read(a.as_ref()), BotFile::read(b.as_ref())];
        let [Ok(a), Ok(b)] = bots else {
            return Err(Error::Usage(format!("throughput needs the example bots ({a}, {b}); run the bench from the project folder")));
        };
        // Median of three runs each: these VMs have noisy neighbours.
        let mut one = Vec::new();
        let mut all = Vec::new();
        for _ in 0..3 {
            one.push(matches_per_second(&policy, game, [&a, &b], count, 1)?);
            all.push(matches_per_second(
                &policy,
                game,
                [&a, &b],
                count,
                jobs_all,
            )?);
        }
        let (one, all) = (median(one), median(all));
        throughput.push((game, one, all));
    }

    // ---- Memory ----
    // Unavailable (e.g. /proc hidden) is reported, not fatal.
    let memory = memory(&policy, &trivial);

    // ---- Targets ----
    let spawn_ms = pooled.median_us() / 1000.0;
    let speedup = cold_python.median_us() / pooled.median_us();
    let (same_caged, same_floor, _) = &move_figures[0];
    let over = same_caged.median_us() - same_floor.median_us();
    let mut targets = vec![
        Target {
            name: "spawn median",
            goal: "≤ 3 ms".into(),
            value: format!("{spawn_ms:.2} ms"),
            met: spawn_ms <= 3.0,
        },
        Target {
            name: "spawn vs cold python3",
            goal: "≥ 10× faster".into(),
            value: format!("{speedup:.1}×"),
            met: speedup >= 10.0,
        },
        Target {
            name: "move over the pipe floor (same core)",
            goal: "≤ 15 µs".into(),
            value: format!("{over:+.1} µs"),
            met: over <= 15.0,
        },
    ];
    for (game, one, all) in &throughput {
        let scaling = all / one;
        targets.push(Target {
            name: if *game == GameKind::Rps {
                "throughput scaling, rps"
            } else {
                "throughput scaling, connectx"
            },
            goal: format!("≥ 1.8× from 1 to {jobs_all} cores"),
            // Shown rounded down, so a value shown as 1.80 has met 1.8.
            value: format!("{:.2}×", (scaling * 100.0).floor() / 100.0),
            met: jobs_all < 2 || scaling >= 1.8,
        });
    }
    if let Some((caged, plain)) = memory.as_ref().ok().copied() {
        targets.push(Target {
            name: "PSS per caged bot vs plain python3",
            goal: "≤ ½".into(),
            value: format!("{:.2}", caged / plain),
            met: caged * 2.0 <= plain,
        });
    }

    let spawn_figures = [&pooled, &forked, &cold_python, &cold_embedded];
    if opts.json {
        let moves_json: Value = move_figures
            .iter()
            .flat_map(|(c, f, l)| [c, f, l])
            .map(|f| (f.name.to_string(), f.json()))
            .collect::<serde_json::Map<_, _>>()
            .into();
        say!(
            "{}",
            json!({
                "spawn": spawn_figures.iter().map(|f| (f.name.to_string(), f.json())).collect::<serde_json::Map<_, _>>(),
                "move": moves_json,
                "throughput": throughput.iter().map(|(g, one, all)| (g.name().to_string(), json!({
                    "jobs_1": round1(*one), format!("jobs_{jobs_all}"): round1(*all), "scaling": (all / one * 100.0).round() / 100.0
                }))).collect::<serde_json::Map<_, _>>(),
                "memory": match &memory {
                    Ok((c, p)) => json!({"caged_bot_pss_kib": c.round(), "python3_pss_kib": p.round()}),
                    Err(e) => json!({"unavailable": e}),
                },
                "targets": targets.iter().map(|t| json!({"name": t.name, "goal": t.goal, "value": t.value, "met": t.met})).collect::<Vec<_>>(),
            })
        );
        return Ok(());
    }
    say!(
        "\n{:<58} {:>6} {:>11} {:>11}",
        "spawn (request to a caged, loaded bot)",
        "n",
        "median",
        "p95"
    );
    for f in spawn_figures {
        print_figure(f);
    }
    say!(
        "\n{:<58} {:>6} {:>11} {:>11}",
        "per-move round trip",
        "n",
        "median",
        "p95"
    );
    for (c, f, l) in &move_figures {
        print_figure(c);
        print_figure(f);
        print_figure(l);
    }
    say!(
        "\n{:<58} {:>10} {:>10} {:>8}",
        "throughput (matches/s, median of 3 runs)",
        "1 core",
        format!("{jobs_all} cores"),
        "scaling"
    );
    for (game, one, all) in &throughput {
        let what = if *game == GameKind::Rps {
            "rps: pattern vs counter, 999 rounds"
        } else {
            "connectx: greedy vs random"
        };
        say!(
            "{:<58} {:>10.1} {:>10.1} {:>7.2}×",
            what,
            one,
            all,
            all / one
        );
    }
    say!("\n{:<58}", "memory (proportional set size)");
    match &memory {
        Ok((c, p)) => {
            say!(
                "{:<58} {:>8.0} KiB",
                "caged bot (mean of 8, sharing the zygote's pages)",
                c
            );
            say!(
                "{:<58} {:>8.0} KiB",
                "baseline: plain python3 running the same bot",
                p
            );
        }
        Err(e) => say!("  unavailable: {e}"),
    }
    say!("\n{:<40} {:>22} {:>12}  ", "target", "goal", "measured");
    for t in &targets {
        say!(
            "{:<40} {:>22} {:>12}  {}",
            t.name,
            t.goal,
            t.value,
            if t.met { "met" } else { "MISSED" }
        );
    }
    Ok(())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn print_figure(f: &Figure) {
    say!(
        "{:<58} {:>6} {:>9.1}µs {:>9.1}µs",
        f.name,
        f.samples.len(),
        f.median_us(),
        us(f.quantile(0.95))
    );
}

/// Times `n` calls of `once` (given the call's index), one sample each.
fn sample(
    name: &'static str,
    n: usize,
    mut once: impl FnMut(usize) -> Result<(), String>,
) -> Result<Figure, String> {
    let mut fig = Figure::new(name);
    for i in 0..n {
        let t = Instant::now();
        once(i)?;
        fig.samples.push(t.elapsed());
    }
    Ok(fig)
}

/// The name of a figure measured on CPU `cpu` relative to the host thread on CPU 0.
fn on(cpu: usize, same: &'static str, across: &'static str) -> &'static str {
    if cpu == 0 {
        same
    } else {
        across
    }
}

/// Times `runs` whole processes.
fn time_runs(
    name: &'static str,
    runs: usize,
    mut run: impl FnMut() -> std::io::Result<std::process::ExitStatus>,
) -> Result<Figure, String> {
    sample(name, runs, |_| match run() {
        Ok(status) if status.success() => Ok(()),
        Ok(_) => Err(format!("{name}: the baseline process failed")),
        Err(e) => Err(format!("{name}: {e}")),
    })
}

fn spawn_pinned(cmd: &mut Command, cpu: usize) -> Result<Child, String> {
    let child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(err)?;
    affinity::pin(child.id() as libc::pid_t, cpu);
    Ok(child)
}

/// The physical floor: the same number of bytes bounced through `cat` over two pipes.
fn pipe_floor(rounds: usize, size: usize, cpu: usize) -> Result<Figure, String> {
    let mut child = spawn_pinned(&mut Command::new("cat"), cpu)
        .map_err(|e| format!("cannot run cat for the pipe baseline: {e}"))?;
    let mut to = child.stdin.take().ok_or("no stdin")?;
    let mut from = child.stdout.take().ok_or("no stdout")?;
    let msg = vec![b'x'; size];
    let mut back = vec![0u8; size];
    let fig = sample(
        on(
            cpu,
            "baseline: raw pipe ping-pong (cat), same core",
            "baseline: raw pipe ping-pong (cat), across cores",
        ),
        rounds,
        |_| {
            to.write_all(&msg).map_err(err)?;
            from.read_exact(&mut back).map_err(err)
        },
    )?;
    drop(to);
    let _ = child.wait();
    Ok(fig)
}

/// The usual approach: a python3 subprocess reading and writing JSON lines.
fn json_lines(rounds: usize, cpu: usize) -> Result<Figure, String> {
    let script = format!(
        "import sys, json\n{TRIVIAL_BOT}for line in sys.stdin:\n    m = json.loads(line)\n    sys.stdout.write(json.dumps(agent(m['obs'], m['config'])) + '\\n')\n    sys.stdout.flush()\n"
    );
    let mut child = spawn_pinned(
        Command::new(env!("CAGEMATCH_PYTHON_EXE")).args(["-c", &script]),
        cpu,
    )
    .map_err(|e| format!("cannot run python3 for the JSON-lines baseline: {e}"))?;
    let mut to = child.stdin.take().ok_or("no stdin")?;
    let mut from = BufReader::new(child.stdout.take().ok_or("no stdout")?);
    let line = format!("{}\n", json!({"obs": {"step": 0}, "config": {}}));
    let mut back = String::new();
    let fig = sample(
        on(
            cpu,
            "baseline: python3 subprocess, JSON lines, same core",
            "baseline: python3 subprocess, JSON lines, across cores",
        ),
        rounds,
        |_| {
            to.write_all(line.as_bytes()).map_err(err)?;
            back.clear();
            from.read_line(&mut back).map(|_| ()).map_err(err)
        },
    )?;
    drop(to);
    let _ = child.wait();
    Ok(fig)
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
) -> Result<f64, String> {
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
) -> Result<f64, String> {
    let mut policy = policy.clone();
    policy.pool = 2 * jobs;
    let cage = Cage::start(&policy).map_err(err)?;
    // Let the pool fill before the clock starts, as it is between a tournament's matches.
    std::thread::sleep(Duration::from_millis(100));
    let next = AtomicUsize::new(0);
    let start = Instant::now();
    let failures: Vec<String> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..jobs)
            .map(|w| {
                let (cage, next) = (&cage, &next);
                s.spawn(move || -> Result<(), String> {
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
                            time_control: game.default_time_control(),
                            bots: seats,
                        };
                        referee::play(cage, &spec, &mut |_| {}).map_err(err)?;
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .filter_map(|w| w.join().ok().and_then(Result::err))
            .collect()
    });
    if let Some(e) = failures.first() {
        return Err(e.clone());
    }
    Ok(count as f64 / start.elapsed().as_secs_f64())
}

/// `Pss:` of a process, in KiB.
fn pss_kib(pid: libc::pid_t) -> Result<f64, String> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).map_err(|e| {
        if e.kind() == std::io::ErrorKind::PermissionDenied {
            "bots are not dumpable (PR_SET_DUMPABLE 0), which hides their /proc files from \
             their own user; run the bench as root to measure memory"
                .to_string()
        } else {
            format!("cannot read /proc/{pid}/smaps_rollup: {e}")
        }
    })?;
    text.lines()
        .find_map(|l| l.strip_prefix("Pss:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .ok_or_else(|| format!("no Pss line for {pid}"))
}

/// (mean PSS of 8 caged bots, PSS of a plain python3 running the same bot), in KiB.
fn memory(policy: &CagePolicy, trivial: &BotSource) -> Result<(f64, f64), String> {
    let cage = Cage::start(policy).map_err(err)?;
    let mut bots = Vec::new();
    for i in 0..8 {
        let mut bot = cage.spawn().map_err(err)?;
        bot.load(trivial, i, BUDGET).map_err(err)?;
        bot.act(&json!({"step": 0}), &json!({}), BUDGET)
            .map_err(err)?;
        bots.push(bot);
    }
    let mut total = 0.0;
    for bot in &bots {
        total += pss_kib(bot.pid())?;
    }
    let caged = total / bots.len() as f64;
    let script = format!("import sys\n{TRIVIAL_BOT}agent({{}}, {{}})\nsys.stdout.write('ready\\n')\nsys.stdout.flush()\nsys.stdin.read()\n");
    let mut child = Command::new(env!("CAGEMATCH_PYTHON_EXE"))
        .args(["-c", &script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(err)?;
    let mut ready = String::new();
    BufReader::new(child.stdout.take().ok_or("no stdout")?)
        .read_line(&mut ready)
        .map_err(err)?;
    let plain = pss_kib(child.id() as libc::pid_t);
    drop(child.stdin.take());
    let _ = child.wait();
    Ok((caged, plain?))
}
