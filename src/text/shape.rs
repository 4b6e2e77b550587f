//! Arabic shaping and bidi mirroring, for terminals that do neither.
//!
//! Shaping works in logical order (before reordering). Each letter's joining
//! type comes from Unicode's ArabicShaping data: transparent characters
//! (harakat, other marks, format characters) are skipped when looking for a
//! neighbour, join-causing characters (tatweel, ZWJ) join on both sides, and
//! non-joining ones (ZWNJ, spaces, Latin) break the join. A letter's form
//! (isolated, final, initial, medial) is then mapped to Arabic Presentation
//! Forms-A/B when the letter has that form; letters without presentation
//! forms are printed as they are but still join their neighbours. Lam
//! directly followed by alef, alef with madda, or alef with hamza above or
//! below becomes one of the mandatory lam-alef ligatures, also when harakat
//! stand between them (لَا is common in vocalised text): the marks then
//! follow the ligature. Characters at different embedding levels never join.

use super::tables::{ARABIC_FORMS, JOINING, LAM_ALEF, MIRRORS};

/// Joining type (Unicode ArabicShaping.txt).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Joining {
    /// Non-joining.
    U,
    /// Transparent: skipped when looking for the neighbour to join.
    T,
    /// Join-causing: joins on both sides but has no forms (tatweel, ZWJ).
    C,
    /// Left-joining: joins only the following letter.
    L,
    /// Right-joining: joins only the preceding letter.
    R,
    /// Dual-joining.
    D,
}

impl Joining {
    const fn from_code(code: u8) -> Joining {
        match code {
            1 => Joining::T,
            2 => Joining::C,
            3 => Joining::L,
            4 => Joining::R,
            5 => Joining::D,
            _ => Joining::U,
        }
    }

    /// Whether a letter of this type connects to the letter after it.
    fn joins_following(self) -> bool {
        matches!(self, Joining::D | Joining::L | Joining::C)
    }

    /// Whether a letter of this type connects to the letter before it.
    fn joins_preceding(self) -> bool {
        matches!(self, Joining::D | Joining::R | Joining::C)
    }
}

const fn lookup_joining(cp: u32) -> Joining {
    // Binary search over the ranges (a const fn, so no slice helpers).
    let (mut lo, mut hi) = (0, JOINING.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        let (start, end, code) = JOINING[mid];
        if end < cp {
            lo = mid + 1;
        } else if start > cp {
            hi = mid;
        } else {
            return Joining::from_code(code);
        }
    }
    Joining::U
}

/// Joining types of U+0600..U+08FF, one load each (computed at compile time).
const FAST_START: u32 = 0x0600;
const FAST_LEN: usize = 0x300;
static FAST: [Joining; FAST_LEN] = {
    let mut table = [Joining::U; FAST_LEN];
    let mut i = 0;
    while i < FAST_LEN {
        table[i] = lookup_joining(FAST_START + i as u32);
        i += 1;
    }
    table
};

/// The joining type of a character.
#[inline]
pub fn joining_type(c: char) -> Joining {
    let cp = c as u32;
    // Nothing below U+00AD (SOFT HYPHEN, Cf) is transparent or joining.
    if cp < 0xAD {
        return Joining::U;
    }
    match FAST.get(cp.wrapping_sub(FAST_START) as usize) {
        Some(&joining) => joining,
        None => lookup_joining(cp),
    }
}

/// Whether a paragraph has any character that shaping could change.
pub fn needs_shaping(text: &str) -> bool {
    // UTF-8 lead bytes 0xD8..=0xDB encode U+0600..U+06FF, the only letters
    // with presentation forms.
    text.as_bytes().iter().any(|b| (0xD8..=0xDB).contains(b))
}

/// Whether a character is an Arabic mark hidden by the "no harakat" option.
pub fn is_harakah(c: char) -> bool {
    matches!(c,
        '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{06D6}'..='\u{06DC}'
        | '\u{06DF}'..='\u{06E4}'
        | '\u{06E7}'..='\u{06E8}'
        | '\u{06EA}'..='\u{06ED}'
        | '\u{08CA}'..='\u{08E1}'
        | '\u{08E3}'..='\u{08FF}')
}

/// Whether a character is a vowel mark hidden by the "no harakat" option:
/// an Arabic mark, or a Hebrew point or cantillation mark (Hebrew
/// punctuation in the same block, such as maqaf and sof pasuq, stays).
pub fn is_vowel_mark(c: char) -> bool {
    is_harakah(c)
        || matches!(c,
            '\u{0591}'..='\u{05BD}'
            | '\u{05BF}'
            | '\u{05C1}'..='\u{05C2}'
            | '\u{05C4}'..='\u{05C5}'
            | '\u{05C7}')
}

/// The presentation form of `c` (0 isolated, 1 final, 2 initial, 3 medial).
fn form(c: char, slot: usize) -> char {
    let cp = c as u32;
    if !(0x0600..0x0700).contains(&cp) {
        return c;
    }
    match ARABIC_FORMS[(cp - 0x0600) as usize][slot] {
        0 => c,
        f => char::from_u32(u32::from(f)).unwrap_or(c),
    }
}

fn lam_alef(alef: char, joins_preceding: bool) -> Option<char> {
    LAM_ALEF
        .iter()
        .find(|&&(a, _, _)| a == alef)
        .map(|&(_, isolated, fin)| if joins_preceding { fin } else { isolated })
}

const ZWNJ: char = '\u{200C}';
const ZWJ: char = '\u{200D}';

/// The letter waiting for its following neighbour to decide its form.
#[derive(Clone, Copy)]
struct Pending {
    /// Index of the letter; [`NO_LETTER`] when none is waiting.
    at: usize,
    c: char,
    level: u8,
    joins_preceding: bool,
    /// Whether its joining type connects to the letter after it (false
    /// when none is waiting, so nothing joins it).
    joins_following: bool,
}

const NO_LETTER: usize = usize::MAX;

impl Pending {
    const NONE: Pending = Pending {
        at: NO_LETTER,
        c: '\0',
        level: 0,
        joins_preceding: false,
        joins_following: false,
    };

    fn finish(&self, joins_following: bool, glyphs: &mut [char]) {
        let slot = match (self.joins_preceding, joins_following) {
            (false, false) => 0,
            (true, false) => 1,
            (false, true) => 2,
            (true, true) => 3,
        };
        if glyphs[self.at] != '\0' {
            glyphs[self.at] = form(self.c, slot);
        }
    }
}

/// Shapes one paragraph in logical order.
///
/// `levels` holds the embedding level of every character of `text`. On
/// return, `glyphs[i]` is what to display for character `i`: a presentation form, a lam-alef ligature (on the lam), `'\0'`
/// for the alef a ligature absorbed and for joiners whose work is done (ZWNJ,
/// ZWJ after a letter), or the character itself.
pub fn shape(chars: &[char], levels: &[u8], glyphs: &mut Vec<char>) {
    glyphs.clear();
    glyphs.extend_from_slice(chars);
    let mut pending = Pending::NONE;
    let mut only_harakat = true;
    for (at, (&c, &level)) in chars.iter().zip(levels).enumerate() {
        let joining = joining_type(c);
        if joining == Joining::T {
            // Harakat between lam and alef do not stop their ligature.
            only_harakat &= is_harakah(c);
            continue;
        }
        let waiting = pending.at != NO_LETTER;
        // ZWNJ, and ZWJ after a joining letter, only steer joining: once the
        // forms are chosen they have nothing left to say to the terminal.
        if c == ZWNJ || (c == ZWJ && waiting) {
            glyphs[at] = '\0';
        }
        let joins = pending.joins_following && pending.level == level && joining.joins_preceding();
        let mut absorbed = false;
        if waiting {
            if joins
                && pending.c == '\u{0644}'
                && only_harakat
                && let Some(lig) = lam_alef(c, pending.joins_preceding)
            {
                glyphs[pending.at] = lig;
                glyphs[at] = '\0';
                absorbed = true;
            }
            if !absorbed {
                pending.finish(joins, glyphs);
            }
        }
        only_harakat = true;
        // An alef is right-joining: nothing after it joins the ligature.
        pending = if absorbed || joining == Joining::U {
            Pending::NONE
        } else {
            Pending {
                at,
                c,
                level,
                joins_preceding: joins,
                joins_following: joining.joins_following(),
            }
        };
    }
    if pending.at != NO_LETTER {
        pending.finish(false, glyphs);
    }
}

/// The mirrored glyph of a character (UAX #9 L4, Bidi_Mirroring_Glyph).
pub fn mirror(c: char) -> Option<char> {
    match c {
        '(' => Some(')'),
        ')' => Some('('),
        '<' => Some('>'),
        '>' => Some('<'),
        '[' => Some(']'),
        ']' => Some('['),
        '{' => Some('}'),
        '}' => Some('{'),
        '«' => Some('»'),
        '»' => Some('«'),
        // Below U+2000 only Tibetan and Ogham brackets mirror.
        c if (c as u32) < 0x2000
            && !matches!(c, '\u{0F3A}'..='\u{0F3D}' | '\u{169B}' | '\u{169C}') =>
        {
            None
        }
        c => MIRRORS
            .binary_search_by_key(&(c as u32), |&(a, _)| a)
            .ok()
            .and_then(|i| char::from_u32(MIRRORS[i].1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shaped(s: &str) -> String {
        let chars: Vec<char> = s.chars().collect();
        let levels = vec![1; chars.len()];
        let mut glyphs = Vec::new();
        shape(&chars, &levels, &mut glyphs);
        glyphs.into_iter().filter(|&g| g != '\0').collect()
    }

    #[test]
    fn contextual_forms() {
        // beh: initial, medial, final; alef then isolated.
        assert_eq!(shaped("ببب"), "\u{FE91}\u{FE92}\u{FE90}");
        assert_eq!(shaped("ب"), "\u{FE8F}");
    }

    #[test]
    fn lam_alef_ligatures() {
        assert_eq!(shaped("لا"), "\u{FEFB}");
        assert_eq!(shaped("سلا"), "\u{FEB3}\u{FEFC}");
        assert_eq!(shaped("لأ"), "\u{FEF7}");
        assert_eq!(shaped("لإ"), "\u{FEF9}");
        assert_eq!(shaped("لآ"), "\u{FEF5}");
    }

    #[test]
    fn lam_alef_ligature_across_harakat() {
        assert_eq!(shaped("لَا"), "\u{FEFB}\u{064E}");
        assert_eq!(shaped("بلَّا"), "\u{FE91}\u{FEFC}\u{064E}\u{0651}");
        // Not across other transparent characters.
        assert_eq!(shaped("ل\u{200B}ا"), "\u{FEDF}\u{200B}\u{FE8E}");
    }

    #[test]
    fn marks_are_transparent_and_kept() {
        // beh + fatha + beh: the fatha does not break the join.
        assert_eq!(shaped("بَب"), "\u{FE91}\u{064E}\u{FE90}");
    }

    #[test]
    fn zwnj_breaks_and_tatweel_joins() {
        assert_eq!(shaped("ب\u{200C}ب"), "\u{FE8F}\u{FE8F}");
        assert_eq!(shaped("ب\u{200D} "), "\u{FE91} ");
        assert_eq!(shaped("بـ"), "\u{FE91}\u{0640}");
    }

    #[test]
    fn letters_without_forms_still_join() {
        // U+0751 (Arabic Supplement, dual-joining, no presentation forms)
        // between two behs: both neighbours take joined forms.
        assert_eq!(shaped("ب\u{0751}ب"), "\u{FE91}\u{0751}\u{FE90}");
    }

    #[test]
    fn persian_and_urdu_letters_have_forms() {
        // Farsi yeh medial, keheh initial, heh goal final.
        assert_eq!(shaped("کیہ"), "\u{FB90}\u{FBFF}\u{FBA7}");
    }

    #[test]
    fn different_levels_do_not_join() {
        let mut glyphs = Vec::new();
        shape(&['ب', 'ب'], &[1, 3], &mut glyphs);
        assert_eq!(glyphs, ['\u{FE8F}', '\u{FE8F}']);
    }

    #[test]
    fn mirror_fast_path_agrees_with_the_table() {
        for c in (0..0x2000u32).filter_map(char::from_u32) {
            let table = MIRRORS
                .binary_search_by_key(&(c as u32), |&(a, _)| a)
                .ok()
                .and_then(|i| char::from_u32(MIRRORS[i].1));
            assert_eq!(mirror(c), table, "{c:?}");
        }
    }

    #[test]
    fn mirrors() {
        assert_eq!(mirror('('), Some(')'));
        assert_eq!(mirror('«'), Some('»'));
        assert_eq!(mirror('a'), None);
    }
}
