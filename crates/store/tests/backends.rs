//! The same scenarios on every backend: each test runs on SQLite, and on PostgreSQL when
//! `PORTWATCH_TEST_PG` holds a URL (`scripts/pg-test-server.sh start` prints one; CI sets it).
//! Without it the PostgreSQL half of each test says it is skipped and passes.
//!
//! Every PostgreSQL test works in a schema of its own (dropped at the end), so tests run in
//! parallel on one database. Scenarios speak only through `&dyn Store`, plus raw SQL for the
//! audit tampering tests — the statements are the same on both engines.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use portwatch_model::*;
use portwatch_store::audit::GENESIS_HASH;
use portwatch_store::{
    FollowUp, HitFilter, PgStore, PreparedRecords, PutOutcome, RecordQuery, SqliteStore, Store,
    StoreError,
};
use time::macros::date;

/// A store under test, how to run raw SQL on its tables, and how to open a second store on
/// the same data (another node, another process).
struct Backend {
    store: Arc<dyn Store>,
    raw: Box<dyn Fn(&str) + Send + Sync>,
    reopen: Box<dyn Fn() -> Arc<dyn Store> + Send + Sync>,
    /// Set for PostgreSQL: the URL and schema, for the two-node test.
    postgres: Option<(String, String)>,
    _keep: Box<dyn std::any::Any>,
}

fn sqlite() -> Backend {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::create(dir.path()).unwrap();
    let path = dir.path().to_path_buf();
    let file = path.join(portwatch_store::sqlite::STORE_FILE);
    let audit_file = path.join(portwatch_store::sqlite::AUDIT_FILE);
    Backend {
        store: Arc::new(store),
        // Both files: the audit chain's tables are found in the attached one by their names.
        raw: Box::new(move |sql| {
            let conn = rusqlite::Connection::open(&file).unwrap();
            conn.execute(
                "ATTACH DATABASE ?1 AS audit_log",
                [audit_file.to_str().unwrap()],
            )
            .unwrap();
            conn.execute_batch(sql).unwrap()
        }),
        reopen: Box::new(move || Arc::new(SqliteStore::open(&path).unwrap())),
        postgres: None,
        _keep: Box::new(dir),
    }
}

/// Drops a test's schema at the end of the test.
struct DropSchema {
    url: String,
    schema: String,
}

impl Drop for DropSchema {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.url, postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema));
        }
    }
}

fn postgres_backend(test: &str) -> Option<Backend> {
    let url = std::env::var("PORTWATCH_TEST_PG")
        .ok()
        .filter(|u| !u.is_empty())?;
    // Short enough for the channel name (63 bytes), unique per test and per run.
    let digest = test.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let schema = format!("t{}_{:012x}", std::process::id(), digest & 0xffff_ffff_ffff);
    let guard = DropSchema {
        url: url.clone(),
        schema: schema.clone(),
    };
    let store = PgStore::connect_in_schema(&url, &schema).unwrap();
    let (raw_url, raw_schema) = (url.clone(), schema.clone());
    let (re_url, re_schema) = (url.clone(), schema.clone());
    Some(Backend {
        store: Arc::new(store),
        raw: Box::new(move |sql| {
            let mut client = postgres::Client::connect(&raw_url, postgres::NoTls).unwrap();
            client
                .batch_execute(&format!("SET search_path TO {raw_schema}; {sql}"))
                .unwrap();
        }),
        reopen: Box::new(move || {
            Arc::new(PgStore::connect_in_schema(&re_url, &re_schema).unwrap())
        }),
        postgres: Some((url, schema)),
        _keep: Box::new(guard),
    })
}

/// Declares each scenario as a test on SQLite and a test on PostgreSQL.
macro_rules! on_every_backend {
    ($($scenario:ident),* $(,)?) => {
        mod sqlite_backend {
            $(#[test] fn $scenario() { super::$scenario(&super::sqlite()); })*
        }
        mod postgres_backend {
            $(#[test] fn $scenario() {
                match super::postgres_backend(stringify!($scenario)) {
                    Some(backend) => super::$scenario(&backend),
                    None => eprintln!(
                        "skipped on PostgreSQL: PORTWATCH_TEST_PG is not set \
                         (run `eval \"$(scripts/pg-test-server.sh start)\"`)"
                    ),
                }
            })*
        }
    };
}

on_every_backend!(
    a_new_record_is_found_by_id_and_natural_key,
    putting_the_same_batch_again_changes_nothing,
    a_prepared_batch_is_written_like_a_plain_one,
    a_deferred_batch_is_written_like_a_plain_one_and_synced,
    a_changed_row_is_a_new_version_and_history_keeps_all,
    the_same_key_twice_in_one_batch_is_applied_in_order,
    only_the_owner_changes_a_record,
    a_cancelled_record_stays_in_history_and_comes_back,
    update_checks_the_expected_version_and_keys,
    the_change_log_is_ordered_and_resumes_anywhere,
    for_each_active_returns_the_position_to_follow_from,
    stats_count_by_database_owner_and_status,
    concurrent_writers_make_a_gap_free_log,
    a_follower_reading_while_others_write_misses_nothing,
    agencies_operations_and_investigations,
    hits_are_filtered_paged_and_followed_up,
    a_bad_hit_batch_is_refused_whole,
    audit_entries_chain_and_verify,
    audit_tampering_is_found_and_located,
    audit_appends_from_many_threads_and_stores_make_one_chain,
    a_second_store_sees_changes_and_is_woken,
    an_owner_finds_its_own_records_by_text_database_and_status,
    an_owner_pages_through_its_records_in_creation_order,
);

fn store(b: &Backend) -> &dyn Store {
    b.store.as_ref()
}

// --- records ---------------------------------------------------------------------------------

fn a_new_record_is_found_by_id_and_natural_key(b: &Backend) {
    let content = document("ncb-rabat", "AB123456");
    let out = store(b)
        .put_records(std::slice::from_ref(&content), at(0))
        .unwrap();
    let PutOutcome::Created { id } = out[0] else {
        panic!("expected Created, got {:?}", out[0]);
    };
    let record = store(b).record(id).unwrap().unwrap();
    assert_eq!(
        (record.id, record.version, record.status),
        (id, 1, RecordStatus::Active)
    );
    assert_eq!((record.recorded_at, &record.content), (at(0), &content));
    assert_eq!(
        store(b)
            .record_by_natural_key(&content.natural_key())
            .unwrap(),
        Some(record)
    );
    assert_eq!(store(b).record(Id::generate()).unwrap(), None);
    assert_eq!(
        store(b)
            .record_by_natural_key("document:MAR:X:passport")
            .unwrap(),
        None
    );
}

fn putting_the_same_batch_again_changes_nothing(b: &Backend) {
    let batch = vec![
        document("ncb-rabat", "AB1"),
        person("ncb-rabat", "p-1", "Anna Eriksson"),
        vehicle("ncb-rabat", "1M8GDM9AXKP042788"),
    ];
    let first = store(b).put_records(&batch, at(0)).unwrap();
    assert_eq!(store(b).head_seq().unwrap(), 3);
    let second = store(b).put_records(&batch, at(5)).unwrap();
    for (a, again) in first.iter().zip(&second) {
        assert_eq!(again, &PutOutcome::Unchanged { id: a.id() });
    }
    assert_eq!(store(b).head_seq().unwrap(), 3, "no new change was logged");
}

fn a_prepared_batch_is_written_like_a_plain_one(b: &Backend) {
    let batch = vec![
        document("ncb-rabat", "AB1"),
        person("ncb-rabat", "p-1", "Anna Eriksson"),
    ];
    let prepared = PreparedRecords::new(batch.clone()).unwrap();
    assert_eq!(prepared.contents(), &batch[..]);
    let first = store(b).put_prepared(&prepared, at(0)).unwrap();
    assert!(matches!(first[0], PutOutcome::Created { .. }), "{first:?}");
    let found = store(b).record(first[1].id()).unwrap().unwrap();
    assert_eq!(found.content, batch[1]);
    // The same rows again through the plain path: found equal, so the stored form and
    // hashes of both paths are the same.
    let again = store(b).put_records(&batch, at(5)).unwrap();
    for (a, again) in first.iter().zip(&again) {
        assert_eq!(again, &PutOutcome::Unchanged { id: a.id() });
    }
    // And a changed row prepared on its own becomes version 2.
    let changed = document_with("ncb-rabat", "AB1", DocumentStatus::StolenIssued);
    let out = store(b)
        .put_prepared(&PreparedRecords::new(vec![changed]).unwrap(), at(9))
        .unwrap();
    assert_eq!(
        out,
        vec![PutOutcome::Updated {
            id: first[0].id(),
            version: 2
        }]
    );
}

fn a_deferred_batch_is_written_like_a_plain_one_and_synced(b: &Backend) {
    let batch = vec![
        document("ncb-rabat", "AB1"),
        vehicle("ncb-rabat", "1M8GDM9AXKP042788"),
    ];
    let prepared = PreparedRecords::new(batch.clone()).unwrap();
    let first = store(b).put_prepared_deferred(&prepared, at(0)).unwrap();
    assert!(matches!(first[1], PutOutcome::Created { .. }), "{first:?}");
    // Visible before any sync, and the same rows through the synced path change nothing.
    assert_eq!(store(b).changes_since(0, 10).unwrap().len(), 2);
    let again = store(b).put_prepared(&prepared, at(5)).unwrap();
    for (a, again) in first.iter().zip(&again) {
        assert_eq!(again, &PutOutcome::Unchanged { id: a.id() });
    }
    store(b).sync().unwrap();
    store(b).sync().unwrap();
    assert_eq!(store(b).head_seq().unwrap(), 2, "a sync logs no change");
}

fn a_changed_row_is_a_new_version_and_history_keeps_all(b: &Backend) {
    let v1 = document_with("ncb-rabat", "AB1", DocumentStatus::Lost);
    let v2 = document_with("ncb-rabat", "AB1", DocumentStatus::StolenIssued);
    let id = store(b)
        .put_records(std::slice::from_ref(&v1), at(0))
        .unwrap()[0]
        .id();
    let out = store(b)
        .put_records(std::slice::from_ref(&v2), at(1))
        .unwrap();
    assert_eq!(out, vec![PutOutcome::Updated { id, version: 2 }]);
    let history = store(b).record_history(id).unwrap();
    let versions: Vec<_> = history.iter().map(|r| (r.version, r.recorded_at)).collect();
    assert_eq!(versions, vec![(1, at(0)), (2, at(1))]);
    assert_eq!((&history[0].content, &history[1].content), (&v1, &v2));
    assert!(store(b).record_history(Id::generate()).unwrap().is_empty());
}

fn the_same_key_twice_in_one_batch_is_applied_in_order(b: &Backend) {
    let a = document_with("ncb-rabat", "AB1", DocumentStatus::Lost);
    let c = document_with("ncb-rabat", "AB1", DocumentStatus::Revoked);
    let out = store(b)
        .put_records(&[a, c.clone(), c.clone()], at(0))
        .unwrap();
    let id = out[0].id();
    assert_eq!(
        out[1..],
        [
            PutOutcome::Updated { id, version: 2 },
            PutOutcome::Unchanged { id }
        ]
    );
    assert_eq!(store(b).record(id).unwrap().unwrap().content, c);
    assert_eq!(store(b).record_history(id).unwrap().len(), 2);
}

fn only_the_owner_changes_a_record(b: &Backend) {
    let id = store(b)
        .put_records(&[document("ncb-rabat", "AB1")], at(0))
        .unwrap()[0]
        .id();
    let out = store(b)
        .put_records(
            &[document("ncb-madrid", "AB1"), document("ncb-madrid", "ZZ9")],
            at(1),
        )
        .unwrap();
    match &out[0] {
        PutOutcome::Rejected {
            id: rejected,
            reason,
        } => {
            assert_eq!(*rejected, id);
            assert!(reason.contains("owned by ncb-rabat"), "{reason}");
        }
        other => panic!("expected Rejected, got {other:?}"),
    }
    assert!(matches!(out[1], PutOutcome::Created { .. }));
    let err = store(b)
        .update_record(id, None, document("ncb-madrid", "AB1"), at(2))
        .unwrap_err();
    assert!(matches!(err, StoreError::NotOwner { .. }), "{err}");
    let err = store(b)
        .cancel_record(id, &agency("ncb-madrid"), at(2))
        .unwrap_err();
    assert!(matches!(err, StoreError::NotOwner { .. }), "{err}");
    assert_eq!(store(b).record(id).unwrap().unwrap().version, 1);
}

fn a_cancelled_record_stays_in_history_and_comes_back(b: &Backend) {
    let content = document("ncb-rabat", "AB1");
    let id = store(b)
        .put_records(std::slice::from_ref(&content), at(0))
        .unwrap()[0]
        .id();
    let cancelled = store(b)
        .cancel_record(id, &agency("ncb-rabat"), at(1))
        .unwrap();
    assert_eq!(
        (cancelled.version, cancelled.status),
        (2, RecordStatus::Cancelled)
    );
    assert_eq!(
        store(b)
            .cancel_record(id, &agency("ncb-rabat"), at(2))
            .unwrap(),
        cancelled,
        "cancelling again changes nothing"
    );
    let mut active = Vec::new();
    store(b)
        .for_each_active(&mut |r| active.push(r.id))
        .unwrap();
    assert!(active.is_empty());
    let out = store(b).put_records(&[content], at(3)).unwrap();
    assert_eq!(out, vec![PutOutcome::Updated { id, version: 3 }]);
    let statuses: Vec<_> = store(b)
        .record_history(id)
        .unwrap()
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(
        statuses,
        [
            RecordStatus::Active,
            RecordStatus::Cancelled,
            RecordStatus::Active
        ]
    );
}

fn update_checks_the_expected_version_and_keys(b: &Backend) {
    let ids: Vec<Id> = store(b)
        .put_records(
            &[document("ncb-rabat", "AB1"), document("ncb-rabat", "AB2")],
            at(0),
        )
        .unwrap()
        .iter()
        .map(PutOutcome::id)
        .collect();
    let changed = document_with("ncb-rabat", "AB1", DocumentStatus::Revoked);
    let updated = store(b)
        .update_record(ids[0], Some(1), changed.clone(), at(1))
        .unwrap();
    assert_eq!((updated.version, &updated.content), (2, &changed));
    let err = store(b)
        .update_record(ids[0], Some(1), document("ncb-rabat", "AB1"), at(2))
        .unwrap_err();
    assert!(
        err.to_string().contains("expected version 1, found 2"),
        "{err}"
    );
    let same = store(b)
        .update_record(ids[0], Some(2), changed, at(3))
        .unwrap();
    assert_eq!(same.version, 2, "the same content is not a new version");
    let err = store(b)
        .update_record(ids[0], None, document("ncb-rabat", "AB2"), at(4))
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    assert!(err.to_string().contains(&ids[1].to_string()), "{err}");
    let corrected = document("ncb-rabat", "AB1X");
    store(b)
        .update_record(ids[0], None, corrected.clone(), at(5))
        .unwrap();
    let found = store(b)
        .record_by_natural_key(&corrected.natural_key())
        .unwrap()
        .unwrap();
    assert_eq!((found.id, found.version), (ids[0], 3));
    let err = store(b)
        .update_record(Id::generate(), None, corrected, at(6))
        .unwrap_err();
    assert!(
        matches!(err, StoreError::NotFound { kind: "record", .. }),
        "{err}"
    );
}

fn the_change_log_is_ordered_and_resumes_anywhere(b: &Backend) {
    let a = store(b)
        .put_records(
            &[document("ncb-rabat", "A1"), document("ncb-rabat", "A2")],
            at(0),
        )
        .unwrap();
    store(b)
        .put_records(
            &[document_with("ncb-rabat", "A1", DocumentStatus::Lost)],
            at(1),
        )
        .unwrap();
    store(b)
        .cancel_record(a[1].id(), &agency("ncb-rabat"), at(2))
        .unwrap();
    let all = store(b).changes_since(0, 100).unwrap();
    let seen: Vec<_> = all
        .iter()
        .map(|c| (c.seq, c.record.id, c.record.version, c.record.status))
        .collect();
    assert_eq!(
        seen,
        vec![
            (1, a[0].id(), 1, RecordStatus::Active),
            (2, a[1].id(), 1, RecordStatus::Active),
            (3, a[0].id(), 2, RecordStatus::Active),
            (4, a[1].id(), 2, RecordStatus::Cancelled),
        ]
    );
    let mut followed = Vec::new();
    let mut position = 0;
    loop {
        let page = store(b).changes_since(position, 2).unwrap();
        let Some(last) = page.last() else { break };
        position = last.seq;
        followed.extend(page);
    }
    assert_eq!(followed, all);
    assert!(store(b).changes_since(4, 100).unwrap().is_empty());
}

fn for_each_active_returns_the_position_to_follow_from(b: &Backend) {
    store(b)
        .put_records(
            &[
                document("ncb-rabat", "A1"),
                vehicle("ncb-rome", "1M8GDM9AXKP042788"),
            ],
            at(0),
        )
        .unwrap();
    let mut seen = 0;
    let position = store(b).for_each_active(&mut |_| seen += 1).unwrap();
    assert_eq!((position, seen), (2, 2));
    store(b)
        .put_records(&[document("ncb-rabat", "A3")], at(1))
        .unwrap();
    let tail = store(b).changes_since(position, 10).unwrap();
    assert_eq!(tail.len(), 1);
    assert_eq!(tail[0].record.content, document("ncb-rabat", "A3"));
}

fn stats_count_by_database_owner_and_status(b: &Backend) {
    let out = store(b)
        .put_records(
            &[
                document("ncb-rabat", "A1"),
                document("ncb-rabat", "A2"),
                document("ncb-madrid", "M1"),
                vehicle("ncb-rabat", "1M8GDM9AXKP042788"),
            ],
            at(0),
        )
        .unwrap();
    store(b)
        .cancel_record(out[1].id(), &agency("ncb-rabat"), at(1))
        .unwrap();
    let stats = store(b).stats().unwrap();
    assert_eq!(stats.count(Database::Documents, RecordStatus::Active), 2);
    assert_eq!(stats.count(Database::Documents, RecordStatus::Cancelled), 1);
    assert_eq!(stats.count(Database::Vehicles, RecordStatus::Active), 1);
    assert_eq!((stats.versions, stats.head_seq), (5, 5));
    let latest = if b.postgres.is_some() {
        portwatch_store::postgres::LATEST_SCHEMA_VERSION
    } else {
        portwatch_store::sqlite::LATEST_SCHEMA_VERSION
    };
    assert_eq!(stats.schema_version, latest);
}

/// Writers on several threads, and on a second store (connection pool or file handle), still
/// make one log numbered 1, 2, 3, … with nothing missing.
fn concurrent_writers_make_a_gap_free_log(b: &Backend) {
    let second = (b.reopen)();
    let workers: Vec<_> = (0..4)
        .map(|t| {
            let store = if t % 2 == 0 {
                b.store.clone()
            } else {
                second.clone()
            };
            std::thread::spawn(move || {
                for i in 0..20 {
                    store
                        .put_records(&[document("ncb-rabat", &format!("T{t}N{i}"))], at(i))
                        .unwrap();
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let seqs: Vec<u64> = store(b)
        .changes_since(0, 1_000)
        .unwrap()
        .iter()
        .map(|c| c.seq)
        .collect();
    assert_eq!(seqs, (1..=80).collect::<Vec<u64>>());
}

/// A follower polling `changes_since` while two stores write batches at once always sees the
/// position after its own next (never a gap it would skip for good) and ends with everything.
fn a_follower_reading_while_others_write_misses_nothing(b: &Backend) {
    const WRITERS: usize = 2;
    const BATCHES: usize = 15;
    const ROWS: usize = 7;
    let stores = [b.store.clone(), (b.reopen)()];
    let writers: Vec<_> = stores
        .iter()
        .enumerate()
        .map(|(w, store)| {
            let store = store.clone();
            std::thread::spawn(move || {
                for batch in 0..BATCHES {
                    let rows: Vec<_> = (0..ROWS)
                        .map(|r| document("ncb-rabat", &format!("W{w}B{batch}R{r}")))
                        .collect();
                    store.put_records(&rows, at(batch as i64)).unwrap();
                }
            })
        })
        .collect();
    let total = (WRITERS * BATCHES * ROWS) as u64;
    let follower = (b.reopen)();
    let mut position = 0;
    let deadline = Instant::now() + Duration::from_secs(60);
    while position < total {
        assert!(
            Instant::now() < deadline,
            "the follower stalled at {position}"
        );
        for change in follower.changes_since(position, 5).unwrap() {
            assert_eq!(change.seq, position + 1, "the log skipped a position");
            position = change.seq;
        }
    }
    for w in writers {
        w.join().unwrap();
    }
    assert_eq!(follower.head_seq().unwrap(), total);
}

// --- the network -----------------------------------------------------------------------------

fn agencies_operations_and_investigations(b: &Backend) {
    store(b).put_agency(&ncb("ncb-rabat", "MAR")).unwrap();
    store(b).put_agency(&ncb("ncb-madrid", "ESP")).unwrap();
    let mut renamed = ncb("ncb-rabat", "MAR");
    renamed.name = "NCB Rabat".into();
    store(b).put_agency(&renamed).unwrap();
    assert_eq!(
        store(b).agency(&agency("ncb-rabat")).unwrap(),
        Some(renamed)
    );
    let ids: Vec<_> = store(b)
        .agencies()
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(ids, [agency("ncb-madrid"), agency("ncb-rabat")]);

    let neptune = operation("NEPTUNE-II", date!(2019 - 07 - 24));
    let earlier = operation("NEPTUNE-I", date!(2018 - 06 - 01));
    store(b).put_operation(&neptune).unwrap();
    store(b).put_operation(&earlier).unwrap();
    assert_eq!(
        store(b).operation_by_code("NEPTUNE-II").unwrap(),
        Some(neptune.clone())
    );
    let codes: Vec<_> = store(b)
        .operations()
        .unwrap()
        .into_iter()
        .map(|o| o.code)
        .collect();
    assert_eq!(codes, ["NEPTUNE-I", "NEPTUNE-II"]);
    let err = store(b)
        .put_operation(&operation("NEPTUNE-II", date!(2020 - 01 - 01)))
        .unwrap_err();
    assert!(err.to_string().contains("already belongs"), "{err}");

    let lead = Investigation {
        id: Id::generate(),
        operation: Some(neptune.id),
        category: Category::DocumentFraud,
        status: LeadStatus::Open,
        lead_agency: agency("ncb-rabat"),
        title: "forged passports ring".into(),
        hits: vec![],
        records: vec![],
        notes: vec![],
        outcomes: vec![],
    };
    store(b).put_investigation(&lead).unwrap();
    assert_eq!(
        store(b).investigations(Some(neptune.id)).unwrap(),
        vec![lead.clone()]
    );
    assert_eq!(store(b).investigations(Some(earlier.id)).unwrap(), vec![]);
    let orphan = Investigation {
        id: Id::generate(),
        operation: Some(Id::generate()),
        ..lead
    };
    let err = store(b).put_investigation(&orphan).unwrap_err();
    assert!(err.to_string().contains("not in the store"), "{err}");
}

fn hits_are_filtered_paged_and_followed_up(b: &Backend) {
    let op = operation("NEPTUNE-II", date!(2019 - 07 - 24));
    store(b).put_operation(&op).unwrap();
    let records = store(b)
        .put_records(
            &[document("ncb-rabat", "A1"), document("ncb-madrid", "M1")],
            at(0),
        )
        .unwrap();
    let hits = vec![
        hit(records[0].id(), "ncb-rabat", "bp-tanger-med", Some(op.id)),
        hit(records[1].id(), "ncb-madrid", "bp-tanger-med", Some(op.id)),
        hit(records[0].id(), "ncb-rabat", "bp-algeciras", None),
    ];
    store(b).insert_hits(&hits).unwrap();
    assert_eq!(store(b).hit(hits[1].id).unwrap(), Some(hits[1].clone()));
    let ids = |filter: HitFilter| -> Vec<Id> {
        store(b)
            .hits(&filter)
            .unwrap()
            .into_iter()
            .map(|h| h.id)
            .collect()
    };
    assert_eq!(
        ids(HitFilter {
            owner: Some(agency("ncb-rabat")),
            ..HitFilter::default()
        }),
        [hits[0].id, hits[2].id]
    );
    assert_eq!(
        ids(HitFilter {
            operation: Some(op.id),
            agency: Some(agency("bp-tanger-med")),
            ..HitFilter::default()
        }),
        [hits[0].id, hits[1].id]
    );
    let page = ids(HitFilter {
        limit: 2,
        ..HitFilter::default()
    });
    assert_eq!(page, [hits[0].id, hits[1].id]);
    let rest = ids(HitFilter {
        after: Some(page[1]),
        ..HitFilter::default()
    });
    assert_eq!(rest, [hits[2].id]);

    store(b)
        .update_hit_follow_up(
            hits[0].id,
            &FollowUp {
                state: Some(FollowUpState::Confirmed),
                instructions: Some("seize and call NCB Rabat".into()),
                action_taken: None,
            },
        )
        .unwrap();
    let reported = store(b)
        .update_hit_follow_up(
            hits[0].id,
            &FollowUp {
                action_taken: Some(ActionTaken::DocumentSeized),
                ..FollowUp::default()
            },
        )
        .unwrap();
    assert_eq!(reported.state, FollowUpState::Confirmed, "kept");
    assert_eq!(reported.action_taken, Some(ActionTaken::DocumentSeized));
    assert_eq!(
        ids(HitFilter {
            state: Some(FollowUpState::Pending),
            ..HitFilter::default()
        }),
        [hits[1].id, hits[2].id]
    );
    let err = store(b)
        .update_hit_follow_up(Id::generate(), &FollowUp::default())
        .unwrap_err();
    assert!(
        matches!(err, StoreError::NotFound { kind: "hit", .. }),
        "{err}"
    );
}

fn a_bad_hit_batch_is_refused_whole(b: &Backend) {
    let record = store(b)
        .put_records(&[document("ncb-rabat", "A1")], at(0))
        .unwrap()[0]
        .id();
    let good = hit(record, "ncb-rabat", "bp-tanger-med", None);
    let orphan = hit(Id::generate(), "ncb-rabat", "bp-tanger-med", None);
    let err = store(b).insert_hits(&[good.clone(), orphan]).unwrap_err();
    assert!(err.to_string().contains("not in the store"), "{err}");
    assert_eq!(store(b).hit(good.id).unwrap(), None, "rolled back");
    store(b).insert_hits(std::slice::from_ref(&good)).unwrap();
    let err = store(b).insert_hits(&[good]).unwrap_err();
    assert!(err.to_string().contains("already stored"), "{err}");
}

// --- audit -----------------------------------------------------------------------------------

fn event(actor: &str, minute: i64) -> AuditEvent {
    AuditEvent {
        at: at(minute),
        agency: agency("bp-tanger-med"),
        actor: actor.into(),
        site: Some("MAPTM".into()),
        operation: None,
        action: AuditAction::ScreenDocument,
        search_id: Some(Id::generate()),
        query_fingerprint: Some("5f1c".into()),
        revealed: vec![],
        hits: 0,
    }
}

fn append_officers(b: &Backend, n: i64) {
    let events: Vec<_> = (1..=n).map(|i| event(&format!("officer-{i}"), i)).collect();
    store(b).append_audit(&events).unwrap();
}

fn audit_entries_chain_and_verify(b: &Backend) {
    let empty = store(b).verify_audit().unwrap();
    assert!(empty.is_intact());
    assert_eq!(
        (empty.checked, empty.last_good_hash.as_str()),
        (0, GENESIS_HASH)
    );
    let first = store(b)
        .append_audit(&[event("a", 0), event("b", 1)])
        .unwrap();
    let second = store(b).append_audit(&[event("c", 2)]).unwrap();
    let all: Vec<_> = first.into_iter().chain(second).collect();
    assert_eq!(all.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(all[0].prev_hash, GENESIS_HASH);
    for pair in all.windows(2) {
        assert_eq!(pair[1].prev_hash, pair[0].hash);
    }
    assert_eq!(store(b).audit_entries(0, 10).unwrap(), all);
    assert_eq!(store(b).audit_entries(1, 1).unwrap(), all[1..2].to_vec());
    let report = store(b).verify_audit().unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!((report.checked, &report.last_good_hash), (3, &all[2].hash));
}

/// Changed, removed, swapped and cut-off entries, each on a fresh chain of five.
fn audit_tampering_is_found_and_located(b: &Backend) {
    let reset = |b: &Backend| {
        (b.raw)("DELETE FROM audit");
        (b.raw)(&format!(
            "UPDATE audit_head SET seq = 0, hash = '{GENESIS_HASH}'"
        ));
        append_officers(b, 5);
        assert!(store(b).verify_audit().unwrap().is_intact());
    };
    let broken_at = |b: &Backend| store(b).verify_audit().unwrap().broken.unwrap();

    reset(b);
    (b.raw)("UPDATE audit SET event = replace(event, 'officer-3', 'officer-9') WHERE seq = 3");
    let broken = broken_at(b);
    assert_eq!(broken.seq, 3);
    assert!(broken.reason.contains("changed"), "{}", broken.reason);

    reset(b);
    (b.raw)("DELETE FROM audit WHERE seq = 2");
    let broken = broken_at(b);
    assert_eq!(broken.seq, 2);
    assert!(broken.reason.contains("missing"), "{}", broken.reason);

    reset(b);
    (b.raw)(
        "UPDATE audit SET seq = -1 WHERE seq = 2; UPDATE audit SET seq = 2 WHERE seq = 4; \
         UPDATE audit SET seq = 4 WHERE seq = -1;",
    );
    assert_eq!(broken_at(b).seq, 2);

    reset(b);
    (b.raw)("DELETE FROM audit WHERE seq = 5");
    let broken = broken_at(b);
    assert_eq!(broken.seq, 5);
    assert!(broken.reason.contains("recorded head"), "{}", broken.reason);
    let appended = store(b).append_audit(&[event("late", 9)]).unwrap();
    assert_eq!(
        appended[0].seq, 6,
        "the chain continues from its recorded head"
    );
    assert_eq!(broken_at(b).seq, 5, "a later append does not hide the cut");
}

/// Threads on one store and threads on a second store (for PostgreSQL, other connections,
/// as other nodes would be) append at once: one chain, every entry in it.
fn audit_appends_from_many_threads_and_stores_make_one_chain(b: &Backend) {
    let second = (b.reopen)();
    let writers: Vec<_> = (0..6)
        .map(|t| {
            let store = if t % 2 == 0 {
                b.store.clone()
            } else {
                second.clone()
            };
            std::thread::spawn(move || {
                for i in 0..15 {
                    let actor = format!("t{t}");
                    store
                        .append_audit(&[event(&actor, i), event(&actor, i)])
                        .unwrap();
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let report = store(b).verify_audit().unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.checked, 180);
}

// --- two nodes -------------------------------------------------------------------------------

/// Node B follows the log of node A: a record written through A appears in B's
/// `changes_since`, and on PostgreSQL B's wake-ups (asked of B as a `dyn Store`) fire at
/// the commit, within a second; SQLite has none (its followers poll).
fn a_second_store_sees_changes_and_is_woken(b: &Backend) {
    let node_b = (b.reopen)();
    let position = node_b.head_seq().unwrap();
    let mut listener = node_b.change_wakeups().unwrap();
    assert_eq!(listener.is_some(), b.postgres.is_some());
    let written = b
        .store
        .put_records(&[document("ncb-rabat", "NODE-A-1")], at(0))
        .unwrap()[0]
        .id();
    if let Some(listener) = &mut listener {
        let started = Instant::now();
        let woken = listener.wait(Duration::from_secs(1)).unwrap();
        assert_eq!(woken, Some(position + 1), "woken with the new position");
        assert!(started.elapsed() < Duration::from_secs(1));
        assert_eq!(
            listener.wait(Duration::from_millis(100)).unwrap(),
            None,
            "nothing else committed"
        );
    }
    let changes = node_b.changes_since(position, 10).unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(
        (changes[0].seq, changes[0].record.id),
        (position + 1, written)
    );

    // A hit made through A is announced to B by id, and B reads it from the database; so is
    // a change to its follow-up.
    let mut hit_listener = node_b.hit_wakeups().unwrap();
    assert_eq!(hit_listener.is_some(), b.postgres.is_some());
    let made = hit(written, "ncb-rabat", "bp-tanger-med", None);
    b.store.insert_hits(std::slice::from_ref(&made)).unwrap();
    if let Some(listener) = &mut hit_listener {
        assert_eq!(
            listener.wait(Duration::from_secs(1)).unwrap(),
            vec![made.id]
        );
        assert!(listener
            .wait(Duration::from_millis(100))
            .unwrap()
            .is_empty());
    }
    assert_eq!(node_b.hit(made.id).unwrap(), Some(made.clone()));
    let rejected = FollowUp {
        state: Some(FollowUpState::Rejected),
        ..FollowUp::default()
    };
    b.store.update_hit_follow_up(made.id, &rejected).unwrap();
    if let Some(listener) = &mut hit_listener {
        assert_eq!(
            listener.wait(Duration::from_secs(1)).unwrap(),
            vec![made.id],
            "a follow-up change is announced like a new hit"
        );
    }
    let read = node_b.hit(made.id).unwrap().unwrap();
    assert_eq!(read.state, FollowUpState::Rejected);
}

// --- the database going away -----------------------------------------------------------------

/// A TCP relay between the store and PostgreSQL that the test can cut and restore, standing
/// for a database that goes away (crash, restart, network) and comes back.
mod relay {
    use std::net::{Shutdown, TcpListener, TcpStream};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};

    pub struct Relay {
        pub port: u16,
        up: Arc<AtomicBool>,
        open: Arc<Mutex<Vec<TcpStream>>>,
    }

    impl Relay {
        pub fn start(upstream: String) -> Relay {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let port = listener.local_addr().unwrap().port();
            let up = Arc::new(AtomicBool::new(true));
            let open = Arc::new(Mutex::new(Vec::new()));
            let (accept_up, accept_open) = (up.clone(), open.clone());
            std::thread::spawn(move || {
                for client in listener.incoming().flatten() {
                    if !accept_up.load(Ordering::SeqCst) {
                        let _ = client.shutdown(Shutdown::Both);
                        continue;
                    }
                    let Ok(server) = TcpStream::connect(&upstream) else {
                        continue;
                    };
                    let mut open = accept_open.lock().unwrap();
                    open.push(client.try_clone().unwrap());
                    open.push(server.try_clone().unwrap());
                    pipe(client.try_clone().unwrap(), server.try_clone().unwrap());
                    pipe(server, client);
                }
            });
            Relay { port, up, open }
        }

        /// Breaks every open connection and refuses new ones.
        pub fn cut(&self) {
            self.up.store(false, Ordering::SeqCst);
            for stream in self.open.lock().unwrap().drain(..) {
                let _ = stream.shutdown(Shutdown::Both);
            }
        }

        pub fn restore(&self) {
            self.up.store(true, Ordering::SeqCst);
        }
    }

    fn pipe(mut from: TcpStream, mut to: TcpStream) {
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut from, &mut to);
            let _ = to.shutdown(Shutdown::Both);
        });
    }
}

/// While the database is unreachable every call fails with a "database unavailable" error
/// (which a server answers with 503); once it is back the same store works again by itself,
/// and nothing committed before is lost.
#[test]
fn postgres_calls_fail_clearly_while_the_database_is_away_and_recover_after() {
    let Some(backend) = postgres_backend("database_goes_away") else {
        eprintln!("skipped on PostgreSQL: PORTWATCH_TEST_PG is not set");
        return;
    };
    let (url, schema) = backend.postgres.clone().unwrap();
    let config: postgres::Config = url.parse().unwrap();
    let host = match &config.get_hosts()[0] {
        postgres::config::Host::Tcp(host) => host.clone(),
        other => panic!("the test database must be reached over TCP, not {other:?}"),
    };
    let relay = relay::Relay::start(format!("{host}:{}", config.get_ports()[0]));
    let user = config.get_user().unwrap();
    let db = config.get_dbname().unwrap();
    let relayed = format!("postgres://{user}@127.0.0.1:{}/{db}", relay.port);
    let store = PgStore::connect_in_schema(&relayed, &schema).unwrap();
    let kept = store
        .put_records(&[document("ncb-rabat", "BEFORE")], at(0))
        .unwrap()[0]
        .id();

    relay.cut();
    for attempt in 0..2 {
        let err = store.head_seq().unwrap_err();
        assert!(
            portwatch_store::postgres::is_unavailable(&err),
            "attempt {attempt}: {err:?}"
        );
        assert!(err.to_string().contains("database unavailable:"), "{err}");
    }
    let err = store
        .put_records(&[document("ncb-rabat", "DURING")], at(1))
        .unwrap_err();
    assert!(portwatch_store::postgres::is_unavailable(&err), "{err:?}");

    relay.restore();
    assert_eq!(store.head_seq().unwrap(), 1, "reconnected by itself");
    assert_eq!(store.record(kept).unwrap().unwrap().version, 1);
    store
        .put_records(&[document("ncb-rabat", "AFTER")], at(2))
        .unwrap();
    assert_eq!(store.head_seq().unwrap(), 2);
}

/// Nodes starting at the same moment on an empty schema migrate it once, without error.
#[test]
fn postgres_nodes_starting_together_migrate_once() {
    let Some(backend) = postgres_backend("nodes_starting_together") else {
        eprintln!("skipped on PostgreSQL: PORTWATCH_TEST_PG is not set");
        return;
    };
    let (url, schema) = backend.postgres.clone().unwrap();
    let fresh = format!("{schema}_fresh");
    let _drop = DropSchema {
        url: url.clone(),
        schema: fresh.clone(),
    };
    PgStore::connect_in_schema(&url, &fresh).unwrap();
    (backend.raw)(&format!(
        "DROP SCHEMA {fresh} CASCADE; CREATE SCHEMA {fresh}"
    ));
    let nodes: Vec<_> = (0..4)
        .map(|_| {
            let (url, fresh) = (url.clone(), fresh.clone());
            std::thread::spawn(move || PgStore::connect_in_schema(&url, &fresh).map(|_| ()))
        })
        .collect();
    for node in nodes {
        node.join().unwrap().unwrap();
    }
    let store = PgStore::connect_in_schema(&url, &fresh).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        portwatch_store::postgres::LATEST_SCHEMA_VERSION
    );
    assert_eq!(store.head_seq().unwrap(), 0);
    assert!(store.verify_audit().unwrap().is_intact());
}

/// A Spanish plate and a VIN on a vehicle of `owner`.
fn vehicle_with_plate(owner: &str, vin: &str, plate: &str) -> RecordContent {
    let mut content = vehicle(owner, vin);
    if let RecordBody::Vehicle(v) = &mut content.body {
        v.plate = Some(Plate::new(CountryCode::parse("ESP").unwrap(), plate).unwrap());
    }
    content
}

fn ids(records: &[Record]) -> Vec<Id> {
    records.iter().map(|r| r.id).collect()
}

/// Records management: an agency finds its own records by a name (accents and case folded),
/// a document number, a VIN or a plate; never another agency's; cancelled ones on request.
fn an_owner_finds_its_own_records_by_text_database_and_status(b: &Backend) {
    let out = store(b)
        .put_records(
            &[
                person("ncb-rabat", "R-1", "Karim BENALI"),
                person("ncb-rabat", "R-2", "José Ángel Martín"),
                document("ncb-rabat", "AB1234567"),
                vehicle_with_plate("ncb-rabat", "VF1RFB00X56123456", "1234 BCD"),
                person("ncb-madrid", "M-1", "Karim Benali"),
                document("ncb-madrid", "AB1234999"),
            ],
            at(0),
        )
        .unwrap();
    let id = |i: usize| out[i].id();
    let find = |text: Option<&str>, database: Option<Database>, status: Option<RecordStatus>| {
        let query = RecordQuery {
            text: text.map(str::to_string),
            database,
            status,
            ..RecordQuery::owner(agency("ncb-rabat"))
        };
        ids(&store(b).find_records(&query).unwrap())
    };
    // In id order; ids within one batch are not in batch order, so compare sorted.
    let sorted = |mut v: Vec<Id>| {
        v.sort();
        v
    };
    let active = Some(RecordStatus::Active);
    assert_eq!(
        find(None, None, active),
        sorted(vec![id(0), id(1), id(2), id(3)])
    );
    assert_eq!(find(Some("benali"), None, active), vec![id(0)]);
    assert_eq!(find(Some("jose angel"), None, active), vec![id(1)]);
    assert_eq!(find(Some("MARTÍN"), None, active), vec![id(1)]);
    assert_eq!(find(Some("ab 1234"), None, active), vec![id(2)]);
    assert_eq!(find(Some("vf1rfb00"), None, active), vec![id(3)]);
    assert_eq!(find(Some("1234-bcd"), None, active), vec![id(3)]);
    // "1234" is in the document number and in the plate.
    assert_eq!(find(Some("1234"), None, active), sorted(vec![id(2), id(3)]));
    assert_eq!(
        find(Some("1234"), Some(Database::Vehicles), active),
        vec![id(3)]
    );
    assert_eq!(
        find(None, Some(Database::Persons), active),
        sorted(vec![id(0), id(1)])
    );
    assert!(find(Some("nobody"), None, active).is_empty());

    store(b)
        .cancel_record(id(0), &agency("ncb-rabat"), at(1))
        .unwrap();
    assert!(find(Some("benali"), None, active).is_empty());
    let cancelled = find(Some("benali"), None, Some(RecordStatus::Cancelled));
    assert_eq!(cancelled, vec![id(0)]);
    assert_eq!(find(Some("benali"), None, None), vec![id(0)]);
    let latest = store(b)
        .find_records(&RecordQuery {
            status: None,
            ..RecordQuery::owner(agency("ncb-rabat"))
        })
        .unwrap();
    assert_eq!(latest.len(), 4);
    let benali = latest.iter().find(|r| r.id == id(0)).unwrap();
    assert_eq!(
        (benali.status, benali.version),
        (RecordStatus::Cancelled, 2)
    );

    // Madrid sees only its own.
    let madrid = store(b)
        .find_records(&RecordQuery {
            text: Some("AB1234".into()),
            ..RecordQuery::owner(agency("ncb-madrid"))
        })
        .unwrap();
    assert_eq!(ids(&madrid), vec![id(5)]);
    assert!(madrid
        .iter()
        .all(|r| r.content.owner == agency("ncb-madrid")));
}

/// Pages follow creation order and resume after the last id of the previous page, with or
/// without a text filter, and nothing is returned twice or skipped.
fn an_owner_pages_through_its_records_in_creation_order(b: &Backend) {
    let batch: Vec<RecordContent> = (0..1_200)
        .map(|i| match i % 3 {
            0 => person(
                "ncb-rabat",
                &format!("R-{i}"),
                &format!("Person Number{i:04}"),
            ),
            1 => document("ncb-rabat", &format!("PG{i:07}")),
            _ => document("ncb-madrid", &format!("MD{i:07}")),
        })
        .collect();
    let out = store(b).put_records(&batch, at(0)).unwrap();
    let rabat: Vec<Id> = out
        .iter()
        .zip(&batch)
        .filter(|(_, c)| c.owner == agency("ncb-rabat"))
        .map(|(o, _)| o.id())
        .collect();
    let mut sorted = rabat.clone();
    sorted.sort();

    let pages = |text: Option<&str>, limit: usize| -> Vec<Id> {
        let mut all = Vec::new();
        let mut after = None;
        loop {
            let page = store(b)
                .find_records(&RecordQuery {
                    text: text.map(str::to_string),
                    after,
                    limit,
                    ..RecordQuery::owner(agency("ncb-rabat"))
                })
                .unwrap();
            assert!(page.len() <= limit);
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            all.extend(ids(&page));
        }
        all
    };
    assert_eq!(pages(None, 200), sorted);
    // Only persons carry "number" in their names; a rare match still pages through the rest.
    let persons: Vec<Id> = sorted
        .iter()
        .copied()
        .filter(|id| {
            let i = out.iter().position(|o| o.id() == *id).unwrap();
            i % 3 == 0
        })
        .collect();
    assert_eq!(pages(Some("number"), 7), persons);
    assert_eq!(pages(Some("number0999"), 50).len(), 1);
    assert!(store(b)
        .find_records(&RecordQuery {
            limit: 0,
            ..RecordQuery::owner(agency("ncb-rabat"))
        })
        .unwrap()
        .is_empty());
}
