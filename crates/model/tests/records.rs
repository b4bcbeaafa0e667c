//! Records as users write them: JSON in, validated values out, and back again unchanged.

use portwatch_model::*;
use serde_json::json;

fn content(value: serde_json::Value) -> Result<RecordContent, String> {
    serde_json::from_value(value).map_err(|e| e.to_string())
}

fn document() -> serde_json::Value {
    json!({
        "owner": "ncb-rabat",
        "visibility": "all",
        "review_date": "2027-01-31",
        "document": {
            "number": "ab-123 456",
            "issuing_state": "MAR",
            "type": "passport",
            "status": "stolen_blank",
            "reported_on": "2019-06-02",
            "reported_place": "Casablanca"
        }
    })
}

fn person() -> serde_json::Value {
    json!({
        "owner": "ncb-algiers",
        "visibility": "countries:MAR,ESP,DZA",
        "source_id": "QDi.123",
        "person": {
            "owner_ref": "DZ-2019-0042",
            "names": [
                {"full": "Youcef Benali", "kind": "primary"},
                {"full": "Yusuf Bin Ali", "kind": "alias"},
                {"full": "يوسف بن علي", "kind": "original_script"}
            ],
            "birth_dates": ["1987", "1987-03-12"],
            "nationalities": ["DZA"],
            "sex": "M",
            "identifiers": [{"kind": "passport", "number": "123456789", "country": "DZA"}],
            "notices": [{"kind": "red", "reference": "A-1234/5-2019"}],
            "flags": ["foreign_terrorist_fighter"]
        }
    })
}

fn vehicle() -> serde_json::Value {
    json!({
        "owner": "ncb-rome",
        "visibility": "owner_only",
        "vehicle": {
            "vin": "1m8gdm9a-xkp042788",
            "plate": {"country": "ITA", "number": "ab 123 cd"},
            "make": "Fiat", "model": "Ducato", "colour": "white", "year": 2018,
            "stolen_on": "2019-05-30"
        }
    })
}

#[test]
fn documents_are_stored_in_canonical_form() {
    let c = content(document()).unwrap();
    let RecordBody::Document(d) = &c.body else {
        panic!("not a document")
    };
    assert_eq!(d.number.as_str(), "AB123456");
    assert_eq!(d.issuing_state.as_str(), "MAR");
    assert_eq!(c.database(), Database::Documents);
    assert_eq!(c.natural_key(), "document:MAR:AB123456:passport");
}

#[test]
fn persons_keep_every_name_and_partial_dates() {
    let c = content(person()).unwrap();
    let RecordBody::Person(p) = &c.body else {
        panic!("not a person")
    };
    assert_eq!(p.primary_name(), "Youcef Benali");
    assert_eq!(p.names.len(), 3);
    assert_eq!(p.birth_dates[0].to_string(), "1987");
    assert_eq!(
        c.visibility,
        "countries:DZA,ESP,MAR".parse::<Visibility>().unwrap()
    );
    assert_eq!(c.natural_key(), "person:ncb-algiers:DZ-2019-0042");
}

#[test]
fn vehicles_fold_vin_and_plate() {
    let c = content(vehicle()).unwrap();
    let RecordBody::Vehicle(v) = &c.body else {
        panic!("not a vehicle")
    };
    assert_eq!(v.vin.as_str(), "1M8GDM9AXKP042788");
    assert_eq!(v.plate.as_ref().unwrap().number, "AB123CD");
    assert_eq!(c.natural_key(), "vehicle:1M8GDM9AXKP042788");
}

#[test]
fn every_kind_round_trips_through_json() {
    for value in [document(), person(), vehicle()] {
        let c = content(value).unwrap();
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(content(json).unwrap(), c);
    }
}

#[test]
fn stored_records_round_trip_with_identity_and_version() {
    let record = Record {
        id: Id::generate(),
        version: 3,
        status: RecordStatus::Cancelled,
        recorded_at: time::macros::datetime!(2019-07-24 10:00 UTC),
        content: content(person()).unwrap(),
    };
    let json = serde_json::to_string(&record).unwrap();
    assert!(
        json.contains("\"recorded_at\":\"2019-07-24T10:00:00Z\""),
        "{json}"
    );
    let back: Record = serde_json::from_str(&json).unwrap();
    assert_eq!(back, record);
    assert!(!back.is_active());
}

/// Each broken rule is reported with the field's path, so a user can find it in their file.
#[test]
fn broken_rules_name_the_field() {
    let cases: Vec<(serde_json::Value, &str)> = vec![
        (
            {
                let mut v = document();
                v["document"]["issuing_state"] = "XX".into();
                v
            },
            "alpha-3",
        ),
        (
            {
                let mut v = document();
                v["document"]["number"] = "".into();
                v
            },
            "1-20 letters or digits",
        ),
        (
            {
                let mut v = document();
                v["visibility"] = "friends".into();
                v
            },
            "owner_only",
        ),
        (
            {
                let mut v = document();
                v["owner"] = "NCB Rabat".into();
                v
            },
            "lower-case",
        ),
        (
            {
                let mut v = person();
                v["person"]["names"][0]["kind"] = "alias".into();
                v
            },
            "exactly one name must be of kind primary",
        ),
        (
            {
                let mut v = person();
                v["person"]["names"][1]["full"] = "  ".into();
                v
            },
            "person.names[1].full",
        ),
        (
            {
                let mut v = person();
                v["person"]["birth_dates"][1] = "1987-02-30".into();
                v
            },
            "day must be 1-28",
        ),
        (
            {
                let mut v = vehicle();
                v["vehicle"]["year"] = 1700.into();
                v
            },
            "vehicle.year",
        ),
        (
            {
                let mut v = vehicle();
                v["vehicle"]["vin"] = "ABC".into();
                v
            },
            "5-17 letters or digits",
        ),
        (
            json!({"owner": "ncb-rabat", "visibility": "all"}),
            "variant",
        ),
    ];
    for (value, expected) in cases {
        let err = content(value.clone()).unwrap_err();
        assert!(
            err.contains(expected),
            "expected {expected:?} in {err:?} for {value}"
        );
    }
}

#[test]
fn visibility_reads_and_writes_the_same_text() {
    for text in ["all", "owner_only", "countries:ESP,MAR"] {
        assert_eq!(text.parse::<Visibility>().unwrap().to_string(), text);
    }
    assert!("countries:".parse::<Visibility>().is_err());
    assert!("countries:MAR,XX".parse::<Visibility>().is_err());
}
