//! The go-to bar (`:`): a paragraph number as the status bar counts them
//! (`120`), or a share of the document (`50%`); Enter goes there (a jump,
//! which `''` undoes), Esc stays, and what is not a place says why.

use super::*;
use crate::state::Place;
use crate::text::sanitize::{ITEM_MAX, quote};

/// A place typed in the go-to bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A paragraph, counted from 1.
    Paragraph(usize),
    /// A share of the document, 0–100 percent.
    Percent(usize),
    /// The link numbered `[n]` in the text: where it points.
    Reference(usize),
    /// A page of the printed edition (`p12`, `ص12`; `v2p12` in volume 2).
    Page {
        /// The volume, when given.
        volume: Option<u32>,
        /// The page.
        number: u32,
    },
}

/// Reads what was typed in the go-to bar: digits (ASCII, Arabic-Indic or
/// Persian), followed by `%` or `٪` for a share of the document.
pub fn parse(input: &str) -> Result<Target, String> {
    let input = input.trim();
    if let Some(page) = parse_page(input) {
        return page;
    }
    if let Some(n) = input
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .and_then(|digits| {
            digits
                .chars()
                .map(digit)
                .try_fold(0usize, |n, d| n.checked_mul(10)?.checked_add(d?))
        })
        .filter(|&n| n > 0)
    {
        return Ok(Target::Reference(n));
    }
    if input.is_empty() {
        return Err("type a paragraph number (120) or a share of the document (50%)".into());
    }
    let (digits, percent) = match input.strip_suffix(['%', '٪']) {
        Some(digits) => (digits.trim_end(), true),
        None => (input, false),
    };
    let number = digits
        .chars()
        .map(digit)
        .try_fold(0usize, |n, d| n.checked_mul(10)?.checked_add(d?))
        .filter(|_| !digits.is_empty());
    let Some(number) = number else {
        return Err(format!(
            "not a place: {} (type a paragraph number like 120, or 50%)",
            quote(input, ITEM_MAX)
        ));
    };
    match (percent, number) {
        (true, 0..=100) => Ok(Target::Percent(number)),
        (true, _) => Err("a share of the document goes from 0% to 100%".into()),
        (false, 0) => Err("paragraphs are counted from 1".into()),
        (false, _) => Ok(Target::Paragraph(number)),
    }
}

/// A page: `p12`, `p 12`, `ص12` or `v2p12` (`None`: not one).
fn parse_page(input: &str) -> Option<Result<Target, String>> {
    let number = |digits: &str| -> Option<u32> {
        let digits = digits.trim();
        if digits.is_empty() {
            return None;
        }
        digits
            .chars()
            .map(digit)
            .try_fold(0u32, |n, d| n.checked_mul(10)?.checked_add(d? as u32))
    };
    let (volume, rest) = match input.strip_prefix(['v', 'V', 'ج']) {
        Some(rest) => {
            let (v, p) = rest.split_once(['p', 'P', 'ص'])?;
            (Some(number(v)?), p)
        }
        None => (None, input.strip_prefix(['p', 'P', 'ص'])?),
    };
    Some(match number(rest) {
        Some(n) => Ok(Target::Page { volume, number: n }),
        None => Err("a page is typed p12 (or v2p12 for volume 2)".into()),
    })
}

/// The value of a decimal digit: ASCII, Arabic-Indic (U+0660–0669) or
/// Extended Arabic-Indic, as Persian and Urdu keyboards type them
/// (U+06F0–06F9).
fn digit(c: char) -> Option<usize> {
    let value = match c {
        '0'..='9' => u32::from(c) - u32::from('0'),
        '\u{0660}'..='\u{0669}' => u32::from(c) - 0x0660,
        '\u{06F0}'..='\u{06F9}' => u32::from(c) - 0x06F0,
        _ => return None,
    };
    Some(value as usize)
}

impl App {
    /// Opens the go-to bar over the open document.
    pub(super) fn open_goto(&mut self) {
        if self.reader.is_some() {
            self.mode = Mode::GoTo;
            self.goto.clear();
            self.notice = Some("go to: a paragraph number (120) or a share (50%)".into());
        }
    }

    /// The go-to bar's keys: Enter goes (or says what is wrong, and the
    /// bar stays to be corrected), Esc closes it.
    pub(super) fn update_goto(&mut self, action: Action) {
        match action {
            Action::AcceptInput => match parse(&self.goto) {
                Ok(target) => {
                    self.mode = Mode::Browse;
                    self.go_to_target(target);
                }
                Err(why) => self.notice = Some(why),
            },
            Action::CancelInput => self.mode = Mode::Browse,
            _ => self.update_text(action),
        }
    }

    /// Goes to `target` in the open document. A paragraph number waits for
    /// the paragraphs to be counted (a large document's index is built in
    /// the background).
    pub(super) fn go_to_target(&mut self, target: Target) {
        let Some(reader) = self.reader.as_ref() else {
            return;
        };
        let (doc, text) = (reader.doc, Arc::clone(&reader.text));
        let units = text.units();
        if let Target::Reference(n) = target {
            self.follow_reference(n);
            return;
        }
        if let Target::Page { volume, number } = target {
            let volume = volume.map(|v| v.to_string());
            self.go_to_page(volume.as_deref(), number);
            return;
        }
        let byte = match target {
            Target::Page { .. } | Target::Reference(_) => return,
            _ if units.first().is_none() => {
                self.notice = Some("the document is empty".into());
                return;
            }
            Target::Percent(percent) => {
                (text.len() as u128 * percent as u128 / 100).min(text.len() as u128) as usize
            }
            Target::Paragraph(n) => match text.index() {
                None => {
                    self.pending_goto = Some((doc, n));
                    self.notice = Some(format!("going to ¶ {n} once the paragraphs are counted…"));
                    return;
                }
                Some(index) => match index.get(n - 1) {
                    Some(&start) => start,
                    None => {
                        self.notice = Some(format!(
                            "no paragraph {n}: the document has {}",
                            index.len()
                        ));
                        return;
                    }
                },
            },
        };
        let Some(unit) = units.at(byte).or_else(|| units.last()) else {
            return;
        };
        let at = Place {
            start: unit.start,
            offset: byte.saturating_sub(unit.start),
        };
        // A percentage means what the status bar's does: how much of the
        // document lies above the bottom of the pane. So the line holding
        // the byte goes to the bottom row; a paragraph goes to the top.
        let rise = match target {
            Target::Percent(_) => 1 - self.text_height() as isize,
            Target::Paragraph(_) | Target::Page { .. } | Target::Reference(_) => 0,
        };
        self.jump(|app| {
            app.go_to(doc, super::places::Goal::Shown(at));
            // Never past the last page.
            app.scroll(rise);
        });
    }

    /// Goes to the paragraph the go-to bar asked for once the open
    /// document's paragraphs are counted; returns whether it went.
    pub(super) fn take_pending_goto(&mut self) -> bool {
        let Some((doc, n)) = self.pending_goto else {
            return false;
        };
        let counted = self.open_text().is_some_and(|t| t.index().is_some());
        if self.open_document() != Some(doc) {
            self.pending_goto = None;
            return false;
        }
        if !counted {
            return false;
        }
        self.pending_goto = None;
        self.notice = None;
        self.go_to_target(Target::Paragraph(n));
        self.sync();
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_typed_in_brackets() {
        assert_eq!(parse("[3]"), Ok(Target::Reference(3)));
        assert_eq!(parse("[١٢]"), Ok(Target::Reference(12)));
        assert!(parse("[0]").is_err());
        assert!(parse("[x]").is_err());
    }

    #[test]
    fn pages_are_typed_with_p_or_sad() {
        for (typed, volume, number) in [
            ("p12", None, 12),
            ("P 7", None, 7),
            ("ص١٢", None, 12),
            ("v2p30", Some(2), 30),
            ("ج٣ص٤", Some(3), 4),
        ] {
            assert_eq!(parse(typed), Ok(Target::Page { volume, number }), "{typed}");
        }
        assert!(parse("p").is_err());
        assert!(parse("px").is_err());
        // Not a page: still a paragraph.
        assert_eq!(parse("12"), Ok(Target::Paragraph(12)));
    }

    #[test]
    fn paragraphs_and_shares_in_any_digits() {
        assert_eq!(parse("120"), Ok(Target::Paragraph(120)));
        assert_eq!(parse(" 50% "), Ok(Target::Percent(50)));
        assert_eq!(parse("١٢٠"), Ok(Target::Paragraph(120)));
        assert_eq!(parse("۵۰٪"), Ok(Target::Percent(50)));
        assert_eq!(parse("100 %"), Ok(Target::Percent(100)));
        assert_eq!(parse("0%"), Ok(Target::Percent(0)));
    }

    #[test]
    fn what_is_not_a_place_says_why() {
        for bad in [
            "",
            "abc",
            "%",
            "12a",
            "-3",
            "1.5",
            "99999999999999999999999",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        assert!(parse("abc").unwrap_err().starts_with("not a place"));
        assert!(parse("0").unwrap_err().contains("from 1"));
        assert!(parse("101%").unwrap_err().contains("100%"));
    }
}
