//! The layout's rules, checked on the source itself so a change that breaks one fails CI:
//! which process's code may import which, where protocol messages are written, and the
//! engine free of UI code, no import cycle, and commands that only orchestrate.

mod imports;

use imports::{cycle, graph, name, Module};
use std::collections::BTreeMap;
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

/// Every module of the library (`src/main.rs` is the binary's own crate) and its text.
fn library() -> BTreeMap<Module, String> {
    let root = src("");
    let mut modules = BTreeMap::new();
    for path in rust_files(&root) {
        let rel = path.strip_prefix(&root).expect("under src");
        let mut module: Module = rel
            .with_extension("")
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        if module.last().is_some_and(|l| l == "mod") {
            module.pop();
        }
        if module == ["main"] {
            continue;
        }
        if module == ["lib"] {
            module.clear();
        }
        let text = std::fs::read_to_string(&path).expect("readable source");
        modules.insert(module, text);
    }
    modules
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let modules = library();
    assert!(modules.len() > 100, "{} modules", modules.len());
    let edges = graph(&modules);
    // The arrows the tournament tree is built on, so a broken reader cannot pass.
    let arrow = |a: &str, b: &str| {
        let m = |s: &str| -> Module { s.split("::").map(String::from).collect() };
        edges[&m(a)].contains(&m(b))
    };
    assert!(arrow("tournament::runner", "tournament::journal"));
    assert!(arrow(
        "tournament::format::swiss",
        "tournament::format::plan"
    ));
    assert!(arrow("tournament::format", "tournament::format::swiss"));
    if let Some(c) = cycle(&edges) {
        let shown: Vec<String> = c.iter().map(name).collect();
        panic!(
            "an import cycle: {}. A module may use its children and its siblings, never a module that uses it back: move what both need into a module of its own (see docs/layout.md)",
            shown.join(" → ")
        );
    }
}

#[test]
fn the_cycle_check_finds_a_child_that_uses_its_parent_back() {
    let module = |s: &str| -> Module {
        s.split("::")
            .filter(|p| !p.is_empty())
            .map(String::from)
            .collect()
    };
    let files = |list: &[(&str, &str)]| -> BTreeMap<Module, String> {
        list.iter()
            .map(|(m, code)| (module(m), code.to_string()))
            .collect()
    };
    // A parent that dispatches to a child, and the child using the parent's type back.
    let cyclic = files(&[
        ("", "pub mod game;"),
        (
            "game",
            "mod rps;\npub fn make() { rps::Rps::new(); }\npub struct Outcome;",
        ),
        ("game::rps", "use super::Outcome;\npub struct Rps;"),
    ]);
    let c = cycle(&graph(&cyclic)).expect("a cycle");
    assert_eq!(c.first(), c.last());
    assert!(c.contains(&module("game")) && c.contains(&module("game::rps")));
    // The same through a `use` group, a `crate::` path and `super::super`.
    let grouped = files(&[
        ("a", "pub mod b; use crate::a::b::{c::Thing, D};"),
        ("a::b", "pub mod c; pub struct D;"),
        ("a::b::c", "use super::super::X; pub struct Thing;"),
    ]);
    assert!(cycle(&graph(&grouped)).is_some());
    // The shared type in a sibling: no cycle. Comments, strings and tests are not code.
    let fixed = files(&[
        ("", "pub mod game;"),
        ("game", "pub mod rules; mod rps;\npub fn make() { rps::Rps::new(); rules::shared(); }"),
        (
            "game::rules",
            "pub struct Outcome; // super::rps::Rps\npub(in crate::game) fn shared() {}",
        ),
        (
            "game::rps",
            "use super::rules::Outcome;\nconst S: &str = \"super::make\";\nconst R: &str = r#\"\"super::make\"\"#;\nconst C: char = '\"';\n#[cfg(test)]\nmod tests { use super::super::make; }",
        ),
    ]);
    assert_eq!(cycle(&graph(&fixed)), None);
}

#[test]
fn commands_hold_no_engine_logic() {
    // A command parses its arguments, calls the engine and prints; plans, standings and
    // the run folder's files belong to tournament/ (so run, merge, report and ladder
    // cannot disagree about them).
    let engine_work = [
        (
            ".plan(",
            "plans a schedule (use Tournament::total, RunInfo::new_run or reschedule)",
        ),
        (
            "compute_with(",
            "computes standings (use Tournament::standings or Export::of_run)",
        ),
        (
            "standings::compute",
            "computes standings (use Tournament::standings or Export::of_run)",
        ),
        (
            "Entry::outcomes",
            "computes standings (use Tournament::standings or Export::of_run)",
        ),
        (
            "\"journal.jsonl\"",
            "reads the run folder itself (use Journal)",
        ),
        ("\"run.json\"", "reads the run folder itself (use Journal)"),
        (
            "Tournament::parse(",
            "builds a tournament as text (build a TournamentFile and call Tournament::from_spec)",
        ),
        (
            "serde_yaml::to_string",
            "builds engine input as text (use the types)",
        ),
    ];
    for path in rust_files(&src("commands")) {
        for (n, line) in code(&path).lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for (needle, why) in engine_work {
                assert!(
                    !line.contains(needle),
                    "{}:{}: a command that {why}: {line}",
                    path.display(),
                    n + 1
                );
            }
        }
    }
}

/// Small modules: no source file over 500 lines, its unit tests aside. The seccomp
/// filter's tables are data, one system call a line, and may be longer.
#[test]
fn no_source_file_is_over_500_lines() {
    let tables = [src("cage/child/seccomp.rs")];
    let mut long = Vec::new();
    for path in rust_files(&src("")) {
        let lines = code(&path).lines().count();
        if lines > 500 && !tables.contains(&path) {
            long.push(format!("{} ({lines} lines)", path.display()));
        }
    }
    assert!(
        long.is_empty(),
        "split these into modules with domain names: {}",
        long.join(", ")
    );
}

/// Everything a run folder holds is opened beneath the folder's descriptor, never through
/// a link (`cagematch::beneath`): the code that reads, resumes, plays into and merges run
/// folders (and the UI that reads their replays) opens no path of its own.
#[test]
fn run_folders_are_opened_only_beneath_their_descriptor() {
    let files = [
        "tournament/journal/file.rs",
        "tournament/runner/mod.rs",
        "tournament/runner/queue.rs",
        "commands/merge.rs",
        "tui/live.rs",
        "tui/mod.rs",
    ];
    let opens = [
        "std::fs::write",
        "std::fs::read",
        "fs::read_to_string",
        "OpenOptions",
        "File::open",
        "File::create",
        "read_capped(",
        "read_text(",
        "write_replacing(",
        "replay::read(",
        "replay::write(",
        "libc::open",
    ];
    for file in files {
        let text = code(&src(file));
        for open in opens {
            assert!(
                !text.contains(open),
                "{file} opens a path itself (`{open}`): open run folder files with cagematch::beneath::Folder"
            );
        }
    }
}
