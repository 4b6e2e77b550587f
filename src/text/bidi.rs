//! Bidi levels and per-line reordering (UAX #9).
//!
//! Levels come from `unicode-bidi` (rules P2–I2) with a table-driven
//! [`BidiTable`] data source. Reordering (L1, L2) is done here, over any unit
//! the caller chooses: the layout passes grapheme clusters, which gives L3
//! (marks stay after their base) for free; [`ltr_row_order`] passes
//! characters. `unicode-bidi`'s own `reorder_line` reverses code points, so it
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

    fn bidi_matched_opening_bracket(
        &self,
        c: char,
    ) -> Option<unicode_bidi::data_source::BidiMatchedOpeningBracket> {
        if c.is_ascii() {
            ascii_bracket(c)
        } else {
            BidiDataSource::bidi_matched_opening_bracket(&unicode_bidi::HardcodedBidiData, c)
        }
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
    StrongCounts::of(text).dominant()
}

/// A text's strong characters counted by direction. Counts of the parts of
/// a text add up to those of the whole, so a large document can be counted
/// in pieces on several cores.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StrongCounts {
    /// Characters of class L.
    pub ltr: usize,
    /// Characters of class R or AL.
    pub rtl: usize,
}

impl StrongCounts {
    /// Counts the strong characters of `text`.
    pub fn of(text: &str) -> StrongCounts {
        let table = BidiTable::get();
        let mut counts = StrongCounts::default();
        for c in text.chars() {
            match table.class(c) {
                BidiClass::L => counts.ltr += 1,
                BidiClass::R | BidiClass::AL => counts.rtl += 1,
                _ => {}
            }
        }
        counts
    }

    /// The direction of most of the strong characters (left to right when
    /// there are none, or as many of each).
    pub fn dominant(self) -> Direction {
        if self.rtl > self.ltr {
            Direction::Rtl
        } else {
            Direction::Ltr
        }
    }
}

impl std::ops::Add for StrongCounts {
    type Output = StrongCounts;

    /// The counts of two texts together.
    fn add(self, other: StrongCounts) -> StrongCounts {
        StrongCounts {
            ltr: self.ltr + other.ltr,
            rtl: self.rtl + other.rtl,
        }
    }
}

/// Every bidi class, indexed by its discriminant.
const CLASSES: [BidiClass; 23] = {
    use BidiClass::*;
    [
        AL, AN, B, BN, CS, EN, ES, ET, FSI, L, LRE, LRI, LRO, NSM, ON, PDF, PDI, R, RLE, RLI, RLO,
        S, WS,
    ]
};

/// The opening bracket an ASCII bracket pairs with (UAX #9 BD16).
fn ascii_bracket(c: char) -> Option<unicode_bidi::data_source::BidiMatchedOpeningBracket> {
    use unicode_bidi::data_source::BidiMatchedOpeningBracket as B;
    let (opening, is_open) = match c {
        '(' => ('(', true),
        ')' => ('(', false),
        '[' => ('[', true),
        ']' => ('[', false),
        '{' => ('{', true),
        '}' => ('{', false),
        _ => return None,
    };
    Some(B { opening, is_open })
}

/// Data source for a proxy paragraph in which every character was replaced
/// by one byte standing for its bidi class (`0x01 + class`), except ASCII
/// brackets, which stay themselves so that bracket pairs (N0) still match.
/// Level resolution depends only on classes and bracket pairs, so the levels
/// are those of the real text, at one byte per character.
struct ProxySource;

impl BidiDataSource for ProxySource {
    #[inline]
    fn bidi_class(&self, c: char) -> BidiClass {
        match c as u32 {
            n @ 1..=23 => CLASSES[n as usize - 1],
            _ => BidiClass::ON,
        }
    }

    #[inline]
    fn bidi_matched_opening_bracket(
        &self,
        c: char,
    ) -> Option<unicode_bidi::data_source::BidiMatchedOpeningBracket> {
        ascii_bracket(c)
    }
}

/// Resolved levels of one paragraph, one entry per character.
#[derive(Debug, Clone, Default)]
pub struct Levels {
    /// The paragraph embedding level (even: left to right).
    pub paragraph_level: u8,
    /// Embedding level of each character (rules X1–I2, before L1).
    pub levels: Vec<u8>,
    /// Original bidi class of each character.
    pub classes: Vec<BidiClass>,
    /// Resolved types while the levels are worked out.
    scratch: Vec<BidiClass>,
}

impl Levels {
    /// The paragraph's base direction.
    pub fn direction(&self) -> Direction {
        if self.paragraph_level % 2 == 1 {
            Direction::Rtl
        } else {
            Direction::Ltr
        }
    }

    /// Whether any character resolved to a right-to-left level.
    pub fn has_rtl(&self) -> bool {
        self.levels.iter().any(|l| l % 2 == 1)
    }
}

/// Resolves the embedding levels of one paragraph (rules P2–I2) with
/// `unicode-bidi`.
///
/// The text is first mapped to a one-byte-per-character proxy of its bidi
/// classes (see [`ProxySource`]), which halves the work on Arabic and Hebrew
/// and makes every class lookup a table load. A paragraph with a non-ASCII
/// paired bracket or an FSI is resolved on its own text instead.
pub fn resolve(text: &str, base: BaseDirection, fallback: Direction) -> Levels {
    let chars: Vec<char> = text.chars().collect();
    let mut levels = Levels::default();
    resolve_into(text, &chars, base, fallback, &mut levels);
    levels
}

/// [`resolve`] for a text already decoded into `chars`, into `out`, whose
/// buffers are reused.
pub fn resolve_into(
    text: &str,
    chars: &[char],
    base: BaseDirection,
    fallback: Direction,
    out: &mut Levels,
) {
    use BidiClass::*;
    let table = BidiTable::get();
    out.classes.clear();
    out.levels.clear();
    let mut isolates = 0usize;
    let mut first_strong = None;
    let mut seen = 0u32;
    for &c in chars {
        let class = table.class(c);
        out.classes.push(class);
        seen |= 1 << class as u32;
        if first_strong.is_none() {
            match class {
                LRI | RLI | FSI => isolates += 1,
                PDI => isolates = isolates.saturating_sub(1),
                L if isolates == 0 => first_strong = Some(Direction::Ltr),
                R | AL if isolates == 0 => first_strong = Some(Direction::Rtl),
                _ => {}
            }
        }
    }
    let dir = match base {
        BaseDirection::Ltr => Direction::Ltr,
        BaseDirection::Rtl => Direction::Rtl,
        BaseDirection::Auto => first_strong.unwrap_or(fallback),
    };
    let has = |classes: &[BidiClass]| classes.iter().any(|&c| seen & (1 << c as u32) != 0);
    let explicit = has(&[LRE, RLE, LRO, RLO, PDF, LRI, RLI, FSI, PDI, B, BN]);
    if dir == Direction::Ltr && !explicit && !has(&[R, AL, AN]) {
        // Nothing right-to-left: every character stays at level 0.
        out.paragraph_level = 0;
        out.levels.resize(out.classes.len(), 0);
        return;
    }
    if dir == Direction::Rtl && !explicit && !has(&[L]) {
        out.paragraph_level = 1;
        if has(&[EN, AN]) {
            right_to_left_levels(&out.classes, &mut out.levels);
        } else {
            // No numbers: the weak rules leave nothing but right-to-left
            // and neutral types, all at level 1 (see `right_to_left_levels`).
            out.levels.resize(out.classes.len(), 1);
        }
        return;
    }
    let non_ascii_bracket = || {
        chars.iter().zip(&out.classes).any(|(&c, &class)| {
            class == ON
                && !c.is_ascii()
                && BidiDataSource::bidi_matched_opening_bracket(&unicode_bidi::HardcodedBidiData, c)
                    .is_some()
        })
    };
    if !explicit && !non_ascii_bracket() {
        out.paragraph_level = match dir {
            Direction::Ltr => 0,
            Direction::Rtl => 1,
        };
        one_run_levels(
            chars,
            &out.classes,
            out.paragraph_level,
            &mut out.scratch,
            &mut out.levels,
        );
        return;
    }
    let level = match dir {
        Direction::Ltr => Level::ltr(),
        Direction::Rtl => Level::rtl(),
    };
    // The general case: unicode-bidi, on the proxy unless the text has an
    // FSI (unicode-bidi rewrites an FSI's class byte by byte, assuming its
    // UTF-8 length) or a non-ASCII paired bracket.
    let mut proxy = String::with_capacity(out.classes.len());
    let mut direct = has(&[FSI]);
    for (&c, &class) in chars.iter().zip(&out.classes) {
        if c.is_ascii() && ascii_bracket(c).is_some() {
            proxy.push(c);
        } else {
            direct |= class == ON
                && !c.is_ascii()
                && BidiDataSource::bidi_matched_opening_bracket(
                    &unicode_bidi::HardcodedBidiData,
                    c,
                )
                .is_some();
            proxy.push(char::from(1 + class as u8));
        }
    }
    if direct {
        let info = ParagraphBidiInfo::new_with_data_source(&table, text, Some(level));
        out.paragraph_level = info.paragraph_level.number();
        out.levels
            .extend(text.char_indices().map(|(i, _)| info.levels[i].number()));
    } else {
        let info = ParagraphBidiInfo::new_with_data_source(&ProxySource, &proxy, Some(level));
        out.paragraph_level = info.paragraph_level.number();
        out.levels.extend(info.levels.iter().map(Level::number));
    }
}

/// The direction a resolved type counts as for N0 and N1: numbers count as
/// right to left; neutrals have none.
fn strong_direction(class: BidiClass) -> Option<BidiClass> {
    use BidiClass::*;
    match class {
        L => Some(L),
        R | EN | AN => Some(R),
        _ => None,
    }
}

/// W4 (a single separator between two numbers of the same type becomes
/// one) and W5 (terminators next to European numbers become numbers) over
/// the classes of one isolating run sequence, after W1–W3.
fn weak_numbers(t: &mut [BidiClass]) {
    use BidiClass::*;
    // W4: a single separator between two numbers of the same type.
    for i in 1..t.len().saturating_sub(1) {
        let (before, after) = (t[i - 1], t[i + 1]);
        t[i] = match t[i] {
            ES if before == EN && after == EN => EN,
            CS if before == after && matches!(before, EN | AN) => before,
            other => other,
        };
    }
    // W5: terminators next to European numbers become numbers.
    let mut i = 0;
    while i < t.len() {
        if t[i] != ET {
            i += 1;
            continue;
        }
        let start = i;
        while i < t.len() && t[i] == ET {
            i += 1;
        }
        let touches_en = (start > 0 && t[start - 1] == EN) || (i < t.len() && t[i] == EN);
        if touches_en {
            t[start..i].fill(EN);
        }
    }
}

/// Levels of a paragraph with no explicit formatting characters, no
/// paragraph separator and no paired brackets but ASCII ones (prose mixing
/// Arabic and Latin words), without `unicode-bidi`'s general machinery:
/// rules X1–X10 then leave one isolating run sequence at the paragraph level
/// whose sos and eos both take the paragraph's direction, resolved here by
/// W1–W7, N0 (BD16 bracket pairs), N1–N2 and I1–I2 over `t`, a copy of the
/// classes.
fn one_run_levels(
    chars: &[char],
    classes: &[BidiClass],
    paragraph_level: u8,
    t: &mut Vec<BidiClass>,
    levels: &mut Vec<u8>,
) {
    use BidiClass::*;
    let e = if paragraph_level % 2 == 1 { R } else { L };
    let sos = e;
    t.clear();
    t.extend_from_slice(classes);
    // W1 (NSM takes the type before it), W2 (EN after AL is AN), W3 (AL is R).
    let mut prev = sos;
    let mut last_strong = sos;
    for class in t.iter_mut() {
        if *class == NSM {
            *class = prev;
        }
        match *class {
            L | R | AL => last_strong = *class,
            EN if last_strong == AL => *class = AN,
            _ => {}
        }
        prev = *class;
        if *class == AL {
            *class = R;
        }
    }
    weak_numbers(t);
    // W6 (remaining separators and terminators are neutral) and W7 (EN
    // after L is L).
    let mut last_strong = sos;
    for class in t.iter_mut() {
        match *class {
            L | R => last_strong = *class,
            EN if last_strong == L => *class = L,
            ES | ET | CS => *class = ON,
            _ => {}
        }
    }
    // N0: bracket pairs (BD16), then each pair in the order of its opening
    // bracket takes the embedding direction if it encloses a strong type of
    // that direction, else the opposite one if it encloses that and the
    // context before it is opposite too.
    let mut stack: Vec<(char, usize)> = Vec::new();
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii() || t[i] != ON {
            continue;
        }
        let Some(bracket) = ascii_bracket(c) else {
            continue;
        };
        if bracket.is_open {
            if stack.len() >= 63 {
                break;
            }
            stack.push((bracket.opening, i));
        } else if let Some(k) = stack.iter().rposition(|&(o, _)| o == bracket.opening) {
            pairs.push((stack[k].1, i));
            stack.truncate(k);
        }
    }
    pairs.sort_unstable();
    for (open, close) in pairs {
        let mut found_e = false;
        let mut found_opposite = false;
        for &class in &t[open + 1..close] {
            match strong_direction(class) {
                Some(d) if d == e => {
                    found_e = true;
                    break;
                }
                Some(_) => found_opposite = true,
                None => {}
            }
        }
        let set = if found_e {
            e
        } else if found_opposite {
            t[..open]
                .iter()
                .rev()
                .find_map(|&c| strong_direction(c))
                .unwrap_or(sos)
        } else {
            continue;
        };
        for bracket in [open, close] {
            t[bracket] = set;
            // Marks after a bracket follow it.
            for k in bracket + 1..t.len() {
                if classes[k] != NSM {
                    break;
                }
                t[k] = set;
            }
        }
    }
    // N1 (neutrals between two strong types of one direction take it) and
    // N2 (other neutrals take the embedding direction).
    let mut i = 0;
    let mut before = sos;
    while i < t.len() {
        if !matches!(t[i], ON | WS | S) {
            before = t[i];
            i += 1;
            continue;
        }
        let start = i;
        while i < t.len() && matches!(t[i], ON | WS | S) {
            i += 1;
        }
        let after = t.get(i).copied().unwrap_or(sos);
        let resolved = match (strong_direction(before), strong_direction(after)) {
            (Some(L), Some(L)) => L,
            (Some(R), Some(R)) => R,
            _ => e,
        };
        t[start..i].fill(resolved);
    }
    // I1, I2.
    levels.extend(
        t.iter()
            .map(|&class| match (paragraph_level % 2 == 1, class) {
                (false, R) | (true, L | EN | AN) => paragraph_level + 1,
                (false, EN | AN) => paragraph_level + 2,
                _ => paragraph_level,
            }),
    );
}

/// Levels of a right-to-left paragraph with no left-to-right letters and no
/// explicit controls (most Arabic and Hebrew prose), without the general
/// machinery: after the weak rules W1–W6, numbers (EN, AN) take level 2 and
/// everything else level 1, because every neutral then sits between
/// right-to-left strong types or numbers, which N0–N1 treat alike, and the
/// paragraph edges (sos, eos) are right to left.
fn right_to_left_levels(classes: &[BidiClass], levels: &mut Vec<u8>) {
    use BidiClass::*;
    let mut t = classes.to_vec();
    // W1 (NSM takes the previous type), W2 (EN after AL is AN), W3 (AL is R).
    let mut prev = R;
    let mut after_al = false;
    for class in t.iter_mut() {
        if *class == NSM {
            *class = prev;
        }
        match *class {
            R => after_al = false,
            AL => after_al = true,
            EN if after_al => *class = AN,
            _ => {}
        }
        prev = *class;
        if *class == AL {
            *class = R;
        }
    }
    weak_numbers(&mut t);
    // W6 makes the remaining separators neutral; N0–N2 resolve every
    // neutral to R; I2 raises numbers at this odd level.
    levels.extend(t.iter().map(|&c| if matches!(c, EN | AN) { 2 } else { 1 }));
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

/// For a terminal that lays out every row itself with UAX #9 and a
/// left-to-right base (QTerminal): the order in which to send a row of
/// cells so that it shows as `shown`, leftmost first (one character per
/// cell: a cell's first one gives its bidi class).
///
/// Returns the index into `shown` of the cell to send at each position,
/// and, per position, whether the terminal will put that cell at an odd
/// level (where a terminal that mirrors, mirrors). It is the reordering the
/// terminal would apply to `shown` (L1–L2, left-to-right base): applied
/// once more, by the terminal, it gives `shown` back whenever the levels it
/// resolves for the sent row are those of `shown`, which holds for nearly
/// every line of text (a number or a mark at the very edge of a
/// right-to-left run can resolve otherwise).
pub fn ltr_row_order(shown: &[char]) -> (Vec<u32>, Vec<bool>) {
    let text: String = shown.iter().collect();
    let levels = resolve(&text, BaseDirection::Ltr, Direction::Ltr);
    let mut line_levels = levels.levels.clone();
    apply_l1(&levels.classes, &mut line_levels, levels.paragraph_level);
    let mut order = Vec::with_capacity(shown.len());
    visual_order(&line_levels, &mut order);
    let odd = order
        .iter()
        .map(|&i| line_levels[i as usize] % 2 == 1)
        .collect();
    (order, odd)
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
        for c in [
            'a', 'ا', 'א', '1', '١', ' ', '(', '\u{202B}', '\u{0651}', '😀',
        ] {
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
        assert_eq!(
            first_strong("\u{2067}abc\u{2069} سلام"),
            Some(Direction::Rtl)
        );
        let info = resolve("123", BaseDirection::Auto, Direction::Rtl);
        assert_eq!(info.paragraph_level, 1);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn fast_paths_agree_with_unicode_bidi(
            chars in proptest::collection::vec(proptest::sample::select(vec![
                'ا', 'ب', 'ل', 'א', 'ש', 'a', 'Z', '1', '9', '٣', '۴', '+', '-', '$', '%', '#',
                ',', '.', ':', '/', '،', ' ', '\t', '(', ')', '[', ']', '«', '»', '!', '"',
                '\u{064E}', '\u{0651}', '\u{05B8}', '\u{0301}', '°', '\u{00A0}',
            ]), 0..40),
            base in proptest::sample::select(vec![
                BaseDirection::Auto, BaseDirection::Rtl, BaseDirection::Ltr,
            ]),
        ) {
            let text: String = chars.into_iter().collect();
            let ours = resolve(&text, base, Direction::Rtl);
            let level = match base {
                BaseDirection::Ltr => Some(Level::ltr()),
                BaseDirection::Rtl => Some(Level::rtl()),
                BaseDirection::Auto => first_strong(&text).map_or(Some(Level::rtl()), |d| {
                    Some(if d == Direction::Rtl { Level::rtl() } else { Level::ltr() })
                }),
            };
            let theirs = ParagraphBidiInfo::new(&text, level);
            let expected: Vec<u8> =
                text.char_indices().map(|(i, _)| theirs.levels[i].number()).collect();
            proptest::prop_assert_eq!(ours.levels, expected, "{:?}", text);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// Mixed prose with nested brackets, numbers and marks: the single
        /// run path, in both directions.
        #[test]
        fn one_run_path_agrees_with_unicode_bidi(
            chars in proptest::collection::vec(proptest::sample::select(vec![
                'ا', 'ب', 'א', 'a', 'b', '1', '٣', '۴', '+', '-', '$', ',', '.', '/', ' ',
                '\t', '(', ')', '[', ']', '{', '}', '(', ')', '!', '«', '\u{064E}',
                '\u{0301}',
            ]), 0..120),
            rtl in proptest::bool::ANY,
        ) {
            let text: String = chars.into_iter().collect();
            let (base, level) = if rtl {
                (BaseDirection::Rtl, Level::rtl())
            } else {
                (BaseDirection::Ltr, Level::ltr())
            };
            let ours = resolve(&text, base, Direction::Ltr);
            let theirs = ParagraphBidiInfo::new(&text, Some(level));
            let expected: Vec<u8> =
                text.char_indices().map(|(i, _)| theirs.levels[i].number()).collect();
            proptest::prop_assert_eq!(ours.levels, expected, "{:?}", text);
        }
    }

    #[test]
    fn class_table_follows_the_enum_order() {
        for (i, class) in CLASSES.iter().enumerate() {
            assert_eq!(*class as usize, i);
        }
    }

    #[test]
    fn proxy_and_direct_resolution_agree() {
        // « » are not paired brackets; 〈 〉 are, and force the direct path.
        for text in [
            "أ (ب) «ج» 12-3 abc [d]",
            "أ 〈ب〉 c",
            "abc \u{2067}دو\u{2069} (x)",
            "abc \u{2068}دو\u{2069} \u{202B}x\u{202C}",
        ] {
            let ours = resolve(text, BaseDirection::Auto, Direction::Ltr);
            let theirs = ParagraphBidiInfo::new(text, None);
            let expected: Vec<u8> = text
                .char_indices()
                .map(|(i, _)| theirs.levels[i].number())
                .collect();
            assert_eq!(ours.levels, expected, "{text}");
        }
    }
}

#[cfg(test)]
mod row_order_tests {
    use super::*;

    /// What a terminal that reorders each row (left-to-right base) shows
    /// for `sent`.
    fn shown_by_terminal(sent: &[char]) -> Vec<char> {
        let (order, _) = ltr_row_order(sent);
        order.iter().map(|&i| sent[i as usize]).collect()
    }

    #[test]
    fn a_row_sent_in_the_terminals_own_order_shows_as_laid_out() {
        for line in [
            // Visual order as qari lays it out: Latin and digits left to
            // right inside right-to-left text, padding on the left.
            "     qari 123 ﻻ ﻢﻜﻴﻠﻋ ﻡﻼﺴﻟﺍ",
            "ﻦﻴﻤﻟﺎﻌﻟﺍ ﺏﺭ ﻪﻠﻟ ﺪﻤﺤﻟﺍ -",
            ".ﻡﻼﻇ ﻞﻬﺠﻟﺍﻭ «ﺭﻮﻧ ﻢﻠﻌﻟﺍ» :ﺮﻋﺎﺸﻟﺍ ﻝﺎﻗ",
            "000_10fc015.txt            ﻲﻟﻭﺪﻟﺍ ﻥﻭﺎﻌﺘﻟﺍ",
            " 0% ¶ 1/7 …ﻲﻓ ﺔﻴﺗﺎﻴﺣ ﻮﻫ  j move · Enter open",
            "plain left-to-right text",
            "",
        ] {
            let shown: Vec<char> = line.chars().collect();
            let (order, _) = ltr_row_order(&shown);
            let sent: Vec<char> = order.iter().map(|&i| shown[i as usize]).collect();
            assert_eq!(
                shown_by_terminal(&sent).iter().collect::<String>(),
                line,
                "sent {:?}",
                sent.iter().collect::<String>()
            );
        }
    }

    #[test]
    fn a_number_between_two_panes_can_defeat_it() {
        // A file name's digits after right-to-left text across the pane
        // border resolve differently once the row is reordered: why rows
        // sent this way hold one pane only.
        let line = "ﻝﺎﻗ │ 000_10fc015  ﻲﻟﻭﺪﻟﺍ";
        let shown: Vec<char> = line.chars().collect();
        let (order, _) = ltr_row_order(&shown);
        let sent: Vec<char> = order.iter().map(|&i| shown[i as usize]).collect();
        assert_ne!(shown_by_terminal(&sent).iter().collect::<String>(), line);
    }

    #[test]
    fn odd_levels_are_reported_where_the_terminal_mirrors() {
        let shown: Vec<char> = "ab (ﺍﺏ) cd".chars().collect();
        let (order, odd) = ltr_row_order(&shown);
        let sent: String = order.iter().map(|&i| shown[i as usize]).collect();
        assert_eq!(sent, "ab (ﺏﺍ) cd");
        assert_eq!(
            odd,
            [
                false, false, false, false, true, true, false, false, false, false
            ]
        );
    }
}
