//! The document list pane: titles laid out by the engine (Arabic titles
//! right-aligned and shaped), each row's file name at its other end, in
//! the columns the app sized for the row (dimmed, unless titles repeat and
//! the names tell them apart).

use ratatui::buffer::Buffer;
use ratatui::style::Style;

use super::theme::Theme;
use super::{mark_cells, overlaps, paint_line, paint_title, say};
use crate::app::{App, Columns, Focus, Mode};

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
    say(
        buf,
        rows.x,
        pane.y,
        usize::from(rows.width),
        &header,
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
        say(
            buf,
            rows.x + 1,
            rows.y,
            usize::from(rows.width.saturating_sub(1)),
            message,
            dim,
        );
        return;
    }

    let focused = app.focus == Focus::List && !matches!(app.mode, Mode::Help { .. });
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
        let Columns { title, name } = entry.columns;
        let (title_w, name_w) = (title as u16, name as u16);
        // Right-to-left titles sit at the right end, their file name at the left.
        let (title_x, name_x) = if entry.title.is_rtl() {
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
        if let Some(line) = paint_title(buf, title_x, y, title_w, &entry.title, title_style)
            && let Some(marks) = marks.filter(|m| !m.title.is_empty())
        {
            mark_cells(buf, title_x, y, title_w, &line, |source| {
                marks
                    .title
                    .iter()
                    .any(|r| overlaps(r, source))
                    .then_some(theme.hit)
            });
        }
        // Dimmed beside its title, unless titles repeat and the name is
        // what tells the documents apart.
        let name_style = if entry.name_matters {
            style
        } else {
            style.patch(dim)
        };
        if name_w > 0
            && let Some(line) = entry.name.line(0)
        {
            paint_line(buf, name_x, y, name_w, &line, name_style);
            if let Some(marks) = marks.filter(|m| !m.name.is_empty()) {
                // Marks are on the whole path, shown where its bytes are kept.
                let shown: Vec<_> = marks
                    .name
                    .iter()
                    .flat_map(|r| entry.name_shown.shown(r))
                    .collect();
                mark_cells(buf, name_x, y, name_w, &line, |source| {
                    shown
                        .iter()
                        .any(|r| overlaps(r, source))
                        .then_some(theme.hit)
                });
            }
        }
    }
}
