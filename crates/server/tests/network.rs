//! The secure network end to end: the real server on 127.0.0.1 over mutual TLS, real clients.

mod common;

use bytes::Bytes;
use hyper::Method;
use serde_json::json;

use common::*;
use portwatch_server::pki::CertificateAuthority;
use portwatch_server::tls::{anonymous_client_config, client_config};
use portwatch_server::Limits;
use portwatch_store::Store;

/// A request on a connection whose handshake the server refused fails one way or another.
async fn refused(addr: std::net::SocketAddr, config: std::sync::Arc<rustls::ClientConfig>) -> bool {
    match Client::connect(addr, config).await {
        Err(_) => true,
        Ok(mut client) => client
            .send(Method::GET, "/healthz", None, "")
            .await
            .is_err(),
    }
}

#[tokio::test]
async fn connections_without_a_valid_certificate_are_refused() {
    let net = network().await;
    let addr = net.server.local_addr;
    let certs = net.certs();

    // A certificate of the network works.
    let mut ok = net.client(RABAT).await;
    assert_eq!(ok.get("/healthz").await.status, 200);
    let me = ok.get("/v1/whoami").await.json();
    assert_eq!(me["agency"]["id"], RABAT);

    // No certificate at all.
    let anonymous = anonymous_client_config(&certs.join("ca.crt")).unwrap();
    assert!(
        refused(addr, anonymous).await,
        "a client without a certificate got in"
    );

    // A certificate from another CA, naming a real agency.
    let other = tempfile::tempdir().unwrap();
    let foreign_ca = CertificateAuthority::init(other.path(), 30).unwrap();
    issue(
        &foreign_ca,
        other.path(),
        RABAT,
        &[portwatch_model::Role::Screener],
    );
    let foreign = client_config(
        &certs.join("ca.crt"),
        &other.path().join(format!("{RABAT}.crt")),
        &other.path().join(format!("{RABAT}.key")),
    )
    .unwrap();
    assert!(
        refused(addr, foreign).await,
        "a foreign CA's certificate got in"
    );

    // A revoked certificate: refused from the next connection on, without a restart.
    let ca = CertificateAuthority::open(net.data()).unwrap();
    ca.revoke_agency(&portwatch_model::AgencyId::parse(MADRID).unwrap())
        .unwrap();
    let madrid = client_config(
        &certs.join("ca.crt"),
        &certs.join(format!("{MADRID}.crt")),
        &certs.join(format!("{MADRID}.key")),
    )
    .unwrap();
    assert!(refused(addr, madrid).await, "a revoked certificate got in");

    // The refusals are counted.
    let metrics = ok.get("/metrics").await;
    let text = String::from_utf8_lossy(&metrics.body);
    let refused_line = text
        .lines()
        .find(|l| l.starts_with("portwatch_tls_refused_total "))
        .unwrap();
    assert_eq!(refused_line, "portwatch_tls_refused_total 3");
}

#[tokio::test]
async fn plain_http_is_refused_off_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let store = std::sync::Arc::new(portwatch_store::SqliteStore::create(dir.path()).unwrap());
    let config = portwatch_server::ServerConfig {
        listen: "0.0.0.0:0".parse().unwrap(),
        tls: None,
        limits: Limits::default(),
        data: dir.path().to_path_buf(),
        clock: portwatch_server::Clock::real(),
        console_listen: None,
    };
    let err = portwatch_server::start(store, config).await.err().unwrap();
    assert!(err.to_string().contains("loopback"), "{err}");
}

#[tokio::test]
async fn only_owners_write_their_records() {
    let net = network().await;
    let mut rabat = net.client(RABAT).await;
    let mut madrid = net.client(MADRID).await;
    let mut tanger = net.client(TANGER).await;

    // A border post cannot write records at all.
    let p = tanger
        .post("/v1/records", &document(TANGER, "BP0000001", "all"))
        .await
        .problem(403);
    assert_eq!(p["missing_role"], "records_editor");

    // The owner creates, reads and updates its record.
    let created = rabat
        .post("/v1/records", &document(RABAT, "AB1234567", "all"))
        .await;
    created.assert_status(201);
    let record = created.json();
    let id = record["id"].as_str().unwrap().to_string();
    assert_eq!(record["version"], 1);
    assert_eq!(record["owner"], RABAT);

    // Another NCB can neither write it in its own name, nor change nor cancel it.
    let p = madrid
        .post("/v1/records", &document(RABAT, "AB1234567", "all"))
        .await
        .problem(403);
    assert_eq!(p["rule"], "owner_only_writes");
    let p = madrid
        .put(
            &format!("/v1/records/{id}"),
            &document(MADRID, "AB1234567", "owner_only"),
        )
        .await
        .problem(403);
    assert_eq!(p["rule"], "owner_only_writes");
    let p = madrid
        .post(&format!("/v1/records/{id}/cancel"), &json!({}))
        .await
        .problem(403);
    assert_eq!(p["rule"], "owner_only_writes");
    // Writing the same natural key under its own name is refused by the store's ownership.
    let p = madrid
        .post("/v1/records", &document(MADRID, "AB1234567", "all"))
        .await
        .problem(403);
    assert_eq!(p["rule"], "owner_only_writes");

    // The owner's update is a new version; cancelling keeps the history.
    let updated = rabat
        .put(
            &format!("/v1/records/{id}?expected_version=1"),
            &document(RABAT, "AB1234567", "owner_only"),
        )
        .await;
    updated.assert_status(200);
    assert_eq!(updated.json()["version"], 2);
    let cancelled = rabat
        .post(&format!("/v1/records/{id}/cancel"), &json!({}))
        .await;
    assert_eq!(cancelled.json()["status"], "cancelled");
    let history = rabat.get(&format!("/v1/records/{id}/history")).await.json();
    assert_eq!(history["versions"].as_array().unwrap().len(), 3);

    // An owner-only record is not readable by others; its history is the owner's alone.
    let p = madrid.get(&format!("/v1/records/{id}")).await.problem(403);
    assert_eq!(p["rule"], "visibility");
    madrid
        .get(&format!("/v1/records/{id}/history"))
        .await
        .problem(403);

    // A partner sees statistics only.
    let mut frontex = net.client(FRONTEX).await;
    let p = frontex.get(&format!("/v1/records/{id}")).await.problem(403);
    assert_eq!(p["rule"], "partner_statistics_only");
    assert_eq!(frontex.get("/v1/stats").await.status, 200);
    let p = frontex.get("/v1/hits").await.problem(403);
    assert_eq!(p["rule"], "partner_statistics_only");
}

#[tokio::test]
async fn bad_requests_get_problem_documents() {
    let net = network_with(Limits {
        body_bytes: 4096,
        ..Limits::default()
    })
    .await;
    let mut rabat = net.client(RABAT).await;

    // Not JSON at all.
    let p = rabat
        .post_raw("/v1/records", "{\"owner\": ", "application/json")
        .await
        .problem(400);
    assert!(p["detail"].as_str().unwrap().contains("JSON"), "{p}");

    // JSON with a bad field: the problem names it.
    let mut bad = document(RABAT, "AB1234567", "all");
    bad["document"]["issuing_state"] = json!("XX");
    let p = rabat.post("/v1/records", &bad).await.problem(400);
    assert!(
        p["field"]
            .as_str()
            .unwrap_or_default()
            .contains("issuing_state")
            || p["detail"].as_str().unwrap().contains("issuing_state"),
        "{p}"
    );

    // Too large.
    let big = format!("{{\"pad\": \"{}\"}}", "x".repeat(8192));
    rabat
        .post_raw("/v1/records", big, "application/json")
        .await
        .problem(413);

    // Unknown route and wrong method.
    rabat.get("/v1/nowhere").await.problem(404);
    rabat
        .send(
            Method::DELETE,
            "/v1/hits",
            Some(Bytes::new()),
            "application/json",
        )
        .await
        .unwrap()
        .problem(405);

    // A bad UUID in a path.
    let p = rabat.get("/v1/records/not-a-uuid").await.problem(400);
    assert_eq!(p["field"], "id");
}

#[tokio::test]
async fn agencies_are_rate_limited() {
    let net = network_with(Limits {
        // A token every 20 s: the test never waits long enough for a refill.
        rate_per_second: 0.05,
        rate_burst: 3.0,
        ..Limits::default()
    })
    .await;
    let mut rabat = net.client(RABAT).await;
    for _ in 0..3 {
        assert_eq!(rabat.get("/v1/whoami").await.status, 200);
    }
    let limited = rabat.get("/v1/whoami").await;
    let p = limited.problem(429);
    assert!(p["retry_after"].as_u64().unwrap() >= 1);
    assert!(limited.headers.contains_key("retry-after"));
    // Another agency has its own bucket.
    let mut madrid = net.client(MADRID).await;
    assert_eq!(madrid.get("/v1/whoami").await.status, 200);
}

#[tokio::test]
async fn api_keys_are_bound_to_an_agency_and_revocable() {
    let net = network().await;
    let mut gs = net.client(GS).await;
    let created = gs
        .post(
            "/v1/api-keys",
            &json!({"name": "console Tanger", "agency": TANGER, "roles": ["screener"]}),
        )
        .await;
    created.assert_status(201);
    let key = created.json();
    let token = key["key"].as_str().unwrap().to_string();
    // The stored file never holds the key.
    let stored = std::fs::read_to_string(net.data().join("server/api-keys.json")).unwrap();
    assert!(!stored.contains(&token));

    // A border post cannot be given more than screening.
    let p = gs
        .post(
            "/v1/api-keys",
            &json!({"name": "x", "agency": TANGER, "roles": ["records_editor"]}),
        )
        .await
        .problem(400);
    assert_eq!(p["field"], "roles");

    // The key identifies the border post, whatever certificate carries the connection.
    let mut console = net.client(RABAT).await;
    console.bearer = Some(token.clone());
    let me = console.get("/v1/whoami").await.json();
    assert_eq!(me["agency"]["id"], TANGER);
    assert_eq!(me["roles"], json!(["screener"]));

    // An NCB's admin cannot make keys for another NCB.
    let mut madrid = net.client(MADRID).await;
    let p = madrid
        .post(
            "/v1/api-keys",
            &json!({"name": "x", "agency": RABAT, "roles": ["screener"]}),
        )
        .await
        .problem(403);
    assert_eq!(p["rule"], "own_agency_keys");

    // Revoked: refused at once.
    let id = key["id"].as_str().unwrap();
    assert_eq!(
        gs.post(&format!("/v1/api-keys/{id}/revoke"), &json!({}))
            .await
            .status,
        200
    );
    console.get("/v1/whoami").await.problem(401);
}

#[tokio::test]
async fn agencies_are_administered_by_the_secretariat_only() {
    let net = network().await;
    let new_post = json!({"id": "bp-algeciras", "name": "Algeciras", "kind": "border_post",
                          "country": "ESP", "parent": MADRID});
    let mut madrid = net.client(MADRID).await;
    let p = madrid.post("/v1/agencies", &new_post).await.problem(403);
    assert_eq!(p["rule"], "secretariat_only");
    let mut gs = net.client(GS).await;
    assert_eq!(gs.post("/v1/agencies", &new_post).await.status, 201);
    gs.post("/v1/agencies", &new_post).await.problem(409);
    let listed = madrid.get("/v1/agencies").await.json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 6);
}

#[tokio::test]
async fn a_tampered_audit_row_is_named_by_verify() {
    let net = network().await;
    let mut rabat = net.client(RABAT).await;
    for n in 0..3 {
        let r = rabat
            .post("/v1/records", &document(RABAT, &format!("TM{n:07}"), "all"))
            .await;
        assert_eq!(r.status, 201);
    }
    let mut gs = net.client(GS).await;
    let report = gs.post("/v1/audit/verify", &json!({})).await.json();
    assert_eq!(report["broken"], serde_json::Value::Null);
    assert_eq!(report["checked"], 3);

    // Someone edits entry 2 directly in the audit file.
    let db = rusqlite::Connection::open(net.data().join("audit.sqlite3")).unwrap();
    let changed = db
        .execute(
            "UPDATE audit SET event = replace(event, 'record_create', 'record_read') WHERE seq = 2",
            [],
        )
        .unwrap();
    assert_eq!(changed, 1);
    let report = net.store.verify_audit().unwrap();
    assert_eq!(report.broken.unwrap().seq, 2);
    let report = gs.post("/v1/audit/verify", &json!({})).await.json();
    assert_eq!(report["broken"]["seq"], 2);

    // Only auditors read or verify the trail.
    let mut tanger = net.client(TANGER).await;
    let p = tanger.get("/v1/audit").await.problem(403);
    assert_eq!(p["missing_role"], "auditor");
}

#[tokio::test]
async fn operators_get_health_readiness_metrics_and_the_api_description() {
    let net = network().await;
    let mut c = net.client(TANGER).await;
    assert_eq!(c.get("/healthz").await.json()["status"], "ok");
    // Ready once the engine has loaded the (empty) store.
    let mut ready = false;
    for _ in 0..200 {
        if c.get("/readyz").await.status == 200 {
            ready = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(ready, "never ready");
    let metrics = c.get("/metrics").await;
    assert!(metrics.content_type.starts_with("text/plain"));
    let api = c.get("/openapi.json").await.json();
    assert_eq!(api["openapi"], "3.1.0");
}

#[tokio::test]
async fn every_documented_route_exists() {
    let net = network().await;
    let mut gs = net.client(GS).await;
    let api = gs.get("/openapi.json").await.json();
    let some_id = "0190f1f2-0000-7000-8000-000000000001";
    for (path, item) in api["paths"].as_object().unwrap() {
        if path.ends_with("/stream") {
            continue; // never ends; covered by its own test
        }
        let concrete = path.replace("{id}", some_id);
        for method in item.as_object().unwrap().keys() {
            let method: Method = method.to_uppercase().parse().unwrap();
            let reply = gs
                .send(
                    method.clone(),
                    &concrete,
                    Some(Bytes::from("{}")),
                    "application/json",
                )
                .await
                .unwrap();
            let text = String::from_utf8_lossy(&reply.body);
            assert!(
                reply.status != 405 && !text.contains("no route"),
                "{method} {path} is documented but not served: {text}"
            );
        }
    }
}

#[tokio::test]
async fn tls_1_2_clients_are_served_too() {
    use portwatch_server::tls::{crypto_provider, load_certs, load_key, root_store};
    let net = network().await;
    let certs = net.certs();
    let config = rustls::ClientConfig::builder_with_provider(crypto_provider())
        .with_protocol_versions(&[&rustls::version::TLS12])
        .unwrap()
        .with_root_certificates(root_store(&certs.join("ca.crt")).unwrap())
        .with_client_auth_cert(
            load_certs(&certs.join(format!("{TANGER}.crt"))).unwrap(),
            load_key(&certs.join(format!("{TANGER}.key"))).unwrap(),
        )
        .unwrap();
    let mut client = Client::connect(net.server.local_addr, std::sync::Arc::new(config))
        .await
        .unwrap();
    assert_eq!(
        client.get("/v1/whoami").await.json()["agency"]["id"],
        TANGER
    );
}
