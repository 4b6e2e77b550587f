//! Shortening one line of text to a width, cut where a reader expects it:
//! after a whole word, before a path's folders, in the middle of a file
//! name's stem (its extension is kept), with `…` wherever something was
//! left out. Whole items (status-bar hints) are dropped rather than cut.
//!
//! Widths are the ones the line is painted with: ratatui's per grapheme
//! ([`super::width`]), with a control counted as the one-cell symbol
//! [`super::sanitize`] shows in its place.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use super::sanitize::replacement;
use super::width::{char_width, cluster_width};

/// What stands for the text left out.
pub const ELLIPSIS: &str = "…";

/// A string shortened to fit a width: the pieces of the original kept, in
/// order, with [`ELLIPSIS`] wherever something was left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Elided {
    /// What shows.
    pub text: String,
    /// Each kept piece: its bytes in the original, and where it starts in
    /// `text`.
    pieces: Vec<(Range<usize>, usize)>,
}

impl Elided {
    /// The whole of `s`.
    fn whole(s: &str) -> Elided {
        Elided {
            text: s.to_string(),
            pieces: vec![(0..s.len(), 0)],
        }
    }

    /// The `kept` pieces of `s` (in order, not overlapping), with an
    /// ellipsis at each gap: before the first, between two, after the last.
    /// Bytes before `from` are left out without one.
    fn keep(s: &str, from: usize, kept: impl IntoIterator<Item = Range<usize>>) -> Elided {
        let mut text = String::new();
        let mut pieces = Vec::new();
        let mut end = from;
        for range in kept.into_iter().filter(|r| !r.is_empty()) {
            if range.start > end {
                text.push_str(ELLIPSIS);
            }
            let at = text.len();
            text.push_str(&s[range.clone()]);
            end = range.end;
            pieces.push((range, at));
        }
        if end < s.len() {
            text.push_str(ELLIPSIS);
        }
        Elided { text, pieces }
    }

    /// Where the original's bytes `range` show in [`Elided::text`]: one
    /// range per kept piece they touch (none when they were left out).
    pub fn shown(&self, range: &Range<usize>) -> impl Iterator<Item = Range<usize>> + '_ {
        let range = range.clone();
        self.pieces.iter().filter_map(move |(piece, at)| {
            let start = range.start.max(piece.start);
            let end = range.end.min(piece.end);
            (start < end).then(|| at + start - piece.start..at + end - piece.start)
        })
    }
}

/// Cells a grapheme cluster takes once painted (a control shows as its
/// one-cell stand-in).
fn cells(g: &str) -> usize {
    let mut chars = g.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => replacement(c).map_or_else(|| char_width(c), char_width),
        _ => cluster_width(g),
    }
}

/// Cells `s` takes once painted.
pub fn width(s: &str) -> usize {
    s.graphemes(true).map(cells).sum()
}

/// The longest start of `s` (a byte length at a grapheme boundary) that
/// fits in `room` cells.
fn head(s: &str, room: usize) -> usize {
    let mut used = 0;
    for (at, g) in s.grapheme_indices(true) {
        used += cells(g);
        if used > room {
            return at;
        }
    }
    s.len()
}

/// The longest end of `s` (the byte where it starts, at a grapheme
/// boundary) that fits in `room` cells.
fn tail(s: &str, room: usize) -> usize {
    let mut used = 0;
    for (at, g) in s.grapheme_indices(true).rev() {
        used += cells(g);
        if used > room {
            return at + g.len();
        }
    }
    0
}

/// `s` in at most `width` cells: whole when it fits (trailing whitespace
/// aside), else its first whole words and `…`. Only a first word too long
/// by itself is cut inside, between grapheme clusters.
pub fn words(s: &str, width: usize) -> Elided {
    if self::width(s) <= width {
        return Elided::whole(s);
    }
    if width == 0 {
        return Elided::default();
    }
    if s[..head(s, width)].len() >= s.trim_end().len() {
        // Only whitespace is left out: nothing to mark.
        return Elided::whole(s.trim_end());
    }
    let room = width.saturating_sub(1);
    let fits = head(s, room);
    // The last break before what fits: the end of a word followed by
    // whitespace (or the whole fitting part when a word ends right there).
    let at_word = if s[fits..].starts_with(char::is_whitespace) {
        Some(fits)
    } else {
        s[..fits]
            .char_indices()
            .rev()
            .find(|&(_, c)| c.is_whitespace())
            .map(|(i, _)| i)
    };
    let end = at_word
        .map(|i| s[..i].trim_end().len())
        .filter(|&i| i > 0)
        .unwrap_or(fits);
    Elided::keep(s, 0, Some(0..end))
}

/// Where a file name's extension starts (its last dot), if it has one: up
/// to [`EXTENSION_MAX`] letters or digits after a dot that does not start
/// the name (`.profile` has none, nor has `draft v1.2 final`).
fn extension(name: &str) -> Option<usize> {
    let dot = name.rfind('.').filter(|&dot| dot > 0)?;
    let after = &name[dot + 1..];
    let letters = after.chars().count();
    ((1..=EXTENSION_MAX).contains(&letters) && after.chars().all(char::is_alphanumeric))
        .then_some(dot)
}

/// The longest extension kept whole, in characters (`markdown`).
const EXTENSION_MAX: usize = 10;

/// A path (folders separated by `/`) in at most `width` cells: whole when
/// it fits; else without its first folders (`…/part/name.txt`, down to
/// `…/name.txt`, then the bare `name.txt`); and when the file name alone is
/// too wide, the name with the middle of its stem left out (`udhr_…_1.txt`),
/// its extension kept whole. Only when not even `…` and the extension fit
/// is the name's end cut instead.
pub fn path(s: &str, width: usize) -> Elided {
    if self::width(s) <= width {
        return Elided::whole(s);
    }
    if width == 0 {
        return Elided::default();
    }
    let name_start = s.rfind('/').map_or(0, |slash| slash + 1);
    // Leading folders dropped one at a time, the slash before the rest kept.
    for (slash, _) in s[..name_start].match_indices('/') {
        // `…` and the rest.
        if self::width(&s[slash..]) < width {
            return Elided::keep(s, 0, Some(slash..s.len()));
        }
    }
    let name = &s[name_start..];
    if self::width(name) <= width {
        return Elided::keep(s, name_start, Some(name_start..s.len()));
    }
    let stem_end = extension(name).map_or(s.len(), |dot| name_start + dot);
    let room = width
        .saturating_sub(self::width(&s[stem_end..]))
        .saturating_sub(1);
    if room == 0 {
        // Not even one cell of the stem: the end is what goes.
        let end = name_start + head(name, width.saturating_sub(1));
        return Elided::keep(s, name_start, Some(name_start..end));
    }
    // The stem's start names it and its end tells it from its neighbours
    // (`chapter01`, `chapter02`): both are kept, the start given the odd cell.
    let stem = &s[name_start..stem_end];
    let front = name_start + head(stem, room.div_ceil(2));
    let used = self::width(&s[name_start..front]);
    let back = name_start + tail(stem, room - used);
    Elided::keep(s, name_start, [name_start..front, back.max(front)..s.len()])
}

/// Whether `a` and `b` look the same in `width` cells: equal, or both cut
/// (to `width - 1` cells and `…`) within what they share at the start.
pub fn alike(a: &str, b: &str, width: usize) -> bool {
    if a == b {
        return true;
    }
    let shared = a
        .char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or(a.len().min(b.len()), |((at, _), _)| at);
    self::width(a) > width
        && self::width(b) > width
        && self::width(&a[..shared]) >= width.saturating_sub(1)
}

/// The items that fit in `width` cells joined by `separator`, in order:
/// an item too wide for the room left is dropped whole (a later, shorter
/// one may still fit), never cut.
pub fn whole_items<'a>(
    items: impl IntoIterator<Item = &'a str>,
    separator: &str,
    width: usize,
) -> String {
    let gap = self::width(separator);
    let mut out = String::new();
    let mut used = 0;
    for item in items {
        let need = self::width(item) + if out.is_empty() { 0 } else { gap };
        if used + need > width {
            continue;
        }
        if !out.is_empty() {
            out.push_str(separator);
        }
        out.push_str(item);
        used += need;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_fit_whole_or_end_after_a_word() {
        assert_eq!(words("cannot read", 11).text, "cannot read");
        let cut = words("cannot read: too many levels of symbolic links", 24);
        assert_eq!(cut.text, "cannot read: too many…");
        // A break right at the edge keeps the whole last word.
        assert_eq!(words("one two three", 8).text, "one two…");
        assert_eq!(words("one two three", 7).text, "one…");
        // Padding that does not fit is dropped without an ellipsis.
        assert_eq!(words(" notice ", 7).text, " notice");
        assert_eq!(words("  ", 1).text, "");
    }

    #[test]
    fn a_first_word_too_long_is_cut_between_clusters() {
        assert_eq!(words("Menschenrechtserklärung", 8).text, "Mensche…");
        assert_eq!(words("abc", 1).text, "…");
        assert_eq!(words("abc", 0).text, "");
    }

    #[test]
    fn widths_are_as_painted() {
        // Two cells each, and the fitting part stops before a wide cluster.
        assert_eq!(words("日本語の本", 6).text, "日本…");
        assert!(width(&words("日本語の本", 6).text) <= 6);
        // Arabic: lam-alef unshaped is two cells; marks take none.
        let arabic = "لا إله إلا الله محمد";
        let cut = words(arabic, 10);
        assert_eq!(cut.text, "لا إله…");
        // A control is painted as one symbol.
        assert_eq!(width("a\u{1b}b"), 3);
    }

    #[test]
    fn paths_lose_their_folders_first() {
        let p = "book/part-two/chapter01.txt";
        assert_eq!(path(p, 40).text, p);
        assert_eq!(path(p, 24).text, "…/part-two/chapter01.txt");
        assert_eq!(path(p, 23).text, "…/chapter01.txt");
        assert_eq!(path(p, 15).text, "…/chapter01.txt");
        assert_eq!(path(p, 14).text, "chapter01.txt");
        assert_eq!(path(p, 13).text, "chapter01.txt");
    }

    #[test]
    fn names_lose_the_middle_of_their_stem_never_the_extension() {
        assert_eq!(path("udhr_pes_1.txt", 14).text, "udhr_pes_1.txt");
        assert_eq!(path("udhr_pes_1.txt", 12).text, "udhr…s_1.txt");
        assert_eq!(path("udhr_pes_1.txt", 10).text, "udh…_1.txt");
        assert_eq!(path("a/b/chapter01.txt", 10).text, "cha…01.txt");
        for width in 6..30 {
            let shown = path("000_10fc0153254dfafa.txt", width);
            assert!(shown.text.ends_with(".txt"), "{width}: {}", shown.text);
            assert!(self::width(&shown.text) <= width, "{width}: {}", shown.text);
        }
        // A dot that starts a name is no extension, nor is what follows a
        // dot inside words.
        assert_eq!(path(".profile-of-someone", 8).text, ".pro…one");
        assert_eq!(path("draft v1.2 final", 9).text, "draf…inal");
        // No room for the extension: the end goes.
        assert_eq!(path("abcdef.markdown", 5).text, "abcd…");
    }

    #[test]
    fn every_cut_fits() {
        let samples = [
            "book/part-two/deeper/a-very-long-file-name-that-goes-on.txt",
            "مجلد/ملف بعنوان طويل جدا.txt",
            "日本/本の名前はとても長い.md",
            "plain",
            "",
        ];
        for s in samples {
            for width in 0..70 {
                for shown in [path(s, width), words(s, width)] {
                    assert!(
                        self::width(&shown.text) <= width,
                        "{s:?} in {width}: {:?}",
                        shown.text
                    );
                }
            }
        }
    }

    #[test]
    fn kept_bytes_map_to_where_they_show() {
        let p = "book/part-two/chapter02.txt";
        let shown = path(p, 15);
        assert_eq!(shown.text, "…/chapter02.txt");
        let at = p.find("chapter02").unwrap_or(0);
        let marked: Vec<_> = shown.shown(&(at..at + 9)).collect();
        assert_eq!(marked.len(), 1);
        assert_eq!(&shown.text[marked[0].clone()], "chapter02");
        assert_eq!(shown.shown(&(0..4)).count(), 0, "a folder left out");
        // A range across the cut shows on both sides of it.
        let shown = path("udhr_pes_1.txt", 12);
        let parts: Vec<&str> = shown.shown(&(0..10)).map(|r| &shown.text[r]).collect();
        assert_eq!(parts, ["udhr", "s_1"]);
    }

    #[test]
    fn titles_alike_once_cut() {
        let arabic = "Universal Declaration of Human Rights - Arabic, Standard";
        let english = "Universal Declaration of Human Rights - English";
        assert!(alike(arabic, english, 25));
        assert!(!alike(arabic, english, 60), "both show whole");
        assert!(alike("Chapter one", "Chapter one", 40), "equal");
        assert!(!alike("Chapter 1", "Chapter 2", 9), "both fit");
        assert!(alike("Chapter 10 of a book", "Chapter 11 of a book", 9));
        assert!(!alike("Chapter one", "Preface", 5));
    }

    #[test]
    fn whole_items_are_dropped_not_cut() {
        let hints = ["j move", "Enter open", "/ filter", "q quit"];
        assert_eq!(
            whole_items(hints, " · ", 100),
            "j move · Enter open · / filter · q quit"
        );
        assert_eq!(whole_items(hints, " · ", 20), "j move · Enter open");
        // "/ filter" does not fit after those two; "q quit" does.
        assert_eq!(
            whole_items(hints, " · ", 28),
            "j move · Enter open · q quit"
        );
        assert_eq!(whole_items(hints, " · ", 3), "");
    }
}
