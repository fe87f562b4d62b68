//! A Python bot process's life after caging: report the layers, receive the source, find
//! the agent, serve moves. Everything here but [`redirect_output`] runs after `lock`,
//! under the seccomp table in `seccomp.rs`: it reads and writes its two pipes and runs
//! Python on memory it already has.

use super::convert::{action_value, error_reply, to_py};
use super::setup::{FD_LOG, FD_LOG_ERR, FD_REPLY, FD_REQUEST};
use crate::cage::frame;
use crate::cage::layers::Layers;
use crate::cage::protocol::{ErrorKind, Hello, Reply, Request};
use crate::cage::zygote::interpreter::Prepared;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use serde::Serialize;
use serde_json::Value;
use std::fs::File;
use std::mem::ManuallyDrop;
use std::os::fd::FromRawFd;

/// The largest request the bot process accepts from the host (bot source included).
const REQUEST_CAP: usize = 16 * 1024 * 1024;

/// The host's end of the pipes, seen from the bot process.
struct Pipes {
    request: ManuallyDrop<File>,
    reply: ManuallyDrop<File>,
}

impl Pipes {
    fn open() -> Pipes {
        // SAFETY: fds 0 and 3 were set up by `setup::isolate` and stay open for the
        // life of the process; ManuallyDrop keeps us from closing them.
        unsafe {
            Pipes {
                request: ManuallyDrop::new(File::from_raw_fd(FD_REQUEST)),
                reply: ManuallyDrop::new(File::from_raw_fd(FD_REPLY)),
            }
        }
    }

    fn send(&mut self, message: &impl Serialize) {
        if frame::write_frame(&mut *self.reply, message).is_err() {
            // The host has gone; there is nobody to serve.
            // SAFETY: leaving without running any Python or Rust destructor is the point.
            unsafe { libc::_exit(0) };
        }
    }

    /// The next request; one of the wrong shape is answered with a protocol error.
    fn receive(&mut self) -> Result<Request<'static>, Reply> {
        let value: Value = match frame::read_frame(&mut *self.request, REQUEST_CAP) {
            Ok(v) => v,
            // SAFETY: as above.
            Err(_) => unsafe { libc::_exit(0) },
        };
        serde_json::from_value(value)
            .map_err(|e| Reply::error(ErrorKind::Protocol, "", &format!("bad request: {e}"), ""))
    }
}

/// Reports the layers, loads the bot, serves moves. Never returns: the process leaves
/// with `_exit`, so no `__del__` or atexit hook runs.
pub fn serve(py: Python<'_>, prep: &Prepared, layers: &Layers, streams: Streams) -> ! {
    let mut pipes = Pipes::open();
    pipes.send(&Hello::Caged(layers.clone()));
    let (stdout, stderr) = streams;
    let flush = |py: Python<'_>| {
        for stream in [&stdout, &stderr] {
            let _ = stream.bind(py).call_method0("flush");
        }
    };

    let loaded = match pipes.receive() {
        Ok(Request::Load { source, seed, .. }) => load(py, prep, &source, seed),
        Ok(Request::Act(_)) => Err(Reply::error(
            ErrorKind::Protocol,
            "",
            "expected a load request",
            "",
        )),
        Err(reply) => Err(reply),
    };
    flush(py);
    let agent = match loaded {
        Ok((agent, reply)) => {
            pipes.send(&reply);
            agent
        }
        Err(reply) => {
            pipes.send(&reply);
            // SAFETY: see Pipes::send.
            unsafe { libc::_exit(1) }
        }
    };
    loop {
        let reply = match pipes.receive() {
            Ok(Request::Act(question)) => act(py, prep, &agent, &question.obs, &question.config),
            Ok(Request::Load { .. }) => {
                Reply::error(ErrorKind::Protocol, "", "expected an act request", "")
            }
            Err(reply) => reply,
        };
        flush(py);
        pipes.send(&reply);
    }
}

/// The bot's `sys.stdout` and `sys.stderr`, flushed after every move.
pub type Streams = (Py<PyAny>, Py<PyAny>);

/// Sends the bot's printed output to fd 1 and 2 (the host's log pipe), as text that never
/// fails to encode. Runs between `isolate` and `lock`: creating the streams needs `fstat`,
/// which seccomp refuses.
pub fn redirect_output(py: Python<'_>, prep: &Prepared) -> Result<Streams, String> {
    let io = prep.io.bind(py);
    let sys = prep.sys.bind(py);
    let make = |fd: i32| -> PyResult<Py<PyAny>> {
        let raw = io.call_method1("FileIO", (fd, "w", false))?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("encoding", "utf-8")?;
        kwargs.set_item("errors", "backslashreplace")?;
        Ok(io
            .getattr("TextIOWrapper")?
            .call((raw,), Some(&kwargs))?
            .unbind())
    };
    let streams = (|| -> PyResult<Streams> {
        let out = make(FD_LOG)?;
        let err = make(FD_LOG_ERR)?;
        sys.setattr("stdout", out.bind(py))?;
        sys.setattr("stderr", err.bind(py))?;
        Ok((out, err))
    })();
    streams.map_err(|e| format!("cannot set up the bot's output: {e}"))
}

/// Runs the bot's source and finds its agent: the last callable it defines (Kaggle's rule).
/// Also the bench's cold baseline, which runs it without a cage.
pub fn load(
    py: Python<'_>,
    prep: &Prepared,
    source: &str,
    seed: u64,
) -> Result<(Py<PyAny>, Reply), Reply> {
    let run = || -> PyResult<Py<PyAny>> {
        prep.random_seed.bind(py).call1((seed,))?;
        register_source(py, prep, source)?;
        let globals = PyDict::new(py);
        globals.set_item("__builtins__", prep.builtins.bind(py))?;
        globals.set_item("__name__", "<bot>")?;
        let code = prep.compile.bind(py).call1((source, "<bot>", "exec"))?;
        prep.exec.bind(py).call1((code, &globals))?;
        let mut last = None;
        for value in globals.values().iter() {
            if value.is_callable() {
                last = Some(value);
            }
        }
        last.map(Bound::unbind).ok_or_else(|| {
            pyo3::exceptions::PyTypeError::new_err(
                "the bot defines no function: the agent is the last callable in the file",
            )
        })
    };
    match run() {
        Ok(agent) => {
            let a = agent.bind(py);
            let name = a
                .getattr("__name__")
                .and_then(|n| n.extract::<String>())
                .unwrap_or_else(|_| "<agent>".into());
            let arity = arity(a);
            Ok((agent, Reply::Ready { agent: name, arity }))
        }
        Err(e) => Err(error_reply(py, prep, &e)),
    }
}

/// Kaggle calls the agent with `[observation, configuration][:co_argcount]`.
fn arity(agent: &Bound<'_, PyAny>) -> usize {
    agent
        .getattr("__code__")
        .and_then(|c| c.getattr("co_argcount"))
        .and_then(|n| n.extract::<usize>())
        .map(|n| n.min(2))
        .unwrap_or(2)
}

/// Lets tracebacks quote the bot's lines although the bot has no file.
fn register_source(py: Python<'_>, prep: &Prepared, source: &str) -> PyResult<()> {
    let lines = PyList::empty(py);
    for line in source.split_inclusive('\n') {
        lines.append(line)?;
    }
    let entry = PyTuple::new(
        py,
        [
            source.len().into_pyobject(py)?.into_any(),
            py.None().into_bound(py),
            lines.into_any(),
            "<bot>".into_pyobject(py)?.into_any(),
        ],
    )?;
    prep.linecache.bind(py).set_item("<bot>", entry)
}

/// Calls the agent once and makes its result a reply.
pub fn act(
    py: Python<'_>,
    prep: &Prepared,
    agent: &Py<PyAny>,
    obs: &Value,
    config: &Value,
) -> Reply {
    let agent = agent.bind(py);
    let args = (|| -> PyResult<Bound<'_, PyTuple>> {
        let all = [to_py(py, prep, obs)?, to_py(py, prep, config)?];
        PyTuple::new(py, &all[..arity(agent)])
    })();
    match args.and_then(|args| agent.call1(args)) {
        Ok(action) => match action_value(py, prep, &action) {
            Ok(v) => Reply::Action(v),
            Err(why) => Reply::error(ErrorKind::BadAction, "", &why, ""),
        },
        Err(e) => error_reply(py, prep, &e),
    }
}
