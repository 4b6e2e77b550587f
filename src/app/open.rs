//! Opening documents in the reading pane: where they were left, their
//! text read now or in the background.

use super::*;

impl App {
    /// Document `index`'s text: kept from before, or read now (a large file
    /// then starts its index in the background).
    pub(super) fn text_of(&mut self, index: usize) -> Result<Arc<Text>, String> {
        if self.source == Some(index) {
            return self.library.documents[index].source_text(self.library.forced);
        }
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
    pub(super) fn open(&mut self, index: usize) {
        self.open_with(index, true);
    }

    /// Opens document `index` now, reading its text on this thread if it
    /// must (for callers that move in it right after).
    pub(super) fn open_now(&mut self, index: usize) {
        self.open_with(index, false);
    }

    pub(super) fn open_with(&mut self, index: usize, in_background: bool) {
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
        // Another document opens rendered.
        if self.source.is_some_and(|doc| doc != index) {
            self.source = None;
        }
        // Hits and a selection belong to the document they were made in.
        self.selection = None;
        self.press = None;
        if matches!(self.mode, Mode::Select | Mode::Yank) {
            self.mode = Mode::Browse;
        }
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
        self.reader = Some(Reader::new(index, text, anchor, options, self.paragraphs));
        if !self.search.query.is_empty() {
            self.run_search((anchor.start, anchor.offset), false);
        }
    }

    /// `S`: shows the open structured document's source (its markup), or
    /// its rendered blocks again; each view keeps its own place.
    pub(super) fn toggle_source(&mut self) {
        let Some(doc) = self.open_document() else {
            return;
        };
        if self.library.documents[doc].format == crate::doc::Format::Plain {
            self.notice = Some("plain text: what shows is the source".into());
            return;
        }
        let showing_source = self.source == Some(doc);
        if let Some(reader) = self.reader.take() {
            if showing_source {
                self.source_position = Some(reader.anchor);
            } else {
                self.positions.insert(doc, reader.anchor);
            }
        }
        let rendered = self.positions.get(&doc).copied();
        if showing_source {
            self.source = None;
        } else {
            self.source = Some(doc);
            // The source's place, kept while this document stays open.
            let place = self.source_position.take().unwrap_or_default();
            self.positions.insert(doc, place);
        }
        self.open_now(doc);
        if !showing_source {
            // The rendered view's place, for when it comes back.
            if let Some(rendered) = rendered {
                self.positions.insert(doc, rendered);
            }
            self.notice = Some("the source: S shows the document again".into());
        }
    }

    /// Takes in that document `doc` was replaced (read again): its list
    /// entry, filter candidate, search index and layout are rebuilt.
    pub(super) fn document_changed(&mut self, doc: usize) {
        let document = &self.library.documents[doc];
        if let Some(candidate) = Arc::make_mut(&mut self.candidates).get_mut(doc) {
            *candidate = Candidate::new(&document.title, &document.name);
        }
        // The filter thread and the search index hold the old text.
        self.worker = None;
        self.searcher = None;
        self.titles.remove(&doc);
        if self.status_doc.is_some_and(|(laid, _)| laid == doc) {
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
}
