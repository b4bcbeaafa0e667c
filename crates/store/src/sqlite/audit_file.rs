//! The audit chain in a file of its own, `audit.sqlite3` beside the store's file.
//!
//! The chain shares no transaction and no query with the other tables, and its writes are the
//! opposite of theirs: one small durable commit per moment of screening, against imports of
//! tens of thousands of rows per commit. In its own file it has its own write lock (a search's
//! entry no longer waits for an import batch to commit), its own small pages (a commit of one
//! entry writes two 4 KiB pages, the entry's and the head's, and a group of twenty about six,
//! not as many of the records file's 64 KiB ones), and the records file is free to use pages
//! sized for bulk writes.
//!
//! A store without its audit file does not open: deleting the file must not start a new,
//! empty chain that `portwatch audit verify` would call intact.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{
    params, Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior,
};

use portwatch_model::{AuditEntry, AuditEvent};

use super::{commit, lock, use_synced_wal, Readers, BUSY_TIMEOUT};
use crate::api::AuditReport;
use crate::audit::{ChainVerifier, StoredEntry, GENESIS_HASH};
use crate::error::{Result, StoreError};

/// The name of the audit file inside the data directory.
pub const AUDIT_FILE: &str = "audit.sqlite3";

/// Version 1 of the audit file: the entries and the chain's head, kept apart from them so
/// that a cut-off tail shows (written in the same transaction as the entries).
const SCHEMA: &str = "
CREATE TABLE audit (
    seq       INTEGER PRIMARY KEY,
    event     TEXT NOT NULL,                      -- canonical JSON of the AuditEvent
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE TABLE audit_head (
    only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
    seq      INTEGER NOT NULL,
    hash     TEXT NOT NULL
);
";

/// The schema version of the audit file this build writes.
const VERSION: u32 = 1;

/// The audit file of one store: a writer connection and pooled readers.
#[derive(Debug)]
pub(super) struct AuditFile {
    path: PathBuf,
    // The read-only readers close before the writer, which then removes the log files (see
    // `SqliteStore`).
    readers: Readers,
    writer: Mutex<Connection>,
}

impl AuditFile {
    /// The path of the audit file of the store in `dir`.
    pub(super) fn path_in(dir: &Path) -> PathBuf {
        dir.join(AUDIT_FILE)
    }

    /// Opens the audit file of `dir`, creating it (with an empty chain) when `create` is set;
    /// without `create` a missing file is an error that says what it means.
    pub(super) fn open(dir: &Path, create: bool) -> Result<AuditFile> {
        let path = AuditFile::path_in(dir);
        let exists = path.try_exists().map_err(|source| StoreError::Io {
            dir: dir.to_path_buf(),
            source,
        })?;
        if !exists && !create {
            return Err(StoreError::Corrupt(format!(
                "the audit log {} is missing: restore it from the backup of this data directory \
                 (a store does not open without the audit log it was written with)",
                path.display()
            )));
        }
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let mut conn = Connection::open_with_flags(&path, flags)?;
        if !exists {
            // Commits here are a few small rows: small pages keep each one small.
            conn.pragma_update(None, "page_size", 4_096)?;
        }
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Every entry is on disk before the search it records is answered.
        use_synced_wal(&conn)?;
        migrate(&mut conn, &path)?;
        Ok(AuditFile {
            readers: Readers::new(path.clone()),
            path,
            writer: Mutex::new(conn),
        })
    }

    /// Runs `work` in one write transaction of the audit file.
    fn write<T>(&self, work: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        commit(&mut lock(&self.writer), work)
    }

    /// Runs `work` in one read transaction on a pooled reader of the audit file, so that a
    /// long read (verifying millions of entries) never holds up an append.
    fn read<T>(&self, work: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        self.readers.read(work)
    }

    pub(super) fn append(&self, events: &[AuditEvent]) -> Result<Vec<AuditEntry>> {
        self.write(|tx| append(tx, events))
    }

    pub(super) fn entries(&self, after_seq: u64, limit: usize) -> Result<Vec<AuditEntry>> {
        self.read(|tx| entries(tx, after_seq, limit))
    }

    /// How many entries the file holds.
    pub(super) fn len(&self) -> Result<u64> {
        self.read(|tx| {
            let n: i64 = tx.query_row("SELECT count(*) FROM audit", [], |r| r.get(0))?;
            Ok(n as u64)
        })
    }

    pub(super) fn verify(&self) -> Result<AuditReport> {
        self.read(verify)
    }

    /// `PRAGMA integrity_check` of the audit file: the problems SQLite found, if any.
    pub(super) fn integrity_problems(&self) -> Result<Vec<String>> {
        self.readers.integrity_problems()
    }

    /// Takes over the chain that stores before the audit file kept in their own file (schema
    /// 3 and older): copies its entries and head here, in one transaction, unless this file
    /// already holds them (a move that stopped before the old copy was dropped). Refuses
    /// when this file holds a different chain.
    pub(super) fn take_over(&self, old: &Transaction<'_>) -> Result<()> {
        let old_head = old_head(old)?;
        self.write(|tx| {
            let here = head(tx)?;
            if here == old_head {
                return Ok(()); // Already moved (or both empty).
            }
            if here != (0, GENESIS_HASH.to_string()) {
                return Err(StoreError::Corrupt(format!(
                    "the audit log {} does not hold the chain of this store (its head is entry \
                     {}, the store's is entry {}); restore the data directory from its backup",
                    self.path.display(),
                    here.0,
                    old_head.0
                )));
            }
            let mut read =
                old.prepare("SELECT seq, event, prev_hash, hash FROM audit ORDER BY seq")?;
            let mut rows = read.query([])?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO audit (seq, event, prev_hash, hash) VALUES (?1, ?2, ?3, ?4)",
            )?;
            while let Some(row) = rows.next()? {
                let entry = stored_entry(row)?;
                insert.execute(params![
                    entry.seq as i64,
                    entry.event_json,
                    entry.prev_hash,
                    entry.hash
                ])?;
            }
            set_head(tx, old_head.0, &old_head.1)
        })
    }
}

fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current: u32 = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if current > VERSION {
        return Err(StoreError::SchemaTooNew {
            dir: path.to_path_buf(),
            found: current,
            supported: VERSION,
        });
    }
    if current < 1 {
        tx.execute_batch(SCHEMA)?;
        tx.execute(
            "INSERT INTO audit_head (only_row, seq, hash) VALUES (1, 0, ?1)",
            [GENESIS_HASH],
        )?;
        tx.pragma_update(None, "user_version", VERSION)?;
    }
    tx.commit()?;
    Ok(())
}

/// The chain's recorded head: the last sequence number and hash (0 and the genesis hash for
/// an empty chain); `None` when the head row itself was removed.
fn recorded_head(tx: &Transaction<'_>) -> Result<Option<(u64, String)>> {
    let head: Option<(i64, String)> = tx
        .prepare_cached("SELECT seq, hash FROM audit_head WHERE only_row = 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(head.map(|(seq, hash)| (seq as u64, hash)))
}

/// The head to append after; an append refuses to guess one that was removed.
fn head(tx: &Transaction<'_>) -> Result<(u64, String)> {
    recorded_head(tx)?.ok_or_else(|| {
        StoreError::Corrupt(
            "the audit log has no recorded head (its audit_head row was removed); \
             `portwatch audit verify` shows where the chain breaks"
                .into(),
        )
    })
}

fn set_head(tx: &Transaction<'_>, seq: u64, hash: &str) -> Result<()> {
    tx.prepare_cached("UPDATE audit_head SET seq = ?1, hash = ?2 WHERE only_row = 1")?
        .execute(params![seq as i64, hash])?;
    Ok(())
}

/// The head as stores before the audit file kept it, in their `meta` table.
fn old_head(tx: &Transaction<'_>) -> Result<(u64, String)> {
    let mut stmt = tx.prepare("SELECT value FROM meta WHERE key = ?1")?;
    let seq: Option<String> = stmt
        .query_row(["audit_head_seq"], |r| r.get(0))
        .optional()?;
    let hash: Option<String> = stmt
        .query_row(["audit_head_hash"], |r| r.get(0))
        .optional()?;
    match (seq, hash) {
        (None, None) => Ok((0, GENESIS_HASH.to_string())),
        (Some(seq), Some(hash)) => {
            let seq = seq.parse().map_err(|_| {
                StoreError::Corrupt(format!("the audit head {seq:?} is not a number"))
            })?;
            Ok((seq, hash))
        }
        _ => Err(StoreError::Corrupt(
            "the audit head is half recorded".into(),
        )),
    }
}

/// Appends events after the recorded head (not after the last row: a cut-off tail must stay
/// visible as a gap). The write transaction serialises appenders, of every process.
fn append(tx: &Transaction<'_>, events: &[AuditEvent]) -> Result<Vec<AuditEntry>> {
    let (mut seq, mut hash) = head(tx)?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO audit (seq, event, prev_hash, hash) VALUES (?1, ?2, ?3, ?4)",
    )?;
    let mut entries = Vec::with_capacity(events.len());
    for event in events {
        let stored = StoredEntry::chain(seq, &hash, event)?;
        insert.execute(params![
            stored.seq as i64,
            stored.event_json,
            stored.prev_hash,
            stored.hash
        ])?;
        seq = stored.seq;
        hash.clone_from(&stored.hash);
        entries.push(AuditEntry {
            seq,
            event: event.clone(),
            prev_hash: stored.prev_hash,
            hash: stored.hash,
        });
    }
    set_head(tx, seq, &hash)?;
    Ok(entries)
}

fn stored_entry(row: &rusqlite::Row<'_>) -> rusqlite::Result<StoredEntry> {
    Ok(StoredEntry {
        seq: row.get::<_, i64>(0)? as u64,
        event_json: row.get(1)?,
        prev_hash: row.get(2)?,
        hash: row.get(3)?,
    })
}

fn entries(tx: &Transaction<'_>, after_seq: u64, limit: usize) -> Result<Vec<AuditEntry>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut stmt = tx.prepare_cached(
        "SELECT seq, event, prev_hash, hash FROM audit WHERE seq > ?1 ORDER BY seq LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![after_seq as i64, limit], stored_entry)?;
    rows.map(|r| r?.to_entry()).collect()
}

fn verify(tx: &Transaction<'_>) -> Result<AuditReport> {
    let mut verifier = ChainVerifier::default();
    let mut stmt =
        tx.prepare_cached("SELECT seq, event, prev_hash, hash FROM audit ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        if !verifier.feed(&stored_entry(row)?) {
            break;
        }
    }
    Ok(verifier.finish(recorded_head(tx)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sqlite::{schema, SqliteStore, STORE_FILE};
    use crate::Store;
    use portwatch_model::{AgencyId, AuditAction};

    fn event(actor: &str) -> AuditEvent {
        AuditEvent {
            at: time::OffsetDateTime::UNIX_EPOCH,
            agency: AgencyId::parse("ncb-rome").unwrap(),
            actor: actor.to_string(),
            site: None,
            operation: None,
            action: AuditAction::RecordRead,
            search_id: None,
            query_fingerprint: None,
            revealed: Vec::new(),
            hits: 0,
        }
    }

    /// A store as schema 3 left it: the audit chain of `n` entries inside its own file.
    fn store_of_schema_3(dir: &Path, n: u64) -> Vec<StoredEntry> {
        let mut conn = Connection::open(dir.join(STORE_FILE)).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        schema::migrate_to(&mut conn, dir, 3, |_, _| Ok(())).unwrap();
        let (mut seq, mut hash) = (0, GENESIS_HASH.to_string());
        let mut chain = Vec::new();
        for i in 0..n {
            let entry = StoredEntry::chain(seq, &hash, &event(&format!("officer-{i}"))).unwrap();
            conn.execute(
                "INSERT INTO audit (seq, event, prev_hash, hash) VALUES (?1, ?2, ?3, ?4)",
                params![
                    entry.seq as i64,
                    entry.event_json,
                    entry.prev_hash,
                    entry.hash
                ],
            )
            .unwrap();
            (seq, hash) = (entry.seq, entry.hash.clone());
            chain.push(entry);
        }
        if n > 0 {
            conn.execute_batch(&format!(
                "INSERT INTO meta (key, value) VALUES ('audit_head_seq', '{seq}'), \
                 ('audit_head_hash', '{hash}')"
            ))
            .unwrap();
        }
        chain
    }

    fn tables_of(file: &Path) -> Vec<String> {
        let conn = Connection::open(file).unwrap();
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
            .unwrap();
        let names = stmt.query_map([], |r| r.get(0)).unwrap();
        names.collect::<rusqlite::Result<_>>().unwrap()
    }

    #[test]
    fn an_older_store_moves_its_chain_into_the_audit_file_and_keeps_appending() {
        let dir = tempfile::tempdir().unwrap();
        let chain = store_of_schema_3(dir.path(), 4);
        let store = SqliteStore::open(dir.path()).unwrap();
        assert_eq!(store.schema_version().unwrap(), schema::LATEST_VERSION);
        assert!(!tables_of(&dir.path().join(STORE_FILE)).contains(&"audit".to_string()));
        let moved = store.audit_entries(0, 10).unwrap();
        assert_eq!(moved.len(), 4);
        assert_eq!(moved[3].hash, chain[3].hash);
        let next = store.append_audit(&[event("officer-9")]).unwrap();
        assert_eq!((next[0].seq, &next[0].prev_hash), (5, &chain[3].hash));
        let report = store.verify_audit().unwrap();
        assert!(report.is_intact(), "{report:?}");
        assert_eq!(report.checked, 5);
        store.integrity_check().unwrap();
    }

    #[test]
    fn a_move_cut_short_is_finished_without_copying_twice() {
        let dir = tempfile::tempdir().unwrap();
        store_of_schema_3(dir.path(), 3);
        // The chain reached the audit file, then the process stopped before the old copy
        // was dropped.
        {
            let audit = AuditFile::open(dir.path(), true).unwrap();
            let mut conn = Connection::open(dir.path().join(STORE_FILE)).unwrap();
            let tx = conn.transaction().unwrap();
            audit.take_over(&tx).unwrap();
        }
        let store = SqliteStore::open(dir.path()).unwrap();
        assert_eq!(store.audit_entries(0, 10).unwrap().len(), 3);
        assert!(store.verify_audit().unwrap().is_intact());
    }

    #[test]
    fn an_audit_file_with_another_chain_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        store_of_schema_3(dir.path(), 3);
        let other = tempfile::tempdir().unwrap();
        let elsewhere = SqliteStore::create(other.path()).unwrap();
        elsewhere.append_audit(&[event("someone-else")]).unwrap();
        drop(elsewhere);
        std::fs::copy(other.path().join(AUDIT_FILE), dir.path().join(AUDIT_FILE)).unwrap();
        let err = SqliteStore::open(dir.path()).unwrap_err();
        assert!(err.to_string().contains("does not hold the chain"), "{err}");
    }

    #[test]
    fn a_store_whose_audit_file_is_gone_does_not_open() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::create(dir.path()).unwrap();
        store.append_audit(&[event("officer-1")]).unwrap();
        drop(store);
        std::fs::remove_file(dir.path().join(AUDIT_FILE)).unwrap();
        let err = SqliteStore::open(dir.path()).unwrap_err();
        assert!(err.to_string().contains("audit log"), "{err}");
        assert!(err.to_string().contains("is missing"), "{err}");
        assert!(
            !dir.path().join(AUDIT_FILE).exists(),
            "no new, empty chain was started"
        );
    }

    #[test]
    fn a_removed_head_row_is_a_break_not_a_crash() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::create(dir.path()).unwrap();
        store.append_audit(&[event("a"), event("b")]).unwrap();
        Connection::open(dir.path().join(AUDIT_FILE))
            .unwrap()
            .execute("DELETE FROM audit_head", [])
            .unwrap();
        let report = store.verify_audit().unwrap();
        assert!(report.broken.is_some(), "{report:?}");
        let refused = store.append_audit(&[event("c")]).unwrap_err();
        assert!(
            refused.to_string().contains("no recorded head"),
            "{refused}"
        );
    }
}
