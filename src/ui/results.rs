//! The results pane: the library search's results (one row per matching
//! paragraph, its document's title beside a snippet laid out like the text,
//! with the matched words marked on their cells) or the bookmarks (each
//! one's letter before its document's title).

use ratatui::buffer::Buffer;
use ratatui::style::Style;

use super::theme::Theme;
use super::{mark_cells, overlaps, paint_line};
use crate::app::{App, LABEL_WIDTH, result_widths};

pub fn render(app: &App, theme: &Theme, buf: &mut Buffer) {
    let Some(area) = app.panes.results else {
        return;
    };
    let dim = theme.dim;
    buf.set_stringn(
        area.x,
        area.y,
        &app.results_header,
        usize::from(area.width),
        theme.header,
    );
    let (title_w, snippet_w) = result_widths(usize::from(area.width));
    let (title_w, snippet_w) = (title_w as u16, snippet_w as u16);
    for (i, row) in app.results.iter().enumerate() {
        let y = area.y + 1 + i as u16;
        if y >= area.bottom() {
            break;
        }
        let selected = row.selected;
        let style = if selected {
            theme.selected
        } else {
            Style::new()
        };
        if selected {
            for x in area.x..area.right() {
                buf[(x, y)].set_style(style);
            }
        }
        // Mirrored like the rest of the screen: the title on the reading side.
        let (title_x, snippet_x) = if app.list_right {
            (area.right() - 1 - title_w, area.x + 1)
        } else {
            (area.x + 1, area.x + 2 + title_w)
        };
        // A bookmark's letter goes first: on the outer side of the title.
        let (title_x, title_w) = match row.label {
            Some(letter) => {
                let label = LABEL_WIDTH.min(usize::from(title_w)) as u16;
                let label_x = if app.list_right {
                    title_x + title_w - 1
                } else {
                    title_x
                };
                buf[(label_x, y)]
                    .set_symbol(&letter.to_string())
                    .set_style(style.patch(theme.header));
                let text_x = if app.list_right {
                    title_x
                } else {
                    title_x + label
                };
                (text_x, title_w - label)
            }
            None => (title_x, title_w),
        };
        if let Some(line) = row.title.line(0) {
            paint_line(buf, title_x, y, title_w, &line, style.patch(dim));
        }
        let separator = if app.list_right {
            title_x - 1
        } else {
            snippet_x - 1
        };
        buf[(separator, y)].set_symbol("│").set_style(dim);
        if let Some(line) = row.snippet.line(0) {
            paint_line(buf, snippet_x, y, snippet_w, &line, style);
            mark_cells(buf, snippet_x, y, snippet_w, &line, |source| {
                row.marks
                    .iter()
                    .any(|r| overlaps(r, source))
                    .then_some(theme.hit)
            });
        }
    }
}
