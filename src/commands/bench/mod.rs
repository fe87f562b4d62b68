//! `cagematch bench`: spawn time, per-move round trip, match throughput and memory, each
//! next to a baseline measured in the same run on the same machine, and checked against
//! the project's targets (ratios, so they hold on any machine). Measuring
//! (`measure.rs`), judging ([`judge`]) and printing (`print.rs`) are apart.

mod baselines;
mod bundle;
pub mod cold;
mod environment;
mod fairness;
mod figures;
mod free_for_all;
mod kaggle_baseline;
mod ladder;
mod measure;
mod print;
mod pss;
mod rounds;

use figures::{Measured, Target};

use crate::cli::BenchArgs;
use crate::error::Error;
use crate::game::GameKind;

pub fn run(opts: &BenchArgs) -> Result<(), Error> {
    if !opts.json {
        say!("measuring (about a minute)…");
    }
    let measured = measure::everything(opts)?;
    let targets = judge(&measured);
    if opts.json {
        print::json(&measured, &targets);
    } else {
        print::table(&measured, &targets);
    }
    Ok(())
}

/// The project's targets, each against its same-run baseline.
fn judge(m: &Measured) -> Vec<Target> {
    let spawn_ms = m.spawns.pooled.median_us() / 1000.0;
    let speedup = m.spawns.cold_python.median_us() / m.spawns.pooled.median_us();
    let [same_caged, same_floor, _] = &m.moves[0];
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
    targets.extend(cost_targets(m));
    for t in &m.throughput {
        let scaling = t.all / t.one;
        targets.push(Target {
            name: match t.game {
                GameKind::Rps => "throughput scaling, rps",
                GameKind::Connectx => "throughput scaling, connectx",
                _ => "throughput scaling, rps environment",
            },
            goal: format!("≥ 1.8× from 1 to {} cores", m.jobs_all),
            // Shown rounded down, so a value shown as 1.80 has met 1.8.
            value: format!("{:.2}×", (scaling * 100.0).floor() / 100.0),
            met: m.jobs_all < 2 || scaling >= 1.8,
        });
    }
    targets.extend(fairness_targets(&m.fairness));
    targets.extend(environment_targets(&m.environment));
    targets.extend(ladder_targets(m));
    if let Some(n) = &m.numpy {
        let spawn_ms = n.pooled.median_us() / 1000.0;
        targets.push(Target {
            name: "spawn median, numpy bot",
            goal: "≤ 3 ms".into(),
            value: format!("{spawn_ms:.2} ms"),
            met: spawn_ms <= 3.0,
        });
        if let Ok((caged, plain)) = n.memory {
            targets.push(Target {
                name: "PSS per numpy bot vs python3 + numpy",
                goal: "≤ ½".into(),
                value: format!("{:.2}", caged / plain),
                met: caged * 2.0 <= plain,
            });
        }
    }
    if let Ok(b) = &m.bundle {
        let ratio = b.spawn.median_us() / b.baseline.median_us();
        targets.push(Target {
            name: "bundle spawn vs one-file bot of its memory",
            goal: "≤ 1.5×".into(),
            value: format!("{ratio:.2}×"),
            met: ratio <= 1.5,
        });
    }
    if let Ok((caged, plain)) = m.memory {
        targets.push(Target {
            name: "PSS per caged bot vs plain python3",
            goal: "≤ ½".into(),
            value: format!("{:.2}", caged / plain),
            met: caged * 2.0 <= plain,
        });
    }
    targets
}

/// A ladder's new version costs the same games however many versions it has, and the
/// runner's own work for its batch (planning, standings) is small beside those games
/// (each timed as an RPS match on every core, from the throughput rows).
fn ladder_targets(m: &Measured) -> Vec<Target> {
    let (Some(small), Some(large)) = (m.ladder.first(), m.ladder.last()) else {
        return Vec::new();
    };
    let ratio = large.games as f64 / small.games.max(1) as f64;
    let mut targets = vec![Target {
        name: "ladder: games per new version, 300 vs 30",
        goal: "≤ 1.25×".into(),
        value: format!("{ratio:.2}×"),
        met: ratio <= 1.25,
    }];
    if let Some(rps) = m.throughput.iter().find(|t| t.game == GameKind::Rps) {
        let games_s = large.games as f64 / rps.all.max(1e-9);
        let overhead = (large.planning + large.standings).as_secs_f64() / games_s;
        targets.push(Target {
            name: "ladder: batch overhead at 300 vs its games",
            goal: "≤ 10%".into(),
            value: format!("{:.1}%", overhead * 100.0),
            met: overhead <= 0.10,
        });
    }
    targets
}

/// The per-move, per-round and replay-size targets of the performance issue: each
/// against its same-run baseline.
fn cost_targets(m: &Measured) -> Vec<Target> {
    let mut targets = Vec::new();
    for (i, layout) in m.moves.iter().enumerate() {
        let ratio = layout[0].median_us() / layout[2].median_us();
        targets.push(Target {
            name: if i == 0 {
                "move vs python3 JSON lines (same core)"
            } else {
                "move vs python3 JSON lines (across cores)"
            },
            goal: "≤ 1.00×".into(),
            // Shown rounded up, so a value shown as 1.00 has met 1.00.
            value: format!("{:.2}×", (ratio * 100.0).ceil() / 100.0),
            met: ratio <= 1.0,
        });
    }
    let r = &m.rounds;
    targets.push(Target {
        name: "referee overhead per rps round",
        goal: "≤ 5 µs".into(),
        value: format!("{:+.1} µs", r.overhead_us()),
        met: r.overhead_us() <= 5.0,
    });
    let share = r.replay_zstd_bytes as f64 / r.replay_json_bytes.max(1) as f64;
    targets.push(Target {
        name: "replay size vs plain JSON (rps)",
        goal: "≤ 5 %".into(),
        value: format!("{:.1} %", share * 100.0),
        met: share <= 0.05,
    });
    targets
}

/// Time losses on a shared machine, and what a stalling bot costs.
fn fairness_targets(f: &fairness::FairnessFigures) -> Vec<Target> {
    let mut targets = Vec::new();
    for l in &f.losses {
        let (protected, baseline) = (
            fairness::per_thousand(l.protected),
            fairness::per_thousand(l.baseline),
        );
        targets.push(Target {
            name: if l.game == GameKind::Rps {
                "time losses per 1000 moves, rps"
            } else {
                "time losses per 1000 moves, connectx"
            },
            goal: "0".into(),
            value: format!("{protected:.1} (wall: {baseline:.0})"),
            met: l.protected.1 == 0,
        });
    }
    let crowd = f;
    targets.push(Target {
        name: "time losses, 12 matches at once per core",
        goal: "0".into(),
        value: format!(
            "{} of {} moves",
            crowd.oversubscribed.1, crowd.oversubscribed.0
        ),
        met: crowd.oversubscribed.1 == 0,
    });
    for s in &f.stalls {
        let over = s.wall.as_secs_f64() - s.budget.as_secs_f64();
        targets.push(Target {
            name: if s.what.starts_with("sleeping") {
                "sleeping bot's move past its budget"
            } else {
                "blocked bot's move past its budget"
            },
            goal: "≤ 1 s".into(),
            value: format!("{over:+.2} s"),
            met: over <= 1.0,
        });
    }
    targets
}

/// A game of one's own: its rounds against the built-in RPS's, its matches against
/// kaggle_environments' own runner (with `--game-venv`).
fn environment_targets(e: &figures::EnvFigures) -> Vec<Target> {
    let per_round = e.env_round_us / e.builtin_round_us;
    let mut targets = vec![Target {
        name: "python game round vs built-in rps round",
        goal: "≤ 2×".into(),
        value: format!("{per_round:.1}×"),
        met: per_round <= 2.0,
    }];
    if let Some(Ok(kaggle)) = &e.kaggle {
        let speedup = e.env_matches_per_s / kaggle;
        targets.push(Target {
            name: "python game matches/s vs kaggle env.run",
            goal: "≥ 10×".into(),
            value: format!("{speedup:.1}×"),
            met: speedup >= 10.0,
        });
    }
    if let Some(Ok(g)) = &e.geese {
        if let Ok(kaggle) = &g.kaggle {
            let speedup = g.ours.steps_per_s / kaggle.steps_per_s;
            targets.push(Target {
                name: "4-seat hungry geese steps/s vs kaggle env.run",
                goal: "≥ 10×".into(),
                value: format!("{speedup:.1}×"),
                met: speedup >= 10.0,
            });
        }
    }
    targets
}
