//! Fuzzy filtering of the document list: fuzzy-matcher's SkimMatcherV2
//! over each document's folded title and path.
//!
//! Matching is kept cheap enough to re-run on every keystroke: a query that
//! extends the previous one only re-scores the previous hits (a fuzzy match
//! of the longer query is a match of the shorter); candidates missing any of
//! the query's letters are skipped by a 64-bit letter mask before scoring;
//! and large lists are scored on every core. Nothing here runs on the UI
//! thread: [`FilterWorker`] owns a thread that always answers the newest
//! query.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

use crate::text::fold::{Folded, fold, fold_query};

/// A document as the filter sees it.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The folded title, with its map to the original title.
    pub title: Folded,
    /// The folded path, with its map to the original path.
    pub path: Folded,
    mask: u64,
}

impl Candidate {
    /// Prepares a title and a path for matching.
    pub fn new(title: &str, path: &str) -> Candidate {
        let title = fold(title);
        let path = fold(path);
        let mask = letter_mask(&title.text) | letter_mask(&path.text);
        Candidate { title, path, mask }
    }
}

/// Which text a hit matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The title.
    Title,
    /// The relative path.
    Path,
}

/// A document that matches the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Index of the document (and candidate).
    pub doc: usize,
    /// SkimMatcherV2's score; higher is better.
    pub score: i64,
    /// Where it matched.
    pub field: Field,
    /// Matched characters, as indices into the folded field's characters.
    pub positions: Vec<usize>,
}

impl Hit {
    /// The matched byte ranges of the original title (empty if the path matched).
    pub fn title_ranges(&self, candidate: &Candidate) -> Vec<std::ops::Range<usize>> {
        match self.field {
            Field::Title => self
                .positions
                .iter()
                .map(|&i| candidate.title.original(i..i + 1))
                .collect(),
            Field::Path => Vec::new(),
        }
    }
}

/// One bit per letter (hashed into 64), for a quick "has every letter" test.
fn letter_mask(text: &str) -> u64 {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .fold(0, |mask, c| {
            mask | 1 << ((c as u32).wrapping_mul(2_654_435_761) >> 26)
        })
}

/// Candidates below this count are scored on one core.
const PARALLEL_MIN: usize = 4096;

/// Scores `query` (already folded) against the candidates listed in `within`
/// (all when `None`); returns the hits best first, ties in library order.
pub fn filter(
    candidates: &[Candidate],
    within: Option<&[usize]>,
    query: &str,
    threads: usize,
) -> Vec<Hit> {
    let matcher = SkimMatcherV2::default().ignore_case();
    let mask = letter_mask(query);
    let score = |doc: usize| -> Option<Hit> {
        let candidate = &candidates[doc];
        if candidate.mask & mask != mask {
            return None;
        }
        let title = matcher.fuzzy_indices(&candidate.title.text, query);
        let path = matcher.fuzzy_indices(&candidate.path.text, query);
        let (field, (score, positions)) = match (title, path) {
            (Some(t), Some(p)) if p.0 > t.0 => (Field::Path, p),
            (Some(t), _) => (Field::Title, t),
            (None, Some(p)) => (Field::Path, p),
            (None, None) => return None,
        };
        Some(Hit {
            doc,
            score,
            field,
            positions,
        })
    };
    let all: Vec<usize>;
    let docs = match within {
        Some(docs) => docs,
        None => {
            all = (0..candidates.len()).collect();
            &all
        }
    };
    let mut hits: Vec<Hit> = if threads > 1 && docs.len() >= PARALLEL_MIN {
        let chunk = docs.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let handles: Vec<_> = docs
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(|| part.iter().filter_map(|&d| score(d)).collect::<Vec<_>>())
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        })
    } else {
        docs.iter().filter_map(|&d| score(d)).collect()
    };
    hits.sort_by(|a, b| b.score.cmp(&a.score).then(a.doc.cmp(&b.doc)));
    hits
}

/// The answer to one query.
#[derive(Debug, Clone)]
pub struct Response {
    /// The request it answers.
    pub generation: u64,
    /// The query as typed.
    pub query: String,
    /// Matching documents, best first; `None` for an empty query (all shown).
    pub hits: Option<Vec<Hit>>,
}

/// A thread that filters the candidates, always answering the newest query.
#[derive(Debug)]
pub struct FilterWorker {
    requests: Sender<(u64, String)>,
    responses: Receiver<Response>,
    generation: u64,
}

impl FilterWorker {
    /// Starts the thread over these candidates.
    pub fn spawn(candidates: Arc<Vec<Candidate>>) -> FilterWorker {
        let (requests, incoming) = channel::<(u64, String)>();
        let (outgoing, responses) = channel();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let spawned = std::thread::Builder::new()
            .name("filter".into())
            .spawn(move || {
                // The previous query and its hits, to narrow from.
                let mut previous: Option<(String, Vec<usize>)> = None;
                while let Ok(mut request) = incoming.recv() {
                    // Only the newest query matters.
                    while let Ok(newer) = incoming.try_recv() {
                        request = newer;
                    }
                    let (generation, query) = request;
                    let folded = fold_query(&query);
                    let hits = if folded.trim().is_empty() {
                        previous = None;
                        None
                    } else {
                        let within = previous
                            .as_ref()
                            .filter(|(q, _)| folded.starts_with(q.as_str()))
                            .map(|(_, docs)| docs.as_slice());
                        let hits = filter(&candidates, within, &folded, threads);
                        previous = Some((folded, hits.iter().map(|h| h.doc).collect()));
                        Some(hits)
                    };
                    let response = Response {
                        generation,
                        query,
                        hits,
                    };
                    if outgoing.send(response).is_err() {
                        break;
                    }
                }
            });
        // Without a thread, requests go unanswered and the list stays whole.
        drop(spawned);
        FilterWorker {
            requests,
            responses,
            generation: 0,
        }
    }

    /// Asks for `query`; returns the request's generation.
    pub fn request(&mut self, query: &str) -> u64 {
        self.generation += 1;
        let _ = self.requests.send((self.generation, query.to_string()));
        self.generation
    }

    /// The newest answer that has arrived, if any, skipping stale ones.
    pub fn try_latest(&self) -> Option<Response> {
        let mut latest = None;
        while let Ok(response) = self.responses.try_recv() {
            latest = Some(response);
        }
        latest
    }

    /// Waits (up to `timeout`) for the answer to the newest request.
    pub fn wait_latest(&self, timeout: std::time::Duration) -> Option<Response> {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.responses.recv_timeout(left) {
                Ok(response) if response.generation == self.generation => return Some(response),
                Ok(_) => continue,
                Err(_) => return None,
            }
        }
    }

    /// The generation of the newest request.
    pub fn generation(&self) -> u64 {
        self.generation
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
        let matched: String = hit
            .title_ranges(&c[3])
            .into_iter()
            .map(|r| &title[r])
            .collect();
        assert_eq!(
            matched, "الأمن",
            "the hamza letter is highlighted as typed without it"
        );
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
