//! `cagematch run`: a round-robin tournament, headless (progress lines and the final
//! standings), with a crash-safe journal, resume, and YAML export.

use crate::cage::Cage;
use crate::report::{self, Progress};
use crate::tournament::{self, Event, Export, Journal, Options, RunInfo, Tournament};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

pub struct RunArgs {
    pub file: Option<PathBuf>,
    pub jobs: Option<usize>,
    pub seed: Option<u64>,
    pub export: Option<PathBuf>,
    pub resume: Option<PathBuf>,
}

/// The file a bare `cagematch` runs.
pub const DEFAULT_TOURNAMENT: &str = "tournaments/default.yaml";

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    if STOP.swap(true, Ordering::SeqCst) {
        // A second Ctrl-C: leave now (bots die with us through PDEATHSIG).
        // SAFETY: _exit is async-signal-safe.
        unsafe { libc::_exit(130) };
    }
}

/// Ctrl-C and SIGTERM stop the run cleanly: no new matches, running ones abandoned.
fn install_stop_handlers() {
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

pub fn run(args: RunArgs) -> Result<ExitCode, String> {
    let jobs_override = args.jobs;
    if jobs_override == Some(0) {
        return Err("--jobs must be at least 1".into());
    }
    let (t, mut journal, done) = match &args.resume {
        Some(dir) => {
            if args.file.is_some() || args.seed.is_some() {
                return Err(
                    "--resume continues a run as it began; drop the tournament file and --seed"
                        .into(),
                );
            }
            let (journal, info, done) = Journal::resume(dir)?;
            let jobs = jobs_override.unwrap_or_else(tournament::config::cores);
            (Tournament::from_run(&info, jobs)?, journal, done)
        }
        None => {
            let file = args
                .file
                .clone()
                .unwrap_or_else(|| PathBuf::from(DEFAULT_TOURNAMENT));
            if args.file.is_none() && !file.exists() {
                return Err(format!(
                    "{DEFAULT_TOURNAMENT}: not found here; run cagematch from the project folder or give a tournament file"
                ));
            }
            let mut t = Tournament::load(&file)?;
            if let Some(seed) = args.seed {
                t.seed = seed;
            }
            if let Some(jobs) = jobs_override {
                t.jobs = jobs;
            }
            let total =
                tournament::schedule::round_robin(t.bots.len(), t.games_per_pair, t.seed).len();
            let journal = Journal::create(&t.output, &RunInfo::of(&t, total))?;
            (t, journal, Vec::new())
        }
    };
    let names: Vec<String> = t.bots.iter().map(|b| b.name.clone()).collect();
    say!(
        "{}: {} bots, {} games per pair, {} jobs, seed {}",
        t.name,
        t.bots.len(),
        t.games_per_pair,
        t.jobs,
        t.seed
    );
    say!("run folder: {}", journal.dir.display());
    if !done.is_empty() {
        say!("resuming: {} matches already played", done.len());
    }
    install_stop_handlers();
    let cage = Cage::start(&t.policy()?).map_err(|e| e.to_string())?;
    let progress = Progress::new(names.clone(), done.len());
    let opts = Options {
        jobs: t.jobs,
        frames: false,
        pin: true,
    };
    let mut on_event = |event: Event<'_>| {
        if let Event::Finished {
            entry, done, total, ..
        } = event
        {
            for line in progress.finished(entry, done, total) {
                say!("{line}");
            }
        }
    };
    let summary =
        tournament::runner::run(&t, &cage, &mut journal, done, &opts, &STOP, &mut on_event)?;
    drop(cage);
    say!("");
    for line in report::standings(&names, &summary.standings) {
        say!("{line}");
    }
    let bots: Vec<(String, String)> = t
        .bots
        .iter()
        .map(|b| (b.name.clone(), b.path.display().to_string()))
        .collect();
    let export = Export::new(&t.name, t.game, &bots, &summary.standings);
    export.write(&journal.dir.join("standings.yaml"))?;
    if let Some(path) = &args.export {
        export.write(path)?;
        say!("standings exported to {}", path.display());
    }
    if summary.interrupted {
        say!(
            "stopped after {} of {} matches; finish with: cagematch run --resume {}",
            summary.entries.len(),
            summary.total,
            shell_path(&journal.dir)
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn shell_path(p: &Path) -> String {
    let s = p.display().to_string();
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c))
    {
        s
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}
