//! `POST /v1/screen/manifest` in the formats carriers and ports already hold: the plain CSV
//! manifest (`Content-Type: text/csv`, or `?format=csv`) and UN/EDIFACT PAXLST
//! (`Content-Type: application/edifact`, or any type with `?format=paxlst`).
//!
//! The body is read whole (within the manifest limit: a PAXLST interchange is checked from its
//! `UNB` to its `UNZ` before anything in it can be trusted), turned into manifest entries by
//! `portwatch-formats`, and screened by the NDJSON manifest's own machinery in `screen`: the
//! same answer lines (`line` is the CSV row, or the line of the traveller's `NAD` segment), the
//! same summary, one search and one audit entry for the whole manifest, every match a stored
//! hit. A file that cannot be read as a whole (a bad CSV header, a broken EDIFACT envelope) is
//! answered `400` naming the line, the segment and the field, and nothing is screened.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::StreamExt;
use tokio::sync::mpsc;

use portwatch_engine::policy;
use portwatch_formats::manifest::{ManifestError, ManifestItem};
use portwatch_formats::{manifest_csv, paxlst};

use super::screen::{
    finish_manifest, screen_batch, ManifestInput, ManifestRun, BATCH_LINES, NDJSON,
};
use crate::identity::Caller;
use crate::problem::Problem;
use crate::state::AppState;

/// A manifest format other than NDJSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FileFormat {
    Csv,
    Paxlst,
}

/// The format a manifest request names: `?format=` first, then the content type; `None` for
/// NDJSON (the default, whatever the content type says, as before these formats existed).
pub(super) fn format_of(
    headers: &HeaderMap,
    query: Option<&str>,
) -> Result<Option<FileFormat>, Problem> {
    let param = query
        .into_iter()
        .flat_map(|q| q.split('&'))
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == "format")
        .map(|(_, v)| v.to_ascii_lowercase());
    if let Some(name) = param {
        return match name.as_str() {
            "csv" => Ok(Some(FileFormat::Csv)),
            "paxlst" | "edifact" => Ok(Some(FileFormat::Paxlst)),
            "ndjson" | "jsonl" => Ok(None),
            _ => Err(Problem::bad_field(
                "format",
                format!("format must be ndjson, csv or paxlst, got {name:?}"),
            )),
        };
    }
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
    Ok(match media.as_deref() {
        Some("text/csv") => Some(FileFormat::Csv),
        Some("application/edifact") => Some(FileFormat::Paxlst),
        _ => None,
    })
}

/// Reads, checks and screens a CSV or PAXLST manifest; answers like the NDJSON manifest.
pub(super) async fn manifest(
    state: Arc<AppState>,
    caller: Caller,
    format: FileFormat,
    body: Body,
) -> Result<Response, Problem> {
    let bytes = read_body(&state, body).await?;
    let today = caller.at.date();
    let items = tokio::task::spawn_blocking(move || match format {
        FileFormat::Csv => manifest_csv::read_all(&bytes),
        FileFormat::Paxlst => paxlst::read_items(&bytes, today),
    })
    .await
    .map_err(Problem::internal)?
    .map_err(whole_file_problem)?;
    let (inputs, stopped) = inputs(items, state.limits.manifest_items);
    let (tx, rx) = mpsc::channel::<Bytes>(8);
    tokio::spawn(run(state, caller, inputs, stopped, tx));
    let stream =
        tokio_stream::wrappers::ReceiverStream::new(rx).map(Ok::<_, std::convert::Infallible>);
    Ok(([(header::CONTENT_TYPE, NDJSON)], Body::from_stream(stream)).into_response())
}

/// The body, refused with 413 past the manifest limit.
async fn read_body(state: &AppState, body: Body) -> Result<Vec<u8>, Problem> {
    let limit = state.limits.manifest_bytes;
    let mut stream = body.into_data_stream();
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk =
            chunk.map_err(|e| Problem::bad_request(format!("the request body broke off: {e}")))?;
        if bytes.len() + chunk.len() > limit {
            return Err(Problem::too_large(format!(
                "the manifest is larger than the limit of {limit} bytes"
            )));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// A file that cannot be read at all: 400 naming where and what.
fn whole_file_problem(e: ManifestError) -> Problem {
    let field = match (&e.segment, e.field.is_empty()) {
        (_, false) => e.field.clone(),
        (Some((_, tag)), true) => tag.clone(),
        (None, true) => "body".to_string(),
    };
    Problem::bad_field(field, format!("the manifest cannot be read: {e}"))
}

/// An error's segment, field and rule, without its line (the answer line carries it).
fn row_problem(e: ManifestError) -> (String, String) {
    let detail = match &e.segment {
        Some((n, tag)) => format!("segment {n} {tag}: {}", e.rule),
        None => e.rule,
    };
    (e.field, detail)
}

/// The entries to screen, in order, at most `limit`; and why the rest was left, if it was.
fn inputs(
    items: Vec<Result<ManifestItem, ManifestError>>,
    limit: usize,
) -> (Vec<(u64, ManifestInput)>, Option<String>) {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Ok(item) => out.extend(
                item.entries
                    .into_iter()
                    .map(|entry| (item.line, ManifestInput::Read(Ok(Box::new(entry))))),
            ),
            Err(e) => out.push((e.line, ManifestInput::Read(Err(row_problem(e))))),
        }
    }
    if out.len() > limit {
        out.truncate(limit);
        return (
            out,
            Some(format!("the manifest has more than {limit} entries")),
        );
    }
    (out, None)
}

/// Screens the entries batch by batch on the blocking pool, streaming the answers, then writes
/// the search's audit entry and hits and sends the summary.
async fn run(
    state: Arc<AppState>,
    caller: Caller,
    inputs: Vec<(u64, ManifestInput)>,
    mut stopped: Option<String>,
    tx: mpsc::Sender<Bytes>,
) {
    let caller = Arc::new(caller);
    let engine_caller = Arc::new(policy::Caller::from_agency(&caller.agency));
    let mut run = ManifestRun::new(&state);
    let mut rest = inputs.into_iter().peekable();
    while rest.peek().is_some() {
        let batch: Vec<_> = rest.by_ref().take(BATCH_LINES).collect();
        let (s, c, e) = (state.clone(), caller.clone(), engine_caller.clone());
        let screened = tokio::task::spawn_blocking(move || {
            let out = screen_batch(&s, &c, &e, &mut run, batch);
            (out, run)
        })
        .await;
        match screened {
            Ok((out, back)) => {
                run = back;
                if tx.send(Bytes::from(out)).await.is_err() {
                    // The client hung up: what was screened is still audited below.
                    stopped.get_or_insert_with(|| "the client closed the connection".into());
                    break;
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "a manifest batch failed");
                return;
            }
        }
    }
    finish_manifest(&state, &caller, run, stopped, &tx).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with_type(t: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_str(t).unwrap());
        h
    }

    #[test]
    fn the_format_is_told_by_the_query_then_the_content_type() {
        let csv = with_type("text/csv; charset=utf-8");
        assert_eq!(format_of(&csv, None).unwrap(), Some(FileFormat::Csv));
        let edi = with_type("application/EDIFACT");
        assert_eq!(format_of(&edi, None).unwrap(), Some(FileFormat::Paxlst));
        let plain = with_type("text/plain");
        assert_eq!(format_of(&plain, None).unwrap(), None);
        assert_eq!(
            format_of(&plain, Some("format=paxlst")).unwrap(),
            Some(FileFormat::Paxlst)
        );
        assert_eq!(format_of(&csv, Some("format=ndjson")).unwrap(), None);
        assert!(format_of(&plain, Some("format=xml")).is_err());
    }
}
