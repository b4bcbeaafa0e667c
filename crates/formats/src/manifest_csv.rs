//! The plain CSV manifest: one traveller and/or vehicle a row, the columns named by a header.
//!
//! ```csv
//! reference,surname,given_names,birth_date,sex,nationality,document_number,document_type,issuing_state,vin,plate,plate_country
//! cabin 12,EL AMRANI,Youssef,1985-07-14,M,MAR,AB1234567,passport,MAR,,,
//! car deck 3,GARCIA LOPEZ,Ana,1990-02,F,ESP,,,,VF1RFB00X56789012,1234BCD,ESP
//! ```
//!
//! - Column names are matched case-insensitively, in any order; every column is optional. An
//!   unknown or repeated column is an error naming every such column, before any row is read
//!   (a misspelt `nationalty` must not silently screen less).
//! - `full_name` may stand for (or beside) `surname` + `given_names`; `document_issuer` is
//!   another name for `issuing_state`; `kind` (`traveller` or `vehicle`) is optional and, when
//!   given, says which half of the row must be filled.
//! - A row is a **traveller** when it has a name or a document number, a **vehicle** when it
//!   has a VIN or a plate; a row with both yields two entries (the driver and the car), with the
//!   same reference. A row whose cells are all blank is skipped.
//! - Blank cells are absent values. Dates of birth are `YYYY`, `YYYY-MM` or `YYYY-MM-DD`;
//!   countries ISO 3166-1 alpha-3; `sex` `M`, `F` or `X`; `document_type` `passport`,
//!   `id_card`, `visa` or `other` (screening matches a document by number and issuing state
//!   whatever its type, so the type is checked but not sent).
//!
//! Every row yields its entries or one [`ManifestError`] with the line, the column and the rule.

use std::io::Read;

use csv::ByteRecord;
use portwatch_engine::{Subject, TravellerRequest, VehicleRequest};

use crate::csv_rows::{header_cell, is_blank, width_mismatch};
use crate::manifest::{
    check_subject, entry, traveller_is_empty, vehicle_is_empty, ManifestError, ManifestItem,
};

/// The columns a CSV manifest may have, in the order the docs list them.
pub const COLUMNS: &[&str] = &[
    "reference",
    "kind",
    "surname",
    "given_names",
    "full_name",
    "birth_date",
    "sex",
    "nationality",
    "document_number",
    "document_type",
    "issuing_state",
    "document_issuer",
    "vin",
    "plate",
    "plate_country",
];

/// Longest cell accepted (a manifest cell is a name or a code; more is not a manifest).
const MAX_CELL_BYTES: usize = 300;

/// Reads a CSV manifest: the header is checked at once; iterate for one result per row.
pub fn read<R: Read>(input: R) -> Result<CsvManifestReader<R>, ManifestError> {
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input);
    let mut record = ByteRecord::new();
    match csv.read_byte_record(&mut record) {
        Ok(true) => {}
        Ok(false) => {
            return Err(ManifestError::new(
                1,
                "",
                format!(
                    "the file is empty: a CSV manifest starts with a header line naming its \
                     columns ({})",
                    COLUMNS.join(",")
                ),
            ))
        }
        Err(e) => return Err(csv_error(1, &e)),
    }
    let positions = resolve_header(&record)?;
    Ok(CsvManifestReader {
        csv,
        width: record.len(),
        positions,
        record,
        finished: false,
    })
}

/// Reads a whole CSV manifest held in memory: the header's error, or one result per row.
pub fn read_all(input: &[u8]) -> Result<Vec<Result<ManifestItem, ManifestError>>, ManifestError> {
    Ok(read(input)?.collect())
}

/// The rows of a CSV manifest, one result each (see the [module docs](self)).
pub struct CsvManifestReader<R: Read> {
    csv: csv::Reader<R>,
    width: usize,
    /// For each of [`COLUMNS`], its position in the file's rows.
    positions: [Option<usize>; COLUMNS.len()],
    record: ByteRecord,
    finished: bool,
}

fn csv_error(line: u64, e: &csv::Error) -> ManifestError {
    let line = e
        .position()
        .map(|p| p.line())
        .filter(|l| *l > 0)
        .unwrap_or(line);
    match e.kind() {
        csv::ErrorKind::Io(io) => ManifestError::new(line, "", format!("cannot read: {io}")),
        _ => ManifestError::new(line, "", format!("not valid CSV: {e}")),
    }
}

fn resolve_header(record: &ByteRecord) -> Result<[Option<usize>; COLUMNS.len()], ManifestError> {
    let mut positions = [None; COLUMNS.len()];
    let mut unknown = Vec::new();
    let mut repeated = Vec::new();
    for (i, raw) in record.iter().enumerate() {
        let name = String::from_utf8_lossy(header_cell(i, raw))
            .trim()
            .to_ascii_lowercase();
        match COLUMNS.iter().position(|c| *c == name) {
            Some(c) if positions[c].is_some() => repeated.push(name),
            Some(c) => positions[c] = Some(i),
            None => unknown.push(name),
        }
    }
    let mut problems = Vec::new();
    if !unknown.is_empty() {
        problems.push(format!(
            "unknown column(s) {} in the manifest header",
            quoted(&unknown)
        ));
    }
    if !repeated.is_empty() {
        problems.push(format!("repeated column(s) {}", quoted(&repeated)));
    }
    if problems.is_empty() && positions.iter().all(Option::is_none) {
        problems.push("the header names no manifest column".to_string());
    }
    if problems.is_empty() {
        return Ok(positions);
    }
    let field = unknown
        .first()
        .or(repeated.first())
        .cloned()
        .unwrap_or_default();
    Err(ManifestError::new(
        1,
        field,
        format!(
            "{}; the columns are {}",
            problems.join("; "),
            COLUMNS.join(",")
        ),
    ))
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl<R: Read> Iterator for CsvManifestReader<R> {
    type Item = Result<ManifestItem, ManifestError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.finished {
                return None;
            }
            let line = self.csv.position().line() + 1;
            match self.csv.read_byte_record(&mut self.record) {
                Ok(false) => {
                    self.finished = true;
                    return None;
                }
                Ok(true) => {}
                Err(e) => {
                    if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                        self.finished = true;
                    }
                    return Some(Err(csv_error(line, &e)));
                }
            }
            let line = self.record.position().map_or(line, |p| p.line().max(1));
            if is_blank(&self.record) {
                continue;
            }
            return Some(self.row(line));
        }
    }
}

/// One row's cells by column name.
struct Row<'a> {
    line: u64,
    record: &'a ByteRecord,
    positions: &'a [Option<usize>; COLUMNS.len()],
}

impl Row<'_> {
    /// The trimmed cell of `column`, `None` when the column is absent or the cell blank.
    fn cell(&self, column: &str) -> Result<Option<String>, ManifestError> {
        let Some(c) = COLUMNS.iter().position(|n| *n == column) else {
            return Ok(None);
        };
        let Some(raw) = self.positions[c].and_then(|p| self.record.get(p)) else {
            return Ok(None);
        };
        let text = std::str::from_utf8(raw).map_err(|_| {
            ManifestError::new(
                self.line,
                column,
                "must be UTF-8 text (save the file as UTF-8)",
            )
        })?;
        let text = text.trim();
        if text.len() > MAX_CELL_BYTES {
            return Err(ManifestError::new(
                self.line,
                column,
                format!("must be at most {MAX_CELL_BYTES} bytes, got {}", text.len()),
            ));
        }
        if text.chars().any(char::is_control) {
            return Err(ManifestError::new(
                self.line,
                column,
                "must not contain control characters (tabs, line breaks …)",
            ));
        }
        Ok((!text.is_empty()).then(|| text.to_string()))
    }
}

/// Maps a field of the engine's traveller request onto the CSV column that fed it.
fn traveller_column(field: &str, issuer_column: &'static str) -> String {
    match field {
        "names" | "names[0]" => "full_name".to_string(),
        "issuing_state" => issuer_column.to_string(),
        other => other.to_string(),
    }
}

impl<R: Read> CsvManifestReader<R> {
    fn row(&self, line: u64) -> Result<ManifestItem, ManifestError> {
        if let Some(why) = width_mismatch(self.record.len(), self.width) {
            return Err(ManifestError::new(line, "", why));
        }
        let row = Row {
            line,
            record: &self.record,
            positions: &self.positions,
        };
        read_row(&row)
    }
}

fn read_row(row: &Row<'_>) -> Result<ManifestItem, ManifestError> {
    let line = row.line;
    let reference = row.cell("reference")?;
    let kind = row.cell("kind")?.map(|k| k.to_ascii_lowercase());
    if let Some(k) = &kind {
        if k != "traveller" && k != "vehicle" {
            return Err(ManifestError::new(
                line,
                "kind",
                format!("must be `traveller` or `vehicle`, got {k:?}"),
            ));
        }
    }
    let (traveller, issuer_column) = traveller_of(row)?;
    let vehicle = VehicleRequest {
        vin: row.cell("vin")?,
        plate: row.cell("plate")?,
        plate_country: row.cell("plate_country")?,
    };
    let has_traveller = !traveller_is_empty(&traveller);
    let has_vehicle = !vehicle_is_empty(&vehicle);
    match kind.as_deref() {
        Some("traveller") if has_vehicle => {
            return Err(ManifestError::new(
                line,
                "kind",
                "a row of kind `traveller` must leave vin, plate and plate_country blank",
            ))
        }
        Some("vehicle") if has_traveller => {
            return Err(ManifestError::new(
                line,
                "kind",
                "a row of kind `vehicle` must leave the traveller's names and document blank",
            ))
        }
        Some("vehicle") if !has_vehicle => {
            return Err(ManifestError::new(
                line,
                "vin",
                "a vehicle needs a VIN, or a plate and its country",
            ))
        }
        _ => {}
    }
    let facts_only = traveller.birth_date.is_some()
        || traveller.sex.is_some()
        || traveller.nationality.is_some()
        || traveller.issuing_state.is_some();
    let mut entries = Vec::with_capacity(2);
    // Facts without a name (a nationality on a car's row) are an error, never dropped.
    if has_traveller || facts_only || kind.as_deref() == Some("traveller") {
        let subject = Subject::Traveller(traveller);
        check_subject(&subject).map_err(|e| {
            let field = traveller_column(&e.field, issuer_column);
            ManifestError::from_request(line, e, field)
        })?;
        entries.push(entry(reference.clone(), subject));
    }
    if has_vehicle {
        let subject = Subject::Vehicle(vehicle);
        check_subject(&subject).map_err(|e| {
            let field = e.field.clone();
            ManifestError::from_request(line, e, field)
        })?;
        entries.push(entry(reference, subject));
    }
    if entries.is_empty() {
        return Err(ManifestError::new(
            line,
            "",
            "a row needs a name or a document number (a traveller), or a VIN or a plate \
             (a vehicle)",
        ));
    }
    Ok(ManifestItem { line, entries })
}

/// The traveller half of a row, and the column that gave the issuing state.
fn traveller_of(row: &Row<'_>) -> Result<(TravellerRequest, &'static str), ManifestError> {
    let issuing_state = row.cell("issuing_state")?;
    let issuer = row.cell("document_issuer")?;
    let (issuing_state, issuer_column) = match (issuing_state, issuer) {
        (Some(a), Some(b)) if !a.eq_ignore_ascii_case(&b) => {
            return Err(ManifestError::new(
                row.line,
                "document_issuer",
                format!("says {b:?} but issuing_state says {a:?}: give one of them"),
            ))
        }
        (Some(a), _) => (Some(a), "issuing_state"),
        (None, Some(b)) => (Some(b), "document_issuer"),
        (None, None) => (None, "issuing_state"),
    };
    let document_number = row.cell("document_number")?;
    if let Some(t) = row.cell("document_type")? {
        check_document_type(row.line, &t, document_number.is_some())?;
    }
    let traveller = TravellerRequest {
        names: row.cell("full_name")?.into_iter().collect(),
        surname: row.cell("surname")?,
        given_names: row.cell("given_names")?,
        birth_date: row.cell("birth_date")?,
        sex: row.cell("sex")?,
        nationality: row.cell("nationality")?,
        document_number,
        issuing_state,
        mrz: None,
    };
    Ok((traveller, issuer_column))
}

/// The document types a manifest may name (the model's words, and ICAO 9303's first letters).
fn check_document_type(line: u64, raw: &str, has_number: bool) -> Result<(), ManifestError> {
    let known = matches!(
        raw.to_ascii_lowercase().as_str(),
        "passport" | "id_card" | "visa" | "other" | "p" | "i" | "v" | "a" | "c"
    );
    if !known {
        return Err(ManifestError::new(
            line,
            "document_type",
            format!("must be passport, id_card, visa or other, got {raw:?}"),
        ));
    }
    if !has_number {
        return Err(ManifestError::new(
            line,
            "document_number",
            "a document type needs the document's number",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<Result<ManifestItem, ManifestError>> {
        read_all(text.as_bytes()).expect("header")
    }

    #[test]
    fn a_row_with_a_driver_and_a_car_screens_both() {
        let items = rows(
            "surname,given_names,vin,plate,plate_country,reference\n\
             Benali,Karim,VF1RFB00X56789012,12345A6,MAR,lane 4\n",
        );
        let item = items[0].as_ref().unwrap();
        assert_eq!(item.line, 2);
        assert_eq!(item.entries.len(), 2);
        assert!(matches!(item.entries[0].subject, Subject::Traveller(_)));
        assert!(matches!(item.entries[1].subject, Subject::Vehicle(_)));
        assert_eq!(item.entries[1].reference.as_deref(), Some("lane 4"));
    }

    #[test]
    fn unknown_columns_are_named() {
        let e = read(&b"surname,nationalty,wheels\n"[..]).err().unwrap();
        assert_eq!(e.line, 1);
        assert_eq!(e.field, "nationalty");
        assert!(e.rule.contains("`nationalty`, `wheels`"), "{e}");
    }
}
