//! Openings: deterministic bots play one game over and over from an empty board; with
//! `openings:` each seat-swapped pair starts from its own position (both games of the
//! pair from the same one), drawn from the keyed seed, recorded in the replay.

use cagematch::replay;
use serde_json::Value;
use std::path::Path;

use crate::common::{cagematch_in, only_run, text};

/// A deterministic ConnectX bot: the playable column nearest the centre.
const CENTRE: &str = "def agent(obs, config):\n    cols = [c for c in range(config.columns) if obs.board[c] == 0]\n    return min(cols, key=lambda c: (abs(c - (config.columns - 1) / 2), c))\n";

/// One match as these tests read it.
struct Game {
    seats: Vec<u64>,
    /// The first frame's state.
    start: Value,
    /// Every action, in order.
    moves: Vec<Value>,
    configuration: Value,
    /// The journal's reason for the end.
    reason: String,
}

/// Plays `yaml` in `dir`; each match, by id.
fn games(dir: &Path, yaml: &str) -> Vec<Game> {
    std::fs::write(dir.join("t.yaml"), yaml).unwrap();
    let out = cagematch_in(dir, &["run", "t.yaml", "--headless"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let run = only_run(dir);
    let journal = std::fs::read_to_string(run.join("journal.jsonl")).unwrap();
    let mut lines: Vec<Value> = journal
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    lines.sort_by_key(|l| l["id"].as_u64());
    let got = lines
        .iter()
        .map(|l| {
            let record = replay::read(&run.join(l["replay"].as_str().unwrap())).unwrap();
            let seats = l["seats"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_u64().unwrap())
                .collect();
            let moves = record
                .moves()
                .map(|(_, m)| serde_json::to_value(m).unwrap()["action"].clone())
                .collect();
            Game {
                seats,
                start: record.frames[0].state.clone(),
                moves,
                configuration: record.configuration.clone(),
                reason: l["reason"].as_str().unwrap_or_default().to_string(),
            }
        })
        .collect();
    std::fs::remove_dir_all(dir.join("runs")).unwrap();
    got
}

#[test]
fn connectx_openings_make_each_pair_a_different_game_and_both_seats_the_same_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("centre.py"), CENTRE).unwrap();
    let negamax = Path::new(env!("CARGO_MANIFEST_DIR")).join("bots/connectx/negamax.py");
    let base = format!(
        "name: O\ngame: connectx\nconfiguration: {{rows: 5, columns: 6}}\nbots:\n  files: [centre.py, \"{}\"]\ngames_per_pair: 8\nseed: 3\njobs: 2\noutput: runs\n",
        negamax.display()
    );
    // Without openings: every game with the same seating is the same game.
    let plain = games(dir.path(), &base);
    assert_eq!(plain.len(), 8);
    for g in &plain[2..] {
        let same = &plain[(g.seats != plain[0].seats) as usize];
        assert_eq!(g.moves, same.moves, "deterministic bots replay one game");
    }
    // With openings: the pair's two games start alike, the pairs differ.
    let opened = games(dir.path(), &(base + "openings: {plies: 4}\n"));
    let start = |g: &Game| g.start["board"].clone();
    let discs = |b: &Value| {
        b.as_array()
            .unwrap()
            .iter()
            .filter(|c| c.as_u64() != Some(0))
            .count()
    };
    for pair in opened.chunks(2) {
        assert_eq!(
            start(&pair[0]),
            start(&pair[1]),
            "a pair shares its opening"
        );
        assert_ne!(pair[0].seats, pair[1].seats, "seats swapped");
        assert_eq!(discs(&start(&pair[0])), 4);
        assert_eq!(
            pair[0].configuration["openingPlies"], 4,
            "the replay's configuration says so"
        );
    }
    let mut openings: Vec<String> = opened.iter().map(|g| start(g).to_string()).collect();
    openings.dedup();
    assert!(openings.len() >= 3, "four pairs, one opening: {openings:?}");
    let mut played: Vec<String> = opened.iter().map(|g| format!("{:?}", g.moves)).collect();
    played.sort();
    played.dedup();
    assert!(
        played.len() >= 5,
        "the games themselves differ: {}",
        played.len()
    );
}

#[test]
fn ipd_with_prob_end_hides_the_length_and_tron_starts_mirror_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ipd = format!(
        "name: I\ngame: ipd\nbots:\n  files: [\"{}\", \"{}\"]\ngames_per_pair: 8\nseed: 3\njobs: 2\noutput: runs\nopenings: {{prob_end: 0.05}}\n",
        root.join("bots/ipd/grudger.py").display(),
        root.join("bots/ipd/tit_for_tat.py").display()
    );
    let played = games(dir.path(), &ipd);
    let lengths: Vec<usize> = played.iter().map(|g| g.moves.len()).collect();
    for pair in lengths.chunks(2) {
        assert_eq!(pair[0], pair[1], "a pair lasts as long: {lengths:?}");
    }
    let mut distinct = lengths.clone();
    distinct.sort();
    distinct.dedup();
    assert!(distinct.len() >= 2, "lengths vary: {lengths:?}");
    let config = &played[0].configuration;
    assert!(
        config.get("turns").is_none(),
        "the length is not told: {config}"
    );
    assert_eq!(config["prob_end"], 0.05);

    let tron = format!(
        "name: T\ngame: tron\nconfiguration: {{width: 12, height: 8}}\nbots:\n  files: [\"{}\", \"{}\"]\ngames_per_pair: 6\nseed: 3\njobs: 2\noutput: runs\nopenings: {{random_starts: true}}\n",
        root.join("bots/tron/wall_follower.py").display(),
        root.join("bots/tron/random.py").display()
    );
    let played = games(dir.path(), &tron);
    let heads: Vec<Value> = played.iter().map(|g| g.start["heads"].clone()).collect();
    for h in &heads {
        let (a, b) = (&h[0], &h[1]);
        assert_eq!(a[1], b[1], "mirrored: {h}");
        assert_eq!(
            a[0].as_i64().unwrap() + b[0].as_i64().unwrap(),
            11,
            "mirrored: {h}"
        );
    }
    for pair in heads.chunks(2) {
        assert_eq!(pair[0], pair[1]);
    }
    assert!(
        heads[0] != heads[2] || heads[2] != heads[4],
        "starts vary: {heads:?}"
    );
}

#[test]
fn openings_for_another_game_or_set_twice_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rps = |extra: &str| {
        format!(
            "name: R\ngame: rps\nbots:\n  files: [\"{}\", \"{}\"]\n{extra}",
            root.join("bots/rps/rock.py").display(),
            root.join("bots/rps/random.py").display()
        )
    };
    let cx = |extra: &str| {
        format!(
            "name: C\ngame: connectx\nbots:\n  files: [\"{}\", \"{}\"]\n{extra}",
            root.join("bots/connectx/greedy.py").display(),
            root.join("bots/connectx/random.py").display()
        )
    };
    for (yaml, says) in [
        (
            rps("openings: {plies: 4}\n"),
            "openings.plies: is for connectx",
        ),
        (cx("openings: {plies: 3}\n"), "openingPlies"),
        (
            cx("configuration: {openingPlies: 2}\nopenings: {plies: 4}\n"),
            "configuration.openingPlies sets it too",
        ),
        (cx("openings: {moves: 4}\n"), "unknown field `moves`"),
    ] {
        std::fs::write(dir.path().join("t.yaml"), &yaml).unwrap();
        let out = cagematch_in(dir.path(), &["run", "t.yaml", "--headless"]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{yaml}\n{err}");
        assert!(err.contains(says), "{yaml}\n{err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(!dir.path().join("runs").exists());
    }
}

#[test]
fn adjudication_ends_won_connectx_games_early_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("centre.py"), CENTRE).unwrap();
    let negamax = Path::new(env!("CARGO_MANIFEST_DIR")).join("bots/connectx/negamax.py");
    let base = format!(
        "name: A\ngame: connectx\nbots:\n  files: [centre.py, \"{}\"]\ngames_per_pair: 4\nseed: 3\njobs: 2\noutput: runs\nopenings: {{plies: 2}}\n",
        negamax.display()
    );
    let full = games(dir.path(), &base);
    let judged = games(dir.path(), &(base + "adjudicate: {plies: 5}\n"));
    let cut: Vec<usize> = (0..judged.len())
        .filter(|&i| judged[i].reason.starts_with("adjudicated: seat "))
        .collect();
    assert!(!cut.is_empty(), "no game adjudicated");
    for i in cut {
        // The same game up to the move that left a forced win, then over.
        let (j, f) = (&judged[i].moves, &full[i].moves);
        assert!(j.len() < f.len(), "cut short: {} of {}", j.len(), f.len());
        assert_eq!(j[..], f[..j.len()]);
        assert_eq!(judged[i].configuration["adjudicatePlies"], 5);
    }
    for g in judged
        .iter()
        .filter(|g| !g.reason.starts_with("adjudicated"))
    {
        assert!(!g.reason.is_empty());
    }
    // For another game: a one-line error.
    let rps = format!(
        "name: R\ngame: rps\nbots:\n  files: [\"{}\", \"{}\"]\nadjudicate: {{plies: 3}}\n",
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("bots/rps/rock.py")
            .display(),
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("bots/rps/random.py")
            .display()
    );
    std::fs::write(dir.path().join("t.yaml"), rps).unwrap();
    let out = cagematch_in(dir.path(), &["run", "t.yaml", "--headless"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("adjudicate.plies: is for connectx"),
        "{}",
        text(&out.stderr)
    );
}
