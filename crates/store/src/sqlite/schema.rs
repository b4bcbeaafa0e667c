//! The SQLite schema as numbered migrations.
//!
//! `PRAGMA user_version` holds the number of the last migration applied. Opening a store applies
//! every later migration, each in its own transaction together with the new `user_version`, so
//! a crash during an upgrade leaves the store at the previous version, never between two.
//! Migrations are only ever appended: a released step is never edited.

use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::error::{Result, StoreError};

/// One step of the schema's history.
struct Migration {
    /// The `user_version` the step brings the store to.
    version: u32,
    sql: &'static str,
}

/// Every migration, in order. [`LATEST_VERSION`] is the version of the last one.
const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        sql: RECORDS_AND_CHANGE_LOG,
    },
    Migration {
        version: 2,
        sql: NETWORK_HITS_AND_AUDIT,
    },
    Migration {
        version: 3,
        sql: RECORDS_BY_OWNER,
    },
    Migration {
        version: AUDIT_MOVED,
        sql: AUDIT_MOVES_OUT,
    },
];

/// The schema version this build writes and understands.
pub const LATEST_VERSION: u32 = 4;

/// The version whose step drops the audit chain from this file: the store copies the chain
/// into its audit file first (see `SqliteStore::start`), in the same write lock.
pub const AUDIT_MOVED: u32 = 4;

/// Version 1: records, their versions (the change log) and a key-value table for the store's
/// own bookkeeping.
const RECORDS_AND_CHANGE_LOG: &str = "
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- One row per record: its identity and natural key, and a summary of its latest version so
-- that an import decides 'new, unchanged or changed' from this row alone.
CREATE TABLE records (
    pk           INTEGER PRIMARY KEY,
    id           BLOB NOT NULL UNIQUE,            -- the record's UUID, 16 bytes
    natural_key  TEXT NOT NULL,                   -- RecordContent::natural_key()
    key_hash     INTEGER NOT NULL,                -- first 8 bytes of SHA-256(natural_key)
    database     TEXT NOT NULL CHECK (database IN ('documents', 'persons', 'vehicles')),
    owner        TEXT NOT NULL,
    version      INTEGER NOT NULL CHECK (version >= 1),
    status       TEXT NOT NULL CHECK (status IN ('active', 'cancelled')),
    content_hash BLOB NOT NULL,                   -- SHA-256 of the latest version's content
    latest_seq   INTEGER NOT NULL                 -- the versions row of the latest version
);
-- Natural keys are found through an index of their 64-bit hash, not of their text: entries
-- are three times smaller, so an import of randomly ordered keys dirties (and writes to the
-- WAL) far fewer index pages per transaction. Lookups compare the text as well, and the one
-- write path (under the write lock) never inserts a key that is already present.
CREATE INDEX records_by_key ON records (key_hash);

-- Every version ever written. Its key is the change-log position: this table IS the log.
-- A record's history is the chain latest_seq -> prev_seq -> ... (no second index to maintain
-- on the import path; histories are short).
CREATE TABLE versions (
    seq         INTEGER PRIMARY KEY,
    record_pk   INTEGER NOT NULL REFERENCES records (pk),
    version     INTEGER NOT NULL CHECK (version >= 1),
    status      TEXT NOT NULL CHECK (status IN ('active', 'cancelled')),
    recorded_at INTEGER NOT NULL,                 -- Unix time, nanoseconds, UTC
    prev_seq    INTEGER,                          -- the record's previous version, if any
    content     BLOB NOT NULL                     -- JSON of the RecordContent
);
";

/// Version 2: the network (agencies, operations), hits, investigations and the audit chain.
const NETWORK_HITS_AND_AUDIT: &str = "
CREATE TABLE agencies (
    id   TEXT PRIMARY KEY,
    body TEXT NOT NULL                            -- JSON of the Agency
) WITHOUT ROWID;

CREATE TABLE operations (
    id        BLOB PRIMARY KEY,
    code      TEXT NOT NULL UNIQUE,
    starts_on TEXT NOT NULL,
    body      TEXT NOT NULL                       -- JSON of the Operation
) WITHOUT ROWID;

CREATE TABLE hits (
    id        BLOB PRIMARY KEY,                   -- UUIDv7: id order is creation order
    record_id BLOB NOT NULL REFERENCES records (id),
    owner     TEXT NOT NULL,
    agency    TEXT NOT NULL,
    operation BLOB REFERENCES operations (id),
    state     TEXT NOT NULL,
    body      TEXT NOT NULL                       -- JSON of the Hit
) WITHOUT ROWID;
CREATE INDEX hits_by_owner     ON hits (owner, id);
CREATE INDEX hits_by_agency    ON hits (agency, id);
CREATE INDEX hits_by_operation ON hits (operation, id);
CREATE INDEX hits_by_record    ON hits (record_id);

CREATE TABLE investigations (
    id        BLOB PRIMARY KEY,
    operation BLOB REFERENCES operations (id),
    body      TEXT NOT NULL                       -- JSON of the Investigation
) WITHOUT ROWID;
CREATE INDEX investigations_by_operation ON investigations (operation, id);

-- The audit chain (see the audit module for the hash). Its head (last seq and hash) is kept
-- in meta as well, written in the same transaction, so a cut-off tail is detected.
CREATE TABLE audit (
    seq       INTEGER PRIMARY KEY,
    event     TEXT NOT NULL,                      -- canonical JSON of the AuditEvent
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
";

/// Version 3: an owner's records in id (creation) order, for records management: an agency
/// pages through its own records, hundreds of thousands of them, without scanning the others.
const RECORDS_BY_OWNER: &str = "
CREATE INDEX records_by_owner ON records (owner, id);
";

/// Version 4: the audit chain lives in its own file (`audit_file.rs`); its table and head
/// leave this one, once copied there.
const AUDIT_MOVES_OUT: &str = "
DROP TABLE audit;
DELETE FROM meta WHERE key IN ('audit_head_seq', 'audit_head_hash');
";

/// The schema version of an open database (0 for a new, empty file).
pub fn version(conn: &Connection) -> Result<u32> {
    Ok(conn.pragma_query_value(None, "user_version", |row| row.get(0))?)
}

/// Applies the migrations up to and including `target`, one per transaction, running
/// `before(step, tx)` inside each step's transaction first (the store moves the audit chain
/// out before the step that drops it). `dir` is only for the error message when the database
/// is newer than this build.
pub(crate) fn migrate_to(
    conn: &mut Connection,
    dir: &std::path::Path,
    target: u32,
    mut before: impl FnMut(u32, &Transaction<'_>) -> Result<()>,
) -> Result<()> {
    for step in MIGRATIONS.iter().filter(|m| m.version <= target) {
        // Re-read inside the write lock: another process may be migrating the same file.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current = version(&tx)?;
        if current > LATEST_VERSION {
            return Err(StoreError::SchemaTooNew {
                dir: dir.to_path_buf(),
                found: current,
                supported: LATEST_VERSION,
            });
        }
        if current >= step.version {
            continue;
        }
        before(step.version, &tx)?;
        tx.execute_batch(step.sql)?;
        tx.pragma_update(None, "user_version", step.version)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_one_by_one_and_end_at_the_latest() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version as usize, i + 1);
        }
        assert_eq!(MIGRATIONS.last().map(|m| m.version), Some(LATEST_VERSION));
    }

    #[test]
    fn each_step_applies_on_top_of_the_previous_one() {
        let mut conn = Connection::open_in_memory().unwrap();
        let dir = std::path::Path::new("mem");
        assert_eq!(version(&conn).unwrap(), 0);
        migrate_to(&mut conn, dir, 1, |_, _| Ok(())).unwrap();
        assert_eq!(version(&conn).unwrap(), 1);
        let has = |conn: &Connection, table: &str| -> bool {
            conn.query_row(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1",
                [table],
                |r| r.get::<_, i64>(0),
            )
            .unwrap()
                == 1
        };
        assert!(has(&conn, "versions"));
        assert!(!has(&conn, "audit"));
        migrate_to(&mut conn, dir, AUDIT_MOVED - 1, |_, _| Ok(())).unwrap();
        assert!(
            has(&conn, "audit"),
            "the audit chain lived here until version 4"
        );
        let mut steps = Vec::new();
        migrate_to(&mut conn, dir, LATEST_VERSION, |step, _| {
            steps.push(step);
            Ok(())
        })
        .unwrap();
        assert_eq!(steps, [AUDIT_MOVED], "each step runs the hook once, first");
        assert_eq!(version(&conn).unwrap(), LATEST_VERSION);
        assert!(!has(&conn, "audit"));
        // Applying again is a no-op.
        migrate_to(&mut conn, dir, LATEST_VERSION, |_, _| {
            panic!("no step left")
        })
        .unwrap();
        assert_eq!(version(&conn).unwrap(), LATEST_VERSION);
    }

    #[test]
    fn a_newer_schema_is_refused_with_advice() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", LATEST_VERSION + 1)
            .unwrap();
        let err = migrate_to(
            &mut conn,
            std::path::Path::new("/data"),
            LATEST_VERSION,
            |_, _| Ok(()),
        )
        .unwrap_err();
        assert!(
            matches!(err, StoreError::SchemaTooNew { found, .. } if found == LATEST_VERSION + 1)
        );
        assert!(err.to_string().contains("upgrade portwatch"), "{err}");
    }
}
