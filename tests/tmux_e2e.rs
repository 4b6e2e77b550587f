//! End-to-end: the real binary in tmux, used as a person uses it — keys in,
//! screen out — and the terminal handed back in working order afterwards.
//! `QARI_BIN` runs them against another qari binary.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::tmux::{self, Tmux};
use common::{visual, words};
use qari::library::Library;

/// A bundled document's whole text.
fn full_text(document: &qari::library::Document) -> String {
    document
        .text(None)
        .expect("a bundled text")
        .as_str()
        .into_owned()
}

/// The qari binary the tests run: `QARI_BIN` (to run them against another
/// build, an older one say), else this build's.
fn qari() -> &'static str {
    static BIN: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    BIN.get_or_init(|| {
        std::env::var("QARI_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_qari").to_string())
    })
}

fn assert_terminal_restored(tmux: &Tmux) {
    let screen = tmux.wait_for("READY$", "the shell prompt after qari exits");
    assert!(
        !screen.contains("Documents:"),
        "the alternate screen is gone:\n{screen}"
    );
    let words = tmux.stty_words();
    for mode in ["echo", "icanon", "isig"] {
        assert!(
            words.iter().any(|w| w == mode),
            "{mode} is back on: {words:?}"
        );
        assert!(
            !words.iter().any(|w| *w == format!("-{mode}")),
            "{mode} is not off"
        );
    }
}

#[test]
fn browse_read_and_quit() {
    let Some(tmux) = Tmux::start() else {
        return;
    };
    let library = Library::bundled();
    let docs = &library.documents;
    tmux.keys(&[qari(), "Enter"]);

    // The list shows the five Arabic titles (their first word, shaped).
    let screen = tmux.wait_for("Documents: 5", "the document list");
    for doc in docs.iter() {
        let first = visual(&words(&doc.title, 1));
        assert!(
            screen.contains(&first),
            "title {first:?} on screen:\n{screen}"
        );
    }
    // The reading pane shows the first document's opening, in visual order.
    let opening = visual(&words(&full_text(&docs[0]), 3));
    assert!(
        screen.contains(&opening),
        "{opening:?} on screen:\n{screen}"
    );

    // j: the selection moves and the second document shows.
    tmux.keys(&["j"]);
    let second = visual(&words(&full_text(&docs[1]), 3));
    tmux.wait_for(&second, "the second document's opening");

    // Enter: the reading pane has the keys now (its hints show).
    tmux.keys(&["Enter"]);
    tmux.wait_for("j scroll", "reading-pane hints");

    // G: the end of the document.
    tmux.keys(&["G"]);
    tmux.wait_for("100% ¶", "the end of the document");

    // ]: the next document, from its start.
    tmux.keys(&["]"]);
    let third = visual(&words(&full_text(&docs[2]), 3));
    // The status bar is the last row a frame writes: wait for both, so a
    // capture taken mid-frame is not mistaken for the wrong paragraph.
    tmux.wait_until(
        |s| s.contains(&third) && s.contains("¶ 1/"),
        "the third document, opened at its first paragraph",
    );

    tmux.keys(&["q"]);
    assert_terminal_restored(&tmux);
}

#[test]
fn hangup_restores_the_terminal() {
    let Some(tmux) = Tmux::start() else {
        return;
    };
    tmux.keys(&[qari(), "Enter"]);
    tmux.wait_for("Documents: 5", "the document list");
    let pid = tmux.child_pid();
    let killed = Command::new("kill")
        .args(["-HUP", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    assert_terminal_restored(&tmux);
}

#[test]
fn sigterm_restores_the_terminal() {
    let Some(tmux) = Tmux::start() else {
        return;
    };
    tmux.keys(&[qari(), "Enter"]);
    tmux.wait_for("Documents: 5", "the document list");
    let pid = tmux.child_pid();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    assert_terminal_restored(&tmux);
}

#[test]
fn a_closed_terminal_ends_qari() {
    // The terminal itself goes away (as when a tmux server or an SSH session
    // is killed): qari must end, not spin on a dead terminal.
    if !tmux::available() {
        return;
    }
    let tmux = Tmux::new();
    let command = format!("exec env HOME={} {}", tmux.home.display(), qari());
    let started = tmux
        .cmd(&["new-session", "-d", "-x", "100", "-y", "30", &command])
        .status
        .success();
    assert!(started);
    tmux.wait_for("Documents: 5", "the document list");
    // Read a little, so there is a place to keep.
    tmux.keys(&["Enter", "Space"]);
    tmux.wait_until(|s| !s.contains("¶ 1/"), "a page further");
    let pid = tmux.pid();
    assert!(!pid.is_empty());
    tmux.cmd(&["kill-server"]);
    // Gone, or a zombie nobody has reaped yet: either way it has ended.
    let running = || {
        std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
            stat.rsplit(')')
                .next()
                .is_some_and(|rest| !rest.trim_start().starts_with('Z'))
        })
    };
    let start = Instant::now();
    while running() {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "qari (pid {pid}) still runs after its terminal closed"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // The place was saved on the way out.
    let state = tmux.home.join(".local/state/qari/state.toml");
    let saved = std::fs::read_to_string(&state).unwrap_or_default();
    assert!(
        saved.contains("[[document]]") && !saved.contains("paragraph = 0\n"),
        "the reading position was saved:\n{saved}"
    );
}

/// Whether `needle`'s characters occur in order in `haystack` (what a fuzzy
/// match requires).
fn subsequence(needle: &str, haystack: &str) -> bool {
    let mut chars = haystack.chars();
    needle.chars().all(|n| chars.any(|h| h == n))
}

#[test]
fn filter_the_list_and_search_a_document() {
    let Some(tmux) = Tmux::start() else {
        return;
    };
    let library = Library::bundled();
    tmux.keys(&[qari(), "Enter"]);
    tmux.wait_for("Documents: 5", "the document list");

    // `/` then الامن without hamza: the documents whose folded title or
    // path hold its letters in order stay, the others go.
    let query = "الامن";
    let fold = qari::text::fold::fold_query;
    let expected: Vec<&std::sync::Arc<qari::library::Document>> = library
        .documents
        .iter()
        .filter(|d| subsequence(query, &fold(&d.title)) || subsequence(query, &fold(&d.name)))
        .collect();
    assert!(
        !expected.is_empty() && expected.len() < 5,
        "the query separates the documents"
    );
    tmux.keys(&["/"]);
    tmux.keys(&["-l", query]);
    let header = format!("Documents: {} of 5", expected.len());
    let screen = tmux.wait_for(&header, "the filtered list");
    let list: Vec<&str> = screen
        .lines()
        .map(|l| l.split('│').next_back().unwrap_or(l))
        .collect();
    let list = list.join("\n");
    for doc in library.documents.iter() {
        let first = visual(&words(&doc.title, 1));
        let kept = expected.iter().any(|e| e.name == doc.name);
        assert_eq!(
            list.contains(&first),
            kept,
            "{} listed: {kept}\n{screen}",
            doc.name
        );
    }
    // The query itself shows in the bar, shaped and in visual order.
    assert!(screen.contains(&visual(query)), "{screen}");

    tmux.keys(&["Escape"]);
    tmux.wait_for("Documents: 5", "every document back");

    // In the document that names روبيو: `/`, the word, Enter, then n.
    let doc = library
        .documents
        .iter()
        .position(|d| full_text(d).contains("روبيو"))
        .expect("a bundled document names روبيو");
    tmux.keys(&["g"]);
    for _ in 0..doc {
        tmux.keys(&["j"]);
    }
    tmux.keys(&["Enter", "/"]);
    tmux.keys(&["-l", "روبيو"]);
    // The whole count, once the search has gone through the document (a
    // count so far ends in an ellipsis).
    let screen = tmux.wait_until(
        |s| {
            s.split("hit 1 of ")
                .nth(1)
                .and_then(|rest| rest.split_whitespace().next())
                .is_some_and(|count| !count.ends_with('…'))
        },
        "the first hit and the whole count",
    );
    let total: usize = screen
        .split("hit 1 of ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .expect("a hit count");
    assert!(total >= 2, "several hits to move between");
    tmux.keys(&["Enter", "n"]);
    tmux.wait_for(&format!("hit 2 of {total}"), "the next hit");
    tmux.keys(&["q"]);
    assert_terminal_restored(&tmux);
}

/// The status bar's place (`¶ 12/40`), read off the screen.
fn place(screen: &str) -> String {
    let status = screen
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    let at = status.find('¶').expect("a place in the status bar");
    status[at..]
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn qari_reopens_where_the_reader_left_off() {
    let Some(tmux) = Tmux::start() else {
        return;
    };
    let library = Library::bundled();
    // Read the third document two pages and a line in, then quit.
    tmux.keys(&[qari(), "Enter"]);
    tmux.wait_for("Documents: 5", "the document list");
    tmux.keys(&["j", "j", "Enter"]);
    let third = visual(&words(&full_text(&library.documents[2]), 3));
    tmux.wait_for(&third, "the third document");
    tmux.keys(&["Space", "Space", "j"]);
    let left = tmux.wait_until(|s| !s.contains("¶ 1/"), "a page further");
    let left_at = place(&left);
    tmux.keys(&["q"]);
    assert_terminal_restored(&tmux);

    // Again: the same document at the same place.
    tmux.keys(&[qari(), "Enter"]);
    let again = tmux.wait_for(&left_at, "the same place");
    assert_eq!(place(&again), left_at);
    assert_eq!(body(&again), body(&left), "the same text on screen");

    // Further on, then the terminal hangs up: that place is kept too.
    tmux.keys(&["Space"]);
    let moved = tmux.wait_until(|s| place(s) != left_at, "the next page");
    let hung_at = place(&moved);
    let pid = tmux.child_pid();
    // The position is saved on the hang-up, not only on quitting.
    let killed = Command::new("kill")
        .args(["-HUP", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    assert_terminal_restored(&tmux);
    tmux.keys(&[qari(), "Enter"]);
    tmux.wait_for(&hung_at, "the place after the hang-up");
    tmux.keys(&["q"]);
    assert_terminal_restored(&tmux);

    // A corrupted state file: qari starts, warns once, and the next start
    // is quiet.
    let state = tmux.home.join(".local/state/qari/state.toml");
    assert!(
        state.is_file(),
        "the state is saved under XDG_STATE_HOME's default"
    );
    std::fs::write(&state, b"\x00garbage = = [\n").expect("corrupt the state");
    tmux.keys(&[qari(), "Enter"]);
    let warned = tmux.wait_for("state file", "a warning about the state file");
    assert!(warned.contains("Documents: 5"), "qari started:\n{warned}");
    tmux.keys(&["q"]);
    assert_terminal_restored(&tmux);
    let aside = std::fs::read_dir(state.parent().expect("a folder"))
        .expect("the state folder")
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("state.toml.corrupt-")
        })
        .count();
    assert_eq!(aside, 1, "the corrupt file was moved aside, not deleted");
    tmux.keys(&[qari(), "Enter"]);
    let quiet = tmux.wait_for("Documents: 5", "the document list");
    assert!(!quiet.contains("state file"), "warned only once:\n{quiet}");
    tmux.keys(&["q"]);
    assert_terminal_restored(&tmux);
}

/// The screen above the status bar.
fn body(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    lines[..lines.len().saturating_sub(1)].join("\n")
}

/// Over SSH a terminal is known only by `TERM`: qari draws and hands the
/// terminal back under each of the common ones, and with NO_COLOR.
#[test]
fn works_under_every_common_term() {
    let Some(tmux) = Tmux::start() else {
        return;
    };
    let library = Library::bundled();
    let opening = visual(&words(&full_text(&library.documents[0]), 3));
    for term in [
        "xterm-256color",
        "screen-256color",
        "tmux-256color",
        "linux",
        "vt100",
        "dumb",
    ] {
        for no_color in ["", "NO_COLOR=1 "] {
            tmux.keys(&[&format!("clear; {no_color}TERM={term} {}", qari()), "Enter"]);
            let screen = tmux.wait_for("Documents: 5", &format!("the list under TERM={term}"));
            assert!(screen.contains(&opening), "TERM={term}:\n{screen}");
            tmux.keys(&["q"]);
            assert_terminal_restored(&tmux);
        }
    }
}

/// Inside GNU screen (itself in tmux, which is how the screen is read):
/// the same lines as directly in tmux, and the shell back afterwards.
#[test]
fn works_inside_gnu_screen() {
    if !common::oracle_available(common::have_program("screen"), "GNU screen") {
        return;
    }
    let Some(tmux) = Tmux::start() else {
        return;
    };
    // screen restores the shell's screen only with altscreen on.
    std::fs::write(
        tmux.home.join(".screenrc"),
        "altscreen on\nstartup_message off\n",
    )
    .expect("a .screenrc");
    tmux.keys(&["clear; LANG=C.UTF-8 screen -U", "Enter"]);
    tmux.keys(&["PS1='SCREEN$ '", "Enter"]);
    tmux.wait_for("SCREEN$", "a shell in screen");
    tmux.keys(&[&format!("clear; {}", qari()), "Enter"]);
    let library = Library::bundled();
    let opening = visual(&words(&full_text(&library.documents[0]), 3));
    let screen = tmux.wait_for("Documents: 5", "the list in screen");
    assert!(screen.contains(&opening), "{screen}");
    assert!(
        !screen.contains("tmux;"),
        "no tmux passthrough inside screen"
    );
    tmux.keys(&["q"]);
    let back = tmux.wait_for("SCREEN$", "the shell in screen again");
    assert!(
        !back.contains("Documents: 5"),
        "the reader's screen is gone:\n{back}"
    );
    tmux.keys(&["exit", "Enter"]);
    tmux.wait_for("READY$", "the outer shell");
}

/// A save that fails while qari runs shows at once, without a key or a
/// resize to draw it, says which file and what was not saved, and stays
/// while other keys are pressed; quitting names the file too.
#[test]
fn a_failed_save_shows_at_once_and_stays_until_seen() {
    let Some(tmux) = Tmux::start() else {
        return;
    };
    tmux.keys(&[qari(), "Enter"]);
    tmux.wait_for("Documents: 5", "the document list");
    // A folder where the state file goes: no save can replace it.
    let state = tmux.home.join(".local/state/qari/state.toml");
    std::fs::create_dir_all(state.join("in-the-way")).expect("a folder in the way");
    tmux.keys(&["Enter", "Space", "m", "a"]);
    tmux.wait_for("bookmark a set", "the bookmark");
    // No key from here on: the idle save fails and says so by itself.
    let shown = tmux.wait_until(|s| s.contains("not saved"), "the failed save");
    let flat: String = shown.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("bookmark a"), "what was not saved:\n{shown}");
    // A long path may break over two rows.
    let joined: String = shown.lines().map(str::trim).collect();
    assert!(
        joined.contains(&state.display().to_string()),
        "which file:\n{shown}"
    );
    // Reading on does not hide it; `x` does.
    tmux.keys(&["j"]);
    let after_key = tmux.wait_until(|s| s.contains("not saved"), "the message after a key");
    assert!(after_key.contains("x hides"), "{after_key}");
    tmux.keys(&["x"]);
    tmux.wait_until(|s| !s.contains("not saved"), "the message hidden");
    // Quitting tries once more and names the file on the terminal.
    tmux.keys(&["q"]);
    let exit = tmux.wait_for("READY$", "the shell again");
    let flat: String = exit.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("qari: not saved"), "{exit}");
    assert!(flat.contains("state.toml"), "{exit}");
}

/// `qari FILE`: one document, so it opens in the reading pane and Space
/// pages it at once.
#[test]
fn one_document_opens_in_the_reading_pane() {
    let Some(tmux) = Tmux::start() else {
        return;
    };
    let library = Library::bundled();
    let file = tmux.home.join("one.txt");
    std::fs::write(&file, full_text(&library.documents[0])).expect("a document");
    tmux.keys(&[&format!("{} {}", qari(), file.display()), "Enter"]);
    let first = tmux.wait_for("¶ 1/", "the document");
    tmux.keys(&["Space"]);
    let paged = tmux.wait_until(|s| place(s) != place(&first), "Space paging the document");
    assert!(!place(&paged).contains("¶ 1/"), "{paged}");
    tmux.keys(&["q"]);
    assert_terminal_restored(&tmux);
}

/// The filter's Enter opens the document listed first: typing selects the
/// best match.
#[test]
fn enter_in_the_filter_opens_what_is_listed_first() {
    let Some(tmux) = Tmux::start() else {
        return;
    };
    tmux.keys(&[qari(), "Enter"]);
    tmux.wait_for("Documents: 5", "the document list");
    tmux.keys(&["/"]);
    tmux.keys(&["عامة"]);
    tmux.wait_for("Documents: 3 of 5", "the filtered list");
    tmux.keys(&["Enter"]);
    // The overview's opening words, laid out right to left.
    let overview = visual(&words("يلعب التعاون الدولي", 3));
    let screen = tmux.wait_for(&overview, "the overview open");
    assert!(screen.contains(&visual("لمحة عامة")), "{screen}");
    tmux.keys(&["q"]);
    assert_terminal_restored(&tmux);
}

/// A document of 200 short numbered paragraphs in `tmux.home`, for tests
/// that check the status bar's paragraph number.
fn numbered_document(tmux: &Tmux) -> std::path::PathBuf {
    let text: String = (1..=200)
        .map(|i| format!("الفقرة {i}: سطر قصير من نص للتجربة.\n\n"))
        .collect();
    let path = tmux.home.join("numbered.txt");
    std::fs::write(&path, text).expect("write the document");
    path
}

/// The status bar's paragraph number (`¶ 12/200` gives 12), if it shows one.
fn paragraph(screen: &str) -> Option<usize> {
    let status = screen.lines().rev().find(|l| !l.trim().is_empty())?;
    let at = status.find('¶')?;
    status[at..]
        .trim_start_matches('¶')
        .trim_start()
        .trim_start_matches('≈')
        .split('/')
        .next()
        .and_then(|n| n.parse().ok())
}

/// The input bar's row (the one above the status bar).
fn bar_row(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    lines
        .len()
        .checked_sub(2)
        .map_or(String::new(), |i| lines[i].to_string())
}

/// In-document search as in less and vim: `/` opens an empty bar, ↑ brings
/// the last query back, Esc returns to where the search started, and `\`
/// searches backward (`n` then goes up).
#[test]
fn search_like_less() {
    let Some(tmux) = Tmux::start() else {
        return;
    };
    let doc = numbered_document(&tmux);
    tmux.keys(&[&format!("{} {}", qari(), doc.display()), "Enter"]);
    tmux.wait_for("Documents: 1", "the document list");
    tmux.keys(&["Enter", "Space", "Space"]);
    let start = tmux.wait_until(
        |s| s.contains("j scroll") && paragraph(s).is_some_and(|p| p > 1),
        "two pages in",
    );
    let origin = paragraph(&start).expect("a place");

    // Searched and cancelled: back at the start, not at the hit.
    tmux.keys(&["/"]);
    tmux.wait_for("Search:", "the search bar");
    tmux.keys(&["-l", "الفقرة 150:"]);
    tmux.wait_until(
        |s| s.contains("hit 1 of 1 ") && paragraph(s).is_some_and(|p| p > origin + 50),
        "the hit, far below",
    );
    tmux.keys(&["Escape"]);
    let back = tmux.wait_until(|s| !s.contains("Search:"), "the bar closed");
    assert_eq!(paragraph(&back), Some(origin), "Esc returns:\n{back}");

    // Kept with Enter; the next `/` starts empty, and ↑ recalls the query.
    let query = "الفقرة 120:";
    tmux.keys(&["/"]);
    tmux.keys(&["-l", query]);
    tmux.wait_for("hit 1 of 1 ", "the hit");
    tmux.keys(&["Enter"]);
    tmux.wait_until(|s| !s.contains("Search:"), "the bar closed");
    tmux.keys(&["/"]);
    let empty = tmux.wait_for("Search:", "the search bar again");
    assert!(
        !bar_row(&empty).contains(&visual(query)),
        "the bar starts empty:\n{empty}"
    );
    tmux.keys(&["Up"]);
    let recalled = tmux.wait_until(
        |s| bar_row(s).contains(&visual(query)),
        "the last query recalled",
    );
    assert!(recalled.contains("hit 1 of 1 "), "{recalled}");
    tmux.keys(&["Escape"]);
    tmux.wait_until(|s| !s.contains("Search:"), "the bar closed");

    // Backward from the end: the last hit before it, and `n` goes up.
    // "الفقرة 5" is in paragraphs 5 and 50 to 59: eleven hits.
    tmux.keys(&["G"]);
    tmux.wait_for("100% ¶", "the end");
    tmux.keys(&["-l", "\\"]);
    tmux.wait_for("Search", "the backward search bar");
    tmux.keys(&["-l", "الفقرة 5"]);
    tmux.wait_for("hit 11 of 11 ", "the last hit before the end");
    tmux.keys(&["Enter", "n"]);
    tmux.wait_for("hit 10 of 11 ", "n goes backward");
    tmux.keys(&["N", "N"]);
    tmux.wait_for("hit 1 of 11 ", "N goes forward, wrapping");
    tmux.keys(&["q"]);
    assert_terminal_restored(&tmux);
}

/// `:` goes to a paragraph or a percentage, `''` (or two backticks) goes
/// back before the last jump and again returns, and `'?` lists the
/// bookmarks to pick one.
#[test]
fn go_to_jump_back_and_pick_a_bookmark() {
    let Some(tmux) = Tmux::start() else {
        return;
    };
    let doc = numbered_document(&tmux);
    tmux.keys(&[&format!("{} {}", qari(), doc.display()), "Enter"]);
    tmux.wait_for("Documents: 1", "the document list");
    tmux.keys(&["Enter"]);
    tmux.wait_for("¶ 1/200", "the start");

    tmux.keys(&[":"]);
    tmux.wait_for("Go to:", "the go-to bar");
    tmux.keys(&["-l", "120"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("¶ 120/200", "paragraph 120");
    tmux.keys(&["-l", "''"]);
    tmux.wait_for("¶ 1/200", "back where the jump started");
    tmux.keys(&["-l", "''"]);
    tmux.wait_for("¶ 120/200", "and again at 120");
    tmux.keys(&["-l", "``"]);
    tmux.wait_for("¶ 1/200", "backticks too");

    tmux.keys(&[":"]);
    tmux.keys(&["-l", "50%"]);
    tmux.keys(&["Enter"]);
    let half = tmux.wait_until(|s| paragraph(s).is_some_and(|p| p > 1), "half way");
    // Half way as the status bar counts it: half the document lies above
    // the bottom of the pane.
    let status = half
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    let percent: u32 = status
        .split('%')
        .next()
        .and_then(|p| p.trim().parse().ok())
        .expect("a percentage");
    assert!(
        (48..=52).contains(&percent),
        "half way is {percent}%:\n{half}"
    );

    tmux.keys(&[":"]);
    tmux.keys(&["-l", "abc"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("not a place", "a notice about the input");
    tmux.keys(&["Escape"]);
    tmux.wait_until(|s| !s.contains("Go to:"), "the bar closed");

    // Bookmarks a at 120 and B at 30, then the list from the top.
    tmux.keys(&[":"]);
    tmux.keys(&["-l", "120"]);
    tmux.keys(&["Enter", "m", "a"]);
    tmux.wait_for("bookmark a set", "bookmark a");
    tmux.keys(&[":"]);
    tmux.keys(&["-l", "30"]);
    tmux.keys(&["Enter", "m", "B"]);
    tmux.wait_for("bookmark B set", "bookmark B");
    tmux.keys(&["g"]);
    tmux.wait_for("¶ 1/200", "the start");
    tmux.keys(&["-l", "'?"]);
    let list = tmux.wait_for("Bookmarks", "the list of bookmarks");
    assert!(list.contains(&visual("الفقرة 120:")), "{list}");
    assert!(list.contains(&visual("الفقرة 30:")), "{list}");
    tmux.keys(&["Down", "Enter"]);
    tmux.wait_for("¶ 30/200", "bookmark B");
    tmux.keys(&["-l", "'?"]);
    tmux.wait_for("Bookmarks", "the list again");
    tmux.keys(&["Enter"]);
    tmux.wait_for("¶ 120/200", "bookmark a");
    tmux.keys(&["q"]);
    assert_terminal_restored(&tmux);
}

/// The status bar's hints say which pane has the keyboard.
const LIST_HINTS: &str = "j move";
const READER_HINTS: &str = "j scroll";

#[test]
fn z_hides_the_list_and_brings_it_back() {
    let Some(tmux) = Tmux::start() else {
        return;
    };
    let library = Library::bundled();
    tmux.keys(&[qari(), "Enter"]);
    tmux.wait_for("Documents: 5", "the document list");
    let opening = visual(&words(&full_text(&library.documents[0]), 3));
    tmux.keys(&["z"]);
    let screen = tmux.wait_until(
        |s| !s.contains("Documents:") && s.contains(READER_HINTS),
        "the reading pane alone, with the keyboard",
    );
    assert!(screen.contains(&opening), "the text shows:\n{screen}");
    assert!(!screen.contains('│'), "no list border:\n{screen}");
    tmux.keys(&["z"]);
    tmux.wait_until(
        |s| s.contains("Documents: 5") && s.contains(READER_HINTS),
        "the list back, the reading pane still reading",
    );
    tmux.keys(&["q"]);
    assert_terminal_restored(&tmux);
}

#[test]
fn arrows_point_at_the_pane_they_go_to() {
    let Some(tmux) = Tmux::start() else {
        return;
    };
    // The bundled documents are Arabic: the list is on the right, the
    // reading pane on its left.
    tmux.keys(&[qari(), "Enter"]);
    tmux.wait_for(LIST_HINTS, "the document list");
    tmux.keys(&["Left"]);
    tmux.wait_for(READER_HINTS, "← into the reading pane, on the left");
    tmux.keys(&["Right"]);
    tmux.wait_for(LIST_HINTS, "→ back to the list, on the right");
    tmux.keys(&["q"]);
    tmux.wait_for("READY$", "the shell");

    // Unmirrored, the reading pane is on the right (without the state, so
    // that qari starts on the list, not in the document read last).
    tmux.keys(&[
        &format!("clear; {} --layout ltr --no-state", qari()),
        "Enter",
    ]);
    tmux.wait_for(LIST_HINTS, "the document list");
    tmux.keys(&["Right"]);
    tmux.wait_for(READER_HINTS, "→ into the reading pane, on the right");
    tmux.keys(&["Left"]);
    tmux.wait_for(LIST_HINTS, "← back to the list, on the left");
    tmux.keys(&["q"]);
    assert_terminal_restored(&tmux);
}

#[test]
fn keys_typed_on_an_arabic_layout_work() {
    let Some(tmux) = Tmux::start() else {
        return;
    };
    let library = Library::bundled();
    tmux.keys(&[qari(), "Enter"]);
    tmux.wait_for("Documents: 5", "the document list");
    // ت is j on the Arabic (101) layout: the next document.
    tmux.keys(&["-l", "ت"]);
    let second = visual(&words(&full_text(&library.documents[1]), 3));
    tmux.wait_for(&second, "the second document, after ت");
    // ن is k: back up. ظ is /: the filter bar, where Arabic is text again.
    tmux.keys(&["-l", "ن"]);
    let first = visual(&words(&full_text(&library.documents[0]), 3));
    tmux.wait_for(&first, "the first document, after ن");
    tmux.keys(&["-l", "ظ"]);
    tmux.wait_for("Filter:", "the filter bar, after ظ");
    tmux.keys(&["Escape"]);
    tmux.wait_until(|s| !s.contains("Filter:"), "the filter bar closed");
    // ض is q.
    tmux.keys(&["-l", "ض"]);
    assert_terminal_restored(&tmux);
}

/// `cat file | qari`: standard input that is not a terminal is read as the
/// document (as less does), and the keys still work.
#[test]
fn a_pipe_into_qari_is_the_document() {
    let Some(tmux) = Tmux::start() else {
        return;
    };
    let library = Library::bundled();
    let file = tmux.home.join("piped.txt");
    std::fs::write(&file, full_text(&library.documents[2])).expect("a document");
    tmux.keys(&[&format!("cat {} | {}", file.display(), qari()), "Enter"]);
    let screen = tmux.wait_for("Documents: 1", "the piped document");
    assert!(screen.contains("(stdin)"), "{screen}");
    let first = place(&screen);
    tmux.keys(&["Space"]);
    tmux.wait_until(|s| place(s) != first, "Space paging the piped document");
    tmux.keys(&["q"]);
    assert_terminal_restored(&tmux);
}

/// While the help shows, nothing else takes keys: `j` does not move the
/// document behind it, and `?` closes it.
#[test]
fn the_help_takes_every_key_while_it_shows() {
    let Some(tmux) = Tmux::start() else {
        return;
    };
    tmux.keys(&[qari(), "Enter"]);
    tmux.wait_for("Documents: 5", "the document list");
    tmux.keys(&["Enter"]);
    let reading = tmux.wait_for("j scroll", "the reading pane");
    let at = place(&reading);
    tmux.keys(&["?"]);
    tmux.wait_for("Keys —", "the help");
    tmux.keys(&["j", "j", "Space", "G"]);
    tmux.keys(&["?"]);
    let after = tmux.wait_until(|s| !s.contains("Keys —"), "the help closed");
    assert_eq!(place(&after), at, "the document stayed where it was");
    tmux.keys(&["q"]);
    assert_terminal_restored(&tmux);
}

/// A short document to copy from: a title, an Arabic paragraph with Latin,
/// numbers, harakat and brackets, and a Persian line with ZWNJs.
const COPY_DOCUMENT: &str = "قراءة ممتعة\n\nقرأتُ كتابَ «Sapiens» عام 2019 في 320 صفحة، وكان مُمتِعًا جدًّا (حقًّا).\n\nمن این کتاب را می‌خوانم و نمی‌دانم چرا.\n";

/// Opens [`COPY_DOCUMENT`] in qari inside a tmux that takes programs'
/// clipboard sequences into its paste buffers.
fn copy_session() -> Option<Tmux> {
    let tmux = Tmux::start()?;
    let ok = tmux
        .cmd(&["set", "-g", "set-clipboard", "on"])
        .status
        .success();
    assert!(ok, "tmux set-clipboard on");
    let file = tmux.home.join("copy.txt");
    std::fs::write(&file, COPY_DOCUMENT).expect("a document");
    tmux.keys(&[&format!("{} {}", qari(), file.display()), "Enter"]);
    tmux.wait_for(&visual("2019 في 320"), "the document in the reading pane");
    Some(tmux)
}

/// Waits until tmux's newest paste buffer holds `expected`: what qari put
/// on the clipboard.
fn wait_for_buffer(tmux: &Tmux, expected: &str, what: &str) {
    let start = Instant::now();
    loop {
        let out = tmux.cmd(&["show-buffer"]);
        let buffer = String::from_utf8_lossy(&out.stdout).into_owned();
        if buffer == expected {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{what}: the buffer holds {buffer:?}, not {expected:?}\n{}",
            tmux.screen()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The screen cell (0-based column and row) where `needle`, as the engine
/// draws it, starts on `screen`; zero-width joiners and non-joiners, which
/// take no cell, are left out of the comparison.
fn cell_of(screen: &str, needle: &str) -> (usize, usize) {
    let plain = |s: &str| s.replace(['\u{200c}', '\u{200d}'], "");
    let needle = plain(needle);
    screen
        .lines()
        .enumerate()
        .find_map(|(row, line)| {
            let line = plain(line);
            let at = line.find(&needle)?;
            Some((unicode_width::UnicodeWidthStr::width(&line[..at]), row))
        })
        .unwrap_or_else(|| panic!("{needle:?} on screen:\n{screen}"))
}

/// Presses the mouse's button on one cell, drags to another and lets go
/// there, as a terminal reports it (SGR mouse reports, 1-based).
fn mouse_drag(tmux: &Tmux, from: (usize, usize), to: (usize, usize)) {
    let report = |button: u8, (x, y): (usize, usize), end: char| {
        format!("\x1b[<{button};{};{}{end}", x + 1, y + 1)
    };
    tmux.keys(&["-l", &report(0, from, 'M')]);
    tmux.keys(&["-l", &report(32, ((from.0 + to.0) / 2, to.1), 'M')]);
    tmux.keys(&["-l", &report(32, to, 'M')]);
    tmux.keys(&["-l", &report(0, to, 'm')]);
}

/// Copies made with keys reach the clipboard (here tmux's buffer, through
/// OSC 52) as the file's own text: logical order, no presentation forms,
/// harakat, brackets and ZWNJs as they are, lines joined as in the file.
#[test]
fn copies_made_with_keys_are_the_files_text() {
    let Some(tmux) = copy_session() else {
        return;
    };
    // yy: the paragraph at the top.
    tmux.keys(&["y", "y"]);
    tmux.wait_for("copied 1 line, 11 characters", "the copy's figures");
    wait_for_buffer(&tmux, "قراءة ممتعة", "yy");

    // v, two paragraph ends: from the title to the Arabic paragraph's end.
    tmux.keys(&["v", "}", "}", "y"]);
    let end = COPY_DOCUMENT.find(").").expect("the paragraph's end") + 2;
    wait_for_buffer(&tmux, &COPY_DOCUMENT[..end], "v } } y");
    tmux.wait_for("copied 3 lines", "three lines copied");

    // To the Persian line's end and back to its start, the selection
    // started there, five word ends: the ZWNJs stay inside.
    tmux.keys(&["v", "}", "}", "}", "{", "s", "e", "e", "e", "e", "e", "y"]);
    wait_for_buffer(&tmux, "من این کتاب را می‌خوانم", "v e×5 y");

    // y and anything but y copies nothing; Y copies the whole file.
    tmux.keys(&["y", "j"]);
    tmux.keys(&["Y"]);
    wait_for_buffer(&tmux, COPY_DOCUMENT, "Y");
    tmux.wait_for("copied 5 lines", "the whole document's figures");
    tmux.keys(&["q"]);
    assert_terminal_restored(&tmux);
}

/// A mouse drag selects the text between the cells pressed and released,
/// whatever order they are painted in, and `y` copies it.
#[test]
fn a_mouse_selection_is_the_text_between_its_ends() {
    let Some(tmux) = copy_session() else {
        return;
    };
    // From the 9 of 2019 to the S of Sapiens: painted left to right as
    // "2019 عام «Sapiens»" mirrored, read as "Sapiens» عام 2019".
    let screen = tmux.screen();
    let (year, row) = cell_of(&screen, "2019");
    let (latin, _) = cell_of(&screen, "Sapiens");
    mouse_drag(&tmux, (year + 3, row), (latin, row));
    tmux.wait_for("17 characters selected", "the selection's size");
    tmux.keys(&["y"]);
    wait_for_buffer(&tmux, "Sapiens» عام 2019", "the year to the Latin word");

    // In the Persian line, from the first letter of می‌خوانم (its
    // rightmost cell) to the last of نمی‌دانم (its leftmost).
    let (first, row) = cell_of(&screen, &visual("می‌خوانم"));
    let width =
        unicode_width::UnicodeWidthStr::width(visual("می‌خوانم").replace('\u{200c}', "").as_str());
    let (last, _) = cell_of(&screen, &visual("نمی‌دانم"));
    mouse_drag(&tmux, (first + width - 1, row), (last, row));
    tmux.keys(&["y"]);
    wait_for_buffer(&tmux, "می‌خوانم و نمی‌دانم", "two Persian words");
    tmux.keys(&["q"]);
    assert_terminal_restored(&tmux);
}

/// A Markdown document with three sections, a list, a table and code.
const MARKDOWN_DOCUMENT: &str = "# دليل القارئ\n\nمقدمة فيها كلمة **مهمة** ورابط إلى [الموقع](https://example.org).\n\n## الفصل الأول\n\n- بند أول\n- بند ثان\n\n| الاسم | العدد |\n|---|---|\n| كتب | 12 |\n\n## الفصل الثاني\n\n```\nlet x = 1;\n```\n\nخاتمة الفصل الثاني.\n";

/// A Markdown file is read as blocks: no markup on screen, list markers
/// and table borders drawn; `o` lists its headings and Enter goes to one;
/// `{` and `}` step between headings; `S` shows the source; search finds
/// words inside styled spans.
#[test]
fn a_markdown_document_reads_as_blocks_with_an_outline() {
    let Some(tmux) = Tmux::start() else {
        return;
    };
    let file = tmux.home.join("guide.md");
    std::fs::write(&file, MARKDOWN_DOCUMENT).expect("a document");
    tmux.keys(&[&format!("{} {}", qari(), file.display()), "Enter"]);
    let screen = tmux.wait_for(&visual("بند أول"), "the list in the reading pane");
    for markup in ["**", "```", "](", "| ---", "## "] {
        assert!(!screen.contains(markup), "{markup:?} on screen:\n{screen}");
    }
    assert!(screen.contains('•') && screen.contains('┌'), "{screen}");
    assert!(screen.contains("[1] https://example.org"), "{screen}");
    // The list shows the document's own title.
    assert!(screen.contains(&visual("دليل القارئ")), "{screen}");

    // The outline: three headings; the second one chosen, Enter.
    tmux.keys(&["o"]);
    tmux.wait_for("Outline: 3 headings", "the outline");
    tmux.keys(&["j", "Enter"]);
    let section = visual("الفصل الأول");
    tmux.wait_until(
        |s| s.lines().next().is_some_and(|top| top.contains(&section)),
        "the first chapter at the top",
    );
    let status = tmux.screen();
    assert!(
        status.lines().last().is_some_and(|l| l.contains(&section)),
        "the status bar names the section:\n{status}"
    );
    // } to the next heading, { back.
    tmux.keys(&["}"]);
    let second = visual("الفصل الثاني");
    tmux.wait_until(
        |s| s.lines().next().is_some_and(|top| top.contains(&second)),
        "the second chapter at the top",
    );
    tmux.keys(&["{"]);
    tmux.wait_until(
        |s| s.lines().next().is_some_and(|top| top.contains(&section)),
        "back to the first chapter",
    );
    // S: the source, markup and all; S again: the blocks.
    tmux.keys(&["S"]);
    tmux.wait_for("**", "the source's markup");
    tmux.keys(&["S"]);
    tmux.wait_until(|s| !s.contains("**"), "the blocks again");
    // Search finds a word inside a bold span (the text, not the markup).
    tmux.keys(&["g", "/"]);
    tmux.keys(&["-l", "مهمة"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("hit 1 of 1", "the bold word found");
    tmux.keys(&["q"]);
    assert_terminal_restored(&tmux);
}

/// An OpenITI text: its header is the title, not text; its page markers
/// and milestones leave the running text; `:p12` goes to page 12, and the
/// status bar says which page is at the top.
#[test]
fn an_openiti_text_goes_to_a_page() {
    let Some(tmux) = Tmux::start() else {
        return;
    };
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/structured/0748Dhahabi.TarikhIslam.Sample-ara1");
    tmux.keys(&[&format!("{} {}", qari(), file.display()), "Enter"]);
    let screen = tmux.wait_for(&visual("ذكر الحوادث"), "the first heading");
    for marker in ["META", "PageV", "~~", "ms0", "###"] {
        assert!(!screen.contains(marker), "{marker:?} on screen:\n{screen}");
    }
    tmux.keys(&[":", "p", "1", "2", "Enter"]);
    tmux.wait_for("vol. 1, p. 12", "page 12 at the top");
    tmux.keys(&["q"]);
    assert_terminal_restored(&tmux);
}

/// An EPUB book: the list shows its metadata's title, the outline lists
/// its chapters from its own table of contents, and Enter on the second
/// shows that chapter's text.
#[test]
fn an_epub_book_opens_at_a_chapter_of_its_outline() {
    let Some(tmux) = Tmux::start() else {
        return;
    };
    let book = common::epub::epub3(
        "رحلة في الكتب",
        "كاتب",
        &[
            ("one.xhtml", "البداية", &["كان يا ما كان في قديم الزمان."]),
            ("two.xhtml", "الطريق", &["سار المسافر طويلا حتى وصل."]),
            ("three.xhtml", "النهاية", &["وعاد إلى بيته سالما."]),
        ],
    );
    let file = tmux.home.join("journey.epub");
    std::fs::write(&file, book).expect("a book");
    tmux.keys(&[&format!("{} {}", qari(), file.display()), "Enter"]);
    tmux.wait_for(&visual("رحلة في الكتب"), "the book's title");
    tmux.keys(&["o"]);
    let outline = tmux.wait_for("Outline: 3 headings", "the book's outline");
    for chapter in ["البداية", "الطريق", "النهاية"] {
        assert!(outline.contains(&visual(chapter)), "{chapter}:\n{outline}");
    }
    tmux.keys(&["j", "Enter"]);
    tmux.wait_until(
        |s| {
            s.lines()
                .next()
                .is_some_and(|top| top.contains(&visual("الطريق")))
        },
        "the second chapter at the top",
    );
    tmux.wait_for(&visual("سار المسافر"), "its text");
    tmux.keys(&["q"]);
    assert_terminal_restored(&tmux);
}

/// A book with a chapter missing opens with what can be read, and the
/// status bar and the book's start say what could not be.
#[test]
fn a_broken_book_says_what_could_not_be_read() {
    let Some(tmux) = Tmux::start() else {
        return;
    };
    let opf = r#"<package xmlns="http://www.idpf.org/2007/opf"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>ناقص</dc:title></metadata><manifest><item id="a" href="a.html" media-type="application/xhtml+xml"/><item id="gone" href="gone.html" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="a"/><itemref idref="gone"/></spine></package>"#;
    let container = common::epub::container("content.opf");
    let chapter = common::epub::chapter("فصل", &["نص باق"]);
    let book = common::epub::zip(&[
        ("META-INF/container.xml", container.as_bytes()),
        ("content.opf", opf.as_bytes()),
        ("a.html", chapter.as_bytes()),
    ]);
    let file = tmux.home.join("broken.epub");
    std::fs::write(&file, book).expect("a book");
    tmux.keys(&[&format!("{} {}", qari(), file.display()), "Enter"]);
    let screen = tmux.wait_for("1 problem reading it", "the status bar's word");
    assert!(screen.contains("gone.html is missing"), "{screen}");
    assert!(screen.contains(&visual("نص باق")), "{screen}");
    tmux.keys(&["q"]);
    assert_terminal_restored(&tmux);
}
