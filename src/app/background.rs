//! Taking in what work off the event loop has produced: documents a scan
//! found, texts read, filter answers, document and library search hits;
//! and the requests that start that work.

use super::*;

impl App {
    /// Adds what the scan has found since the last call; returns whether
    /// anything changed.
    pub(super) fn take_scanned(&mut self) -> bool {
        let Some(scanner) = self.scanner.as_mut() else {
            return false;
        };
        let found = scanner.take();
        let done = scanner.is_done();
        if done {
            self.scanner = None;
            crate::work::release_freed_memory();
        }
        let changed = !found.is_empty() && self.add_scanned(found);
        if done {
            self.read_a_lone_document();
        }
        changed || done
    }

    /// One document and nothing else to choose: it opens in the reading
    /// pane, unless the person has already moved.
    pub(super) fn read_a_lone_document(&mut self) {
        if self.library.documents.len() == 1 && !self.acted && self.scanner.is_none() {
            self.focus = Focus::Reader;
            self.sync();
        }
    }

    /// Adds documents the scan found; returns whether anything changed.
    fn add_scanned(&mut self, found: Vec<crate::library::scan::Found>) -> bool {
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

    /// Takes in texts read in the background; opens the one the reading
    /// pane waits for. Returns whether anything changed.
    pub(super) fn take_loaded(&mut self) -> bool {
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
    pub(super) fn take_text(&mut self, (id, result): Loaded) -> bool {
        let Some((doc, asked)) = self.loading else {
            return false;
        };
        if id != asked {
            return false;
        }
        if let Ok(text) = &result
            && text.is_partial()
        {
            return self.take_preview(doc, Arc::clone(text));
        }
        // The whole text in place of its start: the place is kept.
        if let Some(reader) = self.reader.take_if(|r| r.doc == doc) {
            self.positions.insert(doc, reader.anchor);
        }
        if let Ok(text) = result {
            text.index_in_background();
            self.texts.put(doc, text);
        }
        // From the texts kept now (or, for an error, read again to say why).
        self.open_now(doc);
        self.put_at_pending_place(doc);
        self.pending_place = None;
        self.sync();
        true
    }

    /// Puts the reader of `doc` where a jump into it is waiting to go, if
    /// that place is in the text it shows.
    fn put_at_pending_place(&mut self, doc: usize) {
        if let Some((at, goal)) = self.pending_place
            && at == doc
            && let Some(reader) = self.reader.as_mut().filter(|r| r.doc == doc)
            && let Some(anchor) = places::resolve(&reader.text, goal)
        {
            reader.anchor = anchor;
        }
    }

    /// Shows the start of a long text while the rest is read, unless the
    /// place to open it at lies past that start (it then waits for the
    /// whole). Returns whether the screen changed.
    fn take_preview(&mut self, doc: usize, text: Arc<Text>) -> bool {
        // Where it opens: this session's place in it, else where a jump
        // goes, else where the state left it.
        let fits = match (self.positions.get(&doc), self.pending_place) {
            (Some(at), _) => at.start + at.offset < text.len(),
            (None, Some((at, goal))) if at == doc => places::resolve(&text, goal).is_some(),
            _ => self.stored_place(doc).is_none_or(|stored| {
                places::resolve(&text, places::Goal::Stored(stored)).is_some()
            }),
        };
        if !fits || self.reader.as_ref().is_some_and(|r| r.doc == doc) {
            return false;
        }
        let loading = self.loading;
        self.texts.put(doc, text);
        self.open_now(doc);
        self.put_at_pending_place(doc);
        // Still waiting for the whole text.
        self.loading = loading;
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
        changed |= self.take_pending_goto();
        // The open document's index is done: the place is counted now.
        let indexed = self.open_text().is_some_and(|t| t.index().is_some());
        if indexed && !self.position.exact && self.panes.text.is_some() {
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
    /// (before it, searching backward) is jumped to as soon as it is known.
    pub(super) fn take_doc_hits(&mut self, found: Vec<DocFound>) -> bool {
        let search = &mut self.search;
        let changed = Streamed::gather(found, &mut search.hits, &mut search.done);
        if let Some(from) = self.search.jump_from {
            let search = &self.search;
            match search::first_hit(&search.hits, from, search.backward, search.done) {
                Some(at) => {
                    self.search.current = Some(at);
                    self.search.jump_from = None;
                    // Once the bar is closed, going to the hit is a jump.
                    match (self.search.reveal, self.mode) {
                        (false, _) => {}
                        (true, Mode::Search) => self.reveal_current(),
                        (true, _) => self.jump(App::reveal_current),
                    }
                }
                None if self.search.done => {
                    self.search.jump_from = None;
                    // Nothing found: back where the search bar was opened.
                    if self.search.reveal {
                        self.return_to_origin();
                    }
                }
                None => {}
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
    pub(super) fn take_found(&mut self, found: Vec<Found>) -> bool {
        let search = &mut self.library_search;
        Streamed::gather(found, &mut search.hits, &mut search.done)
    }

    pub(super) fn request_library_search(&mut self) {
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
        searcher.request(&self.library_search.query);
    }

    /// Waits until the running library search has finished (for tests).
    pub fn settle_search(&mut self) {
        while self.pending() && self.mode == Mode::Library {
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

    pub(super) fn apply_filter(&mut self, response: Response) {
        self.filter.applied = response.generation;
        self.list = match &response.hits {
            Some(hits) => hits.iter().map(|h| h.doc).collect(),
            None => (0..self.library.documents.len()).collect(),
        };
        self.filter.hits = response.hits;
        // As in fzf, a new query selects its best match; the same query
        // answered again over more documents (a scan found them) leaves the
        // selection where the person moved it while it is listed.
        let new_query = response.folded != self.filter.matched;
        self.filter.matched = response.folded;
        let best = self
            .filter
            .hits
            .as_ref()
            .and_then(|h| h.first())
            .map(|h| h.doc);
        let target = match best {
            Some(best) if new_query => Some(best),
            _ if !self.list.contains(&self.selected) => self.list.first().copied(),
            _ => None,
        };
        if let Some(doc) = target.filter(|&d| d != self.selected) {
            self.selected = doc;
            self.open(doc);
        }
        self.list_offset = 0;
        self.sync();
    }

    pub(super) fn request_filter(&mut self) {
        let candidates = Arc::clone(&self.candidates);
        let worker = self
            .worker
            .get_or_insert_with(|| FilterWorker::spawn(candidates));
        worker.request(&self.filter.query);
    }

    /// Starts searching the open document for the search query (on the
    /// search thread; hits stream in). The current hit becomes the first at
    /// or after `from` (unit start, offset; the last at or before it when
    /// the search goes backward) as soon as it is known, and with `reveal`
    /// the pane scrolls to it.
    pub(super) fn run_search(&mut self, from: (usize, usize), reveal: bool) {
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
        searcher.request(text, &search.query);
    }
}
