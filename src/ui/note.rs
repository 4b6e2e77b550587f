//! The note about the terminal above the status bar: a setting of the
//! terminal's own that would make Arabic read better, or a choice qari made
//! for it, until the person dismisses it.

use ratatui::buffer::Buffer;

use super::paint_line;
use super::theme::Theme;
use crate::app::App;

pub fn render(app: &App, theme: &Theme, buf: &mut Buffer) {
    let (Some(area), Some(note)) = (app.panes.note, app.note.as_ref()) else {
        return;
    };
    let style = theme.notice;
    for y in area.y..area.bottom() {
        for x in area.x..area.right() {
            buf[(x, y)].set_symbol(" ").set_style(style);
        }
    }
    let rows = usize::from(area.height);
    let width = area.width.saturating_sub(2);
    for (i, line) in note.lines().take(rows).enumerate() {
        let y = area.y + i as u16;
        paint_line(buf, area.x + 1, y, width, &line, style);
    }
    // A note cut short says so in its last row.
    if note.line_count() > rows && area.width > 0 {
        buf[(area.right() - 1, area.bottom() - 1)]
            .set_symbol("…")
            .set_style(style);
    }
}
