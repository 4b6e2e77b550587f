//! The one pattern for work off the event loop: a [`Worker`] is a named
//! thread that takes requests and sends answers, the newest request first.
//!
//! - A request that arrives while another waits replaces it: moving through
//!   a list of large files reads only the one the person stopped on, typing
//!   a query answers only the last keystroke.
//! - A request also cancels the one running: the job looks at
//!   [`Job::cancelled`] now and then and stops early.
//! - Answers carry their request's number and [`Worker::take`] drops those
//!   of older requests, so the event loop never acts on a stale answer.
//! - The thread runs at a lower priority when asked ([`Priority`]), and
//!   ends when the `Worker` is dropped.
//!
//! The event loop calls `take` when it wakes; nothing here blocks it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

/// How a worker's thread is scheduled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// As the event loop: work the person waits for keystroke by keystroke.
    Normal,
    /// Below it ([`lower_priority`]): long work that must never slow keys.
    Background,
}

/// A running request, as the job sees it.
#[derive(Debug)]
pub struct Job<A> {
    id: u64,
    latest: Arc<AtomicU64>,
    answers: Sender<(u64, A)>,
}

impl<A> Job<A> {
    /// The request's number, as [`Worker::request`] returned it.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Whether a newer request (or [`Worker::cancel`]) has made this one
    /// stale: a long job checks now and then and stops.
    pub fn cancelled(&self) -> bool {
        self.latest.load(Ordering::SeqCst) != self.id
    }

    /// Sends (part of) the answer; false when nobody listens any more.
    pub fn answer(&self, answer: A) -> bool {
        self.answers.send((self.id, answer)).is_ok()
    }
}

/// What a job that streams its results sends: a batch of them, and at the
/// end that it has finished (a cancelled job never says so).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Streamed<T> {
    /// More results.
    Items(Vec<T>),
    /// The job has gone through everything.
    Done,
}

impl<T> Streamed<T> {
    /// Adds what arrived to `items` and notes in `done` whether the job
    /// finished; returns whether anything arrived.
    pub fn gather(arrived: Vec<Streamed<T>>, items: &mut Vec<T>, done: &mut bool) -> bool {
        let changed = !arrived.is_empty();
        for message in arrived {
            match message {
                Streamed::Items(batch) => items.extend(batch),
                Streamed::Done => *done = true,
            }
        }
        changed
    }
}

/// A thread doing one kind of work for the event loop, newest request
/// first. `Q` is a request, `A` an answer (a job may send several: a
/// search streams its hits).
#[derive(Debug)]
pub struct Worker<Q, A> {
    requests: Sender<(u64, Q)>,
    answers: Receiver<(u64, A)>,
    latest: Arc<AtomicU64>,
}

impl<Q: Send + 'static, A: Send + 'static> Worker<Q, A> {
    /// Starts the thread `name`: it makes its state with `setup` (on the
    /// thread: building an index can take a while), then answers each
    /// request with `run`. If no thread can be had, requests go unanswered
    /// (the caller shows what it has: a whole list, no hits).
    pub fn spawn<S>(
        name: &str,
        priority: Priority,
        setup: impl FnOnce() -> S + Send + 'static,
        run: impl FnMut(&mut S, Q, &Job<A>) + Send + 'static,
    ) -> Worker<Q, A> {
        let (worker, spawned) = Worker::start(name, priority, setup, run);
        drop(spawned);
        worker
    }

    /// Like [`spawn`](Worker::spawn), but `None` when no thread can be had,
    /// for a caller that can do the work itself instead.
    pub fn try_spawn<S>(
        name: &str,
        priority: Priority,
        setup: impl FnOnce() -> S + Send + 'static,
        run: impl FnMut(&mut S, Q, &Job<A>) + Send + 'static,
    ) -> Option<Worker<Q, A>> {
        let (worker, spawned) = Worker::start(name, priority, setup, run);
        spawned.ok().map(|_| worker)
    }

    fn start<S>(
        name: &str,
        priority: Priority,
        setup: impl FnOnce() -> S + Send + 'static,
        mut run: impl FnMut(&mut S, Q, &Job<A>) + Send + 'static,
    ) -> (Worker<Q, A>, std::io::Result<()>) {
        let (requests, incoming) = channel::<(u64, Q)>();
        let (answers, received) = channel();
        let latest = Arc::new(AtomicU64::new(0));
        let newest = Arc::clone(&latest);
        let spawned = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                if priority == Priority::Background {
                    lower_priority();
                }
                let mut state = setup();
                while let Ok(first) = incoming.recv() {
                    // Of the requests waiting, only the newest matters.
                    let (id, request) = incoming.try_iter().last().unwrap_or(first);
                    let job = Job {
                        id,
                        latest: Arc::clone(&newest),
                        answers: answers.clone(),
                    };
                    if job.cancelled() {
                        continue;
                    }
                    run(&mut state, request, &job);
                }
            });
        let worker = Worker {
            requests,
            answers: received,
            latest,
        };
        (worker, spawned.map(|_| ()))
    }

    /// Asks for `request`, cancelling the one running; returns its number.
    pub fn request(&self, request: Q) -> u64 {
        let id = self.latest.fetch_add(1, Ordering::SeqCst) + 1;
        let _ = self.requests.send((id, request));
        id
    }

    /// Cancels the running request: its answers are dropped from now on.
    pub fn cancel(&self) {
        self.latest.fetch_add(1, Ordering::SeqCst);
    }

    /// The number of the newest request.
    pub fn latest(&self) -> u64 {
        self.latest.load(Ordering::SeqCst)
    }

    /// The answers to the newest request that arrived since the last call;
    /// answers to older ones are dropped.
    pub fn take(&self) -> Vec<A> {
        let latest = self.latest();
        self.answers
            .try_iter()
            .filter(|(id, _)| *id == latest)
            .map(|(_, answer)| answer)
            .collect()
    }

    /// Waits up to `timeout` for the next answer to the newest request.
    pub fn wait(&self, timeout: Duration) -> Option<A> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            let (id, answer) = self.answers.recv_timeout(left).ok()?;
            if id == self.latest() {
                return Some(answer);
            }
        }
    }
}

impl<Q, A> Drop for Worker<Q, A> {
    /// Stops the running job; the thread ends once it has.
    fn drop(&mut self) {
        self.latest.fetch_add(1, Ordering::SeqCst);
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::sync_channel;

    #[test]
    fn answers_come_from_the_thread_state() {
        let worker: Worker<u32, u32> = Worker::spawn(
            "test",
            Priority::Normal,
            || 100,
            |base, n, job| {
                *base += 1;
                job.answer(*base + n);
            },
        );
        worker.request(1);
        assert_eq!(worker.wait(Duration::from_secs(10)), Some(102));
        worker.request(1);
        assert_eq!(worker.wait(Duration::from_secs(10)), Some(103));
    }

    #[test]
    fn only_the_newest_waiting_request_runs_and_stale_answers_are_dropped() {
        // The first job holds the thread until the test lets it go.
        let (release, hold) = sync_channel::<()>(0);
        let worker: Worker<&'static str, String> = Worker::spawn(
            "test",
            Priority::Background,
            move || hold,
            |hold: &mut std::sync::mpsc::Receiver<()>, request: &'static str, job| {
                if request == "first" {
                    let _ = hold.recv();
                }
                job.answer(request.to_string());
            },
        );
        worker.request("first");
        // Two more arrive while it runs: the first is stale, the second of
        // them replaces the other.
        std::thread::sleep(Duration::from_millis(50));
        worker.request("second");
        let third = worker.request("third");
        assert_eq!(worker.latest(), third);
        release.send(()).expect("the first job waits");
        assert_eq!(
            worker.wait(Duration::from_secs(10)).as_deref(),
            Some("third")
        );
        std::thread::sleep(Duration::from_millis(50));
        assert!(worker.take().is_empty(), "nothing else: second never ran");
    }

    #[test]
    fn a_cancelled_job_sees_it_and_its_answers_are_dropped() {
        let (started, running) = channel::<()>();
        let worker: Worker<(), u32> = Worker::spawn(
            "test",
            Priority::Normal,
            move || started,
            |started, (), job| {
                let _ = started.send(());
                let mut n = 0;
                while !job.cancelled() {
                    n += 1;
                    job.answer(n);
                    std::thread::sleep(Duration::from_millis(1));
                }
            },
        );
        worker.request(());
        running
            .recv_timeout(Duration::from_secs(10))
            .expect("the job started");
        assert!(worker.wait(Duration::from_secs(10)).is_some());
        worker.cancel();
        std::thread::sleep(Duration::from_millis(50));
        assert!(
            worker.take().is_empty(),
            "answers after the cancel are stale"
        );
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn only_the_calling_thread_is_lowered() {
        let nice = || unsafe {
            *libc::__errno_location() = 0;
            libc::getpriority(libc::PRIO_PROCESS as _, libc::gettid() as libc::id_t)
        };
        let before = nice();
        let lowered = std::thread::spawn(move || {
            lower_priority();
            nice()
        })
        .join()
        .expect("thread");
        assert_eq!(lowered, (before + 10).min(19));
        assert_eq!(nice(), before, "the calling thread keeps its priority");
    }
}
