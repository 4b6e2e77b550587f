//! Keys typed on an Arabic, Persian or Hebrew keyboard layout. Outside the
//! bars, a letter of those layouts means the Latin key it sits on (ت is
//! `j` on the Arabic layout, ח on the Hebrew one), so qari's keys work
//! without switching layouts.
//!
//! The tables follow the layouts as X11 (xkeyboard-config) and Windows
//! have them: Arabic (101), Persian (ISIRI 9147, "Persian (Standard)") and
//! Hebrew (SI-1452), base and Shift levels. Only characters outside ASCII
//! are read this way: an ASCII character is what it is, whatever key typed
//! it (Shift-m on the Arabic layout types `'`, which is `'`). On the Hebrew
//! layout Shift types Latin capitals already.
//!
//! Arabic and Persian put a few letters on different keys (ظ is `/` on
//! the Arabic layout and `z` on the Persian one; also ط ز ذ د and some
//! Shift letters). Those follow the layout last recognised: a letter that
//! only one of the two has (ی ک گ پ چ ژ for Persian, ي ك ى and the lam-alef
//! keys for Arabic), typed anywhere, bars included, says which; until then,
//! the Arabic one.

/// Which of the two layouts that disagree on some letters' keys is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Keyboard {
    /// Arabic (101).
    #[default]
    Arabic,
    /// Persian (ISIRI 9147).
    Persian,
}

/// Arabic (101): each character and the Latin key it is typed with.
#[rustfmt::skip]
const ARABIC: &[(char, char)] = &[
    // Base level.
    ('ذ', '`'), ('ض', 'q'), ('ص', 'w'), ('ث', 'e'), ('ق', 'r'), ('ف', 't'),
    ('غ', 'y'), ('ع', 'u'), ('ه', 'i'), ('خ', 'o'), ('ح', 'p'), ('ج', '['),
    ('د', ']'), ('ش', 'a'), ('س', 's'), ('ي', 'd'), ('ب', 'f'), ('ل', 'g'),
    ('ا', 'h'), ('ت', 'j'), ('ن', 'k'), ('م', 'l'), ('ك', ';'), ('ط', '\''),
    ('ئ', 'z'), ('ء', 'x'), ('ؤ', 'c'), ('ر', 'v'), ('\u{FEFB}', 'b'), ('ى', 'n'),
    ('ة', 'm'), ('و', ','), ('ز', '.'), ('ظ', '/'),
    // Shift.
    ('\u{0651}', '~'), ('\u{064E}', 'Q'), ('\u{064B}', 'W'), ('\u{064F}', 'E'),
    ('\u{064C}', 'R'), ('\u{FEF9}', 'T'), ('إ', 'Y'), ('÷', 'I'), ('×', 'O'),
    ('؛', 'P'), ('\u{0650}', 'A'), ('\u{064D}', 'S'), ('\u{FEF7}', 'G'), ('أ', 'H'),
    ('ـ', 'J'), ('،', 'K'), ('\u{0652}', 'X'), ('\u{FEF5}', 'B'), ('آ', 'N'),
    ('؟', '?'),
];

/// Persian (ISIRI 9147): each character and the Latin key it is typed with.
#[rustfmt::skip]
const PERSIAN: &[(char, char)] = &[
    // Base level.
    ('ض', 'q'), ('ص', 'w'), ('ث', 'e'), ('ق', 'r'), ('ف', 't'), ('غ', 'y'),
    ('ع', 'u'), ('ه', 'i'), ('خ', 'o'), ('ح', 'p'), ('ج', '['), ('چ', ']'),
    ('ش', 'a'), ('س', 's'), ('ی', 'd'), ('ب', 'f'), ('ل', 'g'), ('ا', 'h'),
    ('ت', 'j'), ('ن', 'k'), ('م', 'l'), ('ک', ';'), ('گ', '\''), ('ظ', 'z'),
    ('ط', 'x'), ('ز', 'c'), ('ر', 'v'), ('ذ', 'b'), ('د', 'n'), ('پ', 'm'),
    ('و', ','),
    // Shift.
    ('\u{0652}', 'Q'), ('\u{064C}', 'W'), ('\u{064D}', 'E'), ('\u{064B}', 'R'),
    ('\u{064F}', 'T'), ('\u{0650}', 'Y'), ('\u{064E}', 'U'), ('\u{0651}', 'I'),
    ('ؤ', 'A'), ('ئ', 'S'), ('ي', 'D'), ('إ', 'F'), ('أ', 'G'), ('آ', 'H'),
    ('ة', 'J'), ('»', 'K'), ('«', 'L'), ('؛', '"'), ('ك', 'Z'), ('\u{0653}', 'X'),
    ('ژ', 'C'), ('\u{0670}', 'V'), ('\u{0654}', 'N'), ('ء', 'M'), ('؟', '?'),
];

/// Hebrew (SI-1452), base level (Shift types Latin capitals).
#[rustfmt::skip]
const HEBREW: &[(char, char)] = &[
    ('ק', 'e'), ('ר', 'r'), ('א', 't'), ('ט', 'y'), ('ו', 'u'), ('ן', 'i'),
    ('ם', 'o'), ('פ', 'p'), ('ש', 'a'), ('ד', 's'), ('ג', 'd'), ('כ', 'f'),
    ('ע', 'g'), ('י', 'h'), ('ח', 'j'), ('ל', 'k'), ('ך', 'l'), ('ף', ';'),
    ('ז', 'z'), ('ס', 'x'), ('ב', 'c'), ('ה', 'v'), ('נ', 'b'), ('מ', 'n'),
    ('צ', 'm'), ('ת', ','), ('ץ', '.'),
];

/// Letters only the Persian layout types (Persian yeh, keheh, gaf, peh,
/// tcheh, jeh): typed, they say the keyboard is Persian.
const PERSIAN_ONLY: &[char] = &['ی', 'ک', 'گ', 'پ', 'چ', 'ژ'];

/// Letters only the Arabic layout types at its base level or as lam-alef
/// (Arabic yeh, kaf, alef maksura: Persian writes ی and ک): typed, they
/// say the keyboard is Arabic.
const ARABIC_ONLY: &[char] = &[
    'ي', 'ك', 'ى', '\u{FEFB}', '\u{FEF9}', '\u{FEF7}', '\u{FEF5}',
];

fn find(table: &[(char, char)], c: char) -> Option<char> {
    table
        .iter()
        .find(|&&(typed, _)| typed == c)
        .map(|&(_, latin)| latin)
}

impl Keyboard {
    /// The Latin key `c` is typed with on these layouts, or `None` for an
    /// ASCII character or one no table has. The layout last recognised
    /// decides where Arabic and Persian disagree.
    pub fn latin(self, c: char) -> Option<char> {
        if c.is_ascii() {
            return None;
        }
        let (first, second) = match self {
            Keyboard::Arabic => (ARABIC, PERSIAN),
            Keyboard::Persian => (PERSIAN, ARABIC),
        };
        [first, second, HEBREW]
            .iter()
            .find_map(|table| find(table, c))
    }

    /// The layout a typed character shows the person is using: a letter
    /// only one of them has names it, anything else keeps this one.
    pub fn after(self, c: char) -> Keyboard {
        if PERSIAN_ONLY.contains(&c) {
            Keyboard::Persian
        } else if ARABIC_ONLY.contains(&c) {
            Keyboard::Arabic
        } else {
            self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_letters_are_the_keys_they_sit_on() {
        let k = Keyboard::Arabic;
        for (typed, latin) in [
            ('ت', 'j'),
            ('ن', 'k'),
            ('ل', 'g'),
            ('\u{FEF7}', 'G'),
            ('ا', 'h'),
            ('م', 'l'),
            ('ض', 'q'),
            ('ب', 'f'),
            ('\u{FEFB}', 'b'),
            ('ى', 'n'),
            ('آ', 'N'),
            ('ة', 'm'),
            ('ق', 'r'),
            ('ء', 'x'),
            ('ظ', '/'),
            ('؟', '?'),
            ('د', ']'),
            ('ج', '['),
            ('ط', '\''),
        ] {
            assert_eq!(k.latin(typed), Some(latin), "{typed}");
        }
    }

    #[test]
    fn persian_and_hebrew_letters_too() {
        let k = Keyboard::Persian;
        for (typed, latin) in [
            ('ت', 'j'),
            ('ی', 'd'),
            ('پ', 'm'),
            ('د', 'n'),
            ('ذ', 'b'),
            ('ظ', 'z'),
            ('أ', 'G'),
        ] {
            assert_eq!(k.latin(typed), Some(latin), "{typed}");
        }
        for (typed, latin) in [
            ('ח', 'j'),
            ('ל', 'k'),
            ('ע', 'g'),
            ('י', 'h'),
            ('ך', 'l'),
            ('ק', 'e'),
            ('ר', 'r'),
            ('נ', 'b'),
            ('מ', 'n'),
            ('צ', 'm'),
            ('ס', 'x'),
            ('ז', 'z'),
        ] {
            assert_eq!(Keyboard::Arabic.latin(typed), Some(latin), "{typed}");
            assert_eq!(Keyboard::Persian.latin(typed), Some(latin), "{typed}");
        }
    }

    #[test]
    fn ascii_and_unknown_characters_are_themselves() {
        for c in ['j', '/', '\'', 'G', ' ', 'é', '中', '١'] {
            assert_eq!(Keyboard::Arabic.latin(c), None, "{c}");
        }
    }

    #[test]
    fn where_arabic_and_persian_disagree_the_last_recognised_layout_decides() {
        let mut k = Keyboard::default();
        assert_eq!(k.latin('د'), Some(']'));
        k = k.after('ت');
        assert_eq!(k, Keyboard::Arabic, "a letter both have says nothing");
        k = k.after('ی');
        assert_eq!(k, Keyboard::Persian);
        assert_eq!(k.latin('د'), Some('n'));
        assert_eq!(k.latin('ي'), Some('D'));
        k = k.after('ى');
        assert_eq!(k, Keyboard::Arabic);
        assert_eq!(k.latin('ي'), Some('d'));
    }

    #[test]
    fn each_table_types_a_character_with_one_key_and_each_key_types_one() {
        for table in [ARABIC, PERSIAN, HEBREW] {
            for (i, &(typed, latin)) in table.iter().enumerate() {
                assert!(!typed.is_ascii() && latin.is_ascii(), "{typed} {latin}");
                for &(other, other_latin) in &table[i + 1..] {
                    assert_ne!(typed, other, "{typed} twice");
                    assert_ne!(latin, other_latin, "{latin} twice");
                }
            }
        }
        for c in PERSIAN_ONLY {
            assert!(find(PERSIAN, *c).is_some() && find(ARABIC, *c).is_none());
        }
        for c in ARABIC_ONLY {
            assert!(find(ARABIC, *c).is_some());
            assert!(!"یکگپچژ".contains(*c));
        }
    }
}
