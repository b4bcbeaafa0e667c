//! The native CSV reader: header resolved once, one reused record buffer, one record per row.

use std::io::Read;

use csv::ByteRecord;
use time::{Date, Month};

use portwatch_model::{
    AgencyId, CountryCode, Database, DocumentHolder, DocumentNumber, Identifier, IdentifierKind,
    ModelError, NameKind, Notice, NoticeKind, PartialDate, Person, PersonName, Plate, RecordBody,
    RecordContent, TerrorismItem, TravelDocument, Valid, Vehicle, Vin, Visibility,
};

use super::cells::{list_items, parse_word, parts, split_raw, structured_items, unescape};
use super::columns::{
    self, doc, person, vehicle, Column, OWNER, REVIEW_DATE, SOURCE_ID, VISIBILITY,
};
use super::{ReadOptions, RowError};
use crate::csv_rows::{header_cell, is_blank, width_mismatch};

/// Reads native CSV rows of one kind as records. See the [module docs](super).
pub struct CsvReader<R: Read> {
    csv: csv::Reader<R>,
    record: ByteRecord,
    decoder: CsvDecoder,
    /// Set after an I/O error: nothing more can be read.
    finished: bool,
}

/// Turns the cells of one row into a record: the header's layout, resolved once, and the
/// envelope cache. Cloned onto other threads to decode rows there (for
/// [`super::Reader::check`]).
#[derive(Clone)]
pub(crate) struct CsvDecoder {
    kind: Database,
    layout: &'static [Column],
    /// For each column of `layout`, its position in the file's rows.
    positions: Vec<Option<usize>>,
    width: usize,
    envelope: EnvelopeCache,
}

/// The owner and visibility of the previous row. Files hold long runs of the same values, so
/// parsing each distinct value once saves work on every row.
#[derive(Clone)]
struct EnvelopeCache {
    default_owner: Option<AgencyId>,
    default_visibility: Option<Visibility>,
    owner: Option<(String, AgencyId)>,
    visibility: Option<(String, Visibility)>,
}

impl<R: Read> CsvReader<R> {
    /// Reads and checks the header. The kind is `options.kind`, or told by the header.
    pub fn new(input: R, options: ReadOptions) -> Result<Self, RowError> {
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(input);
        let mut record = ByteRecord::new();
        let header =
            match csv.read_byte_record(&mut record) {
                Ok(true) => header_names(&record)?,
                Ok(false) => return Err(RowError::new(
                    1,
                    "",
                    "the file is empty: a native CSV file starts with a header line naming its \
                     columns",
                )),
                Err(e) => return Err(csv_error(1, e)),
            };
        let kind = match options.kind {
            Some(kind) => kind,
            None => columns::detect_kind(&header)?,
        };
        let mut defaulted = Vec::new();
        if options.default_owner.is_some() {
            defaulted.push(OWNER);
        }
        if options.default_visibility.is_some() {
            defaulted.push(VISIBILITY);
        }
        let positions = columns::resolve(kind, &header, &defaulted)?;
        Ok(CsvReader {
            csv,
            record,
            decoder: CsvDecoder {
                kind,
                layout: columns::columns(kind),
                positions,
                width: header.len(),
                envelope: EnvelopeCache {
                    default_owner: options.default_owner,
                    default_visibility: options.default_visibility,
                    owner: None,
                    visibility: None,
                },
            },
            finished: false,
        })
    }

    /// The kind of every row of this file.
    pub fn kind(&self) -> Database {
        self.decoder.kind
    }

    /// Reads the next row that is not blank into `record`, without decoding it: its line, or
    /// the error that stopped the reading of that row. `None` at the end of the file.
    pub(crate) fn next_raw(&mut self, record: &mut ByteRecord) -> Option<Result<u64, RowError>> {
        if self.finished {
            return None;
        }
        loop {
            match self.csv.read_byte_record(record) {
                Ok(false) => return None,
                Ok(true) => {
                    if is_blank(record) {
                        continue;
                    }
                    return Some(Ok(record.position().map_or(0, |p| p.line())));
                }
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                        self.finished = true;
                    }
                    return Some(Err(csv_error(line, e)));
                }
            }
        }
    }

    /// A decoder of this file's rows, for another thread.
    pub(crate) fn decoder(&self) -> CsvDecoder {
        self.decoder.clone()
    }
}

impl CsvDecoder {
    /// The record of the row in `record`, which starts on `line`.
    pub(crate) fn decode(
        &mut self,
        record: &ByteRecord,
        line: u64,
    ) -> Result<RecordContent, RowError> {
        if let Some(why) = width_mismatch(record.len(), self.width) {
            return Err(RowError::new(line, "", why));
        }
        let row = Row {
            record,
            positions: &self.positions,
            layout: self.layout,
            line,
        };
        let owner = self.envelope.owner(&row)?;
        let visibility = self.envelope.visibility(&row)?;
        let review_date = row.parse(REVIEW_DATE, parse_date)?;
        let source_id = row.text(SOURCE_ID)?;
        let body = match self.kind {
            Database::Documents => RecordBody::Document(document(&row)?),
            Database::Persons => RecordBody::Person(person_of(&row)?),
            Database::Vehicles => RecordBody::Vehicle(vehicle_of(&row)?),
        };
        let names = match &body {
            RecordBody::Person(p) => NameColumns::count(p),
            _ => NameColumns::default(),
        };
        RecordContent::new(owner, visibility, review_date, source_id, body)
            .map_err(|e| model_error_in_csv(line, e, &names))
    }
}

impl<R: Read> Iterator for CsvReader<R> {
    type Item = Result<RecordContent, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut record = std::mem::take(&mut self.record);
        let row = self.next_raw(&mut record).map(|read| {
            let line = read?;
            self.decoder.decode(&record, line)
        });
        self.record = record;
        row
    }
}

/// The header's column names: UTF-8, trimmed, lower-case, without a byte-order mark.
fn header_names(record: &ByteRecord) -> Result<Vec<String>, RowError> {
    record
        .iter()
        .enumerate()
        .map(|(i, cell)| {
            std::str::from_utf8(header_cell(i, cell))
                .map(|s| s.trim().to_ascii_lowercase())
                .map_err(|_| RowError::new(1, "", "the header is not valid UTF-8 text"))
        })
        .collect()
}

fn csv_error(line: u64, e: csv::Error) -> RowError {
    RowError::new(line, "", format!("cannot read the CSV: {e}"))
}

/// One row being read, with its cells looked up by column.
struct Row<'a> {
    record: &'a ByteRecord,
    positions: &'a [Option<usize>],
    layout: &'static [Column],
    line: u64,
}

impl<'a> Row<'a> {
    fn name(&self, col: usize) -> &'static str {
        self.layout[col].name
    }

    fn error(&self, col: usize, reason: impl Into<String>) -> RowError {
        RowError::new(self.line, self.name(col), reason)
    }

    /// The trimmed cell, or `None` when the column is absent or the cell blank.
    fn cell(&self, col: usize) -> Result<Option<&'a str>, RowError> {
        let Some(at) = self.positions[col] else {
            return Ok(None);
        };
        let bytes = self.record.get(at).unwrap_or_default();
        let text = std::str::from_utf8(bytes)
            .map_err(|_| self.error(col, "is not valid UTF-8 text (save the file as UTF-8)"))?
            .trim();
        Ok((!text.is_empty()).then_some(text))
    }

    fn required(&self, col: usize) -> Result<&'a str, RowError> {
        self.cell(col)?
            .ok_or_else(|| self.error(col, "must not be empty"))
    }

    fn text(&self, col: usize) -> Result<Option<String>, RowError> {
        Ok(self.cell(col)?.map(str::to_string))
    }

    fn parse<T>(
        &self,
        col: usize,
        parse: impl FnOnce(&str) -> Valid<T>,
    ) -> Result<Option<T>, RowError> {
        self.cell(col)?
            .map(|cell| parse(cell).map_err(|e| self.model_error(col, e)))
            .transpose()
    }

    fn parse_required<T>(
        &self,
        col: usize,
        parse: impl FnOnce(&str) -> Valid<T>,
    ) -> Result<T, RowError> {
        parse(self.required(col)?).map_err(|e| self.model_error(col, e))
    }

    fn word<T: serde::de::DeserializeOwned>(&self, col: usize) -> Result<Option<T>, RowError> {
        self.cell(col)?
            .map(|cell| parse_word(cell).map_err(|e| self.error(col, e)))
            .transpose()
    }

    fn word_required<T: serde::de::DeserializeOwned>(&self, col: usize) -> Result<T, RowError> {
        parse_word(self.required(col)?).map_err(|e| self.error(col, e))
    }

    fn model_error(&self, col: usize, e: ModelError) -> RowError {
        let reason = if e.field.is_empty() {
            e.rule
        } else {
            format!("{}: {}", e.field, e.rule)
        };
        self.error(col, reason)
    }

    /// Each item of a list cell, parsed; an error names the item.
    fn list<T>(
        &self,
        col: usize,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Result<Vec<T>, RowError> {
        let Some(cell) = self.cell(col)? else {
            return Ok(Vec::new());
        };
        list_items(cell)
            .iter()
            .enumerate()
            .map(|(i, item)| {
                parse(item).map_err(|e| self.error(col, format!("item {}: {e}", i + 1)))
            })
            .collect()
    }

    /// Each item of a list cell whose items have `:`-separated parts, parsed.
    fn structured<T>(
        &self,
        col: usize,
        parse: impl Fn(&str, Vec<String>) -> Result<T, String>,
    ) -> Result<Vec<T>, RowError> {
        let Some(cell) = self.cell(col)? else {
            return Ok(Vec::new());
        };
        structured_items(cell)
            .enumerate()
            .map(|(i, item)| {
                parse(item, parts(item))
                    .map_err(|e| self.error(col, format!("item {}: {e}", i + 1)))
            })
            .collect()
    }
}

impl EnvelopeCache {
    fn owner(&mut self, row: &Row<'_>) -> Result<AgencyId, RowError> {
        let Some(raw) = row.cell(OWNER)? else {
            return self
                .default_owner
                .clone()
                .ok_or_else(|| row.error(OWNER, "must not be empty"));
        };
        if let Some((last_raw, last)) = &self.owner {
            if last_raw == raw {
                return Ok(last.clone());
            }
        }
        let owner = AgencyId::parse(raw).map_err(|e| row.model_error(OWNER, e))?;
        self.owner = Some((raw.to_string(), owner.clone()));
        Ok(owner)
    }

    fn visibility(&mut self, row: &Row<'_>) -> Result<Visibility, RowError> {
        let Some(raw) = row.cell(VISIBILITY)? else {
            return self
                .default_visibility
                .clone()
                .ok_or_else(|| row.error(VISIBILITY, "must not be empty"));
        };
        if let Some((last_raw, last)) = &self.visibility {
            if last_raw == raw {
                return Ok(last.clone());
            }
        }
        let visibility: Visibility = raw.parse().map_err(|e| row.model_error(VISIBILITY, e))?;
        self.visibility = Some((raw.to_string(), visibility.clone()));
        Ok(visibility)
    }
}

/// A full date, `YYYY-MM-DD`.
pub(crate) fn parse_date(raw: &str) -> Valid<Date> {
    let bad =
        |why: &str| ModelError::new("", format!("must be a date YYYY-MM-DD{why}, got {raw:?}"));
    let b = raw.as_bytes();
    let digits = |range: std::ops::Range<usize>| b[range].iter().all(u8::is_ascii_digit);
    if b.len() != 10
        || b[4] != b'-'
        || b[7] != b'-'
        || !digits(0..4)
        || !digits(5..7)
        || !digits(8..10)
    {
        return Err(bad(""));
    }
    let number = |range: std::ops::Range<usize>| raw[range].parse::<u16>().unwrap_or(0);
    let month = Month::try_from(number(5..7) as u8).map_err(|_| bad(" (month 01-12)"))?;
    Date::from_calendar_date(i32::from(number(0..4)), month, number(8..10) as u8)
        .map_err(|_| bad(" (a day that exists in that month)"))
}

fn document(row: &Row<'_>) -> Result<TravelDocument, RowError> {
    let number = row.parse_required(doc::NUMBER, DocumentNumber::parse)?;
    let issuing_state = row.parse_required(doc::ISSUING_STATE, CountryCode::parse)?;
    let doc_type = row.word_required(doc::TYPE)?;
    let status = row.word_required(doc::STATUS)?;
    let reported_on = row.parse(doc::REPORTED_ON, parse_date)?;
    let reported_place = row.text(doc::REPORTED_PLACE)?;
    let holder = DocumentHolder {
        surname: row.text(doc::HOLDER_SURNAME)?,
        given_names: row.text(doc::HOLDER_GIVEN_NAMES)?,
        birth_date: row.parse(doc::HOLDER_BIRTH_DATE, str::parse)?,
        nationality: row.parse(doc::HOLDER_NATIONALITY, CountryCode::parse)?,
    };
    let known = holder.surname.is_some()
        || holder.given_names.is_some()
        || holder.birth_date.is_some()
        || holder.nationality.is_some();
    Ok(TravelDocument {
        number,
        issuing_state,
        doc_type,
        status,
        reported_on,
        reported_place,
        holder: known.then_some(holder),
    })
}

fn person_of(row: &Row<'_>) -> Result<Person, RowError> {
    let name = |kind: NameKind| {
        move |full: &str| {
            Ok(PersonName {
                full: full.to_string(),
                kind,
            })
        }
    };
    let mut names = vec![PersonName {
        full: row.required(person::NAME)?.to_string(),
        kind: NameKind::Primary,
    }];
    names.extend(row.list(person::ALIASES, name(NameKind::Alias))?);
    names.extend(row.list(person::WEAK_ALIASES, name(NameKind::WeakAlias))?);
    names.extend(row.list(
        person::ORIGINAL_SCRIPT_NAMES,
        name(NameKind::OriginalScript),
    )?);
    Ok(Person {
        owner_ref: row.required(person::OWNER_REF)?.to_string(),
        names,
        birth_dates: row.list(person::BIRTH_DATES, |s| {
            s.parse::<PartialDate>().map_err(|e| e.rule)
        })?,
        birth_places: row.list(person::BIRTH_PLACES, |s| Ok(s.to_string()))?,
        nationalities: row.list(person::NATIONALITIES, |s| {
            CountryCode::parse(s).map_err(|e| e.rule)
        })?,
        sex: row.word(person::SEX)?,
        identifiers: row.structured(person::IDENTIFIERS, |_, parts| identifier(parts))?,
        notices: row.structured(person::NOTICES, |_, parts| notice(parts))?,
        flags: row.list(person::FLAGS, |s| parse_word(s))?,
        terrorism_items: row.structured(person::TERRORISM_ITEMS, terrorism_item)?,
    })
}

/// `kind:number` or `kind:country:number`.
fn identifier(parts: Vec<String>) -> Result<Identifier, String> {
    let (kind, country, number) = match parts.as_slice() {
        [kind, number] => (kind, None, number),
        [kind, country, number] => (
            kind,
            Some(country.as_str()).filter(|c| !c.is_empty()),
            number,
        ),
        _ => {
            return Err(format!(
            "must be kind:number or kind:country:number (e.g. passport:DZA:123456), got {} parts",
            parts.len()
        ))
        }
    };
    Ok(Identifier {
        kind: parse_word::<IdentifierKind>(kind)?,
        country: country
            .map(CountryCode::parse)
            .transpose()
            .map_err(|e| format!("country {}", e.rule))?,
        number: DocumentNumber::parse(number).map_err(|e| format!("number {}", e.rule))?,
    })
}

/// `kind`, `kind:reference` or `kind:reference:issued_on`; a diffusion is `kind_diffusion`.
fn notice(parts: Vec<String>) -> Result<Notice, String> {
    if parts.len() > 3 {
        return Err(format!(
            "must be kind[:reference[:issued_on]] (e.g. red:A-1234/5-2019:2019-05-02), got {} \
             parts; write a colon inside a reference as \\:",
            parts.len()
        ));
    }
    let (word, diffusion) = match parts[0].strip_suffix("_diffusion") {
        Some(word) => (word, true),
        None => (parts[0].as_str(), false),
    };
    Ok(Notice {
        kind: parse_word::<NoticeKind>(word)?,
        diffusion,
        reference: parts.get(1).filter(|r| !r.is_empty()).cloned(),
        issued_on: parts
            .get(2)
            .filter(|d| !d.is_empty())
            .map(|d| parse_date(d))
            .transpose()
            .map_err(|e| format!("issued_on {}", e.rule))?,
    })
}

/// `reference:summary`; any further colons belong to the summary.
fn terrorism_item(item: &str, _parts: Vec<String>) -> Result<TerrorismItem, String> {
    let pieces = split_raw(item, ':');
    if pieces.len() < 2 {
        return Err(
            "must be reference:summary (e.g. TI-2016-0042:travelled to Syria in 2014)".into(),
        );
    }
    let summary: Vec<String> = pieces[1..].iter().map(|p| unescape(p)).collect();
    Ok(TerrorismItem {
        reference: unescape(pieces[0]).trim().to_string(),
        summary: summary.join(":").trim().to_string(),
    })
}

fn vehicle_of(row: &Row<'_>) -> Result<Vehicle, RowError> {
    let plate = match (row.cell(vehicle::PLATE)?, row.cell(vehicle::PLATE_COUNTRY)?) {
        (None, None) => None,
        (Some(_), None) => {
            return Err(row.error(vehicle::PLATE_COUNTRY, "must be given with a plate"))
        }
        (None, Some(_)) => {
            return Err(row.error(vehicle::PLATE, "must be given with a plate_country"))
        }
        (Some(number), Some(_)) => {
            let country = row.parse_required(vehicle::PLATE_COUNTRY, CountryCode::parse)?;
            Some(Plate::new(country, number).map_err(|e| row.error(vehicle::PLATE, e.rule))?)
        }
    };
    let year = row
        .cell(vehicle::YEAR)?
        .map(|y| {
            y.parse::<u16>().map_err(|_| {
                row.error(
                    vehicle::YEAR,
                    format!("must be a model year such as 2019, got {y:?}"),
                )
            })
        })
        .transpose()?;
    Ok(Vehicle {
        vin: row.parse_required(vehicle::VIN, Vin::parse)?,
        plate,
        make: row.text(vehicle::MAKE)?,
        model: row.text(vehicle::MODEL)?,
        colour: row.text(vehicle::COLOUR)?,
        year,
        engine_number: row.text(vehicle::ENGINE_NUMBER)?,
        stolen_on: row.parse(vehicle::STOLEN_ON, parse_date)?,
    })
}

/// How many names each name column of a person contributed, to map `names[i]` back to its
/// column.
#[derive(Default)]
struct NameColumns {
    aliases: usize,
    weak_aliases: usize,
}

impl NameColumns {
    fn count(p: &Person) -> Self {
        let of = |kind| p.names.iter().filter(|n| n.kind == kind).count();
        NameColumns {
            aliases: of(NameKind::Alias),
            weak_aliases: of(NameKind::WeakAlias),
        }
    }

    fn column_of(&self, index: usize) -> (&'static str, usize) {
        if index == 0 {
            ("name", 0)
        } else if index <= self.aliases {
            ("aliases", index)
        } else if index <= self.aliases + self.weak_aliases {
            ("weak_aliases", index - self.aliases)
        } else {
            (
                "original_script_names",
                index - self.aliases - self.weak_aliases,
            )
        }
    }
}

/// Turns a model rule broken by a whole record (`person.names[2].full`) into the CSV column
/// that holds the value (`aliases`, item 2).
fn model_error_in_csv(line: u64, e: ModelError, names: &NameColumns) -> RowError {
    let path = e
        .field
        .split_once('.')
        .filter(|(head, _)| ["document", "person", "vehicle"].contains(head))
        .map_or(e.field.as_str(), |(_, rest)| rest);
    let path = path.replacen("holder.", "holder_", 1);
    let end = path.find(['[', '.']).unwrap_or(path.len());
    let (column, index) = (&path[..end], item_index(&path[end..]));
    match (column, index) {
        ("names", Some(i)) => {
            let (column, item) = names.column_of(i);
            let reason = if item == 0 {
                e.rule
            } else {
                format!("item {item}: {}", e.rule)
            };
            RowError::new(line, column, reason)
        }
        ("names", None) => RowError::new(line, "name", e.rule),
        (column, Some(i)) => RowError::new(line, column, format!("item {}: {}", i + 1, e.rule)),
        (column, None) => RowError::new(line, column, e.rule),
    }
}

/// The index in a path tail such as `[2].full`.
fn item_index(tail: &str) -> Option<usize> {
    tail.strip_prefix('[')?.split(']').next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_strict_iso() {
        assert_eq!(parse_date("2024-02-29").unwrap().to_string(), "2024-02-29");
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-1-01",
            "24-01-01",
            "2024/01/01",
            "",
            "2024-01-01x",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn model_paths_become_columns() {
        let names = NameColumns {
            aliases: 2,
            weak_aliases: 1,
        };
        let e = |field: &str| model_error_in_csv(3, ModelError::new(field, "bad"), &names);
        assert_eq!(e("document.holder.surname").field, "holder_surname");
        assert_eq!(e("person.names[0].full").field, "name");
        let alias = e("person.names[2].full");
        assert_eq!(
            (alias.field.as_str(), alias.reason.as_str()),
            ("aliases", "item 2: bad")
        );
        assert_eq!(e("person.names[3].full").field, "weak_aliases");
        assert_eq!(e("person.names[4].full").field, "original_script_names");
        assert_eq!(e("person.birth_places[0]").reason, "item 1: bad");
        assert_eq!(e("source_id").field, "source_id");
    }

    #[test]
    fn structured_items_explain_their_shape() {
        assert!(identifier(vec!["passport".into()])
            .unwrap_err()
            .contains("kind:number"));
        let id = identifier(vec!["national_id".into(), "".into(), "12 34".into()]).unwrap();
        assert_eq!((id.country, id.number.as_str()), (None, "1234"));
        let n = notice(vec!["yellow_diffusion".into()]).unwrap();
        assert!(n.diffusion && n.kind == NoticeKind::Yellow && n.reference.is_none());
        assert!(notice(vec!["pink".into()])
            .unwrap_err()
            .contains("unknown variant"));
        let item = terrorism_item("T-1:left: 2014", vec![]).unwrap();
        assert_eq!(
            (item.reference.as_str(), item.summary.as_str()),
            ("T-1", "left: 2014")
        );
    }
}
