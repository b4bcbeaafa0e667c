//! The one error type of the store. Every message says what went wrong and what to do about it,
//! because it reaches an operator on the command line or an API client unchanged.

use std::path::PathBuf;

use portwatch_model::{AgencyId, Id};

/// What can go wrong when reading or writing the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// `open` was pointed at a directory without a store.
    #[error("data directory {} has no store: run `portwatch init --data {}`", dir.display(), dir.display())]
    NoStore { dir: PathBuf },

    /// `create` was pointed at a directory that already holds a store.
    #[error(
        "data directory {} already holds a store; use it as it is, or pass another --data directory",
        dir.display()
    )]
    AlreadyExists { dir: PathBuf },

    /// The store file exists but is not an SQLite database.
    #[error(
        "{} is not a portwatch store (it is not an SQLite database): move it away, or pass \
         another --data directory",
        path.display()
    )]
    NotAStore { path: PathBuf },

    /// The store was written by a newer portwatch than this one.
    #[error(
        "the store in {} has schema version {found}, but this portwatch knows only up to version \
         {supported}: upgrade portwatch before using this data directory",
        dir.display()
    )]
    SchemaTooNew {
        dir: PathBuf,
        found: u32,
        supported: u32,
    },

    /// A record, hit, operation, agency or lead that does not exist.
    #[error("{kind} {id} does not exist")]
    NotFound { kind: &'static str, id: String },

    /// Someone other than the owner tried to change a record.
    #[error("record {id} is owned by {owner}; only its owner may change it ({by} tried)")]
    NotOwner {
        id: Id,
        owner: AgencyId,
        by: AgencyId,
    },

    /// An optimistic update found that someone else changed the record first.
    #[error(
        "version conflict on record {id}: expected version {expected}, found {found}; \
         read the record again and reapply your change"
    )]
    VersionConflict { id: Id, expected: u32, found: u32 },

    /// A write that would break a uniqueness rule or refer to something absent.
    #[error("{0}")]
    Conflict(String),

    /// Stored data that cannot be read back: damage or tampering outside portwatch.
    #[error(
        "the store holds data portwatch cannot read ({0}); run `portwatch audit verify` and \
         restore the data directory from a backup if the damage is real"
    )]
    Corrupt(String),

    /// Another process held the write lock for longer than the store waits.
    #[error(
        "the store is busy: another process has held its write lock for over {seconds} s; \
         retry, or stop the other portwatch process using this data directory"
    )]
    Busy { seconds: u64 },

    /// The database could not be reached, or the connection broke during the call (refused,
    /// closed, timed out, the server shutting down). Nothing is wrong with the request: the
    /// same call succeeds once the database answers again, and the store reconnects by itself.
    /// The reason is said once, with no source chained behind it, so that printing the error
    /// with its causes does not repeat it.
    #[error(
        "database unavailable: {reason}; portwatch reconnects by itself once it answers again"
    )]
    Unavailable { reason: String },

    /// A file-system error while creating or opening the data directory.
    #[error("cannot use data directory {}: {source}", dir.display())]
    Io {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// Any other error of the database engine underneath.
    #[error("storage error: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl StoreError {
    /// True when the database could not be reached: a server answers 503 and the caller
    /// retries, rather than reporting a fault.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, StoreError::Unavailable { .. })
    }
}

/// Shorthand for the store's results.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
