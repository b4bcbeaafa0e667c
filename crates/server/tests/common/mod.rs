//! A small network for the integration tests: a store with five agencies, the network CA, a
//! certificate for each agency, and the real server on 127.0.0.1 over mutual TLS; plus a
//! real HTTPS client (tokio-rustls + hyper) that keeps its connection alive.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use rustls_pki_types::ServerName;
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use portwatch_model::{Agency, AgencyId, Role};
use portwatch_server::pki::{write_private, write_public, CertificateAuthority};
use portwatch_server::tls::client_config;
use portwatch_server::{Limits, RunningServer, ServerConfig, ServerTlsFiles};
use portwatch_store::{SqliteStore, Store};

pub const GS: &str = "gs-lyon";
pub const RABAT: &str = "ncb-rabat";
pub const MADRID: &str = "ncb-madrid";
pub const TANGER: &str = "bp-tanger-med";
pub const FRONTEX: &str = "partner-frontex";

/// The agencies of the test network.
pub fn agencies() -> Vec<Agency> {
    let json = serde_json::json!([
        {"id": GS, "name": "General Secretariat", "kind": "general_secretariat"},
        {"id": RABAT, "name": "NCB Rabat", "kind": "ncb", "country": "MAR"},
        {"id": MADRID, "name": "NCB Madrid", "kind": "ncb", "country": "ESP"},
        {"id": TANGER, "name": "Tanger Med", "kind": "border_post", "country": "MAR", "parent": RABAT},
        {"id": FRONTEX, "name": "Frontex", "kind": "partner"},
    ]);
    serde_json::from_value(json).unwrap()
}

/// A running test network.
pub struct Network {
    pub dir: tempfile::TempDir,
    pub store: Arc<SqliteStore>,
    pub server: RunningServer,
}

impl Network {
    pub fn data(&self) -> &Path {
        self.dir.path()
    }

    pub fn certs(&self) -> PathBuf {
        self.dir.path().join("certs")
    }

    /// A client presenting `agency`'s certificate.
    pub async fn client(&self, agency: &str) -> Client {
        client_of(&self.server, &self.certs(), agency).await
    }
}

/// Starts a network with default limits.
pub async fn network() -> Network {
    network_with(Limits::default()).await
}

/// Starts a network with `limits`.
pub async fn network_with(limits: Limits) -> Network {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SqliteStore::create(dir.path()).unwrap());
    for agency in agencies() {
        store.put_agency(&agency).unwrap();
    }
    write_certificates(dir.path());
    let running = start_server(store.clone(), dir.path(), limits).await;
    Network {
        dir,
        store,
        server: running,
    }
}

/// Writes the network's CA, a certificate for every test agency (with all the roles its kind
/// allows) and a server certificate for 127.0.0.1 into `data/certs`; returns that folder.
pub fn write_certificates(data: &Path) -> PathBuf {
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

/// Starts the real server over `store` on 127.0.0.1 (a free port), with mutual TLS from the
/// certificates [`write_certificates`] put in `data/certs`.
pub async fn start_server(store: Arc<dyn Store>, data: &Path, limits: Limits) -> RunningServer {
    let certs = data.join("certs");
    let config = ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        tls: Some(ServerTlsFiles {
            cert: certs.join("server.crt"),
            key: certs.join("server.key"),
            client_ca: certs.join("ca.crt"),
            revocation_list: portwatch_server::pki::revocation_path(data),
        }),
        limits,
        data: data.to_path_buf(),
        clock: portwatch_server::Clock::real(),
        console_listen: None,
    };
    portwatch_server::start(store, config).await.unwrap()
}

/// A client of `server` presenting `agency`'s certificate from `certs`.
pub async fn client_of(server: &RunningServer, certs: &Path, agency: &str) -> Client {
    let config = client_config(
        &certs.join("ca.crt"),
        &certs.join(format!("{agency}.crt")),
        &certs.join(format!("{agency}.key")),
    )
    .unwrap();
    Client::connect(server.local_addr, config).await.unwrap()
}

/// Waits until the server has loaded its engine (`/readyz` answers 200), at most 5 s.
pub async fn ready(client: &mut Client) {
    for _ in 0..500 {
        if client.get("/readyz").await.status == 200 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the server never became ready");
}

/// Reads SSE frames until one named `hit` arrives, or `wait` passes.
pub async fn next_hit_event(body: &mut hyper::body::Incoming, wait: Duration) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + wait;
    let mut text = String::new();
    loop {
        let frame = tokio::time::timeout_at(deadline, body.frame())
            .await
            .ok()??
            .ok()?;
        if let Ok(data) = frame.into_data() {
            text.push_str(&String::from_utf8_lossy(&data));
        }
        while let Some(end) = text.find("\n\n") {
            let event: String = text.drain(..end + 2).collect();
            if event.lines().any(|l| l == "event: hit") {
                let data = event.lines().find_map(|l| l.strip_prefix("data: "))?;
                return serde_json::from_str(data).ok();
            }
        }
    }
}

/// Issues a certificate for `agency` with `roles` into `certs/` as `<name>.crt/.key`.
pub fn issue(ca: &CertificateAuthority, certs: &Path, agency: &str, roles: &[Role]) -> String {
    let id = AgencyId::parse(agency).unwrap();
    let pair = ca.issue_agency(&id, roles, 30).unwrap();
    write_public(
        &certs.join(format!("{agency}.crt")),
        pair.cert_pem.as_bytes(),
    )
    .unwrap();
    write_private(
        &certs.join(format!("{agency}.key")),
        pair.key_pem.as_bytes(),
    )
    .unwrap();
    pair.record.serial
}

/// A response: status, content type and body.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub content_type: String,
    pub headers: hyper::HeaderMap,
    pub body: Bytes,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// Asserts the status is `status`, showing the body if not; returns the reply.
    pub fn assert_status(&self, status: u16) -> &Reply {
        assert_eq!(
            self.status.as_u16(),
            status,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        self
    }

    /// Asserts a problem document with `status` and returns it.
    pub fn problem(&self, status: u16) -> Value {
        self.assert_status(status);
        assert_eq!(self.content_type, "application/problem+json");
        let p = self.json();
        assert_eq!(p["status"], status);
        assert!(p["type"].as_str().unwrap().starts_with("https://"));
        assert!(!p["detail"].as_str().unwrap().is_empty());
        p
    }
}

/// One kept-alive HTTPS connection.
pub struct Client {
    sender: SendRequest<Full<Bytes>>,
    pub bearer: Option<String>,
    /// Sent with every request (e.g. `x-portwatch-operation`).
    pub headers: Vec<(&'static str, String)>,
}

impl Client {
    pub async fn connect(
        addr: std::net::SocketAddr,
        config: Arc<rustls::ClientConfig>,
    ) -> std::io::Result<Client> {
        let tcp = TcpStream::connect(addr).await?;
        tcp.set_nodelay(true)?;
        let tls = TlsConnector::from(config)
            .connect(ServerName::try_from("localhost").unwrap(), tcp)
            .await?;
        let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
            .await
            .map_err(std::io::Error::other)?;
        tokio::spawn(conn);
        let mut client = Client {
            sender,
            bearer: None,
            headers: Vec::new(),
        };
        // With TLS 1.3 the server checks the client certificate after the client considers the
        // handshake done: the first request is what reveals a refusal.
        client.sender.ready().await.map_err(std::io::Error::other)?;
        Ok(client)
    }

    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        body: Option<Bytes>,
        content_type: &str,
    ) -> hyper::Result<Reply> {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header("host", "localhost");
        if body.is_some() {
            req = req.header("content-type", content_type);
        }
        if let Some(token) = &self.bearer {
            req = req.header("authorization", format!("Bearer {token}"));
        }
        for (name, value) in &self.headers {
            req = req.header(*name, value);
        }
        let req = req.body(Full::new(body.unwrap_or_default())).unwrap();
        self.sender.ready().await?;
        let response = self.sender.send_request(req).await?;
        let status = response.status();
        let headers = response.headers().clone();
        let content_type = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let body = response.into_body().collect().await?.to_bytes();
        Ok(Reply {
            status,
            content_type,
            headers,
            body,
        })
    }

    pub async fn get(&mut self, path: &str) -> Reply {
        self.send(Method::GET, path, None, "").await.unwrap()
    }

    pub async fn post(&mut self, path: &str, body: &Value) -> Reply {
        self.send(
            Method::POST,
            path,
            Some(Bytes::from(body.to_string())),
            "application/json",
        )
        .await
        .unwrap()
    }

    pub async fn put(&mut self, path: &str, body: &Value) -> Reply {
        self.send(
            Method::PUT,
            path,
            Some(Bytes::from(body.to_string())),
            "application/json",
        )
        .await
        .unwrap()
    }

    pub async fn post_raw(
        &mut self,
        path: &str,
        body: impl Into<Bytes>,
        content_type: &str,
    ) -> Reply {
        self.send(Method::POST, path, Some(body.into()), content_type)
            .await
            .unwrap()
    }

    /// Opens a request whose response body is read as it streams (SSE).
    pub async fn open_stream(&mut self, path: &str) -> hyper::Response<hyper::body::Incoming> {
        let req = Request::builder()
            .method(Method::GET)
            .uri(path)
            .header("host", "localhost")
            .header("accept", "text/event-stream")
            .body(Full::new(Bytes::new()))
            .unwrap();
        self.sender.ready().await.unwrap();
        self.sender.send_request(req).await.unwrap()
    }
}

/// A lost Moroccan passport owned by `owner` with `visibility`.
pub fn document(owner: &str, number: &str, visibility: &str) -> Value {
    serde_json::json!({
        "owner": owner,
        "visibility": visibility,
        "document": {
            "number": number,
            "issuing_state": "MAR",
            "type": "passport",
            "status": "stolen_blank"
        }
    })
}
