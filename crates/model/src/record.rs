//! The three kinds of record — travel documents (SLTD), persons (nominal data) and stolen motor
//! vehicles (SMV) — and the envelope every record shares: owner, visibility, review date,
//! version and status.
//!
//! A record is written as a [`RecordContent`] (what its owner says) and stored as a [`Record`]
//! (the content plus the identity, version and status the store gives it). Deserialising a
//! content checks every rule, so an invalid record cannot be built from JSON or CSV either.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::error::{ModelError, Valid};
use crate::values::{optional_text, text, AgencyId, CountryCode, Id, PartialDate};

/// Which database a record belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Database {
    /// Stolen and lost travel documents (SLTD).
    Documents,
    /// Nominal data: persons with notices and flags.
    Persons,
    /// Stolen motor vehicles (SMV).
    Vehicles,
}

impl Database {
    pub const ALL: [Database; 3] = [Database::Documents, Database::Persons, Database::Vehicles];

    pub fn as_str(self) -> &'static str {
        match self {
            Database::Documents => "documents",
            Database::Persons => "persons",
            Database::Vehicles => "vehicles",
        }
    }
}

impl fmt::Display for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Database {
    type Err = ModelError;
    fn from_str(s: &str) -> Valid<Self> {
        Database::ALL
            .into_iter()
            .find(|d| d.as_str() == s)
            .ok_or_else(|| {
                ModelError::new(
                    "database",
                    format!("must be documents, persons or vehicles, got {s:?}"),
                )
            })
    }
}

/// Who may see a record when it matches.
///
/// Written as text, the same in JSON and CSV: `all`, `owner_only`, or `countries:MAR,ESP`
/// (the owner's country always sees its own records).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Visibility {
    /// Every agency of the network.
    All,
    /// Agencies of the listed countries (and the owner).
    Countries(Vec<CountryCode>),
    /// Only the owner; anyone else whose search matches learns just "hit: contact the owner".
    OwnerOnly,
}

impl FromStr for Visibility {
    type Err = ModelError;
    fn from_str(raw: &str) -> Valid<Self> {
        let s = raw.trim();
        match s {
            "all" => Ok(Visibility::All),
            "owner_only" => Ok(Visibility::OwnerOnly),
            _ => {
                let Some(list) = s.strip_prefix("countries:") else {
                    return Err(ModelError::new(
                        "visibility",
                        format!("must be all, owner_only or countries:AAA,BBB, got {raw:?}"),
                    ));
                };
                let mut countries = list
                    .split(',')
                    .map(|c| CountryCode::parse(c).map_err(|e| e.within("visibility")))
                    .collect::<Valid<Vec<_>>>()?;
                countries.sort();
                countries.dedup();
                Ok(Visibility::Countries(countries))
            }
        }
    }
}

impl fmt::Display for Visibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Visibility::All => f.write_str("all"),
            Visibility::OwnerOnly => f.write_str("owner_only"),
            Visibility::Countries(list) => {
                f.write_str("countries:")?;
                for (i, c) in list.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    f.write_str(c.as_str())?;
                }
                Ok(())
            }
        }
    }
}

impl TryFrom<String> for Visibility {
    type Error = ModelError;
    fn try_from(s: String) -> Valid<Self> {
        s.parse()
    }
}

impl From<Visibility> for String {
    fn from(v: Visibility) -> String {
        v.to_string()
    }
}

/// Whether a stored version is in force. Cancelled records are kept as history and never match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordStatus {
    Active,
    Cancelled,
}

// ---------------------------------------------------------------------------------------------
// Travel documents

/// The kind of travel document (ICAO 9303 document codes P, I/A/C, V and the rest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentType {
    Passport,
    IdCard,
    Visa,
    Other,
}

impl DocumentType {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentType::Passport => "passport",
            DocumentType::IdCard => "id_card",
            DocumentType::Visa => "visa",
            DocumentType::Other => "other",
        }
    }
}

/// Why a document is in the SLTD database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentStatus {
    /// Stolen before it was issued to anyone: any holder is an impostor.
    StolenBlank,
    StolenIssued,
    Lost,
    Revoked,
    Invalidated,
}

/// A travel-document number in its canonical form (upper-case ASCII letters and digits, no
/// separators), as the `ident` crate defines it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DocumentNumber(String);

impl DocumentNumber {
    /// Canonicalises and checks: 1–20 letters or digits once separators are dropped.
    pub fn parse(raw: &str) -> Valid<Self> {
        let canonical = portwatch_ident::document_number::canonical(raw);
        let only_alnum = raw
            .chars()
            .all(|c| c.is_alphanumeric() || " -/.<".contains(c));
        if canonical.is_empty() || canonical.len() > 20 || !only_alnum {
            return Err(ModelError::new(
                "",
                format!(
                    "must be 1-20 letters or digits (separators - / . and spaces are ignored), \
                     got {raw:?}"
                ),
            ));
        }
        Ok(DocumentNumber(canonical))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DocumentNumber {
    type Error = ModelError;
    fn try_from(s: String) -> Valid<Self> {
        DocumentNumber::parse(&s)
    }
}

impl From<DocumentNumber> for String {
    fn from(n: DocumentNumber) -> String {
        n.0
    }
}

/// What is known of the person a document was issued to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentHolder {
    pub surname: Option<String>,
    pub given_names: Option<String>,
    pub birth_date: Option<PartialDate>,
    pub nationality: Option<CountryCode>,
}

/// A stolen, lost, revoked or invalidated travel document (SLTD).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TravelDocument {
    pub number: DocumentNumber,
    pub issuing_state: CountryCode,
    #[serde(rename = "type")]
    pub doc_type: DocumentType,
    pub status: DocumentStatus,
    #[serde(default)]
    pub reported_on: Option<Date>,
    #[serde(default)]
    pub reported_place: Option<String>,
    #[serde(default)]
    pub holder: Option<DocumentHolder>,
}

impl TravelDocument {
    fn validate(&mut self) -> Valid<()> {
        self.reported_place = optional_text("reported_place", self.reported_place.as_deref(), 200)?;
        if let Some(h) = &mut self.holder {
            h.surname = optional_text("holder.surname", h.surname.as_deref(), 200)?;
            h.given_names = optional_text("holder.given_names", h.given_names.as_deref(), 200)?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Persons (nominal data)

/// The standing of one name of a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameKind {
    /// The name the owner files the person under; exactly one per person.
    Primary,
    /// A known alias of good quality.
    Alias,
    /// A low-quality alias (a nickname, a partial name): weaker evidence when it matches.
    WeakAlias,
    /// The name written in its original script (Arabic, Cyrillic …).
    OriginalScript,
}

/// One name of a person, as written on the source document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonName {
    pub full: String,
    pub kind: NameKind,
}

/// The kind of identifier a person holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentifierKind {
    Passport,
    NationalId,
    Other,
}

/// A passport, national ID or other number held by a person.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Identifier {
    pub kind: IdentifierKind,
    pub number: DocumentNumber,
    #[serde(default)]
    pub country: Option<CountryCode>,
}

/// The kinds of INTERPOL notice (plus the Silver notice for assets and the INTERPOL–UN Security
/// Council Special Notice).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// Locate and arrest a person wanted for prosecution or to serve a sentence.
    Red,
    /// Collect more information about a person's identity, location or activities.
    Blue,
    /// Locate a missing person, often a minor.
    Yellow,
    /// Warn about a person's criminal activities.
    Green,
    /// Warn of an imminent threat.
    Orange,
    /// Modus operandi, objects, devices and concealment methods.
    Purple,
    /// Unidentified bodies.
    Black,
    /// Trace assets.
    Silver,
    /// Persons subject to UN Security Council sanctions.
    InterpolUnSpecial,
}

/// A notice, or a diffusion (a request sent directly by a member country, not published by the
/// General Secretariat), attached to a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notice {
    pub kind: NoticeKind,
    /// True for a diffusion of that colour rather than a notice.
    #[serde(default)]
    pub diffusion: bool,
    #[serde(default)]
    pub reference: Option<String>,
    #[serde(default)]
    pub issued_on: Option<Date>,
}

/// A warning attached to a person that changes how a checkpoint should act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonFlag {
    ForeignTerroristFighter,
    PossiblyArmed,
    PossiblyViolent,
    EscapeRisk,
    /// Check discreetly: do not alert the subject.
    DiscreetCheck,
}

/// One piece of terrorism-related information linked to a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TerrorismItem {
    pub reference: String,
    pub summary: String,
}

/// Sex as recorded on documents (ICAO 9303: M, F, or unspecified).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    #[serde(rename = "M")]
    Male,
    #[serde(rename = "F")]
    Female,
}

/// A person in the nominal database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    /// The owner's own identifier for this person: the natural key of a re-import.
    pub owner_ref: String,
    pub names: Vec<PersonName>,
    #[serde(default)]
    pub birth_dates: Vec<PartialDate>,
    #[serde(default)]
    pub birth_places: Vec<String>,
    #[serde(default)]
    pub nationalities: Vec<CountryCode>,
    #[serde(default)]
    pub sex: Option<Sex>,
    #[serde(default)]
    pub identifiers: Vec<Identifier>,
    #[serde(default)]
    pub notices: Vec<Notice>,
    #[serde(default)]
    pub flags: Vec<PersonFlag>,
    #[serde(default)]
    pub terrorism_items: Vec<TerrorismItem>,
}

impl Person {
    /// The smallest person a record can hold: `owner_ref` and one primary name, nothing else
    /// known yet (the other fields are filled in by whoever knows more).
    pub fn named(owner_ref: &str, full: &str) -> Person {
        Person {
            owner_ref: owner_ref.into(),
            names: vec![PersonName {
                full: full.into(),
                kind: NameKind::Primary,
            }],
            birth_dates: vec![],
            birth_places: vec![],
            nationalities: vec![],
            sex: None,
            identifiers: vec![],
            notices: vec![],
            flags: vec![],
            terrorism_items: vec![],
        }
    }

    /// The primary name.
    pub fn primary_name(&self) -> &str {
        self.names
            .iter()
            .find(|n| n.kind == NameKind::Primary)
            .map(|n| n.full.as_str())
            .unwrap_or_default()
    }

    fn validate(&mut self) -> Valid<()> {
        self.owner_ref = text("owner_ref", &self.owner_ref, 100)?;
        if self.names.is_empty() {
            return Err(ModelError::new("names", "a person needs at least one name"));
        }
        for (i, name) in self.names.iter_mut().enumerate() {
            name.full =
                text("full", &name.full, 300).map_err(|e| e.within(&format!("names[{i}]")))?;
        }
        let primaries = self
            .names
            .iter()
            .filter(|n| n.kind == NameKind::Primary)
            .count();
        if primaries != 1 {
            return Err(ModelError::new(
                "names",
                format!("exactly one name must be of kind primary, found {primaries}"),
            ));
        }
        for (i, place) in self.birth_places.iter_mut().enumerate() {
            *place = text(&format!("birth_places[{i}]"), place, 200)?;
        }
        for (i, item) in self.terrorism_items.iter_mut().enumerate() {
            let at = format!("terrorism_items[{i}]");
            item.reference = text("reference", &item.reference, 100).map_err(|e| e.within(&at))?;
            item.summary = text("summary", &item.summary, 2000).map_err(|e| e.within(&at))?;
        }
        for (i, notice) in self.notices.iter_mut().enumerate() {
            notice.reference = optional_text("reference", notice.reference.as_deref(), 100)
                .map_err(|e| e.within(&format!("notices[{i}]")))?;
        }
        self.nationalities.dedup();
        self.flags.sort();
        self.flags.dedup();
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Vehicles

/// A vehicle identification number in canonical form (upper case, no separators).
///
/// ISO 3779 VINs have 17 characters; vehicles built before 1981 carry shorter manufacturer
/// serials, so 5–17 letters or digits are accepted here and the `ident` crate says whether the
/// check digit holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Vin(String);

impl Vin {
    pub fn parse(raw: &str) -> Valid<Self> {
        let canonical = portwatch_ident::vin::canonical(raw);
        let alnum = canonical.bytes().all(|b| b.is_ascii_alphanumeric());
        if !(5..=17).contains(&canonical.len()) || !alnum {
            return Err(ModelError::new(
                "",
                format!("must be 5-17 letters or digits (17 for ISO 3779 VINs), got {raw:?}"),
            ));
        }
        Ok(Vin(canonical))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Vin {
    type Error = ModelError;
    fn try_from(s: String) -> Valid<Self> {
        Vin::parse(&s)
    }
}

impl From<Vin> for String {
    fn from(v: Vin) -> String {
        v.0
    }
}

/// A number plate with the country that issued it, in canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "PlateFields")]
pub struct Plate {
    pub country: CountryCode,
    pub number: String,
}

#[derive(Deserialize)]
pub struct PlateFields {
    pub country: CountryCode,
    pub number: String,
}

impl Plate {
    pub fn new(country: CountryCode, raw: &str) -> Valid<Self> {
        let number = portwatch_ident::plate::canonical(raw);
        if number.is_empty() || number.chars().count() > 15 {
            return Err(ModelError::new(
                "plate.number",
                format!("must be 1-15 letters or digits once separators are dropped, got {raw:?}"),
            ));
        }
        Ok(Plate { country, number })
    }
}

impl TryFrom<PlateFields> for Plate {
    type Error = ModelError;
    fn try_from(f: PlateFields) -> Valid<Self> {
        Plate::new(f.country, &f.number)
    }
}

/// A stolen motor vehicle (SMV).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vehicle {
    pub vin: Vin,
    #[serde(default)]
    pub plate: Option<Plate>,
    #[serde(default)]
    pub make: Option<String>,
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub colour: Option<String>,
    #[serde(default)]
    pub year: Option<u16>,
    #[serde(default)]
    pub engine_number: Option<String>,
    #[serde(default)]
    pub stolen_on: Option<Date>,
}

impl Vehicle {
    fn validate(&mut self) -> Valid<()> {
        self.make = optional_text("make", self.make.as_deref(), 100)?;
        self.model = optional_text("model", self.model.as_deref(), 100)?;
        self.colour = optional_text("colour", self.colour.as_deref(), 50)?;
        self.engine_number = optional_text("engine_number", self.engine_number.as_deref(), 50)?;
        if let Some(y) = self.year {
            if !(1886..=2100).contains(&y) {
                return Err(ModelError::new(
                    "year",
                    format!("must be a model year 1886-2100, got {y}"),
                ));
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// The envelope

/// The body of a record: one of the three kinds. Serialised with the kind as the key:
/// `{"document": {...}}`, `{"person": {...}}` or `{"vehicle": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordBody {
    Document(TravelDocument),
    Person(Person),
    Vehicle(Vehicle),
}

impl RecordBody {
    pub fn database(&self) -> Database {
        match self {
            RecordBody::Document(_) => Database::Documents,
            RecordBody::Person(_) => Database::Persons,
            RecordBody::Vehicle(_) => Database::Vehicles,
        }
    }
}

/// What an owner writes: the record's body and the rules around it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RecordContentFields")]
pub struct RecordContent {
    pub owner: AgencyId,
    pub visibility: Visibility,
    /// The date by which the owner must confirm the record is still needed; past it, hits are
    /// flagged as resting on a record overdue for review.
    pub review_date: Option<Date>,
    /// The identifier the record had in its source (UN reference number, OFAC entity number …).
    pub source_id: Option<String>,
    #[serde(flatten)]
    pub body: RecordBody,
}

/// The fields of a [`RecordContent`] before its rules are checked.
#[derive(Deserialize)]
pub struct RecordContentFields {
    pub owner: AgencyId,
    pub visibility: Visibility,
    #[serde(default)]
    pub review_date: Option<Date>,
    #[serde(default)]
    pub source_id: Option<String>,
    #[serde(flatten)]
    pub body: RecordBody,
}

impl TryFrom<RecordContentFields> for RecordContent {
    type Error = ModelError;
    fn try_from(f: RecordContentFields) -> Valid<Self> {
        RecordContent::new(f.owner, f.visibility, f.review_date, f.source_id, f.body)
    }
}

impl RecordContent {
    /// Checks every rule of the body and the envelope; the only way to build a content.
    pub fn new(
        owner: AgencyId,
        visibility: Visibility,
        review_date: Option<Date>,
        source_id: Option<String>,
        mut body: RecordBody,
    ) -> Valid<Self> {
        match &mut body {
            RecordBody::Document(d) => d.validate().map_err(|e| e.within("document"))?,
            RecordBody::Person(p) => p.validate().map_err(|e| e.within("person"))?,
            RecordBody::Vehicle(v) => v.validate().map_err(|e| e.within("vehicle"))?,
        }
        let source_id = optional_text("source_id", source_id.as_deref(), 100)?;
        if let Visibility::Countries(list) = &visibility {
            if list.is_empty() {
                return Err(ModelError::new(
                    "visibility",
                    "countries: must list at least one country",
                ));
            }
        }
        Ok(RecordContent {
            owner,
            visibility,
            review_date,
            source_id,
            body,
        })
    }

    pub fn database(&self) -> Database {
        self.body.database()
    }

    /// The key under which a re-import finds the same record: issuing state + number + type
    /// for documents, the VIN for vehicles, the owner and the owner's own id for persons.
    pub fn natural_key(&self) -> String {
        match &self.body {
            RecordBody::Document(d) => format!(
                "document:{}:{}:{}",
                d.issuing_state,
                d.number.as_str(),
                d.doc_type.as_str()
            ),
            RecordBody::Vehicle(v) => format!("vehicle:{}", v.vin.as_str()),
            RecordBody::Person(p) => format!("person:{}:{}", self.owner, p.owner_ref),
        }
    }
}

/// One stored version of a record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub id: Id,
    /// 1 for the first version; each change by the owner adds one.
    pub version: u32,
    pub status: RecordStatus,
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
    #[serde(flatten)]
    pub content: RecordContent,
}

impl Record {
    pub fn is_active(&self) -> bool {
        self.status == RecordStatus::Active
    }
}
