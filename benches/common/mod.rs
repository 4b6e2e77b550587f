//! What the benchmarks share: how they were started, where the repository
//! is, and percentiles of timing samples.

use std::path::Path;
use std::time::Duration;

/// The repository (for `assets/` and `target/bench-inputs/`).
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// How the benchmark was started.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `cargo bench`: criterion measures, then the timing loop runs.
    Measure,
    /// `--profile-time`: criterion alone, on the full inputs.
    Profile,
    /// `--list`: criterion lists the benchmarks.
    List,
    /// `cargo test --benches` (or `--all-targets`): everything once, on
    /// small inputs.
    Test,
}

/// The mode from the command line criterion was given.
pub fn mode() -> Mode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let has = |flag: &str| {
        args.iter()
            .any(|a| a == flag || a.starts_with(&format!("{flag}=")))
    };
    if has("--list") {
        Mode::List
    } else if !has("--bench") || has("--test") {
        Mode::Test
    } else if has("--profile-time") {
        Mode::Profile
    } else {
        Mode::Measure
    }
}

/// p50, p99 and the maximum of `samples` (nearest rank; not empty).
pub fn percentiles(samples: &[Duration]) -> [Duration; 3] {
    let mut samples = samples.to_vec();
    samples.sort_unstable();
    let rank = |p: f64| {
        let i = ((p * samples.len() as f64).ceil() as usize).max(1) - 1;
        samples[i.min(samples.len() - 1)]
    };
    [rank(0.50), rank(0.99), samples[samples.len() - 1]]
}

/// The bundled documents (`assets/*.txt`), in name order.
pub fn asset_documents() -> Vec<std::path::PathBuf> {
    let mut paths: Vec<std::path::PathBuf> = std::fs::read_dir(repo().join("assets"))
        .expect("cannot list assets/")
        .map(|entry| entry.expect("cannot list assets/").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    paths
}
