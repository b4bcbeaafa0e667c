//! `GET /v1/hits/stream`: hit alerts as Server-Sent Events, live.
//!
//! Each subscriber gets the hits on its own agency's records: new hits and every change to
//! their follow-up. A hit on another agency's record never reaches a subscriber, whatever it
//! asks (the owner alone decides who else learns of it). Events are named `hit`; a
//! subscriber too slow to keep up gets a `lagged` event saying how many it missed (it can
//! catch up with `GET /v1/hits`), and a comment every 15 s keeps idle connections open. A
//! stream opened with a console session ends when the session does.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use futures_util::StreamExt;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::wrappers::BroadcastStream;

use portwatch_model::{Hit, Role};

use crate::access::{refuse_partners, HitView};
use crate::console::{session_ended, SessionId};
use crate::identity::Caller;
use crate::problem::Problem;
use crate::state::AppState;

/// Whether an alert for `hit` goes to `caller`.
pub fn alert_goes_to(caller: &Caller, hit: &Hit) -> bool {
    hit.owner == *caller.agency_id()
}

/// Unsubscribes the metrics gauge when the stream is dropped.
struct Subscription(Arc<AppState>);

impl Drop for Subscription {
    fn drop(&mut self) {
        self.0.metrics.subscriber_left();
    }
}

pub async fn stream(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    session: Option<Extension<SessionId>>,
) -> Result<Response, Problem> {
    caller.require_any(
        &[Role::RecordsEditor, Role::Analyst],
        "following hit alerts",
    )?;
    refuse_partners(&caller, "hit alerts")?;
    let ended: std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> = match session {
        Some(Extension(SessionId(id))) => Box::pin(session_ended(state.clone(), id)),
        None => Box::pin(std::future::pending()),
    };
    let receiver = state.alerts.subscribe();
    state.metrics.subscriber_joined();
    let guard = Subscription(state.clone());
    let events = BroadcastStream::new(receiver).filter_map(move |item| {
        let _alive = &guard;
        let event = match item {
            Ok(hit) if alert_goes_to(&caller, &hit) => {
                let view = HitView::of((*hit).clone(), true, state.clock.now());
                Event::default()
                    .event("hit")
                    .id(hit.id.to_string())
                    .json_data(&view)
                    .ok()
            }
            Ok(_) => None,
            Err(BroadcastStreamRecvError::Lagged(missed)) => Some(
                Event::default()
                    .event("lagged")
                    .data(format!("{{\"missed\":{missed}}}")),
            ),
        };
        std::future::ready(event.map(Ok::<_, Infallible>))
    });
    let events = events.take_until(ended);
    Ok(Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response())
}
