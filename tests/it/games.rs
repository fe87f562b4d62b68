//! The rules of the four games, without any bot process. ConnectX and RPS cases are
//! Kaggle's own test cases (`kaggle_environments/envs/*/test_*.py`) replayed here.

use cagematch::game::connectx::{self, ConnectX};
use cagematch::game::rps::get_score;
use cagematch::game::{Game, GameKind, Outcome, SettingError, TimeControl};
use serde_json::{json, Value};

fn game(kind: GameKind, config: Value) -> Box<dyn Game> {
    kind.create(&config, 7, 2).expect("valid configuration")
}

/// Plays the given actions (one list per step, for the seats `to_move` names).
fn play(game: &mut dyn Game, steps: &[Vec<Value>]) {
    for actions in steps {
        let movers = game.to_move();
        assert_eq!(movers.len(), actions.len(), "movers {movers:?}");
        for (seat, action) in movers.iter().zip(actions) {
            game.validate(*seat, action).expect("legal action");
        }
        game.apply(actions);
    }
}

fn small() -> connectx::Config {
    connectx::Config {
        columns: 5,
        rows: 4,
        inarow: 3,
        ..Default::default()
    }
}

fn board(game: &dyn Game) -> Value {
    game.observation(0)["board"].clone()
}

// ---- ConnectX (Kaggle's test_connectx.py) ----

#[test]
fn connectx_observation_and_configuration_match_kaggle() {
    let g = game(GameKind::Connectx, json!({}));
    let obs = g.observation(0);
    assert_eq!(obs["board"], json!(vec![0; 42]));
    assert_eq!(obs["mark"], 1);
    assert_eq!(obs["step"], 0);
    assert_eq!(g.observation(1)["mark"], 2);
    let clock = GameKind::Connectx.default_time_control();
    let config = Value::Object(g.configuration(&clock, 1200));
    assert_eq!(
        config,
        json!({"columns": 7, "rows": 6, "inarow": 4, "episodeSteps": 1000, "actTimeout": 2,
               "agentTimeout": 10, "runTimeout": 1200, "timeout": 2})
    );
}

#[test]
fn connectx_can_mark() {
    let mut g = game(
        GameKind::Connectx,
        json!({"rows": 4, "columns": 5, "inarow": 3}),
    );
    play(&mut *g, &[vec![json!(2)]]);
    let mut expected = vec![0; 20];
    expected[17] = 1;
    assert_eq!(board(&*g), json!(expected));
    assert_eq!(g.observation(1)["step"], 1);
    assert_eq!(g.to_move(), vec![1]);
}

#[test]
fn connectx_out_of_bounds_and_full_columns_are_illegal() {
    let g = game(
        GameKind::Connectx,
        json!({"rows": 4, "columns": 5, "inarow": 3}),
    );
    for bad in [
        json!(10),
        json!(5),
        json!(-1),
        json!(2.0),
        json!("2"),
        json!(true),
        json!(null),
    ] {
        assert!(g.validate(0, &bad).is_err(), "{bad} must be illegal");
    }
    let full = vec![1, 2, 0, 0, 0, 1, 2, 0, 0, 0, 1, 2, 0, 0, 0, 1, 2, 0, 0, 0];
    let g = ConnectX::with_board(small(), full).unwrap();
    assert_eq!(g.validate(0, &json!(1)).unwrap_err().0, "column 1 is full");
    assert!(g.validate(0, &json!(2)).is_ok());
    // Kaggle: the invalid seat's reward is None, the other's stays 0.
    assert_eq!(g.forfeit(&[true, false]), [None, Some(0.0)]);
}

#[test]
fn connectx_can_win() {
    let start = vec![0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 1, 2, 0, 0, 0, 1, 2, 0, 0, 0];
    let mut g = ConnectX::with_board(small(), start.clone()).unwrap();
    play(&mut g, &[vec![json!(0)]]);
    let mut after = start;
    after[0] = 1;
    assert_eq!(board(&g), json!(after));
    assert_eq!(g.end().unwrap().scores, [1.0, -1.0]);
    assert!(g.to_move().is_empty());
}

#[test]
fn connectx_can_tie() {
    let start = vec![0, 0, 1, 2, 1, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1];
    let mut g = ConnectX::with_board(small(), start).unwrap();
    play(&mut g, &[vec![json!(0)], vec![json!(1)]]);
    let end = g.end().unwrap();
    assert_eq!(end.scores, [0.0, 0.0]);
    assert_eq!(end.reason, "the board is full");
}

#[test]
fn connectx_run_agents_like_kaggle() {
    // Kaggle's test_can_run_agents: seat 1 always plays 1, seat 2 always 2.
    let mut g = game(
        GameKind::Connectx,
        json!({"rows": 4, "columns": 5, "inarow": 3}),
    );
    play(
        &mut *g,
        &[
            vec![json!(1)],
            vec![json!(2)],
            vec![json!(1)],
            vec![json!(2)],
            vec![json!(1)],
        ],
    );
    assert_eq!(
        board(&*g),
        json!([0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 2, 0, 0, 0, 1, 2, 0, 0])
    );
    assert_eq!(g.observation(0)["step"], 5);
    assert_eq!(g.end().unwrap().scores, [1.0, -1.0]);
}

/// A 7×6 board with the given (row, column, mark) cells; row 0 is the top.
fn position(cells: &[(usize, usize, u8)]) -> ConnectX {
    let mut board = vec![0; 42];
    for &(r, c, m) in cells {
        board[c + r * 7] = m;
    }
    ConnectX::with_board(connectx::Config::default(), board).unwrap()
}

/// Seat 1 drops in `column`; `wins` says whether that must connect four.
fn drop_in(cells: &[(usize, usize, u8)], column: i64, wins: bool) {
    let mut g = position(cells);
    play(&mut g, &[vec![json!(column)]]);
    match g.end() {
        Some(end) if wins => assert_eq!(end.scores, [1.0, -1.0]),
        None if !wins => {}
        other => panic!("column {column} on {cells:?}: {other:?}"),
    }
}

#[test]
fn connectx_wins_in_all_four_directions() {
    // Vertical: three in column 0, the fourth on top.
    drop_in(&[(5, 0, 1), (4, 0, 1), (3, 0, 1)], 0, true);
    // Horizontal, completed at the end and in a gap.
    drop_in(&[(5, 0, 1), (5, 1, 1), (5, 2, 1)], 3, true);
    drop_in(&[(5, 0, 1), (5, 1, 1), (5, 3, 1)], 2, true);
    // Rising diagonal: (5,0) (4,1) (3,2), then column 3 lands on row 2.
    let support = [
        (5, 1, 2),
        (5, 2, 2),
        (4, 2, 2),
        (5, 3, 2),
        (4, 3, 2),
        (3, 3, 2),
    ];
    let mut rising = vec![(5, 0, 1), (4, 1, 1), (3, 2, 1)];
    rising.extend(support);
    drop_in(&rising, 3, true);
    // Falling diagonal: (5,3) (4,2) (3,1), then column 0 lands on row 2.
    let support = [
        (5, 2, 2),
        (5, 1, 2),
        (4, 1, 2),
        (5, 0, 2),
        (4, 0, 2),
        (3, 0, 2),
    ];
    let mut falling = vec![(5, 3, 1), (4, 2, 1), (3, 1, 1)];
    falling.extend(support);
    drop_in(&falling, 0, true);
    // Falling diagonal completed in its middle: (2,0) (3,1) _ (5,3); column 2 lands on row 4.
    drop_in(
        &[
            (2, 0, 1),
            (3, 1, 1),
            (5, 3, 1),
            (5, 0, 2),
            (4, 0, 2),
            (3, 0, 2),
            (5, 1, 2),
            (4, 1, 2),
            (5, 2, 2),
        ],
        2,
        true,
    );
    // Three in a row with a gap of the opponent's: no win.
    drop_in(&[(5, 0, 1), (5, 1, 1), (5, 2, 2), (5, 3, 1)], 4, false);
    // Seat 2's line does not count for seat 1.
    drop_in(&[(5, 0, 2), (5, 1, 2), (5, 2, 2)], 3, false);
}

#[test]
fn connectx_step_limit_is_a_draw() {
    let mut g = game(GameKind::Connectx, json!({"episodeSteps": 4}));
    play(&mut *g, &[vec![json!(0)], vec![json!(1)], vec![json!(0)]]);
    assert_eq!(g.end().unwrap().scores, [0.0, 0.0]);
}

#[test]
fn connectx_draws_its_board() {
    let g = ConnectX::with_board(
        small(),
        vec![0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 1, 2, 1, 0, 1, 2, 1, 2, 1],
    )
    .unwrap();
    assert_eq!(
        GameKind::Connectx.draw(&g.frame()),
        [
            ". . . . .",
            ". . O . .",
            ". X O X .",
            "X O X O X",
            "0 1 2 3 4"
        ]
    );
}

// ---- Rock-Paper-Scissors (Kaggle's test_rps.py) ----

#[test]
fn rps_get_score_matches_kaggle() {
    // rock 0, paper 1, scissors 2, spock 3, lizard 4
    assert_eq!(get_score(1, 0), 1.0); // paper covers rock
    assert_eq!(get_score(0, 1), -1.0);
    assert_eq!(get_score(2, 1), 1.0); // scissors cut paper
    assert_eq!(get_score(0, 2), 1.0); // rock crushes scissors
    assert_eq!(get_score(2, 2), 0.0);
    assert_eq!(get_score(3, 2), 1.0); // spock smashes scissors
    assert_eq!(get_score(4, 3), 1.0); // lizard poisons spock
    assert_eq!(get_score(1, 3), 1.0); // paper disproves spock
}

fn rps(config: Value, a: i64, b: i64) -> Box<dyn Game> {
    let mut g = game(GameKind::Rps, config);
    while !g.to_move().is_empty() {
        play(&mut *g, &[vec![json!(a), json!(b)]]);
    }
    g
}

#[test]
fn rps_tie_by_equal_play() {
    let g = rps(json!({"episodeSteps": 3, "tieRewardThreshold": 1}), 0, 0);
    assert_eq!(g.end().unwrap().scores, [0.0, 0.0]);
    assert_eq!(g.observation(0)["step"], 2, "episodeSteps 3 plays 2 rounds");
}

#[test]
fn rps_tie_under_the_threshold() {
    let g = rps(json!({"episodeSteps": 3, "tieRewardThreshold": 4}), 0, 1);
    assert_eq!(g.end().unwrap().scores, [0.0, 0.0]);
}

#[test]
fn rps_win_and_loss() {
    let g = rps(json!({"episodeSteps": 2, "tieRewardThreshold": 1}), 1, 0);
    assert_eq!(g.end().unwrap().scores, [1.0, -1.0]);
    assert_eq!(g.observation(0)["reward"], json!(1));
    assert_eq!(g.observation(1)["reward"], json!(-1));
    let g = rps(json!({"episodeSteps": 2, "tieRewardThreshold": 1}), 0, 1);
    assert_eq!(g.end().unwrap().scores, [-1.0, 1.0]);
}

#[test]
fn rps_full_game_is_999_rounds_and_threshold_20() {
    let g = rps(json!({}), 1, 0);
    assert_eq!(g.end().unwrap().scores, [999.0, -999.0]);
    // 19 rounds ahead is still a tie with the default threshold of 20.
    let mut g = game(GameKind::Rps, json!({}));
    let mut round = 0;
    while !g.to_move().is_empty() {
        let a = if round < 19 { 1 } else { 0 };
        play(&mut *g, &[vec![json!(a), json!(0)]]);
        round += 1;
    }
    assert_eq!(round, 999);
    assert_eq!(g.end().unwrap().scores, [0.0, 0.0]);
}

#[test]
fn rps_observation_and_invalid_signs() {
    let mut g = game(GameKind::Rps, json!({}));
    let first = g.observation(0);
    assert!(
        !first.contains_key("lastOpponentAction"),
        "absent on step 0"
    );
    assert_eq!(first["step"], 0);
    assert_eq!(first["reward"], 0);
    play(&mut *g, &[vec![json!(2), json!(0)]]);
    assert_eq!(g.observation(0)["lastOpponentAction"], 0);
    assert_eq!(g.observation(1)["lastOpponentAction"], 2);
    for bad in [
        json!(-1),
        json!(1_000_000),
        json!(0.3),
        json!(null),
        json!(3),
        json!(true),
    ] {
        assert!(g.validate(0, &bad).is_err(), "{bad} must be invalid");
    }
    // Kaggle: the invalid seat's reward is None, the valid one gets 1.
    assert_eq!(g.forfeit(&[true, false]), [None, Some(1.0)]);
    let g5 = game(GameKind::Rps, json!({"signs": 5}));
    assert!(g5.validate(0, &json!(4)).is_ok());
}

// ---- Iterated Prisoner's Dilemma (Axelrod) ----

#[test]
fn ipd_payoffs_are_axelrods() {
    for (a, b, pa, pb) in [
        ("C", "C", 3.0, 3.0),
        ("C", "D", 0.0, 5.0),
        ("D", "C", 5.0, 0.0),
        ("D", "D", 1.0, 1.0),
    ] {
        let mut g = game(GameKind::Ipd, json!({"turns": 1}));
        play(&mut *g, &[vec![json!(a), json!(b)]]);
        assert_eq!(g.end().unwrap().scores, [pa, pb], "{a} vs {b}");
    }
}

#[test]
fn ipd_tit_for_tat_against_defector_over_200_turns() {
    let mut g = game(GameKind::Ipd, json!({}));
    let mut turns = 0;
    while !g.to_move().is_empty() {
        let obs = g.observation(0);
        let tft = obs["opponentHistory"]
            .as_array()
            .unwrap()
            .last()
            .cloned()
            .unwrap_or(json!("C"));
        play(&mut *g, &[vec![tft, json!("D")]]);
        turns += 1;
    }
    assert_eq!(turns, 200);
    let end = g.end().unwrap();
    assert_eq!(end.scores, [199.0, 204.0]);
    assert_eq!(Outcome::from_scores(199.0, 204.0), Outcome::Loss);
    let obs = g.observation(1);
    assert_eq!(obs["history"].as_array().unwrap().len(), 200);
    assert_eq!(obs["opponentHistory"][0], "C");
    assert_eq!(obs["opponentHistory"][1], "D");
}

#[test]
fn ipd_noise_flips_what_is_played_and_is_seeded() {
    let mut always = game(GameKind::Ipd, json!({"turns": 3, "noise": 1.0}));
    play(&mut *always, &[vec![json!("C"), json!("C")]]);
    assert_eq!(always.observation(0)["history"], json!(["D"]));
    assert_eq!(always.frame()["flipped"], json!([true, true]));
    let run = |seed| {
        let mut g = GameKind::Ipd
            .create(&json!({"turns": 50, "noise": 0.3}), seed, 2)
            .unwrap();
        while !g.to_move().is_empty() {
            g.apply(&[json!("C"), json!("C")]);
        }
        g.observation(0)["history"].clone()
    };
    assert_eq!(run(1), run(1));
    assert_ne!(run(1), run(2));
    let flips = run(1)
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| *a == "D")
        .count();
    assert!(
        (5..=25).contains(&flips),
        "about 30% of 50 flipped: {flips}"
    );
}

#[test]
fn ipd_rejects_anything_but_c_and_d() {
    let g = game(GameKind::Ipd, json!({}));
    for bad in [
        json!("c"),
        json!("cooperate"),
        json!(0),
        json!(null),
        json!(["C"]),
    ] {
        assert!(g.validate(0, &bad).is_err(), "{bad}");
    }
}

// ---- Tron ----

fn tron(width: usize, height: usize) -> Box<dyn Game> {
    game(GameKind::Tron, json!({"width": width, "height": height}))
}

fn moves(g: &mut dyn Game, a: &str, b: &str) {
    play(g, &[vec![json!(a), json!(b)]]);
}

#[test]
fn tron_starts_symmetric_and_moves() {
    let mut g = tron(20, 20);
    assert_eq!(g.observation(0)["position"], json!([5, 10]));
    assert_eq!(g.observation(0)["opponentPosition"], json!([14, 10]));
    assert_eq!(g.observation(1)["position"], json!([14, 10]));
    moves(&mut *g, "N", "S");
    assert_eq!(g.observation(0)["position"], json!([5, 9]));
    assert_eq!(g.observation(1)["position"], json!([14, 11]));
    assert!(g.end().is_none());
}

#[test]
fn tron_head_on_is_a_draw() {
    // 8 wide: heads at x=2 and x=5; after one step both enter x=3/x=4, then the same cell?
    let mut g = tron(9, 9); // heads at 2 and 6: they meet in x=4 after two steps
    moves(&mut *g, "E", "W");
    assert!(g.end().is_none());
    moves(&mut *g, "E", "W");
    let end = g.end().unwrap();
    assert_eq!(end.scores, [0.0, 0.0]);
    assert_eq!(end.reason, "head-on collision");
}

#[test]
fn tron_swapping_cells_crashes_both() {
    let mut g = tron(8, 8); // heads at x=2 and x=5
    moves(&mut *g, "E", "W"); // 3 and 4: adjacent
    moves(&mut *g, "E", "W"); // each enters the other's head cell
    let end = g.end().unwrap();
    assert_eq!(end.scores, [0.0, 0.0]);
    assert_eq!(end.reason, "both cycles crashed");
}

#[test]
fn tron_wall_trail_and_reversal_crashes() {
    // Seat 1 turns back onto its own trail; seat 2 keeps going.
    let mut g = tron(20, 20);
    moves(&mut *g, "E", "N");
    moves(&mut *g, "W", "N");
    let end = g.end().unwrap();
    assert_eq!(end.scores, [-1.0, 1.0]);
    assert_eq!(end.reason, "seat 1 crashed");
    // Seat 2 runs into the bottom wall.
    let mut g = tron(4, 4); // heads (1, 2) and (2, 2)
    moves(&mut *g, "N", "S");
    moves(&mut *g, "N", "S");
    assert_eq!(g.end().unwrap().scores, [1.0, -1.0]);
    // Both into walls in the same step: a draw.
    let mut g = tron(4, 4);
    moves(&mut *g, "W", "E");
    moves(&mut *g, "W", "E");
    assert_eq!(g.end().unwrap().scores, [0.0, 0.0]);
}

#[test]
fn tron_rejects_bad_directions() {
    let g = tron(20, 20);
    for bad in [json!("n"), json!("up"), json!(0), json!(null)] {
        assert!(g.validate(0, &bad).is_err(), "{bad}");
    }
    assert_eq!(g.forfeit(&[false, true]), [Some(1.0), None]);
}

// ---- Settings ----

#[test]
fn bad_settings_name_the_field() {
    let err = |kind: GameKind, config: Value| kind.create(&config, 0, 2).err().unwrap().to_string();
    assert!(err(GameKind::Connectx, json!({"colums": 7})).contains("unknown field `colums`"));
    assert!(err(GameKind::Connectx, json!({"rows": 0})).contains("rows"));
    assert!(err(GameKind::Connectx, json!({"inarow": 9})).contains("inarow"));
    assert!(err(GameKind::Rps, json!({"signs": 7})).contains("signs"));
    assert!(err(GameKind::Rps, json!({"episodeSteps": "many"})).contains("invalid type"));
    assert!(err(GameKind::Ipd, json!({"noise": 2})).contains("noise"));
    assert!(err(GameKind::Ipd, json!({"payoffs": {"R": 3}})).contains("missing field"));
    assert!(err(GameKind::Tron, json!({"width": 1000})).contains("width"));
    assert!(GameKind::parse("chess")
        .unwrap_err()
        .to_string()
        .contains("connectx, rps, ipd, tron"));
    // Callers can tell a setting out of its range from one that is not a setting.
    let typed = |config: Value| GameKind::Connectx.create(&config, 0, 2).err().unwrap();
    assert!(matches!(
        typed(json!({"inarow": 9})),
        SettingError::Range {
            setting: "inarow",
            ..
        }
    ));
    assert!(matches!(
        typed(json!({"colums": 7})),
        SettingError::Shape(_)
    ));
}

#[test]
fn time_control_checks_name_the_field() {
    let ok = GameKind::Rps.default_time_control();
    assert!(ok.check().is_ok());
    let bad = TimeControl {
        per_move: 0.0,
        ..ok
    };
    assert_eq!(bad.check().unwrap_err().0, "move");
    let bad = TimeControl {
        overage: f64::NAN,
        ..ok
    };
    assert_eq!(bad.check().unwrap_err().0, "overage");
}

/// Each game's frame has one typed decoder, used by its text renderer and the viewer:
/// what `frame()` writes reads back the same, and a hostile frame (from a crafted
/// replay) reads as something small instead of a panic or a hang.
#[test]
fn frames_decode_as_written_and_hostile_frames_stay_small() {
    use cagematch::game::{ipd::TurnFrame, rps::RoundFrame, tron::ArenaFrame};
    for kind in [
        GameKind::Connectx,
        GameKind::Rps,
        GameKind::Ipd,
        GameKind::Tron,
    ] {
        let mut g = game(kind, json!({}));
        let first = g.frame();
        let movers = g.to_move();
        let action = if kind == GameKind::Ipd {
            json!("C")
        } else {
            json!(0)
        };
        g.apply(&vec![action; movers.len()]);
        for state in [first, g.frame()] {
            let text = kind.draw(&state);
            assert!(!text.is_empty(), "{kind}: {state}");
            let again = match kind {
                GameKind::Connectx => serde_json::to_value(connectx::BoardFrame::decode(&state)),
                GameKind::Rps => serde_json::to_value(RoundFrame::decode(&state).unwrap()),
                GameKind::Ipd => serde_json::to_value(TurnFrame::decode(&state).unwrap()),
                GameKind::Tron => serde_json::to_value(ArenaFrame::decode(&state)),
                GameKind::Env(_) => unreachable!("built-in games only"),
            }
            .unwrap();
            assert_eq!(again, state, "{kind}");
        }
    }
    let wide = connectx::BoardFrame::decode(&json!({"columns": 1_000_000_000u64, "board": [0, 1]}));
    assert_eq!(wide.columns, 2);
    assert_eq!(
        connectx::draw(&json!({"columns": "x"})),
        vec!["0".to_string()]
    );
    assert!(RoundFrame::decode(&json!({"rewards": [1]})).is_none());
    assert_eq!(GameKind::Rps.draw(&json!(null)), Vec::<String>::new());
    let arena = ArenaFrame::decode(
        &json!({"rows": ["1é2"], "heads": [[-1, 0], [9, 9]], "crashed": [true, false]}),
    );
    assert_eq!(arena.head(0), None);
    assert_eq!(
        GameKind::Tron.draw(&json!({"heads": 3})),
        Vec::<String>::new()
    );
}

// ---- Adjudication and openings (ConnectX) ----

#[test]
fn connectx_adjudication_ends_a_game_won_by_force_and_only_then() {
    // Seat 1 has discs in columns 2 and 3 of the bottom row, seat 2 two in column 6.
    let mut start = vec![0u8; 42];
    start[35 + 2] = 1;
    start[35 + 3] = 1;
    start[35 + 6] = 2;
    start[28 + 6] = 2;
    let run = |plies: usize| {
        let config = connectx::Config {
            adjudicate_plies: plies,
            ..Default::default()
        };
        let mut g = ConnectX::with_board(config, start.clone()).unwrap();
        // Both waste a move in column 6: then seat 1, to move, makes an open three
        // (column 1 or 4) and wins at one end or the other: three plies, by force.
        g.apply(&[json!(6)]);
        let after_one = g.end();
        g.apply(&[json!(6)]);
        (after_one, g.end())
    };
    let (after_one, end) = run(3);
    assert!(
        after_one.is_none(),
        "seat 2 could still defend: {after_one:?}"
    );
    let end = end.expect("adjudicated");
    assert_eq!(end.scores, vec![1.0, -1.0]);
    assert_eq!(
        end.reason,
        "adjudicated: seat 1 wins by force within 3 plies"
    );
    // Not asked, or not deep enough to see it: the game goes on.
    assert!(run(0).1.is_none());
    assert!(run(2).1.is_none());
    // Too deep to bound its cost: a one-line setting error.
    let err = GameKind::Connectx
        .create(&json!({"adjudicatePlies": 9}), 0, 2)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("adjudicatePlies"), "{err}");
}

#[test]
fn connectx_openings_are_played_from_the_seed_and_decide_nothing() {
    let config = |plies: usize| json!({"openingPlies": plies});
    for seed in 0..50 {
        let g = GameKind::Connectx.create(&config(6), seed, 2).unwrap();
        let board = g.observation(0)["board"].clone();
        let discs: Vec<u64> = board
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_u64().unwrap())
            .collect();
        assert_eq!(discs.iter().filter(|&&c| c == 1).count(), 3);
        assert_eq!(discs.iter().filter(|&&c| c == 2).count(), 3);
        assert!(g.end().is_none());
        assert_eq!(g.to_move(), vec![0], "seat 1 moves first");
        // The same seed, the same opening.
        let again = GameKind::Connectx.create(&config(6), seed, 2).unwrap();
        assert_eq!(again.observation(0)["board"], board);
    }
    let one = GameKind::Connectx
        .create(&config(4), 1, 2)
        .unwrap()
        .observation(0)["board"]
        .clone();
    let two = GameKind::Connectx
        .create(&config(4), 2, 2)
        .unwrap()
        .observation(0)["board"]
        .clone();
    assert_ne!(one, two);
    for bad in [3, 42, 44] {
        assert!(
            GameKind::Connectx.create(&config(bad), 0, 2).is_err(),
            "{bad}"
        );
    }
}
