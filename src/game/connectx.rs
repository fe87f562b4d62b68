//! ConnectX, exactly as Kaggle's `connectx` environment plays it: marks drop to the
//! lowest empty row of a column; `inarow` marks in a line (vertical, horizontal, either
//! diagonal) win; a full board, or reaching `episodeSteps - 1` steps, is a draw; a column
//! outside the board or already full loses (Kaggle's `INVALID`, reward `None`).

use super::rules::{int_action, End, Game, Illegal, SettingError, TimeControl, Turns, SEATS};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

const EMPTY: u8 = 0;
/// The deepest adjudication search: 7 columns to 6 plies is 117,649 positions at most,
/// a few milliseconds a move, on the referee's side (no bot's clock runs).
const MAX_ADJUDICATE: usize = 6;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct Config {
    pub columns: usize,
    pub rows: usize,
    pub inarow: usize,
    pub episode_steps: u64,
    /// An opening: this many random plies (an even number, so seat 1 still moves
    /// first) played from the match's keyed seed before the bots move; 0 for none.
    pub opening_plies: usize,
    /// Adjudication: after each move, a game one side wins by force within this many
    /// plies (whatever the other does) ends there with that side the winner; 0: never.
    pub adjudicate_plies: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            columns: 7,
            rows: 6,
            inarow: 4,
            episode_steps: 1000,
            opening_plies: 0,
            adjudicate_plies: 0,
        }
    }
}

pub struct ConnectX {
    config: Config,
    /// Row-major, row 0 at the top, as Kaggle's `observation.board`.
    board: Vec<u8>,
    step: u64,
    /// The seat to move.
    active: usize,
    end: Option<End>,
}

impl ConnectX {
    pub fn new(config: Config) -> Result<ConnectX, SettingError> {
        let Config {
            columns,
            rows,
            inarow,
            episode_steps,
            opening_plies,
            adjudicate_plies,
        } = config;
        if adjudicate_plies > MAX_ADJUDICATE {
            return Err(SettingError::range(
                "adjudicatePlies",
                format!("0 to {MAX_ADJUDICATE}"),
                adjudicate_plies,
            ));
        }
        if !(1..=100).contains(&columns) || !(1..=100).contains(&rows) {
            return Err(SettingError::range(
                "columns and rows",
                "between 1 and 100",
                format!("{columns} and {rows}"),
            ));
        }
        if inarow < 1 || inarow > columns.max(rows) {
            return Err(SettingError::range(
                "inarow",
                format!("between 1 and {}", columns.max(rows)),
                inarow,
            ));
        }
        if opening_plies % 2 == 1 || opening_plies > 40 || opening_plies >= columns * rows {
            return Err(SettingError::range(
                "openingPlies",
                "an even number up to 40, fewer than the board's cells",
                opening_plies,
            ));
        }
        if episode_steps < 2 {
            return Err(SettingError::range(
                "episodeSteps",
                "at least 2",
                episode_steps,
            ));
        }
        Ok(ConnectX {
            board: vec![EMPTY; columns * rows],
            config,
            step: 0,
            active: 0,
            end: None,
        })
    }

    /// A game whose board starts with its opening (if its configuration asks one),
    /// drawn from `seed`: random plies, drawn again until no four are made on the way
    /// and neither side has a winning drop at the end (so the opening decides nothing).
    pub fn with_opening(config: Config, seed: u64) -> Result<ConnectX, SettingError> {
        let mut game = ConnectX::new(config)?;
        let plies = game.config.opening_plies;
        if plies == 0 {
            return Ok(game);
        }
        let mut rng = super::rules::SplitMix64::new(seed ^ 0x0BE2_1265_C0C4_0000);
        for _ in 0..10_000 {
            game.board.iter_mut().for_each(|c| *c = EMPTY);
            let mut decided = false;
            for ply in 0..plies {
                let open: Vec<usize> = (0..game.config.columns)
                    .filter(|&c| game.board[c] == EMPTY)
                    .collect();
                let column = open[(rng.next_u64() % open.len() as u64) as usize];
                let row = game.drop_row(column).expect("an open column");
                let mark = (ply % 2) as u8 + 1;
                game.board[column + row * game.config.columns] = mark;
                if game.is_win(row, column, mark) {
                    decided = true;
                    break;
                }
            }
            if !decided && !game.can_win(1) && !game.can_win(2) {
                return Ok(game);
            }
        }
        Err(SettingError::range(
            "openingPlies",
            "a number of plies this board can take without a side winning or about to",
            plies,
        ))
    }

    /// The row a disc dropped in `column` lands in, if the column is not full.
    fn drop_row(&self, column: usize) -> Option<usize> {
        let columns = self.config.columns;
        (0..self.config.rows)
            .rev()
            .find(|r| self.board[column + r * columns] == EMPTY)
    }

    /// Whether `mark` has a drop that wins at once.
    fn can_win(&mut self, mark: u8) -> bool {
        (0..self.config.columns).any(|column| {
            let Some(row) = self.drop_row(column) else {
                return false;
            };
            let i = column + row * self.config.columns;
            self.board[i] = mark;
            let wins = self.is_win(row, column, mark);
            self.board[i] = EMPTY;
            wins
        })
    }

    /// Whether `mark`, to move, wins by force within `plies` plies (its moves and the
    /// replies between), whatever the other side plays.
    fn forced_win(&mut self, mark: u8, plies: usize) -> bool {
        if plies == 0 {
            return false;
        }
        (0..self.config.columns).any(|column| {
            let Some(row) = self.drop_row(column) else {
                return false;
            };
            let i = column + row * self.config.columns;
            self.board[i] = mark;
            let won = self.is_win(row, column, mark)
                || (plies >= 3 && self.every_reply_loses(3 - mark, plies - 1));
            self.board[i] = EMPTY;
            won
        })
    }

    /// Whether `mark`, to move, loses by force: each of its moves (it has one) wins
    /// nothing and leaves the other side a forced win within `plies - 1` plies.
    fn every_reply_loses(&mut self, mark: u8, plies: usize) -> bool {
        let mut moved = false;
        for column in 0..self.config.columns {
            let Some(row) = self.drop_row(column) else {
                continue;
            };
            moved = true;
            let i = column + row * self.config.columns;
            self.board[i] = mark;
            let lost = !self.is_win(row, column, mark) && self.forced_win(3 - mark, plies - 1);
            self.board[i] = EMPTY;
            if !lost {
                return false;
            }
        }
        moved
    }

    /// The end a forced win within the adjudication's plies proves, if any (only where
    /// the step limit leaves room for it to be played out).
    fn adjudicated(&mut self) -> Option<End> {
        let plies = self.config.adjudicate_plies;
        if plies == 0 || self.step + plies as u64 >= self.config.episode_steps - 1 {
            return None;
        }
        let mark = self.active as u8 + 1;
        let winner = if self.forced_win(mark, plies) {
            self.active
        } else if self.every_reply_loses(mark, plies) {
            1 - self.active
        } else {
            return None;
        };
        let mut scores = vec![-1.0; SEATS];
        scores[winner] = 1.0;
        Some(End {
            scores,
            reason: format!(
                "adjudicated: seat {} wins by force within {plies} plies",
                winner + 1
            ),
        })
    }

    /// Starts from a given board (Kaggle's tests do), seat 0 to move.
    pub fn with_board(config: Config, board: Vec<u8>) -> Result<ConnectX, SettingError> {
        let mut game = ConnectX::new(config)?;
        if board.len() != game.board.len() || board.iter().any(|&c| c > 2) {
            return Err(SettingError::Board);
        }
        game.board = board;
        Ok(game)
    }

    fn is_win(&self, row: usize, column: usize, mark: u8) -> bool {
        let (rows, columns) = (self.config.rows as i64, self.config.columns as i64);
        let need = self.config.inarow as i64 - 1;
        let count = |dr: i64, dc: i64| -> i64 {
            for i in 1..=need {
                let (r, c) = (row as i64 + dr * i, column as i64 + dc * i);
                if r < 0
                    || r >= rows
                    || c < 0
                    || c >= columns
                    || self.board[(c + r * columns) as usize] != mark
                {
                    return i - 1;
                }
            }
            need
        };
        count(1, 0) >= need
            || count(0, 1) + count(0, -1) >= need
            || count(-1, -1) + count(1, 1) >= need
            || count(-1, 1) + count(1, -1) >= need
    }
}

impl Game for ConnectX {
    fn turns(&self) -> Turns {
        Turns::Alternating { next: self.active }
    }

    fn observation(&self, seat: usize) -> Map<String, Value> {
        let mut obs = Map::new();
        obs.insert("board".into(), json!(self.board));
        obs.insert("mark".into(), json!(seat + 1));
        obs.insert("step".into(), json!(self.step));
        obs
    }

    fn configuration(&self, clock: &TimeControl, run_timeout: u64) -> Map<String, Value> {
        let mut config = Map::new();
        config.insert("columns".into(), json!(self.config.columns));
        config.insert("rows".into(), json!(self.config.rows));
        config.insert("inarow".into(), json!(self.config.inarow));
        config.insert("episodeSteps".into(), json!(self.config.episode_steps));
        if self.config.opening_plies > 0 {
            config.insert("openingPlies".into(), json!(self.config.opening_plies));
        }
        if self.config.adjudicate_plies > 0 {
            config.insert(
                "adjudicatePlies".into(),
                json!(self.config.adjudicate_plies),
            );
        }
        clock.kaggle_fields(&mut config, run_timeout);
        // ConnectX's own, older name for the move budget.
        config.insert("timeout".into(), super::rules::number(clock.per_move));
        config
    }

    /// Kaggle's action schema default: a bot's `None` plays 0, as on Kaggle.
    fn default_action(&self) -> Option<Value> {
        Some(Value::from(0))
    }

    fn validate(&self, _seat: usize, action: &Value) -> Result<(), Illegal> {
        let column = int_action(action)?;
        if column < 0 || column >= self.config.columns as i64 {
            return Err(Illegal(format!(
                "column {column} is not on the board (0 to {})",
                self.config.columns - 1
            )));
        }
        if self.board[column as usize] != EMPTY {
            return Err(Illegal(format!("column {column} is full")));
        }
        Ok(())
    }

    fn apply(&mut self, actions: &[Value]) {
        let Some(column) = actions.first().and_then(Value::as_u64) else {
            return;
        };
        let column = column as usize;
        let columns = self.config.columns;
        let mark = self.active as u8 + 1;
        let Some(row) = self.drop_row(column) else {
            return;
        };
        self.board[column + row * columns] = mark;
        self.step += 1;
        if self.is_win(row, column, mark) {
            let mut scores = vec![-1.0; SEATS];
            scores[self.active] = 1.0;
            self.end = Some(End {
                scores,
                reason: format!("seat {} connected {}", self.active + 1, self.config.inarow),
            });
        } else if self.board.iter().all(|&c| c != EMPTY) {
            self.end = Some(End {
                scores: vec![0.0; SEATS],
                reason: "the board is full".into(),
            });
        } else if self.step >= self.config.episode_steps - 1 {
            self.end = Some(End {
                scores: vec![0.0; SEATS],
                reason: format!("the step limit ({}) was reached", self.config.episode_steps),
            });
        }
        self.active = 1 - self.active;
        if self.end.is_none() {
            self.end = self.adjudicated();
        }
    }

    fn end(&self) -> Option<End> {
        self.end.clone()
    }

    fn forfeit(&self, faulted: &[bool]) -> Vec<Option<f64>> {
        // Kaggle: the invalid seat's reward is None, the other keeps its 0.
        faulted.iter().map(|f| (!f).then_some(0.0)).collect()
    }

    fn frame(&self) -> Value {
        BoardFrame {
            columns: self.config.columns,
            board: self.board.clone(),
        }
        .encode()
    }
}

/// What a ConnectX frame holds: [`Game::frame`] writes it, and both the text board below
/// and the viewer read it back with [`BoardFrame::decode`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardFrame {
    pub columns: usize,
    /// Row by row from the top: 0 empty, 1 and 2 the seats' marks.
    pub board: Vec<u8>,
}

impl BoardFrame {
    fn encode(&self) -> Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    /// A frame's state; a malformed one (a hostile replay) reads as an empty board, and
    /// the column count is kept between 1 and the number of cells.
    pub fn decode(state: &Value) -> BoardFrame {
        let mut frame: BoardFrame = serde_json::from_value(state.clone()).unwrap_or_default();
        frame.columns = frame.columns.clamp(1, frame.board.len().max(1));
        frame
    }

    /// The rows, top first.
    pub fn rows(&self) -> std::slice::Chunks<'_, u8> {
        self.board.chunks(self.columns)
    }

    /// Every cell in a line of `inarow` same discs (any direction).
    pub fn winning_cells(&self, rows: usize, inarow: usize) -> Vec<(usize, usize)> {
        let columns = self.columns;
        let at = |r: isize, c: isize| -> u8 {
            if r < 0 || c < 0 || r as usize >= rows || c as usize >= columns {
                return 0;
            }
            self.board[r as usize * columns + c as usize]
        };
        let mut cells = Vec::new();
        // Bounded work on hostile sizes: real boards are a few dozen cells.
        if !(2..=64).contains(&inarow) || self.board.len() > 4096 {
            return cells;
        }
        for r in 0..rows as isize {
            for c in 0..columns as isize {
                let me = at(r, c);
                if me == 0 {
                    continue;
                }
                for (dr, dc) in [(0, 1), (1, 0), (1, 1), (1, -1)] {
                    let run = (0..inarow as isize).all(|k| at(r + k * dr, c + k * dc) == me);
                    if run {
                        for k in 0..inarow as isize {
                            let cell = ((r + k * dr) as usize, (c + k * dc) as usize);
                            if !cells.contains(&cell) {
                                cells.push(cell);
                            }
                        }
                    }
                }
            }
        }
        cells
    }
}

/// The board as rows of `.`, `X` (seat 1) and `O` (seat 2), with column numbers.
pub fn draw(state: &Value) -> Vec<String> {
    let frame = BoardFrame::decode(state);
    let mut lines: Vec<String> = frame
        .rows()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    1 => "X",
                    2 => "O",
                    _ => ".",
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    lines.push(
        (0..frame.columns)
            .map(|c| (c % 10).to_string())
            .collect::<Vec<_>>()
            .join(" "),
    );
    lines
}
