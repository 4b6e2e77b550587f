//! Full-text search across the library: every paragraph that holds all the
//! query's words (folded, literal, in any order).
//!
//! The library is folded once into index strings (paragraphs separated by
//! newlines), up to a memory budget; documents past it are read and folded
//! again by each search. A search scans the index for the query's longest
//! word with `memchr::memmem` and checks the other words only in the
//! paragraphs that word lands in. [`LibrarySearcher`] runs searches on a thread of its own,
//! streams results in batches, and drops a running search as soon as a newer
//! query arrives.

use std::ops::Range;
use std::sync::atomic::Ordering;
use std::sync::mpsc::channel;
use std::sync::{Arc, Mutex, Weak};

use encoding_rs::Encoding;
use memchr::memmem;

use crate::library::Document;
use crate::text::fold::{fold, fold_into, fold_query};
use crate::work::{Priority, Streamed, Worker};

/// A paragraph (layout unit) that holds every word of the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchHit {
    /// The document.
    pub doc: usize,
    /// The start of the unit in the document's text.
    pub start: usize,
}

/// Folded text an index holds in memory, at most. Documents past it are
/// read and folded again by every search (streamed, in library order), so
/// that a library of 100,000 files does not hold a second copy of itself:
/// with the whole tree's 153 MB folded in memory, qari took 433 MB.
pub const INDEX_BUDGET: usize = 64 << 20;

/// Folded paragraphs of some documents, in one string.
#[derive(Debug, Default)]
struct Part {
    text: String,
    /// Start of each paragraph in `text`.
    starts: Vec<usize>,
    /// The document and unit start each start belongs to.
    owners: Vec<(u32, usize)>,
}

/// A run of documents, in library order: folded in memory, or read when
/// searched.
#[derive(Debug)]
enum Segment {
    Indexed(Part),
    Streamed {
        /// The library number of the first.
        first: usize,
        documents: Vec<Arc<Document>>,
    },
}

/// The library's paragraphs, folded: as much as [`INDEX_BUDGET`] allows
/// held in memory, the rest read again by each search.
#[derive(Debug, Default)]
pub struct LibraryIndex {
    segments: Vec<Segment>,
    forced: Option<&'static Encoding>,
}

/// The folded words of a query, the longest (likely the rarest) first.
fn query_words(query: &str) -> Vec<String> {
    let mut words: Vec<String> = fold_query(query)
        .split_whitespace()
        .map(str::to_string)
        .collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    words
}

/// Hits gathered and handed on 64 at a time.
struct Batcher<F: FnMut(Vec<SearchHit>)> {
    batch: Vec<SearchHit>,
    emit: F,
}

impl<F: FnMut(Vec<SearchHit>)> Batcher<F> {
    fn push(&mut self, hit: SearchHit) {
        self.batch.push(hit);
        if self.batch.len() >= 64 {
            (self.emit)(std::mem::take(&mut self.batch));
        }
    }

    fn finish(mut self) {
        if !self.batch.is_empty() {
            (self.emit)(self.batch);
        }
    }
}

impl LibraryIndex {
    /// Folds the paragraphs of every document (reading their files) on
    /// every core, up to [`INDEX_BUDGET`]; a document that cannot be read
    /// is left out.
    pub fn build(documents: &[Arc<Document>], forced: Option<&'static Encoding>) -> LibraryIndex {
        Self::build_within(documents, forced, INDEX_BUDGET)
    }

    /// The same, holding at most about `budget` bytes of folded text.
    pub fn build_within(
        documents: &[Arc<Document>],
        forced: Option<&'static Encoding>,
        budget: usize,
    ) -> LibraryIndex {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let chunk = documents.len().div_ceil(threads).max(1);
        let share = budget / threads;
        let parts: Vec<Vec<Segment>> = std::thread::scope(|scope| {
            let handles: Vec<_> = documents
                .chunks(chunk)
                .enumerate()
                .map(|(i, part)| {
                    scope.spawn(move || Self::build_part(part, i * chunk, forced, share))
                })
                .collect();
            handles.into_iter().filter_map(|h| h.join().ok()).collect()
        });
        LibraryIndex {
            segments: parts.into_iter().flatten().collect(),
            forced,
        }
    }

    /// The segments of some documents, the first being document `first`:
    /// folded until `budget` bytes are, the rest left to be streamed.
    fn build_part(
        documents: &[Arc<Document>],
        first: usize,
        forced: Option<&'static Encoding>,
        budget: usize,
    ) -> Vec<Segment> {
        // Folding keeps about the size of the text (an eighth more at most,
        // but for lam-alef ligatures): the string is given that room up
        // front, up to the budget, and a document that would not fit is
        // streamed instead, so the string is never copied to grow (the copy
        // briefly held three times the budget).
        let folded_size = |d: &Document| d.size as usize + d.size as usize / 8;
        let sizes: usize = documents.iter().map(|d| folded_size(d)).sum();
        let mut part = Part {
            text: String::with_capacity(budget.min(sizes)),
            ..Part::default()
        };
        for (doc, document) in documents.iter().enumerate() {
            if part.text.len() + folded_size(document) > budget {
                let rest = Segment::Streamed {
                    first: first + doc,
                    documents: documents[doc..].to_vec(),
                };
                return vec![Segment::Indexed(part), rest];
            }
            let Ok(text) = document.text(forced) else {
                continue;
            };
            let units = text.units();
            let mut unit = units.first();
            while let Some(u) = unit {
                part.starts.push(part.text.len());
                part.owners.push(((first + doc) as u32, u.start));
                fold_into(&text.unit_text(&u), &mut part.text);
                part.text.push('\n');
                unit = units.next(&u);
            }
        }
        vec![Segment::Indexed(part)]
    }

    /// Bytes of folded text held in memory.
    pub fn len(&self) -> usize {
        self.indexed().map(|p| p.text.len()).sum()
    }

    /// Whether nothing is held in memory.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Documents left to be read by each search.
    pub fn streamed(&self) -> usize {
        self.segments
            .iter()
            .map(|s| match s {
                Segment::Streamed { documents, .. } => documents.len(),
                Segment::Indexed(_) => 0,
            })
            .sum()
    }

    fn indexed(&self) -> impl Iterator<Item = &Part> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Indexed(part) => Some(part),
            Segment::Streamed { .. } => None,
        })
    }

    /// Calls `emit` with batches of hits, in library order; stops early (and
    /// returns false) when `cancelled` says so.
    pub fn search(
        &self,
        query: &str,
        cancelled: impl Fn() -> bool + Sync,
        emit: impl FnMut(Vec<SearchHit>),
    ) -> bool {
        let words = query_words(query);
        if words.is_empty() {
            return true;
        }
        let finders: Vec<memmem::Finder<'_>> = words
            .iter()
            .map(|w| memmem::Finder::new(w.as_bytes()))
            .collect();
        let mut out = Batcher {
            batch: Vec::new(),
            emit,
        };
        for segment in &self.segments {
            let finished = match segment {
                Segment::Indexed(part) => part.search(&finders, &cancelled, &mut out),
                Segment::Streamed { first, documents } => search_streamed(
                    documents,
                    *first,
                    self.forced,
                    &finders,
                    &cancelled,
                    &mut out,
                ),
            };
            if !finished {
                return false;
            }
        }
        out.finish();
        !cancelled()
    }
}

impl Part {
    /// The paragraph holding byte `at` of the text.
    fn paragraph_at(&self, at: usize) -> usize {
        self.starts.partition_point(|&s| s <= at) - 1
    }

    fn paragraph_text(&self, i: usize) -> &str {
        let end = self.starts.get(i + 1).map_or(self.text.len(), |&e| e - 1);
        &self.text[self.starts[i]..end]
    }

    /// Scans for the first (longest) word and checks the others in the
    /// paragraphs it lands in.
    fn search<F: FnMut(Vec<SearchHit>)>(
        &self,
        finders: &[memmem::Finder<'_>],
        cancelled: &impl Fn() -> bool,
        out: &mut Batcher<F>,
    ) -> bool {
        let mut last = usize::MAX;
        for (n, at) in finders[0].find_iter(self.text.as_bytes()).enumerate() {
            if n % 256 == 0 && cancelled() {
                return false;
            }
            let i = self.paragraph_at(at);
            if i == last {
                continue;
            }
            last = i;
            let text = self.paragraph_text(i).as_bytes();
            if finders[1..].iter().all(|f| f.find(text).is_some()) {
                let (doc, start) = self.owners[i];
                out.push(SearchHit {
                    doc: doc as usize,
                    start,
                });
            }
        }
        true
    }
}

/// Documents per block of a streamed search.
const STREAM_BLOCK: usize = 128;

/// Reads, folds and searches documents one paragraph at a time, on every
/// core: threads take blocks of documents in turn, and this thread hands
/// on their hits in library order.
fn search_streamed<F: FnMut(Vec<SearchHit>)>(
    documents: &[Arc<Document>],
    first: usize,
    forced: Option<&'static Encoding>,
    finders: &[memmem::Finder<'_>],
    cancelled: &(impl Fn() -> bool + Sync),
    out: &mut Batcher<F>,
) -> bool {
    let blocks: Vec<&[Arc<Document>]> = documents.chunks(STREAM_BLOCK).collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(blocks.len());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (done, finished) = channel::<(usize, Option<Vec<SearchHit>>)>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let done = done.clone();
            let (next, blocks) = (&next, &blocks);
            scope.spawn(move || {
                crate::work::lower_priority();
                let mut folded = String::new();
                loop {
                    let b = next.fetch_add(1, Ordering::SeqCst);
                    let Some(block) = blocks.get(b) else {
                        return;
                    };
                    let base = first + b * STREAM_BLOCK;
                    let hits = search_block(block, base, forced, finders, cancelled, &mut folded);
                    let stop = hits.is_none();
                    if done.send((b, hits)).is_err() || stop {
                        return;
                    }
                }
            });
        }
        drop(done);
        // Blocks finished ahead of the one to hand on next.
        let mut ahead = std::collections::BTreeMap::new();
        let mut written = 0;
        while written < blocks.len() {
            let Ok((b, hits)) = finished.recv() else {
                break;
            };
            ahead.insert(b, hits);
            while let Some(hits) = ahead.remove(&written) {
                let Some(hits) = hits else {
                    // Cancelled: the others see it too and stop.
                    next.store(blocks.len(), Ordering::SeqCst);
                    return false;
                };
                for hit in hits {
                    out.push(hit);
                }
                written += 1;
            }
        }
        written == blocks.len()
    })
}

/// The hits of one block of documents, the first being document `base`;
/// `None` when cancelled.
fn search_block(
    documents: &[Arc<Document>],
    base: usize,
    forced: Option<&'static Encoding>,
    finders: &[memmem::Finder<'_>],
    cancelled: &impl Fn() -> bool,
    folded: &mut String,
) -> Option<Vec<SearchHit>> {
    let mut hits = Vec::new();
    for (i, document) in documents.iter().enumerate() {
        if cancelled() {
            return None;
        }
        let Ok(text) = document.text(forced) else {
            continue;
        };
        let units = text.units();
        let mut unit = units.first();
        while let Some(u) = unit {
            folded.clear();
            fold_into(&text.unit_text(&u), folded);
            if finders.iter().all(|f| f.find(folded.as_bytes()).is_some()) {
                hits.push(SearchHit {
                    doc: base + i,
                    start: u.start,
                });
            }
            unit = units.next(&u);
        }
    }
    Some(hits)
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

/// What the search thread sends back: hits in batches, then that it is
/// done.
pub type Found = Streamed<SearchHit>;

/// The indexes built, each with the documents it was built from: readers
/// over the same library (`qari serve`'s sessions share one) share one
/// index, built once, kept while any of them holds it.
type Built = (Weak<Vec<Arc<Document>>>, Weak<LibraryIndex>);
static BUILT: Mutex<Vec<Built>> = Mutex::new(Vec::new());

/// The index of `documents`: the one already built from these very
/// documents while it is still held, else a new one (while it is built,
/// another reader asking waits for it rather than building a second).
fn shared_index(
    documents: &Arc<Vec<Arc<Document>>>,
    forced: Option<&'static Encoding>,
) -> Arc<LibraryIndex> {
    let mut built = BUILT.lock().unwrap_or_else(|p| p.into_inner());
    built.retain(|(of, index)| of.strong_count() > 0 && index.strong_count() > 0);
    let held = built.iter().find_map(|(of, index)| {
        let same = of.upgrade().is_some_and(|of| Arc::ptr_eq(&of, documents));
        same.then(|| index.upgrade()).flatten()
    });
    if let Some(index) = held {
        return index;
    }
    let index = Arc::new(LibraryIndex::build(documents, forced));
    crate::work::release_freed_memory();
    built.push((Arc::downgrade(documents), Arc::downgrade(&index)));
    index
}

/// A thread that runs library searches, newest query first.
#[derive(Debug)]
pub struct LibrarySearcher {
    worker: Worker<String, Found>,
}

impl LibrarySearcher {
    /// Starts the thread; it folds the library into its index first.
    pub fn spawn(
        documents: Arc<Vec<Arc<Document>>>,
        forced: Option<&'static Encoding>,
    ) -> LibrarySearcher {
        let worker = Worker::spawn(
            "library search",
            Priority::Background,
            move || shared_index(&documents, forced),
            |index: &mut Arc<LibraryIndex>, query: String, job| {
                let mut gone = false;
                let finished = index.search(
                    &query,
                    || job.cancelled(),
                    |hits| gone |= !job.answer(Streamed::Items(hits)),
                );
                if finished && !gone {
                    job.answer(Streamed::Done);
                }
            },
        );
        LibrarySearcher { worker }
    }

    /// Starts a search for `query`, cancelling the running one; returns its
    /// generation.
    pub fn request(&self, query: &str) -> u64 {
        self.worker.request(query.to_string())
    }

    /// What the newest search sent since the last call.
    pub fn drain(&self) -> Vec<Found> {
        self.worker.take()
    }

    /// Waits (up to `timeout`) for the newest search's next message.
    pub fn wait(&self, timeout: std::time::Duration) -> Option<Found> {
        self.worker.wait(timeout)
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
    fn any_budget_finds_what_the_whole_index_finds() {
        let documents: Vec<Arc<Document>> = (0..7).flat_map(|_| documents()).collect();
        let find = |index: &LibraryIndex, query: &str| {
            let mut hits = Vec::new();
            assert!(index.search(query, || false, |batch| hits.extend(batch)));
            hits
        };
        let whole = LibraryIndex::build_within(&documents, None, usize::MAX);
        assert_eq!(whole.streamed(), 0);
        for budget in [0, 1, 60, 200, 1000] {
            let index = LibraryIndex::build_within(&documents, None, budget);
            assert!(index.streamed() > 0 || budget >= 200, "budget {budget}");
            for query in ["الامن", "الامن الاستقرار", "وحده", "لا شيء", "غائب"]
            {
                assert_eq!(
                    find(&index, query),
                    find(&whole, query),
                    "budget {budget}, {query}"
                );
            }
        }
        assert_eq!(
            find(&whole, "الامن").len(),
            21,
            "three hits in each pair of documents"
        );
    }

    #[test]
    fn readers_of_one_library_share_its_index_while_one_holds_it() {
        let documents = Arc::new(documents());
        let first = shared_index(&documents, None);
        let second = shared_index(&Arc::clone(&documents), None);
        assert!(Arc::ptr_eq(&first, &second), "one index for one library");
        let other = Arc::new(documents.as_ref().clone());
        let third = shared_index(&other, None);
        assert!(
            !Arc::ptr_eq(&first, &third),
            "another library, another index"
        );
        // Once nobody holds it, it is gone.
        let weak = Arc::downgrade(&third);
        drop(third);
        assert!(weak.upgrade().is_none());
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
        searcher.request("الامن");
        let mut hits = Vec::new();
        while let Streamed::Items(batch) = searcher
            .wait(std::time::Duration::from_secs(5))
            .expect("a message")
        {
            hits.extend(batch);
        }
        assert_eq!(hits.len(), 3);
    }
}
