//! State tests: an `App` over fixture documents, driven by key events the
//! way the event loop drives it, with assertions on its state.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use qari::app::reader::Row;
use qari::app::{App, Focus, Mode};
use qari::library::{Document, Library};
use qari::text::LayoutOptions;

fn library() -> Library {
    let long: String = (1..=40)
        .map(|i| format!("الفقرة رقم {i} فيها كلمات كثيرة تكفي لتلتف على أكثر من سطر واحد في العرض الضيق.\n\n"))
        .collect();
    Library::from_documents(vec![
        Document::new("a.txt", format!("عنوان الأول\n{long}")),
        Document::new("b.txt", "عنوان الثاني\nنص قصير.\n".into()),
        Document::new("c.txt", "Third title\nShort English text.\n".into()),
    ])
}

fn app(width: u16, height: u16) -> App {
    let mut app = App::new(library(), None, LayoutOptions::default());
    app.resize(width, height);
    app
}

fn key(app: &mut App, code: KeyCode) {
    app.handle_key(&KeyEvent::new(code, KeyModifiers::NONE));
}

fn ch(app: &mut App, c: char) {
    key(app, KeyCode::Char(c));
}

fn ctrl(app: &mut App, c: char) {
    app.handle_key(&KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
}

/// The 0-based number of the paragraph starting at byte `start` of the
/// open document.
fn paragraph_number(app: &App, start: usize) -> usize {
    let (n, _) = app
        .open_text()
        .and_then(|t| t.number(start))
        .expect("an indexed open document");
    n - 1
}

/// The text of the paragraph starting at byte `start` of the open document.
fn paragraph_text(app: &App, start: usize) -> String {
    let text = app.open_text().expect("an open document");
    let unit = text.units().at(start).expect("a paragraph there");
    text.unit_text(&unit).into_owned()
}

/// The text of the reading pane's top row.
fn top_line(app: &App) -> String {
    match app.rows.first() {
        Some(Row::Line { layout, line, .. }) => {
            layout.line(*line).map(|l| l.text()).unwrap_or_default()
        }
        Some(Row::Gap) => "<gap>".into(),
        None => "<none>".into(),
    }
}

#[test]
fn starts_on_the_list_with_the_first_document_open() {
    let app = app(100, 30);
    assert_eq!(app.focus, Focus::List);
    assert_eq!(app.selected, 0);
    assert_eq!(app.open_document(), Some(0));
    assert!(app.list_right, "mostly Arabic documents mirror the screen");
    assert!(!app.rows.is_empty());
}

#[test]
fn list_moves_preview_and_open_focuses_the_reader() {
    let mut app = app(100, 30);
    ch(&mut app, 'j');
    assert_eq!((app.selected, app.open_document()), (1, Some(1)));
    key(&mut app, KeyCode::Down);
    assert_eq!(app.selected, 2);
    ch(&mut app, 'j');
    assert_eq!(app.selected, 2, "stays on the last document");
    ch(&mut app, 'g');
    assert_eq!(app.selected, 0);
    ch(&mut app, 'G');
    assert_eq!(app.selected, 2);
    ch(&mut app, 'k');
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Reader);
    assert_eq!(app.open_document(), Some(1));
    ch(&mut app, 'h');
    assert_eq!(app.focus, Focus::List);
}

#[test]
fn scrolling_pages_and_ends() {
    let mut app = app(100, 30);
    key(&mut app, KeyCode::Enter);
    let first = top_line(&app);
    ch(&mut app, 'j');
    assert_ne!(top_line(&app), first);
    ch(&mut app, 'k');
    assert_eq!(top_line(&app), first);

    let height = app.panes.text.expect("reading pane").height as usize;
    let start = app.anchor().expect("open document");
    ch(&mut app, ' ');
    let after_page = app.anchor().expect("open document");
    assert!(after_page.start > start.start);
    ch(&mut app, 'b');
    assert_eq!(app.anchor(), Some(start), "a page down and up comes back");

    ctrl(&mut app, 'd');
    let half = app.anchor().expect("anchor");
    ctrl(&mut app, 'u');
    assert_eq!(app.anchor(), Some(start));
    assert!(half != start);

    ch(&mut app, 'G');
    assert_eq!(app.position.percent, 100);
    assert_eq!(app.rows.len(), height, "the last page fills the pane");
    let end = app.anchor();
    ch(&mut app, 'j');
    assert_eq!(app.anchor(), end, "no scrolling past the end");
    ch(&mut app, 'g');
    assert_eq!(app.position.percent, 0);
    assert_eq!(app.position.paragraph, 1);
}

#[test]
fn next_and_previous_document_remember_positions() {
    let mut app = app(100, 30);
    key(&mut app, KeyCode::Enter);
    for _ in 0..5 {
        ch(&mut app, 'j');
    }
    let kept = app.anchor();
    ch(&mut app, ']');
    assert_eq!((app.selected, app.open_document()), (1, Some(1)));
    assert_eq!(app.focus, Focus::Reader);
    ch(&mut app, '[');
    assert_eq!(app.open_document(), Some(0));
    assert_eq!(
        app.anchor(),
        kept,
        "the first document reopens where it was left"
    );
    ch(&mut app, '[');
    assert_eq!(app.open_document(), Some(0), "no document before the first");
}

#[test]
fn resize_keeps_the_same_text_at_the_top() {
    let mut app = app(100, 30);
    key(&mut app, KeyCode::Enter);
    for _ in 0..9 {
        ch(&mut app, 'j');
    }
    let anchor = app.anchor().expect("anchor");
    let top = top_line(&app);
    app.resize(70, 20);
    assert_eq!(app.anchor(), Some(anchor));
    app.resize(100, 30);
    assert_eq!(
        top_line(&app),
        top,
        "back at the first size, the same line is on top"
    );
}

#[test]
fn tab_help_and_quit() {
    let mut app = app(100, 30);
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.focus, Focus::Reader);
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.focus, Focus::List);
    ch(&mut app, '?');
    assert_eq!(app.mode, Mode::Help { scroll: 0 });
    ch(&mut app, 'j');
    assert_eq!(app.selected, 0, "help is modal");
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Browse);
    ctrl(&mut app, 'c');
    assert!(app.quit);
}

#[test]
fn narrow_screens_show_one_pane_and_tiny_ones_nothing() {
    let mut app = app(50, 20);
    assert!(app.panes.list.is_some() && app.panes.reader.is_none());
    key(&mut app, KeyCode::Tab);
    assert!(app.panes.list.is_none() && app.panes.reader.is_some());
    app.resize(19, 4);
    assert!(app.panes.too_small);
    key(&mut app, KeyCode::Char('j'));
    app.resize(20, 5);
    assert!(!app.panes.too_small);
}

#[test]
fn empty_library_does_not_panic() {
    let mut app = App::new(Library::default(), None, LayoutOptions::default());
    app.resize(80, 24);
    for code in [
        KeyCode::Char('j'),
        KeyCode::Enter,
        KeyCode::Char('G'),
        KeyCode::Tab,
        KeyCode::Char(']'),
    ] {
        key(&mut app, code);
    }
    assert_eq!(app.open_document(), None);
}

#[test]
fn folders_open_recursively_skipping_hidden_and_binary_files() {
    let dir = std::env::temp_dir().join(format!("qari-state-lib-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sub")).expect("dirs");
    std::fs::create_dir_all(dir.join(".hidden")).expect("dirs");
    std::fs::write(dir.join("a.md"), "عنوان\nنص.\n").expect("write");
    std::fs::write(dir.join("sub/b"), "Title B\ntext.\n").expect("write");
    std::fs::write(dir.join(".hidden/c.txt"), "hidden\n").expect("write");
    std::fs::write(dir.join("bin.dat"), b"\x7fELF\0\0\x01").expect("write");
    let library = Library::open(std::slice::from_ref(&dir), None);
    let names: Vec<&str> = library.documents.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["a.md", "sub/b"]);
    assert_eq!(library.binary_skipped, 1);
    let mut app = App::new(library, None, LayoutOptions::default());
    app.resize(100, 30);
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).expect("terminal");
    terminal
        .draw(|f| f.render_widget(&app, f.area()))
        .expect("draw");
    let status: String = (0..100)
        .map(|x| terminal.backend().buffer()[(x, 29)].symbol().to_string())
        .collect();
    assert!(status.contains("1 binary file left out"), "{status}");
    let _ = std::fs::remove_dir_all(&dir);
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        ch(app, c);
    }
    app.settle();
}

#[test]
fn filter_bar_filters_as_you_type_and_esc_restores() {
    let mut app = app(100, 30);
    ch(&mut app, '/');
    assert_eq!(app.context(), qari::app::keymap::Context::Filter);
    typed(&mut app, "الثاني");
    assert_eq!(app.list, [1], "only the second title matches");
    assert_eq!(app.selected, 1, "the selection moves to a listed document");
    assert_eq!(app.open_document(), Some(1));
    key(&mut app, KeyCode::Backspace);
    app.settle();
    assert_eq!(app.filter.query, "الثان");
    ctrl(&mut app, 'u');
    app.settle();
    assert_eq!(app.list, [0, 1, 2], "an empty query lists everything");
    typed(&mut app, "zzzz");
    assert!(app.list.is_empty(), "no match");
    key(&mut app, KeyCode::Esc);
    app.settle();
    assert_eq!(app.list, [0, 1, 2]);
    assert!(app.filter.query.is_empty());
    assert_eq!(app.focus, Focus::List);
}

#[test]
fn filter_keeps_the_selection_and_enter_opens_it() {
    let mut app = app(100, 30);
    ch(&mut app, 'j'); // select the second document
    ch(&mut app, '/');
    typed(&mut app, "عنوان"); // both Arabic titles match
    assert!(app.list.contains(&1));
    assert_eq!(app.selected, 1, "still listed, still selected");
    ctrl(&mut app, 'w');
    app.settle();
    assert!(app.filter.query.is_empty(), "Ctrl-w deletes the word");
    typed(&mut app, "third");
    assert_eq!(app.list, [2]);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Reader);
    assert_eq!(app.open_document(), Some(2));
    assert_eq!(app.mode, Mode::Browse);
    assert_eq!(app.list, [2], "Enter keeps the filtered list");
    ch(&mut app, 'h');
    key(&mut app, KeyCode::Esc);
    app.settle();
    assert_eq!(app.list, [0, 1, 2], "Esc in the list drops the kept filter");
}

#[test]
fn hamza_free_queries_match_and_marks_land_on_the_letters() {
    let mut app = app(100, 30);
    ch(&mut app, '/');
    typed(&mut app, "الاول"); // the title says الأول
    assert_eq!(app.list, [0]);
    let marks = app.marks.get(&0).expect("marks for the visible row");
    let title = &app.library.documents[0].title;
    let marked: String = marks.title.iter().map(|r| &title[r.clone()]).collect();
    assert_eq!(marked, "الأول");
}

#[test]
fn search_in_a_document_with_next_and_previous_hits() {
    let mut app = app(100, 30);
    key(&mut app, KeyCode::Enter);
    ch(&mut app, '/');
    assert_eq!(app.context(), qari::app::keymap::Context::Search);
    for c in "الفقرة رقم 3".chars() {
        ch(&mut app, c);
    }
    app.settle_document_search();
    // "الفقرة رقم 3" occurs in paragraphs 3 and 30..39 (digits match as text).
    let hits: Vec<usize> = app
        .search
        .hits
        .iter()
        .map(|h| paragraph_number(&app, h.start))
        .collect();
    assert_eq!(hits.len(), 11, "{hits:?}");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.context(), qari::app::keymap::Context::Reader);
    assert_eq!(app.search.current, Some(0));
    ch(&mut app, 'n');
    assert_eq!(app.search.current, Some(1));
    let first_hit = app.search.hits[1].start;
    assert!(
        app.rows
            .iter()
            .any(|r| matches!(r, Row::Line { start, .. } if *start == first_hit)),
        "the pane scrolled to show the hit"
    );
    ch(&mut app, 'N');
    ch(&mut app, 'N');
    assert_eq!(app.search.current, Some(10), "N wraps to the last hit");
    let last = app.search.hits[10].start;
    assert!(
        app.rows
            .iter()
            .any(|r| matches!(r, Row::Line { start, .. } if *start == last))
    );
    // Esc in the search bar cancels the search.
    ch(&mut app, '/');
    key(&mut app, KeyCode::Esc);
    assert!(app.search.hits.is_empty());
}

#[test]
fn library_search_finds_paragraphs_with_every_word_and_opens_at_one() {
    let mut app = app(100, 30);
    ctrl(&mut app, 'f');
    assert_eq!(app.context(), qari::app::keymap::Context::Library);
    for c in "سطر الفقرة 7".chars() {
        ch(&mut app, c);
    }
    app.settle_search();
    // "الفقرة" and "7" are in paragraphs 7, 17, 27 and 37; "سطر" is in all.
    let number = |doc: usize, start: usize| {
        let text = app.library.documents[doc].text(None).expect("a text");
        text.number(start).expect("indexed").0 - 1
    };
    let found: Vec<(usize, usize)> = app
        .library_search
        .hits
        .iter()
        .map(|h| (h.doc, number(h.doc, h.start)))
        .collect();
    assert_eq!(found, [(0, 7), (0, 17), (0, 27), (0, 37)]);
    assert!(app.library_search.done);
    assert!(!app.results.is_empty(), "rows are laid out");
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    assert_ne!(app.mode, Mode::Library);
    assert_eq!(app.focus, Focus::Reader);
    assert_eq!(app.open_document(), Some(0));
    let at = app.anchor().expect("open").start;
    assert_eq!(paragraph_number(&app, at), 17);
    app.settle_document_search();
    assert!(
        app.search.hits.iter().any(|h| h.start == at),
        "the hit is marked in the document"
    );
    // Typing again replaces the results; Esc closes them.
    ctrl(&mut app, 'f');
    ctrl(&mut app, 'u');
    for c in "English".chars() {
        ch(&mut app, c);
    }
    app.settle_search();
    let found: Vec<usize> = app.library_search.hits.iter().map(|h| h.doc).collect();
    assert_eq!(found, [2]);
    key(&mut app, KeyCode::Esc);
    assert_ne!(app.mode, Mode::Library);
}

/// A fresh state folder for one test.
fn state_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("qari-state-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn with_store(mut app: App, dir: &std::path::Path) -> App {
    let (store, warning) = qari::state::Store::open(Some(dir.to_path_buf()));
    assert!(warning.is_none(), "{warning:?}");
    app.attach_store(
        std::sync::Arc::new(std::sync::Mutex::new(store)),
        None,
        Vec::new(),
    );
    app
}

/// Two notes about the terminal, as `main` hands them over.
fn notes() -> Vec<qari::app::TerminalNote> {
    vec![
        qari::app::TerminalNote {
            id: "test-first",
            text: "first note about the terminal, long enough to wrap onto a second row of a narrow screen",
        },
        qari::app::TerminalNote {
            id: "test-second",
            text: "second note",
        },
    ]
}

fn with_notes(mut app: App, dir: &std::path::Path) -> App {
    let (store, _) = qari::state::Store::open(Some(dir.to_path_buf()));
    app.attach_store(
        std::sync::Arc::new(std::sync::Mutex::new(store)),
        None,
        notes(),
    );
    app.sync();
    app
}

#[test]
fn terminal_notes_stay_until_dismissed_and_a_dismissed_one_never_returns() {
    let dir = state_dir("notes");
    let mut first = with_notes(app(60, 20), &dir);
    let note = first.panes.note.expect("the first note shows");
    let lines = first.note.as_ref().map_or(0, |n| n.line_count());
    assert!(lines > 1, "wrapped to the width");
    assert_eq!(usize::from(note.height), lines);
    assert!(first.notes[0].text.starts_with("first"));
    // Other keys work and leave the note where it is.
    key(&mut first, KeyCode::Down);
    assert_eq!(first.selected, 1);
    assert!(first.panes.note.is_some());
    // `x` hides it for good; the next one takes its place.
    ch(&mut first, 'x');
    assert_eq!(first.notes.len(), 1);
    assert!(first.notes[0].text.starts_with("second"));
    assert_eq!(first.panes.note.map(|n| n.height), Some(1));
    first.save_state().expect("saved");
    drop(first);
    // Next start: the dismissed note stays away, the other one is back.
    let mut second = with_notes(app(60, 20), &dir);
    assert_eq!(
        second.notes.iter().map(|n| n.id).collect::<Vec<_>>(),
        ["test-second"]
    );
    ch(&mut second, 'x');
    assert!(second.panes.note.is_none());
    assert_eq!(second.panes.reader.map(|r| r.height), Some(19));
    second.save_state().expect("saved");
    drop(second);
    let third = with_notes(app(60, 20), &dir);
    assert!(third.notes.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_next_start_reopens_the_last_document_at_its_place() {
    let dir = state_dir("reopen");
    let mut first = with_store(app(100, 30), &dir);
    key(&mut first, KeyCode::Enter);
    for _ in 0..3 {
        key(&mut first, KeyCode::PageDown);
    }
    let place = first.anchor().expect("a document is open");
    let top = top_line(&first);
    assert!(place.start > 0);
    // And a glance at another document in the list does not replace it.
    ch(&mut first, 'h');
    first.save_state().expect("saved");
    drop(first);

    let second = with_store(app(100, 30), &dir);
    assert_eq!(second.open_document(), Some(0));
    assert_eq!(second.anchor(), Some(place));
    assert_eq!(top_line(&second), top);
    assert_eq!(second.focus, Focus::Reader);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bookmarks_in_a_document_and_across_documents() {
    let dir = state_dir("marks");
    let mut app = with_store(app(100, 30), &dir);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::PageDown);
    let marked = app.anchor().expect("open");
    ch(&mut app, 'm');
    assert_eq!(app.context(), qari::app::keymap::Context::Mark);
    ch(&mut app, 'a');
    assert_eq!(app.notice.as_deref(), Some("bookmark a set"));
    ch(&mut app, 'm');
    ch(&mut app, 'Q');
    key(&mut app, KeyCode::PageDown);
    key(&mut app, KeyCode::PageDown);
    assert_ne!(app.anchor(), Some(marked));
    ch(&mut app, '\'');
    ch(&mut app, 'a');
    assert_eq!(app.anchor(), Some(marked), "back at bookmark a");
    // A letter with no bookmark says so and moves nothing.
    ch(&mut app, '\'');
    ch(&mut app, 'z');
    assert_eq!(
        app.notice.as_deref(),
        Some("no bookmark z in this document")
    );
    assert_eq!(app.anchor(), Some(marked));
    // Esc after `m` sets nothing.
    ch(&mut app, 'm');
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.context(), qari::app::keymap::Context::Reader);
    // An upper-case bookmark opens its document from anywhere.
    ch(&mut app, ']');
    assert_eq!(app.open_document(), Some(1));
    ch(&mut app, '\'');
    ch(&mut app, 'Q');
    assert_eq!(app.open_document(), Some(0));
    assert_eq!(app.anchor(), Some(marked));
    // Kept for the next start.
    app.save_state().expect("saved");
    let mut again = with_store(self::app(100, 30), &dir);
    ch(&mut again, ']');
    ch(&mut again, '\'');
    ch(&mut again, 'Q');
    assert_eq!(again.anchor(), Some(marked));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn reading_a_changed_file_again_keeps_the_place_or_says_it_is_gone() {
    let dir = state_dir("reload");
    std::fs::create_dir_all(&dir).expect("a folder");
    let file = dir.join("doc.txt");
    let paragraphs: Vec<String> = (1..=60)
        .map(|i| format!("الفقرة {i}: نص يكفي ليملأ سطرا أو سطرين في العرض الضيق."))
        .collect();
    std::fs::write(&file, paragraphs.join("\n")).expect("write");
    let library = Library::open(std::slice::from_ref(&file), None);
    let mut app = App::new(library, None, LayoutOptions::default());
    app.resize(100, 30);
    key(&mut app, KeyCode::Enter);
    for _ in 0..3 {
        key(&mut app, KeyCode::PageDown);
    }
    let before = app.anchor().expect("open");
    let text_before = paragraph_text(&app, before.start);
    let number_before = paragraph_number(&app, before.start);
    let top = top_line(&app);

    // Two paragraphs are added at the start.
    let mut changed = vec!["مقدمة جديدة".to_string(), "وسطر آخر".to_string()];
    changed.extend(paragraphs.iter().cloned());
    std::fs::write(&file, changed.join("\n")).expect("write");
    assert!(app.check_open_file(), "the change is noticed");
    ch(&mut app, 'r');
    assert_eq!(
        app.notice.as_deref(),
        Some("read again; your place is kept")
    );
    let after = app.anchor().expect("open");
    assert_eq!(paragraph_number(&app, after.start), number_before + 2);
    assert_eq!(paragraph_text(&app, after.start), text_before);
    assert_eq!(top_line(&app), top, "the same words at the top");
    assert_eq!(
        app.open_text().and_then(|t| t.number(0)).map(|n| n.1),
        Some(62)
    );

    // Deleted: the text stays on screen and qari says the file is gone.
    std::fs::remove_file(&file).expect("remove");
    ch(&mut app, 'r');
    let notice = app.notice.clone().unwrap_or_default();
    assert!(notice.starts_with("the file is gone"), "{notice}");
    assert_eq!(top_line(&app), top);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Once `r` has said the file is gone, the next check does not say "r
/// reads it again" any more: the change has been answered. It speaks up
/// again when the file changes anew (it comes back).
#[test]
fn a_deleted_file_is_announced_until_r_answers_it() {
    let dir = state_dir("gone");
    std::fs::create_dir_all(&dir).expect("a folder");
    let file = dir.join("doc.txt");
    std::fs::write(&file, "عنوان\nنص قصير.\n").expect("write");
    let library = Library::open(std::slice::from_ref(&file), None);
    let mut app = App::new(library, None, LayoutOptions::default());
    app.resize(100, 30);
    key(&mut app, KeyCode::Enter);
    std::fs::remove_file(&file).expect("remove");
    assert!(app.check_open_file(), "the deletion is noticed");
    assert!(
        app.notice
            .as_deref()
            .is_some_and(|n| n.contains("r reads it again"))
    );
    ch(&mut app, 'r');
    let notice = app.notice.clone().unwrap_or_default();
    assert!(notice.starts_with("the file is gone"), "{notice}");
    // The next key clears the notice; the idle check does not bring back
    // the hint that `r` has just answered.
    ch(&mut app, 'j');
    assert_eq!(app.notice, None);
    for _ in 0..3 {
        assert!(!app.check_open_file(), "{:?}", app.notice);
        assert_eq!(app.notice, None);
    }
    // The file comes back: that is a change to announce.
    std::fs::write(&file, "عنوان\nنص آخر أطول من الأول.\n").expect("write");
    assert!(app.check_open_file());
    assert!(
        app.notice
            .as_deref()
            .is_some_and(|n| n.contains("r reads it again"))
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// While the help shows, nothing else takes keys: `j` and `k` scroll the
/// help (when it does not fit) and never the document behind it.
#[test]
fn keys_under_the_help_reach_nothing_else() {
    let mut app = app(120, 40);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Reader);
    let before = app.anchor();
    ch(&mut app, '?');
    for c in ['j', 'j', 'k', 'j', ' ', 'G', 'm', 'a', '/'] {
        ch(&mut app, c);
    }
    key(&mut app, KeyCode::Down);
    assert_eq!(app.anchor(), before, "the document did not move");
    assert!(matches!(app.mode, Mode::Help { .. }), "{:?}", app.mode);
    ch(&mut app, '?');
    assert_eq!(app.mode, Mode::Browse);
    assert_eq!(app.anchor(), before);
    assert!(app.search.query.is_empty(), "no search was typed");
}
