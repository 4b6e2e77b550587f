//! Reading files within bounds, without blocking on what is not a file.
//!
//! A path qari reads (its config, a document, the state) may name a FIFO
//! that no one writes (opening it would block qari before its first frame),
//! a device that never ends (`/dev/zero`), or a folder. [`open_regular`]
//! looks at what a path is before opening it, opens it without blocking,
//! and looks again at what was opened (the path may have changed in
//! between); [`read_limited`] then reads at most a given number of bytes.
//! [`read_at_most`] bounds a read of anything, standard input included.

use std::fmt;
use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::os::fd::AsRawFd;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// What a path is when it is not a regular file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A folder.
    Directory,
    /// A named pipe: opening it blocks until a writer comes, and reading it
    /// may never end.
    Fifo,
    /// A character device (`/dev/zero`, a terminal).
    CharDevice,
    /// A block device (a disk).
    BlockDevice,
    /// A Unix socket.
    Socket,
    /// Anything else that is not a regular file.
    Other,
}

impl FileKind {
    /// What `meta` describes, or `None` for a regular file.
    pub fn of(meta: &Metadata) -> Option<FileKind> {
        let kind = meta.file_type();
        if kind.is_file() {
            None
        } else if kind.is_dir() {
            Some(FileKind::Directory)
        } else if kind.is_fifo() {
            Some(FileKind::Fifo)
        } else if kind.is_char_device() {
            Some(FileKind::CharDevice)
        } else if kind.is_block_device() {
            Some(FileKind::BlockDevice)
        } else if kind.is_socket() {
            Some(FileKind::Socket)
        } else {
            Some(FileKind::Other)
        }
    }
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileKind::Directory => "a directory",
            FileKind::Fifo => "a FIFO (named pipe)",
            FileKind::CharDevice => "a character device",
            FileKind::BlockDevice => "a block device",
            FileKind::Socket => "a socket",
            FileKind::Other => "not a file",
        })
    }
}

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadLimitError {
    /// The path is not a regular file; it was not read (nor opened, when
    /// that was known before opening it).
    NotRegular(FileKind),
    /// The file holds more than this many bytes.
    TooLarge(u64),
    /// Opening or reading it failed.
    Io(io::Error),
}

impl fmt::Display for ReadLimitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadLimitError::NotRegular(kind) => write!(f, "is {kind}, not a regular file"),
            ReadLimitError::TooLarge(limit) => write!(f, "is larger than {}", size(*limit)),
            ReadLimitError::Io(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ReadLimitError {}

impl From<io::Error> for ReadLimitError {
    fn from(e: io::Error) -> ReadLimitError {
        ReadLimitError::Io(e)
    }
}

/// A size in bytes as a person reads a limit: "1 MiB", "64 KiB", "100 bytes".
pub fn size(bytes: u64) -> String {
    const KIB: u64 = 1 << 10;
    const MIB: u64 = 1 << 20;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// Opens a regular file for reading, and returns it with its metadata.
///
/// What the path names is looked at first, and anything but a regular file
/// is refused without being opened (opening a device may have effects, and
/// opening a FIFO waits for a writer). The file is then opened without
/// blocking and without becoming the controlling terminal, and the open
/// file is looked at again, since the path may name something else by then.
/// Once it is known to be a regular file it is put back into blocking mode.
pub fn open_regular(path: &Path) -> Result<(File, Metadata), ReadLimitError> {
    if let Some(kind) = FileKind::of(&std::fs::metadata(path)?) {
        return Err(ReadLimitError::NotRegular(kind));
    }
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)?;
    let meta = file.metadata()?;
    if let Some(kind) = FileKind::of(&meta) {
        return Err(ReadLimitError::NotRegular(kind));
    }
    // Linux ignores O_NONBLOCK on regular files, but not every file system
    // behind one need do so.
    let fd = file.as_raw_fd();
    // SAFETY: fcntl on a descriptor `file` owns, with plain integer arguments.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    // SAFETY: as above.
    if flags == -1 || unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) } == -1 {
        return Err(io::Error::last_os_error().into());
    }
    Ok((file, meta))
}

/// Reads the regular file at `path` whole, if it holds at most `limit`
/// bytes; see [`open_regular`].
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, ReadLimitError> {
    let (mut file, meta) = open_regular(path)?;
    if meta.len() > limit {
        return Err(ReadLimitError::TooLarge(limit));
    }
    read_whole(&mut file, limit)
}

/// Reads `reader` to its end, if it ends within `limit` bytes (a file may
/// grow while it is read, and some under /proc say they are empty, so its
/// size tells nothing for sure).
pub fn read_whole(reader: &mut impl Read, limit: u64) -> Result<Vec<u8>, ReadLimitError> {
    let mut bytes = Vec::new();
    match read_at_most(reader, limit.saturating_add(1), &mut bytes)? {
        Reading::Whole => Ok(bytes),
        Reading::Full => Err(ReadLimitError::TooLarge(limit)),
    }
}

/// How a bounded read ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// At the end of the input.
    Whole,
    /// At the limit: whether the input goes on is not known.
    Full,
}

/// Appends what `reader` gives to `bytes`, up to its end or `limit` bytes,
/// whichever comes first. Nothing past the limit is read, and the buffer
/// never grows past what the limit needs: reading an endless input costs
/// `limit` bytes, not the doubling of a growing vector beyond it.
pub fn read_at_most(
    reader: &mut impl Read,
    limit: u64,
    bytes: &mut Vec<u8>,
) -> io::Result<Reading> {
    const PIECE: usize = 64 * 1024;
    let mut left = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut piece = vec![0u8; PIECE.min(left)];
    while left > 0 {
        let want = left.min(PIECE);
        let n = match reader.read(&mut piece[..want]) {
            Ok(0) => return Ok(Reading::Whole),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if bytes.capacity() - bytes.len() < n {
            // Doubling, as a vector grows, but never beyond the limit.
            let grow = bytes.capacity().max(PIECE).min(left).max(n);
            bytes.try_reserve_exact(grow)?;
        }
        bytes.extend_from_slice(&piece[..n]);
        left -= n;
    }
    Ok(Reading::Full)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> std::path::PathBuf {
        std::env::temp_dir().join(format!("qari-fsread-{name}-{}", std::process::id()))
    }

    #[test]
    fn bounded_reads_stop_at_the_limit() {
        for (len, limit) in [
            (0, 0),
            (0, 5),
            (4, 5),
            (5, 5),
            (6, 5),
            (200_000, 70_000),
            (9, 0),
        ] {
            let input = vec![b'x'; len];
            let mut bytes = b"ab".to_vec();
            let reading = read_at_most(&mut input.as_slice(), limit, &mut bytes).expect("read");
            let kept = len.min(limit as usize);
            assert_eq!(bytes.len(), 2 + kept, "{len} bytes, limit {limit}");
            let expected = if len < limit as usize {
                Reading::Whole
            } else {
                Reading::Full
            };
            assert_eq!(reading, expected, "{len} bytes, limit {limit}");
            assert!(bytes.capacity() <= 2 + (limit as usize).max(64 * 1024));
            let whole = read_whole(&mut input.as_slice(), limit);
            assert_eq!(
                whole.is_ok(),
                len <= limit as usize,
                "{len} bytes, limit {limit}"
            );
        }
        // An endless input costs the limit.
        let mut bytes = Vec::new();
        let reading = read_at_most(&mut io::repeat(0), 3 << 20, &mut bytes).expect("read");
        assert_eq!((reading, bytes.len()), (Reading::Full, 3 << 20));
        assert!(bytes.capacity() <= 3 << 20);
    }

    #[test]
    fn only_regular_files_are_read_and_only_up_to_the_limit() {
        let path = temp("file");
        std::fs::write(&path, "سطر\n").expect("a temp file");
        assert_eq!(read_limited(&path, 100).expect("read"), "سطر\n".as_bytes());
        let large = read_limited(&path, 3);
        assert!(
            matches!(large, Err(ReadLimitError::TooLarge(3))),
            "{large:?}"
        );
        let _ = std::fs::remove_file(&path);

        let dir = temp("dir");
        std::fs::create_dir_all(&dir).expect("a temp folder");
        let folder = read_limited(&dir, 100);
        assert!(matches!(
            folder,
            Err(ReadLimitError::NotRegular(FileKind::Directory))
        ));
        // A FIFO nobody writes is answered at once, not waited on.
        let fifo = dir.join("fifo");
        let name = std::ffi::CString::new(fifo.to_string_lossy().as_bytes()).expect("a path");
        // SAFETY: mkfifo reads a NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        let piped = read_limited(&fifo, 100);
        assert!(matches!(
            piped,
            Err(ReadLimitError::NotRegular(FileKind::Fifo))
        ));
        let zero = read_limited(Path::new("/dev/zero"), 100);
        assert!(matches!(
            zero,
            Err(ReadLimitError::NotRegular(FileKind::CharDevice))
        ));
        let missing = read_limited(&dir.join("nowhere"), 100);
        assert!(
            matches!(&missing, Err(ReadLimitError::Io(e)) if e.kind() == io::ErrorKind::NotFound)
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn messages_say_what_the_path_is_and_the_limit() {
        let fifo = ReadLimitError::NotRegular(FileKind::Fifo);
        assert_eq!(
            fifo.to_string(),
            "is a FIFO (named pipe), not a regular file"
        );
        assert_eq!(
            ReadLimitError::TooLarge(1 << 20).to_string(),
            "is larger than 1 MiB"
        );
        assert_eq!(size(256 << 20), "256 MiB");
        assert_eq!(size(64 << 10), "64 KiB");
        assert_eq!(size(100), "100 bytes");
    }
}
