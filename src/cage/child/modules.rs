//! A bundle's own Python modules (`import model` from `main.py`), imported from the
//! sources that came with the load request: no file is opened, and each module runs with
//! the bots' stripped builtins and imports through the gate, exactly as `main.py` does.
//! Runs in the bot process after `lock` (memory only).

use crate::cage::protocol::Module;
use pyo3::exceptions::PyImportError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use std::path::Path;
use std::sync::OnceLock;

/// The bundle's modules and what running them needs, fixed at load.
struct Bundle {
    modules: Vec<Module>,
    /// Where the bot sees its bundle (for `__file__`, `__path__` and tracebacks).
    root: String,
    /// The bundle's modules imported so far, by name.
    loaded: Py<PyDict>,
    builtins: Py<PyDict>,
    compile: Py<PyAny>,
    exec: Py<PyAny>,
    module_type: Py<PyAny>,
    linecache: Py<PyDict>,
}

static BUNDLE: OnceLock<Bundle> = OnceLock::new();

/// What running a bundle's modules needs of the interpreter (the zygote's prepared
/// objects, in this bot process).
pub struct Interpreter<'a, 'py> {
    pub sys: &'a Bound<'py, PyAny>,
    pub io: &'a Bound<'py, PyAny>,
    pub builtins: &'a Bound<'py, PyDict>,
    pub compile: &'a Bound<'py, PyAny>,
    pub exec: &'a Bound<'py, PyAny>,
    pub linecache: &'a Bound<'py, PyDict>,
}

/// Makes `modules` importable in this bot process (once, at load).
pub fn install(
    py: Python<'_>,
    with: Interpreter<'_, '_>,
    modules: &[Module],
    root: &Path,
) -> PyResult<()> {
    let sys_modules = with.sys.getattr("modules")?;
    let module_type = sys_modules.get_item("types")?.getattr("ModuleType")?;
    let bundle = Bundle {
        modules: modules.to_vec(),
        root: root.display().to_string(),
        loaded: PyDict::new(py).unbind(),
        builtins: with.builtins.clone().unbind(),
        compile: with.compile.clone().unbind(),
        exec: with.exec.clone().unbind(),
        module_type: module_type.unbind(),
        linecache: with.linecache.clone().unbind(),
    };
    let _ = BUNDLE.set(bundle);
    // A bundle reads its own files: `open` comes back (the process's copy of the
    // builtins only). Seccomp refuses every writing open, Landlock and the private root
    // every file outside the bundle.
    with.builtins.set_item("open", with.io.getattr("open")?)?;
    Ok(())
}

/// The path the bot sees a bundle file at, e.g. `/kaggle_simulations/agent/main.py`.
pub fn file_of(root: &Path, path: &str) -> String {
    format!("{}/{path}", root.display())
}

/// True when `name`'s top level is one of the bundle's modules.
pub fn has(name: &str) -> bool {
    let top = name.split('.').next().unwrap_or(name);
    BUNDLE
        .get()
        .is_some_and(|b| b.modules.iter().any(|m| m.name == top))
}

/// The absolute name of a relative import (`from .x import y` in a bundle package).
pub fn absolute(name: &str, level: i64, globals: Option<&Bound<'_, PyAny>>) -> Option<String> {
    let package: String = globals?.get_item("__package__").ok()?.extract().ok()?;
    if package.is_empty() || !has(&package) {
        return None;
    }
    let parts: Vec<&str> = package.split('.').collect();
    let keep = parts.len().checked_sub(usize::try_from(level).ok()? - 1)?;
    let base = parts[..keep].join(".");
    Some(match (base.is_empty(), name.is_empty()) {
        (true, _) => name.to_string(),
        (false, true) => base,
        (false, false) => format!("{base}.{name}"),
    })
}

/// Imports `name` (and its parents) from the bundle, as `__import__` would: the top
/// package, or the module itself when names are asked `from` it (submodules named in
/// `fromlist` are imported too).
pub fn import<'py>(
    py: Python<'py>,
    name: &str,
    fromlist: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let module = load(py, name)?;
    let wants: Vec<String> = match fromlist {
        Some(list) if list.is_truthy()? => list
            .try_iter()?
            .filter_map(|n| n.ok()?.extract::<String>().ok())
            .collect(),
        _ => {
            let top = name.split('.').next().unwrap_or(name);
            return load(py, top);
        }
    };
    for item in wants {
        let sub = format!("{name}.{item}");
        if item != "*" && !module.hasattr(item.as_str())? && known(&sub) {
            load(py, &sub)?;
        }
    }
    Ok(module)
}

fn known(name: &str) -> bool {
    BUNDLE
        .get()
        .is_some_and(|b| b.modules.iter().any(|m| m.name == name))
}

/// Loads one module of the bundle by its full name (parents first), once.
fn load<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    let bundle = BUNDLE
        .get()
        .ok_or_else(|| PyImportError::new_err("this bot has no bundle"))?;
    let loaded = bundle.loaded.bind(py);
    if let Some(module) = loaded.get_item(name)? {
        return Ok(module);
    }
    let Some(spec) = bundle.modules.iter().find(|m| m.name == name) else {
        return Err(PyImportError::new_err(format!(
            "the bundle has no module '{name}'"
        )));
    };
    let parent = match name.rsplit_once('.') {
        Some((parent, _)) => Some(load(py, parent)?),
        None => None,
    };
    let file = format!("{}/{}", bundle.root, spec.path);
    let module = bundle.module_type.bind(py).call1((name,))?;
    let globals = module.getattr("__dict__")?;
    globals.set_item("__builtins__", bundle.builtins.bind(py))?;
    globals.set_item("__file__", &file)?;
    let package = if spec.package {
        let folder = file.rsplit_once('/').map_or("", |(f, _)| f).to_string();
        globals.set_item("__path__", PyList::new(py, [folder])?)?;
        name.to_string()
    } else {
        name.rsplit_once('.').map_or("", |(p, _)| p).to_string()
    };
    globals.set_item("__package__", package)?;
    // In before it runs, so modules that import each other find it (as Python does).
    loaded.set_item(name, &module)?;
    let run = || -> PyResult<()> {
        remember_source(py, &bundle.linecache, &file, &spec.code)?;
        let code = bundle
            .compile
            .bind(py)
            .call1((spec.code.as_str(), file.as_str(), "exec"))?;
        bundle.exec.bind(py).call1((code, &globals))?;
        Ok(())
    };
    if let Err(e) = run() {
        loaded.del_item(name)?;
        return Err(e);
    }
    if let (Some(parent), Some((_, child))) = (parent, name.rsplit_once('.')) {
        parent.setattr(child, &module)?;
    }
    Ok(module)
}

/// Lets tracebacks quote a file's lines although the bot process reads no source file.
pub fn remember_source(
    py: Python<'_>,
    linecache: &Py<PyDict>,
    file: &str,
    source: &str,
) -> PyResult<()> {
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
            file.into_pyobject(py)?.into_any(),
        ],
    )?;
    linecache.bind(py).set_item(file, entry)
}
