//! Keys: what each does on each screen. Part of the pure update (see [`super::app`]).

use super::app::{
    App, Effect, Filter, Focus, Prompt, RunState, Screen, Viewer, SORT_KEYS, SPEEDS, TABS,
};
use super::board;
use super::widgets::count;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Rows a page key moves.
const PAGE: usize = 10;

impl App {
    pub(super) fn key(&mut self, key: KeyEvent) -> Option<Effect> {
        let ctrl_c =
            key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
        if self.confirm_quit {
            self.confirm_quit = false;
            return match key.code {
                KeyCode::Char('y') | KeyCode::Char('q') | KeyCode::Enter => Some(Effect::Quit),
                _ if ctrl_c => Some(Effect::Quit),
                _ => None,
            };
        }
        if self.help {
            self.help = false;
            return if ctrl_c { self.quit() } else { None };
        }
        if ctrl_c {
            return self.quit();
        }
        if self.prompt.is_some() {
            return self.prompt_key(key.code);
        }
        self.said = None;
        let replay = self.state == RunState::Replay;
        match key.code {
            KeyCode::Char('q') => return self.quit(),
            KeyCode::Char('?') => self.help = true,
            KeyCode::Char('e') => return Some(Effect::Export),
            KeyCode::Char('t') => self.theme = (self.theme + 1) % self.themes.len(),
            KeyCode::Char(c @ '1'..='4') if !replay => {
                self.screen = TABS[c as usize - '1' as usize].0;
            }
            KeyCode::Char('d') if !replay => self.screen = Screen::Dashboard,
            KeyCode::Char('x') if !replay => self.screen = Screen::Crosstable,
            KeyCode::Char('m') if !replay && self.screen != Screen::Bot => {
                self.screen = Screen::Matches
            }
            KeyCode::Char('w') if !replay => self.screen = Screen::Wall,
            KeyCode::Char('/') if !replay => self.prompt = Some(Prompt::Search(String::new())),
            KeyCode::Char('v') if !replay => self.toggle_tv(),
            KeyCode::Tab if !replay => {
                let i = TABS.iter().position(|(s, _)| *s == self.screen);
                self.screen = TABS[i.map_or(0, |i| (i + 1) % TABS.len())].0;
            }
            _ => match self.screen {
                Screen::Dashboard => return self.dashboard_key(key.code),
                Screen::Crosstable => self.crosstable_key(key.code),
                Screen::Matches => return self.matches_key(key.code),
                Screen::Wall => return self.wall_key(key.code),
                Screen::Viewer => return self.viewer_key(key.code),
                Screen::Bot => self.bot_key(key.code),
            },
        }
        None
    }

    fn prompt_key(&mut self, code: KeyCode) -> Option<Effect> {
        let prompt = self.prompt.as_mut()?;
        let text = match prompt {
            Prompt::Search(t) | Prompt::Goto(t) => t,
        };
        match code {
            KeyCode::Esc => self.prompt = None,
            KeyCode::Backspace => {
                text.pop();
            }
            KeyCode::Char(c) if text.chars().count() < 40 && !c.is_control() => text.push(c),
            KeyCode::Enter => match self.prompt.take() {
                Some(Prompt::Search(q)) => self.search(q.trim()),
                Some(Prompt::Goto(n)) => self.goto(n.trim()),
                None => {}
            },
            _ => {}
        }
        None
    }

    /// `/`: the first bot whose name has the text is selected on the standings and
    /// crosstable, and the matches screen lists the matches it finds.
    fn search(&mut self, query: &str) {
        if query.is_empty() {
            self.filter.query = None;
            return;
        }
        let q = query.to_lowercase();
        let order = self.standings_order();
        if let Some(row) = order.iter().position(|&i| {
            self.names[self.standings.rows[i].bot]
                .to_lowercase()
                .contains(&q)
        }) {
            self.selected = row;
        }
        self.filter = Filter {
            query: Some(query.to_string()),
            ..Filter::default()
        };
        self.match_selected = 0;
        if self.screen != Screen::Crosstable && self.screen != Screen::Dashboard {
            self.screen = Screen::Matches;
        }
        let found = self.listed().len();
        self.said = Some(format!(
            "“{query}”: {} (matches screen; esc there clears)",
            count(found, "match", "matches")
        ));
    }

    /// `g` in the viewer: go to a step (a frame's number as the viewer shows it).
    fn goto(&mut self, text: &str) {
        let Some(v) = self.viewer.as_mut() else {
            return;
        };
        let len = self.matches.get(&v.id).map_or(0, |m| m.frames().len());
        match text.parse::<usize>() {
            Ok(n) => {
                v.frame = n.min(len.saturating_sub(1));
                v.follow = false;
                v.playing = false;
            }
            Err(_) => self.said = Some(format!("go to: `{text}` is not a step number")),
        }
    }

    fn toggle_tv(&mut self) {
        self.tv = !self.tv;
        if !self.tv {
            return;
        }
        if self.screen != Screen::Viewer {
            self.back = self.screen;
        }
        self.screen = Screen::Viewer;
        self.tv_next();
        if self.viewer.is_none() {
            self.said = Some("TV: waiting for a match to start".into());
        }
    }

    fn dashboard_key(&mut self, code: KeyCode) -> Option<Effect> {
        match code {
            KeyCode::Left | KeyCode::Right => {
                self.focus = match self.focus {
                    Focus::Standings => Focus::Feed,
                    Focus::Feed => Focus::Standings,
                }
            }
            KeyCode::Char('s') => self.next_sort(),
            _ if self.focus == Focus::Feed => {
                let n = self.feed.len();
                // The feed is drawn newest first.
                if code == KeyCode::Enter {
                    let item = self.feed.iter().rev().nth(self.feed_selected)?.clone();
                    return self.open_match(item.id, item.seat);
                }
                self.feed_selected = moved(self.feed_selected, n, code);
            }
            _ => self.standings_key(code),
        }
        None
    }

    pub(super) fn next_sort(&mut self) {
        let i = SORT_KEYS.iter().position(|&k| k == self.sort).unwrap_or(0);
        self.sort = SORT_KEYS[(i + 1) % SORT_KEYS.len()];
        self.selected = 0;
    }

    fn standings_key(&mut self, code: KeyCode) {
        let n = self.standings.rows.len();
        if code == KeyCode::Enter {
            if let Some(bot) = self.selected_bot() {
                self.open_bot(bot);
            }
            return;
        }
        self.selected = moved(self.selected, n, code);
    }

    pub(super) fn open_bot(&mut self, bot: usize) {
        self.bot = bot;
        self.bot_scroll = 0;
        if self.screen != Screen::Bot {
            self.back = self.screen;
        }
        self.screen = Screen::Bot;
    }

    fn crosstable_key(&mut self, code: KeyCode) {
        let n = self.standings.rows.len();
        match code {
            KeyCode::Left | KeyCode::Char('h') => self.column = self.column.saturating_sub(1),
            KeyCode::Right | KeyCode::Char('l') => {
                self.column = (self.column + 1).min(n.saturating_sub(1))
            }
            KeyCode::Enter => self.open_cell(self.selected, self.column),
            _ => self.selected = moved(self.selected, n, code),
        }
    }

    /// A crosstable cell (row, column in standings order): that pair's matches; the
    /// diagonal opens the bot.
    pub(super) fn open_cell(&mut self, row: usize, column: usize) {
        let rows = &self.standings.rows;
        let (Some(a), Some(b)) = (rows.get(row), rows.get(column)) else {
            return;
        };
        let (a, b) = (a.bot, b.bot);
        if a == b {
            self.open_bot(a);
            return;
        }
        self.filter = Filter {
            pair: Some([a, b]),
            ..Filter::default()
        };
        self.match_selected = 0;
        self.screen = Screen::Matches;
    }

    fn matches_key(&mut self, code: KeyCode) -> Option<Effect> {
        let n = self.listed().len();
        match code {
            KeyCode::Char('f') => {
                // Cycle the bot filter: all → bot 1 → bot 2 → … → all.
                let next = match self.filter.bot {
                    None if !self.names.is_empty() => Some(0),
                    Some(b) if b + 1 < self.names.len() => Some(b + 1),
                    _ => None,
                };
                self.filter = Filter {
                    bot: next,
                    ..Filter::default()
                };
                self.match_selected = 0;
            }
            KeyCode::Esc | KeyCode::Backspace | KeyCode::Char('c') => {
                self.filter = Filter::default();
                self.match_selected = 0;
            }
            KeyCode::Enter => {
                let id = self.listed().get(self.match_selected)?.id;
                return self.open_match(id, None);
            }
            _ => self.match_selected = moved(self.match_selected, n, code),
        }
        None
    }

    fn wall_key(&mut self, code: KeyCode) -> Option<Effect> {
        let n = self.wall().len();
        let across = super::wall::across(self);
        match code {
            KeyCode::Left | KeyCode::Char('h') => {
                self.wall_selected = self.wall_selected.saturating_sub(1)
            }
            KeyCode::Right | KeyCode::Char('l') => {
                self.wall_selected = (self.wall_selected + 1).min(n.saturating_sub(1))
            }
            KeyCode::Up | KeyCode::Char('k') => {
                self.wall_selected = self.wall_selected.saturating_sub(across)
            }
            KeyCode::Down | KeyCode::Char('j') => {
                self.wall_selected = (self.wall_selected + across).min(n.saturating_sub(1))
            }
            KeyCode::Enter => {
                let id = self.wall().get(self.wall_selected)?.id;
                return self.open_match(id, None);
            }
            _ => {}
        }
        None
    }

    fn viewer_key(&mut self, code: KeyCode) -> Option<Effect> {
        let replay = self.state == RunState::Replay;
        if matches!(code, KeyCode::Esc | KeyCode::Backspace) {
            if replay {
                return Some(Effect::Quit);
            }
            self.tv = false;
            self.screen = self.back;
            return None;
        }
        if code == KeyCode::Char('g') {
            self.prompt = Some(Prompt::Goto(String::new()));
            return None;
        }
        let game = self.game;
        let Some(v) = self.viewer.as_mut() else {
            self.screen = Screen::Matches;
            return None;
        };
        let frames = self.matches.get(&v.id).map_or(&[][..], |m| m.frames());
        let last = frames.len().saturating_sub(1);
        let to = |v: &mut Viewer, frame: usize| {
            v.frame = frame.min(last);
            v.follow = false;
            v.playing = false;
        };
        match code {
            KeyCode::Left | KeyCode::Char('h') => to(v, v.frame.saturating_sub(1)),
            KeyCode::Right | KeyCode::Char('l') => to(v, v.frame + 1),
            KeyCode::PageUp => to(v, v.frame.saturating_sub(PAGE)),
            KeyCode::PageDown => to(v, v.frame + PAGE),
            KeyCode::Char('<') => to(v, v.frame.saturating_sub(10 * PAGE)),
            KeyCode::Char('>') => to(v, v.frame + 10 * PAGE),
            KeyCode::Char('[') | KeyCode::Char(']') => {
                let marks = board::marks(game, frames);
                let next = if code == KeyCode::Char(']') {
                    marks.iter().map(|m| m.0).find(|&i| i > v.frame)
                } else {
                    marks.iter().map(|m| m.0).rev().find(|&i| i < v.frame)
                };
                match next {
                    Some(i) => to(v, i),
                    None => self.said = Some("no more faults or marked events that way".into()),
                }
            }
            KeyCode::Home => to(v, 0),
            KeyCode::End => {
                v.frame = last;
                v.follow = true;
            }
            KeyCode::Char(' ') => {
                v.playing = !v.playing;
                v.follow = false;
                if v.playing && v.frame >= last {
                    v.frame = 0;
                }
            }
            KeyCode::Char('+') | KeyCode::Char('=') => {
                let i = SPEEDS.iter().position(|&s| s == v.speed).unwrap_or(2);
                v.speed = SPEEDS[(i + 1).min(SPEEDS.len() - 1)];
            }
            KeyCode::Char('-') => {
                let i = SPEEDS.iter().position(|&s| s == v.speed).unwrap_or(2);
                v.speed = SPEEDS[i.saturating_sub(1)];
            }
            _ => {}
        }
        None
    }

    fn bot_key(&mut self, code: KeyCode) {
        match code {
            KeyCode::Esc | KeyCode::Backspace => self.screen = self.back,
            KeyCode::Char('m') => {
                self.filter = Filter {
                    bot: Some(self.bot),
                    ..Filter::default()
                };
                self.match_selected = 0;
                self.screen = Screen::Matches;
            }
            KeyCode::Up | KeyCode::Char('k') => self.bot_scroll = self.bot_scroll.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => {
                self.bot_scroll = self.bot_scroll.saturating_add(1)
            }
            KeyCode::PageUp => self.bot_scroll = self.bot_scroll.saturating_sub(PAGE as u16),
            KeyCode::PageDown => self.bot_scroll = self.bot_scroll.saturating_add(PAGE as u16),
            KeyCode::Home => self.bot_scroll = 0,
            _ => {}
        }
    }
}

/// A list selection moved by a key (↑↓ jk, page keys, home/end), kept in `0..n`.
fn moved(at: usize, n: usize, code: KeyCode) -> usize {
    let last = n.saturating_sub(1);
    match code {
        KeyCode::Up | KeyCode::Char('k') => at.saturating_sub(1),
        KeyCode::Down | KeyCode::Char('j') => (at + 1).min(last),
        KeyCode::PageUp => at.saturating_sub(PAGE),
        KeyCode::PageDown => (at + PAGE).min(last),
        KeyCode::Home => 0,
        KeyCode::End => last,
        _ => at.min(last),
    }
}
