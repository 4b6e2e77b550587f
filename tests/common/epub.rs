//! EPUB books built for tests: a zip with the mimetype first and stored,
//! then whatever files a test gives.

use std::io::Write;

use zip::write::SimpleFileOptions;

/// A zip of `files` (path, contents), an EPUB's `mimetype` first.
pub fn zip(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let stored =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        let deflated =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("mimetype", stored).expect("a zip entry");
        zip.write_all(b"application/epub+zip").expect("written");
        for (path, contents) in files {
            zip.start_file(*path, deflated).expect("a zip entry");
            zip.write_all(contents).expect("written");
        }
        zip.finish().expect("a zip");
    }
    out.into_inner()
}

/// `META-INF/container.xml` pointing at `opf`.
pub fn container(opf: &str) -> String {
    format!(
        r#"<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="{opf}" media-type="application/oebps-package+xml"/></rootfiles></container>"#
    )
}

/// A chapter: an XHTML page with a heading and paragraphs.
pub fn chapter(heading: &str, paragraphs: &[&str]) -> String {
    let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>")).collect();
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml" xml:lang="ar" dir="rtl"><head><title>{heading}</title></head><body><h1>{heading}</h1>{body}</body></html>"#
    )
}

/// An EPUB 3 book: `chapters` (file name, heading, paragraphs) in the
/// spine, a nav document listing them, right to left.
pub fn epub3(title: &str, author: &str, chapters: &[(&str, &str, &[&str])]) -> Vec<u8> {
    let manifest: String = chapters
        .iter()
        .enumerate()
        .map(|(i, (file, _, _))| {
            format!(r#"<item id="c{i}" href="text/{file}" media-type="application/xhtml+xml"/>"#)
        })
        .collect();
    let spine: String = (0..chapters.len())
        .map(|i| format!(r#"<itemref idref="c{i}"/>"#))
        .collect();
    let nav_items: String = chapters
        .iter()
        .map(|(file, heading, _)| format!(r#"<li><a href="text/{file}">{heading}</a></li>"#))
        .collect();
    let opf = format!(
        r#"<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title><dc:creator>{author}</dc:creator><dc:language>ar</dc:language></metadata><manifest><item id="nav" href="nav.xhtml" properties="nav" media-type="application/xhtml+xml"/>{manifest}</manifest><spine page-progression-direction="rtl">{spine}</spine></package>"#
    );
    let nav = format!(
        r#"<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><body><nav epub:type="toc"><ol>{nav_items}</ol></nav></body></html>"#
    );
    let pages: Vec<(String, String)> = chapters
        .iter()
        .map(|(file, heading, paragraphs)| {
            (format!("OEBPS/text/{file}"), chapter(heading, paragraphs))
        })
        .collect();
    let container = container("OEBPS/content.opf");
    let mut files: Vec<(&str, &[u8])> = vec![
        ("META-INF/container.xml", container.as_bytes()),
        ("OEBPS/content.opf", opf.as_bytes()),
        ("OEBPS/nav.xhtml", nav.as_bytes()),
    ];
    for (path, page) in &pages {
        files.push((path, page.as_bytes()));
    }
    zip(&files)
}
