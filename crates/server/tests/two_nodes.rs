//! Two portwatch nodes on one PostgreSQL database: a record written through node A is
//! screened by node B within a second (woken by the database's notification, not the poll),
//! a hit made on node A reaches an alert subscriber of node B, a restarted node catches up,
//! and the searches made on both nodes form one valid audit chain.
//!
//! Runs when `PORTWATCH_TEST_PG` holds a URL (`scripts/pg-test-server.sh start` prints one;
//! CI sets it); otherwise it says it is skipped. The nodes share the data directory (the
//! network's CA and certificates) and work in a schema of their own, dropped at the end.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use common::*;
use portwatch_server::{Limits, RunningServer};
use portwatch_store::{PgStore, Store};

/// Drops the test's schema when the test ends, passed or not.
struct DropSchema {
    url: String,
    schema: String,
}

impl Drop for DropSchema {
    fn drop(&mut self) {
        // psql comes with the PostgreSQL the test server script installs.
        let _ = std::process::Command::new("psql")
            .env("PGOPTIONS", "--client-min-messages=warning")
            .args([
                self.url.as_str(),
                "-qc",
                &format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema),
            ])
            .status();
    }
}

/// The test database's URL, or `None` (and a line saying the test is skipped).
fn test_database() -> Option<String> {
    let url = std::env::var("PORTWATCH_TEST_PG")
        .ok()
        .filter(|u| !u.is_empty());
    if url.is_none() {
        eprintln!(
            "skipped: PORTWATCH_TEST_PG is not set (run `eval \"$(scripts/pg-test-server.sh start)\"`)"
        );
    }
    url
}

/// Two nodes, each with its own connection pool, on one schema of the test database.
struct TwoNodes {
    url: String,
    schema: String,
    dir: tempfile::TempDir,
    store_a: Arc<dyn Store>,
    a: RunningServer,
    b: RunningServer,
    // Dropped last: the schema goes once the nodes are done with it.
    _drop: DropSchema,
}

impl TwoNodes {
    async fn start(test: &str) -> Option<TwoNodes> {
        let url = test_database()?;
        let schema = format!("two_nodes_{test}_{}", std::process::id());
        let drop = DropSchema {
            url: url.clone(),
            schema: schema.clone(),
        };
        let store_a: Arc<dyn Store> = Arc::new(PgStore::connect_in_schema(&url, &schema).unwrap());
        for agency in agencies() {
            store_a.put_agency(&agency).unwrap();
        }
        let dir = tempfile::tempdir().unwrap();
        write_certificates(dir.path());
        let a = start_server(store_a.clone(), dir.path(), Limits::default()).await;
        let b = node_on_own_store(&url, &schema, dir.path()).await;
        Some(TwoNodes {
            url,
            schema,
            dir,
            store_a,
            a,
            b,
            _drop: drop,
        })
    }

    fn certs(&self) -> PathBuf {
        self.dir.path().join("certs")
    }

    /// A client of `server` presenting `agency`'s certificate, once the node is ready.
    async fn client(&self, server: &RunningServer, agency: &str) -> Client {
        let mut client = client_of(server, &self.certs(), agency).await;
        ready(&mut client).await;
        client
    }
}

/// Starts a node over a store of its own (another process would have its own pool).
async fn node_on_own_store(url: &str, schema: &str, data: &Path) -> RunningServer {
    let store: Arc<dyn Store> = Arc::new(PgStore::connect_in_schema(url, schema).unwrap());
    start_server(store, data, Limits::default()).await
}

/// Screens passport `number` (issued by Morocco).
async fn screen(client: &mut Client, number: &str) -> Value {
    let query = json!({"number": number, "issuing_state": "MAR"});
    let answer = client.post("/v1/screen/document", &query).await;
    answer.assert_status(200);
    answer.json()
}

/// Writes a passport of `owner` through `client` and returns the record.
async fn write_document(client: &mut Client, owner: &str, number: &str) -> Value {
    let written = client
        .post("/v1/records", &document(owner, number, "all"))
        .await;
    assert!(
        written.status == 200 || written.status == 201,
        "{}",
        String::from_utf8_lossy(&written.body)
    );
    written.json()
}

/// Screens `number` through `client` until it hits (or 10 s pass); returns how long it took.
async fn time_until_screened(client: &mut Client, number: &str) -> Duration {
    let started = Instant::now();
    loop {
        let answer = screen(client, number).await;
        if answer["hit"] == true {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{number} was never screened: {answer}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_written_through_node_a_is_screened_by_node_b_within_a_second() {
    let Some(nodes) = TwoNodes::start("screened").await else {
        return;
    };
    let mut rabat_on_a = nodes.client(&nodes.a, RABAT).await;
    let mut tanger_on_b = nodes.client(&nodes.b, TANGER).await;
    assert_eq!(screen(&mut tanger_on_b, "NN1234560").await["hit"], false);

    // Several writes, each timed from the moment node A answered until node B hits it. The
    // follower's poll runs every second, so only the database's notification waking node B
    // makes every one of them fast.
    let mut latencies = Vec::new();
    for i in 0..5 {
        let number = format!("NN123456{i}");
        write_document(&mut rabat_on_a, RABAT, &number).await;
        latencies.push(time_until_screened(&mut tanger_on_b, &number).await);
        // Out of step with the poll, whatever its phase.
        tokio::time::sleep(Duration::from_millis(137)).await;
    }
    latencies.sort();
    let median = latencies[latencies.len() / 2];
    eprintln!(
        "node B screened records written through node A after {latencies:?} (median {median:?})"
    );
    let slowest = *latencies.last().unwrap();
    assert!(
        slowest < Duration::from_secs(1),
        "node B took {slowest:?} to screen a record written through node A: {latencies:?}"
    );
    assert!(
        median < Duration::from_millis(500),
        "node B was not woken by the database's notification (median {median:?}): {latencies:?}"
    );
    let answer = screen(&mut tanger_on_b, "NN1234560").await;
    assert_eq!(answer["hits"][0]["owner"], RABAT);

    // The searches of both nodes went into one chain (the audit writer is asynchronous).
    screen(
        &mut client_of(&nodes.a, &nodes.certs(), TANGER).await,
        "NN1234561",
    )
    .await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while nodes.store_a.stats().unwrap().audit_entries < 2 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let report = nodes.store_a.verify_audit().unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert!(report.checked >= 2, "{report:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hit_made_on_node_a_reaches_a_subscriber_on_node_b_and_its_follow_up_comes_back() {
    let Some(nodes) = TwoNodes::start("alerts").await else {
        return;
    };
    let mut rabat_on_a = nodes.client(&nodes.a, RABAT).await;
    let mut tanger_on_a = nodes.client(&nodes.a, TANGER).await;
    let mut rabat_on_b = nodes.client(&nodes.b, RABAT).await;
    write_document(&mut rabat_on_a, RABAT, "HH0000001").await;
    time_until_screened(&mut tanger_on_a, "HH0000001").await;

    // The owner follows alerts on both nodes; another NCB on node B.
    let mut owner_b_conn = nodes.client(&nodes.b, RABAT).await;
    let mut owner_b = owner_b_conn.open_stream("/v1/hits/stream").await;
    assert_eq!(owner_b.status(), 200);
    let mut owner_a_conn = nodes.client(&nodes.a, RABAT).await;
    let mut owner_a = owner_a_conn.open_stream("/v1/hits/stream").await;
    assert_eq!(owner_a.status(), 200);
    let mut madrid_b_conn = nodes.client(&nodes.b, MADRID).await;
    let mut madrid_b = madrid_b_conn.open_stream("/v1/hits/stream").await;
    assert_eq!(madrid_b.status(), 200);

    // The first screening above made a hit before anyone subscribed; this one is new.
    let started = Instant::now();
    let answer = screen(&mut tanger_on_a, "HH0000001").await;
    let hit_id = answer["hits"][0]["hit_id"].as_str().unwrap().to_string();
    let on_b = next_hit_event(owner_b.body_mut(), Duration::from_secs(5))
        .await
        .expect("the owner's subscriber on node B got no alert of the hit made on node A");
    eprintln!(
        "the hit made on node A reached node B's subscriber after {:?}",
        started.elapsed()
    );
    assert_eq!(on_b["id"], hit_id.as_str());
    assert_eq!(on_b["state"], "pending");
    let on_a = next_hit_event(owner_a.body_mut(), Duration::from_secs(5))
        .await
        .expect("the owner's subscriber on node A got no alert");
    assert_eq!(on_a["id"], hit_id.as_str());

    // The owner rejects it through node B: node A's subscriber learns it too, and each
    // subscriber gets each state of the hit once.
    let answered = rabat_on_b
        .post(
            &format!("/v1/hits/{hit_id}/follow-up"),
            &json!({"decision": "rejected"}),
        )
        .await;
    answered.assert_status(200);
    for (node, stream) in [("A", &mut owner_a), ("B", &mut owner_b)] {
        let event = next_hit_event(stream.body_mut(), Duration::from_secs(5))
            .await
            .unwrap_or_else(|| panic!("node {node}'s subscriber missed the follow-up"));
        assert_eq!(event["id"], hit_id.as_str());
        assert_eq!(event["state"], "rejected", "node {node}: {event}");
        assert!(
            next_hit_event(stream.body_mut(), Duration::from_millis(500))
                .await
                .is_none(),
            "node {node}'s subscriber got an alert twice"
        );
    }
    assert!(
        next_hit_event(madrid_b.body_mut(), Duration::from_millis(200))
            .await
            .is_none(),
        "another NCB got the owner's alert"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_node_catches_up_from_where_it_was() {
    let Some(mut nodes) = TwoNodes::start("restart").await else {
        return;
    };
    let mut rabat_on_a = nodes.client(&nodes.a, RABAT).await;
    let kept = write_document(&mut rabat_on_a, RABAT, "RR0000001").await;
    let cancelled = write_document(&mut rabat_on_a, RABAT, "RR0000002").await;
    let mut tanger_on_b = nodes.client(&nodes.b, TANGER).await;
    time_until_screened(&mut tanger_on_b, "RR0000002").await;

    // Node B goes down; node A goes on writing.
    drop(tanger_on_b);
    let old_b = nodes.b;
    old_b.shutdown().await;
    let cancel = rabat_on_a
        .post(
            &format!("/v1/records/{}/cancel", cancelled["id"].as_str().unwrap()),
            &json!({}),
        )
        .await;
    cancel.assert_status(200);
    write_document(&mut rabat_on_a, RABAT, "RR0000003").await;

    // Node B comes back: it screens what was written while it was down, no longer the
    // cancelled record, and follows new writes at once again.
    nodes.b = node_on_own_store(&nodes.url, &nodes.schema, nodes.dir.path()).await;
    let mut tanger_on_b = nodes.client(&nodes.b, TANGER).await;
    assert_eq!(
        screen(&mut tanger_on_b, "RR0000001").await["hit"],
        true,
        "{kept}"
    );
    assert_eq!(screen(&mut tanger_on_b, "RR0000003").await["hit"], true);
    assert_eq!(screen(&mut tanger_on_b, "RR0000002").await["hit"], false);
    write_document(&mut rabat_on_a, RABAT, "RR0000004").await;
    let latency = time_until_screened(&mut tanger_on_b, "RR0000004").await;
    assert!(latency < Duration::from_secs(1), "{latency:?}");
}
