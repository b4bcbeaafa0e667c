//! Agencies, operations, hits, investigations and the audit chain on SQLite.
//!
//! These are small tables written one row at a time; each row keeps the value as JSON beside
//! the few columns that are searched or constrained.

use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, OptionalExtension, Transaction};
use serde::de::DeserializeOwned;
use serde::Serialize;

use portwatch_model::{Agency, AgencyId, FollowUpState, Hit, Id, Investigation, Operation};

use super::records::{id_blob, id_from_blob};
use crate::api::{FollowUp, HitFilter};
use crate::error::{Result, StoreError};

fn to_json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Backend(Box::new(e)))
}

fn from_json<T: DeserializeOwned>(json: &str, kind: &str) -> Result<T> {
    serde_json::from_str(json)
        .map_err(|e| StoreError::Corrupt(format!("a stored {kind} does not parse: {e}")))
}

/// Turns a foreign-key violation into a message naming what is missing.
fn missing_reference(e: rusqlite::Error, what: impl FnOnce() -> String) -> StoreError {
    let is_foreign_key = matches!(
        &e,
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY
    );
    if is_foreign_key {
        StoreError::Conflict(what())
    } else {
        e.into()
    }
}

fn state_str(state: FollowUpState) -> &'static str {
    match state {
        FollowUpState::Pending => "pending",
        FollowUpState::Confirmed => "confirmed",
        FollowUpState::Rejected => "rejected",
    }
}

// --- agencies --------------------------------------------------------------------------------

pub(super) fn put_agency(tx: &Transaction<'_>, agency: &Agency) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO agencies (id, body) VALUES (?1, ?2) \
         ON CONFLICT (id) DO UPDATE SET body = excluded.body",
    )?
    .execute(params![agency.id.as_str(), to_json(agency)?])?;
    Ok(())
}

pub(super) fn agency(tx: &Transaction<'_>, id: &AgencyId) -> Result<Option<Agency>> {
    let body: Option<String> = tx
        .prepare_cached("SELECT body FROM agencies WHERE id = ?1")?
        .query_row([id.as_str()], |r| r.get(0))
        .optional()?;
    body.map(|b| from_json(&b, "agency")).transpose()
}

pub(super) fn agencies(tx: &Transaction<'_>) -> Result<Vec<Agency>> {
    let mut stmt = tx.prepare_cached("SELECT body FROM agencies ORDER BY id")?;
    let bodies = stmt.query_map([], |r| r.get::<_, String>(0))?;
    bodies.map(|b| from_json(&b?, "agency")).collect()
}

// --- operations ------------------------------------------------------------------------------

pub(super) fn put_operation(tx: &Transaction<'_>, op: &Operation) -> Result<()> {
    let holder: Option<Vec<u8>> = tx
        .prepare_cached("SELECT id FROM operations WHERE code = ?1 AND id <> ?2")?
        .query_row(params![op.code, id_blob(op.id)], |r| r.get(0))
        .optional()?;
    if let Some(other) = holder {
        return Err(StoreError::Conflict(format!(
            "operation code {} already belongs to operation {}; choose another code",
            op.code,
            id_from_blob(&other)
        )));
    }
    tx.prepare_cached(
        "INSERT INTO operations (id, code, starts_on, body) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (id) DO UPDATE SET code = excluded.code, starts_on = excluded.starts_on, \
         body = excluded.body",
    )?
    .execute(params![
        id_blob(op.id),
        op.code,
        op.starts_on.to_string(),
        to_json(op)?
    ])?;
    Ok(())
}

pub(super) fn operation(tx: &Transaction<'_>, id: Id) -> Result<Option<Operation>> {
    let body: Option<String> = tx
        .prepare_cached("SELECT body FROM operations WHERE id = ?1")?
        .query_row([id_blob(id)], |r| r.get(0))
        .optional()?;
    body.map(|b| from_json(&b, "operation")).transpose()
}

pub(super) fn operation_by_code(tx: &Transaction<'_>, code: &str) -> Result<Option<Operation>> {
    let body: Option<String> = tx
        .prepare_cached("SELECT body FROM operations WHERE code = ?1")?
        .query_row([code.trim()], |r| r.get(0))
        .optional()?;
    body.map(|b| from_json(&b, "operation")).transpose()
}

pub(super) fn operations(tx: &Transaction<'_>) -> Result<Vec<Operation>> {
    let mut stmt = tx.prepare_cached("SELECT body FROM operations ORDER BY starts_on, code")?;
    let bodies = stmt.query_map([], |r| r.get::<_, String>(0))?;
    bodies.map(|b| from_json(&b?, "operation")).collect()
}

// --- hits ------------------------------------------------------------------------------------

pub(super) fn insert_hits(tx: &Transaction<'_>, hits: &[Hit]) -> Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO hits (id, record_id, owner, agency, operation, state, body) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for hit in hits {
        stmt.execute(params![
            id_blob(hit.id),
            id_blob(hit.record_id),
            hit.owner.as_str(),
            hit.agency.as_str(),
            hit.operation.map(id_blob),
            state_str(hit.state),
            to_json(hit)?
        ])
        .map_err(|e| {
            if is_primary_key_violation(&e) {
                return StoreError::Conflict(format!("hit {} is already stored", hit.id));
            }
            missing_reference(e, || {
                format!(
                    "hit {} names record {}{} which is not in the store",
                    hit.id,
                    hit.record_id,
                    hit.operation
                        .map(|op| format!(" or operation {op}"))
                        .unwrap_or_default()
                )
            })
        })?;
    }
    Ok(())
}

fn is_primary_key_violation(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
    )
}

pub(super) fn hit(tx: &Transaction<'_>, id: Id) -> Result<Option<Hit>> {
    let body: Option<String> = tx
        .prepare_cached("SELECT body FROM hits WHERE id = ?1")?
        .query_row([id_blob(id)], |r| r.get(0))
        .optional()?;
    body.map(|b| from_json(&b, "hit")).transpose()
}

pub(super) fn update_hit_follow_up(tx: &Transaction<'_>, id: Id, change: &FollowUp) -> Result<Hit> {
    let mut hit = hit(tx, id)?.ok_or_else(|| StoreError::NotFound {
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
    tx.prepare_cached("UPDATE hits SET state = ?2, body = ?3 WHERE id = ?1")?
        .execute(params![id_blob(id), state_str(hit.state), to_json(&hit)?])?;
    Ok(hit)
}

pub(super) fn hits(tx: &Transaction<'_>, filter: &HitFilter) -> Result<Vec<Hit>> {
    let mut conditions = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    let mut condition = |sql: &str, value: Value| {
        values.push(value);
        conditions.push(format!("{sql} ?{}", values.len()));
    };
    if let Some(owner) = &filter.owner {
        condition("owner =", Value::Text(owner.to_string()));
    }
    if let Some(agency) = &filter.agency {
        condition("agency =", Value::Text(agency.to_string()));
    }
    if let Some(op) = filter.operation {
        condition("operation =", Value::Blob(id_blob(op).to_vec()));
    }
    if let Some(state) = filter.state {
        condition("state =", Value::Text(state_str(state).to_string()));
    }
    if let Some(after) = filter.after {
        condition("id >", Value::Blob(id_blob(after).to_vec()));
    }
    let limit = i64::try_from(filter.limit).unwrap_or(i64::MAX);
    let where_clause = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    values.push(Value::Integer(limit));
    let sql = format!(
        "SELECT body FROM hits {where_clause} ORDER BY id LIMIT ?{}",
        values.len()
    );
    let mut stmt = tx.prepare_cached(&sql)?;
    let bodies = stmt.query_map(params_from_iter(values), |r| r.get::<_, String>(0))?;
    bodies.map(|b| from_json(&b?, "hit")).collect()
}

// --- investigations --------------------------------------------------------------------------

pub(super) fn put_investigation(tx: &Transaction<'_>, inv: &Investigation) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO investigations (id, operation, body) VALUES (?1, ?2, ?3) \
         ON CONFLICT (id) DO UPDATE SET operation = excluded.operation, body = excluded.body",
    )?
    .execute(params![
        id_blob(inv.id),
        inv.operation.map(id_blob),
        to_json(inv)?
    ])
    .map_err(|e| {
        missing_reference(e, || {
            format!(
                "investigation {} names operation {} which is not in the store",
                inv.id,
                inv.operation.map(|o| o.to_string()).unwrap_or_default()
            )
        })
    })?;
    Ok(())
}

pub(super) fn investigation(tx: &Transaction<'_>, id: Id) -> Result<Option<Investigation>> {
    let body: Option<String> = tx
        .prepare_cached("SELECT body FROM investigations WHERE id = ?1")?
        .query_row([id_blob(id)], |r| r.get(0))
        .optional()?;
    body.map(|b| from_json(&b, "investigation")).transpose()
}

pub(super) fn investigations(
    tx: &Transaction<'_>,
    operation: Option<Id>,
) -> Result<Vec<Investigation>> {
    let bodies: Vec<String> = match operation {
        Some(op) => tx
            .prepare_cached("SELECT body FROM investigations WHERE operation = ?1 ORDER BY id")?
            .query_map([id_blob(op)], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?,
        None => tx
            .prepare_cached("SELECT body FROM investigations ORDER BY id")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?,
    };
    bodies
        .iter()
        .map(|b| from_json(b, "investigation"))
        .collect()
}
