//! The texts of recently read documents, kept so that going back to one is
//! instant, and let go beyond a bound so that a library of 100,000
//! documents holds titles and paths, not texts.
//!
//! Least recently used first out, by count and by bytes; a text let go that
//! nothing else holds stops its background index (the reader keeps its own
//! handle on the text it shows, so nothing on screen is ever dropped).

use std::sync::Arc;

use crate::library::text::Text;

/// Texts kept at most.
const MOST: usize = 64;
/// Bytes of text kept at most (a mapped file costs memory only as it is read).
const MOST_BYTES: usize = 1 << 30;

/// Recently used texts, most recent last.
#[derive(Debug, Default)]
pub struct Texts {
    kept: Vec<(usize, Arc<Text>)>,
}

impl Texts {
    /// The kept text of document `doc`, now the most recently used.
    pub fn get(&mut self, doc: usize) -> Option<Arc<Text>> {
        let at = self.kept.iter().position(|(d, _)| *d == doc)?;
        let entry = self.kept.remove(at);
        let text = Arc::clone(&entry.1);
        self.kept.push(entry);
        Some(text)
    }

    /// Whether document `doc`'s text is kept (without counting as a use).
    pub fn contains(&self, doc: usize) -> bool {
        self.kept.iter().any(|(d, _)| *d == doc)
    }

    /// Keeps `text` as document `doc`'s, letting the oldest go past the bounds.
    pub fn put(&mut self, doc: usize, text: Arc<Text>) {
        self.forget(doc);
        self.kept.push((doc, text));
        let mut bytes: usize = self.kept.iter().map(|(_, t)| t.len()).sum();
        while self.kept.len() > 1 && (self.kept.len() > MOST || bytes > MOST_BYTES) {
            let (_, old) = self.kept.remove(0);
            bytes -= old.len();
            let_go(&old);
        }
    }

    /// Lets document `doc`'s text go (it was read again).
    pub fn forget(&mut self, doc: usize) {
        if let Some(at) = self.kept.iter().position(|(d, _)| *d == doc) {
            let (_, old) = self.kept.remove(at);
            let_go(&old);
        }
    }

    /// How many texts are kept.
    pub fn len(&self) -> usize {
        self.kept.len()
    }

    /// Whether none are.
    pub fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }
}

/// Stops a text's background work unless someone still reads it.
fn let_go(text: &Arc<Text>) {
    if Arc::strong_count(text) == 1 {
        text.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::UTF_8;

    fn text(s: &str) -> Arc<Text> {
        Arc::new(Text::from_string(s.to_string(), UTF_8, false))
    }

    #[test]
    fn the_least_recently_used_goes_first() {
        let mut texts = Texts::default();
        for doc in 0..MOST {
            texts.put(doc, text("نص"));
        }
        assert!(texts.get(0).is_some(), "0 is now the most recent");
        texts.put(MOST, text("آخر"));
        assert_eq!(texts.len(), MOST);
        assert!(texts.get(1).is_none(), "1 was the least recently used");
        assert!(texts.get(0).is_some());
        texts.forget(0);
        assert!(texts.get(0).is_none());
    }
}
