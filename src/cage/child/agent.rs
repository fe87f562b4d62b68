//! A Python bot process's life after caging: report the layers, receive the source, find
//! the agent, serve moves. Everything here but [`redirect_output`] runs after `lock`,
//! under the seccomp table in `seccomp.rs`: it reads and writes its two pipes and runs
//! Python on memory it already has.

use super::convert::{action_value, error_reply, fresh_copy, to_py};
use super::setup::{FD_LOG, FD_LOG_ERR, FD_REPLY, FD_REQUEST};
use crate::cage::frame;
use crate::cage::layers::Layers;
use crate::cage::protocol::{ErrorKind, Hello, Module, Reply, Request, SetupError, Step};
use crate::cage::zygote::interpreter::Prepared;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::fs::File;
use std::io::BufReader;
use std::mem::ManuallyDrop;
use std::os::fd::FromRawFd;

/// The largest request the bot process accepts from the host (bot source included).
const REQUEST_CAP: usize = 16 * 1024 * 1024;

/// The host's end of the pipes, seen from the bot process. Requests are read through a
/// buffer: the host writes each in one go, so one `read` usually takes header and body.
struct Pipes {
    request: ManuallyDrop<BufReader<File>>,
    reply: ManuallyDrop<File>,
    /// The body of the last request, kept so no move allocates one.
    body: Vec<u8>,
}

impl Pipes {
    fn open() -> Pipes {
        // SAFETY: fds 0 and 3 were set up by `setup::isolate` and stay open for the
        // life of the process; ManuallyDrop keeps us from closing them.
        unsafe {
            Pipes {
                request: ManuallyDrop::new(BufReader::with_capacity(
                    64 * 1024,
                    File::from_raw_fd(FD_REQUEST),
                )),
                reply: ManuallyDrop::new(File::from_raw_fd(FD_REPLY)),
                body: Vec::new(),
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

    /// The next request, parsed in one pass; one of the wrong shape is answered with a
    /// protocol error.
    fn receive(&mut self) -> Result<Request<'static>, Reply> {
        if frame::read_body(&mut *self.request, REQUEST_CAP, &mut self.body).is_err() {
            // SAFETY: as above.
            unsafe { libc::_exit(0) };
        }
        serde_json::from_slice(&self.body)
            .map_err(|e| Reply::error(ErrorKind::Protocol, "", &format!("bad request: {e}"), ""))
    }
}

/// Reports the layers, loads the bot, serves moves. Never returns: the process leaves
/// with `_exit`, so no `__del__` or atexit hook runs.
pub fn serve(py: Python<'_>, prep: &Prepared, layers: &Layers, streams: Streams) -> ! {
    let mut pipes = Pipes::open();
    super::warm::warm_up(py, prep);
    pipes.send(&Hello::Caged(layers.clone()));
    let (stdout, stderr) = streams;
    let flush = |py: Python<'_>| {
        for stream in [&stdout, &stderr] {
            let _ = stream.bind(py).call_method0(pyo3::intern!(py, "flush"));
        }
    };

    let mut request = pipes.receive();
    // The host keeps no code of this source yet: it asks for it first (nothing of the
    // bot has run when the code goes back).
    let mut compiled = None;
    if let Ok(Request::Compile { name, source }) = &request {
        match super::compiled::compile(py, prep, name, source) {
            Ok((code, reply)) => {
                pipes.send(&reply);
                compiled = Some((name.clone(), source.clone(), code.unbind()));
            }
            Err(reply) => {
                pipes.send(&reply);
                // SAFETY: see Pipes::send.
                unsafe { libc::_exit(1) }
            }
        }
        request = pipes.receive();
    }
    let loaded = match request {
        Ok(Request::Load {
            name,
            source,
            seed,
            modules,
            code,
        }) => {
            let given = match (code, compiled) {
                (Some(text), _) => super::compiled::from_text(py, prep, &text).map(Some),
                (None, Some((n, s, code))) if n == name && s == source => {
                    Ok(Some(code.into_bound(py)))
                }
                _ => Ok(None),
            };
            given.and_then(|code| load(py, prep, &name, &source, seed, &modules, code))
        }
        Ok(Request::Act(_) | Request::Compile { .. }) => Err(Reply::error(
            ErrorKind::Protocol,
            "",
            "expected a load request",
            "",
        )),
        Err(reply) => Err(reply),
    };
    flush(py);
    let mut config = ConfigView::default();
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
            Ok(Request::Act(question)) => match config.get(py, prep, &question.config) {
                Ok(config) => act(py, prep, &agent, &question.obs, &config),
                Err(e) => error_reply(py, prep, &e),
            },
            Ok(Request::Load { .. } | Request::Compile { .. }) => {
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
pub fn redirect_output(py: Python<'_>, prep: &Prepared) -> Result<Streams, SetupError> {
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
    streams
        .map_err(|e| SetupError::new(Step::Output, format!("cannot set up the bot's output: {e}")))
}

/// The bot's agent and how many of (observation, configuration) it takes, read once at
/// load.
pub struct Agent {
    function: Py<PyAny>,
    arity: usize,
}

/// The configuration as the bot sees it: built once while the host's text stays the
/// same (a game's configuration does not change during a match) and kept out of the
/// bot's reach, and handed as a fresh copy every move, as kaggle_environments'
/// `Agent.act` hands each move a new `structify` of it — a bot that changes what it was
/// given finds the configuration whole at its next move. Nothing of it goes back to the
/// host.
#[derive(Default)]
pub struct ConfigView {
    last: Option<(String, Py<PyAny>)>,
}

impl ConfigView {
    pub fn get<'py>(
        &mut self,
        py: Python<'py>,
        prep: &Prepared,
        config: &RawValue,
    ) -> PyResult<Bound<'py, PyAny>> {
        let template = match &self.last {
            Some((text, template)) if text == config.get() => template,
            _ => {
                let value: Value = serde_json::from_str(config.get())
                    .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
                let template = to_py(py, prep, &value)?.unbind();
                &self.last.insert((config.get().to_owned(), template)).1
            }
        };
        fresh_copy(py, prep, template.bind(py))
    }
}

/// Runs the bot's source and finds its agent: the last callable it defines (Kaggle's rule).
/// Tracebacks name it `name` (its file name); a bundle's `main.py` runs as its file in
/// the cage (`__file__`, tracebacks) with its `modules` importable. `code`: the source
/// compiled already (see `compiled.rs`). Also the bench's cold baseline, which runs it
/// without a cage.
pub fn load(
    py: Python<'_>,
    prep: &Prepared,
    name: &str,
    source: &str,
    seed: u64,
    modules: &[Module],
    code: Option<Bound<'_, PyAny>>,
) -> Result<(Agent, Reply), Reply> {
    let run = || -> PyResult<Py<PyAny>> {
        prep.random_seed.bind(py).call1((seed,))?;
        if let Some(numpy_seed) = &prep.numpy_seed {
            // numpy's legacy seeding takes 32 bits.
            numpy_seed.bind(py).call1((seed & 0xffff_ffff,))?;
        }
        let globals = PyDict::new(py);
        let file = match super::files::root() {
            Some(root) => {
                let with = super::modules::Interpreter {
                    sys: prep.sys.bind(py),
                    io: prep.io.bind(py),
                    builtins: prep.builtins.bind(py),
                    compile: prep.compile.bind(py),
                    exec: prep.exec.bind(py),
                    linecache: prep.linecache.bind(py),
                };
                super::modules::install(py, with, modules, root)?;
                let file = super::modules::file_of(root, "main.py");
                globals.set_item("__file__", &file)?;
                file
            }
            // Tracebacks name the bot's file (`File "greedy.py", line 4`).
            None => super::compiled::file_name(name).to_string(),
        };
        super::modules::remember_source(py, &prep.linecache, &file, source)?;
        globals.set_item("__builtins__", prep.builtins.bind(py))?;
        globals.set_item("__name__", "<bot>")?;
        let code = match code {
            Some(code) => code,
            None => prep
                .compile
                .bind(py)
                .call1((source, file.as_str(), "exec"))?,
        };
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
            let agent = Agent {
                function: agent,
                arity,
            };
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

/// Calls the agent once and makes its result a reply.
pub fn act(
    py: Python<'_>,
    prep: &Prepared,
    agent: &Agent,
    obs: &Value,
    config: &Bound<'_, PyAny>,
) -> Reply {
    let function = agent.function.bind(py);
    let args = (|| -> PyResult<Bound<'_, PyTuple>> {
        let all = [to_py(py, prep, obs)?, config.clone()];
        PyTuple::new(py, &all[..agent.arity])
    })();
    match args.and_then(|args| function.call1(args)) {
        Ok(action) => match action_value(py, prep, &action) {
            Ok(v) => Reply::Action(v),
            Err(why) => Reply::error(ErrorKind::BadAction, "", &why, ""),
        },
        Err(e) => error_reply(py, prep, &e),
    }
}
