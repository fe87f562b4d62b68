//! numpy as reproducible as `random`, set up in the zygote before any bot is forked: its
//! global generator is seeded per match and seat, and an unseeded `default_rng()` takes
//! its seed from the seat's own (seeded) `random`.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyModule};

/// Makes a preloaded numpy as reproducible as `random`: its global generator is seeded
/// per match and seat (the returned `seed`, called at each load), and `default_rng()`
/// without a seed — which would draw the machine's entropy — takes one from the seat's
/// own `random`. Kaggle seeds neither; the same seed must give the same match here.
pub(super) fn seed_numpy<'py>(
    py: Python<'py>,
    loaded: &Bound<'py, PyDict>,
    random: &Bound<'py, PyModule>,
) -> PyResult<Option<Py<PyAny>>> {
    let Some(numpy) = loaded.get_item("numpy")? else {
        return Ok(None);
    };
    let nprandom = numpy.getattr("random")?;
    // Defined with no builtins: what a bot can reach from the wrapper (its closure) is
    // numpy's own function and `random`, both its to import anyway.
    let scope = PyDict::new(py);
    scope.set_item("__builtins__", PyDict::new(py))?;
    let code = std::ffi::CString::new(NUMPY_RNG).expect("no NUL in the source");
    py.run(&code, Some(&scope), None)?;
    let install = scope.get_item("install")?.expect("defined above");
    install.call1((&nprandom, random))?;
    Ok(Some(nprandom.getattr("seed")?.unbind()))
}

const NUMPY_RNG: &str = r#"
def install(nprandom, random):
    original = nprandom.default_rng

    def default_rng(seed=None):
        if seed is None:
            seed = random.getrandbits(128)
        return original(seed)

    default_rng.__doc__ = original.__doc__
    nprandom.default_rng = default_rng
"#;
