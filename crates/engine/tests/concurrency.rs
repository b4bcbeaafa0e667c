//! Screening during live updates sees either the old or the new version of a record, never a
//! torn one, and never loses it between the two.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use portwatch_engine::{Engine, Policy, VehicleRequest};
use portwatch_model::{Id, Record, RecordContent, RecordStatus};
use time::macros::{date, datetime};

fn vehicle(id: Id, version: u32) -> Record {
    // Even versions carry plate AB-100-CD, odd ones EF-200-GH: the plate tells the version.
    let plate = if version % 2 == 0 {
        "AB-100-CD"
    } else {
        "EF-200-GH"
    };
    let content: RecordContent = serde_json::from_value(serde_json::json!({
        "owner": "ncb-fra", "visibility": "all",
        "vehicle": {"vin": "VF1RFB00X56789012", "plate": {"country": "FRA", "number": plate}}
    }))
    .unwrap();
    Record {
        id,
        version,
        status: RecordStatus::Active,
        recorded_at: datetime!(2025-01-01 0:00 UTC),
        content,
    }
}

#[test]
fn readers_see_one_whole_version_while_a_writer_replaces_it() {
    let world = common::world(200, 2_000, 2_000);
    let engine = Arc::new(Engine::new(Policy::new(&world.agencies())));
    engine.bulk_load(world.records());
    let id = Id::generate();
    engine.apply(&vehicle(id, 1));
    let done = Arc::new(AtomicBool::new(false));
    let today = date!(2026 - 06 - 01);

    let writer = {
        let (engine, done) = (Arc::clone(&engine), Arc::clone(&done));
        std::thread::spawn(move || {
            for version in 2..3_000 {
                engine.apply(&vehicle(id, version));
            }
            done.store(true, Ordering::SeqCst);
        })
    };
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let (engine, done) = (Arc::clone(&engine), Arc::clone(&done));
            std::thread::spawn(move || {
                let by_vin = VehicleRequest {
                    vin: Some("VF1RFB00X56789012".into()),
                    ..Default::default()
                }
                .check()
                .unwrap();
                let by_plate = |plate: &str| {
                    VehicleRequest {
                        plate: Some(plate.into()),
                        plate_country: Some("FRA".into()),
                        ..Default::default()
                    }
                    .check()
                    .unwrap()
                };
                let (even, odd) = (by_plate("AB 100 CD"), by_plate("EF200GH"));
                let mut checks = 0;
                while !done.load(Ordering::SeqCst) || checks < 100 {
                    let found: Vec<_> = engine
                        .match_vehicle(&by_vin, today)
                        .into_iter()
                        .filter(|m| m.record_id == id)
                        .collect();
                    assert_eq!(found.len(), 1, "exactly one version is indexed at any time");
                    for (query, parity) in [(&even, 0), (&odd, 1)] {
                        for m in engine.match_vehicle(query, today) {
                            if m.record_id == id
                                && m.match_kind == portwatch_model::MatchKind::Exact
                            {
                                assert_eq!(m.record_version % 2, parity, "torn read");
                            }
                        }
                    }
                    checks += 1;
                }
                checks
            })
        })
        .collect();
    writer.join().unwrap();
    for r in readers {
        assert!(r.join().unwrap() >= 100);
    }
    let last = engine.match_vehicle(
        &VehicleRequest {
            vin: Some("VF1RFB00X56789012".into()),
            ..Default::default()
        }
        .check()
        .unwrap(),
        today,
    );
    assert_eq!(
        last.iter()
            .find(|m| m.record_id == id)
            .unwrap()
            .record_version,
        2_999
    );
}

#[test]
fn a_bulk_load_does_not_block_readers_of_the_previous_generation() {
    let world = common::world(500, 5_000, 1_000);
    let engine = Arc::new(common::engine_for(&world));
    let loader = {
        let engine = Arc::clone(&engine);
        std::thread::spawn(move || {
            let bigger = common::world(2_000, 50_000, 5_000);
            engine.bulk_load(bigger.records());
        })
    };
    // Screening goes on (and finds records of the old generation) while the load builds.
    let query = portwatch_engine::DocumentRequest {
        number: "ZZ0000000".into(),
        issuing_state: "FRA".into(),
    }
    .check()
    .unwrap();
    let mut screened = 0;
    while !loader.is_finished() {
        engine.match_document(&query, date!(2026 - 06 - 01));
        screened += 1;
    }
    loader.join().unwrap();
    assert!(screened > 0);
    assert_eq!(engine.stats().documents, 50_000);
}
