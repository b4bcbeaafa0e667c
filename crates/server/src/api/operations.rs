//! Operations and their investigative leads.
//!
//! The General Secretariat plans an operation (`POST /v1/operations`); its participants read it,
//! its live figures and its report; leads are opened from confirmed hits by the agencies that
//! own or made those hits, and grow notes and outcomes as the investigation goes on.
//!
//! | route | who |
//! |---|---|
//! | `GET /v1/operations` | anyone: the operations the caller takes part in |
//! | `POST /v1/operations` | admin of the General Secretariat |
//! | `GET /v1/operations/{code}` | participants |
//! | `GET /v1/operations/{code}/figures`, `…/report` | participants with analyst, admin or auditor (partners: statistics are theirs) |
//! | `POST /v1/investigations` | records editor of an agency that owns or made one of the hits, or the General Secretariat |
//! | `GET /v1/investigations?operation=CODE` | participants with analyst, records editor or admin |
//! | `GET /v1/investigations/{id}`, `POST …/notes`, `POST …/outcomes`, `POST …/status` | the lead agency, the agencies of its hits, the General Secretariat |

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde::Deserialize;

use portwatch_model::operation::OperationFields;
use portwatch_model::{
    AgencyId, AuditAction, Category, FollowUpState, Id, Investigation, LeadStatus, Operation,
    Outcome, Role,
};

use crate::audit::event;
use crate::identity::Caller;
use crate::operations::{named_agencies, takes_part};
use crate::problem::{Json, Path, Problem, Query};
use crate::state::AppState;

/// `GET /v1/operations`: the operations the caller takes part in, by start date.
pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, Problem> {
    let operations = state.operations().await?;
    let mine: Vec<&Operation> = operations
        .iter()
        .filter(|op| takes_part(op, &caller.agency))
        .collect();
    Ok(super::json(StatusCode::OK, &mine))
}

/// The body of `POST /v1/operations`: an operation, its id optional (one is made).
#[derive(Deserialize)]
pub struct NewOperation {
    #[serde(default)]
    id: Option<Id>,
    #[serde(flatten)]
    fields: serde_json::Map<String, serde_json::Value>,
}

/// `POST /v1/operations`: the General Secretariat plans an operation (or replaces one by id).
pub async fn create(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Json(body): Json<NewOperation>,
) -> Result<Response, Problem> {
    caller.require(Role::Admin, "planning operations")?;
    if !caller.is_secretariat() {
        return Err(Problem::forbidden(
            "secretariat_only",
            "only the General Secretariat plans operations",
        ));
    }
    let mut fields = body.fields;
    fields.insert(
        "id".into(),
        serde_json::to_value(body.id.unwrap_or_else(Id::generate)).map_err(Problem::internal)?,
    );
    let parsed: OperationFields = crate::problem::from_value(fields.into())?;
    let operation = Operation::try_from(parsed)
        .map_err(|e| Problem::bad_field(e.field.clone(), e.to_string()))?;
    check_agencies(&state, &operation).await?;
    let stored = operation.clone();
    state.with_store(move |s| s.put_operation(&stored)).await?;
    state.operations_changed();
    let mut e = event(&caller, AuditAction::OperationChange);
    e.operation = Some(operation.id);
    state.audit.one(e).await?;
    Ok(super::json(StatusCode::CREATED, &operation))
}

/// Every agency an operation names must be registered: a typo would silently count nothing.
async fn check_agencies(state: &AppState, operation: &Operation) -> Result<(), Problem> {
    for (field, agency) in named_agencies(operation) {
        if state.agency(agency).await?.is_none() {
            return Err(Problem::bad_field(
                field,
                format!("agency {agency} is not registered"),
            ));
        }
    }
    Ok(())
}

/// The operation with `code`: from the cache, else from the store (it may have been created on
/// another node a moment ago).
async fn by_code(state: &AppState, code: &str) -> Result<Operation, Problem> {
    if let Some(op) = state.operations().await?.iter().find(|op| op.code == code) {
        return Ok(op.clone());
    }
    let wanted = code.to_string();
    state
        .with_store(move |s| s.operation_by_code(&wanted))
        .await?
        .ok_or_else(|| Problem::not_found(format!("there is no operation {code}")))
}

/// The operation with `code`, if the caller takes part in it.
async fn participating(
    state: &AppState,
    caller: &Caller,
    code: &str,
) -> Result<Operation, Problem> {
    let op = by_code(state, code).await?;
    if !takes_part(&op, &caller.agency) {
        return Err(Problem::forbidden(
            "operation_participants_only",
            format!(
                "agency {} does not take part in operation {code}",
                caller.agency.id
            ),
        ));
    }
    Ok(op)
}

/// `GET /v1/operations/{code}`.
pub async fn read(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(code): Path<String>,
) -> Result<Response, Problem> {
    let op = participating(&state, &caller, &code).await?;
    Ok(super::json(StatusCode::OK, &op))
}

fn may_read_figures(caller: &Caller) -> Result<(), Problem> {
    caller.require_any(
        &[Role::Analyst, Role::Admin, Role::Auditor],
        "reading an operation's figures",
    )
}

/// `GET /v1/operations/{code}/figures`: the live figures (the report's JSON).
pub async fn figures(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(code): Path<String>,
) -> Result<Response, Problem> {
    may_read_figures(&caller)?;
    let op = participating(&state, &caller, &code).await?;
    let figures = state.figures.of(&state, op, state.clock.now()).await?;
    Ok(super::json(StatusCode::OK, &figures))
}

/// Query string of `GET /v1/operations/{code}/report`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportParams {
    #[serde(default)]
    format: ReportFormat,
}

#[derive(Deserialize, Default, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum ReportFormat {
    #[default]
    Html,
    Json,
    Csv,
}

/// `GET /v1/operations/{code}/report?format=html|json|csv`: the report as published.
pub async fn report(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(code): Path<String>,
    Query(params): Query<ReportParams>,
) -> Result<Response, Problem> {
    may_read_figures(&caller)?;
    let op = participating(&state, &caller, &code).await?;
    let figures = state.figures.of(&state, op, state.clock.now()).await?;
    let (body, content_type, extension) = match params.format {
        ReportFormat::Html => (figures.to_html(), "text/html; charset=utf-8", "html"),
        ReportFormat::Json => (figures.to_json(), "application/json", "json"),
        ReportFormat::Csv => (figures.to_csv(), "text/csv; charset=utf-8", "csv"),
    };
    let disposition = format!("inline; filename=\"{code}-report.{extension}\"");
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

// ---- Investigations ------------------------------------------------------------------------

/// The body of `POST /v1/investigations`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewLead {
    /// The operation's code; when absent, the operation of the hits.
    #[serde(default)]
    operation: Option<String>,
    category: Category,
    /// Confirmed hits the lead starts from (at least one).
    hits: Vec<Id>,
    #[serde(default)]
    title: Option<String>,
    /// The agency that leads it; the caller's own by default.
    #[serde(default)]
    lead_agency: Option<AgencyId>,
    #[serde(default)]
    notes: Vec<String>,
    #[serde(default)]
    outcomes: Vec<Outcome>,
}

/// `POST /v1/investigations`: opens a lead from confirmed hits.
pub async fn open(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Json(body): Json<NewLead>,
) -> Result<Response, Problem> {
    caller.require_any(&[Role::RecordsEditor, Role::Admin], "opening a lead")?;
    if body.hits.is_empty() || body.hits.len() > 100 {
        return Err(Problem::bad_field(
            "hits",
            "must name 1 to 100 confirmed hits",
        ));
    }
    let mut hits = Vec::with_capacity(body.hits.len());
    for (i, id) in body.hits.iter().enumerate() {
        let wanted = *id;
        let hit = state
            .with_store(move |s| s.hit(wanted))
            .await?
            .ok_or_else(|| Problem::bad_field(format!("hits[{i}]"), format!("no hit {id}")))?;
        if hit.state != FollowUpState::Confirmed {
            return Err(Problem::bad_field(
                format!("hits[{i}]"),
                format!("hit {id} is not confirmed by its owner; leads start from confirmed hits"),
            ));
        }
        let party = hit.owner == caller.agency.id || hit.agency == caller.agency.id;
        if !party && !caller.is_secretariat() {
            return Err(Problem::forbidden(
                "hit_parties_only",
                format!("hit {id} is neither owned nor made by {}", caller.agency.id),
            ));
        }
        hits.push(hit);
    }
    // Being party to the hits is what entitles the caller: the owner NCB of a record hit
    // during an operation opens the lead even if its country does not take part.
    let operation = match &body.operation {
        Some(code) => Some(by_code(&state, code).await?.id),
        None => hits[0].operation,
    };
    if let Some((i, _)) = hits
        .iter()
        .enumerate()
        .find(|(_, h)| operation.is_some() && h.operation != operation)
    {
        return Err(Problem::bad_field(
            format!("hits[{i}]"),
            "every hit of a lead must come from the lead's operation",
        ));
    }
    let lead_agency = body.lead_agency.unwrap_or_else(|| caller.agency.id.clone());
    if state.agency(&lead_agency).await?.is_none() {
        return Err(Problem::bad_field(
            "lead_agency",
            format!("agency {lead_agency} is not registered"),
        ));
    }
    let title = match body.title {
        Some(t) => portwatch_model::values::text("title", &t, 200)
            .map_err(|e| Problem::bad_field(e.field.clone(), e.to_string()))?,
        None => format!("{:?} lead from {} hit(s)", body.category, hits.len()),
    };
    let notes = checked_notes(body.notes)?;
    let mut records: Vec<Id> = hits.iter().map(|h| h.record_id).collect();
    records.sort();
    records.dedup();
    let lead = Investigation {
        id: Id::generate(),
        operation,
        category: body.category,
        status: LeadStatus::Active,
        lead_agency,
        title,
        hits: hits.iter().map(|h| h.id).collect(),
        records,
        notes,
        outcomes: checked_outcomes(body.outcomes)?,
    };
    save(&state, &caller, &lead).await?;
    Ok(super::json(StatusCode::CREATED, &lead))
}

fn checked_notes(notes: Vec<String>) -> Result<Vec<String>, Problem> {
    notes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            portwatch_model::values::text("notes", n, 4000)
                .map_err(|e| Problem::bad_field(format!("notes[{i}]"), e.to_string()))
        })
        .collect()
}

fn checked_outcomes(outcomes: Vec<Outcome>) -> Result<Vec<Outcome>, Problem> {
    for (i, outcome) in outcomes.iter().enumerate() {
        let bad = match outcome {
            Outcome::DrugsSeized { kilograms } => !(kilograms.is_finite() && *kilograms > 0.0),
            Outcome::MoneySeized { amount, currency } => {
                !(amount.is_finite() && *amount > 0.0)
                    || currency.len() != 3
                    || !currency.bytes().all(|b| b.is_ascii_uppercase())
            }
            Outcome::Arrest { count }
            | Outcome::DocumentsSeized { count }
            | Outcome::VehiclesSeized { count }
            | Outcome::FirearmsSeized { count } => *count == 0,
        };
        if bad {
            return Err(Problem::bad_field(
                format!("outcomes[{i}]"),
                "counts and amounts must be positive; money needs an ISO 4217 currency (EUR)",
            ));
        }
    }
    Ok(outcomes)
}

async fn save(state: &AppState, caller: &Caller, lead: &Investigation) -> Result<(), Problem> {
    let stored = lead.clone();
    state
        .with_store(move |s| s.put_investigation(&stored))
        .await?;
    let mut e = event(caller, AuditAction::OperationChange);
    e.operation = lead.operation;
    e.revealed = lead.records.clone();
    state.audit.one(e).await
}

/// Query string of `GET /v1/investigations`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeadParams {
    operation: Option<String>,
}

/// `GET /v1/investigations?operation=CODE`: the leads of an operation (or every lead the
/// caller is party to).
pub async fn list_leads(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<LeadParams>,
) -> Result<Response, Problem> {
    caller.require_any(
        &[Role::Analyst, Role::RecordsEditor, Role::Admin],
        "reading leads",
    )?;
    let operation = match &params.operation {
        Some(code) => Some(participating(&state, &caller, code).await?),
        None => None,
    };
    let op_id = operation.as_ref().map(|o| o.id);
    let leads = state.with_store(move |s| s.investigations(op_id)).await?;
    let visible: Vec<Investigation> = leads
        .into_iter()
        .filter(|l| operation.is_some() || may_see_lead(&caller, l))
        .collect();
    Ok(super::json(StatusCode::OK, &visible))
}

fn may_see_lead(caller: &Caller, lead: &Investigation) -> bool {
    caller.is_secretariat() || lead.lead_agency == caller.agency.id
}

async fn lead_for(state: &AppState, caller: &Caller, id: &str) -> Result<Investigation, Problem> {
    let id = super::parse_id(id)?;
    let lead = state
        .with_store(move |s| s.investigation(id))
        .await?
        .ok_or_else(|| Problem::not_found(format!("there is no lead {id}")))?;
    if !may_see_lead(caller, &lead) {
        let op_participant = match lead.operation {
            Some(op) => state
                .operations()
                .await?
                .iter()
                .any(|o| o.id == op && takes_part(o, &caller.agency)),
            None => false,
        };
        if !op_participant {
            return Err(Problem::forbidden(
                "lead_parties_only",
                format!("lead {id} belongs to {}", lead.lead_agency),
            ));
        }
    }
    Ok(lead)
}

/// `GET /v1/investigations/{id}`.
pub async fn read_lead(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    caller.require_any(
        &[Role::Analyst, Role::RecordsEditor, Role::Admin],
        "reading leads",
    )?;
    let lead = lead_for(&state, &caller, &id).await?;
    Ok(super::json(StatusCode::OK, &lead))
}

/// The body of `POST /v1/investigations/{id}/progress`: what to add or change.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Progress {
    #[serde(default)]
    notes: Vec<String>,
    #[serde(default)]
    outcomes: Vec<Outcome>,
    #[serde(default)]
    status: Option<LeadStatus>,
}

/// `POST /v1/investigations/{id}/progress`: the lead agency adds notes and outcomes, or changes
/// the status (a closed lead takes no more outcomes).
pub async fn progress(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Json(body): Json<Progress>,
) -> Result<Response, Problem> {
    caller.require_any(&[Role::RecordsEditor, Role::Admin], "updating a lead")?;
    let mut lead = lead_for(&state, &caller, &id).await?;
    if lead.lead_agency != caller.agency.id && !caller.is_secretariat() {
        return Err(Problem::forbidden(
            "lead_agency_only",
            format!(
                "only the lead agency {} updates lead {id}",
                lead.lead_agency
            ),
        ));
    }
    if lead.status == LeadStatus::Closed && !body.outcomes.is_empty() {
        return Err(Problem::conflict(format!(
            "lead {id} is closed; reopen it (status active) before adding outcomes"
        )));
    }
    lead.notes.extend(checked_notes(body.notes)?);
    lead.outcomes.extend(checked_outcomes(body.outcomes)?);
    if let Some(status) = body.status {
        lead.status = status;
    }
    save(&state, &caller, &lead).await?;
    Ok(super::json(StatusCode::OK, &lead))
}
