//! Asking the terminal about itself: which terminal it is (XTVERSION and
//! Secondary Device Attributes, when its environment does not say), and
//! its bidi mode (for `qari --check-terminal`).
//!
//! DECRQM for the ECMA-48 mode BDSM (`CSI 8 $ p`) is answered with
//! `CSI 8 ; Ps $ y` by terminals that know the mode (VTE, WezTerm, iTerm2
//! and mintty among them). The query is followed by Primary Device
//! Attributes (`CSI c`), which every terminal answers, so the wait ends as
//! soon as that answer arrives, and a terminal that ignores DECRQM costs one
//! round trip, not a timeout. The answer travels over SSH like any input.

use std::io::{self, Write};
use std::time::{Duration, Instant};

/// What the terminal said about BDSM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BdsmReport {
    /// Implicit mode now (the terminal reorders), and it can be switched.
    Implicit,
    /// Explicit mode now (the terminal does not reorder), and it can be switched.
    Explicit,
    /// Always implicit.
    AlwaysImplicit,
    /// Always explicit: the terminal never reorders.
    AlwaysExplicit,
    /// The terminal answered that it does not know the mode.
    Unknown,
    /// No answer about the mode (the device attributes came back alone, or
    /// nothing came back in time).
    NoAnswer,
}

impl BdsmReport {
    /// A sentence for people.
    pub fn describe(self) -> &'static str {
        match self {
            BdsmReport::Implicit => {
                "the terminal reorders right-to-left text itself (implicit mode) and can be switched to explicit mode"
            }
            BdsmReport::Explicit => {
                "the terminal is in explicit mode: it does not reorder, and can be switched"
            }
            BdsmReport::AlwaysImplicit => "the terminal always reorders (implicit mode only)",
            BdsmReport::AlwaysExplicit => "the terminal never reorders (explicit mode only)",
            BdsmReport::Unknown => "the terminal does not know the bidi mode setting (BDSM)",
            BdsmReport::NoAnswer => "no answer about the bidi mode setting (BDSM)",
        }
    }
}

/// The queries: DECRQM for BDSM, then Primary Device Attributes.
pub const QUERY: &str = "\x1b[8$p\x1b[c";

/// One answer in what a terminal sends back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reply<'a> {
    /// `CSI body final`: parameters and intermediates, and the final byte.
    Csi(&'a [u8], u8),
    /// `DCS body ST`.
    Dcs(&'a [u8]),
}

/// The answers in `bytes`, in order; anything else (a key typed meanwhile)
/// is skipped, and an answer cut off at the end is left out.
fn replies(bytes: &[u8]) -> impl Iterator<Item = Reply<'_>> {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i + 1 < bytes.len() {
            let start = i + 2;
            match (bytes[i], bytes[i + 1]) {
                (0x1b, b'[') => {
                    let len = bytes[start..]
                        .iter()
                        .position(|b| (0x40..=0x7e).contains(b))?;
                    i = start + len + 1;
                    return Some(Reply::Csi(&bytes[start..start + len], bytes[start + len]));
                }
                (0x1b, b'P') => {
                    let len = bytes[start..].windows(2).position(|w| w == b"\x1b\\")?;
                    i = start + len + 2;
                    return Some(Reply::Dcs(&bytes[start..start + len]));
                }
                _ => i += 1,
            }
        }
        None
    })
}

/// Reads what the terminal sent back: the BDSM report, if any, and whether
/// the device attributes answer (which ends the wait) has arrived.
pub fn parse_replies(bytes: &[u8]) -> (Option<BdsmReport>, bool) {
    let mut report = None;
    let mut attributes = false;
    for reply in replies(bytes) {
        match reply {
            Reply::Csi(body, b'y') if body.ends_with(b"$") => {
                let params = &body[..body.len() - 1];
                if let Some(value) = params.strip_prefix(b"8;") {
                    report = Some(match value {
                        b"1" => BdsmReport::Implicit,
                        b"2" => BdsmReport::Explicit,
                        b"3" => BdsmReport::AlwaysImplicit,
                        b"4" => BdsmReport::AlwaysExplicit,
                        _ => BdsmReport::Unknown,
                    });
                }
            }
            Reply::Csi(body, b'c') if body.starts_with(b"?") => attributes = true,
            _ => {}
        }
    }
    (report, attributes)
}

/// Asks the terminal about its bidi mode and waits up to `timeout` for
/// its answers.
pub fn query_bdsm(timeout: Duration) -> io::Result<BdsmReport> {
    let received = ask(QUERY, timeout, |bytes| parse_replies(bytes).1)?;
    Ok(parse_replies(&received).0.unwrap_or(BdsmReport::NoAnswer))
}

/// What a terminal says about itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    /// Its name and version, from XTVERSION (`DCS > | text ST`).
    pub version: Option<String>,
    /// The parameters of its Secondary Device Attributes (`CSI > … c`).
    pub attributes: Option<Vec<u32>>,
}

/// XTVERSION, then Secondary and Primary Device Attributes. Every terminal
/// answers the last, which ends the wait; the terminals tried (xterm, VTE,
/// kitty, Konsole, QTerminal, mlterm, Alacritty, foot, st, urxvt) ignore
/// what they do not know without printing anything.
pub const IDENTIFY: &str = "\x1b[>q\x1b[>c\x1b[c";

/// Reads what the terminal sent back to [`IDENTIFY`]; the flag says
/// whether the Primary Device Attributes answer (the last) has arrived.
pub fn parse_identity(bytes: &[u8]) -> (Identity, bool) {
    let mut identity = Identity::default();
    let mut done = false;
    for reply in replies(bytes) {
        match reply {
            Reply::Dcs(body) => {
                if let Some(text) = body.strip_prefix(b">|") {
                    let text: String = String::from_utf8_lossy(text)
                        .chars()
                        .filter(|c| !c.is_control())
                        .take(64)
                        .collect();
                    identity.version = Some(text);
                }
            }
            Reply::Csi(body, b'c') => {
                if let Some(params) = body.strip_prefix(b">") {
                    let numbers = String::from_utf8_lossy(params)
                        .split(';')
                        .map(|n| n.parse::<u32>().unwrap_or(0))
                        .collect();
                    identity.attributes = Some(numbers);
                } else if body.starts_with(b"?") {
                    done = true;
                }
            }
            Reply::Csi(..) => {}
        }
    }
    (identity, done)
}

/// Asks the terminal which one it is and waits up to `timeout` for it to
/// say.
pub fn identify(timeout: Duration) -> io::Result<Identity> {
    let received = ask(IDENTIFY, timeout, |bytes| parse_identity(bytes).1)?;
    Ok(parse_identity(&received).0)
}

/// Writes `query` to the terminal and collects what comes back until `done`
/// says the answers are in or `timeout` passes. The answers are read from
/// `/dev/tty` (standard input may be a pipe: `qari -`); raw mode is on for
/// the wait only.
fn ask(query: &str, timeout: Duration, done: impl Fn(&[u8]) -> bool) -> io::Result<Vec<u8>> {
    use std::os::fd::AsRawFd;
    let tty = std::fs::File::open("/dev/tty")?;
    crossterm::terminal::enable_raw_mode()?;
    let result = (|| {
        let mut out = io::stdout();
        out.write_all(query.as_bytes())?;
        out.flush()?;
        let fd = tty.as_raw_fd();
        let deadline = Instant::now() + timeout;
        let mut received = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if done(&received) || left.is_zero() || received.len() > 4096 {
                return Ok(received);
            }
            let mut pollfd = libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            };
            let millis = left.as_millis().min(i32::MAX as u128) as i32;
            // SAFETY: one valid pollfd; poll writes only its `revents`.
            let ready = unsafe { libc::poll(&mut pollfd, 1, millis) };
            if ready <= 0 {
                continue;
            }
            let mut buf = [0u8; 256];
            // SAFETY: `buf` is valid for `buf.len()` bytes.
            let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
            if n <= 0 {
                return Ok(received);
            }
            received.extend_from_slice(&buf[..n as usize]);
        }
    })();
    crossterm::terminal::disable_raw_mode()?;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_bdsm_answer_and_the_attributes() {
        let cases = [
            (
                &b"\x1b[8;1$y\x1b[?62;22c"[..],
                Some(BdsmReport::Implicit),
                true,
            ),
            (b"\x1b[8;2$y\x1b[?1;2c", Some(BdsmReport::Explicit), true),
            (
                b"\x1b[8;4$y\x1b[?64c",
                Some(BdsmReport::AlwaysExplicit),
                true,
            ),
            (b"\x1b[8;0$y\x1b[?6c", Some(BdsmReport::Unknown), true),
            (b"\x1b[?65;1;9c", None, true),
            (b"\x1b[8;1$y", Some(BdsmReport::Implicit), false),
            (b"\x1b[8;1", None, false),
            (b"", None, false),
        ];
        for (bytes, report, attributes) in cases {
            assert_eq!(
                parse_replies(bytes),
                (report, attributes),
                "{:?}",
                String::from_utf8_lossy(bytes)
            );
        }
    }

    #[test]
    fn reads_what_terminals_say_about_themselves() {
        // kitty 0.26, as it answered.
        let (identity, done) =
            parse_identity(b"\x1bP>|kitty(0.26.5)\x1b\\\x1b[>1;4000;26c\x1b[?62;c");
        assert!(done);
        assert_eq!(identity.version.as_deref(), Some("kitty(0.26.5)"));
        assert_eq!(identity.attributes, Some(vec![1, 4000, 26]));
        // VTE: no XTVERSION; the primary answer not in yet.
        let (identity, done) = parse_identity(b"\x1b[>65;7006;1c");
        assert!(!done);
        assert_eq!(identity.version, None);
        assert_eq!(identity.attributes, Some(vec![65, 7006, 1]));
        // st answers only the primary attributes.
        assert_eq!(parse_identity(b"\x1b[?6c"), (Identity::default(), true));
        // Cut off, or with a control inside the name: nothing unsafe kept.
        assert_eq!(parse_identity(b"\x1bP>|abc").0, Identity::default());
        let (identity, _) = parse_identity(b"\x1bP>|x\x07y\x1b\\\x1b[?6c");
        assert_eq!(identity.version.as_deref(), Some("xy"));
    }

    #[test]
    fn other_input_around_the_answers_is_skipped() {
        // A key typed during the wait, and another mode's report.
        let bytes = b"j\x1b[2004;2$y\x1b[8;2$y\x1b[?62c";
        assert_eq!(parse_replies(bytes), (Some(BdsmReport::Explicit), true));
    }
}
