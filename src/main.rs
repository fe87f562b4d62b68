//! The `cagematch` binary: parse, dispatch, map errors to exit codes.

use cagematch::cage::zygote;
use cagematch::commands::bench::cold;
use cagematch::gameproc;
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // The zygote is this same binary; it must not touch clap, threads or anything else.
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some(zygote::ARG) {
        return ExitCode::from(zygote::main(&args[2..]) as u8);
    }
    if args.get(1).map(String::as_str) == Some(gameproc::ARG) {
        return ExitCode::from(gameproc::main(&args[2..]) as u8);
    }
    if args.get(1).map(String::as_str) == Some(cold::ARG) {
        return ExitCode::from(cold::main(&args[2..]) as u8);
    }
    let cli = cagematch::cli::Cli::parse();
    match cagematch::commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            // Errors quote file names and file contents: one safe line, always.
            eprintln!(
                "cagematch: {}",
                cagematch::cage::sanitize(e.to_string().as_bytes())
            );
            ExitCode::from(e.exit_code())
        }
    }
}
