//! Errors as RFC 9457 problem documents (`application/problem+json`), everywhere.
//!
//! Every error the API answers — a denial, a bad field, a limit, axum's own rejections — is a
//! [`Problem`]: a `type` URI naming the kind of problem, a `title`, the HTTP `status`, a
//! `detail` written for the person who sent the request, and extension members that name the
//! field, the missing role or the rule when there is one. Clients can branch on `type` and show
//! `detail` as it is.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use portwatch_model::Role;
use portwatch_store::StoreError;

use crate::pki::role_name;

/// The media type of problem documents.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem document, boxed so that `Result<T, Problem>` stays small.
#[derive(Debug, Clone)]
pub struct Problem(Box<ProblemDoc>);

impl std::ops::Deref for Problem {
    type Target = ProblemDoc;
    fn deref(&self) -> &ProblemDoc {
        &self.0
    }
}

impl std::ops::DerefMut for Problem {
    fn deref_mut(&mut self) -> &mut ProblemDoc {
        &mut self.0
    }
}

/// The members of a problem document.
#[derive(Debug, Clone, Serialize)]
pub struct ProblemDoc {
    /// A URI naming the kind of problem (documented in `docs/api.md`).
    #[serde(rename = "type")]
    pub kind: String,
    pub title: &'static str,
    pub status: u16,
    pub detail: String,
    /// The request field at fault, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The role the caller lacks, for a 403 caused by one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing_role: Option<&'static str>,
    /// The rule that refused the request (`owner_only`, `agency_kind` …), for other 403s.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<&'static str>,
    /// Seconds to wait before retrying (429 and 503); also sent as `Retry-After`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

const TYPE_BASE: &str = "https://portwatch.invalid/problems/";

/// Seconds a client waits before retrying while the database is unreachable: long enough not
/// to hammer a restarting database, short enough for a checkpoint queue.
const DATABASE_RETRY_AFTER: u64 = 2;

impl Problem {
    pub fn new(
        status: StatusCode,
        slug: &str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        Problem(Box::new(ProblemDoc {
            kind: format!("{TYPE_BASE}{slug}"),
            title,
            status: status.as_u16(),
            detail: detail.into(),
            field: None,
            missing_role: None,
            rule: None,
            retry_after: None,
        }))
    }

    /// 400: a field of the request is wrong.
    pub fn bad_field(field: impl Into<String>, detail: impl Into<String>) -> Self {
        let mut p = Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid-request",
            "Invalid request",
            detail,
        );
        p.field = Some(field.into()).filter(|f: &String| !f.is_empty());
        p
    }

    /// 422: the request is well-formed JSON, but a field's content breaks a rule of its
    /// standard (an MRZ line of the wrong length, a character outside the MRZ alphabet).
    pub fn unprocessable(field: impl Into<String>, detail: impl Into<String>) -> Self {
        let mut p = Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unprocessable",
            "Unprocessable content",
            detail,
        );
        p.field = Some(field.into()).filter(|f: &String| !f.is_empty());
        p
    }

    /// 400 without a particular field.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid-request",
            "Invalid request",
            detail,
        )
    }

    /// 401: no identity at all.
    pub fn unauthenticated(detail: impl Into<String>) -> Self {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Not authenticated",
            detail,
        )
    }

    /// 403 because the caller lacks a role.
    pub fn missing_role(role: Role, what: &str) -> Self {
        let name = role_name(role);
        let mut p = Problem::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Forbidden",
            format!("{what} needs the {name} role, which this caller does not hold"),
        );
        p.missing_role = Some(name);
        p
    }

    /// 403 because a rule other than a role refuses it.
    pub fn forbidden(rule: &'static str, detail: impl Into<String>) -> Self {
        let mut p = Problem::new(StatusCode::FORBIDDEN, "forbidden", "Forbidden", detail);
        p.rule = Some(rule);
        p
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::NOT_FOUND, "not-found", "Not found", detail)
    }

    pub fn conflict(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::CONFLICT, "conflict", "Conflict", detail)
    }

    pub fn too_large(detail: impl Into<String>) -> Self {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            "Request too large",
            detail,
        )
    }

    pub fn rate_limited(retry_after: u64, detail: impl Into<String>) -> Self {
        let mut p = Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            "Too many requests",
            detail,
        );
        p.retry_after = Some(retry_after);
        p
    }

    pub fn timeout(detail: impl Into<String>) -> Self {
        let mut p = Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            "Request timed out",
            detail,
        );
        p.retry_after = Some(1);
        p
    }

    pub fn unavailable(detail: impl Into<String>) -> Self {
        let mut p = Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Not ready",
            detail,
        );
        p.retry_after = Some(1);
        p
    }

    /// 503: the database cannot be reached. Said once, in words for the person at the
    /// checkpoint; the store's reason (host, port, driver message) goes to the log only.
    pub fn database_unavailable(reason: impl std::fmt::Display) -> Self {
        tracing::warn!(error = %reason, "the database is unavailable");
        let mut p = Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "database-unavailable",
            "Database unavailable",
            "the database is unavailable; retry shortly — accepted writes are kept",
        );
        p.retry_after = Some(DATABASE_RETRY_AFTER);
        p
    }

    /// 500: the detail is logged, the client gets only a generic message.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "internal error");
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            "the server failed to handle the request; it was logged",
        )
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status();
        let retry_after = self.retry_after;
        let body = serde_json::to_vec(&*self.0).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(secs) = retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

impl From<StoreError> for Problem {
    fn from(err: StoreError) -> Self {
        match &err {
            StoreError::NotFound { .. } => Problem::not_found(err.to_string()),
            StoreError::NotOwner { .. } => Problem::forbidden("owner_only_writes", err.to_string()),
            StoreError::VersionConflict { .. } | StoreError::Conflict(_) => {
                Problem::conflict(err.to_string())
            }
            StoreError::Busy { .. } => Problem::unavailable(err.to_string()),
            StoreError::Unavailable { reason } => Problem::database_unavailable(reason),
            _ => Problem::internal(err),
        }
    }
}

impl From<JsonRejection> for Problem {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::JsonDataError(e) => json_data_problem(&e.body_text()),
            JsonRejection::JsonSyntaxError(e) => Problem::bad_request(format!(
                "the body is not valid JSON: {}",
                clean_rejection_text(&e.body_text())
            )),
            JsonRejection::MissingJsonContentType(_) => Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Unsupported media type",
                "send the body as JSON with `Content-Type: application/json`",
            ),
            JsonRejection::BytesRejection(e) => body_problem(e.status(), e.body_text()),
            other => Problem::bad_request(other.body_text()),
        }
    }
}

/// axum reports a field error as `Failed to deserialize the JSON body into the target type:
/// names[0].full: missing field ...`; the path before the first `: ` names the field.
fn json_data_problem(text: &str) -> Problem {
    let cleaned = clean_rejection_text(text);
    match cleaned.split_once(": ") {
        Some((path, rule)) if !path.contains(' ') => {
            Problem::bad_field(path, format!("field `{path}`: {rule}"))
        }
        _ => {
            // A missing top-level field has no path: serde names it in the message.
            let field = cleaned
                .split('`')
                .nth(1)
                .filter(|_| cleaned.starts_with("missing field"))
                .unwrap_or("");
            Problem::bad_field(field, cleaned.clone())
        }
    }
}

fn clean_rejection_text(text: &str) -> String {
    text.trim_start_matches("Failed to deserialize the JSON body into the target type: ")
        .trim_start_matches("Failed to parse the request body as JSON: ")
        .to_string()
}

/// A body that could not be read: too large (413) or broken off.
pub fn body_problem(status: StatusCode, text: String) -> Problem {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        Problem::too_large("the request body is larger than this endpoint accepts")
    } else {
        Problem::bad_request(format!("the request body could not be read: {text}"))
    }
}

impl From<QueryRejection> for Problem {
    fn from(rejection: QueryRejection) -> Self {
        let text = rejection.body_text();
        let cleaned = text.trim_start_matches("Failed to deserialize query string: ");
        let field = cleaned.split('`').nth(1).unwrap_or("");
        Problem::bad_field(field, format!("query string: {cleaned}"))
    }
}

impl From<PathRejection> for Problem {
    fn from(rejection: PathRejection) -> Self {
        Problem::bad_field("path", rejection.body_text())
    }
}

/// The JSON body extractor of the API: like `axum::Json`, with problem documents on rejection.
pub struct Json<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for Json<T>
where
    axum::Json<T>: axum::extract::FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Json(value) = axum::Json::<T>::from_request(req, state).await?;
        Ok(Json(value))
    }
}

/// A JSON body deserialised straight into `T`, naming the field at fault when it does not fit
/// (one pass over the bytes, no intermediate `Value`).
pub struct Typed<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for Typed<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.trim_start().starts_with("application/json"));
        if !is_json {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Unsupported media type",
                "send the body as JSON with `Content-Type: application/json`",
            ));
        }
        let bytes = bytes::Bytes::from_request(req, state)
            .await
            .map_err(|e| body_problem(e.status(), e.body_text()))?;
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        let value = serde_path_to_error::deserialize::<_, T>(&mut de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            if inner.is_syntax() || inner.is_eof() {
                Problem::bad_request(format!("the body is not valid JSON: {inner}"))
            } else if path == "." || path.is_empty() {
                json_data_problem(&inner.to_string())
            } else {
                Problem::bad_field(path.clone(), format!("field `{path}`: {inner}"))
            }
        })?;
        // Trailing bytes after the value are as wrong as a broken value.
        de.end()
            .map_err(|e| Problem::bad_request(format!("the body is not valid JSON: {e}")))?;
        Ok(Typed(value))
    }
}

/// The query extractor of the API, with problem documents on rejection.
pub struct Query<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for Query<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        let axum::extract::Query(value) =
            axum::extract::Query::<T>::from_request_parts(parts, state).await?;
        Ok(Query(value))
    }
}

/// The path extractor of the API, with problem documents on rejection.
pub struct Path<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for Path<T>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(value) =
            axum::extract::Path::<T>::from_request_parts(parts, state).await?;
        Ok(Path(value))
    }
}

/// Deserialises `value` as a `T`, naming the field at fault (`document.issuing_state`) in the
/// 400 when it does not fit.
pub fn from_value<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, Problem> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        if path == "." || path.is_empty() {
            json_data_problem(&inner)
        } else {
            Problem::bad_field(path.clone(), format!("field `{path}`: {inner}"))
        }
    })
}

/// Deserialises a record's content. The envelope flattens the body, which hides the path of
/// a bad field inside it, so a failure is retried on the body alone to name the field.
pub fn record_content(value: serde_json::Value) -> Result<portwatch_model::RecordContent, Problem> {
    use portwatch_model::{Person, TravelDocument, Vehicle};
    let problem = match from_value(value.clone()) {
        Ok(content) => return Ok(content),
        Err(problem) => problem,
    };
    if problem.field.is_some() {
        return Err(problem);
    }
    let named = |kind: &str, inner: Problem| -> Problem {
        let field = match &inner.field {
            Some(f) => format!("{kind}.{f}"),
            None => kind.to_string(),
        };
        let rule = inner
            .detail
            .rsplit_once("`: ")
            .map_or(inner.detail.as_str(), |(_, r)| r);
        Problem::bad_field(field.clone(), format!("field `{field}`: {rule}"))
    };
    let body_error = if let Some(body) = value.get("document") {
        from_value::<TravelDocument>(body.clone())
            .err()
            .map(|p| named("document", p))
    } else if let Some(body) = value.get("person") {
        from_value::<Person>(body.clone())
            .err()
            .map(|p| named("person", p))
    } else if let Some(body) = value.get("vehicle") {
        from_value::<Vehicle>(body.clone())
            .err()
            .map(|p| named("vehicle", p))
    } else {
        Some(Problem::bad_field(
            "document",
            "a record needs one body: `document`, `person` or `vehicle`",
        ))
    };
    Err(body_error.unwrap_or(problem))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_errors_name_the_field() {
        let p = json_data_problem(
            "Failed to deserialize the JSON body into the target type: issuing_state: must be an \
             ISO 3166-1 alpha-3 country code at line 1 column 20",
        );
        assert_eq!(p.field.as_deref(), Some("issuing_state"));
        assert_eq!(p.status, 400);
        let p = json_data_problem(
            "Failed to deserialize the JSON body into the target type: missing field `number` at \
             line 1 column 2",
        );
        assert_eq!(p.field.as_deref(), Some("number"));
    }

    #[test]
    fn bad_fields_inside_a_record_body_are_named() {
        let value = serde_json::json!({
            "owner": "ncb-rabat", "visibility": "all",
            "document": {"number": "X1", "issuing_state": "XX", "type": "passport", "status": "lost"}
        });
        let p = record_content(value).unwrap_err();
        assert_eq!(p.field.as_deref(), Some("document.issuing_state"));
        let p = record_content(serde_json::json!({"owner": "ncb-rabat", "visibility": "some"}))
            .unwrap_err();
        assert_eq!(p.field.as_deref(), Some("visibility"), "{}", p.detail);
    }

    #[test]
    fn an_unreachable_database_is_a_503_said_once() {
        let err = StoreError::Unavailable {
            reason: "error connecting to server: Connection refused".into(),
        };
        let p = Problem::from(err);
        assert_eq!(p.status, 503);
        assert_eq!(p.retry_after, Some(DATABASE_RETRY_AFTER));
        assert!(p.kind.ends_with("/database-unavailable"));
        assert_eq!(
            p.detail,
            "the database is unavailable; retry shortly — accepted writes are kept"
        );
        let response = p.into_response();
        assert_eq!(response.headers()[header::RETRY_AFTER], "2");
    }

    #[test]
    fn denials_name_the_missing_role() {
        let p = Problem::missing_role(Role::RecordsEditor, "writing records");
        assert_eq!(p.status, 403);
        assert_eq!(p.missing_role, Some("records_editor"));
        assert!(p.detail.contains("records_editor"));
    }
}
