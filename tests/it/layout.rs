//! The layout's rules, checked on the source itself so a change that breaks one fails CI:
//! which process's code may import which, where protocol messages are written, and the
//! engine free of UI code.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("source folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

fn src(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(sub)
}

/// The file's code before its unit tests.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("readable source");
    match text.find("#[cfg(test)]") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

#[test]
fn the_host_never_imports_zygote_or_child_code() {
    let files = rust_files(&src("cage/host"));
    assert!(files.len() >= 5, "{files:?}");
    for path in files {
        for (n, line) in code(&path).lines().enumerate() {
            let line = line.trim();
            let imports = line.starts_with("use ") || line.contains("crate::cage::");
            let bad = ["zygote::", "child::", "zygote;", "child;"]
                .iter()
                .any(|m| line.contains(m));
            assert!(
                !(imports && bad),
                "{}:{}: the host talks to the zygote and bots only through cage::protocol: {line}",
                path.display(),
                n + 1
            );
        }
    }
}

#[test]
fn protocol_messages_are_written_only_in_the_protocol_module() {
    for path in rust_files(&src("cage")) {
        if path.ends_with("protocol.rs") {
            continue;
        }
        for (n, line) in code(&path).lines().enumerate() {
            assert!(
                !line.contains("json!("),
                "{}:{}: a message between host, zygote and bot belongs in cage/protocol.rs as a type: {line}",
                path.display(),
                n + 1
            );
        }
    }
}

#[test]
fn the_engine_knows_nothing_of_the_terminal_ui() {
    for folder in ["cage", "game", "referee", "tournament"] {
        for path in rust_files(&src(folder)) {
            let code = code(&path);
            for ui in ["ratatui", "crossterm", "crate::tui"] {
                assert!(
                    !code.contains(ui),
                    "{} uses {ui}: the engine only sends events; the UI reads them",
                    path.display()
                );
            }
        }
    }
}
