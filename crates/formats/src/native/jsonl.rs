//! JSON Lines: one record per line in the model's JSON shape.
//!
//! A good line is parsed straight into a [`RecordContent`] (the fast path). Only when that
//! fails is the line taken apart to find which field broke which rule, because serde's own
//! message for a nested value says what was wrong but not where.

use std::io::{BufRead, BufReader, Read, Write};

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use portwatch_model::{
    AgencyId, Database, Person, RecordBody, RecordContent, TravelDocument, Vehicle, Visibility,
};

use super::{ReadOptions, RowError, WriteError};

/// The longest line read; a longer one is reported and skipped rather than held in memory.
pub const MAX_LINE_BYTES: usize = 1 << 20;

const BODY_KEYS: [(&str, Database); 3] = [
    ("document", Database::Documents),
    ("person", Database::Persons),
    ("vehicle", Database::Vehicles),
];

/// Reads native JSON Lines. Blank lines are skipped.
pub struct JsonlReader<R: Read> {
    input: BufReader<R>,
    decoder: JsonlDecoder,
    line: u64,
    buffer: Vec<u8>,
    finished: bool,
}

impl<R: Read> JsonlReader<R> {
    pub fn new(input: R, options: ReadOptions) -> Self {
        JsonlReader {
            input: BufReader::with_capacity(1 << 16, input),
            decoder: JsonlDecoder { options },
            line: 0,
            buffer: Vec::with_capacity(1024),
            finished: false,
        }
    }

    /// The kind every line must be, when one was given.
    pub fn kind(&self) -> Option<Database> {
        self.decoder.options.kind
    }

    /// Reads the next line into the buffer; false at the end of the input.
    fn read_line(&mut self) -> Result<bool, RowError> {
        self.buffer.clear();
        self.line += 1;
        let limit = MAX_LINE_BYTES as u64 + 1;
        let read = (&mut self.input)
            .take(limit)
            .read_until(b'\n', &mut self.buffer)
            .map_err(|e| self.io_error(e))?;
        if read == 0 {
            return Ok(false);
        }
        if self.buffer.len() > MAX_LINE_BYTES && self.buffer.last() != Some(&b'\n') {
            self.skip_rest_of_line()?;
            return Err(RowError::new(
                self.line,
                "",
                format!("is longer than {MAX_LINE_BYTES} bytes; one record per line is expected"),
            ));
        }
        Ok(true)
    }

    fn skip_rest_of_line(&mut self) -> Result<(), RowError> {
        loop {
            self.buffer.clear();
            let read = (&mut self.input)
                .take(1 << 16)
                .read_until(b'\n', &mut self.buffer)
                .map_err(|e| self.io_error(e))?;
            if read == 0 || self.buffer.last() == Some(&b'\n') {
                return Ok(());
            }
        }
    }

    fn io_error(&mut self, e: std::io::Error) -> RowError {
        self.finished = true;
        RowError::new(self.line, "", format!("cannot read the file: {e}"))
    }

    /// A decoder of this file's lines, for this thread or another.
    pub(crate) fn decoder(&self) -> JsonlDecoder {
        self.decoder.clone()
    }

    /// Reads the next line that is not blank, without decoding it: its line number (its
    /// bytes are [`Self::line_bytes`]), or the error that stopped the reading of that line.
    /// `None` at the end of the file.
    pub(crate) fn next_raw(&mut self) -> Option<Result<u64, RowError>> {
        while !self.finished {
            match self.read_line() {
                Ok(false) => return None,
                Err(e) => return Some(Err(e)),
                Ok(true) if self.buffer.iter().all(u8::is_ascii_whitespace) => continue,
                Ok(true) => return Some(Ok(self.line)),
            }
        }
        None
    }

    /// The bytes of the line [`Self::next_raw`] read last.
    pub(crate) fn line_bytes(&self) -> &[u8] {
        &self.buffer
    }
}

/// Turns one line into a record: the read options. Cloned onto other threads to decode lines
/// there (for [`super::Reader::check`]).
#[derive(Clone)]
pub(crate) struct JsonlDecoder {
    options: ReadOptions,
}

impl JsonlDecoder {
    /// The record of `bytes`, line `line` of the file.
    pub(crate) fn decode(&self, bytes: &[u8], line: u64) -> Result<RecordContent, RowError> {
        JsonLine {
            decoder: self,
            bytes,
            line,
        }
        .parse()
    }
}

/// One line being decoded.
struct JsonLine<'a> {
    decoder: &'a JsonlDecoder,
    bytes: &'a [u8],
    line: u64,
}

impl JsonLine<'_> {
    fn parse(&self) -> Result<RecordContent, RowError> {
        let has_defaults = self.decoder.options.default_owner.is_some()
            || self.decoder.options.default_visibility.is_some();
        let parsed = if has_defaults || may_hold_several_bodies(self.bytes) {
            self.parse_through_value()
        } else {
            serde_json::from_slice::<RecordContent>(self.bytes).map_err(|_| self.diagnose())
        }?;
        match self.decoder.options.kind {
            Some(kind) if kind != parsed.database() => Err(RowError::new(
                self.line,
                body_key(parsed.database()),
                format!(
                    "holds a {} record, but this file must hold {kind}",
                    parsed.database()
                ),
            )),
            _ => Ok(parsed),
        }
    }

    /// The slow path: through a JSON value, to fill a missing owner or visibility, and to
    /// refuse a line with two bodies (serde would keep one and drop the other silently).
    fn parse_through_value(&self) -> Result<RecordContent, RowError> {
        let mut object = self.object()?;
        let bodies: Vec<&str> = BODY_KEYS
            .iter()
            .map(|(key, _)| *key)
            .filter(|key| object.contains_key(*key))
            .collect();
        if bodies.len() > 1 {
            return Err(RowError::new(
                self.line,
                "",
                format!(
                    "a record has exactly one of the keys document, person or vehicle, found {}",
                    bodies.join(", ")
                ),
            ));
        }
        if let Some(owner) = &self.decoder.options.default_owner {
            fill(&mut object, "owner", owner.as_str().into());
        }
        if let Some(visibility) = &self.decoder.options.default_visibility {
            fill(&mut object, "visibility", visibility.to_string().into());
        }
        serde_json::from_value(Value::Object(object)).map_err(|_| self.diagnose())
    }

    /// The line as a JSON object.
    fn object(&self) -> Result<Map<String, Value>, RowError> {
        if std::str::from_utf8(self.bytes).is_err() {
            return Err(RowError::new(self.line, "", "is not valid UTF-8 text"));
        }
        match serde_json::from_slice::<Value>(self.bytes) {
            Ok(Value::Object(object)) => Ok(object),
            Ok(_) => Err(RowError::new(self.line, "", "must be a JSON object {...}")),
            Err(e) => Err(RowError::new(
                self.line,
                "",
                format!("is not valid JSON: {}", json_reason(&e)),
            )),
        }
    }

    /// Finds the field of a line that does not parse, and the rule it breaks.
    fn diagnose(&self) -> RowError {
        let mut object = match self.object() {
            Ok(object) => object,
            Err(e) => return e,
        };
        if let Some(owner) = &self.decoder.options.default_owner {
            fill(&mut object, "owner", owner.as_str().into());
        }
        if let Some(visibility) = &self.decoder.options.default_visibility {
            fill(&mut object, "visibility", visibility.to_string().into());
        }
        match check_fields(&object) {
            Err((field, reason)) => RowError::new(self.line, field, reason),
            Ok(()) => RowError::new(self.line, "", "is not a valid record"),
        }
    }
}

impl<R: Read> Iterator for JsonlReader<R> {
    type Item = Result<RecordContent, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        let read = self.next_raw()?;
        Some(read.and_then(|line| self.decoder.decode(&self.buffer, line)))
    }
}

/// True when the line names more than one body key (or a value that looks like one): cheap
/// enough for every line, and rare enough that the slow path it selects costs nothing.
fn may_hold_several_bodies(line: &[u8]) -> bool {
    let names = |pattern: &[u8]| line.windows(pattern.len()).any(|w| w == pattern);
    let found = [&b"\"document\""[..], b"\"person\"", b"\"vehicle\""]
        .into_iter()
        .filter(|pattern| names(pattern))
        .count();
    found > 1
}

fn fill(object: &mut Map<String, Value>, key: &str, value: Value) {
    let missing = matches!(object.get(key), None | Some(Value::Null))
        || object
            .get(key)
            .and_then(Value::as_str)
            .is_some_and(|s| s.trim().is_empty());
    if missing {
        object.insert(key.to_string(), value);
    }
}

fn body_key(kind: Database) -> &'static str {
    BODY_KEYS
        .iter()
        .find(|(_, k)| *k == kind)
        .map_or("", |(key, _)| key)
}

/// serde_json's message without its "at line 1 column 7" (the line is already known).
fn json_reason(e: &serde_json::Error) -> String {
    let message = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    message
        .strip_suffix(&suffix)
        .unwrap_or(&message)
        .to_string()
}

type FieldProblem = (String, String);

/// Parses each field of a record on its own to name the one at fault.
fn check_fields(object: &Map<String, Value>) -> Result<(), FieldProblem> {
    let owner: AgencyId = required(object, "owner")?;
    let visibility: Visibility = required(object, "visibility")?;
    let review_date = optional(object, "review_date")?;
    let source_id = optional(object, "source_id")?;
    let present: Vec<&str> = BODY_KEYS
        .iter()
        .map(|(key, _)| *key)
        .filter(|key| object.contains_key(*key))
        .collect();
    let body =
        match present.as_slice() {
            ["document"] => RecordBody::Document(nested::<TravelDocument>(object, "document")?),
            ["person"] => RecordBody::Person(nested::<Person>(object, "person")?),
            ["vehicle"] => RecordBody::Vehicle(nested::<Vehicle>(object, "vehicle")?),
            _ => {
                return Err((
                    String::new(),
                    format!(
                    "a record has exactly one of the keys document, person or vehicle, found {}",
                    if present.is_empty() { "none".to_string() } else { present.join(", ") }
                ),
                ))
            }
        };
    RecordContent::new(owner, visibility, review_date, source_id, body)
        .map(drop)
        .map_err(|e| (e.field, e.rule))
}

fn required<T: DeserializeOwned>(
    object: &Map<String, Value>,
    key: &str,
) -> Result<T, FieldProblem> {
    match object.get(key) {
        None | Some(Value::Null) => Err((key.to_string(), "is missing".to_string())),
        Some(value) => T::deserialize(value).map_err(|e| (key.to_string(), e.to_string())),
    }
}

fn optional<T: DeserializeOwned>(
    object: &Map<String, Value>,
    key: &str,
) -> Result<Option<T>, FieldProblem> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => T::deserialize(value)
            .map(Some)
            .map_err(|e| (key.to_string(), e.to_string())),
    }
}

/// Parses a record body, naming the path of the value that fails (`document.holder.nationality`).
fn nested<T: DeserializeOwned>(object: &Map<String, Value>, key: &str) -> Result<T, FieldProblem> {
    let value = &object[key];
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." {
            key.to_string()
        } else {
            format!("{key}.{path}")
        };
        (field, e.into_inner().to_string())
    })
}

/// Writes native JSON Lines, one compact record per line.
pub struct JsonlWriter<W: Write> {
    output: std::io::BufWriter<W>,
}

impl<W: Write> JsonlWriter<W> {
    pub fn new(output: W) -> Self {
        JsonlWriter {
            output: std::io::BufWriter::with_capacity(1 << 16, output),
        }
    }

    pub fn write(&mut self, record: &RecordContent) -> Result<(), WriteError> {
        serde_json::to_writer(&mut self.output, record).map_err(std::io::Error::from)?;
        self.output.write_all(b"\n")?;
        Ok(())
    }

    /// Flushes and gives back the output.
    pub fn finish(self) -> Result<W, WriteError> {
        self.output
            .into_inner()
            .map_err(|e| WriteError::Io(e.into_error()))
    }
}
