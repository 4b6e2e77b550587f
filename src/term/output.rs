//! What reaches the terminal, adapted to how the terminal draws it.
//!
//! ratatui sends only the cells that changed. That is right for terminals
//! that show each cell where it was written, and wrong for two kinds:
//!
//! - Terminals that reorder each row themselves (mlterm, Konsole,
//!   QTerminal: qari's terminal mode). They lay a row out again from its
//!   whole content, so a row must reach them whole, in logical order, each
//!   time any cell of it changes; a lone changed cell lands among letters
//!   the terminal has already moved and leaves stray letters in words.
//!   (Right-to-left lines carry their own embedding: see `ui::paint_line`.)
//! - Terminals that draw a combining mark one cell to the right of the
//!   character it was sent with (Alacritty 0.11 does, for every mark, so
//!   harakat land on the neighbouring letter). Sending each mark with the
//!   cell on its left puts it back over its own letter; the left cell must
//!   then be sent again whenever its neighbour changes, so these rows go
//!   whole too.
//!
//! - Terminals that reorder every row with a left-to-right base and can be
//!   told neither to stop nor where a right-to-left line starts (QTerminal
//!   takes no embedding). A row laid out by qari is sent in the order the
//!   terminal's own reordering turns back into it
//!   ([`crate::text::bidi::ltr_row_order`]), mirrored glyphs pre-mirrored
//!   where the terminal will mirror them, and whole.
//!
//! [`Output`] wraps ratatui's backend, keeps a copy of the screen when
//! either adaptation is on, and turns ratatui's changed cells into whole
//! rows.

use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::{Position, Rect, Size};
use unicode_width::UnicodeWidthStr;

/// How cells are adapted on their way to the terminal.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Adapt {
    /// Rows go whole (terminals that reorder).
    pub whole_rows: bool,
    /// Combining marks go with the cell on the left of theirs.
    pub marks_left: bool,
    /// Rows go in the order a terminal that reorders them with a
    /// left-to-right base turns back into the row as laid out (whole).
    pub reordered_rows: bool,
}

impl Adapt {
    /// Whether cells go as ratatui sends them.
    pub fn is_plain(self) -> bool {
        !self.whole_rows && !self.marks_left && !self.reordered_rows
    }
}

/// A backend that adapts what `B` sends (see the module's notes).
#[derive(Debug)]
pub struct Output<B> {
    inner: B,
    adapt: Adapt,
    /// The screen as the terminal holds it (only when adapting).
    screen: Buffer,
    /// The terminal's size when it is told rather than asked (a remote
    /// terminal, whose size comes with the connection's requests).
    told: Option<Size>,
}

impl<B: Backend> Output<B> {
    /// Wraps `inner`.
    pub fn new(inner: B, adapt: Adapt) -> Output<B> {
        Output {
            inner,
            adapt,
            screen: Buffer::empty(Rect::default()),
            told: None,
        }
    }

    /// Wraps `inner`, whose terminal is `size` until [`Output::tell_size`]
    /// says otherwise: it is never asked (a terminal at the other end of a
    /// connection cannot be).
    pub fn told(inner: B, adapt: Adapt, size: Size) -> Output<B> {
        Output {
            told: Some(size),
            ..Output::new(inner, adapt)
        }
    }

    /// The terminal's new size, for an output made with [`Output::told`]
    /// (for any other the terminal is asked, and this does nothing).
    pub fn tell_size(&mut self, size: Size) {
        if self.told.is_some() {
            self.told = Some(size);
        }
    }

    /// The wrapped backend.
    pub fn inner_mut(&mut self) -> &mut B {
        &mut self.inner
    }

    /// Makes the copy of the screen `size`, blank.
    fn blank(&mut self, size: Size) {
        self.screen = Buffer::empty(Rect::new(0, 0, size.width, size.height));
    }
}

/// Splits a cell's symbol into what is drawn in the cell and the combining
/// marks after its first character.
fn split_marks(symbol: &str) -> (&str, &str) {
    let mut chars = symbol.char_indices();
    chars.next();
    for (at, c) in chars {
        if c.to_string().width() == 0 && !is_joiner(c) {
            return (&symbol[..at], &symbol[at..]);
        }
    }
    (symbol, "")
}

/// Zero-width characters that are not marks over a letter.
fn is_joiner(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}')
}

/// The cells of row `y` of `screen` as they must be sent: every cell, from
/// the first column, except those a wide character covers.
fn row_cells(screen: &Buffer, y: u16, adapt: Adapt) -> Vec<(u16, u16, Cell)> {
    let area = screen.area;
    let mut cells: Vec<(u16, u16, Cell)> = Vec::with_capacity(usize::from(area.width));
    let mut x = area.x;
    while x < area.right() {
        let cell = &screen[(x, y)];
        let width = cell.symbol().width().max(1) as u16;
        let mut sent = cell.clone();
        if adapt.marks_left {
            let (base, marks) = split_marks(cell.symbol());
            if !marks.is_empty() {
                // The marks travel with the cell on the left; at the first
                // column there is none, and they are left out.
                if let Some((_, _, left)) = cells.last_mut() {
                    let joined = format!("{}{marks}", left.symbol());
                    left.set_symbol(&joined);
                }
                sent.set_symbol(base);
            }
        }
        cells.push((x, y, sent));
        x = x.saturating_add(width);
    }
    if adapt.reordered_rows {
        cells = reordered(cells);
    }
    cells
}

/// A row's cells in the order the terminal's own reordering turns back
/// into them, at the columns they are sent to.
fn reordered(cells: Vec<(u16, u16, Cell)>) -> Vec<(u16, u16, Cell)> {
    let Some(&(start, y, _)) = cells.first() else {
        return cells;
    };
    let firsts: Vec<char> = cells
        .iter()
        .map(|(_, _, c)| c.symbol().chars().next().unwrap_or(' '))
        .collect();
    let (order, odd) = crate::text::bidi::ltr_row_order(&firsts);
    let mut x = start;
    order
        .iter()
        .zip(odd)
        .map(|(&i, odd)| {
            let mut cell = cells[i as usize].2.clone();
            // The terminal mirrors what it puts at an odd level: the glyph
            // to show goes mirrored, so that it comes back.
            if odd {
                let mut chars = cell.symbol().chars();
                if let Some(mirrored) = chars.next().and_then(crate::text::shape::mirror) {
                    let symbol: String = std::iter::once(mirrored).chain(chars).collect();
                    cell.set_symbol(&symbol);
                }
            }
            let at = x;
            x = x.saturating_add(cell.symbol().width().max(1) as u16);
            (at, y, cell)
        })
        .collect()
}

impl<B: Backend> Backend for Output<B> {
    type Error = B::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        if self.adapt.is_plain() {
            return self.inner.draw(content);
        }
        let mut dirty: Vec<bool> = Vec::new();
        for (x, y, cell) in content {
            if !self.screen.area.contains(Position { x, y }) {
                let size = self.size()?;
                let area = Rect::new(0, 0, size.width.max(x + 1), size.height.max(y + 1));
                self.screen.resize(area);
            }
            self.screen[(x, y)] = cell.clone();
            let row = usize::from(y);
            if dirty.len() <= row {
                dirty.resize(row + 1, false);
            }
            dirty[row] = true;
        }
        let mut cells = Vec::new();
        for (y, _) in dirty.iter().enumerate().filter(|(_, d)| **d) {
            cells.extend(row_cells(&self.screen, y as u16, self.adapt));
        }
        self.inner.draw(cells.iter().map(|(x, y, c)| (*x, *y, c)))
    }

    fn append_lines(&mut self, n: u16) -> Result<(), Self::Error> {
        self.inner.append_lines(n)
    }

    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> Result<(), Self::Error> {
        let size = self.size()?;
        self.blank(size);
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        if clear_type == ClearType::All {
            let size = self.size()?;
            self.blank(size);
        } else {
            // Only a whole clear is used (by ratatui's resize); for any other
            // the copy is dropped, so the next frame's rows all go again.
            self.screen = Buffer::empty(Rect::default());
        }
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> Result<Size, Self::Error> {
        match self.told {
            Some(size) => Ok(size),
            None => self.inner.size(),
        }
    }

    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        match self.told {
            Some(columns_rows) => Ok(WindowSize {
                columns_rows,
                pixels: Size::default(),
            }),
            None => self.inner.window_size(),
        }
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::backend::TestBackend;

    fn screen(rows: &[&str]) -> Buffer {
        Buffer::with_lines(rows.iter().copied())
    }

    fn symbols(cells: &[(u16, u16, Cell)]) -> Vec<String> {
        cells
            .iter()
            .map(|(_, _, c)| c.symbol().to_string())
            .collect()
    }

    #[test]
    fn marks_go_with_the_cell_on_the_left() {
        // "بِسْمِ" in visual order: م ِ | س ْ | ب ِ, one cell each.
        let mut buf = screen(&["abc "]);
        buf[(0, 0)].set_symbol("\u{FEE2}\u{0650}");
        buf[(1, 0)].set_symbol("\u{FEB4}\u{0652}");
        buf[(2, 0)].set_symbol("\u{FE91}\u{0650}");
        let adapt = Adapt {
            marks_left: true,
            ..Adapt::default()
        };
        let sent = symbols(&row_cells(&buf, 0, adapt));
        assert_eq!(
            sent,
            [
                // The first cell's own mark has no cell on its left.
                "\u{FEE2}\u{0652}".to_string(),
                "\u{FEB4}\u{0650}".to_string(),
                "\u{FE91}".to_string(),
                " ".to_string(),
            ]
        );
    }

    #[test]
    fn joiners_and_wide_characters_are_left_alone() {
        let mut buf = screen(&["a  b"]);
        buf[(1, 0)].set_symbol("語");
        buf[(3, 0)].set_symbol("e\u{0301}");
        let adapt = Adapt {
            marks_left: true,
            whole_rows: true,
            ..Adapt::default()
        };
        let cells = row_cells(&buf, 0, adapt);
        // The wide character covers column 2, which is not sent.
        assert_eq!(
            cells.iter().map(|(x, _, _)| *x).collect::<Vec<_>>(),
            [0, 1, 3]
        );
        assert_eq!(symbols(&cells), ["a", "語\u{0301}", "e"].map(String::from));
        assert_eq!(split_marks("\u{202B}\u{FE8D}"), ("\u{202B}\u{FE8D}", ""));
        assert_eq!(split_marks("x\u{200D}"), ("x\u{200D}", ""));
    }

    #[test]
    fn a_changed_cell_sends_its_whole_row() {
        let mut output = Output::new(
            TestBackend::new(6, 3),
            Adapt {
                whole_rows: true,
                ..Adapt::default()
            },
        );
        let first = screen(&["abcdef", "ghijkl", "mnopqr"]);
        let blank = Buffer::empty(first.area);
        output
            .draw(blank.diff(&first).into_iter())
            .expect("first frame");
        // Forget what reached the terminal, to see what the next frame sends.
        output.inner.clear().expect("clear the test backend");
        let mut next = first.clone();
        next[(3, 1)].set_symbol("X");
        let diff = first.diff(&next);
        assert_eq!(diff.len(), 1);
        output.draw(diff.into_iter()).expect("second frame");
        let seen = output.inner.buffer().clone();
        // The changed row went whole; the other rows did not go at all.
        let row = |y: u16| {
            (0..6)
                .map(|x| seen[(x, y)].symbol().to_string())
                .collect::<String>()
        };
        assert_eq!(row(1), "ghiXkl");
        assert_eq!(row(0), "      ");
        assert_eq!(row(2), "      ");
    }

    #[test]
    fn reordered_rows_go_in_the_order_the_terminal_turns_back() {
        // "ﺍ(ﺏ)ﺝ" as shown: at an odd level in the terminal, so it is sent
        // reversed, its brackets mirrored for the terminal to mirror back.
        let buf = screen(&["ab ﺍ(ﺏ)ﺝ cd"]);
        let adapt = Adapt {
            reordered_rows: true,
            ..Adapt::default()
        };
        let cells = row_cells(&buf, 0, adapt);
        assert_eq!(symbols(&cells).concat(), "ab ﺝ(ﺏ)ﺍ cd");
        assert_eq!(
            cells.iter().map(|(x, _, _)| *x).collect::<Vec<_>>(),
            (0..11).collect::<Vec<u16>>()
        );
    }

    #[test]
    fn plain_output_passes_cells_through() {
        let mut output = Output::new(TestBackend::new(3, 1), Adapt::default());
        let next = screen(&["a\u{0650}bc"]);
        let blank = Buffer::empty(next.area);
        output.draw(blank.diff(&next).into_iter()).expect("frame");
        assert_eq!(output.inner.buffer()[(0, 0)].symbol(), "a\u{0650}");
    }
}
