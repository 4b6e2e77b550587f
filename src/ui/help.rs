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

/// Cells per column of the overlay: a space, 17 for the keys, 21 for what
/// they do (two columns fit in 80).
const COLUMN_WIDTH: u16 = 39;

/// The overlay's groups flowed into as many columns as fit across `area`,
/// balanced in height (a group is never split), and the rows it shows.
fn columns(area: Rect) -> (Vec<Vec<Line<'static>>>, usize) {
    let visible = usize::from(area.height.saturating_sub(2)).max(1);
    let fit = usize::from(area.width.saturating_sub(2) / COLUMN_WIDTH).max(1);
    let groups: Vec<Vec<Line<'static>>> = ALL.iter().map(|&c| group(c)).collect();
    let total: usize = groups.iter().map(Vec::len).sum();
    // Fewer, taller columns would need scrolling; more would not fit.
    let target = total.div_ceil(fit).max(visible.min(total));
    let mut columns: Vec<Vec<Line<'static>>> = vec![Vec::new()];
    for lines in groups {
        let room = columns.len() < fit;
        let current = columns.last_mut().expect("one column at least");
        if room && !current.is_empty() && current.len() + lines.len() > target {
            columns.push(lines);
        } else {
            current.extend(lines);
        }
    }
    (columns, visible)
}

/// How far the overlay can scroll on a screen of `area`: 0 when every key
/// fits.
pub fn max_scroll(area: Rect) -> usize {
    let (columns, visible) = columns(area);
    let tallest = columns.iter().map(Vec::len).max().unwrap_or(0);
    tallest.saturating_sub(visible)
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let (columns, visible) = columns(area);
    let tallest = columns.iter().map(Vec::len).max().unwrap_or(0);
    let scroll = app.help_scroll.min(tallest.saturating_sub(visible));
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
        Paragraph::new(column)
            .scroll((scroll.min(usize::from(u16::MAX)) as u16, 0))
            .render(rect, buf);
    }
}
