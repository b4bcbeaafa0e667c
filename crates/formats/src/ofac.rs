//! The US Treasury's OFAC Specially Designated Nationals list in its legacy CSV layout: three
//! files without a header row, joined on the entity number, `-0-` standing for an empty value.
//!
//! - `sdn.csv`: ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage,
//!   GRT, Vess_flag, Vess_owner, Remarks;
//! - `alt.csv`: ent_num, alt_num, alt_type (`aka`, `fka`, `nka`), alt_name, alt_remarks;
//! - `add.csv`: ent_num, add_num, address, city/state/postal code, country, add_remarks.
//!
//! Rows of type `individual` become persons; vessels, aircraft and entities (type `-0-`) are
//! counted as skipped with the reason. Names are written "SURNAME, Given" and are turned into
//! "Given SURNAME". The entity number is the `source_id` and `owner_ref`.
//!
//! Everything else OFAC knows about a person is in the free-text remarks, clauses separated by
//! `;`, which this reader parses:
//! - `DOB 12 Jan 1970`, `alt. DOB 1971`, `DOB circa 1975`, `DOB 01 Jan 1960 to 31 Dec 1965`
//!   (see [`lists`](crate::lists) for how approximate dates and ranges are mapped);
//! - `POB Baghdad, Iraq` (kept as "Baghdad, IRQ"); `nationality Iraq`, `citizen Iraq`;
//!   `Gender Male`;
//! - `Passport A1234567 (Iraq)`, `National ID No. …`, `Cedula No. …` and the other identity
//!   numbers OFAC writes (see [`IDENTIFIER_KEYS`]), with the issuing country in brackets;
//! - `a.k.a. 'EL CHAPO'`: OFAC lists its low-quality ("weak") aliases here, so these become
//!   weak aliases, as do alt.csv names whose remarks say `weak aka`.
//!
//! Addresses are read and checked but not imported: the model keeps no address for a person.
//! They are counted in [`ListSummary::addresses_left_out`].

use std::collections::{HashMap, VecDeque};
use std::io::Read;

use csv::{ByteRecord, ReaderBuilder};
use portwatch_model::{
    AgencyId, IdentifierKind, NameKind, RecordContent, Sex, TerrorismItem, Visibility,
};

use crate::lists::{
    birth_clause, clean_text, country_code, place_with_country, ListError, ListSummary, PersonDraft,
};

const SDN: &str = "ofac sdn";
const ALT: &str = "ofac alt";
const ADD: &str = "ofac add";

const SDN_COLUMNS: [&str; 12] = [
    "ent_num",
    "SDN_Name",
    "SDN_Type",
    "Program",
    "Title",
    "Call_Sign",
    "Vess_type",
    "Tonnage",
    "GRT",
    "Vess_flag",
    "Vess_owner",
    "Remarks",
];
const ALT_COLUMNS: [&str; 5] = ["ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks"];
const ADD_COLUMNS: [&str; 6] = [
    "ent_num",
    "add_num",
    "address",
    "city",
    "country",
    "add_remarks",
];

/// Programs whose designations are terrorism-related.
const TERRORISM_PROGRAMS: [&str; 3] = ["SDGT", "SDT", "FTO"];

/// The identity numbers OFAC writes in its remarks, by the words that introduce them.
pub const IDENTIFIER_KEYS: &[(&str, IdentifierKind)] = &[
    ("Passport", IdentifierKind::Passport),
    ("Passport No.", IdentifierKind::Passport),
    ("Passport No.:", IdentifierKind::Passport),
    ("Passport Booklet", IdentifierKind::Passport),
    ("Passport Booklet:", IdentifierKind::Passport),
    ("Diplomatic Passport", IdentifierKind::Passport),
    (
        "British National Overseas Passport",
        IdentifierKind::Passport,
    ),
    ("Travel Document Number", IdentifierKind::Passport),
    ("National ID No.", IdentifierKind::NationalId),
    ("National ID No.:", IdentifierKind::NationalId),
    ("Cedula No.", IdentifierKind::NationalId),
    ("C.U.R.P.", IdentifierKind::NationalId),
    ("C.U.R.P. #", IdentifierKind::NationalId),
    ("D.N.I.", IdentifierKind::NationalId),
    ("N.I.E.", IdentifierKind::NationalId),
    ("Personal ID Card", IdentifierKind::NationalId),
    ("Tazkira National ID Card", IdentifierKind::NationalId),
    ("Kenyan ID No.", IdentifierKind::NationalId),
    ("Bosnian Personal ID No.", IdentifierKind::NationalId),
    ("Moroccan Personal ID No.", IdentifierKind::NationalId),
    ("Numero de Identidad", IdentifierKind::NationalId),
    ("Citizen's Card Number", IdentifierKind::NationalId),
    ("Turkish Identificiation Number", IdentifierKind::NationalId),
    ("Turkish Identification Number", IdentifierKind::NationalId),
    ("National Foreign ID Number", IdentifierKind::NationalId),
    ("LE Number", IdentifierKind::NationalId),
    ("Identification Number", IdentifierKind::NationalId),
    ("R.F.C.", IdentifierKind::Other),
    ("RFC", IdentifierKind::Other),
    ("SSN", IdentifierKind::Other),
    ("Electoral Registry No.", IdentifierKind::Other),
    ("Credencial electoral", IdentifierKind::Other),
    ("I.F.E.", IdentifierKind::Other),
    ("Driver's License No.", IdentifierKind::Other),
    ("Italian Fiscal Code", IdentifierKind::Other),
    ("Italian Fiscal Code:", IdentifierKind::Other),
    (
        "Cartilla de Servicio Militar Nacional",
        IdentifierKind::Other,
    ),
    ("NIT #", IdentifierKind::Other),
    ("Tax ID No.", IdentifierKind::Other),
    ("C.U.I.P.", IdentifierKind::Other),
    ("C.U.I.T.", IdentifierKind::Other),
    ("RUC #", IdentifierKind::Other),
    ("RTN", IdentifierKind::Other),
    ("Residency Number", IdentifierKind::Other),
    ("Birth Certificate Number", IdentifierKind::Other),
    ("Registration ID", IdentifierKind::Other),
    ("Immigration No.", IdentifierKind::Other),
    ("Pilot License Number", IdentifierKind::Other),
    ("VisaNumberID", IdentifierKind::Other),
];

/// Starts reading the SDN list from its three files (pass [`std::io::empty()`] for an absent
/// alt or add file). The alt and add files are read at once; iterate to get one result per
/// individual of the sdn file, then look at [`OfacReader::summary`].
pub fn read<S: Read, A: Read, D: Read>(
    sdn: S,
    alt: A,
    add: D,
    owner: AgencyId,
    visibility: Visibility,
) -> OfacReader<S> {
    let mut pending = VecDeque::new();
    let aliases = read_aliases(alt, &mut pending);
    let addresses = read_addresses(add, &mut pending);
    OfacReader {
        sdn: ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(sdn),
        row: ByteRecord::new(),
        aliases,
        addresses,
        pending,
        owner,
        visibility,
        summary: ListSummary::default(),
        done: false,
    }
}

/// Reads individuals out of the SDN list, one per call to `next`; errors of the alt and add
/// files come first.
pub struct OfacReader<S: Read> {
    sdn: csv::Reader<S>,
    row: ByteRecord,
    aliases: HashMap<String, Vec<AltName>>,
    addresses: HashMap<String, usize>,
    pending: VecDeque<ListError>,
    owner: AgencyId,
    visibility: Visibility,
    summary: ListSummary,
    done: bool,
}

impl<S: Read> OfacReader<S> {
    /// What has been read so far; complete once the iterator has ended.
    pub fn summary(&self) -> &ListSummary {
        &self.summary
    }

    pub fn into_summary(self) -> ListSummary {
        self.summary
    }

    /// Maps the row just read: a person, an error, or `None` for a skipped entry.
    fn row_item(&mut self) -> Option<Result<RecordContent, ListError>> {
        let (line, byte) = row_position(&self.row);
        let located = |e: ListError| e.at_line(line).at_byte(byte);
        let fields = match row_fields(&self.row, &SDN_COLUMNS) {
            Ok(fields) => fields,
            Err((field, rule)) => {
                let e = located(ListError::new(SDN, field, rule));
                self.summary.rejected += 1;
                return Some(Err(e));
            }
        };
        let ent_num = fields[0].clone().unwrap_or_default();
        if ent_num.is_empty() || !ent_num.bytes().all(|b| b.is_ascii_digit()) {
            self.summary.rejected += 1;
            return Some(Err(located(ListError::new(
                SDN,
                "ent_num",
                format!("must be an entity number (digits), got {ent_num:?}"),
            ))));
        }
        let kind = fields[2]
            .as_deref()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match kind.as_str() {
            "individual" => {}
            "" => {
                self.summary.skip("entity", "organisations are not persons: portwatch holds persons, travel documents and vehicles");
                return None;
            }
            "vessel" => {
                self.summary.skip(
                    "vessel",
                    "vessels are not persons; portwatch's vehicles are road vehicles with a VIN",
                );
                return None;
            }
            "aircraft" => {
                self.summary.skip(
                    "aircraft",
                    "aircraft are not persons; portwatch's vehicles are road vehicles with a VIN",
                );
                return None;
            }
            other => {
                self.summary.rejected += 1;
                return Some(Err(located(
                    ListError::new(
                        SDN,
                        "SDN_Type",
                        format!("must be individual, vessel, aircraft or -0- (an entity), got {other:?}"),
                    )
                    .in_entry(ent_num),
                )));
            }
        }
        let result = self.individual(&ent_num, &fields);
        Some(result.map_err(|e| located(e.in_entry(ent_num))))
    }

    fn individual(
        &mut self,
        ent_num: &str,
        fields: &[Option<String>],
    ) -> Result<RecordContent, ListError> {
        let Some(name) = fields[1].as_deref() else {
            self.summary.rejected += 1;
            return Err(ListError::new(
                SDN,
                "SDN_Name",
                "an individual needs a name",
            ));
        };
        let mut d = PersonDraft::new(ent_num);
        d.add_name("SDN_Name", &natural_order(name), NameKind::Primary);
        for alt in self.aliases.get(ent_num).into_iter().flatten() {
            let kind = if alt.weak {
                NameKind::WeakAlias
            } else {
                NameKind::Alias
            };
            d.add_name("alt_name", &natural_order(&alt.name), kind);
        }
        if let Some(remarks) = fields[11].as_deref() {
            read_remarks(&mut d, remarks);
        }
        let programs: Vec<&str> = fields[3]
            .as_deref()
            .unwrap_or_default()
            .split(['[', ']'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        let terror: Vec<&str> = programs
            .iter()
            .copied()
            .filter(|p| TERRORISM_PROGRAMS.contains(p))
            .collect();
        if !terror.is_empty() {
            d.terrorism_items.push(TerrorismItem {
                reference: format!("OFAC SDN {ent_num}"),
                summary: format!(
                    "Designated by OFAC under the terrorism program(s) {}",
                    terror.join(", ")
                ),
            });
        }
        self.summary.addresses_left_out += self.addresses.get(ent_num).copied().unwrap_or(0);
        let (content, warnings) = d.into_content(&self.owner, &self.visibility);
        let result = content.map_err(|e| ListError::from_model(SDN, e));
        self.summary.record(&result, warnings);
        result
    }
}

impl<S: Read> Iterator for OfacReader<S> {
    type Item = Result<RecordContent, ListError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(e) = self.pending.pop_front() {
            return Some(Err(e));
        }
        while !self.done {
            match self.sdn.read_byte_record(&mut self.row) {
                Ok(false) => self.done = true,
                Ok(true) => {
                    if let Some(item) = self.row_item() {
                        return Some(item);
                    }
                }
                Err(e) => {
                    self.done = true;
                    let mut err = ListError::new(SDN, "", format!("cannot read the file: {e}"));
                    if let Some(p) = e.position() {
                        err = err.at_line(p.line()).at_byte(p.byte());
                    }
                    return Some(Err(err));
                }
            }
        }
        None
    }
}

/// One name of alt.csv.
#[derive(Debug)]
struct AltName {
    name: String,
    weak: bool,
}

fn read_aliases<A: Read>(
    alt: A,
    errors: &mut VecDeque<ListError>,
) -> HashMap<String, Vec<AltName>> {
    let mut aliases: HashMap<String, Vec<AltName>> = HashMap::new();
    for_each_row(alt, ALT, &ALT_COLUMNS, errors, |fields| {
        let ent_num = entity_number(&fields[0])?;
        let alt_type = fields[2]
            .as_deref()
            .unwrap_or_default()
            .to_ascii_lowercase();
        if !matches!(alt_type.as_str(), "aka" | "fka" | "nka") {
            return Err((
                "alt_type",
                format!("must be aka, fka or nka, got {alt_type:?}"),
            ));
        }
        let Some(name) = fields[3].clone() else {
            return Err(("alt_name", "must not be empty".to_string()));
        };
        let weak = fields[4]
            .as_deref()
            .is_some_and(|r| r.to_ascii_lowercase().contains("weak"));
        aliases
            .entry(ent_num)
            .or_default()
            .push(AltName { name, weak });
        Ok(())
    });
    aliases
}

fn read_addresses<D: Read>(add: D, errors: &mut VecDeque<ListError>) -> HashMap<String, usize> {
    let mut addresses: HashMap<String, usize> = HashMap::new();
    for_each_row(add, ADD, &ADD_COLUMNS, errors, |fields| {
        let ent_num = entity_number(&fields[0])?;
        *addresses.entry(ent_num).or_default() += 1;
        Ok(())
    });
    addresses
}

type FieldError = (&'static str, String);

/// Reads every row of a headerless CSV file, checking its column count and encoding; a bad row
/// is queued as an error naming its line and the reading goes on.
fn for_each_row<R: Read>(
    input: R,
    file: &'static str,
    columns: &[&'static str],
    errors: &mut VecDeque<ListError>,
    mut each: impl FnMut(Vec<Option<String>>) -> Result<(), FieldError>,
) {
    let mut reader = ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input);
    let mut row = ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut row) {
            Ok(false) => return,
            Ok(true) => {
                let (line, byte) = row_position(&row);
                let outcome = row_fields(&row, columns).and_then(&mut each);
                if let Err((field, rule)) = outcome {
                    errors.push_back(
                        ListError::new(file, field, rule)
                            .at_line(line)
                            .at_byte(byte),
                    );
                }
            }
            Err(e) => {
                let mut err = ListError::new(file, "", format!("cannot read the file: {e}"));
                if let Some(p) = e.position() {
                    err = err.at_line(p.line()).at_byte(p.byte());
                }
                errors.push_back(err);
                return;
            }
        }
    }
}

fn row_position(row: &ByteRecord) -> (u64, u64) {
    row.position()
        .map(|p| (p.line(), p.byte()))
        .unwrap_or((0, 0))
}

/// The fields of a row as text, `-0-` and blanks as `None`; the column count and the encoding
/// are checked.
fn row_fields(
    row: &ByteRecord,
    columns: &[&'static str],
) -> Result<Vec<Option<String>>, FieldError> {
    if row.len() != columns.len() {
        return Err((
            "row",
            format!(
                "must have {} columns ({}), found {}",
                columns.len(),
                columns.join(", "),
                row.len()
            ),
        ));
    }
    row.iter()
        .zip(columns)
        .map(|(bytes, column)| {
            let text = std::str::from_utf8(bytes).map_err(|e| {
                (
                    *column,
                    format!("is not valid UTF-8 (byte {} of the field)", e.valid_up_to()),
                )
            })?;
            let text = text.trim();
            Ok((!text.is_empty() && text != "-0-").then(|| text.to_string()))
        })
        .collect()
}

fn entity_number(field: &Option<String>) -> Result<String, FieldError> {
    match field {
        Some(n) if n.bytes().all(|b| b.is_ascii_digit()) => Ok(n.clone()),
        other => Err((
            "ent_num",
            format!(
                "must be an entity number (digits), got {:?}",
                other.as_deref().unwrap_or("")
            ),
        )),
    }
}

/// "AL ZAWAHIRI, Dr. Ayman" → "Dr. Ayman AL ZAWAHIRI"; a name without a comma is kept.
fn natural_order(name: &str) -> String {
    match name.split_once(',') {
        Some((surname, given)) if !given.trim().is_empty() && !surname.trim().is_empty() => {
            clean_text(&format!("{} {}", given.trim(), surname.trim()))
        }
        _ => clean_text(name),
    }
}

/// Parses the remarks clauses that describe a person.
fn read_remarks(d: &mut PersonDraft, remarks: &str) {
    for clause in remarks.split(';') {
        let clause = clean_text(clause);
        let clause = clause.trim_end_matches('.').trim();
        let body = clause.strip_prefix("alt. ").unwrap_or(clause);
        if let Some(value) = body.strip_prefix("DOB ") {
            match birth_clause(value) {
                Ok(dates) => d.add_birth_dates(dates),
                Err(rule) => d.warn("Remarks/DOB", value, rule),
            }
        } else if let Some(value) = body.strip_prefix("POB ") {
            let parts: Vec<&str> = value.split(',').collect();
            place_with_country(d, "Remarks/POB", &parts);
        } else if let Some(value) = body
            .strip_prefix("nationality ")
            .or_else(|| body.strip_prefix("citizen "))
        {
            // "possibly Palestinian": a nationality OFAC is not sure of still narrows a search.
            let value = value.strip_prefix("possibly ").unwrap_or(value);
            d.add_nationality("Remarks/nationality", value);
        } else if let Some(value) = body.strip_prefix("Gender ") {
            match value.to_ascii_lowercase().as_str() {
                "male" => d.sex = Some(Sex::Male),
                "female" => d.sex = Some(Sex::Female),
                _ => d.warn("Remarks/Gender", value, "neither Male nor Female"),
            }
        } else if let Some(name) = quoted_alias(body) {
            d.add_name("Remarks/a.k.a.", name, NameKind::WeakAlias);
        } else if let Some((kind, value)) = identifier_clause(body) {
            let (number, country) = number_and_country(value);
            let country = country.and_then(|c| d.country("Remarks/identifier", &c));
            d.add_identifier("Remarks/identifier", kind, &number, country);
        }
    }
}

/// The name of an `a.k.a. 'NAME'` clause (also `f.k.a.` and `n.k.a.`).
fn quoted_alias(clause: &str) -> Option<&str> {
    let rest = ["a.k.a. ", "f.k.a. ", "n.k.a. "]
        .iter()
        .find_map(|p| clause.strip_prefix(p))?;
    let inner = rest.trim().strip_prefix('\'')?;
    Some(inner.strip_suffix('\'').unwrap_or(inner))
}

/// The kind and the rest of a clause that starts with one of [`IDENTIFIER_KEYS`] (the longest
/// key that matches wins: "Passport No.:" before "Passport").
fn identifier_clause(clause: &str) -> Option<(IdentifierKind, &str)> {
    IDENTIFIER_KEYS
        .iter()
        .filter_map(|(key, kind)| {
            let rest = clause.strip_prefix(key)?;
            rest.starts_with(' ')
                .then(|| (key.len(), *kind, rest.trim()))
        })
        .max_by_key(|(len, _, _)| *len)
        .map(|(_, kind, rest)| (kind, rest))
}

/// Splits "A1234567 (Iraq) issued 2001" into the number text and the country named in
/// brackets (or after a comma: "0310857, Eritrea, Issue Date …").
fn number_and_country(value: &str) -> (String, Option<String>) {
    let cut = [" issued", " expires", " expired", ",issued", " Issue Date"]
        .iter()
        .filter_map(|w| value.find(w))
        .min()
        .unwrap_or(value.len());
    let head = &value[..cut];
    if let Some((number, rest)) = head.split_once('(') {
        let country = rest
            .split(')')
            .next()
            .map(str::trim)
            .filter(|c| country_code(c).is_some());
        return (number.trim().to_string(), country.map(String::from));
    }
    if let Some((number, rest)) = head.split_once(',') {
        let candidate = rest.split(',').next().unwrap_or_default().trim();
        if country_code(candidate).is_some() {
            return (number.trim().to_string(), Some(candidate.to_string()));
        }
    }
    (head.trim().to_string(), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_turned_into_given_then_surname() {
        assert_eq!(
            natural_order("AL ZAWAHIRI, Dr. Ayman"),
            "Dr. Ayman AL ZAWAHIRI"
        );
        assert_eq!(natural_order("CRUZ, Juan M. de la"), "Juan M. de la CRUZ");
        assert_eq!(natural_order("ABU ABBAS"), "ABU ABBAS");
        assert_eq!(natural_order("SMITH,"), "SMITH,");
    }

    #[test]
    fn the_longest_identifier_key_wins() {
        assert_eq!(
            identifier_clause("Passport No.: 0310857, Eritrea"),
            Some((IdentifierKind::Passport, "0310857, Eritrea"))
        );
        assert_eq!(
            identifier_clause("National ID No. 22095919778 (Norway)"),
            Some((IdentifierKind::NationalId, "22095919778 (Norway)"))
        );
        assert_eq!(identifier_clause("Passportless"), None);
        assert_eq!(identifier_clause("Linked To: X"), None);
    }

    #[test]
    fn numbers_are_separated_from_country_and_dates() {
        assert_eq!(
            number_and_country("A1234567 (Iraq)"),
            ("A1234567".to_string(), Some("Iraq".to_string()))
        );
        assert_eq!(
            number_and_country("L 191609 issued 28 Feb 1996 expires 27 Feb 2001"),
            ("L 191609".to_string(), None)
        );
        assert_eq!(
            number_and_country("0310857, Eritrea, Issue Date 21 August 2006"),
            ("0310857".to_string(), Some("Eritrea".to_string()))
        );
        assert_eq!(
            number_and_country("C 1415363 (Xanadu)"),
            ("C 1415363".to_string(), None)
        );
    }

    #[test]
    fn quoted_aliases_keep_inner_apostrophes() {
        assert_eq!(quoted_alias("a.k.a. 'ABU-'UMAR'"), Some("ABU-'UMAR"));
        assert_eq!(quoted_alias("a.k.a. 'EL CHAPO'"), Some("EL CHAPO"));
        assert_eq!(quoted_alias("Linked To: X"), None);
    }
}
