//! Bookmark keys: the key after `m`, `'` or `M` (a letter; after `'`,
//! another `'` goes back before the last jump), and the list of bookmarks
//! (`'` then `?`): this document's a–z, then the library's A–Z, each with
//! its document and the start of its paragraph, in the results pane; ↓ ↑
//! pick one, Enter goes there.

use super::*;
use crate::state::Place;
use crate::text::sanitize::{ITEM_MAX, quote};

/// A bookmark in the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkEntry {
    /// Its letter: a–z in the open document, A–Z anywhere.
    pub letter: char,
    /// Its document, if the library has it.
    pub doc: Option<usize>,
    /// Where it is in the document.
    pub place: Place,
    /// The path its document was opened by (shown for one not open here).
    pub path: String,
}

/// The list of bookmarks and the selection in it.
#[derive(Debug, Default)]
pub struct MarkList {
    /// The bookmarks, the open document's first.
    pub entries: Vec<MarkEntry>,
    /// The selected one.
    pub selected: usize,
    /// The first one shown.
    pub offset: usize,
}

/// Characters of a paragraph a row lays out (more than a row shows).
const SNIPPET_CHARS: usize = 400;

impl App {
    /// The key after `m`, `'` or `M`: the bookmark's letter, `'` (after
    /// `'`) to go back before the last jump, `?` for the list.
    pub(super) fn update_mark(&mut self, command: MarkCommand, action: Action) {
        // Whatever comes, the command is over.
        self.mode = Mode::Browse;
        match action {
            Action::Insert(letter) => self.mark(command, letter),
            Action::JumpBack if command == MarkCommand::Jump => self.jump_back(),
            // After `m` or `M` a quote is no letter, and `mark` says so.
            Action::JumpBack => self.mark(command, '\''),
            Action::ListMarks => self.list_marks(),
            _ => {}
        }
    }

    /// Opens the list of bookmarks, or says there is none.
    pub(super) fn list_marks(&mut self) {
        let open = self.open_document();
        let entries: Vec<MarkEntry> = self
            .stored_marks()
            .into_iter()
            .map(|(letter, key, place)| MarkEntry {
                letter,
                doc: if letter.is_ascii_lowercase() {
                    open
                } else {
                    self.find_document(&key)
                },
                place,
                path: key.path,
            })
            .collect();
        if entries.is_empty() {
            self.notice = Some("no bookmarks yet: m then a letter sets one".into());
            return;
        }
        self.bookmarks = MarkList {
            entries,
            selected: 0,
            offset: 0,
        };
        self.mode = Mode::Bookmarks;
    }

    /// The list's keys: ↓ ↑ pick, Enter goes to the bookmark (a jump, which
    /// `''` undoes), Esc closes the list.
    pub(super) fn update_bookmarks(&mut self, action: Action) {
        let list = &mut self.bookmarks;
        match action {
            Action::SelectNext => step_selection(&mut list.selected, list.entries.len(), true),
            Action::SelectPrevious => step_selection(&mut list.selected, list.entries.len(), false),
            Action::AcceptInput => {
                self.mode = Mode::Browse;
                if let Some(letter) = list.entries.get(list.selected).map(|e| e.letter) {
                    self.mark(MarkCommand::Jump, letter);
                }
            }
            Action::CancelInput => self.mode = Mode::Browse,
            _ => {}
        }
    }

    /// Lays out the visible rows of the list of bookmarks in `area`.
    pub(super) fn sync_bookmark_rows(&mut self, area: Rect) {
        self.results_header = " Bookmarks: a–z in this document, A–Z across documents".into();
        let visible = usize::from(area.height.saturating_sub(1)).max(1);
        let list = &mut self.bookmarks;
        list.offset = scrolled_to(list.selected, list.offset, visible);
        let row_width = usize::from(area.width);
        // The letter and the title take the document's part of the row (a
        // gap after it), the snippet the rest; no file name column.
        let title_width = result_document_width(row_width).saturating_sub(1);
        let snippet_width = result_snippet_width(row_width);
        self.result_columns = Columns {
            title: title_width,
            name: 0,
        };
        let end = (list.offset + visible).min(list.entries.len());
        for index in list.offset..end {
            let entry = self.bookmarks.entries[index].clone();
            let (title, fallback, snippet) = match entry.doc {
                Some(doc) => {
                    let document = &self.library.documents[doc];
                    let (title, direction) = (document.title.clone(), document.direction);
                    let snippet = self
                        .text_of(doc)
                        .ok()
                        .and_then(|text| {
                            let at = super::places::resolve(
                                &text,
                                super::places::Goal::Stored(entry.place),
                            )?;
                            let unit = text.units().at(at.start)?;
                            let paragraph = text.unit_text(&unit);
                            Some(paragraph.chars().take(SNIPPET_CHARS).collect())
                        })
                        .unwrap_or_default();
                    (title, direction, snippet)
                }
                None => (
                    quote(&entry.path, ITEM_MAX),
                    Direction::Ltr,
                    "(in a document not open here)".to_string(),
                ),
            };
            let lay = |text: &str, width: usize| {
                let options = LayoutOptions {
                    width: width.max(1),
                    fallback,
                    ..self.options
                };
                Rc::new(Layout::new(text, &options))
            };
            let row = ResultRow {
                hit: index,
                selected: index == self.bookmarks.selected,
                label: Some(entry.letter),
                title: lay(&title, title_width.saturating_sub(LABEL_WIDTH)),
                name: lay("", 1),
                name_matters: false,
                snippet: lay(&snippet, snippet_width),
                marks: Vec::new(),
            };
            self.results.push(row);
        }
    }
}
