//! Records: created, updated and cancelled by their owner only, read within their visibility,
//! with every version kept as history. Each access and change is one audit entry.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::Response;
use axum::Extension;
use serde::Deserialize;

use portwatch_model::{AuditAction, Database, Id, Record, RecordStatus, Role};
use portwatch_store::{PutOutcome, RecordQuery};

use crate::access::may_see_record;
use crate::audit::event;
use crate::identity::Caller;
use crate::problem::{record_content, Json, Path, Problem, Query};
use crate::state::AppState;

/// Refuses unless `caller` may write records owned by `owner`.
fn check_writer(caller: &Caller, owner: &portwatch_model::AgencyId) -> Result<(), Problem> {
    caller.require(Role::RecordsEditor, "writing records")?;
    if !caller.agency.kind.may_own_records() {
        return Err(Problem::forbidden(
            "agency_kind",
            format!("agency {} may not own records", caller.agency_id()),
        ));
    }
    if owner != caller.agency_id() {
        return Err(Problem::forbidden(
            "owner_only_writes",
            format!(
                "only a record's owner writes it: the record belongs to {owner}, the caller is {}",
                caller.agency_id()
            ),
        ));
    }
    Ok(())
}

async fn audited(
    state: &AppState,
    caller: &Caller,
    action: AuditAction,
    id: Id,
) -> Result<(), Problem> {
    let mut e = event(caller, action);
    e.revealed = vec![id];
    state.audit.one(e).await
}

/// `POST /v1/records`: writes a record by its natural key (idempotent: the same content twice
/// writes one version).
pub async fn create(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Json(body): Json<serde_json::Value>,
) -> Result<Response, Problem> {
    let content = record_content(body)?;
    check_writer(&caller, &content.owner)?;
    let now = state.clock.now();
    let outcome = state
        .with_store(move |s| s.put_records(std::slice::from_ref(&content), now))
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| Problem::internal("the store returned no outcome"))?;
    let (status, action) = match &outcome {
        PutOutcome::Created { .. } => (StatusCode::CREATED, AuditAction::RecordCreate),
        PutOutcome::Updated { .. } | PutOutcome::Unchanged { .. } => {
            (StatusCode::OK, AuditAction::RecordUpdate)
        }
        PutOutcome::Rejected { reason, .. } => {
            return Err(Problem::forbidden("owner_only_writes", reason.clone()));
        }
    };
    let id = outcome.id();
    let record = state
        .with_store(move |s| s.record(id))
        .await?
        .ok_or_else(|| Problem::internal("a record just written cannot be read"))?;
    state.record_written(&record);
    audited(&state, &caller, action, id).await?;
    let mut response = super::json(status, &record);
    if let Ok(location) = format!("/v1/records/{id}").parse() {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// Optimistic concurrency for updates.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateParams {
    /// Write only if the latest version is still this one.
    pub expected_version: Option<u32>,
}

/// `PUT /v1/records/{id}`: a new version with this content.
pub async fn update(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Query(params): Query<UpdateParams>,
    Json(body): Json<serde_json::Value>,
) -> Result<Response, Problem> {
    let id = super::parse_id(&id)?;
    let content = record_content(body)?;
    caller.require(Role::RecordsEditor, "writing records")?;
    let current = existing(&state, id).await?;
    check_writer(&caller, &current.content.owner)?;
    if content.owner != current.content.owner {
        return Err(Problem::bad_field(
            "owner",
            "a record's owner cannot change; cancel it and let the new owner create it",
        ));
    }
    let now = state.clock.now();
    let expected = params.expected_version;
    let record = state
        .with_store(move |s| s.update_record(id, expected, content, now))
        .await?;
    state.record_written(&record);
    audited(&state, &caller, AuditAction::RecordUpdate, id).await?;
    Ok(super::json(StatusCode::OK, &record))
}

/// `POST /v1/records/{id}/cancel`: a cancelled version; the record never matches again but
/// stays in the history.
pub async fn cancel(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let id = super::parse_id(&id)?;
    caller.require(Role::RecordsEditor, "cancelling records")?;
    let current = existing(&state, id).await?;
    check_writer(&caller, &current.content.owner)?;
    let by = caller.agency_id().clone();
    let now = state.clock.now();
    let record = state
        .with_store(move |s| s.cancel_record(id, &by, now))
        .await?;
    state.record_written(&record);
    audited(&state, &caller, AuditAction::RecordCancel, id).await?;
    Ok(super::json(StatusCode::OK, &record))
}

/// `GET /v1/records/{id}`: the latest version, if the caller may see it.
pub async fn read(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let id = super::parse_id(&id)?;
    caller.require_any(
        &[Role::RecordsEditor, Role::Analyst, Role::Screener],
        "reading records",
    )?;
    crate::access::refuse_partners(&caller, "records")?;
    let record = existing(&state, id).await?;
    if !may_see_record(&state.policy(), &caller.agency, &record) {
        return Err(Problem::forbidden(
            "visibility",
            format!(
                "record {id} is not visible to {}; contact its owner {}",
                caller.agency_id(),
                record.content.owner
            ),
        ));
    }
    audited(&state, &caller, AuditAction::RecordRead, id).await?;
    Ok(super::json(StatusCode::OK, &record))
}

/// `GET /v1/records/{id}/history`: every version, oldest first, for the owner only.
pub async fn history(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let id = super::parse_id(&id)?;
    caller.require_any(
        &[Role::RecordsEditor, Role::Analyst],
        "reading a record's history",
    )?;
    let current = existing(&state, id).await?;
    if current.content.owner != *caller.agency_id() {
        return Err(Problem::forbidden(
            "owner_only_history",
            format!(
                "only the owner {} reads the history of record {id}",
                current.content.owner
            ),
        ));
    }
    let versions = state.with_store(move |s| s.record_history(id)).await?;
    audited(&state, &caller, AuditAction::RecordRead, id).await?;
    Ok(super::json(
        StatusCode::OK,
        &serde_json::json!({ "versions": versions }),
    ))
}

async fn existing(state: &AppState, id: Id) -> Result<Record, Problem> {
    state
        .with_store(move |s| s.record(id))
        .await?
        .ok_or_else(|| Problem::not_found(format!("record {id} does not exist")))
}

/// The largest page of `GET /v1/records`.
const MAX_FIND_PAGE: usize = 200;

/// Query string of `GET /v1/records`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindParams {
    /// `persons`, `documents` or `vehicles`; all three when absent.
    pub database: Option<String>,
    /// A name, document number, VIN or plate (see [`portwatch_store::RecordQuery`]).
    pub q: Option<String>,
    /// `active` (the default), `cancelled` or `all`.
    pub status: Option<String>,
    pub limit: Option<usize>,
    /// The `next_after` of the previous page.
    pub after: Option<String>,
}

/// The store query of `params` for the caller's own records, or a 400 naming the field.
fn find_query(caller: &Caller, params: FindParams) -> Result<RecordQuery, Problem> {
    let database = params
        .database
        .map(|raw| raw.parse::<Database>())
        .transpose()
        .map_err(|e| Problem::bad_field("database", format!("field `database`: {e}")))?;
    let status = match params.status.as_deref().unwrap_or("active") {
        "active" => Some(RecordStatus::Active),
        "cancelled" => Some(RecordStatus::Cancelled),
        "all" => None,
        other => {
            return Err(Problem::bad_field(
                "status",
                format!("must be active, cancelled or all, got {other:?}"),
            ))
        }
    };
    let limit = params.limit.unwrap_or(50);
    if !(1..=MAX_FIND_PAGE).contains(&limit) {
        return Err(Problem::bad_field(
            "limit",
            format!("must be 1-{MAX_FIND_PAGE}, got {limit}"),
        ));
    }
    let after = params
        .after
        .map(|raw| {
            raw.parse::<Id>().map_err(|_| {
                Problem::bad_field("after", format!("must be a record id (UUID), got {raw:?}"))
            })
        })
        .transpose()?;
    let text = params.q.filter(|q| !q.trim().is_empty());
    if text.as_ref().is_some_and(|q| q.chars().count() > 200) {
        return Err(Problem::bad_field("q", "must be at most 200 characters"));
    }
    Ok(RecordQuery {
        owner: caller.agency_id().clone(),
        database,
        text,
        status,
        after,
        limit,
    })
}

/// `GET /v1/records?database=&q=&status=&limit=&after=`: the caller's own records, for
/// records management, in creation order; `next_after` continues the list. One audit entry
/// names the records shown and the keyed fingerprint of the query (a name is personal data).
pub async fn find(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<FindParams>,
) -> Result<Response, Problem> {
    caller.require_any(
        &[Role::RecordsEditor, Role::Analyst],
        "finding the agency's records",
    )?;
    crate::access::refuse_partners(&caller, "records")?;
    let query = find_query(&caller, params)?;
    let limit = query.limit;
    let canonical = format!(
        "{:?}|{:?}|{:?}|{:?}",
        query.database, query.status, query.text, query.after
    );
    let records = state.with_store(move |s| s.find_records(&query)).await?;
    let next_after = (records.len() == limit)
        .then(|| records.last().map(|r| r.id))
        .flatten();
    let mut e = event(&caller, AuditAction::RecordRead);
    e.query_fingerprint = Some(
        state
            .fingerprints
            .fingerprint(AuditAction::RecordRead, canonical.as_bytes()),
    );
    e.revealed = records.iter().map(|r| r.id).collect();
    state.audit.one(e).await?;
    Ok(super::json(
        StatusCode::OK,
        &serde_json::json!({ "items": records, "next_after": next_after }),
    ))
}
