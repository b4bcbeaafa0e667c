//! Limits that keep one caller from starving the others: body sizes, per-agency rate limits
//! (token buckets) and request timeouts. Each excess is answered with its own status and a
//! problem document that says which limit was hit: 413, 429 with `Retry-After`, 503.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use portwatch_model::AgencyId;

use crate::problem::Problem;
use crate::state::AppState;

/// The limits of one server.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest JSON body (records, screening requests).
    pub body_bytes: usize,
    /// Largest manifest body.
    pub manifest_bytes: usize,
    /// Most lines in one manifest.
    pub manifest_items: usize,
    /// Requests per second each agency may sustain …
    pub rate_per_second: f64,
    /// … and how many it may send at once above that.
    pub rate_burst: f64,
    /// Time allowed to produce a response's head (streams then run on).
    pub request_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            body_bytes: 1024 * 1024,
            manifest_bytes: 256 * 1024 * 1024,
            manifest_items: 2_000_000,
            rate_per_second: 2_000.0,
            rate_burst: 4_000.0,
            request_timeout: Duration::from_secs(30),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    refilled: Instant,
}

/// One token bucket per agency: `burst` tokens, refilled at `per_second`; a request takes one.
#[derive(Debug)]
pub struct RateLimiter {
    per_second: f64,
    burst: f64,
    buckets: Mutex<HashMap<AgencyId, Bucket>>,
}

impl RateLimiter {
    pub fn new(per_second: f64, burst: f64) -> Self {
        RateLimiter {
            per_second: per_second.max(0.001),
            burst: burst.max(1.0),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    pub fn per_second(&self) -> f64 {
        self.per_second
    }

    /// Takes a token for `agency`, or says in how many whole seconds one will be there.
    pub fn take(&self, agency: &AgencyId) -> Result<(), u64> {
        self.take_at(agency, Instant::now())
    }

    fn take_at(&self, agency: &AgencyId, now: Instant) -> Result<(), u64> {
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let bucket = match buckets.get_mut(agency) {
            Some(b) => b,
            None => buckets.entry(agency.clone()).or_insert(Bucket {
                tokens: self.burst,
                refilled: now,
            }),
        };
        let elapsed = now.saturating_duration_since(bucket.refilled).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.per_second).min(self.burst);
        bucket.refilled = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - bucket.tokens) / self.per_second;
            Err(wait.ceil().max(1.0) as u64)
        }
    }
}

/// Middleware: answers 503 when the handler has not produced a response in time.
pub async fn timeout(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let limit = state.limits.request_timeout;
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => {
            state.metrics.timed_out();
            Problem::timeout(format!(
                "the request took longer than {} s; retry later or send a smaller request",
                limit.as_secs_f64()
            ))
            .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_its_burst_then_refills() {
        let limiter = RateLimiter::new(1.0, 2.0);
        let a = AgencyId::parse("ncb-rabat").unwrap();
        let b = AgencyId::parse("ncb-madrid").unwrap();
        let t0 = Instant::now();
        assert!(limiter.take_at(&a, t0).is_ok());
        assert!(limiter.take_at(&a, t0).is_ok());
        assert_eq!(limiter.take_at(&a, t0), Err(1));
        // Another agency has its own bucket.
        assert!(limiter.take_at(&b, t0).is_ok());
        assert!(limiter
            .take_at(&a, t0 + Duration::from_millis(1100))
            .is_ok());
    }
}
