//! Fuzzy filtering of the document list: fuzzy-matcher's SkimMatcherV2
//! over each document's folded title and path.
//!
//! Matching is kept cheap enough to re-run on every keystroke over 100,000
//! titles:
//! - a query that extends the previous one only re-scores the previous hits
//!   (a fuzzy match of the longer query is a match of the shorter), and a
//!   query that goes back to an earlier prefix (Backspace) is answered from
//!   that prefix's kept hits without scoring anything;
//! - a field missing any of the query's letters is skipped by a 64-bit
//!   letter mask before scoring (an Arabic query never scores a Latin path);
//! - hits carry only document, score and field; which letters matched is
//!   worked out by [`Hit::marks`] for the few rows on screen;
//! - large lists are scored on every core, in small chunks taken in turn so
//!   that a core slowed by other work does not hold up the answer, and each
//!   core sorts its own hits before they are merged.
//!
//! Nothing here runs on the UI thread: [`FilterWorker`] owns a thread that
//! always answers the newest query.

use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

use crate::text::candidate::letter_mask;
pub use crate::text::candidate::{Candidate, Field};
use crate::text::fold::{fold, fold_query};
use crate::work::{Priority, Worker};

/// A document that matches the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// Index of the document (and candidate).
    pub doc: usize,
    /// SkimMatcherV2's score; higher is better.
    pub score: i64,
    /// Where it matched (the better scoring field).
    pub field: Field,
}

impl Hit {
    /// The matched characters, as byte ranges of `original` (the title or
    /// the path, as `field` says), for a `query` already folded.
    pub fn marks(&self, original: &str, query: &str) -> Vec<Range<usize>> {
        let folded = fold(original);
        matcher()
            .fuzzy_indices(&folded.text, query)
            .map(|(_, positions)| {
                positions
                    .into_iter()
                    .map(|i| folded.original(i..i + 1))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Candidates below this count are scored on one core.
const PARALLEL_MIN: usize = 4096;
/// Candidates a scoring thread takes at a time.
const CHUNK: usize = 1024;

/// The matcher: SkimMatcherV2, case folded already by [`fold`].
fn matcher() -> SkimMatcherV2 {
    SkimMatcherV2::default().ignore_case()
}

/// The ranking: best score first, ties in library order.
fn ranked(a: &Hit, b: &Hit) -> std::cmp::Ordering {
    b.score.cmp(&a.score).then(a.doc.cmp(&b.doc))
}

/// Merges two ranked lists into one.
fn merge(a: Vec<Hit>, b: Vec<Hit>) -> Vec<Hit> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    while let (Some(x), Some(y)) = (a.peek(), b.peek()) {
        let next = if ranked(x, y).is_le() {
            a.next()
        } else {
            b.next()
        };
        out.extend(next);
    }
    out.extend(a);
    out.extend(b);
    out
}

/// Scores `query` (already folded) against the candidates listed in `within`
/// (all when `None`); returns the hits best first, ties in library order.
pub fn filter(
    candidates: &[Candidate],
    within: Option<&[usize]>,
    query: &str,
    threads: usize,
) -> Vec<Hit> {
    let matcher = matcher();
    let mask = letter_mask(query);
    let score = |doc: usize| -> Option<Hit> {
        let candidate = &candidates[doc];
        let field = |field: Field, field_mask: u64| {
            (field_mask & mask == mask)
                .then(|| matcher.fuzzy_indices(candidate.field(field), query))
                .flatten()
                .map(|(score, _)| (score, field))
        };
        let title = field(Field::Title, candidate.title_mask);
        let path = field(Field::Path, candidate.path_mask);
        // The title wins a tie: it is what the row shows first.
        let (score, field) = match (title, path) {
            (Some(t), Some(p)) => {
                if p.0 > t.0 {
                    p
                } else {
                    t
                }
            }
            (t, p) => t.or(p)?,
        };
        Some(Hit { doc, score, field })
    };
    let count = within.map_or(candidates.len(), <[usize]>::len);
    let doc_at = |i: usize| within.map_or(i, |docs| docs[i]);
    let score_range = |range: Range<usize>, hits: &mut Vec<Hit>| {
        hits.extend(range.filter_map(|i| score(doc_at(i))));
    };
    if threads <= 1 || count < PARALLEL_MIN {
        let mut hits = Vec::new();
        score_range(0..count, &mut hits);
        hits.sort_unstable_by(ranked);
        return hits;
    }
    // Each thread takes the next chunk until none are left, then sorts
    // what it found; the sorted parts are merged.
    let next = AtomicUsize::new(0);
    let parts: Vec<Vec<Hit>> = std::thread::scope(|scope| {
        let work = || {
            let mut hits = Vec::new();
            loop {
                let start = next.fetch_add(CHUNK, Ordering::Relaxed);
                if start >= count {
                    break;
                }
                score_range(start..(start + CHUNK).min(count), &mut hits);
            }
            hits.sort_unstable_by(ranked);
            hits
        };
        let handles: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut parts = vec![work()];
        // A panic in a scoring thread is passed on, not turned into
        // missing hits.
        parts.extend(
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))),
        );
        parts
    });
    parts.into_iter().reduce(merge).unwrap_or_default()
}

/// The documents of `hits` in library order: what the next, longer query
/// scores. Library order reads the candidates front to back, which keeps
/// two scoring threads from stalling each other on scattered memory.
pub fn within(hits: &[Hit]) -> Vec<usize> {
    let mut docs: Vec<usize> = hits.iter().map(|h| h.doc).collect();
    docs.sort_unstable();
    docs
}

/// Answers queries as they are typed, narrowing from earlier answers.
///
/// Keeps a chain of answered queries, each a prefix of the next: typing on
/// scores only the last answer's hits, and Backspace back to a query of the
/// chain answers from what was kept, scoring nothing.
#[derive(Debug)]
pub struct Narrowing {
    candidates: Arc<Vec<Candidate>>,
    threads: usize,
    chain: Vec<(String, Arc<Vec<Hit>>)>,
}

/// Queries kept in the chain; a longer typing keeps its last ones.
const CHAIN_LIMIT: usize = 32;

impl Narrowing {
    /// Starts with no query answered.
    pub fn new(candidates: Arc<Vec<Candidate>>, threads: usize) -> Narrowing {
        Narrowing {
            candidates,
            threads,
            chain: Vec::new(),
        }
    }

    /// The hits of `query` (already folded), best first; `None` for an
    /// empty query (every document shows).
    pub fn answer(&mut self, query: &str) -> Option<Arc<Vec<Hit>>> {
        if query.trim().is_empty() {
            self.chain.clear();
            return None;
        }
        while self
            .chain
            .last()
            .is_some_and(|(q, _)| !query.starts_with(q.as_str()))
        {
            self.chain.pop();
        }
        if let Some((q, hits)) = self.chain.last()
            && q == query
        {
            return Some(Arc::clone(hits));
        }
        let within = self.chain.last().map(|(_, hits)| within(hits));
        let hits = Arc::new(filter(
            &self.candidates,
            within.as_deref(),
            query,
            self.threads,
        ));
        if self.chain.len() >= CHAIN_LIMIT {
            self.chain.remove(0);
        }
        self.chain.push((query.to_string(), Arc::clone(&hits)));
        Some(hits)
    }
}

/// The answer to one query.
#[derive(Debug, Clone)]
pub struct Response {
    /// The request it answers.
    pub generation: u64,
    /// The query as typed.
    pub query: String,
    /// The query folded, as it was matched.
    pub folded: String,
    /// Matching documents, best first; `None` for an empty query (all shown).
    pub hits: Option<Arc<Vec<Hit>>>,
}

/// A thread that filters the candidates, always answering the newest query.
#[derive(Debug)]
pub struct FilterWorker {
    worker: Worker<(Arc<Vec<Candidate>>, String), Response>,
    candidates: Arc<Vec<Candidate>>,
}

impl FilterWorker {
    /// Starts the thread over these candidates.
    pub fn spawn(candidates: Arc<Vec<Candidate>>) -> FilterWorker {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let worker = Worker::spawn(
            "filter",
            Priority::Normal,
            || None,
            move |narrowing: &mut Option<(Arc<Vec<Candidate>>, Narrowing)>,
                  (candidates, query): (Arc<Vec<Candidate>>, String),
                  job| {
                // What was narrowed for one query serves the next one over
                // the same candidates.
                let (_, narrowing) = match narrowing {
                    Some((over, _)) if Arc::ptr_eq(over, &candidates) => {
                        narrowing.as_mut().expect("just matched")
                    }
                    _ => narrowing
                        .insert((Arc::clone(&candidates), Narrowing::new(candidates, threads))),
                };
                let folded = fold_query(&query);
                let hits = narrowing.answer(&folded);
                job.answer(Response {
                    generation: job.id(),
                    query,
                    folded,
                    hits,
                });
            },
        );
        FilterWorker { worker, candidates }
    }

    /// Asks for `query`; returns the request's generation.
    pub fn request(&mut self, query: &str) -> u64 {
        self.worker
            .request((Arc::clone(&self.candidates), query.to_string()))
    }

    /// Filters these candidates from now on (ask again to have the current
    /// query answered over them).
    pub fn set_candidates(&mut self, candidates: Arc<Vec<Candidate>>) {
        self.candidates = candidates;
    }

    /// The answer to the newest request, if it has arrived.
    pub fn try_latest(&self) -> Option<Response> {
        self.worker.take().pop()
    }

    /// Waits (up to `timeout`) for the answer to the newest request.
    pub fn wait_latest(&self, timeout: std::time::Duration) -> Option<Response> {
        self.worker.wait(timeout)
    }

    /// The generation of the newest request.
    pub fn generation(&self) -> u64 {
        self.worker.latest()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidates() -> Vec<Candidate> {
        vec![
            Candidate::new("تنسيق أمريكي إيطالي لتعزيز الأمن والاستقرار", "001.txt"),
            Candidate::new("قمة موسكو ومواجهة السياسات الأحادية", "002.txt"),
            Candidate::new("لمحة عامة", "004_security.txt"),
            Candidate::new("الأمن الغذائي", "005.txt"),
        ]
    }

    #[test]
    fn folded_query_finds_hamza_spellings() {
        let hits = filter(&candidates(), None, &fold_query("الامن"), 1);
        let docs: Vec<usize> = hits.iter().map(|h| h.doc).collect();
        assert!(docs.contains(&0) && docs.contains(&3), "{docs:?}");
        assert!(!docs.contains(&1));
    }

    #[test]
    fn ranking_is_by_score_then_library_order() {
        let c = vec![
            Candidate::new("abc", "x"),
            Candidate::new("xxaxxxbxxxc", "y"),
            Candidate::new("abc", "z"),
        ];
        let hits = filter(&c, None, "abc", 1);
        let docs: Vec<usize> = hits.iter().map(|h| h.doc).collect();
        // The two exact titles tie and keep library order, before the spread one.
        assert_eq!(docs, [0, 2, 1]);
        assert!(hits[0].score > hits[2].score);
    }

    #[test]
    fn path_matches_count_too() {
        let hits = filter(&candidates(), None, "security", 1);
        assert_eq!(hits.len(), 1);
        assert_eq!((hits[0].doc, hits[0].field), (2, Field::Path));
    }

    #[test]
    fn narrowing_gives_the_same_hits_as_a_full_search() {
        let c = candidates();
        let first = filter(&c, None, &fold_query("ال"), 1);
        let docs: Vec<usize> = first.iter().map(|h| h.doc).collect();
        let narrowed = filter(&c, Some(&docs), &fold_query("الامن"), 1);
        let full = filter(&c, None, &fold_query("الامن"), 1);
        assert_eq!(narrowed, full);
    }

    #[test]
    fn parallel_scoring_equals_serial_scoring() {
        let c: Vec<Candidate> = (0..PARALLEL_MIN * 2)
            .map(|i| Candidate::new(&format!("عنوان رقم {i} عن الأمن"), &format!("{i}.txt")))
            .collect();
        assert_eq!(filter(&c, None, "امن 1", 1), filter(&c, None, "امن 1", 2));
    }

    #[test]
    fn title_ranges_point_at_the_original_letters() {
        let c = candidates();
        let hits = filter(&c, None, &fold_query("الامن"), 1);
        let hit = hits.iter().find(|h| h.doc == 3).expect("الأمن الغذائي");
        let title = "الأمن الغذائي";
        assert_eq!(hit.field, Field::Title);
        let matched: String = hit
            .marks(title, &fold_query("الامن"))
            .into_iter()
            .map(|r| &title[r])
            .collect();
        assert_eq!(
            matched, "الأمن",
            "the hamza letter is highlighted as typed without it"
        );
    }

    #[test]
    fn narrowing_answers_every_prefix_as_a_full_search_would() {
        let c: Vec<Candidate> = (0..PARALLEL_MIN + 500)
            .map(|i| {
                let title = match i % 4 {
                    0 => format!("الأمن الغذائي {i}"),
                    1 => format!("قمة موسكو {i}"),
                    2 => format!("Security notes {i}"),
                    _ => format!("السياسات الأحادية {i}"),
                };
                Candidate::new(&title, &format!("dir{}/doc{i}.txt", i / 100))
            })
            .collect();
        let c = Arc::new(c);
        let mut narrowing = Narrowing::new(Arc::clone(&c), 2);
        // Typing on, Backspace back, a different word, then the empty query.
        for query in [
            "ا", "ال", "الا", "الام", "الا", "ال", "الس", "s", "se", "doc1", "",
        ] {
            let folded = fold_query(query);
            let expected = (!folded.is_empty()).then(|| filter(&c, None, &folded, 1));
            let got = narrowing.answer(&folded).map(|hits| hits.to_vec());
            assert_eq!(got, expected, "{query:?}");
        }
    }

    #[test]
    fn path_marks_point_at_the_path() {
        let c = candidates();
        let hits = filter(&c, None, "secur", 1);
        assert_eq!(hits[0].field, Field::Path);
        let path = "004_security.txt";
        let marked: String = hits[0]
            .marks(path, "secur")
            .into_iter()
            .map(|r| &path[r])
            .collect();
        assert_eq!(marked, "secur");
    }

    #[test]
    fn the_worker_answers_the_newest_query() {
        let mut worker = FilterWorker::spawn(Arc::new(candidates()));
        worker.request("ق");
        worker.request("قمة");
        let response = worker
            .wait_latest(std::time::Duration::from_secs(5))
            .expect("an answer");
        assert_eq!(response.query, "قمة");
        let docs: Vec<usize> = response.hits.expect("hits").iter().map(|h| h.doc).collect();
        assert_eq!(docs, [1]);
        worker.request("");
        let all = worker
            .wait_latest(std::time::Duration::from_secs(5))
            .expect("an answer");
        assert!(all.hits.is_none(), "an empty query shows everything");
    }
}
