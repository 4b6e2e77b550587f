//! HTML to blocks (to be written).

use super::Doc;

/// Parses an HTML page into a document.
pub fn parse(_text: &str) -> Doc {
    Doc::default()
}
