//! Grapheme clusters (UAX #29), with a fast path for the common case.
//!
//! Text made only of "plain" characters — printable ASCII and Latin-1,
//! Arabic and Hebrew letters, digits and punctuation, general punctuation —
//! and combining marks (harakat, niqqud, Latin diacritics, ZWNJ) segments by
//! one rule: a cluster is a plain character followed by its marks (UAX #29
//! GB9), and is one cell wide. Anything else (controls, prepended concatenation
//! marks, Hangul, emoji, regional indicators, Indic conjuncts…) goes through
//! `unicode-segmentation`, which ratatui also uses. A test checks the fast
//! rule against `unicode-segmentation` and `unicode-width` for every pair of
//! plain characters.

use unicode_segmentation::UnicodeSegmentation;

/// How the fast path sees a character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plain {
    /// Starts a cluster; one cell wide.
    Base,
    /// Extends the cluster before it; no cell of its own.
    Mark,
    /// Needs full UAX #29 segmentation.
    Other,
}

/// Classifies a character for the fast path.
#[inline]
pub fn plain(c: char) -> Plain {
    const TABLE: [Plain; TABLE_LEN] = {
        let mut table = [Plain::Other; TABLE_LEN];
        let mut cp = 0;
        while cp < TABLE_LEN {
            // Every code point below the table's end is a valid char.
            table[cp] = classify(char::from_u32(cp as u32).unwrap());
            cp += 1;
        }
        table
    };
    match TABLE.get(c as usize) {
        Some(&p) => p,
        None => classify(c),
    }
}

/// Code points below this are classified by one table load.
const TABLE_LEN: usize = 0x0700;

const fn classify(c: char) -> Plain {
    match c {
        ' '..='~' | '\u{A0}'..='\u{AC}' | '\u{AE}'..='\u{2FF}' => Plain::Base,
        '\u{0300}'..='\u{036F}' => Plain::Mark,
        // Hebrew.
        '\u{0591}'..='\u{05BD}'
        | '\u{05BF}'
        | '\u{05C1}'
        | '\u{05C2}'
        | '\u{05C4}'
        | '\u{05C5}'
        | '\u{05C7}' => Plain::Mark,
        '\u{05BE}'
        | '\u{05C0}'
        | '\u{05C3}'
        | '\u{05C6}'
        | '\u{05D0}'..='\u{05EA}'
        | '\u{05EF}'..='\u{05F4}' => Plain::Base,
        // Arabic (U+0600–0605 and U+06DD are prepended marks, U+061C is ALM).
        '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{06D6}'..='\u{06DC}'
        | '\u{06DF}'..='\u{06E4}'
        | '\u{06E7}'
        | '\u{06E8}'
        | '\u{06EA}'..='\u{06ED}' => Plain::Mark,
        '\u{0606}'..='\u{060F}'
        | '\u{061B}'
        | '\u{061D}'..='\u{064A}'
        | '\u{0660}'..='\u{066F}'
        | '\u{0671}'..='\u{06D5}'
        | '\u{06DE}'
        | '\u{06E5}'
        | '\u{06E6}'
        | '\u{06E9}'
        | '\u{06EE}'..='\u{06FF}' => Plain::Base,
        '\u{200C}' => Plain::Mark,
        '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205E}' => Plain::Base,
        // Arabic presentation forms, as already-shaped input may contain.
        '\u{FB50}'..='\u{FBB1}'
        | '\u{FBD3}'..='\u{FD3D}'
        | '\u{FE70}'..='\u{FE74}'
        | '\u{FE76}'..='\u{FEFC}' => Plain::Base,
        _ => Plain::Other,
    }
}

/// Whether the fast path applies to all these characters.
pub fn is_plain(chars: &[char]) -> bool {
    chars.iter().all(|&c| !matches!(plain(c), Plain::Other))
}

/// Appends to `ends` the end (exclusive, in characters) of each grapheme
/// cluster of `text`, whose characters are `chars`.
pub fn cluster_ends(text: &str, chars: &[char], ends: &mut Vec<u32>) {
    ends.clear();
    if is_plain(chars) {
        // UAX #29 GB9: a cluster is a base and the marks after it.
        for (i, &c) in chars.iter().enumerate().skip(1) {
            if plain(c) != Plain::Mark {
                ends.push(i as u32);
            }
        }
        if !chars.is_empty() {
            ends.push(chars.len() as u32);
        }
    } else {
        let mut end = 0u32;
        for g in text.graphemes(true) {
            end += g.chars().count() as u32;
            ends.push(end);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::width::cluster_width;

    fn plain_chars() -> Vec<char> {
        (0..0x1_0000u32)
            .filter_map(char::from_u32)
            .filter(|&c| plain(c) != Plain::Other)
            .collect()
    }

    #[test]
    fn fast_path_matches_uax29_for_every_pair() {
        let chars = plain_chars();
        let mut s = String::new();
        for &a in &chars {
            for &b in &chars {
                s.clear();
                s.push(a);
                s.push(b);
                let chars = [a, b];
                let mut ours = Vec::new();
                cluster_ends(&s, &chars, &mut ours);
                let mut full = Vec::new();
                let mut end = 0;
                for g in s.graphemes(true) {
                    end += g.chars().count() as u32;
                    full.push(end);
                }
                assert_eq!(ours, full, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn bases_take_one_cell_and_marks_none() {
        for c in plain_chars() {
            let mut s = String::new();
            s.push(c);
            let expected = usize::from(plain(c) == Plain::Base);
            assert_eq!(cluster_width(&s), expected, "{c:?}");
        }
    }
}
