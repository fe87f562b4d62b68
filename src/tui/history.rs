//! What the dashboard's charts draw: every bot's points after each finished match
//! (sampled more sparsely as the run grows, so memory stays bounded) and when each
//! match finished.

use crate::tournament::results::standings::Standings;
use std::time::Duration;

/// Samples kept before every other one is dropped and the stride doubles.
const SAMPLES: usize = 1024;

#[derive(Debug, Clone, Default)]
pub struct RunHistory {
    bots: usize,
    /// (matches finished, every bot's points by bot index) at each sample.
    pub points: Vec<(usize, Vec<f64>)>,
    /// A sample every this many finished matches.
    stride: usize,
    finished: usize,
    /// Seconds into the run at which each of the newest matches finished.
    pub times: Vec<f64>,
}

impl RunHistory {
    pub fn new(bots: usize) -> RunHistory {
        RunHistory {
            bots,
            points: vec![(0, vec![0.0; bots])],
            stride: 1,
            finished: 0,
            times: Vec::new(),
        }
    }

    /// A match finished at `at` into the run, leaving these standings.
    pub fn finished(&mut self, standings: &Standings, at: Duration) {
        self.finished += 1;
        if self.times.len() >= 4 * SAMPLES {
            self.times.drain(..2 * SAMPLES);
        }
        self.times.push(at.as_secs_f64());
        if self.finished % self.stride != 0 {
            return;
        }
        let mut points = vec![0.0; self.bots];
        for row in &standings.rows {
            if let Some(p) = points.get_mut(row.bot) {
                *p = row.points;
            }
        }
        self.points.push((self.finished, points));
        if self.points.len() > SAMPLES {
            let mut i = 0;
            self.points.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            self.stride *= 2;
        }
    }

    /// A sample of matches finished before this process (a resumed run's journal).
    pub fn add(&mut self, finished: usize, standings: &Standings) {
        let mut points = vec![0.0; self.bots];
        for row in &standings.rows {
            if let Some(p) = points.get_mut(row.bot) {
                *p = row.points;
            }
        }
        self.finished = finished;
        self.points.push((finished, points));
    }

    /// Matches finished in each of `buckets` equal stretches of the run so far (the
    /// throughput sparkline).
    pub fn throughput(&self, buckets: usize, now: Duration) -> Vec<u64> {
        let buckets = buckets.max(1);
        let mut counts = vec![0u64; buckets];
        let end = now
            .as_secs_f64()
            .max(self.times.last().copied().unwrap_or(0.0));
        let start = self.times.first().copied().unwrap_or(0.0).min(end);
        let span = (end - start).max(1e-9);
        for &t in &self.times {
            let i = (((t - start) / span) * buckets as f64) as usize;
            counts[i.min(buckets - 1)] += 1;
        }
        counts
    }
}
