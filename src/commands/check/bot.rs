//! One bot's check: the sandbox it gets, whether it loads, and how it plays a few games
//! against the game's built-in random bot — as plain-word lines, and as a verdict for
//! the folder's summary table.

use super::verdict::{Status, Verdict};
use crate::botfile::BotFile;
use crate::cage::{sanitize, Cage, FaultKind};
use crate::error::Error;
use crate::game::{GameKind, TimeControl, Turns};
use crate::referee::{self, MatchRecord, MatchSpec, SeatFault, SeedKey};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// What every bot of one `check` is checked against.
pub struct Trial {
    pub game: GameKind,
    /// Seats per game: the game's default (a free-for-all's others are all the
    /// built-in opponent).
    pub seats: usize,
    pub config: Value,
    pub clock: TimeControl,
    pub key: SeedKey,
    pub games: u64,
    pub turns: Turns,
    /// The cage's module lines and its cgroup line (the same for every bot).
    pub modules: Vec<String>,
    pub cgroup: (String, bool),
}

/// Checks the bot at `path`, passing each line of its report to `say` as it comes.
pub fn check(cage: &Cage, trial: &Trial, path: &Path, say: &mut dyn FnMut(String)) -> Verdict {
    check_read(cage, trial, path, BotFile::read(path), say)
}

/// As [`check`], for a bot already read from `path` (or refused).
pub fn check_read(
    cage: &Cage,
    trial: &Trial,
    path: &Path,
    read: Result<BotFile, crate::error::ConfigError>,
    say: &mut dyn FnMut(String),
) -> Verdict {
    let mut verdict = Verdict::new(path);
    let file = verdict.file.clone();
    let mut line = |verdict: &mut Verdict, text: String| {
        verdict.details.push(text.clone());
        say(text);
    };
    line(&mut verdict, format!("checking {file} for {}", trial.game));
    let bot = match read {
        Ok(bot) => bot,
        Err(e) => {
            let why = sanitize(e.to_string().as_bytes());
            line(&mut verdict, format!("  PROBLEM (invalid): {why}"));
            verdict.status = Status::Problem("invalid".into());
            verdict.problems = 1;
            verdict.reason = why;
            return verdict;
        }
    };
    verdict.name = sanitize(bot.name.as_bytes());
    if let Some(bundle) = bot.bundle() {
        let shown: Vec<String> = bundle
            .members
            .iter()
            .take(8)
            .map(|m| sanitize(m.path.as_bytes()))
            .collect();
        let more = bundle.members.len().saturating_sub(shown.len());
        line(
            &mut verdict,
            format!(
                "bundle: {} files, {} bytes, sha256 {}: {}{}",
                bundle.members.len(),
                bundle.bytes(),
                &bundle.sha256[..16],
                shown.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            ),
        );
    }
    let mut out = |text: String| line(&mut verdict, text);
    let played = play(cage, trial, &bot, &mut out);
    match played {
        Ok(summary) => summary.into_verdict(verdict, trial.clock),
        Err(NotRun::Game(why)) => {
            let why = sanitize(why.as_bytes());
            line(
                &mut verdict,
                format!("  GAME ERROR (not the bot's fault): {why}"),
            );
            verdict.status = Status::GameError;
            verdict.reason = why;
            verdict
        }
        Err(NotRun::Runner(why)) => {
            let why = sanitize(why.as_bytes());
            line(
                &mut verdict,
                format!("  PROBLEM (runner): the check could not run: {why}"),
            );
            verdict.status = Status::Problem("runner".into());
            verdict.problems = 1;
            verdict.reason = format!("the check could not run: {why}");
            verdict
        }
    }
}

/// What the games showed, for the verdict.
#[derive(Default)]
struct Summary {
    load_ms: Option<f64>,
    slowest_ms: Option<f64>,
    /// The first fault, in plain words.
    problem: Option<(FaultKind, String)>,
    /// The first move past the per-move budget: (game, move, think ms).
    slow: Option<(u64, u64, f64)>,
    games: u64,
    wins: u64,
    draws: u64,
    /// Missing sandbox layers and moves past the per-move budget.
    warnings: usize,
    problems: usize,
}

impl Summary {
    fn into_verdict(self, mut verdict: Verdict, clock: TimeControl) -> Verdict {
        verdict.load_ms = self.load_ms;
        verdict.slowest_move_ms = self.slowest_ms;
        verdict.warnings = self.warnings;
        verdict.problems = self.problems;
        if let Some((kind, reason)) = self.problem {
            verdict.status = Status::Problem(kind.to_string());
            verdict.reason = reason;
        } else if let Some((game, m, ms)) = self.slow {
            verdict.status = Status::Slow;
            verdict.reason = format!(
                "game {game}, move {m} used {:.2} s of its {} s per move (SLOW above {:.0}%)",
                ms / 1000.0,
                clock.per_move,
                SLOW_SHARE * 100.0
            );
        } else if let Some(ms) = self.load_ms.filter(|ms| *ms > clock.load * 500.0) {
            verdict.status = Status::Slow;
            verdict.reason = format!("loading took {:.1} s of its {} s", ms / 1000.0, clock.load);
        } else {
            verdict.status = Status::Ok;
            verdict.reason = format!(
                "vs built-in random: {} won, {} drawn, {} lost",
                self.wins,
                self.draws,
                self.games - self.wins - self.draws
            );
        }
        verdict
    }
}

/// Why a check could not judge a bot.
enum NotRun {
    /// The game's own code failed (an environment): the organiser's to fix.
    Game(String),
    /// The runner failed.
    Runner(String),
}

fn play(
    cage: &Cage,
    trial: &Trial,
    bot: &BotFile,
    say: &mut dyn FnMut(String),
) -> Result<Summary, NotRun> {
    let (opponent_file, opponent_code) = trial.game.builtin_opponent();
    let mut opponent = BotFile::from_code(
        "built-in random".into(),
        PathBuf::from(format!("<built-in {}/{opponent_file}>", trial.game)),
        opponent_code.into(),
    );
    if opponent.name == bot.name {
        opponent.name.push_str(" (2)");
    }
    let mut summary = Summary::default();
    if !describe_sandbox(cage, bot, trial, say).map_err(|e| NotRun::Runner(e.to_string()))? {
        summary.warnings += 1;
    }
    let mut spec = MatchSpec {
        game: trial.game,
        config: trial.config.clone(),
        seed: 1,
        key: trial.key,
        time_control: trial.clock,
        bots: Vec::new(),
        fairness: Default::default(),
        monitor: None,
    };
    let per_move = trial.clock.per_move;
    let mut seen = Vec::new();
    let seats = trial.seats.max(crate::game::SEATS);
    for n in 0..trial.games.max(1) {
        // The bot takes each seat in turn; the built-in opponent fills the others.
        let seat = (n % seats as u64) as usize;
        spec.seed = n + 1;
        spec.bots = vec![&opponent; seats];
        spec.bots[seat] = bot;
        let record = referee::play(cage, &spec, &mut |_| {}).map_err(|e| match e {
            crate::error::RefereeError::Game(why) => NotRun::Game(why),
            other => NotRun::Runner(other.to_string()),
        })?;
        if n == 0 {
            summary.load_ms = describe_load(&record, seat, say);
        }
        summary.games += 1;
        let outcome = record.result.outcomes[seat];
        summary.wins += u64::from(outcome == crate::game::Outcome::Win);
        summary.draws += u64::from(outcome == crate::game::Outcome::Draw);
        let fault = record.result.faults[seat].as_ref();
        if let Some(f) = fault.filter(|f| f.move_number == 0) {
            // A bot that cannot load will not load in the next game either.
            summary.problem.get_or_insert_with(|| reason(f));
            summary.problems += 1;
            explain(f, false, say);
            break;
        }
        let report = Report::of(&record, seat, per_move);
        if let Some((ms, _)) = report.slowest {
            summary.slowest_ms = Some(summary.slowest_ms.map_or(ms, |s: f64| s.max(ms)));
        }
        say(format!(
            "game {} (seat {}, seed {}) vs built-in random: {} after {}{}",
            n + 1,
            seat + 1,
            spec.seed,
            outcome.as_str(),
            crate::tui::widgets::count(report.moves as usize, "move", "moves"),
            report
                .slowest
                .map(|(ms, m)| format!(", slowest move {ms:.1} ms (move {m}) of {per_move} s"))
                .unwrap_or_default()
        ));
        for &(m, ms) in &report.over_budget {
            summary.slow.get_or_insert((n + 1, m, ms));
            summary.warnings += 1;
            let used = ms / 1000.0;
            say(if ms > per_move * 1000.0 {
                format!("  SLOW: move {m} used {used:.2} s of its time, more than the {per_move} s per move; the overage bank paid the rest")
            } else {
                format!(
                    "  SLOW: move {m} used {used:.2} s of its time, more than {:.0}% of the {per_move} s per move: a busier or slower machine may not leave it enough",
                    SLOW_SHARE * 100.0
                )
            });
        }
        if let Some(f) = fault {
            summary.problem.get_or_insert_with(|| reason(f));
            summary.problems += 1;
            let again = seen.contains(&(f.kind, f.detail.clone()));
            explain(f, again, say);
            seen.push((f.kind, f.detail.clone()));
        }
    }
    Ok(summary)
}

/// Prints the layers a process of this bot gets; false when some are missing.
fn describe_sandbox(
    cage: &Cage,
    bot: &BotFile,
    trial: &Trial,
    say: &mut dyn FnMut(String),
) -> Result<bool, crate::error::Error> {
    let probe = cage.spawn_program(&bot.program)?;
    let layers = probe
        .layers()
        .ok_or_else(|| Error::Runtime("the bot process sent no layer report".into()))?;
    say("sandbox:".into());
    for line in &trial.modules {
        say(line.clone());
    }
    for line in layers.lines() {
        say(format!("  {line}"));
    }
    say(format!("  clock:      {}", probe.clock()));
    let (_, off_turn) = referee::off_turn(trial.turns, Default::default());
    say(format!("  off turn:   {off_turn}"));
    let (cgroup, cgroup_missing) = &trial.cgroup;
    say(cgroup.clone());
    if !layers.complete() {
        say("  WARNING: some sandbox layers are missing on this machine (see above)".into());
    }
    if *cgroup_missing {
        say("  WARNING: no cgroup for bots on this machine: memory is bounded by the address-space limit alone".into());
    }
    Ok(layers.complete() && !cgroup_missing)
}

/// Prints whether the bot loaded; returns its load time.
fn describe_load(record: &MatchRecord, seat: usize, say: &mut dyn FnMut(String)) -> Option<f64> {
    let me = &record.bots[seat];
    let load_ms = me.timing.map(|t| t.think_ms);
    match &me.agent {
        Some(agent) => say(format!(
            "loads: the agent is `{}`{}",
            sanitize(agent.as_bytes()),
            load_ms
                .map(|ms| format!(", loading took {ms:.1} ms of its time"))
                .unwrap_or_default()
        )),
        None => say("loads: NO".into()),
    }
    if !me.logs.is_empty() {
        say(format!(
            "  it printed {} line(s) while loading",
            me.logs.len()
        ));
    }
    load_ms
}

/// Plain words for each kind of fault.
fn what(kind: FaultKind) -> &'static str {
    use FaultKind::*;
    match kind {
        Timeout => "it ran out of time",
        Cpu => "it used up its CPU time for the whole match",
        Memory => "it ran out of memory",
        Crash => "its code raised an error or crashed",
        Violation => "it tried something the sandbox forbids and was killed",
        IllegalAction => "it returned an action the rules do not allow",
        Protocol => "it returned something that is not a valid action",
        Exited => "it exited instead of returning an action",
        Runner => "the runner failed under it (not the bot's fault)",
    }
}

/// The summary table's reason for a fault: its detail (the status names its kind).
fn reason(fault: &SeatFault) -> (FaultKind, String) {
    (fault.kind, sanitize(fault.detail.as_bytes()))
}

/// The fault in plain words, then the bot's own detail and traceback.
fn explain(fault: &SeatFault, again: bool, say: &mut dyn FnMut(String)) {
    say(format!(
        "  PROBLEM ({}): {}: {}",
        fault.kind,
        what(fault.kind),
        sanitize(fault.detail.as_bytes())
    ));
    if again {
        return;
    }
    if let Some(tb) = &fault.traceback {
        for line in tb.lines() {
            say(format!("    {}", sanitize(line.as_bytes())));
        }
    }
}

/// One game seen from the checked bot's seat.
struct Report {
    moves: u64,
    /// (think ms, move number) of the slowest move.
    slowest: Option<(f64, u64)>,
    /// (move number, think ms) of moves past [`SLOW_SHARE`] of the per-move budget.
    over_budget: Vec<(u64, f64)>,
}

/// A move charged more than this share of its per-move budget is SLOW: the verdict has
/// a margin, so a bot that thinks close to its budget is SLOW on every machine, not OK
/// on a quiet one and SLOW on a busy one. (The charge is the time control's: wall time
/// less the time spent waiting for a CPU, so load alone does not make a move slow.)
pub const SLOW_SHARE: f64 = 0.8;

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
            if t.think_ms > SLOW_SHARE * per_move * 1000.0 {
                report.over_budget.push((report.moves, t.think_ms));
            }
        }
        report
    }
}
