//! Record contents for the unit tests of this crate (the integration tests have their own in
//! `tests/common`).

use portwatch_model::RecordContent;

/// A stolen vehicle of `owner`, visible to all.
pub(crate) fn vehicle(owner: &str, vin: &str) -> RecordContent {
    serde_json::from_value(serde_json::json!({
        "owner": owner,
        "visibility": "all",
        "vehicle": {"vin": vin}
    }))
    .unwrap()
}

/// A blank Italian passport of NCB Rome, visible to all.
pub(crate) fn passport(number: &str) -> RecordContent {
    serde_json::from_value(serde_json::json!({
        "owner": "ncb-rome",
        "visibility": "all",
        "document": {
            "number": number,
            "issuing_state": "ITA",
            "type": "passport",
            "status": "stolen_blank"
        }
    }))
    .unwrap()
}
