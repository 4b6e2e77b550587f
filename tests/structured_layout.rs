//! Block layout of structured documents, through the public entry points
//! the reading pane and `qari render` use: a table of cases (lists,
//! tables at several widths, code, styles, links, quotes) and properties
//! over random Markdown and HTML.

mod common;

use proptest::prelude::*;
use qari::doc::layout::{render_lines, shape};
use qari::doc::{Content, Format, Style, html, markdown};
use qari::text::{LayoutOptions, elide};

fn options(width: usize, shape: bool) -> LayoutOptions {
    LayoutOptions {
        width,
        shape,
        ..LayoutOptions::default()
    }
}

/// The document laid out at `width`, unshaped (so the letters can be
/// compared with the source), as lines of text.
fn lines(markdown_text: &str, width: usize) -> Vec<String> {
    let content = Content::new(markdown::parse(markdown_text));
    render_lines(&content, width, &options(width, false))
}

#[test]
fn an_rtl_list_has_markers_and_nesting_on_the_right() {
    let out = lines("- אחד\n- שניים\n  - פנימי\n    - עמוק\n", 30);
    // Each marker is the rightmost thing of its row, each level three
    // cells further in.
    let ends: Vec<(usize, char)> = out
        .iter()
        .map(|l| (elide::width(l), l.chars().last().unwrap()))
        .collect();
    assert_eq!(ends, [(30, '•'), (30, '•'), (27, '◦'), (24, '▪')]);
    assert!(out[0].contains("דחא"), "{out:?}");
}

#[test]
fn nested_ordered_lists_in_english_keep_left() {
    let out = lines("1. one\n   - inner\n2. two\n", 30);
    assert_eq!(out, ["1. one", "   ◦  inner", "2. two"]);
}

#[test]
fn an_rtl_table_with_mixed_cells_at_three_widths() {
    let text = "| الاسم | المدينة | Note |\n|---|---|---|\n| أحمد | القاهرة 2024 | born in Cairo, Egypt |\n| Sara | دمشق | — |\n";
    for width in [40, 80, 120] {
        let out = lines(text, width);
        // Borders on every row, no row wider than the pane.
        for line in &out {
            assert!(elide::width(line) <= width, "{width}: {line:?}");
        }
        let top = out.iter().find(|l| l.contains('┌')).expect("a top border");
        let bottom = out
            .iter()
            .find(|l| l.contains('└'))
            .expect("a bottom border");
        assert_eq!(elide::width(top), elide::width(bottom));
        // Right to left: the first column (الاسم) is the rightmost.
        let header = out.iter().find(|l| l.contains("مسالا")).expect("the header");
        let name = header.find("مسالا").unwrap();
        let note = header.find("Note").unwrap();
        assert!(note < name, "{width}: {header}");
        // The table sits against the right edge.
        assert_eq!(
            elide::width(top),
            elide::width(top.trim_start()) + (elide::width(top) - elide::width(top.trim_start()))
        );
        assert!(elide::width(top) == width || width > 80, "{width}: {top:?}");
    }
    // At 40 cells the long English cell wraps inside its column.
    let narrow = lines(text, 40);
    assert!(narrow.iter().any(|l| l.contains("born")));
    assert!(
        narrow
            .iter()
            .any(|l| l.contains("Egypt") && !l.contains("born")),
        "{narrow:#?}"
    );
}

#[test]
fn code_in_an_rtl_document_stays_left_to_right_with_its_indentation() {
    let out = lines(
        "نص عربي قبل الكود.\n\n```rust\nfn main() {\n    let x = 1;\n\n}\n```\n",
        40,
    );
    assert_eq!(&out[2..], ["  fn main() {", "      let x = 1;", "", "  }"]);
    assert!(
        elide::width(&out[0]) == 40,
        "the Arabic paragraph to the right: {out:?}"
    );
}

#[test]
fn a_bold_span_split_across_lines_is_bold_on_both() {
    let text = "كلمات قبل **هذه العبارة الغامقة الطويلة جدا** وبعدها كلمات أخرى";
    let content = Content::new(markdown::parse(text));
    let line = &content.lines[0];
    let unit = &content.text[line.start..line.start + line.len];
    let shaped = shape(&content, line, 0, unit, 20, &options(20, false));
    assert!(shaped.rows.len() >= 3);
    let bold = shaped
        .spans
        .iter()
        .find(|(_, s)| s.contains(Style::STRONG))
        .map(|(r, _)| r.clone())
        .expect("a bold span");
    // The rows that show a bold cell: at least two.
    let rows_with_bold = shaped
        .rows
        .iter()
        .filter(|row| {
            row.pieces.iter().any(|p| {
                p.layout.line(p.line).is_some_and(|l| {
                    l.cells().any(|c| {
                        c.width > 0
                            && p.base + c.source.start >= bold.start
                            && p.base + c.source.end <= bold.end
                    })
                })
            })
        })
        .count();
    assert!(rows_with_bold >= 2, "{rows_with_bold}");
}

#[test]
fn a_link_keeps_its_sentence_and_lists_its_target_after_the_block() {
    let out = lines(
        "اقرأ [هذا المقال](https://example.org/a) ثم عد.\n\nفقرة تالية.\n",
        60,
    );
    assert!(out[0].contains("[1]"), "{out:?}");
    assert!(!out[0].contains("https"), "{out:?}");
    assert_eq!(out[1], "[1] https://example.org/a");
    assert_eq!(out[2], "");
}

#[test]
fn a_quote_has_its_bar_on_its_side() {
    let rtl = lines("> اقتباس قصير\n", 30);
    assert!(rtl[0].ends_with('▎'), "{rtl:?}");
    let ltr = lines("> a short quote\n", 30);
    assert!(ltr[0].starts_with("▎ a short"), "{ltr:?}");
}

#[test]
fn html_goes_through_the_same_layout() {
    let page = "<html dir=\"rtl\"><head><title>عنوان</title><script>alert(1)</script></head><body><h1>رأس</h1><ul><li>أول</li><li>ثان</li></ul><p dir=\"ltr\">English <b>bold</b>.</p></body></html>";
    let doc = html::parse(page);
    assert_eq!(doc.title.as_deref(), Some("عنوان"));
    let content = Content::new(doc);
    let out = render_lines(&content, 30, &options(30, false));
    assert!(out.iter().all(|l| !l.contains("alert")), "{out:?}");
    assert!(out.iter().any(|l| l.ends_with('•')), "{out:?}");
    assert!(
        out.iter().any(|l| l.starts_with("English bold.")),
        "{out:?}"
    );
}

#[test]
fn formats_are_told_by_name_and_by_start() {
    assert_eq!(Format::from_name("notes.MD"), Some(Format::Markdown));
    assert_eq!(Format::from_name("page.xhtml"), Some(Format::Html));
    assert_eq!(Format::from_name("a.txt"), Some(Format::Plain));
    assert_eq!(Format::from_name("README"), None);
    assert_eq!(Format::sniff("<!DOCTYPE html><html>"), Format::Html);
    assert_eq!(Format::sniff("# Title\n\n- a\n- b\n"), Format::Markdown);
    assert_eq!(Format::sniff("سطر عادي\nوآخر\n"), Format::Plain);
}

/// The letters of a text (no digits, marks or punctuation: markers,
/// reference numbers and borders are not letters).
fn letters(text: &str) -> Vec<char> {
    let mut all: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    all.sort_unstable();
    all
}

fn markdown_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("# ".to_string()),
        Just("## ".to_string()),
        Just("- ".to_string()),
        Just("1. ".to_string()),
        Just("> ".to_string()),
        Just("**".to_string()),
        Just("*".to_string()),
        Just("`".to_string()),
        Just("```\n".to_string()),
        Just("[".to_string()),
        Just("](http://x)".to_string()),
        Just("|".to_string()),
        Just("|---|---|\n".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("    ".to_string()),
        Just("\u{202E}".to_string()),
        Just("\u{1b}[31m".to_string()),
        "[a-z ]{0,12}",
        "[ا-ي ]{0,12}",
        "[א-ת ]{0,8}",
    ]
}

fn html_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<p>".to_string()),
        Just("</p>".to_string()),
        Just("<h2>".to_string()),
        Just("<ul><li>".to_string()),
        Just("</li></ul>".to_string()),
        Just("<table><tr><td>".to_string()),
        Just("</td><td>".to_string()),
        Just("</td></tr></table>".to_string()),
        Just("<pre>".to_string()),
        Just("</pre>".to_string()),
        Just("<b>".to_string()),
        Just("<div dir=\"rtl\">".to_string()),
        Just("<blockquote>".to_string()),
        Just("<br>".to_string()),
        Just("&amp;".to_string()),
        "[a-z ]{0,12}",
        "[ا-ي ]{0,12}",
    ]
}

/// What every layout of a structured document must be: no row wider than
/// the pane, no control character, every letter of its content shown
/// (once: the letters painted are the content's letters).
fn check(content: &Content, width: usize) -> Result<(), TestCaseError> {
    let out = render_lines(content, width, &options(width, false));
    for line in &out {
        prop_assert!(elide::width(line) <= width, "{line:?} wider than {width}");
        prop_assert!(
            !line
                .chars()
                .any(|c| c.is_control() || ('\u{202A}'..='\u{202E}').contains(&c)),
            "a control in {line:?}"
        );
    }
    prop_assert_eq!(letters(&out.concat()), letters(&content.text));
    Ok(())
}

proptest! {
    #![proptest_config(common::proptest_config())]

    #[test]
    fn random_markdown_lays_out_within_the_pane(pieces in prop::collection::vec(markdown_piece(), 0..40), width in 8usize..90) {
        let text = pieces.concat();
        let content = Content::new(markdown::parse(&text));
        check(&content, width)?;
    }

    #[test]
    fn random_html_lays_out_within_the_pane(pieces in prop::collection::vec(html_piece(), 0..40), width in 8usize..90) {
        let text = pieces.concat();
        let content = Content::new(html::parse(&text));
        check(&content, width)?;
    }
}
