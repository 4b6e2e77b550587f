//! Drawing: `impl Widget for &App`, a pure read of the state that
//! [`App::sync`](crate::app::App::sync) prepared. One file per pane.

mod bar;
pub mod help;
mod list;
mod note;
mod outline;
mod reading;
mod results;
mod status;
pub mod theme;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Widget;

use crate::app::App;
use crate::text::elide::{self, ELLIPSIS};
use crate::text::{Layout, VisualLine};

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if self.panes.too_small {
            say(
                buf,
                area.x,
                area.y,
                usize::from(area.width),
                "terminal too small",
                Style::new(),
            );
            return;
        }
        let theme = theme::Theme::new(self.look.theme, self.look.color);
        list::render(self, &theme, buf);
        reading::render(self, &theme, buf);
        results::render(self, &theme, buf);
        bar::render(self, &theme, buf);
        note::render(self, &theme, buf);
        status::render(self, &theme, buf);
        if self.mode == crate::app::Mode::Outline {
            outline::render(self, &theme, buf);
        }
        if matches!(self.mode, crate::app::Mode::Help { .. }) {
            help::render(self, area, buf);
        }
    }
}

/// Writes a one-line message (left to right) in `width` cells from `x`,
/// cut after a whole word when it does not fit; returns the column after it.
pub fn say(buf: &mut Buffer, x: u16, y: u16, width: usize, message: &str, style: Style) -> u16 {
    let shown = elide::words(message, width);
    buf.set_stringn(x, y, &shown.text, width, style).0
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
    let mut painted: Option<(u16, u16)> = None;
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
        painted = Some((painted.map_or(col, |(first, _)| first), col));
        col += w;
    }
    // A right-to-left line in logical order is embedded for the terminal
    // that will reorder it: the marks ride on its first and last cells.
    if let (Some((open, close)), Some((first, last))) = (line.embedding(), painted) {
        let opened = format!("{open}{}", buf[(first, y)].symbol());
        buf[(first, y)].set_symbol(&opened);
        let closed = format!("{}{close}", buf[(last, y)].symbol());
        buf[(last, y)].set_symbol(&closed);
    }
}

/// Paints the first line of a title laid out for `width` cells and, when
/// the title goes on, `…` at its logical end (left of a right-to-left
/// line). Returns the line, for marks.
pub fn paint_title<'a>(
    buf: &mut Buffer,
    x: u16,
    y: u16,
    width: u16,
    title: &'a Layout,
    style: Style,
) -> Option<VisualLine<'a>> {
    let line = title.line(0)?;
    paint_line(buf, x, y, width, &line, style);
    if title.line_count() > 1 {
        let at = if title.is_rtl() {
            (x + width).saturating_sub(line.width() as u16 + 1)
        } else {
            x + line.width() as u16
        };
        if at >= x && at < x + width {
            buf[(at, y)].set_symbol(ELLIPSIS).set_style(style);
        }
    }
    Some(line)
}

/// Adds `style` (from `mark`, given a cell's source range) to the cells of a
/// painted line; the cells are found as `paint_line` placed them.
pub fn mark_cells(
    buf: &mut Buffer,
    x: u16,
    y: u16,
    width: u16,
    line: &VisualLine<'_>,
    mark: impl Fn(&std::ops::Range<usize>) -> Option<Style>,
) {
    let end = x + width;
    let mut col = x + line.indent(usize::from(width)) as u16;
    for cell in line.cells() {
        let w = cell.width as u16;
        if col + w > end {
            break;
        }
        if let Some(style) = mark(&cell.source) {
            for k in 0..w {
                let painted = &mut buf[(col + k, y)];
                let merged = painted.style().patch(style);
                painted.set_style(merged);
            }
        }
        col += w;
    }
}

/// Whether two byte ranges share a byte.
pub fn overlaps(a: &std::ops::Range<usize>, b: &std::ops::Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}
