//! Reading a run's reports back: the HTML page's tables as text, checked against the
//! run's `standings.yaml`.

use cagematch::cage::FaultKind;
use cagematch::tournament::Export;
use std::path::Path;

/// The run folder's `standings.yaml`.
pub fn export(run: &Path) -> Export {
    serde_yaml::from_str(&std::fs::read_to_string(run.join("standings.yaml")).unwrap()).unwrap()
}

/// HTML entities back to text (the five the report writes).
pub fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The text of every cell of the table with this id, row by row (header row first).
pub fn html_table(html: &str, id: &str) -> Vec<Vec<String>> {
    let start = html
        .find(&format!("<table id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no table {id}"));
    let end = start + html[start..].find("</table>").unwrap();
    html[start..end]
        .split("<tr>")
        .skip(1)
        .map(|row| {
            row.split("<t")
                .skip(1)
                .filter(|c| c.starts_with('d') || c.starts_with('h'))
                .map(|c| {
                    let inner = &c[c.find('>').unwrap() + 1..];
                    let inner = &inner[..inner.find("</t").unwrap_or(inner.len())];
                    // Drop inner tags (the Elo bar's spans).
                    let mut out = String::new();
                    let mut depth = 0;
                    for ch in inner.chars() {
                        match ch {
                            '<' => depth += 1,
                            '>' => depth -= 1,
                            c if depth == 0 => out.push(c),
                            _ => {}
                        }
                    }
                    unescape(&out)
                })
                .collect()
        })
        .collect()
}

/// A standings figure as HTML and Markdown show it (the `i`-th of points, games, W, D,
/// L, score, Elo, low, high): the score as a percentage to a tenth, Elo signed and whole.
pub fn assert_shown(cell: &str, i: usize, v: f64, name: &str) {
    match i {
        5 => {
            let pct = cell
                .strip_suffix(" %")
                .unwrap_or_else(|| panic!("{name}: score `{cell}` is not a percentage"));
            assert!(
                (num(pct) - v * 100.0).abs() <= 0.05,
                "{name}: score {cell} vs {v}"
            );
        }
        6..=8 if v.is_finite() => {
            assert!(
                cell.starts_with('+') || cell.starts_with('-'),
                "{name}: Elo `{cell}` has no sign"
            );
            assert!((num(cell) - v).abs() <= 0.5, "{name}: Elo {cell} vs {v}");
        }
        _ => assert_eq!(num(cell), v, "{name}: figure {i}"),
    }
}

pub fn num(s: &str) -> f64 {
    s.parse()
        .unwrap_or_else(|_| panic!("`{s}` is not a number"))
}

/// The HTML's three tables hold exactly the export's numbers.
pub fn assert_html_matches(html: &str, e: &Export) {
    let rows = html_table(html, "standings");
    assert_eq!(rows[0][..4], ["#", "Bot", "Points", "Games"]);
    assert_eq!(rows.len() - 1, e.standings.len());
    for (i, (cells, row)) in rows[1..].iter().zip(&e.standings).enumerate() {
        // An exact tie is a shared place (`=1`), the tie's first rank.
        let place = cagematch::tournament::results::ties::shared_place(
            &e.standings,
            i,
            |r| r.rank,
            cagematch::tournament::ExportRow::level_with,
        );
        assert_eq!(
            cells[0],
            place.map_or(row.rank.to_string(), |p| format!("={p}"))
        );
        assert_eq!(cells[1], row.name);
        let figures = [
            row.points,
            f64::from(row.games),
            f64::from(row.wins),
            f64::from(row.draws),
            f64::from(row.losses),
            row.score,
            row.elo,
            row.elo_low,
            row.elo_high,
        ];
        for (i, v) in figures.iter().enumerate() {
            assert_shown(&cells[2 + i], i, *v, &row.name);
        }
        let faults: u32 = row.faults.values().sum();
        assert_eq!(num(&cells[12]), f64::from(faults));
        // The columns some formats add, after the faults.
        for (header, cell) in rows[0].iter().zip(cells).skip(13) {
            let want = match header.as_str() {
                "Payoff/turn" => Some(row.payoff_per_turn),
                "Buchholz" => row.buchholz,
                "Byes" => row.byes.map(f64::from),
                "Round" => row.round_reached.map(f64::from),
                other => panic!("unknown column {other}"),
            };
            assert_eq!(want, Some(num(cell)), "{}: {header}", row.name);
        }
    }
    let extras: Vec<&str> = rows[0].iter().skip(13).map(String::as_str).collect();
    assert_eq!(
        extras.contains(&"Payoff/turn"),
        e.ranking == cagematch::game::Ranking::Payoff
    );
    assert_eq!(extras.contains(&"Buchholz"), e.format == "swiss");
    assert_eq!(extras.contains(&"Round"), e.format == "knockout");
    let cross = html_table(html, "crosstable");
    for (cells, row) in cross[1..].iter().zip(&e.standings) {
        assert_eq!(cells[0], format!("{} {}", row.rank, row.name));
        for (cell, col) in cells[1..].iter().zip(&e.standings) {
            if col.name == row.name {
                assert_eq!(cell, "—");
                continue;
            }
            let h = &e.crosstable[&row.name][&col.name];
            if h.games == 0 {
                // Never met (Swiss, knockout): an empty cell.
                assert_eq!(cell, "", "{} v {}", row.name, col.name);
                continue;
            }
            assert_eq!(
                *cell,
                format!("{}/{}", h.points, h.games),
                "{} v {}",
                row.name,
                col.name
            );
        }
    }
    if !html.contains("<table id=\"faults\">") {
        assert!(html.contains("<p>No bot faulted.</p>"));
        assert!(e
            .standings
            .iter()
            .all(|r| r.faults.values().all(|n| *n == 0)));
        return;
    }
    let faults = html_table(html, "faults");
    let kinds: Vec<FaultKind> = faults[0][1..faults[0].len() - 1]
        .iter()
        .map(|k| serde_yaml::from_str(k).unwrap())
        .collect();
    // A row for each bot that faulted, in standings order.
    let faulted: Vec<_> = e
        .standings
        .iter()
        .filter(|r| r.faults.values().sum::<u32>() > 0)
        .collect();
    assert_eq!(faults.len() - 1, faulted.len());
    for (cells, row) in faults[1..].iter().zip(faulted) {
        assert_eq!(cells[0], row.name);
        for (cell, kind) in cells[1..].iter().zip(&kinds) {
            assert_eq!(
                num(cell),
                f64::from(row.faults[kind]),
                "{} {kind}",
                row.name
            );
        }
        // A kind left out of the table is one no bot has.
        for kind in FaultKind::ALL.iter().filter(|k| !kinds.contains(k)) {
            assert_eq!(row.faults[kind], 0);
        }
    }
}
