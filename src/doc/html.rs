//! HTML to blocks, with scraper: html5ever underneath, a full HTML5 parser
//! that builds from any input, broken markup included, the tree a browser
//! would build (entities decoded, comments apart, unclosed tags closed).
//! XHTML goes through the same parser, its self-closing tags written out
//! as an opening and a closing tag first.
//!
//! The tree is walked node by node with a stack of open elements, never
//! by recursion, so a page nested a hundred thousand elements deep is read
//! like any other. Blocks follow CSS's block boxes: a block-level element
//! ends the paragraph being gathered, and text between blocks (directly
//! in `body`, a `section`, a `div`) is a paragraph of its own.

use std::borrow::Cow;
use std::collections::HashMap;

use scraper::node::Element;
use scraper::{ElementRef, Html, Node};

use super::{Align, Block, Doc, Inline, Kind, Style, Table};
use crate::text::Direction;

/// Parses an HTML page (or an XHTML one) into a document.
pub fn parse(text: &str) -> Doc {
    let text = if looks_like_xhtml(text) {
        expand_self_closing(text)
    } else {
        Cow::Borrowed(text)
    };
    let text = bound_depth(&text);
    let html = Html::parse_document(&text);
    let mut builder = Builder::default();
    // Depth first, with the tree's own links (first child, next sibling,
    // parent) instead of recursion; `open` says whether to go inside.
    let root = html.tree.root();
    let mut node = root;
    let mut entered = builder.open(node.value(), ElementRef::wrap(node));
    'walk: loop {
        if entered {
            if let Some(child) = node.first_child() {
                node = child;
                entered = builder.open(node.value(), ElementRef::wrap(node));
                continue;
            }
            builder.close();
        }
        loop {
            if node == root {
                break 'walk;
            }
            if let Some(next) = node.next_sibling() {
                node = next;
                entered = builder.open(node.value(), ElementRef::wrap(node));
                continue 'walk;
            }
            match node.parent() {
                Some(parent) => {
                    node = parent;
                    builder.close();
                }
                None => break 'walk,
            }
        }
    }
    builder.finish()
}

/// What an element is to the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Not shown, nor anything inside it.
    Dropped,
    /// The page's title: kept as the document's, not shown.
    Title,
    /// Text-level: its text joins the paragraph around it.
    Inline,
    /// A block box: it ends the paragraph before it and the one in it.
    Block,
    /// `h1`–`h6`.
    Heading(u8),
    /// `ul`, `ol` and their old kin.
    List { ordered: bool },
    /// `li`.
    Item,
    /// `blockquote`.
    Quote,
    /// `pre` and its old kin: text kept as it is.
    Pre,
    /// `hr`.
    Rule,
    /// `br`.
    Break,
    /// `img`.
    Image,
    /// `input`: only a checkbox starting a list item shows (as its marker).
    Input,
    /// `table`.
    Table,
    /// `thead`, `tbody`, `tfoot`.
    Section,
    /// `tr`.
    Row,
    /// `td`, `th`.
    Cell,
    /// A table's `caption`.
    Caption,
    /// `dt`.
    Term,
    /// `dd`.
    Definition,
    /// `figcaption`.
    Figcaption,
}

impl Class {
    /// Whether the element is a block box (what `dir` on it applies to).
    fn is_block(self) -> bool {
        !matches!(
            self,
            Class::Inline | Class::Image | Class::Input | Class::Break | Class::Title
        )
    }
}

/// The class of an element by its (lower-case) name.
fn class(name: &str) -> Class {
    match name {
        // Not text: programs, styles, pictures drawn in markup, embedded
        // pages and media, and the text of form controls.
        "script" | "style" | "template" | "noscript" | "svg" | "math" | "iframe" | "object"
        | "embed" | "canvas" | "audio" | "video" | "button" | "select" | "option" | "optgroup"
        | "datalist" | "textarea" | "frameset" | "frame" | "noframes" | "meta" | "link"
        | "base" | "basefont" | "bgsound" | "param" | "source" | "track" => Class::Dropped,
        "title" => Class::Title,
        "h1" => Class::Heading(1),
        "h2" => Class::Heading(2),
        "h3" => Class::Heading(3),
        "h4" => Class::Heading(4),
        "h5" => Class::Heading(5),
        "h6" => Class::Heading(6),
        "ul" | "menu" | "dir" => Class::List { ordered: false },
        "ol" => Class::List { ordered: true },
        "li" => Class::Item,
        "blockquote" => Class::Quote,
        "pre" | "listing" | "xmp" | "plaintext" => Class::Pre,
        "hr" => Class::Rule,
        "br" => Class::Break,
        "img" => Class::Image,
        "input" => Class::Input,
        "table" => Class::Table,
        "thead" | "tbody" | "tfoot" => Class::Section,
        "tr" => Class::Row,
        "td" | "th" => Class::Cell,
        "caption" => Class::Caption,
        "dt" => Class::Term,
        "dd" => Class::Definition,
        "figcaption" => Class::Figcaption,
        "html" | "body" | "p" | "div" | "section" | "article" | "aside" | "nav" | "main"
        | "header" | "footer" | "address" | "center" | "details" | "summary" | "dialog" | "dl"
        | "fieldset" | "legend" | "figure" | "form" | "hgroup" | "search" | "marquee" => {
            Class::Block
        }
        _ => Class::Inline,
    }
}

/// The style an inline element gives its text.
fn inline_style(name: &str) -> Style {
    match name {
        "em" | "i" | "cite" | "var" | "dfn" => Style::EMPHASIS,
        "strong" | "b" => Style::STRONG,
        "code" | "kbd" | "samp" | "tt" => Style::CODE,
        "s" | "strike" | "del" => Style::STRIKE,
        _ => Style::PLAIN,
    }
}

/// Whether the page hides an element: the `hidden` attribute,
/// `aria-hidden="true"` or an inline `display: none`.
fn hidden(element: &Element) -> bool {
    if element.attr("hidden").is_some() {
        return true;
    }
    if element
        .attr("aria-hidden")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    {
        return true;
    }
    element.attr("style").is_some_and(|style| {
        let style: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect();
        style.contains("display:none")
    })
}

/// What a `dir` attribute says: `Some(None)` for `auto` (the text decides),
/// `None` for a value that says nothing (the parent's direction holds).
fn direction_attribute(value: &str) -> Option<Option<Direction>> {
    let value = value.trim();
    if value.eq_ignore_ascii_case("rtl") {
        Some(Some(Direction::Rtl))
    } else if value.eq_ignore_ascii_case("ltr") {
        Some(Some(Direction::Ltr))
    } else if value.eq_ignore_ascii_case("auto") {
        Some(None)
    } else {
        None
    }
}

/// Whether a `lang` value names a language written right to left.
fn right_to_left_language(lang: &str) -> bool {
    let primary = lang.trim().split(['-', '_']).next().unwrap_or("");
    ["ar", "fa", "ur", "he", "yi", "ps", "ckb", "ug", "sd"]
        .iter()
        .any(|l| primary.eq_ignore_ascii_case(l))
}

/// A code block's language, from a class `language-xxx` or `lang-xxx`.
fn language(element: &Element) -> Option<String> {
    element.classes().find_map(|class| {
        class
            .strip_prefix("language-")
            .or_else(|| class.strip_prefix("lang-"))
            .filter(|l| !l.is_empty())
            .map(str::to_string)
    })
}

/// A cell's alignment, from its `align` attribute or an inline
/// `text-align`.
fn cell_align(element: &Element) -> Option<Align> {
    let word = |value: &str| match value.trim().to_ascii_lowercase().as_str() {
        "left" => Some(Align::Left),
        "right" => Some(Align::Right),
        "center" | "middle" | "-webkit-center" | "-moz-center" => Some(Align::Center),
        "start" => Some(Align::Start),
        _ => None,
    };
    if let Some(align) = element.attr("align").and_then(word) {
        return Some(align);
    }
    let style = element.attr("style")?;
    style.split(';').find_map(|declaration| {
        let (property, value) = declaration.split_once(':')?;
        if property.trim().eq_ignore_ascii_case("text-align") {
            word(value.trim_end_matches("!important"))
        } else {
            None
        }
    })
}

/// How an ordered list counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Numbering {
    /// 1, 2, 3.
    Decimal,
    /// a, b, c.
    LowerAlpha,
    /// A, B, C.
    UpperAlpha,
    /// i, ii, iii.
    LowerRoman,
    /// I, II, III.
    UpperRoman,
}

impl Numbering {
    /// The numbering an `ol`'s `type` attribute names.
    fn from_type(value: Option<&str>) -> Numbering {
        match value.map(str::trim) {
            Some("a") => Numbering::LowerAlpha,
            Some("A") => Numbering::UpperAlpha,
            Some("i") => Numbering::LowerRoman,
            Some("I") => Numbering::UpperRoman,
            _ => Numbering::Decimal,
        }
    }

    /// The marker of item number `n` ("3.", "c.", "iii.").
    fn marker(self, n: i64) -> String {
        let text = match self {
            Numbering::LowerAlpha | Numbering::UpperAlpha if n >= 1 => {
                let mut letters = Vec::new();
                let mut rest = n;
                while rest > 0 {
                    rest -= 1;
                    letters.push(b'a' + (rest % 26) as u8);
                    rest /= 26;
                }
                let word: String = letters.iter().rev().map(|&b| b as char).collect();
                if self == Numbering::UpperAlpha {
                    word.to_ascii_uppercase()
                } else {
                    word
                }
            }
            Numbering::LowerRoman | Numbering::UpperRoman if (1..4000).contains(&n) => {
                let word = roman(n);
                if self == Numbering::LowerRoman {
                    word.to_ascii_lowercase()
                } else {
                    word
                }
            }
            _ => n.to_string(),
        };
        format!("{text}.")
    }
}

/// `n` (1–3999) in Roman numerals, upper case.
fn roman(mut n: i64) -> String {
    const NUMERALS: [(i64, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (value, numeral) in NUMERALS {
        while n >= value {
            out.push_str(numeral);
            n -= value;
        }
    }
    out
}

/// A list being read.
#[derive(Debug)]
struct List {
    /// The next item's number, if the list is ordered.
    next: Option<i64>,
    /// 1, or -1 for a `reversed` list.
    step: i64,
    /// How its numbers are written.
    numbering: Numbering,
    /// Items read so far.
    items: usize,
}

/// Which part of a table its rows are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Part {
    /// `tbody`, or none said.
    #[default]
    Body,
    /// `thead`.
    Head,
    /// `tfoot`: its rows are shown last.
    Foot,
}

/// A table cell being read.
#[derive(Debug, Default)]
struct Cell {
    inline: Inline,
    align: Option<Align>,
    /// A `th`.
    header: bool,
    /// Columns it spans (`colspan`, at most [`MAX_SPAN`]).
    span: usize,
}

/// The most columns a cell is taken to span.
const MAX_SPAN: usize = 64;

/// A table being read.
#[derive(Debug, Default)]
struct TableState {
    header: Option<Vec<Inline>>,
    rows: Vec<Vec<Inline>>,
    /// The rows of `tfoot`, shown after the others.
    foot: Vec<Vec<Inline>>,
    /// Each column's alignment, from the first cell that says one.
    align: Vec<Option<Align>>,
    /// The row being read, and the part it is in.
    row: Option<(Vec<Cell>, Part)>,
    part: Part,
    /// A cell is open: text goes into the row's last cell.
    in_cell: bool,
    /// The caption, while it is read.
    caption: Option<Inline>,
}

impl TableState {
    /// Ends the row being read: the header if it is the first row and is
    /// in `thead` or all `th`, else a body or foot row.
    fn end_row(&mut self) {
        let Some((cells, part)) = self.row.take() else {
            return;
        };
        if cells.is_empty() {
            return;
        }
        let all_header = cells.iter().all(|c| c.header);
        let mut row = Vec::with_capacity(cells.len());
        for cell in cells {
            let column = row.len();
            if self.align.len() <= column {
                self.align.resize(column + 1, None);
            }
            if self.align[column].is_none() {
                self.align[column] = cell.align;
            }
            row.push(cell.inline.collapse());
            for _ in 1..cell.span {
                row.push(Inline::default());
            }
        }
        let first = self.header.is_none() && self.rows.is_empty() && self.foot.is_empty();
        if first && (part == Part::Head || all_header) {
            self.header = Some(row);
        } else if part == Part::Foot {
            self.foot.push(row);
        } else {
            self.rows.push(row);
        }
    }

    /// The finished table (`None` when it has no rows).
    fn finish(mut self) -> Option<Table> {
        self.end_row();
        self.rows.append(&mut self.foot);
        let mut table = Table {
            align: Vec::new(),
            header: self.header,
            rows: self.rows,
        };
        let columns = table.columns();
        if columns == 0 {
            return None;
        }
        table.align = (0..columns)
            .map(|i| self.align.get(i).copied().flatten().unwrap_or_default())
            .collect();
        Some(table)
    }
}

/// What closing an element does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Close {
    /// Nothing.
    #[default]
    Nothing,
    /// Ends the paragraph in it (a heading's, when in one).
    Block,
    /// Ends a list.
    List,
    /// Ends a list item.
    Item,
    /// Ends a block quote.
    Quote,
    /// Ends a `pre`: its code is written when it is the outermost.
    Pre,
    /// Ends a definition.
    Definition,
    /// Ends a table: it is written.
    Table,
    /// Ends `thead`, `tbody` or `tfoot`.
    Part,
    /// Ends a row.
    Row,
    /// Ends a cell.
    Cell,
    /// Ends a table's caption: it is written.
    Caption,
    /// A block inside a cell: a space separates its text.
    Space,
    /// A table inside a cell: its text is the cell's.
    Nested,
}

/// An open element.
#[derive(Debug, Clone, Copy, Default)]
struct Frame {
    close: Close,
    /// The style of text in it.
    style: Style,
    /// Its direction, said by its own `dir` or an ancestor's.
    dir: Option<Direction>,
    /// The direction of the block box it is in (or is).
    block_dir: Option<Direction>,
    /// The heading it is in.
    heading: Option<u8>,
    /// It is a link (its target is on the builder's stack of links).
    link: bool,
    /// What ends its bidi isolate (`dir` on inline text, `bdi`, `bdo`).
    isolate: Option<&'static str>,
}

/// What `html` and `body` say about the page's direction.
#[derive(Debug, Default)]
struct PageDirection {
    html_dir: Option<Direction>,
    body_dir: Option<Direction>,
    /// `lang` of `body`, else of `html`, names a right-to-left language.
    html_rtl_lang: bool,
    body_lang: Option<bool>,
}

impl PageDirection {
    fn direction(&self) -> Option<Direction> {
        self.body_dir.or(self.html_dir).or_else(|| {
            self.body_lang
                .unwrap_or(self.html_rtl_lang)
                .then_some(Direction::Rtl)
        })
    }
}

#[derive(Debug, Default)]
struct Builder {
    blocks: Vec<Block>,
    /// The page's `<title>`.
    title: Option<String>,
    page: PageDirection,
    /// The elements open now.
    frames: Vec<Frame>,
    /// The inline text being gathered.
    inline: Inline,
    /// Links open now: where their text starts in the text being
    /// gathered, and their target.
    links: Vec<(usize, String)>,
    /// Block quotes open.
    quote: u8,
    lists: Vec<List>,
    /// The marker of the item whose first text has not been written, and
    /// the item's depth.
    marker: Option<(String, u8)>,
    /// Definitions (`dd`) open: each indents.
    definitions: u8,
    /// Code being read (inside `pre`): its language and text.
    code: Option<(Option<String>, String)>,
    /// `pre` elements open inside the code.
    pre: u32,
    table: Option<TableState>,
    /// Tables open inside a cell of the table being read.
    nested: u32,
    /// The next block follows the one before without a blank row.
    tight: bool,
    /// The last block ended at a `br`.
    broke: bool,
}

impl Builder {
    fn top(&self) -> Frame {
        self.frames.last().copied().unwrap_or_default()
    }

    /// Whether text goes into a table's cell or caption.
    fn in_cell(&self) -> bool {
        self.table
            .as_ref()
            .is_some_and(|t| t.in_cell || t.caption.is_some())
    }

    /// The inline text that text goes into now (`None`: between a table's
    /// cells, where text is not shown).
    fn target(&mut self) -> Option<&mut Inline> {
        match self.table.as_mut() {
            None => Some(&mut self.inline),
            Some(t) => match t.caption.as_mut() {
                Some(caption) => Some(caption),
                None if t.in_cell => t.row.as_mut()?.0.last_mut().map(|c| &mut c.inline),
                None => None,
            },
        }
    }

    fn push(&mut self, text: &str, style: Style) {
        if let Some(target) = self.target() {
            target.push(text, style);
        }
    }

    /// Ends the open links' text in the inline text being left: a link
    /// around blocks or cells links the text of each.
    fn cut_links(&mut self) {
        if self.links.is_empty() {
            return;
        }
        let mut links = std::mem::take(&mut self.links);
        if let Some(target) = self.target() {
            let end = target.text.len();
            for (start, href) in &links {
                if end > *start {
                    target.links.push((*start..end, href.clone()));
                }
            }
        }
        for (start, _) in &mut links {
            *start = 0;
        }
        self.links = links;
    }

    /// The indent of a block other than an item's first: the lists and
    /// definitions it is in.
    fn indent(&self) -> u8 {
        let lists = u8::try_from(self.lists.len()).unwrap_or(u8::MAX);
        lists.saturating_add(self.definitions)
    }

    /// Writes the gathered inline text as a block of `kind` (an item's
    /// first text takes the item's marker; nothing is written for none).
    fn write(&mut self, kind: Kind) {
        self.cut_links();
        let inline = std::mem::take(&mut self.inline).collapse();
        if inline.text.is_empty() && kind != Kind::Rule {
            return;
        }
        let (kind, indent) = match (kind, self.marker.take()) {
            (Kind::Paragraph, Some((marker, depth))) => (
                Kind::Item { marker, depth },
                depth.saturating_add(self.definitions),
            ),
            (kind, _) => (kind, self.indent()),
        };
        // A paragraph that is one image is the image.
        let kind = if kind == Kind::Paragraph
            && inline.spans.len() == 1
            && inline.spans[0].0 == (0..inline.text.len())
            && inline.spans[0].1 == Style::DIM
            && inline.text.starts_with('[')
        {
            Kind::Image
        } else {
            kind
        };
        let mut block = Block::new(kind, inline);
        block.direction = self.top().block_dir;
        block.quote = self.quote;
        block.indent = indent;
        block.tight = std::mem::take(&mut self.tight);
        self.broke = false;
        self.blocks.push(block);
    }

    /// Writes whatever text is waiting, as a paragraph (or the item's
    /// text, or the heading's when in one).
    fn flush(&mut self) {
        if self.inline.text.trim().is_empty() {
            self.cut_links();
            self.inline = Inline::default();
            return;
        }
        let kind = match self.top().heading {
            Some(level) => Kind::Heading(level),
            None => Kind::Paragraph,
        };
        self.write(kind);
    }

    /// A block box starts: the paragraph before it ends, and a line
    /// break before it no longer joins what follows to what came before.
    fn open_block(&mut self) {
        self.flush();
        if std::mem::take(&mut self.broke) {
            self.tight = false;
        }
    }

    /// Handles a node's start; says whether to go inside it.
    fn open(&mut self, node: &Node, element: Option<ElementRef<'_>>) -> bool {
        match node {
            Node::Document | Node::Fragment => {
                self.frames.push(Frame::default());
                true
            }
            Node::Text(text) => {
                self.text(text);
                false
            }
            Node::Element(_) => match element {
                Some(element) => self.open_element(element),
                None => false,
            },
            Node::Comment(_) | Node::Doctype(_) | Node::ProcessingInstruction(_) => false,
        }
    }

    fn text(&mut self, text: &str) {
        if let Some((_, code)) = self.code.as_mut() {
            code.push_str(text);
            return;
        }
        let style = self.top().style;
        self.push(text, style);
    }

    fn open_element(&mut self, element: ElementRef<'_>) -> bool {
        let e = element.value();
        let name = e.name();
        let class = class(name);
        if class == Class::Dropped || hidden(e) {
            return false;
        }
        if class == Class::Title {
            if self.title.is_none() {
                let text: String = element.text().collect();
                let text = Inline::plain(text).collapse().text;
                self.title = Some(text).filter(|t| !t.is_empty());
            }
            return false;
        }
        let parent = self.top();
        let mut frame = Frame {
            close: Close::Nothing,
            link: false,
            isolate: None,
            ..parent
        };
        let dir = e.attr("dir").and_then(direction_attribute);
        if let Some(dir) = dir {
            frame.dir = dir;
        }
        if class.is_block() {
            frame.block_dir = frame.dir;
        }
        if name == "html" || name == "body" {
            self.page_direction(name, e, dir);
        }

        // Inside `pre` everything is text, kept as it is.
        if let Some((language_said, code)) = self.code.as_mut() {
            match class {
                Class::Pre => {
                    self.pre += 1;
                    frame.close = Close::Pre;
                }
                Class::Break => code.push('\n'),
                _ => {}
            }
            if name == "code" && language_said.is_none() {
                *language_said = language(e);
            }
            self.frames.push(frame);
            return true;
        }

        frame.style = frame.style.with(inline_style(name));
        match class {
            Class::Term => frame.style = frame.style.with(Style::STRONG),
            Class::Caption | Class::Figcaption => frame.style = frame.style.with(Style::DIM),
            _ => {}
        }
        if name == "a"
            && let Some(href) = e.attr("href").map(str::trim)
            && !href.is_empty()
            && !href
                .get(..11)
                .is_some_and(|s| s.eq_ignore_ascii_case("javascript:"))
        {
            let start = self.target().map_or(0, |t| t.text.len());
            self.links.push((start, href.to_string()));
            frame.link = true;
            frame.style = frame.style.with(Style::LINK);
        }
        // `dir` on inline text isolates it, as browsers do (UAX #9's
        // isolates; `bdo` overrides the order inside as well).
        if !class.is_block() {
            let (open, close) = match (name, dir) {
                ("bdo", Some(Some(Direction::Ltr))) => ("\u{2066}\u{202D}", "\u{202C}\u{2069}"),
                ("bdo", Some(Some(Direction::Rtl))) => ("\u{2067}\u{202E}", "\u{202C}\u{2069}"),
                (_, Some(Some(Direction::Ltr))) => ("\u{2066}", "\u{2069}"),
                (_, Some(Some(Direction::Rtl))) => ("\u{2067}", "\u{2069}"),
                (_, Some(None)) | ("bdi", None) => ("\u{2068}", "\u{2069}"),
                _ => ("", ""),
            };
            if !open.is_empty() {
                self.push(open, Style::PLAIN);
                frame.isolate = Some(close);
            }
        }

        if self.in_cell() || self.nested > 0 {
            self.open_in_cell(class, e, &mut frame);
        } else {
            self.open_block_element(class, element, &mut frame);
        }
        self.frames.push(frame);
        true
    }

    /// Notes what `html` or `body` says of the page's direction.
    fn page_direction(&mut self, name: &str, e: &Element, dir: Option<Option<Direction>>) {
        let lang = e
            .attr("lang")
            .or_else(|| e.attr("xml:lang"))
            .map(right_to_left_language);
        let dir = dir.flatten();
        if name == "html" {
            self.page.html_dir = self.page.html_dir.or(dir);
            self.page.html_rtl_lang |= lang.unwrap_or(false);
        } else {
            self.page.body_dir = self.page.body_dir.or(dir);
            self.page.body_lang = self.page.body_lang.or(lang);
        }
    }

    /// An element inside a table's cell: the cell holds inline text only,
    /// so blocks are set apart by spaces.
    fn open_in_cell(&mut self, class: Class, e: &Element, frame: &mut Frame) {
        match class {
            Class::Image => self.image(e),
            Class::Break => self.push(" ", Style::PLAIN),
            Class::Table => {
                self.push(" ", Style::PLAIN);
                self.nested += 1;
                frame.close = Close::Nested;
            }
            Class::Pre => {
                self.push(" ", Style::PLAIN);
                frame.style = frame.style.with(Style::CODE);
                frame.close = Close::Space;
            }
            class if class.is_block() => {
                self.push(" ", Style::PLAIN);
                frame.close = Close::Space;
            }
            _ => {}
        }
    }

    /// An element outside tables' cells.
    fn open_block_element(&mut self, class: Class, element: ElementRef<'_>, frame: &mut Frame) {
        let e = element.value();
        match class {
            Class::Dropped | Class::Title | Class::Inline => {}
            Class::Block | Class::Term | Class::Figcaption => {
                self.open_block();
                frame.close = Close::Block;
            }
            Class::Heading(level) => {
                self.open_block();
                frame.heading = Some(level);
                frame.close = Close::Block;
            }
            Class::List { ordered } => {
                self.open_block();
                let step = if ordered && e.attr("reversed").is_some() {
                    -1
                } else {
                    1
                };
                let start = e.attr("start").and_then(|s| s.trim().parse::<i64>().ok());
                let next = ordered.then(|| {
                    start.unwrap_or_else(|| {
                        if step < 0 {
                            let items = element
                                .child_elements()
                                .filter(|c| c.value().name() == "li")
                                .count();
                            i64::try_from(items).unwrap_or(i64::MAX)
                        } else {
                            1
                        }
                    })
                });
                self.lists.push(List {
                    next,
                    step,
                    numbering: Numbering::from_type(e.attr("type")),
                    items: 0,
                });
                frame.close = Close::List;
            }
            Class::Item => {
                self.open_block();
                self.item(e);
                frame.close = Close::Item;
            }
            Class::Quote => {
                self.open_block();
                self.quote = self.quote.saturating_add(1);
                frame.close = Close::Quote;
            }
            Class::Pre => {
                self.open_block();
                self.code = Some((language(e), String::new()));
                self.pre = 1;
                frame.close = Close::Pre;
            }
            Class::Rule => {
                self.open_block();
                self.write(Kind::Rule);
            }
            Class::Break => {
                if frame.heading.is_some() {
                    self.push(" ", Style::PLAIN);
                } else if !self.inline.text.trim().is_empty() {
                    // A line of its own, right under the one before (verse).
                    self.flush();
                    self.tight = true;
                    self.broke = true;
                } else if self.broke {
                    // Two breaks in a row: a blank row.
                    self.tight = false;
                }
            }
            Class::Image => self.image(e),
            Class::Input => {
                let checkbox = e
                    .attr("type")
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("checkbox"));
                if checkbox && self.inline.text.trim().is_empty() {
                    let checked = e.attr("checked").is_some();
                    if let Some((marker, _)) = self.marker.as_mut() {
                        *marker = if checked { "☑" } else { "☐" }.to_string();
                    }
                }
            }
            Class::Table => {
                self.open_block();
                self.table = Some(TableState::default());
                frame.close = Close::Table;
            }
            Class::Section | Class::Row | Class::Cell | Class::Caption if self.table.is_none() => {
                self.open_block();
                frame.close = Close::Block;
            }
            Class::Section => {
                if let Some(t) = self.table.as_mut() {
                    t.end_row();
                    t.part = match e.name() {
                        "thead" => Part::Head,
                        "tfoot" => Part::Foot,
                        _ => Part::Body,
                    };
                }
                frame.close = Close::Part;
            }
            Class::Row => {
                if let Some(t) = self.table.as_mut() {
                    t.end_row();
                    t.row = Some((Vec::new(), t.part));
                }
                frame.close = Close::Row;
            }
            Class::Cell => {
                self.cut_links();
                if let Some(t) = self.table.as_mut() {
                    let span = e
                        .attr("colspan")
                        .and_then(|s| s.trim().parse::<usize>().ok())
                        .unwrap_or(1)
                        .clamp(1, MAX_SPAN);
                    let part = t.part;
                    let (cells, _) = t.row.get_or_insert_with(|| (Vec::new(), part));
                    cells.push(Cell {
                        inline: Inline::default(),
                        align: cell_align(e),
                        header: e.name() == "th",
                        span,
                    });
                    t.in_cell = true;
                }
                frame.close = Close::Cell;
            }
            Class::Caption => {
                self.cut_links();
                if let Some(t) = self.table.as_mut() {
                    t.caption = Some(Inline::default());
                }
                frame.close = Close::Caption;
            }
            Class::Definition => {
                self.open_block();
                self.definitions = self.definitions.saturating_add(1);
                // A definition follows its term without a blank row.
                self.tight = true;
                frame.close = Close::Definition;
            }
        }
    }

    /// A list item starts: its marker waits for its first text.
    fn item(&mut self, e: &Element) {
        let nested = self.lists.len() > 1;
        let depth = self.lists.len().saturating_sub(1);
        let value = e.attr("value").and_then(|s| s.trim().parse::<i64>().ok());
        let (marker, first) = match self.lists.last_mut() {
            Some(list) => {
                list.items += 1;
                let marker = match list.next.as_mut() {
                    Some(n) => {
                        if let Some(value) = value {
                            *n = value;
                        }
                        let marker = list.numbering.marker(*n);
                        *n = n.saturating_add(list.step);
                        marker
                    }
                    None => ["•", "◦", "▪"][depth % 3].to_string(),
                };
                (marker, list.items == 1)
            }
            None => ("•".to_string(), true),
        };
        // Items of one list follow each other without a blank row, and a
        // nested list follows its item.
        self.tight = !first || nested;
        let depth = u8::try_from(depth).unwrap_or(u8::MAX);
        self.marker = Some((marker, depth));
    }

    /// An image, by its alt text: `alt=""` marks it as decoration, shown
    /// as nothing.
    fn image(&mut self, e: &Element) {
        let alt = match e.attr("alt") {
            Some(alt) => alt.trim(),
            None => e.attr("title").map_or("", str::trim),
        };
        let shown = match (e.attr("alt"), alt.is_empty()) {
            (Some(_), true) => return,
            (None, true) => "[image]".to_string(),
            (_, false) => format!("[{alt}]"),
        };
        let style = self.top().style.with(Style::DIM);
        self.push(&shown, style);
    }

    /// Handles the end of the element last opened.
    fn close(&mut self) {
        let Some(frame) = self.frames.last().copied() else {
            return;
        };
        if let Some(end) = frame.isolate {
            self.push(end, Style::PLAIN);
        }
        if frame.link
            && let Some((start, href)) = self.links.pop()
            && let Some(target) = self.target()
        {
            let end = target.text.len();
            if end > start {
                target.links.push((start..end, href));
            }
        }
        match frame.close {
            Close::Nothing => {}
            Close::Block => self.flush(),
            Close::List => {
                self.flush();
                self.lists.pop();
            }
            Close::Item => {
                self.flush();
                // An item with no text of its own leaves no marker behind.
                if self.marker.take().is_some() {
                    self.tight = false;
                }
            }
            Close::Quote => {
                self.flush();
                self.quote = self.quote.saturating_sub(1);
            }
            Close::Pre => {
                self.pre = self.pre.saturating_sub(1);
                if self.pre == 0 {
                    self.end_code();
                }
            }
            Close::Definition => {
                self.flush();
                self.definitions = self.definitions.saturating_sub(1);
            }
            Close::Table => {
                if let Some(table) = self.table.take().and_then(TableState::finish) {
                    let mut block = Block::new(Kind::Table(table), Inline::default());
                    block.direction = frame.block_dir;
                    block.quote = self.quote;
                    block.indent = self.indent();
                    self.tight = false;
                    self.broke = false;
                    self.blocks.push(block);
                }
            }
            Close::Part => {
                if let Some(t) = self.table.as_mut() {
                    t.end_row();
                    t.part = Part::Body;
                }
            }
            Close::Row => {
                if let Some(t) = self.table.as_mut() {
                    t.end_row();
                }
            }
            Close::Cell => {
                self.cut_links();
                if let Some(t) = self.table.as_mut() {
                    t.in_cell = false;
                }
            }
            Close::Caption => {
                self.cut_links();
                let caption = self.table.as_mut().and_then(|t| t.caption.take());
                let inline = caption.unwrap_or_default().collapse();
                if !inline.text.is_empty() {
                    let mut block = Block::new(Kind::Paragraph, inline);
                    block.direction = frame.block_dir;
                    block.quote = self.quote;
                    block.indent = self.indent();
                    self.blocks.push(block);
                }
            }
            Close::Space => self.push(" ", Style::PLAIN),
            Close::Nested => {
                self.push(" ", Style::PLAIN);
                self.nested = self.nested.saturating_sub(1);
            }
        }
        self.frames.pop();
    }

    /// Writes the code read inside `pre`, as it is, less its last newline.
    fn end_code(&mut self) {
        let Some((language, mut code)) = self.code.take() else {
            return;
        };
        if code.ends_with('\n') {
            code.pop();
        }
        // HTML drops a newline right after `<pre>`; one right after
        // `<pre><code>` is the same newline, written one tag later.
        if code.starts_with('\n') {
            code.remove(0);
        }
        let mut block = Block::new(Kind::Code { language }, Inline::plain(code));
        block.quote = self.quote;
        block.indent = self.indent();
        self.broke = false;
        self.blocks.push(block);
    }

    fn finish(mut self) -> Doc {
        while !self.frames.is_empty() {
            self.close();
        }
        self.flush();
        let mut doc = Doc {
            title: self.title,
            direction: self.page.direction(),
            blocks: self.blocks,
        };
        if doc.title.is_none() {
            doc.title = doc.first_heading().map(str::to_string);
        }
        doc
    }
}

/// Whether a page is XHTML: an XML declaration or XHTML's namespace near
/// its start.
fn looks_like_xhtml(text: &str) -> bool {
    let mut end = text.len().min(2048);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    head.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with("<?xml")
        || head.contains("http://www.w3.org/1999/xhtml")
}

/// Elements that never have content: a `/` closing their tag changes
/// nothing in HTML either.
fn void(name: &str) -> bool {
    [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr", "basefont", "bgsound", "frame", "keygen", "image",
    ]
    .iter()
    .any(|v| name.eq_ignore_ascii_case(v))
}

/// Elements whose text runs to their end tag, markup or not.
fn raw_text(name: &str) -> bool {
    [
        "script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "textarea", "title",
    ]
    .iter()
    .any(|v| name.eq_ignore_ascii_case(v))
}

/// HTML's white space between attributes.
fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0c | b'\r' | b' ')
}

/// A tag in a page's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Tag<'a> {
    /// Where its `<` is.
    start: usize,
    /// Just after its `>`.
    end: usize,
    /// Its name, as written.
    name: &'a str,
    /// An end tag (`</p>`).
    closing: bool,
    /// Written `<x/>`.
    self_closing: bool,
}

/// The tags of a page's text in order, found as HTML's tokenizer finds
/// them: comments, doctypes and the text of scripts and styles hold no
/// tags. One pass over the text; a tag cut off by the end of the text is
/// not one.
#[derive(Debug)]
struct Tags<'a> {
    text: &'a str,
    /// Where to look for the next tag.
    at: usize,
    /// In XHTML `<script/>` is closed: what follows is markup.
    xml: bool,
    /// The element whose raw text is being passed over, to its end tag.
    raw: Option<&'a str>,
}

impl<'a> Tags<'a> {
    fn new(text: &'a str, xml: bool) -> Tags<'a> {
        Tags {
            text,
            at: 0,
            xml,
            raw: None,
        }
    }

    /// Reads the tag whose name starts at `name_start`.
    fn tag(&self, start: usize, name_start: usize, closing: bool) -> Option<Tag<'a>> {
        let bytes = self.text.as_bytes();
        let name_end = bytes[name_start..]
            .iter()
            .position(|&b| is_space(b) || b == b'/' || b == b'>')
            .map_or(bytes.len(), |p| name_start + p);
        /// Where in a tag the tokenizer is.
        #[derive(Clone, Copy, PartialEq, Eq)]
        enum At {
            Between,
            Name,
            Value,
            Quoted(u8),
            Unquoted,
        }
        let mut at = At::Between;
        // A `/` right before the `>` closes the element (self-closing).
        let mut slash = false;
        for (j, &b) in bytes.iter().enumerate().skip(name_end) {
            if let At::Quoted(quote) = at {
                if b == quote {
                    at = At::Between;
                }
                continue;
            }
            if b == b'>' {
                return Some(Tag {
                    start,
                    end: j + 1,
                    name: &self.text[name_start..name_end],
                    closing,
                    self_closing: slash,
                });
            }
            slash = false;
            at = match (at, b) {
                (At::Quoted(_), _) => at,
                (At::Unquoted, b) if is_space(b) => At::Between,
                (At::Unquoted, _) => At::Unquoted,
                (At::Value, b'"' | b'\'') => At::Quoted(b),
                (At::Value, b) if is_space(b) => At::Value,
                (At::Value, _) => At::Unquoted,
                (At::Between | At::Name, b'/') => {
                    slash = true;
                    At::Between
                }
                (At::Name, b'=') => At::Value,
                (At::Between | At::Name, b) if is_space(b) => At::Between,
                (At::Between | At::Name, _) => At::Name,
            };
        }
        None
    }
}

impl<'a> Iterator for Tags<'a> {
    type Item = Tag<'a>;

    fn next(&mut self) -> Option<Tag<'a>> {
        let bytes = self.text.as_bytes();
        loop {
            let lt = self.at + memchr::memchr(b'<', bytes.get(self.at..)?)?;
            self.at = lt + 1;
            let rest = &bytes[lt + 1..];
            if let Some(raw) = self.raw {
                // Only the element's own end tag ends its text.
                let after = lt + 2 + raw.len();
                let ends = rest.first() == Some(&b'/')
                    && bytes
                        .get(lt + 2..after)
                        .is_some_and(|name| name.eq_ignore_ascii_case(raw.as_bytes()))
                    && bytes
                        .get(after)
                        .is_none_or(|&b| is_space(b) || b == b'/' || b == b'>');
                if !ends {
                    continue;
                }
                self.raw = None;
            }
            match rest {
                [b'!', b'-', b'-', ..] => {
                    let end = self.text[lt + 2..].find("-->")?;
                    self.at = lt + 2 + end + 3;
                }
                [b'/', b, ..] if b.is_ascii_alphabetic() => {
                    let tag = self.tag(lt, lt + 2, true)?;
                    self.at = tag.end;
                    return Some(tag);
                }
                [b'/', b'>', ..] => self.at = lt + 3,
                [b'!' | b'?' | b'/', ..] => {
                    // A bogus comment, to the next `>`.
                    self.at = lt + 1 + memchr::memchr(b'>', rest)? + 1;
                }
                [b, ..] if b.is_ascii_alphabetic() => {
                    let tag = self.tag(lt, lt + 1, false)?;
                    self.at = tag.end;
                    if tag.name.eq_ignore_ascii_case("plaintext") {
                        // Everything after it is text.
                        self.at = bytes.len();
                    } else if raw_text(tag.name) && !(self.xml && tag.self_closing) {
                        self.raw = Some(tag.name);
                    }
                    return Some(tag);
                }
                _ => {}
            }
        }
    }
}

/// XHTML's self-closing tags (`<p/>`, `<script src="…"/>`,
/// `<a id="x"/>`) written as an opening and a closing tag: the HTML
/// parser takes a `/` before `>` for nothing, and would read the rest of
/// the page as the script, or inside the paragraph.
fn expand_self_closing(text: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut copied = 0;
    for tag in Tags::new(text, true) {
        if tag.self_closing && !tag.closing && !void(tag.name) {
            // The `/` is right before the `>`.
            out.push_str(&text[copied..tag.end - 2]);
            out.push_str("></");
            out.push_str(tag.name);
            out.push('>');
            copied = tag.end;
        }
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// The deepest elements nest, as the parser is given them.
///
/// At each block's start tag the HTML standard's tree builder looks
/// through the open elements (is a `p` open, to be closed?), so a page
/// nested without bound takes time in the square of its size: 40,000
/// nested lists take html5ever a dozen seconds. Chromium's parser stops
/// nesting at this depth too.
const MAX_DEPTH: usize = 512;

/// Whether the standard calls an element special: an end tag of an
/// ordinary element does not close past it.
fn special(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "applet"
            | "area"
            | "article"
            | "aside"
            | "base"
            | "basefont"
            | "bgsound"
            | "blockquote"
            | "body"
            | "br"
            | "button"
            | "caption"
            | "center"
            | "col"
            | "colgroup"
            | "dd"
            | "details"
            | "dir"
            | "div"
            | "dl"
            | "dt"
            | "embed"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "frame"
            | "frameset"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "head"
            | "header"
            | "hgroup"
            | "hr"
            | "html"
            | "iframe"
            | "img"
            | "input"
            | "keygen"
            | "li"
            | "link"
            | "listing"
            | "main"
            | "marquee"
            | "menu"
            | "meta"
            | "nav"
            | "noembed"
            | "noframes"
            | "noscript"
            | "object"
            | "ol"
            | "p"
            | "param"
            | "plaintext"
            | "pre"
            | "script"
            | "search"
            | "section"
            | "select"
            | "source"
            | "style"
            | "summary"
            | "table"
            | "tbody"
            | "td"
            | "template"
            | "textarea"
            | "tfoot"
            | "th"
            | "thead"
            | "title"
            | "tr"
            | "track"
            | "ul"
            | "wbr"
            | "xmp"
    )
}

/// Whether an element bounds a scope: an end tag of a block inside it
/// does not close past it.
fn scope_boundary(name: &str) -> bool {
    matches!(
        name,
        "applet" | "caption" | "html" | "table" | "td" | "th" | "marquee" | "object" | "template"
    )
}

/// Whether a start tag closes an open `p` (the standard's "close a p
/// element").
fn closes_p(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "center"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "header"
            | "hgroup"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "p"
            | "search"
            | "section"
            | "summary"
            | "ul"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "pre"
            | "listing"
            | "li"
            | "dd"
            | "dt"
            | "table"
            | "xmp"
    )
}

/// Whether an element is a heading.
fn is_heading(name: &str) -> bool {
    matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

/// Whether an element is a table's row, cell or part.
fn table_inside(name: &str) -> bool {
    matches!(
        name,
        "tr" | "td" | "th" | "thead" | "tbody" | "tfoot" | "caption" | "colgroup"
    )
}

/// The open elements as a page's tags say them, following the standard's
/// tree building closely enough to never count fewer than the parser
/// nests (counting more only leaves out tags of pathological pages).
#[derive(Debug, Default)]
struct Nesting {
    /// Open elements: name, and whether inside SVG or MathML.
    open: Vec<(String, bool)>,
    /// Open tables.
    tables: usize,
    /// Open ruby annotations.
    rubies: usize,
}

impl Nesting {
    fn push(&mut self, name: String) {
        let foreign = self.foreign() || name == "svg" || name == "math";
        self.tables += usize::from(name == "table");
        self.rubies += usize::from(name == "ruby");
        self.open.push((name, foreign));
    }

    fn pop(&mut self) {
        if let Some((name, _)) = self.open.pop() {
            self.tables -= usize::from(name == "table");
            self.rubies -= usize::from(name == "ruby");
        }
    }

    fn top(&self) -> &str {
        self.open.last().map_or("", |(name, _)| name.as_str())
    }

    fn foreign(&self) -> bool {
        self.open.last().is_some_and(|&(_, foreign)| foreign)
    }

    /// Closes the last open element `target` takes, and every one after
    /// it, unless one `stop` takes comes first. Says whether it closed.
    fn close(&mut self, target: impl Fn(&str) -> bool, stop: impl Fn(&str) -> bool) -> bool {
        let Some(at) = self
            .open
            .iter()
            .rev()
            .map(|(name, _)| name.as_str())
            .position(|name| target(name) || stop(name))
        else {
            return false;
        };
        let at = self.open.len() - 1 - at;
        if !target(&self.open[at].0) {
            return false;
        }
        while self.open.len() > at {
            self.pop();
        }
        true
    }

    /// What a start tag closes before it opens.
    fn start(&mut self, name: &str) {
        let sibling_stop = |n: &str| special(n) && !matches!(n, "address" | "div" | "p");
        match name {
            "li" => {
                self.close(|n| n == "li", sibling_stop);
            }
            "dd" | "dt" => {
                self.close(|n| n == "dd" || n == "dt", sibling_stop);
            }
            // A link starting in a link closes it (the adoption agency),
            // unless a block stands between them.
            "a" | "nobr" => {
                self.close(|n| n == name, special);
            }
            "button" => {
                self.close(|n| n == "button", scope_boundary);
            }
            "option" | "optgroup" => {
                if self.top() == "option" {
                    self.pop();
                }
            }
            "rb" | "rtc" | "rt" | "rp" if self.rubies > 0 => {
                let implied = |n: &str| {
                    matches!(
                        n,
                        "dd" | "dt" | "li" | "optgroup" | "option" | "p" | "rb" | "rp" | "rt"
                    ) || (n == "rtc" && matches!(name, "rt" | "rp"))
                };
                while implied(self.top()) {
                    self.pop();
                }
            }
            "td" | "th" => {
                self.close(|n| n == "td" || n == "th", |n| n == "table");
            }
            "tr" => while self.close(|n| matches!(n, "tr" | "td" | "th"), |n| n == "table") {},
            "thead" | "tbody" | "tfoot" | "caption" | "colgroup" => {
                while self.close(table_inside, |n| n == "table") {}
            }
            // A table right in a table (not in a cell) closes it.
            "table" => {
                self.close(|n| n == "table", |n| matches!(n, "td" | "th" | "caption"));
            }
            _ => {}
        }
        if closes_p(name) {
            self.close(|n| n == "p", |n| scope_boundary(n) || n == "button");
        }
        if is_heading(name) && is_heading(self.top()) {
            self.pop();
        }
    }

    /// What an end tag closes.
    fn end(&mut self, name: &str) {
        match name {
            _ if is_heading(name) => {
                self.close(is_heading, scope_boundary);
            }
            "li" => {
                self.close(
                    |n| n == "li",
                    |n| scope_boundary(n) || n == "ol" || n == "ul",
                );
            }
            "p" => {
                self.close(|n| n == "p", |n| scope_boundary(n) || n == "button");
            }
            "table" => {
                self.close(|n| n == "table", |n| n == "template");
            }
            _ if table_inside(name) => {
                self.close(|n| n == name, |n| n == "table");
            }
            _ if special(name) => {
                self.close(|n| n == name, scope_boundary);
            }
            // An ordinary element (formatting ones with no block inside
            // them too) closes unless a special element is open inside it.
            _ => {
                self.close(|n| n == name, special);
            }
        }
    }
}

/// The page with start tags deeper than [`MAX_DEPTH`] left out, with
/// their end tags; their text stays, in the deepest element kept. One
/// pass; a page no deeper than that comes back as it is.
fn bound_depth(text: &str) -> Cow<'_, str> {
    let mut nesting = Nesting::default();
    // Start tags left out, by name, whose end tags are to go too.
    let mut left_out: HashMap<String, usize> = HashMap::new();
    let mut out = String::new();
    let mut copied = 0;
    for tag in Tags::new(text, false) {
        let name = tag.name.to_ascii_lowercase();
        // These never nest: the parser keeps one of each, or ignores a
        // second.
        if void(&name) || matches!(name.as_str(), "html" | "head" | "body" | "form") {
            continue;
        }
        // Table parts outside any table are ignored by the parser.
        if table_inside(&name) && nesting.tables == 0 {
            continue;
        }
        let leave = if tag.closing {
            match left_out.get_mut(&name) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    true
                }
                _ => {
                    nesting.end(&name);
                    false
                }
            }
        } else if tag.self_closing && nesting.foreign() {
            // Closed as it opens, in SVG and MathML (not in HTML).
            false
        } else {
            nesting.start(&name);
            if nesting.open.len() >= MAX_DEPTH {
                *left_out.entry(name).or_default() += 1;
                true
            } else {
                nesting.push(name);
                false
            }
        };
        if leave {
            out.push_str(&text[copied..tag.start]);
            copied = tag.end;
        }
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(doc: &Doc) -> Vec<String> {
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
                Kind::Item { marker, depth } => {
                    format!(
                        "li{depth}{}{marker}:{}",
                        if b.tight { "t" } else { "" },
                        b.inline.text
                    )
                }
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

    /// The texts of `inline` in a style.
    fn styled(inline: &Inline, style: Style) -> Vec<&str> {
        inline
            .spans
            .iter()
            .filter(|(_, s)| s.contains(style))
            .map(|(r, _)| &inline.text[r.clone()])
            .collect()
    }

    const PAGE: &str = r#"<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
  <meta charset="utf-8">
  <title>  دليل   القارئ </title>
  <style>body { color: red; } .x::after { content: "مخفي"; }</style>
  <script>document.write("لا يظهر");</script>
</head>
<body>
<h1>مرحبا بالقارئ</h1>
<p>فقرة فيها <em>ميل</em> و<strong>غامق</strong> و<code>let x</code>
   و<a href="https://example.org/ar">رابط</a>.</p>
<p dir="ltr">An <i>English</i> paragraph.</p>
<ul>
  <li>أول</li>
  <li>ثانٍ
    <ol start="3">
      <li>ثالث</li>
      <li>رابع</li>
    </ol>
  </li>
  <li><input type="checkbox" checked disabled> مهمة منجزة</li>
</ul>
<blockquote><p>اقتباس قصير</p></blockquote>
<pre class="language-rust">fn main() {
    // تعليق

    println!("سلام");
}
</pre>
<hr>
<p><img src="a.png" alt="صورة الغلاف"></p>
<table>
  <thead><tr><th>البند</th><th align="left">العدد</th></tr></thead>
  <tbody>
    <tr><td>كتب</td><td style="text-align: left">12</td></tr>
    <tr><td>Notes</td><td>٣٤</td></tr>
  </tbody>
</table>
<p>بيت أول<br>بيت ثانٍ<br>بيت ثالث</p>
<div hidden>نص مخفي</div>
<div style="display: none">نص مخفي آخر</div>
<span aria-hidden="true">زينة</span>
<noscript>فعّل البرامج</noscript>
<p>رموز: &amp; و&nbsp;و &#x627;.</p>
</body>
</html>
"#;

    #[test]
    fn blocks_of_a_page() {
        let doc = parse(PAGE);
        assert_eq!(doc.title.as_deref(), Some("دليل القارئ"));
        assert_eq!(doc.direction, Some(Direction::Rtl));
        assert_eq!(
            kinds(&doc),
            [
                "h1:مرحبا بالقارئ",
                "p0:فقرة فيها ميل وغامق وlet x ورابط.",
                "p0:An English paragraph.",
                "li0•:أول",
                "li0t•:ثانٍ",
                "li1t3.:ثالث",
                "li1t4.:رابع",
                "li0t☑:مهمة منجزة",
                "p0:اقتباس قصير",
                "code(Some(\"rust\")):fn main() {\n    // تعليق\n\n    println!(\"سلام\");\n}",
                "hr",
                "img:[صورة الغلاف]",
                "table:3x2",
                "p0:بيت أول",
                "p0t:بيت ثانٍ",
                "p0t:بيت ثالث",
                "p0:رموز: & و\u{a0}و ا.",
            ]
        );
        let p = &doc.blocks[1].inline;
        assert_eq!(styled(p, Style::EMPHASIS), ["ميل"]);
        assert_eq!(styled(p, Style::STRONG), ["غامق"]);
        assert_eq!(styled(p, Style::CODE), ["let x"]);
        assert_eq!(styled(p, Style::LINK), ["رابط"]);
        let start = p.text.find("رابط").unwrap();
        assert_eq!(
            p.links,
            [(
                start..start + "رابط".len(),
                "https://example.org/ar".to_string()
            )]
        );
        // The page's direction holds for its blocks, unless one says its own.
        assert_eq!(doc.blocks[0].direction, Some(Direction::Rtl));
        assert_eq!(doc.blocks[2].direction, Some(Direction::Ltr));
        assert_eq!(styled(&doc.blocks[2].inline, Style::EMPHASIS), ["English"]);
        assert_eq!(doc.blocks[8].quote, 1);
        assert_eq!(doc.blocks[7].quote, 0);
        assert_eq!(styled(&doc.blocks[11].inline, Style::DIM), ["[صورة الغلاف]"]);
        let Kind::Table(table) = &doc.blocks[12].kind else {
            panic!("a table");
        };
        let texts = |row: &Vec<Inline>| row.iter().map(|c| c.text.clone()).collect::<Vec<_>>();
        assert_eq!(texts(table.header.as_ref().unwrap()), ["البند", "العدد"]);
        assert_eq!(texts(&table.rows[0]), ["كتب", "12"]);
        assert_eq!(texts(&table.rows[1]), ["Notes", "٣٤"]);
        assert_eq!(table.align, [Align::Start, Align::Left]);
        let all: String = doc.blocks.iter().map(|b| b.inline.text.as_str()).collect();
        for absent in ["red", "document", "مخفي", "زينة", "فعّل", "لا يظهر"] {
            assert!(!all.contains(absent), "{absent} shown");
        }
    }

    #[test]
    fn title_from_the_first_heading() {
        let doc = parse("<body><p>قبل</p><h2>  عنوان <b>ثانٍ</b> </h2></body>");
        assert_eq!(doc.title.as_deref(), Some("عنوان ثانٍ"));
        assert_eq!(doc.direction, None);
        let doc = parse("<html lang='fa-IR'><title></title><p>سلام</p>");
        assert_eq!(doc.title, None);
        assert_eq!(doc.direction, Some(Direction::Rtl));
        assert_eq!(doc.blocks[0].direction, None);
        let doc = parse("<html lang='en'><body dir='rtl'><p dir='auto'>x</p><p>y</p>");
        assert_eq!(doc.direction, Some(Direction::Rtl));
        assert_eq!(doc.blocks[0].direction, None);
        assert_eq!(doc.blocks[1].direction, Some(Direction::Rtl));
    }

    #[test]
    fn text_between_blocks() {
        let doc = parse(
            "<body>نص أول<div>داخل <span>القسم<p>فقرة</p>بعدها</span></div>\
             <section>نص القسم<article>مقالة</article></section>آخر</body>",
        );
        assert_eq!(
            kinds(&doc),
            [
                "p0:نص أول",
                "p0:داخل القسم",
                "p0:فقرة",
                "p0:بعدها",
                "p0:نص القسم",
                "p0:مقالة",
                "p0:آخر"
            ]
        );
    }

    #[test]
    fn lists() {
        let doc = parse(
            "<ol reversed><li>ج</li><li>ب</li><li>أ</li></ol>\
             <ol type='i' start='4'><li>d</li><li value='9'>e</li><li>f</li></ol>\
             <ul><li><p>فقرة أولى</p><p>فقرة ثانية</p></li><li>ثالث<ul><li>داخل<ul>\
             <li>أعمق</li></ul></li></ul></li><li><input type=checkbox> لم تنجز</li></ul>\
             <dl><dt>مصطلح</dt><dd>تعريفه</dd></dl>",
        );
        assert_eq!(
            kinds(&doc),
            [
                "li03.:ج",
                "li0t2.:ب",
                "li0t1.:أ",
                "li0iv.:d",
                "li0tix.:e",
                "li0tx.:f",
                "li0•:فقرة أولى",
                "p1:فقرة ثانية",
                "li0t•:ثالث",
                "li1t◦:داخل",
                "li2t▪:أعمق",
                "li0t☐:لم تنجز",
                "p0:مصطلح",
                "p1t:تعريفه",
            ]
        );
        assert_eq!(styled(&doc.blocks[12].inline, Style::STRONG), ["مصطلح"]);
        assert_eq!(doc.blocks[10].indent, 2);
    }

    #[test]
    fn verse_and_breaks() {
        let doc = parse("<p>سطر<br>سطر<br><br>مقطع<br></p><p>بعد</p><h2>عنوان<br>طويل</h2>");
        assert_eq!(
            kinds(&doc),
            ["p0:سطر", "p0t:سطر", "p0:مقطع", "p0:بعد", "h2:عنوان طويل"]
        );
    }

    #[test]
    fn code_keeps_its_text() {
        let doc = parse(
            "<pre><code class=\"lang-py\">\n  if x &lt; 1:\n\n\treturn <b>x</b>\n\n</code></pre>\
             <pre>one<br>two</pre><p>بعد</p>",
        );
        assert_eq!(
            kinds(&doc),
            [
                "code(Some(\"py\")):  if x < 1:\n\n\treturn x\n",
                "code(None):one\ntwo",
                "p0:بعد"
            ]
        );
    }

    #[test]
    fn tables() {
        let doc = parse(
            "<table><caption>جدول</caption><tr><th>أ</th><th>ب</th></tr>\
             <tfoot><tr><td colspan=2>المجموع</td></tr></tfoot>\
             <tr><td style='text-align:center'><p>١</p><p>٢</p></td><td><ul><li>x</li></ul>\
             <table><tr><td>داخلي</td></tr></table></td></tr></table>\
             <table><tr><td>بلا</td><td>رأس</td></tr></table><table></table>",
        );
        assert_eq!(kinds(&doc), ["p0:جدول", "table:3x2", "table:1x2"]);
        assert_eq!(styled(&doc.blocks[0].inline, Style::DIM), ["جدول"]);
        let Kind::Table(table) = &doc.blocks[1].kind else {
            panic!("a table");
        };
        assert_eq!(table.align, [Align::Center, Align::Start]);
        assert_eq!(table.rows[0][0].text, "١ ٢");
        assert_eq!(table.rows[0][1].text, "x داخلي");
        assert_eq!(table.rows[1][0].text, "المجموع");
        assert_eq!(table.rows[1][1].text, "");
        let Kind::Table(table) = &doc.blocks[2].kind else {
            panic!("a table");
        };
        assert!(table.header.is_none());
    }

    #[test]
    fn links_across_blocks_and_cells() {
        let doc = parse(
            "<a href='/a'><h2>عنوان</h2><p>نص</p></a>\
             <table><tr><td><a href='#x'>خلية</a> بعد</td></tr></table>\
             <p><a href='javascript:void(0)'>لا</a> <a>ولا</a></p>",
        );
        assert_eq!(doc.blocks[0].inline.links, [(0..10, "/a".to_string())]);
        assert_eq!(doc.blocks[1].inline.links, [(0..4, "/a".to_string())]);
        let Kind::Table(table) = &doc.blocks[2].kind else {
            panic!("a table");
        };
        assert_eq!(table.rows[0][0].links, [(0..8, "#x".to_string())]);
        assert!(doc.blocks[3].inline.links.is_empty());
        assert!(doc.blocks[3].inline.spans.is_empty());
    }

    #[test]
    fn inline_direction_isolates() {
        let doc = parse("<p>قال <span dir='ltr'>Hello, world!</span> ثم <bdi>x</bdi>.</p>");
        assert_eq!(
            doc.blocks[0].inline.text,
            "قال \u{2066}Hello, world!\u{2069} ثم \u{2068}x\u{2069}."
        );
        assert_eq!(doc.blocks[0].direction, None);
    }

    #[test]
    fn images_and_figures() {
        let doc = parse(
            "<figure><img src=a alt='خريطة'><figcaption>شرح الصورة</figcaption></figure>\
             <p>نص <img src=b alt=''> و<img src=c></p>",
        );
        assert_eq!(
            kinds(&doc),
            ["img:[خريطة]", "p0:شرح الصورة", "p0:نص و[image]"]
        );
        assert_eq!(styled(&doc.blocks[1].inline, Style::DIM), ["شرح الصورة"]);
    }

    #[test]
    fn xhtml_self_closing_tags() {
        let doc = parse(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
             <html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"he\">\
             <head><title>כותרת</title><script src=\"a.js\"/></head>\
             <body><p>שורה<br/>שנייה</p><div/><p class='a/b'>עוד</p><!-- <p/> --></body></html>",
        );
        assert_eq!(doc.title.as_deref(), Some("כותרת"));
        assert_eq!(doc.direction, Some(Direction::Rtl));
        assert_eq!(kinds(&doc), ["p0:שורה", "p0t:שנייה", "p0:עוד"]);
        assert_eq!(expand_self_closing("<p/><br/>"), "<p></p><br/>");
    }

    #[test]
    fn deep_nesting_does_not_crash() {
        let depth = 100_000;
        let mut page = String::with_capacity(depth * 12);
        for _ in 0..depth {
            page.push_str("<div>");
        }
        page.push_str("عميق");
        for _ in 0..depth {
            page.push_str("</div>");
        }
        let doc = parse(&page);
        assert_eq!(kinds(&doc), ["p0:عميق"]);
        let mut page = String::new();
        for _ in 0..depth {
            page.push_str("<span><b><ul><li><blockquote><table><tr><td>");
        }
        let _ = parse(&page);
    }

    #[test]
    fn anything_parses() {
        for text in [
            "",
            "<",
            "</p>",
            "<p>غير مغلق <b>غامق <i>مائل</p> بعد</b>",
            "<table><td>a<tr><th>b</table></td>",
            "<li>بند بلا قائمة",
            "<ol start='-99999999999999999999' reversed><li>x",
            "<ol start='9223372036854775807'><li>a<li>b",
            "<pre>",
            "<a href='x'><a href='y'>z</a>",
            "<html dir=><body dir=sideways lang>",
            "<caption>x</caption><tr><td>y",
            "<?xml?><x/><p/ ><q '/>",
            "<!-- unterminated",
            "\u{feff}<html><p>\u{0}\u{1b}[31m",
            "<svg><title>لا</title><p>نعم</p></svg>",
            "<math><mi>x</mi></math><p>y",
            "<input type=checkbox><li><input type=checkbox>",
            "<td colspan=99999>x</td>",
        ] {
            let _ = parse(text);
        }
        let doc = parse("<p>غير مغلق <b>غامق <i>مائل</p> بعد</b>");
        assert_eq!(kinds(&doc), ["p0:غير مغلق غامق مائل", "p0:بعد"]);
    }
}

#[doc(hidden)]
pub fn bound(s: &str) -> Cow<'_, str> { bound_depth(s) } // PROBE
