//! Reading a document's text off the event loop: a file that has to be
//! decoded whole (a large file in a legacy encoding) takes a good part of a
//! second, and the reader shows its list and a notice meanwhile.

use std::sync::Arc;
use std::time::Duration;

use encoding_rs::{Encoding, UTF_8};

use super::Document;
use super::text::Text;
use crate::work::{Priority, Worker};

/// Files at least this large are read in the background when they have to
/// be decoded (UTF-8 files are mapped at once, whatever their size).
pub const SLOW_BYTES: u64 = 4 << 20;

/// Whether reading `document`'s text would hold up the event loop: a file
/// of [`SLOW_BYTES`] or more that is decoded, not mapped (its encoding, as
/// its head was read, or the one forced, is not UTF-8).
pub fn slow_to_read(document: &Document, forced: Option<&'static Encoding>) -> bool {
    matches!(document.origin, super::Origin::File(_))
        && document.resident.is_none()
        && document.error.is_none()
        && document.size >= SLOW_BYTES
        // Decoded, or parsed as Markdown or HTML: read whole first.
        && (forced.unwrap_or(document.encoding) != UTF_8
            || document.format != crate::doc::Format::Plain)
}

/// A text read: the request it answers (see [`Loader::request`]), and the
/// text or why it could not be read.
pub type Loaded = (u64, Result<Arc<Text>, String>);

/// A thread that reads texts one at a time, the newest request first:
/// moving through a list of large files never decodes more than one at
/// once, and the ones passed over are not read at all.
#[derive(Debug)]
pub struct Loader {
    worker: Worker<Arc<Document>, Loaded>,
}

impl Loader {
    /// Starts the thread; texts are decoded with `forced` when given.
    /// `None` when no thread can be had (texts are then read in place).
    pub fn spawn(forced: Option<&'static Encoding>) -> Option<Loader> {
        let worker = Worker::try_spawn(
            "load",
            Priority::Normal,
            || (),
            move |(), document: Arc<Document>, job| {
                // A long OpenITI text's start first, to read while the rest
                // is parsed.
                if let super::Origin::File(path) = &document.origin
                    && let Some(preview) = Text::preview(path, forced, document.format)
                {
                    job.answer((job.id(), Ok(Arc::new(preview))));
                }
                let text = document.text(forced);
                drop(document);
                job.answer((job.id(), text));
                crate::work::release_freed_memory();
            },
        )?;
        Some(Loader { worker })
    }

    /// Asks for `document`'s text; returns the request's number, which
    /// its answer carries (answers to older requests are dropped: the
    /// document may have changed since, or another been asked for).
    pub fn request(&mut self, document: Arc<Document>) -> u64 {
        self.worker.request(document)
    }

    /// The text asked for last, if it has been read since the last call.
    pub fn take(&self) -> Vec<Loaded> {
        self.worker.take()
    }

    /// Waits (up to `timeout`) for the next text read.
    pub fn wait(&self, timeout: Duration) -> Option<Loaded> {
        self.worker.wait(timeout)
    }
}
