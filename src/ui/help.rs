//! The help overlay: every key, generated from the key table.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use crate::app::App;
use crate::app::keymap::{Context, KEYMAP, key_name};

/// One context's lines: a heading, then `keys  what they do`.
pub fn group(context: Context) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(Span::styled(
        context.title(),
        Style::new().add_modifier(Modifier::BOLD),
    ))];
    for binding in KEYMAP.iter().filter(|b| b.context == context) {
        let keys: Vec<String> = binding.keys.iter().map(key_name).collect();
        lines.push(Line::from(vec![
            Span::raw(format!(" {:<17}", keys.join(" / "))),
            Span::raw(binding.help),
        ]));
    }
    lines
}

/// Every context, in the order the overlay lists them (the title says how
/// to close it).
const ALL: [Context; 7] = [
    Context::List,
    Context::Global,
    Context::Filter,
    Context::Search,
    Context::Library,
    Context::Reader,
    Context::Input,
];

/// Cells per column of the overlay.
const COLUMN_WIDTH: u16 = 40;

pub fn render(_app: &App, area: Rect, buf: &mut Buffer) {
    // Groups flow into as many columns as the height needs.
    let rows = area.height.saturating_sub(2).max(1) as usize;
    let mut columns: Vec<Vec<Line<'static>>> = vec![Vec::new()];
    for context in ALL {
        let lines = group(context);
        let current = columns.last_mut().expect("one column at least");
        if !current.is_empty() && current.len() + lines.len() > rows {
            columns.push(lines);
        } else {
            current.extend(lines);
        }
    }
    let width = (COLUMN_WIDTH * columns.len() as u16 + 2).min(area.width);
    let tallest = columns.iter().map(Vec::len).max().unwrap_or(0) as u16;
    let height = (tallest + 2).min(area.height);
    let popup = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    Clear.render(popup, buf);
    let block = Block::new()
        .borders(Borders::ALL)
        .title(" Keys — ? or Esc to close ");
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
        Paragraph::new(column).render(rect, buf);
    }
}
