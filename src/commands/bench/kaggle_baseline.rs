//! The baselines the environment rows compare with: `kaggle_environments`' own runner,
//! timed by a script in the game venv's Python.

use std::path::Path;

/// Runs `script` with the game venv's Python: the one number it prints, or why not.
pub(super) fn python_figure(venv: &Path, script: &str) -> Result<f64, String> {
    let out = std::process::Command::new(venv.join("bin/python"))
        .arg("-c")
        .arg(script)
        .output()
        .map_err(|e| format!("cannot run the game venv's python: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.trim().parse::<f64>().map_err(|_| {
        let err = String::from_utf8_lossy(&out.stderr);
        format!(
            "kaggle_environments did not run: {}",
            crate::cage::log::cut(err.lines().last().unwrap_or(""), 200)
        )
    })
}
