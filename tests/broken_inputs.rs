//! Documents as they come: legacy encodings, UTF-16, invalid UTF-8, binary
//! and empty files, unreadable paths, symlink loops, a FIFO, a 2 MB single
//! line and old line endings — through `qari render` and through the
//! reader (its library, state and screen). What each must show, not only
//! that nothing breaks (`terminal_safety.rs` checks what reaches the
//! terminal).

mod common;

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use qari::app::App;
use qari::library::Library;
use qari::text::LayoutOptions;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use unicode_width::UnicodeWidthStr;

use common::fixtures::{Fixtures, PROSE, hostile_library};
use common::pty::{Pty, escaped};

/// A fresh copy of the fixtures for one test.
fn fixtures(name: &str) -> Fixtures {
    let dir = std::env::temp_dir().join(format!("qari-inputs-{name}-{}", std::process::id()));
    hostile_library(&dir)
}

fn qari(paths: &[&Path], args: &[&str], stdin: &[u8]) -> Output {
    let mut all: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
    all.extend(paths.iter().map(|p| p.as_os_str()));
    common::run_qari(&all, stdin)
}

fn render(path: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["render", "--width", "60"];
    args.extend_from_slice(extra);
    qari(&[path], &args, b"")
}

fn render_stdin(text: &[u8]) -> Output {
    qari(&[], &["render", "--width", "60", "-"], text)
}

#[test]
fn legacy_and_utf16_files_render_as_their_text() {
    let f = fixtures("encodings");
    let expected = render_stdin(PROSE.as_bytes());
    assert!(expected.status.success());
    for (path, what) in [
        (&f.win1256, "Windows-1256"),
        (&f.iso8859_6, "ISO-8859-6"),
        (&f.utf16le, "UTF-16LE"),
        (&f.utf16be, "UTF-16BE"),
    ] {
        let out = render(path, &[]);
        assert!(out.status.success(), "{what}");
        assert_eq!(out.stdout, expected.stdout, "{what} renders as its text");
        assert!(out.stderr.is_empty(), "{what}: no warning");
    }
    // Forced, the same; forced wrongly, what that encoding says.
    let forced = render(&f.win1256, &["--encoding", "cp1256"]);
    assert_eq!(forced.stdout, expected.stdout);
    let wrong = render(&f.win1256, &["--encoding", "iso-8859-6"]);
    assert_ne!(wrong.stdout, expected.stdout);
    let bad = render(&f.win1256, &["--encoding", "klingon"]);
    assert_eq!(bad.status.code(), Some(2));
    let message = String::from_utf8_lossy(&bad.stderr);
    assert!(
        message.contains("klingon") && message.contains("windows-1256"),
        "{message}"
    );
}

#[test]
fn invalid_bytes_become_replacement_characters_with_a_warning() {
    let f = fixtures("invalid");
    let out = render(&f.invalid_utf8, &[]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("UTF-8 output");
    assert!(text.contains('\u{FFFD}'));
    assert!(
        text.chars()
            .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)
                || ('\u{FB50}'..='\u{FEFF}').contains(&c))
    );
    let warning = String::from_utf8_lossy(&out.stderr);
    assert!(
        warning.contains("invalid-utf8.txt") && warning.contains("U+FFFD"),
        "{warning}"
    );
}

#[test]
fn empty_files_print_nothing_and_unreadable_paths_are_named() {
    let f = fixtures("paths");
    let empty = render(&f.empty, &[]);
    assert!(empty.status.success());
    assert!(empty.stdout.is_empty() && empty.stderr.is_empty());
    // The readable file is still printed; the others are named; exit 2.
    let out = qari(
        &[&f.loop_a, &f.broken_link, &f.dir, &f.crlf],
        &["render", "--width", "60"],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    let errors = String::from_utf8_lossy(&out.stderr);
    for name in ["loop-a", "broken-link", "qari-inputs-paths"] {
        assert!(errors.contains(name), "{name} named:\n{errors}");
    }
    assert_eq!(errors.lines().count(), 3, "{errors}");
    assert!(!out.stdout.is_empty(), "crlf.txt was printed");
}

#[test]
fn every_line_ending_ends_a_paragraph() {
    let f = fixtures("endings");
    for path in [&f.crlf, &f.cr] {
        let bytes = std::fs::read(path).expect("fixture");
        let text = String::from_utf8_lossy(&bytes);
        // Lines split at LF, CRLF or a lone CR, as the README says.
        let expected = text
            .replace("\r\n", "\n")
            .replace('\r', "\n")
            .trim_end_matches('\n')
            .split('\n')
            .count();
        let out = render(path, &["--no-wrap"]);
        assert!(out.status.success());
        let printed = String::from_utf8(out.stdout).expect("UTF-8");
        assert_eq!(printed.lines().count(), expected, "{}", path.display());
        assert!(
            !printed.contains('\u{240D}'),
            "no CR picture: every CR ends a line"
        );
    }
}

#[test]
fn a_two_megabyte_line_wraps_within_the_width() {
    let f = fixtures("long");
    let out = render(&f.long_line, &[]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let lines: Vec<&str> = text.lines().collect();
    let chars = std::fs::read_to_string(&f.long_line)
        .expect("fixture")
        .chars()
        .count();
    assert!(
        lines.len() >= chars / 60,
        "{} lines for {chars} characters",
        lines.len()
    );
    assert!(lines.iter().all(|l| l.width() <= 60));
}

/// The library the reader opens on the fixtures, entry by entry.
#[test]
fn the_reader_lists_every_entry_with_its_encoding_or_its_error() {
    let f = fixtures("library");
    let library = Library::open(std::slice::from_ref(&f.dir), None);
    let find = |name: &str| {
        library
            .documents
            .iter()
            .find(|d| d.name == name)
            .unwrap_or_else(|| panic!("{name} listed"))
    };
    let prose: Vec<&str> = PROSE.lines().collect();
    for (name, encoding) in [
        ("win1256.txt", encoding_rs::WINDOWS_1256),
        ("iso8859-6.txt", encoding_rs::ISO_8859_6),
        ("utf16le.txt", encoding_rs::UTF_16LE),
        ("utf16be.txt", encoding_rs::UTF_16BE),
    ] {
        let d = find(name);
        assert_eq!(d.encoding, encoding, "{name}");
        let text = d.text(None).expect("a text");
        let paragraphs: Vec<String> = text.paragraphs().map(|(_, p)| p.into_owned()).collect();
        assert_eq!(paragraphs, prose, "{name}");
        assert_eq!(text.had_invalid(), Some(false));
    }
    let paragraphs = |name: &str| {
        let text = find(name).text(None).expect("a text");
        text.build_index();
        (text.paragraphs().count(), text.had_invalid())
    };
    assert_eq!(paragraphs("invalid-utf8.txt").1, Some(true));
    assert_eq!(paragraphs("empty.txt").0, 0);
    // One line of 2 MB, laid out in pieces of about 64 KB.
    let (pieces, _) = paragraphs("long-line.txt");
    assert!((31..=33).contains(&pieces), "{pieces} pieces");
    assert!(paragraphs("cr.txt").0 > 1);
    assert_eq!(
        find("broken-link").error.as_deref(),
        Some("no such file or directory")
    );
    let looped = find("loop-a").error.clone().unwrap_or_default();
    assert!(looped.contains("symbolic links"), "{looped}");
    let fifo = find("fifo").error.clone().unwrap_or_default();
    assert!(fifo.starts_with("not a regular file"), "{fifo}");
    if f.is_root {
        // Root reads anything: the permission error cannot happen here.
        assert!(find("unreadable.txt").error.is_none());
    } else {
        assert_eq!(
            find("unreadable.txt").error.as_deref(),
            Some("permission denied")
        );
    }
    assert!(library.documents.iter().all(|d| d.name != "binary.bin"));
    assert_eq!(library.binary_skipped, 1);
    // The folder reached again through its own symlink is read once.
    assert_eq!(
        library
            .documents
            .iter()
            .filter(|d| d.name == "escapes.txt")
            .count(),
        1
    );
}

fn screen(app: &App) -> Vec<String> {
    let mut terminal =
        Terminal::new(TestBackend::new(app.area.width, app.area.height)).expect("terminal");
    terminal
        .draw(|frame| frame.render_widget(app, frame.area()))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    (0..app.area.height)
        .map(|y| {
            (0..app.area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect()
        })
        .collect()
}

fn press(app: &mut App, code: KeyCode) {
    app.handle_key(&KeyEvent::new(code, KeyModifiers::NONE));
}

/// The reader shows each entry as it should: the encoding in the status
/// bar, the error in place of the text, "(empty document)", and the 2 MB
/// line paged through to its end.
#[test]
fn the_reader_shows_encodings_errors_empty_files_and_long_lines() {
    let f = fixtures("screen");
    let library = Library::open(std::slice::from_ref(&f.dir), None);
    let index = |name: &str| {
        library
            .documents
            .iter()
            .position(|d| d.name == name)
            .unwrap_or_else(|| panic!("{name} listed"))
    };
    let (win, broken, empty, long) = (
        index("win1256.txt"),
        index("broken-link"),
        index("empty.txt"),
        index("long-line.txt"),
    );
    let mut app = App::new(library, Some(true), LayoutOptions::default());
    app.resize(100, 30);
    let go_to = |app: &mut App, doc: usize| {
        press(app, KeyCode::Char('g'));
        for _ in 0..doc {
            press(app, KeyCode::Char('j'));
        }
        assert_eq!(app.open_document(), Some(doc));
        screen(app)
    };
    let shown = go_to(&mut app, win);
    assert!(shown[29].contains("Windows-1256"), "{}", shown[29]);
    let shown = go_to(&mut app, broken);
    assert!(
        shown
            .iter()
            .any(|l| l.contains("Cannot read broken-link: no such file or directory")),
        "{shown:#?}"
    );
    assert!(
        shown.iter().any(|l| l.contains("cannot read: no")),
        "the list says so too: {shown:#?}"
    );
    let shown = go_to(&mut app, empty);
    assert!(shown.iter().any(|l| l.contains("(empty document)")));
    go_to(&mut app, long);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::Char('G'));
    let shown = screen(&app);
    assert!(shown[29].contains("100% ¶ "), "{}", shown[29]);
    press(&mut app, KeyCode::Char('g'));
    assert_eq!(app.anchor().map(|a| (a.start, a.offset)), Some((0, 0)));
}

/// The address space the reader gets when its standard input never ends:
/// it reads at most 256 MiB of it (and needs about twice that while it
/// does), while holding all it could read would need more than this.
const READER_MEMORY: u64 = 1 << 30;

/// Starts the reader on standard input (`qari -`) within [`READER_MEMORY`].
fn reader_on_stdin(stdin: Stdio) -> Pty {
    let mut command = Command::new(env!("CARGO_BIN_EXE_qari"));
    command.arg("-");
    common::limit_address_space(&mut command, READER_MEMORY);
    Pty::spawn_with_stdin(command, 100, 30, Some(stdin)).expect("qari in a pseudo-terminal")
}

/// Quits the reader and checks that it ended well.
fn quit(mut pty: Pty) {
    pty.send(b"q");
    let status = pty.wait_exit(Duration::from_secs(20));
    let output = pty.output();
    let tail = &output[output.len().saturating_sub(2000)..];
    let status = status.unwrap_or_else(|e| panic!("{e}: {}", escaped(tail)));
    assert!(status.success(), "{status:?}: {}", escaped(tail));
}

#[test]
fn zeros_on_standard_input_are_left_out_at_once() {
    // Binary from its first 8 KB, so the rest of /dev/zero is not read, and
    // the status bar says what was left out. (The wait is a guard against a
    // hang, not a measure of speed.)
    let zero = std::fs::File::open("/dev/zero").expect("/dev/zero");
    let pty = reader_on_stdin(Stdio::from(zero));
    pty.wait_for_after(0, "1 binary file left out", Duration::from_secs(30));
    quit(pty);
}

#[test]
fn endless_text_on_standard_input_is_cut_with_a_notice() {
    // Text that never ends (`yes`): its first 256 MiB are shown, and the
    // status bar says that was all.
    let (pipe, mut input) = std::io::pipe().expect("a pipe");
    let feeder = std::thread::spawn(move || {
        let block = "سطر لا ينتهي من نص يأتي بلا توقف\n".repeat(2000);
        while input.write_all(block.as_bytes()).is_ok() {}
    });
    let pty = reader_on_stdin(Stdio::from(pipe));
    pty.wait_for_after(0, "only the first 256 MiB read", Duration::from_secs(60));
    // Its first word, "سطر", shaped and in visual order: the text is shown.
    pty.wait_for_after(0, "\u{FEAE}\u{FEC4}\u{FEB3}", Duration::from_secs(10));
    quit(pty);
    feeder
        .join()
        .expect("the feeder ends when the reader stops reading");
}
