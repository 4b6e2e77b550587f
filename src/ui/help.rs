//! The help overlay: every key, generated from the key table.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use crate::app::App;
use crate::app::keymap::{Context, KEYMAP, key_name};

/// Lines for some contexts: a heading per context, then `keys  what they do`.
pub fn lines(contexts: &[Context]) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for &context in contexts {
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.push(Line::from(Span::styled(
            context.title(),
            Style::new().add_modifier(Modifier::BOLD),
        )));
        for binding in KEYMAP.iter().filter(|b| b.context == context) {
            let keys: Vec<String> = binding.keys.iter().map(key_name).collect();
            lines.push(Line::from(vec![
                Span::raw(format!(" {:<20}", keys.join(" / "))),
                Span::raw(binding.help),
            ]));
        }
    }
    lines
}

/// Every context, in the order the overlay lists them.
const ALL: [Context; 4] = [
    Context::List,
    Context::Reader,
    Context::Global,
    Context::Help,
];

pub fn render(_app: &App, area: Rect, buf: &mut Buffer) {
    let one = lines(&ALL);
    // One column when it fits; else the reading pane's keys beside the rest.
    let columns = if one.len() as u16 + 2 <= area.height || area.width < 80 {
        vec![one]
    } else {
        vec![
            lines(&[Context::List, Context::Global, Context::Help]),
            lines(&[Context::Reader]),
        ]
    };
    let column_width = 39u16;
    let width = (column_width * columns.len() as u16 + 2).min(area.width);
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
        let x = inner.x + column_width * i as u16;
        if x >= inner.right() {
            break;
        }
        let rect = Rect::new(
            x,
            inner.y,
            (inner.right() - x).min(column_width),
            inner.height,
        );
        Paragraph::new(column).render(rect, buf);
    }
}
