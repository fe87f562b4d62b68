//! Games: the rules only. A game knows whose turn it is, what each seat sees, which
//! actions are legal, how the state changes and when it is over. It never sees a bot,
//! a clock or a process; the referee does that.

pub mod connectx;
pub mod env;
pub mod ipd;
pub mod rps;
pub mod rules;
pub mod tron;

pub use rules::{
    describe, int_action, number, End, Game, Illegal, Outcome, Ranking, SettingError, SplitMix64,
    TimeControl, Turns, UnknownGame, MAX_SEATS, SEATS,
};

use rules::parse;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A game: one of the built-in ones, or an environment of the organiser's own (its
/// index among the environments this process opened, see [`env::Environment::open`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GameKind {
    Connectx,
    Rps,
    Ipd,
    Tron,
    Env(u16),
}

impl Serialize for GameKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            GameKind::Env(id) => s.serialize_str(&env::label(*id)),
            built_in => s.serialize_str(built_in.name()),
        }
    }
}

/// A built-in game's name, or an environment's label (a path or `kaggle:NAME`), which
/// reads back as an environment named but not opened: drawing its frames needs nothing
/// more, playing it needs [`env::open_named`] first.
impl<'de> Deserialize<'de> for GameKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<GameKind, D::Error> {
        struct Name;
        impl serde::de::Visitor<'_> for Name {
            type Value = GameKind;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a game name")
            }
            fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<GameKind, E> {
                if let Ok(game) = GameKind::parse(name) {
                    return Ok(game);
                }
                match env::Source::of(name).is_some() {
                    true => env::named(name)
                        .map(GameKind::Env)
                        .ok_or_else(|| E::custom("too many environments named")),
                    false => Err(E::custom(GameKind::parse(name).unwrap_err())),
                }
            }
        }
        d.deserialize_str(Name)
    }
}

impl GameKind {
    pub const ALL: [GameKind; 4] = [
        GameKind::Connectx,
        GameKind::Rps,
        GameKind::Ipd,
        GameKind::Tron,
    ];

    pub fn name(self) -> &'static str {
        match self {
            GameKind::Connectx => "connectx",
            GameKind::Rps => "rps",
            GameKind::Ipd => "ipd",
            GameKind::Tron => "tron",
            GameKind::Env(_) => "environment",
        }
    }

    /// How the game's tournaments rank players unless the tournament file says
    /// otherwise: IPD by mean payoff per turn (Axelrod's convention), the rest by match
    /// points.
    pub fn ranking(self) -> Ranking {
        match self {
            GameKind::Ipd => Ranking::Payoff,
            GameKind::Connectx | GameKind::Rps | GameKind::Tron | GameKind::Env(_) => {
                Ranking::Points
            }
        }
    }

    pub fn parse(name: &str) -> Result<GameKind, UnknownGame> {
        GameKind::ALL
            .into_iter()
            .find(|g| g.name() == name)
            .ok_or_else(|| UnknownGame {
                name: name.to_string(),
                known: GameKind::ALL.map(GameKind::name).join(", "),
            })
    }

    /// A fresh game. `config` holds the game's own settings (an object, possibly empty);
    /// an unknown field or a bad value is an error naming it. `seed` drives any chance
    /// the rules have (IPD noise). `seats`: the match's seat count (the built-in games
    /// have two; an environment allows what its specification says).
    pub fn create(
        self,
        config: &Value,
        seed: u64,
        seats: usize,
    ) -> Result<Box<dyn Game>, SettingError> {
        self.check_seats(seats).map_err(SettingError::Shape)?;
        let config = if config.is_null() {
            Value::Object(Map::new())
        } else {
            config.clone()
        };
        Ok(match self {
            GameKind::Connectx => Box::new(connectx::ConnectX::with_opening(parse(config)?, seed)?),
            GameKind::Rps => Box::new(rps::Rps::new(parse(config)?)?),
            GameKind::Ipd => Box::new(ipd::Ipd::new(parse(config)?, seed)?),
            GameKind::Tron => Box::new(tron::Tron::with_start(parse(config)?, seed)?),
            GameKind::Env(id) => Box::new(
                env::opened(id)
                    .map_err(|e| SettingError::Shape(e.to_string()))?
                    .create(&config, seed, seats)?,
            ),
        })
    }

    /// Whether `config` asks for an opening (ConnectX's `openingPlies`, Tron's
    /// `randomStarts`, IPD's `prob_end`): its chance is then drawn from the match's keyed
    /// seed, so no bot can work out the start or the length from the tournament's seed.
    pub fn has_opening(self, config: &Value) -> bool {
        let set = |key: &str| {
            config
                .get(key)
                .is_some_and(|v| v.as_f64().is_some_and(|x| x > 0.0) || v == &Value::Bool(true))
        };
        match self {
            GameKind::Connectx => set("openingPlies"),
            GameKind::Tron => set("randomStarts"),
            GameKind::Ipd => set("prob_end"),
            _ => false,
        }
    }

    /// The seat count a match has unless told: two where the game allows it.
    pub fn default_seats(self) -> usize {
        match self {
            GameKind::Env(id) => env::opened(id).map_or(SEATS, |e| e.default_seats()),
            _ => SEATS,
        }
    }

    /// The seat counts this game's matches may have.
    pub fn seat_counts(self) -> Vec<usize> {
        match self {
            GameKind::Env(id) => env::opened(id).map_or(vec![SEATS], |e| e.seat_counts()),
            _ => vec![SEATS],
        }
    }

    /// Whether a match of this game may have `seats` seats; if not, why in one line.
    pub fn check_seats(self, seats: usize) -> Result<(), String> {
        match self {
            GameKind::Env(id) => env::opened(id)
                .map_err(|e| e.to_string())?
                .check_seats(seats),
            _ if seats == SEATS => Ok(()),
            _ => Err(format!(
                "{} is a two-seat game, not a {seats}-seat one",
                self.name()
            )),
        }
    }

    /// Kaggle's time control for its environments; ours for the others.
    pub fn default_time_control(self) -> TimeControl {
        let per_move = match self {
            GameKind::Connectx => 2.0,
            _ => 1.0,
        };
        TimeControl {
            per_move,
            overage: 60.0,
            load: 10.0,
        }
    }

    /// The opponent `cagematch check` plays against: the game's random bot, built in (an
    /// environment's: a random legal action, see [`env::Environment::opponent`]).
    pub fn builtin_opponent(self) -> (&'static str, std::borrow::Cow<'static, str>) {
        let code = match self {
            GameKind::Connectx => include_str!("../../bots/connectx/random.py"),
            GameKind::Rps => include_str!("../../bots/rps/random.py"),
            GameKind::Ipd => include_str!("../../bots/ipd/random.py"),
            GameKind::Tron => include_str!("../../bots/tron/random.py"),
            GameKind::Env(id) => {
                // `check` opens the environment it names before it asks.
                let code = env::opened(id).map_or_else(
                    |_| "raise RuntimeError('the environment was not opened')\n".to_string(),
                    |env| env.opponent(),
                );
                return ("random.py", code.into());
            }
        };
        ("random.py", code.into())
    }

    /// A frame drawn as text lines (what `cagematch match` prints at the end).
    pub fn draw(self, frame: &Value) -> Vec<String> {
        match self {
            GameKind::Connectx => connectx::draw(frame),
            GameKind::Rps => rps::draw(frame),
            GameKind::Ipd => ipd::draw(frame),
            GameKind::Tron => tron::draw(frame),
            GameKind::Env(_) => env::lines(frame),
        }
    }
}

impl std::fmt::Display for GameKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GameKind::Env(id) => f.write_str(&env::label(*id)),
            built_in => f.write_str(built_in.name()),
        }
    }
}
