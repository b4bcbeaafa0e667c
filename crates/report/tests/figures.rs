//! The figures of a synthetic operation: every total reconciles with its breakdowns, and only
//! the operation's own facts count.

mod common;

use common::*;
use portwatch_model::{AuditAction, Category, NoticeKind};
use portwatch_report::{FiguresBuilder, OTHER_SITE};
use time::macros::{date, datetime};

#[test]
fn searches_reconcile_across_databases_sites_and_days() {
    let f = synthetic_figures();
    assert_eq!(f.searches, SEARCHES);
    assert_eq!(f.searches_by_database.total(), f.searches);
    assert_eq!(
        f.by_site.iter().map(|s| s.searches).sum::<u64>(),
        f.searches
    );
    assert_eq!(f.by_day.iter().map(|d| d.searches).sum::<u64>(), f.searches);
    let hourly: u64 = f
        .by_site_hour
        .iter()
        .flat_map(|s| &s.hours)
        .map(|h| h.searches)
        .sum();
    assert_eq!(hourly, f.searches);

    let db = f.searches_by_database;
    assert_eq!(
        (db.persons, db.documents, db.vehicles, db.manifests),
        (8, 7, 2, 1)
    );
}

#[test]
fn hits_reconcile_across_databases_sites_days_and_states() {
    let f = synthetic_figures();
    assert_eq!(f.hits, 6);
    assert_eq!(f.hits_by_database.total(), f.hits);
    assert_eq!(f.by_site.iter().map(|s| s.hits).sum::<u64>(), f.hits);
    assert_eq!(f.by_day.iter().map(|d| d.hits).sum::<u64>(), f.hits);
    assert_eq!(f.confirmed_hits + f.rejected_hits + f.pending_hits, f.hits);
    assert_eq!(
        (f.confirmed_hits, f.rejected_hits, f.pending_hits),
        (3, 1, 2)
    );
    assert_eq!(
        f.by_site.iter().map(|s| s.confirmed_hits).sum::<u64>(),
        f.confirmed_hits
    );
    let h = f.hits_by_database;
    assert_eq!((h.documents, h.persons, h.vehicles), (2, 3, 1));
}

#[test]
fn each_operation_site_has_its_figures_and_strays_go_to_other() {
    let f = synthetic_figures();
    let row: Vec<(&str, u64, u64, u64)> = f
        .by_site
        .iter()
        .map(|s| (s.locode.as_str(), s.searches, s.hits, s.confirmed_hits))
        .collect();
    assert_eq!(
        row,
        [
            ("MAPTM", 9, 2, 2),
            ("ESALG", 5, 2, 0),
            ("FRMRS", 2, 1, 0),
            (OTHER_SITE, 2, 1, 1),
        ]
    );
    let tanger = &f.by_site[0];
    assert_eq!(tanger.name, "Tanger Med");
    assert_eq!(
        tanger.country.map(|c| c.to_string()).as_deref(),
        Some("MAR")
    );
    assert_eq!(
        tanger.agency.as_ref().map(|a| a.as_str()),
        Some("bp-tanger-med")
    );
    assert!(f.by_site[3].country.is_none() && f.by_site[3].agency.is_none());
}

#[test]
fn no_other_bucket_when_every_search_is_at_an_operation_site() {
    let op = operation();
    let mut b = FiguresBuilder::new(&op);
    b.add_audit(&audit(
        1,
        Some(OP_ID),
        AuditAction::ScreenDocument,
        Some("MAPTM"),
        as_of(),
    ));
    let f = b.finish(as_of());
    assert_eq!(f.by_site.len(), 3);
    assert!(f.by_site.iter().all(|s| s.locode != OTHER_SITE));
    assert_eq!(f.by_site_hour.len(), 3);
}

#[test]
fn other_operations_and_non_searches_are_ignored() {
    let op = operation();
    let mut b = FiguresBuilder::new(&op);
    for action in [
        AuditAction::RecordRead,
        AuditAction::Login,
        AuditAction::Import,
    ] {
        b.add_audit(&audit(1, Some(OP_ID), action, Some("MAPTM"), as_of()));
    }
    b.add_audit(&audit(
        2,
        Some(OTHER_OP_ID),
        AuditAction::ScreenTraveller,
        Some("MAPTM"),
        as_of(),
    ));
    b.add_audit(&audit(
        3,
        None,
        AuditAction::ScreenTraveller,
        Some("MAPTM"),
        as_of(),
    ));
    for (h, facts) in synthetic_hits()
        .into_iter()
        .filter(|(h, _)| h.operation != Some(id(OP_ID)))
    {
        b.add_hit(&h, &facts);
    }
    for l in synthetic_leads()
        .into_iter()
        .filter(|l| l.operation != Some(id(OP_ID)))
    {
        b.add_investigation(&l);
    }
    let f = b.finish(as_of());
    assert_eq!((f.searches, f.hits, f.leads), (0, 0, 0));
    assert_eq!(f.outcomes.arrests, 0);
    assert!(f.by_day.iter().all(|d| d.searches == 0 && d.hits == 0));
}

#[test]
fn overdue_follow_ups_are_judged_at_as_of() {
    let op = operation();
    let hits = synthetic_hits();
    let at = |moment| {
        let mut b = FiguresBuilder::new(&op);
        for (h, facts) in &hits {
            b.add_hit(h, facts);
        }
        b.finish(moment).overdue_follow_ups
    };
    // Pending hits fall due at midnight on 25 July and on 30 July.
    assert_eq!(at(datetime!(2019-07-24 12:00 UTC)), 0);
    assert_eq!(
        at(datetime!(2019-07-25 00:00 UTC)),
        0,
        "due, not yet overdue"
    );
    assert_eq!(at(datetime!(2019-07-25 00:00:01 UTC)), 1);
    assert_eq!(at(as_of()), 1);
    assert_eq!(at(datetime!(2019-08-01 00:00 UTC)), 2);
    // The same moment in another offset gives the same answer.
    assert_eq!(at(datetime!(2019-07-25 02:00:01 +02:00)), 1);
}

#[test]
fn every_day_of_the_period_is_listed_zero_days_included() {
    let f = synthetic_figures();
    let days: Vec<_> = f
        .by_day
        .iter()
        .map(|d| (d.date, d.in_period, d.searches, d.hits))
        .collect();
    assert_eq!(
        days,
        [
            (date!(2019 - 07 - 23), false, 1, 0),
            (date!(2019 - 07 - 24), true, 6, 2),
            (date!(2019 - 07 - 25), true, 5, 2),
            (date!(2019 - 07 - 26), true, 0, 0),
            (date!(2019 - 07 - 27), true, 4, 2),
            (date!(2019 - 07 - 28), true, 2, 0),
        ]
    );
    let empty = FiguresBuilder::new(&operation()).finish(as_of());
    assert_eq!(empty.by_day.len(), 5);
    assert_eq!(empty.operation.period.days, 5);
    assert!(empty.by_day.iter().all(|d| d.in_period && d.searches == 0));
}

#[test]
fn searches_are_counted_per_site_and_hour() {
    let f = synthetic_figures();
    let tanger = f
        .by_site_hour
        .iter()
        .find(|s| s.site == "MAPTM")
        .expect("MAPTM");
    let hours: Vec<(String, u64)> = tanger
        .hours
        .iter()
        .map(|h| (h.hour.to_string(), h.searches))
        .collect();
    assert_eq!(
        hours,
        [
            ("2019-07-23 18:00:00.0 +00:00:00".to_string(), 1),
            ("2019-07-24 8:00:00.0 +00:00:00".to_string(), 5),
            ("2019-07-24 10:00:00.0 +00:00:00".to_string(), 1),
            ("2019-07-28 14:00:00.0 +00:00:00".to_string(), 2),
        ]
    );
    let order: Vec<&str> = f.by_site_hour.iter().map(|s| s.site.as_str()).collect();
    assert_eq!(order, ["MAPTM", "ESALG", "FRMRS", OTHER_SITE]);
}

#[test]
fn foreign_terrorist_fighters_are_distinct_persons() {
    let f = synthetic_figures();
    // Person 1 hit twice and confirmed, person 2 hit once and pending.
    assert_eq!(f.foreign_terrorist_fighters.detected, 2);
    assert_eq!(f.foreign_terrorist_fighters.confirmed, 1);
    // A hit's repeated notice counts once.
    assert_eq!(f.hits_by_notice.get(&NoticeKind::Red), Some(&3));
    assert_eq!(f.hits_by_notice.get(&NoticeKind::Blue), Some(&3));
    assert_eq!(f.hits_by_notice.get(&NoticeKind::Yellow), None);
}

#[test]
fn leads_and_outcomes_are_summed_with_bad_quantities_set_aside() {
    let f = synthetic_figures();
    assert_eq!(f.leads, 3);
    let l = f.leads_by_status;
    assert_eq!((l.open, l.active, l.closed), (1, 1, 1));
    let by_cat: Vec<(Category, u64)> = f.leads_by_category.iter().map(|(&c, &n)| (c, n)).collect();
    assert_eq!(
        by_cat,
        [
            (Category::Terrorism, 1),
            (Category::HumanTrafficking, 1),
            (Category::Firearms, 0),
            (Category::Narcotics, 1),
        ],
        "focus categories listed even at zero"
    );
    let o = &f.outcomes;
    assert_eq!((o.arrests, o.documents_seized), (2, 3));
    assert_eq!(o.drugs_kg, 40.5);
    assert_eq!(o.money.get("EUR"), Some(&10_000.0));
    assert_eq!(o.invalid_values, 1);
}

#[test]
fn the_operation_is_summarised() {
    let f = synthetic_figures();
    let op = &f.operation;
    assert_eq!(
        (op.code.as_str(), op.name.as_str()),
        ("NEPTUNE-II", "Neptune II")
    );
    assert_eq!(op.period.starts_on, date!(2019 - 07 - 24));
    assert_eq!(op.period.days, 5);
    assert_eq!(op.countries.len(), 3);
    assert_eq!(op.sites.len(), 3);
    assert_eq!(op.partners[0].as_str(), "frontex");
    assert_eq!(f.as_of, as_of());
}
