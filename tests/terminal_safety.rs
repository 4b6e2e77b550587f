//! Terminal safety: the real binary, in a pseudo-terminal and through pipes,
//! on documents, file names and typed queries full of escape sequences, C0
//! and C1 controls and bidi overrides. Every byte it writes is scanned: the
//! only escape sequences allowed are the ones qari's own terminal code sends
//! (listed in `allowed_csi`), and no control character, C1 code point or
//! bidi control reaches the terminal.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::fixtures::{Fixtures, hostile_library};
use common::pty::{Pty, escaped};

/// The size of every pseudo-terminal here; cursor positions beyond it are
/// not qari's.
const COLS: u16 = 100;
const ROWS: u16 = 30;

/// Which line endings and escapes an output may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// The reader on a terminal: qari moves the cursor with CUP only, so
    /// neither CR nor LF is ever written; escapes from the allowlist.
    Tui,
    /// Plain text through a pipe: LF ends lines; no escape at all.
    Piped,
    /// Plain text on a terminal, whose line discipline turns each LF into
    /// CR LF: CR only right before LF; no escape at all.
    PtyText,
}

/// Names a character that must never reach the terminal: C0 controls (the
/// scan lets through ESC and the line endings it expects before asking), DEL
/// and C1 controls; UAX #9's explicit formatting characters (embeddings,
/// overrides, isolates) and the marks LRM, RLM and ALM, which qari obeys and
/// never prints; and LINE and PARAGRAPH SEPARATOR, which the sanitiser
/// replaces because terminals treat them inconsistently.
fn forbidden_char(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{061C}' => "ARABIC LETTER MARK",
        '\u{200E}' => "LEFT-TO-RIGHT MARK",
        '\u{200F}' => "RIGHT-TO-LEFT MARK",
        '\u{202A}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202B}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202C}' => "POP DIRECTIONAL FORMATTING",
        '\u{202D}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202E}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        '\u{2028}' => "LINE SEPARATOR",
        '\u{2029}' => "PARAGRAPH SEPARATOR",
        '\u{7F}' => "DEL",
        '\u{80}'..='\u{9F}' => "a C1 control",
        '\0'..='\x1f' => "a C0 control",
        _ => return None,
    })
}

/// Numbers of a parameter string: `None` unless it is digits separated by
/// `;` (an empty parameter counts as 0, as ECMA-48 defaults it).
fn numbers(params: &[u8]) -> Option<Vec<u32>> {
    if params.is_empty() {
        return Some(Vec::new());
    }
    params
        .split(|&b| b == b';')
        .map(|p| {
            if p.len() > 5 || !p.iter().all(u8::is_ascii_digit) {
                return None;
            }
            Some(p.iter().fold(0, |n, &d| n * 10 + u32::from(d - b'0')))
        })
        .collect()
}

/// Whether SGR parameters are ones ratatui's crossterm backend sends for
/// the styles qari uses or may use for themes: attributes on and off,
/// the 16 colours, 256 colours, RGB colours and default colours.
fn allowed_sgr(params: &[u32]) -> bool {
    let mut rest = params;
    while let Some((&p, tail)) = rest.split_first() {
        rest = tail;
        match p {
            // Reset; bold, dim, italic, underline, reverse, crossed out.
            0 | 1 | 2 | 3 | 4 | 7 | 9 => {}
            // Their "off" forms: normal intensity, not italic, not
            // underlined, not reversed, not crossed out.
            22 | 23 | 24 | 27 | 29 => {}
            // Foreground and background: 8 colours, bright ones, default;
            // 59 is the default underline colour.
            30..=37 | 39 | 40..=47 | 49 | 59 | 90..=97 | 100..=107 => {}
            // Extended colour (foreground, background, underline):
            // 5;n (256 colours) or 2;r;g;b.
            38 | 48 | 58 => match rest {
                [5, n, tail @ ..] if *n <= 255 => rest = tail,
                [2, r, g, b, tail @ ..] if *r <= 255 && *g <= 255 && *b <= 255 => rest = tail,
                _ => return false,
            },
            // Blink (5, 6) and hidden (8) are not among them: qari uses
            // neither, so a document's `CSI 5 m` or `CSI 8 m` is caught.
            _ => return false,
        }
    }
    true
}

/// Whether a control sequence `ESC [ params intermediates final` is one
/// qari's terminal code sends. Returns its name for the list of sequences
/// seen, positions left out.
fn allowed_csi(params: &[u8], intermediates: &[u8], last: u8) -> Option<String> {
    if !intermediates.is_empty() {
        return None;
    }
    // Who the terminal is, asked once before the screen is set up when the
    // environment does not say: XTVERSION, then Secondary and Primary
    // Device Attributes.
    match (params, last) {
        (b">", b'q') => return Some("CSI >q (XTVERSION)".to_string()),
        (b">", b'c') => return Some("CSI >c (device attributes)".to_string()),
        (b"", b'c') => return Some("CSI c (device attributes)".to_string()),
        _ => {}
    }
    if let Some(private) = params.strip_prefix(b"?") {
        // DEC private modes, set (h) or reset (l), one per sequence.
        let [mode] = numbers(private)?[..] else {
            return None;
        };
        let what = match mode {
            // Show or hide the cursor (DECTCEM).
            25 => "cursor",
            // Mouse reporting: clicks, drags, all motion (crossterm's
            // EnableMouseCapture sends all five).
            1000 | 1002 | 1003 => "mouse",
            // Mouse coordinates in SGR and urxvt encodings.
            1006 | 1015 => "mouse encoding",
            // The alternate screen, with the cursor saved.
            1049 => "alternate screen",
            // Synchronized update around each frame.
            2026 => "synchronized update",
            _ => return None,
        };
        return matches!(last, b'h' | b'l')
            .then(|| format!("CSI ?{mode}{} ({what})", char::from(last)));
    }
    let n = numbers(params)?;
    match (last, &n[..]) {
        // ECMA-48 BDSM, bidi explicit (l) on start and implicit (h) on exit.
        (b'h' | b'l', [8]) => Some(format!("CSI 8{} (bidi mode)", char::from(last))),
        // Cursor position, 1-based, inside the screen (crossterm's MoveTo
        // always sends both numbers).
        (b'H', [row, col])
            if (1..=u32::from(ROWS)).contains(row) && (1..=u32::from(COLS)).contains(col) =>
        {
            Some("CSI row;col H (cursor position)".to_string())
        }
        // Erase the whole display: ratatui's `clear` after a resize.
        (b'J', [2]) => Some("CSI 2J (erase display)".to_string()),
        // Select graphic rendition.
        (b'm', params) if allowed_sgr(params) => {
            let params: Vec<String> = params.iter().map(u32::to_string).collect();
            Some(format!("CSI {}m (SGR)", params.join(";")))
        }
        _ => None,
    }
}

/// The output around `at`, escaped, for a message.
fn context(output: &[u8], at: usize) -> String {
    let start = at.saturating_sub(60);
    let end = (at + 60).min(output.len());
    format!(
        "{}>>>{}<<<{}",
        escaped(&output[start..at]),
        escaped(&output[at..(at + 1).min(output.len())]),
        escaped(&output[(at + 1).min(output.len())..end])
    )
}

/// Walks every byte of `output`. Returns the distinct escape sequences seen
/// (by name), or the first violation with its place and context.
fn scan(output: &[u8], expect: Expect) -> Result<Vec<String>, String> {
    let text = match std::str::from_utf8(output) {
        Ok(text) => text,
        Err(e) => {
            let at = e.valid_up_to();
            return Err(format!("not UTF-8 at byte {at}: {}", context(output, at)));
        }
    };
    let mut seen = BTreeSet::new();
    let bytes = text.as_bytes();
    // The questions about the terminal go before its screen is set up, and
    // never again.
    let screen_set_up = text.find("\x1b[?1049h").unwrap_or(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '\n' if expect != Expect::Tui => continue,
            '\r' if expect == Expect::PtyText && bytes.get(at + 1) == Some(&b'\n') => continue,
            '\x1b' if expect == Expect::Tui => {
                let end = csi_end(bytes, at)
                    .map_err(|why| format!("{why} at byte {at}: {}", context(output, at)))?;
                let body = &bytes[at + 2..end];
                let last = bytes[end];
                let split = body
                    .iter()
                    .position(|b| (0x20..=0x2f).contains(b))
                    .unwrap_or(body.len());
                let (params, intermediates) = body.split_at(split);
                match allowed_csi(params, intermediates, last) {
                    Some(name) if name.contains("(XTVERSION)") || name.contains("attributes)") => {
                        if at > screen_set_up {
                            return Err(format!(
                                "{name} after the screen was set up, at byte {at}: {}",
                                context(output, at)
                            ));
                        }
                        seen.insert(name);
                    }
                    Some(name) => {
                        seen.insert(name);
                    }
                    None => {
                        return Err(format!(
                            "escape sequence {} not in the allowlist, at byte {at}: {}",
                            escaped(&bytes[at..=end]),
                            context(output, at)
                        ));
                    }
                }
                while chars.peek().is_some_and(|&(i, _)| i <= end) {
                    chars.next();
                }
            }
            c => {
                if let Some(what) = forbidden_char(c) {
                    return Err(format!(
                        "{what} (U+{:04X}) at byte {at}: {}",
                        u32::from(c),
                        context(output, at)
                    ));
                }
            }
        }
    }
    Ok(seen.into_iter().collect())
}

/// The index of the final byte of the control sequence starting with the
/// ESC at `at`, or why it is not a well-formed CSI (ECMA-48 5.4: parameter
/// bytes 0x30–0x3F, then intermediate bytes 0x20–0x2F, then a final byte
/// 0x40–0x7E).
fn csi_end(bytes: &[u8], at: usize) -> Result<usize, String> {
    match bytes.get(at + 1) {
        Some(b'[') => {}
        Some(b']') => return Err("OSC (ESC ])".into()),
        Some(b'P') => return Err("DCS (ESC P)".into()),
        Some(b'_') => return Err("APC (ESC _)".into()),
        Some(b'^') => return Err("PM (ESC ^)".into()),
        Some(b'X') => return Err("SOS (ESC X)".into()),
        Some(&b) => return Err(format!("ESC followed by {}", escaped(&[b]))),
        None => return Err("ESC at the end of the output".into()),
    }
    let mut i = at + 2;
    while bytes.get(i).is_some_and(|b| (0x30..=0x3f).contains(b)) {
        i += 1;
    }
    while bytes.get(i).is_some_and(|b| (0x20..=0x2f).contains(b)) {
        i += 1;
    }
    match bytes.get(i) {
        Some(b) if (0x40..=0x7e).contains(b) => Ok(i),
        Some(&b) => Err(format!("malformed CSI ({} inside it)", escaped(&[b]))),
        None => Err("CSI cut off at the end of the output".into()),
    }
}

// ---------------------------------------------------------------------------
// The scanner itself: each hostile form is rejected, qari's own accepted.

/// What qari sends around one frame (from a run on the bundled documents).
const QARI_FRAME: &[u8] = b"\x1b[8l\x1b[?1049h\x1b[?25l\x1b[?1000h\x1b[?1002h\x1b[?1003h\
\x1b[?1015h\x1b[?1006h\x1b[?2026h\x1b[1;3H\x1b[1mDocuments: 5\x1b[22m\x1b[2;4H\
\x1b[7m\xef\xbb\xaa\xef\xba\x8e\x1b[27m\x1b[38;5;3;49m!\x1b[39;49m\x1b[59m\x1b[0m\x1b[30;100H\
\x1b[2m\xe2\x94\x82\x1b[22m\x1b[?25l\x1b[?2026l\x1b[2J\x1b[?1006l\x1b[?1015l\x1b[?1003l\
\x1b[?1002l\x1b[?1000l\x1b[?25h\x1b[?1049l\x1b[8h";

#[test]
fn the_scanner_accepts_what_qari_sends() {
    let seen = scan(QARI_FRAME, Expect::Tui).expect("qari's own sequences pass");
    for name in [
        "CSI ?1049h (alternate screen)",
        "CSI ?25l (cursor)",
        "CSI 8l (bidi mode)",
        "CSI 8h (bidi mode)",
        "CSI ?1000h (mouse)",
        "CSI ?1006l (mouse encoding)",
        "CSI ?2026h (synchronized update)",
        "CSI row;col H (cursor position)",
        "CSI 2J (erase display)",
        "CSI 38;5;3;49m (SGR)",
        "CSI 0m (SGR)",
    ] {
        assert!(seen.iter().any(|s| s == name), "{name} in {seen:?}");
    }
    assert_eq!(scan("سطر\nline\n".as_bytes(), Expect::Piped), Ok(vec![]));
    assert_eq!(
        scan("سطر\r\nline\r\n".as_bytes(), Expect::PtyText),
        Ok(vec![])
    );
    assert_eq!(scan(b"", Expect::Tui), Ok(vec![]));
}

/// Asserts that `bytes` fails the scan with a message holding `why`.
fn rejects(bytes: &[u8], expect: Expect, why: &str) {
    match scan(bytes, expect) {
        Ok(seen) => panic!("{} passed as {expect:?}: {seen:?}", escaped(bytes)),
        Err(e) => assert!(
            e.contains(why),
            "{}: {e:?} should say {why:?}",
            escaped(bytes)
        ),
    }
}

#[test]
fn the_scanner_rejects_string_controls() {
    for (bytes, why) in [
        (&b"a\x1b]52;c;aGFja2Vk\x07b"[..], "OSC"),
        (b"a\x1b]52;c;aGFja2Vk\x1b\\b", "OSC"),
        (b"\x1b]0;pwned\x07", "OSC"),
        (b"\x1b]2;pwned\x1b\\", "OSC"),
        (b"\x1b]8;;https://example.invalid\x1b\\", "OSC"),
        (b"\x1bPq#0;2;0;0;0\x1b\\", "DCS"),
        (b"\x1bP+q544e\x1b\\", "DCS"),
        (b"\x1b_Gf=100;AAAA\x1b\\", "APC"),
        (b"\x1b^private\x1b\\", "PM"),
        (b"\x1bXstring\x1b\\", "SOS"),
    ] {
        rejects(bytes, Expect::Tui, why);
    }
}

#[test]
fn the_scanner_rejects_escapes_qari_does_not_send() {
    for (bytes, why) in [
        // Erases qari never sends: scrollback, bare forms, line erase.
        (&b"\x1b[3J"[..], "allowlist"),
        (b"\x1b[J", "allowlist"),
        (b"\x1b[K", "allowlist"),
        // Cursor: bare home, zero, off the screen, relative moves.
        (b"\x1b[H", "allowlist"),
        (b"\x1b[0;0H", "allowlist"),
        (b"\x1b[31;1H", "allowlist"),
        (b"\x1b[1;101H", "allowlist"),
        (b"\x1b[5A", "allowlist"),
        (b"\x1b[3C", "allowlist"),
        // SGR qari never uses (blink, hidden), malformed colours, colons.
        (b"\x1b[31;1;5m", "allowlist"),
        (b"\x1b[8m", "allowlist"),
        (b"\x1b[38;5;300m", "allowlist"),
        (b"\x1b[38;5m", "allowlist"),
        (b"\x1b[38:2::255:0:0m", "allowlist"),
        // Bracketed paste markers, queries that make the terminal answer.
        (b"\x1b[201~", "allowlist"),
        (b"\x1b[6n", "allowlist"),
        (b"\x1b[?1049h\x1b[c", "after the screen was set up"),
        (b"\x1b[?1049h\x1b[>c", "after the screen was set up"),
        (b"\x1b[=c", "allowlist"),
        (b"\x1b[21t", "allowlist"),
        // Private modes outside the list, or several at once.
        (b"\x1b[?2004h", "allowlist"),
        (b"\x1b[?9h", "allowlist"),
        (b"\x1b[?1049;25h", "allowlist"),
        (b"\x1b[?25$p", "allowlist"),
        // Other escapes: reset, charset, keypad, alignment test, index.
        (b"\x1bc", "ESC followed by c"),
        (b"\x1b(0", "ESC followed by ("),
        (b"\x1b=", "ESC followed by ="),
        (b"\x1b#8", "ESC followed by #"),
        (b"\x1bD", "ESC followed by D"),
        (b"\x1b\x1b[1;1H", "ESC followed by"),
        // Cut off or broken.
        (b"ok\x1b", "end of the output"),
        (b"ok\x1b[1;", "cut off"),
        (b"\x1b[1;2\x07", "malformed"),
    ] {
        rejects(bytes, Expect::Tui, why);
    }
    // An allowed sequence does not hide what follows it.
    rejects(b"\x1b[1;1Hok\x07", Expect::Tui, "C0");
}

#[test]
fn the_scanner_rejects_controls_and_bidi_marks() {
    for b in (0u8..0x20).filter(|&b| b != 0x1b) {
        let bytes = [b'a', b, b'b'];
        rejects(&bytes, Expect::Tui, "C0");
        if b != b'\n' && b != b'\r' {
            rejects(&bytes, Expect::Piped, "C0");
            rejects(&bytes, Expect::PtyText, "C0");
        }
    }
    rejects(b"a\rb\n", Expect::Piped, "C0");
    rejects(b"a\rb\r\n", Expect::PtyText, "C0");
    rejects(b"overstrike A\x08B", Expect::Piped, "C0");
    rejects(b"a\x7fb", Expect::Tui, "DEL");
    for c in '\u{80}'..='\u{9f}' {
        rejects(format!("a{c}b").as_bytes(), Expect::Tui, "C1");
        rejects(format!("a{c}b").as_bytes(), Expect::Piped, "C1");
    }
    rejects("\u{9b}2J".as_bytes(), Expect::PtyText, "C1");
    rejects(b"raw \x9b2J", Expect::Tui, "not UTF-8");
    rejects(b"raw \x9b2J", Expect::Piped, "not UTF-8");
    for c in [
        '\u{061C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}',
        '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}', '\u{2028}', '\u{2029}',
    ] {
        rejects(format!("x = \"a{c}b\"").as_bytes(), Expect::Tui, "U+");
        rejects(format!("x = \"a{c}b\"").as_bytes(), Expect::Piped, "U+");
    }
    // Plain text may carry no escape at all, not even qari's own.
    rejects(b"\x1b[1;1H", Expect::Piped, "C0");
    rejects(b"\x1b[0m", Expect::PtyText, "C0");
}

// ---------------------------------------------------------------------------
// The real binary.

fn qari() -> Command {
    Command::new(env!("CARGO_BIN_EXE_qari"))
}

/// A fresh hostile library for one test, removed when the test passes.
struct HostileDir {
    fixtures: Fixtures,
}

impl HostileDir {
    fn new(test: &str) -> HostileDir {
        let dir = std::env::temp_dir().join(format!("qari-hostile-{}-{test}", std::process::id()));
        HostileDir {
            fixtures: hostile_library(&dir),
        }
    }
}

impl Drop for HostileDir {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.fixtures.dir);
        }
    }
}

/// The end of every frame qari draws (the synchronized update closes).
const FRAME_END: &[u8] = b"\x1b[?2026l";

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Types `bytes` and waits for the frame they cause (every bound key draws
/// one); returns false when none came within `timeout`.
fn key_within(pty: &mut Pty, bytes: &[u8], timeout: Duration) -> bool {
    let since = pty.len();
    pty.send(bytes);
    pty.wait_until(timeout, |out| contains(&out[since..], FRAME_END))
}

/// Types `bytes`, which must cause a frame.
fn key(pty: &mut Pty, bytes: &[u8]) {
    let since = pty.len();
    if !key_within(pty, bytes, Duration::from_secs(5)) {
        let out = pty.output();
        panic!(
            "no frame after typing {}; qari wrote after it:\n{}",
            escaped(bytes),
            escaped(&out[since..])
        );
    }
}

/// Types each character of `text` as its own key press.
fn type_text(pty: &mut Pty, text: &str) {
    for c in text.chars() {
        key(pty, c.to_string().as_bytes());
    }
}

/// Esc alone: crossterm tells it from the start of a sequence only when no
/// byte follows in the same read, so nothing is sent until its frame is
/// drawn and the input has been quiet a moment.
fn escape(pty: &mut Pty) {
    key(pty, b"\x1b");
    let since = pty.len();
    pty.settle(since, Duration::from_millis(50), Duration::from_millis(100));
}

/// The number in the first "Documents: N" of the output.
/// The document count the list header shows last (the list grows while
/// the folder is scanned).
/// (0 when no frame with it arrived: a loaded machine may not have drawn
/// one yet, and the caller asks again).
fn documents_shown(output: &[u8]) -> usize {
    let text = String::from_utf8_lossy(output);
    text.rsplit("Documents: ")
        .next()
        .filter(|_| text.contains("Documents: "))
        .and_then(|rest| {
            rest.split(|c: char| !c.is_ascii_digit())
                .next()
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// The fixtures the reader should list: every one but binary files (a NUL
/// in the first 8 KB without a UTF-16 byte order mark) and folders (their
/// files are the fixtures themselves). What cannot be read (a broken link,
/// a symlink loop, a FIFO) is listed with its error (README).
fn expected_documents(f: &Fixtures) -> usize {
    f.all()
        .iter()
        .filter(|(_, path)| match std::fs::metadata(path) {
            Err(_) => true,
            Ok(meta) if meta.is_dir() => false,
            Ok(meta) if !meta.is_file() => true,
            Ok(_) => std::fs::read(path).map_or(true, |bytes| {
                let utf16 = bytes.starts_with(b"\xff\xfe") || bytes.starts_with(b"\xfe\xff");
                utf16 || !bytes[..bytes.len().min(8192)].contains(&0)
            }),
        })
        .count()
}

/// Scans the reader's output and checks what every test of it checks.
fn assert_safe_tui(output: &[u8], what: &str) -> Vec<String> {
    assert_safe_tui_with_copies(output, what, None)
}

/// [`assert_safe_tui`] for a run that copied text from `source` (the
/// document's text): its OSC 52 clipboard writes are checked and taken
/// out first, and any other OSC still fails the scan.
fn assert_safe_tui_with_copies(output: &[u8], what: &str, source: Option<&str>) -> Vec<String> {
    let (rest, copies) = match source {
        Some(source) => match take_copies(output, source) {
            Ok(found) => found,
            Err(e) => panic!("{what}: {e}"),
        },
        None => (output.to_vec(), 0),
    };
    assert!(
        !contains(&rest, b"\x1b]"),
        "{what}: an OSC sequence (ESC ]) reached the terminal"
    );
    match scan(&rest, Expect::Tui) {
        Ok(mut seen) => {
            if copies > 0 {
                seen.push(format!("OSC 52 (clipboard) ×{copies}"));
            }
            seen
        }
        Err(e) => panic!("{what}: {e}"),
    }
}

/// Decodes standard base64, or `None` if it is not that.
fn unbase64(text: &[u8]) -> Option<Vec<u8>> {
    let value = |b: u8| match b {
        b'A'..=b'Z' => Some(b - b'A'),
        b'a'..=b'z' => Some(b - b'a' + 26),
        b'0'..=b'9' => Some(b - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    if !text.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::new();
    for quad in text.chunks(4) {
        let pad = quad.iter().rev().take_while(|&&b| b == b'=').count();
        if pad > 2 {
            return None;
        }
        let mut n = 0u32;
        for &b in &quad[..4 - pad] {
            n = n << 6 | u32::from(value(b)?);
        }
        n <<= 6 * pad;
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Some(out)
}

/// Takes qari's clipboard writes out of `output`: each must be exactly
/// `ESC ] 52 ; c ; base64 BEL`, and its text a piece of `source` with
/// the terminal controls (C0 but tab, LF and CR; DEL; C1) left out and
/// nothing else changed. Returns the rest of the output and how many
/// writes there were.
fn take_copies(output: &[u8], source: &str) -> Result<(Vec<u8>, usize), String> {
    const OPEN: &[u8] = b"\x1b]52;c;";
    let terminal_control = |c: char| {
        matches!(c, '\0'..='\x1f' | '\x7f' | '\u{80}'..='\u{9f}')
            && !matches!(c, '\t' | '\n' | '\r')
    };
    let source: String = source.chars().filter(|&c| !terminal_control(c)).collect();
    let mut rest = Vec::with_capacity(output.len());
    let mut copies = 0;
    let mut at = 0;
    while let Some(found) = output[at..].windows(OPEN.len()).position(|w| w == OPEN) {
        let start = at + found;
        rest.extend_from_slice(&output[at..start]);
        let body = start + OPEN.len();
        let end = output[body..]
            .iter()
            .position(|&b| b == 0x07)
            .map(|n| body + n)
            .ok_or_else(|| format!("an OSC 52 at byte {start} is not ended by BEL"))?;
        let text = unbase64(&output[body..end])
            .ok_or_else(|| format!("the OSC 52 at byte {start} does not carry base64"))?;
        let text = String::from_utf8(text)
            .map_err(|_| format!("the OSC 52 at byte {start} does not carry UTF-8"))?;
        if let Some(c) = text.chars().find(|&c| terminal_control(c)) {
            return Err(format!(
                "the OSC 52 at byte {start} carries U+{:04X} to the clipboard",
                u32::from(c)
            ));
        }
        if text.is_empty() || !source.contains(&text) {
            return Err(format!(
                "the OSC 52 at byte {start} carries text that is not the document's: {text:?}"
            ));
        }
        copies += 1;
        at = end + 1;
    }
    rest.extend_from_slice(&output[at..]);
    Ok((rest, copies))
}

#[test]
fn clipboard_writes_are_checked_and_only_they_are_let_through() {
    let source = "سطر \x1b[31mأحمر\u{202E}\n";
    let write = |text: &str| {
        let mut out = b"\x1b]52;c;".to_vec();
        out.extend_from_slice(qari::term::clipboard::base64(text.as_bytes()).as_bytes());
        out.push(0x07);
        out
    };
    // The document's text, its ESC left out, the bidi control kept.
    let good = [b"a".as_slice(), &write("سطر [31mأحمر\u{202E}"), b"b"].concat();
    assert_eq!(take_copies(&good, source), Ok((b"ab".to_vec(), 1)));
    for (bytes, why) in [
        (write("سطر \x1b[31m"), "carries U+001B"),
        (write("hacked"), "not the document's"),
        (b"\x1b]52;c;!!!!\x07".to_vec(), "base64"),
        (b"\x1b]52;c;aGFja2Vk".to_vec(), "not ended by BEL"),
    ] {
        let e = take_copies(&bytes, source).expect_err("a bad clipboard write");
        assert!(e.contains(why), "{e} should say {why}");
    }
    // Any other OSC still fails the scan that follows.
    let (rest, _) = take_copies(b"\x1b]52;q;aGFja2Vk\x07", source).expect("not a write");
    rejects(&rest, Expect::Tui, "OSC");
}

#[test]
fn the_reader_on_a_hostile_library() {
    let started = Instant::now();
    let library = HostileDir::new("reader");
    let f = &library.fixtures;
    let mut command = qari();
    command.arg(&f.dir);
    let mut pty = Pty::spawn(command, COLS, ROWS).expect("qari in a pseudo-terminal");
    pty.wait_for_after(0, "Documents:", Duration::from_secs(10));
    // The scan runs in the background: wait for the whole list.
    let expected = expected_documents(f);
    // A frame sends only the cells that changed, so the count's label may
    // have been drawn once, before the scan was done: a resize redraws the
    // whole screen, and the count is read from that frame. Generous: a
    // loaded machine can take a while to scan.
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut width = COLS;
    let count = loop {
        width = if width == COLS { COLS - 1 } else { COLS };
        let since = pty.len();
        pty.resize(width, ROWS);
        pty.wait_until(Duration::from_secs(5), |out| {
            contains(&out[since..], FRAME_END) && contains(&out[since..], b"Documents: ")
        });
        let count = documents_shown(&pty.output()[since..]);
        if count == expected || Instant::now() > deadline {
            break count;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    if width != COLS {
        let since = pty.len();
        pty.resize(COLS, ROWS);
        pty.wait_until(Duration::from_secs(5), |out| {
            contains(&out[since..], FRAME_END)
        });
    }
    // From here on, until the resize below, nothing erases the screen.
    let counted = pty.len();
    assert_eq!(
        count,
        expected_documents(f),
        "every readable text fixture is listed (run as root: {})",
        f.is_root
    );

    // Open every document, scroll a page, back to the list, next one.
    for i in 0..count {
        key(&mut pty, if i % 2 == 0 { b"\r" } else { b"l" });
        key(&mut pty, b" ");
        key(&mut pty, b"G");
        key(&mut pty, b"h");
        key(&mut pty, b"j");
    }
    // Help, open and closed.
    key(&mut pty, b"?");
    key(&mut pty, b"?");

    // The filter bar, with C1 controls, an override and an Arabic letter
    // mark typed into it; then a lone 0x9B byte, which is not UTF-8 (it
    // may draw nothing).
    key(&mut pty, b"/");
    type_text(&mut pty, "a\u{85}\u{9d}\u{9b}2J\u{202E}\u{61C}ب");
    key_within(&mut pty, b"\x9b", Duration::from_millis(300));
    escape(&mut pty);

    // Search inside escapes.txt: filter to it, open it, search.
    key(&mut pty, b"/");
    type_text(&mut pty, "escapes");
    key(&mut pty, b"\r");
    key(&mut pty, b"/");
    type_text(&mut pty, "pwned\u{85}\u{202E}");
    key(&mut pty, b"\x7f");
    key(&mut pty, b"\x7f");
    key(&mut pty, b"\r");
    key(&mut pty, b"n");
    key(&mut pty, b"N");
    // Copy its text out: all of it, its first paragraph, a selection.
    key(&mut pty, b"Y");
    key(&mut pty, b"y");
    key(&mut pty, b"y");
    key(&mut pty, b"v");
    key(&mut pty, b"}");
    key(&mut pty, b"w");
    key(&mut pty, b"y");
    key(&mut pty, b"h");
    escape(&mut pty);

    // Search the library: results with snippets of hostile paragraphs.
    key(&mut pty, b"\x06");
    type_text(&mut pty, "pwned");
    key(&mut pty, b"\x1b[B");
    key(&mut pty, b"\x15");
    type_text(&mut pty, "\u{9d}52;c \u{202E}x\u{9b}");
    key(&mut pty, b"\x15");
    type_text(&mut pty, "aGFja2Vk");
    key(&mut pty, b"\r");
    key(&mut pty, b"n");

    // qari erases the display only when the terminal's size changes
    // (ratatui clears before redrawing at a new size), so an erase between
    // the resizes would be escapes.txt's own `CSI 2J`.
    let since = pty.len();
    assert!(
        !contains(&pty.output()[counted..], b"\x1b[2J"),
        "an erase reached the terminal while its size stayed the same"
    );
    // A resize redraws everything, smaller and back.
    pty.resize(80, 24);
    pty.wait_for("a frame at 80x24", Duration::from_secs(5), |out| {
        contains(&out[since..], FRAME_END)
    });
    let since = pty.len();
    pty.resize(COLS, ROWS);
    pty.wait_for("a frame at 100x30", Duration::from_secs(5), |out| {
        contains(&out[since..], FRAME_END)
    });

    // Ctrl-z gives the terminal back and sets it up again; no shell does
    // job control here (qari leads a session of its own), so it does not
    // stay stopped. What it sends on the way is scanned with the rest.
    let since = pty.len();
    key(&mut pty, b"\x1a");
    assert!(
        contains(&pty.output()[since..], b"\x1b[?1049l"),
        "Ctrl-z gave the terminal back"
    );

    pty.send(b"q");
    let status = pty.wait_exit(Duration::from_secs(10));
    let output = pty.output();
    let status = status.unwrap_or_else(|e| {
        panic!(
            "qari did not quit: {e}; the last bytes were:\n{}",
            escaped(&output[output.len().saturating_sub(2000)..])
        )
    });
    assert!(status.success(), "qari exited with {status}");
    let escapes =
        String::from_utf8_lossy(&std::fs::read(&f.escapes).expect("escapes.txt")).into_owned();
    let seen =
        assert_safe_tui_with_copies(&output, "the reader on the hostile library", Some(&escapes));
    assert!(
        seen.iter().any(|s| s == "OSC 52 (clipboard) ×3"),
        "three copies were made: {seen:?}"
    );
    // The hostile text was drawn, in visible form: the walk really showed it.
    let text = String::from_utf8_lossy(&output);
    for visible in ["\u{241B}", "pwned", "aGFja2Vk"] {
        assert!(text.contains(visible), "{visible:?} was drawn");
    }
    eprintln!(
        "{} bytes scanned in {:?}; sequences seen:\n  {}",
        output.len(),
        started.elapsed(),
        seen.join("\n  ")
    );
}

/// Feeds `bytes` to the FIFO once a reader opens it (a FIFO cannot be
/// opened for writing before), giving up after ten seconds.
fn feed_fifo(fifo: PathBuf, bytes: Vec<u8>) -> std::thread::JoinHandle<bool> {
    use std::os::unix::fs::OpenOptionsExt;
    std::thread::spawn(move || {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            // Non-blocking: fails with ENXIO until a reader has it open.
            let opened = std::fs::OpenOptions::new()
                .write(true)
                .custom_flags(libc::O_NONBLOCK)
                .open(&fifo);
            if let Ok(mut pipe) = opened {
                use std::io::Write as _;
                return pipe.write_all(&bytes).is_ok();
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    })
}

/// Every fixture, as `qari render` gets them.
fn render_arguments(f: &Fixtures) -> Vec<&Path> {
    f.all().into_iter().map(|(_, path)| path).collect()
}

/// What a FIFO fixture is fed: the escape-sequence document.
fn fifo_payload(f: &Fixtures) -> Vec<u8> {
    std::fs::read(&f.escapes).expect("escapes.txt")
}

#[test]
fn render_through_a_pipe_prints_no_control() {
    let library = HostileDir::new("render-pipe");
    let f = &library.fixtures;
    let fifo = feed_fifo(f.fifo.clone(), fifo_payload(f));
    let child = qari()
        .args(["render", "--width", "60"])
        .args(render_arguments(f))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start qari render");
    let pid = child.id();
    let (done, result) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    let output = match result.recv_timeout(Duration::from_secs(20)) {
        Ok(output) => output.expect("qari render's output"),
        Err(_) => {
            // SAFETY: kill has no memory preconditions; the pid is our child's.
            unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
            panic!("qari render did not end within 20 s (killed)");
        }
    };
    assert!(fifo.join().unwrap_or(false), "qari render read the FIFO");
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Some fixtures cannot be read (loops, dangling links, a folder): the
    // others are still printed and the exit code says so (README).
    assert_eq!(output.status.code(), Some(2), "stderr:\n{stderr}");
    if let Err(e) = scan(&output.stdout, Expect::Piped) {
        panic!("qari render's standard output: {e}");
    }
    if let Err(e) = scan(&output.stderr, Expect::Piped) {
        panic!("qari render's standard error: {e}");
    }
    // The messages name the hostile file, in visible form.
    assert!(
        stderr.contains("gone-") && stderr.contains("aGFja2Vk"),
        "the dangling link with an OSC 52 name is named:\n{stderr}"
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    for visible in ["\u{241B}", "pwned", "aGFja2Vk"] {
        assert!(stdout.contains(visible), "{visible:?} was printed");
    }
}

#[test]
fn render_on_a_terminal_prints_no_control() {
    let library = HostileDir::new("render-pty");
    let f = &library.fixtures;
    let fifo = feed_fifo(f.fifo.clone(), fifo_payload(f));
    let mut command = qari();
    command.arg("render").args(render_arguments(f));
    let mut pty = Pty::spawn(command, COLS, ROWS).expect("qari render in a pseudo-terminal");
    let status = pty.wait_exit(Duration::from_secs(20));
    assert!(fifo.join().unwrap_or(false), "qari render read the FIFO");
    let output = pty.output();
    let status = status.unwrap_or_else(|e| panic!("qari render: {e}"));
    assert_eq!(status.code(), Some(2));
    if let Err(e) = scan(&output, Expect::PtyText) {
        panic!("qari render on a terminal: {e}");
    }
    let text = String::from_utf8_lossy(&output);
    assert!(text.contains("gone-") && text.contains("\u{241B}"));
}

#[test]
fn the_reader_names_unreadable_paths_safely() {
    // Nothing readable: the reader does not start and names every path.
    let library = HostileDir::new("errors");
    let f = &library.fixtures;
    let mut command = qari();
    command.args([&f.hostile_broken_link, &f.loop_a, &f.broken_link, &f.fifo]);
    let mut pty = Pty::spawn(command, COLS, ROWS).expect("qari in a pseudo-terminal");
    let status = pty.wait_exit(Duration::from_secs(10));
    let output = pty.output();
    let status = status.unwrap_or_else(|e| panic!("qari: {e}"));
    assert_eq!(status.code(), Some(2), "{}", escaped(&output));
    if let Err(e) = scan(&output, Expect::PtyText) {
        panic!("qari's error messages: {e}");
    }
    let text = String::from_utf8_lossy(&output);
    for name in ["gone-", "loop-a", "broken-link", "fifo"] {
        assert!(text.contains(name), "{name} is named:\n{text}");
    }
}

#[test]
fn the_reader_on_a_hostile_standard_input() {
    // `qari -`: the document comes on standard input and the keys from the
    // controlling terminal.
    let library = HostileDir::new("stdin");
    let f = &library.fixtures;
    let stdin = std::fs::File::open(&f.escapes).expect("escapes.txt");
    let mut command = qari();
    command.arg("-");
    let mut pty = Pty::spawn_with_stdin(command, COLS, ROWS, Some(Stdio::from(stdin)))
        .expect("qari in a pseudo-terminal");
    pty.wait_for_after(0, "Documents: 1", Duration::from_secs(10));
    pty.wait_until(Duration::from_secs(5), |out| contains(out, FRAME_END));
    // The one document opens in the reading pane: back to the list, then
    // open it again.
    key(&mut pty, b"h");
    key(&mut pty, b"\r");
    key(&mut pty, b" ");
    key(&mut pty, b"/");
    type_text(&mut pty, "pwned\u{9d}");
    key(&mut pty, b"\x7f");
    key(&mut pty, b"\r");
    key(&mut pty, b"n");
    pty.send(b"q");
    let status = pty.wait_exit(Duration::from_secs(10));
    let output = pty.output();
    let status = status.unwrap_or_else(|e| panic!("qari -: {e}"));
    assert!(status.success(), "qari - exited with {status}");
    assert_safe_tui(&output, "the reader on standard input");
    assert!(String::from_utf8_lossy(&output).contains("\u{241B}"));
}
