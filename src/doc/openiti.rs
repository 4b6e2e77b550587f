//! OpenITI mARkdown to blocks: the open corpus of premodern Arabic texts.
//!
//! - The first line is `######OpenITI#`; the `#META#` header up to
//!   `#META#Header#End#` is metadata (the book's title and author), not
//!   text.
//! - `# ` starts a paragraph; `~~` lines (and lines without a mark) go on
//!   with it, joined with a space: the corpus cuts its lines at about 72
//!   characters, which are not the text's lines.
//! - `### |` to `### |||||` are headings of levels 1 to 5; a tagged
//!   heading (`### |EDITOR|`) shows its tag.
//! - Page markers (`PageV01P001`, letter volume codes, four-digit pages,
//!   in the middle of a line too) leave the running text and are kept as
//!   places ([`Block::pages`]); milestones (`Milestone300`, `ms12`) are
//!   left out.

use super::{Block, Doc, Inline, Kind, Page, Style};

/// The first line of every OpenITI text.
pub const MAGIC: &str = "######OpenITI#";
const HEADER_END: &str = "#META#Header#End#";

/// Whether `head` is the start of an OpenITI text.
pub fn recognise(head: &str) -> bool {
    head.trim_start_matches('\u{feff}').starts_with(MAGIC)
}

/// Parses an OpenITI mARkdown text.
pub fn parse(text: &str) -> Doc {
    let mut doc = Doc::default();
    let mut lines = text.lines();
    let mut title = None;
    let mut author = None;
    let mut in_header = text.trim_start_matches('\u{feff}').starts_with(MAGIC);
    if in_header {
        lines.next();
    }
    let mut current: Option<Block> = None;
    let finish = |doc: &mut Doc, block: Option<Block>| {
        if let Some(mut block) = block {
            let trimmed = block.inline.text.trim_end().len();
            block.inline.text.truncate(trimmed);
            for page in block.pages.iter_mut() {
                page.0 = page.0.min(trimmed);
            }
            if !block.inline.text.trim().is_empty() || !block.pages.is_empty() {
                doc.blocks.push(block);
            }
        }
    };
    for line in lines {
        // Where the line starts in `text`: a block starts where its line does.
        let at = line.as_ptr() as usize - text.as_ptr() as usize;
        if in_header {
            if line.starts_with(HEADER_END) {
                in_header = false;
            } else if let Some((key, value)) = line.split_once("::") {
                let value = value.trim();
                let useful = !value.is_empty() && value != "NODATA";
                if useful && key.contains("BookTITLE") && title.is_none() {
                    title = Some(value.to_string());
                } else if useful
                    && (key.contains("AuthorNAME") || key.contains("AuthorAKA"))
                    && author.is_none()
                {
                    author = Some(value.to_string());
                }
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix("### ") {
            finish(&mut doc, current.take());
            let bars = rest.chars().take_while(|&c| c == '|').count();
            let after = rest[bars..].trim_start();
            // `### |EDITOR|`: a tag between bars, then its text.
            let (kind, tag, body) = match after.split_once('|') {
                Some((tag, body))
                    if bars == 1
                        && !tag.is_empty()
                        && tag.chars().all(|c| c.is_ascii_uppercase() || c == '_') =>
                {
                    (Kind::Paragraph, Some(tag), body)
                }
                _ => (Kind::Heading(bars.clamp(1, 5) as u8), None, after),
            };
            let mut block = Block::new(kind, Inline::default());
            block.source = Some(at);
            if let Some(tag) = tag {
                block.inline.push(&format!("[{tag}] "), Style::DIM);
            }
            add(&mut block, body);
            finish(&mut doc, Some(block));
            continue;
        }
        if let Some(rest) = line
            .strip_prefix("# ")
            .or_else(|| (line == "#").then_some(""))
        {
            finish(&mut doc, current.take());
            let mut block = Block::new(Kind::Paragraph, Inline::default());
            block.source = Some(at);
            add(&mut block, rest);
            current = Some(block);
            continue;
        }
        let rest = line.strip_prefix("~~").unwrap_or(line);
        if rest.trim().is_empty() {
            continue;
        }
        let block = current.get_or_insert_with(|| {
            let mut block = Block::new(Kind::Paragraph, Inline::default());
            block.source = Some(at);
            block
        });
        if !block.inline.text.is_empty() && !block.inline.text.ends_with(' ') {
            block.inline.push(" ", Style::PLAIN);
        }
        add(block, rest);
    }
    finish(&mut doc, current.take());
    doc.title = match (title, author) {
        (Some(t), Some(a)) => Some(format!("{t} — {a}")),
        (t, a) => t.or(a),
    };
    if doc.title.is_none() {
        doc.title = doc.first_heading().map(str::to_string);
    }
    doc.direction = Some(crate::text::Direction::Rtl);
    doc
}

/// Appends a line's text to `block`: page markers become places, and
/// milestones and runs of spaces they leave go.
fn add(block: &mut Block, text: &str) {
    let mut rest = text;
    while !rest.is_empty() {
        let next = find_marker(rest);
        let Some((at, len, page)) = next else {
            push_text(block, rest);
            break;
        };
        push_text(block, &rest[..at]);
        if let Some(page) = page {
            let offset = block.inline.text.len();
            block.pages.push((offset, page));
        }
        rest = &rest[at + len..];
    }
}

fn push_text(block: &mut Block, text: &str) {
    let mut text = text;
    // A marker between two spaces leaves one.
    if block.inline.text.ends_with(' ') {
        text = text.trim_start();
    }
    block.inline.push(text, Style::PLAIN);
}

/// The first page marker or milestone in `text`: where it starts, its
/// length, and the page it names (none for a milestone).
fn find_marker(text: &str) -> Option<(usize, usize, Option<Page>)> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let tail = &text[i..];
        if let Some(found) = page_marker(tail) {
            return Some((i, found.0, Some(found.1)));
        }
        if let Some(len) = milestone(tail) {
            // Only where a word starts.
            if i == 0 || bytes[i - 1] == b' ' {
                return Some((i, len, None));
            }
        }
        i += tail.chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// `PageV01P001` (two letters or digits for the volume, three or four
/// digits for the page) at the start of `text`: its length and page.
fn page_marker(text: &str) -> Option<(usize, Page)> {
    let rest = text.strip_prefix("PageV")?;
    let volume: String = rest.chars().take(2).collect();
    if volume.len() != 2 || !volume.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let rest = rest[2..].strip_prefix('P')?;
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    if !(3..=4).contains(&digits) {
        return None;
    }
    let page = rest[..digits].parse().ok()?;
    Some((
        "PageV".len() + 2 + 1 + digits,
        Page {
            volume,
            number: page,
        },
    ))
}

/// `Milestone300` or `ms12` at the start of `text`: its length.
fn milestone(text: &str) -> Option<usize> {
    let (prefix, rest) = if let Some(rest) = text.strip_prefix("Milestone") {
        ("Milestone", rest)
    } else {
        ("ms", text.strip_prefix("ms")?)
    };
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    let after = rest[digits..].chars().next();
    (digits > 0 && after.is_none_or(|c| c == ' ')).then_some(prefix.len() + digits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::kinds;

    const SAMPLE: &str = "######OpenITI#\n\n#META# 010.AuthorAKA\t:: الذهبي\n#META# 020.BookTITLE\t:: تاريخ الإسلام\n#META# 021.BookSUBJ\t:: NODATA\n#META#Header#End#\n\n### | كتاب المغازي\n### || الجزء الأول\n# قال المصنف رحمه الله: هذا كتاب\n~~ فيه ذكر الحوادث PageV01P002 والوفيات على\n~~ السنين ms1 من الهجرة.\n# وفي سنة إحدى PageV01P003\n### |EDITOR| مقدمة المحقق\n# سطر أخير PageVA1P1024 هنا Milestone300\n";

    #[test]
    fn header_paragraphs_headings_and_pages() {
        assert!(recognise(SAMPLE));
        assert!(!recognise("# Title\n"));
        let doc = parse(SAMPLE);
        assert_eq!(doc.title.as_deref(), Some("تاريخ الإسلام — الذهبي"));
        assert_eq!(
            kinds(&doc),
            [
                "h1:كتاب المغازي",
                "h2:الجزء الأول",
                "p0:قال المصنف رحمه الله: هذا كتاب فيه ذكر الحوادث والوفيات على السنين من الهجرة.",
                "p0:وفي سنة إحدى",
                "p0:[EDITOR] مقدمة المحقق",
                "p0:سطر أخير هنا",
            ]
        );
        let p = &doc.blocks[2];
        let at = p.inline.text.find("والوفيات").unwrap();
        assert_eq!(
            p.pages,
            [(
                at,
                Page {
                    volume: "01".into(),
                    number: 2
                }
            )]
        );
        // A marker at a paragraph's end stays with it.
        assert_eq!(doc.blocks[3].pages.len(), 1);
        let last = &doc.blocks[5].pages[0].1;
        assert_eq!((last.volume.as_str(), last.number), ("A1", 1024));
    }

    #[test]
    fn anything_parses() {
        for text in [
            "",
            MAGIC,
            "######OpenITI#\n#META# x",
            "PageV",
            "PageV01P",
            "# PageV01P001",
            "ms",
            "### |||||||| x",
            "~~",
        ] {
            let _ = parse(text);
        }
    }
}
