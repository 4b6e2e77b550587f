//! Splitting a document into input lines: LF, CRLF and a lone CR each end
//! one (files from Unix, Windows and classic Mac OS all read as written).

use std::ops::Range;

/// Byte ranges of the lines of `text`, without their endings. A final line
/// ending does not start another line; empty text has no lines.
pub fn lines(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = text.as_bytes();
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= bytes.len() {
            return None;
        }
        let line_start = start;
        match memchr::memchr2(b'\n', b'\r', &bytes[start..]) {
            Some(i) => {
                let end = start + i;
                start = if bytes[end] == b'\r' && bytes.get(end + 1) == Some(&b'\n') {
                    end + 2
                } else {
                    end + 1
                };
                Some(line_start..end)
            }
            None => {
                start = bytes.len();
                Some(line_start..bytes.len())
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        lines(text).map(|r| &text[r]).collect()
    }

    #[test]
    fn every_line_ending_ends_a_line() {
        assert_eq!(split("a\nb\r\nc\rd"), ["a", "b", "c", "d"]);
        assert_eq!(split("a\n\nb"), ["a", "", "b"]);
        assert_eq!(split("a\r\rb"), ["a", "", "b"]);
        assert_eq!(split("a\r\n\r\nb\n"), ["a", "", "b"]);
        // LF CR is two endings (an empty line between), as CR LF is one.
        assert_eq!(split("a\n\rb"), ["a", "", "b"]);
    }

    #[test]
    fn a_final_ending_adds_no_line() {
        assert_eq!(split("a\n"), ["a"]);
        assert_eq!(split("a\r"), ["a"]);
        assert_eq!(split("a\r\n"), ["a"]);
        assert_eq!(split("\n"), [""]);
        assert!(split("").is_empty());
    }
}
