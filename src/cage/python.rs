//! The embedded interpreter: isolated start-up in the zygote, and the bot's side of the
//! protocol in the caged child (load the source, find the agent, call it, reply).
//!
//! Stripped builtins and the import gate are the *usability* layer: they turn a bot's
//! `open(...)` or `import os` into a clear error. They are not the security boundary;
//! the kernel layers applied before any of this runs are.

use super::frame;
use super::layers::Layers;
use super::policy::FORBIDDEN_MODULES;
use pyo3::exceptions::PyImportError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyModule, PyString, PyTuple};
use serde_json::{json, Map, Value};
use std::fs::File;
use std::mem::ManuallyDrop;
use std::os::fd::FromRawFd;
use std::sync::OnceLock;

/// The interpreter's prefix, found at build time from the Python that pyo3 linked against.
const PYTHON_HOME: &str = env!("CAGEMATCH_PYTHON_HOME");

/// The largest request the bot process accepts from the host (bot source included).
const REQUEST_CAP: usize = 16 * 1024 * 1024;
/// Caps on what an agent may return.
const ACTION_DEPTH: usize = 32;
const ACTION_ITEMS: usize = 100_000;
const ACTION_BYTES: usize = 1024 * 1024;
/// Tracebacks are cut to their last part, which names the failing line.
const TRACEBACK_BYTES: usize = 8 * 1024;

/// Starts CPython isolated from the environment: no `site`, no `PYTHON*` variables, no
/// user site, no bytecode writes, a fixed hash seed and no signal handlers.
pub fn initialize() -> Result<(), String> {
    use pyo3::ffi;
    let wide: Vec<libc::wchar_t> = PYTHON_HOME
        .chars()
        .map(|c| c as libc::wchar_t)
        .chain(std::iter::once(0))
        .collect();
    // SAFETY: the documented PyConfig sequence, on a zeroed config, before any other
    // Python call, in a single-threaded process.
    unsafe {
        let mut config: ffi::PyConfig = std::mem::zeroed();
        ffi::PyConfig_InitIsolatedConfig(&mut config);
        config.site_import = 0;
        config.write_bytecode = 0;
        config.user_site_directory = 0;
        config.use_environment = 0;
        config.install_signal_handlers = 0;
        config.use_hash_seed = 1;
        config.hash_seed = 0;
        config.parse_argv = 0;
        config.pathconfig_warnings = 0;
        config.safe_path = 1;
        let home = std::ptr::addr_of_mut!(config.home);
        let status = ffi::PyConfig_SetString(&mut config, home, wide.as_ptr());
        if ffi::PyStatus_Exception(status) != 0 {
            ffi::PyConfig_Clear(&mut config);
            return Err(status_message(status));
        }
        let status = ffi::Py_InitializeFromConfig(&config);
        ffi::PyConfig_Clear(&mut config);
        if ffi::PyStatus_Exception(status) != 0 {
            return Err(status_message(status));
        }
    }
    Ok(())
}

fn status_message(status: pyo3::ffi::PyStatus) -> String {
    if status.err_msg.is_null() {
        return "Python failed to start".into();
    }
    // SAFETY: err_msg is a static NUL-terminated C string when set.
    let msg = unsafe { std::ffi::CStr::from_ptr(status.err_msg) };
    format!(
        "Python failed to start: {} (home {PYTHON_HOME})",
        msg.to_string_lossy()
    )
}

/// Allowed module names, fixed in the zygote before any fork.
static ALLOWED: OnceLock<Vec<String>> = OnceLock::new();
/// The `Struct` class observations are made of.
static STRUCT: OnceLock<Py<PyAny>> = OnceLock::new();
/// `sys.modules` as it was when the zygote finished preloading.
static MODULES: OnceLock<Py<PyDict>> = OnceLock::new();

const HELPER_SOURCE: &str = r#"
class Struct(dict):
    """A dict whose keys also read as attributes, as Kaggle agents expect."""
    __slots__ = ()
    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None
    def __setattr__(self, name, value):
        self[name] = value
    def __delattr__(self, name):
        try:
            del self[name]
        except KeyError:
            raise AttributeError(name) from None

def unavailable(name, why):
    def stub(*args, **kwargs):
        raise PermissionError(name + "() is not available to cagematch bots: " + why)
    stub.__name__ = name
    stub.__qualname__ = name
    return stub
"#;

/// Builtins a bot does not get, each with the sentence it sees instead.
const REMOVED_BUILTINS: &[(&str, &str)] = &[
    ("open", "bots have no file access"),
    ("exec", "bots cannot run code built at run time"),
    ("eval", "bots cannot run code built at run time"),
    ("compile", "bots cannot run code built at run time"),
    ("input", "bots read their observation, not a keyboard"),
    ("breakpoint", "bots run unattended"),
    ("help", "bots run unattended"),
    ("exit", "return an action instead"),
    ("quit", "return an action instead"),
    ("globals", "introspection is not available"),
    ("locals", "introspection is not available"),
    ("vars", "introspection is not available"),
];

/// What the zygote prepares once and every bot process inherits.
pub struct Prepared {
    struct_class: Py<PyAny>,
    builtins: Py<PyDict>,
    compile: Py<PyAny>,
    exec: Py<PyAny>,
    format_exception: Py<PyAny>,
    linecache: Py<PyDict>,
    random_seed: Py<PyAny>,
    sys: Py<PyAny>,
    io: Py<PyAny>,
    pub version: String,
}

/// The import gate: hands out only modules that are allowed *and* already loaded.
#[pyfunction]
#[pyo3(signature = (name, globals=None, locals=None, fromlist=None, level=0))]
fn gate_import<'py>(
    py: Python<'py>,
    name: &str,
    globals: Option<&Bound<'py, PyAny>>,
    locals: Option<&Bound<'py, PyAny>>,
    fromlist: Option<&Bound<'py, PyAny>>,
    level: i64,
) -> PyResult<Bound<'py, PyAny>> {
    let _ = (globals, locals);
    let allowed = ALLOWED.get().map(Vec::as_slice).unwrap_or_default();
    let listing = || allowed.join(", ");
    if level != 0 {
        return Err(PyImportError::new_err(format!(
            "relative imports are not available to cagematch bots; allowed modules: {}",
            listing()
        )));
    }
    let top = name.split('.').next().unwrap_or(name);
    let modules = MODULES
        .get()
        .ok_or_else(|| PyImportError::new_err("imports are not set up"))?
        .bind(py);
    if !allowed.iter().any(|m| m == top) {
        return Err(PyImportError::new_err(format!(
            "module '{name}' is not available to cagematch bots; allowed modules: {}",
            listing()
        )));
    }
    let Some(module) = modules.get_item(name)? else {
        return Err(PyImportError::new_err(format!(
            "module '{name}' was not preloaded; allowed modules: {}",
            listing()
        )));
    };
    let wants_names = match fromlist {
        Some(list) => list.is_truthy()?,
        None => false,
    };
    if wants_names || top == name {
        return Ok(module);
    }
    modules
        .get_item(top)?
        .ok_or_else(|| PyImportError::new_err(format!("module '{top}' was not preloaded")))
}

impl Prepared {
    /// Preloads `modules`, refuses to go on if a forbidden one got loaded, and builds the
    /// bot's builtins. Runs in the zygote, before privileges are dropped.
    pub fn new(py: Python<'_>, modules: &[String]) -> Result<Prepared, String> {
        let err = |e: PyErr| format!("{e}");
        for name in modules {
            py.import(name.as_str())
                .map_err(|e| format!("cannot preload module '{name}': {e}"))?;
        }
        let sys = py.import("sys").map_err(err)?;
        let loaded = sys.getattr("modules").map_err(err)?;
        let loaded = loaded
            .cast::<PyDict>()
            .map_err(|_| "sys.modules is not a dict".to_string())?;
        for name in FORBIDDEN_MODULES {
            if loaded.contains(*name).map_err(err)? {
                return Err(format!(
                    "module '{name}' is loaded after preloading {modules:?}; it would give bots \
                     native code or sockets, so the cage refuses to start"
                ));
            }
        }
        let traceback = py.import("traceback").map_err(err)?;
        let linecache = py.import("linecache").map_err(err)?;
        let random = py.import("random").map_err(err)?;
        let io = py.import("io").map_err(err)?;
        let builtins_mod = py.import("builtins").map_err(err)?;

        // The helper runs with only the names it needs, so its functions' globals lead
        // nowhere interesting.
        let helper_builtins = PyDict::new(py);
        for name in [
            "__build_class__",
            "dict",
            "KeyError",
            "AttributeError",
            "PermissionError",
        ] {
            helper_builtins
                .set_item(name, builtins_mod.getattr(name).map_err(err)?)
                .map_err(err)?;
        }
        let helper = PyDict::new(py);
        helper
            .set_item("__builtins__", helper_builtins)
            .map_err(err)?;
        helper.set_item("__name__", "cagematch").map_err(err)?;
        let exec = builtins_mod.getattr("exec").map_err(err)?;
        exec.call1((HELPER_SOURCE, &helper)).map_err(err)?;
        let struct_class = helper.get_item("Struct").map_err(err)?.ok_or("no Struct")?;
        let unavailable = helper
            .get_item("unavailable")
            .map_err(err)?
            .ok_or("no unavailable")?;

        let builtins = builtins_mod.dict().copy().map_err(err)?;
        for name in ["__loader__", "__spec__", "copyright", "credits", "license"] {
            if builtins.contains(name).map_err(err)? {
                builtins.del_item(name).map_err(err)?;
            }
        }
        for (name, why) in REMOVED_BUILTINS {
            builtins
                .set_item(*name, unavailable.call1((*name, *why)).map_err(err)?)
                .map_err(err)?;
        }
        builtins
            .set_item(
                "__import__",
                wrap_pyfunction!(gate_import, py).map_err(err)?,
            )
            .map_err(err)?;

        let mut allowed = modules.to_vec();
        allowed.sort();
        let _ = ALLOWED.set(allowed);
        let _ = MODULES.set(loaded.clone().unbind());
        let _ = STRUCT.set(struct_class.clone().unbind());

        warm_up(py, &traceback).map_err(|e| format!("cannot warm up the interpreter: {e}"))?;
        let version = sys
            .getattr("version")
            .and_then(|v| v.extract::<String>())
            .map_err(err)?;
        // Objects made so far never change: keep the collector from touching (and so
        // copying) their pages in every forked bot.
        py.import("gc")
            .and_then(|gc| gc.call_method0("freeze"))
            .map_err(err)?;
        Ok(Prepared {
            struct_class: struct_class.unbind(),
            builtins: builtins.unbind(),
            compile: builtins_mod.getattr("compile").map_err(err)?.unbind(),
            exec: exec.unbind(),
            format_exception: traceback.getattr("format_exception").map_err(err)?.unbind(),
            linecache: linecache
                .getattr("cache")
                .map_err(err)?
                .cast_into::<PyDict>()
                .map_err(|_| "linecache.cache is not a dict".to_string())?
                .unbind(),
            random_seed: random.getattr("seed").map_err(err)?.unbind(),
            sys: sys.into_any().unbind(),
            io: io.into_any().unbind(),
            version: version.lines().next().unwrap_or_default().to_string(),
        })
    }
}

/// Runs once, in the zygote, what a bot process will need later, so that every lazy import
/// behind it (codecs, traceback helpers) happens while files can still be read.
fn warm_up(py: Python<'_>, traceback: &Bound<'_, PyModule>) -> PyResult<()> {
    let io = py.import("io")?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("encoding", "utf-8")?;
    kwargs.set_item("errors", "backslashreplace")?;
    let stream = io
        .getattr("TextIOWrapper")?
        .call((io.call_method0("BytesIO")?,), Some(&kwargs))?;
    stream.call_method1("write", ("warm \u{2603}\n",))?;
    stream.call_method0("flush")?;
    let err = py
        .run(c"def f():\n    raise ValueError('warm')\nf()", None, None)
        .expect_err("the warm-up raises");
    traceback.call_method1("format_exception", (err.value(py),))?;
    Ok(())
}

/// The host's end of the pipes, seen from the bot process.
struct Pipes {
    request: ManuallyDrop<File>,
    reply: ManuallyDrop<File>,
}

impl Pipes {
    fn open() -> Pipes {
        // SAFETY: fds 0 and 3 were set up by `child::cage_self` and stay open for the
        // life of the process; ManuallyDrop keeps us from closing them.
        unsafe {
            Pipes {
                request: ManuallyDrop::new(File::from_raw_fd(super::child::FD_REQUEST)),
                reply: ManuallyDrop::new(File::from_raw_fd(super::child::FD_REPLY)),
            }
        }
    }

    fn send(&mut self, value: &Value) {
        if frame::write_frame(&mut *self.reply, value).is_err() {
            // The host has gone; there is nobody to serve.
            // SAFETY: leaving without running any Python or Rust destructor is the point.
            unsafe { libc::_exit(0) };
        }
    }

    fn receive(&mut self) -> Value {
        match frame::read_frame(&mut *self.request, REQUEST_CAP) {
            Ok(v) => v,
            // SAFETY: as above.
            Err(_) => unsafe { libc::_exit(0) },
        }
    }
}

/// The bot process's life after caging: report the layers, load the bot, serve moves.
/// Never returns: the process leaves with `_exit`, so no `__del__` or atexit hook runs.
pub fn serve(py: Python<'_>, prep: &Prepared, layers: &Layers, streams: Streams) -> ! {
    let mut pipes = Pipes::open();
    pipes.send(&json!({ "caged": layers }));
    let (stdout, stderr) = streams;
    let flush = |py: Python<'_>| {
        for stream in [&stdout, &stderr] {
            let _ = stream.bind(py).call_method0("flush");
        }
    };

    let request = pipes.receive();
    let agent = match load(py, prep, &request) {
        Ok((agent, reply)) => {
            flush(py);
            pipes.send(&reply);
            agent
        }
        Err(reply) => {
            flush(py);
            pipes.send(&reply);
            // SAFETY: see Pipes::send.
            unsafe { libc::_exit(1) }
        }
    };
    loop {
        let request = pipes.receive();
        let reply = act(py, prep, &agent, &request);
        flush(py);
        pipes.send(&reply);
    }
}

/// The bot's `sys.stdout` and `sys.stderr`, flushed after every move.
pub type Streams = (Py<PyAny>, Py<PyAny>);

/// Sends the bot's printed output to fd 1 and 2 (the host's log pipe), as text that never
/// fails to encode. Runs before seccomp: creating the streams needs `fstat`.
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
        let out = make(super::child::FD_LOG)?;
        let err = make(super::child::FD_LOG_ERR)?;
        sys.setattr("stdout", out.bind(py))?;
        sys.setattr("stderr", err.bind(py))?;
        Ok((out, err))
    })();
    streams.map_err(|e| format!("cannot set up the bot's output: {e}"))
}

/// The bench's "cold embedded interpreter" baseline: everything a bot process needs
/// (start CPython, preload the modules, load the bot, answer one move) in a fresh
/// process, without the zygote. Not a sandbox: it runs only the bench's trivial bot.
pub fn cold_start(source: &str) -> Result<(), String> {
    initialize()?;
    Python::attach(|py| {
        let modules: Vec<String> = super::DEFAULT_MODULES
            .iter()
            .map(|m| m.to_string())
            .collect();
        let prep = Prepared::new(py, &modules)?;
        let request = json!({ "load": { "name": "bot.py", "source": source, "seed": 0 } });
        let (agent, _) = load(py, &prep, &request).map_err(|e| e.to_string())?;
        let reply = act(
            py,
            &prep,
            &agent,
            &json!({ "act": { "obs": {}, "config": {} } }),
        );
        match reply.get("action") {
            Some(_) => Ok(()),
            None => Err(reply.to_string()),
        }
    })
}

/// Runs the bot's source and finds its agent: the last callable it defines (Kaggle's rule).
fn load(py: Python<'_>, prep: &Prepared, request: &Value) -> Result<(Py<PyAny>, Value), Value> {
    let fail = |kind: &str, msg: String| error_value(kind, "", &msg, "");
    let load = request
        .get("load")
        .ok_or_else(|| fail("protocol", "expected a load request".into()))?;
    let source = load
        .get("source")
        .and_then(Value::as_str)
        .ok_or_else(|| fail("protocol", "load request without source".into()))?;
    let seed = load.get("seed").and_then(Value::as_u64).unwrap_or(0);

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
            Ok((agent, json!({ "ready": { "agent": name, "arity": arity } })))
        }
        Err(e) => Err(error_reply(py, prep, "crash", &e)),
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

fn act(py: Python<'_>, prep: &Prepared, agent: &Py<PyAny>, request: &Value) -> Value {
    let Some(act) = request.get("act") else {
        return error_value("protocol", "", "expected an act request", "");
    };
    let agent = agent.bind(py);
    let args = (|| -> PyResult<Bound<'_, PyTuple>> {
        let obs = to_py(py, prep, act.get("obs").unwrap_or(&Value::Null))?;
        let config = to_py(py, prep, act.get("config").unwrap_or(&Value::Null))?;
        let all = [obs, config];
        PyTuple::new(py, &all[..arity(agent)])
    })();
    let result = args.and_then(|args| agent.call1(args));
    match result {
        Ok(action) => {
            let mut budget = Budget::default();
            match from_py(&action, 0, &mut budget) {
                Ok(v) => json!({ "action": v }),
                Err(why) => error_value("bad_action", "", &why, ""),
            }
        }
        Err(e) => error_reply(py, prep, "crash", &e),
    }
}

/// Builds the bot's view of a JSON value: objects become `Struct`s (attribute access).
fn to_py<'py>(py: Python<'py>, prep: &Prepared, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any(),
            (None, Some(u)) => u.into_pyobject(py)?.into_any(),
            _ => n.as_f64().unwrap_or(0.0).into_pyobject(py)?.into_any(),
        },
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, prep, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let obj = prep.struct_class.bind(py).call0()?;
            let dict = obj.cast::<PyDict>()?;
            for (k, item) in map {
                dict.set_item(k, to_py(py, prep, item)?)?;
            }
            obj
        }
    })
}

#[derive(Default)]
struct Budget {
    items: usize,
    bytes: usize,
}

/// Serialises an agent's result, accepting exact plain types only, so no method of the
/// bot's (`__repr__`, `__iter__`, `__eq__`…) ever runs here.
fn from_py(obj: &Bound<'_, PyAny>, depth: usize, budget: &mut Budget) -> Result<Value, String> {
    budget.items += 1;
    if depth > ACTION_DEPTH {
        return Err(format!(
            "the action is nested deeper than {ACTION_DEPTH} levels"
        ));
    }
    if budget.items > ACTION_ITEMS {
        return Err(format!("the action has more than {ACTION_ITEMS} items"));
    }
    if budget.bytes > ACTION_BYTES {
        return Err(format!("the action is larger than {ACTION_BYTES} bytes"));
    }
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if obj.is_exact_instance_of::<PyBool>() {
        return Ok(Value::Bool(obj.is_truthy().unwrap_or(false)));
    }
    if obj.is_exact_instance_of::<PyInt>() {
        budget.bytes += 20;
        return obj
            .extract::<i64>()
            .map(Value::from)
            .map_err(|_| "the action holds an integer outside the 64-bit range".to_string());
    }
    if obj.is_exact_instance_of::<PyFloat>() {
        budget.bytes += 24;
        let f = obj.extract::<f64>().map_err(|e| e.to_string())?;
        return serde_json::Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| format!("the action holds {f}, which is not a finite number"));
    }
    if obj.is_exact_instance_of::<PyString>() {
        let s = obj
            .cast::<PyString>()
            .map_err(|e| e.to_string())?
            .to_str()
            .map_err(|_| "the action holds a string that is not valid Unicode".to_string())?;
        budget.bytes += s.len();
        return Ok(Value::String(s.to_owned()));
    }
    if obj.is_exact_instance_of::<PyList>() || obj.is_exact_instance_of::<PyTuple>() {
        let items: Vec<Bound<'_, PyAny>> = match obj.cast::<PyList>() {
            Ok(list) => list.iter().collect(),
            Err(_) => obj
                .cast::<PyTuple>()
                .map_err(|e| e.to_string())?
                .iter()
                .collect(),
        };
        return items
            .iter()
            .map(|item| from_py(item, depth + 1, budget))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array);
    }
    if obj.is_exact_instance_of::<PyDict>() || is_struct(obj) {
        let dict = obj.cast::<PyDict>().map_err(|e| e.to_string())?;
        let mut map = Map::new();
        for (k, v) in dict.iter() {
            if !k.is_exact_instance_of::<PyString>() {
                return Err(format!(
                    "the action has a dict key of type {}; keys must be str",
                    type_name(&k)
                ));
            }
            let key = k
                .cast::<PyString>()
                .map_err(|e| e.to_string())?
                .to_str()
                .map_err(|_| "a dict key is not valid Unicode".to_string())?
                .to_owned();
            budget.bytes += key.len();
            map.insert(key, from_py(&v, depth + 1, budget)?);
        }
        return Ok(Value::Object(map));
    }
    Err(format!(
        "the agent returned a value of type {}; actions must be int, float, str, bool, None, \
         or lists and dicts of these",
        type_name(obj)
    ))
}

/// Our own `Struct` (an observation handed back) counts as a plain dict; a bot's class of
/// the same name does not.
fn is_struct(obj: &Bound<'_, PyAny>) -> bool {
    STRUCT
        .get()
        .is_some_and(|s| obj.get_type().as_ptr() == s.as_ptr())
}

/// The C-level type name: reading it runs no bot code.
fn type_name(obj: &Bound<'_, PyAny>) -> String {
    // SAFETY: every object has a type, and tp_name is a NUL-terminated C string.
    unsafe {
        let tp = pyo3::ffi::Py_TYPE(obj.as_ptr());
        std::ffi::CStr::from_ptr((*tp).tp_name)
            .to_string_lossy()
            .into_owned()
    }
}

fn error_value(kind: &str, ty: &str, message: &str, traceback: &str) -> Value {
    json!({ "error": { "kind": kind, "type": ty, "message": message, "traceback": traceback } })
}

/// A Python exception as an error reply: its type, message and traceback (the tail of it).
fn error_reply(py: Python<'_>, prep: &Prepared, kind: &str, e: &PyErr) -> Value {
    let is_memory = e.is_instance_of::<pyo3::exceptions::PyMemoryError>(py);
    let kind = if is_memory { "memory" } else { kind };
    // SAFETY: an exception's type is a type object; its tp_name is a C string.
    let ty = unsafe {
        let tp = e.get_type(py).as_ptr() as *mut pyo3::ffi::PyTypeObject;
        std::ffi::CStr::from_ptr((*tp).tp_name)
            .to_string_lossy()
            .into_owned()
    };
    let message = e
        .value(py)
        .str()
        .map(|s| s.to_string())
        .unwrap_or_else(|_| "<unprintable message>".into());
    let traceback = prep
        .format_exception
        .bind(py)
        .call1((
            e.get_type(py),
            e.value(py),
            e.traceback(py)
                .map(Bound::into_any)
                .unwrap_or_else(|| py.None().into_bound(py)),
        ))
        .and_then(|lines| {
            let mut out = String::new();
            for line in lines.try_iter()? {
                out.push_str(&line?.extract::<String>()?);
            }
            Ok(out)
        })
        .unwrap_or_default();
    let cut = traceback.len().saturating_sub(TRACEBACK_BYTES);
    let cut = (cut..=traceback.len())
        .find(|i| traceback.is_char_boundary(*i))
        .unwrap_or(traceback.len());
    error_value(kind, &ty, &message, &traceback[cut..])
}
