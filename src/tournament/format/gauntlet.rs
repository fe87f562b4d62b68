//! A gauntlet: the named bots play every other bot; the others do not meet.

/// Every pair with at least one named bot, each once.
pub fn pairs(bots: usize, named: &[usize]) -> Vec<(usize, usize)> {
    (0..bots)
        .flat_map(|a| (a + 1..bots).map(move |b| (a, b)))
        .filter(|(a, b)| named.contains(a) || named.contains(b))
        .collect()
}
