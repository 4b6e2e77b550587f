//! Agreement with GNU FriBidi (`fribidi`, Debian package `libfribidi-bin`) on
//! every paragraph of the shared corpus: `qari render --no-wrap --no-pad`
//! must print the same line as FriBidi.
//!
//! FriBidi is run as `fribidi --nobreak --nopad --reordernsm --clean` plus a
//! base-direction flag, and its output is compared after removing the U+FEFF
//! fillers it leaves after lam-alef ligatures. Why each flag:
//! - `--reordernsm`: FriBidi's command line leaves marks before their base
//!   letter in right-to-left runs unless asked (UAX #9 L3); qari always keeps
//!   them after the base, as a terminal needs.
//! - `--clean`: removes explicit bidi controls (and the boundary-neutral
//!   joiners), which qari obeys but never prints.
//! - `--wrtl`/`--wltr`: a paragraph with no strong character takes the
//!   document's dominant direction in qari; FriBidi is told the same.
//!
//! Known, deliberate differences, normalised before comparing:
//! - Tabs: FriBidi passes a tab through; qari expands it to spaces at
//!   8-column stops. Lines whose source has a tab are compared with runs of
//!   tabs and spaces folded to one space.

mod common;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use qari::text::{Direction, dominant_direction};

fn corpus_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for sub in ["seeds", "udhr"] {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir.join(sub))
            .expect("corpus folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .collect();
        entries.sort();
        files.extend(entries);
    }
    files
}

fn lines_of(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8(bytes.to_vec()).expect("UTF-8 output");
    let text = text.strip_suffix('\n').unwrap_or(&text);
    text.split('\n').map(str::to_string).collect()
}

fn fold_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_space = false;
    for c in s.chars() {
        if c == ' ' || c == '\t' {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    out
}

#[test]
fn render_agrees_with_fribidi_on_the_corpus() {
    let Some(dir) = common::corpus_dir() else {
        return;
    };
    if !common::oracle_available(
        common::have_program("fribidi"),
        "GNU FriBidi (apt-get install libfribidi-bin)",
    ) {
        return;
    }
    let mut total = 0usize;
    let mut mismatches = Vec::new();
    for file in corpus_files(&dir) {
        let source = std::fs::read_to_string(&file).expect("corpus file is UTF-8");
        let base = match dominant_direction(&source) {
            Direction::Rtl => "--wrtl",
            Direction::Ltr => "--wltr",
        };
        let ours = Command::new(env!("CARGO_BIN_EXE_qari"))
            .args(["render", "--no-wrap", "--no-pad"])
            .arg(&file)
            .output()
            .expect("run qari");
        assert!(
            ours.status.success(),
            "qari render failed on {}",
            file.display()
        );
        let theirs = Command::new("fribidi")
            .args(["--nobreak", "--nopad", "--reordernsm", "--clean", base])
            .arg(&file)
            .output()
            .expect("run fribidi");
        let ours = lines_of(&ours.stdout);
        let theirs = lines_of(&theirs.stdout);
        let logical: Vec<&str> = source
            .strip_suffix('\n')
            .unwrap_or(&source)
            .split('\n')
            .collect();
        assert_eq!(
            ours.len(),
            logical.len(),
            "{}: one output line per paragraph",
            file.display()
        );
        assert_eq!(
            theirs.len(),
            logical.len(),
            "{}: FriBidi line count",
            file.display()
        );
        for (i, ((q, f), src)) in ours.iter().zip(&theirs).zip(&logical).enumerate() {
            total += 1;
            let f = f.replace('\u{FEFF}', "");
            let same = if src.contains('\t') {
                fold_whitespace(q) == fold_whitespace(&f)
            } else {
                *q == f
            };
            if !same {
                mismatches.push(format!(
                    "{}:{}\n  qari:    {q}\n  fribidi: {f}",
                    file.display(),
                    i + 1
                ));
            }
        }
    }
    let _ = writeln!(
        std::io::stderr(),
        "{} of {total} corpus paragraphs identical to FriBidi",
        total - mismatches.len()
    );
    assert!(total > 1000, "only {total} paragraphs read");
    assert!(
        mismatches.is_empty(),
        "{} paragraphs differ from FriBidi:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
