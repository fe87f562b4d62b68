//! The dashboard: progress and a throughput sparkline, live standings, points over the
//! run, running matches with the latest results, and the fault feed (each line opens its
//! match at the fault). Once the run is over, the run's story takes the running panel.

mod panels;
mod standings;

pub use standings::{column_widths, SortKey, COLUMNS, SORT_KEYS};

use super::{column_at, first_row, moved, table_row, Go};
use crate::tui::keymap::Action;
use crate::tui::run_view::{Run, RunState};
use crate::tui::widgets::count;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, Sparkline};
use ratatui::Frame;

/// Which dashboard panel the arrow keys move in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Standings,
    Feed,
}

/// The dashboard's own state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dashboard {
    /// Selected standings row, in display order.
    pub selected: usize,
    /// Selected fault feed line (drawn newest first).
    pub feed_selected: usize,
    pub focus: Focus,
    pub sort: SortKey,
    /// `/`: only the bots whose name has this (as you type; esc clears).
    pub filter: Option<String>,
}

impl Default for Dashboard {
    fn default() -> Dashboard {
        Dashboard {
            selected: 0,
            feed_selected: 0,
            focus: Focus::Standings,
            sort: SortKey::Rank,
            filter: None,
        }
    }
}

impl Dashboard {
    /// Indexes into the standings' rows, in the order they are shown.
    pub fn standings_order(&self, run: &Run) -> Vec<usize> {
        standings::shown(run, self.sort, self.filter.as_deref())
    }

    /// The bot on the selected standings row.
    pub fn selected_bot(&self, run: &Run) -> Option<usize> {
        let order = self.standings_order(run);
        order.get(self.selected).map(|&i| run.standings.rows[i].bot)
    }

    /// The fault feed as shown: newest first, only the lines that have the filter's
    /// text (a bot's name, a fault's words) when there is one.
    pub fn feed<'r>(&self, run: &'r Run) -> Vec<&'r crate::tui::match_view::FeedItem> {
        let q = self.filter.as_deref().map(str::to_lowercase);
        run.feed
            .iter()
            .rev()
            .filter(|f| q.as_ref().is_none_or(|q| f.text.to_lowercase().contains(q)))
            .collect()
    }

    /// The feed line `row` (drawn newest first) opens its match at the fault.
    fn open_feed(&self, run: &Run, row: usize) -> Option<Go> {
        let item = self.feed(run).into_iter().nth(row)?;
        Some(Go::OpenMatch {
            id: item.id,
            fault: item.seat,
        })
    }

    pub fn act(&mut self, run: &Run, action: Action) -> Option<Go> {
        match action {
            Action::Left | Action::Right => {
                self.focus = match self.focus {
                    Focus::Standings => Focus::Feed,
                    Focus::Feed => Focus::Standings,
                }
            }
            Action::Sort => {
                let i = SORT_KEYS.iter().position(|&k| k == self.sort).unwrap_or(0);
                self.sort = SORT_KEYS[(i + 1) % SORT_KEYS.len()];
                self.selected = 0;
            }
            Action::Back => {
                if self.filter.take().is_some() {
                    self.selected = 0;
                }
            }
            Action::Open if self.focus == Focus::Feed => {
                return self.open_feed(run, self.feed_selected)
            }
            _ if self.focus == Focus::Feed => {
                self.feed_selected = moved(self.feed_selected, self.feed(run).len(), action)
            }
            Action::Open => return self.selected_bot(run).map(Go::OpenBot),
            _ => self.selected = moved(self.selected, self.standings_order(run).len(), action),
        }
        None
    }

    /// A header sorts by its column; a row selects; a click on the selected opens.
    pub fn click(&mut self, run: &Run, body: Rect, at: Position) -> Option<Go> {
        let a = areas(run, body);
        if a.standings.contains(at) {
            self.focus = Focus::Standings;
            if at.y == a.standings.y + 1 {
                let widths = column_widths(a.standings.width);
                let column = column_at(&widths, a.standings.x + 1, at.x)?;
                if let Some(key) = COLUMNS[column].2 {
                    self.sort = key;
                    self.selected = 0;
                }
                return None;
            }
            let n = self.standings_order(run).len();
            let row = table_row(a.standings, at.y, self.selected, n)?;
            let open = (row == self.selected).then(|| self.selected_bot(run));
            self.selected = row;
            return open.flatten().map(Go::OpenBot);
        } else if a.feed.contains(at) && at.y > a.feed.y && at.y + 1 < a.feed.bottom() {
            self.focus = Focus::Feed;
            let visible = a.feed.height.saturating_sub(2) as usize;
            let first = first_row(self.feed_selected, visible);
            let row = first + (at.y - a.feed.y - 1) as usize;
            if row >= self.feed(run).len() {
                return None;
            }
            if row == self.feed_selected {
                return self.open_feed(run, row);
            }
            self.feed_selected = row;
        }
        None
    }
}

/// Where the dashboard draws what (shared with the mouse).
pub struct Areas {
    pub progress: Rect,
    pub spark: Rect,
    pub standings: Rect,
    pub chart: Rect,
    pub running: Rect,
    pub feed: Rect,
}

pub fn areas(run: &Run, area: Rect) -> Areas {
    let rows = run.standings.rows.len() as u16 + 3;
    let [progress, spark, rest] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(6),
    ])
    .areas(area);
    // No faults: no empty feed box; the running matches (or the story) take its room.
    let feed_rows = if run.feed.is_empty() { 0 } else { 1 };
    if area.width >= 110 {
        let top = rows.max(rest.height / 2).clamp(10, rest.height * 3 / 5);
        let [top_row, bottom] =
            Layout::vertical([Constraint::Length(top), Constraint::Min(4)]).areas(rest);
        // The standings as wide as their longest name needs; the chart takes the rest.
        let longest = run
            .names
            .iter()
            .map(|n| n.chars().count())
            .max()
            .unwrap_or(8);
        let needed = standings::table_width(longest.clamp(8, 32) as u16);
        let [standings, chart] = Layout::horizontal([
            Constraint::Length(needed.clamp(area.width * 2 / 5, area.width * 3 / 5)),
            Constraint::Fill(1),
        ])
        .areas(top_row);
        let [running, feed] = Layout::horizontal([
            Constraint::Percentage(100 - 55 * feed_rows),
            Constraint::Percentage(55 * feed_rows),
        ])
        .areas(bottom);
        return Areas {
            progress,
            spark,
            standings,
            chart,
            running,
            feed,
        };
    }
    let top = rows.min(rest.height / 2).max(4);
    let [standings, middle, feed] = Layout::vertical([
        Constraint::Length(top),
        Constraint::Min(5),
        Constraint::Percentage(30 * feed_rows),
    ])
    .areas(rest);
    // A chart a few lines high says nothing: then the running panel takes the row.
    let chart_share = if middle.height >= 8 { 50 } else { 0 };
    let [chart, running] = Layout::horizontal([
        Constraint::Percentage(chart_share),
        Constraint::Percentage(100 - chart_share),
    ])
    .areas(middle);
    Areas {
        progress,
        spark,
        standings,
        chart,
        running,
        feed,
    }
}

pub fn draw(run: &Run, me: &Dashboard, frame: &mut Frame, area: Rect) {
    let a = areas(run, area);
    draw_progress(run, frame, a.progress);
    draw_spark(run, frame, a.spark);
    let focused = me.focus == Focus::Standings;
    standings::draw(
        run,
        (me.sort, me.filter.as_deref()),
        me.selected,
        focused,
        frame,
        a.standings,
    );
    if a.chart.width > 0 {
        panels::draw_points(run, me.sort, frame, a.chart);
    }
    if run.state == RunState::Running || run.running().next().is_some() {
        panels::draw_running(run, &panels::chart_colours(run, me.sort), frame, a.running);
    } else {
        panels::draw_story(run, &panels::chart_colours(run, me.sort), frame, a.running);
    }
    let selected = (me.focus == Focus::Feed).then_some(me.feed_selected);
    panels::draw_feed(
        run,
        (&me.feed(run), me.filter.as_deref()),
        selected,
        frame,
        a.feed,
    );
}

fn draw_progress(run: &Run, frame: &mut Frame, area: Rect) {
    let t = run.theme();
    let done = run.done();
    let rate = run.rate();
    let eta = if run.state == RunState::Running && rate > 0.0 {
        let s = (run.total.saturating_sub(done) as f64 / rate).round() as u64;
        format!("ETA {}:{:02}", s / 60, s % 60)
    } else {
        String::new()
    };
    let mut label = format!("{done}/{} matches · {rate:.1}/s {eta}", run.total);
    if let Some(spec) = &run.sprt {
        label.push_str(&sprt_label(run, spec));
    }
    let ratio = if run.total > 0 {
        (done as f64 / run.total as f64).clamp(0.0, 1.0)
    } else {
        0.0
    };
    frame.render_widget(
        Gauge::default()
            .ratio(ratio)
            .label(Span::styled(label, Style::new().fg(t.text)))
            .gauge_style(Style::new().fg(t.gauge).bg(t.highlight)),
        area,
    );
}

/// An SPRT's state for the progress line: LLR against its bounds, pairs, verdict.
fn sprt_label(run: &Run, spec: &crate::tournament::format::sprt::SprtSpec) -> String {
    use crate::tournament::format::sprt::{self, Verdict};
    // Drawn every frame: the entries are borrowed, not copied.
    let s = sprt::status(spec, run.matches.values().filter_map(|m| m.entry.as_ref()));
    let (lower, upper) = spec.bounds();
    let verdict = match s.verdict {
        Verdict::Continue => "",
        Verdict::H0 => " · H0 accepted",
        Verdict::H1 => " · H1 accepted",
        Verdict::Inconclusive => " · inconclusive",
    };
    format!(
        " · SPRT LLR {:.2} ({lower:.2}, {upper:.2}) after {}{verdict}",
        s.llr,
        count(s.pairs as usize, "pair", "pairs")
    )
}

/// Matches finished per stretch of the run, one bar per column.
fn draw_spark(run: &Run, frame: &mut Frame, area: Rect) {
    let t = run.theme();
    let label = "finished/time ";
    let [name, bars] =
        Layout::horizontal([Constraint::Length(label.len() as u16), Constraint::Min(1)])
            .areas(area);
    frame.render_widget(Line::styled(label, Style::new().fg(t.muted)), name);
    let data = run.history.throughput(bars.width as usize, run.elapsed);
    frame.render_widget(
        Sparkline::default()
            .data(&data)
            .style(Style::new().fg(t.gauge)),
        bars,
    );
}
