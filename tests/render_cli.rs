//! `qari render` as a person runs it: real binary, real files, stdout,
//! stderr and exit codes.

mod common;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use unicode_width::UnicodeWidthStr;

fn qari(args: &[&str], stdin: Option<&[u8]>) -> Output {
    common::run_qari(args, stdin.unwrap_or_default())
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 output")
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("qari-render-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    fn file(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).expect("write fixture");
        path.to_string_lossy().into_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn asset(name_prefix: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("assets")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(name_prefix))
        })
        .collect();
    names.sort();
    names[0].to_string_lossy().into_owned()
}

#[test]
fn rtl_lines_are_padded_to_end_at_the_width() {
    let out = qari(&["render", "--width", "40", &asset("001")], None);
    assert!(out.status.success());
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() > 20, "the document wraps into many lines");
    for line in &lines {
        let width = line.width();
        assert!(width <= 40, "line wider than 40: {line:?}");
        if !line.is_empty() {
            assert_eq!(width, 40, "an Arabic line ends at column 40: {line:?}");
        }
    }
}

#[test]
fn no_pad_and_no_wrap_give_one_unpadded_line_per_paragraph() {
    let file = asset("001");
    let source = std::fs::read_to_string(&file).expect("asset");
    let out = qari(&["render", "--no-wrap", "--no-pad", &file], None);
    let text = stdout(&out);
    assert_eq!(text.lines().count(), source.lines().count());
    for line in text.lines() {
        assert!(!line.starts_with(' '), "no padding: {line:?}");
    }
}

#[test]
fn empty_lines_stay_and_nothing_is_added() {
    let out = qari(&["render", "--width", "20", "-"], Some(b"abc\n\ndef\n"));
    assert_eq!(stdout(&out), "abc\n\ndef\n");
}

#[test]
fn shape_off_prints_base_letters_in_visual_order() {
    let out = qari(
        &["render", "--shape", "off", "--no-pad"],
        Some("سلام\n".as_bytes()),
    );
    assert_eq!(stdout(&out), "مالس\n");
    let shaped = qari(&["render", "--no-pad"], Some("سلام\n".as_bytes()));
    assert_eq!(stdout(&shaped), "\u{FEE1}\u{FEFC}\u{FEB3}\n");
}

#[test]
fn direction_can_be_forced() {
    // A neutral paragraph in an otherwise Latin document is left to right;
    // forced right to left it is padded and its brackets mirror.
    let input = "(1)\n".as_bytes();
    assert_eq!(
        stdout(&qari(&["render", "--width", "6"], Some(input))),
        "(1)\n"
    );
    assert_eq!(
        stdout(&qari(
            &["render", "--width", "6", "--direction", "rtl"],
            Some(input)
        )),
        "   (1)\n"
    );
    let arabic = "أب\n".as_bytes();
    let ltr = stdout(&qari(
        &[
            "render",
            "--width",
            "6",
            "--direction",
            "ltr",
            "--shape",
            "off",
        ],
        Some(arabic),
    ));
    assert_eq!(
        ltr, "بأ\n",
        "an LTR paragraph of Arabic is reversed but not padded"
    );
}

#[test]
fn neutral_paragraphs_follow_the_documents_direction() {
    // Most strong characters are Arabic, so "(2018)" is right to left.
    let input = "مرحبا بالعالم\n(2018)\n".as_bytes();
    let text = stdout(&qari(&["render", "--width", "20"], Some(input)));
    assert_eq!(text.lines().nth(1), Some("              (2018)"));
}

#[test]
fn bom_is_skipped_and_invalid_utf8_warned() {
    let dir = TempDir::new("bom");
    let bom = dir.file("bom.txt", b"\xEF\xBB\xBFabc\n");
    // Four Arabic letters and one stray byte: still UTF-8, with U+FFFD.
    let mut damaged = "سلام ".as_bytes().to_vec();
    damaged.extend_from_slice(b"\xFF abc\n");
    let bad = dir.file("bad.txt", &damaged);
    let repaired = dir.file("repaired.txt", "سلام \u{FFFD} abc\n".as_bytes());
    let out = qari(&["render", &bom, &bad], None);
    assert!(out.status.success());
    let expected = qari(&["render", &repaired], None);
    assert_eq!(stdout(&out), format!("abc\n{}", stdout(&expected)));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.txt") && err.contains("UTF-8"),
        "warning names the file: {err}"
    );
    assert!(!err.contains("bom.txt"));
}

#[test]
fn legacy_arabic_renders_like_utf8() {
    let dir = TempDir::new("legacy");
    let text = "كان الصباح هادئا في المدينة القديمة، والشمس تشرق ببطء فوق الأسطح. \
        خرج الناس إلى الأسواق يحملون سلالهم، وتعالت أصوات الباعة في الأزقة.\n";
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1256.encode(text);
    assert!(!unmappable, "fixture fits windows-1256");
    let legacy = dir.file("legacy.txt", &bytes);
    let utf8 = dir.file("utf8.txt", text.as_bytes());
    let out = qari(&["render", "--width", "40", &legacy], None);
    assert!(out.status.success());
    assert!(out.stderr.is_empty(), "no warning for a clean legacy file");
    let expected = qari(&["render", "--width", "40", &utf8], None);
    assert_eq!(stdout(&out), stdout(&expected));
}

#[test]
fn missing_file_is_named_exit_2_and_the_others_still_print() {
    let dir = TempDir::new("missing");
    let good = dir.file("good.txt", b"ok\n");
    let missing = dir.0.join("no-such-file.txt");
    let missing = missing.to_string_lossy();
    let out = qari(&["render", &missing, &good], None);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "ok\n");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no-such-file.txt"), "{err}");
}

#[test]
fn controls_never_reach_the_output() {
    let hostile =
        b"a\x1b]52;c;SGVsbG8=\x07b \x1b[2J \xc2\x9b31m \x08\x7f \xe2\x80\xae\xd8\xa7\xd8\xa8\n";
    let out = qari(&["render", "--width", "30"], Some(hostile));
    let text = stdout(&out);
    for c in text.chars() {
        let bad = (c.is_control() && c != '\n')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
        assert!(!bad, "control {c:?} in output {text:?}");
    }
    assert!(
        text.contains('\u{241B}'),
        "ESC is shown as a symbol: {text:?}"
    );
}

#[test]
fn bad_width_is_a_usage_error() {
    let out = qari(&["render", "--width", "0"], Some(b"x\n"));
    assert_eq!(out.status.code(), Some(2));
    assert!(!out.stderr.is_empty());
}

/// The address space `qari render` gets in the tests of endless input: a
/// run holds at most 64 MiB of input (and needs about twice that with what
/// it decodes and lays out), while holding all of what it reads would need
/// more than this before long.
const MEMORY_LIMIT: u64 = 384 << 20;

/// Starts `qari render ARGS` within [`MEMORY_LIMIT`], standard input from
/// `stdin`, standard output and error piped.
fn render_within_memory(args: &[&str], stdin: Stdio) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_qari"));
    command
        .arg("render")
        .args(args)
        .env_remove("COLUMNS")
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    common::limit_address_space(&mut command, MEMORY_LIMIT);
    command.spawn().expect("run qari render")
}

#[test]
fn an_endless_device_stops_with_a_message_instead_of_filling_memory() {
    let dir = TempDir::new("endless");
    let link = dir.0.join("zero-link");
    std::os::unix::fs::symlink("/dev/zero", &link).expect("a link to /dev/zero");
    let link = link.to_string_lossy().into_owned();
    let zero = || Stdio::from(std::fs::File::open("/dev/zero").expect("/dev/zero"));
    for (args, stdin, name) in [
        (vec!["/dev/zero"], Stdio::null(), "/dev/zero"),
        (vec![link.as_str()], Stdio::null(), "zero-link"),
        (vec!["-"], zero(), "-"),
    ] {
        let mut child = render_within_memory(&args, stdin);
        let status = common::wait_within(&mut child, Duration::from_secs(60))
            .unwrap_or_else(|| panic!("qari render {args:?} did not end (killed)"));
        let mut stdout = Vec::new();
        let mut stderr = String::new();
        let _ = child.stdout.take().map(|mut o| o.read_to_end(&mut stdout));
        let _ = child
            .stderr
            .take()
            .map(|mut e| e.read_to_string(&mut stderr));
        assert_eq!(status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("qari: stopped reading ")
                && stderr.contains(name)
                && stderr.contains("no line ending in 64 MiB"),
            "{args:?}: the message names the input and the limit: {stderr}"
        );
        assert!(stdout.is_empty(), "{args:?}: no line of it is printed");
    }
}

#[test]
fn an_endless_stream_of_lines_prints_as_it_comes_in_bounded_memory() {
    // `yes` with an Arabic line: more input than the process may hold is
    // fed, and its lines keep coming out.
    let line = "كان الصباح هادئا في المدينة القديمة، والشمس تشرق ببطء فوق\n";
    let mut child = render_within_memory(&["--width", "100", "-"], Stdio::piped());
    let mut input = child.stdin.take().expect("stdin");
    let fed = Arc::new(AtomicU64::new(0));
    let feeder = {
        let fed = Arc::clone(&fed);
        let block = line.repeat(64 * 1024 / line.len());
        std::thread::spawn(move || {
            while input.write_all(block.as_bytes()).is_ok() {
                fed.fetch_add(block.len() as u64, Ordering::Relaxed);
            }
        })
    };
    let mut output = child.stdout.take().expect("stdout");
    let mut first = Vec::new();
    let mut printed = 0u64;
    let mut buffer = vec![0u8; 1 << 20];
    while fed.load(Ordering::Relaxed) < MEMORY_LIMIT + (64 << 20) {
        match output.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if first.len() < 4096 {
                    first.extend_from_slice(&buffer[..n.min(4096)]);
                }
                printed += n as u64;
            }
        }
    }
    let running = matches!(child.try_wait(), Ok(None));
    let _ = child.kill();
    let _ = child.wait();
    let _ = feeder.join();
    let mut stderr = String::new();
    let _ = child
        .stderr
        .take()
        .map(|mut e| e.read_to_string(&mut stderr));
    let fed = fed.load(Ordering::Relaxed);
    assert!(
        running,
        "qari render ended after {fed} bytes in and {printed} out: {stderr}"
    );
    assert!(printed > fed / 2, "{printed} bytes printed of {fed} read");
    // What comes out is the line laid out, over and over.
    let one = stdout(&qari(&["render", "--width", "100"], Some(line.as_bytes())));
    let first = String::from_utf8_lossy(&first);
    assert!(first.starts_with(&one.repeat(3)), "{first:?}");
}

/// The width comes from `$COLUMNS` first, then the terminal, then 80: the
/// help says so, in that order, and in a pseudo-terminal 100 wide
/// `COLUMNS=30` gives lines of 30.
#[test]
fn columns_comes_before_the_terminal_and_the_help_says_so() {
    let help = qari(&["render", "--help"], None);
    let text = stdout(&help);
    assert!(
        text.contains("$COLUMNS, else the terminal's width, else 80"),
        "{text}"
    );
    let dir = std::env::temp_dir().join(format!("qari-render-columns-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a folder");
    let file = dir.join("words.txt");
    std::fs::write(&file, "كلمة ".repeat(40)).expect("a document");
    // The harness clears COLUMNS; the shell sets it for qari alone.
    let mut command = Command::new("sh");
    command.args([
        "-c",
        "COLUMNS=30 exec \"$0\" render \"$1\"",
        env!("CARGO_BIN_EXE_qari"),
        &file.to_string_lossy(),
    ]);
    let mut pty = common::pty::Pty::spawn(command, 100, 10).expect("a pseudo-terminal");
    let status = pty.wait_exit(Duration::from_secs(10)).expect("qari exits");
    assert!(status.success());
    let out = String::from_utf8_lossy(&pty.output()).into_owned();
    let widest = out
        .lines()
        .map(|l| l.trim_end_matches('\r').width())
        .max()
        .unwrap_or(0);
    assert_eq!(widest, 30, "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Markdown and HTML print as blocks, as the reading pane shows them: no
/// markup; by name, by their start on standard input, or by `--format`,
/// which also prints a Markdown file as it is.
#[test]
fn structured_documents_render_as_blocks() {
    let dir = std::env::temp_dir().join(format!("qari-render-structured-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a folder");
    let md = dir.join("notes.md");
    std::fs::write(
        &md,
        "# Title\n\n- **one**\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
    )
    .unwrap();
    let out = qari(&["render", "--width", "30", md.to_str().unwrap()], None);
    assert!(out.status.success());
    assert_eq!(
        stdout(&out),
        "Title\n\n•  one\n•  two\n\n┌───┬───┐\n│ a │ b │\n├───┼───┤\n│ 1 │ 2 │\n└───┴───┘\n"
    );
    // The same text on standard input is told by its start.
    let piped = qari(
        &["render", "--width", "30"],
        Some(std::fs::read(&md).unwrap().as_slice()),
    );
    assert_eq!(stdout(&piped), stdout(&out));
    // --format plain: the file as it is.
    let plain = qari(
        &[
            "render",
            "--width",
            "30",
            "--format",
            "plain",
            md.to_str().unwrap(),
        ],
        None,
    );
    assert!(
        stdout(&plain).starts_with("# Title\n"),
        "{}",
        stdout(&plain)
    );
    // HTML: scripts and styles left out, the title is not body text.
    let page = dir.join("page.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><html><head><title>T</title><style>p{}</style></head><body><script>evil()</script><p>Hello <b>world</b></p><ul><li>x</li></ul></body></html>",
    )
    .unwrap();
    let html = qari(&["render", "--width", "30", page.to_str().unwrap()], None);
    assert_eq!(stdout(&html), "Hello world\n\n•  x\n");
    std::fs::remove_dir_all(&dir).ok();
}

/// An OpenITI text prints without its header, page markers or milestones,
/// its `~~` lines joined to their paragraphs.
#[test]
fn an_openiti_text_renders_without_markers() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/structured/0748Dhahabi.TarikhIslam.Sample-ara1");
    let out = qari(
        &[
            "render",
            "--width",
            "80",
            "--shape",
            "off",
            file.to_str().unwrap(),
        ],
        None,
    );
    assert!(out.status.success());
    let text = stdout(&out);
    for marker in ["META", "PageV", "~~", "Milestone", "ms0", "###", "OpenITI"] {
        assert!(!text.contains(marker), "{marker:?} in the output");
    }
    // Paragraphs are joined: fewer lines than the source has.
    let source = std::fs::read_to_string(&file).unwrap();
    assert!(text.lines().filter(|l| !l.is_empty()).count() < source.lines().count());
}

/// `qari render` prints a book's chapters in spine order; a broken book is
/// named on stderr with exit code 2, and the other files still print.
#[test]
fn books_render_in_spine_order_and_a_broken_one_is_named() {
    let dir = TempDir::new("epub");
    let book = common::epub::epub3(
        "Book",
        "Writer",
        &[
            ("b.xhtml", "First", &["one"]),
            ("a.xhtml", "Second", &["two"]),
        ],
    );
    let good = dir.0.join("good.epub");
    std::fs::write(&good, book).unwrap();
    let broken = dir.0.join("broken.epub");
    std::fs::write(&broken, b"PK not really a zip").unwrap();
    let plain = dir.0.join("after.txt");
    std::fs::write(&plain, "still printed\n").unwrap();
    let out = qari(
        &[
            "render",
            "--width",
            "40",
            "--no-pad",
            good.to_str().unwrap(),
            broken.to_str().unwrap(),
            plain.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    let first = text.find("First").expect("the first chapter");
    let second = text.find("Second").expect("the second chapter");
    assert!(first < second, "{text}");
    assert!(text.ends_with("still printed\n"), "{text}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("broken.epub") && stderr.contains("not a zip"),
        "{stderr}"
    );
}
