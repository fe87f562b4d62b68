//! The viewer's drawing: the board drawn to fill its space, the moves (the current one in
//! full: action, think time, what the bot printed, faults; then the moves around it),
//! charts of the scores and think times with a cursor at the frame, and a timeline with
//! faults and marked events that the mouse can click and drag. Works the same on a
//! running match, a finished one and a replay file.

use super::moves::{move_lines, step_text};
use super::state::Viewer;
use crate::game::GameKind;
use crate::tui::board::{self, Canvas, Mark};
use crate::tui::charts::{self, Series};
use crate::tui::match_view::MatchView;
use crate::tui::run_view::{Run, RunState};
use crate::tui::theme::Theme;
use crate::tui::widgets::{block, count};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

/// Where the viewer draws what (the mouse maps clicks with the same numbers).
pub struct Areas {
    pub title: Rect,
    pub board: Rect,
    pub moves: Rect,
    pub think: Rect,
    /// RPS and IPD: the scores through the match.
    pub scores: Option<Rect>,
    pub timeline: Rect,
}

/// The side panel's narrowest width.
const SIDE: u16 = 34;

pub fn areas(run: &Run, me: Option<&Viewer>, area: Rect) -> Areas {
    let [title, middle, timeline] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(5),
        Constraint::Length(1),
    ])
    .areas(area);
    if me.is_some_and(|v| v.zoom) {
        // Zoomed: the board alone; the side panels give way.
        let none = Rect::new(middle.x, middle.bottom(), 0, 0);
        return Areas {
            title,
            board: middle,
            moves: none,
            think: none,
            scores: None,
            timeline,
        };
    }
    let rounds = matches!(run.game, GameKind::Rps | GameKind::Ipd);
    if rounds {
        // The history grid across the top, charts and moves below it.
        let grid =
            (board_size(run, me, middle.width, middle.height / 2).1 + 2).min(middle.height / 2);
        let [board, bottom] =
            Layout::vertical([Constraint::Length(grid.max(6)), Constraint::Min(4)]).areas(middle);
        let [scores, side] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(bottom);
        let [moves, think] = split_side(side);
        return Areas {
            title,
            board,
            moves,
            think,
            scores: Some(scores),
            timeline,
        };
    }
    let room = middle.width.saturating_sub(SIDE);
    let (width, _) = board_size(
        run,
        me,
        room.saturating_sub(2),
        middle.height.saturating_sub(2),
    );
    let [board, side] = Layout::horizontal([
        Constraint::Length((width + 2).clamp(12, room.max(12))),
        Constraint::Min(SIDE.min(middle.width / 2)),
    ])
    .areas(middle);
    let [moves, think] = split_side(side);
    Areas {
        title,
        board,
        moves,
        think,
        scores: None,
        timeline,
    }
}

fn split_side(side: Rect) -> [Rect; 2] {
    let chart = if side.height >= 16 {
        side.height * 2 / 5
    } else {
        0
    };
    Layout::vertical([Constraint::Min(4), Constraint::Length(chart)]).areas(side)
}

fn viewed<'a>(run: &'a Run, me: Option<&'a Viewer>) -> Option<(&'a Viewer, &'a MatchView)> {
    let v = me?;
    Some((v, run.matches.get(&v.id)?))
}

/// Pieces in a row that win this match (ConnectX), from its configuration.
fn inarow(m: &MatchView) -> usize {
    m.record
        .as_ref()
        .and_then(|r| r.configuration.get("inarow")?.as_u64())
        .map_or(4, |n| n.min(64) as usize)
}

/// The board's drawn size (columns, lines) in at most `width` × `height`.
fn board_size(run: &Run, me: Option<&Viewer>, width: u16, height: u16) -> (u16, u16) {
    let Some((v, m)) = viewed(run, me) else {
        return (10, 3);
    };
    let frames = m.frames();
    let at = v.frame.min(frames.len().saturating_sub(1));
    let canvas = Canvas {
        theme: run.theme(),
        width: width as usize,
        height: height as usize,
        inarow: inarow(m),
    };
    let lines = board::draw(run.game, frames, at, &canvas);
    let w = lines.iter().map(Line::width).max().unwrap_or(10);
    (w as u16, lines.len() as u16)
}

/// The viewer of `me` (`tv`: in TV mode, following live matches by itself).
pub fn draw(run: &Run, me: Option<&Viewer>, tv: bool, frame: &mut Frame, area: Rect) {
    let t = run.theme();
    let Some((v, m)) = viewed(run, me) else {
        let text = if tv {
            "TV: waiting for a match to start (v: stop)"
        } else {
            "no match selected"
        };
        frame.render_widget(Paragraph::new(text).block(block(run, " viewer ")), area);
        return;
    };
    let frames = m.frames();
    let len = frames.len();
    let at = v.frame.min(len.saturating_sub(1));
    let a = areas(run, me, area);
    frame.render_widget(title_line(run, v, m, at, tv), a.title);

    let canvas = Canvas {
        theme: t,
        width: a.board.width.saturating_sub(2) as usize,
        height: a.board.height.saturating_sub(2) as usize,
        inarow: inarow(m),
    };
    let lines = board::draw(run.game, frames, at, &canvas);
    let title = if v.zoom {
        " board · z: back "
    } else {
        " board "
    };
    frame.render_widget(Paragraph::new(lines).block(block(run, title)), a.board);
    let step = step_text(frames, at);
    let inner = (
        a.moves.width.saturating_sub(2),
        a.moves.height.saturating_sub(2),
    );
    if a.moves.area() > 0 {
        let moves = move_lines(run, m, at, inner);
        frame.render_widget(
            Paragraph::new(moves)
                .wrap(Wrap { trim: false })
                .block(block(run, format!(" step {step} "))),
            a.moves,
        );
    }
    if a.think.height > 0 {
        draw_think(run, frame, a.think, m, at);
    }
    if let Some(scores) = a.scores {
        draw_scores(run, frame, scores, m, at);
    }
    frame.render_widget(
        timeline_line(
            &board::marks(run.game, frames),
            len,
            at,
            a.timeline.width as usize,
            t,
        ),
        a.timeline,
    );
}

fn title_line(run: &Run, v: &Viewer, m: &MatchView, at: usize, tv: bool) -> Line<'static> {
    let t = run.theme();
    let frames = m.frames();
    let last = frames.last().map_or(0, |f| f.step);
    let step = step_text(frames, at);
    let mode = if tv {
        "◉ TV: following live matches (v: stop)".to_string()
    } else if v.playing {
        format!("▶ playing {}/s", count(v.speed as usize, "frame", "frames"))
    } else if v.follow && m.running() {
        "● following live".to_string()
    } else {
        format!(
            "❚❚ paused ({}/s)",
            count(v.speed as usize, "frame", "frames")
        )
    };
    let label = match run.state {
        RunState::Replay => " replay ".to_string(),
        _ => format!(" #{} ", m.id + 1),
    };
    let mut spans = vec![Span::styled(label, Style::new().fg(t.muted))];
    for (seat, &bot) in m.seats.iter().enumerate() {
        if seat > 0 {
            spans.push(Span::styled(" vs ", Style::new().fg(t.muted)));
        }
        spans.push(Span::styled(
            run.names[bot].clone(),
            Style::new().fg(t.seat(seat)).add_modifier(Modifier::BOLD),
        ));
    }
    spans.push(Span::styled(
        format!("  step {step}/{last}  "),
        Style::new().fg(t.text),
    ));
    spans.push(Span::styled(mode, Style::new().fg(t.title)));
    Line::from(spans)
}

/// Think time per seat through the match, the cursor at the current frame.
fn draw_think(run: &Run, frame: &mut Frame, area: Rect, m: &MatchView, at: usize) {
    let t = run.theme();
    let frames = m.frames();
    let mut series: Vec<Series> = (0..m.seats.len())
        .map(|seat| Series {
            name: run.names[m.seats[seat]].clone(),
            colour: t.seat(seat),
            points: Vec::new(),
        })
        .collect();
    for f in frames {
        for mv in &f.moves {
            if let (Some(tm), Some(s)) = (mv.timing, series.get_mut(mv.seat)) {
                s.points.push((f.step as f64, tm.think_ms));
            }
        }
    }
    let width = area.width as usize * 2;
    for s in &mut series {
        s.points = charts::thin(std::mem::take(&mut s.points), width);
    }
    if series.iter().all(|s| s.points.is_empty()) {
        frame.render_widget(
            Paragraph::new("no think times (this replay was written without them)")
                .style(Style::new().fg(t.muted))
                .wrap(Wrap { trim: true })
                .block(block(run, " think time (ms) ")),
            area,
        );
        return;
    }
    let cursor = frames.get(at).map(|f| f.step as f64);
    charts::draw(
        frame,
        area,
        block(run, " think time (ms) "),
        &series,
        cursor,
        t,
    );
}

/// RPS rewards or IPD payoffs through the match.
fn draw_scores(run: &Run, frame: &mut Frame, area: Rect, m: &MatchView, at: usize) {
    let t = run.theme();
    let frames = m.frames();
    let series: Vec<Series> = (0..2)
        .map(|seat| Series {
            name: run.names[m.seats[seat]].clone(),
            colour: t.seat(seat),
            points: charts::thin(
                frames
                    .iter()
                    .filter_map(|f| Some((f.step as f64, board::scores(run.game, f)?[seat])))
                    .collect(),
                area.width as usize * 2,
            ),
        })
        .collect();
    let title = if run.game == GameKind::Rps {
        " rewards through the match "
    } else {
        " payoffs through the match "
    };
    let cursor = frames.get(at).map(|f| f.step as f64);
    charts::draw(frame, area, block(run, title), &series, cursor, t);
}

/// Which cell of a `width`-cell timeline frame `i` of `len` falls on: the first frame
/// on the first cell, the last on the last.
pub fn cell_of(i: usize, len: usize, width: usize) -> usize {
    (i * width.saturating_sub(1) / len.saturating_sub(1).max(1)).min(width.saturating_sub(1))
}

/// The frame a click on cell `x` of a `width`-cell timeline means.
pub fn frame_at(x: usize, len: usize, width: usize) -> usize {
    let last = len.saturating_sub(1);
    let cells = width.saturating_sub(1).max(1);
    ((x.min(cells) * last + cells / 2) / cells).min(last)
}

/// `───●───✖──~─`: faults ✖, marked events ~, the current frame ●.
fn timeline_line(
    marks: &[(usize, Mark)],
    len: usize,
    at: usize,
    width: usize,
    t: &Theme,
) -> Line<'static> {
    let width = width.max(1);
    let mut cells: Vec<(char, Color)> = vec![('─', t.border); width];
    for &(i, mark) in marks {
        let cell = &mut cells[cell_of(i, len, width)];
        match mark {
            Mark::Fault => *cell = ('✖', t.fault),
            Mark::Flip if cell.0 != '✖' => *cell = ('~', t.title),
            Mark::Flip => {}
        }
    }
    cells[cell_of(at, len, width)] = ('●', t.title);
    Line::from(
        cells
            .into_iter()
            .map(|(c, col)| Span::styled(c.to_string(), Style::new().fg(col)))
            .collect::<Vec<_>>(),
    )
}
