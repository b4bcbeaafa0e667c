//! Hit alerts across nodes: a hit made, or followed up, on any node reaches the alert
//! subscribers of every node.
//!
//! A node publishes the hits it makes to its own subscribers at once
//! ([`AppState::publish_hits`]). When the store can tell which hits any process committed or
//! followed up ([`Store::hit_wakeups`](portwatch_store::Store::hit_wakeups): PostgreSQL's
//! NOTIFY with the hit's id), a thread receives those ids, reads each hit as it now stands and
//! publishes it too. Every publication goes through [`PublishedHits`], which remembers the
//! follow-up state last published for each recent hit, so a subscriber gets each state of a
//! hit once, whichever of the two paths comes first. The owner filter of the SSE stream
//! (`api::alerts`) applies to relayed hits as to local ones.
//!
//! Notifications are hints and alerts are live news: ids notified while the listener
//! reconnects are lost, and two quick follow-ups may arrive as the latter only. A subscriber
//! that must miss nothing reads `GET /v1/hits`, which is the store's truth.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use tokio::sync::watch;

use portwatch_model::{Hit, Id};
use portwatch_store::HitWakeups;

use crate::engine_link::{listen_until_stopped, LISTEN_WAIT};
use crate::state::AppState;

/// How many hits [`PublishedHits`] remembers: far more than arrive in the moment between a
/// node publishing a hit and its own notification coming back.
const REMEMBERED: usize = 100_000;

/// What this node has published lately, so that a hit (in one follow-up state) is published
/// once. Inactive (every hit is published) until a relay runs.
#[derive(Default)]
pub struct PublishedHits(Mutex<Option<Recent>>);

#[derive(Default)]
struct Recent {
    /// Each remembered hit's follow-up fingerprint as last published.
    states: HashMap<Id, u64>,
    /// The remembered hits, oldest first, to forget beyond [`REMEMBERED`].
    order: VecDeque<Id>,
}

impl PublishedHits {
    /// Starts remembering: hits now reach this node by two paths.
    pub fn activate(&self) {
        let mut recent = self.0.lock().unwrap_or_else(|p| p.into_inner());
        recent.get_or_insert_with(Recent::default);
    }

    /// True when `hit`, in its current follow-up state, was not published yet (always true
    /// while inactive); remembers it as published.
    pub fn first_time(&self, hit: &Hit) -> bool {
        let mut guard = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let Some(recent) = guard.as_mut() else {
            return true;
        };
        let fingerprint = follow_up_fingerprint(hit);
        match recent.states.insert(hit.id, fingerprint) {
            Some(previous) => previous != fingerprint,
            None => {
                recent.order.push_back(hit.id);
                if recent.order.len() > REMEMBERED {
                    if let Some(oldest) = recent.order.pop_front() {
                        recent.states.remove(&oldest);
                    }
                }
                true
            }
        }
    }
}

/// What changes over a hit's life: its follow-up. Everything else is fixed at its creation.
fn follow_up_fingerprint(hit: &Hit) -> u64 {
    let mut hasher = DefaultHasher::new();
    hit.state.hash(&mut hasher);
    hit.instructions.hash(&mut hasher);
    hit.action_taken.hash(&mut hasher);
    hasher.finish()
}

/// Starts relaying hits committed by any process to this node's subscribers, when the store
/// can tell of them; stops when `stopped` turns true.
pub fn start_relay(state: &Arc<AppState>, stopped: watch::Receiver<bool>) {
    let opened = state.store.hit_wakeups();
    if matches!(opened, Ok(None)) {
        return;
    }
    state.published.activate();
    let relay = state.clone();
    listen_until_stopped(
        "portwatch-hit-relay",
        "hit notifications",
        stopped,
        opened,
        move || relay.store.hit_wakeups(),
        {
            let state = state.clone();
            move |wakeups: &mut Box<dyn HitWakeups>| relay_once(&state, wakeups.as_mut())
        },
    );
}

/// Waits for notified hits and publishes those this node has not published as they stand.
fn relay_once(state: &AppState, wakeups: &mut dyn HitWakeups) -> portwatch_store::Result<()> {
    let mut ids = wakeups.wait(LISTEN_WAIT)?;
    if state.alerts.receiver_count() == 0 {
        // Nobody follows alerts here: nothing to read.
        return Ok(());
    }
    let mut seen = std::collections::HashSet::new();
    ids.retain(|id| seen.insert(*id));
    for id in ids {
        if let Some(hit) = state.store.hit(id)? {
            state.publish_hits(std::slice::from_ref(&hit));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use portwatch_model::{Action, ActionTaken, AgencyId, Database, FollowUpState, MatchKind};
    use time::OffsetDateTime;

    fn hit() -> Hit {
        let now = OffsetDateTime::now_utc();
        Hit {
            id: Id::generate(),
            search_id: Id::generate(),
            database: Database::Documents,
            record_id: Id::generate(),
            record_version: 1,
            owner: AgencyId::parse("ncb-rabat").unwrap(),
            agency: AgencyId::parse("bp-tanger-med").unwrap(),
            operation: None,
            site: None,
            match_kind: MatchKind::Exact,
            score: 1.0,
            action: Action::SeizeDocument,
            at: now,
            state: FollowUpState::Pending,
            deadline: now,
            instructions: None,
            action_taken: None,
        }
    }

    #[test]
    fn inactive_every_hit_is_published() {
        let published = PublishedHits::default();
        let h = hit();
        assert!(published.first_time(&h));
        assert!(published.first_time(&h));
    }

    #[test]
    fn each_follow_up_state_is_published_once() {
        let published = PublishedHits::default();
        published.activate();
        let mut h = hit();
        assert!(published.first_time(&h));
        assert!(!published.first_time(&h), "the same state again");
        h.state = FollowUpState::Rejected;
        assert!(published.first_time(&h), "a new follow-up state");
        assert!(!published.first_time(&h));
        h.action_taken = Some(ActionTaken::Released);
        assert!(published.first_time(&h));
        h.instructions = Some("release".into());
        assert!(published.first_time(&h));
        assert!(published.first_time(&hit()), "another hit");
    }

    #[test]
    fn the_memory_is_bounded() {
        let published = PublishedHits::default();
        published.activate();
        let first = hit();
        assert!(published.first_time(&first));
        for _ in 0..REMEMBERED {
            assert!(published.first_time(&hit()));
        }
        let recent = published.0.lock().unwrap();
        let recent = recent.as_ref().unwrap();
        assert_eq!(recent.order.len(), REMEMBERED);
        assert_eq!(recent.states.len(), REMEMBERED);
        assert!(
            !recent.states.contains_key(&first.id),
            "the oldest is forgotten"
        );
    }
}
