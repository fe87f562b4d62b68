//! Tron light cycles: two cycles on a `width` × `height` grid move one cell per step at
//! the same time, each leaving a trail. Moving off the grid or into any trail (either
//! cycle's, including the cell a head is on) crashes. One crash: the other seat wins.
//! Both crash in the same step, or both heads enter the same cell (head-on): a draw.
//! Reaching `episodeSteps - 1` steps is a draw too.

use super::rules::{End, Game, Illegal, SettingError, TimeControl, Turns, SEATS};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// The moves, as (name, dx, dy); y grows downwards (row 0 is the top).
pub const MOVES: [(&str, i64, i64); 4] = [("N", 0, -1), ("E", 1, 0), ("S", 0, 1), ("W", -1, 0)];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct Config {
    pub width: usize,
    pub height: usize,
    /// 0 means `width * height` (more than any game can last).
    pub episode_steps: u64,
    /// Start the cycles on random cells, mirror images of each other (left and right),
    /// drawn from the match's keyed seed; otherwise a quarter in from each side.
    pub random_starts: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            width: 20,
            height: 20,
            episode_steps: 0,
            random_starts: false,
        }
    }
}

pub struct Tron {
    config: Config,
    /// Row-major: 0 empty, 1 and 2 the seats' trails (heads included).
    board: Vec<u8>,
    heads: [(i64, i64); SEATS],
    crashed: [bool; SEATS],
    step: u64,
    end: Option<End>,
}

impl Tron {
    pub fn new(mut config: Config) -> Result<Tron, SettingError> {
        if !(4..=100).contains(&config.width) || !(4..=100).contains(&config.height) {
            return Err(SettingError::range(
                "width and height",
                "between 4 and 100",
                format!("{} and {}", config.width, config.height),
            ));
        }
        if config.episode_steps == 0 {
            config.episode_steps = (config.width * config.height) as u64;
        }
        if config.episode_steps < 2 {
            return Err(SettingError::range(
                "episodeSteps",
                "at least 2 (or 0 for no limit)",
                config.episode_steps,
            ));
        }
        let (w, h) = (config.width as i64, config.height as i64);
        let heads = [(w / 4, h / 2), (w - 1 - w / 4, h / 2)];
        let mut game = Tron {
            board: vec![0; config.width * config.height],
            config,
            heads,
            crashed: [false; SEATS],
            step: 0,
            end: None,
        };
        for (seat, &head) in heads.iter().enumerate() {
            let i = game.index(head).expect("start on the grid");
            game.board[i] = seat as u8 + 1;
        }
        Ok(game)
    }

    /// A game whose cycles start where its configuration says: with `randomStarts`, on a
    /// cell drawn from `seed` in the left half (not on the edge) and its mirror image.
    pub fn with_start(config: Config, seed: u64) -> Result<Tron, SettingError> {
        let mut game = Tron::new(config)?;
        if game.config.random_starts && game.config.width < 6 {
            return Err(SettingError::range(
                "width",
                "at least 6 for randomStarts",
                game.config.width,
            ));
        }
        if game.config.random_starts {
            let (w, h) = (game.config.width as i64, game.config.height as i64);
            let mut rng = super::rules::SplitMix64::new(seed ^ 0x7E0_57A2_7000_0000);
            let mut pick = |lo: i64, hi: i64| lo + (rng.next_u64() % (hi - lo + 1) as u64) as i64;
            let (x, y) = (pick(1, w / 2 - 2), pick(1, h - 2));
            game.board.iter_mut().for_each(|c| *c = 0);
            game.heads = [(x, y), (w - 1 - x, y)];
            for (seat, &head) in game.heads.clone().iter().enumerate() {
                let i = game.index(head).expect("start on the grid");
                game.board[i] = seat as u8 + 1;
            }
        }
        Ok(game)
    }

    fn index(&self, (x, y): (i64, i64)) -> Option<usize> {
        let (w, h) = (self.config.width as i64, self.config.height as i64);
        (x >= 0 && y >= 0 && x < w && y < h).then(|| (y * w + x) as usize)
    }

    pub fn heads(&self) -> [(i64, i64); SEATS] {
        self.heads
    }
}

fn direction(action: &Value) -> Option<(i64, i64)> {
    let name = action.as_str()?;
    MOVES
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|&(_, dx, dy)| (dx, dy))
}

impl Game for Tron {
    fn turns(&self) -> Turns {
        Turns::Simultaneous
    }

    fn observation(&self, seat: usize) -> Map<String, Value> {
        let pos = |(x, y): (i64, i64)| json!([x, y]);
        let mut obs = Map::new();
        obs.insert("step".into(), json!(self.step));
        obs.insert("board".into(), json!(self.board));
        obs.insert("mark".into(), json!(seat + 1));
        obs.insert("position".into(), pos(self.heads[seat]));
        obs.insert("opponentPosition".into(), pos(self.heads[1 - seat]));
        obs
    }

    fn configuration(&self, clock: &TimeControl, run_timeout: u64) -> Map<String, Value> {
        let mut config = Map::new();
        config.insert("width".into(), json!(self.config.width));
        config.insert("height".into(), json!(self.config.height));
        config.insert("episodeSteps".into(), json!(self.config.episode_steps));
        if self.config.random_starts {
            config.insert("randomStarts".into(), json!(true));
        }
        clock.kaggle_fields(&mut config, run_timeout);
        config
    }

    fn validate(&self, _seat: usize, action: &Value) -> Result<(), Illegal> {
        direction(action).map(|_| ()).ok_or_else(|| {
            Illegal(format!(
                "the action must be \"N\", \"E\", \"S\" or \"W\", not {}",
                super::rules::describe(action)
            ))
        })
    }

    fn apply(&mut self, actions: &[Value]) {
        let next: [(i64, i64); SEATS] = std::array::from_fn(|seat| {
            let (dx, dy) = actions.get(seat).and_then(direction).unwrap_or((0, -1));
            (self.heads[seat].0 + dx, self.heads[seat].1 + dy)
        });
        let head_on = next[0] == next[1];
        self.crashed =
            next.map(|cell| head_on || self.index(cell).is_none_or(|i| self.board[i] != 0));
        for (seat, &cell) in next.iter().enumerate() {
            if !self.crashed[seat] {
                let i = self.index(cell).expect("checked above");
                self.board[i] = seat as u8 + 1;
                self.heads[seat] = cell;
            }
        }
        self.step += 1;
        self.end = match self.crashed {
            [true, true] => Some(End {
                scores: vec![0.0; SEATS],
                reason: if head_on {
                    "head-on collision".into()
                } else {
                    "both cycles crashed".into()
                },
            }),
            [true, false] | [false, true] => {
                let loser = if self.crashed[0] { 0 } else { 1 };
                let mut scores = vec![1.0; SEATS];
                scores[loser] = -1.0;
                Some(End {
                    scores,
                    reason: format!("seat {} crashed", loser + 1),
                })
            }
            _ if self.step >= self.config.episode_steps - 1 => Some(End {
                scores: vec![0.0; SEATS],
                reason: format!("the step limit ({}) was reached", self.config.episode_steps),
            }),
            _ => None,
        };
    }

    fn end(&self) -> Option<End> {
        self.end.clone()
    }

    fn forfeit(&self, faulted: &[bool]) -> Vec<Option<f64>> {
        faulted.iter().map(|f| (!f).then_some(1.0)).collect()
    }

    fn frame(&self) -> Value {
        let rows: Vec<String> = self
            .board
            .chunks(self.config.width)
            .map(|row| {
                row.iter()
                    .map(|c| match c {
                        1 => '1',
                        2 => '2',
                        _ => '.',
                    })
                    .collect()
            })
            .collect();
        ArenaFrame {
            rows,
            heads: self.heads.map(|(x, y)| [x, y]),
            crashed: self.crashed,
        }
        .encode()
    }
}

/// What a Tron frame holds: [`Game::frame`] writes it, and both the text grid below and
/// the viewer read it back with [`ArenaFrame::decode`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArenaFrame {
    /// Row by row from the top: `.` empty, `1` and `2` the seats' trails.
    pub rows: Vec<String>,
    /// Each seat's head as `[x, y]` (off the grid once it crashed into a wall).
    pub heads: [[i64; 2]; SEATS],
    pub crashed: [bool; SEATS],
}

impl ArenaFrame {
    fn encode(&self) -> Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    /// A frame's state; a malformed one (a hostile replay) reads as an empty arena.
    pub fn decode(state: &Value) -> ArenaFrame {
        serde_json::from_value(state.clone()).unwrap_or_default()
    }

    /// A seat's head, when it is on the grid's quarter of the plane.
    pub fn head(&self, seat: usize) -> Option<(usize, usize)> {
        let [x, y] = self.heads.get(seat)?;
        Some((usize::try_from(*x).ok()?, usize::try_from(*y).ok()?))
    }

    /// The seat whose trail fills a cell, if any.
    pub fn trail(&self, x: usize, y: usize) -> Option<usize> {
        match self.rows.get(y)?.as_bytes().get(x)? {
            b'1' => Some(0),
            b'2' => Some(1),
            _ => None,
        }
    }
}

/// The grid: trails `x` and `o`, heads `X` and `O`, a crashed head `*`.
pub fn draw(state: &Value) -> Vec<String> {
    let frame = ArenaFrame::decode(state);
    let mut grid: Vec<Vec<char>> = frame
        .rows
        .iter()
        .map(|r| {
            r.chars()
                .map(|c| match c {
                    '1' => 'x',
                    '2' => 'o',
                    _ => '.',
                })
                .collect()
        })
        .collect();
    for seat in 0..SEATS {
        let Some((x, y)) = frame.head(seat) else {
            continue;
        };
        let mark = if frame.crashed[seat] {
            '*'
        } else if seat == 0 {
            'X'
        } else {
            'O'
        };
        if let Some(cell) = grid.get_mut(y).and_then(|row| row.get_mut(x)) {
            *cell = mark;
        }
    }
    grid.into_iter()
        .map(|row| row.into_iter().collect())
        .collect()
}
