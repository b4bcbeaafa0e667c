//! The portwatch domain: agencies, the three kinds of record (travel documents, persons,
//! vehicles), operations and their sites, hits and their follow-up, investigative leads and
//! audit events.
//!
//! Pure data with its rules: no I/O, no clock reads except in [`Id::generate`]. Every value is
//! checked when it is built — through its constructor or while deserialising — so a record
//! that breaks a rule cannot exist, and every error names the field and the rule
//! ([`ModelError`]).
//!
//! The JSON shape of these types is the API's and the JSON Lines import's: snake_case fields,
//! dates as `YYYY-MM-DD`, times as RFC 3339 UTC, country codes as ISO 3166-1 alpha-3.

pub mod agency;
pub mod audit;
pub mod error;
pub mod hit;
pub mod operation;
pub mod record;
pub mod values;

pub use agency::{Agency, AgencyKind, Role};
pub use audit::{AuditAction, AuditEntry, AuditEvent};
pub use error::{ModelError, Valid};
pub use hit::{Action, ActionTaken, FollowUpState, Hit, MatchKind};
pub use operation::{
    Category, Investigation, LeadStatus, Locode, Operation, Outcome, Partner, PartnerAccess, Site,
};
pub use record::{
    Database, DocumentHolder, DocumentNumber, DocumentStatus, DocumentType, Identifier,
    IdentifierKind, NameKind, Notice, NoticeKind, Person, PersonFlag, PersonName, Plate, Record,
    RecordBody, RecordContent, RecordStatus, Sex, TerrorismItem, TravelDocument, Vehicle, Vin,
    Visibility,
};
pub use values::{AgencyId, CountryCode, Id, PartialDate};
