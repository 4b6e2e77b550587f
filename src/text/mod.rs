//! The pure text core: logical text in, terminal cells out.
//!
//! The pipeline order is the design (UAX #9 reorders after line breaking), so
//! per paragraph: [`sanitize`] → levels ([`bidi`]) → Arabic shaping
//! ([`shape`]) in logical order → line breaking by display width
//! ([`layout`], measured with [`width`]) → per-line reordering (UAX #9 L1–L4
//! on grapheme clusters) → alignment. Nothing here touches a terminal or a file.

pub mod bidi;
pub mod candidate;
pub mod cluster;
pub mod elide;
pub mod fold;
pub mod layout;
pub mod lines;
pub mod sanitize;
pub mod select;
pub mod shape;
mod tables;
pub mod units;
pub mod width;

pub use bidi::{BaseDirection, Direction, dominant_direction};
pub use layout::{Cell, Layout, LayoutOptions, Order, VisualLine};
