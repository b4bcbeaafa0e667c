//! Hits and their follow-up: the owner confirms or rejects a hit with instructions before its
//! deadline (10 minutes for a red notice, 12 hours otherwise; late ones are flagged
//! `overdue`), and the checkpoint records what it did.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use serde::Deserialize;

use portwatch_model::{ActionTaken, AuditAction, FollowUpState, Hit, Id, Role};
use portwatch_store::{FollowUp, HitFilter};

use crate::access::{may_know_hit, may_see_record, refuse_partners, HitView};
use crate::audit::event;
use crate::identity::Caller;
use crate::problem::{Json, Path, Problem, Query};
use crate::state::AppState;

/// Which hits a list shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Hits on the caller's records (the NCB inbox). The default for agencies that own records.
    #[default]
    Owned,
    /// Hits the caller's searches produced. The default for border posts.
    Made,
    /// Every hit (General Secretariat only).
    All,
}

/// Query string of `GET /v1/hits`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    pub scope: Option<Scope>,
    pub state: Option<FollowUpState>,
    pub operation: Option<Id>,
    /// Only hits still pending past their deadline.
    #[serde(default)]
    pub overdue: bool,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<Id>,
    pub limit: Option<usize>,
}

const MAX_PAGE: usize = 500;

/// `GET /v1/hits`: a page of hits, newest last, with a cursor to the next page.
pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<ListParams>,
) -> Result<Response, Problem> {
    caller.require_any(
        &[Role::RecordsEditor, Role::Analyst, Role::Screener],
        "listing hits",
    )?;
    refuse_partners(&caller, "hits")?;
    let limit = params.limit.unwrap_or(100);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(Problem::bad_field(
            "limit",
            format!("must be 1-{MAX_PAGE}, got {limit}"),
        ));
    }
    let scope = params
        .scope
        .unwrap_or(if caller.agency.kind.may_own_records() {
            Scope::Owned
        } else {
            Scope::Made
        });
    let me = caller.agency_id().clone();
    let mut filter = HitFilter {
        owner: None,
        agency: None,
        operation: params.operation,
        state: if params.overdue {
            Some(FollowUpState::Pending)
        } else {
            params.state
        },
        after: params.cursor,
        limit,
    };
    match scope {
        Scope::Owned => filter.owner = Some(me),
        Scope::Made => filter.agency = Some(me),
        Scope::All if caller.is_secretariat() => {}
        Scope::All => {
            return Err(Problem::forbidden(
                "secretariat_only",
                "scope=all is for the General Secretariat; use owned or made",
            ))
        }
    }
    let page = state.with_store(move |s| s.hits(&filter)).await?;
    let next_cursor = (page.len() == limit)
        .then(|| page.last().map(|h| h.id))
        .flatten();
    let now = state.clock.now();
    let mut items = Vec::with_capacity(page.len());
    for hit in page {
        if params.overdue && !hit.is_overdue(now) {
            continue;
        }
        let visible = record_visible(&state, &caller, &hit).await?;
        items.push(HitView::of(hit, visible, now));
    }
    Ok(super::json(
        StatusCode::OK,
        &serde_json::json!({ "items": items, "next_cursor": next_cursor }),
    ))
}

/// Whether the caller may see the record a hit is on.
async fn record_visible(state: &AppState, caller: &Caller, hit: &Hit) -> Result<bool, Problem> {
    if hit.owner == *caller.agency_id() {
        return Ok(true);
    }
    let id = hit.record_id;
    let Some(record) = state.with_store(move |s| s.record(id)).await? else {
        return Ok(false);
    };
    Ok(may_see_record(&state.policy(), &caller.agency, &record))
}

/// A hit the caller may know about, or the 403/404 that says why not.
async fn known_hit(state: &AppState, caller: &Caller, raw: &str) -> Result<Hit, Problem> {
    let id = super::parse_id(raw)?;
    let hit = state
        .with_store(move |s| s.hit(id))
        .await?
        .ok_or_else(|| Problem::not_found(format!("hit {id} does not exist")))?;
    let searcher = state.agency(&hit.agency).await?;
    if !may_know_hit(caller, &hit, searcher.as_ref()) {
        return Err(Problem::forbidden(
            "hit_parties_only",
            format!(
                "hit {id} concerns {} (owner) and {} (searcher) only",
                hit.owner, hit.agency
            ),
        ));
    }
    Ok(hit)
}

/// `GET /v1/hits/{id}`.
pub async fn read(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    caller.require_any(
        &[Role::RecordsEditor, Role::Analyst, Role::Screener],
        "reading hits",
    )?;
    refuse_partners(&caller, "hits")?;
    let hit = known_hit(&state, &caller, &id).await?;
    let visible = record_visible(&state, &caller, &hit).await?;
    Ok(super::json(
        StatusCode::OK,
        &HitView::of(hit, visible, state.clock.now()),
    ))
}

/// The owner's answer to a hit.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUpRequest {
    /// `confirmed` or `rejected`.
    pub decision: FollowUpState,
    /// What the checkpoint must do (required when confirming).
    pub instructions: Option<String>,
}

/// `POST /v1/hits/{id}/follow-up`: the owner confirms or rejects.
pub async fn follow_up(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Json(request): Json<FollowUpRequest>,
) -> Result<Response, Problem> {
    caller.require(Role::RecordsEditor, "answering a hit")?;
    let hit = known_hit(&state, &caller, &id).await?;
    if hit.owner != *caller.agency_id() {
        return Err(Problem::forbidden(
            "owner_only_follow_up",
            format!(
                "only the record's owner {} answers hit {}",
                hit.owner, hit.id
            ),
        ));
    }
    if request.decision == FollowUpState::Pending {
        return Err(Problem::bad_field(
            "decision",
            "must be confirmed or rejected",
        ));
    }
    if hit.state != FollowUpState::Pending {
        return Err(Problem::conflict(format!(
            "hit {} was already answered ({:?}); it cannot be answered twice",
            hit.id, hit.state
        )));
    }
    let instructions = portwatch_model::values::optional_text(
        "instructions",
        request.instructions.as_deref(),
        2000,
    )
    .map_err(|e| Problem::bad_field(e.field.clone(), e.to_string()))?;
    if request.decision == FollowUpState::Confirmed && instructions.is_none() {
        return Err(Problem::bad_field(
            "instructions",
            "a confirmation must tell the checkpoint what to do",
        ));
    }
    let change = FollowUp {
        state: Some(request.decision),
        instructions,
        action_taken: None,
    };
    let updated = apply(&state, &caller, hit.id, change).await?;
    state.publish_hits(std::slice::from_ref(&updated));
    let now = state.clock.now();
    // Answered after the deadline: say so, the answer still stands.
    let late = now > updated.deadline;
    Ok(super::json(
        StatusCode::OK,
        &serde_json::json!({ "hit": HitView::of(updated, true, now), "answered_late": late }),
    ))
}

/// What the checkpoint did.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionTakenRequest {
    pub action_taken: ActionTaken,
}

/// `POST /v1/hits/{id}/action-taken`: the checkpoint that searched records what it did.
pub async fn action_taken(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Json(request): Json<ActionTakenRequest>,
) -> Result<Response, Problem> {
    caller.require(Role::Screener, "recording the action taken on a hit")?;
    let hit = known_hit(&state, &caller, &id).await?;
    if hit.agency != *caller.agency_id() {
        return Err(Problem::forbidden(
            "searcher_only_action",
            format!(
                "only the checkpoint that searched ({}) records its action",
                hit.agency
            ),
        ));
    }
    let change = FollowUp {
        state: None,
        instructions: None,
        action_taken: Some(request.action_taken),
    };
    let updated = apply(&state, &caller, hit.id, change).await?;
    state.publish_hits(std::slice::from_ref(&updated));
    let visible = record_visible(&state, &caller, &updated).await?;
    Ok(super::json(
        StatusCode::OK,
        &HitView::of(updated, visible, state.clock.now()),
    ))
}

async fn apply(
    state: &AppState,
    caller: &Caller,
    id: Id,
    change: FollowUp,
) -> Result<Hit, Problem> {
    let updated = state
        .with_store(move |s| s.update_hit_follow_up(id, &change))
        .await?;
    let mut e = event(caller, AuditAction::HitFollowUp);
    e.search_id = Some(updated.search_id);
    e.revealed = vec![updated.record_id];
    state.audit.one(e).await?;
    Ok(updated)
}
