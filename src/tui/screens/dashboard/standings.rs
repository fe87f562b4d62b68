//! The standings table: its columns (a header click sorts) and its order on screen.

use crate::game::Ranking;
use crate::tui::run_view::Run;
use crate::tui::widgets::{block, elo_text, fit, percent};
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Row, Table, TableState};
use ratatui::Frame;

/// How the standings are ordered on screen (the rank column stays the table's own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// Points; by score % while games played differ (see [`Run::live_by_score`]).
    Rank,
    Name,
    Games,
    Score,
    Elo,
    Faults,
}

pub const SORT_KEYS: [SortKey; 6] = [
    SortKey::Rank,
    SortKey::Name,
    SortKey::Games,
    SortKey::Score,
    SortKey::Elo,
    SortKey::Faults,
];

/// [`order`], keeping the bots whose name has `filter` (any case) when there is one.
pub fn shown(run: &Run, sort: SortKey, filter: Option<&str>) -> Vec<usize> {
    let mut rows = order(run, sort);
    if let Some(f) = filter.map(str::to_lowercase) {
        rows.retain(|&i| {
            run.names[run.standings.rows[i].bot]
                .to_lowercase()
                .contains(&f)
        });
    }
    rows
}

/// Indexes into `standings.rows`, in the order the standings are shown.
pub fn order(run: &Run, sort: SortKey) -> Vec<usize> {
    let rows = &run.standings.rows;
    let mut order: Vec<usize> = (0..rows.len()).collect();
    let faults = |i: usize| rows[i].faults.values().sum::<u32>();
    match sort {
        // Payoff per turn is already per game played; points are not.
        SortKey::Rank if run.live_by_score() => order.sort_by(|&a, &b| {
            rows[b]
                .score
                .total_cmp(&rows[a].score)
                .then(rows[a].rank.cmp(&rows[b].rank))
        }),
        SortKey::Rank => {}
        SortKey::Name => order.sort_by(|&a, &b| {
            run.names[rows[a].bot]
                .to_lowercase()
                .cmp(&run.names[rows[b].bot].to_lowercase())
        }),
        SortKey::Games => order.sort_by_key(|&i| std::cmp::Reverse(rows[i].games)),
        SortKey::Score => order.sort_by(|&a, &b| rows[b].score.total_cmp(&rows[a].score)),
        SortKey::Elo => order.sort_by(|&a, &b| rows[b].elo.total_cmp(&rows[a].elo)),
        SortKey::Faults => order.sort_by_key(|&i| std::cmp::Reverse(faults(i))),
    }
    order
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
pub(super) fn table_width(name: u16) -> u16 {
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

/// The table, sorted by `sort`, with row `selected` highlighted if `focused`.
pub fn draw(
    run: &Run,
    (sort, filter): (SortKey, Option<&str>),
    selected: usize,
    focused: bool,
    frame: &mut Frame,
    area: Rect,
) {
    let t = run.theme();
    let widths = column_widths(area.width);
    let name_width = widths[1] as usize;
    let payoff = run.standings.ranking == Ranking::Payoff;
    let free_for_all = run.standings.seats > crate::game::SEATS;
    let header = Row::new(COLUMNS[..8].iter().map(|(name, _, key)| {
        // Ranked by payoff, the points column shows the measure instead; a
        // free-for-all's results are firsts and the mean place.
        let name = if payoff && *name == "pts" {
            &"pay/t"
        } else if free_for_all && *name == "W-D-L" {
            &"1st place"
        } else {
            name
        };
        let sorted = *key == Some(sort) && *name != "pts";
        if sorted {
            Line::styled(format!("{name}▼"), Style::new().fg(t.title))
        } else {
            Line::from(*name)
        }
    }))
    .style(Style::new().fg(t.muted));
    let rows: Vec<Row> = shown(run, sort, filter)
        .into_iter()
        .enumerate()
        .map(|(pos, i)| {
            let r = &run.standings.rows[i];
            let faults: u32 = r.faults.values().sum();
            // In rank order, bots level on every figure share their place (`=1`).
            let tie = crate::tournament::results::ties::shared_place(
                &run.standings.rows,
                i,
                |r| r.rank,
                crate::tournament::results::Row::level_with,
            );
            let place = match tie {
                Some(p) if sort == SortKey::Rank => format!("={p}"),
                // Filtered: the bot's own place, not its row's.
                _ if filter.is_some() && sort == SortKey::Rank => r.rank.to_string(),
                _ => (pos + 1).to_string(),
            };
            Row::new(vec![
                Line::from(place),
                Line::from(fit(&run.names[r.bot], name_width)),
                Line::from(r.games.to_string()),
                Line::from(if payoff {
                    format!("{:.3}", r.payoff_per_turn)
                } else {
                    crate::report::points_text(r.points)
                }),
                if free_for_all {
                    Line::from(vec![
                        Span::styled(
                            r.placed.first().copied().unwrap_or(0).to_string(),
                            Style::new().fg(t.win),
                        ),
                        Span::raw(format!(
                            " {:.2}",
                            r.place_sum as f64 / f64::from(r.games.max(1))
                        )),
                    ])
                } else {
                    Line::from(vec![
                        Span::styled(r.wins.to_string(), Style::new().fg(t.win)),
                        Span::raw("-"),
                        Span::styled(r.draws.to_string(), Style::new().fg(t.draw)),
                        Span::raw("-"),
                        Span::styled(r.losses.to_string(), Style::new().fg(t.loss)),
                    ])
                },
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
    let title = match filter {
        Some(f) => format!(
            " standings · filter “{}” ({}) · esc: all ",
            crate::tui::widgets::clean(f),
            crate::tui::widgets::count(rows_len(run, sort, filter), "bot", "bots")
        ),
        None => standings_title(run, sort),
    };
    let table = Table::new(rows, widths.into_iter().map(Constraint::Length))
        .header(header)
        .row_highlight_style(if focused {
            Style::new().bg(t.highlight).add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        })
        .block(block(run, title));
    let mut state = TableState::default().with_selected(Some(selected));
    frame.render_stateful_widget(table, area, &mut state);
}

/// What the order means: the live ranking is explained while games played differ.
fn standings_title(run: &Run, sort: SortKey) -> String {
    match sort {
        SortKey::Rank if run.standings.ranking == Ranking::Payoff => {
            " standings · by mean payoff per turn (s: sort) ".into()
        }
        SortKey::Rank if run.standings.rows.iter().any(|r| r.stage.is_some()) => {
            " standings · knockout: by round reached, then points (s: sort) ".into()
        }
        SortKey::Rank if run.live_by_score() => {
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

fn rows_len(run: &Run, sort: SortKey, filter: Option<&str>) -> usize {
    shown(run, sort, filter).len()
}
