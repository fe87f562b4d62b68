//! The cage's policy as data: every limit is a named field with a documented default.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;

/// Modules a bot may import unless the tournament allows more. All are pure computation:
/// none of them can reach a file, a socket or a process once the kernel layers are on.
pub const DEFAULT_MODULES: &[&str] = &[
    "math",
    "random",
    "itertools",
    "functools",
    "collections",
    "heapq",
    "bisect",
    "statistics",
    "string",
    "re",
    "json",
    "copy",
    "dataclasses",
    "enum",
    "typing",
    "operator",
    "time",
    KAGGLE_ENVIRONMENTS,
];

/// The built-in stand-in for Kaggle's package (`zygote/kaggle/`): pure Python, made in
/// the zygote from its own sources, never imported from a venv.
pub const KAGGLE_ENVIRONMENTS: &str = "kaggle_environments";

/// The zygote's whole environment (it starts with an empty one): numerical libraries
/// (OpenBLAS, OpenMP, MKL, numexpr) start no thread pool at import. The zygote sits in
/// the bots' PID namespace, where a process cannot create threads, and bots may not.
pub const ZYGOTE_ENV: &[(&str, &str)] = &[
    ("OPENBLAS_NUM_THREADS", "1"),
    ("OMP_NUM_THREADS", "1"),
    ("MKL_NUM_THREADS", "1"),
    ("NUMEXPR_NUM_THREADS", "1"),
    ("VECLIB_MAXIMUM_THREADS", "1"),
];

/// Modules that would hand a bot native code or a network: the zygote refuses to start
/// if any of them is loaded, whatever the policy says.
pub const FORBIDDEN_MODULES: &[&str] = &["ctypes", "_ctypes", "_socket", "cffi", "_cffi_backend"];

/// The embedded interpreter's `major.minor`.
pub const EMBEDDED_PYTHON: &str = env!("CAGEMATCH_PYTHON_VERSION");

/// Why the Python a cage is asked for cannot be given: a module bots may not have, or a
/// venv that cannot serve the embedded interpreter. Each names what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PythonError {
    #[error("`{0}` would give bots native code or a network; remove it")]
    Forbidden(String),
    #[error("`{0}` is not a module name{hint}", hint = import_hint(.0))]
    NotAModule(String),
    #[error("{venv}: not a venv (no readable pyvenv.cfg); make one with python{python} -m venv {venv}", python = EMBEDDED_PYTHON)]
    NotAVenv { venv: String },
    #[error("{venv}/pyvenv.cfg: no `version` line")]
    NoVersion { venv: String },
    #[error("{venv}: its Python is {version}, but cagematch embeds {python}; make the venv with python{python} -m venv", python = EMBEDDED_PYTHON)]
    OtherPython { venv: String, version: String },
    #[error("{venv}: no lib/python{python}/site-packages in it", python = EMBEDDED_PYTHON)]
    NoSitePackages { venv: String },
    #[error("{venv}: cannot resolve its site-packages: {reason}")]
    Unresolvable { venv: String, reason: String },
}

/// Package names people install that are imported by another name.
const IMPORT_NAMES: &[(&str, &str)] = &[
    ("scikit-learn", "sklearn"),
    ("opencv-python", "cv2"),
    ("opencv-python-headless", "cv2"),
    ("pillow", "PIL"),
    ("beautifulsoup4", "bs4"),
    ("pyyaml", "yaml"),
    ("python-dateutil", "dateutil"),
];

/// "; pip's `scikit-learn` is imported as `sklearn`: --module sklearn", for a package
/// name given where a module name belongs.
fn import_hint(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    let known = IMPORT_NAMES
        .iter()
        .find(|(package, _)| *package == lower)
        .map(|(_, module)| (module.to_string(), "is imported as"));
    let guess = || {
        let guess = lower.replace('-', "_");
        let plain = guess.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        (guess != lower && plain).then_some((guess, "is probably imported as"))
    };
    match known.or_else(guess) {
        Some((m, how)) => {
            format!("; the package `{name}` {how} `{m}`: give --module {m} (python.modules: [{m}])")
        }
        None => String::new(),
    }
}

/// Why `name` cannot be a module bots may import, if it cannot.
pub fn check_module(name: &str) -> Result<(), PythonError> {
    if FORBIDDEN_MODULES.contains(&name) {
        return Err(PythonError::Forbidden(name.to_string()));
    }
    let valid = !name.is_empty()
        && name.len() <= 200
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    if !valid {
        return Err(PythonError::NotAModule(crate::cage::log::sanitize(
            name.as_bytes(),
        )));
    }
    Ok(())
}

/// Resource limits for one bot process (which lives for one match).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Address-space limit (`RLIMIT_AS`) in MiB. Python itself takes about 40 MiB of it.
    pub memory_mb: u64,
    /// Resident-memory limit in MiB, held by the bot's cgroup (with no swap) where the
    /// runner can create one; `None`: the same as `memory_mb`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resident_mb: Option<u64>,
    /// CPU seconds for the bot's whole life (`RLIMIT_CPU`; the hard limit is one second more).
    pub cpu_seconds: u64,
    /// Bytes of printed output kept per bot and match; the rest is counted and dropped.
    pub log_bytes: usize,
    /// Largest reply frame the host accepts, in bytes.
    pub frame_bytes: usize,
}

impl Limits {
    /// The cgroup's memory limit, in MiB.
    pub fn resident(&self) -> u64 {
        self.resident_mb.unwrap_or(self.memory_mb)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory_mb: 512,
            resident_mb: None,
            cpu_seconds: 120,
            log_bytes: 64 * 1024,
            frame_bytes: 1024 * 1024,
        }
    }
}

/// What the host does to a bot from outside during a match, so that neither seat can
/// gain time from the other or from the machine. Both on by default; `cagematch bench`
/// turns them off for its baseline (what cutechess and Kaggle do).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fairness {
    /// In alternating games, stop a bot from its reply until its next request, so it
    /// cannot compute (ponder) on its opponent's time.
    pub freeze_off_turn: bool,
    /// Charge wall time less the time the bot waited in the run queue (true), or plain
    /// wall time (false: a busy machine then makes bots lose).
    pub forgive_run_queue: bool,
}

impl Default for Fairness {
    fn default() -> Self {
        Fairness {
            freeze_off_turn: true,
            forgive_run_queue: true,
        }
    }
}

impl Fairness {
    /// Neither measure: the baseline other runners offer.
    pub fn unprotected() -> Fairness {
        Fairness {
            freeze_off_turn: false,
            forgive_run_queue: false,
        }
    }
}

/// Everything the zygote needs to know, fixed for its lifetime.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CagePolicy {
    /// The `cagematch` executable, run as `cagematch __zygote`.
    pub program: PathBuf,
    /// Modules preloaded in the zygote and handed out by the import gate.
    pub modules: Vec<String>,
    /// Folders of third-party packages (a venv's site-packages) added to the zygote's
    /// `sys.path` before preloading; read before any bot exists, never after.
    pub site: Vec<PathBuf>,
    pub limits: Limits,
    /// How long the zygote may take to start Python and preload the modules.
    pub start_timeout: Duration,
    /// Caged bots kept ready ahead of spawns (0: fork on demand). Ready bots are
    /// children of the zygote that have applied every layer and wait for their source.
    pub pool: usize,
}

impl CagePolicy {
    /// A policy that runs the zygote from `program` with the default modules and limits.
    pub fn new(program: impl Into<PathBuf>) -> CagePolicy {
        CagePolicy {
            program: program.into(),
            modules: DEFAULT_MODULES.iter().map(|m| m.to_string()).collect(),
            site: Vec::new(),
            limits: Limits::default(),
            start_timeout: Duration::from_secs(30),
            pool: 0,
        }
    }

    /// The policy for the running `cagematch` binary itself.
    pub fn for_current_exe() -> std::io::Result<CagePolicy> {
        Ok(CagePolicy::new(std::env::current_exe()?))
    }
}

#[cfg(test)]
mod import_name_tests {
    use super::check_module;

    #[test]
    fn a_package_name_given_as_a_module_says_what_to_import() {
        let said = check_module("scikit-learn").unwrap_err().to_string();
        assert!(
            said.ends_with(
                "is imported as `sklearn`: give --module sklearn (python.modules: [sklearn])"
            ),
            "{said}"
        );
        let said = check_module("some-pkg").unwrap_err().to_string();
        assert!(
            said.contains("is probably imported as `some_pkg`"),
            "{said}"
        );
        let said = check_module("a b").unwrap_err().to_string();
        assert_eq!(said, "`a b` is not a module name");
    }
}
