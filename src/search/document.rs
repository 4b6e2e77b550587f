//! Search inside one document: every place a folded, literal query occurs,
//! as byte ranges of the units that hold them.
//!
//! A document can be 200 MB, so the search runs on a thread of its own
//! ([`DocSearcher`]), front to back, and streams its hits in batches; a new
//! query (or closing the search) cancels the one running.

use std::ops::Range;
use std::sync::Arc;

use memchr::memmem;

use crate::library::text::Text;
use crate::text::fold::{Folded, fold, fold_query};
use crate::work::{Priority, Streamed, Worker};

/// One occurrence of the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocHit {
    /// The start of the unit it is in.
    pub start: usize,
    /// Its bytes in that unit's text.
    pub range: Range<usize>,
}

/// Occurrences of an already folded `needle` in folded text, as original
/// byte ranges.
pub fn occurrences(folded: &Folded, needle: &str) -> Vec<Range<usize>> {
    if needle.is_empty() {
        return Vec::new();
    }
    let needle_chars = needle.chars().count();
    let mut hits = Vec::new();
    // Byte offsets from memmem, turned into character indices as we go.
    let (mut byte, mut char_index) = (0usize, 0usize);
    for at in memmem::find_iter(folded.text.as_bytes(), needle.as_bytes()) {
        char_index += folded.text[byte..at].chars().count();
        byte = at;
        hits.push(folded.original(char_index..char_index + needle_chars));
    }
    hits
}

/// Hits sent per batch.
const BATCH: usize = 256;

/// Searches `text` for `query` (folded, literal) front to back, handing hits
/// to `emit` in batches; returns false if `cancelled` stopped it.
pub fn search(
    text: &Text,
    query: &str,
    cancelled: impl Fn() -> bool,
    mut emit: impl FnMut(Vec<DocHit>),
) -> bool {
    let needle = fold_query(query);
    if needle.trim().is_empty() {
        return true;
    }
    let finder = memmem::Finder::new(needle.as_bytes());
    let units = text.units();
    let mut batch = Vec::new();
    let mut unit = units.first();
    let mut seen = 0usize;
    while let Some(u) = unit {
        seen += 1;
        if seen.is_multiple_of(1024) && cancelled() {
            return false;
        }
        let folded = fold(&text.unit_text(&u));
        if finder.find(folded.text.as_bytes()).is_some() {
            batch.extend(
                occurrences(&folded, &needle)
                    .into_iter()
                    .map(|range| DocHit {
                        start: u.start,
                        range,
                    }),
            );
            if batch.len() >= BATCH {
                emit(std::mem::take(&mut batch));
            }
        }
        unit = units.next(&u);
    }
    if !batch.is_empty() {
        emit(batch);
    }
    !cancelled()
}

/// Every occurrence of `query` in the text, in order (all at once).
pub fn find(text: &Text, query: &str) -> Vec<DocHit> {
    let mut hits = Vec::new();
    search(text, query, || false, |batch| hits.extend(batch));
    hits
}

/// What the search thread sends back: hits in batches, then that it is
/// done.
pub type DocFound = Streamed<DocHit>;

/// A thread that searches the open document, newest query first.
#[derive(Debug)]
pub struct DocSearcher {
    worker: Worker<(Arc<Text>, String), DocFound>,
}

impl Default for DocSearcher {
    fn default() -> Self {
        DocSearcher::spawn()
    }
}

impl DocSearcher {
    /// Starts the thread.
    pub fn spawn() -> DocSearcher {
        let worker = Worker::spawn(
            "document search",
            Priority::Background,
            || (),
            |(), (text, query): (Arc<Text>, String), job| {
                let mut gone = false;
                let finished = search(
                    &text,
                    &query,
                    || job.cancelled(),
                    |hits| gone |= !job.answer(Streamed::Items(hits)),
                );
                if finished && !gone {
                    job.answer(Streamed::Done);
                }
            },
        );
        DocSearcher { worker }
    }

    /// Starts a search of `text` for `query`, cancelling the running one;
    /// returns its generation.
    pub fn request(&self, text: Arc<Text>, query: &str) -> u64 {
        self.worker.request((text, query.to_string()))
    }

    /// Cancels the running search, if any.
    pub fn cancel(&self) {
        self.worker.cancel();
    }

    /// What the newest search sent since the last call.
    pub fn drain(&self) -> Vec<DocFound> {
        self.worker.take()
    }

    /// Waits (up to `timeout`) for the newest search's next message.
    pub fn wait(&self, timeout: std::time::Duration) -> Option<DocFound> {
        self.worker.wait(timeout)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::UTF_8;

    fn text(s: &str) -> Text {
        Text::from_string(s.to_string(), UTF_8, false)
    }

    #[test]
    fn finds_folded_literal_hits_in_order() {
        let t = text("الأمن أولاً.\nلا شيء هنا\nالامن والأَمن\n");
        let hits = find(&t, "الامن");
        let units = t.units();
        let found: Vec<String> = hits
            .iter()
            .map(|h| {
                let u = units.at(h.start).expect("a unit");
                t.unit_text(&u)[h.range.clone()].to_string()
            })
            .collect();
        assert_eq!(found, ["الأمن", "الامن", "الأَمن"]);
        assert_eq!(hits[1].start, hits[2].start, "two hits in the third line");
    }

    #[test]
    fn empty_queries_find_nothing() {
        let t = text("نص\n");
        assert!(find(&t, "").is_empty());
        assert!(find(&t, "  ").is_empty());
        assert!(
            find(&t, "\u{064E}").is_empty(),
            "a lone haraka folds to nothing"
        );
    }

    #[test]
    fn a_search_stops_when_cancelled() {
        let long: String = (0..20_000).map(|i| format!("سطر {i} فيه كلمة\n")).collect();
        let t = text(&long);
        let asked = std::cell::Cell::new(0);
        let mut hits = 0;
        let finished = search(
            &t,
            "كلمة",
            || {
                asked.set(asked.get() + 1);
                asked.get() > 3
            },
            |batch| hits += batch.len(),
        );
        assert!(!finished, "the search says it was stopped");
        assert!(hits < 20_000, "and stopped early: {hits} hits");
        assert_eq!(
            find(&t, "كلمة").len(),
            20_000,
            "uncancelled, it finds them all"
        );
    }

    #[test]
    fn the_thread_streams_and_answers_the_newest_query() {
        let long: String = (0..20_000).map(|i| format!("سطر {i} فيه كلمة\n")).collect();
        let t = Arc::new(text(&long));
        let searcher = DocSearcher::spawn();
        let first = searcher.request(Arc::clone(&t), "كلمة");
        let second = searcher.request(Arc::clone(&t), "سطر 1999");
        assert!(second > first);
        let mut hits = Vec::new();
        // Only the newest search's answers come through: the first one's
        // were dropped, whether it finished or not.
        while let Streamed::Items(batch) = searcher
            .wait(std::time::Duration::from_secs(10))
            .expect("a message")
        {
            hits.extend(batch);
        }
        // 1999 and 19990..19999.
        assert_eq!(hits.len(), 11);
    }
}
