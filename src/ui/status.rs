//! The status bar: where you are, which document (its title and file
//! name), and the keys that matter now (generated from the key table). What
//! does not fit is cut after a word, or left out whole.

use ratatui::buffer::Buffer;
use ratatui::style::{Modifier, Style};

use super::theme::Theme;
use super::{paint_line, paint_title, say};
use crate::app::App;
use crate::app::keymap;
use crate::fsread;
use crate::library::decode::display_name;
use crate::text::elide;
use crate::text::sanitize::{LINE_MAX, quote};

pub fn render(app: &App, theme: &Theme, buf: &mut Buffer) {
    let area = app.panes.status;
    let bar = theme.status;
    for x in area.x..area.right() {
        buf[(x, area.y)].set_symbol(" ").set_style(bar);
    }
    let mut x = area.x;
    let end = area.right();
    // What does not fit is cut after a whole word, never inside one.
    let put = |buf: &mut Buffer, x: &mut u16, s: &str, style: Style| {
        *x = say(
            buf,
            *x,
            area.y,
            usize::from(end.saturating_sub(*x)),
            s,
            style,
        );
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
            if app.unreadable.is_some() {
                " cannot read ".to_string()
            } else if p.paragraphs == 0 {
                " empty ".to_string()
            } else {
                // Estimated numbers (before the document is indexed) say so.
                let about = if p.exact { "" } else { "≈" };
                format!(
                    " {:>3}% ¶ {about}{}/{about}{} ",
                    p.percent, p.paragraph, p.paragraphs
                )
            }
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
        // A book with chapters that could not be read says so (the top of
        // the book says which).
        if let Some(text) = app.open_text()
            && !text.problems().is_empty()
        {
            let n = text.problems().len();
            let note = format!(
                " {n} {} reading it: see its start ",
                if n == 1 { "problem" } else { "problems" }
            );
            put(buf, &mut x, &note, theme.notice);
            put(buf, &mut x, " ", bar);
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
        // The title, laid out like the text (shaped, in visual order); a
        // cut one ends in an ellipsis, on its left if it is right to left.
        let mut titled = false;
        if let Some(title) = &app.status_title
            && let Some(line) = title.line(0)
        {
            let w = line.width() + usize::from(title.line_count() > 1);
            titled = w < usize::from(end.saturating_sub(x));
            if titled {
                paint_title(
                    buf,
                    x,
                    area.y,
                    w as u16,
                    title,
                    bar.add_modifier(Modifier::BOLD),
                );
                x += w as u16;
            }
        }
        // The page of the printed edition, in an OpenITI text.
        if let Some(page) = &app.status_page {
            put(buf, &mut x, &format!(" {page} "), bar);
        }
        // The section being read, in a structured document.
        if let Some(section) = &app.status_section
            && let Some(line) = section.line(0)
            && line.width() + 3 < usize::from(end.saturating_sub(x))
        {
            put(buf, &mut x, " › ", bar);
            let w = line.width() as u16;
            paint_line(buf, x, area.y, w, &line, bar);
            x += w;
        }
        // Then the file's name, whole or not at all (it is shortened to
        // its column already).
        if let Some(name) = &app.status_name
            && let Some(line) = name.line(0)
            && line.width() + 2 < usize::from(end.saturating_sub(x))
        {
            if titled {
                put(buf, &mut x, "  ", bar);
            }
            let w = line.width() as u16;
            paint_line(buf, x, area.y, w, &line, bar);
            x += w;
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
    // Hints that do not fit are left out whole: a hint cut to its key says
    // nothing.
    let hints: Vec<String> = keymap::hints(app.context())
        .into_iter()
        .map(|(key, what)| format!("{key} {what}"))
        .collect();
    let room = usize::from(end.saturating_sub(x));
    put(
        buf,
        &mut x,
        &elide::whole_items(hints.iter().map(String::as_str), " · ", room),
        bar.add_modifier(Modifier::DIM),
    );
}
