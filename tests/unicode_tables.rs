//! Checks that `src/text/tables.rs` is exactly what Unicode's own data files
//! say (Debian package `unicode-data`, installed under `/usr/share/unicode`).
//!
//! With `QARI_REGENERATE_TABLES=1` the test rewrites the file instead of
//! comparing, which is how the tables are produced.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

const UCD: &str = "/usr/share/unicode";
const TABLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/text/tables.rs");

fn hex(s: &str) -> u32 {
    u32::from_str_radix(s.trim(), 16).expect("hex code point in UCD file")
}

/// Joining type letters as the runtime code encodes them.
fn joining_code(t: &str) -> u8 {
    match t {
        "U" => 0,
        "T" => 1,
        "C" => 2,
        "L" => 3,
        "R" => 4,
        "D" => 5,
        other => panic!("unknown joining type {other}"),
    }
}

/// Builds the text of `src/text/tables.rs` from the UCD files.
fn generate(ucd: &Path) -> String {
    let unicode_data = fs::read_to_string(ucd.join("UnicodeData.txt")).expect("UnicodeData.txt");
    let shaping = fs::read_to_string(ucd.join("ArabicShaping.txt")).expect("ArabicShaping.txt");
    let mirroring = fs::read_to_string(ucd.join("BidiMirroring.txt")).expect("BidiMirroring.txt");
    let version = mirroring
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# BidiMirroring-"))
        .and_then(|l| l.strip_suffix(".txt"))
        .unwrap_or("unknown")
        .to_string();

    // Joining types: explicit entries, then Mn/Me/Cf default to T (ArabicShaping.txt header).
    let mut joining: BTreeMap<u32, u8> = BTreeMap::new();
    let mut general: Vec<(u32, u32, String)> = Vec::new();
    let mut pending_first: Option<(u32, String)> = None;
    for line in unicode_data.lines() {
        let f: Vec<&str> = line.split(';').collect();
        let cp = hex(f[0]);
        let gc = f[2].to_string();
        if f[1].ends_with(", First>") {
            pending_first = Some((cp, gc));
            continue;
        }
        if let Some((first, gc)) = pending_first.take() {
            general.push((first, cp, gc));
        } else {
            general.push((cp, cp, gc));
        }
    }
    for (lo, hi, gc) in &general {
        if matches!(gc.as_str(), "Mn" | "Me" | "Cf") {
            for cp in *lo..=*hi {
                joining.insert(cp, 1);
            }
        }
    }
    for line in shaping.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split(';').map(str::trim).collect();
        joining.insert(hex(f[0]), joining_code(f[2]));
    }
    let mut ranges: Vec<(u32, u32, u8)> = Vec::new();
    for (&cp, &t) in &joining {
        if t == 0 {
            continue;
        }
        match ranges.last_mut() {
            Some((_, hi, last)) if *hi + 1 == cp && *last == t => *hi = cp,
            _ => ranges.push((cp, cp, t)),
        }
    }

    // Presentation forms: single-code-point <isolated>/<final>/<initial>/<medial>
    // decompositions of Arabic letters, and the lam-alef ligatures.
    let mut forms = [[0u32; 4]; 256];
    let mut ligatures: BTreeMap<u32, [u32; 2]> = BTreeMap::new();
    for line in unicode_data.lines() {
        let f: Vec<&str> = line.split(';').collect();
        let cp = hex(f[0]);
        let decomposition = f[5];
        let Some((tag, rest)) = decomposition.split_once(' ') else {
            continue;
        };
        let slot = match tag {
            "<isolated>" => 0,
            "<final>" => 1,
            "<initial>" => 2,
            "<medial>" => 3,
            _ => continue,
        };
        let parts: Vec<u32> = rest.split(' ').map(hex).collect();
        match parts.as_slice() {
            [base] if (0x0600..0x0700).contains(base) => {
                let entry = &mut forms[(*base - 0x0600) as usize][slot];
                if *entry == 0 {
                    *entry = cp;
                }
            }
            [0x0644, alef] if slot < 2 && (0xFEF5..=0xFEFC).contains(&cp) => {
                ligatures.entry(*alef).or_insert([0, 0])[slot] = cp;
            }
            _ => {}
        }
    }

    let mut mirrors: Vec<(u32, u32)> = Vec::new();
    for line in mirroring.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let (a, b) = line.split_once(';').expect("pair");
        mirrors.push((hex(a), hex(b)));
    }
    mirrors.sort();

    let mut out = String::new();
    out.push_str("//! Unicode data tables for shaping and mirroring, generated from the Unicode\n");
    let _ = writeln!(
        out,
        "//! Character Database {version} (ArabicShaping.txt, UnicodeData.txt, BidiMirroring.txt)"
    );
    out.push_str(
        "//! by `QARI_REGENERATE_TABLES=1 cargo test --test unicode_tables`. Do not edit.\n\n",
    );
    out.push_str("/// Joining types other than U, as inclusive code point ranges:\n");
    out.push_str("/// 1 = T, 2 = C, 3 = L, 4 = R, 5 = D.\n");
    out.push_str("#[rustfmt::skip]\npub(crate) static JOINING: &[(u32, u32, u8)] = &[\n");
    for (lo, hi, t) in &ranges {
        let _ = writeln!(out, "    (0x{lo:04X}, 0x{hi:04X}, {t}),");
    }
    out.push_str("];\n\n");
    out.push_str(
        "/// Presentation forms of U+0600..U+06FF: isolated, final, initial, medial (0 = none).\n",
    );
    out.push_str("#[rustfmt::skip]\npub(crate) static ARABIC_FORMS: [[u16; 4]; 256] = [\n");
    for row in &forms {
        let _ = writeln!(
            out,
            "    [0x{:04X}, 0x{:04X}, 0x{:04X}, 0x{:04X}],",
            row[0], row[1], row[2], row[3]
        );
    }
    out.push_str("];\n\n");
    out.push_str("/// Lam-alef ligatures: (alef, isolated, final).\n");
    out.push_str("#[rustfmt::skip]\npub(crate) static LAM_ALEF: &[(char, char, char)] = &[\n");
    for (alef, [isol, fina]) in &ligatures {
        let _ = writeln!(
            out,
            "    ('\\u{{{alef:04X}}}', '\\u{{{isol:04X}}}', '\\u{{{fina:04X}}}'),"
        );
    }
    out.push_str("];\n\n");
    out.push_str("/// Bidi_Mirroring_Glyph pairs, sorted by the first code point.\n");
    out.push_str("#[rustfmt::skip]\npub(crate) static MIRRORS: &[(u32, u32)] = &[\n");
    for (a, b) in &mirrors {
        let _ = writeln!(out, "    (0x{a:04X}, 0x{b:04X}),");
    }
    out.push_str("];\n");
    out
}

#[test]
fn tables_match_the_unicode_character_database() {
    let ucd = Path::new(UCD);
    if !common::oracle_available(
        ucd.join("ArabicShaping.txt").exists(),
        "Unicode data files (apt-get install unicode-data)",
    ) {
        return;
    }
    let generated = generate(ucd);
    if std::env::var_os("QARI_REGENERATE_TABLES").is_some() {
        fs::write(TABLES, &generated).expect("write tables.rs");
        return;
    }
    let committed = fs::read_to_string(TABLES).expect("read tables.rs");
    assert!(
        committed == generated,
        "src/text/tables.rs differs from the data in {UCD}; \
         regenerate with QARI_REGENERATE_TABLES=1 cargo test --test unicode_tables"
    );
}
