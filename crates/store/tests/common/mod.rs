//! Records, agencies and times shared by the store's integration tests.
#![allow(dead_code)] // each test binary uses its own part of this module

use portwatch_model::*;
use portwatch_store::SqliteStore;
use time::macros::date;
use time::OffsetDateTime;

pub fn agency(id: &str) -> AgencyId {
    AgencyId::parse(id).unwrap()
}

/// A time `minutes` after a fixed start, so tests never depend on the clock.
pub fn at(minutes: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_750_000_000 + minutes * 60).unwrap()
}

pub fn document_with(owner: &str, number: &str, status: DocumentStatus) -> RecordContent {
    RecordContent::new(
        agency(owner),
        Visibility::All,
        None,
        None,
        RecordBody::Document(TravelDocument {
            number: DocumentNumber::parse(number).unwrap(),
            issuing_state: CountryCode::parse("MAR").unwrap(),
            doc_type: DocumentType::Passport,
            status,
            reported_on: None,
            reported_place: Some("Casablanca".into()),
            holder: None,
        }),
    )
    .unwrap()
}

/// A stolen blank Moroccan passport owned by `owner`.
pub fn document(owner: &str, number: &str) -> RecordContent {
    document_with(owner, number, DocumentStatus::StolenBlank)
}

pub fn person(owner: &str, owner_ref: &str, name: &str) -> RecordContent {
    RecordContent::new(
        agency(owner),
        Visibility::Countries(vec![CountryCode::parse("ESP").unwrap()]),
        None,
        None,
        RecordBody::Person(Person::named(owner_ref, name)),
    )
    .unwrap()
}

pub fn vehicle(owner: &str, vin: &str) -> RecordContent {
    RecordContent::new(
        agency(owner),
        Visibility::OwnerOnly,
        None,
        None,
        RecordBody::Vehicle(Vehicle {
            vin: Vin::parse(vin).unwrap(),
            plate: None,
            make: Some("Fiat".into()),
            model: None,
            colour: None,
            year: Some(2018),
            engine_number: None,
            stolen_on: None,
        }),
    )
    .unwrap()
}

/// A new store in a fresh temporary directory (kept alive by the returned guard).
pub fn new_store() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::create(dir.path()).unwrap();
    (dir, store)
}

/// An NCB of `country`, named by its id.
pub fn ncb(id: &str, country: &str) -> Agency {
    serde_json::from_value(serde_json::json!({
        "id": id, "name": id, "kind": "ncb", "country": country
    }))
    .unwrap()
}

/// An operation in Morocco and Spain from `starts_on` to 2030.
pub fn operation(code: &str, starts_on: time::Date) -> Operation {
    serde_json::from_value(serde_json::json!({
        "id": Id::generate(),
        "code": code, "name": code,
        "starts_on": starts_on, "ends_on": date!(2030-01-01),
        "countries": ["MAR", "ESP"],
        "coordinator": "gs-lyon"
    }))
    .unwrap()
}

/// A pending exact hit on a document `record` of `owner`, made by `agency_id`.
pub fn hit(record: Id, owner: &str, agency_id: &str, op: Option<Id>) -> Hit {
    Hit {
        id: Id::generate(),
        search_id: Id::generate(),
        database: Database::Documents,
        record_id: record,
        record_version: 1,
        owner: agency(owner),
        agency: agency(agency_id),
        operation: op,
        site: Some("MAPTM".into()),
        match_kind: MatchKind::Exact,
        score: 1.0,
        action: Action::SeizeDocument,
        at: at(0),
        state: FollowUpState::Pending,
        deadline: at(720),
        instructions: None,
        action_taken: None,
    }
}
