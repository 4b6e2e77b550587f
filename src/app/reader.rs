//! The reading pane's state: the open document's text, the reading position
//! as a logical anchor, and units laid out lazily.
//!
//! Only units near the viewport are laid out, and each layout is cached for
//! the current width, so opening or jumping in a 200 MB document costs the
//! units on screen, not the whole text. Units are found from the bytes
//! around the position ([`crate::text::units`]), so nothing here waits for
//! the document's index. The position is a byte offset (the top unit's
//! start, and an offset in its text), never a screen row, so a resize
//! re-wraps and keeps the same text at the top.
//!
//! Paragraphs are set apart by a blank row: where the file has blank
//! lines, and, with [`ParagraphsSetting::Line`], after every line but a
//! short heading-like one (a heading stays with the paragraph it heads, the
//! verses of a poem with each other).

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use crate::config::ParagraphsSetting;
use crate::doc::layout::{Shape, shape};
use crate::library::text::Text;
use crate::library::{is_heading, is_heading_like};
use crate::text::units::Unit;
use crate::text::{Layout, LayoutOptions};

/// Where reading stands: the top visible line, as logical text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Anchor {
    /// The start of the top unit in the document's text.
    pub start: usize,
    /// Byte offset, within the unit's text, of the top line's first character.
    pub offset: usize,
    /// The top row is the blank row after the unit.
    pub gap: bool,
    /// Of the unit's rows that start at `offset` (a table's top border and
    /// its first row), which one.
    pub sub: u8,
}

/// A row position: a unit and a row within it (its lines, then its gap).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pos {
    unit: Unit,
    row: usize,
}

impl Pos {
    fn key(&self) -> (usize, usize) {
        (self.unit.start, self.row)
    }
}

/// One row of the reading pane, ready to paint.
#[derive(Debug, Clone)]
pub enum Row {
    /// A row of a unit.
    Line {
        /// The unit's start in the text.
        start: usize,
        /// The unit laid out.
        shape: Rc<Shape>,
        /// Which of its rows.
        row: usize,
        /// The unit is a heading-like line (shown bold).
        heading: bool,
    },
    /// The blank row between paragraphs.
    Gap,
}

impl Row {
    /// The text the row shows, as painted (empty for a blank row).
    pub fn text(&self) -> String {
        match self {
            Row::Line { shape, row, .. } => shape.row_text(*row),
            Row::Gap => String::new(),
        }
    }

    /// The bytes of the text the row shows (`None` for a blank row or a
    /// border).
    pub fn source(&self) -> Option<std::ops::Range<usize>> {
        match self {
            Row::Line {
                start, shape, row, ..
            } => shape
                .row_source(*row)
                .map(|r| start + r.start..start + r.end),
            Row::Gap => None,
        }
    }
}

/// A row of the open text, found from a place in it.
#[derive(Debug, Clone)]
pub struct Located {
    /// The unit it belongs to.
    pub unit: Unit,
    /// The unit laid out.
    pub shape: Rc<Shape>,
    /// Which of its rows.
    pub line: usize,
}

/// A unit laid out, with what the pane needs to know about it.
#[derive(Debug, Clone)]
struct Laid {
    shape: Rc<Shape>,
    /// Shown as a heading (strong evidence: see [`is_heading`]).
    heading: bool,
    /// A short line without sentence-ending punctuation: a heading or a
    /// verse, which no blank row separates from the line after it.
    short: bool,
    /// The unit after it, once looked up (`None` inside: not looked up;
    /// `Some(None)`: it is the last).
    next: Option<Option<Unit>>,
}

/// The open document's reading state and layout cache.
#[derive(Debug, Clone)]
pub struct Reader {
    /// Index of the document in the library.
    pub doc: usize,
    /// Its text.
    pub text: Arc<Text>,
    /// The reading position.
    pub anchor: Anchor,
    options: LayoutOptions,
    paragraphs: ParagraphsSetting,
    cache: HashMap<usize, Laid>,
    estimate: Option<usize>,
    /// A copy of the top unit's text, with its start: a file changed in
    /// place changes a mapped text too, and reading it again needs to know
    /// what was there.
    kept: Option<(usize, String)>,
}

/// Layouts kept before the cache is emptied (a few screens' worth many times over).
const CACHE_LIMIT: usize = 4096;

impl Reader {
    /// Opens document `doc`'s text at `anchor`, laying out with `options`
    /// (the width is set by the pane) and setting paragraphs apart as
    /// `paragraphs` says.
    pub fn new(
        doc: usize,
        text: Arc<Text>,
        anchor: Anchor,
        options: LayoutOptions,
        paragraphs: ParagraphsSetting,
    ) -> Reader {
        Reader {
            doc,
            text,
            anchor,
            options,
            paragraphs,
            cache: HashMap::new(),
            estimate: None,
            kept: None,
        }
    }

    /// Changes what sets paragraphs apart; the anchor keeps the same text
    /// at the top.
    pub fn set_paragraphs(&mut self, paragraphs: ParagraphsSetting) {
        self.paragraphs = paragraphs;
    }

    /// Copies the top unit's text, if the top has moved to another unit.
    pub fn keep_top_text(&mut self) {
        if self
            .kept
            .as_ref()
            .is_some_and(|(start, _)| *start == self.anchor.start)
        {
            return;
        }
        self.kept = self
            .text
            .units()
            .at(self.anchor.start)
            .filter(|u| u.start == self.anchor.start)
            .map(|u| (u.start, self.text.unit_text(&u).into_owned()));
    }

    /// The top unit's text as it was read, with its start.
    pub fn top_text(&self) -> Option<&(usize, String)> {
        self.kept.as_ref()
    }

    /// Units in the whole text, estimated from how long those of its first
    /// 256 KB are (for the status bar before the index is built).
    pub fn estimated_units(&mut self) -> usize {
        if let Some(n) = self.estimate {
            return n;
        }
        let bytes = self.text.bytes();
        let sample = &bytes[..bytes.len().min(256 * 1024)];
        let counted = crate::text::units::Units::new(sample)
            .all(|| false)
            .map_or(1, |s| s.len().max(1));
        let n =
            ((counted as f64) * bytes.len() as f64 / sample.len().max(1) as f64).ceil() as usize;
        self.estimate = Some(n.max(1));
        n.max(1)
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

    fn laid(&mut self, unit: &Unit) -> &mut Laid {
        if !self.cache.contains_key(&unit.start) && self.cache.len() >= CACHE_LIMIT {
            self.cache.clear();
        }
        let text = &self.text;
        let options = &self.options;
        self.cache.entry(unit.start).or_insert_with(|| {
            let paragraph = text.unit_text(unit);
            // A structured document's blocks are laid out as blocks, and
            // their headings say so themselves.
            if let Some(content) = text.structure()
                && let Some(line) = content.line_at(unit.start)
            {
                let shaped = shape(
                    content,
                    line,
                    unit.start - line.start,
                    &paragraph,
                    options.width,
                    options,
                );
                return Laid {
                    heading: false,
                    short: true,
                    shape: Rc::new(shaped),
                    next: None,
                };
            }
            let units = text.units();
            let neighbour = |u: Option<Unit>| u.map(|u| text.unit_text(&u));
            let heading = !unit.continues
                && is_heading(
                    neighbour(units.previous(unit)).as_deref(),
                    &paragraph,
                    unit.gap_before,
                    neighbour(units.next(unit)).as_deref(),
                );
            Laid {
                heading,
                short: !unit.continues && is_heading_like(&paragraph),
                shape: Rc::new(Shape::plain(
                    Rc::new(Layout::new(&paragraph, options)),
                    options.width,
                )),
                next: None,
            }
        })
    }

    fn shape(&mut self, unit: &Unit) -> Rc<Shape> {
        Rc::clone(&self.laid(unit).shape)
    }

    fn next_unit(&mut self, unit: &Unit) -> Option<Unit> {
        if let Some(next) = self.laid(unit).next {
            return next;
        }
        let next = self.text.units().next(unit);
        self.laid(unit).next = Some(next);
        next
    }

    /// Whether a blank row follows `unit`: blank lines in the file come
    /// before the next unit, or, a line at a time, the next unit starts a
    /// line of its own and `unit` is no heading.
    fn gap_after(&mut self, unit: &Unit) -> bool {
        let Some(next) = self.next_unit(unit) else {
            return false;
        };
        next.gap_before
            || (self.paragraphs == ParagraphsSetting::Line
                && !next.continues
                && !self.laid(unit).short)
    }

    fn rows_in(&mut self, unit: &Unit) -> usize {
        self.shape(unit).rows.len() + usize::from(self.gap_after(unit))
    }

    /// The unit an anchor points into (the one holding its start, or the
    /// next one), if the text has any.
    fn unit_of(&self, anchor: Anchor) -> Option<Unit> {
        let units = self.text.units();
        units.at(anchor.start).or_else(|| units.last())
    }

    fn pos_of(&mut self, anchor: Anchor) -> Option<Pos> {
        let unit = self.unit_of(anchor)?;
        let shape = self.shape(&unit);
        let same = unit.start == anchor.start;
        let row = if same && anchor.gap && self.gap_after(&unit) {
            shape.rows.len()
        } else if same {
            // The row holding the anchor's character: of those starting
            // at or before it, the ones starting last, the `sub`th of them.
            let starts: Vec<usize> = (0..shape.rows.len()).map(|r| shape.row_start(r)).collect();
            let best = starts
                .iter()
                .copied()
                .filter(|&s| s <= anchor.offset)
                .max()
                .unwrap_or(0);
            starts
                .iter()
                .enumerate()
                .filter(|(_, s)| **s == best)
                .map(|(i, _)| i)
                .nth(usize::from(anchor.sub))
                .or_else(|| starts.iter().rposition(|&s| s == best))
                .unwrap_or(0)
        } else {
            0
        };
        Some(Pos { unit, row })
    }

    fn anchor_of(&mut self, pos: Pos) -> Anchor {
        let shape = self.shape(&pos.unit);
        match shape.rows.get(pos.row) {
            Some(_) => {
                let offset = shape.row_start(pos.row);
                let sub = (0..pos.row)
                    .filter(|&r| shape.row_start(r) == offset)
                    .count();
                Anchor {
                    start: pos.unit.start,
                    offset,
                    gap: false,
                    sub: sub.min(usize::from(u8::MAX)) as u8,
                }
            }
            None => Anchor {
                start: pos.unit.start,
                offset: self.text.unit_text(&pos.unit).len(),
                gap: true,
                sub: 0,
            },
        }
    }

    fn next(&mut self, pos: Pos) -> Option<Pos> {
        if pos.row + 1 < self.rows_in(&pos.unit) {
            Some(Pos {
                row: pos.row + 1,
                ..pos
            })
        } else {
            self.next_unit(&pos.unit).map(|unit| Pos { unit, row: 0 })
        }
    }

    fn previous(&mut self, pos: Pos) -> Option<Pos> {
        if pos.row > 0 {
            return Some(Pos {
                row: pos.row - 1,
                ..pos
            });
        }
        let unit = self.text.units().previous(&pos.unit)?;
        let rows = self.rows_in(&unit);
        Some(Pos {
            unit,
            row: rows - 1,
        })
    }

    /// The highest top position that still fills the pane (the last row at
    /// the bottom), or the start when the document is shorter than the pane.
    fn max_top(&mut self, height: usize) -> Option<Pos> {
        let last = self.text.units().last()?;
        let mut pos = Pos {
            unit: last,
            row: self.rows_in(&last) - 1,
        };
        for _ in 1..height.max(1) {
            match self.previous(pos) {
                Some(p) => pos = p,
                None => break,
            }
        }
        Some(pos)
    }

    /// Scrolls by `delta` rows (negative: up), never past either end.
    pub fn scroll(&mut self, delta: isize, height: usize) {
        let Some(mut pos) = self.pos_of(self.anchor) else {
            return;
        };
        for _ in 0..delta.unsigned_abs() {
            let step = if delta > 0 {
                self.next(pos)
            } else {
                self.previous(pos)
            };
            match step {
                Some(p) => pos = p,
                None => break,
            }
        }
        if let Some(max) = self.max_top(height)
            && max.key() < pos.key()
        {
            pos = max;
        }
        self.anchor = self.anchor_of(pos);
    }

    /// Goes to the start of the document.
    pub fn top(&mut self) {
        self.anchor = match self.text.units().first() {
            Some(unit) => Anchor {
                start: unit.start,
                offset: 0,
                gap: false,
                sub: 0,
            },
            None => Anchor::default(),
        };
    }

    /// Goes to the end: the last row at the bottom of the pane.
    pub fn bottom(&mut self, height: usize) {
        if let Some(max) = self.max_top(height) {
            self.anchor = self.anchor_of(max);
        }
    }

    /// Goes to `start` (a unit's start) and `offset` in it.
    pub fn go_to(&mut self, start: usize, offset: usize) {
        self.anchor = Anchor {
            start,
            offset,
            gap: false,
            sub: 0,
        };
    }

    /// Scrolls so that the line holding `offset` of the unit at `start` is
    /// on screen; when it was not, it lands a third of the way down the pane.
    pub fn reveal(&mut self, start: usize, offset: usize, height: usize) {
        let target = Anchor {
            start,
            offset,
            gap: false,
            sub: 0,
        };
        let (Some(goal), Some(mut pos)) = (self.pos_of(target), self.pos_of(self.anchor)) else {
            return;
        };
        for _ in 0..height.max(1) {
            if pos == goal {
                return;
            }
            match self.next(pos) {
                Some(p) => pos = p,
                None => break,
            }
        }
        self.anchor = self.anchor_of(goal);
        self.scroll(-((height / 3) as isize), height);
    }

    /// Whether the last row of the document is on screen.
    pub fn at_end(&mut self, height: usize) -> bool {
        match (self.pos_of(self.anchor), self.max_top(height)) {
            (Some(pos), Some(max)) => pos.key() >= max.key(),
            _ => true,
        }
    }

    /// The rows that fill a pane of `height` rows from the anchor down.
    pub fn rows(&mut self, height: usize) -> Vec<Row> {
        let mut rows = Vec::with_capacity(height);
        let mut pos = self.pos_of(self.anchor);
        while let Some(p) = pos {
            if rows.len() >= height {
                break;
            }
            let laid = self.laid(&p.unit).clone();
            if p.row < laid.shape.rows.len() {
                rows.push(Row::Line {
                    start: p.unit.start,
                    shape: laid.shape,
                    row: p.row,
                    heading: laid.heading,
                });
            } else {
                rows.push(Row::Gap);
            }
            pos = self.next(p);
        }
        rows
    }
}

/// Finding and stepping through lines by their text, for a selection's
/// ends.
impl Reader {
    /// The line showing byte `at` of the text (the next unit's first line
    /// between units, the last line past the end).
    pub fn locate(&mut self, at: usize) -> Option<Located> {
        let unit = self.unit_of(Anchor {
            start: at,
            offset: 0,
            gap: false,
            sub: 0,
        })?;
        let shape = self.shape(&unit);
        let line = shape.row_of(at.saturating_sub(unit.start));
        Some(Located { unit, shape, line })
    }

    /// The visual line below `from` (`down`) or above it, across units
    /// and over the blank rows between them.
    pub fn step_line(&mut self, from: &Located, down: bool) -> Option<Located> {
        if down && from.line + 1 < from.shape.rows.len() {
            return Some(Located {
                line: from.line + 1,
                ..from.clone()
            });
        }
        if !down && from.line > 0 {
            return Some(Located {
                line: from.line - 1,
                ..from.clone()
            });
        }
        let unit = if down {
            self.next_unit(&from.unit)?
        } else {
            self.text.units().previous(&from.unit)?
        };
        let shape = self.shape(&unit);
        let line = if down {
            0
        } else {
            shape.rows.len().saturating_sub(1)
        };
        Some(Located { unit, shape, line })
    }

    /// The paragraph holding byte `at`: its line in the file, from the
    /// first of the units it was split into to the last (without the line
    /// ending).
    pub fn paragraph_at(&self, at: usize) -> Option<std::ops::Range<usize>> {
        let units = self.text.units();
        let mut first = units.at(at).or_else(|| units.last())?;
        let mut last = first;
        while first.continues {
            match units.previous(&first) {
                Some(unit) => first = unit,
                None => break,
            }
        }
        while let Some(next) = units.next(&last).filter(|u| u.continues) {
            last = next;
        }
        Some(first.start..last.end)
    }

    /// Scrolls the least that brings the line showing byte `at` into a
    /// pane of `height` rows: a line above comes to the top, one below to
    /// the bottom.
    pub fn show(&mut self, at: usize, height: usize) {
        let Some(found) = self.locate(at) else {
            return;
        };
        let goal = Pos {
            unit: found.unit,
            row: found.line,
        };
        let Some(top) = self.pos_of(self.anchor) else {
            return;
        };
        if goal.key() < top.key() {
            self.anchor = self.anchor_of(goal);
            return;
        }
        let mut pos = top;
        for _ in 1..height.max(1) {
            if pos == goal {
                return;
            }
            match self.next(pos) {
                Some(p) => pos = p,
                None => return,
            }
        }
        if pos != goal {
            self.anchor = self.anchor_of(goal);
            self.scroll(-(height.max(1) as isize - 1), height);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::UTF_8;

    fn reader(text: &str, width: usize) -> Reader {
        let options = LayoutOptions {
            width,
            ..LayoutOptions::default()
        };
        let text = Arc::new(Text::from_string(text.to_string(), UTF_8, false));
        Reader::new(
            0,
            text,
            Anchor::default(),
            options,
            ParagraphsSetting::Blank,
        )
    }

    fn doc() -> String {
        (0..20)
            .map(|i| format!("paragraph {i} has some words in it to wrap\n\n"))
            .collect()
    }

    fn top_text(r: &mut Reader) -> String {
        match r.rows(1).first() {
            Some(row @ Row::Line { .. }) => row.text(),
            Some(Row::Gap) => "<gap>".into(),
            None => "<none>".into(),
        }
    }

    #[test]
    fn scrolling_walks_lines_and_gaps() {
        let mut r = reader(&doc(), 20);
        assert_eq!(top_text(&mut r), "paragraph 0 has some");
        r.scroll(1, 5);
        assert_eq!(top_text(&mut r), "words in it to wrap");
        r.scroll(1, 5);
        assert_eq!(top_text(&mut r), "<gap>");
        r.scroll(1, 5);
        assert_eq!(top_text(&mut r), "paragraph 1 has some");
        r.scroll(-3, 5);
        assert_eq!(r.anchor, Anchor::default());
    }

    #[test]
    fn bottom_fills_the_pane_and_scrolling_stops_there() {
        let mut r = reader(&doc(), 20);
        r.bottom(5);
        let rows = r.rows(5);
        assert_eq!(rows.len(), 5);
        assert!(r.at_end(5));
        let before = r.anchor;
        r.scroll(10, 5);
        assert_eq!(r.anchor, before);
    }

    #[test]
    fn resize_keeps_the_text_at_the_top() {
        let mut r = reader(&doc(), 20);
        r.scroll(7, 5);
        let before = top_text(&mut r);
        let offset = r.anchor;
        r.set_width(60);
        let wide = top_text(&mut r);
        assert!(wide.starts_with("paragraph 2"), "{wide}");
        r.set_width(20);
        assert_eq!(r.anchor, offset);
        assert_eq!(top_text(&mut r), before);
    }

    #[test]
    fn a_line_at_a_time_every_line_is_set_apart_but_a_heading() {
        let text = "Title\nfirst line.\nsecond line.\n\nthird line.\n";
        let mut r = reader(text, 40);
        r.set_paragraphs(ParagraphsSetting::Line);
        let rows: Vec<String> = r
            .rows(10)
            .iter()
            .map(|row| match row {
                row @ Row::Line { .. } => row.text(),
                Row::Gap => String::new(),
            })
            .collect();
        assert_eq!(
            rows,
            [
                "Title",
                "first line.",
                "",
                "second line.",
                "",
                "third line."
            ]
        );
        // Walking back up crosses the same rows.
        r.bottom(3);
        assert_eq!(top_text(&mut r), "second line.");
        r.scroll(-2, 3);
        assert_eq!(top_text(&mut r), "first line.");
    }

    #[test]
    fn an_empty_text_has_no_rows() {
        let mut r = reader("\n\n", 20);
        assert!(r.rows(5).is_empty());
        r.scroll(3, 5);
        r.bottom(5);
        assert!(r.at_end(5));
    }
}
