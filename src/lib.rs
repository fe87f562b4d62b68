//! cagematch: a tournament runner for untrusted game bots, each caged by the kernel.

pub mod bench;
pub mod botfile;
pub mod cage;
pub mod cli;
pub mod commands;
pub mod game;
pub mod referee;
pub mod replay;
