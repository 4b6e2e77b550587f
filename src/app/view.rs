//! Laying out what the screen shows after every change ([`App::sync`]):
//! panes, bars, reading rows, list titles, results, the note and the
//! status figures. Drawing only reads what this leaves.

use std::borrow::Cow;

use super::*;
use crate::library::Document;
use crate::text::sanitize::{LINE_MAX, quote};

impl App {
    /// Lays out what the screen shows now: panes, reading rows, list titles
    /// and the status figures. Drawing only reads what this leaves.
    pub fn sync(&mut self) {
        let bar = self.bar_shown();
        self.sync_note();
        let note_lines = self.note.as_ref().map_or(0, |n| n.line_count());
        self.panes = geometry::panes(
            self.area,
            geometry::Arrangement {
                list_right: self.list_right,
                reader_focused: self.focus == Focus::Reader,
                bar: bar.is_some(),
                results: matches!(self.mode, Mode::Library | Mode::Bookmarks),
                one_pane: self.one_pane,
                note_rows: geometry::note_rows(note_lines, self.area.height),
                list_hidden: self.list_hidden,
                measure: self.measure,
            },
        );
        self.bar = bar.and_then(|bar| {
            let width = self.panes.bar?.width.saturating_sub(BAR_PROMPT_WIDTH + 1);
            let text = match bar {
                Bar::Filter => &self.filter.query,
                Bar::Search => &self.search.query,
                Bar::GoTo => &self.goto,
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
            // As in less: how much of the text lies above the bottom of the
            // pane. It moves a line's worth at a time, and 100 means the
            // end is on screen.
            let bottom = self
                .rows
                .iter()
                .rev()
                .find_map(|row| row.source().map(|s| s.end));
            let percent = if at_end || len == 0 {
                100
            } else {
                (bottom.unwrap_or(anchor.start) * 100 / len).min(99) as u8
            };
            // Counted once the index is built; until then, estimated from
            // the byte offset and the units of the text's start.
            let (paragraph, paragraphs, exact) = match reader.text.number(anchor.start) {
                Some((n, count)) => (n, count, true),
                None => {
                    let count = reader.estimated_units();
                    let n = (anchor.start as f64 / len.max(1) as f64 * count as f64) as usize + 1;
                    // Counted already, yet no number: the text is empty.
                    (n.min(count), count, reader.text.index().is_some())
                }
            };
            self.position = Position {
                percent,
                paragraph,
                paragraphs,
                exact,
            };
        }
        self.sync_unreadable();
        self.sync_list();
        self.sync_results();
        self.sync_outline();
        self.sync_status_title();
        self.record_position();
    }

    /// Lays out the results pane: the library search's results, or the
    /// bookmarks.
    pub(super) fn sync_results(&mut self) {
        self.results.clear();
        self.results_header.clear();
        let Some(area) = self.panes.results else {
            return;
        };
        match self.mode {
            Mode::Bookmarks => self.sync_bookmark_rows(area),
            _ => self.sync_library_rows(area),
        }
    }

    /// Lays out the library search's header and visible results in `area`.
    fn sync_library_rows(&mut self, area: Rect) {
        let search = &mut self.library_search;
        let count = search.hits.len();
        self.results_header = match (search.query.trim().is_empty(), search.done, count) {
            (true, _, _) => {
                " Search every document: type words (all must be in one paragraph)".to_string()
            }
            (false, false, _) => format!(" {count} paragraphs so far…"),
            (false, true, 0) => " No paragraph holds every word".to_string(),
            (false, true, 1) => " 1 paragraph".to_string(),
            (false, true, _) => format!(" {count} paragraphs"),
        };
        let visible = usize::from(area.height.saturating_sub(1)).max(1);
        search.offset = scrolled_to(search.selected, search.offset, visible);
        let row_width = usize::from(area.width);
        let snippet_width = result_snippet_width(row_width);
        let end = (search.offset + visible).min(search.hits.len());
        // The documents shown, each once: their columns are sized by them.
        let mut docs: Vec<usize> = search.hits[search.offset..end]
            .iter()
            .map(|h| h.doc)
            .collect();
        docs.sort_unstable();
        docs.dedup();
        let documents = Arc::clone(&self.library.documents);
        let titles: Vec<Cow<str>> = docs.iter().map(|&d| list_title(&documents[d])).collect();
        let names: Vec<&str> = docs.iter().map(|&d| documents[d].name.as_str()).collect();
        // A gap after the title and one after the name.
        let room = result_document_width(row_width).saturating_sub(2);
        // One pair of columns for every row (the separator stays put),
        // shared by the widest title and name.
        let repeated = repeats(room, &titles, &names);
        let widest = |texts: &mut dyn Iterator<Item = &str>| texts.map(elide::width).max();
        let columns = Columns::share(
            room,
            widest(&mut titles.iter().map(|t| t.as_ref())).unwrap_or(0),
            widest(&mut names.iter().copied()).unwrap_or(0),
            repeated.contains(&true),
        );
        self.result_columns = columns;
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
            let at = docs.binary_search(&hit.doc).unwrap_or(0);
            let (title, _, name) =
                lay_out_title_and_name(&titles[at], &document.name, columns, &options);
            self.results.push(ResultRow {
                hit: index,
                selected: index == self.library_search.selected,
                label: None,
                title,
                name,
                name_matters: repeated[at],
                snippet: Rc::new(snippet),
                marks,
            });
        }
    }

    /// Lays out why the open document cannot be read, for the reading
    /// pane: wrapped at words, its file name's controls shown.
    fn sync_unreadable(&mut self) {
        let document = self.open_document().map(|d| &self.library.documents[d]);
        let error = document.and_then(|d| d.error.as_ref().or(self.open_error.as_ref()));
        self.unreadable = match (document, error, self.panes.text) {
            (Some(document), Some(error), Some(text)) => {
                let message = format!("Cannot read {}: {error}", document.name);
                let options = LayoutOptions {
                    width: usize::from(text.width).max(1),
                    direction: BaseDirection::Ltr,
                    ..self.options
                };
                Some(Rc::new(Layout::new(&quote(&message, LINE_MAX), &options)))
            }
            _ => None,
        };
    }

    /// Lays out the first note about the terminal for the screen's width
    /// (inside a margin of one cell on each side).
    pub(super) fn sync_note(&mut self) {
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

    /// Lays out the open document's title for the status bar (a third of
    /// the bar, and no more than 48 cells) and its file name (a fifth, no
    /// more than 40), unless the name is the title.
    pub(super) fn sync_status_title(&mut self) {
        self.status_page = self.page();
        self.status_section = self.section().map(|section| {
            let fallback = self
                .open_document()
                .map_or(Direction::Ltr, |d| self.library.documents[d].direction);
            let options = LayoutOptions {
                width: (usize::from(self.area.width) / 4).clamp(1, 40),
                wrap: false,
                fallback,
                ..self.options
            };
            Rc::new(Layout::new(&section, &options))
        });
        let Some(doc) = self.open_document() else {
            self.status_title = None;
            self.status_name = None;
            self.status_doc = None;
            return;
        };
        if self.status_doc == Some((doc, self.area.width)) {
            return;
        }
        self.status_doc = Some((doc, self.area.width));
        let document = &self.library.documents[doc];
        let options = LayoutOptions {
            width: (usize::from(self.area.width) / 3).clamp(1, 48),
            fallback: document.direction,
            ..self.options
        };
        self.status_title =
            (!document.title.is_empty()).then(|| Rc::new(Layout::new(&document.title, &options)));
        let name_width = (usize::from(self.area.width) / 5).clamp(1, 40);
        self.status_name = (document.name != document.title).then(|| {
            let shown = elide::path(&document.name, name_width);
            let options = LayoutOptions {
                width: name_width,
                wrap: false,
                ..options
            };
            Rc::new(Layout::new(&shown.text, &options))
        });
    }

    /// Keeps the selection visible, sizes the list's columns by what the
    /// rows shown need, and lays out their titles and names.
    pub(super) fn sync_list(&mut self) {
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
        let end = (self.list_offset + visible).min(self.list.len());
        let shown = &self.list[self.list_offset..end];
        let documents = &self.library.documents;
        let titles: Vec<Cow<str>> = shown.iter().map(|&d| list_title(&documents[d])).collect();
        let names: Vec<&str> = shown.iter().map(|&d| documents[d].name.as_str()).collect();
        let room = list_room(usize::from(rows.width));
        // Each row shares its cells by what its title and name need.
        let repeated = repeats(room, &titles, &names);
        let columns: Vec<Columns> = titles
            .iter()
            .zip(&names)
            .zip(&repeated)
            .map(|((title, name), &matters)| {
                Columns::share(room, elide::width(title), elide::width(name), matters)
            })
            .collect();
        self.marks.clear();
        for (at, &index) in shown.iter().enumerate() {
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
            // Laid out again when the row's columns change.
            if self
                .titles
                .get(&index)
                .is_some_and(|e| e.columns != columns[at])
            {
                self.titles.remove(&index);
            }
            let entry = self.titles.entry(index).or_insert_with(|| {
                let document = &self.library.documents[index];
                let options = LayoutOptions {
                    fallback: document.direction,
                    ..self.options
                };
                let (title, name_shown, name) =
                    lay_out_title_and_name(&titles[at], &document.name, columns[at], &options);
                ListEntry {
                    columns: columns[at],
                    title,
                    name,
                    name_shown,
                    name_matters: false,
                }
            });
            entry.name_matters = repeated[at];
        }
    }
}

/// What a list row shows where its title goes: the title, or why the
/// document cannot be read.
fn list_title(document: &Document) -> Cow<'_, str> {
    match &document.error {
        Some(error) => Cow::Owned(format!("cannot read: {error}")),
        None => Cow::Borrowed(&document.title),
    }
}

/// For each row shown (its title and name in `room` cells), whether its
/// title repeats another one's: the two look alike in the title columns
/// they would have.
fn repeats(room: usize, titles: &[Cow<str>], names: &[&str]) -> Vec<bool> {
    let usual: Vec<usize> = titles
        .iter()
        .zip(names)
        .map(|(title, name)| {
            Columns::share(room, elide::width(title), elide::width(name), false).title
        })
        .collect();
    // Sorted, titles that look alike are neighbours.
    let mut order: Vec<usize> = (0..titles.len()).collect();
    order.sort_by(|&a, &b| titles[a].cmp(&titles[b]));
    let mut repeated = vec![false; titles.len()];
    for pair in order.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if elide::alike(&titles[a], &titles[b], usual[a].max(usual[b])) {
            repeated[a] = true;
            repeated[b] = true;
        }
    }
    repeated
}

/// Lays out a title for `columns.title` cells (one fewer when it does not
/// fit: room for the `…` painted after it) and a file name shortened to
/// `columns.name` cells. Returns the title, where the name's bytes show,
/// and the name.
fn lay_out_title_and_name(
    title: &str,
    name: &str,
    columns: Columns,
    options: &LayoutOptions,
) -> (Rc<Layout>, Elided, Rc<Layout>) {
    let title_width = if elide::width(title) > columns.title {
        columns.title.saturating_sub(1)
    } else {
        columns.title
    };
    let title = Layout::new(
        title,
        &LayoutOptions {
            width: title_width.max(1),
            wrap: true,
            ..*options
        },
    );
    let shown = elide::path(name, columns.name);
    let name = Layout::new(
        &shown.text,
        &LayoutOptions {
            width: columns.name.max(1),
            wrap: false,
            ..*options
        },
    );
    (Rc::new(title), shown, Rc::new(name))
}
