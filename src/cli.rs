//! Command-line interface (clap derive): doc comments are the help text.

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "cagematch",
    version,
    about = "Run untrusted game bots against each other, each caged by the kernel",
    long_about = None
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start a caged bot and report which sandbox layers this machine gives it
    Sandbox,
    /// Measure spawn time and per-move round trip against same-run baselines
    Bench {
        /// Number of bots to spawn for the spawn figure
        #[arg(long, default_value_t = 200)]
        spawns: usize,
        /// Number of moves for the round-trip figure
        #[arg(long, default_value_t = 10_000)]
        moves: usize,
        /// Print one JSON object instead of a table
        #[arg(long)]
        json: bool,
    },
}
