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
    let (_, export) = crate::tournament::Export::of_run(&info, &entries);
    let results = Results {
        export,
        matches: info.matches,
        played: entries.len(),
        started: crate::cage::sanitize(info.started.as_bytes()),
        void: crate::report::void_matches(&entries),
    };
    let (text, ending) = match args.format {
        ReportFormat::Html => (html::render(&results), "html"),
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
