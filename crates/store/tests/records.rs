//! Records through the `Store` trait: versions, history, idempotent puts, ownership,
//! cancellation and the change log.

mod common;

use common::*;
use portwatch_model::*;
use portwatch_store::{PutOutcome, SqliteStore, Store, StoreError};

fn created_id(outcome: &PutOutcome) -> Id {
    match outcome {
        PutOutcome::Created { id } => *id,
        other => panic!("expected Created, got {other:?}"),
    }
}

#[test]
fn a_new_record_gets_version_one_and_is_found_by_id_and_natural_key() {
    let (_dir, store) = new_store();
    let content = document("ncb-rabat", "AB123456");
    let outcomes = store
        .put_records(std::slice::from_ref(&content), at(0))
        .unwrap();
    let id = created_id(&outcomes[0]);

    let record = store.record(id).unwrap().unwrap();
    assert_eq!(record.id, id);
    assert_eq!(record.version, 1);
    assert_eq!(record.status, RecordStatus::Active);
    assert_eq!(record.recorded_at, at(0));
    assert_eq!(record.content, content);
    assert_eq!(
        store.record_by_natural_key(&content.natural_key()).unwrap(),
        Some(record)
    );
    assert_eq!(store.record(Id::generate()).unwrap(), None);
    assert_eq!(
        store
            .record_by_natural_key("document:MAR:X:passport")
            .unwrap(),
        None
    );
}

#[test]
fn putting_the_same_batch_again_changes_nothing() {
    let (_dir, store) = new_store();
    let batch = vec![
        document("ncb-rabat", "AB1"),
        person("ncb-rabat", "p-1", "Anna Eriksson"),
        vehicle("ncb-rabat", "1M8GDM9AXKP042788"),
    ];
    let first = store.put_records(&batch, at(0)).unwrap();
    let head = store.head_seq().unwrap();
    assert_eq!(head, 3);

    let second = store.put_records(&batch, at(5)).unwrap();
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(b, &PutOutcome::Unchanged { id: a.id() });
    }
    assert_eq!(store.head_seq().unwrap(), head, "no new change was logged");
    assert_eq!(
        store.record(first[0].id()).unwrap().unwrap().recorded_at,
        at(0)
    );
}

#[test]
fn a_changed_row_becomes_a_new_version_and_history_keeps_every_version() {
    let (_dir, store) = new_store();
    let v1 = document_with("ncb-rabat", "AB1", DocumentStatus::Lost);
    let v2 = document_with("ncb-rabat", "AB1", DocumentStatus::StolenIssued);
    let id = store.put_records(std::slice::from_ref(&v1), at(0)).unwrap()[0].id();

    let outcome = store.put_records(std::slice::from_ref(&v2), at(1)).unwrap();
    assert_eq!(outcome, vec![PutOutcome::Updated { id, version: 2 }]);

    let latest = store.record(id).unwrap().unwrap();
    assert_eq!((latest.version, &latest.content), (2, &v2));
    let history = store.record_history(id).unwrap();
    let versions: Vec<_> = history.iter().map(|r| (r.version, r.recorded_at)).collect();
    assert_eq!(versions, vec![(1, at(0)), (2, at(1))]);
    assert_eq!(history[0].content, v1);
    assert!(store.record_history(Id::generate()).unwrap().is_empty());
}

#[test]
fn the_same_key_twice_in_one_batch_is_applied_in_order() {
    let (_dir, store) = new_store();
    let a = document_with("ncb-rabat", "AB1", DocumentStatus::Lost);
    let b = document_with("ncb-rabat", "AB1", DocumentStatus::Revoked);
    let outcomes = store
        .put_records(&[a, b.clone(), b.clone()], at(0))
        .unwrap();
    let id = outcomes[0].id();
    assert_eq!(
        outcomes[1..],
        [
            PutOutcome::Updated { id, version: 2 },
            PutOutcome::Unchanged { id }
        ]
    );
    assert_eq!(store.record(id).unwrap().unwrap().content, b);
}

#[test]
fn another_owner_cannot_change_a_record_and_the_rest_of_the_batch_still_applies() {
    let (_dir, store) = new_store();
    let id = store
        .put_records(&[document("ncb-rabat", "AB1")], at(0))
        .unwrap()[0]
        .id();

    let outcomes = store
        .put_records(
            &[document("ncb-madrid", "AB1"), document("ncb-madrid", "ZZ9")],
            at(1),
        )
        .unwrap();
    match &outcomes[0] {
        PutOutcome::Rejected {
            id: rejected,
            reason,
        } => {
            assert_eq!(*rejected, id);
            assert!(reason.contains("owned by ncb-rabat"), "{reason}");
            assert!(reason.contains("ncb-madrid tried"), "{reason}");
        }
        other => panic!("expected Rejected, got {other:?}"),
    }
    assert!(matches!(outcomes[1], PutOutcome::Created { .. }));
    assert_eq!(
        store.record(id).unwrap().unwrap().content.owner,
        agency("ncb-rabat")
    );

    let err = store
        .update_record(id, None, document("ncb-madrid", "AB1"), at(2))
        .unwrap_err();
    assert!(matches!(err, StoreError::NotOwner { .. }), "{err}");
    assert!(
        err.to_string().contains("only its owner may change it"),
        "{err}"
    );
    let err = store
        .cancel_record(id, &agency("ncb-madrid"), at(2))
        .unwrap_err();
    assert!(matches!(err, StoreError::NotOwner { .. }), "{err}");
    assert_eq!(store.record(id).unwrap().unwrap().version, 1);
}

#[test]
fn persons_of_different_owners_never_collide() {
    let (_dir, store) = new_store();
    let outcomes = store
        .put_records(
            &[
                person("ncb-rabat", "p-1", "Anna Eriksson"),
                person("ncb-madrid", "p-1", "Anna Eriksson"),
            ],
            at(0),
        )
        .unwrap();
    assert!(outcomes
        .iter()
        .all(|o| matches!(o, PutOutcome::Created { .. })));
    assert_ne!(outcomes[0].id(), outcomes[1].id());
}

#[test]
fn a_cancelled_record_stays_in_history_and_comes_back_when_put_again() {
    let (_dir, store) = new_store();
    let content = document("ncb-rabat", "AB1");
    let id = store
        .put_records(std::slice::from_ref(&content), at(0))
        .unwrap()[0]
        .id();

    let cancelled = store
        .cancel_record(id, &agency("ncb-rabat"), at(1))
        .unwrap();
    assert_eq!(
        (cancelled.version, cancelled.status),
        (2, RecordStatus::Cancelled)
    );
    assert_eq!(cancelled.content, content);
    // Cancelling again changes nothing.
    let again = store
        .cancel_record(id, &agency("ncb-rabat"), at(2))
        .unwrap();
    assert_eq!(again, cancelled);

    let mut active = Vec::new();
    store.for_each_active(&mut |r| active.push(r.id)).unwrap();
    assert!(active.is_empty(), "a cancelled record is not active");

    let outcome = store.put_records(&[content], at(3)).unwrap();
    assert_eq!(outcome, vec![PutOutcome::Updated { id, version: 3 }]);
    let statuses: Vec<_> = store
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

#[test]
fn update_checks_the_expected_version() {
    let (_dir, store) = new_store();
    let id = store
        .put_records(&[document("ncb-rabat", "AB1")], at(0))
        .unwrap()[0]
        .id();
    let changed = document_with("ncb-rabat", "AB1", DocumentStatus::Revoked);

    let updated = store
        .update_record(id, Some(1), changed.clone(), at(1))
        .unwrap();
    assert_eq!((updated.version, &updated.content), (2, &changed));

    let err = store
        .update_record(id, Some(1), document("ncb-rabat", "AB1"), at(2))
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::VersionConflict {
                expected: 1,
                found: 2,
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string().contains("expected version 1, found 2"),
        "{err}"
    );

    // The same content again is not a new version.
    let same = store.update_record(id, Some(2), changed, at(3)).unwrap();
    assert_eq!(same.version, 2);

    let err = store
        .update_record(Id::generate(), None, document("ncb-rabat", "AB1"), at(3))
        .unwrap_err();
    assert!(
        matches!(err, StoreError::NotFound { kind: "record", .. }),
        "{err}"
    );
}

#[test]
fn update_may_correct_the_key_but_not_take_another_records_key() {
    let (_dir, store) = new_store();
    let ids: Vec<Id> = store
        .put_records(
            &[document("ncb-rabat", "AB1"), document("ncb-rabat", "AB2")],
            at(0),
        )
        .unwrap()
        .iter()
        .map(PutOutcome::id)
        .collect();

    let err = store
        .update_record(ids[0], None, document("ncb-rabat", "AB2"), at(1))
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    assert!(err.to_string().contains(&ids[1].to_string()), "{err}");

    let corrected = document("ncb-rabat", "AB1X");
    store
        .update_record(ids[0], None, corrected.clone(), at(1))
        .unwrap();
    let found = store
        .record_by_natural_key(&corrected.natural_key())
        .unwrap()
        .unwrap();
    assert_eq!((found.id, found.version), (ids[0], 2));
    assert_eq!(
        store
            .record_by_natural_key(&document("ncb-rabat", "AB1").natural_key())
            .unwrap(),
        None
    );

    let err = store
        .update_record(
            ids[0],
            None,
            vehicle("ncb-rabat", "1M8GDM9AXKP042788"),
            at(2),
        )
        .unwrap_err();
    assert!(err.to_string().contains("cannot move"), "{err}");
}

#[test]
fn the_change_log_is_ordered_and_resumes_from_any_position() {
    let (_dir, store) = new_store();
    let a = store
        .put_records(
            &[document("ncb-rabat", "A1"), document("ncb-rabat", "A2")],
            at(0),
        )
        .unwrap();
    store
        .put_records(
            &[document_with("ncb-rabat", "A1", DocumentStatus::Lost)],
            at(1),
        )
        .unwrap();
    store
        .cancel_record(a[1].id(), &agency("ncb-rabat"), at(2))
        .unwrap();

    let all = store.changes_since(0, 100).unwrap();
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
    assert_eq!(store.head_seq().unwrap(), 4);

    // A follower reading two at a time sees the same log.
    let mut followed = Vec::new();
    let mut position = 0;
    loop {
        let page = store.changes_since(position, 2).unwrap();
        let Some(last) = page.last() else { break };
        position = last.seq;
        followed.extend(page);
    }
    assert_eq!(followed, all);
    assert_eq!(store.changes_since(2, 100).unwrap(), all[2..].to_vec());
    assert!(store.changes_since(4, 100).unwrap().is_empty());
}

#[test]
fn for_each_active_returns_the_position_to_follow_from() {
    let (_dir, store) = new_store();
    store
        .put_records(
            &[
                document("ncb-rabat", "A1"),
                vehicle("ncb-rome", "1M8GDM9AXKP042788"),
            ],
            at(0),
        )
        .unwrap();
    let mut seen = Vec::new();
    let position = store
        .for_each_active(&mut |r| seen.push(r.content.natural_key()))
        .unwrap();
    assert_eq!(position, 2);
    assert_eq!(seen.len(), 2);

    store
        .put_records(&[document("ncb-rabat", "A3")], at(1))
        .unwrap();
    let tail = store.changes_since(position, 10).unwrap();
    assert_eq!(tail.len(), 1);
    assert_eq!(tail[0].record.content, document("ncb-rabat", "A3"));
}

#[test]
fn stats_count_by_database_owner_and_status() {
    let (_dir, store) = new_store();
    let out = store
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
    store
        .cancel_record(out[1].id(), &agency("ncb-rabat"), at(1))
        .unwrap();

    let stats = store.stats().unwrap();
    assert_eq!(stats.count(Database::Documents, RecordStatus::Active), 2);
    assert_eq!(stats.count(Database::Documents, RecordStatus::Cancelled), 1);
    assert_eq!(stats.count(Database::Vehicles, RecordStatus::Active), 1);
    assert_eq!(stats.count(Database::Persons, RecordStatus::Active), 0);
    assert_eq!(stats.total_records(), 4);
    assert_eq!((stats.versions, stats.head_seq), (5, 5));
    let rabat_docs: Vec<_> = stats
        .records
        .iter()
        .filter(|c| c.owner == agency("ncb-rabat") && c.database == Database::Documents)
        .map(|c| (c.status, c.count))
        .collect();
    assert_eq!(
        rabat_docs,
        [(RecordStatus::Active, 1), (RecordStatus::Cancelled, 1)]
    );
}

#[test]
fn create_refuses_an_existing_store_and_open_explains_a_missing_one() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere");
    let err = SqliteStore::open(&missing).unwrap_err();
    assert!(matches!(err, StoreError::NoStore { .. }));
    assert!(
        err.to_string().contains("run `portwatch init --data"),
        "{err}"
    );

    let store = SqliteStore::create(dir.path()).unwrap();
    store
        .put_records(&[document("ncb-rabat", "A1")], at(0))
        .unwrap();
    drop(store);
    let err = SqliteStore::create(dir.path()).unwrap_err();
    assert!(matches!(err, StoreError::AlreadyExists { .. }), "{err}");

    let reopened = SqliteStore::open(dir.path()).unwrap();
    assert_eq!(reopened.stats().unwrap().total_records(), 1);
    reopened.integrity_check().unwrap();
}

#[test]
fn a_file_that_is_not_a_database_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(portwatch_store::sqlite::STORE_FILE);
    std::fs::write(
        &file,
        "these are not the pages you are looking for ".repeat(100),
    )
    .unwrap();
    let err = SqliteStore::open(dir.path()).unwrap_err();
    assert!(matches!(err, StoreError::NotAStore { .. }), "{err:?}");
    assert!(
        err.to_string().contains("is not a portwatch store"),
        "{err}"
    );
}

#[test]
fn an_empty_database_file_is_migrated_to_the_latest_schema_on_open() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::File::create(dir.path().join(portwatch_store::sqlite::STORE_FILE)).unwrap();
    let store = SqliteStore::open(dir.path()).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        portwatch_store::sqlite::LATEST_SCHEMA_VERSION
    );
    store
        .put_records(&[document("ncb-rabat", "A1")], at(0))
        .unwrap();
    assert_eq!(store.stats().unwrap().audit_entries, 0);
    store.integrity_check().unwrap();
}

#[test]
fn the_store_can_be_shared_between_threads() {
    let (_dir, store) = new_store();
    let store: std::sync::Arc<dyn Store> = std::sync::Arc::new(store);
    let workers: Vec<_> = (0..4)
        .map(|t| {
            let store = store.clone();
            std::thread::spawn(move || {
                for i in 0..25 {
                    let number = format!("T{t}N{i}");
                    store
                        .put_records(&[document("ncb-rabat", &number)], at(i))
                        .unwrap();
                    assert!(store.head_seq().unwrap() >= 1);
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let log = store.changes_since(0, 1000).unwrap();
    let seqs: Vec<u64> = log.iter().map(|c| c.seq).collect();
    assert_eq!(seqs, (1..=100).collect::<Vec<u64>>());
}

#[test]
fn a_large_mixed_batch_keeps_file_order_in_outcomes_and_in_the_change_log() {
    let (_dir, store) = new_store();
    // 150 existing records: a third will be re-put unchanged, a third changed, and a third
    // claimed by another owner.
    let existing: Vec<_> = (0..150)
        .map(|i| document("ncb-rabat", &format!("E{i}")))
        .collect();
    let existing_ids: Vec<Id> = store
        .put_records(&existing, at(0))
        .unwrap()
        .iter()
        .map(PutOutcome::id)
        .collect();
    let head_before = store.head_seq().unwrap();

    let mut batch = Vec::new();
    for (i, old) in existing.iter().enumerate() {
        batch.push(document("ncb-rabat", &format!("N{i}")));
        batch.push(match i % 3 {
            0 => old.clone(),
            1 => document_with("ncb-rabat", &format!("E{i}"), DocumentStatus::Revoked),
            _ => document("ncb-madrid", &format!("E{i}")),
        });
    }
    let outcomes = store.put_records(&batch, at(1)).unwrap();
    assert_eq!(outcomes.len(), 300);

    let mut written = Vec::new();
    for (i, pair) in outcomes.chunks(2).enumerate() {
        let PutOutcome::Created { id } = pair[0] else {
            panic!("row {}: expected Created, got {:?}", 2 * i, pair[0]);
        };
        let found = store
            .record_by_natural_key(&batch[2 * i].natural_key())
            .unwrap()
            .unwrap();
        assert_eq!((found.id, found.version), (id, 1));
        written.push(id);
        match (i % 3, &pair[1]) {
            (0, PutOutcome::Unchanged { id }) => assert_eq!(*id, existing_ids[i]),
            (1, PutOutcome::Updated { id, version: 2 }) => {
                assert_eq!(*id, existing_ids[i]);
                written.push(*id);
            }
            (2, PutOutcome::Rejected { id, .. }) => assert_eq!(*id, existing_ids[i]),
            (_, other) => panic!("row {}: unexpected {other:?}", 2 * i + 1),
        }
    }
    let log: Vec<Id> = store
        .changes_since(head_before, 1_000)
        .unwrap()
        .into_iter()
        .map(|c| c.record.id)
        .collect();
    assert_eq!(
        log, written,
        "the change log follows the order of the batch"
    );
    let unique: std::collections::HashSet<_> = written.iter().collect();
    assert_eq!(unique.len(), written.len());
    store.integrity_check().unwrap();
}
