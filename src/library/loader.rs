//! Reading a document's text off the event loop: a file that has to be
//! decoded whole (a large file in a legacy encoding) takes a good part of a
//! second, and the reader shows its list and a notice meanwhile.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use encoding_rs::{Encoding, UTF_8};

use super::Document;
use super::text::Text;

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
        && forced.unwrap_or(document.encoding) != UTF_8
}

/// A text read: the request it answers (see [`Loader::request`]), and the
/// text or why it could not be read.
pub type Loaded = (u64, Result<Arc<Text>, String>);

/// A thread that reads texts one at a time, the newest request first:
/// moving through a list of large files never decodes more than one at
/// once, and the ones passed over are not read at all.
#[derive(Debug)]
pub struct Loader {
    requests: Sender<(u64, Arc<Document>)>,
    results: Receiver<Loaded>,
    asked: u64,
}

impl Loader {
    /// Starts the thread; texts are decoded with `forced` when given.
    /// `None` when no thread can be had (texts are then read in place).
    pub fn spawn(forced: Option<&'static Encoding>) -> Option<Loader> {
        let (requests, incoming) = channel::<(u64, Arc<Document>)>();
        let (outgoing, results) = channel();
        let spawned = std::thread::Builder::new()
            .name("load".into())
            .spawn(move || {
                while let Ok(mut request) = incoming.recv() {
                    while let Ok(newer) = incoming.try_recv() {
                        request = newer;
                    }
                    let (id, document) = request;
                    let text = document.text(forced);
                    drop(document);
                    if outgoing.send((id, text)).is_err() {
                        break;
                    }
                    super::background::release_freed_memory();
                }
            });
        spawned.ok().map(|_| Loader {
            requests,
            results,
            asked: 0,
        })
    }

    /// Asks for `document`'s text; returns the request's number, which
    /// its answer carries (an answer to an older request is stale: the
    /// document may have changed since, or another been asked for).
    pub fn request(&mut self, document: Arc<Document>) -> u64 {
        self.asked += 1;
        let _ = self.requests.send((self.asked, document));
        self.asked
    }

    /// Every text read since the last call.
    pub fn take(&self) -> Vec<Loaded> {
        self.results.try_iter().collect()
    }

    /// Waits (up to `timeout`) for the next text read.
    pub fn wait(&self, timeout: Duration) -> Option<Loaded> {
        self.results.recv_timeout(timeout).ok()
    }
}
