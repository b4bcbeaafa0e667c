//! `--store URL` (`PORTWATCH_STORE`): the data commands run against PostgreSQL instead of the
//! SQLite store in `--data`. The PostgreSQL test runs only when `PORTWATCH_TEST_PG` names a
//! database (`eval "$(scripts/pg-test-server.sh start)"` starts one); it works in a fresh
//! schema of its own, chosen through the URL's `search_path`, so a shared database is safe.

mod common;

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use portwatch_model::{Database, RecordStatus};
use portwatch_store::{PgStore, Store, StoreStats};

fn fixture(name: &str) -> PathBuf {
    [env!("CARGO_MANIFEST_DIR"), "tests/fixtures", name]
        .iter()
        .collect()
}

/// Runs `portwatch --data DATA --store STORE ARGS…`, which must succeed; returns its output.
fn succeeds(data: &Path, store: &str, args: &[&str]) -> String {
    common::succeeds(data, &[&["--store", store], args].concat())
}

/// Active document records, all owners together, of `stats --json`.
fn active_documents(stats_json: &str) -> u64 {
    let stats: StoreStats = serde_json::from_str(stats_json).expect("stats --json");
    stats.count(Database::Documents, RecordStatus::Active)
}

/// `url` with every connection's `search_path` set to `schema`.
fn url_in_schema(url: &str, schema: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}options=-csearch_path%3D{schema}")
}

#[test]
fn init_import_and_stats_run_against_postgres() {
    let Ok(url) = std::env::var("PORTWATCH_TEST_PG") else {
        eprintln!(
            "skipped: set PORTWATCH_TEST_PG=postgres://… (scripts/pg-test-server.sh start) \
             to run the --store test against PostgreSQL"
        );
        return;
    };
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_nanos();
    let schema = format!("cli_store_flag_{}_{nanos}", std::process::id());
    // The schema must exist before a search_path can name it; this also lays out its tables.
    let direct = PgStore::connect_in_schema(&url, &schema).expect("create the test schema");
    let store_url = url_in_schema(&url, &schema);
    // No store in the data directory: every command must use PostgreSQL.
    let data = tempfile::tempdir().expect("temp dir");

    let init = succeeds(data.path(), &store_url, &["init"]);
    assert!(init.contains("schema version"), "{init}");
    assert!(!data.path().join("portwatch.sqlite3").exists());

    let documents = fixture("documents.csv");
    let documents = documents.to_str().expect("UTF-8 path");
    succeeds(data.path(), &store_url, &["import", documents]);
    let stats = succeeds(data.path(), &store_url, &["stats", "--json"]);
    assert_eq!(active_documents(&stats), 5, "{stats}");

    // The records are in the test's own schema, not in the database's default one.
    let direct_stats = direct.stats().expect("stats");
    assert_eq!(
        direct_stats.count(Database::Documents, RecordStatus::Active),
        5
    );

    // Importing the same file again changes nothing, on PostgreSQL as on SQLite.
    succeeds(data.path(), &store_url, &["import", documents]);
    let stats = succeeds(data.path(), &store_url, &["stats", "--json"]);
    assert_eq!(active_documents(&stats), 5, "{stats}");
}

#[test]
fn store_refuses_anything_but_a_postgres_url() {
    let data = tempfile::tempdir().expect("temp dir");
    let out = common::portwatch(data.path(), &["--store", "/srv/portwatch", "stats"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--store") && stderr.contains("--data DIR"),
        "{stderr}"
    );
}

#[test]
fn a_data_directory_without_a_store_says_to_run_init() {
    let data = tempfile::tempdir().expect("temp dir");
    let out = common::portwatch(data.path(), &["stats"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("run `portwatch init"), "{stderr}");
}
