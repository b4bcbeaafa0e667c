//! `portwatch import --format un-xml|ofac-csv|ftm`, run as a user runs it: the real UN list
//! (when `shared/data` is present) and the small hand-made lists of the formats crate, good and
//! bad.

mod common;

use std::path::PathBuf;

use portwatch_store::SqliteStore;

use common::portwatch;

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    manifest()
        .join("../formats/tests/fixtures/lists")
        .join(name)
}

fn shared(name: &str) -> Option<PathBuf> {
    let path = manifest().join("../../../shared/data").join(name);
    if path.exists() {
        Some(path)
    } else {
        eprintln!("skipped: {} is absent", path.display());
        None
    }
}

/// A fresh, empty store in a temporary directory.
fn store() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    SqliteStore::create(dir.path()).unwrap();
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The count printed on a report line such as `  created            730`.
fn count(stdout: &str, label: &str) -> u64 {
    stdout
        .lines()
        .find_map(|l| {
            let rest = l.trim().strip_prefix(label)?;
            rest.trim().replace(',', "").parse().ok()
        })
        .unwrap_or_else(|| panic!("no `{label}` line in:\n{stdout}"))
}

#[test]
fn the_un_list_imports_once_and_reimports_unchanged() {
    let Some(list) = shared("un_sc_consolidated.xml") else {
        return;
    };
    let data = store();
    let list = list.to_str().unwrap();
    let args = ["import", "--format", "un-xml", "--owner", "un-sc", list];
    let first = portwatch(data.path(), &args);
    let stdout = text(&first.stdout);
    assert!(first.status.success(), "{stdout}{}", text(&first.stderr));
    assert_eq!(count(&stdout, "persons"), 730);
    assert_eq!(count(&stdout, "created"), 730);
    assert!(
        stdout.contains("273 entity: organisations are not persons"),
        "{stdout}"
    );

    let again = portwatch(data.path(), &args);
    let stdout = text(&again.stdout);
    assert!(again.status.success(), "{stdout}{}", text(&again.stderr));
    assert_eq!(count(&stdout, "created"), 0);
    assert_eq!(count(&stdout, "unchanged"), 730);
}

#[test]
fn a_truncated_list_imports_nothing_unless_told_to_skip() {
    let data = store();
    let list = fixture("un_truncated.xml");
    let list = list.to_str().unwrap();
    let abort = portwatch(
        data.path(),
        &["import", "--format", "un-xml", "--owner", "un-sc", list],
    );
    assert_eq!(abort.status.code(), Some(2));
    let stdout = text(&abort.stdout);
    assert!(stdout.contains("un-xml line 73"), "{stdout}");
    assert!(stdout.contains("truncated"), "{stdout}");
    assert_eq!(count(&stdout, "created"), 0);
    assert!(
        text(&abort.stderr).contains("nothing was imported"),
        "{}",
        text(&abort.stderr)
    );

    let skip = portwatch(
        data.path(),
        &[
            "import",
            "--format",
            "un-xml",
            "--owner",
            "un-sc",
            "--on-error",
            "skip",
            list,
        ],
    );
    assert_eq!(
        skip.status.code(),
        Some(2),
        "bad entries still fail the command"
    );
    assert_eq!(count(&text(&skip.stdout), "created"), 1);
    assert!(
        text(&skip.stderr).contains("1 bad entry skipped"),
        "{}",
        text(&skip.stderr)
    );
}

#[test]
fn the_ofac_files_are_given_in_order() {
    let data = store();
    let files = [
        "ofac_sdn_small.csv",
        "ofac_alt_small.csv",
        "ofac_add_small.csv",
    ]
    .map(fixture);
    let mut args = vec!["import", "--format", "ofac-csv", "--owner", "ofac"];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    let out = portwatch(data.path(), &args);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert_eq!(count(&stdout, "created"), 2);
    assert!(stdout.contains("1 vessel:"), "{stdout}");
    assert!(stdout.contains("1 entity:"), "{stdout}");
}

#[test]
fn ftm_lines_that_cannot_be_read_are_listed_with_their_line() {
    let data = store();
    let list = fixture("ftm_small.jsonl");
    let out = portwatch(
        data.path(),
        &[
            "import",
            "--format",
            "ftm",
            "--owner",
            "opensanctions",
            "--on-error",
            "skip",
            list.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let stdout = text(&out.stdout);
    assert_eq!(count(&stdout, "created"), 2);
    assert!(stdout.contains("ftm line 5"), "{stdout}");
}

#[test]
fn a_list_needs_an_owner() {
    let data = store();
    let list = fixture("un_small.xml");
    let out = portwatch(
        data.path(),
        &["import", "--format", "un-xml", list.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--owner"),
        "{}",
        text(&out.stderr)
    );
}
