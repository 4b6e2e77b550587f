//! A structured document's lines laid out for a pane: each content line
//! becomes rows of text pieces (laid out by the engine, each in its own
//! direction) and furniture (list markers, quote bars, table borders),
//! placed on the side the block's direction puts them: the marker and the
//! bar of a right-to-left item are on its right, the first column of a
//! right-to-left table is the rightmost.

use std::ops::Range;
use std::rc::Rc;

use super::content::{Content, Line, Role};
use super::{Align, Kind, Style};
use crate::text::elide;
use crate::text::{BaseDirection, Direction, Layout, LayoutOptions, dominant_direction};

/// A line of laid-out text, placed in a row.
#[derive(Debug, Clone)]
pub struct Piece {
    /// Its first column in the pane.
    pub x: usize,
    /// The columns it is aligned in.
    pub width: usize,
    /// The laid-out text.
    pub layout: Rc<Layout>,
    /// Which of its lines.
    pub line: usize,
    /// Where the laid-out text starts in the unit's text (its sources are
    /// counted from there).
    pub base: usize,
}

/// One row of the pane.
#[derive(Debug, Clone, Default)]
pub struct Row {
    /// The text in it (none in a border row, several in a table row).
    pub pieces: Vec<Piece>,
    /// What is drawn around the text: its first column and what.
    pub furniture: Vec<(usize, String)>,
}

/// How a unit's text is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// As running text.
    Text,
    /// A heading of that level.
    Heading(u8),
    /// Code.
    Code,
    /// Secondary: a link's target.
    Dim,
}

/// A unit laid out.
#[derive(Debug, Clone)]
pub struct Shape {
    /// Its rows, top to bottom.
    pub rows: Vec<Row>,
    /// How its text is drawn.
    pub tone: Tone,
    /// Styled byte ranges of the unit's text.
    pub spans: Vec<(Range<usize>, Style)>,
}

impl Shape {
    /// A paragraph of plain text: each of its lines a row.
    pub fn plain(layout: Rc<Layout>, width: usize) -> Shape {
        Shape {
            rows: (0..layout.line_count())
                .map(|line| Row {
                    pieces: vec![Piece {
                        x: 0,
                        width,
                        layout: Rc::clone(&layout),
                        line,
                        base: 0,
                    }],
                    furniture: Vec::new(),
                })
                .collect(),
            tone: Tone::Text,
            spans: Vec::new(),
        }
    }

    /// Where row `row` starts in the unit's text (its first piece's first
    /// byte; a row without text starts where the unit does, or, after
    /// text, where the text before it ended).
    pub fn row_start(&self, row: usize) -> usize {
        self.rows[..=row.min(self.rows.len().saturating_sub(1))]
            .iter()
            .rev()
            .find_map(|r| {
                r.pieces
                    .iter()
                    .filter_map(|p| Some(p.base + p.layout.line(p.line)?.source().start))
                    .min()
            })
            .unwrap_or(0)
    }

    /// The bytes of the unit's text row `row` shows.
    pub fn row_source(&self, row: usize) -> Option<Range<usize>> {
        let sources = self.rows.get(row)?.pieces.iter().filter_map(|p| {
            let source = p.layout.line(p.line)?.source();
            Some(p.base + source.start..p.base + source.end)
        });
        sources.reduce(|a, b| a.start.min(b.start)..a.end.max(b.end))
    }

    /// The piece of row `row` under column `column`, else the nearest.
    fn piece_at(&self, row: usize, column: usize) -> Option<&Piece> {
        let pieces = &self.rows.get(row)?.pieces;
        pieces
            .iter()
            .find(|p| (p.x..p.x + p.width).contains(&column))
            .or_else(|| {
                pieces
                    .iter()
                    .min_by_key(|p| p.x.abs_diff(column).min((p.x + p.width).abs_diff(column)))
            })
    }

    /// The cluster (bytes of the unit's text) shown at column `column` of
    /// row `row`, or the nearest one in that row.
    pub fn source_at(&self, row: usize, column: usize) -> Option<Range<usize>> {
        let piece = self.piece_at(row, column)?;
        let line = piece.layout.line(piece.line)?;
        let source = line.source_at(column.saturating_sub(piece.x), piece.width)?;
        Some(piece.base + source.start..piece.base + source.end)
    }

    /// The piece of row `row` that holds byte `offset`, and the line.
    fn piece_holding(&self, row: usize, offset: usize) -> Option<&Piece> {
        let pieces = &self.rows.get(row)?.pieces;
        pieces
            .iter()
            .find(|p| {
                p.layout.line(p.line).is_some_and(|l| {
                    let s = l.source();
                    (p.base + s.start..(p.base + s.end).max(p.base + s.start + 1)).contains(&offset)
                })
            })
            .or_else(|| pieces.first())
    }

    /// The column of the cell showing byte `offset` in row `row`.
    pub fn column_of(&self, row: usize, offset: usize) -> Option<usize> {
        let piece = self.piece_holding(row, offset)?;
        let line = piece.layout.line(piece.line)?;
        Some(piece.x + line.column_of(offset.saturating_sub(piece.base), piece.width)?)
    }

    /// The cluster painted beside the one showing byte `offset` in row
    /// `row`: on its right, or on its left.
    pub fn beside(&self, row: usize, offset: usize, right: bool) -> Option<Range<usize>> {
        let piece = self.piece_holding(row, offset)?;
        let line = piece.layout.line(piece.line)?;
        let next = crate::text::select::beside(
            &line,
            offset.saturating_sub(piece.base),
            piece.width,
            right,
        )?;
        Some(piece.base + next.start..piece.base + next.end)
    }

    /// The grapheme cluster holding byte `offset` of the unit's text.
    pub fn cluster_at(&self, offset: usize) -> Option<Range<usize>> {
        let mut best: Option<&Piece> = None;
        for row in &self.rows {
            for p in &row.pieces {
                if p.base <= offset && best.is_none_or(|b| p.base >= b.base) {
                    best = Some(p);
                }
            }
        }
        let piece = best?;
        let cluster = piece.layout.cluster_at(offset - piece.base)?;
        Some(piece.base + cluster.start..piece.base + cluster.end)
    }

    /// The text of row `row`'s pieces, left to right, as painted (for tests
    /// and messages).
    pub fn row_text(&self, row: usize) -> String {
        let Some(r) = self.rows.get(row) else {
            return String::new();
        };
        let mut pieces: Vec<&Piece> = r.pieces.iter().collect();
        pieces.sort_by_key(|p| p.x);
        pieces
            .iter()
            .filter_map(|p| p.layout.line(p.line).map(|l| l.text()))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Row `row` as a line of text `width` cells wide: furniture and
    /// pieces where they are painted, trailing spaces left out.
    pub fn row_string(&self, row: usize, width: usize) -> String {
        use unicode_segmentation::UnicodeSegmentation;
        let Some(r) = self.rows.get(row) else {
            return String::new();
        };
        // One entry per cell; a wide cluster's second cell is empty.
        let mut cells = vec![" ".to_string(); width];
        for (x, furniture) in &r.furniture {
            for (i, g) in furniture.graphemes(true).enumerate() {
                if let Some(cell) = cells.get_mut(x + i) {
                    *cell = g.to_string();
                }
            }
        }
        for p in &r.pieces {
            let Some(visual) = p.layout.line(p.line) else {
                continue;
            };
            let mut x = p.x + visual.indent(p.width);
            for cell in visual.cells() {
                if cell.width == 0 {
                    continue;
                }
                if x + cell.width <= width {
                    cells[x] = cell.text.to_string();
                    for k in 1..cell.width {
                        cells[x + k] = String::new();
                    }
                }
                x += cell.width;
            }
        }
        cells.concat().trim_end().to_string()
    }

    /// The row showing byte `offset` of the unit's text.
    pub fn row_of(&self, offset: usize) -> usize {
        let mut found = 0;
        for (i, row) in self.rows.iter().enumerate() {
            for p in &row.pieces {
                if let Some(line) = p.layout.line(p.line) {
                    let source = line.source();
                    if p.base + source.start <= offset {
                        found = i;
                    }
                }
            }
        }
        found
    }
}

/// Cells a level of list nesting takes.
const LIST_STEP: usize = 3;
/// Cells a level of quoting takes (the bar and a space).
const QUOTE_STEP: usize = 2;
/// The quote bar.
const BAR: &str = "▎";

/// A whole structured document laid out as lines of text `width` cells
/// wide (what `qari render` prints of it): its rows, a blank line where the
/// reader leaves a blank row.
pub fn render_lines(content: &Content, width: usize, options: &LayoutOptions) -> Vec<String> {
    let mut out = Vec::new();
    for line in &content.lines {
        if line.start >= 2 && content.text[..line.start].ends_with("\n\n") {
            out.push(String::new());
        }
        let text = &content.text[line.start..line.start + line.len];
        let shape = shape(
            content,
            line,
            0,
            text,
            width,
            &LayoutOptions { width, ..*options },
        );
        for row in 0..shape.rows.len() {
            out.push(shape.row_string(row, width));
        }
    }
    out
}

/// Lays out the unit of `content`'s line `line` whose text is `text`,
/// starting `offset` bytes into the line, for a pane `width` cells wide.
/// `options` are the reader's (shaping, marks, order); the direction,
/// width and shaping of each piece follow its block.
pub fn shape(
    content: &Content,
    line: &Line,
    offset: usize,
    text: &str,
    width: usize,
    options: &LayoutOptions,
) -> Shape {
    let block = content.block(line);
    let fallback = content.doc.direction.unwrap_or(options.fallback);
    let direction = match block.direction {
        Some(Direction::Rtl) => BaseDirection::Rtl,
        Some(Direction::Ltr) => BaseDirection::Ltr,
        None => BaseDirection::Auto,
    };
    let quote = usize::from(block.quote) * QUOTE_STEP;
    let (indent, marker) = match (&block.kind, line.role) {
        (Kind::Item { marker, depth }, Role::Text) => (
            usize::from(*depth) * LIST_STEP + LIST_STEP.max(elide::width(marker) + 1),
            (offset == 0).then(|| marker.clone()),
        ),
        (Kind::Code { .. }, _) => (usize::from(block.indent) * LIST_STEP + 2, None),
        _ => (usize::from(block.indent) * LIST_STEP, None),
    };
    let spans = match line.role {
        Role::Text => shift(&block.inline.spans, offset),
        Role::Reference => vec![(0..text.len(), Style::DIM)],
        _ => Vec::new(),
    };
    let tone = match (&block.kind, line.role) {
        (_, Role::Reference) => Tone::Dim,
        (Kind::Heading(level), _) => Tone::Heading(*level),
        (_, Role::Code) => Tone::Code,
        _ => Tone::Text,
    };
    if let Role::Row(row) = line.role
        && let Kind::Table(table) = &block.kind
    {
        let (mut shape, rtl) = table_rows(
            table,
            row,
            line,
            text,
            width.saturating_sub(quote),
            options,
            direction,
            fallback,
        );
        if !rtl {
            for row in shape.rows.iter_mut() {
                row.furniture.iter_mut().for_each(|(x, _)| *x += quote);
                row.pieces.iter_mut().for_each(|p| p.x += quote);
            }
        }
        place_quote(&mut shape, block.quote, quote, width, rtl);
        return shape;
    }
    if line.role == Role::Rule {
        let room = width.saturating_sub(quote).max(1);
        let mut shape = Shape {
            rows: vec![Row {
                pieces: Vec::new(),
                furniture: vec![(0, "─".repeat(room))],
            }],
            tone: Tone::Dim,
            spans: Vec::new(),
        };
        let rtl = fallback == Direction::Rtl;
        if !rtl {
            shape.rows[0].furniture[0].0 = quote;
        }
        place_quote(&mut shape, block.quote, quote, width, rtl);
        return shape;
    }
    let code = line.role == Role::Code;
    // Deep nesting takes at most half the pane: the text keeps the rest.
    let inset = (quote + indent).min(width / 2);
    let room = width.saturating_sub(inset).max(1);
    let layout = Rc::new(Layout::new(
        text,
        &LayoutOptions {
            width: room,
            // Code and addresses run left to right.
            direction: if code || line.role == Role::Reference {
                BaseDirection::Ltr
            } else {
                direction
            },
            fallback,
            shape: options.shape,
            ..*options
        },
    ));
    let rtl = layout.is_rtl();
    let x = if rtl { 0 } else { inset };
    let mut rows: Vec<Row> = (0..layout.line_count())
        .map(|i| Row {
            pieces: vec![Piece {
                x,
                width: room,
                layout: Rc::clone(&layout),
                line: i,
                base: 0,
            }],
            furniture: Vec::new(),
        })
        .collect();
    if let (Some(marker), Some(first)) = (marker, rows.first_mut()) {
        let depth = match &block.kind {
            Kind::Item { depth, .. } => usize::from(*depth) * LIST_STEP,
            _ => 0,
        };
        // A number's full stop follows it in reading order: on its left
        // in a right-to-left item (".1"), as browsers show it.
        let marker = if rtl {
            Layout::new(
                &marker,
                &LayoutOptions {
                    width: 16,
                    direction: BaseDirection::Rtl,
                    ..*options
                },
            )
            .line(0)
            .map_or(marker, |l| l.text())
        } else {
            marker
        };
        let marker_width = elide::width(&marker);
        let from_edge = (quote + depth).min(inset.saturating_sub(marker_width + 1));
        let at = if rtl {
            // Right of the text, a space between.
            width.saturating_sub(from_edge + marker_width)
        } else {
            from_edge
        };
        if marker_width < inset {
            first.furniture.push((at, marker));
        }
    }
    let mut shape = Shape { rows, tone, spans };
    place_quote(&mut shape, block.quote, inset, width, rtl);
    shape
}

/// Draws a block quote's bars, one per level, on the side its text starts.
fn place_quote(shape: &mut Shape, levels: u8, inset: usize, width: usize, rtl: bool) {
    if levels == 0 {
        return;
    }
    // As many bars as the inset has room for.
    let levels = usize::from(levels).min(inset.div_ceil(QUOTE_STEP));
    for row in shape.rows.iter_mut() {
        for level in 0..levels {
            let at = if rtl {
                width - 1 - level * QUOTE_STEP
            } else {
                level * QUOTE_STEP
            };
            row.furniture.push((at, BAR.to_string()));
        }
    }
}

/// Moves spans `offset` bytes back (a unit that starts inside its line).
fn shift(spans: &[(Range<usize>, Style)], offset: usize) -> Vec<(Range<usize>, Style)> {
    spans
        .iter()
        .filter(|(r, _)| r.end > offset)
        .map(|(r, s)| (r.start.saturating_sub(offset)..r.end - offset, *s))
        .collect()
}

/// Column widths for a table in `room` cells: each column as wide as its
/// widest cell when they all fit, else shared by need, no column narrower
/// than its longest word (or three cells) unless even that does not fit.
pub fn column_widths(cells: &[Vec<String>], columns: usize, room: usize) -> Vec<usize> {
    let mut natural = vec![1usize; columns];
    let mut least = vec![1usize; columns];
    for row in cells {
        for (c, cell) in row.iter().enumerate().take(columns) {
            natural[c] = natural[c].max(elide::width(cell));
            let word = cell.split_whitespace().map(elide::width).max().unwrap_or(1);
            least[c] = least[c].max(word.min(12));
        }
    }
    // Borders: one before each column and one after the last; a space of
    // padding each side of a cell.
    let furniture = columns + 1 + 2 * columns;
    let room = room.saturating_sub(furniture).max(columns);
    let total: usize = natural.iter().sum();
    if total <= room {
        return natural;
    }
    // Words are not broken while the longest of every column fit.
    let floor: Vec<usize> = if least.iter().sum::<usize>() <= room {
        least.clone()
    } else {
        least.iter().map(|&l| l.min(3)).collect()
    };
    let mut widths: Vec<usize> = natural
        .iter()
        .zip(&floor)
        .map(|(&n, &f)| (n * room / total.max(1)).max(f))
        .collect();
    // Trim the widest until they fit.
    while widths.iter().sum::<usize>() > room {
        let (i, _) = widths
            .iter()
            .enumerate()
            .max_by_key(|(_, w)| **w)
            .expect("a column");
        if widths[i] <= 1 {
            break;
        }
        widths[i] -= 1;
    }
    widths
}

/// A table row's rows: its cells laid out each in its column (as many
/// rows as its tallest cell), with borders, the top border above the
/// first row, a rule under the header and the bottom border under the
/// last row. Returns it and whether the table runs right to left.
#[allow(clippy::too_many_arguments)]
fn table_rows(
    table: &super::Table,
    row: usize,
    line: &Line,
    text: &str,
    width: usize,
    options: &LayoutOptions,
    direction: BaseDirection,
    fallback: Direction,
) -> (Shape, bool) {
    let columns = table.columns().max(1);
    let cells: Vec<Vec<String>> = table
        .all_rows()
        .map(|r| r.iter().map(|c| c.text.clone()).collect())
        .collect();
    let widths = column_widths(&cells, columns, width);
    // The table's direction: as said, else its header's (or first row's).
    let rtl = match direction {
        BaseDirection::Rtl => true,
        BaseDirection::Ltr => false,
        BaseDirection::Auto => {
            let sample: String = cells.first().map(|r| r.join(" ")).unwrap_or_default();
            match dominant_direction(&sample) {
                Direction::Rtl => true,
                Direction::Ltr if sample.chars().any(char::is_alphabetic) => false,
                Direction::Ltr => fallback == Direction::Rtl,
            }
        }
    };
    // Too narrow for the columns even at their narrowest: each row is
    // shown as its line of cells, wrapped, so no text is lost.
    if 1 + widths.iter().map(|w| w + 3).sum::<usize>() > width {
        let layout = Rc::new(Layout::new(
            text,
            &LayoutOptions {
                width: width.max(1),
                fallback: if rtl { Direction::Rtl } else { Direction::Ltr },
                ..*options
            },
        ));
        let mut shape = Shape::plain(layout, width.max(1));
        shape.tone = Tone::Text;
        return (shape, rtl);
    }
    // Each column's first cell, from the left.
    let mut starts = Vec::with_capacity(columns);
    let mut x = 1;
    let order: Vec<usize> = if rtl {
        (0..columns).rev().collect()
    } else {
        (0..columns).collect()
    };
    let mut left_of = vec![0; columns];
    for &c in &order {
        left_of[c] = x + 1;
        x += widths[c] + 3;
    }
    starts.extend(left_of.iter().copied());
    let total = x;
    let offset_x = if rtl { width.saturating_sub(total) } else { 0 };
    let border = |left: &str, join: &str, right: &str| -> String {
        let mut s = String::from(left);
        for (i, &c) in order.iter().enumerate() {
            s.push_str(&"─".repeat(widths[c] + 2));
            s.push_str(if i + 1 == order.len() { right } else { join });
        }
        s
    };
    let mut layouts = Vec::new();
    for (c, range) in line.cells.iter().enumerate().take(columns) {
        let cell = &text[range.start.min(text.len())..range.end.min(text.len())];
        let align = table.align.get(c).copied().unwrap_or_default();
        let layout = Layout::new(
            cell,
            &LayoutOptions {
                width: widths[c].max(1),
                direction: match align {
                    Align::Left => BaseDirection::Ltr,
                    Align::Right => BaseDirection::Rtl,
                    _ => BaseDirection::Auto,
                },
                fallback: if rtl { Direction::Rtl } else { Direction::Ltr },
                ..*options
            },
        );
        layouts.push((c, Rc::new(layout), range.start));
    }
    let height = layouts
        .iter()
        .map(|(_, l, _)| l.line_count())
        .max()
        .unwrap_or(1)
        .max(1);
    let mut rows = Vec::new();
    if row == 0 {
        rows.push(Row {
            pieces: Vec::new(),
            furniture: vec![(offset_x, border("┌", "┬", "┐"))],
        });
    }
    for i in 0..height {
        let mut r = Row::default();
        let mut bar = offset_x;
        for &c in &order {
            r.furniture.push((bar, "│".to_string()));
            bar += widths[c] + 3;
        }
        r.furniture.push((bar, "│".to_string()));
        for (c, layout, base) in &layouts {
            if i < layout.line_count() {
                let x = offset_x + starts[*c];
                let centred = matches!(table.align.get(*c), Some(Align::Center));
                let w = layout.line(i).map_or(0, |l| l.width());
                let (x, piece_width) = if centred {
                    (x + (widths[*c].saturating_sub(w)) / 2, w.max(1))
                } else {
                    (x, widths[*c])
                };
                r.pieces.push(Piece {
                    x,
                    width: piece_width,
                    layout: Rc::clone(layout),
                    line: i,
                    base: *base,
                });
            }
        }
        rows.push(r);
    }
    let last = table.all_rows().count().saturating_sub(1);
    if row == 0 && table.header.is_some() && last > 0 {
        rows.push(Row {
            pieces: Vec::new(),
            furniture: vec![(offset_x, border("├", "┼", "┤"))],
        });
    }
    if row == last {
        rows.push(Row {
            pieces: Vec::new(),
            furniture: vec![(offset_x, border("└", "┴", "┘"))],
        });
    }
    let mut spans = Vec::new();
    let header = row == 0 && table.header.is_some();
    for (c, cell) in table.all_rows().nth(row).into_iter().flatten().enumerate() {
        let Some(range) = line.cells.get(c) else {
            continue;
        };
        if header {
            spans.push((range.clone(), Style::STRONG));
        }
        for (r, s) in &cell.spans {
            spans.push((range.start + r.start..range.start + r.end, *s));
        }
    }
    (
        Shape {
            rows,
            tone: Tone::Text,
            spans,
        },
        rtl,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::markdown;

    /// The rows of every line of a Markdown text at `width`, as text.
    fn screen(markdown: &str, width: usize) -> Vec<String> {
        let content = Content::new(markdown::parse(markdown));
        let options = LayoutOptions::default();
        let mut out = Vec::new();
        for line in &content.lines {
            let text = &content.text[line.start..line.start + line.len];
            let shape = shape(&content, line, 0, text, width, &options);
            for row in 0..shape.rows.len() {
                out.push(shape.row_string(row, width));
            }
        }
        out
    }

    #[test]
    fn an_rtl_list_has_its_markers_on_the_right() {
        // A number's full stop on its left, as read right to left.
        assert_eq!(screen("1. אחת\n", 12), ["      תחא .1"]);
        let rows = screen("- אחת\n- שתיים\n  - פנימי\n", 20);
        // The marker on the right, as "1. " or "•  " on the left of an
        // English item; a nested item one step further in.
        assert_eq!(
            rows,
            [
                "              תחא  •",
                "            םייתש  •",
                "         ימינפ  ◦"
            ]
        );
    }

    #[test]
    fn an_ltr_list_and_code_keep_to_the_left() {
        let rows = screen("1. one\n2. two\n\n```\nfn x() {\n    y\n}\n```\n", 20);
        assert_eq!(rows, ["1. one", "2. two", "  fn x() {", "      y", "  }"]);
    }

    #[test]
    fn an_rtl_table_puts_its_first_column_on_the_right() {
        let rows = screen("| א | ב |\n|---|---|\n| 1 | abc |\n", 30);
        assert_eq!(
            rows,
            [
                "                   ┌─────┬───┐",
                "                   │   ב │ א │",
                "                   ├─────┼───┤",
                "                   │ abc │ 1 │",
                "                   └─────┴───┘",
            ]
        );
    }

    #[test]
    fn a_quote_has_its_bar_on_the_side_it_starts() {
        assert_eq!(screen("> quoted\n", 12), ["▎ quoted"]);
        assert_eq!(screen("> מצוטט\n", 12), ["     טטוצמ ▎"]);
    }

    #[test]
    fn column_widths_share_the_room() {
        let cells = vec![
            vec!["a".to_string(), "b".repeat(50)],
            vec!["cc".into(), "d".into()],
        ];
        assert_eq!(column_widths(&cells, 2, 80), [2, 50]);
        let narrow = column_widths(&cells, 2, 30);
        assert!(narrow.iter().sum::<usize>() <= 30 - 7, "{narrow:?}");
        assert!(narrow[0] >= 1);
    }
}
