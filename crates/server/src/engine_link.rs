//! Keeps the screening engine in step with the store.
//!
//! At start-up one thread loads every active record into the engine (the server answers
//! `/readyz` with 503 until it is done), then follows the store's change log from the position
//! of that snapshot: it applies every new version as soon as a write through the API wakes it
//! ([`AppState::record_written`]), and at least once a second for writes made by other
//! processes (an import, another node). Replaying a version twice is harmless: the engine
//! ignores versions older than the one it holds.

use std::sync::Arc;
use std::time::Duration;

use portwatch_model::Record;

use crate::state::AppState;

/// Changes read from the log per store call.
const CHANGES_PER_READ: usize = 10_000;

/// How long the follower sleeps when nothing wakes it.
const POLL: Duration = Duration::from_secs(1);

/// Loads the engine and starts following the change log, in the background.
pub fn start_following(state: Arc<AppState>) {
    tokio::spawn(async move {
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
        loop {
            let _ = tokio::time::timeout(POLL, state.changes.notified()).await;
            let follower = state.clone();
            match tokio::task::spawn_blocking(move || catch_up(&follower, seq)).await {
                Ok(Ok(next)) => seq = next,
                Ok(Err(e)) => tracing::warn!(error = %e, "reading the change log failed; retrying"),
                Err(e) => tracing::warn!(error = %e, "the change-log follower failed; retrying"),
            }
        }
    });
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
