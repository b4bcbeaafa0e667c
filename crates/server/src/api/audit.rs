//! The audit trail for auditors, and statistics for everyone allowed figures (partners
//! included).

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use serde::Deserialize;

use portwatch_model::{AuditEntry, Role};

use crate::identity::Caller;
use crate::problem::{Problem, Query};
use crate::state::AppState;

/// Query string of `GET /v1/audit`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
    /// The last `seq` already read (0 to start).
    #[serde(default)]
    pub after: u64,
    pub limit: Option<usize>,
}

const MAX_PAGE: usize = 1000;

/// `GET /v1/audit`: entries after `after`. The General Secretariat's auditors read every
/// entry; an NCB's auditors read their own agency's and their border posts'.
pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<AuditParams>,
) -> Result<Response, Problem> {
    caller.require(Role::Auditor, "reading the audit trail")?;
    let limit = params.limit.unwrap_or(100);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(Problem::bad_field(
            "limit",
            format!("must be 1-{MAX_PAGE}, got {limit}"),
        ));
    }
    let after = params.after;
    let page = state
        .with_store(move |s| s.audit_entries(after, limit))
        .await?;
    let next_after = (page.len() == limit)
        .then(|| page.last().map(|e| e.seq))
        .flatten();
    let mut items: Vec<AuditEntry> = Vec::with_capacity(page.len());
    for entry in page {
        if caller.is_secretariat() || entry.event.agency == *caller.agency_id() {
            items.push(entry);
            continue;
        }
        let parent = state
            .agency(&entry.event.agency)
            .await?
            .and_then(|a| a.parent);
        if parent.as_ref() == Some(caller.agency_id()) {
            items.push(entry);
        }
    }
    Ok(super::json(
        StatusCode::OK,
        &serde_json::json!({ "items": items, "next_after": next_after }),
    ))
}

/// `POST /v1/audit/verify`: recomputes the whole chain (General Secretariat auditors).
pub async fn verify(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, Problem> {
    caller.require(Role::Auditor, "verifying the audit chain")?;
    if !caller.is_secretariat() {
        return Err(Problem::forbidden(
            "secretariat_only",
            "verifying the whole chain is for the General Secretariat's auditors",
        ));
    }
    let report = state.with_store(|s| s.verify_audit()).await?;
    Ok(super::json(StatusCode::OK, &report))
}

/// `GET /v1/stats`: counts of records, hits and audit entries (no record data).
pub async fn stats(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, Problem> {
    caller.require_any(&[Role::Analyst, Role::Admin], "reading statistics")?;
    let stats = state.with_store(|s| s.stats()).await?;
    Ok(super::json(StatusCode::OK, &stats))
}
