//! One run of a ladder: its versions brought up to its bots, their games played.

use crate::cage::sanitize;
use crate::cli::{LadderArgs, RunArgs};
use crate::commands::run::{play, prepare, theme};
use crate::error::Error;
use crate::tournament::config::cores;
use crate::tournament::format::Format;
use crate::tournament::ladder;
use crate::tournament::results::export::now_utc;
use crate::tournament::{Journal, RunInfo, Tournament};
use crate::tui::theme::Theme;
use std::process::ExitCode;

/// One run of the ladder: its versions brought up to its bots, their games played.
pub fn once(args: &LadderArgs) -> Result<ExitCode, Error> {
    refuse_public_key()?;
    let file = ladder_file(&args.dir)?;
    let current = Tournament::load(&file)?;
    if current.format != Format::RoundRobin {
        return Err(Error::Usage(format!(
            "{}: format: a ladder plays a round robin among its current bots; remove `format`",
            crate::commands::shared::shown(&file)
        )));
    }
    let run_args = RunArgs {
        headless: args.headless,
        jobs: args.jobs,
        // The ladder's file may name a theme; `--theme` overrides it, on every run.
        theme: args.theme.clone().or_else(|| current.theme.clone()),
        ..RunArgs::default()
    };
    let theme = theme(&run_args, None)?;
    let run_dir = args.dir.join("run");
    // `DIR/run` planted as a link would put the ladder's run folder somewhere else.
    crate::files::refuse_links_in(&args.dir, &["run"])?;
    let now = now_utc();
    if !Journal::is_run_folder(&run_dir) {
        // The first run: every bot is a new version.
        let mut t = current;
        t.format = Format::Ladder {
            active: (0..t.bots.len()).collect(),
            games_per_version: t.games_per_version,
        };
        let t = start_at(t, &run_args, &run_dir, &now)?;
        say!("ladder: {} versions entered", t.bots.len());
        return play_versions(&run_dir, theme, &run_args, &now);
    }
    let (mut info, _) = Journal::read(&run_dir)?;
    if info.seats != current.seats {
        return Err(Error::Usage(format!(
            "{}: seats: the ladder was started with {} seats a match, not {}; a ladder keeps its seat count (start a new one in another folder)",
            crate::commands::shared::shown(&file),
            info.seats,
            current.seats
        )));
    }
    let budget = match info.schedule {
        Format::Ladder {
            games_per_version, ..
        } => games_per_version,
        _ => None,
    };
    if budget != current.games_per_version {
        let said = |g: Option<u32>| g.map_or("every pair plays".to_string(), |g| format!("{g}"));
        return Err(Error::Usage(format!(
            "{}: games_per_version: the ladder was started with {}, not {}; a ladder keeps how it pairs (start a new one in another folder)",
            crate::commands::shared::shown(&file),
            said(budget),
            said(current.games_per_version)
        )));
    }
    for line in ladder::reconcile(&mut info.bots, &current, &now) {
        say!("ladder: {line}");
    }
    let active: Vec<usize> = (0..info.bots.len())
        .filter(|&i| info.bots[i].retired.is_none())
        .collect();
    info.reschedule(Format::Ladder {
        active,
        games_per_version: budget,
    });
    Journal::write_info(&run_dir, &info)?;
    play_versions(&run_dir, theme, &run_args, &now)
}

/// A ladder is a competition: the public seed key would tell every bot its opponents'
/// seeds.
pub fn refuse_public_key() -> Result<(), Error> {
    if crate::referee::public_seed_key() {
        return Err(Error::Usage(
            "--seed-key none: a ladder is a competition, and the public key would tell every bot its opponents' seeds; give a key file or leave it out".into(),
        ));
    }
    Ok(())
}

/// `DIR/ladder.yaml`, which must be there.
pub fn ladder_file(dir: &std::path::Path) -> Result<std::path::PathBuf, Error> {
    let file = dir.join("ladder.yaml");
    if !file.is_file() {
        return Err(Error::Usage(format!(
            "{}: not found; a ladder folder holds ladder.yaml, a tournament file naming its bots",
            crate::commands::shared::shown(&file)
        )));
    }
    Ok(file)
}

/// Plays what the ladder's run folder is missing, then lists its versions.
fn play_versions(
    run_dir: &std::path::Path,
    theme: Theme,
    args: &RunArgs,
    now: &str,
) -> Result<ExitCode, Error> {
    let (journal, info, done) = Journal::resume(run_dir)?;
    let code = play(
        ladder::versions(&info, args.jobs.unwrap_or_else(cores))?,
        journal,
        done,
        theme,
        args,
    )?;
    say_versions(&info, now);
    Ok(code)
}

/// Every version, newest first: its hash, when it joined and how long ago, and why it
/// left if it did.
fn say_versions(info: &RunInfo, now: &str) {
    say!("");
    say!("versions (newest first):");
    for v in info.bots.iter().rev() {
        let added = v.added.as_deref().unwrap_or("?");
        let age = age(added, now).map_or(String::new(), |a| format!(" ({a} ago)"));
        let state = v.retired.as_deref().map_or("active".to_string(), |r| {
            format!("retired: {}", sanitize(r.as_bytes()))
        });
        say!(
            "  {}@{}  added {}{age}  {state}",
            sanitize(v.name.as_bytes()),
            &v.sha256[..8],
            sanitize(added.as_bytes())
        );
    }
}

/// How long between two `YYYY-MM-DDTHH:MM:SSZ` times, as "3d", "5h", "12m" or "40s".
fn age(from: &str, to: &str) -> Option<String> {
    let secs = |t: &str| -> Option<i64> {
        let n = |r: std::ops::Range<usize>| t.get(r)?.parse::<i64>().ok();
        let (y, mo, d) = (n(0..4)?, n(5..7)?, n(8..10)?);
        let (h, mi, s) = (n(11..13)?, n(14..16)?, n(17..19)?);
        // Days from the civil date (Howard Hinnant's algorithm, the inverse of how
        // `now_utc` writes it).
        let y = if mo <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (if mo > 2 { mo - 3 } else { mo + 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some((era * 146_097 + doe - 719_468) * 86_400 + h * 3600 + mi * 60 + s)
    };
    let d = secs(to)? - secs(from)?;
    Some(match d {
        d if d >= 86_400 => format!("{}d", d / 86_400),
        d if d >= 3600 => format!("{}h", d / 3600),
        d if d >= 60 => format!("{}m", d / 60),
        d => format!("{}s", d.max(0)),
    })
}

/// A new ladder's run folder at `run_dir`, every version added `now`.
fn start_at(
    t: Tournament,
    args: &RunArgs,
    run_dir: &std::path::Path,
    now: &str,
) -> Result<Tournament, Error> {
    let t = prepare(t, args)?;
    let mut info = RunInfo::new_run(&t);
    for bot in &mut info.bots {
        bot.added = Some(now.to_string());
    }
    Journal::create_at(run_dir, &info)?;
    Ok(t)
}

#[cfg(test)]
mod tests {
    #[test]
    fn ages_read_in_the_largest_unit() {
        let age = |a, b| super::age(a, b).unwrap();
        assert_eq!(age("2026-12-01T10:00:00Z", "2026-12-03T11:00:00Z"), "2d");
        assert_eq!(age("2026-02-28T23:00:00Z", "2026-03-01T04:30:00Z"), "5h");
        assert_eq!(age("2025-12-31T23:59:00Z", "2026-01-01T00:11:00Z"), "12m");
        assert_eq!(age("2026-12-01T10:00:00Z", "2026-12-01T10:00:40Z"), "40s");
        assert_eq!(super::age("garbage", "2026-12-01T10:00:40Z"), None);
    }
}
