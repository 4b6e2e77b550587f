//! Layout benchmarks.
//!
//! `layout_throughput` renders a ~40 MB Arabic document (the documents in
//! `assets/`, repeated) at width 80 and compares qari with GNU FriBidi's
//! `fribidi` command on the same file:
//!
//! - `qari`: [`render_document`] in process, from memory into a sink, on
//!   every core (paragraphs are independent);
//! - `qari-1-core`: the same on one thread;
//! - `qari-cli`: the `qari render` binary as a child process, output to
//!   `/dev/null`, which is what `fribidi` is measured doing;
//! - `qari-cli-1-core`: the same binary confined to one CPU with
//!   `taskset` (render lays out on as many cores as it may use), skipped
//!   when there is no `taskset` command;
//! - `fribidi`: `fribidi --width 80 FILE > /dev/null`, skipped when the
//!   command is not on `PATH` (Debian and Ubuntu: package `libfribidi-bin`).
//!
//! The input is `target/bench-inputs/arabic-40mb.txt`. When it is missing it
//! is built here, byte for byte as `benches/gen-inputs.sh` builds it.
//!
//! `layout_paragraph` measures [`Layout::new`] on one long paragraph, Arabic
//! and Latin of the same length in characters, to help profiling.
//!
//! Under `cargo test --benches` every benchmark runs once on a single copy of
//! the documents (about 40 KB) instead, so tests stay fast.
//!
//! Run with `cargo bench --bench layout`. Both groups print their throughput;
//! a summary line follows the criterion output with the medians of this run
//! and how many times faster than `fribidi` each qari variant is; the
//! figure that compares like with like is the binary against the binary.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, Throughput};

use qari::render::{RenderOptions, render_document};
use qari::text::{BaseDirection, Layout, LayoutOptions};

/// Size the generated input reaches (whole copies of the documents).
const TARGET_BYTES: usize = 40_000_000;
const INPUT_NAME: &str = "arabic-40mb.txt";
const WIDTH: usize = 80;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Whether criterion is measuring (`cargo bench`), rather than running each
/// benchmark once (`cargo test --benches`) or listing them.
fn measuring() -> bool {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let has = |flag: &str| args.iter().any(|a| a == flag);
    has("--bench") && !has("--test") && !has("--list")
}

/// One copy of every document in `assets/`, in name order, each ending with
/// a line feed so that documents never run into each other.
fn documents() -> io::Result<Vec<u8>> {
    let mut paths: Vec<PathBuf> = fs::read_dir(repo().join("assets"))?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<io::Result<_>>()?;
    paths.retain(|p| p.extension().is_some_and(|e| e == "txt") && p.is_file());
    paths.sort();
    if paths.is_empty() {
        return Err(io::Error::other("no documents in assets/"));
    }
    let mut unit = Vec::new();
    for path in &paths {
        let doc = fs::read(path)?;
        unit.extend_from_slice(&doc);
        if doc.last().is_some_and(|&b| b != b'\n') {
            unit.push(b'\n');
        }
    }
    Ok(unit)
}

/// The large input, written to `target/bench-inputs/` unless it is there.
fn large_input() -> io::Result<PathBuf> {
    let dir = repo().join("target").join("bench-inputs");
    let path = dir.join(INPUT_NAME);
    if fs::metadata(&path).is_ok_and(|m| m.len() > 0) {
        return Ok(path);
    }
    let unit = documents()?;
    let copies = TARGET_BYTES.div_ceil(unit.len());
    fs::create_dir_all(&dir)?;
    // Written aside and renamed, so an interrupted run leaves no partial file.
    let tmp = dir.join(format!(".{INPUT_NAME}.{}", std::process::id()));
    let mut file = io::BufWriter::new(fs::File::create(&tmp)?);
    for _ in 0..copies {
        file.write_all(&unit)?;
    }
    file.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    fs::rename(&tmp, &path)?;
    eprintln!(
        "generated {} ({} bytes, {copies} copies of {} bytes)",
        path.display(),
        copies * unit.len(),
        unit.len()
    );
    Ok(path)
}

/// The document to lay out, and the file it is read from (`None` when the
/// text is a single copy of the documents, piped to child processes).
struct Input {
    text: String,
    path: Option<PathBuf>,
}

impl Input {
    fn load() -> Input {
        if measuring() {
            let path = large_input().expect("cannot create the benchmark input");
            let bytes = fs::read(&path).expect("cannot read the benchmark input");
            Input {
                text: String::from_utf8(bytes).expect("the benchmark input is not UTF-8"),
                path: Some(path),
            }
        } else {
            let bytes = documents().expect("cannot read assets/");
            Input {
                text: String::from_utf8(bytes).expect("assets/ are not UTF-8"),
                path: None,
            }
        }
    }

    fn len(&self) -> u64 {
        self.text.len() as u64
    }

    /// Runs a command on the input with its output discarded; returns the
    /// wall time from spawn to exit.
    fn run(&self, program: &str, args: &[&str]) -> Duration {
        let mut command = Command::new(program);
        command
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        match &self.path {
            Some(path) => command.arg(path).stdin(Stdio::null()),
            None => command.stdin(Stdio::piped()),
        };
        let start = Instant::now();
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
        if let Some(mut stdin) = child.stdin.take() {
            stdin
                .write_all(self.text.as_bytes())
                .unwrap_or_else(|e| panic!("cannot write to {program}: {e}"));
        }
        let status = child.wait().expect("child process lost");
        let elapsed = start.elapsed();
        assert!(status.success(), "{program} failed: {status}");
        elapsed
    }
}

/// Whether a command runs and exits successfully with these arguments.
fn command_works(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn fribidi_available() -> bool {
    command_works("fribidi", &["--version"])
}

/// Seconds per iteration of every timed batch, by benchmark, for the summary.
static TIMES: Mutex<BTreeMap<&'static str, Vec<f64>>> = Mutex::new(BTreeMap::new());

fn record(name: &'static str, iters: u64, elapsed: Duration) -> Duration {
    if iters > 0 {
        let per_iter = elapsed.as_secs_f64() / iters as f64;
        TIMES
            .lock()
            .unwrap()
            .entry(name)
            .or_default()
            .push(per_iter);
    }
    elapsed
}

fn median_secs(name: &str) -> Option<f64> {
    let times = TIMES.lock().unwrap();
    let mut v = times.get(name)?.clone();
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied()
}

fn layout_throughput(c: &mut Criterion, input: &Input) {
    let options = RenderOptions {
        width: WIDTH,
        wrap: true,
        pad: true,
        shape: true,
        harakat: true,
        direction: BaseDirection::Auto,
        threads: 0,
    };
    let one_core = RenderOptions {
        threads: 1,
        ..options
    };
    let width = WIDTH.to_string();
    let cli_args = ["render", "--width", &width];
    let fribidi_args = ["--width", &width];

    let mut group = c.benchmark_group("layout_throughput");
    // Each iteration takes seconds: one iteration per sample, ten samples.
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(20))
        .throughput(Throughput::Bytes(input.len()));

    group.bench_function("qari", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                render_document(std::hint::black_box(&input.text), &options, &mut io::sink())
                    .expect("writing to a sink cannot fail");
            }
            record("qari", iters, start.elapsed())
        })
    });

    group.bench_function("qari-1-core", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                render_document(
                    std::hint::black_box(&input.text),
                    &one_core,
                    &mut io::sink(),
                )
                .expect("writing to a sink cannot fail");
            }
            record("qari-1-core", iters, start.elapsed())
        })
    });

    group.bench_function("qari-cli", |b| {
        b.iter_custom(|iters| {
            let total = (0..iters)
                .map(|_| input.run(env!("CARGO_BIN_EXE_qari"), &cli_args))
                .sum();
            record("qari-cli", iters, total)
        })
    });

    if command_works("taskset", &["-c", "0", "true"]) {
        let qari = env!("CARGO_BIN_EXE_qari");
        let one_cpu_args = ["-c", "0", qari, "render", "--width", &width];
        group.bench_function("qari-cli-1-core", |b| {
            b.iter_custom(|iters| {
                let total = (0..iters)
                    .map(|_| input.run("taskset", &one_cpu_args))
                    .sum();
                record("qari-cli-1-core", iters, total)
            })
        });
    } else {
        println!("layout_throughput/qari-cli-1-core: SKIPPED, no `taskset` command on PATH");
    }

    if fribidi_available() {
        group.bench_function("fribidi", |b| {
            b.iter_custom(|iters| {
                let total = (0..iters)
                    .map(|_| input.run("fribidi", &fribidi_args))
                    .sum();
                record("fribidi", iters, total)
            })
        });
    } else {
        println!(
            "layout_throughput/fribidi: SKIPPED, no `fribidi` command on PATH \
             (Debian/Ubuntu: apt-get install libfribidi-bin)"
        );
    }
    group.finish();
}

/// The first paragraph of at least 1,000 bytes of `assets/004_*.txt` (the
/// document opens with a short heading).
fn arabic_paragraph() -> String {
    let dir = repo().join("assets");
    let path = fs::read_dir(&dir)
        .expect("cannot list assets/")
        .map(|e| e.expect("cannot list assets/").path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("004_") && n.ends_with(".txt"))
        })
        .expect("no assets/004_*.txt");
    let text = fs::read_to_string(&path).expect("cannot read assets/004_*.txt");
    text.lines()
        .find(|line| line.len() >= 1000)
        .expect("no long paragraph in assets/004_*.txt")
        .to_owned()
}

/// Latin prose with as many characters as `chars`, cut after a word.
fn latin_paragraph(chars: usize) -> String {
    const PROSE: &str = "International cooperation plays a central role at the national \
        level in many fields, among them strengthening the capacities of national \
        institutions, which has a lasting effect on how international agreements \
        and the decisions of the United Nations, its agencies and regional \
        organisations are carried out (2018-2022), in social, economic and \
        statistical work alike. ";
    let mut out = String::new();
    for word in PROSE.split_whitespace().cycle() {
        if out.chars().count() >= chars {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

fn layout_paragraph(c: &mut Criterion) {
    let arabic = arabic_paragraph();
    let latin = latin_paragraph(arabic.chars().count());
    let shaped = LayoutOptions {
        width: WIDTH,
        ..LayoutOptions::default()
    };
    let unshaped = LayoutOptions {
        shape: false,
        ..shaped
    };

    let mut group = c.benchmark_group("layout_paragraph");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for (name, text, options) in [
        ("arabic", &arabic, &shaped),
        ("arabic-unshaped", &arabic, &unshaped),
        ("latin", &latin, &shaped),
    ] {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| Layout::new(std::hint::black_box(text), options))
        });
    }
    group.finish();
}

/// One line with the medians of the timed runs of `layout_throughput`, and
/// how many times faster than `fribidi` each variant is (fribidi's time over
/// the variant's, both from this run).
fn summary(input_bytes: u64) {
    let mib_s = |secs: f64| input_bytes as f64 / secs / (1024.0 * 1024.0);
    let variants = [
        ("qari", "qari in process, every core"),
        ("qari-1-core", "qari in process, one core"),
        ("qari-cli", "binary `qari render` vs binary `fribidi`"),
        ("qari-cli-1-core", "binary on one CPU vs binary `fribidi`"),
    ];
    let mut speeds = Vec::new();
    for (name, _) in variants {
        if let Some(secs) = median_secs(name) {
            speeds.push(format!("{name} {:.1}", mib_s(secs)));
        }
    }
    let fribidi = median_secs("fribidi");
    if let Some(secs) = fribidi {
        speeds.push(format!("fribidi {:.1}", mib_s(secs)));
    }
    if speeds.is_empty() {
        return;
    }
    let mut line = format!("summary (medians, MiB/s): {}", speeds.join(", "));
    match fribidi {
        Some(fribidi) => {
            let ratios: Vec<String> = variants
                .iter()
                .filter_map(|&(name, what)| {
                    median_secs(name).map(|secs| format!("{what} {:.2}x", fribidi / secs))
                })
                .collect();
            line += &format!(
                "; times as fast as fribidi: {} (target: binary vs binary >= 2x)",
                ratios.join(", ")
            );
        }
        None => line += "; fribidi not measured",
    }
    println!("{line}");
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    let input = Input::load();
    layout_throughput(&mut criterion, &input);
    layout_paragraph(&mut criterion);
    criterion.final_summary();
    if measuring() {
        summary(input.len());
    }
}
