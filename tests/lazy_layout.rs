//! The reading pane lays out only what it shows, finding units near its
//! position; these tests check that what it shows is what laying out the
//! whole document at once gives, at several widths, paging down from the
//! start, paging up from the end, after resizes and after jumps — on a
//! document with gaps, headings, mixed directions, and a line long enough
//! to be split into chunks — with paragraphs set apart a line at a time
//! (a blank row after every line but a heading's) and by blank lines only.

use std::sync::Arc;

use encoding_rs::UTF_8;
use qari::app::reader::{Anchor, Reader, Row};
use qari::config::ParagraphsSetting;
use qari::library::is_heading_like;
use qari::library::text::Text;
use qari::text::{Layout, LayoutOptions};

/// A document of about 300 KB: paragraphs with and without blank lines
/// between them, Latin and digits inside Arabic, and one line of 200 KB.
fn document() -> String {
    let mut text = String::from("عنوان الوثيقة\n\n");
    for i in 0..400 {
        text.push_str(&format!(
            "الفقرة {i} فيها كلمات (كثيرة) و English words تلتف على أكثر من سطر، والرقم {i}٫٥.\n"
        ));
        if i % 3 == 0 {
            text.push('\n');
        }
        if i == 200 {
            let long: String = (0..12_000).map(|k| format!("كلمة{k} ")).collect();
            text.push_str(&long);
            text.push('\n');
        }
    }
    text
}

/// Both ways of setting paragraphs apart.
const MODES: [ParagraphsSetting; 2] = [ParagraphsSetting::Line, ParagraphsSetting::Blank];

/// Every row of the document laid out at once: each unit's lines, then a
/// blank row where blank lines come before the next unit or, a line at a
/// time, where the next unit starts a line and this one is no heading.
fn eager(text: &Text, width: usize, paragraphs: ParagraphsSetting) -> Vec<String> {
    let options = LayoutOptions {
        width,
        ..LayoutOptions::default()
    };
    let units: Vec<_> = text.paragraphs().collect();
    let mut rows = Vec::new();
    for (i, (_, paragraph)) in units.iter().enumerate() {
        let layout = Layout::new(paragraph, &options);
        rows.extend(layout.lines().map(|l| l.text()));
        let (unit, _) = &units[i];
        let heading = !unit.continues && is_heading_like(paragraph);
        let by_line = paragraphs == ParagraphsSetting::Line && !heading;
        if units
            .get(i + 1)
            .is_some_and(|(u, _)| u.gap_before || (by_line && !u.continues))
        {
            rows.push(String::new());
        }
    }
    rows
}

fn text_of(row: &Row) -> String {
    row.text()
}

fn reader(text: &Arc<Text>, width: usize, paragraphs: ParagraphsSetting) -> Reader {
    let options = LayoutOptions {
        width,
        ..LayoutOptions::default()
    };
    Reader::new(0, Arc::clone(text), Anchor::default(), options, paragraphs)
}

fn the_text() -> Arc<Text> {
    Arc::new(Text::from_string(document(), UTF_8, false))
}

#[test]
fn paging_down_from_the_start_shows_every_row_in_order() {
    let text = the_text();
    assert!(text.paragraphs().count() > 400, "the long line is split");
    for (width, mode) in [7, 20, 33, 80]
        .into_iter()
        .flat_map(|w| MODES.map(|m| (w, m)))
    {
        let all = eager(&text, width, mode);
        let height = 17;
        let mut r = reader(&text, width, mode);
        let mut shown = Vec::new();
        loop {
            let rows: Vec<String> = r.rows(height).iter().map(text_of).collect();
            if r.at_end(height) {
                // The last page: the rows not yet shown are its bottom ones.
                let missing = all.len() - shown.len();
                shown.extend(rows[rows.len() - missing..].iter().cloned());
                break;
            }
            shown.extend(rows);
            r.scroll(height as isize, height);
        }
        assert_eq!(shown.len(), all.len(), "width {width}, {mode:?}");
        assert!(
            shown == all,
            "width {width}, {mode:?}: paging down differs from the whole layout"
        );
    }
}

#[test]
fn paging_up_from_the_end_shows_every_row_in_order() {
    let text = the_text();
    for (width, mode) in [9, 40].into_iter().flat_map(|w| MODES.map(|m| (w, m))) {
        let all = eager(&text, width, mode);
        let height = 23;
        let mut r = reader(&text, width, mode);
        r.bottom(height);
        let mut pages = Vec::new();
        let mut covered = 0;
        loop {
            let rows: Vec<String> = r.rows(height).iter().map(text_of).collect();
            let before = r.anchor;
            r.scroll(-(height as isize), height);
            if r.anchor == before {
                pages.push(rows);
                break;
            }
            pages.push(rows);
            covered += height;
            if covered > all.len() + height {
                panic!("paging up does not end");
            }
        }
        // The first page overlaps the second; the rest tile.
        let mut shown: Vec<String> = pages.pop().expect("a page");
        let first_len = all.len() - pages.len() * height;
        shown.truncate(first_len);
        for page in pages.into_iter().rev() {
            shown.extend(page);
        }
        assert!(
            shown == all,
            "width {width}, {mode:?}: paging up differs from the whole layout"
        );
    }
}

#[test]
fn resizing_keeps_the_text_at_the_top_and_matches_the_whole_layout() {
    let text = the_text();
    let mode = ParagraphsSetting::Line;
    let mut r = reader(&text, 30, mode);
    r.scroll(500, 20);
    let anchor = r.anchor;
    for width in [11, 50, 80, 30] {
        r.set_width(width);
        let top = text_of(&r.rows(1)[0]);
        // The top row at the new width is the line of the anchor's unit
        // holding its offset.
        let unit = text.units().at(anchor.start).expect("a unit");
        let layout = Layout::new(
            &text.unit_text(&unit),
            &LayoutOptions {
                width,
                ..LayoutOptions::default()
            },
        );
        let expected = layout
            .lines()
            .rfind(|l| l.source().start <= anchor.offset)
            .map(|l| l.text())
            .unwrap_or_default();
        assert_eq!(top, expected, "width {width}");
        assert_eq!(r.anchor.start, anchor.start, "width {width}");
        // And the rows below follow the whole layout.
        let all = eager(&text, width, mode);
        let rows: Vec<String> = r.rows(40).iter().map(text_of).collect();
        let at = all
            .windows(rows.len())
            .position(|w| w == rows.as_slice())
            .unwrap_or_else(|| {
                panic!("width {width}: rows after a resize are not a run of the whole layout")
            });
        assert!(at > 0);
    }
    assert_eq!(r.anchor, anchor, "back at the first width, the same anchor");
}

#[test]
fn jumps_land_on_the_line_they_ask_for() {
    let text = the_text();
    let width = 25;
    let height = 15;
    let mode = ParagraphsSetting::Line;
    let all = eager(&text, width, mode);
    let units: Vec<_> = text
        .paragraphs()
        .map(|(u, p)| (u, p.into_owned()))
        .collect();
    for &k in &[0usize, 57, 201, 202, 230, units.len() - 1] {
        let (unit, paragraph) = &units[k];
        // The middle of the paragraph, at a character boundary.
        let mut offset = paragraph.len() / 2;
        while !paragraph.is_char_boundary(offset) {
            offset -= 1;
        }
        let mut r = reader(&text, width, mode);
        r.reveal(unit.start, offset, height);
        let rows: Vec<String> = r.rows(height).iter().map(text_of).collect();
        let layout = Layout::new(
            paragraph,
            &LayoutOptions {
                width,
                ..LayoutOptions::default()
            },
        );
        let line = layout
            .lines()
            .rfind(|l| l.source().start <= offset)
            .map(|l| l.text())
            .unwrap_or_default();
        assert!(
            rows.contains(&line),
            "unit {k}: the line holding the offset is on screen"
        );
        assert!(
            all.windows(rows.len()).any(|w| w == rows.as_slice()),
            "unit {k}: the screen is a run of the whole layout"
        );
    }
}
