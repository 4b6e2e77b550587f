//! The help overlay: every key, generated from the key table.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use crate::app::App;
use crate::app::keymap::{Context, KEYMAP, key_name};

/// The overlay's lines: a heading per context, then `keys  what they do`.
pub fn lines() -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for context in [
        Context::List,
        Context::Reader,
        Context::Global,
        Context::Help,
    ] {
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
                Span::raw(format!("  {:<22}", keys.join(" / "))),
                Span::raw(binding.help),
            ]));
        }
    }
    lines
}

pub fn render(_app: &App, area: Rect, buf: &mut Buffer) {
    let lines = lines();
    let width = area.width.min(60);
    let height = area.height.min(lines.len() as u16 + 2);
    let popup = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    Clear.render(popup, buf);
    Paragraph::new(lines)
        .block(
            Block::new()
                .borders(Borders::ALL)
                .title(" Keys — ? or Esc to close "),
        )
        .render(popup, buf);
}
