//! Agency administration (the General Secretariat's admins) and API keys (each agency's
//! admins for their own agency and its border posts; the General Secretariat's for anyone).

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use serde::Deserialize;

use portwatch_model::{Agency, AgencyId, AuditAction, Role};

use crate::audit::event;
use crate::identity::{granted_roles, Caller, Credential};
use crate::pki::role_name;
use crate::problem::{Json, Path, Problem};
use crate::state::AppState;

fn parse_agency_id(raw: &str) -> Result<AgencyId, Problem> {
    AgencyId::parse(raw).map_err(|e| Problem::bad_field("id", e.to_string()))
}

fn require_secretariat_admin(caller: &Caller, what: &str) -> Result<(), Problem> {
    caller.require(Role::Admin, what)?;
    if !caller.is_secretariat() {
        return Err(Problem::forbidden(
            "secretariat_only",
            format!("{what} is for the General Secretariat's admins"),
        ));
    }
    Ok(())
}

/// `GET /v1/whoami`: the caller as the server sees it.
pub async fn whoami(Extension(caller): Extension<Caller>) -> Response {
    let roles: Vec<&str> = caller.roles.iter().map(|r| role_name(*r)).collect();
    super::json(
        StatusCode::OK,
        &serde_json::json!({
            "agency": caller.agency,
            "actor": caller.actor,
            "roles": roles,
            "site": caller.site,
            "credential": match caller.credential {
                Credential::ClientCertificate => "client_certificate",
                Credential::ApiKey => "api_key",
                Credential::Session => "session",
            },
        }),
    )
}

/// `GET /v1/agencies`: every agency of the network (any caller: the directory is not secret).
pub async fn list(State(state): State<Arc<AppState>>) -> Result<Response, Problem> {
    let all = state.with_store(|s| s.agencies()).await?;
    for agency in &all {
        state.remember_agency(agency.clone());
    }
    Ok(super::json(
        StatusCode::OK,
        &serde_json::json!({ "items": all }),
    ))
}

/// `GET /v1/agencies/{id}`.
pub async fn read(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let id = parse_agency_id(&id)?;
    let agency = state
        .agency(&id)
        .await?
        .ok_or_else(|| Problem::not_found(format!("agency {id} is not registered")))?;
    Ok(super::json(StatusCode::OK, &agency))
}

/// `POST /v1/agencies`: registers a new agency.
pub async fn create(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Json(agency): Json<Agency>,
) -> Result<Response, Problem> {
    require_secretariat_admin(&caller, "registering agencies")?;
    if state.agency(&agency.id).await?.is_some() {
        return Err(Problem::conflict(format!(
            "agency {} is already registered; PUT /v1/agencies/{} changes it",
            agency.id, agency.id
        )));
    }
    save(&state, &caller, agency, StatusCode::CREATED).await
}

/// `PUT /v1/agencies/{id}`: replaces an agency.
pub async fn replace(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Json(agency): Json<Agency>,
) -> Result<Response, Problem> {
    require_secretariat_admin(&caller, "changing agencies")?;
    let id = parse_agency_id(&id)?;
    if agency.id != id {
        return Err(Problem::bad_field(
            "id",
            "the body's id must match the path's",
        ));
    }
    save(&state, &caller, agency, StatusCode::OK).await
}

async fn save(
    state: &AppState,
    caller: &Caller,
    agency: Agency,
    status: StatusCode,
) -> Result<Response, Problem> {
    if let Some(parent) = &agency.parent {
        let ncb = state.agency(parent).await?;
        if !ncb.is_some_and(|p| p.kind == portwatch_model::AgencyKind::Ncb) {
            return Err(Problem::bad_field(
                "parent",
                format!("{parent} is not a registered NCB"),
            ));
        }
    }
    let stored = agency.clone();
    state.with_store(move |s| s.put_agency(&stored)).await?;
    state.remember_agency(agency.clone());
    state
        .audit
        .one(event(caller, AuditAction::AgencyChange))
        .await?;
    Ok(super::json(status, &agency))
}

/// Body of `POST /v1/api-keys`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewKeyRequest {
    pub name: String,
    pub agency: AgencyId,
    pub roles: Vec<Role>,
}

/// Whether `caller` administers `agency`'s keys: its own admins, the admins of the NCB a
/// border post reports to, and the General Secretariat's admins.
fn administers(caller: &Caller, agency: &Agency) -> bool {
    caller.is_secretariat()
        || agency.id == *caller.agency_id()
        || agency.parent.as_ref() == Some(caller.agency_id())
}

/// `POST /v1/api-keys`: creates a key; the answer holds the key, shown this once.
pub async fn create_key(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Json(request): Json<NewKeyRequest>,
) -> Result<Response, Problem> {
    caller.require(Role::Admin, "creating API keys")?;
    let agency = state.agency(&request.agency).await?.ok_or_else(|| {
        Problem::bad_field("agency", format!("{} is not registered", request.agency))
    })?;
    if !administers(&caller, &agency) {
        return Err(Problem::forbidden(
            "own_agency_keys",
            format!("{} does not administer {}", caller.agency_id(), agency.id),
        ));
    }
    let granted = granted_roles(agency.kind, request.roles.iter().copied());
    if let Some(refused) = request.roles.iter().find(|r| !granted.contains(r)) {
        return Err(Problem::bad_field(
            "roles",
            format!(
                "an agency of kind {:?} cannot hold the {} role",
                agency.kind,
                role_name(*refused)
            ),
        ));
    }
    let name = request.name.clone();
    let keys_agency = agency.id.clone();
    let state2 = state.clone();
    let created =
        tokio::task::spawn_blocking(move || state2.keys.create(&name, keys_agency, granted))
            .await
            .map_err(Problem::internal)?
            .map_err(|e| Problem::bad_request(e.to_string()))?;
    state
        .audit
        .one(event(&caller, AuditAction::AgencyChange))
        .await?;
    Ok(super::json(StatusCode::CREATED, &created))
}

/// `GET /v1/api-keys`: the keys the caller administers (never their secrets).
pub async fn list_keys(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, Problem> {
    caller.require(Role::Admin, "listing API keys")?;
    let all = state.keys.list().map_err(Problem::internal)?;
    let mut mine = Vec::new();
    for key in all {
        if let Some(agency) = state.agency(&key.agency).await? {
            if administers(&caller, &agency) {
                mine.push(key);
            }
        }
    }
    Ok(super::json(
        StatusCode::OK,
        &serde_json::json!({ "items": mine }),
    ))
}

/// `POST /v1/api-keys/{id}/revoke`.
pub async fn revoke_key(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    caller.require(Role::Admin, "revoking API keys")?;
    let key = state
        .keys
        .list()
        .map_err(Problem::internal)?
        .into_iter()
        .find(|k| k.id == id)
        .ok_or_else(|| Problem::not_found(format!("no API key has id {id:?}")))?;
    let agency = state.agency(&key.agency).await?;
    let allowed = match &agency {
        Some(a) => administers(&caller, a),
        None => caller.is_secretariat(),
    };
    if !allowed {
        return Err(Problem::forbidden(
            "own_agency_keys",
            format!("{} does not administer {}", caller.agency_id(), key.agency),
        ));
    }
    let revoked = state.keys.revoke(&id).map_err(Problem::internal)?;
    state
        .audit
        .one(event(&caller, AuditAction::AgencyChange))
        .await?;
    Ok(super::json(StatusCode::OK, &revoked))
}
