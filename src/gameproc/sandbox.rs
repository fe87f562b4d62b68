//! The game process's walls, set before the environment's code is read: it dies with
//! the runner, cannot gain privileges, has memory, CPU-time, file-size and descriptor
//! limits, may read files (its own code, the game venv, the standard library) but write
//! only its scratch folder, and has no TCP, no abstract sockets and no signals outside
//! itself (Landlock). The environment is the organiser's code, but every step it reads
//! strangers' actions: these walls bound what a crafted action could make of it.

use landlock::{
    path_beneath_rules, Access, AccessFs, AccessNet, Ruleset, RulesetAttr, RulesetCreatedAttr,
    RulesetStatus, Scope, ABI,
};
use std::path::Path;

/// Limits of one game process (a worker's, for all its matches).
pub struct Walls<'a> {
    pub memory_mb: u64,
    pub cpu_seconds: u64,
    pub scratch: &'a Path,
}

/// Applies every wall; an error names the one that failed (the process then exits
/// before any of the environment's code runs).
pub fn apply(walls: &Walls<'_>) -> Result<String, String> {
    // SAFETY: prctl on the calling process.
    unsafe {
        if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) != 0 {
            return Err(format!(
                "PR_SET_PDEATHSIG: {}",
                std::io::Error::last_os_error()
            ));
        }
    }
    use rlimit::Resource;
    let mem = walls.memory_mb.saturating_mul(1024 * 1024);
    let limits = [
        (Resource::AS, mem),
        (Resource::CPU, walls.cpu_seconds),
        (Resource::NOFILE, 256),
        (Resource::CORE, 0),
        (Resource::FSIZE, 64 * 1024 * 1024),
    ];
    for (resource, value) in limits {
        resource
            .set(value, value)
            .map_err(|e| format!("setrlimit {}: {e}", resource.as_name()))?;
    }
    // SAFETY: prctl on the calling process.
    if unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) } != 0 {
        return Err(format!("no_new_privs: {}", std::io::Error::last_os_error()));
    }
    let abi = ABI::V6;
    let read = AccessFs::ReadFile | AccessFs::ReadDir | AccessFs::Execute;
    let status = Ruleset::default()
        .handle_access(AccessFs::from_all(abi))
        .and_then(|r| r.handle_access(AccessNet::from_all(abi)))
        .and_then(|r| r.scope(Scope::from_all(abi)))
        .and_then(|r| r.create())
        .and_then(|r| r.add_rules(path_beneath_rules(["/"], read)))
        .and_then(|r| r.add_rules(path_beneath_rules([walls.scratch], AccessFs::from_all(abi))))
        .and_then(|r| r.restrict_self())
        .map_err(|e| format!("landlock: {e}"))?;
    let landlock = match status.ruleset {
        RulesetStatus::FullyEnforced => "landlock fully enforced",
        RulesetStatus::PartiallyEnforced => "landlock partially enforced",
        RulesetStatus::NotEnforced => "landlock NOT enforced (kernel without it)",
    };
    Ok(format!(
        "{landlock}: reads anywhere, writes only its scratch folder, no TCP; address space {} MiB, CPU {} s, no_new_privs",
        walls.memory_mb, walls.cpu_seconds
    ))
}
