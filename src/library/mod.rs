//! The documents a reader browses: finding files, and what the list shows
//! of each (name, title, direction, encoding, error). A document's text is
//! loaded when it is read ([`Document::text`]): from a file that means a
//! [`text::Text`] mapped in place or decoded, cut into layout units.

pub mod decode;
pub mod loader;
pub mod mapped;
pub mod scan;
pub mod text;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use encoding_rs::{Encoding, UTF_8};

use crate::doc::Format;
use crate::fsread::{self, FileKind, ReadLimitError, Reading};
use crate::state::DocKey;
use crate::text::candidate::Candidate;
use crate::text::units::Units;
use crate::text::{Direction, dominant_direction};
use decode::{Decoded, decode, decode_slice, looks_binary};
use scan::{Found, Scanner};
use text::Text;

/// How much of a document's start gives its title and direction (and,
/// with as much of its end, its key): scanning 100,000 files reads this
/// much of each.
const HEAD: usize = 8 * 1024;

/// The most qari reads of a document into memory as it comes: standard
/// input (`qari -`), which may never end (`yes`, a device), and a file that
/// is not mapped. Of standard input the first this many bytes are shown,
/// and the status bar says the rest was left; a file is refused. (A file
/// mapped in place may be of any size.)
pub const READ_LIMIT: u64 = 256 << 20;

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

/// A document as the list knows it: where it is, what it is called, and
/// how it reads; its text is loaded when it is opened.
#[derive(Debug, Clone)]
pub struct Document {
    /// Where it came from, as shown beside its title.
    pub name: String,
    /// Where its text came from (and can be read again).
    pub origin: Origin,
    /// Its first heading-like line, or else the first sentence.
    pub title: String,
    /// The dominant direction of the strong characters at its start.
    pub direction: Direction,
    /// The encoding its start was decoded from.
    pub encoding: &'static Encoding,
    /// Why it could not be read; it is listed all the same.
    pub error: Option<String>,
    /// Its size in bytes when it was found.
    pub size: u64,
    /// The key its reading position is kept under: xxh3 of its size, first
    /// and last 8 KB (a 200 MB file is not read whole to open it).
    pub hash: u64,
    /// The file's size and modification time when it was read, to notice
    /// when it changes on disk.
    pub stamp: Option<FileStamp>,
    /// Set when its input went on past this many bytes, which were all that
    /// was read (standard input past [`READ_LIMIT`]).
    pub cut_at: Option<u64>,
    /// How its file is read: plain text, Markdown, HTML.
    pub format: Format,
    /// A text that lives only in memory (bundled, stdin, handed over).
    resident: Option<Arc<Text>>,
    /// A structured text's source, when it lives only in memory.
    resident_source: Option<Arc<Text>>,
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
    /// The format `--format` forces on every file, if any.
    pub format: Option<Format>,
}

/// Whether a line reads like a heading: short, and not ending a sentence.
pub fn is_heading_like(line: &str) -> bool {
    let line = line.trim();
    let words = line.split_whitespace().count();
    (1..=12).contains(&words)
        && line.chars().count() <= 90
        && !line.ends_with(['.', '!', '?', '؟', '۔', '…', ',', '،', ':', '؛', ';'])
}

/// Words a paragraph needs to read as running text, not as a short line.
const PROSE_WORDS: usize = 20;

/// Whether a paragraph reads as running text: long, not a short line.
fn is_prose(paragraph: &str) -> bool {
    paragraph.split_whitespace().nth(PROSE_WORDS - 1).is_some()
}

/// Whether a line of plain text is shown as a heading. Plain text has no
/// markup, so only strong evidence counts: a short heading-like line that
/// starts with a letter or a digit (not markup such as `<div>`), followed
/// by running text, and with running text, a blank line or the start of
/// the document before it. The verses of a poem, a list of short lines or
/// the tag lines of HTML are not headings: no line among short lines is.
pub fn is_heading(
    before: Option<&str>,
    line: &str,
    blank_before: bool,
    after: Option<&str>,
) -> bool {
    let starts_like_words = line
        .trim_start()
        .chars()
        .next()
        .is_some_and(char::is_alphanumeric);
    let set_apart = blank_before || before.is_none_or(is_prose);
    starts_like_words && is_heading_like(line) && set_apart && after.is_some_and(is_prose)
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

/// The title and direction a document's start gives: the first
/// heading-like line among its first eight, else the first sentence of its
/// first line.
/// [`describe`] for a document in `format`: a structured document's own
/// title (`<title>`, its first heading), else its content's opening; the
/// direction its markup says, else its content's.
fn describe_as(head: &str, format: Format) -> (String, Direction) {
    let doc = match format {
        Format::Plain => return describe(head),
        Format::Markdown => crate::doc::markdown::parse(head),
        Format::Html => crate::doc::html::parse(head),
        Format::OpenIti => crate::doc::openiti::parse(head),
        // A book's title is read from its package (see `Document::load`).
        Format::Epub => return describe(head),
    };
    let title = doc
        .title
        .clone()
        .or_else(|| doc.first_heading().map(str::to_string));
    let direction = doc.direction;
    let content = crate::doc::Content::new(doc);
    let (opening, found) = describe(&content.text);
    (
        title.filter(|t| !t.trim().is_empty()).unwrap_or(opening),
        direction.unwrap_or(found),
    )
}

fn describe(head: &str) -> (String, Direction) {
    let units = Units::new(head.as_bytes());
    let mut lines = Vec::new();
    let mut unit = units.first();
    while let Some(u) = unit.filter(|_| lines.len() < 8) {
        lines.push(&head[u.start..u.end]);
        unit = units.next(&u);
    }
    let title = lines
        .iter()
        .find(|line| is_heading_like(line))
        .map(|line| line.trim().to_string())
        .or_else(|| lines.first().map(|line| first_sentence(line)))
        .unwrap_or_default();
    (title, dominant_direction(head))
}

/// The key hash of a text of `size` bytes from its first and last 8 KB.
fn key_hash(size: u64, head: &[u8], tail: &[u8]) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(&size.to_le_bytes());
    hasher.update(head);
    hasher.update(tail);
    hasher.digest()
}

/// The start of `bytes` cut at a character boundary (at most `HEAD` bytes).
fn head_of(bytes: &[u8]) -> &[u8] {
    let mut end = bytes.len().min(HEAD);
    while end < bytes.len() && end > 0 && bytes[end] & 0xC0 == 0x80 {
        end -= 1;
    }
    &bytes[..end]
}

impl Document {
    /// A document of UTF-8 text in memory.
    pub fn new(name: impl Into<String>, text: String) -> Document {
        Document::resident(
            name.into(),
            Origin::Memory,
            Decoded {
                text,
                encoding: UTF_8,
                had_invalid: false,
            },
        )
    }

    /// A document whose decoded text stays in memory.
    fn resident(name: String, origin: Origin, decoded: Decoded) -> Document {
        let bytes = decoded.text.as_bytes();
        let head = head_of(bytes);
        let format = Format::detect(&name, &String::from_utf8_lossy(head));
        let (title, direction) = describe_as(&String::from_utf8_lossy(head), format);
        let tail = &bytes[bytes.len().saturating_sub(HEAD)..];
        let hash = key_hash(bytes.len() as u64, head, tail);
        Document {
            name,
            origin,
            title,
            direction,
            encoding: decoded.encoding,
            error: None,
            size: bytes.len() as u64,
            hash,
            stamp: None,
            cut_at: None,
            format,
            resident_source: (format != Format::Plain).then(|| {
                Arc::new(Text::from_string(
                    decoded.text.clone(),
                    decoded.encoding,
                    decoded.had_invalid,
                ))
            }),
            resident: Some(Arc::new(Text::structured(
                &decoded.text,
                format,
                decoded.encoding,
                decoded.had_invalid,
            ))),
        }
    }

    /// A document that could not be read: listed under its name, with why.
    pub fn unreadable(name: String, origin: Origin, error: String) -> Document {
        let mut document = Document::new(name, String::new());
        document.title = document.name.clone();
        document.origin = origin;
        document.error = Some(error);
        document.resident = None;
        document.resident_source = None;
        document
    }

    /// What the list needs of a file, from its first and last 8 KB: `Err`
    /// says why it cannot be shown, `Ok(None)` that it is binary. Only
    /// regular files are read: a FIFO or a device could block the reader
    /// forever or never end (a pipe is read with `-`), so neither is opened
    /// ([`fsread::open_regular`]).
    pub fn load(
        name: String,
        path: &Path,
        forced: Option<&'static Encoding>,
    ) -> Result<Option<Document>, String> {
        use std::io::{Seek, SeekFrom};
        let (mut file, meta) = fsread::open_regular(path).map_err(|e| read_error_text(&e))?;
        if Format::from_name(&name) == Some(Format::Epub) {
            return Document::load_book(name, path, file, &meta).map(Some);
        }
        let mut head = Vec::with_capacity(HEAD);
        (&mut file)
            .take(HEAD as u64)
            .read_to_end(&mut head)
            .map_err(|e| error_text(&e))?;
        if looks_binary(&head, forced) {
            return Ok(None);
        }
        let size = meta.len();
        // The last 8 KB (the whole file, when it is no longer than that;
        // no more, should it grow meanwhile).
        let mut tail = Vec::new();
        if size > HEAD as u64 {
            file.seek(SeekFrom::Start(size - HEAD as u64))
                .and_then(|_| (&mut file).take(HEAD as u64).read_to_end(&mut tail))
                .map_err(|e| error_text(&e))?;
        } else {
            tail = head.clone();
        }
        let decoded = decode_slice(head_of(&head), forced);
        let format = Format::detect(&name, &decoded.text);
        let (title, direction) = describe_as(&decoded.text, format);
        Ok(Some(Document {
            name,
            origin: Origin::File(path.to_path_buf()),
            title,
            direction,
            encoding: decoded.encoding,
            error: None,
            size,
            hash: key_hash(size, head_of(&head), &tail),
            stamp: Some(FileStamp::of(&meta)),
            cut_at: None,
            format,
            resident: None,
            resident_source: None,
        }))
    }

    /// An EPUB book: listed by its metadata's title and author (read from
    /// its package document only), keyed by its size and first and last
    /// 8 KB like any file.
    fn load_book(
        name: String,
        path: &Path,
        mut file: std::fs::File,
        meta: &std::fs::Metadata,
    ) -> Result<Document, String> {
        use std::io::{Seek, SeekFrom};
        let size = meta.len();
        let mut head = Vec::new();
        let mut tail = Vec::new();
        (&mut file)
            .take(HEAD as u64)
            .read_to_end(&mut head)
            .and_then(|_| file.seek(SeekFrom::Start(size.saturating_sub(HEAD as u64))))
            .and_then(|_| (&mut file).take(HEAD as u64).read_to_end(&mut tail))
            .and_then(|_| file.seek(SeekFrom::Start(0)))
            .map_err(|e| error_text(&e))?;
        let metadata = crate::doc::epub::metadata(file)?;
        let title = metadata.display().unwrap_or_else(|| name.clone());
        let direction = if metadata.rtl {
            Direction::Rtl
        } else {
            dominant_direction(&title)
        };
        Ok(Document {
            name,
            origin: Origin::File(path.to_path_buf()),
            title,
            direction,
            encoding: UTF_8,
            error: None,
            size,
            hash: key_hash(size, &head, &tail),
            stamp: Some(FileStamp::of(meta)),
            cut_at: None,
            format: Format::Epub,
            resident: None,
            resident_source: None,
        })
    }

    /// Its text: the one in memory, or its file read (mapped) now. The
    /// caller keeps it while it is needed (the reader caches a few).
    pub fn text(&self, forced: Option<&'static Encoding>) -> Result<Arc<Text>, String> {
        if let Some(text) = &self.resident {
            return Ok(Arc::clone(text));
        }
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        self.read_as(forced, self.format)
    }

    /// Reads it as `format` from now on (`--format`); a text in memory is
    /// parsed again.
    pub fn set_format(&mut self, format: Format) {
        // A book is a zip file, never a text in memory.
        let in_memory = self.resident.is_some();
        if self.format == format || (format == Format::Epub && in_memory) {
            return;
        }
        self.format = format;
        if let Some(source) = self.resident_source.take().or_else(|| self.resident.take()) {
            let source_text = source.as_str().into_owned();
            self.resident = Some(Arc::new(Text::structured(
                &source_text,
                format,
                source.encoding,
                source.had_invalid() == Some(true),
            )));
            self.resident_source = (format != Format::Plain).then_some(source);
        }
    }

    /// Its source text as it is, markup and all (for a plain document,
    /// its text).
    pub fn source_text(&self, forced: Option<&'static Encoding>) -> Result<Arc<Text>, String> {
        if let Some(text) = self.resident_source.as_ref().or(self.resident.as_ref()) {
            return Ok(Arc::clone(text));
        }
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        self.read_as(forced, Format::Plain)
    }

    fn read_as(
        &self,
        forced: Option<&'static Encoding>,
        format: Format,
    ) -> Result<Arc<Text>, String> {
        match &self.origin {
            Origin::File(path) => match Text::load_as(path, forced, format)? {
                Some(text) => Ok(Arc::new(text)),
                None => Err("no longer text (binary)".to_string()),
            },
            _ => Ok(Arc::new(Text::from_string(String::new(), UTF_8, false))),
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
        let Origin::File(_) = &self.origin else {
            return None;
        };
        let stamp = self.stamp?;
        Some(self.stamp_on_disk() != Some(stamp))
    }

    /// Its file's stamp as the file is now: `None` when the file is gone
    /// (or cannot be looked at), or the document did not come from a file.
    pub fn stamp_on_disk(&self) -> Option<FileStamp> {
        let Origin::File(path) = &self.origin else {
            return None;
        };
        std::fs::metadata(path)
            .ok()
            .map(|meta| FileStamp::of(&meta))
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
    /// decodes every file with that encoding. Waits for the whole scan.
    pub fn open(paths: &[PathBuf], forced: Option<&'static Encoding>) -> Library {
        let (mut library, scanner) = Library::scan(paths, forced);
        if let Some(scanner) = scanner {
            library.add_found(scanner.finish());
        }
        library
    }

    /// Starts opening files and folders: standard input (`-`) is read now,
    /// the rest is scanned in the background; the library grows as the
    /// scanner's findings are added ([`Library::add_found`]).
    pub fn scan(
        paths: &[PathBuf],
        forced: Option<&'static Encoding>,
    ) -> (Library, Option<Scanner>) {
        let mut library = Library {
            forced,
            ..Library::default()
        };
        let mut files = Vec::new();
        for path in paths {
            if path.as_os_str() == "-" {
                let stdin = &mut std::io::stdin().lock();
                library.add_input("(stdin)".to_string(), stdin, READ_LIMIT);
            } else {
                files.push(path.clone());
            }
        }
        let scanner = (!files.is_empty()).then(|| Scanner::start(files, forced));
        (library, scanner)
    }

    /// Adds what a scan found; returns the new documents' filter candidates.
    pub fn add_found(&mut self, found: Vec<Found>) -> Vec<Candidate> {
        let mut candidates = Vec::new();
        let documents = Arc::make_mut(&mut self.documents);
        for found in found {
            match found {
                Found::Document(mut document, candidate) => {
                    if let Some(format) = self.format {
                        document.set_format(format);
                    }
                    documents.push(Arc::new(*document));
                    candidates.push(candidate);
                }
                Found::Binary => self.binary_skipped += 1,
            }
        }
        candidates
    }

    /// Forces `format` on every document, those found later too.
    pub fn force_format(&mut self, format: Format) {
        self.format = Some(format);
        let documents = Arc::make_mut(&mut self.documents);
        for document in documents.iter_mut() {
            if document.format != format {
                Arc::make_mut(document).set_format(format);
            }
        }
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

    /// Adds a document read into memory (`cut_at`: see [`Document::cut_at`]),
    /// or counts it as binary.
    fn add_bytes(&mut self, name: String, origin: Origin, bytes: Vec<u8>, cut_at: Option<u64>) {
        if looks_binary(&bytes, self.forced) {
            self.binary_skipped += 1;
            return;
        }
        let decoded = decode(bytes, self.forced);
        let mut document = Document::resident(name, origin, decoded);
        document.cut_at = cut_at;
        self.push(document);
    }

    /// Adds the document standard input holds (`input`): up to `limit`
    /// bytes of it, marked as cut when it goes on. Input that looks binary
    /// is left out after its first 8 KB, so that an endless device
    /// (`qari - < /dev/zero`) is answered at once.
    fn add_input(&mut self, name: String, input: &mut impl Read, limit: u64) {
        let mut bytes = Vec::new();
        let read = (&mut *input)
            .take(limit.min(decode::BINARY_PROBE as u64))
            .read_to_end(&mut bytes)
            .and_then(|_| {
                if looks_binary(&bytes, self.forced) {
                    return Ok(Reading::Whole);
                }
                // One byte past the limit tells whether the input goes on.
                let left = (limit + 1).saturating_sub(bytes.len() as u64);
                fsread::read_at_most(input, left, &mut bytes)
            });
        match read {
            Ok(Reading::Whole) => self.add_bytes(name, Origin::Stdin, bytes, None),
            Ok(Reading::Full) => {
                bytes.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
                // A character the limit cut in two is left out rather than
                // shown as U+FFFD and the text taken for damaged.
                bytes.truncate(decode::complete_utf8_len(&bytes));
                self.add_bytes(name, Origin::Stdin, bytes, Some(limit));
            }
            Err(e) => self.push(Document::unreadable(name, Origin::Stdin, error_text(&e))),
        }
    }
}

/// Why a path given on the command line cannot be opened at all, if it
/// cannot: missing, unreadable, or neither a folder nor a regular file.
pub fn path_problem(path: &Path) -> Option<String> {
    match std::fs::metadata(path) {
        Err(e) => Some(error_text(&e)),
        Ok(meta) => match FileKind::of(&meta) {
            None | Some(FileKind::Directory) => None,
            Some(kind) => Some(read_error_text(&ReadLimitError::NotRegular(kind))),
        },
    }
}

/// Why a file was not read, as the list shows it.
pub(crate) fn read_error_text(e: &ReadLimitError) -> String {
    match e {
        ReadLimitError::NotRegular(FileKind::Directory) => "is a folder".to_string(),
        ReadLimitError::NotRegular(kind) => {
            format!("not a regular file but {kind} (read a pipe with `qari -`)")
        }
        ReadLimitError::TooLarge(limit) => format!(
            "larger than {}, too large to read into memory",
            fsread::size(*limit)
        ),
        ReadLimitError::Io(e) => error_text(e),
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

    const PROSE: &str = "هذه فقرة طويلة من النص الجاري فيها كلمات كثيرة تكفي لتقرأ نصا لا سطرا \
                         قصيرا ولا عنوانا ولا بيتا من الشعر في أي حال من الأحوال.";

    #[test]
    fn a_heading_needs_running_text_after_it() {
        // A title at the start, followed by a paragraph.
        assert!(is_heading(None, "لمحة عامة", false, Some(PROSE)));
        // A subheading between two paragraphs, or after a blank line.
        assert!(is_heading(
            Some(PROSE),
            "تنسيق أمريكي إيطالي",
            false,
            Some(PROSE)
        ));
        assert!(is_heading(Some("سطر قصير"), "فصل ثان", true, Some(PROSE)));
        // Nothing follows, or a short line follows: not a heading.
        assert!(!is_heading(Some(PROSE), "في الختام", true, None));
        assert!(!is_heading(None, "لمحة عامة", false, Some("سطر قصير")));
    }

    #[test]
    fn verses_lists_and_markup_are_not_headings() {
        let verses = ["قفا نبك من ذكرى حبيب ومنزل", "بسقط اللوى بين الدخول فحومل"];
        // The verses of a poem: short lines among short lines.
        assert!(!is_heading(None, verses[0], false, Some(verses[1])));
        // The last of several short lines, before a paragraph.
        assert!(!is_heading(Some(verses[0]), verses[1], false, Some(PROSE)));
        // HTML's tag lines.
        assert!(!is_heading(
            None,
            "<div class=\"entry\">",
            false,
            Some(PROSE)
        ));
        assert!(!is_heading(Some(PROSE), "</div>", true, Some(PROSE)));
        // A sentence is not a heading, however short.
        assert!(!is_heading(None, "انتهى الاجتماع.", false, Some(PROSE)));
    }

    use super::*;

    /// A document's paragraphs, and whether blank lines come before each.
    fn paragraphs(doc: &Document) -> Vec<(String, bool)> {
        let text = doc.text(None).expect("a text");
        text.paragraphs()
            .map(|(unit, p)| (p.into_owned(), unit.gap_before))
            .collect()
    }

    #[test]
    fn paragraphs_and_gaps() {
        let doc = Document::new("t", "Title\r\nfirst line.\nsecond.\n\n\nthird.\n".into());
        assert_eq!(
            paragraphs(&doc),
            [
                ("Title".to_string(), false),
                ("first line.".to_string(), false),
                ("second.".to_string(), false),
                ("third.".to_string(), true)
            ]
        );
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
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn lone_carriage_returns_end_paragraphs_too() {
        let doc = Document::new("t", "أول\rثان\r\rثالث\r".into());
        let found: Vec<(String, bool)> = paragraphs(&doc);
        assert_eq!(
            found,
            [
                ("أول".to_string(), false),
                ("ثان".to_string(), false),
                ("ثالث".to_string(), true)
            ]
        );
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
    fn endless_input_is_cut_at_the_limit_or_left_out_as_binary() {
        let mut library = Library::default();
        // Text going on past the limit: the limit's worth, but for a
        // character cut in two.
        let long = "سطر\n".repeat(100);
        library.add_input("(stdin)".into(), &mut long.as_bytes(), 10);
        let document = &library.documents[0];
        assert_eq!(document.cut_at, Some(10));
        let text = document.text(None).expect("a text");
        assert_eq!(text.as_str(), "سطر\nس");
        assert_eq!(text.had_invalid(), Some(false));
        // Endless zeros: binary, left out after the first 8 KB.
        library.add_input("zeros".into(), &mut std::io::repeat(0), READ_LIMIT);
        assert_eq!((library.documents.len(), library.binary_skipped), (1, 1));
        // A short input is whole.
        library.add_input("short".into(), &mut "نص\n".as_bytes(), 10);
        assert_eq!(library.documents[1].cut_at, None);
    }

    #[test]
    fn added_bytes_are_decoded_or_skipped_as_binary() {
        let text = "هذه جملة أولى طويلة بما يكفي. وهذه ثانية، وفيها كلام عن الكتب والقراءة.\n";
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1256.encode(text);
        assert!(!unmappable, "fixture fits windows-1256");
        let mut library = Library::default();
        library.add_bytes(
            "arabic.txt".into(),
            Origin::Memory,
            bytes.into_owned(),
            None,
        );
        library.add_bytes(
            "binary.bin".into(),
            Origin::Memory,
            b"\x7fELF\0\0\x01".to_vec(),
            None,
        );
        assert_eq!(library.documents.len(), 1);
        let loaded = library.documents[0].text(None).expect("a text");
        assert_eq!(loaded.as_str(), text);
        assert_eq!(library.documents[0].encoding, encoding_rs::WINDOWS_1256);
        assert_eq!(library.binary_skipped, 1);
    }
}
