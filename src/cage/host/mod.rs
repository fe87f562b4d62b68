//! The host's side of the cage, in the `cagematch` process: the zygote's launcher
//! ([`cage::Cage`]), the pool of ready bots, and a worker's handle on one bot — its
//! transport (`process.rs`), its dialect (`dialect.rs`) and how it ended (`exit.rs`).
//! Nothing here imports zygote or child code; they are reached only through messages.

pub mod bot;
pub mod cage;
pub mod cgroup;
pub(crate) mod compiled;
mod dialect;
mod exit;
pub mod monitor;
pub mod native;
mod pool;
mod process;
pub mod program;
pub mod venv;
