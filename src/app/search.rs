//! The search bar over the open document, as in less and vim: `/` opens it
//! empty (`\` searches backward), ↑ and ↓ bring back earlier queries, every
//! change searches from where the bar was opened, Enter keeps the hits at
//! the current one, and Esc goes back to where the search started.

use super::*;

/// Queries the search bar's history keeps.
const HISTORY: usize = 100;

/// The hit a search started at `from` (unit start, offset) makes current,
/// once it is known: the first at or after `from` — going `backward`, the
/// last at or before it — else, when the search is `done`, the first (the
/// last) of all, as vim wraps around. Hits are in document order.
pub(super) fn first_hit(
    hits: &[DocHit],
    from: (usize, usize),
    backward: bool,
    done: bool,
) -> Option<usize> {
    let wrapped = (done && !hits.is_empty()).then(|| if backward { hits.len() - 1 } else { 0 });
    if backward {
        let upto = hits.partition_point(|h| (h.start, h.range.start) <= from);
        // The last one before `from` is known once one after it has come.
        if upto > 0 && (upto < hits.len() || done) {
            return Some(upto - 1);
        }
        return wrapped;
    }
    let after = hits.partition_point(|h| (h.start, h.range.start) < from);
    if after < hits.len() {
        return Some(after);
    }
    wrapped
}

impl App {
    /// Opens the search bar, empty, over the open document; `backward`
    /// searches toward its start (`\`). The search in force stays until the
    /// bar's text changes.
    pub(super) fn open_search(&mut self, backward: bool) {
        let Some(anchor) = self.anchor() else {
            return;
        };
        self.mode = Mode::Search;
        let search = &mut self.search;
        let query = std::mem::take(&mut search.query);
        search.kept = (!query.is_empty()).then_some((query, search.backward));
        search.backward = backward;
        search.origin = Some(anchor);
        search.browsing = None;
    }

    /// The search bar's keys.
    pub(super) fn update_search(&mut self, action: Action) {
        match action {
            Action::EarlierSearch => self.browse_history(true),
            Action::LaterSearch => self.browse_history(false),
            Action::AcceptInput => self.accept_search(),
            Action::CancelInput => self.cancel_search(),
            _ => self.update_text(action),
        }
    }

    /// The bar's text was typed or deleted: it is searched for anew.
    pub(super) fn search_typed(&mut self) {
        self.search.browsing = None;
        self.search_from_origin();
    }

    /// Searches for the bar's text from where the bar was opened, dropping
    /// the search in force before; with nothing to look for, the reader goes
    /// back there.
    fn search_from_origin(&mut self) {
        self.search.kept = None;
        let origin = self.search.origin.or(self.anchor()).unwrap_or_default();
        self.run_search((origin.start, origin.offset), true);
        if self.search.done {
            self.return_to_origin();
        }
    }

    /// Puts the reader back where the open search bar was opened.
    pub(super) fn return_to_origin(&mut self) {
        if let (Some(origin), Some(reader)) = (self.search.origin, self.reader.as_mut()) {
            reader.anchor = origin;
        }
    }

    /// ↑ (`earlier`) or ↓ in the search bar: the query before or after the
    /// one shown in the history, among those starting with what was typed;
    /// ↓ past the newest gives back what was typed. Each is searched for as
    /// it shows.
    fn browse_history(&mut self, earlier: bool) {
        let search = &mut self.search;
        let (at, typed) = match search.browsing.take() {
            Some(browsing) => browsing,
            None if earlier => (search.history.len(), search.query.clone()),
            None => return,
        };
        let fits = |query: &String| query.starts_with(typed.as_str());
        let found = if earlier {
            search.history[..at].iter().rposition(fits)
        } else {
            let later = search.history.get(at + 1..).unwrap_or_default();
            later.iter().position(fits).map(|i| at + 1 + i)
        };
        let query = match found {
            Some(i) => {
                let query = search.history[i].clone();
                search.browsing = Some((i, typed));
                query
            }
            // Nothing earlier: the bar stays as it is.
            None if earlier => {
                if at < search.history.len() {
                    search.browsing = Some((at, typed));
                }
                return;
            }
            None => typed,
        };
        if query != search.query {
            search.query = query;
            self.search_from_origin();
        }
    }

    /// Enter: the hits stay, and so does the reader, at the current one (a
    /// jump, which `''` undoes). On an empty bar, the search in force goes
    /// one hit on, as `n` (or the last query is searched for again).
    fn accept_search(&mut self) {
        self.mode = Mode::Browse;
        let origin = self.search.origin.take();
        self.search.browsing = None;
        if self.search.query.trim().is_empty() {
            self.search.query.clear();
            if let Some((query, _)) = self.search.kept.take() {
                self.search.query = query;
                self.jump(|app| app.step_hit(!app.search.backward));
                return;
            }
            let Some(last) = self.search.history.last().cloned() else {
                return;
            };
            self.search.query = last;
            let from = origin.unwrap_or_default();
            self.run_search((from.start, from.offset), true);
        }
        let query = self.search.query.clone();
        let history = &mut self.search.history;
        history.retain(|q| *q != query);
        history.push(query);
        if history.len() > HISTORY {
            history.remove(0);
        }
        // A first hit still on its way is a jump of its own when it comes.
        if let (Some(doc), Some(origin)) = (self.open_document(), origin)
            && self.anchor() != Some(origin)
        {
            self.record_jump((doc, origin));
        }
    }

    /// Esc: back where the search started. A bar closed untouched leaves the
    /// search in force as it was; otherwise the search is dropped.
    fn cancel_search(&mut self) {
        self.mode = Mode::Browse;
        self.return_to_origin();
        let search = &mut self.search;
        search.origin = None;
        search.browsing = None;
        if let Some((query, backward)) = search.kept.take() {
            search.query = query;
            search.backward = backward;
            return;
        }
        // An empty query stops the search and drops its hits.
        search.query.clear();
        self.run_search((0, 0), false);
    }

    /// Scrolls the current hit into view.
    pub(super) fn reveal_current(&mut self) {
        let height = self.text_height();
        let hit = self
            .search
            .current
            .and_then(|i| self.search.hits.get(i))
            .cloned();
        if let (Some(hit), Some(reader)) = (hit, self.reader.as_mut()) {
            reader.reveal(hit.start, hit.range.start, height);
        }
    }

    /// Makes the next hit (or the previous one) current, wrapping around,
    /// and scrolls it into view.
    pub(super) fn step_hit(&mut self, forward: bool) {
        let count = self.search.hits.len();
        if count == 0 {
            return;
        }
        self.search.current = Some(match (self.search.current, forward) {
            (None, _) => 0,
            (Some(i), true) => (i + 1) % count,
            (Some(i), false) => (i + count - 1) % count,
        });
        self.reveal_current();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(starts: &[usize]) -> Vec<DocHit> {
        starts
            .iter()
            .map(|&start| DocHit { start, range: 0..1 })
            .collect()
    }

    #[test]
    fn forward_takes_the_first_hit_at_or_after_the_place() {
        let h = hits(&[10, 20, 30]);
        assert_eq!(first_hit(&h, (20, 0), false, false), Some(1));
        assert_eq!(first_hit(&h, (21, 0), false, false), Some(2));
        assert_eq!(first_hit(&h, (31, 0), false, false), None, "more may come");
        assert_eq!(first_hit(&h, (31, 0), false, true), Some(0), "wraps");
        assert_eq!(first_hit(&[], (0, 0), false, true), None);
    }

    #[test]
    fn backward_takes_the_last_hit_at_or_before_the_place() {
        let h = hits(&[10, 20, 30]);
        assert_eq!(first_hit(&h, (20, 0), true, false), Some(1));
        assert_eq!(first_hit(&h, (25, 0), true, false), Some(1));
        assert_eq!(
            first_hit(&h, (35, 0), true, false),
            None,
            "a later one before the place may still come"
        );
        assert_eq!(first_hit(&h, (35, 0), true, true), Some(2));
        assert_eq!(
            first_hit(&h, (5, 0), true, false),
            None,
            "the last is not known yet"
        );
        assert_eq!(
            first_hit(&h, (5, 0), true, true),
            Some(2),
            "wraps to the last"
        );
    }
}
