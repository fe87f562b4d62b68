//! What each subcommand does, kept out of `main.rs`.

pub mod bench;
mod check;
mod init;
mod ladder;
pub mod merge;
mod play;
mod replay;
mod report;
mod run;
mod sandbox;
mod shared;
mod sprt;

use crate::cli::{Cli, Command};
use crate::error::Error;
use std::process::ExitCode;

pub fn run(cli: Cli) -> Result<ExitCode, Error> {
    let result = dispatch(cli);
    // Game processes kept for the next match end here, their scratch folders with them.
    crate::game::env::close_all();
    result
}

fn dispatch(cli: Cli) -> Result<ExitCode, Error> {
    if let Some(source) = &cli.seed_key {
        crate::referee::choose_seed_key(source);
    }
    match cli.command.unwrap_or(Command::Run(Default::default())) {
        Command::Sandbox => sandbox::run(),
        Command::Run(args) => run::run(args),
        Command::Match(args) => play::run(args),
        Command::Sprt(args) => sprt::run(&args),
        Command::Ladder(args) => ladder::run(&args),
        Command::Replay(args) => replay::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Merge(args) => merge::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Bench(args) => bench::run(&args).map(|()| ExitCode::SUCCESS),
    }
}
