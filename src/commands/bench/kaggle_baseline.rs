//! The baselines the environment rows compare with: `kaggle_environments`' own runner,
//! timed by a script in the game venv's Python.

use std::path::Path;

/// Runs `script` with the game venv's Python: the one number it prints, or why not.
pub(super) fn python_figure(venv: &Path, script: &str) -> Result<f64, String> {
    python_figures::<1>(venv, script).map(|[v]| v)
}

/// Runs `script` with the game venv's Python: the `N` numbers it prints on one line, or
/// why not.
pub(super) fn python_figures<const N: usize>(
    venv: &Path,
    script: &str,
) -> Result<[f64; N], String> {
    let out = std::process::Command::new(venv.join("bin/python"))
        .arg("-c")
        .arg(script)
        .output()
        .map_err(|e| format!("cannot run the game venv's python: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let numbers: Option<Vec<f64>> = text
        .split_whitespace()
        .map(|n| n.parse::<f64>().ok())
        .collect();
    numbers.and_then(|v| v.try_into().ok()).ok_or_else(|| {
        let err = String::from_utf8_lossy(&out.stderr);
        format!(
            "kaggle_environments did not run: {}",
            crate::cage::log::cut(err.lines().last().unwrap_or(""), 200)
        )
    })
}
