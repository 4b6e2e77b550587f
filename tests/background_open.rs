//! A large text that has to be decoded (a legacy encoding) is read in the
//! background: the screen works meanwhile and says what it waits for, the
//! text then shows, and moving on to another document before it arrives
//! opens that one instead.

use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use qari::app::{App, Focus};
use qari::library::Library;
use qari::library::loader::SLOW_BYTES;
use qari::text::LayoutOptions;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn key(app: &mut App, code: KeyCode) {
    app.handle_key(&KeyEvent::new(code, KeyModifiers::NONE));
}

/// Text of at least `SLOW_BYTES` bytes in windows-1256 (a byte a
/// character), its first line naming it.
fn legacy_text(name: &str) -> String {
    let mut text = format!("الوثيقة {name}\n\n");
    let mut i = 0;
    while text.chars().count() < SLOW_BYTES as usize {
        for _ in 0..1000 {
            text.push_str(&format!(
                "الفقرة {i} من الوثيقة {name}، نص عربي قديم الترميز.\n\n"
            ));
            i += 1;
        }
    }
    text
}

/// A folder of its own for test `test`, holding `files` in windows-1256.
fn folder(test: &str, files: &[(&str, &str)]) -> PathBuf {
    let root = std::env::temp_dir().join(format!(
        "qari-background-open-{}-{test}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).expect("folder");
    for (name, text) in files {
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1256.encode(text);
        assert!(!unmappable);
        assert!(text.len() < 1000 || bytes.len() as u64 >= SLOW_BYTES);
        std::fs::write(root.join(name), bytes).expect("file");
    }
    root
}

/// An app over `root`, its scan finished (the first document is then on
/// its way to the reading pane).
fn app(root: &Path) -> App {
    let (library, scanner) = Library::scan(&[root.to_path_buf()], None);
    let mut app = App::new(library, None, LayoutOptions::default());
    app.resize(100, 30);
    app.attach_scanner(scanner.expect("a folder is scanned"));
    while app.scanning().is_some() {
        app.poll_background();
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    app.poll_background();
    app
}

fn screen(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    terminal
        .draw(|frame| frame.render_widget(app, frame.area()))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    buffer
        .content()
        .chunks(usize::from(buffer.area.width))
        .map(|row| row.iter().map(|c| c.symbol()).collect::<String>() + "\n")
        .collect()
}

#[test]
fn the_screen_works_while_a_large_legacy_text_is_read() {
    let text = legacy_text("الثانية");
    let root = folder("screen", &[("a.txt", "وثيقة قصيرة\n"), ("b.txt", &text)]);
    let mut app = app(&root);
    assert_eq!(app.open_document(), Some(0), "a small text opens at once");
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.loading(), Some(1), "the large one is on its way");
    assert_eq!(app.open_document(), None);
    assert!(app.rows.is_empty());
    let shown = screen(&app);
    assert!(
        shown.contains("Reading the document: 5 MB of windows-1256"),
        "{shown}"
    );
    // Keys meanwhile do no harm; the list still moves.
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('G'));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('h'));
    key(&mut app, KeyCode::Char('k'));
    key(&mut app, KeyCode::Char('k'));
    assert_eq!(app.selected, 0);
    assert_eq!(
        app.open_document(),
        Some(0),
        "back on the small one at once"
    );
    assert_eq!(app.loading(), None);
    key(&mut app, KeyCode::Char('j'));
    app.settle_loading();
    assert_eq!(app.loading(), None);
    assert_eq!(app.open_document(), Some(1));
    assert_eq!(app.open_text().expect("text").as_str(), text);
    assert!(!app.rows.is_empty(), "the text shows");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn moving_on_before_the_text_arrives_opens_the_next_one() {
    let (a, b) = (legacy_text("الأولى"), legacy_text("الثانية"));
    let root = folder("moving", &[("a.txt", &a), ("b.txt", &b)]);
    let mut app = app(&root);
    // Whether or not the first arrived already, go to the second at once,
    // back, and to the second again: an answer to an earlier request for
    // it is dropped, and the newest one opens it.
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.selected, 1);
    assert_eq!(app.loading(), Some(1), "the second is on its way");
    key(&mut app, KeyCode::Char('k'));
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.loading(), Some(1));
    app.settle_loading();
    app.poll_background();
    assert_eq!(app.open_document(), Some(1), "the selected document shows");
    assert_eq!(app.open_text().expect("text").as_str(), b);
    // Reading the second, then back to the first: it opens where it was.
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Reader);
    for _ in 0..5 {
        key(&mut app, KeyCode::Char(' '));
    }
    let place = app.anchor().expect("a place");
    assert!(place.start > 0);
    key(&mut app, KeyCode::Char('h'));
    key(&mut app, KeyCode::Char('k'));
    app.settle_loading();
    assert_eq!(app.open_document(), Some(0));
    assert_eq!(app.open_text().expect("text").as_str(), a);
    key(&mut app, KeyCode::Char('j'));
    app.settle_loading();
    assert_eq!(app.open_document(), Some(1));
    assert_eq!(
        app.anchor(),
        Some(place),
        "the second opens where it was left"
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_bookmark_in_a_document_still_being_read_is_where_it_opens() {
    let text = legacy_text("الثانية");
    let root = folder("bookmark", &[("a.txt", "وثيقة قصيرة\n"), ("b.txt", &text)]);
    let state = root.join("state");
    let (store, warning) = qari::state::Store::open(Some(state));
    assert!(warning.is_none(), "{warning:?}");
    let store = std::sync::Arc::new(std::sync::Mutex::new(store));
    let mut app = app(&root);
    app.attach_store(std::sync::Arc::clone(&store), None, Vec::new());
    // Set bookmark B some pages into the large document.
    key(&mut app, KeyCode::Char('j'));
    app.settle_loading();
    assert_eq!(app.open_document(), Some(1));
    key(&mut app, KeyCode::Enter);
    for _ in 0..7 {
        key(&mut app, KeyCode::Char(' '));
    }
    let marked = app.anchor().expect("open");
    assert!(marked.start > 0);
    key(&mut app, KeyCode::Char('m'));
    key(&mut app, KeyCode::Char('B'));
    app.save_state().expect("saved");
    drop(app);

    // A new start: the large text is not read yet when B is jumped to.
    let mut app = app_over(&root, store);
    key(&mut app, KeyCode::Char('\''));
    key(&mut app, KeyCode::Char('B'));
    assert_eq!(app.loading(), Some(1), "the large text is on its way");
    app.settle_loading();
    assert_eq!(app.open_document(), Some(1));
    assert_eq!(app.anchor(), Some(marked), "at the bookmark");
    let _ = std::fs::remove_dir_all(&root);
}

/// An app over `root` with the state `store`, on the small first document.
fn app_over(root: &Path, store: std::sync::Arc<std::sync::Mutex<qari::state::Store>>) -> App {
    let mut app = app(root);
    app.attach_store(store, None, Vec::new());
    if app.open_document() != Some(0) {
        key(&mut app, KeyCode::Char('h'));
        key(&mut app, KeyCode::Char('g'));
        app.settle_loading();
    }
    assert_eq!(app.open_document(), Some(0));
    app
}

/// An OpenITI text longer than what is read first: the sample's body
/// again and again under its header.
fn long_openiti() -> String {
    let sample = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/structured/0748Dhahabi.TarikhIslam.Sample-ara1"),
    )
    .expect("the sample");
    let (header, body) = sample.split_once("#META#Header#End#\n").expect("a header");
    let mut text = format!("{header}#META#Header#End#\n");
    while (text.len() as u64) < SLOW_BYTES + 1 {
        text.push_str(body);
    }
    text
}

/// A long OpenITI text shows its start while the rest is read; the whole
/// then takes its place, the reader where it was.
#[test]
fn a_long_openiti_text_shows_its_start_first() {
    let text = long_openiti();
    let root = std::env::temp_dir().join(format!("qari-background-openiti-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).expect("folder");
    std::fs::write(root.join("a.txt"), "قصير\n").expect("file");
    std::fs::write(root.join("long-ara1"), &text).expect("file");
    let mut app = app(&root);
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.loading(), Some(1));
    // The start arrives first: shown, and the whole still awaited.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while app.open_document() != Some(1) && std::time::Instant::now() < deadline {
        app.poll_background();
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    assert_eq!(app.open_document(), Some(1), "the start is shown");
    let start_len = app.open_text().expect("a text").len();
    // (On a very loaded machine both answers can be taken in one poll.)
    let saw_start = app.loading() == Some(1);
    if saw_start {
        assert!(app.open_text().expect("a text").is_partial());
        assert!(!screen(&app).contains("Reading the document"));
    }
    // Read on a little in the start, then let the whole arrive.
    key(&mut app, KeyCode::Tab);
    for _ in 0..5 {
        key(&mut app, KeyCode::Char(' '));
    }
    let place = app.anchor().expect("a place");
    app.settle_loading();
    assert_eq!(app.loading(), None);
    let whole = app.open_text().expect("the whole");
    assert!(!whole.is_partial());
    assert!(!saw_start || whole.len() > start_len);
    assert_eq!(app.anchor(), Some(place), "the reader stays where it was");
    std::fs::remove_dir_all(&root).ok();
}

/// A place in an OpenITI text is kept by its source: the byte its
/// paragraph's line starts at in the file, not where qari's laid-out text
/// has it. A new start opens there, and a bookmark goes there, past the
/// start shown first.
#[test]
fn a_place_in_an_openiti_text_is_kept_as_its_line_in_the_file() {
    let text = long_openiti();
    let root = std::env::temp_dir().join(format!("qari-openiti-place-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).expect("folder");
    std::fs::write(root.join("a.txt"), "قصير\n").expect("file");
    std::fs::write(root.join("long-ara1"), &text).expect("file");
    let (store, warning) = qari::state::Store::open(Some(root.join("state")));
    assert!(warning.is_none(), "{warning:?}");
    let store = std::sync::Arc::new(std::sync::Mutex::new(store));
    let mut app = app_over(&root, std::sync::Arc::clone(&store));
    key(&mut app, KeyCode::Char('j'));
    app.settle_loading();
    assert_eq!(app.open_document(), Some(1));
    // Near the end, well past the start read first.
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('G'));
    for _ in 0..3 {
        key(&mut app, KeyCode::Char('b'));
    }
    let place = app.anchor().expect("a place");
    let shown = app.open_text().expect("the text");
    assert!(place.start > 600 * 1024, "{place:?}");
    let unit = shown.units().at(place.start).expect("a paragraph");
    let paragraph = shown.unit_text(&unit).to_string();
    key(&mut app, KeyCode::Char('m'));
    key(&mut app, KeyCode::Char('q'));
    app.save_state().expect("saved");
    let key_of = app.library.documents[1].key();
    let stored = store.lock().unwrap().get(&key_of).expect("kept").position;
    // The file's line there is the paragraph's.
    let line = text
        .get(stored.start..)
        .and_then(|rest| rest.lines().next())
        .unwrap_or_else(|| panic!("{stored:?} is no line of the file"));
    assert!(
        line.starts_with("# ") || line.starts_with("### "),
        "{stored:?}: {line:?}"
    );
    let word = paragraph
        .split_whitespace()
        .find(|w| w.chars().count() > 2)
        .expect("a word");
    assert!(line.contains(word), "{word:?} in {line:?}");
    drop(app);

    // A new start reopens it there.
    let mut app = self::app(&root);
    app.attach_store(std::sync::Arc::clone(&store), None, Vec::new());
    app.settle_loading();
    assert_eq!(app.open_document(), Some(1));
    assert!(!app.open_text().expect("the whole").is_partial());
    assert_eq!(app.anchor(), Some(place), "where it was left");
    // And the bookmark goes there from elsewhere.
    key(&mut app, KeyCode::Char('g'));
    assert_ne!(app.anchor(), Some(place));
    key(&mut app, KeyCode::Char('\''));
    key(&mut app, KeyCode::Char('q'));
    assert_eq!(app.anchor(), Some(place), "at the bookmark");
    std::fs::remove_dir_all(&root).ok();
}
