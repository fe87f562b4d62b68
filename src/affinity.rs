//! CPU affinity: which cores a thread or process may run on. A move is a pipe round trip
//! between the host and a bot, which is several times faster when both sit on one core.

use std::mem::{size_of, zeroed};

type Set = libc::cpu_set_t;

fn get(pid: libc::pid_t) -> Option<Set> {
    // SAFETY: cpu_set_t is plain data; the call fills it.
    unsafe {
        let mut set: Set = zeroed();
        (libc::sched_getaffinity(pid, size_of::<Set>(), &mut set) == 0).then_some(set)
    }
}

fn set(pid: libc::pid_t, cpus: &Set) -> bool {
    // SAFETY: reads the set we pass.
    unsafe { libc::sched_setaffinity(pid, size_of::<Set>(), cpus) == 0 }
}

fn count(s: &Set) -> i32 {
    // SAFETY: reads the set.
    unsafe { libc::CPU_COUNT(s) }
}

/// The CPUs the calling thread may use, in order.
pub fn allowed_cpus() -> Vec<usize> {
    let Some(s) = get(0) else {
        return vec![0];
    };
    (0..libc::CPU_SETSIZE as usize)
        // SAFETY: reads the set.
        .filter(|&c| unsafe { libc::CPU_ISSET(c, &s) })
        .collect()
}

/// Pins `pid` (0: the calling thread) to one CPU, the `index`-th allowed one (modulo).
/// Returns the CPU, or `None` if the kernel refused.
pub fn pin(pid: libc::pid_t, index: usize) -> Option<usize> {
    let cpus = allowed_cpus();
    let cpu = *cpus.get(index % cpus.len().max(1))?;
    // SAFETY: plain data.
    let mut one: Set = unsafe { zeroed() };
    // SAFETY: cpu < CPU_SETSIZE (it came from a set).
    unsafe { libc::CPU_SET(cpu, &mut one) };
    set(pid, &one).then_some(cpu)
}

/// Pins the calling thread to the `index`-th allowed CPU (modulo). Bots it spawns
/// afterwards share the pin (see [`share_with`]).
pub fn pin_current_thread(index: usize) -> Option<usize> {
    pin(0, index)
}

/// Pins the calling thread to the CPU it is running on now (where the scheduler placed
/// it, so several runners started at once spread out). Bots it spawns afterwards share
/// the pin.
pub fn pin_current_thread_here() -> Option<usize> {
    // SAFETY: no arguments; returns the CPU number or -1.
    let cpu = unsafe { libc::sched_getcpu() };
    let index = allowed_cpus().iter().position(|&c| c as i32 == cpu)?;
    pin(0, index)
}

/// Gives `pid` the calling thread's CPUs if the thread is pinned no wider than `pid`
/// and elsewhere (a bot forked by a zygote that was itself pinned to another core would
/// otherwise answer every move across cores). An unpinned thread widens nothing.
pub fn share_with(pid: libc::pid_t) {
    if let (Some(mine), Some(theirs)) = (get(0), get(pid)) {
        if count(&mine) <= count(&theirs) && !same(&mine, &theirs) {
            set(pid, &mine);
        }
    }
}

fn same(a: &Set, b: &Set) -> bool {
    // SAFETY: compares two plain-data sets.
    unsafe {
        libc::memcmp(
            (a as *const Set).cast(),
            (b as *const Set).cast(),
            size_of::<Set>(),
        ) == 0
    }
}

/// Gives `pid` exactly the calling thread's CPUs (a game process serves whichever
/// worker takes it next, and its round trips are fastest on that worker's core).
pub fn follow(pid: libc::pid_t) {
    if let (Some(mine), Some(theirs)) = (get(0), get(pid)) {
        // SAFETY: compares two plain-data sets.
        if !same(&mine, &theirs) {
            set(pid, &mine);
        }
    }
}

/// Runs `f` with the calling thread pinned to the `index`-th allowed CPU, then puts the
/// thread's affinity back (threads started inside inherit the pin).
pub fn pinned<T>(index: usize, f: impl FnOnce() -> T) -> T {
    let saved = get(0);
    pin(0, index);
    let out = f();
    if let Some(s) = saved {
        set(0, &s);
    }
    out
}
