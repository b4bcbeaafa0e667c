//! `portwatch export`: write the store's records in a native format, ready to be imported
//! elsewhere (or again here, which then changes nothing).

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use clap::Args;

use portwatch_formats::native::{Format, WriteError, Writer};
use portwatch_model::{Database, Id, Record};
use portwatch_report::grouped;
use portwatch_store::Store;

use super::import::{FormatArg, KindArg};
use super::UsageError;

/// Write records to a native CSV or JSON Lines file.
#[derive(Debug, Args)]
#[command(after_help = EXPORT_HELP)]
pub struct ExportArgs {
    /// The kind of records to export; required for CSV (one kind per file), every kind by
    /// default for JSON Lines.
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,

    /// The format; by default told by the extension of --out, else csv.
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,

    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Also export cancelled records (their last content). Importing such a file makes them
    /// active again: use it for archives, not to copy a store.
    #[arg(long)]
    pub include_cancelled: bool,
}

const EXPORT_HELP: &str = "\
Examples:
  portwatch export --kind documents --out sltd.csv
  portwatch export --format jsonl --out everything.jsonl
  portwatch export --kind vehicles --format jsonl | gzip > smv.jsonl.gz

Each record is written once, as its latest version, in the formats of docs/formats.md:
importing the file into another store gives the same records, and importing it into this
store changes nothing.";

pub fn run(args: ExportArgs, data: &Path, store: Option<&str>) -> anyhow::Result<()> {
    let format = args
        .format
        .map(Format::from)
        .or_else(|| args.out.as_deref().and_then(Format::from_path))
        .unwrap_or(Format::Csv);
    let kind = args.kind.map(Database::from);
    if format == Format::Csv && kind.is_none() {
        return Err(UsageError(
            "a CSV file holds one kind of record: pass --kind documents|persons|vehicles, or \
             --format jsonl for every kind in one file"
                .into(),
        )
        .into());
    }
    let store = super::open_store(data, store)?;
    let output: Box<dyn Write> = match &args.out {
        Some(path) => {
            Box::new(BufWriter::new(File::create(path).map_err(|e| {
                UsageError(format!("cannot create {}: {e}", path.display()))
            })?))
        }
        None => Box::new(BufWriter::new(std::io::stdout().lock())),
    };
    let mut writer = Writer::new(output, format, kind)?;
    let written = if args.include_cancelled {
        export_latest_versions(store.as_ref(), kind, &mut writer)?
    } else {
        export_active(store.as_ref(), kind, &mut writer)?
    };
    writer.finish()?.flush()?;
    if let Some(path) = &args.out {
        eprintln!(
            "Exported {} {} record{} to {}",
            grouped(written),
            kind.map_or("", Database::as_str),
            if written == 1 { "" } else { "s" },
            path.display()
        );
    }
    Ok(())
}

/// Writes the latest version of every active record of `kind` (or of every kind).
fn export_active<W: Write>(
    store: &dyn Store,
    kind: Option<Database>,
    writer: &mut Writer<W>,
) -> anyhow::Result<u64> {
    let mut written = 0;
    let mut failure: Option<WriteError> = None;
    store.for_each_active(&mut |record: Record| {
        if failure.is_some() || kind.is_some_and(|k| k != record.content.database()) {
            return;
        }
        match writer.write(&record.content) {
            Ok(()) => written += 1,
            Err(e) => failure = Some(e),
        }
    })?;
    match failure {
        Some(e) => Err(e.into()),
        None => Ok(written),
    }
}

/// Changes read from the log per call.
const PAGE: usize = 10_000;

/// Writes the latest version of every record, cancelled ones too, in change-log order.
///
/// The store lists only active records directly, so this reads the change log twice up to
/// the position where it started: once to learn each record's last position, once to write
/// the version found there. Memory holds one id and position per record, not the records.
fn export_latest_versions<W: Write>(
    store: &dyn Store,
    kind: Option<Database>,
    writer: &mut Writer<W>,
) -> anyhow::Result<u64> {
    let head = store.head_seq()?;
    let mut latest: HashMap<Id, u64> = HashMap::new();
    walk_log(store, head, &mut |seq, record| {
        if kind.is_none_or(|k| k == record.content.database()) {
            latest.insert(record.id, seq);
        }
        Ok(())
    })?;
    let mut written = 0;
    walk_log(store, head, &mut |seq, record| {
        if latest.get(&record.id) == Some(&seq) {
            writer.write(&record.content)?;
            written += 1;
        }
        Ok(())
    })?;
    Ok(written)
}

fn walk_log(
    store: &dyn Store,
    head: u64,
    visit: &mut dyn FnMut(u64, &Record) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut after = 0;
    while after < head {
        let changes = store.changes_since(after, PAGE)?;
        if changes.is_empty() {
            break;
        }
        for change in &changes {
            if change.seq > head {
                return Ok(());
            }
            visit(change.seq, &change.record)?;
            after = change.seq;
        }
    }
    Ok(())
}
