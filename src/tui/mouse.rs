//! The mouse: tabs, rows, cells, wall cards and the viewer's timeline are clickable (a
//! click selects, a click on the selected opens), the timeline can be dragged, and the
//! wheel scrolls. Clicks are mapped with the same layout functions the drawing uses.

use super::app::{App, Effect, Focus, Screen};
use super::{crosstable, dashboard, matches, ui, viewer, wall};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

/// Row `y` of a bordered table at `area` with a header line, as an index into its rows
/// (`None` on the border or header), given the selection ratatui scrolled to.
fn table_row(area: Rect, y: u16, selected: usize, len: usize) -> Option<usize> {
    let top = area.y + 2;
    let visible = area.height.saturating_sub(3) as usize;
    if y < top || y >= area.bottom().saturating_sub(1) {
        return None;
    }
    let i = dashboard::first_row(selected, visible) + (y - top) as usize;
    (i < len).then_some(i)
}

/// Which of `widths` (laid out from `x0` with one column between) holds column `x`.
fn column_at(widths: &[u16], x0: u16, x: u16) -> Option<usize> {
    let mut left = x0;
    for (i, &w) in widths.iter().enumerate() {
        if x >= left && x < left + w {
            return Some(i);
        }
        left += w + 1;
    }
    None
}

impl App {
    pub(super) fn mouse(&mut self, m: MouseEvent) -> Option<Effect> {
        if self.help || self.confirm_quit || self.prompt.is_some() {
            return None;
        }
        let at = Position::new(m.column, m.row);
        match m.kind {
            MouseEventKind::ScrollUp => return self.wheel(KeyCode::Up),
            MouseEventKind::ScrollDown => return self.wheel(KeyCode::Down),
            MouseEventKind::Up(MouseButton::Left) => self.dragging = false,
            MouseEventKind::Drag(MouseButton::Left) if self.dragging => self.seek(at),
            MouseEventKind::Down(MouseButton::Left) => return self.click(at),
            _ => {}
        }
        None
    }

    fn wheel(&mut self, code: KeyCode) -> Option<Effect> {
        let code = match (self.screen, code) {
            (Screen::Viewer, KeyCode::Up) => KeyCode::Left,
            (Screen::Viewer, _) => KeyCode::Right,
            _ => code,
        };
        self.key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn click(&mut self, at: Position) -> Option<Effect> {
        self.said = None;
        let [header, body, _] = ui::regions(self.area);
        if header.contains(at) {
            let tab = ui::tabs(self)
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
        match self.screen {
            Screen::Dashboard => self.click_dashboard(body, at),
            Screen::Crosstable => {
                self.click_crosstable(body, at);
                None
            }
            Screen::Matches => {
                let n = self.listed().len();
                let list = matches::areas(self, body)[0];
                if !list.contains(at) {
                    return None;
                }
                let row = table_row(list, at.y, self.match_selected, n)?;
                if row == self.match_selected {
                    let id = self.listed().get(row)?.id;
                    return self.open_match(id, None);
                }
                self.match_selected = row;
                None
            }
            Screen::Wall => {
                let cards = wall::cards(self, body);
                let i = cards.iter().position(|r| r.contains(at))?;
                let page = cards.len().max(1);
                let i = (self.wall_selected / page) * page + i;
                if i >= self.wall().len() {
                    return None;
                }
                if i == self.wall_selected {
                    let id = self.wall()[i].id;
                    return self.open_match(id, None);
                }
                self.wall_selected = i;
                None
            }
            Screen::Viewer => {
                let timeline = viewer::areas(self, body).timeline;
                if timeline.contains(at) {
                    self.dragging = true;
                    self.seek(at);
                }
                None
            }
            Screen::Bot => None,
        }
    }

    /// The viewer goes to the frame under the mouse on the timeline.
    fn seek(&mut self, at: Position) {
        let timeline = viewer::areas(self, ui::body(self.area)).timeline;
        let Some(v) = self.viewer.as_mut() else {
            return;
        };
        let len = self.matches.get(&v.id).map_or(0, |m| m.frames().len());
        let x = at.x.saturating_sub(timeline.x) as usize;
        v.frame = viewer::frame_at(x, len, timeline.width as usize);
        v.follow = false;
        v.playing = false;
    }

    fn click_dashboard(&mut self, body: Rect, at: Position) -> Option<Effect> {
        let a = dashboard::areas(self, body);
        if a.standings.contains(at) {
            self.focus = Focus::Standings;
            if at.y == a.standings.y + 1 {
                // A header: sort by that column.
                let widths = dashboard::column_widths(a.standings.width);
                let column = column_at(&widths, a.standings.x + 1, at.x)?;
                if let Some(key) = dashboard::COLUMNS[column].2 {
                    self.sort = key;
                    self.selected = 0;
                }
                return None;
            }
            let n = self.standings.rows.len();
            let row = table_row(a.standings, at.y, self.selected, n)?;
            if row == self.selected {
                let bot = self.selected_bot()?;
                self.open_bot(bot);
            }
            self.selected = row;
        } else if a.feed.contains(at) && at.y > a.feed.y && at.y + 1 < a.feed.bottom() {
            self.focus = Focus::Feed;
            let visible = a.feed.height.saturating_sub(2) as usize;
            let first = dashboard::first_row(self.feed_selected, visible);
            let row = first + (at.y - a.feed.y - 1) as usize;
            if row >= self.feed.len() {
                return None;
            }
            if row == self.feed_selected {
                let item = self.feed.iter().rev().nth(row)?.clone();
                return self.open_match(item.id, item.seat);
            }
            self.feed_selected = row;
        }
        None
    }

    fn click_crosstable(&mut self, body: Rect, at: Position) {
        let body = crosstable::areas(self, body)[0];
        let n = self.standings.rows.len();
        let Some(row) = table_row(body, at.y, self.selected, n) else {
            return;
        };
        let c = crosstable::columns(self, body.width);
        let mut widths = vec![4, c.name];
        widths.extend(std::iter::repeat_n(c.cell, c.shown));
        let Some(column) = column_at(&widths, body.x + 1, at.x) else {
            self.selected = row;
            return;
        };
        if column < 2 {
            self.selected = row;
            return;
        }
        let column = c.first + column - 2;
        if row == self.selected && column == self.column {
            self.open_cell(row, column);
        } else {
            self.selected = row;
            self.column = column;
        }
    }
}
