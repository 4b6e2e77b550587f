//! One reader's session over SSH: its own qari (library shared, state its
//! own), driven by the same loop as the local reader, with keys parsed
//! from the bytes the client sends and frames written to the channel.

use std::cell::Cell;
use std::collections::VecDeque;
use std::io::{self, Write};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use crossterm::event::Event;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Size;

use crate::app::App;
use crate::library::Library;
use crate::settings::{Overrides, resolve};
use crate::state::Store;
use crate::term::clipboard::{self, Copier, Machine, Multiplexed};
use crate::term::detect::{self, Known, LocalSettings};
use crate::term::output::Output;
use crate::term::probe;
use crate::term::{self, Screen};
use crate::tui::{self, Host, Input, Turn};

/// What reaches a session from its client.
#[derive(Debug)]
pub enum Incoming {
    /// Bytes typed (keys, mouse reports, pasted text).
    Bytes(Vec<u8>),
    /// The client's terminal is now this many columns and rows.
    Resize(u16, u16),
    /// The client closed the channel.
    Closed,
}

/// Bytes waiting to be parsed into one event, at most (a longer run is no
/// key and is dropped).
const PENDING_MAX: usize = 256;

/// Turns the bytes a client sends into events: terminput's parser (the
/// escape-sequence parser crossterm uses on a tty, as a library), fed byte
/// by byte. An ESC is a key of its own when nothing follows it in the same
/// packet; a sequence cut between packets is completed by the next.
#[derive(Debug, Default)]
pub struct Keys {
    pending: Vec<u8>,
}

impl Keys {
    /// The events in `bytes`, given what came before.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Event> {
        let mut events = Vec::new();
        for (i, &byte) in bytes.iter().enumerate() {
            self.pending.push(byte);
            let more = i + 1 < bytes.len();
            if self.pending == [0x1b] && more {
                continue;
            }
            match terminput::Event::parse_from(&self.pending) {
                Ok(Some(event)) => {
                    if let Ok(event) = terminput_crossterm::to_crossterm(event) {
                        events.push(event);
                    }
                    self.pending.clear();
                }
                Ok(None) if self.pending.len() < PENDING_MAX => {}
                Ok(None) | Err(_) => self.pending.clear(),
            }
        }
        events
    }
}

/// A session's input: what its client sent, parsed.
struct Remote {
    incoming: Receiver<Incoming>,
    keys: Keys,
    events: VecDeque<Event>,
    closed: bool,
    /// When the person last sent anything.
    last: Rc<Cell<Instant>>,
}

impl Remote {
    fn take(&mut self, incoming: Incoming) {
        self.last.set(Instant::now());
        match incoming {
            Incoming::Bytes(bytes) => self.events.extend(self.keys.feed(&bytes)),
            Incoming::Resize(width, height) => self.events.push_back(Event::Resize(width, height)),
            Incoming::Closed => self.closed = true,
        }
    }
}

impl Input for Remote {
    fn poll(&mut self, wait: Duration) -> io::Result<bool> {
        if self.events.is_empty() && !self.closed {
            match self.incoming.recv_timeout(wait) {
                Ok(incoming) => self.take(incoming),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => self.closed = true,
            }
            while let Ok(incoming) = self.incoming.try_recv() {
                self.take(incoming);
            }
        }
        Ok(!self.events.is_empty() || self.closed)
    }

    fn read(&mut self) -> io::Result<Event> {
        self.events
            .pop_front()
            .ok_or_else(|| io::Error::new(io::ErrorKind::ConnectionAborted, "the client went away"))
    }
}

/// The most bytes of frames waiting for a client: one that stops reading
/// is disconnected when its frames reach this, not buffered for ever.
pub const OUTPUT_LIMIT: usize = 4 << 20;

/// Frames on their way to the client: written into a buffer, handed over
/// on flush to the task that sends them as the client's window allows.
pub struct Outgoing {
    buffer: Vec<u8>,
    send: tokio::sync::mpsc::UnboundedSender<Vec<u8>>,
    /// Bytes handed over and not sent yet (the sending task takes off what
    /// it sent).
    pub queued: Arc<AtomicUsize>,
}

impl Outgoing {
    /// Frames handed to `send`; `queued` counts what waits.
    pub fn new(
        send: tokio::sync::mpsc::UnboundedSender<Vec<u8>>,
        queued: Arc<AtomicUsize>,
    ) -> Outgoing {
        Outgoing {
            buffer: Vec::new(),
            send,
            queued,
        }
    }
}

impl Write for Outgoing {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if self.buffer.len() + bytes.len() > OUTPUT_LIMIT {
            return Err(io::Error::other("a frame larger than the output limit"));
        }
        self.buffer.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let waiting = self.queued.load(Ordering::SeqCst);
        if waiting + self.buffer.len() > OUTPUT_LIMIT {
            return Err(io::Error::new(
                io::ErrorKind::WouldBlock,
                "the client stopped reading",
            ));
        }
        let bytes = std::mem::take(&mut self.buffer);
        self.queued.fetch_add(bytes.len(), Ordering::SeqCst);
        self.send
            .send(bytes)
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the connection is closed"))
    }
}

/// A session's host: the server stopping, and the idle limit.
struct Served {
    stopping: Arc<AtomicBool>,
    idle: Duration,
    last: Rc<Cell<Instant>>,
    /// Why the session ended, when the host ended it.
    ended: Option<&'static str>,
    /// When memory this session's thread freed was last handed back.
    released: Instant,
}

/// How often a session hands back the memory its thread freed: the
/// allocator keeps freed pages of each thread for reuse, some megabytes a
/// session, which across many sessions is most of the server's memory.
const RELEASE_EVERY: Duration = Duration::from_secs(2);

impl<W: Write> Host<W> for Served {
    fn turn(&mut self, app: &mut App, _screen: &mut Screen<W>) -> io::Result<Turn> {
        // Ctrl-z: there is no shell here to go back to.
        app.suspend = false;
        if self.stopping.load(Ordering::SeqCst) {
            self.ended = Some("the server is stopping");
            return Ok(Turn::Stop);
        }
        if self.last.get().elapsed() >= self.idle {
            self.ended = Some("idle for too long");
            return Ok(Turn::Stop);
        }
        if self.released.elapsed() >= RELEASE_EVERY {
            self.released = Instant::now();
            crate::work::release_freed_memory();
        }
        Ok(Turn::Go)
    }
}

/// What a session starts from.
pub struct Start {
    /// The library, shared.
    pub library: Library,
    /// qari's configuration on the server.
    pub config: crate::config::Config,
    /// The client's terminal: `TERM` from its pty request, and the
    /// variables it sent that say more (`COLORTERM`, `TERM_PROGRAM`…).
    pub env: Vec<(String, String)>,
    /// Its size.
    pub size: (u16, u16),
    /// Where this reader's places and bookmarks are kept (`None`: nowhere).
    pub state: Option<std::path::PathBuf>,
    /// The server is stopping.
    pub stopping: Arc<AtomicBool>,
    /// How long a session may go without input.
    pub idle: Duration,
}

/// The settings a reader chose for the session, as the command line's
/// (`ssh -o SetEnv=QARI_BIDI=terminal`): `QARI_BIDI`, `QARI_SHAPE`,
/// `QARI_HARAKAT`, `QARI_THEME`, `QARI_LAYOUT` take the values of
/// `--bidi`, `--shape`, `--harakat`, `--theme`, `--layout`; others are
/// ignored.
pub fn overrides(var: &dyn Fn(&str) -> Option<String>) -> Overrides {
    fn pick<T: clap::ValueEnum>(value: Option<String>) -> Option<T> {
        T::from_str(value?.trim(), true).ok()
    }
    Overrides {
        bidi: pick(var("QARI_BIDI")),
        shape: pick(var("QARI_SHAPE")),
        harakat: pick(var("QARI_HARAKAT")),
        theme: pick(var("QARI_THEME")),
        layout: pick(var("QARI_LAYOUT")),
        ..Overrides::default()
    }
}

/// How long the client's terminal has to say which it is.
const IDENTIFY_TIMEOUT: Duration = Duration::from_millis(1000);

/// Asks the client's terminal which it is (XTVERSION and the device
/// attributes) and reads its answers from what the client sends, up to
/// [`IDENTIFY_TIMEOUT`]; what else arrives meanwhile goes to `early`
/// (bytes typed before the answers are dropped with them).
fn identify(
    out: &mut Outgoing,
    incoming: &Receiver<Incoming>,
    early: &mut Vec<Incoming>,
) -> Option<probe::Identity> {
    out.write_all(probe::IDENTIFY.as_bytes()).ok()?;
    out.flush().ok()?;
    let deadline = Instant::now() + IDENTIFY_TIMEOUT;
    let mut received = Vec::new();
    while !probe::parse_identity(&received).1 && received.len() < 4096 {
        let left = deadline.saturating_duration_since(Instant::now());
        match incoming.recv_timeout(left) {
            Ok(Incoming::Bytes(bytes)) => received.extend_from_slice(&bytes),
            Ok(other @ Incoming::Closed) => {
                early.push(other);
                break;
            }
            Ok(other) => early.push(other),
            Err(_) => break,
        }
    }
    Some(probe::parse_identity(&received).0)
}

/// Runs one reader until it quits, the client goes or the host ends it;
/// returns why it ended.
pub fn run(start: Start, incoming: Receiver<Incoming>, mut out: Outgoing) -> String {
    let var = |name: &str| {
        start
            .env
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let mut detection = detect::detect(var);
    // What the client's variables do not say, its terminal may: asked as
    // the local reader asks (Konsole, say, reorders by itself and must be
    // known to be).
    let mut early = Vec::new();
    if detection.terminal == Known::Unknown
        && detection.multiplexer.is_none()
        && let Some(identity) = identify(&mut out, &incoming, &mut early)
        && let Some((known, evidence)) = detect::from_identity(&identity)
    {
        detection = detect::for_terminal(known, evidence, None);
    }
    let detection = detect::with_local(detection, LocalSettings::default());
    let color = var("NO_COLOR").is_none_or(|v| v.is_empty());
    let settings = resolve(&overrides(&var), &start.config, detection, color);
    let mut app = settings.reader(start.library);
    let (store, warning) = Store::open(start.state);
    app.attach_store(
        Arc::new(std::sync::Mutex::new(store)),
        warning,
        settings.terminal_notes(),
    );
    let (width, height) = start.size;
    let setup = settings.setup(true, || height);
    // Copies go through the reader's terminal: nothing on the server can
    // reach the reader's clipboard.
    let detection = &settings.detection;
    let route = clipboard::route(
        None,
        detection.terminal,
        Multiplexed {
            tmux: detection.in_tmux(),
            screen: detection.multiplexer == Some("GNU screen"),
            tmux_clipboard: false,
            tmux_passthrough: false,
        },
        &Machine {
            ssh: true,
            tool: None,
        },
    );
    let mut copier = Copier::new(route);
    let last = Rc::new(Cell::new(Instant::now()));
    let mut input = Remote {
        incoming,
        keys: Keys::default(),
        events: VecDeque::new(),
        closed: false,
        last: Rc::clone(&last),
    };
    // What came while the terminal was asked and was not its answer (a
    // resize, the client closing).
    for incoming in early {
        input.take(incoming);
    }
    let mut host = Served {
        stopping: start.stopping,
        idle: start.idle,
        last,
        ended: None,
        released: Instant::now(),
    };
    let started = out
        .write_all(&term::start_sequence(&setup))
        .and_then(|()| out.flush());
    if let Err(e) = started {
        return e.to_string();
    }
    let backend = Output::told(
        CrosstermBackend::new(out),
        setup.adapt,
        Size::new(width, height),
    );
    let mut screen = match Terminal::new(backend) {
        Ok(screen) => screen,
        Err(e) => return e.to_string(),
    };
    let result = tui::drive(&mut app, &mut screen, &mut input, &mut copier, &mut host);
    let _ = app.save_state();
    let out = screen.backend_mut().inner_mut();
    let _ = out.write_all(&term::end_sequence(&setup));
    if let Some(why) = host.ended {
        let _ = write!(out, "qari: session closed: {why}\r\n");
    }
    let _ = out.flush();
    drop(screen);
    drop(app);
    crate::work::release_freed_memory();
    match (result, host.ended) {
        (Err(e), _) => e.to_string(),
        (Ok(()), Some(why)) => why.to_string(),
        (Ok(()), None) => "quit".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEventKind};

    fn keys(events: &[Event]) -> Vec<KeyCode> {
        events
            .iter()
            .filter_map(|e| match e {
                Event::Key(KeyEvent { code, .. }) => Some(*code),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn keys_arrive_as_events() {
        let mut parser = Keys::default();
        let events = parser.feed("jk/قارئ\r\x1b[A\x1bOB\x1b[5~\t\x7f".as_bytes());
        assert_eq!(
            keys(&events),
            [
                KeyCode::Char('j'),
                KeyCode::Char('k'),
                KeyCode::Char('/'),
                KeyCode::Char('ق'),
                KeyCode::Char('ا'),
                KeyCode::Char('ر'),
                KeyCode::Char('ئ'),
                KeyCode::Enter,
                KeyCode::Up,
                KeyCode::Down,
                KeyCode::PageUp,
                KeyCode::Tab,
                KeyCode::Backspace,
            ]
        );
        // Ctrl-c as a key, not a signal.
        let events = parser.feed(b"\x03");
        assert!(matches!(
            events[0],
            Event::Key(KeyEvent { code: KeyCode::Char('c'), modifiers, .. })
                if modifiers.contains(KeyModifiers::CONTROL)
        ));
    }

    #[test]
    fn escape_alone_and_sequences_cut_between_packets() {
        let mut parser = Keys::default();
        assert_eq!(keys(&parser.feed(b"\x1b")), [KeyCode::Esc]);
        assert!(parser.feed(b"\x1b[").is_empty());
        assert_eq!(keys(&parser.feed(b"B")), [KeyCode::Down]);
        // A mouse wheel report (SGR), cut in three.
        assert!(parser.feed(b"\x1b[<65;10").is_empty());
        assert!(parser.feed(b";5").is_empty());
        let events = parser.feed(b"M");
        assert!(matches!(
            events[0],
            Event::Mouse(m) if m.kind == MouseEventKind::ScrollDown && (m.column, m.row) == (9, 4)
        ));
    }

    #[test]
    fn garbage_is_dropped_and_parsing_goes_on() {
        let mut parser = Keys::default();
        let mut junk = b"\x1b[".to_vec();
        junk.extend(std::iter::repeat_n(b'9', 1000));
        parser.feed(&junk);
        assert!(parser.pending.len() < PENDING_MAX);
        // Whatever state that left, a little later keys are keys again.
        let events = parser.feed(b"x\x1bOAq");
        assert!(keys(&events).ends_with(&[KeyCode::Up, KeyCode::Char('q')]));
        let invalid = parser.feed(&[0xff, 0xfe, b'j']);
        assert!(keys(&invalid).contains(&KeyCode::Char('j')));
    }

    #[test]
    fn a_reader_sets_the_session_as_the_command_line_would() {
        use crate::config::{BidiSetting, HarakatSetting, ThemeName};
        let sent = [
            ("QARI_BIDI", "Terminal"),
            ("QARI_HARAKAT", "off"),
            ("QARI_THEME", "light"),
            ("QARI_SHAPE", "sideways"),
        ];
        let var = |name: &str| {
            sent.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        };
        let chosen = overrides(&var);
        assert_eq!(chosen.bidi, Some(BidiSetting::Terminal));
        assert_eq!(chosen.harakat, Some(HarakatSetting::Off));
        assert_eq!(chosen.theme, Some(ThemeName::Light));
        assert_eq!(chosen.shape, None, "a value it does not take is ignored");
        assert_eq!(chosen.layout, None);
    }

    #[test]
    fn the_clients_terminal_is_asked_which_it_is() {
        let (send, mut sent) = tokio::sync::mpsc::unbounded_channel();
        let mut out = Outgoing::new(send, Arc::new(AtomicUsize::new(0)));
        let (client, incoming) = std::sync::mpsc::sync_channel(8);
        // Konsole's answers, cut in two, a resize between them.
        client
            .send(Incoming::Bytes(b"\x1b[>1;115".to_vec()))
            .unwrap();
        client.send(Incoming::Resize(120, 40)).unwrap();
        client
            .send(Incoming::Bytes(b";0c\x1b[?62;22c".to_vec()))
            .unwrap();
        let mut early = Vec::new();
        let identity = identify(&mut out, &incoming, &mut early).expect("asked");
        assert_eq!(sent.try_recv().unwrap(), probe::IDENTIFY.as_bytes());
        let (known, _) = detect::from_identity(&identity).expect("known");
        assert_eq!(known, Known::Konsole);
        assert!(matches!(early[..], [Incoming::Resize(120, 40)]));
        // A terminal that answers nothing costs the timeout, no more.
        let (_client, incoming) = std::sync::mpsc::sync_channel::<Incoming>(8);
        let start = Instant::now();
        let identity = identify(&mut out, &incoming, &mut early).expect("asked");
        assert!(detect::from_identity(&identity).is_none());
        assert!(start.elapsed() < IDENTIFY_TIMEOUT * 3);
    }

    #[test]
    fn a_client_that_stops_reading_is_refused_more_frames() {
        let (send, _receive) = tokio::sync::mpsc::unbounded_channel();
        let queued = Arc::new(AtomicUsize::new(0));
        let mut out = Outgoing::new(send, Arc::clone(&queued));
        let frame = vec![b'x'; 1 << 20];
        for _ in 0..4 {
            out.write_all(&frame).unwrap();
            out.flush().unwrap();
        }
        out.write_all(&frame).unwrap();
        let error = out.flush().unwrap_err();
        assert_eq!(error.to_string(), "the client stopped reading");
        // What was sent is taken off: frames go again.
        queued.fetch_sub(2 << 20, Ordering::SeqCst);
        out.flush().unwrap();
    }
}
