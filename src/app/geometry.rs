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
    /// The status bar.
    pub status: Rect,
    /// The terminal is too small for anything but a message.
    pub too_small: bool,
}

/// Splits `area`. `list_right` mirrors the screen (list on the right, as
/// Arabic interfaces do); `reader_focused` picks the one pane shown on a
/// narrow screen; `bar` makes room for an input bar above the status bar.
/// `results` shows the library search results in place of both panes.
pub fn panes(
    area: Rect,
    list_right: bool,
    reader_focused: bool,
    bar: bool,
    results: bool,
) -> Panes {
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
    let body = Rect::new(area.x, area.y, area.width, area.height - 1 - bar_rows);
    if results {
        return Panes {
            results: Some(body),
            bar,
            status,
            ..Panes::default()
        };
    }
    let (list, reader) = if area.width < TWO_PANE_MIN_WIDTH {
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
        Rect::new(r.x + margin, r.y, r.width - 2 * margin, r.height)
    });
    Panes {
        list,
        list_rows,
        reader,
        text,
        results: None,
        bar,
        status,
        too_small: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_screens_show_both_panes_mirrored_when_asked() {
        let p = panes(Rect::new(0, 0, 100, 30), true, false, false, false);
        let (list, reader) = (p.list.unwrap(), p.reader.unwrap());
        assert!(list.x > reader.x, "list on the right");
        assert_eq!(list.width + reader.width, 100);
        assert_eq!(p.status.y, 29);
    }

    #[test]
    fn narrow_screens_show_the_focused_pane() {
        let p = panes(Rect::new(0, 0, 40, 12), true, true, false, false);
        assert!(p.list.is_none());
        assert_eq!(p.reader.unwrap().width, 40);
        let p = panes(Rect::new(0, 0, 40, 12), true, false, true, false);
        assert!(p.reader.is_none());
    }

    #[test]
    fn tiny_screens_are_too_small() {
        assert!(panes(Rect::new(0, 0, 19, 10), false, false, false, false).too_small);
        assert!(!panes(Rect::new(0, 0, 20, 5), false, false, true, false).too_small);
    }
}
