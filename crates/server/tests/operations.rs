//! Operations over the network: planning, attribution of searches, live figures, the report,
//! and leads opened from confirmed hits.

mod common;

use serde_json::{json, Value};
use time::{Duration, OffsetDateTime};

use common::*;
use portwatch_store::Store;

/// An operation running today with one site, Tanger Med, and Frontex as a partner.
fn operation() -> Value {
    let today = OffsetDateTime::now_utc().date();
    json!({
        "code": "NEPTUNE-TEST",
        "name": "Neptune test",
        "starts_on": (today - Duration::days(1)).to_string(),
        "ends_on": (today + Duration::days(10)).to_string(),
        "countries": ["MAR"],
        "sites": [{"locode": "MAPTM", "name": "Tanger Med", "country": "MAR", "agency": TANGER}],
        "partners": [{"agency": FRONTEX, "access": "statistics"}],
        "focus": ["terrorism", "document_fraud"],
        "coordinator": GS,
    })
}

async fn planned(net: &Network) -> Value {
    let mut gs = net.client(GS).await;
    let reply = gs.post("/v1/operations", &operation()).await;
    reply.assert_status(201);
    reply.json()
}

#[tokio::test]
async fn only_the_general_secretariat_plans_operations_and_names_must_exist() {
    let net = network().await;
    let mut rabat = net.client(RABAT).await;
    let p = rabat
        .post("/v1/operations", &operation())
        .await
        .problem(403);
    assert_eq!(p["rule"], "secretariat_only");

    let mut gs = net.client(GS).await;
    let mut bad = operation();
    bad["sites"][0]["agency"] = "bp-nowhere".into();
    let p = gs.post("/v1/operations", &bad).await.problem(400);
    assert_eq!(p["field"], "sites[0].agency", "{p}");

    let mut bad = operation();
    bad["ends_on"] = "2000-01-01".into();
    let p = gs.post("/v1/operations", &bad).await.problem(400);
    assert_eq!(p["field"], "ends_on", "{p}");

    let op = planned(&net).await;
    assert_eq!(op["code"], "NEPTUNE-TEST");
    let list = gs.get("/v1/operations").await.json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    // Madrid's country does not take part: it does not even see the operation.
    let mut madrid = net.client(MADRID).await;
    assert_eq!(madrid.get("/v1/operations").await.json(), json!([]));
    let p = madrid
        .get("/v1/operations/NEPTUNE-TEST/figures")
        .await
        .problem(403);
    assert_eq!(p["rule"], "operation_participants_only");
}

#[tokio::test]
async fn a_border_posts_searches_count_for_its_sites_operation_and_reconcile() {
    let net = network().await;
    let op = planned(&net).await;
    let mut rabat = net.client(RABAT).await;
    let reply = rabat
        .post("/v1/records", &document(RABAT, "ZX1234567", "all"))
        .await;
    assert_eq!(reply.status, 201);

    let mut post = net.client(TANGER).await;
    let hit = post
        .post(
            "/v1/screen/document",
            &json!({"number": "ZX1234567", "issuing_state": "MAR"}),
        )
        .await
        .json();
    assert_eq!(hit["hit"], true);
    let clean = post
        .post(
            "/v1/screen/document",
            &json!({"number": "QQ0000001", "issuing_state": "MAR"}),
        )
        .await
        .json();
    assert_eq!(clean["hit"], false);

    let hit_id = hit["hits"][0]["hit_id"].as_str().unwrap().to_string();
    let stored = net.store.hit(hit_id.parse().unwrap()).unwrap().unwrap();
    assert_eq!(
        stored.operation.unwrap().to_string(),
        op["id"].as_str().unwrap()
    );
    assert_eq!(stored.site.as_deref(), Some("MAPTM"));

    let mut gs = net.client(GS).await;
    let figures = gs.get("/v1/operations/NEPTUNE-TEST/figures").await.json();
    assert_eq!(figures["searches"], 2, "{figures}");
    assert_eq!(figures["hits"], 1);
    assert_eq!(figures["hits_by_database"]["documents"], 1);
    let site = &figures["by_site"][0];
    assert_eq!(site["locode"], "MAPTM");
    assert_eq!(site["searches"], 2);

    // Every search of the operation is one audit entry of the operation.
    let entries = net.store.audit_entries(0, 1000).unwrap();
    let searches = entries
        .iter()
        .filter(|e| {
            e.event.operation.is_some() && format!("{:?}", e.event.action).starts_with("Screen")
        })
        .count();
    assert_eq!(searches, 2);

    // The partner reads statistics; a border post does not read figures.
    let mut frontex = net.client(FRONTEX).await;
    assert_eq!(
        frontex
            .get("/v1/operations/NEPTUNE-TEST/figures")
            .await
            .status,
        200
    );
    post.get("/v1/operations/NEPTUNE-TEST/figures")
        .await
        .problem(403);
}

#[tokio::test]
async fn naming_an_operation_is_checked() {
    let net = network().await;
    planned(&net).await;
    let mut madrid = net.client(MADRID).await;
    madrid
        .headers
        .push(("x-portwatch-operation", "NEPTUNE-TEST".into()));
    let p = madrid
        .post(
            "/v1/screen/document",
            &json!({"number": "A1", "issuing_state": "MAR"}),
        )
        .await
        .problem(403);
    assert_eq!(p["rule"], "operation_participants_only");

    let mut rabat = net.client(RABAT).await;
    rabat
        .headers
        .push(("x-portwatch-operation", "NO-SUCH-OP".into()));
    let p = rabat.get("/v1/whoami").await.problem(400);
    assert_eq!(p["field"], "X-Portwatch-Operation");

    let mut rabat = net.client(RABAT).await;
    rabat
        .headers
        .push(("x-portwatch-operation", "not a code".into()));
    rabat.get("/v1/whoami").await.problem(400);
}

#[tokio::test]
async fn leads_open_from_confirmed_hits_and_show_in_the_report() {
    let net = network().await;
    planned(&net).await;
    let mut rabat = net.client(RABAT).await;
    rabat
        .post("/v1/records", &document(RABAT, "ZX7654321", "all"))
        .await;
    let mut post = net.client(TANGER).await;
    let answer = post
        .post(
            "/v1/screen/document",
            &json!({"number": "ZX7654321", "issuing_state": "MAR"}),
        )
        .await
        .json();
    let hit_id = answer["hits"][0]["hit_id"].as_str().unwrap().to_string();
    let lead = json!({
        "operation": "NEPTUNE-TEST", "category": "document_fraud", "hits": [hit_id],
        "outcomes": [{"kind": "documents_seized", "count": 1}]
    });
    let p = rabat.post("/v1/investigations", &lead).await.problem(400);
    assert_eq!(
        p["field"], "hits[0]",
        "an unconfirmed hit opens no lead: {p}"
    );

    let confirm = json!({"decision": "confirmed", "instructions": "Seize the passport."});
    let reply = rabat
        .post(&format!("/v1/hits/{hit_id}/follow-up"), &confirm)
        .await;
    assert_eq!(reply.status, 200);

    let mut madrid = net.client(MADRID).await;
    let p = madrid.post("/v1/investigations", &lead).await.problem(403);
    assert!(p["rule"].is_string());

    let mut bad = lead.clone();
    bad["outcomes"] = json!([{"kind": "money_seized", "amount": -5.0, "currency": "EUR"}]);
    let p = rabat.post("/v1/investigations", &bad).await.problem(400);
    assert_eq!(p["field"], "outcomes[0]");

    let reply = rabat.post("/v1/investigations", &lead).await;
    reply.assert_status(201);
    let opened = reply.json();
    let id = opened["id"].as_str().unwrap();
    let progress =
        json!({"notes": ["Holder questioned."], "outcomes": [{"kind": "arrest", "count": 1}]});
    let updated = rabat
        .post(&format!("/v1/investigations/{id}/progress"), &progress)
        .await
        .json();
    assert_eq!(updated["outcomes"].as_array().unwrap().len(), 2);

    let mut gs = net.client(GS).await;
    let figures = gs.get("/v1/operations/NEPTUNE-TEST/figures").await.json();
    assert_eq!(figures["confirmed_hits"], 1);
    assert_eq!(figures["leads"], 1);
    assert_eq!(figures["outcomes"]["arrests"], 1);
    assert_eq!(figures["outcomes"]["documents_seized"], 1);

    let html = gs.get("/v1/operations/NEPTUNE-TEST/report").await;
    assert!(html.content_type.starts_with("text/html"));
    let page = String::from_utf8_lossy(&html.body);
    assert!(page.contains("<svg"), "the report draws its charts");
    assert!(
        !page.contains("https://cdn"),
        "no request leaves the machine"
    );
    let csv = gs
        .get("/v1/operations/NEPTUNE-TEST/report?format=csv")
        .await;
    assert!(csv.content_type.starts_with("text/csv"));
    gs.get("/v1/operations/NEPTUNE-TEST/report?format=pdf")
        .await
        .problem(400);
}
