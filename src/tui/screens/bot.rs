//! The bot screen: one bot's results and think-time distribution, then a scrollable page
//! of the sandbox layers it got, its matches, its faults with tracebacks, and what it
//! printed across the matches still in memory.

use super::{Go, PAGE};
use crate::cage::{Layers, Supervision};
use crate::tui::keymap::Action;
use crate::tui::match_view::{outcome_word, MatchView};
use crate::tui::run_view::{Filter, Run};
use crate::tui::widgets::{block, clean, count, elo_text, fit, percent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Paragraph, Wrap};
use ratatui::Frame;

/// The bot page's own state: which bot, and how far its page is scrolled.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BotPage {
    pub bot: usize,
    pub scroll: u16,
    /// `/`: only the matches against a bot whose name (or `#number`) has this.
    pub filter: Option<String>,
}

impl BotPage {
    pub fn act(&mut self, run: &Run, action: Action) -> Option<Go> {
        if action == Action::Last {
            self.scroll = last_page(run, self);
            return None;
        }
        let scroll = &mut self.scroll;
        match action {
            Action::Back if self.filter.is_some() => self.filter = None,
            Action::Back => return Some(Go::Back),
            Action::BotMatches => {
                return Some(Go::ShowMatches(Filter {
                    bot: Some(self.bot),
                    ..Filter::default()
                }))
            }
            Action::Up => *scroll = scroll.saturating_sub(1),
            Action::Down => *scroll = scroll.saturating_add(1),
            Action::PageUp => *scroll = scroll.saturating_sub(PAGE as u16),
            Action::PageDown => *scroll = scroll.saturating_add(PAGE as u16),
            Action::First => *scroll = 0,
            _ => {}
        }
        None
    }
}

/// A bundle's files and their sizes (nothing for a one-file bot).
fn bundle_lines(
    run: &Run,
    me: &BotPage,
    head: &dyn Fn(&str) -> Line<'static>,
) -> Vec<Line<'static>> {
    let Some(files) = run.contents.get(me.bot).filter(|f| !f.is_empty()) else {
        return Vec::new();
    };
    let bytes: u64 = files.iter().map(|(_, size)| size).sum();
    let mut lines = vec![head(&format!(
        "bundle ({}, {})",
        count(files.len(), "file", "files"),
        size_text(bytes)
    ))];
    for (path, size) in files {
        lines.push(Line::from(format!(
            "  {:<40} {:>10}",
            clean(path),
            size_text(*size)
        )));
    }
    lines.push(Line::from(""));
    lines
}

/// A file size in words a person reads at a glance.
fn size_text(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / f64::from(1 << 20)),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / f64::from(1 << 10)),
        b => format!("{b} B"),
    }
}

/// The page's height on the screen: the terminal less the header and footer, the
/// results panel and the page's borders.
fn page_rows(run: &Run) -> usize {
    usize::from(run.area.height.saturating_sub(2 + 9 + 2))
}

/// Where End scrolls to: the page's last screenful.
fn last_page(run: &Run, me: &BotPage) -> u16 {
    let lines = page(run, me).len();
    u16::try_from(lines.saturating_sub(page_rows(run).max(1))).unwrap_or(u16::MAX)
}

/// Lines of printed output shown, newest matches first.
const LOG_LINES: usize = 200;

pub fn draw(run: &Run, me: &BotPage, frame: &mut Frame, area: Rect) {
    let now = now_lines(run, me.bot);
    let height = 9 + now.len() as u16;
    let [top, bottom] =
        Layout::vertical([Constraint::Length(height), Constraint::Min(3)]).areas(area);
    let [results, think] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(top);
    draw_results(run, me, frame, results, now);
    draw_think(run, me, frame, think);
    let lines = page(run, me);
    let scroll = me.scroll.min(lines.len().saturating_sub(1) as u16);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(block(
                run,
                " layers · matches · faults · output (↑↓ pgup/pgdn scroll · m: its matches) ",
            )),
        bottom,
    );
}

/// While the bot plays: each running match's CPU and memory.
fn now_lines(run: &Run, bot: usize) -> Vec<Line<'static>> {
    let running = run.running().map(|m| (m.id, &m.seats[..]));
    let style = Style::new().fg(run.theme().title);
    let lines = run.resources.now(running, bot);
    lines.into_iter().map(|l| Line::styled(l, style)).collect()
}

fn draw_results(
    run: &Run,
    me: &BotPage,
    frame: &mut Frame,
    results: Rect,
    now: Vec<Line<'static>>,
) {
    let t = run.theme();
    let bot = me.bot;
    let mut lines = vec![Line::styled(
        run.files[bot].clone(),
        Style::new().fg(t.muted),
    )];
    if let Some(r) = run.standings.rows.iter().find(|r| r.bot == bot) {
        lines.push(Line::from(format!(
            "rank {} · {} points in {}",
            r.rank,
            r.points,
            count(r.games as usize, "game", "games")
        )));
        lines.push(Line::from(format!(
            "won {} · drew {} · lost {}",
            r.wins, r.draws, r.losses
        )));
        lines.push(Line::from(format!("score {}", percent(r.score, r.games))));
        lines.push(Line::from(format!(
            "elo {}",
            elo_text(r.elo, r.elo_low, r.elo_high)
        )));
        lines.push(Line::from(format!(
            "Sonneborn-Berger {:.2}",
            r.sonneborn_berger
        )));
        let faults: Vec<String> = r.faults.iter().map(|(k, n)| format!("{k} {n}")).collect();
        lines.push(Line::styled(
            format!(
                "faults: {}",
                if faults.is_empty() {
                    "none".into()
                } else {
                    faults.join(", ")
                }
            ),
            Style::new().fg(if faults.is_empty() { t.text } else { t.fault }),
        ));
    }
    lines.extend(now);
    frame.render_widget(
        Paragraph::new(lines)
            .style(Style::new().fg(t.text))
            .wrap(Wrap { trim: false })
            .block(block(run, format!(" {} ", run.names[bot]))),
        results,
    );
}

/// Buckets of think time (ms, upper bounds) for the distribution.
const BUCKETS: [(f64, &str); 8] = [
    (0.1, "<.1"),
    (0.3, "<.3"),
    (1.0, "<1"),
    (3.0, "<3"),
    (10.0, "<10"),
    (30.0, "<30"),
    (100.0, "<100"),
    (f64::INFINITY, "100+"),
];

/// How long the bot thought per move, over the matches still in memory.
fn draw_think(run: &Run, me: &BotPage, frame: &mut Frame, area: Rect) {
    let t = run.theme();
    let mut counts = [0u64; BUCKETS.len()];
    let mut moves = 0;
    for m in run.matches.values() {
        let Some(record) = &m.record else { continue };
        for (seat, &b) in m.seats.iter().enumerate() {
            if b != me.bot {
                continue;
            }
            for (_, mv) in record.moves().filter(|(_, mv)| mv.seat == seat) {
                if let Some(tm) = mv.timing {
                    let i = BUCKETS.iter().position(|(top, _)| tm.think_ms < *top);
                    counts[i.unwrap_or(BUCKETS.len() - 1)] += 1;
                    moves += 1;
                }
            }
        }
    }
    let title = format!(
        " think time per move, ms ({}) ",
        count(moves, "move", "moves")
    );
    if moves == 0 {
        frame.render_widget(
            Paragraph::new("no timed moves in memory yet")
                .style(Style::new().fg(t.muted))
                .block(block(run, title)),
            area,
        );
        return;
    }
    let bars: Vec<Bar> = BUCKETS
        .iter()
        .zip(counts)
        .map(|((_, label), n)| {
            Bar::default()
                .value(n)
                .label(Line::from(*label))
                .style(Style::new().fg(t.gauge))
                .value_style(Style::new().fg(t.text).bg(t.gauge))
        })
        .collect();
    let inner = area.width.saturating_sub(2);
    let width = (inner / BUCKETS.len() as u16).saturating_sub(1).max(1);
    frame.render_widget(
        BarChart::default()
            .data(BarGroup::default().bars(&bars))
            .bar_width(width)
            .bar_gap(1)
            .label_style(Style::new().fg(t.muted))
            .block(block(run, title)),
        area,
    );
}

/// The scrollable page: layers, matches, faults, output.
fn page(run: &Run, me: &BotPage) -> Vec<Line<'static>> {
    let t = run.theme();
    let head = |s: &str| {
        Line::styled(
            s.to_string(),
            Style::new().fg(t.title).add_modifier(Modifier::BOLD),
        )
    };
    let mut lines = vec![head("sandbox layers")];
    match layers(run, me) {
        Some((l, supervision)) => {
            let mut text = l.lines();
            text.extend(supervision.iter().flat_map(Supervision::lines));
            lines.extend(
                text.into_iter()
                    .map(|s| Line::from(format!("  {}", clean(&s)))),
            );
            if !l.complete() {
                lines.push(Line::styled(
                    "  WARNING: some layers are missing",
                    Style::new().fg(t.fault),
                ));
            }
        }
        None => lines.push(Line::styled(
            "  no finished match yet",
            Style::new().fg(t.muted),
        )),
    }
    lines.push(Line::from(""));
    lines.extend(bundle_lines(run, me, &head));
    let mine: Vec<_> = run
        .matches
        .values()
        .rev()
        .filter(|m| m.seats.contains(&me.bot))
        .filter(|m| {
            me.filter
                .as_deref()
                .is_none_or(|f| against(run, me.bot, m, f))
        })
        .collect();
    let filtered = match &me.filter {
        Some(f) => format!(" against “{}” (esc: all)", crate::tui::widgets::clean(f)),
        None => String::new(),
    };
    lines.push(head(&format!("matches{filtered} ({})", mine.len())));
    lines.extend(match_lines(run, me, &mine));
    lines.push(Line::from(""));
    lines.extend(faults(run, me));
    lines.push(Line::from(""));
    lines.extend(output(run, me));
    lines
}

/// Whether match `m` of `bot`'s is against a bot whose name has `query` (any case), or
/// is match `#query`.
fn against(run: &Run, bot: usize, m: &MatchView, query: &str) -> bool {
    let q = query.to_lowercase();
    if let Some(n) = q.strip_prefix('#') {
        return n.parse::<usize>().is_ok_and(|n| n == m.id + 1);
    }
    m.seats.iter().filter(|&&b| b != bot).any(|&b| {
        run.names
            .get(b)
            .is_some_and(|n| n.to_lowercase().contains(&q))
    })
}

/// One row per match of the bot's, newest first, columns aligned: its number, the seat
/// it sat in and whom it met, then how it went.
fn match_lines(run: &Run, me: &BotPage, mine: &[&MatchView]) -> Vec<Line<'static>> {
    let t = run.theme();
    // The others at each table: one opponent, or a free-for-all's several; padded to
    // one width so the results line up.
    let others: Vec<String> = mine
        .iter()
        .map(|m| {
            let seat = m.seats.iter().position(|&b| b == me.bot).unwrap_or(0);
            m.seats
                .iter()
                .enumerate()
                .filter(|&(s, _)| s != seat)
                .map(|(_, &b)| run.names.get(b).map_or("?", |n| n.as_str()))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect();
    let width = others
        .iter()
        .map(|o| o.chars().count())
        .max()
        .unwrap_or(0)
        .min(40);
    let mut lines = Vec::new();
    for (m, other) in mine.iter().zip(&others) {
        let seat = m.seats.iter().position(|&b| b == me.bot).unwrap_or(0);
        let (text, colour) = match &m.entry {
            None => (
                format!(
                    "running, {}",
                    count(m.count.saturating_sub(1), "step", "steps")
                ),
                t.title,
            ),
            Some(e) => {
                let o = e.outcomes[seat];
                let colour = match o {
                    crate::game::Outcome::Win => t.win,
                    crate::game::Outcome::Loss => t.loss,
                    crate::game::Outcome::Draw => t.draw,
                };
                let fault = e.faults[seat]
                    .as_ref()
                    .map(|f| format!(" · {}", f.kind))
                    .unwrap_or_default();
                // Two seats: won, lost, drew; more: the place.
                let result = if e.seats.len() > crate::game::SEATS {
                    let places = crate::referee::seat_places(&e.outcomes, &e.scores);
                    crate::referee::ordinal(places.get(seat).copied().unwrap_or(0))
                } else {
                    outcome_word(o).to_string()
                };
                (
                    format!(
                        "{result} · {}{fault}",
                        count(e.frames.saturating_sub(1), "step", "steps")
                    ),
                    colour,
                )
            }
        };
        lines.push(Line::from(vec![
            Span::styled(format!("  #{:<5}", m.id + 1), Style::new().fg(t.muted)),
            Span::styled(
                format!(
                    "seat {} vs {:<width$}  ",
                    seat + 1,
                    fit(&clean(other), width)
                ),
                Style::new().fg(t.text),
            ),
            Span::styled(text, Style::new().fg(colour)),
        ]));
    }
    lines
}

/// The layers of the newest finished match whose record is in memory.
fn layers(run: &Run, me: &BotPage) -> Option<(Layers, Option<Supervision>)> {
    run.matches.values().rev().find_map(|m| {
        let record = m.record.as_ref()?;
        let seat = m.seats.iter().position(|&b| b == me.bot)?;
        let s = &record.bots[seat];
        Some((s.layers.clone()?, s.supervision.clone()))
    })
}

/// Faults from the journal entries (always kept); tracebacks from the records still in
/// memory (the newest matches).
fn faults(run: &Run, me: &BotPage) -> Vec<Line<'static>> {
    let t = run.theme();
    let mut lines = Vec::new();
    let mut n = 0;
    for m in run.matches.values().rev() {
        let Some(entry) = &m.entry else { continue };
        for (seat, &b) in m.seats.iter().enumerate() {
            let Some(f) = entry.faults[seat].as_ref().filter(|_| b == me.bot) else {
                continue;
            };
            n += 1;
            lines.push(Line::styled(
                format!("  match #{}: {} — {}", m.id + 1, f.kind, clean(&f.detail)),
                Style::new().fg(t.fault),
            ));
            let traceback = m
                .record
                .as_ref()
                .and_then(|r| r.result.faults[seat].as_ref())
                .and_then(|f| f.traceback.clone());
            for l in traceback.iter().flat_map(|tb| tb.lines()) {
                lines.push(Line::styled(
                    format!("    {}", clean(l)),
                    Style::new().fg(t.muted),
                ));
            }
        }
    }
    if n == 0 {
        lines.push(Line::styled("  no faults", Style::new().fg(t.muted)));
    }
    lines.insert(
        0,
        Line::styled(
            format!("faults ({n})"),
            Style::new().fg(t.title).add_modifier(Modifier::BOLD),
        ),
    );
    lines
}

/// What the bot printed, newest matches first, across the records in memory.
fn output(run: &Run, me: &BotPage) -> Vec<Line<'static>> {
    let t = run.theme();
    let mut lines = vec![Line::styled(
        "output (newest matches first)",
        Style::new().fg(t.title).add_modifier(Modifier::BOLD),
    )];
    let mut shown = 0;
    'matches: for m in run.matches.values().rev() {
        let Some(record) = &m.record else { continue };
        let Some(seat) = m.seats.iter().position(|&b| b == me.bot) else {
            continue;
        };
        for (step, mv) in record.moves().filter(|(_, mv)| mv.seat == seat) {
            for log in &mv.logs {
                if shown == LOG_LINES {
                    lines.push(Line::styled(
                        format!("  … more in the replays (first {LOG_LINES} lines shown)"),
                        Style::new().fg(t.muted),
                    ));
                    break 'matches;
                }
                lines.push(Line::from(vec![
                    Span::styled(
                        format!("  #{} step {step}: ", m.id + 1),
                        Style::new().fg(t.muted),
                    ),
                    Span::styled(clean(log), Style::new().fg(t.text)),
                ]));
                shown += 1;
            }
        }
    }
    if shown == 0 {
        lines.push(Line::styled("  nothing printed", Style::new().fg(t.muted)));
    }
    lines
}
