//! Threads that work in the background (scanning folders, indexing a
//! document, searching) give way to the thread that answers keys and draws,
//! and what they freed goes back to the system when they are done.

/// Lowers the calling thread's scheduling priority (nice 10), so that on a
/// machine with fewer cores than busy threads the event loop still runs
/// when it wakes: with sixteen reading threads scanning a folder on two
/// cores, a step of the event loop took up to 50 ms at the same priority.
/// Only this thread changes (Linux gives each thread its own nice value);
/// elsewhere, or if the call fails, nothing changes.
pub fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: gettid and setpriority take plain integers and touch no memory.
    unsafe {
        let tid = libc::gettid();
        // `which` is a u32 with glibc and an i32 with musl.
        libc::setpriority(libc::PRIO_PROCESS as _, tid as libc::id_t, 10);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(target_os = "linux")]
    fn only_the_calling_thread_is_lowered() {
        let nice = || unsafe {
            *libc::__errno_location() = 0;
            libc::getpriority(libc::PRIO_PROCESS as _, libc::gettid() as libc::id_t)
        };
        let before = nice();
        let lowered = std::thread::spawn(move || {
            super::lower_priority();
            nice()
        })
        .join()
        .expect("thread");
        assert_eq!(lowered, (before + 10).min(19));
        assert_eq!(nice(), before, "the calling thread keeps its priority");
    }
}

unsafe extern "C" {
    /// mimalloc's own: frees what it holds on to (qari's allocator, set in
    /// lib.rs).
    fn mi_collect(force: bool);
}

/// Hands memory freed by finished background work back to the system.
/// mimalloc keeps freed pages for reuse a while, and pages of threads that
/// have ended until another thread claims them: after scanning 100,000
/// files the resident set was 107 MB, of which 48 MB was such pages.
pub fn release_freed_memory() {
    // SAFETY: mi_collect takes a flag and only returns memory the
    // allocator no longer uses.
    unsafe { mi_collect(true) }
}
