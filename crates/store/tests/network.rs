//! Agencies, operations, hits and investigations through the `Store` trait.

mod common;

use common::*;
use portwatch_model::*;
use portwatch_store::{FollowUp, HitFilter, Store, StoreError};
use time::macros::date;

#[test]
fn agencies_are_created_replaced_and_listed_by_id() {
    let (_dir, store) = new_store();
    store.put_agency(&ncb("ncb-rabat", "MAR")).unwrap();
    store.put_agency(&ncb("ncb-madrid", "ESP")).unwrap();
    let mut renamed = ncb("ncb-rabat", "MAR");
    renamed.name = "NCB Rabat".into();
    store.put_agency(&renamed).unwrap();

    assert_eq!(store.agency(&agency("ncb-rabat")).unwrap(), Some(renamed));
    assert_eq!(store.agency(&agency("ncb-paris")).unwrap(), None);
    let ids: Vec<_> = store
        .agencies()
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(ids, [agency("ncb-madrid"), agency("ncb-rabat")]);
}

#[test]
fn operations_are_found_by_id_and_code_and_codes_stay_unique() {
    let (_dir, store) = new_store();
    let neptune = operation("NEPTUNE-II", date!(2019 - 07 - 24));
    let earlier = operation("NEPTUNE-I", date!(2018 - 06 - 01));
    store.put_operation(&neptune).unwrap();
    store.put_operation(&earlier).unwrap();

    assert_eq!(store.operation(neptune.id).unwrap(), Some(neptune.clone()));
    assert_eq!(
        store.operation_by_code("NEPTUNE-II").unwrap(),
        Some(neptune.clone())
    );
    assert_eq!(store.operation_by_code("NOPE").unwrap(), None);
    let codes: Vec<_> = store
        .operations()
        .unwrap()
        .into_iter()
        .map(|o| o.code)
        .collect();
    assert_eq!(codes, ["NEPTUNE-I", "NEPTUNE-II"], "ordered by start date");

    let clash = operation("NEPTUNE-II", date!(2020 - 01 - 01));
    let err = store.put_operation(&clash).unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    assert!(err.to_string().contains("already belongs"), "{err}");
}

#[test]
fn hits_are_stored_filtered_paged_and_followed_up() {
    let (_dir, store) = new_store();
    let op = operation("NEPTUNE-II", date!(2019 - 07 - 24));
    store.put_operation(&op).unwrap();
    let records = store
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
    store.insert_hits(&hits).unwrap();

    assert_eq!(store.hit(hits[1].id).unwrap(), Some(hits[1].clone()));
    let ids = |filter: HitFilter| -> Vec<Id> {
        store
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
    // Paging: two, then the rest after the last id.
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

    let confirmed = store
        .update_hit_follow_up(
            hits[0].id,
            &FollowUp {
                state: Some(FollowUpState::Confirmed),
                instructions: Some("seize and call NCB Rabat".into()),
                action_taken: None,
            },
        )
        .unwrap();
    let reported = store
        .update_hit_follow_up(
            hits[0].id,
            &FollowUp {
                action_taken: Some(ActionTaken::DocumentSeized),
                ..FollowUp::default()
            },
        )
        .unwrap();
    assert_eq!(reported.state, FollowUpState::Confirmed, "kept");
    assert_eq!(reported.instructions, confirmed.instructions, "kept");
    assert_eq!(reported.action_taken, Some(ActionTaken::DocumentSeized));
    assert_eq!(store.hit(hits[0].id).unwrap(), Some(reported));
    assert_eq!(
        ids(HitFilter {
            state: Some(FollowUpState::Pending),
            ..HitFilter::default()
        }),
        [hits[1].id, hits[2].id]
    );
    let err = store
        .update_hit_follow_up(Id::generate(), &FollowUp::default())
        .unwrap_err();
    assert!(
        matches!(err, StoreError::NotFound { kind: "hit", .. }),
        "{err}"
    );
}

#[test]
fn a_hit_on_an_unknown_record_is_refused_and_nothing_of_its_batch_is_kept() {
    let (_dir, store) = new_store();
    let record = store
        .put_records(&[document("ncb-rabat", "A1")], at(0))
        .unwrap()[0]
        .id();
    let good = hit(record, "ncb-rabat", "bp-tanger-med", None);
    let orphan = hit(Id::generate(), "ncb-rabat", "bp-tanger-med", None);
    let err = store.insert_hits(&[good.clone(), orphan]).unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    assert!(err.to_string().contains("not in the store"), "{err}");
    assert_eq!(
        store.hit(good.id).unwrap(),
        None,
        "the batch was rolled back"
    );

    store.insert_hits(std::slice::from_ref(&good)).unwrap();
    let err = store.insert_hits(&[good]).unwrap_err();
    assert!(err.to_string().contains("already stored"), "{err}");
}

#[test]
fn investigations_are_listed_by_operation() {
    let (_dir, store) = new_store();
    let op = operation("NEPTUNE-II", date!(2019 - 07 - 24));
    store.put_operation(&op).unwrap();
    let lead = |operation: Option<Id>, title: &str| Investigation {
        id: Id::generate(),
        operation,
        category: Category::DocumentFraud,
        status: LeadStatus::Open,
        lead_agency: agency("ncb-rabat"),
        title: title.into(),
        hits: vec![],
        records: vec![],
        notes: vec![],
        outcomes: vec![],
    };
    let mut in_op = lead(Some(op.id), "forged passports ring");
    let outside = lead(None, "stolen blanks");
    store.put_investigation(&in_op).unwrap();
    store.put_investigation(&outside).unwrap();
    in_op.status = LeadStatus::Closed;
    in_op.outcomes.push(Outcome::Arrest { count: 2 });
    store.put_investigation(&in_op).unwrap();

    assert_eq!(store.investigation(in_op.id).unwrap(), Some(in_op.clone()));
    assert_eq!(
        store.investigations(Some(op.id)).unwrap(),
        vec![in_op.clone()]
    );
    assert_eq!(store.investigations(None).unwrap(), vec![in_op, outside]);

    let err = store
        .put_investigation(&lead(Some(Id::generate()), "lost"))
        .unwrap_err();
    assert!(err.to_string().contains("not in the store"), "{err}");
}

#[test]
fn stats_count_the_other_tables() {
    let (_dir, store) = new_store();
    store.put_agency(&ncb("ncb-rabat", "MAR")).unwrap();
    store
        .put_operation(&operation("NEPTUNE-II", date!(2019 - 07 - 24)))
        .unwrap();
    let stats = store.stats().unwrap();
    assert_eq!((stats.agencies, stats.operations, stats.hits), (1, 1, 0));
    assert_eq!(
        stats.schema_version,
        portwatch_store::sqlite::LATEST_SCHEMA_VERSION
    );
}
