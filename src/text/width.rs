//! Display width, measured exactly the way ratatui paints.
//!
//! ratatui splits a string into extended grapheme clusters and gives each the
//! `unicode-width` width of the cluster string (plus one per halfwidth
//! katakana sound mark). Laying out with any other measure lets a line that
//! "fits" overflow on screen: `unicode-width` alone gives "لا" width 1, while
//! ratatui paints it in two cells.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Cells taken by one grapheme cluster, as ratatui measures it.
pub fn cluster_width(g: &str) -> usize {
    let mut chars = g.chars();
    match (chars.next(), chars.next()) {
        (None, _) => 0,
        (Some(c), None) => char_width(c),
        _ => {
            g.width()
                + g.chars()
                    .filter(|&c| c == '\u{FF9E}' || c == '\u{FF9F}')
                    .count()
        }
    }
}

/// Cells taken by a cluster made of one character.
#[inline]
pub fn char_width(c: char) -> usize {
    if (' '..='~').contains(&c) {
        return 1;
    }
    if c == '\u{FF9E}' || c == '\u{FF9F}' {
        return 1;
    }
    c.width().unwrap_or(0)
}

/// Cells taken by a string: the sum over its grapheme clusters.
pub fn str_width(s: &str) -> usize {
    if s.is_ascii() {
        return s.len();
    }
    s.graphemes(true).map(cluster_width).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lam_alef_is_two_cells_unshaped() {
        assert_eq!(str_width("لا"), 2);
        assert_eq!(cluster_width("ﻻ"), 1);
    }

    #[test]
    fn marks_take_no_cell_of_their_own() {
        assert_eq!(str_width("مُحَمَّد"), 4);
    }

    #[test]
    fn wide_and_emoji() {
        assert_eq!(str_width("日本"), 4);
        assert_eq!(cluster_width("👍🏽"), 2);
    }
}
