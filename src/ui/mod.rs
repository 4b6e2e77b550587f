//! Drawing: `impl Widget for &App`, a pure read of the state that
//! [`App::sync`](crate::app::App::sync) prepared. One file per pane.

mod help;
mod list;
mod reading;
mod status;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Widget;

use crate::app::App;
use crate::text::VisualLine;

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if self.panes.too_small {
            buf.set_stringn(
                area.x,
                area.y,
                "terminal too small",
                usize::from(area.width),
                Style::new(),
            );
            return;
        }
        list::render(self, buf);
        reading::render(self, buf);
        status::render(self, buf);
        if self.help {
            help::render(self, area, buf);
        }
    }
}

/// Paints one laid-out line in `width` cells from `x`, aligned as its
/// paragraph wants (right for right-to-left). Cells are set one cluster at
/// a time, exactly where the layout measured them.
pub fn paint_line(
    buf: &mut Buffer,
    x: u16,
    y: u16,
    width: u16,
    line: &VisualLine<'_>,
    style: Style,
) {
    let end = x + width;
    let mut col = x + line.indent(usize::from(width)) as u16;
    for cell in line.cells() {
        let w = cell.width as u16;
        if col + w > end {
            break;
        }
        buf[(col, y)].set_symbol(cell.text).set_style(style);
        // The cells a wide character covers are reset, as ratatui does.
        for k in 1..w {
            buf[(col + k, y)].reset();
        }
        col += w;
    }
}
