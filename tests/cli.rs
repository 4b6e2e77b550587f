//! The command line around the reader: the config file (and what an
//! invalid one prints), `--check-terminal`, and bad option values. Each run
//! gets config and state folders of its own.

mod common;

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

struct Home(PathBuf);

impl Home {
    fn new(name: &str) -> Home {
        let dir = std::env::temp_dir().join(format!("qari-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("config/qari")).expect("a config folder");
        Home(dir)
    }

    fn config(&self, text: &str) -> PathBuf {
        let path = self.0.join("config/qari/config.toml");
        std::fs::write(&path, text).expect("write the config");
        path
    }

    /// Runs qari with stdout and stderr piped (not a terminal).
    fn qari(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        self.command(args, env).output().expect("run qari")
    }

    /// The command that runs qari in this home, stdout and stderr piped.
    fn command(&self, args: &[&str], env: &[(&str, &str)]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_qari"));
        command
            .args(args)
            .env("XDG_CONFIG_HOME", self.0.join("config"))
            .env("XDG_STATE_HOME", self.0.join("state"))
            .env("HOME", &self.0)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for var in [
            "MLTERM",
            "KONSOLE_VERSION",
            "KITTY_WINDOW_ID",
            "VTE_VERSION",
            "TERM_PROGRAM",
            "TMUX",
            "STY",
            "LC_TERMINAL",
            "WT_SESSION",
            "WEZTERM_PANE",
            "NO_COLOR",
        ] {
            command.env_remove(var);
        }
        for (name, value) in env {
            command.env(name, value);
        }
        command
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn an_invalid_config_names_the_file_line_and_column_and_exits_2() {
    let home = Home::new("badconfig");
    let path = home.config("# my settings\ntheme = \"dark\"\nlayout = \"sideways\"\n");
    let out = home.qari(&[], &[]);
    assert_eq!(out.status.code(), Some(2));
    let message = stderr(&out);
    let expected = format!(
        "qari: {}:3:10: invalid value \"sideways\" for `layout`: expected one of auto, rtl, ltr\n",
        path.display()
    );
    assert_eq!(message, expected);
    // The same for --check-terminal, and for a file named with --config.
    let out = home.qari(&["--check-terminal"], &[]);
    assert_eq!((out.status.code(), stderr(&out)), (Some(2), expected));
    let missing = home.0.join("nowhere.toml");
    let out = home.qari(&["--config", &missing.to_string_lossy()], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nowhere.toml"), "{}", stderr(&out));
}

#[test]
fn a_config_that_is_a_fifo_or_a_device_is_refused_at_once() {
    // A FIFO nobody writes would block the open; /dev/zero never ends. Each
    // is named and refused like an invalid file, without waiting on it or
    // reading it (the memory limit stops a run that would read it all).
    let home = Home::new("special");
    let fifo = home.0.join("fifo.toml");
    let name = std::ffi::CString::new(fifo.to_string_lossy().as_bytes()).expect("a path");
    // SAFETY: mkfifo reads a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
    let zero = home.0.join("zero.toml");
    std::os::unix::fs::symlink("/dev/zero", &zero).expect("a link to /dev/zero");
    for (path, what) in [
        (&fifo, "is a FIFO (named pipe), not a regular file"),
        (&zero, "is a character device, not a regular file"),
    ] {
        let path = path.to_string_lossy();
        let mut command = home.command(&["--config", &path], &[]);
        common::limit_address_space(&mut command, 384 << 20);
        let mut child = command.spawn().expect("run qari");
        let status = common::wait_within(&mut child, Duration::from_secs(10))
            .unwrap_or_else(|| panic!("qari --config {path} did not end (killed)"));
        let mut message = String::new();
        let _ = child
            .stderr
            .take()
            .map(|mut e| std::io::Read::read_to_string(&mut e, &mut message));
        assert_eq!(status.code(), Some(2), "{message}");
        assert_eq!(message, format!("qari: {path}: {what}\n"));
    }
}

#[test]
fn a_valid_config_is_read() {
    let home = Home::new("config");
    home.config("bidi = \"terminal\"\nshape = \"on\"\n");
    let out = home.qari(&["--check-terminal"], &[("TERM", "xterm-256color")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Mode:            terminal — from the config file"),
        "{text}"
    );
    assert!(
        text.contains("on: Arabic presentation forms (from the config file)"),
        "{text}"
    );
    // The command line wins over the file.
    let out = home.qari(&["--check-terminal", "--bidi", "app"], &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Mode:            app — from the command line"),
        "{text}"
    );
}

#[test]
fn check_terminal_names_the_terminal_the_mode_and_the_samples() {
    let home = Home::new("check");
    let out = home.qari(
        &["--check-terminal"],
        &[("TERM", "xterm-256color"), ("KONSOLE_VERSION", "221203")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Terminal:        Konsole (KONSOLE_VERSION=221203)"),
        "{text}"
    );
    assert!(
        text.contains("Mode:            terminal — Konsole reorders"),
        "{text}"
    );
    assert!(
        text.contains("Shaping:         on: Arabic presentation forms"),
        "{text}"
    );
    // Not a terminal: nothing to ask, and it says so.
    assert!(text.contains("no answer about the bidi mode"), "{text}");
    // Through a pipe only text goes out: no escape sequence at all, the
    // explanation and the samples as typed.
    assert!(!text.contains('\x1b'), "{text:?}");
    assert!(text.contains("\"قارئ:\" at the right end"), "{text}");
    for label in [
        "1. app mode, shaped by qari",
        "2. app mode, shaped by the terminal",
        "3. terminal mode",
    ] {
        let line = text
            .lines()
            .find(|l| l.contains(label))
            .unwrap_or_else(|| panic!("{label}:\n{text}"));
        assert!(line.ends_with(qari::check::SAMPLE), "{line}");
    }
    for setting in ["bidi = \"app\"", "shape = \"off\"", "bidi = \"terminal\""] {
        assert!(text.contains(setting), "{setting}");
    }
    assert!(text.contains("config/qari/config.toml"), "{text}");
    assert!(text.contains("Note:            Konsole lays out"), "{text}");

    let out = home.qari(&["--check-terminal"], &[("TERM", "xterm-kitty")]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Mode:            app"), "{text}");
    assert!(text.contains("force_ltr yes"), "the kitty hint: {text}");
    assert!(text.contains("kitty --debug-config"), "{text}");
}

#[test]
fn bad_option_values_are_refused_before_the_terminal_is_touched() {
    let home = Home::new("options");
    let out = home.qari(&["--encoding", "klingon"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("qari: --encoding: unknown encoding \"klingon\""));
    let out = home.qari(&["--bidi", "sideways"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("possible values: auto, app, terminal"),
        "{}",
        stderr(&out)
    );
    // Not a terminal: the reader explains, and nothing was written to stdout.
    let out = home.qari(&[], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("qari render"));
}

/// The bytes of U+202E RIGHT-TO-LEFT OVERRIDE in UTF-8.
const RLO: &[u8] = "\u{202E}".as_bytes();

/// Whether `bytes` holds `needle`.
fn holds(bytes: &[u8], needle: &[u8]) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle)
}

/// No raw control in a message: no C0 control but the line break, no DEL,
/// no C1 control, no explicit bidi control.
fn assert_no_raw_control(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let raw = text.chars().find(|&c| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
    });
    assert_eq!(raw, None, "{text:?}");
}

#[test]
fn a_missing_path_is_named_with_its_bidi_controls_shown() {
    let home = Home::new("trojan");
    let missing = home.0.join("missing_\u{202E}txt.exe");
    let out = home.qari(&["render", &missing.to_string_lossy()], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!holds(&out.stderr, RLO), "{:?}", stderr(&out));
    assert_no_raw_control(&out.stderr);
    assert!(
        stderr(&out).contains("missing_[RLO]txt.exe"),
        "{}",
        stderr(&out)
    );
    // The reader's own check of its paths says the same.
    let out = home.qari(&[&missing.to_string_lossy()], &[]);
    assert!(!holds(&out.stderr, RLO), "{:?}", stderr(&out));
}

#[test]
fn a_huge_unknown_config_key_is_cut_short() {
    let home = Home::new("hugekey");
    // Half a MiB: under the 1 MiB a config may hold.
    let key = "k".repeat(1 << 19);
    let path = home.config(&format!("theme = \"dark\"\n  {key} = 1\n"));
    let out = home.qari(&[], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stderr.len() < 2048, "{} bytes", out.stderr.len());
    let message = stderr(&out);
    assert!(
        message.starts_with(&format!("qari: {}:2:3: unknown key `kkk", path.display())),
        "{message}"
    );
    assert!(message.contains("k…k"), "{message}");
    assert!(message.ends_with(
        "expected one of layout, bidi, shape, harakat, theme, measure, paragraphs, copy_command\n"
    ));
}

#[test]
fn controls_in_a_config_key_or_value_are_shown() {
    let home = Home::new("ctlconfig");
    // TOML escapes: ESC and RLO in a quoted key, then in a value.
    home.config("\"col\\u001B[2J\\u202Eour\" = 1\n");
    let out = home.qari(&[], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert_no_raw_control(&out.stderr);
    assert!(
        stderr(&out).contains("unknown key `col\u{241B}[2J[RLO]our`"),
        "{}",
        stderr(&out)
    );
    home.config("theme = \"\\u001B]0;x\\u0007\\u202Edark\"\n");
    let out = home.qari(&["--check-terminal"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert_no_raw_control(&out.stderr);
    assert!(
        stderr(&out).contains("invalid value \"\u{241B}]0;x\u{2407}[RLO]dark\" for `theme`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn clap_errors_show_the_controls_of_what_they_quote() {
    let home = Home::new("clap");
    let out = home.qari(&["--\u{202E}x"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!holds(&out.stderr, RLO), "{:?}", stderr(&out));
    assert!(stderr(&out).contains("'--[RLO]x'"), "{}", stderr(&out));
    // An escape sequence is shown, neither obeyed nor silently dropped,
    // and through a pipe clap's colours stay out.
    let out = home.qari(&["--bidi", "\x1b]0;title\x07app"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert_no_raw_control(&out.stderr);
    assert!(
        stderr(&out).contains("'\u{241B}]0;title\u{2407}app'"),
        "{}",
        stderr(&out)
    );
    // A huge argument (Linux takes up to 128 KiB in one) is cut.
    let huge = format!("--{}", "x".repeat(100_000));
    let out = home.qari(&[&huge], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stderr.len() < 4096, "{} bytes", out.stderr.len());
    // Help and version still go to standard output.
    let out = home.qari(&["--version"], &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("qari "));
    let out = home.qari(&["render", "--help"], &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("--no-wrap"));
}

#[test]
fn check_terminal_shows_the_controls_of_what_it_quotes() {
    let home = Home::new("checkctl");
    let version = format!("1\u{202E}\x1b[2J{}", "9".repeat(10_000));
    let out = home.qari(
        &["--check-terminal"],
        &[("TERM", "xterm-256color"), ("KONSOLE_VERSION", &version)],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_no_raw_control(&out.stdout);
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with("Terminal:"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        line.starts_with("Terminal:        Konsole (KONSOLE_VERSION=1[RLO]\u{241B}[2J99"),
        "{line}"
    );
    assert!(line.chars().count() < 120, "{line}");
}
