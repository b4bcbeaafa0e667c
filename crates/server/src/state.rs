//! What every request handler shares: the store, the caches in front of it, the audit writer,
//! the hit-alert channel, the limits and the counters.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use tokio::sync::{broadcast, Notify};

use portwatch_engine::{Engine, Policy};
use portwatch_model::{Agency, AgencyId, Hit, Operation, Record};
use portwatch_store::{Store, StoreError};

use crate::apikeys::ApiKeys;
use crate::audit::{AuditLog, FingerprintKey};
use crate::clock::Clock;
use crate::figures::LiveFigures;
use crate::hit_relay::PublishedHits;
use crate::limits::{Limits, RateLimiter};
use crate::metrics::Metrics;
use crate::problem::Problem;

/// How many hit alerts a slow subscriber may fall behind before it is told it missed some.
const ALERT_BACKLOG: usize = 4096;

/// The state shared by every request.
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub data: PathBuf,
    pub keys: ApiKeys,
    /// The web console's signed-in people ([`crate::console`]).
    pub sessions: crate::console::Sessions,
    pub audit: AuditLog,
    pub fingerprints: FingerprintKey,
    pub alerts: broadcast::Sender<Arc<Hit>>,
    pub limits: Limits,
    pub rate: RateLimiter,
    pub metrics: Metrics,
    /// The screening engine, fed from the store by [`crate::engine_link`].
    pub engine: Engine,
    /// What each caller may see of a hit; rebuilt when the agency directory changes.
    policy: RwLock<Arc<Policy>>,
    agencies: RwLock<HashMap<AgencyId, Agency>>,
    ready: AtomicBool,
    /// Woken after every record write, so the engine follows the change log at once.
    pub changes: Notify,
    /// Where every timestamp comes from (see [`crate::clock`]).
    pub clock: Clock,
    /// The operations, read again from the store when older than [`OPERATIONS_TTL`] (another
    /// node may have created one) or when this node changed one.
    operations: RwLock<Option<(Instant, Arc<Vec<Operation>>)>>,
    /// The operations' live figures, counted incrementally.
    pub figures: LiveFigures,
    /// The hits published lately, so that hits relayed from other nodes are published once
    /// ([`crate::hit_relay`]).
    pub published: PublishedHits,
}

/// How long the cached list of operations is trusted.
const OPERATIONS_TTL: Duration = Duration::from_secs(5);

impl AppState {
    /// Builds the state over an open store in data directory `data`.
    pub fn new(
        store: Arc<dyn Store>,
        data: PathBuf,
        limits: Limits,
        clock: Clock,
    ) -> anyhow::Result<AppState> {
        let directory = store.agencies()?;
        let policy = Policy::new(&directory);
        let agencies = directory.into_iter().map(|a| (a.id.clone(), a)).collect();
        let (alerts, _) = broadcast::channel(ALERT_BACKLOG);
        Ok(AppState {
            keys: ApiKeys::open(&data),
            sessions: crate::console::Sessions::new(&data),
            fingerprints: FingerprintKey::load_or_create(&data)?,
            audit: AuditLog::start(store.clone()),
            rate: RateLimiter::new(limits.rate_per_second, limits.rate_burst),
            store,
            data,
            alerts,
            limits,
            metrics: Metrics::default(),
            engine: Engine::new(policy.clone()),
            policy: RwLock::new(Arc::new(policy)),
            agencies: RwLock::new(agencies),
            ready: AtomicBool::new(false),
            changes: Notify::new(),
            clock,
            operations: RwLock::new(None),
            figures: LiveFigures::default(),
            published: PublishedHits::default(),
        })
    }

    /// Runs a store call on the blocking pool, so SQLite never stalls the request workers.
    pub async fn with_store<T, F>(&self, call: F) -> Result<T, Problem>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Store) -> Result<T, StoreError> + Send + 'static,
    {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || call(store.as_ref()))
            .await
            .map_err(Problem::internal)?
            .map_err(Problem::from)
    }

    /// An agency by id: from the cache, else from the store (agencies added by another
    /// process appear without a restart).
    pub async fn agency(&self, id: &AgencyId) -> Result<Option<Agency>, Problem> {
        if let Some(a) = self
            .agencies
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(id)
        {
            return Ok(Some(a.clone()));
        }
        let wanted = id.clone();
        let found = self.with_store(move |s| s.agency(&wanted)).await?;
        if let Some(a) = &found {
            self.remember_agency(a.clone());
        }
        Ok(found)
    }

    /// Every agency known to the cache.
    pub fn cached_agencies(&self) -> Vec<Agency> {
        let mut all: Vec<Agency> = self
            .agencies
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .cloned()
            .collect();
        all.sort_by(|a, b| a.id.cmp(&b.id));
        all
    }

    /// Puts an agency in the cache (and the policy) after it was written to the store.
    pub fn remember_agency(&self, agency: Agency) {
        let mut policy = (*self.policy()).clone();
        policy.add_agency(&agency);
        self.engine.set_policy(policy.clone());
        *self.policy.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(policy);
        self.agencies
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(agency.id.clone(), agency);
    }

    /// The current policy.
    pub fn policy(&self) -> Arc<Policy> {
        self.policy
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Whether the screening engine is loaded.
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }

    pub fn set_ready(&self) {
        self.ready.store(true, Ordering::Release);
    }

    /// A record version was written through the API: the engine applies it at once (so the
    /// next search sees it) and the follower reads the change log for anything else.
    pub fn record_written(&self, record: &Record) {
        self.engine.apply(record);
        self.changes.notify_one();
    }

    /// Tells every alert subscriber about new hits and follow-up changes (nobody listening is
    /// fine). A hit already published in the same follow-up state (made here, then relayed
    /// back from the store's notification, or the other way round) is not published again.
    pub fn publish_hits(&self, hits: &[Hit]) {
        for hit in hits {
            if self.published.first_time(hit) {
                let _ = self.alerts.send(Arc::new(hit.clone()));
            }
        }
    }

    /// Every operation, from a cache at most `OPERATIONS_TTL` old.
    pub async fn operations(&self) -> Result<Arc<Vec<Operation>>, Problem> {
        if let Some((at, ops)) = &*self.operations.read().unwrap_or_else(|p| p.into_inner()) {
            if at.elapsed() < OPERATIONS_TTL {
                return Ok(ops.clone());
            }
        }
        let ops = Arc::new(self.with_store(|s| s.operations()).await?);
        *self.operations.write().unwrap_or_else(|p| p.into_inner()) =
            Some((Instant::now(), ops.clone()));
        Ok(ops)
    }

    /// Forgets the cached operations after this node changed one.
    pub fn operations_changed(&self) {
        *self.operations.write().unwrap_or_else(|p| p.into_inner()) = None;
    }
}
