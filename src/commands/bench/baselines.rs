//! The baselines a caged bot's round trip is compared with in the same run: the same
//! bytes through `cat` over two pipes (the floor), a python3 reading JSON lines (the
//! usual runner), and Kaggle's in-process loop (no isolation at all).

use super::figures::{Figure, TRIVIAL_BOT};
use crate::affinity;
use crate::error::Error;
use serde_json::json;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub(super) fn spawn_pinned(cmd: &mut Command, cpu: usize) -> Result<Child, Error> {
    let child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(Error::runtime)?;
    affinity::pin(child.id() as libc::pid_t, cpu);
    Ok(child)
}

/// The physical floor: the same number of bytes bounced through `cat` over two pipes.
pub(super) struct Cat {
    child: Child,
    to: Option<std::process::ChildStdin>,
    from: std::process::ChildStdout,
    msg: Vec<u8>,
    back: Vec<u8>,
}

impl Cat {
    pub(super) fn start(size: usize, cpu: usize) -> Result<Cat, Error> {
        let mut child = spawn_pinned(&mut Command::new("cat"), cpu)
            .map_err(|e| Error::runtime(format!("cannot run cat for the pipe baseline: {e}")))?;
        Ok(Cat {
            to: Some(
                child
                    .stdin
                    .take()
                    .ok_or_else(|| Error::runtime("no stdin"))?,
            ),
            from: child
                .stdout
                .take()
                .ok_or_else(|| Error::runtime("no stdout"))?,
            child,
            msg: vec![b'x'; size],
            back: vec![0u8; size],
        })
    }

    pub(super) fn once(&mut self) -> Result<(), Error> {
        let to = self.to.as_mut().ok_or_else(|| Error::runtime("no stdin"))?;
        to.write_all(&self.msg).map_err(Error::runtime)?;
        self.from.read_exact(&mut self.back).map_err(Error::runtime)
    }
}

/// The usual approach: a python3 subprocess reading and writing JSON lines.
pub(super) struct JsonLines {
    child: Child,
    to: Option<std::process::ChildStdin>,
    from: BufReader<std::process::ChildStdout>,
    line: String,
    back: String,
}

impl JsonLines {
    pub(super) fn start(cpu: usize) -> Result<JsonLines, Error> {
        let script = format!(
            "import sys, json\n{TRIVIAL_BOT}for line in sys.stdin:\n    m = json.loads(line)\n    sys.stdout.write(json.dumps(agent(m['obs'], m['config'])) + '\\n')\n    sys.stdout.flush()\n"
        );
        let mut child = spawn_pinned(
            Command::new(env!("CAGEMATCH_PYTHON_EXE")).args(["-c", &script]),
            cpu,
        )
        .map_err(|e| {
            Error::runtime(format!(
                "cannot run python3 for the JSON-lines baseline: {e}"
            ))
        })?;
        Ok(JsonLines {
            to: Some(
                child
                    .stdin
                    .take()
                    .ok_or_else(|| Error::runtime("no stdin"))?,
            ),
            from: BufReader::new(
                child
                    .stdout
                    .take()
                    .ok_or_else(|| Error::runtime("no stdout"))?,
            ),
            child,
            line: format!("{}\n", json!({"obs": {"step": 0}, "config": {}})),
            back: String::new(),
        })
    }

    pub(super) fn once(&mut self) -> Result<(), Error> {
        let to = self.to.as_mut().ok_or_else(|| Error::runtime("no stdin"))?;
        to.write_all(self.line.as_bytes()).map_err(Error::runtime)?;
        self.back.clear();
        match self.from.read_line(&mut self.back) {
            Ok(0) => Err(Error::runtime("the JSON-lines baseline ended")),
            Ok(_) => Ok(()),
            Err(e) => Err(Error::runtime(e)),
        }
    }
}

/// A baseline ends when its input closes.
fn end(to: &mut Option<std::process::ChildStdin>, child: &mut Child) {
    drop(to.take());
    let _ = child.wait();
}

impl Drop for Cat {
    fn drop(&mut self) {
        end(&mut self.to, &mut self.child);
    }
}

impl Drop for JsonLines {
    fn drop(&mut self) {
        end(&mut self.to, &mut self.child);
    }
}

/// What Kaggle's runner does: the agent called in the same Python process in a plain
/// loop, no isolation at all, timed by Python around each call (the observation built
/// per call, with attribute access as ours has). Runs on the calling thread's CPUs.
pub(super) fn in_process(calls: usize) -> Result<Figure, Error> {
    let script = format!(
        "import sys, time, json\nclass Struct(dict):\n    def __getattr__(self, k):\n        try:\n            return self[k]\n        except KeyError:\n            raise AttributeError(k)\n{TRIVIAL_BOT}config = Struct()\nout = []\nfor i in range({calls}):\n    t = time.perf_counter_ns()\n    agent(Struct(step=i), config)\n    out.append(time.perf_counter_ns() - t)\nsys.stdout.write(json.dumps(out))\n"
    );
    let out = Command::new(env!("CAGEMATCH_PYTHON_EXE"))
        .args(["-c", &script])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| {
            Error::runtime(format!(
                "cannot run python3 for the in-process baseline: {e}"
            ))
        })?;
    let nanos: Vec<u64> = serde_json::from_slice(&out.stdout)
        .map_err(|e| Error::runtime(format!("the in-process baseline printed no timings: {e}")))?;
    let mut fig = Figure::new((
        "in_process_python",
        "baseline: agent called in-process (Kaggle's way, no isolation)",
    ));
    fig.samples = nanos.into_iter().map(Duration::from_nanos).collect();
    Ok(fig)
}
