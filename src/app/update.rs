//! The one way the state changes: keys become actions (through the table
//! in [`keymap`](super::keymap)), and [`App::update`] applies an action to
//! the mode the reader is in.

use super::*;

impl App {
    /// Handles a key press; returns whether it meant anything.
    pub fn handle_key(&mut self, event: &KeyEvent) -> bool {
        if let KeyCode::Char(c) = event.code {
            self.keyboard = self.keyboard.after(c);
        }
        match keymap::action_for(self.context(), event, self.list_right, self.keyboard) {
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

    /// A click at a screen cell: on a document in the list, selects it (the
    /// reading pane follows); elsewhere on a pane, gives it the keyboard.
    /// Only while browsing or filtering the list: a bar keeps the keyboard.
    pub fn click(&mut self, column: u16, row: u16) {
        let at = ratatui::layout::Position::new(column, row);
        let in_pane = |pane: Option<Rect>| pane.is_some_and(|r| r.contains(at));
        self.press_at(column, row);
        if !matches!(self.mode, Mode::Browse | Mode::Filter) {
            return;
        }
        if let Some(rows) = self.panes.list_rows.filter(|r| r.contains(at)) {
            let position = self.list_offset + usize::from(row - rows.y);
            if position < self.list.len() {
                self.focus = Focus::List;
                self.select(position);
            }
        } else if self.mode == Mode::Browse && in_pane(self.panes.list) {
            self.focus = Focus::List;
        } else if self.mode == Mode::Browse && in_pane(self.panes.reader) && self.reader.is_some() {
            self.focus = Focus::Reader;
        }
        self.sync();
    }

    pub(super) fn scroll(&mut self, delta: isize) {
        let height = self.text_height();
        if let Some(reader) = self.reader.as_mut() {
            reader.scroll(delta, height);
        }
    }

    /// Applies an action to the mode the reader is in, then lays out what
    /// the screen will show. Quitting and suspending work in every mode;
    /// everything else only in the mode whose keys produce it.
    pub fn update(&mut self, action: Action) {
        // A notice lasts until the next key; once the person has acted, the
        // scan no longer reopens the last document when it finds it.
        // A go-to waiting for the paragraphs to be counted is dropped too.
        self.notice = None;
        self.reopen = None;
        self.acted = true;
        self.pending_goto = None;
        match action {
            Action::Quit => self.quit = true,
            Action::Suspend => self.suspend = true,
            _ => match self.mode {
                Mode::Browse => self.update_browse(action),
                Mode::Filter => self.update_filter(action),
                Mode::Search => self.update_search(action),
                Mode::GoTo => self.update_goto(action),
                Mode::Library => self.update_library(action),
                Mode::Bookmarks => self.update_bookmarks(action),
                Mode::Help { scroll } => self.update_help(scroll, action),
                Mode::Mark(command) => self.update_mark(command, action),
                Mode::Select => self.update_select(action),
                Mode::Outline => self.update_outline(action),
                Mode::Yank => {
                    self.mode = Mode::Browse;
                    if action == Action::CopyParagraph {
                        self.copy_top_paragraph();
                    }
                }
            },
        }
        // Whatever gave the list the keyboard (Tab, ←, the filter) shows it.
        if self.focus == Focus::List {
            self.list_hidden = false;
        }
        self.sync();
    }

    /// The help overlay: it scrolls when it does not fit, and closes.
    fn update_help(&mut self, scroll: usize, action: Action) {
        let most = help::max_scroll(self.area, self.list_right);
        self.mode = match action {
            Action::ScrollDown => Mode::Help {
                scroll: (scroll + 1).min(most),
            },
            Action::ScrollUp => Mode::Help {
                scroll: scroll.saturating_sub(1),
            },
            Action::ToggleHelp => Mode::Browse,
            _ => Mode::Help { scroll },
        };
    }

    /// The library search: typing searches, ↓ ↑ pick a result, Enter opens
    /// it.
    fn update_library(&mut self, action: Action) {
        let search = &mut self.library_search;
        match action {
            Action::SelectNext => step_selection(&mut search.selected, search.hits.len(), true),
            Action::SelectPrevious => {
                step_selection(&mut search.selected, search.hits.len(), false);
            }
            Action::AcceptInput => self.open_result(),
            Action::CancelInput => self.mode = Mode::Browse,
            _ => self.update_text(action),
        }
    }

    /// The filter bar over the list: ↓ ↑ move through the matches, Enter
    /// opens the selected one.
    fn update_filter(&mut self, action: Action) {
        match action {
            Action::SelectNext => self.select_by(1),
            Action::SelectPrevious => self.select_by(-1),
            Action::AcceptInput => {
                self.mode = Mode::Browse;
                self.settle();
                if !self.list.is_empty() {
                    self.open(self.selected);
                    self.focus = Focus::Reader;
                }
            }
            Action::CancelInput => {
                self.mode = Mode::Browse;
                self.filter.query.clear();
                self.request_filter();
            }
            _ => self.update_text(action),
        }
    }

    /// Editing the open bar's text.
    pub(super) fn update_text(&mut self, action: Action) {
        match action {
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
            _ => {}
        }
    }

    /// Moving through the list and reading.
    fn update_browse(&mut self, action: Action) {
        let height = self.text_height() as isize;
        match action {
            Action::OpenLibrarySearch => self.mode = Mode::Library,
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
            Action::Top => self.jump(|app| {
                if let Some(r) = app.reader.as_mut() {
                    r.top();
                }
            }),
            Action::Bottom => self.jump(|app| {
                let h = app.text_height();
                if let Some(r) = app.reader.as_mut() {
                    r.bottom(h);
                }
            }),
            Action::NextDocument => self.select_by(1),
            Action::PreviousDocument => self.select_by(-1),
            Action::Back => self.focus = Focus::List,
            Action::SwitchFocus => {
                self.focus = match self.focus {
                    Focus::List if self.reader.is_some() => Focus::Reader,
                    _ => Focus::List,
                };
            }
            Action::ToggleList => {
                if self.list_hidden {
                    self.list_hidden = false;
                } else if self.reader.is_some() {
                    self.list_hidden = true;
                    self.focus = Focus::Reader;
                }
            }
            Action::OpenFilter => {
                self.mode = Mode::Filter;
                self.focus = Focus::List;
            }
            Action::ClearFilter => {
                if !self.filter.query.is_empty() {
                    self.filter.query.clear();
                    self.request_filter();
                }
            }
            Action::OpenSearch => self.open_search(false),
            Action::OpenSearchBackward => self.open_search(true),
            Action::OpenGoTo => self.open_goto(),
            // After a backward search, `n` goes up, as in less and vim.
            Action::NextHit => self.jump(|app| app.step_hit(!app.search.backward)),
            Action::PreviousHit => self.jump(|app| app.step_hit(app.search.backward)),
            Action::ToggleHelp => self.mode = Mode::Help { scroll: 0 },
            Action::SetMark => self.await_mark(
                MarkCommand::Set,
                "bookmark: type a letter (a-z here, A-Z anywhere)",
            ),
            Action::JumpToMark => {
                self.await_mark(MarkCommand::Jump, "go to bookmark: type its letter");
            }
            Action::DeleteMark => self.await_mark(
                MarkCommand::Delete,
                "delete bookmark: type its letter (a-z here, A-Z anywhere)",
            ),
            Action::Reload => self.reload(),
            Action::DismissNote => self.dismiss_note(),
            Action::StartSelection => self.start_selection(),
            Action::Copy => {
                if self.reader.is_some() {
                    self.mode = Mode::Yank;
                }
            }
            Action::CopyDocument => self.copy_document(),
            Action::OpenOutline => self.open_outline(),
            Action::ToggleSource => self.toggle_source(),
            Action::NextHeading => self.step_heading(true),
            Action::PreviousHeading => self.step_heading(false),
            // Other modes' actions; no key makes them here.
            Action::EarlierSearch
            | Action::LaterSearch
            | Action::JumpBack
            | Action::ListMarks
            | Action::CopyParagraph
            | Action::CopyParagraphs
            | Action::WordForward
            | Action::WordBackward
            | Action::WordEnd
            | Action::LineStart
            | Action::LineEnd
            | Action::ParagraphForward
            | Action::ParagraphBackward
            | Action::CursorLeft
            | Action::CursorRight
            | Action::SwapEnds
            | Action::StartHere
            | Action::Insert(_)
            | Action::DeleteChar
            | Action::DeleteWord
            | Action::ClearInput
            | Action::AcceptInput
            | Action::CancelInput
            | Action::Suspend
            | Action::Quit => {}
        }
    }

    /// Waits for the letter of a bookmark command, saying so.
    fn await_mark(&mut self, command: MarkCommand, prompt: &str) {
        if self.reader.is_some() {
            self.mode = Mode::Mark(command);
            self.notice = Some(prompt.into());
        }
    }

    /// Selects the document at `position` of the list (clamped) and shows it.
    pub(super) fn select(&mut self, position: usize) {
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
    pub(super) fn select_by(&mut self, delta: isize) {
        let at = self.position_in_list().unwrap_or(0);
        self.select(at.saturating_add_signed(delta));
    }

    /// Edits the open bar's text.
    pub(super) fn edit(&mut self, edit: impl FnOnce(&mut String)) {
        match self.mode {
            Mode::Library => {
                edit(&mut self.library_search.query);
                self.request_library_search();
            }
            Mode::Search => {
                edit(&mut self.search.query);
                self.search_typed();
            }
            Mode::GoTo => edit(&mut self.goto),
            Mode::Filter => {
                edit(&mut self.filter.query);
                self.request_filter();
            }
            Mode::Browse
            | Mode::Bookmarks
            | Mode::Help { .. }
            | Mode::Mark(_)
            | Mode::Select
            | Mode::Yank
            | Mode::Outline => {}
        }
    }

    /// Opens the selected library result: its document, at its paragraph,
    /// with the query's longest word searched and marked.
    pub(super) fn open_result(&mut self) {
        let Some(&hit) = self.library_search.hits.get(self.library_search.selected) else {
            return;
        };
        let word = crate::text::fold::fold_query(&self.library_search.query)
            .split_whitespace()
            .max_by_key(|w| w.len())
            .map(str::to_string)
            .unwrap_or_default();
        self.mode = Mode::Browse;
        self.jump(|app| {
            app.reveal_in_list(hit.doc);
            app.selected = hit.doc;
            let at = Anchor {
                start: hit.start,
                offset: 0,
                gap: false,
                sub: 0,
            };
            app.positions.insert(hit.doc, at);
            if let Some(reader) = app.reader.as_mut().filter(|r| r.doc == hit.doc) {
                reader.anchor = at;
            }
            app.open(hit.doc);
            app.focus = Focus::Reader;
        });
        self.search.query = word;
        self.search.backward = false;
        self.run_search((hit.start, 0), false);
    }

    /// Hides why the state could not be saved, or else the first note about
    /// the terminal (and remembers that it was dismissed).
    pub(super) fn dismiss_note(&mut self) {
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
}
