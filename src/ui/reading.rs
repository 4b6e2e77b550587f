//! The reading pane: the rows `App::sync` laid out, painted cell by cell.

use ratatui::buffer::Buffer;
use ratatui::style::Style;

use super::theme::Theme;
use super::{mark_cells, overlaps, paint_line, say};
use crate::app::App;
use crate::app::reader::Row;

pub fn render(app: &App, theme: &Theme, buf: &mut Buffer) {
    let Some(text) = app.panes.text else {
        return;
    };
    let dim = theme.dim;
    if let Some(doc) = app.loading() {
        let document = &app.library.documents[doc];
        // Without the name: a right-to-left name would need laying out.
        let message = format!(
            "Reading the document: {} MB of {}…",
            document.size.div_ceil(1_000_000),
            app.library.forced.unwrap_or(document.encoding).name()
        );
        say(buf, text.x, text.y, usize::from(text.width), &message, dim);
        return;
    }
    if app.open_document().is_none() {
        let message = if app.scanning().is_some() {
            "Looking for documents…"
        } else {
            "Nothing to read: no documents were found."
        };
        say(buf, text.x, text.y, usize::from(text.width), message, dim);
        return;
    }
    if let Some(message) = &app.unreadable {
        for (i, line) in message.lines().take(usize::from(text.height)).enumerate() {
            paint_line(
                buf,
                text.x,
                text.y + i as u16,
                text.width,
                &line,
                theme.error,
            );
        }
        return;
    }
    if app.rows.is_empty() {
        say(
            buf,
            text.x,
            text.y,
            usize::from(text.width),
            "(empty document)",
            dim,
        );
        return;
    }
    for (i, row) in app.rows.iter().enumerate().take(usize::from(text.height)) {
        let Row::Line {
            start,
            layout,
            line,
            heading,
        } = row
        else {
            continue;
        };
        let Some(visual) = layout.line(*line) else {
            continue;
        };
        let style = if *heading {
            theme.heading
        } else {
            Style::new()
        };
        let y = text.y + i as u16;
        paint_line(buf, text.x, y, text.width, &visual, style);
        // Search hits, found in logical text, marked on the cells that show them.
        let hits: Vec<(&std::ops::Range<usize>, bool)> = app.hits_in(*start).collect();
        if !hits.is_empty() {
            mark_cells(buf, text.x, y, text.width, &visual, |source| {
                hits.iter()
                    .filter(|(range, _)| overlaps(range, source))
                    .map(|&(_, current)| {
                        if current {
                            theme.current_hit
                        } else {
                            theme.hit
                        }
                    })
                    .next()
            });
        }
        // The selection, a logical range, marked on the cells that show it
        // (over any hit).
        if let Some(selection) = app.selection() {
            let range = selection.range();
            let end = &selection.cursor;
            mark_cells(buf, text.x, y, text.width, &visual, |source| {
                let source = start + source.start..start + source.end;
                if overlaps(end, &source) {
                    Some(theme.selection_end)
                } else {
                    overlaps(&range, &source).then_some(theme.selection)
                }
            });
        }
    }
}
