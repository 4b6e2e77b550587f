//! UAX #9 conformance: every case of Unicode's BidiCharacterTest.txt (Debian
//! package `unicode-data`) through the same level resolution and per-line
//! reordering (L1, L2) that the layout uses, with code points as the units
//! (the file leaves L3 and L4 out of scope; the layout applies them by
//! reordering grapheme clusters and mirroring).

mod common;

use std::io::Write as _;

use qari::text::bidi;
use qari::text::{BaseDirection, Direction};

const TEST_FILE: &str = "/usr/share/unicode/BidiCharacterTest.txt";

/// What one case of the file expects.
struct Case {
    line_no: usize,
    text: String,
    base: BaseDirection,
    paragraph_level: u8,
    /// Per code point; `None` where X9 removes the character.
    levels: Vec<Option<u8>>,
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

/// Runs one case; returns what differed, if anything.
fn run(case: &Case) -> Result<(), String> {
    // The file's auto direction falls back to left to right (P3).
    let info = bidi::resolve(&case.text, case.base, Direction::Ltr);
    let paragraph_level = info.paragraph_level;
    if paragraph_level != case.paragraph_level {
        return Err(format!(
            "paragraph level {paragraph_level}, expected {}",
            case.paragraph_level
        ));
    }
    let classes = &info.classes;
    let mut levels = info.levels.clone();
    bidi::apply_l1(classes, &mut levels, paragraph_level);

    for (i, expected) in case.levels.iter().enumerate() {
        if let Some(expected) = expected
            && levels[i] != *expected
        {
            return Err(format!(
                "level of #{i} is {}, expected {expected}",
                levels[i]
            ));
        }
    }
    // Reorder the units that X9 does not remove, as the layout does.
    let kept: Vec<usize> = (0..classes.len())
        .filter(|&i| !bidi::is_removed_by_x9(classes[i]))
        .collect();
    let kept_levels: Vec<u8> = kept.iter().map(|&i| levels[i]).collect();
    let mut order = Vec::new();
    bidi::visual_order(&kept_levels, &mut order);
    let order: Vec<usize> = order.iter().map(|&k| kept[k as usize]).collect();
    if order != case.order {
        return Err(format!("order {order:?}, expected {:?}", case.order));
    }
    Ok(())
}

#[test]
fn bidi_character_test_conformance() {
    let Ok(data) = std::fs::read_to_string(TEST_FILE) else {
        common::oracle_available(
            false,
            "BidiCharacterTest.txt (apt-get install unicode-data)",
        );
        return;
    };
    let version = data
        .lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches("# ");
    let mut total = 0usize;
    let mut failures = Vec::new();
    for (n, line) in data.lines().enumerate() {
        let Some(case) = parse(n + 1, line) else {
            continue;
        };
        total += 1;
        if let Err(why) = run(&case) {
            failures.push((case.line_no, line.to_string(), why));
        }
    }
    let passed = total - failures.len();
    let _ = writeln!(
        std::io::stderr(),
        "UAX #9 conformance ({version}): {passed} of {total} cases pass ({:.3}%)",
        100.0 * passed as f64 / total as f64
    );
    for (line_no, line, why) in failures.iter().take(20) {
        let _ = writeln!(std::io::stderr(), "  line {line_no}: {why}\n    {line}");
    }
    assert!(total > 90_000, "only {total} cases read from {TEST_FILE}");
    assert!(
        passed * 1000 >= total * 999,
        "{} of {total} BidiCharacterTest cases fail",
        failures.len()
    );
}
