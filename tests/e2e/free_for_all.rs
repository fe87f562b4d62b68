//! An 8-bot, 4-seat Hungry Geese tournament (Kaggle's own environment, in `.venv-games`)
//! from the repository's files: in the terminal UI (tmux) — standings by place, a match
//! opened in the viewer with its four seats — and headless, to the same standings; and
//! the bench's Hungry Geese row against `env.run`.

use crate::common;

use common::tmux::Tmux;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `.venv-games`, which `scripts/test` makes.
fn games_venv() -> PathBuf {
    let venv = root().join(".venv-games");
    assert!(
        venv.join("pyvenv.cfg").is_file(),
        "{} is missing: run the tests with scripts/test, which makes it",
        venv.display()
    );
    venv
}

/// `tournaments/hungry_geese.yaml` with its paths made absolute, in `dir`.
fn geese(dir: &Path) -> PathBuf {
    let venv = games_venv();
    let text = std::fs::read_to_string(root().join("tournaments/hungry_geese.yaml"))
        .unwrap()
        .replace("../.venv-games", &venv.display().to_string())
        .replace(
            "../bots/hungry_geese",
            &root().join("bots/hungry_geese").display().to_string(),
        );
    let file = dir.join("geese.yaml");
    std::fs::write(&file, text).unwrap();
    file
}

#[test]
fn an_eight_bot_hungry_geese_tournament_in_the_terminal_and_headless() {
    let dir = tempfile::tempdir().unwrap();
    let file = geese(dir.path());
    let cmd = format!("{} run {}", env!("CARGO_BIN_EXE_cagematch"), file.display());
    let tmux = Tmux::start(dir.path(), &cmd, 140, 44);
    let screen = tmux.wait_for(" finished ", 300);
    assert!(
        screen.contains("70/70 matches"),
        "C(8, 4) groups:\n{screen}"
    );
    assert!(
        screen.contains("1st place"),
        "firsts and mean place:\n{screen}"
    );
    // The matches tab, the first match in the viewer: four seats by name.
    tmux.keys(&["3"]);
    tmux.wait_for("matches (70)", 5);
    tmux.keys(&["Home", "Enter"]);
    let screen = tmux.wait_for("step 0/", 10);
    let header = screen
        .lines()
        .find(|l| l.contains("step 0/"))
        .unwrap()
        .to_string();
    assert_eq!(header.matches(" vs ").count(), 3, "{header}");
    tmux.keys(&["End"]);
    let screen = tmux.wait_for("seat 4:", 10);
    assert!(screen.contains("result:"), "{screen}");
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("EXITED 0", 20);
    assert!(screen.contains(" 1st  2nd  3rd  4th place"), "{screen}");
    drop(tmux);
    let shown = common::only_run(dir.path());

    // Headless, in a folder of its own: the same standings.
    let other = tempfile::tempdir().unwrap();
    let file = geese(other.path());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cagematch"))
        .args(["run", file.to_str().unwrap(), "--headless"])
        .current_dir(other.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out.stderr));
    let headless = common::only_run(other.path());
    let yaml = crate::common::standings_without_date(&headless);
    assert!(yaml.contains("seats: 4"), "{yaml}");
    assert!(yaml.contains("mean_place:"), "{yaml}");
    assert_eq!(yaml, crate::common::standings_without_date(&shown));
}

/// The bench's Hungry Geese row against `env.run` plays the same matches both ways (the
/// same steps), and splits a match into its start and its running steps, and a running
/// step into the seats' exchange and the rest. The shape and the arithmetic only:
/// tests never assert speed.
#[test]
fn the_bench_plays_the_same_geese_matches_as_env_run() {
    let venv = games_venv();
    let args = [
        common::SMALL_BENCH,
        &["--game-venv", venv.to_str().unwrap()],
    ]
    .concat();
    let out = common::cagematch_in(root(), &args);
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let e = &v["environment"];
    assert!(
        e["kaggle_env_run_matches_per_s"]
            .as_f64()
            .is_some_and(|x| x > 0.0),
        "{e}"
    );
    let g = &e["hungry_geese_4_seats"];
    let k = &g["kaggle_env_run"];
    let steps = g["steps"].as_u64().unwrap();
    assert!(steps > 0, "{g}");
    assert_eq!(
        k["steps"].as_u64(),
        Some(steps),
        "the same matches both ways: {g}"
    );
    for run in [g, k] {
        let whole = run["steps_per_s"].as_f64().unwrap();
        let running = run["running_steps_per_s"].as_f64().unwrap();
        assert!(whole > 0.0 && running >= whole, "{run}");
        assert!(run["start_ms"].as_f64().is_some_and(|x| x > 0.0), "{run}");
    }
    let step_us = 1e6 / g["running_steps_per_s"].as_f64().unwrap();
    let seats = g["seats_exchange_us"].as_f64().unwrap();
    assert!(seats > 0.0 && seats < step_us, "{seats} of {step_us}: {g}");
    for (seats, round) in [
        ("env_seats_us", "env_round_us"),
        ("builtin_seats_us", "builtin_round_us"),
    ] {
        let (s, r) = (e[seats].as_f64().unwrap(), e[round].as_f64().unwrap());
        assert!(s > 0.0 && s < r, "{seats} {s} of {round} {r}");
    }
    let name = "4-seat hungry geese steps/s vs kaggle env.run";
    assert!(v["targets"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["name"] == name));
}
