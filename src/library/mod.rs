//! The documents a reader browses: finding and decoding files, and each
//! document's paragraph index, title and direction.

pub mod decode;

use std::collections::HashSet;
use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use encoding_rs::{Encoding, UTF_8};

use crate::state::DocKey;
use crate::text::{Direction, dominant_direction};
use decode::{Decoded, decode, looks_binary};

/// The documents bundled in the binary, shown when qari gets no path.
const BUNDLED: &[(&str, &str)] = &[
    (
        "000_10fc0153254dfafa.txt",
        include_str!("../../assets/000_10fc0153254dfafa.txt"),
    ),
    (
        "001_38b6966d85959d93.txt",
        include_str!("../../assets/001_38b6966d85959d93.txt"),
    ),
    (
        "002_59a5e8ad4a451dc6.txt",
        include_str!("../../assets/002_59a5e8ad4a451dc6.txt"),
    ),
    (
        "003_fb4527da7287913f.txt",
        include_str!("../../assets/003_fb4527da7287913f.txt"),
    ),
    (
        "004_f21490c66d4b5500.txt",
        include_str!("../../assets/004_f21490c66d4b5500.txt"),
    ),
];

/// One paragraph of a document: a non-blank input line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    /// Byte range in the document's text, without the line ending.
    pub range: Range<usize>,
    /// Blank lines separated it from the paragraph before.
    pub gap_before: bool,
    /// A short line without sentence-ending punctuation, shown bold.
    pub heading: bool,
}

/// Where a document's text came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Built into qari.
    Bundled,
    /// A file, by the path it was found at.
    File(PathBuf),
    /// Standard input.
    Stdin,
    /// Text handed over in memory (tests, benchmarks).
    Memory,
}

/// A document: its text, paragraphs, title and direction.
#[derive(Debug, Clone)]
pub struct Document {
    /// Where it came from, as shown beside its title.
    pub name: String,
    /// Where its text came from (and can be read again).
    pub origin: Origin,
    /// Its first heading-like line, or else the first sentence.
    pub title: String,
    /// The decoded text.
    pub text: String,
    /// Non-blank lines, in order.
    pub paragraphs: Vec<Paragraph>,
    /// The dominant direction of its strong characters.
    pub direction: Direction,
    /// The encoding its bytes were decoded from.
    pub encoding: &'static Encoding,
    /// Some bytes were not valid in that encoding (they show as U+FFFD).
    pub had_invalid: bool,
    /// Why it could not be read; it is listed all the same.
    pub error: Option<String>,
    /// xxh3 of the text: the key its reading position is kept under.
    pub hash: u64,
    /// The file's size and modification time when it was read, to notice
    /// when it changes on disk.
    pub stamp: Option<FileStamp>,
}

/// What tells that a file changed since it was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStamp {
    /// Size in bytes.
    pub len: u64,
    /// Modification time, where the file system keeps one.
    pub modified: Option<std::time::SystemTime>,
}

impl FileStamp {
    /// The stamp of a file's metadata.
    pub fn of(meta: &std::fs::Metadata) -> FileStamp {
        FileStamp {
            len: meta.len(),
            modified: meta.modified().ok(),
        }
    }
}

/// The documents qari was asked to open.
#[derive(Debug, Clone, Default)]
pub struct Library {
    /// The documents, in the order found, unreadable ones included (shared
    /// with the search threads; each document is shared too, so replacing
    /// one copies pointers, not texts).
    pub documents: Arc<Vec<Arc<Document>>>,
    /// Files left out because they look binary (a NUL in the first 8 KB).
    pub binary_skipped: usize,
    /// The encoding `--encoding` forces on every file, if any.
    pub forced: Option<&'static Encoding>,
}

/// Whether a line reads like a heading: short, and not ending a sentence.
pub fn is_heading_like(line: &str) -> bool {
    let line = line.trim();
    let words = line.split_whitespace().count();
    (1..=12).contains(&words)
        && line.chars().count() <= 90
        && !line.ends_with(['.', '!', '?', '؟', '۔', '…', ',', '،', ':', '؛', ';'])
}

/// The first sentence of a paragraph, cut at a word boundary if long.
fn first_sentence(paragraph: &str) -> String {
    let paragraph = paragraph.trim();
    let end = paragraph
        .char_indices()
        .find(|&(_, c)| matches!(c, '.' | '!' | '?' | '؟' | '۔'))
        .map_or(paragraph.len(), |(i, c)| i + c.len_utf8());
    let sentence = &paragraph[..end];
    const MAX: usize = 80;
    if sentence.chars().count() <= MAX {
        return sentence.to_string();
    }
    let mut cut = String::new();
    for word in sentence.split_whitespace() {
        if cut.chars().count() + word.chars().count() + 1 > MAX {
            break;
        }
        if !cut.is_empty() {
            cut.push(' ');
        }
        cut.push_str(word);
    }
    if cut.is_empty() {
        cut = sentence.chars().take(MAX).collect();
    }
    cut.push('…');
    cut
}

impl Document {
    /// Builds a document from UTF-8 text in memory.
    pub fn new(name: impl Into<String>, text: String) -> Document {
        Document::decoded(
            name.into(),
            Origin::Memory,
            Decoded {
                text,
                encoding: UTF_8,
                had_invalid: false,
            },
        )
    }

    /// A document that could not be read: listed under its name, with why.
    pub fn unreadable(name: String, origin: Origin, error: String) -> Document {
        let mut document = Document::new(name, String::new());
        document.title = document.name.clone();
        document.origin = origin;
        document.error = Some(error);
        document
    }

    /// Reads a file again (or for the first time): `Err` says why it cannot
    /// be shown, `Ok(None)` that it is binary. Only regular files are read:
    /// a FIFO or a device could block the reader forever or never end (a
    /// pipe is read with `-`).
    pub fn load(
        name: String,
        path: &Path,
        forced: Option<&'static Encoding>,
    ) -> Result<Option<Document>, String> {
        let meta = std::fs::metadata(path).map_err(|e| error_text(&e))?;
        if meta.is_dir() {
            return Err("is a folder".to_string());
        }
        if !meta.is_file() {
            return Err("not a regular file (read a pipe with `qari -`)".to_string());
        }
        let bytes = std::fs::read(path).map_err(|e| error_text(&e))?;
        if looks_binary(&bytes, forced) {
            return Ok(None);
        }
        let origin = Origin::File(path.to_path_buf());
        let mut document = Document::decoded(name, origin, decode(bytes, forced));
        document.stamp = Some(FileStamp::of(&meta));
        Ok(Some(document))
    }

    /// Builds a document from decoded text.
    fn decoded(name: String, origin: Origin, decoded: Decoded) -> Document {
        let Decoded {
            text,
            encoding,
            had_invalid,
        } = decoded;
        let mut paragraphs = Vec::new();
        let mut gap = false;
        for range in crate::text::lines::lines(&text) {
            let line = &text[range.clone()];
            if line.trim().is_empty() {
                gap = !paragraphs.is_empty();
                continue;
            }
            paragraphs.push(Paragraph {
                heading: is_heading_like(line),
                range,
                gap_before: gap,
            });
            gap = false;
        }
        // The title: the first heading-like line among the opening lines,
        // else the first sentence of the first paragraph.
        let title = paragraphs
            .iter()
            .take(8)
            .find(|p| p.heading)
            .or(paragraphs.first())
            .map(|p| {
                let line = &text[p.range.clone()];
                if p.heading {
                    line.trim().to_string()
                } else {
                    first_sentence(line)
                }
            })
            .unwrap_or_default();
        Document {
            name,
            origin,
            direction: dominant_direction(&text),
            title,
            hash: xxhash_rust::xxh3::xxh3_64(text.as_bytes()),
            text,
            paragraphs,
            encoding,
            had_invalid,
            error: None,
            stamp: None,
        }
    }

    /// The key its reading position and bookmarks are kept under.
    pub fn key(&self) -> DocKey {
        DocKey {
            hash: format!("{:016x}", self.hash),
            path: self.place_key(),
        }
    }

    /// Whether its file now differs from what was read (or is gone);
    /// `None` when it did not come from a file.
    pub fn changed_on_disk(&self) -> Option<bool> {
        let Origin::File(path) = &self.origin else {
            return None;
        };
        let stamp = self.stamp?;
        Some(std::fs::metadata(path).map_or(true, |meta| FileStamp::of(&meta) != stamp))
    }

    /// The path its position is remembered under when its text changes:
    /// the file's absolute path, `bundled:NAME`, or `(stdin)`.
    pub fn place_key(&self) -> String {
        match &self.origin {
            Origin::File(path) => std::path::absolute(path)
                .unwrap_or_else(|_| path.clone())
                .to_string_lossy()
                .into_owned(),
            Origin::Bundled => format!("bundled:{}", self.name),
            Origin::Stdin => "(stdin)".to_string(),
            Origin::Memory => format!("memory:{}", self.name),
        }
    }

    /// The text of paragraph `i`.
    pub fn paragraph(&self, i: usize) -> &str {
        &self.text[self.paragraphs[i].range.clone()]
    }
}

impl Library {
    /// The documents bundled in the binary.
    pub fn bundled() -> Library {
        Library {
            documents: Arc::new(
                BUNDLED
                    .iter()
                    .map(|(name, text)| {
                        let mut document = Document::new(*name, (*text).to_string());
                        document.origin = Origin::Bundled;
                        Arc::new(document)
                    })
                    .collect(),
            ),
            ..Library::default()
        }
    }

    /// A library of documents already in memory.
    pub fn from_documents(documents: Vec<Document>) -> Library {
        Library {
            documents: Arc::new(documents.into_iter().map(Arc::new).collect()),
            ..Library::default()
        }
    }

    /// Opens files and folders (recursively; hidden folders and files are
    /// skipped); `-` reads one document from standard input. `forced`
    /// decodes every file with that encoding.
    pub fn open(paths: &[PathBuf], forced: Option<&'static Encoding>) -> Library {
        let mut library = Library {
            forced,
            ..Library::default()
        };
        let mut seen = HashSet::new();
        for path in paths {
            if path.as_os_str() == "-" {
                let mut bytes = Vec::new();
                match std::io::stdin().lock().read_to_end(&mut bytes) {
                    Ok(_) => library.add_bytes("(stdin)".to_string(), Origin::Stdin, bytes),
                    Err(e) => library.push(Document::unreadable(
                        "(stdin)".to_string(),
                        Origin::Stdin,
                        error_text(&e),
                    )),
                }
            } else {
                library.add_path(path, path, &mut seen);
            }
        }
        library
    }

    /// Whether every document failed to load (nothing to read at all).
    pub fn all_unreadable(&self) -> bool {
        !self.documents.is_empty() && self.documents.iter().all(|d| d.error.is_some())
    }

    /// Whether most documents are right to left (the screen then mirrors).
    pub fn mostly_rtl(&self) -> bool {
        let rtl = self
            .documents
            .iter()
            .filter(|d| d.direction == Direction::Rtl)
            .count();
        rtl * 2 > self.documents.len()
    }

    /// Replaces document `index` (after it was read again).
    pub fn replace(&mut self, index: usize, document: Document) {
        if let Some(slot) = Arc::make_mut(&mut self.documents).get_mut(index) {
            *slot = Arc::new(document);
        }
    }

    fn push(&mut self, document: Document) {
        Arc::make_mut(&mut self.documents).push(Arc::new(document));
    }

    fn add_bytes(&mut self, name: String, origin: Origin, bytes: Vec<u8>) {
        if looks_binary(&bytes, self.forced) {
            self.binary_skipped += 1;
            return;
        }
        let decoded = decode(bytes, self.forced);
        self.push(Document::decoded(name, origin, decoded));
    }

    fn add_path(&mut self, root: &Path, path: &Path, seen: &mut HashSet<PathBuf>) {
        let shown = display_name(root, path);
        let origin = Origin::File(path.to_path_buf());
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(e) => {
                self.push(Document::unreadable(shown, origin, error_text(&e)));
                return;
            }
        };
        if meta.is_dir() {
            // A folder reached twice (a symlink loop) is read once.
            let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
            if !seen.insert(key) {
                return;
            }
            let mut entries: Vec<PathBuf> = match std::fs::read_dir(path) {
                Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
                Err(e) => {
                    self.push(Document::unreadable(shown, origin, error_text(&e)));
                    return;
                }
            };
            entries.sort();
            for entry in entries {
                let hidden = entry
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'));
                if !hidden {
                    self.add_path(root, &entry, seen);
                }
            }
            return;
        }
        match Document::load(shown.clone(), path, self.forced) {
            Ok(Some(document)) => self.push(document),
            Ok(None) => self.binary_skipped += 1,
            Err(error) => self.push(Document::unreadable(shown, origin, error)),
        }
    }
}

/// An I/O error as a person reads it: "permission denied", not
/// "Permission denied (os error 13)".
fn error_text(e: &std::io::Error) -> String {
    let text = e.to_string();
    let text = match text.find(" (os error") {
        Some(at) => &text[..at],
        None => &text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text.to_string(),
    }
}

/// A path as shown in the list: relative to the folder it was found in,
/// with bidi controls shown rather than obeyed (they could disguise it).
fn display_name(root: &Path, path: &Path) -> String {
    let relative = if root == path {
        path
    } else {
        path.strip_prefix(root).unwrap_or(path)
    };
    crate::text::sanitize::visible_bidi_controls(&relative.to_string_lossy()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_and_gaps() {
        let doc = Document::new("t", "Title\r\nfirst line.\nsecond.\n\n\nthird.\n".into());
        let ranges: Vec<&str> = (0..doc.paragraphs.len())
            .map(|i| doc.paragraph(i))
            .collect();
        assert_eq!(ranges, ["Title", "first line.", "second.", "third."]);
        let gaps: Vec<bool> = doc.paragraphs.iter().map(|p| p.gap_before).collect();
        assert_eq!(gaps, [false, false, false, true]);
        assert!(doc.paragraphs[0].heading);
        assert_eq!(doc.title, "Title");
    }

    #[test]
    fn files_are_listed_with_errors_and_disguised_names_shown() {
        let dir = std::env::temp_dir().join(format!("qari-library-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temp folder");
        std::fs::write(dir.join("invoice-\u{202E}txt.exe"), "نص").expect("a file");
        std::os::unix::fs::symlink(dir.join("nowhere"), dir.join("broken")).expect("a link");
        std::fs::write(dir.join("empty.txt"), "").expect("a file");
        let library = Library::open(std::slice::from_ref(&dir), None);
        let listed: Vec<(&str, Option<&str>)> = library
            .documents
            .iter()
            .map(|d| (d.name.as_str(), d.error.as_deref()))
            .collect();
        assert_eq!(
            listed,
            [
                ("broken", Some("no such file or directory")),
                ("empty.txt", None),
                ("invoice-[RLO]txt.exe", None),
            ]
        );
        assert!(!library.all_unreadable());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn lone_carriage_returns_end_paragraphs_too() {
        let doc = Document::new("t", "أول\rثان\r\rثالث\r".into());
        let paragraphs: Vec<&str> = (0..doc.paragraphs.len())
            .map(|i| doc.paragraph(i))
            .collect();
        assert_eq!(paragraphs, ["أول", "ثان", "ثالث"]);
        assert!(doc.paragraphs[2].gap_before);
    }

    #[test]
    fn title_falls_back_to_the_first_sentence() {
        let doc = Document::new("t", "هذه جملة أولى طويلة بما يكفي. وهذه ثانية.\n".into());
        assert_eq!(doc.title, "هذه جملة أولى طويلة بما يكفي.");
        assert_eq!(doc.direction, Direction::Rtl);
    }

    #[test]
    fn bundled_documents_have_arabic_titles() {
        let library = Library::bundled();
        assert_eq!(library.documents.len(), 5);
        assert!(library.mostly_rtl());
        for doc in library.documents.iter() {
            assert!(!doc.title.is_empty());
            assert!(
                doc.title
                    .chars()
                    .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
            );
        }
    }

    #[test]
    fn added_bytes_are_decoded_or_skipped_as_binary() {
        let text = "هذه جملة أولى طويلة بما يكفي. وهذه ثانية، وفيها كلام عن الكتب والقراءة.\n";
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1256.encode(text);
        assert!(!unmappable, "fixture fits windows-1256");
        let mut library = Library::default();
        library.add_bytes("arabic.txt".into(), Origin::Memory, bytes.into_owned());
        library.add_bytes(
            "binary.bin".into(),
            Origin::Memory,
            b"\x7fELF\0\0\x01".to_vec(),
        );
        assert_eq!(library.documents.len(), 1);
        assert_eq!(library.documents[0].text, text);
        assert_eq!(library.binary_skipped, 1);
    }
}
