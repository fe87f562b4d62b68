//! The cage: every bot in its own forked process, caged by the kernel before any of its
//! code runs. [`Cage::start`] starts the zygote; [`Cage::spawn`] forks a caged bot from it.
//!
//! ```text
//! host ──control socket──► zygote (one CPython, preloaded, never runs bot code)
//!   ▲                          │ fork per bot
//!   └── pipes + pidfd ◄────── bot process: child::setup → agent / exec → serve moves
//! ```
//!
//! The folders are the processes, so which one a line of code runs in — and whether
//! seccomp is already on there — can be read off the path:
//! - `host/`: the `cagematch` process (a worker thread's handle on a bot, the zygote's
//!   launcher, the pool). It never imports `zygote/` or `child/` code: it talks to them
//!   only through the messages in [`protocol`].
//! - `zygote/`: the single-threaded process that starts CPython once, preloads, drops
//!   root, forks bots and reaps them. It holds no bot code.
//! - `child/`: a bot process after the fork. `setup.rs` is the cage, in order; everything
//!   else under `child/` (`agent.rs`, `convert.rs`, `gate.rs`, `exec.rs`) runs *after*
//!   `setup::lock`, under the seccomp table in `child/seccomp.rs`: a system call added
//!   there must be allowed there, or every bot dies. Code between `isolate` and `lock`
//!   (`agent::redirect_output`, `exec::Exec::new`) is marked as such.
//! - Shared vocabulary, used by more than one process: [`protocol`] (every message),
//!   [`frame`] and `control.rs` (their encodings), [`policy`], [`layers`], [`fault`],
//!   `log.rs`, `pidfd.rs`.

pub(crate) mod child;
mod control;
mod fault;
pub mod frame;
mod host;
mod layers;
pub mod log;
mod pidfd;
pub mod policy;
pub mod protocol;
pub mod zygote;

pub use child::seccomp;
pub use child::setup::{cage_self as apply_layers_to_current_process, ChildFds};
pub use child::LIBRARY_PATHS;
pub use fault::{Fault, FaultKind};
pub use host::bot::{act_all, backstop, encoded, Bot, Loaded, Move, Question};
pub use host::cage::{Cage, CageError};
pub use host::cgroup::CgroupError;
pub use host::compiled::is_kept as code_is_kept;
pub use host::monitor::{Monitor, Usage, Watching};
pub use host::native::{elf_interpreter, Native};
pub use host::program::{BotSource, BundleFiles, Program};
pub use host::venv::{add_python, site_packages};
pub use layers::{Layers, Supervision};
pub use log::sanitize;
pub use policy::{
    CagePolicy, Fairness, Limits, PythonError, DEFAULT_MODULES, EMBEDDED_PYTHON, FORBIDDEN_MODULES,
};
pub use protocol::ZygoteInfo;
