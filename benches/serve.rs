//! `qari serve` under load: 50 readers logged in at once, each typing, and
//! the time from a key sent to the end of the frame it brings, as the
//! client sees it; and the server's resident memory per session.
//!
//! The server is the `qari` binary cargo builds for this benchmark
//! (`CARGO_BIN_EXE_qari`: `target/release/qari` under `cargo bench`), run
//! as a child process on the bundled documents, listening on a free port of
//! 127.0.0.1, with a host key and an `authorized_keys` file of 50 Ed25519
//! keys (all made here from fixed seeds) in a temporary folder, which also
//! holds its state and config folders (`XDG_*`). The server and the folder
//! are gone when the benchmark ends, a panic included.
//!
//! The clients are russh sessions in this process, each its own connection
//! with its own key (8 logging in at a time), a pty (`xterm-256color`,
//! 100×30) and a shell, all open before the typing starts. A frame
//! ends with the end of a synchronized update (`CSI ? 2026 l`). Keys go in
//! a cycle that moves in the list, filters it and pages the reading pane:
//! `j j k / ق م Esc Tab Space Space Tab`; each of them is a bound action,
//! which always draws a frame.
//!
//! A keystroke: what has arrived is dropped, the key is sent, and the time
//! runs to the end of the first frame after it (2 s at most: more is a
//! timeout, counted apart). Then the session waits until no frame has come
//! for 20 ms (a filter's answer, say, comes in a frame of its own), so that
//! the next key is timed against its own frame.
//!
//! Criterion group `serve`: `keystroke_to_frame_50_sessions` is one
//! keystroke of one session while the other 49 type in background tasks;
//! a timeout counts as 2 s there. Afterwards p50, p99 and max of every
//! keystroke timed in all sessions (warm-up included, timeouts left out)
//! are printed, with the number of samples and of timeouts; and the
//! server's VmRSS once listening, once every session has drawn its first
//! frame, and after the typing, with (second − first) / 50 in MiB.
//!
//! Under `cargo test --benches` it runs once with 5 sessions, each typing
//! the cycle once.
//!
//! Run: `cargo bench --bench serve`.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use russh::keys::ssh_key::LineEnding;
use russh::keys::ssh_key::private::Ed25519Keypair;
use russh::keys::{PrivateKey, PrivateKeyWithHashAlg, PublicKey, PublicKeyOrCertificate};
use russh::{ChannelMsg, ChannelReadHalf, ChannelWriteHalf, client};
use tokio::sync::{Semaphore, mpsc};

/// The end of a synchronized update: the end of a frame.
const FRAME_END: &[u8] = b"\x1b[?2026l";
/// The keys each session types, over and over.
const KEYS: &[&str] = &["j", "j", "k", "/", "ق", "م", "\x1b", "\t", " ", " ", "\t"];
/// How long a key may wait for its frame.
const KEY_TIMEOUT: Duration = Duration::from_secs(2);
/// A session is settled when no frame has come for this long…
const SETTLE: Duration = Duration::from_millis(20);
/// …or after this long in all.
const SETTLE_MAX: Duration = Duration::from_millis(500);
/// How long the server has to start, and a session to draw its first frame.
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// Connections logging in at once, at most (a server takes only so many
/// handshakes at a time).
const HANDSHAKES: usize = 8;
/// Log lines of the server kept to show when something fails.
const LOG_LINES: usize = 200;

/// Benchmarks run for real, not once under `cargo test --benches`.
fn full() -> bool {
    std::env::args().any(|a| a == "--bench")
}

fn ed25519(seed: u8) -> PrivateKey {
    PrivateKey::from(Ed25519Keypair::from_seed(&[seed; 32]))
}

/// A folder removed with everything in it when dropped.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The server process, killed when dropped (before its folder goes).
struct Server {
    child: Child,
    addr: SocketAddr,
    log: Arc<Mutex<VecDeque<String>>>,
    _dir: TempDir,
}

impl Server {
    /// Starts `qari serve` for `readers` with `host` as its key and waits
    /// until it listens.
    fn start(host: &PrivateKey, readers: &[PublicKey]) -> Server {
        let dir =
            TempDir(std::env::temp_dir().join(format!("qari-bench-serve-{}", std::process::id())));
        let _ = std::fs::remove_dir_all(&dir.0);
        std::fs::create_dir_all(&dir.0).expect("a temporary folder");
        let host_key = dir.0.join("host_ed25519");
        let text = host.to_openssh(LineEnding::LF).expect("host key text");
        std::fs::write(&host_key, text.as_bytes()).expect("host key written");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&host_key, std::fs::Permissions::from_mode(0o600))
                .expect("host key made private");
        }
        let authorized = dir.0.join("authorized_keys");
        let lines: String = readers
            .iter()
            .map(|k| k.to_openssh().expect("public key line") + "\n")
            .collect();
        std::fs::write(&authorized, lines).expect("authorized_keys written");

        let xdg = |name: &str| -> PathBuf {
            let path = dir.0.join(name);
            std::fs::create_dir_all(&path).expect("an XDG folder");
            path
        };
        let max_sessions = readers.len().max(64).to_string();
        let mut child = Command::new(env!("CARGO_BIN_EXE_qari"))
            .arg("serve")
            .args(["--listen", "127.0.0.1:0", "--max-sessions", &max_sessions])
            .arg("--host-key")
            .arg(&host_key)
            .arg("--authorized-keys")
            .arg(&authorized)
            .env("XDG_STATE_HOME", xdg("state"))
            .env("XDG_CONFIG_HOME", xdg("config"))
            .env("XDG_DATA_HOME", xdg("data"))
            .env("XDG_CACHE_HOME", xdg("cache"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("qari serve started");
        let stderr = child.stderr.take().expect("the server's standard error");
        let mut server = Server {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            log: Arc::new(Mutex::new(VecDeque::new())),
            _dir: dir,
        };

        // The log is read to its end, so that the server never blocks on a
        // full pipe; the address it listens on is passed on.
        let (found, listening) = std::sync::mpsc::channel();
        let log = Arc::clone(&server.log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(addr) = line
                    .split_once("listening on ")
                    .and_then(|(_, rest)| rest.trim().parse::<SocketAddr>().ok())
                {
                    let _ = found.send(addr);
                }
                let mut log = log.lock().unwrap_or_else(|e| e.into_inner());
                if log.len() == LOG_LINES {
                    log.pop_front();
                }
                log.push_back(line);
            }
        });
        match listening.recv_timeout(START_TIMEOUT) {
            Ok(addr) => server.addr = addr,
            Err(_) => panic!("the server did not listen:\n{}", server.log_tail()),
        }
        server
    }

    /// The server's resident memory, in KiB.
    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("the server's /proc status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS")
    }

    fn log_tail(&self) -> String {
        let log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        log.iter().cloned().collect::<Vec<_>>().join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A client that trusts only the server's known host key.
struct Client {
    host: PublicKey,
}

impl client::Handler for Client {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        offered: &PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        Ok(matches!(
            offered,
            PublicKeyOrCertificate::PublicKey { key, .. } if key.key_data() == self.host.key_data()
        ))
    }
}

/// One reader's session: its connection, the channel's writing half, and
/// when each frame's end arrived.
struct Session {
    handle: client::Handle<Client>,
    write: ChannelWriteHalf<client::Msg>,
    frames: mpsc::UnboundedReceiver<Instant>,
    next: usize,
}

/// Reads a channel, sending the time each frame's end arrives. A marker
/// cut between two packets is found when the second comes.
async fn watch(mut read: ChannelReadHalf, frames: mpsc::UnboundedSender<Instant>) {
    let finder = memchr::memmem::Finder::new(FRAME_END);
    let mut tail: Vec<u8> = Vec::new();
    while let Some(message) = read.wait().await {
        match message {
            ChannelMsg::Data { data } => {
                let now = Instant::now();
                tail.extend_from_slice(&data);
                for _ in finder.find_iter(&tail) {
                    if frames.send(now).is_err() {
                        return;
                    }
                }
                // Fewer bytes than a marker: none found twice.
                let keep = tail.len().min(FRAME_END.len() - 1);
                tail.drain(..tail.len() - keep);
            }
            ChannelMsg::Eof | ChannelMsg::Close => break,
            _ => {}
        }
    }
}

impl Session {
    /// Connects as the reader of `key`, asks for a pty and a shell, and
    /// waits for the first frame.
    async fn open(
        addr: SocketAddr,
        host: PublicKey,
        key: PrivateKey,
        handshakes: Arc<Semaphore>,
    ) -> Session {
        let permit = handshakes.acquire_owned().await.expect("a handshake slot");
        let config = Arc::new(client::Config {
            nodelay: true,
            ..Default::default()
        });
        let mut handle = client::connect(config, addr, Client { host })
            .await
            .expect("connected");
        let auth = handle
            .authenticate_publickey("reader", PrivateKeyWithHashAlg::new(Arc::new(key), None))
            .await
            .expect("authentication answered");
        assert!(auth.success(), "the key was refused");
        drop(permit);
        let channel = handle
            .channel_open_session()
            .await
            .expect("a session channel");
        channel
            .request_pty(false, "xterm-256color", 100, 30, 0, 0, &[])
            .await
            .expect("pty asked for");
        channel.request_shell(false).await.expect("shell asked for");
        let (read, write) = channel.split();
        let (send, frames) = mpsc::unbounded_channel();
        tokio::spawn(watch(read, send));
        let mut session = Session {
            handle,
            write,
            frames,
            next: 0,
        };
        match tokio::time::timeout(START_TIMEOUT, session.frames.recv()).await {
            Ok(Some(_)) => {}
            Ok(None) => panic!("a session closed before its first frame"),
            Err(_) => panic!("no first frame in {} s", START_TIMEOUT.as_secs()),
        }
        session
    }

    /// Waits until no frame has come for [`SETTLE`].
    async fn settle(&mut self) {
        let until = Instant::now() + SETTLE_MAX;
        while Instant::now() < until {
            match tokio::time::timeout(SETTLE, self.frames.recv()).await {
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => break,
            }
        }
    }

    /// Types the next key of the cycle; returns the time from sending it
    /// to the end of the next frame, `None` after [`KEY_TIMEOUT`].
    async fn keystroke(&mut self) -> Option<Duration> {
        while self.frames.try_recv().is_ok() {}
        let key = KEYS[self.next % KEYS.len()];
        self.next += 1;
        let sent = Instant::now();
        self.write
            .data_bytes(key.as_bytes())
            .await
            .expect("key sent");
        let deadline = tokio::time::Instant::from_std(sent + KEY_TIMEOUT);
        let latency = loop {
            match tokio::time::timeout_at(deadline, self.frames.recv()).await {
                Ok(Some(at)) if at >= sent => break Some(at - sent),
                Ok(Some(_)) => {}
                Ok(None) => panic!("a session closed while typing"),
                Err(_) => break None,
            }
        };
        self.settle().await;
        latency
    }

    async fn close(self) {
        let _ = self
            .handle
            .disconnect(russh::Disconnect::ByApplication, "", "en")
            .await;
    }
}

/// Keystrokes timed, in all sessions.
#[derive(Default)]
struct Timings {
    latencies: Vec<Duration>,
    timeouts: usize,
}

impl Timings {
    fn record(&mut self, latency: Option<Duration>) {
        match latency {
            Some(latency) => self.latencies.push(latency),
            None => self.timeouts += 1,
        }
    }
}

/// A session typing in the background until `stop`, and at least one
/// cycle of keys.
async fn type_until(
    mut session: Session,
    stop: Arc<AtomicBool>,
    timings: Arc<Mutex<Timings>>,
) -> Session {
    while session.next < KEYS.len() || !stop.load(Ordering::Relaxed) {
        let latency = session.keystroke().await;
        timings.lock().expect("timings").record(latency);
    }
    session
}

/// The `p`th percentile (nearest rank) of sorted `values`.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn serve(c: &mut Criterion) {
    let count: usize = if full() { 50 } else { 5 };
    let host = ed25519(0xa5);
    let keys: Vec<PrivateKey> = (1..=count).map(|i| ed25519(i as u8)).collect();
    let publics: Vec<PublicKey> = keys.iter().map(|k| k.public_key().clone()).collect();
    let server = Server::start(&host, &publics);
    let listening = server.rss_kib();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let addr = server.addr;
    let host_public = host.public_key().clone();
    let started = Instant::now();
    let (mut sessions, opened) = runtime.block_on(async {
        let handshakes = Arc::new(Semaphore::new(HANDSHAKES));
        let opening: Vec<_> = keys
            .into_iter()
            .map(|key| {
                tokio::spawn(Session::open(
                    addr,
                    host_public.clone(),
                    key,
                    Arc::clone(&handshakes),
                ))
            })
            .collect();
        let mut sessions = Vec::with_capacity(opening.len());
        for task in opening {
            match task.await {
                Ok(session) => sessions.push(session),
                Err(e) => panic!("a session failed: {e}\n{}", server.log_tail()),
            }
        }
        let opened = started.elapsed();
        for session in &mut sessions {
            session.settle().await;
        }
        (sessions, opened)
    });
    let drawn = server.rss_kib();

    let stop = Arc::new(AtomicBool::new(false));
    let timings = Arc::new(Mutex::new(Timings::default()));
    let mut front = sessions.remove(0);
    let background: Vec<_> = sessions
        .into_iter()
        .map(|s| runtime.spawn(type_until(s, Arc::clone(&stop), Arc::clone(&timings))))
        .collect();

    let mut group = c.benchmark_group("serve");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(8));
    group.bench_function(format!("keystroke_to_frame_{count}_sessions"), |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let latency = front.keystroke().await;
                    timings.lock().expect("timings").record(latency);
                    total += latency.unwrap_or(KEY_TIMEOUT);
                }
                total
            })
        });
    });
    group.finish();

    stop.store(true, Ordering::Relaxed);
    let mut sessions = vec![front];
    runtime.block_on(async {
        for task in background {
            sessions.push(task.await.expect("a background session"));
        }
    });
    let typed = server.rss_kib();
    runtime.block_on(async {
        for session in sessions {
            session.close().await;
        }
    });

    let mut timings = timings.lock().expect("timings");
    timings.latencies.sort_unstable();
    let latencies = &timings.latencies;
    assert!(
        !latencies.is_empty(),
        "no keystroke drew a frame:\n{}",
        server.log_tail()
    );
    println!(
        "serve: {count} sessions opened to their first frame in {:.2} s",
        opened.as_secs_f64()
    );
    println!(
        "serve: keystroke to frame end over {count} sessions: p50 {:.2} ms, p99 {:.2} ms, \
         max {:.2} ms; {} samples, {} timeouts (> {} s)",
        ms(percentile(latencies, 50.0)),
        ms(percentile(latencies, 99.0)),
        ms(*latencies.last().expect("a sample")),
        latencies.len(),
        timings.timeouts,
        KEY_TIMEOUT.as_secs()
    );
    println!(
        "serve: server VmRSS {:.1} MiB listening, {:.1} MiB with {count} sessions drawn, \
         {:.1} MiB after typing; {:.2} MiB per session",
        mib(listening),
        mib(drawn),
        mib(typed),
        mib(drawn.saturating_sub(listening)) / count as f64
    );
    drop(server);
}

criterion_group!(benches, serve);
criterion_main!(benches);
