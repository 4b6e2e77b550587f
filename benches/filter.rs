//! Filtering the document list as a reader types, over 100,000 titles.
//!
//! The titles are 3 to 9 words drawn from the words of `assets/*.txt` (as
//! often as they occur there) by a fixed-seed xorshift generator, with paths
//! `dir{n/1000}/doc{n}.txt`; the candidates are prepared once. Each query is
//! typed one letter at a time, up to 8 letters, and every keystroke is run
//! the way the filter worker runs it: the prefix is folded and scored within
//! the previous prefix's hits.
//!
//! Criterion groups:
//! - `filter_keystroke_1t`, `filter_keystroke_2t`: one keystroke, `filter`
//!   alone, on one thread and on two;
//! - `filter_request`: what the UI thread pays per keystroke,
//!   `FilterWorker::request`, while the worker is busy matching;
//! - `filter_typing`: typing a whole query through the worker, each letter
//!   answered (`wait_latest`) before the next is typed.
//!
//! Criterion reports means and medians; the tail is what a reader feels, so
//! a timing loop afterwards types every query again and again and prints
//! p50, p99 and max per keystroke: `filter` on one and two threads, then
//! `request` and request-to-answer through the worker, then what the UI
//! thread of the reader itself spends per keystroke and per answer (update
//! and a 200×60 frame).
//!
//! Under `cargo test --benches` everything runs once on 2,000 titles. With
//! `--profile-time` criterion runs alone on the full set (for `perf record`).
//!
//! Run: `cargo bench --bench filter`.

use std::fs;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, SamplingMode, black_box};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use qari::app::App;
use qari::library::{Document, Library};
use qari::search::filter::{Candidate, FilterWorker, filter, within as within_hits};
use qari::text::LayoutOptions;
use qari::text::fold::fold_query;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

mod common;
use common::{Mode, asset_documents, mode, percentiles};

/// Titles when measuring, and under `cargo test --benches`.
const TITLES: usize = 100_000;
const TEST_TITLES: usize = 2_000;
/// Letters typed of each query.
const MAX_KEYS: usize = 8;
/// Typings of every query in the timing loop, unless the time runs out.
const REPETITIONS: usize = 200;
/// Time allowed for each of the three timing loops once it has its minimum
/// repetitions, to keep the whole run near three minutes on two cores.
const LOOP_BUDGET: Duration = Duration::from_secs(20);
const MIN_REPETITIONS: usize = 10;
/// Longest wait for the worker's answer before the run is declared broken.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(30);
const SEED: u64 = 0x2545_F491_4F6C_DD1D;

/// The targets: the typed letter shows in the next frame, and the
/// filtered list arrives within 50 ms (p99).
const FRAME: Duration = Duration::from_millis(16);
const LIST_P99: Duration = Duration::from_millis(50);

/// The queries, by a name for criterion and as typed: two phrases that are
/// common in the corpus, an 8-letter word, and rare letters that match
/// nothing from the fourth letter on.
const QUERIES: [(&str, &str); 4] = [
    ("alamn", "الامن"),
    ("altaawun_aldawli", "التعاون الدولي"),
    ("alsiyasiya", "السياسية"),
    ("nothing", "ظذغظذغظذ"),
];

/// Marsaglia's xorshift64: the same titles on every run and machine.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Every word of `assets/*.txt`, in file order, with punctuation trimmed
/// (harakat are kept, so folding has work to do).
fn corpus_words() -> Vec<String> {
    let paths = asset_documents();
    let mut words = Vec::new();
    for path in &paths {
        let text = fs::read_to_string(path).expect("cannot read a document in assets/");
        let kept = |c: char| c.is_alphanumeric() || ('\u{064B}'..='\u{065F}').contains(&c);
        words.extend(
            text.split_whitespace()
                .map(|w| w.trim_matches(|c: char| !kept(c)))
                .filter(|w| !w.is_empty())
                .map(str::to_string),
        );
    }
    assert!(!words.is_empty(), "no words in assets/*.txt");
    words
}

/// `n` synthetic documents' titles (3 to 9 corpus words) and paths.
fn titles(n: usize) -> Vec<(String, String)> {
    let words = corpus_words();
    let mut rng = XorShift(SEED);
    (0..n)
        .map(|i| {
            let len = 3 + rng.below(7);
            let title: Vec<&str> = (0..len)
                .map(|_| words[rng.below(words.len())].as_str())
                .collect();
            (title.join(" "), format!("dir{}/doc{i}.txt", i / 1000))
        })
        .collect()
}

fn candidates(titles: &[(String, String)]) -> Vec<Candidate> {
    titles
        .iter()
        .map(|(title, path)| Candidate::new(title, path))
        .collect()
}

/// One keystroke of a query: the prefix typed so far, and the hits of the
/// prefix before it (`None` for the first letter: every candidate).
struct Key {
    prefix: String,
    within: Option<Vec<usize>>,
    hits: usize,
}

struct Typed {
    name: &'static str,
    keys: Vec<Key>,
}

/// Types each query letter by letter, keeping each keystroke's input.
fn typed(candidates: &[Candidate]) -> Vec<Typed> {
    QUERIES
        .iter()
        .map(|&(name, query)| {
            let mut within: Option<Vec<usize>> = None;
            let keys = (1..=query.chars().count().min(MAX_KEYS))
                .map(|n| {
                    let prefix: String = query.chars().take(n).collect();
                    let hits = filter(candidates, within.as_deref(), &fold_query(&prefix), 2);
                    let docs = within_hits(&hits);
                    Key {
                        prefix,
                        within: within.replace(docs),
                        hits: hits.len(),
                    }
                })
                .collect();
            Typed { name, keys }
        })
        .collect()
}

fn keystroke_benches(c: &mut Criterion, candidates: &[Candidate], queries: &[Typed]) {
    for threads in [1, 2] {
        let mut group = c.benchmark_group(format!("filter_keystroke_{threads}t"));
        group
            .sampling_mode(SamplingMode::Flat)
            .sample_size(10)
            .warm_up_time(Duration::from_millis(100))
            .measurement_time(Duration::from_millis(300));
        for query in queries {
            for (n, key) in query.keys.iter().enumerate() {
                group.bench_with_input(BenchmarkId::new(query.name, n + 1), key, |b, key| {
                    b.iter(|| {
                        filter(
                            candidates,
                            key.within.as_deref(),
                            &fold_query(&key.prefix),
                            threads,
                        )
                    });
                });
            }
        }
        group.finish();
    }
}

fn worker_benches(c: &mut Criterion, candidates: &Arc<Vec<Candidate>>, queries: &[Typed]) {
    let mut worker = FilterWorker::spawn(Arc::clone(candidates));
    let prefixes: Vec<&str> = queries
        .iter()
        .flat_map(|q| q.keys.iter().map(|k| k.prefix.as_str()))
        .collect();

    // The UI thread's share of a keystroke. Requests arrive faster than the
    // worker answers, so it is always matching (on every core) while
    // `request` is timed: the worst case for the UI thread.
    let mut group = c.benchmark_group("filter_request");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    let mut next = 0;
    group.bench_function("request_worker_busy", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let prefix = prefixes[next % prefixes.len()];
                next += 1;
                let start = Instant::now();
                black_box(worker.request(prefix));
                total += start.elapsed();
                // Answers are dropped untimed, as the UI would take them.
                drop(worker.try_latest());
            }
            total
        });
    });
    group.finish();
    // Let the worker finish before the next group (an empty query is
    // answered at once, after whatever it is matching).
    worker.request("");
    worker
        .wait_latest(ANSWER_TIMEOUT)
        .expect("the worker did not answer");

    // A whole query typed through the worker, each letter answered before
    // the next one; divide by the letters for the mean per keystroke. The
    // timing loop does this for every query; here, the longest typing and
    // the one that matches nothing.
    let mut group = c.benchmark_group("filter_typing");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_secs(1));
    for query in [&queries[1], &queries[3]] {
        let id = BenchmarkId::new(query.name, format!("{}_keys", query.keys.len()));
        group.bench_function(id, |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    // An empty query resets the worker's narrowing.
                    worker.request("");
                    worker.wait_latest(ANSWER_TIMEOUT).expect("no answer");
                    let start = Instant::now();
                    for key in &query.keys {
                        worker.request(&key.prefix);
                        black_box(worker.wait_latest(ANSWER_TIMEOUT).expect("no answer"));
                    }
                    total += start.elapsed();
                }
                total
            });
        });
    }
    group.finish();
}

/// Durations of one keystroke over the repetitions: `[query][key][repetition]`.
type Samples = Vec<Vec<Vec<Duration>>>;

fn empty_samples(queries: &[Typed]) -> Samples {
    queries
        .iter()
        .map(|q| vec![Vec::new(); q.keys.len()])
        .collect()
}

/// Repeats `type_once` (which types every query once) until `REPETITIONS`,
/// or until the budget runs out after `MIN_REPETITIONS`; returns how many.
fn repeat(reps: usize, mut type_once: impl FnMut()) -> usize {
    let start = Instant::now();
    let mut done = 0;
    while done < reps && (done < MIN_REPETITIONS || start.elapsed() < LOOP_BUDGET) {
        type_once();
        done += 1;
    }
    done
}

/// `filter` per keystroke, typing each query from the first letter.
fn time_filter(
    candidates: &[Candidate],
    queries: &[Typed],
    threads: usize,
    reps: usize,
) -> (Samples, usize) {
    let mut samples = empty_samples(queries);
    let done = repeat(reps, || {
        for (q, query) in queries.iter().enumerate() {
            let mut within: Option<Vec<usize>> = None;
            for (k, key) in query.keys.iter().enumerate() {
                let start = Instant::now();
                let hits = filter(
                    candidates,
                    within.as_deref(),
                    &fold_query(&key.prefix),
                    threads,
                );
                samples[q][k].push(start.elapsed());
                assert_eq!(hits.len(), key.hits, "{:?}", key.prefix);
                within = Some(within_hits(&hits));
            }
        }
    });
    (samples, done)
}

/// Through the worker: how long `request` takes to return, and how long
/// from the request to its answer. Each letter waits for its answer before
/// the next is typed; typing ahead would add the rest of the stale answer,
/// which the worker finishes before it reads the newer query.
fn time_worker(
    candidates: &Arc<Vec<Candidate>>,
    queries: &[Typed],
    reps: usize,
) -> (Samples, Samples, usize) {
    let mut worker = FilterWorker::spawn(Arc::clone(candidates));
    let mut sent = empty_samples(queries);
    let mut answered = empty_samples(queries);
    let done = repeat(reps, || {
        for (q, query) in queries.iter().enumerate() {
            worker.request("");
            worker.wait_latest(ANSWER_TIMEOUT).expect("no answer");
            for (k, key) in query.keys.iter().enumerate() {
                let start = Instant::now();
                worker.request(&key.prefix);
                let returned = start.elapsed();
                let response = worker.wait_latest(ANSWER_TIMEOUT).expect("no answer");
                answered[q][k].push(start.elapsed());
                sent[q][k].push(returned);
                let hits = response.hits.map_or(0, |h| h.len());
                assert_eq!(hits, key.hits, "{:?}", key.prefix);
            }
        }
    });
    (sent, answered, done)
}

/// What the UI thread spends, in the reader itself (`App` over a library
/// of the synthetic documents, drawn at 200×60 on a `TestBackend`): per
/// keystroke, the key's update and the frame drawn after it; per answer
/// from the filter thread, taking it in and the frame drawn after it.
struct UiSamples {
    keystroke: Vec<Duration>,
    answer: Vec<Duration>,
}

fn time_ui(titles: &[(String, String)], queries: &[Typed], reps: usize) -> UiSamples {
    let documents: Vec<Document> = titles
        .iter()
        .map(|(title, path)| Document::new(path.clone(), format!("{title}\n")))
        .collect();
    let library = Library::from_documents(documents);
    let mut app = App::new(library, None, LayoutOptions::default());
    app.resize(200, 60);
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("a test terminal");
    let mut draw = |app: &App| {
        terminal
            .draw(|frame| frame.render_widget(app, frame.area()))
            .expect("draw");
    };
    let press = |app: &mut App, code: KeyCode, modifiers: KeyModifiers| {
        app.handle_key(&KeyEvent::new(code, modifiers));
    };
    let mut samples = UiSamples {
        keystroke: Vec::new(),
        answer: Vec::new(),
    };
    press(&mut app, KeyCode::Char('/'), KeyModifiers::NONE);
    repeat(reps, || {
        for query in queries {
            press(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
            app.settle();
            for key in &query.keys {
                let letter = key.prefix.chars().last().expect("a letter");
                let start = Instant::now();
                press(&mut app, KeyCode::Char(letter), KeyModifiers::NONE);
                draw(&app);
                samples.keystroke.push(start.elapsed());
                // The answer arrives on the filter thread; the event loop
                // polls for it. Only the poll that takes it in is timed.
                let deadline = Instant::now() + ANSWER_TIMEOUT;
                loop {
                    let start = Instant::now();
                    if app.poll_background() {
                        draw(&app);
                        samples.answer.push(start.elapsed());
                        break;
                    }
                    assert!(Instant::now() < deadline, "no answer");
                    std::thread::sleep(Duration::from_micros(200));
                }
                // The answer taken in is the newest query's.
                assert!(!app.pending(), "{:?}", key.prefix);
            }
        }
    });
    samples
}

fn report_ui(titles: usize, ui: &UiSamples) {
    println!();
    println!(
        "UI thread, reader over {titles} documents at 200x60 (ms): p50 p99 max\n  \
         keystroke (update + frame): {}\n  answer taken in (update + frame): {}",
        stats(&ui.keystroke, ms),
        stats(&ui.answer, ms)
    );
}

/// p50, p99 and max (nearest rank).
fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1e3)
}

fn us(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1e6)
}

/// All samples at keystroke `k` (every query), or of every keystroke.
fn pooled(samples: &Samples, k: Option<usize>) -> Vec<Duration> {
    samples
        .iter()
        .flat_map(|query| {
            query
                .iter()
                .enumerate()
                .filter(move |&(i, _)| k.is_none_or(|k| k == i))
                .flat_map(|(_, s)| s.iter().copied())
        })
        .collect()
}

fn stats(samples: &[Duration], unit: fn(Duration) -> String) -> String {
    let [p50, p99, max] = percentiles(samples);
    format!("{:>9} {:>9} {:>9}", unit(p50), unit(p99), unit(max))
}

fn report(
    titles: usize,
    queries: &[Typed],
    one: &(Samples, usize),
    two: &(Samples, usize),
    worker: &(Samples, Samples, usize),
) {
    let (sent, answered, worker_reps) = worker;
    println!();
    println!(
        "filter per keystroke over {titles} titles: fold_query + filter within the previous \
         prefix's hits; {} typings of each query on 1 thread, {} on 2; times in ms",
        one.1, two.1
    );
    println!(
        "{:<17} {:>3} {:>7} {:>7} | {:>9} {:>9} {:>9} | {:>9} {:>9} {:>9} | prefix",
        "query",
        "key",
        "scored",
        "hits",
        "1t p50",
        "1t p99",
        "1t max",
        "2t p50",
        "2t p99",
        "2t max"
    );
    for (q, query) in queries.iter().enumerate() {
        for (k, key) in query.keys.iter().enumerate() {
            let scored = key.within.as_ref().map_or(titles, Vec::len);
            println!(
                "{:<17} {:>3} {:>7} {:>7} | {} | {} | {}",
                query.name,
                k + 1,
                scored,
                key.hits,
                stats(&one.0[q][k], ms),
                stats(&two.0[q][k], ms),
                key.prefix
            );
        }
    }
    println!();
    println!("pooled over the queries, by letters typed (ms; request in µs)");
    println!(
        "{:<4} {:>5} | {:>9} {:>9} {:>9} | {:>9} {:>9} {:>9} | {:>9} {:>9} {:>9} | {:>9} {:>9} {:>9}",
        "key",
        "n",
        "1t p50",
        "1t p99",
        "1t max",
        "2t p50",
        "2t p99",
        "2t max",
        "e2e p50",
        "e2e p99",
        "e2e max",
        "req p50",
        "req p99",
        "req max"
    );
    let rows = (0..MAX_KEYS).map(Some).chain([None]);
    for k in rows {
        let label = k.map_or("all".to_string(), |k| (k + 1).to_string());
        let one = pooled(&one.0, k);
        if one.is_empty() {
            continue;
        }
        println!(
            "{:<4} {:>5} | {} | {} | {} | {}",
            label,
            one.len(),
            stats(&one, ms),
            stats(&pooled(&two.0, k), ms),
            stats(&pooled(answered, k), ms),
            stats(&pooled(sent, k), us)
        );
    }
    println!(
        "n: samples per row for 1t (2t and e2e had {} and {worker_reps} typings of each query); \
         e2e: request then wait_latest for its answer, through FilterWorker on {} threads; \
         req: how long request() took to return",
        two.1,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
}

/// The targets, against the timing loop's numbers.
fn verdicts(two: &(Samples, usize), worker: &(Samples, Samples, usize), ui: &UiSamples) {
    let (sent, answered, _) = worker;
    let [request_p50, request_p99, request_max] = percentiles(&pooled(sent, None));
    let [list_p50, list_p99, list_max] = percentiles(&pooled(answered, None));
    let [_, filter_p99, _] = percentiles(&pooled(&two.0, None));
    let yes = |met: bool| if met { "yes" } else { "NO" };
    println!();
    println!(
        "target: the typed letter shows in the next frame ({} ms): request() p50 {} µs, \
         p99 {} µs, max {} µs; max under a frame: {}; p99 under a tenth of a frame: {}",
        FRAME.as_millis(),
        us(request_p50),
        us(request_p99),
        us(request_max),
        yes(request_max < FRAME),
        yes(request_p99 < FRAME / 10)
    );
    let [_, key_p99, key_max] = percentiles(&ui.keystroke);
    let [_, answer_p99, answer_max] = percentiles(&ui.answer);
    println!(
        "target: the UI thread draws each keystroke and each answer within a frame: keystroke \
         p99 {} ms, max {} ms; answer p99 {} ms, max {} ms: {}",
        ms(key_p99),
        ms(key_max),
        ms(answer_p99),
        ms(answer_max),
        yes(key_max < FRAME && answer_max < FRAME)
    );
    println!(
        "target: the full filtered list within {} ms p99 on 2 cores: request-to-answer p50 {} ms, \
         p99 {} ms, max {} ms (filter alone on 2 threads: p99 {} ms): {}",
        LIST_P99.as_millis(),
        ms(list_p50),
        ms(list_p99),
        ms(list_max),
        ms(filter_p99),
        if list_p99 <= LIST_P99 {
            "met"
        } else {
            "NOT met"
        }
    );
}

fn main() {
    let mode = mode();
    let titles = match mode {
        Mode::Measure | Mode::Profile => TITLES,
        Mode::Test | Mode::List => TEST_TITLES,
    };

    let titles_and_paths = self::titles(titles);
    let candidates = Arc::new(candidates(&titles_and_paths));
    let queries = typed(&candidates);

    let mut criterion = Criterion::default().configure_from_args();
    keystroke_benches(&mut criterion, &candidates, &queries);
    worker_benches(&mut criterion, &candidates, &queries);
    criterion.final_summary();

    let reps = match mode {
        Mode::Measure => REPETITIONS,
        Mode::Test => 1,
        Mode::Profile | Mode::List => return,
    };
    let one = time_filter(&candidates, &queries, 1, reps);
    let two = time_filter(&candidates, &queries, 2, reps);
    let worker = time_worker(&candidates, &queries, reps);
    report(titles, &queries, &one, &two, &worker);
    let ui = time_ui(&titles_and_paths, &queries, reps);
    report_ui(titles, &ui);
    if mode == Mode::Measure {
        verdicts(&two, &worker, &ui);
    }
}
