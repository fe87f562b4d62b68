//! Values across the Python boundary in the bot process, after `lock`: observations in
//! (JSON to `Struct`s and lists), actions out (exact plain types only, capped), and a
//! Python exception as an error reply. Pure memory work: no system call of its own.

use crate::cage::protocol::{ErrorKind, Reply};
use crate::cage::zygote::interpreter::Prepared;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Value};

/// Caps on what an agent may return.
const ACTION_DEPTH: usize = 32;
const ACTION_ITEMS: usize = 100_000;
const ACTION_BYTES: usize = 1024 * 1024;
/// Tracebacks are cut to their last part, which names the failing line.
const TRACEBACK_BYTES: usize = 8 * 1024;

/// A JSON scalar as `json.loads` makes it (`int` for a number without a fraction or an
/// exponent, else `float`); `None` for an array or an object.
pub fn scalar_to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Option<Bound<'py, PyAny>>> {
    Ok(Some(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any(),
            (None, Some(u)) => u.into_pyobject(py)?.into_any(),
            _ => n.as_f64().unwrap_or(0.0).into_pyobject(py)?.into_any(),
        },
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(_) | Value::Object(_) => return Ok(None),
    }))
}

/// Builds the bot's view of a JSON value: objects become `Struct`s (attribute access).
pub fn to_py<'py>(py: Python<'py>, prep: &Prepared, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    if let Some(scalar) = scalar_to_py(py, v)? {
        return Ok(scalar);
    }
    Ok(match v {
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
        _ => py.None().into_bound(py),
    })
}

/// A fresh copy of what [`to_py`] made: every `Struct` and list new, as a second
/// `to_py` of the same JSON would give (the scalars, immutable, shared, as Kaggle's
/// `structify` shares them), but copied in C instead of built from JSON.
pub fn fresh_copy<'py>(
    py: Python<'py>,
    prep: &Prepared,
    v: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let struct_class = prep.struct_class.bind(py);
    if v.get_type().is(struct_class) {
        // `Struct(v)`: dict's own merge of the entries.
        let copy = struct_class.call1((v,))?;
        let entries = copy.cast::<PyDict>()?;
        for (key, item) in v.cast::<PyDict>()?.iter() {
            if item.get_type().is(struct_class) || item.is_exact_instance_of::<PyList>() {
                entries.set_item(key, fresh_copy(py, prep, &item)?)?;
            }
        }
        return Ok(copy);
    }
    if let Ok(list) = v.cast_exact::<PyList>() {
        let copy = PyList::empty(py);
        for item in list.iter() {
            copy.append(fresh_copy(py, prep, &item)?)?;
        }
        return Ok(copy.into_any());
    }
    Ok(v.clone())
}

/// What an action has used of its caps so far, and the one class besides `dict` that
/// reads as a dict (our `Struct`; a bot's class of the same name does not).
struct Budget {
    items: usize,
    bytes: usize,
    struct_class: *mut pyo3::ffi::PyObject,
}

/// An agent's result as JSON, or why it cannot be an action.
pub fn action_value(
    py: Python<'_>,
    prep: &Prepared,
    action: &Bound<'_, PyAny>,
) -> Result<Value, String> {
    let mut budget = Budget {
        items: 0,
        bytes: 0,
        struct_class: prep.struct_class.bind(py).as_ptr(),
    };
    from_py(action, 0, &mut budget)
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
    if obj.is_exact_instance_of::<PyDict>() || obj.get_type().as_ptr() == budget.struct_class {
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

/// A Python exception as an error reply: its type, message and traceback (the tail of it).
pub fn error_reply(py: Python<'_>, prep: &Prepared, e: &PyErr) -> Reply {
    let is_memory = e.is_instance_of::<pyo3::exceptions::PyMemoryError>(py);
    let kind = if is_memory {
        ErrorKind::Memory
    } else {
        ErrorKind::Crash
    };
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
            // One item per frame; the host's helper frames are not the bot's business.
            let host = format!("  File \"{}\"", crate::cage::zygote::interpreter::HOST_FILE);
            for line in lines.try_iter()? {
                let line = line?.extract::<String>()?;
                if !line.starts_with(&host) {
                    out.push_str(&line);
                }
            }
            Ok(out)
        })
        .unwrap_or_default();
    let cut = traceback.len().saturating_sub(TRACEBACK_BYTES);
    let cut = (cut..=traceback.len())
        .find(|i| traceback.is_char_boundary(*i))
        .unwrap_or(traceback.len());
    Reply::error(kind, &ty, &message, &traceback[cut..])
}
