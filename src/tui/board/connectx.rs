//! ConnectX: discs drawn as large as the space allows (block characters, a column gap
//! between discs), the last move marked, the winning line on a `win` background with a
//! bar of the `win` colour through each of its discs (the discs themselves change, so it
//! reads at every size, not only in the gaps between them).

use super::canvas::Canvas;
use crate::game::connectx::BoardFrame;
use crate::referee::Frame;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

/// Cell sizes (columns, lines) from largest to smallest; a disc is one column narrower.
const SIZES: [(usize, usize); 5] = [(10, 5), (8, 4), (6, 3), (4, 2), (2, 1)];

pub fn draw(frame: &Frame, canvas: &Canvas) -> Vec<Line<'static>> {
    let t = canvas.theme;
    let board = BoardFrame::decode(&frame.state);
    let columns = board.columns.max(1);
    let rows = board.board.len() / columns;
    let (cw, ch) = SIZES
        .into_iter()
        .find(|&(w, h)| columns * w <= canvas.width && rows * h < canvas.height)
        .unwrap_or((2, 1));
    let last = last_move(frame, &board);
    let winning = board.winning_cells(rows, canvas.inarow);
    // A board larger than the space (a hostile replay) shows its bottom-left corner.
    let shown_rows = rows.min(canvas.height.saturating_sub(1) / ch).max(1);
    let shown_columns = columns.min(canvas.width / cw).max(1);
    let mut lines = Vec::with_capacity(shown_rows * ch + 1);
    for (r, row) in board.rows().enumerate().skip(rows - shown_rows.min(rows)) {
        for line in 0..ch {
            let mut spans = Vec::with_capacity(shown_columns * 2);
            for (c, &cell) in row.iter().enumerate().take(shown_columns) {
                let won = winning.contains(&(r, c));
                let bg = if won { Some(t.win) } else { None };
                let here = last == Some((r, c));
                spans.extend(cell_spans(cell, here, (cw, ch), line, bg, t));
            }
            lines.push(Line::from(spans));
        }
    }
    // Column numbers (what a bot returns), the last move's column marked.
    let labels: Vec<Span> = (0..shown_columns)
        .map(|c| {
            let text = format!("{:<cw$}", c % 10);
            let marked = last.is_some_and(|(_, lc)| lc == c);
            if marked {
                Span::styled(
                    text,
                    Style::new()
                        .fg(t.title)
                        .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
                )
            } else {
                Span::styled(text, Style::new().fg(t.muted))
            }
        })
        .collect();
    lines.push(Line::from(labels));
    lines
}

/// One line of one cell: a disc's slice, or the empty cell's dot on its middle line.
fn cell_spans(
    cell: u8,
    last: bool,
    (cw, ch): (usize, usize),
    line: usize,
    bg: Option<ratatui::style::Color>,
    t: &crate::tui::theme::Theme,
) -> Vec<Span<'static>> {
    let dw = cw - 1;
    let with_bg = |s: Style| match bg {
        Some(c) => s.bg(c),
        None => s,
    };
    let gap = Span::styled(" ", with_bg(Style::new()));
    if cell == 0 {
        let mid = if line == ch / 2 { "·" } else { " " };
        let text = format!("{mid:^dw$}");
        return vec![Span::styled(text, with_bg(Style::new().fg(t.muted))), gap];
    }
    let colour = t.seat(usize::from(cell == 2));
    let style = with_bg(Style::new().fg(colour));
    if let Some(win) = bg.filter(|_| line == ch / 2) {
        // A winning disc: its middle line is a bar of the win colour across the disc,
        // carried on through the gap so neighbouring winners join into one line.
        let bar = match (ch, last && dw >= 3) {
            (1, _) => "✱".to_string(),
            // The last disc keeps its diamond, on the bar.
            (_, true) => {
                let side = (dw - 1) / 2;
                format!("{}◆{}", "━".repeat(side), "━".repeat(dw - 1 - side))
            }
            _ => "━".repeat(dw),
        };
        let through = Style::new().fg(win).bg(colour).add_modifier(Modifier::BOLD);
        return vec![
            Span::styled(bar, through),
            Span::styled("━", Style::new().fg(colour).bg(win)),
        ];
    }
    let body = if ch == 1 {
        (if last { "◉" } else { "●" }).to_string()
    } else {
        let (l, r) = if line == 0 {
            ("▄", "▄")
        } else if line + 1 == ch {
            ("▀", "▀")
        } else {
            ("█", "█")
        };
        let mut s = format!("{l}{}{r}", "█".repeat(dw.saturating_sub(2)));
        if dw < 2 {
            s = "█".repeat(dw);
        }
        s
    };
    if last && ch > 1 && line == ch / 2 && dw >= 3 {
        // The last disc's middle holds a diamond in the background colour.
        let side = (dw - 1) / 2;
        let other = dw - 1 - side;
        let mark = Style::new().fg(t.background).bg(colour);
        return vec![
            Span::styled("█".repeat(side), style),
            Span::styled("◆", mark),
            Span::styled("█".repeat(other), style),
            gap,
        ];
    }
    vec![Span::styled(body, style), gap]
}

/// The (row, column) of the disc the frame's move dropped: the top disc of the column
/// the move named.
fn last_move(frame: &Frame, board: &BoardFrame) -> Option<(usize, usize)> {
    let column = frame.moves.iter().find_map(|m| m.action.as_u64())? as usize;
    if column >= board.columns {
        return None;
    }
    board
        .rows()
        .position(|row| row.get(column).is_some_and(|&c| c != 0))
        .map(|r| (r, column))
}
