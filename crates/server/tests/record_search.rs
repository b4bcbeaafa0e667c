//! `GET /v1/records`: an agency finds its own records for records management.

mod common;

use serde_json::{json, Value};

use common::*;

fn person(owner: &str, owner_ref: &str, name: &str) -> Value {
    json!({"owner": owner, "visibility": "all",
           "person": {"owner_ref": owner_ref, "names": [{"full": name, "kind": "primary"}]}})
}

fn vehicle(owner: &str, vin: &str, plate: &str) -> Value {
    json!({"owner": owner, "visibility": "owner_only",
           "vehicle": {"vin": vin, "plate": {"country": "ESP", "number": plate}}})
}

async fn create(client: &mut Client, body: &Value) -> String {
    let reply = client.post("/v1/records", body).await;
    reply.assert_status(201);
    reply.json()["id"].as_str().unwrap().to_string()
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn an_ncb_finds_its_own_records_by_name_number_vin_or_plate() {
    let net = network().await;
    let mut rabat = net.client(RABAT).await;
    let mut madrid = net.client(MADRID).await;
    let benali = create(&mut rabat, &person(RABAT, "R-1", "Karim BENALI")).await;
    let jose = create(&mut rabat, &person(RABAT, "R-2", "José Ángel Martín")).await;
    let passport = create(&mut rabat, &document(RABAT, "AB1234567", "all")).await;
    let car = create(&mut rabat, &vehicle(RABAT, "VF1RFB00X56123456", "1234 BCD")).await;
    let theirs = create(&mut madrid, &person(MADRID, "M-1", "Karim Benali")).await;

    let page = rabat.get("/v1/records?q=benali").await;
    page.assert_status(200);
    let page = page.json();
    assert_eq!(ids(&page), vec![benali.clone()]);
    assert_eq!(page["items"][0]["owner"], RABAT);
    assert_eq!(
        page["items"][0]["person"]["names"][0]["full"],
        "Karim BENALI"
    );
    assert_eq!(page["next_after"], Value::Null);

    assert_eq!(
        ids(&rabat.get("/v1/records?q=jose%20angel").await.json()),
        vec![jose]
    );
    assert_eq!(
        ids(&rabat.get("/v1/records?q=ab%201234").await.json()),
        vec![passport]
    );
    assert_eq!(
        ids(&rabat.get("/v1/records?q=1234-BCD").await.json()),
        vec![car.clone()]
    );
    assert_eq!(
        ids(&rabat
            .get("/v1/records?q=1234&database=vehicles")
            .await
            .json()),
        vec![car]
    );
    assert_eq!(
        ids(&madrid.get("/v1/records?q=benali").await.json()),
        vec![theirs]
    );

    // Pages of one, in creation order, until the list ends.
    let mut seen = Vec::new();
    let mut path = "/v1/records?limit=1".to_string();
    loop {
        let page = rabat.get(&path).await.json();
        seen.extend(ids(&page));
        match page["next_after"].as_str() {
            Some(after) => path = format!("/v1/records?limit=1&after={after}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 4, "{seen:?}");
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "pages follow id (creation) order");

    // A cancelled record leaves the default list and is found with status=cancelled or all.
    let reply = rabat
        .post(&format!("/v1/records/{benali}/cancel"), &json!({}))
        .await;
    assert_eq!(reply.status, 200);
    assert!(ids(&rabat.get("/v1/records?q=benali").await.json()).is_empty());
    let cancelled = rabat
        .get("/v1/records?q=benali&status=cancelled")
        .await
        .json();
    assert_eq!(ids(&cancelled), vec![benali.clone()]);
    assert_eq!(cancelled["items"][0]["status"], "cancelled");
    assert_eq!(
        ids(&rabat.get("/v1/records?q=benali&status=all").await.json()),
        vec![benali]
    );
}

#[tokio::test]
async fn finding_records_needs_an_editor_or_analyst_and_good_parameters() {
    let net = network().await;
    let mut post = net.client(TANGER).await;
    let p = post.get("/v1/records").await.problem(403);
    assert_eq!(p["missing_role"], "records_editor");
    let mut partner = net.client(FRONTEX).await;
    partner.get("/v1/records").await.problem(403);

    let mut rabat = net.client(RABAT).await;
    for (query, field) in [
        ("status=gone", "status"),
        ("database=ships", "database"),
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("after=nope", "after"),
        ("colour=red", "colour"),
    ] {
        let p = rabat
            .get(&format!("/v1/records?{query}"))
            .await
            .problem(400);
        assert_eq!(p["field"], field, "{query}: {p}");
    }
    let empty = rabat.get("/v1/records?limit=200").await.json();
    assert_eq!(empty, json!({"items": [], "next_after": null}));
}
