//! Bidi levels and per-line reordering (UAX #9).
//!
//! Levels come from `unicode-bidi` (rules P2–I2) with a table-driven
//! [`BidiTable`] data source. Reordering (L1, L2) is done here, over any unit
//! the caller chooses: the layout passes grapheme clusters, which gives L3
//! (marks stay after their base) for free; the conformance test passes code
//! points. `unicode-bidi`'s own `reorder_line` reverses code points, so it
//! would put marks before their letter and apply no mirroring (L4).

use std::sync::OnceLock;

use unicode_bidi::{BidiClass, BidiDataSource, Level, ParagraphBidiInfo};

/// A resolved direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Left to right.
    Ltr,
    /// Right to left.
    Rtl,
}

/// How a paragraph's base direction is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BaseDirection {
    /// UAX #9 P2/P3: the first strong character outside isolates; a paragraph
    /// with none takes the document's dominant direction.
    #[default]
    Auto,
    /// Always right to left.
    Rtl,
    /// Always left to right.
    Ltr,
}

/// Bidi classes in a flat table for the Basic Multilingual Plane, filled once
/// from `unicode-bidi`'s own data, so a lookup is one load instead of a
/// binary search over ~1,500 ranges.
#[derive(Clone, Copy)]
pub struct BidiTable(&'static [BidiClass]);

impl BidiTable {
    /// The shared table, built on first use (about a millisecond).
    pub fn get() -> BidiTable {
        static TABLE: OnceLock<Vec<BidiClass>> = OnceLock::new();
        BidiTable(TABLE.get_or_init(|| {
            (0..0x1_0000u32)
                .map(|cp| char::from_u32(cp).map_or(BidiClass::L, unicode_bidi::bidi_class))
                .collect()
        }))
    }

    /// The bidi class of a character.
    #[inline]
    pub fn class(&self, c: char) -> BidiClass {
        let cp = c as usize;
        if cp < 0x1_0000 {
            self.0[cp]
        } else {
            unicode_bidi::bidi_class(c)
        }
    }
}

impl BidiDataSource for BidiTable {
    #[inline]
    fn bidi_class(&self, c: char) -> BidiClass {
        self.class(c)
    }
}

/// Whether a character is an explicit bidi formatting character that the
/// algorithm obeys and the layout never prints (LRE RLE LRO RLO PDF LRI RLI
/// FSI PDI LRM RLM ALM).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Whether a class is removed by rule X9 (ignored when reordering).
pub fn is_removed_by_x9(class: BidiClass) -> bool {
    use BidiClass::*;
    matches!(class, RLE | LRE | RLO | LRO | PDF | BN)
}

/// UAX #9 P2/P3: the direction of the first strong character, skipping
/// isolated runs; `None` when there is none.
pub fn first_strong(text: &str) -> Option<Direction> {
    use BidiClass::*;
    let table = BidiTable::get();
    let mut isolates = 0usize;
    for c in text.chars() {
        match table.class(c) {
            LRI | RLI | FSI => isolates += 1,
            PDI => isolates = isolates.saturating_sub(1),
            L if isolates == 0 => return Some(Direction::Ltr),
            R | AL if isolates == 0 => return Some(Direction::Rtl),
            _ => {}
        }
    }
    None
}

/// The dominant direction of a document: that of most of its strong
/// characters (left to right when there are none, or as many of each).
pub fn dominant_direction(text: &str) -> Direction {
    let table = BidiTable::get();
    let (mut ltr, mut rtl) = (0usize, 0usize);
    for c in text.chars() {
        match table.class(c) {
            BidiClass::L => ltr += 1,
            BidiClass::R | BidiClass::AL => rtl += 1,
            _ => {}
        }
    }
    if rtl > ltr {
        Direction::Rtl
    } else {
        Direction::Ltr
    }
}

/// Resolves the embedding levels of one paragraph (rules P2–I2).
pub fn resolve(text: &str, base: BaseDirection, fallback: Direction) -> ParagraphBidiInfo<'_> {
    let dir = match base {
        BaseDirection::Ltr => Direction::Ltr,
        BaseDirection::Rtl => Direction::Rtl,
        BaseDirection::Auto => first_strong(text).unwrap_or(fallback),
    };
    let level = match dir {
        Direction::Ltr => Level::ltr(),
        Direction::Rtl => Level::rtl(),
    };
    ParagraphBidiInfo::new_with_data_source(&BidiTable::get(), text, Some(level))
}

/// Whether L1 treats a class like whitespace: WS, the isolate controls, and
/// the characters X9 removes (which rule X9 lets us treat as transparent).
fn l1_whitespace(class: BidiClass) -> bool {
    use BidiClass::*;
    matches!(class, WS | FSI | LRI | RLI | PDI) || is_removed_by_x9(class)
}

/// UAX #9 L1 on one line of units (clusters or code points): segment and
/// paragraph separators, the whitespace before them, and trailing whitespace
/// take the paragraph level. `classes[i]` is the original class of unit `i`.
pub fn apply_l1(classes: &[BidiClass], levels: &mut [u8], paragraph_level: u8) {
    debug_assert_eq!(classes.len(), levels.len());
    // Walking backwards, `trailing` says whether everything after this unit up
    // to the line end or a separator is L1-whitespace.
    let mut trailing = true;
    for (class, level) in classes.iter().zip(levels.iter_mut()).rev() {
        if matches!(class, BidiClass::S | BidiClass::B) {
            *level = paragraph_level;
            trailing = true;
        } else if l1_whitespace(*class) {
            if trailing {
                *level = paragraph_level;
            }
        } else {
            trailing = false;
        }
    }
}

/// UAX #9 L2: appends to `order` the visual order of units with the given
/// levels, as indices into `levels` (leftmost first).
pub fn visual_order(levels: &[u8], order: &mut Vec<u32>) {
    let base = order.len();
    order.extend(0..levels.len() as u32);
    let Some(&first) = levels.first() else {
        return;
    };
    let (mut max, mut min_odd, mut uniform) = (0u8, u8::MAX, true);
    for &l in levels {
        max = max.max(l);
        if l % 2 == 1 {
            min_odd = min_odd.min(l);
        }
        uniform &= l == first;
    }
    let units = &mut order[base..];
    if uniform {
        if first % 2 == 1 {
            units.reverse();
        }
        return;
    }
    if min_odd == u8::MAX {
        return;
    }
    // From the highest level down to the lowest odd level, reverse every
    // maximal run at that level or higher.
    for level in (min_odd..=max).rev() {
        let mut i = 0;
        while i < units.len() {
            if levels[units[i] as usize] >= level {
                let start = i;
                while i < units.len() && levels[units[i] as usize] >= level {
                    i += 1;
                }
                units[start..i].reverse();
            } else {
                i += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use BidiClass::*;

    #[test]
    fn table_agrees_with_unicode_bidi() {
        let table = BidiTable::get();
        for c in ['a', 'ا', 'א', '1', '١', ' ', '(', '\u{202B}', '\u{0651}', '😀'] {
            assert_eq!(table.class(c), unicode_bidi::bidi_class(c), "{c:?}");
        }
    }

    #[test]
    fn l1_resets_trailing_whitespace_and_before_separators() {
        let classes = [R, WS, S, R, WS, BN, WS];
        let mut levels = [1, 1, 1, 1, 1, 1, 1];
        apply_l1(&classes, &mut levels, 0);
        assert_eq!(levels, [1, 0, 0, 1, 0, 0, 0]);
    }

    #[test]
    fn l1_keeps_inner_whitespace() {
        let classes = [R, WS, R];
        let mut levels = [1, 1, 1];
        apply_l1(&classes, &mut levels, 0);
        assert_eq!(levels, [1, 1, 1]);
    }

    #[test]
    fn l2_reverses_nested_runs() {
        let mut order = Vec::new();
        visual_order(&[0, 1, 1, 2, 2, 1, 0], &mut order);
        assert_eq!(order, [0, 5, 3, 4, 2, 1, 6]);
    }

    #[test]
    fn base_direction_falls_back_for_neutral_paragraphs() {
        assert_eq!(first_strong("(2018-2022)"), None);
        assert_eq!(first_strong("\u{2067}abc\u{2069} سلام"), Some(Direction::Rtl));
        let info = resolve("123", BaseDirection::Auto, Direction::Rtl);
        assert!(info.paragraph_level.is_rtl());
    }
}
