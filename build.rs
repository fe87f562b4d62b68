//! Finds the Python that pyo3 links against, and
//! - embeds its prefix, so the isolated interpreter finds its standard library;
//! - adds an rpath to its library folder, so the binary runs without LD_LIBRARY_PATH.

use std::process::Command;

fn main() {
    let config = pyo3_build_config::get();
    let python = config
        .executable()
        .map(str::to_string)
        .unwrap_or_else(|| "python3".to_string());
    let out = Command::new(&python)
        .args([
            "-I",
            "-c",
            "import sys; print(sys.base_prefix); print(sys.executable)",
        ])
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python} to find its prefix: {e}"));
    let text = String::from_utf8(out.stdout).expect("utf-8 prefix");
    let mut lines = text.lines();
    let prefix = lines.next().unwrap_or_default().trim();
    let executable = lines.next().unwrap_or_default().trim();
    println!("cargo:rustc-env=CAGEMATCH_PYTHON_HOME={prefix}");
    // major.minor, which a venv's packages must have been built for.
    println!(
        "cargo:rustc-env=CAGEMATCH_PYTHON_VERSION={}.{}",
        config.version().major,
        config.version().minor
    );
    // The real interpreter (not a version-manager shim), for benchmark baselines.
    println!("cargo:rustc-env=CAGEMATCH_PYTHON_EXE={executable}");
    if let Some(dir) = config.lib_dir() {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
    }
    println!("cargo:rerun-if-env-changed=PYO3_PYTHON");
    pyo3_build_config::use_pyo3_cfgs();
}
