//! Printing `cagematch bench`: a table for people, one JSON object for scripts.

use super::figures::{round1, round2, us, Figure, Measured, Target};
use crate::game::GameKind;
use serde_json::{json, Value};

pub fn json(m: &Measured, targets: &[Target]) {
    let s = &m.spawns;
    let spawn_figures = [&s.pooled, &s.forked, &s.cold_python, &s.cold_embedded];
    let moves_json: Value = m
        .moves
        .iter()
        .flatten()
        .chain([&m.in_process])
        .map(|f| (f.key.to_string(), f.json()))
        .collect::<serde_json::Map<_, _>>()
        .into();
    let jobs_all = m.jobs_all;
    say!(
        "{}",
        json!({
            "spawn": spawn_figures.iter().map(|f| (f.key.to_string(), f.json())).collect::<serde_json::Map<_, _>>(),
            "move": moves_json,
            "rps_round": rounds_json(&m.rounds),
            "replay": json!({
                "frames": m.rounds.frames(),
                "json_bytes": m.rounds.replay_json_bytes,
                "zstd_bytes": m.rounds.replay_zstd_bytes,
                "json_bytes_per_frame": round1(m.rounds.replay_json_bytes as f64 / m.rounds.frames() as f64),
                "zstd_bytes_per_frame": round1(m.rounds.replay_zstd_bytes as f64 / m.rounds.frames() as f64),
            }),
            "throughput": m.throughput.iter().map(|t| (t.game.name().to_string(), json!({
                "jobs_1": round1(t.one), format!("jobs_{jobs_all}"): round1(t.all), "scaling": (t.all / t.one * 100.0).round() / 100.0
            }))).collect::<serde_json::Map<_, _>>(),
            "memory": match &m.memory {
                Ok((c, p)) => json!({"caged_bot_pss_kib": c.round(), "python3_pss_kib": p.round()}),
                Err(e) => json!({"unavailable": e}),
            },
            "fairness": json!({
                "jobs": m.fairness.jobs,
                "matches": m.fairness.matches,
                "time_losses_per_1000_moves": m.fairness.losses.iter().map(|l| (l.game.name().to_string(), json!({
                    "charged": round1(super::fairness::per_thousand(l.protected)),
                    "wall_clock": round1(super::fairness::per_thousand(l.baseline)),
                    "moves": [l.protected.0, l.baseline.0],
                }))).collect::<serde_json::Map<_, _>>(),
                "oversubscribed": json!({"jobs": m.fairness.oversubscribed_jobs, "moves": m.fairness.oversubscribed.0, "timeouts": m.fairness.oversubscribed.1}),
                "stalls": m.fairness.stalls.iter().map(|s| json!({"what": s.what, "budget_s": s.budget.as_secs_f64(), "wall_s": (s.wall.as_secs_f64() * 1000.0).round() / 1000.0})).collect::<Vec<_>>(),
            }),
            "bundle": match &m.bundle {
                Ok(b) => super::bundle::json(b),
                Err(e) => json!({"unavailable": e}),
            },
            "numpy": m.numpy.as_ref().map(|n| json!({
                "spawn": n.pooled.json(),
                "memory": match &n.memory {
                    Ok((c, p)) => json!({"caged_bot_pss_kib": c.round(), "python3_pss_kib": p.round()}),
                    Err(e) => json!({"unavailable": e}),
                },
            })),
            "environment": json!({
                "rounds": 999,
                "env_round_us": round1(m.environment.env_round_us),
                "builtin_round_us": round1(m.environment.builtin_round_us),
                "env_seats_us": round1(m.environment.env_seats_us),
                "builtin_seats_us": round1(m.environment.builtin_seats_us),
                "env_matches_per_s": round1(m.environment.env_matches_per_s),
                "kaggle_env_run_matches_per_s": match &m.environment.kaggle {
                    Some(Ok(v)) => json!(round1(*v)),
                    Some(Err(e)) => json!({"unavailable": e}),
                    None => Value::Null,
                },
                "hungry_geese_4_seats": match &m.environment.geese {
                    Some(Ok(g)) => json!({
                        "steps": g.ours.steps,
                        "steps_per_s": round1(g.ours.steps_per_s),
                        "running_steps_per_s": round1(g.ours.running_steps_per_s),
                        "start_ms": round2(g.ours.start_ms),
                        "seats_exchange_us": round1(g.seats_exchange_us),
                        "kaggle_env_run": match &g.kaggle {
                            Ok(k) => json!({
                                "steps": k.steps,
                                "steps_per_s": round1(k.steps_per_s),
                                "running_steps_per_s": round1(k.running_steps_per_s),
                                "start_ms": round2(k.start_ms),
                            }),
                            Err(e) => json!({"unavailable": e}),
                        },
                    }),
                    Some(Err(e)) => json!({"unavailable": e}),
                    None => Value::Null,
                },
            }),
            "ladder": super::ladder::json(&m.ladder),
            "targets": targets.iter().map(|t| json!({"name": t.name, "goal": t.goal, "value": t.value, "met": t.met})).collect::<Vec<_>>(),
        })
    );
}

pub fn table(m: &Measured, targets: &[Target]) {
    let s = &m.spawns;
    heading("spawn (request to a caged, loaded bot)");
    for f in [&s.pooled, &s.forked, &s.cold_python, &s.cold_embedded] {
        figure(f);
    }
    heading("per-move round trip");
    for f in m.moves.iter().flatten().chain([&m.in_process]) {
        figure(f);
    }
    rounds_table(&m.rounds);
    say!(
        "\n{:<58} {:>10} {:>10} {:>8}",
        "throughput (matches/s, median of 3 runs)",
        "1 core",
        format!("{} cores", m.jobs_all),
        "scaling"
    );
    for t in &m.throughput {
        let what = match t.game {
            GameKind::Rps => "rps: pattern vs counter, 999 rounds",
            GameKind::Connectx => "connectx: greedy vs random",
            _ => "rps as a kaggle environment: pattern vs counter",
        };
        say!(
            "{:<58} {:>10.1} {:>10.1} {:>7.2}×",
            what,
            t.one,
            t.all,
            t.all / t.one
        );
    }
    fairness_table(&m.fairness);
    environment_table(&m.environment);
    super::ladder::table(&m.ladder);
    heading("bundles");
    match &m.bundle {
        Ok(b) => super::bundle::table(b),
        Err(e) => say!("  bundle figures unavailable: {e}"),
    }
    if let Some(n) = &m.numpy {
        numpy_table(n);
    }
    say!("\n{:<58}", "memory (proportional set size)");
    match &m.memory {
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
    for t in targets {
        say!(
            "{:<40} {:>22} {:>12}  {}",
            t.name,
            t.goal,
            t.value,
            if t.met { "met" } else { "MISSED" }
        );
    }
}

fn rounds_json(r: &super::rounds::RoundFigures) -> Value {
    json!({
        "rounds": r.rounds,
        "round_us": round1(r.round_us),
        "slower_seat_us": round1(r.slower_seat_us),
        "seat_us": r.seats_us.map(round1),
        "referee_overhead_us": round1(r.overhead_us()),
    })
}

fn rounds_table(r: &super::rounds::RoundFigures) {
    say!(
        "\n{:<58} {:>11}",
        format!("rps round, rock vs rock, one core ({} rounds)", r.rounds),
        "mean"
    );
    let lines = [
        ("a round, first frame to last", r.round_us),
        (
            "the slower seat's round trip (seats asked at once)",
            r.slower_seat_us,
        ),
        ("seat 1's round trip", r.seats_us[0]),
        ("seat 2's round trip", r.seats_us[1]),
        (
            "referee overhead (a round less the slower seat)",
            r.overhead_us(),
        ),
    ];
    for (what, value) in lines {
        say!("{what:<58} {value:>9.1}µs");
    }
    let per_frame = |bytes: usize| bytes as f64 / r.frames() as f64;
    say!(
        "{:<58} {:>8.1} B ({:.1} % of {:.1} B as plain JSON)",
        "replay bytes per frame (zstd, with timings)",
        per_frame(r.replay_zstd_bytes),
        r.replay_zstd_bytes as f64 * 100.0 / r.replay_json_bytes.max(1) as f64,
        per_frame(r.replay_json_bytes)
    );
}

fn environment_table(e: &super::figures::EnvFigures) {
    say!(
        "\n{:<58} {:>11} {:>11}",
        "a python game: rps as a kaggle environment (999 rounds)",
        "per round",
        "matches/s"
    );
    say!(
        "{:<58} {:>9.1}µs {:>11.1}",
        "through cagematch's game process",
        e.env_round_us,
        e.env_matches_per_s
    );
    say!(
        "{:<58} {:>9.1}µs {:>11.1}",
        "baseline: the built-in rps",
        e.builtin_round_us,
        1e6 / (e.builtin_round_us * 999.0)
    );
    say!(
        "of a round, the seats' exchange {:.1}µs (built-in {:.1}µs); the game's step and the referee {:.1}µs (built-in {:.1}µs)",
        e.env_seats_us,
        e.builtin_seats_us,
        e.env_round_us - e.env_seats_us,
        e.builtin_round_us - e.builtin_seats_us
    );
    match &e.kaggle {
        Some(Ok(v)) => say!(
            "{:<58} {:>11} {:>11.2}",
            "baseline: kaggle_environments' env.run (--game-venv)",
            "",
            v
        ),
        Some(Err(why)) => say!("baseline: kaggle_environments' env.run: {why}"),
        None => say!("baseline: kaggle_environments' env.run: give --game-venv DIR to time it"),
    }
    match &e.geese {
        Some(Ok(g)) => {
            say!(
                "\n{:<46} {:>9} {:>11} {:>10}",
                "a free-for-all: 4-seat hungry geese, greedy geese",
                "steps/s",
                "running",
                "start ms"
            );
            let row = |what: &str, r: &super::figures::GeeseRun| {
                say!(
                    "{:<46} {:>9.1} {:>11.1} {:>10.2}",
                    what,
                    r.steps_per_s,
                    r.running_steps_per_s,
                    r.start_ms
                );
            };
            row("through cagematch (4 caged bots)", &g.ours);
            match &g.kaggle {
                Ok(k) => {
                    row("baseline: kaggle_environments' env.run", k);
                    if k.steps == g.ours.steps {
                        say!("(the same matches both ways: {} steps)", k.steps);
                    } else {
                        say!(
                            "(not the same matches: {} steps through cagematch, {} through env.run)",
                            g.ours.steps,
                            k.steps
                        );
                    }
                }
                Err(why) => say!("baseline: kaggle_environments' env.run: {why}"),
            }
            let step = g.ours.running_step_us();
            say!(
                "a running step through cagematch: {step:.0}µs = the four seats' exchange {:.0}µs (asked at once, on one core) + the game's step and the referee {:.0}µs",
                g.seats_exchange_us,
                step - g.seats_exchange_us
            );
        }
        Some(Err(why)) => say!("\na free-for-all (4-seat hungry geese): {why}"),
        None => {}
    }
}

fn heading(what: &str) {
    say!("\n{:<58} {:>6} {:>11} {:>11}", what, "n", "median", "p95");
}

fn figure(f: &Figure) {
    say!(
        "{:<58} {:>6} {:>9.1}µs {:>9.1}µs",
        f.name,
        f.samples.len(),
        f.median_us(),
        us(f.quantile(0.95))
    );
}

fn fairness_table(f: &super::fairness::FairnessFigures) {
    say!(
        "\n{:<58} {:>10} {:>10}",
        format!(
            "time losses per 1000 moves ({} matches, {} at once)",
            f.matches, f.jobs
        ),
        "charged",
        "wall clock"
    );
    for l in &f.losses {
        say!(
            "{:<58} {:>10.1} {:>10.1}",
            format!(
                "{}: bots think 70 % of a 0.1 s budget ({} / {} moves)",
                l.game.name(),
                l.protected.0,
                l.baseline.0
            ),
            super::fairness::per_thousand(l.protected),
            super::fairness::per_thousand(l.baseline)
        );
    }
    say!(
        "{:<58} {:>10.1} {:>10}",
        format!(
            "rps, {} matches at once (3 runners × 8 jobs on 2 cores) ({} moves)",
            f.oversubscribed_jobs, f.oversubscribed.0
        ),
        super::fairness::per_thousand(f.oversubscribed),
        "-"
    );
    for s in &f.stalls {
        say!(
            "{:<58} {:>7.2} s of a {:.1} s budget",
            format!("{}: wall time of its move", s.what),
            s.wall.as_secs_f64(),
            s.budget.as_secs_f64()
        );
    }
}

fn numpy_table(n: &super::figures::NumpyFigures) {
    heading("numpy (--venv)");
    figure(&n.pooled);
    match &n.memory {
        Ok((c, p)) => {
            say!("{:<58} {:>8.0} KiB", "numpy bot, caged (mean of 8)", c);
            say!(
                "{:<58} {:>8.0} KiB",
                "baseline: the venv's python3 running it",
                p
            );
        }
        Err(e) => say!("  memory unavailable: {e}"),
    }
}
