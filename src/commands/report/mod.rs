//! `cagematch report RUN_DIR --format html|markdown|csv`: a run's results to share —
//! standings, crosstable, Elo with its interval, faults per bot — built from the run's
//! journal by the same function as its `standings.yaml`, so the numbers are the same.

mod csv;
mod html;
mod markdown;
pub(crate) mod replay_page;
mod results;

use results::Results;

use crate::cli::{ReportArgs, ReportFormat, ReportTable};
use crate::error::Error;
use crate::tournament::Journal;
use std::process::ExitCode;

pub fn run(args: &ReportArgs) -> Result<ExitCode, Error> {
    if args.table == ReportTable::Crosstable && args.format != ReportFormat::Csv {
        return Err(Error::Usage(
            "--table crosstable is for --format csv (the other formats show every table)".into(),
        ));
    }
    let (info, entries) = Journal::read(&args.run_dir)?;
    let results = results_of(&info, &entries);
    let pages = pages(args, &entries)?;
    let (text, ending) = match args.format {
        ReportFormat::Html => (html::render(&results, pages.as_ref()), "html"),
        ReportFormat::Markdown => (markdown::render(&results), "md"),
        ReportFormat::Csv if args.table == ReportTable::Crosstable => {
            (csv::render_crosstable(&results), "crosstable.csv")
        }
        ReportFormat::Csv => (csv::render(&results), "csv"),
    };
    match &args.out {
        Some(out) if out.as_os_str() == "-" => {
            use std::io::Write as _;
            if std::io::stdout().write_all(text.as_bytes()).is_err() {
                std::process::exit(141);
            }
        }
        out => {
            let path = out
                .clone()
                .unwrap_or_else(|| args.run_dir.join(format!("report.{ending}")));
            crate::files::write_replacing(&path, &text, "report")?;
            say!("wrote {}", super::shared::shown(&path));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn results_of(info: &crate::tournament::RunInfo, entries: &[crate::tournament::Entry]) -> Results {
    results_with(info, &info.standings(entries), entries)
}

/// [`results_of`] with the run's standings already computed.
fn results_with(
    info: &crate::tournament::RunInfo,
    standings: &crate::tournament::Standings,
    entries: &[crate::tournament::Entry],
) -> Results {
    let export = crate::tournament::Export::of_standings(info, standings, entries);
    Results {
        export,
        matches: info.matches,
        played: entries.len(),
        started: crate::cage::sanitize(info.started.as_bytes()),
        void: crate::report::void_matches(entries),
        faulted: results::faulted(entries),
        latest: results::latest(entries),
    }
}

/// The HTML report of a run (`info` as it should be shown: a ladder names its versions;
/// `standings` its standings, computed once by the caller),
/// with a page per match written into `pages` (a folder beside the report, which links
/// it by its name; pages already in `reuse` are linked from there): a watched ladder's
/// public folder.
pub(crate) fn html_with_pages(
    run_dir: &std::path::Path,
    info: &crate::tournament::RunInfo,
    standings: &crate::tournament::Standings,
    entries: &[crate::tournament::Entry],
    pages: &std::path::Path,
    reuse: Option<&std::path::Path>,
) -> Result<String, Error> {
    let written = replay_page::write_run(run_dir, entries, pages, PAGES, reuse)?;
    let pages = pages.file_name().map(|n| html::Pages {
        dir: n.to_string_lossy().into_owned(),
        written,
    });
    let results = results_with(info, standings, entries);
    Ok(html::render(&results, pages.as_ref()))
}

/// Most replay pages a report writes (the newest matches'); `replay FILE --html` makes
/// any.
const PAGES: usize = 2000;

/// An HTML report written to a file gets a page per match beside it, in
/// `NAME-replays/`; the folder's name as the report links it.
fn pages(
    args: &ReportArgs,
    entries: &[crate::tournament::Entry],
) -> Result<Option<html::Pages>, Error> {
    let out = match (&args.format, &args.out) {
        (ReportFormat::Html, Some(out)) if out.as_os_str() == "-" => return Ok(None),
        (ReportFormat::Html, out) => out
            .clone()
            .unwrap_or_else(|| args.run_dir.join("report.html")),
        _ => return Ok(None),
    };
    let stem = out
        .file_stem()
        .map_or("report".into(), |s| s.to_string_lossy().into_owned());
    let name = format!("{stem}-replays");
    let dir = out.with_file_name(&name);
    let written = replay_page::write_run(&args.run_dir, entries, &dir, PAGES, None)?;
    if !written.is_empty() {
        say!(
            "wrote {} replay pages in {}",
            written.len(),
            super::shared::shown(&dir)
        );
    }
    Ok(Some(html::Pages { dir: name, written }))
}
