//! The report as CSV: the standings, one row per bot with every figure of the YAML
//! export and a column per fault kind, for a spreadsheet.

use super::{faults, figures, number, Results};
use crate::cage::FaultKind;
use crate::markup::csv as field;

pub fn render(r: &Results) -> String {
    let mut out = String::from(
        "rank,name,file,points,games,wins,draws,losses,score,elo,elo_low,elo_high,sonneborn_berger,payoff,payoff_per_turn",
    );
    for k in FaultKind::ALL {
        out.push_str(&format!(",faults_{k}"));
    }
    out.push_str(",buchholz,byes,round_reached\r\n");
    for row in &r.export.standings {
        out.push_str(&format!(
            "{},{},{},{},{},{},{}",
            row.rank,
            field(&row.name),
            field(&row.file),
            figures(row).join(","),
            number(row.sonneborn_berger),
            number(row.payoff),
            number(row.payoff_per_turn),
        ));
        for k in FaultKind::ALL {
            out.push_str(&format!(",{}", faults(row, k)));
        }
        // Empty where the format has no such figure (as the export leaves it out).
        let optional = |v: Option<String>| v.unwrap_or_default();
        out.push_str(&format!(
            ",{},{},{}\r\n",
            optional(row.buchholz.map(number)),
            optional(row.byes.map(|b| b.to_string())),
            optional(row.round_reached.map(|n| n.to_string()))
        ));
    }
    out
}
