//! Where each pane goes on the screen. Shared by the state (page sizes,
//! layout width, mouse targets) and the drawing, so they always agree.

use ratatui::layout::Rect;

/// Below this width only one pane shows at a time.
pub const TWO_PANE_MIN_WIDTH: u16 = 60;
/// Below this size only a "terminal too small" line is drawn.
pub const MIN_WIDTH: u16 = 20;
/// Below this size only a "terminal too small" line is drawn.
pub const MIN_HEIGHT: u16 = 5;

/// The screen split into panes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Panes {
    /// The document list, when shown (its border included).
    pub list: Option<Rect>,
    /// The document list's rows (inside its border and header).
    pub list_rows: Option<Rect>,
    /// The reading pane, when shown.
    pub reader: Option<Rect>,
    /// Where the reading pane's text goes (inside its margins).
    pub text: Option<Rect>,
    /// The library search results, when open (in place of both panes).
    pub results: Option<Rect>,
    /// The input bar (filter or search) above the status bar, when open.
    pub bar: Option<Rect>,
    /// A note about the terminal above the bar and the status bar.
    pub note: Option<Rect>,
    /// The status bar.
    pub status: Rect,
    /// The terminal is too small for anything but a message.
    pub too_small: bool,
}

/// What the screen is to make room for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Arrangement {
    /// Mirror the screen: the list on the right, as Arabic interfaces do.
    pub list_right: bool,
    /// The reading pane has the keyboard (it is the one pane shown when
    /// only one fits).
    pub reader_focused: bool,
    /// An input bar above the status bar.
    pub bar: bool,
    /// The library search results, in place of both panes.
    pub results: bool,
    /// One pane at a time whatever the width: a terminal that reorders
    /// each row itself would mix two panes' text on one row.
    pub one_pane: bool,
    /// Rows for a note about the terminal (fewer are given on a short
    /// screen: see [`note_rows`]).
    pub note_rows: u16,
    /// The list is hidden: the reading pane has the whole width.
    pub list_hidden: bool,
    /// The widest the reading pane's text runs, in cells (0: no limit); a
    /// narrower column is centred in the pane.
    pub measure: u16,
}

/// The rows a note of `lines` lines gets on a screen `height` rows high:
/// never more than four, and never so many that fewer than five rows are
/// left to read in.
pub fn note_rows(lines: usize, height: u16) -> u16 {
    let room = height.saturating_sub(MIN_HEIGHT + 2).min(4);
    (lines.min(usize::from(u16::MAX)) as u16).min(room)
}

/// Splits `area` as `want` asks.
pub fn panes(area: Rect, want: Arrangement) -> Panes {
    let Arrangement {
        list_right,
        reader_focused,
        bar,
        results,
        one_pane,
        note_rows,
        list_hidden,
        measure,
    } = want;
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return Panes {
            status: area,
            too_small: true,
            ..Panes::default()
        };
    }
    let status = Rect::new(area.x, area.bottom() - 1, area.width, 1);
    let bar_rows = u16::from(bar);
    let bar = bar.then(|| Rect::new(area.x, area.bottom() - 2, area.width, 1));
    let note_rows = note_rows.min(area.height.saturating_sub(MIN_HEIGHT + 2));
    let note = (note_rows > 0).then(|| {
        Rect::new(
            area.x,
            area.bottom() - 1 - bar_rows - note_rows,
            area.width,
            note_rows,
        )
    });
    let body = Rect::new(
        area.x,
        area.y,
        area.width,
        area.height - 1 - bar_rows - note_rows,
    );
    if results {
        return Panes {
            results: Some(body),
            bar,
            note,
            status,
            ..Panes::default()
        };
    }
    let (list, reader) = if one_pane || list_hidden || area.width < TWO_PANE_MIN_WIDTH {
        if reader_focused {
            (None, Some(body))
        } else {
            (Some(body), None)
        }
    } else {
        let list_width = (area.width / 3).clamp(24, 48);
        let reader_width = body.width - list_width;
        if list_right {
            (
                Some(Rect::new(
                    body.x + reader_width,
                    body.y,
                    list_width,
                    body.height,
                )),
                Some(Rect::new(body.x, body.y, reader_width, body.height)),
            )
        } else {
            (
                Some(Rect::new(body.x, body.y, list_width, body.height)),
                Some(Rect::new(
                    body.x + list_width,
                    body.y,
                    reader_width,
                    body.height,
                )),
            )
        }
    };
    let two = list.is_some() && reader.is_some();
    // The list's border is the column facing the reading pane; its first row
    // is a header.
    let list_rows = list.map(|l| {
        let border = u16::from(two);
        let x = if list_right { l.x + border } else { l.x };
        Rect::new(x, l.y + 1, l.width - border, l.height.saturating_sub(1))
    });
    let text = reader.map(|r| {
        let margin = if r.width >= 10 { 1 } else { 0 };
        let room = r.width - 2 * margin;
        let width = if measure > 0 { room.min(measure) } else { room };
        Rect::new(r.x + margin + (room - width) / 2, r.y, width, r.height)
    });
    Panes {
        list,
        list_rows,
        reader,
        text,
        results: None,
        bar,
        note,
        status,
        too_small: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn want(list_right: bool, reader_focused: bool, bar: bool) -> Arrangement {
        Arrangement {
            list_right,
            reader_focused,
            bar,
            ..Arrangement::default()
        }
    }

    #[test]
    fn wide_screens_show_both_panes_mirrored_when_asked() {
        let p = panes(Rect::new(0, 0, 100, 30), want(true, false, false));
        let (list, reader) = (p.list.unwrap(), p.reader.unwrap());
        assert!(list.x > reader.x, "list on the right");
        assert_eq!(list.width + reader.width, 100);
        assert_eq!(p.status.y, 29);
    }

    #[test]
    fn narrow_screens_show_the_focused_pane() {
        let p = panes(Rect::new(0, 0, 40, 12), want(true, true, false));
        assert!(p.list.is_none());
        assert_eq!(p.reader.unwrap().width, 40);
        let p = panes(Rect::new(0, 0, 40, 12), want(true, false, true));
        assert!(p.reader.is_none());
    }

    #[test]
    fn one_pane_at_a_time_when_asked_whatever_the_width() {
        let one = |reader_focused| {
            panes(
                Rect::new(0, 0, 200, 50),
                Arrangement {
                    one_pane: true,
                    ..want(true, reader_focused, false)
                },
            )
        };
        let p = one(false);
        assert_eq!((p.list.map(|l| l.width), p.reader), (Some(200), None));
        let p = one(true);
        assert_eq!((p.list, p.reader.map(|r| r.width)), (None, Some(200)));
    }

    #[test]
    fn a_note_sits_above_the_bar_and_leaves_rows_to_read() {
        let p = panes(
            Rect::new(0, 0, 80, 24),
            Arrangement {
                note_rows: 2,
                ..want(true, false, true)
            },
        );
        assert_eq!(p.note, Some(Rect::new(0, 20, 80, 2)));
        assert_eq!(p.bar.map(|b| b.y), Some(22));
        assert_eq!(p.reader.map(|r| r.height), Some(20));
        // At most four rows; on a short screen fewer, and none on a tiny one.
        assert_eq!(note_rows(9, 40), 4);
        assert_eq!(note_rows(3, 9), 2);
        assert_eq!(note_rows(3, 7), 0);
        let p = panes(
            Rect::new(0, 0, 20, 5),
            Arrangement {
                note_rows: 3,
                ..want(true, false, true)
            },
        );
        assert_eq!(p.note, None);
    }

    #[test]
    fn the_text_keeps_to_its_measure_centred_in_the_pane() {
        let at = |width, measure, list_hidden| {
            let p = panes(
                Rect::new(0, 0, width, 40),
                Arrangement {
                    measure,
                    list_hidden,
                    ..want(true, true, false)
                },
            );
            let (reader, text) = (p.reader.unwrap(), p.text.unwrap());
            (reader.x, reader.width, text.x, text.width)
        };
        // 200 columns: the reading pane is 152 wide, its text 90, centred.
        assert_eq!(at(200, 90, false), (0, 152, 31, 90));
        // Narrower than the measure: the margins only.
        assert_eq!(at(120, 90, false), (0, 80, 1, 78));
        // No measure: the whole pane.
        assert_eq!(at(200, 0, false), (0, 152, 1, 150));
        // The list hidden: the whole screen, the text still 90 wide.
        assert_eq!(at(200, 90, true), (0, 200, 55, 90));
        assert_eq!(at(80, 90, true), (0, 80, 1, 78));
    }

    #[test]
    fn tiny_screens_are_too_small() {
        assert!(panes(Rect::new(0, 0, 19, 10), want(false, false, false)).too_small);
        assert!(!panes(Rect::new(0, 0, 20, 5), want(false, false, true)).too_small);
    }
}
