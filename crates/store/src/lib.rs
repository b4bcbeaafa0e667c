//! Persistence of portwatch: records with their full history and the ordered change log,
//! agencies, operations, hits, investigations and the tamper-evident audit chain.
//!
//! Everything goes through one trait, [`Store`], so that the embedded default —
//! [`SqliteStore`], one SQLite file in the data directory — and a PostgreSQL store for many
//! nodes can stand behind the same server, engine and CLI. The trait is synchronous and
//! object-safe (`Arc<dyn Store>`); each method is one transaction.
//!
//! # Invariants (every implementation keeps them)
//!
//! 1. **Every change is a new version.** A record is never overwritten: a changed content, a
//!    cancellation or a re-activation appends a version numbered one more than the last.
//!    Cancelled records stay in the history and are never active again unless their owner
//!    writes them again.
//! 2. **Idempotent writes.** Putting a content equal to the latest active version writes
//!    nothing ([`PutOutcome::Unchanged`]), so re-importing the same file changes nothing.
//! 3. **Only the owner changes a record.** A natural key belongs to the first owner that wrote
//!    it; writes by anyone else are refused ([`PutOutcome::Rejected`],
//!    [`StoreError::NotOwner`]).
//! 4. **One ordered change log.** Every version gets the next sequence number (`seq`) in
//!    commit order: once a follower has read position `n`, no change at or below `n` can
//!    appear later. So a follower that remembers the last `seq` it applied and calls
//!    [`Store::changes_since`] misses nothing and sees nothing twice. (A PostgreSQL store must
//!    hand out `seq` under a lock held until commit to keep this.)
//! 5. **One audit chain.** Each entry's hash covers the previous hash, its position and its
//!    canonical content ([`audit`]); appends are serialised, so concurrent writers still make
//!    one valid chain, and [`Store::verify_audit`] names the first changed, removed or
//!    reordered entry.
//! 6. **Atomic and durable.** A method's writes all commit or none do, and a committed write
//!    survives a crash of the process or the machine. The one exception is asked for by name:
//!    [`Store::put_prepared_deferred`] (an import's batches) survives a killed process at once
//!    but a power cut only after the next [`Store::sync`] or durable write; it is never lost
//!    while a write committed after it survives.
//!
//! # The SQLite schema
//!
//! The database file is `portwatch.sqlite3` in the data directory (see
//! [`sqlite::STORE_FILE`]); its schema is built by numbered migrations recorded in
//! `PRAGMA user_version`, applied on open, each in its own transaction. The audit chain has a
//! file of its own beside it, `audit.sqlite3` ([`sqlite::AUDIT_FILE`]): it shares no
//! transaction with the other tables, and apart it has its own write lock (a search's entry
//! never waits for an import batch) and pages sized for its small commits, while the records
//! file uses pages sized for bulk writes. Stores of schema 3 and older had the chain inside
//! `portwatch.sqlite3`; opening one moves it, in the store's write lock. A store whose audit
//! file is missing does not open: a deleted file must not become a new, empty chain.
//!
//! | table            | one row per                | key                    | notes |
//! |------------------|----------------------------|------------------------|-------|
//! | `records`        | record                     | `pk`; unique `id`; index on `key_hash`; index on (`owner`, `id`) for an agency's own records | natural key and its 64-bit hash, owner, database, latest version number, status, SHA-256 of the latest content, `latest_seq` |
//! | `versions`       | version = change-log entry | `seq`                  | `record_pk`, version, status, time, `prev_seq` (the record's previous version), content as JSON (`{"owner", "visibility", "review_date", "source_id", "body": {"document": …}}`) |
//! | `agencies`       | agency                     | `id`                   | JSON |
//! | `operations`     | operation                  | `id`; unique `code`    | JSON |
//! | `hits`           | hit                        | `id` (UUIDv7, time order) | owner, agency, operation, state for filtering; references `records(id)` and `operations(id)` |
//! | `investigations` | lead                       | `id`                   | references `operations(id)` |
//! | `meta`           | store setting              | `key`                  | when deferred record writes were last synced |
//! | `audit` (in `audit.sqlite3`) | audit entry    | `seq`                  | canonical event JSON, `prev_hash`, `hash` |
//! | `audit_head` (in `audit.sqlite3`) | the chain's head | one row       | last `seq` and `hash`, written with the entries |
//!
//! Why this shape: an import decides "new, unchanged or changed" from one `records` row found
//! by its natural key, comparing content hashes, and writes one `records` row and one
//! `versions` row per new version. `versions` *is* the change log, so following it is a range
//! scan on its primary key; a record's history is the `prev_seq` chain, which saves the import
//! path a second index. Contents are stored as compact JSON of the model's types, with the
//! body under its own key rather than flattened into the envelope (which decodes several
//! times faster), and every rule of the model is checked again when a record is read back.
//!
//! Natural keys are indexed by a 64-bit hash of their text (lookups compare the text too):
//! the index is a third of the size of a text index, which matters because an import touches
//! it at random. The index is not `UNIQUE` (two keys may share a hash), so "one record per
//! natural key" is kept by the write path: every write looks the key up inside its
//! `BEGIN IMMEDIATE` transaction before inserting, and no other code inserts records.
//!
//! Invariants of the tables, for anyone reading the file directly:
//! `records.latest_seq` is the `versions` row of the record's highest version, and
//! `records.version`, `status` and `content_hash` repeat that row's; the versions of a record
//! are numbered 1, 2, … without gaps along the `prev_seq` chain; `versions.seq` has no gaps
//! (rows are only ever appended, in commit order); `audit.seq` runs 1, 2, … and each row's
//! `prev_hash` is the previous row's `hash`.
//!
//! # Durability and concurrency on SQLite
//!
//! The file is in WAL mode with `synchronous = FULL`: the WAL is synced at every commit, so a
//! commit that returned is on disk, and a crash at any point (process killed, power lost)
//! leaves a database that opens cleanly with every committed transaction and none of an
//! unfinished one. `NORMAL`, as safe against a killed process but not against a power cut, is
//! used only for the batches of [`Store::put_prepared_deferred`]: the log is synced by the
//! next `FULL` commit and before every checkpoint, and a sync covers every frame before it,
//! so deferred batches become durable in commit order, and an import syncs once at its end
//! instead of waiting for the disk after every batch (about a tenth of its time). Foreign keys
//! and `CHECK` constraints are enforced, except inside a batch of records (`put_records`,
//! `put_prepared`): the only key such a batch could break is a version's record, which it has
//! just inserted or read itself, and its checked columns come from the model's enums. For
//! each of the two files, one writer connection behind a mutex serialises the writes of a
//! process and `BEGIN IMMEDIATE` those of other processes (waiting up to 10 s before
//! [`StoreError::Busy`]); readers use their own connections and never wait for the writer.
//!
//! # Import speed
//!
//! [`Store::put_records`] takes a batch (10,000–50,000 rows is a good size: one transaction
//! and one sync each). Serialising and hashing the contents needs no lock, so a caller with a
//! stream of batches does it on another thread with [`PreparedRecords::new`] and writes with
//! [`Store::put_prepared`] (`portwatch import` prepares the next batch while the last one is
//! written); `put_records` does it itself, on two threads for large batches. A batch with
//! distinct natural keys then takes a bulk path (`sqlite/bulk.rs`): keys are looked up 64 at
//! a time, and new records are inserted 64 rows per statement, sorted by key hash so that the
//! key index is filled in its own order, with SQLite's foreign-key and `CHECK` constraints off
//! for the batch (it cannot break them; see `SqliteStore::write_records`). New stores use
//! 64 KiB pages (shallower B-trees, a quarter of the WAL frames of 16 KiB pages; the audit
//! chain has a file of its own with small pages). Committed pages are copied from the
//! WAL into the database file by a background thread (`sqlite/checkpoint.rs`), so a batch does
//! not wait for the pages of the batches before it; SQLite is built without its memory
//! statistics (`.cargo/config.toml`), which cost a global mutex on every allocation.
//! `benches/import.rs` measures fresh imports and re-imports of unchanged rows against a plain
//! `INSERT` of the same rows into an unindexed table, in the same run.

pub mod api;
pub mod audit;
mod content;
pub mod error;
mod find;
pub mod postgres;
mod prepared;
pub mod sqlite;
#[cfg(test)]
mod test_contents;

pub use crate::postgres::{open, PgStore};
pub use api::{
    AuditBreak, AuditReport, Change, ChangeWakeups, FollowUp, HitFilter, HitWakeups, PutOutcome,
    RecordCount, RecordQuery, Store, StoreStats,
};
pub use error::{Result, StoreError};
pub use prepared::PreparedRecords;
pub use sqlite::SqliteStore;
