//! `portwatch screen manifest --format csv|paxlst|ndjson` run as a user runs it: the ferry
//! Algeciras → Tanger Med as a CSV manifest and as a PAXLST interchange, screened in-process
//! against a store that lists one of its passengers.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

use common::{portwatch, store_with, success};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../formats/tests/fixtures/manifests")
        .join(name)
}

fn lines(out: &Output) -> Vec<Value> {
    success(out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// NCB Rabat lists Karim Benali (red notice) and a revoked Moroccan visa; the Tanger Med border
/// post screens.
fn prepared_store() -> tempfile::TempDir {
    store_with(
        &[
            serde_json::json!({"id": "ncb-mar", "name": "NCB Rabat", "kind": "ncb", "country": "MAR"}),
            serde_json::json!({"id": "bp-tanger-med", "name": "Tanger Med", "kind": "border_post",
                           "country": "MAR", "parent": "ncb-mar"}),
        ],
        &[
            serde_json::json!({"owner": "ncb-mar", "visibility": "all", "source_id": "A-42/2019",
            "person": {"owner_ref": "P-2019-0042",
                "names": [{"full": "Karim BENALI", "kind": "primary"}],
                "birth_dates": ["1979-04-12"], "nationalities": ["MAR"], "sex": "M",
                "notices": [{"kind": "red"}]}}),
            serde_json::json!({"owner": "ncb-mar", "visibility": "all",
            "document": {"number": "VM1234567", "issuing_state": "MAR", "type": "visa",
                         "status": "revoked"}}),
        ],
    )
}

fn screen(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "screen",
        "manifest",
        "--as",
        "bp-tanger-med",
        "--today",
        "2026-07-12",
    ];
    args.extend_from_slice(extra);
    portwatch(dir, &args)
}

fn hits(lines: &[Value]) -> Vec<(u64, String)> {
    lines
        .iter()
        .filter(|l| l["hits"].as_array().is_some_and(|h| !h.is_empty()))
        .map(|l| {
            (
                l["line"].as_u64().unwrap(),
                l["reference"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn a_paxlst_ferry_finds_the_listed_passenger() {
    let dir = prepared_store();
    let file = fixture("ferry_algeciras_tanger_med.paxlst");
    let out = screen(dir.path(), &["--format", "paxlst", file.to_str().unwrap()]);
    let answer = lines(&out);
    // Seven travellers, one of them with a passport and a visa.
    assert_eq!(answer.len(), 8);
    assert_eq!(
        hits(&answer),
        vec![
            (44, "passenger 4 (message FRS2417P)".to_string()),
            (57, "passenger 5 (message FRS2417P)".to_string()),
        ]
    );
    let benali = &answer[5]["hits"][0];
    assert_eq!(benali["database"], "persons");
    assert_eq!(benali["source_id"], "A-42/2019");
    assert_eq!(benali["action"], "detain_and_contact_owner");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("voyage FRS2417 ESALG 2026-07-12T10:00 -> MAPTM"),
        "{stderr}"
    );
}

#[test]
fn a_csv_ferry_is_told_by_its_extension() {
    let dir = prepared_store();
    let file = fixture("ferry_algeciras_tanger_med.csv");
    let answer = lines(&screen(dir.path(), &[file.to_str().unwrap()]));
    // Six rows, one of them a driver with his car.
    assert_eq!(answer.len(), 7);
    assert_eq!(hits(&answer), vec![(6, "cabin 21".to_string())]);
    assert_eq!(answer[2]["line"], 4);
    assert_eq!(answer[3]["line"], 4);
}

#[test]
fn bad_rows_are_error_lines_and_bad_files_exit_2() {
    let dir = prepared_store();
    let rows = dir.path().join("rows.csv");
    std::fs::write(
        &rows,
        "surname,given_names,birth_date\nBenali,Karim,1979-13-01\nBenali,Karim,1979-04-12\n",
    )
    .unwrap();
    let answer = lines(&screen(dir.path(), &[rows.to_str().unwrap()]));
    assert_eq!(answer[0]["line"], 2);
    assert!(answer[0]["error"]
        .as_str()
        .unwrap()
        .starts_with("field `birth_date`"));
    assert_eq!(answer[1]["hits"].as_array().unwrap().len(), 1);

    let header = dir.path().join("header.csv");
    std::fs::write(&header, "surname,nationalty\n").unwrap();
    let out = screen(dir.path(), &[header.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 1, field `nationalty`: unknown column(s)"),
        "{stderr}"
    );

    let broken = dir.path().join("broken.edi");
    let text = std::fs::read_to_string(fixture("ferry_algeciras_tanger_med.paxlst")).unwrap();
    std::fs::write(&broken, text.replace("UNT+65+FRS2417P", "UNT+64+FRS2417P")).unwrap();
    let out = screen(dir.path(), &[broken.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 68 (segment 67 UNT), field `UNT count`"),
        "{stderr}"
    );
}

#[test]
fn ndjson_is_still_read_as_before() {
    let dir = prepared_store();
    let file = dir.path().join("m.jsonl");
    std::fs::write(
        &file,
        "{\"reference\": \"cabin 21\", \"traveller\": {\"names\": [\"Karim Benali\"], \"birth_date\": \"1979-04-12\"}}\n",
    )
    .unwrap();
    let answer = lines(&screen(
        dir.path(),
        &["--format", "ndjson", file.to_str().unwrap()],
    ));
    assert_eq!(hits(&answer), vec![(1, "cabin 21".to_string())]);
}
