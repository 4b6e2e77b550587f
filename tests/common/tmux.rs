//! A tmux server of the tests' own, for driving the real binary as a
//! person does: keys in, screen out. Each server has a socket and an empty
//! home folder of its own (qari keeps its state and reads its config under
//! it; `XDG_STATE_HOME` is unset, so the state is in `~/.local/state/qari`),
//! both gone when the server is dropped. Sessions are 100×30; several
//! sessions of one server share its home folder.

use std::ops::Deref;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The session [`Tmux::start`] opens, which a `Tmux` itself drives.
const MAIN: &str = "0";

/// How long a wait for the screen lasts before the test fails.
const WAIT: Duration = Duration::from_secs(10);

/// The target of session `name`'s current pane. A bare `0` would name
/// window 0 of the session used last, which is another session's once
/// there are several; `=0:` is session `0` exactly.
fn target(name: &str) -> String {
    format!("={name}:")
}

/// A private tmux server and its home folder.
pub struct Tmux {
    main: Pane,
    /// The home folder every session of this server runs with.
    pub home: PathBuf,
}

/// One session's pane: where keys go and whose screen is read.
#[derive(Debug, Clone)]
pub struct Pane {
    socket: String,
    target: String,
}

static SERVERS: AtomicUsize = AtomicUsize::new(0);

/// Whether tmux can be run; says it is missing (or fails under CI) when not.
pub fn available() -> bool {
    let present = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    super::oracle_available(present, "tmux")
}

impl Tmux {
    /// Starts a fresh server with a plain shell in session `0`; `None` when
    /// tmux is missing.
    pub fn start() -> Option<Tmux> {
        if !available() {
            return None;
        }
        let tmux = Tmux::new();
        tmux.shell(MAIN);
        Some(tmux)
    }

    /// A name for a server of its own and an empty home folder; no session yet.
    pub fn new() -> Tmux {
        let n = SERVERS.fetch_add(1, Ordering::SeqCst);
        let pid = std::process::id();
        let tmux = Tmux {
            main: Pane {
                socket: format!("qari-e2e-{pid}-{n}"),
                target: target(MAIN),
            },
            home: std::env::temp_dir().join(format!("qari-e2e-home-{pid}-{n}")),
        };
        let _ = std::fs::remove_dir_all(&tmux.home);
        std::fs::create_dir_all(&tmux.home).expect("a home folder");
        tmux
    }

    /// Opens session `name` running a plain shell with only `PATH`, `TERM`
    /// and this server's `HOME` set, and waits for its prompt (`READY$`).
    /// The shell keeps no history file: bash writes one into `HOME` as the
    /// server ends, while the folder is being removed.
    pub fn shell(&self, name: &str) -> Pane {
        let shell = format!(
            "env -i PATH=/usr/bin:/bin TERM=xterm-256color HOME={} HISTFILE= \
             bash --norc --noprofile",
            self.home.display()
        );
        let ok = self
            .cmd(&[
                "new-session",
                "-d",
                "-s",
                name,
                "-x",
                "100",
                "-y",
                "30",
                &shell,
            ])
            .status
            .success();
        assert!(ok, "tmux new-session {name} failed");
        let pane = self.pane(name);
        pane.keys(&["PS1='READY$ '", "Enter"]);
        pane.wait_for("READY$", "the shell prompt");
        pane
    }

    /// The pane of session `name` (which must have been opened).
    pub fn pane(&self, name: &str) -> Pane {
        Pane {
            socket: self.main.socket.clone(),
            target: target(name),
        }
    }
}

/// A server is driven through its first session: `tmux.keys(…)` types there.
impl Deref for Tmux {
    type Target = Pane;

    fn deref(&self) -> &Pane {
        &self.main
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
        let _ = std::fs::remove_dir_all(&self.home);
    }
}

impl Pane {
    /// Runs a tmux command on this pane's server.
    pub fn cmd(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("run tmux")
    }

    /// Sends keys as `tmux send-keys` takes them (`-l` first: literally).
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.target];
        args.extend_from_slice(keys);
        self.cmd(&args);
    }

    /// The pane's screen, one line per row.
    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.cmd(&["capture-pane", "-p", "-t", &self.target]).stdout)
            .into_owned()
    }

    /// Polls the screen until `needle` shows and the screen holds still
    /// (up to 10 s); returns the screen.
    pub fn wait_for(&self, needle: &str, what: &str) -> String {
        self.wait_until(|s| s.contains(needle), what)
    }

    /// Polls until `ok` holds for a screen that is the same on two captures
    /// in a row: a capture can land while a frame is half written.
    pub fn wait_until(&self, ok: impl Fn(&str) -> bool, what: &str) -> String {
        let start = Instant::now();
        let mut last = String::new();
        loop {
            let screen = self.screen();
            if ok(&screen) && screen == last {
                return screen;
            }
            last = screen.clone();
            assert!(
                start.elapsed() < WAIT,
                "timed out waiting for {what} in {}; the screen was:\n{screen}",
                self.target
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The pid of the process the pane runs (its shell, or a program run
    /// with `exec`).
    pub fn pid(&self) -> String {
        let out = self.cmd(&["display-message", "-p", "-t", &self.target, "#{pane_pid}"]);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// The pid of the program running under the pane's shell.
    pub fn child_pid(&self) -> String {
        let out = Command::new("pgrep")
            .args(["-P", &self.pid()])
            .output()
            .expect("pgrep");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .expect("a child of the shell")
            .trim()
            .to_string()
    }

    /// Asks the shell for its terminal settings; returns `stty -a`'s words.
    pub fn stty_words(&self) -> Vec<String> {
        self.keys(&["clear; stty -a; echo STTY-DONE", "Enter"]);
        let screen = self.wait_until(
            |s| s.lines().any(|l| l.trim() == "STTY-DONE"),
            "stty output",
        );
        screen
            .split(|c: char| c.is_whitespace() || c == ';')
            .map(str::to_string)
            .collect()
    }
}
