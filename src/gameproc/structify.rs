//! Kaggle's `structify` (kaggle_environments.utils) in Rust, for the game process: the
//! Kaggle core calls it twice a step on the whole state (before and after the
//! interpreter, as Kaggle's core does), which was a third of a Python game's step.
//! It makes exactly what `kaggle_utils.structify` makes; any case that module treats
//! specially (a key that is not a string, or is `self`; a subclass of list or dict other
//! than `Struct`; a `Struct` with an `items` key) is handed to that Python function, so
//! its results and its exceptions are Kaggle's. Checked against it in
//! `tests/it/environments.rs`.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyType};

/// Containers nested deeper than this are Python's `RecursionError`, as in Kaggle's (its
/// recursion limit stops it at about 480: two frames a level), so no state can exhaust
/// this thread's stack. Between the two limits Kaggle's makes what this refuses.
const DEPTH: usize = 400;

struct Parts {
    /// `kaggle_utils.Struct`.
    class: Py<PyType>,
    /// `dict.__new__`: an empty `Struct` without running its `__init__`.
    new: Py<PyAny>,
    /// The Python `structify`, for the cases it treats specially.
    python: Py<PyAny>,
}

static PARTS: PyOnceLock<Parts> = PyOnceLock::new();

/// Replaces `utils.structify` with the Rust one (the Python one is kept as
/// `utils._structify_python`). Call before anything imports `structify` by name.
pub fn install(py: Python<'_>, utils: &Bound<'_, PyModule>) -> PyResult<()> {
    let python = utils.getattr("structify")?;
    let parts = Parts {
        class: utils.getattr("Struct")?.cast_into::<PyType>()?.unbind(),
        new: py.get_type::<PyDict>().getattr("__new__")?.unbind(),
        python: python.clone().unbind(),
    };
    let _ = PARTS.set(py, parts);
    utils.setattr("_structify_python", python)?;
    utils.setattr("structify", wrap_pyfunction!(structify, utils)?)?;
    Ok(())
}

/// Whether `v` is exactly a `kaggle_utils.Struct`.
pub(super) fn is_struct(v: &Bound<'_, PyAny>) -> bool {
    PARTS
        .get(v.py())
        .is_some_and(|parts| v.get_type().is(parts.class.bind(v.py())))
}

/// `structify(o)`: lists and dicts, cloned, with every dict a `Struct`.
#[pyfunction]
fn structify<'py>(py: Python<'py>, o: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let parts = PARTS
        .get(py)
        .ok_or_else(|| pyo3::exceptions::PyRuntimeError::new_err("structify is not set up"))?;
    clone(py, parts, o, 0)
}

/// What `structify` returns as it is, without a call (the Python one's `_PLAIN`).
fn plain(v: &Bound<'_, PyAny>) -> bool {
    v.is_exact_instance_of::<PyInt>()
        || v.is_exact_instance_of::<PyString>()
        || v.is_exact_instance_of::<PyFloat>()
        || v.is_exact_instance_of::<PyBool>()
        || v.is_none()
}

fn clone<'py>(
    py: Python<'py>,
    parts: &Parts,
    o: &Bound<'py, PyAny>,
    depth: usize,
) -> PyResult<Bound<'py, PyAny>> {
    if plain(o) {
        return Ok(o.clone());
    }
    let class = parts.class.bind(py);
    let python = || parts.python.bind(py).call1((o,));
    if depth > DEPTH {
        return Err(pyo3::exceptions::PyRecursionError::new_err(
            "maximum recursion depth exceeded in structify",
        ));
    }
    if o.is_exact_instance_of::<PyDict>() || o.get_type().is(class) {
        let Ok(dict) = o.cast::<PyDict>() else {
            return python();
        };
        let out = parts.new.bind(py).call1((class,))?;
        let entries = out.cast::<PyDict>()?;
        for (k, v) in dict.iter() {
            let Ok(key) = k.cast_exact::<PyString>() else {
                return python();
            };
            // A key that is not valid UTF-8 (a lone surrogate) is neither name below.
            let key = key.to_str().unwrap_or_default();
            if key == "items" {
                // A Struct's `items` entry may shadow the method Python's version calls.
                if o.get_type().is(class) {
                    return python();
                }
                continue;
            }
            if key == "self" {
                return python();
            }
            entries.set_item(&k, clone(py, parts, &v, depth + 1)?)?;
        }
        // A Struct reads its keys as attributes: its `__dict__` holds the same entries.
        out.getattr(pyo3::intern!(py, "__dict__"))?
            .cast::<PyDict>()?
            .update(entries.as_mapping())?;
        return Ok(out);
    }
    if o.is_exact_instance_of::<PyList>() {
        let list = o.cast::<PyList>()?;
        let items = list
            .iter()
            .map(|v| clone(py, parts, &v, depth + 1))
            .collect::<PyResult<Vec<_>>>()?;
        return Ok(PyList::new(py, items)?.into_any());
    }
    if o.is_instance_of::<PyList>() || o.is_instance_of::<PyDict>() {
        return python();
    }
    Ok(o.clone())
}
