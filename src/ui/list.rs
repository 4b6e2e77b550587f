//! The document list pane: titles laid out by the engine (Arabic titles
//! right-aligned and shaped), file names dimmed beside them.

use ratatui::buffer::Buffer;
use ratatui::style::Style;

use super::theme::Theme;
use super::{mark_cells, overlaps, paint_line};
use crate::app::{App, Focus, Mode, name_width, title_width};

pub fn render(app: &App, theme: &Theme, buf: &mut Buffer) {
    let (Some(pane), Some(rows)) = (app.panes.list, app.panes.list_rows) else {
        return;
    };
    let dim = theme.dim;
    if app.panes.reader.is_some() {
        let x = if app.list_right {
            pane.x
        } else {
            pane.right() - 1
        };
        for y in pane.y..pane.bottom() {
            buf[(x, y)].set_symbol("│").set_style(dim);
        }
    }
    let count = app.library.documents.len();
    let header = if app.list.len() == count {
        format!(" Documents: {count}")
    } else {
        format!(" Documents: {} of {count}", app.list.len())
    };
    buf.set_stringn(
        rows.x,
        pane.y,
        &header,
        usize::from(rows.width),
        theme.header,
    );
    let empty = if count == 0 && app.scanning().is_some() {
        Some("looking for documents…")
    } else if count == 0 {
        Some("no documents")
    } else if app.list.is_empty() {
        Some("no document matches the filter")
    } else {
        None
    };
    if let Some(message) = empty {
        buf.set_stringn(
            rows.x + 1,
            rows.y,
            message,
            usize::from(rows.width.saturating_sub(1)),
            dim,
        );
        return;
    }

    let focused = app.focus == Focus::List && !matches!(app.mode, Mode::Help { .. });
    let row_width = usize::from(rows.width);
    let title_w = title_width(row_width) as u16;
    let name_w = name_width(row_width) as u16;
    for (i, &index) in app.list[app.list_offset.min(app.list.len())..]
        .iter()
        .take(usize::from(rows.height))
        .enumerate()
    {
        let y = rows.y + i as u16;
        let style = if index != app.selected {
            Style::new()
        } else if focused {
            theme.selected
        } else {
            theme.selected_idle
        };
        if index == app.selected {
            for x in rows.x..rows.right() {
                buf[(x, y)].set_style(style);
            }
        }
        let Some(entry) = app.titles.get(&index) else {
            continue;
        };
        // Right-to-left titles sit at the right end, their file name at the left.
        let rtl = entry.title.is_rtl();
        let (title_x, name_x) = if rtl {
            (rows.x + 1 + name_w + 1, rows.x + 1)
        } else {
            (rows.x + 1, rows.x + 1 + title_w + 1)
        };
        let marks = app.marks.get(&index);
        let title_style = if app.library.documents[index].error.is_some() {
            theme.error.patch(style)
        } else {
            style
        };
        if let Some(line) = entry.title.line(0) {
            paint_line(buf, title_x, y, title_w, &line, title_style);
            if let Some(marks) = marks.filter(|m| !m.title.is_empty()) {
                mark_cells(buf, title_x, y, title_w, &line, |source| {
                    marks
                        .title
                        .iter()
                        .any(|r| overlaps(r, source))
                        .then_some(theme.hit)
                });
            }
            if entry.title.line_count() > 1 {
                // The title goes on: an ellipsis at its logical end.
                let x = if rtl {
                    (title_x + title_w).saturating_sub(line.width() as u16 + 1)
                } else {
                    title_x + line.width() as u16
                };
                buf[(x, y)].set_symbol("…").set_style(style);
            }
        }
        if name_w > 0
            && let Some(line) = entry.name.line(0)
        {
            paint_line(buf, name_x, y, name_w, &line, style.patch(dim));
            if let Some(marks) = marks.filter(|m| !m.name.is_empty()) {
                // Marks are on the whole path; a shortened one starts "…/".
                let shift = |r: &std::ops::Range<usize>| match entry.name_cut {
                    0 => Some(r.clone()),
                    cut if r.start >= cut => Some(r.start - cut + 4..r.end - cut + 4),
                    _ => None,
                };
                mark_cells(buf, name_x, y, name_w, &line, |source| {
                    marks
                        .name
                        .iter()
                        .filter_map(shift)
                        .any(|r| overlaps(&r, source))
                        .then_some(theme.hit)
                });
            }
        }
    }
}
