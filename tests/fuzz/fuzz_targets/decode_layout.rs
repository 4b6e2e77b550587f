//! Fuzz target: arbitrary bytes through decoding, line splitting, layout and
//! `qari render`. The first three bytes choose the width, the options and a
//! forced encoding (see `Case::split`); the rest is the document.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../invariants.rs"]
mod invariants;

fuzz_target!(|data: &[u8]| {
    if let Some((case, document)) = invariants::Case::split(data) {
        invariants::check(document, &case);
    }
});
