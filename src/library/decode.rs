//! Turning a document's bytes into text: the one place qari picks an
//! encoding.
//!
//! The encoding is chosen in this order: one forced by the user; a byte
//! order mark (UTF-8, UTF-16LE, UTF-16BE); valid UTF-8, whose buffer becomes
//! the text without a copy; UTF-8 with a few corrupt bytes, which keeps its
//! meaning with U+FFFD in their place; and otherwise chardetng's guess among
//! the legacy encodings (for Arabic, windows-1256 or ISO-8859-6). Malformed
//! bytes never fail a decode: they become U+FFFD and are reported.
//!
//! UTF-16 without a byte order mark is not detected: its NUL bytes make it
//! look binary, so it is left out of the library unless forced.

use std::borrow::Cow;

use chardetng::EncodingDetector;
use encoding_rs::{Encoding, REPLACEMENT, UTF_8, UTF_16BE, UTF_16LE};

/// How many bytes are looked at to tell a binary file (one with a NUL).
pub const BINARY_PROBE: usize = 8 * 1024;

/// How many bytes chardetng sees: a mebibyte of legacy Arabic is over a
/// hundred thousand words, far more than its scores need to settle, and it
/// takes tens of milliseconds where a 200 MB file would take seconds.
const DETECTION_PREFIX: usize = 1 << 20;

/// Invalid sequences allowed per well-formed multi-byte UTF-8 sequence for
/// input to be read as damaged UTF-8. In legacy Arabic text nearly every
/// letter is a byte from 0xC1 up followed by another such byte, which UTF-8
/// rejects; only a letter before one of the few 0x80–0xBF characters (،, ؟,
/// ؛, پ, ک…) pairs up by chance. The bundled documents in windows-1256 or
/// ISO-8859-6 have about one such pair per 200 invalid sequences (fifty
/// times under this bound), while UTF-8 Arabic stays over it even with as
/// many corrupt sequences as letters: mojibake of every letter would be
/// worse than a few U+FFFD.
const INVALID_PER_UTF8: usize = 4;

/// How a document's bytes were turned into text.
#[derive(Debug)]
pub struct Decoded {
    /// The text, without a byte order mark.
    pub text: String,
    /// The encoding that was used.
    pub encoding: &'static Encoding,
    /// Whether some bytes were malformed in that encoding (now U+FFFD).
    pub had_invalid: bool,
}

/// Decodes bytes: `forced` wins; else a BOM; else UTF-8, intact or mostly
/// so; else chardetng's guess.
pub fn decode(bytes: Vec<u8>, forced: Option<&'static Encoding>) -> Decoded {
    if let Some(encoding) = forced {
        return decode_as(bytes, encoding);
    }
    if let Some((encoding, _)) = Encoding::for_bom(&bytes) {
        return decode_as(bytes, encoding);
    }
    let bytes = match valid_utf8(bytes) {
        Ok(text) => {
            return Decoded {
                text,
                encoding: UTF_8,
                had_invalid: false,
            };
        }
        Err(bytes) => bytes,
    };
    let encoding = if mostly_utf8(&bytes) {
        UTF_8
    } else {
        guess(&bytes)
    };
    decode_as(bytes, encoding)
}

/// How a file's text is held once read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holding {
    /// In place (mapped) as UTF-8, after a byte order mark of `skip` bytes;
    /// any invalid byte further on shows as U+FFFD where it is laid out.
    Utf8 {
        /// Bytes of byte order mark before the text.
        skip: usize,
    },
    /// Decoded into memory with [`decode_slice`].
    Decoded,
}

/// Decides from a file's first bytes (a few tens of KB are plenty) how its
/// text is held: UTF-8 (forced, marked by a BOM, or valid so far) in place,
/// anything else decoded. A large file is thus shown without reading it
/// all; the price is that corrupt bytes past the first ones read stay
/// U+FFFD in UTF-8 rather than steering detection to a legacy encoding.
pub fn holding(head: &[u8], forced: Option<&'static Encoding>) -> Holding {
    let bom = Encoding::for_bom(head);
    match (forced, bom) {
        (Some(encoding), Some((named, len))) if encoding == UTF_8 && named == UTF_8 => {
            Holding::Utf8 { skip: len }
        }
        (Some(encoding), _) if encoding == UTF_8 => Holding::Utf8 { skip: 0 },
        (Some(_), _) => Holding::Decoded,
        (None, Some((named, len))) if named == UTF_8 => Holding::Utf8 { skip: len },
        (None, Some(_)) => Holding::Decoded,
        (None, None) => {
            // Valid but for a character cut at the end of the head.
            let mut chunks = head.utf8_chunks().peekable();
            let mut valid = true;
            while let Some(chunk) = chunks.next() {
                let last = chunks.peek().is_none();
                let cut = last && chunk.invalid().len() < 4 && {
                    let tail = chunk.invalid();
                    !tail.is_empty()
                        && std::str::from_utf8(tail).is_err_and(|e| e.error_len().is_none())
                };
                if !chunk.invalid().is_empty() && !cut {
                    valid = false;
                    break;
                }
            }
            if valid {
                Holding::Utf8 { skip: 0 }
            } else {
                Holding::Decoded
            }
        }
    }
}

/// Decodes bytes that are not owned (a mapped file): as [`decode`], copying
/// only what the chosen encoding produces.
pub fn decode_slice(bytes: &[u8], forced: Option<&'static Encoding>) -> Decoded {
    let encoding = forced
        .or_else(|| Encoding::for_bom(bytes).map(|(e, _)| e))
        .unwrap_or_else(|| {
            if simdutf8::basic::from_utf8(bytes).is_ok() || mostly_utf8(bytes) {
                UTF_8
            } else {
                guess(bytes)
            }
        });
    let bom = match Encoding::for_bom(bytes) {
        Some((named, len)) if named == encoding => len,
        _ => 0,
    };
    let (text, had_invalid) = decode_to_fit(encoding, &bytes[bom..]);
    Decoded {
        text,
        encoding,
        had_invalid,
    }
}

/// The length of `bytes` without a UTF-8 character cut short at their end
/// (input read up to a limit may stop inside one): their whole length when
/// they end with a complete character, or with bytes that are not UTF-8.
pub fn complete_utf8_len(bytes: &[u8]) -> usize {
    let from = bytes.len().saturating_sub(4);
    // The last byte that is not a continuation byte starts the last character.
    let Some(start) = bytes[from..].iter().rposition(|&b| b & 0xC0 != 0x80) else {
        return bytes.len();
    };
    let start = from + start;
    match std::str::from_utf8(&bytes[start..]) {
        Err(e) if e.error_len().is_none() => start,
        _ => bytes.len(),
    }
}

/// A decoder for input too long to hold whole, read a piece at a time. The
/// encoding is chosen from the input's start as [`decode`] chooses it from
/// a whole input (forced; a BOM; UTF-8, intact or mostly so; chardetng's
/// guess), and each piece is decoded as `decode` would decode it in place:
/// an encoding_rs decoder keeps what a piece ends in the middle of.
#[derive(Debug)]
pub struct StreamDecoder {
    decoder: encoding_rs::Decoder,
    /// The encoding chosen.
    pub encoding: &'static Encoding,
    /// Bytes of byte order mark still to skip.
    bom: usize,
}

impl StreamDecoder {
    /// A decoder for input that starts with `head` (the first piece, to be
    /// decoded next); `forced` wins.
    pub fn new(head: &[u8], forced: Option<&'static Encoding>) -> StreamDecoder {
        let encoding = forced
            .or_else(|| Encoding::for_bom(head).map(|(e, _)| e))
            .unwrap_or_else(|| {
                let head = &head[..complete_utf8_len(head)];
                if simdutf8::basic::from_utf8(head).is_ok() || mostly_utf8(head) {
                    UTF_8
                } else {
                    guess(head)
                }
            });
        let bom = match Encoding::for_bom(head) {
            Some((named, len)) if named == encoding => len,
            _ => 0,
        };
        StreamDecoder {
            decoder: encoding.new_decoder_without_bom_handling(),
            encoding,
            bom,
        }
    }

    /// Appends the text of the next piece of input to `text`; `last` when
    /// the input ends with it. Returns whether some bytes were malformed
    /// (now U+FFFD).
    pub fn decode(&mut self, bytes: &[u8], last: bool, text: &mut String) -> bool {
        let skip = self.bom.min(bytes.len());
        self.bom -= skip;
        let mut rest = &bytes[skip..];
        let mut had_invalid = false;
        // Room for the likely text at once (UTF-8 is as long as its bytes,
        // Arabic in a legacy encoding twice as long), rather than as it
        // grows in steps that each leave a copy behind; the room encoding_rs
        // asks for the worst case, three bytes per byte, is only asked for
        // a piece at a time.
        const PIECE: usize = 1 << 20;
        let per_byte = if self.encoding == UTF_8 { 1 } else { 2 };
        let worst_piece = self.decoder.max_utf8_buffer_length(PIECE).unwrap_or(0);
        text.reserve(
            rest.len()
                .saturating_mul(per_byte)
                .saturating_add(worst_piece),
        );
        loop {
            let piece = &rest[..rest.len().min(PIECE)];
            let all = piece.len() == rest.len();
            if let Some(room) = self.decoder.max_utf8_buffer_length(piece.len()) {
                text.reserve(room);
            }
            let (result, read, invalid) = self.decoder.decode_to_string(piece, text, last && all);
            had_invalid |= invalid;
            rest = &rest[read..];
            if rest.is_empty() && result == encoding_rs::CoderResult::InputEmpty {
                return had_invalid;
            }
        }
    }
}

/// The bytes as text if they are valid UTF-8, else the bytes back.
///
/// Checked with `simdutf8`, which validates a large document several times
/// faster than the standard library: for `qari render` on a big file the
/// check is part of the time before any line can be laid out.
fn valid_utf8(bytes: Vec<u8>) -> Result<String, Vec<u8>> {
    if simdutf8::basic::from_utf8(&bytes).is_ok() {
        // SAFETY: simdutf8 has just found the bytes to be valid UTF-8.
        Ok(unsafe { String::from_utf8_unchecked(bytes) })
    } else {
        Err(bytes)
    }
}

/// Decodes bytes with `encoding`, dropping a BOM only if it names that
/// encoding.
fn decode_as(mut bytes: Vec<u8>, encoding: &'static Encoding) -> Decoded {
    let bom = match Encoding::for_bom(&bytes) {
        Some((named, len)) if named == encoding => len,
        _ => 0,
    };
    let owned = match encoding.decode_without_bom_handling(&bytes[bom..]) {
        (Cow::Owned(text), had_invalid) => Some((text, had_invalid)),
        (Cow::Borrowed(_), _) => None,
    };
    let (text, had_invalid) = match owned {
        Some(decoded) => decoded,
        // A borrowed result is the input itself, already valid UTF-8, so
        // its buffer becomes the text; dropping the BOM moves the bytes
        // within that buffer instead of allocating another.
        None => {
            bytes.drain(..bom);
            match String::from_utf8(bytes) {
                Ok(text) => (text, false),
                Err(e) => (String::from_utf8_lossy(e.as_bytes()).into_owned(), true),
            }
        }
    };
    Decoded {
        text,
        encoding,
        had_invalid,
    }
}

/// Decodes `bytes` (no BOM handling) into a string with just the room its
/// text needs when each byte is one character (the single-byte encodings
/// of legacy Arabic, Persian and Hebrew text): encoding_rs sizes its output
/// for the worst case, three bytes per input byte, and that room stayed
/// resident (a 109 MB windows-1256 file: 327 MB held for 200 MB of text).
/// Other encodings are decoded as encoding_rs does.
fn decode_to_fit(encoding: &'static Encoding, bytes: &[u8]) -> (String, bool) {
    if !encoding.is_single_byte() {
        let (text, had_invalid) = encoding.decode_without_bom_handling(bytes);
        return (text.into_owned(), had_invalid);
    }
    // The UTF-8 length of each byte's character (U+FFFD for an unmapped one).
    let mut widths = [0usize; 256];
    for (b, width) in widths.iter_mut().enumerate() {
        *width = encoding.decode_without_bom_handling(&[b as u8]).0.len();
    }
    let len = bytes.iter().map(|&b| widths[usize::from(b)]).sum();
    let mut text = String::with_capacity(len);
    let mut decoder = encoding.new_decoder_without_bom_handling();
    // Decoded a piece at a time through a buffer with room for the worst
    // case, then copied into the text, which never has to grow.
    const PIECE: usize = 64 * 1024;
    let mut buffer = vec![
        0u8;
        decoder
            .max_utf8_buffer_length(PIECE)
            .unwrap_or(3 * PIECE + 16)
    ];
    let buffer_str = std::str::from_utf8_mut(&mut buffer).expect("zeros are UTF-8");
    let mut had_invalid = false;
    let mut rest = bytes;
    loop {
        let piece = &rest[..rest.len().min(PIECE)];
        let last = piece.len() == rest.len();
        let (_, read, written, invalid) = decoder.decode_to_str(piece, buffer_str, last);
        had_invalid |= invalid;
        text.push_str(&buffer_str[..written]);
        rest = &rest[read..];
        if last && rest.is_empty() {
            return (text, had_invalid);
        }
    }
}

/// Whether invalid UTF-8 is still UTF-8 with some corrupt bytes: see
/// [`INVALID_PER_UTF8`].
fn mostly_utf8(bytes: &[u8]) -> bool {
    let mut multibyte = 0;
    let mut invalid = 0;
    let mut seen = 0;
    for chunk in bytes.utf8_chunks() {
        // In valid UTF-8 each byte from 0xC0 up leads a multi-byte sequence.
        multibyte += chunk.valid().bytes().filter(|&b| b >= 0xC0).count();
        seen += chunk.valid().len() + chunk.invalid().len();
        if !chunk.invalid().is_empty() {
            invalid += 1;
            // Legacy text is settled early: even if every byte left formed
            // a two-byte sequence, the ratio could not be reached.
            let most_left = (bytes.len() - seen) / 2;
            if INVALID_PER_UTF8 * (multibyte + most_left) < invalid {
                return false;
            }
        }
    }
    INVALID_PER_UTF8 * multibyte >= invalid
}

/// The legacy encoding chardetng finds likeliest for the first
/// [`DETECTION_PREFIX`] bytes.
fn guess(bytes: &[u8]) -> &'static Encoding {
    let sample = &bytes[..bytes.len().min(DETECTION_PREFIX)];
    let mut detector = EncodingDetector::new();
    // The stream only ends here if the sample is the whole input.
    detector.feed(sample, sample.len() == bytes.len());
    detector.guess(None, false)
}

/// Whether bytes are binary: a NUL in the first 8 KB, unless they start
/// with a UTF-16 BOM or `forced` is UTF-16.
pub fn looks_binary(bytes: &[u8], forced: Option<&'static Encoding>) -> bool {
    let utf16 = |encoding| encoding == UTF_16LE || encoding == UTF_16BE;
    if forced.is_some_and(utf16) || Encoding::for_bom(bytes).is_some_and(|(e, _)| utf16(e)) {
        return false;
    }
    bytes[..bytes.len().min(BINARY_PROBE)].contains(&0)
}

/// Returns the encoding a WHATWG label names (case-insensitive), or a
/// message listing a few accepted names.
pub fn encoding_for_label(name: &str) -> Result<&'static Encoding, String> {
    match Encoding::for_label(name.as_bytes()) {
        // The replacement encoding turns any input into one U+FFFD.
        Some(encoding) if encoding != REPLACEMENT => Ok(encoding),
        _ => Err(format!(
            "unknown encoding \"{}\": try utf-8, windows-1256, iso-8859-6, \
             utf-16le or utf-16be (any WHATWG label works)",
            crate::text::sanitize::quote(name, crate::text::sanitize::ITEM_MAX)
        )),
    }
}

/// Returns a short name for the status bar: none for UTF-8.
pub fn display_name(encoding: &'static Encoding) -> Option<&'static str> {
    if encoding == UTF_8 {
        return None;
    }
    Some(match encoding.name() {
        "windows-874" => "Windows-874",
        "windows-1250" => "Windows-1250",
        "windows-1251" => "Windows-1251",
        "windows-1252" => "Windows-1252",
        "windows-1253" => "Windows-1253",
        "windows-1254" => "Windows-1254",
        "windows-1255" => "Windows-1255",
        "windows-1256" => "Windows-1256",
        "windows-1257" => "Windows-1257",
        "windows-1258" => "Windows-1258",
        "gb18030" => "GB18030",
        "macintosh" => "Mac Roman",
        "x-mac-cyrillic" => "Mac Cyrillic",
        name => name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_byte_text_is_decoded_to_fit_as_encoding_rs_decodes_it() {
        // Every byte value, repeated past several pieces, in encodings with
        // and without unmapped bytes.
        let bytes: Vec<u8> = (0..=255u8).cycle().take(300_000).collect();
        for encoding in [
            encoding_rs::WINDOWS_1256,
            encoding_rs::ISO_8859_6,
            encoding_rs::ISO_8859_8,
            encoding_rs::WINDOWS_1252,
        ] {
            let (expected, expected_invalid) = encoding.decode_without_bom_handling(&bytes);
            let (text, had_invalid) = decode_to_fit(encoding, &bytes);
            assert_eq!(text, expected, "{}", encoding.name());
            assert_eq!(had_invalid, expected_invalid, "{}", encoding.name());
            assert_eq!(
                text.capacity(),
                text.len(),
                "{}: no spare room",
                encoding.name()
            );
        }
        assert_eq!(
            decode_to_fit(encoding_rs::WINDOWS_1256, b""),
            (String::new(), false)
        );
    }
    use encoding_rs::{ISO_8859_6, WINDOWS_1252, WINDOWS_1256};

    /// Arabic prose written with letters every Arabic code page has.
    const PROSE: &str = "كان الصباح هادئا في المدينة القديمة، والشمس تشرق ببطء فوق \
        الأسطح. خرج الناس إلى الأسواق يحملون سلالهم، وتعالت أصوات الباعة في \
        الأزقة الضيقة. جلس الشيخ عند باب المكتبة يقرأ كتابا قديما عن تاريخ \
        البلاد، ويرفع رأسه بين حين وآخر ليحيي المارة. سأله صبي صغير: ماذا \
        تقرأ يا جدي؟ فابتسم الشيخ وقال: أقرأ عن الذين بنوا هذه المدينة بالصبر \
        والعلم. ثم أغلق الكتاب ونظر إلى السماء الصافية، وتذكر أيام شبابه حين \
        كان يسافر بين المدن طلبا للمعرفة.\n";

    /// Persian prose as windows-1256 spells it (ي for ی), with the letters
    /// that code page keeps below 0xC0.
    const PERSIAN: &str = "اين کتاب را پدرم سال‌ها پيش از بازار کهنه شهر خريد. \
        هر شب پيش از خواب چند صفحه از آن را براي ما مي‌خواند و ما گوش \
        مي‌داديم. حالا که بزرگ شده‌ام، گاهي همان صفحه‌ها را دوباره مي‌خوانم \
        و صداي گرم او را به ياد مي‌آورم. چه کسي مي‌داند که کتاب‌ها چه \
        چيزهايي را در خود نگه مي‌دارند؟\n";

    /// Encodes `text` in a legacy encoding, checking that every character
    /// has a byte there.
    fn legacy(encoding: &'static Encoding, text: &str) -> Vec<u8> {
        let (bytes, used, unmappable) = encoding.encode(text);
        assert_eq!(used, encoding, "fixture encoded in {}", encoding.name());
        assert!(!unmappable, "fixture fits {}", encoding.name());
        bytes.into_owned()
    }

    /// A byte order mark followed by `text` in UTF-16 code units.
    fn utf16(text: &str, little_endian: bool) -> Vec<u8> {
        let mut bytes = if little_endian {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for unit in text.encode_utf16() {
            let pair = if little_endian {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            };
            bytes.extend_from_slice(&pair);
        }
        bytes
    }

    #[test]
    fn utf8_without_bom_round_trips() {
        let d = decode(PROSE.as_bytes().to_vec(), None);
        assert_eq!(d.text, PROSE);
        assert_eq!(d.encoding, UTF_8);
        assert!(!d.had_invalid);
    }

    #[test]
    fn valid_utf8_becomes_text_without_a_copy() {
        let bytes = PROSE.as_bytes().to_vec();
        let start = bytes.as_ptr();
        let d = decode(bytes, None);
        assert_eq!(d.text.as_ptr(), start);

        let bytes = PROSE.as_bytes().to_vec();
        let start = bytes.as_ptr();
        let d = decode(bytes, Some(UTF_8));
        assert_eq!(d.text.as_ptr(), start);

        // ASCII read as windows-1256 is the same bytes, so also kept.
        let bytes = b"plain ASCII text".to_vec();
        let start = bytes.as_ptr();
        let d = decode(bytes, Some(WINDOWS_1256));
        assert_eq!(d.text.as_ptr(), start);
        assert_eq!(d.text, "plain ASCII text");
    }

    #[test]
    fn utf8_bom_is_dropped_in_place() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(PROSE.as_bytes());
        let start = bytes.as_ptr();
        let d = decode(bytes, None);
        assert_eq!(d.text, PROSE);
        assert_eq!(d.text.as_ptr(), start);
        assert_eq!(d.encoding, UTF_8);
        assert!(!d.had_invalid);
    }

    #[test]
    fn utf16_with_bom_round_trips() {
        for (little_endian, encoding) in [(true, UTF_16LE), (false, UTF_16BE)] {
            let d = decode(utf16(PROSE, little_endian), None);
            assert_eq!(d.text, PROSE);
            assert_eq!(d.encoding, encoding);
            assert!(!d.had_invalid);
        }
    }

    #[test]
    fn utf16_cut_mid_unit_ends_in_replacement() {
        let mut bytes = utf16("سلام", true);
        bytes.push(0x41);
        let d = decode(bytes, None);
        assert_eq!(d.text, "سلام\u{FFFD}");
        assert!(d.had_invalid);
    }

    #[test]
    fn windows_1256_arabic_is_detected() {
        let d = decode(legacy(WINDOWS_1256, PROSE), None);
        assert_eq!(d.encoding, WINDOWS_1256);
        assert_eq!(d.text, PROSE);
        assert!(!d.had_invalid);
    }

    #[test]
    fn windows_1256_persian_is_detected() {
        let bytes = legacy(WINDOWS_1256, PERSIAN);
        assert!(std::str::from_utf8(&bytes).is_err());
        let d = decode(bytes, None);
        assert_eq!(d.encoding, WINDOWS_1256);
        assert_eq!(d.text, PERSIAN);
    }

    #[test]
    fn iso_8859_6_arabic_is_detected() {
        let d = decode(legacy(ISO_8859_6, PROSE), None);
        assert_eq!(d.encoding, ISO_8859_6);
        assert_eq!(d.text, PROSE);
        assert!(!d.had_invalid);
    }

    #[test]
    fn invalid_bytes_after_a_utf8_bom_become_replacements() {
        let d = decode(b"\xEF\xBB\xBFab\xFFc".to_vec(), None);
        assert_eq!(d.text, "ab\u{FFFD}c");
        assert_eq!(d.encoding, UTF_8);
        assert!(d.had_invalid);
    }

    #[test]
    fn utf8_with_a_corrupt_byte_stays_utf8() {
        let cut = PROSE.find("المدينة").expect("the prose names the city");
        let mut bytes = PROSE.as_bytes().to_vec();
        bytes.insert(cut, 0xFF);
        let d = decode(bytes, None);
        assert_eq!(d.encoding, UTF_8);
        assert!(d.had_invalid);
        let expected = format!("{}\u{FFFD}{}", &PROSE[..cut], &PROSE[cut..]);
        assert_eq!(d.text, expected);
    }

    #[test]
    fn utf8_cut_mid_character_stays_utf8() {
        let mut bytes = PROSE.trim_end().as_bytes().to_vec();
        bytes.extend_from_slice(&"ب".as_bytes()[..1]);
        let d = decode(bytes, None);
        assert_eq!(d.encoding, UTF_8);
        assert_eq!(d.text, format!("{}\u{FFFD}", PROSE.trim_end()));
    }

    #[test]
    fn utf8_files_are_held_in_place_and_others_decoded() {
        let utf8 = PROSE.as_bytes();
        assert_eq!(holding(utf8, None), Holding::Utf8 { skip: 0 });
        // A head cut inside a letter is still UTF-8.
        assert_eq!(
            holding(&utf8[..utf8.len() - 2], None),
            Holding::Utf8 { skip: 0 }
        );
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(utf8);
        assert_eq!(holding(&bom, None), Holding::Utf8 { skip: 3 });
        assert_eq!(holding(&utf16(PROSE, true), None), Holding::Decoded);
        assert_eq!(
            holding(&legacy(WINDOWS_1256, PROSE), None),
            Holding::Decoded
        );
        assert_eq!(holding(utf8, Some(WINDOWS_1256)), Holding::Decoded);
        assert_eq!(
            holding(&legacy(WINDOWS_1256, PROSE), Some(UTF_8)),
            Holding::Utf8 { skip: 0 }
        );
        // Decoding a slice gives what decoding the owned bytes gives.
        for bytes in [bom.clone(), utf16(PROSE, false), legacy(ISO_8859_6, PROSE)] {
            let owned = decode(bytes.clone(), None);
            let sliced = decode_slice(&bytes, None);
            assert_eq!((sliced.text, sliced.encoding), (owned.text, owned.encoding));
        }
    }

    #[test]
    fn a_stream_decoded_piece_by_piece_reads_as_the_whole_input() {
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(PROSE.as_bytes());
        let mut damaged = PROSE.as_bytes().to_vec();
        damaged.insert(7, 0xFF);
        let inputs = [
            (bom, None),
            (damaged, None),
            (utf16(PROSE, true), None),
            (utf16(PROSE, false), None),
            (legacy(WINDOWS_1256, PROSE), None),
            (legacy(ISO_8859_6, PROSE), Some(ISO_8859_6)),
            (PROSE.as_bytes().to_vec(), Some(WINDOWS_1256)),
        ];
        for (bytes, forced) in inputs {
            let whole = decode(bytes.clone(), forced);
            for piece in [1, 2, 3, 5, 64, bytes.len()] {
                let mut decoder = StreamDecoder::new(&bytes, forced);
                let mut text = String::new();
                let mut had_invalid = false;
                let pieces: Vec<&[u8]> = bytes.chunks(piece).collect();
                for (i, chunk) in pieces.iter().enumerate() {
                    had_invalid |= decoder.decode(chunk, i + 1 == pieces.len(), &mut text);
                }
                let what = format!("{} in pieces of {piece}", whole.encoding.name());
                assert_eq!(decoder.encoding, whole.encoding, "{what}");
                assert_eq!(text, whole.text, "{what}");
                assert_eq!(had_invalid, whole.had_invalid, "{what}");
            }
        }
    }

    #[test]
    fn a_character_cut_at_the_end_is_found() {
        let text = "سطر a";
        assert_eq!(complete_utf8_len(text.as_bytes()), text.len());
        assert_eq!(complete_utf8_len(&text.as_bytes()[..1]), 0);
        assert_eq!(complete_utf8_len(&text.as_bytes()[..3]), 2);
        assert_eq!(complete_utf8_len(&"😀".as_bytes()[..3]), 0);
        assert_eq!(complete_utf8_len(b""), 0);
        assert_eq!(
            complete_utf8_len(b"a\xB3\xB3"),
            3,
            "not UTF-8: left as it is"
        );
        assert_eq!(complete_utf8_len(b"\xD8\xB3\xD8"), 2);
    }

    #[test]
    fn utf8_allows_four_invalid_sequences_per_letter() {
        // One letter and four invalid sequences: exactly the bound.
        let at_bound = b"\xD8\xA8 \xFF \xFF \xFF \xFF";
        let d = decode(at_bound.to_vec(), None);
        assert_eq!(d.encoding, UTF_8);
        assert_eq!(d.text, "ب \u{FFFD} \u{FFFD} \u{FFFD} \u{FFFD}");
        // One more invalid sequence is past it.
        let past = b"\xD8\xA8 \xFF \xFF \xFF \xFF \xFF";
        let d = decode(past.to_vec(), None);
        assert_ne!(d.encoding, UTF_8);
        assert_eq!(d.text, d.encoding.decode_without_bom_handling(past).0);
    }

    #[test]
    fn corruption_at_the_start_is_weighed_against_the_whole_file() {
        let mut bytes = vec![0xFF; 8];
        bytes.extend_from_slice(PROSE.as_bytes());
        let d = decode(bytes, None);
        assert_eq!(d.encoding, UTF_8);
        assert_eq!(d.text, format!("{}{PROSE}", "\u{FFFD}".repeat(8)));
    }

    #[test]
    fn ascii_with_stray_bytes_goes_to_detection() {
        let bytes = b"caf\xE9 au lait, cr\xE8me br\xFBl\xE9e".to_vec();
        let d = decode(bytes.clone(), None);
        assert_ne!(d.encoding, UTF_8);
        assert_eq!(d.text, d.encoding.decode_without_bom_handling(&bytes).0);
        assert_eq!(d.encoding, WINDOWS_1252);
    }

    #[test]
    fn detection_reads_a_prefix_but_decodes_everything() {
        let mut text = String::new();
        while text.len() <= DETECTION_PREFIX {
            text.push_str(PROSE);
        }
        text.push_str("آخر سطر\n");
        let d = decode(legacy(WINDOWS_1256, &text), None);
        assert_eq!(d.encoding, WINDOWS_1256);
        assert_eq!(d.text, text);
    }

    #[test]
    fn forced_encoding_wins_over_detection() {
        let bytes = PROSE.as_bytes().to_vec();
        let d = decode(bytes.clone(), Some(WINDOWS_1256));
        assert_eq!(d.encoding, WINDOWS_1256);
        assert_eq!(d.text, WINDOWS_1256.decode_without_bom_handling(&bytes).0);
        assert_ne!(d.text, PROSE);

        let bytes = legacy(ISO_8859_6, PROSE);
        let d = decode(bytes, Some(ISO_8859_6));
        assert_eq!(d.text, PROSE);
    }

    #[test]
    fn forced_encoding_drops_only_its_own_bom() {
        let d = decode(utf16(PROSE, false), Some(UTF_16BE));
        assert_eq!(d.text, PROSE);
        assert!(!d.had_invalid);

        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(&legacy(WINDOWS_1256, "سلام"));
        let d = decode(bytes.clone(), Some(WINDOWS_1256));
        assert_eq!(d.text, WINDOWS_1256.decode_without_bom_handling(&bytes).0);
        assert!(d.text.ends_with("سلام"));
        assert_ne!(d.text, "سلام");
    }

    #[test]
    fn forced_utf8_replaces_invalid_bytes() {
        let bytes = legacy(WINDOWS_1256, "سلام");
        let d = decode(bytes.clone(), Some(UTF_8));
        assert_eq!(d.encoding, UTF_8);
        assert!(d.had_invalid);
        assert!(d.text.contains('\u{FFFD}'));
        assert_eq!(d.text, String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn empty_input_is_empty_utf8() {
        let d = decode(Vec::new(), None);
        assert_eq!(d.text, "");
        assert_eq!(d.encoding, UTF_8);
        assert!(!d.had_invalid);
    }

    #[test]
    fn nul_bytes_look_binary() {
        assert!(looks_binary(b"abc\0def", None));
        assert!(looks_binary(b"abc\0def", Some(WINDOWS_1256)));
        assert!(!looks_binary(PROSE.as_bytes(), None));
        assert!(!looks_binary(b"", None));
        // Only the first 8 KB are probed.
        let mut late = vec![b'a'; BINARY_PROBE];
        late.push(0);
        assert!(!looks_binary(&late, None));
        late.insert(0, 0);
        assert!(looks_binary(&late, None));
    }

    #[test]
    fn utf16_is_not_binary_with_a_bom_or_forced() {
        for little_endian in [true, false] {
            assert!(!looks_binary(&utf16("abc", little_endian), None));
        }
        let units: Vec<u8> = "abc".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert!(looks_binary(&units, None));
        assert!(!looks_binary(&units, Some(UTF_16LE)));
        assert!(!looks_binary(&units, Some(UTF_16BE)));
        assert_eq!(decode(units, Some(UTF_16LE)).text, "abc");
    }

    #[test]
    fn labels_name_encodings() {
        let cases = [
            ("windows-1256", WINDOWS_1256),
            ("CP1256", WINDOWS_1256),
            ("iso-8859-6", ISO_8859_6),
            ("Arabic", ISO_8859_6),
            ("utf-16le", UTF_16LE),
            ("UTF-16BE", UTF_16BE),
            ("utf8", UTF_8),
            (" utf-8 ", UTF_8),
        ];
        for (label, encoding) in cases {
            assert_eq!(encoding_for_label(label), Ok(encoding), "{label}");
        }
    }

    #[test]
    fn unknown_labels_list_accepted_names() {
        for label in ["klingon", "", "iso-2022-kr", "utf 8"] {
            let message = encoding_for_label(label).expect_err("not an encoding label");
            assert!(message.contains("windows-1256"), "{message}");
            assert!(message.contains(&format!("{label:?}")), "{message}");
        }
    }

    #[test]
    fn display_names_are_short_and_skip_utf8() {
        assert_eq!(display_name(UTF_8), None);
        assert_eq!(display_name(WINDOWS_1256), Some("Windows-1256"));
        assert_eq!(display_name(ISO_8859_6), Some("ISO-8859-6"));
        assert_eq!(display_name(UTF_16LE), Some("UTF-16LE"));
        assert_eq!(display_name(UTF_16BE), Some("UTF-16BE"));
    }
}
