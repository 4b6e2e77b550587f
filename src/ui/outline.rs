//! The outline overlay: a structured document's headings over the reading
//! pane, indented by level on the side they start, the selected one
//! reversed and the section being read marked.

use ratatui::buffer::Buffer;
use ratatui::style::Modifier;
use ratatui::widgets::{Block, Borders, Clear, Widget};

use super::paint_line;
use super::theme::Theme;
use crate::app::App;

pub fn render(app: &App, theme: &Theme, buf: &mut Buffer) {
    let Some(area) = app.panes.reader else {
        return;
    };
    Clear.render(area, buf);
    let outline = &app.outline;
    let block = Block::new().borders(Borders::ALL).title(format!(
        " Outline: {} headings — Enter goes there, Esc closes ",
        outline.headings.len()
    ));
    let inner = block.inner(area);
    block.render(area, buf);
    for (i, (layout, indent)) in outline.rows.iter().enumerate() {
        let index = outline.offset + i;
        let y = inner.y + i as u16;
        if y >= inner.bottom() {
            break;
        }
        let Some(line) = layout.line(0) else {
            continue;
        };
        let room = inner.width.saturating_sub(2);
        let indent = (*indent as u16).min(room);
        // Indented from the side the heading starts: the right for a
        // right-to-left one.
        let x = if layout.is_rtl() {
            inner.x + 1
        } else {
            inner.x + 1 + indent
        };
        let width = room - indent;
        let mut style = if index == outline.selected {
            theme.selected
        } else {
            ratatui::style::Style::new()
        };
        if Some(index) == outline.current {
            style = style.add_modifier(Modifier::BOLD);
        }
        if index == outline.selected {
            for column in inner.x..inner.right() {
                buf[(column, y)].set_style(style);
            }
        }
        paint_line(buf, x, y, width, &line, style);
        if Some(index) == outline.current {
            // The section being read: a mark in the margin on its side.
            let mark_x = if layout.is_rtl() {
                inner.right() - 1
            } else {
                inner.x
            };
            buf[(mark_x, y)].set_symbol("▸").set_style(style);
        }
    }
}
