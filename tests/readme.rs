//! The README tells the truth about keys: every key in the key table is
//! listed in its Keys section.

use qari::app::keymap::{KEYMAP, key_name};

#[test]
fn readme_lists_every_key() {
    let readme = include_str!("../README.md");
    let start = readme.find("### Keys").expect("a Keys section");
    let section = &readme[start..];
    let section = &section[..section[4..].find("\n#").map_or(section.len(), |i| i + 4)];
    for binding in KEYMAP {
        for key in binding.keys {
            // A backtick is written `` ` `` in Markdown.
            let name = match key_name(key) {
                tick if tick.contains('`') => format!("`` {tick} ``"),
                name => format!("`{name}`"),
            };
            assert!(
                section.contains(&name),
                "README's Keys section does not list {name} ({})",
                binding.help
            );
        }
    }
}
