//! Never losing the reader's place: reading positions and bookmarks kept
//! in the state file, the last document reopened on start, and documents
//! read again from disk with `r` (keeping the place when its text is still
//! there).
//!
//! The state lives in a [`Store`] shared with the code that saves it when
//! the terminal hangs up; every change of position is written into the
//! store's memory as it happens (cheap), and to disk on quit, on a stop
//! signal, on a hang-up and every few seconds while qari is idle.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::reader::Anchor;
use super::{App, Focus, TerminalNote};
use crate::library::text::Text;
use crate::library::{Document, Origin};
use crate::state::{self, Place, SaveError, Store};
use crate::text::sanitize::{ITEM_MAX, quote, quote_path};

/// The state, shared with whoever saves it on a hang-up.
pub type SharedStore = Arc<Mutex<Store>>;

/// How often the state is saved while qari is idle and something changed.
const SAVE_EVERY: Duration = Duration::from_secs(5);

/// How soon a save is tried again while another qari holds the lock.
const BUSY_RETRY: Duration = Duration::from_secs(1);

/// How long the lock may stay held by others before the reader says so.
const BUSY_TOLERATED: Duration = Duration::from_secs(10);

/// A bookmark command waiting for its letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkCommand {
    /// `m`: set a bookmark here.
    Set,
    /// `'`: jump to a bookmark.
    Jump,
    /// `M`: delete a bookmark.
    Delete,
}

/// What the places code keeps in the app.
#[derive(Debug)]
pub struct Places {
    store: SharedStore,
    /// The position last written into the store, to write only changes.
    recorded: Option<(u64, Anchor)>,
    /// When the store was last saved.
    saved_at: Instant,
    /// Something was written into the store since it was saved.
    dirty: bool,
    /// Since when another qari has held the lock, while saves wait for it.
    busy_since: Option<Instant>,
}

impl Places {
    /// Places kept in `store`.
    pub fn new(store: SharedStore) -> Places {
        Places {
            store,
            recorded: None,
            saved_at: Instant::now(),
            dirty: false,
            busy_since: None,
        }
    }
}

/// Locks the store; a panic elsewhere while it was held does not make the
/// state unusable (it is plain data).
pub fn lock(store: &SharedStore) -> MutexGuard<'_, Store> {
    store
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A reading position as a place in the text shown (this session's).
pub(super) fn place(anchor: Anchor) -> Place {
    Place {
        start: anchor.start,
        offset: anchor.offset,
    }
}

/// A place to open a document at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goal {
    /// A place in the text as shown (a jump's, a go-to's).
    Shown(Place),
    /// A place as the state file keeps it (a bookmark's, a reading
    /// position's): see [`stored`].
    Stored(Place),
}

/// How the state file keeps a reading position in `text`. A plain text's
/// is its paragraph's first byte and the offset in it. A structured
/// document's is kept by its source, not by how qari lays it out: the
/// first byte of its block in the text it was parsed from (a book's or an
/// HTML page's: the block's number) and the offset in the block's text;
/// so the start of a long text and the whole give a place the same key,
/// and a place survives a change in how blocks become lines.
pub(super) fn stored(text: &Text, anchor: Anchor) -> Place {
    match text.structure() {
        None => place(anchor),
        Some(content) => {
            let (start, offset) = content.to_source(anchor.start + anchor.offset);
            Place { start, offset }
        }
    }
}

/// The anchor a place given as `goal` is in `text`; `None` when it lies
/// past the start of a text still being read.
pub(super) fn resolve(text: &Text, goal: Goal) -> Option<Anchor> {
    let place = match (goal, text.structure()) {
        (Goal::Shown(place), _) | (Goal::Stored(place), None) => place,
        (Goal::Stored(place), Some(content)) => {
            if text.is_partial() && place.start > content.last_key() {
                return None;
            }
            let at = content.from_source(place.start, place.offset);
            let unit = text.units().at(at).or_else(|| text.units().last())?;
            Place {
                start: unit.start,
                offset: at.saturating_sub(unit.start),
            }
        }
    };
    if text.is_partial() && place.start + place.offset >= text.len() {
        return None;
    }
    Some(anchor(text, place))
}

/// The anchor a stored place gives in `text`: its unit, clamped to the
/// text; a place that no longer starts a unit (the text changed) goes to the
/// start of the unit now there.
pub(super) fn anchor(text: &Text, place: Place) -> Anchor {
    let units = text.units();
    let Some(unit) = units.at(place.start).or_else(|| units.last()) else {
        return Anchor::default();
    };
    if unit.start != place.start {
        return Anchor {
            start: unit.start,
            offset: 0,
            gap: false,
            sub: 0,
        };
    }
    let paragraph = text.unit_text(&unit);
    let len = paragraph.len();
    let mut offset = place.offset.min(len);
    // A stale offset may fall inside a character.
    while offset > 0 && !paragraph.is_char_boundary(offset) {
        offset -= 1;
    }
    Anchor {
        start: unit.start,
        offset,
        // A line starts before its paragraph's end, so a place at the end
        // is the blank row after the paragraph (as `Reader` anchors it).
        gap: len > 0 && offset == len,
        sub: 0,
    }
}

impl App {
    /// Keeps reading positions and bookmarks in `store`, and reopens the
    /// document read last, where it was left. `warning` (about the state
    /// file) goes to the status bar; the `notes` about the terminal that
    /// were not dismissed before show above it.
    pub fn attach_store(
        &mut self,
        store: SharedStore,
        warning: Option<String>,
        notes: Vec<TerminalNote>,
    ) {
        let last = lock(&store).last_open().cloned();
        self.notes = {
            let store = lock(&store);
            notes
                .into_iter()
                .filter(|n| !store.notice_done(n.id))
                .collect()
        };
        self.note = None;
        self.places = Some(Places::new(store));
        self.notice = warning;
        if let Some(last) = last.clone()
            && let Some(doc) = self.find_document(&last)
        {
            // Reopen it from the store, not from this session's memory.
            self.reader = None;
            self.selected = doc;
            self.open(doc);
            self.focus = Focus::Reader;
        } else {
            if let Some(doc) = self.open_document() {
                // The first document opened before the store was there.
                self.reader = None;
                self.open(doc);
            }
            // It may still be found by the scan.
            self.reopen = last;
        }
        self.sync();
    }

    /// The document of the library a stored key names: the one with the
    /// same text, else the one at the same path.
    pub(super) fn find_document(&self, key: &state::DocKey) -> Option<usize> {
        let documents = &self.library.documents;
        documents
            .iter()
            .position(|d| d.key().hash == key.hash)
            .or_else(|| documents.iter().position(|d| d.key().path == key.path))
    }

    /// The bookmarks the store holds for the open document (a–z, by letter)
    /// and for the library (A–Z).
    pub(super) fn stored_marks(&self) -> Vec<(char, state::DocKey, Place)> {
        let (Some(places), Some(doc)) = (self.places.as_ref(), self.open_document()) else {
            return Vec::new();
        };
        let key = self.library.documents[doc].key();
        let store = lock(&places.store);
        let local = store
            .get(&key)
            .map(|entry| entry.marks().collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter()
            .map(|(letter, at)| (letter, key.clone(), at));
        let global = ('A'..='Z').filter_map(|letter| {
            let (key, at) = store.global_mark(letter)?;
            Some((letter, key.clone(), *at))
        });
        local.chain(global).collect()
    }

    /// Where the state says document `index` was left, as it keeps it.
    pub(super) fn stored_place(&self, index: usize) -> Option<Place> {
        let places = self.places.as_ref()?;
        let document = &self.library.documents[index];
        lock(&places.store).get(&document.key()).map(|e| e.position)
    }

    /// Where the state says document `index` (whose text is `text`) was
    /// left, if it knows and the place is in `text`.
    pub(super) fn stored_anchor(&self, index: usize, text: &Text) -> Option<Anchor> {
        resolve(text, Goal::Stored(self.stored_place(index)?))
    }

    /// Writes the reading position into the store when it changed.
    pub(super) fn record_position(&mut self) {
        let Some(reader) = self.reader.as_ref() else {
            return;
        };
        let Some(places) = self.places.as_mut() else {
            return;
        };
        let document = &self.library.documents[reader.doc];
        if document.error.is_some() {
            return;
        }
        let now = (document.hash, reader.anchor);
        if places.recorded == Some(now) {
            return;
        }
        // A document only glanced at in the list, at its start, is not
        // where the reader left off.
        if reader.anchor == Anchor::default() && self.focus != Focus::Reader {
            return;
        }
        let key = document.key();
        let mut store = lock(&places.store);
        let time = state::now();
        store.set_position(&key, stored(&reader.text, reader.anchor), time);
        store.set_last_open(&key, time);
        places.recorded = Some(now);
        places.dirty = true;
    }

    /// Saves the state when something changed and it has been a while (the
    /// event loop calls this when idle); returns an error message once.
    /// Records in the store that a note was dismissed (saved with the
    /// places).
    pub(super) fn remember_dismissed(&mut self, id: &str) {
        if let Some(places) = self.places.as_mut() {
            lock(&places.store).dismiss_notice(id);
            places.dirty = true;
        }
    }

    /// Saves the state when something changed and it has been a while (the
    /// event loop calls this when idle), without ever waiting for another
    /// qari's save: while the lock is held it tries again a second later.
    /// Returns whether the screen changed (a save failed, or works again).
    pub fn save_state_if_due(&mut self) -> bool {
        let Some(places) = self.places.as_mut() else {
            return false;
        };
        let every = if places.busy_since.is_some() {
            BUSY_RETRY
        } else {
            SAVE_EVERY
        };
        if !places.dirty || places.saved_at.elapsed() < every {
            return false;
        }
        let result = lock(&places.store).try_save();
        places.saved_at = Instant::now();
        let problem = match result {
            Ok(()) => {
                places.dirty = false;
                places.busy_since = None;
                None
            }
            Err(SaveError::Busy(held)) => {
                let since = *places.busy_since.get_or_insert_with(Instant::now);
                if since.elapsed() < BUSY_TOLERATED {
                    return false;
                }
                let pending = lock(&places.store).unsaved().unwrap_or_default();
                Some(format!(
                    "not saved yet ({pending}): {} has been held by another qari for over \
                     {} s; trying again every second",
                    quote_path(&held),
                    BUSY_TOLERATED.as_secs()
                ))
            }
            Err(SaveError::Failed(message)) => {
                places.busy_since = None;
                Some(message)
            }
        };
        self.set_save_problem(problem)
    }

    /// Saves the state now, waiting a moment for another qari's save (on
    /// quit); says what was not saved and why when it cannot (the changes
    /// stay in memory for the next try).
    pub fn save_state(&mut self) -> Result<(), String> {
        let Some(places) = self.places.as_mut() else {
            return Ok(());
        };
        let result = lock(&places.store).save();
        places.saved_at = Instant::now();
        places.busy_since = None;
        let message = match result {
            Ok(()) => {
                places.dirty = false;
                None
            }
            Err(SaveError::Busy(held)) => {
                let pending = lock(&places.store).unsaved().unwrap_or_default();
                Some(format!(
                    "not saved ({pending}): {} stayed held by another qari",
                    quote_path(&held)
                ))
            }
            Err(SaveError::Failed(message)) => Some(message),
        };
        self.set_save_problem(message.clone());
        message.map_or(Ok(()), Err)
    }

    /// Sets (`m`), jumps to (`'`) or deletes (`M`) bookmark `letter`: a–z
    /// in the open document, A–Z anywhere in the library.
    pub(super) fn mark(&mut self, command: MarkCommand, letter: char) {
        if !letter.is_ascii_alphabetic() {
            self.notice =
                Some("bookmarks are letters: a–z in a document, A–Z across documents".into());
            return;
        }
        let Some(places) = self.places.as_ref() else {
            return;
        };
        let store = Arc::clone(&places.store);
        let Some(reader) = self.reader.as_ref() else {
            return;
        };
        let doc = reader.doc;
        let here = stored(&reader.text, reader.anchor);
        let key = self.library.documents[doc].key();
        match command {
            MarkCommand::Set => {
                let mut store = lock(&store);
                if letter.is_ascii_lowercase() {
                    store.set_mark(&key, letter, here, state::now());
                } else {
                    store.set_global_mark(letter, &key, here, state::now());
                }
                if let Some(places) = self.places.as_mut() {
                    places.dirty = true;
                }
                self.notice = Some(format!("bookmark {letter} set"));
            }
            MarkCommand::Delete => {
                let time = state::now();
                let deleted = {
                    let mut store = lock(&store);
                    if letter.is_ascii_lowercase() {
                        store.delete_mark(&key, letter, time)
                    } else {
                        store.delete_global_mark(letter, time)
                    }
                };
                if deleted {
                    if let Some(places) = self.places.as_mut() {
                        places.dirty = true;
                    }
                    self.notice = Some(format!("bookmark {letter} deleted"));
                } else if letter.is_ascii_lowercase() {
                    self.notice = Some(format!("no bookmark {letter} in this document"));
                } else {
                    self.notice = Some(format!("no bookmark {letter}"));
                }
            }
            MarkCommand::Jump if letter.is_ascii_lowercase() => {
                let target = lock(&store).get(&key).and_then(|entry| entry.mark(letter));
                match target {
                    Some(target) => self.jump(|app| app.go_to(doc, Goal::Stored(target))),
                    None => self.notice = Some(format!("no bookmark {letter} in this document")),
                }
            }
            MarkCommand::Jump => {
                let target = lock(&store).global_mark(letter).cloned();
                let Some((key, target)) = target else {
                    self.notice = Some(format!("no bookmark {letter}"));
                    return;
                };
                match self.find_document(&key) {
                    Some(doc) => self.jump(|app| app.go_to(doc, Goal::Stored(target))),
                    None => {
                        self.notice = Some(format!(
                            "bookmark {letter} is in a document not open here: {}",
                            quote(&key.path, ITEM_MAX)
                        ));
                    }
                }
            }
        }
    }

    /// Opens document `doc` (listing everything if a filter hides it) at `target`.
    pub(super) fn go_to(&mut self, doc: usize, target: Goal) {
        self.reveal_in_list(doc);
        self.selected = doc;
        self.open(doc);
        let shown = self.reader.as_mut().filter(|r| r.doc == doc);
        let at = shown.as_ref().and_then(|r| resolve(&r.text, target));
        match (at, shown) {
            (Some(at), Some(reader)) => reader.anchor = at,
            // Put there when its (whole) text has been read.
            _ => self.pending_place = Some((doc, target)),
        }
        self.focus = Focus::Reader;
    }

    /// Reads the open document again from its file (`r`). The reader stays
    /// on the same text when it is still there; a file that is gone or no
    /// longer text keeps showing what was read, and says so.
    pub(super) fn reload(&mut self) {
        let Some(doc) = self.open_document() else {
            return;
        };
        let old = Arc::clone(&self.library.documents[doc]);
        let Origin::File(path) = &old.origin else {
            self.notice = Some("this document has no file to read again".into());
            return;
        };
        let loaded = Document::load(old.name.clone(), path, self.library.forced);
        let new = match loaded {
            Ok(Some(new)) => new,
            Ok(None) => {
                return self.not_read_again(
                    doc,
                    "the file is no longer text; showing it as it was".into(),
                );
            }
            Err(error) if old.error.is_some() => {
                return self.not_read_again(doc, format!("still cannot read it: {error}"));
            }
            Err(error) => {
                return self.not_read_again(
                    doc,
                    format!("the file is gone ({error}); showing it as it was"),
                );
            }
        };
        let new_text = match new.text(self.library.forced) {
            Ok(text) => text,
            Err(error) => {
                return self.not_read_again(
                    doc,
                    format!("cannot read it again ({error}); showing it as it was"),
                );
            }
        };
        // What the old text was is known from the file's stamp (a mapped
        // text shows a file changed in place at once) and from the copy of
        // the top paragraph the reader keeps.
        let unchanged = old.error.is_none() && old.stamp.is_some() && old.stamp == new.stamp;
        let before = self.reader.as_ref().map(|r| r.anchor).unwrap_or_default();
        let top = self.reader.as_ref().and_then(|r| r.top_text().cloned());
        let (after, kept) = carry_anchor(top.as_ref(), &new_text, before);
        self.library.replace(doc, new);
        self.answered_change = None;
        self.texts.forget(doc);
        self.texts.put(doc, Arc::clone(&new_text));
        new_text.index_in_background();
        self.document_changed(doc);
        self.positions.insert(doc, after);
        if let Some(reader) = self.reader.as_mut() {
            reader.anchor = after;
        }
        self.notice = Some(if unchanged {
            "unchanged".into()
        } else if kept {
            "read again; your place is kept".into()
        } else {
            "read again; the text at your place changed".into()
        });
    }

    /// Says why `r` could not read document `doc` again, and remembers the
    /// file as it is now: its change is not announced again until it
    /// changes once more.
    fn not_read_again(&mut self, doc: usize, notice: String) {
        let stamp = self.library.documents[doc].stamp_on_disk();
        self.answered_change = Some((doc, stamp));
        self.notice = Some(notice);
    }

    /// Notices when the open document's file changed on disk (the event
    /// loop calls this now and then while idle); returns whether the status
    /// bar changed. A change `r` already answered (the file is gone, or no
    /// longer text) is not announced again until the file changes anew.
    pub fn check_open_file(&mut self) -> bool {
        let Some(doc) = self.open_document() else {
            return false;
        };
        let document = &self.library.documents[doc];
        if document.changed_on_disk() != Some(true) {
            return false;
        }
        if let Some(answered) = self.answered_change {
            if answered == (doc, document.stamp_on_disk()) {
                return false;
            }
            self.answered_change = None;
        }
        let message = "the file changed on disk: r reads it again";
        if self.notice.as_deref() == Some(message) {
            return false;
        }
        self.notice = Some(message.into());
        true
    }
}

/// Where `anchor` is in `new`, given `top`, the start and text of the
/// paragraph it was in: the same paragraph text where a unit of `new`
/// starts, the occurrence nearest its old place, at the same offset; else
/// the unit now at the old byte position. Returns whether the text was
/// found.
pub fn carry_anchor(top: Option<&(usize, String)>, new: &Text, anchor: Anchor) -> (Anchor, bool) {
    let new_units = new.units();
    let at_old_place = || {
        let unit = new_units.at(anchor.start).or_else(|| new_units.last());
        let start = unit.map_or(0, |u| u.start);
        (
            Anchor {
                start,
                offset: 0,
                gap: false,
                sub: 0,
            },
            false,
        )
    };
    let Some((_, paragraph)) = top.filter(|(start, _)| *start == anchor.start) else {
        return at_old_place();
    };
    let needle = paragraph.as_bytes();
    let found = memchr::memmem::find_iter(new.bytes(), needle)
        .filter(|&at| {
            new_units
                .at(at)
                .is_some_and(|u| u.start == at && u.end - u.start == needle.len())
        })
        .min_by_key(|&at| at.abs_diff(anchor.start));
    match found {
        Some(start) => (Anchor { start, ..anchor }, true),
        None => at_old_place(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::UTF_8;

    fn text(s: &str) -> Text {
        Text::from_string(s.to_string(), UTF_8, false)
    }

    #[test]
    fn the_anchor_follows_its_paragraph_when_text_moves() {
        let old = text("أ\nب\nج الفقرة الثالثة\nد\n");
        let new = text("جديد\nأ\nب\nج الفقرة الثالثة\nد\n");
        let at = Anchor {
            start: old.as_str().find('ج').expect("in the text"),
            offset: 3,
            gap: false,
            sub: 0,
        };
        let top = (at.start, "ج الفقرة الثالثة".to_string());
        let (moved, kept) = carry_anchor(Some(&top), &new, at);
        assert!(kept);
        assert_eq!(moved.start, new.as_str().find("ج ال").expect("in the text"));
        assert_eq!(moved.offset, 3);
    }

    #[test]
    fn a_changed_paragraph_falls_back_to_the_byte_position() {
        let new = text("one\ntwo\nTHREE changed\nfour\n");
        let at = Anchor {
            start: 8,
            offset: 2,
            gap: false,
            sub: 0,
        };
        let top = (8, "three".to_string());
        let (moved, kept) = carry_anchor(Some(&top), &new, at);
        assert!(!kept);
        assert_eq!((moved.start, moved.offset), (8, 0));
        let (moved, _) = carry_anchor(Some(&top), &text(""), at);
        assert_eq!(moved, Anchor::default());
    }

    #[test]
    fn stored_places_are_clamped_to_the_text() {
        let t = text("سطر\nآخر\n");
        let second = "سطر\n".len();
        let a = anchor(
            &t,
            Place {
                start: second,
                offset: 99,
            },
        );
        assert_eq!((a.start, a.offset, a.gap), (second, "آخر".len(), true));
        // An offset inside a two-byte letter moves to its start.
        let a = anchor(
            &t,
            Place {
                start: 0,
                offset: 1,
            },
        );
        assert_eq!(a.offset, 0);
        // A place past the end goes to the last paragraph; one inside a
        // paragraph, to that paragraph's start.
        let a = anchor(
            &t,
            Place {
                start: 999,
                offset: 0,
            },
        );
        assert_eq!(a.start, second);
        let a = anchor(
            &t,
            Place {
                start: 2,
                offset: 0,
            },
        );
        assert_eq!((a.start, a.offset), (0, 0));
    }
}
