//! The viewer's state: which match, which frame, playing or following.

use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
pub struct Viewer {
    pub id: usize,
    pub frame: usize,
    pub playing: bool,
    /// Frames per second while playing.
    pub speed: u32,
    /// On the last frame of a running match: stay on the newest as frames arrive.
    pub follow: bool,
    /// Time banked towards the next frame while playing.
    pub carry: Duration,
    /// Go to this seat's first fault once the frames are here (opened from a fault).
    pub seek_fault: Option<usize>,
    /// `z`: the board alone, on the viewer's whole space (btop's and bottom's zoom).
    pub zoom: bool,
}

impl Viewer {
    pub fn new(id: usize) -> Viewer {
        Viewer {
            id,
            frame: 0,
            playing: false,
            speed: 5,
            follow: false,
            carry: Duration::ZERO,
            seek_fault: None,
            zoom: false,
        }
    }

    /// Stops on `frame` (at most `last`): no longer playing or following.
    pub(super) fn to(&mut self, frame: usize, last: usize) {
        self.frame = frame.min(last);
        self.follow = false;
        self.playing = false;
    }
}

pub const SPEEDS: [u32; 7] = [1, 2, 5, 10, 20, 50, 100];
