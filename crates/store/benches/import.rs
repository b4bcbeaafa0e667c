//! Bulk import of travel-document rows into the SQLite store, in records per second.
//!
//! Three measurements on the same rows, in the same run, with the same file settings (WAL,
//! `synchronous = FULL`, 10,000 rows per transaction unless said otherwise):
//!
//! - `baseline_plain_insert`: serialise each row to JSON and `INSERT` it into a table with no
//!   index at all — the floor a store with versions and natural keys cannot beat;
//! - `fresh`: `put_records` into a new store (natural-key lookup, version 1, change log);
//! - `fresh_50k_batches`: the same with 50,000 rows per transaction;
//! - `reimport_unchanged`: `put_records` of the same rows again (every row found unchanged);
//! - `scan_active`: reading every active record back with `for_each_active`, as the engine
//!   does at start-up.
//!
//! Run with `cargo bench -p portwatch-store --bench import`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use rusqlite::Connection;
use time::OffsetDateTime;

use portwatch_model::{
    AgencyId, CountryCode, DocumentHolder, DocumentNumber, DocumentStatus, DocumentType,
    PartialDate, RecordBody, RecordContent, TravelDocument, Visibility,
};
use portwatch_store::{SqliteStore, Store};

const ROWS: usize = 100_000;
const BATCH: usize = 10_000;

/// Document rows as an import of an NCB's SLTD extract produces them.
fn documents(count: usize) -> Vec<RecordContent> {
    let owners: Vec<AgencyId> = ["ncb-rabat", "ncb-madrid", "ncb-paris", "ncb-rome"]
        .iter()
        .map(|o| AgencyId::parse(o).unwrap())
        .collect();
    let states: Vec<CountryCode> = ["MAR", "ESP", "FRA", "ITA"]
        .iter()
        .map(|c| CountryCode::parse(c).unwrap())
        .collect();
    let statuses = [
        DocumentStatus::StolenBlank,
        DocumentStatus::StolenIssued,
        DocumentStatus::Lost,
        DocumentStatus::Revoked,
    ];
    (0..count)
        .map(|i| {
            let k = i % owners.len();
            // Spread the numbers so that keys do not arrive in index order.
            let number = format!(
                "X{:09}",
                (i as u64).wrapping_mul(2_654_435_761) % 1_000_000_000
            );
            let holder = (i % 3 == 0).then(|| DocumentHolder {
                surname: Some("Benali".into()),
                given_names: Some("Youcef".into()),
                birth_date: Some(PartialDate::new(1987, Some(3), Some(12)).unwrap()),
                nationality: Some(states[k]),
            });
            RecordContent::new(
                owners[k].clone(),
                Visibility::All,
                None,
                None,
                RecordBody::Document(TravelDocument {
                    number: DocumentNumber::parse(&number).unwrap(),
                    issuing_state: states[k],
                    doc_type: DocumentType::Passport,
                    status: statuses[i % statuses.len()],
                    reported_on: None,
                    reported_place: Some("Casablanca".into()),
                    holder,
                }),
            )
            .unwrap()
        })
        .collect()
}

fn import(store: &SqliteStore, rows: &[RecordContent], at: OffsetDateTime, batch: usize) {
    for batch in rows.chunks(batch) {
        store.put_records(batch, at).unwrap();
    }
}

/// The baseline: the same rows as JSON into an unindexed table, same settings and batches.
fn plain_insert(conn: &mut Connection, rows: &[RecordContent]) {
    let mut json = Vec::with_capacity(512);
    for batch in rows.chunks(BATCH) {
        let tx = conn.transaction().unwrap();
        {
            let mut stmt = tx
                .prepare_cached("INSERT INTO plain (body) VALUES (?1)")
                .unwrap();
            for row in batch {
                json.clear();
                serde_json::to_writer(&mut json, row).unwrap();
                stmt.execute([&json]).unwrap();
            }
        }
        tx.commit().unwrap();
    }
}

fn plain_table() -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().unwrap();
    let conn = Connection::open(dir.path().join("plain.sqlite3")).unwrap();
    conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0))
        .unwrap();
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    conn.execute_batch("CREATE TABLE plain (body BLOB NOT NULL)")
        .unwrap();
    (dir, conn)
}

fn bench_import(c: &mut Criterion) {
    let rows = documents(ROWS);
    let at = OffsetDateTime::now_utc();
    let mut group = c.benchmark_group("import_documents");
    group.throughput(Throughput::Elements(ROWS as u64));
    group.sample_size(10);

    group.bench_function("baseline_plain_insert", |b| {
        b.iter_batched(
            plain_table,
            |(dir, mut conn)| {
                plain_insert(&mut conn, &rows);
                (dir, conn)
            },
            BatchSize::PerIteration,
        )
    });

    for (name, batch) in [("fresh", BATCH), ("fresh_50k_batches", 5 * BATCH)] {
        group.bench_function(name, |b| {
            b.iter_batched(
                || {
                    let dir = tempfile::tempdir().unwrap();
                    let store = SqliteStore::create(dir.path()).unwrap();
                    (dir, store)
                },
                |(dir, store)| {
                    import(&store, &rows, at, batch);
                    (dir, store)
                },
                BatchSize::PerIteration,
            )
        });
    }

    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::create(dir.path()).unwrap();
    import(&store, &rows, at, BATCH);
    group.bench_function("reimport_unchanged", |b| {
        b.iter(|| import(&store, &rows, at, BATCH))
    });
    assert_eq!(store.stats().unwrap().versions, ROWS as u64);
    group.bench_function("scan_active", |b| {
        b.iter(|| {
            let mut seen = 0usize;
            store.for_each_active(&mut |_| seen += 1).unwrap();
            assert_eq!(seen, ROWS);
        })
    });
    group.finish();
}

criterion_group!(benches, bench_import);
criterion_main!(benches);
