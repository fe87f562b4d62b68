//! cagematch: a tournament runner for untrusted game bots, each caged by the kernel.

// A function longer than a screen is a function doing several things (clippy.toml: 100).
#![warn(clippy::too_many_lines)]

/// `println!` for command output: when stdout is closed (`cagematch … | head`), the
/// command ends quietly with status 141 (killed-by-SIGPIPE, as shells expect) instead of
/// panicking. SIGPIPE itself stays ignored: the host writes to pipes bots can close.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if writeln!(std::io::stdout(), $($arg)*).is_err() {
            std::process::exit(141);
        }
    }};
}

pub mod affinity;
pub mod beneath;
pub mod botfile;
pub mod bundle;
pub mod cage;
pub mod cli;
pub mod commands;
pub mod error;
pub mod files;
pub mod game;
pub mod gameproc;
pub mod markup;
pub mod referee;
pub mod replay;
pub mod report;
pub mod tournament;
pub mod tui;
pub mod yaml;
