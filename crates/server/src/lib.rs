//! portwatch's secure network: the HTTPS API that border posts, NCBs, partners and the
//! General Secretariat use, over mutual TLS.
//!
//! - [`pki`]: the network's certificate authority (`portwatch ca …`): agency and server
//!   certificates, the revocation list.
//! - [`tls`]: rustls configuration (TLS 1.3/1.2, strong suites, *ring* only) and the client
//!   certificate verifier that checks revocation on every new connection.
//! - [`identity`] and [`apikeys`]: who is calling (certificate or API key), with which roles.
//! - [`access`]: what each caller may see of records and hits.
//! - [`audit`]: one hash-chained audit entry per search, access and change, with keyed query
//!   fingerprints instead of queries.
//! - [`limits`], [`metrics`], [`problem`]: body sizes, rate limits and timeouts; Prometheus
//!   counters; RFC 9457 problem documents for every error.
//! - [`server`]: the accept loop; [`api`]: the routes; [`console`]: the web console and its
//!   sign-in sessions.
//!
//! Secrets (keys, API key secrets) and query contents are never written to the log output.

pub mod access;
pub mod api;
pub mod apikeys;
pub mod audit;
pub mod client;
pub mod clock;
pub mod console;
pub mod engine_link;
pub mod figures;
pub mod hit_relay;
pub mod identity;
pub mod limits;
pub mod metrics;
pub mod ndjson;
pub mod operations;
pub mod pki;
pub mod problem;
pub mod server;
pub mod state;
pub mod tls;

pub use clock::Clock;
pub use limits::Limits;
pub use server::{start, RunningServer, ServerConfig, StartError};
pub use tls::ServerTlsFiles;
