//! UAX #9 conformance: every case of Unicode's BidiCharacterTest.txt (Debian
//! package `unicode-data`) through the entry point the reading pane and
//! `qari render` use, [`Layout`] with [`LayoutOptions`], and again through
//! the `qari render` binary for a sample.
//!
//! The file checks levels and reordering up to rule L2 on code points and
//! leaves L3 and L4 out of scope. qari reorders grapheme clusters (L3: a mark
//! stays after its base) and never prints bidi controls, so the visual order
//! is compared cluster by cluster, with the controls the file keeps (the
//! isolates, LRM, RLM and ALM; X9 removes the others) left out of what it
//! expects.

mod common;

use std::collections::HashMap;

use qari::text::bidi;
use qari::text::{BaseDirection, Direction, Layout, LayoutOptions, Order};

const TEST_FILE: &str = "/usr/share/unicode/BidiCharacterTest.txt";

/// What one case of the file expects.
struct Case {
    line_no: usize,
    text: String,
    base: BaseDirection,
    paragraph_level: u8,
    /// Per code point; `None` where X9 removes the character.
    levels: Vec<Option<u8>>,
    /// Indices of the code points left to right, X9's removed ones absent.
    order: Vec<usize>,
}

fn parse(line_no: usize, line: &str) -> Option<Case> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let f: Vec<&str> = line.split(';').collect();
    let text = f[0]
        .split_whitespace()
        .map(|h| char::from_u32(u32::from_str_radix(h, 16).expect("hex")).expect("char"))
        .collect();
    let base = match f[1] {
        "0" => BaseDirection::Ltr,
        "1" => BaseDirection::Rtl,
        _ => BaseDirection::Auto,
    };
    Some(Case {
        line_no,
        text,
        base,
        paragraph_level: f[2].parse().expect("level"),
        levels: f[3].split_whitespace().map(|l| l.parse().ok()).collect(),
        order: f[4]
            .split_whitespace()
            .map(|i| i.parse().expect("index"))
            .collect(),
    })
}

/// Every case of the file, with its version line; `None` when the file is
/// missing (skipped loudly, or a failure under CI).
fn read_cases() -> Option<(String, Vec<Case>)> {
    let Ok(data) = std::fs::read_to_string(TEST_FILE) else {
        common::oracle_available(
            false,
            "BidiCharacterTest.txt (apt-get install unicode-data)",
        );
        return None;
    };
    let version = data
        .lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches("# ")
        .to_string();
    let cases: Vec<Case> = data
        .lines()
        .enumerate()
        .filter_map(|(n, line)| parse(n + 1, line))
        .collect();
    assert!(
        cases.len() > 90_000,
        "only {} cases read from {TEST_FILE}",
        cases.len()
    );
    Some((version, cases))
}

/// The options `qari render --no-wrap --shape off` lays a paragraph out
/// with, in the case's direction. The file's automatic direction falls back
/// to left to right (P3), as `fallback` does here.
fn options(base: BaseDirection) -> LayoutOptions {
    LayoutOptions {
        width: 10_000,
        wrap: false,
        shape: false,
        harakat: true,
        direction: base,
        fallback: Direction::Ltr,
        order: Order::Visual,
    }
}

/// Checks the order of one case through [`Layout`]; returns what differed.
fn run_layout(case: &Case, layout: &mut Layout) -> Result<(), String> {
    layout.lay_out(&case.text, &options(case.base));
    let expected_direction = if case.paragraph_level % 2 == 1 {
        Direction::Rtl
    } else {
        Direction::Ltr
    };
    if layout.direction() != expected_direction {
        return Err(format!(
            "direction {:?}, expected {expected_direction:?}",
            layout.direction()
        ));
    }
    if layout.line_count() != 1 {
        return Err(format!("{} lines, expected 1", layout.line_count()));
    }
    let line = layout.line(0).ok_or("no line")?;
    // Code point index of each byte offset where a character starts.
    let index: HashMap<usize, usize> = case
        .text
        .char_indices()
        .enumerate()
        .map(|(i, (at, _))| (at, i))
        .collect();
    let chars: Vec<char> = case.text.chars().collect();
    // The painted cells left to right, each as the code points it shows,
    // and the cell of each code point.
    let mut cell_of = vec![None; chars.len()];
    let mut painted = Vec::new();
    for (k, cell) in line.cells().enumerate() {
        let mut points = Vec::new();
        for at in cell.source.clone() {
            if let Some(&i) = index.get(&at) {
                points.push(i);
                cell_of[i] = Some(k);
            }
        }
        painted.push(points);
    }
    // The file's order in cells. Left out: bidi controls, which qari never
    // prints, and characters of width zero that no painted cell holds (a
    // cluster without a base to show it on, such as ZWJ + U+20D6 after a
    // ZWSP on lines 113 and 114, takes no cell and is not painted). Every
    // other code point must be painted, and those of one cluster, which
    // the file may list backwards (it leaves L3 out), must come together.
    let mut expected_cells: Vec<usize> = Vec::new();
    for &i in &case.order {
        let c = chars[i];
        match cell_of[i] {
            None if bidi::is_bidi_control(c) || takes_no_cell(c) => {}
            None => return Err(format!("#{i} ({c:?}) is not painted")),
            Some(k) if expected_cells.last() == Some(&k) => {}
            Some(k) => expected_cells.push(k),
        }
    }
    let shown: Vec<usize> = (0..painted.len()).collect();
    if expected_cells != shown {
        let listed = |cells: &[usize]| -> Vec<Vec<usize>> {
            cells.iter().map(|&k| painted[k].clone()).collect()
        };
        return Err(format!(
            "cells {:?}, expected {:?}",
            listed(&shown),
            listed(&expected_cells)
        ));
    }
    Ok(())
}

/// Whether a character takes no cell of its own (a combining mark).
fn takes_no_cell(c: char) -> bool {
    qari::text::width::char_width(c) == 0
}

#[test]
fn bidi_character_test_through_the_layout() {
    let Some((version, cases)) = read_cases() else {
        return;
    };
    let mut layout = Layout::new("", &options(BaseDirection::Auto));
    let mut failures = Vec::new();
    for case in &cases {
        if let Err(why) = run_layout(case, &mut layout) {
            failures.push((case.line_no, why));
        }
    }
    let total = cases.len();
    let passed = total - failures.len();
    common::report(&format!(
        "UAX #9 conformance through Layout ({version}): {passed} of {total} cases in order"
    ));
    for (line_no, why) in failures.iter().take(20) {
        common::report(&format!("  line {line_no}: {why}"));
    }
    assert!(
        failures.is_empty(),
        "{} of {total} BidiCharacterTest cases out of order",
        failures.len()
    );
}

/// Levels (X1–I2, then L1 per line) of [`bidi::resolve`], the level
/// resolution inside [`Layout`], whose painted cells do not show them.
#[test]
fn bidi_character_test_levels() {
    let Some((version, cases)) = read_cases() else {
        return;
    };
    let mut failures = Vec::new();
    for case in &cases {
        let info = bidi::resolve(&case.text, case.base, Direction::Ltr);
        let mut levels = info.levels.clone();
        bidi::apply_l1(&info.classes, &mut levels, info.paragraph_level);
        let why = if info.paragraph_level != case.paragraph_level {
            Some(format!(
                "paragraph level {}, expected {}",
                info.paragraph_level, case.paragraph_level
            ))
        } else {
            case.levels
                .iter()
                .zip(&levels)
                .enumerate()
                .find(|(_, (expected, level))| expected.is_some_and(|e| e != **level))
                .map(|(i, (expected, level))| {
                    format!("level of #{i} is {level}, expected {expected:?}")
                })
        };
        if let Some(why) = why {
            failures.push((case.line_no, why));
        }
    }
    let total = cases.len();
    common::report(&format!(
        "UAX #9 levels ({version}): {} of {total} cases",
        total - failures.len()
    ));
    for (line_no, why) in failures.iter().take(20) {
        common::report(&format!("  line {line_no}: {why}"));
    }
    assert!(
        failures.is_empty(),
        "{} cases with wrong levels",
        failures.len()
    );
}

/// Cases of BidiCharacterTest.txt (Unicode 15.0, lines 59–61 and 291–307)
/// with isolates next to brackets and embeddings, as the file has them: the
/// ones `qari render` once printed out of order, because the isolates'
/// initiators and PDIs, which it never prints, were left out of L2 and the
/// runs they separate were reversed as one.
const ISOLATE_CASES: &[&str] = &[
    "202E 0061 202A 0062 202C 2066 0063 2069 202A 0064 202C 0065 202C;2;0;x 1 x 2 x 1 2 1 x 2 x 1 x;11 9 7 6 5 3 1",
    "202E 0061 202A 0062 202C 2066 0063 2069 202A 0064 202C 0065 202C;1;1;x 3 x 4 x 3 4 3 x 4 x 3 x;11 9 7 6 5 3 1",
    "202D 05D0 202B 05D1 202C 2068 05D2 2069 202B 05D3 202C 05D4 202C;2;1;x 2 x 3 x 2 3 2 x 3 x 2 x;1 3 5 6 7 9 11",
    "0061 0028 0062 2067 05D0 0066 2069 05D4 0029 05D5;0;0;0 0 0 0 1 2 0 1 0 1;0 1 2 3 5 4 6 7 8 9",
    "0061 0028 0062 2067 05D0 0066 2069 05D4 0029 05D5;1;1;2 1 2 1 3 4 1 1 1 1;9 8 7 6 5 4 3 2 1 0",
    "0061 0028 0062 2067 05D0 005B 05D1 2066 0063 05D3 2069 0065 005D 0066 2069 05D4 0029 05D5;0;0;0 0 0 0 1 1 1 1 2 3 1 2 1 2 0 1 0 1;0 1 2 3 13 12 11 10 8 9 7 6 5 4 14 15 16 17",
    "0061 0028 0062 2067 05D0 005B 05D1 2066 0063 05D3 2069 0065 005D 0066 2069 05D4 0029 05D5;1;1;2 1 2 1 3 3 3 3 4 5 3 4 3 4 1 1 1 1;17 16 15 14 13 12 11 10 8 9 7 6 5 4 3 2 1 0",
    "0061 0028 0062 2067 05D0 005B 05D1 2066 0063 007B 0064 202B 007D 0020 007B 202C 05D2 007D 05D3 2069 0065 005D 0066 2069 05D4 0029 05D5;0;0;0 0 0 0 1 1 1 1 2 2 2 x 3 3 3 x 3 3 3 1 2 1 2 0 1 0 1;0 1 2 3 22 21 20 19 8 9 10 18 17 16 14 13 12 7 6 5 4 23 24 25 26",
    "0061 0028 0062 2067 05D0 005B 05D1 2066 0063 007B 0064 202B 007D 0020 007B 202C 05D2 007D 05D3 2069 0065 005D 0066 2069 05D4 0029 05D5;1;1;2 1 2 1 3 3 3 3 4 4 4 x 5 5 5 x 5 5 5 3 4 3 4 1 1 1 1;26 25 24 23 22 21 20 19 8 9 10 18 17 16 14 13 12 7 6 5 4 3 2 1 0",
    "05D0 0028 05D1 2066 0061 05D5 2069 0065 0029 0066;0;0;1 0 1 0 2 3 0 0 0 0;0 1 2 3 4 5 6 7 8 9",
    "05D0 0028 05D1 2066 0061 05D5 2069 0065 0029 0066;1;1;1 1 1 1 2 3 1 2 1 2;9 8 7 6 4 5 3 2 1 0",
    "05D0 0028 05D1 2066 0061 005B 0062 2067 05D2 0064 2069 05D4 005D 05D5 2069 0065 0029 0066;0;0;1 0 1 0 2 2 2 2 3 4 2 3 2 3 0 0 0 0;0 1 2 3 4 5 6 7 9 8 10 11 12 13 14 15 16 17",
    "05D0 0028 05D1 2066 0061 005B 0062 2067 05D2 0064 2069 05D4 005D 05D5 2069 0065 0029 0066;1;1;1 1 1 1 2 2 2 2 3 4 2 3 2 3 1 2 1 2;17 16 15 14 4 5 6 7 9 8 10 11 12 13 3 2 1 0",
    "05D0 0028 05D1 2066 0061 005B 0062 2067 05D2 007B 05D3 202A 007D 0020 007B 202C 0063 007D 0064 2069 05D4 005D 05D5 2069 0065 0029 0066;0;0;1 0 1 0 2 2 2 2 3 3 3 x 4 4 4 x 4 4 4 2 3 2 3 0 0 0 0;0 1 2 3 4 5 6 7 12 13 14 16 17 18 10 9 8 19 20 21 22 23 24 25 26",
    "05D0 0028 05D1 2066 0061 005B 0062 2067 05D2 007B 05D3 202A 007D 0020 007B 202C 0063 007D 0064 2069 05D4 005D 05D5 2069 0065 0029 0066;1;1;1 1 1 1 2 2 2 2 3 3 3 x 4 4 4 x 4 4 4 2 3 2 3 1 2 1 2;26 25 24 23 4 5 6 7 12 13 14 16 17 18 10 9 8 19 20 21 22 3 2 1 0",
];

/// What a case should print: its characters in the file's visual order,
/// without bidi controls, brackets at odd levels mirrored (L4).
fn expected_output(case: &Case) -> String {
    let chars: Vec<char> = case.text.chars().collect();
    case.order
        .iter()
        .filter(|&&i| !bidi::is_bidi_control(chars[i]))
        .map(|&i| {
            let odd = case.levels[i].is_some_and(|l| l % 2 == 1);
            match chars[i] {
                '(' if odd => ')',
                ')' if odd => '(',
                '[' if odd => ']',
                ']' if odd => '[',
                '{' if odd => '}',
                '}' if odd => '{',
                c => c,
            }
        })
        .collect()
}

/// `qari render --no-wrap --shape off` prints the cases above as the file
/// orders them, one document per direction, a case a line.
#[test]
fn render_prints_isolates_in_the_files_order() {
    let cases: Vec<Case> = ISOLATE_CASES
        .iter()
        .filter_map(|line| parse(0, line))
        .collect();
    assert_eq!(cases.len(), ISOLATE_CASES.len());
    let mut failures = Vec::new();
    for (base, name) in [
        (BaseDirection::Ltr, "ltr"),
        (BaseDirection::Rtl, "rtl"),
        (BaseDirection::Auto, "auto"),
    ] {
        let group: Vec<&Case> = cases.iter().filter(|c| c.base == base).collect();
        let input: String = group.iter().map(|c| format!("{}\n", c.text)).collect();
        let args = [
            "render",
            "--no-wrap",
            "--shape",
            "off",
            "--no-pad",
            "--direction",
            name,
            "-",
        ];
        let output = common::run_qari(&args, input.as_bytes());
        assert!(output.status.success(), "qari {args:?} failed: {output:?}");
        let printed = String::from_utf8(output.stdout).expect("UTF-8 output");
        let lines: Vec<&str> = printed.lines().collect();
        assert_eq!(lines.len(), group.len(), "{printed:?}");
        for (case, line) in group.iter().zip(lines) {
            let expected = expected_output(case);
            if line != expected {
                failures.push(format!(
                    "--direction {name} {:?}: printed {line:?}, expected {expected:?}",
                    case.text
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
