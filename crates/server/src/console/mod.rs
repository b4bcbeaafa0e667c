//! The web console, served by the server itself: static assets embedded in the binary (no CDN,
//! no build step, works air-gapped) and the sign-in that turns an API key into a session.
//!
//! - `GET /`, `GET /console/…`: the console's files, each with a strict Content-Security-Policy
//!   (`default-src 'self'`): nothing a page loads or sends leaves this server.
//! - `POST /session` `{"api_key": "pwk_…"}`: signs in (sets the `pw_session` cookie, answers the
//!   CSRF token); `GET /session`: who is signed in; `DELETE /session`: signs out;
//!   `PUT /session/language` `{"language": "fr"}`: remembers the person's language.
//!
//! Once signed in, the browser calls the `/v1` API with the cookie; [`crate::identity`] accepts
//! it through `session_caller`, which demands the CSRF token on every change.

pub mod session;

use std::sync::Arc;

use axum::extract::{FromRequest, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::Router;
use serde::Deserialize;

use portwatch_model::{AuditAction, AuditEvent, Role};

use crate::apikeys::KeyIdentity;
use crate::identity::{caller_for_key, Caller, Credential};
use crate::problem::{Json, Path, Problem};
use crate::state::AppState;

pub use session::{Language, Session, SessionRefusal, Sessions};

/// Set on each request by the accept loop: whether its connection is TLS (the session cookie
/// is then marked `Secure`).
#[derive(Debug, Clone, Copy, Default)]
pub struct OverTls(pub bool);

/// The policy every console page is served with: scripts, styles, images and connections from
/// this server only; no inline script, no framing.
pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The console's files: name, media type, content.
pub const ASSETS: &[(&str, &str, &str)] = &[
    (
        "index.html",
        "text/html; charset=utf-8",
        include_str!("../../console/index.html"),
    ),
    (
        "app.css",
        "text/css; charset=utf-8",
        include_str!("../../console/app.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_str!("../../console/app.js"),
    ),
    (
        "i18n.js",
        "text/javascript; charset=utf-8",
        include_str!("../../console/i18n.js"),
    ),
    (
        "ui.js",
        "text/javascript; charset=utf-8",
        include_str!("../../console/ui.js"),
    ),
    (
        "checkpoint.js",
        "text/javascript; charset=utf-8",
        include_str!("../../console/checkpoint.js"),
    ),
    (
        "inbox.js",
        "text/javascript; charset=utf-8",
        include_str!("../../console/inbox.js"),
    ),
    (
        "records.js",
        "text/javascript; charset=utf-8",
        include_str!("../../console/records.js"),
    ),
    (
        "command.js",
        "text/javascript; charset=utf-8",
        include_str!("../../console/command.js"),
    ),
    (
        "icon.svg",
        "image/svg+xml",
        include_str!("../../console/icon.svg"),
    ),
];

/// The console's routes (merged beside `/v1` by [`crate::api::router`]).
pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(index))
        .route("/console", get(index))
        .route("/console/", get(index))
        .route("/console/{file}", get(asset))
        .route("/session", get(current).post(sign_in).delete(sign_out))
        .route("/session/language", put(set_language))
}

async fn index() -> Response {
    serve_asset("index.html").unwrap_or_else(|| Problem::not_found("no console").into_response())
}

async fn asset(Path(file): Path<String>) -> Response {
    serve_asset(&file).unwrap_or_else(|| {
        Problem::not_found(format!("the console has no file {file:?}")).into_response()
    })
}

fn serve_asset(name: &str) -> Option<Response> {
    let (_, media_type, body) = ASSETS.iter().find(|(n, _, _)| *n == name)?;
    let mut response = (StatusCode::OK, *body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    secure_headers(headers);
    Some(response)
}

/// The headers of every console answer: the CSP, no sniffing, no referrer, no caching of
/// answers that may hold personal data.
fn secure_headers(headers: &mut HeaderMap) {
    let set = |h: &mut HeaderMap, name: &'static str, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(headers, "content-security-policy", CONTENT_SECURITY_POLICY);
    set(headers, "x-content-type-options", "nosniff");
    set(headers, "referrer-policy", "no-referrer");
    set(headers, "x-frame-options", "DENY");
    set(headers, "cache-control", "no-cache");
}

/// `POST /session` body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SignIn {
    api_key: String,
}

/// `PUT /session/language` body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LanguageChoice {
    language: Language,
}

fn over_tls(req: &Request) -> bool {
    req.extensions()
        .get::<OverTls>()
        .copied()
        .unwrap_or_default()
        .0
}

/// `POST /session`: verifies the API key, opens a session, sets its cookie.
async fn sign_in(State(state): State<Arc<AppState>>, req: Request) -> Result<Response, Problem> {
    let tls = over_tls(&req);
    let Json(body) = Json::<SignIn>::from_request(req, &()).await?;
    let key = state
        .keys
        .verify(body.api_key.trim())
        .map_err(Problem::internal)?
        .ok_or_else(|| {
            state.metrics.denied();
            Problem::unauthenticated("the API key is unknown or revoked")
        })?;
    let caller = caller_for_key(&state, &key, None, Credential::Session).await?;
    state.audit.one(login_event(&caller)).await?;
    let (id, session) = state.sessions.open(key);
    let mut response = super::api::json(StatusCode::OK, &describe(&session, &caller));
    let headers = response.headers_mut();
    headers.insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&session::set_cookie(&id, tls)).map_err(Problem::internal)?,
    );
    secure_headers(headers);
    Ok(response)
}

/// `GET /session`: the signed-in person, so that a reloaded page need not sign in again.
async fn current(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let (_, session) = live_session(&state, &headers)?;
    let key = active_key(&state, &session)??;
    let caller = caller_for_key(&state, &key, None, Credential::Session).await?;
    let mut response = super::api::json(StatusCode::OK, &describe(&session, &caller));
    secure_headers(response.headers_mut());
    Ok(response)
}

/// `DELETE /session`: signs out (needs the CSRF token, like every change).
async fn sign_out(State(state): State<Arc<AppState>>, req: Request) -> Result<Response, Problem> {
    let tls = over_tls(&req);
    let (id, session) = live_session(&state, req.headers())?;
    require_csrf(&session, req.headers())?;
    state.sessions.close(&id);
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&session::clear_cookie(tls)).map_err(Problem::internal)?,
    );
    Ok(response)
}

/// `PUT /session/language`: the person's language, kept for their next sign-in.
async fn set_language(
    State(state): State<Arc<AppState>>,
    req: Request,
) -> Result<Response, Problem> {
    let (id, session) = live_session(&state, req.headers())?;
    require_csrf(&session, req.headers())?;
    let Json(choice) = Json::<LanguageChoice>::from_request(req, &()).await?;
    state
        .sessions
        .set_language(&id, choice.language)
        .map_err(Problem::internal)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn live_session(state: &AppState, headers: &HeaderMap) -> Result<(String, Session), Problem> {
    let id = session::cookie(headers, session::COOKIE)
        .ok_or_else(|| Problem::unauthenticated("not signed in: POST /session with an API key"))?;
    let session = state.sessions.touch(id).map_err(refusal_problem)?;
    Ok((id.to_string(), session))
}

fn refusal_problem(refusal: SessionRefusal) -> Problem {
    match refusal {
        SessionRefusal::Unknown => {
            Problem::unauthenticated("the console session is unknown or ended; sign in again")
        }
        SessionRefusal::Expired => {
            Problem::unauthenticated("the console session expired; sign in again")
        }
    }
}

fn require_csrf(session: &Session, headers: &HeaderMap) -> Result<(), Problem> {
    let presented = headers
        .get(session::CSRF_HEADER)
        .and_then(|v| v.to_str().ok());
    if session::csrf_matches(session, presented) {
        Ok(())
    } else {
        Err(Problem::forbidden(
            "csrf_token",
            "a change made with the console's session cookie must carry the session's token \
             in the X-CSRF-Token header",
        ))
    }
}

/// The API key a session was opened with, looked up again on every use so that revoking the
/// key ends its sessions at once: the inner error (401) when it was revoked, after closing every
/// session of that key.
fn active_key(
    state: &AppState,
    session: &Session,
) -> Result<Result<KeyIdentity, Problem>, Problem> {
    match state
        .keys
        .active(&session.key.id)
        .map_err(Problem::internal)?
    {
        Some(key) => Ok(Ok(key)),
        None => {
            state.sessions.close_for_key(&session.key.id);
            Ok(Err(Problem::unauthenticated(
                "the API key of this console session was revoked; sign in again",
            )))
        }
    }
}

/// The caller a session cookie stands for, for the `/v1` authentication middleware: `Ok(None)`
/// when the cookie names no live session (the middleware then tries the certificate, else
/// answers 401 with `refusal`), a 403 when a change comes without the CSRF token.
pub(crate) async fn session_caller(
    state: &AppState,
    presented: &PresentedSession,
    site: Option<String>,
) -> Result<Result<Caller, Problem>, Problem> {
    let session = match state.sessions.touch(&presented.id) {
        Ok(session) => session,
        Err(refusal) => return Ok(Err(refusal_problem(refusal))),
    };
    let key = match active_key(state, &session)? {
        Ok(key) => key,
        Err(refused) => return Ok(Err(refused)),
    };
    if presented.changes {
        let token_ok = session::csrf_matches(&session, presented.csrf.as_deref());
        if !token_ok {
            return Err(Problem::forbidden(
                "csrf_token",
                "a change made with the console's session cookie must carry the session's \
                 token in the X-CSRF-Token header",
            ));
        }
    }
    caller_for_key(state, &key, site, Credential::Session)
        .await
        .map(Ok)
}

/// The session a request was authenticated with (a request extension set by the middleware),
/// for answers that outlive the request: the hit alert stream.
#[derive(Debug, Clone)]
pub struct SessionId(pub String);

/// How often a stream opened with a session checks that the session (and its key) still holds.
const STREAM_CHECK: std::time::Duration = std::time::Duration::from_secs(15);

/// Resolves when the session a stream was opened with ends: at sign-out (at once), when its API
/// key is revoked or it reaches its absolute lifetime (within `STREAM_CHECK`). An open stream
/// counts as use, so a duty officer watching the live inbox is not signed out for being idle.
pub async fn session_ended(state: Arc<AppState>, id: String) {
    let Ok(session) = state.sessions.touch(&id) else {
        return;
    };
    let closed = session.closed();
    let absolute = tokio::time::Instant::from_std(session.absolute_end(&state.sessions));
    loop {
        tokio::select! {
            _ = closed.notified() => return,
            _ = tokio::time::sleep_until(absolute) => return,
            _ = tokio::time::sleep(STREAM_CHECK) => {}
        }
        let Ok(session) = state.sessions.touch(&id) else {
            return;
        };
        if !matches!(state.keys.active(&session.key.id), Ok(Some(_))) {
            state.sessions.close_for_key(&session.key.id);
            return;
        }
    }
}

/// What the authentication middleware reads of a request's session cookie (before any await).
#[derive(Debug, Clone)]
pub(crate) struct PresentedSession {
    pub id: String,
    pub csrf: Option<String>,
    /// Whether the request may change something (any method but GET and HEAD).
    pub changes: bool,
}

impl PresentedSession {
    pub fn from_request(req: &Request) -> Option<PresentedSession> {
        let id = session::cookie(req.headers(), session::COOKIE)?;
        if id.is_empty() {
            return None;
        }
        Some(PresentedSession {
            id: id.to_string(),
            csrf: req
                .headers()
                .get(session::CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
            changes: !matches!(*req.method(), Method::GET | Method::HEAD),
        })
    }
}

fn login_event(caller: &Caller) -> AuditEvent {
    crate::audit::event(caller, AuditAction::Login)
}

/// The sign-in answer: what the console needs to show the right screens.
fn describe(session: &Session, caller: &Caller) -> serde_json::Value {
    let roles: Vec<Role> = caller.roles.clone();
    serde_json::json!({
        "csrf_token": session.csrf_token,
        "agency": caller.agency,
        "roles": roles,
        "actor": caller.actor,
        "language": session.language,
        // The server's clock (a demo replays an operation on its own clock): countdowns to
        // follow-up deadlines are counted from it, not from the browser's.
        "server_time": caller.at.format(&time::format_description::well_known::Rfc3339).ok(),
    })
}
