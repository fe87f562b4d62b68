//! `cagematch check FOLDER`: an inbox of real submissions checked at once — the table,
//! the reports, `--move-to`, `--verbose`, hostile file names, and one-line refusals.

use crate::common;

use common::{cagematch_in as cagematch, text};
use serde_json::Value;
use std::path::Path;

fn repo(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// An inbox: two good bots, three broken ones, a slow one and a note.
fn inbox(dir: &Path) -> std::path::PathBuf {
    let inbox = dir.join("submissions");
    std::fs::create_dir(&inbox).unwrap();
    for (from, to) in [
        ("bots/rps/rock.py", "rock.py"),
        ("bots/rps/counter.py", "counter.py"),
        ("tests/fixtures/games/crash_on_third.py", "crashes.py"),
        ("tests/fixtures/games/plays_seven.py", "sevens.py"),
        ("tests/fixtures/good/import_os.py", "imports_os.py"),
        ("tests/fixtures/games/slow_first.py", "slow.py"),
    ] {
        std::fs::copy(repo(from), inbox.join(to)).unwrap();
    }
    std::fs::write(inbox.join("notes.txt"), "my bot is great\n").unwrap();
    inbox
}

/// The table's row for a file.
fn row_of(stdout: &str, file: &str) -> String {
    stdout
        .lines()
        .find(|l| l.starts_with(&format!("{file} ")))
        .unwrap_or_else(|| panic!("no row for {file}:\n{stdout}"))
        .to_string()
}

/// The names in a folder, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn status_of(report: &Value, file: &str) -> (String, String) {
    let bot = report["bots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["file"].as_str().unwrap().ends_with(file))
        .unwrap_or_else(|| panic!("{file} not in the report"));
    (
        bot["status"].as_str().unwrap().to_string(),
        bot["problem"].as_str().unwrap_or_default().to_string(),
    )
}

#[test]
fn a_folder_is_checked_at_once_with_a_table_and_reports() {
    let dir = tempfile::tempdir().unwrap();
    inbox(dir.path());
    let out = cagematch(
        dir.path(),
        &[
            "check",
            "submissions",
            "--game",
            "rps",
            "--games",
            "2",
            "--move-time",
            "0.1",
        ],
    );
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    let row = |file: &str| {
        stdout
            .lines()
            .find(|l| l.starts_with(file))
            .unwrap_or_else(|| panic!("no row for {file}:\n{stdout}"))
            .to_string()
    };
    assert!(row("rock.py").contains(" OK "), "{stdout}");
    assert!(row("counter.py").contains(" OK "), "{stdout}");
    assert!(row("crashes.py").contains("PROBLEM crash"), "{stdout}");
    assert!(
        row("crashes.py").contains("on move 3: ValueError"),
        "{stdout}"
    );
    assert!(
        row("sevens.py").contains("PROBLEM illegal_action"),
        "{stdout}"
    );
    assert!(row("imports_os.py").contains("PROBLEM crash"), "{stdout}");
    assert!(row("imports_os.py").contains("module 'os' is not available"));
    assert!(row("slow.py").contains("SLOW"), "{stdout}");
    assert!(
        row("slow.py").contains("game 1, move 1 used 0."),
        "{stdout}"
    );
    assert!(row("notes.txt").contains("IGNORED"), "{stdout}");
    assert!(
        stdout.contains("6 bots: 2 OK, 1 SLOW, 3 PROBLEM; 1 other file(s) ignored"),
        "{stdout}"
    );
    // Without --verbose the table is all: no bot's whole check on the terminal.
    assert!(!stdout.contains("loads: the agent"), "{stdout}");

    // The JSON report says the same, with every bot's whole check.
    let json: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("check-report.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(json["game"], "rps");
    assert_eq!(json["games_per_bot"], 2);
    assert_eq!(status_of(&json, "rock.py"), ("ok".into(), String::new()));
    assert_eq!(
        status_of(&json, "crashes.py"),
        ("problem".into(), "crash".into())
    );
    assert_eq!(
        status_of(&json, "sevens.py"),
        ("problem".into(), "illegal_action".into())
    );
    assert_eq!(status_of(&json, "slow.py"), ("slow".into(), String::new()));
    assert_eq!(
        status_of(&json, "notes.txt"),
        ("ignored".into(), String::new())
    );
    let crashes = json["bots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == "crashes")
        .unwrap();
    let details: Vec<&str> = crashes["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert!(details.contains(&"sandbox:"), "{details:?}");
    assert!(
        details
            .iter()
            .any(|l| l.contains("File \"crashes.py\", line 10, in agent")),
        "{details:?}"
    );
    assert!(crashes["load_ms"].as_f64().is_some());

    // The Markdown report: one table row per file, then every bot's check.
    let md = std::fs::read_to_string(dir.path().join("check-report.md")).unwrap();
    assert!(md.contains("| crashes.py | PROBLEM crash |"), "{md}");
    assert!(md.contains("| notes.txt | IGNORED |"), "{md}");
    assert!(md.contains("### crashes.py: PROBLEM crash"), "{md}");
    assert!(
        md.lines()
            .any(|l| l.starts_with("    ") && l.ends_with("File \"crashes.py\", line 10, in agent")),
        "{md}"
    );
    // Nothing was moved without --move-to.
    assert!(dir.path().join("submissions/crashes.py").is_file());
}

#[test]
fn move_to_puts_failing_bots_aside_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = inbox(dir.path());
    // A rejected bot of the same name is already there: it must survive.
    let rejected = inbox.join("rejected");
    std::fs::create_dir(&rejected).unwrap();
    std::fs::write(rejected.join("sevens.py"), "earlier\n").unwrap();
    let out = cagematch(
        dir.path(),
        &[
            "check",
            "submissions",
            "--game",
            "rps",
            "--games",
            "1",
            "--move-to",
            "submissions/rejected",
            "--report",
            "review",
        ],
    );
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert_eq!(
        names(&inbox),
        ["counter.py", "notes.txt", "rejected", "rock.py", "slow.py"],
        "{stdout}"
    );
    assert_eq!(
        names(&rejected),
        ["crashes.py", "imports_os.py", "sevens-2.py", "sevens.py"]
    );
    assert_eq!(
        std::fs::read_to_string(rejected.join("sevens.py")).unwrap(),
        "earlier\n"
    );
    assert_eq!(
        std::fs::read(rejected.join("sevens-2.py")).unwrap(),
        std::fs::read(repo("tests/fixtures/games/plays_seven.py")).unwrap()
    );
    assert!(stdout.contains("moved submissions/sevens.py to submissions/rejected/sevens-2.py"));
    // The report says where each went; --report named it.
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("review.json")).unwrap())
            .unwrap();
    let bots = json["bots"].as_array().unwrap();
    let sevens = bots.iter().find(|b| b["name"] == "sevens").unwrap();
    assert_eq!(sevens["moved_to"], "submissions/rejected/sevens-2.py");
    assert!(bots
        .iter()
        .filter(|b| b["status"] != "problem")
        .all(|b| b.get("moved_to").is_none()));
    assert!(dir.path().join("review.md").is_file());

    // What is left checks clean (the slow bot is a warning, not a problem).
    let out = cagematch(
        dir.path(),
        &["check", "submissions", "--game", "rps", "--games", "1"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn manifests_move_only_their_own_executable_and_names_must_be_unique() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("in");
    std::fs::create_dir(&inbox).unwrap();
    std::fs::copy(repo("bots/rps/rock.py"), inbox.join("good.py")).unwrap();
    // A stranger's manifest naming another entrant's bot as its program.
    std::fs::write(inbox.join("thief.yaml"), "command: good.py\n").unwrap();
    // A manifest whose program is not an ELF executable: both go aside together.
    std::fs::write(inbox.join("script.yaml"), "command: run.sh\n").unwrap();
    std::fs::write(inbox.join("run.sh"), "#!/bin/sh\necho 0\n").unwrap();
    let mut perms = std::fs::metadata(inbox.join("run.sh"))
        .unwrap()
        .permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(inbox.join("run.sh"), perms).unwrap();
    let out = cagematch(
        dir.path(),
        &[
            "check",
            "in",
            "--game",
            "rps",
            "--games",
            "1",
            "--move-to",
            "out",
        ],
    );
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    let row = |name: &str| {
        stdout
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap()
            .to_string()
    };
    assert!(row("good.py").contains(" OK "), "{stdout}");
    assert!(row("thief.yaml").contains("PROBLEM invalid"), "{stdout}");
    assert!(row("script.yaml").contains("PROBLEM invalid"), "{stdout}");
    assert_eq!(names(&inbox), ["good.py"], "{stdout}");
    // Two bots of one name cannot both enter a tournament: flagged. (`true` is an ELF
    // executable, so it reads as a bot; it plays no move, its own problem.) A file of
    // that name that is no bot at all is refused on its own and clashes with nothing.
    std::fs::copy(repo("bots/rps/counter.py"), inbox.join("alice.py")).unwrap();
    std::fs::write(inbox.join("alice.yaml"), "command: nothing\n").unwrap();
    std::fs::copy(repo("bots/rps/rock.py"), inbox.join("Bob.py")).unwrap();
    std::fs::copy(repo("bots/rps/counter.py"), inbox.join("bob.py")).unwrap();
    let out = cagematch(
        dir.path(),
        &["check", "in", "--game", "rps", "--games", "1"],
    );
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(row_of(&stdout, "alice.py").contains(" OK "), "{stdout}");
    assert!(
        row_of(&stdout, "alice.yaml").contains("PROBLEM invalid"),
        "{stdout}"
    );
    assert!(row_of(&stdout, "Bob.py").contains(" OK "), "{stdout}");
    let elf = std::fs::canonicalize("/bin/true").unwrap();
    std::fs::copy(elf, inbox.join("bob")).unwrap();
    let out = cagematch(
        dir.path(),
        &["check", "in", "--game", "rps", "--games", "1"],
    );
    let stdout = text(&out.stdout);
    assert!(
        row_of(&stdout, "bob.py").contains("PROBLEM name_clash"),
        "{stdout}"
    );
    assert!(
        row_of(&stdout, "bob.py").contains(
            "also named `bob`: bob; a tournament refuses two bots of one name, rename one"
        ),
        "{stdout}"
    );
    assert!(row_of(&stdout, "bob ").contains("PROBLEM"), "{stdout}");
    assert!(row_of(&stdout, "good.py").contains(" OK "), "{stdout}");
    assert_eq!(
        names(&dir.path().join("out")),
        ["run.sh", "script.yaml", "thief.yaml"]
    );
}

#[test]
fn verbose_prints_every_bots_whole_check() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("in");
    std::fs::create_dir(&inbox).unwrap();
    for bot in ["rock.py", "paper.py", "scissors.py"] {
        std::fs::copy(repo("bots/rps/rock.py"), inbox.join(bot)).unwrap();
    }
    let out = cagematch(
        dir.path(),
        &[
            "check",
            "in",
            "--game",
            "rps",
            "--games",
            "1",
            "--verbose",
            "--jobs",
            "2",
        ],
    );
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert_eq!(stdout.matches("sandbox:").count(), 3, "{stdout}");
    assert_eq!(stdout.matches("loads: the agent is `agent`").count(), 3);
    // In the folder's order, whichever finished first.
    let order: Vec<usize> = ["in/paper.py", "in/rock.py", "in/scissors.py"]
        .iter()
        .map(|f| stdout.find(&format!("checking {f} for rps")).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{stdout}");
    assert!(
        stdout.contains("3 bots: 3 OK, 0 SLOW, 0 PROBLEM"),
        "{stdout}"
    );
}

#[test]
fn hostile_file_names_stay_text_on_the_terminal_and_in_the_reports() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("in");
    std::fs::create_dir(&inbox).unwrap();
    let evil = "x\u{1b}[2J|<img src=y onerror=alert(1)>[link](http:evil).py";
    std::fs::copy(
        repo("tests/fixtures/games/plays_seven.py"),
        inbox.join(evil),
    )
    .unwrap();
    // A link to a file the organiser can read is not followed.
    std::os::unix::fs::symlink("/etc/passwd", inbox.join("peek.py")).unwrap();
    let out = cagematch(
        dir.path(),
        &[
            "check",
            "in",
            "--game",
            "rps",
            "--games",
            "1",
            "--move-to",
            "out",
        ],
    );
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    // Both moved under their real names, whatever the terminal was shown.
    assert!(dir.path().join("out").join(evil).is_file(), "{stdout}");
    assert!(std::fs::symlink_metadata(dir.path().join("out/peek.py")).is_ok());
    assert_eq!(names(&inbox), Vec::<String>::new());
    let peek = stdout.lines().find(|l| l.starts_with("peek.py")).unwrap();
    assert!(peek.contains("PROBLEM invalid"), "{stdout}");
    assert!(peek.contains("link"), "{stdout}");
    assert!(!stdout.contains("root:"), "{stdout}");
    assert!(!stdout.contains('\u{1b}'), "{stdout:?}");
    let md = std::fs::read_to_string(dir.path().join("check-report.md")).unwrap();
    assert!(!md.contains('\u{1b}'));
    // Outside the indented code blocks (literal text to any renderer), no markup.
    let prose: String = md
        .lines()
        .filter(|l| !l.starts_with("    "))
        .collect::<Vec<_>>()
        .join("\n");
    // Every `<` and `]` there is escaped, so no tag or link can start.
    assert!(!prose.replace("\\<", "").contains('<'), "{md}");
    assert!(!prose.replace("\\]", "").contains(']'), "{md}");
    assert!(md.contains("\\<img src=y onerror=alert\\(1\\)\\>"), "{md}");
    // The table still has five cells: the name's `|` is escaped.
    let row = md.lines().find(|l| l.contains("illegal")).unwrap();
    assert_eq!(row.matches(" | ").count(), 4, "{row}");
    let json = std::fs::read_to_string(dir.path().join("check-report.json")).unwrap();
    assert!(serde_json::from_str::<Value>(&json).is_ok());
    assert!(!json.contains('\u{1b}'));
}

#[test]
fn bad_folders_and_arguments_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("empty")).unwrap();
    std::fs::create_dir(d.join("notes")).unwrap();
    std::fs::write(d.join("notes/readme.txt"), "hello").unwrap();
    std::fs::write(d.join("bot.txt"), "def agent(o, c): return 0").unwrap();
    std::fs::copy(repo("bots/rps/rock.py"), d.join("rock.py")).unwrap();
    std::fs::write(d.join("t.yaml"), "name: x\ngame: rps\nbots:\n  folder: .\n").unwrap();
    let cases: [(&[&str], &str); 8] = [
        (
            &["check", "notes", "--game", "rps", "--jobs", "0"],
            "--jobs must be at least 1",
        ),
        (
            &["check", "t.yaml", "--game", "rps"],
            "t.yaml: this is a tournament file, not a bot; check its bots (a bot file, or a folder of bots), or give it as --tournament",
        ),
        (
            &["check", "missing", "--game", "rps"],
            "missing: no such file or folder; give a bot file, or a folder of bots",
        ),
        (
            &["check", "empty", "--game", "rps"],
            "empty: no bots in this folder (a bot is a .py file, an executable or a .yaml manifest); it is empty",
        ),
        (
            &["check", "notes", "--game", "rps"],
            "notes: no bots in this folder (a bot is a .py file, an executable or a .yaml manifest); 1 other file(s) there",
        ),
        (
            &["check", "bot.txt", "--game", "rps"],
            "bot.txt: a bot is a .py file, an executable (chmod +x) or a .yaml manifest naming one",
        ),
        (
            &["check", "notes", "--game", "chess"],
            "unknown game `chess`: the games are connectx, rps, ipd, tron",
        ),
        (
            &["check", "rock.py", "--game", "rps", "--move-to", "rejected"],
            "rock.py: --move-to and --report are for a folder of bots; this is one file",
        ),
    ];
    for (args, expected) in cases {
        let out = cagematch(d, args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr, format!("cagematch: {expected}\n"), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    assert!(!d.join("rejected").exists());
    assert!(!d.join("check-report.md").exists());
}

/// Builds `bots/rps/markov_c.c` (a compiled RPS bot) as `out`.
fn compiled_rps_bot(out: &Path) {
    let status = std::process::Command::new("gcc")
        .args(["-O2", "-o"])
        .arg(out)
        .arg(repo("bots/rps/markov_c.c"))
        .status()
        .expect("gcc runs");
    assert!(status.success());
}

#[test]
fn a_manifest_cannot_claim_another_entrants_files() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("in");
    std::fs::create_dir_all(inbox.join("data")).unwrap();
    std::fs::copy(repo("bots/rps/rock.py"), inbox.join("good.py")).unwrap();
    // Bob's compiled bot, and Alice's manifest naming it as her program.
    compiled_rps_bot(&inbox.join("bob"));
    std::fs::write(inbox.join("alice.yaml"), "command: bob\n").unwrap();
    // Erin's manifest listing Good's source as a data file (it would read it).
    compiled_rps_bot(&inbox.join("erin"));
    std::fs::write(inbox.join("erin.yaml"), "command: erin\nfiles: [good.py]\n").unwrap();
    // Carol and Dave both list one data file: whose it is cannot be told.
    compiled_rps_bot(&inbox.join("carol"));
    compiled_rps_bot(&inbox.join("dave"));
    std::fs::write(inbox.join("data/w.bin"), b"weights").unwrap();
    for who in ["carol", "dave"] {
        std::fs::write(
            inbox.join(format!("{who}.yaml")),
            format!("command: {who}\nfiles: [data/w.bin]\n"),
        )
        .unwrap();
    }
    let out = cagematch(
        dir.path(),
        &[
            "check",
            "in",
            "--game",
            "rps",
            "--games",
            "1",
            "--move-to",
            "out",
        ],
    );
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    // Bob's bot is checked as Bob's, on its own; Alice's manifest is refused.
    assert!(row_of(&stdout, "bob").contains(" OK "), "{stdout}");
    let alice = row_of(&stdout, "alice.yaml");
    assert!(alice.contains("PROBLEM name_clash"), "{stdout}");
    assert!(
        alice.contains("names `bob`, a compiled bot of its own"),
        "{stdout}"
    );
    assert!(
        row_of(&stdout, "erin.yaml").contains("PROBLEM invalid"),
        "{stdout}"
    );
    assert!(row_of(&stdout, "good.py").contains(" OK "), "{stdout}");
    for who in ["carol.yaml", "dave.yaml"] {
        let row = row_of(&stdout, who);
        assert!(row.contains("PROBLEM name_clash"), "{stdout}");
        assert!(row.contains("names `w.bin`"), "{stdout}");
    }
    // Nothing of another entrant moved: Bob's bot, Good's source and the shared data stay;
    // each refused manifest went with its own executable only.
    assert_eq!(names(&inbox), ["bob", "data", "good.py"], "{stdout}");
    assert!(inbox.join("data/w.bin").is_file());
    assert_eq!(
        names(&dir.path().join("out")),
        [
            "alice.yaml",
            "carol",
            "carol.yaml",
            "dave",
            "dave.yaml",
            "erin",
            "erin.yaml"
        ]
    );
}

/// The report lands beside the inbox wherever the command is run from, and says where.
#[test]
fn the_report_is_written_beside_the_inbox() {
    let club = tempfile::tempdir().unwrap();
    let inbox = club.path().join("submissions");
    std::fs::create_dir(&inbox).unwrap();
    std::fs::copy(repo("bots/rps/rock.py"), inbox.join("rock.py")).unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let out = cagematch(
        elsewhere.path(),
        &[
            "check",
            inbox.to_str().unwrap(),
            "--game",
            "rps",
            "--games",
            "1",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let md = club.path().join("check-report.md");
    assert!(md.is_file(), "{}", text(&out.stdout));
    assert!(club.path().join("check-report.json").is_file());
    assert!(!elsewhere.path().join("check-report.md").exists());
    assert!(
        text(&out.stdout).contains(&format!("report: {}", md.display())),
        "{}",
        text(&out.stdout)
    );
}

/// `check --tournament FILE`: the bots are checked under the tournament's own rules, the
/// modules they want and lack are summed up with the line that provides them, and the
/// last line says whether the tournament loads — here not, for a submission named like a
/// house bot.
#[test]
fn check_with_the_tournament_says_what_it_needs_and_whether_it_loads() {
    let dir = tempfile::tempdir().unwrap();
    let out = cagematch(dir.path(), &["init", "club", "--game", "rps"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let inbox = dir.path().join("club/submissions");
    std::fs::copy(repo("bots/rps/counter.py"), inbox.join("alice.py")).unwrap();
    std::fs::write(
        inbox.join("numbers.py"),
        "import numpy as np\n\ndef agent(observation, configuration):\n    return int(np.random.randint(3))\n",
    )
    .unwrap();
    let tournament = "club/tournaments/club.yaml";
    let out = cagematch(
        dir.path(),
        &["check", "--tournament", tournament, "--games", "2"],
    );
    let said = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{said}{}", text(&out.stderr));
    assert!(row_of(&said, "alice.py").contains("OK"), "{said}");
    assert!(row_of(&said, "numbers.py").contains("PROBLEM"), "{said}");
    assert!(
        said.contains("modules not provided: numpy (1 bot)"),
        "{said}"
    );
    assert!(
        said.contains(&format!(
            "add to {tournament}:  python: {{venv: DIR, modules: [numpy]}}"
        )),
        "{said}"
    );
    assert!(
        said.contains(&format!("tournament: {tournament} loads (6 bots)")),
        "{said}"
    );
    // A submission named like a house bot: checked fine, but the tournament would not load.
    std::fs::remove_file(inbox.join("numbers.py")).unwrap();
    std::fs::copy(repo("bots/rps/rock.py"), inbox.join("house-rock.py")).unwrap();
    let out = cagematch(
        dir.path(),
        &["check", "--tournament", tournament, "--games", "2"],
    );
    let said = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(row_of(&said, "house-rock.py").contains("OK"), "{said}");
    let last = said.lines().last().unwrap();
    assert!(
        last.contains("would NOT load") && last.contains("house-rock"),
        "{last}"
    );
    // The rules come from the file: the command line's are refused, the game's too.
    for extra in [&["--module", "numpy"][..], &["--game", "rps"]] {
        let mut args = vec!["check", "--tournament", tournament];
        args.extend_from_slice(extra);
        let out = cagematch(dir.path(), &args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{extra:?}: {}",
            text(&out.stderr)
        );
    }
}
