//! `cagematch init`: a competition folder that runs as made, for every game, from the
//! bots built into the binary; and one-line refusals.

use crate::common;

use cagematch::game::GameKind;
use cagematch::tournament::Tournament;
use common::{cagematch_in as cagematch, text};

#[test]
fn init_makes_a_folder_that_checks_and_runs_for_every_game() {
    // Outside the repository: the bots come from the binary, not from bots/.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for game in GameKind::ALL {
        let name = format!("{game}-club");
        let out = cagematch(d, &["init", &name, "--game", game.name()]);
        let stdout = text(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
        // It says what to do next, and both commands work as printed.
        let next: Vec<&str> = stdout
            .lines()
            .skip_while(|l| *l != "next:")
            .skip(1)
            .map(str::trim)
            .collect();
        assert_eq!(next.len(), 2, "{stdout}");
        assert_eq!(
            next[0],
            format!("cagematch check {name}/bots/template.py --game {game}")
        );
        let folder = d.join(&name);
        assert!(folder.join("submissions").is_dir());
        let file = folder.join(format!("tournaments/{name}.yaml"));
        let t = Tournament::load(&file).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.game, game);
        // The examples play; the template is there to start from, not in the field.
        assert!(t.bots.len() >= 3, "{game}: {} bots", t.bots.len());
        assert!(t.bots.iter().all(|b| b.name != "template"));
        let args: Vec<&str> = next[0].split(' ').skip(1).collect();
        let check = cagematch(d, &args);
        assert_eq!(check.status.code(), Some(0), "{}", text(&check.stdout));
        assert!(text(&check.stdout).contains("no problems found"));
        // Every field is there, explained: the file is mostly comments.
        let yaml = std::fs::read_to_string(&file).unwrap();
        for field in [
            "format:",
            "ranking:",
            "jobs:",
            "time_control:",
            "limits:",
            "python:",
            "output:",
            "theme:",
        ] {
            assert!(yaml.contains(field), "{game}: no {field} in\n{yaml}");
        }
    }
    // Dropped-in submissions join the field — one named like a house bot too (the
    // house bots are named apart) — and the tournament runs to the end.
    let club = d.join("rps-club");
    std::fs::copy(
        club.join("bots/template.py"),
        club.join("submissions/alice.py"),
    )
    .unwrap();
    std::fs::copy(club.join("bots/rock.py"), club.join("submissions/rock.py")).unwrap();
    let out = cagematch(
        d,
        &["run", "rps-club/tournaments/rps-club.yaml", "--headless"],
    );
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("6 bots") && stdout.contains("alice") && stdout.contains("house-rock"),
        "{stdout}"
    );
}

#[test]
fn init_refuses_to_overwrite_and_names_the_games() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("taken")).unwrap();
    std::fs::write(d.join("taken/notes.txt"), "mine").unwrap();
    std::fs::write(d.join("a-file"), "x").unwrap();
    for (args, says) in [
        (
            &["init", "taken", "--game", "rps"][..],
            "taken: already exists and is not an empty folder",
        ),
        (
            &["init", "a-file", "--game", "rps"][..],
            "a-file: already exists",
        ),
        (
            &["init", "new", "--game", "chess"][..],
            "unknown game `chess`: the games are connectx, rps, ipd, tron",
        ),
    ] {
        let out = cagematch(d, args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains(says) && err.trim().lines().count() == 1,
            "{err}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(d.join("taken/notes.txt")).unwrap(),
        "mine"
    );
    assert!(!d.join("new").exists());
    // An empty folder is fine.
    std::fs::create_dir(d.join("empty")).unwrap();
    let out = cagematch(d, &["init", "empty", "--game", "ipd"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}
