//! The help overlay: every key, generated from the key table.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use crate::app::help::{COLUMN_WIDTH, HelpLine, columns};
use crate::app::{App, Mode};

/// A row of the overlay as drawn.
fn line(row: HelpLine) -> Line<'static> {
    match row {
        HelpLine::Heading(title) => Line::from(Span::styled(
            title,
            Style::new().add_modifier(Modifier::BOLD),
        )),
        HelpLine::Key { keys, help } => {
            Line::from(vec![Span::raw(format!(" {keys:<17}")), Span::raw(help)])
        }
    }
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let (columns, visible) = columns(area, app.list_right);
    let tallest = columns.iter().map(Vec::len).max().unwrap_or(0);
    let scroll = match app.mode {
        Mode::Help { scroll } => scroll,
        _ => 0,
    }
    .min(tallest.saturating_sub(visible));
    let width = (COLUMN_WIDTH * columns.len() as u16 + 2).min(area.width);
    let height = (tallest.min(visible) as u16 + 2).min(area.height);
    let popup = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    Clear.render(popup, buf);
    let more = if scroll + visible < tallest {
        " ↓ j for more "
    } else if scroll > 0 {
        " ↑ k "
    } else {
        ""
    };
    let block = Block::new()
        .borders(Borders::ALL)
        .title(" Keys — ? or Esc to close ")
        .title_bottom(more);
    let inner = block.inner(popup);
    block.render(popup, buf);
    for (i, column) in columns.into_iter().enumerate() {
        let x = inner.x + COLUMN_WIDTH * i as u16;
        if x >= inner.right() {
            break;
        }
        let rect = Rect::new(
            x,
            inner.y,
            (inner.right() - x).min(COLUMN_WIDTH),
            inner.height,
        );
        Paragraph::new(column.into_iter().map(line).collect::<Vec<_>>())
            .scroll((scroll.min(usize::from(u16::MAX)) as u16, 0))
            .render(rect, buf);
    }
}
