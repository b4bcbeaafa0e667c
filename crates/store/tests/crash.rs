//! A crash in the middle of a bulk import loses no committed batch and leaves a store that
//! opens cleanly.
//!
//! The test re-runs its own binary as a child (`PORTWATCH_CRASH_CHILD=1`) that imports batches
//! in a loop and prints `committed N` after each commit; the parent kills it with SIGKILL at
//! an arbitrary moment, reopens the store and checks it.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;
use portwatch_model::RecordContent;
use portwatch_store::{SqliteStore, Store};

const TEST_NAME: &str = "a_killed_import_loses_no_committed_batch";
const BATCH: usize = 3_000;

fn batch(round: u32, number: u32) -> Vec<RecordContent> {
    (0..BATCH)
        .map(|i| document("ncb-rabat", &format!("R{round}B{number}N{i}")))
        .collect()
}

/// The child: import batches until killed, reporting each commit.
fn run_child(dir: &str, round: u32) {
    let store = SqliteStore::open(dir).unwrap();
    for number in 0..10_000 {
        store.put_records(&batch(round, number), at(0)).unwrap();
        println!("committed {number}");
    }
}

/// Runs one child importing for round `round`, kills it after it has reported `after`
/// commits (plus a few milliseconds, to land inside a later transaction) and returns the
/// batches it reported as committed.
fn import_and_kill(dir: &std::path::Path, round: u32, after: usize, extra_ms: u64) -> Vec<u32> {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", TEST_NAME, "--nocapture", "--test-threads=1"])
        .env("PORTWATCH_CRASH_CHILD", "1")
        .env("PORTWATCH_CRASH_DIR", dir)
        .env("PORTWATCH_CRASH_ROUND", round.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut committed = Vec::new();
    while committed.len() < after {
        let line = lines
            .next()
            .expect("the child stopped before committing enough batches")
            .unwrap();
        if let Some(n) = line.strip_prefix("committed ") {
            committed.push(n.parse().unwrap());
        }
    }
    std::thread::sleep(Duration::from_millis(extra_ms));
    child.kill().unwrap(); // SIGKILL on Unix: no destructor, no rollback, no cleanup runs.
    child.wait().unwrap();
    // Whatever the child printed before it died was committed too.
    for line in lines {
        if let Some(n) = line.unwrap().strip_prefix("committed ") {
            committed.push(n.parse().unwrap());
        }
    }
    committed
}

/// How many records of each batch of `round` the store holds.
fn records_per_batch(store: &SqliteStore, round: u32) -> BTreeMap<u32, usize> {
    let prefix = format!("R{round}B");
    let mut counts = BTreeMap::new();
    store
        .for_each_active(&mut |record| {
            let key = record.content.natural_key();
            let number = key.split(':').nth(2).unwrap_or_default();
            if let Some(rest) = number.strip_prefix(&prefix) {
                let batch: u32 = rest.split('N').next().unwrap().parse().unwrap();
                *counts.entry(batch).or_default() += 1;
            }
        })
        .unwrap();
    counts
}

#[test]
fn a_killed_import_loses_no_committed_batch() {
    if std::env::var_os("PORTWATCH_CRASH_CHILD").is_some() {
        let dir = std::env::var("PORTWATCH_CRASH_DIR").unwrap();
        let round = std::env::var("PORTWATCH_CRASH_ROUND")
            .unwrap()
            .parse()
            .unwrap();
        run_child(&dir, round);
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    drop(SqliteStore::create(dir.path()).unwrap());

    for (round, extra_ms) in [(0u32, 7u64), (1, 23), (2, 0)] {
        let reported = import_and_kill(dir.path(), round, 3, extra_ms);
        let store = SqliteStore::open(dir.path()).unwrap();
        store.integrity_check().unwrap();
        let counts = records_per_batch(&store, round);
        for batch in &reported {
            assert_eq!(
                counts.get(batch),
                Some(&BATCH),
                "round {round}: batch {batch} was reported committed"
            );
        }
        for (batch, count) in &counts {
            assert_eq!(*count, BATCH, "round {round}: batch {batch} is half there");
        }
        // The change log has no gap: positions 1..=head, one per record.
        let head = store.head_seq().unwrap();
        assert_eq!(head as usize, store.stats().unwrap().versions as usize);
        let total: usize = (0..=round)
            .map(|r| records_per_batch(&store, r).values().sum::<usize>())
            .sum();
        assert_eq!(total as u64, head);
    }
}
