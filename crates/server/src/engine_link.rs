//! Keeps the screening engine in step with the store.
//!
//! At start-up one thread loads every active record into the engine (the server answers
//! `/readyz` with 503 until it is done), then follows the store's change log from the position
//! of that snapshot. It reads the log as soon as something wakes it:
//!
//! - a write through this node's API ([`AppState::record_written`]);
//! - a commit by any process, when the store can tell
//!   ([`Store::change_wakeups`](portwatch_store::Store::change_wakeups): PostgreSQL's
//!   LISTEN/NOTIFY), so a record written through another node is screened here within
//!   milliseconds; a thread of its own waits on those wake-ups;
//! - otherwise at least once a second (`POLL`), for writes by other processes that no
//!   wake-up announced (an import into SQLite, a notification lost while reconnecting).
//!
//! Wake-ups are only hints: the follower always reads the log from the last position it
//! applied, so nothing is missed and nothing is applied twice out of order. Replaying a
//! version twice is harmless anyway: the engine ignores versions older than the one it holds.
//! The threads and the follower stop when the server is shut down.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use portwatch_model::Record;
use portwatch_store::ChangeWakeups;

use crate::state::AppState;

/// Changes read from the log per store call.
const CHANGES_PER_READ: usize = 10_000;

/// How long the follower sleeps when nothing wakes it.
const POLL: Duration = Duration::from_secs(1);

/// How long a listening thread waits for a notification before it checks whether the server
/// was stopped (waiting costs nothing: no query is made).
pub(crate) const LISTEN_WAIT: Duration = Duration::from_secs(1);

/// How long a listening thread waits after its store connection failed before trying again.
const LISTEN_RETRY: Duration = Duration::from_secs(2);

/// Loads the engine and starts following the change log, in the background, until `stopped`
/// turns true.
pub fn start_following(state: Arc<AppState>, stopped: watch::Receiver<bool>) {
    start_change_wakeups(&state, stopped.clone());
    crate::hit_relay::start_relay(&state, stopped.clone());
    tokio::spawn(follow(state, stopped));
}

async fn follow(state: Arc<AppState>, mut stopped: watch::Receiver<bool>) {
    let loader = state.clone();
    let loaded = tokio::task::spawn_blocking(move || load(&loader)).await;
    let mut seq = match loaded {
        Ok(Ok(seq)) => seq,
        Ok(Err(e)) => {
            tracing::error!(error = %e, "the engine could not be loaded from the store; not ready");
            return;
        }
        Err(e) => {
            tracing::error!(error = %e, "the engine loader stopped; not ready");
            return;
        }
    };
    state.set_ready();
    let stats = state.engine.stats();
    tracing::info!(
        documents = stats.documents,
        persons = stats.persons,
        vehicles = stats.vehicles,
        change_log = seq,
        "the screening engine is ready"
    );
    while !*stopped.borrow() {
        tokio::select! {
            _ = tokio::time::timeout(POLL, state.changes.notified()) => {}
            _ = stopped.changed() => return,
        }
        let follower = state.clone();
        match tokio::task::spawn_blocking(move || catch_up(&follower, seq)).await {
            Ok(Ok(next)) => seq = next,
            Ok(Err(e)) => tracing::warn!(error = %e, "reading the change log failed; retrying"),
            Err(e) => tracing::warn!(error = %e, "the change-log follower failed; retrying"),
        }
    }
}

/// Wakes the follower at every commit to the change log by any process, when the store can
/// tell of them.
fn start_change_wakeups(state: &Arc<AppState>, stopped: watch::Receiver<bool>) {
    let opened = state.store.change_wakeups();
    if matches!(opened, Ok(None)) {
        return;
    }
    let reopen = state.clone();
    let woken = state.clone();
    listen_until_stopped(
        "portwatch-change-wakeups",
        "change-log notifications",
        stopped,
        opened,
        move || reopen.store.change_wakeups(),
        move |wakeups: &mut Box<dyn ChangeWakeups>| {
            if wakeups.wait(LISTEN_WAIT)?.is_some() {
                woken.changes.notify_one();
            }
            Ok(())
        },
    );
}

/// Runs `turn` over a listener on a thread of its own (a listener blocks) until `stopped`
/// turns true. When the listener fails (the database went away), the failure is logged once
/// and the listener is tried again every [`LISTEN_RETRY`] (it reconnects by itself); when it
/// could not be opened at all, it is opened again the same way. Notifications sent meanwhile
/// are lost: the follower's poll covers the change log.
pub(crate) fn listen_until_stopped<W: Send + 'static>(
    thread: &str,
    what: &'static str,
    stopped: watch::Receiver<bool>,
    opened: portwatch_store::Result<Option<W>>,
    reopen: impl Fn() -> portwatch_store::Result<Option<W>> + Send + 'static,
    mut turn: impl FnMut(&mut W) -> portwatch_store::Result<()> + Send + 'static,
) {
    let mut failing = false;
    let mut listener = match opened {
        Ok(listener) => listener,
        Err(e) => {
            tracing::warn!(error = %e, "cannot listen for {what}; retrying");
            failing = true;
            None
        }
    };
    let spawned = std::thread::Builder::new()
        .name(thread.to_string())
        .spawn(move || {
            while !*stopped.borrow() {
                let outcome = match listener.as_mut() {
                    Some(open) => turn(open),
                    None => match reopen() {
                        Ok(Some(open)) => {
                            listener = Some(open);
                            Ok(())
                        }
                        Ok(None) => return,
                        Err(e) => Err(e),
                    },
                };
                match outcome {
                    Ok(()) if failing => {
                        tracing::info!("listening for {what} again");
                        failing = false;
                    }
                    Ok(()) => {}
                    Err(e) => {
                        if !failing {
                            tracing::warn!(error = %e, "listening for {what} failed; retrying");
                            failing = true;
                        }
                        std::thread::sleep(LISTEN_RETRY);
                    }
                }
            }
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "cannot start a thread listening for {what}; polling only");
    }
}

/// Bulk-loads every active record, then applies what was written while it loaded (the load
/// replaced the indexes those writes had been applied to); returns the change-log position.
fn load(state: &AppState) -> anyhow::Result<u64> {
    let mut records: Vec<Record> = Vec::new();
    let seq = state
        .store
        .for_each_active(&mut |record| records.push(record))?;
    state.engine.bulk_load(records);
    catch_up(state, seq)
}

/// Applies every change after `seq`; returns the new position.
fn catch_up(state: &AppState, mut seq: u64) -> anyhow::Result<u64> {
    loop {
        let changes = state.store.changes_since(seq, CHANGES_PER_READ)?;
        let Some(last) = changes.last() else {
            return Ok(seq);
        };
        let next = last.seq;
        for change in &changes {
            state.engine.apply(&change.record);
        }
        seq = next;
        if changes.len() < CHANGES_PER_READ {
            return Ok(seq);
        }
    }
}
