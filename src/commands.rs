//! What each subcommand does, kept out of `main.rs`.

use crate::bench;
use crate::cage::{Cage, CagePolicy};
use crate::cli::{Cli, Command};
use std::process::ExitCode;

pub fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command.unwrap_or(Command::Sandbox) {
        Command::Sandbox => sandbox(),
        Command::Bench {
            spawns,
            moves,
            json,
        } => bench::run(spawns, moves, json).map(|()| ExitCode::SUCCESS),
    }
}

/// Starts one caged bot and prints what it got, loudly flagging anything missing.
fn sandbox() -> Result<ExitCode, String> {
    let policy =
        CagePolicy::for_current_exe().map_err(|e| format!("cannot find own executable: {e}"))?;
    let cage = Cage::start(&policy).map_err(|e| e.to_string())?;
    let bot = cage.spawn().map_err(|e| e.to_string())?;
    let info = cage.info();
    println!("python:     {}", info.python);
    println!("modules:    {}", info.modules.join(", "));
    let layers = bot.layers().ok_or("the bot sent no layer report")?;
    for line in layers.lines() {
        println!("{line}");
    }
    if layers.complete() {
        println!("\nEvery sandbox layer is in place.");
    } else {
        println!(
            "\nWARNING: some sandbox layers are missing on this machine (see above).\n\
             seccomp and the resource limits still hold: bots cannot open files, sockets or processes."
        );
    }
    Ok(ExitCode::SUCCESS)
}
