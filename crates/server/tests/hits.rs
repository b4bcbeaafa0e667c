//! Hits over the network: what each party sees, the follow-up workflow, and live alerts.

mod common;

use std::time::Duration;

use serde_json::{json, Value};
use time::OffsetDateTime;

use common::*;
use portwatch_model::{Action, AgencyId, Database, FollowUpState, Hit, Id, MatchKind};
use portwatch_store::Store;

/// A hit on `record` found by `agency`, as the screening path stores it.
fn hit(record: &Value, agency: &str, action: Action, at: OffsetDateTime) -> Hit {
    Hit {
        id: Id::generate(),
        search_id: Id::generate(),
        database: Database::Documents,
        record_id: record["id"].as_str().unwrap().parse().unwrap(),
        record_version: 1,
        owner: AgencyId::parse(record["owner"].as_str().unwrap()).unwrap(),
        agency: AgencyId::parse(agency).unwrap(),
        operation: None,
        site: Some("MAPTM".into()),
        match_kind: MatchKind::Exact,
        score: 1.0,
        action,
        at,
        state: FollowUpState::Pending,
        deadline: at + action.follow_up_deadline(),
        instructions: None,
        action_taken: None,
    }
}

#[tokio::test]
async fn each_party_sees_what_it_may_and_the_owner_follows_up() {
    let net = network().await;
    let mut rabat = net.client(RABAT).await;
    let mut tanger = net.client(TANGER).await;
    let mut madrid = net.client(MADRID).await;

    let secret = rabat
        .post("/v1/records", &document(RABAT, "OO0000001", "owner_only"))
        .await
        .json();
    let open = rabat
        .post("/v1/records", &document(RABAT, "AL0000001", "all"))
        .await
        .json();
    let now = OffsetDateTime::now_utc();
    let on_secret = hit(&secret, TANGER, Action::DetainAndContactOwner, now);
    let on_open = hit(&open, TANGER, Action::SeizeDocument, now);
    let late = hit(
        &open,
        TANGER,
        Action::DetainAndContactOwner,
        now - time::Duration::hours(1),
    );
    net.store
        .insert_hits(&[on_secret.clone(), on_open.clone(), late.clone()])
        .unwrap();

    // The checkpoint sees its hits; the owner-only one says only "contact the owner".
    let made = tanger.get("/v1/hits").await.json();
    let items = made["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    let redacted = items
        .iter()
        .find(|h| h["id"] == on_secret.id.to_string())
        .unwrap();
    assert_eq!(redacted["message"], "hit: contact the owner NCB");
    assert_eq!(redacted["owner"], RABAT);
    for hidden in [
        "record_id",
        "score",
        "match_kind",
        "database",
        "record_version",
    ] {
        assert!(
            redacted.get(hidden).is_none(),
            "{hidden} leaked: {redacted}"
        );
    }
    let full = items
        .iter()
        .find(|h| h["id"] == on_open.id.to_string())
        .unwrap();
    assert_eq!(full["record_id"], open["id"]);

    // The owner sees everything, with the overdue flag; an unrelated NCB sees nothing.
    let owned = rabat.get("/v1/hits?overdue=true").await.json();
    let overdue = owned["items"].as_array().unwrap();
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0]["id"], late.id.to_string());
    assert_eq!(overdue[0]["overdue"], true);
    let p = madrid
        .get(&format!("/v1/hits/{}", on_open.id))
        .await
        .problem(403);
    assert_eq!(p["rule"], "hit_parties_only");
    assert_eq!(madrid.get("/v1/hits").await.json()["items"], json!([]));

    // Pages follow the cursor.
    let first = rabat.get("/v1/hits?limit=2").await.json();
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = rabat
        .get(&format!("/v1/hits?limit=2&cursor={cursor}"))
        .await
        .json();
    assert_eq!(second["items"].as_array().unwrap().len(), 1);

    // Only the owner answers; a confirmation needs instructions; one answer only.
    let path = format!("/v1/hits/{}/follow-up", on_secret.id);
    let p = tanger
        .post(&path, &json!({"decision": "confirmed"}))
        .await
        .problem(403);
    assert_eq!(p["missing_role"], "records_editor");
    let p = rabat
        .post(&path, &json!({"decision": "confirmed"}))
        .await
        .problem(400);
    assert_eq!(p["field"], "instructions");
    let answered = rabat
        .post(
            &path,
            &json!({"decision": "confirmed", "instructions": "detain; call NCB Rabat"}),
        )
        .await;
    answered.assert_status(200);
    assert_eq!(answered.json()["hit"]["state"], "confirmed");
    rabat
        .post(&path, &json!({"decision": "rejected"}))
        .await
        .problem(409);

    // The checkpoint that searched records what it did; nobody else may.
    let path = format!("/v1/hits/{}/action-taken", on_secret.id);
    let p = rabat
        .post(&path, &json!({"action_taken": "detained"}))
        .await
        .problem(403);
    assert_eq!(p["rule"], "searcher_only_action");
    let done = tanger
        .post(&path, &json!({"action_taken": "detained"}))
        .await
        .json();
    assert_eq!(done["action_taken"], "detained");
    assert_eq!(done["message"], "hit: contact the owner NCB");
    tanger
        .post(&path, &json!({"action_taken": "teleported"}))
        .await
        .problem(400);
}

#[tokio::test]
async fn alerts_reach_the_owner_and_no_one_else() {
    let net = network().await;
    let mut rabat = net.client(RABAT).await;
    let record = rabat
        .post("/v1/records", &document(RABAT, "SS0000001", "all"))
        .await
        .json();
    let found = hit(
        &record,
        TANGER,
        Action::SeizeDocument,
        OffsetDateTime::now_utc(),
    );
    net.store.insert_hits(std::slice::from_ref(&found)).unwrap();

    let mut owner_stream = net.client(RABAT).await;
    let mut owner = owner_stream.open_stream("/v1/hits/stream").await;
    assert_eq!(owner.status(), 200);
    let mut other_stream = net.client(MADRID).await;
    let mut other = other_stream.open_stream("/v1/hits/stream").await;
    assert_eq!(other.status(), 200);
    // A border post may not follow alerts.
    let mut tanger = net.client(TANGER).await;
    tanger.get("/v1/hits/stream").await.problem(403);

    rabat
        .post(
            &format!("/v1/hits/{}/follow-up", found.id),
            &json!({"decision": "rejected"}),
        )
        .await;
    let event = next_hit_event(owner.body_mut(), Duration::from_secs(5))
        .await
        .expect("the owner got no alert");
    assert_eq!(event["id"], found.id.to_string());
    assert_eq!(event["state"], "rejected");
    assert!(
        next_hit_event(other.body_mut(), Duration::from_millis(300))
            .await
            .is_none(),
        "an unrelated agency got the owner's alert"
    );
}
