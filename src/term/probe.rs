//! Asking the terminal about its bidi mode, for `qari --check-terminal`.
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

/// Reads what the terminal sent back: the BDSM report, if any, and whether
/// the device attributes answer (which ends the wait) has arrived.
pub fn parse_replies(bytes: &[u8]) -> (Option<BdsmReport>, bool) {
    let mut report = None;
    let mut attributes = false;
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] != 0x1b || bytes[i + 1] != b'[' {
            i += 1;
            continue;
        }
        // A CSI sequence: parameters and intermediates up to a final byte.
        let start = i + 2;
        let Some(len) = bytes[start..]
            .iter()
            .position(|b| (0x40..=0x7e).contains(b))
        else {
            break;
        };
        let body = &bytes[start..start + len];
        let last = bytes[start + len];
        match (last, body) {
            (b'y', body) if body.ends_with(b"$") => {
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
            (b'c', body) if body.starts_with(b"?") => attributes = true,
            _ => {}
        }
        i = start + len + 1;
    }
    (report, attributes)
}

/// Asks the terminal on standard input and output (which must be one) and
/// waits up to `timeout` for its answers. Raw mode is on for the wait only.
pub fn query_bdsm(timeout: Duration) -> io::Result<BdsmReport> {
    use std::os::fd::AsRawFd;
    crossterm::terminal::enable_raw_mode()?;
    let result = (|| {
        let mut out = io::stdout();
        out.write_all(QUERY.as_bytes())?;
        out.flush()?;
        let fd = io::stdin().as_raw_fd();
        let deadline = Instant::now() + timeout;
        let mut received = Vec::new();
        loop {
            let (report, attributes) = parse_replies(&received);
            if attributes {
                return Ok(report.unwrap_or(BdsmReport::NoAnswer));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(report.unwrap_or(BdsmReport::NoAnswer));
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
                return Ok(report.unwrap_or(BdsmReport::NoAnswer));
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
    fn other_input_around_the_answers_is_skipped() {
        // A key typed during the wait, and another mode's report.
        let bytes = b"j\x1b[2004;2$y\x1b[8;2$y\x1b[?62c";
        assert_eq!(parse_replies(bytes), (Some(BdsmReport::Explicit), true));
    }
}
