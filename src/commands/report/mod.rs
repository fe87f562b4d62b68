//! `cagematch report RUN_DIR --format html|markdown|csv`: a run's results to share —
//! standings, crosstable, Elo with its interval, faults per bot — built from the run's
//! journal by the same function as its `standings.yaml`, so the numbers are the same.

mod csv;
mod html;
mod markdown;

use crate::cage::FaultKind;
use crate::cli::{ReportArgs, ReportFormat, ReportTable};
use crate::error::Error;
use crate::tournament::{Export, ExportRow, Journal};
use std::process::ExitCode;

/// What every format shows: the export, and how far the run got.
pub struct Results {
    pub export: Export,
    /// Matches the run's schedule holds (more than played when it was interrupted).
    pub matches: usize,
    pub played: usize,
    pub started: String,
}

impl Results {
    /// The fault kinds any bot has, in `FaultKind::ALL`'s order (the tables leave out
    /// the columns that would be all zeros).
    pub fn fault_kinds(&self) -> Vec<FaultKind> {
        FaultKind::ALL
            .into_iter()
            .filter(|k| self.export.standings.iter().any(|r| faults(r, *k) > 0))
            .collect()
    }

    /// One line under the title: game, format, progress, ranking, dates; `escape` is
    /// for the one part that comes from the run folder (its start time).
    pub fn summary(&self, escape: fn(&str) -> String) -> String {
        let e = &self.export;
        format!(
            "{} · {} · {} of {} matches played{} · ranked by {} · started {} · report {} by cagematch {}",
            e.game,
            e.format,
            self.played,
            self.matches,
            if self.played < self.matches {
                " (unfinished)"
            } else {
                ""
            },
            e.ranking.name(),
            escape(&self.started),
            e.date,
            env!("CARGO_PKG_VERSION")
        )
    }
}

/// A bot's count of one fault kind.
pub fn faults(row: &ExportRow, kind: FaultKind) -> u32 {
    row.faults.get(&kind).copied().unwrap_or(0)
}

/// A bot's standing as every format shows it, in this order: points, games, wins,
/// draws, losses, score, Elo, and its interval's low and high ends.
pub fn figures(row: &ExportRow) -> [String; 9] {
    [
        number(row.points),
        row.games.to_string(),
        row.wins.to_string(),
        row.draws.to_string(),
        row.losses.to_string(),
        number(row.score),
        number(row.elo),
        number(row.elo_low),
        number(row.elo_high),
    ]
}

/// A column the standings show only for some formats.
pub struct Column {
    pub header: &'static str,
    pub value: fn(&ExportRow) -> String,
}

/// The columns beyond [`figures`] that rank or explain this run's standings: the mean
/// payoff per turn when it ranks them (the iterated Prisoner's Dilemma), Swiss's
/// Buchholz and byes, the knockout round each bot reached.
pub fn extra_columns(e: &Export) -> Vec<Column> {
    let mut columns = Vec::new();
    if e.ranking == crate::game::Ranking::Payoff {
        columns.push(Column {
            header: "Payoff/turn",
            value: |r| number(r.payoff_per_turn),
        });
    }
    if e.standings.iter().any(|r| r.buchholz.is_some()) {
        columns.push(Column {
            header: "Buchholz",
            value: |r| r.buchholz.map(number).unwrap_or_default(),
        });
        columns.push(Column {
            header: "Byes",
            value: |r| r.byes.map(|b| b.to_string()).unwrap_or_default(),
        });
    }
    if e.standings.iter().any(|r| r.round_reached.is_some()) {
        columns.push(Column {
            header: "Round",
            value: |r| r.round_reached.map(|n| n.to_string()).unwrap_or_default(),
        });
    }
    columns
}

/// A crosstable's points, short: `2` for 2.0, `1.5` for 1.5.
pub fn points(v: f64) -> String {
    format!("{v}")
}

/// All of a bot's faults.
pub fn total_faults(row: &ExportRow) -> u32 {
    row.faults.values().sum()
}

/// A number as the YAML export writes it (`serde_yaml` writes `12.0` for 12).
pub fn number(v: f64) -> String {
    if v.is_finite() && v.fract() == 0.0 {
        format!("{v:.1}")
    } else {
        format!("{v}")
    }
}

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
