//! The native CSV writer: the full header of one kind, then one row per record, written so that
//! the reader gives back the same records.

use std::io::Write;

use portwatch_model::{Database, Person, RecordBody, RecordContent, TravelDocument, Vehicle};

use super::cells::{join_list, push_escaped, word_of, ITEM_SEPARATOR, PART_SEPARATOR};
use super::columns::{columns, doc, person, vehicle, OWNER, REVIEW_DATE, SOURCE_ID, VISIBILITY};
use super::WriteError;

/// Writes records of one kind as native CSV.
pub struct CsvWriter<W: Write> {
    csv: csv::Writer<W>,
    kind: Database,
    /// One cell per column, reused from row to row.
    cells: Vec<String>,
}

impl<W: Write> CsvWriter<W> {
    /// Writes the header of `kind` at once.
    pub fn new(output: W, kind: Database) -> Result<Self, WriteError> {
        let mut csv = csv::Writer::from_writer(output);
        let layout = columns(kind);
        csv.write_record(layout.iter().map(|c| c.name))?;
        Ok(CsvWriter {
            csv,
            kind,
            cells: vec![String::new(); layout.len()],
        })
    }

    pub fn write(&mut self, record: &RecordContent) -> Result<(), WriteError> {
        if record.database() != self.kind {
            return Err(WriteError::WrongKind {
                expected: self.kind,
                found: record.database(),
            });
        }
        self.cells.iter_mut().for_each(String::clear);
        let cells = &mut self.cells;
        cells[OWNER].push_str(record.owner.as_str());
        cells[VISIBILITY] = record.visibility.to_string();
        cells[REVIEW_DATE] = display(record.review_date);
        cells[SOURCE_ID] = record.source_id.clone().unwrap_or_default();
        match &record.body {
            RecordBody::Document(d) => document_cells(cells, d),
            RecordBody::Person(p) => person_cells(cells, p),
            RecordBody::Vehicle(v) => vehicle_cells(cells, v),
        }
        self.csv.write_record(&self.cells)?;
        Ok(())
    }

    /// Flushes and gives back the output.
    pub fn finish(self) -> Result<W, WriteError> {
        self.csv
            .into_inner()
            .map_err(|e| WriteError::Io(std::io::Error::other(e.to_string())))
    }
}

fn display<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn document_cells(cells: &mut [String], d: &TravelDocument) {
    cells[doc::NUMBER] = d.number.as_str().to_string();
    cells[doc::ISSUING_STATE] = d.issuing_state.to_string();
    cells[doc::TYPE] = d.doc_type.as_str().to_string();
    cells[doc::STATUS] = word_of(&d.status);
    cells[doc::REPORTED_ON] = display(d.reported_on);
    cells[doc::REPORTED_PLACE] = d.reported_place.clone().unwrap_or_default();
    if let Some(h) = &d.holder {
        cells[doc::HOLDER_SURNAME] = h.surname.clone().unwrap_or_default();
        cells[doc::HOLDER_GIVEN_NAMES] = h.given_names.clone().unwrap_or_default();
        cells[doc::HOLDER_BIRTH_DATE] = display(h.birth_date);
        cells[doc::HOLDER_NATIONALITY] = display(h.nationality);
    }
}

fn person_cells(cells: &mut [String], p: &Person) {
    use portwatch_model::NameKind;
    let names_of = |kind: NameKind| {
        join_list(
            p.names
                .iter()
                .filter(|n| n.kind == kind)
                .map(|n| n.full.as_str()),
        )
    };
    cells[person::OWNER_REF] = p.owner_ref.clone();
    cells[person::NAME] = p.primary_name().to_string();
    cells[person::ALIASES] = names_of(NameKind::Alias);
    cells[person::WEAK_ALIASES] = names_of(NameKind::WeakAlias);
    cells[person::ORIGINAL_SCRIPT_NAMES] = names_of(NameKind::OriginalScript);
    let dates: Vec<String> = p.birth_dates.iter().map(ToString::to_string).collect();
    cells[person::BIRTH_DATES] = join_list(dates.iter().map(String::as_str));
    cells[person::BIRTH_PLACES] = join_list(p.birth_places.iter().map(String::as_str));
    cells[person::NATIONALITIES] = join_list(p.nationalities.iter().map(|c| c.as_str()));
    cells[person::SEX] = p.sex.map(|s| word_of(&s)).unwrap_or_default();
    cells[person::IDENTIFIERS] = structured(p.identifiers.iter().map(|id| {
        vec![
            word_of(&id.kind),
            display(id.country),
            id.number.as_str().to_string(),
        ]
    }));
    cells[person::NOTICES] = structured(p.notices.iter().map(|n| {
        let mut kind = word_of(&n.kind);
        if n.diffusion {
            kind.push_str("_diffusion");
        }
        let mut parts = vec![kind];
        if n.reference.is_some() || n.issued_on.is_some() {
            parts.push(n.reference.clone().unwrap_or_default());
        }
        if let Some(date) = n.issued_on {
            parts.push(date.to_string());
        }
        parts
    }));
    let flags: Vec<String> = p.flags.iter().map(word_of).collect();
    cells[person::FLAGS] = join_list(flags.iter().map(String::as_str));
    cells[person::TERRORISM_ITEMS] = structured(
        p.terrorism_items
            .iter()
            .map(|t| vec![t.reference.clone(), t.summary.clone()]),
    );
}

/// Items of `:`-separated parts, joined by `|`, every part escaped.
fn structured(items: impl Iterator<Item = Vec<String>>) -> String {
    let mut out = String::new();
    for (i, parts) in items.enumerate() {
        if i > 0 {
            out.push(ITEM_SEPARATOR);
        }
        for (j, part) in parts.iter().enumerate() {
            if j > 0 {
                out.push(PART_SEPARATOR);
            }
            push_escaped(&mut out, part, true);
        }
    }
    out
}

fn vehicle_cells(cells: &mut [String], v: &Vehicle) {
    cells[vehicle::VIN] = v.vin.as_str().to_string();
    if let Some(plate) = &v.plate {
        cells[vehicle::PLATE] = plate.number.clone();
        cells[vehicle::PLATE_COUNTRY] = plate.country.to_string();
    }
    cells[vehicle::MAKE] = v.make.clone().unwrap_or_default();
    cells[vehicle::MODEL] = v.model.clone().unwrap_or_default();
    cells[vehicle::COLOUR] = v.colour.clone().unwrap_or_default();
    cells[vehicle::YEAR] = display(v.year);
    cells[vehicle::ENGINE_NUMBER] = v.engine_number.clone().unwrap_or_default();
    cells[vehicle::STOLEN_ON] = display(v.stolen_on);
}
