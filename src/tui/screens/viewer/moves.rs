//! The viewer's moves panel: how the match ended, the current frame's moves in full
//! (action, think time, printed lines, fault, an IPD noise flip), and the moves around
//! it, each frame numbered once (a fault's extra frame is the fault, not a step).

use crate::referee::describe::{action_text, fault_frame, noise_played, short_action};
use crate::referee::Frame as MatchFrame;

pub(super) use crate::referee::describe::step_text;
use crate::tui::match_view::MatchView;
use crate::tui::run_view::Run;
use crate::tui::widgets::{clean, fit};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

/// Where the list of moves sits in the panel: the frame on its first row, how many rows
/// it has, and the panel's line (inside the border) of its first row.
pub(super) struct List {
    pub start: usize,
    pub room: usize,
    pub first_row: usize,
}

/// The panel's lines above the list of moves (how the match ended, the current move in
/// full), and where the list goes, if it has room.
fn head_lines(
    run: &Run,
    m: &MatchView,
    at: usize,
    (width, height): (u16, u16),
) -> (Vec<Line<'static>>, Option<List>) {
    let (width, height) = (width.max(1) as usize, height as usize);
    let frames = m.frames();
    let mut lines = vec![result_line(run, m)];
    lines.extend(
        frames
            .get(at)
            .map(|f| current_move(run, &m.seats, f))
            .unwrap_or_default(),
    );
    // Rows the wrapped lines above take.
    let used: usize = lines.iter().map(|l| l.width().max(1).div_ceil(width)).sum();
    let room = height.saturating_sub(used + 1);
    if room < 2 || frames.len() < 2 {
        return (lines, None);
    }
    let start = at
        .saturating_sub(room / 2)
        .min(frames.len().saturating_sub(room));
    let list = List {
        start,
        room,
        first_row: used + 1,
    };
    (lines, Some(list))
}

/// The frame the moves panel's line `row` (inside its border) lists, if it lists one.
pub(super) fn frame_on_row(
    run: &Run,
    m: &MatchView,
    at: usize,
    inner: (u16, u16),
    row: usize,
) -> Option<usize> {
    let list = head_lines(run, m, at, inner).1?;
    let i = row.checked_sub(list.first_row)?;
    (i < list.room)
        .then_some(list.start + i)
        .filter(|&f| f < m.frames().len())
}

/// How the match ended (or that it is still running), for the moves panel's top.
fn result_line(run: &Run, m: &MatchView) -> Line<'static> {
    let t = run.theme();
    match (&m.entry, m.record.as_ref()) {
        (Some(e), _) => Line::styled(
            format!("result: {}", clean(&e.reason)),
            Style::new().fg(t.title),
        ),
        (None, Some(r)) => Line::styled(
            format!("result: {}", clean(&r.result.reason)),
            Style::new().fg(t.title),
        ),
        _ => Line::styled("running", Style::new().fg(t.muted)),
    }
}

/// The current frame's moves in full, then the moves around it (current reversed).
pub(super) fn move_lines(
    run: &Run,
    m: &MatchView,
    at: usize,
    (width, height): (u16, u16),
) -> Vec<Line<'static>> {
    let t = run.theme();
    let frames = m.frames();
    let (mut lines, list) = head_lines(run, m, at, (width, height));
    let Some(List { start, room, .. }) = list else {
        return lines;
    };
    lines.push(Line::styled("moves", Style::new().fg(t.muted)));
    for (i, f) in frames.iter().enumerate().skip(start).take(room) {
        let number = if fault_frame(frames, i) {
            "fault".to_string()
        } else {
            f.step.to_string()
        };
        let mut spans = vec![Span::styled(
            format!("{number:>5} "),
            Style::new().fg(t.muted),
        )];
        if f.moves.is_empty() {
            spans.push(Span::styled("start", Style::new().fg(t.muted)));
        }
        for mv in &f.moves {
            let seat = mv.seat;
            let mut text = short_action(run.game, &mv.action);
            if let Some(played) = noise_played(run.game, f, seat) {
                text = format!("{text}→{played}~");
            }
            let mut text = format!("{:<10}", fit(&text, 10));
            if mv.fault.is_some() {
                text = format!("{:<10}", "✖ fault");
            }
            let colour = if mv.fault.is_some() {
                t.fault
            } else {
                t.seat(seat)
            };
            spans.push(Span::styled(text, Style::new().fg(colour)));
        }
        let mut line = Line::from(spans);
        if i == at {
            line = line.style(Style::new().bg(t.highlight).add_modifier(Modifier::BOLD));
        }
        lines.push(line);
    }
    lines
}

/// Each seat's move that led to this frame: action, time, printed lines, fault.
fn current_move(run: &Run, seats: &[usize], f: &MatchFrame) -> Vec<Line<'static>> {
    let t = run.theme();
    let mut lines = Vec::new();
    if f.moves.is_empty() {
        lines.push(Line::styled(
            "the start: no move yet",
            Style::new().fg(t.muted),
        ));
    }
    for mv in &f.moves {
        let seat = mv.seat.min(seats.len().saturating_sub(1));
        let mut head = vec![
            Span::styled(
                run.names[seats[seat]].clone(),
                Style::new().fg(t.seat(seat)).add_modifier(Modifier::BOLD),
            ),
            Span::styled(
                format!(" → {}", action_text(run.game, &mv.action)),
                Style::new().fg(t.text),
            ),
        ];
        if let Some(played) = noise_played(run.game, f, seat) {
            head.push(Span::styled(
                format!(", played {played}: noise flipped it"),
                Style::new().fg(t.title).add_modifier(Modifier::BOLD),
            ));
        }
        if let Some(tm) = mv.timing {
            head.push(Span::styled(
                format!(
                    "  think {:.1} ms · overhead {:.2} ms · bank {:.1} s",
                    tm.think_ms, tm.overhead_ms, tm.bank_s
                ),
                Style::new().fg(t.muted),
            ));
        }
        lines.push(Line::from(head));
        if let Some(fault) = &mv.fault {
            lines.push(Line::styled(
                format!("  FAULT {}: {}", fault.kind, clean(&fault.detail)),
                Style::new().fg(t.fault),
            ));
        }
        for log in mv.logs.iter().take(8) {
            lines.push(Line::styled(
                format!("  │ {}", clean(log)),
                Style::new().fg(t.muted),
            ));
        }
        if mv.logs.len() > 8 {
            lines.push(Line::styled(
                format!("  │ … {} more lines", mv.logs.len() - 8),
                Style::new().fg(t.muted),
            ));
        }
    }
    lines
}
