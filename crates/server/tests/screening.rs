//! Screening over the network: what the searcher learns, what the owner is told, and the
//! audit trail of every search.

mod common;

use std::collections::HashMap;
use std::time::Duration;

use bytes::Bytes;
use serde_json::{json, Value};

use common::*;
use portwatch_server::Limits;

fn vehicle(owner: &str, vin: &str) -> Value {
    json!({"owner": owner, "visibility": "all",
           "vehicle": {"vin": vin, "plate": {"country": "ESP", "number": "1234 BCD"}, "make": "Seat"}})
}

#[tokio::test]
async fn an_owner_only_hit_tells_the_searcher_only_to_contact_the_owner() {
    let net = network().await;
    let mut rabat = net.client(RABAT).await;
    let mut tanger = net.client(TANGER).await;
    ready(&mut tanger).await;
    let secret = rabat
        .post("/v1/records", &document(RABAT, "OO7654321", "owner_only"))
        .await
        .json();

    let query = json!({"number": "OO 7654321", "issuing_state": "mar"});
    let answer = tanger.post("/v1/screen/document", &query).await;
    answer.assert_status(200);
    let answer = answer.json();
    assert_eq!(answer["hit"], true);
    let hit = &answer["hits"][0];
    assert_eq!(hit["disclosure"], "contact_owner");
    assert_eq!(hit["message"], "hit: contact the owner NCB");
    assert_eq!(hit["owner"], RABAT);
    let text = hit.to_string();
    for secret_field in ["record_id", "OO7654321", "score", "reason", "action\""] {
        assert!(
            !text.contains(secret_field),
            "{secret_field} leaked: {text}"
        );
    }

    // The owner searching the same sees everything.
    let own = rabat.post("/v1/screen/document", &query).await.json();
    assert_eq!(own["hits"][0]["disclosure"], "full");
    assert_eq!(own["hits"][0]["record_id"], secret["id"]);

    // The checkpoint's hit is stored for the owner to follow up.
    let hit_id = hit["hit_id"].as_str().unwrap();
    let stored = rabat.get(&format!("/v1/hits/{hit_id}")).await.json();
    assert_eq!(stored["agency"], TANGER);
    assert_eq!(stored["record_id"], secret["id"]);
    assert_eq!(stored["state"], "pending");

    // A clean document is no hit.
    let clean = tanger
        .post(
            "/v1/screen/document",
            &json!({"number": "ZZ0000000", "issuing_state": "MAR"}),
        )
        .await
        .json();
    assert_eq!(clean["hit"], false);
    assert_eq!(clean["hits"], json!([]));
}

#[tokio::test]
async fn screening_needs_the_screener_role_and_valid_fields() {
    let net = network().await;
    let mut tanger = net.client(TANGER).await;
    ready(&mut tanger).await;
    let p = tanger
        .post(
            "/v1/screen/document",
            &json!({"number": "AB1", "issuing_state": "XX"}),
        )
        .await
        .problem(400);
    assert_eq!(p["field"], "issuing_state");
    let p = tanger
        .post(
            "/v1/screen/document",
            &json!({"number": "AB1", "issuing_state": "MAR", "extra": 1}),
        )
        .await
        .problem(400);
    assert!(p["detail"].as_str().unwrap().contains("extra"), "{p}");
    let p = tanger
        .post("/v1/screen/vehicle", &json!({"plate": "1234 BCD"}))
        .await
        .problem(400);
    assert_eq!(p["field"], "plate_country");
    let mut frontex = net.client(FRONTEX).await;
    let p = frontex
        .post("/v1/screen/traveller", &json!({"names": ["Karim Benali"]}))
        .await
        .problem(403);
    assert_eq!(p["missing_role"], "screener");
}

#[tokio::test]
async fn hit_alerts_reach_the_owner_and_not_an_unrelated_agency() {
    let net = network().await;
    let mut rabat = net.client(RABAT).await;
    rabat
        .post("/v1/records", &vehicle(RABAT, "VF1AB000123456789"))
        .await;
    let mut owner_conn = net.client(RABAT).await;
    let mut owner = owner_conn.open_stream("/v1/hits/stream").await;
    let mut other_conn = net.client(MADRID).await;
    let mut other = other_conn.open_stream("/v1/hits/stream").await;

    let mut tanger = net.client(TANGER).await;
    ready(&mut tanger).await;
    let answer = tanger
        .post(
            "/v1/screen/vehicle",
            &json!({"plate": "1234-BCD", "plate_country": "ESP"}),
        )
        .await
        .json();
    assert_eq!(answer["hit"], true, "{answer}");
    let event = next_hit_event(owner.body_mut(), Duration::from_secs(5))
        .await
        .expect("the owner got no alert");
    assert_eq!(event["id"], answer["hits"][0]["hit_id"]);
    assert_eq!(event["agency"], TANGER);
    assert_eq!(event["database"], "vehicles");
    assert!(
        next_hit_event(other.body_mut(), Duration::from_millis(300))
            .await
            .is_none(),
        "an unrelated agency got the alert"
    );
}

#[tokio::test]
async fn a_manifest_streams_one_answer_per_line_and_is_one_search() {
    let net = network_with(Limits {
        manifest_bytes: 64 * 1024,
        ..Limits::default()
    })
    .await;
    let mut rabat = net.client(RABAT).await;
    rabat
        .post("/v1/records", &document(RABAT, "MF1111111", "all"))
        .await;
    let mut tanger = net.client(TANGER).await;
    ready(&mut tanger).await;
    let manifest = concat!(
        "{\"reference\": \"cabin 1\", \"document\": {\"number\": \"MF1111111\", \"issuing_state\": \"MAR\"}}\n",
        "\n",
        "{\"document\": {\"number\": \"CLEAN0001\", \"issuing_state\": \"MAR\"}}\n",
        "{\"document\": {\"number\": \"X\", \"issuing_state\": \"XX\"}}\n",
        "not json\n",
        "{\"traveller\": {\"names\": [\"Karim Benali\"], \"birth_date\": \"1980-05\"}}"
    );
    let reply = tanger
        .post_raw("/v1/screen/manifest", manifest, "application/x-ndjson")
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.content_type, "application/x-ndjson");
    let lines: Vec<Value> = String::from_utf8_lossy(&reply.body)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 6, "{lines:?}");
    assert_eq!(lines[0]["line"], 1);
    assert_eq!(lines[0]["reference"], "cabin 1");
    assert_eq!(lines[0]["hits"][0]["disclosure"], "full");
    assert_eq!(lines[1]["line"], 3);
    assert_eq!(lines[1]["hits"], json!([]));
    assert_eq!(lines[2]["line"], 4);
    assert_eq!(lines[2]["error"]["field"], "issuing_state");
    assert_eq!(lines[3]["line"], 5);
    assert!(lines[3]["error"]["detail"].is_string());
    assert_eq!(lines[4]["line"], 6);
    let summary = &lines[5]["summary"];
    assert_eq!(summary["entries"], 3);
    assert_eq!(summary["errors"], 2);
    assert_eq!(summary["hits"], 1);

    // Too large: refused before anything is screened.
    let big = "{\"document\": {\"number\": \"A1\", \"issuing_state\": \"MAR\"}}\n".repeat(2000);
    tanger
        .post_raw("/v1/screen/manifest", big, "application/x-ndjson")
        .await
        .problem(413);
}

#[tokio::test]
async fn every_search_appears_exactly_once_in_the_audit_log() {
    let net = network().await;
    let mut rabat = net.client(RABAT).await;
    rabat
        .post("/v1/records", &document(RABAT, "AU1111111", "owner_only"))
        .await;
    let mut tanger = net.client(TANGER).await;
    ready(&mut tanger).await;

    let mut search_ids = Vec::new();
    let searches = [
        (
            "/v1/screen/document",
            json!({"number": "AU1111111", "issuing_state": "MAR"}),
        ),
        (
            "/v1/screen/document",
            json!({"number": "AU2222222", "issuing_state": "MAR"}),
        ),
        ("/v1/screen/vehicle", json!({"vin": "WVWZZZ1JZXW000001"})),
        (
            "/v1/screen/traveller",
            json!({"surname": "Benali", "given_names": "Karim"}),
        ),
    ];
    for (path, body) in &searches {
        let answer = tanger.post(path, body).await.json();
        search_ids.push(answer["search_id"].as_str().unwrap().to_string());
    }
    let manifest = "{\"document\": {\"number\": \"AU1111111\", \"issuing_state\": \"MAR\"}}\n\
                    {\"vehicle\": {\"vin\": \"WVWZZZ1JZXW000002\"}}\n";
    let reply = tanger
        .send(
            hyper::Method::POST,
            "/v1/screen/manifest",
            Some(Bytes::from(manifest)),
            "application/x-ndjson",
        )
        .await
        .unwrap();
    let last = String::from_utf8_lossy(&reply.body)
        .lines()
        .last()
        .unwrap()
        .to_string();
    let summary: Value = serde_json::from_str(&last).unwrap();
    search_ids.push(
        summary["summary"]["search_id"]
            .as_str()
            .unwrap()
            .to_string(),
    );

    let mut gs = net.client(GS).await;
    let entries = gs.get("/v1/audit?limit=1000").await.json()["items"].clone();
    let mut seen: HashMap<String, Vec<Value>> = HashMap::new();
    for entry in entries.as_array().unwrap() {
        if let Some(id) = entry["search_id"].as_str() {
            seen.entry(id.to_string()).or_default().push(entry.clone());
        }
    }
    assert_eq!(seen.len(), search_ids.len(), "{seen:?}");
    for id in &search_ids {
        let found = &seen[id];
        assert_eq!(
            found.len(),
            1,
            "search {id} is audited {} times",
            found.len()
        );
        let entry = &found[0];
        assert_eq!(entry["agency"], TANGER);
        assert_eq!(entry["query_fingerprint"].as_str().unwrap().len(), 64);
    }
    // The owner-only record was revealed to nobody but counted as a hit; no query text is kept.
    let first = &seen[&search_ids[0]][0];
    assert_eq!(first["hits"], 1);
    assert_eq!(first["revealed"], json!([]));
    let all = entries.to_string();
    for query_text in ["AU1111111", "AU2222222", "Benali", "WVWZZZ1JZXW000001"] {
        assert!(
            !all.contains(query_text),
            "{query_text} is in the audit log"
        );
    }
    // The chain holds.
    let report = gs.post("/v1/audit/verify", &json!({})).await.json();
    assert_eq!(report["broken"], Value::Null);
}
