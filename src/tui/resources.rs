//! Live CPU and memory of the running bots and of the runner, as btop shows a process
//! list: sampled from the cage's monitor once a second on the UI's tick, shown on the
//! wall's cards and header and on a bot's page.

use crate::cage::{Monitor, Usage};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// How often the processes are sampled (a CPU rate needs a span to mean anything).
const EVERY: Duration = Duration::from_secs(1);

#[derive(Debug, Default)]
pub struct Resources {
    monitor: Option<Arc<Monitor>>,
    /// Each running seat's usage by (match id, seat), as last sampled.
    pub seats: BTreeMap<(usize, usize), Usage>,
    /// The runner's own (this process: workers, referee, UI).
    pub runner: Option<Usage>,
    last: Option<Duration>,
}

impl Resources {
    /// Samples `monitor` from now on (a live run; a replay has none).
    pub fn watching(monitor: Arc<Monitor>) -> Resources {
        Resources {
            monitor: Some(monitor),
            ..Resources::default()
        }
    }

    /// Samples again if a second has passed since the last time (`now`: the UI's clock).
    pub fn tick(&mut self, now: Duration) {
        let Some(monitor) = &self.monitor else {
            return;
        };
        if self.last.is_some_and(|at| now.saturating_sub(at) < EVERY) {
            return;
        }
        self.last = Some(now);
        self.seats = monitor.sample();
        self.runner = monitor.runner();
    }

    pub fn seat(&self, id: usize, seat: usize) -> Option<&Usage> {
        self.seats.get(&(id, seat))
    }

    /// "now #5: CPU 12% · 34 MiB" for each of `running` (match id, seats) that `bot`
    /// sits in, at most three.
    pub fn now<'a>(
        &self,
        running: impl Iterator<Item = (usize, &'a [usize])>,
        bot: usize,
    ) -> Vec<String> {
        let mut lines = Vec::new();
        for (id, seats) in running {
            for (seat, _) in seats.iter().enumerate().filter(|(_, &b)| b == bot) {
                if let Some(u) = self.seat(id, seat) {
                    lines.push(format!("now #{}: {}", id + 1, long(u)));
                }
            }
        }
        lines.truncate(3);
        lines
    }
}

const MIB: f64 = 1024.0 * 1024.0;

/// "12% 34M": a card's corner.
pub fn short(u: &Usage) -> String {
    format!("{:.0}% {:.0}M", u.cpu_percent, u.rss_bytes as f64 / MIB)
}

/// "CPU 12% · 34 MiB".
pub fn long(u: &Usage) -> String {
    format!(
        "CPU {:.0}% · {:.0} MiB",
        u.cpu_percent,
        u.rss_bytes as f64 / MIB
    )
}
