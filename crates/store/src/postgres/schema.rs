//! The PostgreSQL schema as numbered migrations, step for step the meaning of the SQLite ones.
//!
//! The table `portwatch_schema` holds one row per migration applied. Every step runs in its
//! own transaction under a transaction-scoped advisory lock named after the schema, so that
//! several nodes starting at once apply each step exactly once, and a node that crashes in
//! the middle of an upgrade leaves the database at the previous step. Migrations are only ever
//! appended: a released step is never edited.

use postgres::Client;

use crate::audit::GENESIS_HASH;
use crate::error::{Result, StoreError};

/// One step of the schema's history.
struct Migration {
    version: u32,
    sql: &'static str,
}

/// Every migration, in order; the same numbering as the SQLite store's.
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
];

/// The schema version this build writes and understands.
pub const LATEST_VERSION: u32 = 3;

/// Version 1: records, their versions (the change log) and the change log's head.
///
/// Records are keyed by their UUID (UUIDv7, so the primary key is appended to) and their
/// natural key is `UNIQUE`: with many nodes writing, the database itself keeps "one record per
/// natural key" rather than trusting every writer. `versions.recorded_at` is Unix time in
/// nanoseconds, like SQLite's, because `timestamptz` keeps only microseconds.
const RECORDS_AND_CHANGE_LOG: &str = "
CREATE TABLE change_log_head (
    only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
    seq      BIGINT NOT NULL CHECK (seq >= 0)
);
INSERT INTO change_log_head (only_row, seq) VALUES (TRUE, 0);

CREATE TABLE records (
    id           UUID PRIMARY KEY,
    natural_key  TEXT NOT NULL UNIQUE,
    database     TEXT NOT NULL CHECK (database IN ('documents', 'persons', 'vehicles')),
    owner        TEXT NOT NULL,
    version      INTEGER NOT NULL CHECK (version >= 1),
    status       TEXT NOT NULL CHECK (status IN ('active', 'cancelled')),
    content_hash BYTEA NOT NULL,
    latest_seq   BIGINT NOT NULL
);

CREATE TABLE versions (
    seq         BIGINT PRIMARY KEY,
    record_id   UUID NOT NULL REFERENCES records (id),
    version     INTEGER NOT NULL CHECK (version >= 1),
    status      TEXT NOT NULL CHECK (status IN ('active', 'cancelled')),
    recorded_at BIGINT NOT NULL,
    prev_seq    BIGINT,
    content     BYTEA NOT NULL
);
";

/// Version 2: the network (agencies, operations), hits, investigations and the audit chain,
/// whose head row starts at entry 0 with the genesis hash.
const NETWORK_HITS_AND_AUDIT: &str = "
CREATE TABLE agencies (
    id   TEXT PRIMARY KEY,
    body TEXT NOT NULL
);

CREATE TABLE operations (
    id        UUID PRIMARY KEY,
    code      TEXT NOT NULL UNIQUE,
    starts_on TEXT NOT NULL,
    body      TEXT NOT NULL
);

CREATE TABLE hits (
    id        UUID PRIMARY KEY,
    record_id UUID NOT NULL REFERENCES records (id),
    owner     TEXT NOT NULL,
    agency    TEXT NOT NULL,
    operation UUID REFERENCES operations (id),
    state     TEXT NOT NULL,
    body      TEXT NOT NULL
);
CREATE INDEX hits_by_owner     ON hits (owner, id);
CREATE INDEX hits_by_agency    ON hits (agency, id);
CREATE INDEX hits_by_operation ON hits (operation, id);
CREATE INDEX hits_by_record    ON hits (record_id);

CREATE TABLE investigations (
    id        UUID PRIMARY KEY,
    operation UUID REFERENCES operations (id),
    body      TEXT NOT NULL
);
CREATE INDEX investigations_by_operation ON investigations (operation, id);

CREATE TABLE audit (
    seq       BIGINT PRIMARY KEY,
    event     TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE TABLE audit_head (
    only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
    seq      BIGINT NOT NULL,
    hash     TEXT NOT NULL
);
";

/// Version 3: an owner's records in id (creation) order, for records management. `uuid`
/// compares byte-wise, so id order is creation order here as on SQLite.
const RECORDS_BY_OWNER: &str = "
CREATE INDEX records_by_owner ON records (owner, id);
";

/// The schema version of the database (0 before the first migration).
pub fn version(client: &mut impl postgres::GenericClient) -> Result<u32> {
    let exists: bool = client
        .query_one("SELECT to_regclass('portwatch_schema') IS NOT NULL", &[])?
        .get(0);
    if !exists {
        return Ok(0);
    }
    let v: i32 = client
        .query_one(
            "SELECT coalesce(max(version), 0) FROM portwatch_schema",
            &[],
        )?
        .get(0);
    Ok(v as u32)
}

/// Serialises migrations of one schema across every process on the database, until commit.
const MIGRATION_LOCK: &str =
    "SELECT pg_advisory_xact_lock(hashtext('portwatch-migrate:' || current_schema()))";

/// Brings the database to [`LATEST_VERSION`], one migration per transaction.
pub fn migrate(client: &mut Client, location: &str) -> Result<()> {
    // `IF NOT EXISTS` alone is not safe against a second node doing the same at the same
    // moment, hence the lock here too.
    let mut tx = client.transaction()?;
    tx.execute(MIGRATION_LOCK, &[])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS portwatch_schema (
             version    INTEGER PRIMARY KEY,
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
         )",
    )?;
    tx.commit()?;
    for step in MIGRATIONS {
        let mut tx = client.transaction()?;
        // Nodes starting together wait here for each other; the lock goes with the commit.
        tx.execute(MIGRATION_LOCK, &[])?;
        let current = version(&mut tx)?;
        if current > LATEST_VERSION {
            return Err(StoreError::Backend(
                format!(
                    "the database {location} has portwatch schema version {current}, but this \
                     portwatch knows only up to version {LATEST_VERSION}: upgrade portwatch \
                     before using this database"
                )
                .into(),
            ));
        }
        if current >= step.version {
            continue;
        }
        tx.batch_execute(step.sql)?;
        if step.version == 2 {
            tx.execute(
                "INSERT INTO audit_head (only_row, seq, hash) VALUES (TRUE, 0, $1)",
                &[&GENESIS_HASH],
            )?;
        }
        tx.execute(
            "INSERT INTO portwatch_schema (version) VALUES ($1)",
            &[&(step.version as i32)],
        )?;
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
}
