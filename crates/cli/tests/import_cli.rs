//! `portwatch init`, `import`, `export` and `stats` run as a user runs them: the real binary on
//! a temporary data directory, checked by its output, its exit status and the store it leaves.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use portwatch_model::{AgencyId, Database, RecordStatus};
use portwatch_store::{SqliteStore, Store, StoreStats};
use time::OffsetDateTime;

use common::{portwatch, succeeds};

fn fixture(name: &str) -> PathBuf {
    [env!("CARGO_MANIFEST_DIR"), "tests/fixtures", name]
        .iter()
        .collect()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn path(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// The counts the import summary printed, by label.
fn count(summary: &str, label: &str) -> u64 {
    summary
        .lines()
        .find_map(|line| {
            let rest = line.trim().strip_prefix(label)?;
            rest.trim().replace(',', "").parse().ok()
        })
        .unwrap_or_else(|| panic!("no {label} in:\n{summary}"))
}

fn stats(data: &Path) -> StoreStats {
    serde_json::from_str(&succeeds(data, &["stats", "--json"])).expect("stats JSON")
}

/// A file's records as lines in sorted order, a CSV header kept first.
fn lines_in_any_order(file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let header = usize::from(file.extension().is_some_and(|e| e == "csv"));
    lines[header..].sort();
    lines
}

fn fresh_store() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    succeeds(&data, &["init"]);
    (dir, data)
}

#[test]
fn init_creates_a_store_once_and_refuses_to_overwrite_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("nested/data");
    let first = succeeds(&data, &["init"]);
    assert!(first.contains("Created an empty store"), "{first}");
    let again = portwatch(&data, &["init"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("already holds a store"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn commands_on_a_missing_store_say_to_run_init() {
    let dir = tempfile::tempdir().unwrap();
    let out = portwatch(&dir.path().join("none"), &["stats"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("portwatch init"), "{}", stderr(&out));
}

#[test]
fn import_reimport_change_export_and_round_trip() {
    let (dir, data) = fresh_store();
    let docs = fixture("documents.csv");

    let first = succeeds(&data, &["import", path(&docs)]);
    assert_eq!(
        (count(&first, "read"), count(&first, "created")),
        (5, 5),
        "{first}"
    );
    let s = stats(&data);
    assert_eq!(s.count(Database::Documents, RecordStatus::Active), 5);
    let table = succeeds(&data, &["stats"]);
    assert!(
        table.contains("ncb-rabat") && table.contains("ncb-madrid"),
        "{table}"
    );

    let again = succeeds(&data, &["import", path(&docs)]);
    assert_eq!(
        (
            count(&again, "unchanged"),
            count(&again, "created"),
            count(&again, "updated")
        ),
        (5, 0, 0)
    );
    assert_eq!(stats(&data).versions, 5, "re-importing wrote nothing");

    let changed = succeeds(&data, &["import", path(&fixture("documents_changed.csv"))]);
    assert_eq!(
        (
            count(&changed, "created"),
            count(&changed, "updated"),
            count(&changed, "unchanged")
        ),
        (1, 2, 3),
        "{changed}"
    );
    let s = stats(&data);
    assert_eq!(
        (
            s.count(Database::Documents, RecordStatus::Active),
            s.versions
        ),
        (6, 8)
    );

    succeeds(&data, &["import", path(&fixture("mixed.jsonl"))]);

    // Export every kind, import the files into a new store, export again: the same rows
    // (in the order each store keeps them).
    let (_other_dir, other) = fresh_store();
    for (kind, ext) in [
        ("documents", "csv"),
        ("persons", "csv"),
        ("vehicles", "jsonl"),
    ] {
        let out = dir.path().join(format!("{kind}.{ext}"));
        succeeds(&data, &["export", "--kind", kind, "--out", path(&out)]);
        succeeds(&other, &["import", path(&out)]);
        let copy = dir.path().join(format!("{kind}-copy.{ext}"));
        succeeds(&other, &["export", "--kind", kind, "--out", path(&copy)]);
        assert_eq!(
            lines_in_any_order(&out),
            lines_in_any_order(&copy),
            "{kind}"
        );
        // And the export imports into its own store without changing anything.
        let back = succeeds(&data, &["import", path(&out)]);
        assert_eq!(count(&back, "unchanged"), count(&back, "read"), "{back}");
    }
    assert_eq!(stats(&other).records, stats(&data).records);

    let all = succeeds(&data, &["export", "--format", "jsonl"]);
    assert_eq!(
        all.lines().count(),
        8,
        "every kind in one JSON Lines export"
    );
}

#[test]
fn bad_rows_under_skip_import_the_good_rows_and_exit_2() {
    let (_dir, data) = fresh_store();
    let out = portwatch(
        &data,
        &[
            "import",
            "--on-error",
            "skip",
            path(&fixture("documents_bad.csv")),
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let summary = stdout(&out);
    assert_eq!(
        (
            count(&summary, "read"),
            count(&summary, "created"),
            count(&summary, "bad rows")
        ),
        (5, 2, 3)
    );
    assert!(
        summary.contains("line 3, field `issuing_state`: must be an ISO 3166-1 alpha-3"),
        "{summary}"
    );
    assert!(
        summary.contains("line 4, field `reported_on`: must be a date"),
        "{summary}"
    );
    assert!(
        summary.contains("line 5: has 6 cells but the header has 10 columns"),
        "{summary}"
    );
    assert!(
        stderr(&out).contains("3 bad rows skipped"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stats(&data).total_records(), 2);
}

#[test]
fn bad_rows_under_abort_import_nothing_at_all() {
    let (_dir, data) = fresh_store();
    let good = fixture("documents.csv");
    let out = portwatch(
        &data,
        &["import", path(&good), path(&fixture("documents_bad.csv"))],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).contains("documents_bad.csv: line 3, field `issuing_state`"),
        "{}",
        stdout(&out)
    );
    assert!(
        stderr(&out).contains("nothing was imported: 3 bad rows"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stats(&data).total_records(), 0, "not even the good file");
}

#[test]
fn a_long_list_of_bad_rows_is_cut_short() {
    let (dir, data) = fresh_store();
    let file = dir.path().join("many.csv");
    let mut text = String::from("owner,visibility,vin\n");
    for i in 0..25 {
        text.push_str(&format!("ncb-rabat,all,X-{i}\n"));
    }
    std::fs::write(&file, text).unwrap();
    let out = portwatch(&data, &["import", path(&file)]);
    assert_eq!(out.status.code(), Some(2));
    let summary = stdout(&out);
    assert_eq!(summary.matches("field `vin`").count(), 20, "{summary}");
    assert!(summary.contains("… and 5 more"), "{summary}");
}

#[test]
fn a_bad_header_or_format_is_reported_before_any_row() {
    let (dir, data) = fresh_store();
    let file = dir.path().join("wrong.csv");
    std::fs::write(
        &file,
        "owner,visibility,vin,wheels\nncb-rabat,all,WVWZZZ1JZXW000001,4\n",
    )
    .unwrap();
    let out = portwatch(&data, &["import", path(&file)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).contains("line 1, field `wheels`: unknown column(s) `wheels`"),
        "{}",
        stdout(&out)
    );

    let txt = dir.path().join("records.txt");
    std::fs::write(&txt, "").unwrap();
    let out = portwatch(&data, &["import", path(&txt)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--format csv|jsonl"),
        "{}",
        stderr(&out)
    );
    let out = portwatch(&data, &["import", path(&dir.path().join("absent.csv"))]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot open"), "{}", stderr(&out));
}

#[test]
fn a_missing_owner_column_is_filled_by_owner() {
    let (dir, data) = fresh_store();
    let file = dir.path().join("no-owner.csv");
    std::fs::write(
        &file,
        "number,issuing_state,type,status\nAB1,MAR,passport,lost\n",
    )
    .unwrap();
    let out = portwatch(&data, &["import", path(&file)]);
    assert!(
        stdout(&out).contains("missing required column(s) `owner`, `visibility`"),
        "{}",
        stdout(&out)
    );
    succeeds(
        &data,
        &[
            "import",
            "--owner",
            "bp-tanger-med",
            "--visibility",
            "all",
            path(&file),
        ],
    );
    let s = stats(&data);
    assert_eq!(s.records[0].owner.as_str(), "bp-tanger-med");
}

#[test]
fn cancelled_records_are_exported_only_when_asked() {
    let (dir, data) = fresh_store();
    succeeds(&data, &["import", path(&fixture("documents.csv"))]);
    {
        let store = SqliteStore::open(&data).unwrap();
        let record = store
            .record_by_natural_key("document:MAR:AB7654321:passport")
            .unwrap()
            .unwrap();
        let owner = AgencyId::parse("ncb-rabat").unwrap();
        store
            .cancel_record(record.id, &owner, OffsetDateTime::now_utc())
            .unwrap();
    }
    let active = succeeds(&data, &["export", "--kind", "documents"]);
    assert_eq!(active.lines().count(), 1 + 4);
    assert!(!active.contains("AB7654321"));
    let out = dir.path().join("archive.jsonl");
    succeeds(
        &data,
        &[
            "export",
            "--kind",
            "documents",
            "--include-cancelled",
            "--out",
            path(&out),
        ],
    );
    let archive = std::fs::read_to_string(&out).unwrap();
    assert_eq!(archive.lines().count(), 5);
    assert!(archive.contains("AB7654321"));
}

#[test]
fn csv_export_needs_a_kind() {
    let (_dir, data) = fresh_store();
    let out = portwatch(&data, &["export"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("pass --kind"), "{}", stderr(&out));
}

#[test]
fn help_teaches_by_example() {
    let dir = tempfile::tempdir().unwrap();
    for command in ["init", "import", "export", "stats"] {
        let help = succeeds(dir.path(), &[command, "--help"]);
        assert!(help.contains("Examples:"), "{command}: {help}");
    }
    let help = succeeds(dir.path(), &["import", "--help"]);
    assert!(
        help.contains("--on-error") && help.contains("docs/formats.md"),
        "{help}"
    );
}

#[test]
fn the_import_benchmark_runs_every_measurement() {
    let dir = tempfile::tempdir().unwrap();
    let out = succeeds(dir.path(), &["bench", "import", "--documents", "2000"]);
    for line in [
        "2,000 document rows",
        "parse only (baseline)",
        "store only",
        "import, fresh store",
        "re-import, nothing changes",
        "--on-error abort",
    ] {
        assert!(out.contains(line), "{line} missing from:\n{out}");
    }
}
