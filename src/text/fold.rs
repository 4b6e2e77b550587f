//! Search folding: the one function every match in qari goes through.
//!
//! Query and text are compared folded, so that a reader typing on any
//! keyboard, with or without hamza and harakat, finds the words:
//! - harakat and other Arabic marks (U+0610–061A, U+064B–065F, U+0670,
//!   U+06D6–06ED) and tatweel are dropped, and so are Hebrew points and
//!   cantillation marks (U+0591–05C7, except maqaf and sof pasuq);
//! - أ إ آ ٱ fold to ا; ى and ئ to ي; ة to ه; ؤ to و;
//! - the Persian and Urdu letters ی ک ہ ھ fold to ي ك ه ه;
//! - Arabic-Indic and Extended Arabic-Indic digits fold to ASCII digits;
//! - Arabic presentation forms (already-shaped text) fold to their letters,
//!   and then as above; lam-alef ligatures to lam and alef;
//! - Latin (and any cased script) folds to lower case.
//!
//! Folding keeps a map from each folded character back to the original
//! byte range, so a match found in folded text is highlighted on the
//! original characters.

use std::ops::Range;

use super::tables::{ARABIC_FORMS, LAM_ALEF};

/// Folded text with a map back to the original.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Folded {
    /// The folded text.
    pub text: String,
    /// For each character of `text`, the byte range of the original
    /// character it came from.
    pub source: Vec<Range<u32>>,
}

impl Folded {
    /// The original byte range covered by folded characters `chars`
    /// (character indices into `text`).
    pub fn original(&self, chars: Range<usize>) -> Range<usize> {
        if chars.is_empty() || chars.start >= self.source.len() {
            return 0..0;
        }
        let end = chars.end.min(self.source.len());
        self.source[chars.start].start as usize..self.source[end - 1].end as usize
    }
}

/// Whether a character is dropped by folding.
fn dropped(c: char) -> bool {
    matches!(c,
        '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{06D6}'..='\u{06ED}'
        | '\u{0640}'
        | '\u{0591}'..='\u{05BD}'
        | '\u{05BF}'
        | '\u{05C1}'..='\u{05C2}'
        | '\u{05C4}'..='\u{05C5}'
        | '\u{05C7}'
        // Joiners and bidi marks carry no letters.
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{061C}'
        | '\u{FEFF}')
}

/// The letter an Arabic presentation form shows, if `c` is one.
fn unshaped(c: char) -> Option<char> {
    let cp = c as u32;
    if !(0xFB50..=0xFEFC).contains(&cp) {
        return None;
    }
    ARABIC_FORMS.iter().enumerate().find_map(|(i, forms)| {
        forms
            .iter()
            .any(|&f| u32::from(f) == cp)
            .then(|| char::from_u32(0x0600 + i as u32))
            .flatten()
    })
}

/// Folds one letter (after presentation forms are undone).
fn fold_letter(c: char) -> char {
    match c {
        'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
        'ى' | 'ئ' | 'ی' | 'ې' | 'ۍ' => 'ي',
        'ة' | 'ہ' | 'ھ' | 'ۀ' | 'ە' => 'ه',
        'ؤ' => 'و',
        'ک' => 'ك',
        '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
        '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
        _ => c,
    }
}

/// Folds `text` for matching, keeping the map back to it.
pub fn fold(text: &str) -> Folded {
    let mut out = Folded {
        text: String::with_capacity(text.len()),
        source: Vec::with_capacity(text.len()),
    };
    fold_with(text, &mut out.text, |range| out.source.push(range));
    out
}

/// Appends the folded `text` to `out`, without a map (for indexes).
pub fn fold_into(text: &str, out: &mut String) {
    fold_with(text, out, |_| {});
}

/// Folds a query: the same folding, without the map.
pub fn fold_query(query: &str) -> String {
    let mut out = String::with_capacity(query.len());
    fold_into(query, &mut out);
    out
}

/// The folding itself: appends to `out`, and calls `source` with the
/// original byte range of each character appended.
fn fold_with(text: &str, out: &mut String, mut source: impl FnMut(Range<u32>)) {
    for (i, c) in text.char_indices() {
        let range = i as u32..(i + c.len_utf8()) as u32;
        let mut push = |c: char| {
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
                source(range.clone());
            } else if ('\u{0590}'..='\u{08FF}').contains(&c) {
                // Hebrew and Arabic have no case.
                if !dropped(c) {
                    out.push(fold_letter(c));
                    source(range.clone());
                }
            } else if !dropped(c) {
                for lower in fold_letter(c).to_lowercase() {
                    out.push(lower);
                    source(range.clone());
                }
            }
        };
        if c.is_ascii() {
            push(c);
        } else if let Some(&(alef, _, _)) = ('\u{FEF5}'..='\u{FEFC}')
            .contains(&c)
            .then(|| LAM_ALEF.iter().find(|&&(_, iso, fin)| iso == c || fin == c))
            .flatten()
        {
            push('ل');
            push(alef);
        } else {
            push(unshaped(c).unwrap_or(c));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule() {
        assert_eq!(fold_query("الأمن"), "الامن");
        assert_eq!(fold_query("إِسْلَام"), "اسلام");
        assert_eq!(fold_query("آخر ٱلكتاب"), "اخر الكتاب");
        assert_eq!(fold_query("مستشفى"), "مستشفي");
        assert_eq!(fold_query("مدرسة"), "مدرسه");
        assert_eq!(fold_query("مؤتمر"), "موتمر");
        assert_eq!(fold_query("رئيس"), "رييس");
        assert_eq!(fold_query("کتاب یک"), "كتاب يك");
        assert_eq!(fold_query("گروہ"), "گروه");
        assert_eq!(fold_query("٢٠١٨ و۱۹۴۸"), "2018 و1948");
        assert_eq!(fold_query("شَرِكَة"), "شركه");
        assert_eq!(fold_query("جـــميل"), "جميل");
        assert_eq!(fold_query("שָׁלוֹם"), "שלום");
        assert_eq!(fold_query("PARIS21 Sesric"), "paris21 sesric");
    }

    #[test]
    fn presentation_forms_fold_to_letters() {
        // "سلام" as shaped text: seen initial, lam-alef final, meem isolated.
        assert_eq!(fold_query("\u{FEB3}\u{FEFC}\u{FEE1}"), "سلام");
    }

    #[test]
    fn map_points_at_the_original_characters() {
        let text = "الأَمن";
        let folded = fold(text);
        assert_eq!(folded.text, "الامن");
        // The folded "ا" at index 2 is the original "أ" (bytes 4..6); the
        // fatha after it is dropped, so "م" maps to bytes 8..10.
        assert_eq!(folded.original(2..3), 4..6);
        assert_eq!(folded.original(3..4), 8..10);
        assert_eq!(&text[folded.original(0..5)], text);
    }
}
