//! The live wall: every running match as a mini-board that updates as it plays (as
//! many as fit), then the newest finished ones; enter opens one, `v` starts TV mode.

use super::Go;
use crate::tui::board::{self, Canvas};
use crate::tui::keymap::Action;
use crate::tui::match_view::MatchView;
use crate::tui::resources;
use crate::tui::run_view::Run;
use crate::tui::widgets::{block, body, count, fit, seated};
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

/// The wall's own state: the selected card, in the wall's order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Wall {
    pub selected: usize,
}

impl Wall {
    /// Arrows move over the cards' grid; enter watches the selected match.
    pub fn act(&mut self, run: &Run, action: Action) -> Option<Go> {
        let last = run.wall_matches().len().saturating_sub(1);
        let across = across(run);
        let at = &mut self.selected;
        match action {
            Action::Left => *at = at.saturating_sub(1),
            Action::Right => *at = (*at + 1).min(last),
            Action::Up => *at = at.saturating_sub(across),
            Action::Down => *at = (*at + across).min(last),
            Action::Open => {
                let id = run.wall_matches().get(*at)?.id;
                return Some(Go::OpenMatch { id, fault: None });
            }
            _ => {}
        }
        None
    }

    /// A card selects; a click on the selected card watches it.
    pub fn click(&mut self, run: &Run, body: Rect, at: Position) -> Option<Go> {
        let cards = cards(run, body);
        let i = cards.iter().position(|r| r.contains(at))?;
        let page = cards.len().max(1);
        let i = (self.selected / page) * page + i;
        let id = run.wall_matches().get(i)?.id;
        if i == self.selected {
            return Some(Go::OpenMatch { id, fault: None });
        }
        self.selected = i;
        None
    }
}

/// A card's size (columns, lines) for this game, border included.
fn card_size(run: &Run) -> (u16, u16) {
    use crate::game::GameKind::*;
    match run.game {
        Connectx => (32, 15),
        Tron => (44, 14),
        Rps | Ipd | Env(_) => (40, 9),
    }
}

/// Cards per row on the current terminal (for ↑↓ on the wall).
pub fn across(run: &Run) -> usize {
    let width = body(run.area).width;
    (width / card_size(run).0).max(1) as usize
}

/// The cards' rectangles in `area`, in the wall's order.
pub fn cards(run: &Run, area: Rect) -> Vec<Rect> {
    let (w, h) = card_size(run);
    let inner = Rect::new(
        area.x,
        area.y + 1,
        area.width,
        area.height.saturating_sub(1),
    );
    let across = (inner.width / w).max(1);
    let down = (inner.height / h).max(1);
    // Cards share the spare room, so the wall fills the screen.
    let w = (inner.width / across).max(w.min(inner.width));
    let h = (inner.height / down).max(h.min(inner.height));
    let mut rects = Vec::new();
    for row in 0..down {
        for col in 0..across {
            let r = Rect::new(inner.x + col * w, inner.y + row * h, w, h);
            if r.right() <= inner.right() && r.bottom() <= inner.bottom() {
                rects.push(r);
            }
        }
    }
    rects
}

pub fn draw(run: &Run, me: &Wall, frame: &mut Frame, area: Rect) {
    let t = run.theme();
    let shown = run.wall_matches();
    let running = run.running().count();
    let rects = cards(run, area);
    let runner = run.resources.runner.map_or(String::new(), |u| {
        format!(" · runner {}", resources::long(&u))
    });
    let head = format!(
        " live wall: {} running, {} shown{runner} · arrows select · enter watch · v TV mode (follows live matches)",
        running,
        shown.len().min(rects.len())
    );
    frame.render_widget(
        Line::styled(fit(&head, area.width as usize), Style::new().fg(t.muted)),
        Rect::new(area.x, area.y, area.width, 1),
    );
    if shown.is_empty() {
        let text = match run.state {
            crate::tui::run_view::RunState::Running => "no match running yet",
            _ => "no match on the wall: the run is over and no finished match is in memory",
        };
        frame.render_widget(
            Paragraph::new(text).block(block(run, " live wall ")),
            Rect::new(
                area.x,
                area.y + 1,
                area.width,
                area.height.saturating_sub(1),
            ),
        );
        return;
    }
    // Keep the selected card on screen.
    let page = rects.len().max(1);
    let first = (me.selected / page) * page;
    for (i, (m, rect)) in shown.iter().skip(first).zip(&rects).enumerate() {
        draw_card(run, frame, *rect, m, first + i == me.selected);
    }
}

fn draw_card(run: &Run, frame: &mut Frame, area: Rect, m: &MatchView, selected: bool) {
    let t = run.theme();
    let border = if selected { t.title } else { t.border };
    let status = match &m.entry {
        None => {
            // Each seat's CPU and memory while it plays, seat 1 first.
            let usage: Vec<String> = (0..m.seats.len())
                .filter_map(|seat| run.resources.seat(m.id, seat).map(resources::short))
                .collect();
            let steps = count(m.count.saturating_sub(1), "step", "steps");
            match usage.is_empty() {
                true => format!("{steps} "),
                false => format!("{steps} · {} ", usage.join(" / ")),
            }
        }
        Some(e) => format!("{} ", fit(&crate::tui::widgets::clean(&e.reason), 24)),
    };
    let status = fit(&status, (area.width as usize).saturating_sub(2));
    let mut spans = vec![Span::styled(
        format!(" #{} ", m.id + 1),
        Style::new().fg(t.muted),
    )];
    spans.extend(seated(
        run,
        &m.seats,
        (area.width as usize).saturating_sub(9),
        " v ",
    ));
    spans.push(Span::raw(" "));
    let title = Line::from(spans);
    let mut card = Block::bordered()
        .title(title)
        .title_bottom(Line::styled(status, Style::new().fg(t.muted)))
        .border_style(Style::new().fg(border));
    if selected {
        card = card.border_style(Style::new().fg(border).add_modifier(Modifier::BOLD));
    }
    let inner = card.inner(area);
    frame.render_widget(card, area);
    let canvas = Canvas {
        theme: t,
        width: inner.width as usize,
        height: inner.height as usize,
        inarow: 4,
    };
    let mut lines = board::newest(run.game, m.frames(), m.latest.as_ref(), &canvas);
    if lines.is_empty() {
        lines.push(Line::styled("starting…", Style::new().fg(t.muted)));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
