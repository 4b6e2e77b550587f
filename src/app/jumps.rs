//! Going back after a jump, as in less and vim: `''` (or two backticks)
//! returns to the place before the last jump — a search, `g` or `G`, a
//! bookmark, a go-to (`:`), a library search result — and pressing it again
//! comes back, since going back is a jump too.
//!
//! Each document keeps the place its last jump started from, which is in
//! another document when the jump opened this one (then `''` reopens that
//! document at its place). Kept for the session only.

use super::places::{Goal, place};
use super::*;

impl App {
    /// Does `go`, a jump, and remembers where it started if the reader moved.
    pub(super) fn jump(&mut self, go: impl FnOnce(&mut App)) {
        let from = self.here();
        go(self);
        if let Some(from) = from
            && self.here() != Some(from)
        {
            self.record_jump(from);
        }
    }

    /// The open document and the reading position in it.
    fn here(&self) -> Option<(usize, Anchor)> {
        self.reader.as_ref().map(|r| (r.doc, r.anchor))
    }

    /// Remembers `from` as the place `''` goes back to from the document
    /// open now (or being read to be opened).
    pub(super) fn record_jump(&mut self, from: (usize, Anchor)) {
        if let Some(doc) = self.open_document().or(self.loading()) {
            self.jumps.insert(doc, from);
        }
    }

    /// `''`: goes back to where the last jump into this document started,
    /// and remembers this place so that `''` again returns here.
    pub(super) fn jump_back(&mut self) {
        let Some((doc, _)) = self.here() else {
            return;
        };
        let Some(&(to, at)) = self.jumps.get(&doc) else {
            self.notice = Some("no jump to go back from yet".into());
            return;
        };
        self.jump(|app| app.go_to(to, Goal::Shown(place(at))));
    }
}
