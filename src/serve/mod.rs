//! `qari serve`: the library over SSH. The program is the SSH server
//! (russh): `ssh -p 2222 host` and the reader is there, with nothing but
//! the reader: no shell, no commands, no forwarding, no files beyond the
//! served paths.
//!
//! The library is scanned once and shared; each session is its own qari on
//! its own thread ([`session`]), driven by the same event loop as the
//! local reader, its terminal told by the client's pty request.
//!
//! Limits on what a client can make the server hold: connections (twice
//! the sessions, and 32 not logged in yet; the rest are turned away before
//! the handshake), sessions,
//! one session channel per connection, the time to say hello (10 s) and to
//! log in (30 s), failed logins per address ([`limits`]), idle time, bytes
//! of frames waiting for a client ([`session::OUTPUT_LIMIT`]) and of input
//! waiting for a session, and the few variables a client may set.

pub mod keys;
pub mod limits;
pub mod session;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use russh::keys::PublicKey;
use russh::server::{Auth, Msg, PublicKeyOffer, Session, VerifiedPublicKey};
use russh::{Channel, ChannelId, ChannelMsg, ChannelWriteHalf, MethodKind, MethodSet};

use crate::config::Config;
use crate::library::{Library, Origin};
use crate::text::sanitize::{ITEM_MAX, quote};
use session::{Incoming, Outgoing};

/// Who may read.
#[derive(Debug, Clone)]
pub enum Access {
    /// The keys of an `authorized_keys` file.
    Keys(Vec<PublicKey>),
    /// Anyone who can connect, without logging in (no state is kept).
    Anonymous,
}

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where it listens.
    pub listen: SocketAddr,
    /// Who may read.
    pub access: Access,
    /// Sessions at once, at most.
    pub max_sessions: usize,
    /// How long a session may go without input.
    pub idle: Duration,
    /// Where each reader's places and bookmarks are kept, by key.
    pub state_dir: Option<PathBuf>,
}

/// Connections not logged in yet, at most: more are turned away at once
/// (sessions already running are not affected).
const HANDSHAKES: usize = 32;
/// How long a client has to say hello, and to log in and start a reader.
const HELLO_TIME: Duration = Duration::from_secs(10);
const LOGIN_TIME: Duration = Duration::from_secs(30);
/// How long a frame may wait for a client that takes nothing before the
/// connection is dropped.
const WRITE_STALL: Duration = Duration::from_secs(30);
/// Packets of input waiting for a session, at most (more are dropped): a
/// packet is at most 32 KB, so 4 MB.
const INPUT_QUEUE: usize = 128;
/// The variables a client may set, and how long they may be.
const ENV_NAMES: &[&str] = &[
    "COLORTERM",
    "TERM_PROGRAM",
    "TERM_PROGRAM_VERSION",
    "VTE_VERSION",
    "KONSOLE_VERSION",
    "KITTY_WINDOW_ID",
    "WT_SESSION",
    "NO_COLOR",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "QARI_BIDI",
    "QARI_SHAPE",
    "QARI_HARAKAT",
    "QARI_THEME",
    "QARI_LAYOUT",
];
const ENV_VALUE_MAX: usize = 256;
/// The largest terminal a client may say it has.
const SIZE_MAX: u32 = 1000;

/// What every connection shares.
struct Shared {
    library: Library,
    config: Config,
    options: Options,
    sessions: AtomicUsize,
    stopping: Arc<AtomicBool>,
    failures: Mutex<limits::Failures>,
}

/// Writes a line to the log (standard error), its parts already safe.
fn log(line: &str) {
    eprintln!("qari serve: {line}");
}

/// Only the documents whose files lie inside the served paths (a symlink
/// out of them is not followed).
pub fn confine(library: &mut Library, roots: &[PathBuf]) -> usize {
    let roots: Vec<PathBuf> = roots
        .iter()
        .filter_map(|r| std::fs::canonicalize(r).ok())
        .collect();
    let before = library.documents.len();
    Arc::make_mut(&mut library.documents).retain(|d| match &d.origin {
        Origin::File(path) => std::fs::canonicalize(path)
            .is_ok_and(|real| roots.iter().any(|root| real.starts_with(root))),
        _ => true,
    });
    before - library.documents.len()
}

/// Serves `library` until SIGINT or SIGTERM.
pub fn run(
    library: Library,
    config: Config,
    host_key: russh::keys::PrivateKey,
    options: Options,
) -> Result<(), String> {
    let stopping = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&stopping))
            .map_err(|e| format!("cannot watch for signals: {e}"))?;
    }
    let methods = match options.access {
        Access::Anonymous => MethodSet::from(&[MethodKind::None][..]),
        Access::Keys(_) => MethodSet::from(&[MethodKind::PublicKey][..]),
    };
    let ssh = Arc::new(russh::server::Config {
        methods,
        auth_rejection_time: Duration::from_secs(1),
        auth_rejection_time_initial: Some(Duration::ZERO),
        keys: vec![host_key],
        max_auth_attempts: 6,
        inactivity_timeout: Some(options.idle + Duration::from_secs(60)),
        keepalive_interval: Some(Duration::from_secs(30)),
        keepalive_max: 3,
        ..Default::default()
    });
    let listen = options.listen;
    let shared = Arc::new(Shared {
        library,
        config,
        options,
        sessions: AtomicUsize::new(0),
        stopping: Arc::clone(&stopping),
        failures: Mutex::new(limits::Failures::default()),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start: {e}"))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        log(&format!(
            "listening on {}",
            listener.local_addr().unwrap_or(listen)
        ));
        let connections = Arc::new(tokio::sync::Semaphore::new(
            shared.options.max_sessions * 2 + HANDSHAKES,
        ));
        let handshakes = Arc::new(tokio::sync::Semaphore::new(HANDSHAKES));
        let mut tick = tokio::time::interval(Duration::from_millis(200));
        loop {
            let accepted = tokio::select! {
                accepted = listener.accept() => accepted,
                _ = tick.tick() => {
                    if stopping.load(Ordering::SeqCst) {
                        break;
                    }
                    continue;
                }
            };
            let Ok((stream, peer)) = accepted else {
                continue;
            };
            // Frames go out as they are written: with Nagle's algorithm a
            // frame's last segment waits for the client's delayed ACK
            // (about 40 ms a key).
            let _ = stream.set_nodelay(true);
            let blocked = shared
                .failures
                .lock()
                .map(|f| f.blocked(peer.ip(), Instant::now()))
                .unwrap_or(false);
            if blocked {
                continue;
            }
            let (Ok(permit), Ok(handshake)) = (
                Arc::clone(&connections).try_acquire_owned(),
                Arc::clone(&handshakes).try_acquire_owned(),
            ) else {
                log(&format!("{peer}: turned away, too many connections"));
                continue;
            };
            let shared = Arc::clone(&shared);
            let ssh = Arc::clone(&ssh);
            tokio::spawn(async move {
                connection(shared, ssh, stream, peer, handshake).await;
                drop(permit);
            });
        }
        log("stopping: sessions are told and closed");
        // Sessions see the flag within their next turn.
        let deadline = Instant::now() + Duration::from_secs(5);
        while shared.sessions.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(())
    })
}

/// One connection, from hello to goodbye.
async fn connection(
    shared: Arc<Shared>,
    ssh: Arc<russh::server::Config>,
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    handshake: tokio::sync::OwnedSemaphorePermit,
) {
    let started = Instant::now();
    let logged_in = Arc::new(AtomicBool::new(false));
    let shell = Arc::new(AtomicBool::new(false));
    let tried = Arc::new(AtomicBool::new(false));
    let handler = Connection {
        shared: Arc::clone(&shared),
        peer,
        reader: None,
        logged_in: Arc::clone(&logged_in),
        tried: Arc::clone(&tried),
        shell: Arc::clone(&shell),
        channel: None,
        handshake: Some(handshake),
    };
    let session =
        match tokio::time::timeout(HELLO_TIME, russh::server::run_stream(ssh, stream, handler))
            .await
        {
            Ok(Ok(session)) => session,
            Ok(Err(_)) | Err(_) => return,
        };
    serve_connection(session, peer, &logged_in, &shell, started).await;
    // A connection that tried keys or passwords and never got in is a
    // failed login of its address.
    if tried.load(Ordering::SeqCst)
        && !logged_in.load(Ordering::SeqCst)
        && let Ok(mut failures) = shared.failures.lock()
    {
        failures.failed(peer.ip(), Instant::now());
    }
}

/// Runs an established connection to its end, closing it when no reader
/// has started in [`LOGIN_TIME`].
async fn serve_connection(
    session: russh::server::RunningSession<Connection>,
    peer: SocketAddr,
    logged_in: &AtomicBool,
    shell: &AtomicBool,
    started: Instant,
) {
    let handle = session.handle();
    let mut session = Box::pin(session);
    let ended = tokio::select! {
        _ = &mut session => true,
        _ = tokio::time::sleep(LOGIN_TIME) => false,
    };
    if !ended && !shell.load(Ordering::SeqCst) {
        let why = if logged_in.load(Ordering::SeqCst) {
            "no reader started"
        } else {
            "not logged in"
        };
        log(&format!(
            "{peer}: {why} after {} s, closed",
            LOGIN_TIME.as_secs()
        ));
        let _ = handle
            .disconnect(
                russh::Disconnect::ByApplication,
                format!("{why} in time"),
                String::new(),
            )
            .await;
        // Its end is waited for: the permit it holds is freed with it.
        let _ = tokio::time::timeout(HELLO_TIME, session).await;
        return;
    }
    if !ended {
        let _ = session.await;
    }
    if logged_in.load(Ordering::SeqCst) {
        log(&format!(
            "{peer}: connection closed after {} s",
            started.elapsed().as_secs()
        ));
    }
}

/// The session channel of a connection, until its shell starts. What
/// the client sends on it is taken from the moment it opens (a channel
/// nobody reads would stall the whole connection once its queue is full).
struct Opening {
    id: ChannelId,
    /// Where frames go, until the shell takes it.
    write: Option<ChannelWriteHalf<Msg>>,
    /// What the client sent, until the shell takes it.
    incoming: Option<std::sync::mpsc::Receiver<Incoming>>,
    /// Where resizes go.
    input: SyncSender<Incoming>,
    term: Option<String>,
    size: (u16, u16),
    env: Vec<(String, String)>,
}

/// A connection's handler.
struct Connection {
    shared: Arc<Shared>,
    peer: SocketAddr,
    /// The reader's key fingerprint, once logged in with a key.
    reader: Option<String>,
    logged_in: Arc<AtomicBool>,
    /// A key or a password was turned down on this connection.
    tried: Arc<AtomicBool>,
    /// A reader (shell) has started on this connection.
    shell: Arc<AtomicBool>,
    channel: Option<Opening>,
    /// Its place among the connections not logged in yet, given back on
    /// logging in.
    handshake: Option<tokio::sync::OwnedSemaphorePermit>,
}

impl Connection {
    fn knows(&self, key: &PublicKey) -> bool {
        match &self.shared.options.access {
            Access::Keys(keys) => keys.iter().any(|k| k.key_data() == key.key_data()),
            Access::Anonymous => false,
        }
    }

    /// Lets `key` in if it is listed. A key turned down is not a failure
    /// yet (a client offers each key it has in turn): a connection that
    /// tried and never got in is.
    fn judge(&self, key: &PublicKey) -> Auth {
        if self.knows(key) {
            return Auth::Accept;
        }
        self.tried.store(true, Ordering::SeqCst);
        Auth::reject()
    }

    fn who(&self) -> String {
        match &self.reader {
            Some(fingerprint) => format!("{} {fingerprint}", self.peer),
            None => format!("{} anonymous", self.peer),
        }
    }

    /// Says `message` on the channel's standard error and closes it.
    fn refuse(&self, channel: ChannelId, session: &mut Session, message: &str) {
        let _ = session.extended_data(channel, 1, format!("qari: {message}\r\n").into_bytes());
        let _ = session.exit_status_request(channel, 1);
        let _ = session.eof(channel);
        let _ = session.close(channel);
    }

    /// Takes a request only to say why it is refused (a failure reply would
    /// end the client before the message shows), logs it, and closes.
    fn turn_down(
        &self,
        channel: ChannelId,
        session: &mut Session,
        message: &str,
        logged: &str,
    ) -> Result<(), russh::Error> {
        session.channel_success(channel)?;
        self.refuse(channel, session, message);
        log(&format!("{}: {logged}", self.who()));
        Ok(())
    }

    fn opening(&mut self, id: ChannelId) -> Option<&mut Opening> {
        self.channel.as_mut().filter(|c| c.id == id)
    }
}

/// A terminal's size as a client gives it: 0 (`ssh -tt` without a local
/// terminal says so) is not known, and taken as 80 × 24.
fn clamp_size(columns: u32, rows: u32) -> (u16, u16) {
    let known = |n: u32, default: u32| if n == 0 { default } else { n.min(SIZE_MAX) };
    (known(columns, 80) as u16, known(rows, 24) as u16)
}

impl russh::server::Handler for Connection {
    type Error = russh::Error;

    async fn auth_none(&mut self, _user: &str) -> Result<Auth, Self::Error> {
        if matches!(self.shared.options.access, Access::Anonymous) {
            return Ok(Auth::Accept);
        }
        Ok(Auth::reject())
    }

    async fn auth_password(&mut self, _user: &str, _password: &str) -> Result<Auth, Self::Error> {
        self.tried.store(true, Ordering::SeqCst);
        Ok(Auth::reject())
    }

    async fn auth_publickey_offered(
        &mut self,
        _user: &str,
        offer: PublicKeyOffer<'_>,
    ) -> Result<Auth, Self::Error> {
        Ok(self.judge(offer.public_key))
    }

    async fn auth_publickey(
        &mut self,
        _user: &str,
        key: VerifiedPublicKey<'_>,
    ) -> Result<Auth, Self::Error> {
        let verdict = self.judge(key.public_key);
        if verdict == Auth::Accept {
            self.reader = Some(keys::fingerprint(key.public_key));
        }
        Ok(verdict)
    }

    async fn auth_succeeded(&mut self, _session: &mut Session) -> Result<(), Self::Error> {
        self.logged_in.store(true, Ordering::SeqCst);
        self.handshake = None;
        log(&format!("{}: logged in", self.who()));
        Ok(())
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: russh::server::ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        // One reader per connection; dropping the reply refuses it.
        if self.channel.is_some() {
            return Ok(());
        }
        let id = channel.id();
        let (input, incoming) = std::sync::mpsc::sync_channel(INPUT_QUEUE);
        let (mut read, write) = channel.split();
        // What the client types goes to the session's thread (dropped
        // while the queue is full).
        let typed = input.clone();
        tokio::spawn(async move {
            while let Some(message) = read.wait().await {
                match message {
                    ChannelMsg::Data { data } => {
                        match typed.try_send(Incoming::Bytes(data.to_vec())) {
                            Ok(()) | Err(TrySendError::Full(_)) => {}
                            Err(TrySendError::Disconnected(_)) => break,
                        }
                    }
                    ChannelMsg::Eof | ChannelMsg::Close => break,
                    _ => {}
                }
            }
            let _ = typed.try_send(Incoming::Closed);
        });
        self.channel = Some(Opening {
            id,
            write: Some(write),
            incoming: Some(incoming),
            input,
            term: None,
            size: (80, 24),
            env: Vec::new(),
        });
        reply.accept().await;
        Ok(())
    }

    async fn pty_request(
        &mut self,
        channel: ChannelId,
        term: &str,
        columns: u32,
        rows: u32,
        _pix_width: u32,
        _pix_height: u32,
        _modes: &[(russh::Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let Some(opening) = self.opening(channel) else {
            return session.channel_failure(channel);
        };
        // A terminal's name is short and plain, or it is no name.
        let term: String = term
            .chars()
            .filter(|c| c.is_ascii_graphic())
            .take(64)
            .collect();
        opening.term = Some(term);
        opening.size = clamp_size(columns, rows);
        session.channel_success(channel)
    }

    async fn env_request(
        &mut self,
        channel: ChannelId,
        name: &str,
        value: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let allowed = ENV_NAMES.contains(&name) && value.len() <= ENV_VALUE_MAX;
        match self.opening(channel) {
            Some(opening) if allowed && opening.env.len() < ENV_NAMES.len() => {
                let value: String = value.chars().filter(|c| !c.is_control()).collect();
                opening.env.retain(|(n, _)| n != name);
                opening.env.push((name.to_string(), value));
                session.channel_success(channel)
            }
            _ => session.channel_failure(channel),
        }
    }

    async fn window_change_request(
        &mut self,
        channel: ChannelId,
        columns: u32,
        rows: u32,
        _pix_width: u32,
        _pix_height: u32,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if let Some(opening) = self.opening(channel) {
            let (width, height) = clamp_size(columns, rows);
            opening.size = (width, height);
            let _ = opening.input.try_send(Incoming::Resize(width, height));
        }
        Ok(())
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let who = self.who();
        let shared = Arc::clone(&self.shared);
        let reader = self.reader.clone();
        let started_shell = Arc::clone(&self.shell);
        let Some(opening) = self.opening(channel) else {
            return session.channel_failure(channel);
        };
        let Some(term) = opening.term.clone() else {
            session.channel_success(channel)?;
            self.refuse(
                channel,
                session,
                "qari serve shows a reader and needs a terminal: connect with `ssh -t`",
            );
            log(&format!("{who}: no terminal asked for, closed"));
            return Ok(());
        };
        // A second shell on the channel is refused.
        let (Some(write), Some(incoming)) = (opening.write.take(), opening.incoming.take()) else {
            return session.channel_failure(channel);
        };
        started_shell.store(true, Ordering::SeqCst);
        let count = shared.sessions.fetch_add(1, Ordering::SeqCst);
        if count >= shared.options.max_sessions {
            shared.sessions.fetch_sub(1, Ordering::SeqCst);
            session.channel_success(channel)?;
            self.refuse(
                channel,
                session,
                "the server has as many readers as it takes; try again later",
            );
            log(&format!("{who}: turned away, {count} sessions"));
            return Ok(());
        }
        session.channel_success(channel)?;
        let (send, mut frames) = tokio::sync::mpsc::unbounded_channel::<Vec<u8>>();
        let queued = Arc::new(AtomicUsize::new(0));
        let out = Outgoing::new(send, Arc::clone(&queued));
        let mut env = opening.env.clone();
        env.push(("TERM".into(), term));
        let size = opening.size;
        // Frames go out as the client's window takes them.
        let handle = session.handle();
        tokio::spawn(async move {
            let mut stalled = false;
            while let Some(frame) = frames.recv().await {
                let len = frame.len();
                match tokio::time::timeout(WRITE_STALL, write.data_bytes(frame)).await {
                    Ok(Ok(())) => {
                        queued.fetch_sub(len, Ordering::SeqCst);
                    }
                    Ok(Err(_)) => break,
                    Err(_) => {
                        stalled = true;
                        break;
                    }
                }
            }
            if stalled {
                let _ = handle
                    .disconnect(
                        russh::Disconnect::ByApplication,
                        "the client stopped reading".into(),
                        String::new(),
                    )
                    .await;
                return;
            }
            let _ = write.exit_status(0).await;
            let _ = write.eof().await;
            let _ = write.close().await;
        });
        let start = session::Start {
            library: shared.library.clone(),
            config: shared.config.clone(),
            env,
            size,
            state: match (&shared.options.state_dir, &reader) {
                (Some(dir), Some(fingerprint)) => Some(dir.join(state_name(fingerprint))),
                _ => None,
            },
            stopping: Arc::clone(&shared.stopping),
            idle: shared.options.idle,
        };
        let spawned = std::thread::Builder::new()
            .name("qari-session".into())
            .spawn(move || {
                let started = Instant::now();
                log(&format!("{who}: session started"));
                let why = session::run(start, incoming, out);
                shared.sessions.fetch_sub(1, Ordering::SeqCst);
                log(&format!(
                    "{who}: session ended after {} s ({})",
                    started.elapsed().as_secs(),
                    quote(&why, ITEM_MAX)
                ));
            });
        if spawned.is_err() {
            self.shared.sessions.fetch_sub(1, Ordering::SeqCst);
        }
        Ok(())
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        _data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.turn_down(
            channel,
            session,
            "qari serve runs no commands; connect without one",
            "a command was refused",
        )
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        _name: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.turn_down(
            channel,
            session,
            "qari serve offers no subsystem (no sftp, no scp)",
            "a subsystem was refused",
        )
    }

    async fn x11_request(
        &mut self,
        channel: ChannelId,
        _single_connection: bool,
        _protocol: &str,
        _cookie: &str,
        _screen: u32,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_failure(channel)
    }
}

/// The folder a reader's state is kept in: the key's fingerprint, made a
/// file name.
fn state_name(fingerprint: &str) -> String {
    fingerprint
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// Documents served, for the start message.
pub fn describe(library: &Library) -> String {
    let count = library.documents.len();
    format!("{count} document{}", if count == 1 { "" } else { "s" })
}
