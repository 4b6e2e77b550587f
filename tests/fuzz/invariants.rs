//! What decoding, line splitting, layout and `qari render` promise on any
//! input at all, checked on one input: shared by the fuzz target
//! `decode_layout` (in this directory) and the property tests in
//! `tests/decode_layout_properties.rs`.
//!
//! Every check panics with the offending text and options, which is how both
//! libFuzzer and proptest learn of a failure.

use encoding_rs::{Encoding, ISO_8859_6, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1256};
use qari::library::decode::{Decoded, decode, looks_binary};
use qari::render::{RenderOptions, render_document};
use qari::text::lines::lines;
use qari::text::{BaseDirection, Layout, LayoutOptions, Order, dominant_direction};

/// The most document bytes a fuzz input is read for: many paragraphs, yet an
/// iteration stays in the milliseconds.
pub const MAX_DOCUMENT: usize = 64 * 1024;

/// The encodings a case may force, `None` leaving the choice to detection.
pub static FORCED: [Option<&Encoding>; 6] = [
    None,
    Some(UTF_8),
    Some(UTF_16LE),
    Some(UTF_16BE),
    Some(WINDOWS_1256),
    Some(ISO_8859_6),
];

/// How one document is decoded, laid out and rendered.
#[derive(Debug, Clone, Copy)]
pub struct Case {
    /// Cells per line, 1 to 200.
    pub width: usize,
    /// Whether lines break at the width.
    pub wrap: bool,
    /// Whether Arabic takes its presentation forms.
    pub shape: bool,
    /// Whether harakat are shown.
    pub harakat: bool,
    /// How each paragraph's direction is chosen.
    pub direction: BaseDirection,
    /// The order cells are laid out in (`qari render` always uses visual).
    pub order: Order,
    /// Whether `qari render` pads right-to-left lines.
    pub pad: bool,
    /// The encoding forced on the decoder, if any.
    pub forced: Option<&'static Encoding>,
}

impl Case {
    /// Splits a fuzz input into the case its first three bytes choose and
    /// the document after them (at most [`MAX_DOCUMENT`] bytes): byte 0 is
    /// the width; byte 1 holds flags (1 wrap, 2 shape, 4 harakat, 8 and 16
    /// the direction, 32 logical order, 64 padding); byte 2 picks from
    /// [`FORCED`]. Inputs shorter than three bytes choose nothing.
    pub fn split(data: &[u8]) -> Option<(Case, &[u8])> {
        let (&[width, flags, forced], document) = data.split_first_chunk::<3>()?;
        let direction = match (flags >> 3) & 3 {
            1 => BaseDirection::Ltr,
            2 => BaseDirection::Rtl,
            _ => BaseDirection::Auto,
        };
        let case = Case {
            width: usize::from(width) % 200 + 1,
            wrap: flags & 1 != 0,
            shape: flags & 2 != 0,
            harakat: flags & 4 != 0,
            direction,
            order: if flags & 32 != 0 {
                Order::Logical
            } else {
                Order::Visual
            },
            pad: flags & 64 != 0,
            forced: FORCED[usize::from(forced) % FORCED.len()],
        };
        Some((case, &document[..document.len().min(MAX_DOCUMENT)]))
    }

    /// The layout options the reader would use for `text` under this case:
    /// a paragraph without strong characters takes the document's dominant
    /// direction, as in `qari render`.
    pub fn layout_options(&self, text: &str) -> LayoutOptions {
        LayoutOptions {
            width: self.width,
            wrap: self.wrap,
            shape: self.shape,
            harakat: self.harakat,
            direction: self.direction,
            fallback: dominant_direction(text),
            order: self.order,
        }
    }
}

/// Whether `c` must never be printed: C0 controls (tabs included: a tab is
/// painted as spaces), DEL, C1 controls, the line and paragraph separators,
/// and the explicit bidi controls, which the layout obeys and never prints.
pub fn forbidden(c: char) -> bool {
    matches!(
        c,
        '\0'..='\x1f'
            | '\x7f'..='\u{9f}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{061C}'
    )
}

/// Runs the whole pipeline on one document and checks every step.
pub fn check(bytes: &[u8], case: &Case) {
    // Only the library consults it; here it just must not fail.
    looks_binary(bytes, case.forced);
    let decoded = check_decode(bytes, case.forced);
    let text = decoded.text.as_str();
    let options = case.layout_options(text);
    // What `qari render` must print, line for line, in visual order.
    let mut expected = String::new();
    for paragraph in check_lines(text) {
        let layout = check_layout(paragraph, &options);
        if paragraph.is_empty() {
            expected.push('\n');
            continue;
        }
        for line in layout.lines() {
            if case.pad {
                expected.push_str(&" ".repeat(line.indent(case.width)));
            }
            expected.push_str(&line.text());
            expected.push('\n');
        }
    }
    let visual = (case.order == Order::Visual).then_some(expected.as_str());
    check_render(text, case, visual);
}

/// Decodes `bytes` and checks that the encoding chosen decoded all of them
/// after its own byte order mark, nothing dropped or added: exactly one BOM
/// is removed, valid UTF-8 is kept as it is, and malformed bytes are
/// reported.
pub fn check_decode(bytes: &[u8], forced: Option<&'static Encoding>) -> Decoded {
    let decoded = decode(bytes.to_vec(), forced);
    let encoding = decoded.encoding;
    if let Some(forced) = forced {
        assert_eq!(encoding, forced, "the forced encoding is used");
    }
    let bom = Encoding::for_bom(bytes);
    if forced.is_none()
        && let Some((named, _)) = bom
    {
        assert_eq!(encoding, named, "a byte order mark names the encoding");
    }
    let skip = match bom {
        Some((named, len)) if named == encoding => len,
        _ => 0,
    };
    let (reference, malformed) = encoding.decode_without_bom_handling(&bytes[skip..]);
    assert!(
        decoded.text == reference,
        "{} decoded {} as {}, not {}",
        encoding.name(),
        excerpt_bytes(bytes),
        excerpt(&decoded.text),
        excerpt(&reference)
    );
    assert_eq!(
        decoded.had_invalid,
        malformed,
        "malformed bytes reported for {} in {}",
        excerpt_bytes(bytes),
        encoding.name()
    );
    if forced.is_none()
        && bom.is_none()
        && let Ok(text) = std::str::from_utf8(bytes)
    {
        assert_eq!(encoding, UTF_8, "valid UTF-8 is read as UTF-8");
        assert_eq!(decoded.text, text);
    }
    decoded
}

/// Splits `text` into its paragraphs and checks that they and their line
/// endings (LF, CRLF or a lone CR) make up the text, in order.
pub fn check_lines(text: &str) -> Vec<&str> {
    let mut paragraphs = Vec::new();
    let mut at = 0;
    for range in lines(text) {
        assert_eq!(
            range.start,
            at,
            "lines of {} leave a gap or overlap",
            excerpt(text)
        );
        let paragraph = text
            .get(range.clone())
            .unwrap_or_else(|| panic!("line {range:?} is not a slice of {}", excerpt(text)));
        assert!(
            !paragraph.contains(['\n', '\r']),
            "line {} holds a line ending",
            excerpt(paragraph)
        );
        let rest = &text[range.end..];
        at = range.end
            + if rest.starts_with("\r\n") {
                2
            } else if rest.starts_with(['\n', '\r']) {
                1
            } else {
                0
            };
        paragraphs.push(paragraph);
    }
    assert_eq!(at, text.len(), "lines of {} stop early", excerpt(text));
    paragraphs
}

/// Lays out one paragraph and checks its lines and cells.
pub fn check_layout(paragraph: &str, options: &LayoutOptions) -> Layout {
    let layout = Layout::new(paragraph, options);
    let context = || format!("{} with {options:?}", excerpt(paragraph));
    assert!(layout.line_count() >= 1, "no line for {}", context());
    if !options.wrap {
        assert_eq!(layout.line_count(), 1, "unwrapped {} broke", context());
    }
    let mut at = 0;
    for (i, line) in layout.lines().enumerate() {
        let source = line.source();
        assert!(
            source.start == at && source.start <= source.end,
            "line {i} covers {source:?}, expected from {at}: {}",
            context()
        );
        at = source.end;
        let mut cells = 0;
        for cell in line.cells() {
            assert!(
                !cell.text.chars().any(forbidden),
                "cell {:?} of line {i} holds a control: {}",
                cell.text,
                context()
            );
            assert!(
                cell.width > 0,
                "cell {:?} of line {i} is painted with no width: {}",
                cell.text,
                context()
            );
            assert!(
                source.start <= cell.source.start
                    && cell.source.start < cell.source.end
                    && cell.source.end <= source.end
                    && paragraph.get(cell.source.clone()).is_some(),
                "cell {:?} of line {i} shows {:?}, outside {source:?}: {}",
                cell.text,
                cell.source,
                context()
            );
            cells += cell.width;
        }
        assert_eq!(
            line.width(),
            cells,
            "line {i}'s width is not its cells' widths: {}",
            context()
        );
        if options.wrap {
            assert!(
                line.width() <= options.width,
                "line {i} is {} cells wide: {}",
                line.width(),
                context()
            );
        }
    }
    assert_eq!(at, paragraph.len(), "lines stop early: {}", context());
    layout
}

/// Renders `text` as `qari render` does and checks that only line feeds are
/// printed as controls, and, when given, that the output is `visual`.
pub fn check_render(text: &str, case: &Case, visual: Option<&str>) {
    let options = RenderOptions {
        width: case.width,
        wrap: case.wrap,
        pad: case.pad,
        shape: case.shape,
        harakat: case.harakat,
        direction: case.direction,
        threads: 1,
    };
    let mut out = Vec::new();
    render_document(text, &options, &mut out).expect("writing to a Vec never fails");
    let out = String::from_utf8(out).expect("qari render prints UTF-8");
    if let Some(c) = out.chars().find(|&c| c != '\n' && forbidden(c)) {
        panic!(
            "qari render printed {c:?} for {} with {case:?}",
            excerpt(text)
        );
    }
    if let Some(visual) = visual {
        assert!(
            out == visual,
            "qari render printed {}, the layout {}, for {} with {case:?}",
            excerpt(&out),
            excerpt(visual),
            excerpt(text)
        );
    }
}

/// How many characters or bytes of an input a failure message shows.
const SHOWN: usize = 300;

/// `text` quoted for a failure message: whole when short, else its start
/// and its length, so that a 64 KB input does not flood the report.
fn excerpt(text: &str) -> String {
    match text.char_indices().nth(SHOWN) {
        None => format!("{text:?}"),
        Some((end, _)) => format!("{:?}… ({} bytes)", &text[..end], text.len()),
    }
}

/// `bytes` for a failure message, cut as [`excerpt`] cuts text.
fn excerpt_bytes(bytes: &[u8]) -> String {
    if bytes.len() <= SHOWN {
        format!("{bytes:?}")
    } else {
        format!("{:?}… ({} bytes)", &bytes[..SHOWN], bytes.len())
    }
}
