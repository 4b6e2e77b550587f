//! The results pane: the library search's results (one row per matching
//! paragraph, its document's title and file name beside a snippet laid out
//! like the text, with the matched words marked on their cells) or the
//! bookmarks (each one's letter before its document's title).

use ratatui::buffer::Buffer;
use ratatui::style::Style;

use super::theme::Theme;
use super::{mark_cells, overlaps, paint_line, paint_title, say};
use crate::app::{App, Columns, LABEL_WIDTH, result_document_width, result_snippet_width};

pub fn render(app: &App, theme: &Theme, buf: &mut Buffer) {
    let Some(area) = app.panes.results else {
        return;
    };
    let dim = theme.dim;
    say(
        buf,
        area.x,
        area.y,
        usize::from(area.width),
        &app.results_header,
        theme.header,
    );
    let row_width = usize::from(area.width);
    let document_w = result_document_width(row_width) as u16;
    let snippet_w = result_snippet_width(row_width) as u16;
    let Columns { title, name } = app.result_columns;
    let (title_w, name_w) = (title as u16, name as u16);
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
        // Mirrored like the rest of the screen: the title on the reading
        // side, its file name next to it, then the snippet.
        let (title_x, name_x, separator, snippet_x) = if app.list_right {
            let title_x = area.right() - 1 - title_w;
            let separator = area.right() - 2 - document_w;
            (title_x, separator + 2, separator, area.x + 1)
        } else {
            let separator = area.x + 1 + document_w;
            (area.x + 1, area.x + 2 + title_w, separator, separator + 1)
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
        paint_title(buf, title_x, y, title_w, &row.title, style.patch(dim));
        if name_w > 0
            && let Some(line) = row.name.line(0)
        {
            let name_style = if row.name_matters {
                style
            } else {
                style.patch(dim)
            };
            paint_line(buf, name_x, y, name_w, &line, name_style);
        }
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
