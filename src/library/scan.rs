//! Finding the documents under the paths qari was given, in the background.
//!
//! One thread walks the folders (sorted, hidden entries skipped, a folder
//! reached twice through a symlink read once) and hands out the files in
//! numbered batches; reading threads (eight per core, up to 32: they mostly
//! wait for the disk) read each file's first and last 8 KB (title,
//! direction, encoding, key) and prepare its filter candidate. The reader takes what has arrived, in walk order,
//! whenever it likes ([`Scanner::take`]), so its list grows while the scan
//! goes on and 100,000 files never hold up the first frame.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

use encoding_rs::Encoding;

use super::{Document, Origin, display_name, error_text};
use crate::text::candidate::Candidate;

/// Files per batch handed to a reading thread.
const BATCH: usize = 64;

/// What the scan found at one path.
#[derive(Debug)]
pub enum Found {
    /// A document, with its filter candidate.
    Document(Box<Document>, Candidate),
    /// A file left out as binary.
    Binary,
}

/// A batch of findings, numbered in walk order.
type Batch = (u64, Vec<Found>);

/// Threads that read files: more than the cores, because with a cold page
/// cache each mostly waits for the disk, and more reads in flight finish
/// sooner (100,000 small files after dropping the cache, 2 cores: 3.8 s
/// with 2 threads, 1.9 s with 8, 1.8 s with 16; the same with a warm
/// cache).
fn reading_threads() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (cores * 8).clamp(8, 32)
}

/// Files for a reading thread: their display names and paths.
type Work = (u64, Vec<(String, PathBuf)>);

/// A scan under way.
#[derive(Debug)]
pub struct Scanner {
    results: Receiver<Batch>,
    /// Batches that arrived ahead of one still being read.
    early: BTreeMap<u64, Vec<Found>>,
    next: u64,
    /// Batches there will be in all, once the walk is over.
    total: Arc<AtomicUsize>,
    walked: Arc<AtomicBool>,
    /// Files found so far (read or not).
    seen: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl Scanner {
    /// Starts scanning `paths` (files and folders); `forced` decodes every
    /// file's start with that encoding.
    pub fn start(paths: Vec<PathBuf>, forced: Option<&'static Encoding>) -> Scanner {
        let (results, incoming) = channel::<Batch>();
        let (work, jobs) = channel::<Work>();
        let jobs = Arc::new(Mutex::new(jobs));
        let total = Arc::new(AtomicUsize::new(0));
        let walked = Arc::new(AtomicBool::new(false));
        let seen = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let readers = reading_threads();
        for _ in 0..readers {
            let jobs = Arc::clone(&jobs);
            let results = results.clone();
            let stop = Arc::clone(&stop);
            let spawned = std::thread::Builder::new()
                .name("scan".into())
                .spawn(move || {
                    crate::work::lower_priority();
                    read_batches(&jobs, &results, forced, &stop)
                });
            drop(spawned);
        }
        let walker = Walker {
            work,
            results,
            batch: Vec::new(),
            seq: 0,
            seen: Arc::clone(&seen),
            stop: Arc::clone(&stop),
            visited: HashSet::new(),
        };
        let (t, w) = (Arc::clone(&total), Arc::clone(&walked));
        let spawned = std::thread::Builder::new()
            .name("walk".into())
            .spawn(move || {
                crate::work::lower_priority();
                let batches = walker.walk(&paths);
                t.store(batches as usize, Ordering::SeqCst);
                w.store(true, Ordering::SeqCst);
            });
        if spawned.is_err() {
            walked.store(true, Ordering::SeqCst);
        }
        Scanner {
            results: incoming,
            early: BTreeMap::new(),
            next: 0,
            total,
            walked,
            seen,
            stop,
        }
    }

    /// What has been found since the last call, in walk order.
    pub fn take(&mut self) -> Vec<Found> {
        for (seq, found) in self.results.try_iter() {
            self.early.insert(seq, found);
        }
        let mut out = Vec::new();
        while let Some(found) = self.early.remove(&self.next) {
            out.extend(found);
            self.next += 1;
        }
        out
    }

    /// Whether everything has been taken.
    pub fn is_done(&self) -> bool {
        self.walked.load(Ordering::SeqCst)
            && self.next as usize >= self.total.load(Ordering::SeqCst)
    }

    /// Files found so far.
    pub fn seen(&self) -> usize {
        self.seen.load(Ordering::SeqCst)
    }

    /// Waits for the whole scan and returns everything not yet taken.
    pub fn finish(mut self) -> Vec<Found> {
        let mut out = self.take();
        while !self.is_done() {
            match self
                .results
                .recv_timeout(std::time::Duration::from_millis(50))
            {
                Ok((seq, found)) => {
                    self.early.insert(seq, found);
                    out.extend(self.take());
                }
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => out.extend(self.take()),
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        out.extend(self.take());
        out
    }
}

impl Drop for Scanner {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// A reading thread: takes batches of files until there are none.
fn read_batches(
    jobs: &Mutex<Receiver<Work>>,
    results: &Sender<Batch>,
    forced: Option<&'static Encoding>,
    stop: &AtomicBool,
) {
    loop {
        let job = match jobs.lock() {
            Ok(jobs) => jobs.recv(),
            Err(_) => return,
        };
        let Ok((seq, files)) = job else {
            return;
        };
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let found = files
            .into_iter()
            .map(|(name, path)| read(name, &path, forced))
            .collect();
        if results.send((seq, found)).is_err() {
            return;
        }
    }
}

/// What one file is, for the list.
fn read(name: String, path: &Path, forced: Option<&'static Encoding>) -> Found {
    let document = match Document::load(name.clone(), path, forced) {
        Ok(Some(document)) => document,
        Ok(None) => return Found::Binary,
        Err(error) => Document::unreadable(name, Origin::File(path.to_path_buf()), error),
    };
    let candidate = Candidate::new(&document.title, &document.name);
    Found::Document(Box::new(document), candidate)
}

/// The walking thread's state.
struct Walker {
    work: Sender<Work>,
    results: Sender<Batch>,
    batch: Vec<(String, PathBuf)>,
    seq: u64,
    seen: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    visited: HashSet<PathBuf>,
}

impl Walker {
    /// Walks every path; returns how many batches were numbered.
    fn walk(mut self, paths: &[PathBuf]) -> u64 {
        for path in paths {
            self.path(path, path);
        }
        self.flush();
        self.seq
    }

    fn flush(&mut self) {
        if self.batch.is_empty() {
            return;
        }
        let files = std::mem::take(&mut self.batch);
        let _ = self.work.send((self.seq, files));
        self.seq += 1;
    }

    /// An entry that needs no reading (an error), in its place in the order.
    fn found(&mut self, found: Found) {
        self.flush();
        let _ = self.results.send((self.seq, vec![found]));
        self.seq += 1;
    }

    fn unreadable(&mut self, name: String, path: &Path, error: String) {
        let document = Document::unreadable(name, Origin::File(path.to_path_buf()), error);
        let candidate = Candidate::new(&document.title, &document.name);
        self.found(Found::Document(Box::new(document), candidate));
    }

    fn path(&mut self, root: &Path, path: &Path) {
        if self.stop.load(Ordering::Relaxed) {
            return;
        }
        let shown = display_name(root, path);
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(e) => return self.unreadable(shown, path, error_text(&e)),
        };
        if !meta.is_dir() {
            self.seen.fetch_add(1, Ordering::Relaxed);
            self.batch.push((shown, path.to_path_buf()));
            if self.batch.len() >= BATCH {
                self.flush();
            }
            return;
        }
        // A folder reached twice (a symlink loop) is read once.
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if !self.visited.insert(key) {
            return;
        }
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(path) {
            Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => return self.unreadable(shown, path, error_text(&e)),
        };
        entries.sort();
        for entry in entries {
            let hidden = entry
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if !hidden {
                self.path(root, &entry);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scan_finds_every_file_in_walk_order() {
        let dir = std::env::temp_dir().join(format!("qari-scan-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("b")).expect("folders");
        let mut expected = Vec::new();
        for i in 0..300 {
            let name = format!("a{i:03}.txt");
            std::fs::write(dir.join(&name), format!("عنوان {i}\nنص.\n")).expect("a file");
            expected.push(name);
        }
        std::fs::write(dir.join("b/x.bin"), b"\0\0").expect("a binary file");
        std::fs::write(dir.join("b/y.txt"), "آخر\n").expect("a file");
        std::fs::write(dir.join(".hidden"), "مخفي\n").expect("a hidden file");
        std::os::unix::fs::symlink(&dir, dir.join("b/loop")).expect("a loop");
        expected.push("b/y.txt".into());
        let found = Scanner::start(vec![dir.clone()], None).finish();
        let names: Vec<String> = found
            .iter()
            .filter_map(|f| match f {
                Found::Document(d, _) => Some(d.name.clone()),
                Found::Binary => None,
            })
            .collect();
        assert_eq!(names, expected);
        assert_eq!(
            found.iter().filter(|f| matches!(f, Found::Binary)).count(),
            1
        );
        let first = found.iter().find_map(|f| match f {
            Found::Document(d, c) => Some((d, c)),
            Found::Binary => None,
        });
        let (document, candidate) = first.expect("a document");
        assert_eq!(document.title, "عنوان 0");
        assert_eq!(candidate.title, crate::text::fold::fold_query("عنوان 0"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
