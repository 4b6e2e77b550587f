//! The one owner of the terminal's lifecycle.
//!
//! On start: raw mode, the alternate screen, a hidden cursor, mouse reporting
//! (optional) and, when qari lays out right-to-left text itself, bidi
//! explicit mode (`CSI 8 l`, so GNOME Terminal/VTE does not reorder lines
//! qari already ordered — the terminal-wg "BiDi in Terminal Emulators"
//! recommendation). Inside tmux the mode is also sent through tmux's
//! passthrough to the outer terminal, which tmux does not otherwise tell. Everything is undone, in reverse, on
//! a normal exit, from a `Drop` guard, from a chained panic hook (the panic
//! message prints after the terminal is back), and after SIGTERM, SIGHUP or
//! SIGINT (the event loop checks the flag these set), and when the terminal
//! hangs up without a signal getting through.

pub mod detect;
pub mod probe;

use std::io::{self, Stdout, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::cursor::{Hide, Show};
use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::terminal::{
    BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen,
    disable_raw_mode, enable_raw_mode,
};
use crossterm::{execute, queue};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

/// ECMA-48 BDSM: explicit bidi mode (the terminal must not reorder).
const BIDI_EXPLICIT: &str = "\x1b[8l";
/// ECMA-48 BDSM: back to the terminal's implicit bidi mode.
const BIDI_IMPLICIT: &str = "\x1b[8h";
/// The same, wrapped for tmux to pass to the outer terminal (tmux drops it
/// unless `allow-passthrough` is on).
const TMUX_BIDI_EXPLICIT: &str = "\x1bPtmux;\x1b\x1b[8l\x1b\\";
const TMUX_BIDI_IMPLICIT: &str = "\x1bPtmux;\x1b\x1b[8h\x1b\\";

/// Whether the terminal is in qari's modes now (so restoring twice is harmless).
static ACTIVE: AtomicBool = AtomicBool::new(false);
/// Whether mouse reporting was turned on.
static MOUSE: AtomicBool = AtomicBool::new(false);
/// Whether explicit bidi mode was asked for (and how: inside tmux too).
static EXPLICIT: AtomicBool = AtomicBool::new(false);
static TMUX: AtomicBool = AtomicBool::new(false);

/// What to turn on besides raw mode and the alternate screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setup {
    /// Mouse reporting (the wheel scrolls).
    pub mouse: bool,
    /// Bidi explicit mode: qari sends lines already in visual order.
    pub explicit_bidi: bool,
    /// Inside tmux: send the bidi mode to the outer terminal as well.
    pub tmux: bool,
}

/// The terminal qari draws on.
pub type Tui = Terminal<CrosstermBackend<Stdout>>;

/// Restores the terminal when dropped.
#[derive(Debug)]
pub struct Guard(());

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// Puts the terminal into qari's modes.
pub fn enter(setup: Setup) -> io::Result<(Guard, Tui)> {
    install_panic_hook();
    watch_for_hang_up();
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    MOUSE.store(setup.mouse, Ordering::SeqCst);
    EXPLICIT.store(setup.explicit_bidi, Ordering::SeqCst);
    TMUX.store(setup.tmux, Ordering::SeqCst);
    let guard = Guard(());
    let mut out = io::stdout();
    execute!(out, EnterAlternateScreen, Hide)?;
    if setup.explicit_bidi {
        out.write_all(BIDI_EXPLICIT.as_bytes())?;
        if setup.tmux {
            out.write_all(TMUX_BIDI_EXPLICIT.as_bytes())?;
        }
    }
    if setup.mouse {
        execute!(out, EnableMouseCapture)?;
    }
    out.flush()?;
    let terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    Ok((guard, terminal))
}

/// Undoes everything `enter` did. Errors are ignored: after a hang-up there
/// may be no terminal left to write to.
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut out = io::stdout();
    if MOUSE.load(Ordering::SeqCst) {
        let _ = queue!(out, DisableMouseCapture);
    }
    if EXPLICIT.load(Ordering::SeqCst) {
        let _ = out.write_all(BIDI_IMPLICIT.as_bytes());
        if TMUX.load(Ordering::SeqCst) {
            let _ = out.write_all(TMUX_BIDI_IMPLICIT.as_bytes());
        }
    }
    let _ = queue!(out, Show, LeaveAlternateScreen);
    let _ = out.flush();
    let _ = disable_raw_mode();
}

/// Chains a panic hook that restores the terminal before the previous hook
/// prints the panic message.
fn install_panic_hook() {
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}

/// Whether the terminal has hung up (its pseudo-terminal closed, as when a
/// tmux server or an SSH session is killed).
pub fn hung_up() -> bool {
    use std::os::fd::AsRawFd;
    // Standard output is the terminal (checked before starting); a hang-up
    // shows on it as POLLHUP or POLLERR whatever the input is.
    let mut pollfd = libc::pollfd {
        fd: io::stdout().as_raw_fd(),
        events: 0,
        revents: 0,
    };
    // SAFETY: one valid pollfd, a zero timeout; poll only writes `revents`.
    let ready = unsafe { libc::poll(&mut pollfd, 1, 0) };
    ready > 0 && pollfd.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
}

/// What to do after the terminal is restored on a hang-up, before the
/// process ends (save the reading positions).
static ON_HANG_UP: std::sync::OnceLock<Box<dyn Fn() + Send + Sync>> = std::sync::OnceLock::new();

/// Sets what runs when the terminal hangs up, after it is restored and
/// before qari exits. Only the first call counts.
pub fn on_hang_up(hook: Box<dyn Fn() + Send + Sync>) {
    let _ = ON_HANG_UP.set(hook);
}

/// Watches for a hang-up from a thread of its own and ends the process when
/// it comes. After a hang-up every read of the terminal returns end-of-file,
/// and crossterm's event reader loops on that without returning, so the
/// event loop would never see the SIGHUP flag.
fn watch_for_hang_up() {
    static STARTED: AtomicBool = AtomicBool::new(false);
    if STARTED.swap(true, Ordering::SeqCst) {
        return;
    }
    let spawned = std::thread::Builder::new()
        .name("hang-up watch".into())
        .spawn(|| {
            loop {
                std::thread::sleep(std::time::Duration::from_millis(100));
                if !ACTIVE.load(Ordering::SeqCst) {
                    continue;
                }
                if hung_up() {
                    restore();
                    if let Some(hook) = ON_HANG_UP.get() {
                        hook();
                    }
                    // 128 + SIGHUP, as a shell reports a hang-up.
                    std::process::exit(129);
                }
            }
        });
    // Without the thread a hang-up still ends qari when a SIGHUP arrives.
    drop(spawned);
}

/// A flag set by SIGTERM, SIGHUP or SIGINT.
pub fn stop_signals() -> io::Result<Arc<AtomicBool>> {
    let flag = Arc::new(AtomicBool::new(false));
    for signal in [
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGINT,
    ] {
        signal_hook::flag::register(signal, Arc::clone(&flag))?;
    }
    Ok(flag)
}

/// Draws one frame inside a synchronized update, so the terminal shows it
/// whole or not at all.
pub fn draw<F>(terminal: &mut Tui, render: F) -> io::Result<()>
where
    F: FnOnce(&mut ratatui::Frame<'_>),
{
    execute!(terminal.backend_mut(), BeginSynchronizedUpdate)?;
    let drawn = terminal.draw(render).map(|_| ());
    execute!(terminal.backend_mut(), EndSynchronizedUpdate)?;
    drawn
}
