//! Running the real `portwatch` binary as a user runs it, shared by the CLI's test files.

// Each test file compiles this module on its own and uses only some of it.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

use portwatch_model::{Agency, RecordContent};
use portwatch_store::{SqliteStore, Store};
use serde_json::Value;
use time::OffsetDateTime;

/// Runs `portwatch --data DATA ARGS…` with no terminal attached and none of the `PORTWATCH_*`
/// variables of the environment the tests run in, so that only `data` and `args` count.
pub fn portwatch(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_portwatch"))
        .arg("--data")
        .arg(data)
        .args(args)
        .env_remove("PORTWATCH_DATA")
        .env_remove("PORTWATCH_AGENCY")
        .env_remove("PORTWATCH_STORE")
        .output()
        .expect("the portwatch binary runs")
}

/// Asserts that the run succeeded (showing its output if not) and returns its standard output.
pub fn success(out: &Output) -> String {
    succeeded(out, "portwatch")
}

/// Runs `portwatch --data DATA ARGS…`, asserts that it succeeded (naming the arguments and
/// showing the output if not) and returns its standard output.
pub fn succeeds(data: &Path, args: &[&str]) -> String {
    succeeded(
        &portwatch(data, args),
        &format!("portwatch {}", args.join(" ")),
    )
}

fn succeeded(out: &Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what}:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A SQLite store in a temporary data directory holding `agencies` and `records` (given as
/// their JSON, as the API takes them), written now.
pub fn store_with(agencies: &[Value], records: &[Value]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::create(dir.path()).unwrap();
    for agency in agencies {
        let agency: Agency = serde_json::from_value(agency.clone()).unwrap();
        store.put_agency(&agency).unwrap();
    }
    let records: Vec<RecordContent> = records
        .iter()
        .map(|v| serde_json::from_value(v.clone()).unwrap())
        .collect();
    store
        .put_records(&records, OffsetDateTime::now_utc())
        .unwrap();
    dir
}
