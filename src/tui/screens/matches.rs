//! The matches list: running first, then finished (newest first); filtered by a bot
//! (`f`), a crosstable pair or a search (`/`); enter opens the viewer.

use super::{moved, table_row, Go};
use crate::tui::board::{self, Canvas};
use crate::tui::keymap::Action;
use crate::tui::match_view::{outcome_word, MatchView};
use crate::tui::run_view::{Filter, Run};
use crate::tui::widgets::{block, clean, count, fit, seated};
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;

/// The matches screen's own state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatchList {
    pub selected: usize,
    pub filter: Filter,
}

impl MatchList {
    /// The matches listed, in order (see [`Run::listed`]).
    pub fn listed<'a>(&self, run: &'a Run) -> Vec<&'a MatchView> {
        run.listed(&self.filter)
    }

    pub fn act(&mut self, run: &Run, action: Action) -> Option<Go> {
        match action {
            Action::CycleFilter => {
                // Cycle the bot filter: all → bot 1 → bot 2 → … → all.
                let next = match self.filter.bot {
                    None if !run.names.is_empty() => Some(0),
                    Some(b) if b + 1 < run.names.len() => Some(b + 1),
                    _ => None,
                };
                *self = MatchList::showing(Filter {
                    bot: next,
                    ..Filter::default()
                });
            }
            Action::Back => *self = MatchList::default(),
            Action::Open => return self.open(run, self.selected),
            _ => self.selected = moved(self.selected, self.listed(run).len(), action),
        }
        None
    }

    /// The list from its top, with what `filter` lets through.
    pub fn showing(filter: Filter) -> MatchList {
        MatchList {
            selected: 0,
            filter,
        }
    }

    fn open(&self, run: &Run, row: usize) -> Option<Go> {
        let id = self.listed(run).get(row)?.id;
        Some(Go::OpenMatch { id, fault: None })
    }

    /// A row selects; a click on the selected row opens it.
    pub fn click(&mut self, run: &Run, body: Rect, at: Position) -> Option<Go> {
        let n = self.listed(run).len();
        let list = areas(run, self, body)[0];
        if !list.contains(at) {
            return None;
        }
        let row = table_row(list, at.y, self.selected, n)?;
        if row == self.selected {
            return self.open(run, row);
        }
        self.selected = row;
        None
    }
}

/// Column widths (id, seats, result, fault) in a table `width` wide.
pub fn widths(width: u16) -> [u16; 4] {
    let inner = width.saturating_sub(2 + 3);
    let id = 6;
    let fault = (inner / 5).clamp(10, 28);
    let rest = inner.saturating_sub(id + fault);
    let seats = rest * 11 / 20;
    [id, seats, rest - seats, fault]
}

/// The list (sized to its rows) and the selected match's preview: beside it on a wide
/// terminal, below it on a narrow one.
pub fn areas(run: &Run, me: &MatchList, area: Rect) -> [Rect; 2] {
    if area.width >= 120 {
        return Layout::horizontal([Constraint::Percentage(62), Constraint::Percentage(38)])
            .areas(area);
    }
    let rows = me.listed(run).len() as u16 + 3;
    let list = rows.clamp(4, area.height * 3 / 5);
    Layout::vertical([Constraint::Length(list), Constraint::Min(3)]).areas(area)
}

pub fn draw(run: &Run, me: &MatchList, frame: &mut Frame, area: Rect) {
    let [list, preview] = areas(run, me, area);
    draw_list(run, me, frame, list);
    draw_preview(run, me, frame, preview);
}

/// The selected match's board at its newest frame, and how it ended.
fn draw_preview(run: &Run, me: &MatchList, frame: &mut Frame, area: Rect) {
    let t = run.theme();
    let Some(m) = me.listed(run).get(me.selected).copied() else {
        frame.render_widget(
            Paragraph::new("no match here (esc: all matches)")
                .style(Style::new().fg(t.muted))
                .block(block(run, " preview ")),
            area,
        );
        return;
    };
    let title = format!(
        " #{} {} vs {} · enter: watch ",
        m.id + 1,
        run.names[m.seats[0]],
        run.names[m.seats[1]]
    );
    let outer = block(run, title);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let [summary, board_area] =
        Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(inner);
    let text = match &m.entry {
        Some(e) => clean(&e.reason),
        None => format!(
            "running, {}",
            count(m.count.saturating_sub(1), "step", "steps")
        ),
    };
    let note = if m.record.is_none() && m.entry.is_some() {
        "its frames are on disk: enter reads them back"
    } else {
        ""
    };
    frame.render_widget(
        Paragraph::new(vec![
            Line::styled(text, Style::new().fg(t.text)),
            Line::styled(note, Style::new().fg(t.muted)),
        ])
        .wrap(Wrap { trim: true }),
        summary,
    );
    let canvas = Canvas {
        theme: t,
        width: board_area.width as usize,
        height: board_area.height as usize,
        inarow: 4,
    };
    let lines = board::newest(run.game, m.frames(), m.latest.as_ref(), &canvas);
    frame.render_widget(Paragraph::new(lines), board_area);
}

fn draw_list(run: &Run, me: &MatchList, frame: &mut Frame, area: Rect) {
    let t = run.theme();
    let w = widths(area.width);
    let name = (w[1] as usize).saturating_sub(4) / 2;
    let rows: Vec<Row> = me
        .listed(run)
        .iter()
        .map(|m| {
            let (result, fault) = match &m.entry {
                None => (
                    Line::styled(
                        format!(
                            "running, {}",
                            count(m.count.saturating_sub(1), "step", "steps")
                        ),
                        Style::new().fg(t.title),
                    ),
                    Line::from(""),
                ),
                Some(e) => {
                    let steps = count(e.frames.saturating_sub(1), "step", "steps");
                    // The name gives way, never the result.
                    let room = (w[2] as usize).saturating_sub(steps.len() + 9);
                    let text = match e.outcomes[0] {
                        crate::game::Outcome::Draw => "draw".to_string(),
                        o => format!("{} {}", fit(&run.names[e.seats[0]], room), outcome_word(o)),
                    };
                    let fault = e
                        .faults
                        .iter()
                        .enumerate()
                        .find_map(|(s, f)| {
                            f.as_ref()
                                .map(|f| format!("{} {}", run.names[e.seats[s]], f.kind))
                        })
                        .unwrap_or_default();
                    (
                        Line::from(fit(&format!("{text} · {steps}"), w[2] as usize)),
                        Line::styled(fit(&fault, w[3] as usize), Style::new().fg(t.fault)),
                    )
                }
            };
            Row::new(vec![
                Line::styled(format!("#{}", m.id + 1), Style::new().fg(t.muted)),
                Line::from(seated(run, &m.seats, 2 * name + 4, " vs ")),
                result,
                fault,
            ])
            .style(Style::new().fg(t.text))
        })
        .collect();
    let title = title(run, me, rows.len());
    let table = Table::new(rows, w.map(Constraint::Length))
        .header(Row::new(["id", "seats", "result", "fault"]).style(Style::new().fg(t.muted)))
        .row_highlight_style(Style::new().bg(t.highlight).add_modifier(Modifier::BOLD))
        .block(block(run, title));
    let mut state = TableState::default().with_selected(Some(me.selected));
    frame.render_stateful_widget(table, area, &mut state);
}

fn title(run: &Run, me: &MatchList, n: usize) -> String {
    let f = &me.filter;
    if f.is_empty() {
        return format!(" matches ({n}) · f: by bot · /: search ");
    }
    let what = match (f.bot, f.pair, &f.query) {
        (Some(b), _, _) => format!("of {} (f: next bot)", run.names[b]),
        (_, Some([a, b]), _) => format!("between {} and {}", run.names[a], run.names[b]),
        (_, _, Some(q)) => format!("found by “{}”", clean(q)),
        _ => String::new(),
    };
    format!(" matches {what} ({n}) · esc: all ")
}
