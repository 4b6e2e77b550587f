//! The status bar: where you are, which document, and the keys that matter
//! now (generated from the key table).

use ratatui::buffer::Buffer;
use ratatui::style::{Modifier, Style};

use super::paint_line;
use super::theme::Theme;
use crate::app::App;
use crate::app::keymap;
use crate::fsread;
use crate::library::decode::display_name;
use crate::text::sanitize::{LINE_MAX, quote};

pub fn render(app: &App, theme: &Theme, buf: &mut Buffer) {
    let area = app.panes.status;
    let bar = theme.status;
    for x in area.x..area.right() {
        buf[(x, area.y)].set_symbol(" ").set_style(bar);
    }
    let mut x = area.x;
    let end = area.right();
    let put = |buf: &mut Buffer, x: &mut u16, s: &str, style: Style| {
        if *x < end {
            let (nx, _) = buf.set_stringn(*x, area.y, s, usize::from(end - *x), style);
            *x = nx;
        }
    };
    let mut noticed = false;
    let mut notice = |buf: &mut Buffer, x: &mut u16| {
        if let Some(notice) = app.notice.as_deref().filter(|_| !noticed) {
            put(
                buf,
                x,
                &format!(" {} ", quote(notice, LINE_MAX)),
                theme.notice,
            );
            put(buf, x, " ", bar);
            noticed = true;
        }
    };
    if let Some(doc) = app.open_document() {
        let p = app.position;
        let place = if app.panes.reader.is_some() {
            // Estimated numbers (before the document is indexed) say so.
            let about = if p.exact { "" } else { "≈" };
            format!(
                " {:>3}% ¶ {about}{}/{about}{} ",
                p.percent, p.paragraph, p.paragraphs
            )
        } else {
            let at = app
                .list
                .iter()
                .position(|&d| d == app.selected)
                .map_or(0, |i| i + 1);
            format!(" {}/{} ", at, app.list.len())
        };
        put(buf, &mut x, &place, bar);
        if let Some(text) = app.open_text() {
            let encoding = display_name(text.encoding);
            let note = match (encoding, text.had_invalid() == Some(true)) {
                (Some(name), false) => Some(format!(" {name} ")),
                (Some(name), true) => Some(format!(" {name}, bad bytes shown as \u{FFFD} ")),
                (None, true) => Some(" not valid UTF-8: bad bytes shown as \u{FFFD} ".to_string()),
                (None, false) => None,
            };
            if let Some(note) = note {
                put(buf, &mut x, &note, bar);
            }
        }
        // Standard input that went on past the read limit: only its start
        // is shown, and the reader should know.
        if let Some(limit) = app.library.documents[doc].cut_at {
            let note = format!(" only the first {} read ", fsread::size(limit));
            put(buf, &mut x, &note, theme.notice);
            put(buf, &mut x, " ", bar);
        }
        if !app.search.query.is_empty() {
            let hits = app.search.hits.len();
            // While the search goes on, the count is "so far".
            let more = if app.search.done { "" } else { "…" };
            let found = match app.search.current {
                _ if hits == 0 && !app.search.done => " searching… ".to_string(),
                _ if hits == 0 => " no hits ".to_string(),
                Some(k) => format!(" hit {} of {hits}{more} ", k + 1),
                None => format!(" {hits}{more} hits "),
            };
            put(buf, &mut x, &found, bar.add_modifier(Modifier::BOLD));
        }
        // A notice comes before the title: it lasts until the next key.
        notice(buf, &mut x);
        // The title, laid out like the text (shaped, in visual order).
        if let Some(title) = &app.status_title
            && let Some(line) = title.line(0)
            && line.width() < usize::from(end.saturating_sub(x))
        {
            // A cut title ends in an ellipsis, on its left if it is right to left.
            let cut = title.line_count() > 1;
            if cut && title.is_rtl() {
                put(buf, &mut x, "…", bar);
            }
            let w = (line.width() as u16).min(end.saturating_sub(x));
            paint_line(buf, x, area.y, w, &line, bar.add_modifier(Modifier::BOLD));
            x += w;
            if cut && !title.is_rtl() {
                put(buf, &mut x, "…", bar);
            }
        }
        put(buf, &mut x, "  ", bar);
    }
    notice(buf, &mut x);
    if let Some(seen) = app.scanning() {
        let found = app.library.documents.len() + app.library.binary_skipped;
        put(
            buf,
            &mut x,
            &format!("scanning: {found} of {seen} files read  "),
            bar.add_modifier(Modifier::BOLD),
        );
    }
    let skipped = app.library.binary_skipped;
    if skipped > 0 {
        let files = if skipped == 1 { "file" } else { "files" };
        put(
            buf,
            &mut x,
            &format!("{skipped} binary {files} left out  "),
            bar,
        );
    }
    let hints: Vec<String> = keymap::hints(app.context())
        .into_iter()
        .map(|(key, what)| format!("{key} {what}"))
        .collect();
    put(
        buf,
        &mut x,
        &hints.join(" · "),
        bar.add_modifier(Modifier::DIM),
    );
}
