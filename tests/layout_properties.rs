//! Property tests for the layout engine: random paragraphs mixing every
//! script and hazard a reader meets (Arabic with harakat and lam-alef,
//! Persian, Hebrew with niqqud, Latin, digits, brackets, tabs, bidi controls,
//! terminal controls, CJK, emoji sequences), laid out with random options.
//!
//! Each property is checked against an oracle written here from the
//! documented contract, not from the engine's own helpers: widths are
//! measured the way ratatui's `Buffer::set_stringn` paints (grapheme by
//! grapheme with `unicode-width`), the sanitised input is rebuilt from the
//! sanitiser's documented replacements, and bidi levels come straight from
//! `unicode-bidi` with rules L1-L2 reimplemented here.
//!
//! Failures are not persisted to disk; a failing run prints the minimal
//! paragraph and options to reproduce it.

mod common;

use std::collections::BTreeMap;
use std::ops::Range;

use proptest::prelude::*;
use qari::text::{BaseDirection, Direction, Layout, LayoutOptions, Order};
use unicode_bidi::{BidiClass, Level, ParagraphBidiInfo};
use unicode_segmentation::UnicodeSegmentation;

// ---------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------

/// Arabic letters, including the Persian additions پ چ ژ گ ی ک.
const ARABIC_LETTERS: &[char] = &[
    'ا', 'ب', 'ت', 'ث', 'ج', 'ح', 'خ', 'د', 'ذ', 'ر', 'ز', 'س', 'ش', 'ص', 'ض', 'ط', 'ظ', 'ع', 'غ',
    'ف', 'ق', 'ك', 'ل', 'م', 'ن', 'ه', 'و', 'ي', 'ة', 'ى', 'ء', 'أ', 'إ', 'آ', 'ؤ', 'ئ', 'ـ', 'پ',
    'چ', 'ژ', 'گ', 'ی', 'ک',
];

/// Alefs that form a mandatory ligature after lam.
const ALEFS: &[char] = &['ا', 'أ', 'إ', 'آ'];

/// Hebrew letters (final forms included).
const HEBREW_LETTERS: &[char] = &[
    'א', 'ב', 'ג', 'ד', 'ה', 'ו', 'ז', 'ח', 'ט', 'י', 'כ', 'ך', 'ל', 'מ', 'ם', 'נ', 'ן', 'ס', 'ע',
    'פ', 'ף', 'צ', 'ץ', 'ק', 'ר', 'ש', 'ת',
];

/// Niqqud and the dagesh, shin and sin dots.
const HEBREW_POINTS: &[char] = &[
    '\u{05B0}', '\u{05B1}', '\u{05B2}', '\u{05B3}', '\u{05B4}', '\u{05B5}', '\u{05B6}', '\u{05B7}',
    '\u{05B8}', '\u{05B9}', '\u{05BB}', '\u{05BC}', '\u{05C1}', '\u{05C2}',
];

const PUNCTUATION: &[char] = &[
    '.', ',', ';', ':', '!', '?', '-', '/', '\'', '"', '%', '+', '=', '#', '$', '&', '*', '@', '،',
    '؛', '؟', '٪', '…', '–', '—', '״', '׳',
];

const BRACKETS: &[char] = &['(', ')', '[', ']', '{', '}', '<', '>', '«', '»'];

const BIDI_CONTROLS: &[char] = &[
    '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}',
];

const CJK: &[char] = &[
    '日', '本', '語', '中', '文', '한', '국', 'カ', 'ナ', '、', '。', '，',
];

const EMOJI: &[&str] = &[
    "😀",
    "👍",
    "👍🏽",
    "👋🏿",
    "❤️",
    "☺",
    "🇸🇦",
    "🇮🇱",
    "👨\u{200D}👩\u{200D}👧",
    "🏳️\u{200D}🌈",
    "👩🏾\u{200D}💻",
    "🧕🏻",
];

/// Odds and ends the terminal treats specially: NBSP, ideographic space, line
/// and paragraph separators, zero-width characters, soft hyphen, halfwidth
/// katakana sound marks, a variation selector, a stray combining accent.
const MISC: &[&str] = &[
    "\u{00A0}",
    "\u{3000}",
    "\u{2028}",
    "\u{2029}",
    "\u{200B}",
    "\u{FEFF}",
    "\u{00AD}",
    "ｶﾞ",
    "ﾊﾟ",
    "\u{FE0F}",
    "e\u{0301}",
    "\u{0301}",
];

fn pick(set: &'static [char]) -> impl Strategy<Value = char> {
    prop::sample::select(set)
}

fn harakah() -> impl Strategy<Value = char> {
    (0x064Bu32..=0x0652).prop_map(|c| char::from_u32(c).unwrap())
}

/// An Arabic or Persian word: letters, each maybe followed by harakat,
/// sometimes a lam-alef or a ZWNJ inside.
fn arabic_word() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        6 => (pick(ARABIC_LETTERS), prop::collection::vec(harakah(), 0..=2))
            .prop_map(|(c, marks)| std::iter::once(c).chain(marks).collect::<String>()),
        2 => (pick(ALEFS), prop::collection::vec(harakah(), 0..=1))
            .prop_map(|(alef, marks)| ['ل', alef].into_iter().chain(marks).collect()),
        1 => Just("\u{200C}".to_string()),
        1 => Just("\u{200D}".to_string()),
    ];
    prop::collection::vec(piece, 1..=6).prop_map(|v| v.concat())
}

/// A Hebrew word with niqqud (U+05B0–U+05BC) and dagesh/shin dots.
fn hebrew_word() -> impl Strategy<Value = String> {
    let piece = (
        pick(HEBREW_LETTERS),
        prop::collection::vec(pick(HEBREW_POINTS), 0..=2),
    )
        .prop_map(|(c, marks)| std::iter::once(c).chain(marks).collect::<String>());
    prop::collection::vec(piece, 1..=6).prop_map(|v| v.concat())
}

fn latin_word() -> impl Strategy<Value = String> {
    "[A-Za-z]{1,10}"
}

fn digits() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{1,5}",
        "[٠-٩]{1,5}",
        "[۰-۹]{1,5}",
        "[0-9]{4}-[0-9]{4}",
        "[0-9]{1,3}[.,][0-9]{1,3}",
    ]
}

fn spaces() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => Just(" ".to_string()),
        2 => "[ \t]{1,4}",
        1 => Just("\t".to_string()),
    ]
}

/// C0 controls, DEL and C1 controls (U+009B, the 8-bit CSI, included).
fn terminal_control() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..0x20).prop_map(|c| char::from_u32(c).unwrap().to_string()),
        Just("\u{7f}".to_string()),
        (0x80u32..0xA0).prop_map(|c| char::from_u32(c).unwrap().to_string()),
        Just("\u{9b}".to_string()),
        Just("\u{1b}[31m".to_string()),
        Just("\u{1b}]0;title\u{7}".to_string()),
    ]
}

/// One piece of a paragraph, from anything in the alphabet.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        10 => arabic_word(),
        4 => hebrew_word(),
        5 => latin_word(),
        3 => digits(),
        10 => spaces(),
        3 => pick(PUNCTUATION).prop_map(String::from),
        3 => pick(BRACKETS).prop_map(String::from),
        3 => pick(BIDI_CONTROLS).prop_map(String::from),
        2 => terminal_control(),
        2 => prop::collection::vec(pick(CJK), 1..=3).prop_map(|v| v.into_iter().collect()),
        2 => prop::sample::select(EMOJI).prop_map(String::from),
        2 => prop::sample::select(MISC).prop_map(String::from),
        1 => harakah().prop_map(String::from),
    ]
}

/// A piece of everyday right-to-left prose: no Latin letters, no controls,
/// nothing outside Arabic, Hebrew, digits, punctuation and spaces.
fn rtl_prose_token() -> impl Strategy<Value = String> {
    prop_oneof![
        10 => arabic_word(),
        4 => hebrew_word(),
        3 => digits(),
        10 => Just(" ".to_string()),
        1 => Just("\t".to_string()),
        3 => pick(PUNCTUATION).prop_map(String::from),
        3 => pick(BRACKETS).prop_map(String::from),
        1 => harakah().prop_map(String::from),
    ]
}

/// A piece of mixed-direction prose without controls, emoji or CJK.
fn mixed_prose_token() -> impl Strategy<Value = String> {
    prop_oneof![
        10 => arabic_word(),
        4 => hebrew_word(),
        6 => latin_word(),
        3 => digits(),
        10 => Just(" ".to_string()),
        3 => pick(PUNCTUATION).prop_map(String::from),
        3 => pick(BRACKETS).prop_map(String::from),
    ]
}

/// Joins tokens into a paragraph of at most 120 characters.
fn join(tokens: Vec<String>) -> String {
    let mut s = String::new();
    for t in tokens {
        if s.chars().count() + t.chars().count() > 120 {
            break;
        }
        s.push_str(&t);
    }
    s
}

/// A paragraph of up to about 120 characters: mostly anything goes, but
/// plain right-to-left and mixed prose get their own share, since the
/// engine may take shortcuts on them.
fn paragraph() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::collection::vec(token(), 0..24).prop_map(join),
        1 => prop::collection::vec(rtl_prose_token(), 0..24).prop_map(join),
        1 => prop::collection::vec(mixed_prose_token(), 0..24).prop_map(join),
    ]
}

fn base_direction() -> impl Strategy<Value = BaseDirection> {
    prop_oneof![
        Just(BaseDirection::Auto),
        Just(BaseDirection::Rtl),
        Just(BaseDirection::Ltr),
    ]
}

/// Random options; narrow widths make wrapping do real work, so half the
/// widths are at most 12.
fn options() -> impl Strategy<Value = LayoutOptions> {
    (
        prop_oneof![1usize..=12, 1usize..=200],
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        base_direction(),
        prop_oneof![Just(Direction::Ltr), Just(Direction::Rtl)],
        prop_oneof![3 => Just(Order::Visual), 1 => Just(Order::Logical)],
    )
        .prop_map(
            |(width, wrap, shape, harakat, direction, fallback, order)| LayoutOptions {
                width,
                wrap,
                shape,
                harakat,
                direction,
                fallback,
                order,
            },
        )
}

/// Random options for visual order, the order the rules of UAX #9 L1–L4
/// describe.
fn visual_options() -> impl Strategy<Value = LayoutOptions> {
    options().prop_map(|o| LayoutOptions {
        order: Order::Visual,
        ..o
    })
}

fn wrapping_options() -> impl Strategy<Value = LayoutOptions> {
    options().prop_map(|o| LayoutOptions { wrap: true, ..o })
}

// ---------------------------------------------------------------------------
// Oracles
// ---------------------------------------------------------------------------

/// Cells ratatui's `Buffer::set_stringn` advances over when it paints `s`
/// (measured by painting it: ratatui's own measure, quirks included, such as
/// counting halfwidth katakana sound marks once more than `unicode-width`).
fn ratatui_width(s: &str) -> usize {
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    let mut buffer = Buffer::empty(Rect::new(0, 0, 512, 1));
    let (x, _) = buffer.set_stringn(0, 0, s, 512, ratatui::style::Style::new());
    usize::from(x)
}

fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
    )
}

/// Characters that must never reach the terminal.
fn is_forbidden(c: char) -> bool {
    matches!(c, '\0'..='\u{1f}' | '\u{7f}'..='\u{9f}') || is_bidi_control(c)
}

/// The sanitiser's documented replacements: C0 controls (except TAB) become
/// Control Pictures, DEL becomes U+2421, C1 controls U+FFFD, and the line and
/// paragraph separators a space.
fn sanitize_char(c: char) -> char {
    match c {
        '\t' => '\t',
        '\0'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap(),
        '\u{7f}' => '\u{2421}',
        '\u{80}'..='\u{9f}' => '\u{FFFD}',
        '\u{2028}' | '\u{2029}' => ' ',
        c => c,
    }
}

/// A grapheme cluster of the sanitised paragraph, with the byte range of the
/// original paragraph it came from.
struct Grapheme {
    text: String,
    source: Range<usize>,
    /// Byte offset in the sanitised paragraph.
    at: usize,
}

impl Grapheme {
    fn first(&self) -> char {
        self.text.chars().next().unwrap()
    }

    /// An explicit bidi control: obeyed, never printed.
    fn is_control(&self) -> bool {
        self.text.chars().count() == 1 && is_bidi_control(self.first())
    }

    /// Whitespace that may hang at a line break (bidi class WS, or a tab).
    fn may_hang(&self) -> bool {
        let c = self.first();
        c == '\t' || unicode_bidi::bidi_class(c) == BidiClass::WS
    }

    fn width(&self) -> usize {
        ratatui_width(&self.text)
    }

    /// Printable: must appear in exactly one cell whatever the options.
    fn is_printable(&self) -> bool {
        !self.is_control() && !self.may_hang() && self.width() > 0
    }
}

/// The sanitised paragraph, with the original offset of each of its bytes
/// (and of its end).
fn sanitize(paragraph: &str) -> (String, Vec<usize>) {
    let mut text = String::new();
    let mut origin = Vec::new();
    for (i, c) in paragraph.char_indices() {
        let r = sanitize_char(c);
        text.push(r);
        origin.extend(std::iter::repeat_n(i, r.len_utf8()));
    }
    origin.push(paragraph.len());
    (text, origin)
}

/// The sanitised paragraph split into grapheme clusters.
fn graphemes(paragraph: &str) -> Vec<Grapheme> {
    let (text, origin) = sanitize(paragraph);
    text.grapheme_indices(true)
        .map(|(at, g)| Grapheme {
            text: g.to_string(),
            source: origin[at]..origin[at + g.len()],
            at,
        })
        .collect()
}

/// UAX #9 P2/P3 with the options' override and fallback: the first strong
/// character outside isolates decides, else the fallback.
fn expected_direction(sanitized: &str, opts: &LayoutOptions) -> Direction {
    match opts.direction {
        BaseDirection::Ltr => return Direction::Ltr,
        BaseDirection::Rtl => return Direction::Rtl,
        BaseDirection::Auto => {}
    }
    let mut depth = 0usize;
    for c in sanitized.chars() {
        match unicode_bidi::bidi_class(c) {
            BidiClass::LRI | BidiClass::RLI | BidiClass::FSI => depth += 1,
            BidiClass::PDI => depth = depth.saturating_sub(1),
            BidiClass::L if depth == 0 => return Direction::Ltr,
            BidiClass::R | BidiClass::AL if depth == 0 => return Direction::Rtl,
            _ => {}
        }
    }
    opts.fallback
}

/// The mirror image of the generated mirrorable characters (BidiMirroring.txt).
fn mirror(c: char) -> char {
    match c {
        '(' => ')',
        ')' => '(',
        '[' => ']',
        ']' => '[',
        '{' => '}',
        '}' => '{',
        '<' => '>',
        '>' => '<',
        '«' => '»',
        '»' => '«',
        c => c,
    }
}

/// UAX #9 L1 on a line of units: segment separators, and whitespace,
/// isolate controls and characters removed by X9 at the end of the line,
/// take the paragraph level.
fn l1(classes: &[BidiClass], levels: &mut [u8], paragraph: u8) {
    use BidiClass::*;
    let mut trailing = true;
    for (class, level) in classes.iter().zip(levels.iter_mut()).rev() {
        match class {
            S | B => {
                *level = paragraph;
                trailing = true;
            }
            WS | FSI | LRI | RLI | PDI | BN | LRE | RLE | LRO | RLO | PDF => {
                if trailing {
                    *level = paragraph;
                }
            }
            _ => trailing = false,
        }
    }
}

/// Whether rule X9 removes characters of a class (UAX #9 X9: embeddings,
/// overrides, PDF and BN).
fn removed_by_x9(class: BidiClass) -> bool {
    use BidiClass::*;
    matches!(class, RLE | LRE | RLO | LRO | PDF | BN)
}

/// UAX #9 L2: indices of `levels` leftmost first, by reversing every maximal
/// run at or above each level from the highest down to the lowest odd one.
fn l2(levels: &[u8]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..levels.len()).collect();
    let Some(&highest) = levels.iter().max() else {
        return order;
    };
    let Some(lowest_odd) = levels.iter().copied().filter(|l| l % 2 == 1).min() else {
        return order;
    };
    for level in (lowest_odd..=highest).rev() {
        let mut i = 0;
        while i < order.len() {
            if levels[order[i]] >= level {
                let start = i;
                while i < order.len() && levels[order[i]] >= level {
                    i += 1;
                }
                order[start..i].reverse();
            } else {
                i += 1;
            }
        }
    }
    order
}

/// Folds a bracket and its mirror image together (UAX #9 L4 may swap them).
fn unmirror(c: char) -> char {
    match c {
        ')' => '(',
        ']' => '[',
        '}' => '{',
        '>' => '<',
        '»' => '«',
        c => c,
    }
}

fn multiset(chars: impl Iterator<Item = char>) -> BTreeMap<char, usize> {
    let mut m = BTreeMap::new();
    for c in chars {
        *m.entry(c).or_insert(0) += 1;
    }
    m
}

fn contains(outer: &Range<usize>, inner: &Range<usize>) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// Code points of a string, for failure messages.
fn code_points(s: &str) -> String {
    let hex: Vec<String> = s.chars().map(|c| format!("U+{:04X}", c as u32)).collect();
    hex.join(" ")
}

/// A readable dump of a layout for failure messages.
fn dump(layout: &Layout) -> String {
    let mut s = String::new();
    for (i, line) in layout.lines().enumerate() {
        s.push_str(&format!(
            "line {i}: source {:?} width {} cells [",
            line.source(),
            line.width()
        ));
        for cell in line.cells() {
            s.push_str(&format!(
                "{:?}@{:?}w{} ",
                cell.text, cell.source, cell.width
            ));
        }
        s.push_str("]\n");
    }
    s
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(common::proptest_config())]

    /// Any text, any options: layout and every accessor return normally.
    #[test]
    fn never_panics(text in paragraph(), opts in options()) {
        let layout = Layout::new(&text, &opts);
        prop_assert!(layout.line_count() >= 1);
        for line in layout.lines() {
            let _ = line.source();
            let _ = line.text();
            let _ = line.indent(opts.width);
            for cell in line.cells() {
                let _ = &text[cell.source.clone()];
            }
        }
    }

    /// A line's text is its cells' texts joined, and `write_to` and
    /// `write_bytes` with padding put exactly `indent` spaces before it.
    #[test]
    fn text_is_cells_joined(text in paragraph(), opts in options()) {
        let layout = Layout::new(&text, &opts);
        for (i, line) in layout.lines().enumerate() {
            let joined: String = line.cells().map(|c| c.text).collect();
            prop_assert_eq!(line.text(), joined.clone(), "line {}\n{}", i, dump(&layout));
            let mut padded = String::new();
            line.write_to(&mut padded, Some(opts.width));
            let expected = " ".repeat(line.indent(opts.width)) + &joined;
            prop_assert_eq!(&padded, &expected, "line {}\n{}", i, dump(&layout));
            let mut bytes = b"before".to_vec();
            line.write_bytes(&mut bytes, Some(opts.width));
            prop_assert_eq!(&bytes[..6], b"before");
            prop_assert_eq!(&bytes[6..], expected.as_bytes(), "line {}\n{}", i, dump(&layout));
        }
    }

    /// With wrapping on no line is wider than the width, and alignment
    /// padding plus the line fits in the width too.
    #[test]
    fn wrapped_lines_fit(text in paragraph(), opts in wrapping_options()) {
        let layout = Layout::new(&text, &opts);
        for (i, line) in layout.lines().enumerate() {
            prop_assert!(
                line.width() <= opts.width,
                "line {} is {} cells wide at width {}\n{}",
                i, line.width(), opts.width, dump(&layout)
            );
            prop_assert!(
                line.indent(opts.width) + line.width() <= opts.width,
                "line {} indent {} + width {} > {}\n{}",
                i, line.indent(opts.width), line.width(), opts.width, dump(&layout)
            );
        }
    }

    /// A line's width is the sum of its cells' widths, wrapped or not.
    #[test]
    fn line_width_is_sum_of_cells(text in paragraph(), opts in options()) {
        let layout = Layout::new(&text, &opts);
        for (i, line) in layout.lines().enumerate() {
            let cells: usize = line.cells().map(|c| c.width).sum();
            prop_assert_eq!(cells, line.width(), "line {}\n{}", i, dump(&layout));
        }
    }

    /// Without wrapping a paragraph is one line.
    #[test]
    fn unwrapped_is_one_line(text in paragraph(), opts in options()) {
        let opts = LayoutOptions { wrap: false, ..opts };
        let layout = Layout::new(&text, &opts);
        prop_assert_eq!(layout.line_count(), 1);
    }

    /// Each cell claims exactly the cells ratatui paints for its text.
    #[test]
    fn cell_width_matches_ratatui(text in paragraph(), opts in options()) {
        let layout = Layout::new(&text, &opts);
        for line in layout.lines() {
            for cell in line.cells() {
                prop_assert_eq!(
                    cell.width,
                    ratatui_width(cell.text),
                    "cell {:?} ({}) from {:?}\n{}",
                    cell.text,
                    code_points(cell.text),
                    &text[cell.source.clone()],
                    dump(&layout)
                );
                prop_assert!(cell.width > 0, "zero-width cell {:?}", cell.text);
            }
        }
    }

    /// Lines cover the paragraph in logical order, without gaps or overlap.
    #[test]
    fn lines_cover_paragraph_in_order(text in paragraph(), opts in options()) {
        let layout = Layout::new(&text, &opts);
        let mut at = 0;
        for (i, line) in layout.lines().enumerate() {
            let source = line.source();
            prop_assert_eq!(
                source.start, at,
                "line {} starts at {}\n{}", i, source.start, dump(&layout)
            );
            prop_assert!(source.end >= source.start);
            at = source.end;
        }
        prop_assert_eq!(
            at, text.len(),
            "lines end at {} of {}\n{}", at, text.len(), dump(&layout)
        );
    }

    /// Cells stay inside their line, no grapheme is painted twice, and every
    /// printable grapheme is painted exactly once.
    #[test]
    fn every_printable_grapheme_painted_once(text in paragraph(), opts in options()) {
        let layout = Layout::new(&text, &opts);
        let mut sources: Vec<Range<usize>> = Vec::new();
        for line in layout.lines() {
            let line_source = line.source();
            for cell in line.cells() {
                prop_assert!(
                    contains(&line_source, &cell.source),
                    "cell {:?} at {:?} outside its line {:?}\n{}",
                    cell.text, cell.source, line_source, dump(&layout)
                );
                prop_assert!(
                    cell.source.start < cell.source.end,
                    "empty source for {:?}", cell.text
                );
                sources.push(cell.source.clone());
            }
        }
        sources.sort_by_key(|r| r.start);
        for pair in sources.windows(2) {
            prop_assert!(
                pair[0].end <= pair[1].start,
                "cells at {:?} and {:?} overlap\n{}", pair[0], pair[1], dump(&layout)
            );
        }
        for g in graphemes(&text) {
            let painted = sources.iter().filter(|s| contains(s, &g.source)).count();
            // Without wrapping nothing hangs, so whitespace is painted too.
            let required = g.is_printable()
                || (!opts.wrap && !g.is_control() && (g.width() > 0 || g.text == "\t"));
            if required {
                prop_assert_eq!(
                    painted, 1,
                    "grapheme {:?} at {:?} painted {} times\n{}",
                    g.text, g.source, painted, dump(&layout)
                );
            } else {
                prop_assert!(painted <= 1, "grapheme {:?} painted {} times", g.text, painted);
            }
        }
    }

    /// Nothing that would drive the terminal ever reaches it.
    #[test]
    fn no_controls_in_output(text in paragraph(), opts in options()) {
        let layout = Layout::new(&text, &opts);
        for line in layout.lines() {
            let t = line.text();
            prop_assert!(!t.chars().any(is_forbidden), "control in {:?} from {:?}", t, text);
        }
    }

    /// Unshaped with harakat shown, the painted characters are exactly the
    /// sanitised input's printable ones (brackets may be mirrored; a cluster
    /// wider than a wrapped line shows as an ellipsis).
    #[test]
    fn unshaped_output_keeps_every_character(text in paragraph(), opts in options()) {
        let opts = LayoutOptions { shape: false, harakat: true, ..opts };
        let layout = Layout::new(&text, &opts);
        // Whitespace is left out on both sides: tabs become spaces, and
        // spaces may hang at a break.
        let expected = multiset(
            graphemes(&text)
                .iter()
                .filter(|g| g.is_printable())
                .flat_map(|g| {
                    if opts.wrap && g.width() > opts.width {
                        vec!['…']
                    } else {
                        g.text.chars().map(unmirror).collect()
                    }
                }),
        );
        let sanitized: String = text.chars().map(sanitize_char).collect();
        let mut cells = Vec::new();
        for line in layout.lines() {
            for cell in line.cells() {
                let first = cell.text.chars().next().unwrap();
                if unicode_bidi::bidi_class(first) == BidiClass::WS {
                    continue;
                }
                // Cell by cell: the grapheme as written, marks after their
                // base (UAX #9 L3), unless it is too wide for the line.
                // Sanitising maps one character to one, so the original
                // range holds as many characters as the sanitised one.
                let written: String = sanitized
                    .chars()
                    .skip(text[..cell.source.start].chars().count())
                    .take(text[cell.source.clone()].chars().count())
                    .map(unmirror)
                    .collect();
                let shown: String = cell.text.chars().map(unmirror).collect();
                prop_assert!(
                    shown == written || (opts.wrap && cell.text == "…"),
                    "cell {:?} shows {:?}\n{}", written, cell.text, dump(&layout)
                );
                cells.extend(cell.text.chars().map(unmirror));
            }
        }
        let actual = multiset(cells.into_iter());
        prop_assert_eq!(actual, expected, "\n{}", dump(&layout));
    }

    /// With harakat hidden, no Arabic mark reaches the terminal, wherever it
    /// sits (on a letter, on a space, alone).
    #[test]
    fn hidden_harakat_never_painted(text in paragraph(), opts in options()) {
        let opts = LayoutOptions { harakat: false, ..opts };
        let layout = Layout::new(&text, &opts);
        for line in layout.lines() {
            for cell in line.cells() {
                prop_assert!(
                    !cell.text.chars().any(|c| ('\u{064B}'..='\u{0652}').contains(&c)),
                    "harakah painted in {:?} from {:?}\n{}",
                    cell.text, &text[cell.source.clone()], dump(&layout)
                );
            }
        }
    }

    /// With shaping on, every joining Arabic letter is printed as a
    /// presentation form, never as its nominal code point.
    #[test]
    fn shaped_letters_use_presentation_forms(text in paragraph(), opts in options()) {
        let opts = LayoutOptions { shape: true, ..opts };
        let layout = Layout::new(&text, &opts);
        for line in layout.lines() {
            for cell in line.cells() {
                // Hamza is non-joining and tatweel has no forms: both stay.
                let nominal = |c: char| c != 'ء' && c != 'ـ' && ARABIC_LETTERS.contains(&c);
                prop_assert!(
                    !cell.text.chars().any(nominal),
                    "unshaped letter in {:?}\n{}", cell.text, dump(&layout)
                );
            }
        }
    }

    /// A line of left-to-right words in a left-to-right paragraph reads in
    /// logical order; a line of Arabic words in a right-to-left paragraph
    /// reads in reverse (UAX #9 L2), whatever the wrapping.
    #[test]
    fn single_direction_lines_keep_or_reverse_order(
        words in prop::collection::vec((any::<bool>(), 1usize..4), 1..12),
        rtl in any::<bool>(),
        opts in visual_options(),
    ) {
        let mut text = String::new();
        for (i, (latin, n)) in words.iter().enumerate() {
            if i > 0 {
                text.push(' ');
            }
            let words = if rtl {
                ["سلام", "كتاب", "پدر"]
            } else if *latin {
                ["word", "Paris", "x"]
            } else {
                ["2018", "42", "x1"]
            };
            text.push_str(words[n - 1]);
        }
        let layout = Layout::new(&text, &opts);
        for line in layout.lines() {
            let starts: Vec<usize> = line.cells().map(|c| c.source.start).collect();
            let mut sorted = starts.clone();
            sorted.sort_unstable();
            // Against the paragraph direction, words are reordered as a
            // whole; that mixed case is left to the table tests.
            match (rtl, layout.direction()) {
                (true, Direction::Rtl) => sorted.reverse(),
                (false, Direction::Ltr) => {}
                _ => continue,
            }
            prop_assert_eq!(starts, sorted, "{:?}\n{}", text, dump(&layout));
        }
    }

    /// The base direction follows UAX #9 P2/P3 (isolates skipped), the
    /// override, or the fallback for a paragraph without strong characters.
    #[test]
    fn base_direction_follows_p2_p3(text in paragraph(), opts in options()) {
        let layout = Layout::new(&text, &opts);
        let (sanitized, _) = sanitize(&text);
        prop_assert_eq!(layout.direction(), expected_direction(&sanitized, &opts));
    }

    /// A bracket or guillemet is painted as its mirror image exactly when
    /// UAX #9 resolves it to an odd (right-to-left) level (rule L4), whether
    /// or not the paragraph has any right-to-left letter.
    #[test]
    fn brackets_mirror_at_odd_levels(text in paragraph(), opts in visual_options()) {
        let layout = Layout::new(&text, &opts);
        let (sanitized, origin) = sanitize(&text);
        let level = match expected_direction(&sanitized, &opts) {
            Direction::Ltr => Level::ltr(),
            Direction::Rtl => Level::rtl(),
        };
        let info = ParagraphBidiInfo::new(&sanitized, Some(level));
        for line in layout.lines() {
            for cell in line.cells() {
                let written = &text[cell.source.clone()];
                let mut chars = written.chars();
                let (Some(c), None) = (chars.next(), chars.next()) else { continue };
                if !BRACKETS.contains(&c) {
                    continue;
                }
                let at = origin.partition_point(|&o| o < cell.source.start);
                let odd = info.levels[at].is_rtl();
                let expected = if odd { mirror(c) } else { c }.to_string();
                prop_assert_eq!(
                    cell.text, expected.as_str(),
                    "{:?} at level {} in {:?}\n{}", c, info.levels[at].number(), text, dump(&layout)
                );
            }
        }
    }

    /// Each line's cells are its painted graphemes in the order UAX #9 L1
    /// and L2 give them, with levels from `unicode-bidi` (rules P2-I2) and
    /// whole grapheme clusters as the units (so marks stay with their base).
    #[test]
    fn visual_order_follows_l1_l2(text in paragraph(), opts in visual_options()) {
        let layout = Layout::new(&text, &opts);
        let (sanitized, _) = sanitize(&text);
        let paragraph = match expected_direction(&sanitized, &opts) {
            Direction::Ltr => Level::ltr(),
            Direction::Rtl => Level::rtl(),
        };
        let info = ParagraphBidiInfo::new(&sanitized, Some(paragraph));
        let all = graphemes(&text);
        for (i, line) in layout.lines().enumerate() {
            let shown: Vec<usize> = line.cells().map(|c| c.source.start).collect();
            let units: Vec<&Grapheme> = all
                .iter()
                .filter(|g| contains(&line.source(), &g.source))
                .collect();
            let classes: Vec<BidiClass> =
                units.iter().map(|g| info.original_classes[g.at]).collect();
            let mut levels: Vec<u8> =
                units.iter().map(|g| info.levels[g.at].number()).collect();
            l1(&classes, &mut levels, paragraph.number());
            // Every cluster but the unpainted ones X9 removes takes part in
            // L2, painted or not (an isolate's initiator and PDI are never
            // painted but end the runs around them); then only the painted
            // ones are listed (a lam-alef ligature is painted at the lam,
            // the alef it absorbed is not).
            let kept: Vec<(usize, u8)> = units
                .iter()
                .zip(&classes)
                .zip(&levels)
                .filter(|((g, class), _)| {
                    shown.contains(&g.source.start) || !removed_by_x9(**class)
                })
                .map(|((g, _), &l)| (g.source.start, l))
                .collect();
            let order: Vec<usize> = l2(&kept.iter().map(|&(_, l)| l).collect::<Vec<_>>())
                .into_iter()
                .map(|k| kept[k].0)
                .filter(|start| shown.contains(start))
                .collect();
            prop_assert_eq!(
                &shown, &order,
                "line {} of {:?}, levels {:?}\n{}", i, text, levels, dump(&layout)
            );
        }
    }

    /// In logical order (for terminals that reorder), each line's cells are
    /// its painted graphemes as typed: in the order of the text, brackets
    /// unmirrored.
    #[test]
    fn logical_order_keeps_the_text_order(text in paragraph(), opts in options()) {
        let opts = LayoutOptions { order: Order::Logical, ..opts };
        let layout = Layout::new(&text, &opts);
        for line in layout.lines() {
            let starts: Vec<usize> = line.cells().map(|c| c.source.start).collect();
            prop_assert!(
                starts.windows(2).all(|w| w[0] < w[1]),
                "cells out of order {:?}\n{}", starts, dump(&layout)
            );
            for cell in line.cells() {
                let written = &text[cell.source.clone()];
                let mut chars = written.chars();
                if let (Some(c), None) = (chars.next(), chars.next())
                    && BRACKETS.contains(&c)
                {
                    prop_assert_eq!(cell.text, written, "{}", dump(&layout));
                }
            }
        }
    }
}
