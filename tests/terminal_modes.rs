//! The modes qari puts the terminal in, read from the bytes the real binary
//! writes to a pseudo-terminal: bidi explicit mode before the alternate
//! screen (VTE gives each new row the mode in force when the row is made),
//! and implicit mode back after the main screen returns.

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
