//! The reading pane's state: the open document, the reading position as a
//! logical anchor, and paragraphs laid out lazily.
//!
//! Only paragraphs near the viewport are laid out, and each layout is cached
//! for the current width, so opening or jumping in a long document costs the
//! paragraphs on screen, not the whole text. The position is a byte offset
//! (paragraph + offset of the top line's start), never a screen row, so a
//! resize re-wraps and keeps the same text at the top.

use std::collections::HashMap;
use std::rc::Rc;

use crate::library::Document;
use crate::text::{Layout, LayoutOptions};

/// Where reading stands: the top visible line, as logical text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Anchor {
    /// Paragraph index.
    pub paragraph: usize,
    /// Byte offset, within the paragraph, of the top line's first character.
    pub offset: usize,
    /// The top row is the blank row after the paragraph.
    pub gap: bool,
}

/// A row position: paragraph and row within it (its lines, then its gap).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Pos {
    paragraph: usize,
    row: usize,
}

/// One row of the reading pane, ready to paint.
#[derive(Debug, Clone)]
pub enum Row {
    /// A visual line of a paragraph.
    Line {
        /// The paragraph's index.
        paragraph: usize,
        /// The paragraph's layout.
        layout: Rc<Layout>,
        /// Which of its lines.
        line: usize,
        /// The paragraph is heading-like (shown bold).
        heading: bool,
    },
    /// The blank row between paragraphs separated by blank lines.
    Gap,
}

/// The open document's reading state and layout cache.
#[derive(Debug, Clone)]
pub struct Reader {
    /// Index of the document in the library.
    pub doc: usize,
    /// The reading position.
    pub anchor: Anchor,
    options: LayoutOptions,
    cache: HashMap<usize, Rc<Layout>>,
}

/// Layouts kept before the cache is emptied (a few screens' worth many times over).
const CACHE_LIMIT: usize = 4096;

impl Reader {
    /// Opens document `doc` at `anchor`, laying out at `width` cells.
    pub fn new(doc: usize, document: &Document, anchor: Anchor, options: LayoutOptions) -> Reader {
        Reader {
            doc,
            anchor,
            options: LayoutOptions {
                fallback: document.direction,
                ..options
            },
            cache: HashMap::new(),
        }
    }

    /// The width lines are laid out for.
    pub fn width(&self) -> usize {
        self.options.width
    }

    /// Changes the layout width; the anchor keeps the same text at the top.
    pub fn set_width(&mut self, width: usize) {
        let width = width.max(1);
        if width != self.options.width {
            self.options.width = width;
            self.cache.clear();
        }
    }

    fn layout(&mut self, document: &Document, paragraph: usize) -> Rc<Layout> {
        if let Some(layout) = self.cache.get(&paragraph) {
            return Rc::clone(layout);
        }
        if self.cache.len() >= CACHE_LIMIT {
            self.cache.clear();
        }
        let layout = Rc::new(Layout::new(document.paragraph(paragraph), &self.options));
        self.cache.insert(paragraph, Rc::clone(&layout));
        layout
    }

    fn gap_after(document: &Document, paragraph: usize) -> bool {
        document
            .paragraphs
            .get(paragraph + 1)
            .is_some_and(|p| p.gap_before)
    }

    fn rows_in(&mut self, document: &Document, paragraph: usize) -> usize {
        self.layout(document, paragraph).line_count()
            + usize::from(Self::gap_after(document, paragraph))
    }

    fn pos_of(&mut self, document: &Document, anchor: Anchor) -> Option<Pos> {
        if document.paragraphs.is_empty() {
            return None;
        }
        let paragraph = anchor.paragraph.min(document.paragraphs.len() - 1);
        let layout = self.layout(document, paragraph);
        let row = if anchor.gap && Self::gap_after(document, paragraph) {
            layout.line_count()
        } else {
            // The line holding the anchor's character: the last one starting at or before it.
            layout
                .lines()
                .rposition(|l| l.source().start <= anchor.offset)
                .unwrap_or(0)
        };
        Some(Pos { paragraph, row })
    }

    fn anchor_of(&mut self, document: &Document, pos: Pos) -> Anchor {
        let layout = self.layout(document, pos.paragraph);
        match layout.line(pos.row) {
            Some(line) => Anchor {
                paragraph: pos.paragraph,
                offset: line.source().start,
                gap: false,
            },
            None => Anchor {
                paragraph: pos.paragraph,
                offset: document.paragraphs[pos.paragraph].range.len(),
                gap: true,
            },
        }
    }

    fn next(&mut self, document: &Document, pos: Pos) -> Option<Pos> {
        if pos.row + 1 < self.rows_in(document, pos.paragraph) {
            Some(Pos {
                row: pos.row + 1,
                ..pos
            })
        } else if pos.paragraph + 1 < document.paragraphs.len() {
            Some(Pos {
                paragraph: pos.paragraph + 1,
                row: 0,
            })
        } else {
            None
        }
    }

    fn previous(&mut self, document: &Document, pos: Pos) -> Option<Pos> {
        if pos.row > 0 {
            Some(Pos {
                row: pos.row - 1,
                ..pos
            })
        } else if pos.paragraph > 0 {
            let paragraph = pos.paragraph - 1;
            let rows = self.rows_in(document, paragraph);
            Some(Pos {
                paragraph,
                row: rows - 1,
            })
        } else {
            None
        }
    }

    /// The highest top position that still fills the pane (the last row at
    /// the bottom), or the start when the document is shorter than the pane.
    fn max_top(&mut self, document: &Document, height: usize) -> Option<Pos> {
        let last_paragraph = document.paragraphs.len().checked_sub(1)?;
        let mut pos = Pos {
            paragraph: last_paragraph,
            row: self.rows_in(document, last_paragraph) - 1,
        };
        for _ in 1..height.max(1) {
            match self.previous(document, pos) {
                Some(p) => pos = p,
                None => break,
            }
        }
        Some(pos)
    }

    /// Scrolls by `delta` rows (negative: up), never past either end.
    pub fn scroll(&mut self, document: &Document, delta: isize, height: usize) {
        let Some(mut pos) = self.pos_of(document, self.anchor) else {
            return;
        };
        for _ in 0..delta.unsigned_abs() {
            let step = if delta > 0 {
                self.next(document, pos)
            } else {
                self.previous(document, pos)
            };
            match step {
                Some(p) => pos = p,
                None => break,
            }
        }
        if let Some(max) = self.max_top(document, height) {
            pos = pos.min(max);
        }
        self.anchor = self.anchor_of(document, pos);
    }

    /// Goes to the start of the document.
    pub fn top(&mut self) {
        self.anchor = Anchor::default();
    }

    /// Goes to the end: the last row at the bottom of the pane.
    pub fn bottom(&mut self, document: &Document, height: usize) {
        if let Some(max) = self.max_top(document, height) {
            self.anchor = self.anchor_of(document, max);
        }
    }

    /// Scrolls so that the line holding `offset` of `paragraph` is on
    /// screen; when it was not, it lands a third of the way down the pane.
    pub fn reveal(&mut self, document: &Document, paragraph: usize, offset: usize, height: usize) {
        let target = Anchor {
            paragraph,
            offset,
            gap: false,
        };
        let (Some(goal), Some(mut pos)) = (
            self.pos_of(document, target),
            self.pos_of(document, self.anchor),
        ) else {
            return;
        };
        for _ in 0..height.max(1) {
            if pos == goal {
                return;
            }
            match self.next(document, pos) {
                Some(p) => pos = p,
                None => break,
            }
        }
        self.anchor = self.anchor_of(document, goal);
        self.scroll(document, -((height / 3) as isize), height);
    }

    /// Whether the last row of the document is on screen.
    pub fn at_end(&mut self, document: &Document, height: usize) -> bool {
        match (
            self.pos_of(document, self.anchor),
            self.max_top(document, height),
        ) {
            (Some(pos), Some(max)) => pos >= max,
            _ => true,
        }
    }

    /// The rows that fill a pane of `height` rows from the anchor down.
    pub fn rows(&mut self, document: &Document, height: usize) -> Vec<Row> {
        let mut rows = Vec::with_capacity(height);
        let mut pos = self.pos_of(document, self.anchor);
        while let Some(p) = pos {
            if rows.len() >= height {
                break;
            }
            let layout = self.layout(document, p.paragraph);
            if p.row < layout.line_count() {
                rows.push(Row::Line {
                    paragraph: p.paragraph,
                    layout,
                    line: p.row,
                    heading: document.paragraphs[p.paragraph].heading,
                });
            } else {
                rows.push(Row::Gap);
            }
            pos = self.next(document, p);
        }
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Document {
        let mut text = String::new();
        for i in 0..20 {
            text.push_str(&format!("paragraph {i} has some words in it to wrap\n\n"));
        }
        Document::new("t", text)
    }

    fn reader(document: &Document, width: usize) -> Reader {
        let options = LayoutOptions {
            width,
            ..LayoutOptions::default()
        };
        Reader::new(0, document, Anchor::default(), options)
    }

    fn top_text(r: &mut Reader, d: &Document) -> String {
        match r.rows(d, 1).first() {
            Some(Row::Line { layout, line, .. }) => {
                layout.line(*line).map(|l| l.text()).unwrap_or_default()
            }
            Some(Row::Gap) => "<gap>".into(),
            None => "<none>".into(),
        }
    }

    #[test]
    fn scrolling_walks_lines_and_gaps() {
        let d = doc();
        let mut r = reader(&d, 20);
        assert_eq!(top_text(&mut r, &d), "paragraph 0 has some");
        r.scroll(&d, 1, 5);
        assert_eq!(top_text(&mut r, &d), "words in it to wrap");
        r.scroll(&d, 1, 5);
        assert_eq!(top_text(&mut r, &d), "<gap>");
        r.scroll(&d, 1, 5);
        assert_eq!(top_text(&mut r, &d), "paragraph 1 has some");
        r.scroll(&d, -3, 5);
        assert_eq!(r.anchor, Anchor::default());
    }

    #[test]
    fn bottom_fills_the_pane_and_scrolling_stops_there() {
        let d = doc();
        let mut r = reader(&d, 20);
        r.bottom(&d, 5);
        let rows = r.rows(&d, 5);
        assert_eq!(rows.len(), 5);
        assert!(r.at_end(&d, 5));
        let before = r.anchor;
        r.scroll(&d, 10, 5);
        assert_eq!(r.anchor, before);
    }

    #[test]
    fn resize_keeps_the_text_at_the_top() {
        let d = doc();
        let mut r = reader(&d, 20);
        r.scroll(&d, 7, 5);
        let before = top_text(&mut r, &d);
        let offset = r.anchor;
        r.set_width(60);
        let wide = top_text(&mut r, &d);
        assert!(wide.starts_with("paragraph 2"), "{wide}");
        r.set_width(20);
        assert_eq!(r.anchor, offset);
        assert_eq!(top_text(&mut r, &d), before);
    }
}
