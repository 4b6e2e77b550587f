//! Where the reader left off, kept across runs in `<dir>/state.toml`: each
//! document's position and bookmarks a–z, the global bookmarks A–Z, the
//! document open last and the one-time notices already shown.
//!
//! A document is known by the xxh3 hash of its text, and by its path when an
//! edited file no longer matches its hash. The file survives crashes,
//! hang-ups and several qari processes at once:
//! - a save takes an exclusive `flock` on `<dir>/state.lock`, re-reads the
//!   file, merges in only what this process changed (per document, per
//!   global bookmark and for the last open document the newer `updated`
//!   wins; notices are a union), writes a temporary file beside it, fsyncs
//!   it and renames it over `state.toml`, then fsyncs the folder. A reader
//!   therefore sees the old file or the new one, never half of one;
//! - the lock is waited for at most [`LOCK_WAIT`](crate::state::LOCK_WAIT);
//!   past that the save fails and its changes stay pending for the next
//!   save. On a file system without `flock` the save goes ahead unlocked
//!   (the rename keeps the file whole, but two simultaneous saves can then
//!   drop one's changes);
//! - a file that is not valid state (not UTF-8, not TOML, the wrong shape)
//!   is renamed aside to `state.toml.corrupt-<unix seconds>`, never deleted;
//! - a file that exists but cannot be read (permissions, an I/O error, a
//!   folder in its place) is left alone and nothing is saved over it;
//! - a file from a newer qari (`version` above
//!   [`VERSION`](crate::state::VERSION)) is read as far as its shape allows
//!   but never written over.
//!
//! The file, most recently read documents first:
//!
//! ```toml
//! version = 1
//! notices = ["kitty-force-ltr"]
//!
//! [last_open]
//! hash = "e4d3ab4a2f0c8e09"
//! path = "/home/r/books/كتاب.txt"
//! updated = 1767225600300
//!
//! [global_mark.A]
//! hash = "e4d3ab4a2f0c8e09"
//! path = "/home/r/books/كتاب.txt"
//! start = 40210
//! offset = 12
//! updated = 1767225600200
//!
//! [[document]]
//! hash = "e4d3ab4a2f0c8e09"
//! path = "/home/r/books/كتاب.txt"
//! updated = 1767225600100
//! start = 10512
//! offset = 340
//!
//! [document.marks]
//! a = [3, 0]
//! ```
//!
//! No terminal and no application state here: callers pass the time of
//! each change in milliseconds since the Unix epoch
//! (see [`now`](crate::state::now)).

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, DirBuilder, File, OpenOptions, TryLockError};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::fsread::{self, ReadLimitError};
use crate::text::sanitize::{one_line, quote_path};

/// The format version written in the file's `version` field.
pub const VERSION: i64 = 1;

/// How many documents the file keeps; the least recently updated go first.
pub const MAX_DOCUMENTS: usize = 5_000;

/// How long a save waits for another process's save to finish.
pub const LOCK_WAIT: Duration = Duration::from_secs(2);

/// The path documents read from standard input are opened under.
pub const STDIN_PATH: &str = "(stdin)";

const FILE_NAME: &str = "state.toml";
const LOCK_NAME: &str = "state.lock";
const TMP_PREFIX: &str = "state.toml.tmp-";

/// How often a save waiting for the lock tries again.
const LOCK_POLL: Duration = Duration::from_millis(5);

/// Temporary files are named by process id and this counter, so that two
/// stores in one process never share one.
static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Returns the hex xxh3-64 hash of a document's text.
pub fn content_hash(text: &str) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(text.as_bytes()))
}

/// Returns the current time in milliseconds since the Unix epoch.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Identifies a document: the hash of its text and the path it was opened by.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DocKey {
    /// The hex xxh3-64 hash of the document's text ([`content_hash`]).
    pub hash: String,
    /// How the document was opened: an absolute path, `bundled:<name>` or
    /// [`STDIN_PATH`].
    pub path: String,
}

impl DocKey {
    /// Builds the key of a document from its text and the path it was opened by.
    pub fn new(text: &str, path: impl Into<String>) -> DocKey {
        DocKey {
            hash: content_hash(text),
            path: path.into(),
        }
    }
}

/// A reading position: where a paragraph (layout unit) starts in the text,
/// and a byte offset inside it.
///
/// Stored as given; a caller clamps it to the document it opens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Place {
    /// The byte offset of the paragraph's start in the document's text.
    pub start: usize,
    /// The byte offset inside the paragraph's text.
    pub offset: usize,
}

/// What is remembered about one document.
///
/// Every field carries the time it was last changed, so that two qari
/// processes reading at once merge field by field: one that only scrolled
/// never undoes a bookmark the other set, and a deleted bookmark is kept as
/// a deletion with its time until a newer bookmark under its letter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocEntry {
    /// The hash of the text this entry was saved for.
    pub hash: String,
    /// The path the document was last opened by.
    pub path: String,
    /// Where the reader left off.
    pub position: Place,
    /// When the position was last set, in milliseconds since the Unix epoch.
    pub placed: u64,
    /// Bookmarks a–z in this document, and deletions of them.
    marks: BTreeMap<char, Stamped>,
    /// When the entry last changed, in milliseconds since the Unix epoch.
    pub updated: u64,
}

impl DocEntry {
    /// The place of bookmark `letter` in this document, if it is set.
    pub fn mark(&self, letter: char) -> Option<Place> {
        self.marks.get(&letter).and_then(|m| m.place)
    }

    /// The bookmarks that are set, by letter.
    pub fn marks(&self) -> impl Iterator<Item = (char, Place)> + '_ {
        self.marks
            .iter()
            .filter_map(|(&letter, m)| m.place.map(|place| (letter, place)))
    }
}

/// A bookmark, or its deletion (`place` is `None`), and when that happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamped {
    place: Option<Place>,
    updated: u64,
}

/// A global bookmark (or its deletion: `at` is `None`) and when it was set.
#[derive(Debug, Clone, PartialEq, Eq)]
struct GlobalMark {
    at: Option<(DocKey, Place)>,
    updated: u64,
}

/// The document open last and when it was opened.
#[derive(Debug, Clone, PartialEq, Eq)]
struct LastOpen {
    key: DocKey,
    updated: u64,
}

/// Everything the file holds, as kept in memory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Data {
    /// Documents by content hash.
    docs: BTreeMap<String, DocEntry>,
    global_marks: BTreeMap<char, GlobalMark>,
    last_open: Option<LastOpen>,
    notices: BTreeSet<String>,
}

impl Data {
    fn get(&self, key: &DocKey) -> Option<&DocEntry> {
        self.docs
            .get(&key.hash)
            .or_else(|| self.latest_at_path(&key.path))
    }

    /// The most recently updated entry opened by `path`. Texts read from
    /// standard input share one path, so they never stand in for each other.
    fn latest_at_path(&self, path: &str) -> Option<&DocEntry> {
        if path == STDIN_PATH {
            return None;
        }
        self.docs
            .values()
            .filter(|e| e.path == path)
            .max_by_key(|e| e.updated)
    }

    /// Drops the least recently updated documents beyond `max`.
    fn prune(&mut self, max: usize) {
        if self.docs.len() <= max {
            return;
        }
        let mut by_age: Vec<(u64, String)> = self
            .docs
            .values()
            .map(|e| (e.updated, e.hash.clone()))
            .collect();
        by_age.sort_unstable();
        let excess = self.docs.len() - max;
        for (_, hash) in by_age.into_iter().take(excess) {
            self.docs.remove(&hash);
        }
    }
}

/// What changed in memory since the last save.
#[derive(Debug, Clone, Default)]
struct Changes {
    docs: BTreeMap<String, DocChange>,
    global_marks: BTreeSet<char>,
    last_open: bool,
    notices: bool,
}

/// What changed in one document's entry.
#[derive(Debug, Clone, Default)]
struct DocChange {
    /// The entry was made here (perhaps from the entry of an earlier text
    /// at the same path): all of it is this process's.
    new: bool,
    position: bool,
    marks: BTreeSet<char>,
}

impl Changes {
    fn is_empty(&self) -> bool {
        self.docs.is_empty() && self.global_marks.is_empty() && !self.last_open && !self.notices
    }

    /// Says in a few words what these changes are: "the place in 2
    /// documents, bookmarks a, C".
    fn describe(&self) -> String {
        let places = self.docs.values().filter(|c| c.new || c.position).count();
        let mut letters: Vec<char> = self
            .docs
            .values()
            .flat_map(|c| c.marks.iter().copied())
            .chain(self.global_marks.iter().copied())
            .collect();
        letters.sort_unstable();
        letters.dedup();
        let mut parts = Vec::new();
        match places {
            0 => {}
            1 => parts.push("the place in 1 document".to_string()),
            n => parts.push(format!("the place in {n} documents")),
        }
        if !letters.is_empty() {
            let list: Vec<String> = letters.iter().map(char::to_string).collect();
            let noun = if letters.len() == 1 {
                "bookmark"
            } else {
                "bookmarks"
            };
            parts.push(format!("{noun} {}", list.join(", ")));
        }
        if self.last_open && places == 0 {
            parts.push("the document open last".into());
        }
        if self.notices {
            parts.push("the notes dismissed".into());
        }
        parts.join(", ")
    }
}

/// The reader's saved places, loaded from and saved to one folder.
#[derive(Debug)]
pub struct Store {
    /// The folder of `state.toml`; `None` keeps everything in memory.
    dir: Option<PathBuf>,
    data: Data,
    changes: Changes,
    /// Set when the file on disk must not be written over: it could not be
    /// read, or it comes from a newer qari.
    frozen: bool,
    lock_wait: Duration,
}

impl Store {
    /// Opens the state in `dir` (None: `--no-state`, nothing read or
    /// written), with a one-line warning when the file could not be used.
    ///
    /// A missing file is an empty state. A file that is not valid state is
    /// renamed aside to `state.toml.corrupt-<unix seconds>` and the warning
    /// names both paths. A file that cannot be read, or that a newer qari
    /// wrote, is left as it is and this store never saves over it.
    pub fn open(dir: Option<PathBuf>) -> (Store, Option<String>) {
        let mut store = Store {
            dir,
            data: Data::default(),
            changes: Changes::default(),
            frozen: false,
            lock_wait: LOCK_WAIT,
        };
        let Some(dir) = store.dir.clone() else {
            return (store, None);
        };
        let file = dir.join(FILE_NAME);
        let warning = match read(&file) {
            Ok(data) => {
                store.data = data.unwrap_or_default();
                None
            }
            Err(ReadError::Corrupt(_)) => {
                // Moved aside under the lock, after reading again: another
                // process may have replaced the file in the meantime.
                let recovered = match lock(&dir, store.lock_wait) {
                    Ok(_lock) => read_or_move_aside(&file),
                    Err(e) => {
                        let why = match e {
                            Failure::Busy(lock) => {
                                format!("{} stayed locked by another qari", quote_path(&lock))
                            }
                            Failure::Failed(why) => why,
                        };
                        Err(ReadError::Io(io::Error::other(format!(
                            "it could not be parsed and {why}"
                        ))))
                    }
                };
                match recovered {
                    Ok((data, moved)) => {
                        store.data = data;
                        moved.map(|(to, why)| {
                            format!(
                                "state file {} could not be parsed ({why}); moved it to {} \
                                 and started with no saved places",
                                quote_path(&file),
                                quote_path(&to)
                            )
                        })
                    }
                    Err(e) => Some(store.refuse(&file, e)),
                }
            }
            Err(e) => Some(store.refuse(&file, e)),
        };
        (store, warning)
    }

    /// Returns the platform state folder for qari: the XDG state folder
    /// (`~/.local/state/qari` on Linux), else the local data folder.
    pub fn default_dir() -> Option<PathBuf> {
        dirs::state_dir()
            .or_else(dirs::data_local_dir)
            .map(|d| d.join("qari"))
    }

    /// Returns the path of the state file, if state is kept on disk.
    pub fn path(&self) -> Option<PathBuf> {
        self.dir.as_ref().map(|d| d.join(FILE_NAME))
    }

    /// Returns what is remembered of a document: the entry with its hash,
    /// else the most recently updated entry opened by the same path.
    pub fn get(&self, key: &DocKey) -> Option<&DocEntry> {
        self.data.get(key)
    }

    /// Records where the reader is in a document.
    pub fn set_position(&mut self, key: &DocKey, place: Place, now: u64) {
        let entry = self.touch(key, now);
        entry.position = place;
        entry.placed = entry.placed.max(now);
        self.change(key).position = true;
    }

    /// Sets bookmark `letter` (a–z) in a document; other letters are ignored.
    pub fn set_mark(&mut self, key: &DocKey, letter: char, place: Place, now: u64) {
        if letter.is_ascii_lowercase() {
            self.stamp_mark(key, letter, Some(place), now);
        }
    }

    /// Deletes bookmark `letter` (a–z) in a document; returns whether it
    /// was set. The deletion is kept with its time, so that a save of an
    /// older state by another process does not bring the bookmark back.
    pub fn delete_mark(&mut self, key: &DocKey, letter: char, now: u64) -> bool {
        let set = self.get(key).and_then(|e| e.mark(letter)).is_some();
        if set {
            self.stamp_mark(key, letter, None, now);
        }
        set
    }

    fn stamp_mark(&mut self, key: &DocKey, letter: char, place: Option<Place>, now: u64) {
        let entry = self.touch(key, now);
        // A change never looks older than what it replaces, even if the
        // clock stepped back.
        let updated = entry.marks.get(&letter).map_or(now, |m| m.updated.max(now));
        entry.marks.insert(letter, Stamped { place, updated });
        self.change(key).marks.insert(letter);
    }

    /// Sets global bookmark `letter` (A–Z) to a place in a document; other
    /// letters are ignored.
    pub fn set_global_mark(&mut self, letter: char, key: &DocKey, place: Place, now: u64) {
        if letter.is_ascii_uppercase() {
            self.stamp_global_mark(letter, Some((key.clone(), place)), now);
        }
    }

    /// Deletes global bookmark `letter` (A–Z); returns whether it was set.
    /// The deletion is kept with its time, as for [`delete_mark`](Store::delete_mark).
    pub fn delete_global_mark(&mut self, letter: char, now: u64) -> bool {
        let set = self.global_mark(letter).is_some();
        if set {
            self.stamp_global_mark(letter, None, now);
        }
        set
    }

    fn stamp_global_mark(&mut self, letter: char, at: Option<(DocKey, Place)>, now: u64) {
        let updated = self
            .data
            .global_marks
            .get(&letter)
            .map_or(now, |m| m.updated.max(now));
        self.data
            .global_marks
            .insert(letter, GlobalMark { at, updated });
        self.changes.global_marks.insert(letter);
    }

    /// Returns the document and place of global bookmark `letter`.
    pub fn global_mark(&self, letter: char) -> Option<&(DocKey, Place)> {
        self.data
            .global_marks
            .get(&letter)
            .and_then(|m| m.at.as_ref())
    }

    /// Records the document open now, to reopen it next time.
    pub fn set_last_open(&mut self, key: &DocKey, now: u64) {
        let updated = self
            .data
            .last_open
            .as_ref()
            .map_or(now, |l| l.updated.max(now));
        self.data.last_open = Some(LastOpen {
            key: key.clone(),
            updated,
        });
        self.changes.last_open = true;
    }

    /// Returns the document open last.
    pub fn last_open(&self) -> Option<&DocKey> {
        self.data.last_open.as_ref().map(|l| &l.key)
    }

    /// Whether a one-time notice is still to be shown; marks it shown.
    pub fn take_notice(&mut self, id: &str) -> bool {
        let fresh = self.data.notices.insert(id.to_string());
        self.changes.notices |= fresh;
        fresh
    }

    /// Whether a notice was dismissed (or, for a one-time notice, shown).
    pub fn notice_done(&self, id: &str) -> bool {
        self.data.notices.contains(id)
    }

    /// Records that a notice was dismissed, so it is not shown again.
    pub fn dismiss_notice(&mut self, id: &str) {
        self.take_notice(id);
    }

    /// Writes the changes made since the last save, merged with the file as
    /// other processes left it, waiting up to [`LOCK_WAIT`] for another
    /// process's save. A no-op without a folder, when nothing changed, or
    /// when the file must not be written over.
    ///
    /// On an error nothing is lost from memory and the changes stay pending.
    pub fn save(&mut self) -> Result<(), SaveError> {
        self.save_waiting(self.lock_wait)
    }

    /// Saves as [`save`](Store::save) does, but without waiting: while
    /// another process holds the lock this returns [`SaveError::Busy`] at
    /// once, for the caller to try again later (the reader saves this way
    /// while it runs, so that its screen never waits for another qari).
    pub fn try_save(&mut self) -> Result<(), SaveError> {
        self.save_waiting(Duration::ZERO)
    }

    fn save_waiting(&mut self, wait: Duration) -> Result<(), SaveError> {
        let Some(dir) = self.dir.clone() else {
            return Ok(());
        };
        if self.frozen || self.changes.is_empty() {
            return Ok(());
        }
        self.write(&dir, wait).map_err(|e| match e {
            Failure::Busy(lock) => SaveError::Busy(lock),
            Failure::Failed(why) => {
                SaveError::Failed(format!("not saved ({}): {why}", self.changes.describe()))
            }
        })
    }

    fn write(&mut self, dir: &Path, wait: Duration) -> Result<(), Failure> {
        let failed = |what: &str, path: &Path, e: io::Error| {
            Failure::Failed(format!("cannot {what} {}: {e}", quote_path(path)))
        };
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| failed("make the folder", dir, e))?;
        let lock = lock(dir, wait)?;
        if lock.is_some() {
            remove_stale_temporaries(dir);
        }
        let file = dir.join(FILE_NAME);
        let disk = match read_or_move_aside(&file) {
            Ok((data, _)) => data,
            Err(ReadError::Io(e)) => return Err(failed("read", &file, e)),
            Err(e) => {
                if matches!(e, ReadError::Newer { .. }) {
                    self.frozen = true;
                }
                return Err(Failure::Failed(describe(&file, &e)));
            }
        };
        let mut merged = merge(disk, &self.data, &self.changes);
        merged.prune(MAX_DOCUMENTS);
        let text = toml::to_string(&FileState::from_data(&merged))
            .map_err(|e| failed("write", &file, io::Error::other(e)))?;
        write_atomically(dir, &file, text.as_bytes()).map_err(|e| failed("write", &file, e))?;
        self.data = merged;
        self.changes = Changes::default();
        // The rename only lasts a crash once the folder itself is synced.
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| failed("sync the folder", dir, e))?;
        drop(lock);
        Ok(())
    }

    /// Returns the entry for `key`, created (from the entry found by path,
    /// if any) when its hash is new, stamped `now`.
    fn touch(&mut self, key: &DocKey, now: u64) -> &mut DocEntry {
        let new = !self.data.docs.contains_key(&key.hash);
        let inherited = if new {
            self.data.latest_at_path(&key.path).cloned()
        } else {
            None
        };
        if new {
            self.change(key).new = true;
        }
        let entry = self
            .data
            .docs
            .entry(key.hash.clone())
            .or_insert_with(|| DocEntry {
                hash: key.hash.clone(),
                ..inherited.unwrap_or_default()
            });
        entry.path.clone_from(&key.path);
        entry.updated = entry.updated.max(now);
        entry
    }

    /// What changed in `key`'s entry since the last save.
    fn change(&mut self, key: &DocKey) -> &mut DocChange {
        self.changes.docs.entry(key.hash.clone()).or_default()
    }

    /// Says what is not saved yet ("the place in 1 document, bookmark
    /// a"), or `None` when everything is.
    pub fn unsaved(&self) -> Option<String> {
        (!self.changes.is_empty()).then(|| self.changes.describe())
    }

    /// Stops this store from saving over `file` and returns the warning.
    fn refuse(&mut self, file: &Path, e: ReadError) -> String {
        self.frozen = true;
        let warning = describe(file, &e);
        if let ReadError::Newer {
            data: Some(data), ..
        } = e
        {
            self.data = *data;
        }
        warning
    }
}

/// Why a save did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveError {
    /// Another qari holds the lock (at this path); nothing was written and
    /// the changes stay pending.
    Busy(PathBuf),
    /// The save failed: the message says what was not saved, which file and
    /// why ("not saved (bookmark a): cannot write /…/state.toml: …").
    Failed(String),
}

impl std::fmt::Display for SaveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SaveError::Busy(lock) => write!(f, "{} is held by another qari", quote_path(lock)),
            SaveError::Failed(message) => f.write_str(message),
        }
    }
}

/// How writing the file failed, before the store says what was lost.
#[derive(Debug)]
enum Failure {
    Busy(PathBuf),
    Failed(String),
}

/// Why the state file could not be used as it is.
#[derive(Debug)]
enum ReadError {
    /// It exists but could not be read, or not moved aside.
    Io(io::Error),
    /// A newer qari wrote it; `data` is what could be read of it.
    Newer {
        version: i64,
        data: Option<Box<Data>>,
    },
    /// It is not valid state, for the reason given.
    Corrupt(String),
}

/// The one-line warning for a state file that cannot be used.
fn describe(file: &Path, e: &ReadError) -> String {
    match e {
        ReadError::Io(e) => format!(
            "state file {} cannot be used ({e}); places are not saved this run",
            quote_path(file)
        ),
        ReadError::Newer { version, .. } => format!(
            "state file {} was written by a newer qari (format version {version}); \
             it is left as it is and places are not saved this run",
            quote_path(file)
        ),
        ReadError::Corrupt(why) => {
            format!(
                "state file {} could not be parsed ({why})",
                quote_path(file)
            )
        }
    }
}

/// The largest state file read: far more than [`MAX_DOCUMENTS`] entries
/// with all their bookmarks take.
pub const MAX_FILE: u64 = 16 << 20;

/// Reads the state file; `None` when there is none.
///
/// The file must be a regular file in the state folder, or a symbolic link
/// to one in the same folder, that its owner may write: anything else (a
/// FIFO, a device, a link elsewhere, a file made read-only) is left alone
/// with a message, without being opened in a way that could block.
fn read(file: &Path) -> Result<Option<Data>, ReadError> {
    let refuse = |why: String| ReadError::Io(io::Error::new(io::ErrorKind::InvalidInput, why));
    let link = match fs::symlink_metadata(file) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(ReadError::Io(e)),
    };
    if link.file_type().is_symlink() {
        let folder = file.parent().and_then(|d| fs::canonicalize(d).ok());
        let target = fs::canonicalize(file).ok();
        let inside = match (&folder, &target) {
            (Some(folder), Some(target)) => target.parent() == Some(folder.as_path()),
            _ => false,
        };
        if !inside {
            return Err(refuse(
                "it is a symbolic link out of the state folder, which qari does not follow".into(),
            ));
        }
    }
    let bytes = match fsread::read_limited(file, MAX_FILE) {
        Ok(bytes) => bytes,
        Err(ReadLimitError::Io(e)) => return Err(ReadError::Io(e)),
        Err(e) => return Err(refuse(format!("it {e}"))),
    };
    let writable = fs::metadata(file).is_ok_and(|m| m.permissions().mode() & 0o200 != 0);
    if !writable {
        return Err(refuse(
            "it is read-only; make it writable for qari to keep places".into(),
        ));
    }
    let text =
        String::from_utf8(bytes).map_err(|_| ReadError::Corrupt("it is not UTF-8".into()))?;
    parse(&text).map(Some)
}

/// Reads the state file, renaming it aside if it is not valid state; the
/// new name and the reason come back with the (then empty) state.
fn read_or_move_aside(file: &Path) -> Result<(Data, Option<(PathBuf, String)>), ReadError> {
    match read(file) {
        Ok(data) => Ok((data.unwrap_or_default(), None)),
        Err(ReadError::Corrupt(why)) => match move_aside(file) {
            Ok(to) => Ok((Data::default(), Some((to, why)))),
            Err(e) => Err(ReadError::Io(io::Error::new(
                e.kind(),
                format!("it could not be parsed ({why}) nor moved aside: {e}"),
            ))),
        },
        Err(e) => Err(e),
    }
}

/// Renames a damaged state file to `state.toml.corrupt-<unix seconds>`,
/// with a counter added if that name is taken.
fn move_aside(file: &Path) -> io::Result<PathBuf> {
    let name = format!("{FILE_NAME}.corrupt-{}", now() / 1000);
    let mut to = file.with_file_name(&name);
    let mut n = 1;
    while fs::symlink_metadata(&to).is_ok() {
        to = file.with_file_name(format!("{name}-{n}"));
        n += 1;
    }
    fs::rename(file, &to)?;
    Ok(to)
}

fn parse(text: &str) -> Result<Data, ReadError> {
    let table: toml::Table =
        toml::from_str(text).map_err(|e| ReadError::Corrupt(one_line(e.message())))?;
    let version = match table.get("version") {
        Some(toml::Value::Integer(v)) => *v,
        Some(_) => return Err(ReadError::Corrupt("its version is not a number".into())),
        None => return Err(ReadError::Corrupt("it has no version".into())),
    };
    let data = table
        .try_into::<FileState>()
        .map(FileState::into_data)
        .map_err(|e| one_line(e.message()));
    if version > VERSION {
        return Err(ReadError::Newer {
            version,
            data: data.ok().map(Box::new),
        });
    }
    if version < 1 {
        return Err(ReadError::Corrupt(format!("unknown version {version}")));
    }
    data.map_err(ReadError::Corrupt)
}

/// The file's layout. Places are `start` and `offset` fields, or
/// `[start, offset]` pairs for bookmarks. Unknown fields are ignored. The
/// times of single fields (`placed`, `marked`, `deleted`,
/// `deleted_global_mark`) are optional: a file from an earlier qari, which
/// kept only the entry's time, reads with that time for every field.
#[derive(Debug, Serialize, Deserialize)]
struct FileState {
    version: i64,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    notices: BTreeSet<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_open: Option<FileLastOpen>,
    #[serde(
        default,
        rename = "global_mark",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    global_marks: BTreeMap<char, FileGlobalMark>,
    /// Global bookmarks deleted, and when.
    #[serde(
        default,
        rename = "deleted_global_mark",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    deleted_global_marks: BTreeMap<char, u64>,
    #[serde(default, rename = "document", skip_serializing_if = "Vec::is_empty")]
    documents: Vec<FileDoc>,
}

#[derive(Debug, Serialize, Deserialize)]
struct FileLastOpen {
    hash: String,
    path: String,
    updated: u64,
}

#[derive(Debug, Serialize, Deserialize)]
struct FileGlobalMark {
    hash: String,
    path: String,
    start: usize,
    offset: usize,
    updated: u64,
}

#[derive(Debug, Serialize, Deserialize)]
struct FileDoc {
    hash: String,
    path: String,
    updated: u64,
    start: usize,
    offset: usize,
    /// When the position was set, if not at `updated`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    placed: Option<u64>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    marks: BTreeMap<char, (usize, usize)>,
    /// When each bookmark was set.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    marked: BTreeMap<char, u64>,
    /// Bookmarks deleted, and when.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    deleted: BTreeMap<char, u64>,
}

impl FileState {
    /// Lays out the state for writing, most recently read documents first.
    fn from_data(data: &Data) -> FileState {
        let mut documents: Vec<FileDoc> = data
            .docs
            .values()
            .map(|e| {
                let mut doc = FileDoc {
                    hash: e.hash.clone(),
                    path: e.path.clone(),
                    updated: e.updated,
                    start: e.position.start,
                    offset: e.position.offset,
                    placed: (e.placed != e.updated).then_some(e.placed),
                    marks: BTreeMap::new(),
                    marked: BTreeMap::new(),
                    deleted: BTreeMap::new(),
                };
                for (&letter, mark) in &e.marks {
                    match mark.place {
                        Some(p) => {
                            doc.marks.insert(letter, (p.start, p.offset));
                            doc.marked.insert(letter, mark.updated);
                        }
                        None => {
                            doc.deleted.insert(letter, mark.updated);
                        }
                    }
                }
                doc
            })
            .collect();
        documents.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| a.hash.cmp(&b.hash)));
        let mut global_marks = BTreeMap::new();
        let mut deleted_global_marks = BTreeMap::new();
        for (&letter, mark) in &data.global_marks {
            match &mark.at {
                Some((key, place)) => {
                    let mark = FileGlobalMark {
                        hash: key.hash.clone(),
                        path: key.path.clone(),
                        start: place.start,
                        offset: place.offset,
                        updated: mark.updated,
                    };
                    global_marks.insert(letter, mark);
                }
                None => {
                    deleted_global_marks.insert(letter, mark.updated);
                }
            }
        }
        FileState {
            version: VERSION,
            notices: data.notices.clone(),
            last_open: data.last_open.as_ref().map(|l| FileLastOpen {
                hash: l.key.hash.clone(),
                path: l.key.path.clone(),
                updated: l.updated,
            }),
            global_marks,
            deleted_global_marks,
            documents,
        }
    }

    /// Takes what was read, dropping bookmarks under letters qari does not
    /// use and keeping the newer of two entries for one hash.
    fn into_data(self) -> Data {
        let mut docs: BTreeMap<String, DocEntry> = BTreeMap::new();
        for d in self.documents {
            let updated = d.updated;
            let mut marks: BTreeMap<char, Stamped> = d
                .deleted
                .into_iter()
                .map(|(c, updated)| {
                    (
                        c,
                        Stamped {
                            place: None,
                            updated,
                        },
                    )
                })
                .collect();
            for (c, (start, offset)) in d.marks {
                let set = Stamped {
                    place: Some(Place { start, offset }),
                    updated: d.marked.get(&c).copied().unwrap_or(updated),
                };
                // A letter both set and deleted in a hand-edited file: the
                // later wins.
                if marks.get(&c).is_none_or(|m| m.updated <= set.updated) {
                    marks.insert(c, set);
                }
            }
            marks.retain(|c, _| c.is_ascii_lowercase());
            let entry = DocEntry {
                hash: d.hash,
                path: d.path,
                position: Place {
                    start: d.start,
                    offset: d.offset,
                },
                placed: d.placed.unwrap_or(updated),
                marks,
                updated,
            };
            if docs
                .get(&entry.hash)
                .is_none_or(|old| old.updated <= entry.updated)
            {
                docs.insert(entry.hash.clone(), entry);
            }
        }
        let mut global_marks: BTreeMap<char, GlobalMark> = self
            .deleted_global_marks
            .into_iter()
            .map(|(c, updated)| (c, GlobalMark { at: None, updated }))
            .collect();
        for (c, m) in self.global_marks {
            let key = DocKey {
                hash: m.hash,
                path: m.path,
            };
            let place = Place {
                start: m.start,
                offset: m.offset,
            };
            let mark = GlobalMark {
                at: Some((key, place)),
                updated: m.updated,
            };
            if global_marks
                .get(&c)
                .is_none_or(|d| d.updated <= mark.updated)
            {
                global_marks.insert(c, mark);
            }
        }
        global_marks.retain(|c, _| c.is_ascii_uppercase());
        Data {
            docs,
            global_marks,
            last_open: self.last_open.map(|l| LastOpen {
                key: DocKey {
                    hash: l.hash,
                    path: l.path,
                },
                updated: l.updated,
            }),
            notices: self.notices,
        }
    }
}

/// Merges this process's changes into the state read from disk, field by
/// field: a document's position and each of its bookmarks, each global
/// bookmark and the last open document go to the newer change (this
/// process's on a tie); a deletion is a change like any other, so it wins
/// over an older bookmark; notices are a union. What this process did not
/// change is taken from disk as it is, so an entry another process dropped
/// stays dropped.
fn merge(mut disk: Data, ours: &Data, changes: &Changes) -> Data {
    for (hash, change) in &changes.docs {
        let Some(entry) = ours.docs.get(hash) else {
            continue;
        };
        let Some(theirs) = disk.docs.get_mut(hash) else {
            disk.docs.insert(hash.clone(), entry.clone());
            continue;
        };
        if (change.new || change.position) && theirs.placed <= entry.placed {
            theirs.position = entry.position;
            theirs.placed = entry.placed;
        }
        let letters: Vec<char> = if change.new {
            entry.marks.keys().copied().collect()
        } else {
            change.marks.iter().copied().collect()
        };
        for letter in letters {
            if let Some(mark) = entry.marks.get(&letter)
                && theirs
                    .marks
                    .get(&letter)
                    .is_none_or(|m| m.updated <= mark.updated)
            {
                theirs.marks.insert(letter, *mark);
            }
        }
        if theirs.updated <= entry.updated {
            theirs.path.clone_from(&entry.path);
            theirs.updated = entry.updated;
        }
    }
    for letter in &changes.global_marks {
        if let Some(mark) = ours.global_marks.get(letter)
            && disk
                .global_marks
                .get(letter)
                .is_none_or(|d| d.updated <= mark.updated)
        {
            disk.global_marks.insert(*letter, mark.clone());
        }
    }
    if changes.last_open
        && let Some(last) = &ours.last_open
        && disk
            .last_open
            .as_ref()
            .is_none_or(|d| d.updated <= last.updated)
    {
        disk.last_open = Some(last.clone());
    }
    disk.notices.extend(ours.notices.iter().cloned());
    disk
}

/// Takes the exclusive lock on `<dir>/state.lock`, trying again for up to
/// `wait`. Returns `None` on a file system without `flock`, where saving
/// goes ahead unlocked. The lock is released when the file is dropped.
fn lock(dir: &Path, wait: Duration) -> Result<Option<File>, Failure> {
    let path = dir.join(LOCK_NAME);
    // Never through a symbolic link: qari would create or lock whatever it
    // points to.
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(&path)
        .map_err(|e| {
            let why = if e.raw_os_error() == Some(libc::ELOOP) {
                "it is a symbolic link, which qari does not follow".to_string()
            } else {
                e.to_string()
            };
            Failure::Failed(format!("cannot open {}: {why}", quote_path(&path)))
        })?;
    let deadline = Instant::now() + wait;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(Some(file)),
            Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                thread::sleep(LOCK_POLL);
            }
            Err(TryLockError::WouldBlock) => return Err(Failure::Busy(path)),
            Err(TryLockError::Error(e)) if lock_unsupported(&e) => return Ok(None),
            Err(TryLockError::Error(e)) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(TryLockError::Error(e)) => {
                return Err(Failure::Failed(format!(
                    "cannot lock {}: {e}",
                    quote_path(&path)
                )));
            }
        }
    }
}

fn lock_unsupported(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::Unsupported
        || matches!(
            e.raw_os_error(),
            Some(libc::ENOLCK | libc::EOPNOTSUPP | libc::ENOSYS)
        )
}

/// Removes temporary files left by a save that was killed midway. Called
/// only while holding the lock, when no other save can be writing one.
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let stale = entry
            .file_name()
            .to_str()
            .is_some_and(|name| name.starts_with(TMP_PREFIX));
        if stale {
            // Best effort: a leftover that cannot be removed does no harm.
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Replaces `file` with `bytes` so that readers see the old or the new
/// content, never a part: a synced temporary file renamed over it.
fn write_atomically(dir: &Path, file: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = dir.join(format!(
        "{TMP_PREFIX}{}-{}",
        std::process::id(),
        TMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| -> io::Result<()> {
        let mut out = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)?;
        out.write_all(bytes)?;
        out.sync_all()?;
        fs::rename(&tmp, file)
    })();
    if result.is_err() {
        // The write's own error is the one to report.
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;
    use std::sync::Arc;

    /// A folder under the system temp folder, removed when dropped.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> TempDir {
            static N: AtomicU64 = AtomicU64::new(0);
            let path = std::env::temp_dir().join(format!(
                "qari-state-{name}-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            // A leftover from an earlier run with the same pid.
            let _ = fs::remove_dir_all(&path);
            TempDir(path)
        }

        fn file(&self) -> PathBuf {
            self.0.join(FILE_NAME)
        }

        fn names(&self) -> Vec<String> {
            let mut names: Vec<String> = fs::read_dir(&self.0)
                .expect("temp dir is listable")
                .map(|e| {
                    e.expect("dir entry")
                        .file_name()
                        .into_string()
                        .expect("UTF-8 name")
                })
                .collect();
            names.sort();
            names
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn key(hash: &str, path: &str) -> DocKey {
        DocKey {
            hash: hash.to_string(),
            path: path.to_string(),
        }
    }

    fn place(start: usize, offset: usize) -> Place {
        Place { start, offset }
    }

    fn open(dir: &TempDir) -> Store {
        let (store, warning) = Store::open(Some(dir.0.clone()));
        assert_eq!(warning, None, "unexpected warning");
        store
    }

    fn position(store: &Store, k: &DocKey) -> Option<Place> {
        store.get(k).map(|e| e.position)
    }

    #[test]
    fn content_hash_is_hex_xxh3_of_the_text() {
        let h = content_hash("سلام");
        assert_eq!(h.len(), 16);
        assert!(h.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(
            u64::from_str_radix(&h, 16).expect("hex"),
            xxhash_rust::xxh3::xxh3_64("سلام".as_bytes())
        );
        assert_ne!(h, content_hash("سلام!"));
        assert_eq!(DocKey::new("سلام", "/a").hash, h);
    }

    #[test]
    fn missing_file_is_an_empty_state_and_nothing_is_written_unchanged() {
        let dir = TempDir::new("missing");
        let mut store = open(&dir);
        assert_eq!(store.get(&key("h", "/a")), None);
        assert_eq!(store.last_open(), None);
        store.save().expect("save");
        assert!(!dir.0.exists(), "a save with no changes creates nothing");
        assert_eq!(store.path(), Some(dir.file()));
    }

    #[test]
    fn round_trip() {
        let dir = TempDir::new("round-trip");
        let book = key("00000000000000aa", "/home/r/كتاب.txt");
        let other = key("00000000000000bb", "bundled:000_x.txt");
        let mut store = open(&dir);
        store.set_position(&book, place(12, 340), 1_000);
        store.set_mark(&book, 'a', place(3, 0), 1_001);
        store.set_mark(&book, 'z', place(7, 9), 1_002);
        store.set_position(&other, place(1, 2), 1_003);
        store.set_global_mark('Q', &other, place(5, 6), 1_004);
        store.set_last_open(&book, 1_005);
        assert!(store.take_notice("kitty-force-ltr"));
        store.save().expect("save");

        let again = open(&dir);
        assert_eq!(again.data, store.data);
        let entry = again.get(&book).expect("book remembered");
        assert_eq!(entry.position, place(12, 340));
        assert_eq!(entry.path, "/home/r/كتاب.txt");
        assert_eq!(entry.updated, 1_002);
        assert_eq!(
            entry.marks().collect::<BTreeMap<_, _>>(),
            BTreeMap::from([('a', place(3, 0)), ('z', place(7, 9))])
        );
        assert_eq!(position(&again, &other), Some(place(1, 2)));
        assert_eq!(again.global_mark('Q'), Some(&(other.clone(), place(5, 6))));
        assert_eq!(again.last_open(), Some(&book));

        let text = fs::read_to_string(dir.file()).expect("state file");
        let table: toml::Table = toml::from_str(&text).expect("valid TOML");
        assert_eq!(table.get("version"), Some(&toml::Value::Integer(1)));
    }

    #[test]
    fn files_and_folder_are_private() {
        let dir = TempDir::new("modes");
        let nested = dir.0.join("state").join("qari");
        let (mut store, _) = Store::open(Some(nested.clone()));
        store.set_position(&key("h", "/a"), place(1, 1), 1);
        store.save().expect("save");
        let mode = |p: &Path| fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
        assert_eq!(mode(&nested), 0o700);
        assert_eq!(mode(&nested.join(FILE_NAME)), 0o600);
    }

    #[test]
    fn lookup_by_hash_then_most_recent_at_the_same_path() {
        let mut store = Store::open(None).0;
        let old = key("1111", "/books/a.txt");
        let newer = key("2222", "/books/a.txt");
        let elsewhere = key("3333", "/books/b.txt");
        store.set_position(&newer, place(20, 0), 200);
        store.set_position(&old, place(10, 0), 100);
        store.set_position(&elsewhere, place(30, 0), 300);

        // The hash wins over a more recent entry at the same path.
        assert_eq!(position(&store, &old), Some(place(10, 0)));
        // An edited file (new hash) gets the latest place at its path.
        let edited = key("4444", "/books/a.txt");
        assert_eq!(position(&store, &edited), Some(place(20, 0)));
        // The same text opened by another path is found by its hash.
        assert_eq!(
            position(&store, &key("3333", "/elsewhere/b.txt")),
            Some(place(30, 0))
        );
        assert_eq!(store.get(&key("5555", "/books/c.txt")), None);

        // Updating the older entry makes it the one found by path.
        store.set_position(&old, place(11, 0), 400);
        assert_eq!(position(&store, &edited), Some(place(11, 0)));
    }

    #[test]
    fn texts_from_stdin_do_not_stand_in_for_each_other() {
        let mut store = Store::open(None).0;
        store.set_position(&key("1111", STDIN_PATH), place(9, 0), 1);
        assert_eq!(store.get(&key("2222", STDIN_PATH)), None);
        assert!(store.get(&key("1111", STDIN_PATH)).is_some());
    }

    #[test]
    fn an_edited_file_keeps_its_bookmarks_under_its_new_hash() {
        let mut store = Store::open(None).0;
        let before = key("1111", "/a.txt");
        let after = key("2222", "/a.txt");
        store.set_mark(&before, 'c', place(4, 2), 10);
        store.set_position(&before, place(5, 0), 11);
        store.set_position(&after, place(6, 0), 20);
        let entry = store.get(&after).expect("new entry");
        assert_eq!(entry.hash, "2222");
        assert_eq!(entry.position, place(6, 0));
        assert_eq!(entry.mark('c'), Some(place(4, 2)));
        assert_eq!(entry.updated, 20);
        // The old entry is left as it was.
        assert_eq!(position(&store, &before), Some(place(5, 0)));
    }

    #[test]
    fn document_marks_are_a_to_z_and_global_marks_are_capitals() {
        let dir = TempDir::new("marks");
        let a = key("aaaa", "/a");
        let b = key("bbbb", "/b");
        let mut store = open(&dir);
        store.set_mark(&a, 'a', place(1, 0), 1);
        store.set_mark(&b, 'a', place(2, 0), 2);
        store.set_mark(&a, 'a', place(3, 0), 3);
        store.set_mark(&a, 'A', place(9, 9), 4);
        store.set_mark(&a, '1', place(9, 9), 4);
        store.set_mark(&a, 'ب', place(9, 9), 4);
        store.set_global_mark('B', &b, place(8, 1), 5);
        store.set_global_mark('b', &b, place(9, 9), 6);
        store.set_global_mark('B', &a, place(7, 2), 7);
        store.save().expect("save");

        let store = open(&dir);
        let marks_a: BTreeMap<_, _> = store.get(&a).expect("a").marks().collect();
        assert_eq!(marks_a, BTreeMap::from([('a', place(3, 0))]));
        let marks_b: BTreeMap<_, _> = store.get(&b).expect("b").marks().collect();
        assert_eq!(marks_b, BTreeMap::from([('a', place(2, 0))]));
        assert_eq!(store.global_mark('B'), Some(&(a.clone(), place(7, 2))));
        assert_eq!(store.global_mark('b'), None);
        assert_eq!(store.global_mark('C'), None);
    }

    #[test]
    fn unused_letters_in_the_file_are_dropped() {
        let dir = TempDir::new("letters");
        fs::create_dir_all(&dir.0).expect("dir");
        fs::write(
            dir.file(),
            "version = 1\n\
             [global_mark.x]\nhash = \"h\"\npath = \"/a\"\nstart = 1\noffset = 0\nupdated = 1\n\
             [global_mark.Y]\nhash = \"h\"\npath = \"/a\"\nstart = 2\noffset = 0\nupdated = 1\n\
             [[document]]\nhash = \"h\"\npath = \"/a\"\nupdated = 1\nstart = 0\noffset = 0\n\
             [document.marks]\nq = [1, 2]\nQ = [3, 4]\n",
        )
        .expect("write");
        let store = open(&dir);
        assert_eq!(store.global_mark('x'), None);
        assert_eq!(store.global_mark('Y'), Some(&(key("h", "/a"), place(2, 0))));
        let marks: BTreeMap<_, _> = store.get(&key("h", "/a")).expect("doc").marks().collect();
        assert_eq!(marks, BTreeMap::from([('q', place(1, 2))]));
    }

    #[test]
    fn last_open_is_remembered() {
        let dir = TempDir::new("last-open");
        let mut store = open(&dir);
        assert_eq!(store.last_open(), None);
        store.set_last_open(&key("1", "/one"), 1);
        store.set_last_open(&key("2", "/two"), 2);
        assert_eq!(store.last_open(), Some(&key("2", "/two")));
        store.save().expect("save");
        assert_eq!(open(&dir).last_open(), Some(&key("2", "/two")));
    }

    #[test]
    fn a_notice_is_taken_once_ever() {
        let dir = TempDir::new("notice");
        let mut store = open(&dir);
        assert!(store.take_notice("kitty-force-ltr"));
        assert!(!store.take_notice("kitty-force-ltr"));
        store.save().expect("save");

        let mut store = open(&dir);
        assert!(!store.take_notice("kitty-force-ltr"));
        assert!(store.take_notice("other"));
        assert!(!store.take_notice("other"));

        let mut off = Store::open(None).0;
        assert!(off.take_notice("kitty-force-ltr"));
        assert!(!off.take_notice("kitty-force-ltr"));
    }

    #[test]
    fn without_a_folder_nothing_is_read_or_written() {
        let (mut store, warning) = Store::open(None);
        assert_eq!(warning, None);
        assert_eq!(store.path(), None);
        store.set_position(&key("h", "/a"), place(1, 2), 1);
        store.save().expect("a save without a folder succeeds");
        // Still held in memory for this run.
        assert_eq!(position(&store, &key("h", "/a")), Some(place(1, 2)));
        assert!(!store.changes.is_empty(), "nothing was saved");
    }

    /// Checks that `contents` in the state file is moved aside with a
    /// warning naming both paths, and that the next open is clean.
    fn check_moved_aside(name: &str, contents: &[u8]) {
        let dir = TempDir::new(name);
        fs::create_dir_all(&dir.0).expect("dir");
        fs::write(dir.file(), contents).expect("write");

        let (mut store, warning) = Store::open(Some(dir.0.clone()));
        let warning = warning.expect("a warning");
        assert!(!warning.contains('\n'), "one line: {warning}");
        assert!(!dir.file().exists(), "{name}: the file is moved");
        let names = dir.names();
        let aside: Vec<&String> = names
            .iter()
            .filter(|n| n.starts_with("state.toml.corrupt-"))
            .collect();
        assert_eq!(aside.len(), 1, "{name}: {names:?}");
        let aside_path = dir.0.join(aside[0]);
        let seconds = aside[0].trim_start_matches("state.toml.corrupt-");
        assert!(seconds.parse::<u64>().is_ok(), "{name}: {seconds}");
        assert_eq!(fs::read(&aside_path).expect("moved file"), contents);
        assert!(
            warning.contains(&dir.file().display().to_string()),
            "{warning}"
        );
        assert!(
            warning.contains(&aside_path.display().to_string()),
            "{warning}"
        );
        assert_eq!(store.get(&key("h", "/a")), None);

        store.set_position(&key("h", "/a"), place(1, 0), 1);
        store.save().expect("save after recovery");
        let again = open(&dir);
        assert_eq!(position(&again, &key("h", "/a")), Some(place(1, 0)));
        assert!(aside_path.exists(), "the damaged file is never deleted");
    }

    #[test]
    fn a_damaged_file_is_moved_aside() {
        check_moved_aside("garbage", b"\xff\xfe\x00 not [[ toml");
        check_moved_aside("not-toml", b"version = 1\n[[document]\n");
        check_moved_aside("no-version", b"[stuff]\na = 1\n");
        check_moved_aside("text-version", b"version = \"1\"\n");
        check_moved_aside("zero-version", b"version = 0\n");
        check_moved_aside("wrong-shape", b"version = 1\ndocument = \"nope\"\n");
        check_moved_aside(
            "negative",
            b"version = 1\n[[document]]\nhash = \"h\"\npath = \"/a\"\nupdated = -5\nstart = 0\noffset = 0\n",
        );
    }

    #[test]
    fn a_second_damaged_file_in_the_same_second_gets_its_own_name() {
        let dir = TempDir::new("twice");
        fs::create_dir_all(&dir.0).expect("dir");
        for garbage in ["first {", "second {"] {
            fs::write(dir.file(), garbage).expect("write");
            let (_, warning) = Store::open(Some(dir.0.clone()));
            assert!(warning.is_some());
        }
        let mut kept: Vec<String> = dir
            .names()
            .iter()
            .filter(|n| n.starts_with("state.toml.corrupt-"))
            .map(|n| fs::read_to_string(dir.0.join(n)).expect("read"))
            .collect();
        kept.sort();
        assert_eq!(kept, ["first {", "second {"]);
    }

    #[test]
    fn an_unreadable_file_is_left_alone_and_never_saved_over() {
        let dir = TempDir::new("unreadable");
        // A folder in the file's place cannot be read, even by root.
        fs::create_dir_all(dir.file().join("inside")).expect("dirs");
        let (mut store, warning) = Store::open(Some(dir.0.clone()));
        let warning = warning.expect("a warning");
        assert!(
            warning.contains(&dir.file().display().to_string()),
            "{warning}"
        );
        assert!(!warning.contains('\n'));

        store.set_position(&key("h", "/a"), place(1, 0), 1);
        assert!(store.take_notice("n"));
        store.save().expect("saving is off, not an error");
        assert!(dir.file().join("inside").is_dir(), "left as it was");
        assert_eq!(dir.names(), [FILE_NAME]);
        assert_eq!(position(&store, &key("h", "/a")), Some(place(1, 0)));
    }

    #[test]
    fn a_save_that_cannot_read_the_file_fails_and_keeps_its_changes() {
        let dir = TempDir::new("save-unreadable");
        let mut store = open(&dir);
        store.set_position(&key("h", "/a"), place(4, 0), 1);
        fs::create_dir_all(dir.file().join("inside")).expect("dirs");
        assert!(store.save().is_err());
        assert!(dir.file().join("inside").is_dir());

        fs::remove_dir_all(dir.file()).expect("remove");
        store.save().expect("save once the file can be read");
        assert_eq!(position(&open(&dir), &key("h", "/a")), Some(place(4, 0)));
    }

    #[test]
    fn a_file_from_a_newer_qari_is_read_but_not_written() {
        let dir = TempDir::new("newer");
        fs::create_dir_all(&dir.0).expect("dir");
        let text = "version = 2\nnotices = [\"n\"]\n\
                    [[document]]\nhash = \"h\"\npath = \"/a\"\nupdated = 5\nstart = 3\noffset = 1\n\
                    future = true\n";
        fs::write(dir.file(), text).expect("write");
        let (mut store, warning) = Store::open(Some(dir.0.clone()));
        let warning = warning.expect("a warning");
        assert!(warning.contains("version 2"), "{warning}");
        assert!(warning.contains(&dir.file().display().to_string()));
        assert_eq!(position(&store, &key("h", "/a")), Some(place(3, 1)));
        assert!(!store.take_notice("n"));

        store.set_position(&key("h", "/a"), place(9, 9), 10);
        store.save().expect("saving is off, not an error");
        assert_eq!(fs::read_to_string(dir.file()).expect("read"), text);
    }

    #[test]
    fn a_newer_file_written_meanwhile_stops_the_save() {
        let dir = TempDir::new("newer-later");
        let mut store = open(&dir);
        store.set_position(&key("h", "/a"), place(1, 0), 1);
        fs::create_dir_all(&dir.0).expect("dir");
        fs::write(dir.file(), "version = 7\n").expect("write");
        assert!(store.save().is_err());
        assert_eq!(
            fs::read_to_string(dir.file()).expect("read"),
            "version = 7\n"
        );
        store.save().expect("no further attempts");
        assert_eq!(
            fs::read_to_string(dir.file()).expect("read"),
            "version = 7\n"
        );
    }

    #[test]
    fn two_stores_merge_their_changes() {
        let dir = TempDir::new("merge");
        let (one, two, both) = (key("1", "/one"), key("2", "/two"), key("3", "/both"));
        let mut a = open(&dir);
        let mut b = open(&dir);
        a.set_position(&one, place(1, 0), 10);
        b.set_position(&two, place(2, 0), 11);
        a.set_position(&both, place(30, 0), 20);
        b.set_position(&both, place(31, 0), 15);
        a.set_global_mark('A', &one, place(1, 1), 10);
        b.set_global_mark('B', &two, place(2, 2), 10);
        a.set_global_mark('C', &one, place(3, 1), 5);
        b.set_global_mark('C', &two, place(3, 2), 6);
        a.set_last_open(&one, 50);
        b.set_last_open(&two, 40);
        assert!(a.take_notice("from-a"));
        assert!(b.take_notice("from-b"));
        a.save().expect("save a");
        b.save().expect("save b");

        // b now also sees what a saved.
        assert_eq!(position(&b, &one), Some(place(1, 0)));

        let mut merged = open(&dir);
        assert_eq!(position(&merged, &one), Some(place(1, 0)));
        assert_eq!(position(&merged, &two), Some(place(2, 0)));
        assert_eq!(position(&merged, &both), Some(place(30, 0)), "newer wins");
        assert_eq!(merged.global_mark('A'), Some(&(one.clone(), place(1, 1))));
        assert_eq!(merged.global_mark('B'), Some(&(two.clone(), place(2, 2))));
        assert_eq!(merged.global_mark('C'), Some(&(two.clone(), place(3, 2))));
        assert_eq!(merged.last_open(), Some(&one));
        assert!(!merged.take_notice("from-a"));
        assert!(!merged.take_notice("from-b"));

        // A later change by the store that lost wins the next time.
        b.set_position(&both, place(32, 0), 60);
        b.save().expect("save b");
        assert_eq!(position(&open(&dir), &both), Some(place(32, 0)));
    }

    #[test]
    fn only_changes_are_merged_so_a_removed_entry_stays_removed() {
        let dir = TempDir::new("only-changes");
        let mut store = open(&dir);
        store.set_position(&key("1", "/one"), place(1, 0), 1);
        store.save().expect("save");

        let mut other = open(&dir);
        fs::remove_file(dir.file()).expect("reset by hand");
        other.set_position(&key("2", "/two"), place(2, 0), 2);
        other.save().expect("save");

        let after = open(&dir);
        assert_eq!(after.get(&key("1", "/one")), None);
        assert_eq!(position(&after, &key("2", "/two")), Some(place(2, 0)));
    }

    #[test]
    fn at_most_max_documents_are_kept_the_most_recent() {
        let dir = TempDir::new("bound");
        let mut store = open(&dir);
        let extra = 3;
        let hash = |i: usize| format!("{i:016x}");
        // Set in an order unrelated to age, so pruning must sort.
        for i in (0..MAX_DOCUMENTS + extra).rev() {
            let k = key(&hash(i), &format!("/docs/{i}.txt"));
            store.set_position(&k, place(i, 0), 1_000 + i as u64);
        }
        store.save().expect("save");
        let store = open(&dir);
        assert_eq!(store.data.docs.len(), MAX_DOCUMENTS);
        for i in 0..extra {
            assert_eq!(
                store.get(&key(&hash(i), "/none")),
                None,
                "oldest {i} dropped"
            );
        }
        let newest = MAX_DOCUMENTS + extra - 1;
        assert_eq!(
            position(&store, &key(&hash(newest), "/none")),
            Some(place(newest, 0))
        );
        assert_eq!(
            position(&store, &key(&hash(extra), "/none")),
            Some(place(extra, 0))
        );
    }

    #[test]
    fn no_temporary_file_lingers() {
        let dir = TempDir::new("temporary");
        let mut store = open(&dir);
        for i in 0..5 {
            store.set_position(&key("h", "/a"), place(i, 0), i as u64);
            store.save().expect("save");
        }
        assert_eq!(dir.names(), [LOCK_NAME, FILE_NAME]);

        // One left by a save that was killed is cleared by the next save.
        fs::write(dir.0.join(format!("{TMP_PREFIX}999999-0")), "half").expect("write");
        store.set_position(&key("h", "/a"), place(9, 0), 9);
        store.save().expect("save");
        assert_eq!(dir.names(), [LOCK_NAME, FILE_NAME]);

        // A write whose rename fails removes its temporary file.
        let target = dir.0.join("occupied");
        fs::create_dir_all(target.join("inside")).expect("dirs");
        assert!(write_atomically(&dir.0, &target, b"x").is_err());
        assert_eq!(dir.names(), ["occupied", LOCK_NAME, FILE_NAME]);
    }

    #[test]
    fn a_held_lock_makes_the_save_fail_after_the_wait_and_keep_its_changes() {
        let dir = TempDir::new("held");
        fs::create_dir_all(&dir.0).expect("dir");
        let holder = lock(&dir.0, Duration::ZERO)
            .expect("lock")
            .expect("flock works here");
        let mut store = open(&dir);
        store.lock_wait = Duration::from_millis(50);
        store.set_position(&key("h", "/a"), place(1, 0), 1);
        let err = store.save().expect_err("lock is held");
        assert!(matches!(err, SaveError::Busy(_)), "{err}");
        assert!(!dir.file().exists());

        drop(holder);
        store.save().expect("save once released");
        assert_eq!(position(&open(&dir), &key("h", "/a")), Some(place(1, 0)));
    }

    #[test]
    fn concurrent_saves_keep_every_documents_latest_position() {
        let dir = Arc::new(TempDir::new("threads"));
        let (threads, docs, rounds) = (4, 3, 25);
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let dir = Arc::clone(&dir);
                thread::spawn(move || {
                    let mut store = open(&dir);
                    for round in 0..rounds {
                        for d in 0..docs {
                            let k = key(&format!("{t}-{d}"), &format!("/{t}/{d}"));
                            store.set_position(&k, place(round, d), (round * 10 + d) as u64);
                        }
                        store.set_global_mark(
                            char::from(b'A' + t as u8),
                            &key(&format!("{t}-0"), "/x"),
                            place(round, 0),
                            round as u64,
                        );
                        store.save().expect("save");
                    }
                })
            })
            .collect();
        // Meanwhile the file is only ever absent, or whole and valid.
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let reader = {
            let (file, done) = (dir.file(), Arc::clone(&done));
            thread::spawn(move || {
                let mut reads = 0;
                while !done.load(Ordering::Relaxed) {
                    if let Err(e) = read(&file) {
                        panic!("read {reads} saw a broken file: {e:?}");
                    }
                    reads += 1;
                }
            })
        };
        for worker in workers {
            worker.join().expect("writer finished");
        }
        done.store(true, Ordering::Relaxed);
        reader.join().expect("reader saw whole files only");

        let store = open(&dir);
        for t in 0..threads {
            for d in 0..docs {
                let k = key(&format!("{t}-{d}"), "/none");
                assert_eq!(position(&store, &k), Some(place(rounds - 1, d)), "{t}-{d}");
            }
            let letter = char::from(b'A' + t as u8);
            let mark = store.global_mark(letter).expect("global mark");
            assert_eq!(mark.1, place(rounds - 1, 0));
        }
        assert_eq!(store.data.docs.len(), threads * docs);
        assert_eq!(dir.names(), [LOCK_NAME, FILE_NAME]);
    }

    #[test]
    fn a_store_that_only_moved_keeps_the_bookmarks_another_set() {
        let dir = TempDir::new("moved-only");
        let (book, other) = (key("1", "/book"), key("2", "/other"));
        let mut seed = open(&dir);
        seed.set_position(&book, place(1, 0), 1);
        seed.set_position(&other, place(1, 0), 1);
        seed.save().expect("seed");
        // A and B read the same file; A sets bookmarks, B only reads on
        // (later, so its entries are newer) in the same and another document.
        let mut a = open(&dir);
        let mut b = open(&dir);
        a.set_mark(&book, 'a', place(5, 0), 10);
        a.set_global_mark('G', &book, place(6, 0), 10);
        b.set_position(&book, place(9, 0), 20);
        b.set_position(&other, place(9, 0), 20);
        a.save().expect("save a");
        b.save().expect("save b");
        let merged = open(&dir);
        let entry = merged.get(&book).expect("book");
        assert_eq!(
            entry.mark('a'),
            Some(place(5, 0)),
            "A's bookmark survives B"
        );
        assert_eq!(entry.position, place(9, 0), "B's later place wins");
        assert_eq!(merged.global_mark('G'), Some(&(book.clone(), place(6, 0))));
        // B's memory took A's bookmark in when it saved.
        assert_eq!(b.get(&book).and_then(|e| e.mark('a')), Some(place(5, 0)));
    }

    #[test]
    fn a_deleted_bookmark_stays_deleted() {
        let dir = TempDir::new("deleted");
        let book = key("1", "/book");
        let mut seed = open(&dir);
        seed.set_mark(&book, 'a', place(5, 0), 1);
        seed.set_mark(&book, 'b', place(6, 0), 1);
        seed.set_global_mark('A', &book, place(7, 0), 1);
        seed.save().expect("seed");
        let mut a = open(&dir);
        let mut b = open(&dir);
        let mut late = open(&dir);
        assert!(a.delete_mark(&book, 'a', 10));
        assert!(a.delete_global_mark('A', 10));
        assert!(!a.delete_mark(&book, 'c', 10), "nothing to delete");
        a.save().expect("save a");
        // B still has them in memory, moves, sets another bookmark and saves
        // later: the deletions hold.
        b.set_position(&book, place(8, 0), 20);
        b.set_mark(&book, 'b', place(9, 0), 20);
        b.save().expect("save b");
        let merged = open(&dir);
        let entry = merged.get(&book).expect("book");
        assert_eq!(entry.mark('a'), None);
        assert_eq!(entry.mark('b'), Some(place(9, 0)));
        assert_eq!(merged.global_mark('A'), None);
        assert_eq!(b.get(&book).and_then(|e| e.mark('a')), None);
        assert_eq!(b.global_mark('A'), None);
        // The file says what was deleted and when.
        let text = fs::read_to_string(dir.file()).expect("file");
        assert!(text.contains("[document.deleted]"), "{text}");
        assert!(text.contains("[deleted_global_mark]"), "{text}");
        // A bookmark set before the deletion but saved after it stays
        // deleted too; one set after it is back.
        late.set_mark(&book, 'a', place(1, 1), 5);
        late.save().expect("save");
        assert_eq!(open(&dir).get(&book).and_then(|e| e.mark('a')), None);
        late.set_mark(&book, 'a', place(2, 2), 30);
        late.save().expect("save");
        assert_eq!(
            open(&dir).get(&book).and_then(|e| e.mark('a')),
            Some(place(2, 2))
        );
    }

    #[test]
    fn a_file_without_field_times_reads_with_the_entry_time() {
        let dir = TempDir::new("old-format");
        fs::create_dir_all(&dir.0).expect("dir");
        fs::write(
            dir.file(),
            "version = 1\n[[document]]\nhash = \"h\"\npath = \"/a\"\nupdated = 50\n\
             start = 3\noffset = 1\n[document.marks]\na = [1, 2]\n",
        )
        .expect("write");
        let mut store = open(&dir);
        let entry = store.get(&key("h", "/a")).expect("doc");
        assert_eq!((entry.placed, entry.mark('a')), (50, Some(place(1, 2))));
        // A newer deletion beats it; an older bookmark elsewhere does not.
        let mut other = open(&dir);
        other.set_mark(&key("h", "/a"), 'a', place(9, 9), 40);
        store.delete_mark(&key("h", "/a"), 'a', 60);
        store.save().expect("save");
        other.save().expect("save");
        assert_eq!(
            open(&dir).get(&key("h", "/a")).and_then(|e| e.mark('a')),
            None
        );
    }

    #[test]
    fn concurrent_stores_keep_every_bookmark_and_every_deletion() {
        let dir = Arc::new(TempDir::new("marks-threads"));
        let shared = key("s", "/shared");
        let mut seed = open(&dir);
        for letter in ['x', 'y', 'z'] {
            seed.set_mark(&shared, letter, place(1, 0), 1);
        }
        seed.save().expect("seed");
        // Four stores, five letters each: a–t, none of them x, y or z.
        let threads = 4;
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let (dir, shared) = (Arc::clone(&dir), shared.clone());
                thread::spawn(move || {
                    let own = key(&format!("own{t}"), &format!("/own{t}"));
                    let mut store = open(&dir);
                    for round in 0..5u64 {
                        let time = now() + round;
                        // Every store scrolls both documents all the time...
                        store.set_position(&shared, place(round as usize, t), time);
                        store.set_position(&own, place(round as usize, t), time);
                        // ...and sets its own bookmark letters in each.
                        let letter = (b'a' + (t * 5) as u8 + round as u8) as char;
                        store.set_mark(&shared, letter, place(t, round as usize), time);
                        store.set_mark(&own, letter, place(t, round as usize), time);
                        if round % 2 == 1 {
                            store.save().expect("save");
                        }
                    }
                    // Store t deletes one of the seeded bookmarks.
                    if let Some(letter) = ['x', 'y', 'z'].get(t) {
                        assert!(store.delete_mark(&shared, *letter, now() + 10));
                    }
                    store.save().expect("save");
                })
            })
            .collect();
        for worker in workers {
            worker.join().expect("store finished");
        }
        let store = open(&dir);
        let marks: BTreeMap<char, Place> = store.get(&shared).expect("shared").marks().collect();
        for t in 0..threads {
            let own: BTreeMap<char, Place> = store
                .get(&key(&format!("own{t}"), &format!("/own{t}")))
                .expect("own document")
                .marks()
                .collect();
            for round in 0..5usize {
                let letter = (b'a' + (t * 5 + round) as u8) as char;
                assert_eq!(marks.get(&letter), Some(&place(t, round)), "{letter}");
                assert_eq!(own.get(&letter), Some(&place(t, round)), "{letter}");
            }
        }
        for letter in ['x', 'y', 'z'] {
            assert!(!marks.contains_key(&letter), "{letter} was deleted");
        }
    }

    #[test]
    fn try_save_never_waits_for_the_lock() {
        let dir = TempDir::new("try");
        fs::create_dir_all(&dir.0).expect("dir");
        let holder = lock(&dir.0, Duration::ZERO)
            .expect("lock")
            .expect("flock works here");
        let mut store = open(&dir);
        store.lock_wait = Duration::from_secs(30);
        store.set_mark(&key("h", "/a"), 'a', place(1, 0), 1);
        let started = Instant::now();
        let err = store.try_save().expect_err("lock is held");
        assert!(started.elapsed() < Duration::from_secs(5), "it waited");
        assert_eq!(err, SaveError::Busy(dir.0.join(LOCK_NAME)));
        assert_eq!(
            store.unsaved().as_deref(),
            Some("the place in 1 document, bookmark a")
        );
        drop(holder);
        store.try_save().expect("saved once free");
        assert_eq!(store.unsaved(), None);
    }

    #[test]
    fn a_failed_save_names_the_file_and_what_was_not_saved() {
        let dir = TempDir::new("failed");
        let mut store = open(&dir);
        // A folder in the file's place, made after the store opened: not
        // even root can read or replace it.
        fs::create_dir_all(dir.file().join("inside")).expect("dirs");
        store.set_position(&key("h", "/a"), place(1, 0), 1);
        store.set_position(&key("i", "/b"), place(1, 0), 1);
        store.set_global_mark('B', &key("h", "/a"), place(1, 0), 1);
        let SaveError::Failed(message) = store.save().expect_err("cannot save") else {
            panic!("not a failure");
        };
        assert!(
            message.starts_with("not saved (the place in 2 documents, bookmark B): "),
            "{message}"
        );
        assert!(
            message.contains(&dir.file().display().to_string()),
            "{message}"
        );
        assert!(
            message.ends_with("it is a directory, not a regular file"),
            "{message}"
        );
        assert!(store.unsaved().is_some(), "changes kept for the next try");
    }

    #[test]
    fn a_lock_that_is_a_symbolic_link_is_not_followed() {
        let dir = TempDir::new("lock-link");
        fs::create_dir_all(&dir.0).expect("dir");
        let target = dir.0.join("elsewhere");
        std::os::unix::fs::symlink(&target, dir.0.join(LOCK_NAME)).expect("link");
        let mut store = open(&dir);
        store.set_position(&key("h", "/a"), place(1, 0), 1);
        let SaveError::Failed(message) = store.save().expect_err("refused") else {
            panic!("not a failure");
        };
        assert!(message.contains("symbolic link"), "{message}");
        assert!(!target.exists(), "the link's target was not created");
        assert!(!dir.file().exists());
    }

    #[test]
    fn a_state_file_linked_out_of_the_folder_is_refused_and_one_inside_is_used() {
        let dir = TempDir::new("state-link");
        let outside = TempDir::new("state-link-target");
        fs::create_dir_all(&dir.0).expect("dir");
        fs::create_dir_all(&outside.0).expect("dir");
        let target = outside.0.join("secret");
        fs::write(&target, "version = 1\n").expect("target");
        std::os::unix::fs::symlink(&target, dir.file()).expect("link");
        let (mut store, warning) = Store::open(Some(dir.0.clone()));
        let warning = warning.expect("a warning");
        assert!(
            warning.contains("symbolic link out of the state folder"),
            "{warning}"
        );
        store.set_position(&key("h", "/a"), place(1, 0), 1);
        store.save().expect("saving is off");
        assert_eq!(
            fs::read_to_string(&target).expect("target"),
            "version = 1\n"
        );
        assert!(fs::symlink_metadata(dir.file()).expect("link").is_symlink());

        // A link to a file in the same folder is read like the file.
        fs::remove_file(dir.file()).expect("remove");
        fs::write(dir.0.join("real.toml"), "version = 1\n").expect("real");
        std::os::unix::fs::symlink("real.toml", dir.file()).expect("link");
        let (_, warning) = Store::open(Some(dir.0.clone()));
        assert_eq!(warning, None);
    }

    #[test]
    fn a_read_only_state_file_is_left_as_it_is() {
        let dir = TempDir::new("read-only");
        fs::create_dir_all(&dir.0).expect("dir");
        fs::write(dir.file(), "version = 1\n").expect("file");
        fs::set_permissions(dir.file(), fs::Permissions::from_mode(0o400)).expect("chmod");
        let (mut store, warning) = Store::open(Some(dir.0.clone()));
        let warning = warning.expect("a warning");
        assert!(warning.contains("read-only"), "{warning}");
        store.set_position(&key("h", "/a"), place(1, 0), 1);
        store.save().expect("saving is off");
        let meta = fs::metadata(dir.file()).expect("file");
        assert_eq!(meta.permissions().mode() & 0o777, 0o400, "mode kept");
        assert_eq!(
            fs::read_to_string(dir.file()).expect("file"),
            "version = 1\n"
        );
    }

    #[test]
    fn a_fifo_or_an_endless_device_as_state_file_is_answered_at_once() {
        let dir = TempDir::new("fifo");
        fs::create_dir_all(&dir.0).expect("dir");
        let fifo = std::ffi::CString::new(dir.file().as_os_str().as_encoded_bytes()).expect("path");
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0, "mkfifo");
        let started = Instant::now();
        let (_, warning) = Store::open(Some(dir.0.clone()));
        let warning = warning.expect("a warning");
        assert!(warning.contains("a FIFO"), "{warning}");
        fs::remove_file(dir.file()).expect("remove");
        // A link to /dev/zero is a link out of the folder; the device
        // itself is refused by its type before anything is read.
        std::os::unix::fs::symlink("/dev/zero", dir.file()).expect("link");
        let (_, warning) = Store::open(Some(dir.0.clone()));
        assert!(warning.expect("a warning").contains("symbolic link"));
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
