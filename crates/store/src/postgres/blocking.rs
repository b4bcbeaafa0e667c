//! Calling the blocking PostgreSQL client from anywhere, an async runtime's worker included.
//!
//! The `postgres` crate drives its connection with a small Tokio runtime of its own and
//! blocks on it; Tokio forbids that on a thread that is running async tasks ("Cannot start a
//! runtime from within a runtime"). The store's trait is synchronous and a server may well
//! call it (or drop a store) from an async task, so every call goes through [`off_runtime`]:
//! outside any runtime, or on a `spawn_blocking` thread, it runs as is; on a worker of a
//! multi-threaded runtime it runs under `block_in_place`, which hands the worker's other tasks
//! to another thread for the duration; on a current-thread runtime it runs on a scoped thread.

use tokio::runtime::{Handle, RuntimeFlavor};

/// Where a blocking call can run from the current thread.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Blocking {
    /// No runtime here (or a `spawn_blocking` thread): block right here.
    Here,
    /// A worker of a multi-threaded runtime: block under `block_in_place`.
    InPlace,
    /// Inside a current-thread runtime: block on another thread.
    OtherThread,
}

pub(super) fn blocking() -> Blocking {
    match Handle::try_current() {
        Err(_) => Blocking::Here,
        Ok(handle) if handle.runtime_flavor() == RuntimeFlavor::CurrentThread => {
            Blocking::OtherThread
        }
        Ok(_) => Blocking::InPlace,
    }
}

/// Runs `work`, which blocks on the database, where blocking is allowed.
pub(super) fn off_runtime<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    match blocking() {
        Blocking::Here => work(),
        Blocking::InPlace => tokio::task::block_in_place(work),
        Blocking::OtherThread => std::thread::scope(|scope| {
            scope
                .spawn(work)
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        }),
    }
}

/// Drops `value` (connections, whose drop says goodbye to the server) where blocking is
/// allowed; inside a runtime, on a thread of its own so the caller never waits.
pub(super) fn drop_off_runtime<T: Send + 'static>(value: T) {
    if blocking() == Blocking::Here {
        drop(value);
    } else {
        std::thread::spawn(move || drop(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_thread_blocks_here() {
        assert_eq!(blocking(), Blocking::Here);
        assert_eq!(off_runtime(|| 7), 7);
    }

    #[test]
    fn runtimes_are_recognised() {
        let multi = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .build()
            .unwrap();
        assert_eq!(multi.block_on(async { blocking() }), Blocking::InPlace);
        let single = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        assert_eq!(single.block_on(async { blocking() }), Blocking::OtherThread);
        assert_eq!(single.block_on(async { off_runtime(|| 7) }), 7);
    }
}
