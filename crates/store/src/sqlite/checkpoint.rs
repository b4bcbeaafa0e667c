//! Checkpoints on a thread of their own, so that a write does not wait for one.
//!
//! In WAL mode a commit appends pages to the `-wal` file; a *checkpoint* copies them into the
//! database file and syncs it. SQLite runs one inside the commit that takes the log past
//! `wal_autocheckpoint` pages, and the write waits for it: a batch of an import waits while
//! the pages of the batches before it are copied, and every write queued behind it waits
//! too. Here a background thread with its own connection copies what the writer
//! has committed after each write ([`Checkpointer::committed`]), `PASSIVE`ly: it never blocks
//! the writer nor readers, and copies up to the last commit it can see.
//!
//! The writer still checkpoints itself, at a much larger log size ([`WRITER_CHECKPOINT_BYTES`]):
//! only a checkpoint that has copied the whole log lets the next write start the log again
//! from its beginning, and under a steady stream of writes the background thread is always
//! one commit behind. By then the background thread has copied all but the last commits, so
//! the writer's checkpoint is short.

use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::error::Result;

/// The log size (1 GiB) at which the writer checkpoints inside a commit. Large: that
/// checkpoint copies whatever the thread has not yet, which during an import is the last
/// batch or two, while the import waits (a tenth of its time at 128 MiB).
pub(super) const WRITER_CHECKPOINT_BYTES: u32 = 1 << 30;

/// The least time between two background checkpoints. Each one syncs the database file, so a
/// stream of small commits (stored hits, follow-ups, records changed one by one) is copied in
/// a few checkpoints a second rather than one per commit; an import's batches take longer
/// than this anyway.
const MIN_INTERVAL: Duration = Duration::from_millis(25);

/// What the writer tells the background thread.
#[derive(Default)]
struct Signal {
    /// A commit happened since the thread last looked.
    committed: bool,
    /// The store is closing.
    stop: bool,
}

/// The background checkpoint thread of one store; stopped and joined when dropped.
pub(super) struct Checkpointer {
    signal: Arc<(Mutex<Signal>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Checkpointer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checkpointer").finish_non_exhaustive()
    }
}

impl Checkpointer {
    /// Opens the thread's connection to `path` and starts it.
    pub(super) fn start(path: &Path) -> Result<Checkpointer> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)?;
        // Its own checkpoints are the explicit ones below; it never writes.
        conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        let signal = Arc::new((Mutex::new(Signal::default()), Condvar::new()));
        let shared = Arc::clone(&signal);
        let thread = std::thread::Builder::new()
            .name("portwatch-checkpoint".into())
            .spawn(move || run(&conn, &shared))
            .map_err(|e| crate::error::StoreError::Backend(Box::new(e)))?;
        Ok(Checkpointer {
            signal,
            thread: Some(thread),
        })
    }

    /// Tells the thread that the writer has committed.
    pub(super) fn committed(&self) {
        let (state, wake) = &*self.signal;
        super::lock(state).committed = true;
        wake.notify_one();
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        let (state, wake) = &*self.signal;
        super::lock(state).stop = true;
        wake.notify_one();
        if let Some(thread) = self.thread.take() {
            // A panic in the thread has nothing to hand on: the log keeps what it did not copy.
            let _ = thread.join();
        }
    }
}

fn run(conn: &Connection, signal: &(Mutex<Signal>, Condvar)) {
    let (state, wake) = signal;
    loop {
        {
            let mut guard = super::lock(state);
            while !guard.committed && !guard.stop {
                guard = wake.wait(guard).unwrap_or_else(|p| p.into_inner());
            }
            if guard.stop {
                return;
            }
            guard.committed = false;
        }
        // A checkpoint that fails (the file is busy with another process's checkpoint, the
        // disk is full) loses nothing: the pages stay in the log for the next one.
        let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
        let guard = super::lock(state);
        if guard.stop {
            return;
        }
        // Let commits gather before the next copy; a stop ends the wait early.
        let _ = wake.wait_timeout_while(guard, MIN_INTERVAL, |s| !s.stop);
    }
}
