//! The pages cagematch hands out, in a real browser: Debian's headless Chromium (which
//! `scripts/test` installs) opens a replay page and a report, runs their scripts, and
//! the test reads the DOM it rendered — the board after stepping, the move list, the
//! theme, no script error, no sideways scrolling at 420 px — and that a bot's name
//! made of markup stays text.

use crate::common::{cagematch_in, text};
use std::path::Path;
use std::process::Command;

const CHROMIUM: &str = "chromium-headless-shell";

/// The DOM Chromium rendered for `url` at `width` px, and what it logged.
fn rendered(url: &str, width: u32, home: &Path) -> (String, String) {
    let out = Command::new(CHROMIUM)
        .args([
            // The browser's own sandbox needs privileges a test user may not have; the
            // pages are ours and run no network (their policy forbids it).
            "--no-sandbox",
            "--disable-gpu",
            "--enable-logging=stderr",
            "--v=0",
            &format!("--user-data-dir={}", home.join("profile").display()),
            &format!("--window-size={width},900"),
            "--virtual-time-budget=2000",
            "--dump-dom",
            url,
        ])
        .env("HOME", home)
        .output()
        .unwrap_or_else(|e| panic!("{CHROMIUM} did not start ({e}): run the tests with scripts/test, which installs it"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    (text(&out.stdout), text(&out.stderr))
}

/// Script errors and refused resources, as the console reports them.
fn console_errors(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| {
            l.contains("CONSOLE") || l.contains("Uncaught") || l.contains("Content Security Policy")
        })
        .collect()
}

fn body_tag(dom: &str) -> &str {
    let start = dom.find("<body").expect("a body");
    &dom[start..start + dom[start..].find('>').expect("the body tag ends")]
}

#[test]
fn a_replay_page_steps_through_a_match_in_a_real_browser() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // A bot whose name is markup: the page must show it as text.
    let named = dir.path().join("<img src=x onerror=alert(1)>.py");
    std::fs::copy(root.join("bots/connectx/greedy.py"), &named).unwrap();
    let replay = dir.path().join("m.replay");
    let out = cagematch_in(
        root,
        &[
            "match",
            "connectx",
            named.to_str().unwrap(),
            "bots/connectx/random.py",
            "--seed",
            "3",
            "--replay",
            replay.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let page = dir.path().join("m.html");
    let out = cagematch_in(
        root,
        &[
            "replay",
            replay.to_str().unwrap(),
            "--html",
            page.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));

    for theme in ["light", "dark"] {
        let url = format!("file://{}#step=3&theme={theme}", page.display());
        let (dom, log) = rendered(&url, 420, dir.path());
        let body = body_tag(&dom);
        assert!(body.contains("data-ready=\"1\""), "{body}");
        assert!(!body.contains("data-error"), "{body}");
        assert!(body.contains("data-step=\"3\""), "{body}");
        assert!(
            body.contains("data-overflow=\"no\""),
            "sideways at 420 px: {body}"
        );
        assert!(
            console_errors(&log).is_empty(),
            "{:?}",
            console_errors(&log)
        );
        assert!(
            dom.contains(&format!("data-theme=\"{theme}\"")),
            "theme {theme}"
        );
        // After three moves: three discs on the board, two of seat 1's, one of seat 2's.
        assert_eq!(dom.matches("data-v=\"1\"").count(), 2, "seat 1's discs");
        assert_eq!(dom.matches("data-v=\"2\"").count(), 1, "seat 2's discs");
        // The move list: a row per frame, the current one marked.
        assert!(
            dom.contains("<tr data-frame=\"3\" class=\"now\">"),
            "current row"
        );
        assert_eq!(dom.matches("class=\"now\"").count(), 1);
        // The name is text, in the move list's header and the page's line.
        assert!(
            dom.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "name escaped"
        );
        assert!(!dom.contains("<img"), "a name became markup");
    }
    // The last step: the winning four marked.
    let (dom, _) = rendered(
        &format!("file://{}#step=999", page.display()),
        1100,
        dir.path(),
    );
    assert!(body_tag(&dom).contains("data-step=\"7\""));
    assert_eq!(dom.matches("cell mark").count(), 4, "the winning four");
}
