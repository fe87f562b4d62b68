//! Pieces every screen draws with: the themed block, text made safe for the terminal,
//! a rating as text. Screens and `ui.rs` import these; nothing here imports a screen.

use super::run_view::Run;
use crate::cage::sanitize;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;

/// Text from a bot or a file, safe for the terminal: control characters, escapes and
/// bidi overrides are shown as `\x..`, tabs as spaces.
pub fn clean(text: &str) -> String {
    sanitize(text.as_bytes()).replace('\t', " ")
}

pub fn block<'a>(run: &Run, title: impl Into<Line<'a>>) -> Block<'a> {
    Block::bordered()
        .title(title)
        .border_style(Style::new().fg(run.theme().border))
        .title_style(Style::new().fg(run.theme().title))
}

/// `+123 ±45`, or `—` when a bot has no rating yet.
pub fn elo_text(elo: f64, low: f64, high: f64) -> String {
    if !low.is_finite() || !high.is_finite() {
        "—".into()
    } else {
        // Rounded first, then `+ 0.0`: a rating of -0.3 reads `+0`, never `-0`.
        format!("{:+.0} ±{:.0}", elo.round() + 0.0, (high - low) / 2.0)
    }
}

/// "1 match", "2 matches".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Text cut to `width` columns, with `…` when something was cut.
pub fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A match's bots, seat 1 first, each in its seat's colour, cut to share `width`
/// columns, joined by `between` (" vs "): two seats or eight.
pub fn seated(run: &Run, seats: &[usize], width: usize, between: &str) -> Vec<Span<'static>> {
    let t = run.theme();
    let n = seats.len().max(1);
    let room = width.saturating_sub(between.chars().count() * (n - 1)) / n;
    let mut spans = Vec::with_capacity(2 * n);
    for (seat, &bot) in seats.iter().enumerate() {
        if seat > 0 {
            spans.push(Span::styled(between.to_string(), Style::new().fg(t.muted)));
        }
        let name = run.names.get(bot).map_or("?", |n| n.as_str());
        spans.push(Span::styled(
            fit(name, room.max(1)),
            Style::new().fg(t.seat(seat)),
        ));
    }
    spans
}

/// A score as a percentage, or `—` for a bot with no games.
pub fn percent(score: f64, games: u32) -> String {
    if games == 0 {
        "—".into()
    } else {
        format!("{:.1}%", score * 100.0)
    }
}

/// The header, body and footer of a terminal area.
pub fn regions(area: Rect) -> [Rect; 3] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area)
}

pub fn body(area: Rect) -> Rect {
    regions(area)[1]
}
