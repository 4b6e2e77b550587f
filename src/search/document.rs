//! Search inside one document: every place a folded, literal query occurs,
//! as byte ranges of the original paragraphs.

use std::ops::Range;

use memchr::memmem;

use crate::library::Document;
use crate::text::fold::{Folded, fold, fold_query};

/// One occurrence of the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocHit {
    /// The paragraph it is in.
    pub paragraph: usize,
    /// Its bytes in the paragraph's original text.
    pub range: Range<usize>,
}

/// Occurrences of an already folded `needle` in folded text, as original
/// byte ranges.
pub fn occurrences(folded: &Folded, needle: &str) -> Vec<Range<usize>> {
    if needle.is_empty() {
        return Vec::new();
    }
    let needle_chars = needle.chars().count();
    let mut hits = Vec::new();
    // Byte offsets from memmem, turned into character indices as we go.
    let (mut byte, mut char_index) = (0usize, 0usize);
    for at in memmem::find_iter(folded.text.as_bytes(), needle.as_bytes()) {
        char_index += folded.text[byte..at].chars().count();
        byte = at;
        hits.push(folded.original(char_index..char_index + needle_chars));
    }
    hits
}

/// Every occurrence of `query` (folded, literal) in the document, in order.
pub fn find(document: &Document, query: &str) -> Vec<DocHit> {
    let needle = fold_query(query);
    if needle.trim().is_empty() {
        return Vec::new();
    }
    let finder = memmem::Finder::new(needle.as_bytes());
    let mut hits = Vec::new();
    for (paragraph, p) in document.paragraphs.iter().enumerate() {
        let folded = fold(&document.text[p.range.clone()]);
        if finder.find(folded.text.as_bytes()).is_none() {
            continue;
        }
        hits.extend(
            occurrences(&folded, &needle)
                .into_iter()
                .map(|range| DocHit { paragraph, range }),
        );
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_folded_literal_hits_in_order() {
        let doc = Document::new("t", "الأمن أولاً.\nلا شيء هنا\nالامن والأَمن\n".into());
        let hits = find(&doc, "الامن");
        let found: Vec<(usize, &str)> = hits
            .iter()
            .map(|h| (h.paragraph, &doc.paragraph(h.paragraph)[h.range.clone()]))
            .collect();
        assert_eq!(found, [(0, "الأمن"), (2, "الامن"), (2, "الأَمن")]);
    }

    #[test]
    fn empty_queries_find_nothing() {
        let doc = Document::new("t", "نص\n".into());
        assert!(find(&doc, "").is_empty());
        assert!(find(&doc, "  ").is_empty());
        assert!(
            find(&doc, "\u{064E}").is_empty(),
            "a lone haraka folds to nothing"
        );
    }
}
