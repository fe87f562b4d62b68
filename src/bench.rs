//! `cagematch bench`: spawn time and per-move round trip, each next to a baseline
//! measured in the same run on the same machine.

use crate::cage::{BotSource, Cage, CagePolicy};
use serde_json::json;
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TRIVIAL_BOT: &str = "def agent(observation, configuration):\n    return 0\n";

struct Figure {
    name: &'static str,
    samples: Vec<Duration>,
}

impl Figure {
    fn quantile(&self, q: f64) -> Duration {
        let mut s = self.samples.clone();
        s.sort();
        s.get(((s.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or_default()
    }
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

pub fn run(spawns: usize, moves: usize, as_json: bool) -> Result<(), String> {
    let policy = CagePolicy::for_current_exe().map_err(|e| e.to_string())?;
    let cage = Cage::start(&policy).map_err(|e| e.to_string())?;
    let source = BotSource {
        name: "trivial.py".into(),
        code: TRIVIAL_BOT.into(),
    };
    let budget = Duration::from_secs(5);

    let mut spawn = Figure {
        name: "spawn: request to caged, loaded bot",
        samples: vec![],
    };
    for i in 0..spawns.max(1) {
        let t = Instant::now();
        let mut bot = cage.spawn().map_err(|e| e.to_string())?;
        bot.load(&source, i as u64, budget)
            .map_err(|e| e.to_string())?;
        spawn.samples.push(t.elapsed());
    }
    let mut cold = Figure {
        name: "baseline: cold `python3 -I -S` running the same bot",
        samples: vec![],
    };
    let script = format!("{TRIVIAL_BOT}agent({{}}, {{}})\n");
    for _ in 0..(spawns / 10).max(5) {
        let t = Instant::now();
        let status = Command::new(env!("CAGEMATCH_PYTHON_EXE"))
            .args(["-I", "-S", "-c", &script])
            .stdin(Stdio::null())
            .status()
            .map_err(|e| format!("cannot run python3 for the baseline: {e}"))?;
        if !status.success() {
            return Err("the python3 baseline failed".into());
        }
        cold.samples.push(t.elapsed());
    }

    let mut bot = cage.spawn().map_err(|e| e.to_string())?;
    bot.load(&source, 0, budget).map_err(|e| e.to_string())?;
    let obs = json!({"step": 0});
    let config = json!({});
    let mut rt = Figure {
        name: "move: caged bot round trip",
        samples: vec![],
    };
    for _ in 0..moves.max(1) {
        let t = Instant::now();
        bot.act(&obs, &config, budget).map_err(|e| e.to_string())?;
        rt.samples.push(t.elapsed());
    }
    let floor = pipe_floor(
        moves.max(1),
        crate::cage::frame::encode(&json!({"act": {"obs": obs, "config": config}})).len(),
    )?;

    let figures = [spawn, cold, rt, floor];
    if as_json {
        let obj: serde_json::Map<String, serde_json::Value> = figures
            .iter()
            .map(|f| {
                (
                    f.name.to_string(),
                    json!({ "n": f.samples.len(), "median_us": micros(f.quantile(0.5)), "p95_us": micros(f.quantile(0.95)) }),
                )
            })
            .collect();
        say!("{}", serde_json::Value::Object(obj));
    } else {
        say!("{:<56} {:>7} {:>12} {:>12}", "figure", "n", "median", "p95");
        for f in &figures {
            say!(
                "{:<56} {:>7} {:>10.1}µs {:>10.1}µs",
                f.name,
                f.samples.len(),
                micros(f.quantile(0.5)),
                micros(f.quantile(0.95))
            );
        }
        let s = figures[0].quantile(0.5).as_secs_f64();
        let c = figures[1].quantile(0.5).as_secs_f64();
        let m = micros(figures[2].quantile(0.5));
        let p = micros(figures[3].quantile(0.5));
        say!("\nspawn is {:.1}x faster than a cold python3; a move costs {:.1}µs over the raw pipe floor", c / s, m - p);
    }
    Ok(())
}

/// The physical floor: the same number of bytes bounced through `cat` over two pipes.
fn pipe_floor(rounds: usize, size: usize) -> Result<Figure, String> {
    let mut child = Command::new("cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run cat for the pipe baseline: {e}"))?;
    let mut to = child.stdin.take().ok_or("no stdin")?;
    let mut from = child.stdout.take().ok_or("no stdout")?;
    let msg = vec![b'x'; size];
    let mut back = vec![0u8; size];
    let mut fig = Figure {
        name: "baseline: raw pipe ping-pong through `cat`",
        samples: vec![],
    };
    for _ in 0..rounds {
        let t = Instant::now();
        to.write_all(&msg).map_err(|e| e.to_string())?;
        from.read_exact(&mut back).map_err(|e| e.to_string())?;
        fig.samples.push(t.elapsed());
    }
    drop(to);
    let _ = child.wait();
    Ok(fig)
}
