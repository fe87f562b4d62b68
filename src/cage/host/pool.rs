//! Bots forked and caged ahead of time, so starting a match does not wait for a fork:
//! a background thread keeps `size` caged processes ready (each has applied every layer
//! and is blocked reading its source), and a spawn takes one.

use super::bot::Bot;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};

pub(super) struct Pool {
    ready: Mutex<VecDeque<Bot>>,
    wake: Condvar,
    size: usize,
    closing: AtomicBool,
}

impl Pool {
    pub(super) fn new(size: usize) -> Pool {
        Pool {
            ready: Mutex::new(VecDeque::with_capacity(size)),
            wake: Condvar::new(),
            size,
            closing: AtomicBool::new(false),
        }
    }

    /// A ready bot, if one is waiting; the filler is told to make another.
    pub(super) fn take(&self) -> Option<Bot> {
        let bot = self.ready.lock().ok()?.pop_front();
        self.wake.notify_one();
        bot
    }

    /// The filler thread's loop: keep `size` bots ready until closing or until a spawn
    /// fails (the zygote is gone; callers then see the error on their own spawn).
    pub(super) fn fill(&self, mut spawn: impl FnMut() -> Option<Bot>) {
        loop {
            {
                let Ok(mut ready) = self.ready.lock() else {
                    return;
                };
                while ready.len() >= self.size && !self.closing.load(Ordering::Relaxed) {
                    ready = match self.wake.wait(ready) {
                        Ok(r) => r,
                        Err(_) => return,
                    };
                }
            }
            if self.closing.load(Ordering::Relaxed) {
                return;
            }
            match spawn() {
                Some(bot) => {
                    if let Ok(mut ready) = self.ready.lock() {
                        ready.push_back(bot);
                    }
                }
                None => return,
            }
        }
    }

    /// Stops the filler and kills the waiting bots.
    pub(super) fn close(&self) {
        self.closing.store(true, Ordering::Relaxed);
        self.wake.notify_all();
        if let Ok(mut ready) = self.ready.lock() {
            ready.clear();
        }
    }
}
