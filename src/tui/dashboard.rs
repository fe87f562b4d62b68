//! The dashboard: progress and a throughput sparkline, live standings, points over the
//! run, running matches with the latest results, and the fault feed (each line opens its
//! match at the fault). Once the run is over, the run's story takes the running panel.

use super::app::{App, Focus, RunState, SortKey};
use super::charts::{self, Series};
use super::widgets::{block, clean, count, elo_text, fit, percent};
use crate::game::Ranking;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, List, ListItem, ListState, Row, Sparkline, Table, TableState};
use ratatui::Frame;

/// Where the dashboard draws what (shared with the mouse).
pub struct Areas {
    pub progress: Rect,
    pub spark: Rect,
    pub standings: Rect,
    pub chart: Rect,
    pub running: Rect,
    pub feed: Rect,
}

pub fn areas(app: &App, area: Rect) -> Areas {
    let rows = app.standings.rows.len() as u16 + 3;
    let [progress, spark, rest] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(6),
    ])
    .areas(area);
    // No faults: no empty feed box; the running matches (or the story) take its room.
    let feed_rows = if app.feed.is_empty() { 0 } else { 1 };
    if area.width >= 110 {
        let top = rows.max(rest.height / 2).clamp(10, rest.height * 3 / 5);
        let [top_row, bottom] =
            Layout::vertical([Constraint::Length(top), Constraint::Min(4)]).areas(rest);
        // The standings as wide as their longest name needs; the chart takes the rest.
        let longest = app
            .names
            .iter()
            .map(|n| n.chars().count())
            .max()
            .unwrap_or(8);
        let needed = table_width(longest.clamp(8, 32) as u16);
        let [standings, chart] = Layout::horizontal([
            Constraint::Length(needed.clamp(area.width * 2 / 5, area.width * 3 / 5)),
            Constraint::Fill(1),
        ])
        .areas(top_row);
        let [running, feed] = Layout::horizontal([
            Constraint::Percentage(100 - 55 * feed_rows),
            Constraint::Percentage(55 * feed_rows),
        ])
        .areas(bottom);
        return Areas {
            progress,
            spark,
            standings,
            chart,
            running,
            feed,
        };
    }
    let top = rows.min(rest.height / 2).max(4);
    let [standings, middle, feed] = Layout::vertical([
        Constraint::Length(top),
        Constraint::Min(5),
        Constraint::Percentage(30 * feed_rows),
    ])
    .areas(rest);
    // A chart a few lines high says nothing: then the running panel takes the row.
    let chart_share = if middle.height >= 8 { 50 } else { 0 };
    let [chart, running] = Layout::horizontal([
        Constraint::Percentage(chart_share),
        Constraint::Percentage(100 - chart_share),
    ])
    .areas(middle);
    Areas {
        progress,
        spark,
        standings,
        chart,
        running,
        feed,
    }
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let a = areas(app, area);
    draw_progress(app, frame, a.progress);
    draw_spark(app, frame, a.spark);
    draw_standings(app, frame, a.standings);
    if a.chart.width > 0 {
        draw_points(app, frame, a.chart);
    }
    if app.state == RunState::Running || app.running().next().is_some() {
        draw_running(app, frame, a.running);
    } else {
        draw_story(app, frame, a.running);
    }
    draw_feed(app, frame, a.feed);
}

fn draw_progress(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.theme();
    let done = app.done();
    let rate = app.rate();
    let eta = if app.state == RunState::Running && rate > 0.0 {
        let s = (app.total.saturating_sub(done) as f64 / rate).round() as u64;
        format!("ETA {}:{:02}", s / 60, s % 60)
    } else {
        String::new()
    };
    let mut label = format!("{done}/{} matches · {rate:.1}/s {eta}", app.total);
    if let Some(spec) = &app.sprt {
        label.push_str(&sprt_label(app, spec));
    }
    let ratio = if app.total > 0 {
        (done as f64 / app.total as f64).clamp(0.0, 1.0)
    } else {
        0.0
    };
    frame.render_widget(
        Gauge::default()
            .ratio(ratio)
            .label(Span::styled(label, Style::new().fg(t.text)))
            .gauge_style(Style::new().fg(t.gauge).bg(t.highlight)),
        area,
    );
}

/// An SPRT's state for the progress line: LLR against its bounds, pairs, verdict.
fn sprt_label(app: &App, spec: &crate::tournament::format::sprt::SprtSpec) -> String {
    use crate::tournament::format::sprt::{self, Verdict};
    // Drawn every frame: the entries are borrowed, not copied.
    let s = sprt::status(spec, app.matches.values().filter_map(|m| m.entry.as_ref()));
    let (lower, upper) = spec.bounds();
    let verdict = match s.verdict {
        Verdict::Continue => "",
        Verdict::H0 => " · H0 accepted",
        Verdict::H1 => " · H1 accepted",
        Verdict::Inconclusive => " · inconclusive",
    };
    format!(
        " · SPRT LLR {:.2} ({lower:.2}, {upper:.2}) after {}{verdict}",
        s.llr,
        count(s.pairs as usize, "pair", "pairs")
    )
}

/// Matches finished per stretch of the run, one bar per column.
fn draw_spark(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.theme();
    let label = "finished/time ";
    let [name, bars] =
        Layout::horizontal([Constraint::Length(label.len() as u16), Constraint::Min(1)])
            .areas(area);
    frame.render_widget(Line::styled(label, Style::new().fg(t.muted)), name);
    let data = app.history.throughput(bars.width as usize, app.elapsed);
    frame.render_widget(
        Sparkline::default()
            .data(&data)
            .style(Style::new().fg(t.gauge)),
        bars,
    );
}

/// The standings' columns: header, width, and the sort key a click on it picks.
pub const COLUMNS: [(&str, u16, Option<SortKey>); 9] = [
    ("#", 3, Some(SortKey::Rank)),
    ("bot", 0, Some(SortKey::Name)),
    ("games", 5, Some(SortKey::Games)),
    ("pts", 5, Some(SortKey::Rank)),
    ("W-D-L", 9, None),
    ("score", 6, Some(SortKey::Score)),
    ("elo", 9, Some(SortKey::Elo)),
    ("faults", 6, Some(SortKey::Faults)),
    ("", 0, None),
];

/// Columns the table's fixed columns, gaps and borders take.
fn fixed_width() -> u16 {
    COLUMNS.iter().map(|c| c.1).sum::<u16>() + COLUMNS.len() as u16 - 2 + 2
}

/// The width a table with a `name`-wide bot column needs.
fn table_width(name: u16) -> u16 {
    fixed_width() + name
}

/// The column widths in a table `width` wide (the bot column takes what is left).
pub fn column_widths(width: u16) -> Vec<u16> {
    let name = width.saturating_sub(fixed_width()).max(6);
    COLUMNS[..8]
        .iter()
        .map(|c| if c.0 == "bot" { name } else { c.1 })
        .collect()
}

/// The first row the table shows, so the selected one is in view (as ratatui scrolls).
pub fn first_row(selected: usize, visible: usize) -> usize {
    (selected + 1).saturating_sub(visible.max(1))
}

pub fn draw_standings(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.theme();
    let widths = column_widths(area.width);
    let name_width = widths[1] as usize;
    let payoff = app.standings.ranking == Ranking::Payoff;
    let header = Row::new(COLUMNS[..8].iter().map(|(name, _, key)| {
        // Ranked by payoff, the points column shows the measure instead.
        let name = if payoff && *name == "pts" {
            &"pay/t"
        } else {
            name
        };
        let sorted = *key == Some(app.sort) && *name != "pts";
        if sorted {
            Line::styled(format!("{name}▼"), Style::new().fg(t.title))
        } else {
            Line::from(*name)
        }
    }))
    .style(Style::new().fg(t.muted));
    let focused = app.focus == Focus::Standings || app.screen != super::app::Screen::Dashboard;
    let rows: Vec<Row> = app
        .standings_order()
        .into_iter()
        .enumerate()
        .map(|(pos, i)| {
            let r = &app.standings.rows[i];
            let faults: u32 = r.faults.values().sum();
            Row::new(vec![
                Line::from((pos + 1).to_string()),
                Line::from(fit(&app.names[r.bot], name_width)),
                Line::from(r.games.to_string()),
                Line::from(if payoff {
                    format!("{:.3}", r.payoff_per_turn)
                } else {
                    format!("{}", r.points)
                }),
                Line::from(vec![
                    Span::styled(r.wins.to_string(), Style::new().fg(t.win)),
                    Span::raw("-"),
                    Span::styled(r.draws.to_string(), Style::new().fg(t.draw)),
                    Span::raw("-"),
                    Span::styled(r.losses.to_string(), Style::new().fg(t.loss)),
                ]),
                Line::from(percent(r.score, r.games)),
                Line::from(elo_text(r.elo, r.elo_low, r.elo_high)),
                if faults > 0 {
                    Line::styled(faults.to_string(), Style::new().fg(t.fault))
                } else {
                    Line::styled("-", Style::new().fg(t.muted))
                },
            ])
            .style(Style::new().fg(t.text))
        })
        .collect();
    let title = standings_title(app);
    let table = Table::new(rows, widths.into_iter().map(Constraint::Length))
        .header(header)
        .row_highlight_style(if focused {
            Style::new().bg(t.highlight).add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        })
        .block(block(app, title));
    let mut state = TableState::default().with_selected(Some(app.selected));
    frame.render_stateful_widget(table, area, &mut state);
}

/// What the order means: the live ranking is explained while games played differ.
fn standings_title(app: &App) -> String {
    match app.sort {
        SortKey::Rank if app.standings.ranking == Ranking::Payoff => {
            " standings · by mean payoff per turn (s: sort) ".into()
        }
        SortKey::Rank if app.standings.rows.iter().any(|r| r.stage.is_some()) => {
            " standings · knockout: by round reached, then points (s: sort) ".into()
        }
        SortKey::Rank if app.live_by_score() => {
            " standings · by score % while games differ (final: points) ".into()
        }
        SortKey::Rank => " standings · by points (s: sort) ".into(),
        SortKey::Name => " standings · by name (s: sort) ".into(),
        SortKey::Games => " standings · by games played (s: sort) ".into(),
        SortKey::Score => " standings · by score % (s: sort) ".into(),
        SortKey::Elo => " standings · by elo (s: sort) ".into(),
        SortKey::Faults => " standings · by faults (s: sort) ".into(),
    }
}

/// Colours for the points chart's lines, in standings order.
fn palette(app: &App) -> [Color; 6] {
    let t = app.theme();
    [t.seat1, t.seat2, t.win, t.title, t.draw, t.loss]
}

/// The leaders' points after each finished match.
fn draw_points(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.theme();
    let order = app.standings_order();
    let series: Vec<Series> = order
        .iter()
        .take(6)
        .zip(palette(app))
        .map(|(&i, colour)| {
            let bot = app.standings.rows[i].bot;
            Series {
                name: fit(&app.names[bot], 14),
                colour,
                points: charts::thin(
                    app.history
                        .points
                        .iter()
                        .map(|(n, p)| (*n as f64, p.get(bot).copied().unwrap_or(0.0)))
                        .collect(),
                    area.width as usize * 2,
                ),
            }
        })
        .collect();
    let title = format!(
        " points over the run (top {}) ",
        series.len().min(app.names.len())
    );
    charts::draw(frame, area, block(app, title), &series, None, t);
}

fn draw_running(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.theme();
    let width = area.width.saturating_sub(2) as usize;
    let names = width.saturating_sub(22) / 2;
    let mut items: Vec<ListItem> = app
        .running()
        .map(|m| {
            let mut spans = vec![
                Span::styled(format!("#{:<4}", m.id + 1), Style::new().fg(t.muted)),
                Span::styled(
                    format!(
                        "{:>10}  ",
                        count(m.count.saturating_sub(1), "step", "steps")
                    ),
                    Style::new().fg(t.muted),
                ),
                Span::styled(fit(&app.names[m.seats[0]], names), Style::new().fg(t.seat1)),
                Span::styled(" vs ", Style::new().fg(t.muted)),
                Span::styled(fit(&app.names[m.seats[1]], names), Style::new().fg(t.seat2)),
            ];
            if let Some([a, b]) = m.newest().and_then(|f| super::board::scores(app.game, f)) {
                spans.push(Span::styled(format!("  {a}:{b}"), Style::new().fg(t.text)));
            }
            ListItem::new(Line::from(spans))
        })
        .collect();
    let running = items.len();
    // The rest of the panel: the latest results, newest first.
    let room = (area.height as usize).saturating_sub(2 + running + 1);
    if room > 0 && app.done() > 0 {
        items.push(ListItem::new(Line::styled(
            "latest results",
            Style::new().fg(t.muted),
        )));
        let finished = app.matches.values().rev().filter(|m| !m.running());
        for m in finished.take(room) {
            items.push(ListItem::new(result_line(app, m, width)));
        }
    }
    let title = format!(" running ({running}) ");
    frame.render_widget(List::new(items).block(block(app, title)), area);
}

/// `#12 greedy beat random (31 steps)`, in the winner's seat colour.
fn result_line(app: &App, m: &super::app::MatchView, width: usize) -> Line<'static> {
    let t = app.theme();
    let Some(e) = &m.entry else {
        return Line::from("");
    };
    let names = width.saturating_sub(24) / 2;
    let [a, b] = m.seats.map(|s| fit(&app.names[s], names));
    let steps = count(e.frames.saturating_sub(1), "step", "steps");
    let (text, colour) = match e.outcomes[0] {
        crate::game::Outcome::Win => (format!("{a} beat {b}"), t.seat1),
        crate::game::Outcome::Loss => (format!("{b} beat {a}"), t.seat2),
        crate::game::Outcome::Draw => (format!("{a} drew {b}"), t.draw),
    };
    let mut spans = vec![
        Span::styled(format!("#{:<4}", m.id + 1), Style::new().fg(t.muted)),
        Span::styled(text, Style::new().fg(colour)),
        Span::styled(format!(" ({steps})"), Style::new().fg(t.muted)),
    ];
    if e.faults.iter().any(Option::is_some) {
        spans.push(Span::styled(" ✖", Style::new().fg(t.fault)));
    }
    Line::from(spans)
}

/// After the run: who won, how it went, what went wrong, where to look next.
fn draw_story(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.theme();
    let rows = &app.standings.rows;
    let state = if app.state == RunState::Stopped {
        "stopped"
    } else {
        "finished"
    };
    let width = area.width.saturating_sub(2) as usize;
    let mut lines = podium(app, width);
    let finished: Vec<_> = app
        .matches
        .values()
        .filter_map(|m| m.entry.as_ref())
        .collect();
    let draws = finished
        .iter()
        .filter(|e| e.outcomes[0] == crate::game::Outcome::Draw)
        .count();
    let secs = app.elapsed.as_secs_f64();
    // A run folder opened read-only does not know how long it took.
    let took = if secs > 0.0 {
        format!(" · {secs:.1} s")
    } else {
        String::new()
    };
    let mut more = vec![Line::styled(
        format!(
            "{state}: {} of {} matches · {draws} drawn{took}",
            finished.len(),
            app.total
        ),
        Style::new().fg(t.text),
    )];
    let faults: usize = finished
        .iter()
        .map(|e| e.faults.iter().flatten().count())
        .sum();
    let worst = rows
        .iter()
        .map(|r| (r.faults.values().sum::<u32>(), r.bot))
        .max()
        .filter(|(n, _)| *n > 0);
    let fault_line = match worst {
        Some((n, bot)) => format!(
            "{}; most: {} ({n})",
            count(faults, "fault", "faults"),
            fit(&app.names[bot], 20)
        ),
        None => "no faults".into(),
    };
    more.push(Line::styled(
        fault_line,
        Style::new().fg(if faults > 0 { t.fault } else { t.muted }),
    ));
    if let Some(e) = finished.iter().max_by_key(|e| e.frames) {
        let names = width.saturating_sub(30) / 2;
        more.push(Line::styled(
            format!(
                "longest: #{} {} vs {} ({})",
                e.id + 1,
                fit(&app.names[e.seats[0]], names),
                fit(&app.names[e.seats[1]], names),
                count(e.frames.saturating_sub(1), "step", "steps")
            ),
            Style::new().fg(t.text),
        ));
    }
    // The top two, the run, then third place and the keys as room allows.
    let third = (lines.len() > 2).then(|| lines.remove(2));
    lines.extend(more);
    lines.extend(third);
    lines.push(Line::styled(
        "3 matches · 4 wall · → faults · e export",
        Style::new().fg(t.muted),
    ));
    let room = (area.height as usize).saturating_sub(lines.len() + 3);
    if room > 0 {
        lines.push(Line::styled("latest results", Style::new().fg(t.muted)));
        let latest = app.matches.values().rev().filter(|m| !m.running());
        lines.extend(latest.take(room).map(|m| result_line(app, m, width)));
    }
    frame.render_widget(
        ratatui::widgets::Paragraph::new(lines)
            .wrap(ratatui::widgets::Wrap { trim: true })
            .block(block(app, " the run's story ")),
        area,
    );
}

/// The top three, each on a line that fits `width` (the Elo is left out when short).
fn podium(app: &App, width: usize) -> Vec<Line<'static>> {
    let t = app.theme();
    let mut lines = Vec::new();
    for (label, row) in ["winner", "2nd", "3rd"].iter().zip(&app.standings.rows) {
        let longest = app.names[row.bot].chars().count().min(16);
        let mut numbers = format!("  {} pts · {}", row.points, percent(row.score, row.games));
        let elo = format!(" · elo {}", elo_text(row.elo, row.elo_low, row.elo_high));
        if 7 + longest + numbers.chars().count() + elo.chars().count() <= width {
            numbers.push_str(&elo);
        }
        let room = width.saturating_sub(7 + numbers.chars().count()).max(6);
        lines.push(Line::from(vec![
            Span::styled(format!("{label:<7}"), Style::new().fg(t.muted)),
            Span::styled(
                fit(&app.names[row.bot], room),
                Style::new().fg(t.title).add_modifier(Modifier::BOLD),
            ),
            Span::styled(numbers, Style::new().fg(t.text)),
        ]));
    }
    lines
}

fn draw_feed(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.theme();
    let items: Vec<ListItem> = app
        .feed
        .iter()
        .rev()
        .map(|f| {
            ListItem::new(Line::from(vec![
                Span::styled(format!("#{:<4}", f.id + 1), Style::new().fg(t.muted)),
                Span::styled(
                    clean(&f.text),
                    Style::new().fg(if f.seat.is_some() { t.fault } else { t.title }),
                ),
            ]))
        })
        .collect();
    let hint = if app.focus == Focus::Feed {
        "enter: open at the fault"
    } else {
        "→ to select"
    };
    let title = format!(" faults ({}) · {hint} ", app.feed.len());
    let mut state = ListState::default();
    if app.focus == Focus::Feed && !app.feed.is_empty() {
        state.select(Some(app.feed_selected.min(app.feed.len() - 1)));
    }
    frame.render_stateful_widget(
        List::new(items)
            .highlight_style(Style::new().bg(t.highlight).add_modifier(Modifier::BOLD))
            .block(block(app, title)),
        area,
        &mut state,
    );
}
