//! No request, however malformed, makes the engine panic: it is checked (with an error naming
//! the field) or screened.

mod common;

use std::sync::OnceLock;

use portwatch_engine::{DocumentRequest, Engine, Subject, TravellerRequest, VehicleRequest};
use portwatch_model::AgencyKind;
use proptest::prelude::*;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| common::engine_for(&common::world(300, 3_000, 1_000)))
}

fn text() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        any::<String>().prop_map(Some),
        "[A-Za-z0-9 <\\-]{0,60}".prop_map(Some),
        Just(Some("MAR".to_string())),
        Just(Some("1980-02-30".to_string())),
    ]
}

proptest! {
    #[test]
    fn any_traveller_document_or_vehicle_is_answered_without_panic(
        names in proptest::collection::vec(any::<String>(), 0..4),
        a in text(), b in text(), c in text(), d in text(), e in text(), f in text(),
    ) {
        let caller = common::caller("bp-genova", AgencyKind::BorderPost, Some("ITA"));
        let today = portwatch_sim::world_today();
        let subjects = [
            Subject::Traveller(TravellerRequest {
                names, surname: a.clone(), given_names: b.clone(), birth_date: c.clone(),
                sex: d.clone(), nationality: e.clone(), document_number: f.clone(),
                issuing_state: a.clone(), mrz: b.clone(),
            }),
            Subject::Document(DocumentRequest {
                number: b.clone().unwrap_or_default(),
                issuing_state: c.clone().unwrap_or_default(),
            }),
            Subject::Vehicle(VehicleRequest { vin: d, plate: e, plate_country: f }),
        ];
        for subject in &subjects {
            if let Err(err) = engine().screen_entry(&caller, subject, today) {
                prop_assert!(!err.field.is_empty() && !err.message.is_empty());
            }
        }
    }

    #[test]
    fn any_manifest_line_parses_or_is_rejected(line in any::<String>()) {
        let _ = serde_json::from_str::<portwatch_engine::ManifestEntry>(&line);
    }
}
