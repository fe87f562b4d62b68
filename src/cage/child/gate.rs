//! The import gate, installed as the bots' `__import__`: it hands out only modules that
//! are allowed *and* were preloaded by the zygote. Runs in the bot process, after
//! `lock`, whenever bot code imports: it only reads `sys.modules` (no file, no system
//! call beyond memory), so the seccomp table needs nothing for it.

use super::modules;
use pyo3::exceptions::PyImportError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::sync::OnceLock;

/// Allowed module names, fixed in the zygote before any fork.
static ALLOWED: OnceLock<Vec<String>> = OnceLock::new();
/// Allowed modules that failed to preload, and why.
static FAILED: OnceLock<Vec<(String, String)>> = OnceLock::new();
/// The standard library's top-level module names (`sys.stdlib_module_names`): any other
/// name a bot imports is a third-party package, which only the organiser can provide.
static STDLIB: OnceLock<Vec<String>> = OnceLock::new();
/// `sys.modules` as it was when the zygote finished preloading.
static MODULES: OnceLock<Py<PyDict>> = OnceLock::new();

/// Fixes what the gate hands out (in the zygote, once, before any fork).
pub fn allow(py: Python<'_>, modules: &[String], failed: &[(String, String)], loaded: Py<PyDict>) {
    let mut allowed = modules.to_vec();
    allowed.sort();
    let _ = ALLOWED.set(allowed);
    let _ = FAILED.set(failed.to_vec());
    let stdlib: Vec<String> = py
        .import("sys")
        .and_then(|sys| sys.getattr("stdlib_module_names"))
        .and_then(|names| names.try_iter()?.map(|n| n?.extract::<String>()).collect())
        .unwrap_or_default();
    let _ = STDLIB.set(stdlib);
    let _ = MODULES.set(loaded);
}

/// The import gate: hands out only modules that are allowed *and* already loaded.
#[pyfunction]
#[pyo3(signature = (name, globals=None, locals=None, fromlist=None, level=0))]
pub fn gate_import<'py>(
    py: Python<'py>,
    name: &str,
    globals: Option<&Bound<'py, PyAny>>,
    locals: Option<&Bound<'py, PyAny>>,
    fromlist: Option<&Bound<'py, PyAny>>,
    level: i64,
) -> PyResult<Bound<'py, PyAny>> {
    let _ = locals;
    let allowed = ALLOWED.get().map(Vec::as_slice).unwrap_or_default();
    let listing = || allowed.join(", ");
    // A bundle's own modules, after what the organiser allowed (Kaggle appends the
    // bundle's folder to `sys.path`, so installed packages win there too).
    let top = name.split('.').next().unwrap_or(name);
    if level != 0 {
        if let Some(absolute) = modules::absolute(name, level, globals) {
            return modules::import(py, &absolute, fromlist);
        }
    } else if !allowed.iter().any(|m| m == top) && modules::has(name) {
        return modules::import(py, name, fromlist);
    }
    if level != 0 {
        return Err(PyImportError::new_err(format!(
            "relative imports are not available to cagematch bots; allowed modules: {}",
            listing()
        )));
    }
    let modules = MODULES
        .get()
        .ok_or_else(|| PyImportError::new_err("imports are not set up"))?
        .bind(py);
    if !allowed.iter().any(|m| m == top) {
        let stdlib = STDLIB.get().map(Vec::as_slice).unwrap_or_default();
        // The hint goes first: fault details are cut to a few hundred characters.
        let hint = if stdlib.is_empty() || stdlib.iter().any(|m| m == top) {
            String::new()
        } else {
            format!(
                " (third-party: the organiser provides it with `python: {{venv: DIR, modules: [{top}]}}` or --venv DIR --module {top})"
            )
        };
        return Err(PyImportError::new_err(format!(
            "module '{name}' is not available to cagematch bots{hint}; allowed modules: {}",
            listing()
        )));
    }
    let failed = FAILED.get().map(Vec::as_slice).unwrap_or_default();
    if let Some((_, why)) = failed.iter().find(|(m, _)| m == top) {
        return Err(PyImportError::new_err(format!(
            "module '{top}' could not be loaded by the runner, so this bot cannot run here: {why}"
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
