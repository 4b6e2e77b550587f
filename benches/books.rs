//! Opening books: the text of a 50 MB OpenITI file and of a 20 MB EPUB,
//! and the start of the OpenITI file that the reading pane shows while the
//! whole is read, from a warm page cache.
//!
//! The inputs are built here in `target/bench-inputs/`: the OpenITI sample
//! of `tests/fixtures/structured` repeated to 50 MB (its page markers
//! renumbered by volume), and an EPUB 3 of 40 chapters of the bundled
//! documents' text, 20 MB of XHTML.
//!
//! Under `cargo test --benches` each runs once on a small input.
//!
//! Run with `cargo bench --bench books`.

use std::io::Write;
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use qari::doc::Format;
use qari::library::text::Text;

fn inputs() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-inputs");
    std::fs::create_dir_all(&dir).expect("an input folder");
    dir
}

/// Benchmarks run for real, not once under `cargo test --benches`.
fn full() -> bool {
    std::env::args().any(|a| a == "--bench")
}

fn openiti(size: usize) -> PathBuf {
    let path = inputs().join(format!("openiti-{size}"));
    if path.exists() {
        return path;
    }
    let sample = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/structured/0748Dhahabi.TarikhIslam.Sample-ara1"),
    )
    .expect("the OpenITI sample");
    let (header, body) = sample.split_once("#META#Header#End#\n").expect("a header");
    let mut out = format!("{header}#META#Header#End#\n");
    let mut volume = 0;
    while out.len() < size {
        volume += 1;
        out.push_str(&body.replace("PageV01P", &format!("PageV{:02}P", volume % 99 + 1)));
    }
    std::fs::write(&path, out).expect("written");
    path
}

fn epub(size: usize) -> PathBuf {
    let path = inputs().join(format!("book-{size}.epub"));
    if path.exists() {
        return path;
    }
    let text: String = qari::library::Library::bundled()
        .documents
        .iter()
        .map(|d| d.text(None).expect("a bundled text").as_str().into_owned())
        .collect();
    let paragraphs: String = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| format!("<p>{l}</p>\n"))
        .collect();
    let chapters = 40;
    let per_chapter = size / chapters;
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default();
        let mut manifest = String::new();
        let mut spine = String::new();
        let mut nav = String::new();
        zip.start_file("META-INF/container.xml", options).unwrap();
        zip.write_all(br#"<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>"#).unwrap();
        for c in 0..chapters {
            let mut body = format!("<h1>الفصل {c}</h1>\n");
            while body.len() < per_chapter {
                body.push_str(&paragraphs);
            }
            zip.start_file(format!("c{c}.xhtml"), options).unwrap();
            write!(zip, r#"<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml" dir="rtl"><body>{body}</body></html>"#).unwrap();
            manifest.push_str(&format!(
                r#"<item id="c{c}" href="c{c}.xhtml" media-type="application/xhtml+xml"/>"#
            ));
            spine.push_str(&format!(r#"<itemref idref="c{c}"/>"#));
            nav.push_str(&format!(r#"<li><a href="c{c}.xhtml">الفصل {c}</a></li>"#));
        }
        zip.start_file("nav.xhtml", options).unwrap();
        write!(zip, r#"<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><body><nav epub:type="toc"><ol>{nav}</ol></nav></body></html>"#).unwrap();
        zip.start_file("content.opf", options).unwrap();
        write!(zip, r#"<package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>كتاب</dc:title></metadata><manifest><item id="nav" href="nav.xhtml" properties="nav" media-type="application/xhtml+xml"/>{manifest}</manifest><spine page-progression-direction="rtl">{spine}</spine></package>"#).unwrap();
        zip.finish().unwrap();
    }
    std::fs::write(&path, out.into_inner()).expect("written");
    path
}

fn books(c: &mut Criterion) {
    let (openiti_size, epub_size) = if full() {
        (50_000_000, 20_000_000)
    } else {
        (600_000, 200_000)
    };
    let openiti = openiti(openiti_size);
    let epub = epub(epub_size);
    let mut group = c.benchmark_group("open_book");
    group.sample_size(10);
    group.bench_function("openiti-50mb", |b| {
        b.iter(|| Text::load_as(&openiti, None, Format::OpenIti).expect("read"))
    });
    // Texts up to 512 KB are read whole at once, without a start first.
    if Text::preview(&openiti, None, Format::OpenIti).is_some() {
        group.bench_function("openiti-50mb-start", |b| {
            b.iter(|| Text::preview(&openiti, None, Format::OpenIti))
        });
    }
    group.bench_function("epub-20mb", |b| {
        b.iter(|| Text::load_as(&epub, None, Format::Epub).expect("read"))
    });
    group.finish();
}

criterion_group!(benches, books);
criterion_main!(benches);
