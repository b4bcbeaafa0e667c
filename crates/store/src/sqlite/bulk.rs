//! The bulk path of `put_records`, for imports.
//!
//! Two things make a row-by-row import slow: inserting into the natural-key index in the
//! random order of the file, and SQLite's per-statement work (bind, step, reset). Here the
//! batch's keys are first looked up [`GROUP`] at a time with one `IN (...)` query, in hash
//! order; the batch is then *decided* in file order — existing records go through the
//! ordinary row-by-row logic, and new ones get their change-log positions in file order —
//! and then the new records are *written*
//! sorted by key hash, [`GROUP`] rows per `INSERT`: the index is filled in its own order and
//! each record's row key and id are handed out in that same order, so every B-tree of the
//! `records` table is appended to. Their versions follow in change-log order.
//!
//! Only for batches whose natural keys are all distinct: then no row's outcome depends on a
//! row of the same batch, so writing new records after the whole batch has been decided
//! cannot change any lookup.

use std::collections::{HashMap, HashSet};

use rusqlite::{params_from_iter, ToSql};

use portwatch_model::Id;

use super::records::{
    head_from_row, id_blob, put_existing, Encoded, Head, VersionWriter, HEAD_COLUMNS,
};
use crate::api::PutOutcome;
use crate::error::Result;

/// Rows per lookup and per multi-row insert (well under SQLite's 32,766 bound variables).
const GROUP: usize = 64;

/// True when no natural key appears twice in the batch.
pub(super) fn keys_are_distinct(batch: &[Encoded<'_>]) -> bool {
    let mut seen = HashSet::with_capacity(batch.len());
    batch
        .iter()
        .all(|item| seen.insert(item.natural_key.as_str()))
}

/// A new record decided on but not written yet.
struct NewRecord<'b> {
    item: &'b Encoded<'b>,
    /// Where its outcome goes in the batch's outcomes.
    position: usize,
    seq: i64,
    /// Given when written, in key-hash order.
    id: Id,
    pk: i64,
}

/// Puts a batch of distinct natural keys (see [`super::records::put`]).
pub(super) fn put(
    writer: &mut VersionWriter<'_>,
    batch: &[Encoded<'_>],
) -> Result<Vec<PutOutcome>> {
    let mut heads = heads_of_batch(writer, batch)?;
    let mut outcomes = Vec::with_capacity(batch.len());
    let mut new_records = Vec::new();
    for item in batch {
        match heads.remove(item.natural_key.as_str()) {
            Some(head) => outcomes.push(put_existing(writer, head, item)?),
            None => {
                new_records.push(NewRecord {
                    item,
                    position: outcomes.len(),
                    seq: writer.take_seq(),
                    id: Id::from_uuid(uuid::Uuid::nil()),
                    pk: 0,
                });
                // Replaced by the record's id once it is written.
                outcomes.push(PutOutcome::Created {
                    id: Id::from_uuid(uuid::Uuid::nil()),
                });
            }
        }
    }
    new_records.sort_unstable_by_key(|r| r.item.key_hash);
    for record in &mut new_records {
        (record.id, record.pk) = writer.take_id_and_pk();
        outcomes[record.position] = PutOutcome::Created { id: record.id };
    }
    for group in new_records.chunks(GROUP) {
        insert_records(writer, group)?;
    }
    new_records.sort_unstable_by_key(|r| r.seq);
    for group in new_records.chunks(GROUP) {
        insert_first_versions(writer, group)?;
    }
    Ok(outcomes)
}

/// The stored heads of the batch's natural keys, by natural key; absent keys are not in it.
/// Keys are looked up in hash order, so that consecutive lookups walk the index forwards.
fn heads_of_batch<'b>(
    writer: &VersionWriter<'_>,
    batch: &'b [Encoded<'_>],
) -> Result<HashMap<&'b str, Head>> {
    let mut by_hash: Vec<&Encoded<'_>> = batch.iter().collect();
    by_hash.sort_unstable_by_key(|item| item.key_hash);
    let wanted: HashSet<&str> = batch.iter().map(|i| i.natural_key.as_str()).collect();
    let placeholders = vec!["?"; GROUP].join(", ");
    let mut stmt = writer.tx.prepare_cached(&format!(
        "SELECT {HEAD_COLUMNS} FROM records WHERE key_hash IN ({placeholders})"
    ))?;
    let mut heads = HashMap::new();
    for chunk in by_hash.chunks(GROUP) {
        // A short last chunk repeats its first hash to fill the statement's fixed arity.
        let hashes = (0..GROUP).map(|i| chunk.get(i).unwrap_or(&chunk[0]).key_hash);
        let mut rows = stmt.query(params_from_iter(hashes))?;
        while let Some(row) = rows.next()? {
            let head = head_from_row(row)?;
            // Another key with the same 64-bit hash is not this batch's business.
            if let Some(key) = wanted.get(head.natural_key.as_str()) {
                heads.insert(*key, head);
            }
        }
    }
    Ok(heads)
}

/// A statement inserting `rows` rows of `values` into `table (columns)`.
fn multi_row_insert(table_and_columns: &str, values: &str, rows: usize) -> String {
    format!(
        "INSERT INTO {table_and_columns} VALUES {}",
        vec![values; rows].join(", ")
    )
}

/// Inserts the `records` rows of new records, one statement for the group.
fn insert_records(writer: &VersionWriter<'_>, group: &[NewRecord<'_>]) -> Result<()> {
    let sql = multi_row_insert(
        "records (pk, id, natural_key, key_hash, database, owner, version, status, \
         content_hash, latest_seq)",
        "(?, ?, ?, ?, ?, ?, 1, 'active', ?, ?)",
        group.len(),
    );
    let ids: Vec<[u8; 16]> = group.iter().map(|r| id_blob(r.id)).collect();
    let databases: Vec<&str> = group
        .iter()
        .map(|r| r.item.content.database().as_str())
        .collect();
    let owners: Vec<&str> = group
        .iter()
        .map(|r| r.item.content.owner.as_str())
        .collect();
    let mut values: Vec<&dyn ToSql> = Vec::with_capacity(group.len() * 8);
    for (i, r) in group.iter().enumerate() {
        values.extend([
            &r.pk as &dyn ToSql,
            &ids[i],
            &r.item.natural_key,
            &r.item.key_hash,
            &databases[i],
            &owners[i],
            &r.item.hash,
            &r.seq,
        ]);
    }
    writer
        .tx
        .prepare_cached(&sql)?
        .execute(params_from_iter(values))?;
    Ok(())
}

/// Inserts the first versions of new records, one statement for the group.
fn insert_first_versions(writer: &VersionWriter<'_>, group: &[NewRecord<'_>]) -> Result<()> {
    let sql = multi_row_insert(
        "versions (seq, record_pk, version, status, recorded_at, prev_seq, content)",
        "(?, ?, 1, 'active', ?, NULL, ?)",
        group.len(),
    );
    let mut values: Vec<&dyn ToSql> = Vec::with_capacity(group.len() * 4);
    for r in group {
        values.extend([&r.seq as &dyn ToSql, &r.pk, &writer.at, &r.item.json]);
    }
    writer
        .tx
        .prepare_cached(&sql)?
        .execute(params_from_iter(values))?;
    Ok(())
}
