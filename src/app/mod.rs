//! Application state and its one way of changing: `App::update(Action)`.
//!
//! Nothing here touches the terminal. Key events become actions through the
//! table in [`keymap`]; after every change, [`App::sync`] lays out what the
//! screen will show (reading-pane rows, list titles, status figures), so
//! drawing is a pure read of this state.

pub mod action;
pub mod geometry;
pub mod keymap;
pub mod places;
pub mod reader;
pub mod texts;

use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use crate::library::Library;
use crate::library::loader::{Loaded, Loader, slow_to_read};
use crate::library::scan::Scanner;
use crate::library::text::Text;
use crate::search::document::{DocFound, DocHit, DocSearcher};
use crate::search::filter::{Candidate, Field, FilterWorker, Hit, Response};
use crate::search::library::{Found, LibrarySearcher, SearchHit, word_ranges};
use crate::text::sanitize::one_line;
use crate::text::{BaseDirection, Direction, Layout, LayoutOptions};
use action::Action;
use geometry::Panes;
use keymap::Context;
use places::{MarkCommand, Places};
use reader::{Anchor, Reader, Row};

/// A note about the terminal: a setting of its own that would make Arabic
/// read better, or a choice qari made for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TerminalNote {
    /// A stable name: a dismissed note is not shown again.
    pub id: &'static str,
    /// The note, one or two sentences without a final full stop.
    pub text: &'static str,
}

/// Which pane has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// The document list.
    List,
    /// The reading pane.
    Reader,
}

/// What the status bar reports about the reading position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    /// How far through the document the top line is, 0–100 (100 at the end).
    pub percent: u8,
    /// The top paragraph, counted from 1.
    pub paragraph: usize,
    /// Paragraphs in the document.
    pub paragraphs: usize,
    /// Whether the paragraph numbers are counted (the document's index is
    /// built) or estimated from the byte offset.
    pub exact: bool,
}

/// The fuzzy filter over the document list.
#[derive(Debug, Default)]
pub struct ListFilter {
    /// The query as typed.
    pub query: String,
    /// The filter bar has the keyboard.
    pub editing: bool,
    /// Matching documents, best first; `None` while every document shows.
    pub hits: Option<Arc<Vec<Hit>>>,
    /// The folded query the hits answer (their marks are found with it).
    matched: String,
    /// Generation of the answer shown.
    applied: u64,
}

/// The search inside the open document.
#[derive(Debug, Default)]
pub struct DocSearch {
    /// The query as typed.
    pub query: String,
    /// The search bar has the keyboard.
    pub editing: bool,
    /// Every hit found so far in the open document, in order.
    pub hits: Vec<DocHit>,
    /// The hit last jumped to.
    pub current: Option<usize>,
    /// The search has gone through the whole document.
    pub done: bool,
    /// Make the first hit at or after this place (unit start, offset) the
    /// current one when it arrives.
    jump_from: Option<(usize, usize)>,
    /// And scroll to it.
    reveal: bool,
    generation: u64,
    searcher: Option<DocSearcher>,
}

/// Full-text search across the library.
#[derive(Debug, Default)]
pub struct LibrarySearch {
    /// The results view is open (its bar has the keyboard).
    pub open: bool,
    /// The query as typed.
    pub query: String,
    /// Paragraphs holding every word, in library order, as they stream in.
    pub hits: Vec<SearchHit>,
    /// The selected result.
    pub selected: usize,
    /// The first result shown.
    pub offset: usize,
    /// The search for the current query has finished.
    pub done: bool,
    generation: u64,
}

/// A result row laid out for the results view.
#[derive(Debug, Clone)]
pub struct ResultRow {
    /// Index into the hits.
    pub hit: usize,
    /// The document's title.
    pub title: Rc<Layout>,
    /// Part of the paragraph around the first matched word.
    pub snippet: Rc<Layout>,
    /// Matched words, as byte ranges of the snippet's text.
    pub marks: Vec<Range<usize>>,
}

/// Which input bar shows above the status bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bar {
    /// The list filter.
    Filter,
    /// The document search.
    Search,
    /// The library search.
    Library,
}

/// Matched characters of a list row, as original byte ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListMarks {
    /// In the title.
    pub title: Vec<Range<usize>>,
    /// In the file name.
    pub name: Vec<Range<usize>>,
}

/// A document's row in the list, laid out for the list's width.
#[derive(Debug, Clone)]
pub struct ListEntry {
    /// The title, laid out one cell narrower than its area (room for `…`).
    pub title: Rc<Layout>,
    /// The file name (or its end, see [`short_name`]).
    pub name: Rc<Layout>,
    /// Bytes of the path left out at the front of `name`.
    pub name_cut: usize,
}

/// The whole state of the reader.
#[derive(Debug)]
pub struct App {
    /// The documents.
    pub library: Library,
    /// Which pane has the keyboard.
    pub focus: Focus,
    /// The selected document in the list.
    pub selected: usize,
    /// The first document shown in the list pane.
    pub list_offset: usize,
    /// The help overlay is open.
    pub help: bool,
    /// Rows the help overlay is scrolled by (when it does not fit).
    pub help_scroll: usize,
    /// qari should exit.
    pub quit: bool,
    /// qari should suspend (the event loop does it, and clears this).
    pub suspend: bool,
    /// The list pane sits on the right (right-to-left screen).
    pub list_right: bool,
    /// Only one pane at a time, whatever the width (the terminal reorders
    /// rows itself).
    pub one_pane: bool,
    /// The screen size.
    pub area: Rect,
    /// Where each pane is.
    pub panes: Panes,
    /// Reading-pane rows, top to bottom, laid out by the last `sync`.
    pub rows: Vec<Row>,
    /// The reading position, as of the last `sync`.
    pub position: Position,
    /// The open document's title as the status bar shows it.
    pub status_title: Option<Rc<Layout>>,
    /// Laid-out titles and names of the documents visible in the list.
    pub titles: HashMap<usize, ListEntry>,
    /// The documents the list shows, in order (all, or the filter's hits).
    pub list: Vec<usize>,
    /// Matched characters of the visible list rows.
    pub marks: HashMap<usize, ListMarks>,
    /// The list filter.
    pub filter: ListFilter,
    /// The search in the open document.
    pub search: DocSearch,
    /// The bar shown above the status bar, and its text laid out.
    pub bar: Option<(Bar, Rc<Layout>)>,
    /// Full-text search across the library.
    pub library_search: LibrarySearch,
    /// The visible rows of the library search results.
    pub results: Vec<ResultRow>,
    /// The colours and attributes the screen is drawn with.
    pub theme: crate::ui::theme::Theme,
    /// A message for the status bar until the next key (a warning, a hint,
    /// what a command did).
    pub notice: Option<String>,
    /// Notes about the terminal (a setting to change, a choice qari made
    /// for it), shown one at a time above the status bar until dismissed.
    pub notes: Vec<TerminalNote>,
    /// The first note, laid out for the screen's width.
    pub note: Option<Rc<Layout>>,
    /// A bookmark command waiting for its letter.
    pub pending_mark: Option<MarkCommand>,
    /// Why the reading state could not be saved, until a save works.
    pub save_problem: Option<String>,
    /// `x` hid the save problem shown now.
    pub save_problem_hidden: bool,
    places: Option<Places>,
    searcher: Option<LibrarySearcher>,
    /// Documents the library search index was built over.
    searcher_documents: usize,
    /// The scan still adding documents, if any.
    scanner: Option<Scanner>,
    /// The screen layout the person asked for (`None`: by the documents).
    layout_forced: Option<bool>,
    /// The document to reopen once the scan finds it.
    reopen: Option<crate::state::DocKey>,
    texts: texts::Texts,
    /// Reads large texts that have to be decoded, off the event loop.
    loader: Option<Loader>,
    /// The document the reading pane waits for while its text is read, and
    /// the loader's number for the request.
    loading: Option<(usize, u64)>,
    /// Where to put the reader in the document being read, once it is
    /// there (a bookmark in it was jumped to).
    pending_place: Option<(usize, crate::state::Place)>,
    /// Why the open document's text could not be read, if it could not.
    pub open_error: Option<String>,
    candidates: Arc<Vec<Candidate>>,
    worker: Option<FilterWorker>,
    reader: Option<Reader>,
    status_doc: Option<usize>,
    positions: HashMap<usize, Anchor>,
    options: LayoutOptions,
    title_width: usize,
}

/// Cells before a bar's text: "Filter: " or "Search: ".
pub const BAR_PROMPT_WIDTH: u16 = 8;

/// Rows the mouse wheel scrolls at a time.
const WHEEL_ROWS: isize = 3;

impl App {
    /// Creates the reader over a library. `list_right` forces the mirrored
    /// screen on or off; by default it follows the documents' direction.
    pub fn new(library: Library, list_right: Option<bool>, options: LayoutOptions) -> App {
        let layout_forced = list_right;
        let list_right = list_right.unwrap_or_else(|| library.mostly_rtl());
        let candidates = library
            .documents
            .iter()
            .map(|d| Candidate::new(&d.title, &d.name))
            .collect();
        let list = (0..library.documents.len()).collect();
        let mut app = App {
            library,
            focus: Focus::List,
            selected: 0,
            list_offset: 0,
            help: false,
            help_scroll: 0,
            quit: false,
            suspend: false,
            list_right,
            one_pane: false,
            area: Rect::default(),
            panes: Panes::default(),
            rows: Vec::new(),
            position: Position::default(),
            titles: HashMap::new(),
            list,
            marks: HashMap::new(),
            filter: ListFilter::default(),
            search: DocSearch::default(),
            bar: None,
            library_search: LibrarySearch::default(),
            results: Vec::new(),
            theme: crate::ui::theme::Theme::default(),
            texts: texts::Texts::default(),
            loader: None,
            loading: None,
            pending_place: None,
            open_error: None,
            notice: None,
            notes: Vec::new(),
            note: None,
            pending_mark: None,
            save_problem: None,
            save_problem_hidden: false,
            places: None,
            searcher: None,
            candidates: Arc::new(candidates),
            worker: None,
            status_title: None,
            reader: None,
            status_doc: None,
            positions: HashMap::new(),
            options,
            title_width: 0,
            scanner: None,
            layout_forced,
            reopen: None,
            searcher_documents: 0,
        };
        app.open_now(0);
        app
    }

    /// Takes in the documents a background scan finds, as it finds them.
    pub fn attach_scanner(&mut self, scanner: Scanner) {
        self.scanner = Some(scanner);
        self.take_scanned();
    }

    /// Whether a scan of the paths is still going on, and how many files it
    /// has found.
    pub fn scanning(&self) -> Option<usize> {
        self.scanner
            .as_ref()
            .filter(|s| !s.is_done())
            .map(Scanner::seen)
    }

    /// Adds what the scan has found since the last call; returns whether
    /// anything changed.
    fn take_scanned(&mut self) -> bool {
        let Some(scanner) = self.scanner.as_mut() else {
            return false;
        };
        let found = scanner.take();
        let done = scanner.is_done();
        if done {
            self.scanner = None;
            crate::work::release_freed_memory();
        }
        if found.is_empty() {
            return done;
        }
        let was_empty = self.library.documents.is_empty();
        let first_new = self.library.documents.len();
        let candidates = self.library.add_found(found);
        Arc::make_mut(&mut self.candidates).extend(candidates);
        let count = self.library.documents.len();
        if self.filter.hits.is_none() {
            self.list.extend(first_new..count);
        } else if let Some(worker) = &mut self.worker {
            // The filtered list takes the new documents in on the next answer.
            worker.set_candidates(Arc::clone(&self.candidates));
            worker.request(&self.filter.query);
        }
        if was_empty {
            // The screen's mirroring follows the documents found first.
            if self.layout_forced.is_none() {
                self.list_right = self.library.mostly_rtl();
            }
            if self.reader.is_none() {
                self.selected = self.list.first().copied().unwrap_or(0);
                self.open(self.selected);
            }
        }
        if let Some(key) = self.reopen.clone()
            && let Some(doc) = (first_new..count).find(|&d| {
                let document = &self.library.documents[d];
                document.key().hash == key.hash || document.place_key() == key.path
            })
        {
            self.reopen = None;
            self.reader = None;
            self.selected = doc;
            self.open(doc);
            self.focus = Focus::Reader;
        }
        self.sync();
        true
    }

    /// The binding context keys are looked up in.
    pub fn context(&self) -> Context {
        if self.help {
            Context::Help
        } else if self.pending_mark.is_some() {
            Context::Mark
        } else if self.library_search.open {
            Context::Library
        } else if self.search.editing {
            Context::Search
        } else if self.filter.editing {
            Context::Filter
        } else {
            match self.focus {
                Focus::List => Context::List,
                Focus::Reader => Context::Reader,
            }
        }
    }

    /// Whether an answer from the filter thread is still to come.
    pub fn pending(&self) -> bool {
        let filtering = self
            .worker
            .as_ref()
            .is_some_and(|w| w.generation() > self.filter.applied);
        let searching = self.library_search.open
            && !self.library_search.done
            && !self.library_search.query.trim().is_empty();
        let searching_document = self.search.searcher.is_some() && !self.search.done;
        filtering
            || searching
            || searching_document
            || self.scanner.is_some()
            || self.loading.is_some()
    }

    /// The document whose text is being read for the reading pane, if any.
    pub fn loading(&self) -> Option<usize> {
        self.loading.map(|(doc, _)| doc)
    }

    /// Takes in texts read in the background; opens the one the reading
    /// pane waits for. Returns whether anything changed.
    fn take_loaded(&mut self) -> bool {
        let loaded = self.loader.as_ref().map(Loader::take).unwrap_or_default();
        let mut changed = false;
        for answer in loaded {
            changed |= self.take_text(answer);
        }
        changed
    }

    /// Takes in one text read in the background: the one the reading pane
    /// waits for is kept and opened; any other answers an older request
    /// and is dropped. Returns whether it was the one.
    fn take_text(&mut self, (id, result): Loaded) -> bool {
        let Some((doc, asked)) = self.loading else {
            return false;
        };
        if id != asked {
            return false;
        }
        if let Ok(text) = result {
            text.index_in_background();
            self.texts.put(doc, text);
        }
        // From the texts kept now (or, for an error, read again to say why).
        self.open_now(doc);
        if let Some((at, place)) = self.pending_place.take()
            && at == doc
            && let Some(reader) = self.reader.as_mut().filter(|r| r.doc == doc)
        {
            reader.anchor = places::anchor(&reader.text, place);
        }
        self.sync();
        true
    }

    /// Waits until the text the reading pane waits for has been read (for
    /// tests and scripted use; the event loop polls instead).
    pub fn settle_loading(&mut self) {
        while self.loading.is_some() {
            let Some(answer) = self
                .loader
                .as_ref()
                .and_then(|l| l.wait(Duration::from_secs(30)))
            else {
                return;
            };
            self.take_text(answer);
        }
    }

    /// Takes in what background work has produced; returns whether the
    /// screen changed.
    pub fn poll_background(&mut self) -> bool {
        let scanned = self.take_scanned() | self.take_loaded();
        let response = self.worker.as_ref().and_then(FilterWorker::try_latest);
        let mut changed = scanned;
        changed |= match response {
            Some(response) if response.generation > self.filter.applied => {
                self.apply_filter(response);
                true
            }
            _ => false,
        };
        let found = self
            .searcher
            .as_ref()
            .map(LibrarySearcher::drain)
            .unwrap_or_default();
        if !found.is_empty() {
            changed |= self.take_found(found);
            self.sync();
        }
        let found = self
            .search
            .searcher
            .as_ref()
            .map(DocSearcher::drain)
            .unwrap_or_default();
        if !found.is_empty() {
            changed |= self.take_doc_hits(found);
            self.sync();
        }
        // The open document's index is done: the place is counted now.
        let indexed = self.open_text().is_some_and(|t| t.index().is_some());
        if indexed && !self.position.exact {
            self.sync();
            changed = true;
        }
        if crate::library::mapped::truncated() {
            self.notice = Some("the file changed on disk: r reads it again".into());
            changed = true;
        }
        changed
    }

    /// Adds streamed hits of the current document search; returns whether
    /// anything changed. The first hit at or after where the search started
    /// is jumped to as soon as it arrives.
    fn take_doc_hits(&mut self, found: Vec<DocFound>) -> bool {
        let mut changed = false;
        for message in found {
            match message {
                DocFound::Hits(generation, hits) if generation == self.search.generation => {
                    self.search.hits.extend(hits);
                    changed = true;
                }
                DocFound::Done(generation) if generation == self.search.generation => {
                    self.search.done = true;
                    changed = true;
                }
                _ => {}
            }
        }
        if let Some(from) = self.search.jump_from {
            let at = self
                .search
                .hits
                .iter()
                .position(|h| (h.start, h.range.start) >= from);
            let at = at.or((self.search.done && !self.search.hits.is_empty()).then_some(0));
            if let Some(at) = at {
                // Nothing after the place: the first hit.
                self.search.current = Some(at);
                self.search.jump_from = None;
                if self.search.reveal {
                    self.reveal_current();
                }
            } else if self.search.done {
                self.search.jump_from = None;
            }
        }
        changed
    }

    /// Waits until the running document search has finished (for tests).
    pub fn settle_document_search(&mut self) {
        while !self.search.done {
            let message = self
                .search
                .searcher
                .as_ref()
                .and_then(|s| s.wait(Duration::from_secs(10)));
            match message {
                Some(message) => {
                    self.take_doc_hits(vec![message]);
                }
                None => break,
            }
        }
        self.sync();
    }

    /// Adds streamed library results of the current search; returns
    /// whether anything changed.
    fn take_found(&mut self, found: Vec<Found>) -> bool {
        let mut changed = false;
        for message in found {
            match message {
                Found::Hits(generation, hits) if generation == self.library_search.generation => {
                    self.library_search.hits.extend(hits);
                    changed = true;
                }
                Found::Done(generation) if generation == self.library_search.generation => {
                    self.library_search.done = true;
                    changed = true;
                }
                _ => {}
            }
        }
        changed
    }

    fn request_library_search(&mut self) {
        let search = &mut self.library_search;
        search.hits.clear();
        search.selected = 0;
        search.offset = 0;
        search.done = search.query.trim().is_empty();
        if search.done {
            return;
        }
        let documents = Arc::clone(&self.library.documents);
        let forced = self.library.forced;
        // An index built before the scan found more documents is built again.
        if self.searcher_documents != documents.len() {
            self.searcher = None;
            self.searcher_documents = documents.len();
        }
        let searcher = self
            .searcher
            .get_or_insert_with(|| LibrarySearcher::spawn(documents, forced));
        self.library_search.generation = searcher.request(&self.library_search.query);
    }

    /// Opens the selected library result: its document, at its paragraph,
    /// with the query's longest word searched and marked.
    fn open_result(&mut self) {
        let Some(&hit) = self.library_search.hits.get(self.library_search.selected) else {
            return;
        };
        let word = crate::text::fold::fold_query(&self.library_search.query)
            .split_whitespace()
            .max_by_key(|w| w.len())
            .map(str::to_string)
            .unwrap_or_default();
        self.library_search.open = false;
        if !self.list.contains(&hit.doc) {
            self.filter.query.clear();
            self.filter.editing = false;
            self.list = (0..self.library.documents.len()).collect();
            self.filter.hits = None;
        }
        self.selected = hit.doc;
        let at = Anchor {
            start: hit.start,
            offset: 0,
            gap: false,
        };
        self.positions.insert(hit.doc, at);
        if let Some(reader) = self.reader.as_mut().filter(|r| r.doc == hit.doc) {
            reader.anchor = at;
        }
        self.open(hit.doc);
        self.focus = Focus::Reader;
        self.search.query = word;
        self.run_search((hit.start, 0), false);
    }

    /// Waits until the running library search has finished (for tests).
    pub fn settle_search(&mut self) {
        while self.pending() && self.library_search.open {
            let message = self
                .searcher
                .as_ref()
                .and_then(|s| s.wait(Duration::from_secs(10)));
            match message {
                Some(message) => {
                    self.take_found(vec![message]);
                }
                None => break,
            }
        }
        self.sync();
    }

    /// Waits until the filter thread has answered the newest query (for
    /// tests and scripted use; the event loop polls instead).
    pub fn settle(&mut self) {
        // Only an unanswered query is waited for (not a scan or a search).
        let unanswered = self
            .worker
            .as_ref()
            .filter(|w| w.generation() > self.filter.applied);
        let response = unanswered.and_then(|w| w.wait_latest(Duration::from_secs(10)));
        if let Some(response) = response {
            self.apply_filter(response);
        }
    }

    fn apply_filter(&mut self, response: Response) {
        self.filter.applied = response.generation;
        self.list = match &response.hits {
            Some(hits) => hits.iter().map(|h| h.doc).collect(),
            None => (0..self.library.documents.len()).collect(),
        };
        self.filter.hits = response.hits;
        self.filter.matched = response.folded;
        // The selection stays on its document while it is listed.
        if !self.list.contains(&self.selected)
            && let Some(&first) = self.list.first()
        {
            self.selected = first;
            self.open(first);
        }
        self.list_offset = 0;
        self.sync();
    }

    fn request_filter(&mut self) {
        let candidates = Arc::clone(&self.candidates);
        let worker = self
            .worker
            .get_or_insert_with(|| FilterWorker::spawn(candidates));
        worker.request(&self.filter.query);
    }

    fn position_in_list(&self) -> Option<usize> {
        self.list.iter().position(|&d| d == self.selected)
    }

    /// The open document's index, if any.
    pub fn open_document(&self) -> Option<usize> {
        self.reader.as_ref().map(|r| r.doc)
    }

    /// The open document's text.
    pub fn open_text(&self) -> Option<&Text> {
        self.reader.as_ref().map(|r| r.text.as_ref())
    }

    /// The reading position of the open document.
    pub fn anchor(&self) -> Option<Anchor> {
        self.reader.as_ref().map(|r| r.anchor)
    }

    /// Handles a key press; returns whether it meant anything.
    pub fn handle_key(&mut self, event: &KeyEvent) -> bool {
        match keymap::action_for(self.context(), event) {
            Some(action) => {
                self.update(action);
                true
            }
            None => false,
        }
    }

    /// The terminal changed size.
    pub fn resize(&mut self, width: u16, height: u16) {
        self.area = Rect::new(0, 0, width, height);
        self.sync();
    }

    /// Mouse wheel at a screen cell: scrolls the pane under it.
    pub fn wheel(&mut self, column: u16, row: u16, down: bool) {
        let at = ratatui::layout::Position::new(column, row);
        if self.panes.reader.is_some_and(|r| r.contains(at)) {
            let delta = if down { WHEEL_ROWS } else { -WHEEL_ROWS };
            self.scroll(delta);
        } else if self.panes.list.is_some_and(|r| r.contains(at)) {
            self.update(if down {
                Action::SelectNext
            } else {
                Action::SelectPrevious
            });
            return;
        }
        self.sync();
    }

    fn text_height(&self) -> usize {
        self.panes.text.map_or(1, |t| usize::from(t.height)).max(1)
    }

    fn scroll(&mut self, delta: isize) {
        let height = self.text_height();
        if let Some(reader) = self.reader.as_mut() {
            reader.scroll(delta, height);
        }
    }

    /// Document `index`'s text: kept from before, or read now (a large file
    /// then starts its index in the background).
    fn text_of(&mut self, index: usize) -> Result<Arc<Text>, String> {
        if let Some(text) = self.texts.get(index) {
            return Ok(text);
        }
        let text = self.library.documents[index].text(self.library.forced)?;
        text.index_in_background();
        self.texts.put(index, Arc::clone(&text));
        Ok(text)
    }

    /// Opens document `index` in the reading pane, where it was last left
    /// (in this session, else as the state remembers it). A large text that
    /// has to be decoded is read in the background: the pane says so until
    /// it is there, and the rest of the screen keeps working.
    fn open(&mut self, index: usize) {
        self.open_with(index, true);
    }

    /// Opens document `index` now, reading its text on this thread if it
    /// must (for callers that move in it right after).
    fn open_now(&mut self, index: usize) {
        self.open_with(index, false);
    }

    fn open_with(&mut self, index: usize, in_background: bool) {
        if index >= self.library.documents.len() {
            return;
        }
        if self.reader.as_ref().is_some_and(|r| r.doc == index) {
            return;
        }
        if in_background && self.loading() == Some(index) {
            return;
        }
        if let Some(old) = self.reader.take() {
            self.positions.insert(old.doc, old.anchor);
        }
        // Hits belong to the document they were found in.
        self.search.hits.clear();
        self.search.current = None;
        self.loading = None;
        if self.pending_place.is_some_and(|(doc, _)| doc != index) {
            self.pending_place = None;
        }
        let forced = self.library.forced;
        let document = &self.library.documents[index];
        if in_background && !self.texts.contains(index) && slow_to_read(document, forced) {
            let document = Arc::clone(document);
            if self.loader.is_none() {
                self.loader = Loader::spawn(forced);
            }
            if let Some(loader) = &mut self.loader {
                let id = loader.request(document);
                self.loading = Some((index, id));
                self.open_error = None;
                return;
            }
        }
        let text = match self.text_of(index) {
            Ok(text) => {
                self.open_error = None;
                text
            }
            Err(error) => {
                self.open_error = Some(error);
                Arc::new(Text::from_string(String::new(), encoding_rs::UTF_8, false))
            }
        };
        let anchor = self
            .positions
            .get(&index)
            .copied()
            .or_else(|| self.stored_anchor(index, &text))
            .unwrap_or_default();
        let options = LayoutOptions {
            width: self
                .panes
                .text
                .map_or(self.options.width, |t| usize::from(t.width)),
            fallback: self.library.documents[index].direction,
            ..self.options
        };
        self.reader = Some(Reader::new(index, text, anchor, options));
        if !self.search.query.is_empty() {
            self.run_search((anchor.start, anchor.offset), false);
        }
    }

    /// Selects the document at `position` of the list (clamped) and shows it.
    fn select(&mut self, position: usize) {
        let Some(&doc) = self
            .list
            .get(position.min(self.list.len().saturating_sub(1)))
        else {
            return;
        };
        self.selected = doc;
        self.open(doc);
    }

    /// Moves the selection by `delta` rows of the list.
    fn select_by(&mut self, delta: isize) {
        let at = self.position_in_list().unwrap_or(0);
        self.select(at.saturating_add_signed(delta));
    }

    /// Edits the open bar's text.
    fn edit(&mut self, edit: impl FnOnce(&mut String)) {
        if self.library_search.open {
            edit(&mut self.library_search.query);
            self.request_library_search();
        } else if self.search.editing {
            edit(&mut self.search.query);
            let from = self.anchor().map_or((0, 0), |a| (a.start, a.offset));
            self.run_search(from, true);
        } else if self.filter.editing {
            edit(&mut self.filter.query);
            self.request_filter();
        }
    }

    /// Starts searching the open document for the search query (on the
    /// search thread; hits stream in). The current hit becomes the first at
    /// or after `from` (unit start, offset) as soon as it arrives, and with
    /// `reveal` the pane scrolls to it.
    fn run_search(&mut self, from: (usize, usize), reveal: bool) {
        let Some(text) = self.reader.as_ref().map(|r| Arc::clone(&r.text)) else {
            return;
        };
        let search = &mut self.search;
        search.hits.clear();
        search.current = None;
        search.done = search.query.trim().is_empty();
        search.jump_from = None;
        if search.done {
            if let Some(searcher) = &search.searcher {
                searcher.cancel();
            }
            return;
        }
        search.jump_from = Some(from);
        search.reveal = reveal;
        let searcher = search.searcher.get_or_insert_with(DocSearcher::spawn);
        search.generation = searcher.request(text, &search.query);
    }

    fn reveal_current(&mut self) {
        let height = self.text_height();
        let hit = self
            .search
            .current
            .and_then(|i| self.search.hits.get(i))
            .cloned();
        if let (Some(hit), Some(reader)) = (hit, self.reader.as_mut()) {
            reader.reveal(hit.start, hit.range.start, height);
        }
    }

    fn step_hit(&mut self, forward: bool) {
        let count = self.search.hits.len();
        if count == 0 {
            return;
        }
        self.search.current = Some(match (self.search.current, forward) {
            (None, _) => 0,
            (Some(i), true) => (i + 1) % count,
            (Some(i), false) => (i + count - 1) % count,
        });
        self.reveal_current();
    }

    /// Byte ranges of search hits in the unit starting at `unit` of the
    /// open document, and which of them is the current hit.
    pub fn hits_in(&self, unit: usize) -> impl Iterator<Item = (&Range<usize>, bool)> + '_ {
        let first = self.search.hits.partition_point(|h| h.start < unit);
        self.search.hits[first..]
            .iter()
            .enumerate()
            .take_while(move |(_, h)| h.start == unit)
            .map(move |(i, h)| (&h.range, self.search.current == Some(first + i)))
    }

    /// Applies an action, then lays out what the screen will show.
    pub fn update(&mut self, action: Action) {
        // A notice lasts until the next key; once the person has acted, the
        // scan no longer reopens the last document when it finds it.
        self.notice = None;
        self.reopen = None;
        if let Some(command) = self.pending_mark.take() {
            if let Action::Insert(letter) = action {
                self.mark(command, letter);
            }
            self.sync();
            return;
        }
        let height = self.text_height() as isize;
        if self.library_search.open {
            let search = &mut self.library_search;
            match action {
                Action::SelectNext => {
                    search.selected =
                        (search.selected + 1).min(search.hits.len().saturating_sub(1));
                    self.sync();
                    return;
                }
                Action::SelectPrevious => {
                    search.selected = search.selected.saturating_sub(1);
                    self.sync();
                    return;
                }
                Action::AcceptInput => {
                    self.open_result();
                    self.sync();
                    return;
                }
                Action::CancelInput => {
                    search.open = false;
                    self.sync();
                    return;
                }
                _ => {}
            }
        }
        if self.help {
            let most = crate::ui::help::max_scroll(self.area);
            match action {
                Action::ScrollDown => self.help_scroll = (self.help_scroll + 1).min(most),
                Action::ScrollUp => self.help_scroll = self.help_scroll.saturating_sub(1),
                _ => {}
            }
        }
        // In the document search bar, ↓ and ↑ move between hits.
        let action = match action {
            Action::SelectNext if self.search.editing => Action::NextHit,
            Action::SelectPrevious if self.search.editing => Action::PreviousHit,
            other => other,
        };
        match action {
            Action::OpenLibrarySearch => {
                self.library_search.open = true;
                self.search.editing = false;
                self.filter.editing = false;
            }
            Action::SelectNext => self.select_by(1),
            Action::SelectPrevious => self.select_by(-1),
            Action::SelectFirst => self.select(0),
            Action::SelectLast => self.select(usize::MAX),
            Action::Open => {
                if !self.list.is_empty() {
                    self.open(self.selected);
                    self.focus = Focus::Reader;
                }
            }
            Action::ScrollDown => self.scroll(1),
            Action::ScrollUp => self.scroll(-1),
            Action::PageDown => self.scroll((height - 1).max(1)),
            Action::PageUp => self.scroll(-(height - 1).max(1)),
            Action::HalfPageDown => self.scroll((height / 2).max(1)),
            Action::HalfPageUp => self.scroll(-(height / 2).max(1)),
            Action::Top => {
                if let Some(r) = self.reader.as_mut() {
                    r.top();
                }
            }
            Action::Bottom => {
                let h = self.text_height();
                if let Some(r) = self.reader.as_mut() {
                    r.bottom(h);
                }
            }
            Action::NextDocument => self.select_by(1),
            Action::PreviousDocument => self.select_by(-1),
            Action::Back => self.focus = Focus::List,
            Action::SwitchFocus => {
                self.focus = match self.focus {
                    Focus::List if self.reader.is_some() => Focus::Reader,
                    _ => Focus::List,
                };
            }
            Action::OpenFilter => {
                self.filter.editing = true;
                self.focus = Focus::List;
            }
            Action::ClearFilter => {
                if !self.filter.query.is_empty() {
                    self.filter.query.clear();
                    self.request_filter();
                }
            }
            Action::OpenSearch => {
                if self.reader.is_some() {
                    self.search.editing = true;
                }
            }
            Action::NextHit => self.step_hit(true),
            Action::PreviousHit => self.step_hit(false),
            Action::Insert(c) => self.edit(|text| text.push(c)),
            Action::DeleteChar => self.edit(|text| {
                text.pop();
            }),
            Action::DeleteWord => self.edit(|text| {
                let kept = text.trim_end().len();
                let cut = text[..kept].rfind(char::is_whitespace).map_or(0, |i| i + 1);
                text.truncate(cut);
            }),
            Action::ClearInput => self.edit(String::clear),
            Action::AcceptInput => {
                if self.search.editing {
                    self.search.editing = false;
                } else if self.filter.editing {
                    self.filter.editing = false;
                    self.settle();
                    if !self.list.is_empty() {
                        self.open(self.selected);
                        self.focus = Focus::Reader;
                    }
                }
            }
            Action::CancelInput => {
                if self.search.editing {
                    // The search thread stays for the next search.
                    let searcher = self.search.searcher.take();
                    if let Some(searcher) = &searcher {
                        searcher.cancel();
                    }
                    self.search = DocSearch {
                        searcher,
                        done: true,
                        ..DocSearch::default()
                    };
                } else if self.filter.editing {
                    self.filter.editing = false;
                    self.filter.query.clear();
                    self.request_filter();
                }
            }
            Action::ToggleHelp => {
                self.help = !self.help;
                self.help_scroll = 0;
            }
            Action::SetMark => {
                if self.reader.is_some() {
                    self.pending_mark = Some(MarkCommand::Set);
                    self.notice = Some("bookmark: type a letter (a-z here, A-Z anywhere)".into());
                }
            }
            Action::JumpToMark => {
                if self.reader.is_some() {
                    self.pending_mark = Some(MarkCommand::Jump);
                    self.notice = Some("go to bookmark: type its letter".into());
                }
            }
            Action::DeleteMark => {
                if self.reader.is_some() {
                    self.pending_mark = Some(MarkCommand::Delete);
                    self.notice =
                        Some("delete bookmark: type its letter (a-z here, A-Z anywhere)".into());
                }
            }
            Action::Reload => self.reload(),
            Action::DismissNote => self.dismiss_note(),
            Action::Suspend => self.suspend = true,
            Action::Quit => self.quit = true,
        }
        self.sync();
    }

    /// Lays out what the screen shows now: panes, reading rows, list titles
    /// and the status figures. Drawing only reads what this leaves.
    pub fn sync(&mut self) {
        let bar = if self.library_search.open {
            Some(Bar::Library)
        } else if self.search.editing {
            Some(Bar::Search)
        } else if self.filter.editing || !self.filter.query.is_empty() {
            Some(Bar::Filter)
        } else {
            None
        };
        self.sync_note();
        let note_lines = self.note.as_ref().map_or(0, |n| n.line_count());
        self.panes = geometry::panes(
            self.area,
            geometry::Arrangement {
                list_right: self.list_right,
                reader_focused: self.focus == Focus::Reader,
                bar: bar.is_some(),
                results: self.library_search.open,
                one_pane: self.one_pane,
                note_rows: geometry::note_rows(note_lines, self.area.height),
            },
        );
        self.bar = bar.and_then(|bar| {
            let width = self.panes.bar?.width.saturating_sub(BAR_PROMPT_WIDTH + 1);
            let text = match bar {
                Bar::Filter => &self.filter.query,
                Bar::Search => &self.search.query,
                Bar::Library => &self.library_search.query,
            };
            let options = LayoutOptions {
                width: usize::from(width).max(1),
                fallback: if self.list_right {
                    Direction::Rtl
                } else {
                    Direction::Ltr
                },
                direction: BaseDirection::Auto,
                ..self.options
            };
            Some((bar, Rc::new(Layout::new(text, &options))))
        });
        let height = self.text_height();
        self.rows.clear();
        self.position = Position::default();
        if let (Some(reader), Some(text)) = (self.reader.as_mut(), self.panes.text) {
            reader.set_width(usize::from(text.width));
            self.rows = reader.rows(height);
            reader.keep_top_text();
            let anchor = reader.anchor;
            let at_end = reader.at_end(height);
            let len = reader.text.len();
            let percent = if at_end || len == 0 {
                100
            } else {
                ((anchor.start + anchor.offset) * 100 / len).min(99) as u8
            };
            // Counted once the index is built; until then, estimated from
            // the byte offset and the units of the text's start.
            let (paragraph, paragraphs, exact) = match reader.text.number(anchor.start) {
                Some((n, count)) => (n, count, true),
                None => {
                    let count = reader.estimated_units();
                    let n = (anchor.start as f64 / len.max(1) as f64 * count as f64) as usize + 1;
                    (n.min(count), count, false)
                }
            };
            self.position = Position {
                percent,
                paragraph,
                paragraphs,
                exact,
            };
        }
        self.sync_list();
        self.sync_results();
        self.sync_status_title();
        self.record_position();
    }

    /// Takes in that document `doc` was replaced (read again): its list
    /// entry, filter candidate, search index and layout are rebuilt.
    fn document_changed(&mut self, doc: usize) {
        let document = &self.library.documents[doc];
        if let Some(candidate) = Arc::make_mut(&mut self.candidates).get_mut(doc) {
            *candidate = Candidate::new(&document.title, &document.name);
        }
        // The filter thread and the search index hold the old text.
        self.worker = None;
        self.searcher = None;
        self.titles.remove(&doc);
        if self.status_doc == Some(doc) {
            self.status_doc = None;
        }
        if self.reader.as_ref().is_some_and(|r| r.doc == doc) {
            let anchor = self.reader.as_ref().map(|r| r.anchor).unwrap_or_default();
            self.reader = None;
            self.positions.insert(doc, anchor);
            self.open(doc);
        } else if self.loading() == Some(doc) {
            // The text on its way is the old one: ask again.
            self.loading = None;
            self.open(doc);
        }
        if !self.filter.query.is_empty() {
            self.request_filter();
        }
    }

    /// Lays out the visible library search results.
    fn sync_results(&mut self) {
        self.results.clear();
        let Some(area) = self.panes.results else {
            return;
        };
        let search = &mut self.library_search;
        let visible = usize::from(area.height.saturating_sub(1)).max(1);
        if search.selected < search.offset {
            search.offset = search.selected;
        } else if search.selected >= search.offset + visible {
            search.offset = search.selected + 1 - visible;
        }
        let (title_width, snippet_width) = result_widths(usize::from(area.width));
        let end = (search.offset + visible).min(search.hits.len());
        for index in search.offset..end {
            let hit = self.library_search.hits[index];
            let Ok(text) = self.text_of(hit.doc) else {
                continue;
            };
            let Some(unit) = text.units().at(hit.start) else {
                continue;
            };
            let paragraph = text.unit_text(&unit);
            let paragraph: &str = &paragraph;
            let search = &self.library_search;
            let document = &self.library.documents[hit.doc];
            let options = LayoutOptions {
                fallback: document.direction,
                ..self.options
            };
            // Start a little before the first matched word, at a word start.
            let marks = word_ranges(paragraph, &search.query);
            let first = marks.first().map_or(0, |r| r.start);
            let lead = paragraph[..first]
                .char_indices()
                .rev()
                .take(snippet_width / 4)
                .last()
                .map_or(first, |(i, _)| i);
            let start = paragraph[lead..first]
                .find(' ')
                .map_or(lead, |i| lead + i + 1)
                .min(first);
            let snippet = Layout::new(
                &paragraph[start..],
                &LayoutOptions {
                    width: snippet_width.max(1),
                    ..options
                },
            );
            let shown = snippet.line(0).map_or(0..0, |l| l.source());
            let marks = marks
                .iter()
                .filter(|r| r.start >= start)
                .map(|r| r.start - start..r.end - start)
                .filter(|r| r.start < shown.end)
                .collect();
            let title = Layout::new(
                &document.title,
                &LayoutOptions {
                    width: title_width.max(1),
                    ..options
                },
            );
            self.results.push(ResultRow {
                hit: index,
                title: Rc::new(title),
                snippet: Rc::new(snippet),
                marks,
            });
        }
    }

    /// Lays out the open document's title for the status bar: a third of
    /// the bar, and no more than 48 cells.
    /// Lays out the first note about the terminal for the screen's width
    /// (inside a margin of one cell on each side).
    fn sync_note(&mut self) {
        let problem = self
            .save_problem
            .as_ref()
            .filter(|_| !self.save_problem_hidden);
        if problem.is_none() && self.notes.is_empty() {
            self.note = None;
            return;
        }
        let width = usize::from(self.area.width.saturating_sub(2)).max(1);
        if self.note.as_ref().is_some_and(|n| n.width() == width) {
            return;
        }
        let text = if let Some(problem) = problem {
            // A failed save comes first: the person may be losing work.
            format!("{}. x hides this message.", one_line(problem))
        } else {
            let first = &self.notes[0];
            let more = if self.notes.len() > 1 {
                format!(" ({} more after this one)", self.notes.len() - 1)
            } else {
                String::new()
            };
            format!("{}. x hides this note for good{more}.", first.text)
        };
        let options = LayoutOptions {
            width,
            direction: BaseDirection::Ltr,
            ..self.options
        };
        self.note = Some(Rc::new(Layout::new(&text, &options)));
    }

    /// Shows (or, with `None`, clears) why the state could not be saved,
    /// above the status bar until a save works or `x` hides it; returns
    /// whether what the screen shows changed.
    pub(super) fn set_save_problem(&mut self, problem: Option<String>) -> bool {
        if self.save_problem == problem {
            return false;
        }
        self.save_problem = problem;
        self.save_problem_hidden = false;
        self.note = None;
        self.sync();
        true
    }

    /// Hides why the state could not be saved, or else the first note about
    /// the terminal (and remembers that it was dismissed).
    fn dismiss_note(&mut self) {
        if self.save_problem.is_some() && !self.save_problem_hidden {
            // Until the problem changes: a new one shows again.
            self.save_problem_hidden = true;
            self.note = None;
            return;
        }
        if self.notes.is_empty() {
            return;
        }
        let note = self.notes.remove(0);
        self.note = None;
        self.remember_dismissed(note.id);
    }

    fn sync_status_title(&mut self) {
        let Some(doc) = self.open_document() else {
            self.status_title = None;
            return;
        };
        let width = (usize::from(self.area.width) / 3).clamp(1, 48);
        let current = self.status_title.as_ref().map(|t| t.width());
        if self.status_doc != Some(doc) || current != Some(width) {
            let document = &self.library.documents[doc];
            let options = LayoutOptions {
                width,
                fallback: document.direction,
                ..self.options
            };
            self.status_title = Some(Rc::new(Layout::new(&document.title, &options)));
            self.status_doc = Some(doc);
        }
    }

    /// Keeps the selection visible and lays out the visible titles.
    fn sync_list(&mut self) {
        let Some(rows) = self.panes.list_rows else {
            return;
        };
        let visible = usize::from(rows.height).max(1);
        let at = self.position_in_list().unwrap_or(0);
        if at < self.list_offset {
            self.list_offset = at;
        } else if at >= self.list_offset + visible {
            self.list_offset = at + 1 - visible;
        }
        let row_width = usize::from(rows.width);
        let width = title_width(row_width);
        if width != self.title_width {
            self.titles.clear();
            self.title_width = width;
        }
        let name_width = name_width(row_width);
        let end = (self.list_offset + visible).min(self.list.len());
        self.marks.clear();
        for (at, &index) in self.list[self.list_offset..end].iter().enumerate() {
            // While filtered, the list is the hits in order.
            let hit = self
                .filter
                .hits
                .as_ref()
                .and_then(|hits| hits.get(self.list_offset + at));
            if let Some(hit) = hit {
                let document = &self.library.documents[index];
                let original = match hit.field {
                    Field::Title => &document.title,
                    Field::Path => &document.name,
                };
                let marks = hit.marks(original, &self.filter.matched);
                let marks = match hit.field {
                    Field::Title => ListMarks {
                        title: marks,
                        name: Vec::new(),
                    },
                    Field::Path => ListMarks {
                        title: Vec::new(),
                        name: marks,
                    },
                };
                self.marks.insert(index, marks);
            }
            self.titles.entry(index).or_insert_with(|| {
                let document = &self.library.documents[index];
                let options = LayoutOptions {
                    width: width.saturating_sub(1).max(1),
                    wrap: true,
                    fallback: document.direction,
                    ..self.options
                };
                // One line, cut at the column's edge.
                let name_options = LayoutOptions {
                    width: name_width.max(1),
                    wrap: false,
                    ..options
                };
                // What cannot be read says so where its title would be.
                let title = match &document.error {
                    Some(error) => format!("cannot read: {error}"),
                    None => document.title.clone(),
                };
                let (name, name_cut) = short_name(&document.name, name_width);
                ListEntry {
                    title: Rc::new(Layout::new(&title, &options)),
                    name: Rc::new(Layout::new(&name, &name_options)),
                    name_cut,
                }
            });
        }
    }
}

/// Cells of a result row given to the title and to the snippet.
pub fn result_widths(row_width: usize) -> (usize, usize) {
    let title = (row_width / 4).clamp(1, 30);
    (title, row_width.saturating_sub(title + 3))
}

/// Cells of a list row given to the title: two thirds, after a margin cell
/// on each side and a gap before the file name.
pub fn title_width(row_width: usize) -> usize {
    (row_width.saturating_sub(3) * 2 / 3).max(1)
}

/// What of a path shows in `width` cells: all of it, or when it is too
/// long and has folders, `…/` and the file's own name. Returns the text and
/// how many bytes of the path it leaves out at the front (a mark at byte
/// `b` of the path is at `b - cut + 4` of the text, "…/" being 4 bytes).
pub fn short_name(name: &str, width: usize) -> (String, usize) {
    use unicode_width::UnicodeWidthStr;
    match name.rfind('/') {
        Some(slash) if name.width() > width && slash + 1 < name.len() => {
            (format!("…/{}", &name[slash + 1..]), slash + 1)
        }
        _ => (name.to_string(), 0),
    }
}

/// Cells of a list row given to the file name: what the title leaves.
pub fn name_width(row_width: usize) -> usize {
    row_width
        .saturating_sub(3)
        .saturating_sub(title_width(row_width))
}
