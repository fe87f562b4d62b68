//! The fairness figures of `cagematch bench`: how often a bot loses on time when
//! 4 × cores matches share the machine, each bot thinking for 70 % of its budget —
//! with the runner's measures on (charged time forgives run-queue wait; off-turn bots are
//! frozen) and, as the baseline, with plain wall-clock charging and no freeze (what
//! cutechess and Kaggle do) — and the wall time a sleeping or a blocked bot costs.

use crate::botfile::BotFile;
use crate::cage::{BotSource, Cage, CagePolicy, Fairness, FaultKind};
use crate::error::Error;
use crate::game::{GameKind, TimeControl};
use crate::referee::{self, MatchRecord, MatchSpec, SeedKey};
use serde_json::json;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The move budget the thinking bots play under, and what they think of it.
const MOVE_BUDGET: f64 = 0.1;
const THINK: f64 = 0.07;
/// The budget the sleeping and blocked bots get.
const STALL_BUDGET: f64 = 1.0;

/// Time losses in one game, protected and baseline.
pub struct Losses {
    pub game: GameKind,
    /// (moves asked, timeouts) with the measures on, then for the baseline.
    pub protected: (usize, usize),
    pub baseline: (usize, usize),
}

/// One stalling bot: its budget and the wall time its timed-out move took.
pub struct Stall {
    pub what: &'static str,
    pub budget: Duration,
    pub wall: Duration,
}

pub struct FairnessFigures {
    pub jobs: usize,
    pub matches: usize,
    pub losses: Vec<Losses>,
    pub stalls: Vec<Stall>,
    /// Three runners of 8 jobs each on 2 cores, as matches at once (12 per core): moves
    /// asked and moves lost on time, with the runner's measures on.
    pub oversubscribed: (usize, usize),
    pub oversubscribed_jobs: usize,
}

/// Matches at once per core in the oversubscribed figure (three runners of 8 jobs each
/// on 2 cores), and their time control: a 0.1 s move with a 0.2 s bank.
const CROWD_PER_CORE: usize = 12;
const CROWD_CLOCK: TimeControl = TimeControl {
    per_move: MOVE_BUDGET,
    overage: 0.2,
    load: 10.0,
};

/// Matches played at once in one figure.
struct Crowd {
    game: GameKind,
    clock: TimeControl,
    config: serde_json::Value,
    count: usize,
    jobs: usize,
}

pub fn per_thousand((moves, timeouts): (usize, usize)) -> f64 {
    if moves == 0 {
        0.0
    } else {
        timeouts as f64 * 1000.0 / moves as f64
    }
}

/// A bot that spends `THINK` seconds of CPU on every move, then plays `play`.
fn thinker(game: GameKind) -> BotFile {
    let play = match game {
        GameKind::Connectx => {
            "random.choice([c for c in range(config.columns) if obs.board[c] == 0])"
        }
        _ => "random.randrange(3)",
    };
    let code = format!(
        "import random\nimport time\n\n\ndef agent(obs, config):\n    end = time.process_time() + {THINK}\n    while time.process_time() < end:\n        pass\n    return {play}\n"
    );
    BotFile::from_code("thinker".into(), PathBuf::from("thinker.py"), code)
}

pub fn measure(
    policy: &CagePolicy,
    cores: usize,
    matches: usize,
) -> Result<FairnessFigures, Error> {
    let jobs = 4 * cores.max(1);
    let mut losses = Vec::new();
    for game in [GameKind::Connectx, GameKind::Rps] {
        let bot = thinker(game);
        let crowd = Crowd {
            game,
            clock: TimeControl {
                per_move: MOVE_BUDGET,
                overage: 0.0,
                load: 10.0,
            },
            config: match game {
                GameKind::Rps => json!({"episodeSteps": 20}),
                _ => json!({}),
            },
            count: matches,
            jobs,
        };
        let count = |fairness| -> Result<(usize, usize), Error> {
            let records = play_at_once(policy, &bot, &crowd, fairness)?;
            Ok(tally(&records))
        };
        losses.push(Losses {
            game,
            protected: count(Fairness::default())?,
            baseline: count(Fairness::unprotected())?,
        });
    }
    // A machine shared with two more runners: every worker's match at once.
    let crowd_jobs = CROWD_PER_CORE * cores.max(1);
    let crowd = Crowd {
        game: GameKind::Rps,
        clock: CROWD_CLOCK,
        config: json!({"episodeSteps": 10}),
        count: crowd_jobs,
        jobs: crowd_jobs,
    };
    let oversubscribed = tally(&play_at_once(
        policy,
        &thinker(GameKind::Rps),
        &crowd,
        Fairness::default(),
    )?);
    Ok(FairnessFigures {
        jobs,
        matches,
        losses,
        stalls: stalls(policy)?,
        oversubscribed,
        oversubscribed_jobs: crowd_jobs,
    })
}

/// Moves asked and moves lost on time.
fn tally(records: &[MatchRecord]) -> (usize, usize) {
    let moves = records
        .iter()
        .flat_map(|r| &r.frames)
        .flat_map(|f| &f.moves);
    moves.fold((0, 0), |(n, t), m| {
        let timeout = m
            .fault
            .as_ref()
            .is_some_and(|f| f.kind == FaultKind::Timeout);
        (n + 1, t + usize::from(timeout))
    })
}

/// `count` matches of `bot` against itself, `jobs` at a time, unpinned (the scheduler
/// shares the cores as it would on a busy machine).
fn play_at_once(
    policy: &CagePolicy,
    bot: &BotFile,
    crowd: &Crowd,
    fairness: Fairness,
) -> Result<Vec<MatchRecord>, Error> {
    let (game, count, jobs, clock) = (crowd.game, crowd.count, crowd.jobs, crowd.clock);
    let mut policy = policy.clone();
    policy.pool = jobs;
    let cage = Cage::start(&policy).map_err(Error::runtime)?;
    let key = SeedKey::random().map_err(Error::runtime)?;
    let next = AtomicUsize::new(0);
    let records = Mutex::new(Vec::with_capacity(count));
    let config = &crowd.config;
    std::thread::scope(|s| -> Result<(), Error> {
        let workers: Vec<_> = (0..jobs)
            .map(|_| {
                s.spawn(|| -> Result<(), Error> {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= count {
                            return Ok(());
                        }
                        let spec = MatchSpec {
                            game,
                            config: config.clone(),
                            seed: i as u64,
                            key,
                            time_control: clock,
                            bots: vec![bot, bot],
                            fairness,
                            monitor: None,
                        };
                        let record =
                            referee::play(&cage, &spec, &mut |_| {}).map_err(Error::runtime)?;
                        records.lock().map_err(Error::runtime)?.push(record);
                    }
                })
            })
            .collect();
        for w in workers {
            w.join()
                .map_err(|_| Error::runtime("a bench worker panicked"))??;
        }
        Ok(())
    })?;
    records.into_inner().map_err(Error::runtime)
}

/// The wall time a bot that sleeps, and one blocked writing its log, cost per move.
fn stalls(policy: &CagePolicy) -> Result<Vec<Stall>, Error> {
    let cage = Cage::start(policy).map_err(Error::runtime)?;
    let budget = Duration::from_secs_f64(STALL_BUDGET);
    let mut out = Vec::new();
    for (what, code) in [
        (
            "sleeping bot (time.sleep)",
            "import time\n\n\ndef agent(obs, config):\n    time.sleep(10 ** 6)\n",
        ),
        (
            "bot blocked writing its log",
            "def agent(obs, config):\n    while True:\n        print('x' * 65536)\n",
        ),
    ] {
        let source = BotSource {
            name: "stall.py".into(),
            code: code.into(),
            bundle: None,
        };
        let mut bot = cage.spawn().map_err(Error::runtime)?;
        bot.load(&source, 1, Duration::from_secs(10))
            .map_err(|f| Error::runtime(format!("{what}: {f}")))?;
        let start = Instant::now();
        match bot.act(&json!({"step": 0}), &json!({}), budget) {
            Err(f) if f.kind == FaultKind::Timeout => out.push(Stall {
                what,
                budget,
                wall: start.elapsed(),
            }),
            other => {
                return Err(Error::runtime(format!(
                    "{what}: expected a timeout, got {other:?}"
                )))
            }
        }
    }
    Ok(out)
}
