//! `portwatch operation plan|list` and `portwatch report` on a store planned by hand.

mod common;

use std::path::Path;

use common::{portwatch, success};

const OPERATION: &str = r#"{
  "code": "TRITON-I", "name": "Triton I",
  "starts_on": "2026-07-01", "ends_on": "2026-07-14",
  "countries": ["MAR"],
  "sites": [{"locode": "MAPTM", "name": "Tanger Med", "country": "MAR", "agency": "bp-tanger-med"}],
  "coordinator": "gs-lyon"
}"#;

fn network(data: &Path) {
    success(&portwatch(data, &["init"]));
    for args in [
        &[
            "--id",
            "gs-lyon",
            "--name",
            "General Secretariat",
            "--kind",
            "general_secretariat",
        ][..],
        &[
            "--id",
            "ncb-rabat",
            "--name",
            "NCB Rabat",
            "--kind",
            "ncb",
            "--country",
            "MAR",
        ],
        &[
            "--id",
            "bp-tanger-med",
            "--name",
            "Tanger Med",
            "--kind",
            "border_post",
            "--country",
            "MAR",
            "--parent",
            "ncb-rabat",
        ],
    ] {
        let mut all = vec!["ca", "agency"];
        all.extend_from_slice(args);
        success(&portwatch(data, &all));
    }
}

#[test]
fn an_operation_is_planned_listed_replanned_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    network(&data);
    let file = dir.path().join("op.json");
    std::fs::write(&file, OPERATION).unwrap();
    let out = success(&portwatch(
        &data,
        &["operation", "plan", file.to_str().unwrap()],
    ));
    assert!(out.contains("planned operation TRITON-I"), "{out}");
    // Planned again under the same code: replaced, not duplicated.
    std::fs::write(&file, OPERATION.replace("Triton I\"", "Triton One\"")).unwrap();
    success(&portwatch(
        &data,
        &["operation", "plan", file.to_str().unwrap()],
    ));
    let list: serde_json::Value = serde_json::from_str(&success(&portwatch(
        &data,
        &["operation", "list", "--json"],
    )))
    .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["name"], "Triton One");

    let report: serde_json::Value = serde_json::from_str(&success(&portwatch(
        &data,
        &["report", "--operation", "TRITON-I", "--format", "json"],
    )))
    .unwrap();
    assert_eq!(report["searches"], 0);
    assert_eq!(report["by_day"].as_array().unwrap().len(), 14);
    let csv = success(&portwatch(
        &data,
        &["report", "--operation", "TRITON-I", "--format", "csv"],
    ));
    assert!(csv.starts_with("section,key,subkey,value"), "{csv}");
}

#[test]
fn bad_operations_are_refused_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    network(&data);
    let file = dir.path().join("op.json");
    let cases = [
        (
            OPERATION.replace("bp-tanger-med", "bp-nowhere"),
            "sites[0].agency",
        ),
        (OPERATION.replace("2026-07-14", "2026-06-01"), "ends_on"),
        (OPERATION.replace("TRITON-I", "triton one"), "code"),
        ("{not json".to_string(), "not JSON"),
    ];
    for (text, expected) in cases {
        std::fs::write(&file, &text).unwrap();
        let out = portwatch(&data, &["operation", "plan", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{text}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "{expected}: {err}");
    }
    let out = portwatch(&data, &["report", "--operation", "NOPE-1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("there is no operation NOPE-1"));
}
