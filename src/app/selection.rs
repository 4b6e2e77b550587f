//! Selecting text in the reading pane and copying it out.
//!
//! A selection is two places in the open document's text (the clusters at
//! its two ends, as byte ranges of the text), never a rectangle of cells:
//! the cells between two places may be painted in any order, and what is
//! copied is the document's own text between them, in reading order, as
//! it is in the file. Keys move the end that moves by lines (keeping its
//! screen column), cells, words, lines' and paragraphs' ends and pages; a
//! mouse drag selects from the cell pressed to the cell released.
//!
//! Copying leaves the text in [`App::copy`]; the event loop sends it
//! (to the terminal's clipboard or a command) and reports back with
//! [`App::copied`].

use std::ops::Range;

use super::*;
use crate::text::select::{count, first_word, next_word, previous_word, span, word_end};

/// A word motion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Word {
    /// The next word's start (`w`).
    Next,
    /// The end of this word or the next (`e`).
    End,
    /// The previous word's start (`b`).
    Previous,
}

/// A selection in the open document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// The cluster where it started (bytes of the text).
    pub anchor: Range<usize>,
    /// The cluster at the end that moves.
    pub cursor: Range<usize>,
    /// The screen column (in the text pane) line motions keep, once one
    /// has been made.
    column: Option<usize>,
}

impl Selection {
    /// The selected bytes of the text: from one end's cluster to the
    /// other's, both included.
    pub fn range(&self) -> Range<usize> {
        span(self.anchor.clone(), self.cursor.clone())
    }
}

/// What was copied, or why not, as the event loop reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Copied {
    /// The text went out whole; with a word on what may still stop it
    /// (a multiplexer setting).
    Whole {
        /// A note after the figures, if any.
        hint: Option<String>,
    },
    /// Only the first `bytes` went out: the terminal takes no more at once.
    Cut {
        /// How many bytes of the text were sent.
        bytes: usize,
        /// A note after the figures, if any.
        hint: Option<String>,
    },
    /// Nothing went out.
    Failed(String),
}

/// Words for a count: "1 line", "3 lines".
fn counted(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

impl App {
    /// The selection being made, if any.
    pub fn selection(&self) -> Option<&Selection> {
        self.selection.as_ref()
    }

    /// The cluster (bytes of the text) at the start of the first line the
    /// reading pane shows.
    fn top_cluster(&self) -> Option<Range<usize>> {
        self.rows.iter().find_map(|row| match row {
            Row::Line {
                start, shape, row, ..
            } => {
                let from = shape.row_source(*row)?.start;
                let cluster = shape.cluster_at(from)?;
                Some(start + cluster.start..start + cluster.end)
            }
            Row::Gap => None,
        })
    }

    /// `v`: a selection of one cluster at the start of the top line.
    pub(super) fn start_selection(&mut self) {
        let Some(at) = self.top_cluster() else {
            self.notice = Some("nothing to select here".into());
            return;
        };
        self.selection = Some(Selection {
            anchor: at.clone(),
            cursor: at,
            column: None,
        });
        self.mode = Mode::Select;
    }

    /// Keys while selecting.
    pub(super) fn update_select(&mut self, action: Action) {
        let height = self.text_height();
        match action {
            Action::Copy => {
                if let Some(range) = self.selection.as_ref().map(Selection::range) {
                    self.copy_range(range);
                }
                self.end_selection();
            }
            Action::CopyParagraphs => {
                let range = self.selection.as_ref().map(Selection::range);
                let reader = self.reader.as_ref();
                if let (Some(range), Some(reader)) = (range, reader) {
                    let first = reader.paragraph_at(range.start);
                    let last = reader.paragraph_at(range.end.saturating_sub(1).max(range.start));
                    if let (Some(first), Some(last)) = (first, last) {
                        self.copy_range(first.start..last.end);
                    }
                }
                self.end_selection();
            }
            Action::CancelInput => {
                self.end_selection();
            }
            Action::SwapEnds => {
                if let Some(s) = self.selection.as_mut() {
                    std::mem::swap(&mut s.anchor, &mut s.cursor);
                    s.column = None;
                }
            }
            Action::StartHere => {
                if let Some(s) = self.selection.as_mut() {
                    s.anchor = s.cursor.clone();
                }
            }
            Action::ScrollDown => self.move_lines(1),
            Action::ScrollUp => self.move_lines(-1),
            Action::PageDown => self.move_lines((height as isize - 1).max(1)),
            Action::PageUp => self.move_lines(-(height as isize - 1).max(1)),
            Action::HalfPageDown => self.move_lines((height as isize / 2).max(1)),
            Action::HalfPageUp => self.move_lines(-(height as isize / 2).max(1)),
            Action::CursorLeft => self.move_beside(false),
            Action::CursorRight => self.move_beside(true),
            Action::WordForward => self.move_word(Word::Next),
            Action::WordBackward => self.move_word(Word::Previous),
            Action::WordEnd => self.move_word(Word::End),
            Action::LineStart => self.move_in_line(false),
            Action::LineEnd => self.move_in_line(true),
            Action::ParagraphForward => self.move_paragraph(true),
            Action::ParagraphBackward => self.move_paragraph(false),
            Action::Top => {
                let first = self.reader.as_ref().and_then(|r| r.text.units().first());
                if let Some(unit) = first {
                    self.place_cursor(unit.start);
                }
            }
            Action::Bottom => {
                let last = self.reader.as_ref().and_then(|r| r.text.units().last());
                if let Some(unit) = last {
                    self.place_cursor(unit.end.saturating_sub(1).max(unit.start));
                }
            }
            _ => {}
        }
    }

    /// Leaves the selection (copied or not).
    fn end_selection(&mut self) {
        self.selection = None;
        self.mode = Mode::Browse;
    }

    /// Where the moving end is in the text.
    fn cursor_place(&self) -> Option<usize> {
        self.selection.as_ref().map(|s| s.cursor.start)
    }

    /// Puts the moving end on the cluster holding byte `at` of the text
    /// and scrolls it into view; the column kept for line motions is
    /// dropped.
    fn place_cursor(&mut self, at: usize) {
        self.set_cursor(at, None);
    }

    fn set_cursor(&mut self, at: usize, column: Option<usize>) {
        let height = self.text_height();
        let Some(reader) = self.reader.as_mut() else {
            return;
        };
        let Some(found) = reader.locate(at) else {
            return;
        };
        let offset = at.saturating_sub(found.unit.start);
        let Some(cluster) = found.shape.cluster_at(offset) else {
            return;
        };
        let cluster = found.unit.start + cluster.start..found.unit.start + cluster.end;
        reader.show(cluster.start, height);
        if let Some(s) = self.selection.as_mut() {
            s.cursor = cluster;
            s.column = column;
        }
    }

    /// Moves the moving end `delta` lines down (up when negative), to the
    /// cell in the same screen column, or the nearest on a shorter line.
    fn move_lines(&mut self, delta: isize) {
        let Some(at) = self.cursor_place() else {
            return;
        };
        let kept = self.selection.as_ref().and_then(|s| s.column);
        let Some(reader) = self.reader.as_mut() else {
            return;
        };
        let Some(mut found) = reader.locate(at) else {
            return;
        };
        let column = kept.or_else(|| found.shape.column_of(found.line, at - found.unit.start));
        let Some(column) = column else {
            return;
        };
        for _ in 0..delta.unsigned_abs() {
            match reader.step_line(&found, delta > 0) {
                Some(next) => found = next,
                None => break,
            }
        }
        let target = found
            .shape
            .source_at(found.line, column)
            .map(|r| found.unit.start + r.start)
            // An empty line: its place in the text.
            .unwrap_or(found.unit.start);
        self.set_cursor(target, Some(column));
    }

    /// Moves the moving end to the cell beside it on screen.
    fn move_beside(&mut self, right: bool) {
        let Some(at) = self.cursor_place() else {
            return;
        };
        let Some(found) = self.reader.as_mut().and_then(|r| r.locate(at)) else {
            return;
        };
        let next = found.shape.beside(found.line, at - found.unit.start, right);
        if let Some(next) = next {
            self.place_cursor(found.unit.start + next.start);
        }
    }

    /// Moves the moving end to the next word's start, a word's end or the
    /// previous word's start, in reading order, into the next (or
    /// previous) paragraph when none is left in its own.
    fn move_word(&mut self, word: Word) {
        let forward = word != Word::Previous;
        let Some(at) = self.cursor_place() else {
            return;
        };
        let Some(reader) = self.reader.as_ref() else {
            return;
        };
        let units = reader.text.units();
        let Some(mut unit) = units.at(at).or_else(|| units.last()) else {
            return;
        };
        let mut offset = Some(at.saturating_sub(unit.start));
        // A paragraph of no words is passed over, however many there are.
        let target = loop {
            let text = reader.text.unit_text(&unit);
            let found = match (word, offset) {
                (Word::Next, Some(at)) => next_word(&text, at),
                (Word::Next, None) => first_word(&text).map(|w| w.start),
                (Word::End, Some(at)) => word_end(&text, at),
                (Word::End, None) => first_word(&text).map(|w| w.end),
                (Word::Previous, Some(at)) => previous_word(&text, at),
                (Word::Previous, None) => previous_word(&text, text.len()),
            };
            if let Some(i) = found {
                break Some(unit.start + i);
            }
            let step = if forward {
                units.next(&unit)
            } else {
                units.previous(&unit)
            };
            match step {
                Some(next) => {
                    unit = next;
                    offset = None;
                }
                None => break None,
            }
        };
        if let Some(target) = target {
            self.place_cursor(target);
        }
    }

    /// Moves the moving end to the start or end of its line, in reading
    /// order.
    fn move_in_line(&mut self, end: bool) {
        let Some(at) = self.cursor_place() else {
            return;
        };
        let Some(found) = self.reader.as_mut().and_then(|r| r.locate(at)) else {
            return;
        };
        let Some(source) = found.shape.row_source(found.line) else {
            return;
        };
        let target = if end {
            source.end.saturating_sub(1).max(source.start)
        } else {
            source.start
        };
        self.place_cursor(found.unit.start + target);
    }

    /// Moves the moving end to the end of its paragraph, or of the next
    /// one when it is there already (to the start, or the one before's,
    /// going back).
    fn move_paragraph(&mut self, forward: bool) {
        let Some(at) = self.cursor_place() else {
            return;
        };
        let cursor_end = self.selection.as_ref().map_or(at, |s| s.cursor.end);
        let Some(reader) = self.reader.as_ref() else {
            return;
        };
        let Some(here) = reader.paragraph_at(at) else {
            return;
        };
        let units = reader.text.units();
        let target = if forward {
            let paragraph = if cursor_end >= here.end {
                units
                    .at(here.end)
                    .filter(|u| u.start >= here.end)
                    .and_then(|u| reader.paragraph_at(u.start))
            } else {
                Some(here)
            };
            paragraph.map(|p| p.end.saturating_sub(1).max(p.start))
        } else if at <= here.start {
            units
                .at(here.start)
                .and_then(|u| units.previous(&u))
                .and_then(|u| reader.paragraph_at(u.start))
                .map(|p| p.start)
        } else {
            Some(here.start)
        };
        if let Some(target) = target {
            self.place_cursor(target);
        }
    }

    /// The cluster (bytes of the text) shown at a screen cell of the
    /// reading pane's text, or the nearest: padding takes the line's
    /// nearest cell, a blank row the end of the line above it.
    fn cluster_under(&self, column: u16, row: u16) -> Option<Range<usize>> {
        let text = self.panes.text?;
        let index = usize::from(row.checked_sub(text.y)?);
        let width = usize::from(text.width);
        let x = usize::from(column.saturating_sub(text.x)).min(width.saturating_sub(1));
        let rows = &self.rows[..=index.min(self.rows.len().checked_sub(1)?)];
        rows.iter()
            .rev()
            .enumerate()
            .find_map(|(above, row)| match row {
                Row::Line {
                    start, shape, row, ..
                } => {
                    let cluster = if above == 0 {
                        shape.source_at(*row, x)?
                    } else {
                        shape.cluster_at(shape.row_source(*row)?.end.saturating_sub(1))?
                    };
                    Some(start + cluster.start..start + cluster.end)
                }
                Row::Gap => None,
            })
    }

    /// A press of the mouse's button: on the reading pane's text, where a
    /// drag would start selecting. A selection being made ends.
    pub(super) fn press_at(&mut self, column: u16, row: u16) {
        if self.mode == Mode::Select {
            self.end_selection();
        }
        let at = ratatui::layout::Position::new(column, row);
        let on_text = self.panes.text.is_some_and(|t| t.contains(at));
        self.press = if on_text && self.mode == Mode::Browse {
            self.cluster_under(column, row)
        } else {
            None
        };
    }

    /// The mouse moved with its button down: from where it was pressed to
    /// here is selected. Past the top or bottom of the pane, the text
    /// scrolls a line.
    pub fn drag(&mut self, column: u16, row: u16) {
        let (Some(anchor), Some(text)) = (self.press.clone(), self.panes.text) else {
            return;
        };
        let bottom = text.y + text.height.saturating_sub(1);
        let row = if row < text.y {
            self.scroll(-1);
            self.sync();
            text.y
        } else if row > bottom {
            self.scroll(1);
            self.sync();
            bottom
        } else {
            row
        };
        let Some(cursor) = self.cluster_under(column, row) else {
            return;
        };
        self.selection = Some(Selection {
            anchor,
            cursor,
            column: None,
        });
        self.mode = Mode::Select;
        self.focus = Focus::Reader;
        self.sync();
    }

    /// The mouse's button went up: a drag's selection stays, for `y`.
    pub fn release(&mut self, column: u16, row: u16) {
        if self.press.is_none() {
            return;
        }
        if self.mode == Mode::Select {
            self.drag(column, row);
            if let Some(range) = self.selection.as_ref().map(Selection::range) {
                let characters = self.reader.as_ref().map_or(0, |r| {
                    String::from_utf8_lossy(&r.text.bytes()[range])
                        .chars()
                        .count()
                });
                self.notice = Some(format!(
                    "{} selected: y copies them, Esc lets go",
                    counted(characters, "character", "characters")
                ));
            }
        }
        self.press = None;
    }

    /// `yy`: the paragraph at the top of the reading pane.
    pub(super) fn copy_top_paragraph(&mut self) {
        let top = self.top_cluster();
        let paragraph = top.and_then(|at| self.reader.as_ref()?.paragraph_at(at.start));
        match paragraph {
            Some(range) => self.copy_range(range),
            None => self.notice = Some("nothing to copy here".into()),
        }
    }

    /// `Y`: the whole text.
    pub(super) fn copy_document(&mut self) {
        match self.reader.as_ref().map(|r| r.text.len()) {
            Some(len) if len > 0 => self.copy_range(0..len),
            _ => self.notice = Some("nothing to copy: the document is empty".into()),
        }
    }

    /// Leaves bytes `range` of the open text for the event loop to copy:
    /// the document's own text, as in the file (decoded to UTF-8).
    fn copy_range(&mut self, range: Range<usize>) {
        let Some(reader) = self.reader.as_ref() else {
            return;
        };
        let bytes = reader.text.bytes();
        let range = range.start.min(bytes.len())..range.end.min(bytes.len());
        let read = String::from_utf8_lossy(&bytes[range]);
        let (text, dropped) = crate::text::sanitize::for_clipboard(&read);
        if text.is_empty() {
            self.notice = Some("nothing to copy here".into());
            return;
        }
        self.copy = Some(text.into_owned());
        self.copy_dropped = dropped;
    }

    /// Takes the text waiting to be copied, if any (the event loop sends
    /// it, then calls [`App::copied`]).
    pub fn take_copy(&mut self) -> Option<String> {
        self.copy.take()
    }

    /// Says in the status bar what the copy of `text` came to.
    pub fn copied(&mut self, text: &str, outcome: &Copied) {
        let figures = |text: &str| {
            let (lines, characters) = count(text);
            format!(
                "{}, {}",
                counted(lines, "line", "lines"),
                counted(characters, "character", "characters")
            )
        };
        let with = |message: String, hint: &Option<String>| match hint {
            Some(hint) => format!("{message} — {hint}"),
            None => message,
        };
        self.notice = Some(match outcome {
            Copied::Whole { hint } => with(format!("copied {}", figures(text)), hint),
            Copied::Cut { bytes, hint } => {
                let mut end = (*bytes).min(text.len());
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                let (lines, characters) = count(&text[..end]);
                let (all_lines, all_characters) = count(text);
                with(
                    format!(
                        "copied only {lines} of {}, {characters} of {all_characters} characters: {} KB is the terminal limit (copy_command has none)",
                        counted(all_lines, "line", "lines"),
                        bytes.div_ceil(1000)
                    ),
                    hint,
                )
            }
            Copied::Failed(why) => format!("not copied: {why}"),
        });
        let dropped = std::mem::take(&mut self.copy_dropped);
        if dropped > 0
            && !matches!(outcome, Copied::Failed(_))
            && let Some(notice) = self.notice.as_mut()
        {
            notice.push_str(&format!(
                " ({} left out)",
                counted(dropped, "control character", "control characters")
            ));
        }
    }
}
