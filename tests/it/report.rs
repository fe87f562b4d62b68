//! `cagematch report RUN_DIR`: a real run's results as HTML, Markdown and CSV, each
//! with the same numbers as the run's `standings.yaml`; hostile names stay text, the
//! page is self-contained, a planted link is never followed.

use crate::common;

use cagematch::cage::FaultKind;
use common::report::{assert_html_matches, export, html_table, num};
use common::{cagematch_in as cagematch, text};
use std::path::{Path, PathBuf};

/// A finished four-bot RPS run (one bot crashes every game, one has a name made of
/// markup) in `dir`; returns the run folder.
pub fn played_run(dir: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let evil = dir.join("<img src=x onerror=alert(1)>&co.py");
    std::fs::copy(root.join("bots/rps/counter.py"), &evil).unwrap();
    let files = [
        root.join("bots/rps/rock.py"),
        root.join("bots/rps/pattern.py"),
        root.join("tests/fixtures/games/crash_on_third.py"),
        evil,
    ];
    let list: Vec<String> = files.iter().map(|f| format!("'{}'", f.display())).collect();
    let yaml = format!(
        "name: Spring <cup>\ngame: rps\nconfiguration:\n  episodeSteps: 40\nbots:\n  files: [{}]\ngames_per_pair: 2\nseed: 5\njobs: 2\noutput: runs\n",
        list.join(", ")
    );
    std::fs::write(dir.join("t.yaml"), yaml).unwrap();
    let out = cagematch(dir, &["run", "t.yaml", "--headless"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    common::only_run(dir)
}

#[test]
fn html_report_is_self_contained_and_equals_the_export() {
    let dir = tempfile::tempdir().unwrap();
    let run = played_run(dir.path());
    let e = export(&run);
    assert!(e.standings.iter().any(|r| r.faults[&FaultKind::Crash] > 0));
    let out = cagematch(dir.path(), &["report", run.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let path = run.join("report.html");
    let pages = run.join("report-replays");
    assert_eq!(
        text(&out.stdout),
        format!(
            "wrote 12 replay pages in {}\nwrote {}\n",
            pages.display(),
            path.display()
        )
    );
    let html = std::fs::read_to_string(&path).unwrap();
    assert_html_matches(&html, &e);
    // Self-contained: nothing fetched, and no script but its own, allowed by its hash.
    assert!(html.contains(
        "Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-"
    ));
    assert_eq!(html.matches("<script").count(), 1);
    for banned in ["http://", "https://", "src=\"", "<link", "@import", "url("] {
        assert!(!html.contains(banned), "{banned} in the page");
    }
    // Every fault listed with its message, linked to its match's page (which exists).
    let list = html_table(&html, "fault-list");
    let crashes = e
        .standings
        .iter()
        .map(|r| r.faults.values().sum::<u32>())
        .sum::<u32>();
    assert_eq!(list.len() - 1, crashes as usize);
    for row in &list[1..] {
        assert!(!row[3].is_empty(), "a fault without its message: {row:?}");
        let number: usize = row[0].trim_start_matches('#').parse().unwrap();
        assert!(html.contains(&format!("href=\"report-replays/{number:05}.html\"")));
        assert!(pages.join(format!("{number:05}.html")).is_file());
    }
    // The faults table: only bots that faulted.
    assert_eq!(
        html_table(&html, "faults").len() - 1,
        e.standings
            .iter()
            .filter(|r| r.faults.values().sum::<u32>() > 0)
            .count()
    );
    // The markup-named bot and tournament are text.
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;&amp;co"));
    assert!(!html.contains("<img"));
    assert!(html.contains("<h1>Spring &lt;cup&gt;</h1>"));
    // Bots by name only: no path of the organiser's folders in a page for everyone.
    assert!(!html.contains(env!("CARGO_MANIFEST_DIR")));
    assert!(!html.contains(dir.path().to_str().unwrap()));
}

#[test]
fn markdown_and_csv_reports_equal_the_export() {
    let dir = tempfile::tempdir().unwrap();
    let run = played_run(dir.path());
    let e = export(&run);
    let r = run.to_str().unwrap();

    let out = cagematch(dir.path(), &["report", r, "--format", "csv", "--out", "-"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let csv = text(&out.stdout);
    let lines: Vec<&str> = csv.lines().collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    assert_eq!(header[..3], ["rank", "name", "file"]);
    assert_eq!(lines.len() - 1, e.standings.len());
    for (line, row) in lines[1..].iter().zip(&e.standings) {
        // No name here holds a comma or a quote, so a plain split reads it.
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), header.len(), "{line}");
        assert_eq!(cells[1], row.name);
        // The file's name, never the organiser's folders.
        let name = std::path::Path::new(&row.file).file_name().unwrap();
        assert_eq!(cells[2], name.to_str().unwrap(), "{line}");
        assert!(!cells[2].contains('/'), "{line}");
        let field = |name: &str| num(cells[header.iter().position(|h| *h == name).unwrap()]);
        assert_eq!(field("points"), row.points);
        assert_eq!(field("score"), row.score);
        assert_eq!(field("elo"), row.elo);
        assert_eq!(field("elo_low"), row.elo_low);
        assert_eq!(field("elo_high"), row.elo_high);
        assert_eq!(field("sonneborn_berger"), row.sonneborn_berger);
        assert_eq!(field("payoff_per_turn"), row.payoff_per_turn);
        for kind in FaultKind::ALL {
            assert_eq!(
                field(&format!("faults_{kind}")),
                f64::from(row.faults[&kind])
            );
        }
    }

    // The crosstable as a row per pair that met.
    let out = cagematch(
        dir.path(),
        &[
            "report",
            r,
            "--format",
            "csv",
            "--table",
            "crosstable",
            "--out",
            "-",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let csv = text(&out.stdout);
    let mut rows = 0;
    for line in csv.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), 11, "{line}");
        let h = &e.crosstable[cells[0]][cells[1]];
        assert_eq!(num(cells[2]), h.points, "{line}");
        assert_eq!(num(cells[3]), f64::from(h.games), "{line}");
        let pairs: Vec<u32> = cells[4..9].iter().map(|c| c.parse().unwrap()).collect();
        assert_eq!(Some(pairs), h.pentanomial.map(|p| p.to_vec()), "{line}");
        assert_eq!(cells[9].parse().ok(), h.elo, "{line}");
        assert_eq!(cells[10].parse().ok(), h.elo_pm, "{line}");
        rows += 1;
    }
    let n = e.standings.len();
    assert_eq!(
        rows,
        n * (n - 1),
        "a row for every ordered pair of a round robin"
    );
    let out = cagematch(dir.path(), &["report", r, "--table", "crosstable"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "cagematch: --table crosstable is for --format csv (the other formats show every table)\n"
    );

    let out = cagematch(dir.path(), &["report", r, "--format", "markdown"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let md = std::fs::read_to_string(run.join("report.md")).unwrap();
    for row in &e.standings {
        let name = cagematch::markup::markdown(&row.name);
        let line = md
            .lines()
            .find(|l| l.starts_with(&format!("| {} | {name} |", row.rank)))
            .unwrap_or_else(|| panic!("no row for {name}:\n{md}"));
        let cells: Vec<&str> = line.split(" | ").collect();
        assert_eq!(num(cells[2]), row.points, "{line}");
        common::report::assert_shown(cells[7], 5, row.score, &row.name);
        common::report::assert_shown(cells[8], 6, row.elo, &row.name);
        let (low, high) = cells[9].split_once(" to ").expect("an interval");
        common::report::assert_shown(low, 7, row.elo_low, &row.name);
        common::report::assert_shown(high, 8, row.elo_high, &row.name);
    }
    assert!(md.contains("## Crosstable") && md.contains("## Faults"));
    assert!(
        md.contains("\\<img src=x onerror=alert\\(1\\)\\>\\&co"),
        "{md}"
    );
}

#[test]
fn each_format_shows_the_figures_that_rank_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rps: Vec<String> = ["rock", "pattern", "counter", "random"]
        .iter()
        .map(|b| format!("'{}'", root.join(format!("bots/rps/{b}.py")).display()))
        .collect();
    let ipd: Vec<String> = ["tit_for_tat", "defector", "grudger"]
        .iter()
        .map(|b| format!("'{}'", root.join(format!("bots/ipd/{b}.py")).display()))
        .collect();
    let rps = rps.join(", ");
    let cases = [
        format!("name: D\ngame: ipd\nconfiguration: {{turns: 30}}\nbots: {{files: [{}]}}\ngames_per_pair: 2\n", ipd.join(", ")),
        format!("name: S\ngame: rps\nconfiguration: {{episodeSteps: 30}}\nbots: {{files: [{rps}]}}\nformat: swiss\nrounds: 2\ngames_per_pair: 2\n"),
        format!("name: K\ngame: rps\nconfiguration: {{episodeSteps: 30}}\nbots: {{files: [{rps}]}}\nformat: knockout\ngames_per_pair: 2\n"),
    ];
    for yaml in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("t.yaml"),
            format!("{yaml}seed: 4\noutput: runs\n"),
        )
        .unwrap();
        let out = cagematch(dir.path(), &["run", "t.yaml", "--headless"]);
        assert_eq!(out.status.code(), Some(0), "{yaml}{}", text(&out.stderr));
        let run = common::only_run(dir.path());
        let out = cagematch(dir.path(), &["report", run.to_str().unwrap(), "--out", "-"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert_html_matches(&text(&out.stdout), &export(&run));
    }
}

#[test]
fn a_link_planted_in_the_run_folder_is_replaced_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let run = played_run(dir.path());
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "keep me\n").unwrap();
    std::os::unix::fs::symlink(&victim, run.join("report.html")).unwrap();
    let out = cagematch(dir.path(), &["report", run.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me\n");
    let meta = std::fs::symlink_metadata(run.join("report.html")).unwrap();
    assert!(meta.file_type().is_file());
}

#[test]
fn an_unfinished_run_reports_what_it_played() {
    let dir = tempfile::tempdir().unwrap();
    let run = played_run(dir.path());
    let journal = std::fs::read_to_string(run.join("journal.jsonl")).unwrap();
    let kept: Vec<&str> = journal.lines().take(5).collect();
    std::fs::write(run.join("journal.jsonl"), kept.join("\n") + "\n").unwrap();
    let out = cagematch(dir.path(), &["report", run.to_str().unwrap(), "--out", "-"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let html = text(&out.stdout);
    assert!(
        html.contains("5 of 12 matches played (unfinished)"),
        "{html}"
    );
    let games: f64 = html_table(&html, "standings")[1..]
        .iter()
        .map(|r| num(&r[3]))
        .sum();
    assert_eq!(games, 10.0);
}

#[test]
fn bad_run_folders_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("empty")).unwrap();
    for (args, expected) in [
        (
            ["report", "missing"],
            "missing: not a run folder (no run.json in it)",
        ),
        (
            ["report", "empty"],
            "empty: not a run folder (no run.json in it)",
        ),
    ] {
        let out = cagematch(d, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(text(&out.stderr), format!("cagematch: {expected}\n"));
    }
    let out = cagematch(d, &["report", "empty", "--format", "pdf"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("possible values: html, markdown, csv"));
}

/// Matches of more than two seats changed every result type from pairs to lists: a
/// two-seat run's exports must not have changed by a byte (dates aside). The fixture is
/// a run and its exports as the last two-seat-only build wrote them.
#[test]
fn two_seat_exports_are_byte_for_byte_what_they_were() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixture = root.join("tests/fixtures/two_seats");
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    std::fs::create_dir(&run).unwrap();
    for f in ["run.json", "journal.jsonl"] {
        std::fs::copy(fixture.join("run").join(f), run.join(f)).unwrap();
    }
    let undated = |text: &str| -> String {
        text.lines()
            .filter(|l| !l.starts_with("date: "))
            .map(|l| match l.find(" · report 20") {
                Some(i) => &l[..i],
                None => l,
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (info, entries) = cagematch::tournament::Journal::read(&run).unwrap();
    let standings = info.standings(&entries);
    let yaml = serde_yaml::to_string(&cagematch::tournament::Export::of_standings(
        &info, &standings, &entries,
    ))
    .unwrap();
    let before = std::fs::read_to_string(fixture.join("standings.yaml")).unwrap();
    assert_eq!(undated(&yaml), undated(&before), "standings.yaml");
    for (args, file) in [
        (&["--format", "html"][..], "report.html"),
        (&["--format", "markdown"], "report.markdown"),
        (&["--format", "csv"], "standings.csv"),
        (
            &["--format", "csv", "--table", "crosstable"],
            "crosstable.csv",
        ),
    ] {
        let out_file = dir.path().join(file);
        let mut all = vec![
            "report",
            run.to_str().unwrap(),
            "--out",
            out_file.to_str().unwrap(),
        ];
        all.extend_from_slice(args);
        let out = cagematch(dir.path(), &all);
        assert_eq!(out.status.code(), Some(0), "{file}: {}", text(&out.stderr));
        let now = std::fs::read_to_string(&out_file).unwrap();
        let before = std::fs::read_to_string(fixture.join(file)).unwrap();
        assert_eq!(undated(&now), undated(&before), "{file}");
    }
}

#[test]
fn an_exact_tie_is_a_shared_place_in_the_reports_and_the_final_table() {
    // Two copies of rock: every game a draw, so the two are level on every figure.
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for name in ["stone.py", "boulder.py"] {
        std::fs::copy(root.join("bots/rps/rock.py"), dir.path().join(name)).unwrap();
    }
    std::fs::write(
        dir.path().join("t.yaml"),
        "name: Level\ngame: rps\nconfiguration:\n  episodeSteps: 10\nbots:\n  files: [stone.py, boulder.py]\ngames_per_pair: 2\nseed: 1\noutput: runs\n",
    )
    .unwrap();
    let out = cagematch(dir.path(), &["run", "t.yaml", "--headless"]);
    let table = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let rows: Vec<&str> = table
        .lines()
        .filter(|l| l.contains("stone") || l.contains("boulder"))
        .filter(|l| l.trim_start().starts_with('='))
        .collect();
    assert_eq!(rows.len(), 2, "both share 1st in the final table: {table}");
    let run = common::only_run(dir.path());
    let run = run.to_str().unwrap();
    let md = cagematch(
        dir.path(),
        &["report", run, "--format", "markdown", "--out", "-"],
    );
    let md = text(&md.stdout);
    assert_eq!(md.matches("| =1 | ").count(), 2, "{md}");
    let html = cagematch(dir.path(), &["report", run, "--out", "-"]);
    let html = text(&html.stdout);
    assert_eq!(html.matches("<tr><td>=1</td>").count(), 2, "{html}");
}

#[test]
fn shared_places_follow_the_first_row_of_a_tie() {
    use cagematch::tournament::results::ties::shared_place;
    let rows = [(1, 5), (2, 5), (3, 3), (4, 2), (5, 2), (6, 2), (7, 1)];
    let places: Vec<Option<usize>> = (0..rows.len())
        .map(|i| shared_place(&rows, i, |r| r.0, |a, b| a.1 == b.1))
        .collect();
    assert_eq!(
        places,
        [Some(1), Some(1), None, Some(4), Some(4), Some(4), None]
    );
}

#[test]
fn replay_html_refuses_a_folder_or_a_bad_file_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = d.join("page.html");
    let out = out.to_str().unwrap();
    let garbage = d.join("garbage.replay");
    std::fs::write(&garbage, b"\x28\xb5\x2f\xfd not a replay").unwrap();
    for (file, says) in [
        (
            d.to_str().unwrap(),
            "--html takes a replay file, not a run folder",
        ),
        (garbage.to_str().unwrap(), "garbage.replay"),
        ("no-such.replay", "no-such.replay"),
    ] {
        let run = cagematch(d, &["replay", file, "--html", out]);
        let err = text(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{file}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(says), "{err}");
        assert!(!Path::new(out).exists(), "nothing written for {file}");
    }
}
