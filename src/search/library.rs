//! Full-text search across the library: every paragraph that holds all the
//! query's words (folded, literal, in any order).
//!
//! The library is folded once into one index string (paragraphs separated
//! by newlines). A search scans the index for the query's longest word with
//! `memchr::memmem` and checks the other words only in the paragraphs that
//! word lands in. [`LibrarySearcher`] runs searches on a thread of its own,
//! streams results in batches, and drops a running search as soon as a newer
//! query arrives.

use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};

use encoding_rs::Encoding;
use memchr::memmem;

use crate::library::Document;
use crate::text::fold::{fold, fold_into, fold_query};

/// A paragraph (layout unit) that holds every word of the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchHit {
    /// The document.
    pub doc: usize,
    /// The start of the unit in the document's text.
    pub start: usize,
}

/// The library's paragraphs, folded, in one string.
#[derive(Debug, Default)]
pub struct LibraryIndex {
    text: String,
    /// Start of each paragraph in `text`.
    starts: Vec<usize>,
    /// The document and unit start each start belongs to.
    owners: Vec<(u32, usize)>,
}

impl LibraryIndex {
    /// Folds every paragraph of every document (reading their files), on
    /// every core; a document that cannot be read is left out.
    pub fn build(documents: &[Arc<Document>], forced: Option<&'static Encoding>) -> LibraryIndex {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let chunk = documents.len().div_ceil(threads).max(1);
        let parts: Vec<LibraryIndex> = std::thread::scope(|scope| {
            let handles: Vec<_> = documents
                .chunks(chunk)
                .enumerate()
                .map(|(i, part)| scope.spawn(move || Self::build_part(part, i * chunk, forced)))
                .collect();
            handles.into_iter().filter_map(|h| h.join().ok()).collect()
        });
        let mut index = LibraryIndex {
            text: String::with_capacity(parts.iter().map(|p| p.text.len()).sum()),
            ..LibraryIndex::default()
        };
        for part in parts {
            let base = index.text.len();
            index.text.push_str(&part.text);
            index.starts.extend(part.starts.iter().map(|s| s + base));
            index.owners.extend(part.owners);
        }
        index
    }

    /// The index of some documents, the first being document `first`.
    fn build_part(
        documents: &[Arc<Document>],
        first: usize,
        forced: Option<&'static Encoding>,
    ) -> LibraryIndex {
        let mut index = LibraryIndex::default();
        for (doc, document) in documents.iter().enumerate() {
            let Ok(text) = document.text(forced) else {
                continue;
            };
            let units = text.units();
            let mut unit = units.first();
            while let Some(u) = unit {
                index.starts.push(index.text.len());
                index.owners.push(((first + doc) as u32, u.start));
                fold_into(&text.unit_text(&u), &mut index.text);
                index.text.push('\n');
                unit = units.next(&u);
            }
        }
        index
    }

    /// Bytes of folded text indexed.
    pub fn len(&self) -> usize {
        self.text.len()
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The paragraph holding byte `at` of the index.
    fn paragraph_at(&self, at: usize) -> usize {
        self.starts.partition_point(|&s| s <= at) - 1
    }

    fn paragraph_text(&self, i: usize) -> &str {
        let end = self.starts.get(i + 1).map_or(self.text.len(), |&e| e - 1);
        &self.text[self.starts[i]..end]
    }

    /// Calls `emit` with batches of hits, in library order; stops early (and
    /// returns false) when `cancelled` says so.
    pub fn search(
        &self,
        query: &str,
        cancelled: impl Fn() -> bool,
        mut emit: impl FnMut(Vec<SearchHit>),
    ) -> bool {
        let mut words: Vec<String> = fold_query(query)
            .split_whitespace()
            .map(str::to_string)
            .collect();
        if words.is_empty() {
            return true;
        }
        // The longest word is likely the rarest: scan for it, check the rest.
        words.sort_by_key(|w| std::cmp::Reverse(w.len()));
        let others: Vec<memmem::Finder<'_>> = words[1..]
            .iter()
            .map(|w| memmem::Finder::new(w.as_bytes()))
            .collect();
        let mut batch = Vec::new();
        let mut last = usize::MAX;
        for (n, at) in memmem::find_iter(self.text.as_bytes(), words[0].as_bytes()).enumerate() {
            if n % 256 == 0 && cancelled() {
                return false;
            }
            let i = self.paragraph_at(at);
            if i == last {
                continue;
            }
            last = i;
            let text = self.paragraph_text(i).as_bytes();
            if others.iter().all(|f| f.find(text).is_some()) {
                let (doc, start) = self.owners[i];
                batch.push(SearchHit {
                    doc: doc as usize,
                    start,
                });
                if batch.len() >= 64 {
                    emit(std::mem::take(&mut batch));
                }
            }
        }
        if !batch.is_empty() {
            emit(batch);
        }
        !cancelled()
    }
}

/// Byte ranges, in `paragraph`, of every folded occurrence of the query's words.
pub fn word_ranges(paragraph: &str, query: &str) -> Vec<Range<usize>> {
    let folded = fold(paragraph);
    let mut ranges: Vec<Range<usize>> = fold_query(query)
        .split_whitespace()
        .flat_map(|word| super::document::occurrences(&folded, word))
        .collect();
    ranges.sort_by_key(|r| r.start);
    ranges
}

/// What the search thread sends back.
#[derive(Debug, Clone)]
pub enum Found {
    /// More hits for search `generation`.
    Hits(u64, Vec<SearchHit>),
    /// Search `generation` has finished.
    Done(u64),
}

/// A thread that runs library searches, newest query first.
#[derive(Debug)]
pub struct LibrarySearcher {
    requests: Sender<(u64, String)>,
    results: Receiver<Found>,
    latest: Arc<AtomicU64>,
}

impl LibrarySearcher {
    /// Starts the thread; it folds the library into its index first.
    pub fn spawn(
        documents: Arc<Vec<Arc<Document>>>,
        forced: Option<&'static Encoding>,
    ) -> LibrarySearcher {
        let (requests, incoming) = channel::<(u64, String)>();
        let (outgoing, results) = channel();
        let latest = Arc::new(AtomicU64::new(0));
        let newest = Arc::clone(&latest);
        let spawned = std::thread::Builder::new()
            .name("library search".into())
            .spawn(move || {
                crate::library::background::lower_priority();
                let index = LibraryIndex::build(&documents, forced);
                while let Ok(mut request) = incoming.recv() {
                    while let Ok(newer) = incoming.try_recv() {
                        request = newer;
                    }
                    let (generation, query) = request;
                    let cancelled = || newest.load(Ordering::SeqCst) != generation;
                    let mut gone = false;
                    let finished = index.search(&query, cancelled, |hits| {
                        gone |= outgoing.send(Found::Hits(generation, hits)).is_err();
                    });
                    if gone || (finished && outgoing.send(Found::Done(generation)).is_err()) {
                        break;
                    }
                }
            });
        // Without the thread, searches find nothing and say so.
        drop(spawned);
        LibrarySearcher {
            requests,
            results,
            latest,
        }
    }

    /// Starts a search for `query`, cancelling the running one; returns its
    /// generation.
    pub fn request(&self, query: &str) -> u64 {
        let generation = self.latest.fetch_add(1, Ordering::SeqCst) + 1;
        let _ = self.requests.send((generation, query.to_string()));
        generation
    }

    /// Everything that has arrived since the last call.
    pub fn drain(&self) -> Vec<Found> {
        self.results.try_iter().collect()
    }

    /// Waits (up to `timeout`) for one message.
    pub fn wait(&self, timeout: std::time::Duration) -> Option<Found> {
        self.results.recv_timeout(timeout).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn documents() -> Vec<Arc<Document>> {
        vec![
            Arc::new(Document::new(
                "a",
                "الأمن والاستقرار في المنطقة\nلا شيء\n".into(),
            )),
            Arc::new(Document::new("b", "الاستقرار ثم الأمن\nالأمن وحده\n".into())),
        ]
    }

    /// Hits as (document, paragraph number).
    fn all(index: &LibraryIndex, query: &str) -> Vec<(usize, usize)> {
        let documents = documents();
        let mut hits = Vec::new();
        index.search(query, || false, |batch| hits.extend(batch));
        hits.iter()
            .map(|h| {
                let text = documents[h.doc % 2].text(None).expect("text");
                let n = text.number(h.start).expect("indexed").0 - 1;
                (h.doc, n)
            })
            .collect()
    }

    #[test]
    fn every_word_in_any_order_within_a_paragraph() {
        let index = LibraryIndex::build(&documents(), None);
        assert_eq!(all(&index, "الامن الاستقرار"), [(0, 0), (1, 0)]);
        assert_eq!(all(&index, "الامن"), [(0, 0), (1, 0), (1, 1)]);
        assert_eq!(all(&index, "وحده الاستقرار"), Vec::<(usize, usize)>::new());
        assert_eq!(all(&index, "  "), Vec::<(usize, usize)>::new());
    }

    #[test]
    fn the_index_built_on_many_cores_is_the_one_built_on_one() {
        let documents: Vec<Arc<Document>> = (0..7).flat_map(|_| documents()).collect();
        let index = LibraryIndex::build(&documents, None);
        let serial = LibraryIndex::build_part(&documents, 0, None);
        assert_eq!(index.text, serial.text);
        assert_eq!(index.starts, serial.starts);
        assert_eq!(index.owners, serial.owners);
    }

    #[test]
    fn a_cancelled_search_stops() {
        let index = LibraryIndex::build(&documents(), None);
        let mut hits = Vec::new();
        let finished = index.search("الامن", || true, |batch| hits.extend(batch));
        assert!(!finished);
        assert!(hits.is_empty());
    }

    #[test]
    fn word_ranges_mark_each_word() {
        let paragraph = "الاستقرار ثم الأمن";
        let marked: Vec<&str> = word_ranges(paragraph, "الامن الاستقرار")
            .into_iter()
            .map(|r| &paragraph[r])
            .collect();
        assert_eq!(marked, ["الاستقرار", "الأمن"]);
    }

    #[test]
    fn the_thread_streams_and_finishes() {
        let searcher = LibrarySearcher::spawn(Arc::new(documents()), None);
        let generation = searcher.request("الامن");
        let mut hits = Vec::new();
        loop {
            match searcher
                .wait(std::time::Duration::from_secs(5))
                .expect("a message")
            {
                Found::Hits(g, batch) if g == generation => hits.extend(batch),
                Found::Done(g) if g == generation => break,
                _ => {}
            }
        }
        assert_eq!(hits.len(), 3);
    }
}
