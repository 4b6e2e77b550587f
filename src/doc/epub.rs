//! EPUB 2 and 3 books into the document model: the spine's chapters in
//! order (each through the HTML path), the metadata's title and author,
//! the book's own table of contents (EPUB 3 nav, else the EPUB 2 NCX) as
//! its outline, `page-progression-direction="rtl"` as its direction.
//!
//! Read with `zip` and `roxmltree` from any seekable reader (the caller
//! opens the file). Every entry is read through a limit: a chapter past
//! [`ENTRY_LIMIT`] or a book past [`BOOK_LIMIT`] of decompressed text is
//! cut, never read into memory whole, so a zip bomb costs its limit. What
//! cannot be read (a missing chapter, a broken one, a missing table of
//! contents) is said in [`Book::problems`], and the rest is shown.

use std::collections::HashMap;
use std::io::{Read, Seek};

use super::{Block, Doc, Inline, Kind, Style, TocEntry};
use crate::text::Direction;

/// The most of one entry read, decompressed.
pub const ENTRY_LIMIT: u64 = 32 << 20;
/// The most of a whole book read, decompressed.
pub const BOOK_LIMIT: u64 = 256 << 20;

/// A book read.
#[derive(Debug, Clone, Default)]
pub struct Book {
    /// Its blocks, chapters in spine order, and its table of contents.
    pub doc: Doc,
    /// What could not be read, one phrase each.
    pub problems: Vec<String>,
}

/// The title and author of a book, from its package document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    /// `dc:title`.
    pub title: Option<String>,
    /// `dc:creator`.
    pub author: Option<String>,
    /// `page-progression-direction="rtl"`.
    pub rtl: bool,
}

impl Metadata {
    /// "Title — Author", or whichever there is.
    pub fn display(&self) -> Option<String> {
        match (&self.title, &self.author) {
            (Some(t), Some(a)) => Some(format!("{t} — {a}")),
            (t, a) => t.clone().or_else(|| a.clone()),
        }
    }
}

/// A package document, read.
struct Package {
    metadata: Metadata,
    /// Manifest: id → (href from the zip's root, media type, properties).
    manifest: HashMap<String, (String, String, String)>,
    /// Spine: manifest ids in reading order.
    spine: Vec<String>,
    /// The NCX's manifest id (EPUB 2).
    ncx: Option<String>,
}

/// Reads an entry, at most `limit` bytes of it; `Err` says why not.
fn entry<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
    limit: u64,
) -> Result<Vec<u8>, String> {
    let file = zip
        .by_name(name)
        .map_err(|_| format!("{name} is missing"))?;
    let mut bytes = Vec::new();
    file.take(limit)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{name} cannot be read: {e}"))?;
    Ok(bytes)
}

/// Joins `href` (relative, maybe with `../` and a `#fragment`) to `base`.
fn join(base: &str, href: &str) -> String {
    let href = href.split('#').next().unwrap_or("");
    let href = percent_decode(href);
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for part in href.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    parts.join("/")
}

/// `%20` and the like, as hrefs write them.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(
                std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"),
                16,
            )
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The folder of a path in the zip.
fn folder(path: &str) -> String {
    path.rsplit_once('/')
        .map_or(String::new(), |(f, _)| f.to_string())
}

fn text_of(node: roxmltree::Node<'_, '_>) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn package<R: Read + Seek>(zip: &mut zip::ZipArchive<R>) -> Result<Package, String> {
    let container = entry(zip, "META-INF/container.xml", 1 << 20)
        .map_err(|_| "not an EPUB: META-INF/container.xml is missing".to_string())?;
    let container = String::from_utf8_lossy(&container);
    let xml = roxmltree::Document::parse(&container)
        .map_err(|e| format!("META-INF/container.xml is broken: {e}"))?;
    let path = xml
        .descendants()
        .find(|n| n.has_tag_name("rootfile"))
        .and_then(|n| n.attribute("full-path"))
        .ok_or("no package document is named in META-INF/container.xml")?
        .to_string();
    let opf = entry(zip, &path, 8 << 20)
        .map_err(|_| format!("the package document {path} is missing"))?;
    let opf = String::from_utf8_lossy(&opf);
    let xml = roxmltree::Document::parse(&opf)
        .map_err(|e| format!("the package document {path} is broken: {e}"))?;
    let base = folder(&path);
    let mut metadata = Metadata::default();
    for node in xml.descendants().filter(|n| n.is_element()) {
        match node.tag_name().name() {
            "title" if metadata.title.is_none() => {
                metadata.title = Some(text_of(node)).filter(|t| !t.is_empty());
            }
            "creator" if metadata.author.is_none() => {
                metadata.author = Some(text_of(node)).filter(|t| !t.is_empty());
            }
            _ => {}
        }
    }
    let mut manifest = HashMap::new();
    for item in xml.descendants().filter(|n| n.has_tag_name("item")) {
        if let (Some(id), Some(href)) = (item.attribute("id"), item.attribute("href")) {
            manifest.insert(
                id.to_string(),
                (
                    join(&base, href),
                    item.attribute("media-type").unwrap_or("").to_string(),
                    item.attribute("properties").unwrap_or("").to_string(),
                ),
            );
        }
    }
    let spine_node = xml.descendants().find(|n| n.has_tag_name("spine"));
    metadata.rtl = spine_node
        .and_then(|s| s.attribute("page-progression-direction"))
        .is_some_and(|d| d == "rtl");
    let ncx = spine_node
        .and_then(|s| s.attribute("toc"))
        .map(str::to_string);
    let spine = spine_node
        .map(|s| {
            s.children()
                .filter(|n| n.has_tag_name("itemref"))
                .filter_map(|n| n.attribute("idref"))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    Ok(Package {
        metadata,
        manifest,
        spine,
        ncx,
    })
}

/// The title and author of the book in `reader`, reading only its
/// container and package document.
pub fn metadata<R: Read + Seek>(reader: R) -> Result<Metadata, String> {
    let mut zip = zip::ZipArchive::new(reader).map_err(|e| format!("not a zip archive: {e}"))?;
    package(&mut zip).map(|p| p.metadata)
}

/// A table of contents entry before it is placed: the chapter's path,
/// its fragment, level and label.
struct Entry {
    path: String,
    level: u8,
    label: String,
}

/// The EPUB 3 navigation document's `toc` list.
fn nav_toc(xhtml: &str, base: &str) -> Vec<Entry> {
    let Ok(xml) = roxmltree::Document::parse(xhtml) else {
        return Vec::new();
    };
    let nav = xml.descendants().find(|n| {
        n.has_tag_name("nav")
            && n.attributes()
                .any(|a| a.name() == "type" && a.value().split_whitespace().any(|v| v == "toc"))
    });
    let Some(nav) = nav else {
        return Vec::new();
    };
    let mut entries = Vec::new();
    for a in nav.descendants().filter(|n| n.has_tag_name("a")) {
        let Some(href) = a.attribute("href") else {
            continue;
        };
        let depth = a
            .ancestors()
            .take_while(|n| *n != nav)
            .filter(|n| n.has_tag_name("ol"))
            .count()
            .clamp(1, 6) as u8;
        entries.push(Entry {
            path: join(base, href),
            level: depth,
            label: text_of(a),
        });
    }
    entries
}

/// The EPUB 2 NCX's navigation points.
fn ncx_toc(ncx: &str, base: &str) -> Vec<Entry> {
    let Ok(xml) = roxmltree::Document::parse(ncx) else {
        return Vec::new();
    };
    let mut entries = Vec::new();
    for point in xml.descendants().filter(|n| n.has_tag_name("navPoint")) {
        let label = point
            .children()
            .find(|n| n.has_tag_name("navLabel"))
            .map(text_of)
            .unwrap_or_default();
        let Some(src) = point
            .children()
            .find(|n| n.has_tag_name("content"))
            .and_then(|n| n.attribute("src"))
        else {
            continue;
        };
        let level = point
            .ancestors()
            .filter(|n| n.has_tag_name("navPoint"))
            .count()
            .clamp(1, 6) as u8;
        entries.push(Entry {
            path: join(base, src),
            level,
            label,
        });
    }
    entries
}

/// Makes a chapter's links to places in the book point there
/// (`#chapter-path#id`, `#chapter-path`); addresses stay as they are.
fn in_book(inline: &mut Inline, chapter: &str) {
    for (_, target) in inline.links.iter_mut() {
        if target.contains("://") || target.starts_with("mailto:") {
            continue;
        }
        let (file, fragment) = match target.split_once('#') {
            Some((file, fragment)) => (file, Some(fragment)),
            None => (target.as_str(), None),
        };
        let file = if file.is_empty() {
            chapter.to_string()
        } else {
            join(&folder(chapter), file)
        };
        *target = match fragment {
            Some(fragment) if !fragment.is_empty() => format!("#{file}#{fragment}"),
            _ => format!("#{file}"),
        };
    }
}

/// Reads a whole book.
pub fn parse<R: Read + Seek>(reader: R) -> Result<Book, String> {
    let mut zip = zip::ZipArchive::new(reader).map_err(|e| format!("not a zip archive: {e}"))?;
    let package = package(&mut zip)?;
    let mut book = Book::default();
    let mut read: u64 = 0;
    // Where each chapter starts, by its path.
    let mut starts: HashMap<String, usize> = HashMap::new();
    for id in &package.spine {
        let Some((path, _, _)) = package.manifest.get(id) else {
            book.problems
                .push(format!("the spine names {id}, which the manifest does not"));
            continue;
        };
        if read >= BOOK_LIMIT {
            book.problems.push(format!(
                "the book is cut after {} MB of text",
                BOOK_LIMIT >> 20
            ));
            break;
        }
        let limit = ENTRY_LIMIT.min(BOOK_LIMIT - read);
        let bytes = match entry(&mut zip, path, limit + 1) {
            Ok(bytes) => bytes,
            Err(why) => {
                book.problems.push(why);
                continue;
            }
        };
        read += bytes.len() as u64;
        let cut = bytes.len() as u64 > limit;
        let xhtml = String::from_utf8_lossy(&bytes[..bytes.len().min(limit as usize)]);
        if cut {
            book.problems
                .push(format!("{path} is cut at {} MB", limit >> 20));
        }
        let chapter = super::html::parse(&xhtml);
        let first = book.doc.blocks.len();
        starts.insert(path.clone(), first);
        // Places in the book: the chapter, and its elements' ids.
        book.doc.anchors.push((path.clone(), first));
        for (id, block) in chapter.anchors {
            book.doc
                .anchors
                .push((format!("{path}#{id}"), first + block));
        }
        let mut blocks = chapter.blocks;
        for block in blocks.iter_mut() {
            in_book(&mut block.inline, path);
            if let Kind::Table(table) = &mut block.kind {
                for cell in table.header.iter_mut().flatten() {
                    in_book(cell, path);
                }
                for cell in table.rows.iter_mut().flatten() {
                    in_book(cell, path);
                }
            }
        }
        if let Some(Direction::Rtl) = chapter.direction {
            for block in blocks.iter_mut() {
                block.direction.get_or_insert(Direction::Rtl);
            }
        }
        book.doc.blocks.extend(blocks);
    }
    if book.doc.blocks.is_empty() && book.problems.is_empty() {
        book.problems.push("the spine names no chapter".into());
    }
    // The book's own table of contents.
    let nav = package
        .manifest
        .values()
        .find(|(_, _, properties)| properties.split_whitespace().any(|p| p == "nav"))
        .map(|(path, _, _)| path.clone());
    let entries = match nav.and_then(|path| entry(&mut zip, &path, 8 << 20).ok().map(|b| (path, b)))
    {
        Some((path, bytes)) => nav_toc(&String::from_utf8_lossy(&bytes), &folder(&path)),
        None => Vec::new(),
    };
    let entries = if entries.is_empty() {
        let ncx = package
            .ncx
            .as_ref()
            .and_then(|id| package.manifest.get(id))
            .map(|(path, _, _)| path.clone())
            .or_else(|| {
                package
                    .manifest
                    .values()
                    .find(|(_, media, _)| media == "application/x-dtbncx+xml")
                    .map(|(path, _, _)| path.clone())
            });
        match ncx.and_then(|path| entry(&mut zip, &path, 8 << 20).ok().map(|b| (path, b))) {
            Some((path, bytes)) => ncx_toc(&String::from_utf8_lossy(&bytes), &folder(&path)),
            None => Vec::new(),
        }
    } else {
        entries
    };
    for entry in entries {
        if let Some(&block) = starts.get(&entry.path)
            && block < book.doc.blocks.len()
        {
            book.doc.toc.push(TocEntry {
                block,
                level: entry.level,
                title: entry.label,
            });
        }
    }
    if !book.problems.is_empty() {
        // Said at the top of the book, too.
        let mut note = Inline::default();
        note.push(
            &format!("Could not be read: {}.", book.problems.join("; ")),
            Style::DIM,
        );
        book.doc.blocks.insert(0, Block::new(Kind::Paragraph, note));
        for entry in book.doc.toc.iter_mut() {
            entry.block += 1;
        }
    }
    book.doc.title = package.metadata.display();
    if package.metadata.rtl {
        book.doc.direction = Some(Direction::Rtl);
    }
    Ok(book)
}
