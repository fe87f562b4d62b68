//! A bot process, from the moment the zygote forks it. Its two lives, in order:
//!
//! 1. [`setup::isolate`]: session, descriptors, namespaces, rlimits (no bot code yet).
//! 2. Between the halves, only what the filter would refuse later (the Python bot's
//!    output streams need `fstat`; a compiled bot's folder and `execveat` arguments).
//! 3. [`setup::lock`] / [`setup::lock_native`]: Landlock, no_new_privs, seccomp.
//! 4. A Python bot's warm-up ([`warm`]: our own code, so the bot's load does not pay
//!    the fork's page faults), the report of the layers to the host, then bot code: the agent ([`agent`],
//!    [`convert`], [`gate`]) or the compiled program's image ([`exec`]). From here on
//!    every system call is checked against the table in [`seccomp`].

pub mod agent;
mod compiled;
pub mod convert;
pub mod exec;
pub mod files;
pub mod gate;
pub mod modules;
mod namespaces;
pub mod seccomp;
pub mod setup;
mod warm;

pub use exec::LIBRARY_PATHS;

use crate::cage::frame;
use crate::cage::policy::Limits;
use crate::cage::protocol::{ExecSpec, Hello};
use crate::cage::zygote::interpreter::Prepared;
use pyo3::Python;
use setup::ChildFds;
use std::os::fd::{FromRawFd, RawFd};

/// A Python bot process (a bundle's, given its private copy's base): cage, then serve.
/// Never returns into the zygote's code.
pub fn python_bot(
    py: Python<'_>,
    prep: &Prepared,
    fds: ChildFds,
    zygote: libc::pid_t,
    limits: &Limits,
    bundle: Option<&std::path::Path>,
) -> ! {
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let caged = setup::isolate(fds, zygote, limits, bundle).and_then(|isolated| {
            let streams = agent::redirect_output(py, prep)?;
            Ok((setup::lock(isolated)?, streams))
        });
        match caged {
            Ok((layers, streams)) => agent::serve(py, prep, &layers, streams),
            Err(e) => report(setup::FD_REPLY, &Hello::CageError(e)),
        }
    }));
    // SAFETY: leave without running destructors or Python finalisation.
    unsafe { libc::_exit(101) }
}

/// A compiled bot's process: cage, report the layers, execute the image. If the exec
/// fails the reason goes to the bot's log and the process exits 127.
pub fn native_bot(fds: ChildFds, zygote: libc::pid_t, limits: &Limits, spec: &ExecSpec) -> ! {
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let caged = setup::isolate(fds, zygote, limits, None).and_then(|isolated| {
            let image = exec::Exec::new(spec)?;
            Ok((setup::lock_native(isolated, spec, &image)?, image))
        });
        match caged {
            Ok((layers, image)) => {
                report(fds.reply_fd(), &Hello::Caged(layers));
                let error = image.exec();
                let line = format!("cagematch: cannot execute the bot: {error}\n");
                // SAFETY: writing our own buffer to the log descriptor.
                unsafe {
                    libc::write(setup::FD_NATIVE_LOG, line.as_ptr().cast(), line.len());
                    libc::_exit(127)
                }
            }
            Err(e) => report(fds.reply_fd(), &Hello::CageError(e)),
        }
    }));
    // SAFETY: leave without running destructors.
    unsafe { libc::_exit(101) }
}

/// Writes the set-up report on the child's reply descriptor (a frame in either dialect).
fn report(fd: RawFd, hello: &Hello) {
    // SAFETY: `fd` is the reply pipe once the descriptors are in place (isolate returns
    // errors only after that); ManuallyDrop keeps it open.
    let mut reply = std::mem::ManuallyDrop::new(unsafe { std::fs::File::from_raw_fd(fd) });
    let _ = frame::write_frame(&mut *reply, hello);
}
