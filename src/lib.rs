//! qari: a terminal reader for right-to-left documents.
//!
//! The crate is split so that the hard part can be tested without a terminal:

// mimalloc for every binary built on this crate (qari, its tests and
// benches). With glibc's allocator, two threads that allocate while they
// score or lay out text in parallel often both run at half speed: the
// second thread's arena grows and trims its heap, and each trim takes the
// process-wide memory map lock the other thread needs on its next page
// fault. mimalloc keeps per-thread pages and does not stall the other core.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The pure text core: sanitising, bidi levels, shaping, line breaking and
/// per-line reordering into terminal cells. No terminal, no I/O.
pub mod text;

/// Documents with structure (Markdown, HTML): blocks with styled text,
/// and the content the reader shows of them. Pure, as the text core.
pub mod doc;

/// The one pattern for work off the event loop: a thread per kind of
/// work, newest request first.
pub mod work;

/// Reading files within bounds, without blocking on FIFOs or devices.
pub mod fsread;

/// Documents: finding and decoding files, paragraphs, titles.
pub mod library;

/// Where the reader left off, saved across runs and shared safely between
/// qari processes: positions, bookmarks, notices shown.
pub mod state;

/// Finding things: fuzzy filter, in-document and library search.
pub mod search;

/// The settings qari runs with: command line, config file, terminal.
pub mod settings;

/// Application state, actions and the key table; never touches the terminal.
pub mod app;

/// Drawing the state with ratatui: a pure read of `App`.
pub mod ui;

/// The one owner of the terminal: modes on start, restored on every exit.
pub mod term;

/// The event loop.
pub mod tui;

/// The settings file and the setting types shared with the command line.
pub mod config;

/// `qari --check-terminal`: the terminal, the mode chosen, sample lines.
pub mod check;

/// Command-line entry points that print to stdout (`qari render`).
pub mod render;

/// `qari serve`: the library over SSH.
pub mod serve;
