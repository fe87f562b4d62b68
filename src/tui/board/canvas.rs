//! What every board is drawn on.

use crate::tui::theme::Theme;

/// How a board is drawn: the space it fills and what it marks.
pub struct Canvas<'a> {
    pub theme: &'a Theme,
    pub width: usize,
    pub height: usize,
    /// Pieces in a row that win (ConnectX's `inarow`).
    pub inarow: usize,
}
