//! Screening: a traveller, a document, a vehicle, or a whole manifest (NDJSON in, NDJSON out,
//! streamed).
//!
//! Every search is exactly one audit entry, written before the answer (or, for a manifest,
//! its summary line) leaves the server: who, agency, site, when, the kind of query, the keyed
//! fingerprint of the query and the records revealed. Every match is stored as a hit for its
//! owner to follow up — also when the caller may only be told "contact the owner" — and
//! alerted to the owner at once.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use bytes::Bytes;
use futures_util::StreamExt;
use serde::Serialize;
use time::OffsetDateTime;
use tokio::sync::mpsc;

use portwatch_engine::{
    policy, DocumentRequest, ManifestEntry, Match, RequestError, RevealedHit, Subject,
    TravellerRequest, VehicleRequest,
};
use portwatch_model::{AuditAction, FollowUpState, Hit, Id, Role};

use crate::audit::{event, new_search_id, QueryFingerprint};
use crate::identity::Caller;
use crate::ndjson::LineSplitter;
use crate::problem::{Problem, Typed};
use crate::state::AppState;

/// One hit as the searcher sees it: the hit's id (to record the action taken) and what the
/// policy reveals.
#[derive(Debug, Serialize)]
pub(super) struct ShownHit {
    pub(super) hit_id: Id,
    #[serde(flatten)]
    pub(super) revealed: RevealedHit,
}

/// The answer to one search.
#[derive(Debug, Serialize)]
struct SearchAnswer {
    search_id: Id,
    hit: bool,
    hits: Vec<ShownHit>,
}

fn request_problem(e: RequestError) -> Problem {
    let field = e.field.clone();
    Problem::bad_field(field.clone(), format!("field `{field}`: {}", e.message))
}

pub(super) fn may_screen(state: &AppState, caller: &Caller) -> Result<(), Problem> {
    caller.require(Role::Screener, "screening")?;
    if !state.is_ready() {
        return Err(Problem::unavailable(
            "the screening engine is still loading; retry in a moment",
        ));
    }
    Ok(())
}

/// The hits a search's matches make: one per match, pending, with the owner's deadline.
fn hits_of(matches: &[Match], caller: &Caller, search_id: Id, at: OffsetDateTime) -> Vec<Hit> {
    matches
        .iter()
        .map(|m| Hit {
            id: Id::generate(),
            search_id,
            database: m.database,
            record_id: m.record_id,
            record_version: m.record_version,
            owner: m.policy.owner.clone(),
            agency: caller.agency.id.clone(),
            operation: caller.operation,
            site: caller.site.clone(),
            match_kind: m.match_kind,
            score: m.score,
            action: m.action,
            at,
            state: FollowUpState::Pending,
            deadline: at + m.action.follow_up_deadline(),
            instructions: None,
            action_taken: None,
        })
        .collect()
}

/// What one screened subject produced: the caller's view, the stored hits, the records
/// revealed.
pub(super) struct Screened {
    pub(super) shown: Vec<ShownHit>,
    pub(super) hits: Vec<Hit>,
    pub(super) revealed: Vec<Id>,
}

pub(super) fn screen_matches(
    state: &AppState,
    caller: &Caller,
    engine_caller: &policy::Caller,
    matches: Vec<Match>,
    search_id: Id,
    at: OffsetDateTime,
) -> Screened {
    let hits = hits_of(&matches, caller, search_id, at);
    let screening = state.policy().reveal(engine_caller, matches);
    let revealed = screening
        .hits
        .iter()
        .filter_map(|h| h.as_full().map(|v| v.record_id))
        .collect();
    let shown = hits
        .iter()
        .zip(screening.hits)
        .map(|(hit, revealed)| ShownHit {
            hit_id: hit.id,
            revealed,
        })
        .collect();
    Screened {
        shown,
        hits,
        revealed,
    }
}

/// Matches one subject against the engine.
pub(super) fn match_subject(
    state: &AppState,
    subject: &Subject,
    today: time::Date,
) -> Result<Vec<Match>, RequestError> {
    Ok(match subject {
        Subject::Document(d) => state.engine.match_document(&d.check()?, today),
        Subject::Vehicle(v) => state.engine.match_vehicle(&v.check()?, today),
        Subject::Traveller(t) => state.engine.match_traveller(&t.check_on(today)?, today),
    })
}

fn action_of(subject: &Subject) -> AuditAction {
    match subject {
        Subject::Document(_) => AuditAction::ScreenDocument,
        Subject::Vehicle(_) => AuditAction::ScreenVehicle,
        Subject::Traveller(_) => AuditAction::ScreenTraveller,
    }
}

/// Screens one subject, writes its audit entry and hits, alerts the owners, and answers.
async fn search(
    state: Arc<AppState>,
    caller: Caller,
    subject: Subject,
) -> Result<Response, Problem> {
    may_screen(&state, &caller)?;
    let action = action_of(&subject);
    let at = caller.at;
    let matches = match_subject(&state, &subject, at.date()).map_err(request_problem)?;
    let canonical = serde_json::to_vec(&subject).map_err(Problem::internal)?;
    let search_id = new_search_id();
    let engine_caller = policy::Caller::from_agency(&caller.agency);
    let screened = screen_matches(&state, &caller, &engine_caller, matches, search_id, at);
    let mut e = event(&caller, action);
    e.search_id = Some(search_id);
    e.query_fingerprint = Some(state.fingerprints.fingerprint(action, &canonical));
    e.revealed = screened.revealed;
    e.hits = screened.hits.len() as u32;
    state.audit.record(vec![e], screened.hits.clone()).await?;
    state.publish_hits(&screened.hits);
    state.metrics.search(action, 1, screened.hits.len() as u64);
    let answer = SearchAnswer {
        search_id,
        hit: !screened.shown.is_empty(),
        hits: screened.shown,
    };
    Ok(super::json(StatusCode::OK, &answer))
}

/// `POST /v1/screen/document`.
pub async fn document(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Typed(request): Typed<DocumentRequest>,
) -> Result<Response, Problem> {
    search(state, caller, Subject::Document(request)).await
}

/// `POST /v1/screen/vehicle`.
pub async fn vehicle(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Typed(request): Typed<VehicleRequest>,
) -> Result<Response, Problem> {
    search(state, caller, Subject::Vehicle(request)).await
}

/// `POST /v1/screen/traveller`.
pub async fn traveller(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Typed(request): Typed<TravellerRequest>,
) -> Result<Response, Problem> {
    search(state, caller, Subject::Traveller(request)).await
}

// ---- Manifests ----------------------------------------------------------------------------

/// Longest manifest line accepted.
const MAX_LINE_BYTES: usize = 16 * 1024;
/// Lines screened per batch (one hop to the blocking pool each).
pub(super) const BATCH_LINES: usize = 2048;

/// The media type of manifests and their answers.
pub const NDJSON: &str = "application/x-ndjson";

/// One answered manifest line.
#[derive(Serialize)]
struct LineAnswer<'a> {
    line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<&'a str>,
    hits: &'a [ShownHit],
}

/// One manifest line that could not be screened.
#[derive(Serialize)]
struct LineError<'a> {
    line: u64,
    error: LineProblem<'a>,
}

#[derive(Serialize)]
struct LineProblem<'a> {
    #[serde(skip_serializing_if = "str::is_empty")]
    field: &'a str,
    detail: String,
}

/// The last line of a manifest's answer.
#[derive(Serialize)]
struct Summary {
    summary: SummaryFields,
}

#[derive(Serialize)]
struct SummaryFields {
    search_id: Id,
    entries: u64,
    errors: u64,
    hits: u64,
    /// Why the manifest was cut short, if it was (the lines before were screened and audited).
    #[serde(skip_serializing_if = "Option::is_none")]
    stopped: Option<String>,
}

/// The running totals of one manifest.
pub(super) struct ManifestRun {
    search_id: Id,
    entries: u64,
    errors: u64,
    hits: Vec<Hit>,
    revealed: Vec<Id>,
    fingerprint: QueryFingerprint,
}

impl ManifestRun {
    pub(super) fn new(state: &AppState) -> Self {
        ManifestRun {
            search_id: new_search_id(),
            entries: 0,
            errors: 0,
            hits: Vec::new(),
            revealed: Vec::new(),
            fingerprint: state.fingerprints.start(AuditAction::ScreenManifest),
        }
    }
}

/// One manifest entry to screen: an NDJSON line still to parse, or what the reader of another
/// format (CSV, PAXLST: `manifest_formats`) made of a row — an entry or the field and rule
/// that kept it from being one.
pub(super) enum ManifestInput {
    Json(Vec<u8>),
    Read(Result<Box<ManifestEntry>, (String, String)>),
}

impl ManifestInput {
    /// The entry, feeding the search's fingerprint with what was screened.
    fn entry(self, run: &mut ManifestRun) -> Result<ManifestEntry, (String, String)> {
        let raw = match self {
            ManifestInput::Json(raw) => raw,
            ManifestInput::Read(read) => {
                let entry = read?;
                run.fingerprint
                    .update(&serde_json::to_vec(&entry).unwrap_or_default());
                return Ok(*entry);
            }
        };
        run.fingerprint.update(&raw);
        serde_path_to_error::deserialize::<_, ManifestEntry>(
            &mut serde_json::Deserializer::from_slice(&raw),
        )
        .map_err(|e| {
            let field = e.path().to_string();
            let field = if field == "." { String::new() } else { field };
            (field, e.into_inner().to_string())
        })
    }
}

/// Screens a batch of lines on the blocking pool; returns the answer lines.
pub(super) fn screen_batch(
    state: &AppState,
    caller: &Caller,
    engine_caller: &policy::Caller,
    run: &mut ManifestRun,
    lines: Vec<(u64, ManifestInput)>,
) -> Vec<u8> {
    let at = state.clock.now();
    let today = at.date();
    let mut out = Vec::with_capacity(lines.len() * 32);
    for (number, input) in lines {
        let entry = match input.entry(run) {
            Ok(entry) => entry,
            Err((field, detail)) => {
                write_line(
                    &mut out,
                    &LineError {
                        line: number,
                        error: LineProblem {
                            field: &field,
                            detail,
                        },
                    },
                );
                run.errors += 1;
                continue;
            }
        };
        match match_subject(state, &entry.subject, today) {
            Ok(matches) => {
                run.entries += 1;
                let screened =
                    screen_matches(state, caller, engine_caller, matches, run.search_id, at);
                write_line(
                    &mut out,
                    &LineAnswer {
                        line: number,
                        reference: entry.reference.as_deref(),
                        hits: &screened.shown,
                    },
                );
                run.hits.extend(screened.hits);
                run.revealed.extend(screened.revealed);
            }
            Err(e) => {
                write_line(
                    &mut out,
                    &LineError {
                        line: number,
                        error: LineProblem {
                            field: &e.field,
                            detail: e.message,
                        },
                    },
                );
                run.errors += 1;
            }
        }
    }
    out
}

fn write_line(out: &mut Vec<u8>, value: &impl Serialize) {
    // Serialising these plain structs into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, value);
    out.push(b'\n');
}

/// `POST /v1/screen/manifest`: NDJSON lines `{"traveller"|"document"|"vehicle": {...},
/// "reference": "..."}` in; one answer line per input line, in order, streamed as they are
/// screened; then a summary line. The whole manifest is one search: one audit entry. A CSV
/// manifest or a PAXLST interchange (told by the content type or `?format=`) is read by
/// [`super::manifest_formats`] and answered the same way.
pub async fn manifest(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Problem> {
    may_screen(&state, &caller)?;
    if let Some(format) = super::manifest_formats::format_of(&headers, query.as_deref())? {
        return super::manifest_formats::manifest(state, caller, format, body).await;
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let limit = state.limits.manifest_bytes as u64;
    if declared.is_some_and(|len| len > limit) {
        return Err(Problem::too_large(format!(
            "the manifest is larger than the limit of {limit} bytes"
        )));
    }
    let (tx, rx) = mpsc::channel::<Bytes>(8);
    tokio::spawn(run_manifest(state, caller, body, tx));
    let stream =
        tokio_stream::wrappers::ReceiverStream::new(rx).map(Ok::<_, std::convert::Infallible>);
    Ok(([(header::CONTENT_TYPE, NDJSON)], Body::from_stream(stream)).into_response())
}

async fn run_manifest(state: Arc<AppState>, caller: Caller, body: Body, tx: mpsc::Sender<Bytes>) {
    let caller = Arc::new(caller);
    let engine_caller = Arc::new(policy::Caller::from_agency(&caller.agency));
    let mut run = Some(ManifestRun::new(&state));
    let mut splitter = LineSplitter::new(MAX_LINE_BYTES, state.limits.manifest_items as u64);
    let mut stream = body.into_data_stream();
    let mut received = 0u64;
    let mut pending = Vec::new();
    let mut stopped = None;
    let mut client_gone = false;
    loop {
        let chunk = match stream.next().await {
            Some(Ok(chunk)) => Some(chunk),
            Some(Err(e)) => {
                stopped = Some(format!("the request body broke off: {e}"));
                None
            }
            None => None,
        };
        let at_end = chunk.is_none();
        if let Some(chunk) = chunk {
            received += chunk.len() as u64;
            if received > state.limits.manifest_bytes as u64 {
                stopped = Some(format!(
                    "the manifest is larger than the limit of {} bytes",
                    state.limits.manifest_bytes
                ));
            } else if let Err(e) = splitter.push(&chunk, &mut pending) {
                stopped = Some(e.to_string());
            }
        } else if stopped.is_none() {
            if let Err(e) = splitter.finish(&mut pending) {
                stopped = Some(e.to_string());
            }
        }
        let finishing = at_end || stopped.is_some();
        if pending.len() >= BATCH_LINES || (finishing && !pending.is_empty()) {
            let lines = std::mem::take(&mut pending)
                .into_iter()
                .map(|(n, raw)| (n, ManifestInput::Json(raw)))
                .collect();
            let (s, c, e) = (state.clone(), caller.clone(), engine_caller.clone());
            let mut current = run.take().expect("the run is put back after every batch");
            let screened = tokio::task::spawn_blocking(move || {
                let out = screen_batch(&s, &c, &e, &mut current, lines);
                (out, current)
            })
            .await;
            match screened {
                Ok((out, current)) => {
                    run = Some(current);
                    if !client_gone && tx.send(Bytes::from(out)).await.is_err() {
                        // The client hung up: what was screened is still audited below.
                        client_gone = true;
                        stopped.get_or_insert_with(|| "the client closed the connection".into());
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, "a manifest batch failed");
                    return;
                }
            }
        }
        if finishing || client_gone {
            break;
        }
    }
    let run = run.expect("the run is put back after every batch");
    finish_manifest(&state, &caller, run, stopped, &tx).await;
}

pub(super) async fn finish_manifest(
    state: &AppState,
    caller: &Caller,
    run: ManifestRun,
    stopped: Option<String>,
    tx: &mpsc::Sender<Bytes>,
) {
    let mut e = event(caller, AuditAction::ScreenManifest);
    e.search_id = Some(run.search_id);
    e.query_fingerprint = Some(run.fingerprint.finish());
    let mut revealed = run.revealed;
    revealed.sort();
    revealed.dedup();
    e.revealed = revealed;
    e.hits = run.hits.len() as u32;
    let hit_count = run.hits.len() as u64;
    let summary = match state.audit.record(vec![e], run.hits.clone()).await {
        Ok(_) => {
            state.publish_hits(&run.hits);
            state
                .metrics
                .search(AuditAction::ScreenManifest, run.entries, hit_count);
            Summary {
                summary: SummaryFields {
                    search_id: run.search_id,
                    entries: run.entries,
                    errors: run.errors,
                    hits: hit_count,
                    stopped,
                },
            }
        }
        Err(problem) => Summary {
            summary: SummaryFields {
                search_id: run.search_id,
                entries: 0,
                errors: run.errors,
                hits: 0,
                stopped: Some(format!(
                    "the search could not be recorded: {}",
                    problem.detail
                )),
            },
        },
    };
    let mut out = Vec::new();
    write_line(&mut out, &summary);
    let _ = tx.send(Bytes::from(out)).await;
}
