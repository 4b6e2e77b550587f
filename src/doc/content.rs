//! A document's content: the text the reader lays out, searches and
//! anchors positions in (to be written).

use super::Doc;

/// What a line of the content is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A block's text.
    Text,
}

/// One line of the content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Its first byte.
    pub start: usize,
}

/// A document's content.
#[derive(Debug, Clone, Default)]
pub struct Content {
    /// The document.
    pub doc: Doc,
}
