//! A Python environment the organiser chose for third-party packages (numpy, pandas, …):
//! its `site-packages`, checked to be built for the embedded interpreter's version.
//! Read by the host before the zygote starts; no bot ever sees the path.

use crate::cage::policy::{PythonError, EMBEDDED_PYTHON};
use std::path::{Path, PathBuf};

/// The `site-packages` folder of the venv at `venv`, or a one-line reason it cannot serve.
pub fn site_packages(venv: &Path) -> Result<PathBuf, PythonError> {
    let shown = crate::cage::log::sanitize(venv.display().to_string().as_bytes());
    let cfg = venv.join("pyvenv.cfg");
    let text = crate::files::read_text(&cfg, 64 * 1024, "pyvenv.cfg", crate::files::Links::Follow)
        .map_err(|_| PythonError::NotAVenv {
            venv: shown.clone(),
        })?;
    let version = text
        .lines()
        .filter_map(|l| l.split_once('='))
        .find(|(k, _)| matches!(k.trim(), "version" | "version_info"))
        .map(|(_, v)| v.trim().to_string())
        .ok_or_else(|| PythonError::NoVersion {
            venv: shown.clone(),
        })?;
    let minor: String = version.split('.').take(2).collect::<Vec<_>>().join(".");
    if minor != EMBEDDED_PYTHON {
        return Err(PythonError::OtherPython {
            venv: shown,
            version: crate::cage::log::sanitize(version.as_bytes()),
        });
    }
    let site = venv
        .join("lib")
        .join(format!("python{EMBEDDED_PYTHON}"))
        .join("site-packages");
    if !site.is_dir() {
        return Err(PythonError::NoSitePackages { venv: shown });
    }
    site.canonicalize().map_err(|e| PythonError::Unresolvable {
        venv: shown,
        reason: e.to_string(),
    })
}

/// Adds third-party `modules` (checked by [`check_module`]) to what the policy preloads,
/// and `venv`'s site-packages to where they are found.
pub fn add_python(
    policy: &mut crate::cage::policy::CagePolicy,
    modules: &[String],
    venv: Option<&Path>,
) -> Result<(), PythonError> {
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
