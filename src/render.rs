//! `qari render`: lays out documents and prints the visual lines to stdout,
//! exactly as the reading pane paints them.
//!
//! Each input line is one paragraph (a line longer than 64 KB is laid out
//! in the pieces the reading pane lays it out in); an empty input line
//! prints an empty line. Right-to-left lines are padded on the left to end at the width
//! unless padding is off.
//!
//! An input is held whole when it ends within [`HOLD_BYTES`]; a longer one
//! (a large file, a pipe that never ends) is laid out as it is read, so
//! that memory stays bounded whatever its length (see [`render_input`]).

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::sync::{Condvar, Mutex, mpsc};

use encoding_rs::Encoding;

use crate::fsread::{self, Reading};
use crate::library::decode::{StreamDecoder, decode};
use crate::text::bidi::StrongCounts;
use crate::text::units::{self, Units};
use crate::text::{BaseDirection, Direction, Layout, LayoutOptions, Order, dominant_direction};

/// Options of `qari render`.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    /// Line width in cells.
    pub width: usize,
    /// Break lines at the width.
    pub wrap: bool,
    /// Pad right-to-left lines on the left to end at the width.
    pub pad: bool,
    /// Map Arabic letters to presentation forms.
    pub shape: bool,
    /// Show harakat.
    pub harakat: bool,
    /// Base direction of paragraphs.
    pub direction: BaseDirection,
    /// Cores to lay out on; 0 uses all of them.
    pub threads: usize,
}

/// Splits a document into paragraphs: one per line, whatever its ending
/// (LF, CRLF or a lone CR).
pub fn paragraphs(text: &str) -> impl Iterator<Item = &str> {
    crate::text::lines::lines(text).map(move |range| &text[range])
}

/// Input bytes per task when a document is split across cores (cut at the
/// line end that follows).
const CHUNK_BYTES: usize = 64 * 1024;
/// Tasks laid out but not yet written, at most, per thread: enough to keep
/// every core busy while one slow task holds up the output, few enough to
/// bound the memory.
const AHEAD_PER_THREAD: usize = 4;
/// Documents smaller than this are laid out on one core.
const PARALLEL_MIN_BYTES: usize = 256 * 1024;
/// Output bytes gathered before a write on one core.
const WRITE_BYTES: usize = 64 * 1024;

/// Input that ends within this many bytes is held whole and laid out as one
/// document; from a longer one, only this much is held before its lines
/// are laid out as it is read (its encoding and dominant direction are
/// taken from this much of its start).
pub const HOLD_BYTES: usize = 64 << 20;
/// Input read at a time once it is laid out as it is read.
const READ_BYTES: usize = 4 << 20;
/// The longest line read from a stream (an input that is not a regular
/// file, and so may never end): a stream without a line ending in this
/// many bytes of text is no text (`/dev/zero`), and its render stops. As
/// much as is held, so that a stream that starts so prints nothing.
pub const STREAM_LINE_LIMIT: usize = HOLD_BYTES;

/// How much of an input is held, read at a time, and allowed in a line.
#[derive(Debug, Clone, Copy)]
struct Bounds {
    /// See [`HOLD_BYTES`].
    hold: usize,
    /// See [`READ_BYTES`].
    read: usize,
    /// See [`STREAM_LINE_LIMIT`].
    line: usize,
}

/// The bounds `qari render` runs with.
const BOUNDS: Bounds = Bounds {
    hold: HOLD_BYTES,
    read: READ_BYTES,
    line: STREAM_LINE_LIMIT,
};

/// Why `qari render` stopped before the end of an input.
#[derive(Debug)]
pub enum RenderError {
    /// Reading the input failed.
    Read(io::Error),
    /// Writing the output failed.
    Write(io::Error),
    /// A stream went on for [`STREAM_LINE_LIMIT`] bytes without a line
    /// ending.
    EndlessLine,
}

/// The cores to lay out on.
fn threads(options: &RenderOptions) -> usize {
    match options.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
}

/// Parses a structured document (`format`) and writes its blocks laid out
/// as the reading pane lays them out, one line of text per row.
pub fn render_structured<W: Write>(
    source: &str,
    format: crate::doc::Format,
    options: &RenderOptions,
    out: &mut W,
) -> io::Result<()> {
    let doc = match format {
        crate::doc::Format::Plain => return render_document(source, options, out),
        crate::doc::Format::Markdown => crate::doc::markdown::parse(source),
        crate::doc::Format::Html => crate::doc::html::parse(source),
        crate::doc::Format::OpenIti => crate::doc::openiti::parse(source),
        crate::doc::Format::Epub => crate::doc::Doc::default(),
    };
    render_doc(doc, options, out)
}

/// Writes a parsed document's blocks laid out as the reading pane lays
/// them out.
pub fn render_doc<W: Write>(
    doc: crate::doc::Doc,
    options: &RenderOptions,
    out: &mut W,
) -> io::Result<()> {
    let content = crate::doc::Content::new(doc);
    let fallback = content
        .doc
        .direction
        .unwrap_or_else(|| dominant_direction(&content.text));
    let layout = LayoutOptions {
        width: options.width.max(1),
        wrap: true,
        shape: options.shape,
        harakat: options.harakat,
        direction: options.direction,
        fallback,
        order: Order::Visual,
    };
    for line in crate::doc::layout::render_lines(&content, options.width.max(1), &layout) {
        let line = if options.pad {
            line
        } else {
            line.trim_start().to_string()
        };
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Lays out a whole document and writes its visual lines.
///
/// Paragraphs are independent, so a large document is cut into chunks of
/// whole lines that every core takes in turn, while the calling thread
/// writes the finished chunks in document order.
pub fn render_document<W: Write>(
    text: &str,
    options: &RenderOptions,
    out: &mut W,
) -> io::Result<()> {
    let fallback = dominant(text, threads(options));
    render_piece(text, Piece::whole(text), options, fallback, out)
}

/// Reads one input, lays it out and writes its visual lines.
///
/// Input that ends within [`HOLD_BYTES`] is decoded and laid out whole
/// ([`render_document`]). A longer one is laid out as it is read, in pieces
/// cut at line ends or at the split points of long lines, so memory stays
/// bounded however long it is and every line prints as it would have in
/// the whole text; its encoding and its dominant direction (the direction
/// of paragraphs with no strong character) are those of its first
/// [`HOLD_BYTES`]. `stream` says the input is not a regular file and may
/// never end: a line of it as long as [`STREAM_LINE_LIMIT`] then ends the
/// render with [`RenderError::EndlessLine`] (before any of that line is
/// printed, when it starts the input). `warn` is told the encoding when
/// invalid bytes are first met, after `out` is flushed.
pub fn render_input<R: Read, W: Write>(
    input: &mut R,
    stream: bool,
    forced: Option<&'static Encoding>,
    options: &RenderOptions,
    out: &mut W,
    warn: &mut dyn FnMut(&'static Encoding),
) -> Result<(), RenderError> {
    render_bounded(input, stream, forced, options, out, warn, BOUNDS)
}

/// [`render_input`] within `bounds`.
fn render_bounded<R: Read, W: Write>(
    input: &mut R,
    stream: bool,
    forced: Option<&'static Encoding>,
    options: &RenderOptions,
    out: &mut W,
    warn: &mut dyn FnMut(&'static Encoding),
    bounds: Bounds,
) -> Result<(), RenderError> {
    let mut raw = Vec::new();
    let reading =
        fsread::read_at_most(input, bounds.hold as u64, &mut raw).map_err(RenderError::Read)?;
    if reading == Reading::Whole {
        let decoded = decode(raw, forced);
        if decoded.had_invalid {
            let _ = out.flush();
            warn(decoded.encoding);
        }
        return render_document(&decoded.text, options, out).map_err(RenderError::Write);
    }
    // The allocator keeps what it frees a while: the copies the growing
    // buffer left behind, and then the bytes held once they are text, go
    // back to the system before the next step needs as much again.
    let release = crate::work::release_freed_memory;
    release();
    let mut decoder = StreamDecoder::new(&raw, forced);
    let mut text = String::new();
    let mut invalid = decoder.decode(&raw, false, &mut text);
    raw = Vec::new();
    release();
    let fallback = dominant(&text, threads(options));
    let mut line = 0;
    line_length(&mut line, &text);
    if line == text.len() {
        // Held input with no line ending at all is a line as long as what
        // was held, whatever its bytes decode to (UTF-16 decodes shorter,
        // and a character cut at the end waits for the next read).
        line = line.max(bounds.hold);
    }
    let mut warned = false;
    let mut ended = false;
    // Where the text not laid out yet starts: a line's start, or a split
    // point of a long line (`mid_line`).
    let (mut start, mut mid_line) = (0, false);
    loop {
        if stream && line >= bounds.line {
            let _ = out.flush();
            return Err(RenderError::EndlessLine);
        }
        if invalid && !warned {
            warned = true;
            let _ = out.flush();
            warn(decoder.encoding);
        }
        let end = if ended {
            Some(Chunk {
                end: text.len(),
                mid_line: false,
            })
        } else {
            ready(&text, start, mid_line)
        };
        if let Some(end) = end {
            let piece = Piece {
                start,
                mid_line,
                end,
            };
            render_piece(&text, piece, options, fallback, out).map_err(RenderError::Write)?;
            (start, mid_line) = (end.end, end.mid_line);
        }
        if ended {
            return Ok(());
        }
        // What is laid out goes. Long lines split at multiples of the chunk
        // size counted from the start of the text, so the text keeps its
        // offsets modulo that size: spaces stand in for what went before
        // `start`, which is never looked at again.
        text.replace_range(..start, &" ".repeat(start % units::CHUNK));
        start %= units::CHUNK;
        text.shrink_to(4 * bounds.read);
        release();
        raw.clear();
        let reading =
            fsread::read_at_most(input, bounds.read as u64, &mut raw).map_err(RenderError::Read)?;
        ended = reading == Reading::Whole;
        let before = text.len();
        invalid |= decoder.decode(&raw, ended, &mut text);
        line_length(&mut line, &text[before..]);
    }
}

/// Adds to `line`, the length of the line a stream is in so far, the text
/// that came next.
fn line_length(line: &mut usize, next: &str) {
    match memchr::memrchr2(b'\n', b'\r', next.as_bytes()) {
        Some(i) => *line = next.len() - i - 1,
        None => *line += next.len(),
    }
}

/// How far the text held of a stream can be laid out before more is read
/// (from `start`, a split point of a long line if `mid_line`): to the last
/// split point of the line it ends in that the bytes held decide, when that
/// line is longer than a chunk, else to the end of its last whole line;
/// `None` when nothing can be laid out yet.
fn ready(text: &str, start: usize, mid_line: bool) -> Option<Chunk> {
    let bytes = text.as_bytes();
    // The last byte may be a CR whose LF is still to come.
    let settled = bytes.len().checked_sub(1)?;
    if settled <= start {
        return None;
    }
    let ending = memchr::memrchr2(b'\n', b'\r', &bytes[start..settled]).map(|i| start + i);
    let line_end = |at: usize| {
        if bytes[at] == b'\r' && bytes[at + 1] == b'\n' {
            at + 2
        } else {
            at + 1
        }
    };
    let line_start = ending.map_or(start, line_end);
    let long = (ending.is_none() && mid_line) || settled - line_start > units::CHUNK;
    if long {
        // A split point is decided once the window after its multiple of
        // the chunk size is all there (see `text::units`).
        let decided = Units::new(bytes)
            .splits(line_start..settled, true)
            .take_while(|&point| point / units::CHUNK * units::CHUNK + units::SLACK <= settled)
            .last();
        if let Some(point) = decided {
            return Some(Chunk {
                end: point,
                mid_line: true,
            });
        }
    }
    ending.map(|at| Chunk {
        end: line_end(at),
        mid_line: false,
    })
}

/// The dominant direction of `text`, counted on `threads` cores when it is
/// large.
fn dominant(text: &str, threads: usize) -> Direction {
    if threads == 1 || text.len() < PARALLEL_MIN_BYTES {
        return dominant_direction(text);
    }
    let pieces = split_evenly(text, threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = pieces
            .iter()
            .map(|&piece| scope.spawn(move || StrongCounts::of(piece)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .fold(StrongCounts::default(), |a, b| a + b)
    })
    .dominant()
}

/// Lays out `piece` of `text`, giving paragraphs with no strong character
/// the direction `fallback`; on several cores when it is large.
fn render_piece<W: Write>(
    text: &str,
    piece: Piece,
    options: &RenderOptions,
    fallback: Direction,
    out: &mut W,
) -> io::Result<()> {
    let threads = threads(options);
    if threads > 1 && piece.end.end - piece.start >= PARALLEL_MIN_BYTES {
        return render_parallel(text, piece, options, fallback, threads, CHUNK_BYTES, out);
    }
    let mut renderer = Renderer::new(options, fallback);
    let mut buffer = Vec::new();
    let mut result = Ok(());
    renderer.chunk(
        text,
        piece.start,
        piece.mid_line,
        piece.end,
        &mut buffer,
        &mut |buffer| {
            if buffer.len() >= WRITE_BYTES && result.is_ok() {
                result = out.write_all(buffer);
                buffer.clear();
            }
            result.is_ok()
        },
    );
    result?;
    out.write_all(&buffer)
}

/// One worker's reusable state: the options and a layout whose buffers
/// serve every paragraph it lays out.
struct Renderer {
    options: LayoutOptions,
    pad: Option<usize>,
    layout: Layout,
}

impl Renderer {
    fn new(options: &RenderOptions, fallback: Direction) -> Renderer {
        let options_for_layout = LayoutOptions {
            width: options.width.max(1),
            wrap: options.wrap,
            shape: options.shape,
            harakat: options.harakat,
            direction: options.direction,
            fallback,
            order: Order::Visual,
        };
        Renderer {
            layout: Layout::new("", &options_for_layout),
            options: options_for_layout,
            pad: options.pad.then_some(options.width),
        }
    }

    /// Appends the visual lines of the chunk of `text` from `start` to
    /// `chunk.end`. `mid_line` tells that `start` is a split point inside a
    /// long line. A line longer than [`units::CHUNK`] is laid out in the
    /// pieces the reading pane lays it out in (see [`crate::text::units`]),
    /// so that no line, however long, is laid out whole. `flush` is called
    /// after each paragraph and says whether to go on.
    fn chunk(
        &mut self,
        text: &str,
        start: usize,
        mid_line: bool,
        chunk: Chunk,
        out: &mut Vec<u8>,
        flush: &mut dyn FnMut(&mut Vec<u8>) -> bool,
    ) {
        let units = Units::new(text.as_bytes());
        let mut lines = crate::text::lines::lines(&text[start..chunk.end]).peekable();
        let mut first = true;
        while let Some(line) = lines.next() {
            let line = start + line.start..start + line.end;
            let last = lines.peek().is_none();
            let long = line.len() > units::CHUNK || (first && mid_line) || (last && chunk.mid_line);
            first = false;
            let mut from = line.start;
            let splits = if long {
                Some(units.splits(line.clone(), true))
            } else {
                None
            };
            for to in splits.into_iter().flatten().chain([line.end]) {
                self.paragraph(&text[from..to], out);
                from = to;
                if !flush(out) {
                    return;
                }
            }
        }
    }

    /// Appends one paragraph's visual lines, each ending in a newline.
    fn paragraph(&mut self, paragraph: &str, out: &mut Vec<u8>) {
        if paragraph.is_empty() {
            out.push(b'\n');
            return;
        }
        self.layout.lay_out(paragraph, &self.options);
        for visual in self.layout.lines() {
            visual.write_bytes(out, self.pad);
            out.push(b'\n');
        }
    }
}

/// Where a chunk of the text ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Chunk {
    /// One past its last byte.
    end: usize,
    /// The end is a split point inside a long line, not a line's end.
    mid_line: bool,
}

/// A stretch of a text to lay out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    /// Its first byte: a line's start or, with `mid_line`, a split point.
    start: usize,
    /// `start` is a split point inside a long line.
    mid_line: bool,
    /// Where it ends.
    end: Chunk,
}

impl Piece {
    /// The whole of `text`.
    fn whole(text: &str) -> Piece {
        Piece {
            start: 0,
            mid_line: false,
            end: Chunk {
                end: text.len(),
                mid_line: false,
            },
        }
    }
}

/// Where each chunk of `piece` of `text` ends: about every `chunk_bytes`,
/// just after a line ending, so that no chunk splits a line or a CRLF pair
/// and the lines of the chunks are the lines of the text; or, inside a line
/// longer than [`units::CHUNK`], at one of its split points, so that a
/// document of one huge line is shared between cores too. The last chunk
/// ends where the piece does. The walk reads each byte about once.
fn chunk_ends(text: &str, piece: Piece, chunk_bytes: usize) -> Vec<Chunk> {
    let bytes = &text.as_bytes()[..piece.end.end];
    let units = Units::new(bytes);
    let ending = |from: usize, to: usize| memchr::memchr2(b'\n', b'\r', &bytes[from..to]);
    let after_ending = |at: usize| {
        if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
            at + 2
        } else {
            at + 1
        }
    };
    let mut ends = Vec::with_capacity((bytes.len() - piece.start) / chunk_bytes.max(1) + 1);
    let mut start = piece.start;
    while start < bytes.len() {
        let target = (start + chunk_bytes.max(1)).min(bytes.len());
        // Past a CR that may be followed by its LF.
        let from = target - 1;
        // A line with no ending here is longer than a chunk.
        let window = (from + units::CHUNK + units::SLACK + 1).min(bytes.len());
        let chunk = match ending(from, window) {
            Some(i) => Chunk {
                end: after_ending(from + i).min(bytes.len()),
                mid_line: false,
            },
            None if window == bytes.len() => Chunk {
                end: bytes.len(),
                mid_line: false,
            },
            None => {
                // The line holding `from` is long. It starts after the
                // last ending before `from`, or else `start` is its start
                // or one of its split points. Its first split point from
                // `target` on falls inside the window.
                let line_start = memchr::memrchr2(b'\n', b'\r', &bytes[start..from])
                    .map_or(start, |i| start + i + 1);
                let mut splits = units.splits(line_start..window, true);
                match splits.find(|&p| p >= target) {
                    Some(point) => Chunk {
                        end: point,
                        mid_line: true,
                    },
                    None => Chunk {
                        end: ending(window, bytes.len())
                            .map_or(bytes.len(), |i| after_ending(window + i).min(bytes.len())),
                        mid_line: false,
                    },
                }
            }
        };
        ends.push(chunk);
        start = chunk.end;
    }
    if let Some(last) = ends.last_mut() {
        last.mid_line = piece.end.mid_line;
    }
    ends
}

/// Cuts `text` into `parts` pieces at character boundaries.
fn split_evenly(text: &str, parts: usize) -> Vec<&str> {
    let mut pieces = Vec::with_capacity(parts);
    let mut rest = text;
    for left in (1..=parts).rev() {
        let mut at = rest.len() / left;
        while !rest.is_char_boundary(at) {
            at += 1;
        }
        let (piece, tail) = rest.split_at(at);
        pieces.push(piece);
        rest = tail;
    }
    pieces
}

/// What the writer and the workers share.
struct Shared {
    /// The next chunk to lay out.
    next: usize,
    /// Chunks written so far (all those before this index).
    written: usize,
    /// Emptied output buffers, for the workers to reuse.
    free: Vec<Vec<u8>>,
    /// Set when writing failed or a worker panicked: everyone stops.
    stop: bool,
}

/// Stops the other threads if a worker panics, so that none waits forever
/// for a chunk that will not come.
struct StopOnPanic<'a>(&'a (Mutex<Shared>, Condvar));

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let (lock, wake) = self.0;
            if let Ok(mut shared) = lock.lock() {
                shared.stop = true;
            }
            wake.notify_all();
        }
    }
}

/// Lays out `piece` of `text` on `threads` worker threads, in chunks of
/// about `chunk_bytes`, and writes the chunks in order on this thread as
/// they are finished.
fn render_parallel<W: Write>(
    text: &str,
    piece: Piece,
    options: &RenderOptions,
    fallback: Direction,
    threads: usize,
    chunk_bytes: usize,
    out: &mut W,
) -> io::Result<()> {
    let ends = chunk_ends(text, piece, chunk_bytes);
    let ahead = threads * AHEAD_PER_THREAD;
    let state = (
        Mutex::new(Shared {
            next: 0,
            written: 0,
            free: Vec::new(),
            stop: false,
        }),
        Condvar::new(),
    );
    let (done, finished) = mpsc::channel::<(usize, Vec<u8>)>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let done = done.clone();
            let (state, ends) = (&state, &ends);
            scope.spawn(move || {
                let _guard = StopOnPanic(state);
                let (lock, wake) = state;
                let mut renderer = Renderer::new(options, fallback);
                loop {
                    let (index, mut buffer) = {
                        let mut shared = lock.lock().unwrap_or_else(|e| e.into_inner());
                        // Waits while the chunks laid out ahead of the
                        // writer are as many as allowed.
                        while !shared.stop
                            && shared.next < ends.len()
                            && shared.next >= shared.written + ahead
                        {
                            shared = wake.wait(shared).unwrap_or_else(|e| e.into_inner());
                        }
                        if shared.stop || shared.next >= ends.len() {
                            return;
                        }
                        shared.next += 1;
                        (shared.next - 1, shared.free.pop().unwrap_or_default())
                    };
                    let (start, mid_line) = match index {
                        0 => (piece.start, piece.mid_line),
                        i => (ends[i - 1].end, ends[i - 1].mid_line),
                    };
                    renderer.chunk(text, start, mid_line, ends[index], &mut buffer, &mut |_| {
                        true
                    });
                    if done.send((index, buffer)).is_err() {
                        return;
                    }
                }
            });
        }
        // Only the workers hold senders now: if they all stop early, the
        // loop below sees the channel close instead of waiting forever.
        drop(done);
        let (lock, wake) = &state;
        // Finished chunks waiting for an earlier one, by index.
        let mut waiting: BTreeMap<usize, Vec<u8>> = BTreeMap::new();
        let mut written = 0;
        let mut result = Ok(());
        while written < ends.len() {
            let Ok((index, buffer)) = finished.recv() else {
                break;
            };
            waiting.insert(index, buffer);
            while let Some(mut buffer) = waiting.remove(&written) {
                if let Err(e) = out.write_all(&buffer) {
                    result = Err(e);
                    break;
                }
                buffer.clear();
                written += 1;
                let mut shared = lock.lock().unwrap_or_else(|e| e.into_inner());
                shared.written = written;
                shared.free.push(buffer);
                drop(shared);
                wake.notify_all();
            }
            if result.is_err() {
                break;
            }
        }
        if written < ends.len() {
            lock.lock().unwrap_or_else(|e| e.into_inner()).stop = true;
            wake.notify_all();
        }
        result
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::BaseDirection;

    fn options(threads: usize) -> RenderOptions {
        RenderOptions {
            width: 37,
            wrap: true,
            pad: true,
            shape: true,
            harakat: true,
            direction: BaseDirection::Auto,
            threads,
        }
    }

    /// Mixed paragraphs, empty ones and every line ending, numbered so that
    /// a chunk out of place changes the output.
    fn document(min_len: usize) -> String {
        let mut text = String::new();
        let mut i = 0;
        while text.len() < min_len {
            text.push_str(&format!("سطر رقم {i} (عربي) مع English وأرقام ٣٤٥.\n\n"));
            text.push_str(&format!("line {i}\r\n({i})\r"));
            i += 1;
        }
        text
    }

    #[test]
    fn parallel_output_equals_sequential_output() {
        let text = document(2 * PARALLEL_MIN_BYTES);
        let (mut one, mut two) = (Vec::new(), Vec::new());
        render_document(&text, &options(1), &mut one).expect("render");
        render_document(&text, &options(2), &mut two).expect("render");
        assert!(one.len() > text.len());
        assert!(one == two, "the parallel path changes the output");
    }

    #[test]
    fn output_order_is_kept_for_every_thread_count_and_chunk_size() {
        let text = document(20_000);
        same_output_in_parallel(&text, 1..=5, &[1, 2, 3, 50, 333, 4096, 1 << 20]);
    }

    /// Asserts that rendering `text` on each number of threads, in chunks
    /// of each size, prints what rendering it on one core prints.
    fn same_output_in_parallel(
        text: &str,
        threads: impl IntoIterator<Item = usize>,
        chunk_sizes: &[usize],
    ) {
        let mut expected = Vec::new();
        render_document(text, &options(1), &mut expected).expect("render");
        for threads in threads {
            for &chunk_bytes in chunk_sizes {
                let mut out = Vec::new();
                let options = options(threads);
                let whole = Piece::whole(text);
                let fallback = dominant_direction(text);
                render_parallel(
                    text,
                    whole,
                    &options,
                    fallback,
                    threads,
                    chunk_bytes,
                    &mut out,
                )
                .expect("render");
                assert!(
                    out == expected,
                    "{threads} threads, chunks of {chunk_bytes} bytes"
                );
            }
        }
    }

    #[test]
    fn chunks_end_after_line_feeds_and_cover_the_text() {
        let text = "ab\r\ncd\n\nef\rgh\ni";
        for chunk_bytes in 1..=text.len() + 1 {
            let ends = chunk_ends(text, Piece::whole(text), chunk_bytes);
            assert_eq!(ends.last().map(|c| c.end), Some(text.len()));
            let mut start = 0;
            for chunk in &ends {
                assert!(chunk.end > start, "empty chunk at {start}");
                assert!(!chunk.mid_line);
                let before = text.as_bytes()[chunk.end - 1];
                assert!(chunk.end == text.len() || before == b'\n' || before == b'\r');
                assert!(
                    !text[chunk.end..].starts_with('\n') || before != b'\r',
                    "CRLF split"
                );
                start = chunk.end;
            }
        }
        assert!(chunk_ends("", Piece::whole(""), 10).is_empty());
    }

    /// A document of short lines around two lines of several chunks each.
    fn long_lines() -> String {
        let mut text = String::from("أول سطر\n");
        let word = ["كلمة ", "(قوس) ", "English ", "١٢٣ "];
        let mut i = 0;
        while text.len() < 5 * units::CHUNK {
            text.push_str(word[i % word.len()]);
            i += 1;
        }
        text.push_str("\nسطر قصير\r\n");
        // No space at all: split at character boundaries.
        text.push_str(&"ب".repeat(3 * units::CHUNK / 2));
        text.push_str("\n\nآخر سطر");
        text
    }

    #[test]
    fn long_lines_are_laid_out_in_the_pieces_the_reader_lays_out() {
        let text = long_lines();
        let units = Units::new(text.as_bytes());
        let mut expected = Vec::new();
        let mut renderer = Renderer::new(&options(1), dominant_direction(&text));
        let mut unit = units.first();
        let mut count = 0;
        while let Some(u) = unit {
            if u.gap_before {
                expected.push(b'\n');
            }
            renderer.paragraph(&text[u.range()], &mut expected);
            unit = units.next(&u);
            count += 1;
        }
        assert!(count > 8, "{count} units");
        let mut out = Vec::new();
        render_document(&text, &options(1), &mut out).expect("render");
        assert!(out == expected, "render and the reader's units differ");
    }

    #[test]
    fn long_lines_are_shared_between_cores_in_order() {
        let text = long_lines();
        let ends = chunk_ends(&text, Piece::whole(&text), CHUNK_BYTES);
        assert!(ends.iter().filter(|c| c.mid_line).count() >= 4, "{ends:?}");
        same_output_in_parallel(&text, [2, 3], &[1, 1000, CHUNK_BYTES, 3 * CHUNK_BYTES]);
    }

    #[test]
    fn even_pieces_cut_at_character_boundaries() {
        let text = "سلام abc عليكم";
        for parts in 1..=text.len() + 2 {
            let pieces = split_evenly(text, parts);
            assert_eq!(pieces.len(), parts);
            assert_eq!(pieces.concat(), text);
            let counts = pieces
                .iter()
                .map(|p| StrongCounts::of(p))
                .fold(StrongCounts::default(), |a, b| a + b);
            assert_eq!(counts, StrongCounts::of(text));
        }
    }

    #[test]
    fn a_failed_write_ends_the_render_with_its_error() {
        struct Failing(usize);
        impl Write for Failing {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                if self.0 == 0 {
                    return Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"));
                }
                self.0 -= 1;
                Ok(buf.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let text = document(50_000);
        let (whole, fallback) = (Piece::whole(&text), Direction::Rtl);
        let result = render_parallel(&text, whole, &options(2), fallback, 2, 100, &mut Failing(3));
        assert_eq!(result.map_err(|e| e.kind()), Err(io::ErrorKind::BrokenPipe));
    }

    #[test]
    fn paragraphs_split_on_lf_and_crlf() {
        let p: Vec<_> = paragraphs("a\r\n\nb\n").collect();
        assert_eq!(p, ["a", "", "b"]);
        assert_eq!(paragraphs("").count(), 0);
        assert_eq!(paragraphs("x").collect::<Vec<_>>(), ["x"]);
    }

    /// Renders `bytes` read in pieces of `read` bytes after holding `hold`,
    /// as a stream with a line limit of `line`; returns the output, the
    /// result and the encodings warned about.
    fn streamed(
        bytes: &[u8],
        threads: usize,
        (hold, read, line): (usize, usize, usize),
    ) -> (Vec<u8>, Result<(), RenderError>, Vec<&'static str>) {
        let mut out = Vec::new();
        let mut warned = Vec::new();
        let bounds = Bounds { hold, read, line };
        let result = render_bounded(
            &mut &bytes[..],
            true,
            None,
            &options(threads),
            &mut out,
            &mut |encoding| warned.push(encoding.name()),
            bounds,
        );
        (out, result, warned)
    }

    #[test]
    fn a_stream_laid_out_as_it_is_read_prints_what_the_whole_text_prints() {
        let mut long = long_lines().into_bytes();
        long.extend_from_slice(b"\r\n\r\n");
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(document(100_000).as_bytes());
        let mut damaged = document(200_000).into_bytes();
        damaged[150_001] = 0xFF;
        let legacy = encoding_rs::WINDOWS_1256
            .encode(&document(80_000))
            .0
            .into_owned();
        for (what, bytes) in [
            ("long lines", &long),
            ("a BOM", &bom),
            ("invalid bytes", &damaged),
            ("windows-1256", &legacy),
        ] {
            let decoded = decode(bytes.clone(), None);
            let mut expected = Vec::new();
            render_document(&decoded.text, &options(1), &mut expected).expect("render");
            let warning = decoded.had_invalid.then_some(decoded.encoding.name());
            for threads in [1, 2] {
                for bounds in [
                    (100, 997, 1 << 20),
                    (70_000, 65_537, 1 << 20),
                    (500, 300_000, 1 << 20),
                ] {
                    let (out, result, warned) = streamed(bytes, threads, bounds);
                    let case = format!("{what}, {threads} threads, {bounds:?}");
                    assert!(result.is_ok(), "{case}: {result:?}");
                    assert!(out == expected, "{case}: the output differs");
                    assert_eq!(warned, Vec::from_iter(warning), "{case}");
                }
            }
        }
        // Every line ending, read a byte or a few at a time.
        let text = document(3_000);
        let mut expected = Vec::new();
        render_document(&text, &options(1), &mut expected).expect("render");
        for read in 1..=5 {
            let (out, result, _) = streamed(text.as_bytes(), 1, (100, read, 1 << 20));
            assert!(result.is_ok() && out == expected, "read {read} at a time");
        }
    }

    #[test]
    fn a_stream_without_line_endings_stops_at_the_line_limit() {
        // Endless: stops before printing anything of its one line.
        let mut endless = io::repeat(b'x');
        let mut out = Vec::new();
        let bounds = Bounds {
            hold: 100_000,
            read: 150_000,
            line: 100_000,
        };
        let result = render_bounded(
            &mut endless,
            true,
            None,
            &options(2),
            &mut out,
            &mut |_| {},
            bounds,
        );
        assert!(
            matches!(result, Err(RenderError::EndlessLine)),
            "{result:?}"
        );
        assert!(out.is_empty());
        // Lines of any number, each within the limit, all print.
        let text = "سطر\n".repeat(100_000);
        let (out, result, _) = streamed(text.as_bytes(), 2, (1000, 4096, 100));
        assert!(result.is_ok(), "{result:?}");
        assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 100_000);
        // One line past it, after others: what came before it is printed.
        let mut text = "سطر\n".repeat(1000);
        text.push_str(&"ب".repeat(100_000));
        let (out, result, _) = streamed(text.as_bytes(), 1, (1000, 4096, 150_000));
        assert!(
            matches!(result, Err(RenderError::EndlessLine)),
            "{result:?}"
        );
        assert!(out.iter().filter(|&&b| b == b'\n').count() >= 1000);
    }
}
