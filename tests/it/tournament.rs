//! Tournaments: resume equivalence, the YAML export, and every kind of bad tournament
//! file. The schedule, standings and ratings are pure and tested next to their code.

use crate::common;

use cagematch::cage::FaultKind;
use cagematch::game::Outcome;
use cagematch::game::Ranking;
use cagematch::referee::SeedKey;
use cagematch::tournament::results::standings::{compute, Outcomes};
use cagematch::tournament::schedule::round_robin;
use cagematch::tournament::{runner, Event, Export, Journal, Options, RunInfo, Tournament};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

fn repo(p: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(p)
        .display()
        .to_string()
}

// ---- Export ----

#[test]
fn export_round_trips_through_yaml() {
    let games = vec![
        Outcomes::decided(0, 0, 1, Outcome::Win),
        Outcomes::decided(1, 1, 0, Outcome::Draw),
    ];
    let s = compute(2, &games, Ranking::Points);
    let bots = vec![
        ("alpha".to_string(), "bots/a.py".to_string()),
        ("beta".to_string(), "bots/b.py".to_string()),
    ];
    let export = Export::new("Fixture cup", cagematch::game::GameKind::Rps, &bots, &s);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("standings.yaml");
    export.write(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let back: Export = serde_yaml::from_str(&text).unwrap();
    assert_eq!(back, export);
    assert!(text.contains("tournament: Fixture cup"), "{text}");
    assert!(text.contains("game: rps"));
    let first = &back.standings[0];
    assert_eq!(
        (first.rank, first.name.as_str(), first.points),
        (1, "alpha", 1.5)
    );
    assert_eq!(first.faults.len(), 8, "every fault kind, zeros included");
    assert_eq!(back.crosstable["beta"]["alpha"].points, 0.5);
    assert_eq!(back.crosstable["beta"]["alpha"].games, 2);
}

#[test]
fn seat_swapped_pairs_give_each_head_to_head_a_pentanomial_elo() {
    let entry = |id, seats: [usize; 2], seed, first: Outcome| cagematch::tournament::Entry {
        id,
        seats: seats.to_vec(),
        names: vec!["alpha".into(), "beta".into()],
        seed,
        outcomes: vec![first, first.opposite()],
        scores: vec![None, None],
        faults: vec![None, None],
        frames: 5,
        reason: String::new(),
        replay: format!("replays/{id}.json"),
        void: None,
    };
    // Seed 10: alpha wins both seats (2 points); seed 11: alpha draws, then loses (½).
    let entries = vec![
        entry(0, [0, 1], 10, Outcome::Win),
        entry(1, [1, 0], 10, Outcome::Loss),
        entry(2, [0, 1], 11, Outcome::Draw),
        entry(3, [1, 0], 11, Outcome::Win),
    ];
    let outcomes: Vec<_> = entries.iter().map(|e| e.outcomes()).collect();
    let s = compute(2, &outcomes, Ranking::Points);
    let bots = vec![
        ("alpha".to_string(), "a.py".to_string()),
        ("beta".to_string(), "b.py".to_string()),
    ];
    let export =
        Export::new("Pairs", cagematch::game::GameKind::Rps, &bots, &s).with_pairs(&bots, &entries);
    let ab = &export.crosstable["alpha"]["beta"];
    assert_eq!(ab.pentanomial, Some([0, 1, 0, 0, 1]));
    assert_eq!(
        export.crosstable["beta"]["alpha"].pentanomial,
        Some([1, 0, 0, 1, 0])
    );
    // Mean pair score (¼ + 1)/2 = 0.625: +88.7 Elo; beta's is the mirror image.
    assert_eq!(ab.elo, Some(88.7));
    assert_eq!(export.crosstable["beta"]["alpha"].elo, Some(-88.7));
    assert!(ab.elo_pm.unwrap() > 0.0);
}

// ---- Bad tournament files ----

fn parse(yaml: &str) -> Result<Tournament, String> {
    Tournament::parse(Path::new("tournaments/bad.yaml"), yaml).map_err(|e| e.to_string())
}

#[test]
fn every_kind_of_bad_tournament_file_gives_a_one_line_error() {
    let rps = repo("bots/rps");
    let cases: Vec<(String, &str)> = vec![
        (
            format!("name: x\ngame: rps\nbots:\n  folder: {rps}\ncolour: red\n"),
            "tournaments/bad.yaml:5: unknown field `colour`",
        ),
        (
            format!("name: x\ngame: chess\nbots:\n  folder: {rps}\n"),
            "tournaments/bad.yaml:2: game: unknown game `chess`: the games are connectx, rps, ipd, tron",
        ),
        (
            format!("name: x\ngame: rps\nbots:\n  flder: {rps}\n"),
            "tournaments/bad.yaml:4: bots: unknown field `flder`",
        ),
        (
            format!("name: x\ngame: rps\nbots:\n  folder: {rps}\ngames_per_pair: many\n"),
            "tournaments/bad.yaml:5: games_per_pair: invalid type",
        ),
        (
            format!("name: x\ngame: rps\nbots:\n  folder: {rps}\ngames_per_pair: 0\n"),
            "tournaments/bad.yaml:5: games_per_pair: must be between 1 and 1000",
        ),
        (
            format!("name: x\ngame: rps\nbots:\n  folder: {rps}\njobs: 0\n"),
            "tournaments/bad.yaml:5: jobs: must be between 1 and 256",
        ),
        (
            format!("name: x\ngame: rps\nbots:\n  folder: {rps}\nformat: swiss\n"),
            "tournaments/bad.yaml: rounds: a Swiss tournament needs `rounds: N`",
        ),
        (
            format!("name: x\ngame: rps\nbots:\n  folder: {rps}\nformat: swiss\nrounds: 9\n"),
            // 1 to n-1 for the n bots of bots/rps (5, or 6 once `make -C bots` built one).
            "tournaments/bad.yaml:6: rounds: 1 to ",
        ),
        (
            format!("name: x\ngame: rps\nbots:\n  folder: {rps}\nformat: gauntlet\nchampions: [nobody]\n"),
            "tournaments/bad.yaml:6: champions: no bot is named `nobody`; the bots are counter,",
        ),
        (
            format!("name: x\ngame: rps\nbots:\n  folder: {rps}\nrounds: 3\n"),
            "tournaments/bad.yaml:5: rounds: not used by a round-robin tournament",
        ),
        (
            format!("name: x\ngame: rps\nbots:\n  folder: {rps}\nformat: ladder\n"),
            "tournaments/bad.yaml:5: format: unknown variant `ladder`",
        ),
        (
            format!("name: x\ngame: rps\nconfiguration:\n  sings: 4\nbots:\n  folder: {rps}\n"),
            "tournaments/bad.yaml:3: configuration: unknown field `sings`",
        ),
        (
            format!("name: x\ngame: rps\nconfiguration:\n  signs: 9\nbots:\n  folder: {rps}\n"),
            "tournaments/bad.yaml:3: configuration: signs must be 3, 4 or 5",
        ),
        (
            format!("name: x\ngame: rps\nbots:\n  folder: {rps}\ntime_control:\n  move: -1\n"),
            "tournaments/bad.yaml:6: time_control.move: must be above 0",
        ),
        (
            format!("name: x\ngame: rps\nbots:\n  folder: {rps}\ntime_control:\n  bank: 3\n"),
            "tournaments/bad.yaml:6: time_control: unknown field `bank`",
        ),
        (
            format!("name: x\ngame: rps\nbots:\n  folder: {rps}\nlimits:\n  memory_mb: 1\n"),
            "tournaments/bad.yaml:6: limits.memory_mb: must be between 64 and 65536",
        ),
        (
            format!("name: x\ngame: rps\nbots:\n  folder: {rps}\npython:\n  modules: [ctypes]\n"),
            "tournaments/bad.yaml:6: python.modules: `ctypes` would give bots native code",
        ),
        (
            format!("name: x\nbots:\n  folder: {rps}\n"),
            "tournaments/bad.yaml:1: missing field `game`",
        ),
        (
            "name: x\ngame: rps\nbots:\n  folder: /nonexistent/bots\n".to_string(),
            "tournaments/bad.yaml:3: bots: cannot read the folder /nonexistent/bots",
        ),
        (
            format!("name: x\ngame: rps\nbots:\n  files: [{rps}/rock.py]\n"),
            "tournaments/bad.yaml:3: bots: a tournament needs at least two bots, found 1",
        ),
        (
            format!("name: x\ngame: rps\nbots:\n  files: [{rps}/rock.py, {rps}/nope.py]\n"),
            "no such bot file; check the path",
        ),
        (
            format!("name: x\ngame: rps\nbots:\n  files: [{rps}/rock.py, {rps}/rock.py]\n"),
            "two bots are named `rock`",
        ),
        (
            format!("name: ''\ngame: rps\nbots:\n  folder: {rps}\n"),
            "tournaments/bad.yaml:1: name: give the tournament a name",
        ),
        (
            "name: x\ngame: rps\nbots: [\n".to_string(),
            "tournaments/bad.yaml:",
        ),
    ];
    for (yaml, expected) in cases {
        let err = parse(&yaml)
            .err()
            .unwrap_or_else(|| panic!("accepted:\n{yaml}"));
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(expected), "expected `{expected}` in `{err}`");
    }
}

#[test]
fn shipped_tournament_files_load() {
    for name in [
        "default", "connectx", "rps", "ipd", "tron", "swiss", "knockout",
    ] {
        let t = Tournament::load(Path::new(&repo(&format!("tournaments/{name}.yaml"))))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(t.bots.len() >= 4, "{name}");
    }
}

#[test]
fn a_loaded_tournament_has_this_machines_key_for_its_seed_whoever_loads_it() {
    // The key is not left random for `cagematch run` to fix up: any caller that loads a
    // file gets the key a run of it uses, and a new seed brings its own key.
    let file = repo("tournaments/rps.yaml");
    let (a, b) = (
        Tournament::load(Path::new(&file)).unwrap(),
        Tournament::load(Path::new(&file)).unwrap(),
    );
    let machine = SeedKey::local().unwrap();
    assert_eq!(a.key(), b.key());
    assert_eq!(a.key(), machine.for_tournament(a.seed()));
    let mut c = a.clone();
    c.set_seed(a.seed() + 1).unwrap();
    assert_ne!(c.key(), a.key());
    assert_eq!(c.key(), machine.for_tournament(a.seed() + 1));
    // A run's tournament keeps the run's own key and seed.
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::create(dir.path(), &RunInfo::new_run(&c)).unwrap();
    let (_, info, _) = Journal::resume(&journal.dir).unwrap();
    let mut resumed = Tournament::from_run(&info, 1).unwrap();
    assert_eq!(resumed.key(), c.key());
    assert!(resumed.set_seed(9).is_err());
    assert_eq!(resumed.key(), c.key());
}

// ---- Runs, journal, resume ----

fn small_tournament(dir: &Path) -> Tournament {
    let yaml = format!(
        "name: Resume test\ngame: rps\nconfiguration:\n  episodeSteps: 60\nbots:\n  folder: {}\ngames_per_pair: 2\nseed: 5\njobs: 2\noutput: {}\n",
        repo("bots/rps"),
        dir.display()
    );
    let file = dir.join("t.yaml");
    std::fs::write(&file, &yaml).unwrap();
    let mut t = Tournament::load(&file).unwrap();
    t.limits = common::test_limits();
    t
}

fn play_all(
    t: &Tournament,
    stop_after: Option<usize>,
) -> (PathBuf, cagematch::tournament::Summary) {
    let cage = common::cage();
    let total = t.plan(&[]).total;
    let mut journal = Journal::create(&t.output, &RunInfo::of(t, total)).unwrap();
    let stop = AtomicBool::new(false);
    let opts = Options {
        jobs: 2,
        frames: false,
        pin: true,
        monitor: None,
    };
    let summary = runner::run(t, &cage, &mut journal, Vec::new(), &opts, &stop, &mut |e| {
        if let Event::Finished { done, .. } = e {
            if Some(done) == stop_after {
                stop.store(true, Ordering::Relaxed);
            }
        }
    })
    .unwrap();
    (journal.dir.clone(), summary)
}

#[test]
fn an_interrupted_run_resumes_to_the_same_standings() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = small_tournament(dir.path());
    // Matches long enough (about 25 ms) that the stop after the fifth lands before the
    // two workers have played the rest.
    t.configuration = serde_json::json!({"episodeSteps": 999});
    let (_, whole) = play_all(&t, None);
    assert!(!whole.interrupted);
    assert_eq!(whole.entries.len(), t.bots.len() * (t.bots.len() - 1));

    let (run_dir, part) = play_all(&t, Some(5));
    assert!(part.interrupted, "stopped early");
    assert!(
        part.entries.len() >= 5 && part.entries.len() < whole.entries.len(),
        "{}",
        part.entries.len()
    );
    let lines = std::fs::read_to_string(run_dir.join("journal.jsonl")).unwrap();
    assert_eq!(
        lines.lines().count(),
        part.entries.len(),
        "one line per finished match"
    );
    // A half-written last line (killed mid-write) is cut off on resume.
    std::fs::write(
        run_dir.join("journal.jsonl"),
        format!("{lines}{{\"id\": 19, \"sea"),
    )
    .unwrap();

    let (mut journal, info, done) = Journal::resume(&run_dir).unwrap();
    assert_eq!(done.len(), part.entries.len());
    let resumed_t = Tournament::from_run(&info, 2).unwrap();
    let cage = common::cage();
    let opts = Options {
        jobs: 2,
        frames: false,
        pin: true,
        monitor: None,
    };
    let rest = runner::run(
        &resumed_t,
        &cage,
        &mut journal,
        done,
        &opts,
        &AtomicBool::new(false),
        &mut |_| {},
    )
    .unwrap();
    assert!(!rest.interrupted);
    assert_eq!(
        rest.standings, whole.standings,
        "same standings as an uninterrupted run"
    );
    let strip = |es: &[cagematch::tournament::Entry]| -> Vec<_> {
        es.iter()
            .map(|e| {
                (
                    e.id,
                    e.seats.clone(),
                    e.seed,
                    e.outcomes.clone(),
                    e.scores.clone(),
                )
            })
            .collect()
    };
    assert_eq!(strip(&rest.entries), strip(&whole.entries));
    let journal_lines = std::fs::read_to_string(run_dir.join("journal.jsonl")).unwrap();
    assert_eq!(journal_lines.lines().count(), whole.entries.len());
    for e in &rest.entries {
        assert!(run_dir.join(&e.replay).is_file(), "{}", e.replay);
    }
}

#[test]
fn a_bot_changed_since_the_run_began_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let bots = dir.path().join("bots");
    std::fs::create_dir(&bots).unwrap();
    for name in ["rock", "random"] {
        std::fs::copy(
            repo(&format!("bots/rps/{name}.py")),
            bots.join(format!("{name}.py")),
        )
        .unwrap();
    }
    let file = dir.path().join("t.yaml");
    std::fs::write(
        &file,
        "name: Changing\ngame: rps\nbots:\n  folder: bots\noutput: runs\n",
    )
    .unwrap();
    let t = Tournament::load(&file).unwrap();
    let journal = Journal::create(&dir.path().join("runs"), &RunInfo::of(&t, 2)).unwrap();
    std::fs::write(bots.join("rock.py"), "def agent(o):\n    return 1\n").unwrap();
    let (_, info, _) = Journal::resume(&journal.dir).unwrap();
    let err = Tournament::from_run(&info, 1).unwrap_err().to_string();
    assert!(
        err.contains("rock.py: the bot changed since the run began"),
        "{err}"
    );
}

#[test]
fn faults_are_streamed_as_events_and_counted_in_the_standings() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.yaml");
    std::fs::write(
        &file,
        format!(
            "name: Faulty\ngame: rps\nconfiguration:\n  episodeSteps: 20\nbots:\n  files:\n    - {}\n    - {}\n    - {{file: {}, name: seven}}\ngames_per_pair: 2\noutput: {}\n",
            repo("bots/rps/rock.py"),
            repo("bots/rps/random.py"),
            repo("tests/fixtures/games/plays_seven.py"),
            dir.path().display()
        ),
    )
    .unwrap();
    let t = Tournament::load(&file).unwrap();
    let cage = common::cage();
    let mut journal = Journal::create(&t.output, &RunInfo::of(&t, 6)).unwrap();
    let opts = Options {
        jobs: 2,
        frames: true,
        pin: true,
        monitor: None,
    };
    let (mut started, mut frames, mut faults) = (0, 0, Vec::new());
    let summary = runner::run(
        &t,
        &cage,
        &mut journal,
        Vec::new(),
        &opts,
        &AtomicBool::new(false),
        &mut |e| match e {
            Event::Started { .. } => started += 1,
            Event::Frame { .. } => frames += 1,
            Event::Fault { bot, fault, .. } => faults.push((bot, fault.kind)),
            _ => {}
        },
    )
    .unwrap();
    assert_eq!(started, 6);
    assert!(frames > 6, "frames were streamed: {frames}");
    assert_eq!(
        faults,
        vec![(2, FaultKind::IllegalAction); 4],
        "seven faults in all 4 of its games"
    );
    let seven = summary.standings.rows.iter().find(|r| r.bot == 2).unwrap();
    assert_eq!((seven.points, seven.losses, seven.rank), (0.0, 4, 3));
    assert_eq!(seven.faults.get(&FaultKind::IllegalAction), Some(&4));
}

/// A run folder is a file handed to us like any other: a crafted `run.json` or journal
/// line is a one-line error naming the file (and line), never a panic, a hang or a wrong
/// standings table.
#[test]
fn crafted_run_folders_are_refused_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let t = small_tournament(dir.path());
    let (run, _) = play_all(&t, Some(2));
    let journal = std::fs::read_to_string(run.join("journal.jsonl")).unwrap();
    let first = journal.lines().next().unwrap().to_string();
    let run_json = std::fs::read_to_string(run.join("run.json")).unwrap();
    let entry: serde_json::Value = serde_json::from_str(&first).unwrap();
    let with = |key: &str, value: serde_json::Value| {
        let mut e = entry.clone();
        e[key] = value;
        e.to_string()
    };
    let info: serde_json::Value = serde_json::from_str(&run_json).unwrap();
    let info_with = |path: &[&str], value: serde_json::Value| {
        let mut i = info.clone();
        let mut at = &mut i;
        for key in path {
            at = if let Ok(n) = key.parse::<usize>() {
                &mut at[n]
            } else {
                &mut at[*key]
            };
        }
        *at = value;
        i.to_string()
    };
    let journal_cases: Vec<(String, &str)> = vec![
        (
            with("seats", serde_json::json!([0, 99])),
            "has seats [0, 99]",
        ),
        (
            with("id", serde_json::json!(100_000)),
            "is not in this run's schedule",
        ),
        (
            with("replay", serde_json::json!("../../etc/shadow")),
            "its replay must be a file in replays/",
        ),
        (format!("{first}\n{first}"), "is already recorded on line 1"),
        (
            r#"{"retry":{"id":0,"attempt":1,"reason":"x","extra":1}}"#.to_string(),
            "malformed retry line",
        ),
        (
            r#"{"retry":{"id":0,"attempt":1,"reason":"x"},"extra":1}"#.to_string(),
            "malformed retry line",
        ),
        (
            r#"{"retry":{"id":0,"attempt":99,"reason":"x"}}"#.to_string(),
            "does not fit this run",
        ),
        (
            r#"{"retry":{"id":100000,"attempt":1,"reason":"x"}}"#.to_string(),
            "does not fit this run",
        ),
    ];
    for (lines, says) in journal_cases {
        std::fs::write(run.join("journal.jsonl"), format!("{lines}\n")).unwrap();
        let err = Journal::resume(&run).err().expect("refused").to_string();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("journal.jsonl:"), "{err}");
        assert!(err.contains(says), "expected `{says}` in `{err}`");
    }
    std::fs::write(run.join("journal.jsonl"), format!("{first}\n")).unwrap();
    let info_cases: Vec<(String, &str)> = vec![
        (
            info_with(&["bots", "0", "sha256"], "a".into()),
            "is not 64 hexadecimal digits",
        ),
        (
            info_with(&["limits", "cpu_seconds"], u64::MAX.into()),
            "limits.cpu_seconds",
        ),
        (info_with(&["games_per_pair"], 0.into()), "games_per_pair"),
        (info_with(&["matches"], 7.into()), "matches:"),
        (
            info_with(&["modules"], serde_json::json!(["ctypes"])),
            "native code",
        ),
        (
            info_with(&["bots"], serde_json::json!([])),
            "bots: a run has 2 to",
        ),
        // Formats are read back too; a huge one is refused before any plan is built.
        (
            info_with(
                &["schedule"],
                serde_json::json!({"kind": "swiss", "rounds": 0}),
            ),
            "schedule: 1 to",
        ),
        (
            info_with(
                &["schedule"],
                serde_json::json!({"kind": "knockout", "seeds": [0, 0], "tiebreak_pairs": 1}),
            ),
            "schedule: a knockout seeds every bot once",
        ),
        (
            info_with(
                &["schedule"],
                serde_json::json!({"kind": "sprt", "elo0": 0, "elo1": 5, "alpha": 0.05,
                    "beta": 0.05, "max_pairs": 1_000_000}),
            ),
            "schedule: an SPRT is between exactly two bots",
        ),
        (
            info_with(
                &["schedule"],
                serde_json::json!({"kind": "ladder", "active": [0, 99]}),
            ),
            "schedule: a bot named twice, or one not in the run",
        ),
        (
            info_with(
                &["schedule"],
                serde_json::json!({"kind": "tournament-of-doom"}),
            ),
            "malformed",
        ),
    ];
    // 300 bots playing 1000 games per pair: 44,850,000 matches, refused before planning.
    let mut huge = info.clone();
    huge["bots"] = serde_json::Value::Array(vec![huge["bots"][0].clone(); 300]);
    huge["games_per_pair"] = 1000.into();
    let mut info_cases = info_cases;
    info_cases.push((huge.to_string(), "matches: more than 10000000 in one run"));
    for (text, says) in info_cases {
        std::fs::write(run.join("run.json"), text).unwrap();
        let err = Journal::resume(&run).err().expect("refused").to_string();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("run.json"), "{err}");
        assert!(err.contains(says), "expected `{says}` in `{err}`");
    }
    std::fs::write(run.join("run.json"), &run_json).unwrap();
    assert!(
        Journal::resume(&run).is_ok(),
        "the untouched folder still resumes"
    );
}

#[test]
fn deeply_nested_yaml_is_refused_before_parsing() {
    let deep = format!("name: x\ngame: rps\nbots: {}\n", "[".repeat(100_000));
    let err = parse(&deep).expect_err("refused");
    assert!(
        err.contains("tournaments/bad.yaml:3: nested deeper than 64 levels"),
        "{err}"
    );
    let big = format!("name: x\n# {}\n", "x".repeat(2 * 1024 * 1024));
    let err = parse(&big).expect_err("refused");
    assert!(err.contains("bytes is more than"), "{err}");
}

#[test]
fn a_dead_zygote_is_the_runners_failure_retried_and_never_scored() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = small_tournament(dir.path());
    // Three bots (6 matches) and long matches (20,000 rounds, about half a second), so
    // the zygote surely dies in the middle of the fourth even on a loaded machine.
    t.bots.truncate(3);
    t.configuration = serde_json::json!({"episodeSteps": 20_000});
    let (_, whole) = play_all(&t, None);

    let cage = common::cage();
    let total = round_robin(t.bots.len(), t.games_per_pair, t.seed()).len();
    let mut journal = Journal::create(&t.output, &RunInfo::of(&t, total)).unwrap();
    // No frames: a backlog of them would reach this thread after the match has ended.
    let opts = Options {
        jobs: 1,
        frames: false,
        pin: true,
        monitor: None,
    };
    let first_zygote = cage.zygote_pid();
    let mut killed = false;
    let mut retried = Vec::new();
    let summary = runner::run(
        &t,
        &cage,
        &mut journal,
        Vec::new(),
        &opts,
        &AtomicBool::new(false),
        &mut |e| match e {
            // As the fourth match starts: the machine kills the zygote under it (its
            // bots die with it).
            Event::Started { id: 3, .. } if !killed => {
                killed = true;
                // SAFETY: a plain signal to the zygote this test started.
                unsafe { libc::kill(first_zygote, libc::SIGKILL) };
            }
            Event::Retried {
                id,
                attempt,
                reason,
            } => retried.push((id, attempt, reason.to_string())),
            _ => {}
        },
    )
    .expect("the run survives a dead zygote");
    assert!(killed);
    assert!(cage.restarts() >= 1, "a new zygote was started");
    assert_ne!(cage.zygote_pid(), first_zygote);
    assert_eq!(retried.len(), 1, "{retried:?}");
    assert_eq!((retried[0].0, retried[0].1), (3, 1));
    assert!(retried[0].2.contains("zygote"), "{}", retried[0].2);

    // Every match scored once, exactly as an undisturbed run scores them; no fault.
    assert!(!summary.interrupted);
    let strip = |es: &[cagematch::tournament::Entry]| -> Vec<_> {
        es.iter()
            .map(|e| {
                (
                    e.id,
                    e.seats.clone(),
                    e.seed,
                    e.outcomes.clone(),
                    e.scores.clone(),
                    e.faults.clone(),
                )
            })
            .collect()
    };
    assert_eq!(strip(&summary.entries), strip(&whole.entries));
    assert_eq!(summary.standings, whole.standings);
    // The journal says what happened, and the run folder still resumes.
    let lines = std::fs::read_to_string(journal.dir.join("journal.jsonl")).unwrap();
    let retry_lines: Vec<_> = lines
        .lines()
        .filter(|l| l.starts_with(r#"{"retry":"#))
        .collect();
    assert_eq!(retry_lines.len(), 1, "{lines}");
    assert!(retry_lines[0].contains(r#""id":3"#), "{}", retry_lines[0]);
    let (_, _, done) = Journal::resume(&journal.dir).unwrap();
    assert_eq!(done.len(), total);
}

// ---- Formats on real caged bots ----

/// Six RPS bots, short matches, with `format` lines added to the tournament file.
fn format_tournament(dir: &Path, format: &str) -> Tournament {
    let yaml = format!(
        "name: Format test\ngame: rps\nconfiguration:\n  episodeSteps: 40\nbots:\n  folder: {}\ngames_per_pair: 2\nseed: 9\njobs: 2\noutput: {}\n{format}",
        repo("bots/rps"),
        dir.display()
    );
    let file = dir.join("t.yaml");
    std::fs::write(&file, &yaml).unwrap();
    let mut t = Tournament::load(&file).unwrap_or_else(|e| panic!("{e}"));
    t.limits = common::test_limits();
    t
}

/// A match as a run decided it: id, seats, seed, outcomes.
type Decided = (usize, Vec<usize>, u64, Vec<Outcome>);

/// What a run decided, without timings: the matches and the standings' order.
fn decided(s: &cagematch::tournament::Summary) -> (Vec<Decided>, Vec<usize>) {
    (
        s.entries
            .iter()
            .map(|e| (e.id, e.seats.clone(), e.seed, e.outcomes.clone()))
            .collect(),
        s.standings.rows.iter().map(|r| r.bot).collect(),
    )
}

/// Finishes the interrupted run in `run_dir` as `cagematch run --resume` does.
fn resume(run_dir: &Path) -> cagematch::tournament::Summary {
    let (mut journal, info, done) = Journal::resume(run_dir).unwrap();
    let opts = Options {
        jobs: 2,
        frames: false,
        pin: true,
        monitor: None,
    };
    runner::run(
        &Tournament::from_run(&info, 2).unwrap(),
        &common::cage(),
        &mut journal,
        done,
        &opts,
        &AtomicBool::new(false),
        &mut |_| {},
    )
    .unwrap()
}

/// Plays `t` whole; plays it again stopped after `stop_after` matches and resumed;
/// both must decide the same. Returns the whole run.
fn whole_and_resumed(t: &Tournament, stop_after: usize) -> cagematch::tournament::Summary {
    let (_, whole) = play_all(t, None);
    assert!(!whole.interrupted, "{:?}", whole.entries.len());
    let (run_dir, part) = play_all(t, Some(stop_after));
    assert!(part.interrupted);
    let rest = resume(&run_dir);
    assert!(!rest.interrupted);
    assert_eq!(decided(&rest), decided(&whole), "resumed = uninterrupted");
    assert_eq!(rest.standings, whole.standings);
    whole
}

#[test]
fn a_gauntlet_plays_the_challenger_against_the_field_and_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let t = format_tournament(dir.path(), "format: gauntlet\nchallengers: [pattern]\n");
    let pattern = t.bots.iter().position(|b| b.name == "pattern").unwrap();
    let whole = whole_and_resumed(&t, 3);
    assert_eq!(whole.entries.len(), (t.bots.len() - 1) * 2);
    assert!(whole.entries.iter().all(|e| e.seats.contains(&pattern)));
    // Games differ by design: points per game rank first.
    let scores: Vec<f64> = whole.standings.rows.iter().map(|r| r.score).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    let bots: Vec<(String, String)> = t
        .bots
        .iter()
        .map(|b| (b.name.clone(), b.path.display().to_string()))
        .collect();
    let export = Export::of_format(&t.name, t.game, "gauntlet", &bots, &whole.standings);
    assert_eq!(export.format, "gauntlet");
}

#[test]
fn a_swiss_tournament_pairs_without_repeats_and_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let t = format_tournament(dir.path(), "format: swiss\nrounds: 3\n");
    let whole = whole_and_resumed(&t, 5);
    // bots/rps has 5 bots, or 6 once `make -C bots` built the compiled one.
    let n = t.bots.len();
    assert_eq!(whole.entries.len(), 3 * (n / 2) * 2);
    let mut pairs = std::collections::HashSet::new();
    for e in whole.entries.iter().filter(|e| e.id % 2 == 0) {
        let (a, b) = (e.seats[0], e.seats[1]);
        assert!(pairs.insert((a.min(b), a.max(b))), "{a}-{b} met twice");
    }
    // Every bot plays every round but the ones it had a bye in (an odd field).
    let byes: u32 = whole.standings.rows.iter().map(|r| r.byes).sum();
    assert_eq!(byes as usize, if n % 2 == 1 { 3 } else { 0 });
    for r in &whole.standings.rows {
        let played = whole
            .entries
            .iter()
            .filter(|e| e.seats.contains(&r.bot))
            .count();
        assert_eq!(played, 2 * (3 - r.byes as usize), "bot {}", r.bot);
        assert!(r.byes <= 1, "no second bye");
    }
    assert!(whole.standings.rows.iter().any(|r| r.buchholz > 0.0));
    // The same seed gives the same tournament.
    let (_, again) = play_all(&t, None);
    assert_eq!(decided(&again), decided(&whole));
}

#[test]
fn a_knockout_bracket_crowns_one_bot_and_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let t = format_tournament(dir.path(), "format: knockout\ntiebreak_pairs: 1\n");
    let whole = whole_and_resumed(&t, 2);
    let stages: Vec<u32> = whole
        .standings
        .rows
        .iter()
        .map(|r| r.stage.unwrap())
        .collect();
    // Five or six bots in a bracket of eight: the top seeds have byes; three rounds.
    let n = t.bots.len();
    assert!((5..=8).contains(&n));
    assert_eq!(stages[0], 4, "the champion went past the final (round 3)");
    assert_eq!(
        stages.iter().filter(|&&s| s == 4).count(),
        1,
        "one champion"
    );
    assert!(
        stages.windows(2).all(|w| w[0] >= w[1]),
        "ranked by round reached: {stages:?}"
    );
    // n - 1 real pairings, two games each, plus at most one tie-break pair each.
    let games = whole.entries.len();
    assert!((2 * (n - 1)..=4 * (n - 1)).contains(&games), "{games}");
    let top_seeds = [0usize, 1];
    for e in whole.entries.iter().filter(|e| e.id < 4 * 4) {
        assert!(
            !e.seats.iter().any(|b| top_seeds.contains(b)),
            "seeds 1 and 2 have byes in round 1"
        );
    }
}

#[test]
fn an_sprt_stops_when_it_decides_and_resumes_to_the_same_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = format!(
        "name: SPRT test\ngame: rps\nconfiguration:\n  episodeSteps: 100\nbots:\n  files: [{}, {}]\nformat: sprt\nsprt: {{elo0: 0, elo1: 300, max_pairs: 200}}\nseed: 4\njobs: 2\noutput: {}\n",
        repo("bots/rps/pattern.py"),
        repo("bots/rps/rock.py"),
        dir.path().display()
    );
    let file = dir.path().join("t.yaml");
    std::fs::write(&file, &yaml).unwrap();
    let mut t = Tournament::load(&file).unwrap();
    t.limits = common::test_limits();
    let cagematch::tournament::format::Format::Sprt(spec) = t.format else {
        panic!("an SPRT")
    };
    let (_, whole) = play_all(&t, None);
    assert!(!whole.interrupted);
    let status = cagematch::tournament::format::sprt::status(&spec, &whole.entries);
    // Stopped after 2 matches and resumed: the same verdict from the same pairs. (Games
    // in flight when the test decided are played and kept, but never counted, so which
    // ones they are may differ between runs.)
    let (run_dir, part) = play_all(&t, Some(2));
    assert!(part.interrupted);
    let rest = resume(&run_dir);
    assert!(!rest.interrupted);
    assert_eq!(
        cagematch::tournament::format::sprt::status(&spec, &rest.entries),
        status
    );
    let counted = |s: &cagematch::tournament::Summary| -> Vec<Decided> {
        decided(s)
            .0
            .into_iter()
            .filter(|d| d.0 < 2 * status.pairs as usize)
            .collect()
    };
    assert_eq!(counted(&rest), counted(&whole));
    // pattern beats rock every game: H1 long before 200 pairs.
    assert_eq!(
        status.verdict,
        cagematch::tournament::format::sprt::Verdict::H1
    );
    assert!(status.pairs < 20, "{}", status.pairs);
    assert_eq!(status.penta, [0, 0, 0, 0, status.pairs]);
    assert!(
        whole.entries.len() < 2 * 20,
        "stopped early: {}",
        whole.entries.len()
    );
}

#[test]
fn a_panic_while_reporting_ends_the_run_instead_of_hanging_it() {
    // A bug in an event handler once left the workers waiting for work forever.
    let dir = tempfile::tempdir().unwrap();
    let t = small_tournament(dir.path());
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        play_all_with(&t, &mut |e| {
            if let Event::Finished { .. } = e {
                panic!("a broken handler");
            }
        })
    }));
    assert!(
        result.is_err(),
        "the panic comes through, after the workers left"
    );
}

fn play_all_with(t: &Tournament, on_event: &mut dyn FnMut(Event<'_>)) {
    let cage = common::cage();
    let mut journal = Journal::create(&t.output, &RunInfo::of(t, t.plan(&[]).total)).unwrap();
    let opts = Options {
        jobs: 2,
        frames: false,
        pin: true,
        monitor: None,
    };
    let stop = AtomicBool::new(false);
    let _ = runner::run(t, &cage, &mut journal, Vec::new(), &opts, &stop, on_event);
}
