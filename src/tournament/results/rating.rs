//! Elo ratings from a Bradley–Terry maximum-likelihood fit.
//!
//! Model: bot i scores against bot j with probability `p_ij = 1 / (1 + 10^((r_j - r_i)/400))`;
//! a draw counts as half a win for each. The ratings maximise the likelihood of all games
//! (Newton–Raphson), centred so that the mean rating is 0. The 95% interval is
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
        self.add_weighted(a, b, points, 1.0);
    }

    /// Records `weight` of a game (a pair of seats of a free-for-all match).
    pub fn add_weighted(&mut self, a: usize, b: usize, points: f64, weight: f64) {
        self.score[a][b] += points * weight;
        self.score[b][a] += (1.0 - points) * weight;
        self.games[a][b] += weight;
        self.games[b][a] += weight;
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
    let theta = newton(&r);
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

/// Newton–Raphson on the log-likelihood in θ = ln π (a few iterations, each one linear
/// solve, instead of the thousands of MM steps lopsided fields need), with step halving
/// so the likelihood never decreases, centred to a mean of 0.
fn newton(r: &Results) -> Vec<f64> {
    let n = r.score.len();
    let wins: Vec<f64> = r.score.iter().map(|row| row.iter().sum()).collect();
    let mut theta: Vec<f64> = vec![0.0; n];
    for _ in 0..200 {
        let g: Vec<f64> = (0..n)
            .map(|i| {
                wins[i]
                    - (0..n)
                        .filter(|&j| j != i && r.games[i][j] > 0.0)
                        .map(|j| r.games[i][j] / (1.0 + (theta[j] - theta[i]).exp()))
                        .sum::<f64>()
            })
            .collect();
        // pinv(H)·g without forming pinv(H): one Cholesky solve, not an inversion (the
        // covariance is needed once, for the intervals, not at every step).
        let Some(delta) = pseudo_solve(&information(r, &theta), &g) else {
            break;
        };
        let before = log_likelihood(r, &theta);
        let mut step = 1.0;
        let mut next = theta.clone();
        while step > 1e-9 {
            next = theta
                .iter()
                .zip(&delta)
                .map(|(t, d)| t + step * d)
                .collect();
            if log_likelihood(r, &next) >= before - 1e-12 {
                break;
            }
            step /= 2.0;
        }
        let mean = next.iter().sum::<f64>() / n.max(1) as f64;
        let moved = next
            .iter()
            .zip(&theta)
            .map(|(a, b)| (a - mean - b).abs())
            .fold(0.0, f64::max);
        theta = next.iter().map(|t| t - mean).collect();
        if moved < 1e-9 {
            break;
        }
    }
    theta
}

fn log_likelihood(r: &Results, theta: &[f64]) -> f64 {
    let n = theta.len();
    let mut ll = 0.0;
    for i in 0..n {
        for j in 0..n {
            if i != j && r.score[i][j] > 0.0 {
                // P(i scores against j) = 1 / (1 + e^(θj − θi)), in a stable form.
                let x = theta[j] - theta[i];
                let log_p = -(x.max(0.0) + ((-x.abs()).exp()).ln_1p());
                ll += r.score[i][j] * log_p;
            }
        }
    }
    ll
}

/// The Fisher information of θ: `H_ii = Σ_j n_ij p_ij (1 − p_ij)`, `H_ij = −n_ij p_ij (1 − p_ij)`.
fn information(r: &Results, theta: &[f64]) -> Vec<Vec<f64>> {
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
    info
}

/// The Cholesky factor `L` (lower, row by row) of `H + 11ᵀ/n`, which is symmetric
/// positive definite when the games connect every bot (H·1 = 0: ratings are relative);
/// `None` if it is singular.
fn shifted_cholesky(h: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = h.len();
    let k = 1.0 / n as f64;
    // Each entry a dot product of two rows' leading parts.
    let mut l: Vec<Vec<f64>> = Vec::with_capacity(n);
    for i in 0..n {
        let mut row = vec![0.0; i + 1];
        for j in 0..=i {
            let dot: f64 = row[..j]
                .iter()
                .zip(&l.get(j).unwrap_or(&row)[..j])
                .map(|(a, b)| a * b)
                .sum();
            let a = h[i][j] + k;
            if j == i {
                let d = a - dot;
                if d < 1e-12 {
                    return None;
                }
                row[i] = d.sqrt();
            } else {
                row[j] = (a - dot) / l[j][j];
            }
        }
        l.push(row);
    }
    Some(l)
}

/// The diagonal of `pinv(H)` (each θ's variance): `(H + 11ᵀ/n)⁻¹ − 11ᵀ/n`, the inverse's
/// diagonal from a Cholesky factor `L` (the matrix is symmetric positive definite when the
/// games connect every bot) as the column sums of squares of `L⁻¹` — a third of a full
/// inversion's work, which the intervals never needed; `None` if singular.
fn pseudo_inverse_diagonal(h: &[Vec<f64>]) -> Option<Vec<f64>> {
    let n = h.len();
    let k = 1.0 / n as f64;
    let l = shifted_cholesky(h)?;
    // M = L⁻¹, row by row: row j is −(Σ_{i<j} L[j][i]·M[i]) / L[j][j], then 1/L[j][j].
    let mut diagonal = vec![0.0; n];
    let mut m: Vec<Vec<f64>> = Vec::with_capacity(n);
    for j in 0..n {
        let mut row = vec![0.0; j + 1];
        for (i, prev) in m.iter().enumerate() {
            let f = l[j][i];
            if f != 0.0 {
                for (x, y) in row[..=i].iter_mut().zip(prev) {
                    *x -= f * y;
                }
            }
        }
        let d = l[j][j];
        for x in row[..j].iter_mut() {
            *x /= d;
        }
        row[j] = 1.0 / d;
        for (s, x) in diagonal.iter_mut().zip(&row) {
            *s += x * x;
        }
        m.push(row);
    }
    Some(diagonal.into_iter().map(|v| v - k).collect())
}

/// `pinv(H)·g` = `(H + 11ᵀ/n)⁻¹·g − 1·(1ᵀg)/n`, by the Cholesky factor (forward, then
/// back substitution); `None` if singular.
fn pseudo_solve(h: &[Vec<f64>], g: &[f64]) -> Option<Vec<f64>> {
    let n = h.len();
    let k = 1.0 / n as f64;
    let l = shifted_cholesky(h)?;
    // L·y = g.
    let mut y = vec![0.0; n];
    for i in 0..n {
        let dot: f64 = l[i][..i].iter().zip(&y[..i]).map(|(a, b)| a * b).sum();
        y[i] = (g[i] - dot) / l[i][i];
    }
    // Lᵀ·x = y: column i of Lᵀ is row i of L, so subtract each solved x from what is left.
    let mut x = y;
    for i in (0..n).rev() {
        x[i] /= l[i][i];
        let xi = x[i];
        for (v, lij) in x[..i].iter_mut().zip(&l[i][..i]) {
            *v -= lij * xi;
        }
    }
    let shift = k * g.iter().sum::<f64>();
    Some(x.into_iter().map(|v| v - shift).collect())
}

/// Standard errors of θ (natural-log strengths) from the Fisher information.
fn standard_errors(r: &Results, theta: &[f64]) -> Vec<f64> {
    let n = theta.len();
    match pseudo_inverse_diagonal(&information(r, theta)) {
        Some(variances) => (0..n)
            .map(|i| {
                let var = variances[i];
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The row at or below `col` with the largest entry in column `col` (partial
    /// pivoting); `None` if that entry is ~0 (the matrix is singular).
    fn pivot(a: &[Vec<f64>], col: usize) -> Option<usize> {
        let row = (col..a.len()).max_by(|&x, &y| a[x][col].abs().total_cmp(&a[y][col].abs()))?;
        (a[row][col].abs() >= 1e-12).then_some(row)
    }

    /// Gauss–Jordan inversion with partial pivoting; `None` if singular.
    fn invert(mut a: Vec<Vec<f64>>) -> Option<Vec<Vec<f64>>> {
        let n = a.len();
        let mut inv: Vec<Vec<f64>> = (0..n)
            .map(|i| (0..n).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
            .collect();
        for col in 0..n {
            let pivot = pivot(&a, col)?;
            a.swap(col, pivot);
            inv.swap(col, pivot);
            let d = a[col][col];
            for j in 0..n {
                a[col][j] /= d;
                inv[col][j] /= d;
            }
            // Rows by slices (no index checks in the inner loop, which vectorises); `a`'s
            // columns left of `col` are already zero in every other row.
            let (pa, pi) = (a[col].clone(), inv[col].clone());
            for row in (0..n).filter(|&r| r != col) {
                let f = a[row][col];
                if f != 0.0 {
                    for (x, y) in a[row][col..].iter_mut().zip(&pa[col..]) {
                        *x -= f * y;
                    }
                    for (x, y) in inv[row].iter_mut().zip(&pi) {
                        *x -= f * y;
                    }
                }
            }
        }
        Some(inv)
    }

    /// The variances and the Newton step from the Cholesky factor equal what the full
    /// inverse gives (the Gauss–Jordan inversion the intervals used before).
    #[test]
    fn variances_equal_the_full_inverses_diagonal() {
        let mut r = Results::new(12);
        let mut x: u64 = 7;
        for _ in 0..400 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let (a, b) = ((x >> 33) as usize % 12, (x >> 17) as usize % 12);
            if a != b {
                r.add(a, b, [0.0, 0.5, 1.0][(x >> 5) as usize % 3]);
            }
        }
        let theta = newton(&r);
        let h = information(&r, &theta);
        let k = 1.0 / 12.0;
        let full = invert(
            h.iter()
                .map(|row| row.iter().map(|v| v + k).collect())
                .collect(),
        )
        .unwrap();
        let fast = pseudo_inverse_diagonal(&h).unwrap();
        // And the Newton step's solve: pinv(H)·g against the full inverse's product.
        let g: Vec<f64> = (0..12).map(|i| (i as f64 - 5.5) / 3.0).collect();
        let solved = pseudo_solve(&h, &g).unwrap();
        let mean = g.iter().sum::<f64>() * k;
        for i in 0..12 {
            let want: f64 = (0..12).map(|j| full[i][j] * g[j]).sum::<f64>() - mean;
            assert!(
                (want - solved[i]).abs() < 1e-9,
                "{i}: {want} vs {}",
                solved[i]
            );
        }
        for i in 0..12 {
            assert!(
                (full[i][i] - k - fast[i]).abs() < 1e-9,
                "{i}: {} vs {}",
                full[i][i] - k,
                fast[i]
            );
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 0.01
    }

    #[test]
    fn bradley_terry_two_bots_by_hand() {
        // A scores 3 of 4 against B: r_A - r_B = 400·log10(3) = 190.85, centred ±95.42.
        // Fisher information per game p(1-p) = 3/16, four games: 0.75; the pseudo-inverse's
        // diagonal is 1/(4·0.75) = 1/3, so se = 0.57735 (natural log units), i.e. 100.296 Elo (× 400/ln 10),
        // and the 95% half-width is 1.96 × 100.296 = 196.58.
        let mut r = Results::new(2);
        for p in [1.0, 1.0, 1.0, 0.0] {
            r.add(0, 1, p);
        }
        let f = fit(&r);
        assert!(!f.regularised);
        assert!(close(f.ratings[0].elo, 95.42), "{:?}", f.ratings);
        assert!(close(f.ratings[1].elo, -95.42));
        assert!(
            close(f.ratings[0].high - f.ratings[0].elo, 196.58),
            "{:?}",
            f.ratings
        );
        assert!(close(f.ratings[0].elo - f.ratings[0].low, 196.58));
    }

    #[test]
    fn bradley_terry_three_bots_against_an_independent_newton_fit() {
        // A-B 3:1, B-C 3:1, A-C 3:1 (four games each). Expected values from a separate
        // Newton–Raphson fit with numpy's pseudo-inverse.
        let mut r = Results::new(3);
        for (a, b) in [(0, 1), (1, 2), (0, 2)] {
            for p in [1.0, 1.0, 1.0, 0.0] {
                r.add(a, b, p);
            }
        }
        let f = fit(&r);
        let elo: Vec<f64> = f.ratings.iter().map(|x| x.elo).collect();
        assert!(
            close(elo[0], 131.384) && close(elo[1], 0.0) && close(elo[2], -131.384),
            "{elo:?}"
        );
        let half: Vec<f64> = f.ratings.iter().map(|x| x.high - x.elo).collect();
        assert!(
            close(half[0], 188.780) && close(half[1], 172.121) && close(half[2], 188.780),
            "{half:?}"
        );
    }

    #[test]
    fn a_perfect_score_is_regularised_with_virtual_draws() {
        // A beats B twice: no finite maximum. With one virtual draw: A 2.5 of 3, so the gap
        // is 400·log10(2.5/0.5) = 279.59, centred ±139.79.
        let mut r = Results::new(2);
        r.add(0, 1, 1.0);
        r.add(0, 1, 1.0);
        let f = fit(&r);
        assert!(f.regularised);
        assert!(close(f.ratings[0].elo, 139.79), "{:?}", f.ratings);
        assert!(f
            .ratings
            .iter()
            .all(|x| x.low.is_finite() && x.high.is_finite()));
        // Draws count half for each side: 2 draws = equal ratings.
        let mut r = Results::new(2);
        r.add(0, 1, 0.5);
        r.add(1, 0, 0.5);
        let f = fit(&r);
        assert!(close(f.ratings[0].elo, 0.0) && close(f.ratings[1].elo, 0.0));
    }
}
