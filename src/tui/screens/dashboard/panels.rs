//! The dashboard's panels below the standings: points over the run, running matches
//! with the latest results, the run's story once it is over, and the fault feed.

use super::standings::SortKey;
use crate::referee::ordinal;
use crate::tournament::results::Row;
use crate::tui::charts::{self, Series};
use crate::tui::match_view::MatchView;
use crate::tui::run_view::{Run, RunState};
use crate::tui::widgets::{block, clean, count, elo_text, fit, percent, seated};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState};
use ratatui::Frame;

/// The points chart's bots (the first six in `sort` order) and their colours: the
/// seats' six first colours, which every theme must tell apart (its test checks), and
/// which the latest results use for the same bots.
pub(super) fn chart_colours(run: &Run, sort: SortKey) -> Vec<(usize, Color)> {
    let t = run.theme();
    super::standings::order(run, sort)
        .iter()
        .take(6)
        .enumerate()
        .map(|(k, &i)| (run.standings.rows[i].bot, t.seat(k)))
        .collect()
}

/// The leaders' points after each finished match.
pub(super) fn draw_points(run: &Run, sort: SortKey, frame: &mut Frame, area: Rect) {
    let t = run.theme();
    let series: Vec<Series> = chart_colours(run, sort)
        .into_iter()
        .map(|(bot, colour)| Series {
            name: fit(&run.names[bot], 14),
            colour,
            points: charts::thin(
                run.history
                    .points
                    .iter()
                    .map(|(n, p)| (*n as f64, p.get(bot).copied().unwrap_or(0.0)))
                    .collect(),
                area.width as usize * 2,
            ),
        })
        .collect();
    let title = format!(
        " points over the run (top {}) ",
        series.len().min(run.names.len())
    );
    charts::draw(frame, area, block(run, title), &series, None, t);
}

pub(super) fn draw_running(run: &Run, colours: &[(usize, Color)], frame: &mut Frame, area: Rect) {
    let t = run.theme();
    let width = area.width.saturating_sub(2) as usize;
    let names = width.saturating_sub(22) / 2;
    let mut items: Vec<ListItem> = run
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
            ];
            spans.extend(seated(run, &m.seats, 2 * names + 4, " vs "));
            if let Some([a, b]) = m
                .newest()
                .and_then(|f| crate::tui::board::scores(run.game, f))
            {
                spans.push(Span::styled(format!("  {a}:{b}"), Style::new().fg(t.text)));
            }
            ListItem::new(Line::from(spans))
        })
        .collect();
    let running = items.len();
    // The rest of the panel: the latest results, newest first.
    let room = (area.height as usize).saturating_sub(2 + running + 1);
    if room > 0 && run.done() > 0 {
        items.push(ListItem::new(Line::styled(
            "latest results",
            Style::new().fg(t.muted),
        )));
        let finished = run.matches.values().rev().filter(|m| !m.running());
        for m in finished.take(room) {
            items.push(ListItem::new(result_line(run, m, width, colours)));
        }
    }
    let title = format!(" running ({running}) ");
    frame.render_widget(List::new(items).block(block(run, title)), area);
}

/// `#12 greedy beat random (31 steps)`, in the winner's colour on the points chart
/// (`colours`; plain text for a bot the chart leaves out).
fn result_line(
    run: &Run,
    m: &MatchView,
    width: usize,
    colours: &[(usize, Color)],
) -> Line<'static> {
    let t = run.theme();
    let Some(e) = &m.entry else {
        return Line::from("");
    };
    let names = width.saturating_sub(24) / m.seats.len().max(2);
    let fitted: Vec<String> = m.seats.iter().map(|&s| fit(&run.names[s], names)).collect();
    let steps = count(e.frames.saturating_sub(1), "step", "steps");
    let of = |seat: usize| {
        let bot = m.seats.get(seat).copied();
        colours
            .iter()
            .find(|(b, _)| Some(*b) == bot)
            .map_or(t.text, |(_, c)| *c)
    };
    let (text, colour) = match (&fitted[..], e.outcomes[0]) {
        ([a, b], crate::game::Outcome::Win) => (format!("{a} beat {b}"), of(0)),
        ([a, b], crate::game::Outcome::Loss) => (format!("{b} beat {a}"), of(1)),
        ([a, b], crate::game::Outcome::Draw) => (format!("{a} drew {b}"), t.draw),
        // A free-for-all: the places, in the winner's colour.
        _ => {
            let places = crate::referee::seat_places(&e.outcomes, &e.scores);
            let first = places.iter().position(|&p| p == 1).unwrap_or(0);
            (crate::report::placings(e, &fitted), of(first))
        }
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
pub(super) fn draw_story(run: &Run, colours: &[(usize, Color)], frame: &mut Frame, area: Rect) {
    let t = run.theme();
    let rows = &run.standings.rows;
    let state = if run.state == RunState::Stopped {
        "stopped"
    } else {
        "finished"
    };
    let width = area.width.saturating_sub(2) as usize;
    let mut lines = podium(run, width, state == "finished");
    let finished: Vec<_> = run
        .matches
        .values()
        .filter_map(|m| m.entry.as_ref())
        .collect();
    let draws = finished
        .iter()
        .filter(|e| e.outcomes[0] == crate::game::Outcome::Draw)
        .count();
    let secs = run.elapsed.as_secs_f64();
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
            run.total
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
            fit(&run.names[bot], 20)
        ),
        None => "no faults".into(),
    };
    more.push(Line::styled(
        fault_line,
        Style::new().fg(if faults > 0 { t.fault } else { t.muted }),
    ));
    // The longest match, when match lengths differ at all (RPS's are all 999 steps).
    let lengths = finished.iter().map(|e| e.frames);
    let differ = lengths.clone().min() != lengths.max();
    if let Some(e) = finished.iter().max_by_key(|e| e.frames).filter(|_| differ) {
        let names = width.saturating_sub(30) / 2;
        more.push(Line::styled(
            format!(
                "longest: #{} {} vs {} ({})",
                e.id + 1,
                fit(&run.names[e.seats[0]], names),
                fit(&run.names[e.seats[1]], names),
                count(e.frames.saturating_sub(1), "step", "steps")
            ),
            Style::new().fg(t.text),
        ));
    }
    // The podium, then the run, then the keys; third place only if all of that fits
    // (never below the run's lines: the podium reads top down).
    let rows_inside = usize::from(area.height.saturating_sub(2));
    if lines.len() > 2 && lines.len() + more.len() + 1 > rows_inside {
        lines.truncate(2);
    }
    lines.extend(more);
    let keys = if run.feed.is_empty() {
        "3 matches · 4 wall · e export"
    } else {
        "3 matches · 4 wall · → faults · e export"
    };
    lines.push(Line::styled(keys, Style::new().fg(t.muted)));
    let room = (area.height as usize).saturating_sub(lines.len() + 3);
    if room > 0 {
        lines.push(Line::styled("latest results", Style::new().fg(t.muted)));
        let latest = run.matches.values().rev().filter(|m| !m.running());
        lines.extend(
            latest
                .take(room)
                .map(|m| result_line(run, m, width, colours)),
        );
    }
    frame.render_widget(
        ratatui::widgets::Paragraph::new(lines)
            .wrap(ratatui::widgets::Wrap { trim: true })
            .block(block(run, " the run's story ")),
        area,
    );
}

/// The top three's labels: `winner` (`leader` while the run is not finished), `2nd`,
/// `3rd`; bots level on every figure share a place, said as `=1st`.
fn podium_labels(rows: &[Row], finished: bool) -> Vec<String> {
    let top = &rows[..rows.len().min(3)];
    let mut places: Vec<usize> = Vec::with_capacity(top.len());
    for (i, row) in top.iter().enumerate() {
        let place = match i {
            0 => 1,
            _ if top[i - 1].level_with(row) => places[i - 1],
            _ => i + 1,
        };
        places.push(place);
    }
    let shared = |i: usize| {
        let level = |j: usize| rows.get(j).is_some_and(|r| r.level_with(&rows[i]));
        (i > 0 && level(i - 1)) || level(i + 1)
    };
    places
        .iter()
        .enumerate()
        .map(|(i, &place)| match (place, shared(i)) {
            (_, true) => format!("={}", ordinal(place)),
            (1, false) if finished => "winner".into(),
            (1, false) => "leader".into(),
            (_, false) => ordinal(place),
        })
        .collect()
}

/// The top three, each on a line that fits `width` (the Elo is left out when short).
fn podium(run: &Run, width: usize, finished: bool) -> Vec<Line<'static>> {
    let t = run.theme();
    let mut lines = Vec::new();
    let labels = podium_labels(&run.standings.rows, finished);
    for (label, row) in labels.iter().zip(&run.standings.rows) {
        let longest = run.names[row.bot].chars().count().min(16);
        let mut numbers = format!(
            "  {} pts · {}",
            crate::report::points_text(row.points),
            percent(row.score, row.games)
        );
        let elo = format!(" · elo {}", elo_text(row.elo, row.elo_low, row.elo_high));
        if 7 + longest + numbers.chars().count() + elo.chars().count() <= width {
            numbers.push_str(&elo);
        }
        let room = width.saturating_sub(7 + numbers.chars().count()).max(6);
        lines.push(Line::from(vec![
            Span::styled(format!("{label:<7}"), Style::new().fg(t.muted)),
            Span::styled(
                fit(&run.names[row.bot], room),
                Style::new().fg(t.title).add_modifier(Modifier::BOLD),
            ),
            Span::styled(numbers, Style::new().fg(t.text)),
        ]));
    }
    lines
}

/// The fault feed, newest first; `selected` when the arrow keys move in it.
pub(super) fn draw_feed(
    run: &Run,
    (feed, filter): (&[&crate::tui::match_view::FeedItem], Option<&str>),
    selected: Option<usize>,
    frame: &mut Frame,
    area: Rect,
) {
    let t = run.theme();
    let width = usize::from(area.width.saturating_sub(2));
    let items: Vec<ListItem> = feed
        .iter()
        .map(|f| {
            let id = format!("#{:<4}", f.id + 1);
            let room = width.saturating_sub(id.chars().count());
            ListItem::new(Line::from(vec![
                Span::styled(id, Style::new().fg(t.muted)),
                Span::styled(
                    fit(&clean(&f.text), room),
                    Style::new().fg(if f.seat.is_some() { t.fault } else { t.title }),
                ),
            ]))
        })
        .collect();
    let hint = if selected.is_some() {
        "enter: open at the fault"
    } else {
        "→ to select"
    };
    let title = match filter {
        Some(f) => format!(
            " faults with “{}” ({} of {}) · {hint} ",
            clean(f),
            feed.len(),
            run.feed.len()
        ),
        None => format!(" faults ({}) · {hint} ", run.feed.len()),
    };
    let mut state = ListState::default();
    if let Some(selected) = selected.filter(|_| !feed.is_empty()) {
        state.select(Some(selected.min(feed.len() - 1)));
    }
    frame.render_stateful_widget(
        List::new(items)
            .highlight_style(Style::new().bg(t.highlight).add_modifier(Modifier::BOLD))
            .block(block(run, title)),
        area,
        &mut state,
    );
}
