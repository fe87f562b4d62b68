//! Keys and clicks, on their way to the screen they are for: an open overlay or prompt
//! takes a key first, then the key table ([`super::keymap`]) says what it means; a
//! click on a tab switches screens, a click in the body is the screen's own.

use super::app::{App, Effect, Prompt, RunState, Screen};
use super::keymap::{self, Action};
use super::run_view::Filter;
use super::screens::{self, Go, TABS};
use super::widgets::count;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Position;

impl App {
    /// A key: the open overlay or prompt takes it first; otherwise the key table says
    /// what it means on this screen.
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
        if let Some(scroll) = self.help {
            return self.help_key(scroll, key.code, ctrl_c);
        }
        if ctrl_c {
            return self.quit();
        }
        if self.prompt.is_some() {
            self.prompt_key(key.code);
            return None;
        }
        self.said = None;
        let replay = self.run.state == RunState::Replay;
        let action = keymap::action(key.code, self.screen, replay)?;
        self.act(action)
    }

    /// The help scrolls with the move keys; any other key closes it.
    fn help_key(&mut self, scroll: u16, code: KeyCode, ctrl_c: bool) -> Option<Effect> {
        let most = super::ui::help_overflow(self.run.area);
        let scrolled = match keymap::movement(code) {
            Some(Action::Up) => Some(scroll.saturating_sub(1)),
            Some(Action::Down) => Some((scroll + 1).min(most)),
            Some(Action::PageUp) => Some(scroll.saturating_sub(screens::PAGE as u16)),
            Some(Action::PageDown) => Some((scroll + screens::PAGE as u16).min(most)),
            Some(Action::First) => Some(0),
            _ => None,
        };
        self.help = scrolled.filter(|_| !ctrl_c);
        if ctrl_c {
            return self.quit();
        }
        None
    }

    /// What a key's action does: the same everywhere, or the screen's own.
    fn act(&mut self, action: Action) -> Option<Effect> {
        match action {
            Action::Quit => return self.quit(),
            Action::Help => self.help = Some(0),
            Action::Export => return Some(Effect::Export),
            Action::NextTheme => self.run.theme = (self.run.theme + 1) % self.run.themes.len(),
            Action::Show(screen) => self.screen = screen,
            Action::NextTab => {
                let i = TABS.iter().position(|(s, _)| *s == self.screen);
                self.screen = TABS[i.map_or(0, |i| (i + 1) % TABS.len())].0;
            }
            Action::Search => self.prompt = Some(Prompt::Search(String::new())),
            Action::Tv => self.toggle_tv(),
            _ => {
                let run = &self.run;
                let go = match self.screen {
                    Screen::Dashboard => self.dashboard.act(run, action),
                    Screen::Crosstable => self.crosstable.act(run, action),
                    Screen::Matches => self.match_list.act(run, action),
                    Screen::Wall => self.wall.act(run, action),
                    Screen::Viewer => match self.viewer.as_mut() {
                        Some(v) => v.act(run, action),
                        None if action == Action::Back => Some(Go::Back),
                        None => {
                            self.screen = Screen::Matches;
                            None
                        }
                    },
                    Screen::Bot => self.bot_page.act(run, action),
                };
                return self.go(go?);
            }
        }
        None
    }

    fn prompt_key(&mut self, code: KeyCode) {
        let Some(prompt) = self.prompt.as_mut() else {
            return;
        };
        let searching = matches!(prompt, Prompt::Search(_));
        let text = match prompt {
            Prompt::Search(t) | Prompt::Goto(t) => t,
        };
        match code {
            KeyCode::Esc => {
                self.prompt = None;
                if searching {
                    self.live_filter("");
                }
            }
            KeyCode::Backspace => {
                text.pop();
            }
            KeyCode::Char(c) if text.chars().count() < 40 && !c.is_control() => text.push(c),
            KeyCode::Enter => match self.prompt.take() {
                // The standings and the matches keep the filter typed; the search
                // also selects the bot it finds and lists its matches.
                // The bot page keeps its filter; elsewhere the search also runs.
                Some(Prompt::Search(_)) if self.screen == Screen::Bot => {}
                Some(Prompt::Search(q)) => self.search(q.trim()),
                Some(Prompt::Goto(n)) => {
                    let go = self
                        .viewer
                        .as_mut()
                        .and_then(|v| v.goto(&self.run, n.trim()));
                    if let Some(go) = go {
                        self.go(go);
                    }
                }
                None => {}
            },
            _ => {}
        }
        if let (Some(Prompt::Search(q)), KeyCode::Char(_) | KeyCode::Backspace) =
            (&self.prompt, code)
        {
            let q = q.trim().to_string();
            self.live_filter(&q);
        }
    }

    /// `/` as you type (k9s, lazygit): the standings keep the bots whose name has the
    /// text, the matches screen the matches it finds; empty shows all.
    fn live_filter(&mut self, query: &str) {
        let query = (!query.is_empty()).then(|| query.to_string());
        match self.screen {
            Screen::Dashboard => {
                self.dashboard.filter = query;
                self.dashboard.selected = 0;
                self.dashboard.feed_selected = 0;
            }
            Screen::Matches => {
                self.match_list.filter.query = query;
                self.match_list.selected = 0;
            }
            Screen::Bot => {
                self.bot_page.filter = query;
                self.bot_page.scroll = 0;
            }
            _ => {}
        }
    }

    /// `/`: the first bot whose name has the text is selected on the standings and
    /// crosstable, and the matches screen lists the matches it finds.
    fn search(&mut self, query: &str) {
        if query.is_empty() {
            self.match_list.filter.query = None;
            return;
        }
        let q = query.to_lowercase();
        let order = self.standings_order();
        let run = &self.run;
        let found = |i: usize| {
            run.names[run.standings.rows[i].bot]
                .to_lowercase()
                .contains(&q)
        };
        if let Some(row) = order.iter().position(|&i| found(i)) {
            self.dashboard.selected = row;
        }
        if let Some(row) = (0..run.standings.rows.len()).position(found) {
            self.crosstable.row = row;
        }
        let screen = self.screen;
        self.go(Go::ShowMatches(Filter {
            query: Some(query.to_string()),
            ..Filter::default()
        }));
        if screen == Screen::Crosstable || screen == Screen::Dashboard {
            self.screen = screen;
        }
        let found = self.listed().len();
        self.said = Some(format!(
            "“{query}”: {} (matches screen; esc there clears)",
            count(found, "match", "matches")
        ));
    }

    pub(super) fn mouse(&mut self, m: MouseEvent) -> Option<Effect> {
        if self.help.is_some() || self.confirm_quit || self.prompt.is_some() {
            return None;
        }
        let at = Position::new(m.column, m.row);
        match m.kind {
            MouseEventKind::ScrollUp => return self.act(screens::wheel(self.screen, true)),
            MouseEventKind::ScrollDown => return self.act(screens::wheel(self.screen, false)),
            MouseEventKind::Up(MouseButton::Left) => self.dragging = false,
            MouseEventKind::Drag(MouseButton::Left) if self.dragging => {
                if let Some(v) = self.viewer.as_mut() {
                    v.seek(&self.run, at);
                }
            }
            MouseEventKind::Down(MouseButton::Left) => return self.click(at),
            _ => {}
        }
        None
    }

    /// A click: a tab in the header switches screens; in the body, the screen's own.
    fn click(&mut self, at: Position) -> Option<Effect> {
        self.said = None;
        let [header, body, _] = super::widgets::regions(self.run.area);
        if header.contains(at) {
            let tab = super::ui::tabs(self)
                .into_iter()
                .find(|t| at.x >= t.0 && at.x < t.1);
            if let Some((_, _, screen)) = tab {
                self.screen = screen;
            }
            return None;
        }
        if !body.contains(at) {
            return None;
        }
        let run = &self.run;
        let go = match self.screen {
            Screen::Dashboard => self.dashboard.click(run, body, at),
            Screen::Crosstable => self.crosstable.click(run, body, at),
            Screen::Matches => self.match_list.click(run, body, at),
            Screen::Wall => self.wall.click(run, body, at),
            Screen::Viewer => {
                self.dragging = self.viewer.as_mut().is_some_and(|v| v.click(run, body, at));
                None
            }
            Screen::Bot => None,
        };
        self.go(go?)
    }
}
