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
        Some(row @ Row::Line { .. }) => row.text(),
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
    assert!(app.position.percent < 100 / 3, "{:?}", app.position);
    assert_eq!(app.position.paragraph, 1);
}

/// The percentage moves smoothly: one line up from the end takes it just
/// under 100, not to where the top line is (it jumped from 100 to 50 in a
/// short document), and it only grows while paging down.
#[test]
fn the_percentage_moves_a_line_at_a_time() {
    let mut app = app(100, 30);
    key(&mut app, KeyCode::Enter);
    ch(&mut app, 'G');
    assert_eq!(app.position.percent, 100);
    ch(&mut app, 'k');
    let up = app.position.percent;
    assert!((90..100).contains(&up), "one line up from the end: {up}%");
    ch(&mut app, 'g');
    let mut last = app.position.percent;
    for _ in 0..20 {
        ch(&mut app, 'j');
        let now = app.position.percent;
        assert!(now >= last && now - last <= 10, "{last}% then {now}%");
        last = now;
    }
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
fn filter_selects_the_best_match_and_enter_opens_it() {
    let mut app = app(100, 30);
    ch(&mut app, 'j'); // select the second document
    ch(&mut app, '/');
    typed(&mut app, "عنوان"); // both Arabic titles match
    assert!(app.list.contains(&1));
    assert_eq!(
        app.selected, app.list[0],
        "a new query selects its best match"
    );
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
    // Esc after typing a new query cancels the search.
    ch(&mut app, '/');
    ch(&mut app, 'x');
    key(&mut app, KeyCode::Esc);
    assert!(app.search.hits.is_empty());
    assert!(app.search.query.is_empty());
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

/// As in fzf: on every change of the query the selection goes to the best
/// match, so Enter opens what is listed first, not a document selected
/// before that still matches.
#[test]
fn enter_in_the_filter_opens_the_best_match() {
    let mut app = App::new(Library::bundled(), None, LayoutOptions::default());
    app.resize(100, 30);
    let overview = app
        .library
        .documents
        .iter()
        .position(|d| d.title == "لمحة عامة")
        .expect("the bundled overview");
    // The first document mentions عامة too, and starts selected.
    assert_ne!(app.selected, overview);
    ch(&mut app, '/');
    typed(&mut app, "عامة");
    assert_eq!(app.list.first(), Some(&overview), "listed first");
    assert_eq!(app.selected, overview, "and selected");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.open_document(), Some(overview));
    assert_eq!(app.focus, Focus::Reader);
}

/// One document (from standard input, or the only file given) opens in the
/// reading pane: Space pages it at once.
#[test]
fn a_lone_document_opens_in_the_reading_pane() {
    let long: String = (1..=40)
        .map(|i| format!("سطر رقم {i} من نص طويل.\n\n"))
        .collect();
    let library = Library::from_documents(vec![Document::new("only.txt", long)]);
    let mut app = App::new(library, None, LayoutOptions::default());
    app.resize(80, 20);
    assert_eq!(app.focus, Focus::Reader);
    let before = app.anchor();
    ch(&mut app, ' ');
    assert_ne!(app.anchor(), before, "Space paged the document");
    // With more documents, the list comes first.
    assert_eq!(self::app(80, 20).focus, Focus::List);
}

/// Plain text gets no invented headings: the verses of a poem are not bold;
/// a short title before a paragraph is.
#[test]
fn only_strong_evidence_makes_a_heading() {
    let poem = "قفا نبك من ذكرى حبيب ومنزل\nبسقط اللوى بين الدخول فحومل\n\
                فتوضح فالمقراة لم يعف رسمها\nلما نسجتها من جنوب وشمأل\n";
    let prose = "عنوان قصير\nهذه فقرة طويلة من النص الجاري فيها كلمات كثيرة تكفي لتقرأ \
                 نصا لا سطرا قصيرا ولا عنوانا ولا بيتا من الشعر في أي حال من الأحوال.\n";
    let library = Library::from_documents(vec![
        Document::new("poem.txt", poem.into()),
        Document::new("prose.txt", prose.into()),
    ]);
    let mut app = App::new(library, None, LayoutOptions::default());
    app.resize(100, 30);
    let headings = |app: &App| {
        app.rows
            .iter()
            .filter(|r| matches!(r, Row::Line { heading: true, .. }))
            .count()
    };
    assert_eq!(headings(&app), 0, "no verse is a heading");
    ch(&mut app, 'j');
    assert_eq!(app.open_document(), Some(1));
    assert_eq!(headings(&app), 1, "the title before the paragraph is");
}

/// Types `text` into the open bar, one character at a time.
fn type_in(app: &mut App, text: &str) {
    for c in text.chars() {
        ch(app, c);
    }
}

/// The whole screen as drawn now, one line per row.
fn screen(app: &App) -> String {
    let area = app.area;
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(area.width, area.height))
            .expect("terminal");
    terminal
        .draw(|f| f.render_widget(app, f.area()))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    (0..area.height)
        .map(|y| {
            (0..area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
                + "\n"
        })
        .collect()
}

/// `/` opens an empty bar, as in less and vim; ↑ / Ctrl-p bring back
/// earlier queries (those starting with what is typed), ↓ / Ctrl-n later
/// ones, and past the newest what was typed.
#[test]
fn slash_starts_an_empty_search_and_up_recalls_earlier_ones() {
    let mut app = app(100, 30);
    key(&mut app, KeyCode::Enter);
    ch(&mut app, '/');
    type_in(&mut app, "الفقرة رقم 3");
    app.settle_document_search();
    key(&mut app, KeyCode::Enter);
    ch(&mut app, '/');
    type_in(&mut app, "كثيرة");
    app.settle_document_search();
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Browse);

    ch(&mut app, '/');
    assert_eq!(app.mode, Mode::Search);
    assert_eq!(app.search.query, "", "the bar starts empty");
    key(&mut app, KeyCode::Up);
    assert_eq!(app.search.query, "كثيرة", "the last query first");
    ctrl(&mut app, 'p');
    assert_eq!(app.search.query, "الفقرة رقم 3");
    key(&mut app, KeyCode::Up);
    assert_eq!(app.search.query, "الفقرة رقم 3", "nothing earlier");
    key(&mut app, KeyCode::Down);
    assert_eq!(app.search.query, "كثيرة");
    ctrl(&mut app, 'n');
    assert_eq!(app.search.query, "", "past the newest: what was typed");
    key(&mut app, KeyCode::Up);
    app.settle_document_search();
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.search.query, "كثيرة");
    assert!(!app.search.hits.is_empty(), "a recalled query searches");

    // With something typed, only the queries that start with it.
    ch(&mut app, '/');
    type_in(&mut app, "ال");
    key(&mut app, KeyCode::Up);
    assert_eq!(app.search.query, "الفقرة رقم 3");
    key(&mut app, KeyCode::Up);
    assert_eq!(app.search.query, "الفقرة رقم 3", "كثيرة does not start so");
    key(&mut app, KeyCode::Down);
    assert_eq!(app.search.query, "ال");
    key(&mut app, KeyCode::Esc);
}

/// Esc puts the reader back where the search started; Enter keeps the hits
/// and the place of the current one, and `n` / `N` go on from there. A bar
/// opened and closed untouched leaves the search in force as it was.
#[test]
fn esc_returns_to_where_the_search_started_and_enter_stays() {
    let mut app = app(100, 30);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::PageDown);
    let origin = app.anchor().expect("open");
    ch(&mut app, '/');
    type_in(&mut app, "الفقرة رقم 39");
    app.settle_document_search();
    assert_ne!(app.anchor(), Some(origin), "the pane went to the hit");
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.anchor(), Some(origin), "back where the search started");
    assert!(app.search.hits.is_empty() && app.search.query.is_empty());

    ch(&mut app, '/');
    type_in(&mut app, "الفقرة رقم 3");
    app.settle_document_search();
    let at_hit = app.anchor();
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.anchor(), at_hit, "Enter stays at the hit");
    let current = app.search.current.expect("a current hit");
    ch(&mut app, 'n');
    assert_eq!(app.search.current, Some(current + 1));
    let kept = app.anchor();
    // `/` then Esc: nothing typed, nothing lost.
    ch(&mut app, '/');
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.search.query, "الفقرة رقم 3");
    assert_eq!(app.search.current, Some(current + 1));
    assert_eq!(app.anchor(), kept);
    ch(&mut app, 'n');
    assert_eq!(app.search.current, Some(current + 2), "n still works");
    // `/` then Enter: the last search again, as `n`.
    ch(&mut app, '/');
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.search.query, "الفقرة رقم 3");
    assert_eq!(app.search.current, Some(current + 3));
}

/// `\` searches backward: the current hit is the last one at or before the
/// place the search started from, `n` goes up and `N` down.
#[test]
fn backslash_searches_backward() {
    let mut app = app(100, 30);
    key(&mut app, KeyCode::Enter);
    for _ in 0..3 {
        key(&mut app, KeyCode::PageDown);
    }
    let origin = app.anchor().expect("open");
    ch(&mut app, '\\');
    assert_eq!(app.mode, Mode::Search, "\\ opens the search bar");
    type_in(&mut app, "الفقرة رقم");
    app.settle_document_search();
    let hits = &app.search.hits;
    let before = hits
        .iter()
        .rposition(|h| (h.start, h.range.start) <= (origin.start, origin.offset))
        .expect("hits before the place");
    assert!(before + 1 < hits.len(), "and hits after it");
    assert_eq!(app.search.current, Some(before));
    key(&mut app, KeyCode::Enter);
    ch(&mut app, 'n');
    assert_eq!(app.search.current, Some(before - 1), "n goes backward");
    ch(&mut app, 'N');
    ch(&mut app, 'N');
    assert_eq!(app.search.current, Some(before + 1), "N goes forward");
    // From the top nothing is before the start: the last hit, as vim wraps.
    ch(&mut app, 'g');
    ch(&mut app, '\\');
    type_in(&mut app, "الفقرة رقم 2");
    app.settle_document_search();
    assert_eq!(app.search.current, Some(app.search.hits.len() - 1));
}

/// `''` (or two backticks) goes back to the place before the last jump —
/// `G`, a search, a go-to — and pressing it again comes back.
#[test]
fn quote_quote_goes_back_before_the_last_jump_and_again_returns() {
    let mut app = app(100, 30);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::PageDown);
    let reading = app.anchor().expect("open");
    ch(&mut app, 'G');
    let end = app.anchor().expect("open");
    assert_ne!(reading, end);
    ch(&mut app, '\'');
    ch(&mut app, '\'');
    assert_eq!(app.anchor(), Some(reading), "back before G");
    ch(&mut app, '\'');
    ch(&mut app, '\'');
    assert_eq!(app.anchor(), Some(end), "and again: the end");
    ch(&mut app, '`');
    ch(&mut app, '`');
    assert_eq!(app.anchor(), Some(reading), "backticks too");
    assert_eq!(app.mode, Mode::Browse);

    // A search that moved the reader is a jump; scrolling is not.
    ch(&mut app, 'j');
    let before_search = app.anchor().expect("open");
    ch(&mut app, '/');
    type_in(&mut app, "الفقرة رقم 35");
    app.settle_document_search();
    key(&mut app, KeyCode::Enter);
    let at_hit = app.anchor().expect("open");
    assert_ne!(at_hit, before_search);
    ch(&mut app, '\'');
    ch(&mut app, '\'');
    assert_eq!(app.anchor(), Some(before_search));
    ch(&mut app, '\'');
    ch(&mut app, '\'');
    assert_eq!(app.anchor(), Some(at_hit));
}

/// A jump that opened another document (an A–Z bookmark) is undone by
/// `''`, which reopens the first document at its place.
#[test]
fn quote_quote_goes_back_across_documents() {
    let dir = state_dir("jumps");
    let mut app = with_store(app(100, 30), &dir);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::PageDown);
    let marked = app.anchor().expect("open");
    ch(&mut app, 'm');
    ch(&mut app, 'Q');
    key(&mut app, KeyCode::PageDown);
    ch(&mut app, ']');
    assert_eq!(app.open_document(), Some(1));
    ch(&mut app, '\'');
    ch(&mut app, 'Q');
    assert_eq!((app.open_document(), app.anchor()), (Some(0), Some(marked)));
    ch(&mut app, '\'');
    ch(&mut app, '\'');
    assert_eq!(app.open_document(), Some(1), "back to the second document");
    ch(&mut app, '\'');
    ch(&mut app, '\'');
    assert_eq!(
        (app.open_document(), app.anchor()),
        (Some(0), Some(marked)),
        "and to the bookmark again"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `:` asks for a place: a paragraph number or a percentage; Enter goes,
/// Esc does not, and what is not a place says so.
#[test]
fn colon_goes_to_a_paragraph_or_a_percentage() {
    let mut app = app(100, 30);
    key(&mut app, KeyCode::Enter);
    ch(&mut app, ':');
    type_in(&mut app, "20");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Browse);
    let at = app.anchor().expect("open");
    assert_eq!(paragraph_number(&app, at.start) + 1, 20);
    assert_eq!(app.position.paragraph, 20, "the status bar agrees");

    ch(&mut app, ':');
    type_in(&mut app, "50%");
    key(&mut app, KeyCode::Enter);
    let percent = app.position.percent;
    assert!((47..=50).contains(&percent), "half way: {percent}%");
    // Arabic-Indic digits and the Arabic percent sign work too.
    ch(&mut app, ':');
    type_in(&mut app, "١٠٠٪");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.position.percent, 100);
    ch(&mut app, '\'');
    ch(&mut app, '\'');
    assert!(
        (47..=50).contains(&app.position.percent),
        "'' undoes a go-to"
    );

    let here = app.anchor();
    ch(&mut app, ':');
    type_in(&mut app, "7");
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.anchor(), here, "Esc goes nowhere");
    assert_eq!(app.mode, Mode::Browse);
    for bad in ["abc", "999", "0", "150%"] {
        ch(&mut app, ':');
        type_in(&mut app, bad);
        key(&mut app, KeyCode::Enter);
        let notice = app.notice.clone().unwrap_or_default();
        assert!(!notice.is_empty(), "{bad}: a notice says why");
        assert_eq!(app.anchor(), here, "{bad}: nowhere");
        key(&mut app, KeyCode::Esc);
    }
}

/// `'` then `?` lists the bookmarks (this document's, then the global
/// ones) with the start of their paragraph; ↓ and Enter go to one.
#[test]
fn quote_question_lists_the_bookmarks_to_pick_from() {
    let dir = state_dir("marklist");
    let mut app = with_store(app(100, 30), &dir);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::PageDown);
    let a = app.anchor().expect("open");
    ch(&mut app, 'm');
    ch(&mut app, 'a');
    key(&mut app, KeyCode::PageDown);
    key(&mut app, KeyCode::PageDown);
    let b = app.anchor().expect("open");
    ch(&mut app, 'm');
    ch(&mut app, 'B');
    ch(&mut app, 'g');
    ch(&mut app, '\'');
    ch(&mut app, '?');
    let shown = screen(&app);
    assert!(shown.contains("Bookmarks"), "{shown}");
    let number = paragraph_number(&app, a.start);
    let first_words = format!("رقم {number} فيها");
    let visual = qari::text::Layout::new(&first_words, &LayoutOptions::default())
        .line(0)
        .map(|l| l.text())
        .unwrap_or_default();
    assert!(shown.contains(&visual), "{first_words} shown:\n{shown}");
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.anchor(), Some(b), "the second bookmark, B");
    assert_eq!(app.mode, Mode::Browse);
    ch(&mut app, '\'');
    ch(&mut app, '?');
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.anchor(), Some(a), "the first, a");
    ch(&mut app, '\'');
    ch(&mut app, '?');
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Browse);
    assert_eq!(app.anchor(), Some(a));
    let _ = std::fs::remove_dir_all(&dir);
}

/// In a document large enough to be counted in the background, `:` lands
/// on the paragraph asked for, waiting for the count if it must.
#[test]
fn a_go_to_in_a_large_document_waits_for_the_paragraphs_to_be_counted() {
    let text: String = (1..=40_000)
        .map(|i| format!("الفقرة {i}: سطر فيه كلمات تكفي لملء نصف سطر على الأقل.\n"))
        .collect();
    assert!(
        text.len() > 2 << 20,
        "large enough to be indexed in the background"
    );
    let library = Library::from_documents(vec![Document::new("big.txt", text)]);
    let mut app = App::new(library, None, LayoutOptions::default());
    app.resize(100, 30);
    key(&mut app, KeyCode::Enter);
    ch(&mut app, ':');
    type_in(&mut app, "31234");
    key(&mut app, KeyCode::Enter);
    let start = std::time::Instant::now();
    while !(app.position.exact && app.position.paragraph == 31234) {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(10),
            "at ¶ {} ({:?})",
            app.position.paragraph,
            app.notice
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
        app.poll_background();
    }
    let at = app.anchor().expect("open");
    assert!(paragraph_text(&app, at.start).starts_with("الفقرة 31234:"));
}

/// Idle means idle: with nothing going on, polling the background work
/// changes nothing, also with an empty document open and on a screen too
/// small to show the text (each redrew the screen five times a second).
#[test]
fn nothing_to_redraw_while_idle() {
    let library = Library::from_documents(vec![
        Document::new("empty.txt", String::new()),
        Document::new("b.txt", "عنوان\nنص قصير.\n".into()),
    ]);
    for (width, height) in [(100, 30), (10, 3)] {
        let mut app = App::new(
            Library::from_documents(library.documents.iter().map(|d| (**d).clone()).collect()),
            None,
            LayoutOptions::default(),
        );
        app.resize(width, height);
        key(&mut app, KeyCode::Enter);
        // Let the background indexing finish.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while app.poll_background() {
            assert!(
                std::time::Instant::now() < deadline,
                "never idle at {width}x{height}"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        assert!(
            !app.poll_background(),
            "a redraw while idle at {width}x{height}"
        );
    }
}

/// The text of every row of the reading pane, blank rows as "".
fn shown_rows(app: &App) -> Vec<String> {
    app.rows.iter().map(Row::text).collect()
}

/// On a wide screen the text runs no wider than the measure (90 cells by
/// default), its column centred in the reading pane.
#[test]
fn the_text_keeps_to_its_measure_on_a_wide_screen() {
    let app = app(200, 50);
    let (reader, text) = (
        app.panes.reader.expect("a reading pane"),
        app.panes.text.expect("its text"),
    );
    assert_eq!(text.width, 90, "the measure, not the pane's 150 cells");
    let (left, right) = (text.x - reader.x, reader.right() - text.right());
    assert!(left.abs_diff(right) <= 1, "centred: {left} and {right}");
    for row in &app.rows {
        if let Row::Line { shape, row, .. } = row {
            for piece in &shape.rows[*row].pieces {
                let width = piece.x + piece.layout.line(piece.line).map_or(0, |l| l.width());
                assert!(width <= 90, "a line of {width} cells");
            }
        }
    }
    // Narrower panes are not touched.
    let narrow = self::app(100, 30);
    let (reader, text) = (narrow.panes.reader.unwrap(), narrow.panes.text.unwrap());
    assert_eq!(text.width, reader.width - 2);
}

#[test]
fn a_measure_of_zero_lets_the_text_fill_the_pane() {
    let mut app = app(200, 50);
    app.set_measure(0);
    assert_eq!(app.panes.text.map(|t| t.width), Some(150));
    app.set_measure(60);
    assert_eq!(app.panes.text.map(|t| t.width), Some(60));
}

/// Lines of the file without blank lines between them read as paragraphs:
/// a blank row after each, but a heading stays with its paragraph.
#[test]
fn every_line_is_a_paragraph_set_apart_unless_asked_otherwise() {
    let library = Library::from_documents(vec![Document::new(
        "lines.txt",
        "عنوان\nالسطر الأول.\nالسطر الثاني.\n\n\nالسطر الثالث.\n".into(),
    )]);
    let mut app = App::new(library, None, LayoutOptions::default());
    app.resize(100, 30);
    let rows = shown_rows(&app);
    assert_eq!(rows.len(), 6, "{rows:?}");
    assert!(rows[0].contains("ﻥﺍﻮﻨﻋ"), "{rows:?}");
    assert!(!rows[1].is_empty(), "the heading stays with its paragraph");
    assert!(rows[2].is_empty() && rows[4].is_empty(), "{rows:?}");
    app.set_paragraphs(qari::config::ParagraphsSetting::Blank);
    let rows = shown_rows(&app);
    assert_eq!(rows.len(), 5, "only the file's blank lines: {rows:?}");
    assert!(rows[3].is_empty() && !rows[2].is_empty(), "{rows:?}");
}

/// `z` hides the list and gives the reading pane the whole screen; `z`
/// again, or going back to the list, shows it.
#[test]
fn z_hides_the_list_and_shows_it_again() {
    let mut app = app(120, 40);
    ch(&mut app, 'z');
    assert!(app.panes.list.is_none(), "the list is hidden");
    assert_eq!(app.panes.reader.map(|r| r.width), Some(120));
    assert_eq!(
        app.panes.text.map(|t| t.width),
        Some(90),
        "the measure holds"
    );
    assert_eq!(app.focus, Focus::Reader);
    ch(&mut app, 'j');
    assert!(app.panes.list.is_none(), "reading keeps it hidden");
    ch(&mut app, 'z');
    assert!(app.panes.list.is_some());
    assert_eq!(app.focus, Focus::Reader, "still reading");
    ch(&mut app, 'z');
    key(&mut app, KeyCode::Tab);
    assert!(
        app.panes.list.is_some(),
        "Tab goes to the list and shows it"
    );
    assert_eq!(app.focus, Focus::List);
    ch(&mut app, 'z');
    ch(&mut app, 'h');
    assert!(app.panes.list.is_some() && !app.list_hidden);
}

/// On the mirrored screen the reading pane is on the left: ← goes there and
/// → back to the list. On the unmirrored one, the other way round.
#[test]
fn arrows_point_at_the_pane_they_go_to() {
    let mut rtl = app(100, 30);
    assert!(rtl.list_right);
    key(&mut rtl, KeyCode::Right);
    assert_eq!(
        rtl.focus,
        Focus::List,
        "→ points away from the reading pane"
    );
    key(&mut rtl, KeyCode::Left);
    assert_eq!(rtl.focus, Focus::Reader);
    key(&mut rtl, KeyCode::Left);
    assert_eq!(rtl.focus, Focus::Reader);
    key(&mut rtl, KeyCode::Right);
    assert_eq!(rtl.focus, Focus::List);

    let mut ltr = App::new(library(), Some(false), LayoutOptions::default());
    ltr.resize(100, 30);
    key(&mut ltr, KeyCode::Left);
    assert_eq!(ltr.focus, Focus::List);
    key(&mut ltr, KeyCode::Right);
    assert_eq!(ltr.focus, Focus::Reader);
    key(&mut ltr, KeyCode::Left);
    assert_eq!(ltr.focus, Focus::List);
}

/// Letters typed on an Arabic or Hebrew layout act as the key they sit on,
/// outside the bars; in a bar they are text.
#[test]
fn arabic_and_hebrew_layouts_type_the_keys() {
    let mut app = app(100, 30);
    ch(&mut app, 'ت');
    assert_eq!(app.selected, 1, "ت is j");
    ch(&mut app, 'ن');
    assert_eq!(app.selected, 0, "ن is k");
    ch(&mut app, 'ﻷ');
    assert_eq!(app.selected, 2, "ﻷ (Shift-g) is G");
    ch(&mut app, 'ל');
    assert_eq!(app.selected, 1, "Hebrew ל is k");
    ch(&mut app, 'ظ');
    assert_eq!(app.mode, Mode::Filter, "ظ is /");
    ch(&mut app, 'ت');
    assert_eq!(app.filter.query, "ت", "in the bar it is text");
    key(&mut app, KeyCode::Esc);
    ch(&mut app, 'ض');
    assert!(app.quit, "ض is q");
}

#[test]
fn a_bookmark_letter_typed_in_arabic_is_the_latin_letter() {
    let dir = state_dir("arabic-marks");
    let mut app = with_store(app(100, 30), &dir);
    key(&mut app, KeyCode::Enter);
    ch(&mut app, 'ة');
    ch(&mut app, 'ت');
    assert_eq!(app.notice.as_deref(), Some("bookmark j set"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A click on a document selects it; a click on a pane focuses it.
#[test]
fn clicks_select_documents_and_focus_panes() {
    let mut app = app(100, 30);
    let rows = app.panes.list_rows.expect("the list");
    app.click(rows.x + 5, rows.y + 2);
    assert_eq!((app.selected, app.open_document()), (2, Some(2)));
    assert_eq!(app.focus, Focus::List);
    // Below the last document: nothing changes.
    app.click(rows.x + 5, rows.y + 10);
    assert_eq!(app.selected, 2);
    let reader = app.panes.reader.expect("the reading pane");
    app.click(reader.x + 3, reader.y + 3);
    assert_eq!(app.focus, Focus::Reader);
    let list = app.panes.list.expect("the list");
    app.click(list.x + 3, list.y);
    assert_eq!(app.focus, Focus::List, "the header is the list's too");
    assert_eq!(app.selected, 2);
    // A bar keeps the keyboard: a click on the reader does nothing.
    ch(&mut app, '/');
    app.click(reader.x + 3, reader.y + 3);
    assert_eq!((app.mode, app.focus), (Mode::Filter, Focus::List));
}

/// ذ is `` ` `` on the Arabic layout and `b` on the Persian one: it does
/// nothing until a letter only the Persian layout has (ی) is typed, then
/// pages up.
#[test]
fn letters_on_different_arabic_and_persian_keys_follow_the_layout_in_use() {
    let mut app = app(100, 30);
    key(&mut app, KeyCode::Enter);
    let start = app.anchor();
    ch(&mut app, ' ');
    let paged = app.anchor();
    assert_ne!(paged, start);
    ch(&mut app, 'ذ');
    assert_eq!(
        app.anchor(),
        paged,
        "Arabic until told otherwise: ` is no key"
    );
    ch(&mut app, 'ی');
    ch(&mut app, 'ذ');
    assert_eq!(app.anchor(), start, "Persian now: ذ is b, a page up");
}

// ---------------------------------------------------------------------------
// Selecting and copying.

/// An app over one document, reading it, at 100×30.
fn reading(text: &str) -> App {
    let library = Library::from_documents(vec![Document::new("d.txt", text.to_string())]);
    let mut app = App::new(library, None, LayoutOptions::default());
    app.resize(100, 30);
    app
}

fn copied(app: &mut App) -> String {
    app.take_copy().expect("something to copy")
}

/// yy and Y copy the file's own bytes for the paragraph and the document:
/// CR LF line endings, harakat, ZWNJ, bidi controls as they are.
#[test]
fn paragraph_and_document_copies_are_the_source_bytes() {
    let text = "عنوان\r\nكَتَبَ \u{202B}«abc»\u{202C} می\u{200C}خواهم 42.\r\n\r\nسطر\tثالث\r\n";
    let mut app = reading(text);
    ch(&mut app, 'y');
    ch(&mut app, 'y');
    assert_eq!(copied(&mut app), "عنوان");
    ch(&mut app, 'Y');
    assert_eq!(copied(&mut app), text);
    assert_eq!(app.mode, Mode::Browse);
    // After y, any other key copies nothing and is not acted on.
    ch(&mut app, 'y');
    ch(&mut app, 'G');
    assert_eq!(app.take_copy(), None);
    assert_eq!(app.mode, Mode::Browse);
}

/// A line longer than the units it is laid out in is one paragraph to yy.
#[test]
fn yy_copies_a_whole_long_line() {
    let line: String = (0..12_000).map(|i| format!("كلمة{i} ")).collect();
    let text = format!("{line}\nبعده\n");
    let mut app = reading(&text);
    ch(&mut app, 'j');
    ch(&mut app, 'y');
    ch(&mut app, 'y');
    assert_eq!(copied(&mut app), line);
}

/// The selection's keys: lines keep their column, words go in reading
/// order, `o` swaps the ends, `s` starts again, Esc lets go.
#[test]
fn a_selection_grows_with_keys_in_reading_order() {
    let text = "أول سطر هنا\n\nثاني سطر هناك\n\nثالث\n";
    let mut app = reading(text);
    ch(&mut app, 'v');
    assert_eq!(app.mode, Mode::Select);
    ch(&mut app, 'w');
    ch(&mut app, 'y');
    // From the first letter to the next word's first letter, both in.
    assert_eq!(copied(&mut app), "أول س");
    assert_eq!(app.mode, Mode::Browse);
    assert!(app.selection().is_none());

    // Down two rows' worth of lines (a paragraph each): the same column.
    ch(&mut app, 'v');
    ch(&mut app, 'j');
    ch(&mut app, 'y');
    assert_eq!(copied(&mut app), "أول سطر هنا\n\nث");
    // To the line's end, then the other end moves: a word on.
    ch(&mut app, 'v');
    ch(&mut app, '$');
    ch(&mut app, 'o');
    ch(&mut app, 'w');
    ch(&mut app, 'y');
    assert_eq!(copied(&mut app), "سطر هنا");
    // s: start again where the moving end is.
    ch(&mut app, 'v');
    ch(&mut app, '}');
    ch(&mut app, '}');
    ch(&mut app, '{');
    ch(&mut app, 's');
    ch(&mut app, 'e');
    ch(&mut app, 'y');
    assert_eq!(copied(&mut app), "ثاني");
    // Esc: nothing copied, back to reading.
    ch(&mut app, 'v');
    ch(&mut app, 'G');
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.take_copy(), None);
    assert_eq!(app.mode, Mode::Browse);
}

/// ← and → move to the cell on that side, whatever the text's order: in
/// an Arabic line, → goes back in the text.
#[test]
fn arrows_move_the_selection_across_the_screen() {
    let mut app = reading("سمير abc دنیا\n");
    ch(&mut app, 'v');
    // The first letter is the rightmost cell: → has nowhere to go.
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Left);
    key(&mut app, KeyCode::Left);
    ch(&mut app, 'y');
    assert_eq!(copied(&mut app), "سمي");
    ch(&mut app, 'v');
    ch(&mut app, 'w');
    // On "a": ← goes to the space before it, → to "b".
    key(&mut app, KeyCode::Right);
    ch(&mut app, 'y');
    assert_eq!(copied(&mut app), "سمير ab");
}

/// The cell column of the cell showing byte `at` of the paragraph on the
/// reading pane's row `row`.
fn column_showing(app: &App, index: usize, at: usize) -> (u16, u16) {
    let text = app.panes.text.expect("a text area");
    let Row::Line {
        start, shape, row, ..
    } = &app.rows[index]
    else {
        panic!("row {index} is a line");
    };
    let column = shape.column_of(*row, at - start).expect("a cell");
    (text.x + column as u16, text.y + index as u16)
}

/// A mouse drag selects the text between the cells pressed and released,
/// through lines reordered on screen; a click alone selects nothing.
#[test]
fn a_mouse_drag_selects_the_text_between_its_ends() {
    let text = "قرأتُ الكتاب في 1984 مرتين\n";
    let mut app = reading(text);
    let kaf = text.find('ك').expect("kaf");
    let eight = text.find('8').expect("eight");
    let (x1, y) = column_showing(&app, 0, kaf);
    let (x2, _) = column_showing(&app, 0, eight);
    app.click(x1, y);
    app.release(x1, y);
    assert!(app.selection().is_none());
    assert_eq!(app.mode, Mode::Browse);
    app.click(x1, y);
    app.drag(x2, y);
    app.release(x2, y);
    assert_eq!(app.mode, Mode::Select);
    assert!(
        app.notice
            .as_deref()
            .unwrap_or("")
            .contains("11 characters selected")
    );
    ch(&mut app, 'y');
    assert_eq!(copied(&mut app), "كتاب في 198");
    // Y in a selection copies its whole paragraphs.
    app.click(x2, y);
    app.drag(x1, y);
    app.release(x1, y);
    ch(&mut app, 'Y');
    assert_eq!(copied(&mut app), text.trim_end());
}

/// A document read from Windows-1256 is copied as the text it is: UTF-8.
#[test]
fn a_legacy_encoding_is_copied_as_text() {
    let bytes: Vec<u8> = encoding_rs::WINDOWS_1256
        .encode("سلام عليكم\n")
        .0
        .into_owned();
    let dir = std::env::temp_dir().join(format!("qari-copy-1256-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a folder");
    let path = dir.join("old.txt");
    std::fs::write(&path, &bytes).expect("the file");
    let library = Library::open(&[path], None);
    let mut app = App::new(library, None, LayoutOptions::default());
    app.resize(100, 30);
    ch(&mut app, 'Y');
    assert_eq!(copied(&mut app), "سلام عليكم\n");
    std::fs::remove_dir_all(&dir).ok();
}

/// `:[n]` follows the link numbered n: to its place in the document.
#[test]
fn a_numbered_link_is_followed_from_the_go_to_bar() {
    let filler: String = (0..60)
        .map(|i| format!("<p>فقرة رقم {i} للتعبئة.</p>"))
        .collect();
    let page = format!(
        "<html><body><p>اذهب إلى <a href=\"#end\">الخاتمة</a>.</p>{filler}<h2 id=\"end\">الخاتمة</h2><p>نهاية.</p></body></html>"
    );
    let library = Library::from_documents(vec![Document::new("page.html", page)]);
    let mut app = App::new(library, None, LayoutOptions::default());
    app.resize(100, 30);
    assert!(!top_line(&app).contains("ﺔﻤﺗﺎﺨﻟﺍ") || top_line(&app).contains("ﺐﻫﺫﺍ"));
    ch(&mut app, ':');
    for c in "[1]".chars() {
        ch(&mut app, c);
    }
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Browse);
    let heading = qari::text::Layout::new("الخاتمة", &LayoutOptions::default())
        .line(0)
        .unwrap()
        .text();
    assert_eq!(top_line(&app).trim(), heading);
    // A link that is not there says so.
    ch(&mut app, ':');
    for c in "[9]".chars() {
        ch(&mut app, c);
    }
    key(&mut app, KeyCode::Enter);
    assert!(
        app.notice.as_deref().unwrap_or("").contains("no link [9]"),
        "{:?}",
        app.notice
    );
}
