//! Full-text search across a large library: about 100 MB of Arabic (the
//! bundled documents repeated into 2,500 documents), folded once into the
//! search index, then searched to the full result count.
//!
//! Run: `cargo bench --bench search`. Under `cargo test --benches` each
//! benchmark runs once on a small library.

use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use qari::library::{Document, Library};
use qari::search::library::LibraryIndex;

/// Documents in the benchmark library (each all five bundled documents).
fn document_count() -> usize {
    if std::env::args().any(|a| a == "--bench") {
        2_500
    } else {
        20
    }
}

fn library() -> Vec<Arc<Document>> {
    let bundled = Library::bundled();
    let mut one = String::new();
    for doc in bundled.documents.iter() {
        one.push_str(&doc.text(None).expect("a bundled text").as_str());
        one.push('\n');
    }
    (0..document_count())
        .map(|i| Arc::new(Document::new(format!("doc{i}.txt"), one.clone())))
        .collect()
}

fn search(c: &mut Criterion) {
    let documents = Arc::new(library());
    let bytes: usize = documents.iter().map(|d| d.size as usize).sum();
    let mut group = c.benchmark_group("library_search");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("build_index", |b| {
        b.iter(|| LibraryIndex::build(&documents, None));
    });
    let index = LibraryIndex::build(&documents, None);
    for (name, query) in [
        ("common_word", "الدولي"),
        ("two_words", "التعاون الدولي"),
        ("three_words_any_order", "الامن الاستقرار العالمي"),
        ("rare_word", "روبيو"),
        ("no_match", "zzzz"),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut hits = 0usize;
                index.search(query, || false, |batch| hits += batch.len());
                hits
            });
        });
    }
    group.finish();
}

criterion_group!(benches, search);
criterion_main!(benches);
