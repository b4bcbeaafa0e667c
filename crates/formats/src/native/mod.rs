//! portwatch's own file formats, CSV and JSON Lines, for each kind of record (documents,
//! persons, vehicles): what `portwatch import` reads and `portwatch export` writes, so that
//! export → import gives back exactly the same records. `docs/formats.md` is the user's guide.
//!
//! - **JSON Lines**: one [`RecordContent`] per line, in the model's own JSON shape; the kind is
//!   the body's key (`document`, `person`, `vehicle`), so one file may mix kinds.
//! - **CSV**: one kind per file with a flat header ([`columns`](mod@columns)); the kind is
//!   told by the header (or given). Columns may come in any order; optional ones may be left
//!   out; lists sit in one cell separated by `|` ([`cells`]).
//!
//! Readers are streaming iterators of `Result<RecordContent, RowError>`: a bad row is reported
//! with its line, field and rule and the rows after it are still read, so the caller decides
//! whether to skip or abort. Memory stays bounded by one row. The CSV reader resolves the header
//! once and reuses one record buffer, so parsing is not what limits an import.
//! [`Reader::check`] checks a whole file without keeping its records, decoding rows on several
//! threads while one reads them.

pub mod cells;
mod check;
pub mod columns;
mod csv_read;
mod csv_write;
mod jsonl;

use std::fmt;
use std::io::{Read, Write};
use std::path::Path;
use std::str::FromStr;

use portwatch_model::{AgencyId, Database, RecordContent, Visibility};

pub use check::Checked;
pub use columns::{columns, Column};
pub use csv_read::CsvReader;
pub use csv_write::CsvWriter;
pub use jsonl::{JsonlReader, JsonlWriter};

/// The two native formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Csv,
    Jsonl,
}

impl Format {
    /// The format a file name implies: `.csv`, or `.jsonl` / `.ndjson` / `.json`.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv),
            "jsonl" | "ndjson" | "json" => Some(Format::Jsonl),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "csv" => Ok(Format::Csv),
            "jsonl" => Ok(Format::Jsonl),
            _ => Err(format!("format must be csv or jsonl, got {s:?}")),
        }
    }
}

/// How to read a file: its kind when the caller knows it, and values for rows that lack them.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// The kind every row must be; `None` tells it from the CSV header or each JSON line.
    pub kind: Option<Database>,
    /// The owner of rows without one (no `owner` column, a blank cell, no `owner` key).
    pub default_owner: Option<AgencyId>,
    /// The visibility of rows without one.
    pub default_visibility: Option<Visibility>,
}

/// A row that cannot become a record: where it is, which field, and which rule it breaks.
///
/// Displays as ``line 12, field `issuing_state`: must be an ISO 3166-1 alpha-3 country code …``.
/// For CSV the field is the column name; for JSON Lines it is the path in the record
/// (`document.issuing_state`). Problems with the file as a whole (an empty file, a bad header)
/// are reported on line 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// 1-based line of the file where the row starts.
    pub line: u64,
    /// The column or field at fault; empty when the row as a whole is.
    pub field: String,
    /// What the value should have been.
    pub reason: String,
}

impl RowError {
    pub fn new(line: u64, field: impl Into<String>, reason: impl Into<String>) -> Self {
        RowError {
            line,
            field: field.into(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "line {}: {}", self.line, self.reason)
        } else {
            write!(
                f,
                "line {}, field `{}`: {}",
                self.line, self.field, self.reason
            )
        }
    }
}

impl std::error::Error for RowError {}

/// A reader of either native format.
pub enum Reader<R: Read> {
    Csv(Box<CsvReader<R>>),
    Jsonl(JsonlReader<R>),
}

impl<R: Read> Reader<R> {
    /// Starts reading `input`. A CSV header is read and checked here, so a file whose header
    /// is wrong fails at once, before any row.
    pub fn new(input: R, format: Format, options: ReadOptions) -> Result<Self, RowError> {
        Ok(match format {
            Format::Csv => Reader::Csv(Box::new(CsvReader::new(input, options)?)),
            Format::Jsonl => Reader::Jsonl(JsonlReader::new(input, options)),
        })
    }

    /// The kind of every row, when known before reading them (always for CSV).
    pub fn kind(&self) -> Option<Database> {
        match self {
            Reader::Csv(r) => Some(r.kind()),
            Reader::Jsonl(r) => r.kind(),
        }
    }
}

impl<R: Read> Iterator for Reader<R> {
    type Item = Result<RecordContent, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Reader::Csv(r) => r.next(),
            Reader::Jsonl(r) => r.next(),
        }
    }
}

/// A writer of either native format.
pub enum Writer<W: Write> {
    Csv(Box<CsvWriter<W>>),
    Jsonl(JsonlWriter<W>),
}

/// Why a record could not be written.
#[derive(Debug)]
pub enum WriteError {
    Io(std::io::Error),
    /// A CSV file holds one kind; this record is of another.
    WrongKind {
        expected: Database,
        found: Database,
    },
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Io(e) => write!(f, "cannot write: {e}"),
            WriteError::WrongKind { expected, found } => write!(
                f,
                "a {expected} CSV file cannot hold a {found} record; export one kind per CSV file"
            ),
        }
    }
}

impl std::error::Error for WriteError {}

impl From<std::io::Error> for WriteError {
    fn from(e: std::io::Error) -> Self {
        WriteError::Io(e)
    }
}

impl From<csv::Error> for WriteError {
    fn from(e: csv::Error) -> Self {
        WriteError::Io(e.into())
    }
}

impl<W: Write> Writer<W> {
    /// Starts a file. CSV needs the kind, and writes its header at once (so even an empty
    /// export has one); JSON Lines takes any kind.
    pub fn new(output: W, format: Format, kind: Option<Database>) -> Result<Self, WriteError> {
        match (format, kind) {
            (Format::Csv, Some(kind)) => Ok(Writer::Csv(Box::new(CsvWriter::new(output, kind)?))),
            (Format::Csv, None) => Err(WriteError::Io(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "a CSV file holds one kind of record: name the kind",
            ))),
            (Format::Jsonl, _) => Ok(Writer::Jsonl(JsonlWriter::new(output))),
        }
    }

    pub fn write(&mut self, record: &RecordContent) -> Result<(), WriteError> {
        match self {
            Writer::Csv(w) => w.write(record),
            Writer::Jsonl(w) => w.write(record),
        }
    }

    /// Flushes and gives back the output.
    pub fn finish(self) -> Result<W, WriteError> {
        match self {
            Writer::Csv(w) => w.finish(),
            Writer::Jsonl(w) => w.finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_errors_read_as_one_sentence() {
        let e = RowError::new(12, "issuing_state", "must be an ISO code");
        assert_eq!(
            e.to_string(),
            "line 12, field `issuing_state`: must be an ISO code"
        );
        assert_eq!(
            RowError::new(1, "", "the file is empty").to_string(),
            "line 1: the file is empty"
        );
    }

    #[test]
    fn formats_follow_file_extensions() {
        assert_eq!(Format::from_path(Path::new("a/b.CSV")), Some(Format::Csv));
        assert_eq!(
            Format::from_path(Path::new("b.ndjson")),
            Some(Format::Jsonl)
        );
        assert_eq!(Format::from_path(Path::new("b.txt")), None);
        assert_eq!(Format::from_path(Path::new("b")), None);
    }
}
