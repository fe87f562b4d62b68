//! The documentation holds together: every link in the README and docs/ reaches a file
//! and, with an anchor, a heading there; every captured output block names a capture
//! `scripts/docs-captures` makes; the README stays a five-minute read.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn documents() -> Vec<PathBuf> {
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    docs.sort();
    docs.insert(0, root().join("README.md"));
    docs
}

/// The text outside fenced code blocks.
fn prose(text: &str) -> String {
    let mut out = String::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        } else if !fenced {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces as `-`.
fn slug(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

fn anchors(doc: &Path) -> BTreeSet<String> {
    prose(&std::fs::read_to_string(doc).unwrap())
        .lines()
        .filter_map(|l| l.strip_prefix('#'))
        .map(|l| slug(l.trim_start_matches('#').trim()))
        .collect()
}

/// Every `[text](target)` in the prose.
fn links(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("](") {
        let after = &rest[i + 2..];
        if let Some(end) = after.find(')') {
            out.push(after[..end].to_string());
        }
        rest = after;
    }
    out
}

#[test]
fn every_link_reaches_a_file_and_its_heading() {
    let mut broken = Vec::new();
    for doc in documents() {
        let text = prose(&std::fs::read_to_string(&doc).unwrap());
        for link in links(&text) {
            if link.starts_with("http://") || link.starts_with("https://") {
                continue;
            }
            let (path, anchor) = link.split_once('#').unwrap_or((&link, ""));
            let target = if path.is_empty() {
                doc.clone()
            } else {
                doc.parent().unwrap().join(path)
            };
            if !target.exists() {
                broken.push(format!("{}: {link}: no such file", doc.display()));
            } else if !anchor.is_empty() && !anchors(&target).contains(anchor) {
                broken.push(format!("{}: {link}: no such heading", doc.display()));
            }
        }
    }
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn the_readme_links_every_docs_page_and_stays_short() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for doc in &documents()[1..] {
        let name = doc.file_name().unwrap().to_str().unwrap();
        assert!(
            readme.contains(&format!("](docs/{name})")),
            "the README does not link docs/{name}"
        );
    }
    assert!(
        readme.len() <= 12 * 1024,
        "the README is {} bytes: move depth into docs/",
        readme.len()
    );
}

#[test]
fn every_captured_block_is_made_by_the_capture_script() {
    let script = std::fs::read_to_string(root().join("scripts/docs-captures")).unwrap();
    let made: BTreeSet<String> = script
        .split("c[\"")
        .skip(1)
        .filter_map(|s| s.split_once("\"]").map(|(name, _)| name.to_string()))
        .collect();
    let mut shown = BTreeSet::new();
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let Some(name) = line
                .strip_prefix("<!-- capture: ")
                .and_then(|l| l.strip_suffix(" -->"))
            else {
                continue;
            };
            assert!(
                made.contains(name),
                "{}: no capture `{name}`",
                doc.display()
            );
            assert!(
                lines.get(i + 1).is_some_and(|l| l.starts_with("```")),
                "{}: the `{name}` marker is not followed by a code block",
                doc.display()
            );
            shown.insert(name.to_string());
        }
    }
    assert_eq!(made, shown, "captures made but not shown, or the reverse");
}

/// A capture's block as the docs show it: its command (without `$ `) and its output.
fn capture(doc: &str, name: &str) -> (String, String) {
    let text = std::fs::read_to_string(root().join(doc)).unwrap();
    let marker = format!("<!-- capture: {name} -->\n```text\n");
    let start = text
        .find(&marker)
        .unwrap_or_else(|| panic!("{doc}: no `{name}`"))
        + marker.len();
    let block = &text[start..start + text[start..].find("```\n").unwrap()];
    let (first, output) = block.split_once('\n').unwrap();
    (
        first.strip_prefix("$ ").unwrap().to_string(),
        output.to_string(),
    )
}

/// Runs a captured command as a reader would, with the public key the captures were made
/// with (`CAGEMATCH_SEED_KEY=none`; its warning line aside), in `cwd`.
fn rerun(command: &str, cwd: &Path) -> String {
    let bin = Path::new(env!("CARGO_BIN_EXE_cagematch")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new("bash")
        .args(["-c", command])
        .current_dir(cwd)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .env("CAGEMATCH_SEED_KEY", "none")
        .output()
        .unwrap();
    let stderr: String = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| !l.starts_with("cagematch: seed key: the public one"))
        .map(|l| format!("{l}\n"))
        .collect();
    format!("{}{stderr}", String::from_utf8_lossy(&out.stdout))
}

/// Two captures made with the public key, played again here: a reader running the
/// command shown gets the output shown.
#[test]
fn captures_made_with_the_public_key_reproduce() {
    // The README's match: my_bot.py is bots/rps/counter.py, in a folder of its own.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("bots/rps/counter.py"),
        dir.path().join("my_bot.py"),
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("bots/rps")).unwrap();
    std::fs::copy(
        root().join("bots/rps/pattern.py"),
        dir.path().join("bots/rps/pattern.py"),
    )
    .unwrap();
    let (command, shown) = capture("README.md", "match");
    assert!(command.contains("--seed"), "{command}");
    assert_eq!(rerun(&command, dir.path()), shown, "{command}");
    // A free-for-all of three, one bot playing at random.
    let (command, shown) = capture("docs/games.md", "ffa-match");
    assert!(command.contains("random.py"), "{command}");
    assert_eq!(rerun(&command, root()), shown, "{command}");
}
