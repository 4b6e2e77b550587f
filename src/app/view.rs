//! Laying out what the screen shows after every change ([`App::sync`]):
//! panes, bars, reading rows, list titles, results, the note and the
//! status figures. Drawing only reads what this leaves.

use super::*;

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
            let bottom = self.rows.iter().rev().find_map(|row| match row {
                Row::Line {
                    start,
                    layout,
                    line,
                    ..
                } => layout.line(*line).map(|l| start + l.source().end),
                Row::Gap => None,
            });
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
        self.sync_list();
        self.sync_results();
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
                selected: index == search.selected,
                label: None,
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

    pub(super) fn sync_status_title(&mut self) {
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
