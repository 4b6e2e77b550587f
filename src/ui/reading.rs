//! The reading pane: the rows `App::sync` laid out, painted cell by cell.

use ratatui::buffer::Buffer;
use ratatui::style::{Modifier, Style};

use super::theme::Theme;
use super::{mark_cells, overlaps, paint_line, say};
use crate::app::App;
use crate::app::reader::Row;
use crate::doc::Style as DocStyle;
use crate::doc::layout::Tone;

pub fn render(app: &App, theme: &Theme, buf: &mut Buffer) {
    let Some(text) = app.panes.text else {
        return;
    };
    let dim = theme.dim;
    // A long text's start shows while the rest is read.
    if let Some(doc) = app.loading().filter(|&d| app.open_document() != Some(d)) {
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
            shape,
            row,
            heading,
        } = row
        else {
            continue;
        };
        let Some(shaped) = shape.rows.get(*row) else {
            continue;
        };
        let y = text.y + i as u16;
        let base = match shape.tone {
            Tone::Heading(_) => theme.heading,
            Tone::Code => theme.code,
            Tone::Dim => theme.dim,
            Tone::Text if *heading => theme.heading,
            Tone::Text => Style::new(),
        };
        // Furniture first (list markers, quote bars, table borders): not
        // the document's text, never marked.
        for (x, furniture) in &shaped.furniture {
            let x = usize::from(text.x) + x;
            let room = usize::from(text.right()).saturating_sub(x);
            if room > 0 {
                say(buf, x as u16, y, room, furniture, theme.dim);
            }
        }
        let hits: Vec<(&std::ops::Range<usize>, bool)> = app.hits_in(*start).collect();
        for piece in &shaped.pieces {
            let Some(visual) = piece.layout.line(piece.line) else {
                continue;
            };
            let x = text.x + piece.x.min(usize::from(text.width)) as u16;
            let width = (piece.width as u16).min(text.right().saturating_sub(x));
            paint_line(buf, x, y, width, &visual, base);
            // Where the cells' sources are in the text.
            let at = |source: &std::ops::Range<usize>| {
                start + piece.base + source.start..start + piece.base + source.end
            };
            // The document's own styles: emphasis, strong, code, links.
            if !shape.spans.is_empty() {
                mark_cells(buf, x, y, width, &visual, |source| {
                    let source = piece.base + source.start..piece.base + source.end;
                    let mut style = Style::new();
                    let mut any = false;
                    for (range, span) in &shape.spans {
                        if overlaps(range, &source) {
                            style = style.patch(span_style(*span, theme));
                            any = true;
                        }
                    }
                    any.then_some(style)
                });
            }
            // Search hits, found in logical text, marked on the cells that
            // show them.
            if !hits.is_empty() {
                mark_cells(buf, x, y, width, &visual, |source| {
                    let source = at(source);
                    hits.iter()
                        .filter(|(range, _)| {
                            overlaps(&(range.start + start..range.end + start), &source)
                        })
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
            // The selection, a logical range, marked on the cells that show
            // it (over any hit).
            if let Some(selection) = app.selection() {
                let range = selection.range();
                let end = &selection.cursor;
                mark_cells(buf, x, y, width, &visual, |source| {
                    let source = at(source);
                    if overlaps(end, &source) {
                        Some(theme.selection_end)
                    } else {
                        overlaps(&range, &source).then_some(theme.selection)
                    }
                });
            }
        }
    }
}

/// How a styled span of a structured document is drawn.
fn span_style(span: DocStyle, theme: &Theme) -> Style {
    let mut style = Style::new();
    if span.contains(DocStyle::EMPHASIS) {
        style = style.add_modifier(Modifier::ITALIC);
    }
    if span.contains(DocStyle::STRONG) {
        style = style.add_modifier(Modifier::BOLD);
    }
    if span.contains(DocStyle::CODE) {
        style = style.patch(theme.code);
    }
    if span.contains(DocStyle::LINK) {
        style = style.patch(theme.link);
    }
    if span.contains(DocStyle::STRIKE) {
        style = style.add_modifier(Modifier::CROSSED_OUT);
    }
    if span.contains(DocStyle::DIM) {
        style = style.add_modifier(Modifier::DIM);
    }
    style
}
