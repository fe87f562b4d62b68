//! `cagematch check BOT --game GAME`: everything a bot author needs to know before a
//! tournament, in plain words — the sandbox it gets, whether it loads, and how it plays
//! a few games against the game's built-in random bot. Exits 1 if anything is wrong.

use super::{game, settings, start_cage, time_control};
use crate::botfile::BotFile;
use crate::cage::Cage;
use crate::cli::CheckArgs;
use crate::error::Error;
use crate::game::Turns;
use crate::referee::{self, MatchRecord, MatchSpec, SeatFault, SeedKey};
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(args: &CheckArgs) -> Result<ExitCode, Error> {
    let (path, games, rules) = (args.bot.as_path(), args.games, &args.rules);
    let game = game(&args.game)?;
    let bot = BotFile::read(path)?;
    let config = settings(rules)?;
    game.create(&config, 0)
        .map_err(|e| Error::Usage(format!("{game} settings: {e}")))?;
    let clock = time_control(game, rules)?;
    let (opponent_file, opponent_code) = game.builtin_opponent();
    let mut opponent = BotFile::from_code(
        "built-in random".into(),
        PathBuf::from(format!("<built-in {game}/{opponent_file}>")),
        opponent_code.into(),
    );
    if opponent.name == bot.name {
        opponent.name.push_str(" (2)");
    }
    let cage = start_cage(rules)?;
    let mut problems = 0;
    let mut warnings = 0;
    let mut seen = Vec::new();

    say!("checking {} for {game}", super::shown(path));
    let turns = game.create(&config, 1).map_err(|e| e.to_string())?.turns();
    if !describe_sandbox(&cage, &bot, turns)? {
        warnings += 1;
    }

    let mut spec = MatchSpec {
        game,
        config,
        seed: 1,
        key: SeedKey::local()?,
        time_control: clock,
        bots: [&bot, &opponent],
        fairness: Default::default(),
    };
    for n in 0..games.max(1) {
        let seat = (n % 2) as usize;
        spec.seed = n + 1;
        spec.bots = if seat == 0 {
            [&bot, &opponent]
        } else {
            [&opponent, &bot]
        };
        let record = referee::play(&cage, &spec, &mut |_| {}).map_err(|e| e.to_string())?;
        if n == 0 {
            describe_load(&record, seat);
        }
        let fault = record.result.faults[seat].as_ref();
        if let Some(f) = fault.filter(|f| f.move_number == 0) {
            // A bot that cannot load will not load in the next game either.
            explain(f, false);
            problems += 1;
            break;
        }
        let report = Report::of(&record, seat, clock.per_move);
        say!(
            "game {} (seat {}, seed {}) vs built-in random: {} after {}{}",
            n + 1,
            seat + 1,
            spec.seed,
            record.result.outcomes[seat].as_str(),
            crate::tui::widgets::count(report.moves as usize, "move", "moves"),
            report
                .slowest
                .map(|(ms, m)| format!(
                    ", slowest move {ms:.1} ms (move {m}) of {} s",
                    clock.per_move
                ))
                .unwrap_or_default()
        );
        for (m, ms) in &report.over_budget {
            warnings += 1;
            say!(
                "  SLOW: move {m} used {:.2} s of its time, more than the {} s per move; the overage bank paid the rest",
                ms / 1000.0,
                clock.per_move
            );
        }
        if let Some(f) = fault {
            problems += 1;
            let again = seen.contains(&(f.kind, f.detail.clone()));
            explain(f, again);
            seen.push((f.kind, f.detail.clone()));
        }
    }
    if problems == 0 {
        say!(
            "no problems found{}",
            if warnings > 0 {
                format!(" ({warnings} warning(s) above)")
            } else {
                String::new()
            }
        );
        Ok(ExitCode::SUCCESS)
    } else {
        say!("{problems} problem(s) found");
        Ok(ExitCode::from(1))
    }
}

/// Prints the layers a process of this bot gets; false when some are missing.
fn describe_sandbox(cage: &Cage, bot: &BotFile, turns: Turns) -> Result<bool, Error> {
    let probe = cage.spawn_program(&bot.program)?;
    let layers = probe
        .layers()
        .ok_or("the bot process sent no layer report")?;
    say!("sandbox:");
    super::say_modules("  ", &cage.info());
    for line in layers.lines() {
        say!("  {line}");
    }
    say!("  clock:      {}", probe.clock());
    let (_, off_turn) = referee::off_turn(turns, Default::default());
    say!("  off turn:   {off_turn}");
    let cgroup_missing = super::say_cgroup("  ", &cage.cgroups());
    if !layers.complete() {
        say!("  WARNING: some sandbox layers are missing on this machine (see above)");
    }
    if cgroup_missing {
        say!("  WARNING: no cgroup for bots on this machine: memory is bounded by the address-space limit alone");
    }
    Ok(layers.complete() && !cgroup_missing)
}

fn describe_load(record: &MatchRecord, seat: usize) {
    let me = &record.bots[seat];
    match &me.agent {
        Some(agent) => say!(
            "loads: the agent is `{agent}`{}",
            me.timing
                .map(|t| format!(", loading took {:.1} ms of its time", t.think_ms))
                .unwrap_or_default()
        ),
        None => say!("loads: NO"),
    }
    if !me.logs.is_empty() {
        say!("  it printed {} line(s) while loading", me.logs.len());
    }
}

/// Plain words for each kind of fault, then the bot's own detail and traceback.
fn explain(fault: &SeatFault, again: bool) {
    use crate::cage::FaultKind::*;
    let what = match fault.kind {
        Timeout => "it ran out of time",
        Cpu => "it used up its CPU time for the whole match",
        Memory => "it ran out of memory",
        Crash => "its code raised an error or crashed",
        Violation => "it tried something the sandbox forbids and was killed",
        IllegalAction => "it returned an action the rules do not allow",
        Protocol => "it returned something that is not a valid action",
        Exited => "it exited instead of returning an action",
        Runner => "the runner failed under it (not the bot's fault)",
    };
    say!("  PROBLEM ({}): {what}: {}", fault.kind, fault.detail);
    if again {
        return;
    }
    if let Some(tb) = &fault.traceback {
        for line in tb.lines() {
            say!("    {line}");
        }
    }
}

/// One game seen from the checked bot's seat.
struct Report {
    moves: u64,
    /// (think ms, move number) of the slowest move.
    slowest: Option<(f64, u64)>,
    /// (move number, think ms) of moves past the per-move budget.
    over_budget: Vec<(u64, f64)>,
}

impl Report {
    fn of(record: &MatchRecord, seat: usize, per_move: f64) -> Report {
        let mut report = Report {
            moves: 0,
            slowest: None,
            over_budget: Vec::new(),
        };
        for (_, m) in record.moves().filter(|(_, m)| m.seat == seat) {
            report.moves += 1;
            let Some(t) = m.timing else { continue };
            if report.slowest.is_none_or(|(ms, _)| t.think_ms > ms) {
                report.slowest = Some((t.think_ms, report.moves));
            }
            if t.think_ms > per_move * 1000.0 {
                report.over_budget.push((report.moves, t.think_ms));
            }
        }
        report
    }
}
