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

use std::borrow::Cow;

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

/// Replaces a string's control characters (tabs included) for one-line
/// display outside the layout, e.g. in messages naming a file.
pub fn printable(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c == '\t' || replacement(c).is_some()) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| {
                if c == '\t' {
                    ' '
                } else {
                    replacement(c).unwrap_or(c)
                }
            })
            .collect(),
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
        match bidi_abbreviation(c) {
            Some(abbreviation) => {
                out.push('[');
                out.push_str(abbreviation);
                out.push(']');
            }
            None => out.push(c),
        }
    }
    Cow::Owned(out)
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
    fn printable_replaces_tabs_too() {
        assert_eq!(printable("a\tb\x1b"), "a b\u{241b}");
    }
}
