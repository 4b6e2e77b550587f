//! qari: a terminal reader for right-to-left documents.
//!
//! The crate is split so that the hard part can be tested without a terminal:

/// The pure text core: sanitising, bidi levels, shaping, line breaking and
/// per-line reordering into terminal cells. No terminal, no I/O.
pub mod text;

/// Command-line entry points that print to stdout (`qari render`).
pub mod render;
