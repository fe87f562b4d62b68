//! The screens. Each module owns one screen's state, what its keys and clicks do to it,
//! and its drawing (read-only). A screen reads the run ([`Run`]) and its own state,
//! nothing else; what it asks of the rest (open a match, go back) it returns as a
//! [`Go`]. Which key does what is in [`keymap`](super::keymap), not here.

pub mod bot;
pub mod crosstable;
pub mod dashboard;
pub mod matches;
pub mod viewer;
pub mod wall;

use ratatui::layout::Rect;

pub use super::keymap::{Screen, TABS};

/// Rows a page key moves.
pub const PAGE: usize = 10;

use super::keymap::Action;
use super::run_view::{Filter, Run};

/// What a screen's key or click asks of the app, beyond its own state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Go {
    /// The viewer on a match (at a seat's first fault, if given).
    OpenMatch {
        id: usize,
        fault: Option<usize>,
    },
    OpenBot(usize),
    /// The matches screen, listing what the filter lets through.
    ShowMatches(Filter),
    /// Back where the screen was opened from (a replay: quit).
    Back,
    /// Ask for a step number to go to.
    Goto,
    /// A word on the status line.
    Say(String),
    /// An SPRT between these two bots (the crosstable's `s`).
    Sprt([usize; 2]),
}

/// The body's area on the terminal the run was last drawn on.
pub fn body_of(run: &Run) -> Rect {
    super::widgets::body(run.area)
}

/// A list selection moved by a key's action (↑↓, page keys, home/end), kept in `0..n`.
pub fn moved(at: usize, n: usize, action: Action) -> usize {
    let last = n.saturating_sub(1);
    match action {
        Action::Up => at.saturating_sub(1),
        Action::Down => (at + 1).min(last),
        Action::PageUp => at.saturating_sub(PAGE),
        Action::PageDown => (at + PAGE).min(last),
        Action::First => 0,
        Action::Last => last,
        _ => at.min(last),
    }
}

/// The first row a table shows, so the selected one is in view (as ratatui scrolls).
pub fn first_row(selected: usize, visible: usize) -> usize {
    (selected + 1).saturating_sub(visible.max(1))
}

/// Row `y` of a bordered table at `area` with a header line, as an index into its rows
/// (`None` on the border or header), given the selection ratatui scrolled to.
pub fn table_row(area: Rect, y: u16, selected: usize, len: usize) -> Option<usize> {
    let top = area.y + 2;
    let visible = area.height.saturating_sub(3) as usize;
    if y < top || y >= area.bottom().saturating_sub(1) {
        return None;
    }
    let i = first_row(selected, visible) + (y - top) as usize;
    (i < len).then_some(i)
}

/// Which of `widths` (laid out from `x0` with one column between) holds column `x`.
pub fn column_at(widths: &[u16], x0: u16, x: u16) -> Option<usize> {
    let mut left = x0;
    for (i, &w) in widths.iter().enumerate() {
        if x >= left && x < left + w {
            return Some(i);
        }
        left += w + 1;
    }
    None
}

/// The key a wheel turn stands for: rows up and down, frames in the viewer.
pub fn wheel(screen: Screen, up: bool) -> Action {
    match (screen, up) {
        (Screen::Viewer, true) => Action::Left,
        (Screen::Viewer, false) => Action::Right,
        (_, true) => Action::Up,
        (_, false) => Action::Down,
    }
}
