//! The report as CSV, for a spreadsheet or a data frame: the standings (one row per bot
//! with every figure of the YAML export and a column per fault kind), or the crosstable
//! as one row per pair of bots (tidy: bot, opponent, then the head-to-head's figures).

use super::results::{faults, figures, number, places, Results};
use crate::cage::FaultKind;
use crate::markup::csv as field;

pub fn render(r: &Results) -> String {
    let mut out = String::from(
        "rank,name,file,points,games,wins,draws,losses,score,elo,elo_low,elo_high,sonneborn_berger,payoff,payoff_per_turn",
    );
    for k in FaultKind::ALL {
        out.push_str(&format!(",faults_{k}"));
    }
    out.push_str(",buchholz,byes,round_reached");
    // A free-for-all's places: the mean, then a count per place.
    let seats = r.export.seats.unwrap_or(0);
    if seats > 0 {
        out.push_str(",mean_place");
        for p in 1..=seats {
            out.push_str(&format!(",place_{p}"));
        }
    }
    out.push_str("\r\n");
    for row in &r.export.standings {
        out.push_str(&format!(
            "{},{},{},{},{},{},{}",
            row.rank,
            field(&row.name),
            // The file's name, never its folders (a path shows the organiser's).
            field(
                std::path::Path::new(&row.file)
                    .file_name()
                    .map_or(String::new(), |n| n.to_string_lossy().into_owned())
                    .as_str()
            ),
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
            ",{},{},{}",
            optional(row.buchholz.map(number)),
            optional(row.byes.map(|b| b.to_string())),
            optional(row.round_reached.map(|n| n.to_string()))
        ));
        if seats > 0 {
            out.push_str(&format!(",{}", optional(row.mean_place.map(number))));
            let mut counts = places(row);
            counts.resize(seats, "0".into());
            out.push_str(&format!(",{}", counts.join(",")));
        }
        out.push_str("\r\n");
    }
    out
}

/// The crosstable, a row for each bot and each opponent it met, in standings order.
pub fn render_crosstable(r: &Results) -> String {
    let mut out = String::from(
        "bot,opponent,points,games,pairs_0,pairs_half,pairs_1,pairs_1_half,pairs_2,elo,elo_pm\r\n",
    );
    let e = &r.export;
    for row in &e.standings {
        for col in e.standings.iter().filter(|c| c.name != row.name) {
            let Some(h) = e.crosstable.get(&row.name).and_then(|c| c.get(&col.name)) else {
                continue;
            };
            if h.games == 0 {
                continue;
            }
            let pairs = h.pentanomial.map_or_else(
                || ",,,,".to_string(),
                |p| p.map(|n| n.to_string()).join(","),
            );
            let optional = |v: Option<f64>| v.map(number).unwrap_or_default();
            out.push_str(&format!(
                "{},{},{},{},{pairs},{},{}\r\n",
                field(&row.name),
                field(&col.name),
                number(h.points),
                h.games,
                optional(h.elo),
                optional(h.elo_pm)
            ));
        }
    }
    out
}
