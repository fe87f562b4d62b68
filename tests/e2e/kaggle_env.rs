//! Kaggle's own environments through cagematch: the real `kaggle_environments` (in
//! `.venv-games`, made by `scripts/test`) as the game venv, checked against that
//! package's own runner by `scripts/kaggle_env_crosscheck.py`.

use crate::common::text;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn games_venv() -> PathBuf {
    let venv = root().join(".venv-games");
    assert!(
        venv.join("pyvenv.cfg").is_file(),
        "{} is missing: run the tests with scripts/test, which makes it",
        venv.display()
    );
    venv
}

#[test]
fn kaggle_environments_and_cagematch_play_every_crosscheck_case_alike() {
    let venv = games_venv();
    let out = Command::new(venv.join("bin/python"))
        .arg("scripts/kaggle_env_crosscheck.py")
        .arg(env!("CARGO_BIN_EXE_cagematch"))
        .arg(&venv)
        .current_dir(root())
        .output()
        .expect("run the cross-check");
    let table = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{table}\n{}", text(&out.stderr));
    assert!(table.contains("14 cases, 0 with differences"), "{table}");
    for game in [
        "games/takeaway.py",
        "kaggle:rps",
        "kaggle:connectx",
        "kaggle:open_spiel_tic_tac_toe",
        "kaggle:open_spiel_connect_four",
        "kaggle:open_spiel_chess",
        "kaggle:hungry_geese",
    ] {
        assert!(table.contains(game), "{game} missing from\n{table}");
    }
    // Free-for-all: 4, 3 (one seat refused by the action schema) and 8 seats.
    for seats in ["4 seats", "3 seats", "8 seats"] {
        assert!(table.contains(seats), "{seats} missing from\n{table}");
    }
}

/// Hungry Geese, four seats, with the bots in `bots/hungry_geese/`: a match has a place
/// per seat, ties share one, and the same seed plays the same match.
#[test]
fn a_four_seat_hungry_geese_match_places_every_seat() {
    let venv = games_venv();
    let play = |seed: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_cagematch"))
            .args(["match", "kaggle:hungry_geese"])
            .args(
                ["greedy", "random", "left", "greedy"].map(|b| format!("bots/hungry_geese/{b}.py")),
            )
            .args(["--seed", seed, "--json", "--game-venv"])
            .arg(&venv)
            .current_dir(root())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let v = play("3");
    assert_eq!(
        v["bots"],
        serde_json::json!(["greedy", "random", "left", "greedy (2)"])
    );
    let places: Vec<u64> = v["places"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_u64().unwrap())
        .collect();
    let scores: Vec<f64> = v["scores"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_f64().unwrap())
        .collect();
    assert_eq!(places.len(), 4, "{v}");
    for i in 0..4 {
        let ahead = scores.iter().filter(|&&s| s > scores[i]).count() as u64;
        assert_eq!(places[i], ahead + 1, "{v}");
    }
    assert_eq!(v["outcomes"].as_array().unwrap().len(), 4);
    assert_eq!(play("3"), v, "the same seed plays the same match");
}

#[test]
fn a_kaggle_environment_that_does_not_exist_is_a_one_line_error() {
    let venv = games_venv();
    let out = Command::new(env!("CARGO_BIN_EXE_cagematch"))
        .args([
            "match",
            "kaggle:no_such_game",
            "bots/rps/rock.py",
            "bots/rps/rock.py",
        ])
        .arg("--game-venv")
        .arg(&venv)
        .current_dir(root())
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("kaggle_environments has no environment `no_such_game`"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    // A venv of another Python is refused before anything starts.
    let other = tempfile::tempdir().unwrap();
    std::fs::write(other.path().join("pyvenv.cfg"), "version = 3.9.18\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cagematch"))
        .args([
            "match",
            "kaggle:rps",
            "bots/rps/rock.py",
            "bots/rps/rock.py",
        ])
        .arg("--game-venv")
        .arg(other.path())
        .current_dir(root())
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--game-venv") && err.contains("its Python is 3.9.18"),
        "{err}"
    );
}

/// cagematch's `structify` (bots' `kaggle_utils`, and what the game process gives an
/// interpreter) skips Kaggle's keyword-argument round trip for speed: it must still make
/// exactly what `kaggle_environments.utils.structify` makes, and refuse what it refuses.
#[test]
fn our_structify_makes_and_refuses_exactly_what_kaggles_does() {
    let venv = games_venv();
    let script = r#"
import sys
sys.path.insert(0, "src/cage/zygote/kaggle")
import utils as ours
from kaggle_environments import utils as theirs

class L(list): pass
class D(dict): pass

cases = [
    1, "x", None, True, 2.5, [], {}, [1, [2, {"a": 3}]],
    {"a": {"b": [1, {"c": None}]}, "items": 4, "info": {}},
    [{"observation": {"step": 1, "board": [0] * 6}, "status": "ACTIVE", "reward": None}] * 2,
    L([{"a": 1}]), D(a={"b": 2}), {"a": L([1])}, {"a": D(b=1)},
    theirs.Struct(a=1, b={"c": 2}), {"1": 1, "self2": 2},
]
refused = [{1: 2}, {"self": 1}, {"a": {"self": 2}}, [{"x": {(1, 2): 3}}]]

def shape(o):
    if isinstance(o, dict):
        return (type(o).__name__, sorted((k, shape(v)) for k, v in o.items()),
                sorted((k, shape(v)) for k, v in getattr(o, "__dict__", {}).items()))
    if isinstance(o, list):
        return (type(o).__name__, [shape(v) for v in o])
    return (type(o).__name__, o)

bad = 0
for c in cases:
    a, b = ours.structify(c), theirs.structify(c)
    if shape(a) != shape(b):
        bad += 1
        print("differs:", repr(c)[:80], shape(a), shape(b))
for c in refused:
    got = []
    for m in (ours, theirs):
        try:
            m.structify(c)
            got.append(None)
        except TypeError as e:
            got.append(str(e).replace("kaggle_environments.utils.", "").replace("utils.", ""))
    if got[0] is None or got[0] != got[1]:
        bad += 1
        print("refusal differs:", repr(c), got)
print(f"{len(cases) + len(refused)} cases, {bad} differ")
"#;
    let out = Command::new(venv.join("bin/python"))
        .args(["-c", script])
        .current_dir(root())
        .output()
        .expect("run python");
    let said = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{said}{}", text(&out.stderr));
    assert!(said.contains("20 cases, 0 differ"), "{said}");
}
