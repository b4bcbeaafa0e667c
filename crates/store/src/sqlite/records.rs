//! Records, their versions and the change log on SQLite.

use rusqlite::{params, CachedStatement, OptionalExtension, Row, Transaction};
use time::OffsetDateTime;
use uuid::Uuid;

use portwatch_model::{AgencyId, Database, Id, Record, RecordContent, RecordStatus};

use crate::api::{Change, PutOutcome, RecordCount, StoreStats};
use crate::error::{Result, StoreError};
use crate::find::{RecordQuery, TextMatch};
use crate::prepared::{key_hash, Encoded, Encoding, KeyOrder};

/// The `records` row of a record: what a write needs to decide and to chain a new version.
pub(super) struct Head {
    pk: i64,
    id: Id,
    pub(super) natural_key: String,
    database: String,
    owner: String,
    version: u32,
    status: RecordStatus,
    content_hash: Vec<u8>,
    latest_seq: i64,
}

pub(super) const HEAD_COLUMNS: &str =
    "pk, id, natural_key, database, owner, version, status, content_hash, latest_seq";

/// How many columns [`HEAD_COLUMNS`] names (the index of a column selected after them).
pub(super) const HEAD_COLUMN_COUNT: usize = 9;

pub(super) fn head_from_row(row: &Row<'_>) -> rusqlite::Result<Head> {
    Ok(Head {
        pk: row.get(0)?,
        id: id_from_blob(row.get_ref(1)?.as_blob()?),
        natural_key: row.get(2)?,
        database: row.get(3)?,
        owner: row.get(4)?,
        version: row.get(5)?,
        status: status_from_str(row.get_ref(6)?.as_str()?),
        content_hash: row.get(7)?,
        latest_seq: row.get(8)?,
    })
}

const FIND_BY_KEY: &str = "FROM records WHERE key_hash = ?1 AND natural_key = ?2";

fn head_by_natural_key(tx: &Transaction<'_>, key: &str) -> Result<Option<Head>> {
    let mut stmt = tx.prepare_cached(&format!("SELECT {HEAD_COLUMNS} {FIND_BY_KEY}"))?;
    Ok(stmt
        .query_row(params![key_hash(key), key], head_from_row)
        .optional()?)
}

fn head_by_id(tx: &Transaction<'_>, id: Id) -> Result<Option<Head>> {
    let mut stmt =
        tx.prepare_cached(&format!("SELECT {HEAD_COLUMNS} FROM records WHERE id = ?1"))?;
    Ok(stmt.query_row([id_blob(id)], head_from_row).optional()?)
}

fn require_head(tx: &Transaction<'_>, id: Id) -> Result<Head> {
    head_by_id(tx, id)?.ok_or_else(|| StoreError::NotFound {
        kind: "record",
        id: id.to_string(),
    })
}

pub(super) fn id_blob(id: Id) -> [u8; 16] {
    *id.as_uuid().as_bytes()
}

/// Ids are written only by the store, always as 16 bytes; anything else is damage.
pub(super) fn id_from_blob(blob: &[u8]) -> Id {
    Id::from_uuid(Uuid::from_slice(blob).unwrap_or(Uuid::nil()))
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
    // i64 nanoseconds reach the year 2262.
    at.unix_timestamp_nanos() as i64
}

fn time_from_nanos(n: i64) -> Result<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(n.into())
        .map_err(|e| StoreError::Corrupt(format!("a stored time is out of range: {e}")))
}

fn decode_content(json: &[u8]) -> Result<RecordContent> {
    crate::content::decode(json)
}

/// The change-log position of the last version (0 when there is none).
pub(super) fn head_seq(tx: &Transaction<'_>) -> Result<u64> {
    let seq: i64 = tx
        .prepare_cached("SELECT coalesce(max(seq), 0) FROM versions")?
        .query_row([], |r| r.get(0))?;
    Ok(seq as u64)
}

/// Writes the records of a batch by natural key (see [`crate::Store::put_records`]).
///
/// A batch whose natural keys are all distinct (every import of a well-formed file) takes the
/// bulk path, which looks keys up and inserts new records many rows per statement; a batch
/// that names a key twice is applied row by row, so that the second row sees the first.
pub(super) fn put(
    tx: &Transaction<'_>,
    batch: &[Encoded<'_>],
    order: &KeyOrder,
    at: OffsetDateTime,
) -> Result<Vec<PutOutcome>> {
    let mut writer = VersionWriter::new(tx, at)?;
    if order.keys_are_distinct() {
        return super::bulk::put(&mut writer, batch, order);
    }
    batch
        .iter()
        .map(|item| match writer.head_by_natural_key(item)? {
            Some(head) => put_existing(&mut writer, head, item),
            None => Ok(PutOutcome::Created {
                id: writer.create(item)?,
            }),
        })
        .collect()
}

/// Puts a content whose natural key belongs to `head`: rejected, unchanged or a new version.
pub(super) fn put_existing(
    writer: &mut VersionWriter<'_>,
    head: Head,
    item: &Encoded<'_>,
) -> Result<PutOutcome> {
    if head.owner != item.content.owner.as_str() {
        return Ok(PutOutcome::Rejected {
            id: head.id,
            reason: format!(
                "record {} ({}) is owned by {}; only its owner may change it ({} tried)",
                head.id, item.natural_key, head.owner, item.content.owner
            ),
        });
    }
    if is_unchanged(writer.tx, &head, item)? {
        return Ok(PutOutcome::Unchanged { id: head.id });
    }
    let version = writer.next_version(&head, item, RecordStatus::Active)?;
    Ok(PutOutcome::Updated {
        id: head.id,
        version,
    })
}

/// True when the record is active and its latest content equals the new one.
///
/// Equal hashes settle it at once. Different hashes are checked by decoding the stored
/// content, so that a change in how a later portwatch serialises the same content (a new
/// optional field, say) does not turn a re-import into a new version of every record.
fn is_unchanged(tx: &Transaction<'_>, head: &Head, item: &Encoded<'_>) -> Result<bool> {
    if head.status != RecordStatus::Active {
        return Ok(false);
    }
    if head.content_hash == item.hash {
        return Ok(true);
    }
    let stored: Vec<u8> = tx
        .prepare_cached("SELECT content FROM versions WHERE seq = ?1")?
        .query_row([head.latest_seq], |r| r.get(0))?;
    Ok(decode_content(&stored)? == *item.content)
}

/// Appends versions within one write transaction, handing out change-log positions. Holds
/// its statements for the whole batch.
pub(super) struct VersionWriter<'t> {
    pub(super) tx: &'t Transaction<'t>,
    pub(super) at: i64,
    pub(super) next_seq: i64,
    pub(super) next_pk: i64,
    find_by_key: CachedStatement<'t>,
    insert_record: CachedStatement<'t>,
    insert_version: CachedStatement<'t>,
    move_head: CachedStatement<'t>,
}

impl<'t> VersionWriter<'t> {
    fn new(tx: &'t Transaction<'t>, at: OffsetDateTime) -> Result<Self> {
        let next_seq = head_seq(tx)? as i64 + 1;
        let next_pk: i64 = tx
            .prepare_cached("SELECT coalesce(max(pk), 0) + 1 FROM records")?
            .query_row([], |r| r.get(0))?;
        Ok(VersionWriter {
            tx,
            at: nanos(at),
            next_seq,
            next_pk,
            find_by_key: tx.prepare_cached(&format!("SELECT {HEAD_COLUMNS} {FIND_BY_KEY}"))?,
            insert_record: tx.prepare_cached(
                "INSERT INTO records (pk, id, natural_key, key_hash, database, owner, version, \
                 status, content_hash, latest_seq) \
                 VALUES (?8, ?1, ?2, ?3, ?4, ?5, 1, 'active', ?6, ?7)",
            )?,
            insert_version: tx.prepare_cached(
                "INSERT INTO versions (seq, record_pk, version, status, recorded_at, prev_seq, \
                 content) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?,
            move_head: tx.prepare_cached(
                "UPDATE records SET natural_key = ?2, key_hash = ?3, version = ?4, status = ?5, \
                 content_hash = ?6, latest_seq = ?7 WHERE pk = ?1",
            )?,
        })
    }

    fn head_by_natural_key(&mut self, item: &Encoded<'_>) -> Result<Option<Head>> {
        Ok(self
            .find_by_key
            .query_row(params![item.key_hash, item.natural_key], head_from_row)
            .optional()?)
    }

    /// The next change-log position.
    pub(super) fn take_seq(&mut self) -> i64 {
        self.next_seq += 1;
        self.next_seq - 1
    }

    /// A new record's id and row key; both increase from one call to the next, so records
    /// written in call order append to the table and to its id index.
    pub(super) fn take_id_and_pk(&mut self) -> (Id, i64) {
        self.next_pk += 1;
        (Id::generate(), self.next_pk - 1)
    }

    /// Writes a new record with its version 1; the caller has checked that the key is free.
    fn create(&mut self, item: &Encoded<'_>) -> Result<Id> {
        let seq = self.take_seq();
        let (id, pk) = self.take_id_and_pk();
        self.insert_record.execute(params![
            id_blob(id),
            item.natural_key,
            item.key_hash,
            item.content.database().as_str(),
            item.content.owner.as_str(),
            item.hash,
            seq,
            pk,
        ])?;
        self.insert_version(seq, pk, 1, RecordStatus::Active, None, &item.json)?;
        Ok(id)
    }

    /// Writes the next version of an existing record and moves its head to it.
    fn next_version(
        &mut self,
        head: &Head,
        item: &Encoded<'_>,
        status: RecordStatus,
    ) -> Result<u32> {
        let seq = self.next_seq;
        self.next_seq += 1;
        let version = head.version + 1;
        self.insert_version(
            seq,
            head.pk,
            version,
            status,
            Some(head.latest_seq),
            &item.json,
        )?;
        self.move_head.execute(params![
            head.pk,
            item.natural_key,
            item.key_hash,
            version,
            status_str(status),
            item.hash,
            seq
        ])?;
        Ok(version)
    }

    fn insert_version(
        &mut self,
        seq: i64,
        record_pk: i64,
        version: u32,
        status: RecordStatus,
        prev_seq: Option<i64>,
        json: &[u8],
    ) -> Result<()> {
        self.insert_version.execute(params![
            seq,
            record_pk,
            version,
            status_str(status),
            self.at,
            prev_seq,
            json
        ])?;
        Ok(())
    }
}

/// Replaces a record's content (see [`crate::Store::update_record`]).
pub(super) fn update(
    tx: &Transaction<'_>,
    id: Id,
    expected_version: Option<u32>,
    content: &RecordContent,
    at: OffsetDateTime,
) -> Result<Record> {
    let head = require_head(tx, id)?;
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
        if let Some(other) = head_by_natural_key(tx, &item.natural_key)? {
            return Err(StoreError::Conflict(format!(
                "the key {} already belongs to record {}; update that record instead",
                item.natural_key, other.id
            )));
        }
    } else if is_unchanged(tx, &head, &item)? {
        return require_latest(tx, id);
    }
    VersionWriter::new(tx, at)?.next_version(&head, &item, RecordStatus::Active)?;
    require_latest(tx, id)
}

/// Cancels a record (see [`crate::Store::cancel_record`]).
pub(super) fn cancel(
    tx: &Transaction<'_>,
    id: Id,
    by: &AgencyId,
    at: OffsetDateTime,
) -> Result<Record> {
    let head = require_head(tx, id)?;
    if head.owner != by.as_str() {
        return Err(not_owner(&head, by));
    }
    if head.status == RecordStatus::Cancelled {
        return require_latest(tx, id);
    }
    let latest = require_latest(tx, id)?;
    let encoding = Encoding::of(&latest.content)?;
    let item = Encoded::new(&latest.content, &encoding);
    VersionWriter::new(tx, at)?.next_version(&head, &item, RecordStatus::Cancelled)?;
    require_latest(tx, id)
}

fn not_owner(head: &Head, by: &AgencyId) -> StoreError {
    match AgencyId::parse(&head.owner) {
        Ok(owner) => StoreError::NotOwner {
            id: head.id,
            owner,
            by: by.clone(),
        },
        Err(e) => StoreError::Corrupt(format!("record {} has a bad owner: {e}", head.id)),
    }
}

fn require_latest(tx: &Transaction<'_>, id: Id) -> Result<Record> {
    latest_by_id(tx, id)?.ok_or_else(|| StoreError::NotFound {
        kind: "record",
        id: id.to_string(),
    })
}

/// Columns that, with the record's id, make a [`Record`]: `version, status, recorded_at,
/// content` of a `versions` row `v`.
const VERSION_COLUMNS: &str = "v.version, v.status, v.recorded_at, v.content";

/// Builds a record from `id` and the four [`VERSION_COLUMNS`] starting at column `first`.
fn record_from_row(id: Id, row: &Row<'_>, first: usize) -> Result<Record> {
    let status = status_from_str(row.get_ref(first + 1)?.as_str()?);
    Ok(Record {
        id,
        version: row.get(first)?,
        status,
        recorded_at: time_from_nanos(row.get(first + 2)?)?,
        content: decode_content(row.get_ref(first + 3)?.as_blob()?)?,
    })
}

pub(super) fn latest_by_id(tx: &Transaction<'_>, id: Id) -> Result<Option<Record>> {
    let mut stmt = tx.prepare_cached(&format!(
        "SELECT {VERSION_COLUMNS} FROM records r JOIN versions v ON v.seq = r.latest_seq \
         WHERE r.id = ?1"
    ))?;
    let mut rows = stmt.query([id_blob(id)])?;
    match rows.next()? {
        Some(row) => Ok(Some(record_from_row(id, row, 0)?)),
        None => Ok(None),
    }
}

pub(super) fn latest_by_natural_key(tx: &Transaction<'_>, key: &str) -> Result<Option<Record>> {
    let mut stmt = tx.prepare_cached(&format!(
        "SELECT r.id, {VERSION_COLUMNS} FROM records r JOIN versions v ON v.seq = r.latest_seq \
         WHERE r.key_hash = ?1 AND r.natural_key = ?2"
    ))?;
    let mut rows = stmt.query(params![key_hash(key), key])?;
    match rows.next()? {
        Some(row) => {
            let id = id_from_blob(row.get_ref(0)?.as_blob()?);
            Ok(Some(record_from_row(id, row, 1)?))
        }
        None => Ok(None),
    }
}

/// Every version of a record, oldest first, by following the `prev_seq` chain back from the
/// latest version.
pub(super) fn history(tx: &Transaction<'_>, id: Id) -> Result<Vec<Record>> {
    let Some(head) = head_by_id(tx, id)? else {
        return Ok(Vec::new());
    };
    let mut stmt = tx.prepare_cached(&format!(
        "SELECT v.prev_seq, {VERSION_COLUMNS} FROM versions v WHERE v.seq = ?1"
    ))?;
    let mut versions = Vec::with_capacity(head.version as usize);
    let mut next = Some(head.latest_seq);
    while let Some(seq) = next {
        let mut rows = stmt.query([seq])?;
        let row = rows.next()?.ok_or_else(|| {
            StoreError::Corrupt(format!("version at change {seq} of record {id} is missing"))
        })?;
        next = row.get(0)?;
        versions.push(record_from_row(id, row, 1)?);
        if versions.len() > head.version as usize {
            return Err(StoreError::Corrupt(format!(
                "the history of record {id} has more versions than its version number"
            )));
        }
    }
    versions.reverse();
    Ok(versions)
}

pub(super) fn changes_since(
    tx: &Transaction<'_>,
    after_seq: u64,
    limit: usize,
) -> Result<Vec<Change>> {
    let mut stmt = tx.prepare_cached(&format!(
        "SELECT v.seq, r.id, {VERSION_COLUMNS} FROM versions v JOIN records r ON r.pk = v.record_pk \
         WHERE v.seq > ?1 ORDER BY v.seq LIMIT ?2"
    ))?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut rows = stmt.query(params![after_seq as i64, limit])?;
    let mut changes = Vec::new();
    while let Some(row) = rows.next()? {
        let seq: i64 = row.get(0)?;
        let id = id_from_blob(row.get_ref(1)?.as_blob()?);
        changes.push(Change {
            seq: seq as u64,
            record: record_from_row(id, row, 2)?,
        });
    }
    Ok(changes)
}

/// One owner's records matching `query`, in id order, through the `records_by_owner` index.
/// Rows stream from SQLite, so the scan stops as soon as the page is full.
pub(super) fn find(tx: &Transaction<'_>, query: &RecordQuery) -> Result<Vec<Record>> {
    let text = TextMatch::new(query.text.as_deref());
    let mut sql = format!(
        "SELECT r.id, {VERSION_COLUMNS} FROM records r INDEXED BY records_by_owner \
         JOIN versions v ON v.seq = r.latest_seq WHERE r.owner = ?1"
    );
    let mut values: Vec<rusqlite::types::Value> = vec![query.owner.as_str().to_owned().into()];
    let mut condition =
        |sql: &mut String, column: &str, op: &str, value: rusqlite::types::Value| {
            values.push(value);
            sql.push_str(&format!(" AND r.{column} {op} ?{}", values.len()));
        };
    if let Some(after) = query.after {
        condition(&mut sql, "id", ">", id_blob(after).to_vec().into());
    }
    if let Some(database) = query.database {
        condition(
            &mut sql,
            "database",
            "=",
            database.as_str().to_owned().into(),
        );
    }
    if let Some(status) = query.status {
        condition(
            &mut sql,
            "status",
            "=",
            status_str(status).to_owned().into(),
        );
    }
    sql.push_str(" ORDER BY r.id");
    if text.is_none() {
        sql.push_str(&format!(" LIMIT {}", query.limit));
    }
    let mut stmt = tx.prepare_cached(&sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(values))?;
    let mut found = Vec::new();
    while found.len() < query.limit {
        let Some(row) = rows.next()? else { break };
        let id = id_from_blob(row.get_ref(0)?.as_blob()?);
        let record = record_from_row(id, row, 1)?;
        if text.as_ref().is_none_or(|t| t.matches(&record.content)) {
            found.push(record);
        }
    }
    Ok(found)
}

pub(super) fn for_each_active(tx: &Transaction<'_>, visit: &mut dyn FnMut(Record)) -> Result<u64> {
    let snapshot_seq = head_seq(tx)?;
    let mut stmt = tx.prepare_cached(&format!(
        "SELECT r.id, {VERSION_COLUMNS} FROM records r JOIN versions v ON v.seq = r.latest_seq \
         WHERE r.status = 'active' ORDER BY r.pk"
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let id = id_from_blob(row.get_ref(0)?.as_blob()?);
        visit(record_from_row(id, row, 1)?);
    }
    Ok(snapshot_seq)
}

/// The counts of `portwatch stats`; the audit chain's, kept in the audit file, is given.
pub(super) fn stats(tx: &Transaction<'_>, audit_entries: u64) -> Result<StoreStats> {
    let mut stmt = tx.prepare(
        "SELECT database, owner, status, count(*) FROM records \
         GROUP BY database, owner, status ORDER BY database, owner, status",
    )?;
    let mut rows = stmt.query([])?;
    let mut records = Vec::new();
    while let Some(row) = rows.next()? {
        let database: String = row.get(0)?;
        let owner: String = row.get(1)?;
        let count: i64 = row.get(3)?;
        records.push(RecordCount {
            database: database
                .parse::<Database>()
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            owner: AgencyId::parse(&owner).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            status: status_from_str(row.get_ref(2)?.as_str()?),
            count: count as u64,
        });
    }
    let count = |table: &str| -> Result<u64> {
        let n: i64 = tx.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
        Ok(n as u64)
    };
    Ok(StoreStats {
        schema_version: super::schema::version(tx)?,
        records,
        versions: count("versions")?,
        head_seq: head_seq(tx)?,
        agencies: count("agencies")?,
        operations: count("operations")?,
        hits: count("hits")?,
        investigations: count("investigations")?,
        audit_entries,
    })
}
