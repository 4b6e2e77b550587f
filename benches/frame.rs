//! Drawing one full frame of the reader at 200×60 on Arabic text
//! (ratatui's TestBackend), and a key press that scrolls and redraws.
//!
//! Run: `cargo bench --bench frame`.

use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use qari::app::App;
use qari::library::Library;
use qari::text::LayoutOptions;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn app() -> App {
    let mut app = App::new(Library::bundled(), None, LayoutOptions::default());
    app.resize(200, 60);
    // Focus the reading pane on the longest bundled document.
    app.handle_key(&KeyEvent::new(KeyCode::Char('G'), KeyModifiers::NONE));
    app.handle_key(&KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    app
}

fn frame(c: &mut Criterion) {
    let mut group = c.benchmark_group("frame_200x60");
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("terminal");

    let app_state = app();
    group.bench_function("draw", |b| {
        b.iter(|| {
            terminal
                .draw(|f| f.render_widget(&app_state, f.area()))
                .expect("draw");
        });
    });

    // A key press: update (lays out newly exposed paragraphs) and redraw.
    let mut app_state = app();
    let mut down = true;
    group.bench_function("scroll_and_draw", |b| {
        b.iter(|| {
            let code = if down {
                KeyCode::Char('f')
            } else {
                KeyCode::Char('b')
            };
            app_state.handle_key(&KeyEvent::new(code, KeyModifiers::NONE));
            if app_state.position.percent == 100 || app_state.position.paragraph == 1 {
                down = !down;
            }
            terminal
                .draw(|f| f.render_widget(&app_state, f.area()))
                .expect("draw");
        });
    });
    group.finish();
}

criterion_group!(benches, frame);
criterion_main!(benches);
