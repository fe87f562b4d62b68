//! `cagematch run`: a round-robin tournament, headless (progress lines and the final
//! standings), with a crash-safe journal, resume, and YAML export.

use crate::cage::Cage;
use crate::cli::RunArgs;
use crate::error::Error;
use crate::report::{self, Progress};
use crate::tournament::format::shard::Shard;
use crate::tournament::{
    self, journal, Entry, Event, Export, Journal, Options, RunInfo, Summary, Tournament,
};
use crate::tui::app::{App, AppEvent};
use crate::tui::live::{self, Bridge};
use crate::tui::theme::Theme;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

/// The file a bare `cagematch` runs.
pub const DEFAULT_TOURNAMENT: &str = "tournaments/default.yaml";

static STOP: AtomicBool = AtomicBool::new(false);
/// The stop came from SIGTERM: a scheduler ending the job, which should run it again.
static TERMINATED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(sig: libc::c_int) {
    if sig == libc::SIGTERM {
        TERMINATED.store(true, Ordering::SeqCst);
    }
    if STOP.swap(true, Ordering::SeqCst) {
        // A second Ctrl-C: leave now (bots die with us through PDEATHSIG).
        // SAFETY: _exit is async-signal-safe.
        unsafe { libc::_exit(130) };
    }
}

/// Whether Ctrl-C or SIGTERM asked the process to stop (a watched ladder's loop asks).
pub fn stop_requested() -> bool {
    STOP.load(Ordering::SeqCst)
}

/// Ctrl-C and SIGTERM stop the run cleanly: no new matches, running ones abandoned.
pub fn install_stop_handlers() {
    use nix::sys::signal::{sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};
    let action = SigAction::new(
        SigHandler::Handler(on_signal),
        SaFlags::SA_RESTART,
        SigSet::empty(),
    );
    for sig in [Signal::SIGINT, Signal::SIGTERM] {
        // SAFETY: the handler only touches an atomic (and _exit).
        let _ = unsafe { sigaction(sig, &action) };
    }
}

pub fn run(args: RunArgs) -> Result<ExitCode, Error> {
    let jobs_override = args.jobs;
    if jobs_override == Some(0) {
        return Err(Error::Usage("--jobs must be at least 1".into()));
    }
    let (t, journal, done, theme) = match &args.resume {
        Some(dir) => {
            if args.tournament.is_some()
                || args.seed.is_some()
                || args.shard.is_some()
                || args.shards.is_some()
            {
                return Err(Error::Usage(
                    "--resume continues a run as it began (its shard too); drop the tournament file, --seed and --shard"
                        .into(),
                ));
            }
            let theme = theme(&args, None)?;
            let (journal, info, done) = Journal::resume(dir)?;
            let jobs = jobs_override.unwrap_or_else(tournament::config::cores);
            (Tournament::from_run(&info, jobs)?, journal, done, theme)
        }
        None => {
            let file = args
                .tournament
                .clone()
                .unwrap_or_else(|| PathBuf::from(DEFAULT_TOURNAMENT));
            if args.tournament.is_none() && !file.exists() {
                return Err(Error::Usage(format!(
                    "{DEFAULT_TOURNAMENT}: not found here; run cagematch from the project folder or give a tournament file"
                )));
            }
            let t = Tournament::load(&file)?;
            let theme = theme(&args, t.theme.as_deref())?;
            let (t, journal, done) = start(t, &args)?;
            (t, journal, done, theme)
        }
    };
    play(t, journal, done, theme, &args)
}

/// A new run of `t`: the seed, jobs and shard the arguments override, its seed
/// key, and its run folder — a fresh one, or the one `--run-dir` (or a shard's own
/// folder) names, finished where it stopped if it holds this very run.
pub fn start(t: Tournament, args: &RunArgs) -> Result<(Tournament, Journal, Vec<Entry>), Error> {
    if t.games_per_version.is_some() {
        return Err(Error::Usage(format!(
            "{}: games_per_version: a living ladder's budget (cagematch ladder DIR); a tournament plays games_per_pair",
            super::shared::shown(&t.file)
        )));
    }
    let mut t = prepare(t, args)?;
    t.shard = shard_of(args)?;
    if t.shard.is_some() && !t.format.is_fixed() {
        return Err(Error::Usage(format!(
            "--shard: a {} cannot be sharded (its next matches depend on results); shard a round robin or a gauntlet",
            t.format.name()
        )));
    }
    let info = RunInfo::new_run(&t);
    let dir = match (&args.run_dir, t.shard) {
        (Some(dir), _) => Some(dir.clone()),
        (None, Some(shard)) => Some(t.output.join(shard.folder(&journal::slug(&t.name)))),
        (None, None) => None,
    };
    let (journal, done) = Journal::start(&t.output, dir.as_deref(), &info)?;
    Ok((t, journal, done))
}

/// `--shard I/N`, `--shard /N` or `--shards N` (the index from the environment).
fn shard_of(args: &RunArgs) -> Result<Option<Shard>, Error> {
    let spec = match (&args.shard, args.shards) {
        (Some(spec), _) => spec.clone(),
        (None, Some(n)) => format!("/{n}"),
        (None, None) => return Ok(None),
    };
    Shard::parse(&spec, |name| std::env::var(name).ok())
        .map(Some)
        .map_err(Error::Usage)
}

/// The UI's colour theme: `--theme`, else the tournament file's, else dark. Loaded before
/// a run folder is made, so a misspelt name (checked headless too) leaves nothing behind.
pub fn theme(args: &RunArgs, file_theme: Option<&str>) -> Result<Theme, Error> {
    let name = args.theme.as_deref().or(file_theme).unwrap_or("dark");
    Ok(Theme::load(name)?)
}

/// The seed (its key follows) and jobs the arguments override.
pub fn prepare(mut t: Tournament, args: &RunArgs) -> Result<Tournament, Error> {
    if let Some(seed) = args.seed {
        t.set_seed(seed)?;
    }
    if let Some(jobs) = args.jobs {
        t.jobs = jobs;
    }
    Ok(t)
}

/// Plays a run (new or resumed) in the UI or headless, then prints and writes the
/// standings.
pub fn play(
    t: Tournament,
    mut journal: Journal,
    done: Vec<Entry>,
    theme: Theme,
    args: &RunArgs,
) -> Result<ExitCode, Error> {
    // Before the first line: a scheduler may stop the run as soon as it sees it start.
    install_stop_handlers();
    let names: Vec<String> = t.bots.iter().map(|b| b.name.clone()).collect();
    // Two seats: games per pair; more: the seats and games per group.
    let games = match t.seats {
        crate::game::SEATS => format!("{} games per pair", t.games_per_pair),
        n => format!(
            "{n} seats, {} {} per group",
            t.games_per_pair,
            if t.games_per_pair == 1 {
                "game"
            } else {
                "games"
            }
        ),
    };
    say!(
        "{}: {}, {} bots, {games}, {} jobs, seed {}",
        t.name,
        t.format.describe(),
        t.bots.len(),
        t.jobs,
        t.seed()
    );
    say!("run folder: {}", super::shared::shown(&journal.dir));
    if !done.is_empty() {
        say!("resuming: {} matches already played", done.len());
    }
    let cage = Cage::start(&t.policy()?)?;
    let tui = !args.headless && std::io::stdout().is_terminal();
    let (summary, then) = if tui {
        live(&t, &cage, &mut journal, done, theme, args.export.clone())?
    } else {
        (headless(&t, &cage, &mut journal, done)?, None)
    };
    drop(cage);
    say!("");
    for line in report::standings(&names, &summary.standings) {
        say!("{line}");
    }
    for line in report::void_lines(&summary.entries) {
        say!("{line}");
    }
    if let tournament::format::Format::Sprt(spec) = &t.format {
        for line in report::sprt(&names, spec, &summary.entries) {
            say!("{line}");
        }
    }
    let export = Export::of_standings(
        &RunInfo::of(&t, summary.total),
        &summary.standings,
        &summary.entries,
    );
    export.write(&journal.dir.join("standings.yaml"))?;
    if let Some(path) = &args.export {
        export.write(path)?;
        say!("standings exported to {}", super::shared::shown(path));
    }
    if summary.interrupted {
        say!(
            "stopped after {} of {} matches; finish with: cagematch run --resume {}",
            summary.entries.len(),
            summary.total,
            shell_path(&journal.dir)
        );
        if TERMINATED.load(Ordering::SeqCst) {
            // A scheduler's time limit or preemption: run it again, it resumes.
            return Ok(ExitCode::from(crate::error::RETRY));
        }
    }
    match then {
        Some(next) => super::shared::run_next(&next),
        None => Ok(ExitCode::SUCCESS),
    }
}

fn shell_path(p: &Path) -> String {
    // A path with control characters cannot be pasted back anyway: shown escaped.
    let s = super::shared::shown(p);
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c))
    {
        s
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

fn bots_of(t: &Tournament) -> Vec<(String, String)> {
    t.bots
        .iter()
        .map(|b| (b.name.clone(), super::shared::shown(&b.path)))
        .collect()
}

/// Progress lines as matches finish.
fn headless(
    t: &Tournament,
    cage: &Cage,
    journal: &mut Journal,
    done: Vec<Entry>,
) -> Result<Summary, Error> {
    let progress = Progress::new(done.len());
    let opts = Options {
        jobs: t.jobs,
        frames: false,
        pin: true,
        monitor: None,
    };
    // An SPRT's progress lines say where the test stands.
    let sprt = match &t.format {
        tournament::format::Format::Sprt(spec) => Some(*spec),
        _ => None,
    };
    let mut played = done.clone();
    let summary = tournament::runner::run(t, cage, journal, done, &opts, &STOP, &mut |event| {
        match event {
            Event::Finished {
                entry, done, total, ..
            } => {
                let mut lines = progress.finished(entry, done, total);
                if let (Some(spec), Some(first)) = (&sprt, lines.first_mut()) {
                    played.push(entry.clone());
                    let s = tournament::format::sprt::status(spec, &played);
                    let pairs = crate::tui::widgets::count(s.pairs as usize, "pair", "pairs");
                    first.push_str(&format!("  (LLR {:.2} after {pairs})", s.llr));
                }
                for line in lines {
                    say!("{line}");
                }
            }
            Event::Retried {
                id,
                attempt,
                reason,
            } => say!(
                "match #{} not scored: the runner failed under it ({}); playing it again ({} of {})",
                id + 1,
                crate::cage::sanitize(reason.as_bytes()),
                attempt + 1,
                tournament::journal::ATTEMPTS
            ),
            _ => {}
        }
    })?;
    Ok(summary)
}

/// The terminal UI on this thread, the runner on another; quitting the UI stops the run.
fn live(
    t: &Tournament,
    cage: &Cage,
    journal: &mut Journal,
    done: Vec<Entry>,
    theme: Theme,
    export_to: Option<PathBuf>,
) -> Result<(Summary, Option<Vec<String>>), Error> {
    let total = t.total(&done);
    let header = live::RunHeader {
        title: t.name.clone(),
        game: t.game,
        bots: bots_of(t),
        total,
        ranking: t.ranking,
        standings: Some(t.standings(&done)),
    };
    let mut app = live::app_for_run(header, theme, &journal.dir, &done);
    app.run.contents = t
        .bots
        .iter()
        .map(|b| {
            b.bundle().map_or_else(Vec::new, |bundle| {
                bundle
                    .members
                    .iter()
                    .map(|m| (m.path.clone(), m.size))
                    .collect()
            })
        })
        .collect();
    if let tournament::format::Format::Sprt(spec) = &t.format {
        app.run.sprt = Some(*spec);
    }
    let export_path = export_to.unwrap_or_else(|| journal.dir.join("standings.yaml"));
    let (tx, rx) = mpsc::channel::<AppEvent>();
    let (watch_tx, watch_rx) = mpsc::channel();
    // The bots' CPU and memory on the wall and their pages, as they play.
    let monitor = std::sync::Arc::new(crate::cage::Monitor::default());
    app.run.resources = crate::tui::resources::Resources::watching(monitor.clone());
    let opts = Options {
        jobs: t.jobs,
        frames: true,
        pin: true,
        monitor: Some(monitor),
    };
    std::thread::scope(|scope| {
        let mut bridge = Bridge::new(tx.clone(), watch_rx);
        let runner = scope.spawn(move || {
            let result = tournament::runner::run(t, cage, journal, done, &opts, &STOP, &mut |e| {
                bridge.event(e)
            });
            bridge.finish(&result);
            result
        });
        let mut export = |app: &App| -> Result<String, Error> {
            Export::of_format(
                &app.run.title,
                app.run.game,
                t.format.name(),
                &bots_of(t),
                &app.run.standings,
            )
            .write(&export_path)?;
            Ok(export_path.display().to_string())
        };
        let ui = crate::tui::run(app, tx, rx, Some(watch_tx), Some(&STOP), &mut export);
        STOP.store(true, Ordering::SeqCst);
        let summary = runner
            .join()
            .map_err(|_| Error::Runtime("the runner thread panicked".into()))?;
        let then = ui?;
        Ok((summary?, then))
    })
}
