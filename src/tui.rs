//! The event loop: read input, update the state, draw when something
//! changed. Queued input is drained before drawing, so holding a key over a
//! slow link never leaves the screen behind. Signals reach it as flags
//! (quit, suspend, continued), checked at least every [`SIGNAL_CHECK`].

use std::io;
use std::sync::atomic::Ordering;
use std::time::Duration;

use crossterm::event::{self, Event, KeyEventKind, MouseButton, MouseEventKind};

use crate::app::App;
use crate::app::selection::Copied;
use crate::term;
use crate::term::clipboard::{Copier, Outcome};

/// How often the loop wakes to check for a stop signal when idle.
const SIGNAL_CHECK: Duration = Duration::from_millis(200);
/// How often it wakes while background work is under way.
const BACKGROUND_CHECK: Duration = Duration::from_millis(5);
/// How often the open document's file is checked for changes.
const FILE_CHECK: Duration = Duration::from_secs(2);

/// Runs the reader until the person quits or a stop signal arrives.
pub fn run(app: &mut App, setup: term::Setup, mut copier: Copier) -> io::Result<()> {
    let signals = term::signals()?;
    let (guard, mut terminal) = term::enter(setup)?;
    let mut dirty = true;
    let mut file_checked = std::time::Instant::now();
    loop {
        if signals.stop.load(Ordering::SeqCst) || app.quit {
            break;
        }
        let by_key = std::mem::take(&mut app.suspend);
        let by_signal = signals.suspend.swap(false, Ordering::SeqCst);
        if by_key || by_signal {
            let who = if by_key {
                term::Suspend::Job
            } else {
                term::Suspend::Process
            };
            term::suspend(&mut terminal, who, || {
                // A failure shows in the status bar once qari is back.
                let _ = app.save_state();
            })?;
            // The continue that ended this stop is dealt with.
            signals.continued.store(false, Ordering::SeqCst);
            dirty = true;
        } else if signals.continued.swap(false, Ordering::SeqCst) {
            term::reset(&mut terminal)?;
            dirty = true;
        }
        if dirty {
            let size = terminal.size()?;
            if (size.width, size.height) != (app.area.width, app.area.height) {
                app.resize(size.width, size.height);
            }
            term::draw(&mut terminal, |frame| {
                frame.render_widget(&*app, frame.area())
            })?;
            dirty = false;
        }
        // Text to copy goes out between frames, on the writer the frames
        // go to.
        if let Some(text) = app.take_copy() {
            let out = terminal.backend_mut().inner_mut();
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
        if !event::poll(wait)? {
            dirty |= app.poll_background();
            dirty |= app.save_state_if_due();
            if file_checked.elapsed() >= FILE_CHECK {
                file_checked = std::time::Instant::now();
                dirty |= app.check_open_file();
            }
            continue;
        }
        loop {
            dirty |= handle(app, event::read()?);
            if app.quit || app.suspend || !event::poll(Duration::ZERO)? {
                break;
            }
        }
        dirty |= app.poll_background();
    }
    drop(guard);
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
