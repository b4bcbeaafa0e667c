//! `POST /match/{dataset}` answers yente's matching API: the request below is the example of
//! yente's own documentation (`yente/routers/match.py`), and the response is checked field by
//! field against yente's response models (`EntityMatchResponse`, `EntityMatches`,
//! `ScoredEntityResponse`, `TotalSpec` in `yente/data/common.py`).

mod common;

use serde_json::{json, Value};

use common::*;
use portwatch_store::Store;

/// yente's documented example: a person and a company in one batch.
fn documented_request() -> Value {
    json!({
        "queries": {
            "entity1": {
                "schema": "Person",
                "properties": {
                    "name": ["John Doe"],
                    "birthDate": ["1975-04-21"],
                    "nationality": ["us"]
                }
            },
            "entity2": {
                "schema": "Company",
                "properties": {
                    "name": ["Brilliant Amazing Limited"],
                    "jurisdiction": ["hk"],
                    "registrationNumber": ["84BA99810"]
                }
            }
        }
    })
}

/// A network where NCB Rabat lists John Doe (red notice, visible to all) and NCB Madrid lists
/// Jane Roe for its own eyes only; the Tanger Med border post asks.
async fn listed() -> (Network, Client) {
    let net = network().await;
    let mut rabat = net.client(RABAT).await;
    let created = rabat
        .post(
            "/v1/records",
            &json!({"owner": RABAT, "visibility": "all", "source_id": "A-1234/5-2019",
                "person": {"owner_ref": "P-1", "names": [
                    {"full": "John DOE", "kind": "primary"},
                    {"full": "Johnny Doe", "kind": "alias"}],
                "birth_dates": ["1975-04-21"], "nationalities": ["USA"], "sex": "M",
                "identifiers": [{"kind": "passport", "number": "X1234567", "country": "USA"}],
                "notices": [{"kind": "red", "reference": "A-1234/5-2019"}],
                "flags": ["foreign_terrorist_fighter"]}}),
        )
        .await;
    created.assert_status(201);
    let mut madrid = net.client(MADRID).await;
    let secret = madrid
        .post(
            "/v1/records",
            &json!({"owner": MADRID, "visibility": "owner_only",
                "person": {"owner_ref": "ES-7", "names": [{"full": "Jane ROE", "kind": "primary"}],
                "birth_dates": ["1980-02-02"]}}),
        )
        .await;
    assert_eq!(secret.status, 201);
    let mut tanger = net.client(TANGER).await;
    ready(&mut tanger).await;
    (net, tanger)
}

#[tokio::test]
async fn the_documented_request_gets_yentes_response_shape() {
    let (_net, mut tanger) = listed().await;
    let reply = tanger.post("/match/default", &documented_request()).await;
    reply.assert_status(200);
    assert_eq!(reply.content_type, "application/json");
    let body = reply.json();
    // EntityMatchResponse: responses (by the caller's keys) and limit.
    assert_eq!(body["limit"], 5);
    let responses = body["responses"].as_object().unwrap();
    assert_eq!(
        responses.keys().collect::<Vec<_>>(),
        vec!["entity1", "entity2"]
    );
    // EntityMatches: status, results, total, query.
    let person = &body["responses"]["entity1"];
    assert_eq!(person["status"], 200);
    assert_eq!(person["total"], json!({"value": 1, "relation": "eq"}));
    assert_eq!(person["query"]["schema"], "Person");
    assert_eq!(person["query"]["properties"]["name"], json!(["John Doe"]));
    // ScoredEntityResponse: the entity, its score, match and features.
    let result = &person["results"][0];
    for field in [
        "id",
        "caption",
        "schema",
        "properties",
        "datasets",
        "referents",
        "target",
        "first_seen",
        "last_seen",
        "last_change",
        "score",
        "match",
        "features",
        "explanations",
    ] {
        assert!(result.get(field).is_some(), "no `{field}` in {result}");
    }
    assert!(result["id"].as_str().is_some_and(|id| !id.is_empty()));
    assert_eq!(result["caption"], "John DOE");
    assert_eq!(result["schema"], "Person");
    assert_eq!(result["datasets"], json!(["persons"]));
    assert_eq!(result["referents"], json!(["A-1234/5-2019"]));
    assert_eq!(result["target"], true);
    assert!(result["last_change"].is_string());
    let props = &result["properties"];
    assert_eq!(props["name"], json!(["John DOE"]));
    assert_eq!(props["alias"], json!(["Johnny Doe"]));
    assert_eq!(props["birthDate"], json!(["1975-04-21"]));
    assert_eq!(props["nationality"], json!(["us"]));
    assert_eq!(props["gender"], json!(["male"]));
    assert_eq!(props["passportNumber"], json!(["X1234567"]));
    assert_eq!(props["topics"], json!(["wanted", "crime.terror"]));
    // Every property is a list of strings, as in FtM.
    for (name, values) in props.as_object().unwrap() {
        assert!(
            values.as_array().unwrap().iter().all(Value::is_string),
            "{name}"
        );
    }
    let score = result["score"].as_f64().unwrap();
    assert!((0.7..=1.0).contains(&score), "{score}");
    assert_eq!(result["match"], true);
    assert_eq!(result["features"]["birth_date_match"], 1.0);
    assert!(result["features"]["name_match"].as_f64().unwrap() > 0.9);
    assert_eq!(result["explanations"]["name_match"]["query"], "John Doe");
    assert_eq!(
        result["explanations"]["name_match"]["candidate"],
        "John DOE"
    );
    assert_eq!(result["disclosure"], "full");
    assert_eq!(result["owner"], RABAT);

    // A company: portwatch holds none; answered, with nothing.
    let company = &body["responses"]["entity2"];
    assert_eq!(company["status"], 200);
    assert_eq!(company["results"], json!([]));
    assert_eq!(company["total"], json!({"value": 0, "relation": "eq"}));
    assert_eq!(company["query"]["schema"], "Company");
}

#[tokio::test]
async fn each_query_is_one_search_and_each_match_a_hit() {
    let (net, mut tanger) = listed().await;
    let searches = |entries: &[portwatch_model::AuditEntry]| {
        entries
            .iter()
            .filter(|e| e.event.search_id.is_some())
            .count()
    };
    let before = searches(&net.store.audit_entries(0, 10_000).unwrap());
    tanger.post("/match/default", &documented_request()).await;
    // One search: the person query (the company query screened nothing).
    let after = searches(&net.store.audit_entries(0, 10_000).unwrap());
    assert_eq!(after - before, 1);
    let made = tanger.get("/v1/hits?scope=made").await.json();
    let hits = made["items"].as_array().unwrap();
    assert_eq!(hits.len(), 1, "{made}");
}

#[tokio::test]
async fn a_record_the_caller_may_not_see_only_says_contact_the_owner() {
    let (_net, mut tanger) = listed().await;
    let body = tanger
        .post(
            "/match/persons?threshold=0.99",
            &json!({"queries": {"q": {"schema": "Person",
                "properties": {"name": "Jane Roe", "birthDate": "1980-02-02"}}}}),
        )
        .await
        .json();
    let results = body["responses"]["q"]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{body}");
    let r = &results[0];
    assert_eq!(r["disclosure"], "contact_owner");
    assert_eq!(r["owner"], MADRID);
    assert_eq!(r["caption"], "hit: contact the owner NCB");
    // A fixed score, whatever the threshold: its real score is not revealed.
    assert_eq!(r["score"], 0.7);
    assert_eq!(r["match"], true);
    assert_eq!(r["properties"].get("name"), None);
    assert!(r["id"].as_str().unwrap().starts_with("hit-"));
}

#[tokio::test]
async fn threshold_limit_and_datasets_are_honoured() {
    let (_net, mut tanger) = listed().await;
    let q = json!({"queries": {"q": {"schema": "Person", "properties": {
        "firstName": ["Jon"], "lastName": ["Doe"], "nationality": ["us"]}}}});
    let loose = tanger.post("/match/default", &q).await.json();
    let r = &loose["responses"]["q"]["results"][0];
    let score = r["score"].as_f64().unwrap();
    let strict = tanger
        .post(&format!("/match/default?threshold={}", score + 0.001), &q)
        .await
        .json();
    // Above its score the result is cut (the cutoff follows the threshold).
    assert_eq!(strict["responses"]["q"]["total"]["value"], 0);
    let vehicles = tanger.post("/match/vehicles", &q).await.json();
    assert_eq!(vehicles["responses"]["q"]["results"], json!([]));
    let limited = tanger.post("/match/persons?limit=1", &q).await.json();
    assert_eq!(limited["limit"], 1);
    let by_topic = tanger
        .post("/match/default?topics=sanction", &q)
        .await
        .json();
    assert_eq!(by_topic["responses"]["q"]["results"], json!([]));
}

#[tokio::test]
async fn bad_requests_are_refused_as_yente_refuses_them() {
    let (_net, mut tanger) = listed().await;
    let p = tanger
        .post("/match/sanctions", &documented_request())
        .await
        .problem(404);
    assert!(p["detail"]
        .as_str()
        .unwrap()
        .contains("default, persons, documents, vehicles"));
    let p = tanger
        .post(
            "/match/default",
            &json!({"queries": {"q": {"schema": "Passport", "properties": {"number": ["X1"]}}}}),
        )
        .await
        .problem(400);
    assert_eq!(p["field"], "queries.q.schema");
    let p = tanger
        .post(
            "/match/default",
            &json!({"queries": {"q": {"schema": "Person", "properties": {"name": ["A B"], "birthDate": ["1975-13-01"]}}}}),
        )
        .await
        .problem(400);
    assert_eq!(p["field"], "queries.q.properties.birthDate");
    let p = tanger
        .post(
            "/match/default",
            &json!({"queries": {}, "config": {"nm_number_mismatch": 0.4}}),
        )
        .await
        .problem(400);
    assert_eq!(p["field"], "config.nm_number_mismatch");
    let p = tanger
        .post(
            "/match/default",
            &json!({"queries": {"q": {"properties": {}}}}),
        )
        .await
        .problem(400);
    assert_eq!(p["field"], "queries.q");
}

#[tokio::test]
async fn yentes_api_key_header_is_accepted_and_partners_are_refused() {
    let (net, _tanger) = listed().await;
    let mut gs = net.client(GS).await;
    let created = gs
        .post(
            "/v1/api-keys",
            &json!({"name": "compliance tool", "agency": TANGER, "roles": ["screener"]}),
        )
        .await
        .json();
    let key = created["key"].as_str().unwrap().to_string();
    let mut frontex = net.client(FRONTEX).await;
    frontex
        .post("/match/default", &documented_request())
        .await
        .problem(403);
    frontex
        .headers
        .push(("authorization", format!("ApiKey {key}")));
    let reply = frontex.post("/match/default", &documented_request()).await;
    reply.assert_status(200);
    frontex.headers = vec![("authorization", "ApiKey pwk_unknown_key".to_string())];
    frontex
        .post("/match/default", &documented_request())
        .await
        .problem(401);
}
