//! The traffic of an operation: exact counts, time order, coverage of ports and days, planted
//! subjects, valid passports, bursts, determinism.

use std::collections::{BTreeSet, HashMap};

use portwatch_model::{
    Category, Database, DocumentStatus, NoticeKind, PersonFlag, RecordBody, Visibility,
};
use portwatch_sim::traffic::{
    Crossing, Decision, HitFacts, PlantedKind, Traffic, TrafficConfig, NEPTUNE_PORTS,
};
use portwatch_sim::{Subject, Variation, World, WorldConfig};
use time::Duration;

fn world() -> World {
    World::new(WorldConfig {
        seed: 11,
        persons: 20_000,
        documents: 50_000,
        vehicles: 10_000,
    })
}

fn crossings(traffic: &Traffic<'_>) -> Vec<Crossing> {
    traffic.crossings().collect()
}

#[test]
fn the_crossings_total_exactly_the_searches_asked_for_in_time_order_within_the_operation() {
    let world = world();
    for searches in [0, 1, 7, 50, 333, 10_000, 25_001] {
        let config = TrafficConfig::neptune_ii(5, searches);
        let traffic = Traffic::new(&world, config);
        let all = crossings(&traffic);
        assert_eq!(all.len() as u64, searches, "{searches}");
        assert_eq!(
            traffic
                .sailings()
                .iter()
                .map(|s| u64::from(s.crossings()))
                .sum::<u64>(),
            searches
        );
        let (start, end) = config.window();
        for pair in all.windows(2) {
            assert!(pair[0].at <= pair[1].at, "{searches}: out of order");
        }
        for c in &all {
            assert!(start <= c.at && c.at < end, "{searches}: {} outside", c.at);
        }
        for pair in traffic.sailings().windows(2) {
            assert!(pair[0].arrives <= pair[1].arrives);
        }
        assert!(traffic.sailings().iter().all(|s| s.crossings() > 0));
    }
}

#[test]
fn at_ten_thousand_searches_every_port_and_most_days_see_traffic() {
    let world = world();
    let config = TrafficConfig::neptune_ii(5, 10_000);
    let traffic = Traffic::new(&world, config);
    let all = crossings(&traffic);
    let ports: BTreeSet<usize> = all.iter().map(|c| c.port).collect();
    assert_eq!(ports.len(), NEPTUNE_PORTS.len());
    let days: BTreeSet<_> = all.iter().map(|c| c.at.date()).collect();
    assert!(
        days.len() as f64 >= 0.8 * f64::from(config.days),
        "{} days",
        days.len()
    );
    // Tanger Med and Algeciras are the busiest ports.
    let mut per_port = [0u64; 7];
    for c in &all {
        per_port[c.port] += 1;
    }
    let busiest = per_port[0].min(per_port[1]);
    assert!(per_port[2..].iter().all(|&n| n < busiest), "{per_port:?}");
    // About a fifth of the crossings are vehicles.
    let vehicles = all
        .iter()
        .filter(|c| matches!(c.query.subject, Subject::Vehicle(_)))
        .count();
    let share = vehicles as f64 / all.len() as f64;
    assert!((0.15..0.25).contains(&share), "vehicle share {share}");
}

#[test]
fn even_fifty_searches_reach_every_port_and_plant_one_subject_of_each_kind() {
    let world = world();
    let traffic = Traffic::new(&world, TrafficConfig::neptune_ii(5, 50));
    let all = crossings(&traffic);
    let ports: BTreeSet<usize> = all.iter().map(|c| c.port).collect();
    assert_eq!(ports.len(), 7);
    let kinds: BTreeSet<PlantedKind> = traffic.planted().iter().map(|p| p.kind).collect();
    assert_eq!(kinds.len(), 6);
    assert_eq!(all.iter().filter(|c| c.planted.is_some()).count(), 6);
}

#[test]
fn every_planted_subject_crosses_exactly_once_where_announced_and_targets_a_record_of_its_kind() {
    let world = world();
    let traffic = Traffic::new(&world, TrafficConfig::neptune_ii(5, 40_000));
    let all = crossings(&traffic);
    let planted = traffic.planted();
    assert!(planted.len() >= 6);
    let mut seen = HashMap::new();
    for (i, c) in all.iter().enumerate() {
        if let Some(kind) = c.planted {
            let expected = c
                .query
                .expected
                .expect("a planted crossing names its record");
            assert!(seen.insert(expected, (i as u64, kind)).is_none(), "twice");
        } else {
            assert!(c.query.expected.is_none());
            assert_eq!(c.query.variation, Variation::Clean);
        }
    }
    assert_eq!(seen.len(), planted.len());
    for p in planted {
        let (at, kind) = seen[&p.record];
        assert_eq!((at, kind), (p.crossing_index, p.kind));
        assert_eq!(all[at as usize].at, p.at);
        assert_eq!(all[at as usize].sailing, p.sailing);
        assert_eq!(p.record.0, p.kind.database());
        check_record_kind(&world, p.kind, p.index, p.record.1);
    }
    for pair in planted.windows(2) {
        assert!(pair[0].crossing_index < pair[1].crossing_index);
    }
}

fn check_record_kind(world: &World, kind: PlantedKind, index: u64, id: portwatch_model::Id) {
    let record = match kind.database() {
        Database::Persons => world.person(index),
        Database::Documents => world.document(index),
        Database::Vehicles => world.vehicle(index),
    };
    assert_eq!(record.id, id);
    assert_eq!(record.content.visibility, Visibility::All);
    match (&record.content.body, kind) {
        (RecordBody::Person(p), PlantedKind::ForeignTerroristFighter) => {
            assert!(p.flags.contains(&PersonFlag::ForeignTerroristFighter));
            assert!(!p.terrorism_items.is_empty());
        }
        (RecordBody::Person(p), PlantedKind::RedNoticeFugitive) => {
            assert_eq!(p.notices[0].kind, NoticeKind::Red)
        }
        (RecordBody::Person(p), PlantedKind::MissingPerson) => {
            assert_eq!(p.notices[0].kind, NoticeKind::Yellow)
        }
        (RecordBody::Document(d), PlantedKind::StolenDocument) => assert!(matches!(
            d.status,
            DocumentStatus::StolenIssued | DocumentStatus::StolenBlank
        )),
        (RecordBody::Document(d), PlantedKind::LostDocument) => {
            assert_eq!(d.status, DocumentStatus::Lost)
        }
        (RecordBody::Vehicle(_), PlantedKind::StolenVehicle) => {}
        (body, kind) => panic!("{kind:?} planted from {body:?}"),
    }
}

#[test]
fn at_neptune_scale_about_forty_subjects_are_planted_across_ports_and_weeks() {
    let world = world();
    let traffic = Traffic::new(&world, TrafficConfig::neptune_ii(5, 1_200_000));
    let planted = traffic.planted();
    let count = |kind| planted.iter().filter(|p| p.kind == kind).count();
    assert!(count(PlantedKind::ForeignTerroristFighter) >= 12);
    assert!((35..=45).contains(&planted.len()), "{}", planted.len());
    for kind in PlantedKind::ALL {
        assert!(count(kind) >= 1, "{kind:?}");
    }
    let ports: BTreeSet<usize> = planted
        .iter()
        .map(|p| traffic.sailings()[p.sailing].port)
        .collect();
    assert_eq!(ports.len(), 7);
    let days: BTreeSet<_> = planted.iter().map(|p| p.at.date()).collect();
    assert!(days.len() >= 20, "{} days", days.len());
    // The real timetable: big ferries, as many searches as asked.
    let biggest = traffic.sailings().iter().map(|s| s.crossings()).max();
    assert!(
        (1_500..=2_000).contains(&biggest.unwrap_or(0)),
        "{biggest:?}"
    );
}

#[test]
fn a_ferry_is_cleared_in_a_burst_of_at_most_about_45_minutes() {
    let world = world();
    let traffic = Traffic::new(&world, TrafficConfig::neptune_ii(5, 60_000));
    let mut span: HashMap<usize, (time::OffsetDateTime, time::OffsetDateTime, u32)> =
        HashMap::new();
    for c in traffic.crossings() {
        let e = span.entry(c.sailing).or_insert((c.at, c.at, 0));
        e.0 = e.0.min(c.at);
        e.1 = e.1.max(c.at);
        e.2 += 1;
    }
    for (s, (first, last, n)) in span {
        let sailing = &traffic.sailings()[s];
        assert_eq!(n, sailing.crossings());
        assert!(first >= sailing.arrives);
        assert!(last < sailing.arrives + sailing.clearing);
        assert!(
            sailing.clearing <= Duration::minutes(46),
            "{:?}",
            sailing.clearing
        );
    }
}

#[test]
fn more_searches_than_a_season_mean_more_ferries_not_giant_ones() {
    let world = world();
    let traffic = Traffic::new(&world, TrafficConfig::neptune_ii(5, 3_000_000));
    let sailings = traffic.sailings();
    let total: u64 = sailings.iter().map(|s| u64::from(s.crossings())).sum();
    assert_eq!(total, 3_000_000);
    assert!(sailings.iter().all(|s| s.crossings() <= 2_400));
    assert!(sailings.iter().all(|s| s.vehicles <= 500));
}

#[test]
fn travellers_present_valid_passports_that_agree_with_their_fields() {
    let world = world();
    let config = TrafficConfig::neptune_ii(5, 8_000);
    let traffic = Traffic::new(&world, config);
    let today = portwatch_ident::mrz::Day::new(2026, 7, 1).unwrap();
    let mut travellers = 0;
    for c in traffic.crossings() {
        let Subject::Traveller(t) = &c.query.subject else {
            assert!(c.query.mrz.is_none());
            continue;
        };
        travellers += 1;
        let lines = c.query.mrz.as_ref().expect("a traveller presents an MRZ");
        let mrz = portwatch_ident::mrz::parse(lines, today).unwrap();
        assert!(mrz.valid, "{lines:?}: {:?}", mrz.errors);
        assert_eq!(Some(&mrz.document_number), t.document_number.as_ref());
        assert_eq!(mrz.issuing_state_iso, t.issuing_state.as_deref());
        let birth = mrz.birth_date.expect("a birth date");
        assert_eq!(
            Some(format!(
                "{:04}-{:02}-{:02}",
                birth.year,
                birth.month.unwrap_or(0),
                birth.day.unwrap_or(0)
            )),
            t.birth_date
        );
        assert!(!mrz.surname.is_empty());
        if c.planted.is_none() {
            // Clean passports: numbers no stolen or listed document has.
            assert!(t.document_number.as_deref().unwrap().starts_with('C'));
        }
    }
    assert!(travellers > 6_000, "{travellers}");
}

#[test]
fn the_same_seed_gives_the_same_traffic_and_another_seed_another() {
    let world = world();
    let a = Traffic::new(&world, TrafficConfig::neptune_ii(9, 20_000));
    let b = Traffic::new(&world, TrafficConfig::neptune_ii(9, 20_000));
    assert_eq!(a.sailings(), b.sailings());
    assert_eq!(a.planted(), b.planted());
    assert!(a.crossings().eq(b.crossings()));
    for key in 0..200 {
        assert_eq!(
            a.owner_response(key, key % 2 == 0, key % 3 == 0),
            b.owner_response(key, key % 2 == 0, key % 3 == 0)
        );
        assert_eq!(
            a.lead_for(PlantedKind::RedNoticeFugitive, key),
            b.lead_for(PlantedKind::RedNoticeFugitive, key)
        );
    }
    let c = Traffic::new(&world, TrafficConfig::neptune_ii(10, 20_000));
    assert_ne!(a.sailings(), c.sailings());
}

#[test]
fn owners_confirm_true_hits_in_time_mostly_and_reject_false_ones_with_a_reason() {
    let world = world();
    let traffic = Traffic::new(&world, TrafficConfig::neptune_ii(5, 100));
    let n = 2_000;
    let (mut in_time, mut unanswered) = (0, 0);
    for key in 0..n {
        let r = traffic.owner_response(key, true, true);
        match r.decision {
            Decision::Confirm => {
                assert!(r.instructions.contains("NCB"), "{}", r.instructions);
                if r.after <= Duration::minutes(10) {
                    in_time += 1;
                }
            }
            Decision::NoAnswer => {
                assert_eq!(r.after, Duration::minutes(10));
                unanswered += 1;
            }
            Decision::Reject => panic!("a true match rejected"),
        }
    }
    assert!(in_time > n * 3 / 4, "{in_time}");
    assert!((n / 100..n / 10).contains(&unanswered), "{unanswered}");
    let slow = (0..n)
        .map(|key| traffic.owner_response(key, true, false))
        .filter(|r| r.decision == Decision::Confirm)
        .filter(|r| r.after <= Duration::hours(12))
        .count() as u64;
    assert!(slow > n * 3 / 4, "{slow}");
    for key in 0..200 {
        let r = traffic.owner_response(key, false, key % 2 == 0);
        assert_eq!(r.decision, Decision::Reject);
        assert!(r.instructions.starts_with("Rejected"), "{}", r.instructions);
    }
    let detained = traffic.owner_response_to(
        3,
        &HitFacts {
            true_match: true,
            urgent: true,
            kind: Some(PlantedKind::RedNoticeFugitive),
            owner: Some("ncb-mar"),
            ..HitFacts::default()
        },
    );
    if detained.decision == Decision::Confirm {
        assert!(detained.instructions.contains("NCB Rabat"));
    }
    assert_eq!(
        detained.decision,
        traffic.owner_response(3, true, true).decision
    );
}

#[test]
fn leads_fall_in_the_category_of_the_subject_and_record_plausible_outcomes() {
    let world = world();
    let traffic = Traffic::new(&world, TrafficConfig::neptune_ii(5, 100));
    for key in 0..100 {
        let lead = |kind| traffic.lead_for(kind, key);
        assert_eq!(
            lead(PlantedKind::ForeignTerroristFighter).category,
            Category::Terrorism
        );
        assert_eq!(
            lead(PlantedKind::StolenVehicle).category,
            Category::StolenVehicles
        );
        assert_eq!(
            lead(PlantedKind::StolenDocument).category,
            Category::DocumentFraud
        );
        assert_eq!(
            lead(PlantedKind::LostDocument).category,
            Category::DocumentFraud
        );
        assert_eq!(
            lead(PlantedKind::MissingPerson).category,
            Category::HumanTrafficking
        );
        let red = lead(PlantedKind::RedNoticeFugitive);
        assert_ne!(red.category, Category::StolenVehicles);
        assert!(red
            .outcomes
            .iter()
            .any(|o| matches!(o, portwatch_model::Outcome::Arrest { count } if *count >= 1)));
        for kind in PlantedKind::ALL {
            for o in lead(kind).outcomes {
                match o {
                    portwatch_model::Outcome::DrugsSeized { kilograms } => {
                        assert!(kilograms > 0.0 && kilograms < 1_000.0)
                    }
                    portwatch_model::Outcome::MoneySeized { amount, currency } => {
                        assert!(amount > 0.0 && currency.len() == 3)
                    }
                    _ => {}
                }
            }
        }
    }
}
