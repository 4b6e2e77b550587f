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
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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
    /// any; `hint` says what may still keep it from the clipboard.
    Terminal {
        /// How the sequence is wrapped.
        wrap: Wrap,
        /// A word for the person when the copy cannot be confirmed.
        hint: Option<&'static str>,
    },
    /// To a command's standard input (`copy_command`): the program and
    /// its arguments.
    Command(Vec<String>),
}

/// Said after a copy inside tmux when neither of tmux's settings lets it
/// reach the clipboard.
pub const TMUX_CLIPBOARD_HINT: &str =
    "if it does not paste, put `set -g set-clipboard on` in ~/.tmux.conf";

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

/// Chooses where copies go: `command` (split at spaces, no shell) when
/// the settings name one, else the terminal, wrapped for the multiplexer.
pub fn route(command: Option<&str>, multiplexed: Multiplexed) -> Route {
    if let Some(words) = command
        .map(|c| c.split_whitespace().map(String::from).collect::<Vec<_>>())
        .filter(|w| !w.is_empty())
    {
        return Route::Command(words);
    }
    if multiplexed.tmux {
        let hint = (!multiplexed.tmux_clipboard && !multiplexed.tmux_passthrough)
            .then_some(TMUX_CLIPBOARD_HINT);
        return Route::Terminal {
            wrap: Wrap::Tmux,
            hint,
        };
    }
    Route::Terminal {
        wrap: if multiplexed.screen {
            Wrap::Screen
        } else {
            Wrap::None
        },
        hint: None,
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
        hint: Option<&'static str>,
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
            Route::Terminal { wrap, hint } => {
                let outcome = send(&text, *wrap, *hint, out);
                Some((text, outcome))
            }
            Route::Command(words) => {
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

/// Writes the OSC 52 copy of `text` (of as much of it as fits) to `out`.
fn send(text: &str, wrap: Wrap, hint: Option<&'static str>, out: &mut dyn Write) -> Outcome {
    let mut end = text.len().min(MAX_TEXT);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let Ok(bytes) = osc52(&text[..end], wrap) else {
        return Outcome::Failed("too long for the terminal".into());
    };
    match out.write_all(&bytes).and_then(|()| out.flush()) {
        Ok(()) => Outcome::Sent { bytes: end, hint },
        Err(err) => Outcome::Failed(format!("the terminal could not be written to: {err}")),
    }
}

/// Runs `words` with `input` on its standard input; waits up to
/// [`COMMAND_TIMEOUT`]. Its output goes nowhere: clipboard tools leave a
/// process behind to hold the selection, and a pipe to it would never
/// close.
fn run_command(words: &[String], input: Vec<u8>) -> Result<(), String> {
    let name = quote(&words[0], 80);
    let mut child = Command::new(&words[0])
        .args(&words[1..])
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

    #[test]
    fn routes_follow_the_setting_and_the_multiplexer() {
        let tmux = Multiplexed {
            tmux: true,
            ..Multiplexed::default()
        };
        assert_eq!(
            route(Some(" xclip  -selection clipboard "), tmux),
            Route::Command(vec![
                "xclip".into(),
                "-selection".into(),
                "clipboard".into()
            ])
        );
        assert_eq!(
            route(Some("  "), Multiplexed::default()),
            Route::Terminal {
                wrap: Wrap::None,
                hint: None
            }
        );
        // tmux with neither setting: the copy may stop there, and qari says so.
        assert_eq!(
            route(None, tmux),
            Route::Terminal {
                wrap: Wrap::Tmux,
                hint: Some(TMUX_CLIPBOARD_HINT)
            }
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
                route(None, on),
                Route::Terminal {
                    wrap: Wrap::Tmux,
                    hint: None
                }
            );
        }
        let screen = Multiplexed {
            screen: true,
            ..Multiplexed::default()
        };
        assert_eq!(
            route(None, screen),
            Route::Terminal {
                wrap: Wrap::Screen,
                hint: None
            }
        );
    }

    #[test]
    fn a_terminal_copy_is_written_at_once_and_cut_at_a_character() {
        let mut copier = Copier::new(Route::Terminal {
            wrap: Wrap::None,
            hint: None,
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
            Multiplexed::default(),
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
    fn a_command_that_fails_or_is_missing_is_said_so() {
        for (command, says) in [
            ("qari-no-such-program-here", "was not found"),
            ("false", "failed"),
        ] {
            let mut copier = Copier::new(route(Some(command), Multiplexed::default()));
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
