//! Elo ratings from a Bradley–Terry maximum-likelihood fit.
//!
//! Model: bot i scores against bot j with probability `p_ij = 1 / (1 + 10^((r_j - r_i)/400))`;
//! a draw counts as half a win for each. The ratings maximise the likelihood of all games
//! (Hunter's MM iteration), centred so that the mean rating is 0. The 95% interval is
//! `r_i ± 1.96 · se_i`, with `se_i` from the inverse of the Fisher information (its
//! pseudo-inverse: ratings are only defined up to a common shift, fixed by the centring).
//!
//! When the maximum does not exist — a bot that won or lost every game, or a group that
//! never lost to the others — ratings would run off to infinity; then one virtual draw
//! per pair of bots is added to the games (a weak prior, as BayesElo does) and the fit is
//! said to be `regularised`.

// Matrix arithmetic reads best with explicit indices.
#![allow(clippy::needless_range_loop)]

/// Games between bots: `score[i][j]` is what i scored against j (win 1, draw ½),
/// `games[i][j]` how many games they played.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    pub score: Vec<Vec<f64>>,
    pub games: Vec<Vec<f64>>,
}

impl Results {
    pub fn new(n: usize) -> Results {
        Results {
            score: vec![vec![0.0; n]; n],
            games: vec![vec![0.0; n]; n],
        }
    }

    /// Records one game: `a` scored `points` (1, ½ or 0) against `b`.
    pub fn add(&mut self, a: usize, b: usize, points: f64) {
        self.score[a][b] += points;
        self.score[b][a] += 1.0 - points;
        self.games[a][b] += 1.0;
        self.games[b][a] += 1.0;
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rating {
    pub elo: f64,
    pub low: f64,
    pub high: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub ratings: Vec<Rating>,
    /// Whether the virtual draws were needed.
    pub regularised: bool,
}

const ELO: f64 = 400.0 / std::f64::consts::LN_10;

/// Fits ratings. Bots without games get 0 ± infinity.
pub fn fit(results: &Results) -> Fit {
    let n = results.score.len();
    let regularised = !mle_exists(results);
    let mut r = results.clone();
    if regularised {
        for a in 0..n {
            for b in a + 1..n {
                r.add(a, b, 0.5);
            }
        }
    }
    let strength = mm(&r);
    let theta: Vec<f64> = strength.iter().map(|s| s.ln()).collect();
    let se = standard_errors(&r, &theta);
    let ratings = (0..n)
        .map(|i| {
            let elo = theta[i] * ELO;
            let half = 1.96 * se[i] * ELO;
            Rating {
                elo,
                low: elo - half,
                high: elo + half,
            }
        })
        .collect();
    Fit {
        ratings,
        regularised,
    }
}

/// The MLE exists when the "i scored against j" graph is strongly connected among the
/// bots that played (every bot can be reached from every other through games in which
/// someone scored). Bots that played nothing are left out.
fn mle_exists(r: &Results) -> bool {
    let n = r.score.len();
    let played: Vec<usize> = (0..n)
        .filter(|&i| r.games[i].iter().any(|&g| g > 0.0))
        .collect();
    let Some(&start) = played.first() else {
        return true;
    };
    let reach = |forward: bool| {
        let mut seen = vec![false; n];
        let mut stack = vec![start];
        seen[start] = true;
        while let Some(i) = stack.pop() {
            for j in 0..n {
                let scored = if forward {
                    r.score[i][j]
                } else {
                    r.score[j][i]
                };
                if scored > 0.0 && !seen[j] {
                    seen[j] = true;
                    stack.push(j);
                }
            }
        }
        seen
    };
    let (fwd, back) = (reach(true), reach(false));
    played.iter().all(|&i| fwd[i] && back[i])
}

/// Hunter's MM algorithm: `π_i ← W_i / Σ_j n_ij / (π_i + π_j)`, normalised to a
/// geometric mean of 1 (mean rating 0).
fn mm(r: &Results) -> Vec<f64> {
    let n = r.score.len();
    let wins: Vec<f64> = r.score.iter().map(|row| row.iter().sum()).collect();
    let mut pi = vec![1.0; n];
    for _ in 0..100_000 {
        let mut next = pi.clone();
        for i in 0..n {
            let denom: f64 = (0..n)
                .filter(|&j| j != i && r.games[i][j] > 0.0)
                .map(|j| r.games[i][j] / (pi[i] + pi[j]))
                .sum();
            if denom > 0.0 {
                next[i] = wins[i] / denom;
            }
        }
        let played: Vec<usize> = (0..n).filter(|&i| next[i] > 0.0).collect();
        let log_mean =
            played.iter().map(|&i| next[i].ln()).sum::<f64>() / played.len().max(1) as f64;
        let scale = (-log_mean).exp();
        let mut change: f64 = 0.0;
        for i in 0..n {
            next[i] = if next[i] > 0.0 { next[i] * scale } else { 1.0 };
            change = change.max((next[i] / pi[i]).ln().abs());
        }
        pi = next;
        if change < 1e-12 {
            break;
        }
    }
    pi
}

/// Standard errors of θ (natural-log strengths) from the Fisher information.
fn standard_errors(r: &Results, theta: &[f64]) -> Vec<f64> {
    let n = theta.len();
    let mut info = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..n {
            if i == j || r.games[i][j] == 0.0 {
                continue;
            }
            let p = 1.0 / (1.0 + (theta[j] - theta[i]).exp());
            let w = r.games[i][j] * p * (1.0 - p);
            info[i][i] += w;
            info[i][j] -= w;
        }
    }
    // pinv(H) = (H + 11ᵀ/n)⁻¹ − 11ᵀ/n, since H·1 = 0 (ratings are relative).
    let k = 1.0 / n as f64;
    for row in info.iter_mut() {
        for v in row.iter_mut() {
            *v += k;
        }
    }
    match invert(info) {
        Some(inv) => (0..n)
            .map(|i| {
                let var = inv[i][i] - k;
                if var > 0.0 && r.games[i].iter().any(|&g| g > 0.0) {
                    var.sqrt()
                } else {
                    f64::INFINITY
                }
            })
            .collect(),
        None => vec![f64::INFINITY; n],
    }
}

/// Gauss–Jordan inversion with partial pivoting; `None` if singular.
fn invert(mut a: Vec<Vec<f64>>) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let mut inv: Vec<Vec<f64>> = (0..n)
        .map(|i| (0..n).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
        .collect();
    for col in 0..n {
        let pivot = (col..n).max_by(|&x, &y| a[x][col].abs().total_cmp(&a[y][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        inv.swap(col, pivot);
        let d = a[col][col];
        for j in 0..n {
            a[col][j] /= d;
            inv[col][j] /= d;
        }
        for row in 0..n {
            if row != col {
                let f = a[row][col];
                if f != 0.0 {
                    for j in 0..n {
                        a[row][j] -= f * a[col][j];
                        inv[row][j] -= f * inv[col][j];
                    }
                }
            }
        }
    }
    Some(inv)
}
