//! The slow end-to-end tests, as one binary: the real binary in a real terminal (tmux),
//! the organiser's whole path, shards killed and merged, and a real Slurm cluster.

#[path = "../common/mod.rs"]
mod common;

mod browser;
mod free_for_all;
mod kaggle_env;
mod organiser;
mod shards;
mod slurm;
mod tui_e2e;
