//! The embedded interpreter, in the zygote: isolated start-up, the preloaded modules,
//! and the stripped builtins every bot process inherits. Runs before privileges are
//! dropped and before any fork; the bot's side (load, act) is in `child/agent.rs`.
//!
//! Stripped builtins and the import gate are the *usability* layer: they turn a bot's
//! `open(...)` or `import os` into a clear error. They are not the security boundary;
//! the kernel layers applied before any bot code runs are.

use crate::cage::child::gate;
use crate::cage::policy::FORBIDDEN_MODULES;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyModule};

/// The interpreter's prefix, found at build time from the Python that pyo3 linked against.
const PYTHON_HOME: &str = env!("CAGEMATCH_PYTHON_HOME");

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
    /// The `Struct` class observations are made of.
    pub struct_class: Py<PyAny>,
    pub builtins: Py<PyDict>,
    pub compile: Py<PyAny>,
    pub exec: Py<PyAny>,
    pub format_exception: Py<PyAny>,
    pub linecache: Py<PyDict>,
    pub random_seed: Py<PyAny>,
    pub sys: Py<PyAny>,
    pub io: Py<PyAny>,
    pub version: String,
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
                wrap_pyfunction!(gate::gate_import, py).map_err(err)?,
            )
            .map_err(err)?;

        gate::allow(modules, loaded.clone().unbind());

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
