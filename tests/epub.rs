//! EPUB books through the document model: spine order, metadata, the
//! book's own table of contents (EPUB 3 nav, EPUB 2 NCX), direction, and
//! broken books that still show what can be read, within bounds.

mod common;

use std::io::Cursor;

use common::epub::{chapter, container, epub3, zip};
use qari::doc::epub::{ENTRY_LIMIT, metadata, parse};
use qari::doc::{Content, Kind};
use qari::text::Direction;

fn texts(doc: &qari::doc::Doc) -> Vec<String> {
    doc.blocks.iter().map(|b| b.inline.text.clone()).collect()
}

#[test]
fn an_epub3_book_reads_in_spine_order_with_its_nav() {
    let bytes = epub3(
        "كتاب التجربة",
        "مؤلف مجهول",
        &[
            ("one.xhtml", "الفصل الأول", &["نص الفصل الأول."]),
            (
                "two.xhtml",
                "الفصل الثاني",
                &["نص الفصل الثاني.", "فقرة أخرى."],
            ),
        ],
    );
    let meta = metadata(Cursor::new(&bytes)).expect("metadata");
    assert_eq!(meta.display().as_deref(), Some("كتاب التجربة — مؤلف مجهول"));
    assert!(meta.rtl);
    let book = parse(Cursor::new(&bytes)).expect("a book");
    assert!(book.problems.is_empty(), "{:?}", book.problems);
    assert_eq!(
        texts(&book.doc),
        [
            "الفصل الأول",
            "نص الفصل الأول.",
            "الفصل الثاني",
            "نص الفصل الثاني.",
            "فقرة أخرى."
        ]
    );
    assert_eq!(book.doc.direction, Some(Direction::Rtl));
    let toc: Vec<(usize, &str)> = book
        .doc
        .toc
        .iter()
        .map(|e| (e.block, e.title.as_str()))
        .collect();
    assert_eq!(toc, [(0, "الفصل الأول"), (2, "الفصل الثاني")]);
    // The content knows where each entry's chapter starts.
    let content = Content::new(book.doc);
    let second = content.block_starts[2];
    assert!(content.text[second..].starts_with("الفصل الثاني"));
}

#[test]
fn an_epub2_book_takes_its_outline_from_the_ncx() {
    let opf = r#"<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="2.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Old Book</dc:title></metadata><manifest><item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/><item id="a" href="a.html" media-type="application/xhtml+xml"/><item id="b" href="b%20two.html" media-type="application/xhtml+xml"/></manifest><spine toc="ncx"><itemref idref="a"/><itemref idref="b"/></spine></package>"#;
    let ncx = r#"<?xml version="1.0"?><ncx xmlns="http://www.daisy.org/z3986/2005/ncx/"><navMap><navPoint id="p1"><navLabel><text>Part A</text></navLabel><content src="a.html"/><navPoint id="p2"><navLabel><text>Part B</text></navLabel><content src="b%20two.html#start"/></navPoint></navPoint></navMap></ncx>"#;
    let a = chapter("A", &["alpha"]);
    let b = chapter("B", &["beta"]);
    let container = container("content.opf");
    let bytes = zip(&[
        ("META-INF/container.xml", container.as_bytes()),
        ("content.opf", opf.as_bytes()),
        ("toc.ncx", ncx.as_bytes()),
        ("a.html", a.as_bytes()),
        ("b two.html", b.as_bytes()),
    ]);
    let book = parse(Cursor::new(&bytes)).expect("a book");
    assert_eq!(book.doc.title.as_deref(), Some("Old Book"));
    assert_eq!(texts(&book.doc), ["A", "alpha", "B", "beta"]);
    let toc: Vec<(usize, u8, &str)> = book
        .doc
        .toc
        .iter()
        .map(|e| (e.block, e.level, e.title.as_str()))
        .collect();
    assert_eq!(toc, [(0, 1, "Part A"), (2, 2, "Part B")]);
}

#[test]
fn broken_books_say_what_could_not_be_read() {
    // Not a zip at all.
    let err = parse(Cursor::new(b"just text".to_vec())).expect_err("not a book");
    assert!(err.contains("not a zip"), "{err}");
    // A zip without the package document.
    let c = container("missing.opf");
    let err = parse(Cursor::new(zip(&[(
        "META-INF/container.xml",
        c.as_bytes(),
    )])))
    .expect_err("no package");
    assert!(err.contains("missing.opf"), "{err}");
    // A chapter the spine names that is not in the zip: the rest shows,
    // and the book says what is missing at its top.
    let opf = r#"<package xmlns="http://www.idpf.org/2007/opf"><metadata/><manifest><item id="a" href="a.html" media-type="application/xhtml+xml"/><item id="gone" href="gone.html" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="gone"/><itemref idref="a"/></spine></package>"#;
    let c = container("content.opf");
    let a = chapter("A", &["still here"]);
    let book = parse(Cursor::new(zip(&[
        ("META-INF/container.xml", c.as_bytes()),
        ("content.opf", opf.as_bytes()),
        ("a.html", a.as_bytes()),
    ])))
    .expect("what can be read");
    assert_eq!(book.problems, ["gone.html is missing"]);
    assert!(
        book.doc.blocks[0]
            .inline
            .text
            .contains("gone.html is missing")
    );
    assert!(texts(&book.doc).contains(&"still here".to_string()));
}

#[test]
fn a_huge_entry_is_cut_at_its_limit_not_read_whole() {
    // 40 MB of one letter: a few dozen KB compressed, past the limit
    // unpacked.
    let big = format!("<html><body><p>{}</p></body></html>", "ب ".repeat(20 << 20));
    let opf = r#"<package xmlns="http://www.idpf.org/2007/opf"><metadata/><manifest><item id="a" href="a.html" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="a"/></spine></package>"#;
    let c = container("content.opf");
    let bytes = zip(&[
        ("META-INF/container.xml", c.as_bytes()),
        ("content.opf", opf.as_bytes()),
        ("a.html", big.as_bytes()),
    ]);
    assert!(bytes.len() < 1 << 20, "{} bytes", bytes.len());
    let book = parse(Cursor::new(&bytes)).expect("a cut book");
    assert!(
        book.problems.iter().any(|p| p.contains("cut at")),
        "{:?}",
        book.problems
    );
    let shown: usize = book.doc.blocks.iter().map(|b| b.inline.text.len()).sum();
    assert!(shown as u64 <= ENTRY_LIMIT + 4096, "{shown}");
    assert!(matches!(
        book.doc.blocks.last().map(|b| &b.kind),
        Some(Kind::Paragraph)
    ));
}

#[test]
fn links_between_chapters_point_to_their_places() {
    let bytes = epub3(
        "Links",
        "Writer",
        &[
            (
                "one.xhtml",
                "One",
                &[
                    "see <a href=\"two.xhtml#deep\">the second</a> and <a href=\"https://example.org\">a site</a>",
                ],
            ),
            (
                "two.xhtml",
                "Two",
                &["first", "<span id=\"deep\">deep place</span>"],
            ),
        ],
    );
    let book = parse(Cursor::new(&bytes)).expect("a book");
    let content = Content::new(book.doc);
    assert_eq!(content.references.len(), 2);
    let inside = content
        .anchor(&content.references[0])
        .expect("a place in the book");
    assert!(
        content.text[inside..].starts_with("deep place"),
        "{:?}",
        &content.text[inside..]
    );
    assert_eq!(content.anchor(&content.references[1]), None);
    // Only the address is listed after its block.
    assert!(content.text.contains("[2] https://example.org"));
    assert!(!content.text.contains("two.xhtml"));
}

/// A long OpenITI text's start is the start of the whole text's content,
/// cut at a paragraph: places in it are the same places in the whole.
#[test]
fn an_openiti_start_is_a_prefix_of_the_whole() {
    let sample = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/structured/0748Dhahabi.TarikhIslam.Sample-ara1"),
    )
    .expect("the sample");
    let (header, body) = sample.split_once("#META#Header#End#\n").expect("a header");
    let mut text = format!("{header}#META#Header#End#\n");
    while text.len() < 2 << 20 {
        text.push_str(body);
    }
    let dir = std::env::temp_dir().join(format!("qari-openiti-start-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("long-ara1");
    std::fs::write(&path, &text).unwrap();
    use qari::doc::Format;
    use qari::library::text::Text;
    let start = Text::preview(&path, None, Format::OpenIti).expect("a start");
    let whole = Text::load_as(&path, None, Format::OpenIti)
        .unwrap()
        .unwrap();
    assert!(start.is_partial() && !whole.is_partial());
    assert!(start.len() > 100_000 && start.len() < whole.len());
    assert!(whole.bytes().starts_with(start.bytes()));
    std::fs::remove_dir_all(&dir).ok();
}
