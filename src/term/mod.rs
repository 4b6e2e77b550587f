//! The one owner of the terminal's lifecycle.
//!
//! On start: raw mode, then, when qari lays out right-to-left text itself,
//! bidi explicit mode (`CSI 8 l`, so GNOME Terminal/VTE does not reorder
//! lines qari already ordered — the terminal-wg "BiDi in Terminal
//! Emulators" recommendation), then the alternate screen (in that order:
//! see [`start_sequence`]), a hidden cursor and mouse reporting (optional).
//! Inside tmux the mode is also sent through tmux's passthrough to every
//! row of the outer terminal, which tmux does not otherwise tell.
//! Everything is undone, in reverse, on a normal exit, from a `Drop` guard, from a chained panic hook (the panic
//! message prints after the terminal is back), and after SIGTERM, SIGHUP or
//! SIGINT (the event loop checks the flag these set), and when the terminal
//! hangs up without a signal getting through.
//!
//! Suspending (Ctrl-z, or SIGTSTP from outside) undoes it the same way,
//! stops the process, and once the shell continues it sets everything up
//! again as on start and has the next frame repaint every cell.

pub mod clipboard;
pub mod detect;
pub mod local;
pub mod output;
pub mod probe;

use std::io::{self, Stdout, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{
    BeginSynchronizedUpdate, EndSynchronizedUpdate, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;

/// ECMA-48 BDSM: explicit bidi mode (the terminal must not reorder).
const BIDI_EXPLICIT: &str = "\x1b[8l";
/// ECMA-48 BDSM: back to the terminal's implicit bidi mode.
const BIDI_IMPLICIT: &str = "\x1b[8h";
/// mlterm's complex text layout (bidi and shaping) off, and back on (its
/// default).
const MLTERM_LAYOUT_OFF: &str = "\x1b]5379;use_ctl=false\x07";
const MLTERM_LAYOUT_ON: &str = "\x1b]5379;use_ctl=true\x07";
/// The alternate screen (xterm's 1049: saves the cursor, clears the screen).
const ALTERNATE_SCREEN: &str = "\x1b[?1049h";
/// Back to the main screen.
const MAIN_SCREEN: &str = "\x1b[?1049l";
/// The cursor hidden and shown.
const HIDE_CURSOR: &str = "\x1b[?25l";
const SHOW_CURSOR: &str = "\x1b[?25h";
/// How many rows of the terminal around tmux are switched when tmux cannot
/// say (moving the cursor past the last row leaves it on the last row).
const TMUX_ROWS_FALLBACK: u16 = 200;

/// Whether the terminal is in qari's modes now (so restoring twice is harmless).
static ACTIVE: AtomicBool = AtomicBool::new(false);
/// What `enter` turned on, for `restore` (which may run from a signal's
/// aftermath, the hang-up watch or a panic hook, without the `Setup`).
static SETUP: std::sync::Mutex<Option<Setup>> = std::sync::Mutex::new(None);

/// What to turn on besides raw mode and the alternate screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setup {
    /// Mouse reporting (the wheel scrolls).
    pub mouse: bool,
    /// Bidi explicit mode: qari sends lines already in visual order.
    pub explicit_bidi: bool,
    /// mlterm: its own bidi and shaping are turned off for the session
    /// (its configuration sequence, OSC 5379), so qari's visual order shows
    /// as sent. mlterm ignores `CSI 8 l`.
    pub mlterm_layout_off: bool,
    /// How cells are adapted to the terminal on their way out.
    pub adapt: output::Adapt,
    /// Inside tmux, the rows of the terminal tmux draws on: the bidi mode
    /// is sent there as well, through tmux's passthrough (`None`: not in
    /// tmux, or nothing to send).
    pub tmux_rows: Option<u16>,
}

/// The bytes that put the terminal into qari's modes, in the order they
/// must go.
///
/// Explicit bidi mode comes before the alternate screen: VTE (GNOME
/// Terminal and the like) gives each row the bidi mode in force when the
/// row is made, and `CSI ? 1049 h` makes the alternate screen's rows as it
/// clears them. Sent after it, `CSI 8 l` would reach only the cursor's row,
/// and every other row would be reordered a second time. Rows made later
/// (a resize, ratatui's `CSI 2 J` clear) take the mode in force, which
/// stays explicit until qari leaves.
pub fn start_sequence(setup: &Setup) -> Vec<u8> {
    let mut out = Vec::new();
    if setup.explicit_bidi {
        out.extend_from_slice(BIDI_EXPLICIT.as_bytes());
        if let Some(rows) = setup.tmux_rows {
            out.extend_from_slice(&tmux_rows_mode(BIDI_EXPLICIT, rows));
        }
    }
    if setup.mlterm_layout_off {
        out.extend_from_slice(MLTERM_LAYOUT_OFF.as_bytes());
        if setup.tmux_rows.is_some() {
            out.extend_from_slice(&tmux_passthrough(MLTERM_LAYOUT_OFF));
        }
    }
    out.extend_from_slice(ALTERNATE_SCREEN.as_bytes());
    out.extend_from_slice(HIDE_CURSOR.as_bytes());
    if setup.mouse {
        let mut mouse = String::new();
        let _ = crossterm::Command::write_ansi(&EnableMouseCapture, &mut mouse);
        out.extend_from_slice(mouse.as_bytes());
    }
    out
}

/// The bytes that undo [`start_sequence`], in reverse order: implicit
/// bidi mode (the terminal's default) comes back after the main screen,
/// whose rows were made before qari started and keep their own mode.
pub fn end_sequence(setup: &Setup) -> Vec<u8> {
    let mut out = Vec::new();
    if setup.mouse {
        let mut mouse = String::new();
        let _ = crossterm::Command::write_ansi(&DisableMouseCapture, &mut mouse);
        out.extend_from_slice(mouse.as_bytes());
    }
    out.extend_from_slice(SHOW_CURSOR.as_bytes());
    out.extend_from_slice(MAIN_SCREEN.as_bytes());
    if setup.mlterm_layout_off {
        out.extend_from_slice(MLTERM_LAYOUT_ON.as_bytes());
        if setup.tmux_rows.is_some() {
            out.extend_from_slice(&tmux_passthrough(MLTERM_LAYOUT_ON));
        }
    }
    if setup.explicit_bidi {
        out.extend_from_slice(BIDI_IMPLICIT.as_bytes());
        if let Some(rows) = setup.tmux_rows {
            out.extend_from_slice(&tmux_rows_mode(BIDI_IMPLICIT, rows));
        }
    }
    out
}

/// A bidi mode for every row of the terminal tmux draws on, wrapped for
/// tmux's passthrough (which tmux drops unless `allow-passthrough` is on).
///
/// The rows there were made when tmux started, in the mode of that time;
/// VTE sets an existing row's mode when BDSM arrives with the cursor at the
/// row's first column. So the cursor visits the first column of each row
/// and comes back (DECSC/DECRC) to where tmux left it.
fn tmux_rows_mode(mode: &str, rows: u16) -> Vec<u8> {
    let mut inner = String::from("\x1b7");
    inner.push_str(mode);
    for row in 1..=rows.max(1) {
        inner.push_str(&format!("\x1b[{row}H{mode}"));
    }
    inner.push_str("\x1b8");
    tmux_passthrough(&inner)
}

/// `sequence` wrapped for tmux to pass to the terminal it draws on: every
/// ESC inside is doubled.
fn tmux_passthrough(sequence: &str) -> Vec<u8> {
    let mut out = b"\x1bPtmux;".to_vec();
    for b in sequence.bytes() {
        if b == 0x1b {
            out.push(0x1b);
        }
        out.push(b);
    }
    out.extend_from_slice(b"\x1b\\");
    out
}

/// The rows of the terminal tmux draws on, as tmux tells them (the tallest
/// client attached to this session), or a number that covers any screen.
pub fn tmux_outer_rows() -> u16 {
    let asked = std::process::Command::new("tmux")
        .args(["display-message", "-p", "#{client_height}"])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output();
    asked
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .trim()
                .parse::<u16>()
                .ok()
        })
        .filter(|&rows| rows > 0)
        .unwrap_or(TMUX_ROWS_FALLBACK)
}

/// A terminal qari draws on, through writer `W`.
pub type Screen<W> = Terminal<output::Output<CrosstermBackend<W>>>;

/// The terminal qari runs in.
pub type Tui = Screen<Stdout>;

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
    if let Ok(mut saved) = SETUP.lock() {
        *saved = Some(setup);
    }
    // From here on, a failure restores whatever was turned on.
    let guard = Guard(());
    set_up()?;
    let backend = output::Output::new(CrosstermBackend::new(io::stdout()), setup.adapt);
    let terminal = Terminal::new(backend)?;
    Ok((guard, terminal))
}

/// What `enter` was asked to turn on. A panic while the lock was held
/// still gives it: it is plain data.
fn saved_setup() -> Option<Setup> {
    match SETUP.lock() {
        Ok(saved) => *saved,
        Err(poisoned) => *poisoned.into_inner(),
    }
}

/// Raw mode, then [`start_sequence`] for the saved setup: the one way into
/// qari's modes, on start and after a stop.
fn set_up() -> io::Result<()> {
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    if let Some(setup) = saved_setup() {
        let mut out = io::stdout();
        out.write_all(&start_sequence(&setup))?;
        out.flush()?;
    }
    Ok(())
}

/// Undoes everything `enter` did. Errors are ignored: after a hang-up there
/// may be no terminal left to write to.
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    if let Some(setup) = saved_setup() {
        let mut out = io::stdout();
        let _ = out.write_all(&end_sequence(&setup));
        let _ = out.flush();
    }
    let _ = disable_raw_mode();
}

/// Who stops when qari suspends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suspend {
    /// The whole job (qari's process group), as the terminal's suspend
    /// character stops it. In raw mode Ctrl-z reaches qari as a key, not as
    /// a signal to the group; a script that started qari and waits for it
    /// must stop too, or the shell never sees the job stopped and gives no
    /// prompt back.
    Job,
    /// qari alone: SIGTSTP was sent to it, and to it only.
    Process,
}

/// Suspends qari as less and vim do: gives the terminal back exactly as on
/// quit, runs `before_stop` (saving the reading state: a stopped job may
/// never be continued), stops, and once continued sets the terminal up
/// again as on start and erases it, so the next frame repaints every cell.
///
/// Where no shell does job control (qari started by a terminal emulator or
/// as a tmux pane's command, in a process group the kernel calls orphaned)
/// nothing could continue qari, so the kernel discards the stop and qari
/// comes straight back.
pub fn suspend(terminal: &mut Tui, who: Suspend, before_stop: impl FnOnce()) -> io::Result<()> {
    restore();
    before_stop();
    stop(who);
    set_up()?;
    repaint_everything(terminal)
}

/// Sets the terminal up again after a stop qari did not ask for (SIGSTOP):
/// the shell may have changed its modes meanwhile, so everything is undone
/// and done again as on start, and the next frame repaints every cell.
pub fn reset(terminal: &mut Tui) -> io::Result<()> {
    restore();
    set_up()?;
    repaint_everything(terminal)
}

/// Erases the screen and forgets the last frame, so the next one sends
/// every cell. A resize to the terminal's size now (which may have changed
/// while qari was stopped) does that; ratatui's `Terminal::clear` would ask
/// the terminal where its cursor is first (`CSI 6n`), a round trip qari
/// never makes.
fn repaint_everything(terminal: &mut Tui) -> io::Result<()> {
    let size = terminal.size()?;
    terminal.resize(Rect::new(0, 0, size.width, size.height))
}

/// Stops the process with SIGTSTP under its default action, and returns
/// once it is continued.
///
/// SIGTSTP, not SIGSTOP (which cannot be refused): in an orphaned process
/// group the kernel discards SIGTSTP, because no shell is there to continue
/// the process, while SIGSTOP would leave qari stopped for good on a
/// terminal nobody can get back. The handler that turns SIGTSTP into a flag
/// (see [`signals`]) is set aside for the signal sent here and put back
/// after.
///
/// Called from the main thread, as the event loop is: the kernel hands a
/// signal sent to the process or its group to the main thread first, and
/// acts on it before `kill` returns, so the process is stopped (or the stop
/// was discarded) by the time this goes on.
fn stop(who: Suspend) {
    // SAFETY: sigaction with a zeroed action (no flags, an empty mask,
    // SIG_DFL) and a valid pointer for the previous one, which is put back
    // unchanged; kill has no memory preconditions.
    unsafe {
        let mut default: libc::sigaction = std::mem::zeroed();
        default.sa_sigaction = libc::SIG_DFL;
        let mut handler: libc::sigaction = std::mem::zeroed();
        if libc::sigaction(libc::SIGTSTP, &default, &mut handler) != 0 {
            return;
        }
        let to = match who {
            Suspend::Job => 0,
            Suspend::Process => libc::getpid(),
        };
        libc::kill(to, libc::SIGTSTP);
        libc::sigaction(libc::SIGTSTP, &handler, std::ptr::null_mut());
    }
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

/// The flags set by the signals qari handles. A handler sets its flag and
/// does nothing else (little more is safe inside a signal handler); the
/// event loop acts on the flags.
#[derive(Debug)]
pub struct Signals {
    /// SIGTERM, SIGHUP or SIGINT: restore the terminal and quit.
    pub stop: Arc<AtomicBool>,
    /// SIGTSTP, from outside (in raw mode the terminal sends none): suspend.
    pub suspend: Arc<AtomicBool>,
    /// SIGCONT: the process was continued after a stop.
    pub continued: Arc<AtomicBool>,
}

/// Installs the handlers behind [`Signals`].
pub fn signals() -> io::Result<Signals> {
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGINT,
    ] {
        signal_hook::flag::register(signal, Arc::clone(&stop))?;
    }
    let suspend = Arc::new(AtomicBool::new(false));
    signal_hook::flag::register(signal_hook::consts::SIGTSTP, Arc::clone(&suspend))?;
    let continued = Arc::new(AtomicBool::new(false));
    signal_hook::flag::register(signal_hook::consts::SIGCONT, Arc::clone(&continued))?;
    Ok(Signals {
        stop,
        suspend,
        continued,
    })
}

/// Draws one frame inside a synchronized update, so the terminal shows it
/// whole or not at all.
pub fn draw<W, F>(terminal: &mut Screen<W>, render: F) -> io::Result<()>
where
    W: Write,
    F: FnOnce(&mut ratatui::Frame<'_>),
{
    execute!(terminal.backend_mut().inner_mut(), BeginSynchronizedUpdate)?;
    let drawn = terminal.draw(render).map(|_| ());
    execute!(terminal.backend_mut().inner_mut(), EndSynchronizedUpdate)?;
    drawn
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(bytes: &[u8], needle: &str) -> Option<usize> {
        bytes
            .windows(needle.len())
            .position(|w| w == needle.as_bytes())
    }

    #[test]
    fn explicit_mode_comes_before_the_alternate_screen_and_implicit_after_it() {
        let setup = Setup {
            mouse: true,
            explicit_bidi: true,
            mlterm_layout_off: false,
            adapt: output::Adapt::default(),
            tmux_rows: None,
        };
        let start = start_sequence(&setup);
        let explicit = at(&start, "\x1b[8l").expect("CSI 8 l sent");
        let alternate = at(&start, "\x1b[?1049h").expect("alternate screen");
        assert!(explicit < alternate, "{}", start.escape_ascii());
        let end = end_sequence(&setup);
        let main = at(&end, "\x1b[?1049l").expect("main screen");
        let implicit = at(&end, "\x1b[8h").expect("CSI 8 h sent");
        assert!(main < implicit, "{}", end.escape_ascii());
        // Mouse reporting is on after start and off before the end.
        assert!(at(&start, "\x1b[?1000h").is_some());
        assert!(at(&end, "\x1b[?1000l").is_some());
        assert_eq!(at(&start, "5379"), None);
    }

    #[test]
    fn mlterm_has_its_layout_turned_off_and_back_on() {
        let setup = Setup {
            mouse: false,
            explicit_bidi: true,
            mlterm_layout_off: true,
            adapt: output::Adapt::default(),
            tmux_rows: None,
        };
        let start = start_sequence(&setup);
        let off = at(&start, "\x1b]5379;use_ctl=false\x07").expect("layout off");
        assert!(off < at(&start, "\x1b[?1049h").expect("alternate screen"));
        let end = end_sequence(&setup);
        let on = at(&end, "\x1b]5379;use_ctl=true\x07").expect("layout back on");
        assert!(on > at(&end, "\x1b[?1049l").expect("main screen"));
    }

    #[test]
    fn terminal_mode_sends_no_bidi_mode() {
        let setup = Setup {
            mouse: false,
            explicit_bidi: false,
            mlterm_layout_off: false,
            adapt: output::Adapt::default(),
            tmux_rows: Some(24),
        };
        for bytes in [start_sequence(&setup), end_sequence(&setup)] {
            assert_eq!(at(&bytes, "[8l"), None);
            assert_eq!(at(&bytes, "[8h"), None);
            assert_eq!(at(&bytes, "Ptmux;"), None);
            assert_eq!(at(&bytes, "[?1000"), None);
        }
    }

    #[test]
    fn inside_tmux_every_outer_row_gets_the_mode_through_passthrough() {
        let setup = Setup {
            mouse: false,
            explicit_bidi: true,
            mlterm_layout_off: false,
            adapt: output::Adapt::default(),
            tmux_rows: Some(3),
        };
        let start = start_sequence(&setup);
        let wrapped = at(&start, "\x1bPtmux;").expect("passthrough");
        assert!(wrapped < at(&start, "\x1b[?1049h").expect("alternate screen"));
        // ESC doubled inside; the cursor saved, each row's first column
        // visited, the cursor restored.
        let st = wrapped + at(&start[wrapped..], "\x1b\\").expect("string terminator");
        let inner = &start[wrapped..st];
        for row in [
            "\x1b\x1b[1H\x1b\x1b[8l",
            "\x1b\x1b[2H\x1b\x1b[8l",
            "\x1b\x1b[3H\x1b\x1b[8l",
        ] {
            assert!(at(inner, row).is_some(), "{}", inner.escape_ascii());
        }
        assert!(at(inner, "\x1b\x1b7").is_some() && at(inner, "\x1b\x1b8").is_some());
        assert_eq!(at(inner, "[4H"), None);
        // Nothing but the passthrough comes before the alternate screen.
        assert_eq!(&start[st..st + 2], b"\x1b\\");
        assert_eq!(at(&start[st + 2..], "\x1b[?1049h"), Some(0));
        let end = end_sequence(&setup);
        let back = at(&end, "\x1bPtmux;").expect("passthrough on the way out");
        assert!(at(&end[back..], "\x1b\x1b[2H\x1b\x1b[8h").is_some());
    }
}
