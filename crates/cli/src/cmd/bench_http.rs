//! `portwatch bench http`: requests per second over mutual TLS with keep-alive, against the real
//! server on 127.0.0.1, in this process.
//!
//! The bench builds a throw-away network (store with synthetic stolen documents, CA, agency and
//! server certificates), starts `portwatch serve`'s server on a loopback port, and drives it
//! with `--connections` kept-alive HTTPS connections for `--seconds` per phase. `/healthz`
//! (TLS, HTTP and routing only) is the baseline; screening pays for authentication, the rate
//! limiter, the engine, the policy and one durable audit entry per search. Targets: document
//! checks and traveller screening at least 50 % of the `/healthz` rate; a manifest (NDJSON in,
//! NDJSON out, one connection) at least 500,000 documents per second.
//!
//! The store holds `--documents` stolen passports and a tenth as many persons, all visible to
//! the screening border post; one query in a hundred hits (hits are rare at a real border),
//! and every hit is stored and alerted like any other.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use clap::Args;
use futures_util::StreamExt;
use hyper::Method;

use portwatch_model::{Agency, AgencyId, Role};
use portwatch_server::client::Connection;
use portwatch_server::pki::{write_private, write_public, CertificateAuthority};
use portwatch_server::tls::client_config;
use portwatch_server::{Limits, ServerConfig, ServerTlsFiles};
use portwatch_store::{SqliteStore, Store};

/// Measure the HTTPS API's throughput over mutual TLS.
#[derive(Debug, Args)]
pub struct HttpBench {
    /// Kept-alive connections driving each phase at once (checkpoints screening together).
    #[arg(long, default_value_t = 64)]
    pub connections: usize,
    /// Seconds each phase runs.
    #[arg(long, default_value_t = 5.0)]
    pub seconds: f64,
    /// Stolen documents in the store (and the engine); persons are a tenth of this.
    #[arg(long, default_value_t = 100_000)]
    pub documents: u64,
    /// Lines of the manifest sent in the manifest phase.
    #[arg(long, default_value_t = 500_000)]
    pub manifest: u64,
    /// Where to put the throw-away data directory (default: the system's temporary directory).
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

/// The figures a phase produced.
struct Phase {
    requests: u64,
    failures: u64,
    seconds: f64,
}

impl Phase {
    fn per_second(&self) -> f64 {
        self.requests as f64 / self.seconds
    }
}

/// A network of one NCB and one border post, served on 127.0.0.1.
struct Bench {
    _dir: tempfile::TempDir,
    addr: SocketAddr,
    client: Arc<rustls::ClientConfig>,
    server: portwatch_server::RunningServer,
    /// A record any agency may read.
    record: portwatch_model::Id,
    persons: u64,
}

const NCB: &str = "ncb-bench";
const POST: &str = "bp-bench";

pub fn run(args: HttpBench) -> anyhow::Result<()> {
    if args.connections == 0 || args.seconds <= 0.0 {
        return Err(
            super::UsageError("--connections and --seconds must be positive".into()).into(),
        );
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let bench = setup(&args).await?;
        println!(
            "bench http: {} connections over mutual TLS (TLS 1.3, keep-alive), {} s per phase, {} documents",
            args.connections,
            args.seconds,
            thousands(args.documents)
        );
        let healthz = drive(&bench, &args, |_| (Method::GET, "/healthz".to_string(), None)).await?;
        report("GET /healthz (baseline)", &healthz, healthz.per_second(), None);
        let whoami = drive(&bench, &args, |_| (Method::GET, "/v1/whoami".to_string(), None)).await?;
        report("GET /v1/whoami (authenticated)", &whoami, healthz.per_second(), None);
        let path = format!("/v1/records/{}", bench.record);
        let read = drive(&bench, &args, move |_| (Method::GET, path.clone(), None)).await?;
        report("GET /v1/records/{id} (one audit entry)", &read, healthz.per_second(), None);
        let documents = args.documents;
        let checks = drive(&bench, &args, move |n| {
            let body = document_query(n, documents);
            (Method::POST, "/v1/screen/document".to_string(), Some(body))
        })
        .await?;
        report("POST /v1/screen/document", &checks, healthz.per_second(), Some(0.5));
        let persons = bench.persons;
        let travellers = drive(&bench, &args, move |n| {
            let body = traveller_query(n, persons);
            (Method::POST, "/v1/screen/traveller".to_string(), Some(body))
        })
        .await?;
        report("POST /v1/screen/traveller", &travellers, healthz.per_second(), Some(0.5));
        manifest(&bench, &args).await?;
        durable_commit(&args)?;
        bench.server.shutdown().await;
        Ok(())
    })
}

async fn setup(args: &HttpBench) -> anyhow::Result<Bench> {
    let dir = match &args.dir {
        Some(parent) => tempfile::tempdir_in(parent)?,
        None => tempfile::tempdir()?,
    };
    let data = dir.path().to_path_buf();
    let store = Arc::new(SqliteStore::create(&data)?);
    for agency in agencies()? {
        store.put_agency(&agency)?;
    }
    let open: portwatch_model::RecordContent = serde_json::from_value(serde_json::json!({
        "owner": NCB, "visibility": "all",
        "document": {"number": "BENCH0001", "issuing_state": "MAR", "type": "passport", "status": "lost"}
    }))?;
    let record = store.put_records(&[open], time::OffsetDateTime::now_utc())?[0].id();
    let persons = (args.documents / 10).max(1);
    load_records(&store, args.documents, persons)?;
    let certs = data.join("certs");
    let ca = CertificateAuthority::init(&data, 2)?;
    write_public(&certs.join("ca.crt"), ca.cert_pem().as_bytes())?;
    let post = ca.issue_agency(&AgencyId::parse(POST)?, &[Role::Screener], 2)?;
    write_public(&certs.join("post.crt"), post.cert_pem.as_bytes())?;
    write_private(&certs.join("post.key"), post.key_pem.as_bytes())?;
    let server = ca.issue_server(&["localhost".to_string()], &["127.0.0.1".parse()?], 2)?;
    write_public(&certs.join("server.crt"), server.cert_pem.as_bytes())?;
    write_private(&certs.join("server.key"), server.key_pem.as_bytes())?;
    let limits = Limits {
        // The bench measures the server, not the rate limiter's refusals.
        rate_per_second: 1e9,
        rate_burst: 1e9,
        ..Limits::default()
    };
    let config = ServerConfig {
        listen: "127.0.0.1:0".parse()?,
        tls: Some(ServerTlsFiles {
            cert: certs.join("server.crt"),
            key: certs.join("server.key"),
            client_ca: certs.join("ca.crt"),
            revocation_list: portwatch_server::pki::revocation_path(&data),
        }),
        limits,
        data: data.clone(),
        clock: portwatch_server::Clock::real(),
        console_listen: None,
    };
    let server = portwatch_server::start(store, config).await?;
    while !server.state.is_ready() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let client = client_config(
        &certs.join("ca.crt"),
        &certs.join("post.crt"),
        &certs.join("post.key"),
    )?;
    Ok(Bench {
        addr: server.local_addr,
        server,
        client,
        record,
        persons,
        _dir: dir,
    })
}

/// The stolen passport number of document `i`.
fn passport(i: u64) -> String {
    format!("PB{i:08}")
}

/// Given names and surname syllables of the synthetic persons: every person has a distinct
/// surname of three syllables, so candidate lists stay as short as on real data.
const GIVEN: [&str; 16] = [
    "Karim", "Youssef", "Amina", "Fatima", "Omar", "Leila", "Hassan", "Nadia", "Mehdi", "Samira",
    "Rachid", "Salma", "Tarik", "Imane", "Walid", "Zineb",
];
const SYLLABLES: [&str; 48] = [
    "ba", "be", "bou", "cha", "da", "di", "el", "fa", "fi", "ga", "ha", "hi", "ja", "ka", "ki",
    "la", "li", "lou", "ma", "mi", "mou", "na", "ni", "nou", "ra", "ri", "rou", "sa", "si", "sou",
    "ta", "ti", "tou", "wa", "ya", "za", "zi", "zou", "ben", "mar", "sal", "tah", "kad", "zar",
    "ham", "rah", "mes", "lak",
];

fn person_name(i: u64) -> (String, String) {
    let n = SYLLABLES.len() as u64;
    let surname = format!(
        "{}{}{}",
        SYLLABLES[(i % n) as usize],
        SYLLABLES[((i / n) % n) as usize],
        SYLLABLES[((i / n / n) % n) as usize]
    );
    let mut surname_chars = surname.chars();
    let surname = match surname_chars.next() {
        Some(first) => first.to_uppercase().chain(surname_chars).collect(),
        None => surname,
    };
    (GIVEN[(i % 16) as usize].to_string(), surname)
}

/// Puts `documents` stolen passports and `persons` wanted persons in the store.
fn load_records(store: &SqliteStore, documents: u64, persons: u64) -> anyhow::Result<()> {
    let now = time::OffsetDateTime::now_utc();
    let mut batch = Vec::with_capacity(10_000);
    let flush = |batch: &mut Vec<portwatch_model::RecordContent>| -> anyhow::Result<()> {
        store.put_records(batch, now)?;
        batch.clear();
        Ok(())
    };
    for i in 0..documents {
        batch.push(serde_json::from_value(serde_json::json!({
            "owner": NCB, "visibility": "all",
            "document": {"number": passport(i), "issuing_state": "MAR", "type": "passport",
                         "status": "stolen_issued"}
        }))?);
        if batch.len() == 10_000 {
            flush(&mut batch)?;
        }
    }
    for i in 0..persons {
        let (given, surname) = person_name(i);
        batch.push(serde_json::from_value(serde_json::json!({
            "owner": NCB, "visibility": "all",
            "person": {"owner_ref": format!("P{i}"),
                       "names": [{"full": format!("{given} {surname}"), "kind": "primary"}],
                       "birth_dates": [format!("{}", 1950 + i % 50)],
                       "notices": [{"kind": "blue"}]}
        }))?);
        if batch.len() == 10_000 {
            flush(&mut batch)?;
        }
    }
    flush(&mut batch)
}

/// The n-th document check: one in a hundred is a stolen passport.
fn document_query(n: u64, documents: u64) -> Bytes {
    let number = if n % 100 == 0 {
        passport(n / 100 % documents.max(1))
    } else {
        format!("CL{:08}", n % 100_000_000)
    };
    Bytes::from(format!(r#"{{"number":"{number}","issuing_state":"MAR"}}"#))
}

/// Names of clean travellers: no given name and no surname syllable is shared with the
/// wanted persons.
const CLEAN_GIVEN: [&str; 8] = [
    "Anna",
    "Lars",
    "Piotr",
    "Giulia",
    "Sven",
    "Ingrid",
    "Tomasz",
    "Katarzyna",
];
const CLEAN_SYLLABLES: [&str; 16] = [
    "berg", "strom", "lund", "vik", "holm", "dahl", "gren", "qvist", "nowak", "ski", "wicz",
    "sson", "feld", "mann", "stein", "hof",
];

/// The n-th traveller: one in a hundred is a wanted person, the others are clean names.
fn traveller_query(n: u64, persons: u64) -> Bytes {
    let (given, surname) = if n % 100 == 0 {
        person_name(n / 100 % persons.max(1))
    } else {
        let first = CLEAN_SYLLABLES[(n % 16) as usize];
        let second = CLEAN_SYLLABLES[((n / 16) % 16) as usize];
        let mut surname: String = first[..1].to_uppercase();
        surname.push_str(&first[1..]);
        surname.push_str(second);
        (CLEAN_GIVEN[((n / 256) % 8) as usize].to_string(), surname)
    };
    Bytes::from(format!(
        r#"{{"surname":"{surname}","given_names":"{given}","birth_date":"{}"}}"#,
        1950 + n % 50
    ))
}

/// Sends one manifest of `--manifest` document lines on one connection and reads the streamed
/// answer; prints documents per second.
async fn manifest(bench: &Bench, args: &HttpBench) -> anyhow::Result<()> {
    const TARGET_DOCS_PER_SECOND: f64 = 500_000.0;
    const CHUNK_LINES: u64 = 4096;
    let lines = args.manifest;
    let documents = args.documents;
    let chunks =
        futures_util::stream::iter((0..lines).step_by(CHUNK_LINES as usize).map(move |start| {
            let mut chunk = Vec::with_capacity(64 * CHUNK_LINES as usize);
            for n in start..(start + CHUNK_LINES).min(lines) {
                chunk.extend_from_slice(br#"{"document":"#);
                chunk.extend_from_slice(&document_query(n, documents));
                chunk.extend_from_slice(b"}\n");
            }
            Bytes::from(chunk)
        }))
        .boxed();
    let mut conn = Connection::open(bench.addr, "localhost", bench.client.clone()).await?;
    let mut answered = 0u64;
    let mut last = Vec::new();
    let started = Instant::now();
    let status = conn
        .stream(
            "/v1/screen/manifest",
            "application/x-ndjson",
            chunks,
            |chunk| {
                answered += chunk.iter().filter(|&&b| b == b'\n').count() as u64;
                last.extend_from_slice(chunk);
                if last.len() > 4096 {
                    last.drain(..last.len() - 4096);
                }
            },
        )
        .await?;
    let seconds = started.elapsed().as_secs_f64();
    let rate = lines as f64 / seconds;
    let summary = String::from_utf8_lossy(&last)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string();
    anyhow::ensure!(
        status.is_success() && answered == lines + 1 && summary.contains("\"summary\""),
        "the manifest was not fully answered: status {status}, {answered} lines, last: {summary}"
    );
    let verdict = if rate >= TARGET_DOCS_PER_SECOND {
        "met"
    } else {
        "NOT met"
    };
    println!(
        "  {:<40} {:>9} docs/s  {} lines in {seconds:.2} s  target ≥ {} docs/s: {verdict}",
        "POST /v1/screen/manifest (NDJSON)",
        thousands(rate as u64),
        thousands(lines),
        thousands(TARGET_DOCS_PER_SECOND as u64)
    );
    Ok(())
}

/// What bounds the screening rate: every search waits for its audit entry to be durable, and
/// one commit (one `fsync`) covers every search waiting at that moment. Prints the time of one
/// commit of one audit entry on the same disk, so the figures above can be read against it
/// (a shared disk's commit time varies from one run to the next).
fn durable_commit(args: &HttpBench) -> anyhow::Result<()> {
    let dir = match &args.dir {
        Some(parent) => tempfile::tempdir_in(parent)?,
        None => tempfile::tempdir()?,
    };
    let store = SqliteStore::create(dir.path())?;
    let event = portwatch_model::AuditEvent {
        at: time::OffsetDateTime::now_utc(),
        agency: AgencyId::parse(POST)?,
        actor: "bench".into(),
        site: None,
        operation: None,
        action: portwatch_model::AuditAction::ScreenDocument,
        search_id: None,
        query_fingerprint: None,
        revealed: Vec::new(),
        hits: 0,
    };
    let started = Instant::now();
    let mut commits = 0u32;
    while started.elapsed() < Duration::from_millis(500) {
        store.append_audit(std::slice::from_ref(&event))?;
        commits += 1;
    }
    let per_commit = started.elapsed().as_secs_f64() / f64::from(commits);
    println!(
        "  one durable audit commit on this disk, alone: {:.2} ms (every search waits for the \
         commit that covers it; one commit covers every search waiting)",
        per_commit * 1e3
    );
    Ok(())
}

fn agencies() -> anyhow::Result<Vec<Agency>> {
    Ok(serde_json::from_value(serde_json::json!([
        {"id": NCB, "name": "NCB (bench)", "kind": "ncb", "country": "MAR"},
        {"id": POST, "name": "Border post (bench)", "kind": "border_post", "country": "MAR", "parent": NCB},
    ]))?)
}

/// Runs `connections` loops of requests for `seconds`; `make(n)` builds the n-th request of a
/// connection.
async fn drive<F>(bench: &Bench, args: &HttpBench, make: F) -> anyhow::Result<Phase>
where
    F: Fn(u64) -> (Method, String, Option<Bytes>) + Send + Sync + 'static,
{
    let make = Arc::new(make);
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for worker in 0..args.connections {
        let mut conn = Connection::open(bench.addr, "localhost", bench.client.clone()).await?;
        let (make, stop, done, failed) = (make.clone(), stop.clone(), done.clone(), failed.clone());
        tasks.push(tokio::spawn(async move {
            let mut n = worker as u64 * 1_000_003;
            while !stop.load(Ordering::Relaxed) {
                let (method, path, body) = make(n);
                let body = body.map(|b| (b, "application/json"));
                match conn.send(method, &path, body).await {
                    Ok((status, _)) if status.is_success() => done.fetch_add(1, Ordering::Relaxed),
                    _ => failed.fetch_add(1, Ordering::Relaxed),
                };
                n += 1;
            }
        }));
    }
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs_f64(args.seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let seconds = started.elapsed().as_secs_f64();
    for task in tasks {
        task.await?;
    }
    Ok(Phase {
        requests: done.load(Ordering::Relaxed),
        failures: failed.load(Ordering::Relaxed),
        seconds,
    })
}

fn report(what: &str, phase: &Phase, baseline: f64, target: Option<f64>) {
    let verdict = match target {
        None => String::new(),
        Some(t) if phase.per_second() / baseline >= t => {
            format!("  target ≥ {:.0} %: met", t * 100.0)
        }
        Some(t) => format!("  target ≥ {:.0} %: NOT met", t * 100.0),
    };
    let failures = if phase.failures > 0 {
        format!("  ({} failed)", phase.failures)
    } else {
        String::new()
    };
    println!(
        "  {what:<40} {:>9} req/s  {:>6.1} % of /healthz{verdict}{failures}",
        thousands(phase.per_second() as u64),
        100.0 * phase.per_second() / baseline
    );
}

/// 1234567 → "1,234,567".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
