//! Application state and its one way of changing: `App::update(Action)`.
//!
//! Nothing here touches the terminal. Key events become actions through the
//! table in [`keymap`]; after every change, [`App::sync`] lays out what the
//! screen will show (reading-pane rows, list titles, status figures), so
//! drawing is a pure read of this state.

pub mod action;
pub mod geometry;
pub mod keymap;
pub mod reader;

use std::collections::HashMap;
use std::rc::Rc;

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use crate::library::Library;
use crate::text::{Layout, LayoutOptions};
use action::Action;
use geometry::Panes;
use keymap::Context;
use reader::{Anchor, Reader, Row};

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
}

/// A document's row in the list, laid out for the list's width.
#[derive(Debug, Clone)]
pub struct ListEntry {
    /// The title, laid out one cell narrower than its area (room for `…`).
    pub title: Rc<Layout>,
    /// The file name.
    pub name: Rc<Layout>,
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
    /// qari should exit.
    pub quit: bool,
    /// The list pane sits on the right (right-to-left screen).
    pub list_right: bool,
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
    reader: Option<Reader>,
    status_doc: Option<usize>,
    positions: HashMap<usize, Anchor>,
    options: LayoutOptions,
    title_width: usize,
}

/// Rows the mouse wheel scrolls at a time.
const WHEEL_ROWS: isize = 3;

impl App {
    /// Creates the reader over a library. `list_right` forces the mirrored
    /// screen on or off; by default it follows the documents' direction.
    pub fn new(library: Library, list_right: Option<bool>, options: LayoutOptions) -> App {
        let list_right = list_right.unwrap_or_else(|| library.mostly_rtl());
        let mut app = App {
            library,
            focus: Focus::List,
            selected: 0,
            list_offset: 0,
            help: false,
            quit: false,
            list_right,
            area: Rect::default(),
            panes: Panes::default(),
            rows: Vec::new(),
            position: Position::default(),
            titles: HashMap::new(),
            status_title: None,
            reader: None,
            status_doc: None,
            positions: HashMap::new(),
            options,
            title_width: 0,
        };
        app.open(0);
        app
    }

    /// The binding context keys are looked up in.
    pub fn context(&self) -> Context {
        if self.help {
            Context::Help
        } else {
            match self.focus {
                Focus::List => Context::List,
                Focus::Reader => Context::Reader,
            }
        }
    }

    /// The open document's index, if any.
    pub fn open_document(&self) -> Option<usize> {
        self.reader.as_ref().map(|r| r.doc)
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
            let document = &self.library.documents[reader.doc];
            reader.scroll(document, delta, height);
        }
    }

    /// Opens document `index` in the reading pane, where it was last left.
    fn open(&mut self, index: usize) {
        if index >= self.library.documents.len() {
            return;
        }
        if self.reader.as_ref().is_some_and(|r| r.doc == index) {
            return;
        }
        if let Some(old) = self.reader.take() {
            self.positions.insert(old.doc, old.anchor);
        }
        let anchor = self.positions.get(&index).copied().unwrap_or_default();
        let options = LayoutOptions {
            width: self
                .panes
                .text
                .map_or(self.options.width, |t| usize::from(t.width)),
            ..self.options
        };
        self.reader = Some(Reader::new(
            index,
            &self.library.documents[index],
            anchor,
            options,
        ));
    }

    fn select(&mut self, index: usize) {
        let count = self.library.documents.len();
        if count == 0 {
            return;
        }
        self.selected = index.min(count - 1);
        self.open(self.selected);
    }

    /// Applies an action, then lays out what the screen will show.
    pub fn update(&mut self, action: Action) {
        let height = self.text_height() as isize;
        let last = self.library.documents.len().saturating_sub(1);
        match action {
            Action::SelectNext => self.select(self.selected.saturating_add(1).min(last)),
            Action::SelectPrevious => self.select(self.selected.saturating_sub(1)),
            Action::SelectFirst => self.select(0),
            Action::SelectLast => self.select(last),
            Action::Open => {
                if !self.library.documents.is_empty() {
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
                    r.bottom(&self.library.documents[r.doc], h);
                }
            }
            Action::NextDocument => self.select(self.selected.saturating_add(1).min(last)),
            Action::PreviousDocument => self.select(self.selected.saturating_sub(1)),
            Action::Back => self.focus = Focus::List,
            Action::SwitchFocus => {
                self.focus = match self.focus {
                    Focus::List if !self.library.documents.is_empty() => Focus::Reader,
                    _ => Focus::List,
                };
            }
            Action::ToggleHelp => self.help = !self.help,
            Action::Quit => self.quit = true,
        }
        self.sync();
    }

    /// Lays out what the screen shows now: panes, reading rows, list titles
    /// and the status figures. Drawing only reads what this leaves.
    pub fn sync(&mut self) {
        self.panes = geometry::panes(self.area, self.list_right, self.focus == Focus::Reader);
        let height = self.text_height();
        self.rows.clear();
        self.position = Position::default();
        if let (Some(reader), Some(text)) = (self.reader.as_mut(), self.panes.text) {
            let document = &self.library.documents[reader.doc];
            reader.set_width(usize::from(text.width));
            self.rows = reader.rows(document, height);
            let anchor = reader.anchor;
            let at_end = reader.at_end(document, height);
            let paragraphs = document.paragraphs.len();
            let percent = if at_end || document.text.is_empty() {
                100
            } else {
                let start = document
                    .paragraphs
                    .get(anchor.paragraph)
                    .map_or(0, |p| p.range.start);
                ((start + anchor.offset) * 100 / document.text.len()).min(99) as u8
            };
            self.position = Position {
                percent,
                paragraph: (anchor.paragraph + 1).min(paragraphs),
                paragraphs,
            };
        }
        self.sync_list();
        self.sync_status_title();
    }

    /// Lays out the open document's title for the status bar: a third of
    /// the bar, and no more than 48 cells.
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
        if self.selected < self.list_offset {
            self.list_offset = self.selected;
        } else if self.selected >= self.list_offset + visible {
            self.list_offset = self.selected + 1 - visible;
        }
        let row_width = usize::from(rows.width);
        let width = title_width(row_width);
        if width != self.title_width {
            self.titles.clear();
            self.title_width = width;
        }
        let name_width = name_width(row_width);
        let end = (self.list_offset + visible).min(self.library.documents.len());
        for index in self.list_offset..end {
            self.titles.entry(index).or_insert_with(|| {
                let document = &self.library.documents[index];
                let options = LayoutOptions {
                    width: width.saturating_sub(1).max(1),
                    wrap: true,
                    fallback: document.direction,
                    ..self.options
                };
                let name_options = LayoutOptions {
                    width: name_width.max(1),
                    ..options
                };
                ListEntry {
                    title: Rc::new(Layout::new(&document.title, &options)),
                    name: Rc::new(Layout::new(&document.name, &name_options)),
                }
            });
        }
    }
}

/// Cells of a list row given to the title: two thirds, after a margin cell
/// on each side and a gap before the file name.
pub fn title_width(row_width: usize) -> usize {
    (row_width.saturating_sub(3) * 2 / 3).max(1)
}

/// Cells of a list row given to the file name: what the title leaves.
pub fn name_width(row_width: usize) -> usize {
    row_width
        .saturating_sub(3)
        .saturating_sub(title_width(row_width))
}
