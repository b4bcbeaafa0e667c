//! Import throughput on PostgreSQL beside SQLite, in the same run, on the same rows.
//!
//! - `sqlite_fresh` / `postgres_fresh`: `put_records` of `ROWS` new travel documents in
//!   10,000-row batches into an empty store;
//! - `sqlite_reimport_unchanged` / `postgres_reimport_unchanged`: the same rows again (every
//!   row found unchanged: the lookup path alone);
//! - `sqlite_scan_active` / `postgres_scan_active`: reading every active record back with
//!   `for_each_active`, as a node's engine does at start-up;
//! - `…_audit_one_per_call` (group `backends_search_writes`): one audit entry appended per
//!   call, the store's share of every screening (the engine itself is in memory on every
//!   node, whatever the backend).
//!
//! PostgreSQL runs only when `PORTWATCH_TEST_PG` holds a URL (`scripts/pg-test-server.sh
//! start` prints one); each measurement gets a schema of its own, dropped afterwards.
//!
//! Run with `cargo bench -p portwatch-store --bench backends`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use time::OffsetDateTime;

use portwatch_model::{
    AgencyId, AuditAction, AuditEvent, CountryCode, DocumentNumber, DocumentStatus, DocumentType,
    Id, RecordBody, RecordContent, TravelDocument, Visibility,
};
use portwatch_store::{PgStore, SqliteStore, Store};

const ROWS: usize = 50_000;
const BATCH: usize = 10_000;

/// Document rows as an NCB's SLTD extract gives them, keys in scattered order.
fn documents(count: usize) -> Vec<RecordContent> {
    let owners: Vec<AgencyId> = ["ncb-rabat", "ncb-madrid", "ncb-paris", "ncb-rome"]
        .iter()
        .map(|o| AgencyId::parse(o).unwrap())
        .collect();
    let states: Vec<CountryCode> = ["MAR", "ESP", "FRA", "ITA"]
        .iter()
        .map(|c| CountryCode::parse(c).unwrap())
        .collect();
    (0..count)
        .map(|i| {
            let k = i % owners.len();
            let number = format!(
                "X{:09}",
                (i as u64).wrapping_mul(2_654_435_761) % 1_000_000_000
            );
            RecordContent::new(
                owners[k].clone(),
                Visibility::All,
                None,
                None,
                RecordBody::Document(TravelDocument {
                    number: DocumentNumber::parse(&number).unwrap(),
                    issuing_state: states[k],
                    doc_type: DocumentType::Passport,
                    status: DocumentStatus::StolenBlank,
                    reported_on: None,
                    reported_place: Some("Casablanca".into()),
                    holder: None,
                }),
            )
            .unwrap()
        })
        .collect()
}

fn import(store: &dyn Store, rows: &[RecordContent], at: OffsetDateTime) {
    for batch in rows.chunks(BATCH) {
        store.put_records(batch, at).unwrap();
    }
}

/// A fresh store of one backend, and whatever keeps it alive until dropped.
type Fresh = Box<dyn Fn() -> (Box<dyn std::any::Any>, Box<dyn Store>)>;

fn sqlite_fresh() -> Fresh {
    Box::new(|| {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::create(dir.path()).unwrap();
        (Box::new(dir), Box::new(store))
    })
}

/// Drops the bench's schema when the measurement is done with it.
struct SchemaGuard {
    url: String,
    schema: String,
}

impl Drop for SchemaGuard {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.url, postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP SCHEMA \"{}\" CASCADE", self.schema));
        }
    }
}

fn postgres_fresh(url: String) -> Fresh {
    let counter = std::cell::Cell::new(0u32);
    Box::new(move || {
        counter.set(counter.get() + 1);
        let schema = format!("bench_{}_{}", std::process::id(), counter.get());
        let store = PgStore::connect_in_schema(&url, &schema).unwrap();
        let guard = SchemaGuard {
            url: url.clone(),
            schema,
        };
        (Box::new(guard), Box::new(store))
    })
}

fn bench_backends(c: &mut Criterion) {
    let rows = documents(ROWS);
    let at = OffsetDateTime::now_utc();
    let mut backends: Vec<(&str, Fresh)> = vec![("sqlite", sqlite_fresh())];
    match std::env::var("PORTWATCH_TEST_PG") {
        Ok(url) if !url.is_empty() => backends.push(("postgres", postgres_fresh(url))),
        _ => eprintln!(
            "PORTWATCH_TEST_PG is not set: measuring SQLite only \
             (run scripts/pg-test-server.sh start for PostgreSQL)"
        ),
    }
    let mut group = c.benchmark_group("backends_import_documents");
    group.throughput(Throughput::Elements(ROWS as u64));
    group.sample_size(10);
    for (name, fresh) in &backends {
        group.bench_function(format!("{name}_fresh"), |b| {
            b.iter_batched(
                fresh,
                |(guard, store)| {
                    import(store.as_ref(), &rows, at);
                    // Dropped after the store, outside the measurement's interest.
                    (store, guard)
                },
                BatchSize::PerIteration,
            )
        });
        let (_guard, store) = fresh();
        import(store.as_ref(), &rows, at);
        group.bench_function(format!("{name}_reimport_unchanged"), |b| {
            b.iter(|| import(store.as_ref(), &rows, at))
        });
        assert_eq!(store.stats().unwrap().versions, ROWS as u64);
        group.bench_function(format!("{name}_scan_active"), |b| {
            b.iter(|| {
                let mut seen = 0usize;
                store.for_each_active(&mut |_| seen += 1).unwrap();
                assert_eq!(seen, ROWS);
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("backends_search_writes");
    group.throughput(Throughput::Elements(AUDIT_CALLS as u64));
    group.sample_size(10);
    for (name, fresh) in &backends {
        let (_guard, store) = fresh();
        let event = search_event(at);
        group.bench_function(format!("{name}_audit_one_per_call"), |b| {
            b.iter(|| {
                for _ in 0..AUDIT_CALLS {
                    store.append_audit(std::slice::from_ref(&event)).unwrap();
                }
            })
        });
    }
    group.finish();
}

/// Audit appends per measured iteration.
const AUDIT_CALLS: usize = 200;

/// The audit event of one document screening at a checkpoint.
fn search_event(at: OffsetDateTime) -> AuditEvent {
    AuditEvent {
        at,
        agency: AgencyId::parse("bp-tanger-med").unwrap(),
        actor: "officer-17".into(),
        site: Some("MAPTM".into()),
        operation: None,
        action: AuditAction::ScreenDocument,
        search_id: Some(Id::generate()),
        query_fingerprint: Some("5f1c9a".into()),
        revealed: vec![],
        hits: 0,
    }
}

criterion_group!(benches, bench_backends);
criterion_main!(benches);
