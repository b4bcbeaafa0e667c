//! Records, agencies and times shared by the store's integration tests.
#![allow(dead_code)] // each test binary uses its own part of this module

use portwatch_model::*;
use portwatch_store::SqliteStore;
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
