//! Agencies, operations, hits, investigations and the audit chain on PostgreSQL.
//!
//! The same rows as SQLite's: the value as JSON text beside the few columns that are searched
//! or constrained. Two things differ because many nodes write at once: a hit's follow-up is
//! read `FOR UPDATE` so that two nodes never overwrite each other's change, and the audit
//! chain's head row is locked `FOR UPDATE` for the whole append.

use postgres::error::SqlState;
use postgres::types::ToSql;
use postgres::Transaction;
use serde::de::DeserializeOwned;
use serde::Serialize;
use uuid::Uuid;

use portwatch_model::{
    Agency, AgencyId, AuditEntry, AuditEvent, FollowUpState, Hit, Id, Investigation, Operation,
};

use crate::api::{AuditReport, FollowUp, HitFilter};
use crate::audit::{ChainVerifier, StoredEntry};
use crate::error::{Result, StoreError};

fn to_json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Backend(Box::new(e)))
}

fn from_json<T: DeserializeOwned>(json: &str, kind: &str) -> Result<T> {
    serde_json::from_str(json)
        .map_err(|e| StoreError::Corrupt(format!("a stored {kind} does not parse: {e}")))
}

fn uuid(id: Id) -> Uuid {
    id.as_uuid()
}

fn state_str(state: FollowUpState) -> &'static str {
    match state {
        FollowUpState::Pending => "pending",
        FollowUpState::Confirmed => "confirmed",
        FollowUpState::Rejected => "rejected",
    }
}

fn has_code(e: &postgres::Error, code: &SqlState) -> bool {
    e.code() == Some(code)
}

fn body<T: DeserializeOwned>(row: Option<postgres::Row>, kind: &str) -> Result<Option<T>> {
    row.map(|r| from_json(r.get(0), kind)).transpose()
}

fn bodies<T: DeserializeOwned>(rows: Vec<postgres::Row>, kind: &str) -> Result<Vec<T>> {
    rows.iter().map(|r| from_json(r.get(0), kind)).collect()
}

// --- agencies --------------------------------------------------------------------------------

pub(super) fn put_agency(tx: &mut Transaction<'_>, agency: &Agency) -> Result<()> {
    tx.execute(
        "INSERT INTO agencies (id, body) VALUES ($1, $2) \
         ON CONFLICT (id) DO UPDATE SET body = excluded.body",
        &[&agency.id.as_str(), &to_json(agency)?],
    )?;
    Ok(())
}

pub(super) fn agency(tx: &mut Transaction<'_>, id: &AgencyId) -> Result<Option<Agency>> {
    let row = tx.query_opt("SELECT body FROM agencies WHERE id = $1", &[&id.as_str()])?;
    body(row, "agency")
}

pub(super) fn agencies(tx: &mut Transaction<'_>) -> Result<Vec<Agency>> {
    bodies(
        tx.query("SELECT body FROM agencies ORDER BY id COLLATE \"C\"", &[])?,
        "agency",
    )
}

// --- operations ------------------------------------------------------------------------------

pub(super) fn put_operation(tx: &mut Transaction<'_>, op: &Operation) -> Result<()> {
    let code_taken = |other: Uuid| {
        StoreError::Conflict(format!(
            "operation code {} already belongs to operation {}; choose another code",
            op.code,
            Id::from_uuid(other)
        ))
    };
    if let Some(other) = tx.query_opt(
        "SELECT id FROM operations WHERE code = $1 AND id <> $2",
        &[&op.code, &uuid(op.id)],
    )? {
        return Err(code_taken(other.get(0)));
    }
    tx.execute(
        "INSERT INTO operations (id, code, starts_on, body) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (id) DO UPDATE SET code = excluded.code, starts_on = excluded.starts_on, \
         body = excluded.body",
        &[
            &uuid(op.id),
            &op.code,
            &op.starts_on.to_string(),
            &to_json(op)?,
        ],
    )
    .map_err(|e| {
        // Another node took the code between the check and the insert.
        if has_code(&e, &SqlState::UNIQUE_VIOLATION) {
            StoreError::Conflict(format!(
                "operation code {} already belongs to another operation; choose another code",
                op.code
            ))
        } else {
            e.into()
        }
    })?;
    Ok(())
}

pub(super) fn operation(tx: &mut Transaction<'_>, id: Id) -> Result<Option<Operation>> {
    let row = tx.query_opt("SELECT body FROM operations WHERE id = $1", &[&uuid(id)])?;
    body(row, "operation")
}

pub(super) fn operation_by_code(tx: &mut Transaction<'_>, code: &str) -> Result<Option<Operation>> {
    let row = tx.query_opt(
        "SELECT body FROM operations WHERE code = $1",
        &[&code.trim()],
    )?;
    body(row, "operation")
}

pub(super) fn operations(tx: &mut Transaction<'_>) -> Result<Vec<Operation>> {
    bodies(
        tx.query(
            "SELECT body FROM operations ORDER BY starts_on, code COLLATE \"C\"",
            &[],
        )?,
        "operation",
    )
}

// --- hits ------------------------------------------------------------------------------------

/// Inserts hits and tells listeners of `channel` each new hit's id when the insert commits.
pub(super) fn insert_hits(tx: &mut Transaction<'_>, hits: &[Hit], channel: &str) -> Result<()> {
    let statement = tx.prepare(
        "INSERT INTO hits (id, record_id, owner, agency, operation, state, body) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )?;
    for hit in hits {
        tx.execute(
            &statement,
            &[
                &uuid(hit.id),
                &uuid(hit.record_id),
                &hit.owner.as_str(),
                &hit.agency.as_str(),
                &hit.operation.map(uuid),
                &state_str(hit.state),
                &to_json(hit)?,
            ],
        )
        .map_err(|e| {
            if has_code(&e, &SqlState::UNIQUE_VIOLATION) {
                StoreError::Conflict(format!("hit {} is already stored", hit.id))
            } else if has_code(&e, &SqlState::FOREIGN_KEY_VIOLATION) {
                StoreError::Conflict(format!(
                    "hit {} names record {}{} which is not in the store",
                    hit.id,
                    hit.record_id,
                    hit.operation
                        .map(|op| format!(" or operation {op}"))
                        .unwrap_or_default()
                ))
            } else {
                e.into()
            }
        })?;
        tx.execute("SELECT pg_notify($1, $2)", &[&channel, &hit.id.to_string()])?;
    }
    Ok(())
}

pub(super) fn hit(tx: &mut Transaction<'_>, id: Id) -> Result<Option<Hit>> {
    let row = tx.query_opt("SELECT body FROM hits WHERE id = $1", &[&uuid(id)])?;
    body(row, "hit")
}

/// Applies a follow-up change and tells listeners of `channel` the hit's id when it commits,
/// as for a new hit: every node then alerts its subscribers of the hit as it now stands.
pub(super) fn update_hit_follow_up(
    tx: &mut Transaction<'_>,
    id: Id,
    change: &FollowUp,
    channel: &str,
) -> Result<Hit> {
    // Locked until commit: a change made on another node at the same moment waits, then
    // applies on top of this one instead of overwriting it.
    let row = tx.query_opt(
        "SELECT body FROM hits WHERE id = $1 FOR UPDATE",
        &[&uuid(id)],
    )?;
    let mut hit: Hit = body(row, "hit")?.ok_or_else(|| StoreError::NotFound {
        kind: "hit",
        id: id.to_string(),
    })?;
    if let Some(state) = change.state {
        hit.state = state;
    }
    if let Some(instructions) = &change.instructions {
        hit.instructions = Some(instructions.clone());
    }
    if let Some(action) = change.action_taken {
        hit.action_taken = Some(action);
    }
    tx.execute(
        "UPDATE hits SET state = $2, body = $3 WHERE id = $1",
        &[&uuid(id), &state_str(hit.state), &to_json(&hit)?],
    )?;
    tx.execute("SELECT pg_notify($1, $2)", &[&channel, &id.to_string()])?;
    Ok(hit)
}

pub(super) fn hits(tx: &mut Transaction<'_>, filter: &HitFilter) -> Result<Vec<Hit>> {
    let owner = filter.owner.as_ref().map(|a| a.as_str().to_string());
    let agency = filter.agency.as_ref().map(|a| a.as_str().to_string());
    let operation = filter.operation.map(uuid);
    let state = filter.state.map(state_str);
    let after = filter.after.map(uuid);
    let limit = i64::try_from(filter.limit).unwrap_or(i64::MAX);
    let mut conditions: Vec<String> = Vec::new();
    let mut values: Vec<&(dyn ToSql + Sync)> = Vec::new();
    let wanted: [(&str, Option<&(dyn ToSql + Sync)>); 5] = [
        ("owner =", owner.as_ref().map(|v| v as _)),
        ("agency =", agency.as_ref().map(|v| v as _)),
        ("operation =", operation.as_ref().map(|v| v as _)),
        ("state =", state.as_ref().map(|v| v as _)),
        ("id >", after.as_ref().map(|v| v as _)),
    ];
    for (sql, value) in wanted {
        if let Some(value) = value {
            values.push(value);
            conditions.push(format!("{sql} ${}", values.len()));
        }
    }
    let where_clause = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    values.push(&limit);
    let sql = format!(
        "SELECT body FROM hits {where_clause} ORDER BY id LIMIT ${}",
        values.len()
    );
    bodies(tx.query(&sql, &values)?, "hit")
}

// --- investigations --------------------------------------------------------------------------

pub(super) fn put_investigation(tx: &mut Transaction<'_>, inv: &Investigation) -> Result<()> {
    tx.execute(
        "INSERT INTO investigations (id, operation, body) VALUES ($1, $2, $3) \
         ON CONFLICT (id) DO UPDATE SET operation = excluded.operation, body = excluded.body",
        &[&uuid(inv.id), &inv.operation.map(uuid), &to_json(inv)?],
    )
    .map_err(|e| {
        if has_code(&e, &SqlState::FOREIGN_KEY_VIOLATION) {
            StoreError::Conflict(format!(
                "investigation {} names operation {} which is not in the store",
                inv.id,
                inv.operation.map(|o| o.to_string()).unwrap_or_default()
            ))
        } else {
            e.into()
        }
    })?;
    Ok(())
}

pub(super) fn investigation(tx: &mut Transaction<'_>, id: Id) -> Result<Option<Investigation>> {
    let row = tx.query_opt(
        "SELECT body FROM investigations WHERE id = $1",
        &[&uuid(id)],
    )?;
    body(row, "investigation")
}

pub(super) fn investigations(
    tx: &mut Transaction<'_>,
    operation: Option<Id>,
) -> Result<Vec<Investigation>> {
    let rows = match operation {
        Some(op) => tx.query(
            "SELECT body FROM investigations WHERE operation = $1 ORDER BY id",
            &[&uuid(op)],
        )?,
        None => tx.query("SELECT body FROM investigations ORDER BY id", &[])?,
    };
    bodies(rows, "investigation")
}

// --- audit -----------------------------------------------------------------------------------

/// Appends events after the recorded head, which stays locked (`FOR UPDATE`) until commit:
/// appenders on every node queue on that one row, so the chain never forks.
/// Audit entries as the columns of one `UNNEST` insert.
struct AuditColumns {
    seqs: Vec<i64>,
    events: Vec<String>,
    prev_hashes: Vec<String>,
    hashes: Vec<String>,
}

impl AuditColumns {
    fn with_capacity(n: usize) -> Self {
        AuditColumns {
            seqs: Vec::with_capacity(n),
            events: Vec::with_capacity(n),
            prev_hashes: Vec::with_capacity(n),
            hashes: Vec::with_capacity(n),
        }
    }

    fn push(&mut self, stored: &StoredEntry) {
        self.seqs.push(stored.seq as i64);
        self.events.push(stored.event_json.clone());
        self.prev_hashes.push(stored.prev_hash.clone());
        self.hashes.push(stored.hash.clone());
    }
}

pub(super) fn append_audit(
    tx: &mut Transaction<'_>,
    events: &[AuditEvent],
) -> Result<Vec<AuditEntry>> {
    let head = tx.query_one(
        "SELECT seq, hash FROM audit_head WHERE only_row FOR UPDATE",
        &[],
    )?;
    let mut seq = head.get::<_, i64>(0) as u64;
    let mut hash: String = head.get(1);
    // The chain is computed here, then every entry goes in one statement: the server appends
    // many searches' entries per transaction, and a round trip per entry would cost more than
    // the entries themselves.
    let mut entries = Vec::with_capacity(events.len());
    let mut columns = AuditColumns::with_capacity(events.len());
    for event in events {
        let stored = StoredEntry::chain(seq, &hash, event)?;
        seq = stored.seq;
        hash.clone_from(&stored.hash);
        columns.push(&stored);
        entries.push(AuditEntry {
            seq,
            event: event.clone(),
            prev_hash: stored.prev_hash,
            hash: stored.hash,
        });
    }
    tx.execute(
        "INSERT INTO audit (seq, event, prev_hash, hash) \
         SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::text[])",
        &[
            &columns.seqs,
            &columns.events,
            &columns.prev_hashes,
            &columns.hashes,
        ],
    )?;
    tx.execute(
        "UPDATE audit_head SET seq = $1, hash = $2 WHERE only_row",
        &[&(seq as i64), &hash],
    )?;
    Ok(entries)
}

fn stored_entry(row: &postgres::Row) -> StoredEntry {
    StoredEntry {
        seq: row.get::<_, i64>(0) as u64,
        event_json: row.get(1),
        prev_hash: row.get(2),
        hash: row.get(3),
    }
}

pub(super) fn audit_entries(
    tx: &mut Transaction<'_>,
    after_seq: u64,
    limit: usize,
) -> Result<Vec<AuditEntry>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let after = i64::try_from(after_seq).unwrap_or(i64::MAX);
    let rows = tx.query(
        "SELECT seq, event, prev_hash, hash FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2",
        &[&after, &limit],
    )?;
    rows.iter().map(|r| stored_entry(r).to_entry()).collect()
}

/// Rows fetched per round trip while verifying.
const VERIFY_PAGE: i32 = 5_000;

pub(super) fn verify_audit(tx: &mut Transaction<'_>) -> Result<AuditReport> {
    let head = tx.query_one("SELECT seq, hash FROM audit_head WHERE only_row", &[])?;
    let head = (head.get::<_, i64>(0) as u64, head.get::<_, String>(1));
    let mut verifier = ChainVerifier::default();
    let statement = tx.prepare("SELECT seq, event, prev_hash, hash FROM audit ORDER BY seq")?;
    let portal = tx.bind(&statement, &[])?;
    'pages: loop {
        let rows = tx.query_portal(&portal, VERIFY_PAGE)?;
        for row in &rows {
            if !verifier.feed(&stored_entry(row)) {
                break 'pages;
            }
        }
        if rows.len() < VERIFY_PAGE as usize {
            break;
        }
    }
    Ok(verifier.finish(Some(head)))
}
