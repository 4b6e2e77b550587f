//! Layout units: the pieces of a document that are laid out one at a time.
//!
//! A unit is a non-blank input line (ended by LF, CRLF or a lone CR), or a
//! piece of one: a line longer than [`CHUNK`] bytes is split so that no
//! layout, however long the line (a 50 MB file without a newline), costs
//! more than one chunk's worth. The split points depend only on the bytes
//! around absolute multiples of the chunk size, so every unit can be found
//! from any byte offset by looking at the bytes nearby: the reader walks a
//! huge document from either end, or jumps into its middle, without an
//! index of the whole file. (An index is still built, in the background, to
//! number the units; [`Units::all`] builds it.)
//!
//! The split rule: for each multiple `k × CHUNK` inside a line, the line is
//! split after the first space or tab in `[k × CHUNK, k × CHUNK + SLACK)`,
//! or, if that window holds none, at the first UTF-8 character boundary
//! from `k × CHUNK` on (which may fall inside a grapheme cluster: a line of
//! 64 KB without a space is not prose). Each piece is laid out as its own
//! paragraph, so bidi levels and brackets are resolved within a piece.
//!
//! Blank lines (only whitespace) separate units and are remembered as a gap
//! before the next unit, as the reading pane shows one blank row for them.

use std::ops::Range;

/// Bytes per chunk of an over-long line.
pub const CHUNK: usize = 64 * 1024;
/// How far past a chunk boundary a space is looked for.
pub const SLACK: usize = 4 * 1024;

/// One layout unit: a byte range of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Unit {
    /// First byte.
    pub start: usize,
    /// One past the last byte (the line ending is not part of it).
    pub end: usize,
    /// Blank lines separate it from the unit before.
    pub gap_before: bool,
    /// It goes on from the unit before (the same line, split).
    pub continues: bool,
}

impl Unit {
    /// The unit's bytes as a range.
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// A line, or the part of one around a position (see `Units::local_line`).
#[derive(Debug, Clone)]
struct Line {
    range: Range<usize>,
    /// Longer than a chunk: split.
    long: bool,
    /// `range.start` is where the line starts (not only as far as was looked).
    true_start: bool,
}

/// The units of a text, found from the bytes around any offset.
#[derive(Debug, Clone, Copy)]
pub struct Units<'a> {
    bytes: &'a [u8],
    chunk: usize,
    slack: usize,
}

fn is_ending(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

impl<'a> Units<'a> {
    /// The units of `bytes` (UTF-8, or close to it) with the standard chunk size.
    pub fn new(bytes: &'a [u8]) -> Units<'a> {
        Units::with_chunk(bytes, CHUNK, SLACK)
    }

    /// The same with another chunk size and slack (`slack < chunk`), for tests.
    pub fn with_chunk(bytes: &'a [u8], chunk: usize, slack: usize) -> Units<'a> {
        let chunk = chunk.max(2);
        Units {
            bytes,
            chunk,
            slack: slack.min(chunk - 1),
        }
    }

    /// The text's length in bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Start of the line holding byte `pos` (just after the ending before it).
    fn line_start(&self, pos: usize) -> usize {
        memchr::memrchr2(b'\n', b'\r', &self.bytes[..pos]).map_or(0, |i| i + 1)
    }

    /// End of the line starting at `start` (its ending's first byte, or the end).
    fn line_end(&self, start: usize) -> usize {
        memchr::memchr2(b'\n', b'\r', &self.bytes[start..]).map_or(self.bytes.len(), |i| start + i)
    }

    /// Start of the line after the one ending at `end` (past CRLF as one
    /// ending); `None` at the end of the text.
    fn next_line(&self, end: usize) -> Option<usize> {
        let b = self.bytes;
        if end >= b.len() {
            return None;
        }
        let after = if b[end] == b'\r' && b.get(end + 1) == Some(&b'\n') {
            end + 2
        } else {
            end + 1
        };
        (after < b.len()).then_some(after)
    }

    /// The line before the one starting at `start`, as `start..end`.
    fn previous_line(&self, start: usize) -> Option<Range<usize>> {
        if start == 0 {
            return None;
        }
        let mut end = start - 1;
        if self.bytes[end] == b'\n' && end > 0 && self.bytes[end - 1] == b'\r' {
            end -= 1;
        }
        Some(self.line_start(end)..end)
    }

    fn is_blank(&self, line: Range<usize>) -> bool {
        self.is_blank_cut(line, false)
    }

    /// Whether the bytes of `line` are all whitespace; with `cut`, the range
    /// may begin or end inside a character, whose bytes there do not count.
    fn is_blank_cut(&self, line: Range<usize>, cut: bool) -> bool {
        let bytes = &self.bytes[line];
        if bytes.iter().all(|&b| b == b' ' || b == b'\t') {
            return true;
        }
        // One character at a time, to stop at the first that is not white
        // space (an invalid byte reads as U+FFFD, which is not): a line of
        // 50 MB is not read whole to learn that it holds text.
        let mut at = 0;
        if cut {
            // The tail of a character cut at the start does not count.
            while at < bytes.len().min(3) && bytes[at] & 0xC0 == 0x80 {
                at += 1;
            }
        }
        while at < bytes.len() {
            let window = &bytes[at..bytes.len().min(at + 4)];
            let first = window
                .utf8_chunks()
                .next()
                .and_then(|c| c.valid().chars().next());
            match first {
                Some(c) if c.is_whitespace() => at += c.len_utf8(),
                Some(_) => return false,
                None => {
                    // Nor does the head of a character cut at the end.
                    let rest = &bytes[at..];
                    return cut
                        && rest.len() < 4
                        && std::str::from_utf8(rest).is_err_and(|e| e.error_len().is_none());
                }
            }
        }
        true
    }

    /// Whether a blank line comes right before the line starting at
    /// `start`, with some text before it (a document's leading blank lines
    /// make no gap).
    fn gap_before_line(&self, start: usize) -> bool {
        let Some(mut line) = self.previous_line(start) else {
            return false;
        };
        if !self.is_blank(line.clone()) {
            return false;
        }
        while let Some(previous) = self.previous_line(line.start) {
            if !self.is_blank(previous.clone()) {
                return true;
            }
            line = previous;
        }
        false
    }

    /// The line holding byte `pos` (not a line ending), as far as the unit
    /// at `pos` needs it: its ends are looked for only within two chunks of
    /// `pos`, so that walking a 50 MB line costs the chunks walked, not the
    /// line each time. Splits within a chunk of `pos` are all inside the
    /// range returned.
    fn local_line(&self, pos: usize) -> Line {
        let len = self.bytes.len();
        let k = pos / self.chunk;
        let floor = k.saturating_sub(2) * self.chunk;
        let ceil = k.saturating_add(2).saturating_mul(self.chunk).min(len);
        let (start, true_start) = match memchr::memrchr2(b'\n', b'\r', &self.bytes[floor..pos]) {
            Some(i) => (floor + i + 1, true),
            None => (floor, floor == 0),
        };
        let (end, true_end) = match memchr::memchr2(b'\n', b'\r', &self.bytes[pos..ceil]) {
            Some(i) => (pos + i, true),
            None => (ceil, ceil == len),
        };
        Line {
            range: start..end,
            long: !true_start || !true_end || end - start > self.chunk,
            true_start,
        }
    }

    /// A whole line, its ends known.
    fn whole_line(&self, range: Range<usize>) -> Line {
        Line {
            long: range.len() > self.chunk,
            range,
            true_start: true,
        }
    }

    /// The split point for multiple `k` of the chunk size inside `line`, if
    /// the line is split there (only lines longer than a chunk are).
    fn split(&self, k: usize, line: &Line) -> Option<usize> {
        let at = k.checked_mul(self.chunk)?;
        let range = &line.range;
        if !line.long || at <= range.start || at >= range.end {
            return None;
        }
        let window = at..(at + self.slack).min(range.end);
        let point = match memchr::memchr2(b' ', b'\t', &self.bytes[window.clone()]) {
            Some(i) => window.start + i + 1,
            None => (at..range.end)
                .find(|&i| self.bytes[i] & 0xC0 != 0x80)
                .unwrap_or(range.end),
        };
        (point < range.end).then_some(point)
    }

    /// The split points strictly inside `range`, in order. `range` runs
    /// from a line's start, or a split point of it, to the line's end, or a
    /// later split point of it; `long` tells whether the whole line is
    /// longer than a chunk (only such lines are split). `qari render` cuts
    /// long lines with it exactly where the reading pane does.
    pub fn splits(&self, range: Range<usize>, long: bool) -> impl Iterator<Item = usize> + '_ {
        let line = Line {
            range,
            long,
            true_start: true,
        };
        let mut k = line.range.start / self.chunk + 1;
        std::iter::from_fn(move || {
            loop {
                let at = k.checked_mul(self.chunk)?;
                if at >= line.range.end {
                    return None;
                }
                k += 1;
                if let Some(point) = self.split(k - 1, &line) {
                    return Some(point);
                }
            }
        })
    }

    /// The unit of `line` that holds byte `pos` (inside the line).
    ///
    /// Split `j` lies in `[j × chunk, (j + 1) × chunk)` (the slack is less
    /// than a chunk), so only splits `k - 1`, `k` and `k + 1` around
    /// `k = pos / chunk` can bound the unit.
    fn piece(&self, line: &Line, pos: usize) -> (usize, usize) {
        let k = pos / self.chunk;
        let here = self.split(k, line);
        let start = match here {
            Some(p) if p <= pos => p,
            _ => k
                .checked_sub(1)
                .and_then(|j| self.split(j, line))
                .unwrap_or(line.range.start),
        };
        let end = match here {
            Some(p) if p > pos => p,
            _ => self.split(k + 1, line).unwrap_or(line.range.end),
        };
        (start, end)
    }

    fn make(&self, line: &Line, start: usize, end: usize, gap: Option<bool>) -> Unit {
        let continues = start > line.range.start || !line.true_start;
        Unit {
            start,
            end,
            continues,
            gap_before: !continues && gap.unwrap_or_else(|| self.gap_before_line(line.range.start)),
        }
    }

    /// Whether `line` is blank: only whitespace. A part of a long line that
    /// looks blank is checked against the whole line (rare: a long run of
    /// spaces).
    fn blank(&self, line: &Line) -> bool {
        if !self.is_blank_cut(line.range.clone(), true) {
            return false;
        }
        let whole = line.range.end < self.bytes.len() && !is_ending(self.bytes[line.range.end]);
        if line.true_start && !whole {
            return true;
        }
        let start = self.line_start(line.range.start);
        self.is_blank(start..self.line_end(start))
    }

    /// Where the line `line` really ends.
    fn true_end(&self, line: &Line) -> usize {
        let end = line.range.end;
        if end < self.bytes.len() && !is_ending(self.bytes[end]) {
            self.line_end(end)
        } else {
            end
        }
    }

    /// The unit holding byte `pos`, or the next unit when `pos` is in a
    /// blank line or a line ending; `None` past the last unit.
    pub fn at(&self, pos: usize) -> Option<Unit> {
        if pos >= self.bytes.len() {
            return None;
        }
        let mut pos = pos;
        loop {
            if is_ending(self.bytes[pos]) {
                pos = self.next_line(pos)?;
                if is_ending(self.bytes[pos]) {
                    continue;
                }
            }
            let line = self.local_line(pos);
            if !self.blank(&line) {
                let (s, e) = self.piece(&line, pos);
                return Some(self.make(&line, s, e, None));
            }
            pos = self.next_line(self.true_end(&line))?;
        }
    }

    /// The first unit.
    pub fn first(&self) -> Option<Unit> {
        self.at(0)
    }

    /// The last unit.
    pub fn last(&self) -> Option<Unit> {
        let mut end = self.bytes.len();
        loop {
            let start = self.line_start(end);
            let line = self.whole_line(start..self.line_end(start));
            if !self.is_blank(line.range.clone()) {
                let (s, e) = self.piece(&line, line.range.end - 1);
                return Some(self.make(&line, s, e, None));
            }
            if start == 0 {
                return None;
            }
            end = self.previous_line(start)?.end;
        }
    }

    /// The unit after `unit`.
    pub fn next(&self, unit: &Unit) -> Option<Unit> {
        let b = self.bytes;
        if unit.end < b.len() && !is_ending(b[unit.end]) {
            // A split line goes on.
            let line = self.local_line(unit.end);
            let (s, e) = self.piece(&line, unit.end);
            return Some(self.make(&line, s, e, Some(false)));
        }
        let mut start = self.next_line(unit.end)?;
        let mut gap = false;
        loop {
            if !is_ending(b[start]) {
                let line = self.local_line(start);
                if !self.blank(&line) {
                    let (s, e) = self.piece(&line, start);
                    return Some(self.make(&line, s, e, Some(gap)));
                }
                start = self.true_end(&line);
            }
            gap = true;
            start = self.next_line(start)?;
        }
    }

    /// The unit before `unit`.
    pub fn previous(&self, unit: &Unit) -> Option<Unit> {
        if unit.continues {
            let line = self.local_line(unit.start - 1);
            let (s, e) = self.piece(&line, unit.start - 1);
            return Some(self.make(&line, s, e, None));
        }
        let mut line = self.previous_line(unit.start)?;
        loop {
            if !self.is_blank(line.clone()) {
                let line = self.whole_line(line);
                let (s, e) = self.piece(&line, line.range.end - 1);
                return Some(self.make(&line, s, e, None));
            }
            line = self.previous_line(line.start)?;
        }
    }

    /// Every unit's start, front to back, in one pass (the paragraph index);
    /// `stop` is asked now and then and ends the pass early when true.
    pub fn all(&self, stop: impl Fn() -> bool) -> Option<Vec<usize>> {
        let b = self.bytes;
        let mut starts = Vec::new();
        let mut start = 0usize;
        let mut lines = 0usize;
        while start < b.len() {
            lines += 1;
            if lines.is_multiple_of(4096) && stop() {
                return None;
            }
            let end = self.line_end(start);
            let line = self.whole_line(start..end);
            if !self.is_blank(line.range.clone()) {
                starts.push(start);
                if line.long {
                    let mut k = start / self.chunk + 1;
                    while k * self.chunk < end {
                        if let Some(p) = self.split(k, &line) {
                            starts.push(p);
                        }
                        k += 1;
                    }
                }
            }
            match self.next_line(end) {
                Some(next) => start = next,
                None => break,
            }
        }
        Some(starts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(units: &Units<'_>) -> Vec<Unit> {
        let mut out = Vec::new();
        let mut unit = units.first();
        while let Some(u) = unit {
            out.push(u);
            unit = units.next(&u);
        }
        out
    }

    fn texts<'a>(bytes: &'a str, units: &[Unit]) -> Vec<&'a str> {
        units.iter().map(|u| &bytes[u.range()]).collect()
    }

    #[test]
    fn lines_are_units_and_blank_lines_are_gaps() {
        let text = "\n \nأول\r\nثان\n\n\t\r\rثالث\rرابع\n";
        let units = Units::new(text.as_bytes());
        let all = walk(&units);
        assert_eq!(texts(text, &all), ["أول", "ثان", "ثالث", "رابع"]);
        let gaps: Vec<bool> = all.iter().map(|u| u.gap_before).collect();
        assert_eq!(gaps, [false, false, true, false]);
        assert!(all.iter().all(|u| !u.continues));
        assert_eq!(units.last(), all.last().copied());
        // Backwards gives the same units.
        let mut back = Vec::new();
        let mut unit = units.last();
        while let Some(u) = unit {
            back.push(u);
            unit = units.previous(&u);
        }
        back.reverse();
        assert_eq!(back, all);
        let starts: Vec<usize> = all.iter().map(|u| u.start).collect();
        assert_eq!(units.all(|| false), Some(starts));
    }

    #[test]
    fn splits_are_where_the_units_of_a_long_line_end() {
        let mut text = String::from("قبل\n");
        while text.len() < 1_000 {
            text.push_str("كلمة طويلة،١٢ ");
        }
        text.push_str(&"ـ".repeat(300));
        text.push_str("\nبعد");
        let units = Units::with_chunk(text.as_bytes(), 64, 8);
        let all: Vec<Unit> = std::iter::successors(units.first(), |u| units.next(u)).collect();
        let line = all[1].start..all[all.len() - 2].end;
        let expected: Vec<usize> = all[1..all.len() - 2].iter().map(|u| u.end).collect();
        assert!(expected.len() > 10);
        let found: Vec<usize> = units.splits(line.clone(), true).collect();
        assert_eq!(found, expected);
        // From any split point on, and up to any later one, the same points.
        for (i, &from) in expected.iter().enumerate() {
            let to = expected[(i + 3).min(expected.len() - 1)];
            let part: Vec<usize> = units.splits(from..to, true).collect();
            let want: Vec<usize> = expected
                .iter()
                .copied()
                .filter(|&p| p > from && p < to)
                .collect();
            assert_eq!(part, want);
        }
        assert_eq!(
            units.splits(line, false).count(),
            0,
            "a short line is not split"
        );
    }

    #[test]
    fn blank_means_only_white_space_in_any_script() {
        let blank = |bytes: &[u8]| Units::new(bytes).is_blank(0..bytes.len());
        assert!(blank(b""));
        assert!(blank(b" \t \x0c"));
        assert!(blank("\u{00A0}\u{3000} \u{2003}".as_bytes()));
        assert!(!blank("\u{00A0} نص".as_bytes()));
        assert!(!blank(b"  \xFF"), "an invalid byte reads as U+FFFD");
        assert!(!blank(b" \xC2"), "a character cut short too");
        assert!(!blank(b" \xE3\x80"), "a character cut short too");
    }

    #[test]
    fn any_byte_finds_its_unit() {
        let text = "ab\n\ncd ef\r\ngh";
        let units = Units::new(text.as_bytes());
        let at = |pos| units.at(pos).map(|u| &text[u.range()]);
        assert_eq!(at(0), Some("ab"));
        assert_eq!(at(2), Some("cd ef"), "a line ending leads to the next unit");
        assert_eq!(at(3), Some("cd ef"));
        assert_eq!(at(6), Some("cd ef"));
        assert_eq!(at(9), Some("gh"), "CR of CRLF");
        assert_eq!(at(10), Some("gh"), "LF of CRLF");
        assert_eq!(at(12), Some("gh"));
        assert_eq!(at(13), None);
        assert!(Units::new(b"  \n\n").first().is_none());
        assert!(Units::new(b"").last().is_none());
    }

    #[test]
    fn long_lines_split_after_a_space_near_each_chunk_boundary() {
        // Words of 5 letters and a space: chunk 16, slack 4.
        let text = "abcde ".repeat(10) + "\nnext";
        let units = Units::with_chunk(text.as_bytes(), 16, 4);
        let all = walk(&units);
        let pieces = texts(&text, &all);
        assert_eq!(pieces.concat(), text.replace('\n', ""));
        assert!(all[1..all.len() - 1].iter().all(|u| u.continues));
        for u in &all {
            assert!(u.end - u.start <= 16 + 4 + 1, "{u:?}");
            if u.continues {
                assert_eq!(text.as_bytes()[u.start - 1], b' ', "split after a space");
            }
        }
        assert_eq!(pieces.last(), Some(&"next"));
        // Found again from every byte, and backwards.
        for (i, u) in all.iter().enumerate() {
            for pos in u.range() {
                assert_eq!(units.at(pos).as_ref(), Some(u), "byte {pos}");
            }
            if i > 0 {
                assert_eq!(units.previous(u).as_ref(), Some(&all[i - 1]));
            }
        }
        let starts: Vec<usize> = all.iter().map(|u| u.start).collect();
        assert_eq!(units.all(|| false), Some(starts));
    }

    #[test]
    fn a_short_line_across_a_chunk_boundary_is_not_split() {
        let text = "x".repeat(14) + "\nshort line";
        let units = Units::with_chunk(text.as_bytes(), 16, 4);
        assert_eq!(
            texts(&text, &walk(&units)),
            ["x".repeat(14).as_str(), "short line"]
        );
    }

    #[test]
    fn a_line_without_spaces_splits_between_characters() {
        let text = "ب".repeat(40);
        let units = Units::with_chunk(text.as_bytes(), 16, 4);
        let all = walk(&units);
        assert!(all.len() > 4);
        for u in &all {
            assert!(std::str::from_utf8(&text.as_bytes()[u.range()]).is_ok());
        }
        assert_eq!(texts(&text, &all).concat(), text);
    }

    #[test]
    fn the_index_pass_can_be_stopped() {
        let text = "a\n".repeat(10_000);
        assert_eq!(Units::new(text.as_bytes()).all(|| true), None);
    }
}
