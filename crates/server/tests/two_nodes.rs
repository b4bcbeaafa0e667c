//! Two portwatch nodes on one PostgreSQL database: a record written through node A is
//! screened by node B, and the searches made on both nodes form one valid audit chain.
//!
//! Runs when `PORTWATCH_TEST_PG` holds a URL (`scripts/pg-test-server.sh start` prints one;
//! CI sets it); otherwise it says it is skipped. The nodes share the data directory (the
//! network's CA and certificates) and work in a schema of their own, dropped at the end.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;

use common::*;
use portwatch_model::Role;
use portwatch_server::pki::{write_private, write_public, CertificateAuthority};
use portwatch_server::tls::client_config;
use portwatch_server::{Limits, RunningServer, ServerConfig, ServerTlsFiles};
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
            .args([
                self.url.as_str(),
                "-qc",
                &format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema),
            ])
            .status();
    }
}

/// Writes the network's CA, an agency certificate for every test agency and a server
/// certificate into `data/certs`.
fn write_certificates(data: &std::path::Path) -> std::path::PathBuf {
    let ca = CertificateAuthority::init(data, 30).unwrap();
    let certs = data.join("certs");
    write_public(&certs.join("ca.crt"), ca.cert_pem().as_bytes()).unwrap();
    for agency in agencies() {
        let roles: Vec<Role> = agency.kind.allowed_roles().to_vec();
        issue(&ca, &certs, agency.id.as_str(), &roles);
    }
    let server = ca
        .issue_server(&["localhost".into()], &["127.0.0.1".parse().unwrap()], 30)
        .unwrap();
    write_public(&certs.join("server.crt"), server.cert_pem.as_bytes()).unwrap();
    write_private(&certs.join("server.key"), server.key_pem.as_bytes()).unwrap();
    certs
}

async fn node(store: Arc<dyn Store>, data: &std::path::Path) -> RunningServer {
    let certs = data.join("certs");
    let config = ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        tls: Some(ServerTlsFiles {
            cert: certs.join("server.crt"),
            key: certs.join("server.key"),
            client_ca: certs.join("ca.crt"),
            revocation_list: portwatch_server::pki::revocation_path(data),
        }),
        limits: Limits::default(),
        data: data.to_path_buf(),
        clock: portwatch_server::Clock::real(),
        console_listen: None,
    };
    portwatch_server::start(store, config).await.unwrap()
}

async fn client_of(server: &RunningServer, certs: &std::path::Path, agency: &str) -> Client {
    let config = client_config(
        &certs.join("ca.crt"),
        &certs.join(format!("{agency}.crt")),
        &certs.join(format!("{agency}.key")),
    )
    .unwrap();
    Client::connect(server.local_addr, config).await.unwrap()
}

async fn ready(client: &mut Client) {
    for _ in 0..500 {
        if client.get("/readyz").await.status == 200 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the node never became ready");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_written_through_node_a_is_screened_by_node_b() {
    let Some(url) = std::env::var("PORTWATCH_TEST_PG")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        eprintln!(
            "skipped: PORTWATCH_TEST_PG is not set (run `eval \"$(scripts/pg-test-server.sh start)\"`)"
        );
        return;
    };
    let schema = format!("two_nodes_{}", std::process::id());
    let _drop = DropSchema {
        url: url.clone(),
        schema: schema.clone(),
    };
    let store_a: Arc<dyn Store> = Arc::new(PgStore::connect_in_schema(&url, &schema).unwrap());
    let store_b: Arc<dyn Store> = Arc::new(PgStore::connect_in_schema(&url, &schema).unwrap());
    for agency in agencies() {
        store_a.put_agency(&agency).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let certs = write_certificates(dir.path());
    let node_a = node(store_a.clone(), dir.path()).await;
    let node_b = node(store_b.clone(), dir.path()).await;
    let mut rabat_on_a = client_of(&node_a, &certs, RABAT).await;
    let mut tanger_on_b = client_of(&node_b, &certs, TANGER).await;
    ready(&mut rabat_on_a).await;
    ready(&mut tanger_on_b).await;

    let query = json!({"number": "NN1234567", "issuing_state": "MAR"});
    let before = tanger_on_b.post("/v1/screen/document", &query).await.json();
    assert_eq!(before["hit"], false, "{before}");

    let written = rabat_on_a
        .post("/v1/records", &document(RABAT, "NN1234567", "all"))
        .await;
    assert!(
        written.status == 200 || written.status == 201,
        "{}",
        String::from_utf8_lossy(&written.body)
    );
    let started = Instant::now();
    let answer = loop {
        let answer = tanger_on_b.post("/v1/screen/document", &query).await.json();
        if answer["hit"] == true || started.elapsed() > Duration::from_secs(10) {
            break answer;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(answer["hit"], true, "node B never saw the record: {answer}");
    eprintln!(
        "node B screened the record written through node A after {:?}",
        started.elapsed()
    );
    assert_eq!(answer["hits"][0]["owner"], RABAT);

    // The searches of both nodes went into one chain (the audit writer is asynchronous).
    let deadline = Instant::now() + Duration::from_secs(10);
    while store_a.stats().unwrap().audit_entries < 2 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let report = store_b.verify_audit().unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert!(report.checked >= 2, "{report:?}");
}
