//! The crosstable: points of each bot (row) against each other bot (column). A cell
//! opens that pair's matches; columns that do not fit scroll with the selected one.

use super::{column_at, moved, table_row, Go};
use crate::report::points_text;
use crate::tui::keymap::Action;
use crate::tui::run_view::{Filter, Run};
use crate::tui::widgets::{block, clean, count, fit, seated};
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, TableState};
use ratatui::Frame;

/// The crosstable's own state: the selected cell, in standings order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crosstable {
    pub row: usize,
    pub column: usize,
}

/// The leader against the runner-up: the diagonal (a bot against itself) holds no match.
impl Default for Crosstable {
    fn default() -> Crosstable {
        Crosstable { row: 0, column: 1 }
    }
}

impl Crosstable {
    pub fn act(&mut self, run: &Run, action: Action) -> Option<Go> {
        let n = run.standings.rows.len();
        match action {
            Action::Left => self.column = self.column.saturating_sub(1),
            Action::Right => self.column = (self.column + 1).min(n.saturating_sub(1)),
            Action::Open => return open_cell(run, self.row, self.column),
            // `s` here: settle the selected pair with an SPRT.
            Action::Sort => {
                let rows = &run.standings.rows;
                let (a, b) = (rows.get(self.row)?.bot, rows.get(self.column)?.bot);
                return (a != b).then_some(Go::Sprt([a, b]));
            }
            _ => self.row = moved(self.row, n, action),
        }
        None
    }

    /// A cell selects; a click on the selected cell opens it.
    pub fn click(&mut self, run: &Run, body: Rect, at: Position) -> Option<Go> {
        let body = areas(run, body)[0];
        let n = run.standings.rows.len();
        let row = table_row(body, at.y, self.row, n)?;
        let c = columns(run, self, body.width);
        let mut widths = vec![4, c.name];
        widths.extend(std::iter::repeat_n(c.cell, c.shown));
        let column = column_at(&widths, body.x + 1, at.x).filter(|&c| c >= 2);
        let Some(column) = column else {
            self.row = row;
            return None;
        };
        let column = c.first + column - 2;
        if row == self.row && column == self.column {
            return open_cell(run, row, column);
        }
        self.row = row;
        self.column = column;
        None
    }
}

/// A cell (row, column in standings order): that pair's matches; the diagonal opens
/// the bot.
fn open_cell(run: &Run, row: usize, column: usize) -> Option<Go> {
    let rows = &run.standings.rows;
    let (a, b) = (rows.get(row)?.bot, rows.get(column)?.bot);
    if a == b {
        return Some(Go::OpenBot(a));
    }
    Some(Go::ShowMatches(Filter {
        pair: Some([a, b]),
        ..Filter::default()
    }))
}

/// How the crosstable's columns are laid out in a given width.
pub struct Columns {
    pub name: u16,
    pub cell: u16,
    /// The first bot column shown and how many are shown.
    pub first: usize,
    pub shown: usize,
}

/// Row number, name, cells, points: the cells get what is left after the name's minimum.
pub fn columns(run: &Run, me: &Crosstable, width: u16) -> Columns {
    let n = run.standings.rows.len();
    let widest = run
        .standings
        .cross
        .iter()
        .flatten()
        .map(|(p, g)| format!("{}/{g}", points_text(*p)).len())
        .max()
        .unwrap_or(3)
        .max(3) as u16;
    let cell = widest + 1;
    let longest = run
        .names
        .iter()
        .map(|s| s.chars().count())
        .max()
        .unwrap_or(3) as u16;
    let inner = width.saturating_sub(2 + 4 + 6);
    let fits_with = |name: u16| ((inner.saturating_sub(name + 1)) / (cell + 1)).max(1) as usize;
    let mut name = longest.clamp(6, 32).min(inner.saturating_sub(cell).max(6));
    // Names give way to columns when not every column fits.
    if fits_with(name) < n {
        name = name.min(14);
    }
    let fits = fits_with(name);
    let shown = fits.min(n);
    let first = if me.column >= shown {
        me.column + 1 - shown
    } else {
        0
    };
    Columns {
        name,
        cell,
        first,
        shown,
    }
}

/// The table (sized to its rows) and, below it, the selected pair's matches.
pub fn areas(run: &Run, area: Rect) -> [Rect; 2] {
    let rows = run.standings.rows.len() as u16 + 3;
    let table = rows.min(area.height.saturating_sub(6)).max(area.height / 2);
    let table = if rows < area.height.saturating_sub(6) {
        rows
    } else {
        table
    };
    Layout::vertical([Constraint::Length(table), Constraint::Min(3)]).areas(area)
}

pub fn draw(run: &Run, me: &Crosstable, frame: &mut Frame, area: Rect) {
    let [table, pair] = areas(run, area);
    draw_table(run, me, frame, table);
    draw_pair(run, me, frame, pair);
}

/// The matches of the selected cell's two bots, as the matches screen lists them.
fn draw_pair(run: &Run, me: &Crosstable, frame: &mut Frame, area: Rect) {
    let t = run.theme();
    let rows = &run.standings.rows;
    let (Some(a), Some(b)) = (rows.get(me.row), rows.get(me.column)) else {
        return;
    };
    let (a, b) = (a.bot, b.bot);
    let mut lines = Vec::new();
    if a == b {
        lines.push(Line::styled(
            "a bot against itself: enter opens its page",
            Style::new().fg(t.muted),
        ));
    }
    let pair: Vec<_> = run
        .matches
        .values()
        .rev()
        .filter(|m| a != b && (m.seats == [a, b] || m.seats == [b, a]))
        .collect();
    if a != b && !pair.is_empty() {
        lines.extend(head_to_head(run, a, b, &pair));
    }
    for m in &pair {
        let result = match &m.entry {
            None => format!(
                "running, {}",
                count(m.count.saturating_sub(1), "step", "steps")
            ),
            Some(e) => {
                let winner = match e.outcomes[0] {
                    crate::game::Outcome::Win => format!("{} won", run.names[m.seats[0]]),
                    crate::game::Outcome::Loss => format!("{} won", run.names[m.seats[1]]),
                    crate::game::Outcome::Draw => "draw".into(),
                };
                let fault = if e.faults.iter().any(Option::is_some) {
                    " · fault"
                } else {
                    ""
                };
                format!(
                    "{winner} · {}{fault}",
                    count(e.frames.saturating_sub(1), "step", "steps")
                )
            }
        };
        let mut spans = vec![Span::styled(
            format!("#{:<5}", m.id + 1),
            Style::new().fg(t.muted),
        )];
        spans.extend(seated(run, &m.seats, 24 * m.seats.len(), " vs "));
        spans.push(Span::styled(format!("  {result}"), Style::new().fg(t.text)));
        lines.push(Line::from(spans));
    }
    if a != b && pair.is_empty() {
        lines.push(Line::styled("not played yet", Style::new().fg(t.muted)));
    }
    let title = format!(
        " {} against {}: {} (enter: open the list) ",
        run.names[a],
        run.names[b],
        count(pair.len(), "match", "matches")
    );
    frame.render_widget(Paragraph::new(lines).block(block(run, title)), area);
}

/// The head-to-head in three lines: `a`'s games against `b` over time (oldest first,
/// W D L from `a`'s side), their seat-swapped pairs and the pentanomial Elo with its 95%
/// interval (fastchess's), and the command for an SPRT between them.
fn head_to_head(
    run: &Run,
    a: usize,
    b: usize,
    pair: &[&crate::tui::match_view::MatchView],
) -> Vec<Line<'static>> {
    let t = run.theme();
    let mut games: Vec<Span> = vec![Span::styled(
        format!("{} over time: ", fit(&run.names[a], 20)),
        Style::new().fg(t.muted),
    )];
    let finished: Vec<&crate::tournament::Entry> =
        pair.iter().rev().filter_map(|m| m.entry.as_ref()).collect();
    for e in finished.iter().rev().take(60).rev() {
        let points = crate::tournament::format::plan::points_of(e, a);
        let (letter, colour) = if e.void.is_some() {
            ("·", t.muted)
        } else if points > 0.5 {
            ("W", t.win)
        } else if points < 0.5 {
            ("L", t.loss)
        } else {
            ("D", t.draw)
        };
        games.push(Span::styled(letter, Style::new().fg(colour)));
    }
    let penta =
        crate::tournament::results::export::pentanomials(finished.iter().copied()).remove(&(a, b));
    let pairs = match penta {
        Some(p) => {
            let elo = crate::tournament::format::sprt::elo(&p).map_or_else(
                || "Elo: not yet".to_string(),
                |(e, w)| format!("Elo {e:+.0} ± {w:.0} (95%, pentanomial)"),
            );
            format!(
                "pairs by its points (0 ½ 1 1½ 2): {} {} {} {} {} · {elo}",
                p[0], p[1], p[2], p[3], p[4]
            )
        }
        None => "no seat-swapped pair finished yet".to_string(),
    };
    let files = |i: usize| {
        run.files
            .get(i)
            .map_or_else(|| run.names[i].clone(), |f| clean(f))
    };
    vec![
        Line::from(games),
        Line::styled(pairs, Style::new().fg(t.text)),
        Line::styled(
            format!(
                "settle it (s): cagematch sprt {} {} {}",
                run.game,
                files(a),
                files(b)
            ),
            Style::new().fg(t.muted),
        ),
    ]
}

fn draw_table(run: &Run, me: &Crosstable, frame: &mut Frame, area: Rect) {
    let t = run.theme();
    let order: Vec<usize> = run.standings.rows.iter().map(|r| r.bot).collect();
    let c = columns(run, me, area.width);
    let visible = c.first..(c.first + c.shown).min(order.len());
    let mut header = vec![Line::from(""), Line::from("bot")];
    header.extend(visible.clone().map(|i| {
        let text = format!("#{}", i + 1);
        if i == me.column {
            Line::styled(text, Style::new().fg(t.title).add_modifier(Modifier::BOLD))
        } else {
            Line::from(text)
        }
    }));
    header.push(Line::from("pts"));
    let rows: Vec<Row> = order
        .iter()
        .enumerate()
        .map(|(i, &a)| {
            let mut cells = vec![
                Line::from(format!("#{}", i + 1)),
                Line::from(fit(&run.names[a], c.name as usize)),
            ];
            for j in visible.clone() {
                let b = order[j];
                let (p, g) = run.standings.cross[a][b];
                let mut cell = if a == b {
                    Line::styled("·", Style::new().fg(t.muted))
                } else if g == 0 {
                    Line::styled("-", Style::new().fg(t.muted))
                } else {
                    let colour = if p * 2.0 > g as f64 {
                        t.win
                    } else if p * 2.0 < g as f64 {
                        t.loss
                    } else {
                        t.draw
                    };
                    Line::styled(format!("{}/{g}", points_text(p)), Style::new().fg(colour))
                };
                if i == me.row && j == me.column {
                    cell = cell.patch_style(Style::new().add_modifier(Modifier::REVERSED));
                }
                cells.push(cell);
            }
            cells.push(Line::from(points_text(run.standings.rows[i].points)));
            Row::new(cells).style(Style::new().fg(t.text))
        })
        .collect();
    let mut widths = vec![Constraint::Length(4), Constraint::Length(c.name)];
    widths.extend(visible.clone().map(|_| Constraint::Length(c.cell)));
    widths.push(Constraint::Length(5));
    let more = if c.shown < order.len() {
        format!(
            "columns {}–{} of {} (←→) · ",
            visible.start + 1,
            visible.end,
            order.len()
        )
    } else {
        String::new()
    };
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(Style::new().fg(t.muted)))
        .row_highlight_style(Style::new().bg(t.highlight))
        .block(block(
            run,
            format!(" crosstable: row's points against column · {more}enter: their matches "),
        ));
    let mut state = TableState::default().with_selected(Some(me.row));
    frame.render_stateful_widget(table, area, &mut state);
}
