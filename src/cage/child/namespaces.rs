//! The bot process's own namespaces (user, network, IPC, UTS, mount; the PID namespace
//! is the zygote's, shared by all bots), unshared in `setup::isolate` before anything
//! else of the cage, best effort and reported. A bundle's files are shown here, while the
//! new user namespace's capabilities are still held; then every capability goes.

use super::files::{self, Shown};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set in the zygote (and so in every bot forked from it) when the zygote already sits
/// in an empty network namespace of its own, shared by all bots.
pub static SHARED_NETWORK: AtomicBool = AtomicBool::new(false);

/// Set in the zygote when every process it forks lands in a PID namespace of its own
/// (shared by all bots, with an init that only waits).
pub static SHARED_PID: AtomicBool = AtomicBool::new(false);

/// What [`namespaces`] got: the names, why some are missing, and a bundle's files.
pub type Namespaces = (Vec<String>, Option<String>, Option<Result<Shown, String>>);

/// Unprivileged namespaces, best effort: a new user namespace makes the others possible
/// without privilege. Whatever is missing is reported, loudly, by the host. A bundle's
/// files are shown while the new namespaces' capabilities are still held.
pub fn namespaces(bundle: Option<&std::path::Path>) -> Namespaces {
    let shared_net = SHARED_NETWORK.load(Ordering::Relaxed);
    let all: Vec<(libc::c_int, &str)> = [
        (libc::CLONE_NEWUSER, "user"),
        (libc::CLONE_NEWNET, "net"),
        (libc::CLONE_NEWIPC, "ipc"),
        (libc::CLONE_NEWUTS, "uts"),
        (libc::CLONE_NEWNS, "mount"),
    ]
    .into_iter()
    .filter(|&(f, _)| !(shared_net && f == libc::CLONE_NEWNET))
    .collect();
    let flags = all.iter().fold(0, |acc, (f, _)| acc | f);
    let named = |got: Vec<String>| -> Vec<String> {
        // The shared namespaces are reported in the same place, in the same order.
        let mut names = got;
        if shared_net {
            names.insert(
                names.iter().position(|n| n == "user").map_or(0, |i| i + 1),
                "net".into(),
            );
        }
        if SHARED_PID.load(Ordering::Relaxed) {
            names.push("pid".into());
        }
        names
    };
    // SAFETY: unshare affects only the calling, single-threaded process.
    let no_pid = "the zygote could not create the bots' PID namespace";
    if unsafe { libc::unshare(flags) } == 0 {
        let shown = bundle.map(|base| files::show(base, true));
        drop_capabilities();
        let missing = !SHARED_PID.load(Ordering::Relaxed);
        return (
            named(all.iter().map(|(_, n)| n.to_string()).collect()),
            missing.then(|| no_pid.to_string()),
            shown,
        );
    }
    let together = std::io::Error::last_os_error();
    // One at a time, so the report says exactly which ones the kernel refused.
    let mut got = Vec::new();
    let mut refused = Vec::new();
    for (flag, name) in all {
        // SAFETY: as above.
        if unsafe { libc::unshare(flag) } == 0 {
            got.push(name.to_string());
        } else {
            refused.push(name);
        }
    }
    let own = got.iter().any(|n| n == "user") && got.iter().any(|n| n == "mount");
    let shown = bundle.map(|base| files::show(base, own));
    drop_capabilities();
    let got = named(got);
    let mut errors = Vec::new();
    if !refused.is_empty() {
        errors.push(format!(
            "kernel refused {} namespace(s): {together}",
            refused.join(", ")
        ));
    }
    if !SHARED_PID.load(Ordering::Relaxed) {
        errors.push(no_pid.to_string());
    }
    (got, (!errors.is_empty()).then(|| errors.join("; ")), shown)
}

/// A new user namespace grants every capability inside it; the bot needs none.
fn drop_capabilities() {
    #[repr(C)]
    struct Header {
        version: u32,
        pid: i32,
    }
    #[repr(C)]
    #[derive(Default, Clone, Copy)]
    struct Data {
        effective: u32,
        permitted: u32,
        inheritable: u32,
    }
    let mut header = Header {
        version: 0x2008_0522, // _LINUX_CAPABILITY_VERSION_3
        pid: 0,
    };
    let data = [Data::default(); 2];
    // SAFETY: capset with a valid header and two zeroed data words drops every capability.
    // Failure leaves capabilities that seccomp already stops from being used.
    unsafe {
        libc::syscall(libc::SYS_capset, &mut header as *mut Header, data.as_ptr());
    }
}
