//! The audit trail of the server: one entry per search, record access and change, written to
//! the store's hash chain before the answer leaves the server.
//!
//! Entries never hold a query: they hold its *keyed fingerprint*, HMAC-SHA-256 under a secret
//! kept in `<data>/server/fingerprint.key` (mode 0600). An auditor holding the key can prove
//! that a given query was made (recompute its fingerprint and look it up); anyone reading the
//! log alone learns nothing about the travellers in it, not even by hashing guesses.
//!
//! Writes are group-committed: request handlers hand their events (and the hits of a search)
//! to one writer thread, which appends everything that is waiting in one store transaction and
//! then answers each handler. Under load, one `fsync` covers many searches; every search still
//! waits until its entry is durable.

use std::path::Path;
use std::sync::Arc;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::sync::{mpsc, oneshot};

use portwatch_model::{AuditAction, AuditEntry, AuditEvent, Hit, Id};
use portwatch_store::Store;

use crate::identity::Caller;
use crate::pki::{write_private, PkiError};
use crate::problem::Problem;

/// The secret behind query fingerprints.
#[derive(Clone)]
pub struct FingerprintKey([u8; 32]);

impl std::fmt::Debug for FingerprintKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FingerprintKey(..)")
    }
}

impl FingerprintKey {
    /// Loads `<data>/server/fingerprint.key`, creating it on first use.
    pub fn load_or_create(data: &Path) -> Result<FingerprintKey, PkiError> {
        let path = data.join("server").join("fingerprint.key");
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let bytes = hex::decode(text.trim()).ok().filter(|b| b.len() == 32);
                let bytes = bytes.ok_or_else(|| PkiError::Invalid {
                    path: path.clone(),
                    reason: "must hold 64 hex digits".into(),
                })?;
                let mut key = [0u8; 32];
                key.copy_from_slice(&bytes);
                Ok(FingerprintKey(key))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key: [u8; 32] = rand::random();
                write_private(&path, hex::encode(key).as_bytes())?;
                Ok(FingerprintKey(key))
            }
            Err(source) => Err(PkiError::Io { path, source }),
        }
    }

    /// The fingerprint of a query of kind `action` whose canonical form is `canonical`:
    /// `HMAC-SHA-256(key, json(action) ‖ "\n" ‖ canonical)`, in hex.
    pub fn fingerprint(&self, action: AuditAction, canonical: &[u8]) -> String {
        let mut running = self.start(action);
        running.0.update(canonical);
        running.finish()
    }

    /// A fingerprint computed line by line (a manifest): the same as [`Self::fingerprint`] of
    /// the lines each followed by `"\n"`.
    pub fn start(&self, action: AuditAction) -> QueryFingerprint {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes any key length");
        let kind = serde_json::to_string(&action).unwrap_or_default();
        mac.update(kind.as_bytes());
        mac.update(b"\n");
        QueryFingerprint(mac)
    }
}

/// A fingerprint being computed.
pub struct QueryFingerprint(Hmac<Sha256>);

impl QueryFingerprint {
    /// Adds one line of the query.
    pub fn update(&mut self, line: &[u8]) {
        self.0.update(line);
        self.0.update(b"\n");
    }

    pub fn finish(self) -> String {
        hex::encode(self.0.finalize().into_bytes())
    }
}

/// Builds an audit event for `caller` doing `action`.
pub fn event(caller: &Caller, action: AuditAction) -> AuditEvent {
    AuditEvent {
        at: caller.at,
        agency: caller.agency.id.clone(),
        actor: caller.actor.clone(),
        site: caller.site.clone(),
        operation: caller.operation,
        action,
        search_id: None,
        query_fingerprint: None,
        revealed: Vec::new(),
        hits: 0,
    }
}

struct Job {
    events: Vec<AuditEvent>,
    hits: Vec<Hit>,
    /// The store's error travels as a problem, so that an unreachable database is still a
    /// 503 (not a 500) for the request that waits on its audit entry.
    done: oneshot::Sender<Result<Vec<AuditEntry>, Problem>>,
}

/// The handle request handlers write the audit trail through.
#[derive(Clone)]
pub struct AuditLog {
    tx: mpsc::Sender<Job>,
}

/// How many jobs one transaction takes at most.
const BATCH: usize = 512;

impl AuditLog {
    /// Starts the writer thread over `store`.
    pub fn start(store: Arc<dyn Store>) -> AuditLog {
        let (tx, rx) = mpsc::channel(4096);
        std::thread::Builder::new()
            .name("portwatch-audit".into())
            .spawn(move || write_loop(store, rx))
            .expect("the audit writer thread starts");
        AuditLog { tx }
    }

    /// Appends `events`, then stores `hits` (which point to them), and returns once both are
    /// durable.
    pub async fn record(
        &self,
        events: Vec<AuditEvent>,
        hits: Vec<Hit>,
    ) -> Result<Vec<AuditEntry>, Problem> {
        let (done, wait) = oneshot::channel();
        self.tx
            .send(Job { events, hits, done })
            .await
            .map_err(|_| Problem::internal("the audit writer has stopped"))?;
        wait.await
            .map_err(|_| Problem::internal("the audit writer has stopped"))?
    }

    /// Appends one event.
    pub async fn one(&self, event: AuditEvent) -> Result<(), Problem> {
        self.record(vec![event], Vec::new()).await.map(|_| ())
    }
}

fn write_loop(store: Arc<dyn Store>, mut rx: mpsc::Receiver<Job>) {
    while let Some(first) = rx.blocking_recv() {
        let mut jobs = vec![first];
        while jobs.len() < BATCH {
            match rx.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        write_batch(store.as_ref(), jobs);
    }
}

/// Appends the events of every job in one transaction, then stores their hits in a second.
/// A job without hits is answered as soon as its events are durable (most searches hit
/// nothing, and need not wait for the hits of others).
fn write_batch(store: &dyn Store, mut jobs: Vec<Job>) {
    let counts: Vec<usize> = jobs.iter().map(|j| j.events.len()).collect();
    let events: Vec<AuditEvent> = jobs
        .iter_mut()
        .flat_map(|j| std::mem::take(&mut j.events))
        .collect();
    let entries = match store.append_audit(&events) {
        Ok(entries) => entries,
        Err(e) => {
            let problem = Problem::from(e);
            for job in jobs {
                let _ = job.done.send(Err(problem.clone()));
            }
            return;
        }
    };
    let mut rest = entries.into_iter();
    let mut waiting = Vec::new();
    for (job, count) in jobs.into_iter().zip(counts) {
        let mine: Vec<AuditEntry> = rest.by_ref().take(count).collect();
        if job.hits.is_empty() {
            let _ = job.done.send(Ok(mine));
        } else {
            waiting.push((job, mine));
        }
    }
    if waiting.is_empty() {
        return;
    }
    let hits: Vec<Hit> = waiting
        .iter()
        .flat_map(|(j, _)| j.hits.iter().cloned())
        .collect();
    let stored = store.insert_hits(&hits).map_err(Problem::from);
    for (job, mine) in waiting {
        let _ = job.done.send(stored.clone().map(|()| mine));
    }
}

/// A new search identifier: the id of the audit event that is the search.
pub fn new_search_id() -> Id {
    Id::generate()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_keyed_and_separate_kinds() {
        let a = FingerprintKey([1; 32]);
        let b = FingerprintKey([2; 32]);
        let q = br#"{"number":"X123"}"#;
        let fa = a.fingerprint(AuditAction::ScreenDocument, q);
        assert_eq!(fa.len(), 64);
        assert_eq!(fa, a.fingerprint(AuditAction::ScreenDocument, q));
        assert_ne!(fa, b.fingerprint(AuditAction::ScreenDocument, q));
        assert_ne!(fa, a.fingerprint(AuditAction::ScreenVehicle, q));
        assert!(!fa.contains("X123"));
        let mut running = a.start(AuditAction::ScreenManifest);
        running.update(b"line one");
        running.update(b"line two");
        assert_eq!(
            running.finish(),
            a.fingerprint(AuditAction::ScreenManifest, b"line one\nline two\n")
        );
    }
}
