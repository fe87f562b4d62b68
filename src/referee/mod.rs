//! The referee: one match between caged bots. It asks the seats whose turn it is,
//! charges their time to the time control, has the game check and apply the actions,
//! records every frame and ends the match on the game's rules or on a fault. In a
//! two-seat match a fault ends it (the faulting seat loses; if both fault in the same
//! step, it is a draw); with more seats the faulting seat is out, placed last, and the
//! others play on as the game's rules say.

pub mod describe;
mod record;
mod result;
mod seeds;

pub use record::{Frame, MatchRecord, MatchResult, MoveRecord, SeatFault, SeatRecord, Timing};
pub use seeds::{choose as choose_seed_key, public_chosen as public_seed_key, SeedKey};

use crate::botfile::BotFile;
use crate::cage::{
    act_all, encoded, Bot, Cage, Fairness, Fault, FaultKind, Move, Question, Supervision,
};
pub use crate::error::RefereeError;
use crate::game::{number, Game, GameKind, TimeControl, Turns, SEATS};
pub use record::{ordinal, places, seat_places};
use serde_json::Value;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// One match to play.
#[derive(Debug, Clone)]
pub struct MatchSpec<'a> {
    pub game: GameKind,
    /// The game's own settings (an object; empty or null for the defaults).
    pub config: Value,
    pub seed: u64,
    /// What turns the match seed into the seats' seeds; bots never see it.
    pub key: SeedKey,
    pub time_control: TimeControl,
    /// One per seat, seat 1 first: two, or as many as the game allows.
    pub bots: Vec<&'a BotFile>,
    /// Off-turn freezing and run-queue forgiveness (both on, but for benchmarks).
    pub fairness: Fairness,
    /// Where the seats' processes are registered while the match runs (a live UI's
    /// CPU and memory), under this match id.
    pub monitor: Option<(&'a crate::cage::Monitor, usize)>,
}

/// A seat's fault that is the runner's, as the error that ends the match unscored.
fn runners(faults: &[Option<SeatFault>]) -> Result<(), RefereeError> {
    match faults
        .iter()
        .flatten()
        .find(|f| f.kind == FaultKind::Runner)
    {
        Some(f) => Err(RefereeError::Infrastructure(f.detail.clone())),
        None => Ok(()),
    }
}

/// One seat during the match.
struct Seat {
    bot: Bot,
    bank: f64,
    moves: u64,
}

/// Plays one match. `observe` sees every frame as soon as it exists (frame 0 included).
pub fn play(
    cage: &Cage,
    spec: &MatchSpec<'_>,
    observe: &mut dyn FnMut(&Frame),
) -> Result<MatchRecord, RefereeError> {
    play_until(cage, spec, observe, &AtomicBool::new(false))
}

/// The seed a match's game is made with. An environment's chance is keyed like the
/// seats' seeds: a tournament's seed is often public, and must tell no bot the cards an
/// organiser's game will deal. (The built-in games keep the match seed: their replays
/// and exports stay what they were.) An opening's too (a start, a length), for the same
/// reason.
pub fn game_seed(spec: &MatchSpec<'_>) -> u64 {
    match spec.game {
        crate::game::GameKind::Env(_) => spec.key.seat_seed(spec.seed, spec.bots.len()),
        game if game.has_opening(&spec.config) => spec.key.seat_seed(spec.seed, spec.bots.len()),
        _ => spec.seed,
    }
}

/// [`play`], abandoning the match at the next step once `stop` is set (a move under way
/// finishes first: at most one move's time).
pub fn play_until(
    cage: &Cage,
    spec: &MatchSpec<'_>,
    observe: &mut dyn FnMut(&Frame),
    stop: &AtomicBool,
) -> Result<MatchRecord, RefereeError> {
    spec.time_control
        .check()
        .map_err(|(field, why)| RefereeError::Clock {
            game: spec.game,
            field,
            why,
        })?;
    let mut game = spec
        .game
        .create(&spec.config, game_seed(spec), spec.bots.len())
        .map_err(|reason| RefereeError::Config {
            game: spec.game,
            reason,
        })?;
    let run_timeout = cage.limits().cpu_seconds;
    let configuration = Value::Object(game.configuration(&spec.time_control, run_timeout));
    let config_text = encoded(&configuration);
    let clock = spec.time_control;

    let (freeze, off_turn) = off_turn(game.turns(), spec.fairness);
    let (mut seats, bots, mut faults) = seat_bots(cage, spec, freeze, off_turn)?;
    // Forgotten when the match ends, however it ends.
    let _watching = spec.monitor.map(|(monitor, id)| {
        for (seat, s) in seats.iter().enumerate() {
            monitor.register(id, seat, s.bot.pid());
        }
        crate::cage::Watching { monitor, id }
    });
    runners(&faults)?;

    let mut frames = vec![Frame {
        step: 0,
        state: game.frame(),
        moves: Vec::new(),
    }];
    observe(&frames[0]);
    let mut step = 0;
    // Two seats: a fault ends the match. More: the seat is out and the others play on.
    let plays_on = seats.len() > SEATS;
    for (i, fault) in faults.iter().enumerate() {
        if let (Some(fault), true) = (fault, plays_on) {
            game.drop_seat(i, fault.kind == FaultKind::Timeout);
        }
    }
    while game.end().is_none() && (plays_on || faults.iter().all(Option::is_none)) {
        if stop.load(Ordering::Relaxed) {
            return Err(RefereeError::Abandoned);
        }
        // A seat that is out is not asked (the game hears its status instead).
        let to_move = game.to_move();
        let movers: Vec<usize> = to_move
            .iter()
            .copied()
            .filter(|&i| faults[i].is_none())
            .collect();
        if movers.is_empty() {
            break;
        }
        let moves = {
            let mut table = Table {
                seats: &mut seats,
                faults: &mut faults,
                freeze,
                plays_on,
            };
            let (moves, applied) =
                table.round(&mut *game, &to_move, &movers, &config_text, &clock)?;
            step += u64::from(applied);
            moves
        };
        let frame = Frame {
            step,
            state: game.frame(),
            moves,
        };
        observe(&frame);
        frames.push(frame);
    }
    for seat in &mut seats {
        seat.bot.kill();
    }
    if let Some(why) = game.failure() {
        return Err(RefereeError::Game(why));
    }

    let result = result::result(&*game, faults);
    Ok(MatchRecord {
        game: spec.game,
        configuration,
        seed: spec.seed,
        time_control: clock,
        bots,
        frames,
        result,
    })
}

/// The seats during a round, and what the round may change of them.
struct Table<'s> {
    seats: &'s mut [Seat],
    faults: &'s mut [Option<SeatFault>],
    freeze: bool,
    /// More than two seats: a seat that faults is out and the others play on.
    plays_on: bool,
}

impl Table<'_> {
    /// One round: asks `movers` (of the seats `to_move` named), pins their faults, and
    /// has the game apply the actions unless a fault ended a two-seat match. The moves,
    /// and whether the game took a step.
    fn round(
        &mut self,
        game: &mut dyn Game,
        to_move: &[usize],
        movers: &[usize],
        configuration: &serde_json::value::RawValue,
        clock: &TimeControl,
    ) -> Result<(Vec<MoveRecord>, bool), RefereeError> {
        let mut moves = Vec::with_capacity(movers.len());
        let mut actions = Vec::with_capacity(movers.len());
        for record in ask(self.seats, movers, &*game, configuration, clock) {
            let i = record.seat;
            if let Some(fault) = &record.fault {
                self.faults[i] = Some(fault.clone());
                if self.plays_on {
                    game.drop_seat(i, fault.kind == FaultKind::Timeout);
                }
            } else if self.freeze {
                self.seats[i].bot.freeze();
            }
            actions.push((i, record.action.clone()));
            moves.push(record);
        }
        // In the order `to_move` named the seats, as `apply` wants them.
        let actions: Vec<Value> = to_move
            .iter()
            .map(|s| {
                actions
                    .iter()
                    .find(|(i, _)| i == s)
                    .map_or(Value::Null, |(_, a)| a.clone())
            })
            .collect();
        runners(self.faults)?;
        if !self.plays_on && self.faults.iter().any(Option::is_some) {
            return Ok((moves, false));
        }
        game.apply(&actions);
        for (i, why) in game.ruled_out() {
            if self.faults[i].is_some() {
                continue;
            }
            let fault = Fault::new(FaultKind::IllegalAction, why);
            let moved = self.seats[i].moves;
            self.faults[i] = Some(pinned(fault, moved, &format!("on move {moved}")));
        }
        Ok((moves, true))
    }
}

/// Whether a seat is stopped while it is not its turn, and that in words: in alternating
/// games it is (unless a benchmark's baseline turns it off); in simultaneous games both
/// seats think at once.
pub fn off_turn(turns: Turns, fairness: Fairness) -> (bool, &'static str) {
    match turns {
        Turns::Alternating { .. } if fairness.freeze_off_turn => (true, Supervision::FROZEN),
        Turns::Alternating { .. } => (false, "running (not frozen: a benchmark's baseline)"),
        Turns::Simultaneous => (false, Supervision::RUNNING),
    }
}

fn pinned(fault: Fault, move_number: u64, when: &str) -> SeatFault {
    SeatFault {
        kind: fault.kind,
        detail: format!("{when}: {}", fault.detail),
        move_number,
        traceback: fault.traceback,
    }
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

fn timing(cpu: Duration, wall: Duration, bank: f64) -> Timing {
    Timing {
        think_ms: ms(cpu),
        overhead_ms: ms(wall.saturating_sub(cpu)),
        bank_s: (bank * 1e3).round() / 1e3,
    }
}

/// The seats' bots, what the record says of them, and a fault from loading.
type Seated = (Vec<Seat>, Vec<SeatRecord>, Vec<Option<SeatFault>>);

/// Starts and loads both seats' bots (frozen from the start when `freeze`: a compiled
/// bot runs from its exec, before it is asked anything). A bot that fails to load is the
/// seat's fault (the match then ends at once); failing to start one is the runner's.
fn seat_bots(
    cage: &Cage,
    spec: &MatchSpec<'_>,
    freeze: bool,
    off_turn: &str,
) -> Result<Seated, RefereeError> {
    let clock = spec.time_control;
    let mut seats = Vec::with_capacity(spec.bots.len());
    for file in &spec.bots {
        let mut bot = cage.spawn_program(&file.program)?;
        bot.set_fairness(spec.fairness);
        if freeze {
            bot.freeze();
        }
        seats.push(Seat {
            bot,
            bank: clock.overage,
            moves: 0,
        });
    }

    let mut bots: Vec<SeatRecord> = (0..seats.len())
        .map(|i| SeatRecord {
            name: spec.bots[i].name.clone(),
            file: spec.bots[i].path.display().to_string(),
            sha256: spec.bots[i].sha256.clone(),
            agent: None,
            layers: seats[i].bot.layers().cloned(),
            supervision: Some(Supervision {
                clock: seats[i].bot.clock().to_string(),
                off_turn: off_turn.to_string(),
                cgroup: seats[i].bot.cgroup(),
            }),
            logs: Vec::new(),
            timing: None,
        })
        .collect();
    let mut faults: Vec<Option<SeatFault>> = vec![None; seats.len()];
    for (i, seat) in seats.iter_mut().enumerate() {
        let seed = spec.key.seat_seed(spec.seed, i);
        match seat
            .bot
            .load_program(&spec.bots[i].program, seed, clock.load())
        {
            Ok(loaded) => {
                if freeze {
                    seat.bot.freeze();
                }
                bots[i].agent = Some(loaded.agent);
                bots[i].logs = loaded.logs;
                bots[i].timing = Some(timing(loaded.charged, loaded.wall, seat.bank));
            }
            Err(fault) => {
                bots[i].logs = seat.bot.take_logs();
                faults[i] = Some(pinned(fault, 0, "while loading"));
            }
        }
    }
    Ok((seats, bots, faults))
}

/// Asks the seats in `movers` for their moves, in that order in the record: all at once
/// (a simultaneous game's round), otherwise one after the other.
fn ask(
    seats: &mut [Seat],
    movers: &[usize],
    game: &dyn Game,
    configuration: &serde_json::value::RawValue,
    clock: &TimeControl,
) -> Vec<MoveRecord> {
    if movers.len() > 1 {
        // `movers` is in seat order (the game lists them so): one pass picks them out.
        let mut chosen: Vec<(usize, &mut Seat)> = seats
            .iter_mut()
            .enumerate()
            .filter(|(i, _)| movers.contains(i))
            .collect();
        if chosen.len() == movers.len() && chosen.iter().map(|(i, _)| *i).eq(movers.iter().copied())
        {
            let asked: Vec<(Value, Duration)> = chosen
                .iter_mut()
                .map(|(i, seat)| question(seat, *i, game, clock))
                .collect();
            let questions = asked
                .iter()
                .map(|(observation, budget)| Question {
                    observation,
                    configuration,
                    budget: *budget,
                })
                .collect();
            let answers = act_all(
                chosen.iter_mut().map(|(_, s)| &mut s.bot).collect(),
                questions,
            );
            return chosen
                .into_iter()
                .zip(answers)
                .map(|((i, seat), answer)| record(seat, i, game, clock, answer))
                .collect();
        }
    }
    movers
        .iter()
        .map(|&i| {
            let (obs, budget) = question(&mut seats[i], i, game, clock);
            let answer = seats[i].bot.ask_move(Question {
                observation: &obs,
                configuration,
                budget,
            });
            record(&mut seats[i], i, game, clock, answer)
        })
        .collect()
}

/// Seat `i`'s next question: its observation (with its bank) and its budget.
fn question(seat: &mut Seat, i: usize, game: &dyn Game, clock: &TimeControl) -> (Value, Duration) {
    seat.moves += 1;
    let mut obs = game.observation(i);
    obs.insert("remainingOverageTime".into(), number(seat.bank));
    let budget = Duration::from_secs_f64(clock.per_move + seat.bank);
    (Value::Object(obs), budget)
}

/// Seat `i`'s answer as the record's move: the time control charges it, the game
/// validates it, and whatever went wrong is the seat's fault.
fn record(
    seat: &mut Seat,
    i: usize,
    game: &dyn Game,
    clock: &TimeControl,
    answer: Result<Move, Fault>,
) -> MoveRecord {
    let when = || format!("on move {}", seat.moves);
    match answer {
        Ok(Move {
            action,
            charged,
            wall,
            logs,
        }) => {
            // Kaggle's overage: time past the move budget comes out of the bank.
            let over = (charged.as_secs_f64() - clock.per_move).max(0.0);
            // A `None` the game's schema fills (as Kaggle does) is the move played.
            let action = match (action, game.default_action()) {
                (Value::Null, Some(default)) => default,
                (action, _) => action,
            };
            seat.bank = (seat.bank - over).max(0.0);
            let fault = game.validate(i, &action).err().map(|why| {
                seat.bot.kill();
                pinned(
                    Fault::new(FaultKind::IllegalAction, why.0),
                    seat.moves,
                    &when(),
                )
            });
            MoveRecord {
                seat: i,
                action,
                logs,
                fault,
                timing: Some(timing(charged, wall, seat.bank)),
            }
        }
        Err(fault) => MoveRecord {
            seat: i,
            action: Value::Null,
            logs: seat.bot.take_logs(),
            fault: Some(pinned(fault, seat.moves, &when())),
            timing: None,
        },
    }
}
