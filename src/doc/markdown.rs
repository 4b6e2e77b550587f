//! Markdown to blocks, with pulldown-cmark (CommonMark, plus GitHub's
//! tables, strikethrough, task lists and footnotes): a well-kept parser
//! that hands out events in document order and never fails on any input.

use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::{Align, Block, Doc, Inline, Kind, Style, Table};

/// Parses Markdown text into a document.
pub fn parse(text: &str) -> Doc {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let mut builder = Builder::default();
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        // A block starts where the first event after the last block does
        // (an end closes what came before).
        if builder.source.is_none() && !matches!(event, Event::End(_)) {
            builder.source = Some(range.start);
        }
        builder.event(event);
    }
    builder.flush();
    let mut doc = Doc {
        blocks: builder.blocks,
        ..Doc::default()
    };
    doc.title = doc.first_heading().map(str::to_string);
    doc
}

/// A list being read: the next item's number, if it is ordered.
#[derive(Debug)]
struct List {
    next: Option<u64>,
    /// Items read so far.
    items: usize,
}

/// A table being read.
#[derive(Debug, Default)]
struct TableState {
    table: Table,
    in_head: bool,
    row: Vec<Inline>,
}

#[derive(Debug, Default)]
struct Builder {
    blocks: Vec<Block>,
    /// The inline text being gathered.
    inline: Inline,
    /// Styles open now.
    styles: Vec<Style>,
    /// Links open now: where their text starts, and their target.
    links: Vec<(usize, String)>,
    /// Block quotes open.
    quote: u8,
    lists: Vec<List>,
    /// The marker of the item whose first text has not been written.
    marker: Option<String>,
    /// A block is open that the next text belongs to (a heading, code).
    heading: Option<u8>,
    code: Option<(Option<String>, String)>,
    table: Option<TableState>,
    /// The footnote being defined, until its first block is written.
    footnote: Option<String>,
    /// Inside an image: its alt text is gathered.
    image: Option<String>,
    /// The next block follows the one before without a blank row.
    tight: bool,
    /// Where the source of the next block starts.
    source: Option<usize>,
}

impl Builder {
    fn style(&self) -> Style {
        self.styles
            .iter()
            .fold(Style::PLAIN, |all, style| all.with(*style))
    }

    /// The inline text a cell or a block is gathering.
    fn target(&mut self) -> &mut Inline {
        match self.table.as_mut() {
            Some(table) => table.row.last_mut().unwrap_or(&mut self.inline),
            None => &mut self.inline,
        }
    }

    fn text(&mut self, text: &str) {
        if let Some(alt) = self.image.as_mut() {
            alt.push_str(text);
            return;
        }
        if let Some((_, code)) = self.code.as_mut() {
            code.push_str(text);
            return;
        }
        let style = self.style();
        self.target().push(text, style);
    }

    /// Writes the gathered inline text as a block of `kind` (an item's
    /// first text takes the item's marker; nothing is written for none).
    fn write(&mut self, kind: Kind) {
        let inline = std::mem::take(&mut self.inline).collapse();
        if inline.text.is_empty() && !matches!(kind, Kind::Rule | Kind::Code { .. }) {
            return;
        }
        let depth = self.lists.len().saturating_sub(1) as u8;
        let (kind, indent) = match (kind, self.marker.take(), self.footnote.take()) {
            (Kind::Paragraph, Some(marker), _) => (Kind::Item { marker, depth }, depth),
            (Kind::Paragraph, None, Some(label)) => (Kind::Footnote(label), 0),
            (Kind::Paragraph, None, None) if !self.lists.is_empty() => (Kind::Paragraph, depth + 1),
            (kind, _, _) => (kind, if self.lists.is_empty() { 0 } else { depth + 1 }),
        };
        let kind = super::image_or(kind, &inline);
        let mut block = Block::new(kind, inline);
        block.quote = self.quote;
        block.indent = indent;
        block.tight = std::mem::take(&mut self.tight);
        self.push(block);
    }

    /// Adds a block, starting where its source does.
    fn push(&mut self, mut block: Block) {
        block.source = self.source.take();
        self.blocks.push(block);
    }

    /// Writes whatever text is waiting, as a paragraph (or the item's text).
    fn flush(&mut self) {
        if !self.inline.text.trim().is_empty() {
            self.write(Kind::Paragraph);
        } else {
            self.inline = Inline::default();
        }
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => self.text(&text),
            Event::Code(code) => {
                let style = self.style().with(Style::CODE);
                self.target().push(&code, style);
            }
            Event::SoftBreak => self.text(" "),
            Event::HardBreak => {
                // A line of its own, right under the one before (verse).
                if self.table.is_none() && self.heading.is_none() {
                    self.flush();
                    self.tight = true;
                } else {
                    self.text(" ");
                }
            }
            Event::Rule => {
                self.flush();
                self.write(Kind::Rule);
            }
            Event::TaskListMarker(done) => {
                self.marker = Some(if done { "☑" } else { "☐" }.to_string());
            }
            Event::FootnoteReference(label) => {
                let style = self.style().with(Style::DIM);
                self.target().push(&format!("[{label}]"), style);
            }
            Event::InlineMath(math) | Event::DisplayMath(math) => self.text(&math),
            // Markup of another language is not text.
            Event::Html(_) | Event::InlineHtml(_) => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => {
                // An item's text before a paragraph in it (a loose list).
                if self.marker.is_none() {
                    self.flush();
                }
            }
            Tag::Heading { level, .. } => {
                self.flush();
                self.heading = Some(heading_level(level));
            }
            Tag::BlockQuote(_) => {
                self.flush();
                self.quote += 1;
            }
            Tag::CodeBlock(kind) => {
                self.flush();
                let language = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split_whitespace()
                        .next()
                        .map(str::to_string)
                        .filter(|l| !l.is_empty()),
                    CodeBlockKind::Indented => None,
                };
                self.code = Some((language, String::new()));
            }
            Tag::List(first) => {
                // The text of the item this list is inside of comes first.
                self.flush();
                self.lists.push(List {
                    next: first,
                    items: 0,
                });
            }
            Tag::Item => {
                self.flush();
                let nested = self.lists.len() > 1;
                let depth = self.lists.len().saturating_sub(1);
                let (marker, first) = match self.lists.last_mut() {
                    Some(list) => {
                        list.items += 1;
                        let marker = match list.next.as_mut() {
                            Some(n) => {
                                let marker = format!("{n}.");
                                *n += 1;
                                marker
                            }
                            None => ["•", "◦", "▪"][depth % 3].to_string(),
                        };
                        (marker, list.items == 1)
                    }
                    None => ("•".to_string(), true),
                };
                // Items of one list follow each other without a blank row,
                // and a nested list follows its item.
                self.tight = !first || nested;
                self.marker = Some(marker);
            }
            Tag::FootnoteDefinition(label) => {
                self.flush();
                self.footnote = Some(label.to_string());
            }
            Tag::Table(aligns) => {
                self.flush();
                self.table = Some(TableState {
                    table: Table {
                        align: aligns.iter().map(|a| align(*a)).collect(),
                        ..Table::default()
                    },
                    ..TableState::default()
                });
            }
            Tag::TableHead => {
                if let Some(t) = self.table.as_mut() {
                    t.in_head = true;
                    t.row.clear();
                }
            }
            Tag::TableRow => {
                if let Some(t) = self.table.as_mut() {
                    t.row.clear();
                }
            }
            Tag::TableCell => {
                if let Some(t) = self.table.as_mut() {
                    t.row.push(Inline::default());
                }
            }
            Tag::Emphasis => self.styles.push(Style::EMPHASIS),
            Tag::Strong => self.styles.push(Style::STRONG),
            Tag::Strikethrough => self.styles.push(Style::STRIKE),
            Tag::Link { dest_url, .. } => {
                let at = self.target().text.len();
                self.links.push((at, dest_url.to_string()));
                self.styles.push(Style::LINK);
            }
            Tag::Image { .. } => self.image = Some(String::new()),
            Tag::HtmlBlock
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::MetadataBlock(_)
            | Tag::Superscript
            | Tag::Subscript => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.flush(),
            TagEnd::Heading(_) => {
                let level = self.heading.take().unwrap_or(1);
                self.write(Kind::Heading(level));
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.quote = self.quote.saturating_sub(1);
            }
            TagEnd::CodeBlock => {
                if let Some((language, code)) = self.code.take() {
                    let code = code.strip_suffix('\n').unwrap_or(&code).to_string();
                    let mut block = Block::new(Kind::Code { language }, Inline::plain(code));
                    block.quote = self.quote;
                    block.indent = if self.lists.is_empty() {
                        0
                    } else {
                        self.lists.len() as u8
                    };
                    self.push(block);
                }
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
            }
            TagEnd::Item => self.flush(),
            TagEnd::FootnoteDefinition => {
                self.flush();
                self.footnote = None;
            }
            TagEnd::TableCell => {}
            TagEnd::TableHead => {
                if let Some(t) = self.table.as_mut() {
                    let row = collapse_row(std::mem::take(&mut t.row));
                    t.table.header = Some(row);
                    t.in_head = false;
                }
            }
            TagEnd::TableRow => {
                if let Some(t) = self.table.as_mut() {
                    let row = collapse_row(std::mem::take(&mut t.row));
                    t.table.rows.push(row);
                }
            }
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    let mut block = Block::new(Kind::Table(t.table), Inline::default());
                    block.quote = self.quote;
                    self.push(block);
                }
            }
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => {
                self.styles.pop();
            }
            TagEnd::Link => {
                self.styles.pop();
                if let Some((start, url)) = self.links.pop() {
                    let target = self.target();
                    let end = target.text.len();
                    if end > start {
                        target.links.push((start..end, url));
                    }
                }
            }
            TagEnd::Image => {
                if let Some(alt) = self.image.take() {
                    let alt = alt.trim();
                    let shown = if alt.is_empty() {
                        "[image]".to_string()
                    } else {
                        format!("[{alt}]")
                    };
                    let style = self.style().with(Style::DIM);
                    self.target().push(&shown, style);
                }
            }
            TagEnd::HtmlBlock
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::MetadataBlock(_)
            | TagEnd::Superscript
            | TagEnd::Subscript => {}
        }
    }
}

fn collapse_row(row: Vec<Inline>) -> Vec<Inline> {
    row.into_iter().map(Inline::collapse).collect()
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn align(a: Alignment) -> Align {
    match a {
        Alignment::None => Align::Start,
        Alignment::Left => Align::Left,
        Alignment::Center => Align::Center,
        Alignment::Right => Align::Right,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::kinds;

    #[test]
    fn blocks_of_a_document() {
        let doc = parse(
            "# العنوان\n\nفقرة *مائلة* و**غامقة** فيها `code` و[رابط](https://example.org).\n\n\
             - أول\n- ثانٍ\n  - داخلي\n- [x] مهمة\n\n1. واحد\n2. اثنان\n\n> اقتباس\n\n\
             ```rust\nfn main() {}\n```\n\n---\n\n![صورة](a.png)\n\n| أ | ب |\n|---|:-:|\n| 1 | 2 |\n\n\
             حاشية[^1].\n\n[^1]: نص الحاشية.\n",
        );
        assert_eq!(doc.title.as_deref(), Some("العنوان"));
        assert_eq!(
            kinds(&doc),
            [
                "h1:العنوان",
                "p0:فقرة مائلة وغامقة فيها code ورابط.",
                "li0•:أول",
                "li0t•:ثانٍ",
                "li1t◦:داخلي",
                "li0t☑:مهمة",
                "li01.:واحد",
                "li0t2.:اثنان",
                "p0:اقتباس",
                "code(Some(\"rust\")):fn main() {}",
                "hr",
                "img:[صورة]",
                "table:2x2",
                "p0:حاشية[1].",
                "fn[1]:نص الحاشية.",
            ]
        );
        let p = &doc.blocks[1].inline;
        let styled = |s: Style| -> Vec<&str> {
            p.spans
                .iter()
                .filter(|(_, st)| st.contains(s))
                .map(|(r, _)| &p.text[r.clone()])
                .collect()
        };
        assert_eq!(styled(Style::EMPHASIS), ["مائلة"]);
        assert_eq!(styled(Style::STRONG), ["غامقة"]);
        assert_eq!(styled(Style::CODE), ["code"]);
        assert_eq!(styled(Style::LINK), ["رابط"]);
        assert_eq!(
            p.links,
            [(
                p.text.find("رابط").unwrap()..p.text.find('.').unwrap(),
                "https://example.org".to_string()
            )]
        );
        assert_eq!(doc.blocks[8].quote, 1);
        let Kind::Table(table) = &doc.blocks[12].kind else {
            panic!("a table");
        };
        assert_eq!(table.align, [Align::Start, Align::Center]);
        assert_eq!(table.header.as_ref().unwrap()[1].text, "ب");
    }

    #[test]
    fn loose_items_and_verse() {
        let doc = parse("- أول\n\n  فقرة ثانية في البند\n- ثانٍ\n\nبيت أول  \nبيت ثانٍ\n");
        assert_eq!(
            kinds(&doc),
            [
                "li0•:أول",
                "p1:فقرة ثانية في البند",
                "li0t•:ثانٍ",
                "p0:بيت أول",
                "p0t:بيت ثانٍ"
            ]
        );
    }

    #[test]
    fn anything_parses() {
        for text in [
            "",
            "#",
            "```",
            "|a|\n|-|",
            "[^x]",
            "* * *",
            "<script>x</script>",
            "> > > a",
            "1.\n2.",
        ] {
            let _ = parse(text);
        }
    }
}
