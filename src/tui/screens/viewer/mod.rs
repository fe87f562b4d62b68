//! The match viewer: one match frame by frame, running, finished or from a replay file.
//! What its keys do (step, jump, play), its clicks (the timeline) and how it follows a
//! live match; its state is in [`state`], its drawing in [`draw`].

mod draw;
mod moves;
mod state;

pub use draw::{areas, cell_of, draw, frame_at, Areas};
pub use state::{Viewer, SPEEDS};

use super::{body_of, Go, PAGE};
use crate::tui::board;
use crate::tui::keymap::Action;
use crate::tui::run_view::Run;
use ratatui::layout::{Position, Rect};
use std::time::Duration;

impl Viewer {
    /// Frames of the viewed match so far.
    fn len(&self, run: &Run) -> usize {
        run.matches.get(&self.id).map_or(0, |m| m.frames().len())
    }

    pub fn act(&mut self, run: &Run, action: Action) -> Option<Go> {
        let frames = run.matches.get(&self.id).map_or(&[][..], |m| m.frames());
        let last = frames.len().saturating_sub(1);
        match action {
            Action::Back => return Some(Go::Back),
            Action::Goto => return Some(Go::Goto),
            Action::Left => self.to(self.frame.saturating_sub(1), last),
            Action::Right => self.to(self.frame + 1, last),
            Action::PageUp => self.to(self.frame.saturating_sub(PAGE), last),
            Action::PageDown => self.to(self.frame + PAGE, last),
            Action::Back100 => self.to(self.frame.saturating_sub(10 * PAGE), last),
            Action::Forward100 => self.to(self.frame + 10 * PAGE, last),
            Action::PreviousMark | Action::NextMark => {
                let marks = board::marks(run.game, frames);
                let next = if action == Action::NextMark {
                    marks.iter().map(|m| m.0).find(|&i| i > self.frame)
                } else {
                    marks.iter().map(|m| m.0).rev().find(|&i| i < self.frame)
                };
                match next {
                    Some(i) => self.to(i, last),
                    None => {
                        return Some(Go::Say("no more faults or marked events that way".into()))
                    }
                }
            }
            Action::First => self.to(0, last),
            Action::Last => {
                self.frame = last;
                self.follow = true;
            }
            Action::Play => {
                self.playing = !self.playing;
                self.follow = false;
                if self.playing && self.frame >= last {
                    self.frame = 0;
                }
            }
            Action::Faster => {
                let i = SPEEDS.iter().position(|&s| s == self.speed).unwrap_or(2);
                self.speed = SPEEDS[(i + 1).min(SPEEDS.len() - 1)];
            }
            Action::Slower => {
                let i = SPEEDS.iter().position(|&s| s == self.speed).unwrap_or(2);
                self.speed = SPEEDS[i.saturating_sub(1)];
            }
            Action::Zoom => self.zoom = !self.zoom,
            _ => {}
        }
        None
    }

    /// `g`: go to a step (a frame's number as the viewer shows it).
    pub fn goto(&mut self, run: &Run, text: &str) -> Option<Go> {
        match text.parse::<usize>() {
            Ok(n) => {
                self.to(n, self.len(run).saturating_sub(1));
                None
            }
            Err(_) => Some(Go::Say(format!("go to: `{text}` is not a step number"))),
        }
    }

    /// A click on the timeline goes to that frame (the caller starts a drag); a click on
    /// a move in the moves panel goes to its frame (as a move list does in lichess).
    pub fn click(&mut self, run: &Run, body: Rect, at: Position) -> bool {
        let a = areas(run, Some(self), body);
        if a.moves.contains(at) && at.y > a.moves.y {
            let inner = (
                a.moves.width.saturating_sub(2),
                a.moves.height.saturating_sub(2),
            );
            let row = usize::from(at.y - a.moves.y - 1);
            let target = run
                .matches
                .get(&self.id)
                .and_then(|m| moves::frame_on_row(run, m, self.frame, inner, row));
            if let Some(frame) = target {
                self.to(frame, self.len(run).saturating_sub(1));
            }
            return false;
        }
        let on = a.timeline.contains(at);
        if on {
            self.seek(run, at);
        }
        on
    }

    /// Goes to the frame under the mouse on the timeline.
    pub fn seek(&mut self, run: &Run, at: Position) {
        let timeline = areas(run, Some(self), body_of(run)).timeline;
        let x = at.x.saturating_sub(timeline.x) as usize;
        let frame = frame_at(x, self.len(run), timeline.width as usize);
        self.to(frame, usize::MAX);
    }

    /// A following viewer stays on the newest frame of match `id`.
    pub fn follow(&mut self, run: &Run, id: usize) {
        if self.id == id && self.follow {
            self.frame = self.len(run).saturating_sub(1);
        }
    }

    /// A viewer opened from a fault goes to that fault once its frames are here.
    pub fn seek_pending(&mut self, run: &Run) {
        let Some(seat) = self.seek_fault else { return };
        let Some(m) = run.matches.get(&self.id) else {
            return;
        };
        if m.record.is_none() {
            return;
        }
        let at = m.frames().iter().position(|f| {
            f.moves
                .iter()
                .any(|mv| mv.seat == seat && mv.fault.is_some())
        });
        if let Some(at) = at {
            self.frame = at;
        }
        self.seek_fault = None;
    }

    /// Playback: frames advance at the viewer's speed as time passes.
    pub fn play(&mut self, run: &Run, dt: Duration) {
        if !self.playing {
            return;
        }
        let len = self.len(run);
        self.carry += dt;
        let step = Duration::from_secs_f64(1.0 / self.speed as f64);
        while self.carry >= step {
            self.carry -= step;
            if self.frame + 1 < len {
                self.frame += 1;
            } else {
                // At the end of a running match, playing becomes following.
                self.playing = false;
                self.follow = true;
                self.carry = Duration::ZERO;
                break;
            }
        }
    }
}
