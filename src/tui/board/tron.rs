//! Tron: the arena scaled up to fill the space (each cell a block of characters), or two
//! rows per line with half blocks when space is short. Trails are shaded in the seat's
//! colour, heads solid with a mark (◆, or ✖ on the fault colour once crashed).

use super::canvas::Canvas;
use crate::game::tron::ArenaFrame;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use serde_json::Value;

/// Cell sizes (columns, lines), largest first.
const SIZES: [(usize, usize); 3] = [(6, 3), (4, 2), (2, 1)];

/// What fills one cell.
#[derive(Clone, Copy, PartialEq)]
enum Cell {
    Empty,
    Trail(usize),
    Head(usize),
    Crashed(usize),
}

pub fn draw(state: &Value, canvas: &Canvas) -> Vec<Line<'static>> {
    let frame = ArenaFrame::decode(state);
    let rows = frame.rows.len();
    let columns = frame.rows.first().map_or(0, String::len);
    let cell = |x: usize, y: usize| -> Cell {
        for seat in 0..2 {
            if frame.head(seat) == Some((x, y)) {
                return if frame.crashed[seat] {
                    Cell::Crashed(seat)
                } else {
                    Cell::Head(seat)
                };
            }
        }
        frame.trail(x, y).map_or(Cell::Empty, Cell::Trail)
    };
    let size = SIZES
        .into_iter()
        .find(|&(w, h)| columns * w <= canvas.width && rows * h <= canvas.height);
    let t = canvas.theme;
    let Some((cw, ch)) = size else {
        return half_blocks(
            &cell,
            columns.min(canvas.width),
            rows.min(canvas.height * 2),
            t,
        );
    };
    let shown_rows = rows.min(canvas.height / ch);
    let mut lines = Vec::with_capacity(shown_rows * ch);
    for y in 0..shown_rows {
        for line in 0..ch {
            let spans: Vec<Span> = (0..columns)
                .map(|x| scaled(cell(x, y), cw, line == ch / 2, t))
                .collect();
            lines.push(Line::from(spans));
        }
    }
    lines
}

/// One line of a scaled cell; `middle`: the line a head's mark goes on.
fn scaled(cell: Cell, cw: usize, middle: bool, t: &crate::tui::theme::Theme) -> Span<'static> {
    let mark = |glyph: &str, fg: Color, bg: Color| {
        let side = (cw - 1) / 2;
        let text = if middle {
            format!("{}{glyph}{}", " ".repeat(side), " ".repeat(cw - 1 - side))
        } else {
            " ".repeat(cw)
        };
        Span::styled(text, Style::new().fg(fg).bg(bg))
    };
    match cell {
        Cell::Empty => {
            let dot = if middle { "·" } else { " " };
            Span::styled(format!("{dot:<cw$}"), Style::new().fg(t.border))
        }
        Cell::Trail(seat) => Span::styled("▓".repeat(cw), Style::new().fg(t.seat(seat))),
        Cell::Head(seat) => mark("◆", t.background, t.seat(seat)),
        Cell::Crashed(_) => mark("✖", t.text, t.fault),
    }
}

/// Two rows per line: a 20×20 arena in 10 lines. A head takes its whole character: `◆`
/// in its seat's colour (`✖` in the fault colour once crashed), on the colour of the
/// cell it shares the character with, so the two heads differ from each other and from
/// every trail.
fn half_blocks(
    cell: &dyn Fn(usize, usize) -> Cell,
    columns: usize,
    rows: usize,
    t: &crate::tui::theme::Theme,
) -> Vec<Line<'static>> {
    let at = |x: usize, y: usize| if y < rows { cell(x, y) } else { Cell::Empty };
    let colour = |c: Cell| -> Option<Color> {
        match c {
            Cell::Empty => None,
            Cell::Trail(seat) => Some(t.seat(seat)),
            Cell::Head(seat) => Some(t.seat(seat)),
            Cell::Crashed(_) => Some(t.fault),
        }
    };
    let head = |c: Cell| matches!(c, Cell::Head(_) | Cell::Crashed(_));
    let span = |top: Cell, bottom: Cell| -> Span<'static> {
        let (mark, other) = match (head(top), head(bottom)) {
            (true, _) => (Some(top), bottom),
            (_, true) => (Some(bottom), top),
            _ => (None, Cell::Empty),
        };
        if let Some(mark) = mark {
            let glyph = if matches!(mark, Cell::Crashed(_)) {
                "✖"
            } else {
                "◆"
            };
            let mut style = Style::new().fg(colour(mark).unwrap_or(t.text));
            if let Some(bg) = colour(other).filter(|_| !head(other)) {
                style = style.bg(bg);
            }
            return Span::styled(glyph, style);
        }
        match (colour(top), colour(bottom)) {
            (None, None) => Span::styled("·", Style::new().fg(t.border)),
            (Some(top), None) => Span::styled("▀", Style::new().fg(top)),
            (None, Some(bottom)) => Span::styled("▄", Style::new().fg(bottom)),
            (Some(top), Some(bottom)) => Span::styled("▀", Style::new().fg(top).bg(bottom)),
        }
    };
    (0..rows)
        .step_by(2)
        .map(|y| {
            Line::from(
                (0..columns)
                    .map(|x| span(at(x, y), at(x, y + 1)))
                    .collect::<Vec<_>>(),
            )
        })
        .collect()
}
