//! A ladder that scales (`games_per_version: N`): each version plays a fixed budget of
//! games instead of every other version, so a new entrant costs the same with 30
//! versions or 300. Its games come in seat-swapped pairs ("slots"), in stages:
//!
//! 1. **spread** — half its pairs against opponents drawn from the seed among the
//!    active versions (where on the ladder it belongs is not known yet);
//! 2. **near** — the other half against the opponents whose rating is closest to its
//!    own in units of their joint uncertainty (whose intervals overlap its own most:
//!    where a game says most about the order);
//! 3. **wide** — up to half as many pairs again, one at a time, while its 95% interval is
//!    wider than the median active version's;
//! 4. **trickle** — one pair between the active version with the fewest counted games
//!    and its nearest rival, so old versions keep playing and the ladder stays
//!    connected.
//!
//! A version's games have the ids `v·B ..` (`B` = [`block`]), so ids never change as
//! versions come. Everything a choice depends on is fixed before it is made: stage 2 of
//! version `v` waits until every earlier version's block is complete and its own
//! spread pairs are played, and rates from exactly the games with smaller ids; so a
//! resumed run, or a run read back, plans what it planned. Played games stay as the
//! journal has them; an unplayed one against a version retired since is drawn again.

use super::plan::{pairing_games, points_of, Plan};
use crate::tournament::journal::record::Entry;
use crate::tournament::schedule::Scheduled;
use std::collections::{BTreeMap, HashMap};

/// Each slot with a game played, by its first id: its pair (the first game's seating)
/// and which of its two games are played.
type Played = HashMap<usize, ([usize; 2], [bool; 2])>;

/// Seat-swapped pairs of games a budget of `games` buys (rounded up).
fn pairs(games: u32) -> usize {
    (games as usize).div_ceil(2).max(1)
}

/// The wide stage's most pairs: half the budget's again.
fn wide_pairs(games: u32) -> usize {
    pairs(games).div_ceil(2)
}

/// The slots of a version's block: spread and near (`pairs`), wide, trickle.
fn slots(games: u32) -> usize {
    pairs(games) + wide_pairs(games) + 1
}

/// Match ids per version.
pub fn block(games: u32) -> usize {
    2 * slots(games)
}

/// The trickle slot: the one whose pair need not hold the block's version.
fn is_trickle(games: u32, slot: usize) -> bool {
    slot == pairs(games) + wide_pairs(games)
}

/// The plan after `done` for `versions` versions, `active` of them playing.
pub fn plan(active: &[usize], versions: usize, games: u32, seed: u64, done: &[Entry]) -> Plan {
    let played = played_slots(done, versions, games);
    let mut sorted = active.to_vec();
    sorted.sort_unstable();
    let active = &sorted[..];
    let mut plan = Plan {
        complete: true,
        ..Plan::default()
    };
    // Every earlier block is complete: later choices may rate from what came before.
    let mut settled = true;
    let mut certain = 0;
    for v in 0..versions {
        let mut b = Block {
            v,
            games,
            seed,
            active,
            played: &played,
            matches: &mut plan.matches,
            open: false,
        };
        certain += b.plan(done, settled);
        if b.open {
            plan.complete = false;
            settled = false;
        }
    }
    plan.matches.sort_by_key(|m| m.id);
    plan.total = plan.matches.len() + certain;
    plan
}

/// One version's block being planned.
struct Block<'a> {
    v: usize,
    games: u32,
    seed: u64,
    /// Sorted.
    active: &'a [usize],
    played: &'a Played,
    matches: &'a mut Vec<Scheduled>,
    /// A game of the block is planned and not played, or a choice waits.
    open: bool,
}

impl Block<'_> {
    /// Plans the block: its played games, then each stage that can be chosen now. The
    /// games certain to come that cannot be planned yet.
    fn plan(&mut self, done: &[Entry], settled: bool) -> usize {
        let (v, per) = (self.v, slots(self.games));
        for slot in 0..per {
            if let Some(&(pair, played)) = self.played.get(&self.first(slot)) {
                let games = pairing_games(self.index(slot), pair, 2, self.first(slot), self.seed);
                let games = games.into_iter().zip(played).filter(|(_, p)| *p);
                self.matches.extend(games.map(|(g, _)| g));
            }
        }
        let others: Vec<usize> = self.active.iter().copied().filter(|&o| o != v).collect();
        if self.active.binary_search(&v).is_err() || others.is_empty() {
            // A retired version plays no more; what it played stays.
            return 0;
        }
        let p = pairs(self.games);
        let spread_slots = p.div_ceil(2);
        let drawn = spread(&others, self.seed, v, spread_slots);
        for slot in 0..spread_slots {
            self.fill(slot, [v, drawn[slot % drawn.len()]]);
        }
        let near = spread_slots..p;
        let active = self.active;
        if self.open || !settled {
            self.open = true;
            let waiting = near.filter(|&s| !self.is_played(s)).count();
            return 2 * (waiting + usize::from(others.len() >= 2));
        }
        // Near: rated from every game before the stage (all played: checked above),
        // fitted only when a choice is left to make.
        let fit = near
            .clone()
            .any(|s| self.opponent(s).is_none())
            .then(|| fit_below(done, self.first(near.start), active));
        let mut met: Vec<usize> = (0..near.start).filter_map(|s| self.opponent(s)).collect();
        for slot in near {
            let pair = match (self.opponent(slot), &fit) {
                (Some(o), _) => [v, o],
                (None, Some(fit)) => [v, nearest(v, &others, &met, fit, active)],
                (None, None) => unreachable!("fitted when a choice is left"),
            };
            met.push(pair[1]);
            self.fill(slot, pair);
        }
        if self.open {
            return 2 * usize::from(others.len() >= 2);
        }
        // Wide: one pair at a time while its interval is wider than the median's (over
        // once the trickle pair, planned after it, has a game).
        let trickle = p + wide_pairs(self.games);
        let trickled = self.played.contains_key(&self.first(trickle));
        for slot in (p..trickle).filter(|_| !trickled) {
            if self.is_played(slot) {
                met.extend(self.opponent(slot));
                continue;
            }
            if let Some(o) = self.opponent(slot) {
                self.fill(slot, [v, o]);
                return 2 * usize::from(others.len() >= 2);
            }
            let fit = fit_below(done, self.first(slot), active);
            if !wide(v, &others, &fit, active) {
                break;
            }
            self.fill(slot, [v, nearest(v, &others, &met, &fit, active)]);
            return 2 * usize::from(others.len() >= 2);
        }
        // Trickle: the active version with the fewest counted games, and its nearest.
        let slot = trickle;
        if others.len() >= 2 && !self.is_played(slot) {
            let pair = match self.played.get(&self.first(slot)) {
                Some(&(pair, _)) => pair,
                None => {
                    let first = self.first(slot);
                    let fit = fit_below(done, first, active);
                    let counted = counted_games(done, first, active);
                    let a = *others
                        .iter()
                        .min_by_key(|&&o| (counted.get(&o).copied().unwrap_or(0), o))
                        .expect("two others");
                    let rest: Vec<usize> = others.iter().copied().filter(|&o| o != a).collect();
                    [a, nearest(a, &rest, &[], &fit, active)]
                }
            };
            self.fill(slot, pair);
        }
        0
    }

    fn first(&self, slot: usize) -> usize {
        self.v * block(self.games) + 2 * slot
    }

    fn index(&self, slot: usize) -> usize {
        self.v * slots(self.games) + slot
    }

    /// Both games of the slot are played (or its half-played pair can play no more).
    fn is_played(&self, slot: usize) -> bool {
        self.played
            .get(&self.first(slot))
            .is_some_and(|&(pair, played)| {
                played == [true, true] || !pair.iter().all(|p| self.active.binary_search(p).is_ok())
            })
    }

    /// Whom `v` met (or meets) in a slot with a game played.
    fn opponent(&self, slot: usize) -> Option<usize> {
        let &(pair, _) = self.played.get(&self.first(slot))?;
        Some(if pair[0] == self.v { pair[1] } else { pair[0] })
    }

    /// Plans what the slot has not played: `pair`'s two games, or the other game of the
    /// pair whose one game is played.
    fn fill(&mut self, slot: usize, pair: [usize; 2]) {
        if self.is_played(slot) {
            return;
        }
        let (pair, played) = match self.played.get(&self.first(slot)) {
            Some(&(pair, played)) => (pair, played),
            None => (pair, [false, false]),
        };
        let games = pairing_games(self.index(slot), pair, 2, self.first(slot), self.seed);
        let games = games.into_iter().zip(played).filter(|(_, p)| !*p);
        self.matches.extend(games.map(|(g, _)| g));
        self.open = true;
    }
}

/// Whether `v`'s 95% interval is wider than the median active version's.
fn wide(v: usize, others: &[usize], fit: &Fit, active: &[usize]) -> bool {
    let mut widths: Vec<f64> = others.iter().map(|&o| fit.half(o, active)).collect();
    widths.sort_by(f64::total_cmp);
    widths
        .get(widths.len() / 2)
        .is_some_and(|&median| fit.half(v, active) > median)
}

/// Each played slot (by its first id): its pair (seat order of its first game) and which
/// of its two games are played. A line that could not be such a game is left out
/// (and so refused by the journal's check).
fn played_slots(done: &[Entry], versions: usize, games: u32) -> Played {
    let b = block(games);
    let mut out: Played = HashMap::with_capacity(done.len());
    // In the journal's order: a slot's pair reads the same from either of its games.
    for e in done {
        let (v, slot, game) = (e.id / b, (e.id % b) / 2, e.id % 2);
        let [x, y] = e.seats[..] else { continue };
        let pair = if game == 0 { [x, y] } else { [y, x] };
        let plausible = v < versions
            && x != y
            && x < versions
            && y < versions
            && (is_trickle(games, slot) || pair.contains(&v));
        if !plausible {
            continue;
        }
        // A slot's second game alone is kept too (the two run at once): its first is
        // planned with its pair.
        let entry = out.entry(e.id - game).or_insert((pair, [false, false]));
        if entry.0 == pair {
            entry.1[game] = true;
        }
    }
    out
}

/// `n` of `pool` drawn from the seed and the version (a partial shuffle; fewer when the
/// pool is smaller).
fn spread(pool: &[usize], seed: u64, v: usize, n: usize) -> Vec<usize> {
    let mut rng = crate::game::SplitMix64::new(
        seed ^ 0x5CA1_AB1E_0000_0000 ^ (v as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
    );
    let mut pool = pool.to_vec();
    for i in 0..n.min(pool.len()) {
        let j = i + (rng.next_u64() % (pool.len() - i) as u64) as usize;
        pool.swap(i, j);
    }
    pool.truncate(n.max(1));
    pool
}

/// The opponent of `v` among `others` whose rating is closest in units of their joint
/// uncertainty; those `v` has met fewer times first; then the lower index.
fn nearest(v: usize, others: &[usize], met: &[usize], fit: &Fit, active: &[usize]) -> usize {
    let z = |o: usize| {
        let spread = (fit.se(v, active).powi(2) + fit.se(o, active).powi(2)).sqrt();
        (fit.elo(v, active) - fit.elo(o, active)).abs() / spread
    };
    let times = |o: usize| met.iter().filter(|&&m| m == o).count();
    *others
        .iter()
        .min_by(|&&a, &&b| {
            (times(a), z(a), a)
                .partial_cmp(&(times(b), z(b), b))
                .unwrap_or(std::cmp::Ordering::Equal)
        })
        .expect("others is not empty")
}

/// Ratings for matchmaking, in `active`'s order: Bradley–Terry by coordinate-wise
/// Newton steps, each version's standard error from its own Fisher information. Its
/// cost is linear in the games (the standings' fit, with its covariance, is cubic in
/// the versions: fine once a batch, not for every choice of a 300-version ladder). Each
/// version also has one virtual draw against a version rated 0, so a version with no
/// games, or only wins, has a finite, wide rating.
struct Fit {
    elo: Vec<f64>,
    se: Vec<f64>,
}

/// Logistic units to Elo.
const ELO: f64 = 400.0 / std::f64::consts::LN_10;

impl Fit {
    fn at(active: &[usize], b: usize) -> usize {
        active.binary_search(&b).expect("an active version")
    }
    fn elo(&self, b: usize, active: &[usize]) -> f64 {
        self.elo[Fit::at(active, b)]
    }
    fn se(&self, b: usize, active: &[usize]) -> f64 {
        self.se[Fit::at(active, b)]
    }
    /// Half the 95% interval's width, in Elo.
    fn half(&self, b: usize, active: &[usize]) -> f64 {
        1.96 * self.se(b, active)
    }
}

/// Recent fits by what they were made from: a choice rates from games that are all
/// played and never change, and the runner plans again after every result, so the same
/// fit is asked for until the choice's games are played.
type FitKey = (usize, u64, usize);

thread_local! {
    static FITS: std::cell::RefCell<Vec<(FitKey, std::rc::Rc<Fit>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// [`fit`] of the games below `first`, from the memo when they are the same games.
fn fit_below(done: &[Entry], first: usize, active: &[usize]) -> std::rc::Rc<Fit> {
    use std::hash::{Hash, Hasher};
    // The key holds what the fit reads: the active versions and each game below
    // `first` (id, seats, points), in any order (a sum of per-game hashes).
    let mut h = std::collections::hash_map::DefaultHasher::new();
    active.hash(&mut h);
    let mut games = 0;
    let mut digest = 0u64;
    for e in done.iter().filter(|e| e.id < first) {
        let mut g = std::collections::hash_map::DefaultHasher::new();
        let points = e.seats.first().map_or(0, |&s| points_of(e, s).to_bits());
        (e.id, &e.seats, e.void.is_some(), points).hash(&mut g);
        digest = digest.wrapping_add(g.finish());
        games += 1;
    }
    digest.hash(&mut h);
    let key = (first, h.finish(), games);
    if let Some(hit) = FITS.with(|f| {
        f.borrow()
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
    }) {
        return hit;
    }
    let made = std::rc::Rc::new(fit(done, first, active));
    FITS.with(|f| {
        let mut f = f.borrow_mut();
        f.push((key, made.clone()));
        if f.len() > 8 {
            f.remove(0);
        }
    });
    made
}

/// The fit of the counted games (both seats among `active`, not void) with ids below
/// `first`, in id order (so the sums do not depend on the journal's order).
fn fit(done: &[Entry], first: usize, active: &[usize]) -> Fit {
    let mut games: Vec<(usize, usize, usize, f64)> = done
        .iter()
        .filter(|e| e.id < first && e.void.is_none() && e.seats.len() == 2)
        .filter_map(|e| {
            let a = active.binary_search(&e.seats[0]).ok()?;
            let b = active.binary_search(&e.seats[1]).ok()?;
            Some((e.id, a, b, points_of(e, e.seats[0])))
        })
        .collect();
    games.sort_by_key(|g| g.0);
    let n = active.len();
    let mut by: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    for &(_, a, b, s) in &games {
        by[a].push((b, s));
        by[b].push((a, 1.0 - s));
    }
    let mut theta = vec![0.0_f64; n];
    let p = |x: f64| 1.0 / (1.0 + (-x).exp());
    let mut info = vec![0.0; n];
    for _ in 0..40 {
        for i in 0..n {
            // The virtual draw against 0.
            let q = p(theta[i]);
            let (mut grad, mut hess) = (0.5 - q, q * (1.0 - q));
            for &(j, s) in &by[i] {
                let q = p(theta[i] - theta[j]);
                grad += s - q;
                hess += q * (1.0 - q);
            }
            theta[i] += (grad / hess).clamp(-1.0, 1.0);
            info[i] = hess;
        }
    }
    Fit {
        elo: theta.iter().map(|t| t * ELO).collect(),
        se: info.iter().map(|h| ELO / h.sqrt()).collect(),
    }
}

/// Counted games of each active version below `first`.
fn counted_games(done: &[Entry], first: usize, active: &[usize]) -> BTreeMap<usize, usize> {
    let mut out = BTreeMap::new();
    for e in done.iter().filter(|e| e.id < first && e.void.is_none()) {
        if e.seats.iter().all(|s| active.binary_search(s).is_ok()) {
            for &s in &e.seats {
                *out.entry(s).or_insert(0) += 1;
            }
        }
    }
    out
}
