//! `portwatch bench import`: bulk import speed of document rows, from a CSV file into a fresh
//! SQLite store, through the same code as `portwatch import`.
//!
//! The baseline is parsing the same file without writing it (what the reader alone costs);
//! the figures are a fresh import, a re-import of the unchanged file (every row found equal),
//! and a fresh import under `--on-error abort` (a check pass, then the import). Beside each
//! figure, the share of the machine's cores the process kept busy: an import that leaves
//! cores idle waits on something (the disk, one busy thread), one that fills them needs less
//! work per row to go faster.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;

use portwatch_formats::native::{Format, ReadOptions, Reader};
use portwatch_report::grouped;
use portwatch_store::{SqliteStore, Store};

use super::import::{import_files, ImportPlan, OnError};

/// The promise: at least this many document rows per second into SQLite.
const TARGET_ROWS_PER_SECOND: f64 = 300_000.0;

/// A phase's rate, and the share of all cores the process kept busy meanwhile.
struct Measured {
    rows_per_second: f64,
    cpu: Option<f64>,
}

/// Measure bulk import of document rows (CSV into a fresh SQLite store).
#[derive(Debug, Args)]
pub struct ImportBench {
    /// How many document rows to generate and import.
    #[arg(long, default_value_t = 300_000)]
    pub documents: u64,
}

pub fn run(args: ImportBench) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("documents.csv");
    write_documents(&file, args.documents)?;
    let size = std::fs::metadata(&file)?.len();
    println!(
        "bench import: {} document rows, {:.1} MB of CSV, batches of up to {} rows",
        grouped(args.documents),
        size as f64 / 1e6,
        grouped(super::import::BATCH_ROWS as u64)
    );
    println!(
        "  CPU = the share of the machine's {} cores this process kept busy",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    let baseline = parse_only(&file)?;
    report("parse only (baseline)", &baseline, &baseline, false);

    let store = SqliteStore::create(dir.path().join("store-only"))?;
    let store_only = put_parsed(&store, &file)?;
    report(
        "store only, each batch synced",
        &store_only,
        &baseline,
        false,
    );
    drop(store);

    let store = SqliteStore::create(dir.path().join("store"))?;
    let fresh = import(&store, &file, OnError::Skip)?;
    report("import, fresh store", &fresh, &baseline, true);
    let again = import(&store, &file, OnError::Skip)?;
    report("re-import, nothing changes", &again, &baseline, false);
    drop(store);

    let store = SqliteStore::create(dir.path().join("store-abort"))?;
    let checked = import(&store, &file, OnError::Abort)?;
    report("import, fresh, --on-error abort", &checked, &baseline, true);
    println!(
        "  (--on-error abort reads every file once to check it, before it writes anything: \
         see docs/formats.md)"
    );
    Ok(())
}

fn report(what: &str, phase: &Measured, baseline: &Measured, against_target: bool) {
    let target = grouped(TARGET_ROWS_PER_SECOND as u64);
    let verdict = if !against_target {
        String::new()
    } else if phase.rows_per_second >= TARGET_ROWS_PER_SECOND {
        format!("  target ≥ {target} rows/s: met")
    } else {
        format!("  target ≥ {target} rows/s: NOT met")
    };
    let cpu = phase
        .cpu
        .map(|share| format!("  CPU {:>3.0} %", share * 100.0))
        .unwrap_or_default();
    println!(
        "  {what:<34} {:>12} rows/s  {:>5.2}x baseline{cpu}{verdict}",
        grouped(phase.rows_per_second as u64),
        phase.rows_per_second / baseline.rows_per_second
    );
}

/// Runs `work` and measures it: its rows per second (`work` returns how many rows it handled,
/// and how many seconds it took when that is not the whole call) and the processor share.
fn measure(work: impl FnOnce() -> anyhow::Result<(u64, Option<f64>)>) -> anyhow::Result<Measured> {
    let cpu_before = super::bench::process_cpu_seconds();
    let started = Instant::now();
    let (rows, own_seconds) = work()?;
    let seconds = started.elapsed().as_secs_f64();
    Ok(Measured {
        rows_per_second: rows as f64 / own_seconds.unwrap_or(seconds),
        cpu: super::bench::cpu_share(cpu_before, super::bench::process_cpu_seconds(), seconds),
    })
}

fn parse_only(file: &Path) -> anyhow::Result<Measured> {
    measure(|| {
        let reader = Reader::new(
            std::fs::File::open(file)?,
            Format::Csv,
            ReadOptions::default(),
        )?;
        let mut rows = 0u64;
        for row in reader {
            row?;
            rows += 1;
        }
        Ok((rows, None))
    })
}

/// What the store alone takes for durable batches: every row parsed into memory first, then
/// written by `put_records` in batches of `import`'s size, each synced to disk at its commit.
/// `import` can run faster than this although it also reads: it prepares batches on another
/// thread and syncs once at its end.
fn put_parsed(store: &SqliteStore, file: &Path) -> anyhow::Result<Measured> {
    let reader = Reader::new(
        std::fs::File::open(file)?,
        Format::Csv,
        ReadOptions::default(),
    )?;
    let records = reader.collect::<Result<Vec<_>, _>>()?;
    let at = time::OffsetDateTime::now_utc();
    measure(|| {
        for batch in records.chunks(super::import::BATCH_ROWS) {
            store.put_records(batch, at)?;
        }
        Ok((records.len() as u64, None))
    })
}

fn import(store: &SqliteStore, file: &Path, on_error: OnError) -> anyhow::Result<Measured> {
    let plan = ImportPlan {
        files: vec![PathBuf::from(file)],
        format: None,
        options: ReadOptions::default(),
        on_error,
        progress: false,
    };
    measure(|| {
        let summary = import_files(store, &plan)?;
        anyhow::ensure!(
            summary.bad == 0 && summary.rejected == 0,
            "the generated file should import cleanly:\n{}",
            summary.report(&plan)
        );
        Ok((summary.read, Some(summary.elapsed.as_secs_f64())))
    })
}

/// A small deterministic generator (SplitMix64), so every run imports the same rows.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const OWNERS: &[&str] = &[
    "ncb-rabat",
    "ncb-madrid",
    "ncb-paris",
    "ncb-rome",
    "ncb-algiers",
    "ncb-tunis",
];
const STATES: &[&str] = &[
    "MAR", "ESP", "FRA", "ITA", "DZA", "TUN", "PRT", "DEU", "BEL", "NLD", "GBR", "SEN", "MRT",
    "LBY", "EGY", "TUR", "SYR", "IRQ", "NGA", "MLI",
];
const PLACES: &[&str] = &[
    "Casablanca",
    "Tanger",
    "Algeciras",
    "Marseille",
    "Genova",
    "Oran",
    "Tunis",
    "Paris",
    "Madrid, Barajas",
    "Roma",
];
const SURNAMES: &[&str] = &[
    "EL AMRANI",
    "BENALI",
    "GARCÍA LÓPEZ",
    "MARTIN",
    "ROSSI",
    "HADDAD",
    "TRAORÉ",
    "MÜLLER",
    "DIALLO",
    "BOUZID",
];
const GIVEN: &[&str] = &[
    "Youssef", "Karim", "Ana", "Jean", "Giulia", "Fatima", "Moussa", "Jörg", "Aminata", "Said",
];
const STATUSES: &[&str] = &[
    "stolen_issued",
    "lost",
    "lost",
    "stolen_blank",
    "revoked",
    "invalidated",
];

/// Writes `count` document rows as an NCB's SLTD extract would hold them: distinct numbers,
/// a mix of types and statuses, a holder on about two rows in three.
fn write_documents(file: &Path, count: u64) -> anyhow::Result<()> {
    let mut out = BufWriter::new(std::fs::File::create(file)?);
    writeln!(
        out,
        "owner,visibility,review_date,source_id,number,issuing_state,type,status,reported_on,\
         reported_place,holder_surname,holder_given_names,holder_birth_date,holder_nationality"
    )?;
    let mut dice = Dice(7);
    for i in 0..count {
        let owner = dice.pick(OWNERS);
        let visibility = if dice.below(10) == 0 {
            "\"countries:ESP,FRA,MAR\""
        } else {
            "all"
        };
        let state = dice.pick(STATES);
        let doc_type = match dice.below(10) {
            0..=6 => "passport",
            7..=8 => "id_card",
            _ => "visa",
        };
        // Distinct numbers in no particular order: two letters and a scrambled serial.
        let serial = i.wrapping_mul(2_654_435_761) % 10_000_000_000;
        let letters = [b'A' + (i % 26) as u8, b'A' + (i / 26 % 26) as u8];
        let number = format!("{}{serial:010}", std::str::from_utf8(&letters)?);
        let reported = format!(
            "20{:02}-{:02}-{:02}",
            15 + dice.below(10),
            1 + dice.below(12),
            1 + dice.below(28)
        );
        write!(
            out,
            "{owner},{visibility},,SLTD-{i},{number},{state},{doc_type},{},{reported},\"{}\",",
            dice.pick(STATUSES),
            dice.pick(PLACES)
        )?;
        if dice.below(3) < 2 {
            let birth = format!(
                "19{:02}-{:02}-{:02}",
                40 + dice.below(60),
                1 + dice.below(12),
                1 + dice.below(28)
            );
            writeln!(
                out,
                "{},{},{birth},{state}",
                dice.pick(SURNAMES),
                dice.pick(GIVEN)
            )?;
        } else {
            writeln!(out, ",,,")?;
        }
    }
    out.flush()?;
    Ok(())
}
