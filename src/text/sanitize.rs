//! Sanitising: no character from a document reaches the terminal as a control.
//!
//! Replacements (each keeps the text visible and the paragraph's length in
//! graphemes, so nothing silently disappears):
//! - C0 controls U+0000–U+001F become their Control Pictures U+2400–U+241F
//!   (ESC shows as `␛`, a stray CR as `␍`), except TAB, which is kept for the
//!   bidi algorithm (class S) and expanded to spaces at 8-column stops when a
//!   line is laid out.
//! - DEL U+007F becomes `␡` (U+2421).
//! - C1 controls U+0080–U+009F (8-bit CSI, OSC, NEL…) become U+FFFD.
//! - LINE SEPARATOR and PARAGRAPH SEPARATOR (U+2028, U+2029) become a space:
//!   a paragraph is one input line, and terminals treat them inconsistently.
//!
//! Explicit bidi controls are not replaced here: the bidi algorithm obeys them
//! and the layout never prints them.
//!
//! Messages are another matter: a path, a key or a value they quote from
//! outside goes through [`quote`], which shows every control (bidi controls
//! as `[RLO]`, `[LRI]`…, tabs too) and cuts the text to a sane length, and
//! a whole message goes through [`message`] (or [`styled_message`]) on its
//! way to standard error.

use std::borrow::Cow;

use unicode_segmentation::UnicodeSegmentation;

/// Text safe to lay out, with a map back to the original byte offsets.
#[derive(Debug, Clone)]
pub struct Sanitized<'a> {
    /// The sanitised text.
    pub text: Cow<'a, str>,
    /// For each byte of `text` (plus one past the end), the original offset;
    /// `None` when nothing was replaced and offsets are the same.
    map: Option<Vec<u32>>,
}

impl Sanitized<'_> {
    /// Maps a byte offset of the sanitised text to the original text.
    pub fn original(&self, offset: usize) -> usize {
        match &self.map {
            None => offset,
            Some(map) => map[offset] as usize,
        }
    }
}

/// The visible stand-in for a character that must not reach the terminal.
pub fn replacement(c: char) -> Option<char> {
    match c {
        '\t' => None,
        '\0'..='\x1f' => char::from_u32(0x2400 + c as u32),
        '\x7f' => Some('\u{2421}'),
        '\u{80}'..='\u{9f}' => Some('\u{FFFD}'),
        '\u{2028}' | '\u{2029}' => Some(' '),
        _ => None,
    }
}

/// Text for the clipboard: the document's own characters, bidi controls,
/// ZWNJ and ZWJ included, but without C0 controls other than tab, line
/// feed and carriage return, DEL or C1 controls. Pasted into a terminal,
/// an ESC in copied text would be a command (it can end bracketed paste
/// and run what follows in a shell), and no reader quotes one. Returns the
/// text and how many characters were left out.
pub fn for_clipboard(text: &str) -> (Cow<'_, str>, usize) {
    let unsafe_char = |c: char| matches!(c, '\0'..='\x08' | '\x0b' | '\x0c' | '\x0e'..='\x1f' | '\x7f' | '\u{80}'..='\u{9f}');
    let dropped = text.chars().filter(|&c| unsafe_char(c)).count();
    if dropped == 0 {
        return (Cow::Borrowed(text), 0);
    }
    (
        Cow::Owned(text.chars().filter(|&c| !unsafe_char(c)).collect()),
        dropped,
    )
}

/// The abbreviation shown for an explicit bidi control in a name.
fn bidi_abbreviation(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{202A}' => "LRE",
        '\u{202B}' => "RLE",
        '\u{202C}' => "PDF",
        '\u{202D}' => "LRO",
        '\u{202E}' => "RLO",
        '\u{2066}' => "LRI",
        '\u{2067}' => "RLI",
        '\u{2068}' => "FSI",
        '\u{2069}' => "PDI",
        '\u{200E}' => "LRM",
        '\u{200F}' => "RLM",
        '\u{061C}' => "ALM",
        _ => return None,
    })
}

/// A file name with its explicit bidi controls shown as `[RLO]`, `[LRI]`…
/// instead of obeyed: in a name they only serve to disguise it (the
/// "Trojan Source" trick turns `invoice[RLO]txt.exe` into what reads as
/// `invoice-exe.txt`). Document text keeps obeying them.
pub fn visible_bidi_controls(name: &str) -> Cow<'_, str> {
    if !name.chars().any(|c| bidi_abbreviation(c).is_some()) {
        return Cow::Borrowed(name);
    }
    let mut out = String::with_capacity(name.len() + 8);
    for c in name.chars() {
        if !push_bidi_abbreviation(c, &mut out) {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Pushes `[RLO]`, `[LRI]`… when `c` is an explicit bidi control; returns
/// whether it was one.
fn push_bidi_abbreviation(c: char, out: &mut String) -> bool {
    let Some(abbreviation) = bidi_abbreviation(c) else {
        return false;
    };
    out.push('[');
    out.push_str(abbreviation);
    out.push(']');
    true
}

/// The longest, in characters, that a message quotes a path, a key or a
/// value: enough for the start of a path and its file name.
pub const ITEM_MAX: usize = 80;

/// The longest, in characters, that one line of a message gets.
pub const LINE_MAX: usize = 400;

/// Pushes the visible form of `c` for a message: an explicit bidi control
/// as `[RLO]`…, a tab as `␉`, other controls as [`replacement`] has them.
fn push_visible(c: char, out: &mut String) {
    if !push_bidi_abbreviation(c, out) {
        out.push(match c {
            '\t' => '\u{2409}',
            _ => replacement(c).unwrap_or(c),
        });
    }
}

/// A path as a message quotes it: [`quote`] of its text, to [`ITEM_MAX`].
pub fn quote_path(path: &std::path::Path) -> String {
    quote(&path.to_string_lossy(), ITEM_MAX)
}

/// A parser's message (which may span lines, and quote the text it read)
/// on one line, through [`quote`] to [`LINE_MAX`].
pub fn one_line(message: &str) -> String {
    quote(
        &message.split_whitespace().collect::<Vec<_>>().join(" "),
        LINE_MAX,
    )
}

/// The visible form of one grapheme cluster and its length in characters.
fn visible_cluster(g: &str) -> (String, usize) {
    let mut out = String::with_capacity(g.len());
    g.chars().for_each(|c| push_visible(c, &mut out));
    let chars = out.chars().count();
    (out, chars)
}

/// Text from outside (a path, a key, a value, a piece of a document) as a
/// message quotes it: every control visible, explicit bidi controls as
/// `[RLO]`, `[LRI]`… (in a message they could only disguise what it names:
/// the "Trojan Source" trick), C0 controls and tabs as Control Pictures,
/// C1 controls as `�`. When the visible form is longer than `max_chars`
/// characters, its middle (whole grapheme clusters) gives way to `…`, so
/// the start and the end (a file's name) stay. Nothing is reordered: Arabic
/// stays in logical order, for the terminal to lay out.
pub fn quote(s: &str, max_chars: usize) -> String {
    // Forward until the text is known to fit or not: a quoted item of
    // megabytes costs no more than its first `max_chars` characters.
    let mut whole = String::new();
    let mut length = 0;
    for g in s.graphemes(true) {
        let (visible, chars) = visible_cluster(g);
        length += chars;
        if length > max_chars {
            return cut_middle(s, max_chars);
        }
        whole.push_str(&visible);
    }
    whole
}

/// The visible forms of the first and last clusters of `s`, together at
/// most `max_chars` characters with the `…` between them (`s` is longer).
fn cut_middle(s: &str, max_chars: usize) -> String {
    let room = max_chars.saturating_sub(1);
    let head_room = room.div_ceil(2);
    let tail_room = room - head_room;
    // Clusters are taken while they fit whole: one longer than the room
    // (a letter with thousands of marks) is left out entirely.
    let take = |clusters: &mut dyn Iterator<Item = &str>, room: usize| {
        let mut taken = Vec::new();
        let mut length = 0;
        for g in clusters {
            let (visible, chars) = visible_cluster(g);
            if length + chars > room {
                break;
            }
            length += chars;
            taken.push(visible);
        }
        taken
    };
    let head = take(&mut s.graphemes(true), head_room);
    let mut tail = take(&mut s.graphemes(true).rev(), tail_room);
    tail.reverse();
    let mut out = head.concat();
    out.push('…');
    out.push_str(&tail.concat());
    out
}

/// A message made safe for standard error: each line [`quote`]d to
/// [`LINE_MAX`], line breaks kept. The last line of defence: whatever a
/// message quotes, no control and no unbounded line gets through.
pub fn message(text: &str) -> String {
    text.split('\n')
        .map(|line| quote(line, LINE_MAX))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The length of the SGR sequence (`ESC [ digits ; … m`: colours, bold)
/// at the start of `s`, if one is there.
fn sgr_length(s: &str) -> Option<usize> {
    let rest = s.strip_prefix("\x1b[")?;
    let parameters = rest
        .bytes()
        .take_while(|b| b.is_ascii_digit() || matches!(b, b';' | b':'))
        .count();
    (rest.as_bytes().get(parameters) == Some(&b'm')).then_some(2 + parameters + 1)
}

/// A styled message made safe: `styled` is `plain` with SGR sequences
/// (colours, bold) inserted by whoever styled it, e.g. clap. When taking
/// every SGR sequence out of `styled` gives `plain` back exactly, they were
/// all inserted and are kept, and the text between them goes through
/// [`message`]. Otherwise `plain` itself holds something SGR-like, which
/// must be shown, not obeyed: the result is `message(plain)`, unstyled.
pub fn styled_message(styled: &str, plain: &str) -> String {
    let mut pieces: Vec<(bool, &str)> = Vec::new();
    let mut text_start = 0;
    let mut at = 0;
    while let Some(found) = styled[at..].find('\x1b') {
        let start = at + found;
        match sgr_length(&styled[start..]) {
            Some(length) => {
                pieces.push((false, &styled[text_start..start]));
                pieces.push((true, &styled[start..start + length]));
                at = start + length;
                text_start = at;
            }
            None => at = start + 1,
        }
    }
    pieces.push((false, &styled[text_start..]));
    let text: String = pieces
        .iter()
        .filter(|(style, _)| !style)
        .map(|(_, piece)| *piece)
        .collect();
    if text != plain {
        return message(plain);
    }
    pieces
        .into_iter()
        .map(|(style, piece)| {
            if style {
                piece.to_owned()
            } else {
                message(piece)
            }
        })
        .collect()
}

/// Cheap byte test for every character `replacement` handles: C0 controls
/// but tab, DEL, C1 controls (C2 80–9F) and U+2028/2029 (E2 80 A8/A9).
fn may_need(bytes: &[u8]) -> bool {
    // A loose test the compiler vectorises (no early exit inside a block of
    // 64 bytes), then the exact one.
    let loose = bytes.chunks(64).any(|block| {
        block.iter().fold(false, |found, &b| {
            found | ((b < 0x20) & (b != b'\t')) | (b == 0x7f) | (b == 0xc2) | (b == 0xe2)
        })
    });
    loose
        && bytes.iter().enumerate().any(|(i, &b)| match b {
            0x00..=0x08 | 0x0a..=0x1f | 0x7f => true,
            0xc2 => bytes.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)),
            0xe2 => {
                bytes.get(i + 1) == Some(&0x80) && matches!(bytes.get(i + 2), Some(0xa8 | 0xa9))
            }
            _ => false,
        })
}

/// Sanitises one paragraph.
pub fn sanitize(s: &str) -> Sanitized<'_> {
    if !may_need(s.as_bytes()) {
        return Sanitized {
            text: Cow::Borrowed(s),
            map: None,
        };
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut map = Vec::with_capacity(s.len() + 16);
    for (i, c) in s.char_indices() {
        let r = replacement(c).unwrap_or(c);
        out.push(r);
        map.extend(std::iter::repeat_n(i as u32, r.len_utf8()));
    }
    map.push(s.len() as u32);
    Sanitized {
        text: Cow::Owned(out),
        map: Some(map),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clipboard_gets_text_and_bidi_controls_but_no_terminal_controls() {
        let text = "سطر\u{200c}\u{202B}x\u{202C}\t1\r\n\x1b[201~rm -rf ~\x07\u{9b}2J\x7f";
        let (copied, dropped) = for_clipboard(text);
        assert_eq!(copied, "سطر\u{200c}\u{202B}x\u{202C}\t1\r\n[201~rm -rf ~2J");
        assert_eq!(dropped, 4);
        assert!(matches!(
            for_clipboard("كتاب\n"),
            (Cow::Borrowed("كتاب\n"), 0)
        ));
    }

    #[test]
    fn names_show_their_bidi_controls() {
        assert_eq!(
            visible_bidi_controls("invoice-\u{202E}txt.exe"),
            "invoice-[RLO]txt.exe"
        );
        assert_eq!(
            visible_bidi_controls("\u{2067}نص\u{2069}\u{200F}.txt"),
            "[RLI]نص[PDI][RLM].txt"
        );
        assert!(matches!(
            visible_bidi_controls("عادي.txt"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn clean_text_is_borrowed() {
        let s = sanitize("سلام «عليكم» x\ty");
        assert!(matches!(s.text, Cow::Borrowed(_)));
        assert_eq!(s.original(3), 3);
    }

    #[test]
    fn controls_become_visible_symbols() {
        let s = sanitize("a\x1b[31mb\x07\u{9b}c\x7f");
        assert_eq!(s.text, "a\u{241b}[31mb\u{2407}\u{fffd}c\u{2421}");
        // The ESC picture (3 bytes) maps back to the 1-byte ESC at offset 1.
        assert_eq!(s.original(1), 1);
        assert_eq!(s.original(4), 2);
        assert_eq!(s.original(s.text.len()), 12);
    }

    #[test]
    fn quote_shows_every_control() {
        assert_eq!(
            quote("missing_\u{202E}txt.exe", ITEM_MAX),
            "missing_[RLO]txt.exe"
        );
        assert_eq!(
            quote("a\tb\x1b[31m\u{9b}c\x7f\u{2066}d\u{2069}\r\n", ITEM_MAX),
            "a\u{2409}b\u{241b}[31m\u{fffd}c\u{2421}[LRI]d[PDI]\u{240d}\u{240a}"
        );
        assert_eq!(quote("", ITEM_MAX), "");
    }

    #[test]
    fn quote_keeps_arabic_as_it_is() {
        let arabic = "مِلَفّ «السَّلام» ١٢٣ لا.txt";
        assert_eq!(quote(arabic, ITEM_MAX), arabic);
        // Cut, it stays in logical order: its start, then its end.
        let long = "ا".repeat(50) + &"ب".repeat(50);
        let cut = quote(&long, 21);
        assert_eq!(cut, "ا".repeat(10) + "…" + &"ب".repeat(10));
    }

    #[test]
    fn quote_cuts_the_middle_to_the_length() {
        let long = format!("/home/{}/file.txt", "d".repeat(1_000_000));
        let cut = quote(&long, ITEM_MAX);
        assert_eq!(cut.chars().count(), ITEM_MAX);
        assert!(cut.starts_with("/home/ddd"), "{cut}");
        assert!(cut.ends_with("ddd/file.txt"), "{cut}");
        assert_eq!(cut.matches('…').count(), 1);
        // Exactly the length: not cut.
        let fits = "x".repeat(ITEM_MAX);
        assert_eq!(quote(&fits, ITEM_MAX), fits);
        // Visible forms count: four RLOs are twenty characters.
        assert_eq!(quote(&"\u{202E}".repeat(4), 20), "[RLO]".repeat(4));
        assert_eq!(quote(&"\u{202E}".repeat(5), 20), "[RLO][RLO]…[RLO]");
        assert_eq!(quote("abc", 0), "…");
    }

    #[test]
    fn quote_never_splits_a_cluster() {
        // Each cluster is a letter with two marks: three characters.
        let cluster = "بِّ";
        let cut = quote(&cluster.repeat(100), 20);
        let (head, tail) = cut.split_once('…').expect("cut");
        assert_eq!(head, cluster.repeat(3));
        assert_eq!(tail, cluster.repeat(3));
        // A cluster longer than the room is left out whole, never cut.
        let heavy = format!("a{}", "\u{0301}".repeat(10_000));
        assert_eq!(quote(&heavy, ITEM_MAX), "…");
        let cut = quote(&format!("x{heavy}y"), ITEM_MAX);
        assert_eq!(cut, "x…y");
    }

    #[test]
    fn message_keeps_lines_and_cuts_each() {
        let text = format!("first \u{202E}\n{}\n", "z".repeat(10_000));
        let safe = message(&text);
        let lines: Vec<&str> = safe.split('\n').collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0], "first [RLO]");
        assert_eq!(lines[1].chars().count(), LINE_MAX);
        assert_eq!(lines[2], "");
    }

    #[test]
    fn styled_message_keeps_inserted_styles_only() {
        let plain = "error: unexpected argument '--\u{202E}x' found\n";
        let styled =
            "\x1b[1m\x1b[31merror:\x1b[0m unexpected argument '\x1b[33m--\u{202E}x\x1b[0m' found\n";
        assert_eq!(
            styled_message(styled, plain),
            "\x1b[1m\x1b[31merror:\x1b[0m unexpected argument '\x1b[33m--[RLO]x\x1b[0m' found\n"
        );
        // The quoted text carries an escape sequence of its own: shown,
        // and nothing of it is taken for a style.
        let plain = "error: '--\x1b[8mx\x1b]0;t\x07' found";
        let styled = "\x1b[1merror:\x1b[0m '\x1b[33m--\x1b[8mx\x1b]0;t\x07\x1b[0m' found";
        assert_eq!(
            styled_message(styled, plain),
            "error: '--\u{241b}[8mx\u{241b}]0;t\u{2407}' found"
        );
        // A broken sequence is text.
        assert_eq!(styled_message("a\x1b[3", "a\x1b[3"), "a\u{241b}[3");
    }
}
