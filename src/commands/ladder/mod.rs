//! `cagematch ladder DIR`: a competition that lives for weeks. `DIR/ladder.yaml` is a
//! tournament file; `DIR/run/` one run folder kept for good. Bots are versions, known by
//! their content hash: each time the ladder runs, a new bot (or a changed file) becomes
//! a new version that plays only its own games, the version it replaces is retired (its
//! games stay in the journal, out of the standings), and a bot no longer in the folder
//! is retired too. The standings are over the active versions' games among themselves.

mod inbox;
mod once;
mod publish;
mod watch;

use crate::cli::LadderArgs;
use crate::error::Error;
use std::process::ExitCode;

pub fn run(args: &LadderArgs) -> Result<ExitCode, Error> {
    if args.watch {
        return watch::run(args);
    }
    once::once(args)
}
