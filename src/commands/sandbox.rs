//! `cagematch sandbox`: one caged bot, and every layer it got or did not.

use super::shared::{say_cgroup, say_modules, start_cage};
use crate::cli::Rules;
use crate::error::Error;
use std::process::ExitCode;

/// Starts one caged bot and prints what it got, loudly flagging anything missing.
pub fn run() -> Result<ExitCode, Error> {
    let cage = start_cage(&Rules::default())?;
    let bot = cage.spawn()?;
    let info = cage.info();
    say!("python:     {}", info.python);
    // Which Python is embedded: venvs for bots and games must be made with it.
    say!(
        "embedded:   {} (prefix {}); make venvs with: {} -m venv DIR",
        env!("CAGEMATCH_PYTHON_EXE"),
        env!("CAGEMATCH_PYTHON_HOME"),
        env!("CAGEMATCH_PYTHON_EXE")
    );
    say_modules("", &info);
    let layers = bot
        .layers()
        .ok_or_else(|| Error::Runtime("the bot sent no layer report".into()))?;
    for line in layers.lines() {
        say!("{line}");
    }
    say!("clock:      {}", bot.clock());
    say!("off turn:   frozen in alternating games (SIGSTOP from its reply to its next request, SIGCONT, through a pidfd); running in simultaneous ones");
    let cgroup_missing = say_cgroup("", &cage.cgroups());
    if layers.complete() && !cgroup_missing {
        say!("\nEvery sandbox layer is in place.");
    } else if layers.complete() {
        say!(
            "\nWARNING: bots get no cgroup here (see above): memory is bounded by the address-space limit alone,\n\
             and nothing but the seccomp table bounds processes. Every other layer is in place."
        );
    } else {
        say!(
            "\nWARNING: some sandbox layers are missing on this machine (see above).\n\
             seccomp and the resource limits still hold: bots cannot open files, sockets or processes."
        );
    }
    Ok(ExitCode::SUCCESS)
}
