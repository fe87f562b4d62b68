//! What the coordinating thread and the workers hand each other: the matches waiting
//! for a worker, and a bound on finished matches not yet journaled.

use crate::tournament::schedule::Scheduled;
use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// Finished matches not yet read by the coordinating thread: at most one per worker. A
/// worker that finishes another first waits, so records (every frame of a match) never
/// pile up in memory however far journaling falls behind.
pub(super) struct Backlog {
    waiting: Mutex<usize>,
    read: Condvar,
    cap: usize,
}

impl Backlog {
    pub(super) fn new(cap: usize) -> Backlog {
        Backlog {
            waiting: Mutex::new(0),
            read: Condvar::new(),
            cap: cap.max(1),
        }
    }

    /// Waits for room, unless `done` says the run is ending (then nobody may wait).
    pub(super) fn enter(&self, done: &dyn Fn() -> bool) {
        let Ok(mut n) = self.waiting.lock() else {
            return;
        };
        while *n >= self.cap && !done() {
            match self.read.wait_timeout(n, Duration::from_millis(100)) {
                Ok((guard, _)) => n = guard,
                Err(_) => return,
            }
        }
        *n += 1;
    }

    pub(super) fn leave(&self) {
        if let Ok(mut n) = self.waiting.lock() {
            *n = n.saturating_sub(1);
        }
        self.read.notify_one();
    }
}

/// The matches waiting for a worker. Workers wait for more while the format may still
/// add some (a Swiss round after the one being played); `close` sends them home.
pub(super) struct WorkQueue {
    state: Mutex<(VecDeque<Scheduled>, bool)>,
    ready: Condvar,
}

impl WorkQueue {
    pub(super) fn new() -> WorkQueue {
        WorkQueue {
            state: Mutex::new((VecDeque::new(), false)),
            ready: Condvar::new(),
        }
    }

    pub(super) fn push(&self, m: Scheduled) {
        if let Ok(mut s) = self.state.lock() {
            s.0.push_back(m);
        }
        self.ready.notify_one();
    }

    /// Drops waiting matches `keep` says no to (an SPRT that has decided); how many.
    pub(super) fn retain(&self, keep: impl Fn(&Scheduled) -> bool) -> usize {
        let Ok(mut s) = self.state.lock() else {
            return 0;
        };
        let before = s.0.len();
        s.0.retain(|m| keep(m));
        before - s.0.len()
    }

    pub(super) fn close(&self) {
        if let Ok(mut s) = self.state.lock() {
            s.1 = true;
        }
        self.ready.notify_all();
    }

    pub(super) fn is_closed(&self) -> bool {
        self.state.lock().map_or(true, |s| s.1)
    }

    /// The next match; `None` once closed, or when `quit` says so (checked every 100 ms).
    pub(super) fn pop(&self, quit: &dyn Fn() -> bool) -> Option<Scheduled> {
        let mut s = self.state.lock().ok()?;
        loop {
            if quit() {
                return None;
            }
            if let Some(m) = s.0.pop_front() {
                return Some(m);
            }
            if s.1 {
                return None;
            }
            s = self
                .ready
                .wait_timeout(s, std::time::Duration::from_millis(100))
                .ok()?
                .0;
        }
    }
}

/// Closes the queue when dropped.
pub(super) struct CloseOnDrop<'a>(pub(super) &'a WorkQueue);

impl Drop for CloseOnDrop<'_> {
    fn drop(&mut self) {
        self.0.close();
    }
}
