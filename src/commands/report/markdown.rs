//! The report as Markdown: three tables, for a forum post, a wiki or a pull request.

use super::results::{extra_columns, faults, place, points, shown_figures, total_faults, Results};
use crate::markup::markdown as md;

pub fn render(r: &Results) -> String {
    let e = &r.export;
    let mut out = format!(
        "# {}\n\n{}\n\n## Standings\n\n",
        md(&e.tournament),
        r.summary(md)
    );
    let extras = extra_columns(e);
    out.push_str("| # | Bot | Points | Games | W | D | L | Score | Elo | 95% interval | Faults |");
    for c in &extras {
        out.push_str(&format!(" {} |", c.header));
    }
    out.push_str("\n|--:|---|--:|--:|--:|--:|--:|--:|--:|---|--:|");
    out.push_str(&"--:|".repeat(extras.len()));
    out.push('\n');
    for (i, row) in e.standings.iter().enumerate() {
        let [figures @ .., low, high] = shown_figures(row);
        out.push_str(&format!(
            "| {} | {} | {} | {low} to {high} | {} |",
            place(&e.standings, i),
            md(&row.name),
            figures.join(" | "),
            total_faults(row)
        ));
        for c in &extras {
            out.push_str(&format!(" {} |", (c.value)(row)));
        }
        out.push('\n');
    }
    if e.elo_regularised {
        out.push_str("\nSomeone won or lost every game: the Elo fit added virtual draws.\n");
    }
    out.push_str(
        "\n## Crosstable\n\nPoints the row's bot scored against the column's, of games played.\n\n| Bot |",
    );
    for row in &e.standings {
        out.push_str(&format!(" {} |", row.rank));
    }
    out.push_str("\n|---|");
    out.push_str(&"--:|".repeat(e.standings.len()));
    out.push('\n');
    for row in &e.standings {
        out.push_str(&format!("| {} {} |", row.rank, md(&row.name)));
        let cells = e.crosstable.get(&row.name);
        for col in &e.standings {
            let cell = match cells.and_then(|c| c.get(&col.name)) {
                _ if col.name == row.name => "—".to_string(),
                Some(h) if h.games > 0 => format!("{}/{}", points(h.points), h.games),
                _ => String::new(),
            };
            out.push_str(&format!(" {cell} |"));
        }
        out.push('\n');
    }
    if !r.void.is_empty() {
        out.push_str("\n## Void matches\n\nThe game's own code failed in these matches: they count for no one.\n\n| Match | Bots | Game error |\n|--:|---|---|\n");
        for v in &r.void {
            out.push_str(&format!(
                "| #{} | {} | {} |\n",
                v.number,
                v.names
                    .iter()
                    .map(|n| md(n))
                    .collect::<Vec<_>>()
                    .join(" vs "),
                md(&v.why)
            ));
        }
    }
    let kinds = r.fault_kinds();
    out.push_str("\n## Faults\n\n");
    if kinds.is_empty() {
        out.push_str("No bot faulted.\n");
        return out;
    }
    out.push_str("| Bot |");
    for k in &kinds {
        out.push_str(&format!(" {} |", md(k.as_str())));
    }
    out.push_str(" Total |\n|---|");
    out.push_str(&"--:|".repeat(kinds.len() + 1));
    out.push('\n');
    for row in &e.standings {
        out.push_str(&format!("| {} |", md(&row.name)));
        for k in &kinds {
            out.push_str(&format!(" {} |", faults(row, *k)));
        }
        out.push_str(&format!(" {} |\n", total_faults(row)));
    }
    out
}
