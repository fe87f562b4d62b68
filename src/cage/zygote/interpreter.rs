//! The embedded interpreter, in the zygote: isolated start-up, the preloaded modules,
//! and the stripped builtins every bot process inherits. Runs before privileges are
//! dropped and before any fork; the bot's side (load, act) is in `child/agent.rs`.
//!
//! Stripped builtins and the import gate are the *usability* layer: they turn a bot's
//! `open(...)` or `import os` into a clear error. They are not the security boundary;
//! the kernel layers applied before any bot code runs are.

use crate::cage::child::gate;
use crate::cage::policy::{FORBIDDEN_MODULES, KAGGLE_ENVIRONMENTS};
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

/// The file name the host's helper code is compiled under.
pub const HOST_FILE: &str = "<cagematch>";

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

/// Imports a listed package from the site folders and, since a bot cannot read a file
/// once caged, every submodule it has (a lazy `import numpy.linalg` inside a bot would
/// fail otherwise), skipping tests and build tools. Runs in the zygote with the real
/// builtins, before any bot exists. Returns the submodules that failed to import.
const PRELOAD_SOURCE: &str = r#"
import importlib, pkgutil, sys

SKIP = {"tests", "test", "testing", "conftest", "benchmarks", "setup", "__main__",
        "f2py", "distutils", "_pyinstaller", "__pyinstaller", "_distributor_init"}

def _walk(module, missed):
    for info in pkgutil.iter_modules(module.__path__, module.__name__ + "."):
        last = info.name.rsplit(".", 1)[1]
        if last in SKIP or last.startswith(("test_", "_test")):
            continue
        try:
            sub = importlib.import_module(info.name)
        except BaseException:
            missed.append(info.name)
            continue
        if info.ispkg and hasattr(sub, "__path__"):
            _walk(sub, missed)

WALKED = set()

def _third_party(module, site):
    where = getattr(module, "__file__", None) or ""
    return hasattr(module, "__path__") and any(where.startswith(s) for s in site)

def preload(name, site):
    module = importlib.import_module(name)
    missed = []
    # The package, then every third-party package it pulled in, until none is new: a
    # dependency's lazy imports (scikit-learn's narwhals, pandas' dateutil) must be
    # loaded too.
    todo = [module]
    while todo:
        package = todo.pop()
        WALKED.add(package.__name__)
        if _third_party(package, site):
            _walk(package, missed)
        for other, loaded in list(sys.modules.items()):
            top = other.partition(".")[0]
            if top not in WALKED and loaded is not None and _third_party(sys.modules.get(top), site):
                WALKED.add(top)
                todo.append(sys.modules[top])
    return missed
"#;

/// What preloading left: modules bots may import, those that failed (and why), and
/// modules with native code or sockets that came in as dependencies.
struct Preloaded {
    failed: Vec<(String, String)>,
    native: Vec<String>,
}

/// Adds `site` to `sys.path` (after the standard library, which a venv cannot shadow),
/// imports `modules` (walking third-party packages), and checks what got loaded: with no
/// site folders nothing that gives native code or sockets may be; with them such
/// modules may come in as dependencies and are listed, and the gate never hands them out.
fn preload(
    py: Python<'_>,
    modules: &[String],
    site: &[std::path::PathBuf],
) -> Result<Preloaded, String> {
    let err = |e: PyErr| format!("{e}");
    let sys = py.import("sys").map_err(err)?;
    let path = sys.getattr("path").map_err(err)?;
    let site: Vec<String> = site.iter().map(|p| p.display().to_string()).collect();
    for s in &site {
        path.call_method1("append", (s,)).map_err(err)?;
    }
    let helper = PyDict::new(py);
    let builtins_mod = py.import("builtins").map_err(err)?;
    helper
        .set_item("__builtins__", &builtins_mod)
        .map_err(err)?;
    builtins_mod
        .getattr("exec")
        .and_then(|exec| exec.call1((PRELOAD_SOURCE, &helper)))
        .map_err(err)?;
    let walk = helper
        .get_item("preload")
        .map_err(err)?
        .ok_or("no preload")?;
    let mut failed = Vec::new();
    for name in modules {
        if name == KAGGLE_ENVIRONMENTS {
            continue; // built in, installed with the bots' builtins
        }
        let stdlib = crate::cage::policy::DEFAULT_MODULES.contains(&name.as_str());
        match walk.call1((name.as_str(), site.clone())) {
            Ok(_) => {}
            Err(e) if stdlib => return Err(format!("cannot preload module '{name}': {e}")),
            Err(e) => failed.push((name.clone(), one_line(&e.to_string()))),
        }
    }
    let loaded = sys.getattr("modules").map_err(err)?;
    let loaded = loaded
        .cast::<PyDict>()
        .map_err(|_| "sys.modules is not a dict".to_string())?;
    let mut native = Vec::new();
    for name in FORBIDDEN_MODULES {
        if loaded.contains(*name).map_err(err)? {
            native.push(name.to_string());
        }
    }
    if site.is_empty() && !native.is_empty() {
        return Err(format!(
            "module '{}' is loaded after preloading {modules:?}; it would give bots native \
             code or sockets, so the cage refuses to start",
            native[0]
        ));
    }
    clear_environment(py).map_err(err)?;
    Ok(Preloaded { failed, native })
}

/// The zygote's environment (the thread limits of [`crate::cage::policy::ZYGOTE_ENV`])
/// has done its work once the libraries are loaded; bots get none of it, neither in C
/// nor in `posix.environ` or `os.environ`, which copied it at start-up.
fn clear_environment(py: Python<'_>) -> PyResult<()> {
    // SAFETY: the zygote is single-threaded; nothing holds a pointer into the environment.
    unsafe { libc::clearenv() };
    py.import("posix")?
        .getattr("environ")?
        .call_method0("clear")?;
    let modules = py.import("sys")?.getattr("modules")?;
    if let Some(os) = modules.cast::<PyDict>()?.get_item("os")? {
        os.getattr("environ")?
            .getattr("_data")?
            .call_method0("clear")?;
    }
    Ok(())
}

/// An exception's text on one line, cut to a readable length.
fn one_line(text: &str) -> String {
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or(text);
    line.chars().take(300).collect()
}

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
    /// A bot's compiled code as text and back (see `child::compiled`).
    pub code_text: CodeText,
    /// The made-up bot a bot process runs before it reports ready, compiled here once
    /// (see `child::warm`).
    pub warm_code: Py<PyAny>,
    /// numpy's global generator's `seed`, when numpy is preloaded: seeded per match and
    /// seat like `random` (see [`super::numpy_rng::seed_numpy`]).
    pub numpy_seed: Option<Py<PyAny>>,
    pub sys: Py<PyAny>,
    pub io: Py<PyAny>,
    pub version: String,
    /// Listed modules that failed to preload, and why.
    pub failed: Vec<(String, String)>,
    /// Native-code or socket modules loaded as dependencies of listed packages.
    pub native: Vec<String>,
}

/// What turns a code object into text the host keeps and back: `marshal` and base64.
pub struct CodeText {
    pub dumps: Py<PyAny>,
    pub loads: Py<PyAny>,
    pub encode: Py<PyAny>,
    pub decode: Py<PyAny>,
    /// `types.CodeType`: what `loads` must have made.
    pub code_type: Py<PyAny>,
}

impl CodeText {
    fn new(py: Python<'_>) -> PyResult<CodeText> {
        let (marshal, binascii) = (py.import("marshal")?, py.import("binascii")?);
        Ok(CodeText {
            dumps: marshal.getattr("dumps")?.unbind(),
            loads: marshal.getattr("loads")?.unbind(),
            encode: binascii.getattr("b2a_base64")?.unbind(),
            decode: binascii.getattr("a2b_base64")?.unbind(),
            code_type: py.import("types")?.getattr("CodeType")?.unbind(),
        })
    }
}

impl Prepared {
    /// Preloads `modules` (with `site` on the path), checks what got loaded, and builds
    /// the bot's builtins. Runs in the zygote, before privileges are dropped.
    pub fn new(
        py: Python<'_>,
        modules: &[String],
        site: &[std::path::PathBuf],
    ) -> Result<Prepared, String> {
        let err = |e: PyErr| format!("{e}");
        let Preloaded { failed, native } = preload(py, modules, site)?;
        let sys = py.import("sys").map_err(err)?;
        let loaded = sys.getattr("modules").map_err(err)?;
        let loaded = loaded
            .cast::<PyDict>()
            .map_err(|_| "sys.modules is not a dict".to_string())?;
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
        // Named so a bot's traceback can leave the host's own frames out (see
        // `HOST_FRAME`): `obs.missing` raises inside `Struct.__getattr__`.
        let code = builtins_mod
            .getattr("compile")
            .and_then(|c| c.call1((HELPER_SOURCE, HOST_FILE, "exec")))
            .map_err(err)?;
        exec.call1((code, &helper)).map_err(err)?;
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

        gate::allow(py, modules, &failed, loaded.clone().unbind());
        if modules.iter().any(|m| m == KAGGLE_ENVIRONMENTS) {
            install_kaggle(py, &builtins, loaded)
                .map_err(|e| format!("cannot build the kaggle_environments stand-in: {e}"))?;
        }

        warm_up(py, &traceback).map_err(|e| format!("cannot warm up the interpreter: {e}"))?;
        let version = sys
            .getattr("version")
            .and_then(|v| v.extract::<String>())
            .map_err(err)?;
        let code_text = CodeText::new(py).map_err(err)?;
        let warm_code = super::warm_bot::compile(&builtins_mod.getattr("compile").map_err(err)?)
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
            code_text,
            warm_code,
            numpy_seed: super::numpy_rng::seed_numpy(py, loaded, &random)
                .map_err(|e| format!("cannot seed numpy per seat: {e}"))?,
            sys: sys.into_any().unbind(),
            io: io.into_any().unbind(),
            version: version.lines().next().unwrap_or_default().to_string(),
            failed,
            native,
        })
    }
}

/// The `kaggle_environments` stand-in, parents first: (module, source, is a package).
const KAGGLE: &[(&str, &str, bool)] = &[
    (
        "kaggle_environments",
        include_str!("kaggle/__init__.py"),
        true,
    ),
    (
        "kaggle_environments.utils",
        include_str!("kaggle/utils.py"),
        false,
    ),
    ("kaggle_environments.envs", "", true),
    ("kaggle_environments.envs.rps", "", true),
    (
        "kaggle_environments.envs.rps.utils",
        include_str!("kaggle/rps_utils.py"),
        false,
    ),
    (
        "kaggle_environments.envs.rps.agents",
        include_str!("kaggle/rps_agents.py"),
        false,
    ),
    ("kaggle_environments.envs.connectx", "", true),
    (
        "kaggle_environments.envs.connectx.connectx",
        include_str!("kaggle/connectx.py"),
        false,
    ),
];

/// Builds the stand-in's modules in `sys.modules`. Their code runs with the bots' own
/// builtins and imports through the gate, so nothing in them reaches further than a
/// bot's code could.
fn install_kaggle(
    py: Python<'_>,
    builtins: &Bound<'_, PyDict>,
    modules: &Bound<'_, PyDict>,
) -> PyResult<()> {
    let module_type = py.import("types")?.getattr("ModuleType")?;
    let exec = py.import("builtins")?.getattr("exec")?;
    for (name, source, package) in KAGGLE {
        let module = module_type.call1((*name,))?;
        let globals = module.getattr("__dict__")?;
        globals.set_item("__builtins__", builtins)?;
        if *package {
            globals.set_item("__path__", pyo3::types::PyList::empty(py))?;
        }
        modules.set_item(*name, &module)?;
        if let Some((parent, child)) = name.rsplit_once('.') {
            if let Some(parent) = modules.get_item(parent)? {
                parent.setattr(child, &module)?;
            }
        }
        exec.call1((*source, &globals))?;
    }
    Ok(())
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
