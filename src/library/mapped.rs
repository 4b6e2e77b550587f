//! Files read in place (memory-mapped), and safe to read even when they are
//! cut short underneath.
//!
//! Mapping a file lets qari show the first or the last screen of a 200 MB
//! document by touching only those pages, and holds the text once (in the
//! page cache). The catch: when another program truncates the file while it
//! is mapped, reading a page past the new end raises SIGBUS, which would end
//! qari with the terminal left in raw mode. So every mapping is registered,
//! and a SIGBUS handler puts a page of zeros in place of a vanished page of
//! a registered mapping and lets the read go on (the text there reads as NUL
//! characters, shown as `␀`); [`truncated`] then tells the reader to say the
//! file changed. A SIGBUS anywhere else keeps its default effect.

use std::fs::File;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// How many mappings can be registered at once (more are read into memory).
const SLOTS: usize = 64;

/// Registered mappings: start and end addresses; 0..0 is a free slot.
static STARTS: [AtomicUsize; SLOTS] = [const { AtomicUsize::new(0) }; SLOTS];
static ENDS: [AtomicUsize; SLOTS] = [const { AtomicUsize::new(0) }; SLOTS];
/// Set when a vanished page was replaced.
static TRUNCATED: AtomicBool = AtomicBool::new(false);
static PAGE: AtomicUsize = AtomicUsize::new(4096);
static INSTALL: Once = Once::new();

/// A file mapped read-only, registered with the SIGBUS handler.
#[derive(Debug)]
pub struct Mapped {
    map: memmap2::Mmap,
    slot: usize,
}

impl Mapped {
    /// Maps `file`; `None` when the file is empty or cannot be mapped, or
    /// when every slot is taken (the caller then reads the file instead).
    pub fn new(file: &File) -> Option<Mapped> {
        install();
        // SAFETY: the map is read-only and private to qari; a change to the
        // file underneath shows through as new bytes (text is never assumed
        // to be valid UTF-8 without checking), and a truncation is caught by
        // the SIGBUS handler below instead of ending the process.
        let map = unsafe { memmap2::Mmap::map(file) }.ok()?;
        if map.is_empty() {
            return None;
        }
        let start = map.as_ptr() as usize;
        let end = start + map.len();
        let slot = (0..SLOTS).find(|&i| {
            STARTS[i]
                .compare_exchange(0, start, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
        })?;
        ENDS[slot].store(end, Ordering::SeqCst);
        Some(Mapped { map, slot })
    }

    /// The file's bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.map
    }
}

impl Drop for Mapped {
    fn drop(&mut self) {
        ENDS[self.slot].store(0, Ordering::SeqCst);
        STARTS[self.slot].store(0, Ordering::SeqCst);
    }
}

/// Whether a mapped file was found cut short since the last call.
pub fn truncated() -> bool {
    TRUNCATED.swap(false, Ordering::SeqCst)
}

fn install() {
    INSTALL.call_once(|| {
        // SAFETY: sysconf has no preconditions.
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        if page > 0 {
            PAGE.store(page as usize, Ordering::SeqCst);
        }
        // SAFETY: a zeroed sigaction with our handler and SA_SIGINFO is a
        // valid argument; the handler only does async-signal-safe work.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_sigbus as *const () as usize;
            action.sa_flags = libc::SA_SIGINFO;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(libc::SIGBUS, &action, std::ptr::null_mut());
        }
    });
}

/// Replaces the vanished page of a registered mapping with zeros; for any
/// other SIGBUS, restores the default action, so that returning re-raises
/// it with its usual effect.
extern "C" fn on_sigbus(_: libc::c_int, info: *mut libc::siginfo_t, _: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid siginfo for SA_SIGINFO handlers.
    let address = unsafe { (*info).si_addr() } as usize;
    let ours = (0..SLOTS).any(|i| {
        let start = STARTS[i].load(Ordering::SeqCst);
        start != 0 && start <= address && address < ENDS[i].load(Ordering::SeqCst)
    });
    if ours {
        let page = PAGE.load(Ordering::SeqCst);
        let at = address & !(page - 1);
        // SAFETY: the page lies inside a mapping qari owns; mapping zeros
        // over it (MAP_FIXED) only changes what that page reads as. mmap is
        // a plain system call, safe to make here.
        let mapped = unsafe {
            libc::mmap(
                at as *mut libc::c_void,
                page,
                libc::PROT_READ,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
                -1,
                0,
            )
        };
        if mapped != libc::MAP_FAILED {
            TRUNCATED.store(true, Ordering::SeqCst);
            return;
        }
    }
    // SAFETY: restoring the default action is async-signal-safe.
    unsafe {
        libc::signal(libc::SIGBUS, libc::SIG_DFL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_file_cut_short_reads_as_zeros_instead_of_crashing() {
        let path = std::env::temp_dir().join(format!("qari-mapped-{}", std::process::id()));
        let page = {
            install();
            PAGE.load(Ordering::SeqCst)
        };
        let mut file = File::create(&path).expect("a temp file");
        file.write_all(&vec![b'a'; page * 3]).expect("write");
        drop(file);
        let file = File::open(&path).expect("open");
        let mapped = Mapped::new(&file).expect("mapped");
        assert_eq!(mapped.bytes()[page * 2], b'a');
        // Another program cuts the file to one page.
        File::options()
            .write(true)
            .open(&path)
            .expect("open for writing")
            .set_len(page as u64)
            .expect("truncate");
        let _ = truncated();
        // The third page is gone: it reads as zeros, and it is noticed.
        let byte = std::hint::black_box(&mapped.bytes()[page * 2 + 10]);
        assert_eq!(*byte, 0);
        assert!(truncated());
        assert_eq!(
            mapped.bytes()[0],
            b'a',
            "the pages still there read as before"
        );
        drop(mapped);
        let _ = std::fs::remove_file(&path);
    }
}
