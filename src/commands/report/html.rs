//! The report as one self-contained HTML page: no network, no external file, and no
//! script but its own (its Content-Security-Policy allows that one by its hash), so
//! participants can open it anywhere. Elo intervals are drawn as bars on one scale, the
//! crosstable as a heatmap; every fault is listed with its message and, when the
//! report's replay pages were written, a link to its match.

use super::results::{
    extra_columns, faults, number, place, points, shown_figures, total_faults, Results,
};
use crate::markup::html as esc;
use crate::tournament::HeadToHead;

const STYLE: &str = "
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 72em; padding: 0 1em; color: #1d1f21; background: #fff; }
h1 { margin-bottom: 0.2em; }
.meta { color: #666; margin-top: 0; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
.wide { overflow-x: auto; max-width: 100%; }
.meta, p { overflow-wrap: anywhere; }
.scale { display: flex; justify-content: space-between; width: 14em; font-weight: normal; color: #666; font-size: 0.85em; }
td.detail { text-align: left; white-space: normal; min-width: 16em; }
a { color: #2e6fb7; }
th, td { padding: 0.3em 0.6em; border-bottom: 1px solid #ddd; text-align: right; white-space: nowrap; }
th { background: #f3f3f3; }
td.name, th.name { text-align: left; }
.bar { position: relative; width: 14em; height: 0.9em; background: #eee; border-radius: 3px; }
.bar .ci { position: absolute; top: 0; bottom: 0; background: #7aa6da; border-radius: 3px; }
.bar .elo { position: absolute; top: -0.15em; bottom: -0.15em; width: 2px; margin-left: -1px; background: #1d1f21; }
#crosstable td { min-width: 3.5em; text-align: center; }
#crosstable td.heat { color: #1d1f21; }
#crosstable th { text-align: center; }
#crosstable td.name { text-align: left; }
#crosstable td.self { background: #f3f3f3; color: #6b6b6b; }
.legend span { display: inline-block; padding: 0 0.6em; color: #1d1f21; }
@media (prefers-color-scheme: dark) {
  body { color: #ddd; background: #1d1f21; }
  th { background: #2a2c2e; } th, td { border-color: #3a3c3e; }
  .bar { background: #3a3c3e; } .bar .elo { background: #fff; }
  #crosstable td.self { background: #2a2c2e; }
  .scale, .meta { color: #9a9a9a; } a { color: #7fb2f0; }
  #crosstable td.self { color: #9a9a9a; }
}
";

/// The page's one script: it changes nothing the reader sees, it measures what a
/// browser test asks (sideways scrolling; text too close to its background in colour).
const SCRIPT: &str = include_str!("page/report_check.js");

/// The replay pages beside a report: their folder (relative to the report) and the
/// matches that have one.
pub struct Pages {
    pub dir: String,
    pub written: std::collections::BTreeSet<usize>,
}

impl Pages {
    /// Match `number`'s page as the report links it, if it has one.
    fn link(&self, number: usize) -> Option<String> {
        self.written.contains(&number).then(|| {
            format!(
                "<a href=\"{}/{}\">#{number}</a>",
                esc(&self.dir),
                super::replay_page::file_name(number)
            )
        })
    }
}

/// The report; `pages`: its replay pages, when they were written.
pub fn render(r: &Results, pages: Option<&Pages>) -> String {
    let e = &r.export;
    let hash = super::replay_page::script_hash(SCRIPT);
    let mut out = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{hash}'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} — results</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1>{}</h1>\n<p class=\"meta\">{}</p>\n",
        esc(&e.tournament),
        esc(&e.tournament),
        r.summary(esc)
    );
    standings(r, &mut out);
    crosstable(r, &mut out);
    fault_table(r, &mut out);
    fault_list(r, pages, &mut out);
    // The match list is there to open the matches: only with their pages.
    if let Some(pages) = pages.filter(|p| !p.written.is_empty()) {
        match_list(r, pages, &mut out);
    }
    void_table(r, &mut out);
    out.push_str(&format!("<script>{SCRIPT}</script>\n</body>\n</html>\n"));
    out
}

fn standings(r: &Results, out: &mut String) {
    let e = &r.export;
    // Every bar on one scale: the lowest interval's low end to the highest's high end.
    let ends: Vec<f64> = e
        .standings
        .iter()
        .flat_map(|row| [row.elo_low, row.elo_high, row.elo])
        .filter(|v| v.is_finite())
        .collect();
    let low = ends.iter().copied().fold(f64::INFINITY, f64::min);
    let high = ends.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let span = if high > low { high - low } else { 1.0 };
    let at = |v: f64| {
        if v.is_finite() {
            ((v - low) / span * 100.0).clamp(0.0, 100.0)
        } else {
            0.0
        }
    };
    out.push_str(
        "<h2>Standings</h2>\n<div class=\"wide\"><table id=\"standings\">\n<thead><tr><th>#</th><th class=\"name\">Bot</th>\
         <th>Points</th><th>Games</th><th>W</th><th>D</th><th>L</th><th>Score</th><th>Elo</th>\
         <th>Low</th><th>High</th>",
    );
    let end = |v: f64| {
        if v.is_finite() {
            crate::report::signed(v)
        } else {
            String::new()
        }
    };
    out.push_str(&format!(
        "<th class=\"name\">95% interval<div class=\"scale\"><span>{}</span><span>{}</span></div></th><th>Faults</th>",
        end(low),
        end(high)
    ));
    let extras = extra_columns(e);
    for c in &extras {
        out.push_str(&format!("<th>{}</th>", c.header));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for (i, row) in e.standings.iter().enumerate() {
        let (left, right, point) = (at(row.elo_low), at(row.elo_high), at(row.elo));
        let cells: String = shown_figures(row)
            .iter()
            .map(|f| format!("<td>{f}</td>"))
            .collect();
        out.push_str(&format!(
            "<tr><td>{}</td><td class=\"name\">{}</td>{cells}\
             <td class=\"name\"><div class=\"bar\"><span class=\"ci\" style=\"left:{left:.2}%;width:{:.2}%\"></span>\
             <span class=\"elo\" style=\"left:{point:.2}%\"></span></div></td><td>{}</td>",
            place(&e.standings, i),
            esc(&row.name),
            (right - left).max(0.5),
            total_faults(row)
        ));
        for c in &extras {
            out.push_str(&format!("<td>{}</td>", (c.value)(row)));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table></div>\n");
    if e.elo_regularised {
        out.push_str("<p>Someone won or lost every game: the Elo fit added virtual draws.</p>\n");
    }
}

/// A cell's colour: red for none of the points, white for half, green for all.
fn heat(score: f64) -> String {
    let s = score.clamp(0.0, 1.0);
    let hue = 120.0 * s;
    let saturation = 20.0 + 120.0 * (s - 0.5).abs();
    format!("hsl({hue:.0},{saturation:.0}%,78%)")
}

fn crosstable(r: &Results, out: &mut String) {
    let e = &r.export;
    out.push_str(
        "<h2>Crosstable</h2>\n<p>Points the row's bot scored against the column's, of games played.</p>\n\
         <div class=\"wide\"><table id=\"crosstable\">\n<thead><tr><th class=\"name\">Bot</th>",
    );
    for col in &e.standings {
        out.push_str(&format!(
            "<th title=\"{}\">{}</th>",
            esc(&col.name),
            col.rank
        ));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &e.standings {
        out.push_str(&format!(
            "<tr><td class=\"name\">{} {}</td>",
            row.rank,
            esc(&row.name)
        ));
        let cells = e.crosstable.get(&row.name);
        for col in &e.standings {
            match cells.and_then(|c| c.get(&col.name)) {
                _ if col.name == row.name => out.push_str("<td class=\"self\">—</td>"),
                Some(h) if h.games > 0 => out.push_str(&format!(
                    "<td class=\"heat\" style=\"background:{}\" title=\"{}\">{}/{}</td>",
                    heat(h.points / f64::from(h.games)),
                    esc(&cell_title(&row.name, &col.name, h)),
                    points(h.points),
                    h.games
                )),
                _ => out.push_str("<td></td>"),
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table></div>\n<p class=\"legend\">");
    for (score, label) in [(0.0, "scored none"), (0.5, "half"), (1.0, "all")] {
        out.push_str(&format!(
            "<span style=\"background:{}\">{label}</span>",
            heat(score)
        ));
    }
    out.push_str("</p>\n");
}

fn cell_title(row: &str, col: &str, h: &HeadToHead) -> String {
    let mut title = format!(
        "{row} against {col}: {} of {} points",
        number(h.points),
        h.games
    );
    if let Some(p) = h.pentanomial {
        title.push_str(&format!("; pairs by points 0 to 2: {p:?}"));
    }
    if let (Some(elo), Some(pm)) = (h.elo, h.elo_pm) {
        title.push_str(&format!("; Elo {elo:+.1} ± {pm:.1}"));
    }
    title
}

/// Matches the game's own code broke, when there are any.
fn void_table(r: &Results, out: &mut String) {
    if r.void.is_empty() {
        return;
    }
    out.push_str("<h2>Void matches</h2>\n<p>The game's own code failed in these matches: they count for no one.</p>\n");
    out.push_str("<table id=\"void\">\n<thead><tr><th>Match</th><th class=\"name\">Bots</th><th class=\"name\">Game error</th></tr></thead>\n<tbody>\n");
    for v in &r.void {
        out.push_str(&format!(
            "<tr><td>#{}</td><td class=\"name\">{}</td><td class=\"name\">{}</td></tr>\n",
            v.number,
            v.names
                .iter()
                .map(|n| esc(n))
                .collect::<Vec<_>>()
                .join(" vs "),
            esc(&v.why)
        ));
    }
    out.push_str("</tbody>\n</table>\n");
}

fn fault_table(r: &Results, out: &mut String) {
    let kinds = r.fault_kinds();
    out.push_str("<h2>Faults</h2>\n");
    if kinds.is_empty() {
        out.push_str("<p>No bot faulted.</p>\n");
        return;
    }
    out.push_str(
        "<div class=\"wide\"><table id=\"faults\">\n<thead><tr><th class=\"name\">Bot</th>",
    );
    for k in &kinds {
        out.push_str(&format!("<th>{}</th>", esc(k.as_str())));
    }
    out.push_str("<th>Total</th></tr></thead>\n<tbody>\n");
    for row in r
        .export
        .standings
        .iter()
        .filter(|row| total_faults(row) > 0)
    {
        out.push_str(&format!("<tr><td class=\"name\">{}</td>", esc(&row.name)));
        for k in &kinds {
            out.push_str(&format!("<td>{}</td>", faults(row, *k)));
        }
        out.push_str(&format!("<td>{}</td></tr>\n", total_faults(row)));
    }
    out.push_str("</tbody>\n</table></div>\n");
}

/// The latest matches, each linked to its page.
fn match_list(r: &Results, pages: &Pages, out: &mut String) {
    if r.latest.is_empty() {
        return;
    }
    out.push_str(&format!(
        "<h2>Latest matches</h2>\n<p class=\"meta\">{} newest first; each opens its replay.</p>\n\
         <div class=\"wide\"><table id=\"matches\">\n<thead><tr><th>Match</th><th class=\"name\">Bots</th>\
         <th class=\"name\">Result</th></tr></thead>\n<tbody>\n",
        match r.latest.len() {
            n if n < r.played => format!("The {n} latest of {},", r.played),
            _ => "Every match,".to_string(),
        }
    ));
    for m in &r.latest {
        let number = pages
            .link(m.number)
            .unwrap_or_else(|| format!("#{}", m.number));
        out.push_str(&format!(
            "<tr><td>{number}</td><td class=\"name\">{}</td><td class=\"name\">{}</td></tr>\n",
            esc(&m.names.join(" vs ")),
            esc(&m.result)
        ));
    }
    out.push_str("</tbody>\n</table></div>\n");
}

/// Every fault with its message, and its match's page when the pages were written.
fn fault_list(r: &Results, pages: Option<&Pages>, out: &mut String) {
    if r.faulted.is_empty() {
        return;
    }
    out.push_str(
        "<div class=\"wide\"><table id=\"fault-list\">\n<thead><tr><th>Match</th><th class=\"name\">Bot</th>\
         <th class=\"name\">Fault</th><th class=\"name\">What happened</th></tr></thead>\n<tbody>\n",
    );
    for f in &r.faulted {
        let number = pages
            .and_then(|p| p.link(f.number))
            .unwrap_or_else(|| format!("#{}", f.number));
        out.push_str(&format!(
            "<tr><td>{number}</td><td class=\"name\">{}</td><td class=\"name\">{}</td><td class=\"detail\">{}</td></tr>\n",
            esc(&f.bot),
            esc(f.kind.as_str()),
            esc(&f.detail)
        ));
    }
    out.push_str("</tbody>\n</table></div>\n");
}
