//! `portwatch demo` end to end: the real binary replays Neptune II at a tiny scale over mutual
//! TLS, and what it reports must equal what it sent, what it planted and what the store holds.

mod common;

use std::path::Path;

use portwatch_model::{AuditAction, FollowUpState};
use portwatch_store::{HitFilter, SqliteStore, Store};
use serde_json::Value;

use common::portwatch;

const SEARCHES: u64 = 3_000;

fn run_demo(data: &Path, summary: &Path) -> std::process::Output {
    portwatch(
        data,
        &[
            "demo",
            "--scale",
            "tiny",
            "--searches",
            &SEARCHES.to_string(),
            "--concurrency",
            "4",
            "--listen",
            "127.0.0.1:0",
            "--console",
            "127.0.0.1:0",
            "--exit-when-done",
            "--summary",
            summary.to_str().unwrap(),
        ],
    )
}

#[test]
fn the_demo_replays_neptune_ii_and_its_report_reconciles_with_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("demo");
    let summary_path = dir.path().join("summary.json");
    let out = run_demo(&data, &summary_path);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "demo failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("Sign in to the console"), "{stdout}");
    let summary: Value = serde_json::from_slice(&std::fs::read(&summary_path).unwrap()).unwrap();
    let replay = &summary["replay"];

    // Searches counted = searches sent = audit entries.
    assert_eq!(replay["searches_sent"], SEARCHES, "{replay}");
    assert_eq!(replay["searches_failed"], 0);
    let report = portwatch(
        &data,
        &["report", "--operation", "NEPTUNE-II", "--format", "json"],
    );
    assert!(
        report.status.success(),
        "{}",
        String::from_utf8_lossy(&report.stderr)
    );
    let figures: Value = serde_json::from_slice(&report.stdout).unwrap();
    for key in [
        "searches",
        "hits",
        "hits_by_database",
        "confirmed_hits",
        "leads",
        "by_site",
    ] {
        assert!(figures.get(key).is_some(), "the report's JSON lacks {key}");
    }
    assert_eq!(figures["searches"], SEARCHES);

    let store = SqliteStore::open(&data).unwrap();
    let operation = store.operation_by_code("NEPTUNE-II").unwrap().unwrap();
    let mut audited = 0u64;
    let mut after = 0;
    loop {
        let entries = store.audit_entries(after, 10_000).unwrap();
        let Some(last) = entries.last() else { break };
        after = last.seq;
        audited += entries
            .iter()
            .filter(|e| e.event.operation == Some(operation.id))
            .filter(|e| {
                matches!(
                    e.event.action,
                    AuditAction::ScreenTraveller
                        | AuditAction::ScreenDocument
                        | AuditAction::ScreenVehicle
                )
            })
            .count() as u64;
    }
    assert_eq!(audited, SEARCHES, "one audit entry per search");

    // Every planted subject was detected.
    let planted = replay["planted"].as_array().unwrap();
    assert!(planted.len() >= 6, "every kind is planted: {replay}");
    let missed: Vec<&Value> = planted.iter().filter(|p| p["detected"] != true).collect();
    assert!(missed.is_empty(), "planted subjects missed: {missed:?}");

    // The report's figures equal counts taken straight from the store.
    let hits = store
        .hits(&HitFilter {
            operation: Some(operation.id),
            limit: 100_000,
            ..HitFilter::default()
        })
        .unwrap();
    assert_eq!(figures["hits"], hits.len() as u64);
    assert_eq!(figures["hits"], replay["hits_seen"]);
    let confirmed = hits
        .iter()
        .filter(|h| h.state == FollowUpState::Confirmed)
        .count() as u64;
    assert_eq!(figures["confirmed_hits"], confirmed);
    assert_eq!(figures["confirmed_hits"], replay["confirmed"]);
    let leads = store.investigations(Some(operation.id)).unwrap();
    assert_eq!(figures["leads"], leads.len() as u64);
    assert_eq!(figures["leads"], replay["leads_opened"]);
    assert!(
        leads.len() as u64 >= 1,
        "confirmed planted subjects open leads"
    );
    let by_site: u64 = figures["by_site"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["searches"].as_u64().unwrap())
        .sum();
    assert_eq!(by_site, SEARCHES);
    assert_eq!(
        figures["by_site"].as_array().unwrap().len(),
        7,
        "seven ports"
    );

    // The HTML report was written beside the data, with its charts.
    let html = std::fs::read_to_string(data.join("demo").join("NEPTUNE-II-report.html")).unwrap();
    assert!(html.contains("<svg"));

    // Asked again, the demo refuses to overwrite, and reuses when told to.
    let again = run_demo(&data, &summary_path);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--reuse"));
    let reuse = portwatch(
        &data,
        &[
            "demo",
            "--reuse",
            "--exit-when-done",
            "--listen",
            "127.0.0.1:0",
            "--console",
            "127.0.0.1:0",
        ],
    );
    assert!(
        reuse.status.success(),
        "{}",
        String::from_utf8_lossy(&reuse.stderr)
    );
    let stdout = String::from_utf8_lossy(&reuse.stdout);
    assert!(stdout.contains("searches"), "{stdout}");
}
