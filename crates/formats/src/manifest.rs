//! Passenger and vehicle manifests as carriers and ports hold them: the plain CSV manifest
//! ([`manifest_csv`](crate::manifest_csv)) and UN/EDIFACT PAXLST ([`paxlst`](crate::paxlst)),
//! read into the engine's [`ManifestEntry`] values — the same entries the NDJSON manifest of the
//! API and the CLI carries — so every format is screened the same way.
//!
//! A reader yields one [`ManifestItem`] per row (CSV) or per traveller (PAXLST), or a
//! [`ManifestError`] naming the line, the field and the rule, and goes on with the next one: a
//! ferry's manifest with one unreadable passenger still screens the other four hundred. A
//! problem with the file as a whole (a bad header, a broken EDIFACT envelope) stops the reading,
//! because nothing after it can be trusted.
//!
//! Every entry a reader yields has passed the engine's own checks
//! ([`TravellerRequest::check`], [`VehicleRequest::check`], [`DocumentRequest::check`]), so
//! screening it cannot fail on its fields.

use std::fmt;

use portwatch_engine::{
    DocumentRequest, ManifestEntry, RequestError, Subject, TravellerRequest, VehicleRequest,
};

/// A manifest format portwatch reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManifestFormat {
    /// One JSON object a line: `{"reference": …, "traveller"|"document"|"vehicle": {…}}`.
    Ndjson,
    /// The plain CSV manifest (see [`manifest_csv`](crate::manifest_csv)).
    Csv,
    /// UN/EDIFACT PAXLST (see [`paxlst`](crate::paxlst)).
    Paxlst,
}

impl ManifestFormat {
    /// The format's name as the CLI and the API's `?format=` take it.
    pub fn as_str(self) -> &'static str {
        match self {
            ManifestFormat::Ndjson => "ndjson",
            ManifestFormat::Csv => "csv",
            ManifestFormat::Paxlst => "paxlst",
        }
    }

    /// Reads a format name: `ndjson` (or `jsonl`), `csv`, `paxlst` (or `edifact`).
    pub fn parse(name: &str) -> Option<ManifestFormat> {
        match name.trim().to_ascii_lowercase().as_str() {
            "ndjson" | "jsonl" => Some(ManifestFormat::Ndjson),
            "csv" => Some(ManifestFormat::Csv),
            "paxlst" | "edifact" => Some(ManifestFormat::Paxlst),
            _ => None,
        }
    }
}

/// What one row or one traveller of a manifest screens: one entry, or two when a CSV row holds
/// both a traveller and a vehicle, or a PAXLST traveller carries more than one document.
#[derive(Debug, Clone, PartialEq)]
pub struct ManifestItem {
    /// 1-based line where the row (CSV) or the traveller's `NAD` segment (PAXLST) starts.
    pub line: u64,
    pub entries: Vec<ManifestEntry>,
}

/// A row, a traveller or a file that could not be read: where, which field, which rule.
///
/// Displays as ``line 12, field `birth_date`: …`` (CSV) or
/// ``line 9 (segment 14 DTM), field `DTM+329`: …`` (PAXLST).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestError {
    /// 1-based line of the input.
    pub line: u64,
    /// 1-based position of the EDIFACT segment in the interchange, with its tag (PAXLST only).
    pub segment: Option<(u64, String)>,
    /// The column (CSV), or segment and qualifier (PAXLST), at fault; empty for the row as a
    /// whole.
    pub field: String,
    /// What the value should have been.
    pub rule: String,
}

impl ManifestError {
    pub fn new(line: u64, field: impl Into<String>, rule: impl Into<String>) -> Self {
        ManifestError {
            line,
            segment: None,
            field: field.into(),
            rule: rule.into(),
        }
    }

    /// An error of the engine's checks, placed on a line, with `field` the format's own name for
    /// the request field at fault (a CSV column, a PAXLST segment).
    pub(crate) fn from_request(line: u64, e: RequestError, field: impl Into<String>) -> Self {
        ManifestError::new(line, field, e.message)
    }
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}", self.line)?;
        if let Some((n, tag)) = &self.segment {
            write!(f, " (segment {n} {tag})")?;
        }
        if self.field.is_empty() {
            write!(f, ": {}", self.rule)
        } else {
            write!(f, ", field `{}`: {}", self.field, self.rule)
        }
    }
}

impl std::error::Error for ManifestError {}

/// Checks a subject the way the engine will when it screens it, so a reader reports a bad value
/// with its line instead of the screening failing later.
pub(crate) fn check_subject(subject: &Subject) -> Result<(), RequestError> {
    match subject {
        Subject::Traveller(t) => t.check().map(drop),
        Subject::Document(d) => d.check().map(drop),
        Subject::Vehicle(v) => v.check().map(drop),
    }
}

/// Whether a traveller request names someone or something to screen.
pub(crate) fn traveller_is_empty(t: &TravellerRequest) -> bool {
    t.names.is_empty()
        && t.surname.is_none()
        && t.given_names.is_none()
        && t.document_number.is_none()
}

/// Whether a vehicle request holds anything.
pub(crate) fn vehicle_is_empty(v: &VehicleRequest) -> bool {
    v.vin.is_none() && v.plate.is_none() && v.plate_country.is_none()
}

/// A manifest entry with its reference.
pub(crate) fn entry(reference: Option<String>, subject: Subject) -> ManifestEntry {
    ManifestEntry { reference, subject }
}

/// A document entry (a PAXLST traveller's second document).
pub(crate) fn document_entry(
    reference: Option<String>,
    number: String,
    issuing_state: String,
) -> ManifestEntry {
    entry(
        reference,
        Subject::Document(DocumentRequest {
            number,
            issuing_state,
        }),
    )
}
