//! The input bar above the status bar: the list filter, the document
//! search, the go-to bar or the library search. The text is laid out by the
//! engine (Arabic reads right to left) with a block cursor at its logical
//! end.

use ratatui::buffer::Buffer;
use ratatui::style::Style;

use super::paint_line;
use super::theme::Theme;
use crate::app::{App, BAR_PROMPT_WIDTH, Bar};

pub fn render(app: &App, theme: &Theme, buf: &mut Buffer) {
    let (Some(area), Some((bar, layout))) = (app.panes.bar, app.bar.as_ref()) else {
        return;
    };
    let editing = app.editing(*bar);
    let prompt = match bar {
        Bar::Filter => "Filter: ",
        // Backward (`\`): up the document.
        Bar::Search if app.search.backward => "Search↑ ",
        Bar::Search => "Search: ",
        Bar::GoTo => "Go to:  ",
        Bar::Library => "All:    ",
    };
    let style = if editing { Style::new() } else { theme.dim };
    buf.set_stringn(
        area.x,
        area.y,
        prompt,
        usize::from(area.width),
        style.patch(theme.prompt),
    );
    let x = area.x + BAR_PROMPT_WIDTH.min(area.width);
    let width = area.right().saturating_sub(x + 1);
    if width == 0 {
        return;
    }
    // The end of the text is what is being typed: show its last line.
    let Some(line) = layout.line(layout.line_count() - 1) else {
        return;
    };
    // A right-to-left query sits at the right, after a cell for the cursor.
    let (text_x, cursor_x) = if layout.is_rtl() {
        let text_x = x + 1;
        (text_x, text_x + line.indent(usize::from(width)) as u16 - 1)
    } else {
        (x, x + line.width() as u16)
    };
    paint_line(buf, text_x, area.y, width, &line, style);
    if editing {
        buf[(cursor_x, area.y)].set_style(theme.cursor);
    }
}
