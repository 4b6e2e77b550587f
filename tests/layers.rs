//! The layers import one way: text → doc → library → search → app → ui → tui
//! (with `work` and `state` below the library, and `term` beside the tui).
//! A lower layer never names a module of a higher one; this reads every
//! source file and fails on an import that goes the wrong way.

use std::collections::BTreeSet;
use std::path::Path;

/// What each layer may name of the crate, besides itself.
const ALLOWED: &[(&str, &[&str])] = &[
    ("text", &[]),
    ("doc", &["text"]),
    ("work", &[]),
    ("fsread", &[]),
    ("state", &["text", "fsread"]),
    ("library", &["text", "doc", "work", "fsread", "state"]),
    ("search", &["text", "work", "library"]),
    (
        "app",
        &[
            "text", "doc", "work", "state", "library", "search", "config",
        ],
    ),
    ("ui", &["text", "doc", "fsread", "library", "app", "config"]),
    ("tui", &["app", "term", "ui"]),
    (
        "serve",
        &[
            "app", "config", "library", "settings", "state", "term", "text", "tui", "work",
        ],
    ),
];

/// The crate modules a file names (`crate::x`).
fn named(source: &str) -> BTreeSet<String> {
    source
        .match_indices("crate::")
        .map(|(at, _)| {
            source[at + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect::<String>()
        })
        .filter(|m| !m.is_empty())
        .collect()
}

fn sources(path: &Path, out: &mut Vec<std::path::PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).expect("a source folder") {
            sources(&entry.expect("an entry").path(), out);
        }
    } else if path.is_file() && path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_path_buf());
    }
}

#[test]
fn no_layer_imports_a_higher_one() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong = Vec::new();
    for (layer, allowed) in ALLOWED {
        let mut files = Vec::new();
        sources(&src.join(layer), &mut files);
        sources(&src.join(format!("{layer}.rs")), &mut files);
        assert!(!files.is_empty(), "layer {layer} has sources");
        for file in files {
            let text = std::fs::read_to_string(&file).expect("a source file");
            for module in named(&text) {
                if module != *layer && !allowed.contains(&module.as_str()) {
                    wrong.push(format!("{} names crate::{module}", file.display()));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_check_sees_an_import() {
    let found = named("use crate::ui::theme::Theme;\nlet x = crate::app::App::new;");
    assert_eq!(found, BTreeSet::from(["app".into(), "ui".into()]));
}
