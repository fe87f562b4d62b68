//! How a bot process ended, as the zygote reported it, turned into a fault.

use crate::cage::fault::{Fault, FaultKind};
use crate::cage::policy::Limits;
use crate::cage::protocol::ExitReport;

fn signal_name(sig: i32) -> String {
    match sig {
        libc::SIGSEGV => "a segmentation fault (SIGSEGV)".into(),
        libc::SIGABRT => "an abort (SIGABRT)".into(),
        libc::SIGBUS => "a bus error (SIGBUS)".into(),
        libc::SIGILL => "an illegal instruction (SIGILL)".into(),
        libc::SIGFPE => "an arithmetic fault (SIGFPE)".into(),
        libc::SIGKILL => "SIGKILL".into(),
        other => format!("signal {other}"),
    }
}

/// The fault of a bot process that ended without replying.
pub fn classify(report: ExitReport, limits: &Limits) -> Fault {
    let ExitReport {
        code,
        value,
        cpu_ms,
        peak_kib,
    } = report;
    let cpu_limit_ms = limits.cpu_seconds.saturating_mul(1000);
    let memory_kib = limits.memory_mb.saturating_mul(1024);
    // A compiled bot that runs out of memory gets a failed allocation, and usually
    // dies of it (abort, segfault, or an exit). Resident memory near the limit says why.
    let killed_by_a_limit =
        code != libc::CLD_EXITED && matches!(value, libc::SIGSYS | libc::SIGXCPU | libc::SIGKILL);
    let out_of_memory = peak_kib as u64 >= memory_kib / 10 * 9 && !killed_by_a_limit;
    match code {
        _ if out_of_memory => Fault::new(
            FaultKind::Memory,
            format!(
                "ran out of memory: {} MiB resident at its peak, the limit is {} MiB",
                peak_kib / 1024,
                limits.memory_mb
            ),
        ),
        libc::CLD_EXITED => Fault::new(
            FaultKind::Exited,
            format!("exited with status {value} without replying"),
        ),
        _ if value == libc::SIGSYS => Fault::new(
            FaultKind::Violation,
            "made a forbidden system call and was killed by the kernel (seccomp)",
        ),
        _ if value == libc::SIGXCPU
            || (value == libc::SIGKILL && cpu_ms as u64 >= cpu_limit_ms) =>
        {
            Fault::new(
                FaultKind::Cpu,
                format!(
                    "used up its CPU allowance of {} s for the match ({:.2} s used)",
                    limits.cpu_seconds,
                    cpu_ms as f64 / 1000.0
                ),
            )
        }
        _ => Fault::new(
            FaultKind::Crash,
            format!("crashed with {}", signal_name(value)),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(code: i32, value: i32, cpu_ms: i32, peak_kib: i32) -> ExitReport {
        ExitReport {
            code,
            value,
            cpu_ms,
            peak_kib,
        }
    }

    #[test]
    fn each_ending_has_its_kind() {
        let limits = Limits::default();
        let kind = |r| classify(r, &limits).kind;
        assert_eq!(
            kind(report(libc::CLD_KILLED, libc::SIGSYS, 0, 0)),
            FaultKind::Violation
        );
        assert_eq!(
            kind(report(libc::CLD_KILLED, libc::SIGXCPU, 0, 0)),
            FaultKind::Cpu
        );
        assert_eq!(
            kind(report(libc::CLD_KILLED, libc::SIGKILL, 120_000, 0)),
            FaultKind::Cpu
        );
        assert_eq!(
            kind(report(libc::CLD_KILLED, libc::SIGKILL, 5, 0)),
            FaultKind::Crash
        );
        assert_eq!(kind(report(libc::CLD_EXITED, 3, 5, 0)), FaultKind::Exited);
        assert_eq!(
            kind(report(libc::CLD_DUMPED, libc::SIGABRT, 5, 500 * 1024)),
            FaultKind::Memory
        );
        // Unknown codes and signals still classify.
        assert_eq!(kind(report(-1, -1, 0, 0)), FaultKind::Crash);
    }
}
