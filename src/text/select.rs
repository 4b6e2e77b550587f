//! Selections in logical text. A selection is two places in the text (byte
//! offsets); the cells between them on screen may be painted in any order,
//! so what is selected is the logical range between the two places, never
//! the cells in between as painted.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use super::VisualLine;

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

/// The cluster painted next to the one showing byte `offset` on `line`
/// (a row `width` cells wide): the one on its right (`right`) or on its
/// left, whatever their order in the text; `None` at the line's edge.
pub fn beside(
    line: &VisualLine<'_>,
    offset: usize,
    width: usize,
    right: bool,
) -> Option<Range<usize>> {
    let column = line.column_of(offset, width)?;
    let cells: Vec<(usize, Range<usize>)> = line
        .cells()
        .filter(|cell| cell.width > 0)
        .scan(line.indent(width), |x, cell| {
            let at = *x;
            *x += cell.width;
            Some((at, cell.source))
        })
        .collect();
    let here = cells.iter().position(|(x, _)| *x == column)?;
    let there = if right {
        here + 1
    } else {
        here.checked_sub(1)?
    };
    cells.get(there).map(|(_, source)| source.clone())
}

/// Whether a word-boundary segment is a word (holds a letter or a digit),
/// not spaces or punctuation.
fn is_word(segment: &str) -> bool {
    segment.chars().any(char::is_alphanumeric)
}

/// The start of the first word after byte `at` of `text`, in logical order
/// (UAX #29 words: harakat, ZWNJ and ZWJ stay inside theirs).
pub fn next_word(text: &str, at: usize) -> Option<usize> {
    text.split_word_bound_indices()
        .find(|&(i, w)| i > at && is_word(w))
        .map(|(i, _)| i)
}

/// The first word of `text`: its start, and the start of its last
/// grapheme cluster.
pub fn first_word(text: &str) -> Option<Range<usize>> {
    text.split_word_bound_indices()
        .find(|&(_, w)| is_word(w))
        .and_then(|(i, w)| Some(i..i + w.grapheme_indices(true).next_back()?.0))
}

/// The start of the last grapheme cluster of the first word that ends
/// after the cluster at byte `at` of `text` (vim's `e`: the end of this
/// word, or of the next one when `at` is at its end already).
pub fn word_end(text: &str, at: usize) -> Option<usize> {
    text.split_word_bound_indices()
        .filter(|&(_, w)| is_word(w))
        .filter_map(|(i, w)| w.grapheme_indices(true).next_back().map(|(j, _)| i + j))
        .find(|&last| last > at)
}

/// The start of the last word that starts before byte `at` of `text`.
pub fn previous_word(text: &str, at: usize) -> Option<usize> {
    text.split_word_bound_indices()
        .take_while(|&(i, _)| i < at)
        .filter(|&(_, w)| is_word(w))
        .last()
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{Layout, LayoutOptions};

    fn column_of(layout: &Layout, line: usize, source: usize, width: usize) -> usize {
        layout.line(line).unwrap().column_of(source, width).unwrap()
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
    fn words_step_in_logical_order_with_harakat_and_zwnj_inside() {
        let text = "من می‌خواهم كِتَابًا، 1984 و ABC.";
        let starts: Vec<usize> =
            std::iter::successors(Some(0), |&at| next_word(text, at)).collect();
        let words: Vec<&str> = starts
            .iter()
            .map(|&i| text[i..].split([' ', '،', '.']).next().unwrap())
            .collect();
        assert_eq!(words, ["من", "می‌خواهم", "كِتَابًا", "1984", "و", "ABC"]);
        // And back, from the end.
        let mut back = vec![];
        let mut at = text.len();
        while let Some(i) = previous_word(text, at) {
            back.push(i);
            at = i;
        }
        back.reverse();
        assert_eq!(back, starts);
        assert_eq!(next_word(text, *starts.last().unwrap()), None);
        // Word ends: the last cluster of each word.
        let ends: Vec<&str> = std::iter::successors(word_end(text, 0), |&at| word_end(text, at))
            .map(|i| text[i..].graphemes(true).next().unwrap())
            .collect();
        assert_eq!(ends, ["ن", "م", "ا", "4", "و", "C"]);
    }

    #[test]
    fn clusters_and_lines_of_an_offset() {
        let text = "كِتَابٌ جديد";
        let layout = Layout::new(
            text,
            &LayoutOptions {
                width: 5,
                ..LayoutOptions::default()
            },
        );
        assert_eq!(layout.line_count(), 2);
        // The kaf and its kasra are one cluster, whichever byte is asked.
        assert_eq!(layout.cluster_at(0), Some(0..4));
        assert_eq!(layout.cluster_at(2), Some(0..4));
        assert_eq!(layout.line_of(0), 0);
        let jim = text.find('ج').unwrap();
        assert_eq!(layout.line_of(jim), 1);
        assert_eq!(layout.line_of(text.len() + 10), 1);
        assert_eq!(
            layout.cluster_at(text.len() + 10),
            Some(text.len() - 2..text.len())
        );
        assert_eq!(
            Layout::new("", &LayoutOptions::default()).cluster_at(0),
            None
        );
        // The hanging space after the first word is shown by no cell: its
        // column is that of the cell before it in the text.
        let space = text.find(' ').unwrap();
        let line = layout.line(0).unwrap();
        let before = layout.cluster_at(space - 1).unwrap().start;
        assert_eq!(line.column_of(space, 5), line.column_of(before, 5));
    }

    #[test]
    fn beside_goes_by_the_painted_order() {
        // "abc" inside Arabic: on screen the Latin reads left to right,
        // the Arabic right to left.
        let text = "سلام abc دنیا";
        let width = 20;
        let layout = Layout::new(
            text,
            &LayoutOptions {
                width,
                ..LayoutOptions::default()
            },
        );
        let line = layout.line(0).unwrap();
        let b = text.find('b').unwrap();
        assert_eq!(beside(&line, b, width, true), Some(b + 1..b + 2));
        assert_eq!(beside(&line, b, width, false), Some(b - 1..b));
        // In the Arabic, the cell on the right comes first in the text.
        let lam = text.find('ل').unwrap();
        assert_eq!(beside(&line, lam, width, true), Some(lam - 2..lam));
        // The first letter is the rightmost cell: nothing beyond it.
        assert_eq!(beside(&line, 0, width, true), None);
    }

    #[test]
    fn counts_lines_and_characters() {
        assert_eq!(count(""), (0, 0));
        assert_eq!(count("می‌خواهم"), (1, 8));
        assert_eq!(count("a\nb\n"), (2, 4));
    }
}
