//! A folder is scanned in the background while the reader works: the list
//! grows, the filter answers over what has been found so far and takes in
//! later documents, and a document opened during the scan stays open.

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use qari::app::{App, Focus};
use qari::library::Library;
use qari::text::LayoutOptions;

const FOLDERS: usize = 30;
const PER_FOLDER: usize = 100;
/// One document in this many has the rare word in its title.
const RARE_EVERY: usize = 100;

fn key(app: &mut App, code: KeyCode) {
    app.handle_key(&KeyEvent::new(code, KeyModifiers::NONE));
}

/// 3,000 small documents; the titles of `RARE_EVERY`-th ones hold "نادرة".
fn tree() -> PathBuf {
    let root = std::env::temp_dir().join(format!("qari-background-scan-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    for d in 0..FOLDERS {
        let folder = root.join(format!("d{d:03}"));
        std::fs::create_dir_all(&folder).expect("folder");
        for f in 0..PER_FOLDER {
            let i = d * PER_FOLDER + f;
            let title = if i % RARE_EVERY == 7 {
                format!("نادرة {i}")
            } else {
                format!("وثيقة رقم {i}")
            };
            let body = format!("{title}\n\nنص الوثيقة {i} في سطرين.\nوالسطر الثاني.\n");
            std::fs::write(folder.join(format!("f{f:03}.txt")), body).expect("file");
        }
    }
    root
}

fn is_rare(app: &App, doc: usize) -> bool {
    app.library.documents[doc].title.starts_with("نادرة")
}

#[test]
fn list_filter_and_reading_work_while_the_scan_goes_on() {
    let root = tree();
    let total = FOLDERS * PER_FOLDER;
    let (library, scanner) = Library::scan(std::slice::from_ref(&root), None);
    let mut app = App::new(library, None, LayoutOptions::default());
    app.attach_scanner(scanner.expect("a folder is scanned in the background"));
    app.resize(100, 30);

    // Filter at once, before most files are read.
    key(&mut app, KeyCode::Char('/'));
    for c in "نادرة".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    app.settle();

    let mut partial_steps = 0;
    let mut opened: Option<usize> = None;
    let mut found = 0;
    while app.scanning().is_some() {
        app.poll_background();
        app.settle();
        let now = app.library.documents.len();
        assert!(now >= found, "the list only grows");
        found = now;
        assert!(
            app.list.iter().all(|&d| is_rare(&app, d)),
            "the filter lists only matching documents"
        );
        if found < total {
            partial_steps += 1;
            // Open a matching document while the scan goes on.
            if opened.is_none() && !app.list.is_empty() {
                key(&mut app, KeyCode::Enter);
                assert_eq!(app.focus, Focus::Reader);
                opened = app.open_document();
                assert!(!app.rows.is_empty(), "the opened document is shown");
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    app.poll_background();
    app.settle();

    assert!(
        partial_steps > 0,
        "the reader never saw the scan in progress ({total} files)"
    );
    assert_eq!(app.library.documents.len(), total, "every file is listed");
    assert_eq!(
        app.list.len(),
        total / RARE_EVERY,
        "the filter took in the documents found after it was typed"
    );
    assert!(app.list.iter().all(|&d| is_rare(&app, d)));
    let doc = opened.expect("a matching document was opened during the scan");
    assert_eq!(
        app.open_document(),
        Some(doc),
        "the open document stays open"
    );
    let text = app.open_text().expect("text");
    assert!(
        text.unit_text(&text.units().first().expect("a unit"))
            .contains("نادرة")
    );
    let _ = std::fs::remove_dir_all(&root);
}
