//! `portwatch import FILE…`: load native CSV or JSON Lines files into the store.
//!
//! Rows are read, serialised and hashed by a reader thread ([`PreparedRecords`]) and written
//! in batches of up to 50,000 by [`Store::put_prepared_deferred`] (one transaction each), so
//! preparing the next batch overlaps writing the last one. Batches do not wait for the disk:
//! one [`Store::sync`] at the end makes them durable before the summary says they were
//! imported (a power cut before it may lose the last batches, never part of one, and running
//! the import again completes it). Re-importing a file changes nothing; a changed row becomes a
//! new version.
//!
//! `--on-error abort` (the default) must import nothing of a file set with a bad row. Two ways
//! exist: hold the whole import in one transaction, or read every file once to check it before
//! importing. One transaction would keep a whole file's rows and undo journal pending and
//! block every other writer for the length of the import; the check pass costs one more
//! parse (much cheaper than writing, and spread over up to four cores since nothing else runs
//! yet) and keeps memory bounded by one batch, so portwatch checks first. The files must not
//! change between the two passes.

use std::fs::File;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::sync_channel;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use time::OffsetDateTime;

use portwatch_formats::native::{Format, ReadOptions, Reader, RowError};
use portwatch_model::{AgencyId, Database, RecordContent, Visibility};
use portwatch_report::grouped;
use portwatch_store::{PreparedRecords, PutOutcome, Store};

use super::import_lists::{self, ImportFormatArg, ListPlan};
use super::UsageError;

/// Rows per call to `put_prepared_deferred`: one transaction each.
///
/// Large, because natural keys reach the store's key index in random order: once the index
/// outgrows a batch, every batch rewrites nearly every leaf of it, whatever the batch's size,
/// so the cost per row falls with the batch. Measured with `portwatch import` of 3 million
/// document rows into a fresh store: 103k rows/s with batches of 10,000, 163–176k with
/// 50,000, 191k with 100,000 (but 500 MB resident against 310 MB); 300,000 rows import as
/// fast either way. The price: other writes to the same SQLite store (a record changed through
/// the API, a stored hit) wait for the batch being written, about a sixth of a second; a
/// search's audit entry does not (the audit chain has a file and a write lock of its own).
pub const BATCH_ROWS: usize = 50_000;

/// The smallest batch: the first of a file, and the last ones (see [`BatchSizes`]).
const FIRST_BATCH_ROWS: usize = BATCH_ROWS / 8;

/// How many rows the reader thread puts in each batch of a file.
///
/// Reading a batch and writing the one before overlap, but the writer waits while the first
/// batch is read, and once the file is read only the writer works, on the last batch. Both
/// waits are short with small batches at the two ends: the first has [`FIRST_BATCH_ROWS`] and
/// each next one twice as many, up to [`BATCH_ROWS`]; near the end each batch takes half of
/// the rows estimated to be left (from the bytes read so far), down to [`FIRST_BATCH_ROWS`].
/// The small first batch is what `bench import` shows (writing is the slower side there): a
/// 300,000-row import runs about 8 % faster. The small last ones matter when reading is the
/// slower side, and cost a few more commits otherwise.
#[derive(Debug)]
struct BatchSizes {
    next: usize,
    file_len: u64,
}

impl BatchSizes {
    fn new(file_len: u64) -> BatchSizes {
        BatchSizes {
            next: FIRST_BATCH_ROWS,
            file_len,
        }
    }

    /// Rows in the batch being filled.
    fn current(&self) -> usize {
        self.next
    }

    /// Moves on to the next batch, once `rows` rows have taken `bytes` bytes of the file.
    fn advance(&mut self, rows: u64, bytes: u64) {
        let ramp_up = (self.next * 2).min(BATCH_ROWS);
        // A file of unknown length (a pipe shows 0) keeps full batches to its end.
        let left = if rows == 0 || bytes == 0 || self.file_len == 0 {
            u64::MAX
        } else {
            self.file_len.saturating_sub(bytes).saturating_mul(rows) / bytes
        };
        let ramp_down = usize::try_from(left / 2).unwrap_or(usize::MAX);
        self.next = ramp_up.min(ramp_down).max(FIRST_BATCH_ROWS);
    }
}

/// How many bad rows (and refused rows) the summary lists before "and N more".
const SHOWN_PROBLEMS: usize = 20;

/// Below this size a file imports in a blink: no progress bar.
const PROGRESS_MIN_BYTES: u64 = 4 << 20;

/// The kind of records of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    Documents,
    Persons,
    Vehicles,
}

impl From<KindArg> for Database {
    fn from(kind: KindArg) -> Database {
        match kind {
            KindArg::Documents => Database::Documents,
            KindArg::Persons => Database::Persons,
            KindArg::Vehicles => Database::Vehicles,
        }
    }
}

/// A native file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Csv,
    Jsonl,
}

impl From<FormatArg> for Format {
    fn from(format: FormatArg) -> Format {
        match format {
            FormatArg::Csv => Format::Csv,
            FormatArg::Jsonl => Format::Jsonl,
        }
    }
}

/// What to do with a bad row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnError {
    /// Import the good rows and list the bad ones.
    Skip,
    /// Check every file first; import nothing at all if any row is bad.
    Abort,
}

/// Load records from native CSV or JSON Lines files.
#[derive(Debug, Args)]
#[command(after_help = IMPORT_HELP)]
pub struct ImportArgs {
    /// Files to import: `.csv` (one kind per file, with a header) or `.jsonl` (one record per
    /// line, kinds may mix).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// The format of every file, when their extensions do not tell it; the watch-list
    /// formats (un-xml, ofac-csv, ftm) must be named.
    #[arg(long, value_enum)]
    pub format: Option<ImportFormatArg>,

    /// The kind every row must be; by default the CSV header (or each JSON line) tells it.
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,

    /// What to do with bad rows.
    #[arg(long, value_enum, default_value_t = OnError::Abort)]
    pub on_error: OnError,

    /// The owning agency of rows that name none (no `owner` column, or a blank cell).
    #[arg(long, value_name = "AGENCY", value_parser = parse_owner)]
    pub owner: Option<AgencyId>,

    /// The visibility of rows that give none: `all`, `owner_only` or `countries:MAR,ESP`.
    #[arg(long, value_parser = parse_visibility)]
    pub visibility: Option<Visibility>,

    /// Do not draw a progress bar.
    #[arg(long)]
    pub no_progress: bool,
}

const IMPORT_HELP: &str = "\
Examples:
  portwatch import sltd-2024-06.csv
  portwatch import --on-error skip smv.csv nominal.jsonl
  portwatch import --owner bp-tanger-med --visibility all --kind documents lost.csv
  portwatch import --format un-xml --owner un-sc consolidated.xml
  portwatch import --format ofac-csv --owner ofac sdn.csv alt.csv add.csv
  portwatch import --format ftm --owner opensanctions entities.ftm.json

The formats are described with examples in docs/formats.md. A CSV file holds one kind; its
header tells which (a column issuing_state: documents, owner_ref: persons, vin: vehicles).
Columns may be in any order, and optional ones left out.

Importing is idempotent: a row equal to its record's latest version changes nothing, a
changed row becomes a new version of its record. Records are found by their natural key:
issuing state + number + type for documents, the VIN for vehicles, the owner and owner_ref
for persons. A row whose key belongs to another agency's record is refused.

Exit status: 0 when every row was imported; 2 for bad input (bad rows, a file that cannot
be read, refused rows), with the reasons listed; 1 for any other error.";

fn parse_owner(raw: &str) -> Result<AgencyId, String> {
    AgencyId::parse(raw).map_err(|e| e.to_string())
}

fn parse_visibility(raw: &str) -> Result<Visibility, String> {
    raw.parse()
        .map_err(|e: portwatch_model::ModelError| e.to_string())
}

pub fn run(args: ImportArgs, data: &Path, store: Option<&str>) -> anyhow::Result<()> {
    if let Some(list) = args.format.and_then(ImportFormatArg::list) {
        let plan = ListPlan::new(list, args.files, args.owner, args.visibility, args.on_error)?;
        return import_lists::run(plan, data, store);
    }
    let store = super::open_store(data, store)?;
    let plan = ImportPlan {
        files: args.files,
        format: args.format.and_then(ImportFormatArg::native),
        options: ReadOptions {
            kind: args.kind.map(Database::from),
            default_owner: args.owner,
            default_visibility: args.visibility,
        },
        on_error: args.on_error,
        progress: !args.no_progress && std::io::stderr().is_terminal(),
    };
    let summary = import_files(store.as_ref(), &plan)?;
    print!("{}", summary.report(&plan));
    summary.outcome(plan.on_error)
}

/// Everything an import needs besides the store.
#[derive(Debug, Clone)]
pub struct ImportPlan {
    pub files: Vec<PathBuf>,
    /// The format of every file; `None` tells it from each file's extension.
    pub format: Option<Format>,
    pub options: ReadOptions,
    pub on_error: OnError,
    /// Draw a progress bar on stderr for large files.
    pub progress: bool,
}

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportSummary {
    /// Rows read, good and bad.
    pub read: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Good rows the store refused: their record belongs to another agency.
    pub rejected: u64,
    pub bad: u64,
    /// The first bad rows, with their file.
    pub bad_shown: Vec<(PathBuf, RowError)>,
    /// Why the first refused rows were refused.
    pub rejected_shown: Vec<String>,
    /// True when `--on-error abort` found bad rows and imported nothing.
    pub aborted: bool,
    pub elapsed: Duration,
}

impl ImportSummary {
    fn bad_row(&mut self, file: &Path, error: RowError) {
        self.bad += 1;
        if self.bad_shown.len() < SHOWN_PROBLEMS {
            self.bad_shown.push((file.to_path_buf(), error));
        }
    }

    fn tally(&mut self, outcomes: &[PutOutcome]) {
        for outcome in outcomes {
            match outcome {
                PutOutcome::Created { .. } => self.created += 1,
                PutOutcome::Updated { .. } => self.updated += 1,
                PutOutcome::Unchanged { .. } => self.unchanged += 1,
                PutOutcome::Rejected { reason, .. } => {
                    self.rejected += 1;
                    if self.rejected_shown.len() < SHOWN_PROBLEMS {
                        self.rejected_shown.push(reason.clone());
                    }
                }
            }
        }
    }

    /// Rows per second over the whole import.
    pub fn rows_per_second(&self) -> f64 {
        self.read as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// The summary a user reads at the end.
    pub fn report(&self, plan: &ImportPlan) -> String {
        let mut out = String::new();
        let files = plan.files.len();
        out.push_str(&format!(
            "{} {} file{} in {:.1} s ({} rows/s)\n",
            if self.aborted { "Checked" } else { "Imported" },
            files,
            if files == 1 { "" } else { "s" },
            self.elapsed.as_secs_f64(),
            grouped(self.rows_per_second() as u64),
        ));
        for (label, count) in [
            ("read", self.read),
            ("created", self.created),
            ("updated", self.updated),
            ("unchanged", self.unchanged),
            ("rejected", self.rejected),
            ("bad rows", self.bad),
        ] {
            out.push_str(&format!("  {label:<10} {:>12}\n", grouped(count)));
        }
        if self.bad > 0 {
            out.push_str("Bad rows:\n");
            for (file, error) in &self.bad_shown {
                out.push_str(&format!("  {}: {error}\n", file.display()));
            }
            more(&mut out, self.bad, self.bad_shown.len());
        }
        if self.rejected > 0 {
            out.push_str("Refused rows (records of another agency):\n");
            for reason in &self.rejected_shown {
                out.push_str(&format!("  {reason}\n"));
            }
            more(&mut out, self.rejected, self.rejected_shown.len());
        }
        out
    }

    /// The command's result: bad input is an error (exit 2) even when the good rows were
    /// imported, so that a script notices.
    pub fn outcome(&self, on_error: OnError) -> anyhow::Result<()> {
        if self.aborted {
            return Err(UsageError(format!(
                "nothing was imported: {} bad row{} (listed above); fix them, or pass \
                 --on-error skip to import the good rows",
                grouped(self.bad),
                plural(self.bad)
            ))
            .into());
        }
        let mut problems = Vec::new();
        if self.bad > 0 {
            let verb = if on_error == OnError::Skip {
                "skipped"
            } else {
                "found"
            };
            problems.push(format!(
                "{} bad row{} {verb}",
                grouped(self.bad),
                plural(self.bad)
            ));
        }
        if self.rejected > 0 {
            problems.push(format!(
                "{} row{} refused",
                grouped(self.rejected),
                plural(self.rejected)
            ));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(UsageError(format!(
                "{} (listed above); the other rows were imported",
                problems.join(", ")
            ))
            .into())
        }
    }
}

fn more(out: &mut String, total: u64, shown: usize) {
    if total > shown as u64 {
        out.push_str(&format!("  … and {} more\n", grouped(total - shown as u64)));
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Imports every file of the plan (see the module docs for `--on-error abort`).
pub fn import_files(store: &dyn Store, plan: &ImportPlan) -> anyhow::Result<ImportSummary> {
    let started = Instant::now();
    let formats = plan
        .files
        .iter()
        .map(|file| file_format(file, plan.format))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let progress = Progress::new(plan)?;
    let mut summary = ImportSummary::default();
    if plan.on_error == OnError::Abort {
        progress.start("checking");
        for (file, format) in plan.files.iter().zip(&formats) {
            check_file(file, *format, &plan.options, &mut summary, &progress)?;
        }
        if summary.bad > 0 {
            summary.aborted = true;
            summary.elapsed = started.elapsed();
            progress.finish();
            return Ok(summary);
        }
        summary = ImportSummary::default();
    }
    progress.start("importing");
    let imported = plan
        .files
        .iter()
        .zip(&formats)
        .try_for_each(|(file, format)| {
            import_file(store, file, *format, &plan.options, &mut summary, &progress)
        });
    // Batches are written without waiting for the disk; one sync makes them all durable
    // before anything is reported, and keeps what was written when an import stops on an error.
    let synced = store
        .sync()
        .context("making the imported records durable on disk");
    imported?;
    synced?;
    progress.finish();
    summary.elapsed = started.elapsed();
    Ok(summary)
}

fn file_format(file: &Path, given: Option<Format>) -> anyhow::Result<Format> {
    given.or_else(|| Format::from_path(file)).ok_or_else(|| {
        UsageError(format!(
            "{}: cannot tell the format from the file name; name it .csv or .jsonl, or pass \
             --format csv|jsonl",
            file.display()
        ))
        .into()
    })
}

fn open(file: &Path, progress: &Progress) -> anyhow::Result<CountingRead<File>> {
    let opened =
        File::open(file).map_err(|e| UsageError(format!("cannot open {}: {e}", file.display())))?;
    Ok(CountingRead {
        inner: opened,
        count: progress.bytes.clone(),
    })
}

/// Decoding threads of the check pass at most: reading rows, which stays on one thread, is
/// about a fifth of parsing (a 300,000-row CSV: 0.05 s of 0.24 s), so more than four decoders
/// would wait for it.
const MAX_CHECK_THREADS: usize = 4;

/// The check pass of `--on-error abort`: reads every row, keeps only the bad ones. Rows are
/// decoded on one thread per core (at most [`MAX_CHECK_THREADS`]) beside this one, which only
/// reads: the pass comes before any write, so it has the machine to itself.
fn check_file(
    file: &Path,
    format: Format,
    options: &ReadOptions,
    summary: &mut ImportSummary,
    progress: &Progress,
) -> anyhow::Result<()> {
    let reader = match Reader::new(open(file, progress)?, format, options.clone()) {
        Ok(reader) => reader,
        Err(header) => {
            summary.bad_row(file, header);
            return Ok(());
        }
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(MAX_CHECK_THREADS);
    let checked = reader.check(threads, SHOWN_PROBLEMS, || progress.tick());
    summary.read += checked.rows;
    let unshown = checked.bad_count - checked.bad.len() as u64;
    for e in checked.bad {
        summary.bad_row(file, e);
    }
    summary.bad += unshown;
    Ok(())
}

/// A batch as the reader thread collects it: good rows and the bad rows among them.
struct Batch {
    records: Vec<RecordContent>,
    bad: Vec<RowError>,
}

/// What the reader thread hands the writer: a batch with its good rows already serialised
/// and hashed ([`PreparedRecords`]), so that the writer only writes.
struct ReadyBatch {
    records: portwatch_store::Result<PreparedRecords>,
    bad: Vec<RowError>,
}

/// Reads and prepares on one thread and writes on this one, a bounded number of batches
/// apart: with two cores, parsing and encoding the next batch overlap writing this one.
fn import_file(
    store: &dyn Store,
    file: &Path,
    format: Format,
    options: &ReadOptions,
    summary: &mut ImportSummary,
    progress: &Progress,
) -> anyhow::Result<()> {
    // The progress counter runs over every file of the import; this file's bytes start here.
    let bytes_before = progress.bytes.load(Ordering::Relaxed);
    let reader = match Reader::new(open(file, progress)?, format, options.clone()) {
        Ok(reader) => reader,
        Err(header) => {
            summary.bad_row(file, header);
            return Ok(());
        }
    };
    let file_len = std::fs::metadata(file).map_or(0, |m| m.len());
    let bytes_read = Arc::clone(&progress.bytes);
    let (sender, batches) = sync_channel::<ReadyBatch>(2);
    // Written batches go back to the reader thread to be freed: memory is freed fastest by
    // the thread that allocated it, and the writer is the import's bottleneck.
    let (written, to_free) = std::sync::mpsc::channel::<PreparedRecords>();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut batch = Batch::new();
            let mut sizes = BatchSizes::new(file_len);
            let mut rows = 0u64;
            for row in reader {
                match row {
                    Ok(record) => batch.records.push(record),
                    Err(e) => batch.bad.push(e),
                }
                rows += 1;
                if batch.records.len() + batch.bad.len() >= sizes.current() {
                    let bytes = bytes_read
                        .load(Ordering::Relaxed)
                        .saturating_sub(bytes_before);
                    sizes.advance(rows, bytes);
                    let full = std::mem::replace(&mut batch, Batch::new());
                    if sender.send(full.prepare()).is_err() {
                        return; // The writer stopped on an error.
                    }
                    to_free.try_iter().for_each(drop);
                }
            }
            // The writer may have stopped on an error; nothing more to do then.
            let _ = sender.send(batch.prepare());
        });
        for batch in batches {
            let records = batch
                .records
                .with_context(|| format!("importing {}", file.display()))?;
            summary.read += (records.len() + batch.bad.len()) as u64;
            for e in batch.bad {
                summary.bad_row(file, e);
            }
            if !records.is_empty() {
                let outcomes = store
                    .put_prepared_deferred(&records, OffsetDateTime::now_utc())
                    .with_context(|| format!("importing {}", file.display()))?;
                summary.tally(&outcomes);
            }
            // The reader has stopped only if it is done; then this thread frees the batch.
            let _ = written.send(records);
            progress.tick();
        }
        Ok(())
    })
}

impl Batch {
    fn new() -> Self {
        Batch {
            records: Vec::with_capacity(BATCH_ROWS),
            bad: Vec::new(),
        }
    }

    fn prepare(self) -> ReadyBatch {
        ReadyBatch {
            records: PreparedRecords::new(self.records),
            bad: self.bad,
        }
    }
}

/// Counts the bytes read, for the progress bar.
struct CountingRead<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for CountingRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// A progress bar over the bytes of every file, drawn only on a terminal for large imports.
struct Progress {
    bar: Option<ProgressBar>,
    bytes: Arc<AtomicU64>,
}

impl Progress {
    fn new(plan: &ImportPlan) -> anyhow::Result<Self> {
        let mut total = 0;
        for file in &plan.files {
            total += std::fs::metadata(file)
                .map_err(|e| UsageError(format!("cannot open {}: {e}", file.display())))?
                .len();
        }
        let bar = (plan.progress && total >= PROGRESS_MIN_BYTES).then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{msg:>10} [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec}, {eta} left",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar
        });
        Ok(Progress {
            bar,
            bytes: Arc::new(AtomicU64::new(0)),
        })
    }

    fn start(&self, what: &'static str) {
        self.bytes.store(0, Ordering::Relaxed);
        if let Some(bar) = &self.bar {
            bar.set_message(what);
            bar.set_position(0);
        }
    }

    fn tick(&self) {
        if let Some(bar) = &self.bar {
            bar.set_position(self.bytes.load(Ordering::Relaxed));
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The batch sizes of a file of `rows` rows of `row_len` bytes each, as the reader cuts it.
    fn cut(rows: u64, row_len: u64) -> Vec<usize> {
        let mut sizes = BatchSizes::new(rows * row_len);
        let (mut read, mut batches) = (0u64, Vec::new());
        while read < rows {
            let batch = (sizes.current() as u64).min(rows - read);
            read += batch;
            batches.push(batch as usize);
            sizes.advance(read, read * row_len);
        }
        batches
    }

    #[test]
    fn batches_are_small_at_both_ends_of_a_file_and_full_in_between() {
        let batches = cut(300_000, 100);
        assert_eq!(batches.iter().sum::<usize>(), 300_000);
        assert_eq!(batches[..4], [6_250, 12_500, 25_000, 50_000], "{batches:?}");
        assert!(batches.iter().all(|&b| b <= BATCH_ROWS), "{batches:?}");
        assert!(batches.iter().filter(|&&b| b == BATCH_ROWS).count() >= 3);
        let last = *batches.last().unwrap();
        assert!(
            last <= FIRST_BATCH_ROWS,
            "the writer's work after reading is short: {batches:?}"
        );
    }

    #[test]
    fn a_small_file_is_one_batch_and_an_unknown_length_keeps_full_batches() {
        assert_eq!(cut(4_000, 100), [4_000]);
        let mut sizes = BatchSizes::new(0);
        for _ in 0..6 {
            sizes.advance(1_000_000, 100_000_000);
        }
        assert_eq!(sizes.current(), BATCH_ROWS);
    }
}
