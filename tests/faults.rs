//! Fault injection on the state file: processes killed with SIGKILL in the
//! middle of saving, several real qari processes reading and bookmarking at
//! once, and a real qari killed while it writes. Each test prints what it
//! measured (past the harness's capture); the README's "Reliability"
//! section reports those figures.
//!
//! `QARI_BIN` runs the tmux tests against another qari binary (an older
//! build, to see what it loses); `FAULTS_SEED` replays the kill test's
//! delays.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::report;
use common::tmux::{Pane, Tmux};
use qari::library::{Document, Library};
use qari::state::{self, DocKey, Place, Store};

/// How many times the saving child is killed.
const KILLS: usize = 150;

/// How many documents the saving child keeps (a file of some 30 KB).
const CHILD_DOCUMENTS: usize = 100;

/// Kills land this long (at most) after the child's first save; the child
/// saves in a tight loop all that time.
const MAX_DELAY: Duration = Duration::from_millis(30);

/// The kill test's child, run by name from the test binary itself.
const CHILD: &str = "child_saving_in_a_loop";

/// Names the state folder of [`child_saving_in_a_loop`]; without it the
/// child does nothing.
const CHILD_DIR: &str = "QARI_FAULTS_CHILD_DIR";

/// What the child prints once it has saved once.
const CHILD_SAVED: &str = "child: first save done";

/// The temporary files a save writes before renaming one over `state.toml`.
const TMP_PREFIX: &str = "state.toml.tmp-";

/// A folder under the system temp folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let path = std::env::temp_dir().join(format!("qari-faults-{name}-{}", std::process::id()));
        // A leftover from an earlier run with the same pid.
        let _ = std::fs::remove_dir_all(&path);
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The names in `dir` that start with `prefix`.
fn names_starting(dir: &Path, prefix: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(prefix))
        .collect()
}

/// A xorshift64 generator: enough to spread kill times, and replayable
/// from the seed it starts with.
struct XorShift(u64);

impl XorShift {
    /// The seed from `FAULTS_SEED`, else from the clock.
    fn seed() -> u64 {
        std::env::var("FAULTS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                let nanos = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(1, |d| d.as_nanos());
                // The low 64 bits; xorshift needs a state other than zero.
                (nanos as u64) | 1
            })
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A duration from zero up to (not including) `max`.
    fn duration_below(&mut self, max: Duration) -> Duration {
        let micros = u64::try_from(max.as_micros()).unwrap_or(u64::MAX).max(1);
        Duration::from_micros(self.next() % micros)
    }
}

/// The documents the saving child keeps.
fn child_keys() -> Vec<DocKey> {
    (0..CHILD_DOCUMENTS)
        .map(|d| DocKey {
            hash: format!("{d:016x}"),
            path: format!("/books/{d}.txt"),
        })
        .collect()
}

/// The letter `n` places after `first`, going round the alphabet.
fn letter(first: u8, n: usize) -> char {
    char::from(first + (n % 26) as u8)
}

/// Run by [`kill_9_mid_save_leaves_a_whole_state_file`] as a process of its
/// own: saves every document's position, a bookmark in each (three letters
/// in turn, so that the file stays small and writing it is a good part of
/// each save) and a global bookmark, round after round, until it is killed.
/// Every save writes the same round into every document, so a file holding
/// two rounds would be parts of two saves.
#[test]
#[ignore = "the kill test's child: it saves until it is killed"]
fn child_saving_in_a_loop() {
    let Some(dir) = std::env::var_os(CHILD_DIR) else {
        report("child_saving_in_a_loop runs only as the kill test's child");
        return;
    };
    let keys = child_keys();
    let (mut store, warning) = Store::open(Some(PathBuf::from(dir)));
    assert_eq!(warning, None);
    for round in 0.. {
        let time = state::now();
        for (d, key) in keys.iter().enumerate() {
            let place = Place {
                start: round,
                offset: d,
            };
            store.set_position(key, place, time);
            store.set_mark(key, letter(b'a', round % 3), place, time);
        }
        let place = Place {
            start: round,
            offset: 0,
        };
        store.set_global_mark(letter(b'A', round), &keys[round % keys.len()], place, time);
        store.save().expect("a save");
        if round == 0 {
            println!("{CHILD_SAVED}");
        }
    }
}

/// The child's file after a kill: valid state, opened without a warning,
/// holding one save (every document at the same round).
fn assert_whole(dir: &Path, keys: &[DocKey], run: usize) {
    let (store, warning) = Store::open(Some(dir.to_path_buf()));
    assert_eq!(warning, None, "kill {run}: the file could not be used");
    let rounds: BTreeSet<usize> = keys
        .iter()
        .map(|key| {
            store
                .get(key)
                .unwrap_or_else(|| panic!("kill {run}: document {} missing", key.path))
                .position
                .start
        })
        .collect();
    assert_eq!(
        rounds.len(),
        1,
        "kill {run}: documents from different saves: rounds {rounds:?}"
    );
}

#[test]
fn kill_9_mid_save_leaves_a_whole_state_file() {
    let dir = TempDir::new("kill");
    let keys = child_keys();
    let seed = XorShift::seed();
    report(&format!(
        "kill -9: seed {seed} (FAULTS_SEED={seed} replays these delays)"
    ));
    let mut random = XorShift(seed);
    let exe = std::env::current_exe().expect("the test binary");
    let started = Instant::now();
    let mut mid_save = 0;
    for run in 1..=KILLS {
        let mut child = Command::new(&exe)
            .args(["--exact", CHILD, "--nocapture", "--ignored"])
            .env(CHILD_DIR, &dir.0)
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the child");
        let stdout = child.stdout.take().expect("the child's output");
        let saved = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .any(|line| line == CHILD_SAVED);
        assert!(saved, "kill {run}: the child ended before it saved");
        std::thread::sleep(random.duration_below(MAX_DELAY));
        child.kill().expect("SIGKILL");
        let status = child.wait().expect("the child's end");
        assert_eq!(
            status.signal(),
            Some(libc::SIGKILL),
            "kill {run}: the child ended otherwise: {status}"
        );
        // A temporary file left behind: the kill came between its
        // creation and the rename, in the middle of writing the file.
        if !names_starting(&dir.0, TMP_PREFIX).is_empty() {
            mid_save += 1;
        }
        assert_whole(&dir.0, &keys, run);
    }
    // A clean save afterwards clears what the killed saves left.
    let (mut store, warning) = Store::open(Some(dir.0.clone()));
    assert_eq!(warning, None);
    store.set_position(&keys[0], Place::default(), state::now());
    store.save().expect("a clean save");
    assert_eq!(names_starting(&dir.0, TMP_PREFIX), Vec::<String>::new());
    assert_eq!(
        names_starting(&dir.0, "state.toml.corrupt"),
        Vec::<String>::new()
    );
    report(&format!(
        "kill -9: {KILLS} kills in {:.1} s, {mid_save} while a save was writing \
         its temporary file, 0 state files broken",
        started.elapsed().as_secs_f64()
    ));
    assert!(
        mid_save > 0,
        "no kill landed while a temporary file existed: nothing was tested mid-save"
    );
}

/// The qari binary the tmux tests run: `QARI_BIN`, else this build's.
fn qari() -> String {
    std::env::var("QARI_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_qari").to_string())
}

/// The state folder of a tmux server's home.
fn state_dir(tmux: &Tmux) -> PathBuf {
    tmux.home.join(".local/state/qari")
}

/// Opens the state a server's qari processes left, asserting it is valid.
fn saved_state(tmux: &Tmux) -> Store {
    let (store, warning) = Store::open(Some(state_dir(tmux)));
    assert_eq!(warning, None, "the state file is valid");
    store
}

/// Polls the state file until `ok` holds for it (up to 20 s: qari saves
/// every five seconds while idle, and a second after finding the lock held).
fn wait_for_state(tmux: &Tmux, what: &str, ok: impl Fn(&Store) -> bool) {
    let start = Instant::now();
    while !ok(&saved_state(tmux)) {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Writes `text` to `path` and returns the key qari keeps it under.
fn book(path: &Path, text: &str) -> DocKey {
    std::fs::write(path, text).expect("a document");
    Document::load("book".into(), path, None)
        .expect("readable")
        .expect("text")
        .key()
}

/// A bundled document's text.
fn bundled_text(index: usize) -> String {
    Library::bundled().documents[index]
        .text(None)
        .expect("a bundled text")
        .as_str()
        .into_owned()
}

/// Types `m` and `letter` and waits until qari says the bookmark is set.
fn set_mark(pane: &Pane, letter: char) {
    pane.keys(&["m", &letter.to_string()]);
    pane.wait_for(
        &format!("bookmark {letter} set"),
        &format!("bookmark {letter}"),
    );
}

/// Quits qari in `pane` and waits for the shell.
fn quit(pane: &Pane) {
    pane.keys(&["q"]);
    pane.wait_for("READY$", "the shell after qari quit");
}

/// How many qari processes read at once.
const INSTANCES: usize = 5;

/// The order they quit in (they start in order 0, 1, 2, 3, 4).
const QUIT_ORDER: [usize; INSTANCES] = [3, 1, 4, 0, 2];

#[test]
fn five_instances_at_once_keep_every_bookmark() {
    let Some(tmux) = Tmux::start() else {
        return;
    };
    let panes: Vec<Pane> = (0..INSTANCES)
        .map(|i| match i {
            0 => tmux.pane("0"),
            _ => tmux.shell(&i.to_string()),
        })
        .collect();
    // One document every instance reads, and one of each instance's own
    // (each a bundled text with a line of its own, so that no two are alike).
    let books = tmux.home.join("books");
    std::fs::create_dir_all(&books).expect("a folder");
    let shared_path = books.join("shared.txt");
    let shared = book(&shared_path, &bundled_text(0));
    let own: Vec<(PathBuf, DocKey)> = (0..INSTANCES)
        .map(|i| {
            let path = books.join(format!("own-{i}.txt"));
            let text = format!("{}\nنسخة {i}\n", bundled_text(1 + i % 4));
            let key = book(&path, &text);
            (path, key)
        })
        .collect();

    // All start together.
    for (pane, (own_path, _)) in panes.iter().zip(&own) {
        let command = format!(
            "clear; {} {} {}",
            qari(),
            shared_path.display(),
            own_path.display()
        );
        pane.keys(&[&command, "Enter"]);
    }
    for pane in &panes {
        pane.wait_for("Documents: 2", "both documents listed");
    }
    // Each step is taken by every instance in turn, so that all of them
    // hold the shared document in memory while the others change it.
    for (i, pane) in panes.iter().enumerate() {
        // Into the shared document, to a place of its own.
        pane.keys(&["Enter"]);
        for _ in 0..=i % 3 {
            pane.keys(&["Space"]);
        }
        set_mark(pane, letter(b'a', i));
    }
    for (i, pane) in panes.iter().enumerate() {
        pane.keys(&["j"]);
        set_mark(pane, letter(b'A', i));
    }
    for (i, pane) in panes.iter().enumerate() {
        // `]`: the next document, the instance's own.
        pane.keys(&["]", "Space"]);
        set_mark(pane, letter(b'f', i));
    }
    for (i, pane) in panes.iter().enumerate() {
        // Back to the shared document, at the instance's bookmark there.
        pane.keys(&["'", &letter(b'a', i).to_string(), "j"]);
    }
    // qari saves every few seconds while idle: wait until every instance
    // has saved by itself while the others still run, so that the quits
    // below merge with a file the others have changed since.
    wait_for_state(&tmux, "an idle save by every instance", |store| {
        own.iter().enumerate().all(|(i, (_, key))| {
            store
                .get(key)
                .and_then(|e| e.mark(letter(b'f', i)))
                .is_some()
        })
    });
    // They quit in another order; before each quits, the others read on in
    // the shared document, so their place in it is newer than the quitter's.
    let mut running: Vec<usize> = (0..INSTANCES).collect();
    for &leaving in &QUIT_ORDER {
        running.retain(|&i| i != leaving);
        for &i in &running {
            panes[i].keys(&["Space", "j"]);
        }
        quit(&panes[leaving]);
    }

    let store = saved_state(&tmux);
    let in_document =
        |key: &DocKey, mark: char| store.get(key).and_then(|e| e.mark(mark)).is_some();
    let (mut kept, mut lost) = (Vec::new(), Vec::new());
    for (i, (_, own_key)) in own.iter().enumerate() {
        let (shared_mark, global_mark, own_mark) =
            (letter(b'a', i), letter(b'A', i), letter(b'f', i));
        let global_kept = store
            .global_mark(global_mark)
            .is_some_and(|(key, _)| key.hash == shared.hash);
        for (mark, present) in [
            (shared_mark, in_document(&shared, shared_mark)),
            (global_mark, global_kept),
            (own_mark, in_document(own_key, own_mark)),
        ] {
            if present {
                kept.push(mark);
            } else {
                lost.push(mark);
            }
        }
    }
    report(&format!(
        "{INSTANCES} instances at once ({}): {} of {} bookmarks kept; lost: {lost:?}",
        qari(),
        kept.len(),
        INSTANCES * 3
    ));
    assert!(lost.is_empty(), "bookmarks lost: {lost:?}");
}

#[test]
fn a_bookmark_deleted_in_one_instance_stays_deleted_when_another_saves_later() {
    let Some(tmux) = Tmux::start() else {
        return;
    };
    // Bookmarks z and Z in the first bundled document, there before either
    // instance starts: both read them into memory.
    let first = Library::bundled().documents[0].key();
    let (mut seed, _) = Store::open(Some(state_dir(&tmux)));
    let place = Place {
        start: 0,
        offset: 0,
    };
    seed.set_mark(&first, 'z', place, state::now());
    seed.set_global_mark('Z', &first, place, state::now());
    seed.save().expect("the seed");

    let deleting = tmux.pane("0");
    let keeping = tmux.shell("1");
    for pane in [&deleting, &keeping] {
        pane.keys(&[&format!("clear; {}", qari()), "Enter"]);
    }
    for pane in [&deleting, &keeping] {
        pane.wait_for("Documents: 5", "the document list");
        pane.keys(&["Enter"]);
    }
    deleting.keys(&["M", "z"]);
    deleting.wait_for("bookmark z deleted", "the deletion of z");
    deleting.keys(&["M", "Z"]);
    deleting.wait_for("bookmark Z deleted", "the deletion of Z");
    quit(&deleting);
    // The other still holds z and Z; it reads on in the same document, sets
    // a bookmark of its own there and saves after the deletion.
    keeping.keys(&["Space", "j"]);
    set_mark(&keeping, 'b');
    quit(&keeping);

    let store = saved_state(&tmux);
    let entry = store.get(&first).expect("the document");
    assert_eq!(entry.mark('z'), None, "z stays deleted");
    assert_eq!(store.global_mark('Z'), None, "Z stays deleted");
    assert!(entry.mark('b').is_some(), "the later bookmark is kept");
    report("deletion: z and Z deleted in one instance stay deleted after another saves later");
}

#[test]
fn a_qari_cut_off_while_writing_its_state_leaves_the_old_file() {
    let Some(tmux) = Tmux::start() else {
        return;
    };
    // A state file well over 1 KiB, so that any save writes past the limit.
    let dir = state_dir(&tmux);
    let first = Library::bundled().documents[0].key();
    let (mut seed, _) = Store::open(Some(dir.clone()));
    let time = state::now();
    seed.set_mark(&first, 'a', Place::default(), time);
    for key in child_keys().iter().take(50) {
        seed.set_position(key, Place::default(), time);
    }
    seed.save().expect("the seed");
    let file = dir.join("state.toml");
    let before = std::fs::read(&file).expect("the seeded file");
    assert!(before.len() > 2048, "a save writes past the limit");

    // `ulimit -f 1`: a file may grow to 1 KiB; writing past that kills the
    // writer with SIGXFSZ (exit status 128 + 25), halfway through its
    // temporary file.
    let limited = tmux.pane("0");
    limited.keys(&[
        &format!("clear; (ulimit -f 1; exec {}); echo EXIT=$?", qari()),
        "Enter",
    ]);
    limited.wait_for("Documents: 5", "the document list");
    limited.keys(&["Enter", "Space"]);
    set_mark(&limited, 'b');
    limited.keys(&["q"]);
    let screen = limited.wait_for("EXIT=", "qari's end");
    assert!(
        screen.contains("EXIT=153"),
        "killed by SIGXFSZ while saving:\n{screen}"
    );
    assert_eq!(
        std::fs::read(&file).expect("the file"),
        before,
        "the state file is as it was"
    );
    let leftovers = names_starting(&dir, TMP_PREFIX);
    assert_eq!(leftovers.len(), 1, "the cut-off temporary file");
    let cut = std::fs::metadata(dir.join(&leftovers[0])).expect("its size");
    assert!(
        cut.len() <= 1024,
        "cut off at the limit: {} bytes",
        cut.len()
    );

    // The next qari starts without a warning, finds the seeded bookmark,
    // saves, and the leftover is gone.
    let next = tmux.shell("1");
    next.keys(&[&format!("clear; {}", qari()), "Enter"]);
    let screen = next.wait_for("Documents: 5", "the document list");
    assert!(!screen.contains("state file"), "no warning:\n{screen}");
    next.keys(&["Enter", "Space"]);
    set_mark(&next, 'c');
    quit(&next);
    assert_eq!(names_starting(&dir, TMP_PREFIX), Vec::<String>::new());
    let store = saved_state(&tmux);
    let entry = store.get(&first).expect("the document");
    assert!(entry.mark('a').is_some(), "the seeded bookmark");
    assert!(entry.mark('c').is_some(), "the bookmark saved after");
    // The killed save never got to its rename: its bookmark is lost, and
    // nothing else is.
    assert_eq!(entry.mark('b'), None);
    report(
        "write cut off (ulimit -f 1, SIGXFSZ): the old state file byte for byte, \
         the next qari saves and clears the leftover",
    );
}
