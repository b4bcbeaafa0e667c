//! Records, their versions and the change log on PostgreSQL.
//!
//! Every transaction that writes versions first locks the one row of `change_log_head`
//! ([`lock_change_log`]) and moves it at the end ([`finish_change_log`]); see the module
//! documentation of [`super`] for why this keeps the log gap-free and in commit order.
//!
//! A batch is *decided* in memory — its natural keys looked up with one query, each item
//! checked in file order against the head it would see, the same key twice in a batch seeing
//! its own earlier row — and then *written* with three statements over arrays (`UNNEST`):
//! new records, moved heads of existing records, and every new version in log order. Round
//! trips, not rows, are what a remote database charges for.

use std::collections::HashMap;

use postgres::Transaction;
use time::OffsetDateTime;
use uuid::Uuid;

use portwatch_model::{AgencyId, Database, Id, Record, RecordContent, RecordStatus};

use crate::api::{Change, PutOutcome, RecordCount, StoreStats};
use crate::error::{Result, StoreError};
use crate::find::{RecordQuery, TextMatch, SCAN_BATCH};
use crate::prepared::{Encoded, Encoding};

/// The `records` row of a record, as a write sees and changes it.
struct Head {
    id: Uuid,
    natural_key: String,
    database: String,
    owner: String,
    version: u32,
    status: RecordStatus,
    content_hash: Vec<u8>,
    latest_seq: i64,
    /// The latest content when this batch wrote it (or it was fetched to compare).
    latest_json: Option<Vec<u8>>,
    /// Created by this batch (inserted) rather than read from the table (updated).
    is_new: bool,
    /// Changed by this batch.
    dirty: bool,
}

const HEAD_COLUMNS: &str =
    "id, natural_key, database, owner, version, status, content_hash, latest_seq";

fn head_from_row(row: &postgres::Row) -> Head {
    Head {
        id: row.get(0),
        natural_key: row.get(1),
        database: row.get(2),
        owner: row.get(3),
        version: row.get::<_, i32>(4) as u32,
        status: status_from_str(row.get(5)),
        content_hash: row.get(6),
        latest_seq: row.get(7),
        latest_json: None,
        is_new: false,
        dirty: false,
    }
}

fn status_str(status: RecordStatus) -> &'static str {
    match status {
        RecordStatus::Active => "active",
        RecordStatus::Cancelled => "cancelled",
    }
}

fn status_from_str(s: &str) -> RecordStatus {
    // The CHECK constraint admits only these two words.
    if s == "cancelled" {
        RecordStatus::Cancelled
    } else {
        RecordStatus::Active
    }
}

fn nanos(at: OffsetDateTime) -> i64 {
    at.unix_timestamp_nanos() as i64
}

fn time_from_nanos(n: i64) -> Result<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(n.into())
        .map_err(|e| StoreError::Corrupt(format!("a stored time is out of range: {e}")))
}

/// Takes the change-log lock (held until commit) and returns the last position.
pub(super) fn lock_change_log(tx: &mut Transaction<'_>) -> Result<i64> {
    Ok(tx
        .query_one(
            "SELECT seq FROM change_log_head WHERE only_row FOR UPDATE",
            &[],
        )?
        .get(0))
}

/// Records the new last position and, when it moved, tells listeners at commit.
pub(super) fn finish_change_log(
    tx: &mut Transaction<'_>,
    before: i64,
    after: i64,
    channel: &str,
) -> Result<()> {
    if after == before {
        return Ok(());
    }
    tx.execute(
        "UPDATE change_log_head SET seq = $1 WHERE only_row",
        &[&after],
    )?;
    // Delivered only if and when the transaction commits, in commit order.
    tx.execute("SELECT pg_notify($1, $2)", &[&channel, &after.to_string()])?;
    Ok(())
}

/// A version decided on, written at the end of the batch.
struct NewVersion {
    seq: i64,
    record_id: Uuid,
    version: i32,
    status: &'static str,
    prev_seq: Option<i64>,
    json: Vec<u8>,
}

/// The heads of the given natural keys, with the latest content of those a batch may need
/// to compare (active ones whose hash differs from a row of the batch).
fn heads_of(tx: &mut Transaction<'_>, batch: &[Encoded<'_>]) -> Result<HashMap<String, Head>> {
    let keys: Vec<&str> = batch.iter().map(|i| i.natural_key.as_str()).collect();
    let rows = tx.query(
        &format!("SELECT {HEAD_COLUMNS} FROM records WHERE natural_key = ANY($1)"),
        &[&keys],
    )?;
    let mut heads: HashMap<String, Head> = rows
        .iter()
        .map(head_from_row)
        .map(|h| (h.natural_key.clone(), h))
        .collect();
    let to_compare: Vec<i64> = batch
        .iter()
        .filter_map(|item| heads.get(&item.natural_key).map(|h| (h, item)))
        .filter(|(h, item)| h.status == RecordStatus::Active && h.content_hash != item.hash)
        .map(|(h, _)| h.latest_seq)
        .collect();
    if !to_compare.is_empty() {
        let mut by_seq: HashMap<i64, Vec<u8>> = tx
            .query(
                "SELECT seq, content FROM versions WHERE seq = ANY($1)",
                &[&to_compare],
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        for head in heads.values_mut() {
            head.latest_json = by_seq.remove(&head.latest_seq);
        }
    }
    Ok(heads)
}

/// True when the record is active and its latest content equals the new one (equal hashes,
/// or equal contents once decoded, so a change of serialisation is not a change).
fn is_unchanged(head: &Head, item: &Encoded<'_>) -> Result<bool> {
    if head.status != RecordStatus::Active {
        return Ok(false);
    }
    if head.content_hash == item.hash {
        return Ok(true);
    }
    match &head.latest_json {
        Some(json) => Ok(crate::content::decode(json)? == *item.content),
        None => Ok(false),
    }
}

/// Writes a batch by natural key (see [`crate::Store::put_records`]).
pub(super) fn put(
    tx: &mut Transaction<'_>,
    encoded: &[Encoded<'_>],
    at: OffsetDateTime,
    channel: &str,
) -> Result<Vec<PutOutcome>> {
    let before = lock_change_log(tx)?;
    let mut heads = heads_of(tx, encoded)?;
    let mut next_seq = before + 1;
    let mut versions = Vec::new();
    let mut outcomes = Vec::with_capacity(encoded.len());
    for item in encoded {
        let outcome = match heads.get_mut(&item.natural_key) {
            None => {
                let id = Id::generate();
                versions.push(NewVersion {
                    seq: next_seq,
                    record_id: id.as_uuid(),
                    version: 1,
                    status: "active",
                    prev_seq: None,
                    json: item.json.clone(),
                });
                heads.insert(item.natural_key.clone(), new_head(id, item, next_seq));
                next_seq += 1;
                PutOutcome::Created { id }
            }
            Some(head) => decide_existing(head, item, &mut next_seq, &mut versions)?,
        };
        outcomes.push(outcome);
    }
    write_heads(tx, heads.values().filter(|h| h.dirty))?;
    write_versions(tx, &versions, nanos(at))?;
    finish_change_log(tx, before, next_seq - 1, channel)?;
    Ok(outcomes)
}

fn new_head(id: Id, item: &Encoded<'_>, seq: i64) -> Head {
    Head {
        id: id.as_uuid(),
        natural_key: item.natural_key.clone(),
        database: item.content.database().as_str().to_string(),
        owner: item.content.owner.as_str().to_string(),
        version: 1,
        status: RecordStatus::Active,
        content_hash: item.hash.to_vec(),
        latest_seq: seq,
        latest_json: Some(item.json.clone()),
        is_new: true,
        dirty: true,
    }
}

/// An item whose key already has a record: rejected, unchanged or a new version.
fn decide_existing(
    head: &mut Head,
    item: &Encoded<'_>,
    next_seq: &mut i64,
    versions: &mut Vec<NewVersion>,
) -> Result<PutOutcome> {
    let id = Id::from_uuid(head.id);
    if head.owner != item.content.owner.as_str() {
        return Ok(PutOutcome::Rejected {
            id,
            reason: format!(
                "record {id} ({}) is owned by {}; only its owner may change it ({} tried)",
                item.natural_key, head.owner, item.content.owner
            ),
        });
    }
    if is_unchanged(head, item)? {
        return Ok(PutOutcome::Unchanged { id });
    }
    let version = advance(head, item, RecordStatus::Active, *next_seq, versions);
    *next_seq += 1;
    Ok(PutOutcome::Updated { id, version })
}

/// Chains a new version of `head` at `seq` and moves the head to it.
fn advance(
    head: &mut Head,
    item: &Encoded<'_>,
    status: RecordStatus,
    seq: i64,
    versions: &mut Vec<NewVersion>,
) -> u32 {
    head.version += 1;
    versions.push(NewVersion {
        seq,
        record_id: head.id,
        version: head.version as i32,
        status: status_str(status),
        prev_seq: Some(head.latest_seq),
        json: item.json.clone(),
    });
    head.natural_key.clone_from(&item.natural_key);
    head.status = status;
    head.content_hash = item.hash.to_vec();
    head.latest_seq = seq;
    head.latest_json = Some(item.json.clone());
    head.dirty = true;
    head.version
}

/// Inserts new records and moves the heads of existing ones, one statement each.
fn write_heads<'h>(tx: &mut Transaction<'_>, heads: impl Iterator<Item = &'h Head>) -> Result<()> {
    let (new, old): (Vec<&Head>, Vec<&Head>) = heads.partition(|h| h.is_new);
    for (rows, sql) in [
        (
            new,
            "INSERT INTO records (id, natural_key, database, owner, version, status, \
             content_hash, latest_seq) \
             SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int4[], \
             $6::text[], $7::bytea[], $8::int8[])",
        ),
        (
            old,
            "UPDATE records r SET natural_key = u.natural_key, version = u.version, \
             status = u.status, content_hash = u.content_hash, latest_seq = u.latest_seq \
             FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int4[], \
             $6::text[], $7::bytea[], $8::int8[]) \
             AS u (id, natural_key, database, owner, version, status, content_hash, latest_seq) \
             WHERE r.id = u.id",
        ),
    ] {
        if rows.is_empty() {
            continue;
        }
        let ids: Vec<Uuid> = rows.iter().map(|h| h.id).collect();
        let keys: Vec<&str> = rows.iter().map(|h| h.natural_key.as_str()).collect();
        let databases: Vec<&str> = rows.iter().map(|h| h.database.as_str()).collect();
        let owners: Vec<&str> = rows.iter().map(|h| h.owner.as_str()).collect();
        let versions: Vec<i32> = rows.iter().map(|h| h.version as i32).collect();
        let statuses: Vec<&str> = rows.iter().map(|h| status_str(h.status)).collect();
        let hashes: Vec<&[u8]> = rows.iter().map(|h| h.content_hash.as_slice()).collect();
        let seqs: Vec<i64> = rows.iter().map(|h| h.latest_seq).collect();
        tx.execute(
            sql,
            &[
                &ids, &keys, &databases, &owners, &versions, &statuses, &hashes, &seqs,
            ],
        )
        .map_err(key_taken)?;
    }
    Ok(())
}

/// A natural key inserted by another writer between lookup and insert cannot happen under the
/// change-log lock; if the `UNIQUE` constraint fires anyway, say so plainly.
fn key_taken(e: postgres::Error) -> StoreError {
    if e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION) {
        StoreError::Conflict(format!("a natural key of the batch is already taken: {e}"))
    } else {
        e.into()
    }
}

/// Inserts versions in log order, one statement.
fn write_versions(tx: &mut Transaction<'_>, versions: &[NewVersion], at: i64) -> Result<()> {
    if versions.is_empty() {
        return Ok(());
    }
    let seqs: Vec<i64> = versions.iter().map(|v| v.seq).collect();
    let ids: Vec<Uuid> = versions.iter().map(|v| v.record_id).collect();
    let numbers: Vec<i32> = versions.iter().map(|v| v.version).collect();
    let statuses: Vec<&str> = versions.iter().map(|v| v.status).collect();
    let prevs: Vec<Option<i64>> = versions.iter().map(|v| v.prev_seq).collect();
    let contents: Vec<&[u8]> = versions.iter().map(|v| v.json.as_slice()).collect();
    tx.execute(
        "INSERT INTO versions (seq, record_id, version, status, recorded_at, prev_seq, content) \
         SELECT s, r, v, st, $5, p, c FROM UNNEST($1::int8[], $2::uuid[], $3::int4[], \
         $4::text[], $6::int8[], $7::bytea[]) AS u (s, r, v, st, p, c)",
        &[&seqs, &ids, &numbers, &statuses, &at, &prevs, &contents],
    )?;
    Ok(())
}

fn head_by_id(tx: &mut Transaction<'_>, id: Id) -> Result<Head> {
    let row = tx
        .query_opt(
            &format!("SELECT {HEAD_COLUMNS} FROM records WHERE id = $1"),
            &[&id.as_uuid()],
        )?
        .ok_or_else(|| StoreError::NotFound {
            kind: "record",
            id: id.to_string(),
        })?;
    let mut head = head_from_row(&row);
    head.latest_json = Some(
        tx.query_one(
            "SELECT content FROM versions WHERE seq = $1",
            &[&head.latest_seq],
        )?
        .get(0),
    );
    Ok(head)
}

fn not_owner(head: &Head, by: &AgencyId) -> StoreError {
    match AgencyId::parse(&head.owner) {
        Ok(owner) => StoreError::NotOwner {
            id: Id::from_uuid(head.id),
            owner,
            by: by.clone(),
        },
        Err(e) => StoreError::Corrupt(format!("record {} has a bad owner: {e}", head.id)),
    }
}

/// Writes one new version of an existing record, chained after its head.
fn write_one(
    tx: &mut Transaction<'_>,
    mut head: Head,
    item: &Encoded<'_>,
    status: RecordStatus,
    at: OffsetDateTime,
    channel: &str,
) -> Result<()> {
    let before = lock_change_log(tx)?;
    let mut versions = Vec::with_capacity(1);
    advance(&mut head, item, status, before + 1, &mut versions);
    write_heads(tx, std::iter::once(&head))?;
    write_versions(tx, &versions, nanos(at))?;
    finish_change_log(tx, before, before + 1, channel)
}

/// Replaces a record's content (see [`crate::Store::update_record`]).
pub(super) fn update(
    tx: &mut Transaction<'_>,
    id: Id,
    expected_version: Option<u32>,
    content: &RecordContent,
    at: OffsetDateTime,
    channel: &str,
) -> Result<Record> {
    // Taken first, so the checks below see every write committed before this one.
    lock_change_log(tx)?;
    let head = head_by_id(tx, id)?;
    if head.owner != content.owner.as_str() {
        return Err(not_owner(&head, &content.owner));
    }
    if let Some(expected) = expected_version {
        if expected != head.version {
            return Err(StoreError::VersionConflict {
                id,
                expected,
                found: head.version,
            });
        }
    }
    if head.database != content.database().as_str() {
        return Err(StoreError::Conflict(format!(
            "record {id} is in the {} database; a record cannot move to {} (cancel it and \
             create a new one)",
            head.database,
            content.database()
        )));
    }
    let encoding = Encoding::of(content)?;
    let item = Encoded::new(content, &encoding);
    if item.natural_key != head.natural_key {
        if let Some(other) = tx.query_opt(
            "SELECT id FROM records WHERE natural_key = $1",
            &[&item.natural_key],
        )? {
            let other: Uuid = other.get(0);
            return Err(StoreError::Conflict(format!(
                "the key {} already belongs to record {}; update that record instead",
                item.natural_key,
                Id::from_uuid(other)
            )));
        }
    } else if is_unchanged(&head, &item)? {
        return require_latest(tx, id);
    }
    write_one(tx, head, &item, RecordStatus::Active, at, channel)?;
    require_latest(tx, id)
}

/// Cancels a record (see [`crate::Store::cancel_record`]).
pub(super) fn cancel(
    tx: &mut Transaction<'_>,
    id: Id,
    by: &AgencyId,
    at: OffsetDateTime,
    channel: &str,
) -> Result<Record> {
    lock_change_log(tx)?;
    let head = head_by_id(tx, id)?;
    if head.owner != by.as_str() {
        return Err(not_owner(&head, by));
    }
    if head.status == RecordStatus::Cancelled {
        return require_latest(tx, id);
    }
    let latest = require_latest(tx, id)?;
    let encoding = Encoding::of(&latest.content)?;
    let item = Encoded::new(&latest.content, &encoding);
    write_one(tx, head, &item, RecordStatus::Cancelled, at, channel)?;
    require_latest(tx, id)
}

fn require_latest(tx: &mut Transaction<'_>, id: Id) -> Result<Record> {
    latest_by_id(tx, id)?.ok_or_else(|| StoreError::NotFound {
        kind: "record",
        id: id.to_string(),
    })
}

/// Columns that, with the record's id, make a [`Record`].
const VERSION_COLUMNS: &str = "v.version, v.status, v.recorded_at, v.content";

/// Builds a record from `id` and the four [`VERSION_COLUMNS`] starting at column `first`.
fn record_from_row(id: Id, row: &postgres::Row, first: usize) -> Result<Record> {
    Ok(Record {
        id,
        version: row.try_get::<_, i32>(first)? as u32,
        status: status_from_str(row.try_get(first + 1)?),
        recorded_at: time_from_nanos(row.try_get(first + 2)?)?,
        content: crate::content::decode(row.try_get(first + 3)?)?,
    })
}

pub(super) fn latest_by_id(tx: &mut Transaction<'_>, id: Id) -> Result<Option<Record>> {
    let row = tx.query_opt(
        &format!(
            "SELECT {VERSION_COLUMNS} FROM records r JOIN versions v ON v.seq = r.latest_seq \
             WHERE r.id = $1"
        ),
        &[&id.as_uuid()],
    )?;
    row.map(|r| record_from_row(id, &r, 0)).transpose()
}

pub(super) fn latest_by_natural_key(tx: &mut Transaction<'_>, key: &str) -> Result<Option<Record>> {
    let row = tx.query_opt(
        &format!(
            "SELECT r.id, {VERSION_COLUMNS} FROM records r \
             JOIN versions v ON v.seq = r.latest_seq WHERE r.natural_key = $1"
        ),
        &[&key],
    )?;
    row.map(|r| record_from_row(Id::from_uuid(r.get(0)), &r, 1))
        .transpose()
}

/// Every version of a record, oldest first, following the `prev_seq` chain back from the
/// latest version (the same walk as SQLite's; no second index on `versions`).
pub(super) fn history(tx: &mut Transaction<'_>, id: Id) -> Result<Vec<Record>> {
    let rows = tx.query(
        "WITH RECURSIVE chain AS ( \
             SELECT v.* FROM records r JOIN versions v ON v.seq = r.latest_seq WHERE r.id = $1 \
             UNION ALL \
             SELECT v.* FROM versions v JOIN chain c ON v.seq = c.prev_seq) \
         SELECT version, status, recorded_at, content FROM chain ORDER BY version",
        &[&id.as_uuid()],
    )?;
    rows.iter().map(|r| record_from_row(id, r, 0)).collect()
}

/// The change-log position of the last committed version.
pub(super) fn head_seq(tx: &mut Transaction<'_>) -> Result<u64> {
    let seq: i64 = tx
        .query_one("SELECT seq FROM change_log_head WHERE only_row", &[])?
        .get(0);
    Ok(seq as u64)
}

pub(super) fn changes_since(
    tx: &mut Transaction<'_>,
    after_seq: u64,
    limit: usize,
) -> Result<Vec<Change>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let after = i64::try_from(after_seq).unwrap_or(i64::MAX);
    let rows = tx.query(
        &format!(
            "SELECT v.seq, v.record_id, {VERSION_COLUMNS} FROM versions v \
             WHERE v.seq > $1 ORDER BY v.seq LIMIT $2"
        ),
        &[&after, &limit],
    )?;
    rows.iter()
        .map(|row| {
            Ok(Change {
                seq: row.get::<_, i64>(0) as u64,
                record: record_from_row(Id::from_uuid(row.get(1)), row, 2)?,
            })
        })
        .collect()
}

/// One owner's records matching `query`, in id order, through the `records_by_owner` index.
/// With a text to match, rows come through a cursor [`SCAN_BATCH`] at a time and the scan
/// stops as soon as the page is full; without one, the page is one `LIMIT`ed query.
pub(super) fn find(tx: &mut Transaction<'_>, query: &RecordQuery) -> Result<Vec<Record>> {
    let text = TextMatch::new(query.text.as_deref());
    let owner = query.owner.as_str();
    let after = query.after.map(|id| id.as_uuid());
    let database = query.database.map(Database::as_str);
    let status = query.status.map(status_str);
    let mut params: Vec<&(dyn postgres::types::ToSql + Sync)> = vec![&owner];
    let mut sql = format!(
        "SELECT r.id, {VERSION_COLUMNS} FROM records r JOIN versions v ON v.seq = r.latest_seq \
         WHERE r.owner = $1"
    );
    if let Some(after) = &after {
        params.push(after);
        sql.push_str(&format!(" AND r.id > ${}", params.len()));
    }
    if let Some(database) = &database {
        params.push(database);
        sql.push_str(&format!(" AND r.database = ${}", params.len()));
    }
    if let Some(status) = &status {
        params.push(status);
        sql.push_str(&format!(" AND r.status = ${}", params.len()));
    }
    sql.push_str(" ORDER BY r.id");
    let Some(text) = text else {
        sql.push_str(&format!(" LIMIT {}", query.limit));
        let rows = tx.query(&sql, &params)?;
        return rows
            .iter()
            .map(|row| record_from_row(Id::from_uuid(row.get(0)), row, 1))
            .collect();
    };
    let statement = tx.prepare(&sql)?;
    let portal = tx.bind(&statement, &params)?;
    let mut found = Vec::new();
    loop {
        let rows = tx.query_portal(&portal, SCAN_BATCH as i32)?;
        for row in &rows {
            let record = record_from_row(Id::from_uuid(row.get(0)), row, 1)?;
            if text.matches(&record.content) {
                found.push(record);
                if found.len() == query.limit {
                    return Ok(found);
                }
            }
        }
        if rows.len() < SCAN_BATCH {
            return Ok(found);
        }
    }
}

/// Rows fetched per round trip when scanning every active record.
const SCAN_PAGE: i32 = 5_000;

/// Streams every active record from the caller's snapshot (a repeatable-read transaction)
/// through a cursor, so millions of records never sit in memory at once.
pub(super) fn for_each_active(
    tx: &mut Transaction<'_>,
    visit: &mut dyn FnMut(Record),
) -> Result<u64> {
    let snapshot_seq = head_seq(tx)?;
    let statement = tx.prepare(&format!(
        "SELECT r.id, {VERSION_COLUMNS} FROM records r JOIN versions v ON v.seq = r.latest_seq \
         WHERE r.status = 'active'"
    ))?;
    let portal = tx.bind(&statement, &[])?;
    loop {
        let rows = tx.query_portal(&portal, SCAN_PAGE)?;
        for row in &rows {
            visit(record_from_row(Id::from_uuid(row.get(0)), row, 1)?);
        }
        if rows.len() < SCAN_PAGE as usize {
            return Ok(snapshot_seq);
        }
    }
}

pub(super) fn stats(tx: &mut Transaction<'_>) -> Result<StoreStats> {
    let rows = tx.query(
        "SELECT database, owner, status, count(*) FROM records \
         GROUP BY database, owner, status ORDER BY database, owner, status",
        &[],
    )?;
    let mut records = Vec::with_capacity(rows.len());
    for row in &rows {
        records.push(RecordCount {
            database: row
                .get::<_, &str>(0)
                .parse::<Database>()
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            owner: AgencyId::parse(row.get(1)).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            status: status_from_str(row.get(2)),
            count: row.get::<_, i64>(3) as u64,
        });
    }
    let counts = tx.query_one(
        "SELECT (SELECT count(*) FROM versions), (SELECT count(*) FROM agencies), \
         (SELECT count(*) FROM operations), (SELECT count(*) FROM hits), \
         (SELECT count(*) FROM investigations), (SELECT count(*) FROM audit)",
        &[],
    )?;
    let count = |i: usize| counts.get::<_, i64>(i) as u64;
    Ok(StoreStats {
        schema_version: super::schema::version(tx)?,
        records,
        versions: count(0),
        head_seq: head_seq(tx)?,
        agencies: count(1),
        operations: count(2),
        hits: count(3),
        investigations: count(4),
        audit_entries: count(5),
    })
}
