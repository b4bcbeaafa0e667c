//! The [`Store`] trait and the values it speaks in, independent of any database engine.
//!
//! The trait is synchronous and object-safe so that the server can hold an `Arc<dyn Store>`
//! and the CLI can call it without a runtime. Every method is one transaction: it either
//! happens completely or not at all.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use portwatch_model::Id;
use portwatch_model::{
    ActionTaken, Agency, AgencyId, AuditEntry, AuditEvent, Database, FollowUpState, Hit,
    Investigation, Operation, Record, RecordContent, RecordStatus,
};

use crate::error::Result;
pub use crate::find::RecordQuery;
use crate::prepared::PreparedRecords;

/// What happened to one item of [`Store::put_records`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum PutOutcome {
    /// No record had this natural key: version 1 was written.
    Created { id: Id },
    /// The latest version already held exactly this content and is active: nothing written.
    Unchanged { id: Id },
    /// The content differed (or the record was cancelled): a new version was written.
    Updated { id: Id, version: u32 },
    /// The natural key belongs to a record of another owner: nothing written for this item.
    Rejected { id: Id, reason: String },
}

impl PutOutcome {
    /// The record the item resolved to.
    pub fn id(&self) -> Id {
        match self {
            PutOutcome::Created { id }
            | PutOutcome::Unchanged { id }
            | PutOutcome::Updated { id, .. }
            | PutOutcome::Rejected { id, .. } => *id,
        }
    }

    /// True when the item wrote a new version.
    pub fn wrote(&self) -> bool {
        matches!(
            self,
            PutOutcome::Created { .. } | PutOutcome::Updated { .. }
        )
    }
}

/// One entry of the change log: a record version and its position in the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// Position in the change log, from 1; strictly increasing in commit order.
    pub seq: u64,
    pub record: Record,
}

/// How many records one owner has in one database with one status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordCount {
    pub database: Database,
    pub owner: AgencyId,
    pub status: RecordStatus,
    pub count: u64,
}

/// Counts for `portwatch stats`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreStats {
    /// The version of the store's schema.
    pub schema_version: u32,
    /// Records (by their latest version), grouped by database, owner and status, sorted.
    pub records: Vec<RecordCount>,
    /// Every version ever written, cancelled and superseded ones included.
    pub versions: u64,
    /// The last position of the change log (0 when empty).
    pub head_seq: u64,
    pub agencies: u64,
    pub operations: u64,
    pub hits: u64,
    pub investigations: u64,
    pub audit_entries: u64,
}

impl StoreStats {
    /// Records of a database with a status, all owners together.
    pub fn count(&self, database: Database, status: RecordStatus) -> u64 {
        self.records
            .iter()
            .filter(|c| c.database == database && c.status == status)
            .map(|c| c.count)
            .sum()
    }

    /// Every record, all databases, owners and statuses together.
    pub fn total_records(&self) -> u64 {
        self.records.iter().map(|c| c.count).sum()
    }
}

/// A change to the follow-up of a hit; `None` leaves a field as it is, so the owner (who gives
/// instructions) and the checkpoint (who reports what it did) never overwrite each other.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FollowUp {
    pub state: Option<FollowUpState>,
    pub instructions: Option<String>,
    pub action_taken: Option<ActionTaken>,
}

/// Which hits to list. Hits come in id order (which is creation order); pass the last id of a
/// page as `after` to read the next page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HitFilter {
    pub owner: Option<AgencyId>,
    pub agency: Option<AgencyId>,
    pub operation: Option<Id>,
    pub state: Option<FollowUpState>,
    pub after: Option<Id>,
    pub limit: usize,
}

impl Default for HitFilter {
    fn default() -> Self {
        HitFilter {
            owner: None,
            agency: None,
            operation: None,
            state: None,
            after: None,
            limit: 100,
        }
    }
}

/// The result of checking the audit chain from its first entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditReport {
    /// Entries read.
    pub checked: u64,
    /// The hash of the last entry that verified (64 zeros when none did).
    pub last_good_hash: String,
    /// The first place where the chain is broken, if any.
    pub broken: Option<AuditBreak>,
}

impl AuditReport {
    pub fn is_intact(&self) -> bool {
        self.broken.is_none()
    }
}

/// Where and how the audit chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditBreak {
    /// The first sequence number that does not verify.
    pub seq: u64,
    pub reason: String,
}

/// Tells a follower at once that some process committed to the change log
/// ([`Store::change_wakeups`]). A wake-up is a hint: the follower then reads
/// [`Store::changes_since`] from its own position, so a wake-up lost (while a listener
/// reconnects) costs only latency.
pub trait ChangeWakeups: Send {
    /// Blocks up to `timeout` for commits to the change log; returns the highest position
    /// notified, or `None` when the time ran out. An error (the database went away) is
    /// reported once; the next call reconnects.
    fn wait(&mut self, timeout: Duration) -> Result<Option<u64>>;
}

/// Tells a node the ids of hits any process has committed or whose follow-up it changed
/// ([`Store::hit_wakeups`]), so that it can alert its own subscribers of hits made elsewhere.
pub trait HitWakeups: Send {
    /// Blocks up to `timeout`; returns the ids notified in commit order (empty when the time
    /// ran out; an id may come more than once). Read each hit with [`Store::hit`]. An error is
    /// reported once; the next call reconnects, and ids notified meanwhile are lost.
    fn wait(&mut self, timeout: Duration) -> Result<Vec<Id>>;
}

/// Persistence of everything portwatch keeps: records with their full history and the change
/// log, agencies, operations, hits, investigations and the audit chain.
///
/// Implementations must keep the invariants listed in the crate documentation; the SQLite one
/// is [`crate::SqliteStore`].
pub trait Store: Send + Sync {
    // --- records -------------------------------------------------------------------------

    /// Writes a batch of records by natural key, in one transaction: new keys get version 1,
    /// changed content a new version, identical content nothing (so re-importing a file
    /// changes nothing), and a cancelled record put again becomes active as a new version.
    /// An item whose key belongs to another owner is [`PutOutcome::Rejected`] and the rest of
    /// the batch still applies. Outcomes are in the order of `batch`.
    fn put_records(&self, batch: &[RecordContent], at: OffsetDateTime) -> Result<Vec<PutOutcome>>;

    /// [`Store::put_records`] of a batch already serialised and hashed by
    /// [`PreparedRecords::new`], so that a caller with a stream of batches (an import) does
    /// that work on another thread while the previous batch is written.
    fn put_prepared(&self, batch: &PreparedRecords, at: OffsetDateTime) -> Result<Vec<PutOutcome>>;

    /// [`Store::put_prepared`] without waiting for the disk, for the batches of an import:
    /// when it returns the batch is committed, visible to readers and safe from the process
    /// being killed, but a power cut may still lose it until the next [`Store::sync`] or
    /// durable write. Never half of it, and never a batch without those committed after it:
    /// a durable write makes everything committed before it durable, so no durable hit, audit
    /// entry or version can outlive a deferred batch it came after. The caller syncs before it
    /// reports the batches written (`portwatch import` does, once at the end, instead of once
    /// per batch). A backend may make every write durable; PostgreSQL does.
    fn put_prepared_deferred(
        &self,
        batch: &PreparedRecords,
        at: OffsetDateTime,
    ) -> Result<Vec<PutOutcome>>;

    /// Makes every write committed so far durable (see [`Store::put_prepared_deferred`]);
    /// returns at once when there is nothing to sync.
    fn sync(&self) -> Result<()>;

    /// Replaces the content of a record (a new version unless the content is identical and the
    /// record active). `content.owner` must be the record's owner; with `expected_version`, the
    /// write happens only if the latest version is still that one.
    fn update_record(
        &self,
        id: Id,
        expected_version: Option<u32>,
        content: RecordContent,
        at: OffsetDateTime,
    ) -> Result<Record>;

    /// Cancels a record (only its owner may): a new version with status cancelled, which never
    /// matches again but stays in the history. Cancelling a cancelled record changes nothing.
    fn cancel_record(&self, id: Id, by: &AgencyId, at: OffsetDateTime) -> Result<Record>;

    /// The latest version of a record.
    fn record(&self, id: Id) -> Result<Option<Record>>;

    /// Every version of a record, oldest first (empty when the record does not exist).
    fn record_history(&self, id: Id) -> Result<Vec<Record>>;

    /// The latest version of the record with this natural key
    /// ([`RecordContent::natural_key`]).
    fn record_by_natural_key(&self, natural_key: &str) -> Result<Option<Record>>;

    /// One owner's records (latest versions) matching the query, in id order (creation
    /// order), at most `query.limit`; pass the last id of a page as `after` for the next one.
    /// Walks the owner's records through an index on (owner, id), so a page costs the records
    /// it passes over, never the whole store.
    fn find_records(&self, query: &RecordQuery) -> Result<Vec<Record>>;

    // --- change log ----------------------------------------------------------------------

    /// The position of the last change (0 when the log is empty).
    fn head_seq(&self) -> Result<u64>;

    /// Up to `limit` changes after position `after_seq`, in log order. A follower keeps the
    /// last `seq` it applied and asks again from there.
    fn changes_since(&self, after_seq: u64, limit: usize) -> Result<Vec<Change>>;

    /// Calls `visit` with the latest version of every active record, from one consistent
    /// snapshot, and returns the change-log position of that snapshot: a follower continues
    /// with `changes_since(returned_seq, ..)` and misses nothing.
    fn for_each_active(&self, visit: &mut dyn FnMut(Record)) -> Result<u64>;

    /// Counts for `portwatch stats`.
    fn stats(&self) -> Result<StoreStats>;

    /// Wake-ups at each commit to the change log by any process, on a connection of their
    /// own; `None` (the default) when the store has no such signal and followers poll. The
    /// PostgreSQL store has them (LISTEN/NOTIFY), so nodes on one database screen each
    /// other's writes at once; SQLite serves one process, whose own writes wake its follower.
    fn change_wakeups(&self) -> Result<Option<Box<dyn ChangeWakeups>>> {
        Ok(None)
    }

    /// The ids of hits committed, or whose follow-up changed, in any process; `None` (the
    /// default) when the store cannot tell. The PostgreSQL store can, so every node alerts
    /// its subscribers of hits made on any node.
    fn hit_wakeups(&self) -> Result<Option<Box<dyn HitWakeups>>> {
        Ok(None)
    }

    // --- agencies ------------------------------------------------------------------------

    /// Creates or replaces an agency.
    fn put_agency(&self, agency: &Agency) -> Result<()>;
    fn agency(&self, id: &AgencyId) -> Result<Option<Agency>>;
    /// Every agency, by id.
    fn agencies(&self) -> Result<Vec<Agency>>;

    // --- operations ----------------------------------------------------------------------

    /// Creates or replaces an operation (by id); its code must not belong to another one.
    fn put_operation(&self, operation: &Operation) -> Result<()>;
    fn operation(&self, id: Id) -> Result<Option<Operation>>;
    fn operation_by_code(&self, code: &str) -> Result<Option<Operation>>;
    /// Every operation, by start date then code.
    fn operations(&self) -> Result<Vec<Operation>>;

    // --- hits ----------------------------------------------------------------------------

    /// Stores new hits in one transaction; each must name an existing record and, when it has
    /// one, an existing operation.
    fn insert_hits(&self, hits: &[Hit]) -> Result<()>;
    fn hit(&self, id: Id) -> Result<Option<Hit>>;
    /// Applies a follow-up change and returns the hit as it now stands.
    fn update_hit_follow_up(&self, id: Id, change: &FollowUp) -> Result<Hit>;
    /// A page of hits matching every condition of the filter.
    fn hits(&self, filter: &HitFilter) -> Result<Vec<Hit>>;

    // --- investigations ------------------------------------------------------------------

    /// Creates or replaces an investigation (by id).
    fn put_investigation(&self, investigation: &Investigation) -> Result<()>;
    fn investigation(&self, id: Id) -> Result<Option<Investigation>>;
    /// Investigations of one operation, or every one with `None`, in id order.
    fn investigations(&self, operation: Option<Id>) -> Result<Vec<Investigation>>;

    // --- audit ---------------------------------------------------------------------------

    /// Appends events to the audit chain, in one transaction, and returns them as chained.
    /// Concurrent appends (threads, processes, nodes) still form one valid chain.
    fn append_audit(&self, events: &[AuditEvent]) -> Result<Vec<AuditEntry>>;

    /// Up to `limit` entries after `after_seq`, in order.
    fn audit_entries(&self, after_seq: u64, limit: usize) -> Result<Vec<AuditEntry>>;

    /// Recomputes the whole chain and reports the first changed, removed or reordered entry.
    fn verify_audit(&self) -> Result<AuditReport>;
}
