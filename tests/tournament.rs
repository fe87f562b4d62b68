//! Tournaments: the schedule, standings and ratings against hand-computed values,
//! resume equivalence, the YAML export, and every kind of bad tournament file.

mod common;

use cagematch::cage::FaultKind;
use cagematch::game::Outcome;
use cagematch::tournament::rating::{fit, Results};
use cagematch::tournament::schedule::round_robin;
use cagematch::tournament::standings::{compute, Outcomes};
use cagematch::tournament::{runner, Event, Export, Journal, Options, RunInfo, Tournament};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

fn repo(p: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(p)
        .display()
        .to_string()
}

// ---- Schedule ----

#[test]
fn every_pair_plays_every_game_with_seats_swapped_in_pairs() {
    for bots in 2..7 {
        for gpp in 1..6u32 {
            let s = round_robin(bots, gpp, 42);
            let pairs = bots * (bots - 1) / 2;
            assert_eq!(s.len(), pairs * gpp as usize);
            assert!(s.iter().enumerate().all(|(i, m)| m.id == i));
            for a in 0..bots {
                for b in a + 1..bots {
                    let games: Vec<_> = s
                        .iter()
                        .filter(|m| m.seats.contains(&a) && m.seats.contains(&b))
                        .collect();
                    assert_eq!(games.len(), gpp as usize, "{a} vs {b}");
                    let a_first = games.iter().filter(|m| m.seats[0] == a).count() as i64;
                    let diff = (2 * a_first - gpp as i64).abs();
                    assert!(
                        diff <= 1,
                        "seats unbalanced for {a}-{b}: {a_first} of {gpp}"
                    );
                    // Games 2k and 2k+1 share a seed with the seats swapped.
                    for k in 0..(gpp as usize / 2) {
                        let (x, y) = (games[2 * k], games[2 * k + 1]);
                        assert_eq!(x.seed, y.seed);
                        assert_eq!(x.seats, [y.seats[1], y.seats[0]]);
                    }
                }
            }
            if gpp % 2 == 0 {
                for bot in 0..bots {
                    let first = s.iter().filter(|m| m.seats[0] == bot).count();
                    let second = s.iter().filter(|m| m.seats[1] == bot).count();
                    assert_eq!(first, second, "bot {bot} seat balance");
                }
            }
        }
    }
    assert_eq!(round_robin(4, 2, 1), round_robin(4, 2, 1), "deterministic");
    assert_ne!(round_robin(4, 2, 1)[0].seed, round_robin(4, 2, 2)[0].seed);
}

// ---- Ratings ----

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.01
}

#[test]
fn bradley_terry_two_bots_by_hand() {
    // A scores 3 of 4 against B: r_A - r_B = 400·log10(3) = 190.85, centred ±95.42.
    // Fisher information per game p(1-p) = 3/16, four games: 0.75; the pseudo-inverse's
    // diagonal is 1/(4·0.75) = 1/3, so se = 0.57735 (natural log units), i.e. 100.296 Elo (× 400/ln 10),
    // and the 95% half-width is 1.96 × 100.296 = 196.58.
    let mut r = Results::new(2);
    for p in [1.0, 1.0, 1.0, 0.0] {
        r.add(0, 1, p);
    }
    let f = fit(&r);
    assert!(!f.regularised);
    assert!(close(f.ratings[0].elo, 95.42), "{:?}", f.ratings);
    assert!(close(f.ratings[1].elo, -95.42));
    assert!(
        close(f.ratings[0].high - f.ratings[0].elo, 196.58),
        "{:?}",
        f.ratings
    );
    assert!(close(f.ratings[0].elo - f.ratings[0].low, 196.58));
}

#[test]
fn bradley_terry_three_bots_against_an_independent_newton_fit() {
    // A-B 3:1, B-C 3:1, A-C 3:1 (four games each). Expected values from a separate
    // Newton–Raphson fit with numpy's pseudo-inverse.
    let mut r = Results::new(3);
    for (a, b) in [(0, 1), (1, 2), (0, 2)] {
        for p in [1.0, 1.0, 1.0, 0.0] {
            r.add(a, b, p);
        }
    }
    let f = fit(&r);
    let elo: Vec<f64> = f.ratings.iter().map(|x| x.elo).collect();
    assert!(
        close(elo[0], 131.384) && close(elo[1], 0.0) && close(elo[2], -131.384),
        "{elo:?}"
    );
    let half: Vec<f64> = f.ratings.iter().map(|x| x.high - x.elo).collect();
    assert!(
        close(half[0], 188.780) && close(half[1], 172.121) && close(half[2], 188.780),
        "{half:?}"
    );
}

#[test]
fn a_perfect_score_is_regularised_with_virtual_draws() {
    // A beats B twice: no finite maximum. With one virtual draw: A 2.5 of 3, so the gap
    // is 400·log10(2.5/0.5) = 279.59, centred ±139.79.
    let mut r = Results::new(2);
    r.add(0, 1, 1.0);
    r.add(0, 1, 1.0);
    let f = fit(&r);
    assert!(f.regularised);
    assert!(close(f.ratings[0].elo, 139.79), "{:?}", f.ratings);
    assert!(f
        .ratings
        .iter()
        .all(|x| x.low.is_finite() && x.high.is_finite()));
    // Draws count half for each side: 2 draws = equal ratings.
    let mut r = Results::new(2);
    r.add(0, 1, 0.5);
    r.add(1, 0, 0.5);
    let f = fit(&r);
    assert!(close(f.ratings[0].elo, 0.0) && close(f.ratings[1].elo, 0.0));
}

// ---- Standings ----

fn game(id: usize, a: usize, b: usize, outcome_a: Outcome) -> Outcomes {
    let outcome_b = match outcome_a {
        Outcome::Win => Outcome::Loss,
        Outcome::Loss => Outcome::Win,
        Outcome::Draw => Outcome::Draw,
    };
    Outcomes {
        id,
        seats: [a, b],
        outcomes: [outcome_a, outcome_b],
        faults: [None, None],
    }
}

#[test]
fn standings_points_record_and_sonneborn_berger_by_hand() {
    // A beat B, A drew C, B beat C; then C beat B on a timeout of B's.
    let mut games = vec![
        game(0, 0, 1, Outcome::Win),
        game(1, 0, 2, Outcome::Draw),
        game(2, 1, 2, Outcome::Win),
    ];
    let mut timeout = game(3, 2, 1, Outcome::Win);
    timeout.faults[1] = Some(FaultKind::Timeout);
    games.push(timeout);
    let s = compute(3, &games);
    // Points: A 1.5, B 1, C 1.5. SB = Σ points scored × opponent's total:
    // A: 1×1 (B) + ½×1.5 (C) = 1.75;  C: ½×1.5 (A) + 1×1 (B) = 1.75;  B: 1×1.5 = 1.5.
    // A and C tie on points and SB; the file order breaks the tie.
    let order: Vec<usize> = s.rows.iter().map(|r| r.bot).collect();
    assert_eq!(order, vec![0, 2, 1]);
    let a = &s.rows[0];
    assert_eq!(
        (a.points, a.games, a.wins, a.draws, a.losses),
        (1.5, 2, 1, 1, 0)
    );
    assert_eq!(a.score, 0.75);
    assert_eq!(a.sonneborn_berger, 1.75);
    let b = &s.rows[2];
    assert_eq!((b.points, b.wins, b.losses), (1.0, 1, 2));
    assert_eq!(b.sonneborn_berger, 1.5);
    assert_eq!(b.faults.get(&FaultKind::Timeout), Some(&1));
    assert_eq!(s.cross[1][2], (1.0, 2), "B against C: 1 of 2");
    assert_eq!(s.cross[0][1], (1.0, 1));
    assert_eq!(
        s.rows.iter().map(|r| r.rank).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    assert_eq!(s.games_played, 4);
    // The order matches finished in does not matter.
    games.reverse();
    assert_eq!(compute(3, &games), s);
}

// ---- Export ----

#[test]
fn export_round_trips_through_yaml() {
    let games = vec![game(0, 0, 1, Outcome::Win), game(1, 1, 0, Outcome::Draw)];
    let s = compute(2, &games);
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
            "tournaments/bad.yaml:2: game: unknown variant `chess`",
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
    for name in ["default", "connectx", "rps", "ipd", "tron"] {
        let t = Tournament::load(Path::new(&repo(&format!("tournaments/{name}.yaml"))))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(t.bots.len() >= 4, "{name}");
    }
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
    let total = round_robin(t.bots.len(), t.games_per_pair, t.seed).len();
    let mut journal = Journal::create(&t.output, &RunInfo::of(t, total)).unwrap();
    let stop = AtomicBool::new(false);
    let opts = Options {
        jobs: 2,
        frames: false,
        pin: true,
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
    let t = small_tournament(dir.path());
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
            .map(|e| (e.id, e.seats, e.seed, e.outcomes, e.scores))
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
