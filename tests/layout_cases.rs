//! Table tests for what a reader sees every day: each case gives a logical
//! paragraph and the exact visual lines (leftmost cell first), with the
//! UAX #9 or Arabic shaping rule that makes them right.
//!
//! Presentation forms are written as `\u{....}` escapes so that the expected
//! strings read the same in every editor; a comment gives each in words.
//! Forms used below (Arabic Presentation Forms-B):
//! - alef: FE8D isolated, FE8E final; alef with hamza above: FE83 isolated
//! - beh: FE8F isolated, FE90 final, FE91 initial, FE92 medial
//! - teh: FE95 isolated, FE97 initial, FE98 medial; teh marbuta: FE93, FE94 final
//! - jeem: FE9F initial; hah: FEA3 initial, FEA4 medial; khah: FEA7 initial
//! - dal: FEAA final; reh: FEAD isolated, FEAE final
//! - seen: FEB3 initial, FEB4 medial; sheen: FEB7 initial, FEB8 medial
//! - tah: FEC4 medial; ain: FECB initial; feh: FED3 initial, FED4 medial
//! - qaf: FED7 initial, FED8 medial; kaf: FED9 final, FEDB initial, FEDC medial
//! - lam: FEDD isolated, FEDF initial, FEE0 medial
//! - meem: FEE1 isolated, FEE2 final, FEE3 initial, FEE4 medial
//! - noon: FEE5 isolated, FEE7 initial, FEE8 medial; waw: FEED isolated
//! - yeh: FEF2 final, FEF3 initial, FEF4 medial
//! - lam-alef: FEFB isolated, FEFC final; lam-alef with hamza above: FEF7 isolated
//!
//! Expected strings were derived by hand from UAX #9 and the joining rules
//! and cross-checked with GNU FriBidi (`fribidi --nobreak --nopad
//! --reordernsm --clean`), which agrees on every case except where qari
//! deliberately differs: tabs are expanded to spaces and whitespace hangs at
//! a line break.

use qari::text::{BaseDirection, Direction, Layout, LayoutOptions};

/// Default options (wrap, shape, harakat, automatic direction, left-to-right
/// fallback) at a given width.
fn at(width: usize) -> LayoutOptions {
    LayoutOptions {
        width,
        ..LayoutOptions::default()
    }
}

fn lines(text: &str, options: &LayoutOptions) -> Vec<String> {
    Layout::new(text, options)
        .lines()
        .map(|l| l.text())
        .collect()
}

/// The cells of every line, leftmost first.
fn cells(text: &str, options: &LayoutOptions) -> Vec<Vec<String>> {
    Layout::new(text, options)
        .lines()
        .map(|l| l.cells().map(|c| c.text.to_string()).collect())
        .collect()
}

/// Shows non-ASCII characters as escapes, so a mismatch is readable.
fn escaped(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .map(|l| {
            l.chars()
                .map(|c| {
                    if c.is_ascii() {
                        c.to_string()
                    } else {
                        format!("\\u{{{:04X}}}", c as u32)
                    }
                })
                .collect()
        })
        .collect()
}

/// Checks a table of `(paragraph, options, expected lines)`.
fn check(table: &[(&str, LayoutOptions, &[&str])]) {
    for (text, options, expected) in table {
        let actual = lines(text, options);
        let expected: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
        assert_eq!(
            escaped(&actual),
            escaped(&expected),
            "paragraph {text:?} with {options:?}"
        );
        // Whatever the text, a wrapped line never outgrows the width.
        if options.wrap {
            for line in Layout::new(text, options).lines() {
                assert!(line.width() <= options.width, "{text:?}: {}", line.text());
            }
        }
    }
}

#[test]
fn year_range_in_parentheses_inside_arabic() {
    check(&[
        // "خطة (2018-2022) جديدة" (a new plan). The digits follow Arabic
        // letters, so W2 turns each number into AN; the hyphen (ES) between
        // two ANs is not absorbed (W4 only joins ES between ENs) and becomes
        // a neutral resolved to R (N1: numbers count as R). Each number stays
        // left-to-right at level 2, but the two are ordered right to left:
        // read from the right, the range starts with 2018. The parentheses
        // are at level 1, so they are reversed and mirrored (L4): the logical
        // ")" is leftmost and shows as "(".
        (
            "خطة (2018-2022) جديدة",
            at(80),
            &["\u{FE93}\u{FEAA}\u{FEF3}\u{FEAA}\u{FE9F} (2022-2018) \u{FE94}\u{FEC4}\u{FEA7}"],
        ),
        // "(2018-2022) خطة": at the paragraph start no Arabic letter precedes
        // the digits, so W2 leaves them EN, W4 joins "2018-2022" into one EN
        // run at level 2, and the range reads left to right. The brackets
        // enclose numbers (strong R for N0) in an RTL paragraph: level 1,
        // mirrored, so they still read "(...)" around the range.
        (
            "(2018-2022) خطة",
            at(80),
            &["\u{FE94}\u{FEC4}\u{FEA7} (2018-2022)"],
        ),
        // "سنة ٢٠٢٢" (year 2022 in Arabic-Indic digits): AN, level 2, so the
        // digits keep their logical order (thousands first, on the left).
        (
            "سنة ٢٠٢٢",
            at(80),
            &["\u{0662}\u{0660}\u{0662}\u{0662} \u{FE94}\u{FEE8}\u{FEB3}"],
        ),
    ]);
}

#[test]
fn guillemets_inside_arabic() {
    // "قال «مرحبا» لي" (he said "hello" to me). The guillemets resolve to R
    // (N1, between Arabic letters) at level 1: the line is reversed and each
    // is replaced by its mirror image (L4). The opening « (logically first)
    // ends up rightmost, drawn as »; the closing » leftmost, drawn as «.
    check(&[(
        "قال «مرحبا» لي",
        at(80),
        &["\u{FEF2}\u{FEDF} «\u{FE8E}\u{FE92}\u{FEA3}\u{FEAE}\u{FEE3}» \u{FEDD}\u{FE8E}\u{FED7}"],
    )]);
}

#[test]
fn latin_acronyms_inside_arabic() {
    check(&[
        // "شارك PARIS21 و SESRIC في" (PARIS21 and SESRIC took part in).
        // Latin letters are L (level 2), and the "21" after them stays with
        // them (W7: EN after L becomes L), so each acronym reads left to
        // right as typed; the words themselves are ordered right to left, so
        // the first word, شارك, is rightmost and PARIS21 is right of SESRIC.
        (
            "شارك PARIS21 و SESRIC في",
            at(80),
            &["\u{FEF2}\u{FED3} SESRIC \u{FEED} PARIS21 \u{FED9}\u{FEAD}\u{FE8E}\u{FEB7}"],
        ),
        // "تقرير PARIS21." (the PARIS21 report.): the full stop sits between
        // L and the end of an RTL paragraph, so it takes the paragraph
        // direction (N2) and ends the sentence on the far left.
        (
            "تقرير PARIS21.",
            at(80),
            &[".PARIS21 \u{FEAE}\u{FEF3}\u{FEAE}\u{FED8}\u{FE97}"],
        ),
    ]);
}

#[test]
fn arabic_sentence_ending_in_latin_word_and_full_stop() {
    // "أنا أحب Rust." (I love Rust.): the full stop follows an L word at the
    // end of an RTL paragraph; L and the paragraph's R disagree, so N2 gives
    // it level 1 and it is painted at the visual end of the sentence, the
    // far left, not glued to the right of "Rust".
    check(&[(
        "أنا أحب Rust.",
        at(80),
        &[".Rust \u{FE90}\u{FEA3}\u{FE83} \u{FE8E}\u{FEE7}\u{FE83}"],
    )]);
}

#[test]
fn lam_alef_ligatures() {
    check(&[
        // Lam then alef alone: the isolated ligature LAM WITH ALEF.
        ("لا", at(80), &["\u{FEFB}"]),
        // Kaf joins the lam, so the ligature takes its final form, and the
        // line is reversed: ligature left, initial kaf right.
        ("كلا", at(80), &["\u{FEFC}\u{FEDB}"]),
        // "سلام": seen initial, final lam-alef, and a meem that stays
        // isolated because alef never joins the letter after it.
        ("سلام", at(80), &["\u{FEE1}\u{FEFC}\u{FEB3}"]),
        // Lam with alef-hamza: its own ligature, then an isolated noon.
        ("لأن", at(80), &["\u{FEE5}\u{FEF7}"]),
        // Without shaping the letters stay nominal, one cell each, reversed.
        (
            "لا",
            LayoutOptions {
                shape: false,
                ..at(80)
            },
            &["\u{0627}\u{0644}"],
        ),
    ]);
    // The ligature is one cell standing for both letters.
    let layout = Layout::new("لا", &at(80));
    let line = layout.line(0).unwrap();
    let cells: Vec<_> = line.cells().collect();
    assert_eq!(cells.len(), 1);
    assert_eq!((cells[0].width, cells[0].source.clone()), (1, 0..4));
}

#[test]
fn harakat_stay_after_their_base_letter() {
    // مُحَمَّد written meem, damma, hah, fatha, meem, shadda, fatha, dal.
    let muhammad = "\u{0645}\u{064F}\u{062D}\u{064E}\u{0645}\u{0651}\u{064E}\u{062F}";
    // Reordering works on whole grapheme clusters (L3): the letters are
    // reversed, but each letter keeps its marks after it, in their logical
    // order, as terminals expect combining marks to follow their base.
    assert_eq!(
        cells(muhammad, &at(80)),
        [[
            "\u{FEAA}",
            "\u{FEE4}\u{0651}\u{064E}",
            "\u{FEA4}\u{064E}",
            "\u{FEE3}\u{064F}",
        ]]
    );
    check(&[
        // The same without shaping: nominal letters, marks still after them.
        (
            muhammad,
            LayoutOptions {
                shape: false,
                ..at(80)
            },
            &["\u{062F}\u{0645}\u{0651}\u{064E}\u{062D}\u{064E}\u{0645}\u{064F}"],
        ),
        // With harakat hidden only the letters remain; the marks were
        // transparent to joining, so the forms do not change.
        (
            muhammad,
            LayoutOptions {
                harakat: false,
                ..at(80)
            },
            &["\u{FEAA}\u{FEE4}\u{FEA4}\u{FEE3}"],
        ),
        // Hebrew niqqud the same way: שָׁלוֹם (shin, shin dot, qamats, lamed,
        // vav, holam, final mem) shows as final mem, vav+holam, lamed,
        // shin+dot+qamats.
        (
            "\u{05E9}\u{05C1}\u{05B8}\u{05DC}\u{05D5}\u{05B9}\u{05DD}",
            at(80),
            &["\u{05DD}\u{05D5}\u{05B9}\u{05DC}\u{05E9}\u{05C1}\u{05B8}"],
        ),
    ]);
}

#[test]
fn trailing_whitespace() {
    let nowrap = LayoutOptions {
        wrap: false,
        ..at(80)
    };
    check(&[
        // L1: trailing whitespace takes the paragraph level (1), so in an
        // RTL paragraph it is reversed with the text and shows on the left,
        // where the line ends for a right-to-left reader.
        ("سلام   ", nowrap, &["   \u{FEE1}\u{FEFC}\u{FEB3}"]),
        // At the paragraph end trailing spaces show while they fit...
        ("سلام   ", at(80), &["   \u{FEE1}\u{FEFC}\u{FEB3}"]),
        // ...and the one that does not fit hangs past the line end.
        ("سلام   ", at(5), &["  \u{FEE1}\u{FEFC}\u{FEB3}"]),
        // A tab is a segment separator: L1 resets it to the paragraph level
        // even between two Latin words, so "ab" and "cd" are not one LTR run.
        // The tab is expanded in logical order: سلام is 3 cells, plus " ab"
        // makes 6, so the tab is 2 spaces up to column 8.
        ("سلام ab\tcd", at(80), &["cd  ab \u{FEE1}\u{FEFC}\u{FEB3}"]),
        // With wrapping, the space at the break hangs: it belongs to the
        // first line but takes no cell, so the line is 7 cells, not 8.
        (
            "سلام abc def",
            at(8),
            &["abc \u{FEE1}\u{FEFC}\u{FEB3}", "def"],
        ),
        (
            "سلام عليكم",
            at(5),
            &[
                "\u{FEE1}\u{FEFC}\u{FEB3}",
                "\u{FEE2}\u{FEDC}\u{FEF4}\u{FEE0}\u{FECB}",
            ],
        ),
        // An LTR paragraph: trailing spaces after an Arabic word stay on the
        // right (paragraph level 0), not between the Latin and Arabic words.
        ("abc سلام  ", nowrap, &["abc \u{FEE1}\u{FEFC}\u{FEB3}  "]),
    ]);
    // The hanging space is in the first line's source, and RTL lines are
    // padded on the left to end at the right margin.
    let layout = Layout::new("سلام abc def", &at(8));
    let first = layout.line(0).unwrap();
    let second = layout.line(1).unwrap();
    assert_eq!(
        (first.source(), first.width(), first.indent(8)),
        (0..13, 7, 1)
    );
    assert_eq!(
        (second.source(), second.width(), second.indent(8)),
        (13..16, 3, 5)
    );
}

#[test]
fn word_longer_than_the_line() {
    check(&[
        // No break opportunity: the word is cut between grapheme clusters.
        ("abcdefghij", at(4), &["abcd", "efgh", "ij"]),
        // "مستشفيات" (hospitals) cut every 3 cells in logical order, each
        // piece reversed. Shaping happens before line breaking, so the
        // letters keep the joined forms they have in the whole word (meem
        // initial, seen medial, teh medial | sheen, feh, yeh medial | alef
        // final, teh isolated after the non-joining alef).
        (
            "مستشفيات",
            at(3),
            &[
                "\u{FE98}\u{FEB4}\u{FEE3}",
                "\u{FEF4}\u{FED4}\u{FEB8}",
                "\u{FE95}\u{FE8E}",
            ],
        ),
        // A cut never separates a letter from its harakat.
        (
            "\u{0628}\u{064E}\u{0628}\u{064E}\u{0628}\u{064E}\u{0628}\u{064E}",
            at(2),
            &[
                "\u{FE92}\u{064E}\u{FE91}\u{064E}",
                "\u{FE90}\u{064E}\u{FE92}\u{064E}",
            ],
        ),
        // Nor an emoji ZWJ sequence (one cluster, two cells).
        (
            "👨\u{200D}👩\u{200D}👧👨\u{200D}👩\u{200D}👧👨\u{200D}👩\u{200D}👧",
            at(3),
            &[
                "👨\u{200D}👩\u{200D}👧",
                "👨\u{200D}👩\u{200D}👧",
                "👨\u{200D}👩\u{200D}👧",
            ],
        ),
        // Wide characters: a third would make 6 cells at width 5.
        ("日本語日本語", at(5), &["日本", "語日", "本語"]),
    ]);
}

#[test]
fn width_one() {
    check(&[
        ("abc", at(1), &["a", "b", "c"]),
        // A two-cell character cannot fit a one-cell line: it is shown as an
        // ellipsis rather than overflowing.
        ("日a", at(1), &["…", "a"]),
        // One cluster per line; the lam-alef ligature is a single cell.
        ("سلام", at(1), &["\u{FEB3}", "\u{FEFC}", "\u{FEE1}"]),
        ("لا", at(1), &["\u{FEFB}"]),
    ]);
}

#[test]
fn empty_paragraph() {
    for wrap in [true, false] {
        for (fallback, indent) in [(Direction::Ltr, 0), (Direction::Rtl, 80)] {
            let options = LayoutOptions {
                wrap,
                fallback,
                ..at(80)
            };
            let layout = Layout::new("", &options);
            // One empty line, so that an empty input line still takes a row;
            // with no strong character the fallback decides the direction.
            assert_eq!(layout.line_count(), 1);
            assert_eq!(layout.direction(), fallback);
            let line = layout.line(0).unwrap();
            assert_eq!(line.text(), "");
            assert_eq!(line.width(), 0);
            assert_eq!(line.source(), 0..0);
            assert_eq!(line.cells().count(), 0);
            assert_eq!(line.indent(80), indent);
        }
    }
}

#[test]
fn hebrew_sentence() {
    check(&[
        // "שלום עולם" (hello world): R letters, reversed whole.
        (
            "שלום עולם",
            at(80),
            &["\u{05DD}\u{05DC}\u{05D5}\u{05E2} \u{05DD}\u{05D5}\u{05DC}\u{05E9}"],
        ),
        // "שלום, עולם!": the comma between two R words is R (N1); the
        // exclamation mark at the end takes the paragraph direction (N2)
        // and is painted leftmost.
        (
            "שלום, עולם!",
            at(80),
            &["!\u{05DD}\u{05DC}\u{05D5}\u{05E2} ,\u{05DD}\u{05D5}\u{05DC}\u{05E9}"],
        ),
        // Wrapped: each line holds one word, in reading order top to bottom.
        (
            "שלום עולם",
            at(5),
            &[
                "\u{05DD}\u{05D5}\u{05DC}\u{05E9}",
                "\u{05DD}\u{05DC}\u{05D5}\u{05E2}",
            ],
        ),
    ]);
}

#[test]
fn tabs_expand_to_eight_column_stops() {
    check(&[
        ("a\tb", at(80), &["a       b"]),
        (
            "ab\tc\td",
            LayoutOptions {
                wrap: false,
                ..at(80)
            },
            &["ab      c       d"],
        ),
        // Columns are counted in logical order from the line start: سلام
        // takes 3 cells (lam-alef is one), so the tab is 5 spaces.
        (
            "سلام\tعليكم",
            at(80),
            &["\u{FEE2}\u{FEDC}\u{FEF4}\u{FEE0}\u{FECB}     \u{FEE1}\u{FEFC}\u{FEB3}"],
        ),
        // A tab that fits is painted...
        ("abcdef\tgh", at(10), &["abcdef  gh"]),
        // ...one at a break hangs like a space.
        ("abcdef\tghij", at(10), &["abcdef", "ghij"]),
    ]);
}

#[test]
fn terminal_controls_are_made_visible() {
    check(&[
        // ESC would start an escape sequence; it shows as SYMBOL FOR ESCAPE.
        (
            "\u{1b}[31mred\u{1b}[0m",
            at(80),
            &["\u{241B}[31mred\u{241B}[0m"],
        ),
        // C1 controls (here the 8-bit CSI) become U+FFFD, DEL its symbol,
        // BEL the SYMBOL FOR BELL.
        (
            "a\u{9b}b\u{7f}\u{7}",
            at(80),
            &["a\u{FFFD}b\u{2421}\u{2407}"],
        ),
    ]);
}

#[test]
fn forced_left_to_right_arabic_paragraph() {
    let ltr = LayoutOptions {
        direction: BaseDirection::Ltr,
        ..at(80)
    };
    check(&[
        // Paragraph level 0: each Arabic word is still an RTL run, reversed
        // in place, but the words keep their logical order left to right.
        (
            "سلام abc عليكم",
            ltr,
            &["\u{FEE1}\u{FEFC}\u{FEB3} abc \u{FEE2}\u{FEDC}\u{FEF4}\u{FEE0}\u{FECB}"],
        ),
        // The same paragraph in its own (RTL) direction, for contrast.
        (
            "سلام abc عليكم",
            at(80),
            &["\u{FEE2}\u{FEDC}\u{FEF4}\u{FEE0}\u{FECB} abc \u{FEE1}\u{FEFC}\u{FEB3}"],
        ),
        // The full stop now takes level 0 (N2) and sits on the right.
        ("سلام.", ltr, &["\u{FEE1}\u{FEFC}\u{FEB3}."]),
        ("سلام.", at(80), &[".\u{FEE1}\u{FEFC}\u{FEB3}"]),
    ]);
    let layout = Layout::new("سلام عليكم", &ltr);
    assert_eq!(layout.direction(), Direction::Ltr);
    // Left-to-right lines are not padded.
    assert_eq!(layout.line(0).unwrap().indent(80), 0);
}

#[test]
fn isolates_keep_their_place_beside_the_text_around_them() {
    let ltr = LayoutOptions {
        direction: BaseDirection::Ltr,
        ..at(80)
    };
    let rtl = LayoutOptions {
        direction: BaseDirection::Rtl,
        ..at(80)
    };
    check(&[
        // The isolate's LRI and PDI, never painted, stay at the paragraph
        // level (X5a, X6a, N1) and end the Hebrew run before them (BD13),
        // so the isolated Latin word stays after the Hebrew one instead of
        // being reversed with it (L2).
        ("שלום\u{2066}abc\u{2069}", ltr, &["םולשabc"]),
        ("see שלום\u{2066}abc\u{2069}.", at(80), &["see םולשabc."]),
        // The same in a right-to-left paragraph, an RLI after Latin.
        ("abc\u{2067}שלום\u{2069}", rtl, &["םולשabc"]),
        // Inside brackets, nested isolates: BidiCharacterTest.txt line 304.
        (
            "א(ב\u{2066}a[b\u{2067}גd\u{2069}ה]ו\u{2069}e)f",
            LayoutOptions {
                shape: false,
                ..ltr
            },
            &["א(בa[bdגה]וe)f"],
        ),
    ]);
}

#[test]
fn neutral_paragraph_takes_the_fallback_direction() {
    let rtl_fallback = LayoutOptions {
        fallback: Direction::Rtl,
        ..at(80)
    };
    check(&[
        // No strong character: the document's direction (fallback) decides.
        // In an RTL paragraph "123" is EN at level 2 and "!" takes the
        // paragraph direction (N1 treats the number as R), so "!" is left.
        ("123 !", rtl_fallback, &["! 123"]),
        ("123 !", at(80), &["123 !"]),
        // A strong character decides over the fallback (P2/P3)...
        ("abc!", rtl_fallback, &["abc!"]),
        // ...but not one inside an isolate: here the first strong character
        // outside the RLI...PDI is "a", so the paragraph is LTR.
        (
            "\u{2067}سلام\u{2069} abc",
            at(80),
            &["\u{FEE1}\u{FEFC}\u{FEB3} abc"],
        ),
    ]);
    let layout = Layout::new("123 !", &rtl_fallback);
    assert_eq!(layout.direction(), Direction::Rtl);
    assert_eq!(layout.line(0).unwrap().indent(80), 75);
    let layout = Layout::new("123 !", &at(80));
    assert_eq!(layout.direction(), Direction::Ltr);
    assert_eq!(layout.line(0).unwrap().indent(80), 0);
}

#[test]
fn neutral_paragraph_mirrors_brackets_in_rtl_fallback() {
    let rtl_fallback = LayoutOptions {
        fallback: Direction::Rtl,
        ..at(80)
    };
    check(&[
        // "(2018-2022)" in an RTL paragraph: the range is one EN run at
        // level 2; the brackets enclose it (N0, numbers count as R) and take
        // level 1, so they are reversed and mirrored (L4) and the line looks
        // exactly like the input, right-aligned.
        ("(2018-2022)", rtl_fallback, &["(2018-2022)"]),
        // Same when the direction is forced rather than fallen back to.
        (
            "(abc)",
            LayoutOptions {
                direction: BaseDirection::Rtl,
                ..at(80)
            },
            &["(abc)"],
        ),
        // "[1] «2»": all punctuation at level 1, digits at level 2; the
        // line is reversed and every bracket and guillemet mirrored.
        ("[1] «2»", rtl_fallback, &["«2» [1]"]),
    ]);
    let layout = Layout::new("(2018-2022)", &rtl_fallback);
    assert_eq!(layout.line(0).unwrap().indent(80), 69);
}

// Cases first found by `tests/layout_properties.rs`.

#[test]
fn halfwidth_katakana_with_sound_mark_is_measured_as_ratatui_paints_it() {
    // "ｶﾞ" (U+FF76 U+FF9E) is one grapheme cluster. ratatui counts the sound
    // mark once more than unicode-width does (3 cells), and the layout must
    // use ratatui's measure or painted lines would overflow.
    let layout = Layout::new("ｶ\u{FF9E}", &at(3));
    let line = layout.line(0).unwrap();
    let cells: Vec<_> = line.cells().map(|c| (c.text, c.width)).collect();
    assert_eq!(cells, [("ｶ\u{FF9E}", 3)]);
}

#[test]
fn whitespace_before_a_zero_width_cluster_hangs() {
    check(&[
        // The spaces end the first line (the ZERO WIDTH SPACE after them is
        // invisible), so they hang at the break like any other line-end
        // whitespace; the line must not grow to 4 cells at width 3.
        ("ab  \u{200B}cd", at(3), &["ab", "cd"]),
        // A tab at the paragraph end shows only while it fits; here it does
        // not (8 cells at width 1), whatever zero-width character follows.
        ("\t\u{200B}", at(1), &[""]),
        ("\t\u{064E}", at(1), &[""]),
    ]);
}

#[test]
fn hidden_harakat_on_a_space() {
    // A fatha typed after a space forms one cluster with it; hiding harakat
    // must hide this mark too and leave the space.
    let options = LayoutOptions {
        harakat: false,
        ..at(80)
    };
    check(&[("ب \u{064E}ب", options, &["\u{FE8F} \u{FE8F}"])]);
}
