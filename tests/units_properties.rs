//! Properties of layout units (`qari::text::units`): walking forward, walking
//! backward, one pass over the whole text and looking up any byte all give
//! the same units, and the units are the text's non-blank lines, split only
//! when longer than a chunk. Small chunk sizes make splitting do real work.

mod common;

use proptest::prelude::*;
use qari::text::units::{Unit, Units};

/// Pieces of text: words in three scripts, spaces, every line ending, blank
/// lines with whitespace, and long runs without a space.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z]{1,7}",
        4 => "[ا-ي]{1,6}",
        2 => "[א-ת]{1,5}",
        4 => Just(" ".to_string()),
        1 => Just("\t".to_string()),
        2 => Just("\n".to_string()),
        1 => Just("\r\n".to_string()),
        1 => Just("\r".to_string()),
        1 => Just("\n  \n".to_string()),
        1 => Just("\u{00A0}\n".to_string()),
        1 => "[ب]{10,40}",
        1 => "[ ]{5,30}",
        1 => "[ \u{00A0}]{3,12}",
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..60).prop_map(|p| p.concat())
}

fn forward(units: &Units<'_>) -> Vec<Unit> {
    let mut out = Vec::new();
    let mut unit = units.first();
    while let Some(u) = unit {
        assert!(out.len() < 100_000, "walking forward does not end");
        out.push(u);
        unit = units.next(&u);
    }
    out
}

/// The text's non-blank lines, each with whether blank lines come between
/// it and the non-blank line before.
fn lines(text: &str) -> Vec<(usize, usize, bool)> {
    let mut out = Vec::new();
    let mut blank_since = false;
    for r in qari::text::lines::lines(text) {
        if text[r.clone()].trim().is_empty() {
            blank_since = true;
        } else {
            out.push((r.start, r.end, blank_since && !out.is_empty()));
            blank_since = false;
        }
    }
    out
}

proptest! {
    #![proptest_config(common::proptest_config())]

    #[test]
    fn every_way_of_finding_units_agrees(text in text(), chunk in 4usize..40, slack in 0usize..40) {
        let slack = slack % chunk;
        let units = Units::with_chunk(text.as_bytes(), chunk, slack);
        let all = forward(&units);
        // One pass.
        let starts: Vec<usize> = all.iter().map(|u| u.start).collect();
        prop_assert_eq!(units.all(|| false), Some(starts));
        // Backwards.
        let mut back = Vec::new();
        let mut unit = units.last();
        while let Some(u) = unit {
            back.push(u);
            unit = units.previous(&u);
        }
        back.reverse();
        prop_assert_eq!(&back, &all);
        // Any byte: the unit holding it, or else the next one (units are
        // in order, so the first that ends past it).
        for pos in 0..text.len() {
            let expected = all.iter().find(|u| u.end > pos).copied();
            prop_assert_eq!(units.at(pos), expected, "byte {}", pos);
        }
        prop_assert_eq!(units.at(text.len()), None);
    }

    #[test]
    fn units_are_the_non_blank_lines_split_only_when_long(
        text in text(),
        chunk in 4usize..40,
        slack in 0usize..40,
    ) {
        let slack = slack % chunk;
        let units = Units::with_chunk(text.as_bytes(), chunk, slack);
        let all = forward(&units);
        // The units of each line make up the line, in order; the first
        // carries the gap.
        let mut i = 0;
        for (start, end, gap) in lines(&text) {
            let first = i;
            let mut at = start;
            while i < all.len() && all[i].start < end {
                let u = all[i];
                prop_assert_eq!(u.start, at, "{:?}", u);
                prop_assert!(text.is_char_boundary(u.start) && text.is_char_boundary(u.end));
                prop_assert_eq!(u.continues, i > first);
                prop_assert_eq!(u.gap_before, i == first && gap, "{:?}", u);
                prop_assert!(u.end - u.start <= 2 * chunk + 4, "{:?}", u);
                at = u.end;
                i += 1;
            }
            prop_assert_eq!(at, end);
            if end - start <= chunk {
                prop_assert_eq!(i - first, 1, "a short line is one unit");
            }
            // `qari render` cuts the line where its units end, from the
            // line's start or from any split point on.
            let ends: Vec<usize> = all[first..i - 1].iter().map(|u| u.end).collect();
            let long = end - start > chunk;
            let splits: Vec<usize> = units.splits(start..end, long).collect();
            prop_assert_eq!(&splits, &ends);
            for (k, &from) in ends.iter().enumerate() {
                let rest: Vec<usize> = units.splits(from..end, true).collect();
                prop_assert_eq!(&rest[..], &ends[k + 1..]);
            }
        }
        prop_assert_eq!(i, all.len());
    }
}

/// The gap flag, against the line list: a unit that starts a line has a gap
/// when a blank line lies between it and the line before.
#[test]
fn gaps_follow_blank_lines() {
    let text = "a\nb\n\nc\r\n\r\nd\r\re\n \n\tf\n";
    let units = Units::new(text.as_bytes());
    let gaps: Vec<(&str, bool)> = forward(&units)
        .iter()
        .map(|u| (&text[u.start..u.end], u.gap_before))
        .collect();
    assert_eq!(
        gaps,
        [
            ("a", false),
            ("b", false),
            ("c", true),
            ("d", true),
            ("e", true),
            ("\tf", true)
        ]
    );
}
