//! Per-bot cgroups, where the runner may create them: a memory limit with no swap, a
//! pids limit and an equal CPU weight for every bot. One small interface over cgroup v2
//! (the runner's own cgroup, with the controllers delegated to it, as root or in a
//! systemd user scope) and cgroup v1 (separate `memory`, `pids` and `cpu` hierarchies).
//!
//! The host creates a bot's cgroup and opens its `cgroup.procs`; the descriptors travel
//! with the spawn request, and the bot process writes `0` (itself) to each as the very
//! first step of its set-up, before a byte of bot code exists in it. The kernel checks
//! that write against the credentials of whoever *opened* the file (the host), so the
//! bot, which runs as `nobody` or in its own user namespace, needs no rights of its own
//! and gains none: the descriptors are closed before the rest of the cage goes on.

use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A bot is one process with one thread; the seccomp tables forbid more already, so
/// this only backs them up.
const PIDS_MAX: u32 = 1;
/// Cages started by this process (each gets its own folder).
static CAGES: AtomicU64 = AtomicU64::new(0);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    V1,
    V2,
}

/// The controllers' folders this cage creates bot cgroups in.
#[derive(Debug)]
pub struct Cgroups {
    version: Version,
    /// v2: one folder; v1: memory, pids and (when writable) cpu, in that order.
    bases: Vec<PathBuf>,
    /// Whether the CPU weight is set (the cpu controller may be missing).
    cpu: bool,
    /// Whether swap is limited to nothing (v1 needs swap accounting for it).
    no_swap: bool,
    next: AtomicU64,
    /// Folders of bots that were not yet reaped when their handle was dropped (a
    /// cgroup holds its processes until they are reaped): removed at the next spawn.
    graveyard: Arc<Mutex<Vec<PathBuf>>>,
}

/// One bot's cgroup. Removed when dropped, or soon after if the bot is not reaped yet.
#[derive(Debug)]
pub struct BotCgroup {
    version: Version,
    dirs: Vec<PathBuf>,
    memory_mb: u64,
    graveyard: Arc<Mutex<Vec<PathBuf>>>,
}

/// Why bots get no cgroup of their own (the other layers still hold), in the kernel's
/// words: the setting to change is the machine's, not a file of ours.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CgroupError {
    /// No cgroup hierarchy this process could use (`not mounted`, `no pids cgroup`).
    #[error("{0}")]
    Missing(String),
    /// A controller the bots need is not delegated to this process's cgroup.
    #[error("the {controller} controller is not delegated to {cgroup}")]
    NotDelegated {
        controller: &'static str,
        cgroup: String,
    },
    /// A cgroup file or folder could not be read, made or written.
    #[error("{path}: {reason}")]
    Io { path: String, reason: String },
    /// Neither version could serve (v2 tried first).
    #[error("cgroup v2: {v2}; cgroup v1: {v1}")]
    Neither {
        v2: Box<CgroupError>,
        v1: Box<CgroupError>,
    },
}

impl CgroupError {
    fn io(path: &Path, e: std::io::Error) -> CgroupError {
        CgroupError::Io {
            path: path.display().to_string(),
            reason: e.to_string(),
        }
    }
}

fn write(path: &Path, value: &str) -> Result<(), CgroupError> {
    std::fs::write(path, value).map_err(|e| CgroupError::io(path, e))
}

/// The mount point of the v1 hierarchy with `controller`, or of the v2 one (`None`).
fn mount_point(mountinfo: &str, controller: Option<&str>) -> Option<PathBuf> {
    mountinfo.lines().find_map(|line| {
        let (left, right) = line.split_once(" - ")?;
        let mount = left.split(' ').nth(4)?;
        let mut fields = right.split(' ');
        let fstype = fields.next()?;
        let options = fields.nth(1).unwrap_or("");
        let found = match controller {
            None => fstype == "cgroup2",
            Some(c) => fstype == "cgroup" && options.split(',').any(|o| o == c),
        };
        found.then(|| PathBuf::from(mount))
    })
}

/// This process's cgroup path in the v1 hierarchy with `controller`, or in v2 (`None`),
/// from `/proc/self/cgroup` (`ID:CONTROLLERS:PATH`).
fn own_path(cgroup: &str, controller: Option<&str>) -> Option<String> {
    cgroup.lines().find_map(|line| {
        let mut parts = line.splitn(3, ':');
        let (id, controllers, path) = (parts.next()?, parts.next()?, parts.next()?);
        let found = match controller {
            None => id == "0" && controllers.is_empty(),
            Some(c) => controllers.split(',').any(|x| x == c),
        };
        found.then(|| path.trim_start_matches('/').to_string())
    })
}

impl Cgroups {
    /// The cgroups this process may create for its bots (v2 first, then v1), or why none.
    pub fn probe() -> Result<Cgroups, CgroupError> {
        let read = |path: &str| {
            std::fs::read_to_string(path).map_err(|e| CgroupError::io(Path::new(path), e))
        };
        let mountinfo = read("/proc/self/mountinfo")?;
        let cgroup = read("/proc/self/cgroup")?;
        let name = format!(
            "cagematch-{}-{}",
            std::process::id(),
            CAGES.fetch_add(1, Ordering::Relaxed)
        );
        let v2 = Cgroups::probe_v2(&mountinfo, &cgroup, &name);
        let v2_error = match v2 {
            Ok(found) => return Ok(found),
            Err(e) => e,
        };
        Cgroups::probe_v1(&mountinfo, &cgroup, &name).map_err(|v1_error| CgroupError::Neither {
            v2: Box::new(v2_error),
            v1: Box::new(v1_error),
        })
    }

    fn probe_v2(mountinfo: &str, cgroup: &str, name: &str) -> Result<Cgroups, CgroupError> {
        let missing = |why: &str| CgroupError::Missing(why.to_string());
        let mount = mount_point(mountinfo, None).ok_or_else(|| missing("not mounted"))?;
        let own = own_path(cgroup, None).ok_or_else(|| missing("this process has no v2 cgroup"))?;
        let own = mount.join(own);
        let has = |dir: &Path, c: &str| {
            std::fs::read_to_string(dir.join("cgroup.subtree_control"))
                .is_ok_and(|t| t.split_whitespace().any(|x| x == c))
        };
        // The controllers must be delegated below our own cgroup; enabling them there
        // works only where the kernel allows it (root's cgroup, or an empty delegated one).
        for c in ["memory", "pids"] {
            if !has(&own, c)
                && write(&own.join("cgroup.subtree_control"), &format!("+{c}")).is_err()
            {
                return Err(CgroupError::NotDelegated {
                    controller: c,
                    cgroup: own.display().to_string(),
                });
            }
        }
        let cpu = has(&own, "cpu") || write(&own.join("cgroup.subtree_control"), "+cpu").is_ok();
        remove_stale(&own);
        let base = own.join(name);
        std::fs::create_dir(&base).map_err(|e| CgroupError::io(&base, e))?;
        let enable = if cpu {
            "+memory +pids +cpu"
        } else {
            "+memory +pids"
        };
        if let Err(e) = write(&base.join("cgroup.subtree_control"), enable) {
            let _ = std::fs::remove_dir(&base);
            return Err(e);
        }
        let no_swap = base.join("memory.swap.max").exists() || own.join("memory.swap.max").exists();
        Ok(Cgroups {
            version: Version::V2,
            bases: vec![base],
            cpu,
            no_swap,
            next: AtomicU64::new(0),
            graveyard: Arc::default(),
        })
    }

    fn probe_v1(mountinfo: &str, cgroup: &str, name: &str) -> Result<Cgroups, CgroupError> {
        let mut bases = Vec::new();
        let made = |c: &str, bases: &mut Vec<PathBuf>| -> Result<(), CgroupError> {
            let mount = mount_point(mountinfo, Some(c))
                .ok_or_else(|| CgroupError::Missing(format!("no {c} hierarchy")))?;
            let own = own_path(cgroup, Some(c))
                .ok_or_else(|| CgroupError::Missing(format!("no {c} cgroup")))?;
            let parent = mount.join(own);
            remove_stale(&parent);
            let base = parent.join(name);
            std::fs::create_dir(&base).map_err(|e| CgroupError::io(&base, e))?;
            bases.push(base);
            Ok(())
        };
        for c in ["memory", "pids"] {
            if let Err(e) = made(c, &mut bases) {
                for b in &bases {
                    let _ = std::fs::remove_dir(b);
                }
                return Err(e);
            }
        }
        let cpu = made("cpu", &mut bases).is_ok();
        let no_swap = bases[0].join("memory.memsw.limit_in_bytes").exists();
        Ok(Cgroups {
            version: Version::V1,
            bases,
            cpu,
            no_swap,
            next: AtomicU64::new(0),
            graveyard: Arc::default(),
        })
    }

    /// What a bot with `memory_mb` gets, in words (for `sandbox`, `check` and replays).
    pub fn describe(&self, memory_mb: u64) -> String {
        let version = match self.version {
            Version::V1 => "v1",
            Version::V2 => "v2",
        };
        format!(
            "{version}: memory {memory_mb} MiB{}, {PIDS_MAX} process, {}",
            if self.no_swap {
                " with no swap"
            } else {
                " (swap not limited: no swap accounting)"
            },
            if self.cpu {
                "equal CPU weight"
            } else {
                "no CPU weight (no cpu controller)"
            }
        )
    }

    /// A new cgroup for one bot, with its limits set, and its `cgroup.procs` opened for
    /// the bot process to join.
    pub fn create(&self, memory_mb: u64) -> Result<(BotCgroup, Vec<OwnedFd>), CgroupError> {
        if let Ok(mut graves) = self.graveyard.lock() {
            graves.retain(|dir| {
                std::fs::remove_dir(dir).is_err_and(|e| e.raw_os_error() == Some(libc::EBUSY))
            });
        }
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let mut bot = BotCgroup {
            version: self.version,
            dirs: Vec::with_capacity(self.bases.len()),
            memory_mb,
            graveyard: Arc::clone(&self.graveyard),
        };
        for base in &self.bases {
            let dir = base.join(format!("bot-{n}"));
            std::fs::create_dir(&dir).map_err(|e| CgroupError::io(&dir, e))?;
            bot.dirs.push(dir);
        }
        self.limit(&bot.dirs, memory_mb.saturating_mul(1024 * 1024))?;
        let procs = bot
            .dirs
            .iter()
            .map(|d| {
                let path = d.join("cgroup.procs");
                std::fs::OpenOptions::new()
                    .write(true)
                    .open(&path)
                    .map(OwnedFd::from)
                    .map_err(|e| CgroupError::io(&path, e))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok((bot, procs))
    }

    fn limit(&self, dirs: &[PathBuf], bytes: u64) -> Result<(), CgroupError> {
        let bytes = bytes.to_string();
        match self.version {
            Version::V2 => {
                let dir = &dirs[0];
                write(&dir.join("memory.max"), &bytes)?;
                if self.no_swap {
                    write(&dir.join("memory.swap.max"), "0")?;
                }
                write(&dir.join("pids.max"), &PIDS_MAX.to_string())?;
                if self.cpu {
                    write(&dir.join("cpu.weight"), "100")?;
                }
            }
            Version::V1 => {
                write(&dirs[0].join("memory.limit_in_bytes"), &bytes)?;
                if self.no_swap {
                    write(&dirs[0].join("memory.memsw.limit_in_bytes"), &bytes)?;
                }
                write(&dirs[1].join("pids.max"), &PIDS_MAX.to_string())?;
                if self.cpu {
                    write(&dirs[2].join("cpu.shares"), "1024")?;
                }
            }
        }
        Ok(())
    }
}

impl Drop for Cgroups {
    fn drop(&mut self) {
        for base in &self.bases {
            remove_tree(base);
        }
    }
}

/// Removes a cage's folder and its bots' folders.
fn remove_tree(base: &Path) {
    if let Ok(dirs) = std::fs::read_dir(base) {
        for d in dirs.flatten() {
            if d.file_name().to_string_lossy().starts_with("bot-") {
                remove(&d.path());
            }
        }
    }
    remove(base);
}

/// Removes the folders of cages whose runner is gone (killed, or a process that exited
/// without dropping its cage), so they do not pile up under `parent`.
fn remove_stale(parent: &Path) {
    let Ok(dirs) = std::fs::read_dir(parent) else {
        return;
    };
    for d in dirs.flatten() {
        let name = d.file_name().to_string_lossy().into_owned();
        let pid = name
            .strip_prefix("cagematch-")
            .and_then(|rest| rest.split('-').next())
            .and_then(|p| p.parse::<u32>().ok());
        if let Some(pid) = pid {
            if !Path::new(&format!("/proc/{pid}")).exists() {
                remove_tree(&d.path());
            }
        }
    }
}

/// Removes a cgroup folder, waiting briefly for a process that is still exiting.
fn remove(dir: &Path) {
    for _ in 0..20 {
        match std::fs::remove_dir(dir) {
            Err(e) if e.raw_os_error() == Some(libc::EBUSY) => {
                std::thread::sleep(Duration::from_millis(5))
            }
            _ => return,
        }
    }
}

/// The `key N` line of a flat-keyed cgroup file.
fn keyed(path: &Path, key: &str) -> Option<u64> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines().find_map(|l| {
        let (k, v) = l.split_once(' ')?;
        (k == key).then(|| v.trim().parse().ok()).flatten()
    })
}

impl BotCgroup {
    fn memory_file(&self, v1: &str, v2: &str) -> PathBuf {
        self.dirs[0].join(match self.version {
            Version::V1 => v1,
            Version::V2 => v2,
        })
    }

    /// True when the kernel killed the bot at its cgroup's memory limit.
    pub fn oom_killed(&self) -> bool {
        let events = self.memory_file("memory.oom_control", "memory.events");
        keyed(&events, "oom_kill").is_some_and(|n| n > 0)
    }

    /// The most memory the bot's cgroup was charged, in MiB (where the kernel says).
    pub fn peak_mb(&self) -> Option<u64> {
        let peak = self.memory_file("memory.max_usage_in_bytes", "memory.peak");
        let text = std::fs::read_to_string(peak).ok()?;
        Some(text.trim().parse::<u64>().ok()? / (1024 * 1024))
    }

    /// The memory limit, in MiB.
    pub fn memory_mb(&self) -> u64 {
        self.memory_mb
    }
}

impl Drop for BotCgroup {
    fn drop(&mut self) {
        // Never wait here (a worker is between matches): a bot killed a moment ago may
        // not be reaped yet, and its folder is then removed later.
        for dir in self.dirs.drain(..) {
            if std::fs::remove_dir(&dir).is_err_and(|e| e.raw_os_error() == Some(libc::EBUSY)) {
                if let Ok(mut graves) = self.graveyard.lock() {
                    graves.push(dir);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MOUNTINFO: &str = "\
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
";
    const CGROUP: &str = "8:pids:/\n4:memory:/api/d87\n1:cpu:/\n0::/user.slice/x.scope\n";

    #[test]
    fn hierarchies_and_own_paths_are_found() {
        assert_eq!(
            mount_point(MOUNTINFO, Some("cpu")),
            Some(PathBuf::from("/sys/fs/cgroup/cpu")),
            "cpu, not cpuacct"
        );
        assert_eq!(
            mount_point(MOUNTINFO, None),
            Some(PathBuf::from("/sys/fs/cgroup/unified"))
        );
        assert_eq!(mount_point(MOUNTINFO, Some("pids")), None);
        assert_eq!(own_path(CGROUP, Some("memory")).as_deref(), Some("api/d87"));
        assert_eq!(own_path(CGROUP, Some("pids")).as_deref(), Some(""));
        assert_eq!(
            own_path(CGROUP, None).as_deref(),
            Some("user.slice/x.scope")
        );
    }
}
