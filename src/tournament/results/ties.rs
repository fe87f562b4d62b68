//! Exact ties: bots level on every figure the standings rank by or show, which only
//! their order in the table separates. The TUI and the reports say such a place is
//! shared (`=1st`, `=1`) instead of naming a winner and a runner-up.

use super::export::ExportRow;
use super::standings::Row;

/// The place row `i` shares when it is level (`level`) with a neighbour on every figure —
/// an exact tie, which only the bots' order separates — as the tie's first row's `rank`;
/// `None` when it holds its place alone. Rows are in standings order.
pub fn shared_place<T>(
    rows: &[T],
    i: usize,
    rank: impl Fn(&T) -> usize,
    level: impl Fn(&T, &T) -> bool,
) -> Option<usize> {
    let row = rows.get(i)?;
    let level_at = |j: usize| rows.get(j).is_some_and(|r| level(r, row));
    let tied = (i > 0 && level_at(i - 1)) || level_at(i + 1);
    if !tied {
        return None;
    }
    let mut first = i;
    while first > 0 && level(&rows[first - 1], row) {
        first -= 1;
    }
    Some(rank(&rows[first]))
}

impl Row {
    /// Level with `other` on every figure the standings rank by or show (stage, points,
    /// score, Elo, Sonneborn–Berger, Buchholz, payoff): an exact tie, which only the bot's
    /// index orders. Elo comes from an iterative fit, so it is level within 10⁻⁶.
    pub fn level_with(&self, other: &Row) -> bool {
        self.stage == other.stage
            && self.points == other.points
            && self.score == other.score
            && (self.elo - other.elo).abs() < 1e-6
            && self.sonneborn_berger == other.sonneborn_berger
            && self.buchholz == other.buchholz
            && self.payoff_per_turn == other.payoff_per_turn
    }
}

impl ExportRow {
    /// Level with `other` on every figure the standings rank by or show: an exact tie
    /// (as [`Row::level_with`]).
    pub fn level_with(&self, other: &ExportRow) -> bool {
        self.points == other.points
            && self.score == other.score
            && (self.elo - other.elo).abs() < 1e-6
            && self.sonneborn_berger == other.sonneborn_berger
            && self.buchholz == other.buchholz
            && self.payoff_per_turn == other.payoff_per_turn
            && self.round_reached == other.round_reached
    }
}
