//! A document as the list filter matches it: its title and path folded
//! once, where documents are read (on the scanning threads, for 100,000
//! files), with a mask of their letters for a quick first test.

use super::fold::fold_query;

/// A document as the filter sees it: its folded title and path (the maps
/// back to the originals are made again for the rows on screen, so that
/// 100,000 documents do not hold them).
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The folded title.
    pub title: String,
    /// The folded path.
    pub path: String,
    /// Which letters the title holds ([`letter_mask`]).
    pub title_mask: u64,
    /// Which letters the path holds.
    pub path_mask: u64,
}

impl Candidate {
    /// Prepares a title and a path for matching.
    pub fn new(title: &str, path: &str) -> Candidate {
        let title = fold_query(title);
        let path = fold_query(path);
        Candidate {
            title_mask: letter_mask(&title),
            path_mask: letter_mask(&path),
            title,
            path,
        }
    }

    /// The folded text of one field.
    pub fn field(&self, field: Field) -> &str {
        match field {
            Field::Title => &self.title,
            Field::Path => &self.path,
        }
    }
}

/// Which text a hit matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The title.
    Title,
    /// The relative path.
    Path,
}

/// One bit per letter (hashed into 64), for a quick "has every letter" test.
pub fn letter_mask(text: &str) -> u64 {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .fold(0, |mask, c| {
            mask | 1 << ((c as u32).wrapping_mul(2_654_435_761) >> 26)
        })
}
