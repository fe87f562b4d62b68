//! A match's result from the game's end and the seats' faults: two seats win, lose or
//! draw (a fault loses, both faulting draw); more seats are placed by their rewards, a
//! seat that faulted last.

use super::record::{places, MatchResult, SeatFault};
use crate::game::{Game, Outcome, SEATS};

pub(super) fn result(game: &dyn Game, faults: Vec<Option<SeatFault>>) -> MatchResult {
    let faulted: Vec<bool> = faults.iter().map(Option::is_some).collect();
    if faulted.len() > SEATS {
        return placed(game, faults, &faulted);
    }
    if faulted.iter().any(|&f| f) {
        let all = faulted.iter().all(|&f| f);
        let outcomes = faulted
            .iter()
            .map(|&f| match (all, f) {
                (true, _) => Outcome::Draw,
                (false, true) => Outcome::Loss,
                (false, false) => Outcome::Win,
            })
            .collect();
        let reason = fault_words(&faults);
        return MatchResult {
            scores: game.forfeit(&faulted),
            outcomes,
            faults,
            reason,
        };
    }
    let end = game.end().unwrap_or_else(|| crate::game::End {
        scores: vec![0.0; SEATS],
        reason: "the game stopped without a result".into(),
    });
    let outcomes = (0..SEATS)
        .map(|i| Outcome::from_scores(end.scores[i], end.scores[1 - i]))
        .collect();
    MatchResult {
        scores: end.scores.into_iter().map(Some).collect(),
        outcomes,
        faults,
        reason: end.reason,
    }
}

/// The result of a match of more than two seats: each seat's reward (none for a seat
/// that faulted) and, from them, its place (see [`places`]); the sole first wins, a
/// shared first draws, the rest lose.
fn placed(game: &dyn Game, faults: Vec<Option<SeatFault>>, faulted: &[bool]) -> MatchResult {
    let (rewards, reason) = match game.end() {
        Some(end) => (end.scores, end.reason),
        None => (
            vec![0.0; faulted.len()],
            "the game stopped without a result".into(),
        ),
    };
    let scores: Vec<Option<f64>> = rewards
        .iter()
        .zip(faulted)
        .map(|(&r, &f)| (!f).then_some(r))
        .collect();
    let place = places(&scores);
    let firsts = place.iter().filter(|&&p| p == 1).count();
    let outcomes = place
        .iter()
        .map(|&p| match (p, firsts) {
            (1, 1) => Outcome::Win,
            (1, _) => Outcome::Draw,
            _ => Outcome::Loss,
        })
        .collect();
    let reason = match fault_words(&faults) {
        words if words.is_empty() => reason,
        words => format!("{reason}; {words}"),
    };
    MatchResult {
        scores,
        outcomes,
        faults,
        reason,
    }
}

/// The seats' faults in words, "seat 2 faulted (timeout) on move 3: …; …".
fn fault_words(faults: &[Option<SeatFault>]) -> String {
    faults
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            f.as_ref()
                .map(|f| format!("seat {} faulted ({}) {}", i + 1, f.kind, f.detail))
        })
        .collect::<Vec<_>>()
        .join("; ")
}
