//! An organiser's own game: a Kaggle-format environment (a specification, an
//! `interpreter`, a `renderer`), run in a game process of its own (see `src/gameproc/`)
//! and refereed like a built-in game. This side runs in the host: it names the
//! environment, starts one game process per match and speaks to it; the environment's
//! code never runs here.
//!
//! A game name is an environment when it is a path (a folder holding `NAME.json` and
//! `NAME.py`, as `kaggle_environments/envs/NAME/`, or one `.py` module defining
//! `specification`, `interpreter` and `renderer`) or `kaggle:NAME` (an environment of
//! the `kaggle_environments` package in the game venv).

mod environment;
mod game;
mod process;
mod source;

pub use environment::{opened, Environment, Walls};
pub use game::EnvGame;
pub use process::GameError;
pub use source::Source;
