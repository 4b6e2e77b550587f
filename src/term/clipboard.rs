//! The clipboard over the terminal: OSC 52 (`ESC ] 52 ; c ; base64 BEL`),
//! which terminals that allow it put on the system clipboard, over SSH too.
//! Pure bytes in and out, so the sequence can go through any writer (the
//! local terminal, later an SSH channel).
//!
//! Inside tmux the plain sequence is sent for tmux itself (with
//! `set-clipboard on` it fills tmux's buffer and tells the outer terminal),
//! followed by the same sequence in tmux's passthrough (`DCS tmux; … ST`,
//! inner ESC doubled) for when only `allow-passthrough` is on. GNU screen
//! does not handle OSC 52, so inside it the sequence goes in `DCS … ST`
//! strings, cut into pieces short enough for screen's string buffer.

use std::io::{self, Write};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::detect::Known;
use crate::text::sanitize::quote;
use crate::work::{Priority, Worker};

/// The longest OSC 52 sequence qari sends, in bytes. hterm (ChromeOS's
/// terminal, also used by Secure Shell) drops longer ones, and clipboard
/// tools for editors (vim-oscyank, nvim's osc52) take it as the safe
/// bound; other terminals and tmux accept more, but a copy the terminal
/// silently drops looks like a copy that worked.
pub const MAX_SEQUENCE: usize = 100_000;

/// The opening of the sequence, up to the base64 payload.
const OPEN: &[u8] = b"\x1b]52;c;";
/// Pieces of payload per `DCS` string inside GNU screen (it keeps at most
/// 768 bytes of a string; 76 is what other tools send).
const SCREEN_CHUNK: usize = 76;

/// The longest text, in bytes, whose sequence fits in [`MAX_SEQUENCE`].
pub const MAX_TEXT: usize = (MAX_SEQUENCE - OPEN.len() - 1) / 4 * 3;

/// A terminal multiplexer the sequence has to get through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wrap {
    /// Straight to the terminal.
    None,
    /// Inside tmux.
    Tmux,
    /// Inside GNU screen.
    Screen,
}

/// Text too long to copy through the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLong {
    /// The text's length in bytes.
    pub bytes: usize,
}

/// The bytes that put `text` on the clipboard through `wrap`, or
/// [`TooLong`] when the text is over [`MAX_TEXT`].
pub fn osc52(text: &str, wrap: Wrap) -> Result<Vec<u8>, TooLong> {
    if text.len() > MAX_TEXT {
        return Err(TooLong { bytes: text.len() });
    }
    let payload = base64(text.as_bytes());
    let mut plain = Vec::with_capacity(OPEN.len() + payload.len() + 1);
    plain.extend_from_slice(OPEN);
    plain.extend_from_slice(payload.as_bytes());
    plain.push(0x07);
    Ok(match wrap {
        Wrap::None => plain,
        Wrap::Tmux => {
            let mut out = plain.clone();
            out.extend_from_slice(b"\x1bPtmux;");
            for &b in &plain {
                if b == 0x1b {
                    out.push(0x1b);
                }
                out.push(b);
            }
            out.extend_from_slice(b"\x1b\\");
            out
        }
        Wrap::Screen => {
            let mut out = Vec::with_capacity(plain.len() * 2);
            for piece in plain.chunks(SCREEN_CHUNK) {
                out.extend_from_slice(b"\x1bP");
                out.extend_from_slice(piece);
                out.extend_from_slice(b"\x1b\\");
            }
            out
        }
    })
}

/// Where copied text goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// To the terminal's clipboard (OSC 52), through the multiplexer if
    /// any.
    Terminal {
        /// How the sequence is wrapped.
        wrap: Wrap,
        /// What may keep the copy from the clipboard, or keeps it.
        note: Option<Note>,
    },
    /// To a command's standard input: the program and its arguments.
    Command {
        /// The program and its arguments.
        words: Vec<String>,
        /// Chosen by qari (a clipboard tool found on this machine for a
        /// terminal that ignores OSC 52), not named by `copy_command`.
        found: bool,
    },
}

impl Route {
    /// Where copies go, in a sentence (for `qari --check-terminal`).
    pub fn describe(&self) -> String {
        match self {
            Route::Command {
                words,
                found: false,
            } => {
                format!("to {} (copy_command)", quote(&words.join(" "), 80))
            }
            Route::Command { words, found: true } => format!(
                "to {} (found here; the terminal does not take copies itself)",
                quote(&words.join(" "), 80)
            ),
            Route::Terminal { wrap, note } => {
                let through = match wrap {
                    Wrap::None => "",
                    Wrap::Tmux => ", through tmux",
                    Wrap::Screen => ", through GNU screen",
                };
                let said = match note {
                    None => String::new(),
                    Some(Note::Unsure(how)) => format!("; {how}"),
                    Some(Note::Lost(why)) => format!("; they do not arrive: {why}"),
                };
                format!("to the terminal's clipboard (OSC 52{through}){said}")
            }
        }
    }
}

/// A word on a terminal copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// The copy may not reach the clipboard: what to do if it does not.
    Unsure(String),
    /// It cannot reach the clipboard: why, and what to do.
    Lost(String),
}

/// Whether a terminal takes a program's copy (OSC 52) onto its clipboard
/// as it is set up out of the box (measured with
/// `tests/terminals/osc52.sh`; others from their documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Takes {
    /// It does.
    Yes,
    /// Only once a setting allows it: how.
    WithSetting(&'static str),
    /// It ignores the sequence.
    No,
    /// Not known: the sequence is sent and nothing is said.
    Unknown,
}

/// What `terminal` does with OSC 52.
pub fn takes(terminal: Known) -> Takes {
    match terminal {
        Known::Kitty | Known::Alacritty | Known::Foot | Known::WezTerm | Known::WindowsTerminal => {
            Takes::Yes
        }
        Known::Xterm => Takes::WithSetting(
            "xterm takes copies from programs once `XTerm*disallowedWindowOps: 20,21,SetXprop` is in ~/.Xresources",
        ),
        Known::Mlterm => Takes::WithSetting(
            "mlterm takes copies from programs once `allow_osc52 = true` is in ~/.mlterm/main",
        ),
        Known::ITerm2 => Takes::WithSetting(
            "iTerm2 takes copies from programs once Settings > General > Selection > Applications in terminal may access clipboard is ticked",
        ),
        Known::Vte(_)
        | Known::Konsole
        | Known::QTerminal
        | Known::St
        | Known::Urxvt
        | Known::AppleTerminal
        | Known::LinuxConsole => Takes::No,
        Known::Mintty | Known::Unknown => Takes::Unknown,
    }
}

/// Said after a copy inside tmux when neither of tmux's settings lets it
/// through: tmux's default (`set-clipboard external`) drops it.
pub const TMUX_CLIPBOARD_HINT: &str =
    "tmux passes copies from programs on only with `set -g set-clipboard on` in ~/.tmux.conf";

/// What the multiplexer qari runs in lets through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Multiplexed {
    /// Inside tmux.
    pub tmux: bool,
    /// Inside GNU screen (and not tmux inside it).
    pub screen: bool,
    /// tmux's `set-clipboard` is `on`: it takes the sequence itself.
    pub tmux_clipboard: bool,
    /// tmux's `allow-passthrough` is on: the wrapped sequence reaches the
    /// terminal around it.
    pub tmux_passthrough: bool,
}

/// This machine, as far as copying goes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Machine {
    /// qari runs over SSH: a program here cannot reach the reader's
    /// clipboard, only the terminal can.
    pub ssh: bool,
    /// A clipboard program for the desktop qari runs on, if one is
    /// installed (`wl-copy` on Wayland, `xclip` or `xsel` on X, `pbcopy`
    /// on macOS).
    pub tool: Option<Vec<String>>,
}

impl Machine {
    /// Finds out from the environment (`var` reads a variable) and the
    /// programs on `PATH` (`installed` says whether one is).
    pub fn find(var: impl Fn(&str) -> Option<String>, installed: impl Fn(&str) -> bool) -> Machine {
        let set = |name: &str| var(name).is_some_and(|v| !v.is_empty());
        let ssh = set("SSH_CONNECTION") || set("SSH_CLIENT") || set("SSH_TTY");
        let words = |w: &[&str]| Some(w.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        let tool = if cfg!(target_os = "macos") && installed("pbcopy") {
            words(&["pbcopy"])
        } else if set("WAYLAND_DISPLAY") && installed("wl-copy") {
            words(&["wl-copy"])
        } else if set("DISPLAY") && installed("xclip") {
            words(&["xclip", "-selection", "clipboard"])
        } else if set("DISPLAY") && installed("xsel") {
            words(&["xsel", "--clipboard", "--input"])
        } else {
            None
        };
        Machine { ssh, tool }
    }
}

/// Whether `program` is an executable file in a folder of `PATH`.
pub fn on_path(program: &str) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|dir| {
            std::fs::metadata(dir.join(program))
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
    })
}

/// Chooses where copies go: `command` (split at spaces, no shell) when
/// the settings name one; else, when `terminal` ignores OSC 52 (or needs a
/// setting) and qari runs on the reader's own desktop, the clipboard
/// program found there; else the terminal, wrapped for the multiplexer,
/// with a note when the copy may not, or cannot, reach the clipboard.
pub fn route(
    command: Option<&str>,
    terminal: Known,
    multiplexed: Multiplexed,
    machine: &Machine,
) -> Route {
    if let Some(words) = command
        .map(|c| c.split_whitespace().map(String::from).collect::<Vec<_>>())
        .filter(|w| !w.is_empty())
    {
        return Route::Command {
            words,
            found: false,
        };
    }
    let takes = takes(terminal);
    if matches!(takes, Takes::No | Takes::WithSetting(_))
        && !machine.ssh
        && let Some(words) = &machine.tool
    {
        return Route::Command {
            words: words.clone(),
            found: true,
        };
    }
    let wrap = if multiplexed.tmux {
        Wrap::Tmux
    } else if multiplexed.screen {
        Wrap::Screen
    } else {
        Wrap::None
    };
    let tmux_drops =
        multiplexed.tmux && !multiplexed.tmux_clipboard && !multiplexed.tmux_passthrough;
    let note = if tmux_drops {
        Some(Note::Lost(TMUX_CLIPBOARD_HINT.to_string()))
    } else {
        match takes {
            Takes::No if multiplexed.tmux && multiplexed.tmux_clipboard => {
                Some(Note::Unsure(format!(
                    "in tmux's buffer; {} does not put programs' copies on the clipboard",
                    short_name(terminal)
                )))
            }
            Takes::No => Some(Note::Lost(format!(
                "{} does not take copies from programs (OSC 52): {}",
                short_name(terminal),
                if machine.ssh {
                    "over SSH, a terminal that does (kitty, Alacritty, foot, WezTerm) is needed"
                } else {
                    "install wl-clipboard or xclip, or set copy_command in the config"
                }
            ))),
            Takes::WithSetting(how) => Some(Note::Unsure(format!("if it does not paste: {how}"))),
            Takes::Yes | Takes::Unknown => None,
        }
    };
    Route::Terminal { wrap, note }
}

/// A terminal's name in a sentence.
fn short_name(terminal: Known) -> &'static str {
    match terminal {
        Known::Vte(_) => "GNOME Terminal (like every VTE terminal)",
        Known::LinuxConsole => "the Linux console",
        other => other.name(),
    }
}

/// How a copy went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Sent: `bytes` of the text (all of it, or the first part when the
    /// terminal takes no more), with a word on what may still stop it.
    Sent {
        /// Bytes of the text sent.
        bytes: usize,
        /// A note for the person.
        hint: Option<String>,
    },
    /// Not sent, and why.
    Failed(String),
}

/// How long a copy command may take before it is given up (and killed).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(5);

/// Sends copies where the [`Route`] says. Terminal copies are written at
/// once to the writer the screen is drawn on (so the same path works on a
/// local terminal and over any other channel); a command runs on its own
/// thread and its outcome is picked up with [`Copier::poll`].
#[derive(Debug)]
pub struct Copier {
    route: Route,
    worker: Option<Worker<String, Result<(), String>>>,
    /// The text a command is copying.
    waiting: Option<String>,
}

impl Copier {
    /// A copier along `route`.
    pub fn new(route: Route) -> Copier {
        Copier {
            route,
            worker: None,
            waiting: None,
        }
    }

    /// Copies `text`: to the terminal through `out`, the outcome at once;
    /// or to the command, the outcome later from [`Copier::poll`] (`None`
    /// now).
    pub fn copy(&mut self, text: String, out: &mut dyn Write) -> Option<(String, Outcome)> {
        match &self.route {
            Route::Terminal { wrap, note } => {
                let outcome = match (send(&text, *wrap, out), note) {
                    // Sent all the same: a terminal not recognised may
                    // still take it.
                    (Ok(_), Some(Note::Lost(why))) => Outcome::Failed(why.clone()),
                    (Ok(bytes), Some(Note::Unsure(hint))) => Outcome::Sent {
                        bytes,
                        hint: Some(hint.clone()),
                    },
                    (Ok(bytes), None) => Outcome::Sent { bytes, hint: None },
                    (Err(why), _) => Outcome::Failed(why),
                };
                Some((text, outcome))
            }
            Route::Command { words, .. } => {
                let words = words.clone();
                let worker = self.worker.get_or_insert_with(|| {
                    Worker::spawn(
                        "copy",
                        Priority::Normal,
                        || (),
                        move |_, text: String, job| {
                            job.answer(run_command(&words, text.into_bytes()));
                        },
                    )
                });
                worker.request(text.clone());
                self.waiting = Some(text);
                None
            }
        }
    }

    /// The outcome of a command's copy, once it has one.
    pub fn poll(&mut self) -> Option<(String, Outcome)> {
        let answer = self.worker.as_ref()?.take().pop()?;
        let text = self.waiting.take()?;
        let outcome = match answer {
            Ok(()) => Outcome::Sent {
                bytes: text.len(),
                hint: None,
            },
            Err(why) => Outcome::Failed(why),
        };
        Some((text, outcome))
    }

    /// Whether a command is still copying.
    pub fn busy(&self) -> bool {
        self.waiting.is_some()
    }
}

/// Writes the OSC 52 copy of `text` (of as much of it as fits) to `out`;
/// returns how many bytes of the text went.
fn send(text: &str, wrap: Wrap, out: &mut dyn Write) -> Result<usize, String> {
    let mut end = text.len().min(MAX_TEXT);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let bytes = osc52(&text[..end], wrap).map_err(|_| "too long for the terminal".to_string())?;
    out.write_all(&bytes)
        .and_then(|()| out.flush())
        .map_err(|err| format!("the terminal could not be written to: {err}"))?;
    Ok(end)
}

/// Runs `words` with `input` on its standard input; waits up to
/// [`COMMAND_TIMEOUT`]. Its output goes nowhere: clipboard tools leave a
/// process behind to hold the selection, and a pipe to it would never
/// close.
fn run_command(words: &[String], input: Vec<u8>) -> Result<(), String> {
    let name = quote(&words[0], 80);
    // A process group of its own: clipboard tools leave a process behind
    // to hold the selection, and the hang-up that ends qari's group when
    // its terminal closes must not end that one.
    let mut child = Command::new(&words[0])
        .args(&words[1..])
        .process_group(0)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|err| match err.kind() {
            io::ErrorKind::NotFound => format!("copy_command {name} was not found"),
            _ => format!("copy_command {name} could not start: {err}"),
        })?;
    // Written from a thread of its own: a command that does not read must
    // not keep the wait below from giving up on it.
    let writer = child
        .stdin
        .take()
        .map(|mut stdin| std::thread::spawn(move || stdin.write_all(&input)));
    let deadline = Instant::now() + COMMAND_TIMEOUT;
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => break,
            Ok(Some(status)) => return Err(format!("copy_command {name} failed ({status})")),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "copy_command {name} did not finish within {} s",
                    COMMAND_TIMEOUT.as_secs()
                ));
            }
            Err(err) => return Err(format!("copy_command {name}: {err}")),
        }
    }
    match writer.map(std::thread::JoinHandle::join) {
        Some(Ok(Err(err))) => Err(format!("copy_command {name} did not take the text: {err}")),
        _ => Ok(()),
    }
}

/// Standard base64 (RFC 4648, with padding). Twenty lines instead of a
/// dependency: this is the only place qari needs it.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648() {
        // RFC 4648 §10 test vectors.
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (input, expected) in cases {
            assert_eq!(base64(input.as_bytes()), expected, "{input:?}");
        }
        // Arabic with ZWNJ: the bytes as they are, no normalisation.
        assert_eq!(base64("می‌خواهم".as_bytes()), "2YXbjOKAjNiu2YjYp9mH2YU=");
    }

    #[test]
    fn plain_sequence() {
        assert_eq!(osc52("foo", Wrap::None).unwrap(), b"\x1b]52;c;Zm9v\x07");
    }

    #[test]
    fn tmux_gets_the_plain_sequence_then_passthrough_with_escapes_doubled() {
        let out = osc52("foo", Wrap::Tmux).unwrap();
        assert_eq!(
            out,
            b"\x1b]52;c;Zm9v\x07\x1bPtmux;\x1b\x1b]52;c;Zm9v\x07\x1b\\".as_slice()
        );
    }

    #[test]
    fn screen_gets_dcs_strings_in_chunks() {
        let text = "x".repeat(300);
        let out = osc52(&text, Wrap::Screen).unwrap();
        let plain = osc52(&text, Wrap::None).unwrap();
        // Unwrapping the DCS strings gives back the plain sequence.
        let mut unwrapped = Vec::new();
        let mut rest = out.as_slice();
        let mut pieces = 0;
        while !rest.is_empty() {
            assert!(rest.starts_with(b"\x1bP"));
            let end = rest.windows(2).position(|w| w == b"\x1b\\").unwrap();
            assert!(end - 2 <= SCREEN_CHUNK);
            unwrapped.extend_from_slice(&rest[2..end]);
            rest = &rest[end + 2..];
            pieces += 1;
        }
        assert_eq!(unwrapped, plain);
        assert!(pieces > 1);
        // No ST inside a piece but the one that ends it: the only ESC in a
        // piece is the one opening the OSC.
        assert_eq!(out.iter().filter(|&&b| b == 0x1b).count(), 2 * pieces + 1);
    }

    const KITTY: Known = Known::Kitty;
    const GNOME: Known = Known::Vte(7006);

    fn local(tool: Option<&[&str]>) -> Machine {
        Machine {
            ssh: false,
            tool: tool.map(|t| t.iter().map(|s| s.to_string()).collect()),
        }
    }

    fn terminal(wrap: Wrap, note: Option<Note>) -> Route {
        Route::Terminal { wrap, note }
    }

    #[test]
    fn copy_command_wins_and_is_split_at_spaces() {
        assert_eq!(
            route(
                Some(" xclip  -selection clipboard "),
                KITTY,
                Multiplexed::default(),
                &local(None)
            ),
            Route::Command {
                words: vec!["xclip".into(), "-selection".into(), "clipboard".into()],
                found: false
            }
        );
        assert_eq!(
            route(Some("  "), KITTY, Multiplexed::default(), &local(None)),
            terminal(Wrap::None, None)
        );
    }

    #[test]
    fn a_terminal_that_ignores_osc_52_gets_the_desktops_clipboard_program() {
        let xclip = local(Some(&["xclip", "-selection", "clipboard"]));
        assert_eq!(
            route(None, GNOME, Multiplexed::default(), &xclip),
            Route::Command {
                words: vec!["xclip".into(), "-selection".into(), "clipboard".into()],
                found: true
            }
        );
        // A terminal that takes it keeps it, program or not.
        assert_eq!(
            route(None, KITTY, Multiplexed::default(), &xclip),
            terminal(Wrap::None, None)
        );
        // No program: the copy cannot arrive, and the person is told how
        // to make it.
        let Route::Terminal {
            note: Some(Note::Lost(why)),
            ..
        } = route(None, GNOME, Multiplexed::default(), &local(None))
        else {
            panic!("a lost copy");
        };
        assert!(
            why.contains("GNOME Terminal") && why.contains("xclip"),
            "{why}"
        );
        // Over SSH a program on the server is no use.
        let far = Machine {
            ssh: true,
            ..xclip.clone()
        };
        let Route::Terminal {
            note: Some(Note::Lost(why)),
            ..
        } = route(None, GNOME, Multiplexed::default(), &far)
        else {
            panic!("a lost copy");
        };
        assert!(why.contains("over SSH"), "{why}");
        // xterm needs a setting: said after the copy, which may work.
        let Route::Terminal {
            note: Some(Note::Unsure(how)),
            ..
        } = route(None, Known::Xterm, Multiplexed::default(), &local(None))
        else {
            panic!("an unsure copy");
        };
        assert!(how.contains("disallowedWindowOps"), "{how}");
    }

    #[test]
    fn tmux_and_screen_wrap_the_sequence_and_tmux_settings_are_told() {
        let tmux = Multiplexed {
            tmux: true,
            ..Multiplexed::default()
        };
        // tmux's default drops programs' copies.
        assert_eq!(
            route(None, KITTY, tmux, &local(None)),
            terminal(
                Wrap::Tmux,
                Some(Note::Lost(TMUX_CLIPBOARD_HINT.to_string()))
            )
        );
        for on in [
            Multiplexed {
                tmux_clipboard: true,
                ..tmux
            },
            Multiplexed {
                tmux_passthrough: true,
                ..tmux
            },
        ] {
            assert_eq!(
                route(None, KITTY, on, &local(None)),
                terminal(Wrap::Tmux, None)
            );
        }
        // In tmux's buffer, even if the terminal around it ignores it.
        let buffered = Multiplexed {
            tmux_clipboard: true,
            ..tmux
        };
        assert!(matches!(
            route(
                None,
                GNOME,
                buffered,
                &Machine {
                    ssh: true,
                    tool: None
                }
            ),
            Route::Terminal {
                wrap: Wrap::Tmux,
                note: Some(Note::Unsure(_))
            }
        ));
        let screen = Multiplexed {
            screen: true,
            ..Multiplexed::default()
        };
        assert_eq!(
            route(None, Known::Unknown, screen, &local(None)),
            terminal(Wrap::Screen, None)
        );
    }

    #[test]
    fn the_machine_is_found_from_its_environment() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let all = |_: &str| true;
        if cfg!(target_os = "macos") {
            return;
        }
        let wayland = Machine::find(
            env(&[("WAYLAND_DISPLAY", "wayland-0"), ("DISPLAY", ":0")]),
            all,
        );
        assert_eq!(wayland.tool, Some(vec!["wl-copy".to_string()]));
        assert!(!wayland.ssh);
        let x = Machine::find(env(&[("DISPLAY", ":0")]), |p| p == "xsel");
        assert_eq!(
            x.tool,
            Some(vec!["xsel".into(), "--clipboard".into(), "--input".into()])
        );
        let far = Machine::find(env(&[("SSH_CONNECTION", "10.0.0.1 5 10.0.0.2 22")]), all);
        assert_eq!(
            far,
            Machine {
                ssh: true,
                tool: None
            }
        );
        assert!(on_path("sh"));
        assert!(!on_path("qari-no-such-program-here"));
    }

    #[test]
    fn a_terminal_copy_is_written_at_once_and_cut_at_a_character() {
        let mut copier = Copier::new(Route::Terminal {
            wrap: Wrap::None,
            note: None,
        });
        let mut out = Vec::new();
        let (text, outcome) = copier.copy("سلام".into(), &mut out).expect("an outcome now");
        assert_eq!(text, "سلام");
        assert_eq!(
            outcome,
            Outcome::Sent {
                bytes: 8,
                hint: None
            }
        );
        assert_eq!(out, osc52("سلام", Wrap::None).unwrap());
        // Over the cap: the first part, whole characters only.
        let long = "ب".repeat(MAX_TEXT);
        out.clear();
        let (_, outcome) = copier.copy(long.clone(), &mut out).expect("an outcome now");
        let Outcome::Sent { bytes, .. } = outcome else {
            panic!("{outcome:?}");
        };
        assert!(bytes <= MAX_TEXT && bytes > MAX_TEXT - 2 && bytes.is_multiple_of(2));
        assert_eq!(out, osc52(&long[..bytes], Wrap::None).unwrap());
        assert!(out.len() <= MAX_SEQUENCE);
    }

    /// Waits for a command copy's outcome.
    fn outcome_of(copier: &mut Copier) -> (String, Outcome) {
        let start = Instant::now();
        loop {
            if let Some(done) = copier.poll() {
                return done;
            }
            assert!(start.elapsed() < Duration::from_secs(20), "no outcome");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    #[test]
    fn a_command_gets_the_text_on_its_input() {
        let path = std::env::temp_dir().join(format!("qari-copy-{}", std::process::id()));
        let mut copier = Copier::new(route(
            Some(&format!("tee {}", path.display())),
            KITTY,
            Multiplexed::default(),
            &local(None),
        ));
        let mut out = Vec::new();
        let text = "می\u{200c}خواهم\n".repeat(50_000);
        assert!(copier.copy(text.clone(), &mut out).is_none());
        assert!(copier.busy());
        let (copied, outcome) = outcome_of(&mut copier);
        assert_eq!(copied, text);
        assert_eq!(
            outcome,
            Outcome::Sent {
                bytes: text.len(),
                hint: None
            }
        );
        assert!(!copier.busy());
        // Nothing went to the terminal; the command got every byte.
        assert!(out.is_empty());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
        std::fs::remove_file(&path).ok();
    }

    #[test]
    fn a_lost_copy_is_sent_all_the_same_and_said_to_be_lost() {
        let mut copier = Copier::new(route(None, GNOME, Multiplexed::default(), &local(None)));
        let mut out = Vec::new();
        let (_, outcome) = copier.copy("x".into(), &mut out).expect("at once");
        assert!(
            matches!(outcome, Outcome::Failed(ref why) if why.contains("OSC 52")),
            "{outcome:?}"
        );
        assert_eq!(out, osc52("x", Wrap::None).unwrap());
    }

    #[test]
    fn a_command_that_fails_or_is_missing_is_said_so() {
        for (command, says) in [
            ("qari-no-such-program-here", "was not found"),
            ("false", "failed"),
        ] {
            let mut copier = Copier::new(route(
                Some(command),
                KITTY,
                Multiplexed::default(),
                &local(None),
            ));
            assert!(copier.copy("x".into(), &mut Vec::new()).is_none());
            let (_, outcome) = outcome_of(&mut copier);
            match outcome {
                Outcome::Failed(why) => assert!(why.contains(says), "{why}"),
                other => panic!("{command}: {other:?}"),
            }
        }
    }

    #[test]
    fn the_cap_keeps_the_sequence_within_bounds() {
        let fits = "a".repeat(MAX_TEXT);
        assert!(osc52(&fits, Wrap::None).unwrap().len() <= MAX_SEQUENCE);
        let over = "a".repeat(MAX_TEXT + 1);
        assert_eq!(
            osc52(&over, Wrap::None),
            Err(TooLong {
                bytes: MAX_TEXT + 1
            })
        );
    }
}
