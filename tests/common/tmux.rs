//! A real terminal for end-to-end tests: a tmux server of its own per test, keys and
//! mouse clicks sent to it, and what is on its screen read back.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

pub struct Tmux {
    socket: String,
}

impl Tmux {
    pub fn start(dir: &Path, command: &str, width: u16, height: u16) -> Tmux {
        let socket = format!("cagematch-test-{}-{}", std::process::id(), rand_suffix());
        let status = Command::new("tmux")
            .args(["-L", &socket, "new-session", "-d", "-s", "main"])
            .args(["-x", &width.to_string(), "-y", &height.to_string()])
            .args(["-c", dir.to_str().unwrap()])
            .arg(format!("{command}; echo EXITED $?; sleep 60"))
            .env("TERM", "xterm-256color")
            .status()
            .expect("tmux is installed (.ci/run installs it)");
        assert!(status.success(), "tmux could not start");
        Tmux { socket }
    }

    pub fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p", "-t", "main"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            Command::new("tmux")
                .args(["-L", &self.socket, "send-keys", "-t", "main", k])
                .status()
                .unwrap();
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    /// A left click at (column, line), 0-based, as an xterm SGR mouse report — what
    /// the terminal sends the program when mouse reporting is on.
    pub fn click(&self, x: u16, y: u16) {
        for end in ['M', 'm'] {
            let report = format!("\x1b[<0;{};{}{end}", x + 1, y + 1);
            Command::new("tmux")
                .args(["-L", &self.socket, "send-keys", "-t", "main", "-l", &report])
                .status()
                .unwrap();
        }
        std::thread::sleep(Duration::from_millis(150));
    }

    pub fn resize(&self, width: u16, height: u16) {
        Command::new("tmux")
            .args(["-L", &self.socket, "resize-window", "-t", "main"])
            .args(["-x", &width.to_string(), "-y", &height.to_string()])
            .status()
            .unwrap();
    }

    /// Waits until `needle` is on screen; panics with the screen after `secs`.
    pub fn wait_for(&self, needle: &str, secs: u64) -> String {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let screen = self.screen();
            if screen.contains(needle) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("`{needle}` never appeared; the screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64
}
