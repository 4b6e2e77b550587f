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

use unicode_segmentation::{GraphemeIndices, UnicodeSegmentation};

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

/// Whether the fast path applies to the whole text.
pub fn is_plain(text: &str) -> bool {
    text.chars().all(|c| !matches!(plain(c), Plain::Other))
}

/// Grapheme clusters with their byte offsets.
pub enum Clusters<'a> {
    /// Fast path for plain text.
    Plain { text: &'a str, at: usize },
    /// Full UAX #29.
    Full(GraphemeIndices<'a>),
}

impl<'a> Clusters<'a> {
    /// Segments `text`, taking the fast path when `plain` (see [`is_plain`]).
    pub fn new(text: &'a str, plain: bool) -> Clusters<'a> {
        if plain {
            Clusters::Plain { text, at: 0 }
        } else {
            Clusters::Full(text.grapheme_indices(true))
        }
    }
}

impl<'a> Iterator for Clusters<'a> {
    type Item = (usize, &'a str);

    #[inline]
    fn next(&mut self) -> Option<(usize, &'a str)> {
        match self {
            Clusters::Full(g) => g.next(),
            Clusters::Plain { text, at } => {
                let start = *at;
                let rest = &text[start..];
                let mut chars = rest.char_indices();
                let (_, first) = chars.next()?;
                let mut end = rest.len();
                for (i, c) in chars {
                    if plain(c) != Plain::Mark {
                        end = i;
                        break;
                    }
                }
                let _ = first;
                *at = start + end;
                Some((start, &rest[..end]))
            }
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
                let ours: Vec<_> = Clusters::new(&s, true).collect();
                let full: Vec<_> = s.grapheme_indices(true).collect();
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
