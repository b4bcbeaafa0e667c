//! The audit chain: appends chain entries, concurrent appenders keep one chain, and any change,
//! removal, reordering or truncation made behind the store's back is found and located.

mod common;

use std::sync::Arc;

use common::*;
use portwatch_model::*;
use portwatch_store::audit::{entry_hash, GENESIS_HASH};
use portwatch_store::sqlite::AUDIT_FILE;
use portwatch_store::{SqliteStore, Store};
use rusqlite::Connection;

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

/// A store with `n` audit entries, and a raw connection to its file for tampering.
fn chain_of(n: i64) -> (tempfile::TempDir, SqliteStore, Connection) {
    let (dir, store) = new_store();
    let events: Vec<_> = (1..=n).map(|i| event(&format!("officer-{i}"), i)).collect();
    store.append_audit(&events).unwrap();
    let raw = Connection::open(dir.path().join(AUDIT_FILE)).unwrap();
    (dir, store, raw)
}

#[test]
fn entries_are_chained_from_the_genesis_hash() {
    let (_dir, store) = new_store();
    let first = store.append_audit(&[event("a", 0), event("b", 1)]).unwrap();
    let second = store.append_audit(&[event("c", 2)]).unwrap();
    let all: Vec<_> = first.into_iter().chain(second).collect();

    assert_eq!(all.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(all[0].prev_hash, GENESIS_HASH);
    for pair in all.windows(2) {
        assert_eq!(pair[1].prev_hash, pair[0].hash);
    }
    let json = serde_json::to_string(&all[2].event).unwrap();
    assert_eq!(all[2].hash, entry_hash(&all[1].hash, 3, &json));

    assert_eq!(store.audit_entries(0, 10).unwrap(), all);
    assert_eq!(store.audit_entries(1, 1).unwrap(), all[1..2].to_vec());
    let report = store.verify_audit().unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.checked, 3);
    assert_eq!(report.last_good_hash, all[2].hash);
}

#[test]
fn an_empty_chain_verifies() {
    let (_dir, store) = new_store();
    let report = store.verify_audit().unwrap();
    assert!(report.is_intact());
    assert_eq!(
        (report.checked, report.last_good_hash.as_str()),
        (0, GENESIS_HASH)
    );
}

#[test]
fn a_changed_entry_is_named() {
    let (_dir, store, raw) = chain_of(5);
    raw.execute(
        "UPDATE audit SET event = replace(event, 'officer-3', 'officer-9') WHERE seq = 3",
        [],
    )
    .unwrap();
    let broken = store.verify_audit().unwrap().broken.unwrap();
    assert_eq!(broken.seq, 3);
    assert!(broken.reason.contains("changed"), "{}", broken.reason);
}

#[test]
fn a_changed_entry_with_a_recomputed_hash_breaks_the_next_link() {
    let (_dir, store, raw) = chain_of(5);
    let (prev, event): (String, String) = raw
        .query_row(
            "SELECT prev_hash, event FROM audit WHERE seq = 2",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let forged = event.replace("officer-2", "officer-7");
    raw.execute(
        "UPDATE audit SET event = ?1, hash = ?2 WHERE seq = 2",
        [&forged, &entry_hash(&prev, 2, &forged)],
    )
    .unwrap();
    let broken = store.verify_audit().unwrap().broken.unwrap();
    assert_eq!(broken.seq, 3);
}

#[test]
fn a_removed_entry_is_named() {
    let (_dir, store, raw) = chain_of(5);
    raw.execute("DELETE FROM audit WHERE seq = 2", []).unwrap();
    let report = store.verify_audit().unwrap();
    let broken = report.broken.unwrap();
    assert_eq!(broken.seq, 2);
    assert!(broken.reason.contains("missing"), "{}", broken.reason);
    assert_eq!(report.checked, 2, "stops at the first break");
}

#[test]
fn swapped_entries_are_found_at_the_first_of_them() {
    let (_dir, store, raw) = chain_of(5);
    raw.execute_batch(
        "UPDATE audit SET seq = -1 WHERE seq = 2;
         UPDATE audit SET seq = 2 WHERE seq = 4;
         UPDATE audit SET seq = 4 WHERE seq = -1;",
    )
    .unwrap();
    let broken = store.verify_audit().unwrap().broken.unwrap();
    assert_eq!(broken.seq, 2);
}

#[test]
fn a_cut_off_tail_is_found_and_later_appends_do_not_hide_it() {
    let (_dir, store, raw) = chain_of(5);
    raw.execute("DELETE FROM audit WHERE seq = 5", []).unwrap();
    let broken = store.verify_audit().unwrap().broken.unwrap();
    assert_eq!(broken.seq, 5);
    assert!(broken.reason.contains("recorded head"), "{}", broken.reason);

    let appended = store.append_audit(&[event("late", 9)]).unwrap();
    assert_eq!(
        appended[0].seq, 6,
        "the chain continues from its recorded head"
    );
    let broken = store.verify_audit().unwrap().broken.unwrap();
    assert_eq!(broken.seq, 5);
}

#[test]
fn concurrent_appenders_make_one_valid_chain() {
    let (_dir, store) = new_store();
    let store: Arc<dyn Store> = Arc::new(store);
    let writers: Vec<_> = (0..4)
        .map(|t| {
            let store = store.clone();
            std::thread::spawn(move || {
                for i in 0..20 {
                    store
                        .append_audit(&[event(&format!("t{t}"), i), event(&format!("t{t}"), i)])
                        .unwrap();
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let report = store.verify_audit().unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.checked, 160);
}

#[test]
fn two_stores_on_one_file_append_to_one_chain() {
    let (dir, first) = new_store();
    let second = SqliteStore::open(dir.path()).unwrap();
    for i in 0..10 {
        first.append_audit(&[event("first", i)]).unwrap();
        second.append_audit(&[event("second", i)]).unwrap();
    }
    let report = first.verify_audit().unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.checked, 20);
}
