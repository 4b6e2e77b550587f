//! A folder of hostile and broken inputs, made afresh by the tests that need
//! it: documents full of terminal escape sequences and C0/C1 controls,
//! Trojan Source bidi overrides, file names carrying escapes, newlines and
//! overrides, legacy and UTF-16 encodings, invalid UTF-8, binary and empty
//! files, an unreadable file, symlink loops, a dangling symlink, a FIFO, a
//! 2 MB single line and old line endings.
//!
//! Everything is built from constants, so the folder is the same on every
//! run. All files but the long line are a few hundred bytes.

use std::ffi::{CString, OsStr};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};

/// The paths of the hostile library's entries.
#[derive(Debug, Clone)]
pub struct Fixtures {
    /// The folder holding everything below.
    pub dir: PathBuf,
    /// Arabic and Latin lines with raw ESC sequences and every C0 and C1
    /// control (NUL and LF aside: see `binary` and the line structure).
    pub escapes: PathBuf,
    /// Trojan Source lines: every explicit bidi control in code and Arabic.
    pub trojan: PathBuf,
    /// A file whose name holds ESC, BEL and C1 controls (an OSC title
    /// change and an 8-bit CSI), and whose title line holds escapes.
    pub hostile_name: PathBuf,
    /// A file whose name holds a raw 0x9B byte (8-bit CSI, invalid UTF-8).
    pub raw_byte_name: PathBuf,
    /// A file whose name holds a newline.
    pub newline_name: PathBuf,
    /// A file whose name holds RIGHT-TO-LEFT OVERRIDE (`invoice-<RLO>txt.exe`).
    pub bidi_name: PathBuf,
    /// A dangling symlink whose name holds an OSC 52 clipboard write, so
    /// error messages have to name it.
    pub hostile_broken_link: PathBuf,
    /// Arabic prose in Windows-1256.
    pub win1256: PathBuf,
    /// Arabic prose in ISO-8859-6.
    pub iso8859_6: PathBuf,
    /// Arabic prose in UTF-16LE with a byte order mark.
    pub utf16le: PathBuf,
    /// Arabic prose in UTF-16BE with a byte order mark.
    pub utf16be: PathBuf,
    /// Truncated, overlong, surrogate and stray bytes among Arabic.
    pub invalid_utf8: PathBuf,
    /// NUL bytes with escapes between them.
    pub binary: PathBuf,
    /// Zero bytes.
    pub empty: PathBuf,
    /// Mode 000 (still readable when the tests run as root).
    pub unreadable: PathBuf,
    /// A symlink to `loop_b`.
    pub loop_a: PathBuf,
    /// A symlink to `loop_a`.
    pub loop_b: PathBuf,
    /// A symlink to the folder itself (a directory cycle).
    pub dir_loop: PathBuf,
    /// A symlink to nothing.
    pub broken_link: PathBuf,
    /// A named pipe nobody writes to.
    pub fifo: PathBuf,
    /// One Arabic line of 2 MB, no newline.
    pub long_line: PathBuf,
    /// CRLF line endings, and a lone CR inside a line.
    pub crlf: PathBuf,
    /// CR-only line endings.
    pub cr: PathBuf,
    /// Whether the tests run as root, for whom `unreadable` can be read.
    pub is_root: bool,
}

impl Fixtures {
    /// Every entry with a short label, in a fixed order.
    pub fn all(&self) -> Vec<(&'static str, &Path)> {
        vec![
            ("escapes.txt", &self.escapes),
            ("trojan.txt", &self.trojan),
            ("hostile file name", &self.hostile_name),
            ("raw 0x9B file name", &self.raw_byte_name),
            ("newline file name", &self.newline_name),
            ("RLO file name", &self.bidi_name),
            ("hostile dangling symlink", &self.hostile_broken_link),
            ("win1256.txt", &self.win1256),
            ("iso8859-6.txt", &self.iso8859_6),
            ("utf16le.txt", &self.utf16le),
            ("utf16be.txt", &self.utf16be),
            ("invalid-utf8.txt", &self.invalid_utf8),
            ("binary.bin", &self.binary),
            ("empty.txt", &self.empty),
            ("unreadable.txt", &self.unreadable),
            ("loop-a", &self.loop_a),
            ("loop-b", &self.loop_b),
            ("dir-loop", &self.dir_loop),
            ("broken-link", &self.broken_link),
            ("fifo", &self.fifo),
            ("long-line.txt", &self.long_line),
            ("crlf.txt", &self.crlf),
            ("cr.txt", &self.cr),
        ]
    }
}

/// Arabic prose for the encoded files: letters every Arabic code page has.
pub const PROSE: &str = "مقدمة قصيرة\n\
في البدء كانت الكلمة، والكلمة كانت عند القارئ.\n\
هل يقرأ الحاسوب ما نكتب؟ نعم، إذا فهم ترتيب الحروف من اليمين إلى اليسار.\n";

/// The escape-sequence document, line by line (bytes: one line is not UTF-8).
fn escapes() -> Vec<u8> {
    let mut doc: Vec<u8> = Vec::new();
    let mut line = |bytes: &[u8]| {
        doc.extend_from_slice(bytes);
        doc.push(b'\n');
    };
    line("عنوان \x1b[2J\x1b[H مسح الشاشة".as_bytes());
    line(b"Clear screen \x1b[2J\x1b[3J, home \x1b[H, move \x1b[10;20H\x1b[5A\x1b[3C\x1b[2D\x1b[1B here");
    line("نص \x1b[31;1;5mأحمر وامض\x1b[0m ثم \x1b[38;2;255;0;0mلون كامل\x1b[m انتهى".as_bytes());
    line(b"SGR hidden \x1b[8msecret\x1b[28m and reverse \x1b[7mtext\x1b[27m");
    line(b"Clipboard \x1b]52;c;aGFja2Vk\x07 written with BEL");
    line("الحافظة \x1b]52;c;aGFja2Vk\x1b\\ بنهاية ST".as_bytes());
    line(b"Title \x1b]0;pwned\x07 with BEL and \x1b]2;pwned\x1b\\ with ST");
    line("عنوان النافذة \x1b]2;مخترق\x07 هنا".as_bytes());
    line(b"Hyperlink \x1b]8;;https://example.invalid\x1b\\click\x1b]8;;\x1b\\ and colour \x1b]4;1;rgb:ff/00/00\x07");
    line(b"DCS sixel \x1bPq#0;2;0;0;0#1!6~\x1b\\ and XTGETTCAP \x1bP+q544e\x1b\\");
    line(b"APC \x1b_Gf=100;AAAA\x1b\\ PM \x1b^private\x1b\\ SOS \x1bXstring\x1b\\");
    line(b"Paste end \x1b[201~ echo pwned \x1b[200~ paste start");
    line(b"Queries \x1b[6n \x1b[c \x1b[>c \x1b]10;?\x07 \x1b[21t \x1b[?1049h \x1b[?25l \x1b[8h");
    line(
        b"Reset \x1bc charset \x1b(0lqk\x1b(B keypad \x1b=\x1b> align \x1b#8 index \x1bD\x1bE\x1bM",
    );
    line(b"Bell \x07\x07 overstrike A\x08B _\x08x x\x08_ delete \x7f\x7f end");
    line("جرس \x07 محو \x08\x08 حذف \x7f".as_bytes());
    // Every C0 control but NUL (which makes a file binary) and LF (which
    // ends the line), each between letters.
    let mut c0 = b"C0:".to_vec();
    for b in (1u8..0x20).filter(|&b| b != b'\n') {
        c0.extend_from_slice(&[b'<', b, b'>']);
    }
    line(&c0);
    // Every C1 control as UTF-8 (C2 80 … C2 9F), then 8-bit CSI, OSC and
    // DCS strings.
    let mut c1 = "تحكم C1:".as_bytes().to_vec();
    for c in '\u{80}'..='\u{9f}' {
        c1.push(b'<');
        c1.extend_from_slice(c.to_string().as_bytes());
        c1.push(b'>');
    }
    line(&c1);
    line("CSI8 \u{9b}2J\u{9b}H\u{9b}31m OSC8 \u{9d}0;pwned\u{9c} \u{9d}52;c;aGFja2Vk\u{7} DCS8 \u{90}q\u{9c} NEL\u{85}".as_bytes());
    line(b"Raw 8-bit CSI byte \x9b2J \x9b31m and OSC byte \x9d0;pwned\x07 (not UTF-8)");
    line("نهاية \u{1b}[0m".as_bytes());
    doc
}

/// Trojan Source lines (CVE-2021-42574 style) and Arabic with every explicit
/// bidi control.
fn trojan() -> String {
    [
        "/* Trojan Source */",
        "if access_level != \"user\u{202E} \u{2066}// Check if admin\u{2069} \u{2066}\" {",
        "/*\u{202E} } \u{2066}if (is_admin)\u{2069} \u{2066} begin admins only */",
        "let s = \"\u{202E}\u{2066}rm -rf /\u{2069}\u{2066}\"; // \u{202D}LRO\u{202C} \u{202A}LRE\u{202C} \u{202B}RLE\u{202C}",
        "return; \u{2067}RLI\u{2069} \u{2068}FSI بعد\u{2069} \u{061C}ALM \u{200E}LRM \u{200F}RLM",
        "السعر \u{202E}123 دولار\u{202C} فقط، والرمز \u{202D}ABC-123\u{202C} هنا.",
        "عبارة \u{202B}مضمنة \u{202A}embedded English\u{202C}\u{202C} و\u{2067}معزولة\u{2069} و\u{2066}isolated\u{2069}.",
        "\u{061C}١٢٣ \u{200F}- \u{200E}456 \u{2068}?؟\u{2069}",
        "unterminated \u{202E}override runs to the end of the paragraph",
        "next line starts clean",
        "line\u{2028}separator and paragraph\u{2029}separator",
    ]
    .iter()
    .map(|l| format!("{l}\n"))
    .chain(std::iter::once(format!(
        "deep {} nesting {}\n",
        "\u{202B}".repeat(130),
        "\u{202C}".repeat(130)
    )))
    .collect()
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    std::iter::once(0xFEFF)
        .chain(text.encode_utf16())
        .flat_map(|u| {
            if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            }
        })
        .collect()
}

fn encoded(encoding: &'static encoding_rs::Encoding, text: &str) -> Vec<u8> {
    let (bytes, used, unmappable) = encoding.encode(text);
    assert!(
        used == encoding && !unmappable,
        "{} encodes the prose",
        encoding.name()
    );
    bytes.into_owned()
}

/// A 2 MB Arabic line: a fixed cycle of words, no sentence end, no newline.
fn long_line() -> Vec<u8> {
    const SIZE: usize = 2 * 1024 * 1024;
    let words = [
        "القراءة",
        "من",
        "اليمين",
        "إلى",
        "اليسار",
        "سطر",
        "طويل",
        "جدا",
    ];
    let mut out = Vec::with_capacity(SIZE + 32);
    for word in words.iter().cycle() {
        if out.len() >= SIZE {
            break;
        }
        out.extend_from_slice(word.as_bytes());
        out.push(b' ');
    }
    out.truncate(SIZE);
    // Cut at a character boundary (Arabic letters are two bytes).
    while std::str::from_utf8(&out).is_err() {
        out.pop();
    }
    out
}

fn path_of(dir: &Path, name: &[u8]) -> PathBuf {
    dir.join(OsStr::from_bytes(name))
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

/// (Re)creates the hostile library in `dir` and returns its entries.
pub fn hostile_library(dir: &Path) -> Fixtures {
    if let Err(e) = std::fs::remove_dir_all(dir)
        && e.kind() != std::io::ErrorKind::NotFound
    {
        panic!("remove {}: {e}", dir.display());
    }
    std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
    // SAFETY: geteuid has no preconditions.
    let is_root = unsafe { libc::geteuid() } == 0;

    let f = Fixtures {
        dir: dir.to_path_buf(),
        escapes: dir.join("escapes.txt"),
        trojan: dir.join("trojan.txt"),
        hostile_name: path_of(dir, b"name-\x1b]0;pwned\x07-\xc2\x9b2J-\x1b[31m.txt"),
        raw_byte_name: path_of(dir, b"raw-\x9b2J-byte.txt"),
        newline_name: path_of(dir, b"line\nbreak.txt"),
        bidi_name: path_of(dir, "invoice-\u{202E}txt.exe".as_bytes()),
        hostile_broken_link: path_of(dir, b"gone-\x1b]52;c;aGFja2Vk\x07-\xc2\x9d.txt"),
        win1256: dir.join("win1256.txt"),
        iso8859_6: dir.join("iso8859-6.txt"),
        utf16le: dir.join("utf16le.txt"),
        utf16be: dir.join("utf16be.txt"),
        invalid_utf8: dir.join("invalid-utf8.txt"),
        binary: dir.join("binary.bin"),
        empty: dir.join("empty.txt"),
        unreadable: dir.join("unreadable.txt"),
        loop_a: dir.join("loop-a"),
        loop_b: dir.join("loop-b"),
        dir_loop: dir.join("dir-loop"),
        broken_link: dir.join("broken-link"),
        fifo: dir.join("fifo"),
        long_line: dir.join("long-line.txt"),
        crlf: dir.join("crlf.txt"),
        cr: dir.join("cr.txt"),
        is_root,
    };

    write(&f.escapes, &escapes());
    write(&f.trojan, trojan().as_bytes());
    write(
        &f.hostile_name,
        "عنوان \x1b]2;pwned\x07 خبيث \u{9b}2J\n\nنص الملف ذو الاسم الخبيث.\n".as_bytes(),
    );
    write(&f.raw_byte_name, "ملف باسم فيه بايت 0x9B.\n".as_bytes());
    write(&f.newline_name, "ملف باسم فيه سطر جديد.\n".as_bytes());
    write(&f.bidi_name, "Invoice: a file name with RLO.\n".as_bytes());
    symlink("no-such-target", &f.hostile_broken_link).expect("hostile symlink");
    write(&f.win1256, &encoded(encoding_rs::WINDOWS_1256, PROSE));
    write(&f.iso8859_6, &encoded(encoding_rs::ISO_8859_6, PROSE));
    write(&f.utf16le, &utf16(PROSE, false));
    write(&f.utf16be, &utf16(PROSE, true));
    let mut invalid = "نص عربي ".as_bytes().to_vec();
    invalid
        .extend_from_slice(b"truncated \xd8 overlong \xc0\xaf \xc0\x9b2J surrogate \xed\xa0\x80 ");
    invalid.extend_from_slice(b"five-byte \xf8\x88\x80\x80\x80 stray \x80\x9b\xbf high \xfe\xff ");
    invalid.extend_from_slice("ثم نص سليم\n".as_bytes());
    invalid.extend_from_slice(b"C2 before ESC \xc2\x1b[2J and \xe2\x80 cut\n\xd9");
    write(&f.invalid_utf8, &invalid);
    write(
        &f.binary,
        b"\x7fELF\x02\x01\x01\x00\x00\x00\x1b[2J\x1b]52;c;aGFja2Vk\x07\x00\x9b31m\x00\xff\xfe\x00",
    );
    write(&f.empty, b"");
    write(&f.unreadable, "ملف لا يقرأ إلا للجذر.\n".as_bytes());
    std::fs::set_permissions(&f.unreadable, std::fs::Permissions::from_mode(0o000))
        .expect("chmod 000");
    symlink("loop-b", &f.loop_a).expect("symlink loop-a");
    symlink("loop-a", &f.loop_b).expect("symlink loop-b");
    symlink(".", &f.dir_loop).expect("symlink dir-loop");
    symlink("does-not-exist", &f.broken_link).expect("symlink broken-link");
    let fifo = CString::new(f.fifo.as_os_str().as_bytes()).expect("no NUL in the path");
    // SAFETY: a valid NUL-terminated path.
    let made = unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) };
    assert_eq!(made, 0, "mkfifo: {}", std::io::Error::last_os_error());
    write(&f.long_line, &long_line());
    write(
        &f.crlf,
        "عنوان\r\nسطر أول.\r\nسطر ثان\rفيه رجوع.\r\n\r\nlast line\r\n".as_bytes(),
    );
    write(&f.cr, "عنوان\rسطر أول.\rسطر ثان.\r".as_bytes());
    f
}
