//! What the help overlay lists and how it is arranged: every key, from the
//! key table, in groups flowed into as many columns as fit. The app needs
//! it to know how far the overlay scrolls; the screen draws it.

use ratatui::layout::Rect;

use super::keymap::{Context, KEYMAP, key_name, mirror};

/// One row of the overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelpLine {
    /// A group's heading: where the keys below work.
    Heading(&'static str),
    /// Keys and what they do.
    Key {
        /// The keys, as `j / ↓`.
        keys: String,
        /// What they do.
        help: &'static str,
    },
}

/// Every context, in the order the overlay lists them (the title says how
/// to close it).
const ALL: [Context; 12] = [
    Context::List,
    Context::Global,
    Context::Mark,
    Context::Filter,
    Context::Search,
    Context::GoTo,
    Context::Library,
    Context::Bookmarks,
    Context::Reader,
    Context::Select,
    Context::Outline,
    Context::Input,
];

/// Cells per column of the overlay: a space, 17 for the keys, 21 for what
/// they do (two columns fit in 80).
pub const COLUMN_WIDTH: u16 = 39;

/// One context's lines: a heading, then its keys (← and → as they work on
/// a `mirrored` screen).
fn group(context: Context, mirrored: bool) -> Vec<HelpLine> {
    let keys = KEYMAP
        .iter()
        .filter(|b| b.context == context)
        .map(|binding| HelpLine::Key {
            keys: binding
                .keys
                .iter()
                .map(|&key| key_name(&mirror(key, mirrored && context != Context::Select)))
                .collect::<Vec<_>>()
                .join(" / "),
            help: binding.help,
        });
    std::iter::once(HelpLine::Heading(context.title()))
        .chain(keys)
        .collect()
}

/// The overlay's groups flowed into as many columns as fit across `area`,
/// balanced in height (a group is never split), and the rows it shows; the
/// arrows as they work on a `mirrored` screen.
pub fn columns(area: Rect, mirrored: bool) -> (Vec<Vec<HelpLine>>, usize) {
    let visible = usize::from(area.height.saturating_sub(2)).max(1);
    let fit = usize::from(area.width.saturating_sub(2) / COLUMN_WIDTH).max(1);
    let groups: Vec<Vec<HelpLine>> = ALL.iter().map(|&c| group(c, mirrored)).collect();
    let total: usize = groups.iter().map(Vec::len).sum();
    // Fewer, taller columns would need scrolling; more would not fit.
    let target = total.div_ceil(fit).max(visible.min(total));
    let mut columns: Vec<Vec<HelpLine>> = vec![Vec::new()];
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
pub fn max_scroll(area: Rect, mirrored: bool) -> usize {
    let (columns, visible) = columns(area, mirrored);
    let tallest = columns.iter().map(Vec::len).max().unwrap_or(0);
    tallest.saturating_sub(visible)
}
