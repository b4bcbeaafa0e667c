//! A synthetic operation and its facts, shared by the integration tests.
#![allow(dead_code)]

use portwatch_model::{
    Action, AgencyId, AuditAction, AuditEntry, AuditEvent, Category, Database, FollowUpState, Hit,
    Investigation, LeadStatus, MatchKind, NoticeKind, Operation, Outcome,
};
use portwatch_report::{Figures, FiguresBuilder, HitFacts};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

pub const OP_ID: &str = "0190b2a4-7c00-7000-8000-000000000001";
pub const OTHER_OP_ID: &str = "0190b2a4-7c00-7000-8000-0000000000ff";

/// Three seaports in three countries, 24 to 28 July 2019 (five days).
pub fn operation_named(name: &str, first_site: &str) -> Operation {
    serde_json::from_value(serde_json::json!({
        "id": OP_ID,
        "code": "NEPTUNE-II",
        "name": name,
        "starts_on": "2019-07-24",
        "ends_on": "2019-07-28",
        "countries": ["MAR", "ESP", "FRA"],
        "sites": [
            {"locode": "MAPTM", "name": first_site, "country": "MAR", "agency": "bp-tanger-med"},
            {"locode": "ESALG", "name": "Algeciras", "country": "ESP", "agency": "bp-algeciras"},
            {"locode": "FRMRS", "name": "Marseille", "country": "FRA", "agency": "bp-marseille"}
        ],
        "partners": [{"agency": "frontex", "access": "statistics"}],
        "focus": ["terrorism", "firearms", "narcotics"],
        "coordinator": "gs-lyon"
    }))
    .expect("the test operation is valid")
}

pub fn operation() -> Operation {
    operation_named("Neptune II", "Tanger Med")
}

pub fn id(s: &str) -> portwatch_model::Id {
    s.parse().expect("a UUID")
}

pub fn fresh_id(n: u32) -> portwatch_model::Id {
    id(&format!("0190b2a4-7c00-7000-8000-{n:012x}"))
}

pub fn audit(
    seq: u64,
    op: Option<&str>,
    action: AuditAction,
    site: Option<&str>,
    at: OffsetDateTime,
) -> AuditEntry {
    AuditEntry {
        seq,
        event: AuditEvent {
            at,
            agency: AgencyId::parse("bp-tanger-med").expect("agency"),
            actor: "officer-1".into(),
            site: site.map(str::to_string),
            operation: op.map(id),
            action,
            search_id: Some(fresh_id(seq as u32 + 10_000)),
            query_fingerprint: None,
            revealed: vec![],
            hits: 0,
        },
        prev_hash: "0".repeat(64),
        hash: "0".repeat(64),
    }
}

pub struct HitSpec {
    pub n: u32,
    pub op: Option<&'static str>,
    pub db: Database,
    pub site: Option<&'static str>,
    pub at: OffsetDateTime,
    pub state: FollowUpState,
    pub deadline: OffsetDateTime,
    pub record: u32,
}

pub fn hit(s: &HitSpec) -> Hit {
    Hit {
        id: fresh_id(s.n),
        search_id: fresh_id(s.n + 20_000),
        database: s.db,
        record_id: fresh_id(s.record + 30_000),
        record_version: 1,
        owner: AgencyId::parse("ncb-rabat").expect("agency"),
        agency: AgencyId::parse("bp-tanger-med").expect("agency"),
        operation: s.op.map(id),
        site: s.site.map(str::to_string),
        match_kind: MatchKind::Exact,
        score: 1.0,
        action: Action::SeizeDocument,
        at: s.at,
        state: s.state,
        deadline: s.deadline,
        instructions: None,
        action_taken: None,
    }
}

pub fn lead(
    n: u32,
    op: Option<&str>,
    category: Category,
    status: LeadStatus,
    outcomes: Vec<Outcome>,
) -> Investigation {
    Investigation {
        id: fresh_id(n + 40_000),
        operation: op.map(id),
        category,
        status,
        lead_agency: AgencyId::parse("ncb-rabat").expect("agency"),
        title: format!("lead {n}"),
        hits: vec![],
        records: vec![],
        notes: vec![],
        outcomes,
    }
}

/// The moment the figures are taken: the day after the operation ended.
pub fn as_of() -> OffsetDateTime {
    datetime!(2019-07-29 12:00 UTC)
}

/// Searches on 24, 25, 27 and 28 July (none on the 26th) and one on the 23rd, before the period, at all three sites, at an unknown
/// site and at none; audit entries of another operation and non-search entries; hits in every
/// state, one of another operation; leads with outcomes, one of another operation.
pub fn synthetic_figures() -> Figures {
    synthetic_figures_of(&operation())
}

pub fn synthetic_figures_of(op: &Operation) -> Figures {
    let mut b = FiguresBuilder::new(op);
    for entry in synthetic_audit() {
        b.add_audit(&entry);
    }
    for (h, facts) in synthetic_hits() {
        b.add_hit(&h, &facts);
    }
    for l in synthetic_leads() {
        b.add_investigation(&l);
    }
    b.finish(as_of())
}

pub fn synthetic_audit() -> Vec<AuditEntry> {
    use AuditAction::*;
    let op = Some(OP_ID);
    let d24 = datetime!(2019-07-24 08:15 UTC);
    let d25 = datetime!(2019-07-25 23:59 UTC);
    let d27 = datetime!(2019-07-27 00:00 UTC);
    let d28 = datetime!(2019-07-28 14:30 UTC);
    let mut seq = 0;
    let mut next = |op: Option<&str>, action, site, at| {
        seq += 1;
        audit(seq, op, action, site, at)
    };
    let mut out = Vec::new();
    // 24 July at Tanger Med: 3 travellers, 2 documents, 1 vehicle in the same hour.
    for _ in 0..3 {
        out.push(next(op, ScreenTraveller, Some("MAPTM"), d24));
    }
    for _ in 0..2 {
        out.push(next(
            op,
            ScreenDocument,
            Some("MAPTM"),
            d24 + Duration::minutes(20),
        ));
    }
    out.push(next(
        op,
        ScreenVehicle,
        Some("MAPTM"),
        d24 + Duration::hours(2),
    ));
    // 25 July at Algeciras, written in lower case by its border post: 4 documents, 1 manifest.
    for _ in 0..4 {
        out.push(next(op, ScreenDocument, Some("esalg"), d25));
    }
    out.push(next(op, ScreenManifest, Some("ESALG"), d25));
    // 27 July at Marseille (2), at a port outside the operation (1) and at no site (1);
    // the second Marseille time is given in Paris summer time and counts on 27 July UTC.
    out.push(next(op, ScreenTraveller, Some("FRMRS"), d27));
    out.push(next(
        op,
        ScreenTraveller,
        Some("FRMRS"),
        datetime!(2019-07-28 01:30 +02:00),
    ));
    out.push(next(op, ScreenVehicle, Some("ITGOA"), d27));
    out.push(next(op, ScreenDocument, None, d27));
    // 28 July at Tanger Med: 2 travellers.
    for _ in 0..2 {
        out.push(next(op, ScreenTraveller, Some("MAPTM"), d28));
    }
    // A trial run the day before the operation started: counted, on a day outside the period.
    out.push(next(
        op,
        ScreenTraveller,
        Some("MAPTM"),
        datetime!(2019-07-23 18:00 UTC),
    ));
    // Ignored: not searches, or another operation's, or no operation's.
    out.push(next(op, RecordRead, Some("MAPTM"), d28));
    out.push(next(op, HitFollowUp, Some("MAPTM"), d28));
    out.push(next(op, Login, None, d28));
    out.push(next(Some(OTHER_OP_ID), ScreenTraveller, Some("MAPTM"), d28));
    out.push(next(None, ScreenDocument, Some("MAPTM"), d28));
    out
}

/// Searches of the operation in `synthetic_audit`.
pub const SEARCHES: u64 = 18;

pub fn synthetic_hits() -> Vec<(Hit, HitFacts)> {
    use FollowUpState::*;
    let op = Some(OP_ID);
    let t = |h: i64| datetime!(2019-07-24 09:00 UTC) + Duration::hours(h);
    let ftf = HitFacts {
        foreign_terrorist_fighter: true,
        notices: vec![NoticeKind::Red, NoticeKind::Blue, NoticeKind::Red],
    };
    let plain = HitFacts::default();
    let spec = |n, db, site, at, state, deadline, record| HitSpec {
        n,
        op,
        db,
        site,
        at,
        state,
        deadline,
        record,
    };
    let early = datetime!(2019-07-25 00:00 UTC);
    let late = datetime!(2019-07-30 00:00 UTC);
    vec![
        // The same FTF hit twice at Tanger Med (confirmed both times): one person.
        (
            hit(&spec(
                1,
                Database::Persons,
                Some("MAPTM"),
                t(0),
                Confirmed,
                early,
                1,
            )),
            ftf.clone(),
        ),
        (
            hit(&spec(
                2,
                Database::Persons,
                Some("MAPTM"),
                t(1),
                Confirmed,
                early,
                1,
            )),
            ftf.clone(),
        ),
        // Another FTF, still pending and overdue at as_of.
        (
            hit(&spec(
                3,
                Database::Persons,
                Some("ESALG"),
                t(30),
                Pending,
                early,
                2,
            )),
            ftf,
        ),
        (
            hit(&spec(
                4,
                Database::Documents,
                Some("ESALG"),
                t(30),
                Rejected,
                early,
                3,
            )),
            plain.clone(),
        ),
        // Pending but not yet due at as_of.
        (
            hit(&spec(
                5,
                Database::Documents,
                Some("FRMRS"),
                t(72),
                Pending,
                late,
                4,
            )),
            plain.clone(),
        ),
        // At a site outside the operation: the other bucket.
        (
            hit(&spec(
                6,
                Database::Vehicles,
                Some("ITGOA"),
                t(72),
                Confirmed,
                early,
                5,
            )),
            plain.clone(),
        ),
        // Another operation's hit: ignored.
        (
            hit(&HitSpec {
                op: Some(OTHER_OP_ID),
                ..spec(
                    7,
                    Database::Vehicles,
                    Some("MAPTM"),
                    t(0),
                    Confirmed,
                    early,
                    6,
                )
            }),
            plain.clone(),
        ),
        // No operation: ignored.
        (
            hit(&HitSpec {
                op: None,
                ..spec(8, Database::Persons, Some("MAPTM"), t(0), Pending, early, 7)
            }),
            plain,
        ),
    ]
}

pub fn synthetic_leads() -> Vec<Investigation> {
    let op = Some(OP_ID);
    vec![
        lead(
            1,
            op,
            Category::Terrorism,
            LeadStatus::Active,
            vec![Outcome::Arrest { count: 2 }],
        ),
        lead(
            2,
            op,
            Category::Narcotics,
            LeadStatus::Closed,
            vec![
                Outcome::DrugsSeized { kilograms: 40.5 },
                Outcome::MoneySeized {
                    amount: 10_000.0,
                    currency: "eur ".into(),
                },
                Outcome::MoneySeized {
                    amount: f64::NAN,
                    currency: "EUR".into(),
                },
            ],
        ),
        lead(
            3,
            op,
            Category::HumanTrafficking,
            LeadStatus::Open,
            vec![Outcome::DocumentsSeized { count: 3 }],
        ),
        lead(
            4,
            Some(OTHER_OP_ID),
            Category::Terrorism,
            LeadStatus::Open,
            vec![Outcome::Arrest { count: 9 }],
        ),
    ]
}
