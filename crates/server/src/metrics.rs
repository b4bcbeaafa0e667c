//! Counters for `/metrics`, in the Prometheus text exposition format.
//!
//! Plain atomics and one small map keyed by route and status: cheap enough to update on every
//! request, and nothing in them can identify a traveller (no query content, no record id).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use portwatch_model::AuditAction;

/// The server's counters.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), (u64, f64)>>,
    searches: Mutex<BTreeMap<&'static str, u64>>,
    hits: AtomicU64,
    denied: AtomicU64,
    rate_limited: AtomicU64,
    timed_out: AtomicU64,
    tls_refused: AtomicU64,
    connections: AtomicU64,
    alert_subscribers: AtomicU64,
}

impl Metrics {
    /// Counts a finished request of `route` (the matched path pattern, never the raw URI).
    pub fn request(&self, route: &str, status: u16, seconds: f64) {
        let mut map = self.requests.lock().unwrap_or_else(|p| p.into_inner());
        match map.get_mut(&(route.to_string(), status)) {
            Some(entry) => {
                entry.0 += 1;
                entry.1 += seconds;
            }
            None => {
                map.insert((route.to_string(), status), (1, seconds));
            }
        }
    }

    pub fn search(&self, action: AuditAction, items: u64, hits: u64) {
        let name = match action {
            AuditAction::ScreenTraveller => "traveller",
            AuditAction::ScreenDocument => "document",
            AuditAction::ScreenVehicle => "vehicle",
            AuditAction::ScreenManifest => "manifest_item",
            _ => "other",
        };
        *self
            .searches
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(name)
            .or_default() += items;
        self.hits.fetch_add(hits, Ordering::Relaxed);
    }

    pub fn denied(&self) {
        self.denied.fetch_add(1, Ordering::Relaxed);
    }

    pub fn rate_limited(&self) {
        self.rate_limited.fetch_add(1, Ordering::Relaxed);
    }

    pub fn timed_out(&self) {
        self.timed_out.fetch_add(1, Ordering::Relaxed);
    }

    pub fn tls_refused(&self) {
        self.tls_refused.fetch_add(1, Ordering::Relaxed);
    }

    pub fn connection(&self) {
        self.connections.fetch_add(1, Ordering::Relaxed);
    }

    pub fn subscriber_joined(&self) {
        self.alert_subscribers.fetch_add(1, Ordering::Relaxed);
    }

    pub fn subscriber_left(&self) {
        self.alert_subscribers.fetch_sub(1, Ordering::Relaxed);
    }

    /// The Prometheus text exposition of every counter.
    pub fn render(&self, ready: bool) -> String {
        let mut out = String::new();
        let requests = self
            .requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        out.push_str(
            "# HELP portwatch_http_requests_total HTTP requests answered, by route and status.\n",
        );
        out.push_str("# TYPE portwatch_http_requests_total counter\n");
        for ((route, status), (count, _)) in &requests {
            let _ = writeln!(
                out,
                "portwatch_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {count}"
            );
        }
        out.push_str("# HELP portwatch_http_request_seconds_total Time spent answering requests, by route and status.\n");
        out.push_str("# TYPE portwatch_http_request_seconds_total counter\n");
        for ((route, status), (_, secs)) in &requests {
            let _ = writeln!(out, "portwatch_http_request_seconds_total{{route=\"{route}\",status=\"{status}\"}} {secs:.6}");
        }
        out.push_str("# HELP portwatch_searches_total Items screened, by kind.\n");
        out.push_str("# TYPE portwatch_searches_total counter\n");
        for (kind, count) in self
            .searches
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
        {
            let _ = writeln!(out, "portwatch_searches_total{{kind=\"{kind}\"}} {count}");
        }
        let counters = [
            (
                "portwatch_hits_total",
                "Hits produced by searches.",
                &self.hits,
            ),
            (
                "portwatch_denied_total",
                "Requests refused for want of identity.",
                &self.denied,
            ),
            (
                "portwatch_rate_limited_total",
                "Requests refused by an agency rate limit.",
                &self.rate_limited,
            ),
            (
                "portwatch_timeouts_total",
                "Requests that ran out of time.",
                &self.timed_out,
            ),
            (
                "portwatch_tls_refused_total",
                "Connections whose TLS handshake failed (no, foreign or revoked certificate).",
                &self.tls_refused,
            ),
            (
                "portwatch_connections_total",
                "Connections accepted.",
                &self.connections,
            ),
        ];
        for (name, help, value) in counters {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                value.load(Ordering::Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "# HELP portwatch_alert_subscribers Open hit-alert streams.\n# TYPE portwatch_alert_subscribers gauge\nportwatch_alert_subscribers {}",
            self.alert_subscribers.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP portwatch_ready Whether the screening engine is loaded.\n# TYPE portwatch_ready gauge\nportwatch_ready {}",
            u8::from(ready)
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exposition_lists_every_counter() {
        let m = Metrics::default();
        m.request("/healthz", 200, 0.001);
        m.request("/healthz", 200, 0.001);
        m.search(AuditAction::ScreenDocument, 3, 1);
        let text = m.render(true);
        assert!(text.contains("portwatch_http_requests_total{route=\"/healthz\",status=\"200\"} 2"));
        assert!(text.contains("portwatch_searches_total{kind=\"document\"} 3"));
        assert!(text.contains("portwatch_hits_total 1"));
        assert!(text.contains("portwatch_ready 1"));
    }
}
