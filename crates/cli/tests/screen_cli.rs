//! `portwatch screen` run as a user runs it: the real binary on a store prepared in a
//! temporary data directory, checked by its JSON output and exit status.

mod common;

use std::io::Write;
use std::process::Output;

use common::{portwatch, store_with, success};

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_str(&success(out)).expect("JSON output")
}

/// A store with a red-notice person (visible to all), an owner-only stolen passport and a
/// stolen car, owned by NCB Rabat.
fn prepared_store() -> tempfile::TempDir {
    store_with(
        &[
            serde_json::json!({"id": "ncb-mar", "name": "NCB Rabat", "kind": "ncb", "country": "MAR"}),
            serde_json::json!({"id": "ncb-ita", "name": "NCB Rome", "kind": "ncb", "country": "ITA"}),
            serde_json::json!({"id": "bp-genova", "name": "Genova port", "kind": "border_post",
                           "country": "ITA", "parent": "ncb-ita"}),
        ],
        &[
            serde_json::json!({"owner": "ncb-mar", "visibility": "all", "review_date": "2030-01-01",
            "person": {"owner_ref": "p-1",
                "names": [{"full": "Karim Benali", "kind": "primary"}],
                "birth_dates": ["1985-04-12"], "nationalities": ["MAR"], "sex": "M",
                "notices": [{"kind": "red"}]}}),
            serde_json::json!({"owner": "ncb-mar", "visibility": "owner_only",
            "document": {"number": "AB1234567", "issuing_state": "MAR", "type": "passport",
                         "status": "stolen_issued"}}),
            serde_json::json!({"owner": "ncb-mar", "visibility": "all",
            "vehicle": {"vin": "VF1RFB00X56789012",
                        "plate": {"country": "FRA", "number": "AB-123-CD"}}}),
        ],
    )
}

#[test]
fn a_traveller_under_another_spelling_hits_with_the_action_and_the_reason() {
    let dir = prepared_store();
    let out = portwatch(
        dir.path(),
        &[
            "screen",
            "traveller",
            "--as",
            "bp-genova",
            "--name",
            "Kareem Ben Ali",
            "--birth-date",
            "1985-04-12",
            "--sex",
            "M",
            "--today",
            "2026-06-01",
        ],
    );
    let v = json(&out);
    let hit = &v["hits"][0];
    assert_eq!(hit["disclosure"], "full");
    assert_eq!(hit["database"], "persons");
    assert_eq!(hit["match_kind"], "fuzzy_name");
    assert_eq!(hit["action"], "detain_and_contact_owner");
    assert_eq!(hit["owner"], "ncb-mar");
    assert_eq!(hit["reason"]["matched_name"], "Karim Benali");
    assert_eq!(hit["reason"]["birth_date"], "agrees");
}

#[test]
fn a_passport_mrz_is_read_and_screened() {
    let dir = prepared_store();
    let [line1, line2] = portwatch_sim::ids::td3_mrz(
        "MAR",
        "BENALI",
        "KARIM",
        "C12345678",
        "MAR",
        "850412",
        'M',
        "301231",
    );
    let v = json(&portwatch(
        dir.path(),
        &[
            "screen",
            "traveller",
            "--as",
            "bp-genova",
            "--mrz",
            &line1,
            "--mrz",
            &line2,
            "--today",
            "2026-06-01",
        ],
    ));
    assert_eq!(v["hits"][0]["reason"]["matched_name"], "Karim Benali");
    assert_eq!(v["hits"][0]["reason"]["birth_date"], "agrees");
    assert_eq!(v["hits"][0]["reason"]["nationality"], "agrees");
    let out = portwatch(
        dir.path(),
        &["screen", "traveller", "--as", "bp-genova", "--mrz", "P<MAR"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("mrz"));
}

#[test]
fn an_owner_only_document_reveals_only_whom_to_contact() {
    let dir = prepared_store();
    let out = portwatch(
        dir.path(),
        &[
            "screen",
            "document",
            "--as",
            "bp-genova",
            "--number",
            "AB 123 4567",
            "--issuing-state",
            "MAR",
        ],
    );
    let v = json(&out);
    assert_eq!(v["hits"][0]["disclosure"], "contact_owner");
    assert_eq!(v["hits"][0]["owner"], "ncb-mar");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !text.contains("AB1234567") && !text.contains("record_id"),
        "{text}"
    );
}

#[test]
fn a_re_spaced_plate_and_an_ocr_misread_vin_hit() {
    let dir = prepared_store();
    let plate = json(&portwatch(
        dir.path(),
        &[
            "screen",
            "vehicle",
            "--as",
            "bp-genova",
            "--plate",
            "ab123 cd",
            "--plate-country",
            "FRA",
        ],
    ));
    assert_eq!(plate["hits"][0]["match_kind"], "exact");
    assert_eq!(plate["hits"][0]["action"], "seize_vehicle");
    let vin = json(&portwatch(
        dir.path(),
        &[
            "screen",
            "vehicle",
            "--as",
            "bp-genova",
            "--vin",
            "VF1RFBOOX56789012",
        ],
    ));
    assert_eq!(vin["hits"][0]["match_kind"], "ocr_variant");
}

#[test]
fn a_manifest_is_answered_line_by_line_with_errors_in_place() {
    let dir = prepared_store();
    let manifest = dir.path().join("manifest.jsonl");
    let mut f = std::fs::File::create(&manifest).unwrap();
    writeln!(
        f,
        r#"{{"reference": "seat-1", "traveller": {{"names": ["Karim Benali"]}}}}"#
    )
    .unwrap();
    writeln!(
        f,
        r#"{{"reference": "seat-2", "traveller": {{"names": ["Anna Eriksson"]}}}}"#
    )
    .unwrap();
    writeln!(
        f,
        r#"{{"reference": "car-1", "vehicle": {{"plate": "X"}}}}"#
    )
    .unwrap();
    writeln!(f, "not json").unwrap();
    drop(f);
    let out = portwatch(
        dir.path(),
        &[
            "screen",
            "manifest",
            manifest.to_str().unwrap(),
            "--format",
            "jsonl",
            "--as",
            "bp-genova",
        ],
    );
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["reference"], "seat-1");
    assert_eq!(lines[0]["hits"].as_array().unwrap().len(), 1);
    assert_eq!(lines[1]["hits"].as_array().unwrap().len(), 0);
    assert!(lines[2]["error"]
        .as_str()
        .unwrap()
        .contains("plate_country"));
    assert_eq!(lines[3]["line"], 4);
    assert!(lines[3]["error"]
        .as_str()
        .unwrap()
        .contains("not a manifest line"));
}

#[test]
fn bad_requests_and_unknown_agencies_exit_2_naming_the_field() {
    let dir = prepared_store();
    let out = portwatch(
        dir.path(),
        &[
            "screen",
            "traveller",
            "--as",
            "bp-genova",
            "--name",
            "X",
            "--birth-date",
            "1985-13",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("birth_date"));
    let out = portwatch(
        dir.path(),
        &[
            "screen",
            "document",
            "--as",
            "bp-nowhere",
            "--number",
            "A1",
            "--issuing-state",
            "MAR",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--as"));
}
