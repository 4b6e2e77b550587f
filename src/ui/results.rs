//! The library search results: one row per matching paragraph, its
//! document's title and file name beside a snippet laid out like the text,
//! with the matched words marked on their cells.

use ratatui::buffer::Buffer;
use ratatui::style::Style;

use super::theme::Theme;
use super::{mark_cells, overlaps, paint_line, paint_title, say};
use crate::app::{App, Columns, result_document_width, result_snippet_width};

pub fn render(app: &App, theme: &Theme, buf: &mut Buffer) {
    let Some(area) = app.panes.results else {
        return;
    };
    let search = &app.library_search;
    let dim = theme.dim;
    let count = search.hits.len();
    let header = match (search.query.trim().is_empty(), search.done, count) {
        (true, _, _) => {
            " Search every document: type words (all must be in one paragraph)".to_string()
        }
        (false, false, _) => format!(" {count} paragraphs so far…"),
        (false, true, 0) => " No paragraph holds every word".to_string(),
        (false, true, 1) => " 1 paragraph".to_string(),
        (false, true, _) => format!(" {count} paragraphs"),
    };
    say(
        buf,
        area.x,
        area.y,
        usize::from(area.width),
        &header,
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
        let selected = row.hit == search.selected;
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
