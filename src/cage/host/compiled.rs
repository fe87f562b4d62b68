//! The code of the run's one-file Python bots, as their first bot process compiled it
//! (`child/compiled.rs`): kept by source, so every later load of the same source runs
//! its code instead of compiling it again. One embedded CPython serves every cage of a
//! run, so the code is good for all of them.

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Code text kept in all, at most; past it, new sources compile at every load.
const MAX_KEPT: usize = 64 << 20;

#[derive(Default)]
struct Kept {
    by_source: HashMap<[u8; 32], Arc<str>>,
    bytes: usize,
}

fn kept() -> &'static Mutex<Kept> {
    static KEPT: OnceLock<Mutex<Kept>> = OnceLock::new();
    KEPT.get_or_init(Mutex::default)
}

/// What a source's code is kept under: its file name (tracebacks carry it) and text.
pub(super) fn key(name: &str, source: &str) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update((name.len() as u64).to_le_bytes());
    hash.update(name.as_bytes());
    hash.update(source.as_bytes());
    hash.finalize().into()
}

/// Whether this run keeps `source`'s code (its first load compiled it; a bundle's never).
pub fn is_kept(source: &super::program::BotSource) -> bool {
    source.bundle.is_none() && get(&key(&source.name, &source.code)).is_some()
}

pub(super) fn get(key: &[u8; 32]) -> Option<Arc<str>> {
    let kept = kept().lock().unwrap_or_else(|p| p.into_inner());
    kept.by_source.get(key).cloned()
}

pub(super) fn keep(key: [u8; 32], text: String) {
    let mut kept = kept().lock().unwrap_or_else(|p| p.into_inner());
    if kept.bytes + text.len() <= MAX_KEPT && !kept.by_source.contains_key(&key) {
        kept.bytes += text.len();
        kept.by_source.insert(key, Arc::from(text));
    }
}
