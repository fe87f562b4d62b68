//! Each game's board, drawn to fill the space it is given: the viewer's board, the live
//! wall's mini-boards and a replay all use these. Input comes from the game's own frame
//! decoders, which read a malformed (hostile) frame as an empty one.

mod canvas;
mod connectx;
mod rounds;
mod tron;

pub use canvas::Canvas;

use crate::game::GameKind;
use crate::referee::Frame;
use ratatui::text::Line;

pub use crate::referee::describe::{scores, Round};

/// Something worth jumping to on the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Fault,
    /// IPD: noise flipped an action.
    Flip,
}

/// Frames with a fault or a marked event, in order.
pub fn marks(game: GameKind, frames: &[Frame]) -> Vec<(usize, Mark)> {
    frames
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            if f.moves.iter().any(|m| m.fault.is_some()) {
                Some((i, Mark::Fault))
            } else if game == GameKind::Ipd && crate::referee::describe::flipped(f) {
                Some((i, Mark::Flip))
            } else {
                None
            }
        })
        .collect()
}

/// The board at frame `at` in at most `width` × `height` cells.
pub fn draw(game: GameKind, frames: &[Frame], at: usize, canvas: &Canvas) -> Vec<Line<'static>> {
    let Some(frame) = frames.get(at) else {
        return vec![];
    };
    match game {
        GameKind::Connectx => connectx::draw(frame, canvas),
        GameKind::Tron => tron::draw(&frame.state, canvas),
        GameKind::Rps | GameKind::Ipd => rounds::draw(game, &frames[..=at], canvas),
        GameKind::Env(_) => crate::game::GameKind::draw(game, &frame.state)
            .into_iter()
            .map(|l| Line::styled(l, ratatui::style::Style::new().fg(canvas.theme.text)))
            .collect(),
    }
}

/// A match's newest board: from all its frames when it has them (RPS and IPD draw their
/// history), else from the one frame a live match last reported; empty before either.
pub fn newest(
    game: GameKind,
    frames: &[Frame],
    latest: Option<&Frame>,
    canvas: &Canvas,
) -> Vec<Line<'static>> {
    match (frames.len(), latest) {
        (n, _) if n > 0 => draw(game, frames, n - 1, canvas),
        (_, Some(frame)) => draw_one(game, frame, canvas),
        _ => vec![],
    }
}

/// A board from one frame only (the live wall's unwatched matches): RPS and IPD show
/// the running totals and the latest round.
pub fn draw_one(game: GameKind, frame: &Frame, canvas: &Canvas) -> Vec<Line<'static>> {
    draw(game, std::slice::from_ref(frame), 0, canvas)
}
