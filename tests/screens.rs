//! Screen snapshots of the reader on the bundled documents (ratatui's
//! TestBackend), plus cell assertions for what snapshots do not show: styles.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use qari::app::App;
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
