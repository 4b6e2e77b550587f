//! A document's content: what the reader lays out, searches and anchors
//! positions in. One line per block (a code block a line per code line, a
//! table a line per row), with a blank line where the screen leaves a
//! blank row; each line says which block it shows and how. A link's text
//! is followed by its reference number (`[1]`), and after its block the
//! numbered targets are listed, so that a sentence is never cut by a URL.

use std::ops::Range;

use super::{Block, Doc, Inline, Kind, Style};

/// What a line of the content shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A block's text (a heading, a paragraph, an item…).
    Text,
    /// One line of a code block.
    Code,
    /// A row of a table: 0 is the first row (the header, when it has one).
    Row(usize),
    /// A thematic break.
    Rule,
    /// A link's target, listed after its block.
    Reference,
}

/// One line of the content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Its first byte in the content.
    pub start: usize,
    /// Its length in bytes (without the line ending).
    pub len: usize,
    /// The block it shows.
    pub block: usize,
    /// How.
    pub role: Role,
    /// For a table row: each cell's bytes, relative to the line's start.
    pub cells: Vec<Range<usize>>,
}

/// A document's content.
#[derive(Debug, Clone, Default)]
pub struct Content {
    /// The text: the blocks' lines, blank lines between blocks.
    pub text: String,
    /// Its lines, in order.
    pub lines: Vec<Line>,
    /// The document, its inline texts with their reference numbers.
    pub doc: Doc,
    /// Pages of the printed edition: where each starts in the text.
    pub pages: Vec<(usize, super::Page)>,
    /// Where each block's first line starts.
    pub block_starts: Vec<usize>,
    /// The links numbered in the text (`[1]` is the first): their targets;
    /// one starting with `#` is a place in the document.
    pub references: Vec<String>,
    /// The lines that are headings, by their index in `lines`.
    pub heading_lines: Vec<usize>,
    /// Each block's key in its source, in order (never decreasing): the
    /// byte it starts at in the text it was parsed from when the parser
    /// says (Markdown, OpenITI), else its number (HTML, a book).
    pub keys: Vec<usize>,
}

/// What an empty line of code shows: nothing, but a blank line would end
/// the block.
pub const EMPTY_CODE_LINE: &str = "\u{200B}";
/// What a thematic break's line holds.
pub const RULE_TEXT: &str = "⁂";
/// Between the cells of a row's line.
pub const CELL_SEPARATOR: &str = " │ ";

impl Content {
    /// Lays a document's blocks out as lines.
    pub fn new(doc: Doc) -> Content {
        let mut content = Content {
            doc: Doc {
                title: doc.title,
                direction: doc.direction,
                toc: doc.toc,
                anchors: doc.anchors,
                blocks: Vec::with_capacity(doc.blocks.len()),
            },
            ..Content::default()
        };
        let sourced = doc.blocks.iter().all(|b| b.source.is_some());
        content.keys = doc
            .blocks
            .iter()
            .enumerate()
            .scan(0, |last, (index, block)| {
                let key = if sourced {
                    block.source.unwrap_or(0)
                } else {
                    index
                };
                *last = key.max(*last);
                Some(*last)
            })
            .collect();
        for (index, block) in doc.blocks.into_iter().enumerate() {
            let (block, targets) = numbered(block, &mut content.references);
            let before = content.lines.len();
            content.lines_of(index, &block);
            content.block_starts.push(
                content
                    .lines
                    .get(before)
                    .map_or(content.text.len(), |l| l.start),
            );
            if let Some(line) = content.lines.get(before) {
                let (start, len) = (line.start, line.len);
                for (at, page) in &block.pages {
                    content.pages.push((start + (*at).min(len), page.clone()));
                }
            }
            // Addresses are listed after the block; places in the document
            // are only numbered (`:[n]` goes there).
            for (n, target) in targets.into_iter().filter(|(_, t)| !t.starts_with('#')) {
                content.push(&format!("[{n}] {target}"), index, Role::Reference, true);
            }
            content.doc.blocks.push(block);
        }
        content.heading_lines = (0..content.lines.len())
            .filter(|&i| {
                let line = &content.lines[i];
                line.role == Role::Text && matches!(content.block(line).kind, Kind::Heading(_))
            })
            .collect();
        content
    }

    /// Appends a line (after a blank line unless `tight`).
    fn push(&mut self, text: &str, block: usize, role: Role, tight: bool) -> usize {
        if !tight && !self.text.is_empty() {
            self.text.push('\n');
        }
        let start = self.text.len();
        // A line ending inside would split the line: never in a block's text.
        let text = if text.trim().is_empty() {
            EMPTY_CODE_LINE
        } else {
            text
        };
        self.text.push_str(text);
        self.text.push('\n');
        self.lines.push(Line {
            start,
            len: text.len(),
            block,
            role,
            cells: Vec::new(),
        });
        start
    }

    fn lines_of(&mut self, index: usize, block: &Block) {
        let tight = block.tight;
        match &block.kind {
            Kind::Code { .. } => {
                for (i, line) in block.inline.text.split('\n').enumerate() {
                    self.push(line, index, Role::Code, tight || i > 0);
                }
            }
            Kind::Table(table) => {
                for (i, row) in table.all_rows().enumerate() {
                    let mut text = String::new();
                    let mut cells = Vec::new();
                    for (c, cell) in row.iter().enumerate() {
                        if c > 0 {
                            text.push_str(CELL_SEPARATOR);
                        }
                        let start = text.len();
                        text.push_str(&cell.text);
                        cells.push(start..text.len());
                    }
                    // A row of empty cells still needs a character.
                    let offset = if text.trim().is_empty() {
                        EMPTY_CODE_LINE.len()
                    } else {
                        0
                    };
                    self.push(&text, index, Role::Row(i), tight || i > 0);
                    if let Some(line) = self.lines.last_mut() {
                        line.cells = cells
                            .into_iter()
                            .map(|r| {
                                (r.start + offset).min(line.len)..(r.end + offset).min(line.len)
                            })
                            .collect();
                    }
                }
            }
            Kind::Rule => {
                self.push(RULE_TEXT, index, Role::Rule, tight);
            }
            _ => {
                self.push(&block.inline.text, index, Role::Text, tight);
            }
        }
    }

    /// The line starting at byte `start`, or holding it.
    pub fn line_at(&self, at: usize) -> Option<&Line> {
        let i = self
            .lines
            .partition_point(|l| l.start <= at)
            .checked_sub(1)?;
        self.lines.get(i)
    }

    /// The block a line shows.
    pub fn block(&self, line: &Line) -> &Block {
        &self.doc.blocks[line.block]
    }

    /// The page of the printed edition that byte `at` is on, if the
    /// document has pages.
    pub fn page_at(&self, at: usize) -> Option<&super::Page> {
        let i = self.pages.partition_point(|(start, _)| *start <= at);
        self.pages.get(i.checked_sub(1)?).map(|(_, page)| page)
    }

    /// Where page `number` (of volume `volume`, or the first volume that
    /// has it) starts.
    pub fn page_start(&self, volume: Option<&str>, number: u32) -> Option<usize> {
        let wanted =
            |v: &str| volume.is_none_or(|w| v.trim_start_matches('0') == w.trim_start_matches('0'));
        self.pages
            .iter()
            .find(|(_, p)| p.number == number && wanted(&p.volume))
            .map(|(start, _)| *start)
    }

    /// Where the place a link points to starts (`#id`, or in a book
    /// `#chapter-path#id` and `#chapter-path`).
    pub fn anchor(&self, target: &str) -> Option<usize> {
        let key = target.strip_prefix('#')?;
        let block = self
            .doc
            .anchors
            .iter()
            .find(|(id, _)| id == key)
            .map(|(_, block)| *block)?;
        self.block_starts
            .get(block)
            .or_else(|| self.block_starts.last())
            .copied()
    }

    /// Where byte `at` of the content is, as its source keeps it: the key
    /// of its block (see [`Content::keys`]) and how far `at` is from the
    /// start of the first block with that key. A place kept this way
    /// outlives changes in how blocks are laid out as lines (and names the
    /// same text in the start of a long text and in the whole).
    pub fn to_source(&self, at: usize) -> (usize, usize) {
        let Some(line) = self.line_at(at) else {
            return (0, 0);
        };
        let key = self.keys[line.block];
        let first = self.keys.partition_point(|k| *k < key);
        (key, at.saturating_sub(self.block_starts[first]))
    }

    /// The byte of the content a place kept by [`Content::to_source`]
    /// names: in the blocks with that key, `offset` bytes on (at most to
    /// their last line's end). A key no block has (the file changed, or it
    /// was a place in the source itself) gives the start of the block it
    /// falls in.
    pub fn from_source(&self, key: usize, offset: usize) -> usize {
        let first = self.keys.partition_point(|k| *k < key);
        if self.keys.get(first) != Some(&key) {
            return match first.checked_sub(1) {
                Some(before) => {
                    let group = self.keys.partition_point(|k| *k < self.keys[before]);
                    self.block_starts[group]
                }
                None => 0,
            };
        }
        let after = self.keys.partition_point(|k| *k <= key);
        let start = self.block_starts[first];
        let last = match self.block_starts.get(after) {
            Some(&next) => self.line_at(next.saturating_sub(1).max(start)),
            None => self.lines.last(),
        };
        let end = last.map_or(start, |l| (l.start + l.len).max(start));
        // The caller moves a place inside a character to its start.
        start.saturating_add(offset).min(end)
    }

    /// The key of the last block (0 for none).
    pub fn last_key(&self) -> usize {
        self.keys.last().copied().unwrap_or(0)
    }

    /// The headings: where each starts in the content, its level and text.
    pub fn headings(&self) -> impl Iterator<Item = (usize, u8, &str)> + '_ {
        self.lines
            .iter()
            .filter_map(|line| match self.block(line).kind {
                Kind::Heading(level) if line.role == Role::Text => Some((
                    line.start,
                    level,
                    &self.text[line.start..line.start + line.len],
                )),
                _ => None,
            })
    }
}

/// A block with its links numbered from `count` on: each link's text is
/// followed by `[n]` (dim), and the targets are returned to be listed
/// after the block. A link whose text is its target needs no number.
fn numbered(mut block: Block, references: &mut Vec<String>) -> (Block, Vec<(usize, String)>) {
    let mut targets = Vec::new();
    let mut number = |inline: Inline| -> Inline {
        if inline.links.is_empty() {
            return inline;
        }
        let mut out = Inline {
            text: String::new(),
            spans: Vec::new(),
            links: Vec::new(),
        };
        // Insertions, in order: (offset, text).
        let mut inserts = Vec::new();
        for (range, target) in &inline.links {
            let shown = inline.text[range.clone()].trim();
            if shown == target.trim() || target.trim().is_empty() {
                continue;
            }
            references.push(target.clone());
            let n = references.len();
            targets.push((n, target.clone()));
            inserts.push((range.end, format!("[{n}]")));
        }
        let shift = |at: usize, inclusive: bool| -> usize {
            at + inserts
                .iter()
                .filter(|(i, _)| if inclusive { *i <= at } else { *i < at })
                .map(|(_, s)| s.len())
                .sum::<usize>()
        };
        let mut last = 0;
        for (at, mark) in &inserts {
            out.text.push_str(&inline.text[last..*at]);
            out.text.push_str(mark);
            last = *at;
        }
        out.text.push_str(&inline.text[last..]);
        for (range, style) in &inline.spans {
            out.spans
                .push((shift(range.start, true)..shift(range.end, false), *style));
        }
        for (at, mark) in &inserts {
            let start = shift(*at, false);
            out.spans.push((start..start + mark.len(), Style::DIM));
        }
        out.spans.sort_by_key(|(r, _)| r.start);
        out.links = inline
            .links
            .iter()
            .map(|(r, t)| (shift(r.start, true)..shift(r.end, false), t.clone()))
            .collect();
        out
    };
    block.inline = number(std::mem::take(&mut block.inline));
    if let Kind::Table(table) = &mut block.kind {
        if let Some(header) = table.header.as_mut() {
            for cell in header.iter_mut() {
                *cell = number(std::mem::take(cell));
            }
        }
        for row in table.rows.iter_mut() {
            for cell in row.iter_mut() {
                *cell = number(std::mem::take(cell));
            }
        }
    }
    (block, targets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::{html, markdown, openiti};

    /// Each block's key is where its markup starts in the source.
    #[test]
    fn blocks_are_keyed_by_where_their_source_starts() {
        let source = "# عنوان\n\nنص فيه [رابط](https://example.org).\n\n- أ\n- ب\n\n```\nx\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n---\n";
        let content = Content::new(markdown::parse(source));
        let starts: Vec<&str> = content
            .keys
            .iter()
            .map(|&k| source[k..].lines().next().unwrap())
            .collect();
        assert_eq!(
            starts,
            [
                "# عنوان",
                "نص فيه [رابط](https://example.org).",
                "- أ",
                "- ب",
                "```",
                "| a | b |",
                "---"
            ]
        );
        let source = "######OpenITI#\n#META# 000.BookTITLE :: كتاب\n#META#Header#End#\n\n### | باب\n# أول PageV01P002 سطر\n~~ يتبع\n# ثان\n";
        let content = Content::new(openiti::parse(source));
        let starts: Vec<&str> = content
            .keys
            .iter()
            .map(|&k| source[k..].lines().next().unwrap())
            .collect();
        assert_eq!(starts, ["### | باب", "# أول PageV01P002 سطر", "# ثان"]);
        // HTML's parser says no place: blocks are keyed by their number.
        let content = Content::new(html::parse("<h1>أ</h1><p>ب</p><p>ج</p>"));
        assert_eq!(content.keys, [0, 1, 2]);
    }

    /// A place goes to its source and back to where it was, in every line
    /// of every kind of block; a key no block has (a line inside a
    /// paragraph, from the source) goes to the start of the paragraph.
    #[test]
    fn places_go_to_the_source_and_back() {
        let source = "# عنوان\n\nنص فيه [رابط](https://example.org) طويل.\n\n- أ\n- ب\n\n```\nx\ny\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n> اقتباس\n";
        let content = Content::new(markdown::parse(source));
        for line in &content.lines {
            for at in [line.start, line.start + line.len / 2, line.start + line.len] {
                let (key, offset) = content.to_source(at);
                assert_eq!(content.from_source(key, offset), at, "{at} in {line:?}");
            }
        }
        // Past its block's text: the end of its last line.
        let (key, _) = content.to_source(content.lines[0].start);
        let first = &content.lines[0];
        assert_eq!(content.from_source(key, 1000), first.start + first.len);
        // The second line of a paragraph in the source.
        let source = "######OpenITI#\n#META#Header#End#\n# أول\n~~ يتبع\n# ثان\n";
        let content = Content::new(openiti::parse(source));
        let inside = source.find("~~").unwrap();
        assert_eq!(content.from_source(inside, 3), content.lines[0].start);
        let second = source.find("# ثان").unwrap();
        assert_eq!(content.from_source(second, 0), content.lines[1].start);
        assert_eq!(content.from_source(0, 5), 0, "before the first block");
    }

    #[test]
    fn lines_blank_lines_and_references() {
        let content = Content::new(markdown::parse(
            "# عنوان\n\nنص فيه [رابط](https://example.org) و**غامق**.\n\n- أ\n- ب\n\n```\nx\n\n  y\n```\n\n| a | b |\n|---|---|\n| 1 | |\n\n---\n",
        ));
        let text = "عنوان\n\nنص فيه رابط[1] وغامق.\n[1] https://example.org\n\nأ\nب\n\nx\n\u{200B}\n  y\n\na │ b\n1 │ \n\n⁂\n";
        assert_eq!(content.text, text);
        let roles: Vec<Role> = content.lines.iter().map(|l| l.role).collect();
        assert_eq!(
            roles,
            [
                Role::Text,
                Role::Text,
                Role::Reference,
                Role::Text,
                Role::Text,
                Role::Code,
                Role::Code,
                Role::Code,
                Role::Row(0),
                Role::Row(1),
                Role::Rule
            ]
        );
        // Every line's bytes are where it says.
        for line in &content.lines {
            let shown = &content.text[line.start..line.start + line.len];
            assert!(!shown.contains('\n'), "{shown:?}");
        }
        // The spans moved with the reference number, which is dim.
        let p = &content.doc.blocks[1].inline;
        let styled: Vec<(&str, Style)> = p
            .spans
            .iter()
            .map(|(r, s)| (&p.text[r.clone()], *s))
            .collect();
        assert_eq!(
            styled,
            [
                ("رابط", Style::LINK),
                ("[1]", Style::DIM),
                ("غامق", Style::STRONG)
            ]
        );
        assert_eq!(
            p.links[0].0,
            p.text.find("رابط").unwrap()..p.text.find('[').unwrap()
        );
        // Cells of a row, by their bytes.
        let row = &content.lines[8];
        let line = &content.text[row.start..row.start + row.len];
        let cells: Vec<&str> = row.cells.iter().map(|r| &line[r.clone()]).collect();
        assert_eq!(cells, ["a", "b"]);
        assert_eq!(content.headings().collect::<Vec<_>>(), [(0, 1, "عنوان")]);
        assert_eq!(content.line_at(3).map(|l| l.start), Some(0));
        assert_eq!(
            content.line_at(content.lines[3].start + 1).map(|l| l.role),
            Some(Role::Text)
        );
    }
}
