//! The game process's wire in Rust, its hot path (`kaggle_core.py` calls it as
//! `cagematch_wire`): request lines read from the pipe and replies written to it whole
//! (no text layer between), and a step's request and reply: the actions read into the
//! Python values
//! `json.loads` makes of them, and the reply written straight from the environment's
//! state — what `state_of` and Python's JSON encoder make of it — without building the
//! merged observations as dicts first. Whatever this side would not write exactly as
//! Python does (a key that is not a string, a number JSON cannot carry, a value of
//! another type, a deep nesting, a string that is not UTF-8) is left to the Python path:
//! `reply` returns `None` and `kaggle_core.py` answers as it always did.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::Value;
use std::os::fd::RawFd;

/// Nesting deeper than this is left to Python (its encoder's own limit is higher).
const DEPTH: usize = 200;

/// Adds `cagematch_wire` (`read`, `write`, `actions`, `reply`) to `sys.modules`;
/// replies go to `out` (the private copy of stdout).
pub fn install(py: Python<'_>, out: RawFd) -> PyResult<()> {
    *pipes() = Pipes {
        pending: Vec::new(),
        out,
    };
    let module = PyModule::new(py, "cagematch_wire")?;
    module.add_function(wrap_pyfunction!(read, &module)?)?;
    module.add_function(wrap_pyfunction!(write, &module)?)?;
    module.add_function(wrap_pyfunction!(actions, &module)?)?;
    module.add_function(wrap_pyfunction!(reply, &module)?)?;
    py.import("sys")?
        .getattr("modules")?
        .set_item("cagematch_wire", module)
}

/// The longest request line read (a render or check request is small; a step's is a
/// few hundred bytes).
const MAX_LINE: usize = 16 << 20;

/// The request pipe's bytes read past the last line, and where replies go.
struct Pipes {
    pending: Vec<u8>,
    out: RawFd,
}

fn pipes() -> std::sync::MutexGuard<'static, Pipes> {
    static PIPES: std::sync::Mutex<Pipes> = std::sync::Mutex::new(Pipes {
        pending: Vec::new(),
        out: -1,
    });
    PIPES.lock().unwrap_or_else(|p| p.into_inner())
}

/// The next request line from stdin (with its newline, as `readline` gives it), or `""`
/// once the host has closed it.
#[pyfunction]
fn read() -> PyResult<String> {
    let mut pipes = pipes();
    let pending = &mut pipes.pending;
    let mut searched = 0;
    loop {
        if let Some(at) = pending[searched..].iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = pending.drain(..=searched + at).collect();
            return String::from_utf8(line).map_err(|e| PyValueError::new_err(e.to_string()));
        }
        searched = pending.len();
        if pending.len() > MAX_LINE {
            return Err(PyValueError::new_err("a request line of more than 16 MiB"));
        }
        pending.reserve(4096);
        let room = pending.spare_capacity_mut();
        // SAFETY: reading at most `room.len()` bytes into our own spare capacity.
        let n = unsafe { libc::read(0, room.as_mut_ptr().cast(), room.len()) };
        match n {
            // The host is gone: what is left, then nothing.
            0 => {
                let rest = std::mem::take(pending);
                return String::from_utf8(rest).map_err(|e| PyValueError::new_err(e.to_string()));
            }
            // SAFETY: the kernel wrote `n` bytes there.
            n if n > 0 => unsafe { pending.set_len(pending.len() + n as usize) },
            _ => {
                let e = std::io::Error::last_os_error();
                if e.kind() != std::io::ErrorKind::Interrupted {
                    return Err(e.into());
                }
            }
        }
    }
}

/// Writes `text` (one reply line) to the host, whole.
#[pyfunction]
fn write(text: &str) -> PyResult<()> {
    let out = pipes().out;
    let mut bytes = text.as_bytes();
    while !bytes.is_empty() {
        // SAFETY: writing from a live slice to our own descriptor.
        let n = unsafe { libc::write(out, bytes.as_ptr().cast(), bytes.len()) };
        if n < 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() != std::io::ErrorKind::Interrupted {
                return Err(e.into());
            }
            continue;
        }
        bytes = &bytes[n as usize..];
    }
    Ok(())
}

/// `{"step": [[kind, value], …]}` (the host's request): the list of `[kind, value]`.
#[pyfunction]
fn actions<'py>(py: Python<'py>, line: &str) -> PyResult<Bound<'py, PyList>> {
    #[derive(serde::Deserialize)]
    struct Request {
        step: Vec<(String, Value)>,
    }
    let request: Request =
        serde_json::from_str(line).map_err(|e| PyValueError::new_err(e.to_string()))?;
    let list = PyList::empty(py);
    for (kind, value) in &request.step {
        let pair = [PyString::new(py, kind).into_any(), to_py(py, value)?];
        list.append(PyList::new(py, pair)?)?;
    }
    Ok(list)
}

/// A JSON value as `json.loads` makes it (the host sends no number beyond 64 bits).
fn to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    if let Some(scalar) = crate::cage::child::convert::scalar_to_py(py, v)? {
        return Ok(scalar);
    }
    Ok(match v {
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, item) in map {
                dict.set_item(k, to_py(py, item)?)?;
            }
            dict.into_any()
        }
        _ => py.None().into_bound(py),
    })
}

/// The reply to a step, `{"state": …, "refused": …, "log": …}` as one line of JSON
/// (no newline), or `None` where Python must write it.
#[pyfunction]
fn reply(
    env: &Bound<'_, PyAny>,
    refused: &Bound<'_, PyAny>,
    log: &Bound<'_, PyAny>,
) -> Option<String> {
    // An exception on the way (an attribute missing, a comparison that raises) is
    // Python's to raise again on its own path.
    written(env, refused, log).ok().flatten()
}

fn written(
    env: &Bound<'_, PyAny>,
    refused: &Bound<'_, PyAny>,
    log: &Bound<'_, PyAny>,
) -> PyResult<Option<String>> {
    let py = env.py();
    let mut out = String::with_capacity(1024);
    let state = env.getattr(pyo3::intern!(py, "state"))?;
    let Ok(state) = state.cast::<PyList>() else {
        return Ok(None);
    };
    let Ok(first) = state.get_item(0) else {
        return Ok(None);
    };
    let plan = env.getattr(pyo3::intern!(py, "observation_plan"))?;
    let shared = first.getattr(pyo3::intern!(py, "observation"))?;
    let mut ok = true;
    out.push_str(r#"{"state":{"statuses":["#);
    for (i, agent) in state.iter().enumerate() {
        comma(&mut out, i);
        ok &= encode(&mut out, &agent.getattr(pyo3::intern!(py, "status"))?, 0);
    }
    out.push_str(r#"],"rewards":["#);
    for (i, agent) in state.iter().enumerate() {
        comma(&mut out, i);
        ok &= encode(&mut out, &agent.getattr(pyo3::intern!(py, "reward"))?, 0);
    }
    out.push_str(r#"],"observations":["#);
    for (i, agent) in state.iter().enumerate() {
        comma(&mut out, i);
        let own = agent.getattr(pyo3::intern!(py, "observation"))?;
        match merged(&shared, &own, &plan)? {
            Some(entries) => ok &= encode_entries(&mut out, &entries, 1),
            None => return Ok(None),
        }
    }
    out.push_str(r#"],"step":"#);
    ok &= encode(&mut out, &shared.getattr(pyo3::intern!(py, "step"))?, 0);
    out.push_str(r#"},"refused":"#);
    ok &= encode(&mut out, refused, 0);
    out.push_str(r#","log":"#);
    ok &= encode(&mut out, log, 0);
    out.push('}');
    Ok(ok.then_some(out))
}

fn comma(out: &mut String, i: usize) {
    if i > 0 {
        out.push(',');
    }
}

/// A value of a merged observation: the environment's own, or a nested merge.
enum Entry<'py> {
    Value(Bound<'py, PyAny>),
    Merged(Vec<(Bound<'py, PyAny>, Entry<'py>)>),
}

/// `observation_for`'s `merge(shared, own, plan)` as entries in the order Python's dict
/// would hold them, or `None` where Python must do it (`own` or `shared` not a dict, a
/// plan of another shape).
#[allow(clippy::type_complexity)]
fn merged<'py>(
    shared: &Bound<'py, PyAny>,
    own: &Bound<'py, PyAny>,
    plan: &Bound<'py, PyAny>,
) -> PyResult<Option<Vec<(Bound<'py, PyAny>, Entry<'py>)>>> {
    let (Ok(own), Ok(shared), Ok(plan)) = (
        own.cast::<PyDict>(),
        shared.cast::<PyDict>(),
        plan.cast::<PyTuple>(),
    ) else {
        return Ok(None);
    };
    let (Ok(hidden), Ok(shared_keys), Ok(nested)) = (
        plan.get_item(0).and_then(|l| Ok(l.cast_into::<PyList>()?)),
        plan.get_item(1).and_then(|l| Ok(l.cast_into::<PyList>()?)),
        plan.get_item(2).and_then(|l| Ok(l.cast_into::<PyList>()?)),
    ) else {
        return Ok(None);
    };
    // `out = dict(own)`, then the hidden keys popped.
    let mut entries: Vec<(Bound<'py, PyAny>, Entry<'py>)> = Vec::with_capacity(own.len());
    for (k, v) in own.iter() {
        if !hidden.contains(&k)? {
            entries.push((k, Entry::Value(v)));
        }
    }
    // `out[k] = shared[k]` for each shared key that agent 0 has.
    for k in shared_keys.iter() {
        if let Some(v) = shared.get_item(&k)? {
            set(&mut entries, k, Entry::Value(v))?;
        }
    }
    // `out[k] = merge(shared.get(k) or {}, out[k], inner)` where `out[k]` is a dict.
    for pair in nested.iter() {
        let Ok(pair) = pair.cast::<PyTuple>() else {
            return Ok(None);
        };
        let (k, inner) = (pair.get_item(0)?, pair.get_item(1)?);
        let Some(at) = position(&entries, &k)? else {
            continue;
        };
        let Entry::Value(value) = &entries[at].1 else {
            return Ok(None);
        };
        if !value.is_instance_of::<PyDict>() {
            continue;
        }
        let theirs = match shared.get_item(&k)? {
            Some(v) if v.is_truthy()? => v,
            _ => PyDict::new(shared.py()).into_any(),
        };
        match merged(&theirs, value, &inner)? {
            Some(inner_entries) => entries[at].1 = Entry::Merged(inner_entries),
            None => return Ok(None),
        }
    }
    Ok(Some(entries))
}

fn position(
    entries: &[(Bound<'_, PyAny>, Entry<'_>)],
    key: &Bound<'_, PyAny>,
) -> PyResult<Option<usize>> {
    for (i, (k, _)) in entries.iter().enumerate() {
        if k.eq(key)? {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

/// Sets `key` as a dict does: in place where it is, else at the end.
fn set<'py>(
    entries: &mut Vec<(Bound<'py, PyAny>, Entry<'py>)>,
    key: Bound<'py, PyAny>,
    value: Entry<'py>,
) -> PyResult<()> {
    match position(entries, &key)? {
        Some(at) => entries[at].1 = value,
        None => entries.push((key, value)),
    }
    Ok(())
}

fn encode_entries(
    out: &mut String,
    entries: &[(Bound<'_, PyAny>, Entry<'_>)],
    depth: usize,
) -> bool {
    out.push('{');
    for (i, (k, v)) in entries.iter().enumerate() {
        comma(out, i);
        if !k.is_exact_instance_of::<PyString>() || !encode(out, k, depth) {
            return false;
        }
        out.push(':');
        let ok = match v {
            Entry::Value(v) => encode(out, v, depth + 1),
            Entry::Merged(inner) => depth < DEPTH && encode_entries(out, inner, depth + 1),
        };
        if !ok {
            return false;
        }
    }
    out.push('}');
    true
}

/// Writes `v` as JSON where it is a value Python's encoder writes the same way: exact
/// `None`, `bool`, `int` (64 bits), finite `float`, `str`, `list`, `tuple`, and `dict`
/// or `Struct` with string keys. False where it is not (the caller leaves the reply to
/// Python).
fn encode(out: &mut String, v: &Bound<'_, PyAny>, depth: usize) -> bool {
    if depth > DEPTH {
        return false;
    }
    if v.is_none() {
        out.push_str("null");
    } else if v.is_exact_instance_of::<PyBool>() {
        out.push_str(if v.is_truthy().unwrap_or(false) {
            "true"
        } else {
            "false"
        });
    } else if v.is_exact_instance_of::<PyInt>() {
        match (v.extract::<i64>(), v.extract::<u64>()) {
            (Ok(i), _) => push(out, format_args!("{i}")),
            (_, Ok(u)) => push(out, format_args!("{u}")),
            _ => return false,
        }
    } else if v.is_exact_instance_of::<PyFloat>() {
        let f = v.extract::<f64>().unwrap_or(f64::NAN);
        if !f.is_finite() {
            return false;
        }
        // Shortest digits that read back as `f`, with an exponent where long (`1e300`).
        push(out, format_args!("{f:?}"));
    } else if v.is_exact_instance_of::<PyString>() {
        let Some(s) = v.cast::<PyString>().ok().and_then(|s| s.to_str().ok()) else {
            return false;
        };
        quoted(out, s);
    } else if v.is_exact_instance_of::<PyList>() || v.is_exact_instance_of::<PyTuple>() {
        out.push('[');
        let Ok(items) = v.try_iter() else {
            return false;
        };
        for (i, item) in items.enumerate() {
            comma(out, i);
            match item {
                Ok(item) if encode(out, &item, depth + 1) => {}
                _ => return false,
            }
        }
        out.push(']');
    } else if let Ok(dict) = v.cast::<PyDict>() {
        if !v.is_exact_instance_of::<PyDict>() && !super::structify::is_struct(v) {
            return false;
        }
        out.push('{');
        for (i, (k, item)) in dict.iter().enumerate() {
            comma(out, i);
            if !k.is_exact_instance_of::<PyString>() || !encode(out, &k, depth) {
                return false;
            }
            out.push(':');
            if !encode(out, &item, depth + 1) {
                return false;
            }
        }
        out.push('}');
    } else {
        return false;
    }
    true
}

fn push(out: &mut String, args: std::fmt::Arguments<'_>) {
    let _ = std::fmt::Write::write_fmt(out, args);
}

/// `s` as a JSON string: quotes, backslashes and control characters escaped (JSON allows
/// nothing else unescaped).
fn quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => push(out, format_args!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}
