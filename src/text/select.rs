//! Selections in logical text. A selection is two places in the text (byte
//! offsets); the cells between them on screen may be painted in any order,
//! so what is selected is the logical range between the two places, never
//! the cells in between as painted.

use std::ops::Range;

/// The logical range from one selected cluster to another, whichever comes
/// first in the text: both clusters included.
pub fn span(a: Range<usize>, b: Range<usize>) -> Range<usize> {
    a.start.min(b.start)..a.end.max(b.end)
}

/// Lines and characters of copied text, for the message that says what was
/// copied (a trailing line ending does not start a line).
pub fn count(text: &str) -> (usize, usize) {
    let lines = if text.is_empty() {
        0
    } else {
        text.trim_end_matches(['\n', '\r']).lines().count().max(1)
    };
    (lines, text.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{Layout, LayoutOptions};

    /// The column of the first cell showing `needle` (a byte offset's
    /// cluster) on line `line` of a layout `width` wide.
    fn column_of(layout: &Layout, line: usize, source: usize, width: usize) -> usize {
        let visual = layout.line(line).unwrap();
        let mut x = visual.indent(width);
        for cell in visual.cells() {
            if cell.source.contains(&source) && cell.width > 0 {
                return x;
            }
            x += cell.width;
        }
        panic!("no cell shows byte {source}");
    }

    #[test]
    fn a_selection_from_inside_an_rtl_run_to_a_number() {
        // Arabic, a number and Latin: the number is painted left of the
        // Arabic before it, its digits left to right.
        let text = "قرأتُ الكتاب في 1984 مرتين";
        let width = 40;
        let layout = Layout::new(
            text,
            &LayoutOptions {
                width,
                ..LayoutOptions::default()
            },
        );
        assert_eq!(layout.line_count(), 1);
        let line = layout.line(0).unwrap();
        // Start at the kaf of الكتاب, end at the 8 of 1984.
        let kaf = text.find('ك').unwrap();
        let eight = text.find('8').unwrap();
        let from = line
            .source_at(column_of(&layout, 0, kaf, width), width)
            .unwrap();
        let to = line
            .source_at(column_of(&layout, 0, eight, width), width)
            .unwrap();
        // On screen the 8 is left of the kaf.
        assert!(column_of(&layout, 0, eight, width) < column_of(&layout, 0, kaf, width));
        let range = span(from, to);
        assert_eq!(&text[range.clone()], "كتاب في 198");
        // The other way round selects the same text.
        assert_eq!(
            span(
                line.source_at(column_of(&layout, 0, eight, width), width)
                    .unwrap(),
                line.source_at(column_of(&layout, 0, kaf, width), width)
                    .unwrap()
            ),
            range
        );
    }

    #[test]
    fn a_selection_across_reordered_lines_keeps_harakat_and_zwnj() {
        // Persian with a ZWNJ (می‌خواهم), Arabic with harakat, wrapped.
        let text = "من می‌خواهم كِتَابًا جديدًا بخوانم و ABC 42 را ببینم";
        let width = 14;
        let layout = Layout::new(
            text,
            &LayoutOptions {
                width,
                ..LayoutOptions::default()
            },
        );
        assert!(layout.line_count() > 2);
        // From the first cell painted on the first line (its leftmost: the
        // line's logical end) to the last painted cell on the last line.
        let first = layout.line(0).unwrap();
        let last = layout.line(layout.line_count() - 1).unwrap();
        let a = first.source_at(0, width).unwrap();
        let b = last.source_at(width - 1, width).unwrap();
        let range = span(a, b);
        assert!(range.start <= first.source().end && range.end >= last.source().start);
        // The whole text from the press to the release, in logical order.
        let all = span(
            first.source_at(width - 1, width).unwrap(),
            last.source_at(0, width).unwrap(),
        );
        assert_eq!(&text[all], text.trim_end());
    }

    #[test]
    fn padding_selects_the_nearest_cell() {
        let text = "سلام";
        let layout = Layout::new(
            text,
            &LayoutOptions {
                width: 20,
                ..LayoutOptions::default()
            },
        );
        let line = layout.line(0).unwrap();
        // Right-aligned: column 0 is padding; the nearest cell is the leftmost,
        // the last letter.
        assert_eq!(line.source_at(0, 20), Some(text.len() - 2..text.len()));
        assert_eq!(line.source_at(19, 20), Some(0..2));
    }

    #[test]
    fn counts_lines_and_characters() {
        assert_eq!(count(""), (0, 0));
        assert_eq!(count("می‌خواهم"), (1, 8));
        assert_eq!(count("a\nb\n"), (2, 4));
    }
}
