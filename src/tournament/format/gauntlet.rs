//! A gauntlet: the named bots play every other bot; the others do not meet. With more
//! than two seats, each match is one challenger (a bot not named) with seats − 1 of the
//! named bots: every such group.

/// Every pair with at least one named bot, each once.
pub fn pairs(bots: usize, named: &[usize]) -> Vec<(usize, usize)> {
    (0..bots)
        .flat_map(|a| (a + 1..bots).map(move |b| (a, b)))
        .filter(|(a, b)| named.contains(a) || named.contains(b))
        .collect()
}

/// Every group of `seats` bots that is one challenger with `seats − 1` named bots.
pub fn groups(bots: usize, named: &[usize], seats: usize) -> Vec<Vec<usize>> {
    let mut named: Vec<usize> = named.to_vec();
    named.sort_unstable();
    let companions = crate::tournament::schedule::subsets(&named, seats.saturating_sub(1));
    (0..bots)
        .filter(|b| !named.contains(b))
        .flat_map(|c| {
            companions.iter().map(move |s| {
                let mut group = vec![c];
                group.extend(s);
                group
            })
        })
        .collect()
}
