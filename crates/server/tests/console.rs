//! The web console's sign-in: an API key becomes a session cookie (HttpOnly, SameSite=Strict,
//! Secure over TLS), every change made with the cookie needs the session's CSRF token, sessions
//! end at sign-out and on expiry; and the console's pages are served with a strict CSP and
//! never point outside the server.

mod common;

use std::time::Duration;

use hyper::Method;
use serde_json::{json, Value};

use common::{network, Client, Network, RABAT, TANGER};
use portwatch_model::{AgencyId, AuditAction, Role};
use portwatch_store::Store;

fn key(net: &Network, agency: &str, roles: Vec<Role>) -> String {
    net.server
        .state
        .keys
        .create("console test", AgencyId::parse(agency).unwrap(), roles)
        .unwrap()
        .key
}

/// Signs in with `api_key` on `client`, which sends the session cookie from then on; returns
/// the cookie header value and the sign-in answer (with the CSRF token).
async fn sign_in(client: &mut Client, api_key: &str) -> (String, Value) {
    let reply = client
        .post("/session", &json!({ "api_key": api_key }))
        .await;
    reply.assert_status(200);
    let set_cookie = reply.headers["set-cookie"].to_str().unwrap().to_string();
    let cookie = set_cookie.split(';').next().unwrap().to_string();
    client.headers.push(("cookie", cookie.clone()));
    (cookie, reply.json())
}

#[tokio::test]
async fn signing_in_sets_a_strict_cookie_and_answers_who_and_the_csrf_token() {
    let net = network().await;
    let api_key = key(&net, RABAT, vec![Role::RecordsEditor, Role::Analyst]);
    let mut client = net.client(RABAT).await;
    let reply = client
        .post("/session", &json!({ "api_key": api_key }))
        .await;
    assert_eq!(reply.status, 200);
    let set_cookie = reply.headers["set-cookie"].to_str().unwrap();
    assert!(set_cookie.starts_with("pw_session="), "{set_cookie}");
    let id = set_cookie["pw_session=".len()..].split(';').next().unwrap();
    assert_eq!(id.len(), 64, "a 256-bit session id in hex");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Secure"] {
        assert!(
            set_cookie.contains(attribute),
            "{attribute} in {set_cookie}"
        );
    }
    let body = reply.json();
    assert_eq!(body["agency"]["id"], RABAT);
    assert_eq!(body["roles"], json!(["records_editor", "analyst"]));
    assert_eq!(body["language"], "en");
    assert!(
        body["server_time"].as_str().unwrap().ends_with('Z'),
        "{body}"
    );
    assert_eq!(body["csrf_token"].as_str().unwrap().len(), 64);
    assert!(!set_cookie.contains(body["csrf_token"].as_str().unwrap()));

    let logins = net
        .store
        .audit_entries(0, 100)
        .unwrap()
        .into_iter()
        .filter(|e| e.event.action == AuditAction::Login)
        .count();
    assert_eq!(logins, 1, "the sign-in is audited");
}

#[tokio::test]
async fn a_wrong_or_revoked_key_does_not_sign_in() {
    let net = network().await;
    let mut client = net.client(RABAT).await;
    let bad = client
        .post("/session", &json!({ "api_key": "pwk_0000_1111" }))
        .await;
    bad.problem(401);
    assert!(bad.headers.get("set-cookie").is_none());
    let api_key = key(&net, RABAT, vec![Role::Analyst]);
    let id = api_key.split('_').nth(1).unwrap().to_string();
    net.server.state.keys.revoke(&id).unwrap();
    client
        .post("/session", &json!({ "api_key": api_key }))
        .await
        .problem(401);
    client
        .post("/session", &json!({ "key": "typo" }))
        .await
        .problem(400);
}

#[tokio::test]
async fn changes_made_with_the_cookie_need_the_csrf_token() {
    let net = network().await;
    let api_key = key(&net, TANGER, vec![Role::Screener]);
    let mut client = net.client(TANGER).await;
    let (_, session) = sign_in(&mut client, &api_key).await;

    // Reading needs no token, and the cookie is the credential (it wins over the certificate).
    let who = client.get("/v1/whoami").await;
    assert_eq!(who.status, 200);
    assert_eq!(who.json()["credential"], "session");
    assert_eq!(who.json()["agency"]["id"], TANGER);

    let search = json!({"number": "AB1234567", "issuing_state": "MAR"});
    let refused = client
        .post("/v1/screen/document", &search)
        .await
        .problem(403);
    assert_eq!(refused["rule"], "csrf_token");

    client.headers.push(("x-csrf-token", "0".repeat(64)));
    let refused = client
        .post("/v1/screen/document", &search)
        .await
        .problem(403);
    assert_eq!(refused["rule"], "csrf_token");

    client.headers.pop();
    let token = session["csrf_token"].as_str().unwrap().to_string();
    client.headers.push(("x-csrf-token", token));
    let screened = client.post("/v1/screen/document", &search).await;
    screened.assert_status(200);
    assert_eq!(screened.json()["hit"], false);

    // The roles are the key's: a border post's session may not write records.
    let record = json!({"owner": TANGER, "visibility": "all", "document": {"number": "X1234567", "issuing_state": "MAR", "type": "passport", "status": "lost"}});
    client.post("/v1/records", &record).await.problem(403);
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let net = network().await;
    let api_key = key(&net, RABAT, vec![Role::Analyst]);
    let mut client = net.client(RABAT).await;
    let (_, session) = sign_in(&mut client, &api_key).await;
    assert_eq!(client.get("/session").await.status, 200);

    // Signing out is a change too: without the token it is refused.
    let refused = client
        .send(Method::DELETE, "/session", None, "")
        .await
        .unwrap();
    refused.problem(403);

    let token = session["csrf_token"].as_str().unwrap().to_string();
    client.headers.push(("x-csrf-token", token));
    let out = client
        .send(Method::DELETE, "/session", None, "")
        .await
        .unwrap();
    assert_eq!(out.status, 204);
    let cleared = out.headers["set-cookie"].to_str().unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    client.get("/session").await.problem(401);
    // The connection still has its certificate: the cookie no longer counts.
    assert_eq!(
        client.get("/v1/whoami").await.json()["credential"],
        "client_certificate"
    );
    assert!(net.server.state.sessions.is_empty());
}

#[tokio::test]
async fn an_expired_session_is_refused() {
    let net = network().await;
    let api_key = key(&net, RABAT, vec![Role::Analyst]);
    let mut client = net.client(RABAT).await;
    sign_in(&mut client, &api_key).await;
    assert_eq!(client.get("/session").await.status, 200);
    net.server
        .state
        .sessions
        .set_lifetimes(Duration::from_millis(50), Duration::from_secs(3600));
    tokio::time::sleep(Duration::from_millis(120)).await;
    let expired = client.get("/session").await.problem(401);
    assert!(expired["detail"].as_str().unwrap().contains("expired"));
}

#[tokio::test]
async fn revoking_the_key_ends_its_sessions() {
    let net = network().await;
    let api_key = key(&net, RABAT, vec![Role::Analyst]);
    let mut client = net.client(RABAT).await;
    sign_in(&mut client, &api_key).await;
    assert_eq!(
        client.get("/v1/whoami").await.json()["credential"],
        "session"
    );
    let id = api_key.split('_').nth(1).unwrap().to_string();
    net.server.state.keys.revoke(&id).unwrap();
    let ended = client.get("/session").await.problem(401);
    assert!(ended["detail"].as_str().unwrap().contains("revoked"));
    assert_eq!(
        client.get("/v1/whoami").await.json()["credential"],
        "client_certificate"
    );
}

#[tokio::test]
async fn the_language_is_remembered_for_the_next_sign_in() {
    let net = network().await;
    let api_key = key(&net, TANGER, vec![Role::Screener]);
    let mut client = net.client(TANGER).await;
    let (_, session) = sign_in(&mut client, &api_key).await;
    let token = session["csrf_token"].as_str().unwrap().to_string();
    client.headers.push(("x-csrf-token", token));
    let set = client
        .put("/session/language", &json!({"language": "ar"}))
        .await;
    assert_eq!(set.status, 204);
    client
        .put("/session/language", &json!({"language": "de"}))
        .await
        .problem(400);
    let mut other = net.client(TANGER).await;
    let (_, again) = sign_in(&mut other, &api_key).await;
    assert_eq!(again["language"], "ar");
}

#[tokio::test]
async fn console_pages_carry_a_strict_csp_and_point_nowhere_else() {
    let net = network().await;
    let mut client = net.client(TANGER).await;
    for path in [
        "/",
        "/console/",
        "/console/app.js",
        "/console/app.css",
        "/console/i18n.js",
    ] {
        let page = client.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        let csp = page.headers["content-security-policy"].to_str().unwrap();
        assert!(csp.starts_with("default-src 'self'"), "{path}: {csp}");
        assert_eq!(page.headers["x-content-type-options"], "nosniff");
    }
    assert!(client.get("/").await.content_type.starts_with("text/html"));
    client.get("/console/nothing.js").await.problem(404);
    client.get("/console/..%2fCargo.toml").await.problem(404);

    for (name, _, body) in portwatch_server::console::ASSETS {
        // The SVG namespace is a name, never fetched; anything else would be a request out.
        let body = body.replace("\"http://www.w3.org/2000/svg\"", "");
        for scheme in ["http://", "https://"] {
            assert!(
                !body.contains(scheme),
                "{name} refers to an outside URL ({scheme}); the console must work air-gapped"
            );
        }
        assert!(
            !body.contains("<script>"),
            "{name}: inline script breaks the CSP"
        );
        assert!(
            !body.contains(" style=\""),
            "{name}: inline style breaks the CSP"
        );
    }
}

/// The keys of one language's dictionary in `i18n.js` (`const en = { "key": "…", … };`).
fn dictionary_keys(i18n: &str, language: &str) -> std::collections::BTreeSet<String> {
    let start = i18n
        .find(&format!("const {language} = {{"))
        .unwrap_or_else(|| panic!("no {language} dictionary"));
    let body = &i18n[start..];
    let body = &body[..body.find("\n};").expect("the dictionary ends")];
    body.lines()
        .filter_map(|line| line.trim().strip_prefix('"'))
        .filter_map(|rest| rest.split_once("\":").map(|(key, _)| key.to_string()))
        .collect()
}

fn asset(name: &str) -> &'static str {
    portwatch_server::console::ASSETS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, _, body)| *body)
        .unwrap()
}

#[test]
fn every_language_translates_every_string_the_console_uses() {
    let i18n = asset("i18n.js");
    let english = dictionary_keys(i18n, "en");
    assert!(english.len() > 200, "{} keys", english.len());
    for language in ["fr", "es", "ar"] {
        let keys = dictionary_keys(i18n, language);
        let missing: Vec<_> = english.difference(&keys).collect();
        let extra: Vec<_> = keys.difference(&english).collect();
        assert!(missing.is_empty(), "{language} lacks {missing:?}");
        assert!(extra.is_empty(), "{language} has unknown keys {extra:?}");
    }
    // Every literal key the scripts and the page ask for exists.
    let mut used = Vec::new();
    for (name, _, body) in portwatch_server::console::ASSETS {
        for marker in ["t(\"", "data-i18n=\"", "\"data-i18n\": \""] {
            for (at, _) in body.match_indices(marker) {
                // `onSignedOut("…")` is not `t("…")`.
                let before = body[..at].chars().next_back().unwrap_or(' ');
                if marker.starts_with('t') && (before.is_alphanumeric() || before == '_') {
                    continue;
                }
                let piece = &body[at + marker.len()..];
                let key: String = piece
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '.' || *c == '_')
                    .collect();
                if !key.is_empty() && piece[key.len()..].starts_with('"') {
                    used.push((name.to_string(), key));
                }
            }
        }
    }
    assert!(used.len() > 50, "found {} uses", used.len());
    for (file, key) in used {
        assert!(
            english.contains(&key),
            "{file} uses {key:?}, which no dictionary has"
        );
    }
}

#[tokio::test]
async fn the_live_hit_stream_of_a_session_ends_at_sign_out() {
    let net = network().await;
    let api_key = key(&net, RABAT, vec![Role::RecordsEditor]);
    let mut watcher = net.client(RABAT).await;
    let (cookie, session) = sign_in(&mut watcher, &api_key).await;
    let stream = tokio::spawn(async move { watcher.get("/v1/hits/stream").await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !stream.is_finished(),
        "the stream stays open while signed in"
    );

    let mut other_tab = net.client(RABAT).await;
    other_tab.headers.push(("cookie", cookie));
    let token = session["csrf_token"].as_str().unwrap().to_string();
    other_tab.headers.push(("x-csrf-token", token));
    let out = other_tab
        .send(Method::DELETE, "/session", None, "")
        .await
        .unwrap();
    assert_eq!(out.status, 204);
    let ended = tokio::time::timeout(Duration::from_secs(5), stream)
        .await
        .expect("the stream ends when its session does")
        .unwrap();
    assert_eq!(ended.status, 200);
}
