//! A whole folder of submissions checked at once: every bot in parallel, each in its own
//! caged processes, one summary table, one report for the organiser's review, and
//! (`--move-to`) the failing bots moved aside — never deleted, never overwritten.

use super::bot::{self, Trial};
use super::verdict::{file_name, Status, Verdict};
use crate::cage::Cage;
use crate::cli::CheckArgs;
use crate::error::Error;
use crate::tui::widgets::fit;
use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// The widest a file name is shown in the table; longer ones are cut with `…`.
const NAME_WIDTH: usize = 32;
/// The reason column is cut to this many characters on the terminal (the reports keep
/// it whole).
const REASON_WIDTH: usize = 100;

/// On a terminal, the line under the table: how far the check is and which bot the next
/// row waits for (rows come in the folder's order; a slow bot holds back the rows after
/// it); `None` clears it, as every row does first. Never written to a pipe or a file.
fn progress_line(finished: usize, total: usize, waiting: Option<&Path>) {
    let line = match waiting {
        Some(bot) => format!(
            "  … {finished} of {total} checked; the next row waits for {}",
            fit(&file_name(bot), NAME_WIDTH)
        ),
        None => String::new(),
    };
    print!("\r\x1b[K{line}");
    let _ = std::io::Write::flush(&mut std::io::stdout());
}

/// Checks every bot in `dir`; the verdicts, and whether any had a problem.
pub fn run(
    cage: &Cage,
    trial: &Trial,
    dir: &Path,
    args: &CheckArgs,
) -> Result<(Vec<Verdict>, ExitCode), Error> {
    let listing = crate::botfile::list(dir).map_err(Error::Config)?;
    if listing.bots.is_empty() {
        return Err(Error::Usage(format!(
            "{}: no bots in this folder (a bot is a .py file, an executable or a .yaml manifest); {}",
            crate::files::shown(dir),
            match listing.others.len() {
                0 => "it is empty".to_string(),
                n => format!("{n} other file(s) there"),
            }
        )));
    }
    let jobs = args
        .jobs
        .unwrap_or_else(crate::tournament::config::cores)
        .min(listing.bots.len());
    say!(
        "checking {} in {} for {} ({} at a time, {} against built-in random each)",
        crate::tui::widgets::count(listing.bots.len(), "bot", "bots"),
        crate::files::shown(dir),
        trial.game,
        jobs,
        crate::tui::widgets::count(trial.games.max(1) as usize, "game", "games"),
    );
    for line in &trial.modules {
        say!("{line}");
    }
    say!("{}", trial.cgroup.0);
    let width = listing
        .bots
        .iter()
        .chain(&listing.others)
        .map(|p| file_name(p).chars().count())
        .max()
        .unwrap_or(0)
        .clamp(3, NAME_WIDTH);
    // The table row by row as bots finish (in the folder's order); with --verbose, each
    // bot's whole check as it finishes, and the table at the end.
    if !args.verbose {
        say!("{}", header(width));
    }
    let mut clashes = name_clashes(&listing.bots);
    for (bot, why) in claim_clashes(&listing.bots) {
        clashes
            .entry(bot)
            .and_modify(|r: &mut String| {
                r.push_str("; ");
                r.push_str(&why)
            })
            .or_insert(why);
    }
    let live = !args.verbose && std::io::stdout().is_terminal();
    let total = listing.bots.len();
    let mut progress = |finished: usize, waiting: Option<&Path>| {
        if live {
            progress_line(finished, total, waiting);
        }
    };
    let mut verdicts = check_all(
        cage,
        trial,
        &listing.bots,
        &clashes,
        jobs,
        &mut progress,
        |v| {
            if args.verbose {
                say!("");
                for line in &v.details {
                    say!("{line}");
                }
            } else {
                say!("{}", row(v, width));
            }
        },
    );
    for path in &listing.others {
        let mut v = Verdict::new(path);
        v.status = Status::Ignored;
        v.reason = "not a bot (.py, executable or .yaml manifest): tournaments skip it".into();
        if !args.verbose {
            say!("{}", row(&v, width));
        }
        verdicts.push(v);
    }
    if args.verbose {
        say!("");
        say!("{}", header(width));
        for v in &verdicts {
            say!("{}", row(v, width));
        }
    }
    if let Some(to) = &args.move_to {
        move_aside(dir, to, &mut verdicts);
    }
    let code = conclude(trial, dir, args, &verdicts, listing.bots.len())?;
    Ok((verdicts, code))
}

/// The counts, the report files, the exit code.
fn conclude(
    trial: &Trial,
    dir: &Path,
    args: &CheckArgs,
    verdicts: &[Verdict],
    bots: usize,
) -> Result<ExitCode, Error> {
    let others = verdicts.len() - bots;
    let count = |f: &dyn Fn(&Status) -> bool| verdicts.iter().filter(|v| f(&v.status)).count();
    let problems = count(&|s| matches!(s, Status::Problem(_)));
    let game_errors = count(&|s| *s == Status::GameError);
    say!(
        "{}: {} OK, {} SLOW, {} PROBLEM{}{}",
        crate::tui::widgets::count(bots, "bot", "bots"),
        count(&|s| *s == Status::Ok),
        count(&|s| *s == Status::Slow),
        problems,
        match game_errors {
            0 => String::new(),
            n => format!(", {n} GAME ERROR (the game failed, not the bot; not moved)"),
        },
        match others {
            0 => String::new(),
            n => format!("; {n} other file(s) ignored"),
        }
    );
    // Beside the inbox (`club/submissions` → `club/check-report.md`), not wherever the
    // command happened to be run.
    let stem = args.report.clone().unwrap_or_else(|| {
        dir.parent()
            .unwrap_or(std::path::Path::new(""))
            .join("check-report")
    });
    let (md, json) = super::report::write(&stem, dir, trial, verdicts)?;
    say!(
        "report: {} and {}{}",
        crate::files::shown(&md),
        crate::files::shown(&json),
        if args.verbose || problems == 0 {
            ""
        } else {
            " (every bot's whole check is there; or run with --verbose)"
        }
    );
    Ok(if problems + game_errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Checks every bot, `jobs` at a time; `done` sees each verdict in the folder's order
/// as soon as it and every one before it are done. Verdicts come back in that order.
fn check_all(
    cage: &Cage,
    trial: &Trial,
    bots: &[PathBuf],
    clashes: &HashMap<PathBuf, String>,
    jobs: usize,
    progress: &mut dyn FnMut(usize, Option<&Path>),
    mut done: impl FnMut(&Verdict),
) -> Vec<Verdict> {
    let next = AtomicUsize::new(0);
    let mut verdicts: Vec<Option<Verdict>> = vec![None; bots.len()];
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel();
        for _ in 0..jobs {
            let (tx, next) = (tx.clone(), &next);
            scope.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = bots.get(i) else { break };
                let mut verdict = bot::check(cage, trial, path, &mut |_| {});
                if let Some(why) = clashes.get(path).filter(|_| !verdict.is_problem()) {
                    verdict.status = Status::Problem("name_clash".into());
                    verdict.problems = 1;
                    verdict.reason = why.clone();
                }
                if tx.send((i, verdict)).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let (mut shown, mut finished) = (0, 0);
        for (i, verdict) in rx {
            verdicts[i] = Some(verdict);
            finished += 1;
            progress(finished, None);
            while let Some(Some(v)) = verdicts.get(shown) {
                done(v);
                shown += 1;
            }
            progress(finished, bots.get(shown).map(PathBuf::as_path));
        }
        progress(finished, None);
    });
    verdicts.into_iter().flatten().collect()
}

/// For each manifest that names a file another manifest names too (an executable or a
/// data file in a subfolder), why: whose file it is cannot be told, so neither plays
/// with it, and neither is moved with the other's file.
fn claim_clashes(all: &[PathBuf]) -> HashMap<PathBuf, String> {
    let mut by_file: HashMap<PathBuf, Vec<&PathBuf>> = HashMap::new();
    for manifest in all.iter().filter(|p| crate::botfile::is_manifest(p)) {
        let mut claims: Vec<PathBuf> = crate::botfile::manifest_claims(manifest)
            .iter()
            .filter_map(|c| std::fs::canonicalize(c).ok())
            .collect();
        claims.sort();
        claims.dedup();
        for claim in claims {
            by_file.entry(claim).or_default().push(manifest);
        }
    }
    let mut out: HashMap<PathBuf, String> = HashMap::new();
    // A compiled bot beside the manifests that is not named after the one that names it
    // is a bot of its own (checked, and listed by tournaments, as itself): in an inbox,
    // another entrant's, which a stranger's manifest must not play as its own.
    for manifest in all.iter().filter(|p| crate::botfile::is_manifest(p)) {
        let Some(command) = crate::botfile::manifest_claims(manifest).into_iter().next() else {
            continue;
        };
        let beside = command.parent() == manifest.parent();
        let owner = crate::botfile::stem(manifest);
        if beside
            && crate::botfile::is_compiled_bot(&command)
            && crate::botfile::stem(&command) != owner
        {
            out.insert(
                manifest.clone(),
                format!(
                    "names `{}`, a compiled bot of its own here; name your executable after the manifest (`{owner}`) or put it in a subfolder",
                    file_name(&command)
                ),
            );
        }
    }
    for (file, owners) in by_file.iter().filter(|(_, o)| o.len() > 1) {
        let shown = file_name(file);
        for &owner in owners {
            let others: Vec<String> = owners
                .iter()
                .filter(|&&o| o != owner)
                .map(|o| format!("`{}`", file_name(o)))
                .collect();
            out.entry(owner.clone()).or_insert_with(|| {
                format!(
                    "names `{shown}`, which {} names too; an entrant's files are its own, give each its own",
                    others.join(", ")
                )
            });
        }
    }
    out
}

/// For each bot whose name (its file's stem) another bot in the folder has too, why: a
/// tournament would refuse to load the folder. Files that do not read as bots are left
/// out (they are refused on their own, and go aside first).
fn name_clashes(all: &[PathBuf]) -> HashMap<PathBuf, String> {
    use crate::botfile::{stem, BotFile};
    let mut by_name: HashMap<String, Vec<&PathBuf>> = HashMap::new();
    for bot in all {
        by_name.entry(stem(bot)).or_default().push(bot);
    }
    let mut clashes = HashMap::new();
    // Only files that share a name are read here (the check reads each bot anyway).
    for group in by_name.into_values().filter(|g| g.len() > 1) {
        let readable: Vec<&PathBuf> = group
            .into_iter()
            .filter(|p| BotFile::read(p).is_ok())
            .collect();
        for &bot in &readable {
            let others: Vec<String> = readable
                .iter()
                .filter(|&&b| b != bot)
                .map(|b| file_name(b))
                .collect();
            if !others.is_empty() {
                let why = format!(
                    "also named `{}`: {}; a tournament refuses two bots of one name, rename one",
                    stem(bot),
                    others.join(", ")
                );
                clashes.insert(bot.clone(), why);
            }
        }
    }
    clashes
}

fn header(width: usize) -> String {
    format!(
        "{:<width$}  {:<22}  {:>9}  {:>9}  reason",
        "bot", "status", "load", "slowest"
    )
}

fn row(v: &Verdict, width: usize) -> String {
    let ms = |x: Option<f64>| x.map_or_else(|| "-".to_string(), |ms| format!("{ms:.1} ms"));
    format!(
        "{:<width$}  {:<22}  {:>9}  {:>9}  {}",
        fit(&file_name(&v.path), width),
        v.status.label(),
        ms(v.load_ms),
        ms(v.slowest_move_ms),
        fit(&v.reason, REASON_WIDTH)
    )
}

/// Moves every bot with a problem into `to` (made if missing), with the executable its
/// manifest names when that lies in the same folder. A name already taken there gets a
/// number (`bot-2.py`): nothing is ever overwritten or deleted.
fn move_aside(dir: &Path, to: &Path, verdicts: &mut [Verdict]) {
    if verdicts.iter().any(Verdict::is_problem) {
        if let Err(e) = std::fs::create_dir_all(to) {
            eprintln!(
                "cagematch: {}: cannot make the folder: {e}; nothing moved",
                crate::files::shown(to)
            );
            return;
        }
    }
    // What each manifest names (a manifest is a stranger's file: it may name another
    // entrant's bot, which must stay where it is).
    let canonical = |p: &Path| std::fs::canonicalize(p).ok();
    let named: Vec<(PathBuf, Option<PathBuf>)> = verdicts
        .iter()
        .filter(|v| crate::botfile::is_manifest(&v.path))
        .map(|v| {
            let command = crate::botfile::manifest_command(&v.path);
            (v.path.clone(), command.as_deref().and_then(canonical))
        })
        .collect();
    let listed: Vec<PathBuf> = verdicts
        .iter()
        .filter(|v| v.status != Status::Ignored)
        .filter_map(|v| canonical(&v.path))
        .collect();
    for v in verdicts.iter_mut().filter(|v| v.is_problem()) {
        let mut files = vec![v.path.clone()];
        if let Some((_, Some(command))) = named.iter().find(|(m, _)| *m == v.path) {
            // Its own executable only: beside it, not a bot itself, named by no other.
            let beside = command.parent() == canonical(dir).as_deref();
            let others = named.iter().filter(|(_, c)| c.as_ref() == Some(command));
            if beside && !listed.contains(command) && others.count() == 1 {
                files.push(dir.join(command.file_name().unwrap_or_default()));
            }
        }
        let mut moved = Vec::new();
        for file in files {
            match move_one(&file, to) {
                Ok(target) => moved.push(crate::files::shown(&target)),
                Err(e) => eprintln!(
                    "cagematch: {}: cannot move it to {}: {e}",
                    crate::files::shown(&file),
                    crate::files::shown(to)
                ),
            }
        }
        if let Some(first) = moved.first() {
            say!("moved {} to {first}", v.file);
            v.moved_to = Some(first.clone());
        }
    }
}

/// Moves `file` into the folder `to` under its own name, or the first numbered one free
/// (`bot-2.py`); where it went.
pub fn move_one(file: &Path, to: &Path) -> std::io::Result<PathBuf> {
    let stem = file.file_stem().unwrap_or_default().to_string_lossy();
    let ext = file
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    for n in 1..1000 {
        let name = if n == 1 {
            file.file_name().unwrap_or_default().to_os_string()
        } else {
            format!("{stem}-{n}{ext}").into()
        };
        let target = to.join(name);
        // symlink_metadata: a dangling link is a name taken, too.
        if std::fs::symlink_metadata(&target).is_ok() {
            continue;
        }
        // rename(2) would replace a file made since the check above; link(2) refuses
        // an existing name, so the original name goes only once the new one is ours.
        match std::fs::hard_link(file, &target) {
            Ok(()) => {
                std::fs::remove_file(file)?;
                return Ok(target);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            // Links refused here (some filesystems): rename, after the check above.
            Err(_) => {
                std::fs::rename(file, &target)?;
                return Ok(target);
            }
        }
    }
    Err(std::io::Error::other("every name up to 999 is taken"))
}
