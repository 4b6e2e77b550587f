//! Property tests for the whole way from a file's bytes to the terminal:
//! decoding, line splitting, layout and `qari render`, on arbitrary byte
//! vectors and on documents built from what makes that way hard (Arabic with
//! harakat and lam-alef, Hebrew with niqqud, Latin, digits, bidi controls,
//! C0 and C1 controls, every line ending), encoded as UTF-8, as UTF-16 with
//! a byte order mark, in the legacy Arabic code pages, or corrupted.
//!
//! The pipeline's invariants live in `tests/fuzz/invariants.rs`, shared with
//! the fuzz target `decode_layout`, which explores the same checks for as
//! long as it is left to run (README.md, "Fuzzing"). Here they run on every
//! `cargo test`, 512 cases per property unless `PROPTEST_CASES` says
//! otherwise. Failures are not persisted to disk; a failing run prints the
//! minimal input.

#[path = "fuzz/invariants.rs"]
mod invariants;

mod common;

use encoding_rs::{Encoding, ISO_8859_6, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1256};
use invariants::{Case, FORCED, check, check_decode};
use proptest::prelude::*;
use qari::library::decode::decode;
use qari::text::{BaseDirection, Order};

// ---------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------

/// The Arabic letters both windows-1256 and ISO-8859-6 can encode.
const ARABIC_LETTERS: &[char] = &[
    'ء', 'آ', 'أ', 'ؤ', 'إ', 'ئ', 'ا', 'ب', 'ة', 'ت', 'ث', 'ج', 'ح', 'خ', 'د', 'ذ', 'ر', 'ز', 'س',
    'ش', 'ص', 'ض', 'ط', 'ظ', 'ع', 'غ', 'ـ', 'ف', 'ق', 'ك', 'ل', 'م', 'ن', 'ه', 'و', 'ى', 'ي',
];

/// Persian and Urdu letters with no byte in ISO-8859-6.
const PERSIAN_LETTERS: &[char] = &['پ', 'چ', 'ژ', 'گ', 'ی', 'ک', 'ہ', 'ے'];

/// Alefs that form a mandatory ligature after lam.
const ALEFS: &[char] = &['ا', 'أ', 'إ', 'آ'];

const HEBREW_LETTERS: &[char] = &[
    'א', 'ב', 'ג', 'ד', 'ה', 'ו', 'ז', 'ח', 'ט', 'י', 'כ', 'ך', 'ל', 'מ', 'ם', 'נ', 'ן', 'ס', 'ע',
    'פ', 'ף', 'צ', 'ץ', 'ק', 'ר', 'ש', 'ת',
];

/// Niqqud and the dagesh, shin and sin dots.
const HEBREW_POINTS: &[char] = &[
    '\u{05B0}', '\u{05B1}', '\u{05B2}', '\u{05B4}', '\u{05B5}', '\u{05B6}', '\u{05B7}', '\u{05B8}',
    '\u{05B9}', '\u{05BB}', '\u{05BC}', '\u{05C1}', '\u{05C2}',
];

/// Punctuation both legacy Arabic code pages hold, brackets included.
const PUNCTUATION: &[char] = &[
    '.', ',', ';', ':', '!', '?', '-', '/', '"', '%', '(', ')', '[', ']', '{', '}', '<', '>', '،',
    '؛', '؟',
];

const BIDI_CONTROLS: &[char] = &[
    '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}',
];

/// Characters terminals and the layout treat specially: no-break and
/// ideographic spaces, the line and paragraph separators, zero-width
/// characters, a byte order mark inside the text, wide CJK and emoji.
const ODDITIES: &[&str] = &[
    "\u{00A0}",
    "\u{3000}",
    "\u{2028}",
    "\u{2029}",
    "\u{200B}",
    "\u{200C}",
    "\u{200D}",
    "\u{FEFF}",
    "\u{00AD}",
    "日本",
    "👍🏽",
    "👨\u{200D}👩\u{200D}👧",
    "🇸🇦",
    "e\u{0301}",
];

fn pick(set: &'static [char]) -> impl Strategy<Value = char> {
    prop::sample::select(set)
}

/// One of the eight harakat, U+064B–U+0652.
fn harakah() -> impl Strategy<Value = char> {
    (0x064Bu32..=0x0652).prop_map(|c| char::from_u32(c).expect("harakat are characters"))
}

/// An Arabic word from `letters`: each letter maybe with harakat, some
/// lam-alefs.
fn arabic_word_from(letters: &'static [char]) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        6 => (pick(letters), prop::collection::vec(harakah(), 0..=2))
            .prop_map(|(c, marks)| std::iter::once(c).chain(marks).collect::<String>()),
        2 => (pick(ALEFS), prop::collection::vec(harakah(), 0..=1))
            .prop_map(|(alef, marks)| ['ل', alef].into_iter().chain(marks).collect()),
    ];
    prop::collection::vec(piece, 1..=6).prop_map(|pieces| pieces.concat())
}

fn arabic_word() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => arabic_word_from(ARABIC_LETTERS),
        1 => arabic_word_from(PERSIAN_LETTERS),
    ]
}

fn hebrew_word() -> impl Strategy<Value = String> {
    let piece = (
        pick(HEBREW_LETTERS),
        prop::collection::vec(pick(HEBREW_POINTS), 0..=2),
    )
        .prop_map(|(c, marks)| std::iter::once(c).chain(marks).collect::<String>());
    prop::collection::vec(piece, 1..=6).prop_map(|pieces| pieces.concat())
}

fn latin_word() -> impl Strategy<Value = String> {
    "[A-Za-z]{1,10}"
}

fn number() -> impl Strategy<Value = String> {
    prop_oneof!["[0-9]{1,5}", "[٠-٩]{1,4}", "[0-9]{1,3}[.,][0-9]{1,3}"]
}

fn space() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => Just(" ".to_string()),
        2 => Just("\t".to_string()),
        1 => "[ \t]{2,5}",
    ]
}

fn line_ending() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\r".to_string()),
    ]
}

/// C0 controls, DEL, C1 controls and the escape sequences they start.
fn terminal_control() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..0x20).prop_map(|c| char::from_u32(c)
            .expect("C0 controls are characters")
            .into()),
        Just("\u{7f}".to_string()),
        (0x80u32..0xA0).prop_map(|c| char::from_u32(c)
            .expect("C1 controls are characters")
            .into()),
        Just("\u{1b}[2J\u{1b}[31m".to_string()),
        Just("\u{1b}]0;title\u{7}".to_string()),
        Just("\u{9b}6n".to_string()),
    ]
}

/// One piece of a document.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        10 => arabic_word(),
        4 => hebrew_word(),
        4 => latin_word(),
        2 => number(),
        12 => space(),
        3 => line_ending(),
        3 => pick(PUNCTUATION).prop_map(String::from),
        3 => pick(BIDI_CONTROLS).prop_map(String::from),
        2 => terminal_control(),
        2 => prop::sample::select(ODDITIES).prop_map(String::from),
        1 => harakah().prop_map(String::from),
    ]
}

/// A document of a few lines, each ending in LF, CRLF or CR.
fn document() -> impl Strategy<Value = String> {
    prop::collection::vec(token(), 0..200).prop_map(|tokens| tokens.concat())
}

/// A document both legacy Arabic code pages can encode: Arabic words,
/// Latin, digits, their punctuation, spaces and line endings.
fn legacy_document() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        10 => arabic_word_from(ARABIC_LETTERS),
        2 => latin_word(),
        2 => "[0-9]{1,4}",
        10 => space(),
        2 => line_ending(),
        3 => pick(PUNCTUATION).prop_map(String::from),
    ];
    prop::collection::vec(token, 0..200).prop_map(|tokens| tokens.concat())
}

/// `text` in UTF-16 code units.
fn utf16(text: &str, little_endian: bool) -> Vec<u8> {
    text.encode_utf16()
        .flat_map(|unit| {
            if little_endian {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            }
        })
        .collect()
}

/// The byte order mark of an encoding that has one.
fn bom(encoding: &'static Encoding) -> &'static [u8] {
    if encoding == UTF_8 {
        b"\xEF\xBB\xBF"
    } else if encoding == UTF_16LE {
        b"\xFF\xFE"
    } else {
        b"\xFE\xFF"
    }
}

/// `text` after `encoding`'s byte order mark.
fn with_bom(encoding: &'static Encoding, text: &str) -> Vec<u8> {
    let mut bytes = bom(encoding).to_vec();
    if encoding == UTF_8 {
        bytes.extend_from_slice(text.as_bytes());
    } else {
        bytes.extend(utf16(text, encoding == UTF_16LE));
    }
    bytes
}

fn bom_encoding() -> impl Strategy<Value = &'static Encoding> {
    prop::sample::select(vec![UTF_8, UTF_16LE, UTF_16BE])
}

fn legacy_encoding() -> impl Strategy<Value = &'static Encoding> {
    prop::sample::select(vec![WINDOWS_1256, ISO_8859_6])
}

/// Bytes a file may hold: anything at all, a document as UTF-8 (with or
/// without a BOM, intact or with stray bytes), as UTF-16 with or without a
/// BOM, or in a legacy Arabic code page.
fn file_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => prop::collection::vec(any::<u8>(), 0..4096),
        3 => document().prop_map(String::into_bytes),
        2 => (bom_encoding(), document()).prop_map(|(encoding, text)| with_bom(encoding, &text)),
        1 => (any::<bool>(), document()).prop_map(|(le, text)| utf16(&text, le)),
        2 => (legacy_encoding(), legacy_document())
            .prop_map(|(encoding, text)| encoding.encode(&text).0.into_owned()),
        2 => (
            document(),
            prop::collection::vec((any::<prop::sample::Index>(), 0x80u8..=0xFF), 1..6),
        )
            .prop_map(|(text, stray)| {
                let mut bytes = text.into_bytes();
                for (at, byte) in stray {
                    bytes.insert(at.index(bytes.len() + 1), byte);
                }
                bytes
            }),
    ]
}

/// Random cases; half the widths are at most 12, where wrapping does the
/// most work. Detection is left to choose more often than not.
fn case() -> impl Strategy<Value = Case> {
    (
        prop_oneof![1usize..=12, 1usize..=200],
        any::<[bool; 4]>(),
        prop_oneof![
            Just(BaseDirection::Auto),
            Just(BaseDirection::Ltr),
            Just(BaseDirection::Rtl),
        ],
        prop_oneof![3 => Just(Order::Visual), 1 => Just(Order::Logical)],
        prop_oneof![5 => Just(None), 3 => prop::sample::select(&FORCED[1..])],
    )
        .prop_map(
            |(width, [wrap, shape, harakat, pad], direction, order, forced)| Case {
                width,
                wrap,
                shape,
                harakat,
                direction,
                order,
                pad,
                forced,
            },
        )
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(common::proptest_config())]

    /// Any file, any case: every step keeps its invariants.
    #[test]
    fn pipeline_keeps_its_invariants(bytes in file_bytes(), case in case()) {
        check(&bytes, &case);
    }

    /// What the fuzz target runs, on arbitrary bytes: the first three
    /// choose the case.
    #[test]
    fn fuzz_inputs_keep_their_invariants(data in prop::collection::vec(any::<u8>(), 0..4096)) {
        if let Some((case, document)) = Case::split(&data) {
            check(document, &case);
        }
    }

    /// A line wider than 65,535 cells (over 8,192 tabs), wrapped or not,
    /// among other text.
    #[test]
    fn long_lines_keep_their_invariants(
        before in document(),
        tabs in 8_193usize..10_000,
        after in document(),
        case in case(),
    ) {
        let text = format!("{before}{}{after}", "\t".repeat(tabs));
        check(text.as_bytes(), &case);
    }

    /// Decoding never fails, and the encoding it picks (or is forced to)
    /// decodes every byte after that encoding's own BOM.
    #[test]
    fn decoding_keeps_every_byte(
        bytes in file_bytes(),
        forced in prop::sample::select(&FORCED[..]),
    ) {
        check_decode(&bytes, forced);
    }

    /// Valid UTF-8 comes back exactly, except a leading U+FEFF, which is
    /// its byte order mark.
    #[test]
    fn valid_utf8_round_trips(text in prop_oneof![document(), any::<String>()]) {
        let decoded = decode(text.clone().into_bytes(), None);
        let expected = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
        prop_assert_eq!(decoded.text.as_str(), expected);
        prop_assert_eq!(decoded.encoding, UTF_8);
        prop_assert!(!decoded.had_invalid);
    }

    /// Text after a byte order mark comes back exactly, in the encoding the
    /// mark names: the mark is dropped, and only the mark.
    #[test]
    fn a_byte_order_mark_is_dropped(encoding in bom_encoding(), text in document()) {
        let decoded = decode(with_bom(encoding, &text), None);
        prop_assert_eq!(decoded.encoding, encoding);
        prop_assert_eq!(decoded.text, text);
        prop_assert!(!decoded.had_invalid);
    }

    /// Whatever follows a byte order mark, the text starts with U+FEFF only
    /// when a second mark follows the first.
    #[test]
    fn no_text_starts_with_its_byte_order_mark(
        encoding in bom_encoding(),
        rest in prop::collection::vec(any::<u8>(), 0..64),
        twice in any::<bool>(),
    ) {
        let mut bytes = bom(encoding).to_vec();
        if twice {
            bytes.extend_from_slice(bom(encoding));
        }
        bytes.extend_from_slice(&rest);
        let second = bytes[bom(encoding).len()..].starts_with(bom(encoding));
        let decoded = decode(bytes, None);
        prop_assert_eq!(decoded.encoding, encoding);
        prop_assert_eq!(decoded.text.starts_with('\u{FEFF}'), second);
    }

    /// Arabic in a legacy code page comes back exactly when that code page
    /// is forced.
    #[test]
    fn legacy_arabic_round_trips_when_forced(
        encoding in legacy_encoding(),
        text in legacy_document(),
    ) {
        let (bytes, used, unmappable) = encoding.encode(&text);
        prop_assert_eq!(used, encoding);
        prop_assert!(!unmappable, "{} lacks a character of {:?}", encoding.name(), text);
        let decoded = decode(bytes.into_owned(), Some(encoding));
        prop_assert_eq!(decoded.text, text);
        prop_assert!(!decoded.had_invalid);
    }
}
