//! The terminal UI (ratatui + crossterm). One event enum on one channel: keys from an
//! input thread, runner messages from the runner thread, ticks from the loop itself.
//! The engine knows nothing of this module; it only sends messages.

pub mod app;
pub mod board;
mod charts;
pub mod events;
pub mod history;
mod input;
pub mod keymap;
pub mod live;
pub mod match_view;
pub mod resources;
pub mod run_view;
pub mod screens;
pub mod theme;
pub mod ui;
pub mod widgets;

use crate::error::Error;
use app::{App, AppEvent, Effect};
use crossterm::event::{self, Event, KeyEventKind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How often the screen is redrawn at most, and ticks arrive.
const FRAME: Duration = Duration::from_millis(50);
/// Events handled before a redraw, so a flood of frames cannot starve the keys.
const BATCH: usize = 2000;

/// Runs the UI until the user quits; what to run next, if the user asked for something
/// (`cagematch` arguments). `export` writes the standings and returns where.
/// `watch`, if given, is told whenever the running match the viewer shows changes, so
/// the runner streams only that match's frames (see [`live`]). When `stop` becomes true
/// (SIGTERM), the UI closes as if the user had quit.
pub fn run(
    mut app: App,
    tx: Sender<AppEvent>,
    rx: Receiver<AppEvent>,
    watch: Option<Sender<live::Watch>>,
    stop: Option<&AtomicBool>,
    export: &mut dyn FnMut(&App) -> Result<String, Error>,
) -> Result<Option<Vec<String>>, Error> {
    let mut terminal = ratatui::try_init()
        .map_err(|e| Error::Runtime(format!("cannot open the terminal: {e}")))?;
    // The mouse is a convenience: a terminal that cannot report it still has every key.
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::EnableMouseCapture);
    if let Ok(size) = terminal.size() {
        app.update(AppEvent::Resize(size.width, size.height));
    }
    let done = Arc::new(AtomicBool::new(false));
    let input = {
        let done = Arc::clone(&done);
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                if !event::poll(Duration::from_millis(100)).unwrap_or(false) {
                    continue;
                }
                match event::read() {
                    Ok(event) => {
                        let event = match event {
                            Event::Key(k) if k.kind != KeyEventKind::Release => AppEvent::Key(k),
                            Event::Mouse(m) => AppEvent::Mouse(m),
                            Event::Resize(w, h) => AppEvent::Resize(w, h),
                            _ => continue,
                        };
                        if tx.send(event).is_err() {
                            break;
                        }
                    }
                    Err(_) => break,
                }
            }
        })
    };
    let start = Instant::now();
    let mut watched = None;
    // What to run once the UI is closed (an SPRT from the crosstable), if anything.
    let result = (|| -> Result<Option<Vec<String>>, Error> {
        loop {
            terminal
                .draw(|f| ui::draw(&app, f))
                .map_err(|e| Error::Runtime(format!("cannot draw: {e}")))?;
            let first = match rx.recv_timeout(FRAME) {
                Ok(e) => Some(e),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => None,
            };
            let mut events: Vec<AppEvent> = first.into_iter().collect();
            while events.len() < BATCH {
                match rx.try_recv() {
                    Ok(e) => events.push(e),
                    Err(_) => break,
                }
            }
            events.push(AppEvent::Tick(start.elapsed()));
            for e in events {
                match app.update(e) {
                    Some(Effect::Quit) => return Ok(None),
                    Some(Effect::Then(args)) => return Ok(Some(args)),
                    Some(Effect::Load { id, dir, replay }) => {
                        match crate::replay::read_beneath(&dir, &replay) {
                            Ok(record) => {
                                app.update(AppEvent::Loaded {
                                    id,
                                    record: Arc::new(record),
                                });
                            }
                            Err(e) => app.said = Some(format!("cannot open the match: {e}")),
                        }
                    }
                    Some(Effect::Export) => {
                        app.said = Some(match export(&app) {
                            Ok(path) => format!("standings exported to {path}"),
                            Err(e) => format!("export failed: {e}"),
                        });
                    }
                    None => {}
                }
            }
            if let Some(w) = &watch {
                let now = app.watched();
                if now != watched {
                    watched = now;
                    let _ = w.send(live::Watch(now));
                }
            }
            if stop.is_some_and(|s| s.load(Ordering::Relaxed)) {
                return Ok(None);
            }
        }
    })();
    done.store(true, Ordering::Relaxed);
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableMouseCapture);
    ratatui::restore();
    let _ = input.join();
    result
}
