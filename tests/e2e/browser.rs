//! The pages cagematch hands out, in a real browser: Debian's headless Chromium (which
//! `scripts/test` installs) opens a replay page and a report, runs their scripts, and
//! the test reads the DOM it rendered — the board after stepping, the move list, the
//! theme, no script error, no sideways scrolling at 420 px — and that a bot's name
//! made of markup stays text.

use crate::common::{cagematch_in, text};
use std::path::Path;
use std::process::Command;

const CHROMIUM: &str = "chromium-headless-shell";

/// The DOM Chromium rendered for `url` at `width` px, and what it logged; `dark`
/// chooses the colour scheme the page is told (Blink's setting: 0 dark, 1 light).
fn rendered(url: &str, width: u32, dark: Option<bool>, home: &Path) -> (String, String) {
    let scheme = dark.map(|d| format!("--blink-settings=preferredColorScheme={}", u8::from(!d)));
    let out = Command::new(CHROMIUM)
        .args(scheme.iter().map(String::as_str))
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
    // How the match went (the seats' seeds are keyed per user: read it, do not assume).
    let record = cagematch::replay::read(&replay).unwrap();
    let last = record.frames.len() - 1;
    let connected = record.result.reason.contains("connected");
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
        let (dom, log) = rendered(&url, 420, None, dir.path());
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
    // The last step: a winning line marked (four or more discs), when there is one.
    let (dom, _) = rendered(
        &format!("file://{}#step=999", page.display()),
        1100,
        None,
        dir.path(),
    );
    assert!(body_tag(&dom).contains(&format!("data-step=\"{last}\"")));
    let marked = dom.matches("cell mark").count();
    assert!(
        if connected { marked >= 4 } else { marked == 0 },
        "{marked} discs marked; {}",
        record.result.reason
    );
}

#[test]
fn the_report_reads_in_light_and_dark_at_420_px_and_links_each_fault_to_its_match() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let evil = dir.path().join("<b>bold.py");
    std::fs::copy(root.join("bots/rps/counter.py"), &evil).unwrap();
    let files = [
        root.join("bots/rps/rock.py"),
        root.join("tests/fixtures/games/crash_on_third.py"),
        evil,
    ];
    let list: Vec<String> = files.iter().map(|f| format!("'{}'", f.display())).collect();
    std::fs::write(
        dir.path().join("t.yaml"),
        format!(
            "name: A rather long tournament name to wrap at 420 pixels\ngame: rps\nconfiguration:\n  episodeSteps: 20\nbots:\n  files: [{}]\ngames_per_pair: 2\nseed: 5\noutput: runs\n",
            list.join(", ")
        ),
    )
    .unwrap();
    let out = cagematch_in(dir.path(), &["run", "t.yaml", "--headless"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let run = crate::common::only_run(dir.path());
    let out = cagematch_in(dir.path(), &["report", run.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let url = format!("file://{}", run.join("report.html").display());
    for dark in [false, true] {
        let (dom, log) = rendered(&url, 420, Some(dark), dir.path());
        let body = body_tag(&dom);
        assert!(body.contains("data-ready=\"1\""), "{body}");
        // Every heading, paragraph and cell readable against what lies behind it (the
        // crosstable's names were dark on dark before), and no sideways scrolling.
        assert!(
            body.contains("data-unreadable=\"0\""),
            "dark {dark}: {body}"
        );
        assert!(body.contains("data-overflow=\"no\""), "dark {dark}: {body}");
        assert!(
            console_errors(&log).is_empty(),
            "{:?}",
            console_errors(&log)
        );
        assert!(dom.contains("&lt;b&gt;bold") && !dom.contains("<b>bold"));
        assert!(dom.contains(" %</td>"), "score as a percentage");
    }
    // The fault list links each fault to its match's page, which plays in the browser.
    let html = std::fs::read_to_string(run.join("report.html")).unwrap();
    let at = html
        .find("href=\"report-replays/")
        .expect("a link to a match");
    let link = &html[at + 6..at + 6 + html[at + 6..].find('"').unwrap()];
    let page = run.join(link);
    assert!(page.is_file(), "{}", page.display());
    let (dom, log) = rendered(&format!("file://{}", page.display()), 420, None, dir.path());
    let body = body_tag(&dom);
    assert!(
        body.contains("data-ready=\"1\"") && !body.contains("data-error"),
        "{body}"
    );
    assert!(
        console_errors(&log).is_empty(),
        "{:?}",
        console_errors(&log)
    );
    assert!(
        dom.contains("FAULT") || dom.contains("✖"),
        "the fault in the move list"
    );
}
