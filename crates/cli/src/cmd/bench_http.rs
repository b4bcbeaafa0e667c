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
//!
//! Each phase also shows how busy the processor was (the share of all cores this process,
//! servers and clients together, used). A phase that leaves cores idle is bound by waiting,
//! not by work: with 64 connections, screening waits on the group commit of its audit entry.
//!
//! With `--postgres URL` the same network is built a second time in a fresh schema of that
//! database, served by a second server, and every phase runs on both, one backend after the
//! other, so that both rows come from the same minutes of a shared machine: the figures to
//! compare are each backend's percentage of its own `/healthz` and PostgreSQL ÷ SQLite. The
//! import of the records is timed on both, so one run shows import and screening. The schema
//! is dropped at the end, error or not.

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
use portwatch_report::grouped;
use portwatch_server::client::Connection;
use portwatch_server::pki::{write_private, write_public, CertificateAuthority};
use portwatch_server::tls::client_config;
use portwatch_server::{Limits, ServerConfig, ServerTlsFiles};
use portwatch_store::{PgStore, SqliteStore, Store};

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
    /// Also run every phase on this PostgreSQL database, beside SQLite
    /// (`postgres://user[:password]@host[:port]/database`); the bench works in a fresh schema of
    /// it and drops that schema at the end.
    #[arg(long, value_name = "URL")]
    pub postgres: Option<String>,
}

/// The figures a phase produced on one backend.
struct Phase {
    requests: u64,
    failures: u64,
    seconds: f64,
    /// The share of the machine's cores the process (server and client) kept busy, when the
    /// system tells.
    cpu: Option<f64>,
}

impl Phase {
    fn per_second(&self) -> f64 {
        self.requests as f64 / self.seconds
    }
}

/// So many items in so many seconds.
#[derive(Clone, Copy)]
struct Rate {
    items: u64,
    seconds: f64,
}

impl Rate {
    fn timed(items: u64, started: Instant) -> Rate {
        Rate {
            items,
            seconds: started.elapsed().as_secs_f64(),
        }
    }

    fn per_second(&self) -> f64 {
        self.items as f64 / self.seconds.max(1e-9)
    }
}

/// A network of one NCB and one border post on one backend, served on 127.0.0.1.
struct Bench {
    /// The backend's name, as the columns show it.
    backend: &'static str,
    _dir: tempfile::TempDir,
    /// The server's store, kept to time one audit commit once the server has stopped.
    store: Arc<dyn Store>,
    addr: SocketAddr,
    client: Arc<rustls::ClientConfig>,
    server: Option<portwatch_server::RunningServer>,
    /// A record any agency may read.
    record: portwatch_model::Id,
    persons: u64,
    /// Putting the synthetic records into the store.
    import: Rate,
    /// From starting the server to its engine holding every record.
    startup: Rate,
}

impl Bench {
    async fn stop(&mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown().await;
        }
    }
}

/// Where a bench network keeps its records.
#[derive(Clone, Copy)]
enum Backend<'a> {
    Sqlite,
    Postgres(&'a Schema),
}

/// A fresh schema of the `--postgres` database, for the bench's second network. Dropping the
/// guard drops the schema and everything in it, whether the bench succeeded or not.
struct Schema {
    url: String,
    name: String,
}

impl Schema {
    fn new(url: &str) -> Result<Schema, super::UsageError> {
        let url = postgres_url(url)?;
        let since_epoch = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Ok(Schema {
            url: url.to_string(),
            // Unique per run, so a schema left by a killed run is never mistaken for a fresh one.
            name: format!(
                "bench_http_{}_{}",
                std::process::id(),
                since_epoch.as_millis()
            ),
        })
    }

    fn drop_now(&self) -> Result<(), postgres::Error> {
        let mut config: postgres::Config = self.url.parse()?;
        config.connect_timeout(Duration::from_secs(10));
        let mut client = config.connect(postgres::NoTls)?;
        client.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{}\" CASCADE", self.name))
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        // The blocking client must not run on an async runtime's thread: give it its own.
        let dropped = std::thread::scope(|scope| scope.spawn(|| self.drop_now()).join());
        match dropped {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!(
                "bench http: could not drop the schema {} of the --postgres database ({e}); \
                 if it was created, drop it by hand: DROP SCHEMA \"{}\" CASCADE",
                self.name, self.name
            ),
            Err(_) => eprintln!("bench http: dropping the schema {} failed", self.name),
        }
    }
}

/// `url` if it names a PostgreSQL database.
fn postgres_url(url: &str) -> Result<&str, super::UsageError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(url)
    } else {
        Err(super::UsageError(
            "--postgres: expected a postgres://user[:password]@host[:port]/database URL".into(),
        ))
    }
}

const NCB: &str = "ncb-bench";
const POST: &str = "bp-bench";

pub fn run(args: HttpBench) -> anyhow::Result<()> {
    if args.connections == 0 || args.seconds <= 0.0 {
        return Err(
            super::UsageError("--connections and --seconds must be positive".into()).into(),
        );
    }
    // Declared before the runtime, so dropped after it: the servers and their connections are
    // gone when the schema is dropped, on success, error or panic alike.
    let schema = args.postgres.as_deref().map(Schema::new).transpose()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let result = runtime.block_on(bench_all(&args, schema.as_ref()));
    drop(runtime);
    result
}

async fn bench_all(args: &HttpBench, schema: Option<&Schema>) -> anyhow::Result<()> {
    let mut benches = vec![setup(args, Backend::Sqlite).await?];
    if let Some(schema) = schema {
        benches.push(setup(args, Backend::Postgres(schema)).await?);
    }
    let result = phases(&benches, args).await;
    for bench in &mut benches {
        bench.stop().await;
    }
    result?;
    durable_commits(&benches)
}

/// Prints the header and the import rows, then runs every phase on every backend in turn.
async fn phases(benches: &[Bench], args: &HttpBench) -> anyhow::Result<()> {
    println!(
        "bench http: {} connections over mutual TLS (TLS 1.3, keep-alive), {} s per phase, {} \
         documents and {} persons",
        args.connections,
        args.seconds,
        grouped(args.documents),
        grouped(benches[0].persons)
    );
    if benches.len() > 1 {
        println!(
            "  each phase runs on SQLite, then on PostgreSQL (its own server, a fresh schema); \
             ratio = PostgreSQL ÷ SQLite"
        );
    }
    println!(
        "  CPU = the share of the machine's {} cores this process (servers and clients) kept busy",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let names: Vec<String> = benches.iter().map(|b| b.backend.to_string()).collect();
    row("", &names, &[], "");
    rate_row(
        "import (put_records, batches of 10,000)",
        benches.iter().map(|b| b.import),
    );
    rate_row(
        "start-up (engine loads every record)",
        benches.iter().map(|b| b.startup),
    );
    let healthz = phase(benches, args, "GET /healthz (baseline)", None, None, |_| {
        Arc::new(|_| (Method::GET, "/healthz".to_string(), None))
    })
    .await?;
    let baselines: Vec<f64> = healthz.iter().map(Phase::per_second).collect();
    let baselines = Some(baselines.as_slice());
    phase(
        benches,
        args,
        "GET /v1/whoami (authenticated)",
        baselines,
        None,
        |_| Arc::new(|_| (Method::GET, "/v1/whoami".to_string(), None)),
    )
    .await?;
    phase(
        benches,
        args,
        "GET /v1/records/{id} (one audit entry)",
        baselines,
        None,
        |bench| {
            let path = format!("/v1/records/{}", bench.record);
            Arc::new(move |_| (Method::GET, path.clone(), None))
        },
    )
    .await?;
    let documents = args.documents;
    phase(
        benches,
        args,
        "POST /v1/screen/document",
        baselines,
        Some(0.5),
        |_| {
            Arc::new(move |n| {
                let body = document_query(n, documents);
                (Method::POST, "/v1/screen/document".to_string(), Some(body))
            })
        },
    )
    .await?;
    phase(
        benches,
        args,
        "POST /v1/screen/traveller",
        baselines,
        Some(0.5),
        |bench| {
            let persons = bench.persons;
            Arc::new(move |n| {
                let body = traveller_query(n, persons);
                (Method::POST, "/v1/screen/traveller".to_string(), Some(body))
            })
        },
    )
    .await?;
    manifests(benches, args).await
}

async fn setup(args: &HttpBench, backend: Backend<'_>) -> anyhow::Result<Bench> {
    let dir = match &args.dir {
        Some(parent) => tempfile::tempdir_in(parent)?,
        None => tempfile::tempdir()?,
    };
    let data = dir.path().to_path_buf();
    let (name, store): (&'static str, Arc<dyn Store>) = match backend {
        Backend::Sqlite => ("SQLite", Arc::new(SqliteStore::create(&data)?)),
        Backend::Postgres(schema) => (
            "PostgreSQL",
            Arc::new(PgStore::connect_in_schema(&schema.url, &schema.name)?),
        ),
    };
    for agency in agencies()? {
        store.put_agency(&agency)?;
    }
    let open: portwatch_model::RecordContent = serde_json::from_value(serde_json::json!({
        "owner": NCB, "visibility": "all",
        "document": {"number": "BENCH0001", "issuing_state": "MAR", "type": "passport", "status": "lost"}
    }))?;
    let record = store.put_records(&[open], time::OffsetDateTime::now_utc())?[0].id();
    let persons = (args.documents / 10).max(1);
    let started = Instant::now();
    load_records(store.as_ref(), args.documents, persons)?;
    let import = Rate::timed(args.documents + persons, started);
    let certs = write_certificates(&data)?;
    let started = Instant::now();
    let server = portwatch_server::start(store.clone(), server_config(&data)?).await?;
    wait_until_ready(&server, name).await?;
    let startup = Rate::timed(args.documents + persons + 1, started);
    let client = client_config(
        &certs.join("ca.crt"),
        &certs.join("post.crt"),
        &certs.join("post.key"),
    )?;
    Ok(Bench {
        backend: name,
        addr: server.local_addr,
        server: Some(server),
        store,
        client,
        record,
        persons,
        import,
        startup,
        _dir: dir,
    })
}

/// Writes the network's CA, the border post's and the server's certificates into
/// `data/certs` and returns that folder.
fn write_certificates(data: &std::path::Path) -> anyhow::Result<PathBuf> {
    let certs = data.join("certs");
    let ca = CertificateAuthority::init(data, 2)?;
    write_public(&certs.join("ca.crt"), ca.cert_pem().as_bytes())?;
    let post = ca.issue_agency(&AgencyId::parse(POST)?, &[Role::Screener], 2)?;
    write_public(&certs.join("post.crt"), post.cert_pem.as_bytes())?;
    write_private(&certs.join("post.key"), post.key_pem.as_bytes())?;
    let server = ca.issue_server(&["localhost".to_string()], &["127.0.0.1".parse()?], 2)?;
    write_public(&certs.join("server.crt"), server.cert_pem.as_bytes())?;
    write_private(&certs.join("server.key"), server.key_pem.as_bytes())?;
    Ok(certs)
}

fn server_config(data: &std::path::Path) -> anyhow::Result<ServerConfig> {
    let certs = data.join("certs");
    let limits = Limits {
        // The bench measures the server, not the rate limiter's refusals.
        rate_per_second: 1e9,
        rate_burst: 1e9,
        ..Limits::default()
    };
    Ok(ServerConfig {
        listen: "127.0.0.1:0".parse()?,
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
    })
}

/// Waits for the server's engine to hold every record; a store that cannot be read would
/// otherwise keep the bench waiting for ever.
async fn wait_until_ready(
    server: &portwatch_server::RunningServer,
    backend: &str,
) -> anyhow::Result<()> {
    const PATIENCE: Duration = Duration::from_secs(300);
    let started = Instant::now();
    while !server.state.is_ready() {
        anyhow::ensure!(
            started.elapsed() < PATIENCE,
            "the {backend} server's engine was not loaded after {} s",
            PATIENCE.as_secs()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
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
fn load_records(store: &dyn Store, documents: u64, persons: u64) -> anyhow::Result<()> {
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

/// The manifest phase on every backend in turn: documents per second, beside the target.
async fn manifests(benches: &[Bench], args: &HttpBench) -> anyhow::Result<()> {
    const TARGET_DOCS_PER_SECOND: f64 = 500_000.0;
    let mut rates = Vec::with_capacity(benches.len());
    for bench in benches {
        rates.push(manifest(bench, args).await?);
    }
    let cells: Vec<String> = rates
        .iter()
        .map(|rate| {
            format!(
                "{:>9} docs/s {:>5.2} s",
                grouped(*rate as u64),
                args.manifest as f64 / rate
            )
        })
        .collect();
    let note = format!(
        "  target ≥ {} docs/s: {}",
        grouped(TARGET_DOCS_PER_SECOND as u64),
        verdicts(benches, |i| rates[i] >= TARGET_DOCS_PER_SECOND)
    );
    row(
        &format!(
            "POST /v1/screen/manifest ({} lines)",
            grouped(args.manifest)
        ),
        &cells,
        &rates,
        &note,
    );
    Ok(())
}

/// Sends one manifest of `--manifest` document lines on one connection and reads the streamed
/// answer; returns documents per second.
async fn manifest(bench: &Bench, args: &HttpBench) -> anyhow::Result<f64> {
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
    let summary = String::from_utf8_lossy(&last)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string();
    anyhow::ensure!(
        status.is_success() && answered == lines + 1 && summary.contains("\"summary\""),
        "the manifest was not fully answered on {}: status {status}, {answered} lines, last: \
         {summary}",
        bench.backend
    );
    Ok(lines as f64 / seconds)
}

/// What bounds the screening rate: every search waits for its audit entry to be durable, and
/// one commit covers every search waiting at that moment. Prints the time of one commit of one
/// audit entry on each backend's store once its server has stopped, so the figures above can
/// be read against it (a shared disk's commit time varies from one run to the next).
fn durable_commits(benches: &[Bench]) -> anyhow::Result<()> {
    let mut rates = Vec::with_capacity(benches.len());
    for bench in benches {
        rates.push(durable_commit(bench.store.as_ref())?);
    }
    let cells: Vec<String> = rates
        .iter()
        .map(|rate| {
            format!(
                "{:>9} /s {:>7.2} ms",
                grouped(rate.per_second() as u64),
                1e3 / rate.per_second()
            )
        })
        .collect();
    let ratios: Vec<f64> = rates.iter().map(Rate::per_second).collect();
    row("one durable audit commit, alone", &cells, &ratios, "");
    println!(
        "  (every search waits for the commit that covers it; one commit covers every search \
         waiting)"
    );
    Ok(())
}

/// Appends one audit entry per transaction for half a second.
fn durable_commit(store: &dyn Store) -> anyhow::Result<Rate> {
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
    let mut commits = 0u64;
    while started.elapsed() < Duration::from_millis(500) {
        store.append_audit(std::slice::from_ref(&event))?;
        commits += 1;
    }
    Ok(Rate::timed(commits, started))
}

fn agencies() -> anyhow::Result<Vec<Agency>> {
    Ok(serde_json::from_value(serde_json::json!([
        {"id": NCB, "name": "NCB (bench)", "kind": "ncb", "country": "MAR"},
        {"id": POST, "name": "Border post (bench)", "kind": "border_post", "country": "MAR", "parent": NCB},
    ]))?)
}

/// What a connection of a phase sends as its n-th request.
type MakeRequest = Arc<dyn Fn(u64) -> (Method, String, Option<Bytes>) + Send + Sync>;

/// Runs one phase on every backend in turn and prints its row: requests per second, each
/// backend's percentage of its own `baselines` rate (or of this phase's rate, for the baseline
/// itself) and, when `target` is given, whether that percentage reaches it.
async fn phase(
    benches: &[Bench],
    args: &HttpBench,
    label: &str,
    baselines: Option<&[f64]>,
    target: Option<f64>,
    make: impl Fn(&Bench) -> MakeRequest,
) -> anyhow::Result<Vec<Phase>> {
    let mut phases = Vec::with_capacity(benches.len());
    for bench in benches {
        phases.push(drive(bench, args, make(bench)).await?);
    }
    let rates: Vec<f64> = phases.iter().map(Phase::per_second).collect();
    let shares: Vec<f64> = match baselines {
        Some(baselines) => rates.iter().zip(baselines).map(|(r, b)| r / b).collect(),
        None => vec![1.0; rates.len()],
    };
    let cells: Vec<String> = rates
        .iter()
        .zip(&shares)
        .map(|(rate, share)| {
            format!(
                "{:>9} req/s {:>5.1} %",
                grouped(*rate as u64),
                100.0 * share
            )
        })
        .collect();
    let cpu: Vec<String> = phases
        .iter()
        .map(|p| p.cpu.map_or("?".into(), |c| format!("{:.0} %", 100.0 * c)))
        .collect();
    let mut note = format!("  CPU {}", cpu.join(" / "));
    note += &match target {
        Some(t) => format!(
            "  target ≥ {:.0} % of /healthz: {}",
            t * 100.0,
            verdicts(benches, |i| shares[i] >= t)
        ),
        None => String::new(),
    };
    for (bench, phase) in benches.iter().zip(&phases) {
        if phase.failures > 0 {
            note.push_str(&format!(
                "  ({} failed on {})",
                phase.failures, bench.backend
            ));
        }
    }
    row(label, &cells, &rates, &note);
    Ok(phases)
}

/// Runs `--connections` loops of requests for `--seconds`; `make(n)` builds the n-th request
/// of a connection.
async fn drive(bench: &Bench, args: &HttpBench, make: MakeRequest) -> anyhow::Result<Phase> {
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
    let cpu_before = super::bench::process_cpu_seconds();
    tokio::time::sleep(Duration::from_secs_f64(args.seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let seconds = started.elapsed().as_secs_f64();
    let cpu = super::bench::cpu_share(cpu_before, super::bench::process_cpu_seconds(), seconds);
    for task in tasks {
        task.await?;
    }
    Ok(Phase {
        requests: done.load(Ordering::Relaxed),
        failures: failed.load(Ordering::Relaxed),
        seconds,
        cpu,
    })
}

/// Prints one row of the table: `label`, one cell per backend, PostgreSQL ÷ SQLite of `rates`
/// when there are two backends, then `note`.
fn row(label: &str, cells: &[String], rates: &[f64], note: &str) {
    let mut line = format!("  {label:<40}");
    for cell in cells {
        line.push_str(&format!(" {cell:>24}"));
    }
    match rates {
        [sqlite, postgres] => line.push_str(&format!("  {:>5.2}", postgres / sqlite)),
        // The header row of a two-backend table names the ratio column.
        [] if cells.len() == 2 => line.push_str("  ratio"),
        _ => {}
    }
    line.push_str(note);
    println!("{}", line.trim_end());
}

/// A row of one [`Rate`] per backend.
fn rate_row(label: &str, rates: impl Iterator<Item = Rate>) {
    let rates: Vec<Rate> = rates.collect();
    row(
        label,
        &rates.iter().map(rate_cell).collect::<Vec<_>>(),
        &rates.iter().map(Rate::per_second).collect::<Vec<_>>(),
        "",
    );
}

fn rate_cell(rate: &Rate) -> String {
    format!(
        "{:>9} rec/s {:>5.1} s",
        grouped(rate.per_second() as u64),
        rate.seconds
    )
}

/// "met" or "NOT met" for one backend; for several, each backend's name and verdict.
fn verdicts(benches: &[Bench], met: impl Fn(usize) -> bool) -> String {
    let word = |i: usize| if met(i) { "met" } else { "NOT met" };
    match benches {
        [_] => word(0).to_string(),
        _ => benches
            .iter()
            .enumerate()
            .map(|(i, bench)| format!("{} {}", bench.backend, word(i)))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_postgres_option_takes_only_a_postgres_url() {
        for url in [
            "postgres://bench@127.0.0.1/db",
            "postgresql://bench@db.example/db",
        ] {
            assert_eq!(postgres_url(url).unwrap(), url);
        }
        for url in ["/var/lib/portwatch", "mysql://bench@127.0.0.1/db", ""] {
            let refused = postgres_url(url).unwrap_err();
            assert!(refused.0.starts_with("--postgres:"), "{}", refused.0);
        }
    }

    #[test]
    fn the_bench_schema_is_gone_once_the_guard_is_dropped() {
        let Some(url) = std::env::var("PORTWATCH_TEST_PG")
            .ok()
            .filter(|u| !u.is_empty())
        else {
            eprintln!("skipped: PORTWATCH_TEST_PG is not set");
            return;
        };
        let schema = Schema::new(&url).unwrap();
        let name = schema.name.clone();
        let store = PgStore::connect_in_schema(&url, &name).unwrap();
        store.put_agency(&agencies().unwrap()[0]).unwrap();
        drop(store);
        let exists = |client: &mut postgres::Client| {
            client
                .query_opt("SELECT 1 FROM pg_namespace WHERE nspname = $1", &[&name])
                .unwrap()
                .is_some()
        };
        let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        assert!(exists(&mut client), "the bench's schema was never made");
        drop(schema);
        assert!(
            !exists(&mut client),
            "the bench's schema outlived the bench"
        );
    }
}
