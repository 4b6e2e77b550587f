//! Finding things: the fuzzy filter over the document list, search inside
//! a document, and full-text search across the library. Every match goes
//! through [`crate::text::fold`].

pub mod document;
pub mod filter;
pub mod library;
