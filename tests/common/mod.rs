//! Helpers shared by the integration tests: locating the shared corpus and
//! oracle tools, and skipping loudly when they are missing.
#![allow(dead_code)]

pub mod epub;
pub mod fixtures;
pub mod pty;
pub mod tmux;

use std::io::Write as _;
use std::path::PathBuf;

/// True when the suite runs under CI, where every oracle is required.
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Returns whether an oracle is present; when it is not, says so on stderr
/// (past the test harness's capture, so it is always seen), or fails under CI.
pub fn oracle_available(present: bool, what: &str) -> bool {
    if present {
        return true;
    }
    assert!(
        !under_ci(),
        "{what} is required when CI=true but was not found"
    );
    report(&format!("SKIPPED: {what} not found; this test did not run"));
    false
}

/// Writes a line on stderr past the test harness's capture, so that it is
/// seen without `--nocapture` (a skip, or a figure a test measured).
pub fn report(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// The shared corpus folder (`../shared/corpus` beside the repository), if present.
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let present = dir.join("udhr").is_dir() && dir.join("seeds").is_dir();
    oracle_available(present, "the shared corpus (../shared/corpus)").then_some(dir)
}

/// Whether a program can be run from PATH.
pub fn have_program(name: &str) -> bool {
    std::process::Command::new(name)
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok()
}

/// Runs the qari binary with `args`, feeding it `stdin` and reading its
/// output as it comes (a full pipe would stall it); fails the test if it
/// has not finished after two minutes — a guard against a hang, not a
/// measure of speed.
pub fn run_qari<S: AsRef<std::ffi::OsStr>>(args: &[S], stdin: &[u8]) -> std::process::Output {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_qari"))
        .args(args)
        .env_remove("COLUMNS")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run qari");
    let mut input = child.stdin.take().expect("stdin");
    // qari may exit before reading (a usage error): a closed pipe is fine.
    let _ = input.write_all(stdin);
    drop(input);
    let pid = child.id();
    let (done, result) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    match result.recv_timeout(std::time::Duration::from_secs(120)) {
        Ok(output) => output.expect("qari's output"),
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            let args: Vec<_> = args.iter().map(|a| a.as_ref().to_owned()).collect();
            panic!("qari {args:?} did not finish");
        }
    }
}

/// Limits the address space of the process `command` starts to `bytes`
/// (`RLIMIT_AS`), so that a run that reads an endless input without bound
/// fails on its own instead of filling the machine's memory. mimalloc
/// reserves more address space than it uses: the limit must leave a
/// normal run room.
pub fn limit_address_space(command: &mut std::process::Command, bytes: u64) {
    use std::os::unix::process::CommandExt;
    // SAFETY: setrlimit is async-signal-safe and reads only the struct
    // passed; nothing here allocates between fork and exec.
    unsafe {
        command.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: bytes,
                rlim_max: bytes,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// Waits for `child` to end; `None` (after killing it) when it has not
/// after `timeout` — a guard against a hang, not a measure of speed.
pub fn wait_within(
    child: &mut std::process::Child,
    timeout: std::time::Duration,
) -> Option<std::process::ExitStatus> {
    let start = std::time::Instant::now();
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// Property tests' settings: 512 cases per property by default;
/// `PROPTEST_CASES` raises it for a longer soak. Failures print their
/// minimal input instead of writing regression files into the tree.
pub fn proptest_config() -> proptest::test_runner::Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(512);
    proptest::test_runner::Config {
        cases,
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    }
}

/// How the engine draws `text` on one line 200 cells wide (what a screen
/// showing it must contain).
pub fn visual(text: &str) -> String {
    let options = qari::text::LayoutOptions {
        width: 200,
        ..qari::text::LayoutOptions::default()
    };
    qari::text::Layout::new(text, &options)
        .line(0)
        .map(|l| l.text())
        .unwrap_or_default()
}

/// The first `n` words of a string.
pub fn words(text: &str, n: usize) -> String {
    text.split_whitespace()
        .take(n)
        .collect::<Vec<_>>()
        .join(" ")
}
