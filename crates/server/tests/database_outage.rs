//! A node on PostgreSQL whose database goes away and comes back: the API answers 503 with
//! `Retry-After` meanwhile (never 500), and recovers by itself.
//!
//! Runs when `PORTWATCH_TEST_PG` is set (like the store's PostgreSQL tests), but never touches
//! that shared database: it starts a throwaway PostgreSQL server of its own with
//! `scripts/pg-test-server.sh` (its own `PG_TEST_STATE`), stops it with `pause` and starts it
//! again with `resume`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;

use common::*;
use portwatch_server::{Limits, RunningServer};
use portwatch_store::{PgStore, Store};

/// A PostgreSQL server of this test's own, stopped and removed when dropped.
struct OwnDatabase {
    state: PathBuf,
    url: String,
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/pg-test-server.sh")
}

impl OwnDatabase {
    fn start(dir: &Path) -> OwnDatabase {
        let state = dir.join("pg.state");
        let out = OwnDatabase::run(&state, "start");
        let url = out
            .trim()
            .strip_prefix("export PORTWATCH_TEST_PG=")
            .unwrap_or_else(|| panic!("unexpected output of the script: {out}"))
            .to_string();
        OwnDatabase { state, url }
    }

    fn run(state: &Path, command: &str) -> String {
        let out = Command::new("bash")
            .arg(script())
            .arg(command)
            .env("PG_TEST_STATE", state)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "pg-test-server.sh {command}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn pause(&self) {
        OwnDatabase::run(&self.state, "pause");
    }

    fn resume(&self) {
        OwnDatabase::run(&self.state, "resume");
    }
}

impl Drop for OwnDatabase {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(script())
            .arg("stop")
            .env("PG_TEST_STATE", &self.state)
            .output();
    }
}

/// The test network's agencies and certificates, and a server on `store`.
async fn serve(data: &Path, store: Arc<dyn Store>) -> RunningServer {
    for agency in agencies() {
        store.put_agency(&agency).unwrap();
    }
    write_certificates(data);
    start_server(store, data, Limits::default()).await
}

fn screen_body(number: &str) -> serde_json::Value {
    json!({"number": number, "issuing_state": "MAR"})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_the_database_is_down_the_api_answers_503_and_recovers_by_itself() {
    if std::env::var("PORTWATCH_TEST_PG").map_or(true, |u| u.is_empty()) {
        eprintln!(
            "skipped: PORTWATCH_TEST_PG is not set (run `eval \"$(scripts/pg-test-server.sh \
             start)\"`); this test starts a PostgreSQL server of its own"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let database = OwnDatabase::start(dir.path());
    let store: Arc<dyn Store> = Arc::new(PgStore::connect(&database.url).unwrap());
    let server = serve(dir.path(), store).await;
    let certs = dir.path().join("certs");
    let mut rabat = client_of(&server, &certs, RABAT).await;
    let mut post = client_of(&server, &certs, TANGER).await;
    let started = Instant::now();
    while post.get("/readyz").await.status != 200 {
        assert!(started.elapsed() < Duration::from_secs(30), "never ready");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let created = rabat
        .post("/v1/records", &document(RABAT, "KEPT123", "all"))
        .await;
    assert_eq!(created.status, 201);
    let kept = created.json()["id"].as_str().unwrap().to_string();
    let reply = post
        .post("/v1/screen/document", &screen_body("KEPT123"))
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["hit"], true);

    database.pause();
    // A search (its audit entry cannot be written) and a write: both 503, said once.
    let screening = post
        .post("/v1/screen/document", &screen_body("KEPT123"))
        .await;
    let writing = rabat
        .post("/v1/records", &document(RABAT, "DURING1", "all"))
        .await;
    for reply in [screening, writing] {
        let p = reply.problem(503);
        assert_eq!(reply.headers["retry-after"], "2");
        assert_eq!(p["retry_after"], 2);
        assert!(p["type"]
            .as_str()
            .unwrap()
            .ends_with("/database-unavailable"));
        let detail = p["detail"].as_str().unwrap();
        assert_eq!(
            detail,
            "the database is unavailable; retry shortly — accepted writes are kept"
        );
        assert_eq!(detail.matches("unavailable").count(), 1, "{detail}");
    }
    let read = rabat.get(&format!("/v1/records/{kept}")).await;
    read.problem(503);

    database.resume();
    // No restart of the node: the store reconnects on the next call.
    let started = Instant::now();
    let reply = loop {
        let reply = post
            .post("/v1/screen/document", &screen_body("KEPT123"))
            .await;
        if reply.status != 503 || started.elapsed() > Duration::from_secs(30) {
            break reply;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    reply.assert_status(200);
    assert_eq!(
        reply.json()["hit"],
        true,
        "the record written before is kept"
    );
    let read = rabat.get(&format!("/v1/records/{kept}")).await;
    assert_eq!(read.status, 200);
    let written = rabat
        .post("/v1/records", &document(RABAT, "AFTER12", "all"))
        .await;
    assert_eq!(written.status, 201);
    // The node's engine follows the change log again: the new record is screened at once.
    let started = Instant::now();
    loop {
        let reply = post
            .post("/v1/screen/document", &screen_body("AFTER12"))
            .await;
        if reply.json()["hit"] == true {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the record written after the outage never reached the engine"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
