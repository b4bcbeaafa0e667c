//! The endpoints an operator and a load balancer use: liveness, readiness, metrics, and the
//! OpenAPI description of the API.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::problem::Problem;
use crate::state::AppState;

/// The OpenAPI 3.1 description, written by hand beside the code it describes.
pub const OPENAPI: &str = include_str!("../../openapi.json");

/// The process is up and answering.
pub async fn healthz() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        r#"{"status":"ok"}"#,
    )
        .into_response()
}

/// Ready once the screening engine is loaded; 503 until then.
pub async fn readyz(State(state): State<Arc<AppState>>) -> Response {
    if state.is_ready() {
        super::json(StatusCode::OK, &json!({"status": "ready"}))
    } else {
        Problem::unavailable("the screening engine is still loading").into_response()
    }
}

pub async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(state.is_ready()),
    )
        .into_response()
}

pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}
