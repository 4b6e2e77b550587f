//! `qari render`: lays out documents and prints the visual lines to stdout,
//! exactly as the reading pane paints them.
//!
//! Each input line is one paragraph; an empty input line prints an empty
//! line. Right-to-left lines are padded on the left to end at the width
//! unless padding is off.

use std::io::{self, Write};

use crate::text::{BaseDirection, Layout, LayoutOptions, Order, dominant_direction};

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
    /// Cores to lay out on; 0 uses all of them.
    pub threads: usize,
}

/// Splits a document into paragraphs: one per line, whatever its ending
/// (LF, CRLF or a lone CR).
pub fn paragraphs(text: &str) -> impl Iterator<Item = &str> {
    crate::text::lines::lines(text).map(move |range| &text[range])
}

/// Paragraphs laid out per task when a document is split across cores.
const CHUNK: usize = 256;
/// Documents smaller than this are laid out on one core.
const PARALLEL_MIN_BYTES: usize = 256 * 1024;

/// Lays out a whole document and writes its visual lines.
///
/// Paragraphs are independent, so a large document is laid out in chunks on
/// every core; the chunks are written in order.
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
        order: Order::Visual,
    };
    let pad = options.pad.then_some(options.width);
    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    if threads == 1 || text.len() < PARALLEL_MIN_BYTES {
        let mut buffer = String::new();
        for paragraph in paragraphs(text) {
            buffer.clear();
            render_paragraph(paragraph, &layout_options, pad, &mut buffer);
            out.write_all(buffer.as_bytes())?;
        }
        return Ok(());
    }
    let all: Vec<&str> = paragraphs(text).collect();
    let chunks: Vec<&[&str]> = all.chunks(CHUNK).collect();
    for batch in chunks.chunks(threads * 4) {
        let mut rendered: Vec<String> = vec![String::new(); batch.len()];
        std::thread::scope(|scope| {
            let mut slots: Vec<&mut String> = rendered.iter_mut().collect();
            let mut per_thread: Vec<Vec<(&[&str], &mut String)>> =
                (0..threads).map(|_| Vec::new()).collect();
            for (i, (chunk, slot)) in batch.iter().zip(slots.drain(..)).enumerate() {
                per_thread[i % threads].push((chunk, slot));
            }
            for work in per_thread {
                let layout_options = &layout_options;
                scope.spawn(move || {
                    for (chunk, slot) in work {
                        for paragraph in chunk {
                            render_paragraph(paragraph, layout_options, pad, slot);
                        }
                    }
                });
            }
        });
        for chunk in &rendered {
            out.write_all(chunk.as_bytes())?;
        }
    }
    Ok(())
}

/// Appends one paragraph's visual lines, each ending in a newline.
fn render_paragraph(
    paragraph: &str,
    options: &LayoutOptions,
    pad: Option<usize>,
    out: &mut String,
) {
    if paragraph.is_empty() {
        out.push('\n');
        return;
    }
    let layout = Layout::new(paragraph, options);
    for visual in layout.lines() {
        visual.write_to(out, pad);
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::BaseDirection;

    #[test]
    fn parallel_output_equals_sequential_output() {
        let mut text = String::new();
        let mut i = 0;
        while text.len() < 2 * PARALLEL_MIN_BYTES {
            text.push_str(&format!("سطر رقم {i} (عربي) مع English وأرقام ٣٤٥.\n\n"));
            i += 1;
        }
        let options = |threads| RenderOptions {
            width: 37,
            wrap: true,
            pad: true,
            shape: true,
            harakat: true,
            direction: BaseDirection::Auto,
            threads,
        };
        let (mut one, mut two) = (Vec::new(), Vec::new());
        render_document(&text, &options(1), &mut one).expect("render");
        render_document(&text, &options(2), &mut two).expect("render");
        assert!(one.len() > text.len());
        assert!(one == two, "the parallel path changes the output");
    }

    #[test]
    fn paragraphs_split_on_lf_and_crlf() {
        let p: Vec<_> = paragraphs("a\r\n\nb\n").collect();
        assert_eq!(p, ["a", "", "b"]);
        assert_eq!(paragraphs("").count(), 0);
        assert_eq!(paragraphs("x").collect::<Vec<_>>(), ["x"]);
    }
}
