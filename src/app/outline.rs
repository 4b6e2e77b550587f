//! A structured document's outline: its headings in an overlay over the
//! reading pane (`o`), the current section marked, Enter going there; `}`
//! and `{` go to the next and the previous heading; the status bar names
//! the section being read.

use super::*;

/// One heading of the outline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// Where it starts in the document's content.
    pub start: usize,
    /// Its level, 1–6.
    pub level: u8,
    /// Its text.
    pub text: String,
}

/// The outline being shown.
#[derive(Debug, Default)]
pub struct Outline {
    /// The open document's headings.
    pub headings: Vec<Heading>,
    /// The selected one.
    pub selected: usize,
    /// The first one shown.
    pub offset: usize,
    /// The heading of the section being read, when the outline opened.
    pub current: Option<usize>,
    /// The visible rows, laid out: the heading, its indent in cells.
    pub rows: Vec<(Rc<Layout>, usize)>,
}

/// Cells a level of headings is indented by in the outline.
const STEP: usize = 2;

impl App {
    /// The open document's headings (none for plain text).
    pub fn headings(&self) -> Vec<Heading> {
        let Some(reader) = self.reader.as_ref() else {
            return Vec::new();
        };
        let Some(content) = reader.text.structure() else {
            return Vec::new();
        };
        // A book's own table of contents, where it has one.
        if !content.doc.toc.is_empty() {
            return content
                .doc
                .toc
                .iter()
                .filter_map(|entry| {
                    Some(Heading {
                        start: *content.block_starts.get(entry.block)?,
                        level: entry.level,
                        text: entry.title.clone(),
                    })
                })
                .collect();
        }
        // Each heading's bytes alone: the whole text is never copied or
        // checked for this.
        let bytes = reader.text.bytes();
        content
            .lines
            .iter()
            .filter_map(|line| match content.block(line).kind {
                crate::doc::Kind::Heading(level) if line.role == crate::doc::Role::Text => {
                    Some(Heading {
                        start: line.start,
                        level,
                        text: String::from_utf8_lossy(
                            bytes.get(line.start..line.start + line.len)?,
                        )
                        .into_owned(),
                    })
                }
                _ => None,
            })
            .collect()
    }

    /// The heading of the section the top of the pane is in, as an index
    /// into `headings`.
    fn section_of(&self, headings: &[Heading]) -> Option<usize> {
        let at = self.anchor()?;
        let top = at.start + at.offset;
        headings.iter().rposition(|h| h.start <= top)
    }

    /// The heading of the section being read: the last one at or before
    /// the top of the pane (found walking back from there).
    pub fn section(&self) -> Option<String> {
        let reader = self.reader.as_ref()?;
        let content = reader.text.structure()?;
        let top = reader.anchor.start + reader.anchor.offset;
        if !content.doc.toc.is_empty() {
            return content
                .doc
                .toc
                .iter()
                .rfind(|e| content.block_starts.get(e.block).is_some_and(|&s| s <= top))
                .map(|e| e.title.clone());
        }
        // The last heading at or before the top, found by halving.
        let before = content
            .heading_lines
            .partition_point(|&i| content.lines[i].start <= top);
        let line = &content.lines[*content.heading_lines.get(before.checked_sub(1)?)?];
        let bytes = reader.text.bytes();
        let text = bytes.get(line.start..line.start + line.len)?;
        Some(String::from_utf8_lossy(text).into_owned())
    }

    /// The page of the printed edition at the top of the pane (an OpenITI
    /// text's), as the status bar says it.
    pub fn page(&self) -> Option<String> {
        let reader = self.reader.as_ref()?;
        let content = reader.text.structure()?;
        let top = reader.anchor.start + reader.anchor.offset;
        content.page_at(top).map(crate::doc::Page::label)
    }

    /// Goes to page `number` of volume `volume` (or of the first volume
    /// that has it); says so when the document has no such page.
    pub(super) fn go_to_page(&mut self, volume: Option<&str>, number: u32) {
        let start = self
            .reader
            .as_ref()
            .and_then(|r| r.text.structure())
            .map(|c| (c.pages.is_empty(), c.page_start(volume, number)));
        match start {
            Some((_, Some(start))) => {
                self.jump(|app| {
                    if let Some(reader) = app.reader.as_mut() {
                        let unit = reader.text.units().at(start);
                        if let Some(unit) = unit {
                            reader.go_to(unit.start, start - unit.start.min(start));
                        }
                    }
                });
            }
            Some((false, None)) => self.notice = Some(format!("no page {number} in this edition")),
            _ => self.notice = Some("this document has no page numbers".into()),
        }
    }

    /// `:[n]`: follows the link numbered `[n]`: to its place in the
    /// document (a jump), or, for an address, says it.
    pub(super) fn follow_reference(&mut self, n: usize) {
        let Some(content) = self.reader.as_ref().and_then(|r| r.text.structure()) else {
            self.notice = Some("this document has no numbered links".into());
            return;
        };
        let Some(target) = content.references.get(n - 1).cloned() else {
            self.notice = Some(format!(
                "no link [{n}]: the document has {}",
                content.references.len()
            ));
            return;
        };
        if let Some(start) = content.anchor(&target) {
            self.go_to_heading(start);
            return;
        }
        let shown = crate::text::sanitize::quote(&target, 200);
        self.notice = Some(if target.starts_with('#') {
            format!("[{n}] points to {shown}, which is not in this document")
        } else {
            format!("[{n}] {shown}")
        });
    }

    /// `o`: shows the outline, the current section selected.
    pub(super) fn open_outline(&mut self) {
        let headings = self.headings();
        if headings.is_empty() {
            self.notice = Some("no headings to list: this document has no outline".into());
            return;
        }
        let current = self.section_of(&headings);
        self.outline = Outline {
            selected: current.unwrap_or(0),
            current,
            headings,
            offset: 0,
            rows: Vec::new(),
        };
        self.mode = Mode::Outline;
    }

    /// The outline's keys: ↓ ↑ pick, Enter goes to the heading (a jump),
    /// Esc closes it.
    pub(super) fn update_outline(&mut self, action: Action) {
        let outline = &mut self.outline;
        let count = outline.headings.len();
        match action {
            Action::SelectNext => step_selection(&mut outline.selected, count, true),
            Action::SelectPrevious => step_selection(&mut outline.selected, count, false),
            Action::SelectFirst => outline.selected = 0,
            Action::SelectLast => outline.selected = count.saturating_sub(1),
            Action::AcceptInput => {
                self.mode = Mode::Browse;
                if let Some(start) = self
                    .outline
                    .headings
                    .get(self.outline.selected)
                    .map(|h| h.start)
                {
                    self.go_to_heading(start);
                }
            }
            Action::CancelInput | Action::OpenOutline => self.mode = Mode::Browse,
            _ => {}
        }
    }

    /// `}` and `{`: the next or the previous heading.
    pub(super) fn step_heading(&mut self, forward: bool) {
        let headings = self.headings();
        let Some(at) = self.anchor() else {
            return;
        };
        let top = at.start + at.offset;
        let target = if forward {
            headings.iter().find(|h| h.start > top)
        } else {
            headings.iter().rev().find(|h| h.start < top)
        };
        match target {
            Some(h) => {
                let start = h.start;
                self.go_to_heading(start);
            }
            None if headings.is_empty() => {
                self.notice = Some("no headings in this document".into());
            }
            None => {
                self.notice = Some(
                    if forward {
                        "no heading after this one"
                    } else {
                        "no heading before this one"
                    }
                    .into(),
                );
            }
        }
    }

    /// Puts the heading starting at `start` at the top of the pane (a jump).
    fn go_to_heading(&mut self, start: usize) {
        self.jump(|app| {
            if let Some(reader) = app.reader.as_mut() {
                reader.go_to(start, 0);
            }
        });
    }

    /// Lays out the outline's visible rows for the reading pane's area.
    pub(super) fn sync_outline(&mut self) {
        self.outline.rows.clear();
        if self.mode != Mode::Outline {
            return;
        }
        let Some(area) = self.panes.reader else {
            return;
        };
        let inner_width = usize::from(area.width.saturating_sub(4)).max(1);
        let visible = usize::from(area.height.saturating_sub(2)).max(1);
        let outline = &mut self.outline;
        outline.offset = scrolled_to(outline.selected, outline.offset, visible);
        let fallback = self
            .reader
            .as_ref()
            .map_or(Direction::Ltr, |r| self.library.documents[r.doc].direction);
        let end = (outline.offset + visible).min(outline.headings.len());
        for heading in &outline.headings[outline.offset..end] {
            let indent = usize::from(heading.level.saturating_sub(1)) * STEP;
            let options = LayoutOptions {
                width: inner_width.saturating_sub(indent).max(1),
                wrap: false,
                fallback,
                ..self.options
            };
            outline
                .rows
                .push((Rc::new(Layout::new(&heading.text, &options)), indent));
        }
    }
}
