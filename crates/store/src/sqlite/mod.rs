//! The embedded store: two SQLite files in the data directory, in WAL mode — the store's
//! (`portwatch.sqlite3`) and the audit chain's (`audit.sqlite3`, see `audit_file`).
//!
//! For each file, one writer connection behind a mutex serialises every write of this
//! process; each write is one `BEGIN IMMEDIATE` transaction, which also serialises writers of
//! other processes on the same file. Reads use a small pool of reader connections per file
//! (`Readers`), which in WAL mode see the last committed state without waiting for the
//! writer.

mod audit_file;
mod bulk;
mod checkpoint;
mod network;
mod records;
pub(crate) mod schema;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use time::OffsetDateTime;

use portwatch_model::{
    Agency, AgencyId, AuditEntry, AuditEvent, Hit, Id, Investigation, Operation, Record,
    RecordContent,
};

use crate::api::{
    AuditReport, Change, FollowUp, HitFilter, PutOutcome, RecordQuery, Store, StoreStats,
};
use crate::error::{Result, StoreError};
use crate::prepared::{self, PreparedRecords};

pub use audit_file::AUDIT_FILE;
pub use schema::LATEST_VERSION as LATEST_SCHEMA_VERSION;

/// The name of the database file inside the data directory.
pub const STORE_FILE: &str = "portwatch.sqlite3";

/// How long a write waits for another process's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Reader connections kept open for reuse; more are opened under load and closed after.
const POOLED_READERS: usize = 4;

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                StoreError::Busy {
                    seconds: BUSY_TIMEOUT.as_secs(),
                }
            }
            _ => StoreError::Backend(Box::new(e)),
        }
    }
}

impl From<rusqlite::types::FromSqlError> for StoreError {
    fn from(e: rusqlite::types::FromSqlError) -> Self {
        StoreError::Corrupt(format!("a stored value has the wrong type: {e}"))
    }
}

/// The SQLite implementation of [`Store`].
#[derive(Debug)]
pub struct SqliteStore {
    dir: PathBuf,
    path: PathBuf,
    // Fields drop in this order. The writer must close last: the last connection to close
    // copies the log into the database and deletes the `-wal` and `-shm` files, and the
    // read-only readers cannot.
    readers: Readers,
    checkpointer: checkpoint::Checkpointer,
    writer: Mutex<Connection>,
    /// A deferred batch was committed since the last [`Store::sync`].
    unsynced: AtomicBool,
    /// The audit chain, in its own file.
    audit: audit_file::AuditFile,
}

impl SqliteStore {
    /// Creates a new store in `dir` (creating the directory if needed). Fails if `dir` already
    /// holds one, so that `init` never touches existing data.
    pub fn create(dir: impl AsRef<Path>) -> Result<SqliteStore> {
        let dir = dir.as_ref().to_path_buf();
        let io = |source| StoreError::Io {
            dir: dir.clone(),
            source,
        };
        std::fs::create_dir_all(&dir).map_err(io)?;
        let path = dir.join(STORE_FILE);
        if path.try_exists().map_err(io)? {
            return Err(StoreError::AlreadyExists { dir });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let writer = Connection::open_with_flags(&path, flags)?;
        // Fixed for the life of the file, so chosen here. This file takes writes in bulk
        // (the audit chain, one small commit per moment of screening, has a file of its own
        // with small pages): 64 KiB pages, SQLite's largest, make the B-trees shallower and
        // split less often, and an import writes a quarter of the WAL frames it would with
        // 16 KiB pages (SQLite writes each frame with two `pwrite`s); it runs about a tenth
        // faster than on 16 KiB pages, and a third faster than on 4 KiB.
        writer.pragma_update(None, "page_size", 65_536)?;
        SqliteStore::start(dir, path, writer)
    }

    /// Opens the store in `dir`, upgrading its schema if it is older than this build's.
    pub fn open(dir: impl AsRef<Path>) -> Result<SqliteStore> {
        let dir = dir.as_ref().to_path_buf();
        let path = dir.join(STORE_FILE);
        let exists = path.try_exists().map_err(|source| StoreError::Io {
            dir: dir.clone(),
            source,
        })?;
        if !exists {
            return Err(StoreError::NoStore { dir });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let writer = Connection::open_with_flags(&path, flags)?;
        SqliteStore::start(dir, path, writer)
    }

    /// The data directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The database file inside the data directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn start(dir: PathBuf, path: PathBuf, mut writer: Connection) -> Result<SqliteStore> {
        let version =
            configure(&writer, ConnectionRole::Writer).and_then(|()| schema::version(&writer));
        let version = match version {
            Ok(version) => version,
            Err(e) if is_not_a_database(&e) => return Err(StoreError::NotAStore { path }),
            Err(e) => return Err(e),
        };
        // From schema 4 on the audit chain has its own file, which must be there; an older
        // store (or a new one) gets it now, and the migration to 4 moves the chain into it
        // inside the store's write lock, before it drops the old copy.
        let audit = audit_file::AuditFile::open(&dir, version < schema::AUDIT_MOVED)?;
        schema::migrate_to(&mut writer, &dir, schema::LATEST_VERSION, |step, tx| {
            if step == schema::AUDIT_MOVED {
                audit.take_over(tx)?;
            }
            Ok(())
        })?;
        let checkpointer = checkpoint::Checkpointer::start(&path)?;
        Ok(SqliteStore {
            dir,
            readers: Readers::new(path.clone()),
            path,
            writer: Mutex::new(writer),
            checkpointer,
            unsynced: AtomicBool::new(false),
            audit,
        })
    }

    /// Runs `work` in one write transaction and commits it; any error rolls everything back.
    fn write<T>(&self, work: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let value = commit(&mut lock(&self.writer), work)?;
        self.checkpointer.committed();
        Ok(value)
    }

    /// Runs `work` like [`Self::write`] with SQLite's foreign-key and `CHECK` constraints off,
    /// for the batch record path only; with `synchronous = NORMAL` as well when `when` is
    /// [`Durability::Deferred`] (see [`Store::put_prepared_deferred`]).
    ///
    /// The one foreign key that path could break is `versions.record_pk`, and it writes only
    /// record keys it has inserted or read in the same transaction (records are never
    /// deleted), so the check can find nothing, yet it costs a look-up of the `records`
    /// table for every version written: about an eighth of an import's writing time. The
    /// `CHECK`s of `records` and `versions` guard columns that path fills from the model's
    /// enums (database, status) and from version numbers it counts up from 1, so they cannot
    /// fail either, and evaluating them costs about a twentieth. Every other write keeps both
    /// kinds of checks, which still guard hits, investigations and operations.
    ///
    /// In WAL mode `NORMAL` commits without syncing the log; the log is synced by the next
    /// `FULL` commit (every other write, and [`Store::sync`]) and before every checkpoint, and
    /// syncing it makes every frame before durable. So a deferred batch is never lost while a
    /// later commit survives, and a crash never leaves part of one.
    fn write_records<T>(
        &self,
        when: Durability,
        work: impl FnOnce(&Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let mut conn = lock(&self.writer);
        // The settings cannot change inside a transaction: they change before BEGIN and are
        // back after COMMIT or ROLLBACK, before the writer lock is given up, whatever failed.
        let outcome = record_path_settings(&conn, true, when)
            .map_err(StoreError::from)
            .and_then(|()| commit(&mut conn, work));
        let restored = record_path_settings(&conn, false, when);
        let value = outcome?;
        restored?;
        if when == Durability::Deferred {
            self.unsynced.store(true, Ordering::SeqCst);
        }
        drop(conn);
        self.checkpointer.committed();
        Ok(value)
    }

    /// Runs `work` in one read transaction (one consistent snapshot) on a pooled reader.
    fn read<T>(&self, work: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        self.readers.read(work)
    }

    /// `PRAGMA integrity_check` of both files: `Ok(())` or the problems SQLite found.
    pub fn integrity_check(&self) -> Result<()> {
        let mut problems = self.readers.integrity_problems()?;
        problems.extend(
            self.audit
                .integrity_problems()?
                .into_iter()
                .map(|p| format!("{AUDIT_FILE}: {p}")),
        );
        if problems.is_empty() {
            Ok(())
        } else {
            Err(StoreError::Corrupt(problems.join("; ")))
        }
    }

    /// The schema version of the open store.
    pub fn schema_version(&self) -> Result<u32> {
        self.read(|tx| schema::version(tx))
    }
}

fn is_not_a_database(e: &StoreError) -> bool {
    let StoreError::Backend(source) = e else {
        return false;
    };
    source
        .downcast_ref::<rusqlite::Error>()
        .and_then(rusqlite::Error::sqlite_error_code)
        == Some(rusqlite::ErrorCode::NotADatabase)
}

/// Runs `work` in one `BEGIN IMMEDIATE` transaction on `conn` and commits it; an error from
/// `work` or from the commit rolls everything back (the transaction is dropped unfinished).
fn commit<T>(conn: &mut Connection, work: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let value = work(&tx)?;
    tx.commit()?;
    Ok(value)
}

/// Whether a batch of records waits for the disk before it returns.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Durability {
    /// The log is synced at commit (`synchronous = FULL`, the writer's setting).
    AtCommit,
    /// The log is synced by a later commit (`synchronous = NORMAL` for this one).
    Deferred,
}

/// Turns the writer's settings for a batch of records on (`on`) or back off.
fn record_path_settings(conn: &Connection, on: bool, when: Durability) -> rusqlite::Result<()> {
    conn.pragma_update(None, "foreign_keys", !on)?;
    conn.pragma_update(None, "ignore_check_constraints", on)?;
    if when == Durability::Deferred {
        conn.pragma_update(None, "synchronous", if on { "NORMAL" } else { "FULL" })?;
    }
    Ok(())
}

/// Read-only connections to one database file, opened on demand and kept for reuse: reads
/// in WAL mode see the last committed state without waiting for the writer.
#[derive(Debug)]
struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl Readers {
    fn new(path: PathBuf) -> Readers {
        Readers {
            path,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Runs `work` in one read transaction (one consistent snapshot) on a pooled connection.
    fn read<T>(&self, work: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = match lock(&self.idle).pop() {
            Some(conn) => conn,
            None => self.open()?,
        };
        let value = {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
            let value = work(&tx)?;
            tx.finish()?;
            value
        };
        let mut idle = lock(&self.idle);
        if idle.len() < POOLED_READERS {
            idle.push(conn);
        }
        Ok(value)
    }

    fn open(&self) -> Result<Connection> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&self.path, flags)?;
        configure(&conn, ConnectionRole::Reader)?;
        Ok(conn)
    }

    /// `PRAGMA integrity_check`: the problems SQLite found (none when it answers "ok").
    fn integrity_problems(&self) -> Result<Vec<String>> {
        self.read(|tx| {
            let mut stmt = tx.prepare("PRAGMA integrity_check")?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            let mut problems = rows.collect::<rusqlite::Result<Vec<String>>>()?;
            problems.retain(|p| p != "ok");
            Ok(problems)
        })
    }
}

/// A poisoned mutex only means another thread panicked while holding it; the connection inside
/// is still consistent (SQLite rolled back the unfinished transaction), so carry on.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ConnectionRole {
    Writer,
    Reader,
}

/// Puts the file of a writer connection in WAL mode, with every commit on disk (the WAL is
/// synced, `synchronous = FULL`) before it is reported as done.
fn use_synced_wal(conn: &Connection) -> Result<()> {
    let mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Backend(
            format!("the file system refused write-ahead logging (journal_mode is {mode})").into(),
        ));
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(())
}

/// Settings every connection needs; see the crate documentation for why each is chosen.
fn configure(conn: &Connection, role: ConnectionRole) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.set_prepared_statement_cache_capacity(64);
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    if role == ConnectionRole::Writer {
        use_synced_wal(conn)?;
        // 64 MiB of page cache keeps the natural-key index in memory during large imports.
        conn.pragma_update(None, "cache_size", -65_536)?;
        // The background thread copies commits into the database file (see the checkpoint
        // module); the writer's own checkpoint only makes sure the log starts again from its
        // beginning, at 1 GiB of log: a long import keeps writing while the thread copies, and
        // the log restarts by itself whenever the thread catches up (the writer pausing). The
        // file keeps its largest size until the store closes (cutting it back on restart
        // waits for the disk and cost an import a tenth of its speed).
        let page_size: u32 = conn.pragma_query_value(None, "page_size", |row| row.get(0))?;
        conn.pragma_update(
            None,
            "wal_autocheckpoint",
            checkpoint::WRITER_CHECKPOINT_BYTES / page_size.max(512),
        )?;
    } else {
        conn.pragma_update(None, "cache_size", -16_384)?;
    }
    Ok(())
}

impl Store for SqliteStore {
    fn put_records(&self, batch: &[RecordContent], at: OffsetDateTime) -> Result<Vec<PutOutcome>> {
        let encodings = prepared::encode_all(batch)?;
        let items = prepared::pair(batch, &encodings);
        let order = prepared::KeyOrder::of(&items);
        self.write_records(Durability::AtCommit, |tx| {
            records::put(tx, &items, &order, at)
        })
    }

    fn put_prepared(&self, batch: &PreparedRecords, at: OffsetDateTime) -> Result<Vec<PutOutcome>> {
        let items = batch.items();
        self.write_records(Durability::AtCommit, |tx| {
            records::put(tx, &items, batch.key_order(), at)
        })
    }

    fn put_prepared_deferred(
        &self,
        batch: &PreparedRecords,
        at: OffsetDateTime,
    ) -> Result<Vec<PutOutcome>> {
        let items = batch.items();
        self.write_records(Durability::Deferred, |tx| {
            records::put(tx, &items, batch.key_order(), at)
        })
    }

    fn sync(&self) -> Result<()> {
        if !self.unsynced.swap(false, Ordering::SeqCst) {
            return Ok(());
        }
        // A FULL commit syncs the log, and with it every deferred commit before it. It must
        // write something to sync anything: the time, for anyone reading the file.
        let synced = self.write(|tx| {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('records_synced_at', ?1) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [OffsetDateTime::now_utc().unix_timestamp_nanos().to_string()],
            )?;
            Ok(())
        });
        if synced.is_err() {
            self.unsynced.store(true, Ordering::SeqCst);
        }
        synced
    }

    fn update_record(
        &self,
        id: Id,
        expected_version: Option<u32>,
        content: RecordContent,
        at: OffsetDateTime,
    ) -> Result<Record> {
        self.write(|tx| records::update(tx, id, expected_version, &content, at))
    }

    fn cancel_record(&self, id: Id, by: &AgencyId, at: OffsetDateTime) -> Result<Record> {
        self.write(|tx| records::cancel(tx, id, by, at))
    }

    fn record(&self, id: Id) -> Result<Option<Record>> {
        self.read(|tx| records::latest_by_id(tx, id))
    }

    fn record_history(&self, id: Id) -> Result<Vec<Record>> {
        self.read(|tx| records::history(tx, id))
    }

    fn find_records(&self, query: &RecordQuery) -> Result<Vec<Record>> {
        self.read(|tx| records::find(tx, query))
    }

    fn record_by_natural_key(&self, natural_key: &str) -> Result<Option<Record>> {
        self.read(|tx| records::latest_by_natural_key(tx, natural_key))
    }

    fn head_seq(&self) -> Result<u64> {
        self.read(records::head_seq)
    }

    fn changes_since(&self, after_seq: u64, limit: usize) -> Result<Vec<Change>> {
        self.read(|tx| records::changes_since(tx, after_seq, limit))
    }

    fn for_each_active(&self, visit: &mut dyn FnMut(Record)) -> Result<u64> {
        self.read(|tx| records::for_each_active(tx, visit))
    }

    fn stats(&self) -> Result<StoreStats> {
        let audit_entries = self.audit.len()?;
        self.read(|tx| records::stats(tx, audit_entries))
    }

    fn put_agency(&self, agency: &Agency) -> Result<()> {
        self.write(|tx| network::put_agency(tx, agency))
    }

    fn agency(&self, id: &AgencyId) -> Result<Option<Agency>> {
        self.read(|tx| network::agency(tx, id))
    }

    fn agencies(&self) -> Result<Vec<Agency>> {
        self.read(network::agencies)
    }

    fn put_operation(&self, operation: &Operation) -> Result<()> {
        self.write(|tx| network::put_operation(tx, operation))
    }

    fn operation(&self, id: Id) -> Result<Option<Operation>> {
        self.read(|tx| network::operation(tx, id))
    }

    fn operation_by_code(&self, code: &str) -> Result<Option<Operation>> {
        self.read(|tx| network::operation_by_code(tx, code))
    }

    fn operations(&self) -> Result<Vec<Operation>> {
        self.read(network::operations)
    }

    fn insert_hits(&self, hits: &[Hit]) -> Result<()> {
        self.write(|tx| network::insert_hits(tx, hits))
    }

    fn hit(&self, id: Id) -> Result<Option<Hit>> {
        self.read(|tx| network::hit(tx, id))
    }

    fn update_hit_follow_up(&self, id: Id, change: &FollowUp) -> Result<Hit> {
        self.write(|tx| network::update_hit_follow_up(tx, id, change))
    }

    fn hits(&self, filter: &HitFilter) -> Result<Vec<Hit>> {
        self.read(|tx| network::hits(tx, filter))
    }

    fn put_investigation(&self, investigation: &Investigation) -> Result<()> {
        self.write(|tx| network::put_investigation(tx, investigation))
    }

    fn investigation(&self, id: Id) -> Result<Option<Investigation>> {
        self.read(|tx| network::investigation(tx, id))
    }

    fn investigations(&self, operation: Option<Id>) -> Result<Vec<Investigation>> {
        self.read(|tx| network::investigations(tx, operation))
    }

    fn append_audit(&self, events: &[AuditEvent]) -> Result<Vec<AuditEntry>> {
        self.audit.append(events)
    }

    fn audit_entries(&self, after_seq: u64, limit: usize) -> Result<Vec<AuditEntry>> {
        self.audit.entries(after_seq, limit)
    }

    fn verify_audit(&self) -> Result<AuditReport> {
        self.audit.verify()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_contents::passport;

    /// The writer's checks and sync setting, read inside a transaction: whether foreign keys
    /// and `CHECK` constraints are enforced, and `synchronous` (2 = FULL, 1 = NORMAL).
    fn settings_in(tx: &Transaction<'_>) -> rusqlite::Result<(bool, bool, i64)> {
        let foreign_keys = tx.pragma_query_value(None, "foreign_keys", |r| r.get(0))?;
        let ignored: bool =
            tx.pragma_query_value(None, "ignore_check_constraints", |r| r.get(0))?;
        let synchronous = tx.pragma_query_value(None, "synchronous", |r| r.get(0))?;
        Ok((foreign_keys, !ignored, synchronous))
    }

    fn settings(store: &SqliteStore) -> (bool, bool, i64) {
        store.write(|tx| Ok(settings_in(tx)?)).unwrap()
    }

    const USUAL: (bool, bool, i64) = (true, true, 2);

    #[test]
    fn the_record_path_restores_the_writer_settings_whether_it_commits_or_fails() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::create(dir.path()).unwrap();
        assert_eq!(settings(&store), USUAL);

        let inside = store
            .write_records(Durability::AtCommit, |tx| Ok(settings_in(tx)?))
            .unwrap();
        assert_eq!(inside, (false, false, 2), "no checks, synced at commit");
        assert_eq!(settings(&store), USUAL, "back after a commit");

        let inside = store
            .write_records(Durability::Deferred, |tx| Ok(settings_in(tx)?))
            .unwrap();
        assert_eq!(inside, (false, false, 1), "no checks, sync deferred");
        assert_eq!(settings(&store), USUAL, "back after a deferred commit");

        for when in [Durability::AtCommit, Durability::Deferred] {
            let failed = store.write_records(when, |_| -> Result<()> {
                Err(StoreError::Corrupt("a batch that fails half-way".into()))
            });
            assert!(failed.is_err());
            assert_eq!(settings(&store), USUAL, "and after a rollback ({when:?})");
        }
    }

    #[test]
    fn sync_writes_only_after_a_deferred_batch() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::create(dir.path()).unwrap();
        let synced_at = |store: &SqliteStore| -> Option<String> {
            store
                .read(|tx| {
                    Ok(tx
                        .query_row(
                            "SELECT value FROM meta WHERE key = 'records_synced_at'",
                            [],
                            |r| r.get(0),
                        )
                        .ok())
                })
                .unwrap()
        };
        store.sync().unwrap();
        assert_eq!(synced_at(&store), None, "nothing deferred, nothing to sync");

        let content = vehicle();
        let batch = PreparedRecords::new(vec![content]).unwrap();
        let at = OffsetDateTime::now_utc();
        store.put_prepared_deferred(&batch, at).unwrap();
        assert_eq!(
            store.stats().unwrap().versions,
            1,
            "committed and visible at once"
        );
        store.sync().unwrap();
        let first = synced_at(&store).expect("the sync wrote its commit");
        store.sync().unwrap();
        assert_eq!(
            synced_at(&store),
            Some(first),
            "a second sync has nothing to do"
        );
    }

    fn vehicle() -> RecordContent {
        crate::test_contents::vehicle("ncb-rome", "1M8GDM9AXKP042788")
    }

    #[test]
    fn a_bulk_batch_logs_in_batch_order_and_numbers_new_records_in_key_order() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::create(dir.path()).unwrap();
        let at = OffsetDateTime::now_utc();
        let known = passport("YA0000000");
        store.put_records(std::slice::from_ref(&known), at).unwrap();
        // New keys around one already stored, in no particular order.
        let mut batch: Vec<RecordContent> = (1..=150)
            .map(|i| passport(&format!("YA{:07}", i * 7919 % 1000)))
            .collect();
        batch.insert(70, known);
        let outcomes = store
            .put_prepared_deferred(&PreparedRecords::new(batch.clone()).unwrap(), at)
            .unwrap();
        assert!(matches!(outcomes[70], PutOutcome::Unchanged { .. }));

        // The change log holds the new records in the order of the batch ...
        let logged: Vec<RecordContent> = store
            .changes_since(1, 1_000)
            .unwrap()
            .into_iter()
            .map(|c| c.record.content)
            .collect();
        let new: Vec<RecordContent> = batch
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != 70)
            .map(|(_, c)| c.clone())
            .collect();
        assert_eq!(logged, new);
        // ... and their row keys and ids rise with their key hashes.
        let rows: Vec<(i64, Vec<u8>, i64)> = store
            .read(|tx| {
                let mut stmt = tx.prepare("SELECT key_hash, id, pk FROM records WHERE pk > 1")?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
                Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
            })
            .unwrap();
        assert_eq!(rows.len(), 150);
        let mut by_hash = rows.clone();
        by_hash.sort();
        let mut by_pk = rows.clone();
        by_pk.sort_by_key(|r| r.2);
        assert_eq!(by_hash, by_pk, "row keys in key-hash order");
        assert!(
            by_pk.windows(2).all(|w| w[0].1 < w[1].1),
            "ids rise with row keys"
        );
        for (outcome, content) in outcomes.iter().zip(&batch) {
            let found = store.record(outcome.id()).unwrap().unwrap();
            assert_eq!(&found.content, content, "each outcome names its own record");
        }
    }

    /// Puts `batch` with every natural key given the same 64-bit hash, as colliding keys
    /// would have: the bulk path looks keys up by hash, many at a time.
    fn put_with_one_key_hash(store: &SqliteStore, batch: &[RecordContent]) -> Vec<PutOutcome> {
        let mut encodings = prepared::encode_all(batch).unwrap();
        encodings.iter_mut().for_each(|e| e.key_hash = 42);
        let items = prepared::pair(batch, &encodings);
        let order = prepared::KeyOrder::of(&items);
        assert!(order.keys_are_distinct(), "the bulk path");
        let at = OffsetDateTime::now_utc();
        store
            .write_records(Durability::AtCommit, |tx| {
                records::put(tx, &items, &order, at)
            })
            .unwrap()
    }

    #[test]
    fn keys_sharing_a_hash_across_lookup_groups_are_each_found_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::create(dir.path()).unwrap();
        // Three lookup groups' worth of keys, all under one hash.
        let mut batch: Vec<RecordContent> =
            (0..150).map(|i| passport(&format!("YC{i:07}"))).collect();
        let created = put_with_one_key_hash(&store, &batch);
        assert!(created
            .iter()
            .all(|o| matches!(o, PutOutcome::Created { .. })));

        batch[100].source_id = Some("changed".to_string());
        let again = put_with_one_key_hash(&store, &batch);
        for (i, (before, after)) in created.iter().zip(&again).enumerate() {
            assert_eq!(before.id(), after.id(), "row {i} found its own record");
            match i {
                100 => assert!(matches!(after, PutOutcome::Updated { version: 2, .. })),
                _ => assert!(matches!(after, PutOutcome::Unchanged { .. }), "row {i}"),
            }
        }
        assert_eq!(
            store.stats().unwrap().versions,
            151,
            "one new version, no new record"
        );
    }

    #[test]
    fn a_closed_store_leaves_no_log_files_behind() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::create(dir.path()).unwrap();
        let at = OffsetDateTime::now_utc();
        let id = store.put_records(&[passport("YD0000001")], at).unwrap()[0].id();
        // Reads open the read-only connections, which cannot remove the log files.
        assert!(store.record(id).unwrap().is_some());
        assert_eq!(store.stats().unwrap().versions, 1);
        drop(store);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [audit_file::AUDIT_FILE, STORE_FILE]);
    }

    #[test]
    fn each_record_keeps_its_database_in_single_kind_and_mixed_batches() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::create(dir.path()).unwrap();
        let at = OffsetDateTime::now_utc();
        let passports: Vec<RecordContent> =
            (0..100).map(|i| passport(&format!("YB{i:07}"))).collect();
        store.put_records(&passports, at).unwrap();
        let mut mixed: Vec<RecordContent> =
            (0..100).map(|i| passport(&format!("YC{i:07}"))).collect();
        mixed.insert(50, vehicle());
        store.put_records(&mixed, at).unwrap();
        let counts: Vec<(String, u64)> = store
            .stats()
            .unwrap()
            .records
            .into_iter()
            .map(|c| (c.database.as_str().to_string(), c.count))
            .collect();
        assert_eq!(
            counts,
            [("documents".to_string(), 200), ("vehicles".to_string(), 1)]
        );
    }

    #[test]
    fn a_check_constraint_still_refuses_a_bad_row_outside_the_record_path() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::create(dir.path()).unwrap();
        let refused = store.write(|tx| {
            tx.execute(
                "INSERT INTO records (pk, id, natural_key, key_hash, database, owner, version, \
                 status, content_hash, latest_seq) \
                 VALUES (1, x'00', 'k', 0, 'nonsense', 'o', 1, 'active', x'00', 1)",
                [],
            )?;
            Ok(())
        });
        let refused = refused.unwrap_err().to_string();
        assert!(refused.contains("CHECK constraint"), "{refused}");
    }

    #[test]
    fn committed_pages_reach_the_database_file_without_waiting_for_a_full_log() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::create(dir.path()).unwrap();
        let file = store.path().to_path_buf();
        let size = || std::fs::metadata(&file).unwrap().len();
        let before = size();
        // Far fewer pages than the writer's own checkpoint waits for.
        store
            .write(|tx| {
                tx.execute_batch(
                    "CREATE TABLE filler (x BLOB);
                     WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 64)
                     INSERT INTO filler SELECT zeroblob(16000) FROM n;",
                )?;
                Ok(())
            })
            .unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while size() <= before + 64 * 16_000 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(
            size() > before + 64 * 16_000,
            "the background checkpoint copied the commit into {} ({} bytes, {before} before)",
            file.display(),
            size()
        );
    }
}
