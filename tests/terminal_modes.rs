//! The modes qari puts the terminal in, read from the bytes the real binary
//! writes to a pseudo-terminal: bidi explicit mode before the alternate
//! screen (VTE gives each new row the mode in force when the row is made),
//! and implicit mode back after the main screen returns; the same on
//! suspending (Ctrl-z, SIGTSTP) and continuing (`fg`), with the terminal's
//! own modes (raw or cooked) read back from it.

mod common;

use std::process::Command;
use std::time::Duration;

use common::pty::{Pty, escaped};

/// Variables that name a terminal or a multiplexer: each test sets what it
/// needs, whatever terminal runs the tests.
const TERMINAL_VARIABLES: &[&str] = &[
    "TMUX",
    "STY",
    "VTE_VERSION",
    "KONSOLE_VERSION",
    "MLTERM",
    "KITTY_WINDOW_ID",
    "KITTY_PID",
    "WEZTERM_PANE",
    "TERM_PROGRAM",
    "LC_TERMINAL",
    "WT_SESSION",
    "ALACRITTY_WINDOW_ID",
    "XTERM_VERSION",
];

fn qari(vars: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_qari"));
    for name in TERMINAL_VARIABLES {
        command.env_remove(name);
    }
    for (name, value) in vars {
        command.env(name, value);
    }
    command.arg("--no-state");
    command
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Runs qari until its first frame, quits with `q` and returns every byte
/// it wrote.
fn start_and_quit(command: Command) -> Vec<u8> {
    let mut pty = Pty::spawn(command, 100, 30).expect("start qari on a pseudo-terminal");
    pty.wait_for_after(0, "\x1b[?2026l", Duration::from_secs(10));
    pty.send(b"q");
    let status = pty.wait_exit(Duration::from_secs(10)).expect("qari quits");
    assert!(status.success(), "{status:?}");
    pty.output()
}

#[test]
fn explicit_bidi_mode_is_set_before_the_alternate_screen_and_undone_after_it() {
    // A VTE terminal (GNOME Terminal), as it sets its variables.
    let out = start_and_quit(qari(&[("VTE_VERSION", "7006")]));
    let explicit = find(&out, b"\x1b[8l").expect("CSI 8 l sent");
    let alternate = find(&out, b"\x1b[?1049h").expect("alternate screen entered");
    let first_frame = find(&out, b"\x1b[?2026h").expect("a frame drawn");
    assert!(
        explicit < alternate && alternate < first_frame,
        "CSI 8 l must come before CSI ? 1049 h:\n{}",
        escaped(&out[..first_frame.min(out.len())])
    );
    let main = find(&out, b"\x1b[?1049l").expect("main screen restored");
    let implicit = out
        .windows(4)
        .rposition(|w| w == b"\x1b[8h")
        .expect("CSI 8 h sent on the way out");
    assert!(
        main < implicit,
        "CSI 8 h must come after CSI ? 1049 l:\n{}",
        escaped(&out[main.saturating_sub(200)..])
    );
    // The mode is set once, before any row of the alternate screen is made.
    assert_eq!(
        out.windows(4).filter(|w| w == b"\x1b[8l").count(),
        1,
        "{}",
        escaped(&out[..first_frame])
    );
}

#[test]
fn check_terminal_on_a_terminal_lays_out_its_report_and_sends_each_sample_in_its_mode() {
    let mut command = qari(&[("VTE_VERSION", "7006")]);
    command.arg("--check-terminal");
    let mut pty = Pty::spawn(command, 200, 40).expect("start qari --check-terminal");
    let status = pty.wait_exit(Duration::from_secs(10)).expect("it ends");
    assert!(status.success(), "{status:?}");
    let out = pty.output();
    let text = String::from_utf8_lossy(&out);
    // The report goes in app mode, laid out: the quoted Arabic word of the
    // explanation in visual order and shaped, never as typed.
    let report = find(&out, b"Terminal:").expect("the report");
    let explicit = find(&out, b"\x1b[8l").expect("explicit mode");
    assert!(explicit < report, "{}", escaped(&out[..report]));
    let explanation = text
        .lines()
        .find(|l| l.contains("at the right end"))
        .expect("the explanation line");
    assert!(!explanation.contains("قارئ"), "{explanation}");
    assert!(
        explanation.contains("\"\u{FE89}\u{FEAD}\u{FE8E}\u{FED7}:\""),
        "{explanation}"
    );
    // Each sample in its own mode, and the terminal left implicit.
    for (label, mode) in [
        ("1. app mode, shaped by qari", "\x1b[8l"),
        ("2. app mode, shaped by the terminal", "\x1b[8l"),
        ("3. terminal mode", "\x1b[8h"),
    ] {
        let at = text
            .find(label)
            .unwrap_or_else(|| panic!("{label}:\n{text}"));
        assert!(
            text[..at].ends_with(&format!("{mode}  ")),
            "{label} is sent after {mode:?}"
        );
    }
    assert!(text.ends_with("\x1b[8h"), "{:?}", &text[text.len() - 40..]);
}

// ---------------------------------------------------------------------------
// Suspending and continuing: Linux, where `/proc` tells a process's state
// and a pseudo-terminal's master reports the slave's modes.

#[cfg(target_os = "linux")]
mod suspend {
    use std::time::Instant;

    use super::*;

    /// The end of every frame qari draws (the synchronized update closes).
    const FRAME_END: &[u8] = b"\x1b[?2026l";
    /// Part of every full frame of the bundled library: the list's header.
    const HEADER: &[u8] = b"Documents: ";
    /// How long anything here may take before the test gives up: a guard
    /// against a hang, not a measure of speed.
    const GENEROUS: Duration = Duration::from_secs(10);

    /// A process's state letter (`T`: stopped), parent and name, from
    /// `/proc/PID/stat`.
    fn stat(pid: i32) -> Option<(char, i32, String)> {
        let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // The name is in parentheses and may hold anything, parentheses too.
        let open = text.find('(')?;
        let close = text.rfind(')')?;
        let mut fields = text[close + 1..].split_whitespace();
        let state = fields.next()?.chars().next()?;
        let parent = fields.next()?.parse().ok()?;
        Some((state, parent, text[open + 1..close].to_string()))
    }

    /// The child of `parent` called `name`, if there is one.
    fn child_named(parent: i32, name: &str) -> Option<i32> {
        std::fs::read_dir("/proc")
            .ok()?
            .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse().ok())
            .find(|&pid| stat(pid).is_some_and(|(_, p, n)| p == parent && n == name))
    }

    /// Polls until `pid`'s state letter satisfies `ok`.
    fn wait_for_state(pid: i32, what: &str, ok: impl Fn(char) -> bool) {
        let start = Instant::now();
        loop {
            let state = stat(pid).map(|(state, _, _)| state);
            if state.is_some_and(&ok) {
                return;
            }
            assert!(
                start.elapsed() < GENEROUS,
                "timed out waiting for {what}: the state is {state:?}"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// The local modes raw mode turns off: line editing, echo, and keys that
    /// send signals (so Ctrl-z reaches qari as a key).
    const COOKED_MODES: libc::tcflag_t = libc::ICANON | libc::ECHO | libc::ISIG;

    /// Which of [`COOKED_MODES`] the terminal has on now.
    fn local_modes(pty: &Pty) -> libc::tcflag_t {
        pty.modes().c_lflag & COOKED_MODES
    }

    /// Whether, in what qari wrote after the screen was set up again, the frame
    /// drawn next is whole: the screen erased, then the header, then the
    /// frame's end.
    fn redrawn(out: &[u8]) -> bool {
        let Some(alternate) = find(out, b"\x1b[?1049h") else {
            return false;
        };
        let out = &out[alternate..];
        find(out, b"\x1b[2J").is_some_and(|erase| {
            find(&out[erase..], HEADER)
                .is_some_and(|header| find(&out[erase + header..], FRAME_END).is_some())
        })
    }

    /// qari run as a job of a shell that does job control, as from an
    /// interactive shell: in a process group of its own that has the terminal,
    /// with its parent, the shell, in the same session. (Run straight on the
    /// pseudo-terminal, qari would lead a session of its own, and its group
    /// would be orphaned: the kernel discards SIGTSTP there, since nobody could
    /// continue it.) The shell, `bash -m`, stops itself once qari has stopped,
    /// so the test can look at the stopped qari; continuing the shell has it
    /// run `fg`, as a person would.
    struct Job {
        pty: Pty,
        shell: i32,
        qari: i32,
    }

    impl Job {
        /// Starts the shell and qari in it, and waits for qari's first frame.
        fn start() -> Option<Job> {
            let present = common::have_program("bash");
            if !common::oracle_available(present, "bash, a shell with job control") {
                return None;
            }
            let mut command = Command::new("bash");
            for name in TERMINAL_VARIABLES {
                command.env_remove(name);
            }
            command.env("VTE_VERSION", "7006").args([
                "--norc",
                "--noprofile",
                "-m",
                "-c",
                r#""$0" --no-state; kill -STOP $$; fg"#,
                env!("CARGO_BIN_EXE_qari"),
            ]);
            let pty = Pty::spawn(command, 100, 30).expect("start bash on a pseudo-terminal");
            pty.wait_for("qari's first frame", GENEROUS, |out| {
                find(out, HEADER).is_some_and(|at| find(&out[at..], FRAME_END).is_some())
            });
            let shell = pty.pid() as i32;
            let qari = child_named(shell, "qari").expect("qari, the shell's child");
            Some(Job { pty, shell, qari })
        }
    }

    impl Drop for Job {
        fn drop(&mut self) {
            // A failed test may leave qari stopped; the shell goes with the Pty.
            if stat(self.qari).is_some_and(|(_, parent, _)| parent == self.shell) {
                // SAFETY: kill has no memory preconditions; the pid is the
                // shell's child, still there.
                unsafe { libc::kill(self.qari, libc::SIGKILL) };
            }
        }
    }

    /// Suspends qari with `suspend`; checks that it gave the terminal back as
    /// on quit and stopped; has the shell bring it back with `fg`; checks that
    /// the terminal is set up again as at start and every cell drawn again;
    /// quits.
    fn suspend_and_continue(suspend: impl FnOnce(&mut Job)) {
        let Some(mut job) = Job::start() else {
            return;
        };
        assert_eq!(local_modes(&job.pty), 0, "raw mode while qari runs");

        let since = job.pty.len();
        suspend(&mut job);
        wait_for_state(job.qari, "qari to stop", |s| s == 'T');
        // The shell saw the job stop and waits for the test (`kill -STOP $$`).
        wait_for_state(job.shell, "the shell to wait", |s| s == 'T');
        let out = job.pty.output();
        let out = &out[since..];
        let main = find(out, b"\x1b[?1049l").unwrap_or_else(|| {
            panic!(
                "the main screen is back before qari stops:\n{}",
                escaped(out)
            )
        });
        for (what, sequence) in [
            ("mouse reporting off", "\x1b[?1000l"),
            ("the cursor shown", "\x1b[?25h"),
        ] {
            assert!(
                find(&out[..main], sequence.as_bytes()).is_some(),
                "{what} before the main screen:\n{}",
                escaped(out)
            );
        }
        assert!(
            find(&out[main..], b"\x1b[8h").is_some(),
            "implicit bidi mode after the main screen:\n{}",
            escaped(out)
        );
        assert_eq!(
            find(out, b"\x1b[?1049h"),
            None,
            "nothing set up again while stopped:\n{}",
            escaped(out)
        );
        assert_eq!(
            local_modes(&job.pty),
            COOKED_MODES,
            "the terminal is cooked again while qari is stopped"
        );

        let since = job.pty.len();
        // SAFETY: kill has no memory preconditions; the pid is our child's.
        unsafe { libc::kill(job.shell, libc::SIGCONT) };
        job.pty.wait_for("a whole frame after fg", GENEROUS, |out| {
            redrawn(&out[since..])
        });
        let out = job.pty.output();
        let out = &out[since..];
        let explicit = find(out, b"\x1b[8l").expect("explicit bidi mode again");
        let alternate = find(out, b"\x1b[?1049h").expect("the alternate screen again");
        assert!(
            explicit < alternate,
            "CSI 8 l must come before CSI ? 1049 h, as at start:\n{}",
            escaped(out)
        );
        assert_eq!(local_modes(&job.pty), 0, "raw mode again after fg");
        assert_ne!(stat(job.qari).map(|s| s.0), Some('T'), "qari runs again");

        // Keys work: `q` quits qari, and the shell ends with it.
        job.pty.send(b"q");
        let status = job.pty.wait_exit(GENEROUS).expect("qari quits");
        assert!(status.success(), "{status:?}");
    }

    #[test]
    fn ctrl_z_gives_the_terminal_back_stops_and_fg_sets_it_up_again() {
        suspend_and_continue(|job| job.pty.send(b"\x1a"));
    }

    #[test]
    fn sigtstp_from_outside_does_the_same() {
        suspend_and_continue(|job| {
            // SAFETY: kill has no memory preconditions; the pid is qari's.
            unsafe { libc::kill(job.qari, libc::SIGTSTP) };
        });
    }

    #[test]
    fn without_job_control_ctrl_z_comes_straight_back() {
        // qari leads a session of its own here, its process group orphaned:
        // nothing could continue it, so it must not stay stopped.
        let mut pty = Pty::spawn(qari(&[("VTE_VERSION", "7006")]), 100, 30)
            .expect("start qari on a pseudo-terminal");
        pty.wait_for_after(0, "\x1b[?2026l", GENEROUS);
        let since = pty.len();
        pty.send(b"\x1a");
        pty.wait_for("the terminal given back and taken again", GENEROUS, |out| {
            let out = &out[since..];
            find(out, b"\x1b[?1049l").is_some_and(|main| redrawn(&out[main..]))
        });
        assert_eq!(local_modes(&pty), 0, "raw mode again");
        pty.send(b"q");
        let status = pty.wait_exit(GENEROUS).expect("qari quits");
        assert!(status.success(), "{status:?}");
    }
}
