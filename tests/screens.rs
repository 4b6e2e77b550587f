//! Screen snapshots of the reader on the bundled documents (ratatui's
//! TestBackend), plus cell assertions for what snapshots do not show: styles.

mod common;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use qari::app::{App, Mode};
use qari::library::Library;
use qari::text::LayoutOptions;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Modifier;

fn app(width: u16, height: u16) -> App {
    let mut app = App::new(Library::bundled(), None, LayoutOptions::default());
    app.resize(width, height);
    app
}

fn draw(app: &App) -> Terminal<TestBackend> {
    let mut terminal =
        Terminal::new(TestBackend::new(app.area.width, app.area.height)).expect("test terminal");
    terminal
        .draw(|frame| frame.render_widget(app, frame.area()))
        .expect("draw");
    terminal
}

fn press(app: &mut App, c: char) {
    app.handle_key(&KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
}

#[test]
fn main_screen_100x30() {
    insta::assert_snapshot!(draw(&app(100, 30)).backend());
}

#[test]
fn main_screen_80x24() {
    insta::assert_snapshot!(draw(&app(80, 24)).backend());
}

/// A wide screen: the text keeps to its measure, centred in the reading
/// pane; `z` gives the reading pane the whole screen, the text still 90
/// cells wide.
#[test]
fn wide_screen_200x50_keeps_the_measure() {
    let mut app = app(200, 50);
    insta::assert_snapshot!("wide_200x50", draw(&app).backend());
    press(&mut app, 'z');
    insta::assert_snapshot!("wide_list_hidden_200x50", draw(&app).backend());
}

#[test]
fn narrow_screen_40x12_shows_one_pane() {
    let mut app = app(40, 12);
    insta::assert_snapshot!("narrow_list_40x12", draw(&app).backend());
    app.handle_key(&KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    insta::assert_snapshot!("narrow_reader_40x12", draw(&app).backend());
}

#[test]
fn help_overlay() {
    let mut app = app(100, 30);
    press(&mut app, '?');
    insta::assert_snapshot!("help_100x30", draw(&app).backend());
    app.resize(80, 24);
    insta::assert_snapshot!("help_80x24", draw(&app).backend());
}

#[test]
fn too_small() {
    insta::assert_snapshot!(draw(&app(19, 4)).backend());
}

#[test]
fn the_selected_row_is_reversed_while_the_list_has_focus() {
    let mut app = app(100, 30);
    let rows = app.panes.list_rows.expect("list shown");
    let terminal = draw(&app);
    let cell = &terminal.backend().buffer()[(rows.x + 2, rows.y)];
    assert!(cell.modifier.contains(Modifier::REVERSED));
    let other = &terminal.backend().buffer()[(rows.x + 2, rows.y + 1)];
    assert!(!other.modifier.contains(Modifier::REVERSED));
    // Focus in the reading pane: the selection stays marked, not reversed.
    app.handle_key(&KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    let terminal = draw(&app);
    let cell = &terminal.backend().buffer()[(rows.x + 2, rows.y)];
    assert!(!cell.modifier.contains(Modifier::REVERSED));
    assert!(cell.modifier.contains(Modifier::BOLD));
}

#[test]
fn headings_are_bold_and_arabic_lines_end_at_the_right_edge() {
    let mut app = app(100, 30);
    press(&mut app, 'j'); // document 001 starts with a paragraph, then a heading
    let text = app.panes.text.expect("reading pane");
    let terminal = draw(&app);
    let buffer = terminal.backend().buffer();
    for y in text.y..text.bottom() {
        let right = &buffer[(text.right() - 1, y)];
        let row: String = (text.x..text.right())
            .map(|x| buffer[(x, y)].symbol())
            .collect();
        if !row.trim().is_empty() {
            assert_ne!(
                right.symbol(),
                " ",
                "row {y} ends at the right edge: {row:?}"
            );
        }
    }
    let bold_rows = (text.y..text.bottom())
        .filter(|&y| {
            buffer[(text.right() - 1, y)]
                .modifier
                .contains(Modifier::BOLD)
        })
        .count();
    assert!(bold_rows >= 1, "the heading is bold");
}

#[test]
fn every_size_from_tiny_to_large_draws_without_panicking() {
    let mut app = app(20, 5);
    for width in [1u16, 5, 19, 20, 21, 39, 59, 60, 61, 120, 250] {
        for height in [1u16, 2, 4, 5, 6, 12, 60] {
            app.resize(width, height);
            let terminal = draw(&app);
            let lines = terminal.backend().buffer().content.len();
            assert_eq!(lines, usize::from(width) * usize::from(height));
        }
    }
}

#[test]
fn filter_matches_are_marked_on_the_cells_that_show_them() {
    let mut app = app(100, 30);
    press(&mut app, '/');
    // "عالمى" (final yeh typed as alef maksura) folds to match عالمي.
    for c in "عالمى".chars() {
        press(&mut app, c);
    }
    app.settle();
    let doc = app
        .list
        .iter()
        .copied()
        .find(|&d| app.library.documents[d].title.starts_with("منظور عالمي"))
        .expect("the title with عالمي is listed");
    let row = app.list.iter().position(|&d| d == doc).expect("listed") as u16;
    let rows = app.panes.list_rows.expect("list shown");
    let terminal = draw(&app);
    let buffer = terminal.backend().buffer();
    // Marked cells, left to right; the title is right to left, so reversed
    // they are in logical order, and folded they spell the query.
    let marked: Vec<String> = (rows.x..rows.right())
        .map(|x| &buffer[(x, rows.y + row)])
        .filter(|cell| cell.modifier.contains(Modifier::UNDERLINED))
        .map(|cell| cell.symbol().to_string())
        .collect();
    assert!(!marked.is_empty(), "some cells are marked");
    let logical: String = marked.iter().rev().map(String::as_str).collect();
    assert_eq!(
        qari::text::fold::fold_query(&logical),
        "عالمي",
        "marked: {marked:?}"
    );
    // The filter bar shows the query, shaped, with the cursor.
    let bar = app.panes.bar.expect("the filter bar is open");
    let text: String = (bar.x..bar.right())
        .map(|x| buffer[(x, bar.y)].symbol())
        .collect();
    assert!(text.starts_with("Filter: "));
    // Shaped and right to left: alef maksura final, meem medial, lam initial
    // (alef does not join what follows it), alef final, ain initial; and
    // right-aligned, as an Arabic query reads.
    assert!(
        text.contains("\u{FEF0}\u{FEE4}\u{FEDF}\u{FE8E}\u{FECB}"),
        "{text}"
    );
    assert!(text.trim_end().ends_with('\u{FECB}'), "{text}");
}

#[test]
fn search_hits_are_marked_in_the_reading_pane() {
    let mut app = app(100, 30);
    app.handle_key(&KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    press(&mut app, '/');
    for c in "الدولي".chars() {
        press(&mut app, c);
    }
    app.settle_document_search();
    let text = app.panes.text.expect("reading pane");
    let terminal = draw(&app);
    let buffer = terminal.backend().buffer();
    let mut words = Vec::new();
    for y in text.y..text.bottom() {
        let mut word = Vec::new();
        for x in text.x..text.right() {
            let cell = &buffer[(x, y)];
            if cell.modifier.contains(Modifier::UNDERLINED) {
                word.push(cell.symbol().to_string());
            } else if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
        }
        if !word.is_empty() {
            words.push(word);
        }
    }
    assert!(words.len() >= 2, "several hits on screen: {words:?}");
    for word in &words {
        let logical: String = word.iter().rev().map(String::as_str).collect();
        assert_eq!(qari::text::fold::fold_query(&logical), "الدولي");
    }
    let status: String = (0..100).map(|x| buffer[(x, 29)].symbol()).collect();
    assert!(status.contains("hit 1 of "), "{status}");
}

#[test]
fn library_search_results() {
    let mut app = app(100, 30);
    app.handle_key(&KeyEvent::new(KeyCode::Char('f'), KeyModifiers::CONTROL));
    for c in "التعاون الدولي".chars() {
        press(&mut app, c);
    }
    app.settle_search();
    insta::assert_snapshot!("library_search_100x30", draw(&app).backend());
}

#[test]
fn a_filter_with_no_match_says_so() {
    let mut app = app(100, 30);
    press(&mut app, '/');
    for c in "ظظظغغغ".chars() {
        press(&mut app, c);
    }
    app.settle();
    assert!(app.list.is_empty());
    let terminal = draw(&app);
    let buffer = terminal.backend().buffer();
    let rows = app.panes.list_rows.expect("list shown");
    let line: String = (rows.x..rows.right())
        .map(|x| buffer[(x, rows.y)].symbol())
        .collect();
    assert!(line.contains("no document matches the filter"), "{line:?}");
    let header: String = (rows.x..rows.right())
        .map(|x| buffer[(x, rows.y - 1)].symbol())
        .collect();
    assert!(header.contains("Documents: 0 of 5"), "{header:?}");
}

/// Every cell of a screen with search hits, the filter bar and the status
/// bar: with colour, hits have a background; without (NO_COLOR), no cell
/// has a colour and hits are still reversed and underlined.
#[test]
fn colour_and_no_colour() {
    use qari::config::ThemeName;
    use ratatui::style::Color;
    for color in [true, false] {
        let mut app = app(100, 30);
        app.look = qari::app::Look {
            theme: ThemeName::Dark,
            color,
        };
        app.handle_key(&KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
        press(&mut app, '/');
        for c in "الدولي".chars() {
            press(&mut app, c);
        }
        app.settle_document_search();
        let terminal = draw(&app);
        let buffer = terminal.backend().buffer();
        let cells: Vec<&ratatui::buffer::Cell> = buffer.content.iter().collect();
        let text = app.panes.text.expect("reading pane");
        let hits: Vec<&ratatui::buffer::Cell> = (text.y..text.bottom())
            .flat_map(|y| (text.x..text.right()).map(move |x| (x, y)))
            .map(|at| &buffer[at])
            .filter(|c| c.modifier.contains(Modifier::UNDERLINED))
            .collect();
        assert!(!hits.is_empty());
        if color {
            assert!(
                hits.iter().all(|c| c.bg != Color::Reset),
                "hits have a background"
            );
        } else {
            assert!(
                cells
                    .iter()
                    .all(|c| c.fg == Color::Reset && c.bg == Color::Reset),
                "no colour anywhere"
            );
            assert!(hits.iter().all(|c| c.modifier.contains(Modifier::REVERSED)));
        }
    }
}

/// On a screen too small for every key, the help overlay scrolls (j/k)
/// until the last key shows, and no further.
#[test]
fn help_scrolls_when_it_does_not_fit() {
    let mut app = app(80, 24);
    press(&mut app, '?');
    let text = |app: &App| -> String {
        let terminal = draw(app);
        let buffer = terminal.backend().buffer();
        (0..24)
            .map(|y| (0..80).map(|x| buffer[(x, y)].symbol()).collect::<String>() + "\n")
            .collect()
    };
    let first = text(&app);
    assert!(first.contains("j for more"));
    assert!(!first.contains("delete a word"), "the last group is below");
    for _ in 0..50 {
        press(&mut app, 'j');
    }
    let last = text(&app);
    assert!(
        last.contains("delete a word") && last.contains("clear"),
        "{last}"
    );
    assert!(!last.contains("j for more"));
    let scroll = |app: &App| match app.mode {
        Mode::Help { scroll } => scroll,
        _ => panic!("the help is closed"),
    };
    let most = scroll(&app);
    press(&mut app, 'k');
    assert_eq!(scroll(&app), most - 1, "k goes back at once from the end");
    // Every key is seen on one screen or another on the way down.
    press(&mut app, 'g');
    let mut seen = String::new();
    while scroll(&app) > 0 {
        press(&mut app, 'k');
    }
    for _ in 0..=most {
        seen.push_str(&text(&app));
        press(&mut app, 'j');
    }
    for binding in qari::app::keymap::KEYMAP {
        // Help's own keys are in its frame, and `y` then `y` is in the
        // reading pane's group.
        if binding.context == qari::app::keymap::Context::Help
            || binding.context == qari::app::keymap::Context::Mark
            || binding.context == qari::app::keymap::Context::Yank
        {
            continue;
        }
        assert!(seen.contains(binding.help), "{:?} shown", binding.help);
    }
}

/// A path too long for its column loses its first folders, never its file
/// name or extension, and a filter match in it is marked where it shows.
#[test]
fn long_paths_show_their_file_name() {
    use qari::library::Document;
    let library = Library::from_documents(vec![
        Document::new(
            "folder-with-a-long-name/inner/doc0001.txt",
            "عنوان أول\n".into(),
        ),
        Document::new(
            "folder-with-a-long-name/inner/doc0002.txt",
            "عنوان ثان\n".into(),
        ),
    ]);
    let mut app = App::new(library, Some(false), LayoutOptions::default());
    app.resize(100, 30);
    press(&mut app, '/');
    for c in "doc0002".chars() {
        press(&mut app, c);
    }
    app.settle();
    assert_eq!(app.list, [1]);
    let terminal = draw(&app);
    let buffer = terminal.backend().buffer();
    let rows = app.panes.list_rows.expect("a list");
    let row: String = (rows.x..rows.right())
        .map(|x| buffer[(x, rows.y)].symbol())
        .collect();
    // The short titles leave the name the room for its last folder.
    assert!(row.contains("…/inner/doc0002.txt"), "{row:?}");
    let marked: String = (rows.x..rows.right())
        .map(|x| &buffer[(x, rows.y)])
        .filter(|c| c.modifier.contains(Modifier::UNDERLINED))
        .map(|c| c.symbol().to_string())
        .collect();
    assert_eq!(marked, "doc0002");
}

/// The text of screen row `y`.
fn row_text(terminal: &Terminal<TestBackend>, y: u16) -> String {
    let buffer = terminal.backend().buffer();
    (0..buffer.area.width)
        .map(|x| buffer[(x, y)].symbol())
        .collect()
}

/// The list pane's part of screen row `y`.
fn list_row(app: &App, terminal: &Terminal<TestBackend>, y: u16) -> String {
    let rows = app.panes.list_rows.expect("a list");
    let buffer = terminal.backend().buffer();
    (rows.x..rows.right())
        .map(|x| buffer[(x, y)].symbol())
        .collect()
}

/// Seven translations of one declaration, as in the UDHR corpus: every
/// title starts "Universal Declaration of Human Rights - " and only the
/// language at its end (past any list column) tells them apart.
fn declarations() -> Library {
    use qari::library::Document;
    let translations = [
        (
            "udhr_arb.txt",
            "Arabic, Standard",
            "الإعلان العالمي لحقوق الإنسان",
        ),
        (
            "udhr_eng.txt",
            "English",
            "Universal Declaration of Human Rights",
        ),
        (
            "udhr_heb.txt",
            "Hebrew",
            "הכרזה לכל באי עולם בדבר זכויות האדם",
        ),
        ("udhr_pes_1.txt", "Farsi, Western", "اعلامیه جهانی حقوق بشر"),
        (
            "udhr_uig_arab.txt",
            "Uyghur (Arabic)",
            "دۇنيا كىشىلىك ھوقۇقى خىتابنامىسى",
        ),
        ("udhr_urd.txt", "Urdu", "انسانی حقوق کا عالمی منشور"),
        (
            "udhr_ydd.txt",
            "Yiddish, Eastern",
            "אַלװעלטלעכע דעקלאַראַציע פֿון מענטשנרעכט",
        ),
    ];
    Library::from_documents(
        translations
            .iter()
            .map(|(name, language, heading)| {
                let text = format!(
                    "Universal Declaration of Human Rights - {language}\n\n{heading}\n\n{heading}.\n"
                );
                Document::new(*name, text)
            })
            .collect(),
    )
}

/// File names show whole when the titles leave them room, and otherwise
/// keep their extension (the stem loses its middle): never `udhr_pes_1.t`.
#[test]
fn file_names_keep_their_extension() {
    for (width, height) in [(80, 24), (100, 30), (200, 50)] {
        let mut app = App::new(declarations(), None, LayoutOptions::default());
        app.resize(width, height);
        let terminal = draw(&app);
        let rows = app.panes.list_rows.expect("a list");
        for (i, &doc) in app.list.iter().enumerate() {
            let row = list_row(&app, &terminal, rows.y + i as u16);
            let name = &app.library.documents[doc].name;
            assert!(row.contains(".txt"), "{width}x{height}: {row:?}");
            if width >= 100 {
                assert!(row.contains(name.as_str()), "{width}x{height}: {row:?}");
            }
        }
    }
}

/// Where titles repeat, the file names are drawn as prominently as the
/// titles (not dimmed); where titles differ, names stay dim beside them.
#[test]
fn names_tell_repeated_titles_apart() {
    let name_cells_dim = |app: &App| -> Vec<bool> {
        let terminal = draw(app);
        let buffer = terminal.backend().buffer();
        let rows = app.panes.list_rows.expect("a list");
        app.list
            .iter()
            .enumerate()
            .filter(|&(_, &doc)| doc != app.selected)
            .map(|(i, &doc)| {
                let y = rows.y + i as u16;
                let first = app.library.documents[doc].name.chars().next();
                let x = (rows.x..rows.right())
                    .find(|&x| buffer[(x, y)].symbol().chars().next() == first)
                    .expect("the name shows");
                buffer[(x, y)].modifier.contains(Modifier::DIM)
            })
            .collect()
    };
    let mut repeated = App::new(declarations(), None, LayoutOptions::default());
    repeated.resize(100, 30);
    assert!(name_cells_dim(&repeated).iter().all(|&dim| !dim));
    let distinct = app(100, 30);
    assert!(name_cells_dim(&distinct).iter().all(|&dim| dim));
}

/// The status bar names the open file, not only its title.
#[test]
fn the_status_bar_names_the_open_file() {
    let mut app = App::new(declarations(), None, LayoutOptions::default());
    for (width, height) in [(80, 24), (100, 30), (200, 50)] {
        app.resize(width, height);
        for (doc, name) in [(0, "udhr_arb.txt"), (3, "udhr_pes_1.txt")] {
            while app.selected != doc {
                let step = if app.selected < doc { 'j' } else { 'k' };
                press(&mut app, step);
            }
            let status = row_text(&draw(&app), app.panes.status.y);
            assert!(status.contains(name), "{width}: {status:?}");
        }
    }
}

/// Library search results name each paragraph's file beside its title.
#[test]
fn library_search_results_name_the_file() {
    let mut app = App::new(declarations(), None, LayoutOptions::default());
    app.resize(100, 30);
    app.handle_key(&KeyEvent::new(KeyCode::Char('f'), KeyModifiers::CONTROL));
    for c in "Declaration".chars() {
        press(&mut app, c);
    }
    app.settle_search();
    assert!(app.library_search.hits.len() >= 7, "every title");
    let terminal = draw(&app);
    let area = app.panes.results.expect("results");
    let shown: String = (area.y + 1..area.bottom())
        .map(|y| row_text(&terminal, y))
        .collect();
    for document in app.library.documents.iter() {
        assert!(shown.contains(&document.name), "{}: {shown}", document.name);
    }
}

/// The status bar's hints are left out whole when they do not fit, never
/// cut to a key ("q q") or to part of a word.
#[test]
fn status_hints_are_left_out_whole_never_cut() {
    let hints: Vec<String> = [
        qari::app::keymap::Context::List,
        qari::app::keymap::Context::Reader,
    ]
    .iter()
    .flat_map(|&context| qari::app::keymap::hints(context))
    .map(|(key, what)| format!("{key} {what}"))
    .collect();
    for width in [60, 64, 70, 75, 80, 90, 100, 110, 120, 140, 160, 200] {
        for reader in [false, true] {
            let mut app = app(width, 24);
            if reader {
                app.handle_key(&KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
            }
            let status = row_text(&draw(&app), app.panes.status.y);
            let start = status.find("j ").expect("the hints start with j");
            for hint in status[start..].trim_end().split(" · ") {
                assert!(
                    hints.iter().any(|h| h == hint),
                    "{width}: {hint:?} in {status:?}"
                );
            }
        }
    }
}

/// A notice too long for the status bar is cut after a whole word, with
/// an ellipsis.
#[test]
fn a_long_notice_is_cut_after_a_word() {
    let message = "the file is gone (no such file or directory); showing it as it was";
    for width in 40..=90 {
        let mut app = app(width, 24);
        app.notice = Some(message.into());
        let status = row_text(&draw(&app), app.panes.status.y);
        let start = status.find("the file").expect("the notice shows");
        let shown = status[start..]
            .split("  ")
            .next()
            .unwrap_or_default()
            .trim_end();
        match shown.strip_suffix('…') {
            Some(cut) => {
                let rest = &message[cut.len()..];
                assert!(
                    message.starts_with(cut) && rest.starts_with(' '),
                    "{width}: {shown:?}"
                );
            }
            None => assert_eq!(shown, message, "{width}"),
        }
    }
}

/// A row whose file name is short gives its title (here, why the document
/// cannot be read) the room the name does not need, and cuts it after a
/// word; a long name elsewhere in the list does not narrow it.
#[test]
fn an_unreadable_row_gives_its_reason_the_room_a_short_name_leaves() {
    use qari::library::{Document, Origin};
    let library = Library::from_documents(vec![
        Document::new(
            "a-folder/with-a-rather-long-name/and-a-long-file-name.txt",
            "A title\n".into(),
        ),
        Document::unreadable(
            "loop1".into(),
            Origin::Memory,
            "too many levels of symbolic links".into(),
        ),
    ]);
    let mut app = App::new(library, Some(false), LayoutOptions::default());
    app.resize(100, 30);
    let terminal = draw(&app);
    let rows = app.panes.list_rows.expect("a list");
    let row = list_row(&app, &terminal, rows.y + 1);
    assert!(row.contains("cannot read: too many…"), "{row:?}");
    assert!(row.trim_end().ends_with("loop1"), "{row:?}");
}

/// An empty document and one that cannot be read say so in the status bar
/// instead of "¶ 1/0"; the reading pane gives the whole reason, wrapped at
/// words.
#[test]
fn empty_and_unreadable_documents_say_so() {
    use qari::library::{Document, Origin};
    let error = "too many levels of symbolic links";
    let library = Library::from_documents(vec![
        Document::new("first.txt", "A title\n\nSome text.\n".into()),
        Document::new("empty.txt", String::new()),
        Document::unreadable("a-loop.txt".into(), Origin::Memory, error.into()),
    ]);
    let mut app = App::new(library, Some(false), LayoutOptions::default());
    app.resize(80, 24);
    press(&mut app, 'j');
    let status = row_text(&draw(&app), app.panes.status.y);
    assert!(status.contains(" empty "), "{status:?}");
    assert!(!status.contains("/0"), "{status:?}");
    press(&mut app, 'j');
    let terminal = draw(&app);
    let status = row_text(&terminal, app.panes.status.y);
    assert!(status.contains("cannot read"), "{status:?}");
    assert!(!status.contains("/0"), "{status:?}");
    // The reading pane's message, wider than the pane, is whole: wrapped
    // at words, row after row.
    let text = app.panes.text.expect("a reading pane");
    assert!(usize::from(text.width) < 24 + error.len());
    let message: Vec<String> = (text.y..text.bottom())
        .map(|y| {
            let buffer = terminal.backend().buffer();
            (text.x..text.right())
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
                .trim()
                .to_string()
        })
        .filter(|line| !line.is_empty())
        .collect();
    assert_eq!(
        message.join(" "),
        format!("Cannot read a-loop.txt: {error}"),
        "{message:?}"
    );
}

/// A notice quoting a path shows its bidi controls: the painted bar does
/// not silently drop them.
#[test]
fn a_notice_shows_the_bidi_controls_of_a_path() {
    let mut app = app(100, 30);
    app.notice = Some("bookmark A is in a document not open here: /d/a\u{202E}txt.exe".into());
    let terminal = draw(&app);
    let buffer = terminal.backend().buffer();
    let y = app.panes.status.y;
    let row: String = (0..buffer.area.width)
        .map(|x| buffer[(x, y)].symbol())
        .collect();
    assert!(row.contains("/d/a[RLO]txt.exe"), "{row}");
}

/// A selection is marked on the cells that show its text, in whatever
/// order they are painted; its moving end is underlined.
#[test]
fn a_selection_is_marked_on_the_cells_that_show_it() {
    let mut app = app(100, 30);
    app.handle_key(&KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    press(&mut app, 'v');
    press(&mut app, 'e');
    press(&mut app, 'e');
    assert_eq!(app.mode, Mode::Select);
    let text = app.panes.text.expect("reading pane");
    let terminal = draw(&app);
    let buffer = terminal.backend().buffer();
    let theme = qari::ui::theme::Theme::dark();
    let y = text.y;
    let marked: String = (text.x..text.right())
        .map(|x| &buffer[(x, y)])
        .filter(|cell| cell.bg == theme.selection.bg.expect("a background"))
        .map(|cell| cell.symbol().to_string())
        .collect();
    let expected = qari::text::Layout::new("التعاون الدولي", &LayoutOptions::default())
        .line(0)
        .expect("a line")
        .text();
    assert_eq!(marked, expected);
    // The moving end is the last letter of الدولي: the leftmost marked cell.
    let end: Vec<u16> = (text.x..text.right())
        .filter(|&x| buffer[(x, y)].modifier.contains(Modifier::UNDERLINED))
        .collect();
    let first_marked = (text.x..text.right())
        .find(|&x| buffer[(x, y)].bg == theme.selection.bg.expect("a background"))
        .expect("marked cells");
    assert_eq!(end, [first_marked]);
    // Nothing else on screen is marked.
    for row in text.y + 1..text.bottom() {
        for x in text.x..text.right() {
            assert_ne!(
                buffer[(x, row)].bg,
                theme.selection.bg.expect("a background"),
                "({x}, {row})"
            );
        }
    }
}

/// An app reading one fixture of `tests/fixtures/structured`, at 100×40.
fn structured(name: &str) -> App {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/structured")
        .join(name);
    let library = Library::open(&[path], None);
    let mut app = App::new(library, None, LayoutOptions::default());
    app.resize(100, 40);
    app
}

#[test]
fn a_markdown_document() {
    let app = structured("sample.md");
    insta::assert_snapshot!("markdown_100x40", draw(&app).backend());
}

#[test]
fn an_html_page() {
    let app = structured("sample.html");
    insta::assert_snapshot!("html_100x40", draw(&app).backend());
}

#[test]
fn the_outline_of_a_markdown_document() {
    let mut app = structured("sample.md");
    press(&mut app, 'o');
    assert_eq!(app.mode, Mode::Outline);
    insta::assert_snapshot!("outline_100x40", draw(&app).backend());
}

#[test]
fn an_openiti_text_and_its_outline() {
    let mut app = structured("0748Dhahabi.TarikhIslam.Sample-ara1");
    insta::assert_snapshot!("openiti_100x40", draw(&app).backend());
    press(&mut app, 'o');
    insta::assert_snapshot!("openiti_outline_100x40", draw(&app).backend());
}

#[test]
fn an_epub_chapter_and_its_outline() {
    let dir = std::env::temp_dir().join(format!("qari-screens-epub-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a folder");
    let path = dir.join("book.epub");
    let book = common::epub::epub3(
        "رحلة في الكتب",
        "كاتب",
        &[
            (
                "one.xhtml",
                "البداية",
                &["كان يا ما كان في قديم الزمان، مسافر يحب الكتب."],
            ),
            (
                "two.xhtml",
                "الطريق",
                &["سار المسافر طويلا حتى وصل إلى المدينة."],
            ),
        ],
    );
    std::fs::write(&path, book).expect("a book");
    let library = Library::open(&[path], None);
    let mut app = App::new(library, None, LayoutOptions::default());
    app.resize(100, 20);
    insta::assert_snapshot!("epub_100x20", draw(&app).backend());
    press(&mut app, 'o');
    insta::assert_snapshot!("epub_outline_100x20", draw(&app).backend());
    std::fs::remove_dir_all(&dir).ok();
}
