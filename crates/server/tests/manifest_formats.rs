//! `POST /v1/screen/manifest` with a CSV manifest or a PAXLST interchange: read into entries,
//! screened and answered like an NDJSON manifest — one search, a hit for a listed passenger.

mod common;

use serde_json::{json, Value};

use common::*;
use portwatch_store::Store;

const PAXLST: &str =
    include_str!("../../formats/tests/fixtures/manifests/ferry_algeciras_tanger_med.paxlst");
const CSV: &str =
    include_str!("../../formats/tests/fixtures/manifests/ferry_algeciras_tanger_med.csv");

/// NCB Rabat lists Karim Benali (the ferry's fifth passenger) and a revoked Moroccan visa (the
/// fourth passenger's second document).
async fn listed() -> (Network, Client) {
    let net = network().await;
    let mut rabat = net.client(RABAT).await;
    for record in [
        json!({"owner": RABAT, "visibility": "all", "person": {"owner_ref": "P-2019-0042",
            "names": [{"full": "Karim BENALI", "kind": "primary"}],
            "birth_dates": ["1979-04-12"], "nationalities": ["MAR"], "sex": "M",
            "notices": [{"kind": "red"}]}}),
        json!({"owner": RABAT, "visibility": "all", "document": {"number": "VM1234567",
            "issuing_state": "MAR", "type": "visa", "status": "revoked"}}),
    ] {
        assert_eq!(rabat.post("/v1/records", &record).await.status, 201);
    }
    let mut tanger = net.client(TANGER).await;
    ready(&mut tanger).await;
    (net, tanger)
}

fn lines(reply: &Reply) -> Vec<Value> {
    reply.assert_status(200);
    assert_eq!(reply.content_type, "application/x-ndjson");
    String::from_utf8_lossy(&reply.body)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn hit_references(lines: &[Value]) -> Vec<String> {
    lines
        .iter()
        .filter(|l| l["hits"].as_array().is_some_and(|h| !h.is_empty()))
        .map(|l| l["reference"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn a_paxlst_interchange_is_screened_as_one_search() {
    let (net, mut tanger) = listed().await;
    let searches = |net: &Network| {
        net.store
            .audit_entries(0, 10_000)
            .unwrap()
            .iter()
            .filter(|e| e.event.search_id.is_some())
            .count()
    };
    let before = searches(&net);
    let answer = lines(
        &tanger
            .post_raw("/v1/screen/manifest", PAXLST, "application/edifact")
            .await,
    );
    // 7 travellers, one of whom carries two documents, then the summary.
    assert_eq!(answer.len(), 9, "{answer:?}");
    assert_eq!(answer[0]["line"], 13);
    assert_eq!(answer[0]["reference"], "passenger 1 (message FRS2417P)");
    assert_eq!(
        hit_references(&answer),
        vec![
            "passenger 4 (message FRS2417P)",
            "passenger 5 (message FRS2417P)"
        ]
    );
    let benali = &answer[5]["hits"][0];
    assert_eq!(benali["database"], "persons");
    assert_eq!(benali["action"], "detain_and_contact_owner");
    let summary = &answer[8]["summary"];
    assert_eq!(summary["entries"], 8);
    assert_eq!(summary["errors"], 0);
    assert_eq!(summary["hits"], 2);
    assert_eq!(searches(&net) - before, 1);

    // The same as text/plain with ?format=paxlst.
    let plain = lines(
        &tanger
            .post_raw("/v1/screen/manifest?format=paxlst", PAXLST, "text/plain")
            .await,
    );
    assert_eq!(plain.len(), 9);
}

#[tokio::test]
async fn a_csv_manifest_is_screened_row_by_row() {
    let (_net, mut tanger) = listed().await;
    let answer = lines(
        &tanger
            .post_raw("/v1/screen/manifest", CSV, "text/csv; charset=utf-8")
            .await,
    );
    // 6 rows, one with a driver and a car, then the summary.
    assert_eq!(answer.len(), 8, "{answer:?}");
    assert_eq!(hit_references(&answer), vec!["cabin 21"]);
    assert_eq!(answer[6]["line"], 7);
    let summary = &answer[7]["summary"];
    assert_eq!(
        (summary["entries"].as_u64(), summary["hits"].as_u64()),
        (Some(7), Some(1))
    );

    let bad_row = "surname,given_names,birth_date\nBenali,Karim,1979-13-01\nBenali,Karim,1979\n";
    let answer = lines(
        &tanger
            .post_raw("/v1/screen/manifest", bad_row, "text/csv")
            .await,
    );
    assert_eq!(answer[0]["line"], 2);
    assert_eq!(answer[0]["error"]["field"], "birth_date");
    assert_eq!(answer[2]["summary"]["errors"], 1);
}

#[tokio::test]
async fn an_unreadable_file_is_refused_before_anything_is_screened() {
    let (_net, mut tanger) = listed().await;
    let truncated = &PAXLST[..PAXLST.find("NAD+FL+++BENALI").unwrap()];
    let p = tanger
        .post_raw(
            "/v1/screen/manifest",
            truncated.to_string(),
            "application/edifact",
        )
        .await
        .problem(400);
    assert!(p["detail"].as_str().unwrap().contains("truncated"), "{p}");
    let miscounted = PAXLST.replace("UNT+65+FRS2417P", "UNT+60+FRS2417P");
    let p = tanger
        .post_raw("/v1/screen/manifest", miscounted, "application/edifact")
        .await
        .problem(400);
    assert_eq!(p["field"], "UNT count");
    let p = tanger
        .post_raw("/v1/screen/manifest", "surname,wheels\n", "text/csv")
        .await
        .problem(400);
    assert_eq!(p["field"], "wheels");
    tanger
        .post_raw("/v1/screen/manifest?format=xml", "x", "text/plain")
        .await
        .problem(400);
}
