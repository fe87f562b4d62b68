//! Every integration test that runs in seconds, as one binary (one link per change in
//! `src/`): a module per area. The slow end-to-end ones (tmux, Slurm, shards) are in
//! `tests/e2e/`; the raw-syscall harness is `tests/native_syscalls.rs`.

#[path = "../common/mod.rs"]
mod common;

mod bots;
mod bundles;
mod check_folder;
mod cli_match;
mod cli_run;
mod code_cache;
mod compiled;
mod docs;
mod env_tournaments;
mod environments;
mod free_for_all;
mod games;
mod hostile;
mod init;
mod ladder;
mod ladder_watch;
mod layout;
mod links;
mod matches;
mod openings;
mod report;
mod science;
mod secrets;
mod seed_keys;
mod tournament;
mod tui;
