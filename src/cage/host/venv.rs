//! A Python environment the organiser chose for third-party packages (numpy, pandas, …):
//! its `site-packages`, checked to be built for the embedded interpreter's version.
//! Read by the host before the zygote starts; no bot ever sees the path.

use std::path::{Path, PathBuf};

/// The embedded interpreter's `major.minor`.
pub const EMBEDDED_PYTHON: &str = env!("CAGEMATCH_PYTHON_VERSION");

/// The `site-packages` folder of the venv at `venv`, or a one-line reason it cannot serve.
pub fn site_packages(venv: &Path) -> Result<PathBuf, String> {
    let shown = crate::cage::log::sanitize(venv.display().to_string().as_bytes());
    let cfg = venv.join("pyvenv.cfg");
    let text = crate::files::read_text(&cfg, 64 * 1024, "pyvenv.cfg", crate::files::Links::Follow)
        .map_err(|_| {
            format!("{shown}: not a venv (no readable pyvenv.cfg); make one with python{EMBEDDED_PYTHON} -m venv {shown}")
        })?;
    let version = text
        .lines()
        .filter_map(|l| l.split_once('='))
        .find(|(k, _)| matches!(k.trim(), "version" | "version_info"))
        .map(|(_, v)| v.trim().to_string())
        .ok_or_else(|| format!("{shown}/pyvenv.cfg: no `version` line"))?;
    let minor: String = version.split('.').take(2).collect::<Vec<_>>().join(".");
    if minor != EMBEDDED_PYTHON {
        return Err(format!(
            "{shown}: its Python is {}, but cagematch embeds {EMBEDDED_PYTHON}; make the venv with python{EMBEDDED_PYTHON} -m venv",
            crate::cage::log::sanitize(version.as_bytes())
        ));
    }
    let site = venv
        .join("lib")
        .join(format!("python{EMBEDDED_PYTHON}"))
        .join("site-packages");
    if !site.is_dir() {
        return Err(format!(
            "{shown}: no lib/python{EMBEDDED_PYTHON}/site-packages in it"
        ));
    }
    site.canonicalize()
        .map_err(|e| format!("{shown}: cannot resolve its site-packages: {e}"))
}

/// Adds third-party `modules` (checked by [`check_module`]) to what the policy preloads,
/// and `venv`'s site-packages to where they are found.
pub fn add_python(
    policy: &mut crate::cage::policy::CagePolicy,
    modules: &[String],
    venv: Option<&Path>,
) -> Result<(), String> {
    for m in modules {
        crate::cage::policy::check_module(m)?;
        if !policy.modules.contains(m) {
            policy.modules.push(m.clone());
        }
    }
    if let Some(venv) = venv {
        policy.site = vec![site_packages(venv)?];
        // Walking numpy, pandas or scikit-learn once takes seconds on a small machine.
        policy.start_timeout = policy
            .start_timeout
            .max(std::time::Duration::from_secs(120));
    }
    Ok(())
}
