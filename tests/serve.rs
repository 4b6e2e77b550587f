//! `qari serve` as readers reach it: OpenSSH's `ssh` against the server on
//! 127.0.0.1, in tmux, keys in and screen out; what it refuses; and the
//! faults a network service meets (a client killed mid-frame, one that
//! never reads, a flood of connections). Skipped with a message when
//! `ssh`, `ssh-keygen` or tmux is missing (required under CI).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::tmux::{self, Pane, Tmux};
use common::{visual, words};
use qari::library::Library;

/// Whether everything these tests need is here.
fn available() -> bool {
    let ssh = Command::new("ssh")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    let keygen = Command::new("ssh-keygen").arg("-?").output().is_ok();
    common::oracle_available(ssh && keygen, "OpenSSH's ssh and ssh-keygen")
        && common::oracle_available(tmux::available(), "tmux")
}

static SERVERS: AtomicUsize = AtomicUsize::new(0);

/// A `qari serve` of its own, on a port of its own, with a folder holding
/// its host key, its state and two client keys: `reader` (let in unless
/// anonymous) and `stranger` (never listed).
struct Server {
    child: Child,
    dir: PathBuf,
    port: u16,
    log: Arc<Mutex<String>>,
}

impl Server {
    fn start(extra: &[&str]) -> Server {
        let n = SERVERS.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("qari-serve-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a folder");
        for key in ["reader", "stranger"] {
            let made = Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", "", "-f"])
                .arg(dir.join(key))
                .status()
                .expect("ssh-keygen");
            assert!(made.success());
        }
        std::fs::copy(dir.join("reader.pub"), dir.join("authorized_keys")).unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_qari"));
        command
            .args(["serve", "--listen", "127.0.0.1:0", "--host-key"])
            .arg(dir.join("host_key"))
            .args(extra)
            .env("XDG_STATE_HOME", dir.join("state"))
            .env("HOME", &dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if !extra.contains(&"--anonymous") {
            command
                .arg("--authorized-keys")
                .arg(dir.join("authorized_keys"));
        }
        let mut child = command.spawn().expect("qari serve starts");
        let log = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().unwrap();
        let lines = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut log = lines.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let mut server = Server {
            child,
            dir,
            port: 0,
            log,
        };
        let line = server.wait_log("listening on", Duration::from_secs(20));
        server.port = line
            .rsplit(':')
            .next()
            .and_then(|p| p.trim().parse().ok())
            .expect("a port");
        server
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Waits for a log line containing `needle`; returns it.
    fn wait_log(&self, needle: &str, within: Duration) -> String {
        let start = Instant::now();
        loop {
            if let Some(line) = self.log().lines().find(|l| l.contains(needle)) {
                return line.to_string();
            }
            assert!(
                start.elapsed() < within,
                "no {needle:?} in the server's log:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn alive(&mut self) -> bool {
        self.child.try_wait().expect("a status").is_none()
    }

    /// The `ssh` command line reaching this server with `key`.
    fn ssh(&self, key: &str) -> Vec<String> {
        let mut args: Vec<String> = [
            "ssh",
            "-p",
            &self.port.to_string(),
            "-i",
            &self.dir.join(key).display().to_string(),
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "LogLevel=ERROR",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        args.push("127.0.0.1".into());
        args
    }

    /// Runs `ssh` with `key` and `more` arguments (without a terminal) to
    /// its end, at most 45 s; its exit code and standard error.
    fn run(&self, key: &str, options: &[&str], command: &[&str]) -> (Option<i32>, String) {
        let args = self.ssh(key);
        let mut ssh = Command::new(&args[0]);
        ssh.args(&args[1..args.len() - 1])
            .args(options)
            .arg(&args[args.len() - 1])
            .args(command)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = ssh.spawn().expect("ssh runs");
        let start = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if start.elapsed() > Duration::from_secs(45) {
                let _ = child.kill();
                panic!("ssh {options:?} {command:?} still runs after 45 s");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        (status.code(), stderr)
    }

    /// Opens tmux session `name` and logs in there with `key`.
    fn log_in(&self, tmux: &Tmux, name: &str, key: &str) -> Pane {
        self.log_in_with(tmux, name, key, &[])
    }

    /// The same with more `ssh` options.
    fn log_in_with(&self, tmux: &Tmux, name: &str, key: &str, options: &[&str]) -> Pane {
        let pane = tmux.shell(name);
        let mut args = self.ssh(key);
        let host = args.pop().expect("the host");
        args.extend(options.iter().map(|o| o.to_string()));
        args.push(host);
        pane.keys(&[&args.join(" "), "Enter"]);
        pane
    }

    /// Logs in as [`Server::log_in`] does and waits for the list.
    fn reader(&self, tmux: &Tmux, name: &str, key: &str) -> Pane {
        let pane = self.log_in(tmux, name, key);
        pane.wait_for("Documents: 5", "the document list over SSH");
        pane
    }

    /// The server's resident memory and threads, from /proc.
    fn footprint(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        (field("VmRSS:"), field("Threads:"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Ends the session in `pane` with `q` and waits for the shell.
fn quit(pane: &Pane) {
    pane.keys(&["q"]);
    pane.wait_for("READY$", "the shell after the session");
}

/// The first words of each bundled document's title, as drawn.
fn titles() -> Vec<String> {
    Library::bundled()
        .documents
        .iter()
        .map(|d| visual(&words(&d.title, 1)))
        .collect()
}

fn opening(index: usize) -> String {
    let library = Library::bundled();
    let text = library.documents[index].text(None).expect("a text");
    visual(&words(&text.as_str(), 3))
}

#[test]
fn a_reader_logs_in_with_a_key_reads_and_quits_and_the_server_goes_on() {
    if !available() {
        return;
    }
    let mut server = Server::start(&[]);
    let tmux = Tmux::new();
    let pane = server.log_in(&tmux, "one", "reader");
    let screen = pane.wait_for("Documents: 5", "the document list over SSH");
    for title in titles() {
        assert!(screen.contains(&title), "{title:?} in:\n{screen}");
    }
    assert!(screen.contains(&opening(0)), "{screen}");
    // Keys: j moves to the second document.
    pane.keys(&["j"]);
    pane.wait_for(&opening(1), "the second document");
    // The filter takes Arabic typed as UTF-8.
    let library = Library::bundled();
    let word = words(&library.documents[2].title, 1);
    pane.keys(&["/"]);
    pane.keys(&["-l", &word]);
    pane.wait_for("of 5", "a filtered list");
    pane.keys(&["Escape"]);
    pane.wait_for("Documents: 5", "the whole list again");
    // A resize reaches the session: the text is wrapped again for 60 columns.
    tmux.cmd(&["resize-window", "-t", "one", "-x", "60", "-y", "20"]);
    let narrow = pane.wait_until(
        |s| s.lines().count() <= 20 && s.contains("Documents"),
        "the narrower screen",
    );
    assert!(
        narrow.lines().all(|l| l.chars().count() <= 60),
        "rows of at most 60 cells:\n{narrow}"
    );
    // The server runs with memory committed as used (it started itself
    // again so).
    let environ = std::fs::read(format!("/proc/{}/environ", server.child.id())).unwrap();
    assert!(
        environ
            .split(|b| *b == 0)
            .any(|v| v == b"MIMALLOC_ARENA_EAGER_COMMIT=0"),
        "the allocator's setting"
    );
    // q ends the session; ssh returns to the shell.
    quit(&pane);
    server.wait_log("(quit)", Duration::from_secs(10));
    assert!(server.alive(), "the server goes on");
    // And serves the next reader.
    let again = server.reader(&tmux, "two", "reader");
    quit(&again);
}

#[test]
fn unknown_keys_and_passwords_are_refused_anonymous_needs_none() {
    if !available() {
        return;
    }
    let server = Server::start(&[]);
    let (code, stderr) = server.run("stranger", &["-tt"], &[]);
    assert_eq!(code, Some(255), "{stderr}");
    assert!(stderr.contains("Permission denied"), "{stderr}");
    let (code, stderr) = server.run(
        "reader",
        &["-tt", "-o", "PreferredAuthentications=password"],
        &[],
    );
    assert_eq!(code, Some(255), "{stderr}");
    assert!(stderr.contains("Permission denied"), "{stderr}");
    drop(server);

    let server = Server::start(&["--anonymous"]);
    assert!(server.log().contains("anonymous"), "{}", server.log());
    let tmux = Tmux::new();
    let pane = server.reader(&tmux, "anon", "stranger");
    // The mirrored screen of Arabic documents: the list on the right.
    let screen = pane.screen();
    assert!(!screen.starts_with(" Documents"), "{screen}");
    quit(&pane);
    // A reader sets the session as the command line would.
    let pane = server.log_in_with(&tmux, "ltr", "stranger", &["-o", "SetEnv=QARI_LAYOUT=ltr"]);
    let screen = pane.wait_for("Documents: 5", "the list on the left");
    assert!(
        screen
            .lines()
            .next()
            .is_some_and(|l| l.starts_with(" Documents: 5")),
        "{screen}"
    );
    quit(&pane);
}

#[test]
fn commands_forwarding_and_sessions_without_a_terminal_are_refused() {
    if !available() {
        return;
    }
    let mut server = Server::start(&[]);
    let (code, stderr) = server.run("reader", &[], &["cat", "/etc/passwd"]);
    assert_ne!(code, Some(0));
    assert!(stderr.contains("runs no commands"), "{stderr}");
    let (code, stderr) = server.run("reader", &["-s"], &["sftp"]);
    assert_ne!(code, Some(0));
    assert!(stderr.contains("no subsystem"), "{stderr}");
    // No terminal asked for: a message, and the end.
    let (code, stderr) = server.run("reader", &["-T"], &[]);
    assert_ne!(code, Some(0));
    assert!(stderr.contains("needs a terminal"), "{stderr}");
    // A direct TCP channel (ssh -W) to anywhere.
    let (code, stderr) = server.run("reader", &["-W", "127.0.0.1:22"], &[]);
    assert_ne!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("forwarding failed") || stderr.contains("open failed"),
        "{stderr}"
    );
    // A remote forward.
    let (code, stderr) = server.run(
        "reader",
        &[
            "-N",
            "-o",
            "ExitOnForwardFailure=yes",
            "-R",
            "0:127.0.0.1:9",
        ],
        &[],
    );
    assert_ne!(code, Some(0), "{stderr}");
    assert!(stderr.contains("forwarding failed"), "{stderr}");
    assert!(server.alive());
    let log = server.log();
    assert!(log.contains("a command was refused"), "{log}");
    assert!(log.contains("no terminal asked for"), "{log}");
}

#[test]
fn places_and_bookmarks_are_kept_for_each_key() {
    if !available() {
        return;
    }
    let server = Server::start(&[]);
    let tmux = Tmux::new();
    let pane = server.reader(&tmux, "first", "reader");
    pane.keys(&["j", "j", "Enter"]);
    pane.wait_for(&opening(2), "the third document");
    pane.keys(&["m", "a"]);
    pane.wait_for("bookmark a set", "the bookmark");
    quit(&pane);
    server.wait_log("(quit)", Duration::from_secs(10));
    // The same key comes back to the same document, and to its bookmark.
    let pane = server.log_in(&tmux, "second", "reader");
    let screen = pane.wait_for("Documents: 5", "the list again");
    assert!(
        screen.contains(&opening(2)),
        "reopened where left:\n{screen}"
    );
    pane.keys(&["g", "'", "a"]);
    pane.wait_for(&opening(2), "at the bookmark");
    quit(&pane);
    let readers = server.dir.join("state/qari/serve/readers");
    let kept: Vec<_> = std::fs::read_dir(&readers)
        .expect("a folder of readers")
        .collect();
    assert_eq!(kept.len(), 1, "one reader's state");
}

#[test]
fn a_killed_client_and_one_that_never_reads_leave_the_others_served() {
    if !available() {
        return;
    }
    let mut server = Server::start(&[]);
    let tmux = Tmux::new();
    // A reader who stays throughout.
    let stays = server.reader(&tmux, "stays", "reader");

    // A client killed while frames come: its ssh dies mid-stream.
    let killed = server.reader(&tmux, "killed", "reader");
    killed.keys(&["Enter"]);
    for _ in 0..20 {
        killed.keys(&["Space"]);
    }
    let ssh = tmux.pane("killed").child_pid();
    Command::new("kill").args(["-9", &ssh]).status().unwrap();
    server.wait_log("session ended", Duration::from_secs(20));

    // A client that asks for frames and never reads them.
    let args = server.ssh("reader");
    let mut ssh = Command::new(&args[0])
        .args(&args[1..args.len() - 1])
        .arg("-tt")
        .arg(&args[args.len() - 1])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("ssh");
    let mut keys = ssh.stdin.take().unwrap();
    let typing = std::thread::spawn(move || {
        // Down and up the list by turns: every key another document in
        // the reading pane, a new screenful.
        let start = Instant::now();
        let mut down = true;
        while start.elapsed() < Duration::from_secs(60) {
            let key: &[u8] = if down { b"j" } else { b"k" };
            down = !down;
            if keys.write_all(key).and_then(|()| keys.flush()).is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    });
    server.wait_log("the client stopped reading", Duration::from_secs(60));
    let (rss, _) = server.footprint();
    assert!(rss < 400 * 1024, "the server holds {rss} kB");
    let _ = ssh.kill();
    let _ = ssh.wait();
    let _ = typing.join();

    // The one who stayed still reads.
    stays.keys(&["j"]);
    stays.wait_for(&opening(1), "the second document for the one who stayed");
    assert!(server.alive());
    quit(&stays);
}

#[test]
fn a_flood_of_connections_is_bounded_and_sessions_go_on() {
    if !available() {
        return;
    }
    let mut server = Server::start(&[]);
    let tmux = Tmux::new();
    let stays = server.reader(&tmux, "stays", "reader");
    let (rss_before, _) = server.footprint();
    // 200 connections within about a second: some silent, some sending
    // garbage, some a greeting and then nothing.
    let mut held = Vec::new();
    let start = Instant::now();
    for i in 0..200 {
        if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", server.port)) {
            let _ = match i % 3 {
                0 => Ok(()),
                1 => stream.write_all(b"\x00\xffGET / HTTP/1.0\r\n\r\n"),
                _ => stream.write_all(b"SSH-2.0-flood\r\n"),
            };
            held.push(stream);
        }
        std::thread::sleep(Duration::from_millis(4));
    }
    assert!(start.elapsed() < Duration::from_secs(5));
    server.wait_log("turned away, too many connections", Duration::from_secs(10));
    // The session already there goes on meanwhile.
    stays.keys(&["j"]);
    stays.wait_for(&opening(1), "the second document during the flood");
    let (rss, threads) = server.footprint();
    assert!(server.alive());
    assert!(threads < 64, "{threads} threads");
    assert!(
        rss < rss_before + 100 * 1024,
        "{rss} kB now, {rss_before} kB before"
    );
    drop(held);
    // Once they are gone, new readers get in.
    let next = server.reader(&tmux, "next", "reader");
    quit(&next);
    quit(&stays);
}

/// The served files stay inside the served paths: a symlink out of them
/// is left out of the library.
#[test]
fn symlinks_out_of_the_served_paths_are_left_out() {
    if !available() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("qari-serve-confine-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("served")).unwrap();
    std::fs::write(dir.join("served/inside.txt"), "نص داخل المكتبة\n").unwrap();
    std::fs::write(dir.join("secret.txt"), "سر خارج المكتبة\n").unwrap();
    std::os::unix::fs::symlink(dir.join("secret.txt"), dir.join("served/link.txt")).unwrap();
    let server = Server::start(&[dir.join("served").to_str().unwrap()]);
    let log = server.log();
    assert!(log.contains("1 document (1 left out"), "{log}");
    let tmux = Tmux::new();
    let pane = server.log_in(&tmux, "one", "reader");
    let screen = pane.wait_for("Documents: 1", "one document");
    assert!(!screen.contains(&visual("سر")), "{screen}");
    quit(&pane);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_full_server_says_so_idle_sessions_close_and_a_stop_ends_them() {
    if !available() {
        return;
    }
    let mut server = Server::start(&["--max-sessions", "1", "--idle-timeout", "4"]);
    let tmux = Tmux::new();
    let first = server.reader(&tmux, "first", "reader");
    // One session is all it takes: the next is told, and ends.
    let (code, stderr) = server.run("reader", &["-tt"], &[]);
    assert_ne!(code, Some(0));
    assert!(stderr.contains("as many readers as it takes"), "{stderr}");
    // Left alone, the first is closed, with a word on its terminal.
    let screen = first.wait_for("READY$", "the shell after the idle session");
    assert!(screen.contains("idle for too long"), "{screen}");
    server.wait_log("(idle for too long)", Duration::from_secs(10));
    // A stop (SIGTERM) tells the sessions and ends them, then the server.
    let second = server.reader(&tmux, "second", "reader");
    Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    let screen = second.wait_for("READY$", "the shell after the stop");
    assert!(screen.contains("the server is stopping"), "{screen}");
    let start = Instant::now();
    while server.alive() {
        assert!(start.elapsed() < Duration::from_secs(15), "the server ends");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A connection that logs in and starts no reader (`ssh -N`) holds a place
/// among the connections: it is closed after 30 s.
#[test]
fn a_connection_that_starts_no_reader_is_closed() {
    if !available() {
        return;
    }
    let server = Server::start(&[]);
    let start = Instant::now();
    let (code, _) = server.run("reader", &["-N"], &[]);
    assert_ne!(code, Some(0));
    assert!(
        start.elapsed() >= Duration::from_secs(25),
        "{:?}",
        start.elapsed()
    );
    server.wait_log("no reader started", Duration::from_secs(5));
}

/// Ten connections in a minute that never get in turn their address away;
/// a client that gets in with the second key it offers is no failure.
#[test]
fn failed_logins_turn_an_address_away_and_offered_keys_count_once() {
    if !available() {
        return;
    }
    let server = Server::start(&[]);
    let both = ["-i", &server.dir.join("reader").display().to_string()].map(str::to_string);
    // The stranger's key first, then the reader's: in, every time.
    for _ in 0..12 {
        let (code, stderr) = server.run(
            "stranger",
            &[&both[0], &both[1], "-tt", "-o", "ConnectTimeout=5"],
            &["x"],
        );
        assert!(stderr.contains("runs no commands"), "{code:?} {stderr}");
    }
    for _ in 0..10 {
        let (code, _) = server.run("stranger", &["-tt"], &[]);
        assert_eq!(code, Some(255));
    }
    // The address is turned away now, the reader's key too.
    let (code, stderr) = server.run("reader", &["-tt"], &["x"]);
    assert_eq!(code, Some(255), "{stderr}");
    assert!(!stderr.contains("runs no commands"), "{stderr}");
}
