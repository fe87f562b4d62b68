//! A one-file bot's code, compiled once a run: the first process to load a source
//! compiles it and sends its code object back as text (base64 of `marshal`) before any
//! of the bot's code has run, so the text is the compiler's alone; the host keeps it
//! and later processes of the same source run it instead of compiling again (CPython's
//! compiler costs about 5 µs a line, every match and seat). The source still travels
//! with every load, for tracebacks.

use super::convert::error_reply;
use crate::cage::protocol::{ErrorKind, Reply, MAX_CODE_TEXT};
use crate::cage::zygote::interpreter::Prepared;
use pyo3::prelude::*;

/// The file name a one-file bot's code is compiled under (its tracebacks' name).
pub fn file_name(name: &str) -> &str {
    if name.is_empty() {
        "<bot>"
    } else {
        name
    }
}

/// Compiles `source`: the code, and the reply that carries it as text (or a syntax
/// error's reply).
pub fn compile<'py>(
    py: Python<'py>,
    prep: &Prepared,
    name: &str,
    source: &str,
) -> Result<(Bound<'py, PyAny>, Reply), Reply> {
    let code = prep
        .compile
        .bind(py)
        .call1((source, file_name(name), "exec"))
        .map_err(|e| error_reply(py, prep, &e))?;
    let text = (|| -> PyResult<Option<String>> {
        let with = &prep.code_text;
        let bytes = with.dumps.bind(py).call1((&code,))?;
        let kwargs = pyo3::types::PyDict::new(py);
        kwargs.set_item("newline", false)?;
        let text = with.encode.bind(py).call((bytes,), Some(&kwargs))?;
        let text: Vec<u8> = text.extract()?;
        Ok((text.len() <= MAX_CODE_TEXT).then(|| String::from_utf8_lossy(&text).into_owned()))
    })()
    .unwrap_or(None);
    Ok((code, Reply::Compiled { code: text }))
}

/// The code object a compile reply's text holds.
pub fn from_text<'py>(
    py: Python<'py>,
    prep: &Prepared,
    text: &str,
) -> Result<Bound<'py, PyAny>, Reply> {
    let with = &prep.code_text;
    let code = with
        .decode
        .bind(py)
        .call1((text,))
        .and_then(|bytes| with.loads.bind(py).call1((bytes,)))
        .map_err(|e| error_reply(py, prep, &e))?;
    if !code.is_instance(with.code_type.bind(py)).unwrap_or(false) {
        return Err(Reply::error(
            ErrorKind::Protocol,
            "",
            "the host's compiled code is not a code object",
            "",
        ));
    }
    Ok(code)
}
