//! A process's proportional set size (shared pages divided among their sharers), the
//! bench's memory figure.

use crate::error::Error;

/// `Pss:` of a process, in KiB.
pub(super) fn pss_kib(pid: libc::pid_t) -> Result<f64, Error> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).map_err(|e| {
        if e.kind() == std::io::ErrorKind::PermissionDenied {
            Error::runtime(
                "bots are not dumpable (PR_SET_DUMPABLE 0), which hides their /proc files from \
             their own user; run the bench as root to measure memory",
            )
        } else {
            Error::runtime(format!("cannot read /proc/{pid}/smaps_rollup: {e}"))
        }
    })?;
    text.lines()
        .find_map(|l| l.strip_prefix("Pss:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .ok_or_else(|| Error::runtime(format!("no Pss line for {pid}")))
}
