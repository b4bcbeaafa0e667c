//! How a record's content is stored: compact JSON of its envelope with the body beside it.
//!
//! The model's own JSON puts the body's kind key (`document`, `person`, `vehicle`) among the
//! envelope's fields (serde's `flatten`), which makes serde buffer every field before it can
//! decode one — slow for a store that reads millions of records at start-up. Stored contents
//! keep the body under its own key instead, and decode in one pass through
//! [`RecordContent::new`], so every rule of the model is checked again when a record is read
//! back.

use serde::{Deserialize, Serialize};
use time::Date;

use portwatch_model::{AgencyId, RecordBody, RecordContent, Visibility};

use crate::error::{Result, StoreError};

/// The stored form of a content, borrowed for writing.
#[derive(Serialize)]
struct StoredRef<'a> {
    owner: &'a AgencyId,
    visibility: &'a Visibility,
    review_date: &'a Option<Date>,
    source_id: &'a Option<String>,
    body: &'a RecordBody,
}

/// The stored form of a content, owned for reading.
#[derive(Deserialize)]
struct Stored {
    owner: AgencyId,
    visibility: Visibility,
    review_date: Option<Date>,
    source_id: Option<String>,
    body: RecordBody,
}

/// Appends the stored form of `content` to `out`.
pub fn encode_into(content: &RecordContent, out: &mut Vec<u8>) -> Result<()> {
    let stored = StoredRef {
        owner: &content.owner,
        visibility: &content.visibility,
        review_date: &content.review_date,
        source_id: &content.source_id,
        body: &content.body,
    };
    serde_json::to_writer(out, &stored).map_err(|e| StoreError::Backend(Box::new(e)))
}

/// Reads a stored content back, checking every rule of the model.
pub fn decode(bytes: &[u8]) -> Result<RecordContent> {
    let corrupt = |e: &dyn std::fmt::Display| {
        StoreError::Corrupt(format!("a stored record does not parse: {e}"))
    };
    let stored: Stored = serde_json::from_slice(bytes).map_err(|e| corrupt(&e))?;
    RecordContent::new(
        stored.owner,
        stored.visibility,
        stored.review_date,
        stored.source_id,
        stored.body,
    )
    .map_err(|e| corrupt(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content() -> RecordContent {
        serde_json::from_value(serde_json::json!({
            "owner": "ncb-rome",
            "visibility": "owner_only",
            "review_date": "2027-01-31",
            "source_id": "SMV-42",
            "vehicle": {"vin": "1M8GDM9AXKP042788", "make": "Fiat", "year": 2018}
        }))
        .unwrap()
    }

    #[test]
    fn contents_round_trip() {
        let mut bytes = Vec::new();
        encode_into(&content(), &mut bytes).unwrap();
        assert_eq!(decode(&bytes).unwrap(), content());
    }

    #[test]
    fn a_stored_content_breaking_a_model_rule_is_refused() {
        let mut bytes = Vec::new();
        encode_into(&content(), &mut bytes).unwrap();
        let tampered = String::from_utf8(bytes)
            .unwrap()
            .replace("\"year\":2018", "\"year\":1200");
        let err = decode(tampered.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("year"), "{err}");
        assert!(decode(b"{\"owner\":").is_err());
    }
}
