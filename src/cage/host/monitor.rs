//! Live CPU and memory of running bots, for the UI: the referee registers each seat's
//! process as its match starts and forgets them when it ends; the UI samples every
//! second. Read from `/proc/PID/stat`, which any user may read for any process it can
//! see — a caged bot is not dumpable, which hides its `/proc/PID/status` and memory
//! maps from its own user, but not the CPU times and resident pages here — so it needs
//! no privilege. A pid reused since it was registered (its start time differs) reads
//! as gone.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

/// A process's resources, as last sampled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Usage {
    /// CPU time over wall time since the previous sample, in percent of one core.
    pub cpu_percent: f64,
    /// Resident memory.
    pub rss_bytes: u64,
}

/// One registered process: its pid, its start time (to tell a reused pid) and its
/// CPU ticks at the last sample.
#[derive(Debug, Clone, Copy)]
struct Watched {
    pid: i32,
    start: u64,
    ticks: Option<(u64, Instant)>,
}

/// Running bots by (match id, seat).
#[derive(Debug, Default)]
pub struct Monitor {
    seats: Mutex<BTreeMap<(usize, usize), Watched>>,
    runner: Mutex<Option<(u64, Instant)>>,
}

/// What `/proc/PID/stat` says: CPU ticks (user + system), start time, resident pages.
fn stat(pid: &str) -> Option<(u64, u64, u64)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces and parentheses: the fields start after the
    // last `)`, with the state as field 3.
    let rest = &text[text.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let field = |n: usize| fields.get(n - 3)?.parse::<u64>().ok();
    Some((field(14)? + field(15)?, field(22)?, field(24)?))
}

fn ticks_per_second() -> f64 {
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if hz > 0 {
        hz as f64
    } else {
        100.0
    }
}

fn page_size() -> u64 {
    // SAFETY: sysconf has no preconditions.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    u64::try_from(size).unwrap_or(4096)
}

/// The usage since `before` (none on a first sample: a rate needs two).
fn usage(ticks: u64, pages: u64, before: Option<(u64, Instant)>, now: Instant) -> Usage {
    let cpu_percent = before.map_or(0.0, |(was, at)| {
        let wall = now.duration_since(at).as_secs_f64();
        if wall > 0.0 {
            ticks.saturating_sub(was) as f64 / ticks_per_second() / wall * 100.0
        } else {
            0.0
        }
    });
    Usage {
        cpu_percent,
        rss_bytes: pages * page_size(),
    }
}

impl Monitor {
    /// Seat `seat` of match `id` is the process `pid` (from now until [`Monitor::forget`]).
    pub fn register(&self, id: usize, seat: usize, pid: i32) {
        let Some((_, start, _)) = stat(&pid.to_string()) else {
            return;
        };
        if let Ok(mut seats) = self.seats.lock() {
            seats.insert(
                (id, seat),
                Watched {
                    pid,
                    start,
                    ticks: None,
                },
            );
        }
    }

    /// Match `id` has ended: its seats are no longer watched.
    pub fn forget(&self, id: usize) {
        if let Ok(mut seats) = self.seats.lock() {
            seats.retain(|&(m, _), _| m != id);
        }
    }

    /// Every watched seat's usage now (a seat whose process is gone is left out).
    pub fn sample(&self) -> BTreeMap<(usize, usize), Usage> {
        let now = Instant::now();
        let mut out = BTreeMap::new();
        let Ok(mut seats) = self.seats.lock() else {
            return out;
        };
        for (&key, watched) in seats.iter_mut() {
            let Some((ticks, start, pages)) = stat(&watched.pid.to_string()) else {
                continue;
            };
            if start != watched.start {
                continue;
            }
            out.insert(key, usage(ticks, pages, watched.ticks, now));
            watched.ticks = Some((ticks, now));
        }
        out
    }

    /// This process's own usage (the runner: the UI, the workers, the referee).
    pub fn runner(&self) -> Option<Usage> {
        let (ticks, _, pages) = stat("self")?;
        let now = Instant::now();
        let mut last = self.runner.lock().ok()?;
        let u = usage(ticks, pages, *last, now);
        *last = Some((ticks, now));
        Some(u)
    }
}

/// Forgets a match's seats when dropped (the referee holds one for the match, so an
/// error return forgets them too).
pub struct Watching<'a> {
    pub monitor: &'a Monitor,
    pub id: usize,
}

impl Drop for Watching<'_> {
    fn drop(&mut self) {
        self.monitor.forget(self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_process_shows_cpu_and_memory_and_is_forgotten_when_its_match_ends() {
        let monitor = Monitor::default();
        monitor.register(7, 0, std::process::id() as i32);
        assert_eq!(
            monitor.sample()[&(7, 0)].cpu_percent,
            0.0,
            "a rate needs two"
        );
        let until = Instant::now() + std::time::Duration::from_millis(200);
        let mut x = 0u64;
        while Instant::now() < until {
            x = x.wrapping_mul(31).wrapping_add(1);
        }
        std::hint::black_box(x);
        let u = monitor.sample()[&(7, 0)];
        assert!(u.cpu_percent > 0.0, "{u:?}");
        assert!(u.rss_bytes > 0, "{u:?}");
        monitor.forget(7);
        assert!(monitor.sample().is_empty());
        // A pid that is not running is not watched.
        monitor.register(8, 0, i32::MAX);
        assert!(monitor.sample().is_empty());
        assert!(monitor.runner().is_some());
    }
}
