//! A document's text, loaded: held in place (a mapped UTF-8 file) or in
//! memory (decoded, bundled, read from stdin), cut into layout units, and
//! numbered by an index built in the background.
//!
//! Nothing here needs the whole text to have been read: units are found
//! from the bytes around any offset (`text::units`), so the first and the
//! last screen of a 200 MB file cost the pages they show. The index (every
//! unit's start) and the check that the file is valid UTF-8 run on a thread
//! of their own; until they finish, positions are estimated from byte
//! offsets. Invalid bytes in a mapped file show as U+FFFD where they are
//! laid out; offsets inside a unit count in that unit's text as laid out.

use std::borrow::Cow;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, OnceLock};

use encoding_rs::{Encoding, UTF_8};

use super::decode::{Holding, decode_slice, holding, looks_binary};
use super::mapped::Mapped;
use crate::doc::{Content, Format};
use crate::fsread;
use crate::text::units::{Unit, Units};

/// How much of a file decides how it is held.
const HEAD: usize = 64 * 1024;
/// How much of a long OpenITI text its preview reads.
const PREVIEW_BYTES: usize = 512 * 1024;
/// Texts smaller than this are indexed at once instead of in the background.
const INDEX_NOW: usize = 1 << 20;

#[derive(Debug)]
enum Storage {
    Owned(String),
    Mapped { map: Mapped, skip: usize },
}

/// A loaded text.
#[derive(Debug)]
pub struct Text {
    storage: Storage,
    /// The encoding it was decoded from (UTF-8 when held in place).
    pub encoding: &'static Encoding,
    /// 0: not known yet; 1: all valid; 2: some bytes were invalid.
    invalid: AtomicU8,
    index: OnceLock<Vec<usize>>,
    stop: AtomicBool,
    /// A structured document's blocks, whose content this text is.
    structure: Option<Arc<Content>>,
    /// What could not be read of it (a book's missing chapters).
    problems: Vec<String>,
    /// Only the start of a longer text, shown while the rest is read.
    partial: bool,
}

/// Files smaller than this are read into memory rather than mapped: for a
/// small file the mapping costs more than the copy (a searching thread that
/// mapped and unmapped files one after another spent its time in the
/// kernel, each unmap holding up the other threads).
const MAP_MIN: u64 = 256 * 1024;

impl Text {
    /// A text in memory; `had_invalid` says whether decoding replaced bytes.
    pub fn from_string(text: String, encoding: &'static Encoding, had_invalid: bool) -> Text {
        let text = Text {
            storage: Storage::Owned(text),
            encoding,
            invalid: AtomicU8::new(if had_invalid { 2 } else { 1 }),
            index: OnceLock::new(),
            stop: AtomicBool::new(false),
            structure: None,
            problems: Vec::new(),
            partial: false,
        };
        if text.len() < INDEX_NOW {
            text.build_index();
        }
        text
    }

    /// A structured document's text: `source` parsed as `format`, and its
    /// content laid out as lines (plain text stays as it is).
    pub fn structured(
        source: &str,
        format: Format,
        encoding: &'static Encoding,
        had_invalid: bool,
    ) -> Text {
        let doc = match format {
            Format::Plain => {
                return Text::from_string(source.to_string(), encoding, had_invalid);
            }
            Format::Markdown => crate::doc::markdown::parse(source),
            Format::Html => crate::doc::html::parse(source),
            Format::OpenIti => crate::doc::openiti::parse(source),
            // A book is bytes, not text: see `load_as`.
            Format::Epub => crate::doc::Doc::default(),
        };
        Text::from_doc(doc, encoding, had_invalid)
    }

    /// A parsed document's text: its content laid out as lines.
    pub fn from_doc(doc: crate::doc::Doc, encoding: &'static Encoding, had_invalid: bool) -> Text {
        let mut content = Content::new(doc);
        let body = std::mem::take(&mut content.text);
        let mut text = Text::from_string(body, encoding, had_invalid);
        text.structure = Some(Arc::new(content));
        text
    }

    /// Reads a file as `format` (a structured format is read whole, within
    /// the reading limit, and parsed). `Ok(None)`: the file is binary.
    pub fn load_as(
        path: &Path,
        forced: Option<&'static Encoding>,
        format: Format,
    ) -> Result<Option<Text>, String> {
        if format == Format::Plain {
            return Text::load(path, forced);
        }
        let (mut file, _) = fsread::open_regular(path).map_err(|e| super::read_error_text(&e))?;
        if format == Format::Epub {
            let book = crate::doc::epub::parse(file)?;
            let mut text = Text::from_doc(book.doc, UTF_8, false);
            text.problems = book.problems;
            return Ok(Some(text));
        }
        let bytes = fsread::read_whole(&mut file, super::READ_LIMIT)
            .map_err(|e| super::read_error_text(&e))?;
        if looks_binary(&bytes, forced) {
            return Ok(None);
        }
        let decoded = super::decode::decode(bytes, forced);
        Ok(Some(Text::structured(
            &decoded.text,
            format,
            decoded.encoding,
            decoded.had_invalid,
        )))
    }

    /// The start of a long OpenITI text, read and parsed in a moment, to
    /// show while the whole is (`None` for other formats, or when the
    /// text is short enough to be read whole at once). Its content is the
    /// whole text's content up to a paragraph's start, so places in it are
    /// the same places in the whole.
    pub fn preview(path: &Path, forced: Option<&'static Encoding>, format: Format) -> Option<Text> {
        use std::io::Read as _;
        if format != Format::OpenIti {
            return None;
        }
        let (file, meta) = fsread::open_regular(path).ok()?;
        if meta.len() <= PREVIEW_BYTES as u64 {
            return None;
        }
        let mut head = Vec::with_capacity(PREVIEW_BYTES);
        file.take(PREVIEW_BYTES as u64)
            .read_to_end(&mut head)
            .ok()?;
        // Up to the last paragraph or heading that starts in it.
        let cut = head
            .windows(3)
            .rposition(|w| w == b"\n# " || w == b"\n##")
            .map(|at| at + 1)?;
        let decoded = super::decode::decode(head[..cut].to_vec(), forced);
        let mut text = Text::structured(&decoded.text, format, decoded.encoding, false);
        text.partial = true;
        Some(text)
    }

    /// Whether this is only the start of a longer text, the rest still
    /// being read.
    pub fn is_partial(&self) -> bool {
        self.partial
    }

    /// What could not be read of it (a book's missing or cut chapters).
    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    /// A structured document's blocks and lines (`None` for plain text).
    pub fn structure(&self) -> Option<&Arc<Content>> {
        self.structure.as_ref()
    }

    /// Reads a file: valid UTF-8 is mapped in place, anything else decoded
    /// into memory. `Ok(None)`: the file is binary.
    pub fn load(path: &Path, forced: Option<&'static Encoding>) -> Result<Option<Text>, String> {
        Self::load_mapping_from(path, forced, MAP_MIN)
    }

    /// [`Text::load`], mapping files of `map_min` bytes or more.
    fn load_mapping_from(
        path: &Path,
        forced: Option<&'static Encoding>,
        map_min: u64,
    ) -> Result<Option<Text>, String> {
        let (mut file, meta) =
            fsread::open_regular(path).map_err(|e| super::read_error_text(&e))?;
        let small = meta.len() < map_min;
        let Some(map) = (!small).then(|| Mapped::new(&file)).flatten() else {
            // Small, empty, or no mapping to be had: read it.
            let bytes = fsread::read_whole(&mut file, super::READ_LIMIT)
                .map_err(|e| super::read_error_text(&e))?;
            if looks_binary(&bytes, forced) {
                return Ok(None);
            }
            let decoded = super::decode::decode(bytes, forced);
            return Ok(Some(Text::from_string(
                decoded.text,
                decoded.encoding,
                decoded.had_invalid,
            )));
        };
        let bytes = map.bytes();
        if looks_binary(bytes, forced) {
            return Ok(None);
        }
        let held = holding(&bytes[..bytes.len().min(HEAD)], forced);
        let Holding::Utf8 { skip } = held else {
            let decoded = decode_slice(bytes, forced);
            return Ok(Some(Text::from_string(
                decoded.text,
                decoded.encoding,
                decoded.had_invalid,
            )));
        };
        let text = Text {
            storage: Storage::Mapped { map, skip },
            encoding: UTF_8,
            invalid: AtomicU8::new(0),
            index: OnceLock::new(),
            stop: AtomicBool::new(false),
            structure: None,
            problems: Vec::new(),
            partial: false,
        };
        if text.len() < INDEX_NOW {
            text.build_index();
        }
        Ok(Some(text))
    }

    /// The text's bytes (UTF-8, but for invalid bytes in a mapped file).
    pub fn bytes(&self) -> &[u8] {
        match &self.storage {
            Storage::Owned(text) => text.as_bytes(),
            Storage::Mapped { map, skip } => &map.bytes()[*skip..],
        }
    }

    /// Its length in bytes.
    pub fn len(&self) -> usize {
        self.bytes().len()
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.bytes().is_empty()
    }

    /// Its layout units.
    pub fn units(&self) -> Units<'_> {
        Units::new(self.bytes())
    }

    /// A unit's text as laid out: invalid bytes become U+FFFD.
    pub fn unit_text(&self, unit: &Unit) -> Cow<'_, str> {
        let bytes = &self.bytes()[unit.start.min(self.len())..unit.end.min(self.len())];
        String::from_utf8_lossy(bytes)
    }

    /// Every unit with its text, front to back.
    pub fn paragraphs(&self) -> impl Iterator<Item = (Unit, Cow<'_, str>)> + '_ {
        let units = self.units();
        let mut next = units.first();
        std::iter::from_fn(move || {
            let unit = next?;
            next = units.next(&unit);
            Some((unit, self.unit_text(&unit)))
        })
    }

    /// The whole text as a string, when it is valid UTF-8 (for tests and
    /// small documents).
    pub fn as_str(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(self.bytes())
    }

    /// Whether some bytes were invalid; `None` until checked.
    pub fn had_invalid(&self) -> Option<bool> {
        match self.invalid.load(Ordering::SeqCst) {
            1 => Some(false),
            2 => Some(true),
            _ => None,
        }
    }

    /// Every unit's start, once the index is built.
    pub fn index(&self) -> Option<&[usize]> {
        self.index.get().map(Vec::as_slice)
    }

    /// The unit starting at or holding byte `start`, as 1-based number and
    /// count, once the index is built.
    pub fn number(&self, start: usize) -> Option<(usize, usize)> {
        let index = self.index()?;
        let n = index.partition_point(|&s| s <= start).max(1);
        Some((n, index.len()))
    }

    /// Builds the index and checks the bytes (unless stopped): what the
    /// background thread runs.
    pub fn build_index(&self) {
        if self.index.get().is_some() {
            return;
        }
        let stop = || self.stop.load(Ordering::Relaxed);
        if self.invalid.load(Ordering::SeqCst) == 0 {
            let valid = std::str::from_utf8(self.bytes()).is_ok();
            self.invalid
                .store(if valid { 1 } else { 2 }, Ordering::SeqCst);
        }
        if let Some(starts) = self.units().all(stop) {
            let _ = self.index.set(starts);
        }
    }

    /// Indexes the text on a thread of its own, unless it already is.
    pub fn index_in_background(self: &Arc<Self>) {
        if self.index.get().is_some() {
            return;
        }
        let text = Arc::clone(self);
        let spawned = std::thread::Builder::new()
            .name("index".into())
            .spawn(move || {
                crate::work::lower_priority();
                text.build_index()
            });
        // Without a thread, positions stay estimated.
        drop(spawned);
    }

    /// Tells a background index build to give up (the text is being dropped).
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!("qari-text-{name}-{}", std::process::id()));
        std::fs::write(&path, bytes).expect("write");
        path
    }

    #[test]
    fn utf8_files_are_held_in_place_with_their_units() {
        let path = temp("utf8", "\u{FEFF}أول\nثان\n\nثالث".as_bytes());
        let text = Text::load_mapping_from(&path, None, 0)
            .expect("read")
            .expect("text");
        assert!(matches!(text.storage, Storage::Mapped { skip: 3, .. }));
        assert_eq!(text.as_str(), "أول\nثان\n\nثالث");
        let units = text.units();
        let first = units.first().expect("a unit");
        assert_eq!(text.unit_text(&first), "أول");
        let last = units.last().expect("a unit");
        assert_eq!(text.unit_text(&last), "ثالث");
        assert!(last.gap_before);
        assert_eq!(text.number(last.start), Some((3, 3)));
        assert_eq!(text.had_invalid(), Some(false));
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn small_files_are_read_and_large_ones_mapped_to_the_same_text() {
        let small = "\u{FEFF}أول\n\nثان\r\n".repeat(10);
        let large = small.repeat((MAP_MIN as usize / small.len()) + 1);
        for (name, content, mapped) in [("small", &small, false), ("large", &large, true)] {
            let path = temp(name, content.as_bytes());
            let text = Text::load(&path, None).expect("read").expect("text");
            assert_eq!(
                matches!(text.storage, Storage::Mapped { .. }),
                mapped,
                "{name}"
            );
            assert_eq!(text.as_str(), &content['\u{FEFF}'.len_utf8()..], "{name}");
            let _ = std::fs::remove_file(&path);
        }
    }

    #[test]
    fn other_encodings_and_binary_files() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1256.encode("مرحبا بالعالم، هذا نص عربي قديم.\n");
        let path = temp("legacy", &bytes);
        let text = Text::load(&path, None).expect("read").expect("text");
        assert!(matches!(text.storage, Storage::Owned(_)));
        assert_eq!(text.encoding, encoding_rs::WINDOWS_1256);
        assert_eq!(text.as_str(), "مرحبا بالعالم، هذا نص عربي قديم.\n");
        let path2 = temp("binary", b"\x7fELF\0\0\x01");
        assert!(Text::load(&path2, None).expect("read").is_none());
        let empty = temp("empty", b"");
        let text = Text::load(&empty, None).expect("read").expect("text");
        assert!(text.is_empty() && text.units().first().is_none());
        for p in [path, path2, empty] {
            let _ = std::fs::remove_file(p);
        }
    }

    #[test]
    fn only_regular_files_are_opened() {
        // A FIFO that took a document's place since it was listed: refused
        // at once, not waited on; so is a device.
        let path = std::env::temp_dir().join(format!("qari-text-fifo-{}", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let name = std::ffi::CString::new(path.to_string_lossy().as_bytes()).expect("a path");
        // SAFETY: mkfifo reads a NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        let fifo = Text::load(&path, None).expect_err("a FIFO is no text");
        let _ = std::fs::remove_file(&path);
        assert!(fifo.starts_with("not a regular file but a FIFO"), "{fifo}");
        let zero = Text::load(Path::new("/dev/zero"), None).expect_err("a device is no text");
        assert!(
            zero.starts_with("not a regular file but a character device"),
            "{zero}"
        );
    }

    #[test]
    fn invalid_bytes_after_the_head_show_as_replacement_characters() {
        let mut bytes = "نص صحيح\n".repeat(HEAD / 10).into_bytes();
        bytes.extend_from_slice(b"bad \xFF byte\n");
        let path = temp("late-invalid", &bytes);
        let text = Text::load_mapping_from(&path, None, 0)
            .expect("read")
            .expect("text");
        assert!(matches!(text.storage, Storage::Mapped { .. }));
        let last = text.units().last().expect("a unit");
        assert_eq!(text.unit_text(&last), "bad \u{FFFD} byte");
        text.build_index();
        assert_eq!(text.had_invalid(), Some(true));
        let _ = std::fs::remove_file(&path);
    }
}
