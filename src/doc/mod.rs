//! Documents with structure: a sequence of blocks (headings, paragraphs,
//! list items, quotes, code, tables…) whose inline text carries styled
//! spans, parsed from Markdown ([`markdown`]) or HTML ([`html`]).
//!
//! Pure: text in, blocks out. The reader shows a structured document
//! through its [`content`]: the text of its blocks, one line each (a code
//! block a line per line, a table a line per row), blank lines where the
//! screen leaves a blank row, and a table saying which block each line
//! belongs to. Search, the filter and the reading position all work on
//! that text, never on the markup.

pub mod content;
pub mod epub;
pub mod html;
pub mod layout;
pub mod markdown;
pub mod openiti;

use std::ops::Range;

use crate::text::Direction;

pub use content::{Content, Line, Role};

/// How a document's file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// Plain text: its lines are paragraphs.
    #[default]
    Plain,
    /// CommonMark with GitHub's tables, strikethrough, task lists and
    /// footnotes.
    Markdown,
    /// HTML (and XHTML).
    Html,
    /// OpenITI mARkdown, the corpus of premodern Arabic texts.
    OpenIti,
    /// An EPUB book (a zip of XHTML chapters).
    Epub,
}

impl Format {
    /// The format a file's name says (`None`: its name does not say).
    pub fn from_name(name: &str) -> Option<Format> {
        let extension = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match extension.as_str() {
            "md" | "markdown" | "mdown" | "mkd" => Some(Format::Markdown),
            "html" | "htm" | "xhtml" => Some(Format::Html),
            "epub" => Some(Format::Epub),
            "txt" | "text" => Some(Format::Plain),
            _ => None,
        }
    }

    /// The format a file's first bytes say: HTML when it starts like a
    /// page, Markdown when an extension-less text has several of
    /// Markdown's marks (ATX headings, fences, links, emphasis, lists).
    pub fn sniff(head: &str) -> Format {
        if openiti::recognise(head) {
            return Format::OpenIti;
        }
        let start = head.trim_start_matches('\u{feff}').trim_start();
        let lower: String = start
            .chars()
            .take(64)
            .collect::<String>()
            .to_ascii_lowercase();
        if lower.starts_with("<!doctype html")
            || lower.starts_with("<html")
            || (lower.starts_with("<?xml") && head.contains("<html"))
        {
            return Format::Html;
        }
        let mut signs = 0;
        let mut heading = false;
        for line in head.lines().take(200) {
            let line = line.trim_end();
            if line.starts_with("# ") || line.starts_with("## ") || line.starts_with("### ") {
                heading = true;
                signs += 1;
            } else if line.starts_with("```")
                || line.starts_with("~~~")
                || line.starts_with("- ")
                || line.starts_with("* ")
                || line.contains("](")
                || line.contains("**")
            {
                signs += 1;
            }
        }
        if heading && signs >= 3 {
            Format::Markdown
        } else {
            Format::Plain
        }
    }

    /// A file's format: an OpenITI text by its first line (their names
    /// end in `.mARkdown`, `.completed` or nothing), else by the file's
    /// name, else by its start.
    pub fn detect(name: &str, head: &str) -> Format {
        if openiti::recognise(head) {
            return Format::OpenIti;
        }
        Format::from_name(name).unwrap_or_else(|| Format::sniff(head))
    }

    /// Its name, as `--format` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Plain => "plain",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::OpenIti => "openiti",
            Format::Epub => "epub",
        }
    }
}

/// Styles of a span of inline text (they combine).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Style(u8);

impl Style {
    /// No style.
    pub const PLAIN: Style = Style(0);
    /// Emphasis (italic).
    pub const EMPHASIS: Style = Style(1);
    /// Strong (bold).
    pub const STRONG: Style = Style(2);
    /// Inline code.
    pub const CODE: Style = Style(4);
    /// A link's text.
    pub const LINK: Style = Style(8);
    /// Struck through.
    pub const STRIKE: Style = Style(16);
    /// Secondary text: an image's alt text, a link's reference number.
    pub const DIM: Style = Style(32);

    /// Whether every style of `other` is in this one.
    pub fn contains(self, other: Style) -> bool {
        self.0 & other.0 == other.0
    }

    /// Both styles.
    pub fn with(self, other: Style) -> Style {
        Style(self.0 | other.0)
    }

    /// Whether there is no style.
    pub fn is_plain(self) -> bool {
        self.0 == 0
    }
}

/// Inline text: one line of text with styled spans and links.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Inline {
    /// The text (no line breaks).
    pub text: String,
    /// Styled byte ranges of `text`, in order, not overlapping.
    pub spans: Vec<(Range<usize>, Style)>,
    /// Links: the byte range of their text and their target.
    pub links: Vec<(Range<usize>, String)>,
}

impl Inline {
    /// Plain text.
    pub fn plain(text: impl Into<String>) -> Inline {
        Inline {
            text: text.into(),
            ..Inline::default()
        }
    }

    /// Appends `text` in `style`, joining it to a span of the same style
    /// just before it. Line breaks become spaces: an inline is one line.
    pub fn push(&mut self, text: &str, style: Style) {
        if text.is_empty() {
            return;
        }
        let start = self.text.len();
        for c in text.chars() {
            self.text
                .push(if matches!(c, '\n' | '\r') { ' ' } else { c });
        }
        let end = self.text.len();
        if style.is_plain() {
            return;
        }
        match self.spans.last_mut() {
            Some((range, last)) if *last == style && range.end == start => range.end = end,
            _ => self.spans.push((start..end, style)),
        }
    }

    /// The text with runs of white space as one space, without space at
    /// either end (as HTML and Markdown paragraphs are shown); the spans
    /// and links follow.
    pub fn collapse(self) -> Inline {
        let mut out = Inline::default();
        let mut map = vec![0; self.text.len() + 1];
        let mut space = true;
        for (i, c) in self.text.char_indices() {
            map[i] = out.text.len();
            if c.is_whitespace() && c != '\u{a0}' {
                if !space {
                    out.text.push(' ');
                    space = true;
                }
            } else {
                out.text.push(c);
                space = false;
            }
        }
        map[self.text.len()] = out.text.len();
        // Fill the positions inside characters with the next mapped one.
        for i in (0..self.text.len()).rev() {
            if !self.text.is_char_boundary(i) {
                map[i] = map[i + 1];
            }
        }
        let trimmed = out.text.trim_end().len();
        out.text.truncate(trimmed);
        let fix = |r: &Range<usize>| map[r.start].min(trimmed)..map[r.end].min(trimmed);
        out.spans = self
            .spans
            .iter()
            .map(|(r, s)| (fix(r), *s))
            .filter(|(r, _)| !r.is_empty())
            .collect();
        out.links = self
            .links
            .iter()
            .map(|(r, t)| (fix(r), t.clone()))
            .filter(|(r, _)| !r.is_empty())
            .collect();
        out
    }
}

/// Cell alignment in a table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    /// As the cell's direction has it (start).
    #[default]
    Start,
    /// Left.
    Left,
    /// Centred.
    Center,
    /// Right.
    Right,
}

/// A table.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    /// Column alignments (as many as the widest row has cells).
    pub align: Vec<Align>,
    /// The header row, if any.
    pub header: Option<Vec<Inline>>,
    /// The body rows.
    pub rows: Vec<Vec<Inline>>,
}

impl Table {
    /// Columns: the most cells of any row.
    pub fn columns(&self) -> usize {
        self.header
            .iter()
            .chain(self.rows.iter())
            .map(Vec::len)
            .max()
            .unwrap_or(0)
    }

    /// Every row, the header first.
    pub fn all_rows(&self) -> impl Iterator<Item = &Vec<Inline>> {
        self.header.iter().chain(self.rows.iter())
    }
}

/// What a block is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A heading of level 1–6.
    Heading(u8),
    /// A paragraph.
    Paragraph,
    /// A list item: its marker ("•", "3.", "☐") and nesting (0: top).
    Item {
        /// What is shown before it.
        marker: String,
        /// Lists it is inside of, less one.
        depth: u8,
    },
    /// Code, shown as it is, left to right, never shaped.
    Code {
        /// The language named after the fence, if any.
        language: Option<String>,
    },
    /// A table.
    Table(Table),
    /// A thematic break.
    Rule,
    /// An image, by its alt text.
    Image,
    /// A footnote's text, with its label.
    Footnote(String),
}

/// One block of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// What it is.
    pub kind: Kind,
    /// Its text (for code: every line, joined with `\n`; for a table:
    /// empty, the cells hold the text).
    pub inline: Inline,
    /// Its direction when the document says it (`dir`); otherwise it is
    /// found from its own text.
    pub direction: Option<Direction>,
    /// Block quotes it is inside of.
    pub quote: u8,
    /// List items it is inside of (a paragraph continuing an item is
    /// indented as the item's text).
    pub indent: u8,
    /// The block is tight with the one before (list items of one list,
    /// lines of a poem): no blank row between them.
    pub tight: bool,
    /// Pages of the printed edition that start in it: where in its text,
    /// and which.
    pub pages: Vec<(usize, Page)>,
    /// Where it starts in the text it was parsed from (a byte), when the
    /// parser knows: reading places are kept by it (see
    /// [`Content::to_source`]).
    pub source: Option<usize>,
}

/// A page of a printed edition (OpenITI's `PageV01P002`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The volume's code: two digits or letters.
    pub volume: String,
    /// The page.
    pub number: u32,
}

impl Page {
    /// As the status bar says it: "vol. 1, p. 2".
    pub fn label(&self) -> String {
        let volume = self.volume.trim_start_matches('0');
        let volume = if volume.is_empty() { "0" } else { volume };
        format!("vol. {volume}, p. {}", self.number)
    }
}

impl Block {
    /// A block of `kind` with `inline` text, nothing else said.
    pub fn new(kind: Kind, inline: Inline) -> Block {
        Block {
            kind,
            inline,
            direction: None,
            quote: 0,
            indent: 0,
            tight: false,
            pages: Vec::new(),
            source: None,
        }
    }
}

/// A paragraph that is one image (its alt text in brackets, dim) is the
/// image; any other block stays `kind`.
pub(crate) fn image_or(kind: Kind, inline: &Inline) -> Kind {
    let one_image = inline.spans.len() == 1
        && inline.spans[0].0 == (0..inline.text.len())
        && inline.spans[0].1 == Style::DIM
        && inline.text.starts_with('[');
    if kind == Kind::Paragraph && one_image {
        Kind::Image
    } else {
        kind
    }
}

/// An entry of a book's own table of contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TocEntry {
    /// The block it points to.
    pub block: usize,
    /// Its level, from 1.
    pub level: u8,
    /// Its title.
    pub title: String,
}

/// A parsed document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Doc {
    /// Its own table of contents, when it has one (an EPUB's); otherwise
    /// the outline is its headings.
    pub toc: Vec<TocEntry>,
    /// Its title, when it has one of its own (`<title>`, a first heading).
    pub title: Option<String>,
    /// Its direction when it says (`<html dir="rtl">`).
    pub direction: Option<Direction>,
    /// Its blocks, in order.
    pub blocks: Vec<Block>,
    /// Places links can point to: an element's id (a book's are
    /// `chapter-path#id`, and `chapter-path` for the chapter's start), and
    /// the block there.
    pub anchors: Vec<(String, usize)>,
}

impl Doc {
    /// The first heading's text, for a title.
    pub fn first_heading(&self) -> Option<&str> {
        self.blocks.iter().find_map(|b| match b.kind {
            Kind::Heading(_) if !b.inline.text.trim().is_empty() => Some(b.inline.text.trim()),
            _ => None,
        })
    }
}

/// Each block as a short string (`h1:…`, `p0t:…`, `li1◦:…`), for tests.
#[cfg(test)]
pub(crate) fn kinds(doc: &Doc) -> Vec<String> {
    doc.blocks
        .iter()
        .map(|b| match &b.kind {
            Kind::Heading(n) => format!("h{n}:{}", b.inline.text),
            Kind::Paragraph => format!(
                "p{}{}:{}",
                b.indent,
                if b.tight { "t" } else { "" },
                b.inline.text
            ),
            Kind::Item { marker, depth } => format!(
                "li{depth}{}{marker}:{}",
                if b.tight { "t" } else { "" },
                b.inline.text
            ),
            Kind::Code { language } => format!("code({language:?}):{}", b.inline.text),
            Kind::Table(t) => format!(
                "table:{}x{}",
                t.rows.len() + usize::from(t.header.is_some()),
                t.columns()
            ),
            Kind::Rule => "hr".into(),
            Kind::Image => format!("img:{}", b.inline.text),
            Kind::Footnote(l) => format!("fn[{l}]:{}", b.inline.text),
        })
        .collect()
}
