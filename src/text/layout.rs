//! Paragraph layout: logical text and a width in, visual lines of cells out.
//!
//! One paragraph goes through the pipeline in this order, because UAX #9
//! reorders after line breaking:
//! 1. sanitise (controls become visible symbols);
//! 2. resolve bidi levels for the whole paragraph;
//! 3. shape Arabic in logical order;
//! 4. split into grapheme clusters, measure each as ratatui paints it, and
//!    break into lines in logical order at UAX #14 opportunities (a word wider
//!    than the line is broken between clusters);
//! 5. reorder each line's clusters: L1 (trailing whitespace to the paragraph
//!    level), L2 (reverse runs), L3 (a cluster keeps its marks after the base),
//!    L4 (mirrored glyphs at odd levels);
//! 6. align: right for a right-to-left paragraph, left otherwise.
//!
//! Whitespace at a line break hangs past the line end: it belongs to the line
//! but takes no cell. Explicit bidi controls and clusters of width zero are
//! kept in the logical lines but never painted; all but those X9 removes
//! still take part in reordering.

use std::ops::Range;

use unicode_bidi::BidiClass;

use super::bidi::{self, BaseDirection, Direction};
use super::cluster::{self, Plain};
use super::sanitize::sanitize;
use super::shape;
use super::width::cluster_width;

/// How to lay out a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LayoutOptions {
    /// Cells per line (at least 1).
    pub width: usize,
    /// Break lines at `width`; when false, a paragraph is one line.
    pub wrap: bool,
    /// Map Arabic letters to presentation forms (for terminals that do not shape).
    pub shape: bool,
    /// Show harakat and other Arabic marks, and Hebrew points.
    pub harakat: bool,
    /// How the paragraph's base direction is chosen.
    pub direction: BaseDirection,
    /// Direction of a paragraph without strong characters under `Auto`
    /// (the document's dominant direction).
    pub fallback: Direction,
    /// The order cells are painted in.
    pub order: Order,
}

/// The order of a line's cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Order {
    /// Visual order (UAX #9 L1–L4 applied): for terminals that do not
    /// reorder.
    #[default]
    Visual,
    /// Logical order, nothing mirrored: for a terminal that applies the
    /// bidi algorithm itself to each row, left to right (QTerminal). Lines
    /// are still broken and aligned by qari; right-to-left lines are padded
    /// on the left and embedded (RLE…PDF, see [`VisualLine::embedding`]).
    Logical,
    /// As `Logical`, with UAX #9 L4 applied (mirrored glyphs at odd
    /// levels): for a terminal that reorders but does not mirror (Konsole).
    LogicalMirrored,
    /// Logical order, nothing mirrored, right-to-left lines neither padded
    /// nor embedded: for a terminal that takes each row's direction from its
    /// first strong character and aligns right-to-left rows itself (mlterm).
    LogicalFirstStrong,
}

impl Order {
    /// Whether cells go in logical order, for the terminal to reorder.
    pub fn is_logical(self) -> bool {
        self != Order::Visual
    }
}

impl Default for LayoutOptions {
    fn default() -> Self {
        LayoutOptions {
            width: 80,
            wrap: true,
            shape: true,
            harakat: true,
            direction: BaseDirection::Auto,
            fallback: Direction::Ltr,
            order: Order::Visual,
        }
    }
}

/// What a cluster is, for line breaking and painting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Printable text.
    Text,
    /// Whitespace (bidi class WS): may hang at a line end.
    Space,
    /// A tab: spaces up to the next 8-column stop of the line.
    Tab,
    /// An explicit bidi control: obeyed, never printed.
    Control,
}

#[derive(Debug, Clone, Copy)]
struct Cluster {
    /// Bytes of `Layout::display` to print.
    display: (u32, u32),
    /// Bytes of the original paragraph this cluster shows.
    source: (u32, u32),
    /// Cells; for a tab, set when its line is laid out; 0 when hanging.
    width: u16,
    level: u8,
    class: BidiClass,
    kind: Kind,
    /// UAX #14 allows a break before this cluster.
    break_before: bool,
}

#[derive(Debug, Clone)]
struct Line {
    /// Clusters of the line in logical order.
    clusters: Range<u32>,
    /// Range of `Layout::visual`: the painted clusters, leftmost first.
    visual: Range<u32>,
    /// Cells; an unwrapped line of tabs or wide characters may take more
    /// than `u16::MAX`.
    width: u32,
}

/// A paragraph laid out into visual lines.
#[derive(Debug, Clone)]
pub struct Layout {
    display: String,
    clusters: Vec<Cluster>,
    visual: Vec<u32>,
    lines: Vec<Line>,
    direction: Direction,
    width: usize,
    /// The order of the cells.
    order: Order,
}

/// One cell-run of a visual line: a grapheme cluster as painted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell<'a> {
    /// What to print (shaped, mirrored; never a control character).
    pub text: &'a str,
    /// Cells it takes.
    pub width: usize,
    /// Byte range of the original paragraph it shows.
    pub source: Range<usize>,
}

/// One line of a laid-out paragraph, in visual order.
#[derive(Debug, Clone, Copy)]
pub struct VisualLine<'a> {
    layout: &'a Layout,
    line: &'a Line,
}

const SPACES: &str = "                ";
/// Stands for a cluster that takes part in reordering but is not painted.
const UNPAINTED: u32 = u32::MAX;
/// Shown for a cluster wider than the whole line (a wide character at width 1).
const TOO_WIDE: &str = "…";

impl Layout {
    /// Lays out one paragraph (one line of input, without its line ending).
    pub fn new(paragraph: &str, options: &LayoutOptions) -> Layout {
        let mut layout = Layout {
            display: String::new(),
            clusters: Vec::new(),
            visual: Vec::new(),
            lines: Vec::new(),
            direction: Direction::Ltr,
            width: options.width.max(1),
            order: options.order,
        };
        layout.lay_out(paragraph, options);
        layout
    }

    /// Lays out another paragraph in place of this one, reusing the
    /// buffers: what [`Layout::new`] returns, without allocating once they
    /// are large enough.
    pub fn lay_out(&mut self, paragraph: &str, options: &LayoutOptions) {
        thread_local! {
            // Scratch space reused from one paragraph to the next.
            static BUILDER: std::cell::RefCell<Builder> = std::cell::RefCell::default();
        }
        BUILDER.with(|builder| match builder.try_borrow_mut() {
            Ok(mut builder) => builder.layout(paragraph, options, self),
            Err(_) => Builder::default().layout(paragraph, options, self),
        })
    }

    /// The paragraph's resolved base direction.
    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// Whether lines align to the right.
    pub fn is_rtl(&self) -> bool {
        self.direction == Direction::Rtl
    }

    /// The width the paragraph was laid out for.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Number of visual lines (at least one, even for an empty paragraph).
    pub fn line_count(&self) -> usize {
        self.lines.len()
    }

    /// The visual lines, top to bottom.
    pub fn lines(
        &self,
    ) -> impl DoubleEndedIterator<Item = VisualLine<'_>> + ExactSizeIterator + '_ {
        self.lines
            .iter()
            .map(move |line| VisualLine { layout: self, line })
    }

    /// One visual line.
    pub fn line(&self, index: usize) -> Option<VisualLine<'_>> {
        self.lines
            .get(index)
            .map(|line| VisualLine { layout: self, line })
    }
}

impl<'a> VisualLine<'a> {
    /// Cells taken by the painted clusters.
    pub fn width(&self) -> usize {
        self.line.width as usize
    }

    /// The explicit embedding a terminal that reorders needs around this
    /// line to lay it out right to left within a left-to-right row (RLE and
    /// PDF), or `None`: lines in visual order need none, and neither do
    /// left-to-right lines, since qari starts every row left to right.
    pub fn embedding(&self) -> Option<(&'static str, &'static str)> {
        let embedded = matches!(self.layout.order, Order::Logical | Order::LogicalMirrored);
        (embedded && self.layout.is_rtl()).then_some(("\u{202B}", "\u{202C}"))
    }

    /// Columns of padding before the first cell when aligned in `width` cells.
    pub fn indent(&self, width: usize) -> usize {
        // A terminal that takes the row's direction from the text aligns it.
        if self.layout.is_rtl() && self.layout.order != Order::LogicalFirstStrong {
            width.saturating_sub(self.width())
        } else {
            0
        }
    }

    /// Byte range of the original paragraph covered by this line (logical).
    pub fn source(&self) -> Range<usize> {
        let r = &self.line.clusters;
        if r.is_empty() {
            let at = self
                .layout
                .clusters
                .get(r.start as usize)
                .map_or_else(|| self.layout.source_len(), |c| c.source.0 as usize);
            return at..at;
        }
        let first = &self.layout.clusters[r.start as usize];
        let last = &self.layout.clusters[r.end as usize - 1];
        first.source.0 as usize..last.source.1 as usize
    }

    /// The painted clusters, leftmost first.
    pub fn cells(&self) -> impl Iterator<Item = Cell<'a>> + 'a {
        let layout = self.layout;
        let range = self.line.visual.start as usize..self.line.visual.end as usize;
        layout.visual[range].iter().map(move |&i| {
            let c = &layout.clusters[i as usize];
            let width = usize::from(c.width);
            let text = match c.kind {
                Kind::Tab => &SPACES[..width.min(SPACES.len())],
                _ => &layout.display[c.display.0 as usize..c.display.1 as usize],
            };
            Cell {
                text,
                width,
                source: c.source.0 as usize..c.source.1 as usize,
            }
        })
    }

    /// The byte range of the paragraph under screen column `column` of a
    /// row `width` cells wide (the indent counted): the cell painted there,
    /// or in the padding the nearest cell of the line; `None` for an empty
    /// line. Selections map through this, so whatever order the cells are
    /// painted in, a column names logical text.
    pub fn source_at(&self, column: usize, width: usize) -> Option<Range<usize>> {
        let mut x = self.indent(width);
        let mut last = None;
        // Cells of width zero are never painted, so no column shows them.
        for cell in self.cells().filter(|cell| cell.width > 0) {
            if column < x + cell.width {
                return Some(cell.source);
            }
            x += cell.width;
            last = Some(cell.source);
        }
        last
    }

    /// The screen column, in a row `width` cells wide (the indent
    /// counted), of the cell showing byte `offset` of the paragraph; for
    /// a byte no cell shows (a space hanging at the line's end, a mark of
    /// width zero), the cell of the nearest byte before it that one shows,
    /// else the line's first cell. `None` for an empty line.
    pub fn column_of(&self, offset: usize, width: usize) -> Option<usize> {
        let mut x = self.indent(width);
        // The painted cell whose text starts last at or before `offset`.
        let mut best: Option<(usize, usize)> = None;
        let mut first = None;
        for cell in self.cells().filter(|cell| cell.width > 0) {
            if cell.source.contains(&offset) {
                return Some(x);
            }
            first.get_or_insert(x);
            if cell.source.start <= offset
                && best.is_none_or(|(start, _)| cell.source.start > start)
            {
                best = Some((cell.source.start, x));
            }
            x += cell.width;
        }
        best.map(|(_, x)| x).or(first)
    }

    /// Appends the line to `out`; with `pad_to`, right-to-left lines are
    /// padded on the left to end at that column.
    pub fn write_to(&self, out: &mut String, pad_to: Option<usize>) {
        if let Some(width) = pad_to {
            let mut pad = self.indent(width);
            while pad > 0 {
                let n = pad.min(SPACES.len());
                out.push_str(&SPACES[..n]);
                pad -= n;
            }
        }
        let layout = self.layout;
        let visual = &layout.visual[self.line.visual.start as usize..self.line.visual.end as usize];
        for &i in visual {
            let c = &layout.clusters[i as usize];
            match c.kind {
                Kind::Tab => out.extend(std::iter::repeat_n(' ', usize::from(c.width))),
                _ => out.push_str(&layout.display[c.display.0 as usize..c.display.1 as usize]),
            }
        }
    }

    /// Appends the line to `out` as UTF-8 bytes, as [`VisualLine::write_to`]
    /// does to a string, for output that goes straight to a writer.
    pub fn write_bytes(&self, out: &mut Vec<u8>, pad_to: Option<usize>) {
        if let Some(width) = pad_to {
            let pad = self.indent(width);
            out.resize(out.len() + pad, b' ');
        }
        let layout = self.layout;
        let display = layout.display.as_bytes();
        let visual = &layout.visual[self.line.visual.start as usize..self.line.visual.end as usize];
        for &i in visual {
            let c = &layout.clusters[i as usize];
            if c.kind == Kind::Tab {
                out.resize(out.len() + usize::from(c.width), b' ');
                continue;
            }
            let bytes = &display[c.display.0 as usize..c.display.1 as usize];
            // Most clusters are one letter of two or three bytes: copies of
            // a known length compile to a store instead of a call to memcpy.
            match *bytes {
                [a, b] => out.extend_from_slice(&[a, b]),
                [a, b, c] => out.extend_from_slice(&[a, b, c]),
                [a] => out.push(a),
                _ => out.extend_from_slice(bytes),
            }
        }
    }

    /// The line as a string, without padding.
    pub fn text(&self) -> String {
        let mut s = String::new();
        self.write_to(&mut s, None);
        s
    }
}

impl Layout {
    /// The byte range of the grapheme cluster holding byte `offset` of the
    /// paragraph (the last cluster for an offset past the end); `None` for
    /// an empty paragraph.
    pub fn cluster_at(&self, offset: usize) -> Option<Range<usize>> {
        let i = self
            .clusters
            .partition_point(|c| c.source.1 as usize <= offset)
            .min(self.clusters.len().checked_sub(1)?);
        let c = &self.clusters[i];
        Some(c.source.0 as usize..c.source.1 as usize)
    }

    /// The visual line holding byte `offset` of the paragraph (the last
    /// line for an offset past the end).
    pub fn line_of(&self, offset: usize) -> usize {
        let cluster = self
            .clusters
            .partition_point(|c| c.source.1 as usize <= offset) as u32;
        self.lines
            .partition_point(|l| l.clusters.end <= cluster)
            .min(self.lines.len().saturating_sub(1))
    }

    fn source_len(&self) -> usize {
        self.clusters.last().map_or(0, |c| c.source.1 as usize)
    }
}

/// Scratch buffers reused across the steps of one layout.
#[derive(Default)]
struct Builder {
    chars: Vec<char>,
    ends: Vec<u32>,
    glyphs: Vec<char>,
    line_classes: Vec<BidiClass>,
    line_levels: Vec<u8>,
    unit_levels: Vec<u8>,
    unit_index: Vec<u32>,
    order: Vec<u32>,
    levels: bidi::Levels,
}

impl Builder {
    fn layout(&mut self, paragraph: &str, options: &LayoutOptions, layout: &mut Layout) {
        let max_width = options.width.max(1);
        let san = sanitize(paragraph);
        let text: &str = &san.text;
        // Decoded once; every step below indexes characters.
        self.chars.clear();
        self.chars.extend(text.chars());
        let chars = &self.chars;
        let mut bidi = std::mem::take(&mut self.levels);
        bidi::resolve_into(text, chars, options.direction, options.fallback, &mut bidi);
        let paragraph_level = bidi.paragraph_level;

        let shaped = options.shape && shape::needs_shaping(text);
        if shaped {
            shape::shape(chars, &bidi.levels, &mut self.glyphs);
        }
        // UAX #9 L4 is part of reordering: a terminal that reorders mirrors
        // too, unless it is known not to.
        let any_rtl =
            bidi.has_rtl() && matches!(options.order, Order::Visual | Order::LogicalMirrored);
        // In plain text a cluster is a base and the marks after it (UAX #29
        // GB9), found as the clusters are built below; other text is
        // segmented in full first.
        let plain = cluster::is_plain(chars);
        if !plain {
            cluster::cluster_ends(text, chars, &mut self.ends);
        }
        let mut full_ends = self.ends.iter();

        let mut display = std::mem::take(&mut layout.display);
        display.clear();
        display.reserve(text.len() + text.len() / 2);
        let mut clusters = std::mem::take(&mut layout.clusters);
        clusters.clear();
        clusters.reserve(text.len() / 2 + 1);
        let mut breaks = unicode_linebreak::linebreaks(text)
            .map(|(at, _)| at)
            .peekable();
        // Index of the cluster's first character, for the per-character
        // levels, classes and glyphs, and its byte offset in `text`.
        let mut ci = 0usize;
        let mut pos = 0usize;

        while ci < chars.len() {
            let first_char = ci;
            let cluster_end = if plain {
                let mut end = ci + 1;
                while end < chars.len() && cluster::plain(chars[end]) == Plain::Mark {
                    end += 1;
                }
                end
            } else {
                match full_ends.next() {
                    Some(&end) => end as usize,
                    None => break,
                }
            };
            let g_chars = &chars[first_char..cluster_end];
            let start = pos;
            let end = start + g_chars.iter().map(|c| c.len_utf8()).sum::<usize>();
            pos = end;
            let first = g_chars[0];
            let level = bidi.levels[ci];
            let class = bidi.classes[ci];
            let mut break_before = false;
            while let Some(&at) = breaks.peek() {
                if at > start {
                    break;
                }
                break_before |= at == start;
                breaks.next();
            }
            // Plain text has neither tabs nor bidi controls.
            let kind = if !plain && first == '\t' {
                Kind::Tab
            } else if !plain && g_chars.len() == 1 && bidi::is_bidi_control(first) {
                Kind::Control
            } else if class == BidiClass::WS {
                Kind::Space
            } else {
                Kind::Text
            };
            let display_start = display.len();
            let mut absorbed = false;
            match kind {
                Kind::Text => {
                    let mirror = any_rtl && level % 2 == 1;
                    for &c in g_chars {
                        let mut out = if shaped { self.glyphs[ci] } else { c };
                        ci += 1;
                        if out == '\0' {
                            absorbed |= ci == first_char + 1;
                            continue;
                        }
                        if !options.harakat && shape::is_vowel_mark(c) {
                            continue;
                        }
                        // UAX #9 L4: every mirrored character is ON.
                        if mirror && bidi.classes[ci - 1] == BidiClass::ON {
                            out = shape::mirror(c).unwrap_or(out);
                        }
                        display.push(out);
                    }
                }
                Kind::Space => {
                    for &c in g_chars {
                        if options.harakat || !shape::is_vowel_mark(c) {
                            display.push(c);
                        }
                    }
                    ci = cluster_end;
                }
                Kind::Tab | Kind::Control => ci = cluster_end,
            }
            let source = (san.original(start) as u32, san.original(end) as u32);
            // The alef a lam-alef ligature absorbed joins the lam's cluster:
            // one cell, never split by a line break.
            if absorbed && let Some(prev) = clusters.last_mut() {
                prev.display.1 = display.len() as u32;
                prev.source.1 = source.1;
                continue;
            }
            let shown = &display[display_start..];
            let mut width = match kind {
                Kind::Text | Kind::Space if plain => {
                    usize::from(cluster::plain(first) == Plain::Base)
                }
                Kind::Text | Kind::Space => cluster_width(shown),
                Kind::Tab | Kind::Control => 0,
            };
            if options.wrap && width > max_width {
                display.truncate(display_start);
                display.push_str(TOO_WIDE);
                width = 1;
            }
            clusters.push(Cluster {
                display: (display_start as u32, display.len() as u32),
                source,
                width: width.min(u16::MAX as usize) as u16,
                level,
                class,
                kind,
                break_before,
            });
        }

        layout.display = display;
        layout.clusters = clusters;
        layout.visual.clear();
        layout.lines.clear();
        layout.direction = bidi.direction();
        self.levels = bidi;
        layout.width = max_width;
        layout.order = options.order;
        if options.wrap {
            self.wrap(layout, max_width, paragraph_level, options.order);
        } else {
            let n = layout.clusters.len();
            let mut col = 0usize;
            for c in &mut layout.clusters {
                if c.kind == Kind::Tab {
                    c.width = (8 - col % 8) as u16;
                }
                col += usize::from(c.width);
            }
            self.finish_line(
                layout,
                0..n,
                true,
                usize::MAX,
                paragraph_level,
                options.order,
            );
        }
    }

    /// Greedy line breaking in logical order.
    fn wrap(&mut self, layout: &mut Layout, max_width: usize, paragraph_level: u8, order: Order) {
        let n = layout.clusters.len();
        let mut start = 0;
        loop {
            let mut col = 0usize;
            let mut last_break = None;
            let mut end = n;
            for i in start..n {
                let c = &mut layout.clusters[i];
                if i > start && c.break_before {
                    last_break = Some(i);
                }
                match c.kind {
                    Kind::Control => {}
                    Kind::Space | Kind::Tab => {
                        // Tabs are measured in logical order from the line start.
                        if c.kind == Kind::Tab {
                            c.width = (8 - col % 8) as u16;
                        }
                        col += usize::from(c.width);
                    }
                    Kind::Text => {
                        let w = usize::from(c.width);
                        if w > 0 && col + w > max_width {
                            end = match last_break {
                                Some(b) => b,
                                None if i > start => i,
                                None => i + 1,
                            };
                            break;
                        }
                        col += w;
                    }
                }
            }
            let last = end == n;
            self.finish_line(layout, start..end, last, max_width, paragraph_level, order);
            if last {
                break;
            }
            start = end;
        }
    }

    /// Hangs overflowing whitespace, then lists the line's painted
    /// clusters into `layout.visual`, reordered (L1, L2) or in logical
    /// order.
    fn finish_line(
        &mut self,
        layout: &mut Layout,
        range: Range<usize>,
        last: bool,
        max_width: usize,
        paragraph_level: u8,
        order: Order,
    ) {
        let clusters = &mut layout.clusters[range.clone()];
        // Whitespace at a break hangs; at the paragraph end it shows while it fits.
        let mut trailing = clusters.len();
        // Zero-width clusters (ZWSP, a lone mark) do not stop whitespace
        // before them from hanging.
        while trailing > 0
            && (matches!(
                clusters[trailing - 1].kind,
                Kind::Space | Kind::Tab | Kind::Control
            ) || clusters[trailing - 1].width == 0)
        {
            trailing -= 1;
        }
        let visual_start = layout.visual.len() as u32;
        let painted = |(i, c): (usize, &Cluster)| {
            (c.width > 0 && c.kind != Kind::Control).then_some((range.start + i) as u32)
        };
        // One pass hangs whitespace, measures the line, lists the painted
        // clusters in logical order and sees whether they share one level.
        let mut width: usize = 0;
        let mut one_level = true;
        for (i, c) in clusters.iter_mut().enumerate() {
            let hangs = i >= trailing
                && matches!(c.kind, Kind::Space | Kind::Tab)
                && (!last || width + usize::from(c.width) > max_width);
            if hangs {
                c.width = 0;
            }
            width += usize::from(c.width);
            one_level &= c.level == paragraph_level;
            if let Some(index) = painted((i, c)) {
                layout.visual.push(index);
            }
        }

        if order.is_logical() {
            // The painted clusters as they are.
        } else if one_level {
            // One level throughout (most lines of prose): L1 changes nothing
            // and L2 reverses the whole line or nothing.
            if paragraph_level % 2 == 1 {
                layout.visual[visual_start as usize..].reverse();
            }
        } else {
            layout.visual.truncate(visual_start as usize);
            // UAX #9 L1 over all clusters of the line.
            self.line_classes.clear();
            self.line_levels.clear();
            for c in clusters.iter() {
                self.line_classes.push(c.class);
                self.line_levels.push(c.level);
            }
            bidi::apply_l1(&self.line_classes, &mut self.line_levels, paragraph_level);

            // L2 over every cluster of the line but the unpainted ones X9
            // removes, whose levels are arbitrary and could split a run.
            // The rest take part even when they are not painted: an
            // isolate initiator or a PDI takes its level with the text
            // outside its isolate (X5a–X6a, BD13), so it can end the runs
            // on either side of it; left out, a run before an isolate
            // would join one inside it and be reversed with it. Unpainted
            // units are dropped after.
            self.unit_levels.clear();
            self.unit_index.clear();
            for (i, c) in clusters.iter().enumerate() {
                let index = painted((i, c));
                if index.is_some() || !bidi::is_removed_by_x9(c.class) {
                    self.unit_levels.push(self.line_levels[i]);
                    self.unit_index.push(index.unwrap_or(UNPAINTED));
                }
            }
            self.order.clear();
            bidi::visual_order(&self.unit_levels, &mut self.order);
            layout.visual.extend(
                self.order
                    .iter()
                    .map(|&k| self.unit_index[k as usize])
                    .filter(|&index| index != UNPAINTED),
            );
        }
        layout.lines.push(Line {
            clusters: range.start as u32..range.end as u32,
            visual: visual_start..layout.visual.len() as u32,
            width: u32::try_from(width).unwrap_or(u32::MAX),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str, width: usize) -> Vec<String> {
        let options = LayoutOptions {
            width,
            ..LayoutOptions::default()
        };
        Layout::new(text, &options)
            .lines()
            .map(|l| l.text())
            .collect()
    }

    #[test]
    fn latin_wraps_at_spaces() {
        assert_eq!(lines("hello big world", 10), ["hello big", "world"]);
    }

    #[test]
    fn arabic_is_reversed_and_shaped() {
        // Seen initial, lam-alef final ligature, meem isolated; reversed for display.
        let out = lines("سلام", 80);
        assert_eq!(out, ["\u{FEE1}\u{FEFC}\u{FEB3}"]);
    }

    #[test]
    fn logical_order_keeps_the_text_as_typed_and_unmirrored() {
        let options = LayoutOptions {
            width: 12,
            shape: false,
            order: Order::Logical,
            ..LayoutOptions::default()
        };
        let text = "مرحبا (2024) بالعالم الواسع";
        let layout = Layout::new(text, &options);
        let lines: Vec<String> = layout.lines().map(|l| l.text()).collect();
        // Broken where visual order breaks it, each line a logical slice
        // with its brackets as typed; still aligned right.
        let visual = Layout::new(
            text,
            &LayoutOptions {
                order: Order::Visual,
                ..options
            },
        );
        assert_eq!(lines.len(), visual.line_count());
        for (line, vline) in layout.lines().zip(visual.lines()) {
            assert_eq!(line.source(), vline.source());
            assert_eq!(line.text(), text[line.source()].trim_end());
        }
        assert_eq!(lines[0], "مرحبا (2024)");
        assert!(layout.is_rtl());
    }

    #[test]
    fn logical_mirrored_order_mirrors_at_odd_levels_and_shapes() {
        let text = "مرحبا (لا) qari (x)";
        let options = LayoutOptions {
            wrap: false,
            order: Order::LogicalMirrored,
            ..LayoutOptions::default()
        };
        let line = Layout::new(text, &options).line(0).map(|l| l.text());
        // Logical order, presentation forms (the lam-alef ligature one
        // cell), brackets inside the right-to-left text mirrored, the ones
        // around the Latin word as typed.
        assert_eq!(
            line.as_deref(),
            Some("\u{FEE3}\u{FEAE}\u{FEA3}\u{FE92}\u{FE8E} )\u{FEFB}( qari (x)")
        );
        let plain = Layout::new(
            text,
            &LayoutOptions {
                order: Order::Logical,
                ..options
            },
        );
        assert!(
            plain
                .line(0)
                .is_some_and(|l| l.text().contains("(\u{FEFB})"))
        );
    }

    #[test]
    fn an_unwrapped_line_may_be_wider_than_u16() {
        // From column 0 every tab takes a whole 8-cell stop.
        let text = "\t".repeat(9_000);
        let options = LayoutOptions {
            wrap: false,
            ..LayoutOptions::default()
        };
        let layout = Layout::new(&text, &options);
        let line = layout.line(0).expect("a paragraph has a line");
        let cells: usize = line.cells().map(|c| c.width).sum();
        assert_eq!(cells, 9_000 * 8);
        assert_eq!(line.width(), cells);
    }

    #[test]
    fn laying_out_again_in_place_equals_a_new_layout() {
        let texts = [
            "مرحبا (2024) بالعالم الواسع، hello world",
            "",
            "a\tb\u{202E}cd\u{202C} «ف»",
            "لَا إله",
        ];
        for options in [
            LayoutOptions {
                width: 9,
                ..LayoutOptions::default()
            },
            LayoutOptions {
                wrap: false,
                order: Order::Logical,
                ..LayoutOptions::default()
            },
        ] {
            let mut reused = Layout::new(texts[0], &options);
            for text in texts.iter().chain(texts.iter().rev()) {
                reused.lay_out(text, &options);
                let fresh = Layout::new(text, &options);
                assert_eq!(reused.line_count(), fresh.line_count(), "{text:?}");
                assert_eq!(reused.direction(), fresh.direction(), "{text:?}");
                for (a, b) in reused.lines().zip(fresh.lines()) {
                    assert_eq!(a.source(), b.source(), "{text:?}");
                    assert_eq!(a.width(), b.width(), "{text:?}");
                    assert!(a.cells().eq(b.cells()), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn empty_paragraph_has_one_empty_line() {
        assert_eq!(lines("", 10), [""]);
    }
}
