//! `cagematch ladder DIR --watch`: a ladder that runs itself. It watches
//! `DIR/submissions/`; each batch of complete submissions is taken out of the inbox,
//! checked exactly as `check FOLDER --tournament DIR/ladder.yaml --move-to
//! DIR/rejected` checks them, the failures left in `rejected/` with their check beside
//! them, the rest admitted into the ladder's bots folder (a bot of the same name there
//! goes to `retired/`: nothing is deleted), their games played, and `public/`
//! published. SIGTERM or Ctrl-C stops it between matches; a restart carries on.

use super::inbox::Inbox;
use super::publish;
use crate::cli::{CheckArgs, LadderArgs, Rules};
use crate::commands::check::{self, Status, Verdict};
use crate::error::Error;
use crate::files::shown;
use crate::tournament::results::export::now_utc;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// The ladder folder's parts.
struct Parts {
    file: PathBuf,
    submissions: PathBuf,
    /// Where admitted submissions go: the ladder's `bots: folder`.
    entries: PathBuf,
    rejected: PathBuf,
    retired: PathBuf,
    checks: PathBuf,
    public: PathBuf,
    /// A batch's submissions while they are checked.
    staging: PathBuf,
    run: PathBuf,
}

impl Parts {
    fn of(dir: &Path) -> Result<Parts, Error> {
        let file = super::once::ladder_file(dir)?;
        let named = [
            "run",
            "submissions",
            "rejected",
            "retired",
            "checks",
            "public",
            ".staging",
        ];
        // A part planted as a link would take submissions (or serve files) elsewhere.
        crate::files::refuse_links_in(dir, &named)?;
        let rules = crate::tournament::Tournament::rules_of(&file)?;
        let Some(entries) = rules.bots_folder else {
            return Err(Error::Usage(format!(
                "{}: bots: a watched ladder admits submissions into its bots folder; write `bots: {{folder: entries}}`",
                shown(&file)
            )));
        };
        if std::fs::symlink_metadata(&entries).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Error::Usage(format!(
                "{}: the ladder's bots folder is a symbolic link; give it a folder of its own",
                shown(&entries)
            )));
        }
        let parts = Parts {
            submissions: dir.join("submissions"),
            rejected: dir.join("rejected"),
            retired: dir.join("retired"),
            checks: dir.join("checks"),
            public: dir.join("public"),
            staging: dir.join(".staging"),
            run: dir.join("run"),
            entries,
            file,
        };
        let same = |a: &Path, b: &Path| {
            std::fs::canonicalize(a)
                .ok()
                .is_some_and(|a| std::fs::canonicalize(b).ok() == Some(a))
        };
        for folder in [
            &parts.submissions,
            &parts.entries,
            &parts.rejected,
            &parts.retired,
            &parts.checks,
            &parts.public,
            &parts.public.join("checks"),
        ] {
            std::fs::create_dir_all(folder).map_err(|e| {
                Error::Usage(format!("{}: cannot make the folder: {e}", shown(folder)))
            })?;
        }
        if same(&parts.entries, &parts.submissions) {
            return Err(Error::Usage(format!(
                "{}: bots: the ladder's bots folder cannot be its inbox; write `bots: {{folder: entries}}`",
                shown(&parts.file)
            )));
        }
        // Refused now, not after the first batch's games: a website would serve nothing.
        let probe = parts.public.join("standings.json.probe");
        crate::files::write_replacing(&probe, "", "probe").map_err(|e| {
            Error::Usage(format!(
                "{e}; the public folder must be writable by this user"
            ))
        })?;
        let _ = std::fs::remove_file(&probe);
        Ok(parts)
    }

    /// A batch cut short left its submissions in `.staging`: back into the inbox (a name
    /// taken there since stays where it is, said).
    fn recover(&self) {
        let Ok(listing) = std::fs::read_dir(&self.staging) else {
            return;
        };
        for entry in listing.filter_map(Result::ok) {
            let back = self.submissions.join(entry.file_name());
            if std::fs::symlink_metadata(&back).is_ok() {
                say!(
                    "inbox: {} from a batch cut short stays in {} (the inbox has a newer one)",
                    shown(&entry.path()),
                    shown(&self.staging)
                );
            } else if std::fs::rename(entry.path(), &back).is_ok() {
                say!(
                    "inbox: {} is back in the inbox (a batch was cut short)",
                    shown(&back)
                );
            }
        }
    }

    /// Moves `path` into `rejected/` (numbered if the name is taken) with why beside it.
    fn reject(&self, path: &Path, why: &str) {
        let name = shown(Path::new(path.file_name().unwrap_or_default()));
        match check::move_one(path, &self.rejected) {
            Ok(to) => {
                let note = format!(
                    "{}: {}\n",
                    shown(path),
                    crate::cage::sanitize(why.as_bytes())
                );
                write_beside(&to, ".check.txt", &note);
                say!("rejected {name}: {}", crate::cage::sanitize(why.as_bytes()));
            }
            Err(e) => eprintln!(
                "cagematch: {}: cannot move it to {}: {e}",
                shown(path),
                shown(&self.rejected)
            ),
        }
    }

    /// Admits a checked submission as the bot `name`: a bot of that name already
    /// entered goes to `retired/`, then the submission takes its place.
    fn admit(&self, path: &Path, name: &str) -> bool {
        let existing = crate::botfile::bots_in(&self.entries).unwrap_or_default();
        for old in existing.iter().filter(|b| crate::botfile::stem(b) == name) {
            if let Err(e) = check::move_one(old, &self.retired) {
                eprintln!(
                    "cagematch: {}: cannot retire it: {e}; {} waits",
                    shown(old),
                    shown(path)
                );
                return false;
            }
        }
        let to = self.entries.join(path.file_name().unwrap_or_default());
        match std::fs::rename(path, &to) {
            Ok(()) => {
                say!("admitted {}", shown(&to));
                true
            }
            Err(e) => {
                eprintln!("cagematch: {}: cannot admit it: {e}", shown(path));
                false
            }
        }
    }
}

/// Writes `text` beside `file` as `file` + `ending` (a rejected submission's check).
fn write_beside(file: &Path, ending: &str, text: &str) {
    let mut name = file.file_name().unwrap_or_default().to_os_string();
    name.push(ending);
    if let Err(e) = crate::files::write_replacing(&file.with_file_name(name), text, "check") {
        eprintln!("cagematch: {e}");
    }
}

pub fn run(args: &LadderArgs) -> Result<ExitCode, Error> {
    if !(args.settle.is_finite() && (0.0..=3600.0).contains(&args.settle)) {
        return Err(Error::Usage("--settle: 0 to 3600 seconds".into()));
    }
    if args
        .poll
        .is_some_and(|p| !(p.is_finite() && (0.05..=3600.0).contains(&p)))
    {
        return Err(Error::Usage("--poll: 0.05 to 3600 seconds".into()));
    }
    if args.jobs == Some(0) {
        return Err(Error::Usage("--jobs must be at least 1".into()));
    }
    // Refused at start, not at the first batch's games.
    super::once::refuse_public_key()?;
    let parts = Parts::of(&args.dir)?;
    crate::commands::run::install_stop_handlers();
    let waker = Waker::new(&parts.submissions, args.poll);
    say!(
        "watching {} ({}); SIGTERM or Ctrl-C stops between matches",
        shown(&parts.submissions),
        waker.describe()
    );
    parts.recover();
    let settle = Duration::from_secs_f64(args.settle);
    let mut inbox = Inbox::new(&parts.submissions, settle);
    let mut batch = publish::last_batch(&parts.public);
    // A restart first plays what the last one left unplayed, and publishes.
    batch += 1;
    play_and_publish(args, &parts, batch, true);
    while !crate::commands::run::stop_requested() {
        let scan = inbox.scan(Instant::now());
        for (path, why) in &scan.refused {
            parts.reject(path, why);
        }
        if !scan.ready.is_empty() {
            batch += 1;
            let admitted = take(args, &parts, &mut inbox, batch, &scan.ready);
            play_and_publish(args, &parts, batch, admitted > 0);
            continue;
        }
        let wait = if scan.unsettled > 0 {
            (settle / 2).clamp(Duration::from_millis(50), Duration::from_secs(1))
        } else {
            Duration::from_secs(1)
        };
        waker.wait(wait);
    }
    say!("ladder: stopped; run it again to carry on");
    Ok(ExitCode::SUCCESS)
}

/// Takes a batch out of the inbox (a submission dropped in from now on joins the next
/// one), checks it, rejects and admits; how many it admitted.
fn take(
    args: &LadderArgs,
    parts: &Parts,
    inbox: &mut Inbox,
    batch: u64,
    ready: &[PathBuf],
) -> usize {
    say!("");
    say!(
        "batch {batch}: {} taken from the inbox",
        crate::tui::widgets::count(ready.len(), "submission", "submissions")
    );
    if let Err(e) = std::fs::create_dir_all(&parts.staging) {
        eprintln!(
            "cagematch: {}: cannot make the folder: {e}; the batch waits",
            shown(&parts.staging)
        );
        return 0;
    }
    for path in ready {
        let to = parts.staging.join(path.file_name().unwrap_or_default());
        if let Err(e) = std::fs::rename(path, &to) {
            eprintln!("cagematch: {}: cannot take it: {e}", shown(path));
        }
    }
    let listing = match crate::botfile::list(&parts.staging) {
        Ok(listing) => listing,
        Err(e) => {
            eprintln!("cagematch: {e}");
            return 0;
        }
    };
    // Not bots at all: no check to run.
    for other in &listing.others {
        parts.reject(
            other,
            "not a bot (a .py file, an executable, a .yaml manifest or a bundle)",
        );
    }
    if listing.bots.is_empty() {
        return 0;
    }
    let verdicts = match check::folder(&check_args(args, parts, batch)) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("cagematch: batch {batch}: the check failed: {e}; its submissions go back to the inbox");
            parts.recover();
            return 0;
        }
    };
    let admitted = settle_verdicts(parts, inbox, &verdicts);
    publish_check(parts, batch);
    admitted
}

/// What each verdict means for its submission; how many were admitted.
fn settle_verdicts(parts: &Parts, inbox: &mut Inbox, verdicts: &[Verdict]) -> usize {
    let mut admitted = 0;
    for v in verdicts {
        match (&v.status, &v.moved_to) {
            (_, Some(to)) => {
                let to = parts
                    .rejected
                    .join(Path::new(to).file_name().unwrap_or_default());
                let mut text = format!("{}: {}\n\n", v.file, v.reason);
                for line in &v.details {
                    text.push_str(line);
                    text.push('\n');
                }
                write_beside(&to, ".check.txt", &text);
                say!(
                    "rejected {}: {}",
                    shown(Path::new(v.path.file_name().unwrap_or_default())),
                    v.reason
                );
            }
            (Status::Ok | Status::Slow, None) => {
                admitted += usize::from(parts.admit(&v.path, &v.name));
            }
            (Status::Ignored, None) => parts.reject(&v.path, &v.reason),
            // The game failed, not the bot (or the move aside did): back in the inbox,
            // not taken again until it changes.
            (Status::GameError | Status::Problem(_), None) => {
                let back = parts
                    .submissions
                    .join(v.path.file_name().unwrap_or_default());
                if std::fs::symlink_metadata(&back).is_err()
                    && std::fs::rename(&v.path, &back).is_ok()
                {
                    inbox.hold(&back);
                    say!(
                        "{}: {}; it stays in the inbox until it changes",
                        v.file,
                        v.reason
                    );
                }
            }
        }
    }
    admitted
}

fn check_args(args: &LadderArgs, parts: &Parts, batch: u64) -> CheckArgs {
    CheckArgs {
        path: Some(parts.staging.clone()),
        game: None,
        tournament: Some(parts.file.clone()),
        game_venv: None,
        games: 8,
        jobs: args.jobs,
        report: Some(parts.checks.join(format!("batch-{batch:06}"))),
        move_to: Some(parts.rejected.clone()),
        verbose: false,
        rules: Rules::default(),
    }
}

/// The batch's check report, as `public/checks/latest.{md,json}`.
fn publish_check(parts: &Parts, batch: u64) {
    for ending in ["md", "json"] {
        let from = parts.checks.join(format!("batch-{batch:06}.{ending}"));
        let to = parts.public.join("checks").join(format!("latest.{ending}"));
        let copied = std::fs::read_to_string(&from)
            .map_err(|e| e.to_string())
            .and_then(|text| {
                crate::files::write_replacing(&to, &text, "check report").map_err(|e| e.to_string())
            });
        if let Err(e) = copied {
            eprintln!("cagematch: {}: {e}", shown(&to));
        }
    }
}

/// Plays what the ladder is missing (`play`: something new was admitted, or the watch
/// just started; when it has two bots to play), then publishes. A failure is said in
/// one line and the watch goes on: the next batch tries again.
fn play_and_publish(args: &LadderArgs, parts: &Parts, batch: u64, play: bool) {
    let bots = crate::botfile::bots_in(&parts.entries).map_or(0, |b| b.len());
    if !play {
        say!("ladder: nothing admitted; the standings stand");
    } else if bots >= 2 {
        let once = LadderArgs {
            dir: args.dir.clone(),
            headless: true,
            jobs: args.jobs,
            theme: args.theme.clone(),
            watch: false,
            settle: args.settle,
            poll: None,
        };
        if let Err(e) = super::once::once(&once) {
            eprintln!("cagematch: batch {batch}: {e}");
        }
    } else {
        say!("ladder: {bots} bot(s) entered; games start at two");
    }
    match publish::all(&parts.run, &parts.public, batch, &now_utc()) {
        Ok(()) => say!("published {} (batch {batch})", shown(&parts.public)),
        Err(e) => eprintln!(
            "cagematch: batch {batch}: publishing failed: {e}; the next batch tries again"
        ),
    }
}

/// Wakes the watch when the inbox changes: inotify, or a poll where it cannot be had
/// (or `--poll` asks for one).
enum Waker {
    Inotify(nix::sys::inotify::Inotify),
    Poll(Duration),
}

impl Waker {
    fn new(dir: &Path, poll: Option<f64>) -> Waker {
        use nix::sys::inotify::{AddWatchFlags as F, InitFlags, Inotify};
        if let Some(secs) = poll {
            return Waker::Poll(Duration::from_secs_f64(secs));
        }
        let flags = F::IN_CREATE
            | F::IN_MOVED_TO
            | F::IN_CLOSE_WRITE
            | F::IN_MODIFY
            | F::IN_ATTRIB
            | F::IN_DELETE
            | F::IN_MOVED_FROM;
        let made = Inotify::init(InitFlags::IN_NONBLOCK | InitFlags::IN_CLOEXEC)
            .and_then(|i| i.add_watch(dir, flags).map(|_| i));
        match made {
            Ok(i) => Waker::Inotify(i),
            Err(e) => {
                say!("inotify is not available ({e}); looking at the inbox every 2 s");
                Waker::Poll(Duration::from_secs(2))
            }
        }
    }

    fn describe(&self) -> String {
        match self {
            Waker::Inotify(_) => "inotify".into(),
            Waker::Poll(d) => format!("looking every {:.2} s", d.as_secs_f64()),
        }
    }

    /// Returns on a change to the inbox, a signal, or after `most` (polling: after the
    /// poll's interval).
    fn wait(&self, most: Duration) {
        use std::os::fd::AsFd;
        match self {
            Waker::Inotify(i) => {
                use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
                let mut fds = [PollFd::new(i.as_fd(), PollFlags::POLLIN)];
                let timeout = PollTimeout::try_from(most).unwrap_or(PollTimeout::MAX);
                let _ = poll(&mut fds, timeout);
                // Drained: what changed is read again from the folder itself.
                while i.read_events().is_ok_and(|e| !e.is_empty()) {}
            }
            Waker::Poll(every) => {
                // In short sleeps: a stop is seen within a fifth of a second.
                let end = Instant::now() + *every;
                while !crate::commands::run::stop_requested() {
                    let left = end.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        break;
                    }
                    std::thread::sleep(left.min(Duration::from_millis(200)));
                }
            }
        }
    }
}
