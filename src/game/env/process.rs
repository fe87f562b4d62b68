//! The host's handle on a game process (`cagematch __game`, see `src/gameproc/`): start
//! it, send a request line, read the reply line within a deadline, kill it on drop.
//! Every reply is bounded and parsed strictly; a hang, a death or garbage is a
//! [`GameError`], never a hang of the runner.

use serde_json::Value;
use std::io::Write;
use std::os::fd::AsRawFd;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{mpsc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Why an environment could not be started or failed during a match. Never a bot's
/// fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GameError {
    /// The environment cannot even start (bad specification, import error, no such
    /// environment): a one-line error before any match.
    #[error("{0}")]
    Start(String),
    /// The environment's code raised during a match (its traceback).
    #[error("the game's code failed: {0}")]
    Failed(String),
    #[error("the game process did not answer within {0:?}")]
    Hung(Duration),
    #[error("the game process died ({0})")]
    Died(String),
    #[error("{0}")]
    Protocol(String),
}

/// The longest reply line read (a state with every seat's observation, or a render).
const MAX_REPLY: usize = 16 << 20;

#[derive(Debug)]
pub struct GameProcess {
    child: Child,
    stdin: ChildStdin,
    stdout: ChildStdout,
    /// Bytes read past the last reply's newline.
    pending: Vec<u8>,
    /// Matches started in this process.
    matches: u32,
    /// The scratch folder, removed with the process.
    _scratch: tempfile::TempDir,
}

/// The start of a game process's scratch folder's name, then the runner's pid.
const SCRATCH_PREFIX: &str = "cagematch-game-";

/// Removes, once per runner, the scratch folders of runners that are gone (killed with
/// SIGKILL: nothing of theirs could clean up), so none outlives its run for long.
fn sweep_stale_scratch() {
    static SWEPT: OnceLock<()> = OnceLock::new();
    SWEPT.get_or_init(|| {
        let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let pid = name
                .strip_prefix(SCRATCH_PREFIX)
                .and_then(|rest| rest.split('-').next())
                .and_then(|p| p.parse::<u32>().ok());
            let ours = entry.metadata().is_ok_and(|m| {
                std::os::unix::fs::MetadataExt::uid(&m) == nix::unistd::getuid().as_raw()
            });
            if let Some(pid) = pid.filter(|_| ours) {
                if !std::path::Path::new(&format!("/proc/{pid}")).exists() {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
    });
}

/// Room made for each read from the game process.
const READ_CHUNK: usize = 65536;

impl GameProcess {
    /// Starts `program __game` with `start` (the environment, its settings, its walls;
    /// the scratch folder is added here) and waits up to `deadline` for its first reply.
    pub fn start(
        program: &std::path::Path,
        mut start: Value,
        deadline: Duration,
    ) -> Result<(GameProcess, Value), GameError> {
        sweep_stale_scratch();
        // Named for this runner, so a later one can tell it is gone (see below).
        let scratch = tempfile::Builder::new()
            .prefix(&format!("{SCRATCH_PREFIX}{}-", std::process::id()))
            .tempdir()
            .map_err(|e| GameError::Start(format!("cannot make a scratch folder: {e}")))?;
        start["scratch"] = Value::from(scratch.path().display().to_string());
        let mut command = Command::new(program);
        command
            .arg(crate::gameproc::ARG)
            .env_clear()
            // Numerical libraries start no thread pool: OpenBLAS's idle threads spin,
            // and would take CPU from other workers' bots (numpy comes with
            // kaggle_environments).
            .envs(crate::cage::policy::ZYGOTE_ENV.iter().copied())
            .env("TMPDIR", scratch.path())
            .env("HOME", scratch.path())
            .current_dir(scratch.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut child = spawn(command)
            .map_err(|e| GameError::Start(format!("cannot start the game process: {e}")))?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            return Err(GameError::Start("the game process has no pipes".into()));
        };
        set_nonblocking(stdout.as_raw_fd());
        let mut process = GameProcess {
            child,
            stdin,
            stdout,
            pending: Vec::new(),
            matches: 1,
            _scratch: scratch,
        };
        let first = process.ask(&start, deadline).map_err(|e| match e {
            GameError::Failed(why) | GameError::Protocol(why) => GameError::Start(why),
            other => GameError::Start(other.to_string()),
        })?;
        if let Some(why) = first.get("error").and_then(Value::as_str) {
            return Err(GameError::Start(crate::cage::log::cut(why, 2000)));
        }
        let ready = first
            .get("ready")
            .cloned()
            .ok_or_else(|| GameError::Start("the game process sent no ready line".into()))?;
        Ok((process, ready))
    }

    /// Sends one request and reads its reply. A reply of `{"game_error": …}` (the
    /// environment's code raised) is [`GameError::Failed`].
    pub fn ask(&mut self, request: &Value, deadline: Duration) -> Result<Value, GameError> {
        self.ask_line(request.to_string(), deadline)
    }

    /// [`GameProcess::ask`] with the request already one line of JSON (no newline).
    pub fn ask_line(&mut self, mut line: String, deadline: Duration) -> Result<Value, GameError> {
        line.push('\n');
        if self.stdin.write_all(line.as_bytes()).is_err() {
            return Err(self.died());
        }
        let end = self.read_line(deadline)?;
        let parsed = serde_json::from_slice::<Value>(&self.pending[..end]);
        self.pending.drain(..=end);
        let value = parsed.map_err(|e| {
            self.kill();
            GameError::Protocol(format!("a malformed reply from the game process: {e}"))
        })?;
        if let Some(trace) = value.get("game_error").and_then(Value::as_str) {
            return Err(GameError::Failed(crate::cage::log::cut(trace, 4000)));
        }
        Ok(value)
    }

    /// Moves the process to the calling thread's CPUs (see [`crate::affinity::follow`]).
    pub fn follow(&self) {
        crate::affinity::follow(self.child.id() as libc::pid_t);
    }

    /// How many matches this process has started.
    pub fn matches(&self) -> u32 {
        self.matches
    }

    /// Counts one more match (the caller reset the process for it).
    pub fn count_match(&mut self) {
        self.matches += 1;
    }

    /// Reads until the pending bytes hold a whole line: where its newline is. (The bytes
    /// stay in one buffer, reused from reply to reply.)
    fn read_line(&mut self, deadline: Duration) -> Result<usize, GameError> {
        let until = Instant::now() + deadline;
        let mut searched = 0;
        loop {
            if let Some(at) = self.pending[searched..].iter().position(|&b| b == b'\n') {
                return Ok(searched + at);
            }
            searched = self.pending.len();
            if self.pending.len() > MAX_REPLY {
                self.kill();
                return Err(GameError::Protocol(format!(
                    "the game process sent a reply of more than {} MiB",
                    MAX_REPLY >> 20
                )));
            }
            // Read before waiting: on a worker's one core the game process has often
            // answered by the time the request's write returns (it ran at once).
            match self.read_some() {
                Ok(0) => return Err(self.died()),
                Ok(_) => continue,
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::Interrupted
                    ) => {}
                Err(_) => return Err(self.died()),
            }
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                self.kill();
                return Err(GameError::Hung(deadline));
            }
            let mut poll = libc::pollfd {
                fd: self.stdout.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            let ms = left.as_millis().min(i32::MAX as u128) as i32;
            // SAFETY: one pollfd of ours.
            unsafe { libc::poll(&mut poll, 1, ms.max(1)) };
        }
    }

    /// One read of what the game process has sent, straight into the pending bytes'
    /// spare room (no buffer to zero per read: a step's reply is a few hundred bytes).
    fn read_some(&mut self) -> std::io::Result<usize> {
        let had = self.pending.len();
        if self.pending.capacity() - had < READ_CHUNK / 4 {
            self.pending.reserve(READ_CHUNK);
        }
        let room = self.pending.spare_capacity_mut();
        // SAFETY: reading at most `room.len()` bytes into our own spare capacity.
        let n = unsafe {
            libc::read(
                self.stdout.as_raw_fd(),
                room.as_mut_ptr().cast(),
                room.len(),
            )
        };
        if n < 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: the kernel wrote `n` bytes there.
        unsafe { self.pending.set_len(had + n as usize) };
        Ok(n as usize)
    }

    /// The process ended: how, in words.
    fn died(&mut self) -> GameError {
        self.kill();
        let status = self.child.wait().map(|s| s.to_string()).unwrap_or_default();
        GameError::Died(status)
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
    }
}

impl Drop for GameProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

type SpawnRequest = (Command, mpsc::Sender<std::io::Result<Child>>);

/// Starts a game process from one thread that lives as long as `cagematch`: the game
/// process's parent-death signal is tied to the thread that forked it, and a worker
/// thread that ends must not take with it a process another worker is using.
fn spawn(command: Command) -> std::io::Result<Child> {
    static SPAWNER: OnceLock<Mutex<mpsc::Sender<SpawnRequest>>> = OnceLock::new();
    let spawner = SPAWNER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<SpawnRequest>();
        let _ = std::thread::Builder::new()
            .name("game-spawner".into())
            .spawn(move || {
                for (mut command, reply) in rx {
                    let _ = reply.send(command.spawn());
                }
            });
        Mutex::new(tx)
    });
    let (tx, rx) = mpsc::channel();
    let sent = spawner
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .send((command, tx));
    let gone = || std::io::Error::other("the spawner thread is gone");
    sent.map_err(|_| gone())?;
    rx.recv().map_err(|_| gone())?
}

fn set_nonblocking(fd: i32) {
    // SAFETY: fcntl flags on our own descriptor.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK);
    }
}
