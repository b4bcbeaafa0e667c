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

use rusqlite::{params_from_iter, ToSql};

use portwatch_model::Id;

use super::records::{
    head_from_row, id_blob, put_existing, Head, VersionWriter, HEAD_COLUMNS, HEAD_COLUMN_COUNT,
};
use crate::api::PutOutcome;
use crate::error::Result;
use crate::prepared::{Encoded, KeyOrder, KeyedItem};

/// Rows per lookup and per multi-row insert (well under SQLite's 32,766 bound variables).
const GROUP: usize = 64;

/// A new record decided on but not written yet.
struct NewRecord<'b> {
    item: &'b KeyedItem,
    /// Its change-log position, handed out in batch order.
    seq: i64,
    /// Its id and row key, handed out in key order.
    id: Id,
    pk: i64,
}

/// Puts a batch of distinct natural keys in `order` (see [`super::records::put`]).
pub(super) fn put(
    writer: &mut VersionWriter<'_>,
    batch: &[Encoded<'_>],
    order: &KeyOrder,
) -> Result<Vec<PutOutcome>> {
    let mut heads = heads_of_batch(writer, order)?.into_iter().peekable();
    // Decide in batch order: existing keys now, new ones get their change-log position.
    let mut outcomes = Vec::with_capacity(batch.len());
    let mut new_seq: Vec<Option<i64>> = Vec::with_capacity(batch.len());
    for (position, item) in batch.iter().enumerate() {
        match heads.next_if(|(at, _)| *at == position) {
            Some((_, head)) => {
                outcomes.push(put_existing(writer, head, item)?);
                new_seq.push(None);
            }
            None => {
                // Replaced by the record's id below.
                outcomes.push(PutOutcome::Created {
                    id: Id::from_uuid(uuid::Uuid::nil()),
                });
                new_seq.push(Some(writer.take_seq()));
            }
        }
    }
    // Ids and row keys in key order, so that the table and its id index are appended to.
    let mut new_records = Vec::new();
    for item in order.items() {
        if let Some(seq) = new_seq[item.position] {
            let (id, pk) = writer.take_id_and_pk();
            outcomes[item.position] = PutOutcome::Created { id };
            new_records.push(NewRecord { item, seq, id, pk });
        }
    }
    for group in new_records.chunks(GROUP) {
        insert_records(writer, order, group)?;
    }
    // Their versions in change-log order.
    let mut in_log_order: Vec<&NewRecord<'_>> = new_records.iter().collect();
    in_log_order.sort_unstable_by_key(|r| r.seq);
    for group in in_log_order.chunks(GROUP) {
        insert_first_versions(writer, batch, group)?;
    }
    Ok(outcomes)
}

/// The stored heads of the batch's natural keys that exist, with their positions in the
/// batch, in position order. Keys are looked up in hash order, so that consecutive lookups
/// walk the index forwards; no per-row hashing beyond the key hash already computed. Only the
/// keys found take memory: a batch of new records (a first import) finds none.
fn heads_of_batch(writer: &VersionWriter<'_>, order: &KeyOrder) -> Result<Vec<(usize, Head)>> {
    let placeholders = vec!["?"; GROUP].join(", ");
    let mut stmt = writer.tx.prepare_cached(&format!(
        "SELECT {HEAD_COLUMNS}, key_hash FROM records WHERE key_hash IN ({placeholders})"
    ))?;
    let mut heads = Vec::new();
    for chunk in order.items().chunks(GROUP) {
        // A short last chunk repeats its first hash to fill the statement's fixed arity.
        let hashes = (0..GROUP).map(|i| chunk.get(i).unwrap_or(&chunk[0]).key_hash);
        let mut rows = stmt.query(params_from_iter(hashes))?;
        while let Some(row) = rows.next()? {
            let head = head_from_row(row)?;
            let hash: i64 = row.get(HEAD_COLUMN_COUNT)?;
            // Another key with the same 64-bit hash is not this batch's business.
            let same_key = order
                .with_key_hash(hash)
                .iter()
                .find(|item| order.natural_key(item) == head.natural_key);
            if let Some(item) = same_key {
                heads.push((item.position, head));
            }
        }
    }
    heads.sort_unstable_by_key(|(position, _)| *position);
    // Items sharing a hash across two chunks are found by both lookups.
    heads.dedup_by_key(|(position, _)| *position);
    Ok(heads)
}

/// A statement inserting `rows` rows of `values` into `table (columns)`.
///
/// `OR FAIL` rather than the default `ABORT`: a constraint broken by one row then stops the
/// statement without undoing its earlier rows, so SQLite keeps no statement journal (a copy
/// of every page the statement touches, about a fifth of an insert's time here). Nothing is
/// lost by it: any error rolls the whole transaction back.
fn multi_row_insert(table_and_columns: &str, values: &str, rows: usize) -> String {
    format!(
        "INSERT OR FAIL INTO {table_and_columns} VALUES {}",
        vec![values; rows].join(", ")
    )
}

/// Inserts the `records` rows of new records, one statement for the group.
///
/// When the whole group is of one database (every group of a single-kind file, the usual
/// import) the database is written into the statement rather than bound on every row: one
/// text value fewer to copy per row, about 3 % of an import's writing time.
fn insert_records(
    writer: &VersionWriter<'_>,
    order: &KeyOrder,
    group: &[NewRecord<'_>],
) -> Result<()> {
    let database = group.first().map(|r| r.item.database);
    let one_database = database.filter(|&d| group.iter().all(|r| r.item.database == d));
    let row = match one_database {
        // `Database::as_str` is one of three fixed words: nothing a user wrote.
        Some(d) => format!("(?, ?, ?, ?, '{}', ?, 1, 'active', ?, ?)", d.as_str()),
        None => "(?, ?, ?, ?, ?, ?, 1, 'active', ?, ?)".to_string(),
    };
    let sql = multi_row_insert(
        "records (pk, id, natural_key, key_hash, database, owner, version, status, \
         content_hash, latest_seq)",
        &row,
        group.len(),
    );
    let ids: Vec<[u8; 16]> = group.iter().map(|r| id_blob(r.id)).collect();
    let texts: Vec<[&str; 3]> = group
        .iter()
        .map(|r| {
            let item = r.item;
            [
                order.natural_key(item),
                item.database.as_str(),
                order.owner(item),
            ]
        })
        .collect();
    let mut values: Vec<&dyn ToSql> = Vec::with_capacity(group.len() * 8);
    for (r, (id, [natural_key, database, owner])) in group.iter().zip(ids.iter().zip(&texts)) {
        values.extend([&r.pk as &dyn ToSql, id, natural_key, &r.item.key_hash]);
        if one_database.is_none() {
            values.push(database);
        }
        values.extend([owner as &dyn ToSql, &r.item.content_hash, &r.seq]);
    }
    writer
        .tx
        .prepare_cached(&sql)?
        .execute(params_from_iter(values))?;
    Ok(())
}

/// Inserts the first versions of new records, one statement for the group.
fn insert_first_versions(
    writer: &VersionWriter<'_>,
    batch: &[Encoded<'_>],
    group: &[&NewRecord<'_>],
) -> Result<()> {
    let sql = multi_row_insert(
        "versions (seq, record_pk, version, status, recorded_at, prev_seq, content)",
        "(?, ?, 1, 'active', ?, NULL, ?)",
        group.len(),
    );
    let mut values: Vec<&dyn ToSql> = Vec::with_capacity(group.len() * 4);
    for r in group {
        let json = &batch[r.item.position].json;
        values.extend([&r.seq as &dyn ToSql, &r.pk, &writer.at, json]);
    }
    writer
        .tx
        .prepare_cached(&sql)?
        .execute(params_from_iter(values))?;
    Ok(())
}
