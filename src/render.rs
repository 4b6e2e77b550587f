//! `qari render`: lays out documents and prints the visual lines to stdout,
//! exactly as the reading pane paints them.
//!
//! Each input line is one paragraph; an empty input line prints an empty
//! line. Right-to-left lines are padded on the left to end at the width
//! unless padding is off.

use std::io::{self, Write};

use crate::text::{BaseDirection, Layout, LayoutOptions, dominant_direction};

/// Options of `qari render`.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    /// Line width in cells.
    pub width: usize,
    /// Break lines at the width.
    pub wrap: bool,
    /// Pad right-to-left lines on the left to end at the width.
    pub pad: bool,
    /// Map Arabic letters to presentation forms.
    pub shape: bool,
    /// Show harakat.
    pub harakat: bool,
    /// Base direction of paragraphs.
    pub direction: BaseDirection,
}

/// Splits a document into paragraphs: one per line, CRLF or LF endings.
pub fn paragraphs(text: &str) -> impl Iterator<Item = &str> {
    let body = text.strip_suffix('\n').unwrap_or(text);
    let empty = text.is_empty();
    body.split('\n')
        .filter(move |_| !empty)
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
}

/// Lays out a whole document and writes its visual lines.
pub fn render_document<W: Write>(
    text: &str,
    options: &RenderOptions,
    out: &mut W,
) -> io::Result<()> {
    let layout_options = LayoutOptions {
        width: options.width.max(1),
        wrap: options.wrap,
        shape: options.shape,
        harakat: options.harakat,
        direction: options.direction,
        fallback: dominant_direction(text),
    };
    let pad = options.pad.then_some(options.width);
    let mut line = String::new();
    for paragraph in paragraphs(text) {
        if paragraph.is_empty() {
            out.write_all(b"\n")?;
            continue;
        }
        let layout = Layout::new(paragraph, &layout_options);
        for visual in layout.lines() {
            line.clear();
            visual.write_to(&mut line, pad);
            line.push('\n');
            out.write_all(line.as_bytes())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_split_on_lf_and_crlf() {
        let p: Vec<_> = paragraphs("a\r\n\nb\n").collect();
        assert_eq!(p, ["a", "", "b"]);
        assert_eq!(paragraphs("").count(), 0);
        assert_eq!(paragraphs("x").collect::<Vec<_>>(), ["x"]);
    }
}
