//! Sequential probability ratio test for a head-to-head: games are played in
//! seat-swapped pairs (one seed, seats swapped) until the log-likelihood ratio of
//! "bot A is `elo1` stronger" against "`elo0` stronger" leaves its bounds.
//!
//! The statistics are the generalised SPRT under the pentanomial model, as fastchess
//! and fishtest use them for paired games: each pair scores 0, ¼, ½, ¾ or 1 for A (its
//! points over the two games, halved), so the correlation inside a pair (the same seed
//! twice) is part of the model. With the empirical pair distribution p̂, the maximum
//! likelihood distribution with mean s is `p_i = p̂_i / (1 + θ (a_i − s))` for the θ that
//! solves `Σ p̂_i (a_i − s) / (1 + θ (a_i − s)) = 0` (M. Van den Bergh, "Comments on
//! Normalized Elo", proposition 1.1), and `LLR = N Σ p̂_i ln(p1_i / p0_i)` for the
//! logistic scores `s = 1 / (1 + 10^(−elo/400))` of `elo0` and `elo1`. Empty cells are
//! regularised to 1e-3 games and fishtest's convention of pooling WL with DD (both a
//! half point) is kept. Bounds: `ln(β / (1 − α))` and `ln((1 − β) / α)` (Wald).

use super::plan::{pairing_games, points_of, Plan};
use crate::tournament::journal::record::Entry;
use crate::tournament::schedule::Scheduled;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The test's hypotheses and error rates (`cagematch sprt`, or `format: sprt`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SprtSpec {
    pub elo0: f64,
    pub elo1: f64,
    pub alpha: f64,
    pub beta: f64,
    /// Pairs played at most; reached without a decision, the test is inconclusive.
    pub max_pairs: u32,
}

impl SprtSpec {
    pub fn check(&self) -> Result<(), String> {
        let unit = |x: f64| x > 0.0 && x < 0.5;
        if !(self.elo0.is_finite() && self.elo1.is_finite() && self.elo0 < self.elo1) {
            return Err("elo0 must be below elo1".into());
        }
        if self.elo0.abs() > 1000.0 || self.elo1.abs() > 1000.0 {
            return Err("elo0 and elo1 must be within ±1000".into());
        }
        if !unit(self.alpha) || !unit(self.beta) {
            return Err("alpha and beta must be between 0 and 0.5".into());
        }
        if !(1..=1_000_000).contains(&self.max_pairs) {
            return Err("max_pairs must be between 1 and 1000000".into());
        }
        Ok(())
    }

    /// (lower, upper) bounds on the LLR.
    pub fn bounds(&self) -> (f64, f64) {
        (
            (self.beta / (1.0 - self.alpha)).ln(),
            ((1.0 - self.beta) / self.alpha).ln(),
        )
    }
}

/// Pairs by A's points over the two games: [0, ½, 1, 1½, 2] (LL, LD, WL+DD, WD, WW).
pub type Pentanomial = [u32; 5];

/// The scores of the five pair outcomes, halved to 0..1.
const SCORES: [f64; 5] = [0.0, 0.25, 0.5, 0.75, 1.0];

/// The expected score of a bot `elo` stronger (logistic Elo).
pub fn score_of_elo(elo: f64) -> f64 {
    1.0 / (1.0 + 10f64.powf(-elo / 400.0))
}

/// The Elo of an expected score.
pub fn elo_of_score(score: f64) -> f64 {
    let s = score.clamp(1e-9, 1.0 - 1e-9);
    -400.0 * (1.0 / s - 1.0).log10()
}

/// The empirical distribution (regularised) and the number of pairs.
fn distribution(penta: &Pentanomial) -> ([f64; 5], f64) {
    let counts = penta.map(|n| if n == 0 { 1e-3 } else { f64::from(n) });
    let total: f64 = counts.iter().sum();
    (counts.map(|c| c / total), total)
}

/// The maximum likelihood distribution with mean `s` near `p` (see the module doc):
/// θ by bisection on an equation that is decreasing in θ on its domain.
fn mle(p: &[f64; 5], s: f64) -> [f64; 5] {
    let f = |theta: f64| -> f64 {
        SCORES
            .iter()
            .zip(p)
            .map(|(a, pi)| pi * (a - s) / (1.0 + theta * (a - s)))
            .sum()
    };
    // 1 + θ(a − s) > 0 for every a in [0, 1]: θ in (−1/(1 − s), 1/s).
    let (mut lo, mut hi) = (-1.0 / (1.0 - s) + 1e-12, 1.0 / s - 1e-12);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if f(mid) > 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let theta = 0.5 * (lo + hi);
    std::array::from_fn(|i| p[i] / (1.0 + theta * (SCORES[i] - s)))
}

/// The log-likelihood ratio of `elo1` against `elo0` after these pairs.
pub fn llr(penta: &Pentanomial, elo0: f64, elo1: f64) -> f64 {
    if penta.iter().all(|&n| n == 0) {
        return 0.0;
    }
    let (p, total) = distribution(penta);
    let p0 = mle(&p, score_of_elo(elo0));
    let p1 = mle(&p, score_of_elo(elo1));
    total * (0..5).map(|i| p[i] * (p1[i] / p0[i]).ln()).sum::<f64>()
}

/// A's Elo from the pairs, and half the width of its 95% interval (the pair scores'
/// mean and standard error, mapped through the logistic curve), as fastchess reports
/// "Elo ± (pentanomial)".
pub fn elo(penta: &Pentanomial) -> Option<(f64, f64)> {
    let n: u32 = penta.iter().sum();
    if n == 0 {
        return None;
    }
    let total = f64::from(n);
    let p = penta.map(|c| f64::from(c) / total);
    let mean: f64 = (0..5).map(|i| p[i] * SCORES[i]).sum();
    let var: f64 = (0..5).map(|i| p[i] * (SCORES[i] - mean).powi(2)).sum();
    // A bot that scored every point (or none) has no finite Elo.
    if mean <= 0.0 || mean >= 1.0 {
        return None;
    }
    let se = (var / total).sqrt();
    let (low, high) = (
        elo_of_score(mean - 1.959_964 * se),
        elo_of_score(mean + 1.959_964 * se),
    );
    Some((elo_of_score(mean), (high - low) / 2.0))
}

/// What the test says now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Keep playing.
    Continue,
    /// A is not `elo1` stronger: H0 accepted.
    H0,
    /// A is at least `elo1` stronger… as far as the test can tell: H1 accepted.
    H1,
    /// `max_pairs` played without a decision.
    Inconclusive,
}

/// The test after `penta` pairs.
pub fn verdict(spec: &SprtSpec, penta: &Pentanomial) -> (f64, Verdict) {
    let l = llr(penta, spec.elo0, spec.elo1);
    let (lower, upper) = spec.bounds();
    let pairs: u32 = penta.iter().sum();
    let v = if l >= upper {
        Verdict::H1
    } else if l <= lower {
        Verdict::H0
    } else if pairs >= spec.max_pairs {
        Verdict::Inconclusive
    } else {
        Verdict::Continue
    };
    (l, v)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The classic normal approximation of the GSPRT (fishtest's `LLR_logistic`
    /// before it became exact): N (s1 − s0)(2ŝ − s0 − s1) / (2σ̂²), σ̂² per pair.
    fn approximate(penta: &Pentanomial, elo0: f64, elo1: f64) -> f64 {
        let (p, n) = distribution(penta);
        let mean: f64 = (0..5).map(|i| p[i] * SCORES[i]).sum();
        let var: f64 = (0..5).map(|i| p[i] * (SCORES[i] - mean).powi(2)).sum();
        let (s0, s1) = (score_of_elo(elo0), score_of_elo(elo1));
        n * (s1 - s0) * (2.0 * mean - s0 - s1) / (2.0 * var)
    }

    #[test]
    fn bounds_are_walds() {
        let spec = SprtSpec {
            elo0: 0.0,
            elo1: 5.0,
            alpha: 0.05,
            beta: 0.05,
            max_pairs: 1000,
        };
        let (lo, hi) = spec.bounds();
        // fastchess prints "(-2.94, 2.94)" for these.
        assert!((lo + 2.944_438_979).abs() < 1e-9 && (hi - 2.944_438_979).abs() < 1e-9);
    }

    #[test]
    fn the_exact_llr_agrees_with_the_normal_approximation_for_small_differences() {
        // Within 4 %: the approximation is second order in the distance of the mean
        // score from the hypotheses, which is up to ~25 Elo in these counts.
        for penta in [
            [100, 500, 1000, 600, 120],
            [30, 200, 600, 210, 25],
            [5, 40, 80, 60, 9],
            [300, 300, 300, 300, 300],
        ] {
            for (e0, e1) in [(0.0, 5.0), (-2.0, 3.0), (0.0, 2.0)] {
                let exact = llr(&penta, e0, e1);
                let approx = approximate(&penta, e0, e1);
                assert!(
                    (exact - approx).abs() <= 0.04 * approx.abs().max(1.0),
                    "{penta:?} [{e0}, {e1}]: exact {exact}, approximate {approx}"
                );
            }
        }
    }

    /// Reference values from an independent computation: the constrained maximum
    /// likelihood found by a general optimiser (scipy's SLSQP over the five
    /// probabilities, with Σq = 1 and Σq·a = s as constraints) rather than by the θ
    /// equation solved here. The third is the SPRT the README shows (LLR 3.44).
    #[test]
    fn the_llr_matches_an_independent_optimiser() {
        for (penta, e0, e1, reference) in [
            ([100, 500, 1000, 600, 120], 0.0, 5.0, 3.593_498_763_676),
            ([30, 200, 600, 210, 25], -2.0, 3.0, -0.149_378_048_354),
            ([6, 28, 59, 33, 8], -30.0, 30.0, 3.443_103_406_148),
            ([10, 40, 100, 80, 30], 0.0, 10.0, 3.851_467_982_919),
        ] {
            let ours = llr(&penta, e0, e1);
            assert!(
                (ours - reference).abs() < 1e-6,
                "{penta:?}: {ours} vs {reference}"
            );
        }
    }

    #[test]
    fn llr_signs_elo_and_verdicts() {
        // A stronger: LLR of [0, 10] positive; the mirror image negative.
        let strong = [10, 40, 100, 80, 30];
        let mirror = [30, 80, 100, 40, 10];
        assert!(llr(&strong, 0.0, 10.0) > 0.0);
        assert!(
            (llr(&strong, 0.0, 10.0) + llr(&mirror, -10.0, 0.0)).abs() < 1e-6,
            "symmetry"
        );
        assert_eq!(llr(&[0; 5], 0.0, 5.0), 0.0);
        // Elo of an even score is 0; ± shrinks with more pairs.
        let (e, w) = elo(&[10, 20, 40, 20, 10]).unwrap();
        assert!(e.abs() < 1e-9);
        let (_, w4) = elo(&[40, 80, 160, 80, 40]).unwrap();
        assert!((w / w4 - 2.0).abs() < 0.05, "{w} vs {w4}");
        // Mean score of `strong`: (40·¼ + 100·½ + 80·¾ + 30)/260 = 0.5769… → +53.9 Elo.
        let (e, _) = elo(&strong).unwrap();
        assert!((e - 53.88).abs() < 0.01, "{e}");
        let spec = SprtSpec {
            elo0: 0.0,
            elo1: 10.0,
            alpha: 0.05,
            beta: 0.05,
            max_pairs: 260,
        };
        assert_eq!(verdict(&spec, &strong).1, Verdict::H1);
        assert_eq!(verdict(&spec, &mirror).1, Verdict::H0);
        assert_eq!(verdict(&spec, &[1, 2, 3, 2, 1]).1, Verdict::Continue);
        let even = [40, 60, 60, 60, 40];
        assert_eq!(
            verdict(&spec, &even).1,
            Verdict::Inconclusive,
            "260 pairs, no decision"
        );
    }

    #[test]
    fn the_plan_runs_ahead_then_stops_at_the_decision() {
        use crate::game::Outcome;
        let spec = SprtSpec {
            elo0: 0.0,
            elo1: 200.0,
            alpha: 0.05,
            beta: 0.05,
            max_pairs: 100,
        };
        let first = plan(&spec, 3, &[]);
        assert!(!first.complete);
        assert_eq!(first.matches.len(), 2 * LOOKAHEAD);
        assert_eq!(first.total, 2 * LOOKAHEAD);
        assert_eq!(first.matches[0].seed, first.matches[1].seed);
        assert_eq!(first.matches[1].seats, [1, 0]);
        // A wins everything: pairs finish out of order, the verdict counts them in order.
        let win = |m: &Scheduled| {
            let o = if m.seats[0] == 0 {
                Outcome::Win
            } else {
                Outcome::Loss
            };
            Entry::test_entry(m.id, &m.seats, m.seed, o)
        };
        let mut done: Vec<Entry> = first.matches[2..].iter().map(win).collect();
        assert_eq!(status(&spec, &done).pairs, 0, "pair 0 is not finished");
        done.extend(first.matches[..2].iter().map(win));
        let s = status(&spec, &done);
        assert_eq!(s.verdict, Verdict::H1);
        let stopped = plan(&spec, 3, &done);
        assert!(stopped.complete);
        // The pairs up to the decision, and those already played past it.
        let pairs: std::collections::BTreeSet<usize> =
            stopped.matches.iter().map(|m| m.id / 2).collect();
        assert!(pairs.len() >= s.pairs as usize && pairs.len() <= LOOKAHEAD);
        assert_eq!(stopped.total, stopped.matches.len());
    }
}

/// Pairs a run may have queued past its last finished pair (a few per worker).
const LOOKAHEAD: usize = 8;

/// The test over a run's finished matches: pairs are counted in order, and only while
/// the test continues, so the verdict does not depend on which pair finished first.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub penta: Pentanomial,
    pub pairs: u32,
    pub llr: f64,
    pub verdict: Verdict,
}

pub fn status<'a>(spec: &SprtSpec, done: impl IntoIterator<Item = &'a Entry>) -> Status {
    let finished: HashMap<usize, &Entry> = done.into_iter().map(|e| (e.id, e)).collect();
    let mut penta = [0u32; 5];
    let mut pairs = 0u32;
    let (mut llr, mut verdict) = (0.0, Verdict::Continue);
    while verdict == Verdict::Continue && pairs < spec.max_pairs {
        let k = pairs as usize;
        let (Some(a), Some(b)) = (finished.get(&(2 * k)), finished.get(&(2 * k + 1))) else {
            break;
        };
        pairs += 1;
        // A pair with a void match says nothing of either bot.
        if a.void.is_some() || b.void.is_some() {
            continue;
        }
        // Bot 0 is A; its points over the pair, doubled, index the pentanomial.
        let points = points_of(a, 0) + points_of(b, 0);
        penta[(points * 2.0).round() as usize] += 1;
        (llr, verdict) = self::verdict(spec, &penta);
    }
    Status {
        penta,
        pairs,
        llr,
        verdict,
    }
}

/// The matches of an SPRT run: pair k is matches 2k and 2k+1, one seed, seats swapped;
/// a few pairs ahead of the last finished one while the test continues, none once it
/// has decided (except those already played).
pub fn plan(spec: &SprtSpec, seed: u64, done: &[Entry]) -> Plan {
    let s = status(spec, done);
    let decided = s.verdict != Verdict::Continue;
    let ahead = if decided {
        s.pairs as usize
    } else {
        (s.pairs as usize + LOOKAHEAD).min(spec.max_pairs as usize)
    };
    let mut matches: Vec<Scheduled> = (0..ahead)
        .flat_map(|k| pairing_games(k, [0, 1], 2, 2 * k, seed))
        .collect();
    // Games already played past that point (in flight when the test decided) stay.
    let mut past: Vec<usize> = done
        .iter()
        .map(|e| e.id)
        .filter(|&id| id >= 2 * ahead)
        .collect();
    past.sort_unstable();
    for id in past {
        let k = id / 2;
        matches.push(pairing_games(k, [0, 1], 2, 2 * k, seed).swap_remove(id % 2));
    }
    // The total is what is known: how long a test runs is what it finds out.
    Plan {
        total: matches.len(),
        matches,
        complete: decided,
        ..Plan::default()
    }
}
