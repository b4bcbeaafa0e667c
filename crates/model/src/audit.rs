//! Audit entries: one for every search, record access and change.
//!
//! The model only says what an entry holds. The store chains entries by hashes (each entry's
//! hash covers its content and the previous entry's hash), so that any changed, removed or
//! reordered entry is detected.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::values::{AgencyId, Id};

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    ScreenTraveller,
    ScreenDocument,
    ScreenVehicle,
    ScreenManifest,
    RecordRead,
    RecordCreate,
    RecordUpdate,
    RecordCancel,
    Import,
    HitFollowUp,
    AgencyChange,
    OperationChange,
    Login,
}

/// One audited event, before the store chains it.
///
/// Never holds the query itself: `query_fingerprint` is a keyed hash of it, so an auditor can
/// prove which query was made (by recomputing the fingerprint) without the log revealing
/// personal data to whoever reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub agency: AgencyId,
    /// The person (API key name or certificate subject) acting for the agency.
    pub actor: String,
    pub site: Option<String>,
    pub operation: Option<Id>,
    pub action: AuditAction,
    /// The search this event is, when it is one: hits point back to it.
    pub search_id: Option<Id>,
    pub query_fingerprint: Option<String>,
    /// The records whose data was revealed (or changed) by this event.
    pub revealed: Vec<Id>,
    /// How many hits the search produced.
    pub hits: u32,
}

/// An event as stored, chained to the one before it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Position in the chain, from 1.
    pub seq: u64,
    #[serde(flatten)]
    pub event: AuditEvent,
    /// Hex SHA-256 of the previous entry (64 zeros for the first).
    pub prev_hash: String,
    /// Hex SHA-256 over `prev_hash` and this entry's canonical content.
    pub hash: String,
}
