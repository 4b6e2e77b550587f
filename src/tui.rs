//! The event loop: read input, update the state, draw when something
//! changed. Queued input is drained before drawing, so holding a key over a
//! slow link never leaves the screen behind.
//!
//! One loop serves every reader: [`drive`] takes its input from an
//! [`Input`] and draws to a [`Screen`] over any writer, and asks its
//! [`Host`] between turns whether to go on. [`run`] is the local reader:
//! crossterm's input from the terminal qari runs in, standard output, and
//! signals (quit, suspend, continued) checked at least every
//! [`SIGNAL_CHECK`]. `qari serve` drives the same loop over an SSH channel.

use std::io::{self, Write};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crossterm::event::{self, Event, KeyEventKind, MouseButton, MouseEventKind};
use ratatui::layout::Size;

use crate::app::App;
use crate::app::selection::Copied;
use crate::term::clipboard::{Copier, Outcome};
use crate::term::{self, Screen};

/// How often the loop wakes to check for a stop signal when idle.
const SIGNAL_CHECK: Duration = Duration::from_millis(200);
/// How often it wakes while background work is under way.
const BACKGROUND_CHECK: Duration = Duration::from_millis(5);
/// How often the open document's file is checked for changes.
const FILE_CHECK: Duration = Duration::from_secs(2);

/// Where a reader's input comes from.
pub trait Input {
    /// Whether an event is there to read, waiting up to `wait` for one.
    fn poll(&mut self, wait: Duration) -> io::Result<bool>;
    /// The next event (after `poll` said there is one).
    fn read(&mut self) -> io::Result<Event>;
}

/// What the loop asks, before each turn, of whoever owns the terminal.
pub trait Host<W: Write> {
    /// Whether to go on, and whether the whole screen must be drawn again.
    fn turn(&mut self, app: &mut App, screen: &mut Screen<W>) -> io::Result<Turn>;
}

/// What a [`Host`] says before a turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Turn {
    /// Go on.
    Go,
    /// Go on, drawing every cell again.
    Redraw,
    /// Stop.
    Stop,
}

/// The terminal qari runs in: crossterm reads its input.
struct Terminal;

impl Input for Terminal {
    fn poll(&mut self, wait: Duration) -> io::Result<bool> {
        event::poll(wait)
    }

    fn read(&mut self) -> io::Result<Event> {
        event::read()
    }
}

/// The local reader's host: stop signals, and suspending (Ctrl-z or
/// SIGTSTP) and coming back.
struct Local {
    signals: term::Signals,
}

impl Host<io::Stdout> for Local {
    fn turn(&mut self, app: &mut App, screen: &mut term::Tui) -> io::Result<Turn> {
        let signals = &self.signals;
        if signals.stop.load(Ordering::SeqCst) {
            return Ok(Turn::Stop);
        }
        let by_key = std::mem::take(&mut app.suspend);
        let by_signal = signals.suspend.swap(false, Ordering::SeqCst);
        if by_key || by_signal {
            let who = if by_key {
                term::Suspend::Job
            } else {
                term::Suspend::Process
            };
            term::suspend(screen, who, || {
                // A failure shows in the status bar once qari is back.
                let _ = app.save_state();
            })?;
            // The continue that ended this stop is dealt with.
            signals.continued.store(false, Ordering::SeqCst);
            return Ok(Turn::Redraw);
        }
        if signals.continued.swap(false, Ordering::SeqCst) {
            term::reset(screen)?;
            return Ok(Turn::Redraw);
        }
        Ok(Turn::Go)
    }
}

/// Runs the reader in the terminal qari runs in, until the person quits or
/// a stop signal arrives.
pub fn run(app: &mut App, setup: term::Setup, mut copier: Copier) -> io::Result<()> {
    let signals = term::signals()?;
    let (guard, mut terminal) = term::enter(setup)?;
    let mut host = Local { signals };
    drive(app, &mut terminal, &mut Terminal, &mut copier, &mut host)?;
    drop(guard);
    Ok(())
}

/// Runs the reader on `screen` with keys from `input` until the person
/// quits or `host` says stop.
pub fn drive<W: Write>(
    app: &mut App,
    screen: &mut Screen<W>,
    input: &mut dyn Input,
    copier: &mut Copier,
    host: &mut dyn Host<W>,
) -> io::Result<()> {
    let mut dirty = true;
    let mut file_checked = Instant::now();
    loop {
        if app.quit {
            break;
        }
        match host.turn(app, screen)? {
            Turn::Stop => break,
            Turn::Redraw => dirty = true,
            Turn::Go => {}
        }
        if dirty {
            let size = screen.size()?;
            if (size.width, size.height) != (app.area.width, app.area.height) {
                app.resize(size.width, size.height);
            }
            term::draw(screen, |frame| frame.render_widget(&*app, frame.area()))?;
            dirty = false;
        }
        // Text to copy goes out between frames, on the writer the frames
        // go to.
        if let Some(text) = app.take_copy() {
            let out = screen.backend_mut().inner_mut();
            if let Some((text, outcome)) = copier.copy(text, out) {
                app.copied(&text, &copied(&text, outcome));
            }
            dirty = true;
            continue;
        }
        if let Some((text, outcome)) = copier.poll() {
            app.copied(&text, &copied(&text, outcome));
            dirty = true;
            continue;
        }
        // While the filter thread works, wake often to show its answer.
        let wait = if app.pending() || copier.busy() {
            BACKGROUND_CHECK
        } else {
            SIGNAL_CHECK
        };
        if !input.poll(wait)? {
            dirty |= app.poll_background();
            dirty |= app.save_state_if_due();
            if file_checked.elapsed() >= FILE_CHECK {
                file_checked = Instant::now();
                dirty |= app.check_open_file();
            }
            continue;
        }
        loop {
            let event = input.read()?;
            if let Event::Resize(width, height) = event {
                // A terminal told, not asked, learns its size here.
                screen.backend_mut().tell_size(Size::new(width, height));
            }
            dirty |= handle(app, event);
            if app.quit || app.suspend || !input.poll(Duration::ZERO)? {
                break;
            }
        }
        dirty |= app.poll_background();
    }
    Ok(())
}

/// How a copy went, as the status bar says it.
fn copied(text: &str, outcome: Outcome) -> Copied {
    match outcome {
        Outcome::Sent { bytes, hint } if bytes >= text.len() => Copied::Whole { hint },
        Outcome::Sent { bytes, hint } => Copied::Cut { bytes, hint },
        Outcome::Failed(why) => Copied::Failed(why),
    }
}

/// Applies one input event; returns whether the screen changed.
fn handle(app: &mut App, event: Event) -> bool {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => app.handle_key(&key),
        Event::Resize(width, height) => {
            app.resize(width, height);
            true
        }
        Event::Mouse(mouse) => match mouse.kind {
            MouseEventKind::ScrollDown => {
                app.wheel(mouse.column, mouse.row, true);
                true
            }
            MouseEventKind::ScrollUp => {
                app.wheel(mouse.column, mouse.row, false);
                true
            }
            MouseEventKind::Down(MouseButton::Left) => {
                app.click(mouse.column, mouse.row);
                true
            }
            MouseEventKind::Drag(MouseButton::Left) => {
                app.drag(mouse.column, mouse.row);
                true
            }
            MouseEventKind::Up(MouseButton::Left) => {
                app.release(mouse.column, mouse.row);
                true
            }
            _ => false,
        },
        _ => false,
    }
}
