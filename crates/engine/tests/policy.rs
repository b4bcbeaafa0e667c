//! Policy tests through the whole engine: what a caller sees of a hit depends on the record's
//! visibility, and an owner-only record never leaks a field to anyone but its owner.

mod common;

use portwatch_engine::{Caller, DocumentQuery, Engine, Policy, RevealedHit, CONTACT_OWNER_MESSAGE};
use portwatch_model::{
    AgencyKind, CountryCode, Id, PartialDate, Record, RecordContent, RecordStatus,
};
use time::macros::{date, datetime};

fn record(json: serde_json::Value) -> Record {
    let content: RecordContent = serde_json::from_value(json).unwrap();
    Record {
        id: Id::generate(),
        version: 1,
        status: RecordStatus::Active,
        recorded_at: datetime!(2025-01-01 0:00 UTC),
        content,
    }
}

fn person(visibility: &str, review: &str) -> Record {
    record(serde_json::json!({
        "owner": "ncb-mar", "visibility": visibility, "review_date": review,
        "source_id": "MAR-2024-7781",
        "person": {
            "owner_ref": "secret-ref-1",
            "names": [{"full": "Karim Benali", "kind": "primary"},
                      {"full": "Abu Hafs", "kind": "weak_alias"}],
            "birth_dates": ["1985-04-12"], "nationalities": ["MAR"], "sex": "M",
            "notices": [{"kind": "red"}], "flags": ["foreign_terrorist_fighter"]
        }
    }))
}

fn document(visibility: &str) -> Record {
    record(serde_json::json!({
        "owner": "ncb-mar", "visibility": visibility,
        "document": {"number": "AB1234567", "issuing_state": "MAR", "type": "passport",
                     "status": "stolen_issued"}
    }))
}

fn engine(records: &[Record]) -> Engine {
    let world = common::world(0, 0, 0);
    let engine = Engine::new(Policy::new(&world.agencies()));
    engine.bulk_load(records.to_vec());
    engine
}

fn traveller() -> portwatch_engine::Traveller {
    portwatch_engine::TravellerRequest {
        names: vec!["Kareem Ben Ali".into()],
        birth_date: Some("1985-04-12".into()),
        ..Default::default()
    }
    .check()
    .unwrap()
}

fn genova() -> Caller {
    common::caller("bp-genova", AgencyKind::BorderPost, Some("ITA"))
}

const TODAY: time::Date = date!(2026 - 06 - 01);

#[test]
fn owner_only_hits_tell_only_whom_to_contact() {
    let engine = engine(&[person("owner_only", "2030-01-01")]);
    let screening = engine.screen_traveller(&genova(), &traveller(), TODAY);
    assert_eq!(screening.hits.len(), 1);
    let hit = &screening.hits[0];
    assert!(matches!(hit, RevealedHit::ContactOwner { .. }));
    let json = serde_json::to_string(&screening).unwrap();
    for secret in [
        "Karim",
        "Benali",
        "Hafs",
        "1985",
        "red",
        "detain",
        "terrorist",
        "MAR-2024-7781",
        "secret-ref",
        "fuzzy",
        "score",
        "record_id",
    ] {
        assert!(
            !json.to_lowercase().contains(&secret.to_lowercase()),
            "{secret} leaked: {json}"
        );
    }
    assert!(
        json.contains(CONTACT_OWNER_MESSAGE) && json.contains("ncb-mar"),
        "{json}"
    );
    // The owner is told, with the record.
    assert_eq!(screening.owner_notifications.len(), 1);
    assert_eq!(screening.owner_notifications[0].owner.as_str(), "ncb-mar");
    assert_eq!(
        screening.owner_notifications[0].searched_by.as_str(),
        "bp-genova"
    );
}

#[test]
fn the_owner_sees_its_owner_only_record_in_full() {
    let engine = engine(&[person("owner_only", "2030-01-01")]);
    let owner = common::caller("ncb-mar", AgencyKind::Ncb, Some("MAR"));
    let screening = engine.screen_traveller(&owner, &traveller(), TODAY);
    let view = screening.hits[0].as_full().expect("full view");
    assert_eq!(view.action, portwatch_model::Action::DetainAndContactOwner);
    assert_eq!(view.source_id.as_deref(), Some("MAR-2024-7781"));
}

#[test]
fn restricted_records_are_visible_to_listed_countries_only() {
    let engine = engine(&[document("countries:ESP,FRA")]);
    let query = DocumentQuery {
        number: "AB1234567".into(),
        issuing_state: CountryCode::parse("MAR").unwrap(),
    };
    let algeciras = common::caller("bp-algeciras", AgencyKind::BorderPost, Some("ESP"));
    let tanger = common::caller("bp-tanger-med", AgencyKind::BorderPost, Some("MAR"));
    assert!(engine.screen_document(&algeciras, &query, TODAY).hits[0]
        .as_full()
        .is_some());
    assert!(engine.screen_document(&tanger, &query, TODAY).hits[0]
        .as_full()
        .is_some());
    assert!(engine.screen_document(&genova(), &query, TODAY).hits[0]
        .as_full()
        .is_none());
    let frontex = common::caller("frontex", AgencyKind::Partner, None);
    assert!(engine.screen_document(&frontex, &query, TODAY).hits[0]
        .as_full()
        .is_none());
}

#[test]
fn cancelled_records_never_hit_and_overdue_reviews_are_flagged() {
    let overdue = person("all", "2026-01-01");
    let engine = engine(std::slice::from_ref(&overdue));
    let screening = engine.screen_traveller(&genova(), &traveller(), TODAY);
    assert!(screening.hits[0].as_full().unwrap().review_overdue);

    let mut cancelled = overdue.clone();
    cancelled.version = 2;
    cancelled.status = RecordStatus::Cancelled;
    engine.apply(&cancelled);
    assert!(!engine
        .screen_traveller(&genova(), &traveller(), TODAY)
        .is_hit());
    // A cancelled record in a bulk load is not indexed at all.
    let engine = self::engine(&[cancelled]);
    assert!(!engine
        .screen_traveller(&genova(), &traveller(), TODAY)
        .is_hit());
}

#[test]
fn a_date_of_birth_conflict_keeps_a_namesake_out() {
    let engine = engine(&[person("all", "2030-01-01")]);
    let mut namesake = traveller();
    namesake.birth_date = Some(PartialDate::new(1962, Some(9), Some(30)).unwrap());
    assert!(!engine
        .screen_traveller(&genova(), &namesake, TODAY)
        .is_hit());
}
