//! The log output never holds secrets or query contents, at any level.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use serde_json::json;

use common::*;

/// A log sink the test can read back.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn queries_and_secrets_stay_out_of_the_logs() {
    let captured = Captured::default();
    let sink = captured.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || sink.clone())
        .init();

    let net = network().await;
    let mut rabat = net.client(RABAT).await;
    rabat
        .post("/v1/records", &document(RABAT, "LOGSECRET1", "owner_only"))
        .await;
    let mut gs = net.client(GS).await;
    let key = gs
        .post(
            "/v1/api-keys",
            &json!({"name": "console", "agency": TANGER, "roles": ["screener"]}),
        )
        .await
        .json()["key"]
        .as_str()
        .unwrap()
        .to_string();
    let mut tanger = net.client(TANGER).await;
    tanger.bearer = Some(key.clone());
    for _ in 0..200 {
        if tanger.get("/readyz").await.status == 200 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    tanger
        .post(
            "/v1/screen/document",
            &json!({"number": "LOGSECRET1", "issuing_state": "MAR"}),
        )
        .await;
    tanger
        .post(
            "/v1/screen/traveller",
            &json!({"surname": "Zaqqumlogged", "given_names": "Ayoub"}),
        )
        .await;
    tanger
        .post_raw(
            "/v1/screen/document",
            "{\"number\": \"LOGSECRET2\", ",
            "application/json",
        )
        .await;
    // A refused handshake is logged (that is what logs are for) …
    let anonymous =
        portwatch_server::tls::anonymous_client_config(&net.certs().join("ca.crt")).unwrap();
    if let Ok(mut c) = Client::connect(net.server.local_addr, anonymous).await {
        let _ = c.send(hyper::Method::GET, "/healthz", None, "").await;
    }

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("listening"), "nothing was logged: {logs}");
    assert!(logs.contains("TLS handshake refused"), "{logs}");
    // … but no query, no key, no secret.
    let secret_part = key.rsplit('_').next().unwrap();
    for forbidden in [
        "LOGSECRET1",
        "LOGSECRET2",
        "Zaqqumlogged",
        "Ayoub",
        secret_part,
    ] {
        assert!(
            !logs.contains(forbidden),
            "{forbidden} is in the log output:\n{logs}"
        );
    }
}
