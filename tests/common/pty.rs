//! A minimal pseudo-terminal for running the real binary as a terminal
//! would: `openpty` with a window size, the child in a session of its own
//! with the slave as its controlling terminal, and every byte the child
//! writes collected from the master by a reader thread.
//!
//! The child's environment is isolated from the person running the tests:
//! `HOME`, `XDG_CONFIG_HOME` and `XDG_STATE_HOME` point into a fresh
//! temporary folder that is removed afterwards, `TERM` is `xterm-256color`,
//! and `NO_COLOR`, `COLUMNS` and `LINES` are unset.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How often waits look at the output again.
const POLL: Duration = Duration::from_millis(10);

/// A child process running on a pseudo-terminal.
pub struct Pty {
    master: File,
    child: Child,
    output: Arc<Mutex<Vec<u8>>>,
    stop: Arc<AtomicBool>,
    reader: Option<JoinHandle<()>>,
    home: PathBuf,
    status: Option<ExitStatus>,
}

static HOMES: AtomicUsize = AtomicUsize::new(0);

/// Fails with the OS error when a libc call returned -1.
fn check(what: &str, result: libc::c_int) -> std::io::Result<libc::c_int> {
    if result == -1 {
        let e = std::io::Error::last_os_error();
        return Err(std::io::Error::new(e.kind(), format!("{what}: {e}")));
    }
    Ok(result)
}

fn set_cloexec(fd: RawFd) -> std::io::Result<()> {
    // SAFETY: fcntl on a descriptor this module just opened.
    let flags = check("F_GETFD", unsafe { libc::fcntl(fd, libc::F_GETFD) })?;
    // SAFETY: as above.
    check("F_SETFD", unsafe {
        libc::fcntl(fd, libc::F_SETFD, flags | libc::FD_CLOEXEC)
    })?;
    Ok(())
}

/// Sets a terminal's window size (what `TIOCGWINSZ` then reports).
fn set_size(fd: RawFd, cols: u16, rows: u16) -> std::io::Result<()> {
    let size = libc::winsize {
        ws_row: rows,
        ws_col: cols,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: TIOCSWINSZ reads one winsize from the pointer.
    check("TIOCSWINSZ", unsafe {
        libc::ioctl(fd, libc::TIOCSWINSZ, &size)
    })?;
    Ok(())
}

/// A byte string for messages: printable ASCII as it is, the rest escaped.
pub fn escaped(bytes: &[u8]) -> String {
    bytes.escape_ascii().to_string()
}

impl Pty {
    /// Starts `command` on a new pseudo-terminal of `cols`×`rows`, with
    /// the terminal as its standard input, output and error.
    pub fn spawn(command: Command, cols: u16, rows: u16) -> std::io::Result<Pty> {
        Pty::spawn_with_stdin(command, cols, rows, None)
    }

    /// Like `spawn`, with `stdin` (when given) as standard input instead of
    /// the terminal; the terminal stays the controlling one (`/dev/tty`).
    pub fn spawn_with_stdin(
        mut command: Command,
        cols: u16,
        rows: u16,
        stdin: Option<Stdio>,
    ) -> std::io::Result<Pty> {
        let mut master: RawFd = -1;
        let mut slave: RawFd = -1;
        // SAFETY: two out-pointers to c_int; name, termios and winsize may
        // be null.
        check("openpty", unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                std::ptr::null(),
            )
        })?;
        // SAFETY: openpty returned two open descriptors this function owns.
        let (master, slave) =
            unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
        // Children that other tests start must not inherit either end. (A
        // child forked before this line could still hold the slave, so the
        // reader does not rely on seeing it close: see `read_all`.)
        set_cloexec(master.as_raw_fd())?;
        set_cloexec(slave.as_raw_fd())?;
        set_size(slave.as_raw_fd(), cols, rows)?;

        let n = HOMES.fetch_add(1, Ordering::SeqCst);
        let home = std::env::temp_dir().join(format!("qari-pty-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&home);
        for dir in ["config", "state"] {
            std::fs::create_dir_all(home.join(dir))?;
        }
        command
            .env("TERM", "xterm-256color")
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env_remove("NO_COLOR")
            // Run from inside tmux or GNU screen, qari would wrap what it
            // sends for them.
            .env_remove("TMUX")
            .env_remove("STY")
            // With a desktop's clipboard program at hand, qari would copy
            // through it rather than the terminal.
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("COLUMNS")
            .env_remove("LINES")
            .stdin(match stdin {
                Some(stdin) => stdin,
                None => Stdio::from(slave.try_clone()?),
            })
            .stdout(Stdio::from(slave.try_clone()?))
            .stderr(Stdio::from(slave));
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            command.pre_exec(|| {
                // A session of its own, with the slave as its controlling
                // terminal, so /dev/tty and job control work. Standard output
                // is the slave whatever standard input is. (No formatting
                // here: it would allocate after fork.)
                if libc::setsid() == -1 || libc::ioctl(1, libc::TIOCSCTTY, 0) == -1 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command.spawn();
        // The parent's copies of the slave go with the command.
        drop(command);
        let child = child?;

        let master = File::from(master);
        let output = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let reader = {
            let mut master = master.try_clone()?;
            let output = Arc::clone(&output);
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || read_all(&mut master, &output, &stop))
        };
        Ok(Pty {
            master,
            child,
            output,
            stop,
            reader: Some(reader),
            home,
            status: None,
        })
    }

    /// The child's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The folder standing in for the child's home (config and state).
    pub fn home(&self) -> &Path {
        &self.home
    }

    /// Types bytes into the terminal, as a keyboard would send them.
    pub fn send(&mut self, bytes: &[u8]) {
        self.master
            .write_all(bytes)
            .and_then(|()| self.master.flush())
            .unwrap_or_else(|e| panic!("writing {} to the terminal: {e}", escaped(bytes)));
    }

    /// Changes the window size (the child gets SIGWINCH).
    pub fn resize(&mut self, cols: u16, rows: u16) {
        set_size(self.master.as_raw_fd(), cols, rows).expect("resize the terminal");
    }

    /// The terminal's modes (termios) as the child last set them: on Linux
    /// the master answers for the slave.
    pub fn modes(&self) -> libc::termios {
        // SAFETY: an all-zero termios is a valid value to overwrite.
        let mut modes: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: tcgetattr writes one termios through the pointer.
        check("tcgetattr", unsafe {
            libc::tcgetattr(self.master.as_raw_fd(), &mut modes)
        })
        .expect("read the terminal's modes");
        modes
    }

    /// Every byte the child has written so far.
    pub fn output(&self) -> Vec<u8> {
        self.output.lock().expect("output lock").clone()
    }

    /// How many bytes the child has written so far.
    pub fn len(&self) -> usize {
        self.output.lock().expect("output lock").len()
    }

    /// Polls until `ok` holds for everything written so far; returns
    /// whether it did within `timeout`.
    pub fn wait_until(&self, timeout: Duration, ok: impl Fn(&[u8]) -> bool) -> bool {
        let start = Instant::now();
        loop {
            if ok(&self.output.lock().expect("output lock")) {
                return true;
            }
            if start.elapsed() > timeout {
                return false;
            }
            std::thread::sleep(POLL);
        }
    }

    /// Like `wait_until`, but panics after `timeout` with `what` and the end
    /// of the output.
    pub fn wait_for(&self, what: &str, timeout: Duration, ok: impl Fn(&[u8]) -> bool) {
        if !self.wait_until(timeout, ok) {
            let output = self.output();
            let tail = &output[output.len().saturating_sub(2000)..];
            panic!(
                "timed out after {timeout:?} waiting for {what}; the last bytes were:\n{}",
                escaped(tail)
            );
        }
    }

    /// Waits until `needle` appears in what was written after byte `since`.
    pub fn wait_for_after(&self, since: usize, needle: &str, timeout: Duration) {
        let needle = needle.as_bytes();
        self.wait_for(&format!("{needle:?} after byte {since}"), timeout, |out| {
            out.get(since..)
                .is_some_and(|new| new.windows(needle.len()).any(|w| w == needle))
        });
    }

    /// Waits until the child writes something after byte `since` and then
    /// stays quiet for `quiet`; gives up silently after `timeout` (the caller
    /// checks what it needs next).
    pub fn settle(&self, since: usize, quiet: Duration, timeout: Duration) {
        let start = Instant::now();
        let mut last = self.len();
        let mut last_change = Instant::now();
        while start.elapsed() < timeout {
            std::thread::sleep(POLL);
            let now = self.len();
            if now != last {
                last = now;
                last_change = Instant::now();
            } else if now > since && last_change.elapsed() >= quiet {
                return;
            }
        }
    }

    /// Waits for the child to end; after `timeout` kills it and returns an
    /// error saying so. Every byte it wrote is in `output` afterwards.
    pub fn wait_exit(&mut self, timeout: Duration) -> Result<ExitStatus, String> {
        let start = Instant::now();
        let result = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break Ok(status),
                Ok(None) if start.elapsed() > timeout => {
                    let _ = self.child.kill();
                    let status = self.child.wait();
                    break Err(format!(
                        "still running after {timeout:?}; killed ({status:?})"
                    ));
                }
                Ok(None) => std::thread::sleep(POLL),
                Err(e) => break Err(format!("waiting for the child: {e}")),
            }
        };
        if let Ok(status) = result {
            self.status = Some(status);
        }
        self.finish_reading();
        result
    }

    /// Stops the reader once it has drained what the child left behind.
    fn finish_reading(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
    }
}

/// The Primary Device Attributes request, and the answer given to it (a
/// VT220-class terminal), as every terminal answers: qari asks who the
/// terminal is when its environment does not say.
const DEVICE_ATTRIBUTES: &[u8] = b"\x1b[c";
const DEVICE_ATTRIBUTES_ANSWER: &[u8] = b"\x1b[?62;22c";

/// Reads the master until the slave is closed everywhere (EIO on Linux), or
/// until `stop` is set and nothing more is waiting. Answers each Primary
/// Device Attributes request, as a terminal would.
fn read_all(master: &mut File, output: &Mutex<Vec<u8>>, stop: &AtomicBool) {
    let mut buf = [0u8; 16 * 1024];
    loop {
        let mut pollfd = libc::pollfd {
            fd: master.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        let ready = unsafe { libc::poll(&mut pollfd, 1, 20) };
        if ready == 0 {
            if stop.load(Ordering::SeqCst) {
                return;
            }
            continue;
        }
        if ready < 0 {
            if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return;
        }
        match master.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => {
                let requests = {
                    let mut output = output.lock().expect("output lock");
                    // A request may straddle two reads.
                    let from = output.len().saturating_sub(DEVICE_ATTRIBUTES.len() - 1);
                    output.extend_from_slice(&buf[..n]);
                    output[from..]
                        .windows(DEVICE_ATTRIBUTES.len())
                        .filter(|w| *w == DEVICE_ATTRIBUTES)
                        .count()
                };
                for _ in 0..requests {
                    let _ = master.write_all(DEVICE_ATTRIBUTES_ANSWER);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            // EIO: every slave descriptor is closed.
            Err(_) => return,
        }
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        if self.status.is_none() && matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        self.finish_reading();
        let _ = std::fs::remove_dir_all(&self.home);
    }
}
