//! Application state and its one way of changing: `App::update(Action)`.
//!
//! Nothing here touches the terminal. Key events become actions through the
//! table in [`keymap`]; after every change, [`App::sync`] lays out what the
//! screen will show (reading-pane rows, list titles, status figures), so
//! drawing is a pure read of this state.

pub mod action;
mod background;
pub mod bookmarks;
pub mod geometry;
pub mod goto;
pub mod help;
mod jumps;
pub mod keyboard;
pub mod keymap;
mod open;
pub mod outline;
pub mod places;
pub mod reader;
mod search;
pub mod selection;
pub mod texts;
mod update;
mod view;

use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;

use crate::config::ParagraphsSetting;
use crate::library::Library;
use crate::library::loader::{Loaded, Loader, slow_to_read};
use crate::library::scan::Scanner;
use crate::library::text::Text;
use crate::search::document::{DocFound, DocHit, DocSearcher};
use crate::search::filter::{Candidate, Field, FilterWorker, Hit, Response};
use crate::search::library::{Found, LibrarySearcher, SearchHit, word_ranges};
use crate::text::elide::{self, Elided};
use crate::text::sanitize::one_line;
use crate::text::{BaseDirection, Direction, Layout, LayoutOptions};
use crate::work::Streamed;
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

/// What the keyboard is doing. One at a time, so that states which cannot
/// go together (the help over a half-typed query, a bookmark letter awaited
/// while the filter bar is open) cannot be represented; [`App::update`]
/// dispatches on it first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Moving through the list or reading ([`Focus`] says which pane).
    Browse,
    /// Typing in the filter bar over the list.
    Filter,
    /// Typing in the search bar over the open document.
    Search,
    /// Typing in the go-to bar (`:`).
    GoTo,
    /// The library search: its bar and results.
    Library,
    /// The list of bookmarks, to pick one.
    Bookmarks,
    /// The help overlay, scrolled down by this many rows.
    Help {
        /// Rows scrolled.
        scroll: usize,
    },
    /// A bookmark command waits for its letter.
    Mark(MarkCommand),
    /// Text is being selected in the reading pane ([`App::selection`]).
    Select,
    /// `y` waits for a second `y`.
    Yank,
    /// The outline of a structured document ([`App::outline`]).
    Outline,
}

/// The colours the screen is drawn in, as chosen (the screen's code turns
/// them into styles).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Look {
    /// The theme.
    pub theme: crate::config::ThemeName,
    /// Whether colours are used at all (`NO_COLOR`, `--color never`).
    pub color: bool,
}

impl Default for Look {
    fn default() -> Look {
        Look {
            theme: crate::config::ThemeName::Dark,
            color: true,
        }
    }
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
    /// How much of the document lies above the bottom of the pane, 0–100
    /// (100 when its end is on screen).
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
    /// Every hit found so far in the open document, in order.
    pub hits: Vec<DocHit>,
    /// The hit last jumped to.
    pub current: Option<usize>,
    /// The search has gone through the whole document.
    pub done: bool,
    /// The search goes backward (it was opened with `\`): its first hit is
    /// the last one before where it started, and `n` goes up.
    pub backward: bool,
    /// Queries searched for with Enter, oldest first (this session's).
    pub history: Vec<String>,
    /// Where the open search bar was opened: the search starts there, and
    /// Esc goes back there.
    origin: Option<Anchor>,
    /// The search in force when the bar opened (its query and direction),
    /// until the bar's text changes: Esc, or Enter on the empty bar, keeps it.
    kept: Option<(String, bool)>,
    /// While ↑ and ↓ go through the history: the entry shown, and what was
    /// typed before (only entries starting with it are shown).
    browsing: Option<(usize, String)>,
    /// Make the first hit at or after this place (unit start, offset) the
    /// current one when it arrives.
    jump_from: Option<(usize, usize)>,
    /// And scroll to it.
    reveal: bool,
    searcher: Option<DocSearcher>,
}

/// Full-text search across the library.
#[derive(Debug, Default)]
pub struct LibrarySearch {
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
}

/// A result row laid out for the results view (a library search result
/// or a bookmark).
#[derive(Debug, Clone)]
pub struct ResultRow {
    /// Index into the hits (or the bookmarks).
    pub hit: usize,
    /// It is the selected row.
    pub selected: bool,
    /// A bookmark's letter, shown before the title.
    pub label: Option<char>,
    /// The document's title.
    pub title: Rc<Layout>,
    /// The document's file name, as it fits its column.
    pub name: Rc<Layout>,
    /// The title repeats another document's shown: the name is what tells
    /// them apart.
    pub name_matters: bool,
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
    /// The go-to bar.
    GoTo,
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

/// A document's row in the list, laid out for the list's columns.
#[derive(Debug, Clone)]
pub struct ListEntry {
    /// How the row shares its cells between title and name.
    pub columns: Columns,
    /// The title (or why the document cannot be read), laid out for the
    /// title column; one cell narrower when it does not fit (room for `…`).
    pub title: Rc<Layout>,
    /// The file name as it fits its column ([`elide::path`]), laid out.
    pub name: Rc<Layout>,
    /// Where the path's bytes show in `name` (filter marks are found in the
    /// whole path).
    pub name_shown: Elided,
    /// The title repeats another one shown: the name is what tells the
    /// documents apart.
    pub name_matters: bool,
}

/// Cells a row gives a document's title and its file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Columns {
    /// The title's cells.
    pub title: usize,
    /// The file name's cells.
    pub name: usize,
}

impl Columns {
    /// Shares `room` cells between a title and a file name by what they
    /// need (`title` and `name` cells). A name that needs no more than half
    /// the room shows whole; a longer one gets what the title leaves, the
    /// title keeping two thirds, or one third when `name_matters` (titles
    /// repeat, and only the names tell the documents apart). The title
    /// takes every cell the name does not need. A name column too narrow
    /// to show anything of a name is given to the title.
    pub fn share(room: usize, title: usize, name: usize, name_matters: bool) -> Columns {
        let kept = if name_matters { room / 3 } else { room * 2 / 3 };
        let shown = if name <= room / 2 {
            name
        } else {
            name.min(room - title.min(kept))
        };
        let shown = if shown < name.min(MIN_NAME) { 0 } else { shown };
        Columns {
            title: room - shown,
            name: shown,
        }
    }
}

/// The narrowest name column worth showing: `…` and a few cells of a name.
const MIN_NAME: usize = 5;

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
    /// What the keyboard is doing: browsing, typing in a bar, reading the
    /// help, naming a bookmark.
    pub mode: Mode,
    /// qari should exit.
    pub quit: bool,
    /// A key has been pressed: the reader no longer chooses for the person
    /// (the lone document's pane, the last document when the scan finds it).
    acted: bool,
    /// qari should suspend (the event loop does it, and clears this).
    pub suspend: bool,
    /// The list pane sits on the right (right-to-left screen).
    pub list_right: bool,
    /// Only one pane at a time, whatever the width (the terminal reorders
    /// rows itself).
    pub one_pane: bool,
    /// The list is hidden and the reading pane has the whole width, until
    /// the list is asked for again.
    pub list_hidden: bool,
    /// The widest the reading pane's text runs, in cells (0: no limit).
    measure: u16,
    /// What sets paragraphs apart in the reading pane.
    paragraphs: ParagraphsSetting,
    /// The keyboard layout letters that sit on different keys in Arabic
    /// and Persian are read by (see [`keyboard`]).
    keyboard: keyboard::Keyboard,
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
    /// The section being read in a structured document, as the status bar
    /// shows it.
    pub status_section: Option<Rc<Layout>>,
    /// The page of the printed edition at the top ("vol. 1, p. 2").
    pub status_page: Option<String>,
    /// The open document's file name as the status bar shows it (unless it
    /// is the title).
    pub status_name: Option<Rc<Layout>>,
    /// How the library search results share their document column.
    pub result_columns: Columns,
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
    /// The visible rows of the results pane (library search results or
    /// bookmarks).
    pub results: Vec<ResultRow>,
    /// The results pane's first row: what it lists, or how the search goes.
    pub results_header: String,
    /// What is typed in the go-to bar.
    pub goto: String,
    /// The list of bookmarks (`'` then `?`).
    pub bookmarks: bookmarks::MarkList,
    /// The outline of the open document (`o`).
    pub outline: outline::Outline,
    /// The colours the person chose for the screen.
    pub look: Look,
    /// A message for the status bar until the next key (a warning, a hint,
    /// what a command did).
    pub notice: Option<String>,
    /// Notes about the terminal (a setting to change, a choice qari made
    /// for it), shown one at a time above the status bar until dismissed.
    pub notes: Vec<TerminalNote>,
    /// The first note, laid out for the screen's width.
    pub note: Option<Rc<Layout>>,
    /// Why the reading state could not be saved, until a save works.
    pub save_problem: Option<String>,
    /// `x` hid the save problem shown now.
    pub save_problem_hidden: bool,
    /// The document shown as its source (markup and all), if any.
    source: Option<usize>,
    /// Where the source view of the open document was left.
    source_position: Option<Anchor>,
    /// Text being selected in the reading pane.
    selection: Option<selection::Selection>,
    /// Where the mouse's button went down on the reading pane's text, while
    /// it is down.
    press: Option<Range<usize>>,
    /// Text to put on the clipboard: the event loop takes it
    /// ([`App::take_copy`]).
    copy: Option<String>,
    /// Control characters left out of that text.
    copy_dropped: usize,
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
    pending_place: Option<(usize, places::Goal)>,
    /// Why the open document's text could not be read, if it could not.
    pub open_error: Option<String>,
    /// Per document, where the last jump into it came from (a document and
    /// a place there): `''` goes back.
    jumps: HashMap<usize, (usize, Anchor)>,
    /// The paragraph the go-to bar asked for in this document, until its
    /// paragraphs are counted.
    pending_goto: Option<(usize, usize)>,
    /// What the reading pane says in place of a text that cannot be read,
    /// laid out (wrapped at words) for the pane.
    pub unreadable: Option<Rc<Layout>>,
    /// A document `r` could not read again, and its file's stamp then
    /// (`None`: gone): that change is not announced again.
    answered_change: Option<(usize, Option<crate::library::FileStamp>)>,
    candidates: Arc<Vec<Candidate>>,
    worker: Option<FilterWorker>,
    reader: Option<Reader>,
    /// The document and screen width the status title and name were laid
    /// out for.
    status_doc: Option<(usize, u16)>,
    positions: HashMap<usize, Anchor>,
    options: LayoutOptions,
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
            mode: Mode::Browse,
            quit: false,
            acted: false,
            suspend: false,
            list_right,
            one_pane: false,
            list_hidden: false,
            measure: crate::config::DEFAULT_MEASURE,
            paragraphs: ParagraphsSetting::default(),
            keyboard: keyboard::Keyboard::default(),
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
            results_header: String::new(),
            goto: String::new(),
            bookmarks: bookmarks::MarkList::default(),
            outline: outline::Outline::default(),
            jumps: HashMap::new(),
            pending_goto: None,
            look: Look::default(),
            texts: texts::Texts::default(),
            loader: None,
            loading: None,
            pending_place: None,
            open_error: None,
            unreadable: None,
            answered_change: None,
            notice: None,
            notes: Vec::new(),
            note: None,
            save_problem: None,
            save_problem_hidden: false,
            source: None,
            source_position: None,
            selection: None,
            press: None,
            copy: None,
            copy_dropped: 0,
            places: None,
            searcher: None,
            candidates: Arc::new(candidates),
            worker: None,
            status_title: None,
            status_section: None,
            status_page: None,
            status_name: None,
            result_columns: Columns::default(),
            reader: None,
            status_doc: None,
            positions: HashMap::new(),
            options,
            scanner: None,
            layout_forced,
            reopen: None,
            searcher_documents: 0,
        };
        app.open_now(0);
        app.read_a_lone_document();
        app
    }

    /// Sets the widest the reading pane's text runs, in cells (0: no
    /// limit); the text column is centred in the pane.
    pub fn set_measure(&mut self, measure: u16) {
        self.measure = measure;
        self.sync();
    }

    /// Sets what separates paragraphs in the reading pane.
    pub fn set_paragraphs(&mut self, paragraphs: ParagraphsSetting) {
        self.paragraphs = paragraphs;
        if let Some(reader) = self.reader.as_mut() {
            reader.set_paragraphs(paragraphs);
        }
        self.sync();
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

    /// The binding context keys are looked up in.
    pub fn context(&self) -> Context {
        match self.mode {
            Mode::Browse => match self.focus {
                Focus::List => Context::List,
                Focus::Reader => Context::Reader,
            },
            Mode::Filter => Context::Filter,
            Mode::Search => Context::Search,
            Mode::GoTo => Context::GoTo,
            Mode::Library => Context::Library,
            Mode::Bookmarks => Context::Bookmarks,
            Mode::Help { .. } => Context::Help,
            Mode::Mark(_) => Context::Mark,
            Mode::Select => Context::Select,
            Mode::Yank => Context::Yank,
            Mode::Outline => Context::Outline,
        }
    }

    /// The bar above the status bar: the one being typed in, else a kept
    /// filter's.
    pub fn bar_shown(&self) -> Option<Bar> {
        match self.mode {
            Mode::Library => Some(Bar::Library),
            Mode::Search => Some(Bar::Search),
            Mode::GoTo => Some(Bar::GoTo),
            Mode::Filter => Some(Bar::Filter),
            _ if !self.filter.query.is_empty() => Some(Bar::Filter),
            _ => None,
        }
    }

    /// Whether `bar` has the keyboard (it is typed in, not only shown).
    pub fn editing(&self, bar: Bar) -> bool {
        matches!(
            (bar, self.mode),
            (Bar::Filter, Mode::Filter)
                | (Bar::Search, Mode::Search)
                | (Bar::GoTo, Mode::GoTo)
                | (Bar::Library, Mode::Library)
        )
    }

    /// Lists every document again if a filter hides `doc` (to open it).
    pub(super) fn reveal_in_list(&mut self, doc: usize) {
        if !self.list.contains(&doc) {
            self.filter.query.clear();
            self.filter.hits = None;
            self.list = (0..self.library.documents.len()).collect();
        }
    }

    /// Whether background work the screen waits for is still to come (an
    /// answer from a worker, a text being read, paragraphs being counted
    /// for a go-to).
    pub fn pending(&self) -> bool {
        let filtering = self
            .worker
            .as_ref()
            .is_some_and(|w| w.generation() > self.filter.applied);
        let searching = self.mode == Mode::Library
            && !self.library_search.done
            && !self.library_search.query.trim().is_empty();
        let searching_document = self.search.searcher.is_some() && !self.search.done;
        filtering
            || searching
            || searching_document
            || self.scanner.is_some()
            || self.loading.is_some()
            || self.pending_goto.is_some()
    }

    /// The document whose text is being read for the reading pane, if any.
    pub fn loading(&self) -> Option<usize> {
        self.loading.map(|(doc, _)| doc)
    }

    pub(super) fn position_in_list(&self) -> Option<usize> {
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

    pub(super) fn text_height(&self) -> usize {
        self.panes.text.map_or(1, |t| usize::from(t.height)).max(1)
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
}

/// Cells of a result row given to its document (after a margin cell: the
/// title, a gap, the file name and a gap): a third of the row, at most 48;
/// the snippet has the rest but for the separator and a margin cell.
pub fn result_document_width(row_width: usize) -> usize {
    (row_width / 3).clamp(1, 48)
}

/// Cells of a result row's title given to a bookmark's letter and a space.
pub const LABEL_WIDTH: usize = 2;

/// The first row to show of a list scrolled to `offset` so that row
/// `selected` is among the `visible` rows shown.
fn scrolled_to(selected: usize, offset: usize, visible: usize) -> usize {
    if selected < offset {
        selected
    } else if selected >= offset + visible {
        selected + 1 - visible
    } else {
        offset
    }
}

/// Moves a selection among `count` rows one down (or up), staying on them.
fn step_selection(selected: &mut usize, count: usize, down: bool) {
    *selected = if down {
        (*selected + 1).min(count.saturating_sub(1))
    } else {
        selected.saturating_sub(1)
    };
}

/// Cells of a result row given to the snippet.
pub fn result_snippet_width(row_width: usize) -> usize {
    row_width.saturating_sub(result_document_width(row_width) + 3)
}

/// Cells of a list row left for the title and the file name: a margin cell
/// on each side and a gap between them.
pub fn list_room(row_width: usize) -> usize {
    row_width.saturating_sub(3)
}
