//! Scale: a 200 MB Arabic document, one Arabic line of 50 MB, and a folder
//! tree of 100,000 small Arabic documents.
//!
//! The inputs are `target/bench-inputs/arabic-200mb.txt`,
//! `long-line-50mb.txt` and `tree-100k/`, written by `benches/gen-inputs.sh`
//! (run here when one is missing). Their pages are in the page cache after
//! the first iteration, so criterion's and the timing loop's figures are
//! warm-cache figures.
//!
//! Criterion groups:
//! - `index`: the paragraph index of the 200 MB document, in MB/s:
//!   `units_all` is [`Units::all`] over the bytes in memory, and
//!   `text_build_index` is [`Text::load`] (mapped) then
//!   [`Text::build_index`], which also checks that the bytes are UTF-8;
//! - `huge_file`, `long_line`: from the path to the first frame drawn
//!   (`first_frame`: [`Document::load`], an [`App`] over a library of that
//!   one document, a 200×60 resize, one draw on a fresh `TestBackend`), and
//!   on to the last frame (`last_frame`: then `Enter` to focus the reading
//!   pane, `G` for the end, and a draw);
//! - `tree`: `scan_100k` is [`Library::open`] of the tree, which returns
//!   when every file has been read; `first_frame` is [`Library::scan`],
//!   [`App::new`], [`App::attach_scanner`], a resize and one draw, while the
//!   scan goes on; `library_index` builds the library search's index of the
//!   tree and `library_search` searches it for two words to the full count.
//!
//! The opened document's background index is stopped after each iteration,
//! and each iteration waits (untimed) until the previous one's background
//! threads are gone, so iterations do not pile up work on the two cores.
//!
//! Before criterion starts, each document is opened to its last frame once
//! and the tree's scan followed once, and those times are printed: they
//! are cold-cache figures when the page cache was dropped just before
//! (`sync; echo 3 > /proc/sys/vm/drop_caches`, as root).
//!
//! Criterion reports intervals of the mean; a timing loop afterwards
//! repeats each measurement and prints p50, p99 and max, then the
//! "target:" lines against the targets (first and last frame under
//! 100 ms, the whole scan under 3 s). It also follows a scan in the reader
//! the way the event loop does (take what arrived every 5 ms, draw when it
//! changed) and prints when the list is complete and the longest step.
//!
//! Under `cargo test --benches` everything runs once on small inputs
//! written to a temporary folder. With `--profile-time` criterion runs
//! alone on the full inputs (for `perf record`).
//!
//! Run: `benches/gen-inputs.sh` (optional), then `cargo bench --bench scale`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, Throughput};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use qari::app::App;
use qari::library::text::Text;
use qari::library::{Document, Library};
use qari::search::library::LibraryIndex;
use qari::text::LayoutOptions;
use qari::text::units::Units;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

mod common;
use common::{Mode, asset_documents, mode, percentiles, repo};

const HUGE: &str = "arabic-200mb.txt";
const LONG_LINE: &str = "long-line-50mb.txt";
const TREE: &str = "tree-100k";
/// Documents in the generated tree.
const TREE_DOCUMENTS: usize = 100_000;

const WIDTH: u16 = 200;
const HEIGHT: u16 = 60;

/// The targets.
const FRAME_TARGET: Duration = Duration::from_millis(100);
const SCAN_TARGET: Duration = Duration::from_secs(3);

/// Repetitions of the timing loop: per document, and of the tree scans.
const FILE_REPETITIONS: usize = 30;
const TREE_REPETITIONS: usize = 10;

/// How often the event loop takes in background work while a scan runs.
const BACKGROUND_CHECK: Duration = Duration::from_millis(5);
/// Longest wait for background threads to end before the run is declared
/// broken (a hang).
const THREADS_TIMEOUT: Duration = Duration::from_secs(30);

/// The inputs, and the temporary folder to remove afterwards (small inputs).
struct Inputs {
    huge: PathBuf,
    long_line: PathBuf,
    tree: PathBuf,
    tree_documents: usize,
    temporary: Option<PathBuf>,
}

impl Drop for Inputs {
    fn drop(&mut self) {
        if let Some(dir) = &self.temporary {
            let _ = fs::remove_dir_all(dir);
        }
    }
}

/// The generated inputs, running `benches/gen-inputs.sh` when one is missing.
fn full_inputs() -> Inputs {
    let dir = repo().join("target").join("bench-inputs");
    let inputs = Inputs {
        huge: dir.join(HUGE),
        long_line: dir.join(LONG_LINE),
        tree: dir.join(TREE),
        tree_documents: TREE_DOCUMENTS,
        temporary: None,
    };
    let present = |i: &Inputs| i.huge.is_file() && i.long_line.is_file() && i.tree.is_dir();
    if !present(&inputs) {
        let script = repo().join("benches").join("gen-inputs.sh");
        eprintln!("scale: writing the inputs with {}", script.display());
        let ran = Command::new("bash").arg(&script).status();
        assert!(
            ran.is_ok_and(|s| s.success()) && present(&inputs),
            "scale: the inputs are missing from {} and {} could not write them: run it by hand",
            dir.display(),
            script.display()
        );
    }
    inputs
}

/// One copy of every document in `assets/`, in name order, each ending
/// with a line feed.
fn documents() -> String {
    let paths = asset_documents();
    let mut unit = String::new();
    for path in &paths {
        unit.push_str(&fs::read_to_string(path).expect("cannot read a document in assets/"));
        if !unit.ends_with('\n') {
            unit.push('\n');
        }
    }
    assert!(!unit.is_empty(), "no documents in assets/");
    unit
}

/// Inputs small enough for `cargo test --benches`, shaped like the full
/// ones: two copies of the documents (over 64 KB, so the index runs past
/// the first chunk), a line of 200 KB (split into units), and 3 folders of
/// 40 documents.
fn small_inputs() -> Inputs {
    let dir = std::env::temp_dir().join(format!("qari-scale-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("a temporary folder");
    let unit = documents();
    let huge = dir.join(HUGE);
    fs::write(&huge, unit.repeat(2)).expect("write the small document");
    let mut line = unit.replace(['\n', '\r'], " ");
    while line.len() < 200 * 1024 {
        line.push_str(&line.clone());
    }
    let long_line = dir.join(LONG_LINE);
    fs::write(&long_line, &line).expect("write the long line");
    let tree = dir.join(TREE);
    let paragraphs: Vec<&str> = unit.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut n = 0;
    for d in 0..3 {
        let folder = tree.join(format!("d{d:03}"));
        fs::create_dir_all(&folder).expect("a folder of the tree");
        for f in 0..40 {
            let title = paragraphs[n % paragraphs.len()]
                .split_whitespace()
                .take(3 + n % 7)
                .collect::<Vec<_>>()
                .join(" ");
            let body = paragraphs[(n + 1) % paragraphs.len()];
            fs::write(
                folder.join(format!("f{f:04}.txt")),
                format!("{title}\n\n{body}\n"),
            )
            .expect("a document of the tree");
            n += 1;
        }
    }
    Inputs {
        huge,
        long_line,
        tree,
        tree_documents: n,
        temporary: Some(dir),
    }
}

/// Names of this process's threads.
fn threads() -> Vec<String> {
    let Ok(tasks) = fs::read_dir("/proc/self/task") else {
        return Vec::new();
    };
    tasks
        .filter_map(|task| fs::read_to_string(task.ok()?.path().join("comm")).ok())
        .map(|name| name.trim().to_string())
        .collect()
}

/// Waits until no thread of this process bears one of `names` (background
/// work of an earlier iteration).
fn wait_for_threads(names: &[&str]) {
    let start = Instant::now();
    while threads().iter().any(|t| names.contains(&t.as_str())) {
        assert!(
            start.elapsed() < THREADS_TIMEOUT,
            "background threads {names:?} still running after {THREADS_TIMEOUT:?}"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn press(app: &mut App, code: KeyCode) {
    app.handle_key(&KeyEvent::new(code, KeyModifiers::NONE));
}

fn terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("a test terminal")
}

fn draw(terminal: &mut Terminal<TestBackend>, app: &App) {
    terminal
        .draw(|frame| frame.render_widget(app, frame.area()))
        .expect("draw");
}

/// A document opened the way the reader opens a file given to it: what the
/// list needs, an `App` over it (which maps the text and starts its index),
/// and the pane's size.
fn open_file(path: &Path) -> App {
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let document = Document::load(name, path, None)
        .expect("the benchmark input is readable")
        .expect("the benchmark input is text");
    let mut app = App::new(
        Library::from_documents(vec![document]),
        None,
        LayoutOptions::default(),
    );
    app.resize(WIDTH, HEIGHT);
    app
}

/// Ends the app's background index and waits until its thread is gone.
fn close(app: App) {
    if let Some(text) = app.open_text() {
        text.stop();
    }
    drop(app);
    wait_for_threads(&["index"]);
}

/// The time from the path to the first frame, and from there to the last
/// frame; the app is left at the end of the document.
fn first_and_last(path: &Path) -> (Duration, Duration, App) {
    let start = Instant::now();
    let mut app = open_file(path);
    let mut terminal = terminal();
    draw(&mut terminal, &app);
    let first = start.elapsed();
    let start = Instant::now();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('G'));
    draw(&mut terminal, &app);
    (first, start.elapsed(), app)
}

fn index_benches(c: &mut Criterion, inputs: &Inputs) {
    let bytes = fs::read(&inputs.huge).expect("cannot read the huge document");
    let mut group = c.benchmark_group("index");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("units_all", |b| {
        b.iter(|| Units::new(&bytes).all(|| false).expect("not stopped"));
    });
    drop(bytes);
    group.bench_function("text_build_index", |b| {
        b.iter(|| {
            let text = Text::load(&inputs.huge, None)
                .expect("readable")
                .expect("text");
            text.build_index();
            assert!(text.index().is_some());
            text
        });
    });
    group.finish();
}

fn file_benches(c: &mut Criterion, group_name: &str, path: &Path) {
    let mut group = c.benchmark_group(group_name);
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    group.bench_function("first_frame", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                let app = open_file(path);
                let mut terminal = terminal();
                draw(&mut terminal, &app);
                total += start.elapsed();
                close(app);
            }
            total
        });
    });
    group.bench_function("last_frame", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let (first, last, app) = first_and_last(path);
                total += first + last;
                close(app);
            }
            total
        });
    });
    group.finish();
}

/// The first frame of the reader over a tree being scanned; returns the
/// time to it and the app, its scan still going on.
fn tree_first_frame(tree: &Path) -> (Duration, App, Terminal<TestBackend>) {
    let start = Instant::now();
    let (library, scanner) = Library::scan(&[tree.to_path_buf()], None);
    let mut app = App::new(library, None, LayoutOptions::default());
    if let Some(scanner) = scanner {
        app.attach_scanner(scanner);
    }
    app.resize(WIDTH, HEIGHT);
    let mut terminal = terminal();
    draw(&mut terminal, &app);
    (start.elapsed(), app, terminal)
}

/// Drops an app over a tree (which stops its scan) and waits until the
/// scan's threads are gone.
fn close_tree(app: App) {
    drop(app);
    wait_for_threads(&["scan", "walk", "index", "filter"]);
}

fn tree_benches(c: &mut Criterion, inputs: &Inputs) {
    let tree = inputs.tree.clone();
    let mut group = c.benchmark_group("tree");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2));
    group.bench_function("first_frame", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let (took, app, _) = tree_first_frame(&tree);
                total += took;
                close_tree(app);
            }
            total
        });
    });
    // Documents per second from here on.
    group
        .measurement_time(Duration::from_secs(20))
        .throughput(Throughput::Elements(inputs.tree_documents as u64));
    group.bench_function("scan_100k", |b| {
        b.iter(|| {
            let library = Library::open(std::slice::from_ref(&tree), None);
            assert_eq!(library.documents.len(), inputs.tree_documents);
            library
        });
    });
    // Searching every document's text: the index (as much as its budget
    // holds, folded from the files), then one search to the full count,
    // which reads and folds the documents past the budget again.
    let library = Library::open(std::slice::from_ref(&tree), None);
    group.bench_function("library_index", |b| {
        b.iter(|| LibraryIndex::build(&library.documents, None));
    });
    let index = LibraryIndex::build(&library.documents, None);
    println!(
        "tree library index: {} MB folded in memory, {} of {} documents read by each search",
        index.len() / 1_000_000,
        index.streamed(),
        library.documents.len()
    );
    group.bench_function("library_search", |b| {
        b.iter(|| {
            let mut hits = 0usize;
            index.search("التعاون الدولي", || false, |batch| hits += batch.len());
            assert!(hits > 0);
            hits
        });
    });
    group.finish();
}

/// p50, p99 and max (nearest rank).
fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1e3)
}

fn stats(samples: &[Duration]) -> String {
    let [p50, p99, max] = percentiles(samples);
    format!("p50 {} ms, p99 {} ms, max {} ms", ms(p50), ms(p99), ms(max))
}

/// Timing loop over one document: first frame, `Enter G` and its frame,
/// and the two together, per repetition.
struct FileTimes {
    name: &'static str,
    bytes: u64,
    first: Vec<Duration>,
    last: Vec<Duration>,
    total: Vec<Duration>,
}

fn time_file(name: &'static str, path: &Path, reps: usize) -> FileTimes {
    let mut times = FileTimes {
        name,
        bytes: fs::metadata(path).map_or(0, |m| m.len()),
        first: Vec::new(),
        last: Vec::new(),
        total: Vec::new(),
    };
    for _ in 0..reps {
        let (first, last, app) = first_and_last(path);
        assert_eq!(
            app.position.percent,
            100,
            "G did not reach the end of {}",
            path.display()
        );
        assert!(app.open_error.is_none(), "{:?}", app.open_error);
        times.first.push(first);
        times.last.push(last);
        times.total.push(first + last);
        close(app);
    }
    times
}

/// Timing loop over the tree: the first frame, then the scan followed in
/// the reader until it is over.
#[derive(Default)]
struct TreeTimes {
    scan: Vec<Duration>,
    first: Vec<Duration>,
    /// Documents listed in each first frame.
    first_listed: Vec<usize>,
    /// From the start to the complete list, following the scan in the app.
    complete: Vec<Duration>,
    /// Each step of the followed scans: taking in what arrived, and the
    /// frame drawn when something did.
    steps: Vec<Duration>,
}

/// `Library::open` of the tree, `reps` times.
fn time_scans(inputs: &Inputs, reps: usize, times: &mut TreeTimes) {
    let tree = std::slice::from_ref(&inputs.tree);
    for _ in 0..reps {
        let start = Instant::now();
        let library = Library::open(tree, None);
        times.scan.push(start.elapsed());
        assert_eq!(library.documents.len(), inputs.tree_documents);
        drop(library);
        wait_for_threads(&["scan", "walk"]);
    }
}

/// The reader's first frame over the tree, then the scan followed to its
/// end as the event loop follows it, `reps` times.
fn time_followed(inputs: &Inputs, reps: usize, times: &mut TreeTimes) {
    for _ in 0..reps {
        let start = Instant::now();
        let (took, mut app, mut terminal) = tree_first_frame(&inputs.tree);
        times.first.push(took);
        times.first_listed.push(app.library.documents.len());
        while app.scanning().is_some() {
            std::thread::sleep(BACKGROUND_CHECK);
            let step = Instant::now();
            if app.poll_background() {
                draw(&mut terminal, &app);
            }
            times.steps.push(step.elapsed());
            assert!(
                start.elapsed() < THREADS_TIMEOUT,
                "the scan did not end within {THREADS_TIMEOUT:?}"
            );
        }
        times.complete.push(start.elapsed());
        assert_eq!(app.library.documents.len(), inputs.tree_documents);
        close_tree(app);
    }
}

/// What the first run in this process takes: each document opened to its
/// last frame once, and the tree's scan followed in the reader once. When
/// the page cache was dropped just before the run, these are cold figures.
fn report_first_run(inputs: &Inputs) {
    let files = [
        time_file(HUGE, &inputs.huge, 1),
        time_file(LONG_LINE, &inputs.long_line, 1),
    ];
    let mut tree = TreeTimes::default();
    time_followed(inputs, 1, &mut tree);
    println!();
    println!("first run in this process (cold if the page cache was dropped just before):");
    for f in &files {
        println!(
            "  {}: path to first frame {} ms, Enter G to last frame {} ms",
            f.name,
            ms(f.first[0]),
            ms(f.last[0])
        );
    }
    println!(
        "  tree: first frame {} ms ({} documents listed), complete list in the reader {} ms",
        ms(tree.first[0]),
        tree.first_listed[0],
        ms(tree.complete[0])
    );
}

fn report(files: &[FileTimes], tree: &TreeTimes, tree_documents: usize) {
    println!();
    println!(
        "{WIDTH}x{HEIGHT} frames, warm page cache ({} repetitions)",
        files[0].first.len()
    );
    for f in files {
        println!(
            "{} ({} bytes):\n  path to first frame: {}\n  Enter G to last frame: {}\n  \
             path to last frame: {}",
            f.name,
            f.bytes,
            stats(&f.first),
            stats(&f.last),
            stats(&f.total)
        );
    }
    let listed = {
        let mut l = tree.first_listed.clone();
        l.sort_unstable();
        l
    };
    println!(
        "tree of {tree_documents} documents ({} repetitions):\n  Library::open, the whole scan: \
         {}\n  first frame while scanning: {} (documents listed in it: {} to {})\n  \
         start to complete list in the reader: {}\n  UI thread per {} ms step during the scan: {}",
        tree.scan.len(),
        stats(&tree.scan),
        stats(&tree.first),
        listed.first().copied().unwrap_or(0),
        listed.last().copied().unwrap_or(0),
        stats(&tree.complete),
        BACKGROUND_CHECK.as_millis(),
        stats(&tree.steps)
    );
}

fn verdicts(files: &[FileTimes], tree: &TreeTimes) {
    let met = |max: Duration, target: Duration| if max < target { "met" } else { "NOT met" };
    println!();
    for f in files {
        let [first_p50, _, first_max] = percentiles(&f.first);
        let [last_p50, _, last_max] = percentiles(&f.total);
        println!(
            "target: {} first frame under {} ms: p50 {} ms, max {} ms: {}",
            f.name,
            FRAME_TARGET.as_millis(),
            ms(first_p50),
            ms(first_max),
            met(first_max, FRAME_TARGET)
        );
        let [g_p50, _, g_max] = percentiles(&f.last);
        println!(
            "target: {} last frame (G) under {} ms: G to frame p50 {} ms, max {} ms \
             (path to last frame p50 {} ms, max {} ms): {}",
            f.name,
            FRAME_TARGET.as_millis(),
            ms(g_p50),
            ms(g_max),
            ms(last_p50),
            ms(last_max),
            met(g_max, FRAME_TARGET)
        );
    }
    let [first_p50, _, first_max] = percentiles(&tree.first);
    println!(
        "target: tree first frame under {} ms: p50 {} ms, max {} ms: {}",
        FRAME_TARGET.as_millis(),
        ms(first_p50),
        ms(first_max),
        met(first_max, FRAME_TARGET)
    );
    let [scan_p50, _, scan_max] = percentiles(&tree.scan);
    let [complete_p50, _, complete_max] = percentiles(&tree.complete);
    println!(
        "target: whole scan under {} s on {} cores: Library::open p50 {} ms, max {} ms; \
         complete list in the reader p50 {} ms, max {} ms: {}",
        SCAN_TARGET.as_secs(),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        ms(scan_p50),
        ms(scan_max),
        ms(complete_p50),
        ms(complete_max),
        met(scan_max.max(complete_max), SCAN_TARGET)
    );
}

fn main() {
    let mode = mode();
    let inputs = match mode {
        Mode::Measure | Mode::Profile => full_inputs(),
        Mode::Test | Mode::List => small_inputs(),
    };
    if matches!(mode, Mode::Measure | Mode::Test) {
        report_first_run(&inputs);
    }

    let mut criterion = Criterion::default().configure_from_args();
    index_benches(&mut criterion, &inputs);
    file_benches(&mut criterion, "huge_file", &inputs.huge);
    file_benches(&mut criterion, "long_line", &inputs.long_line);
    tree_benches(&mut criterion, &inputs);
    criterion.final_summary();

    let (file_reps, tree_reps) = match mode {
        Mode::Measure => (FILE_REPETITIONS, TREE_REPETITIONS),
        Mode::Test => (1, 1),
        Mode::Profile | Mode::List => return,
    };
    let files = [
        time_file(HUGE, &inputs.huge, file_reps),
        time_file(LONG_LINE, &inputs.long_line, file_reps),
    ];
    let mut tree = TreeTimes::default();
    time_scans(&inputs, tree_reps, &mut tree);
    time_followed(&inputs, tree_reps, &mut tree);
    report(&files, &tree, inputs.tree_documents);
    if mode == Mode::Measure {
        verdicts(&files, &tree);
    }
}
