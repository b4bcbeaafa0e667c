//! The HTTP API: `/healthz`, `/readyz`, `/metrics`, `/openapi.json`, and everything under
//! `/v1`, which needs an authenticated caller.
//!
//! Layers, outermost first: metrics (counts every answer by route and status), the request
//! timeout, then for `/v1` authentication with the per-agency rate limit, and the body limit
//! of each route. Unknown routes and wrong methods are problem documents too.

mod agencies;
mod alerts;
mod audit;
mod hits;
mod ident;
mod manifest_formats;
mod operations;
mod records;
mod screen;
mod system;
mod yente;

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::identity::authenticate;
use crate::limits::timeout;
use crate::problem::Problem;
use crate::state::AppState;

/// The whole API over `state`.
pub fn router(state: Arc<AppState>) -> Router {
    let v1 = Router::new()
        .route("/records", get(records::find).post(records::create))
        .route("/records/{id}", get(records::read).put(records::update))
        .route("/records/{id}/cancel", post(records::cancel))
        .route("/records/{id}/history", get(records::history))
        .route("/hits", get(hits::list))
        .route("/hits/stream", get(alerts::stream))
        .route("/hits/{id}", get(hits::read))
        .route("/hits/{id}/follow-up", post(hits::follow_up))
        .route("/hits/{id}/action-taken", post(hits::action_taken))
        .route("/agencies", get(agencies::list).post(agencies::create))
        .route("/agencies/{id}", get(agencies::read).put(agencies::replace))
        .route(
            "/api-keys",
            get(agencies::list_keys).post(agencies::create_key),
        )
        .route("/api-keys/{id}/revoke", post(agencies::revoke_key))
        .route("/audit", get(audit::list))
        .route("/audit/verify", post(audit::verify))
        .route("/stats", get(audit::stats))
        .route("/whoami", get(agencies::whoami))
        .route(
            "/operations",
            get(operations::list).post(operations::create),
        )
        .route("/operations/{code}", get(operations::read))
        .route("/operations/{code}/figures", get(operations::figures))
        .route("/operations/{code}/report", get(operations::report))
        .route(
            "/investigations",
            get(operations::list_leads).post(operations::open),
        )
        .route("/investigations/{id}", get(operations::read_lead))
        .route("/investigations/{id}/progress", post(operations::progress))
        .route("/ident/mrz", post(ident::mrz))
        .route("/screen/document", post(screen::document))
        .route("/screen/vehicle", post(screen::vehicle))
        .route("/screen/traveller", post(screen::traveller))
        .layer(DefaultBodyLimit::max(state.limits.body_bytes))
        // Streamed, and bounded by the manifest limit inside the handler.
        .route("/screen/manifest", post(screen::manifest))
        .route_layer(middleware::from_fn_with_state(state.clone(), authenticate));

    Router::new()
        .route("/healthz", get(system::healthz))
        .route("/readyz", get(system::readyz))
        .route("/metrics", get(system::metrics))
        .route("/openapi.json", get(system::openapi))
        .nest("/v1", v1)
        // yente's matching API, at the root path its clients call; authenticated like /v1.
        .merge(yente::router(state.clone()))
        .merge(crate::console::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(state.clone(), timeout))
        .layer(middleware::from_fn_with_state(state.clone(), count))
        .with_state(state)
}

async fn not_found(req: Request) -> Problem {
    Problem::not_found(format!(
        "no route {} {}; see /openapi.json for the API",
        req.method(),
        req.uri().path()
    ))
}

async fn method_not_allowed(req: Request) -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "Method not allowed",
        format!("{} is not allowed on {}", req.method(), req.uri().path()),
    )
}

/// Counts each answer by matched route (never the raw path: ids stay out of metrics).
async fn count(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let started = Instant::now();
    let response = next.run(req).await;
    state.metrics.request(
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// The `{id}` of a route, which must be a UUID.
pub(crate) fn parse_id(raw: &str) -> Result<portwatch_model::Id, Problem> {
    raw.parse()
        .map_err(|_| Problem::bad_field("id", format!("must be a UUID, got {raw:?}")))
}

/// A JSON answer with a status.
pub(crate) fn json<T: serde::Serialize>(status: StatusCode, value: &T) -> Response {
    (status, axum::Json(value)).into_response()
}
